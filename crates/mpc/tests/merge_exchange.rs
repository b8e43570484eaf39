//! Batcher's merge-exchange network, in plaintext: it sorts every 0/1 input
//! of length n ≤ 12 (so, by the 0-1 principle, every input), has
//! ⌈log2 n⌉(⌈log2 n⌉ + 1)/2 layers for powers of two, and its layers are
//! sets of disjoint comparators (i, j) with i < j < n.

use cohort_mpc::merge_exchange_layers;

fn apply(layers: &[Vec<(usize, usize)>], v: &mut [u64]) {
    for layer in layers {
        for &(i, j) in layer {
            if v[j] < v[i] {
                v.swap(i, j);
            }
        }
    }
}

#[test]
fn sorts_every_zero_one_input_up_to_12() {
    for n in 0..=12usize {
        let layers = merge_exchange_layers(n);
        for pattern in 0u32..(1 << n) {
            let mut v: Vec<u64> = (0..n).map(|i| u64::from(pattern >> i & 1)).collect();
            apply(&layers, &mut v);
            assert!(v.is_sorted(), "n={n}: pattern {pattern:#b} gives {v:?}");
        }
    }
}

#[test]
fn sorts_random_integer_inputs() {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    for n in [13usize, 17, 31, 33, 64, 100, 129] {
        let layers = merge_exchange_layers(n);
        for _ in 0..20 {
            let mut v: Vec<u64> = (0..n)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    x % 10
                })
                .collect();
            let mut expected = v.clone();
            expected.sort();
            apply(&layers, &mut v);
            assert_eq!(v, expected, "n={n}");
        }
    }
}

#[test]
fn layer_count_for_powers_of_two() {
    for k in 0..=10usize {
        let n = 1usize << k;
        assert_eq!(merge_exchange_layers(n).len(), k * (k + 1) / 2, "n = 2^{k}");
    }
}

#[test]
fn layer_count_is_at_most_that_of_the_next_power_of_two() {
    for n in 2..=300usize {
        let k = (usize::BITS - (n - 1).leading_zeros()) as usize; // ⌈log2 n⌉
        assert!(merge_exchange_layers(n).len() <= k * (k + 1) / 2, "n={n}");
    }
}

#[test]
fn layers_are_disjoint_comparators_in_range() {
    for n in 0..=70usize {
        let layers = merge_exchange_layers(n);
        if n < 2 {
            assert!(layers.is_empty(), "n={n}");
        }
        for (k, layer) in layers.iter().enumerate() {
            assert!(!layer.is_empty(), "n={n}: layer {k} is empty");
            let mut used = vec![false; n];
            for &(i, j) in layer {
                assert!(i < j && j < n, "n={n}: comparator ({i}, {j})");
                assert!(!used[i] && !used[j], "n={n}: layer {k} uses an index twice");
                used[i] = true;
                used[j] = true;
            }
        }
    }
}

/// The comparator count of Batcher's network for 2^k inputs: (k² − k + 4)·2^(k−2) − 1.
#[test]
fn comparator_count_for_powers_of_two() {
    for k in 1..=8usize {
        let n = 1usize << k;
        let count: usize = merge_exchange_layers(n).iter().map(Vec::len).sum();
        assert_eq!(count * 4, (k * k - k + 4) * n - 4, "n = 2^{k}");
    }
}
