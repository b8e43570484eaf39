//! Secure multiplication (one resharing round) and multiplication by public
//! constants, against plaintext for every `(m, t)`.

use crate::common;

use cohort_mpc::{Kind, SecType, Value};
use common::*;
use proptest::prelude::*;

fn check_mul(ty: SecType, a: Vec<i128>, b: Vec<i128>, consts: Vec<i128>) {
    let p = ty.field().modulus();
    let expected_ab = expects(&ty, a.iter().zip(&b).map(|(x, y)| x * y));
    let expected_sq = expects(&ty, a.iter().map(|x| x * x));
    let expected_abb = expects(&ty, a.iter().zip(&b).map(|(x, y)| mul_mod(mul_mod(*x, *y, p), *y, p) + y));
    let expected_pub: Vec<Vec<Value>> = consts.iter().map(|&c| expects(&ty, a.iter().map(|x| x * c))).collect();
    for_all_configs(
        40,
        |rt| {
            let (a, b, consts) = (a.clone(), b.clone(), consts.clone());
            async move {
                let x = input_raw(&rt, &ty, 0, &a).await?;
                let y = input_raw(&rt, &ty, 2, &b).await?;
                let r0 = rt.stats().rounds;
                let xy = rt.mul(&x, &y).await?;
                let r1 = rt.stats().rounds;
                let xx = rt.mul(&x, &x).await?;
                let xyy = rt.mul(&xy, &y).await?.add(&y)?;
                let mut publics = Vec::new();
                for &c in &consts {
                    let before = rt.stats().rounds;
                    let p = rt.mul_public(&x, Value::Int(c)).await?;
                    assert_eq!(rt.stats().rounds, before, "a public integer factor is local");
                    publics.push(rt.reveal_all(&p).await?);
                }
                Ok((rt.reveal_all(&xy).await?, rt.reveal_all(&xx).await?, rt.reveal_all(&xyy).await?, publics, r1 - r0))
            }
        },
        |m, t, (xy, xx, xyy, publics, rounds)| {
            assert_eq!(xy, expected_ab, "{ty} m={m} t={t} a*b");
            assert_eq!(xx, expected_sq, "{ty} m={m} t={t} a*a");
            assert_eq!(xyy, expected_abb, "{ty} m={m} t={t} a*b*b + b");
            assert_eq!(publics, expected_pub, "{ty} m={m} t={t} a*c");
            assert_eq!(rounds, u64::from(t > 0), "{ty} m={m} t={t}: one resharing round (none for t = 0)");
        },
    );
}

/// All pairs of edge values, plus random pairs, for every integer and field type.
#[test]
fn mul_on_all_pairs_of_edge_values() {
    for (s, ty) in all_types().into_iter().filter(|t| t.kind() != Kind::Fxp { frac: 16 }).enumerate() {
        let (mut a, mut b) = all_pairs(&raw_edges(&ty));
        a.extend(raw_random(&ty, 50 + s as u64, 10));
        b.extend(raw_random(&ty, 60 + s as u64, 10));
        let consts = vec![0, 1, -1, 2, 12345, *raw_edges(&ty).last().unwrap()];
        check_mul(ty, a, b, consts);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(6))]

    #[test]
    fn random_secint32(pairs in prop::collection::vec((i32::MIN..=i32::MAX, i32::MIN..=i32::MAX), 1..12), c in i32::MIN..=i32::MAX) {
        let (a, b): (Vec<i128>, Vec<i128>) = pairs.iter().map(|&(x, y)| (i128::from(x), i128::from(y))).unzip();
        check_mul(SecType::int(32).unwrap(), a, b, vec![i128::from(c)]);
    }

    #[test]
    fn random_secint64(pairs in prop::collection::vec((i64::MIN..=i64::MAX, i64::MIN..=i64::MAX), 1..12)) {
        let (a, b): (Vec<i128>, Vec<i128>) = pairs.iter().map(|&(x, y)| (i128::from(x), i128::from(y))).unzip();
        check_mul(SecType::int(64).unwrap(), a, b, vec![-7]);
    }

    #[test]
    fn random_secfld(pairs in prop::collection::vec((0..common::P61 as i128, 0..common::P61 as i128), 1..12), small in prop::collection::vec((0..101i128, 0..101i128), 1..12)) {
        let (a, b): (Vec<i128>, Vec<i128>) = pairs.into_iter().unzip();
        check_mul(SecType::fld(common::P61).unwrap(), a, b, vec![3]);
        let (a, b): (Vec<i128>, Vec<i128>) = small.into_iter().unzip();
        check_mul(SecType::fld(common::P101).unwrap(), a, b, vec![100]);
    }
}

/// Mixed vector lengths fail with a value, on every party.
#[test]
fn mul_of_mismatched_lengths_is_an_error() {
    let ty = SecType::int(32).unwrap();
    let err = cohort_mpc::local::run(3, 1, 1, |rt| async move {
        let x = input_ints(&rt, &ty, 0, &[1, 2, 3]).await?;
        let y = input_ints(&rt, &ty, 1, &[1, 2]).await?;
        rt.mul(&x, &y).await
    })
    .unwrap_err();
    assert!(matches!(err, cohort_mpc::Error::InvalidArgument(_)), "{err:?}");
}
