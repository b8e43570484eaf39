//! Fuzzing what the TCP mesh decodes from the network (proptest, as the
//! other crates' decoder_fuzz.rs): the greeting of a new connection and
//! the length-prefixed frames, over real loopback sockets.
//!
//! - Connections that send random bytes or a greeting changed in structure
//!   (wrong magic, a party id out of range or not accepted here, a greeting
//!   cut short, a valid greeting followed by frames of huge, zero or
//!   truncated length) before the real party connects never panic the
//!   mesh, are turned away, and the real party is seated.
//! - A peer's byte stream of frames, some over the limit, empty, or cut off,
//!   reads back exactly as a reference decoder reads it: every frame whole
//!   and within `max_frame` (in memory too), then a typed error —
//!   `Flooded` for a length over the limit, `PeerGone` for a stream that
//!   ends, even inside a frame.
//!
//! Each property runs a bounded number of cases; `PROPTEST_CASES=N` runs N
//! of each (to fuzz longer).

use crate::common;

use std::io::Write;
use std::net::{Shutdown, TcpStream};
use std::sync::{Arc, OnceLock};
use std::thread;
use std::time::{Duration, Instant};

use cohort_channel::{Identity, Transcript};
use cohort_mpc::{Transport, TransportError};
use cohort_net::{Link, MeshConfig, TcpMesh};
use common::*;
use proptest::prelude::*;
use proptest::sample::Index;

/// The longest one case may take: generous, for an unoptimised build on a busy machine.
const SLOW: Duration = Duration::from_secs(15);

fn config(cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(cases);
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

/// Two parties' identities and their transcript, made once.
fn parties() -> &'static (Arc<Vec<Identity>>, Transcript) {
    static PARTIES: OnceLock<(Arc<Vec<Identity>>, Transcript)> = OnceLock::new();
    PARTIES.get_or_init(|| session(2))
}

/// A length prefix.
fn prefix(len: u32) -> Vec<u8> {
    len.to_le_bytes().to_vec()
}

/// Lengths that probe the limits: empty, around a handshake message and
/// the setup limit (64 KiB), huge, and any.
fn length() -> impl Strategy<Value = u32> {
    prop_oneof![Just(0u32), 0..300u32, Just(65_536), Just(65_537), Just(u32::MAX), any::<u32>()]
}

/// What one hostile connection sends to party 0 before the real party 1
/// connects, and whether it then stays connected.
fn attack() -> impl Strategy<Value = (Vec<u8>, bool)> {
    let bytes = prop_oneof![
        // Anything at all.
        proptest::collection::vec(any::<u8>(), 0..64),
        // The magic changed in one byte.
        (0..8usize, 1..=255u8, any::<u32>()).prop_map(|(at, flip, party)| {
            let mut g = greeting(party);
            g[at] ^= flip;
            g
        }),
        // A well-formed greeting claiming any party: 0 is party 0 itself,
        // 2 and above are not in the session, 1 is the real party's id.
        prop_oneof![Just(0u32), Just(2u32), Just(u32::MAX), any::<u32>(), Just(1u32)].prop_map(greeting),
        // A greeting cut short.
        (0..12usize).prop_map(|n| greeting(1)[..n].to_vec()),
        // A greeting as party 1, then frames of any length with whatever bytes follow.
        proptest::collection::vec((length(), proptest::collection::vec(any::<u8>(), 0..200)), 1..4).prop_map(|frames| {
            let mut bytes = greeting(1);
            for (len, body) in frames {
                bytes.extend(prefix(len));
                bytes.extend(body);
            }
            bytes
        }),
    ];
    (bytes, any::<bool>())
}

proptest! {
    #![proptest_config(config(48))]

    #[test]
    fn hostile_greetings_never_take_a_seat(attacks in proptest::collection::vec(attack(), 1..4)) {
        let start = Instant::now();
        let (ids, transcript) = parties();
        let (mut ls, addrs) = listeners(2);
        let (l1, l0) = (ls.pop().unwrap(), ls.pop().unwrap());
        let party0 = {
            let (addrs, ids, transcript) = (addrs.clone(), ids.clone(), transcript.clone());
            thread::spawn(move || {
                let (mut mesh, turned_away) = secure_mesh(0, &addrs, l0, &quick(), &ids[0], &transcript).unwrap();
                (mesh.recv(1), mesh.peer_key(1), turned_away)
            })
        };
        // Fewer attackers than party 0 authenticates at once, so the real
        // party never waits behind them for a deadline.
        let mut held = Vec::new();
        for (bytes, hold) in &attacks {
            let mut s = TcpStream::connect(addrs[0]).unwrap();
            let _ = s.write_all(bytes); // party 0 may already have hung up
            if *hold {
                held.push(s);
            } else {
                let _ = s.shutdown(Shutdown::Both);
            }
        }
        let (mut mesh, _) = secure_mesh(1, &addrs, l1, &quick(), &ids[1], transcript).unwrap();
        mesh.send(0, b"the real party 1".to_vec()).unwrap();
        let (got, key, turned_away) = party0.join().unwrap();
        prop_assert_eq!(got.unwrap(), b"the real party 1".to_vec());
        prop_assert_eq!(key, Some(ids[1].public()));
        prop_assert!(turned_away <= attacks.len(), "{} turned away of {} connections", turned_away, attacks.len());
        prop_assert!(start.elapsed() < SLOW, "took {:?}", start.elapsed());
        drop(held);
    }
}

/// Pieces of a peer's byte stream after its greeting.
fn piece(max_frame: usize) -> impl Strategy<Value = Vec<u8>> {
    let max = max_frame as u32;
    prop_oneof![
        // A frame within the limit (or a little over it).
        proptest::collection::vec(any::<u8>(), 0..=(max_frame + 2).min(3000)).prop_map(|body| {
            let mut f = prefix(body.len() as u32);
            f.extend(body);
            f
        }),
        // A large frame, read in growing pieces.
        (0..=max_frame.min(200_000), any::<u8>()).prop_map(|(n, b)| {
            let mut f = prefix(n as u32);
            f.extend(vec![b; n]);
            f
        }),
        // An empty frame.
        Just(prefix(0)),
        // A length over the limit, huge or just over.
        prop_oneof![Just(u32::MAX), max.saturating_add(1)..=u32::MAX].prop_map(prefix),
        // Bytes that need not be a frame at all.
        proptest::collection::vec(any::<u8>(), 0..8),
    ]
}

/// A peer's stream: pieces, maybe cut off anywhere, with the limit they
/// are read under.
fn stream() -> impl Strategy<Value = (usize, Vec<u8>)> {
    prop_oneof![Just(0usize), Just(1), Just(1024), Just(200_000)].prop_flat_map(|max_frame| {
        (proptest::collection::vec(piece(max_frame), 0..6), proptest::option::of(any::<Index>())).prop_map(move |(pieces, cut)| {
            let mut bytes = pieces.concat();
            if let Some(cut) = cut {
                bytes.truncate(cut.index(bytes.len() + 1));
            }
            (max_frame, bytes)
        })
    })
}

/// How the mesh should read `bytes` from party 1: its frames, then the error.
fn reference(bytes: &[u8], max_frame: usize) -> (Vec<Vec<u8>>, TransportError) {
    let mut frames = Vec::new();
    let mut rest = bytes;
    loop {
        let gone = TransportError::PeerGone { party: 1 };
        let Some((len, after)) = rest.split_first_chunk::<4>() else { return (frames, gone) };
        let len = u32::from_le_bytes(*len) as usize;
        if len > max_frame {
            return (frames, TransportError::Flooded { party: 1, size: len, limit: max_frame });
        }
        if after.len() < len {
            return (frames, gone);
        }
        frames.push(after[..len].to_vec());
        rest = &after[len..];
    }
}

proptest! {
    #![proptest_config(config(64))]

    #[test]
    fn frames_read_whole_and_within_the_limit_or_end_in_a_typed_error((max_frame, bytes) in stream()) {
        let start = Instant::now();
        let (mut ls, addrs) = listeners(2);
        let (_l1, l0) = (ls.pop().unwrap(), ls.pop().unwrap());
        let config = MeshConfig { max_frame, ..quick() };
        // Party 0 seats whoever greets as party 1 (no key to prove): the
        // frames after the greeting are what is fuzzed here.
        let to0 = addrs[0];
        let party0 = thread::spawn(move || {
            let (mut mesh, _) = TcpMesh::connect(0, &addrs, Some(l0), &config, |_, _: &mut Link| Ok::<_, TransportError>(()))?;
            let mut frames = Vec::new();
            loop {
                match mesh.recv(1) {
                    Ok(frame) => frames.push(frame),
                    Err(e) => return Ok::<_, TransportError>((frames, e)),
                }
            }
        });
        let mut peer = TcpStream::connect(to0).unwrap();
        peer.write_all(&greeting(1)).unwrap();
        // Party 0 may stop reading (and hang up) at a length over its limit.
        let _ = peer.write_all(&bytes);
        let _ = peer.shutdown(Shutdown::Write);
        let (frames, error) = party0.join().unwrap().unwrap();
        for frame in &frames {
            prop_assert!(frame.len() <= max_frame && frame.capacity() <= max_frame, "a frame of {} bytes (capacity {}) over {}", frame.len(), frame.capacity(), max_frame);
        }
        let (want_frames, want_error) = reference(&bytes, max_frame);
        prop_assert_eq!(frames.len(), want_frames.len());
        prop_assert!(frames == want_frames, "frames differ from the reference decoder's");
        prop_assert_eq!(error, want_error);
        prop_assert!(start.elapsed() < SLOW, "took {:?}", start.elapsed());
    }
}
