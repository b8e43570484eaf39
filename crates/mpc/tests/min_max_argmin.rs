//! min, max, argmin, argmax of vectors (ties: the first occurrence), for
//! every `(m, t)`, several lengths and types.

use crate::common;

use cohort_mpc::{Error, SecType, Value, local};
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

/// Raw values of `ty`, `n` of them, with the extremes planted: the least
/// value at `mins` and the greatest at `maxes` (ties, so the first of each
/// must win), everything else strictly between.
fn planted(ty: &SecType, seed: u64, n: usize, mins: &[usize], maxes: &[usize]) -> Vec<i128> {
    let l = ty.bits();
    let mut xs: Vec<i128> = random_ints(seed, l, n).into_iter().map(|x| x.clamp(min_of(l) + 1, max_of(l) - 1)).collect();
    for &i in mins {
        xs[i] = min_of(l);
    }
    for &i in maxes {
        xs[i] = max_of(l);
    }
    xs
}

/// min, max, argmin and argmax of vectors longer than `ty` can count
/// (more than 2^(l−1−f) values): the values stay in `ty`, and the index
/// comes back in [`SecType::index_type`], here `secfld(p)` over `ty`'s field.
fn check_long(ty: SecType, xs: Vec<i128>, m: usize, t: usize) {
    let n = xs.len();
    let index_ty = ty.index_type(n);
    let ((values, indices, index_types), _) = run_agreed(m, t, 43, |rt| {
        let xs = xs.clone();
        async move {
            let x = input_raw(&rt, &ty, 1, &xs).await?;
            let (mn, mx) = (rt.min(&x).await?, rt.max(&x).await?);
            let ((imn, vmn), (imx, vmx)) = (rt.argmin(&x).await?, rt.argmax(&x).await?);
            let mut values = Vec::new();
            for v in [&mn, &mx, &vmn, &vmx] {
                values.push(rt.reveal_all(v).await?[0]);
            }
            let indices = vec![rt.reveal_all(&imn).await?[0], rt.reveal_all(&imx).await?[0]];
            Ok((values, indices, vec![*imn.ty(), *imx.ty()]))
        }
    });
    let ((imin, vmin), (imax, vmax)) = (first_min(&xs), first_max(&xs));
    let (vmin, vmax) = (value_of(&ty, vmin), value_of(&ty, vmax));
    assert_eq!(values, vec![vmin, vmax, vmin, vmax], "{ty} n={n} m={m}: min, max, argmin's and argmax's values");
    assert_eq!(index_types, vec![index_ty, index_ty], "{ty} n={n}");
    let index = |i: usize| if index_ty == ty { value_of(&ty, (i as i128) << ty.frac()) } else { Value::Int(i as i128) };
    assert_eq!(indices, vec![index(imin), index(imax)], "{ty} n={n} m={m}: argmin, argmax");
}

#[test]
fn long_secint8_vectors() {
    let ty = SecType::int(8).unwrap();
    // 130: the first maximum at 128 (tied at 129), the only minimum at 127.
    check_long(ty, planted(&ty, 430, 130, &[127], &[128, 129]), 3, 1);
    // 300: minima at 200 and 299, maxima at 150, 151 and 290.
    check_long(ty, planted(&ty, 431, 300, &[200, 299], &[150, 151, 290]), 3, 1);
    check_long(ty, planted(&ty, 432, 300, &[299], &[0, 299]), 5, 2);
    // Minimum at the very end, maximum at the start, ties all over.
    check_long(ty, planted(&ty, 433, 130, &[129], &[0, 64, 129 - 1]), 3, 0);
}

#[test]
fn long_secfxp_vectors() {
    // secfxp(16, 8) counts to 127: the index of 130 or 300 values is secfld.
    let small = SecType::fxp(16, 8).unwrap();
    check_long(small, planted(&small, 434, 130, &[128, 129], &[129 - 2]), 3, 1);
    check_long(small, planted(&small, 435, 300, &[3, 250], &[260, 261]), 3, 1);
    // secfxp(32, 16) counts to 2^15 − 1: the index stays secfxp, as MPyC's.
    let wide = SecType::fxp(32, 16).unwrap();
    check_long(wide, planted(&wide, 436, 300, &[170, 171], &[299]), 3, 1);
}

#[test]
fn index_type_is_the_element_type_while_it_can_count() {
    let s8 = SecType::int(8).unwrap();
    assert_eq!(s8.index_type(1), s8);
    assert_eq!(s8.index_type(128), s8);
    let fld = s8.index_type(129);
    assert_eq!(fld, SecType::fld(s8.field().modulus()).unwrap());
    assert_eq!(fld.field(), s8.field());
    let f = SecType::fxp(16, 8).unwrap();
    assert_eq!(f.index_type(128), f);
    assert_eq!(f.index_type(129), SecType::fld(f.field().modulus()).unwrap());
    let p = SecType::fld(101).unwrap();
    assert_eq!(p.index_type(1000), p);
}
