//! Statistics with MPyC's formulas and rounding: mean, variance, pvariance,
//! stdev, median, covariance; secint exactly, secfxp within tolerance.

mod common;

use cohort_mpc::{Error, SecType, local};
use common::*;

fn isqrt(v: i128) -> i128 {
    let mut r = (v as f64).sqrt() as i128;
    while r * r > v {
        r -= 1;
    }
    while (r + 1) * (r + 1) <= v {
        r += 1;
    }
    r
}

/// MPyC's secint statistics in plain integers.
fn plain(xs: &[i128]) -> (i128, i128, i128, i128, i128) {
    let n = xs.len() as i128;
    let s: i128 = xs.iter().sum();
    let mean = (s + n / 2).div_euclid(n);
    let var_with = |c: i128| {
        let d = n * n * (n - c);
        if d == 0 {
            return 0; // not defined for a single value; the caller skips it
        }
        let dot: i128 = xs.iter().map(|x| (n * x - s) * (n * x - s)).sum();
        (dot + d / 2).div_euclid(d)
    };
    let mut sorted = xs.to_vec();
    sorted.sort();
    let k = xs.len() / 2;
    let median = if xs.len() % 2 == 1 { sorted[k] } else { (sorted[k - 1] + sorted[k]).div_euclid(2) };
    (mean, var_with(1), var_with(0), isqrt(var_with(1)), median)
}

#[test]
fn mpyc_expected_results() {
    let ty = SecType::int(32).unwrap();
    let (got, _) = run_agreed(3, 1, 1, move |rt| async move {
        let a = input_ints(&rt, &ty, 0, &[1, 2]).await?;
        let b = input_ints(&rt, &ty, 0, &[1, 2, 4]).await?;
        let up = input_ints(&rt, &ty, 0, &(0..16).collect::<Vec<_>>()).await?;
        let down = input_ints(&rt, &ty, 1, &(0..16).rev().collect::<Vec<_>>()).await?;
        let c = input_ints(&rt, &ty, 0, &[1, 4]).await?;
        Ok([
            open_ints(&rt, &rt.mean(&a).await?).await?[0],
            open_ints(&rt, &rt.variance(&b).await?).await?[0],
            open_ints(&rt, &rt.covariance(&up, &down).await?).await?[0],
            open_ints(&rt, &rt.median(&c).await?).await?[0],
        ])
    });
    assert_eq!(got, [2, 2, -23, 2]);
}

#[test]
fn secint_statistics_match_mpyc_rounding() {
    let ty = SecType::int(32).unwrap();
    let samples: Vec<Vec<i128>> = vec![vec![7], vec![3, -4], vec![52, 61, 47, 70], vec![-5, 0, 5, 9, 9, 12, -30], random_ints(4, 10, 9)];
    for (m, t) in [(1, 0), (3, 1), (5, 2)] {
        for xs in &samples {
            let vals = xs.clone();
            let n = xs.len();
            let (got, _) = run_agreed(m, t, n as u64, move |rt| {
                let vals = vals.clone();
                async move {
                    let x = input_ints(&rt, &ty, 0, &vals).await?;
                    let mean = open_ints(&rt, &rt.mean(&x).await?).await?[0];
                    let median = open_ints(&rt, &rt.median(&x).await?).await?[0];
                    if n < 2 {
                        return Ok((mean, 0, 0, 0, median));
                    }
                    let var = open_ints(&rt, &rt.variance(&x).await?).await?[0];
                    let pvar = open_ints(&rt, &rt.pvariance(&x).await?).await?[0];
                    let sd = open_ints(&rt, &rt.stdev(&x).await?).await?[0];
                    Ok((mean, var, pvar, sd, median))
                }
            });
            let want = plain(xs);
            let want = if n < 2 { (want.0, 0, 0, 0, want.4) } else { want };
            assert_eq!(got, want, "m={m} t={t} {xs:?}");
        }
    }
}

#[test]
fn square_roots_of_edge_values() {
    let ty = SecType::int(32).unwrap();
    let values = [0i128, 1, 2, 3, 4, 99, 100, (1 << 31) - 1, 1 << 30, 46340 * 46340, 46340 * 46340 - 1];
    let (got, _) = run_agreed(3, 1, 3, move |rt| async move {
        let a = input_ints(&rt, &ty, 0, &values).await?;
        open_ints(&rt, &rt.sqrt(&a).await?).await
    });
    let want: Vec<i128> = values.iter().map(|&v| (v as f64).sqrt().floor() as i128).collect();
    assert_eq!(got, want);
}

#[test]
fn secfxp_statistics_within_tolerance() {
    let ty = SecType::fxp(32, 16).unwrap();
    let xs = [1.5, -2.25, 3.0, 10.125, 4.5, 0.0];
    let (got, _) = run_agreed(3, 1, 5, move |rt| async move {
        let x = input(&rt, &ty, 0, &fixed(&xs)).await?;
        let y = input(&rt, &ty, 1, &fixed(&[2.0, 1.0, 0.0, -1.0, 0.5, 3.0])).await?;
        Ok([
            open_f64(&rt, &rt.mean(&x).await?).await?[0],
            open_f64(&rt, &rt.variance(&x).await?).await?[0],
            open_f64(&rt, &rt.stdev(&x).await?).await?[0],
            open_f64(&rt, &rt.median(&x).await?).await?[0],
            open_f64(&rt, &rt.covariance(&x, &y).await?).await?[0],
        ])
    });
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let var = xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1.0);
    let ys = [2.0, 1.0, 0.0, -1.0, 0.5, 3.0];
    let my = ys.iter().sum::<f64>() / n;
    let cov = xs.iter().zip(&ys).map(|(x, y)| (x - mean) * (y - my)).sum::<f64>() / (n - 1.0);
    let want = [mean, var, var.sqrt(), (1.5 + 3.0) / 2.0, cov];
    // Each truncation is off by at most 2^-16; a few chain up.
    for (g, w) in got.iter().zip(want) {
        assert!((g - w).abs() < 1e-3, "got {got:?}, want {want:?}");
    }
}

#[test]
fn too_few_values_and_fields_are_errors() {
    let ty = SecType::int(16).unwrap();
    let fld = SecType::fld(101).unwrap();
    let out = local::run(3, 1, 1, move |rt| async move {
        let one = input_ints(&rt, &ty, 0, &[5]).await?;
        let empty = input_ints(&rt, &ty, 0, &[]).await?;
        let f = input_ints(&rt, &fld, 0, &[5, 6]).await?;
        Ok([
            rt.variance(&one).await.unwrap_err(),
            rt.mean(&empty).await.unwrap_err(),
            rt.median(&empty).await.unwrap_err(),
            rt.mean(&f).await.unwrap_err(),
        ])
    })
    .unwrap();
    let [var, mean, median, field] = &out.results[0];
    for e in [var, mean, median] {
        assert!(matches!(e, Error::InvalidArgument(_)), "{e:?}");
    }
    assert!(matches!(field, Error::Type(_)), "{field:?}");
}
