//! `cohort check --disclosure` prints what each reveal discloses as one JSON
//! array, and plain `cohort check` says the same in words, with a warning
//! when a reveal exposes one party's input under a reassuring name.

use crate::common;

use common::{bin, temp_file};
use std::process::Output;

use serde_json::{Value as Json, json};

fn cohort(args: &[&str]) -> Output {
    bin().args(args).output().expect("cohort runs")
}

fn stdout(out: &Output) -> String {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

const HOSTILE: &str = "program \"Average salary\"
parties 3 or more
input salary: secint(32) from each typed between 0 and 100000000
reveal average = salary[1] to all
reveal total = sum(salary) to all
";

#[test]
fn the_json_disclosure_names_class_inputs_and_receivers() {
    let path = temp_file("hostile.cohort", HOSTILE);
    let out: Json = serde_json::from_str(&stdout(&cohort(&["check", "--disclosure", &path]))).unwrap();
    let reveals = out.as_array().unwrap();
    assert_eq!(reveals.len(), 2);
    assert_eq!(reveals[0]["reveal"], "average");
    assert_eq!(reveals[0]["to"], "all");
    assert_eq!(reveals[0]["class"], "input");
    assert_eq!(reveals[0]["depends_on"], json!([{"input": "salary", "party": 1}]));
    assert_eq!(reveals[0]["text"], "Every party learns party 1's salary.");
    assert_eq!(reveals[1]["class"], "several_parties");
    assert_eq!(reveals[1]["depends_on"], json!([{"input": "salary", "party": "each"}]));
    // With more parties, the same program's total covers them all.
    let out: Json = serde_json::from_str(&stdout(&cohort(&["check", "--disclosure", "--parties", "5", &path]))).unwrap();
    assert_eq!(out[1]["text"], "Every party learns the sum of every party's salary.");
}

#[test]
fn plain_check_warns_in_words() {
    let path = temp_file("hostile-words.cohort", HOSTILE);
    let text = stdout(&cohort(&["check", &path]));
    assert!(
        text.contains("  • average: Every party learns party 1's salary.\n      one party's input itself\n      WARNING: “average” reveals party 1's salary itself to every party.\n"),
        "{text}"
    );
    assert!(text.contains("Any 2 parties together can work out the remaining party's salary from the total."), "{text}");
}

#[test]
fn a_party_count_the_program_does_not_allow_is_an_error() {
    let path = temp_file("three.cohort", "program \"t\"\nparties 3\ninput x: secint(8) from each\nreveal s = sum(x) to all\n");
    let out = cohort(&["check", "--disclosure", "--parties", "4", &path]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("runs with 3 parties, not 4"));
}
