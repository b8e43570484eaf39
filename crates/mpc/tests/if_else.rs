//! if_else(c, a, b) with secret bits (input and computed), and the pairwise
//! minimum and maximum built on it, for every `(m, t)` and type.

use crate::common;

use cohort_mpc::{Error, SecType, local};
use common::*;

#[test]
fn if_else_selects_by_a_secret_bit() {
    for (s, ty) in all_types().into_iter().enumerate() {
        let a = raw_samples(&ty, 300 + s as u64, 6);
        let mut b = a.clone();
        b.rotate_left(1);
        let c: Vec<i128> = (0..a.len()).map(|i| bit(i % 3 != 1)).collect();
        let one = 1i128 << ty.frac();
        let expected = expects(&ty, (0..a.len()).map(|i| if c[i] == 1 { a[i] } else { b[i] }));
        let expected_not = expects(&ty, (0..a.len()).map(|i| if c[i] == 1 { b[i] } else { a[i] }));
        for_all_configs(
            31,
            |rt| {
                let (a, b, c) = (a.clone(), b.clone(), c.clone());
                async move {
                    let x = input_raw(&rt, &ty, 0, &a).await?;
                    let y = input_raw(&rt, &ty, 1, &b).await?;
                    let cond = input_raw(&rt, &ty, 2, &c.iter().map(|&v| v * one).collect::<Vec<_>>()).await?;
                    let before = rt.stats().rounds;
                    let z = rt.if_else(&cond, &x, &y).await?;
                    let rounds = rt.stats().rounds - before;
                    let w = rt.if_else(&cond, &y, &x).await?;
                    let same = rt.if_else(&cond, &x, &x).await?;
                    Ok((rt.reveal_all(&z).await?, rt.reveal_all(&w).await?, rt.reveal_all(&same).await?, rounds))
                }
            },
            |m, t, (z, w, same, rounds)| {
                assert_eq!(z, expected, "{ty} m={m} t={t} if_else(c, a, b)");
                assert_eq!(w, expected_not, "{ty} m={m} t={t} if_else(c, b, a)");
                assert_eq!(same, expects(&ty, a.iter().copied()), "{ty} m={m} t={t} if_else(c, a, a)");
                assert_eq!(rounds, u64::from(t > 0), "{ty} m={m} t={t}: one multiplication");
            },
        );
    }
}

/// Conditions from comparisons drive the selection (c = [a < b] gives min).
#[test]
fn if_else_on_comparison_results_and_pairwise_min_max() {
    for (s, ty) in ordered_types().into_iter().enumerate() {
        let e = raw_edges(&ty);
        let (mut a, mut b) = all_pairs(&e[..e.len().min(7)]);
        a.extend(raw_random(&ty, 310 + s as u64, 6));
        b.extend(raw_random(&ty, 320 + s as u64, 6));
        let exp_min = expects(&ty, a.iter().zip(&b).map(|(&x, &y)| x.min(y)));
        let exp_max = expects(&ty, a.iter().zip(&b).map(|(&x, &y)| x.max(y)));
        for_all_configs(
            32,
            |rt| {
                let (a, b) = (a.clone(), b.clone());
                async move {
                    let x = input_raw(&rt, &ty, 0, &a).await?;
                    let y = input_raw(&rt, &ty, 1, &b).await?;
                    let c = rt.lt(&x, &y).await?;
                    let sel = rt.if_else(&c, &x, &y).await?;
                    let mn = rt.min_pairwise(&x, &y).await?;
                    let mx = rt.max_pairwise(&x, &y).await?;
                    Ok((rt.reveal_all(&sel).await?, rt.reveal_all(&mn).await?, rt.reveal_all(&mx).await?))
                }
            },
            |m, t, (sel, mn, mx)| {
                assert_eq!(sel, exp_min, "{ty} m={m} t={t} if_else(a < b, a, b)");
                assert_eq!(mn, exp_min, "{ty} m={m} t={t} min_pairwise");
                assert_eq!(mx, exp_max, "{ty} m={m} t={t} max_pairwise");
            },
        );
    }
}

/// A condition from another field, or operands of different types, are type errors.
#[test]
fn if_else_type_errors() {
    let (i8t, i32t) = (SecType::int(8).unwrap(), SecType::int(32).unwrap());
    let err = local::run(3, 1, 1, |rt| async move {
        let c = input_ints(&rt, &i8t, 0, &[1]).await?;
        let x = input_ints(&rt, &i32t, 0, &[5]).await?;
        rt.if_else(&c, &x, &x).await
    })
    .unwrap_err();
    assert!(matches!(err, Error::Type(_)), "{err:?}");
    let err = local::run(3, 1, 1, |rt| async move {
        let c = input_ints(&rt, &i32t, 0, &[1]).await?;
        let x = input_ints(&rt, &i32t, 0, &[5]).await?;
        let y = input_ints(&rt, &i8t, 0, &[5]).await?;
        rt.if_else(&c, &x, &y).await
    })
    .unwrap_err();
    assert!(matches!(err, Error::Type(_)), "{err:?}");
    let err = local::run(3, 1, 1, |rt| async move {
        let c = input_ints(&rt, &i32t, 0, &[1, 0]).await?;
        let x = input_ints(&rt, &i32t, 0, &[5, 6, 7]).await?;
        rt.if_else(&c, &x, &x).await
    })
    .unwrap_err();
    assert!(matches!(err, Error::InvalidArgument(_)), "{err:?}");
}
