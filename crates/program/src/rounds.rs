//! How many rounds a [`Plan`] takes, known before it runs: a dry run of
//! every party in one thread, over the engine's in-memory network
//! ([`cohort_mpc::local`]), on placeholder inputs.
//!
//! A checked program always performs the same operations (loops and `if`s
//! are public), and the engine's protocols take rounds that depend on the
//! number of values, never on the values. What can vary is public
//! randomness: a shuffled sort's levels, and rare rejection-sampling
//! retries ([`cohort_mpc::Stats::rounds_vary`]); the dry run then counts one
//! sample and says so.

use cohort_mpc::{Config, Kind, Session, Stats, Value};
use serde_json::Value as Json;
use std::collections::BTreeMap;

use crate::exec::{PartyInputs, session_program};
use crate::plan::{InputSpec, Plan};

/// The rounds a plan takes, counted by a dry run ([`Plan::planned_rounds`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PlannedRounds {
    /// Rounds of the dry run, the key set-up round included: what
    /// [`cohort_mpc::Stats::rounds`] reports after a real run.
    pub rounds: u64,
    /// Whether runs take exactly `rounds`. False when the dry run's count
    /// depended on public randomness (a shuffled sort of more than 4 keys):
    /// `rounds` is then one run's, a fair estimate. Even when true, a
    /// rejection-sampling retry adds rounds to some runs: rarely, but to
    /// 2.6–3.9% of random derangements (docs/engine.md).
    pub exact: bool,
}

/// The seed of the dry run's randomness: any fixed value.
const DRY_RUN_SEED: u64 = 0x0c0b_0c0b;

/// The largest plan dry-run: more operations than this (a long sequential
/// loop), more elements in all, or more parties, and the dry run could hold
/// up the session that waits for it (40,000 sequential multiplications took
/// 37 s natively, every party's operations polled every round); the total
/// is then unknown.
const DRY_RUN_MAX_NODES: usize = 2048;
const DRY_RUN_MAX_ELEMENTS: usize = 1 << 16;
const DRY_RUN_MAX_PARTIES: usize = 7;

impl Plan {
    /// The rounds this plan takes with threshold `threshold`, from a dry
    /// run of every party on placeholder inputs (whole numbers counting up
    /// from 0, or from the bound nearest 0, within the bounds). `None` if the dry run fails, as it may on those
    /// inputs (a public divisor of 0, say) or for an invalid threshold.
    /// Costs about one run of every party in one thread, so a plan of more
    /// than 2,048 operations or 65,536 elements in all, or of more than 7
    /// parties, is not dry-run: `None`, the total unknown.
    pub fn planned_rounds(&self, threshold: usize) -> Option<PlannedRounds> {
        let elements: usize = self.lens().iter().flatten().map(|&(_, n)| n).fold(0, usize::saturating_add);
        if self.nodes.len() > DRY_RUN_MAX_NODES || elements > DRY_RUN_MAX_ELEMENTS || self.parties > DRY_RUN_MAX_PARTIES {
            return None;
        }
        // Distinct placeholders, or where the types are too narrow for that, equal ones.
        let checked = |distinct| -> Option<Vec<PartyInputs>> {
            (0..self.parties).map(|party| PartyInputs::new(self, party, &placeholders(self, party, distinct)).ok()).collect()
        };
        let inputs = checked(true).or_else(|| checked(false))?;
        let mut sessions = inputs
            .into_iter()
            .enumerate()
            .map(|(id, inputs)| {
                let mut seed = [0u8; 32];
                seed[..8].copy_from_slice(&DRY_RUN_SEED.to_le_bytes());
                seed[8..16].copy_from_slice(&(id as u64).to_le_bytes());
                let config = Config { parties: self.parties, threshold, id, seed: Some(seed), prss: true };
                // The live run's own program (cohort_party), so the module holds its code once.
                Session::new(&config, session_program(self.clone(), inputs))
            })
            .collect::<cohort_mpc::Result<Vec<_>>>()
            .ok()?;
        let results = cohort_mpc::local::drive(&mut sessions, |_, _, _, msg| vec![msg]);
        if !results.iter().all(|r| matches!(r, Ok(Ok(_)))) {
            return None;
        }
        let stats: Vec<Stats> = sessions.iter().map(Session::stats).collect();
        Some(PlannedRounds { rounds: stats.first()?.rounds, exact: !stats.iter().any(|s| s.rounds_vary) })
    }
}

/// Placeholder inputs for `party`: every input it provides, each element
/// `distinct` from the others where the bounds allow (a shuffled sort of
/// equal keys would take its most levels, not a typical number).
fn placeholders(plan: &Plan, party: usize, distinct: bool) -> BTreeMap<String, Json> {
    // Inserted one by one: collecting would sort, and bring a sort into the module.
    let mut given = BTreeMap::new();
    for spec in plan.inputs.iter().filter(|spec| spec.owner.includes(party)) {
        let n = spec.len.unwrap_or(1);
        let mut elements = (0..n).map(|k| placeholder(spec, if distinct { (party * n + k) as i128 } else { 0 }));
        let value = match spec.len {
            Some(_) => Json::Array(elements.collect()),
            None => elements.next().unwrap_or(Json::Null),
        };
        given.insert(spec.name.clone(), value);
    }
    given
}

/// The `index`th whole number from 0 (or from the bound nearest 0, when 0
/// is out of bounds) towards the other bound, or that start if the bounds
/// are too close, as decimal text.
fn placeholder(spec: &InputSpec, index: i128) -> Json {
    let Some((lo, hi)) = spec.bounds else { return Json::String(index.to_string()) };
    let whole = |v: Value| match v {
        Value::Int(i) => Some(i),
        Value::Fixed(x) if x.fract() == 0.0 && x.abs() < 1e30 => Some(x as i128),
        Value::Fixed(_) => None,
    };
    let text = |v: Value| match (v, spec.ty.kind()) {
        (Value::Int(i), _) => i.to_string(),
        // cohort_text's, not core's float formatting, which the module leaves out.
        (Value::Fixed(x), Kind::Fxp { .. }) => cohort_text::display_f64(x),
        (Value::Fixed(x), _) => (x as i128).to_string(),
    };
    let (Some(low), Some(high)) = (whole(lo), whole(hi)) else {
        // Fractional bounds: the one nearest 0, or 0 between them.
        let nearest = if lo.as_f64() > 0.0 {
            lo
        } else if hi.as_f64() < 0.0 {
            hi
        } else {
            Value::Int(0)
        };
        return Json::String(text(nearest));
    };
    let (start, step) = if low > 0 {
        (low, 1)
    } else if high < 0 {
        (high, -1)
    } else {
        (0, if high > 0 { 1 } else { -1 })
    };
    let value = start + step * index;
    Json::String(if (low..=high).contains(&value) { value } else { start }.to_string())
}
