//! A secret random permutation from the PRSS subsets' keys: each subset of
//! `m − t` parties, in turn, permutes the vectors with a permutation only
//! its members know.

use crate::field::{Fe, Field};
use crate::prss::subsets;
use crate::runtime::Runtime;
use crate::{Error, Result, shamir};

impl Runtime {
    /// Applies one secret, uniformly random permutation to every column (all
    /// of one length), in place. For each PRSS subset `S` in turn, its `t + 1`
    /// lowest members turn their shares into additive shares of the values
    /// (their Lagrange coefficients at 0), permute them with `π_S`, drawn from
    /// `S`'s key, and deal them afresh as degree-`t` sharings, which everyone
    /// adds up: the columns permuted by `π_S`. One round per subset
    /// (`C(m, t)`: 3 for 3 parties). Any `t` parties miss the subset made of
    /// all the others, whose permutation alone makes the composition uniform
    /// in their view (docs/engine.md, "Shuffling"). Returns false, with the
    /// columns untouched, when the session has no PRSS keys.
    pub(crate) async fn shuffle_raw(&self, field: &Field, columns: &mut [Vec<Fe>]) -> Result<bool> {
        let n = columns.first().map_or(0, Vec::len);
        if columns.iter().any(|c| c.len() != n) {
            return Err(Error::Internal("shuffled columns of different lengths".into()));
        }
        let Some(permutations) = self.with_prss(|p| p.subset_permutations(n)) else {
            return Ok(false);
        };
        if n < 2 {
            return Ok(true);
        }
        let (m, me, t) = (self.parties(), self.id(), self.threshold());
        for subset in subsets(m, t) {
            let dealers: Vec<usize> = (0..m).filter(|&j| subset >> j & 1 == 1).take(t + 1).collect();
            let mut out = vec![Vec::new(); m];
            if let Some(k) = dealers.iter().position(|&d| d == me) {
                let perm = permutations
                    .iter()
                    .find(|(s, _)| *s == subset)
                    .map(|(_, p)| p)
                    .ok_or_else(|| Error::Internal("a dealer without its subset's permutation".into()))?;
                let lambda = shamir::lagrange_at_zero(field, &dealers)[k];
                // Position i of the result takes element π_S(i).
                let additive: Vec<Fe> = columns.iter().flat_map(|c| perm.iter().map(move |&from| field.mul(lambda, c[from]))).collect();
                out = self.with_rng(|rng| shamir::share(field, rng, &additive, t, m));
            }
            let mine = std::mem::take(&mut out[me]);
            let flow = self.flow(|a, _| dealers.contains(&a));
            let incoming = self.exchange_fe(field, flow, &out.iter().map(Vec::as_slice).collect::<Vec<_>>()).await?;
            let mut sum = vec![field.zero(); n * columns.len()];
            for &d in &dealers {
                let part = if d == me { &mine } else { &incoming[d] };
                super::basic::expect_len(d, part, sum.len())?;
                for (s, &x) in sum.iter_mut().zip(part) {
                    *s = field.add(*s, x);
                }
            }
            for (column, permuted) in columns.iter_mut().zip(sum.chunks_exact(n)) {
                column.copy_from_slice(permuted);
            }
        }
        Ok(true)
    }
}
