//! Sorting: Batcher's merge-exchange network (Knuth, TAOCP 5.2.2, Algorithm
//! M), and shuffle-then-sort with opened comparisons.

use crate::field::{Fe, Field};
use crate::protocols::basic::{opened_bits, same_len};
use crate::runtime::{Runtime, SEC_PARAM};
use futures_util::future::try_join;

use crate::Result;

/// Pivots a segment of the shuffled sort is split around at each level.
const PIVOTS: usize = 3;

/// At most how many comparisons' worth of messages the shuffled sort sends
/// for each pair of keys it orders: the keys' comparison with their
/// equality in its product tree (twice a comparison's products there) and
/// the original indices' comparison, side by side (so a round of it may
/// send up to this many times what one comparison a pair would).
pub const SORT_COMPARISONS_PER_PAIR: usize = 3;

/// How many keys at the head of a segment of `len` are compared pairwise:
/// its pivots, or the whole of a small segment.
fn pairwise_heads(len: usize) -> usize {
    if len > PIVOTS + 1 { PIVOTS } else { len }
}

/// Rounds of one level of the shuffled sort: a comparison (8 for
/// `secint(32)`), and opening it with the product that breaks ties.
const LEVEL_ROUNDS: usize = 9;

/// About how many levels the shuffled sort of `n` keys takes: twice
/// `⌈log4 n⌉` (for 256 keys, 8; simulated, 7.1 on average and at most 11
/// in 4,000 random orders).
fn expected_levels(n: usize) -> usize {
    let mut levels = 0;
    while (PIVOTS + 1).pow(levels as u32) < n {
        levels += 1;
    }
    2 * levels.max(1)
}

/// The comparators of Batcher's merge-exchange network for `n` inputs, in
/// layers of independent pairs `(i, j)` with `i < j`: after applying every
/// layer in order (swap when element `j` should precede `i`), the input is
/// sorted. `⌈log2 n⌉(⌈log2 n⌉ + 1)/2` layers.
pub fn merge_exchange_layers(n: usize) -> Vec<Vec<(usize, usize)>> {
    let mut layers = Vec::new();
    if n < 2 {
        return layers;
    }
    let t = usize::BITS - (n - 1).leading_zeros();
    let mut p = 1usize << (t - 1);
    while p > 0 {
        let (mut q, mut r, mut d) = (1usize << (t - 1), 0usize, p);
        loop {
            let layer: Vec<(usize, usize)> = (0..n - d).filter(|&i| i & p == r).map(|i| (i, i + d)).collect();
            if !layer.is_empty() {
                layers.push(layer);
            }
            if q == p {
                break;
            }
            d = q - p;
            q >>= 1;
            r = p;
        }
        p >>= 1;
    }
    layers
}

impl Runtime {
    /// Sorts the rows `(keys[k], columns[0][k], …)` by key, ascending (or
    /// descending), with the merge-exchange network; keys are `l`-bit signed.
    /// Each layer costs the rounds of one comparison: the swaps are multiplied
    /// inside it and the next layer's random bits are made alongside.
    ///
    /// Keys alone (no columns) are sorted by [`Runtime::shuffle_sort`]
    /// instead when the session has PRSS keys and that should take fewer
    /// rounds: the sorted keys are the same, whichever way they were sorted.
    /// Rows with columns keep the network, whose order among equal keys is
    /// MPyC's.
    pub(crate) async fn sort_raw(&self, field: &Field, l: u32, keys: &mut [Fe], columns: &mut [Vec<Fe>], descending: bool) -> Result<()> {
        for col in columns.iter() {
            same_len(keys, col)?;
        }
        let layers = merge_exchange_layers(keys.len());
        let subsets = crate::prss::subset_count(self.parties(), self.threshold());
        let network_rounds = 7 * layers.len() + 1;
        if columns.is_empty()
            && subsets.saturating_add(LEVEL_ROUNDS * expected_levels(keys.len())) < network_rounds
            && self.shuffle_sort(field, l, keys, descending).await?
        {
            return Ok(());
        }
        let mut bits = match layers.first() {
            Some(layer) => self.lt_bits(field, l, layer.len()).await?,
            None => return Ok(()),
        };
        for (k, layer) in layers.iter().enumerate() {
            // swap when keys[j] < keys[i] (ascending) or keys[i] < keys[j] (descending)
            let diffs: Vec<Fe> =
                layer.iter().map(|&(i, j)| if descending { field.sub(keys[i], keys[j]) } else { field.sub(keys[j], keys[i]) }).collect();
            // d = swap · (x_j − x_i) for keys and every column, within the comparison's rounds.
            let deltas: Vec<Vec<Fe>> = std::iter::once(&*keys)
                .chain(columns.iter().map(|c| &c[..]))
                .map(|col| layer.iter().map(|&(i, j)| field.sub(col[j], col[i])).collect())
                .collect();
            // The next layer's random bits are made alongside, in the same rounds.
            let next = layers.get(k + 1).map_or(0, Vec::len);
            let ((_, d), next_bits) = try_join(self.lt_zero_times(field, l, &diffs, bits, &deltas), self.lt_bits(field, l, next)).await?;
            bits = next_bits;
            for (col, d) in std::iter::once(&mut *keys).chain(columns.iter_mut().map(|c| &mut c[..])).zip(d) {
                for (&(i, j), dk) in layer.iter().zip(d) {
                    col[i] = field.add(col[i], dk);
                    col[j] = field.sub(col[j], dk);
                }
            }
        }
        Ok(())
    }
}

impl Runtime {
    /// Shuffle, then sort with public comparisons (after Hamada et al.,
    /// "Practically efficient multi-party sorting protocols from comparison
    /// sort algorithms", 2012): the keys are permuted by
    /// [`Runtime::shuffle_raw`] together with their original indices, and
    /// comparison results on (key, original index) are opened: no two rows
    /// tie, and the index is independent of the shuffled position (a tie
    /// broken by position after the shuffle made equal keys always take the
    /// most levels, with a fixed pattern of results). Each level splits every
    /// unsorted segment around its first [`PIVOTS`] keys (all pairs among
    /// them, and every other key against each), or ranks a small segment by
    /// all its pairs; the keys then move publicly. A level costs a
    /// comparison and an opening (9 rounds); a random order of 256 keys
    /// takes about 7 levels. The opened results are those of a uniformly
    /// random order of distinct ranks, whatever the keys (docs/engine.md,
    /// "Sorting"). Returns false, with the keys untouched, when the session
    /// has no PRSS keys or the field cannot compare the indices (`secint(l)`
    /// sorts up to `2^l` keys this way).
    pub(crate) async fn shuffle_sort(&self, field: &Field, l: u32, keys: &mut [Fe], descending: bool) -> Result<bool> {
        let n = keys.len();
        // Labels 0..n differ by less than 2^label_bits.
        let label_bits = (usize::BITS - n.saturating_sub(1).leading_zeros()).max(1);
        if field.bits() < label_bits + SEC_PARAM + 2 {
            return Ok(false);
        }
        // Each key's original index (a public value is a sharing of itself),
        // shuffled with it: the label that breaks ties.
        let indices = (0..n).map(|i| field.from_u128(i as u128)).collect();
        let mut columns = vec![keys.to_vec(), indices];
        if !self.shuffle_raw(field, &mut columns).await? {
            return Ok(false);
        }
        let labels = columns.pop().expect("two columns");
        let shuffled = columns.pop().expect("two columns");
        if n > PIVOTS + 1 {
            // How many levels a segment splits into depends on the shuffle.
            self.rounds_vary();
        }
        let mut order: Vec<usize> = (0..n).collect();
        let mut segments: Vec<std::ops::Range<usize>> = Vec::new();
        if n > 1 {
            segments.push(0..n);
        }
        while !segments.is_empty() {
            // The questions of this level, segment by segment: is key a before key b?
            let mut pairs = Vec::new();
            for segment in &segments {
                let items = &order[segment.clone()];
                let (heads, rest) = items.split_at(pairwise_heads(items.len()));
                for (i, &a) in heads.iter().enumerate() {
                    pairs.extend(heads[i + 1..].iter().map(|&b| (a, b)));
                }
                for &e in rest {
                    pairs.extend(heads.iter().map(|&p| (e, p)));
                }
            }
            let before = self.precede_publicly(field, l, label_bits, (&shuffled, &labels), &pairs, descending).await?;
            let mut answers = before.into_iter();
            let mut next = Vec::new();
            for segment in segments {
                let items = order[segment.clone()].to_vec();
                let (heads, rest) = items.split_at(pairwise_heads(items.len()));
                // Rank the heads among themselves by their pairs.
                let mut rank = vec![0usize; heads.len()];
                for i in 0..heads.len() {
                    for j in i + 1..heads.len() {
                        if answers.next().expect("an answer per question") {
                            rank[j] += 1;
                        } else {
                            rank[i] += 1;
                        }
                    }
                }
                let mut sorted_heads = vec![0; heads.len()];
                for (i, &r) in rank.iter().enumerate() {
                    sorted_heads[r] = heads[i];
                }
                if rest.is_empty() {
                    order[segment].copy_from_slice(&sorted_heads);
                    continue;
                }
                // Every other key goes to the bucket after the pivots before it.
                let mut buckets = vec![Vec::new(); PIVOTS + 1];
                for &e in rest {
                    let after = (0..PIVOTS).filter(|_| !answers.next().expect("an answer per question")).count();
                    buckets[after].push(e);
                }
                let mut at = segment.start;
                for (b, bucket) in buckets.into_iter().enumerate() {
                    if bucket.len() > 1 {
                        next.push(at..at + bucket.len());
                    }
                    order[at..at + bucket.len()].copy_from_slice(&bucket);
                    at += bucket.len();
                    if let Some(&pivot) = sorted_heads.get(b) {
                        order[at] = pivot;
                        at += 1;
                    }
                }
            }
            segments = next;
        }
        for (k, &from) in keys.iter_mut().zip(&order) {
            *k = shuffled[from];
        }
        Ok(true)
    }

    /// For each pair `(a, b)` of positions, whether row `a` comes before row
    /// `b` in the order of (key, ascending or descending; label, ascending),
    /// computed and opened. Labels are distinct, so no two rows tie:
    /// `[k_a ≺ k_b] + [k_a = k_b]·[i_a < i_b]`, with `[k_a = k_b]` read from
    /// the same masked opening as `[k_a ≺ k_b]`
    /// ([`Runtime::lt_eq_zero_raw`]). The key comparison and the label
    /// comparison run side by side (one comparison's rounds); the
    /// product is opened at degree 2t, masked by a zero sharing, in the one
    /// round of the opening: [`LEVEL_ROUNDS`].
    async fn precede_publicly(
        &self,
        field: &Field,
        l: u32,
        label_bits: u32,
        (keys, labels): (&[Fe], &[Fe]),
        pairs: &[(usize, usize)],
        descending: bool,
    ) -> Result<Vec<bool>> {
        // [a ≺ b] by key alone: [k_a < k_b] ascending, [k_b < k_a] descending;
        // and [k_a = k_b] from the same comparison.
        let key_diffs: Vec<Fe> =
            pairs.iter().map(|&(a, b)| if descending { field.sub(keys[b], keys[a]) } else { field.sub(keys[a], keys[b]) }).collect();
        let label_diffs: Vec<Fe> = pairs.iter().map(|&(a, b)| field.sub(labels[a], labels[b])).collect();
        let ((a_first, equal), label_lt) =
            try_join(self.lt_eq_zero_raw(field, l, &key_diffs), self.lt_zero_raw(field, label_bits, &label_diffs)).await?;
        // The product stays of degree 2t, opened re-randomised: one round.
        let before: Vec<Fe> = (0..pairs.len()).map(|e| field.add(a_first[e], field.mul(equal[e], label_lt[e]))).collect();
        let opened = self.open_2t(field, before).await?;
        opened_bits(field, &opened)
    }
}
