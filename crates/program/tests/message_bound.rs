//! `Plan::largest_message` bounds what the engine really sends: every
//! operation of the language, on every kind of secure type, at several
//! sizes, party counts and thresholds (with and without PRSS), run by every
//! party over the in-memory network, never sends a peer a round message
//! larger than the plan's bound.

use crate::common;

use std::rc::Rc;

use cohort_program::{CheckedProgram, PartyInputs};
use common::*;
use serde_json::json;

/// Operations on `x` (from party 0) and `y` (from party 1), vectors of `N` elements.
const OPERATIONS: &[&str] = &[
    "x",
    "x + y",
    "x * y",
    "x / y",
    "x < y",
    "x <= y",
    "x == y",
    "x != y",
    "min(x, y)",
    "max(x, y)",
    "abs(x)",
    "sign(x)",
    "is_zero(x)",
    "reciprocal(x)",
    "sqrt(x)",
    "to_bits(x)",
    "from_bits(to_bits(x))",
    "sum(x)",
    "prod(x)",
    "min(x)",
    "max(x)",
    "argmin(x)",
    "argmax(x)",
    "all(x < y)",
    "any(x < y)",
    "mean(x)",
    "median(x)",
    "variance(x)",
    "pvariance(x)",
    "stdev(x)",
    "sort(x)",
    "shuffle(x)",
    "reverse(x)",
    "concat(x, y)",
    "inner(x, y)",
    "covariance(x, y)",
    "if_else(x < y, x, y)",
    "x // 3",
    "x % 3",
    "x >> 2",
    "x << 2",
    "x * 3",
    "x / 3",
    "sum([x, y])",
    "matmul([x, y], [[y[i]] for i in range(N)])",
    "random_int(T, 0, 100, N)",
    "random_bits(T, N)",
    "random_permutation(T, N)",
    "random_derangement(T, N)",
    "[x[i] * y[i] for i in range(N)]",
    "mean(flatten(z))",
    "sort(flatten(z))",
    "gcd(x, y)",
    "lcm(x, y)",
    "inverse(x, 7)",
    "pow(x, 3)",
    "pow(x, -2)",
    "trunc(x, 2)",
    "convert(x, secint(95))",
    "convert(x, secint(8))",
    "convert(x, secfxp(40, 30))",
    "sort(x, key=y)",
    "sort([x, y], key=[y[0], x[0]])",
    "max(x, key=-y)",
    "min([x, y], key=[y[0], x[0]])",
    "argmax(x, key=y)",
    "find(x, y[0])",
    "find(x, y[0], e=-1)",
    "mode(x)",
    "mode(flatten(z))",
    "choice(T, x)",
    "sample(T, x, 1)",
    "uniform(T, 0, 1, N)",
];

/// Runs `src` as `m` parties with threshold `t`; the largest round message
/// any party sent, and the plan's bound.
fn measure(program: &CheckedProgram, m: usize, t: usize, n: usize) -> (u64, usize) {
    let plan = Rc::new(program.plan(m).unwrap());
    let bound = plan.largest_message(t);
    let xs: Vec<i64> = (0..n as i64).map(|i| i + 3).collect();
    let ys: Vec<i64> = (0..n as i64).map(|i| 2 * i + 5).collect();
    let inputs: Vec<Inputs> = (0..m)
        .map(|i| {
            let mut given = Inputs::new();
            given.insert("z".into(), json!(xs));
            match i {
                0 => given.insert("x".into(), json!(xs)),
                1 => given.insert("y".into(), json!(ys)),
                _ => None,
            };
            given.retain(|name, _| plan.inputs.iter().any(|spec| &spec.name == name));
            given
        })
        .collect();
    let prepared: Vec<PartyInputs> = inputs.iter().enumerate().map(|(i, given)| PartyInputs::new(&plan, i, given).unwrap()).collect();
    let prepared = Rc::new(prepared);
    let outcome = cohort_mpc::local::run(m, t, 7, move |rt| {
        let (plan, prepared) = (plan.clone(), prepared.clone());
        async move { Ok(cohort_program::run(&plan, &rt, &prepared[rt.id()]).await) }
    })
    .unwrap();
    for result in &outcome.results {
        result.as_ref().unwrap_or_else(|e| panic!("{e}\n{}", program.canonical()));
    }
    (outcome.stats.iter().map(|s| s.largest_message).max().unwrap(), bound)
}

/// Checks every operation that applies to type `ty` with `n` elements, for
/// `m` parties and threshold `t`; returns how many ran.
fn check(ty: &str, n: usize, m: usize, t: usize, operations: &[&str]) -> usize {
    let mut ran = 0;
    for op in operations {
        let expr = op.replace('T', ty).replace('N', &n.to_string());
        let src = format!(
            "program \"bound\"\nparties {m}\nrole a = party 0\nrole b = party 1\ninput x: {ty}[{n}] from a\n\
             input y: {ty}[{n}] from b\ninput z: {ty}[{n}] from each\nreveal r = {expr} to all\n"
        );
        // Not every operation applies to every type (no comparisons of secfld).
        let Ok(program) = CheckedProgram::parse(&src) else { continue };
        let (sent, bound) = measure(&program, m, t, n);
        assert!(
            sent as usize <= bound,
            "{ty}, {n} elements, {m} parties, threshold {t}: `{expr}` sent {sent} bytes, over the bound {bound}"
        );
        ran += 1;
    }
    ran
}

#[test]
fn every_operation_within_the_bound_with_three_parties() {
    for ty in ["secint(32)", "secint(64)", "secfxp(32, 16)", "secfxp(64, 24)", "secfld(2305843009213693951)", "secint(8)"] {
        // Small values: sums, products and powers must fit the type.
        let sizes: &[usize] = if ty == "secint(8)" { &[1, 2, 5] } else { &[1, 2, 5, 16] };
        for &n in sizes {
            let ran = check(ty, n, 3, 1, OPERATIONS);
            assert!(ran >= 20, "{ty}: only {ran} operations ran");
        }
    }
}

#[test]
fn every_operation_within_the_bound_at_other_party_counts() {
    // 2 parties: threshold 0; 4 parties below the default threshold; 13
    // parties: more subsets than PRSS allows, so randomness is dealt.
    for (m, t) in [(2, 0), (4, 0), (5, 2), (13, 6)] {
        for ty in ["secint(32)", "secfxp(32, 16)"] {
            let ran = check(ty, 3, m, t, OPERATIONS);
            assert!(ran >= 40, "{ty}, {m} parties: only {ran} operations ran");
        }
    }
}

#[test]
fn many_operations_in_one_round_stay_within_the_bound() {
    // Independent comparisons of a loop share rounds: their steps add up.
    let src = "program \"loop\"\nparties 3\ninput z: secint(32)[8] from each\nlet f = flatten(z)\n\
               reveal r = [f[i] < f[i + 8] for i in range(16)] to all\nreveal s = sort(f) to all\n";
    let (sent, bound) = measure(&program(src), 3, 1, 8);
    assert!(sent as usize <= bound, "sent {sent}, bound {bound}");
}
