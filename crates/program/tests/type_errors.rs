//! Programs that parse but do not check: each is rejected with the line and
//! column of the offending statement or expression (a binary operation is at
//! its operator, an index at the index) and a plain message — undefined
//! names, mixed or unordered types, shapes, receivers, reveals, roles,
//! assignments, operations and their arities, errors that show only with
//! some of the allowed party counts, and loops too long to unroll.

use crate::common;

use common::{assert_error, error};

use std::time::{Duration, Instant};

use cohort_program::{CheckedProgram, Error, MAX_NODES};
use common::{inputs, run};
use serde_json::json;

/// The first two lines of a three-party program; statements start on line 3.
const HEADER: &str = "program \"t\"\nparties 3\n";

/// Declarations used by most tests, lines 3 to 7.
const DECLS: &str = "role alice = party 0
input a: secint(32) from each
input f: secfld(101) from each
input u: secint(32)[3] from alice
input v: secint(32)[4] from alice
";

/// `HEADER`, `DECLS` and then `body` from line 8.
fn with_decls(body: &str) -> String {
    format!("{HEADER}{DECLS}{body}")
}

#[test]
fn the_declarations_check() {
    let p = CheckedProgram::parse(&with_decls("reveal s = sum(a) to all\n")).unwrap();
    assert_eq!(p.plan(3).unwrap().inputs.len(), 4);
}

#[test]
fn undefined_name() {
    assert_error(&with_decls("reveal y = sum(a) + z to all\n"), 8, 21, "`z` is not defined");
    assert_error(&with_decls("reveal y = sum to all\n"), 8, 12, "`sum` is an operation: call it as `sum(…)`");
    assert_error(&with_decls("reveal z to all\n"), 8, 1, "nothing called `z` to reveal");
    // A loop variable is gone after its loop.
    assert_error(&with_decls("for i in range(2):\n    let k = i\nreveal y = u[i] to all\n"), 10, 14, "`i` is not defined");
}

#[test]
fn mixing_secint_and_secfxp() {
    let src = format!("{HEADER}input x: secint(32) from each\ninput y: secfxp(32, 16) from each\nreveal z = x + y to all\n");
    assert_error(&src, 5, 14, "values of types secint(32) and secfxp(32, 16) cannot be combined");
    let src = format!("{HEADER}input x: secint(32) from each\ninput y: secfxp(32, 16) from each\nreveal z = [x[0], y[0]] to all\n");
    assert_error(&src, 5, 12, "cannot be combined");
}

#[test]
fn comparison_of_field_elements() {
    assert_error(&with_decls("reveal y = f < f to all\n"), 8, 14, "`<` is not defined for secfld(101): field elements have no order");
    assert_error(&with_decls("reveal y = max(f) to all\n"), 8, 12, "`max` is not defined for secfld(101)");
    assert_error(&with_decls("reveal y = sort(f) to all\n"), 8, 12, "field elements have no order");
    // Equality is defined.
    assert!(CheckedProgram::parse(&with_decls("reveal y = f == f to all\n")).is_ok());
}

#[test]
fn modulo_by_a_secret() {
    assert_error(&with_decls("reveal y = a % a to all\n"), 8, 14, "`%` needs a public number on its right");
    assert_error(&with_decls("reveal y = a // u[0] to all\n"), 8, 14, "`//` needs a public number on its right");
    assert_error(&with_decls("reveal y = 7 % a to all\n"), 8, 14, "`%` needs a public number on its right");
    assert_error(&with_decls("reveal y = a << a to all\n"), 8, 14, "`<<` needs a public number on its right");
}

#[test]
fn index_out_of_range_points_at_the_index() {
    assert_error(&with_decls("reveal y = a[3] to all\n"), 8, 14, "index out of range: a vector of 3 of secint(32) has 3 elements");
    assert_error(&with_decls("reveal y = u[  -4] to all\n"), 8, 16, "index out of range");
    assert_error(
        &with_decls("let k = [1, 2]\nreveal y = a[k[5]] to all\n"),
        9,
        16,
        "index out of range: a public vector of 2 has 2 elements",
    );
    assert_error(&with_decls("reveal y = sum(a)[0] to all\n"), 8, 12, "cannot index a scalar of secint(32)");
    assert_error(&with_decls("reveal y = a[1.5] to all\n"), 8, 14, "an index must be a whole number, not 1.5");
    assert_error(&with_decls("reveal y = a[a[0]] to all\n"), 8, 14, "an index must be a public number, known before the run");
    // Negative indices count from the end.
    assert!(CheckedProgram::parse(&with_decls("reveal y = a[-3] to all\n")).is_ok());
}

#[test]
fn shapes_of_two_vectors_must_match() {
    assert_error(
        &with_decls("reveal y = u + v to all\n"),
        8,
        14,
        "`+` needs operands of one shape (or a scalar): a vector of 3 and a vector of 4",
    );
    assert_error(
        &with_decls("reveal y = inner(u, v) to all\n"),
        8,
        12,
        "`inner` takes two vectors of one length, not a vector of 3 and a vector of 4",
    );
    assert_error(&with_decls("reveal y = [u, v] to all\n"), 8, 12, "a list's items must have one shape: a vector of 3 and a vector of 4");
    assert_error(&with_decls("reveal y = u * [1, 2] to all\n"), 8, 14, "`*` needs operands of one shape");
    // A scalar goes with any shape.
    assert!(CheckedProgram::parse(&with_decls("reveal y = u * a[0] + 1 to all\n")).is_ok());
}

#[test]
fn to_each_needs_one_element_per_party() {
    assert_error(
        &with_decls("reveal y = v to each\n"),
        8,
        1,
        "`to each` gives party i element i, so it needs one element per party (3); this is a vector of 4",
    );
    assert_error(&with_decls("reveal y = sum(a) to each\n"), 8, 1, "this is a scalar");
    assert!(CheckedProgram::parse(&with_decls("reveal y = a + 1 to each\n")).is_ok());
    // Only the length counts: alice's vector of 3 goes to each of the 3 parties.
    assert!(CheckedProgram::parse(&with_decls("reveal y = u to each\n")).is_ok());
}

#[test]
fn revealing_a_public_value() {
    assert_error(&with_decls("let k = 5\nreveal k to all\n"), 9, 1, "only secret values are revealed; this is a public scalar");
    assert_error(&with_decls("reveal y = [1, 2] to all\n"), 8, 1, "only secret values are revealed; this is a public vector of 2");
    assert_error(&with_decls("reveal alice to all\n"), 8, 1, "this is the role of party 0");
}

#[test]
fn revealing_a_name_twice() {
    assert_error(
        &with_decls("reveal y = sum(a) to all\nreveal y = sum(u) to alice\n"),
        9,
        1,
        "`y` is revealed twice; give each output its own name",
    );
    assert_error(&with_decls("reveal a to all\nreveal a = a + 1 to all\n"), 9, 1, "`a` is revealed twice");
}

#[test]
fn a_program_that_reveals_nothing() {
    let e = error(&with_decls("let s = sum(a)\n"));
    assert_eq!(e.span.line, 0, "about no particular line");
    assert_eq!(e.message, "the program reveals nothing: add a `reveal NAME = … to all` statement");
    assert_eq!(e.to_string(), e.message, "no position in the text");
}

#[test]
fn role_party_out_of_range() {
    assert_error(&format!("{HEADER}role r = party 3\n"), 3, 1, "role `r` is party 3, but with 3 parties they are numbered 0 to 2");
    assert_error(&format!("{HEADER}role all = party 0\n"), 3, 1, "`all` already means something in `reveal … to all`");
    assert_error(&format!("{HEADER}role r = party 0\nrole r = party 1\n"), 4, 1, "`r` is already defined");
}

#[test]
fn unknown_role() {
    assert_error(&format!("{HEADER}input x: secint(32) from bob\n"), 3, 1, "no role named `bob`; declare it with `role bob = party 0`");
    assert_error(&with_decls("reveal y = sum(a) to alice, bob\n"), 8, 1, "no role named `bob`: reveal to `all`, `each` or declared roles");
    assert_error(&with_decls("input b: secint(32) from a\n"), 8, 1, "no role named `a`");
}

#[test]
fn assigning_to_an_undeclared_variable() {
    assert_error(&with_decls("s = sum(a)\n"), 8, 1, "`s` is not defined; introduce it with `let s = …`");
    // A variable made in a block is gone after it.
    assert_error(&with_decls("if 1:\n    let s = 1\ns = 2\n"), 10, 1, "`s` is not defined");
}

#[test]
fn reassigning_a_declaration() {
    assert_error(&with_decls("a = a + 1\n"), 8, 1, "`a` is a declaration and cannot be given a new value");
    assert_error(&with_decls("alice = 1\n"), 8, 1, "`alice` is a declaration");
    assert_error(&with_decls("for i in range(3):\n    i = 1\n"), 9, 5, "`i` is a declaration");
    assert_error(&with_decls("let a = 1\n"), 8, 1, "`a` is already defined; to give it a new value, write `a = …` without `let`");
    assert_error(&with_decls("let sum = 1\n"), 8, 1, "`sum` is the name of an operation; choose another name");
}

#[test]
fn derangement_of_one() {
    assert_error(&with_decls("reveal y = random_derangement(secint(32), 1) to all\n"), 8, 12, "a derangement needs at least 2 elements");
    assert_error(&with_decls("reveal y = random_derangement(secfxp(32), 3) to all\n"), 8, 12, "`random_derangement` makes integers");
    assert_error(&with_decls("reveal y = random_int(secint(32), 5, 5) to all\n"), 8, 12, "hi must exceed lo; here 5 and 5");
    assert_error(&with_decls("reveal y = random_bits(a, 2) to all\n"), 8, 12, "`random_bits`'s first argument is the type of the values");
}

#[test]
fn unknown_operation() {
    assert_error(&with_decls("reveal y = average(a) to all\n"), 8, 12, "there is no operation called `average`");
    assert_error(&with_decls("reveal y = sum(a) + a(1) to all\n"), 8, 21, "there is no operation called `a`");
}

#[test]
fn wrong_arity() {
    assert_error(&with_decls("reveal y = sum(a, a) to all\n"), 8, 12, "`sum` takes 1 argument, not 2");
    assert_error(&with_decls("reveal y = inner(u) to all\n"), 8, 12, "`inner` takes 2 arguments, not 1");
    assert_error(&with_decls("reveal y = if_else(a, a) to all\n"), 8, 12, "`if_else` takes 3 arguments, not 2");
    assert_error(&with_decls("reveal y = random_int(secint(8), 0) to all\n"), 8, 12, "`random_int` takes a type, a least value, a bound");
    assert_error(&with_decls("reveal y = sum() to all\n"), 8, 12, "`sum` takes 1 argument, not 0");
}

#[test]
fn an_error_only_some_party_counts_show_names_the_count() {
    // 3 · parties − 10 is −1 (valid) for 3 parties, 2 for 4, and 5 — past the end — for 5.
    let body = "input x: secint(32) from each\nreveal y = x[3 * parties - 10] to all\n";
    assert!(CheckedProgram::parse(&format!("program \"t\"\nparties 3 to 4\n{body}")).is_ok());
    let e = assert_error(&format!("program \"t\"\nparties 3 to 5\n{body}"), 4, 26, "with 5 parties: index out of range");
    assert_eq!(e.message, "with 5 parties: index out of range: a vector of 5 of secint(32) has 5 elements");
    // A role that exists only with more parties.
    let e = assert_error(
        "program \"t\"\nparties 3 to 6\nrole last = party 3\nreveal y = random_bits(secint(8), 1) to last\n",
        3,
        1,
        "with 3 parties: ",
    );
    assert_eq!(e.message, "with 3 parties: role `last` is party 3, but with 3 parties they are numbered 0 to 2");
    // With a single count there is nothing to name.
    let e = error(&format!("program \"t\"\nparties 5\n{body}"));
    assert_eq!(e.message, "index out of range: a vector of 5 of secint(32) has 5 elements");
}

#[test]
fn public_arithmetic_errors() {
    assert_error(&with_decls("let k = 1 // (2 - 2)\n"), 8, 11, "division by zero");
    assert_error(&with_decls("let k = 170141183460469231731687303715884105727 + 1\n"), 8, 49, "public arithmetic overflows");
    assert_error(&with_decls("if a[0]:\n    let k = 1\n"), 8, 4, "an `if` condition must be a public number, known before the run");
    assert_error(
        &with_decls("reveal y = a + 5000000000 to all\n"),
        8,
        14,
        "the public value 5000000000 does not fit secint(32): the range is [-2147483648, 2147483648)",
    );
}

#[test]
fn public_modulo_is_pythons_and_does_not_overflow() {
    // −2^127 % 3 is 1 in Python; computing it as x − y · (x // y) overflows.
    let src = format!(
        "{HEADER}input a: secint(32) from each\nlet k = (-170141183460469231731687303715884105727 - 1) % 3\n\
         reveal y = a[k] to all\nreveal z = a[-7 % 3] to all\nreveal w = a[7 // -2 + 4] to all\n"
    );
    let p = CheckedProgram::parse(&src).unwrap();
    let parties: Vec<_> = [10, 20, 30].iter().map(|&x| inputs(&[("a", json!(x))])).collect();
    let out = run(&p, 1, &parties, 7).unwrap();
    for o in &out {
        assert_eq!(o["y"], json!(20), "a[1]");
        assert_eq!(o["z"], json!(30), "-7 % 3 == 2");
        assert_eq!(o["w"], json!(10), "7 // -2 == -4");
    }
}

#[test]
fn values_beyond_the_element_limit() {
    assert_error(&with_decls("reveal y = to_bits(random_bits(secint(64), 1048576)) to all\n"), 8, 12, "`to_bits` would make 67108864 bits");
    // Doubling a vector 21 times passes 2^20 elements.
    assert_error(&with_decls("let w = [0]\nfor i in range(30):\n    w = concat(w, w)\n"), 10, 9, "`concat` would make 2097152 elements");
}

/// `src` fails with a message containing `phrase` within a few seconds.
#[track_caller]
fn fails_quickly(src: &str, phrase: &str) -> Error {
    let start = Instant::now();
    let e = error(src);
    let took = start.elapsed();
    assert!(e.message.contains(phrase), "{:?} lacks {phrase:?}", e.message);
    assert!(took < Duration::from_secs(10), "took {took:?}");
    e
}

#[test]
fn a_loop_beyond_max_nodes_is_an_error() {
    // Two operations per iteration (an index and an addition): the limit is
    // reached half way through.
    let src =
        format!("{HEADER}input x: secint(32) from each\nlet s = x[0]\nfor i in range({MAX_NODES}):\n    s = s + x[1]\nreveal s to all\n");
    let e = fails_quickly(&src, &format!("the program unrolls to more than {MAX_NODES} operations"));
    assert_eq!((e.span.line, e.span.col), (6, 13), "at the operation that passes the limit");
    // Nested loops that compute nothing secret still count their steps.
    let src = format!(
        "{HEADER}input x: secint(32) from each\nlet s = 0\nfor i in range({MAX_NODES}):\n    for j in range({MAX_NODES}):\n        s = i\nreveal x to all\n"
    );
    fails_quickly(&src, "the program takes too many steps to unroll");
    // A single range longer than the limit is refused before it starts.
    let src = format!("{HEADER}input x: secint(32) from each\nfor i in range({}):\n    let s = i\nreveal x to all\n", MAX_NODES + 1);
    let e = fails_quickly(&src, &format!("a range from 0 to {} is too long to unroll", MAX_NODES + 1));
    assert_eq!((e.span.line, e.span.col), (4, 16));
    // Even one whose length does not fit an integer.
    let huge = "170141183460469231731687303715884105727";
    let src = format!("{HEADER}input x: secint(32) from each\nfor i in range(-{huge}, {huge}):\n    let s = i\nreveal x to all\n");
    fails_quickly(&src, "is too long to unroll");
    let src = format!("{HEADER}input x: secint(32) from each\nreveal y = [[x[0] for j in range(1000)] for i in range(1000)] to all\n");
    fails_quickly(&src, "operations");
}

#[test]
fn public_divisors_are_checked_before_the_run() {
    for (expr, why) in [
        ("a // 0", "`//` by 0: the divisor must be a whole number below 2^32"),
        ("a % -3", "`%` by -3: the divisor must be a whole number below 2^32"),
        ("a % 5000000000", "`%` by 5000000000"),
        ("a // 2.5", "`//` by 2.5"),
    ] {
        let src = format!("program \"d\"\nparties 3\ninput a: secint(32) from each\nreveal r = {expr} to all\n");
        let e = cohort_program::CheckedProgram::parse(&src).unwrap_err();
        assert_eq!((e.span.line, e.span.col), (4, 14), "{expr}: {e}");
        assert!(e.message.contains(why), "{expr}: {e}");
    }
    let fxp = "program \"d\"\nparties 3\ninput a: secfxp(32, 16) from each\nreveal r = a // 0.5 to all\n";
    assert!(cohort_program::CheckedProgram::parse(fxp).is_ok(), "0.5 is a valid secfxp divisor");
}

#[test]
fn large_vectors_in_long_loops_are_refused_quickly() {
    let src = "program \"big\"\nparties 3\ninput a: secint(32)[100000] from each\nlet s = a[0][0]\nlet x = a[0]\nfor i in range(1000):\n    x = x * s\nreveal x to all\n";
    let start = std::time::Instant::now();
    let e = cohort_program::CheckedProgram::parse(src).unwrap_err();
    assert!(e.message.contains("stores more than"), "{e}");
    assert!(start.elapsed() < std::time::Duration::from_secs(10));
    let public = "program \"big\"\nparties 3\ninput a: secint(32) from each\nlet v = [i for i in range(100000)]\nfor i in range(1000):\n    v = v + 1\nreveal r = a to all\n";
    let e = cohort_program::CheckedProgram::parse(public).unwrap_err();
    assert!(e.message.contains("public elements"), "{e}");
}
