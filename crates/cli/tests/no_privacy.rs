//! A threshold of 0 gives no privacy — every party's input reaches the
//! others in the clear — so `cohort run`, `party`, `sum` and `bench` refuse
//! it (two parties, or `--threshold 0`) unless `--no-privacy` says everyone
//! agrees.

use crate::common;

use common::{bin, example, temp_file, unique_temp};
use std::process::Output;

fn cohort(args: &[&str]) -> Output {
    bin().args(args).output().expect("cohort runs")
}

const REFUSAL: &str = "with threshold 0 every party's input is sent to the others in the clear";

#[track_caller]
fn refused(out: &Output, hint: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(out.stdout.is_empty(), "nothing computed: {}", String::from_utf8_lossy(&out.stdout));
    assert!(stderr.starts_with("cohort: ") && stderr.contains(REFUSAL) && stderr.contains(hint), "{stderr}");
    assert!(stderr.contains("or pass --no-privacy if everyone agrees to share their inputs"), "{stderr}");
}

#[track_caller]
fn stdout(out: &Output) -> String {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A two-party program: its default threshold is 0.
fn two_party_program() -> (String, String) {
    let program = temp_file("two.cohort", "program \"Two\"\nparties 2\ninput x: secint(32) from each\nreveal total = sum(x) to all\n");
    (program, temp_file("two.inputs.json", r#"[{"x": 4}, {"x": 5}]"#))
}

#[test]
fn run_refuses_two_parties_without_no_privacy() {
    let (program, inputs) = two_party_program();
    refused(&cohort(&["run", &program, "--inputs", &inputs]), "run with 3 or more parties");
    let out = stdout(&cohort(&["run", &program, "--inputs", &inputs, "--no-privacy"]));
    assert_eq!(out, "party 0: total = 9\nparty 1: total = 9\n");
}

#[test]
fn run_refuses_an_explicit_threshold_of_0_without_no_privacy() {
    let (program, inputs) = (example("millionaires.cohort"), example("millionaires.inputs.json"));
    refused(&cohort(&["run", &program, "--inputs", &inputs, "--threshold", "0"]), "give a threshold of 1 or more");
    let out = stdout(&cohort(&["run", &program, "--inputs", &inputs, "--threshold", "0", "--no-privacy"]));
    assert_eq!(out, "party 0: richest = 1\nparty 1: richest = 1\nparty 2: richest = 1\n");
}

#[test]
fn party_refuses_threshold_0_before_meeting_anyone() {
    let (program, _) = two_party_program();
    let identity = unique_temp("id.json");
    let shown = stdout(&cohort(&["identity", "new", "--force", "--identity", &identity]));
    let me = shown.lines().find_map(|l| l.strip_prefix("Fingerprint: ")).unwrap().to_string();
    let other = "1111111111111111111111111111111111111111111111111111111111111111";
    let keys = format!("{me},{other}");
    // Nothing listens at these addresses: the refusal comes before any connection.
    let args = ["party", &program, "--id", "0", "--peers", "127.0.0.1:9,127.0.0.1:9", "--keys", &keys, "--identity", &identity];
    refused(&cohort(&[&args[..], &["--input", "x=1", "--timeout", "1"]].concat()), "run with 3 or more parties");
    // With --no-privacy it goes on, to find no peer.
    let out = cohort(&[&args[..], &["--input", "x=1", "--timeout", "1", "--no-privacy"]].concat());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(!stderr.contains(REFUSAL), "{stderr}");
}

#[test]
fn sum_and_bench_refuse_threshold_0_without_no_privacy() {
    refused(&cohort(&["sum", "3", "4"]), "run with 3 or more parties");
    assert!(stdout(&cohort(&["sum", "3", "4", "--no-privacy"])).contains("party 0: sum = 7"));
    refused(&cohort(&["sum", "--threshold", "0", "1", "2", "3"]), "give a threshold of 1 or more");
    refused(&cohort(&["bench", "--parties", "2", "--runs", "1", "--only", "mul"]), "run with 3 or more parties");
    let out = stdout(&cohort(&["bench", "--parties", "2", "--runs", "1", "--only", "mul", "--json", "--no-privacy"]));
    assert!(out.contains("\"threshold\":0"), "{out}");
}
