//! `a mod 2^k` and `a >> k` for secint with Python's floor semantics
//! (MPyC: `secint(-50) % 32 == 14`, `secint(-70) >> 2 == -18`), and `a << k`.

use crate::common;

use cohort_mpc::{Error, SecType, local};
use common::*;

#[test]
fn mpyc_expected_results() {
    let ty = SecType::int(32).unwrap();
    let (got, _) = run_agreed(3, 1, 1, move |rt| async move {
        let a = input_ints(&rt, &ty, 0, &[-50]).await?;
        let b = input_ints(&rt, &ty, 0, &[-70]).await?;
        Ok((open_ints(&rt, &rt.mod_pow2(&a, 5).await?).await?, open_ints(&rt, &rt.shr(&b, 2).await?).await?))
    });
    assert_eq!(got, (vec![14], vec![-18]));
}

#[test]
fn modulo_and_shift_match_plaintext_for_every_configuration() {
    for l in [8u32, 32, 64] {
        let ty = SecType::int(l).unwrap();
        let mut values = edges(l);
        values.extend(random_ints(l.into(), l, 12));
        let ks: Vec<u32> = [1, 2, 5, l / 2, l - 1].into_iter().filter(|&k| k >= 1 && k < l).collect();
        let (vals, ks2) = (values.clone(), ks.clone());
        for_all_configs(
            u64::from(l),
            move |rt| {
                let (vals, ks) = (vals.clone(), ks2.clone());
                async move {
                    let a = input_ints(&rt, &ty, 0, &vals).await?;
                    let mut out = Vec::new();
                    for &k in &ks {
                        out.push((open_ints(&rt, &rt.mod_pow2(&a, k).await?).await?, open_ints(&rt, &rt.shr(&a, k).await?).await?));
                    }
                    Ok(out)
                }
            },
            |m, t, got| {
                for (&k, (modulo, shifted)) in ks.iter().zip(got) {
                    let want_mod: Vec<i128> = values.iter().map(|v| v.rem_euclid(1 << k)).collect();
                    let want_shr: Vec<i128> = values.iter().map(|v| v >> k).collect();
                    assert_eq!(modulo, want_mod, "secint({l}) m={m} t={t}: a mod 2^{k}");
                    assert_eq!(shifted, want_shr, "secint({l}) m={m} t={t}: a >> {k}");
                }
            },
        );
    }
}

#[test]
fn rounds_do_not_depend_on_the_vector_length() {
    let ty = SecType::int(32).unwrap();
    let rounds = |n: usize| {
        let (r, _) = run_agreed(3, 1, 2, move |rt| async move {
            let a = input_ints(&rt, &ty, 0, &random_ints(3, 32, n)).await?;
            let before = rt.stats().rounds;
            rt.mod_pow2(&a, 7).await?;
            Ok(rt.stats().rounds - before)
        });
        r
    };
    assert_eq!(rounds(1), rounds(500));
    assert!(rounds(1) <= 8, "{} rounds", rounds(1));
}

#[test]
fn shift_left_and_errors() {
    let ty = SecType::int(16).unwrap();
    let fx = SecType::fxp(32, 16).unwrap();
    let out = local::run(3, 1, 4, move |rt| async move {
        let a = input_ints(&rt, &ty, 0, &[-3, 5]).await?;
        let shifted = open_ints(&rt, &a.shl(4)?).await?;
        let x = input(&rt, &fx, 0, &fixed(&[1.5])).await?;
        Ok((
            shifted,
            a.shl(16).unwrap_err(),
            rt.mod_pow2(&a, 0).await.unwrap_err(),
            rt.mod_pow2(&a, 16).await.unwrap_err(),
            rt.shr(&x, 1).await.unwrap_err(),
        ))
    })
    .unwrap();
    let (shifted, wide, zero, too_big, fxp) = &out.results[0];
    assert_eq!(shifted, &vec![-48, 80]);
    assert!(matches!(wide, Error::InvalidArgument(_)), "{wide:?}");
    assert!(matches!(zero, Error::InvalidArgument(_)), "{zero:?}");
    assert!(matches!(too_big, Error::InvalidArgument(_)), "{too_big:?}");
    assert!(matches!(fxp, Error::Type(_)), "{fxp:?}");
}
