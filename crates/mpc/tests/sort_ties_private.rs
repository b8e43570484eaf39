//! The shuffled sort's public transcript does not depend on how many keys
//! are equal: the number of levels it takes (and so its rounds) is that of a
//! uniformly random order of distinct keys, whether the keys are all equal
//! or all distinct (docs/engine.md, "Sorting").

use crate::common;

use common::*;

/// 48 equal keys and 48 distinct keys, over 24 shuffles each: the rounds
/// have the same distribution (means within 10%), and equal keys never take
/// the pathological number of levels that position tie-breaking gave them
/// (every key after the pivots, one level per 3 keys).
#[test]
fn equal_keys_take_the_rounds_of_distinct_keys() {
    const N: usize = 48;
    const SHUFFLES: u64 = 24;
    let equal = vec![7i128; N];
    let distinct = random_ints(5, 32, N);
    let runs = |keys: &[i128], base: u64| (0..SHUFFLES).map(|s| sort_counting_rounds(3, 1, base + s, keys, false)).collect::<Vec<_>>();
    let (r_equal, r_distinct) = (runs(&equal, 1000), runs(&distinct, 2000));
    let mean = |r: &[u64]| r.iter().sum::<u64>() as f64 / r.len() as f64;
    let (m_equal, m_distinct) = (mean(&r_equal), mean(&r_distinct));
    assert!(
        (m_equal - m_distinct).abs() < 0.1 * m_distinct,
        "mean rounds: {m_equal} for equal keys, {m_distinct} for distinct keys ({r_equal:?} vs {r_distinct:?})"
    );
    let (max_equal, max_distinct) = (*r_equal.iter().max().unwrap(), *r_distinct.iter().max().unwrap());
    assert!(max_equal <= max_distinct + max_distinct / 5, "equal keys took up to {max_equal} rounds, distinct keys {max_distinct}");
}

/// Ties among the extremes of the type, and keys that tie in part, sort
/// right both ways for several party counts, and a level still takes 9
/// rounds: the tie-break's product is opened in the opening's round.
#[test]
fn ties_sort_right_both_ways_at_nine_rounds_a_level() {
    let (lo, hi) = (min_of(32), max_of(32));
    let mut keys: Vec<i128> = [lo, hi, 0, -1, lo, hi, hi, 0].repeat(4);
    keys.extend(random_ints(9, 32, 8));
    for (m, t, subsets) in [(3, 1, 3), (5, 2, 10)] {
        for descending in [false, true] {
            let rounds = sort_counting_rounds(m, t, 77, &keys, descending);
            assert!(rounds > subsets && (rounds - subsets).is_multiple_of(9), "m={m} t={t} descending={descending}: {rounds} rounds");
        }
    }
}
