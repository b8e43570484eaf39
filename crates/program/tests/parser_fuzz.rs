//! Fuzzing the front end with proptest (stable Rust has no cargo-fuzz):
//! random bytes, random streams of the language's tokens, and mutated JSON
//! of the examples never make `CheckedProgram::parse`, `from_json` or `load`
//! panic, and each returns within a bounded time. Sources over the size
//! limit are refused at once with a clear error.

use crate::common;

use std::time::{Duration, Instant};

use cohort_program::{CheckedProgram, Error, KEYWORDS, MAX_SOURCE_LEN};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

/// The longest one call may take: generous, for an unoptimised build on a busy machine.
const SLOW: Duration = Duration::from_secs(3);

/// A runner for `cases` cases, or as many as `PROPTEST_CASES` says (to fuzz longer).
fn runner(cases: u32) -> TestRunner {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(cases);
    TestRunner::new(Config { cases, failure_persistence: None, ..Config::default() })
}

/// Runs `f` (a panic fails the case, as proptest catches it) and checks that it was quick.
fn quickly(what: &str, src: &str, f: impl FnOnce(&str) -> Result<CheckedProgram, Error>) -> Result<(), TestCaseError> {
    let start = Instant::now();
    let outcome = f(src);
    let took = start.elapsed();
    prop_assert!(took < SLOW, "{what} took {took:?} on {src:?}");
    if let Err(e) = outcome {
        prop_assert!(!e.message.is_empty(), "{what}: an error without a message on {src:?}");
    }
    Ok(())
}

/// Program headers, so that random tokens reach the statements and the checker.
const HEADERS: [&str; 4] =
    ["", "program \"f\"\nparties 3\n", "program \"f\"\nparties 2 to 4\n", "program \"f\"\nparties 3\ninput s: secint(32) from each\n"];

#[test]
fn random_bytes_never_panic() {
    let bytes = (prop::sample::select(HEADERS.to_vec()), prop::collection::vec(any::<u8>(), 0..2000));
    runner(3000)
        .run(&bytes, |(header, bytes)| {
            let src = format!("{header}{}", String::from_utf8_lossy(&bytes));
            quickly("parse", &src, CheckedProgram::parse)?;
            quickly("load", &src, CheckedProgram::load)?;
            quickly("from_json", &src, CheckedProgram::from_json)
        })
        .unwrap();
}

/// Tokens of the language: every keyword, contextual words, operations,
/// names, numbers, strings and punctuation.
fn tokens() -> Vec<&'static str> {
    let mut words: Vec<&str> = KEYWORDS.to_vec();
    words.extend([
        "from",
        "each",
        "typed",
        "between",
        "to",
        "all",
        "party",
        "more",
        "range",
        "secint",
        "secfxp",
        "secfld",
        "sum",
        "min",
        "max",
        "len",
        "sort",
        "concat",
        "flatten",
        "mean",
        "argmax",
        "if_else",
        "to_bits",
        "from_bits",
        "random_int",
        "random_derangement",
        "shuffle",
        "matmul",
        "find",
        "mode",
        "choice",
        "key",
        "e",
        "x",
        "y",
        "z",
        "s",
        "v",
        "i",
        "alice",
        "parties",
        "_",
        "//",
        "<<",
        ">>",
        "<=",
        ">=",
        "==",
        "!=",
        ",",
        ":",
        "=",
        "+",
        "-",
        "*",
        "/",
        "%",
        "<",
        ">",
        "0",
        "1",
        "2",
        "3",
        "32",
        "101",
        "1.5",
        "1e3",
        "1e-3",
        "4294967296",
        "170141183460469231731687303715884105727",
        "\"t\"",
        "\"esc\\\"aped\"",
        "# note",
    ]);
    words
}

/// Values with balanced brackets, so that streams get past the lexer.
const GROUPS: &[&str] = &[
    "s[0]",
    "s[-1]",
    "s[1:]",
    "sum(s)",
    "max(s)",
    "len(s)",
    "(y + 1)",
    "[1, 2, 3]",
    "[i for i in range(parties)]",
    "random_int(secint(8), 0, 5)",
    "random_derangement(secint(32), parties)",
    "if_else(s[0] < 1, s[0], 2)",
    "to_bits(s[0])",
    "concat(s, s)",
    "sort(s, key=-s)",
    "max(s, key=s)",
    "find(s, 1, e=-1)",
    "sample(secint(32), s, 1)",
];

/// How lines start: statements, or nothing.
const PREFIXES: &[&str] = &[
    "",
    "let y =",
    "let z =",
    "y =",
    "reveal r =",
    "reveal q =",
    "if",
    "for i in range(3):",
    "for j in range(parties) ",
    "else:",
    "input x: secint(32) from each",
    "input v: secint(32)[3] from alice typed between 0 and 9",
    "role alice = party 0",
    "type t = secfxp(32)",
];

/// How lines end.
const SUFFIXES: &[&str] = &["", "", "to all", "to each", "to alice", ":"];

/// What the lexer refuses, and brackets on their own: rare, so that most
/// streams get past the lexer.
const RARE: &[&str] = &[
    "(",
    ")",
    "[",
    "]",
    "):",
    ".",
    "@",
    "$",
    "1e",
    "12ab",
    "\"unclosed",
    "\"bad\\escape\"",
    "\t",
    "\r",
    "\u{e9}",
    "\u{1F600}",
    "99999999999999999999999999999999999999999",
];

/// Lines of random tokens between a statement's start and end, indented
/// as blocks would be (now and then not).
fn token_stream() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        300 => prop::sample::select(tokens()),
        100 => prop::sample::select(GROUPS),
        1 => prop::sample::select(RARE),
    ];
    let line = (
        any::<u8>(),
        prop::sample::select(PREFIXES),
        prop::collection::vec((token, prop::bool::weighted(0.005)), 0..5),
        prop::sample::select(SUFFIXES),
    );
    (prop::sample::select(HEADERS.to_vec()), prop::collection::vec(line, 0..40)).prop_map(|(header, lines)| {
        let mut src = header.to_string();
        let mut level = 0;
        for (choice, prefix, tokens, suffix) in lines {
            // After a `:` the next line is indented (mostly); otherwise it stays or goes back out.
            if src.trim_end().ends_with(':') && choice % 8 != 0 {
                level += 1;
            } else if choice % 4 == 1 {
                level = usize::from(choice / 4) % (level + 1);
            }
            let mut line = prefix.to_string();
            for (token, glued) in tokens {
                if !glued {
                    line.push(' ');
                }
                line.push_str(token);
            }
            line.push(' ');
            line.push_str(suffix);
            let indent = if choice == 255 { "  ".to_string() } else { "    ".repeat(level) };
            src.push_str(&indent);
            src.push_str(line.trim());
            src.push('\n');
        }
        src
    })
}

#[test]
fn random_token_streams_never_panic() {
    runner(5000)
        .run(&token_stream(), |src| {
            quickly("parse", &src, CheckedProgram::parse)?;
            if let Ok(p) = CheckedProgram::load(&src) {
                let again = CheckedProgram::parse(p.canonical()).map_err(|e| TestCaseError::fail(format!("{e}\n{}", p.canonical())))?;
                prop_assert_eq!(again.hash(), p.hash());
            }
            Ok(())
        })
        .unwrap();
}

/// An edit of a text: delete, insert or replace the character at a position.
#[derive(Clone, Debug)]
enum Edit {
    Delete(prop::sample::Index),
    Insert(prop::sample::Index, char),
    Replace(prop::sample::Index, char),
}

fn edit() -> impl Strategy<Value = Edit> {
    let ch = prop_oneof![prop::sample::select("{}[]\":,-.0123456789eE+ \nabcntu\\".chars().collect::<Vec<_>>()), any::<char>(),];
    prop_oneof![
        any::<prop::sample::Index>().prop_map(Edit::Delete),
        (any::<prop::sample::Index>(), ch.clone()).prop_map(|(i, c)| Edit::Insert(i, c)),
        (any::<prop::sample::Index>(), ch).prop_map(|(i, c)| Edit::Replace(i, c)),
    ]
}

fn apply(text: &str, edits: &[Edit]) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for e in edits {
        match *e {
            Edit::Delete(i) if !chars.is_empty() => {
                chars.remove(i.index(chars.len()));
            }
            Edit::Insert(i, c) => chars.insert(i.index(chars.len() + 1), c),
            Edit::Replace(i, c) if !chars.is_empty() => {
                let i = i.index(chars.len());
                chars[i] = c;
            }
            _ => {}
        }
    }
    chars.into_iter().collect()
}

#[test]
fn mutated_json_never_panics() {
    // The examples as JSON, compact (so that edits mostly hit the content) and pretty.
    let mut jsons = Vec::new();
    for name in common::example_names() {
        let (p, _) = common::example(&name);
        let pretty = p.to_json();
        let compact = serde_json::to_string(&serde_json::from_str::<serde_json::Value>(&pretty).unwrap()).unwrap();
        jsons.push(compact);
        jsons.push(pretty);
    }
    let accepted = std::cell::Cell::new(0usize);
    runner(3000)
        .run(&(prop::sample::select(jsons), prop::collection::vec(edit(), 1..6)), |(json, edits)| {
            let src = apply(&json, &edits);
            let start = Instant::now();
            let outcome = CheckedProgram::from_json(&src);
            prop_assert!(start.elapsed() < SLOW, "from_json took {:?}", start.elapsed());
            if let Ok(p) = outcome {
                // Whatever survives the edits is a program whose text gives it back.
                accepted.set(accepted.get() + 1);
                let again = CheckedProgram::parse(p.canonical()).map_err(|e| TestCaseError::fail(format!("{e}\n{}", p.canonical())))?;
                prop_assert_eq!(again.hash(), p.hash());
            }
            quickly("load", &src, CheckedProgram::load)
        })
        .unwrap();
    // Edits of names, numbers and strings leave a valid program now and then.
    assert!(accepted.get() > 0, "no mutated program was accepted");
}

#[test]
fn sources_over_the_limit_are_refused_at_once() {
    let program = "program \"big\"\nparties 3\ninput s: secint(32) from each\nreveal r = sum(s) to all\n";
    // Padded with a comment to exactly the limit: accepted.
    let exact = format!("{program}#{}", "x".repeat(MAX_SOURCE_LEN - program.len() - 1));
    assert_eq!(exact.len(), MAX_SOURCE_LEN);
    let start = Instant::now();
    let p = CheckedProgram::parse(&exact).unwrap();
    assert_eq!(p.canonical(), CheckedProgram::parse(program).unwrap().canonical());
    // One byte more: refused, at the start, saying why.
    let over = format!("{exact}x");
    let want = format!("the program is {} bytes long; the limit is {MAX_SOURCE_LEN}", MAX_SOURCE_LEN + 1);
    let e = CheckedProgram::parse(&over).unwrap_err();
    assert_eq!((e.span.line, e.span.col), (1, 1));
    assert_eq!(e.message, want);
    assert_eq!(e.to_string(), format!("line 1, column 1: {want}"));
    assert_eq!(CheckedProgram::load(&over).unwrap_err().message, want);
    // The same for JSON, and for much larger inputs.
    let json = format!("{}{}", p.to_json(), " ".repeat(MAX_SOURCE_LEN));
    assert!(CheckedProgram::from_json(&json).unwrap_err().message.contains(&format!("the limit is {MAX_SOURCE_LEN}")));
    assert!(CheckedProgram::load(&json).unwrap_err().message.contains(&format!("the limit is {MAX_SOURCE_LEN}")));
    let huge = "(".repeat(16 * MAX_SOURCE_LEN);
    assert!(CheckedProgram::parse(&huge).unwrap_err().message.contains("bytes long"));
    assert!(start.elapsed() < Duration::from_secs(5), "took {:?}", start.elapsed());
}

#[test]
fn large_sources_within_the_limit_are_quick() {
    // Near the limit, each kind of token repeated: every one an error or a program, quickly.
    let n = MAX_SOURCE_LEN - 64;
    let header = "program \"f\"\nparties 3\n";
    for unit in ["(", "[", ")", "-", "not ", "\n", " ", "    x\n", "\"", "1", "a", "x = 1\n", "let y = 1\n", "1 + ", "s[0]", "# c\n"] {
        let src = format!("{header}{}", unit.repeat((n - header.len()) / unit.len()));
        let start = Instant::now();
        let outcome = CheckedProgram::parse(&src);
        let took = start.elapsed();
        assert!(took < SLOW, "{unit:?} took {took:?}");
        if let Err(e) = outcome {
            assert!(!e.message.is_empty());
        }
    }
}
