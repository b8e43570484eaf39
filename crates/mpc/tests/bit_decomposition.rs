//! `to_bits`: the two's-complement bits of secint values, least significant
//! first (MPyC: the bits of 8113 are 1,0,0,0,1,1,0,1,1,1,1,1,1,0,0,0, then zeros).

use crate::common;

use cohort_mpc::{Error, SecType, local};
use common::*;

#[test]
fn mpyc_expected_bits_of_8113() {
    let ty = SecType::int(32).unwrap();
    let (bits, _) = run_agreed(3, 1, 1, move |rt| async move {
        let a = input_ints(&rt, &ty, 0, &[8113]).await?;
        open_ints(&rt, &rt.to_bits(&a).await?).await
    });
    let mut want = vec![1, 0, 0, 0, 1, 1, 0, 1, 1, 1, 1, 1, 1, 0, 0, 0];
    want.resize(32, 0);
    assert_eq!(bits, want);
}

#[test]
fn bits_match_plaintext_for_every_configuration() {
    for l in [4u32, 16, 32] {
        let ty = SecType::int(l).unwrap();
        let mut values = edges(l);
        values.extend(random_ints(u64::from(l), l, 8));
        let vals = values.clone();
        for_all_configs(
            u64::from(l) + 100,
            move |rt| {
                let vals = vals.clone();
                async move {
                    let a = input_ints(&rt, &ty, 0, &vals).await?;
                    let bits = rt.to_bits(&a).await?;
                    // from_bits of each row gives the value mod 2^l back.
                    let rows: Vec<usize> = (0..vals.len()).collect();
                    let mut back = Vec::new();
                    for e in rows {
                        let row = bits.select(&(e * l as usize..(e + 1) * l as usize).collect::<Vec<_>>())?;
                        back.extend(open_ints(&rt, &row.from_bits()?).await?);
                    }
                    Ok((open_ints(&rt, &bits).await?, back))
                }
            },
            |m, t, (bits, back)| {
                for (e, v) in values.iter().enumerate() {
                    let want: Vec<i128> = (0..l).map(|i| (v.rem_euclid(1 << l) >> i) & 1).collect();
                    assert_eq!(&bits[e * l as usize..(e + 1) * l as usize], &want[..], "secint({l}) m={m} t={t}: bits of {v}");
                    assert_eq!(wrap(&ty, back[e]), wrap(&ty, v.rem_euclid(1 << l)), "secint({l}) m={m} t={t}: from_bits of {v}");
                }
            },
        );
    }
}

#[test]
fn rounds_are_logarithmic_in_the_bit_length() {
    let ty = SecType::int(32).unwrap();
    let rounds = |n: usize| {
        let (r, _) = run_agreed(3, 1, 2, move |rt| async move {
            let a = input_ints(&rt, &ty, 0, &random_ints(5, 32, n)).await?;
            let before = rt.stats().rounds;
            rt.to_bits(&a).await?;
            Ok(rt.stats().rounds - before)
        });
        r
    };
    assert_eq!(rounds(1), rounds(200));
    assert!(rounds(1) <= 2 + 1 + 5 + 1, "{} rounds", rounds(1));
}

#[test]
fn only_secint_decomposes() {
    let fx = SecType::fxp(16, 8).unwrap();
    let out = local::run(3, 1, 1, move |rt| async move {
        let x = input(&rt, &fx, 0, &fixed(&[1.5])).await?;
        Ok(rt.to_bits(&x).await.unwrap_err())
    })
    .unwrap();
    assert!(matches!(out.results[0], Error::Type(_)), "{:?}", out.results[0]);
}
