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
}

impl Error {
    pub(crate) fn new(span: Span, message: impl Into<String>) -> Self {
        Error { span, message: message.into() }
    }

    /// An error about no particular place of the program.
    pub(crate) fn general(message: impl Into<String>) -> Self {
        Error { span: Span::default(), message: message.into() }
    }
}

impl core::fmt::Display for Error {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        if self.span.line == 0 { f.write_str(&self.message) } else { write!(f, "{}: {}", self.span, self.message) }
    }
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = core::result::Result<T, E>;
