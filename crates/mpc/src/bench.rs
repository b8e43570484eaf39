//! The engine's benchmark workloads, shared by `cohort bench` (native
//! parties over TCP) and the extension's benchmark (browser parties over
//! WebRTC), so both print the same figures for the same work: MPyC's
//! figures' workloads, timed from a synchronisation point until the result
//! shares are ready (opening excluded).

use std::rc::Rc;

use crate::keystream::KeyStream;
use rand_core::{Rng, SeedableRng};

use crate::{Error, Result, Runtime, SecType, SecVec, Value};

/// A benchmark workload: its name and size.
#[derive(Clone, Copy, Debug)]
pub struct Workload {
    /// `mul`, `mul_latency`, `lt`, `eq` or `sort`.
    pub name: &'static str,
    /// How many elements (for `mul_latency`, how many multiplications in a chain).
    pub n: usize,
}

/// The workloads `cohort bench` runs, in order.
pub const WORKLOADS: [Workload; 5] = [
    Workload { name: "mul", n: 10_000 },
    Workload { name: "mul_latency", n: 1_000 },
    Workload { name: "lt", n: 1_000 },
    Workload { name: "eq", n: 1_000 },
    Workload { name: "sort", n: 256 },
];

/// One measured workload.
#[derive(Clone, Debug)]
pub struct Measurement {
    /// What was measured.
    pub workload: Workload,
    /// The fastest run, milliseconds.
    pub ms: f64,
    /// Communication rounds in that run.
    pub rounds: u64,
    /// Bytes this party sent in that run.
    pub bytes_sent: u64,
    /// Calls across the WebAssembly module's boundary in that run, where
    /// the [`Meter`] counts them.
    pub crossings: Option<Crossings>,
}

/// What a benchmark reads before and after each run.
#[derive(Clone, Copy, Debug)]
pub struct Meter {
    /// Milliseconds from any fixed point: `Instant` natively,
    /// `performance.now()` in a browser.
    pub clock: fn() -> f64,
    /// The calls across the WebAssembly module's boundary so far, where the
    /// host counts them (the extension's benchmark build).
    pub crossings: Option<fn() -> Crossings>,
}

/// Calls across the boundary between a WebAssembly module and JavaScript.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Crossings {
    /// Calls from JavaScript into the module: its exported functions, and
    /// every event handler, timer and promise callback it registered.
    pub into_wasm: u64,
    /// Calls from the module out to JavaScript: every browser API it uses,
    /// and its glue's helpers.
    pub out_of_wasm: u64,
}

impl Crossings {
    /// The calls since `earlier`, less `overhead`.
    fn since(self, earlier: Crossings, overhead: Crossings) -> Crossings {
        let calls = |now: u64, then: u64, extra: u64| now.saturating_sub(then).saturating_sub(extra);
        Crossings {
            into_wasm: calls(self.into_wasm, earlier.into_wasm, overhead.into_wasm),
            out_of_wasm: calls(self.out_of_wasm, earlier.out_of_wasm, overhead.out_of_wasm),
        }
    }
}

/// A [`Meter`]'s reading at one moment.
#[derive(Clone, Copy, Debug)]
struct Reading {
    ms: f64,
    crossings: Option<Crossings>,
}

impl Meter {
    /// A meter of time alone.
    pub fn clock(clock: fn() -> f64) -> Meter {
        Meter { clock, crossings: None }
    }

    fn read(&self) -> Reading {
        Reading { ms: (self.clock)(), crossings: self.crossings.map(|read| read()) }
    }

    /// The crossings between readings `from` and `to`, less those of one
    /// reading (`overhead`: the clock and the counter may be crossings
    /// themselves), and the milliseconds.
    fn between(from: Reading, to: Reading, overhead: Option<Crossings>) -> (f64, Option<Crossings>) {
        let none = Crossings { into_wasm: 0, out_of_wasm: 0 };
        let crossings = from.crossings.zip(to.crossings).map(|(from, to)| to.since(from, overhead.unwrap_or(none)));
        (to.ms - from.ms, crossings)
    }

    /// What one reading adds to the counts: two readings in a row.
    fn overhead(&self) -> Option<Crossings> {
        let (a, b) = (self.read(), self.read());
        Meter::between(a, b, None).1
    }
}

/// Inputs in [-2^30, 2^30), the same on every run.
fn values(seed: u64, n: usize) -> Vec<i128> {
    let mut rng = KeyStream::seed_from_u64(seed);
    (0..n).map(|_| i128::from(rng.next_u32() as i32 >> 1)).collect()
}

async fn input_from(rt: &Runtime, ty: &SecType, owner: usize, data: &[i128]) -> Result<SecVec> {
    let vals: Vec<Value> = data.iter().map(|&v| Value::Int(v)).collect();
    rt.input(ty, owner, (rt.id() == owner).then_some(&vals[..]), data.len()).await
}

/// All parties exchange an empty round: nobody starts the clock before
/// everybody is here.
async fn barrier(rt: &Runtime, ty: &SecType) -> Result<()> {
    rt.input(ty, 0, Some(&[]), 0).await.map(|_| ())
}

fn check(workload: &str, got: &[Value], want: &[i128]) -> Result<()> {
    let want: Vec<Value> = want.iter().map(|&v| Value::Int(v)).collect();
    if got != want {
        return Err(Error::Internal(format!("benchmark {workload} computed a wrong result")));
    }
    Ok(())
}

/// Runs the workloads as one party, `runs` times each, reading `meter`
/// around each run; returns this party's measurements. Every result is
/// opened afterwards and checked.
pub async fn run(rt: Rc<Runtime>, workloads: Vec<Workload>, runs: usize, meter: Meter) -> Result<Vec<Measurement>> {
    let ty = SecType::int(32)?;
    let overhead = meter.overhead();
    let mut out = Vec::new();
    for w in workloads {
        let n = w.n;
        let (xs, ys) = (values(1, n), values(2, n));
        let x = input_from(&rt, &ty, 0, &xs).await?;
        let y = input_from(&rt, &ty, 1 % rt.parties(), &ys).await?;
        let mut best: Option<Measurement> = None;
        for _ in 0..runs.max(1) {
            barrier(&rt, &ty).await?;
            let (start, before) = (meter.read(), rt.stats());
            let result = match w.name {
                "mul" => rt.mul(&x, &y).await?,
                "lt" => rt.lt(&x, &y).await?,
                "eq" => rt.eq(&x, &y).await?,
                "sort" => rt.sort(&x, false).await?,
                "mul_latency" => {
                    let minus_one = rt.input(&ty, 0, Some(&[Value::Int(-1)]), 1).await?;
                    let before_chain = (meter.read(), rt.stats());
                    let mut acc = minus_one.clone();
                    for _ in 1..n {
                        acc = rt.mul(&acc, &minus_one).await?;
                    }
                    let (ms, crossings) = Meter::between(before_chain.0, meter.read(), overhead);
                    let after = rt.stats();
                    let opened = rt.reveal_all(&acc).await?;
                    check(w.name, &opened, &[if n % 2 == 0 { 1 } else { -1 }])?;
                    let m = Measurement {
                        workload: w,
                        ms,
                        rounds: after.rounds - before_chain.1.rounds,
                        bytes_sent: after.bytes_sent - before_chain.1.bytes_sent,
                        crossings,
                    };
                    best = Some(min_by_time(best, m));
                    continue;
                }
                other => return Err(Error::InvalidArgument(format!("unknown workload {other}"))),
            };
            let (ms, crossings) = Meter::between(start, meter.read(), overhead);
            let after = rt.stats();
            let opened = rt.reveal_all(&result).await?;
            let want: Vec<i128> = match w.name {
                "mul" => xs.iter().zip(&ys).map(|(a, b)| a * b).collect(),
                "lt" => xs.iter().zip(&ys).map(|(a, b)| i128::from(a < b)).collect(),
                "eq" => xs.iter().zip(&ys).map(|(a, b)| i128::from(a == b)).collect(),
                _ => {
                    let mut s = xs.clone();
                    s.sort();
                    s
                }
            };
            check(w.name, &opened, &want)?;
            let (rounds, bytes_sent) = (after.rounds - before.rounds, after.bytes_sent - before.bytes_sent);
            let m = Measurement { workload: w, ms, rounds, bytes_sent, crossings };
            best = Some(min_by_time(best, m));
        }
        out.extend(best);
    }
    Ok(out)
}

/// The workloads with all `m` parties in this one thread over the in-memory
/// network of [`crate::local`], threshold `t`: the engine's computation
/// alone, without sockets, threads, channel crypto or a browser's data
/// channels. Party 0's measurements; its clock runs while every party
/// computes, so each figure is the work of all `m` parties together.
pub fn run_in_one_thread(m: usize, t: usize, workloads: Vec<Workload>, runs: usize, meter: Meter) -> Result<Vec<Measurement>> {
    let outcome = crate::local::run(m, t, 1, move |rt| run(rt, workloads.clone(), runs, meter))?;
    outcome.results.into_iter().next().ok_or_else(|| Error::Internal("a benchmark without parties".into()))
}

fn min_by_time(best: Option<Measurement>, m: Measurement) -> Measurement {
    match best {
        Some(b) if b.ms <= m.ms => b,
        _ => m,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crossings_between_readings_leave_out_one_reading() {
        let at = |ms, into_wasm, out_of_wasm| Reading { ms, crossings: Some(Crossings { into_wasm, out_of_wasm }) };
        let overhead = Some(Crossings { into_wasm: 1, out_of_wasm: 2 });
        let (ms, crossings) = Meter::between(at(10.0, 100, 200), at(12.5, 141, 290), overhead);
        assert_eq!(ms, 2.5);
        assert_eq!(crossings, Some(Crossings { into_wasm: 40, out_of_wasm: 88 }));
        let uncounted = Reading { ms: 12.5, crossings: None };
        assert_eq!(Meter::between(at(10.0, 100, 200), uncounted, overhead).1, None);
    }
}
