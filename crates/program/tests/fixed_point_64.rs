//! A `secfxp(64)` program (64 bits, 32 fractional, in a 128-bit field, the
//! fixed-point type of MPyC's tests) runs end to end with 3 and 5 parties:
//! sums, products, a comparison, a division, mean, min and max, and the
//! ends of the range given and revealed exactly as decimal strings. The
//! largest types check and one bit more is refused.

use crate::common;

use cohort_program::CheckedProgram;
use common::{Inputs, inputs, run};
use serde_json::{Value as Json, json};

const SRC: &str = "program \"Fixed point, 64 bits\"
parties 3 or more

type num = secfxp(64)
input x: num from each
input edge: num from each

reveal total = sum(x) to all
reveal average = mean(x) to all
reveal product = x[0] * x[1] to all
reveal less = [x[0] < x[1], x[1] < x[0], x[1] < x[2]] to all
reveal quotient = x[0] / x[1] to all
reveal least = min(x) to all
reveal most = max(x) to all
reveal edges = edge to all
reveal edge_order = [edge[0] > edge[1], edge[1] < edge[2], edge[0] > edge[2]] to all
reveal top_times_tiny = edge[0] * edge[2] to all
";

/// 2^31 − 2^-32, the largest secfxp(64) value.
const TOP: &str = "2147483647.99999999976716935634613037109375";
/// −2^31, the smallest.
const BOTTOM: &str = "-2147483648";
/// 2^-32, the smallest positive one.
const TINY: &str = "0.00000000023283064365386962890625";

const XS: [f64; 5] = [10.5, -3.25, 0.125, -0.125, 2.0];

fn party_inputs(m: usize) -> Vec<Inputs> {
    (0..m)
        .map(|i| {
            let edge = match i {
                0 => json!(TOP),
                1 => json!(BOTTOM),
                _ => json!(TINY),
            };
            inputs(&[("x", json!(XS[i])), ("edge", edge)])
        })
        .collect()
}

fn number(v: &Json) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("{v} is not a number"))
}

fn numbers(v: &Json) -> Vec<f64> {
    v.as_array().unwrap_or_else(|| panic!("{v} is not a list")).iter().map(number).collect()
}

#[test]
fn secfxp_64_runs_end_to_end() {
    let program = common::program(SRC);
    for (m, t) in [(3usize, 1usize), (5, 2)] {
        let out = run(&program, t, &party_inputs(m), 64 + m as u64).unwrap_or_else(|e| panic!("m={m}: {e}"));
        let xs = &XS[..m];
        let sum: f64 = xs.iter().sum();
        for (i, o) in out.iter().enumerate() {
            let at = format!("m={m} party {i}");
            assert_eq!(o["total"], json!(sum), "{at}");
            assert!((number(&o["average"]) - sum / m as f64).abs() <= 2f64.powi(-31), "{at}: mean {}", o["average"]);
            assert_eq!(o["product"], json!(-34.125), "{at}");
            assert_eq!(numbers(&o["less"]), [0.0, 1.0, 1.0], "{at}");
            assert!((number(&o["quotient"]) - 10.5 / -3.25).abs() <= 2f64.powi(-28), "{at}: quotient {}", o["quotient"]);
            assert_eq!(o["least"], json!(-3.25), "{at}");
            assert_eq!(o["most"], json!(10.5), "{at}");
            let mut edges = vec![json!(TOP), json!(BOTTOM)];
            edges.extend((2..m).map(|_| json!(2f64.powi(-32))));
            assert_eq!(o["edges"], Json::Array(edges), "{at}: the ends of the range come back exactly");
            assert_eq!(numbers(&o["edge_order"]), [1.0, 1.0, 1.0], "{at}");
            // (2^31 − 2^-32) · 2^-32 = 2^-1 − 2^-64: rounds to 1/2 or 1/2 − 2^-32.
            let r = number(&o["top_times_tiny"]);
            assert!(r == 0.5 || r == 0.5 - 2f64.powi(-32), "{at}: {r}");
        }
        assert!(out.iter().all(|o| o == &out[0]), "m={m}: the parties disagree");
    }
}

#[test]
fn the_largest_types_check_and_one_bit_more_does_not() {
    let with = |ty: &str| format!("program \"t\"\nparties 3\ninput x: {ty} from each\nreveal y = sum(x) to all\n");
    for ty in ["secint(96)", "secfxp(64)", "secfxp(64, 32)", "secfxp(64, 0)", "secfxp(95, 1)", "secfxp(48, 47)"] {
        assert!(CheckedProgram::parse(&with(ty)).is_ok(), "{ty} is refused");
    }
    for (ty, bits) in [("secint(97)", 129), ("secfxp(64, 33)", 129), ("secfxp(65)", 129), ("secfxp(128)", 224)] {
        let e = common::error(&with(ty)).to_string();
        assert!(e.contains(&format!("the field would need {bits} bits, at most 128")), "{ty}: {e}");
    }
}

#[test]
fn secint_96_ends_are_exact() {
    let src = "program \"Big integers\"\nparties 3\nrole alice = party 0\ninput x: secint(96) from alice\n\
               reveal same = x to all\nreveal below = x - 1 to all\nreveal negative = x < 0 to all\n";
    let program = common::program(src);
    let (top, bottom) = ((1i128 << 95) - 1, -(1i128 << 95));
    for (v, below, negative) in [(top, top - 1, 0.0), (bottom + 1, bottom, 1.0)] {
        let given = vec![inputs(&[("x", json!(v.to_string()))]), Inputs::new(), Inputs::new()];
        let out = run(&program, 1, &given, 96).unwrap();
        assert_eq!(out[0]["same"], json!(v.to_string()));
        assert_eq!(out[0]["below"], json!(below.to_string()));
        assert_eq!(number(&out[0]["negative"]), negative);
    }
    // One past either end is refused before anything is sent.
    for v in [top + 1, bottom - 1] {
        let given = vec![inputs(&[("x", json!(v.to_string()))]), Inputs::new(), Inputs::new()];
        let e = run(&program, 1, &given, 97).unwrap_err();
        assert!(e.contains("does not fit secint(96)"), "{v}: {e}");
    }
}
