//! The program hash is SHA-256 over `cohort-program-v1\n` and the canonical
//! text, which is a fixpoint of printing: for every example the canonical
//! text and the JSON syntax give back the same program and hash; comments,
//! blank lines, spacing, line breaks inside brackets and redundant
//! parentheses do not change the hash, while every change of meaning does;
//! JSON that the text syntax cannot express is rejected with an error; and
//! random expressions print to text that parses back to the same text.

use crate::common;

use std::cell::Cell;
use std::collections::BTreeMap;

use cohort_program::CheckedProgram;
use common::{example, example_names};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{Value as Json, json};
use sha2::{Digest, Sha256};

/// The hash as the crate documents it, computed here independently.
fn expected_hash(canonical: &str) -> String {
    let digest = Sha256::new().chain_update(b"cohort-program-v1\n").chain_update(canonical.as_bytes()).finalize();
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[track_caller]
fn parse(src: &str) -> CheckedProgram {
    CheckedProgram::parse(src).unwrap_or_else(|e| panic!("{e}\n{src}"))
}

#[track_caller]
fn assert_same(a: &CheckedProgram, b: &CheckedProgram, what: &str) {
    assert_eq!(a.canonical(), b.canonical(), "{what}: canonical text");
    assert_eq!(a.hash(), b.hash(), "{what}: hash");
    assert_eq!(a.hash_hex(), b.hash_hex(), "{what}: hash hex");
    assert_eq!(a.ast(), b.ast(), "{what}: tree");
    assert_eq!(a.parties(), b.parties(), "{what}: parties");
}

#[test]
fn the_hash_is_sha256_of_the_domain_and_the_canonical_text() {
    for name in example_names() {
        let (p, _) = example(&name);
        assert_eq!(p.hash_hex(), expected_hash(p.canonical()), "{name}");
        assert_eq!(p.hash_hex().len(), 64);
        assert!(!p.canonical().contains('#'), "{name}: comments are dropped");
    }
}

#[test]
fn every_example_canonical_text_parses_to_the_same_program() {
    for name in example_names() {
        let (p, _) = example(&name);
        let again = parse(p.canonical());
        assert_same(&p, &again, &name);
        // And the canonical text of the canonical text is itself.
        assert_same(&again, &parse(again.canonical()), &name);
    }
}

#[test]
fn every_example_survives_the_json_syntax() {
    for name in example_names() {
        let (p, _) = example(&name);
        let json = p.to_json();
        let from_json = CheckedProgram::from_json(&json).unwrap_or_else(|e| panic!("{name}: {e}\n{json}"));
        assert_same(&p, &from_json, &name);
        assert_eq!(from_json.to_json(), json, "{name}: JSON is stable");
        // Compact JSON (no whitespace) is the same program.
        let compact = serde_json::to_string(&serde_json::from_str::<Json>(&json).unwrap()).unwrap();
        assert_same(&p, &CheckedProgram::from_json(&compact).unwrap(), &name);
    }
}

#[test]
fn load_detects_json_and_text() {
    for name in example_names() {
        let (p, _) = example(&name);
        let text = std::fs::read_to_string(common::examples_dir().join(format!("{name}.cohort"))).unwrap();
        assert!(text.starts_with('#'), "{name}: the examples start with a comment");
        assert_same(&p, &CheckedProgram::load(&text).unwrap(), &format!("{name} as text"));
        assert_same(&p, &CheckedProgram::load(&p.to_json()).unwrap(), &format!("{name} as JSON"));
        assert_same(&p, &CheckedProgram::load(&format!("\n  \t{}", p.to_json())).unwrap(), &format!("{name} as indented JSON"));
    }
    // Errors come from the syntax `load` chose.
    let e = CheckedProgram::load("{\"name\": 1}").unwrap_err();
    assert!(e.message.starts_with("not a program in the JSON syntax"), "{}", e.message);
    let e = CheckedProgram::load("program \"t\"\n").unwrap_err();
    assert!(e.message.contains("how many parties"), "{}", e.message);
}

/// A program exercising every kind of statement.
const BASE: &str = r#"program "Layout"
parties 3 or more

role boss = party 0
type num = secint(32)
type fx = secfxp(32, 16)
input salary: num from each typed between 0 and 1000000
input bonus: num[2] from boss
input rate: fx from boss between -1.5 and 2.5
let total = sum(salary) + bonus[0] * 2
let w = [1, 2, 3]
for i in range(1, parties):
    total = total + salary[i] // 2
if parties > 3:
    total = total - 1
else:
    total = total + -w[0]
reveal total to all
reveal top = max(salary) to boss
reveal mine = salary - (bonus[1] - 1) to each
reveal scaled = rate * 3 to boss
"#;

/// `BASE` with other comments, blank lines, spacing, indentation, line
/// breaks inside brackets and redundant parentheses.
const RELAID: &str = "# A comment before the program.

program   \"Layout\"     # the name
parties 3    or   more


role boss=party 0
type num = secint( 32 )
type fx = secfxp(32)
input salary :num from each   typed between 0 and 1000000  # bounded
input bonus: num[ 2 ] from boss
input rate: fx from boss between - 1.5 and 2.5
let total = ((sum(salary)) + ((bonus[0]) * (2)))
let w = [1,
         2, 3,]
for i in range(1,parties):
  # a comment at another indentation
  total = (total + (salary[i] // 2))
if (parties > 3):
        total = total - 1

else:
   total = total + (-(w[0]))
reveal total to all
reveal top = max(
    salary) to boss
reveal mine = salary - (bonus[1] - 1) to each   # parentheses that matter
reveal scaled = (rate) * 3 to boss";

#[test]
fn layout_does_not_change_the_hash() {
    let base = parse(BASE);
    assert_eq!(base.canonical(), BASE, "the base is already canonical");
    assert_same(&base, &parse(RELAID), "relaid");
    assert_same(&base, &parse(&BASE.replace('\n', "\r\n")), "CRLF line ends");
    assert_same(&base, &parse(&BASE.replace("\n", "  # comment\n")), "a comment on every line");
    assert_same(&base, &parse(&BASE.replace("\n", "\n\n")), "blank lines");
    assert_same(&base, &parse(&BASE.replace("\n    ", "\n     ")), "five-space indentation");
}

#[test]
fn changes_of_meaning_change_the_hash() {
    let variants: &[(&str, &str, &str)] = &[
        ("a constant", "bonus[0] * 2", "bonus[0] * 3"),
        ("a constant's kind", "bonus[0] * 2", "bonus[0] * 2.0"),
        ("an operator", "sum(salary) + bonus", "sum(salary) - bonus"),
        ("another operator", "salary[i] // 2", "salary[i] % 2"),
        ("an input's type", "type num = secint(32)", "type num = secint(33)"),
        ("a fixed-point type", "secfxp(32, 16)", "secfxp(32, 15)"),
        ("an input's length", "input bonus: num[2]", "input bonus: num[3]"),
        ("an input's owner", "input rate: fx from boss", "input rate: fx from each"),
        ("a receiver", "max(salary) to boss", "max(salary) to all"),
        ("a receiver of a named reveal", "reveal total to all", "reveal total to boss"),
        ("the party range", "parties 3 or more", "parties 3 to 61"),
        ("the least party count", "parties 3 or more", "parties 4 or more"),
        ("the name", "program \"Layout\"", "program \"Layout 2\""),
        ("the name's case", "program \"Layout\"", "program \"layout\""),
        ("the typed flag", " typed between", " between"),
        ("a bound", "between 0 and 1000000", "between 0 and 999999"),
        ("a fractional bound", "between -1.5 and 2.5", "between -1.25 and 2.5"),
        ("no bounds", " between 0 and 1000000", ""),
        ("a role's party", "role boss = party 0", "role boss = party 1"),
        ("an output's name", "reveal top =", "reveal best ="),
        ("a loop bound", "range(1, parties)", "range(2, parties)"),
        ("an index", "bonus[1] - 1", "bonus[0] - 1"),
        ("the grouping", "salary - (bonus[1] - 1)", "salary - bonus[1] - 1"),
        ("an else branch", "total + -w[0]", "total + w[0]"),
        ("an if condition", "parties > 3", "parties >= 3"),
        ("a list", "[1, 2, 3]", "[1, 2, 4]"),
        (
            "the order of reveals",
            "reveal total to all\nreveal top = max(salary) to boss",
            "reveal top = max(salary) to boss\nreveal total to all",
        ),
    ];
    let base = parse(BASE);
    let mut hashes = BTreeMap::new();
    hashes.insert(base.hash_hex(), "the base");
    for (what, from, to) in variants {
        assert!(BASE.contains(from), "{what}: {from:?} is in the base");
        let p = parse(&BASE.replacen(from, to, 1));
        assert_ne!(p.canonical(), base.canonical(), "{what}");
        if let Some(other) = hashes.insert(p.hash_hex(), what) {
            panic!("{what} has the same hash as {other}");
        }
    }
    assert_eq!(hashes.len(), variants.len() + 1);
}

/// A one-input program revealing `value` (an expression in the JSON syntax).
fn json_program(value: Json) -> String {
    json!({
        "name": "t",
        "parties": {"min": 3, "max": 3},
        "body": [
            {"input": {"name": "x", "ty": {"secint": {"bits": 32}}, "len": null, "from": "each", "typed": false, "bounds": null}},
            {"reveal": {"name": "y", "value": value, "to": "all"}}
        ]
    })
    .to_string()
}

fn x_plus(right: Json) -> Json {
    json!({"binary": {"op": "add", "left": {"name": "x"}, "right": right}})
}

#[track_caller]
fn json_error(json: &str) -> String {
    match CheckedProgram::from_json(json) {
        Ok(p) => panic!("expected an error, but this checks:\n{}", p.canonical()),
        Err(e) => {
            assert_eq!(e.span.line, 0, "JSON errors are about no particular place of the JSON: {e}");
            e.message
        }
    }
}

#[test]
fn json_written_by_hand_is_the_same_as_text() {
    let p = CheckedProgram::from_json(&json_program(x_plus(json!({"number": {"int": 5}})))).unwrap();
    assert_same(&p, &parse("program \"t\"\nparties 3\n\ninput x: secint(32) from each\nreveal y = x + 5 to all\n"), "x + 5");
    // Fields that are absent default to none; a negative number is the negation of a positive one.
    let src = r#"{"name": "t", "parties": {"min": 3}, "body": [
        {"input": {"name": "x", "ty": {"secint": {"bits": 32}}, "from": "each", "typed": false}},
        {"reveal": {"name": "y", "value": {"binary": {"op": "add", "left": {"name": "x"},
            "right": {"unary": {"op": "neg", "operand": {"number": {"int": 5}}}}}}, "to": "all"}}]}"#;
    let p = CheckedProgram::from_json(src).unwrap();
    assert!(p.canonical().ends_with("\nreveal y = x + -5 to all\n"), "{}", p.canonical());
    assert_eq!(p.parties(), 3..=cohort_mpc::MAX_PARTIES);
    // A name with a quote and non-ASCII characters is fine.
    let named = json_program(x_plus(json!({"number": {"int": 1}}))).replace("\"name\":\"t\"", r#""name":"Bob's \"fair\" auction – ü""#);
    let p = CheckedProgram::from_json(&named).unwrap();
    assert!(p.canonical().starts_with("program \"Bob's \\\"fair\\\" auction – ü\"\n"), "{}", p.canonical());
    assert_same(&p, &parse(p.canonical()), "quoted name");
}

#[test]
fn json_that_text_cannot_express_is_rejected() {
    let cannot = "the JSON program cannot be written as text";
    // A negative literal prints as `-5`, which the text syntax reads as the negation of 5.
    let m = json_error(&json_program(x_plus(json!({"number": {"int": -5}}))));
    assert!(m.contains(cannot) && m.contains("write negative numbers as a `neg` of a positive number"), "{m}");
    let m = json_error(&json_program(x_plus(json!({"number": {"float": -0.5}}))));
    assert!(m.contains(cannot), "{m}");
    // A literal too large for the text syntax (beyond 2^53 an integer is a string of digits).
    let m = json_error(&json_program(x_plus(json!({"number": {"int": i128::MIN.to_string()}}))));
    assert!(m.contains(cannot), "{m}");
    // Names that are keywords or not names at all.
    let m = json_error(&json_program(json!({"name": "for"})).replace("\"name\":\"x\"", "\"name\":\"for\""));
    assert!(m.contains(cannot) && m.contains("`for` is a keyword"), "{m}");
    for bad in ["a b", "", "1x", "x-y", "ü"] {
        let json = json_program(json!({"name": bad})).replace("\"name\":\"x\"", &format!("\"name\":{}", json!(bad)));
        let m = json_error(&json);
        assert!(m.contains(cannot), "{bad:?}: {m}");
    }
    let m = json_error(&json_program(json!({"call": {"func": "not", "args": [{"name": "x"}]}})));
    assert!(m.contains(cannot), "{m}");
    // A program name across lines.
    let m = json_error(&json_program(json!({"name": "x"})).replace("\"name\":\"t\"", "\"name\":\"two\\nlines\""));
    assert!(m.contains(cannot) && m.contains("not closed on its line"), "{m}");
    // Reveals inside blocks, receivers that are no one, a modulus beyond the text's integers.
    let in_loop = json!({"name": "t", "parties": {"min": 3, "max": 3}, "body": [
        {"for": {"var": "i", "start": null, "end": {"number": {"int": 2}}, "body": [
            {"reveal": {"name": "y", "value": {"number": {"int": 1}}, "to": "all"}}]}}]});
    let m = json_error(&in_loop.to_string());
    assert!(m.contains(cannot) && m.contains("reveals belong at the top level"), "{m}");
    let empty_loop = json!({"name": "t", "parties": {"min": 3, "max": 3}, "body": [
        {"for": {"var": "i", "start": null, "end": {"number": {"int": 2}}, "body": []}}]});
    assert!(json_error(&empty_loop.to_string()).contains(cannot));
    let no_one = json_program(json!({"name": "x"})).replace("\"to\":\"all\"", "\"to\":{\"roles\":[]}");
    assert!(json_error(&no_one).contains(cannot));
    let modulus = json_program(json!({"name": "x"}))
        .replace("{\"secint\":{\"bits\":32}}", &format!("{{\"secfld\":{{\"modulus\":\"{}\"}}}}", u128::MAX));
    assert!(json_error(&modulus).contains(cannot));
}

#[test]
fn json_that_is_not_a_program_is_rejected() {
    let not = "not a program in the JSON syntax";
    for json in [
        "",
        "{",
        "[]",
        "{}",
        "{\"name\": \"t\"}",
        "{\"name\": \"t\", \"parties\": {\"min\": -1}, \"body\": []}",
        "{\"name\": \"t\", \"parties\": {\"min\": 3}, \"body\": [], \"extra\": 1}",
        "{\"name\": \"t\", \"parties\": {\"min\": 3}, \"body\": [{\"goto\": 1}]}",
    ] {
        let m = json_error(json);
        assert!(m.starts_with(not), "{json:?}: {m}");
    }
    // Nesting beyond serde_json's recursion limit is an error, not a stack overflow.
    let mut text = String::new();
    for _ in 0..500 {
        text.push_str("{\"unary\": {\"op\": \"neg\", \"operand\": ");
    }
    text.push_str("{\"number\": {\"int\": 1}}");
    text.push_str(&"}}".repeat(500));
    let m = json_error(&json_program(json!("HOLE")).replace("\"HOLE\"", &text));
    assert!(m.starts_with(not) && m.contains("recursion limit"), "{m}");
    // Within serde_json's limit, nesting is fine.
    let mut value = json!({"name": "x"});
    for _ in 0..40 {
        value = json!({"unary": {"op": "neg", "operand": value}});
    }
    let p = CheckedProgram::from_json(&json_program(value)).unwrap();
    assert!(p.canonical().contains(&format!("reveal y = {}x to all", "-".repeat(40))), "{}", p.canonical());
    // `x + x * (x + x * (…))` costs the text parser three levels per two operators
    // and the JSON four: 50 operators pass serde_json but not the text parser.
    let mut value = json!({"name": "x"});
    for k in 0..50 {
        value = json!({"binary": {"op": if k % 2 == 0 { "add" } else { "mul" }, "left": {"name": "x"}, "right": value}});
    }
    let m = json_error(&json_program(value));
    assert!(m.contains("cannot be written as text") && m.contains("nested more than 64 levels deep"), "{m}");
    // Party counts the engine does not allow.
    for (min, max) in [(0, Json::Null), (5, json!(3)), (3, json!(63))] {
        let json = json!({"name": "t", "parties": {"min": min, "max": max}, "body": []}).to_string();
        let e = CheckedProgram::from_json(&json).unwrap_err();
        assert!(e.message.contains("the number of parties must be between 1 and 62"), "{min}..{max}: {}", e.message);
        assert_eq!(e.span.line, 2, "the parties line of the canonical text");
    }
    // Too long.
    let long = format!("{}{}", json_program(json!({"name": "x"})), " ".repeat(cohort_program::MAX_SOURCE_LEN));
    assert!(json_error(&long).contains("the limit is 1048576"));
}

/// Public values and a secret vector for the generated expressions to use.
const DECLARATIONS: &str = "program \"fixpoint\"
parties 3

input s: secint(32) from each
let a = 3
let b = -2
let v = [1, 2, 3]
let w = [4, 5, 6]
";

/// Expressions over the declarations: numbers, names, operators, calls,
/// indexing and lists, fully or partly parenthesised.
fn expression() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        4 => (0u32..20).prop_map(|n| n.to_string()),
        1 => prop::sample::select(vec!["1.5", "0.25", "170141183460469231731687303715884105727"]).prop_map(str::to_string),
        4 => prop::sample::select(vec!["a", "b", "v", "w", "s", "parties"]).prop_map(str::to_string),
        2 => (prop::sample::select(vec!["v", "w", "s"]), -4i32..4).prop_map(|(n, i)| format!("{n}[{i}]")),
    ];
    let ops = vec!["+", "-", "*", "//", "%", "<", "==", "and", "or"];
    leaf.prop_recursive(5, 48, 3, move |inner| {
        prop_oneof![
            4 => (inner.clone(), prop::sample::select(ops.clone()), inner.clone(), any::<bool>())
                .prop_map(|(l, op, r, paren)| if paren { format!("({l} {op} {r})") } else { format!("{l} {op} {r}") }),
            1 => inner.clone().prop_map(|e| format!("not {e}")),
            1 => inner.clone().prop_map(|e| format!("-{e}")),
            2 => (prop::sample::select(vec!["sum", "min", "max"]), inner.clone()).prop_map(|(f, e)| format!("{f}({e})")),
            1 => (prop::sample::select(vec!["min", "max"]), inner.clone(), inner.clone()).prop_map(|(f, a, b)| format!("{f}({a}, {b})")),
            1 => (inner.clone(), -3i32..3).prop_map(|(e, i)| format!("({e})[{i}]")),
            1 => (inner.clone(), inner.clone(), inner.clone()).prop_map(|(a, b, c)| format!("[{a}, {b}, {c}]")),
            1 => inner.prop_map(|e| format!("({e})")),
        ]
    })
}

#[test]
fn printing_random_expressions_is_a_fixpoint() {
    // `PROPTEST_CASES` runs more cases.
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(1500u32);
    let mut runner = TestRunner::new(Config { cases, failure_persistence: None, ..Config::default() });
    let checked = Cell::new(0usize);
    runner
        .run(&expression(), |e| {
            let src = format!("{DECLARATIONS}let e = {e}\nreveal r = sum(s) to all\n");
            // Any outcome but a panic is fine for a program that does not check …
            let Ok(p) = CheckedProgram::parse(&src) else { return Ok(()) };
            checked.set(checked.get() + 1);
            // … one that does prints to text that parses back to itself.
            let again = CheckedProgram::parse(p.canonical()).map_err(|err| TestCaseError::fail(format!("{err}\n{}", p.canonical())))?;
            prop_assert_eq!(again.canonical(), p.canonical());
            prop_assert_eq!(again.hash(), p.hash());
            let json = CheckedProgram::from_json(&p.to_json()).map_err(|err| TestCaseError::fail(err.to_string()))?;
            prop_assert_eq!(json.hash(), p.hash());
            // Parentheses around the whole expression change nothing.
            let wrapped = CheckedProgram::parse(&src.replace(&format!("let e = {e}\n"), &format!("let e = ({e})\n")))
                .map_err(|err| TestCaseError::fail(err.to_string()))?;
            prop_assert_eq!(wrapped.hash(), p.hash());
            Ok(())
        })
        .unwrap();
    assert!(checked.get() >= cases as usize / 5, "only {} of {cases} generated programs checked", checked.get());
}
