//! Errors as the extension and pages see them: a page error code (defined
//! here once, and exported to the extension's JavaScript), a stable reason
//! naming the cause, and a message in plain words.

use cohort_channel::{ChannelError, InviteError};
use cohort_party::PartyError;
use cohort_signal::client::SignalError;

/// The page API's error codes (EIP-1193 style: 4xxx for refusals and
/// failures, -32602 for bad parameters). Pages match on these numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PageCode {
    /// The participant refused (or closed the approval window).
    UserRejected,
    /// Another request of the same site is waiting for the participant.
    RequestPending,
    /// The site is not connected, is blocked, or its origin is not served.
    Unauthorized,
    /// No such method.
    UnsupportedMethod,
    /// The program does not parse or check, or is not the invite's.
    InvalidProgram,
    /// Other parties did not arrive, left, or the signal server went away.
    PeerUnreachable,
    /// The session failed for another reason.
    SessionFailed,
    /// The extension restarted while the request waited; it left nothing
    /// behind (no seat in a room), so it can be sent again.
    Interrupted,
    /// Malformed or unacceptable parameters.
    InvalidParams,
}

impl PageCode {
    /// Every code, in the order of the docs.
    pub const ALL: [PageCode; 9] = [
        PageCode::UserRejected,
        PageCode::RequestPending,
        PageCode::Unauthorized,
        PageCode::UnsupportedMethod,
        PageCode::InvalidProgram,
        PageCode::PeerUnreachable,
        PageCode::SessionFailed,
        PageCode::Interrupted,
        PageCode::InvalidParams,
    ];

    /// The number pages see.
    pub fn number(self) -> i32 {
        match self {
            PageCode::UserRejected => 4001,
            PageCode::RequestPending => 4002,
            PageCode::Unauthorized => 4100,
            PageCode::UnsupportedMethod => 4200,
            PageCode::InvalidProgram => 4300,
            PageCode::PeerUnreachable => 4400,
            PageCode::SessionFailed => 4500,
            PageCode::Interrupted => 4600,
            PageCode::InvalidParams => -32602,
        }
    }

    /// The constant's name in JavaScript (`ERR.USER_REJECTED`, …).
    pub fn name(self) -> &'static str {
        match self {
            PageCode::UserRejected => "USER_REJECTED",
            PageCode::RequestPending => "REQUEST_PENDING",
            PageCode::Unauthorized => "UNAUTHORIZED",
            PageCode::UnsupportedMethod => "UNSUPPORTED_METHOD",
            PageCode::InvalidProgram => "INVALID_PROGRAM",
            PageCode::PeerUnreachable => "PEER_UNREACHABLE",
            PageCode::SessionFailed => "SESSION_FAILED",
            PageCode::Interrupted => "INTERRUPTED",
            PageCode::InvalidParams => "INVALID_PARAMS",
        }
    }
}

/// The extension's `error-codes.js`: the page codes as the global
/// `COHORT_ERRORS`, for the background (which imports it), the content
/// scripts and the page's provider (which load it first). Generated from
/// [`PageCode`]; the test `page_codes` checks the file is current.
pub fn error_codes_script() -> String {
    let mut js = String::from(
        "// Generated from crates/web/src/error.rs (PageCode) by\n\
         // `COHORT_BLESS=1 cargo test -p cohort-web --test page_codes`: do not edit.\n\
         // The page API's error codes, one table for every context of the extension.\n\
         globalThis.COHORT_ERRORS = Object.freeze({\n",
    );
    for code in PageCode::ALL {
        js.push_str(&format!("  {}: {},\n", code.name(), code.number()));
    }
    js.push_str("});\n");
    js
}

/// An error for the extension: which page code it maps to, why (a stable
/// snake_case reason from the Rust error's own code), and what to say.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct WebError {
    /// The page code.
    pub code: PageCode,
    /// The cause, stable (`bad_signature`, `not_the_program`, `peer_gone`, …).
    pub reason: &'static str,
    /// The explanation.
    pub message: String,
}

impl WebError {
    /// An error with these parts.
    pub fn new(code: PageCode, reason: &'static str, message: impl Into<String>) -> WebError {
        WebError { code, reason, message: message.into() }
    }

    /// Bad parameters.
    pub fn params(reason: &'static str, message: impl Into<String>) -> WebError {
        WebError::new(PageCode::InvalidParams, reason, message)
    }
}

impl From<PartyError> for WebError {
    fn from(e: PartyError) -> WebError {
        if let PartyError::NoPrivacy { parties } = e {
            // The same rule as the CLI's, in a page's words.
            let message = format!(
                "a session needs at least 3 parties for privacy: with {parties}, every party's input would reach the others in the clear"
            );
            return WebError::params(e.code(), message);
        }
        if let PartyError::Inputs { source, .. } = &e {
            // The input and what is wrong with its value, by the program's code.
            return WebError::params(source.code.as_str(), e.to_string());
        }
        let code = match &e {
            PartyError::NotTheProgram { .. } | PartyError::PartyCount { .. } | PartyError::Program(_) => PageCode::InvalidProgram,
            PartyError::NoPrivacy { .. } | PartyError::BadThreshold(_) | PartyError::Inputs { .. } | PartyError::NotAParty { .. } => {
                PageCode::InvalidParams
            }
            e if e.is_unreachable() => PageCode::PeerUnreachable,
            _ => PageCode::SessionFailed,
        };
        WebError::new(code, e.code(), e.to_string())
    }
}

impl From<SignalError> for WebError {
    fn from(e: SignalError) -> WebError {
        let code = if e.is_unreachable() { PageCode::PeerUnreachable } else { PageCode::SessionFailed };
        WebError::new(code, e.code(), e.to_string())
    }
}

impl From<InviteError> for WebError {
    fn from(e: InviteError) -> WebError {
        WebError::params(e.code(), e.to_string())
    }
}

impl From<cohort_program::Error> for WebError {
    fn from(e: cohort_program::Error) -> WebError {
        WebError::new(PageCode::InvalidProgram, "invalid_program", e.to_string())
    }
}

impl From<ChannelError> for WebError {
    fn from(e: ChannelError) -> WebError {
        WebError::params(e.code(), e.to_string())
    }
}
