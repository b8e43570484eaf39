//! Outputs are JSON numbers up to 2^53 − 1 in magnitude (of the value
//! times 2^f for fixed point), which JavaScript's numbers hold exactly, and
//! strings of their exact decimal digits beyond.

use crate::common;

use common::{inputs, run};
use serde_json::json;

#[test]
fn integers_beyond_two_to_the_53_are_strings() {
    let program = common::program(
        "program \"Outputs\"
parties 3

role alice = party 0
input x: secint(64) from alice
reveal same = x to all
reveal next = x + 1 to all
reveal both = [x, x + 1, -x - 2] to all
",
    );
    let given = vec![inputs(&[("x", json!(9_007_199_254_740_991i64))]), inputs(&[]), inputs(&[])];
    let out = run(&program, 1, &given, 1).unwrap();
    for o in &out {
        assert_eq!(o["same"], json!(9_007_199_254_740_991i64), "2^53 − 1 is a number");
        assert_eq!(o["next"], json!("9007199254740992"), "2^53 is a string");
        assert_eq!(o["both"], json!([9_007_199_254_740_991i64, "9007199254740992", "-9007199254740993"]));
    }
}

#[test]
fn fixed_point_beyond_53_bits_is_an_exact_decimal_string() {
    let program = common::program(
        "program \"Fixed outputs\"
parties 3

role alice = party 0
input x: secfxp(80, 10) from alice
reveal same = x to all
reveal small = x - x + 1.5 to all
",
    );
    let given = vec![inputs(&[("x", json!("123456789012345678.25"))]), inputs(&[]), inputs(&[])];
    let out = run(&program, 1, &given, 2).unwrap();
    for o in &out {
        assert_eq!(o["same"], json!("123456789012345678.25"));
        assert_eq!(o["small"], json!(1.5));
    }
}
