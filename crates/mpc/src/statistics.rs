//! Statistics on secret vectors, with MPyC's formulas and rounding:
//! `mean`, `variance` (sample) and `pvariance` (population), `stdev`,
//! `median` and `covariance`.

use crate::field::Fe;
use crate::secure::{Kind, SecType, SecVec, Value};
use crate::{Error, Result, Runtime};

impl Runtime {
    /// The mean. `secint`: `(Σx + n//2) // n`, rounded half up as MPyC does;
    /// `secfxp`: `Σx · (1/n)` with stochastic rounding.
    pub async fn mean(&self, x: &SecVec) -> Result<SecVec> {
        let n = stat_len(x, 1)?;
        let sum = x.sum();
        match x.ty().kind() {
            Kind::Int => self.floordiv_public(&sum.add_public(Value::Int(n / 2))?, Value::Int(n)).await,
            _ => self.mul_public(&sum, Value::Fixed(1.0 / n as f64)).await,
        }
    }

    /// The sample variance (`n − 1` in the denominator).
    pub async fn variance(&self, x: &SecVec) -> Result<SecVec> {
        self.covariance_with(x, x, 1).await
    }

    /// The population variance (`n` in the denominator).
    pub async fn pvariance(&self, x: &SecVec) -> Result<SecVec> {
        self.covariance_with(x, x, 0).await
    }

    /// The sample covariance of two vectors of the same type and length.
    /// MPyC's test: the covariance of `0..16` and its reverse is −23.
    pub async fn covariance(&self, x: &SecVec, y: &SecVec) -> Result<SecVec> {
        self.covariance_with(x, y, 1).await
    }

    /// `Σ(x−x̄)(y−ȳ) / (n − correction)`. `secint`: exactly as MPyC, with
    /// `y'_i = n·x_i − Σx` and `d = n²(n − correction)`,
    /// `(Σ x'_i y'_i + d//2) // d`. `secfxp`: centred on the means.
    async fn covariance_with(&self, x: &SecVec, y: &SecVec, correction: i128) -> Result<SecVec> {
        let n = stat_len(x, correction + 1)?;
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
                let (mx, my) = (self.mean(x).await?, self.mean(y).await?);
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
        let n = stat_len(x, 1)? as usize;
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

/// The length of a statistics input, which must be at least `min`.
fn stat_len(x: &SecVec, min: i128) -> Result<i128> {
    ty_ordered(x.ty())?;
    let n = x.len() as i128;
    if n < min {
        return Err(Error::InvalidArgument(format!("this statistic needs at least {min} values, got {n}")));
    }
    Ok(n)
}

fn ty_ordered(ty: &SecType) -> Result<()> {
    if ty.kind() == Kind::Fld {
        return Err(Error::Type(format!("statistics are not defined for {ty}")));
    }
    Ok(())
}
