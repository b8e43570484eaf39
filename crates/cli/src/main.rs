//! `cohort`: run MPC parties natively and benchmark the engine.
//!
//! ```text
//! cohort sum 10 20 12                 three local parties; everyone learns the sum
//! cohort bench --parties 3 --json     the engine workloads, one JSON line each
//! ```

mod bench;
mod launch;

use std::process::ExitCode;

/// Protocol rounds allocate and free large vectors; mimalloc reuses them
/// where the system allocator maps and unmaps fresh pages every time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::{Parser, Subcommand};
use cohort_mpc::{Receivers, Result, SecType, Value};

#[derive(Parser)]
#[command(name = "cohort", version, about = "Secure multiparty computation: run parties natively and benchmark the engine")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run one local party per value over TCP loopback; each inputs its value
    /// secretly and all learn only the sum.
    Sum {
        /// One private input per party (at least one).
        #[arg(required = true, allow_negative_numbers = true)]
        values: Vec<i64>,
        /// Shamir threshold (default (m-1)/2).
        #[arg(long)]
        threshold: Option<usize>,
        /// Bit length of the secure integers.
        #[arg(long, default_value_t = 32)]
        bits: u32,
    },
    /// Benchmark the engine: parties on this machine over TCP loopback.
    Bench {
        /// Number of parties.
        #[arg(long, default_value_t = 3)]
        parties: usize,
        /// Shamir threshold (default (m-1)/2).
        #[arg(long)]
        threshold: Option<usize>,
        /// Runs per workload; the fastest is reported.
        #[arg(long, default_value_t = 3)]
        runs: usize,
        /// Only these workloads (comma-separated: mul, mul_latency, lt, eq, sort).
        #[arg(long, value_delimiter = ',')]
        only: Vec<String>,
        /// Print one JSON object per line.
        #[arg(long)]
        json: bool,
    },
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("cohort: {e}");
            ExitCode::FAILURE
        }
    }
}

fn default_threshold(m: usize, t: Option<usize>) -> usize {
    t.unwrap_or(m.saturating_sub(1) / 2)
}

fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Sum { values, threshold, bits } => sum(values, threshold, bits),
        Command::Bench { parties, threshold, runs, only, json } => bench(parties, threshold, runs, only, json),
    }
}

fn sum(values: Vec<i64>, threshold: Option<usize>, bits: u32) -> Result<()> {
    let m = values.len();
    let ty = SecType::int(bits)?;
    for &v in &values {
        ty.encode(Value::Int(v.into()))?; // clear error before any party starts
    }
    let results = launch::run_parties(m, default_threshold(m, threshold), move |id| {
        let mine = [Value::Int(values[id].into())];
        move |rt: std::rc::Rc<cohort_mpc::Runtime>| async move {
            let mut total = None;
            for owner in 0..rt.parties() {
                let x = rt.input(&ty, owner, (owner == rt.id()).then_some(&mine[..]), 1).await?;
                total = Some(match total {
                    None => x,
                    Some(t) => x.add(&t)?,
                });
            }
            let total = total.expect("at least one party");
            Ok((rt.reveal(&total, &Receivers::All).await?, rt.stats()))
        }
    })?;
    let mut out = String::new();
    for (id, (opened, stats)) in results.iter().enumerate() {
        let shown = opened.as_ref().and_then(|v| v.first()).map_or("-".to_string(), |v| format!("{}", v.as_f64()));
        out.push_str(&format!("party {id}: sum = {shown}  ({} rounds, {} bytes sent)\n", stats.rounds, stats.bytes_sent));
    }
    print_out(&out)
}

/// Writes to standard output; a reader that stopped early (`| head`) is not
/// an error.
fn print_out(text: &str) -> Result<()> {
    use std::io::Write;
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(cohort_mpc::Error::Transport(format!("writing the output: {e}"))),
        _ => Ok(()),
    }
}

fn bench(parties: usize, threshold: Option<usize>, runs: usize, only: Vec<String>, json: bool) -> Result<()> {
    let workloads: Vec<bench::Workload> =
        bench::WORKLOADS.iter().copied().filter(|w| only.is_empty() || only.iter().any(|o| o == w.name)).collect();
    if let Some(unknown) = only.iter().find(|o| !bench::WORKLOADS.iter().any(|w| w.name == o.as_str())) {
        return Err(cohort_mpc::Error::InvalidArgument(format!("unknown workload {unknown}")));
    }
    let t = default_threshold(parties, threshold);
    let results = launch::run_parties(parties, t, move |_| {
        let workloads = workloads.clone();
        move |rt| bench::run(rt, workloads, runs)
    })?;
    // Party 0's clock, as MPyC reports.
    let mut out = String::new();
    for m in &results[0] {
        if json {
            let line = serde_json::json!({
                "workload": m.workload.name, "n": m.workload.n, "ms": (m.ms * 1000.0).round() / 1000.0,
                "rounds": m.rounds, "bytes_sent": m.bytes_sent, "parties": parties, "threshold": t,
            });
            out.push_str(&format!("{line}\n"));
        } else {
            out.push_str(&format!(
                "{:<12} n={:<6} {:>10.3} ms  {:>4} rounds  {:>9} bytes sent\n",
                m.workload.name, m.workload.n, m.ms, m.rounds, m.bytes_sent
            ));
        }
    }
    print_out(&out)
}
