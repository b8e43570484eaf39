//! `FourBlockChaCha20` is `chacha20::ChaCha20` byte for byte, through any
//! split of the input and any seek, and ends where it ends.

use chacha20::cipher::{KeyIvInit, StreamCipher, StreamCipherSeek};
use cohort_chacha::FourBlockChaCha20;
use proptest::prelude::*;

use crate::hex;

proptest! {
    #[test]
    fn the_same_key_stream(
        key: [u8; 32],
        nonce: [u8; 12],
        start in prop_oneof![Just(0u64), 0u64..1 << 12, (1u64 << 38) - 3000..1 << 38],
        pieces in prop::collection::vec(0usize..700, 1..8),
    ) {
        let mut ours = FourBlockChaCha20::new(&key.into(), &nonce.into());
        let mut theirs = chacha20::ChaCha20::new(&key.into(), &nonce.into());
        let (sa, sb) = (ours.try_seek(start), theirs.try_seek(start));
        prop_assert_eq!(sa.is_ok(), sb.is_ok(), "seeking to {}", start);
        for (i, len) in pieces.into_iter().enumerate() {
            let data: Vec<u8> = (0..len).map(|j| (i * 31 + j) as u8).collect();
            let (mut a, mut b) = (data.clone(), data);
            let (ra, rb) = (ours.try_apply_keystream(&mut a), theirs.try_apply_keystream(&mut b));
            prop_assert_eq!(ra.is_ok(), rb.is_ok(), "piece {} of {} bytes", i, len);
            prop_assert_eq!(a, b, "piece {} of {} bytes", i, len);
            prop_assert_eq!(ours.current_pos::<u64>(), theirs.current_pos::<u64>());
        }
    }
}

/// RFC 8439, section 2.4.2: the sunscreen text at block counter 1.
#[test]
fn rfc_8439_encryption() {
    let key: [u8; 32] = std::array::from_fn(|i| i as u8);
    let nonce = [0, 0, 0, 0, 0, 0, 0, 0x4a, 0, 0, 0, 0];
    let mut text = *b"Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.";
    let mut cipher = FourBlockChaCha20::new(&key.into(), &nonce.into());
    cipher.seek(64);
    cipher.apply_keystream(&mut text);
    let expected = "6e2e359a2568f98041ba0728dd0d6981e97e7aec1d4360c20a27afccfd9fae0bf91b65c5524733ab8f593dabcd62b3571639d624e65152ab8f530c359f0861d807ca0dbf500d6a6156a38e088a22b65e52bc514d16ccf806818ce91ab77937365af90bbf74a35be6b40b8eedf2785e42874d";
    assert_eq!(hex(&text), expected);
}

/// The last block (number 2^32 − 1) is not used, as in `chacha20`: a
/// stream that would reach it is refused, not wrapped to block 0.
#[test]
fn the_counter_does_not_wrap() {
    let mut ours = FourBlockChaCha20::new(&[7; 32].into(), &[9; 12].into());
    let mut theirs = chacha20::ChaCha20::new(&[7; 32].into(), &[9; 12].into());
    let near_end = (u64::from(u32::MAX) - 5) * 64;
    ours.seek(near_end);
    theirs.seek(near_end);
    let (mut a, mut b) = ([0u8; 5 * 64], [0u8; 5 * 64]);
    ours.apply_keystream(&mut a);
    theirs.apply_keystream(&mut b);
    assert_eq!(a, b);
    assert!(ours.try_apply_keystream(&mut [0u8; 1]).is_err());
    assert!(theirs.try_apply_keystream(&mut [0u8; 1]).is_err());
}
