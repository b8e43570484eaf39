//! Comparisons with statistical masking, after MPyC: `[a < 0]` à la Toft and
//! `[a = 0]` by comparing masked bits (Nishide–Ohta).

use crate::field::{Fe, Field};
use crate::runtime::{Runtime, SEC_PARAM};
use crate::{Error, Result};

impl Runtime {
    /// Fails unless `p > 2^(l + k + 1)`, so that `a + 2^l + r` with an
    /// `(l + k)`-bit mask `r` never wraps around.
    fn check_mask_room(field: &Field, l: u32) -> Result<()> {
        if l == 0 || field.bits() < l + SEC_PARAM + 2 {
            return Err(Error::InvalidArgument(format!(
                "a {l}-bit comparison needs a field of at least {} bits, not {}",
                l + SEC_PARAM + 2,
                field.bits()
            )));
        }
        Ok(())
    }

    /// Random bits and the masked value `a + 2^l + r` for each element, with
    /// `r = Σ r_i 2^i + 2^l r'`, `r'` a `k`-bit statistical mask. Returns the
    /// `bits_per` random bits per element, `a + 2^l + Σ r_i 2^i`, and the
    /// opened masked values reduced mod `2^l`. Two rounds.
    async fn mask_and_open(&self, field: &Field, l: u32, a: &[Fe], bits_per: usize) -> Result<(Vec<Fe>, Vec<Fe>, Vec<u128>)> {
        let n = a.len();
        let bits = self.random_bits_raw(field, n * bits_per).await?;
        let r_div = self.random_below(field, n, 1 << SEC_PARAM).await?;
        let two_l = field.from_u128(1 << l);
        let mut a_rmod = Vec::with_capacity(n);
        let mut masked = Vec::with_capacity(n);
        for (e, (&ae, &rd)) in a.iter().zip(&r_div).enumerate() {
            let row = &bits[e * bits_per..e * bits_per + l as usize];
            let r_mod = row.iter().rev().fold(field.zero(), |acc, &b| field.add(field.add(acc, acc), b));
            let x = field.add(field.add(ae, two_l), r_mod);
            a_rmod.push(x);
            masked.push(field.add(x, field.mul(two_l, rd)));
        }
        let c = self.open_all(field, &masked).await?;
        let low = (1u128 << l) - 1;
        let c_mod = c.into_iter().map(|v| field.to_u128(v) & low).collect();
        Ok((bits, a_rmod, c_mod))
    }

    /// Shares of `[a < 0]` for each `a` in `[-2^l, 2^l)`: 2 + ⌈log2(l+1)⌉ + 1
    /// rounds (random bits, masked opening, product tree, `is_zero_public`).
    pub(crate) async fn lt_zero_raw(&self, field: &Field, l: u32, a: &[Fe]) -> Result<Vec<Fe>> {
        Self::check_mask_room(field, l)?;
        if a.is_empty() {
            return Ok(Vec::new());
        }
        let per = l as usize + 1; // l bits for the mask, one for the random sign
        let (bits, a_rmod, c_mod) = self.mask_and_open(field, l, a, per).await?;
        let (one, three) = (field.one(), field.from_u128(3));
        let mut rows = Vec::with_capacity(a.len());
        let mut signs = Vec::with_capacity(a.len());
        for (e, &c) in c_mod.iter().enumerate() {
            let row = &bits[e * per..(e + 1) * per];
            let s = field.sub(field.add(row[l as usize], row[l as usize]), one); // ±1
            let mut sum_xors = field.zero();
            let mut factors = Vec::with_capacity(per);
            for i in (0..l as usize).rev() {
                let (c_i, r_i) = (c >> i & 1 == 1, row[i]);
                // s + r_i − c_i + 3·#(differing higher bits): zero exactly at the
                // first difference from the top when its direction matches s.
                let mut f = field.add(field.add(s, r_i), field.mul(three, sum_xors));
                if c_i {
                    f = field.sub(f, one);
                }
                factors.push(f);
                sum_xors = field.add(sum_xors, if c_i { field.sub(one, r_i) } else { r_i });
            }
            factors.push(field.add(field.sub(s, one), field.mul(three, sum_xors)));
            rows.push(factors);
            signs.push(s);
        }
        let products = self.prod_rows(field, rows).await?;
        let g = self.is_zero_public(field, &products).await?;
        // h = 3 − s if g else 3 + s, so h/2 = 1 + [c mod 2^l < r mod 2^l];
        // then [a < 0] = (c − (a + 2^l + r) + h·2^(l−1)) / 2^l.
        let half = field.from_u128(1 << (l - 1));
        let inv_two_l = field.inv(field.from_u128(1 << l))?;
        Ok((0..a.len())
            .map(|e| {
                let h = if g[e] { field.sub(three, signs[e]) } else { field.add(three, signs[e]) };
                let num = field.add(field.sub(field.from_u128(c_mod[e]), a_rmod[e]), field.mul(h, half));
                field.mul(num, inv_two_l)
            })
            .collect())
    }

    /// Shares of `[a = 0]` for each `a` in `(-2^l, 2^l)`: 2 + ⌈log2 l⌉ rounds.
    /// `a = 0` exactly when the low `l` bits of the masked opening equal the
    /// mask's bits; the product of the `l` bit-equality indicators says so.
    pub(crate) async fn eq_zero_raw(&self, field: &Field, l: u32, a: &[Fe]) -> Result<Vec<Fe>> {
        Self::check_mask_room(field, l)?;
        if a.is_empty() {
            return Ok(Vec::new());
        }
        let per = l as usize;
        let (bits, _, c_mod) = self.mask_and_open(field, l, a, per).await?;
        let one = field.one();
        let rows = c_mod
            .iter()
            .enumerate()
            .map(|(e, &c)| {
                (0..per)
                    .map(|i| {
                        let r_i = bits[e * per + i];
                        if c >> i & 1 == 1 { r_i } else { field.sub(one, r_i) }
                    })
                    .collect()
            })
            .collect();
        self.prod_rows(field, rows).await
    }
}
