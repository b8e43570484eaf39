//! What a party receives for another party's input: with t ≥ 1 its share
//! depends on the dealer's randomness, not (visibly) on the input; with
//! t = 0 the share is the input itself (MPyC's degree-0 sharing).

use crate::common;

use cohort_mpc::{SecType, local};

/// Every party's raw share of party 0's single input `v` of type `ty`.
fn shares_of(ty: SecType, m: usize, t: usize, seed: u64, v: i128) -> Vec<u128> {
    let out = local::run(m, t, seed, move |rt| async move {
        let x = common::input_ints(&rt, &ty, 0, &[v]).await?;
        Ok(ty.field().to_u128(x.shares()[0]))
    })
    .unwrap();
    out.results
}

#[test]
fn a_receivers_share_varies_with_the_seed_and_is_not_the_input() {
    let ty = SecType::int(32).unwrap();
    let f = *ty.field();
    for (m, t) in [(3, 1), (5, 1), (5, 2), (7, 3)] {
        for v in [0i128, 5, -1] {
            let encoded = f.to_u128(f.from_i128(v));
            let mut seen = std::collections::HashSet::new();
            for seed in 0..20 {
                let s = shares_of(ty, m, t, seed, v);
                for (j, &sh) in s.iter().enumerate().skip(1) {
                    assert_ne!(sh, encoded, "m={m} t={t} seed {seed}: party {j} received the input {v} itself");
                }
                seen.insert(s[1]);
            }
            assert_eq!(seen.len(), 20, "m={m} t={t}: party 1's share repeats across seeds");
        }
    }
}

#[test]
fn with_threshold_zero_the_share_is_the_input() {
    let ty = SecType::int(32).unwrap();
    let f = *ty.field();
    for m in [1usize, 3, 5] {
        let s = shares_of(ty, m, 0, 1, -7);
        assert!(s.iter().all(|&x| x == f.to_u128(f.from_i128(-7))), "m={m}: {s:?}");
    }
}

fn chi_square(counts: &[usize]) -> f64 {
    let n: usize = counts.iter().sum();
    let e = n as f64 / counts.len() as f64;
    counts.iter().map(|&c| (c as f64 - e).powi(2) / e).sum()
}

/// In GF(7), party 1's share (t = 1) is uniform whatever party 0 inputs:
/// the histograms for inputs 5 and 6 both pass a χ² test (6 degrees of
/// freedom, 0.1% level: 22.46).
#[test]
fn one_partys_share_is_uniform_for_any_input() {
    let ty = SecType::fld(7).unwrap();
    for v in [5i128, 6] {
        let mut counts = [0usize; 7];
        for seed in 0..700 {
            counts[shares_of(ty, 3, 1, seed, v)[1] as usize] += 1;
        }
        let x2 = chi_square(&counts);
        assert!(x2 < 22.46, "input {v}: party 1's shares {counts:?} (χ² = {x2:.1})");
    }
}

/// With m = 5, t = 2, the pair of shares parties 1 and 2 receive is uniform
/// over GF(7)² for any input (48 degrees of freedom, 0.1% level: 84.0).
#[test]
fn t_parties_jointly_see_uniform_shares() {
    let ty = SecType::fld(7).unwrap();
    for v in [0i128, 3] {
        let mut counts = [0usize; 49];
        for seed in 0..1470 {
            let s = shares_of(ty, 5, 2, seed, v);
            counts[(s[1] * 7 + s[2]) as usize] += 1;
        }
        let x2 = chi_square(&counts);
        assert!(x2 < 84.0, "input {v}: χ² = {x2:.1} for the pair (party 1, party 2)");
    }
}
