//! ChaCha blocks four at a time in WebAssembly's fixed-width SIMD.
//!
//! Cohort runs DJB's ChaCha in two places: the engine's ChaCha12 key
//! streams (PRSS and local randomness, `cohort-mpc`) and the secure
//! channels' ChaCha20-Poly1305 (RFC 8439, `cohort-channel`). Natively both
//! use RustCrypto's `chacha20`, which picks SSE2, AVX2 or AVX-512 code at
//! run time. In WebAssembly that crate makes one block at a time in scalar
//! code, so this crate makes four side by side there: each of ChaCha's 16
//! state words is one `simd128` vector holding that word of the four
//! blocks, so each step of a quarter round is one instruction
//! ([`four_blocks`]).
//!
//! [`ChaCha20`] is the cipher the channels use: RustCrypto's `chacha20`
//! natively, and in WebAssembly [`FourBlockChaCha20`], the same cipher
//! (RFC 8439's 32-bit block counter and 96-bit nonce) behind the `cipher`
//! crate's traits, so that RustCrypto's `chacha20poly1305` composes it with
//! Poly1305 exactly as it composes its own. The block function is written
//! once, over a word type with ChaCha's three operations: a `simd128`
//! vector in WebAssembly, four `u32`s elsewhere (where the tests check it
//! against `chacha20`).

#![no_std]

mod lanes;

use chacha20::cipher::consts::{U4, U12, U32, U64};
use chacha20::cipher::{
    Block, BlockSizeUser, Iv, IvSizeUser, Key, KeyIvInit, KeySizeUser, ParBlocks, ParBlocksSizeUser, StreamCipherBackend,
    StreamCipherClosure, StreamCipherCore, StreamCipherCoreWrapper, StreamCipherSeekCore,
};
use lanes::Lanes;

/// "expand 32-byte k": the state's first four words.
const SIGMA: [u32; 4] = [0x6170_7865, 0x3320_646e, 0x7962_2d32, 0x6b20_6574];

/// How many rounds: the engine's key streams are ChaCha12, the channels'
/// cipher ChaCha20.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rounds {
    /// Twelve rounds.
    ChaCha12,
    /// Twenty rounds.
    ChaCha20,
}

/// ChaCha's block function on four blocks side by side: the rounds, then
/// the input added back.
#[inline(always)]
fn block_function(rounds: Rounds, init: &[Lanes; 16]) -> [Lanes; 16] {
    #[inline(always)]
    fn quarter_round(x: &mut [Lanes; 16], a: usize, b: usize, c: usize, d: usize) {
        x[a] = x[a].add(x[b]);
        x[d] = x[d].xor_rotate::<16>(x[a]);
        x[c] = x[c].add(x[d]);
        x[b] = x[b].xor_rotate::<12>(x[c]);
        x[a] = x[a].add(x[b]);
        x[d] = x[d].xor_rotate::<8>(x[a]);
        x[c] = x[c].add(x[d]);
        x[b] = x[b].xor_rotate::<7>(x[c]);
    }
    let mut x = *init;
    let double_rounds = match rounds {
        Rounds::ChaCha12 => 6,
        Rounds::ChaCha20 => 10,
    };
    for _ in 0..double_rounds {
        quarter_round(&mut x, 0, 4, 8, 12);
        quarter_round(&mut x, 1, 5, 9, 13);
        quarter_round(&mut x, 2, 6, 10, 14);
        quarter_round(&mut x, 3, 7, 11, 15);
        quarter_round(&mut x, 0, 5, 10, 15);
        quarter_round(&mut x, 1, 6, 11, 12);
        quarter_round(&mut x, 2, 7, 8, 13);
        quarter_round(&mut x, 3, 4, 9, 14);
    }
    for (x, init) in x.iter_mut().zip(init) {
        *x = x.add(*init);
    }
    x
}

fn key_words(key: &[u8; 32]) -> [u32; 8] {
    core::array::from_fn(|i| u32::from_le_bytes(key.as_chunks::<4>().0[i]))
}

/// Four ChaCha blocks of `key`, side by side: block `l` has `tail[w][l]`
/// as its state word `12 + w` (the counter and nonce words, in whichever
/// layout the caller uses), and its 64 bytes go to `out[l]`. One copy of
/// the code serves both round counts: a second would add to the module
/// every participant downloads.
pub fn four_blocks(rounds: Rounds, key: &[u8; 32], tail: [[u32; 4]; 4], out: &mut [[u8; 64]; 4]) {
    let key = key_words(key);
    let init: [Lanes; 16] = core::array::from_fn(|w| match w {
        0..4 => Lanes::splat(SIGMA[w]),
        4..12 => Lanes::splat(key[w - 4]),
        _ => Lanes::new(tail[w - 12]),
    });
    let x = block_function(rounds, &init);
    for (w, x) in x.iter().enumerate() {
        for (lane, v) in x.words().iter().enumerate() {
            out[lane][4 * w..4 * w + 4].copy_from_slice(&v.to_le_bytes());
        }
    }
}

/// ChaCha20 as RFC 8439 defines it for ChaCha20-Poly1305: the channels'
/// cipher. RustCrypto's natively; in WebAssembly, [`FourBlockChaCha20`].
#[cfg(not(target_arch = "wasm32"))]
pub type ChaCha20 = chacha20::ChaCha20;
/// ChaCha20 as RFC 8439 defines it for ChaCha20-Poly1305: the channels'
/// cipher. RustCrypto's natively; in WebAssembly, [`FourBlockChaCha20`].
#[cfg(target_arch = "wasm32")]
pub type ChaCha20 = FourBlockChaCha20;

/// RFC 8439's ChaCha20 (20 rounds, a 32-bit block counter in word 12, a
/// 96-bit nonce in words 13–15), four blocks at a time: the same key
/// stream as `chacha20::ChaCha20`, with the `cipher` crate's stream cipher
/// and seek traits.
pub type FourBlockChaCha20 = StreamCipherCoreWrapper<FourBlockChaCha20Core>;

/// The block-level core of [`FourBlockChaCha20`].
pub struct FourBlockChaCha20Core {
    key: [u8; 32],
    nonce: [u32; 3],
    /// The next block's number.
    counter: u32,
}

impl Drop for FourBlockChaCha20Core {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.key);
    }
}

impl KeySizeUser for FourBlockChaCha20Core {
    type KeySize = U32;
}

impl IvSizeUser for FourBlockChaCha20Core {
    type IvSize = U12;
}

impl BlockSizeUser for FourBlockChaCha20Core {
    type BlockSize = U64;
}

impl KeyIvInit for FourBlockChaCha20Core {
    fn new(key: &Key<Self>, iv: &Iv<Self>) -> FourBlockChaCha20Core {
        let nonce = iv.as_chunks::<4>().0;
        FourBlockChaCha20Core { key: (*key).into(), nonce: core::array::from_fn(|i| u32::from_le_bytes(nonce[i])), counter: 0 }
    }
}

impl StreamCipherCore for FourBlockChaCha20Core {
    /// As `chacha20`'s: the counter does not wrap, so the last block, number
    /// 2^32 − 1, is not used.
    fn remaining_blocks(&self) -> Option<usize> {
        (u32::MAX - self.counter).try_into().ok()
    }

    fn process_with_backend(&mut self, f: impl StreamCipherClosure<BlockSize = U64>) {
        f.call(&mut Backend(self));
    }
}

impl StreamCipherSeekCore for FourBlockChaCha20Core {
    type Counter = u32;

    fn get_block_pos(&self) -> u32 {
        self.counter
    }

    fn set_block_pos(&mut self, pos: u32) {
        self.counter = pos;
    }
}

struct Backend<'a>(&'a mut FourBlockChaCha20Core);

impl BlockSizeUser for Backend<'_> {
    type BlockSize = U64;
}

impl ParBlocksSizeUser for Backend<'_> {
    type ParBlocksSize = U4;
}

impl Backend<'_> {
    /// The next `blocks.len()` (at most four) blocks, made together.
    #[inline(never)]
    fn up_to_four(&mut self, blocks: &mut [Block<Self>]) {
        let core = &mut *self.0;
        // Words 12–15 of blocks counter to counter + 3: the counter, then the nonce.
        let [n0, n1, n2] = core.nonce;
        let tail = [core::array::from_fn(|lane| core.counter.wrapping_add(lane as u32)), [n0; 4], [n1; 4], [n2; 4]];
        let mut made = [[0u8; 64]; 4];
        four_blocks(Rounds::ChaCha20, &core.key, tail, &mut made);
        for (block, made) in blocks.iter_mut().zip(&made) {
            block.copy_from_slice(made);
        }
        core.counter = core.counter.wrapping_add(blocks.len() as u32);
    }
}

impl StreamCipherBackend for Backend<'_> {
    /// One block: four made, one kept, a little dearer than one block in
    /// scalar code (a 16-byte message is sealed and opened in 1.1–1.3 µs
    /// in WebAssembly, against 0.85 µs). A channel's message takes one for
    /// its Poly1305 key and one for a partial last block, besides its runs
    /// of four.
    fn gen_ks_block(&mut self, block: &mut Block<Self>) {
        self.up_to_four(core::slice::from_mut(block));
    }

    fn gen_par_ks_blocks(&mut self, blocks: &mut ParBlocks<Self>) {
        self.up_to_four(blocks);
    }

    /// The blocks after the runs of four (the `cipher` crate asks for none
    /// too, when a message's blocks are a multiple of four).
    fn gen_tail_blocks(&mut self, blocks: &mut [Block<Self>]) {
        if !blocks.is_empty() {
            self.up_to_four(blocks);
        }
    }
}
