//! MPyC's `convert(x, T)` between `secint`, `secfxp` and `secfld` types,
//! with the values of MPyC's `test_convert` (`secint = SecInt()` is 32
//! bits, `secfxp = SecFxp()` is (32, 16), `secfxp16 = SecFxp(16)` is
//! (16, 8); Cohort's `secfld` is unsigned, so MPyC's signed `secfld(47)`
//! and `secfld(37)` values are checked as their residues), over 3 and 5
//! parties.

use crate::common;

use cohort_mpc::{Error, SecType};
use common::*;

/// Rounds of `convert` from `secfld(101)` to `secint(32)`: the shared mask,
/// the opening, and 12 for the secure `mod 101` (`Runtime::mod_public`).
const ROUNDS_FROM_FIELD: u64 = 14;

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
fn mpyc_expected_secint_to_secfld() {
    // x = [secint16(i) for i in range(10)]; convert(x, secfld257) == range(10).
    let (i16t, f257) = (SecType::int(16).unwrap(), SecType::fld(257).unwrap());
    for (m, t) in PARTIES {
        let (got, _) = run_agreed(m, t, 5, move |rt| async move {
            let x = input_ints(&rt, &i16t, 0, &(0..10).collect::<Vec<_>>()).await?;
            let y = rt.convert(&x, &f257).await?;
            Ok((y.ty().to_string(), open_ints(&rt, &y).await?))
        });
        assert_eq!(got, ("secfld(257)".into(), (0..10).collect::<Vec<i128>>()), "m={m} t={t}");
    }
}

#[test]
fn mpyc_expected_secfld_to_secfld() {
    // x = [secfld257(i) for i in range(10)]; convert(x, secfld263) == range(10).
    let (f257, f263) = (SecType::fld(257).unwrap(), SecType::fld(263).unwrap());
    for (m, t) in PARTIES {
        let (got, _) = run_agreed(m, t, 6, move |rt| async move {
            let x = input_ints(&rt, &f257, 0, &(0..10).collect::<Vec<_>>()).await?;
            open_ints(&rt, &rt.convert(&x, &f263).await?).await
        });
        assert_eq!(got, (0..10).collect::<Vec<i128>>(), "m={m} t={t}");
    }
}

#[test]
fn secfld_values_convert_as_their_residues() {
    // MPyC's x = [secfld47s(i) for i in range(-5, 10)] to secfld37s and on
    // to secfxp, with unsigned fields: i mod 47 is the integer converted,
    // so −5..−1 become 42..46, which is 5..9 mod 37.
    let (f47, f37, fx) = (SecType::fld(47).unwrap(), SecType::fld(37).unwrap(), SecType::fxp(32, 16).unwrap());
    let residues: Vec<i128> = (-5..10).map(|i: i128| i.rem_euclid(47)).collect();
    for (m, t) in PARTIES {
        let xs = residues.clone();
        let (got, _) = run_agreed(m, t, 7, move |rt| {
            let xs = xs.clone();
            async move {
                let x = input_ints(&rt, &f47, 0, &xs).await?;
                let y = rt.convert(&x, &f37).await?;
                let z = rt.convert(&y, &fx).await?;
                let direct = rt.convert(&x, &fx).await?;
                Ok((open_ints(&rt, &y).await?, open_f64(&rt, &z).await?, open_f64(&rt, &direct).await?))
            }
        });
        let mod37: Vec<i128> = residues.iter().map(|r| r % 37).collect();
        let as_f64 = |v: &[i128]| v.iter().map(|&x| x as f64).collect::<Vec<_>>();
        assert_eq!(got, (mod37.clone(), as_f64(&mod37), as_f64(&residues)), "m={m} t={t}");
    }
}

#[test]
fn every_value_of_a_small_field_converts_exactly() {
    // All of GF(101), at the extremes of the masking (a + r wraps around p for some r).
    let (f101, i16t) = (SecType::fld(P101).unwrap(), SecType::int(16).unwrap());
    let all: Vec<i128> = (0..P101 as i128).collect();
    for (m, t) in [(3, 1), (5, 2), (7, 3)] {
        let xs = all.clone();
        let (got, _) = run_agreed(m, t, 8, move |rt| {
            let xs = xs.clone();
            async move {
                let x = input_ints(&rt, &f101, 0, &xs).await?;
                open_ints(&rt, &rt.convert(&x, &i16t).await?).await
            }
        });
        assert_eq!(got, all, "m={m} t={t}");
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
        let mut rounds = Vec::new();
        let mut mark = rt.stats().rounds;
        for (a, to) in [(&x, i32t), (&f, i32t), (&x, fld), (&z, i32t)] {
            rt.convert(a, &to).await?;
            rounds.push(rt.stats().rounds - mark);
            mark = rt.stats().rounds;
        }
        // GF(101)'s values and their wrap-around need 7 + 1 + 2 bits: secint(8) is too small.
        Ok((rounds, rt.convert(&z, &i8t).await.err()))
    });
    // secint ↔ secfxp and to secfld: the shared mask, the opening (and a
    // truncation for fewer fractional bits); from secfld: those two and
    // the secure `mod p`.
    assert_eq!(got.0, [2, 3, 2, ROUNDS_FROM_FIELD]);
    assert!(matches!(got.1, Some(Error::Type(_))), "{:?}", got.1);
}
