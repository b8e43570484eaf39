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
//!  server     the tokio server: `cohort signal --listen ADDR`
//!  client     a blocking native client, and a relay Transport for the engine's sessions
//!  endpoint   a server's ws:// or wss:// URL and the TLS roots it is checked against
//! ```

pub mod client;
pub mod endpoint;
pub mod protocol;
pub mod server;

pub use endpoint::Endpoint;
