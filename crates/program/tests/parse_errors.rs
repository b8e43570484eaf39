//! Malformed programs are rejected with an [`Error`] whose span (line and
//! column, in characters, from 1) points at the problem and whose message
//! explains it in plain words: layout, tokens, the header, keywords,
//! comparisons, misplaced statements, literals and nesting.

use crate::common;

use cohort_program::{CheckedProgram, Error, KEYWORDS};
use common::error;

/// The first two lines of a program; statements start on line 3.
const HEADER: &str = "program \"t\"\nparties 3\n";

/// `src` fails at `line`, `col` with a plain message containing `phrase`.
#[track_caller]
fn assert_error(src: &str, line: u32, col: u32, phrase: &str) -> Error {
    let e = common::assert_error(src, line, col, phrase);
    assert_plain(&e.message);
    e
}

/// A plain explanation: not empty, one line, no Rust debug output.
#[track_caller]
fn assert_plain(message: &str) {
    assert!(!message.trim().is_empty(), "empty message");
    assert!(!message.contains('\n'), "one line: {message:?}");
    for debug in ["Tok", "Ident(", "Punct(", "Some(", "None", "Int(", "Float(", "Span"] {
        assert!(!message.contains(debug), "message {message:?} shows internals ({debug})");
    }
}

#[test]
fn missing_program_line() {
    assert_error("parties 3\nreveal x = 1 to all\n", 1, 1, "a program starts with `program \"NAME\"`");
    // Comments and blank lines before it do not count, but the position is that of the first token.
    assert_error("# a comment\n\nparties 3\n", 3, 1, "starts with `program");
    assert_error("program\nparties 3\n", 1, 8, "expected the program's name in quotes, found the end of the line");
}

#[test]
fn missing_parties_line() {
    assert_error("program \"t\"\nlet x = 1\n", 2, 1, "the second line says how many parties");
    assert_error("program \"t\"\n", 2, 1, "the second line says how many parties");
}

#[test]
fn bad_party_counts_point_at_the_number() {
    let e = assert_error("program \"t\"\nparties 0\n", 2, 9, "at least 1 party");
    assert_eq!(e.to_string(), "line 2, column 9: a program needs at least 1 party");
    // After a comment the parties line is line 3, and the error says so.
    assert_error("# header\nprogram \"t\"\nparties 5 to 3\n", 3, 14, "the fewest parties come first: write `parties 3 to 5`");
    assert_error("program \"t\"\nparties 63 or more\n", 2, 9, "too many: at most 62");
    assert_error("program \"t\"\nparties 3 to 100\n", 2, 14, "100 parties is too many");
    assert_error("program \"t\"\nparties -3\n", 2, 9, "expected the number of parties, found `-`");
    assert_error("program \"t\"\nparties 3 or fewer\n", 2, 14, "expected `more`, found `fewer`");
    assert_error("program \"t\"\nparties 4294967296\n", 2, 9, "the number of parties must be between 0 and 4294967295");
}

#[test]
fn unknown_character() {
    assert_error(&format!("{HEADER}let x = 1 @ 2\n"), 3, 11, "unexpected character '@'");
    // Columns count characters, not bytes: `ü` is two bytes.
    assert_error(&format!("{HEADER}let x = \"ü\" ? 1\n"), 3, 13, "unexpected character '?'");
    assert_error(&format!("{HEADER}let naïve = 1\n"), 3, 7, "unexpected character 'ï'");
    assert_error(&format!("{HEADER}let x = 1.\n"), 3, 10, "unexpected character '.'");
}

#[test]
fn unclosed_string() {
    assert_error(&format!("{HEADER}\n\nreveal x = \"abc to all\n"), 5, 12, "this string is not closed on its line");
    assert_error(&format!("{HEADER}let x = \"a\\n\"\n"), 3, 9, "may only escape");
}

#[test]
fn unclosed_bracket_points_at_the_bracket() {
    // Line ends inside brackets are ignored, so the problem shows only at the end; it is the `(`.
    assert_error(&format!("{HEADER}let x = (1 + 2\nlet y = 3\n"), 3, 9, "this `(` is never closed");
    assert_error(&format!("{HEADER}let x = [1, (2 + 3)\n"), 3, 9, "this `[` is never closed");
    assert_error(&format!("{HEADER}let x = 1)\n"), 3, 10, "`)` closes nothing");
    // Closed on a later line: fine, and the statement continues there.
    assert!(CheckedProgram::parse(&format!("{HEADER}input a: secint(32) from each\nreveal s = sum(\n    a\n) to all\n")).is_ok());
}

#[test]
fn tab_indentation() {
    assert_error(&format!("{HEADER}for i in range(3):\n\tlet x = 1\n"), 4, 1, "indent with spaces, not tabs");
    assert_error(&format!("{HEADER}for i in range(3):\n  \tlet x = 1\n"), 4, 3, "not tabs");
}

#[test]
fn inconsistent_dedent() {
    assert_error(
        &format!("{HEADER}for i in range(3):\n        let x = 1\n    let y = 2\n"),
        5,
        5,
        "this line's indentation matches no enclosing block",
    );
    assert_error(&format!("{HEADER}  let x = 1\n"), 3, 3, "expected a statement, found an indented block");
    assert_error(&format!("{HEADER}for i in range(3):\nlet x = 1\n"), 4, 1, "expected an indented block, found `let`");
}

#[test]
fn keyword_used_as_a_name() {
    assert_error(&format!("{HEADER}let for = 1\n"), 3, 5, "`for` is a keyword and cannot be used as a variable name");
    assert_error(&format!("{HEADER}input if: secint(32) from each\n"), 3, 7, "`if` is a keyword and cannot be used as the input's name");
    assert_error(&format!("{HEADER}role reveal = party 0\n"), 3, 6, "`reveal` is a keyword");
    assert_error(&format!("{HEADER}let x = [i for in in range(3)]\n"), 3, 16, "`in` is a keyword");
    // Every keyword is refused as a variable name at its own column.
    for k in KEYWORDS {
        assert_error(&format!("{HEADER}let {k} = 1\n"), 3, 5, &format!("`{k}` is a keyword"));
    }
}

#[test]
fn chained_comparison() {
    // The error is at the second comparison operator.
    assert_error(&format!("{HEADER}let x = 1 < 2 < 3\n"), 3, 15, "comparisons cannot be chained");
    assert_error(&format!("{HEADER}let x = 1 == 2 + 1 != 3\n"), 3, 20, "comparisons cannot be chained");
    assert_error(&format!("{HEADER}let x = 0 or 1 <= 2 > 3\n"), 3, 21, "comparisons cannot be chained");
    // With parentheses it is one comparison of a comparison, which is allowed.
    assert!(CheckedProgram::parse(&format!("{HEADER}input a: secint(32) from each\nreveal x = (a[0] < a[1]) < a[2] to all\n")).is_ok());
}

#[test]
fn missing_expression_after_equals() {
    assert_error(&format!("{HEADER}let x =\n"), 3, 8, "expected a value, found the end of the line");
    // The end of a line is after its last character, comment included.
    assert_error(&format!("{HEADER}let x = 1\nx =   # nothing\n"), 4, 16, "expected a value, found the end of the line");
    assert_error(&format!("{HEADER}reveal y = to all\n"), 3, 15, "expected `to`, found `all`");
    assert_error(&format!("{HEADER}let x = 1 +\n"), 3, 12, "expected a value");
}

#[test]
fn reveal_inside_a_block() {
    assert_error(
        &format!("{HEADER}input x: secint(32) from each\nfor i in range(3):\n    reveal y = x to all\n"),
        5,
        5,
        "reveals belong at the top level, not inside a block",
    );
    assert_error(&format!("{HEADER}if 1:\n    input x: secint(32) from each\n"), 4, 5, "inputs belong at the top level");
    assert_error(&format!("{HEADER}if 1:\n    let y = 1\nelse:\n    role r = party 0\n"), 6, 5, "roles belong at the top level");
}

#[test]
fn integer_literal_too_large() {
    // i128 holds 170141183460469231731687303715884105727 (39 digits); one more does not fit.
    assert_error(&format!("{HEADER}let x = 1 + 170141183460469231731687303715884105728\n"), 3, 13, "is too large");
    assert_error(&format!("{HEADER}let x = {}\n", "9".repeat(60)), 3, 9, "too large: integers have at most 38 digits");
    assert_error(&format!("{HEADER}let x = 1e999\n"), 3, 9, "1e999 is too large");
    assert_error(&format!("{HEADER}let x = 1e+\n"), 3, 9, "a number's exponent needs digits");
    assert_error(&format!("{HEADER}let x = 12abc\n"), 3, 9, "`12a` is not a number");
    assert_error(&format!("{HEADER}input x: secint(4294967296) from each\n"), 3, 17, "the bit length must be between 0 and 4294967295");
}

#[test]
fn nesting_deeper_than_the_limit_is_an_error() {
    // 200 nested parentheses: the parser gives up at its depth limit, at the
    // 65th `(` (column 9 + 64), instead of overflowing the stack.
    let src = format!("{HEADER}let x = {}1{}\n", "(".repeat(200), ")".repeat(200));
    assert_error(&src, 3, 73, "nested more than 64 levels deep");
    for (open, close) in [("-", ""), ("not ", ""), ("[", "]"), ("sum(", ")"), ("x[", "]")] {
        let src = format!("{HEADER}let x = {}1{}\n", open.repeat(200), close.repeat(200));
        let e = error(&src);
        assert!(e.message.contains("nested more than 64 levels deep"), "{open}: {}", e.message);
        assert_eq!(e.span.line, 3, "{open}");
    }
    // Very deep: still an error, quickly.
    let src = format!("{HEADER}let x = {}1{}\n", "(".repeat(100_000), ")".repeat(100_000));
    assert_error(&src, 3, 73, "nested more than");
    // Blocks count too.
    let mut src = HEADER.to_string();
    for depth in 0..200 {
        src.push_str(&format!("{}if 1:\n", "    ".repeat(depth)));
    }
    src.push_str(&format!("{}let x = 1\n", "    ".repeat(200)));
    let e = error(&src);
    assert!(e.message.contains("nested more than 64 levels deep"), "{}", e.message);
    // The `if` on line 3 + 64 stands in 64 blocks; its condition `1` (after
    // 4 · 64 spaces and `if `) is the 65th level.
    assert_eq!((e.span.line, e.span.col), (3 + 64, 4 * 64 + 4), "the first thing nested too deep");
}

#[test]
fn nesting_within_the_limit_parses() {
    let src = format!("{HEADER}input a: secint(32) from each\nreveal x = {}a[0]{} to all\n", "(".repeat(40), " + 1)".repeat(40));
    let p = CheckedProgram::parse(&src).unwrap();
    assert!(p.canonical().contains(&format!("a[0]{}", " + 1".repeat(40))), "{}", p.canonical());
}

#[test]
fn statements_that_are_not_statements() {
    assert_error(&format!("{HEADER}x\n"), 3, 1, "expected a statement; to give `x` a new value, write `x = …`");
    assert_error(&format!("{HEADER}1 + 2\n"), 3, 1, "expected a statement, found the number 1");
    assert_error(&format!("{HEADER}program \"again\"\n"), 3, 1, "`program` may only appear once, at the start");
    assert_error(&format!("{HEADER}let x = 1 let y = 2\n"), 3, 11, "expected the end of the line, found `let`");
    assert_error(&format!("{HEADER}input x: secint(32) from\n"), 3, 25, "expected `each` or a role, found the end of the line");
    assert_error(&format!("{HEADER}input x: secfld(0) from each\n"), 3, 17, "expected a prime modulus, found the number 0");
    assert_error(&format!("{HEADER}let x = y[]\n"), 3, 11, "expected a value, found `]`");
}

#[test]
fn long_chains_are_an_error_not_a_stack_overflow() {
    // `1 + 1 + … + 1` deepens the tree by one level per operator although the
    // parser does not recurse; checking, printing and dropping the tree do.
    // The 256th `+` is one too many (column 9 + 4 · 255 + 2).
    for n in [256, 10_000, 250_000] {
        let src = format!("{HEADER}let x = {}1\n", "1 + ".repeat(n));
        assert_error(&src, 3, 1031, "this expression is more than 256 operations deep");
    }
    // Indexing and slicing chain too; the error is at the chain's start.
    let src = format!("{HEADER}input s: secint(32) from each\nreveal r = s{} to all\n", "[0:]".repeat(100_000));
    assert_error(&src, 4, 12, "split it with `let`");
    // Chains inside parentheses add up.
    let src = format!("{HEADER}let x = {}1{}\n", "(".repeat(30), " + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1)".repeat(30));
    assert!(error(&src).message.contains("operations deep"));
}

#[test]
fn the_deepest_expression_allowed_checks_on_a_small_stack() {
    // 255 operators make a tree of 256 levels. A thread with a 1 MiB stack
    // (the WebAssembly default) parses, checks, prints and re-parses it.
    let header = format!("{HEADER}input s: secint(32) from each\n");
    let programs = [
        format!("{header}let x = {}1\nreveal r = s + x to all\n", "1 + ".repeat(255)),
        format!("{header}reveal r = s{} to all\n", "[0:]".repeat(255)),
        format!("{header}reveal r = s[0]{} to all\n", " * s[1]".repeat(254)),
        format!("{header}reveal r = {}s{} to all\n", "concat(".repeat(62), ")".repeat(62)),
    ];
    for src in programs {
        let done = std::thread::Builder::new()
            .stack_size(1 << 20)
            .spawn(move || {
                let p = CheckedProgram::parse(&src).unwrap_or_else(|e| panic!("{e}"));
                let again = CheckedProgram::parse(p.canonical()).unwrap_or_else(|e| panic!("{e}"));
                assert_eq!(again.hash(), p.hash());
                assert!(!p.to_json().is_empty());
            })
            .unwrap()
            .join();
        assert!(done.is_ok());
    }
}
