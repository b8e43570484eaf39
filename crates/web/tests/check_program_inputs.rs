//! `checkProgram` lists a program's inputs: which the participant types in
//! the approval window and which the page supplies, whose they are, and
//! what a value must be — so a page (the playground) knows what to ask for.

use cohort_web::api::page_check_program;
use serde_json::{Value, json};

fn inputs(source: &str) -> Value {
    let checked: Value = serde_json::from_str(&page_check_program(source, None).unwrap()).unwrap();
    checked["inputs"].clone()
}

#[test]
fn typed_and_page_inputs_are_told_apart() {
    let source = "program \"p\"\nparties 3\ninput salary: secint(32) from each typed between 0 and 100\ninput w: secint(32)[2] from each\nreveal s = sum(salary) + sum(w) to all\n";
    let list = inputs(source);
    assert_eq!(list.as_array().unwrap().len(), 2);
    assert_eq!(list[0]["name"], "salary");
    assert_eq!(list[0]["typed"], true);
    assert_eq!(list[0]["role"], Value::Null);
    assert_eq!(list[1]["name"], "w");
    assert_eq!(list[1]["typed"], false);
    assert!(list[1]["takes"].as_str().unwrap().contains('2'), "{}", list[1]["takes"]);
}

#[test]
fn a_role_input_names_its_role() {
    let source = "program \"p\"\nparties 3\nrole seller = party 0\ninput reserve: secint(32) from seller\ninput bid: secint(32) from each\nreveal ok = max(bid) > reserve to all\n";
    let list = inputs(source);
    assert_eq!(list[0]["name"], json!("reserve"));
    assert_eq!(list[0]["role"], json!("seller"));
}
