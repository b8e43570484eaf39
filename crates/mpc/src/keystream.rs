//! ChaCha12 key streams: the engine's PRSS, pair and local randomness.
//!
//! A [`KeyStream`] yields exactly the words of `chacha20::ChaCha12Rng` for
//! the same key and stream number (DJB's ChaCha with a 64-bit block counter
//! and a 64-bit stream number, 12 rounds), so which generator a party runs
//! changes nothing another party sees. It makes them sixteen blocks at a
//! time through the cipher's core rather than the RNG's four: the core
//! picks AVX-512 at run time where the build enables it (`.cargo/config.toml`
//! passes `--cfg chacha20_avx512` on x86-64), which the RNG never does, and
//! AVX2 or the portable code otherwise. In WebAssembly, for which the
//! `chacha20` crate has only one block at a time in scalar code, it makes
//! them four blocks side by side in WebAssembly's SIMD ([`four_blocks`],
//! `cohort-chacha`'s, which the channels' ChaCha20 shares).

#[cfg(not(target_arch = "wasm32"))]
use chacha20::cipher::array::Array;
#[cfg(not(target_arch = "wasm32"))]
use chacha20::cipher::{KeyIvInit, StreamCipherCore};
#[cfg(not(target_arch = "wasm32"))]
use chacha20::variants::Ietf;
#[cfg(not(target_arch = "wasm32"))]
use chacha20::{ChaChaCore, R12};
use core::convert::Infallible;
use core::fmt;
use rand_core::{SeedableRng, TryCryptoRng, TryRng};

/// Blocks generated at a time: the AVX-512 backend's sixteen in parallel.
const BLOCKS: u64 = 16;
const BUFFER: usize = BLOCKS as usize * 64;

/// A ChaCha12 key stream ([module docs](self)).
pub(crate) struct KeyStream {
    key: [u8; 32],
    stream: u64,
    /// The 64-bit counter of the block after the buffer.
    next_block: u64,
    /// The core, at `next_block`. Its counter is RFC 8439's 32 bits, with
    /// the counter's high word and the stream number in the nonce: those
    /// are the words of the 64-bit counter and stream in DJB's layout.
    #[cfg(not(target_arch = "wasm32"))]
    core: ChaChaCore<R12, Ietf>,
    buffer: [u8; BUFFER],
    /// Bytes of `buffer` used, a multiple of 4 (whole words are drawn).
    used: usize,
}

impl KeyStream {
    /// The stream numbered `stream` of `key`, from its start.
    pub(crate) fn new(key: [u8; 32], stream: u64) -> KeyStream {
        KeyStream::at_block(key, stream, 0)
    }

    /// The stream from block `block` (a multiple of [`BLOCKS`]) on.
    fn at_block(key: [u8; 32], stream: u64, block: u64) -> KeyStream {
        debug_assert_eq!(block % BLOCKS, 0);
        KeyStream {
            #[cfg(not(target_arch = "wasm32"))]
            core: Self::core_at(&key, stream, block),
            key,
            stream,
            next_block: block,
            buffer: [0; BUFFER],
            used: BUFFER,
        }
    }

    #[cfg(not(target_arch = "wasm32"))]
    fn core_at(key: &[u8; 32], stream: u64, block: u64) -> ChaChaCore<R12, Ietf> {
        let mut nonce = [0u8; 12];
        nonce[..4].copy_from_slice(&((block >> 32) as u32).to_le_bytes());
        nonce[4..].copy_from_slice(&stream.to_le_bytes());
        let mut core = ChaChaCore::<R12, Ietf>::new(key.into(), &nonce.into());
        core.set_block_pos(block as u32);
        core
    }

    /// Fills the buffer with the next [`BLOCKS`] blocks. The low counter
    /// word runs through multiples of [`BLOCKS`] (a divisor of 2^32), so a
    /// buffer never straddles its wrap, where the high word (in the nonce)
    /// moves on.
    #[inline(never)]
    fn refill(&mut self) {
        #[cfg(not(target_arch = "wasm32"))]
        {
            if self.next_block != 0 && self.next_block as u32 == 0 {
                self.core = Self::core_at(&self.key, self.stream, self.next_block);
            }
            let (blocks, _) = Array::slice_as_chunks_mut(&mut self.buffer[..]);
            self.core.write_keystream_blocks(blocks);
        }
        #[cfg(target_arch = "wasm32")]
        for (i, out) in self.buffer.as_chunks_mut::<{ 4 * 64 }>().0.iter_mut().enumerate() {
            four_blocks(&self.key, self.stream, self.next_block.wrapping_add(4 * i as u64), out);
        }
        self.next_block = self.next_block.wrapping_add(BLOCKS);
        self.used = 0;
    }

    /// The next word.
    #[inline]
    fn word(&mut self) -> [u8; 4] {
        if self.used == BUFFER {
            self.refill();
        }
        let w = self.buffer[self.used..self.used + 4].try_into().expect("4 bytes");
        self.used += 4;
        w
    }
}

/// ChaCha12 blocks `counter` to `counter + 3` of stream `stream` of `key`
/// (DJB's layout: the 64-bit block counter in words 12 and 13, the stream
/// number in 14 and 15), side by side in WebAssembly's SIMD
/// (`cohort_chacha::four_blocks`). Tested against `chacha20::ChaCha12Rng`
/// (natively, with the lanes as arrays).
#[cfg(any(target_arch = "wasm32", test))]
#[inline(always)]
fn four_blocks(key: &[u8; 32], stream: u64, counter: u64, out: &mut [u8; 4 * 64]) {
    let block = |lane: usize| counter.wrapping_add(lane as u64);
    let tail = [
        core::array::from_fn(|l| block(l) as u32),
        core::array::from_fn(|l| (block(l) >> 32) as u32),
        [stream as u32; 4],
        [(stream >> 32) as u32; 4],
    ];
    let (blocks, _) = out.as_chunks_mut::<64>();
    let blocks: &mut [[u8; 64]; 4] = blocks.try_into().expect("four blocks");
    cohort_chacha::four_blocks(cohort_chacha::Rounds::ChaCha12, key, tail, blocks);
}

impl SeedableRng for KeyStream {
    type Seed = [u8; 32];

    fn from_seed(seed: [u8; 32]) -> KeyStream {
        KeyStream::new(seed, 0)
    }
}

impl TryRng for KeyStream {
    type Error = Infallible;

    #[inline]
    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        Ok(u32::from_le_bytes(self.word()))
    }

    #[inline]
    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        if self.used + 8 <= BUFFER {
            let v = u64::from_le_bytes(self.buffer[self.used..self.used + 8].try_into().expect("8 bytes"));
            self.used += 8;
            return Ok(v);
        }
        let lo = u32::from_le_bytes(self.word());
        let hi = u32::from_le_bytes(self.word());
        Ok(u64::from(hi) << 32 | u64::from(lo))
    }

    /// Whole words, as `ChaCha12Rng` draws them: a tail of `n < 4` bytes
    /// takes the first `n` bytes of a word and drops the rest.
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), Infallible> {
        let mut done = 0;
        while done < dest.len() {
            if self.used == BUFFER {
                self.refill();
            }
            let take = (dest.len() - done).min(BUFFER - self.used);
            dest[done..done + take].copy_from_slice(&self.buffer[self.used..self.used + take]);
            self.used += take.next_multiple_of(4);
            done += take;
        }
        Ok(())
    }
}

impl TryCryptoRng for KeyStream {}

impl fmt::Debug for KeyStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("KeyStream { .. }")
    }
}

#[cfg(test)]
mod tests {
    use super::{BLOCKS, KeyStream, four_blocks};
    use chacha20::ChaCha12Rng;
    use proptest::prelude::*;
    use rand_core::{Rng, SeedableRng};

    /// Draws of each kind, of any length, in any order.
    #[derive(Debug, Clone)]
    enum Draw {
        U32,
        U64,
        Bytes(usize),
    }

    fn draws() -> impl Strategy<Value = Vec<Draw>> {
        prop::collection::vec(prop_oneof![Just(Draw::U32), Just(Draw::U64), (0usize..2_500).prop_map(Draw::Bytes)], 0..60)
    }

    fn same_draws(ours: &mut KeyStream, theirs: &mut ChaCha12Rng, draws: &[Draw]) -> Result<(), TestCaseError> {
        for draw in draws {
            match draw {
                Draw::U32 => prop_assert_eq!(ours.next_u32(), theirs.next_u32()),
                Draw::U64 => prop_assert_eq!(ours.next_u64(), theirs.next_u64()),
                Draw::Bytes(n) => {
                    let (mut a, mut b) = (vec![0u8; *n], vec![0u8; *n]);
                    ours.fill_bytes(&mut a);
                    theirs.fill_bytes(&mut b);
                    prop_assert_eq!(a, b);
                }
            }
        }
        Ok(())
    }

    proptest! {
        #[test]
        fn a_key_stream_is_chacha12_rng_word_for_word(key: [u8; 32], stream in prop_oneof![Just(0u64), Just(1), any::<u64>()], draws in draws()) {
            let mut theirs = ChaCha12Rng::from_seed(key);
            theirs.set_stream(stream);
            same_draws(&mut KeyStream::new(key, stream), &mut theirs, &draws)?;
        }

        /// Past block 2^32 the counter's high word moves into the nonce.
        #[test]
        fn a_key_stream_carries_its_counter_past_two_to_the_32_blocks(key: [u8; 32], stream: u64, high in prop_oneof![Just(1u64), 1u64..1 << 32], draws in draws()) {
            let block = (high << 32) - 2 * BLOCKS;
            let mut theirs = ChaCha12Rng::from_seed(key);
            theirs.set_stream(stream);
            theirs.set_word_pos(u128::from(block) * 16);
            same_draws(&mut KeyStream::at_block(key, stream, block), &mut theirs, &draws)?;
        }
    }

    proptest! {
        /// WebAssembly's four blocks side by side are ChaCha12's, from any
        /// block: at the start, across the counter's low word's wrap (the
        /// four straddle it from 2^32 − 3 to 2^32 − 1), and far on.
        #[test]
        fn four_blocks_side_by_side_are_chacha12_rng_blocks(
            key: [u8; 32],
            stream in prop_oneof![Just(0u64), any::<u64>()],
            counter in prop_oneof![Just(0u64), (1u64 << 32) - 3..(1 << 32), any::<u64>().prop_map(|c| c >> 2)],
        ) {
            let mut ours = [0u8; 4 * 64];
            four_blocks(&key, stream, counter, &mut ours);
            let mut theirs = ChaCha12Rng::from_seed(key);
            theirs.set_stream(stream);
            theirs.set_word_pos(u128::from(counter) * 16);
            let mut expected = [0u8; 4 * 64];
            theirs.fill_bytes(&mut expected);
            prop_assert_eq!(ours, expected);
        }
    }

    #[test]
    fn seeding_from_a_number_seeds_as_chacha12_rng_does() {
        assert_eq!(KeyStream::seed_from_u64(7).next_u64(), ChaCha12Rng::seed_from_u64(7).next_u64());
    }
}
