//! Pseudorandom secret sharing (PRSS) and pseudorandom zero sharing (PRZS),
//! as MPyC defines them (Cramer, Damgård and Ishai).
//!
//! For every set `S` of `m − t` parties, the lowest member picks a key and
//! sends it to the other members when the session starts. With `f_S` the
//! polynomial of degree `t` with `f_S(0) = 1` and `f_S(x_j) = 0` for every
//! party `j` outside `S`, party `i`'s share of a fresh random value is
//! `Σ_{S ∋ i} PRF_S · f_S(x_i)`: a Shamir sharing of `Σ_S PRF_S` made without
//! any interaction. A zero sharing of degree `2t` is
//! `Σ_{S ∋ i} f_S(x_i) · Σ_{d=1..t} PRF_{S,d} · x_i^d`.
//!
//! `PRF_S` is a ChaCha12 key stream keyed with `S`'s 256-bit key; all members
//! of `S` draw from it in the same order (the program order), so they draw the
//! same values. Field elements are drawn by rejection sampling.

use crate::keystream::KeyStream;
use rand_core::{Rng, SeedableRng};

use crate::field::{Arith, Fe, Field, with_arith};
use crate::shamir::point;

/// Above this many subsets the runtime falls back to interactive randomness.
pub const MAX_SUBSETS: usize = 1024;

/// A PRSS key: 256 bits.
pub type Key = [u8; 32];

/// One party's PRSS state: a key stream for every subset that contains it.
pub struct Prss {
    me: usize,
    m: usize,
    /// Number of subsets in all (not only those containing `me`).
    count: usize,
    /// The subsets containing `me`, with their key streams, in the same order.
    subsets: Vec<(u64, KeyStream)>,
}

/// The subsets of `m − t` parties out of `m`, as bit masks in increasing order.
pub fn subsets(m: usize, t: usize) -> Vec<u64> {
    let mut out = Vec::new();
    let mut s: u64 = (1 << (m - t)) - 1;
    while s < 1 << m {
        out.push(s);
        // Gosper's hack: the next larger mask with the same number of bits.
        let c = s & s.wrapping_neg();
        let r = s + c;
        s = (((r ^ s) >> 2) / c) | r;
    }
    out
}

/// `C(m, t)`, saturating: how many subsets PRSS needs.
pub fn subset_count(m: usize, t: usize) -> usize {
    let mut c: u128 = 1;
    for i in 0..t as u128 {
        c = c * (m as u128 - i) / (i + 1);
        if c > usize::MAX as u128 {
            return usize::MAX;
        }
    }
    c as usize
}

impl Prss {
    /// PRSS state for party `me` from the keys of the subsets that contain it
    /// (`keys` in the order of [`subsets`], filtered to those containing `me`).
    pub fn new(me: usize, m: usize, t: usize, keys: Vec<(u64, Key)>) -> Self {
        let streams = keys.into_iter().map(|(s, k)| (s, KeyStream::from_seed(k))).collect();
        Prss { me, m, count: subset_count(m, t), subsets: streams }
    }

    /// `f_S(x_me)` for every subset containing `me`.
    fn coefficients(&self, field: &Field) -> Vec<Fe> {
        self.subsets.iter().map(|&(s, _)| self.subset_coefficient(field, s)).collect()
    }

    /// Shares of `n` random values. With `bound`, each value lies in
    /// `[0, bound)` (each subset contributes below `bound / #subsets`, rounded
    /// down to a power of two, as MPyC does); otherwise uniform in the field.
    pub fn random(&mut self, field: &Field, n: usize, bound: Option<u128>) -> Vec<Fe> {
        let per_subset = match bound {
            None => field.modulus(),
            Some(b) => {
                let q = (b / self.count as u128).max(1);
                1u128 << (127 - q.leading_zeros())
            }
        };
        let coeffs = self.coefficients(field);
        let mut out = vec![field.zero(); n];
        let uniform = per_subset == field.modulus();
        with_arith!(field, |a| for ((_, stream), c) in self.subsets.iter_mut().zip(coeffs) {
            // The values of `random_below`, drawn in bulk.
            let c = if uniform { c } else { field.times_raw(c) };
            field.draw_blocks(stream, n, per_subset, &mut |start, block| {
                for (o, &r) in out[start..].iter_mut().zip(block) {
                    *o = a.add(*o, a.mul(r, c));
                }
            });
        });
        out
    }

    /// `n` random bits from the stream of every subset containing this
    /// party, in the order of [`subsets`]: bit `ρ_S` is known to exactly the
    /// members of `S`.
    pub fn subset_bits(&mut self, n: usize) -> Vec<(u64, Vec<bool>)> {
        self.subsets
            .iter_mut()
            .map(|(s, stream)| {
                let mut bits = Vec::with_capacity(n);
                while bits.len() < n {
                    let word = stream.next_u64();
                    bits.extend((0..64.min(n - bits.len())).map(|i| word >> i & 1 == 1));
                }
                (*s, bits)
            })
            .collect()
    }

    /// `n` uniformly random field elements from the stream of `subset`, which
    /// its members draw alike; `None` if this party is not a member.
    pub fn subset_random(&mut self, field: &Field, subset: u64, n: usize) -> Option<Vec<Fe>> {
        let (_, stream) = self.subsets.iter_mut().find(|(s, _)| *s == subset)?;
        Some(field.random_vec(stream, n))
    }

    /// A uniformly random permutation of `0..n` from the stream of every
    /// subset containing this party, in the order of [`subsets`]:
    /// permutation `π_S` is known to exactly the members of `S`.
    /// Fisher–Yates, with unbiased draws by rejection.
    pub fn subset_permutations(&mut self, n: usize) -> Vec<(u64, Vec<usize>)> {
        self.subsets
            .iter_mut()
            .map(|(s, stream)| {
                let mut perm: Vec<usize> = (0..n).collect();
                for i in (1..n).rev() {
                    perm.swap(i, below(stream, i as u64 + 1) as usize);
                }
                (*s, perm)
            })
            .collect()
    }

    /// This party's share of a value known to the members of `subset`,
    /// per unit: `f_S(x_me)` (0 if this party is not in `S`).
    pub fn subset_coefficient(&self, field: &Field, subset: u64) -> Fe {
        if subset >> self.me & 1 == 0 {
            return field.zero();
        }
        let xi = point(field, self.me);
        let (mut num, mut den) = (field.one(), field.one());
        for j in (0..self.m).filter(|j| subset >> j & 1 == 0) {
            let xj = point(field, j);
            num = field.mul(num, field.sub(xj, xi));
            den = field.mul(den, xj);
        }
        field.mul(num, field.inv(den).expect("points are nonzero"))
    }

    /// Shares of `n` zeros, of degree `2t`.
    pub fn zero(&mut self, field: &Field, n: usize, t: usize) -> Vec<Fe> {
        let xi = point(field, self.me);
        let coeffs = self.coefficients(field);
        let mut out = vec![field.zero(); n];
        with_arith!(field, |a| for ((_, stream), c) in self.subsets.iter_mut().zip(coeffs) {
            // f_S(x_i) · Σ_{d=1..t} r_d x_i^(t+1−d), with r_1 … r_t drawn in
            // that order: `weights[d]` is f_S(x_i) · x_i^(t−d), so each draw
            // costs one product.
            let mut weights = vec![a.mul(c, xi); t];
            for d in (0..t.saturating_sub(1)).rev() {
                weights[d] = a.mul(weights[d + 1], xi);
            }
            // Element k's draws are draws k·t … k·t + t − 1, in bulk.
            let (mut k, mut d) = (0, 0);
            field.draw_each(stream, n * t, field.modulus(), |_, r| {
                out[k] = a.add(out[k], a.mul(r, weights[d]));
                d += 1;
                if d == t {
                    (k, d) = (k + 1, 0);
                }
            });
        });
        out
    }
}

/// A uniform draw from `[0, bound)`, `bound ≥ 1`: the low bits of 64-bit
/// words, rejected when at or above `bound`.
fn below(stream: &mut KeyStream, bound: u64) -> u64 {
    let mask = u64::MAX >> (bound - 1).leading_zeros().min(63);
    loop {
        let v = stream.next_u64() & mask;
        if v < bound {
            return v;
        }
    }
}
