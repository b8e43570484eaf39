//! Cohort's signal server and its native client.
//!
//! Browsers cannot open TCP sockets or accept connections, so parties meet
//! through a self-hosted, untrusted server: it authenticates each client's
//! identity key with a fresh challenge, keeps rooms keyed by session id with
//! the session's expected parties, tells them who is present, forwards
//! WebRTC signaling between named identities, and relays opaque frames when
//! no direct path exists. Those frames are secure-channel ciphertext, so the
//! server sees only ciphertext and cannot impersonate a party.
//!
//! ```text
//!  protocol   the WebSocket messages (JSON text frames, binary relay frames), limits, error codes
//!  client     the client's side of the protocol as a sans-IO machine (time passed in), for every client
//!  pacer      staying under the server's message rate
//!  url        a room's WebSocket URL: the server's URL with `r/ROOM` on its path (rooms sharded by path)
//!  server     the tokio server: `cohort signal --listen ADDR`                       (feature `native`)
//!  native     the machine driven by tokio: a relay Transport for native parties   (feature `native`)
//!  endpoint   a server's ws:// or wss:// URL and the TLS roots it is checked against (feature `native`)
//! ```
//!
//! The browser drives the same [`client::SignalClient`] from WebAssembly
//! (`cohort-web`), built without the `native` feature: no tokio, no sockets.

pub mod client;
#[cfg(feature = "native")]
pub mod endpoint;
#[cfg(feature = "native")]
pub mod native;
pub mod pacer;
pub mod protocol;
#[cfg(feature = "native")]
pub mod server;
pub mod url;

#[cfg(feature = "native")]
pub use endpoint::Endpoint;
