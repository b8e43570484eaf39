//! Outputs as pages get them: integers as numbers up to 2^53 − 1 and exact
//! digits beyond, fixed point as numbers with their exact decimal text
//! beside, vectors as arrays.

use std::collections::BTreeMap;
use std::rc::Rc;

use cohort_program::{CheckedProgram, PartyInputs};
use cohort_web::api::exact_outputs;
use serde_json::{Value as Json, json};

/// Runs `source` as 3 parties in this process (threshold 1); each party's outputs as JSON text.
fn run(source: &str, inputs: &[Json]) -> Vec<String> {
    let plan = Rc::new(CheckedProgram::load(source).unwrap().plan(inputs.len()).unwrap());
    let prepared: Vec<PartyInputs> = inputs
        .iter()
        .enumerate()
        .map(|(i, given)| {
            let given: BTreeMap<String, Json> = serde_json::from_value(given.clone()).unwrap();
            PartyInputs::new(&plan, i, &given).unwrap()
        })
        .collect();
    let prepared = Rc::new(prepared);
    let outcome = cohort_mpc::local::run(inputs.len(), 1, 7, move |rt| {
        let (plan, prepared) = (plan.clone(), prepared.clone());
        async move { Ok(cohort_program::run(&plan, &rt, &prepared[rt.id()]).await) }
    })
    .unwrap();
    outcome.results.into_iter().map(|r| serde_json::to_string(&r.unwrap()).unwrap()).collect()
}

const KINDS: &str = "program \"Kinds\"\nparties 3\n\n\
input a: secint(32) from each\n\
input b: secint(96) from each\n\
input f: secfxp(32, 16) from each\n\
reveal small = sum(a) to all\n\
reveal big = b[0] * b[1] * b[2] to all\n\
reveal half = f[0] to all\n\
reveal halves = f to all\n";

#[test]
fn every_kind_of_output_is_typed_and_fixed_point_has_its_exact_text() {
    // Run the program as the engine does, one process, three parties.
    let inputs = [
        json!({"a": 1, "b": "1099511627776", "f": 1.5}),
        json!({"a": 2, "b": "1099511627776", "f": 0.1}),
        json!({"a": 3, "b": 3, "f": -2.25}),
    ];
    let outputs = run(KINDS, &inputs);
    let mine: Json = serde_json::from_str(&outputs[0]).unwrap();
    assert_eq!(mine["small"], json!(6), "an integer within 2^53 is a number");
    assert_eq!(mine["big"], json!("3626777458843887524118528"), "beyond 2^53, a string of its digits");
    assert_eq!(mine["half"], json!(1.5));
    assert!(mine["halves"].is_array(), "a vector is an array");
    // 0.1 in secfxp(32, 16) is 6554 / 65536.
    assert_eq!(mine["halves"], json!([1.5, 0.100006103515625, -2.25]));
    let exact: Json = serde_json::from_str(&exact_outputs(KINDS, 3, &outputs[0]).unwrap()).unwrap();
    assert_eq!(exact, json!({"half": "1.5", "halves": ["1.5", "0.100006103515625", "-2.25"]}));
}
