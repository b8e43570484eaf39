//! Errors as the extension and pages see them: a page error code (defined
//! here once, and exported to the extension's JavaScript), a stable reason
//! naming the cause, and a message in plain words.

use cohort_channel::{ChannelError, InviteError};
use cohort_party::PartyError;
use cohort_signal::client::SignalError;
use cohort_transport::TransportError;

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
/// `COHORT_ERRORS` and the page API's methods as `COHORT_METHODS`, for the background (which imports it), the content
/// scripts and the page's provider (which load it first). Generated from
/// [`PageCode`]; the test `page_codes` checks the file is current.
pub fn error_codes_script() -> String {
    let mut js = String::from(
        "// Generated from crates/web/src/error.rs (PageCode) by\n\
         // `COHORT_BLESS=1 cargo test -p cohort-web --test all page_codes`: do not edit.\n\
         // The page API's error codes, one table for every context of the extension.\n\
         globalThis.COHORT_ERRORS = Object.freeze({\n",
    );
    for code in PageCode::ALL {
        js.push_str(&format!("  {}: {},\n", code.name(), code.number()));
    }
    js.push_str("});\n");
    js.push_str("// The page API's methods (crates/web/src/requests.rs, METHODS), announced as the provider's info.methods.\n");
    let methods: Vec<String> = crate::requests::METHODS.iter().map(|m| format!("'{m}'")).collect();
    js.push_str(&format!("globalThis.COHORT_METHODS = Object.freeze([{}]);\n", methods.join(", ")));
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
    /// Where in the program's text the problem is, `(line, column)`, both
    /// counted from 1, when it is at a particular place.
    pub position: Option<(u32, u32)>,
    /// The party (its index, from 0) the failure is about, when one is:
    /// the one that left, went silent or misbehaved.
    pub party: Option<usize>,
}

/// The causes, each with one page code whichever method meets it. A cause
/// a reason names is always reported with the code listed here.
pub const CAUSES: &[(&str, PageCode, &str)] = &[
    ("invalid_program", PageCode::InvalidProgram, "the program does not parse or check"),
    ("not_the_program", PageCode::InvalidProgram, "the program is not the one the invite names"),
    ("party_count", PageCode::InvalidProgram, "the program does not run with this number of parties"),
    ("plan_too_large", PageCode::InvalidProgram, "the program unrolls to more than a browser can run"),
    ("no_privacy", PageCode::InvalidParams, "fewer than 3 parties: every input would reach the others in the clear"),
    ("private_signal", PageCode::InvalidParams, "a public site asked for a signal server only this computer or network can reach"),
    ("bad_params", PageCode::InvalidParams, "a parameter is missing or of the wrong type"),
    ("unknown_session", PageCode::InvalidParams, "no session of that id for this site"),
    ("already_joined", PageCode::InvalidParams, "this browser already joined that session"),
    ("not_a_party", PageCode::InvalidParams, "this browser's identity is not on the invite's roster"),
    ("unsafe_number", PageCode::InvalidParams, "an input number beyond 2^53 − 1 (give it as a string)"),
    ("bad_inputs", PageCode::InvalidParams, "an input missing, unknown, or typed by the participant"),
    ("peer_gone", PageCode::PeerUnreachable, "a party left the session"),
];

impl WebError {
    /// An error with these parts.
    pub fn new(code: PageCode, reason: &'static str, message: impl Into<String>) -> WebError {
        WebError { code, reason, message: message.into(), position: None, party: None }
    }

    /// The same error, about party `party`.
    pub fn about_party(mut self, party: Option<usize>) -> WebError {
        self.party = party;
        self
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
        if let PartyError::Program(source) = &e {
            return WebError::from(source.clone());
        }
        let code = match &e {
            PartyError::NotTheProgram { .. } | PartyError::PartyCount { .. } | PartyError::Program(_) => PageCode::InvalidProgram,
            PartyError::NoPrivacy { .. } | PartyError::BadThreshold(_) | PartyError::Inputs { .. } | PartyError::NotAParty { .. } => {
                PageCode::InvalidParams
            }
            e if e.is_unreachable() => PageCode::PeerUnreachable,
            _ => PageCode::SessionFailed,
        };
        WebError::new(code, e.code(), e.to_string()).about_party(e.transport().and_then(party_of))
    }
}

/// The party a transport failure is about, if it is about one.
pub fn party_of(e: &TransportError) -> Option<usize> {
    match e {
        TransportError::PeerGone { party }
        | TransportError::Timeout { party, .. }
        | TransportError::NotConnected { party, .. }
        | TransportError::Misbehaved { party, .. }
        | TransportError::Flooded { party, .. }
        | TransportError::NoSuchParty { party } => Some(*party),
        _ => None,
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
        let mut error = WebError::new(PageCode::InvalidProgram, "invalid_program", e.to_string());
        // Line 0: about no particular place.
        error.position = (e.span.line > 0).then_some((e.span.line, e.span.col));
        error
    }
}

impl From<ChannelError> for WebError {
    fn from(e: ChannelError) -> WebError {
        WebError::params(e.code(), e.to_string())
    }
}
