//! Transports that carry a session's round messages between parties.
//!
//! ```text
//!  cohort_mpc::Session ──(Step::Send / Step::Receive)──► Transport ──► peers
//! ```
//!
//! [`TcpMesh`] connects `m` native parties over TCP in a full mesh: party `i`
//! listens on its own address, dials every lower-numbered party and accepts
//! every higher-numbered one, all at once. A dialling party greets with its
//! party id; then both ends run an authenticator the caller supplies over
//! the new connection — in every real session the secure-channel handshake
//! of `cohort-channel`, which proves the peer's identity key — and the
//! connection takes the party's seat only once that succeeds. Each accepted
//! connection is greeted and authenticated on its own thread within
//! [`MeshConfig::auth_timeout`], at most [`PENDING_PER_PEER`] per expected
//! peer at once (the rest wait in the listener's backlog): one that sends
//! garbage, claims a seat it cannot prove or one already taken, or stays
//! silent is dropped and counted ([`TcpMesh::turned_away`]), never seated,
//! and holds up no one else. A party that has not authenticated within
//! [`MeshConfig::connect_timeout`] is a [`TransportError::NotConnected`],
//! or the error of the last connection that tried to authenticate as it.
//!
//! Each connection then carries length-prefixed frames (`u32`
//! little-endian length, then the bytes), bounded by
//! [`MeshConfig::max_frame`] and read into memory only as they arrive.
//! A send never waits for the peer to read: the party's thread hands the
//! kernel what the socket's buffer takes at once, and one writer thread per
//! peer writes the rest, in order. So two parties sending large rounds to
//! each other never deadlock on full socket buffers, and a round that fits
//! the buffer costs no hand-over between threads.
//!
//! ```no_run
//! use cohort_channel::{Identity, SecureMesh, Transcript, handshake_peer};
//! use cohort_mpc::{Config, Session, run_blocking};
//! use cohort_net::{MeshConfig, TcpMesh};
//! # fn parties() -> Vec<cohort_channel::Fingerprint> { unimplemented!() }
//! # fn identity() -> Identity { unimplemented!() }
//!
//! let addrs = ["127.0.0.1:9000".parse().unwrap(), "127.0.0.1:9001".parse().unwrap(), "127.0.0.1:9002".parse().unwrap()];
//! let (id, identity) = (0, identity());
//! let transcript = Transcript::new("a session", [0; 32], 1, parties());
//! let authenticate = |peer, link: &mut _| handshake_peer(link, id, peer, &identity, &transcript);
//! let (tcp, channels) = TcpMesh::connect(id, &addrs, None, &MeshConfig::default(), authenticate).unwrap();
//! let mut mesh = SecureMesh::from_channels(tcp, id, channels).unwrap();
//! let mut session = Session::new(&Config::new(3, id), |rt| async move { Ok(rt.id()) }).unwrap();
//! run_blocking(&mut session, &mut mesh).unwrap();
//! ```
//!
//! The frames themselves are neither authenticated nor encrypted: every
//! real session runs `cohort-channel`'s secure channels over the mesh, on
//! the channels its authentication opened.
//!
//! [`TransportError::NotConnected`]: cohort_transport::TransportError::NotConnected

mod tcp;

pub use tcp::{Link, MeshConfig, PENDING_PER_PEER, SETUP_MAX_FRAME, TcpMesh};
