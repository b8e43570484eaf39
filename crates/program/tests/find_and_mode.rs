//! `find(x, a)` (MPyC's `mpc.find` with `bits=False`) and `mode(x)` (MPyC's
//! `statistics.mode`) in programs, with MPyC's expected values, run by 3 and
//! by 5 parties; the checker's refusals; the disclosure's words.

use crate::common;

use common::*;
use serde_json::json;

const SRC: &str = "program \"find and mode\"
parties 3 to 5
role alice = party 0
role bob = party 1
input x: secint(16)[5] from alice
input y: secint(32)[40] from bob
input f: secfxp(32, 16)[45] from alice
input g: secfld(2305843009213693951)[3] from bob
input vote: secint(8) from each
reveal at_two = find(x, 2) to all
reveal missing = find(x, 7) to all
reveal missing_e = find(x, 7, e=-1) to all
reveal at_secret = find(x, x[4]) to all
reveal in_field = find(g, 2) to all
reveal first_vote = find(vote, 3) to all
reveal common = mode(y) to all
reveal common_f = mode(f) to all
reveal popular = mode(vote) to all
";

#[test]
fn mpyc_expected_values_with_3_and_5_parties() {
    let program = program(SRC);
    // MPyC test_statistics: y = [1, 3, -2, 3, 1, -2, -2, 4] * 5 (shuffled): mode -2;
    // [1, 1, 2, 2, 3, 4, 4, 4, 6] * 5 (shuffled) as secfxp: mode 4.
    let mut y: Vec<i64> = [1, 3, -2, 3, 1, -2, -2, 4].repeat(5);
    y.rotate_left(5);
    let mut f: Vec<f64> = [1.0, 1.0, 2.0, 2.0, 3.0, 4.0, 4.0, 4.0, 6.0].repeat(5);
    f.reverse();
    for (m, t) in [(3, 1), (5, 2)] {
        let votes = [3, 5, 3, 5, 9];
        let mut parties: Vec<_> = (0..m).map(|i| inputs(&[("vote", json!(votes[i]))])).collect();
        // MPyC test_misc: find([secint(i) for i in range(5)], 2, bits=False, …) finds index 2.
        parties[0].insert("x".into(), json!([0, 1, 2, 3, 4]));
        parties[0].insert("f".into(), json!(f));
        parties[1].insert("y".into(), json!(y));
        // MPyC: find([secfld(2)], 2, bits=False) == 0.
        parties[1].insert("g".into(), json!([5, 2, 2]));
        let out = run(&program, t, &parties, 11).unwrap_or_else(|e| panic!("m={m}: {e}"));
        for o in &out[1..] {
            assert_eq!(o, &out[0], "m={m}: every party learns the same");
        }
        let o = &out[0];
        assert_eq!(o["at_two"], json!(2), "m={m}");
        assert_eq!(o["missing"], json!(5), "m={m}: len(x) when absent");
        assert_eq!(o["missing_e"], json!(-1), "m={m}: MPyC's e=-1");
        assert_eq!(o["at_secret"], json!(4), "m={m}");
        assert_eq!(o["in_field"], json!(1), "m={m}");
        assert_eq!(o["first_vote"], json!(0), "m={m}");
        assert_eq!(o["common"], json!(-2), "m={m}");
        assert_eq!(o["common_f"], json!(4.0), "m={m}");
        // Votes 3, 5, 3 (m = 3): 3; 3, 5, 3, 5, 9 (m = 5): 3 and 5 tie, the least wins.
        assert_eq!(o["popular"], json!(3), "m={m}");
    }
}

fn body(decls: &str, line: &str) -> String {
    format!("program \"p\"\nparties 3\nrole alice = party 0\n{decls}\nreveal r = {line} to all\n")
}

#[test]
fn checker_refuses_what_cannot_run() {
    let int = "input a: secint(8)[4] from alice";
    let long = "input a: secint(8)[513] from alice";
    let fld = "input a: secfld(101)[4] from alice";
    let big = "input a: secint(8)[127] from alice";
    for (decls, line, phrase) in [
        (int, "find(a, a)", "one value"),
        (int, "find(a[0], 1)", "looks in a vector"),
        (int, "find([1, 2], 1)", "public values"),
        (int, "find(a, 1, e=1000)", "does not fit"),
        (int, "find(a, 1, e=0.5)", "whole number"),
        (int, "find(a, 1, key=a)", "takes the keyword argument `e=`"),
        (int, "find(a)", "takes 2 arguments"),
        (long, "mode(a)", "at most 512 values"),
        ("input a: secint(8)[256] from alice", "mode(a)", "compares counts up to 256"),
        (fld, "mode(a)", "no order"),
        (int, "mode(a[0])", "secret vector"),
    ] {
        let src = body(decls, line);
        let e = error(&src);
        assert_eq!(e.span.line, 5, "{:?} in\n{src}", e.message);
        assert!(e.message.contains(phrase), "message {:?} lacks {phrase:?} for\n{src}", e.message);
    }
    // 127 secint(8) values: find's index holds 127, as a secfld (as argmax's); e=-1 then is p − 1's class.
    let p = program(&body(big, "find(a, 1) == 127"));
    let mut parties = vec![inputs(&[("a", json!(vec![0; 127]))])];
    parties.resize(3, inputs(&[]));
    let out = run(&p, 1, &parties, 3).unwrap();
    assert_eq!(out[0]["r"], json!(1));
}

/// Whatever the checker accepts around the limits runs.
#[test]
fn accepted_at_the_limits_runs() {
    for (ty, n) in [
        ("secint(2)", 3usize),
        ("secint(2)", 4),
        ("secint(8)", 255),
        ("secint(8)", 256),
        ("secint(10)", 512),
        ("secfxp(8, 4)", 20),
        ("secint(4)", 9),
    ] {
        for expr in ["mode(a)", "find(a, a[n - 1])", "find(a, 0, e=-1)"] {
            let src = format!(
                "program \"p\"\nparties 3\nrole alice = party 0\ninput a: {ty}[{n}] from alice\nlet n = len(a)\nreveal r = {expr} to all\n"
            );
            let Ok(p) = cohort_program::CheckedProgram::parse(&src) else { continue };
            let mut parties = vec![inputs(&[("a", json!((0..n).map(|i| (i % 2) as i64).collect::<Vec<_>>()))])];
            parties.resize(3, inputs(&[]));
            let out = run(&p, 1, &parties, 4).unwrap_or_else(|e| panic!("{ty}[{n}] {expr}: checks but fails: {e}"));
            let want = match expr {
                "mode(a)" if n % 2 == 0 => json!(0),
                "mode(a)" => json!(0),
                "find(a, a[n - 1])" => json!((n - 1) % 2),
                _ => json!(0),
            };
            let got = &out[0]["r"];
            assert_eq!(got.as_f64(), want.as_f64(), "{ty}[{n}] {expr}");
        }
    }
}

#[test]
fn disclosure_in_plain_words() {
    let src = "program \"p\"\nparties 3\ninput vote: secint(8) from each\nreveal popular = mode(vote) to all\nreveal where = find(vote, 3) to all\n\
               input x: secint(8)[4] from each\nreveal in_x = find(x[0], vote[1], e=-1) to all\n";
    let d = program(src).disclosure(3).unwrap().reveals;
    assert_eq!(d[0].what, "the most common vote among the parties (the smallest on a tie)");
    assert_eq!(d[1].what, "which party is the first whose vote equals 3 (3 if none does)");
    assert_eq!(d[2].what, "the position of the first element of party 0's x equal to party 1's vote (-1 if there is none)");
}

/// MPyC: `find([], 0) == 0`; with `e=-1`, −1.
#[test]
fn find_in_an_empty_vector() {
    let src = "program \"p\"\nparties 3\nrole alice = party 0\ninput a: secint(16)[3] from alice\n\
               reveal zero = find(a[0:0], 0) to all\nreveal minus = find(a[0:0], a[0], e=-1) to all\n";
    let mut parties = vec![inputs(&[("a", json!([4, 5, 6]))])];
    parties.resize(3, inputs(&[]));
    let out = run(&program(src), 1, &parties, 8).unwrap();
    assert_eq!((&out[0]["zero"], &out[0]["minus"]), (&json!(0), &json!(-1)));
}
