//! Round counts from `Stats.rounds`: vector operations cost the rounds of one
//! operation however long the vectors are.

use crate::common;

use cohort_mpc::{SecType, merge_exchange_layers};
use common::*;

/// A 10,000-element multiplication is one resharing round (none for t = 0,
/// where MPyC's reshare is the identity), and its products are right.
#[test]
fn ten_thousand_multiplications_take_one_round() {
    let ty = SecType::int(32).unwrap();
    let a = random_ints(1, 32, 10_000);
    let b = random_ints(2, 32, 10_000);
    for_all_configs(
        61,
        |rt| {
            let (a, b) = (a.clone(), b.clone());
            async move {
                let x = input_ints(&rt, &ty, 0, &a).await?;
                let y = input_ints(&rt, &ty, 1, &b).await?;
                let before = rt.stats().rounds;
                let z = rt.mul(&x, &y).await?;
                let rounds = rt.stats().rounds - before;
                let opened = open_ints(&rt, &z).await?;
                Ok((rounds, opened == a.iter().zip(&b).map(|(x, y)| x * y).collect::<Vec<_>>()))
            }
        },
        |m, t, (rounds, right)| {
            assert!(right, "m={m} t={t}: wrong products");
            assert_eq!(rounds, u64::from(t > 0), "m={m} t={t}: 10,000 products in {rounds} rounds");
        },
    );
}

/// Rounds of `lt` on n pairs of secint(32), with the results checked.
fn lt_rounds(m: usize, t: usize, n: usize) -> u64 {
    let ty = SecType::int(32).unwrap();
    let a = random_ints(3 + n as u64, 32, n);
    let b = random_ints(4 + n as u64, 32, n);
    let (got, _) = run_agreed(m, t, 62, |rt| {
        let (a, b) = (a.clone(), b.clone());
        async move {
            let x = input_ints(&rt, &ty, 0, &a).await?;
            let y = input_ints(&rt, &ty, 1, &b).await?;
            let before = rt.stats().rounds;
            let c = rt.lt(&x, &y).await?;
            let rounds = rt.stats().rounds - before;
            Ok((rounds, open_ints(&rt, &c).await?))
        }
    });
    let expected: Vec<i128> = a.iter().zip(&b).map(|(x, y)| bit(x < y)).collect();
    assert_eq!(got.1, expected, "m={m} t={t} n={n}: wrong comparisons");
    got.0
}

/// A `secint(32)` comparison's rounds, exactly, for every `(m, t)`, the
/// same for 1 and 1,000 pairs. `t ≥ 1`: random bits (one round: dealt
/// bits for `t = 1`, MPyC's square roots for `t ≥ 2`), the masked opening
/// (which finishes the dealt bits in its round), a 5-level product of the
/// 32 Toft factors (a 33rd rides in the random multiplier, made alongside)
/// and `is_zero_public`: 8. `t = 0`: products are local, leaving the two
/// openings.
#[test]
fn comparisons_take_exactly_eight_rounds() {
    let mut got = Vec::new();
    for (m, t) in CONFIGS {
        let (one, many) = (lt_rounds(m, t, 1), lt_rounds(m, t, 1000));
        got.push(format!("m={m} t={t}: {one} {many}"));
    }
    let want: Vec<String> =
        CONFIGS.iter().map(|&(m, t)| if t == 0 { format!("m={m} t={t}: 2 2") } else { format!("m={m} t={t}: 8 8") }).collect();
    assert_eq!(got, want, "rounds of one and of 1,000 comparisons");
}

/// Equality and the other comparison-based operations are constant-round too.
#[test]
fn other_operations_take_rounds_independent_of_n() {
    let ty = SecType::int(32).unwrap();
    let fx = SecType::fxp(32, 16).unwrap();
    for (m, t) in [(3, 1), (5, 2), (7, 1)] {
        let mut counts = Vec::new();
        for n in [1usize, 300] {
            let xs = random_ints(5, 32, n);
            let ys = random_ints(6, 24, n);
            let (rounds, _) = run_agreed(m, t, 63, |rt| {
                let (xs, ys) = (xs.clone(), ys.clone());
                async move {
                    let x = input_ints(&rt, &ty, 0, &xs).await?;
                    let f = input_raw(&rt, &fx, 0, &ys).await?;
                    let mut r = Vec::new();
                    let mut mark = rt.stats().rounds;
                    let mut lap = |rt: &cohort_mpc::Runtime| {
                        let now = rt.stats().rounds;
                        let d = now - mark;
                        mark = now;
                        d
                    };
                    rt.eq(&x, &x).await?;
                    r.push(lap(&rt));
                    rt.is_zero(&x).await?;
                    r.push(lap(&rt));
                    rt.abs(&x).await?;
                    r.push(lap(&rt));
                    rt.sign(&x).await?;
                    r.push(lap(&rt));
                    rt.min_pairwise(&x, &x).await?;
                    r.push(lap(&rt));
                    rt.mul(&f, &f).await?;
                    r.push(lap(&rt));
                    rt.random_bits(&ty, n).await?;
                    r.push(lap(&rt));
                    rt.reveal_all(&x).await?;
                    r.push(lap(&rt));
                    Ok(r)
                }
            });
            counts.push(rounds);
        }
        assert_eq!(
            counts[0], counts[1],
            "m={m} t={t}: rounds of eq, is_zero, abs, sign, min_pairwise, fxp mul, random_bits, reveal for n=1 vs n=300"
        );
        // Random bits: dealt and multiplied for t = 1, square roots for t ≥ 2.
        let bits = if t == 1 { 2 } else { 1 };
        assert_eq!(
            counts[0],
            [6, 6, 8, 8, 8, 2, bits, 1],
            "m={m} t={t}: rounds of eq, is_zero, abs, sign, min_pairwise, fxp mul, random_bits, reveal"
        );
    }
}

/// Sorting 64 rows by key (the merge-exchange network, which rows keep):
/// 21 layers of 7 rounds, and one for the first layer's bits.
#[test]
fn sorting_64_rows_takes_seven_rounds_a_layer() {
    let ty = SecType::int(32).unwrap();
    let layers = merge_exchange_layers(64).len() as u64;
    assert_eq!(layers, 21);
    for (m, t) in [(3, 1), (5, 1), (7, 3)] {
        let xs = random_ints(7, 32, 64);
        let (got, _) = run_agreed(m, t, 64, |rt| {
            let xs = xs.clone();
            async move {
                let x = input_ints(&rt, &ty, 0, &xs).await?;
                let before = rt.stats().rounds;
                let (s, rows) = rt.sort_by_key(&x, std::slice::from_ref(&x), false).await?;
                let rounds = rt.stats().rounds - before;
                Ok((rounds, open_ints(&rt, &s).await?, open_ints(&rt, &rows[0]).await?))
            }
        });
        let mut sorted = xs.clone();
        sorted.sort();
        assert_eq!((&got.1, &got.2), (&sorted, &sorted), "m={m} t={t}");
        // Each layer: the masked opening, 5 product levels and
        // is_zero_public, its swaps multiplied inside and the next layer's
        // bits dealt alongside.
        assert_eq!(got.0, layers * 7 + 1, "m={m} t={t}: rounds of sorting 64 rows");
    }
}

/// Sorting keys: one round per PRSS subset for the shuffle (3, 5 and 35
/// subsets here), then levels of one comparison (8 rounds) and its opening.
/// 64 keys split around 3 pivots a level take 4 to 7 levels in 2,000
/// simulated orders, where the network takes 148 rounds.
#[test]
fn sorting_64_keys_takes_a_round_per_subset_and_nine_per_level() {
    for (m, t, subsets) in [(3, 1, 3), (5, 1, 5), (7, 3, 35)] {
        let rounds = sort_counting_rounds(m, t, 7, &random_ints(7, 32, 64), false);
        let levels = (rounds - subsets) / 9;
        assert_eq!(rounds, subsets + 9 * levels, "m={m} t={t}: {rounds} rounds");
        assert!((3..=8).contains(&levels), "m={m} t={t}: {levels} levels");
    }
}

/// 256 keys in at most 130 rounds, for several shuffles (at most 11 levels,
/// 102 rounds, in 4,000 simulated orders).
#[test]
fn sorting_256_keys_takes_at_most_130_rounds() {
    for seed in 1..=4 {
        let rounds = sort_counting_rounds(3, 1, seed, &random_ints(seed, 32, 256), false);
        assert!(rounds <= 130 && (rounds - 3).is_multiple_of(9), "seed {seed}: {rounds} rounds");
    }
}

/// min/argmin over n values, checked: ⌈log2 n⌉ levels of a comparison
/// (7 rounds: the winners are selected inside it, the next level's bits
/// dealt alongside), and one round for the first level's bits.
#[test]
fn argmin_rounds_follow_the_tournament_depth() {
    let ty = SecType::int(32).unwrap();
    for (m, t) in [(3, 1), (5, 2)] {
        for n in [2usize, 5, 17] {
            let xs = random_ints(8, 32, n);
            let (got, _) = run_agreed(m, t, 65, |rt| {
                let xs = xs.clone();
                async move {
                    let x = input_ints(&rt, &ty, 0, &xs).await?;
                    let before = rt.stats().rounds;
                    let (i, v) = rt.argmin(&x).await?;
                    let rounds = rt.stats().rounds - before;
                    Ok((rounds, open_ints(&rt, &i).await?, open_ints(&rt, &v).await?))
                }
            });
            let min = *xs.iter().min().unwrap();
            let first = xs.iter().position(|&x| x == min).unwrap() as i128;
            assert_eq!((got.1, got.2), (vec![first], vec![min]), "m={m} t={t} n={n}");
            let depth = u64::from(usize::BITS - (n - 1).leading_zeros());
            assert_eq!(got.0, 7 * depth + 1, "m={m} t={t} n={n}: rounds of argmin");
        }
    }
}

/// find over n values, checked: the equality tests side by side (6 rounds
/// for `secint(32)`: see `eq_zero_raw`), then ⌈log2 n⌉ levels of one multiplication round.
#[test]
fn find_rounds_follow_the_halving_depth() {
    let ty = SecType::int(32).unwrap();
    for (m, t) in [(3, 1), (5, 2)] {
        for n in [1usize, 2, 5, 17, 64] {
            let mut xs = random_ints(9, 32, n);
            xs[n - 1] = 12345;
            let (got, _) = run_agreed(m, t, 66, |rt| {
                let xs = xs.clone();
                async move {
                    let x = input_ints(&rt, &ty, 0, &xs).await?;
                    let a = input_ints(&rt, &ty, 1, &[12345]).await?;
                    let before = rt.stats().rounds;
                    let i = rt.find(&x, &a, None).await?;
                    let rounds = rt.stats().rounds - before;
                    Ok((rounds, open_ints(&rt, &i).await?))
                }
            });
            let first = xs.iter().position(|&x| x == 12345).unwrap() as i128;
            assert_eq!(got.1, vec![first], "m={m} t={t} n={n}");
            let depth = u64::from(usize::BITS - (n - 1).leading_zeros());
            assert_eq!(got.0, 6 + depth, "m={m} t={t} n={n}: rounds of find");
        }
    }
}

/// Max by key carries the rows in the knock-out's rounds: as argmin's,
/// ⌈log2 n⌉ levels of 7 and one round for the first level's bits.
#[test]
fn max_by_key_rounds_follow_the_tournament_depth() {
    let ty = SecType::int(32).unwrap();
    for (m, t) in [(3, 1), (5, 2)] {
        for n in [2usize, 5, 17] {
            let keys = random_ints(10, 32, n);
            let rows: Vec<i128> = (0..3 * n as i128).collect();
            let (got, _) = run_agreed(m, t, 67, |rt| {
                let (keys, rows) = (keys.clone(), rows.clone());
                async move {
                    let k = input_ints(&rt, &ty, 0, &keys).await?;
                    let r = input_ints(&rt, &ty, 1, &rows).await?;
                    let before = rt.stats().rounds;
                    let row = rt.extreme_by_key(&k, &r, 3, true).await?;
                    let rounds = rt.stats().rounds - before;
                    Ok((rounds, open_ints(&rt, &row).await?))
                }
            });
            let max = *keys.iter().max().unwrap();
            let i = keys.iter().position(|&x| x == max).unwrap() as i128;
            assert_eq!(got.1, vec![3 * i, 3 * i + 1, 3 * i + 2], "m={m} t={t} n={n}");
            let depth = u64::from(usize::BITS - (n - 1).leading_zeros());
            assert_eq!(got.0, 7 * depth + 1, "m={m} t={t} n={n}: rounds of max by key");
        }
    }
}

/// The mode of n secint(32) values: the pairwise equality tests (6), a
/// knock-out of the counts on c = ⌈log2(n + 1)⌉ bits (1 + (2 + ⌈log2 c⌉) a
/// level), their equality with the greatest (2 + ⌈log2 c⌉), one product,
/// and a knock-out of the values (1 + 7 a level).
#[test]
fn mode_rounds() {
    let ty = SecType::int(32).unwrap();
    let clog2 = |x: u64| u64::from(64 - (x.max(1) - 1).leading_zeros());
    for (m, t) in [(3, 1), (5, 2)] {
        for n in [2usize, 5, 17, 40] {
            let xs: Vec<i128> = random_ints(11, 3, n);
            let (got, _) = run_agreed(m, t, 68, |rt| {
                let xs = xs.clone();
                async move {
                    let x = input_ints(&rt, &ty, 0, &xs).await?;
                    let before = rt.stats().rounds;
                    let mode = rt.mode(&x).await?;
                    Ok((rt.stats().rounds - before, open_ints(&rt, &mode).await?))
                }
            });
            let depth = clog2(n as u64);
            let c = u64::from(usize::BITS - n.leading_zeros());
            let want = 6 + (1 + depth * (2 + clog2(c))) + (2 + clog2(c)) + 1 + (1 + 7 * depth);
            assert_eq!(got.0, want, "m={m} t={t} n={n}: rounds of mode");
        }
    }
}
