//! A `secfxp` input given as text or as a long JSON number is rounded once,
//! exactly, to the nearest multiple of 2^-f (ties to even), with no float
//! in between: values of more than 53 bits keep every bit.

use crate::common;

use cohort_program::read_exact_json;
use common::{Inputs, inputs, run};
use serde_json::json;

const SRC: &str = "program \"Exact fixed point\"
parties 3

role alice = party 0
input x: secfxp(80, 10) from alice
reveal same = x to all
";

fn revealed(given: Inputs) -> serde_json::Value {
    let out = run(&common::program(SRC), 1, &[given, inputs(&[]), inputs(&[])], 3).unwrap();
    out[1]["same"].clone()
}

#[test]
fn long_values_keep_every_bit() {
    // 126,419,751,948,641,974,528 + 1/4 needs 78 bits at f = 10.
    assert_eq!(revealed(inputs(&[("x", json!("123456789012345678.25"))])), json!("123456789012345678.25"));
    assert_eq!(revealed(inputs(&[("x", json!("-123456789012345678.0009765625"))])), json!("-123456789012345678.0009765625"));
    let file: Inputs = serde_json::from_value(read_exact_json(r#"{"x": 123456789012345678.25}"#).unwrap()).unwrap();
    assert_eq!(revealed(file), json!("123456789012345678.25"));
}

#[test]
fn values_round_to_the_nearest_multiple_of_two_to_the_minus_f() {
    // 2^-10 = 0.0009765625; halfway cases go to the even multiple.
    assert_eq!(revealed(inputs(&[("x", json!("123456789012345678.00048828125"))])), json!("123456789012345678"));
    assert_eq!(revealed(inputs(&[("x", json!("123456789012345678.00146484375"))])), json!("123456789012345678.001953125"));
    assert_eq!(revealed(inputs(&[("x", json!("123456789012345678.0004882812500001"))])), json!("123456789012345678.0009765625"));
    assert_eq!(revealed(inputs(&[("x", json!("0.1"))])), json!(0.099609375));
}
