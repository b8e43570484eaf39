//! Helpers shared by the program tests: running every party of a program in
//! one thread over the engine's in-memory network, and the examples.

#![allow(unreachable_pub)]

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::rc::Rc;

use cohort_program::{CheckedProgram, Error, Outputs, PartyInputs};
use serde_json::Value as Json;

/// One party's inputs by name.
pub type Inputs = BTreeMap<String, Json>;

/// Runs `program` as all `inputs.len()` parties with threshold `t`; returns
/// each party's outputs, or the first error as text.
pub fn run(program: &CheckedProgram, t: usize, inputs: &[Inputs], seed: u64) -> Result<Vec<Outputs>, String> {
    let m = inputs.len();
    let plan = Rc::new(program.plan(m).map_err(|e| e.to_string())?);
    let prepared: Vec<PartyInputs> = inputs
        .iter()
        .enumerate()
        .map(|(i, given)| PartyInputs::new(&plan, i, given))
        .collect::<Result<_, _>>()
        .map_err(|e| e.to_string())?;
    let prepared = Rc::new(prepared);
    let outcome = cohort_mpc::local::run(m, t, seed, move |rt| {
        let (plan, prepared) = (plan.clone(), prepared.clone());
        async move { Ok(cohort_program::run(&plan, &rt, &prepared[rt.id()]).await) }
    })
    .map_err(|e| e.to_string())?;
    outcome.results.into_iter().map(|r| r.map_err(|e| e.to_string())).collect()
}

/// Parses `src`, panicking with the error if it does not check.
pub fn program(src: &str) -> CheckedProgram {
    CheckedProgram::parse(src).unwrap_or_else(|e| panic!("{e}\n{src}"))
}

/// The examples directory.
pub fn examples_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

/// Every example's name (the file stem of each `.cohort` file), sorted.
pub fn example_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(examples_dir())
        .expect("examples directory")
        .filter_map(|e| e.ok()?.file_name().to_str()?.strip_suffix(".cohort").map(str::to_string))
        .collect();
    names.sort();
    names
}

/// An example's program and inputs.
pub fn example(name: &str) -> (CheckedProgram, Vec<Inputs>) {
    let dir = examples_dir();
    let src = std::fs::read_to_string(dir.join(format!("{name}.cohort"))).expect("example program");
    let inputs = std::fs::read_to_string(dir.join(format!("{name}.inputs.json"))).expect("example inputs");
    (program(&src), serde_json::from_str(&inputs).expect("inputs are a JSON array of objects"))
}

/// An example's expected outputs, if it has fixed ones.
pub fn expected(name: &str) -> Option<Vec<Outputs>> {
    let text = std::fs::read_to_string(examples_dir().join(format!("{name}.expected.json"))).ok()?;
    let lines: Vec<Json> = serde_json::from_str(&text).expect("expected outputs are a JSON array");
    Some(
        lines
            .into_iter()
            .enumerate()
            .map(|(i, line)| {
                assert_eq!(line["party"], i, "{name}: expected outputs are in party order");
                serde_json::from_value(line["outputs"].clone()).expect("outputs object")
            })
            .collect(),
    )
}

/// Whether `got` matches `want`: integers exactly, fixed-point numbers
/// within `tolerance`, arrays element by element.
pub fn matches(got: &Json, want: &Json, tolerance: f64) -> bool {
    match (got, want) {
        (Json::Array(a), Json::Array(b)) => a.len() == b.len() && a.iter().zip(b).all(|(x, y)| matches(x, y, tolerance)),
        (Json::Number(a), Json::Number(b)) if a.is_f64() || b.is_f64() => (a.as_f64().unwrap() - b.as_f64().unwrap()).abs() <= tolerance,
        _ => got == want,
    }
}

/// Checks every party's outputs against the expected ones.
pub fn assert_outputs(name: &str, got: &[Outputs], want: &[Outputs], tolerance: f64) {
    assert_eq!(got.len(), want.len(), "{name}: party count");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert_eq!(g.keys().collect::<Vec<_>>(), w.keys().collect::<Vec<_>>(), "{name}: party {i} learns other outputs than expected");
        for (k, wv) in w {
            assert!(matches(&g[k], wv, tolerance), "{name}: party {i}'s `{k}` is {}, expected {wv}", g[k]);
        }
    }
}

/// `{name: value}` for a party.
pub fn inputs(pairs: &[(&str, Json)]) -> Inputs {
    pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
}

/// Parses `src`, which must fail.
#[track_caller]
pub fn error(src: &str) -> Error {
    match CheckedProgram::parse(src) {
        Ok(p) => panic!("expected an error, but this checks:\n{}", p.canonical()),
        Err(e) => e,
    }
}

/// `src` fails at `line`, `col` with a message containing `phrase`.
#[track_caller]
pub fn assert_error(src: &str, line: u32, col: u32, phrase: &str) -> Error {
    let e = error(src);
    assert_eq!((e.span.line, e.span.col), (line, col), "position of {:?} in\n{src}", e.message);
    assert!(e.message.contains(phrase), "message {:?} lacks {phrase:?} for\n{src}", e.message);
    e
}
