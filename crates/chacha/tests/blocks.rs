//! `four_blocks` makes the blocks `chacha20` makes, in both layouts of
//! words 12–15 and both round counts Cohort uses.

use chacha20::cipher::array::Array;
use chacha20::cipher::{KeyIvInit, StreamCipherCore};
use chacha20::rand_core::{Rng, SeedableRng};
use chacha20::variants::Ietf;
use chacha20::{ChaChaCore, R20};
use cohort_chacha::{Rounds, four_blocks};
use proptest::prelude::*;

/// The four blocks side by side, with lane `l`'s words 12–15 from `tail(l)`.
fn ours(rounds: Rounds, key: &[u8; 32], tail: impl Fn(u32) -> [u32; 4]) -> [[u8; 64]; 4] {
    let tails: [[u32; 4]; 4] = std::array::from_fn(|l| tail(l as u32));
    let mut out = [[0u8; 64]; 4];
    four_blocks(rounds, key, std::array::from_fn(|w| tails.map(|t| t[w])), &mut out);
    out
}

proptest! {
    /// ChaCha20 (RFC 8439's layout: a 32-bit counter, a 96-bit nonce),
    /// across the counter's wrap too.
    #[test]
    fn chacha20_blocks(key: [u8; 32], nonce: [u8; 12], counter in prop_oneof![Just(0u32), Just(u32::MAX - 3), any::<u32>()]) {
        let n: [u32; 3] = std::array::from_fn(|i| u32::from_le_bytes(nonce[4 * i..4 * i + 4].try_into().unwrap()));
        let made = ours(Rounds::ChaCha20, &key, |l| [counter.wrapping_add(l), n[0], n[1], n[2]]);
        for (l, block) in made.iter().enumerate() {
            // The core, which (unlike the cipher) makes any block, the last too.
            let mut theirs = ChaChaCore::<R20, Ietf>::new(&key.into(), &nonce.into());
            theirs.set_block_pos(counter.wrapping_add(l as u32));
            let mut expected = Array::default();
            theirs.write_keystream_block(&mut expected);
            prop_assert_eq!(&block[..], &expected[..], "block {}", l);
        }
    }

    /// ChaCha12 (DJB's layout: a 64-bit counter, a 64-bit stream number),
    /// as `ChaCha12Rng` makes it, across the counter's low word's wrap.
    #[test]
    fn chacha12_blocks(key: [u8; 32], stream: u64, counter in prop_oneof![Just(0u64), Just((1 << 32) - 2), any::<u64>()]) {
        let made = ours(Rounds::ChaCha12, &key, |l| {
            let block = counter.wrapping_add(u64::from(l));
            [block as u32, (block >> 32) as u32, stream as u32, (stream >> 32) as u32]
        });
        let mut rng = chacha20::ChaCha12Rng::from_seed(key);
        rng.set_stream(stream);
        rng.set_word_pos(u128::from(counter) * 16);
        for (l, block) in made.iter().enumerate() {
            let mut expected = [0u8; 64];
            rng.fill_bytes(&mut expected);
            prop_assert_eq!(&block[..], &expected[..], "block {}", l);
        }
    }
}
