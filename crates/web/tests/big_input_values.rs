//! Big input values in the browser: a page gives values beyond 2^53 as
//! strings of digits, which the request check passes on unchanged and the
//! input checks read exactly; a page's number beyond 2^53 − 1, which
//! JavaScript may already have rounded, is refused (`unsafe_number`);
//! values that do not fit get the program's typed reason.

use cohort_web::api;
use cohort_web::error::PageCode;
use cohort_web::requests::page_request;
use serde_json::{Value as Json, json};

const PROGRAM: &str = "program \"Big\"
parties 3

role alice = party 0
input x: secint(95) from alice
input v: secint(95)[2] from alice
reveal s = x + v[0] + v[1] to all
";

fn join(inputs: Json) -> Result<Json, (PageCode, &'static str, String)> {
    let params = json!({"invite": "i", "program": "p", "inputs": inputs});
    page_request("joinSession", &params.to_string())
        .map(|r| serde_json::from_str::<Json>(&r).unwrap()["params"]["inputs"].clone())
        .map_err(|e| (e.code, e.reason, e.message))
}

#[test]
fn a_page_gives_big_values_as_strings() {
    let inputs = json!({"x": "1208925819614629174706177", "v": ["-1208925819614629174706177", 9007199254740991i64]});
    assert_eq!(join(inputs.clone()).unwrap(), inputs);
    api::check_inputs(PROGRAM, 3, 0, &inputs.to_string()).unwrap();
    api::check_input(PROGRAM, 3, 0, "x", "\"1208925819614629174706177\"").unwrap();
}

#[test]
fn a_page_number_javascript_cannot_hold_exactly_is_refused() {
    for (x, shown) in [
        (json!(9007199254740992u64), "9007199254740992"),
        (json!(-9007199254740993i64), "-9007199254740993"),
        (json!(2f64.powi(80)), "1.2089258196146292e+24"),
        (json!([1, 1e300]), "1e+300"),
    ] {
        let (code, reason, message) = join(json!({ "x": x })).unwrap_err();
        assert_eq!((code, reason), (PageCode::InvalidParams, "unsafe_number"), "{x}");
        assert!(message.starts_with(&format!("params.inputs.x: the number {shown} is beyond 2^53 − 1")), "{message}");
    }
}

#[test]
fn a_value_that_does_not_fit_has_a_typed_reason() {
    let reason = |value: &str| api::check_input(PROGRAM, 3, 0, "x", value).unwrap_err().reason;
    assert_eq!(reason("\"19807040628566084398385987584\""), "input_out_of_range");
    assert_eq!(reason("\"1208925819614629174706177.5\""), "input_not_integer");
    assert_eq!(reason("\"0x10\""), "input_malformed");
    assert_eq!(reason("\" 12\""), "input_malformed");
    assert_eq!(reason("[1]"), "input_shape");
    let e = api::check_inputs(PROGRAM, 3, 0, r#"{"x": "1", "v": ["1", "1e40"]}"#).unwrap_err();
    assert_eq!((e.code, e.reason), (PageCode::InvalidParams, "input_out_of_range"));
    assert!(e.message.contains("input `v`"), "{}", e.message);
}
