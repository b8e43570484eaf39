//! `a mod b` and `a // b` for public divisors, with Python's floor semantics,
//! for secint and secfxp (MPyC: `divmod(27.0, 6.0) == (4.0, 3.0)` in
//! fixed point).

use crate::common;

use cohort_mpc::{Error, SecType, Value, local};
use common::*;

#[test]
fn mpyc_expected_results() {
    let ty = SecType::int(32).unwrap();
    let (got, _) = run_agreed(3, 1, 1, move |rt| async move {
        let a = input_ints(&rt, &ty, 0, &[-50, -70]).await?;
        let m7 = open_ints(&rt, &rt.mod_public(&a, Value::Int(7)).await?).await?;
        let d3 = open_ints(&rt, &rt.floordiv_public(&a, Value::Int(3)).await?).await?;
        let m32 = open_ints(&rt, &rt.mod_public(&a, Value::Int(32)).await?).await?;
        Ok((m7, d3, m32))
    });
    assert_eq!(got, (vec![6, 0], vec![-17, -24], vec![14, 26]));
}

#[test]
fn fixed_point_divmod() {
    // MPyC's f = 64 (secfxp(128)) would need a 224-bit field; fields stop at 128 bits.
    for f in [8u32, 16, 32] {
        let ty = SecType::fxp(2 * f, f).unwrap();
        let (got, _) = run_agreed(3, 1, 2, move |rt| async move {
            let a = input(&rt, &ty, 0, &fixed(&[27.0, -27.0, 5.5])).await?;
            let q = open_f64(&rt, &rt.floordiv_public(&a, Value::Fixed(6.0)).await?).await?;
            let r = open_f64(&rt, &rt.mod_public(&a, Value::Fixed(6.0)).await?).await?;
            let half = open_f64(&rt, &rt.mod_public(&a, Value::Fixed(0.5)).await?).await?;
            Ok((q, r, half))
        });
        assert_eq!(got, (vec![4.0, -5.0, 0.0], vec![3.0, 3.0, 5.5], vec![0.0, 0.0, 0.0]), "secfxp({}, {f})", 2 * f);
    }
}

#[test]
fn match_plaintext_for_every_configuration() {
    for l in [8u32, 32] {
        let ty = SecType::int(l).unwrap();
        let mut values = edges(l);
        values.extend(random_ints(u64::from(l) + 7, l, 10));
        let divisors: Vec<i128> =
            [1, 2, 3, 7, 10, 100, (1 << (l - 1)) - 1, (1 << (l - 1)) + 3].into_iter().filter(|&b| b < 1 << l).collect();
        let (vals, divs) = (values.clone(), divisors.clone());
        for_all_configs(
            u64::from(l),
            move |rt| {
                let (vals, divs) = (vals.clone(), divs.clone());
                async move {
                    let a = input_ints(&rt, &ty, 0, &vals).await?;
                    let mut out = Vec::new();
                    for &b in &divs {
                        let r = open_ints(&rt, &rt.mod_public(&a, Value::Int(b)).await?).await?;
                        let q = open_ints(&rt, &rt.floordiv_public(&a, Value::Int(b)).await?).await?;
                        out.push((r, q));
                    }
                    Ok(out)
                }
            },
            |m, t, got| {
                for (&b, (r, q)) in divisors.iter().zip(got) {
                    let want_r: Vec<i128> = values.iter().map(|v| v.rem_euclid(b)).collect();
                    let want_q: Vec<i128> = values.iter().map(|v| v.div_euclid(b)).collect();
                    assert_eq!(r, want_r, "secint({l}) m={m} t={t}: a mod {b}");
                    assert_eq!(q, want_q, "secint({l}) m={m} t={t}: a // {b}");
                }
            },
        );
    }
}

#[test]
fn bad_divisors_are_errors() {
    let ty = SecType::int(8).unwrap();
    let fx = SecType::fxp(16, 8).unwrap();
    let fld = SecType::fld(101).unwrap();
    let out = local::run(3, 1, 3, move |rt| async move {
        let a = input_ints(&rt, &ty, 0, &[5]).await?;
        let x = input(&rt, &fx, 0, &fixed(&[1.0])).await?;
        let y = input_ints(&rt, &fld, 0, &[5]).await?;
        Ok([
            rt.mod_public(&a, Value::Int(0)).await.unwrap_err(),
            rt.mod_public(&a, Value::Int(-3)).await.unwrap_err(),
            rt.mod_public(&a, Value::Int(256)).await.unwrap_err(),
            rt.mod_public(&a, Value::Fixed(2.5)).await.unwrap_err(),
            rt.mod_public(&x, Value::Fixed(0.001)).await.unwrap_err(),
            rt.mod_public(&y, Value::Int(3)).await.unwrap_err(),
        ])
    })
    .unwrap();
    let [zero, negative, too_big, fraction, too_fine, field] = &out.results[0];
    for e in [zero, negative, too_big, too_fine] {
        assert!(matches!(e, Error::InvalidArgument(_)), "{e:?}");
    }
    assert!(matches!(fraction, Error::Type(_)), "{fraction:?}");
    assert!(matches!(field, Error::Type(_)), "{field:?}");
}
