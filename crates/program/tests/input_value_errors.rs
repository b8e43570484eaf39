//! Input values that do not fit are refused with a typed error naming the
//! input, never rounded: beyond the type's range, a fraction for a
//! `secint` or `secfld`, text that is not a number, text too long, the
//! wrong shape, outside the declared bounds (compared exactly, so 2^80 + 1
//! is above a bound of 2^80 although both are the same float).

use std::collections::BTreeMap;

use cohort_program::{CheckedProgram, ErrorCode, MAX_NUMBER_LEN, PartyInputs, Plan};
use serde_json::{Value as Json, json};

const SRC: &str = "program \"Errors\"
parties 3

role alice = party 0
input big: secint(95) from alice
input capped: secint(95) from alice between 0 and 1208925819614629174706176
input field: secfld(170141183460469231731687303715884105727) from alice
input list: secint(95)[2] from alice
input fixed: secfxp(40, 8) from alice
reveal r = big + capped + list[0] to all
reveal f = field to all
reveal g = fixed to all
";

fn plan() -> Plan {
    CheckedProgram::parse(SRC).unwrap().plan(3).unwrap()
}

/// Valid inputs with `name` set to `value`.
fn with(name: &str, value: Json) -> BTreeMap<String, Json> {
    let mut given: BTreeMap<String, Json> = [
        ("big", json!("1208925819614629174706177")),
        ("capped", json!("1208925819614629174706176")),
        ("field", json!(1)),
        ("list", json!([1, "2"])),
        ("fixed", json!("0.5")),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    given.insert(name.to_string(), value);
    given
}

#[track_caller]
fn refused(name: &str, value: Json, code: ErrorCode) -> String {
    match PartyInputs::new(&plan(), 0, &with(name, value.clone())) {
        Ok(_) => panic!("{name} = {value} was accepted"),
        Err(e) => {
            assert_eq!((e.code, e.input.as_deref()), (code, Some(name)), "{name} = {value}: {e}");
            assert!(e.message.contains(&format!("`{name}`")), "{e}");
            e.message
        }
    }
}

#[test]
fn valid_values_are_accepted() {
    PartyInputs::new(&plan(), 0, &with("big", json!("-0"))).unwrap();
    PartyInputs::new(&plan(), 0, &with("big", json!("19807040628566084398385987583"))).unwrap();
    PartyInputs::new(&plan(), 0, &with("big", json!("1.2e3"))).unwrap();
    PartyInputs::new(&plan(), 0, &with("field", json!("-5"))).unwrap();
}

#[test]
fn a_value_beyond_the_type_is_out_of_range() {
    let message = refused("big", json!("19807040628566084398385987584"), ErrorCode::InputOutOfRange);
    assert_eq!(
        message,
        "input `big`: 19807040628566084398385987584 does not fit secint(95): the range is \
         [-19807040628566084398385987584, 19807040628566084398385987584)"
    );
    refused("big", json!("-19807040628566084398385987585"), ErrorCode::InputOutOfRange);
    refused("big", json!("1e999999"), ErrorCode::InputOutOfRange);
    refused("big", json!(1e300), ErrorCode::InputOutOfRange);
    refused("field", json!("170141183460469231731687303715884105728"), ErrorCode::InputOutOfRange);
    refused("fixed", json!("549755813888"), ErrorCode::InputOutOfRange);
    refused("list", json!([1, "19807040628566084398385987584"]), ErrorCode::InputOutOfRange);
}

#[test]
fn a_fraction_for_an_integer_is_refused() {
    let message = refused("big", json!("1208925819614629174706177.5"), ErrorCode::InputNotInteger);
    assert_eq!(message, "input `big` is a secint(95): whole numbers only, not 1208925819614629174706177.5");
    refused("big", json!(2.5), ErrorCode::InputNotInteger);
    refused("big", json!("1e-999999"), ErrorCode::InputNotInteger);
    refused("field", json!("0.5"), ErrorCode::InputNotInteger);
}

#[test]
fn text_that_is_not_a_number_is_malformed() {
    for bad in ["", "+1", " 1", "1 ", "0x10", "01", "1.", ".5", "1,000", "Infinity", "NaN", "--1", "1e"] {
        refused("big", json!(bad), ErrorCode::InputMalformed);
    }
    // The hint fits the type: no decimal point for whole numbers.
    assert!(
        refused("big", json!("1,000"), ErrorCode::InputMalformed)
            .ends_with("write it with digits and a minus sign only (as 52000 or -1250)")
    );
    assert!(
        refused("fixed", json!("0,5"), ErrorCode::InputMalformed)
            .ends_with("write it with digits, a minus sign and a decimal point only (as -1250 or 0.5)")
    );
    let long = "9".repeat(MAX_NUMBER_LEN + 1);
    let message = refused("big", json!(long), ErrorCode::InputMalformed);
    assert_eq!(message, format!("input `big`: a number of {} characters is too long (at most {MAX_NUMBER_LEN})", MAX_NUMBER_LEN + 1));
    // A huge string is refused without being echoed whole.
    let huge = "1".repeat(1 << 20);
    assert!(refused("big", json!(huge), ErrorCode::InputMalformed).len() < 200);
}

#[test]
fn the_wrong_shape_is_refused() {
    refused("big", json!(null), ErrorCode::InputShape);
    refused("big", json!(["1"]), ErrorCode::InputShape);
    refused("list", json!("12"), ErrorCode::InputShape);
    refused("list", json!([1]), ErrorCode::InputShape);
    refused("list", json!([1, true]), ErrorCode::InputShape);
}

#[test]
fn bounds_are_compared_exactly() {
    let message = refused("capped", json!("1208925819614629174706177"), ErrorCode::InputOutOfBounds);
    assert_eq!(message, "input `capped` must be from 0 to 1,208,925,819,614,629,174,706,176; got 1,208,925,819,614,629,174,706,177");
    refused("capped", json!(-1), ErrorCode::InputOutOfBounds);
}

#[test]
fn unknown_missing_and_foreign_inputs_have_their_codes() {
    let e = PartyInputs::new(&plan(), 0, &with("nope", json!(1))).unwrap_err();
    assert_eq!((e.code, e.input.as_deref()), (ErrorCode::UnknownInput, Some("nope")));
    let e = PartyInputs::new(&plan(), 1, &with("big", json!(1))).unwrap_err();
    assert_eq!(e.code, ErrorCode::NotYourInput);
    let mut given = with("big", json!(1));
    given.remove("fixed");
    let e = PartyInputs::new(&plan(), 0, &given).unwrap_err();
    assert_eq!((e.code, e.input.as_deref()), (ErrorCode::MissingInput, Some("fixed")));
    assert_eq!(ErrorCode::InputOutOfRange.as_str(), "input_out_of_range");
}
