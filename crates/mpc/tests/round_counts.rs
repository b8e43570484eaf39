//! Round counts from `Stats.rounds`: vector operations cost the rounds of one
//! operation however long the vectors are.

mod common;

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

/// A comparison costs a constant number of rounds, at most 10 (MPyC: random
/// bits, the masked opening, a ⌈log2(l + 1)⌉-level product, is_zero_public).
#[test]
fn comparisons_take_constant_rounds_at_most_ten() {
    let mut bad = Vec::new();
    for (m, t) in CONFIGS {
        let one = lt_rounds(m, t, 1);
        let many = lt_rounds(m, t, 1000);
        if one != many || many > 10 {
            bad.push(format!("m={m} t={t}: n=1 in {one} rounds, n=1000 in {many}"));
        }
    }
    assert!(bad.is_empty(), "secint(32) comparisons must take the same number of rounds, at most 10:\n{}", bad.join("\n"));
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
        assert_eq!(counts[0][7], 1, "m={m} t={t}: reveal is one round");
    }
}

/// Sorting 64 values costs at most layers × (comparison rounds + 1).
#[test]
fn sorting_64_values_is_bounded_by_the_network_depth() {
    let ty = SecType::int(32).unwrap();
    let layers = merge_exchange_layers(64).len() as u64;
    assert_eq!(layers, 21);
    for (m, t) in [(3, 1), (5, 1), (7, 3)] {
        let lt = lt_rounds(m, t, 32);
        let xs = random_ints(7, 32, 64);
        let (got, _) = run_agreed(m, t, 64, |rt| {
            let xs = xs.clone();
            async move {
                let x = input_ints(&rt, &ty, 0, &xs).await?;
                let before = rt.stats().rounds;
                let s = rt.sort(&x, false).await?;
                let rounds = rt.stats().rounds - before;
                Ok((rounds, open_ints(&rt, &s).await?))
            }
        });
        let mut sorted = xs.clone();
        sorted.sort();
        assert_eq!(got.1, sorted, "m={m} t={t}");
        assert!(got.0 <= layers * (lt + 1), "m={m} t={t}: sort of 64 took {} rounds; bound {layers} × ({lt} + 1)", got.0);
    }
}

/// min/argmin over n values: ⌈log2 n⌉ levels of a comparison and a multiplication.
#[test]
fn argmin_rounds_follow_the_tournament_depth() {
    let ty = SecType::int(32).unwrap();
    for (m, t) in [(3, 1), (5, 2)] {
        let lt = lt_rounds(m, t, 8);
        for n in [2usize, 5, 17] {
            let xs = random_ints(8, 32, n);
            let (rounds, _) = run_agreed(m, t, 65, |rt| {
                let xs = xs.clone();
                async move {
                    let x = input_ints(&rt, &ty, 0, &xs).await?;
                    let before = rt.stats().rounds;
                    rt.argmin(&x).await?;
                    Ok(rt.stats().rounds - before)
                }
            });
            let depth = u64::from(usize::BITS - (n - 1).leading_zeros());
            assert!(rounds <= depth * (lt + 1), "m={m} t={t} n={n}: argmin took {rounds} rounds, bound {depth} × ({lt} + 1)");
        }
    }
}
