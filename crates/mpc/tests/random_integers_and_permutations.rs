//! Secret random integers in a range, random permutations and shuffles.

use crate::common;

use std::collections::BTreeSet;

use cohort_mpc::{Error, SecType, local};
use common::*;

#[test]
fn random_integers_stay_in_range_and_cover_it() {
    let int = SecType::int(32).unwrap();
    let fx = SecType::fxp(32, 16).unwrap();
    for (lo, hi) in [(-3i128, 4i128), (0, 8), (10, 11), (-1000, 1000)] {
        for (m, t) in [(1, 0), (3, 1), (5, 2)] {
            let (got, _) = run_agreed(m, t, (lo + 7) as u64, move |rt| async move {
                let a = rt.random_int(&int, lo, hi, 700).await?;
                let x = rt.random_int(&fx, lo, hi, 50).await?;
                Ok((open_ints(&rt, &a).await?, open_f64(&rt, &x).await?))
            });
            assert!(got.0.iter().all(|v| (lo..hi).contains(v)), "[{lo}, {hi}) m={m}: {:?}", got.0);
            assert!(got.1.iter().all(|v| v.fract() == 0.0 && (lo as f64..hi as f64).contains(v)), "{:?}", got.1);
            if hi - lo <= 8 {
                let seen: BTreeSet<i128> = got.0.iter().copied().collect();
                assert_eq!(seen, (lo..hi).collect(), "[{lo}, {hi}) m={m} t={t}");
            }
        }
    }
}

#[test]
fn random_permutations_are_permutations_and_all_orders_occur() {
    let ty = SecType::int(32).unwrap();
    for n in [0usize, 1, 2, 5, 20] {
        let (perm, _) = run_agreed(3, 1, n as u64, move |rt| async move { open_ints(&rt, &rt.random_permutation(&ty, n).await?).await });
        let mut sorted = perm.clone();
        sorted.sort();
        assert_eq!(sorted, (0..n as i128).collect::<Vec<_>>(), "n={n}: {perm:?}");
    }
    let mut orders = BTreeSet::new();
    for seed in 0..60 {
        let (perm, _) = run_agreed(3, 1, seed, move |rt| async move { open_ints(&rt, &rt.random_permutation(&ty, 3).await?).await });
        orders.insert(perm);
    }
    assert_eq!(orders.len(), 6, "{orders:?}");
}

/// The subsets' shuffle is uniform: over 600 sessions of 3 parties, each
/// of the 6 orders of 3 values comes up 60 to 140 times (100 expected; the
/// bounds are over 4 standard deviations out). With 5 parties and t = 2 (10
/// subsets), all 6 orders occur in 60 sessions.
#[test]
fn shuffles_give_every_order_equally_often() {
    let ty = SecType::int(32).unwrap();
    let count = |m: usize, t: usize, runs: u64| {
        let mut counts = std::collections::BTreeMap::<Vec<i128>, u32>::new();
        for seed in 0..runs {
            let (order, _) = run_agreed(m, t, 1_000 + seed, move |rt| async move {
                let a = input_ints(&rt, &ty, 0, &[10, 20, 30]).await?;
                open_ints(&rt, &rt.shuffle(&a).await?).await
            });
            *counts.entry(order).or_default() += 1;
        }
        counts
    };
    let counts = count(3, 1, 600);
    assert_eq!(counts.len(), 6, "{counts:?}");
    assert!(counts.values().all(|&c| (60..=140).contains(&c)), "{counts:?}");
    assert_eq!(count(5, 2, 60).len(), 6);
}

#[test]
fn shuffle_keeps_the_elements() {
    let ty = SecType::fxp(32, 16).unwrap();
    let values = [2.5, -1.0, 2.5, 7.25, 0.0, -3.5];
    for (m, t) in [(3, 1), (5, 2), (7, 3)] {
        let (got, _) = run_agreed(m, t, 9, move |rt| async move {
            let a = input(&rt, &ty, 0, &fixed(&values)).await?;
            open_f64(&rt, &rt.shuffle(&a).await?).await
        });
        let (mut got, mut want) = (got, values.to_vec());
        got.sort_by(f64::total_cmp);
        want.sort_by(f64::total_cmp);
        assert_eq!(got, want, "m={m} t={t}");
    }
}

#[test]
fn bad_ranges_are_errors() {
    let int = SecType::int(8).unwrap();
    let fld = SecType::fld(101).unwrap();
    let out = local::run(3, 1, 1, move |rt| async move {
        Ok([
            rt.random_int(&int, 5, 5, 1).await.unwrap_err(),
            rt.random_int(&int, 0, 300, 1).await.unwrap_err(),
            rt.random_int(&int, i128::MAX, i128::MIN, 1).await.unwrap_err(),
            rt.random_int(&int, i128::MIN, i128::MAX, 1).await.unwrap_err(),
            rt.random_int(&fld, 0, 10, 1).await.unwrap_err(),
        ])
    })
    .unwrap();
    let [empty, wide, reversed, huge, field] = &out.results[0];
    for e in [empty, reversed, huge] {
        assert!(matches!(e, Error::InvalidArgument(_) | Error::OutOfRange(_)), "{e:?}");
    }
    assert!(matches!(wide, Error::InvalidArgument(_) | Error::OutOfRange(_)), "{wide:?}");
    assert!(matches!(field, Error::Type(_)), "{field:?}");
}
