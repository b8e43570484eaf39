//! Expected values from MPyC's own test suite (MPYC-NOTES), for the
//! operations this engine offers, on every `(m, t)`.

use crate::common;

use cohort_mpc::{SecType, Value};
use common::*;

/// With secint, a = 12, b = 13: a*b + b == 169.
#[test]
fn secint_a_times_b_plus_b() {
    let ty = SecType::int(32).unwrap();
    for_all_configs(
        71,
        |rt| async move {
            let a = input_ints(&rt, &ty, 0, &[12]).await?;
            let b = input_ints(&rt, &ty, 1, &[13]).await?;
            let ab = rt.mul(&a, &b).await?;
            open_ints(&rt, &ab.add(&b)?).await
        },
        |m, t, got| assert_eq!(got, vec![169], "m={m} t={t}"),
    );
}

/// With SecFld(modulus=101): 1 * (-1) == 100.
#[test]
fn secfld_101_one_times_minus_one() {
    let ty = SecType::fld(101).unwrap();
    for_all_configs(
        72,
        |rt| async move {
            let one = input_ints(&rt, &ty, 0, &[1]).await?;
            let minus_one = input_ints(&rt, &ty, 1, &[-1]).await?;
            let secret = open_ints(&rt, &rt.mul(&one, &minus_one).await?).await?;
            let public = open_ints(&rt, &rt.mul_public(&one, Value::Int(-1)).await?).await?;
            Ok((secret, public))
        },
        |m, t, got| assert_eq!(got, (vec![100], vec![100]), "m={m} t={t}"),
    );
}

/// In fixed point, sum([2.75], start=3.125) == 5.875.
#[test]
fn secfxp_sum_with_start() {
    let ty = SecType::fxp(32, 16).unwrap();
    for_all_configs(
        73,
        |rt| async move {
            let x = input(&rt, &ty, 0, &[Value::Fixed(2.75)]).await?;
            let with_public_start = x.sum().add_public(Value::Fixed(3.125))?;
            let start = input(&rt, &ty, 1, &[Value::Fixed(3.125)]).await?;
            let with_secret_start = x.concat(&start)?.sum();
            Ok((rt.reveal_all(&with_public_start).await?, rt.reveal_all(&with_secret_start).await?))
        },
        |m, t, got| assert_eq!(got, (vec![Value::Fixed(5.875)], vec![Value::Fixed(5.875)]), "m={m} t={t}"),
    );
}

/// The secint(32) field is 2^64 − 189 with 8-byte shares, as in MPyC.
#[test]
fn secint32_field() {
    let ty = SecType::int(32).unwrap();
    assert_eq!(ty.field().modulus(), 18446744073709551427);
    assert_eq!(ty.field().byte_len(), 8);
}

/// `mpc.prod` at an odd length leaves the first element unpaired:
/// `[a, b, c]` is `a · (b · c)`. With `a = 1 + 2^−16`, `b = 0.5`, `c = 2` in
/// `secfxp(32, 16)` every truncation of that pairing is exact, and MPyC 0.11
/// gives `a` exactly, for 3 and for 5 factors; pairing `(a · b) · c` instead
/// would truncate `a/2` and give `a ± 2^−16`.
#[test]
fn secfxp_prod_pairs_as_mpyc() {
    let ty = SecType::fxp(32, 16).unwrap();
    let a = 1.0000152587890625;
    for_all_configs(
        74,
        move |rt| async move {
            let three = input(&rt, &ty, 0, &[Value::Fixed(a), Value::Fixed(0.5), Value::Fixed(2.0)]).await?;
            let five = input(&rt, &ty, 1, &[a, 0.5, 2.0, 0.5, 2.0].map(Value::Fixed)).await?;
            Ok((rt.reveal_all(&rt.prod(&three).await?).await?, rt.reveal_all(&rt.prod(&five).await?).await?))
        },
        |m, t, got| assert_eq!(got, (vec![Value::Fixed(a)], vec![Value::Fixed(a)]), "m={m} t={t}"),
    );
}
