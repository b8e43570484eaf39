//! <, ≤, >, ≥, ==, ≠ against plaintext across the whole range of l-bit
//! values (including 2^(l−1) − 1 against −2^(l−1)), for every `(m, t)`.

use crate::common;

use cohort_mpc::{SecType, Value};
use common::*;
use proptest::prelude::*;

type Six = [Vec<Value>; 6];

/// Runs the six comparisons on raw pairs and checks them against plaintext.
fn check_comparisons(ty: SecType, a: &[i128], b: &[i128], configs: &[(usize, usize)], seed: u64) {
    assert_eq!(a.len(), b.len());
    let one = |c: bool| value_of(&ty, bit(c) << ty.frac());
    let expected: Six = [
        a.iter().zip(b).map(|(x, y)| one(x < y)).collect(),
        a.iter().zip(b).map(|(x, y)| one(x <= y)).collect(),
        a.iter().zip(b).map(|(x, y)| one(x > y)).collect(),
        a.iter().zip(b).map(|(x, y)| one(x >= y)).collect(),
        a.iter().zip(b).map(|(x, y)| one(x == y)).collect(),
        a.iter().zip(b).map(|(x, y)| one(x != y)).collect(),
    ];
    for &(m, t) in configs {
        let (got, _) = run_agreed(m, t, seed, |rt| {
            let (a, b) = (a.to_vec(), b.to_vec());
            async move {
                let x = input_raw(&rt, &ty, 0, &a).await?;
                let y = input_raw(&rt, &ty, 1, &b).await?;
                let r = [
                    rt.lt(&x, &y).await?,
                    rt.le(&x, &y).await?,
                    rt.gt(&x, &y).await?,
                    rt.ge(&x, &y).await?,
                    rt.eq(&x, &y).await?,
                    rt.ne(&x, &y).await?,
                ];
                let mut out: Vec<Vec<Value>> = Vec::new();
                for v in &r {
                    out.push(rt.reveal_all(v).await?);
                }
                Ok(out)
            }
        });
        for (k, name) in ["<", "<=", ">", ">=", "==", "!="].iter().enumerate() {
            for i in 0..a.len() {
                assert_eq!(got[k][i], expected[k][i], "{ty} m={m} t={t}: {} {name} {}", a[i], b[i]);
            }
        }
    }
}

/// All pairs of edge values plus random pairs and equal pairs.
fn pairs(ty: &SecType, edge_subset: Option<usize>, seed: u64, n_random: usize) -> (Vec<i128>, Vec<i128>) {
    let mut e = raw_edges(ty);
    if let Some(k) = edge_subset {
        e.truncate(k);
        e.push(max_of(ty.bits()));
        e.push(min_of(ty.bits()));
        e.dedup();
    }
    let (mut a, mut b) = all_pairs(&e);
    let r1 = raw_random(ty, seed, n_random);
    let r2 = raw_random(ty, seed + 1, n_random);
    a.extend(&r1);
    b.extend(&r2);
    // equal random values, and neighbours
    a.extend(&r1[..n_random / 2]);
    b.extend(&r1[..n_random / 2]);
    a.extend(r1[..n_random / 2].iter().map(|x| x.saturating_sub(1).max(min_of(ty.bits()))));
    b.extend(&r1[..n_random / 2]);
    (a, b)
}

#[test]
fn secint32_whole_range() {
    let ty = SecType::int(32).unwrap();
    let (a, b) = pairs(&ty, None, 100, 16);
    check_comparisons(ty, &a, &b, &CONFIGS, 1);
}

#[test]
fn secint8_every_value_against_the_edges() {
    let ty = SecType::int(8).unwrap();
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for x in -128..128 {
        for e in edges(8) {
            a.extend([x, e]);
            b.extend([e, x]);
        }
    }
    check_comparisons(ty, &a, &b, &[(3, 1)], 2);
    let (a, b) = pairs(&ty, None, 101, 16);
    check_comparisons(ty, &a, &b, &CONFIGS, 3);
}

/// secint(4): every one of the 256 pairs of values, every configuration.
#[test]
fn secint4_every_pair_of_values() {
    let ty = SecType::int(4).unwrap();
    let all: Vec<i128> = (-8..8).collect();
    let (a, b) = all_pairs(&all);
    check_comparisons(ty, &a, &b, &CONFIGS, 8);
}

#[test]
fn secint64_whole_range() {
    let ty = SecType::int(64).unwrap();
    let (a, b) = pairs(&ty, Some(3), 102, 8);
    check_comparisons(ty, &a, &b, &CONFIGS, 4);
}

#[test]
fn secfxp_whole_range() {
    let ty = SecType::fxp(32, 16).unwrap();
    let (a, b) = pairs(&ty, Some(5), 103, 8);
    check_comparisons(ty, &a, &b, &CONFIGS, 5);
}

/// The extremes against each other, for bit lengths from 1 to 96 (the
/// largest whose field fits in 128 bits).
#[test]
fn extremes_for_many_bit_lengths() {
    for l in [1u32, 2, 3, 7, 16, 31, 33, 48, 63, 80, 95, 96] {
        let ty = SecType::int(l).unwrap();
        let (hi, lo) = (max_of(l), min_of(l));
        let a = vec![hi, lo, hi, lo, 0, hi];
        let b = vec![lo, hi, hi, lo, lo, 0];
        check_comparisons(ty, &a, &b, &[(1, 0), (3, 1), (5, 2)], 6);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(8))]

    #[test]
    fn random_secint32(pairs in prop::collection::vec((i32::MIN..=i32::MAX, i32::MIN..=i32::MAX), 1..12), close in prop::collection::vec((i32::MIN..i32::MAX, 0i32..=1), 0..6), config in 0usize..CONFIGS.len()) {
        let (mut a, mut b): (Vec<i128>, Vec<i128>) = pairs.iter().map(|&(x, y)| (i128::from(x), i128::from(y))).unzip();
        for (x, d) in close {
            a.push(i128::from(x));
            b.push(i128::from(x) + i128::from(d));
        }
        check_comparisons(SecType::int(32).unwrap(), &a, &b, &[CONFIGS[config]], 7);
    }
}
