//! `1/x` and `a/b` for secret divisors: fixed point to within a few units in
//! the last place, prime fields exactly (secint: see integer_division.rs).

use crate::common;

use cohort_mpc::{Error, SecType, Value, local};
use common::*;

#[test]
fn fixed_point_reciprocals() {
    for (l, f) in [(32u32, 16u32), (24, 8)] {
        let ty = SecType::fxp(l, f).unwrap();
        let xs: Vec<f64> = [1.0, -1.0, 2.0, 0.5, 3.0, -7.25, 100.0, 0.1, -0.0625, 1000.5, 12345.0, 1.999, -0.75]
            .into_iter()
            .filter(|&x: &f64| {
                x.abs() < 2f64.powi((l - f - 1) as i32)
                    && (1.0 / x).abs() < 2f64.powi((l - f - 1) as i32)
                    && x.abs() >= 2f64.powi(-(f as i32) + 3)
            })
            .collect();
        // Several seeds: the truncations round at random, and every path must hold.
        for (m, t, seed) in [(1, 0, 1u64), (3, 1, 2), (3, 1, 3), (3, 1, 4), (5, 1, 5), (5, 2, 6), (5, 2, 7), (7, 3, 8)] {
            let vals = xs.clone();
            let (got, _) = run_agreed(m, t, seed + u64::from(l), move |rt| {
                let vals = vals.clone();
                async move {
                    let x = input(&rt, &ty, 0, &fixed(&vals)).await?;
                    open_f64(&rt, &rt.reciprocal(&x).await?).await
                }
            });
            let ulp = 2f64.powi(-(f as i32));
            for (x, g) in xs.iter().zip(&got) {
                // x itself is rounded to f bits on input; compare with 1/x̂.
                let x_hat = (x / ulp).round_ties_even() * ulp;
                let want = 1.0 / x_hat;
                assert!(
                    (g - want).abs() <= 4.0 * ulp + want.abs() * 8.0 * ulp,
                    "secfxp({l},{f}) m={m} t={t} seed={seed}: 1/{x} = {g}, want {want}"
                );
            }
        }
    }
}

#[test]
fn fixed_point_division() {
    let ty = SecType::fxp(32, 16).unwrap();
    let pairs = [(1.0, 3.0), (-10.0, 4.0), (7.5, -0.5), (100.0, 7.0), (0.0, 5.0)];
    let (got, _) = run_agreed(3, 1, 2, move |rt| async move {
        let a = input(&rt, &ty, 0, &fixed(&pairs.map(|p| p.0))).await?;
        let b = input(&rt, &ty, 1, &fixed(&pairs.map(|p| p.1))).await?;
        open_f64(&rt, &rt.div(&a, &b).await?).await
    });
    for ((a, b), g) in pairs.iter().zip(&got) {
        let want = a / b;
        assert!((g - want).abs() <= 1e-3 + want.abs() * 1e-3, "{a}/{b} = {g}, want {want}");
    }
}

#[test]
fn field_reciprocals_are_exact() {
    let ty = SecType::fld(101).unwrap();
    let (got, _) = run_agreed(3, 1, 3, move |rt| async move {
        let x = input_ints(&rt, &ty, 0, &(1..101).collect::<Vec<_>>()).await?;
        let inv = rt.reciprocal(&x).await?;
        open_ints(&rt, &rt.mul(&x, &inv).await?).await
    });
    assert_eq!(got, vec![1; 100]);
}

#[test]
fn errors() {
    let fld = SecType::fld(101).unwrap();
    let int = SecType::int(32).unwrap();
    let out = local::run(3, 1, 4, move |rt| async move {
        let zero = input(&rt, &fld, 0, &[Value::Int(0)]).await?;
        let i = input_ints(&rt, &int, 0, &[0]).await?;
        Ok((rt.reciprocal(&zero).await.unwrap_err(), rt.reciprocal(&i).await.unwrap_err()))
    })
    .unwrap();
    let (zero, int_err) = &out.results[0];
    assert!(matches!(zero, Error::InvalidArgument(m) if m.contains("division by zero")), "{zero:?}");
    assert!(matches!(int_err, Error::InvalidArgument(m) if m.contains("division by zero")), "{int_err:?}");
}
