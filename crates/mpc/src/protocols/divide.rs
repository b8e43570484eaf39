//! Integer modulo and division by public powers of two, after MPyC's `_mod`
//! (Guajardo, Mennink and Schoenmakers): Python's floor semantics, so
//! `−50 mod 32 = 14` and `−70 >> 2 = −18`.

use crate::field::{Arith, Fe, Field, with_arith};
use crate::runtime::{Runtime, SEC_PARAM};
use crate::{Error, Result};

impl Runtime {
    /// `a mod 2^k` (in `[0, 2^k)`) for each `l`-bit signed `a`, `1 ≤ k < l`:
    /// with `k` random bits `r` and a `k`-bit mask `R`, open
    /// `c = a + 2^(l+1) + 2^k·R − r` (never negative); with `c' = c mod 2^k`,
    /// or `2^k` when that is 0, `a mod 2^k = c' + r − 2^k·[r ≥ 2^k − c']`.
    /// Random bits, one opening and a comparison of `k` bits.
    pub(crate) async fn mod_pow2_raw(&self, field: &Field, l: u32, k: u32, a: &[Fe]) -> Result<Vec<Fe>> {
        if k == 0 || k >= l || field.bits() < l + SEC_PARAM + 2 {
            return Err(Error::InvalidArgument(format!("cannot take {l}-bit values modulo 2^{k}: need 1 ≤ k < {l}")));
        }
        let n = a.len();
        if n == 0 {
            return Ok(Vec::new());
        }
        let (per, k) = (k as usize + 1, k as usize); // k bits and a random sign bit
        let bits = self.random_bits_raw(field, n * per).await?;
        let mask = self.random_below(field, n, 1 << SEC_PARAM).await?;
        let (b, offset) = (1u128 << k, field.from_u128(1 << (l + 1)));
        let b_fe = field.from_u128(b);
        let r_mod: Vec<Fe> = with_arith!(field, |ar| bits
            .chunks_exact(per)
            .map(|row| row[..k].iter().rev().fold(field.zero(), |acc, &x| ar.add(ar.add(acc, acc), x)))
            .collect());
        let masked: Vec<Fe> =
            with_arith!(field, |ar| (0..n).map(|e| ar.sub(ar.add(ar.add(a[e], offset), ar.mul(b_fe, mask[e])), r_mod[e])).collect());
        let c = self.open_all(field, &masked).await?;
        let c_low: Vec<u128> = c
            .iter()
            .map(|&v| match field.to_u128(v) % b {
                0 => b,
                low => low,
            })
            .collect();
        // [r ≥ γ] for γ = 2^k − c' in [0, 2^k): 1 when γ = 0, else [γ − 1 < r].
        let gammas: Vec<u128> = c_low.iter().map(|&cl| (b - cl).saturating_sub(1)).collect();
        let above = self.public_lt_bits(field, &gammas, &bits, per, k).await?;
        Ok((0..n)
            .map(|e| {
                let z = if c_low[e] == b { field.one() } else { above[e] };
                field.sub(field.add(field.from_u128(c_low[e]), r_mod[e]), field.mul(z, b_fe))
            })
            .collect())
    }
}
