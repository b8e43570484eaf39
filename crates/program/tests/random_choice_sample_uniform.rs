//! `choice(T, x)`, `sample(T, x, k)` and `uniform(T, a, b)` (MPyC's
//! `mpyc.random`): outputs in the support (MPyC's `tests/test_random.py`
//! cases), samples without repeats, every outcome about equally often over
//! many sessions; the checker's refusals and the disclosure's words.

use crate::common;

use std::collections::{BTreeMap, BTreeSet};

use common::*;
use serde_json::json;

const SRC: &str = "program \"random\"
parties 3 to 5
role alice = party 0
input x: secint(32)[3] from alice
reveal c = choice(secint(32), [1, 2, 3, 4, 5]) to all
reveal cs = choice(secint(32), x) to all
reveal s = sample(secint(32), [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768], 8) to all
reveal fc = choice(secfxp(32, 16), [0.08, 0.09, 0.1, 0.11, 0.12]) to all
reveal u = uniform(secfxp(32, 16), 13.13, 13.17) to all
reveal d = uniform(secfxp(32, 16), -13.13, -13.17, 5) to all
";

#[test]
fn mpyc_supports_with_3_and_5_parties() {
    let program = program(SRC);
    for (m, t) in [(3, 1), (5, 2)] {
        let mut parties = vec![inputs(&[("x", json!([-100, 200, -300]))])];
        parties.resize(m, inputs(&[]));
        let out = run(&program, t, &parties, 21).unwrap_or_else(|e| panic!("m={m}: {e}"));
        for o in &out[1..] {
            assert_eq!(o, &out[0], "m={m}: every party learns the same");
        }
        let o = &out[0];
        // MPyC: choice(secint, [1, 2, 3, 4, 5]) in [1, …, 5]; choice of [-100, 200, -300] in it.
        assert!((1..=5).contains(&o["c"].as_i64().unwrap()), "m={m}: {}", o["c"]);
        assert!([-100, 200, -300].contains(&o["cs"].as_i64().unwrap()), "m={m}: {}", o["cs"]);
        // MPyC: sample(secint, [2**i for i in range(16)], 8): 2^8 − 1 ≤ sum ≤ 2^8 (2^8 − 1); distinct powers.
        let s: Vec<i64> = o["s"].as_array().unwrap().iter().map(|v| v.as_i64().unwrap()).collect();
        let sum: i64 = s.iter().sum();
        assert!((255..=256 * 255).contains(&sum), "m={m}: {s:?}");
        assert_eq!(s.iter().collect::<BTreeSet<_>>().len(), 8, "m={m}: {s:?}");
        assert!(s.iter().all(|v| (v.count_ones() == 1) && *v <= 32768), "m={m}: {s:?}");
        // MPyC: choice(secfxp, [0.08, …, 0.12]) ≈ 0.1 to 1 decimal.
        assert!((o["fc"].as_f64().unwrap() - 0.1).abs() <= 0.05, "m={m}: {}", o["fc"]);
        // MPyC: 13.13 ≤ uniform(secfxp, 13.13, 13.17) ≤ 13.17, and the reverse.
        let u = o["u"].as_f64().unwrap();
        assert!((13.13 - 1e-5..=13.17).contains(&u), "m={m}: {u}");
        for v in o["d"].as_array().unwrap() {
            assert!((-13.17..=-13.13 + 1e-5).contains(&v.as_f64().unwrap()), "m={m}: {v}");
        }
    }
}

/// Over 300 sessions of 3 parties: `choice` of 3 gives each 100 times
/// expected (here 55 to 145, over 5 standard deviations out); `sample` of 2
/// from 3 gives each of the 6 ordered pairs (50 expected, here 20 to 80);
/// `uniform(secfxp(16, 2), 0, 1)` gives 0, 0.25, 0.5, 0.75 (75 expected,
/// here 35 to 115). With 5 parties, every outcome occurs in 60 sessions.
#[test]
fn every_outcome_about_equally_often() {
    let src = "program \"r\"\nparties 3 to 5\nreveal c = choice(secint(32), [10, 20, 30]) to all\n\
               reveal s = sample(secint(32), [10, 20, 30], 2) to all\nreveal u = uniform(secfxp(16, 2), 0, 1) to all\n";
    let program = program(src);
    let count = |m: usize, t: usize, runs: u64| {
        let (mut c, mut s, mut u) = (BTreeMap::<i64, u32>::new(), BTreeMap::<Vec<i64>, u32>::new(), BTreeMap::<i64, u32>::new());
        for seed in 0..runs {
            let out = run(&program, t, &vec![inputs(&[]); m], 1_000 + seed).unwrap();
            let o = &out[0];
            *c.entry(o["c"].as_i64().unwrap()).or_default() += 1;
            *s.entry(o["s"].as_array().unwrap().iter().map(|v| v.as_i64().unwrap()).collect()).or_default() += 1;
            *u.entry((o["u"].as_f64().unwrap() * 4.0) as i64).or_default() += 1;
        }
        (c, s, u)
    };
    let (c, s, u) = count(3, 1, 300);
    assert_eq!(c.keys().copied().collect::<Vec<_>>(), [10, 20, 30], "{c:?}");
    assert!(c.values().all(|&n| (55..=145).contains(&n)), "{c:?}");
    assert_eq!(s.len(), 6, "{s:?}");
    assert!(s.keys().all(|p| p[0] != p[1]), "{s:?}");
    assert!(s.values().all(|&n| (20..=80).contains(&n)), "{s:?}");
    assert_eq!(u.keys().copied().collect::<Vec<_>>(), [0, 1, 2, 3], "{u:?}");
    assert!(u.values().all(|&n| (35..=115).contains(&n)), "{u:?}");
    let (c, s, u) = count(5, 2, 60);
    assert_eq!((c.len(), s.len(), u.len()), (3, 6, 4), "{c:?} {s:?} {u:?}");
}

fn body(decls: &str, line: &str) -> String {
    format!("program \"p\"\nparties 3\nrole alice = party 0\n{decls}\nreveal r = {line} to all\n")
}

#[test]
fn checker_refuses_what_cannot_run() {
    let int = "input a: secint(16)[4] from alice";
    for (line, phrase) in [
        ("choice(a, a)", "type of the values"),
        ("choice(secint(32), a)", "cannot choose from secint(16)"),
        ("choice(secint(16), a[0])", "chooses from a vector"),
        ("choice(secint(16), a[0:0])", "empty vector"),
        ("sample(secint(16), a, 5)", "1 to 4 of the 4"),
        ("sample(secint(16), a, 0)", "1 to 4 of the 4"),
        ("sample(secint(16), a)", "takes 3 arguments"),
        ("choice(secint(4), [1, 2])", "too small a field"),
        ("choice(secint(16), [1, 100000])", "does not fit"),
        ("uniform(secint(16), 0, 1)", "secfxp"),
        ("uniform(secfxp(16, 8), 0, 1000)", "does not fit"),
        ("uniform(secfxp(16, 8), 0, a[0])", "public numbers"),
        ("uniform(secfxp(16, 8), 0)", "two ends"),
        ("uniform(secfxp(16, 8), 0, 1, -1)", "count"),
    ] {
        let src = body(int, line);
        let e = error(&src);
        assert_eq!(e.span.line, 5, "{:?} in\n{src}", e.message);
        assert!(e.message.contains(phrase), "message {:?} lacks {phrase:?} for\n{src}", e.message);
    }
}

#[test]
fn disclosure_in_plain_words() {
    let src = "program \"p\"\nparties 3\ninput bid: secint(32) from each\nreveal one = choice(secint(32), bid) to all\n\
               reveal two = sample(secint(32), bid, 2) to all\nreveal u = uniform(secfxp(32, 16), 0, 1.5, 3) to all\n";
    let d = program(src).disclosure(3).unwrap().reveals;
    assert_eq!(d[0].what, "an element of every party's bid chosen at random");
    assert_eq!(d[1].what, "2 elements of every party's bid chosen at random (no element twice)");
    assert_eq!(d[2].what, "3 random numbers between 0 and 1.5");
    assert_eq!(d[2].class, cohort_program::Class::None);
}
