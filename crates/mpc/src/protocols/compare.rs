//! Comparisons with statistical masking, after MPyC: `[a < 0]` à la Toft and
//! `[a = 0]` by comparing masked bits (Nishide–Ohta).

use crate::field::{Arith, Fe, Field, with_arith};
use crate::protocols::basic::{Bits, binary_sum};
use crate::runtime::{Runtime, SEC_PARAM};
use futures_util::future::try_join;

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

    /// Opens `a + 2^l + r` for each element, with `r = Σ r_i 2^i + 2^l r'`
    /// (`r_i` the first `l` of the element's `bits_per` random bits, `r'` a
    /// `k`-bit statistical mask). Returns `a + 2^l + Σ r_i 2^i`, the opened
    /// values reduced mod `2^l`, and the bits' shares. One round, which also
    /// finishes the bits ([`Runtime::open_with_bits`]).
    async fn mask_and_open(&self, field: &Field, l: u32, a: &[Fe], bits: Bits, bits_per: usize) -> Result<(Vec<Fe>, Vec<u128>, Vec<Fe>)> {
        let n = a.len();
        let r_div = self.random_below(field, n, 1 << SEC_PARAM).await?;
        let two_l = field.from_u128(1 << l);
        let base: Vec<Fe> =
            with_arith!(field, |ar| a.iter().zip(&r_div).map(|(&ae, &rd)| ar.add(ar.add(ae, two_l), ar.mul(two_l, rd))).collect());
        let (c, bits) = self.open_with_bits(field, &base, bits, bits_per, l as usize, false).await?;
        let a_rmod = with_arith!(field, |ar| a
            .iter()
            .enumerate()
            .map(|(e, &ae)| {
                let r_mod = binary_sum(field, ar, &bits[e * bits_per..e * bits_per + l as usize]);
                ar.add(ar.add(ae, two_l), r_mod)
            })
            .collect());
        let low = (1u128 << l) - 1;
        let c_mod = c.into_iter().map(|v| field.to_u128(v) & low).collect();
        Ok((a_rmod, c_mod, bits))
    }

    /// The random bits [`Runtime::lt_zero_times`] needs for `n` comparisons
    /// of `l`-bit values (data independent: can be made ahead, concurrently),
    /// up to their hand-over, which the comparison's first round does.
    pub(crate) async fn lt_bits(&self, field: &Field, l: u32, n: usize) -> Result<Bits> {
        self.random_bits_started(field, n * (l as usize + 1)).await
    }

    /// Shares of `[a < 0]` for each `a` in `[-2^l, 2^l)`: random bits, the
    /// masked opening, a ⌈log2 l⌉-level product tree and `is_zero_public`.
    pub(crate) async fn lt_zero_raw(&self, field: &Field, l: u32, a: &[Fe]) -> Result<Vec<Fe>> {
        Ok(self.lt_zero_with(field, l, a, &[]).await?.0)
    }

    /// `[a < 0]` as in [`Runtime::lt_zero_raw`] and `[a < 0]·y` for each `y`
    /// in `ys`, in the rounds of the comparison alone.
    pub(crate) async fn lt_zero_with(&self, field: &Field, l: u32, a: &[Fe], ys: &[Vec<Fe>]) -> Result<(Vec<Fe>, Vec<Vec<Fe>>)> {
        Self::check_mask_room(field, l)?;
        let bits = self.lt_bits(field, l, a.len()).await?;
        self.lt_zero_times(field, l, a, bits, ys).await
    }

    /// `[a < 0]` as in [`Runtime::lt_zero_raw`], from bits made by
    /// [`Runtime::lt_bits`], together with `[a < 0]·y` for each vector `y` in
    /// `ys` (each as long as `a`) — in the rounds of the comparison alone:
    /// `[a < 0] = K ± s/2` where only the sign depends on the public outcome
    /// of the last round, so `K·y` and `s·y` are multiplied in that round.
    pub(crate) async fn lt_zero_times(
        &self,
        field: &Field,
        l: u32,
        a: &[Fe],
        bits: Bits,
        ys: &[Vec<Fe>],
    ) -> Result<(Vec<Fe>, Vec<Vec<Fe>>)> {
        let (z, zy, _) = self.lt_core(field, l, a, bits, ys, Equality::No).await?;
        Ok((z, zy))
    }

    /// [`Runtime::lt_zero_times`], and with `equality` also `[a = 0]` from
    /// the same masked opening ([`Runtime::eq_zero_raw`]): the bit-equality
    /// indicators multiplied in the same product tree, or the count of
    /// differing bits tested beside it, in rounds the tree takes anyway.
    async fn lt_core(
        &self,
        field: &Field,
        l: u32,
        a: &[Fe],
        bits: Bits,
        ys: &[Vec<Fe>],
        equality: Equality,
    ) -> Result<(Vec<Fe>, Vec<Vec<Fe>>, Vec<Fe>)> {
        Self::check_mask_room(field, l)?;
        let n = a.len();
        let per = l as usize + 1; // l bits for the mask, one for the random sign
        if ys.iter().any(|y| y.len() != n) {
            return Err(Error::Internal("comparison given mismatched randomness or multiplicands".into()));
        }
        if n == 0 {
            return Ok((Vec::new(), ys.iter().map(|_| Vec::new()).collect(), Vec::new()));
        }
        let (a_rmod, c_mod, bits) = self.mask_and_open(field, l, a, bits, per).await?;
        let ToftFactors { mut rows, last, signs, differing } = toft_factors(field, &c_mod, &bits, per, l as usize)?;
        let counted = match equality {
            Equality::No => None,
            Equality::InTree => {
                // Rows of the same width, after Toft's.
                rows.extend(equality_factors(field, &c_mod, &bits, per, l as usize));
                None
            }
            Equality::Counted(count_bits) => Some((differing, count_bits)),
        };
        let counted_equal = async {
            match counted {
                Some((counts, count_bits)) => self.zero_by_bits(field, &counts, count_width(l), count_bits).await.map(Some),
                None => Ok(None),
            }
        };
        let ((mut products, multiplier), counted_equal) =
            try_join(self.toft_products(field, rows, l as usize, &last), counted_equal).await?;
        let in_tree = products.split_off(n);
        let equal = counted_equal.unwrap_or(in_tree);
        // h = 3 − s if g else 3 + s, so h/2 = 1 + [c mod 2^l < r mod 2^l], and
        // [a < 0] = (c − (a + 2^l + r) + h·2^(l−1)) / 2^l = K ∓ s/2 with
        // K = (c − (a + 2^l + r) + 3·2^(l−1)) / 2^l.
        let inv_two_l = field.inv(field.from_u128(1 << l))?;
        let three_half = field.from_u128(3 << (l - 1));
        let k: Vec<Fe> =
            (0..n).map(|e| field.mul(field.add(field.sub(field.from_u128(c_mod[e]), a_rmod[e]), three_half), inv_two_l)).collect();
        let (left, right): (Vec<Fe>, Vec<Fe>) =
            ys.iter().flat_map(|y| k.iter().zip(y).chain(signs.iter().zip(y))).map(|(&x, &y)| (x, y)).unzip();
        let (g, ky_sy) = try_join(self.is_zero_public_by(field, &products, &multiplier), self.mul_raw(field, &left, &right)).await?;
        let inv2 = field.inv(field.from_u128(2))?;
        let half_sign = |e: usize, v: Fe| {
            let half = field.mul(v, inv2);
            if g[e] { field.neg(half) } else { half }
        };
        let z = (0..n).map(|e| field.add(k[e], half_sign(e, signs[e]))).collect();
        let zy = ky_sy.chunks_exact(2 * n).map(|chunk| (0..n).map(|e| field.add(chunk[e], half_sign(e, chunk[n + e]))).collect()).collect();
        Ok((z, zy, equal))
    }

    /// The products of Toft's rows of `width` factors (and of any rows after
    /// them), and the last factors times a random element, for
    /// `is_zero_public`: the last factor goes into its random multiplier
    /// (made alongside the tree's first level), so the tree has `l` leaves,
    /// one level fewer for `l = 32`.
    async fn toft_products(&self, field: &Field, rows: Vec<Fe>, width: usize, last: &[Fe]) -> Result<(Vec<Fe>, Vec<Fe>)> {
        try_join(self.prod_rows(field, rows, width), async {
            let r = self.random_fe(field, last.len()).await?;
            self.mul_raw(field, &r, last).await
        })
        .await
    }

    /// `[c < r]` for public `c` and shared `r = Σ_{i<k} r_i 2^i` given by its
    /// bits (rows of `per` bits: `k` bits, then a random bit for the sign):
    /// Toft's test, `⌈log2 k⌉ + 1` rounds.
    pub(crate) async fn public_lt_bits(&self, field: &Field, c: &[u128], bits: &[Fe], per: usize, k: usize) -> Result<Vec<Fe>> {
        let n = c.len();
        let ToftFactors { rows, last, signs, .. } = toft_factors(field, c, bits, per, k)?;
        let (products, multiplier) = self.toft_products(field, rows, k, &last).await?;
        let g = self.is_zero_public_by(field, &products, &multiplier).await?;
        // g: s = 1 and c ≥ r, or s = −1 and c < r; so [c < r] = (1 ∓ s)/2.
        let inv2 = field.inv(field.from_u128(2))?;
        Ok((0..n)
            .map(|e| {
                let s = if g[e] { field.neg(signs[e]) } else { signs[e] };
                field.mul(field.add(field.one(), s), inv2)
            })
            .collect())
    }

    /// Shares of `[a = 0]` for each `a` in `(-2^l, 2^l)`. `a = 0` exactly
    /// when the low `l` bits of the masked opening equal the mask's bits.
    /// Below [`COUNT_FROM`] bits, the product of the `l` bit-equality
    /// indicators says so ([`Runtime::zero_by_bits`]): 2 + ⌈log2 l⌉ rounds.
    /// From there on, the count `D` of differing bits (a sum of shares,
    /// `0 ≤ D ≤ l`) is tested for zero the same way on its
    /// `w = ⌊log2 l⌋ + 1` bits, with its random bits made beside the
    /// first's: 3 + ⌈log2 w⌉ rounds (6 for `l = 32`, against 7) and `w − 1`
    /// products a value, not `l − 1` (5, not 31), for `w` more random bits.
    pub(crate) async fn eq_zero_raw(&self, field: &Field, l: u32, a: &[Fe]) -> Result<Vec<Fe>> {
        Self::check_mask_room(field, l)?;
        if a.is_empty() {
            return Ok(Vec::new());
        }
        let (n, per) = (a.len(), l as usize);
        if l < COUNT_FROM {
            let bits = self.random_bits_started(field, n * per).await?;
            return self.zero_by_bits(field, a, l, bits).await;
        }
        let w = count_width(l);
        let (bits, count_bits) =
            try_join(self.random_bits_started(field, n * per), self.random_bits_started(field, n * w as usize)).await?;
        let (_, c_mod, bits) = self.mask_and_open(field, l, a, bits, per).await?;
        self.zero_by_bits(field, &differing_bits(field, &c_mod, &bits, per, per), w, count_bits).await
    }

    /// `[x = 0]` for each `x` in `(−2^w, 2^w)`, from `w` random bits a value
    /// (made by [`Runtime::random_bits_started`]): `x + 2^w + r` is opened
    /// with a `(w + k)`-bit mask `r`, and `x = 0` exactly when the opening's
    /// low `w` bits equal `r`'s: the product of the `w` bit-equality
    /// indicators. 1 + ⌈log2 w⌉ rounds. For a count of differing bits
    /// `0 ≤ D < 2^w` the second opening hides `D` as the first hides `a`.
    async fn zero_by_bits(&self, field: &Field, x: &[Fe], w: u32, bits: Bits) -> Result<Vec<Fe>> {
        let per = w as usize;
        let (_, c_mod, bits) = self.mask_and_open(field, w, x, bits, per).await?;
        self.prod_rows(field, equality_factors(field, &c_mod, &bits, per, per), per).await
    }

    /// `[a < 0]` and `[a = 0]` for each `a` in `(−2^l, 2^l)`, in the rounds
    /// and with the random bits of the comparison alone: both read the same
    /// masked opening, and the product of the bit-equality indicators
    /// ([`Runtime::eq_zero_raw`]) is multiplied in the product tree beside
    /// Toft's factors. Costs about what one comparison and a half do, where
    /// `[a < 0]` and `[−a < 0]` (to make `[a = 0]`) cost two.
    pub(crate) async fn lt_eq_zero_raw(&self, field: &Field, l: u32, a: &[Fe]) -> Result<(Vec<Fe>, Vec<Fe>)> {
        Self::check_mask_room(field, l)?;
        let equality = async {
            if l < COUNT_FROM {
                return Ok(Equality::InTree);
            }
            Ok(Equality::Counted(self.random_bits_started(field, a.len() * count_width(l) as usize).await?))
        };
        let (bits, equality) = try_join(self.lt_bits(field, l, a.len()), equality).await?;
        let (less, _, equal) = self.lt_core(field, l, a, bits, &[], equality).await?;
        Ok((less, equal))
    }
}

/// Equality tests of at least this many bits test the count of differing
/// bits ([`Runtime::eq_zero_raw`]): from here on that takes no more rounds
/// (fewer from 17 bits) and `l − w` fewer products a value (11 at 16 bits,
/// 26 at 32) for `w` more random bits (5 and 6).
const COUNT_FROM: u32 = 16;

/// The bits of a count of differing bits among `l`: `⌊log2 l⌋ + 1`, so
/// that every count `0..=l` is below `2^w`.
fn count_width(l: u32) -> u32 {
    u32::BITS - l.leading_zeros()
}

/// What [`Runtime::lt_core`] also finds of `[a = 0]`.
enum Equality {
    /// Nothing.
    No,
    /// The bit-equality indicators, multiplied in the comparison's tree.
    InTree,
    /// The count of differing bits tested for zero, with these random bits
    /// ([`count_width`] a value).
    Counted(Bits),
}

/// For each element, the number of the `k` bits where public `c` and the
/// shared bits `r` (row `e` of `bits` at `e·per`) differ: `Σ_i c_i ⊕ r_i`,
/// a sum of shares, from 0 (`c mod 2^k = r mod 2^k`) to `k`.
fn differing_bits(field: &Field, c: &[u128], bits: &[Fe], per: usize, k: usize) -> Vec<Fe> {
    let one = field.one();
    with_arith!(field, |ar| c
        .iter()
        .enumerate()
        .map(|(e, &ce)| {
            bits[e * per..e * per + k]
                .iter()
                .enumerate()
                .fold(field.zero(), |sum, (i, &r_i)| ar.add(sum, Fe::select(ce >> i & 1 == 1, ar.sub(one, r_i), r_i)))
        })
        .collect())
}

/// For each element, the `k` indicators `[c_i = r_i]` of public `c` and
/// shared bits `r` (row `e` of `bits` at `e·per`), a row of `k` after
/// another: the product of a row is `[c mod 2^k = r mod 2^k]`.
fn equality_factors(field: &Field, c: &[u128], bits: &[Fe], per: usize, k: usize) -> Vec<Fe> {
    let one = field.one();
    let mut factors = Vec::with_capacity(c.len() * k);
    with_arith!(field, |ar| for (e, &ce) in c.iter().enumerate() {
        let row = &bits[e * per..e * per + k];
        factors.extend(row.iter().enumerate().map(|(i, &r_i)| Fe::select(ce >> i & 1 == 1, r_i, ar.sub(one, r_i))));
    });
    factors
}

/// Toft's e-list comparing public `c` with shared bits `r` (row `e` of
/// `bits`: `k` bits least significant first at `e·per`, then the random
/// sign bit at `e·per + k`): for `s = ±1` from the sign bit, factors
/// `s + r_i − c_i + 3·#(differing bits above i)` for `i = k−1..0`, and the
/// last factor `s − 1 + 3·#(differing bits)`. Some factor is zero exactly when
/// `s = 1` and `c ≥ r`, or `s = −1` and `c < r`. Fails only in a field of 3
/// elements (the count of differing bits is read as a third of its triple).
fn toft_factors(field: &Field, c: &[u128], bits: &[Fe], per: usize, k: usize) -> Result<ToftFactors> {
    let (zero, one) = (field.zero(), field.one());
    let three = field.from_u128(3);
    let inv3 = field.inv(three)?;
    let n = c.len();
    let mut rows = Vec::with_capacity(n * k);
    let (mut last, mut signs, mut differing) = (Vec::with_capacity(n), Vec::with_capacity(n), Vec::with_capacity(n));
    with_arith!(field, |ar| for (e, &ce) in c.iter().enumerate() {
        let row = &bits[e * per..e * per + k + 1];
        let s = ar.sub(ar.add(row[k], row[k]), one); // ±1
        // s + 3·#(differing bits above i), as i goes down.
        let mut acc = s;
        for (i, &r_i) in row[..k].iter().enumerate().rev() {
            let c_i = ce >> i & 1 == 1;
            // zero exactly at the first difference from the top when its direction matches s
            // (Selects, not branches: c's bits are as random as a coin.)
            rows.push(ar.sub(ar.add(acc, r_i), Fe::select(c_i, one, zero)));
            // 3·(c_i ⊕ r_i): 3 − 3r_i or 3r_i.
            let r3 = ar.add(ar.add(r_i, r_i), r_i);
            acc = ar.add(acc, Fe::select(c_i, ar.sub(three, r3), r3));
        }
        last.push(ar.sub(acc, one));
        signs.push(s);
        differing.push(ar.mul(ar.sub(acc, s), inv3));
    });
    Ok(ToftFactors { rows, last, signs, differing })
}

/// Toft's factors for each element ([`toft_factors`]), and the count of
/// differing bits their pass forms anyway.
struct ToftFactors {
    /// The factors without the last: a row of `k` per element, one after
    /// another.
    rows: Vec<Fe>,
    /// The last factors.
    last: Vec<Fe>,
    /// The signs `s = ±1`.
    signs: Vec<Fe>,
    /// `Σ_i c_i ⊕ r_i` over the `k` bits: [`differing_bits`], for the
    /// equality test beside the comparison.
    differing: Vec<Fe>,
}
