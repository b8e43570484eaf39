//! Truncation: dividing shared values by a public power of two, with MPyC's
//! unbiased stochastic rounding.

use crate::field::{Fe, Field};
use crate::protocols::basic::Bits;
use crate::runtime::{Runtime, SEC_PARAM};
use crate::{Error, Result};

impl Runtime {
    /// Shares of `⌊x / 2^f⌋ + B` for each `x` in `[-2^(l−1), 2^(l−1))`, where
    /// `B = 1` with probability `(x mod 2^f) / 2^f` (exact when `2^f | x`):
    /// open `x + r + 2^(l−1) + 2^f·q` with `f` random bits `r` and a
    /// `(k + l − f)`-bit mask `q`, then `(x + r − (c mod 2^f)) / 2^f`.
    /// Random bits plus one opening: two rounds.
    pub(crate) async fn trunc_raw(&self, field: &Field, l: u32, f: u32, x: &[Fe]) -> Result<Vec<Fe>> {
        if f == 0 || x.is_empty() {
            return Ok(x.to_vec());
        }
        check_trunc(field, l, f)?;
        let bits = self.random_bits_started(field, x.len() * f as usize).await?;
        self.trunc_with(field, l, f, x, bits).await
    }

    /// [`Runtime::trunc_raw`] of the values `x` will give, its random bits
    /// dealt in `x`'s rounds: for `x` a product, a fixed-point
    /// multiplication in two rounds rather than three.
    pub(crate) async fn trunc_of(
        &self,
        field: &Field,
        l: u32,
        f: u32,
        n: usize,
        x: impl Future<Output = Result<Vec<Fe>>>,
    ) -> Result<Vec<Fe>> {
        if f == 0 || n == 0 {
            return x.await;
        }
        check_trunc(field, l, f)?;
        let (x, bits) = futures_util::future::try_join(x, self.random_bits_started(field, n * f as usize)).await?;
        if x.len() != n {
            return Err(Error::Internal("a truncation given a different number of values than announced".into()));
        }
        self.trunc_with(field, l, f, &x, bits).await
    }

    /// The truncation's opening and result, from bits already started: one round.
    async fn trunc_with(&self, field: &Field, l: u32, f: u32, x: &[Fe], bits: Bits) -> Result<Vec<Fe>> {
        let n = x.len();
        let q = self.random_below(field, n, 1 << (SEC_PARAM + l - f)).await?;
        let (offset, two_f) = (field.from_u128(1 << (l - 1)), field.from_u128(1 << f));
        let base: Vec<Fe> = x.iter().zip(&q).map(|(&xi, &qi)| field.add(field.add(xi, offset), field.mul(qi, two_f))).collect();
        let (c, bits) = self.open_with_bits(field, &base, bits, f as usize, f as usize, false).await?;
        let v: Vec<Fe> = bits
            .chunks_exact(f as usize)
            .zip(x)
            .map(|(row, &xi)| field.add(xi, row.iter().rev().fold(field.zero(), |acc, &b| field.add(field.add(acc, acc), b))))
            .collect();
        let inv_two_f = field.inv(two_f)?;
        let low = (1u128 << f) - 1;
        Ok(v.iter().zip(c).map(|(&vi, ci)| field.mul(field.sub(vi, field.from_u128(field.to_u128(ci) & low)), inv_two_f)).collect())
    }
}

/// Fails unless `0 < f < l` and the field has room for the mask.
fn check_trunc(field: &Field, l: u32, f: u32) -> Result<()> {
    if f >= l || field.bits() < l + SEC_PARAM + 2 {
        return Err(Error::InvalidArgument(format!("cannot truncate {f} bits of {l}-bit values in a {}-bit field", field.bits())));
    }
    Ok(())
}
