//! Fuzzing the frame and handshake decoders (a proptest; the toolchain here
//! is stable, so no cargo-fuzz): arbitrary bytes never panic, are never
//! accepted as a frame or a handshake message, and leave a closed channel.

use crate::common;

use cohort_channel::{ChannelError, Identity, handshake};
use common::*;
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn random_frames_are_rejected(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let (_, mut b) = pair();
        prop_assert!(b.open(&bytes).is_err());
        prop_assert!(matches!(b.open(&bytes), Err(ChannelError::Closed(_))));
    }

    #[test]
    fn mutated_frames_are_rejected(flip in 0usize..64, bit in 0u8..8, msg in proptest::collection::vec(any::<u8>(), 0..40)) {
        let (mut a, mut b) = pair();
        let mut frame = a.seal(&msg).unwrap().remove(0);
        let i = flip % frame.len();
        frame[i] ^= 1 << bit;
        prop_assert!(b.open(&frame).is_err());
    }

    #[test]
    fn random_handshake_messages_are_rejected(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let (alice, bob) = (Identity::generate().unwrap(), Identity::generate().unwrap());
        // As message 1 (any 32 bytes are a valid public key, so only the length is checked here) …
        let _ = handshake::respond(&bob, &alice.fingerprint(), PROLOGUE, &bytes);
        // … as message 2 and message 3, which must authenticate.
        let (i, msg1) = handshake::initiate(&bob.fingerprint(), PROLOGUE).unwrap();
        prop_assert!(i.finish(&alice, &bytes).is_err());
        let (r, _) = handshake::respond(&bob, &alice.fingerprint(), PROLOGUE, &msg1).unwrap();
        prop_assert!(r.finish(&bytes).is_err());
    }
}
