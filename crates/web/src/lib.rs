//! Cohort's WebAssembly layer for the browser extension.
//!
//! ```text
//!  api       identities, programs and session configuration, over JSON text (tested natively)
//!  error     page error codes (defined here once) and typed errors with a stable reason
//!  host      one party's transport driven by delivered frames, for cohort_party::run
//!  bindings  the wasm-bindgen exports the extension's JavaScript calls (wasm32 only)
//! ```
//!
//! The extension's JavaScript owns the network (WebSocket to the signal
//! server, WebRTC data channels, the relay fallback) and the user interface.
//! All cryptography and all computation on secrets — signing, the
//! handshakes, channel keys, shares — happen here, in the same Rust as the
//! native CLI. The stored identity and the participant's inputs pass through
//! the extension's own JavaScript (storage, the approval window), never
//! through a page.

pub mod api;
pub mod error;
pub mod host;

#[cfg(target_arch = "wasm32")]
pub mod bindings;
#[cfg(target_arch = "wasm32")]
pub mod session_host;
