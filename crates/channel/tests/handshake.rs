//! The handshake between two in-memory parties: it succeeds and authenticates
//! both identities, and fails with a specific error for a wrong identity, a
//! different session transcript, a tampered or malformed message.

use crate::common;

use cohort_channel::{ChannelError, Identity, handshake};
use common::*;

#[test]
fn a_handshake_succeeds_and_both_directions_carry_messages() {
    let (mut a, mut b) = pair();
    for msg in [&b"hello"[..], b"", &[7u8; 100_000]] {
        let frames = a.seal(msg).unwrap();
        let mut got = None;
        for f in &frames {
            got = b.open(f).unwrap();
        }
        assert_eq!(got.as_deref(), Some(msg));
        let back = b.seal(msg).unwrap();
        let mut got = None;
        for f in &back {
            got = a.open(f).unwrap();
        }
        assert_eq!(got.as_deref(), Some(msg));
    }
}

#[test]
fn a_peer_proving_another_identity_is_refused() {
    let (alice, bob, mallory) = (Identity::generate().unwrap(), Identity::generate().unwrap(), Identity::generate().unwrap());
    // Alice expects Bob, but Mallory answers.
    let err = try_handshake(&alice, &mallory, &bob.fingerprint(), &alice.fingerprint(), PROLOGUE, PROLOGUE).unwrap_err();
    assert_eq!(err, ChannelError::WrongIdentity { expected: bob.fingerprint().to_string(), got: mallory.fingerprint().to_string() });
    // Bob expects Alice, but Mallory initiates.
    let err = try_handshake(&mallory, &bob, &bob.fingerprint(), &alice.fingerprint(), PROLOGUE, PROLOGUE).unwrap_err();
    assert!(matches!(err, ChannelError::WrongIdentity { .. }), "{err}");
}

#[test]
fn a_peer_of_another_session_is_refused() {
    let (alice, bob) = (Identity::generate().unwrap(), Identity::generate().unwrap());
    let err = try_handshake(&alice, &bob, &bob.fingerprint(), &alice.fingerprint(), b"session hash A", b"session hash B").unwrap_err();
    assert_eq!(err, ChannelError::TranscriptMismatch);
}

#[test]
fn tampered_and_malformed_handshake_messages_are_refused() {
    let (alice, bob) = (Identity::generate().unwrap(), Identity::generate().unwrap());
    let (i, msg1) = handshake::initiate(&bob.fingerprint(), PROLOGUE).unwrap();
    let (_, mut msg2) = handshake::respond(&bob, &alice.fingerprint(), PROLOGUE, &msg1).unwrap();
    msg2[40] ^= 1;
    assert_eq!(i.finish(&alice, &msg2).err(), Some(ChannelError::TranscriptMismatch));

    let err = handshake::respond(&bob, &alice.fingerprint(), PROLOGUE, &msg1[..20]).err().unwrap();
    assert!(matches!(err, ChannelError::MalformedHandshake(_)), "{err}");
    let (i, _) = handshake::initiate(&bob.fingerprint(), PROLOGUE).unwrap();
    let err = i.finish(&alice, &[0u8; 3]).err().unwrap();
    assert!(matches!(err, ChannelError::MalformedHandshake(_)), "{err}");
}

#[test]
fn swapped_roles_do_not_splice() {
    // The same two parties, but each believes it holds the other role: the
    // prologues name (initiator, responder) differently.
    let (alice, bob) = (Identity::generate().unwrap(), Identity::generate().unwrap());
    let err = try_handshake(&alice, &bob, &bob.fingerprint(), &alice.fingerprint(), b"roles 0->1", b"roles 1->0").unwrap_err();
    assert_eq!(err, ChannelError::TranscriptMismatch);
}
