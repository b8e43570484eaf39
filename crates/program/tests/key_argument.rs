//! `key=` for `sort`, `min`, `max`, `argmin` and `argmax`: MPyC's key
//! function given as its values, one per element (or per row of a matrix).
//! MPyC's expected values (`tests/test_runtime.py`), run by 3 and by 5
//! parties; the syntax (canonical text, JSON form) and the checker's
//! refusals.

use crate::common;

use cohort_program::CheckedProgram;
use common::*;
use serde_json::json;

const SRC: &str = "program \"keys\"
parties 3 to 5
role alice = party 0
role bob = party 1
input x: secint(16)[6] from alice
input s: secfxp(32, 16)[4] from bob
input score: secint(16) from each
reveal ranked = sort(x, key=x * (2*x + 1)) to all
reveal top = max(x, key=x * (2*x + 1)) to all
reveal first = argmin(x, key=x * (2*x + 1)) to all
reveal largest = min(s[0:2], key=-s[0:2]) to all
reveal smallest = max(s[0:2], key=-s[0:2]) to all
reveal where_max = argmin(s, key=-s) to all
reveal where_min = argmax(s, key=-s) to all
let table = [[score[i], i] for i in range(parties)]
reveal by_score = sort(table, key=score) to all
reveal best = max(table, key=score) to all
reveal worst = min(score, key=score) to all
";

#[test]
fn mpyc_expected_values_with_3_and_5_parties() {
    let program = program(SRC);
    for (m, t) in [(3, 1), (5, 2)] {
        let scores = [7, -2, 7, 30, -2];
        let mut parties: Vec<_> = (0..m).map(|i| inputs(&[("score", json!(scores[i]))])).collect();
        parties[0].insert("x".into(), json!([-3, -2, -1, 0, 1, 2]));
        parties[1].insert("s".into(), json!([10.5, -3.25, 0.125, -0.125]));
        let out = run(&program, t, &parties, 5).unwrap_or_else(|e| panic!("m={m}: {e}"));
        for o in &out[1..] {
            assert_eq!(o, &out[0], "m={m}: every party learns the same");
        }
        let o = &out[0];
        // MPyC: mpc.sorted(x, key=lambda a: a*(2*a+1)) == [0, -1, 1, -2, 2, -3] for x = range(-3, 3).
        assert_eq!(o["ranked"], json!([0, -1, 1, -2, 2, -3]), "m={m}");
        assert_eq!(o["top"], json!(-3), "m={m}");
        assert_eq!(o["first"], json!(3), "m={m}");
        // MPyC (test_secfxp, s = [10.5, -3.25, 0.125, -0.125]):
        // argmin([a, b], key=operator.neg)[1] == max(s); argmax([a, b], key=operator.neg)[1] == min(s).
        assert_eq!(o["largest"], json!(10.5), "m={m}");
        assert_eq!(o["smallest"], json!(-3.25), "m={m}");
        // argmax of s is 0 and argmin 1 (MPyC's argmax([a, b, c, d])[0] == 0, argmin … == 1): with key=neg, swapped.
        // The index has the vector's type, secfxp here (as MPyC's).
        assert_eq!(o["where_max"], json!(0.0), "m={m}");
        assert_eq!(o["where_min"], json!(1.0), "m={m}");
        // Rows (score, party) by score; ties in no particular order.
        let rows = o["by_score"].as_array().unwrap();
        let keys: Vec<i64> = rows.iter().map(|r| r[0].as_i64().unwrap()).collect();
        let mut want: Vec<i64> = scores[..m].to_vec();
        want.sort();
        assert_eq!(keys, want, "m={m}: {rows:?}");
        for r in rows {
            assert_eq!(r[0], json!(scores[r[1].as_u64().unwrap() as usize]), "m={m}: a row keeps its elements: {rows:?}");
        }
        let best = if m == 3 { json!([7, 0]) } else { json!([30, 3]) };
        assert_eq!(o["best"], best, "m={m}: the first greatest");
        assert_eq!(o["worst"], json!(-2), "m={m}");
    }
}

#[test]
fn keywords_in_the_canonical_text_and_the_json_form() {
    let p = program(SRC);
    assert!(p.canonical().contains("reveal ranked = sort(x, key=x * (2 * x + 1)) to all"), "{}", p.canonical());
    let json = p.to_json();
    assert!(json.contains(r#""keyword": {"#) && json.contains(r#""name": "key""#), "{json}");
    let back = CheckedProgram::from_json(&json).unwrap();
    assert_eq!(back.hash(), p.hash());
    // Spacing does not matter: `key = k` is the same program.
    let spaced = program(&SRC.replace("key=-s)", "key = -s)"));
    assert_eq!(spaced.hash(), p.hash());
}

fn body(decls: &str, line: &str) -> String {
    format!("program \"p\"\nparties 3\nrole alice = party 0\n{decls}\nreveal r = {line} to all\n")
}

#[test]
fn checker_refuses_what_cannot_run() {
    let int = "input a: secint(16)[4] from alice";
    let fld = "input a: secfld(101)[4] from alice";
    for (decls, line, phrase) in [
        (int, "sum(a, key=a)", "`sum` takes no keyword arguments"),
        (int, "sort(a, e=a)", "takes the keyword argument `key=`"),
        (int, "sort(a, key=a[0:3])", "one per element"),
        (int, "max(a, a, key=a)", "takes one vector"),
        (int, "argmax(a[0], key=a)", "a vector or a matrix"),
        (int, "sort([1, 2], key=[2, 1])", "public values"),
        (fld, "sort(a, key=a)", "no order"),
        (int, "max(a, key=a[0:0])", "one per element"),
        (int, "secint(8, key=1)", "takes no keyword arguments"),
    ] {
        let src = body(decls, line);
        let e = error(&src);
        assert_eq!(e.span.line, 5, "{:?} in\n{src}", e.message);
        assert!(e.message.contains(phrase), "message {:?} lacks {phrase:?} for\n{src}", e.message);
    }
    let src = body(int, "sort(a, key=a, key=a)");
    assert_error(&src, 5, 27, "given twice");
    let src = body(int, "find(a, key=a[0], 3)");
    assert_error(&src, 5, 30, "positional argument cannot follow");
}

/// What the approval window says of a key: true, in plain words.
#[test]
fn disclosure_in_plain_words() {
    let src = "program \"p\"\nparties 3\ninput bid: secint(32) from each\nreveal low = max(bid, key=-bid) to all\nreveal order = sort(bid, key=-bid) to all\n";
    let p = program(src);
    let d = p.disclosure(3).unwrap().reveals;
    assert_eq!(d[0].what, "the element of every party's bid where the negative of every party's bid is largest (the first on a tie)");
    assert_eq!(d[1].what, "every party's bid, ordered by the negative of every party's bid from smallest to largest");
    assert!(d.iter().all(|r| r.class == cohort_program::Class::SeveralParties), "{d:?}");
}

/// One element (and no element, for `sort`): what checks runs.
#[test]
fn shortest_vectors_run() {
    let src = "program \"p\"\nparties 3\nrole alice = party 0\ninput a: secint(16)[3] from alice\n\
               reveal one = sort(a[0:1], key=a[1:2]) to all\nreveal none = sort(a[0:0], key=a[0:0]) to all\n\
               reveal top = max(a[2:3], key=a[0:1]) to all\nreveal at = argmin(a[0:1], key=a[0:1]) to all\n";
    let p = program(src);
    let mut parties = vec![inputs(&[("a", json!([4, 5, 6]))])];
    parties.resize(3, inputs(&[]));
    let out = run(&p, 1, &parties, 8).unwrap();
    assert_eq!((&out[0]["one"], &out[0]["none"], &out[0]["top"], &out[0]["at"]), (&json!([4]), &json!([]), &json!(6), &json!(0)));
}
