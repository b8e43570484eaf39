//! MPyC's `random.uniform(secfxp, a, b)`: multiples of `2^−f` from `a`
//! towards `b`, each about equally often; MPyC's `test_random.py` ranges
//! (`uniform(secfxp, 13.13, 13.17)` in `[13.13, 13.17]`, and the reverse).

use crate::common;

use std::collections::BTreeMap;

use cohort_mpc::{Error, SecType, Value};
use common::*;

#[test]
fn mpyc_expected_ranges() {
    let ty = SecType::fxp(32, 16).unwrap();
    for (m, t) in [(3, 1), (5, 2)] {
        let (got, _) = run_agreed(m, t, 71, move |rt| async move {
            let up = rt.uniform(&ty, Value::Fixed(13.13), Value::Fixed(13.17), 50).await?;
            let down = rt.uniform(&ty, Value::Fixed(-13.13), Value::Fixed(-13.17), 50).await?;
            Ok((open_f64(&rt, &up).await?, open_f64(&rt, &down).await?))
        });
        let grid = |v: f64| (v * 65536.0).fract() == 0.0;
        assert!(got.0.iter().all(|&v| (13.13..=13.17).contains(&v) && grid(v)), "{:?}", got.0);
        assert!(got.1.iter().all(|&v| (-13.17..=-13.13).contains(&v) && grid(v)), "{:?}", got.1);
    }
}

/// `uniform(secfxp(16, 2), 1, 2)`: 1, 1.25, 1.5, 1.75 (2 excluded, as
/// MPyC's `_randbelow(4)`), each 1,200 times in 4,800 draws, expected, here
/// between 1,050 and 1,350 (over 5 standard deviations out); 2.5 towards
/// −0.5: 2.5 down to −0.25.
#[test]
fn every_value_about_equally_often() {
    let ty = SecType::fxp(16, 2).unwrap();
    let mut counts = BTreeMap::<i64, u32>::new();
    for seed in 0..4 {
        let (got, _) = run_agreed(3, 1, 80 + seed, move |rt| async move {
            open_f64(&rt, &rt.uniform(&ty, Value::Int(1), Value::Int(2), 1_200).await?).await
        });
        for v in got {
            *counts.entry((v * 4.0) as i64).or_default() += 1;
        }
    }
    assert_eq!(counts.keys().copied().collect::<Vec<_>>(), vec![4, 5, 6, 7], "{counts:?}");
    assert!(counts.values().all(|&c| (1_050..=1_350).contains(&c)), "{counts:?}");
    let (down, _) =
        run_agreed(
            5,
            2,
            90,
            move |rt| async move { open_f64(&rt, &rt.uniform(&ty, Value::Fixed(2.5), Value::Fixed(-0.5), 400).await?).await },
        );
    let seen: std::collections::BTreeSet<i64> = down.iter().map(|v| (v * 4.0) as i64).collect();
    assert_eq!(seen, (-1..=10).collect(), "{down:?}");
}

#[test]
fn uniform_of_one_point_and_refusals() {
    let fx = SecType::fxp(16, 2).unwrap();
    let int = SecType::int(16).unwrap();
    let outcome = cohort_mpc::local::run(3, 1, 91, move |rt| async move {
        let same = open_f64(&rt, &rt.uniform(&fx, Value::Fixed(1.5), Value::Fixed(1.5), 3).await?).await?;
        let int = rt.uniform(&int, Value::Int(0), Value::Int(1), 1).await.map(|_| ());
        let out = rt.uniform(&fx, Value::Int(0), Value::Int(1 << 20), 1).await.map(|_| ());
        Ok((same, int, out))
    })
    .unwrap();
    let (same, int, out) = &outcome.results[0];
    assert_eq!(same, &vec![1.5; 3]);
    assert!(matches!(int, Err(Error::Type(_))), "{int:?}");
    assert!(out.is_err(), "{out:?}");
}
