//! Secret random derangements (permutations without a fixed point), as in
//! MPyC's `secretsanta` demo.

use crate::common;

use std::collections::BTreeSet;

use cohort_mpc::{Error, SecType, local};
use common::*;

/// Whether `perm` is a permutation of `0..n` with no fixed point.
fn is_derangement(perm: &[i128], n: usize) -> bool {
    let mut sorted = perm.to_vec();
    sorted.sort();
    sorted == (0..n as i128).collect::<Vec<_>>() && perm.iter().enumerate().all(|(i, &p)| p != i as i128)
}

#[test]
fn derangements_are_permutations_without_fixed_points() {
    let int = SecType::int(32).unwrap();
    let fld = SecType::fld(P61).unwrap();
    for (m, t) in CONFIGS.into_iter().filter(|&(m, _)| m <= 5) {
        let (got, _) = run_agreed(m, t, 11 + (m * 8 + t) as u64, move |rt| async move {
            let mut out = Vec::new();
            for n in [2usize, 3, 5, 10] {
                let a = rt.random_derangement(&int, n).await?;
                let b = rt.random_derangement(&fld, n).await?;
                assert_eq!((a.len(), b.len(), *a.ty(), *b.ty()), (n, n, int, fld));
                out.push((n, open_ints(&rt, &a).await?, open_ints(&rt, &b).await?));
            }
            Ok(out)
        });
        for (n, a, b) in got {
            assert!(is_derangement(&a, n), "secint m={m} t={t} n={n}: {a:?}");
            assert!(is_derangement(&b, n), "secfld m={m} t={t} n={n}: {b:?}");
            if n == 2 {
                assert_eq!((a, b), (vec![1, 0], vec![1, 0]));
            }
        }
    }
}

#[test]
fn every_derangement_of_three_occurs() {
    let ty = SecType::int(32).unwrap();
    let mut counts = std::collections::BTreeMap::new();
    for seed in 0..40 {
        let (perm, _) = run_agreed(3, 1, seed, move |rt| async move { open_ints(&rt, &rt.random_derangement(&ty, 3).await?).await });
        assert!(is_derangement(&perm, 3), "seed {seed}: {perm:?}");
        *counts.entry(perm).or_insert(0) += 1;
    }
    let seen: BTreeSet<Vec<i128>> = counts.keys().cloned().collect();
    assert_eq!(seen, BTreeSet::from([vec![1, 2, 0], vec![2, 0, 1]]), "{counts:?}");
}

#[test]
fn derangements_run_concurrently() {
    // Two derangements joined in one program share their rounds and still agree.
    let ty = SecType::int(16).unwrap();
    let (got, _) = run_agreed(5, 2, 3, move |rt| async move {
        let (a, b) = futures_util::future::try_join(rt.random_derangement(&ty, 4), rt.random_derangement(&ty, 6)).await?;
        Ok((open_ints(&rt, &a).await?, open_ints(&rt, &b).await?))
    });
    assert!(is_derangement(&got.0, 4), "{:?}", got.0);
    assert!(is_derangement(&got.1, 6), "{:?}", got.1);
}

#[test]
fn errors() {
    let int = SecType::int(32).unwrap();
    let small = SecType::int(4).unwrap();
    let fxp = SecType::fxp(32, 16).unwrap();
    let out = local::run(3, 1, 5, move |rt| async move {
        Ok([
            rt.random_derangement(&int, 0).await.unwrap_err(),
            rt.random_derangement(&int, 1).await.unwrap_err(),
            rt.random_derangement(&fxp, 3).await.unwrap_err(),
            rt.random_derangement(&small, 9).await.unwrap_err(),
        ])
    })
    .unwrap();
    let [zero, one, fixed_point, too_many] = &out.results[0];
    assert!(matches!(zero, Error::InvalidArgument(m) if m.contains("no derangement of 0")), "{zero:?}");
    assert!(matches!(one, Error::InvalidArgument(m) if m.contains("no derangement of 1")), "{one:?}");
    assert!(matches!(fixed_point, Error::Type(_)), "{fixed_point:?}");
    assert!(matches!(too_many, Error::OutOfRange(_)), "{too_many:?}");
}

/// The PRSS subsets' shuffle needs no comparisons, so a field too small to
/// compare in still shuffles; without PRSS, the shuffle sorts random keys,
/// and such a field is refused.
#[test]
fn a_field_too_small_to_compare_in_shuffles_only_with_prss() {
    let tiny_field = SecType::fld(P101).unwrap();
    for prss in [true, false] {
        let mut s = sessions(&configs(3, 1, 6, prss), move |rt| async move {
            let d = rt.random_derangement(&tiny_field, 3).await?;
            open_ints(&rt, &d).await
        });
        for result in drive(&mut s, |_, _, _, _| {}) {
            match (prss, result) {
                (true, Ok(perm)) => assert!(is_derangement(&perm, 3), "{perm:?}"),
                (false, Err(e)) => assert!(matches!(e, Error::InvalidArgument(_)), "{e:?}"),
                (_, other) => panic!("prss={prss}: {other:?}"),
            }
        }
    }
}

#[test]
fn a_batch_of_candidates_costs_the_rounds_of_one() {
    // Each batch: the rounds of one random permutation (its candidates are
    // drawn side by side), ⌈log2(n − 1)⌉ product levels (at least one
    // multiplication, none for t = 0) and one opening.
    let ty = SecType::int(32).unwrap();
    for (m, t) in [(1, 0), (3, 1), (5, 2)] {
        for n in [2usize, 10] {
            let (rounds, _) = run_agreed(m, t, 21 + n as u64, move |rt| async move {
                let before = rt.stats().rounds;
                rt.random_permutation(&ty, n).await?;
                let middle = rt.stats().rounds;
                let d = rt.random_derangement(&ty, n).await?;
                let after = rt.stats().rounds;
                assert!(is_derangement(&open_ints(&rt, &d).await?, n));
                Ok((middle - before, after - middle))
            });
            let (permutation, derangement) = rounds;
            let levels = if t == 0 { 0 } else { (usize::BITS - (n - 2).leading_zeros()).max(1) as u64 };
            let batch = permutation + levels + 1;
            assert!(derangement > 0 && derangement % batch == 0, "m={m} t={t} n={n}: {derangement} rounds, batches of {batch}");
            assert!(derangement <= 3 * batch, "m={m} t={t} n={n}: {derangement} rounds, batches of {batch}");
        }
    }
}
