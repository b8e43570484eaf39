//! Statistics with MPyC's formulas and rounding: mean, variance, pvariance,
//! stdev, median, covariance; secint exactly, secfxp as MPyC's method rounds
//! (exactly where its truncations are exact, else one of the values its
//! stochastic rounding can give) or within tolerance.

use crate::common;

use cohort_mpc::{Error, SecType, Statistic, Value, check_statistic, local};
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

/// MPyC's `statistics.mean` for `secfxp(32, 16)`: `s * (2**e / n) * 2**-e`
/// with `e = n.bit_length() − 1`. These sums are whole numbers, so every
/// truncation is exact and MPyC 0.11 gives exactly these values (Σx · (1/n)
/// would give 99.9984741…, 3.3332519…, 4.0001220…).
#[test]
fn secfxp_mean_as_mpyc() {
    let ty = SecType::fxp(32, 16).unwrap();
    let cases: [(&[f64], f64); 5] = [
        (&[100.0, 100.0, 100.0], 100.00076293945312),
        (&[2.5, 7.25, 0.25], 3.3333587646484375),
        (&[1.0, 2.0, 3.0, 4.0, 5.0, 9.0], 4.000030517578125),
        (&[1.5, 2.5, 3.5, 4.5], 3.0),
        (&[2.75], 2.75),
    ];
    for_all_configs(
        520,
        move |rt| async move {
            let mut out = Vec::new();
            for (i, (xs, _)) in cases.iter().enumerate() {
                let x = input(&rt, &ty, i, &fixed(xs)).await?;
                out.push(rt.reveal_all(&rt.mean(&x).await?).await?[0]);
            }
            Ok(out)
        },
        |m, t, got| {
            let want: Vec<Value> = cases.iter().map(|&(_, w)| Value::Fixed(w)).collect();
            assert_eq!(got, want, "m={m} t={t}");
        },
    );
}

/// Variance, population variance and covariance in `secfxp(32, 16)`
/// against what MPyC 0.11 gives: each is one of the two values its
/// stochastic rounding allows (both seen in 40 runs of MPyC each). The
/// variances centre on `statistics.mean`, the covariance on `Σx/n`.
#[test]
fn secfxp_variance_and_covariance_as_mpyc() {
    let ty = SecType::fxp(32, 16).unwrap();
    let xs = [1.5, -2.25, 3.0, 10.125, 4.5, 0.0];
    let ys = [2.0, 1.0, 0.0, -1.0, 0.5, 3.0];
    let allowed: [[f64; 2]; 4] = [
        [2.8125152587890625, 2.812530517578125],
        [18.323150634765625, 18.323165893554688],
        [15.269989013671875, 15.270004272460938],
        [-4.5186920166015625, -4.5186767578125],
    ];
    for (m, t) in [(1, 0), (3, 1), (5, 2)] {
        for seed in 0..4 {
            let (got, _) = run_agreed(m, t, 530 + seed, move |rt| async move {
                let x = input(&rt, &ty, 0, &fixed(&xs)).await?;
                let y = input(&rt, &ty, 1, &fixed(&ys)).await?;
                Ok([
                    open_f64(&rt, &rt.mean(&x).await?).await?[0],
                    open_f64(&rt, &rt.variance(&x).await?).await?[0],
                    open_f64(&rt, &rt.pvariance(&x).await?).await?[0],
                    open_f64(&rt, &rt.covariance(&x, &y).await?).await?[0],
                ])
            });
            for (g, a) in got.iter().zip(&allowed) {
                assert!(a.contains(g), "m={m} t={t} seed={seed}: got {got:?}, MPyC gives one of {allowed:?}");
            }
        }
    }
}

/// A `secint(l)` statistic divides by a public number below `2^l`: the
/// length, or `n²(n − 1)` (`n³`) for the variances. `check_statistic`
/// refuses exactly the lengths the statistics themselves refuse.
#[test]
fn secint_statistics_of_too_many_values_are_refused_up_front() {
    let ty = SecType::int(8).unwrap();
    let cases: Vec<(Statistic, usize)> = vec![
        (Statistic::Mean, 255),
        (Statistic::Mean, 256),
        (Statistic::Mean, 300),
        (Statistic::Variance, 6),
        (Statistic::Variance, 7),
        (Statistic::Stdev, 7),
        (Statistic::Covariance, 7),
        (Statistic::Pvariance, 6),
        (Statistic::Pvariance, 7),
        (Statistic::Median, 300),
    ];
    let refused: Vec<bool> = cases.iter().map(|&(s, n)| check_statistic(&ty, s, n).is_err()).collect();
    assert_eq!(refused, [false, true, true, false, true, true, true, false, true, false]);
    let out = local::run(3, 1, 540, {
        let cases = cases.clone();
        move |rt| {
            let cases = cases.clone();
            async move {
                let mut out = Vec::new();
                for (s, n) in cases {
                    // −1 then 0s: every sum and centred product fits secint(8).
                    let xs: Vec<i128> = (0..n).map(|i| -i128::from(i == 0)).collect();
                    let x = input_ints(&rt, &ty, 0, &xs).await?;
                    let r = match s {
                        Statistic::Mean => rt.mean(&x).await,
                        Statistic::Median => rt.median(&x).await,
                        Statistic::Variance => rt.variance(&x).await,
                        Statistic::Pvariance => rt.pvariance(&x).await,
                        Statistic::Stdev => rt.stdev(&x).await,
                        Statistic::Covariance => rt.covariance(&x, &x).await,
                        Statistic::Mode => rt.mode(&x).await,
                    };
                    out.push(match r {
                        Ok(v) => Ok(open_ints(&rt, &v).await?[0]),
                        Err(e) => Err(e),
                    });
                }
                Ok(out)
            }
        }
    })
    .unwrap();
    let got = &out.results[0];
    for ((case, r), refuse) in cases.iter().zip(got).zip(&refused) {
        assert_eq!(r.is_err(), *refuse, "{case:?}: {r:?}");
        if let Err(e) = r {
            assert!(matches!(e, Error::InvalidArgument(_)), "{case:?}: {e:?}");
        }
    }
    // The accepted ones give MPyC's values: mean of −1 and 254 zeros is
    // (−1 + 127) // 255 = 0; variance of −1 and five 0s is 0.1667 → 0.
    assert_eq!(got[0], Ok(0));
    assert_eq!(got[3], Ok(0));
}

/// Past `n = 2^(f+1)` MPyC's constant `2^−e` rounds to 0 in `f` fractional
/// bits (its mean would be 0); the engine truncates `e` bits instead, and
/// caps `e` at `l + f − 1`, where a mean whose sum fits is below `2^−f`.
#[test]
fn secfxp_mean_of_more_values_than_fractional_bits_count() {
    let ty = SecType::fxp(16, 4).unwrap();
    let tiny = SecType::fxp(4, 1).unwrap();
    let (got, _) = run_agreed(3, 1, 550, move |rt| async move {
        let x = input(&rt, &ty, 0, &fixed(&[3.0; 40])).await?;
        let z = input(&rt, &tiny, 1, &fixed(&[0.0; 40])).await?;
        Ok((open_f64(&rt, &rt.mean(&x).await?).await?[0], open_f64(&rt, &rt.mean(&z).await?).await?[0]))
    });
    // e = 5: 120 · round(0.8 · 2^4) / 2^4 = 97.5 exactly, then / 2^5 = 3.046875, rounded to 2^−4.
    assert!([3.0, 3.0625].contains(&got.0), "{got:?}");
    assert_eq!(got.1, 0.0);
}
