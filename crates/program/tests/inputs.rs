//! A party's inputs are checked against the plan before anything is shared:
//! `PartyInputs::new` refuses missing and unknown inputs, inputs of another
//! role, wrong lengths and shapes, fractions for integers, values outside
//! the type's range or the declared bounds, and non-numbers — each with a
//! message naming the input and what it takes — and accepts valid
//! fixed-point inputs written as integers or decimals, which then compute
//! the right results.

use crate::common;

use cohort_program::{CheckedProgram, PartyInputs, Plan};
use common::{Inputs, inputs, run};
use serde_json::{Value as Json, json};

/// Party 0 (alice) provides `prices`, `count` and `rate`; every party a `salary`.
const SRC: &str = "program \"Inputs\"
parties 3

role alice = party 0
input salary: secint(32) from each typed between 0 and 1000000
input prices: secfxp(32, 16)[3] from alice
input count: secint(32) from alice
input rate: secfxp(32, 16) from alice between -1.5 and 2.5
reveal total = sum(salary) to all
reveal spent = sum(prices) to all
reveal next = count + 1 to alice
reveal doubled = rate * 2 to all
";

fn program() -> CheckedProgram {
    common::program(SRC)
}

fn plan() -> Plan {
    program().plan(3).unwrap()
}

/// Valid inputs for the three parties.
fn valid() -> Vec<Inputs> {
    vec![
        inputs(&[("salary", json!(50_000)), ("prices", json!([1, 2.5, -3.25])), ("count", json!(7)), ("rate", json!(-1.5))]),
        inputs(&[("salary", json!(0))]),
        inputs(&[("salary", json!(1_000_000))]),
    ]
}

/// Party `party`'s inputs `given` must be refused with exactly `message`.
#[track_caller]
fn refused(party: usize, given: Inputs, message: &str) -> cohort_program::Error {
    match PartyInputs::new(&plan(), party, &given) {
        Ok(_) => panic!("party {party}'s inputs {given:?} were accepted"),
        Err(e) => {
            assert_eq!(e.message, message, "for {given:?}");
            e
        }
    }
}

/// Alice's valid inputs with `name` set to `value`.
fn alice_with(name: &str, value: Json) -> Inputs {
    let mut given = valid()[0].clone();
    given.insert(name.to_string(), value);
    given
}

/// Party 1's inputs with its salary set to `value`.
fn salary(value: Json) -> Inputs {
    inputs(&[("salary", value)])
}

#[test]
fn valid_inputs_are_accepted_and_give_the_right_results() {
    let plan = plan();
    for (party, given) in valid().iter().enumerate() {
        PartyInputs::new(&plan, party, given).unwrap_or_else(|e| panic!("party {party}: {e}"));
    }
    let out = run(&program(), 1, &valid(), 5).unwrap();
    for (party, o) in out.iter().enumerate() {
        assert_eq!(o["total"], json!(1_050_000), "party {party}: the bounds are inclusive");
        assert_eq!(o["spent"].as_f64(), Some(0.25), "party {party}");
        assert_eq!(o["doubled"].as_f64(), Some(-3.0), "party {party}");
        assert_eq!(o.get("next").cloned(), (party == 0).then(|| json!(8)), "party {party}: only alice learns `next`");
    }
}

#[test]
fn fixed_point_inputs_may_be_integers_or_decimals() {
    for (prices, rate, spent, doubled) in [
        (json!([1, 2, 3]), json!(2), 6.0, 4.0),
        (json!([0.1, 0.2, 0.3]), json!(0.125), 0.6, 0.25),
        (json!([-32768, 32767.5, 0]), json!(2.5), -0.5, 5.0),
        (json!([1e-3, 1.5e2, -0]), json!(-1), 150.001, -2.0),
    ] {
        let mut parties = valid();
        parties[0] = alice_with("prices", prices.clone());
        parties[0].insert("rate".into(), rate.clone());
        PartyInputs::new(&plan(), 0, &parties[0]).unwrap_or_else(|e| panic!("{prices} {rate}: {e}"));
        let out = run(&program(), 1, &parties, 6).unwrap();
        let got = (out[1]["spent"].as_f64().unwrap(), out[1]["doubled"].as_f64().unwrap());
        assert!((got.0 - spent).abs() < 1e-4 && (got.1 - doubled).abs() < 1e-4, "{prices} {rate}: got {got:?}");
    }
}

#[test]
fn a_missing_input_names_it_and_what_it_takes() {
    let e = refused(1, inputs(&[]), "input `salary` is missing for party 1: it takes a whole number from 0 to 1,000,000");
    assert_eq!((e.span.line, e.span.col), (5, 1), "at the input's declaration");
    let mut alice = valid()[0].clone();
    alice.remove("prices");
    let e = refused(
        0,
        alice,
        "input `prices` is missing for party 0: it takes a list of 3 numbers with up to 4 decimals, each from -32,768 to below 32,768",
    );
    assert_eq!(e.span.line, 6);
    let mut alice = valid()[0].clone();
    alice.remove("rate");
    refused(0, alice, "input `rate` is missing for party 0: it takes a number with up to 4 decimals from -1.5 to 2.5");
}

#[test]
fn an_unknown_input_lists_the_real_ones() {
    let mut given = salary(json!(1));
    given.insert("salry".into(), json!(2));
    let e = refused(1, given, "the program has no input `salry`; its inputs are: salary, prices, count, rate");
    assert_eq!(e.span.line, 0, "about no place in the program");
}

#[test]
fn an_input_of_another_role_is_refused() {
    let mut given = salary(json!(1));
    given.insert("count".into(), json!(3));
    refused(1, given, "input `count` is provided by alice (party 0), not by party 1");
    refused(
        2,
        inputs(&[("salary", json!(1)), ("prices", json!([1, 2, 3]))]),
        "input `prices` is provided by alice (party 0), not by party 2",
    );
}

#[test]
fn a_vector_of_the_wrong_length_is_refused() {
    refused(
        0,
        alice_with("prices", json!([1, 2])),
        "input `prices` takes a list of 3 numbers with up to 4 decimals, each from -32,768 to below 32,768; got [1,2]",
    );
    refused(
        0,
        alice_with("prices", json!([1, 2, 3, 4])),
        "input `prices` takes a list of 3 numbers with up to 4 decimals, each from -32,768 to below 32,768; got [1,2,3,4]",
    );
    refused(
        0,
        alice_with("prices", json!([])),
        "input `prices` takes a list of 3 numbers with up to 4 decimals, each from -32,768 to below 32,768; got []",
    );
}

#[test]
fn scalars_and_lists_are_not_interchangeable() {
    refused(1, salary(json!([5])), "input `salary` takes a whole number from 0 to 1,000,000; got [5]");
    refused(
        0,
        alice_with("prices", json!(5)),
        "input `prices` takes a list of 3 numbers with up to 4 decimals, each from -32,768 to below 32,768; got 5",
    );
    refused(
        0,
        alice_with("prices", json!([[1, 2, 3]])),
        "input `prices` takes a list of 3 numbers with up to 4 decimals, each from -32,768 to below 32,768; got [[1,2,3]]",
    );
}

#[test]
fn a_fraction_for_a_secint_is_refused() {
    refused(1, salary(json!(1.5)), "input `salary` is a secint(32): whole numbers only, not 1.5");
    refused(0, alice_with("count", json!(-0.25)), "input `count` is a secint(32): whole numbers only, not -0.25");
}

#[test]
fn a_whole_number_written_as_a_decimal_is_a_whole_number() {
    // JSON writers such as Python's print 2.0 for a float that is whole.
    let mut parties = valid();
    parties[0] = alice_with("count", json!(41.0));
    parties[1] = salary(json!(2e3));
    let out = run(&program(), 1, &parties, 8).unwrap();
    assert_eq!(out[0]["next"], json!(42));
    assert_eq!(out[0]["total"], json!(50_000 + 2_000 + 1_000_000));
    // Its range is checked as for any integer.
    refused(
        0,
        alice_with("count", json!(1e12)),
        "input `count`: 1000000000000 does not fit secint(32): the range is [-2147483648, 2147483648)",
    );
    refused(1, salary(json!(2e6)), "input `salary` must be from 0 to 1,000,000; got 2,000,000");
    refused(0, alice_with("count", json!(1e300)), "input `count`: 1e+300 does not fit secint(32): the range is [-2147483648, 2147483648)");
}

#[test]
fn a_value_outside_the_type_range_is_refused() {
    refused(
        0,
        alice_with("count", json!(1u64 << 40)),
        "input `count`: 1099511627776 does not fit secint(32): the range is [-2147483648, 2147483648)",
    );
    refused(
        0,
        alice_with("count", json!(u64::MAX)),
        "input `count`: 18446744073709551615 does not fit secint(32): the range is [-2147483648, 2147483648)",
    );
    refused(
        0,
        alice_with("count", json!(-(1i64 << 31) - 1)),
        "input `count`: -2147483649 does not fit secint(32): the range is [-2147483648, 2147483648)",
    );
    refused(
        0,
        alice_with("prices", json!([1, 40000.5, 3])),
        "input `prices`: 40000.5 does not fit secfxp(32, 16): the range is [-32768, 32768)",
    );
    // The ends of the range.
    for count in [-(1i64 << 31), (1i64 << 31) - 1] {
        PartyInputs::new(&plan(), 0, &alice_with("count", json!(count))).unwrap_or_else(|e| panic!("{count}: {e}"));
    }
}

#[test]
fn a_value_outside_the_declared_bounds_is_refused() {
    refused(1, salary(json!(1_000_001)), "input `salary` must be from 0 to 1,000,000; got 1,000,001");
    refused(1, salary(json!(-1)), "input `salary` must be from 0 to 1,000,000; got -1");
    refused(0, alice_with("rate", json!(2.75)), "input `rate` must be from -1.5 to 2.5; got 2.75");
    refused(0, alice_with("rate", json!(-2)), "input `rate` must be from -1.5 to 2.5; got -2");
}

#[test]
fn a_non_number_is_refused() {
    refused(1, salary(json!(null)), "input `salary` takes a whole number from 0 to 1,000,000; got null");
    refused(1, salary(json!(true)), "input `salary` takes a whole number from 0 to 1,000,000; got true");
    refused(1, salary(json!({"value": 5})), "input `salary` takes a whole number from 0 to 1,000,000; got {\"value\":5}");
    refused(
        1,
        salary(json!("five")),
        "input `salary` takes a whole number from 0 to 1,000,000; got \"five\", which is not a number: write it with digits and a minus sign only (as 52000 or -1250)",
    );
    refused(
        0,
        alice_with("prices", json!([1, [2], 3])),
        "input `prices` takes a list of 3 numbers with up to 4 decimals, each from -32,768 to below 32,768; got [1,[2],3]",
    );
}

#[test]
fn a_number_may_be_given_as_a_string() {
    let mut parties = valid();
    parties[0] = alice_with("prices", json!(["1", "2.5", "-3.25"]));
    parties[0].insert("count".into(), json!("7"));
    parties[1] = salary(json!("0"));
    let out = run(&program(), 1, &parties, 9).unwrap();
    assert_eq!(out[0]["spent"], json!(0.25));
    assert_eq!(out[0]["next"], json!(8));
    assert_eq!(out[0]["total"], json!(1_050_000));
}

#[test]
fn a_party_that_does_not_exist_is_refused() {
    let e = PartyInputs::new(&plan(), 3, &salary(json!(1))).unwrap_err();
    assert_eq!(e.message, "party 3 does not exist: this run has 3 parties");
}

#[test]
fn a_long_list_says_its_length_with_thousands_separators() {
    let plan =
        common::program("program \"Big\"\nparties 3\ninput x: secint(32)[340000] from each\nreveal s = sum(x) to all\n").plan(3).unwrap();
    assert_eq!(
        cohort_program::describe_input(&plan.inputs[0]),
        "a list of 340,000 whole numbers, each from -2,147,483,648 to 2,147,483,647"
    );
}
