//! `secint(96)`, the largest `secint` (96 + 30 + 2 = 128 field bits, the
//! field 2^128 − 173): comparisons and products at the extremes of its
//! range, −2^95 and 2^95 − 1, with 1, 3 and 5 parties. Products beyond the
//! range wrap modulo p, as in MPyC; the reference computes them by
//! double-and-add on `u128`, independently of the engine's field code.

use crate::common;

use cohort_mpc::{SecType, Value};
use common::*;

const P: u128 = u128::MAX - 172;

fn ty() -> SecType {
    SecType::int(96).unwrap()
}

fn add_ref(a: u128, b: u128) -> u128 {
    if a >= P - b { a - (P - b) } else { a + b }
}

fn residue(x: i128) -> u128 {
    if x < 0 { P - x.unsigned_abs() } else { x as u128 }
}

/// `x · y` modulo p, centered: what MPyC's secint(96) product opens to.
fn product_ref(x: i128, y: i128) -> i128 {
    let (mut a, mut b, mut acc) = (residue(x), residue(y), 0u128);
    while b > 0 {
        if b & 1 == 1 {
            acc = add_ref(acc, a);
        }
        a = add_ref(a, a);
        b >>= 1;
    }
    if acc > P / 2 { -((P - acc) as i128) } else { acc as i128 }
}

#[test]
fn the_type() {
    let t = ty();
    assert_eq!((t.bits(), t.field().bits(), t.field().modulus()), (96, 128, P));
    assert!(t.encode(Value::Int(max_of(96))).is_ok() && t.encode(Value::Int(min_of(96))).is_ok());
    assert!(t.encode(Value::Int(max_of(96) + 1)).is_err() && t.encode(Value::Int(min_of(96) - 1)).is_err());
    assert!(t.encode(Value::Int(i128::MAX)).is_err() && t.encode(Value::Int(i128::MIN)).is_err());
}

#[test]
fn comparisons_at_the_extremes() {
    let (hi, lo) = (max_of(96), min_of(96));
    let e = [hi, hi - 1, lo, lo + 1, 0, 1, -1, 1 << 94, -(1 << 94)];
    let (a, b) = all_pairs(&e);
    for (m, t) in [(1, 0), (3, 1), (5, 2)] {
        let (got, _) = run_agreed(m, t, 96, |rt| {
            let (a, b) = (a.clone(), b.clone());
            async move {
                let x = input_ints(&rt, &ty(), 0, &a).await?;
                let y = input_ints(&rt, &ty(), 1, &b).await?;
                Ok((open_ints(&rt, &rt.lt(&x, &y).await?).await?, open_ints(&rt, &rt.eq(&x, &y).await?).await?))
            }
        });
        let want_lt: Vec<i128> = a.iter().zip(&b).map(|(x, y)| bit(x < y)).collect();
        let want_eq: Vec<i128> = a.iter().zip(&b).map(|(x, y)| bit(x == y)).collect();
        assert_eq!(got, (want_lt, want_eq), "m={m} t={t}");
    }
}

#[test]
fn products_at_the_extremes() {
    let (hi, lo) = (max_of(96), min_of(96));
    // In range: ±1 times the extremes, 2^47 · 2^47 = 2^94, −2^47 · 2^48 = −2^95,
    // and (2^48 − 1)(2^47 − 1) = 2^95 − 2^48 − 2^47 + 1, just below 2^95.
    // Out of range (wrapping mod p): hi², lo², hi · lo, lo · 2.
    let a = [hi, lo, hi, lo, 1 << 47, -(1 << 47), (1 << 48) - 1, hi, lo, hi, lo];
    let b = [1, 1, -1, -1, 1 << 47, 1 << 48, (1 << 47) - 1, hi, lo, lo, 2];
    let want: Vec<i128> = a.iter().zip(&b).map(|(&x, &y)| product_ref(x, y)).collect();
    // The in-range products are the exact ones.
    for i in 0..7 {
        assert_eq!(want[i], a[i] * b[i], "reference {i}");
    }
    // The wrapped ones are not (2^190 and the like are far above p).
    assert_ne!(want[7], want[8]);
    // The shared reference (`common::expect`, on u128 residues) agrees
    // wherever the exact product fits an i128, −2^96 = lo · 2 included.
    for i in 0..a.len() {
        if let Some(exact) = a[i].checked_mul(b[i]) {
            assert_eq!(expect(&ty(), exact), Value::Int(want[i]), "common::expect({exact})");
        }
    }
    assert_eq!(want[10], -(1i128 << 96));
    for (m, t) in [(1, 0), (3, 1), (5, 2)] {
        let (got, _) = run_agreed(m, t, 97, |rt| async move {
            let x = input_ints(&rt, &ty(), 0, &a).await?;
            let y = input_ints(&rt, &ty(), 1, &b).await?;
            open_ints(&rt, &rt.mul(&x, &y).await?).await
        });
        assert_eq!(got, want, "m={m} t={t}");
    }
}
