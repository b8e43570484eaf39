//! Integer modulo and division by public values, after MPyC's `_mod`
//! (Guajardo, Mennink and Schoenmakers): Python's floor semantics, so
//! `−50 mod 32 = 14` and `−70 >> 2 = −18`.

use crate::field::{Arith, Fe, Field, with_arith};
use crate::protocols::basic::{RETRIES, opened_bits};
use crate::runtime::{Runtime, SEC_PARAM};
use crate::{Error, Result};

impl Runtime {
    /// `a mod 2^k` (in `[0, 2^k)`) for each `l`-bit signed `a`, `1 ≤ k < l`,
    /// with `r` made of `k` random bits (see [`Runtime::mod_with`]). Random
    /// bits, one opening and a comparison of `k` bits.
    pub(crate) async fn mod_pow2_raw(&self, field: &Field, l: u32, k: u32, a: &[Fe]) -> Result<Vec<Fe>> {
        if k == 0 || k >= l || field.bits() < l + SEC_PARAM + 2 {
            return Err(Error::InvalidArgument(format!("cannot take {l}-bit values modulo 2^{k}: need 1 ≤ k < {l}")));
        }
        // k bits of r and a random sign bit for the comparison, per element
        let bits = self.random_bits_raw(field, a.len() * (k as usize + 1)).await?;
        self.mod_with(field, l, 1 << k, a, &bits).await
    }

    /// Shares of `n` uniformly random values in `[0, b)`, `2 ≤ b < 2^k`
    /// with `k = bitlen(b − 1)`, as rows of `k` bits (least significant
    /// first) followed by one spare random bit. Candidates of `k` random bits
    /// are tested against `b − 1` all at once (Toft's comparison, opened):
    /// about half or more pass; rejected ones reveal nothing about the
    /// accepted. Constant rounds per batch; a batch of `2n + 8` candidates
    /// falls short now and then (for `b` just above a power of two only
    /// about half pass), and then another is drawn for the missing ones, at
    /// most [`RETRIES`] times.
    pub(crate) async fn random_below_bits(&self, field: &Field, b: u128, n: usize) -> Result<Vec<Fe>> {
        let k = (128 - (b - 1).leading_zeros()) as usize;
        let per = k + 2; // value bits, the test's sign bit, a spare bit
        let mut out = Vec::with_capacity(n * (k + 1));
        let mut missing = n;
        for _ in 0..=RETRIES {
            if missing == 0 {
                return Ok(out);
            }
            let candidates = 2 * missing + 8;
            let bits = self.random_bits_raw(field, candidates * per).await?;
            let too_big = self.public_lt_bits(field, &vec![b - 1; candidates], &bits, per, k).await?;
            let too_big = opened_bits(field, &self.open_all(field, &too_big).await?)?;
            for (row, big) in bits.chunks_exact(per).zip(too_big) {
                if missing > 0 && !big {
                    out.extend_from_slice(&row[..k]);
                    out.push(row[k + 1]);
                    missing -= 1;
                }
            }
            if missing > 0 {
                self.rounds_vary();
            }
        }
        if missing > 0 {
            return Err(Error::Inconsistent("random candidates below a bound kept falling short".into()));
        }
        Ok(out)
    }

    /// `a mod b` (in `[0, b)`) for each `l`-bit signed `a` and a public
    /// `2 ≤ b < 2^l` that is not a power of two (see [`Runtime::mod_pow2_raw`]),
    /// with a uniform `r < b` (see [`Runtime::random_below_bits`]).
    pub(crate) async fn mod_public_raw(&self, field: &Field, l: u32, b: u128, a: &[Fe]) -> Result<Vec<Fe>> {
        if b < 2 || b >> l != 0 || field.bits() < l + SEC_PARAM + 2 {
            return Err(Error::InvalidArgument(format!("cannot take {l}-bit values modulo {b}")));
        }
        let bits = self.random_below_bits(field, b, a.len()).await?;
        self.mod_with(field, l, b, a, &bits).await
    }

    /// MPyC's `_mod` given the bits of a uniform `r < b` (rows of
    /// `k = bitlen(b − 1)` bits and a random sign bit): open
    /// `c = a + off − r + b·R` with a `k`-bit mask `R` and `off` the multiple
    /// of `b` just below `2^(l+2)` (so `c` is never negative, and below
    /// `2^(l+2) + 2^(l+k) < p`); with `c' = c mod b`, or `b` when that is 0,
    /// `a mod b = c' + r − b·[r ≥ b − c']`.
    async fn mod_with(&self, field: &Field, l: u32, b: u128, a: &[Fe], bits: &[Fe]) -> Result<Vec<Fe>> {
        let n = a.len();
        if n == 0 {
            return Ok(Vec::new());
        }
        let k = (128 - (b - 1).leading_zeros()) as usize;
        let per = k + 1;
        let mask = self.random_below(field, n, 1 << SEC_PARAM).await?;
        let offset = (1u128 << (l + 2)) - (1u128 << (l + 2)) % b;
        let (offset, b_fe) = (field.from_u128(offset), field.from_u128(b));
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
        // [r ≥ γ] for γ = b − c' in [0, b): 1 when γ = 0, else [γ − 1 < r].
        let gammas: Vec<u128> = c_low.iter().map(|&cl| (b - cl).saturating_sub(1)).collect();
        let above = self.public_lt_bits(field, &gammas, bits, per, k).await?;
        Ok((0..n)
            .map(|e| {
                let z = if c_low[e] == b { field.one() } else { above[e] };
                field.sub(field.add(field.from_u128(c_low[e]), r_mod[e]), field.mul(z, b_fe))
            })
            .collect())
    }
}
