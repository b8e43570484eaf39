//! Prime fields with a modulus chosen at run time.
//!
//! Elements are kept in Montgomery form. A modulus below 2^64 uses one 64-bit
//! limb (`R = 2^64`): this is the field of `secint(32)`, MPyC's default and the
//! hot path. Moduli from 2^64 up to 2^128 use two limbs (`R = 2^128`). The limb
//! count is decided once per field; every operation branches on it, which the
//! CPU predicts perfectly inside the vector loops the protocols run.
//!
//! [`blum_prime`] picks moduli the way MPyC does: the largest prime
//! `p ≡ 3 (mod 4)` below `2^bits`.

use core::fmt;
use core::hint::select_unpredictable;

use rand_core::Rng;

use crate::Error;

/// The bits of the largest modulus a [`Field`] supports: any odd prime
/// below `2^128` (two 64-bit limbs), enough for MPyC's `secfxp(64)`.
pub const MAX_MODULUS_BITS: u32 = 128;

/// A prime field `GF(p)` with `2 < p < 2^128`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Field {
    p: u128,
    /// Narrow fields: `p^-1 mod 2^64`. Wide fields: `-p^-1 mod 2^64`.
    pinv: u64,
    /// `R mod p`, the Montgomery form of 1.
    one: u128,
    /// `R^2 mod p`, to convert into Montgomery form.
    r2: u128,
    wide: bool,
    bits: u32,
}

/// An element of a [`Field`], in Montgomery form. Only meaningful together
/// with the field it came from.
#[derive(Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Fe(u128);

impl Fe {
    /// An element from its raw Montgomery representation (already below p).
    pub(crate) fn from_mont(v: u128) -> Fe {
        Fe(v)
    }

    /// `if cond { a } else { b }`, without a branch: where `cond` is a
    /// random bit (a share's, a mask's), a branch would be mispredicted
    /// half the time, and its timing would follow the bit. (A mask
    /// `b ^ ((a ^ b) & −cond)` is not enough: the compiler turned it back
    /// into a branch where `a` is loaded from memory.)
    #[inline(always)]
    pub(crate) fn select(cond: bool, a: Fe, b: Fe) -> Fe {
        select_unpredictable(cond, a, b)
    }
}

impl fmt::Debug for Fe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Fe(mont {:#x})", self.0)
    }
}

impl fmt::Debug for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "GF({})", self.p)
    }
}

impl Field {
    /// At most how many draws [`Field::draw_blocks`] hands over at once.
    pub(crate) const DRAW_BLOCK: usize = 64;

    /// The field of integers modulo the prime `p`.
    ///
    /// Fails unless `p` is an odd prime (every `u128` is below `2^128`).
    pub fn new(p: u128) -> Result<Self, Error> {
        if p < 3 || p.is_multiple_of(2) {
            return Err(Error::InvalidArgument(format!("field modulus {p} must be an odd prime below 2^128")));
        }
        let field = Self::new_odd(p);
        if !field.is_prime() {
            return Err(Error::InvalidArgument(format!("field modulus {p} is not prime")));
        }
        Ok(field)
    }

    /// Montgomery set-up for any odd modulus (prime or not; used by the
    /// primality test itself).
    fn new_odd(p: u128) -> Self {
        let wide = p >> 64 != 0;
        let p0 = p as u64;
        // Newton iteration for p0^-1 mod 2^64: each step doubles the correct bits.
        let mut inv: u64 = 1;
        for _ in 0..7 {
            inv = inv.wrapping_mul(2u64.wrapping_sub(p0.wrapping_mul(inv)));
        }
        let (pinv, r_bits) = if wide { (inv.wrapping_neg(), 128) } else { (inv, 64) };
        let one = if wide { (u128::MAX % p + 1) % p } else { (1u128 << 64) % p };
        // R^2 mod p = R mod p doubled r_bits times.
        let mut r2 = one;
        for _ in 0..r_bits {
            r2 = add_mod(r2, r2, p);
        }
        Field { p, pinv, one, r2, wide, bits: 128 - p.leading_zeros() }
    }

    /// The modulus `p`.
    pub fn modulus(&self) -> u128 {
        self.p
    }

    /// The bit length of `p`.
    pub fn bits(&self) -> u32 {
        self.bits
    }

    /// Bytes per element on the wire.
    pub fn byte_len(&self) -> usize {
        self.bits.div_ceil(8) as usize
    }

    /// The additive identity.
    pub fn zero(&self) -> Fe {
        Fe(0)
    }

    /// The multiplicative identity.
    pub fn one(&self) -> Fe {
        Fe(self.one)
    }

    /// The element `v mod p`.
    pub fn from_u128(&self, v: u128) -> Fe {
        let v = if v < self.p { v } else { v % self.p };
        Fe(self.mont(v, self.r2))
    }

    /// The element `v mod p` for a signed `v`.
    pub fn from_i128(&self, v: i128) -> Fe {
        let r = self.from_u128(v.unsigned_abs());
        if v < 0 { self.neg(r) } else { r }
    }

    /// The canonical representative in `[0, p)`.
    pub fn to_u128(&self, a: Fe) -> u128 {
        self.mont(a.0, 1)
    }

    /// The centered representative in `(-p/2, p/2]`: it fits `i128` for
    /// every `p < 2^128`, since `p/2 < 2^127`.
    pub fn to_i128(&self, a: Fe) -> i128 {
        let v = self.to_u128(a);
        if v > self.p / 2 { -((self.p - v) as i128) } else { v as i128 }
    }

    /// `a + b`.
    #[inline]
    pub fn add(&self, a: Fe, b: Fe) -> Fe {
        Fe(add_mod(a.0, b.0, self.p))
    }

    /// `a - b`.
    #[inline]
    pub fn sub(&self, a: Fe, b: Fe) -> Fe {
        let (d, borrow) = a.0.overflowing_sub(b.0);
        Fe(select_unpredictable(borrow, d.wrapping_add(self.p), d))
    }

    /// `-a`.
    #[inline]
    pub fn neg(&self, a: Fe) -> Fe {
        Fe(select_unpredictable(a.0 == 0, 0, self.p.wrapping_sub(a.0)))
    }

    /// `a * b`.
    #[inline]
    pub fn mul(&self, a: Fe, b: Fe) -> Fe {
        Fe(self.mont(a.0, b.0))
    }

    /// This field's multiplication for 64-bit moduli, if it is one.
    #[inline]
    pub(crate) fn narrow_arith(&self) -> Option<NarrowArith> {
        (!self.wide).then_some(NarrowArith { p: self.p as u64, pinv: self.pinv, r2: self.r2 as u64 })
    }

    /// This field's general multiplication.
    #[inline]
    pub(crate) fn any_arith(&self) -> AnyArith {
        AnyArith(*self)
    }

    /// `a^2`.
    #[inline]
    pub fn square(&self, a: Fe) -> Fe {
        self.mul(a, a)
    }

    /// `a^e` for a public exponent (variable time: use only on public values
    /// or where the exponent is public and timing reveals nothing secret).
    pub fn pow(&self, a: Fe, e: u128) -> Fe {
        if e == 0 {
            return self.one();
        }
        // Fixed 4-bit window.
        let mut table = [self.one(); 16];
        for i in 1..16 {
            table[i] = self.mul(table[i - 1], a);
        }
        let top = (128 - e.leading_zeros()).div_ceil(4);
        let mut acc = self.one();
        for w in (0..top).rev() {
            for _ in 0..4 {
                acc = self.square(acc);
            }
            let nibble = ((e >> (4 * w)) & 0xf) as usize;
            if nibble != 0 {
                acc = self.mul(acc, table[nibble]);
            }
        }
        acc
    }

    /// `x^e` for every `x` in place, for a public exponent. Interleaves the
    /// exponentiations of several elements so that the CPU overlaps their
    /// (otherwise strictly sequential) multiplications. The exponent's
    /// leading run of ones, long in the square-root exponents of MPyC's
    /// primes (`2^b − c` for a small `c`), costs one multiplication per bit
    /// of its length rather than one per four bits (`x^(2^2k − 1)` is
    /// `x^(2^k − 1)` squared `k` times, times itself); the bits after it
    /// take 4-bit windows, or plain square-and-multiply where they have
    /// few ones.
    pub fn pow_batch(&self, xs: &mut [Fe], e: u128) {
        const LANES: usize = 8;
        if e == 0 {
            xs.fill(self.one());
            return;
        }
        let bits = 128 - e.leading_zeros();
        let run = (!(e << (128 - bits))).leading_zeros().min(bits);
        let rest = bits - run;
        let low = if rest == 0 { 0 } else { e & (u128::MAX >> (128 - rest)) };
        let nibble = |w: u32| ((low >> (4 * w)) & 0xf) as usize;
        let windows = (0..rest / 4).filter(|&w| nibble(w) != 0).count() as u32;
        // Windows need a 14-product table; binary needs a product per one.
        let use_windows = 14 + windows + (low >> (rest / 4 * 4)).count_ones() < low.count_ones();
        with_arith!(self, |ar| for chunk in xs.chunks_mut(LANES) {
            // Always all lanes (a short last chunk padded with ones), so the
            // loops have a constant length: the compiler unrolls them and
            // keeps the lanes in registers.
            let n = chunk.len();
            let mut base = [self.one(); LANES];
            base[..n].copy_from_slice(chunk);
            let square = |acc: &mut [Fe; LANES], times: u32| {
                for _ in 0..times {
                    for a in acc.iter_mut() {
                        *a = ar.mul(*a, *a);
                    }
                }
            };
            let times = |acc: &mut [Fe; LANES], by: &[Fe; LANES]| {
                for (a, &b) in acc.iter_mut().zip(by) {
                    *a = ar.mul(*a, b);
                }
            };
            let mut acc = base;
            // acc = x^(2^k − 1), k running through the leading bits of `run`.
            let mut k = 1;
            for bit in (0..31 - run.leading_zeros()).rev() {
                let before = acc;
                square(&mut acc, k);
                times(&mut acc, &before);
                k *= 2;
                if run >> bit & 1 == 1 {
                    square(&mut acc, 1);
                    times(&mut acc, &base);
                    k += 1;
                }
            }
            if use_windows {
                let mut table = [[self.one(); LANES]; 16];
                table[1] = base;
                for i in 2..16 {
                    table[i] = table[i - 1];
                    times(&mut table[i], &base);
                }
                for i in (rest / 4 * 4..rest).rev() {
                    square(&mut acc, 1);
                    if low >> i & 1 == 1 {
                        times(&mut acc, &base);
                    }
                }
                for w in (0..rest / 4).rev() {
                    square(&mut acc, 4);
                    if nibble(w) != 0 {
                        times(&mut acc, &table[nibble(w)]);
                    }
                }
            } else {
                for i in (0..rest).rev() {
                    square(&mut acc, 1);
                    if low >> i & 1 == 1 {
                        times(&mut acc, &base);
                    }
                }
            }
            chunk.copy_from_slice(&acc[..n]);
        });
    }

    /// [`Field::inv_sqrt`] for many elements at once (see [`Field::pow_batch`]).
    pub fn inv_sqrt_batch(&self, xs: &[Fe]) -> Vec<Option<Fe>> {
        if self.p % 4 != 3 {
            return xs.iter().map(|&a| self.inv_sqrt(a)).collect();
        }
        let mut roots = xs.to_vec();
        self.pow_batch(&mut roots, (self.p - 3) / 4);
        roots.into_iter().zip(xs).map(|(r, &a)| (a.0 != 0 && self.mul(self.square(r), a) == self.one()).then_some(r)).collect()
    }

    /// `a^-1`, or an error for zero.
    pub fn inv(&self, a: Fe) -> Result<Fe, Error> {
        if a.0 == 0 {
            return Err(Error::InvalidArgument("division by zero in the field".into()));
        }
        Ok(self.pow(a, self.p - 2))
    }

    /// Inverts every element in place with one field inversion (Montgomery's
    /// trick). Fails if any element is zero.
    pub fn batch_inv(&self, xs: &mut [Fe]) -> Result<(), Error> {
        let mut prefix = Vec::with_capacity(xs.len());
        let mut acc = self.one();
        for &x in xs.iter() {
            prefix.push(acc);
            acc = self.mul(acc, x);
        }
        let mut inv = self.inv(acc)?;
        for (x, before) in xs.iter_mut().zip(prefix).rev() {
            let next = self.mul(inv, *x);
            *x = self.mul(inv, before);
            inv = next;
        }
        Ok(())
    }

    /// `1 / sqrt(a)` for a nonzero square `a` (some square root; which one is
    /// irrelevant to the callers). `None` if `a` is zero or not a square.
    pub fn inv_sqrt(&self, a: Fe) -> Option<Fe> {
        if a.0 == 0 {
            return None;
        }
        let r = if self.p % 4 == 3 {
            // a^((p+1)/4) is a root of a square a; its inverse is
            // a^((p-3)/4) (a^((p-1)/2) = 1), one exponentiation. For a
            // non-square the check below fails.
            self.pow(a, (self.p - 3) / 4)
        } else {
            self.inv(self.sqrt_tonelli_shanks(a)?).ok()?
        };
        (self.mul(self.square(r), a) == self.one()).then_some(r)
    }

    fn sqrt_tonelli_shanks(&self, a: Fe) -> Option<Fe> {
        let p = self.p;
        let minus_one = self.neg(self.one());
        if self.pow(a, (p - 1) / 2) != self.one() {
            return None;
        }
        let s = (p - 1).trailing_zeros();
        let q = (p - 1) >> s;
        let mut z = self.from_u128(2);
        while self.pow(z, (p - 1) / 2) != minus_one {
            z = self.add(z, self.one());
        }
        let mut m = s;
        let mut c = self.pow(z, q);
        let mut t = self.pow(a, q);
        let mut r = self.pow(a, q.div_ceil(2));
        while t != self.one() {
            let mut i = 0;
            let mut t2 = t;
            while t2 != self.one() {
                t2 = self.square(t2);
                i += 1;
            }
            let mut b = c;
            for _ in 0..m - i - 1 {
                b = self.square(b);
            }
            m = i;
            c = self.square(b);
            t = self.mul(t, c);
            r = self.mul(r, b);
        }
        Some(r)
    }

    /// A uniformly random element, by rejection sampling.
    #[inline]
    pub fn random(&self, rng: &mut impl Rng) -> Fe {
        // A uniform value below p is a uniform Montgomery representation too.
        Fe(self.sample_below(rng, self.p))
    }

    /// A uniformly random element in `[0, bound)`, `bound ≤ p`, by rejection
    /// sampling (deterministic for a given random stream, which PRSS relies on).
    pub fn random_below(&self, rng: &mut impl Rng, bound: u128) -> Fe {
        if bound == self.p {
            return self.random(rng);
        }
        self.from_u128(self.sample_below(rng, bound))
    }

    /// `n` uniformly random elements: the same elements, from the same words
    /// of `rng`, as `n` calls of [`Field::random`], drawn in bulk. Below
    /// 2^64 the words are read in blocks of at most as many as draws are
    /// still to come, and each word gives at most one draw, so exactly the
    /// words one-by-one sampling would read are read: parties that share a
    /// key stream stay in step however each batches its draws.
    pub fn random_vec(&self, rng: &mut impl Rng, n: usize) -> Vec<Fe> {
        let mut out = Vec::with_capacity(n);
        self.draw_blocks(rng, n, self.p, &mut |_, block| out.extend_from_slice(block));
        out
    }

    /// Calls `f(k, v)` for `k` in `0..n` with the `k`-th of `n` draws below
    /// `bound`: [`Field::draw_blocks`] one draw at a time.
    pub(crate) fn draw_each(&self, rng: &mut impl Rng, n: usize, bound: u128, mut f: impl FnMut(usize, Fe)) {
        self.draw_blocks(rng, n, bound, &mut |start, block| block.iter().enumerate().for_each(|(i, &v)| f(start + i, v)));
    }

    /// Makes `n` draws below `bound` (`0 < bound ≤ p`), by rejection, and
    /// calls `f(start, block)` for consecutive blocks of them, draw `start`
    /// first: the value of [`Field::random`] where `bound = p`, otherwise a
    /// raw integer `v < bound` in the element's place (not the element `v`,
    /// which [`Field::random_below`] gives: see [`Field::times_raw`]). For
    /// `bound ≤ 2^64` the words are read in blocks of at most as many as
    /// draws are still to come, and each word gives at most one draw, so
    /// exactly the words one-by-one sampling would read are read: parties
    /// that share a key stream stay in step however each batches its draws.
    /// A block's rejected words are dropped without a branch on any kept
    /// value. (`f` is called once a block, so a
    /// `dyn` call costs nothing measurable, and one copy of this serves every
    /// caller: smaller WebAssembly.)
    pub(crate) fn draw_blocks(&self, rng: &mut impl Rng, n: usize, bound: u128, f: &mut dyn FnMut(usize, &[Fe])) {
        const BLOCK: usize = Field::DRAW_BLOCK;
        let mut block = [Fe(0); BLOCK];
        let mut filled = 0;
        // A uniform value below p is a uniform Montgomery representation too.
        let bits = 128 - (bound - 1).leading_zeros();
        if bits > 64 {
            while filled < n {
                let len = (n - filled).min(BLOCK);
                block[..len].iter_mut().for_each(|v| *v = Fe(self.sample_below(rng, bound)));
                f(filled, &block[..len]);
                filled += len;
            }
            return;
        }
        let mask = if bits == 0 { 0 } else { u64::MAX >> (64 - bits) };
        // bits ≤ 64, so the largest value kept fits 64 bits.
        let max = (bound - 1) as u64;
        let mut bytes = [0u8; BLOCK * 8];
        let mut words = [0u64; BLOCK];
        while filled < n {
            let len = (n - filled).min(BLOCK);
            rng.fill_bytes(&mut bytes[..len * 8]);
            let words = &mut words[..len];
            for (w, chunk) in words.iter_mut().zip(bytes.chunks_exact(8)) {
                *w = u64::from_le_bytes(chunk.try_into().expect("8 bytes")) & mask;
            }
            // Where the bound is near a power of two (p, for every field
            // MPyC picks), a block almost never holds a rejected word: one
            // pass that vectorizes. Which path runs depends on the rejected
            // words alone, which are dropped.
            let kept = if words.iter().fold(true, |all, &w| all & (w <= max)) {
                block.iter_mut().zip(words.iter()).for_each(|(b, &w)| *b = Fe(u128::from(w)));
                len
            } else {
                let mut kept = 0;
                for &w in words.iter() {
                    // Written in any case, kept if below the bound (kept < len ≤ BLOCK).
                    block[kept % BLOCK] = Fe(u128::from(w));
                    kept += usize::from(w <= max);
                }
                kept
            };
            f(filled, &block[..kept]);
            filled += kept;
        }
    }

    /// `c·R`, so that the Montgomery product of a raw draw `v` (see
    /// [`Field::draw_blocks`]) with it is `c` times the element `v`, as
    /// [`Field::random_below`] gives it: one product where converting first
    /// would take two.
    pub(crate) fn times_raw(&self, c: Fe) -> Fe {
        self.mul(c, Fe(self.r2))
    }

    /// A uniform integer in `[0, bound)`, `0 < bound ≤ p`.
    #[inline]
    fn sample_below(&self, rng: &mut impl Rng, bound: u128) -> u128 {
        debug_assert!(bound > 0 && bound <= self.p);
        let bits = 128 - (bound - 1).leading_zeros();
        loop {
            let v = if bits <= 64 { u128::from(rng.next_u64()) } else { u128::from(rng.next_u64()) | u128::from(rng.next_u64()) << 64 };
            let v = if bits == 0 { 0 } else { v & (u128::MAX >> (128 - bits)) };
            if v < bound {
                return v;
            }
        }
    }

    /// Appends the little-endian wire encoding of `xs` (`byte_len` bytes each).
    pub fn encode(&self, xs: &[Fe], out: &mut Vec<u8>) {
        let n = self.byte_len();
        out.reserve(xs.len() * n);
        if n == 8 {
            // The common case (secint(32)), with fixed-size copies.
            for x in xs {
                out.extend_from_slice(&(x.0 as u64).to_le_bytes());
            }
        } else {
            for x in xs {
                out.extend_from_slice(&x.0.to_le_bytes()[..n]);
            }
        }
    }

    /// Decodes elements written by [`Field::encode`] one by one: `Err(())`
    /// for an element not below `p` (the caller checks the length first).
    pub fn decode_iter<'a>(&'a self, bytes: &'a [u8]) -> impl Iterator<Item = Result<Fe, ()>> + 'a {
        let n = self.byte_len();
        bytes.chunks_exact(n).map(move |chunk| {
            let v = if n == 8 {
                u128::from(u64::from_le_bytes(chunk.try_into().expect("8 bytes")))
            } else {
                let mut buf = [0u8; 16];
                buf[..n].copy_from_slice(chunk);
                u128::from_le_bytes(buf)
            };
            if v < self.p { Ok(Fe(v)) } else { Err(()) }
        })
    }

    /// Decodes elements written by [`Field::encode`]; `None` if the length is
    /// not a multiple of the element size or an element is not below `p`.
    pub fn decode(&self, bytes: &[u8]) -> Option<Vec<Fe>> {
        let n = self.byte_len();
        if !bytes.len().is_multiple_of(n) {
            return None;
        }
        let mut out = Vec::with_capacity(bytes.len() / n);
        let mut valid = true;
        if n == 8 {
            for chunk in bytes.chunks_exact(8) {
                let v = u128::from(u64::from_le_bytes(chunk.try_into().expect("8 bytes")));
                valid &= v < self.p;
                out.push(Fe(v));
            }
        } else {
            for chunk in bytes.chunks_exact(n) {
                let mut buf = [0u8; 16];
                buf[..n].copy_from_slice(chunk);
                let v = u128::from_le_bytes(buf);
                valid &= v < self.p;
                out.push(Fe(v));
            }
        }
        valid.then_some(out)
    }

    /// Montgomery reduction of `a * b`, for `a, b < p`.
    #[inline]
    fn mont(&self, a: u128, b: u128) -> u128 {
        if self.wide { mont_wide(a, b, self.p, self.pinv) } else { mont_narrow(a as u64, b as u64, self.p as u64, self.pinv) as u128 }
    }

    /// Miller–Rabin with the first 16 prime bases; deterministic below
    /// 3.3·10^24 (~2^81) and a negligible error above.
    fn is_prime(&self) -> bool {
        const BASES: [u128; 16] = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53];
        let n = self.p;
        for b in BASES {
            if n == b {
                return true;
            }
            if n.is_multiple_of(b) {
                return false;
            }
        }
        let s = (n - 1).trailing_zeros();
        let d = (n - 1) >> s;
        let minus_one = self.neg(self.one());
        'bases: for b in BASES {
            let mut x = self.pow(self.from_u128(b), d);
            if x == self.one() || x == minus_one {
                continue;
            }
            for _ in 1..s {
                x = self.square(x);
                if x == minus_one {
                    continue 'bases;
                }
            }
            return false;
        }
        true
    }
}

/// A field multiplication bound to one representation, so that a hot loop
/// written once (see `with_arith!`) is compiled for 64-bit moduli separately.
pub(crate) trait Arith: Copy {
    fn mul(self, a: Fe, b: Fe) -> Fe;
    fn add(self, a: Fe, b: Fe) -> Fe;
    fn sub(self, a: Fe, b: Fe) -> Fe;

    /// `Σ_i 2^i·w[(first + i) mod w.len()]·xs[i]` (every weight 1 if `w` is
    /// empty) with a single reduction for each weight, where this
    /// arithmetic can: a modulus below 2^64, at most [`ONE_REDUCTION_TERMS`]
    /// terms and [`ONE_REDUCTION_WEIGHTS`] weights. `None` otherwise.
    #[inline(always)]
    fn binary_sum_reduced_once(self, xs: &[Fe], w: &[Fe], first: usize) -> Option<Fe> {
        let _ = (xs, w, first);
        None
    }
}

/// The most terms [`Arith::binary_sum_reduced_once`] sums: each below
/// `p < 2^64` times at most `2^63`, their sum is below `p·2^64`, which one
/// Montgomery reduction takes.
pub(crate) const ONE_REDUCTION_TERMS: usize = 64;

/// The most weights [`Arith::binary_sum_reduced_once`] takes (one for each
/// party in a comparison's dealt bits, up to 8 parties at threshold 1).
pub(crate) const ONE_REDUCTION_WEIGHTS: usize = 8;

/// Arithmetic in a field with a modulus below 2^64.
#[derive(Clone, Copy)]
pub(crate) struct NarrowArith {
    p: u64,
    pinv: u64,
    /// `R^2 mod p`, `R = 2^64`.
    r2: u64,
}

impl NarrowArith {
    /// `t` modulo `p` in Montgomery form, for `t < p·2^64` (a sum of terms
    /// in Montgomery form, so the sum's Montgomery form): its reduction
    /// `t·R^-1`, times `R^2` in a Montgomery product.
    #[inline(always)]
    fn reduce(self, t: u128) -> u64 {
        let (lo, hi) = (t as u64, (t >> 64) as u64);
        let m = lo.wrapping_mul(self.pinv);
        let (_, mp_hi) = mul_wide(m, self.p);
        // `t − m·p` has a zero low half; its high half is `hi − mp_hi`,
        // in (−p, p) since `hi < p`.
        let (r, borrow) = hi.overflowing_sub(mp_hi);
        let reduced = select_unpredictable(borrow, r.wrapping_add(self.p), r);
        mont_narrow(reduced, self.r2, self.p, self.pinv)
    }
}

impl Arith for NarrowArith {
    #[inline(always)]
    fn mul(self, a: Fe, b: Fe) -> Fe {
        Fe(u128::from(mont_narrow(a.0 as u64, b.0 as u64, self.p, self.pinv)))
    }

    #[inline(always)]
    fn add(self, a: Fe, b: Fe) -> Fe {
        let (s, carry) = (a.0 as u64).overflowing_add(b.0 as u64);
        Fe(u128::from(select_unpredictable(carry | (s >= self.p), s.wrapping_sub(self.p), s)))
    }

    #[inline(always)]
    fn sub(self, a: Fe, b: Fe) -> Fe {
        let (d, borrow) = (a.0 as u64).overflowing_sub(b.0 as u64);
        Fe(u128::from(select_unpredictable(borrow, d.wrapping_add(self.p), d)))
    }

    /// The terms of each weight summed as 128-bit integers (`xs[i] < p`
    /// shifted by `i < 64`: no carry out), each sum reduced once and
    /// multiplied by its weight. (One copy, not one in each caller: 0.2 KB
    /// less of the session host's WebAssembly, gzipped; natively no slower.)
    #[inline(never)]
    fn binary_sum_reduced_once(self, xs: &[Fe], w: &[Fe], first: usize) -> Option<Fe> {
        if xs.len() > ONE_REDUCTION_TERMS || w.len() > ONE_REDUCTION_WEIGHTS {
            return None;
        }
        if w.is_empty() {
            // Horner's rule: no shifts by a variable amount.
            let t = xs.iter().rev().fold(0u128, |t, x| t + t + x.0);
            return Some(Fe(u128::from(self.reduce(t))));
        }
        let mut sums = [0u128; ONE_REDUCTION_WEIGHTS];
        let mut j = first % w.len();
        for (i, x) in xs.iter().enumerate() {
            // `x·2^i` from two 64-bit shifts (`i < 64`): WebAssembly has
            // no 128-bit shift, and its general one costs several times more.
            let (x, i) = (x.0 as u64, i as u32);
            sums[j] += (u128::from(x >> 1 >> (63 - i)) << 64) | u128::from(x << i);
            j = if j + 1 == w.len() { 0 } else { j + 1 };
        }
        let total = w.iter().zip(&sums).fold(0u64, |total, (wj, &t)| {
            let term = mont_narrow(wj.0 as u64, self.reduce(t), self.p, self.pinv);
            self.add(Fe(u128::from(total)), Fe(u128::from(term))).0 as u64
        });
        Some(Fe(u128::from(total)))
    }
}

/// Arithmetic in any field.
#[derive(Clone, Copy)]
pub(crate) struct AnyArith(Field);

impl Arith for AnyArith {
    #[inline(always)]
    fn mul(self, a: Fe, b: Fe) -> Fe {
        self.0.mul(a, b)
    }

    #[inline(always)]
    fn add(self, a: Fe, b: Fe) -> Fe {
        self.0.add(a, b)
    }

    #[inline(always)]
    fn sub(self, a: Fe, b: Fe) -> Fe {
        self.0.sub(a, b)
    }
}

/// Evaluates `$body` with `$m: impl Arith` for `$field`, compiled once for
/// 64-bit moduli and once for all others.
macro_rules! with_arith {
    ($field:expr, |$m:ident| $body:expr) => {
        match $field.narrow_arith() {
            Some($m) => $body,
            None => {
                let $m = $field.any_arith();
                $body
            }
        }
    };
}
pub(crate) use with_arith;

/// The largest Blum prime (`p ≡ 3 mod 4`) below `2^bits`, as MPyC chooses
/// field moduli; `bits` must be in `3..=128`.
pub fn blum_prime(bits: u32) -> Result<Field, Error> {
    if !(3..=MAX_MODULUS_BITS).contains(&bits) {
        return Err(Error::InvalidArgument(format!("a field of {bits} bits is not supported (3 to {MAX_MODULUS_BITS} bits)")));
    }
    let mut p = u128::MAX >> (128 - bits); // 2^bits − 1 ≡ 3 (mod 4)
    loop {
        let field = Field::new_odd(p);
        if field.is_prime() {
            return Ok(field);
        }
        p -= 4;
    }
}

/// `a + b mod p` for `a, b < p < 2^128`: the sum may carry out of 128 bits
/// (for `p ≥ 2^127`), and then `s − p`, taken modulo 2^128, is the result.
#[inline]
fn add_mod(a: u128, b: u128, p: u128) -> u128 {
    let (s, carry) = a.overflowing_add(b);
    select_unpredictable(carry | (s >= p), s.wrapping_sub(p), s)
}

/// Montgomery product for `p < 2^64` (`R = 2^64`), `pinv = p^-1 mod 2^64`.
/// Subtractive variant: no carries beyond 128 bits, for any odd `p < 2^64`.
#[inline]
fn mont_narrow(a: u64, b: u64, p: u64, pinv: u64) -> u64 {
    let (lo, hi) = mul_wide(a, b);
    let m = lo.wrapping_mul(pinv);
    let (_, mp_hi) = mul_wide(m, p);
    let (r, borrow) = hi.overflowing_sub(mp_hi);
    select_unpredictable(borrow, r.wrapping_add(p), r)
}

/// `a·b` as its low and high 64-bit halves. Natively the 64×64→128-bit
/// product is one instruction; WebAssembly has none, and there LLVM calls
/// the general 128×128-bit `__multi3` for it (14% of a comparison's time in
/// WebAssembly), so the four 32×32→64-bit products are written out inline.
#[inline(always)]
fn mul_wide(a: u64, b: u64) -> (u64, u64) {
    #[cfg(target_arch = "wasm32")]
    {
        mul_wide_halves(a, b)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let t = u128::from(a) * u128::from(b);
        (t as u64, (t >> 64) as u64)
    }
}

/// [`mul_wide`] from 32-bit halves (schoolbook): `a·b = a1b1·2^64 +
/// (a0b1 + a1b0)·2^32 + a0b0`. `a0b1 + ⌊a0b0 / 2^32⌋ ≤ (2^32 − 1)^2 + 2^32 − 1
/// < 2^64`; adding `a1b0` may carry, into bit 96 of the product.
#[cfg(any(target_arch = "wasm32", test))]
#[inline(always)]
fn mul_wide_halves(a: u64, b: u64) -> (u64, u64) {
    const LOW: u64 = 0xffff_ffff;
    let (a0, a1, b0, b1) = (a & LOW, a >> 32, b & LOW, b >> 32);
    let p00 = a0 * b0;
    let (mid, carry) = (a0 * b1 + (p00 >> 32)).overflowing_add(a1 * b0);
    let lo = mid << 32 | p00 & LOW;
    let hi = a1 * b1 + (mid >> 32) + (u64::from(carry) << 32);
    (lo, hi)
}

/// Montgomery product for `2^64 ≤ p < 2^128` (`R = 2^128`), two-limb CIOS
/// with `n0 = -p^-1 mod 2^64`, for `a, b < p`.
///
/// With `W = 2^64`, each step sets `t ← (t + a·b_i + m·p) / W`; if `t < 2p`
/// before, then `t + a·b_i + m·p < 2p + 2(W − 1)p < 2Wp`, so `t < 2p` after.
/// `t` therefore needs 129 bits when `p ≥ 2^127`: `t2` holds the top bit
/// (and, mid-step, the third limb of `t + a·b_i`, at most `W`). Every
/// product-plus-carries below is at most `(W − 1)^2 + 2(W − 1) = W^2 − 1`,
/// so no `u128` overflows. At the end `t < 2p`, and one conditional
/// subtraction (modulo 2^128 when `t2` is set) leaves `t − p < p`.
#[inline]
fn mont_wide(a: u128, b: u128, p: u128, n0: u64) -> u128 {
    let (a0, a1) = (a as u64 as u128, (a >> 64) as u64 as u128);
    let (p0, p1) = (p as u64 as u128, (p >> 64) as u64 as u128);
    let (mut t0, mut t1, mut t2) = (0u128, 0u128, 0u128);
    for bi in [b as u64 as u128, (b >> 64) as u64 as u128] {
        // t += a * bi
        let x = a0 * bi + t0;
        t0 = x as u64 as u128;
        let x = a1 * bi + t1 + (x >> 64);
        t1 = x as u64 as u128;
        t2 += x >> 64;
        // t = (t + m p) / 2^64
        let m = (t0 as u64).wrapping_mul(n0) as u128;
        let x = m * p0 + t0;
        let x = m * p1 + t1 + (x >> 64);
        t0 = x as u64 as u128;
        let x = t2 + (x >> 64);
        t1 = x as u64 as u128;
        t2 = x >> 64;
    }
    let r = t1 << 64 | t0;
    select_unpredictable((t2 != 0) | (r >= p), r.wrapping_sub(p), r)
}

#[cfg(test)]
mod tests {
    use super::{Fe, Field, blum_prime, mul_wide_halves};
    use chacha20::ChaCha12Rng;
    use proptest::prelude::*;
    use rand_core::{Rng, SeedableRng};

    fn product(a: u64, b: u64) -> (u64, u64) {
        let t = u128::from(a) * u128::from(b);
        (t as u64, (t >> 64) as u64)
    }

    /// The WebAssembly build's 64×64→128-bit product, checked natively
    /// against `u128` at the edges of its halves' carries.
    #[test]
    fn halves_multiply_exactly_at_the_edges() {
        let edges = [0, 1, 2, 0xffff_ffff, 0x1_0000_0000, 0x1_0000_0001, u64::MAX - 1, u64::MAX, 1 << 63, u64::MAX - 188];
        for a in edges {
            for b in edges {
                assert_eq!(mul_wide_halves(a, b), product(a, b), "{a} × {b}");
            }
        }
    }

    proptest! {
        #[test]
        fn halves_multiply_exactly(a: u64, b: u64) {
            prop_assert_eq!(mul_wide_halves(a, b), product(a, b));
        }

        /// Draws in bulk below any bound (`Field::draw_each`, as PRSS draws
        /// bounded values) read exactly the words `random_below` reads one
        /// draw at a time, and a raw draw times `times_raw(c)` is the
        /// element `random_below` gives times `c`.
        #[test]
        fn bulk_draws_below_a_bound_are_the_one_by_one_draws(seed: u64, n in 0usize..200, which in 0usize..3, bits in 0u32..128, offset: u128) {
            let field = [Field::new(11).unwrap(), blum_prime(64).unwrap(), blum_prime(128).unwrap()][which];
            // Powers of two (PRSS's bounds) and any other bound up to p.
            let bound = if offset % 2 == 0 { 1u128 << bits.min(field.bits() - 1) } else { 1 + offset % field.modulus() };
            let c = field.from_u128(offset.rotate_left(7));
            let (mut one, mut bulk) = (ChaCha12Rng::seed_from_u64(seed), ChaCha12Rng::seed_from_u64(seed));
            let expected: Vec<Fe> = (0..n).map(|_| field.mul(field.random_below(&mut one, bound), c)).collect();
            let times = if bound == field.modulus() { c } else { field.times_raw(c) };
            let mut drawn = Vec::new();
            field.draw_each(&mut bulk, n, bound, |k, v| {
                assert_eq!(k, drawn.len());
                drawn.push(field.mul(v, times));
            });
            prop_assert_eq!(drawn, expected);
            prop_assert_eq!(one.next_u64(), bulk.next_u64());
        }
    }
}
