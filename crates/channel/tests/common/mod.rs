//! Helpers for the channel tests: identities, a handshake between two
//! in-memory parties, and an in-memory message transport between threads.

#![allow(unreachable_pub)]

use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::Duration;

use cohort_channel::{Fingerprint, Identity, SecureChannel, handshake};
use cohort_mpc::{PartyId, Transport, TransportError};

type Result<T> = core::result::Result<T, TransportError>;

pub const PROLOGUE: &[u8] = b"cohort test session";

/// A completed handshake between two fresh identities: (initiator's end, responder's end).
pub fn pair() -> (SecureChannel, SecureChannel) {
    let (alice, bob) = (Identity::generate().unwrap(), Identity::generate().unwrap());
    let (i, msg1) = handshake::initiate(&bob.fingerprint(), PROLOGUE).unwrap();
    let (r, msg2) = handshake::respond(&bob, &alice.fingerprint(), PROLOGUE, &msg1).unwrap();
    let (msg3, a, key_b) = i.finish(&alice, &msg2).unwrap();
    let (b, key_a) = r.finish(&msg3).unwrap();
    assert_eq!(key_b, bob.public());
    assert_eq!(key_a, alice.public());
    (a, b)
}

/// Runs a handshake; returns the first error either side meets.
pub fn try_handshake(
    alice: &Identity,
    bob: &Identity,
    alice_expects: &Fingerprint,
    bob_expects: &Fingerprint,
    alice_prologue: &[u8],
    bob_prologue: &[u8],
) -> std::result::Result<(), cohort_channel::ChannelError> {
    let (i, msg1) = handshake::initiate(alice_expects, alice_prologue)?;
    let (r, msg2) = handshake::respond(bob, bob_expects, bob_prologue, &msg1)?;
    let (msg3, ..) = i.finish(alice, &msg2)?;
    r.finish(&msg3)?;
    Ok(())
}

/// An in-memory transport: one queue per ordered pair of parties.
pub struct MemTransport {
    to: Vec<Option<Sender<Vec<u8>>>>,
    from: Vec<Option<Receiver<Vec<u8>>>>,
}

impl Transport for MemTransport {
    fn send(&mut self, to: PartyId, msg: Vec<u8>) -> Result<()> {
        self.to[to].as_ref().expect("a peer").send(msg).map_err(|_| TransportError::PeerGone { party: to })
    }

    fn recv(&mut self, from: PartyId) -> Result<Vec<u8>> {
        self.from[from]
            .as_ref()
            .expect("a peer")
            .recv_timeout(Duration::from_secs(20))
            .map_err(|_| TransportError::PeerGone { party: from })
    }
}

/// Transports for `m` parties.
pub fn mem_mesh(m: usize) -> Vec<MemTransport> {
    let mut ts: Vec<MemTransport> =
        (0..m).map(|_| MemTransport { to: (0..m).map(|_| None).collect(), from: (0..m).map(|_| None).collect() }).collect();
    for i in 0..m {
        for j in 0..m {
            if i != j {
                let (tx, rx) = channel();
                ts[i].to[j] = Some(tx);
                ts[j].from[i] = Some(rx);
            }
        }
    }
    ts
}
