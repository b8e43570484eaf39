//! Batcher's merge-exchange sorting network (Knuth, TAOCP 5.2.2, Algorithm M).

use crate::field::{Fe, Field};
use crate::protocols::basic::same_len;
use crate::runtime::Runtime;
use futures_util::future::try_join;

use crate::Result;

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
    pub(crate) async fn sort_raw(&self, field: &Field, l: u32, keys: &mut [Fe], columns: &mut [Vec<Fe>], descending: bool) -> Result<()> {
        for col in columns.iter() {
            same_len(keys, col)?;
        }
        let layers = merge_exchange_layers(keys.len());
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
            let ((_, d), next_bits) = try_join(self.lt_zero_times(field, l, &diffs, &bits, &deltas), self.lt_bits(field, l, next)).await?;
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
