//! Characters that make a program display differently from what it is —
//! control characters, bidirectional overrides and isolates ("Trojan
//! Source"), invisible formatting characters — are refused anywhere in a
//! program, comments included, in the text syntax and in the JSON syntax,
//! with the line and column and the character's name.

use crate::common;

use cohort_program::{CheckedProgram, hidden_character};

/// The first two lines of a program; statements start on line 3.
const HEADER: &str = "program \"t\"\nparties 3\n";

#[test]
fn bidirectional_overrides_and_isolates_are_refused_everywhere() {
    for (c, name) in [
        ('\u{202a}', "U+202A LEFT-TO-RIGHT EMBEDDING"),
        ('\u{202b}', "U+202B RIGHT-TO-LEFT EMBEDDING"),
        ('\u{202c}', "U+202C POP DIRECTIONAL FORMATTING"),
        ('\u{202d}', "U+202D LEFT-TO-RIGHT OVERRIDE"),
        ('\u{202e}', "U+202E RIGHT-TO-LEFT OVERRIDE"),
        ('\u{2066}', "U+2066 LEFT-TO-RIGHT ISOLATE"),
        ('\u{2067}', "U+2067 RIGHT-TO-LEFT ISOLATE"),
        ('\u{2068}', "U+2068 FIRST STRONG ISOLATE"),
        ('\u{2069}', "U+2069 POP DIRECTIONAL ISOLATE"),
        ('\u{200e}', "U+200E LEFT-TO-RIGHT MARK"),
        ('\u{200f}', "U+200F RIGHT-TO-LEFT MARK"),
        ('\u{61c}', "U+061C ARABIC LETTER MARK"),
    ] {
        let phrase = format!("{name} is not allowed in a program");
        // In the program's name.
        common::assert_error(&format!("program \"Sum{c}\"\nparties 3\n"), 1, 13, &phrase);
        // In a comment: the Trojan Source attack.
        common::assert_error(&format!("{HEADER}# admin only {c}\nreveal x = 1 to all\n"), 3, 14, &phrase);
        // In a trailing comment after code.
        common::assert_error(&format!("{HEADER}reveal x = 1 to all  # {c}\n"), 3, 24, &phrase);
        // Between tokens, and where an identifier would be.
        common::assert_error(&format!("{HEADER}reveal x{c} = 1 to all\n"), 3, 9, &phrase);
    }
}

#[test]
fn the_trojan_source_example_is_refused() {
    // A comment that, displayed with the overrides applied, seems to end before `reveal`.
    let src = format!(
        "{HEADER}input s: secint(32) from each\n# \u{202e} }} \u{2066}reveal s to all\u{2069} \u{2066}# end\nreveal total = sum(s) to all\n"
    );
    common::assert_error(&src, 4, 3, "U+202E RIGHT-TO-LEFT OVERRIDE is not allowed in a program");
}

#[test]
fn invisible_characters_are_refused() {
    for (c, name) in [
        ('\u{200b}', "U+200B ZERO WIDTH SPACE"),
        ('\u{200c}', "U+200C ZERO WIDTH NON-JOINER"),
        ('\u{200d}', "U+200D ZERO WIDTH JOINER"),
        ('\u{feff}', "U+FEFF ZERO WIDTH NO-BREAK SPACE"),
        ('\u{2060}', "U+2060 WORD JOINER"),
        ('\u{ad}', "U+00AD SOFT HYPHEN"),
        ('\u{2028}', "U+2028 LINE SEPARATOR"),
        ('\u{e0041}', "U+E0041 (an invisible formatting character)"),
        ('\u{3164}', "U+3164 (an invisible Hangul filler)"),
    ] {
        common::assert_error(&format!("program \"a{c}b\"\nparties 3\n"), 1, 11, name);
        common::assert_error(&format!("{c}{HEADER}"), 1, 1, name);
    }
}

#[test]
fn control_characters_are_refused_even_inside_strings_and_comments() {
    for (c, name) in [
        ('\u{1b}', "U+001B ESCAPE"),
        ('\u{0}', "U+0000 NULL"),
        ('\u{8}', "U+0008 BACKSPACE"),
        ('\u{7}', "U+0007 BELL"),
        ('\u{7f}', "U+007F DELETE"),
        ('\u{9b}', "U+009B CONTROL SEQUENCE INTRODUCER"),
        ('\u{85}', "U+0085 NEXT LINE"),
        ('\u{1}', "U+0001 (a control character)"),
        ('\u{c}', "U+000C FORM FEED"),
    ] {
        let phrase = format!("{name} is not allowed in a program");
        common::assert_error(&format!("program \"x{c}[2J\"\nparties 3\n"), 1, 11, &phrase);
        common::assert_error(&format!("{HEADER}# {c}\n"), 3, 3, &phrase);
    }
    // A carriage return that ends no line would move the cursor back over the text.
    common::assert_error(&format!("{HEADER}# hidden\rreveal x = 1 to all\n"), 3, 9, "U+000D CARRIAGE RETURN is not allowed");
}

#[test]
fn tabs_and_line_ends_inside_a_string_are_refused() {
    common::assert_error("program \"a\tb\"\nparties 3\n", 1, 11, "a tab is not allowed inside a string");
    // A string cannot run over a line end.
    common::assert_error("program \"a\nb\"\nparties 3\n", 1, 9, "this string is not closed on its line");
    common::assert_error("program \"a\r\nb\"\nparties 3\n", 1, 9, "this string is not closed on its line");
}

#[test]
fn ordinary_text_still_parses() {
    // Tabs between tokens and in comments, CRLF line ends, and non-ASCII
    // letters, right-to-left scripts and emoji in strings and comments.
    let src = "program \"Moyenne des salaires — متوسط 🙂\"\r\nparties 3\r\n# commentaire\tété\r\ninput s: secint(32) from each\t# שלום\r\nreveal total = sum(s) to all\r\n";
    let p = CheckedProgram::parse(src).unwrap();
    assert_eq!(p.name(), "Moyenne des salaires — متوسط 🙂");
}

#[test]
fn the_json_syntax_goes_through_the_same_check() {
    let p = common::program(&format!("{HEADER}input s: secint(32) from each\nreveal total = sum(s) to all\n"));
    let json = p.to_json();
    assert!(CheckedProgram::from_json(&json).is_ok());
    for (hostile, name) in
        [("\\u202e", "U+202E RIGHT-TO-LEFT OVERRIDE"), ("\\u001b[2J", "U+001B ESCAPE"), ("\\u200b", "U+200B ZERO WIDTH SPACE")]
    {
        // In the program's name …
        let bad = json.replacen("\"name\": \"t\"", &format!("\"name\": \"t{hostile}\""), 1);
        assert_ne!(bad, json, "the JSON names the program");
        let e = CheckedProgram::from_json(&bad).unwrap_err();
        assert!(e.message.contains(&format!("{name} is not allowed in a program")), "{e}");
        // … and in an identifier, which the text syntax could not even express.
        let bad = json.replace("\"total\"", &format!("\"to{hostile}tal\""));
        assert_ne!(bad, json, "the JSON names the output");
        let e = CheckedProgram::from_json(&bad).unwrap_err();
        assert!(e.message.contains(&format!("{name} is not allowed in a program")), "{e}");
    }
    // A line end in the name cannot be written as text either.
    let bad = json.replacen("\"name\": \"t\"", "\"name\": \"t\\nreveal\"", 1);
    assert!(CheckedProgram::from_json(&bad).is_err());
}

#[test]
fn the_list_of_hidden_characters() {
    assert_eq!(hidden_character('\u{202e}').as_deref(), Some("U+202E RIGHT-TO-LEFT OVERRIDE"));
    assert_eq!(hidden_character('\u{1b}').as_deref(), Some("U+001B ESCAPE"));
    for ok in ['a', ' ', 'é', 'م', '🙂', '—', '\u{a0}'] {
        assert_eq!(hidden_character(ok), None, "{ok:?}");
    }
}
