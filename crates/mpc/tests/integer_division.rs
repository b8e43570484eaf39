//! `a / b` for secret `secint` divisors, as MPyC: `a · b⁻¹` with the field
//! inverse, so the quotient is exact when `b` divides `a`.

use crate::common;

use cohort_mpc::{Error, SecType, Value, local};
use common::*;

#[test]
fn mpyc_expected_exact_quotient() {
    // MPyC: a, b = secint(12), secint(13); mpc.output(a * b / b) == 12.
    let ty = SecType::int(32).unwrap();
    for_all_configs(
        1,
        move |rt| async move {
            let a = input_ints(&rt, &ty, 0, &[12]).await?;
            let b = input_ints(&rt, &ty, 1, &[13]).await?;
            let ab = rt.mul(&a, &b).await?;
            open_ints(&rt, &rt.div(&ab, &b).await?).await
        },
        |m, t, got| assert_eq!(got, vec![12], "m={m} t={t}"),
    );
}

#[test]
fn negative_values() {
    let ty = SecType::int(32).unwrap();
    // (a, b): a·b / b = a, with signs every way round.
    let pairs: [(i128, i128); 6] = [(-7, 13), (7, -13), (-7, -13), (0, 5), (-1, 1), (12, -1)];
    for_all_configs(
        2,
        move |rt| async move {
            let a = input_ints(&rt, &ty, 0, &pairs.map(|p| p.0)).await?;
            let b = input_ints(&rt, &ty, 1, &pairs.map(|p| p.1)).await?;
            let ab = rt.mul(&a, &b).await?;
            // A public product too: −91 / 13 = −7.
            let c = input_ints(&rt, &ty, 2, &[-91]).await?;
            let d = input_ints(&rt, &ty, 0, &[13]).await?;
            Ok((open_ints(&rt, &rt.div(&ab, &b).await?).await?, open_ints(&rt, &rt.div(&c, &d).await?).await?))
        },
        |m, t, (got, direct)| {
            assert_eq!(got, pairs.map(|p| p.0).to_vec(), "m={m} t={t}");
            assert_eq!(direct, vec![-7], "m={m} t={t}");
        },
    );
}

#[test]
fn products_divide_back_exactly_even_when_they_wrap() {
    // a·b may leave the l-bit range (it wraps mod p), but a·b·b⁻¹ = a exactly.
    for l in [8u32, 32, 64] {
        let ty = SecType::int(l).unwrap();
        let mut a = edges(l);
        a.extend(random_ints(u64::from(l), l, 20));
        let b: Vec<i128> = random_ints(u64::from(l) + 1, l, a.len()).into_iter().map(|x| if x == 0 { 1 } else { x }).collect();
        for (m, t) in [(1, 0), (3, 1), (5, 2)] {
            let (av, bv) = (a.clone(), b.clone());
            let (got, _) = run_agreed(m, t, u64::from(l) * 10 + m as u64, move |rt| {
                let (av, bv) = (av.clone(), bv.clone());
                async move {
                    let x = input_ints(&rt, &ty, 0, &av).await?;
                    let y = input_ints(&rt, &ty, 1, &bv).await?;
                    let xy = rt.mul(&x, &y).await?;
                    open_ints(&rt, &rt.div(&xy, &y).await?).await
                }
            });
            assert_eq!(got, a, "secint({l}) m={m} t={t}");
        }
    }
}

#[test]
fn inexact_quotients_are_field_elements() {
    // As in MPyC, 12 / 13 is 12·13⁻¹ mod p (centered), not a rounded integer.
    let ty = SecType::int(32).unwrap();
    let p = ty.field().modulus();
    let (got, _) = run_agreed(3, 1, 4, move |rt| async move {
        let a = input_ints(&rt, &ty, 0, &[12]).await?;
        let b = input_ints(&rt, &ty, 1, &[13]).await?;
        let (q, inv) = (rt.div(&a, &b).await?, rt.reciprocal(&b).await?);
        Ok((open_ints(&rt, &q).await?, open_ints(&rt, &inv).await?))
    });
    assert_eq!(mul_mod(got.0[0], 13, p), 12, "{got:?}");
    assert_eq!(mul_mod(got.1[0], 13, p), 1, "{got:?}");
    assert!(got.0[0].unsigned_abs() <= p / 2);
}

#[test]
fn dividing_by_a_secret_zero_is_an_error() {
    let ty = SecType::int(32).unwrap();
    for (m, t) in [(1, 0), (3, 1), (5, 2)] {
        let out = local::run(m, t, 6, move |rt| async move {
            let a = input(&rt, &ty, 0, &[Value::Int(12), Value::Int(-7)]).await?;
            let zero = input_ints(&rt, &ty, 1, &[0, 0]).await?;
            Ok((rt.div(&a, &zero).await.unwrap_err(), rt.reciprocal(&zero).await.unwrap_err()))
        })
        .unwrap();
        for (div, rec) in &out.results {
            for e in [div, rec] {
                assert!(matches!(e, Error::InvalidArgument(msg) if msg.contains("division by zero")), "m={m} t={t}: {e:?}");
            }
        }
    }
}

#[test]
fn mixed_types_are_an_error() {
    let int = SecType::int(32).unwrap();
    let other = SecType::int(16).unwrap();
    let out = local::run(3, 1, 7, move |rt| async move {
        let a = input_ints(&rt, &int, 0, &[12]).await?;
        let b = input_ints(&rt, &other, 1, &[3]).await?;
        Ok(rt.div(&a, &b).await.unwrap_err())
    })
    .unwrap();
    assert!(matches!(&out.results[0], Error::Type(_)), "{:?}", out.results[0]);
}
