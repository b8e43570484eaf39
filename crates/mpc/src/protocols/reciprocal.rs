//! Reciprocals of secret values: fixed point by normalisation and Newton's
//! method (after MPyC's `_rec`), prime fields exactly.

use crate::field::{Fe, Field};
use crate::runtime::Runtime;
use crate::{Error, Result};

impl Runtime {
    /// `1/x` for fixed-point raw values `X = x·2^f` of `l` bits, `x ≠ 0`,
    /// to within a few units of the last place (MPyC: undefined for 0).
    /// `|X|` is normalised to `Z = |X|·V ∈ [2^(l−1), 2^l)` with
    /// `V = 2^(l−1−p)` for the leading bit `p` (bit decomposition and a
    /// prefix-OR); `z = Z/2^l ∈ [1/2, 1)` gets `y ≈ 1/z` by Newton from
    /// `2.9142 − 2z`; then `1/x = ± y·V / 2^(l−f)`.
    pub(crate) async fn reciprocal_fxp_raw(&self, field: &Field, l: u32, f: u32, x: &[Fe]) -> Result<Vec<Fe>> {
        if f == 0 || f >= l {
            return Err(Error::InvalidArgument(format!("no fixed-point reciprocal for {l} bits with {f} fractional")));
        }
        let n = x.len();
        if n == 0 {
            return Ok(Vec::new());
        }
        let one = field.one();
        // sign and absolute value
        let neg = self.lt_zero_raw(field, l, x).await?;
        let sign: Vec<Fe> = neg.iter().map(|&b| field.sub(one, field.add(b, b))).collect();
        let abs = self.mul_raw(field, x, &sign).await?;
        // q_i = Π_{j ≥ i} (1 − b_j): zero from the leading bit down.
        let bits = self.to_bits_raw(field, l, &abs).await?;
        let lu = l as usize;
        let mut q: Vec<Fe> = bits.iter().flat_map(|row| row.iter().map(|&b| field.sub(one, b))).collect();
        let mut d = 1;
        while d < lu {
            let idx: Vec<usize> = (0..n).flat_map(|e| (0..lu - d).map(move |i| e * lu + i)).collect();
            let left: Vec<Fe> = idx.iter().map(|&k| q[k]).collect();
            let right: Vec<Fe> = idx.iter().map(|&k| q[k + d]).collect();
            let prods = self.mul_raw(field, &left, &right).await?;
            for (&k, p) in idx.iter().zip(prods) {
                q[k] = p;
            }
            d *= 2;
        }
        // leading-one indicator u_i = q_{i+1} − q_i (q_l = 1); V = Σ u_i 2^(l−1−i)
        let v: Vec<Fe> = (0..n)
            .map(|e| {
                (0..lu).fold(field.zero(), |acc, i| {
                    let above = if i + 1 < lu { q[e * lu + i + 1] } else { one };
                    let u = field.sub(above, q[e * lu + i]);
                    field.add(acc, field.mul(u, field.from_u128(1 << (lu - 1 - i))))
                })
            })
            .collect();
        // z = |X|·V / 2^l ∈ [1/2, 1), as a raw fixed-point value
        let z_big = self.mul_raw(field, &abs, &v).await?;
        let z = self.trunc_raw(field, l + 1, l - f, &z_big).await?;
        // Newton: y ← y·(2 − z·y) from y = 2.9142 − 2z; the error squares from about 0.09.
        let scale = |c: f64| field.from_i128((c * 2f64.powi(f as i32)).round() as i128);
        let (two, c0) = (scale(2.0), scale(2.9142));
        let mut y: Vec<Fe> = z.iter().map(|&zi| field.sub(c0, field.add(zi, zi))).collect();
        let mut error = 0.09f64;
        while error > 2f64.powi(-(f as i32) - 1) {
            let zy = self.mul_raw(field, &z, &y).await?;
            let zy = self.trunc_raw(field, l + f, f, &zy).await?;
            let corr: Vec<Fe> = zy.iter().map(|&t| field.sub(two, t)).collect();
            let y2 = self.mul_raw(field, &y, &corr).await?;
            y = self.trunc_raw(field, l + f, f, &y2).await?;
            error *= error;
        }
        // 1/x = sign · y·V / 2^(l−f)
        let yv = self.mul_raw(field, &y, &v).await?;
        let r = self.trunc_raw(field, l + f, l - f, &yv).await?;
        self.mul_raw(field, &r, &sign).await
    }

    /// `1/x` in a prime field: open `x·r` for a random `r` (masked, degree
    /// 2t), invert it publicly, multiply by `r`. One round. A zero opening is
    /// `x = 0` or, with probability `1/p`, `r = 0`: such elements are retried
    /// until a false "division by zero" has probability below 2^-40.
    pub(crate) async fn reciprocal_fld_raw(&self, field: &Field, x: &[Fe]) -> Result<Vec<Fe>> {
        let attempts = 40u32.div_ceil(field.bits() - 1).max(2);
        let mut out = vec![field.zero(); x.len()];
        let mut todo: Vec<usize> = (0..x.len()).collect();
        for _ in 0..attempts {
            if todo.is_empty() {
                break;
            }
            let r = self.random_fe(field, todo.len()).await?;
            let products: Vec<Fe> = todo.iter().zip(&r).map(|(&i, &ri)| field.mul(x[i], ri)).collect();
            let opened = self.open_2t(field, products).await?;
            let mut retry = Vec::new();
            for ((&i, ri), w) in todo.iter().zip(r).zip(opened) {
                match field.inv(w) {
                    Ok(w_inv) => out[i] = field.mul(ri, w_inv),
                    Err(_) => retry.push(i),
                }
            }
            todo = retry;
        }
        if !todo.is_empty() {
            return Err(Error::InvalidArgument("division by zero".into()));
        }
        Ok(out)
    }
}
