//! Bit decomposition: the two's-complement bits of shared integers.

use crate::field::{Arith, Fe, Field, with_arith};
use crate::runtime::{Runtime, SEC_PARAM};
use crate::{Error, Result};

impl Runtime {
    /// The low `l` bits (least significant first; two's complement for
    /// negative values) of each `l`-bit signed `a`, as `n` rows of `l` bit
    /// shares. Open `c = a + 2^(l+1) + 2^l·R − r` for `l` random bits `r` and
    /// a `k`-bit mask `R`; then `a ≡ c' + r (mod 2^l)` for the public
    /// `c' = c mod 2^l`, and the bits of `c' + r` come from a Kogge–Stone
    /// carry prefix (⌈log2 l⌉ multiplication rounds) and one round for the
    /// sums.
    pub(crate) async fn to_bits_raw(&self, field: &Field, l: u32, a: &[Fe]) -> Result<Vec<Vec<Fe>>> {
        if l == 0 || field.bits() < l + SEC_PARAM + 2 {
            return Err(Error::InvalidArgument(format!("cannot decompose {l}-bit values in a {}-bit field", field.bits())));
        }
        let (n, l) = (a.len(), l as usize);
        if n == 0 {
            return Ok(Vec::new());
        }
        let r = self.random_bits_started(field, n * l).await?;
        let mask = self.random_below(field, n, 1 << SEC_PARAM).await?;
        let (offset, two_l) = (field.from_u128(1 << (l + 1)), field.from_u128(1 << l));
        let base: Vec<Fe> = with_arith!(field, |ar| (0..n).map(|e| ar.add(ar.add(a[e], offset), ar.mul(two_l, mask[e]))).collect());
        let (c, r) = self.open_with_bits(field, &base, r, l, l, true).await?;
        let low = (1u128 << l) - 1;
        let c_bits: Vec<u128> = c.iter().map(|&v| field.to_u128(v) & low).collect();
        // Per position: generate g_i = c_i·r_i and propagate p_i = c_i ⊕ r_i
        // (both local, c_i being public); G_i/P_i after the prefix.
        let one = field.one();
        let mut g = vec![field.zero(); n * l];
        let mut p = vec![field.zero(); n * l];
        for e in 0..n {
            for i in 0..l {
                let (ci, ri) = (c_bits[e] >> i & 1 == 1, r[e * l + i]);
                g[e * l + i] = if ci { ri } else { field.zero() };
                p[e * l + i] = if ci { field.sub(one, ri) } else { ri };
            }
        }
        let propagate = p.clone();
        let mut d = 1;
        while d < l {
            // (G_i, P_i) ← (G_i + P_i·G_{i−d}, P_i·P_{i−d}) for i ≥ d, one round.
            let idx: Vec<usize> = (0..n).flat_map(|e| (d..l).map(move |i| e * l + i)).collect();
            let left: Vec<Fe> = idx.iter().flat_map(|&k| [p[k], p[k]]).collect();
            let right: Vec<Fe> = idx.iter().flat_map(|&k| [g[k - d], p[k - d]]).collect();
            let prods = self.mul_raw(field, &left, &right).await?;
            for (j, &k) in idx.iter().enumerate() {
                g[k] = field.add(g[k], prods[2 * j]);
                p[k] = prods[2 * j + 1];
            }
            d *= 2;
        }
        // carry into position i is G_{i−1}; sum bit s_i = p_i ⊕ carry_i.
        let (left, right): (Vec<Fe>, Vec<Fe>) =
            (0..n).flat_map(|e| (1..l).map(move |i| (e * l + i, e * l + i - 1))).map(|(k, prev)| (propagate[k], g[prev])).unzip();
        let prods = self.mul_raw(field, &left, &right).await?;
        let mut prods = prods.into_iter();
        Ok((0..n)
            .map(|e| {
                (0..l)
                    .map(|i| {
                        let k = e * l + i;
                        if i == 0 {
                            propagate[k]
                        } else {
                            let pc = prods.next().expect("one product per position above 0");
                            field.sub(field.add(propagate[k], g[k - 1]), field.add(pc, pc))
                        }
                    })
                    .collect()
            })
            .collect())
    }
}
