//! Text shown to participants — program names, roster names, messages from
//! peers and servers — must show what it is. This crate names the
//! characters that could hide or disguise such text: control characters
//! (terminal escape sequences, carriage returns, backspaces), bidirectional
//! overrides and isolates (the "Trojan Source" trick), and invisible
//! formatting characters. The program lexer refuses them, invite roster
//! names refuse them, and the command line escapes them in what it prints:
//! one rule for all three.
//!
//! ```
//! assert_eq!(cohort_text::hidden_character('\u{202e}').as_deref(), Some("U+202E RIGHT-TO-LEFT OVERRIDE"));
//! assert_eq!(cohort_text::hidden_character('é'), None);
//! ```
//!
//! It also prints `f64` exactly as `{}` and `{:?}` do ([`display_f64`],
//! [`debug_f64`]), without core's float formatting, which would add about
//! 20 KB to the browser's WebAssembly, and reads decimal text as `f64`
//! exactly as `str::parse` does ([`parse_f64`]), without core's
//! decimal-to-float tables (14 KB gzipped).

#![forbid(unsafe_code)]

mod float;
mod parse;

pub use float::{debug_f64, display_f64};
pub use parse::parse_f64;

/// The description (`U+202E RIGHT-TO-LEFT OVERRIDE`) of a character that
/// could hide or disguise text shown to a participant, or `None` for a
/// character that shows as itself: every control character
/// (Unicode category Cc, tabs and line ends included: callers that allow
/// them let them through themselves),
/// every formatting character (category Cf: bidirectional embeddings,
/// overrides, isolates and marks, zero-width characters, the byte order
/// mark, invisible operators, tag characters), the line and paragraph
/// separators, and the invisible Hangul fillers.
pub fn hidden_character(c: char) -> Option<String> {
    let name = match c {
        '\u{0}' => "NULL",
        '\u{7}' => "BELL",
        '\u{8}' => "BACKSPACE",
        '\t' => "CHARACTER TABULATION",
        '\n' => "LINE FEED",
        '\u{b}' => "LINE TABULATION",
        '\u{c}' => "FORM FEED",
        '\r' => "CARRIAGE RETURN",
        '\u{1b}' => "ESCAPE",
        '\u{7f}' => "DELETE",
        '\u{85}' => "NEXT LINE",
        '\u{9b}' => "CONTROL SEQUENCE INTRODUCER",
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' => "(a control character)",
        '\u{ad}' => "SOFT HYPHEN",
        '\u{61c}' => "ARABIC LETTER MARK",
        '\u{180e}' => "MONGOLIAN VOWEL SEPARATOR",
        '\u{200b}' => "ZERO WIDTH SPACE",
        '\u{200c}' => "ZERO WIDTH NON-JOINER",
        '\u{200d}' => "ZERO WIDTH JOINER",
        '\u{200e}' => "LEFT-TO-RIGHT MARK",
        '\u{200f}' => "RIGHT-TO-LEFT MARK",
        '\u{2028}' => "LINE SEPARATOR",
        '\u{2029}' => "PARAGRAPH SEPARATOR",
        '\u{202a}' => "LEFT-TO-RIGHT EMBEDDING",
        '\u{202b}' => "RIGHT-TO-LEFT EMBEDDING",
        '\u{202c}' => "POP DIRECTIONAL FORMATTING",
        '\u{202d}' => "LEFT-TO-RIGHT OVERRIDE",
        '\u{202e}' => "RIGHT-TO-LEFT OVERRIDE",
        '\u{2060}' => "WORD JOINER",
        '\u{2066}' => "LEFT-TO-RIGHT ISOLATE",
        '\u{2067}' => "RIGHT-TO-LEFT ISOLATE",
        '\u{2068}' => "FIRST STRONG ISOLATE",
        '\u{2069}' => "POP DIRECTIONAL ISOLATE",
        '\u{feff}' => "ZERO WIDTH NO-BREAK SPACE (byte order mark)",
        '\u{115f}' | '\u{1160}' | '\u{3164}' | '\u{ffa0}' => "(an invisible Hangul filler)",
        '\u{600}'..='\u{605}'
        | '\u{6dd}'
        | '\u{70f}'
        | '\u{890}'..='\u{891}'
        | '\u{8e2}'
        | '\u{2061}'..='\u{2064}'
        | '\u{206a}'..='\u{206f}'
        | '\u{fff9}'..='\u{fffb}'
        | '\u{110bd}'
        | '\u{110cd}'
        | '\u{13430}'..='\u{1343f}'
        | '\u{1bca0}'..='\u{1bca3}'
        | '\u{1d173}'..='\u{1d17a}'
        | '\u{e0001}'
        | '\u{e0020}'..='\u{e007f}' => "(an invisible formatting character)",
        _ => return None,
    };
    Some(format!("U+{:04X} {name}", u32::from(c)))
}
