//! Statistics on secret vectors, with MPyC's formulas and rounding:
//! `mean`, `variance` (sample) and `pvariance` (population), `stdev`,
//! `median`, `mode` and `covariance`.

use crate::field::Fe;
use crate::secure::{Kind, SecType, SecVec, Value};
use crate::{Error, Result, Runtime, SEC_PARAM};

/// A statistic of [`Runtime`]'s, for [`check_statistic`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Statistic {
    /// [`Runtime::mean`].
    Mean,
    /// [`Runtime::median`].
    Median,
    /// [`Runtime::variance`].
    Variance,
    /// [`Runtime::pvariance`].
    Pvariance,
    /// [`Runtime::stdev`].
    Stdev,
    /// [`Runtime::covariance`].
    Covariance,
    /// [`Runtime::mode`].
    Mode,
}

/// The most values [`Runtime::mode`] takes: it compares every pair, so
/// 512 values make 130,816 equality tests.
pub const MODE_MAX_VALUES: usize = 512;

/// Checks, before anything runs, that `stat` of `n` values of `ty` can be
/// computed; the statistic itself checks the same. It needs an ordered type,
/// enough values (two for the sample statistics), and for `secint(l)` a
/// public divisor below `2^l`, as every `//` by a public number: `n` for the
/// mean, 2 for the median of an even count, `n²(n − 1)` for the sample
/// variance, standard deviation and covariance, `n³` for the population
/// variance. The mode takes at most [`MODE_MAX_VALUES`] values, and a
/// field that compares counts up to `n` (for `secint(l)`, `n < 2^l`).
pub fn check_statistic(ty: &SecType, stat: Statistic, n: usize) -> Result<()> {
    ty_ordered(ty)?;
    let least = match stat {
        Statistic::Variance | Statistic::Stdev | Statistic::Covariance => 2,
        _ => 1,
    };
    if n < least {
        return Err(Error::InvalidArgument(format!("this statistic needs at least {least} values, got {n}")));
    }
    if stat == Statistic::Mode {
        if n > MODE_MAX_VALUES {
            return Err(Error::InvalidArgument(format!(
                "the mode compares every pair of values: at most {MODE_MAX_VALUES} values, not {n}"
            )));
        }
        // The counts, up to n, are compared in the values' field.
        let c = usize::BITS - n.leading_zeros();
        if c + SEC_PARAM + 2 > ty.field().bits() {
            return Err(Error::InvalidArgument(format!(
                "the mode of {n} values compares counts up to {n}, which {ty}'s field cannot: use more bits or fewer values"
            )));
        }
        return Ok(());
    }
    if ty.kind() != Kind::Int {
        return Ok(());
    }
    let n = n as u128;
    let divisor = match stat {
        Statistic::Mean => Some(n),
        Statistic::Median => Some(if n.is_multiple_of(2) { 2 } else { 1 }),
        Statistic::Variance | Statistic::Stdev | Statistic::Covariance => n.checked_mul(n).and_then(|s| s.checked_mul(n - 1)),
        Statistic::Pvariance => n.checked_mul(n).and_then(|s| s.checked_mul(n)),
        Statistic::Mode => None,
    };
    let l = ty.bits();
    match divisor {
        Some(d) if d >> l == 0 => Ok(()),
        _ => {
            let what = match stat {
                Statistic::Mean => format!("the mean of {n} values divides by {n}"),
                Statistic::Median => "the median of an even count divides by 2".to_string(),
                Statistic::Pvariance => format!("the population variance of {n} values divides by n³"),
                _ => format!("this statistic of {n} values divides by n²(n − 1)"),
            };
            Err(Error::InvalidArgument(format!("{what}, but a divisor of {ty} must be below 2^{l}: use more bits or fewer values")))
        }
    }
}

impl Runtime {
    /// The mean, as MPyC's `statistics.mean`. `secint`: `(Σx + n//2) // n`,
    /// rounded half up. `secfxp`: `Σx · (2^e/n) · 2^−e` with
    /// `e = ⌊log2 n⌋`, so the public factor `2^e/n` lies in `(1/2, 1]` and
    /// keeps all `f` fractional bits; each product rounds stochastically.
    /// (The second product is a truncation of `e` bits. MPyC writes it as a
    /// product by the constant `2^−e`, which rounds to 0 in `f` bits once
    /// `e > f`; here it stays a truncation of `e` bits, and for
    /// `n ≥ 2^(l+f)`, where a mean whose sum fits is below `2^−f`, `e` is
    /// capped at `l + f − 1`.)
    pub async fn mean(&self, x: &SecVec) -> Result<SecVec> {
        check_statistic(x.ty(), Statistic::Mean, x.len())?;
        let n = x.len();
        let sum = x.sum();
        let ty = *x.ty();
        match ty.kind() {
            Kind::Int => self.floordiv_public(&sum.add_public(Value::Int(n as i128 / 2))?, Value::Int(n as i128)).await,
            _ => {
                let (l, f) = (ty.bits(), ty.frac());
                let e = n.ilog2().min(l + f - 1);
                let scaled = self.mul_public(&sum, Value::Fixed(2f64.powi(e as i32) / n as f64)).await?;
                if e <= f {
                    self.mul_public(&scaled, Value::Fixed(2f64.powi(-(e as i32)))).await
                } else {
                    let shares = self.trunc_raw(ty.field(), l + f, e, scaled.shares()).await?;
                    Ok(SecVec::from_shares(ty, shares))
                }
            }
        }
    }

    /// The sample variance (`n − 1` in the denominator).
    pub async fn variance(&self, x: &SecVec) -> Result<SecVec> {
        check_statistic(x.ty(), Statistic::Variance, x.len())?;
        self.covariance_with(x, x, 1, true).await
    }

    /// The population variance (`n` in the denominator).
    pub async fn pvariance(&self, x: &SecVec) -> Result<SecVec> {
        check_statistic(x.ty(), Statistic::Pvariance, x.len())?;
        self.covariance_with(x, x, 0, true).await
    }

    /// The sample covariance of two vectors of the same type and length.
    /// MPyC's test: the covariance of `0..16` and its reverse is −23.
    pub async fn covariance(&self, x: &SecVec, y: &SecVec) -> Result<SecVec> {
        check_statistic(x.ty(), Statistic::Covariance, x.len())?;
        self.covariance_with(x, y, 1, false).await
    }

    /// `Σ(x−x̄)(y−ȳ) / (n − correction)`. `secint`: exactly as MPyC, with
    /// `y'_i = n·x_i − Σx` and `d = n²(n − correction)`,
    /// `(Σ x'_i y'_i + d//2) // d`. `secfxp`: centred on the means, then
    /// times `1/(n − correction)`; as MPyC, the variances centre on
    /// [`Runtime::mean`] (`by_mean`) and the covariance on `Σx · (1/n)`.
    async fn covariance_with(&self, x: &SecVec, y: &SecVec, correction: i128, by_mean: bool) -> Result<SecVec> {
        let n = x.len() as i128;
        if y.len() != x.len() {
            return Err(Error::InvalidArgument(format!("covariance of vectors of lengths {} and {}", x.len(), y.len())));
        }
        match x.ty().kind() {
            Kind::Int => {
                let centre = |v: &SecVec| -> Result<SecVec> {
                    let sum = v.sum();
                    let shares = v.mul_int(n).shares().iter().map(|&s| v.ty().field().sub(s, sum.shares()[0])).collect();
                    Ok(SecVec::from_shares(*v.ty(), shares))
                };
                let d = n * n * (n - correction);
                let dot = self.inner(&centre(x)?, &centre(y)?).await?;
                self.floordiv_public(&dot.add_public(Value::Int(d / 2))?, Value::Int(d)).await
            }
            _ => {
                let (mx, my) = if by_mean {
                    (self.mean(x).await?, self.mean(y).await?)
                } else {
                    let inv_n = Value::Fixed(1.0 / n as f64);
                    (self.mul_public(&x.sum(), inv_n).await?, self.mul_public(&y.sum(), inv_n).await?)
                };
                let centred = |v: &SecVec, m: &SecVec| -> Result<SecVec> {
                    let shares = v.shares().iter().map(|&s| v.ty().field().sub(s, m.shares()[0])).collect();
                    Ok(SecVec::from_shares(*v.ty(), shares))
                };
                let dot = self.inner(&centred(x, &mx)?, &centred(y, &my)?).await?;
                self.mul_public(&dot, Value::Fixed(1.0 / (n - correction) as f64)).await
            }
        }
    }

    /// The sample standard deviation: `⌊√variance⌋` for `secint`, the square
    /// root rounded down to `f` fractional bits for `secfxp`.
    pub async fn stdev(&self, x: &SecVec) -> Result<SecVec> {
        let var = self.variance(x).await?;
        self.sqrt(&var).await
    }

    /// `⌊√a⌋` (`secint`) or `√a` rounded down to the type's precision
    /// (`secfxp`) for `a ≥ 0`, bit by bit from the top: one comparison and
    /// one selection per result bit.
    pub async fn sqrt(&self, a: &SecVec) -> Result<SecVec> {
        let ty = *a.ty();
        ty_ordered(&ty)?;
        let field = *ty.field();
        let (frac, l) = (ty.frac(), ty.bits());
        // Search Y with Y² ≤ target, where target = a·2^f (so Y = √a · 2^f in
        // fixed point). Y² and the target stay below 2^(l+f), which the
        // field can compare; Y < 2^(e+1).
        let width = l + frac;
        let e = (width - 2) / 2;
        let scale = field.from_u128(1 << frac);
        let target: Vec<Fe> = a.shares().iter().map(|&s| field.mul(s, scale)).collect();
        let n = a.len();
        let (mut r, mut r2) = (vec![field.zero(); n], vec![field.zero(); n]);
        for bit in (0..=e).rev() {
            let j = field.from_u128(1 << bit);
            let j2 = field.from_u128(1 << (2 * bit));
            // h = r + j, h² = r² + 2rj + j² (j public: local)
            let h: Vec<Fe> = r.iter().map(|&ri| field.add(ri, j)).collect();
            let h2: Vec<Fe> = r.iter().zip(&r2).map(|(&ri, &r2i)| field.add(field.add(r2i, field.mul(field.add(ri, ri), j)), j2)).collect();
            // keep h when h² ≤ target, i.e. not [target < h²]
            let diff: Vec<Fe> = target.iter().zip(&h2).map(|(&t, &h2i)| field.sub(t, h2i)).collect();
            let below = self.lt_zero_raw(&field, width, &diff).await?;
            let keep: Vec<Fe> = below.iter().map(|&b| field.sub(field.one(), b)).collect();
            let dr: Vec<Fe> = h.iter().zip(&r).map(|(&hi, &ri)| field.sub(hi, ri)).collect();
            let dr2: Vec<Fe> = h2.iter().zip(&r2).map(|(&hi, &ri)| field.sub(hi, ri)).collect();
            let both = self.mul_raw(&field, &[&keep[..], &keep[..]].concat(), &[dr, dr2].concat()).await?;
            for i in 0..n {
                r[i] = field.add(r[i], both[i]);
                r2[i] = field.add(r2[i], both[n + i]);
            }
        }
        Ok(SecVec::from_shares(ty, r))
    }

    /// The median: the middle element in sorted order, or for an even count
    /// the mean of the two middle ones (`//2` for `secint`, as MPyC).
    pub async fn median(&self, x: &SecVec) -> Result<SecVec> {
        check_statistic(x.ty(), Statistic::Median, x.len())?;
        let n = x.len();
        let sorted = self.sort(x, false).await?;
        if n % 2 == 1 {
            return sorted.select(&[n / 2]);
        }
        let pair = sorted.select(&[n / 2 - 1])?.add(&sorted.select(&[n / 2])?)?;
        match x.ty().kind() {
            Kind::Int => self.floordiv_public(&pair, Value::Int(2)).await,
            _ => self.mul_public(&pair, Value::Fixed(0.5)).await,
        }
    }
}

impl Runtime {
    /// The mode, as MPyC's `statistics.mode` of `secint` and `secfxp`
    /// values: the most common value, and on a tie the least of the most
    /// common ones (MPyC takes the first maximum of the counts of
    /// `min(x), min(x) + 1, …`, whatever its docstring says). MPyC opens the
    /// bit length of `max(x) − min(x)` (when above 5) to size its unit
    /// vectors, and needs whole numbers; here nothing is opened and any
    /// values work: every pair is tested for equality (`n(n − 1)/2` tests
    /// side by side, at most [`MODE_MAX_VALUES`] values), giving each
    /// element's count; a knock-out of the counts (⌈log2 n⌉-bit values)
    /// finds the greatest, the elements with that count are kept (the others
    /// replaced by the type's largest value) and a second knock-out finds
    /// the least of them.
    pub async fn mode(&self, x: &SecVec) -> Result<SecVec> {
        check_statistic(x.ty(), Statistic::Mode, x.len())?;
        let (ty, n) = (*x.ty(), x.len());
        if n == 1 {
            return Ok(x.clone());
        }
        let field = *ty.field();
        let s = x.shares();
        let diffs: Vec<Fe> = (0..n).flat_map(|i| (i + 1..n).map(move |j| (i, j))).map(|(i, j)| field.sub(s[i], s[j])).collect();
        let equal = self.is_zero_raw(&ty, &diffs).await?;
        let mut counts = vec![field.one(); n];
        let pairs = (0..n).flat_map(|i| (i + 1..n).map(move |j| (i, j)));
        for ((i, j), &q) in pairs.zip(&equal) {
            counts[i] = field.add(counts[i], q);
            counts[j] = field.add(counts[j], q);
        }
        // Counts lie in [1, n]: their differences in (−2^c, 2^c).
        let c = usize::BITS - n.leading_zeros();
        let (top, _) = self.tournament_raw(&field, c, counts.clone(), Vec::new(), true).await?;
        let off: Vec<Fe> = counts.iter().map(|&k| field.sub(k, top)).collect();
        let is_mode = self.eq_zero_raw(&field, c, &off).await?;
        let largest = field.from_u128((1u128 << (ty.bits() - 1)) - 1);
        let gap: Vec<Fe> = s.iter().map(|&v| field.sub(v, largest)).collect();
        let kept = self.mul_raw(&field, &is_mode, &gap).await?;
        let candidates = kept.into_iter().map(|k| field.add(largest, k)).collect();
        let (least, _) = self.tournament_raw(&field, ty.bits(), candidates, Vec::new(), false).await?;
        Ok(SecVec::from_shares(ty, vec![least]))
    }
}

fn ty_ordered(ty: &SecType) -> Result<()> {
    if ty.kind() == Kind::Fld {
        return Err(Error::Type(format!("statistics are not defined for {ty}")));
    }
    Ok(())
}
