//! The `cohort` command: the three-party sum, and clear errors for bad arguments.

use std::process::Command;

fn cohort(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_cohort")).args(args).output().expect("cohort runs")
}

#[test]
fn sum_of_three_local_parties() {
    let out = cohort(&["sum", "10", "20", "12"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    for id in 0..3 {
        assert!(stdout.contains(&format!("party {id}: sum = 42 ")), "{stdout}");
    }
}

#[test]
fn negative_inputs_and_five_parties() {
    let out = cohort(&["sum", "--", "-5", "7", "1", "-3", "100"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout).matches("sum = 100 ").count(), 5);
}

#[test]
fn bad_arguments_are_clear_errors() {
    for (args, expected) in [
        (&["sum", "--threshold", "2", "1", "2", "3"][..], "threshold 2 is too large for 3 parties"),
        (&["sum", "--bits", "200", "1", "2"][..], "not supported"),
        (&["sum", "--bits", "8", "1", "200"][..], "200 does not fit secint(8)"),
        (&["bench", "--parties", "0"][..], "0 parties"),
        (&["bench", "--only", "nonsense"][..], "unknown workload nonsense"),
    ] {
        let out = cohort(args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.starts_with("cohort: ") && stderr.contains(expected), "{args:?}: {stderr}");
    }
}

#[test]
fn bench_prints_one_json_line_per_workload() {
    let out = cohort(&["bench", "--parties", "3", "--json", "--runs", "1", "--only", "mul,lt"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["workload"], "mul");
    assert_eq!(lines[0]["n"], 10000);
    assert_eq!(lines[0]["rounds"], 1);
    assert_eq!(lines[1]["workload"], "lt");
    assert!(lines[1]["ms"].as_f64().unwrap() > 0.0);
}

#[test]
fn bench_prints_a_program_line_per_example() {
    let out = cohort(&["bench", "--json", "--runs", "1", "--only", "program"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let names: Vec<&str> = lines.iter().map(|l| l["name"].as_str().unwrap()).collect();
    assert_eq!(names.len(), 9, "{names:?}");
    assert!(names.contains(&"average_salary") && names.contains(&"linear_regression"), "{names:?}");
    for l in &lines {
        assert_eq!(l["workload"], "program");
        assert!(l["rounds"].as_u64().unwrap() >= 1 && l["ms"].as_f64().unwrap() > 0.0, "{l}");
    }
}

#[test]
fn a_reader_that_stops_early_is_not_an_error() {
    // Like `cohort sum … | head -0`: stdout is closed before anything is written.
    let mut child = Command::new(env!("CARGO_BIN_EXE_cohort"))
        .args(["sum", "1", "2", "3"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("cohort runs");
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
}
