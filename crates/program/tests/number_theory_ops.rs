//! `gcd`, `lcm`, `inverse`, `pow` and `trunc` in programs, with MPyC's
//! expected values (`tests/test_runtime.py`), run by 3 and by 5 parties; and
//! the checker's refusals.

use crate::common;

use common::*;
use serde_json::json;

const SRC: &str = "program \"mpyc ops\"
parties 3 to 5
role alice = party 0
role bob = party 1
input a: secint(16)[4] from alice
input b: secint(16)[4] from bob
input x: secfxp(32, 16) from alice
reveal g = gcd(a, b) to all
reveal l = lcm(a, b) to all
reveal i = inverse(a[2], 6789) to all
reveal i16 = inverse(0 * a[0] + 11, 16) to all
reveal p = pow(a[1], 3) to all
reveal q = pow(x, -2) to all
reveal t = trunc(a, 1) to all
";

#[test]
fn mpyc_expected_values_with_3_and_5_parties() {
    let program = program(SRC);
    for (m, t) in [(3, 1), (5, 2)] {
        let mut parties =
            vec![inputs(&[("a", json!([-66, -33, 1234, -120])), ("x", json!(2.0))]), inputs(&[("b", json!([30, 30, 0, 60]))])];
        parties.resize(m, inputs(&[]));
        let out = run(&program, t, &parties, 5).unwrap_or_else(|e| panic!("m={m}: {e}"));
        for o in &out[1..] {
            assert_eq!(o, &out[0], "m={m}: every party learns the same");
        }
        let o = &out[0];
        // MPyC: gcd(-66, 30) == 6, gcd(-33, 30) == 3; lcm(-66, 30) == 330, lcm(-120, 60) == 120.
        assert_eq!(o["g"], json!([6, 3, 1234, 60]), "m={m}");
        assert_eq!(o["l"], json!([330, 330, 0, 120]), "m={m}");
        // MPyC: inverse(1234, 6789) == 5089, inverse(11, 16) == 3.
        assert_eq!(o["i"], json!(5089), "m={m}");
        assert_eq!(o["i16"], json!(3), "m={m}");
        assert_eq!(o["p"], json!(-35937), "m={m}");
        assert!((o["q"].as_f64().unwrap() - 0.25).abs() < 1e-3, "m={m}: {}", o["q"]);
        // −66/2, −33/2 (−17 or −16), 617, −60: exact where 2 divides.
        let t = o["t"].as_array().unwrap();
        assert_eq!((&t[0], &t[2], &t[3]), (&json!(-33), &json!(617), &json!(-60)), "m={m}");
        assert!(t[1] == json!(-17) || t[1] == json!(-16), "m={m}: {}", t[1]);
    }
}

fn body(decls: &str, line: &str) -> String {
    format!("program \"p\"\nparties 3\nrole alice = party 0\n{decls}\nreveal r = {line} to all\n")
}

#[test]
fn checker_refuses_what_cannot_run() {
    let int = "input a: secint(16) from alice";
    let fxp = "input a: secfxp(16, 8) from alice";
    let fld = "input a: secfld(101) from alice";
    let one = "input a: secint(1) from alice";
    for (decls, line, phrase) in [
        (int, "inverse(a, 0)", "modulus from 1"),
        (int, "inverse(a, -5)", "modulus from 1"),
        (int, "inverse(a, 32768)", "modulus from 1"),
        (int, "inverse(a, 100000000000000000000000000000000000)", "modulus from 1"),
        (fxp, "inverse(a, 7)", "defined for secint"),
        (int, "inverse(a, 2.5)", "whole number"),
        (fxp, "gcd(a, a)", "defined for secint"),
        (fld, "lcm(a, 3)", "defined for secint"),
        (one, "gcd(a, a)", "l ≥ 2"),
        (int, "gcd(3, 4)", "public values"),
        (int, "pow(a, -1)", "negative power"),
        (int, "pow(3, 2)", "secret value first"),
        (int, "trunc(a, 16)", "from 0 to 15"),
        (int, "trunc(a, -1)", "from 0 to 15"),
        (fxp, "trunc(a, 24)", "from 0 to 23"),
        (fld, "trunc(a, 1)", "no order"),
        (int, "gcd(a)", "argument"),
    ] {
        let src = body(decls, line);
        let e = error(&src);
        assert_eq!(e.span.line, 5, "{:?} in\n{src}", e.message);
        assert!(e.message.contains(phrase), "message {:?} lacks {phrase:?} for\n{src}", e.message);
    }
}

#[test]
fn convert_with_mpyc_expected_values() {
    // MPyC's test_convert: secint8 [-100, 100] to secint(32) and back; secint [-100, 100]
    // to secfxp and back; secfxp16 [-100.25, 100.875] to secfxp and back.
    let src = "program \"convert\"
parties 3 to 5
role alice = party 0
input a: secint(8)[2] from alice
input x: secfxp(16, 8)[2] from alice
reveal wide = convert(a, secint(32)) to all
reveal back = convert(convert(a, secint(32)), secint(8)) to all
reveal fx = convert(convert(a, secint(32)), secfxp(32, 16)) to all
reveal fi = convert(convert(convert(a, secint(32)), secfxp(32, 16)), secint(32)) to all
reveal f32 = convert(x, secfxp(32, 16)) to all
reveal f16 = convert(convert(x, secfxp(32, 16)), secfxp(16, 8)) to all
reveal bits = to_bits(convert(a[0], secint(10))) to all
";
    let program = program(src);
    for (m, t) in [(3, 1), (5, 2)] {
        let mut parties = vec![inputs(&[("a", json!([-100, 100])), ("x", json!([-100.25, 100.875]))])];
        parties.resize(m, inputs(&[]));
        let out = run(&program, t, &parties, 6).unwrap_or_else(|e| panic!("m={m}: {e}"));
        let o = &out[0];
        for k in ["wide", "back", "fx", "fi"] {
            assert_eq!(o[k].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect::<Vec<_>>(), [-100.0, 100.0], "m={m} {k}");
        }
        for k in ["f32", "f16"] {
            assert_eq!(o[k], json!([-100.25, 100.875]), "m={m} {k}");
        }
        // −100 in 10-bit two's complement: 1110011100, least significant first.
        assert_eq!(o["bits"], json!([0, 0, 1, 1, 1, 0, 0, 1, 1, 1]), "m={m}");
    }
}

#[test]
fn convert_refusals() {
    let int = "input a: secint(16) from alice";
    let fld = "input a: secfld(101) from alice";
    for (decls, line, phrase) in [
        (fld, "convert(a, secint(8))", "at least 14 bits"),
        (fld, "convert(a, secfxp(8, 4))", "at least 14 bits"),
        ("input a: secfld(170141183460469231731687303715884105727) from alice", "convert(a, secfld(101))", "above secint(96)"),
        (int, "convert(a, 3)", "is a type"),
        (int, "convert(5, secint(8))", "secret value first"),
    ] {
        let src = body(decls, line);
        let e = error(&src);
        assert!(e.message.contains(phrase), "message {:?} lacks {phrase:?} for\n{src}", e.message);
    }
}

#[test]
fn accepted_at_the_limits_runs() {
    // Whatever the checker accepts around the smallest types and the ends of
    // the public ranges runs without the engine refusing it.
    let types =
        ["secint(1)", "secint(2)", "secint(3)", "secint(95)", "secfxp(2, 1)", "secfxp(8, 7)", "secfxp(64, 31)", "secfld(5)", "secfld(101)"];
    let exprs = [
        "gcd(x, x)",
        "lcm(x, x)",
        "inverse(x, 1)",
        "inverse(x, 2)",
        "inverse(x, 3)",
        "pow(x, 0)",
        "pow(x, -1)",
        "pow(x, 170141183460469231731687303715884105727)",
        "trunc(x, 0)",
        "trunc(x, 1)",
        "trunc(x, 2)",
        "trunc(x, 94)",
        "trunc(x, 94 + 31)",
        "convert(x, secint(1))",
        "convert(x, secint(95))",
        "convert(x, secfxp(2, 1))",
        "convert(x, secfxp(64, 31))",
        "convert(x, secint(9))",
        "convert(x, secint(10))",
        "convert(x, secint(13))",
        "convert(x, secint(14))",
        "convert(x, secfxp(10, 4))",
        "convert(x, secfld(5))",
        "convert(x, secfld(101))",
        "convert(x, secfld(65537))",
    ];
    let mut ran = 0;
    for ty in types {
        for expr in exprs {
            let src = format!("program \"t\"\nparties 3\nrole alice = party 0\ninput x: {ty} from alice\nreveal y = {expr} to all\n");
            let Ok(program) = cohort_program::CheckedProgram::parse(&src) else { continue };
            let x = match ty {
                "secint(1)" => json!(0),
                "secfxp(2, 1)" | "secfxp(8, 7)" => json!(0.5),
                _ => json!(1),
            };
            let parties = [inputs(&[("x", x)]), inputs(&[]), inputs(&[])];
            run(&program, 1, &parties, 8).unwrap_or_else(|e| panic!("accepted but failed: {e}\n{src}"));
            ran += 1;
        }
    }
    assert!(ran >= 60, "only {ran} ran");
}
