//! An impostor cannot take a party's seat in the TCP mesh. A connection
//! that greets first with a real party's id and then stays silent, or that
//! answers the channel handshake with another key, is turned away; the real
//! party, connecting after both, is seated and the session computes. A
//! party that dials an impostor fails rather than seat it.

use crate::common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::thread;
use std::time::Duration;

use cohort_channel::handshake::MESSAGE1_LEN;
use cohort_channel::{Identity, MeshError, Transcript, handshake_peer};
use cohort_mpc::TransportError;
use common::*;

/// `transcript` with `seat` given to `stranger`: what an impostor who
/// knows the session but not the party's key can bind its handshake to.
fn forged(transcript: &Transcript, seat: usize, stranger: &Identity) -> Transcript {
    let mut parties = transcript.parties().to_vec();
    parties[seat] = stranger.fingerprint();
    Transcript::new("mesh test", [3; 32], 1, parties)
}

#[test]
fn impostors_that_greet_first_are_turned_away_and_the_real_party_is_seated() {
    let (ids, transcript) = session(3);
    let (mut ls, addrs) = listeners(3);
    let (l2, l1, l0) = (ls.pop().unwrap(), ls.pop().unwrap(), ls.pop().unwrap());
    let party0 = {
        let (addrs, ids, transcript) = (addrs.clone(), ids.clone(), transcript.clone());
        thread::spawn(move || {
            let (mut mesh, turned_away) = secure_mesh(0, &addrs, l0, &quick(), &ids[0], &transcript).unwrap();
            let key = mesh.peer_key(1);
            (sum(&mut mesh, 0, 3), key, turned_away)
        })
    };

    // The first impostor greets as party 1, then says nothing and stays connected.
    let mut silent = TcpStream::connect(addrs[0]).unwrap();
    silent.write_all(&greeting(1)).unwrap();

    // The second greets as party 1 too and runs the handshake, with its own key.
    let stranger = Identity::generate().unwrap();
    let mut impostor = RawLink { stream: TcpStream::connect(addrs[0]).unwrap(), peer: 0 };
    impostor.stream.write_all(&greeting(1)).unwrap();
    match handshake_peer(&mut impostor, 1, 0, &stranger, &forged(&transcript, 1, &stranger)) {
        // Party 0 read the impostor's proof and hung up.
        Err(MeshError::Transport(TransportError::PeerGone { party: 0 })) => {}
        other => panic!("expected party 0 to hang up on the impostor, got {:?}", other.map(|_| ())),
    }

    // Only now do the real parties 1 and 2 start.
    let others = [spawn_party(1, l1, &addrs, &ids, &transcript, &quick()), spawn_party(2, l2, &addrs, &ids, &transcript, &quick())];
    let (total, key, turned_away) = party0.join().unwrap();
    assert_eq!(total, expected_sum(3));
    assert_eq!(key, Some(ids[1].public()), "party 0's seat 1 holds party 1's proven key");
    assert_eq!(turned_away, 2, "both impostors were turned away");
    for other in others {
        assert_eq!(other.join().unwrap().unwrap(), (expected_sum(3), 0));
    }

    // The silent impostor was cut off when setup ended, having got at most
    // party 0's first handshake message.
    silent.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut got = Vec::new();
    silent.read_to_end(&mut got).unwrap();
    assert!(got.is_empty() || got.len() == 4 + MESSAGE1_LEN, "{} bytes", got.len());
}

#[test]
fn a_party_that_dials_an_impostor_is_not_connected() {
    let (ids, transcript) = session(2);
    let (mut ls, addrs) = listeners(2);
    let (l1, l0) = (ls.pop().unwrap(), ls.pop().unwrap());
    // Party 0's address is held by an impostor with another key.
    let stranger = Identity::generate().unwrap();
    let forged = forged(&transcript, 0, &stranger);
    let impostor = thread::spawn(move || {
        let (mut stream, _) = l0.accept().unwrap();
        let mut hello = [0u8; 12];
        stream.read_exact(&mut hello).unwrap();
        assert_eq!(hello.to_vec(), greeting(1));
        handshake_peer(&mut RawLink { stream, peer: 1 }, 0, 1, &stranger, &forged).map(|_| ())
    });
    match secure_mesh(1, &addrs, l1, &quick(), &ids[1], &transcript) {
        Err(MeshError::Handshake { party: 0, .. } | MeshError::Transport(TransportError::PeerGone { party: 0 })) => {}
        other => panic!("expected the handshake with party 0 to fail, got {:?}", other.map(|_| ())),
    }
    assert!(impostor.join().unwrap().is_err(), "party 1 does not accept the impostor's key either");
}
