//! A word of each of four blocks, with ChaCha's operations on all four at
//! once: one WebAssembly SIMD vector there, four `u32`s elsewhere.

#[cfg(target_arch = "wasm32")]
mod simd {
    use core::arch::wasm32::{
        i8x16_shuffle, u32x4, u32x4_add, u32x4_extract_lane, u32x4_shl, u32x4_shr, u32x4_splat, v128, v128_or, v128_xor,
    };

    /// One `simd128` vector.
    #[derive(Clone, Copy)]
    pub(crate) struct Lanes(v128);

    impl Lanes {
        #[inline(always)]
        pub(crate) fn new(words: [u32; 4]) -> Lanes {
            Lanes(u32x4(words[0], words[1], words[2], words[3]))
        }
        #[inline(always)]
        pub(crate) fn splat(word: u32) -> Lanes {
            Lanes(u32x4_splat(word))
        }
        #[inline(always)]
        pub(crate) fn words(self) -> [u32; 4] {
            [
                u32x4_extract_lane::<0>(self.0),
                u32x4_extract_lane::<1>(self.0),
                u32x4_extract_lane::<2>(self.0),
                u32x4_extract_lane::<3>(self.0),
            ]
        }
        #[inline(always)]
        pub(crate) fn add(self, other: Lanes) -> Lanes {
            Lanes(u32x4_add(self.0, other.0))
        }
        /// `(self ^ other) <<< BY`: by whole bytes (16 and 8) one shuffle of
        /// each word's bytes (little-endian), else two shifts.
        #[inline(always)]
        pub(crate) fn xor_rotate<const BY: u32>(self, other: Lanes) -> Lanes {
            let x = v128_xor(self.0, other.0);
            Lanes(match BY {
                16 => i8x16_shuffle::<2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13>(x, x),
                8 => i8x16_shuffle::<3, 0, 1, 2, 7, 4, 5, 6, 11, 8, 9, 10, 15, 12, 13, 14>(x, x),
                _ => v128_or(u32x4_shl(x, BY), u32x4_shr(x, 32 - BY)),
            })
        }
    }
}

#[cfg(target_arch = "wasm32")]
pub(crate) use simd::Lanes;

/// Four `u32`s: the same operations where there is no WebAssembly SIMD,
/// which the tests check [`crate::four_blocks`] with against `chacha20`.
#[cfg(not(target_arch = "wasm32"))]
#[derive(Clone, Copy)]
pub(crate) struct Lanes([u32; 4]);

#[cfg(not(target_arch = "wasm32"))]
impl Lanes {
    pub(crate) fn new(words: [u32; 4]) -> Lanes {
        Lanes(words)
    }
    pub(crate) fn splat(word: u32) -> Lanes {
        Lanes([word; 4])
    }
    pub(crate) fn words(self) -> [u32; 4] {
        self.0
    }
    pub(crate) fn add(self, other: Lanes) -> Lanes {
        Lanes(core::array::from_fn(|i| self.0[i].wrapping_add(other.0[i])))
    }
    /// `(self ^ other) <<< BY`.
    pub(crate) fn xor_rotate<const BY: u32>(self, other: Lanes) -> Lanes {
        Lanes(core::array::from_fn(|i| (self.0[i] ^ other.0[i]).rotate_left(BY)))
    }
}
