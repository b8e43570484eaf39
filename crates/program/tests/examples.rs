//! Every example in `examples/` runs with its inputs and gives its expected
//! outputs (fixed point within the tolerance stated in examples/README.md);
//! secret santa, whose result is random, is checked for its property.

use crate::common;

use common::*;

/// Fixed-point outputs of the examples match within this (absolute) tolerance.
const TOLERANCE: f64 = 1e-3;

#[test]
fn every_example_gives_its_expected_outputs() {
    let names = example_names();
    assert!(names.len() >= 9, "examples found: {names:?}");
    for name in &names {
        let (program, inputs) = example(name);
        let got = run(&program, (inputs.len() - 1) / 2, &inputs, 1).unwrap_or_else(|e| panic!("{name}: {e}"));
        match expected(name) {
            Some(want) => assert_outputs(name, &got, &want, TOLERANCE),
            None => assert_eq!(name, "secret_santa", "every example but secret santa has expected outputs"),
        }
    }
}

#[test]
fn secret_santa_is_a_derangement_and_each_party_learns_only_its_giftee() {
    let (program, inputs) = example("secret_santa");
    let m = inputs.len();
    let mut seen = std::collections::BTreeSet::new();
    for seed in 0..12 {
        let got = run(&program, 1, &inputs, seed).unwrap();
        let giftees: Vec<i64> = got
            .iter()
            .map(|o| {
                assert_eq!(o.len(), 1, "a party learns only its giftee: {o:?}");
                o["giftee"].as_i64().expect("a number")
            })
            .collect();
        let mut sorted = giftees.clone();
        sorted.sort();
        assert_eq!(sorted, (0..m as i64).collect::<Vec<_>>(), "a permutation: {giftees:?}");
        assert!(giftees.iter().enumerate().all(|(i, &g)| g != i as i64), "nobody draws themselves: {giftees:?}");
        seen.insert(giftees);
    }
    assert!(seen.len() > 1, "the draw is random");
}
