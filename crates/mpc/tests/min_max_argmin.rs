//! min, max, argmin, argmax of vectors (ties: the first occurrence), for
//! every `(m, t)`, several lengths and types.

mod common;

use cohort_mpc::{Error, SecType, local};
use common::*;
use proptest::prelude::*;

fn first_min(xs: &[i128]) -> (usize, i128) {
    let mut best = 0;
    for i in 1..xs.len() {
        if xs[i] < xs[best] {
            best = i;
        }
    }
    (best, xs[best])
}

fn first_max(xs: &[i128]) -> (usize, i128) {
    let mut best = 0;
    for i in 1..xs.len() {
        if xs[i] > xs[best] {
            best = i;
        }
    }
    (best, xs[best])
}

fn check(ty: SecType, cases: &[Vec<i128>], configs: &[(usize, usize)]) {
    let one = 1i128 << ty.frac();
    for &(m, t) in configs {
        let (got, _) = run_agreed(m, t, 41, |rt| {
            let cases = cases.to_vec();
            async move {
                let mut out = Vec::new();
                for xs in &cases {
                    let x = input_raw(&rt, &ty, 1, xs).await?;
                    let mn = rt.min(&x).await?;
                    let mx = rt.max(&x).await?;
                    let (imn, vmn) = rt.argmin(&x).await?;
                    let (imx, vmx) = rt.argmax(&x).await?;
                    let mut r = Vec::new();
                    for v in [&mn, &mx, &imn, &vmn, &imx, &vmx] {
                        r.push(rt.reveal_all(v).await?[0]);
                    }
                    out.push(r);
                }
                Ok(out)
            }
        });
        for (xs, r) in cases.iter().zip(got) {
            let (imin, vmin) = first_min(xs);
            let (imax, vmax) = first_max(xs);
            let e = |raw| expect(&ty, raw);
            assert_eq!(r[0], e(vmin), "{ty} m={m} t={t} min {xs:?}");
            assert_eq!(r[1], e(vmax), "{ty} m={m} t={t} max {xs:?}");
            assert_eq!(r[2], e(imin as i128 * one), "{ty} m={m} t={t} argmin index {xs:?}");
            assert_eq!(r[3], e(vmin), "{ty} m={m} t={t} argmin value {xs:?}");
            assert_eq!(r[4], e(imax as i128 * one), "{ty} m={m} t={t} argmax index {xs:?}");
            assert_eq!(r[5], e(vmax), "{ty} m={m} t={t} argmax value {xs:?}");
        }
    }
}

fn cases(ty: &SecType, seed: u64) -> Vec<Vec<i128>> {
    let l = ty.bits();
    let (hi, lo) = (max_of(l), min_of(l));
    let mut out = vec![
        vec![5],
        vec![hi, lo],
        vec![lo, hi],
        vec![hi, hi, lo, lo],
        vec![7, 7, 7],
        vec![3, 1, 1, 2],
        vec![0, -1, hi, -1, lo, hi, lo, 0],
        edges(l),
    ];
    for n in [2usize, 3, 5, 8, 17] {
        // Few distinct values, so ties are common.
        let small: Vec<i128> = random_ints(seed + n as u64, 3, n);
        out.push(small);
        out.push(random_ints(seed + 100 + n as u64, l, n));
    }
    out
}

#[test]
fn secint32_every_config() {
    let ty = SecType::int(32).unwrap();
    check(ty, &cases(&ty, 400), &CONFIGS);
}

#[test]
fn other_ordered_types() {
    for ty in [SecType::int(8).unwrap(), SecType::int(64).unwrap(), SecType::fxp(32, 16).unwrap()] {
        check(ty, &cases(&ty, 410), &[(1, 0), (3, 1), (5, 2), (7, 1)]);
    }
}

#[test]
fn ties_go_to_the_first_occurrence() {
    let ty = SecType::int(32).unwrap();
    let mut cs = Vec::new();
    for n in 1..=9usize {
        cs.push(vec![4; n]);
        for k in 0..n {
            let mut v = vec![4; n];
            v[k] = 3; // one strict minimum
            cs.push(v.clone());
            v[k] = 5; // one strict maximum
            cs.push(v);
        }
    }
    cs.push(vec![2, 9, 2, 9, 2, 9]);
    cs.push(vec![9, 2, 9, 2, 9, 2, 9]);
    check(ty, &cs, &[(1, 0), (3, 1), (5, 1)]);
}

#[test]
fn empty_vector_is_an_error() {
    let ty = SecType::int(32).unwrap();
    let err = local::run(3, 1, 1, |rt| async move {
        let x = input_ints(&rt, &ty, 0, &[]).await?;
        rt.argmax(&x).await.map(|_| ())
    })
    .unwrap_err();
    assert!(matches!(err, Error::InvalidArgument(_)), "{err:?}");
    let err = local::run(1, 0, 1, |rt| async move {
        let x = input_ints(&rt, &ty, 0, &[]).await?;
        rt.min(&x).await.map(|_| ())
    })
    .unwrap_err();
    assert!(matches!(err, Error::InvalidArgument(_)), "{err:?}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(8))]

    #[test]
    fn random_secint32(xs in prop::collection::vec(prop_oneof![i32::MIN..=i32::MAX, -2i32..=2], 1..20), config in 0usize..CONFIGS.len()) {
        let xs: Vec<i128> = xs.into_iter().map(i128::from).collect();
        check(SecType::int(32).unwrap(), &[xs], &[CONFIGS[config]]);
    }
}
