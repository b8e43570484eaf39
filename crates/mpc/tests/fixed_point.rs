//! secfxp(32, 16) multiplication with truncation: the result is the floor or
//! the ceiling of the exact value on the 2^-16 grid (MPyC's stochastic
//! rounding), exact when the exact value is on the grid.

use crate::common;

use cohort_mpc::{SecType, Value};
use common::*;
use proptest::prelude::*;

const F: i128 = 1 << 16;

fn fx() -> SecType {
    SecType::fxp(32, 16).unwrap()
}

/// The raw results allowed for an exact raw product `p` (scaled by 2^32).
fn floor_ceil(p: i128) -> (i128, i128) {
    let lo = p.div_euclid(F);
    (lo, lo + i128::from(p.rem_euclid(F) != 0))
}

fn raw(v: Value) -> i128 {
    let x = v.as_f64() * F as f64;
    assert_eq!(x.fract(), 0.0, "{v:?} is not on the 2^-16 grid");
    x as i128
}

fn assert_rounded(got: &[Value], exact_scaled: &[i128], what: &str) {
    assert_eq!(got.len(), exact_scaled.len(), "{what}");
    for (i, (&g, &p)) in got.iter().zip(exact_scaled).enumerate() {
        let (lo, hi) = floor_ceil(p);
        let r = raw(g);
        assert!(r == lo || r == hi, "{what}[{i}]: got {g:?} (raw {r}), exact raw·2^16 = {p}: expected raw {lo} or {hi}");
    }
}

fn in_range(p: i128) -> bool {
    let (lo, hi) = floor_ceil(p);
    (-(1i128 << 47)..(1i128 << 47)).contains(&p) && lo >= -(1 << 31) && hi < (1 << 31)
}

/// Edge values times small factors, and random pairs, every (m, t).
#[test]
fn mul_truncates_to_floor_or_ceiling() {
    let factors = [0i128, 1, -1, 3, 32768, -32768, 65536, -65535, 65535, 12345, 98304, -163840];
    let mut a = Vec::new();
    let mut b = Vec::new();
    for &x in &edges(32) {
        for &y in &factors {
            if in_range(x * y) {
                a.push(x);
                b.push(y);
            }
        }
    }
    a.extend(random_ints(81, 24, 20));
    b.extend(random_ints(82, 24, 20));
    let exact: Vec<i128> = a.iter().zip(&b).map(|(x, y)| x * y).collect();
    let ty = fx();
    for_all_configs(
        6,
        |rt| {
            let (a, b) = (a.clone(), b.clone());
            async move {
                let x = input_raw(&rt, &ty, 0, &a).await?;
                let y = input_raw(&rt, &ty, 1, &b).await?;
                let xy = rt.mul(&x, &y).await?;
                let yx = rt.mul(&y, &x).await?;
                Ok((rt.reveal_all(&xy).await?, rt.reveal_all(&yx).await?))
            }
        },
        |m, t, (xy, yx)| {
            assert_rounded(&xy, &exact, &format!("m={m} t={t} x*y"));
            assert_rounded(&yx, &exact, &format!("m={m} t={t} y*x"));
        },
    );
}

/// Products already on the grid are exact.
#[test]
fn exact_products_are_exact() {
    let a = [1.5, -2.25, 0.5, 3.0, -0.125, 100.0, 0.0, -1.0, 181.0, 0.0078125];
    let b = [2.0, 4.0, 0.5, -7.5, -8.0, 0.25, 123.5, -32767.0, 181.0, 0.0078125];
    let expected: Vec<Value> = a.iter().zip(&b).map(|(x, y)| Value::Fixed(x * y)).collect();
    let ty = fx();
    for_all_configs(
        7,
        |rt| async move {
            let x = input(&rt, &ty, 0, &fixed(&a)).await?;
            let y = input(&rt, &ty, 1, &fixed(&b)).await?;
            rt.reveal_all(&rt.mul(&x, &y).await?).await
        },
        |m, t, got| assert_eq!(got, expected, "m={m} t={t}"),
    );
}

/// Inner products and matrix products truncate once per result.
#[test]
fn inner_and_matmul_truncate_once() {
    let a = random_ints(83, 22, 12);
    let b = random_ints(84, 22, 12);
    let exact_inner = vec![a.iter().zip(&b).map(|(x, y)| x * y).sum::<i128>()];
    // 3×4 times 4×3
    let mut exact_mm = Vec::new();
    for r in 0..3 {
        for c in 0..3 {
            exact_mm.push((0..4).map(|k| a[r * 4 + k] * b[k * 3 + c]).sum::<i128>());
        }
    }
    let ty = fx();
    for_all_configs(
        8,
        |rt| {
            let (a, b) = (a.clone(), b.clone());
            async move {
                let x = input_raw(&rt, &ty, 0, &a).await?;
                let y = input_raw(&rt, &ty, 1, &b).await?;
                let ip = rt.inner(&x, &y).await?;
                let mm = rt.matmul(&x, &y, 3, 4, 3).await?;
                Ok((rt.reveal_all(&ip).await?, rt.reveal_all(&mm).await?))
            }
        },
        |m, t, (ip, mm)| {
            assert_rounded(&ip, &exact_inner, &format!("m={m} t={t} inner"));
            assert_rounded(&mm, &exact_mm, &format!("m={m} t={t} matmul"));
        },
    );
}

/// Products of several values: exact when every partial product is on the
/// grid, within a few ulps otherwise.
#[test]
fn prod_of_fixed_point_values() {
    let exact_vals = [1.5, -2.0, 0.25, 3.0, -0.5];
    let inexact = [1.1, 0.9, 1.3, 0.7];
    let ty = fx();
    for_all_configs(
        9,
        |rt| async move {
            let x = input(&rt, &ty, 0, &fixed(&exact_vals)).await?;
            let y = input(&rt, &ty, 0, &fixed(&inexact)).await?;
            let e = input(&rt, &ty, 0, &[]).await?;
            let px = rt.prod(&x).await?;
            let py = rt.prod(&y).await?;
            let pe = rt.prod(&e).await?;
            Ok((rt.reveal_all(&px).await?, rt.reveal_all(&py).await?, rt.reveal_all(&pe).await?))
        },
        |m, t, (px, py, pe)| {
            assert_eq!(px, vec![Value::Fixed(1.125)], "m={m} t={t}");
            let rounded: Vec<f64> = inexact.iter().map(|x| (x * 65536.0f64).round() / 65536.0).collect();
            let exact: f64 = rounded.iter().product();
            assert!((py[0].as_f64() - exact).abs() <= 8.0 / 65536.0, "m={m} t={t}: {py:?} vs {exact}");
            assert_eq!(pe, vec![Value::Fixed(1.0)], "m={m} t={t}: the empty product");
        },
    );
}

/// Public constants: whole numbers are exact and local; fractional ones
/// truncate only their significant fractional bits.
#[test]
fn mul_by_public_constants() {
    let xs: Vec<i128> = edges(32).into_iter().chain(random_ints(85, 30, 8)).collect();
    let consts = [0.5, -0.25, 1.5, 0.1, -3.75, 1.0 / 3.0, 0.75];
    let ty = fx();
    for_all_configs(
        10,
        |rt| {
            let xs = xs.clone();
            async move {
                let x = input_raw(&rt, &ty, 0, &xs).await?;
                let mut out = Vec::new();
                for c in consts {
                    out.push(rt.reveal_all(&rt.mul_public(&x, Value::Fixed(c)).await?).await?);
                }
                let before = rt.stats().rounds;
                let whole = rt.mul_public(&x, Value::Fixed(-1.0)).await?;
                let int = rt.mul_public(&x, Value::Int(-1)).await?;
                let halve = rt.mul_public(&x, Value::Fixed(0.0)).await?;
                assert_eq!(rt.stats().rounds, before, "whole-number constants are local");
                Ok((out, rt.reveal_all(&whole).await?, rt.reveal_all(&int).await?, rt.reveal_all(&halve).await?))
            }
        },
        |m, t, (out, whole, int, zero)| {
            for (c, got) in consts.iter().zip(&out) {
                let craw = (c * 65536.0f64).round_ties_even() as i128;
                let exact: Vec<i128> = xs.iter().map(|x| x * craw).collect();
                // Skip results outside the type's range (MPyC does not define them either).
                let (g, e): (Vec<Value>, Vec<i128>) = got.iter().zip(&exact).filter(|&(_, &p)| in_range(p)).map(|(g, p)| (*g, *p)).unzip();
                assert_rounded(&g, &e, &format!("m={m} t={t} x*{c}"));
            }
            let neg = expects(&ty, xs.iter().map(|x| -x));
            assert_eq!(whole, neg, "m={m} t={t} x*-1.0");
            assert_eq!(int, neg, "m={m} t={t} x*-1");
            assert!(zero.iter().all(|v| *v == Value::Fixed(0.0)), "m={m} t={t} x*0.0");
        },
    );
}

/// MPyC's rounding is stochastic and unbiased: an exact value a quarter of
/// the way between two grid points rounds up about a quarter of the time.
#[test]
fn truncation_is_stochastic_and_unbiased() {
    let ty = fx();
    for (m, t) in [(1, 0), (3, 1), (7, 3)] {
        // 1 ulp × 0.25 = a quarter ulp; 1 ulp × 0.5 = half an ulp.
        let n = 400;
        let (got, _) = run_agreed(m, t, 11, |rt| async move {
            let x = input_raw(&rt, &ty, 0, &vec![1; n]).await?;
            let q = input_raw(&rt, &ty, 0, &vec![F / 4; n]).await?;
            let h = input_raw(&rt, &ty, 0, &vec![F / 2; n]).await?;
            let xq = rt.mul(&x, &q).await?;
            let xh = rt.mul(&x, &h).await?;
            Ok((rt.reveal_all(&xq).await?, rt.reveal_all(&xh).await?))
        });
        let ups = |v: &[Value]| {
            v.iter()
                .map(|&x| match raw(x) {
                    0 => 0usize,
                    1 => 1,
                    r => panic!("m={m} t={t}: {r} is neither floor 0 nor ceiling 1"),
                })
                .sum::<usize>()
        };
        let (q, h) = (ups(&got.0), ups(&got.1));
        assert!((60..=140).contains(&q), "m={m} t={t}: a quarter ulp rounded up {q} times of {n}");
        assert!((150..=250).contains(&h), "m={m} t={t}: half an ulp rounded up {h} times of {n}");
    }
}

/// Other fixed-point shapes, down to secfxp(8, 4) and up to secfxp(48, 47):
/// products are the floor or the ceiling of the exact value on the 2^-f grid.
#[test]
fn other_fixed_point_types() {
    for (l, f) in [(8u32, 4u32), (16, 8), (40, 20), (48, 47), (64, 16)] {
        let ty = SecType::fxp(l, f).unwrap();
        let unit = 1i128 << f;
        // Raw values whose exact products stay in range: |x|, |y| < 2^((l − 1)/2).
        let half = (l - 1) / 2;
        let mut a = random_ints(86 + u64::from(l), half + 1, 12);
        let mut b = random_ints(87 + u64::from(l), half + 1, 12);
        a.extend([1, -1, unit, -unit, 0]);
        b.extend([unit / 2, unit / 2, 1, 1, unit]);
        a.retain(|&x| x.abs() < 1 << (l - 1));
        b.truncate(a.len());
        for (m, t) in [(1, 0), (3, 1), (5, 2)] {
            let (got, _) = run_agreed(m, t, 13, |rt| {
                let (a, b) = (a.clone(), b.clone());
                async move {
                    let x = input_raw(&rt, &ty, 0, &a).await?;
                    let y = input_raw(&rt, &ty, 1, &b).await?;
                    rt.reveal_all(&rt.mul(&x, &y).await?).await
                }
            });
            for i in 0..a.len() {
                let p = a[i] * b[i];
                let lo = p.div_euclid(unit);
                let hi = lo + i128::from(p.rem_euclid(unit) != 0);
                let r = got[i].as_f64() * unit as f64;
                assert!(
                    r == lo as f64 || r == hi as f64,
                    "secfxp({l}, {f}) m={m} t={t}: raw {} × {}: got raw {r}, expected {lo} or {hi}",
                    a[i],
                    b[i]
                );
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(8))]

    #[test]
    fn random_products(pairs in prop::collection::vec((-(1i128 << 23)..(1i128 << 23), -(1i128 << 23)..(1i128 << 23)), 1..16), config in 0usize..CONFIGS.len()) {
        let (m, t) = CONFIGS[config];
        let ty = fx();
        let (a, b): (Vec<i128>, Vec<i128>) = pairs.into_iter().unzip();
        let exact: Vec<i128> = a.iter().zip(&b).map(|(x, y)| x * y).collect();
        let (got, _) = run_agreed(m, t, 12, |rt| {
            let (a, b) = (a.clone(), b.clone());
            async move {
                let x = input_raw(&rt, &ty, 0, &a).await?;
                let y = input_raw(&rt, &ty, 1, &b).await?;
                rt.reveal_all(&rt.mul(&x, &y).await?).await
            }
        });
        assert_rounded(&got, &exact, &format!("m={m} t={t}"));
    }
}
