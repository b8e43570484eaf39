//! Cohort's WebAssembly layer for the browser extension.
//!
//! ```text
//!  api       identities, programs and session configuration, over JSON text (tested natively)
//!  host      one party of a session driven by delivered frames: hello, handshakes, computation
//!  bindings  the wasm-bindgen exports the extension's JavaScript calls (wasm32 only)
//! ```
//!
//! The extension's JavaScript owns the network (WebSocket to the signal
//! server, WebRTC data channels, the relay fallback) and the user interface;
//! everything that touches a secret — the identity key, inputs, shares,
//! channel keys — lives here, in the same Rust as the native CLI.

pub mod api;
pub mod host;

#[cfg(target_arch = "wasm32")]
pub mod bindings;
