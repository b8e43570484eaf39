//! The examples allow any number of parties from three up: with 3, 5 and 7
//! parties and every threshold they allow, their outputs match a plaintext
//! computation of the same thing on random inputs.

use crate::common;

use common::*;
use serde_json::{Value as Json, json};

/// A small deterministic generator for test inputs.
struct Gen(u64);

impl Gen {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// MPyC's rounded integer division `(a + d//2) // d` for d > 0.
fn round_div(a: i128, d: i128) -> i128 {
    (a + d / 2).div_euclid(d)
}

/// Inputs for `m` parties and each party's expected outputs (`None` where
/// only a property can be checked).
fn case(name: &str, m: usize, g: &mut Gen) -> (Vec<Inputs>, Json) {
    match name {
        "average_salary" => {
            let s: Vec<i128> = (0..m).map(|_| 20_000 + g.below(200_000) as i128).collect();
            let total: i128 = s.iter().sum();
            (
                s.iter().map(|&x| inputs(&[("salary", json!(x as i64))])).collect(),
                json!({"total": total as i64, "average": round_div(total, m as i128) as i64}),
            )
        }
        "millionaires" => {
            let w: Vec<u64> = (0..m).map(|_| g.below(1_000)).collect();
            let richest = (0..m).fold(0, |best, i| if w[i] > w[best] { i } else { best });
            (w.iter().map(|&x| inputs(&[("wealth", json!(x))])).collect(), json!({"richest": richest}))
        }
        "second_price_auction" => {
            let b: Vec<u64> = (0..m).map(|_| g.below(500)).collect();
            let winner = (0..m).fold(0, |best, i| if b[i] > b[best] { i } else { best });
            let mut sorted = b.clone();
            sorted.sort();
            (b.iter().map(|&x| inputs(&[("bid", json!(x))])).collect(), json!({"winner": winner, "price": sorted[m - 2]}))
        }
        "unanimous_vote" => {
            let v: Vec<u64> = (0..m).map(|_| (g.below(4) != 0) as u64).collect();
            (v.iter().map(|&x| inputs(&[("vote", json!(x))])).collect(), json!({"unanimous": v.iter().all(|&x| x == 1) as u64}))
        }
        "secret_santa" => ((0..m).map(|_| inputs(&[])).collect(), Json::Null),
        "sort_inputs" => {
            let v: Vec<Vec<i64>> = (0..m).map(|_| (0..4).map(|_| g.below(2_000) as i64 - 1_000).collect()).collect();
            let mut all: Vec<i64> = v.concat();
            all.sort();
            (v.iter().map(|x| inputs(&[("values", json!(x))])).collect(), json!({"sorted": all}))
        }
        "statistics" => {
            let v: Vec<Vec<i128>> = (0..m).map(|_| (0..3).map(|_| g.below(100) as i128).collect()).collect();
            let mut all: Vec<i128> = v.concat();
            let n = all.len() as i128;
            let s: i128 = all.iter().sum();
            let var = round_div(all.iter().map(|&x| (n * x - s) * (n * x - s)).sum(), n * n * (n - 1));
            all.sort();
            let median = all[all.len() / 2]; // 3m samples: an odd count
            let json_v: Vec<Vec<i64>> = v.iter().map(|r| r.iter().map(|&x| x as i64).collect()).collect();
            (
                json_v.iter().map(|x| inputs(&[("samples", json!(x))])).collect(),
                json!({"mean": round_div(s, n) as i64, "variance": var as i64, "median": median as i64}),
            )
        }
        "set_intersection_size" => {
            // Distinct numbers per party, drawn from a small range so that sets overlap.
            let sets: Vec<Vec<u64>> = (0..m)
                .map(|_| {
                    let mut s = Vec::new();
                    while s.len() < 5 {
                        let x = g.below(9);
                        if !s.contains(&x) {
                            s.push(x);
                        }
                    }
                    s
                })
                .collect();
            let size = sets[0].iter().filter(|x| sets.iter().all(|s| s.contains(x))).count();
            (sets.iter().map(|x| inputs(&[("set", json!(x))])).collect(), json!({"size": size}))
        }
        "linear_regression" => {
            let mut pts = Vec::new();
            for _ in 0..4 * m {
                let x1 = g.below(1000) as f64 / 100.0;
                let x2 = g.below(1000) as f64 / 100.0;
                let noise = (g.below(100) as f64 - 50.0) / 100.0;
                pts.push((x1, x2, 1.0 - 0.5 * x1 + 2.5 * x2 + noise));
            }
            let col = |f: fn(&(f64, f64, f64)) -> f64| pts.iter().map(f).collect::<Vec<f64>>();
            let (a, b, c) = (col(|p| p.0), col(|p| p.1), col(|p| p.2));
            let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
            let cov = |x: &[f64], y: &[f64]| {
                let (mx, my) = (mean(x), mean(y));
                x.iter().zip(y).map(|(p, q)| (p - mx) * (q - my)).sum::<f64>() / (x.len() - 1) as f64
            };
            let (s11, s22, s12, s1y, s2y) = (cov(&a, &a), cov(&b, &b), cov(&a, &b), cov(&a, &c), cov(&b, &c));
            let det = s11 * s22 - s12 * s12;
            let (b1, b2) = ((s22 * s1y - s12 * s2y) / det, (s11 * s2y - s12 * s1y) / det);
            let intercept = mean(&c) - b1 * mean(&a) - b2 * mean(&b);
            let party = |i: usize, f: fn(&(f64, f64, f64)) -> f64| json!(pts[4 * i..4 * i + 4].iter().map(f).collect::<Vec<f64>>());
            (
                (0..m).map(|i| inputs(&[("x1", party(i, |p| p.0)), ("x2", party(i, |p| p.1)), ("y", party(i, |p| p.2))])).collect(),
                json!({"intercept": intercept, "slope1": b1, "slope2": b2}),
            )
        }
        other => panic!("no plaintext model for example {other}"),
    }
}

#[test]
fn examples_with_3_5_and_7_parties_and_every_threshold() {
    let mut g = Gen(0x9e37_79b9_7f4a_7c15);
    for name in example_names() {
        let (program, _) = example(&name);
        for m in [3, 5, 7] {
            assert!(program.parties().contains(&m), "{name} allows {m} parties");
            for t in 0..=(m - 1) / 2 {
                let (parties, want) = case(&name, m, &mut g);
                let got = run(&program, t, &parties, m as u64 * 10 + t as u64).unwrap_or_else(|e| panic!("{name}, m = {m}, t = {t}: {e}"));
                if name == "secret_santa" {
                    let giftees: Vec<i64> = got.iter().map(|o| o["giftee"].as_i64().unwrap()).collect();
                    let mut sorted = giftees.clone();
                    sorted.sort();
                    assert_eq!(sorted, (0..m as i64).collect::<Vec<_>>(), "m = {m}, t = {t}");
                    assert!(giftees.iter().enumerate().all(|(i, &x)| x != i as i64), "m = {m}, t = {t}: {giftees:?}");
                    continue;
                }
                let want: cohort_program::Outputs = serde_json::from_value(want).unwrap();
                assert_outputs(&format!("{name} (m = {m}, t = {t})"), &got, &vec![want; m], 1e-3);
            }
        }
    }
}
