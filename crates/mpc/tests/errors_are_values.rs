//! Errors are values, never panics: bad thresholds and party counts,
//! unsupported types, values out of range, mismatched lengths, mixed types,
//! order on secfld.

use crate::common;

use core::future::Future;
use std::rc::Rc;

use cohort_mpc::{Config, Error, Receivers, Result, Runtime, SecType, SecVec, Session, Value, local};
use common::*;

/// Runs `program` on m = 1 and m = 3 and returns the error of each run.
fn errors<T, F, Fut>(program: F) -> Vec<Error>
where
    T: 'static + core::fmt::Debug,
    F: Fn(Rc<Runtime>) -> Fut,
    Fut: Future<Output = Result<T>> + 'static,
{
    [(1, 0), (3, 1)]
        .into_iter()
        .map(|(m, t)| match local::run(m, t, 1, &program) {
            Ok(o) => panic!("m={m}: expected an error, got {:?}", o.results),
            Err(e) => e,
        })
        .collect()
}

fn assert_all(errs: Vec<Error>, pred: fn(&Error) -> bool, what: &str) {
    for e in errs {
        assert!(pred(&e), "{what}: unexpected error {e:?}");
    }
}

fn invalid(e: &Error) -> bool {
    matches!(e, Error::InvalidArgument(_))
}
fn type_err(e: &Error) -> bool {
    matches!(e, Error::Type(_))
}
fn range(e: &Error) -> bool {
    matches!(e, Error::OutOfRange(_))
}

#[test]
fn thresholds_and_party_counts() {
    for (m, t) in [(1, 1), (2, 1), (3, 2), (4, 2), (5, 3), (7, 4), (7, 7)] {
        let c = Config { parties: m, threshold: t, id: 0, seed: None, prss: true };
        assert!(invalid(&c.validate().unwrap_err()), "m={m} t={t}");
        let r = local::run(m, t, 1, |_rt| async { Ok(()) });
        assert!(matches!(r, Err(Error::InvalidArgument(_))), "local::run m={m} t={t}: {r:?}");
        assert!(Session::new(&c, |_rt| async { Ok(()) }).is_err(), "Session::new m={m} t={t}");
    }
    for (m, t) in CONFIGS {
        assert!(Config { parties: m, threshold: t, id: m - 1, seed: None, prss: true }.validate().is_ok());
        let d = Config::new(m, 0);
        assert_eq!(d.threshold, (m - 1) / 2, "MPyC's default threshold");
        assert!(d.validate().is_ok());
    }
    let bad_id = Config { parties: 3, threshold: 1, id: 3, seed: None, prss: true };
    assert!(invalid(&bad_id.validate().unwrap_err()));
    for m in [63usize, 100] {
        let c = Config { parties: m, threshold: 0, id: 0, seed: None, prss: true };
        assert!(invalid(&c.validate().unwrap_err()), "m={m}");
        let r = local::run(m, 0, 1, |_rt| async { Ok(()) });
        assert!(matches!(r, Err(Error::InvalidArgument(_))), "local::run with {m} parties: {:?}", r.map(|o| o.results.len()));
    }
}

/// A session of no parties is as invalid for `local::run` as for `Config::validate`.
#[test]
fn zero_parties_is_an_error() {
    let c = Config { parties: 0, threshold: 0, id: 0, seed: None, prss: true };
    assert!(invalid(&c.validate().unwrap_err()));
    let r = local::run(0, 0, 1, |_rt| async { Ok(()) });
    assert!(matches!(r, Err(Error::InvalidArgument(_))), "local::run with 0 parties: {:?}", r.map(|o| o.results.len()));
}

#[test]
fn unsupported_types() {
    for l in [0u32, 97, 128, 1000] {
        assert!(invalid(&SecType::int(l).unwrap_err()), "secint({l})");
    }
    for (l, f) in [(16u32, 16u32), (8, 20), (0, 0), (64, 33), (65, 32), (96, 1)] {
        assert!(invalid(&SecType::fxp(l, f).unwrap_err()), "secfxp({l}, {f})");
    }
    // Primes from 2^127 on make fields (secint(96)'s), but not secfld types:
    // their elements would not fit a Value::Int.
    for p in [0u128, 1, 2, 4, 91, 100, 1 << 64, 1 << 127, u128::MAX, u128::MAX - 172] {
        assert!(invalid(&SecType::fld(p).unwrap_err()), "secfld({p})");
    }
    assert!(SecType::int(1).is_ok() && SecType::int(96).is_ok() && SecType::fxp(48, 47).is_ok() && SecType::fld(3).is_ok());
    assert!(SecType::fxp(64, 32).is_ok() && SecType::fld((1 << 127) - 1).is_ok());
}

#[test]
fn values_out_of_range_for_their_type() {
    let i8t = SecType::int(8).unwrap();
    for v in [128i128, -129, 1000, i128::MAX, i128::MIN] {
        assert!(range(&i8t.encode(Value::Int(v)).unwrap_err()), "secint(8) {v}");
    }
    for v in [127i128, -128, 0] {
        assert!(i8t.encode(Value::Int(v)).is_ok(), "secint(8) {v}");
    }
    let i32t = SecType::int(32).unwrap();
    assert!(range(&i32t.encode(Value::Int(1 << 31)).unwrap_err()));
    assert!(range(&i32t.encode(Value::Int(-(1 << 31) - 1)).unwrap_err()));
    assert!(type_err(&i32t.encode(Value::Fixed(3.5)).unwrap_err()));
    assert!(i32t.encode(Value::Fixed(-3.0)).is_ok());
    let fx = SecType::fxp(32, 16).unwrap();
    for v in [32768.0, -32768.5, 1e300, f64::INFINITY, f64::NAN] {
        assert!(fx.encode(Value::Fixed(v)).is_err(), "secfxp {v}");
    }
    assert!(range(&fx.encode(Value::Int(32768)).unwrap_err()));
    assert!(range(&fx.encode(Value::Int(i128::MAX)).unwrap_err()));
    for v in [-32768.0, 32767.0 + 65535.0 / 65536.0, 0.0, -1.0 / 65536.0] {
        assert!(fx.encode(Value::Fixed(v)).is_ok(), "secfxp {v}");
    }
    let fld = SecType::fld(101).unwrap();
    assert!(type_err(&fld.encode(Value::Fixed(1.0)).unwrap_err()));

    // Through a protocol: the owner's input fails with the value.
    for v in [128i128, -129] {
        assert_all(errors(|rt| async move { input_ints(&rt, &i8t, 0, &[0, v]).await }), range, "input");
    }
    assert_all(errors(|rt| async move { input(&rt, &fx, 0, &[Value::Fixed(40000.0)]).await }), range, "fxp input");
    assert_all(errors(|rt| async move { input_ints(&rt, &i8t, 0, &[1]).await?.add_public(Value::Int(200)) }), range, "add_public");
}

#[test]
fn mismatched_lengths() {
    let ty = SecType::int(32).unwrap();
    let pair = move |rt: Rc<Runtime>| async move {
        let a = input_ints(&rt, &ty, 0, &[1, 2, 3]).await?;
        let b = input_ints(&rt, &ty, 0, &[1, 2]).await?;
        Ok::<(SecVec, SecVec), Error>((a, b))
    };
    assert_all(
        errors(move |rt| async move {
            let (a, b) = pair(rt).await?;
            a.add(&b)
        }),
        invalid,
        "add",
    );
    assert_all(
        errors(move |rt| async move {
            let (a, b) = pair(rt).await?;
            a.sub(&b)
        }),
        invalid,
        "sub",
    );
    assert_all(
        errors(move |rt| async move {
            let (a, b) = pair(rt.clone()).await?;
            rt.mul(&a, &b).await
        }),
        invalid,
        "mul",
    );
    assert_all(
        errors(move |rt| async move {
            let (a, b) = pair(rt.clone()).await?;
            rt.lt(&a, &b).await
        }),
        invalid,
        "lt",
    );
    assert_all(
        errors(move |rt| async move {
            let (a, b) = pair(rt.clone()).await?;
            rt.eq(&a, &b).await
        }),
        invalid,
        "eq",
    );
    assert_all(
        errors(move |rt| async move {
            let (a, b) = pair(rt.clone()).await?;
            rt.inner(&a, &b).await
        }),
        invalid,
        "inner",
    );
    assert_all(
        errors(move |rt| async move {
            let (a, b) = pair(rt.clone()).await?;
            rt.min_pairwise(&a, &b).await
        }),
        invalid,
        "min_pairwise",
    );
    assert_all(
        errors(move |rt| async move {
            let (a, b) = pair(rt.clone()).await?;
            rt.if_else(&b, &a, &a).await
        }),
        invalid,
        "if_else",
    );
    assert_all(
        errors(move |rt| async move {
            let (a, _) = pair(rt).await?;
            a.select(&[0, 3])
        }),
        invalid,
        "select",
    );
    assert_all(
        errors(|rt| async move { rt.input(&ty, 0, (rt.id() == 0).then_some(&[Value::Int(1)][..]), 2).await }),
        invalid,
        "input with the wrong count",
    );
}

#[test]
fn mixed_types() {
    let (a_t, b_t, f_t) = (SecType::int(32).unwrap(), SecType::int(8).unwrap(), SecType::fxp(32, 16).unwrap());
    for other in [b_t, f_t, SecType::fld(101).unwrap()] {
        let pair = move |rt: Rc<Runtime>| async move {
            let a = input_ints(&rt, &a_t, 0, &[1, 2]).await?;
            let b = input_ints(&rt, &other, 0, &[1, 2]).await?;
            Ok::<(SecVec, SecVec), Error>((a, b))
        };
        assert_all(
            errors(move |rt| async move {
                let (a, b) = pair(rt).await?;
                a.add(&b)
            }),
            type_err,
            "add",
        );
        assert_all(
            errors(move |rt| async move {
                let (a, b) = pair(rt).await?;
                a.concat(&b)
            }),
            type_err,
            "concat",
        );
        assert_all(
            errors(move |rt| async move {
                let (a, b) = pair(rt.clone()).await?;
                rt.mul(&a, &b).await
            }),
            type_err,
            "mul",
        );
        assert_all(
            errors(move |rt| async move {
                let (a, b) = pair(rt.clone()).await?;
                rt.inner(&a, &b).await
            }),
            type_err,
            "inner",
        );
        assert_all(
            errors(move |rt| async move {
                let (a, b) = pair(rt.clone()).await?;
                rt.lt(&a, &b).await
            }),
            type_err,
            "lt",
        );
        assert_all(
            errors(move |rt| async move {
                let (a, b) = pair(rt.clone()).await?;
                rt.eq(&a, &b).await
            }),
            type_err,
            "eq",
        );
    }
    // Fractional public constants for integer types.
    assert_all(
        errors(move |rt| async move { rt.mul_public(&input_ints(&rt, &a_t, 0, &[1]).await?, Value::Fixed(0.5)).await }),
        type_err,
        "secint × 0.5",
    );
}

#[test]
fn order_on_secfld_is_a_type_error() {
    for p in [101u128, P61] {
        let ty = SecType::fld(p).unwrap();
        let x = move |rt: Rc<Runtime>| async move { input_ints(&rt, &ty, 0, &[1, 2, 3]).await };
        assert_all(
            errors(move |rt| async move {
                let a = x(rt.clone()).await?;
                rt.lt(&a, &a).await
            }),
            type_err,
            "lt",
        );
        assert_all(
            errors(move |rt| async move {
                let a = x(rt.clone()).await?;
                rt.gt(&a, &a).await
            }),
            type_err,
            "gt",
        );
        assert_all(
            errors(move |rt| async move {
                let a = x(rt.clone()).await?;
                rt.le(&a, &a).await
            }),
            type_err,
            "le",
        );
        assert_all(
            errors(move |rt| async move {
                let a = x(rt.clone()).await?;
                rt.ge(&a, &a).await
            }),
            type_err,
            "ge",
        );
        assert_all(
            errors(move |rt| async move {
                let a = x(rt.clone()).await?;
                rt.abs(&a).await
            }),
            type_err,
            "abs",
        );
        assert_all(
            errors(move |rt| async move {
                let a = x(rt.clone()).await?;
                rt.sign(&a).await
            }),
            type_err,
            "sign",
        );
        assert_all(
            errors(move |rt| async move {
                let a = x(rt.clone()).await?;
                rt.min(&a).await
            }),
            type_err,
            "min",
        );
        assert_all(
            errors(move |rt| async move {
                let a = x(rt.clone()).await?;
                rt.max(&a).await
            }),
            type_err,
            "max",
        );
        assert_all(
            errors(move |rt| async move {
                let a = x(rt.clone()).await?;
                rt.argmin(&a).await
            }),
            type_err,
            "argmin",
        );
        assert_all(
            errors(move |rt| async move {
                let a = x(rt.clone()).await?;
                rt.argmax(&a).await
            }),
            type_err,
            "argmax",
        );
        assert_all(
            errors(move |rt| async move {
                let a = x(rt.clone()).await?;
                rt.min_pairwise(&a, &a).await
            }),
            type_err,
            "min_pairwise",
        );
        assert_all(
            errors(move |rt| async move {
                let a = x(rt.clone()).await?;
                rt.max_pairwise(&a, &a).await
            }),
            type_err,
            "max_pairwise",
        );
        assert_all(
            errors(move |rt| async move {
                let a = x(rt.clone()).await?;
                rt.sort(&a, false).await
            }),
            type_err,
            "sort",
        );
        assert_all(
            errors(move |rt| async move {
                let a = x(rt.clone()).await?;
                rt.sort_by_key(&a, std::slice::from_ref(&a), true).await
            }),
            type_err,
            "sort_by_key",
        );
        assert_all(
            errors(move |rt| async move { rt.mul_public(&x(rt.clone()).await?, Value::Fixed(0.5)).await }),
            type_err,
            "secfld × 0.5",
        );
    }
}

#[test]
fn bad_parties_and_tiny_fields() {
    let ty = SecType::int(32).unwrap();
    assert_all(errors(|rt| async move { rt.input(&ty, 5, None, 1).await }), invalid, "input from a party that does not exist");
    assert_all(
        errors(|rt| async move {
            let x = input_ints(&rt, &ty, 0, &[1]).await?;
            rt.reveal(&x, &Receivers::Only(vec![0, 9])).await
        }),
        invalid,
        "reveal to a party that does not exist",
    );
    // GF(3) has no distinct nonzero points for 3 parties.
    let tiny = SecType::fld(3).unwrap();
    let r = local::run(3, 1, 1, |rt| async move { rt.random_bits(&tiny, 4).await });
    assert!(matches!(r, Err(Error::InvalidArgument(_))), "{r:?}");
    let r = local::run(3, 1, 1, |rt| async move { input_ints(&rt, &tiny, 0, &[1]).await });
    assert!(matches!(r, Err(Error::InvalidArgument(_))), "{r:?}");
}
