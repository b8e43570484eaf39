//! Errors with the position they refer to.

use crate::ast::Span;

/// A problem with a program or its inputs, at a position of the program's
/// text when there is one.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct Error {
    /// Where the problem is; line 0 when it concerns no particular place.
    pub span: Span,
    /// A plain explanation.
    pub message: String,
    /// What kind of problem it is, for callers that act on it.
    pub code: ErrorCode,
    /// The input the problem is with, if it is about an input's value.
    pub input: Option<String>,
}

/// What kind of problem an [`Error`] is: stable, for programs to match on
/// (the message is for people and may change).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// The program: it does not parse or check, or cannot run as asked.
    Program,
    /// The program has no input of that name.
    UnknownInput,
    /// The input is another party's.
    NotYourInput,
    /// An input this party provides is missing.
    MissingInput,
    /// The value has the wrong shape: a list for a scalar, the wrong
    /// length, something that is neither a number nor a string.
    InputShape,
    /// A string that is not a number (only a JSON number's text is one),
    /// or a number's text longer than [`crate::MAX_NUMBER_LEN`].
    InputMalformed,
    /// A fraction for a `secint` or `secfld` input.
    InputNotInteger,
    /// A value the input's type cannot hold.
    InputOutOfRange,
    /// A value outside the input's declared bounds (`between LO and HI`).
    InputOutOfBounds,
}

impl ErrorCode {
    /// The code as a stable snake_case name (`input_out_of_range`).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Program => "invalid_program",
            ErrorCode::UnknownInput => "unknown_input",
            ErrorCode::NotYourInput => "not_your_input",
            ErrorCode::MissingInput => "missing_input",
            ErrorCode::InputShape => "input_shape",
            ErrorCode::InputMalformed => "input_malformed",
            ErrorCode::InputNotInteger => "input_not_integer",
            ErrorCode::InputOutOfRange => "input_out_of_range",
            ErrorCode::InputOutOfBounds => "input_out_of_bounds",
        }
    }
}

impl Error {
    pub(crate) fn new(span: Span, message: impl Into<String>) -> Self {
        Error { span, message: message.into(), code: ErrorCode::Program, input: None }
    }

    /// An error about no particular place of the program.
    pub(crate) fn general(message: impl Into<String>) -> Self {
        Error::new(Span::default(), message)
    }

    /// An error about the given value of input `name`.
    pub(crate) fn input(code: ErrorCode, name: &str, message: impl Into<String>) -> Self {
        Error { span: Span::default(), message: message.into(), code, input: Some(name.to_string()) }
    }
}

impl core::fmt::Display for Error {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        if self.span.line == 0 { f.write_str(&self.message) } else { write!(f, "{}: {}", self.span, self.message) }
    }
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = core::result::Result<T, E>;
