//! Secure gcd, lcm and modular inverse of integers, after MPyC's `gcp2`,
//! `_gcd`, `_divsteps` and `inverse`: Bernstein and Yang's constant-time
//! divstep iteration, without 2-adic arithmetic, in `⌊(49l + 80)/17⌋`
//! iterations (`57` for `l ≥ 46`) for `l`-bit values.

use futures_util::future::try_join;

use crate::field::{Fe, Field};
use crate::runtime::Runtime;
use crate::{Error, Result};

/// MPyC's `_iterations(l)`: divsteps enough for `l`-bit integers.
pub(crate) fn iterations(l: u32) -> u32 {
    (49 * l + if l < 46 { 80 } else { 57 }) / 17
}

/// Bits needed for `n ≥ 0` (Python's `int.bit_length`).
fn bit_length(n: u32) -> u32 {
    32 - n.leading_zeros()
}

impl Runtime {
    /// `c ? a : b` for each pair `(a, b)`, all with the same 0/1 vector `c`:
    /// one multiplication round for all pairs.
    async fn select_raw(&self, field: &Field, c: &[Fe], pairs: &[(&[Fe], &[Fe])]) -> Result<Vec<Vec<Fe>>> {
        let n = c.len();
        if pairs.iter().any(|(a, b)| a.len() != n || b.len() != n) {
            return Err(Error::Internal("select of vectors of different lengths".into()));
        }
        let cs = c.repeat(pairs.len());
        let diffs: Vec<Fe> = pairs.iter().flat_map(|(a, b)| a.iter().zip(b.iter()).map(|(&x, &y)| field.sub(x, y))).collect();
        let d = self.mul_raw(field, &cs, &diffs).await?;
        Ok(pairs
            .iter()
            .enumerate()
            .map(|(k, (_, b))| b.iter().zip(&d[k * n..(k + 1) * n]).map(|(&y, &e)| field.add(y, e)).collect())
            .collect())
    }

    /// MPyC's `gcp2`: `2^v` and `2^-v` for `v` the number of trailing zero
    /// bits common to `a` and `b` (`2^l` when both are 0). The bits of both
    /// (one bit decomposition), their bitwise or, and a prefix product of
    /// `1 − z_i` (⌈log2 l⌉ rounds) that marks the first 1.
    async fn gcp2_raw(&self, field: &Field, l: u32, a: &[Fe], b: &[Fe]) -> Result<(Vec<Fe>, Vec<Fe>)> {
        let n = a.len();
        let rows = self.to_bits_raw(field, l, &[a, b].concat()).await?;
        let (l, one) = (l as usize, field.one());
        let xs: Vec<Fe> = rows[..n].concat();
        let ys: Vec<Fe> = rows[n..].concat();
        let xy = self.mul_raw(field, &xs, &ys).await?;
        // w[e][i] = 1 − z_i, then prefix products: w[e][i] = Π_{j ≤ i} (1 − z_j).
        let mut w: Vec<Fe> = (0..n * l).map(|i| field.sub(one, field.sub(field.add(xs[i], ys[i]), xy[i]))).collect();
        let mut d = 1;
        while d < l {
            let idx: Vec<usize> = (0..n).flat_map(|e| (d..l).map(move |i| e * l + i)).collect();
            let left: Vec<Fe> = idx.iter().map(|&k| w[k]).collect();
            let right: Vec<Fe> = idx.iter().map(|&k| w[k - d]).collect();
            let p = self.mul_raw(field, &left, &right).await?;
            for (&k, v) in idx.iter().zip(p) {
                w[k] = v;
            }
            d *= 2;
        }
        let (two, half) = (field.from_u128(2), field.inv(field.from_u128(2))?);
        let mut pow = Vec::with_capacity(n);
        let mut inv = Vec::with_capacity(n);
        for e in 0..n {
            let (mut p, mut q, mut before) = (field.zero(), field.zero(), one);
            let (mut s, mut t) = (one, one);
            for i in 0..l {
                let after = w[e * l + i];
                let first = field.sub(before, after); // 1 exactly at the first 1
                p = field.add(p, field.mul(s, first));
                q = field.add(q, field.mul(t, first));
                before = after;
                s = field.mul(s, two);
                t = field.mul(t, half);
            }
            pow.push(field.add(p, field.mul(s, before)));
            inv.push(field.add(q, field.mul(t, before)));
        }
        Ok((pow, inv))
    }

    /// `[δ > 0]` at divstep `i`, as MPyC: `1 − [(δ − 1 − i mod 2)/2 < 0]` on
    /// `bitlen(min(i, l))`-bit values (at least 1), since `|δ − 1| ≤ min(i, l)`
    /// and `δ − 1 ≡ i (mod 2)`; together with `g mod 2`.
    async fn divstep_tests(&self, field: &Field, l: u32, i: u32, delta: &[Fe], g: &[Fe]) -> Result<(Vec<Fe>, Vec<Fe>)> {
        let half = field.inv(field.from_u128(2))?;
        let shift = field.from_u128(1 + u128::from(i % 2));
        let x: Vec<Fe> = delta.iter().map(|&d| field.mul(field.sub(d, shift), half)).collect();
        let bits = bit_length(i.min(l)).max(1);
        let (lt, g0) = try_join(self.lt_zero_raw(field, bits, &x), self.mod_pow2_raw(field, l, 1, g)).await?;
        Ok((lt.into_iter().map(|b| field.sub(field.one(), b)).collect(), g0))
    }

    /// MPyC's `_gcd` without its final `abs`: `±gcd(a, b)` for `l`-bit `a`, `b`.
    pub(crate) async fn gcd_signed_raw(&self, field: &Field, l: u32, a: &[Fe], b: &[Fe]) -> Result<Vec<Fe>> {
        check_gcd_bits(field, l)?;
        let n = a.len();
        let (pow, inv) = self.gcp2_raw(field, l, a, b).await?;
        // a, b = scalar_mul(1/pow_of_2, [a, b]): one round.
        let ab = self.mul_raw(field, &inv.repeat(2), &[a, b].concat()).await?;
        let (a, b) = ab.split_at(n);
        // g, f = (a % 2).if_swap(a, b): f is odd (or f = g = 0).
        let a0 = self.mod_pow2_raw(field, l, 1, a).await?;
        let s = self.select_raw(field, &a0, &[(b, a), (a, b)]).await?;
        let (mut g, mut f) = (s[0].clone(), s[1].clone());
        let mut delta = vec![field.one(); n];
        let half = field.inv(field.from_u128(2))?;
        for i in 0..iterations(l) {
            let (gt0, g0) = self.divstep_tests(field, l, i, &delta, &g).await?;
            let c = self.mul_raw(field, &gt0, &g0).await?;
            let neg_delta: Vec<Fe> = delta.iter().map(|&x| field.neg(x)).collect();
            let neg_f: Vec<Fe> = f.iter().map(|&x| field.neg(x)).collect();
            let s = self.select_raw(field, &c, &[(&neg_delta, &delta), (&g, &f), (&neg_f, &g)]).await?;
            let [d, f2, g2] = <[Vec<Fe>; 3]>::try_from(s).map_err(|_| Error::Internal("select".into()))?;
            let g0f = self.mul_raw(field, &g0, &f2).await?;
            delta = d.into_iter().map(|x| field.add(x, field.one())).collect();
            g = g2.iter().zip(&g0f).map(|(&x, &y)| field.mul(field.add(x, y), half)).collect();
            f = f2;
        }
        self.mul_raw(field, &pow, &f).await
    }

    /// MPyC's `_divsteps(a, b)` for odd `a` (or `a = b = 0`): `f = ±gcd(a, b)`
    /// and `v` with `f = u·a + v·b` for some `u`.
    async fn divsteps_raw(&self, field: &Field, l: u32, a: &[Fe], b: &[Fe]) -> Result<(Vec<Fe>, Vec<Fe>)> {
        let n = a.len();
        let (mut delta, mut f, mut v, mut g, mut r) =
            (vec![field.one(); n], a.to_vec(), vec![field.zero(); n], b.to_vec(), vec![field.one(); n]);
        let half = field.inv(field.from_u128(2))?;
        let neg = |x: &[Fe]| -> Vec<Fe> { x.iter().map(|&y| field.neg(y)).collect() };
        let add = |x: &[Fe], y: &[Fe]| -> Vec<Fe> { x.iter().zip(y).map(|(&p, &q)| field.add(p, q)).collect() };
        for i in 0..iterations(l) {
            let (gt0, g0) = self.divstep_tests(field, l, i, &delta, &g).await?;
            let c = self.mul_raw(field, &gt0, &g0).await?;
            let (nd, nf, nv) = (neg(&delta), neg(&f), neg(&v));
            let s = self.select_raw(field, &c, &[(&nd, &delta), (&g, &f), (&r, &v), (&nf, &g), (&nv, &r)]).await?;
            let [d2, f2, v2, g2, r2] = <[Vec<Fe>; 5]>::try_from(s).map_err(|_| Error::Internal("select".into()))?;
            let (gf, rv) = (add(&g2, &f2), add(&r2, &v2));
            let s = self.select_raw(field, &g0, &[(&gf, &g2), (&rv, &r2)]).await?;
            let [g3, r3] = <[Vec<Fe>; 2]>::try_from(s).map_err(|_| Error::Internal("select".into()))?;
            let r0 = self.mod_pow2_raw(field, l, 1, &r3).await?;
            let ra = add(&r3, a);
            let r4 = self.select_raw(field, &r0, &[(&ra, &r3)]).await?.remove(0);
            delta = d2.into_iter().map(|x| field.add(x, field.one())).collect();
            g = g3.into_iter().map(|x| field.mul(x, half)).collect();
            r = r4.into_iter().map(|x| field.mul(x, half)).collect();
            f = f2;
            v = v2;
        }
        Ok((f, v))
    }

    /// MPyC's `inverse(a, n)` for a public modulus `1 ≤ n < 2^(l−1)` and
    /// `l`-bit `a ≥ 0` with `gcd(a, n) = 1`: the result is in `[0, n)`.
    pub(crate) async fn inverse_raw(&self, field: &Field, l: u32, a: &[Fe], n: u128) -> Result<Vec<Fe>> {
        check_gcd_bits(field, l)?;
        let len = a.len();
        let one = field.one();
        let nv = vec![field.from_u128(n); len];
        let a0 = self.mod_pow2_raw(field, l, 1, a).await?;
        let c: Vec<Fe> = a0.iter().map(|&x| field.sub(one, x)).collect();
        // a, b_ = c.if_swap(a, n): a is odd.
        let s = self.select_raw(field, &c, &[(&nv, a), (a, &nv)]).await?;
        let (a1, b1) = (&s[0], &s[1]);
        let (g, t) = self.divsteps_raw(field, l, a1, b1).await?;
        let t_a: Vec<Fe> = t.iter().zip(a1).map(|(&x, &y)| field.sub(x, y)).collect();
        let (t, inv_a) = try_join(self.mul_raw(field, &g, &t_a), self.reciprocal_fld_raw(field, a1)).await?;
        let tb = self.mul_raw(field, &t, b1).await?;
        let num: Vec<Fe> = tb.iter().map(|&x| field.sub(one, x)).collect();
        let s = self.mul_raw(field, &num, &inv_a).await?;
        let u = self.select_raw(field, &c, &[(&t, &s)]).await?.remove(0);
        // u < 0: add 2n; then u ≥ n: subtract n (each comparison on l + 1 bits).
        let neg = self.lt_zero_raw(field, l, &u).await?;
        let two_n = field.from_u128(2 * n);
        let u: Vec<Fe> = u.iter().zip(&neg).map(|(&x, &b)| field.add(x, field.mul(b, two_n))).collect();
        let d: Vec<Fe> = u.iter().map(|&x| field.sub(x, nv[0])).collect();
        let below = self.lt_zero_raw(field, l, &d).await?;
        Ok(d.iter().zip(&below).map(|(&x, &b)| field.add(x, field.mul(b, nv[0]))).collect())
    }
}

/// gcd and inverse need `l ≥ 2` (a `mod 2` of `l`-bit values).
fn check_gcd_bits(field: &Field, l: u32) -> Result<()> {
    if l < 2 {
        return Err(Error::InvalidArgument(format!(
            "gcd, lcm and inverse need at least 2-bit integers, not {l} (in a {}-bit field)",
            field.bits()
        )));
    }
    Ok(())
}
