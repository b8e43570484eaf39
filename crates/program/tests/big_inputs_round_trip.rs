//! Inputs beyond 64 bits are exact: a `secint(95)` input 2^80 + 1 and a
//! `secfld` input 10^29 + 1, given as JSON numbers (read with
//! `read_exact_json`) or as strings of their digits, come out of a 3-party
//! run exactly as they went in, as strings of digits.

use crate::common;

use cohort_program::read_exact_json;
use common::{Inputs, run};
use serde_json::json;

const SECINT: &str = "program \"Big integers\"
parties 3

role alice = party 0
input x: secint(95) from alice
reveal same = x to all
reveal next = x + 1 to all
reveal negated = -x to all
";

const SECFLD: &str = "program \"Big field elements\"
parties 3

role alice = party 0
type f = secfld(170141183460469231731687303715884105727)
input x: f from alice
reveal same = x to all
reveal doubled = x + x to all
";

/// Alice's inputs read from JSON text as an input file would be.
fn alice(text: &str) -> Vec<Inputs> {
    let given: Inputs = serde_json::from_value(read_exact_json(text).unwrap()).unwrap();
    vec![given, Inputs::new(), Inputs::new()]
}

#[test]
fn two_to_the_80_plus_one_as_a_number_or_a_string_is_exact() {
    let program = common::program(SECINT);
    for text in [r#"{"x": 1208925819614629174706177}"#, r#"{"x": "1208925819614629174706177"}"#] {
        let out = run(&program, 1, &alice(text), 1).unwrap();
        for o in &out {
            assert_eq!(o["same"], json!("1208925819614629174706177"), "{text}");
            assert_eq!(o["next"], json!("1208925819614629174706178"), "{text}");
            assert_eq!(o["negated"], json!("-1208925819614629174706177"), "{text}");
        }
    }
    // serde_json alone would have read the number as the float 2^80.
    let plain: serde_json::Value = serde_json::from_str("1208925819614629174706177").unwrap();
    assert_eq!(plain.as_f64(), Some(2f64.powi(80)));
}

#[test]
fn the_ends_of_secint_95_are_exact() {
    let program = common::program(SECINT);
    let top = (1i128 << 94) - 1;
    let out = run(&program, 1, &alice(&format!(r#"{{"x": "{}"}}"#, -top - 1)), 2).unwrap();
    assert_eq!(out[0]["same"], json!((-top - 1).to_string()));
    let out = run(&program, 1, &alice(&format!(r#"{{"x": {top}}}"#)), 3).unwrap();
    assert_eq!(out[2]["same"], json!(top.to_string()));
    assert_eq!(out[2]["negated"], json!((-top).to_string()));
}

#[test]
fn ten_to_the_29_plus_one_in_a_field_is_exact() {
    let program = common::program(SECFLD);
    for text in [
        r#"{"x": 100000000000000000000000000001}"#,
        r#"{"x": "100000000000000000000000000001"}"#,
        r#"{"x": 1.00000000000000000000000000001e29}"#,
    ] {
        let out = run(&program, 1, &alice(text), 4).unwrap();
        for o in &out {
            assert_eq!(o["same"], json!("100000000000000000000000000001"), "{text}");
            assert_eq!(o["doubled"], json!("200000000000000000000000000002"), "{text}");
        }
    }
}
