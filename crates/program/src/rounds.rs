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

use std::collections::BTreeMap;
use std::rc::Rc;

use cohort_mpc::{Kind, Value};
use serde_json::Value as Json;

use crate::exec::{PartyInputs, run};
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

impl Plan {
    /// The rounds this plan takes with threshold `threshold`, from a dry
    /// run of every party on placeholder inputs (whole numbers counting up
    /// from 0, or from the bound nearest 0, within the bounds). `None` if the dry run fails, as it may on those
    /// inputs (a public divisor of 0, say) or for an invalid threshold.
    /// Costs about one run of every party in one thread.
    pub fn planned_rounds(&self, threshold: usize) -> Option<PlannedRounds> {
        let plan = Rc::new(self.clone());
        // Distinct placeholders, or where the types are too narrow for that, equal ones.
        let checked = |distinct| -> Option<Vec<Rc<PartyInputs>>> {
            (0..self.parties).map(|party| PartyInputs::new(self, party, &placeholders(self, party, distinct)).ok().map(Rc::new)).collect()
        };
        let inputs = checked(true).or_else(|| checked(false))?;
        let outcome = cohort_mpc::local::run(self.parties, threshold, DRY_RUN_SEED, |rt| {
            let (plan, inputs) = (plan.clone(), inputs[rt.id()].clone());
            async move { Ok(run(&plan, &rt, &inputs).await) }
        })
        .ok()?;
        if outcome.results.iter().any(Result::is_err) {
            return None;
        }
        let stats = outcome.stats.first()?;
        Some(PlannedRounds { rounds: stats.rounds, exact: !outcome.stats.iter().any(|s| s.rounds_vary) })
    }
}

/// Placeholder inputs for `party`: every input it provides, each element
/// `distinct` from the others where the bounds allow (a shuffled sort of
/// equal keys would take its most levels, not a typical number).
fn placeholders(plan: &Plan, party: usize, distinct: bool) -> BTreeMap<String, Json> {
    plan.inputs
        .iter()
        .filter(|spec| spec.owner.includes(party))
        .map(|spec| {
            let n = spec.len.unwrap_or(1);
            let mut elements = (0..n).map(|k| placeholder(spec, if distinct { (party * n + k) as i128 } else { 0 }));
            let value = match spec.len {
                Some(_) => Json::Array(elements.collect()),
                None => elements.next().unwrap_or(Json::Null),
            };
            (spec.name.clone(), value)
        })
        .collect()
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
        (Value::Fixed(x), Kind::Fxp { .. }) => format!("{x}"),
        (Value::Fixed(x), _) => format!("{}", x as i128),
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
