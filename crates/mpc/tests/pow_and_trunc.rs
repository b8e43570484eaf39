//! MPyC's `pow(a, k)` for a public exponent and `trunc(a, f)`, over 3 and 5
//! parties.

use crate::common;

use cohort_mpc::{Error, SecType};
use common::*;

const PARTIES: [(usize, usize); 2] = [(3, 1), (5, 2)];

#[test]
fn integer_powers() {
    // MPyC: mpc.pow(secint(3), k) == 3**k; a**0 == 1.
    let ty = SecType::int(32).unwrap();
    for (m, t) in PARTIES {
        let (got, _) = run_agreed(m, t, 1, move |rt| async move {
            let x = input_ints(&rt, &ty, 0, &[3, -2, 0, 1]).await?;
            let mut out = Vec::new();
            for k in [0, 1, 2, 5, 13, 19] {
                out.push(open_ints(&rt, &rt.pow(&x, k).await?).await?);
            }
            Ok(out)
        });
        let want: Vec<Vec<i128>> = [0u32, 1, 2, 5, 13, 19].iter().map(|&k| [3i128, -2, 0, 1].iter().map(|x| x.pow(k)).collect()).collect();
        assert_eq!(got, want, "m={m} t={t}");
    }
}

#[test]
fn field_powers_and_negative_exponents() {
    // secfld(101): 5^-1 = 81, 5^-3 = 81^3 mod 101 = 96 ... checked by a^k · a^-k = 1.
    let ty = SecType::fld(P101).unwrap();
    let (got, _) = run_agreed(3, 1, 2, move |rt| async move {
        let x = input_ints(&rt, &ty, 0, &[5, 7]).await?;
        let (p, q) = (rt.pow(&x, 3).await?, rt.pow(&x, -3).await?);
        Ok((open_ints(&rt, &p).await?, open_ints(&rt, &q).await?, open_ints(&rt, &rt.mul(&p, &q).await?).await?))
    });
    assert_eq!(got.0, vec![125 % 101, 343 % 101]);
    assert_eq!(got.2, vec![1, 1]);
}

#[test]
fn fixed_point_powers() {
    // MPyC: mpc.pow(secfxp(1.5), 3) ≈ 3.375, mpc.pow(secfxp(2), -2) ≈ 0.25.
    let ty = SecType::fxp(32, 16).unwrap();
    for (m, t) in PARTIES {
        let (got, _) = run_agreed(m, t, 3, move |rt| async move {
            let x = input(&rt, &ty, 0, &fixed(&[1.5, 2.0])).await?;
            let (p, q) = (rt.pow(&x, 3).await?, rt.pow(&x, -2).await?);
            Ok((open_f64(&rt, &p).await?, open_f64(&rt, &q).await?))
        });
        for (g, w) in got.0.iter().zip([3.375, 8.0]) {
            assert!((g - w).abs() < 1e-3, "m={m} t={t}: {g} vs {w}");
        }
        for (g, w) in got.1.iter().zip([1.0 / 2.25, 0.25]) {
            assert!((g - w).abs() < 1e-3, "m={m} t={t}: {g} vs {w}");
        }
    }
}

#[test]
fn negative_integer_exponent_is_a_type_error() {
    let ty = SecType::int(16).unwrap();
    let (got, _) = run_agreed(3, 1, 4, move |rt| async move {
        let x = input_ints(&rt, &ty, 0, &[2]).await?;
        Ok(rt.pow(&x, -1).await.err())
    });
    assert!(matches!(got, Some(Error::Type(_))));
}

#[test]
fn mpyc_expected_trunc() {
    // MPyC: trunc(secint(50), 2) ≈ 12 (delta 1), trunc(secint(-50), 2) ≈ -13:
    // 50/4 = 12.5 rounds to 12 or 13, -12.5 to -13 or -12; exact multiples stay exact.
    let ty = SecType::int(32).unwrap();
    for (m, t) in PARTIES {
        for seed in 0..4 {
            let (got, _) = run_agreed(m, t, 10 + seed, move |rt| async move {
                let x = input_ints(&rt, &ty, 0, &[50, -50, 64, -64]).await?;
                open_ints(&rt, &rt.trunc(&x, 2).await?).await
            });
            assert!([12, 13].contains(&got[0]), "m={m} t={t}: {got:?}");
            assert!([-13, -12].contains(&got[1]), "m={m} t={t}: {got:?}");
            assert_eq!(&got[2..], &[16, -16], "m={m} t={t}");
        }
    }
}

#[test]
fn trunc_of_fixed_point_and_bad_arguments() {
    let (fxp, int, fld) = (SecType::fxp(16, 8).unwrap(), SecType::int(16).unwrap(), SecType::fld(P101).unwrap());
    let (got, _) = run_agreed(3, 1, 5, move |rt| async move {
        let x = input(&rt, &fxp, 0, &fixed(&[6.0])).await?;
        let y = input_ints(&rt, &int, 0, &[6]).await?;
        let z = input_ints(&rt, &fld, 0, &[6]).await?;
        Ok((
            open_f64(&rt, &rt.trunc(&x, 1).await?).await?,
            rt.trunc(&y, 16).await.err(),
            rt.trunc(&y, u32::MAX).await.err(),
            rt.trunc(&z, 1).await.err(),
            open_ints(&rt, &rt.trunc(&y, 0).await?).await?,
        ))
    });
    assert_eq!(got.0, vec![3.0]);
    assert!(matches!(got.1, Some(Error::InvalidArgument(_))));
    assert!(matches!(got.2, Some(Error::InvalidArgument(_))));
    assert!(matches!(got.3, Some(Error::Type(_))));
    assert_eq!(got.4, vec![6]);
}

#[test]
fn pow_rounds() {
    // k = 13 = 0b1101: 3 squarings, each with its step's multiplication, and the last product.
    let ty = SecType::int(32).unwrap();
    let (r, _) = run_agreed(3, 1, 6, move |rt| async move {
        let x = input_ints(&rt, &ty, 0, &[3]).await?;
        let before = rt.stats().rounds;
        rt.pow(&x, 13).await?;
        Ok(rt.stats().rounds - before)
    });
    assert_eq!(r, 4);
}
