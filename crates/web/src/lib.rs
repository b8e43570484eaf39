//! Cohort's browser layer, shared by the extension's two WebAssembly
//! modules: `cohort-worker` (the background's: identities, programs,
//! approvals, invites, page requests) and `cohort-host` (the session
//! host's: the network and the engine, loaded only when a session runs).
//!
//! ```text
//!  address   which addresses only this computer or its network reach; the signal rule for pages
//!  api       identities, programs and session configuration, over JSON text (tested natively)
//!  error     page error codes (defined here once) and typed errors with a stable reason
//!  requests  what pages and the participant hand the extension, checked: page requests,
//!            a join's page-supplied inputs and its approval, settings
//!  host      one party's transport driven by delivered frames (bounded), for cohort_party::run
//!  progress  the session host's `progress` (rounds done, throttled) and `approved` events, decided without I/O
//!  js        errors and JSON values to and from JavaScript (wasm32 only)
//! ```
//!
//! The extension's JavaScript owns the windows, storage and the messaging
//! between its contexts; the network of a session is the session host's.
//! All cryptography and all computation on secrets — signing, the
//! handshakes, channel keys, shares — happen in Rust, the same as the
//! native CLI's. The stored identity and the participant's inputs pass through
//! the extension's own JavaScript (storage, the approval window), never
//! through a page.

pub mod address;
pub mod api;
pub mod error;
pub mod host;
pub mod progress;
pub mod requests;

#[cfg(target_arch = "wasm32")]
pub mod js;
