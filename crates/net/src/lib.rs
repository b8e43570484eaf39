//! Transports that carry a session's round messages between parties.
//!
//! ```text
//!  cohort_mpc::Session ──(Step::Send / Step::Receive)──► Transport ──► peers
//! ```
//!
//! [`TcpMesh`] connects `m` native parties over TCP in a full mesh: party `i`
//! listens on its own address, dials every lower-numbered party and accepts
//! every higher-numbered one. Each connection carries length-prefixed frames
//! (`u32` little-endian length, then the bytes), bounded by
//! [`MeshConfig::max_frame`]. Writes go through one writer thread per peer,
//! so two parties sending large rounds to each other never deadlock on full
//! socket buffers.
//!
//! ```no_run
//! use cohort_net::{MeshConfig, TcpMesh};
//! use cohort_mpc::{Config, Session, run_blocking};
//!
//! let addrs = ["127.0.0.1:9000".parse().unwrap(), "127.0.0.1:9001".parse().unwrap(), "127.0.0.1:9002".parse().unwrap()];
//! let id = 0;
//! let mut mesh = TcpMesh::connect(id, &addrs, None, &MeshConfig::default()).unwrap();
//! let mut session = Session::new(&Config::new(3, id), |rt| async move { Ok(rt.id()) }).unwrap();
//! run_blocking(&mut session, &mut mesh).unwrap();
//! ```
//!
//! The frames are neither authenticated nor encrypted: every real session
//! runs `cohort-channel`'s secure channels over the mesh.

mod tcp;

pub use tcp::{MeshConfig, TcpMesh};
