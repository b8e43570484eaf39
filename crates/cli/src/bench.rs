//! `cohort bench`: the engine's workloads across local parties over TCP,
//! timed like MPyC's figures — from a synchronisation point until the result
//! shares are ready (opening excluded), minimum over the runs.

use std::rc::Rc;
use std::time::Instant;

use cohort_mpc::Runtime;
pub(crate) use cohort_mpc::bench::{Meter, WORKLOADS, Workload, run};

/// How the parties of the engine workloads talk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Transport {
    /// Secure channels over TCP loopback, a thread per party.
    Secure,
    /// Plain TCP loopback, as MPyC runs by default.
    Plaintext,
    /// Every party in one thread, over an in-memory network.
    InProcess,
}

impl Transport {
    /// The `channels` field of the JSON lines.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Transport::Secure => "secure",
            Transport::Plaintext => "plaintext",
            Transport::InProcess => "in_process",
        }
    }
}

/// Milliseconds since this process first asked.
pub(crate) fn clock_ms() -> f64 {
    static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    START.get_or_init(Instant::now).elapsed().as_secs_f64() * 1e3
}

/// One example program, timed as a whole: from just after the PRSS set-up
/// until this party has its outputs (inputs and reveals included).
#[derive(Clone, Debug)]
pub(crate) struct ProgramMeasurement {
    pub(crate) name: &'static str,
    pub(crate) parties: usize,
    pub(crate) threshold: usize,
    pub(crate) ms: f64,
    pub(crate) rounds: u64,
    pub(crate) bytes_sent: u64,
}

/// Runs an example `runs` times with its own inputs (and so its own number
/// of parties) over TCP loopback; party 0's fastest run. The outputs are
/// checked against the example's expected outputs. The threshold is the
/// default one, refused if 0 unless `no_privacy`.
pub(crate) fn run_example(
    example: &crate::examples::Example,
    runs: usize,
    no_privacy: bool,
) -> core::result::Result<ProgramMeasurement, crate::Failure> {
    use crate::Failure;
    let program = cohort_program::CheckedProgram::parse(example.program).map_err(|e| Failure(format!("{}: {e}", example.name)))?;
    let given: Vec<std::collections::BTreeMap<String, serde_json::Value>> =
        serde_json::from_str(example.inputs).map_err(|e| Failure(format!("{}: inputs: {e}", example.name)))?;
    let m = given.len();
    let t = crate::threshold(m, None, no_privacy)?;
    let plan = std::sync::Arc::new(program.plan(m).map_err(|e| Failure(e.to_string()))?);
    let inputs = std::sync::Arc::new(
        given
            .iter()
            .enumerate()
            .map(|(i, g)| cohort_program::PartyInputs::new(&plan, i, g))
            .collect::<core::result::Result<Vec<_>, _>>()
            .map_err(|e| Failure(e.to_string()))?,
    );
    let expected: Option<Vec<serde_json::Value>> =
        example.expected.map(serde_json::from_str).transpose().map_err(|e| Failure(format!("{}: expected outputs: {e}", example.name)))?;
    let mut best: Option<ProgramMeasurement> = None;
    for _ in 0..runs.max(1) {
        let (plan, inputs) = (plan.clone(), inputs.clone());
        let results = crate::launch::run_parties(m, t, program.hash(), move |id| {
            let (plan, inputs) = (plan.clone(), inputs.clone());
            move |rt: Rc<Runtime>| async move {
                let (start, before) = (Instant::now(), rt.stats());
                let outputs = cohort_program::run(&plan, &rt, &inputs[id]).await;
                let after = rt.stats();
                Ok((outputs, start.elapsed().as_secs_f64() * 1e3, after.rounds - before.rounds, after.bytes_sent - before.bytes_sent))
            }
        })?;
        for (i, (outputs, ..)) in results.iter().enumerate() {
            let outputs = outputs.as_ref().map_err(|e| Failure(format!("{}: {e}", example.name)))?;
            if let Some(want) = &expected {
                let want = &want[i]["outputs"];
                let close = |a: &serde_json::Value, b: &serde_json::Value| approx_eq(a, b);
                if !close(&serde_json::json!(outputs), want) {
                    return Err(Failure(format!("benchmark of {} computed {outputs:?}, expected {want}", example.name)));
                }
            }
        }
        let (_, ms, rounds, bytes_sent) = results[0];
        let m = ProgramMeasurement { name: example.name, parties: m, threshold: t, ms, rounds, bytes_sent };
        best = Some(match best {
            Some(b) if b.ms <= m.ms => b,
            _ => m,
        });
    }
    Ok(best.expect("at least one run"))
}

/// Equal JSON, with fixed-point numbers within 10⁻³ (examples/README.md).
fn approx_eq(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value as J;
    match (a, b) {
        (J::Array(x), J::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| approx_eq(p, q)),
        (J::Object(x), J::Object(y)) => x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| approx_eq(v, w))),
        (J::Number(x), J::Number(y)) if x.is_f64() || y.is_f64() => {
            (x.as_f64().unwrap_or(f64::NAN) - y.as_f64().unwrap_or(f64::NAN)).abs() <= 1e-3
        }
        _ => a == b,
    }
}
