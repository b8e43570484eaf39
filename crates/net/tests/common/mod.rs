//! Helpers for the mesh's tests: loopback listeners, parties that
//! authenticate with the channel handshake, and a hand-made peer's framing.

#![allow(unreachable_pub)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use cohort_channel::{Identity, MeshError, SecureMesh, Transcript, handshake_peer};
use cohort_mpc::{Config, PartyId, SecType, Session, Transport, TransportError, Value, run_blocking};
use cohort_net::{Link, MeshConfig, TcpMesh};

/// `m` listeners on loopback and their addresses.
pub fn listeners(m: usize) -> (Vec<TcpListener>, Vec<SocketAddr>) {
    let ls: Vec<TcpListener> = (0..m).map(|_| TcpListener::bind("127.0.0.1:0").unwrap()).collect();
    let addrs = ls.iter().map(|l| l.local_addr().unwrap()).collect();
    (ls, addrs)
}

/// A session's identities and the transcript listing them.
pub fn session(m: usize) -> (Arc<Vec<Identity>>, Transcript) {
    let ids: Vec<Identity> = (0..m).map(|_| Identity::generate().unwrap()).collect();
    let transcript = Transcript::new("mesh test", [3; 32], 1, ids.iter().map(Identity::fingerprint).collect());
    (Arc::new(ids), transcript)
}

/// Two parties on loopback connected without authentication, each with
/// `spin`; returns party 0's mesh and party 1's.
pub fn pair(spin: Duration) -> (TcpMesh, TcpMesh) {
    let (ls, addrs) = listeners(2);
    let config =
        MeshConfig { connect_timeout: Duration::from_secs(10), read_timeout: Duration::from_secs(10), spin, ..MeshConfig::default() };
    let mut ls = ls.into_iter();
    let (l0, l1) = (ls.next().unwrap(), ls.next().unwrap());
    let (a0, c0) = (addrs.clone(), config.clone());
    let zero = thread::spawn(move || TcpMesh::connect(0, &a0, Some(l0), &c0, |_, _: &mut Link| Ok::<_, TransportError>(())).unwrap().0);
    let one = TcpMesh::connect(1, &addrs, Some(l1), &config, |_, _: &mut Link| Ok::<_, TransportError>(())).unwrap().0;
    (zero.join().unwrap(), one)
}

/// Settings for tests: seconds, not minutes.
pub fn quick() -> MeshConfig {
    MeshConfig {
        connect_timeout: Duration::from_secs(20),
        auth_timeout: Duration::from_secs(10),
        read_timeout: Duration::from_secs(20),
        ..MeshConfig::default()
    }
}

/// Party `me`'s mesh of secure channels, each connection seated once the
/// channel handshake has proved its peer's key; also the number of
/// connections turned away.
pub fn secure_mesh(
    me: PartyId,
    addrs: &[SocketAddr],
    listener: TcpListener,
    config: &MeshConfig,
    identity: &Identity,
    transcript: &Transcript,
) -> Result<(SecureMesh<TcpMesh>, usize), MeshError> {
    let authenticate = |peer, link: &mut Link| handshake_peer(link, me, peer, identity, transcript);
    let (tcp, channels) = TcpMesh::connect(me, addrs, Some(listener), config, authenticate)?;
    let turned_away = tcp.turned_away();
    Ok((SecureMesh::from_channels(tcp, me, channels)?, turned_away))
}

/// Each party inputs 10·(id+1); returns the sum every party learns.
pub fn sum(mesh: &mut impl Transport, me: PartyId, m: usize) -> i128 {
    let mut session = Session::new(&Config::new(m, me), move |rt| async move {
        let ty = SecType::int(32)?;
        let mine = [Value::Int(10 * (rt.id() as i128 + 1))];
        let mut total = rt.input(&ty, 0, (rt.id() == 0).then_some(&mine[..]), 1).await?;
        for owner in 1..rt.parties() {
            total = total.add(&rt.input(&ty, owner, (owner == rt.id()).then_some(&mine[..]), 1).await?)?;
        }
        rt.reveal_all(&total).await
    })
    .unwrap();
    match run_blocking(&mut session, mesh).unwrap().as_slice() {
        [Value::Int(total)] => *total,
        other => panic!("expected one integer, got {other:?}"),
    }
}

/// The sum [`sum`] computes for `m` parties.
pub fn expected_sum(m: usize) -> i128 {
    (1..=m as i128).map(|i| 10 * i).sum()
}

/// Runs party `me` on its own thread: it connects its secure mesh,
/// computes [`sum`] and returns it with the number of connections it
/// turned away.
pub fn spawn_party(
    me: PartyId,
    listener: TcpListener,
    addrs: &[SocketAddr],
    ids: &Arc<Vec<Identity>>,
    transcript: &Transcript,
    config: &MeshConfig,
) -> thread::JoinHandle<Result<(i128, usize), MeshError>> {
    let (addrs, ids, transcript, config) = (addrs.to_vec(), ids.clone(), transcript.clone(), config.clone());
    thread::spawn(move || {
        let (mut mesh, turned_away) = secure_mesh(me, &addrs, listener, &config, &ids[me], &transcript)?;
        Ok((sum(&mut mesh, me, addrs.len()), turned_away))
    })
}

/// The greeting party `party` opens a connection with.
pub fn greeting(party: u32) -> Vec<u8> {
    let mut g = b"COHORT1\0".to_vec();
    g.extend_from_slice(&party.to_le_bytes());
    g
}

/// A hand-made peer's side of one connection: the mesh's length-prefixed
/// frames, to or from `peer` only.
pub struct RawLink {
    pub stream: TcpStream,
    pub peer: PartyId,
}

impl Transport for RawLink {
    fn send(&mut self, to: PartyId, msg: Vec<u8>) -> Result<(), TransportError> {
        assert_eq!(to, self.peer);
        let mut frame = (msg.len() as u32).to_le_bytes().to_vec();
        frame.extend_from_slice(&msg);
        self.stream.write_all(&frame).map_err(|_| TransportError::PeerGone { party: to })
    }

    fn recv(&mut self, from: PartyId) -> Result<Vec<u8>, TransportError> {
        assert_eq!(from, self.peer);
        let gone = |_| TransportError::PeerGone { party: from };
        let mut len = [0u8; 4];
        self.stream.read_exact(&mut len).map_err(gone)?;
        let mut msg = vec![0u8; u32::from_le_bytes(len).min(1 << 16) as usize];
        self.stream.read_exact(&mut msg).map_err(gone)?;
        Ok(msg)
    }
}
