//! MPyC's `gcd`, `lcm` and `inverse` for `secint`, with the expected values
//! of MPyC's `tests/test_runtime.py` (`test_gcd`, `secint = mpc.SecInt(16)`),
//! over 3 and 5 parties.

use crate::common;

use cohort_mpc::{Error, SecType};
use common::*;

const PARTIES: [(usize, usize); 2] = [(3, 1), (5, 2)];

#[test]
fn mpyc_expected_gcd() {
    // MPyC: gcd(0, 0) == 0, gcd(0, 3) == 3, gcd(-33, 30) == 3, gcd(-2**15, 1) == 1.
    let ty = SecType::int(16).unwrap();
    let (a, b) = ([0, 0, -33, -(1 << 15)], [0, 3, 30, 1]);
    for (m, t) in PARTIES {
        let (got, _) = run_agreed(m, t, 7, move |rt| async move {
            let x = input_ints(&rt, &ty, 0, &a).await?;
            let y = input_ints(&rt, &ty, 1, &b).await?;
            open_ints(&rt, &rt.gcd(&x, &y).await?).await
        });
        assert_eq!(got, vec![0, 3, 3, 1], "m={m} t={t}");
    }
}

#[test]
fn mpyc_expected_lcm() {
    // MPyC: lcm(0, 0) == 0, lcm(-33, 0) == 0, lcm(-66, 30) == 330, lcm(-120, 60) == 120.
    let ty = SecType::int(16).unwrap();
    let (a, b) = ([0, -33, -66, -120], [0, 0, 30, 60]);
    for (m, t) in PARTIES {
        let (got, _) = run_agreed(m, t, 8, move |rt| async move {
            let x = input_ints(&rt, &ty, 0, &a).await?;
            let y = input_ints(&rt, &ty, 1, &b).await?;
            open_ints(&rt, &rt.lcm(&x, &y).await?).await
        });
        assert_eq!(got, vec![0, 0, 330, 120], "m={m} t={t}");
    }
}

#[test]
fn mpyc_expected_inverse() {
    // MPyC: inverse(10, 1) == 0, inverse(11, 16) == 3, inverse(1234, 6789) == 5089,
    // inverse(1234 + 6789, 6789) == 5089.
    let ty = SecType::int(16).unwrap();
    for (m, t) in PARTIES {
        let (got, _) = run_agreed(m, t, 9, move |rt| async move {
            let x = input_ints(&rt, &ty, 0, &[10, 11, 1234, 1234 + 6789]).await?;
            let mut out = Vec::new();
            for (i, n) in [1, 16, 6789, 6789].into_iter().enumerate() {
                let xi = x.select(&[i])?;
                out.extend(open_ints(&rt, &rt.inverse(&xi, n).await?).await?);
            }
            Ok(out)
        });
        assert_eq!(got, vec![0, 3, 5089, 5089], "m={m} t={t}");
    }
}

#[test]
fn inverse_of_every_unit_mod_small_n() {
    // Every a in [0, 2n) with gcd(a, n) = 1, for an odd and an even modulus.
    let ty = SecType::int(16).unwrap();
    for n in [15i128, 16] {
        let a: Vec<i128> = (0..2 * n).filter(|&a| gcd(a, n) == 1).collect();
        let want: Vec<i128> = a.iter().map(|&a| (1..n).find(|&u| a * u % n == 1).unwrap_or(0)).collect();
        let (got, _) = run_agreed(3, 1, 10, {
            let a = a.clone();
            move |rt| {
                let a = a.clone();
                async move {
                    let x = input_ints(&rt, &ty, 0, &a).await?;
                    open_ints(&rt, &rt.inverse(&x, n).await?).await
                }
            }
        });
        assert_eq!(got, want, "n={n}");
    }
}

#[test]
fn bad_arguments_are_errors() {
    let (int, fxp) = (SecType::int(16).unwrap(), SecType::fxp(16, 4).unwrap());
    let (got, _) = run_agreed(3, 1, 11, move |rt| async move {
        let x = input_ints(&rt, &int, 0, &[5]).await?;
        let y = input_ints(&rt, &fxp, 0, &[5]).await?;
        Ok([
            rt.inverse(&x, 0).await.err(),
            rt.inverse(&x, -7).await.err(),
            rt.inverse(&x, 1 << 15).await.err(),
            rt.inverse(&x, i128::MAX).await.err(),
            rt.gcd(&y, &y).await.err(),
            rt.lcm(&x, &y).await.err(),
        ])
    });
    assert!(matches!(got[0], Some(Error::InvalidArgument(_))));
    assert!(matches!(got[1], Some(Error::InvalidArgument(_))));
    assert!(matches!(got[2], Some(Error::InvalidArgument(_))));
    assert!(matches!(got[3], Some(Error::InvalidArgument(_))));
    assert!(matches!(got[4], Some(Error::Type(_))));
    assert!(matches!(got[5], Some(Error::Type(_))));
}

#[test]
fn rounds() {
    // Recorded in docs/engine.md: secint(16), 50 divsteps.
    let ty = SecType::int(16).unwrap();
    for (name, op, want) in [("gcd", 0, 461), ("lcm", 1, 470), ("inverse", 2, 758)] {
        let (r, _) = run_agreed(3, 1, 12, move |rt| async move {
            let x = input_ints(&rt, &ty, 0, &[12]).await?;
            let y = input_ints(&rt, &ty, 0, &[18]).await?;
            let before = rt.stats().rounds;
            match op {
                0 => rt.gcd(&x, &y).await?,
                1 => rt.lcm(&x, &y).await?,
                _ => rt.inverse(&x, 35).await?,
            };
            Ok(rt.stats().rounds - before)
        });
        assert_eq!(r, want, "{name}");
    }
}

fn gcd(a: i128, b: i128) -> i128 {
    if b == 0 { a.abs() } else { gcd(b, a % b) }
}
