//! Input from one party and reveal to all or to chosen parties, for every
//! `(m, t)` and every secure type, on edge and random values.

use crate::common;

use cohort_mpc::{Receivers, SecType, Value, local};
use common::*;
use futures_util::future::try_join_all;
use proptest::prelude::*;

/// Every party, in turn, inputs edge and random values; everyone learns them.
#[test]
fn every_party_inputs_and_everyone_learns_the_values() {
    let mut types = all_types();
    types.push(SecType::fld((1u128 << 127) - 1).unwrap()); // a two-limb field
    for (k, ty) in types.iter().enumerate() {
        let raw = raw_samples(ty, 10 + k as u64, 8);
        let expected = expects(ty, raw.iter().copied());
        let ty = *ty;
        for_all_configs(
            1,
            |rt| {
                let raw = raw.clone();
                async move {
                    let mut out = Vec::new();
                    for owner in 0..rt.parties() {
                        let x = input_raw(&rt, &ty, owner, &raw).await?;
                        out.push(rt.reveal_all(&x).await?);
                    }
                    Ok(out)
                }
            },
            |m, t, got| {
                assert_eq!(got.len(), m);
                for (owner, g) in got.iter().enumerate() {
                    assert_eq!(g, &expected, "{ty} m={m} t={t} owner={owner}");
                }
            },
        );
    }
}

/// Inputs from every party at once share one round.
#[test]
fn concurrent_inputs_from_all_parties_take_one_round() {
    let ty = SecType::int(32).unwrap();
    for_all_configs(
        2,
        |rt| async move {
            let m = rt.parties();
            let before = rt.stats().rounds;
            let xs = try_join_all((0..m).map(|owner| {
                let v = [100 * owner as i128 - 7, -(owner as i128)];
                let rt = rt.clone();
                async move { input_ints(&rt, &ty, owner, &v).await }
            }))
            .await?;
            let rounds = rt.stats().rounds - before;
            let mut out = Vec::new();
            for x in &xs {
                out.push(open_ints(&rt, x).await?);
            }
            Ok((out, rounds))
        },
        |m, t, (got, rounds)| {
            assert_eq!(rounds, 1, "m={m} t={t}");
            for (owner, g) in got.iter().enumerate() {
                assert_eq!(g, &vec![100 * owner as i128 - 7, -(owner as i128)], "m={m} t={t}");
            }
        },
    );
}

/// Receivers get the values; every other party gets `None`.
#[test]
fn reveal_to_chosen_parties_only() {
    for ty in all_types() {
        let raw = raw_samples(&ty, 3, 4);
        let expected = expects(&ty, raw.iter().copied());
        for (m, t) in CONFIGS {
            let mut sets = vec![Receivers::All, Receivers::Only(vec![]), Receivers::Only(vec![0]), Receivers::Only(vec![m - 1])];
            sets.push(Receivers::Only((0..m).filter(|j| j % 2 == 1).collect()));
            sets.push(Receivers::Only(vec![m - 1, 0]));
            sets.push(Receivers::Only((0..m).collect()));
            let out = local::run(m, t, 5, |rt| {
                let (raw, sets) = (raw.clone(), sets.clone());
                async move {
                    let x = input_raw(&rt, &ty, 1, &raw).await?;
                    let mut got = Vec::new();
                    for to in &sets {
                        let before = rt.stats().rounds;
                        let v = rt.reveal(&x, to).await?;
                        got.push((v, rt.stats().rounds - before));
                    }
                    Ok(got)
                }
            })
            .unwrap_or_else(|e| panic!("{ty} m={m} t={t}: {e}"));
            for (party, got) in out.results.iter().enumerate() {
                for (to, (v, rounds)) in sets.iter().zip(got) {
                    assert_eq!(*rounds, 1, "{ty} m={m} t={t} reveal to {to:?} should take one round");
                    if to.contains(party) {
                        assert_eq!(v.as_ref(), Some(&expected), "{ty} m={m} t={t} party {party} receives for {to:?}");
                    } else {
                        assert_eq!(v, &None, "{ty} m={m} t={t} party {party} is not among {to:?}");
                    }
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(8))]

    /// Random secint(32) values from a random owner reveal to themselves.
    #[test]
    fn random_inputs_roundtrip(values in prop::collection::vec(i32::MIN..=i32::MAX, 0..20), owner in 0usize..7, config in 0usize..CONFIGS.len()) {
        let (m, t) = CONFIGS[config];
        let ty = SecType::int(32).unwrap();
        let raw: Vec<i128> = values.iter().map(|&v| i128::from(v)).collect();
        let (got, _) = run_agreed(m, t, 9, |rt| {
            let raw = raw.clone();
            async move {
                let x = input_ints(&rt, &ty, owner, &raw).await?;
                open_ints(&rt, &x).await
            }
        });
        prop_assert_eq!(got, raw);
    }

    /// Random secfxp(32, 16) values (rounded to 2^-16) reveal to themselves.
    #[test]
    fn random_fixed_point_inputs_roundtrip(values in prop::collection::vec(-32768.0f64..32767.99, 1..12), config in 0usize..CONFIGS.len()) {
        let (m, t) = CONFIGS[config];
        let ty = SecType::fxp(32, 16).unwrap();
        let rounded: Vec<f64> = values.iter().map(|x| (x * 65536.0).round_ties_even() / 65536.0).collect();
        let (got, _) = run_agreed(m, t, 9, |rt| {
            let values = values.clone();
            async move {
                let x = input(&rt, &ty, 0, &fixed(&values)).await?;
                rt.reveal_all(&x).await
            }
        });
        prop_assert_eq!(got, fixed(&rounded));
    }
}

/// Whole numbers given as `Value::Fixed` are accepted by secint, and
/// `Value::Int` by secfxp (scaled).
#[test]
fn values_of_the_other_form_are_converted() {
    let (i32t, fx) = (SecType::int(32).unwrap(), SecType::fxp(32, 16).unwrap());
    let (got, _) = run_agreed(3, 1, 4, |rt| async move {
        let a = input(&rt, &i32t, 0, &[Value::Fixed(-42.0), Value::Fixed(7.0)]).await?;
        let b = input(&rt, &fx, 2, &[Value::Int(-3), Value::Int(32767)]).await?;
        Ok((rt.reveal_all(&a).await?, rt.reveal_all(&b).await?))
    });
    assert_eq!(got.0, vec![Value::Int(-42), Value::Int(7)]);
    assert_eq!(got.1, vec![Value::Fixed(-3.0), Value::Fixed(32767.0)]);
}
