//! The rounds a party plans before its run are the rounds a real run takes:
//! for every example, with 3 and 5 parties, real-looking inputs (not the
//! dry run's placeholders) and other randomness.

use std::collections::BTreeMap;
use std::rc::Rc;

use cohort_channel::Identity;
use cohort_mpc::{Kind, Stats, Value};
use cohort_party::{Party, PlannedRounds, Session};
use cohort_program::{CheckedProgram, InputSpec, PartyInputs, Plan};
use serde_json::Value as Json;

/// Every `examples/*.cohort`, by name, with its text.
fn examples() -> Vec<(String, String)> {
    let dir = format!("{}/../../examples", env!("CARGO_MANIFEST_DIR"));
    let mut found: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "cohort"))
        .map(|p| (p.file_stem().unwrap().to_string_lossy().into_owned(), std::fs::read_to_string(&p).unwrap()))
        .collect();
    found.sort();
    assert!(found.len() >= 9, "examples found in {dir}: {}", found.len());
    found
}

/// Element `k` of party `i`'s value for `spec`: varied, nonzero where the
/// bounds allow, within them.
fn element(spec: &InputSpec, i: usize, k: usize) -> Json {
    let v = ((i as i128 + 1) * 37 + k as i128 * 11) % 97 + 1;
    let int = |v: Value| match v {
        Value::Int(x) => x,
        Value::Fixed(x) => x as i128,
    };
    let whole = match spec.bounds {
        Some((lo, hi)) => int(lo) + v % (int(hi) - int(lo) + 1),
        None => v,
    };
    match spec.ty.kind() {
        Kind::Fxp { .. } => Json::String(format!("{whole}.{}", (i + 3 * k) % 10)),
        _ => Json::String(whole.to_string()),
    }
}

/// Party `i`'s real-looking inputs.
fn inputs(plan: &Plan, i: usize) -> BTreeMap<String, Json> {
    plan.inputs
        .iter()
        .filter(|spec| spec.owner.includes(i))
        .map(|spec| {
            let value = match spec.len {
                Some(n) => Json::Array((0..n).map(|k| element(spec, i, k)).collect()),
                None => element(spec, i, 0),
            };
            (spec.name.clone(), value)
        })
        .collect()
}

/// Party 0's seat in an `m`-party session of `program`, with the default threshold.
fn seat(program: &CheckedProgram, m: usize) -> Party {
    let identities: Vec<Identity> = (0..m).map(|_| Identity::generate().unwrap()).collect();
    let parties: Vec<_> = identities.iter().map(Identity::fingerprint).collect();
    let session = Session::with_parties("planned-rounds", program.clone(), parties.clone(), None, false).unwrap();
    let plan = program.plan(m).unwrap();
    session.seat(parties, &identities[0].fingerprint(), &inputs(&plan, 0)).unwrap()
}

/// A real run in one thread with randomness from `seed`: party 0's counters.
fn real_run(plan: &Plan, t: usize, seed: u64) -> Stats {
    let plan = Rc::new(plan.clone());
    let all: Vec<Rc<PartyInputs>> = (0..plan.parties).map(|i| Rc::new(PartyInputs::new(&plan, i, &inputs(&plan, i)).unwrap())).collect();
    let outcome = cohort_mpc::local::run(plan.parties, t, seed, |rt| {
        let (plan, inputs) = (plan.clone(), all[rt.id()].clone());
        async move { Ok(cohort_program::run(&plan, &rt, &inputs).await) }
    })
    .unwrap();
    for (i, result) in outcome.results.iter().enumerate() {
        assert!(result.is_ok(), "party {i}: {result:?}");
    }
    assert!(outcome.stats.iter().all(|s| s.rounds == outcome.stats[0].rounds), "parties took different rounds");
    outcome.stats[0]
}

#[test]
fn planned_rounds_equal_the_rounds_of_a_real_run_for_every_example() {
    let mut report = Vec::new();
    let mut estimated = Vec::new();
    for (name, text) in examples() {
        let program = CheckedProgram::parse(&text).unwrap();
        for m in [3, 5].into_iter().filter(|m| program.parties().contains(m)) {
            let party = seat(&program, m);
            let t = party.meeting().threshold;
            let started = std::time::Instant::now();
            let planned: PlannedRounds = party.planned_rounds().unwrap_or_else(|| panic!("{name} m={m}: no dry run"));
            let cost = started.elapsed();
            let plan = program.plan(m).unwrap();
            if !planned.exact {
                // A shuffled sort's levels are random: the plan is one sample.
                let real = real_run(&plan, t, 7);
                assert!(real.rounds_vary, "{name} m={m}: the dry run varied, the real run did not");
                estimated.push(format!("{name} m={m}"));
                report.push(format!("{name} m={m}: planned about {}, took {} (planned in {cost:.1?})", planned.rounds, real.rounds));
                continue;
            }
            // A rare rejection-sampling retry (a batch of random permutations
            // without a derangement) adds rounds; such a run says so.
            let real = (1..=4).map(|seed| real_run(&plan, t, seed)).find(|s| !s.rounds_vary);
            let real = real.unwrap_or_else(|| panic!("{name} m={m}: every real run retried"));
            report.push(format!("{name} m={m}: planned {}, took {} (planned in {cost:.1?})", planned.rounds, real.rounds));
            assert_eq!(planned.rounds, real.rounds, "{name} m={m}: planned rounds against a real run's");
        }
    }
    println!("{}", report.join("\n"));
    // Only the shuffled sorts (of more than 4 keys) are estimates.
    assert_eq!(estimated, ["sort_inputs m=3", "sort_inputs m=5", "statistics m=3", "statistics m=5"], "{report:#?}");
}
