//! The JSON form of programs (`to_json`, `from_json`): every example goes
//! round trip and keeps the JSON the serde-derived code wrote (serde_json's
//! pretty layout, fields in declaration order); integers beyond 2^53 − 1 are
//! strings of digits, since JavaScript's numbers are exact only that far;
//! and JSON that is not a program is refused with an error naming the place
//! in the tree, never a panic or a stack overflow.

use crate::common;

use cohort_program::{CheckedProgram, ExprKind, Number, StmtKind, TypeExpr};
use common::{example, example_names};
use serde_json::{Value as Json, json};

#[track_caller]
fn parse(src: &str) -> CheckedProgram {
    CheckedProgram::parse(src).unwrap_or_else(|e| panic!("{e}\n{src}"))
}

#[track_caller]
fn from_json(json: &str) -> CheckedProgram {
    CheckedProgram::from_json(json).unwrap_or_else(|e| panic!("{e}\n{json}"))
}

/// `json` without the whitespace between its tokens.
fn compact(json: &str) -> String {
    let (mut out, mut in_string, mut escaped) = (String::new(), false, false);
    for c in json.chars() {
        if in_string {
            (escaped, in_string) = (c == '\\' && !escaped, c != '"' || escaped);
        } else if c.is_whitespace() {
            continue;
        } else {
            in_string = c == '"';
        }
        out.push(c);
    }
    out
}

#[test]
fn every_example_goes_round_trip() {
    for name in example_names() {
        let (p, _) = example(&name);
        let json = p.to_json();
        let back = from_json(&json);
        assert_eq!(back.ast(), p.ast(), "{name}: tree");
        assert_eq!(back.canonical(), p.canonical(), "{name}: canonical text");
        assert_eq!(back.hash(), p.hash(), "{name}: hash");
        assert_eq!(back.to_json(), json, "{name}: the same JSON, byte for byte");
    }
}

/// The JSON was serde_json's pretty printer over the derived `Serialize`;
/// serde_json (with `preserve_order`, as a dev-dependency) lays out any JSON
/// it reads the same way, escapes included.
#[test]
fn every_example_keeps_serde_jsons_layout() {
    let mut programs: Vec<(String, CheckedProgram)> = example_names().into_iter().map(|n| (n.clone(), example(&n).0)).collect();
    programs.push(("all nodes".into(), parse(ALL_NODES)));
    programs.push((
        "quotes".into(),
        parse("program \"Bob's \\\"fair\\\" auction – ü\"\nparties 3\n\ninput x: secint(32) from each\nreveal x to all\n"),
    ));
    for (name, p) in programs {
        let json = p.to_json();
        let value: Json = serde_json::from_str(&json).unwrap();
        assert_eq!(json, serde_json::to_string_pretty(&value).unwrap(), "{name}");
    }
}

/// A program with every kind of statement, expression, type, number,
/// source and receiver.
const ALL_NODES: &str = r#"program "All nodes"
parties 2 to 5

role boss = party 0
role clerk = party 1
type num = secint(32)
type fx = secfxp(32, 16)
type f = secfld(170141183460469231731687303715884105727)
input salary: num from each typed between 0 and 1000000
input bonus: num[4] from boss
input rate: fx from clerk between -1.5 and 2.5
input g: f from boss
let w = [1, 2.5, 9007199254740991, 9007199254740992]
let s = bonus[1:3] + bonus[:2]
let t = bonus[1:]
let u = bonus[:]
let c = [bonus[i] * 2 for i in range(3)]
let d = [bonus[i] for i in range(1, 3)]
let total = sum(salary)
let a = (7 // 2 % 3 << 1 >> 1) / 2
let b = 1 < 2 and 3 > 2 or not 4 >= 5 and 1 <= 2 and 3 == 3 and 4 != 4
for i in range(1, parties):
    total = total - salary[i]
for j in range(2):
    total = total * 1
if parties > 3:
    total = total + -w[0]
else:
    total = total + 1
reveal total to all
reveal top = max(salary) to boss, clerk
reveal mine = salary to each
reveal gg = g * g to boss
"#;

/// `ALL_NODES` as the serde-derived code wrote it (compacted), but for the
/// modulus and `9007199254740992`, which it wrote as bare numbers.
const ALL_NODES_JSON: &str = concat!(
    r#"{"name":"All nodes","parties":{"min":2,"max":5},"body":["#,
    r#"{"role":{"name":"boss","party":0}},"#,
    r#"{"role":{"name":"clerk","party":1}},"#,
    r#"{"type":{"name":"num","ty":{"secint":{"bits":32}}}},"#,
    r#"{"type":{"name":"fx","ty":{"secfxp":{"bits":32,"frac":16}}}},"#,
    r#"{"type":{"name":"f","ty":{"secfld":{"modulus":"170141183460469231731687303715884105727"}}}},"#,
    r#"{"input":{"name":"salary","ty":{"named":"num"},"len":null,"from":"each","typed":true,"bounds":{"min":{"int":0},"max":{"int":1000000}}}},"#,
    r#"{"input":{"name":"bonus","ty":{"named":"num"},"len":4,"from":{"role":"boss"},"typed":false,"bounds":null}},"#,
    r#"{"input":{"name":"rate","ty":{"named":"fx"},"len":null,"from":{"role":"clerk"},"typed":false,"bounds":{"min":{"float":-1.5},"max":{"float":2.5}}}},"#,
    r#"{"input":{"name":"g","ty":{"named":"f"},"len":null,"from":{"role":"boss"},"typed":false,"bounds":null}},"#,
    r#"{"let":{"name":"w","value":{"list":[{"number":{"int":1}},{"number":{"float":2.5}},{"number":{"int":9007199254740991}},{"number":{"int":"9007199254740992"}}]}}},"#,
    r#"{"let":{"name":"s","value":{"binary":{"op":"add","left":{"slice":{"base":{"name":"bonus"},"start":{"number":{"int":1}},"end":{"number":{"int":3}}}},"right":{"slice":{"base":{"name":"bonus"},"start":null,"end":{"number":{"int":2}}}}}}}},"#,
    r#"{"let":{"name":"t","value":{"slice":{"base":{"name":"bonus"},"start":{"number":{"int":1}},"end":null}}}},"#,
    r#"{"let":{"name":"u","value":{"slice":{"base":{"name":"bonus"},"start":null,"end":null}}}},"#,
    r#"{"let":{"name":"c","value":{"comprehension":{"element":{"binary":{"op":"mul","left":{"index":{"base":{"name":"bonus"},"index":{"name":"i"}}},"right":{"number":{"int":2}}}},"var":"i","start":null,"end":{"number":{"int":3}}}}}},"#,
    r#"{"let":{"name":"d","value":{"comprehension":{"element":{"index":{"base":{"name":"bonus"},"index":{"name":"i"}}},"var":"i","start":{"number":{"int":1}},"end":{"number":{"int":3}}}}}},"#,
    r#"{"let":{"name":"total","value":{"call":{"func":"sum","args":[{"name":"salary"}]}}}},"#,
    r#"{"let":{"name":"a","value":{"binary":{"op":"div","left":{"binary":{"op":"shr","left":{"binary":{"op":"shl","left":{"binary":{"op":"mod","left":{"binary":{"op":"floor_div","left":{"number":{"int":7}},"right":{"number":{"int":2}}}},"right":{"number":{"int":3}}}},"right":{"number":{"int":1}}}},"right":{"number":{"int":1}}}},"right":{"number":{"int":2}}}}}},"#,
    r#"{"let":{"name":"b","value":{"binary":{"op":"or","left":{"binary":{"op":"and","left":{"binary":{"op":"lt","left":{"number":{"int":1}},"right":{"number":{"int":2}}}},"right":{"binary":{"op":"gt","left":{"number":{"int":3}},"right":{"number":{"int":2}}}}}},"right":{"binary":{"op":"and","left":{"binary":{"op":"and","left":{"binary":{"op":"and","left":{"unary":{"op":"not","operand":{"binary":{"op":"ge","left":{"number":{"int":4}},"right":{"number":{"int":5}}}}}},"right":{"binary":{"op":"le","left":{"number":{"int":1}},"right":{"number":{"int":2}}}}}},"right":{"binary":{"op":"eq","left":{"number":{"int":3}},"right":{"number":{"int":3}}}}}},"right":{"binary":{"op":"ne","left":{"number":{"int":4}},"right":{"number":{"int":4}}}}}}}}}},"#,
    r#"{"for":{"var":"i","start":{"number":{"int":1}},"end":{"name":"parties"},"body":[{"assign":{"name":"total","value":{"binary":{"op":"sub","left":{"name":"total"},"right":{"index":{"base":{"name":"salary"},"index":{"name":"i"}}}}}}}]}},"#,
    r#"{"for":{"var":"j","start":null,"end":{"number":{"int":2}},"body":[{"assign":{"name":"total","value":{"binary":{"op":"mul","left":{"name":"total"},"right":{"number":{"int":1}}}}}}]}},"#,
    r#"{"if":{"cond":{"binary":{"op":"gt","left":{"name":"parties"},"right":{"number":{"int":3}}}},"then":[{"assign":{"name":"total","value":{"binary":{"op":"add","left":{"name":"total"},"right":{"unary":{"op":"neg","operand":{"index":{"base":{"name":"w"},"index":{"number":{"int":0}}}}}}}}}}],"otherwise":[{"assign":{"name":"total","value":{"binary":{"op":"add","left":{"name":"total"},"right":{"number":{"int":1}}}}}}]}},"#,
    r#"{"reveal":{"name":"total","value":null,"to":"all"}},"#,
    r#"{"reveal":{"name":"top","value":{"call":{"func":"max","args":[{"name":"salary"}]}},"to":{"roles":["boss","clerk"]}}},"#,
    r#"{"reveal":{"name":"mine","value":{"name":"salary"},"to":"each"}},"#,
    r#"{"reveal":{"name":"gg","value":{"binary":{"op":"mul","left":{"name":"g"},"right":{"name":"g"}}},"to":{"roles":["boss"]}}}"#,
    r#"]}"#,
);
#[test]
fn the_json_of_every_kind_of_node_is_as_before() {
    let p = parse(ALL_NODES);
    assert_eq!(compact(&p.to_json()), ALL_NODES_JSON);
    assert_eq!(from_json(ALL_NODES_JSON).ast(), p.ast());
}

#[test]
fn the_layout_is_as_before() {
    let p = parse(
        "program \"t\"\nparties 3 or more\n\ninput x: secint(32) from each\nlet y = x\nif parties > 3:\n    y = y + 1\nreveal y to all\n",
    );
    assert_eq!(p.to_json(), SMALL_JSON);
}

const SMALL_JSON: &str = r#"{
  "name": "t",
  "parties": {
    "min": 3,
    "max": null
  },
  "body": [
    {
      "input": {
        "name": "x",
        "ty": {
          "secint": {
            "bits": 32
          }
        },
        "len": null,
        "from": "each",
        "typed": false,
        "bounds": null
      }
    },
    {
      "let": {
        "name": "y",
        "value": {
          "name": "x"
        }
      }
    },
    {
      "if": {
        "cond": {
          "binary": {
            "op": "gt",
            "left": {
              "name": "parties"
            },
            "right": {
              "number": {
                "int": 3
              }
            }
          }
        },
        "then": [
          {
            "assign": {
              "name": "y",
              "value": {
                "binary": {
                  "op": "add",
                  "left": {
                    "name": "y"
                  },
                  "right": {
                    "number": {
                      "int": 1
                    }
                  }
                }
              }
            }
          }
        ],
        "otherwise": []
      }
    },
    {
      "reveal": {
        "name": "y",
        "value": null,
        "to": "all"
      }
    }
  ]
}"#;

#[test]
fn integers_beyond_2_to_the_53_are_strings_of_digits() {
    let src = "program \"big\"\nparties 3\n\ntype f = secfld(170141183460469231731687303715884105727)\n\
               input x: secint(64) from each between -9007199254740992 and 9007199254740991\n\
               input y: secint(64) from each between -9007199254740991 and 9007199254740992\n\
               input z: f from each\n\
               let a = 9007199254740991\nlet b = 9007199254740992\nlet c = 170141183460469231731687303715884105727\n\
               reveal s = sum(x) + sum(y) to all\nreveal t = sum(z) to all\n";
    let p = parse(src);
    let json = p.to_json();
    let v: Json = serde_json::from_str(&json).unwrap();
    let body = &v["body"];
    // The largest secfld modulus the engine allows (2^127 − 1, a prime below 2^127).
    assert_eq!(body[0]["type"]["ty"]["secfld"]["modulus"], json!("170141183460469231731687303715884105727"));
    assert_eq!(body[1]["input"]["bounds"], json!({"min": {"int": "-9007199254740992"}, "max": {"int": 9007199254740991_u64}}));
    assert_eq!(body[2]["input"]["bounds"], json!({"min": {"int": -9007199254740991_i64}, "max": {"int": "9007199254740992"}}));
    assert_eq!(body[4]["let"]["value"], json!({"number": {"int": 9007199254740991_u64}}));
    assert_eq!(body[5]["let"]["value"], json!({"number": {"int": "9007199254740992"}}));
    assert_eq!(body[6]["let"]["value"], json!({"number": {"int": "170141183460469231731687303715884105727"}}));
    let back = from_json(&json);
    assert_eq!(back.ast(), p.ast());
    assert_eq!(back.to_json(), json);
    match &back.ast().body[0].kind {
        StmtKind::Type { ty: TypeExpr::Secfld { modulus }, .. } => assert_eq!(*modulus, (1 << 127) - 1),
        other => panic!("{other:?}"),
    }
    // Compact JSON too.
    assert_eq!(from_json(&v.to_string()).ast(), p.ast());
}

/// The value of `let b = …` in a program, read from JSON.
fn let_b(int: &str) -> Result<Number, String> {
    let json = json!({"name": "t", "parties": {"min": 3, "max": 3}, "body": [
        {"input": {"name": "x", "ty": {"secint": {"bits": 64}}, "len": null, "from": "each", "typed": false, "bounds": null}},
        {"let": {"name": "b", "value": {"number": {"int": "HOLE"}}}},
        {"reveal": {"name": "x", "value": null, "to": "all"}}]})
    .to_string()
    .replace("\"HOLE\"", int);
    let p = CheckedProgram::from_json(&json).map_err(|e| e.message)?;
    match &p.ast().body[1].kind {
        StmtKind::Let { value, .. } => match value.kind {
            ExprKind::Number(n) => Ok(n),
            ref other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
}

#[test]
fn integers_read_as_numbers_within_64_bits_or_as_strings() {
    // Numbers serde_json holds exactly: anything within u64 (and i64).
    assert_eq!(let_b("5"), Ok(Number::Int(5)));
    assert_eq!(let_b("18446744073709551615"), Ok(Number::Int(u64::MAX.into())));
    assert_eq!(let_b("9007199254740993"), Ok(Number::Int((1 << 53) + 1)));
    // Strings of digits, short or long.
    assert_eq!(let_b("\"5\""), Ok(Number::Int(5)));
    assert_eq!(let_b("\"0\""), Ok(Number::Int(0)));
    assert_eq!(let_b("\"170141183460469231731687303715884105727\""), Ok(Number::Int(i128::MAX)));
    // A string is written back as a number when it is small.
    let p = parse("program \"t\"\nparties 3\n\ninput x: secint(64) from each\nlet b = 5\nreveal x to all\n");
    assert_eq!(from_json(&p.to_json().replace("\"int\": 5", "\"int\": \"5\"")).to_json(), p.to_json());
    // Negative numbers within i64 read (as bounds, where the text has them).
    let p = parse("program \"t\"\nparties 3\n\ninput x: secint(64) from each between -9223372036854775808 and 0\nreveal x to all\n");
    assert!(p.to_json().contains("\"-9223372036854775808\""), "{}", p.to_json());
    let as_number = p.to_json().replace("\"-9223372036854775808\"", "-9223372036854775808");
    assert_eq!(from_json(&as_number).ast(), p.ast());

    let path = "not a program in the JSON syntax: body[1].let.value.number.int: ";
    // Floats and numbers beyond u64 (which serde_json holds as floats) are refused.
    for float in ["5.0", "1e3", "-0.5", "18446744073709551616", "170141183460469231731687303715884105727", "-9223372036854775809"] {
        let m = let_b(float).unwrap_err();
        assert!(
            m.starts_with(path) && m.contains("expected an integer") && m.contains("as a string of its decimal digits"),
            "{float}: {m}"
        );
    }
    for bad in [
        "\"\"",
        "\"-\"",
        "\"+5\"",
        "\"05\"",
        "\"-0\"",
        "\"00\"",
        "\" 5\"",
        "\"5 \"",
        "\"1_000\"",
        "\"1e3\"",
        "\"5.0\"",
        "\"12a\"",
        "\"١٢\"",
        "\"--5\"",
    ] {
        let m = let_b(bad).unwrap_err();
        assert!(m.starts_with(path) && m.contains("expected a string of decimal digits"), "{bad}: {m}");
    }
    let m = let_b(&format!("\"{}\"", "9".repeat(40))).unwrap_err();
    assert!(m.starts_with(path) && m.contains("is too large"), "{m}");
    let m = let_b(&format!("\"{}\"", "9".repeat(100_000))).unwrap_err();
    assert!(m.starts_with(path) && m.contains("is too large") && m.contains("(100000 digits)") && m.len() < 300, "{m}");
    let m = let_b("\"170141183460469231731687303715884105728\"").unwrap_err();
    assert!(m.starts_with(path) && m.contains("out of range"), "{m}");
    for other in ["null", "true", "[5]", "{\"int\": 5}"] {
        let m = let_b(other).unwrap_err();
        assert!(m.starts_with(path) && m.contains("expected an integer (a number, or a string of digits)"), "{other}: {m}");
    }
    // i128::MIN reads, but the text syntax cannot write it (it has no negative literals).
    let m = let_b("\"-170141183460469231731687303715884105728\"").unwrap_err();
    assert!(m.contains("cannot be written as text"), "{m}");
}

/// A small program for the errors below.
fn program() -> Json {
    json!({
        "name": "t",
        "parties": {"min": 3, "max": 3},
        "body": [
            {"input": {"name": "x", "ty": {"secint": {"bits": 32}}, "len": null, "from": "each", "typed": false,
                       "bounds": {"min": {"int": 0}, "max": {"int": 100}}}},
            {"let": {"name": "y", "value": {"binary": {"op": "add", "left": {"name": "x"}, "right": {"number": {"int": 5}}}}}},
            {"reveal": {"name": "y", "value": null, "to": "all"}}
        ]
    })
}

/// `program()` with the value at `pointer` set (or removed, for `None`).
fn with(pointer: &str, value: Option<Json>) -> String {
    let mut p = program();
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    let parent = p.pointer_mut(parent).unwrap_or_else(|| panic!("{pointer}"));
    match (parent, value) {
        (Json::Array(items), Some(v)) => items[key.parse::<usize>().unwrap()] = v,
        (Json::Object(fields), Some(v)) => drop(fields.insert(key.to_string(), v)),
        (Json::Object(fields), None) => drop(fields.remove(key).unwrap_or_else(|| panic!("{pointer}"))),
        _ => panic!("{pointer}"),
    }
    p.to_string()
}

#[track_caller]
fn refused(json: &str, at: &str, what: &str) -> String {
    let e = CheckedProgram::from_json(json).map(|p| p.canonical().to_string()).unwrap_err();
    let prefix =
        if at.is_empty() { "not a program in the JSON syntax: ".to_string() } else { format!("not a program in the JSON syntax: {at}: ") };
    assert!(e.message.starts_with(&prefix) && e.message.contains(what), "expected {prefix}…{what}…, got: {}", e.message);
    assert_eq!(e.span.line, 0, "{e}");
    e.message
}

#[test]
fn the_base_program_reads() {
    from_json(&program().to_string());
}

#[test]
fn unknown_and_missing_fields_are_refused() {
    refused(&with("/extra", Some(json!(1))), "", "unknown field `extra`, expected one of `name`, `parties`, `body`");
    refused(&with("/body/1/let/foo", Some(json!(1))), "body[1].let", "unknown field `foo`, expected one of `name`, `value`");
    refused(&with("/body/1/let/value/binary/foo", Some(json!(1))), "body[1].let.value.binary", "unknown field `foo`");
    refused(&with("/body/0/input/bounds/min/int", Some(json!({"x": 1}))), "body[0].input.bounds.min.int", "expected an integer");
    refused(&with("/parties/most", Some(json!(3))), "parties", "unknown field `most`, expected one of `min`, `max`");
    refused(&with("/name", None), "", "missing field `name`");
    refused(&with("/body/0/input/typed", None), "body[0].input", "missing field `typed`");
    refused(&with("/body/1/let/value/binary/right", None), "body[1].let.value.binary", "missing field `right`");
    refused(&with("/body/0/input/ty/secint/bits", None), "body[0].input.ty.secint", "missing field `bits`");
    // A field name that could disguise the message is named, not shown.
    let m = refused(
        &with("/body/1/let/fo\u{202e}o", Some(json!(1))),
        "body[1].let",
        "unknown field a name containing U+202E RIGHT-TO-LEFT OVERRIDE",
    );
    assert!(!m.contains('\u{202e}'));
    refused(&with(&format!("/body/1/let/{}", "k".repeat(100)), Some(json!(1))), "body[1].let", "unknown field a name of 100 characters");
}

#[test]
fn absent_optional_fields_are_none() {
    for pointer in ["/parties/max", "/body/0/input/len", "/body/0/input/bounds", "/body/2/reveal/value"] {
        let absent = CheckedProgram::from_json(&with(pointer, None)).unwrap_or_else(|e| panic!("{pointer}: {e}"));
        let null = CheckedProgram::from_json(&with(pointer, Some(Json::Null))).unwrap_or_else(|e| panic!("{pointer}: {e}"));
        assert_eq!(absent.ast(), null.ast(), "{pointer}");
    }
}

#[test]
fn enums_take_one_variant_they_know() {
    let right = "body[1].let.value.binary.right";
    refused(
        &with("/body/1/let/value/binary/right", Some(json!({"name": "x", "number": {"int": 5}}))),
        right,
        "expected an object with one key, the kind (one of `number`, `name`, `unary`, `binary`, `call`, `index`, `slice`, `list`, `comprehension`, `keyword`), found 2 keys",
    );
    refused(&with("/body/1/let/value/binary/right", Some(json!({}))), right, "found an empty object");
    refused(
        &with("/body/1/let/value/binary/right", Some(json!({"nmae": "x"}))),
        right,
        "unknown variant `nmae`, expected one of `number`, `name`, `unary`",
    );
    refused(
        &with("/body/1/let/value/binary/right", Some(json!(5))),
        right,
        "expected one of `number`, `name`, `unary`, `binary`, `call`, `index`, `slice`, `list`, `comprehension`, `keyword`, found the number 5",
    );
    refused(&with("/body/1/let/value/binary/right", Some(json!("name"))), right, "`name` takes a value");
    refused(
        &with("/body/1", Some(json!({"goto": 1}))),
        "body[1]",
        "unknown variant `goto`, expected one of `role`, `type`, `input`, `let`, `assign`, `for`, `if`, `reveal`",
    );
    refused(&with("/body/1", Some(json!("let"))), "body[1]", "`let` takes a value");
    refused(
        &with("/body/1/let/value/binary/op", Some(json!("pow"))),
        "body[1].let.value.binary.op",
        "unknown variant `pow`, expected one of `add`, `sub`",
    );
    refused(&with("/body/1/let/value/binary/op", Some(json!({"add": null}))), "body[1].let.value.binary.op", "expected one of `add`");
    refused(
        &with("/body/0/input/ty", Some(json!({"secint": 32}))),
        "body[0].input.ty.secint",
        "expected an object with the fields `bits`, found the number 32",
    );
    refused(
        &with("/body/0/input/bounds/min", Some(json!({"integer": 0}))),
        "body[0].input.bounds.min",
        "unknown variant `integer`, expected one of `int`, `float`",
    );
    // Variants without a value are strings; the others are not.
    refused(&with("/body/0/input/from", Some(json!({"each": null}))), "body[0].input.from.each", "`each` takes no value: write \"each\"");
    refused(&with("/body/0/input/from", Some(json!("role"))), "body[0].input.from", "`role` takes a value");
    refused(&with("/body/2/reveal/to", Some(json!("roles"))), "body[2].reveal.to", "`roles` takes a value");
    refused(&with("/body/2/reveal/to", Some(json!({"all": []}))), "body[2].reveal.to.all", "`all` takes no value");
    refused(
        &with("/body/2/reveal/to", Some(json!("everyone"))),
        "body[2].reveal.to",
        "unknown variant `everyone`, expected one of `all`, `each`, `roles`",
    );
    refused(&with("/body/2/reveal/to", Some(json!({"roles": "boss"}))), "body[2].reveal.to.roles", "expected an array, found a string");
}

#[test]
fn values_of_the_wrong_type_are_refused() {
    refused(&with("/name", Some(json!(1))), "name", "expected a string, found the number 1");
    refused(&with("/parties/min", Some(json!(-1))), "parties.min", "expected a whole number from 0 to 4294967295, found the number -1");
    refused(&with("/parties/min", Some(json!(3.0))), "parties.min", "found the number 3.0");
    refused(&with("/parties/min", Some(json!(4294967296_u64))), "parties.min", "found the number 4294967296");
    refused(&with("/parties/min", Some(json!("3"))), "parties.min", "found a string");
    refused(&with("/parties", Some(json!([3, 3]))), "parties", "expected an object with the fields `min`, `max`, found an array");
    refused(&with("/body", Some(json!({}))), "body", "expected an array, found an object");
    refused(&with("/body/0/input/typed", Some(json!("yes"))), "body[0].input.typed", "expected `true` or `false`, found a string");
    refused(&with("/body/0/input/len", Some(json!(true))), "body[0].input.len", "found `true`");
    refused(
        &with("/body/1/let/value/binary/left/name", Some(json!(null))),
        "body[1].let.value.binary.left.name",
        "expected a string, found null",
    );
    refused(
        &with("/body/0/input/bounds/max", Some(json!({"float": "1.5"}))),
        "body[0].input.bounds.max.float",
        "expected a number, found a string",
    );
    refused(
        &with("/body/0/input/ty", Some(json!({"secfld": {"modulus": "-7"}}))),
        "body[0].input.ty.secfld.modulus",
        "a modulus cannot be negative",
    );
    refused(&with("/body/0/input/ty", Some(json!({"secfld": {"modulus": 7.0}}))), "body[0].input.ty.secfld.modulus", "expected an integer");
    refused("[]", "", "expected an object with the fields `name`, `parties`, `body`, found an array");
    // The first problem is the one reported.
    refused(&with("/body/2/reveal/to", Some(json!("nobody"))).replace("\"name\":\"t\"", "\"name\":1"), "name", "expected a string");
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let depth = 10_000;
    let mut text = String::new();
    for _ in 0..depth {
        text.push_str("{\"unary\": {\"op\": \"neg\", \"operand\": ");
    }
    text.push_str("{\"name\": \"x\"}");
    text.push_str(&"}}".repeat(depth));
    let json = with("/body/1/let/value", Some(json!("HOLE"))).replace("\"HOLE\"", &text);
    refused(&json, "", "recursion limit exceeded");
    let json = with("/body", Some(json!("HOLE"))).replace("\"HOLE\"", &format!("{}{}", "[".repeat(depth), "]".repeat(depth)));
    refused(&json, "", "recursion limit exceeded");
}
