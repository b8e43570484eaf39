//! Cohort's WebAssembly layer for the browser extension.
//!
//! ```text
//!  address   which addresses only this computer or its network reach; the signal rule for pages
//!  api       identities, programs and session configuration, over JSON text (tested natively)
//!  error     page error codes (defined here once) and typed errors with a stable reason
//!  requests  what pages and the participant hand the extension, checked: page requests,
//!            a join's page-supplied inputs and its approval, settings
//!  host      one party's transport driven by delivered frames (bounded), for cohort_party::run
//!  progress  the session host's `progress` (rounds done, throttled) and `approved` events, decided without I/O
//!  bindings  the wasm-bindgen exports the extension's JavaScript calls (wasm32 only)
//!  session_host  the session host on web-sys: the signal server's WebSocket driving the
//!            sans-IO signal client, WebRTC data channels, path fallback, the party (wasm32 only)
//! ```
//!
//! The extension's JavaScript owns the windows, storage and the messaging
//! between its contexts; the network of a session is the session host's.
//! All cryptography and all computation on secrets — signing, the
//! handshakes, channel keys, shares — happen here, in the same Rust as the
//! native CLI. The stored identity and the participant's inputs pass through
//! the extension's own JavaScript (storage, the approval window), never
//! through a page.

pub mod address;
pub mod api;
pub mod error;
pub mod host;
pub mod progress;
pub mod requests;

#[cfg(target_arch = "wasm32")]
pub mod bindings;
#[cfg(target_arch = "wasm32")]
pub mod session_host;
