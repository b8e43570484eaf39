//! `cohort run` keeps inputs and outputs of any size exact: a `secint(95)`
//! input 2^80 + 1 written in the inputs file as a JSON number or as a
//! string comes out exactly, as a string of digits in `--json` output and
//! without quotes in the human output; a value the type cannot hold is
//! refused naming the input.

use crate::common;

use std::process::Output;

use common::{bin, stderr, temp_file};

const PROGRAM: &str = "program \"Big\"
parties 3

role alice = party 0
input x: secint(95) from alice
input y: secint(95) from each
reveal same = x to all
reveal total = sum(y) to all
reveal small = y[1] to all
";

fn run(inputs: &str, json: bool) -> Output {
    let program = temp_file("big.cohort", PROGRAM);
    let file = temp_file("big-inputs.json", inputs);
    let mut args = vec!["run", program.as_str(), "--inputs", file.as_str()];
    if json {
        args.push("--json");
    }
    bin().args(&args).output().unwrap()
}

fn stdout(out: &Output) -> String {
    assert!(out.status.success(), "{}", stderr(out));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

const INPUTS: &str = r#"[
  {"x": 1208925819614629174706177, "y": "1208925819614629174706177"},
  {"y": 9007199254740991},
  {"y": -1}
]"#;

#[test]
fn json_output_gives_big_values_as_strings() {
    let out = stdout(&run(INPUTS, true));
    let lines: Vec<serde_json::Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 3);
    for (i, line) in lines.iter().enumerate() {
        assert_eq!(
            line,
            &serde_json::json!({"party": i, "outputs": {
                "same": "1208925819614629174706177",
                "total": "1208925828621828429447167",
                "small": 9007199254740991i64,
            }})
        );
    }
}

#[test]
fn human_output_gives_big_values_as_digits() {
    let out = stdout(&run(INPUTS, false));
    assert_eq!(
        out.lines().next(),
        Some("party 0: same = 1208925819614629174706177, small = 9007199254740991, total = 1208925828621828429447167")
    );
}

#[test]
fn a_value_beyond_the_type_is_refused() {
    let out = run(r#"[{"x": 19807040628566084398385987584, "y": 1}, {"y": 1}, {"y": 1}]"#, false);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("input `x`: 19807040628566084398385987584 does not fit secint(95)"), "{}", stderr(&out));
    let out = run(r#"[{"x": 1.5, "y": 1}, {"y": 1}, {"y": 1}]"#, false);
    assert!(stderr(&out).contains("input `x` is a secint(95): whole numbers only, not 1.5"), "{}", stderr(&out));
}
