//! MPyC's expected test results (shared/reference/MPYC-NOTES.md), as
//! programs run by three parties.

use crate::common;

use common::*;
use serde_json::{Value as Json, json};

/// Runs a three-party program in which party 0 (alice) inputs `a` and
/// party 1 (bob) inputs `b`, both of type `ty`; returns the output `r`.
fn two_inputs(ty: &str, a: Json, b: Json, body: &str) -> Json {
    let (a_decl, b_decl) = (decl("a", &a, "alice", ty), decl("b", &b, "bob", ty));
    let src = format!("program \"mpyc\"\nparties 3\nrole alice = party 0\nrole bob = party 1\n{a_decl}\n{b_decl}\n{body}\n");
    let program = program(&src);
    let parties = [inputs(&[("a", a)]), inputs(&[("b", b)]), inputs(&[])];
    let out = run(&program, 1, &parties, 3).unwrap_or_else(|e| panic!("{e}\n{src}"));
    for o in &out[1..] {
        assert_eq!(o, &out[0], "every party learns the same");
    }
    out[0]["r"].clone()
}

fn decl(name: &str, value: &Json, role: &str, ty: &str) -> String {
    match value {
        Json::Array(items) => format!("input {name}: {ty}[{}] from {role}", items.len()),
        _ => format!("input {name}: {ty} from {role}"),
    }
}

#[test]
fn secint_product_plus() {
    assert_eq!(two_inputs("secint(32)", json!(12), json!(13), "reveal r = a * b + b to all"), json!(169));
}

#[test]
fn secint_exact_division() {
    assert_eq!(two_inputs("secint(32)", json!(12), json!(13), "reveal r = (a * b) / b to all"), json!(12));
}

#[test]
fn secint_modulo_is_floored() {
    assert_eq!(two_inputs("secint(32)", json!(-50), json!(0), "reveal r = a % 32 to all"), json!(14));
}

#[test]
fn secint_shift_right_is_floored() {
    assert_eq!(two_inputs("secint(32)", json!(-70), json!(0), "reveal r = a >> 2 to all"), json!(-18));
}

#[test]
fn secint_bits_of_8113() {
    let bits = two_inputs("secint(32)", json!(8113), json!(0), "reveal r = to_bits(a) to all");
    let mut want = vec![1, 0, 0, 0, 1, 1, 0, 1, 1, 1, 1, 1, 1, 0, 0, 0];
    want.resize(32, 0);
    assert_eq!(bits, json!(want));
}

#[test]
fn secfld_times_minus_one() {
    assert_eq!(two_inputs("secfld(101)", json!(1), json!(-1), "reveal r = a * b to all"), json!(100));
}

#[test]
fn secfxp_divmod() {
    for f in [8, 16] {
        let ty = format!("secfxp({}, {f})", 2 * f);
        assert_eq!(two_inputs(&ty, json!(27.0), json!(0), "reveal r = [a // 6.0, a % 6.0] to all"), json!([4.0, 3.0]), "f = {f}");
    }
}

#[test]
fn secfxp_sum_with_start() {
    assert_eq!(two_inputs("secfxp(32, 16)", json!([2.75]), json!(0), "reveal r = sum(a) + 3.125 to all"), json!(5.875));
}

#[test]
fn secint_covariance_of_a_range_and_its_reverse() {
    let up: Vec<i64> = (0..16).collect();
    let down: Vec<i64> = (0..16).rev().collect();
    assert_eq!(two_inputs("secint(32)", json!(up), json!(down), "reveal r = covariance(a, b) to all"), json!(-23));
}
