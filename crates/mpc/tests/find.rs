//! MPyC's `find(x, a, bits=False, e=…)`: the index of the first element equal
//! to `a`, `len(x)` (or `e`) when there is none, with the expected values of
//! MPyC's `tests/test_runtime.py` (`test_misc`) and a plaintext reference,
//! over 3 and 5 parties.

use crate::common;

use cohort_mpc::{Error, Kind, SecType};
use common::*;

const PARTIES: [(usize, usize); 2] = [(3, 1), (5, 2)];

fn reference(xs: &[i128], a: i128, e: Option<i128>) -> i128 {
    xs.iter().position(|&x| x == a).map_or(e.unwrap_or(xs.len() as i128), |i| i as i128)
}

#[test]
fn mpyc_expected_find() {
    // MPyC, for secint, secfxp and secfld: find([secnum(1)], 0, e=-1) == -1,
    // find([secnum(1)], 1) == 0; find([secfld(2)], 2, bits=False) == 0;
    // find([secint(i) for i in range(5)], 2, bits=False, f=lambda i: [i**2, 3**i]) == [4, 9]:
    // the index is 2.
    let types = [SecType::int(32).unwrap(), SecType::fxp(32, 16).unwrap(), SecType::fld(P61).unwrap()];
    for (m, t) in PARTIES {
        for ty in types {
            let (got, _) = run_agreed(m, t, 31, move |rt| async move {
                let one = input_ints(&rt, &ty, 0, &[1]).await?;
                let (zero, two) = (input_ints(&rt, &ty, 1, &[0]).await?, input_ints(&rt, &ty, 1, &[2]).await?);
                let range = input_ints(&rt, &ty, 2, &[0, 1, 2, 3, 4]).await?;
                let mut out = Vec::new();
                for (x, a, e) in [(&one, &zero, Some(-1)), (&one, &one, None), (&two, &two, None), (&range, &two, None)] {
                    let i = rt.find(x, a, e).await?;
                    let v = if ty.kind() == Kind::Fld { open_ints(&rt, &i).await?[0] } else { open_f64(&rt, &i).await?[0] as i128 };
                    out.push(v);
                }
                Ok(out)
            });
            let want = if ty.kind() == Kind::Fld { vec![P61 as i128 - 1, 0, 0, 2] } else { vec![-1, 0, 0, 2] };
            assert_eq!(got, want, "m={m} t={t} {ty}");
        }
    }
}

#[test]
fn find_matches_the_first_occurrence_or_the_length() {
    let ty = SecType::int(8).unwrap();
    for (m, t) in PARTIES {
        for n in [1usize, 2, 3, 7, 16, 33] {
            let xs: Vec<i128> = random_ints(n as u64, 3, n);
            for a in [-4i128, 0, 3] {
                let (got, _) = run_agreed(m, t, 40 + n as u64, {
                    let xs = xs.clone();
                    move |rt| {
                        let xs = xs.clone();
                        async move {
                            let x = input_ints(&rt, &ty, 0, &xs).await?;
                            let a = input_ints(&rt, &ty, 1, &[a]).await?;
                            let plain = open_ints(&rt, &rt.find(&x, &a, None).await?).await?;
                            let minus = open_ints(&rt, &rt.find(&x, &a, Some(-1)).await?).await?;
                            Ok((plain[0], minus[0]))
                        }
                    }
                });
                assert_eq!(got, (reference(&xs, a, None), reference(&xs, a, Some(-1))), "m={m} t={t} {xs:?} find {a}");
            }
        }
    }
}

/// The index holds `len(x)`: for 128 `secint(8)` values (a result up to
/// 128 > 2^7 − 1) it is a `secfld` of the type's field, as `argmax`'s.
#[test]
fn find_index_type_holds_the_length() {
    let ty = SecType::int(8).unwrap();
    let xs = vec![5i128; 128];
    let (got, _) = run_agreed(3, 1, 44, move |rt| {
        let xs = xs.clone();
        async move {
            let x = input_ints(&rt, &ty, 0, &xs).await?;
            let a = input_ints(&rt, &ty, 1, &[6]).await?;
            let i = rt.find(&x, &a, None).await?;
            Ok((i.ty().kind(), open_ints(&rt, &i).await?))
        }
    });
    assert_eq!(got, (Kind::Fld, vec![128]));
}

#[test]
fn find_refuses_a_vector_to_look_for_and_an_unfitting_default() {
    let ty = SecType::int(8).unwrap();
    let outcome = cohort_mpc::local::run(3, 1, 45, move |rt| async move {
        let x = input_ints(&rt, &ty, 0, &[1, 2]).await?;
        let two = rt.find(&x, &x, None).await.map(|_| ());
        let big = rt.find(&x, &x.select(&[0])?, Some(1000)).await.map(|_| ());
        Ok((two, big))
    })
    .unwrap();
    let (two, big) = &outcome.results[0];
    assert!(matches!(two, Err(Error::InvalidArgument(_))), "{two:?}");
    assert!(big.is_err(), "{big:?}");
}
