//! Identities and secure channels between Cohort's parties.
//!
//! ```text
//!  identity    ed25519 key pairs, fingerprints, the identity file, passphrase-encrypted export (Argon2id + XChaCha20-Poly1305)
//!  transcript  the session every channel is bound to: id, program hash, threshold, parties' identities
//!  handshake   Noise XX (25519, ChaCha20-Poly1305, SHA-256) with identity signatures over the handshake hash
//!  channel     AEAD frames: a key per direction, counter nonces, chunking, specific errors
//!  mesh        a full mesh of channels over any message transport (TCP, data channels, a relay), or one channel per connection
//!  invite      the invite naming a session, its program hash, party count, signal server, admission token and optional signed roster
//!  signal_auth what a client signs for a signal server: context, nonce and the server's origin
//!  timing      how fast a channel seals and opens, for the benchmarks (natively and in WebAssembly)
//! ```
//!
//! Security: parties know each other by long-term ed25519 keys (compared by
//! fingerprint). Each pair of parties runs a Noise XX handshake whose
//! prologue is the session transcript and the pair's roles; each side signs
//! the handshake hash with its identity key, so the channel authenticates
//! both identities, binds the session, and has forward secrecy from
//! ephemeral X25519 keys. Frames are ChaCha20-Poly1305 with a key per
//! direction and counter nonces; anything out of order, repeated, reflected,
//! changed, truncated or oversized ends the channel with an error. The
//! constructions are standard; the primitives come from the RustCrypto and
//! dalek crates (one generation of each), and everything builds for
//! `wasm32-unknown-unknown`.
//!
//! ```
//! use cohort_channel::{Identity, handshake};
//!
//! let (alice, bob) = (Identity::generate().unwrap(), Identity::generate().unwrap());
//! let prologue = b"the session both sides agree on";
//! let (initiator, msg1) = handshake::initiate(&bob.fingerprint(), prologue).unwrap();
//! let (responder, msg2) = handshake::respond(&bob, &alice.fingerprint(), prologue, &msg1).unwrap();
//! let (msg3, mut a, _) = initiator.finish(&alice, &msg2).unwrap();
//! let (mut b, _) = responder.finish(&msg3).unwrap();
//! let frames = a.seal(b"hello").unwrap();
//! assert_eq!(b.open(&frames[0]).unwrap(), Some(b"hello".to_vec()));
//! ```

mod channel;
mod error;
pub mod handshake;
mod identity;
mod invite;
mod mesh;
pub mod signal_auth;
pub mod timing;
mod transcript;

pub use channel::{DEFAULT_MAX_MESSAGE, HEADER, MAX_CHUNK, MAX_FRAME, SecureChannel};
pub use error::{ChannelError, InviteError, MeshError};
pub use identity::{Fingerprint, IMPORT_MAX_LANES, IMPORT_MAX_M_KIB, IMPORT_MAX_PASSES, Identity, PublicKey, hex, unhex};
pub use invite::{AdmissionToken, Invite, MAX_INVITE, MAX_NAME_BYTES, ROSTER_CONTEXT, Roster, RosterEntry, check_name};
pub use mesh::{SecureMesh, handshake_peer};
pub use transcript::Transcript;
