//! MPyC's `convert(x, T)` between `secint` and `secfxp` types, with the
//! values of MPyC's `test_convert` (`secint = SecInt()` is 32 bits,
//! `secfxp = SecFxp()` is (32, 16), `secfxp16 = SecFxp(16)` is (16, 8)),
//! over 3 and 5 parties.

mod common;

use cohort_mpc::{Error, SecType};
use common::*;

const PARTIES: [(usize, usize); 4] = [(3, 0), (3, 1), (5, 1), (5, 2)];

#[test]
fn mpyc_expected_secint_to_secint() {
    // x = [secint8(-100), secint8(100)]; convert(x, secint) and back: [-100, 100].
    let (i8t, i32t) = (SecType::int(8).unwrap(), SecType::int(32).unwrap());
    for (m, t) in PARTIES {
        let (got, _) = run_agreed(m, t, 1, move |rt| async move {
            let x = input_ints(&rt, &i8t, 0, &[-100, 100]).await?;
            let y = rt.convert(&x, &i32t).await?;
            let z = rt.convert(&y, &i8t).await?;
            Ok((y.ty().to_string(), open_ints(&rt, &y).await?, z.ty().to_string(), open_ints(&rt, &z).await?))
        });
        assert_eq!(got, ("secint(32)".into(), vec![-100, 100], "secint(8)".into(), vec![-100, 100]), "m={m} t={t}");
    }
}

#[test]
fn mpyc_expected_secint_to_secfxp_and_back() {
    // x = [secint(-100), secint(100)]; convert(x, secfxp) == [-100, 100], and back to secint.
    let (it, ft) = (SecType::int(32).unwrap(), SecType::fxp(32, 16).unwrap());
    for (m, t) in PARTIES {
        let (got, _) = run_agreed(m, t, 2, move |rt| async move {
            let x = input_ints(&rt, &it, 0, &[-100, 100]).await?;
            let y = rt.convert(&x, &ft).await?;
            let z = rt.convert(&y, &it).await?;
            Ok((open_f64(&rt, &y).await?, open_ints(&rt, &z).await?))
        });
        assert_eq!(got, (vec![-100.0, 100.0], vec![-100, 100]), "m={m} t={t}");
    }
}

#[test]
fn mpyc_expected_secfxp_to_secfxp() {
    // x = [secfxp16(-100.25), secfxp16(100.875)]; to secfxp and back: unchanged.
    let (f16, f32) = (SecType::fxp(16, 8).unwrap(), SecType::fxp(32, 16).unwrap());
    for (m, t) in PARTIES {
        let (got, _) = run_agreed(m, t, 3, move |rt| async move {
            let x = input(&rt, &f16, 0, &fixed(&[-100.25, 100.875])).await?;
            let y = rt.convert(&x, &f32).await?;
            let z = rt.convert(&y, &f16).await?;
            Ok((open_f64(&rt, &y).await?, open_f64(&rt, &z).await?))
        });
        assert_eq!(got, (vec![-100.25, 100.875], vec![-100.25, 100.875]), "m={m} t={t}");
    }
}

#[test]
fn secfxp_to_secint_rounds_stochastically() {
    // MPyC truncates the fractional bits with its stochastic rounding.
    let (ft, it) = (SecType::fxp(32, 16).unwrap(), SecType::int(16).unwrap());
    for seed in 0..4 {
        let (got, _) = run_agreed(3, 1, 10 + seed, move |rt| async move {
            let x = input(&rt, &ft, 0, &fixed(&[2.5, -2.5, 7.0])).await?;
            open_ints(&rt, &rt.convert(&x, &it).await?).await
        });
        assert!([2, 3].contains(&got[0]) && [-3, -2].contains(&got[1]) && got[2] == 7, "{got:?}");
    }
}

#[test]
fn rounds_and_refusals() {
    let (i8t, i32t, ft, fld) =
        (SecType::int(8).unwrap(), SecType::int(32).unwrap(), SecType::fxp(32, 16).unwrap(), SecType::fld(P101).unwrap());
    let (got, _) = run_agreed(3, 1, 4, move |rt| async move {
        let x = input_ints(&rt, &i8t, 0, &[5]).await?;
        let f = input(&rt, &ft, 0, &fixed(&[5.0])).await?;
        let z = input_ints(&rt, &fld, 0, &[5]).await?;
        let r0 = rt.stats().rounds;
        rt.convert(&x, &i32t).await?;
        let r1 = rt.stats().rounds;
        rt.convert(&f, &i32t).await?;
        let r2 = rt.stats().rounds;
        Ok((r1 - r0, r2 - r1, rt.convert(&z, &i32t).await.err(), rt.convert(&x, &fld).await.err()))
    });
    assert_eq!((got.0, got.1), (2, 3));
    assert!(matches!(got.2, Some(Error::Type(_))));
    assert!(matches!(got.3, Some(Error::Type(_))));
}
