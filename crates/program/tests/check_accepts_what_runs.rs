//! `cohort check` accepts exactly the programs that run: every aggregate of
//! every length around the limits of small types either fails the check or
//! runs without the engine refusing it. Indices and counts that a type
//! cannot hold are the usual suspects: argmin/argmax of more values than the
//! type counts (the index then has its own type), `secint` statistics whose
//! public divisor is too large, shuffles in too small a field.

use crate::common;

use cohort_program::CheckedProgram;
use common::{assert_error, inputs, program, run};
use serde_json::{Value as Json, json};

/// A three-party program: party 0 inputs `x: TYPE[n]`, everyone learns `expr`.
fn source(ty: &str, n: usize, expr: &str) -> String {
    format!("program \"t\"\nparties 3\nrole alice = party 0\ninput x: {ty}[{n}] from alice\nreveal y = {expr} to all\n")
}

/// `n` values, all 0 but the first, −1: sums and centred products stay in range.
fn values(n: usize) -> Json {
    Json::Array((0..n).map(|i| json!(if i == 0 { -1 } else { 0 })).collect())
}

fn run_three(p: &CheckedProgram, x: Json) -> Result<Json, String> {
    let given = [inputs(&[("x", x)]), inputs(&[]), inputs(&[])];
    let out = run(p, 1, &given, 9)?;
    Ok(out[0]["y"].clone())
}

#[test]
fn every_accepted_aggregate_runs() {
    let ops = [
        "min(x)",
        "max(x)",
        "argmin(x)",
        "argmax(x)",
        "mean(x)",
        "median(x)",
        "variance(x)",
        "pvariance(x)",
        "stdev(x)",
        "covariance(x, x)",
        "prod(x)",
        "shuffle(x)",
    ];
    let mut accepted = 0;
    let mut refused = Vec::new();
    for ty in ["secint(4)", "secint(8)", "secfxp(16, 8)"] {
        for n in [2usize, 7, 128, 129, 256, 300] {
            for op in ops {
                let src = source(ty, n, op);
                match CheckedProgram::parse(&src) {
                    Ok(p) => {
                        accepted += 1;
                        if let Err(e) = run_three(&p, values(n)) {
                            panic!("`cohort check` accepts {op} of {n} {ty} values, but the run fails: {e}");
                        }
                    }
                    Err(e) => refused.push(format!("{ty} {n} {op}: {}", e.message)),
                }
            }
        }
    }
    // What is refused, and why: secint statistics past their divisor, and
    // shuffling in secint(4)'s field.
    for r in &refused {
        assert!(r.contains("a divisor of") || r.contains("too small a field to shuffle in"), "{r}");
    }
    assert_eq!(accepted + refused.len(), 3 * 6 * ops.len());
    let count = |what: &str| refused.iter().filter(|r| r.contains(what)).count();
    // secint(4) (divisors below 16): mean past 15 values (4 lengths), the
    // variances, stdev and covariance past 2 (5 lengths each), shuffle at
    // every length (6). secint(8) (below 256): mean past 255 (2), the
    // variances, stdev and covariance past 6 (5 each). secfxp: nothing.
    assert_eq!(count("secint(4) "), 4 + 4 * 5 + 6);
    assert_eq!(count("shuffle"), 6);
    assert_eq!(count("secint(8) "), 2 + 4 * 5);
    assert_eq!(count("secfxp"), 0);
}

#[test]
fn argmax_of_more_values_than_the_type_counts() {
    // 130 secint(8) values: the greatest first at 128, the least at 129.
    let mut xs = vec![json!(0); 130];
    xs[128] = json!(127);
    xs[129] = json!(-128);
    xs[5] = json!(126);
    let x = Json::Array(xs);
    let p = program(&source("secint(8)", 130, "[argmax(x), argmin(x)]"));
    assert_eq!(run_three(&p, x.clone()), Ok(json!([128, 129])));
    // min and max need no index at all.
    let p = program(&source("secint(8)", 130, "[max(x), min(x)]"));
    assert_eq!(run_three(&p, x.clone()), Ok(json!([127, -128])));
    // The index is a secfld element of secint(8)'s field: exact arithmetic
    // and equality, no order, and it does not mix with secint(8) values.
    let p = program(&source("secint(8)", 130, "[argmax(x) + 1000, argmax(x) == 128]"));
    assert_eq!(run_three(&p, x.clone()), Ok(json!([1128, 1])));
    let src = source("secint(8)", 130, "argmax(x) < 3");
    let e = assert_error(&src, 5, 22, "not defined for secfld");
    assert!(e.message.contains("no order"), "{}", e.message);
    assert_error(&source("secint(8)", 130, "argmax(x) + x[0]"), 5, 22, "cannot be combined");
    // While the type counts every index, the index is of the type, as MPyC's.
    let p = program(&source("secint(8)", 128, "argmax(x) + x[0]"));
    assert_eq!(run_three(&p, Json::Array((0..128).map(|i| json!(i % 100)).collect())), Ok(json!(99)));
    let p = program(&source("secfxp(16, 8)", 129, "argmin(x)"));
    let mut ys = vec![json!(1.5); 129];
    ys[128] = json!(-0.25);
    assert_eq!(run_three(&p, Json::Array(ys)), Ok(json!(128)));
}

#[test]
fn refusals_say_why() {
    let e = assert_error(&source("secint(8)", 256, "mean(x)"), 5, 12, "`mean` of 256 secint(8) values");
    assert!(e.message.contains("below 2^8"), "{}", e.message);
    assert_error(&source("secint(8)", 7, "variance(x)"), 5, 12, "`variance` of 7 secint(8) values");
    assert_error(&source("secint(8)", 7, "covariance(x, x)"), 5, 12, "`covariance` of 7 secint(8) values");
    assert_error(&source("secint(4)", 3, "shuffle(x)"), 5, 12, "too small a field to shuffle in");
    assert_error(&source("secint(4)", 3, "random_permutation(secint(4), 3)"), 5, 12, "too small a field to shuffle in");
}

/// The same for `mode`, `find`, `key=`, `choice` and `sample`: accepted
/// means it runs; refused only for the mode's counts (which the field must
/// compare; at most 512 values) and shuffling in secint(4)'s field.
#[test]
fn every_accepted_keyed_find_mode_or_choice_runs() {
    let ops = [
        "mode(x)",
        "find(x, x[0])",
        "find(x, 1, e=-1)",
        "max(x, key=-x)",
        "argmax(x, key=-x)",
        "sort(x, key=-x)",
        "choice(TYPE, x)",
        "sample(TYPE, x, 2)",
    ];
    let mut refused = Vec::new();
    for ty in ["secint(4)", "secint(8)", "secfxp(16, 8)"] {
        for n in [2usize, 7, 15, 16, 128, 129, 256, 300, 513] {
            for op in ops {
                let src = source(ty, n, &op.replace("TYPE", ty));
                match CheckedProgram::parse(&src) {
                    Ok(p) => {
                        if let Err(e) = run_three(&p, values(n)) {
                            panic!("`cohort check` accepts {op} of {n} {ty} values, but the run fails: {e}");
                        }
                    }
                    Err(e) => refused.push(format!("{ty} {n} {op}: {}", e.message)),
                }
            }
        }
    }
    for r in &refused {
        assert!(r.contains("compares counts") || r.contains("at most 512") || r.contains("too small a field to shuffle in"), "{r}");
    }
    let count = |what: &str| refused.iter().filter(|r| r.contains(what)).count();
    // secint(4): mode from 16 values (6 lengths), choice and sample at every length (2 × 9);
    // secint(8): mode from 256 values (3 lengths); secfxp(16, 8): mode past 512 (1).
    assert_eq!(count("secint(4) "), 6 + 2 * 9, "{refused:#?}");
    assert_eq!(count("secint(8) "), 3, "{refused:#?}");
    assert_eq!(count("secfxp"), 1, "{refused:#?}");
}
