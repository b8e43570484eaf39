//! Tokens of the text syntax, with Python's layout rules: statements end at
//! line ends, blocks are indented, and line ends inside brackets are ignored.
//!
//! Before anything else the whole text, comments included, is checked for
//! characters that would make it display differently from what it is (see
//! [`cohort_text::hidden_character`]): control characters, bidirectional overrides and isolates
//! (the "Trojan Source" attack hides code in comments with them) and
//! invisible formatting characters. A program's name and strings are shown
//! to participants when they approve it, so they must show what they are.

use crate::ast::Span;
use crate::error::{Error, Result};
use cohort_text::hidden_character;

/// The longest program text accepted.
pub const MAX_SOURCE_LEN: usize = 1 << 20;

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Tok {
    Ident(String),
    Int(i128),
    Float(f64),
    Str(String),
    /// Punctuation and operators, as written.
    Punct(&'static str),
    Newline,
    Indent,
    Dedent,
    Eof,
}

impl Tok {
    pub(crate) fn describe(&self) -> String {
        match self {
            Tok::Ident(s) => format!("`{s}`"),
            Tok::Int(v) => format!("the number {v}"),
            Tok::Float(v) => format!("the number {}", cohort_text::debug_f64(*v)),
            Tok::Str(_) => "a string".into(),
            Tok::Punct(p) => format!("`{p}`"),
            Tok::Newline => "the end of the line".into(),
            Tok::Indent => "an indented block".into(),
            Tok::Dedent => "the end of a block".into(),
            Tok::Eof => "the end of the program".into(),
        }
    }
}

const PUNCTS: [&str; 21] = ["//", "<<", ">>", "<=", ">=", "==", "!=", "(", ")", "[", "]", ",", ":", "=", "+", "-", "*", "/", "%", "<", ">"];

/// Splits `src` into tokens with their positions.
pub(crate) fn lex(src: &str) -> Result<Vec<(Tok, Span)>> {
    if src.len() > MAX_SOURCE_LEN {
        return Err(Error::new(
            Span { line: 1, col: 1 },
            format!("the program is {} bytes long; the limit is {MAX_SOURCE_LEN}", src.len()),
        ));
    }
    refuse_hidden(src)?;
    let mut out = Vec::new();
    let mut indents = vec![0usize];
    let mut open: Vec<(&str, Span)> = Vec::new(); // brackets not yet closed
    let mut last_line = 1u32;
    for (n, line) in src.lines().enumerate() {
        let line_no = u32::try_from(n + 1).unwrap_or(u32::MAX);
        last_line = line_no;
        let chars: Vec<char> = line.chars().collect();
        let at = |col: usize| Span { line: line_no, col: u32::try_from(col + 1).unwrap_or(u32::MAX) };
        let mut i = 0;
        if open.is_empty() {
            while i < chars.len() && chars[i] == ' ' {
                i += 1;
            }
            if i < chars.len() && chars[i] == '\t' {
                return Err(Error::new(at(i), "indent with spaces, not tabs"));
            }
            if i == chars.len() || chars[i] == '#' {
                continue; // blank or comment-only line
            }
            let top = *indents.last().unwrap_or(&0);
            if i > top {
                indents.push(i);
                out.push((Tok::Indent, at(i)));
            } else if i < top {
                while indents.last().is_some_and(|&w| w > i) {
                    indents.pop();
                    out.push((Tok::Dedent, at(i)));
                }
                if indents.last() != Some(&i) {
                    return Err(Error::new(at(i), "this line's indentation matches no enclosing block"));
                }
            }
        }
        while i < chars.len() {
            let c = chars[i];
            let start = at(i);
            if c == ' ' || c == '\t' || c == '\r' {
                i += 1;
            } else if c == '#' {
                break;
            } else if c.is_ascii_alphabetic() || c == '_' {
                let j = scan(&chars, i, |c| c.is_ascii_alphanumeric() || c == '_');
                out.push((Tok::Ident(chars[i..j].iter().collect()), start));
                i = j;
            } else if c.is_ascii_digit() {
                let (tok, j) = number(&chars, i, start)?;
                out.push((tok, start));
                i = j;
            } else if c == '"' {
                let (s, j) = string(&chars, i, start)?;
                out.push((Tok::Str(s), start));
                i = j;
            } else if let Some(p) = PUNCTS.iter().find(|p| p.chars().zip(&chars[i..]).filter(|(a, b)| a == *b).count() == p.len()) {
                match *p {
                    "(" | "[" => open.push((p, start)),
                    ")" | "]" => {
                        open.pop().ok_or_else(|| Error::new(start, format!("`{p}` closes nothing")))?;
                    }
                    _ => {}
                }
                out.push((Tok::Punct(p), start));
                i += p.len();
            } else {
                return Err(Error::new(start, format!("unexpected character {c:?}")));
            }
        }
        if open.is_empty() && !matches!(out.last(), None | Some((Tok::Newline | Tok::Indent | Tok::Dedent, _))) {
            out.push((Tok::Newline, at(chars.len())));
        }
    }
    let end = Span { line: last_line + 1, col: 1 };
    if let Some((p, at)) = open.last() {
        return Err(Error::new(*at, format!("this `{p}` is never closed")));
    }
    for _ in 1..indents.len() {
        out.push((Tok::Dedent, end));
    }
    out.push((Tok::Eof, end));
    Ok(out)
}

fn scan(chars: &[char], from: usize, ok: impl Fn(char) -> bool) -> usize {
    let mut j = from;
    while j < chars.len() && ok(chars[j]) {
        j += 1;
    }
    j
}

fn number(chars: &[char], i: usize, at: Span) -> Result<(Tok, usize)> {
    let mut j = scan(chars, i, |c| c.is_ascii_digit());
    let mut float = false;
    if j < chars.len() && chars[j] == '.' && chars.get(j + 1).is_some_and(char::is_ascii_digit) {
        float = true;
        j = scan(chars, j + 1, |c| c.is_ascii_digit());
    }
    if j < chars.len() && (chars[j] == 'e' || chars[j] == 'E') {
        let mut k = j + 1;
        if k < chars.len() && (chars[k] == '+' || chars[k] == '-') {
            k += 1;
        }
        let end = scan(chars, k, |c| c.is_ascii_digit());
        if end == k {
            return Err(Error::new(at, "a number's exponent needs digits, as in 1e-3"));
        }
        float = true;
        j = end;
    }
    if j < chars.len() && (chars[j].is_ascii_alphanumeric() || chars[j] == '_') {
        return Err(Error::new(at, format!("`{}` is not a number", chars[i..=j].iter().collect::<String>())));
    }
    let text: String = chars[i..j].iter().collect();
    let tok = if float {
        // Rounded as `str::parse` rounds, without core's tables (cohort-text says why).
        let v = cohort_text::parse_f64(&text).ok_or_else(|| Error::new(at, format!("`{text}` is not a number")))?;
        if !v.is_finite() {
            return Err(Error::new(at, format!("{text} is too large")));
        }
        Tok::Float(v)
    } else {
        Tok::Int(text.parse().map_err(|_| Error::new(at, format!("{text} is too large: integers have at most 38 digits")))?)
    };
    Ok((tok, j))
}

fn string(chars: &[char], i: usize, at: Span) -> Result<(String, usize)> {
    let mut s = String::new();
    let mut j = i + 1;
    while j < chars.len() {
        match chars[j] {
            '"' => return Ok((s, j + 1)),
            '\\' => match chars.get(j + 1) {
                Some(&c @ ('"' | '\\')) => {
                    s.push(c);
                    j += 2;
                }
                _ => return Err(Error::new(at, "in a string, `\\` may only escape `\"` or `\\`")),
            },
            '\t' => {
                let col = u32::try_from(j + 1).unwrap_or(u32::MAX);
                return Err(Error::new(Span { line: at.line, col }, "a tab is not allowed inside a string; use spaces"));
            }
            c => {
                s.push(c);
                j += 1;
            }
        }
    }
    Err(Error::new(at, "this string is not closed on its line"))
}

/// Refuses the first character of `src` that [`cohort_text::hidden_character`] names, with its
/// line and column. Line ends are `\n` or `\r\n`; tabs are allowed
/// between tokens and in comments (the layout rules refuse them in
/// indentation, [`string`] inside strings).
fn refuse_hidden(src: &str) -> Result<()> {
    let (mut line, mut col) = (1u32, 1u32);
    let mut chars = src.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' => {
                line = line.saturating_add(1);
                col = 0;
            }
            '\t' => {}
            '\r' if chars.peek() == Some(&'\n') => {}
            c => {
                if let Some(name) = hidden_character(c) {
                    return Err(Error::new(
                        Span { line, col },
                        format!("{name} is not allowed in a program: it would make the text display differently from what it is"),
                    ));
                }
            }
        }
        col = col.saturating_add(1);
    }
    Ok(())
}
