//! Load on a signal server: `--rooms` rooms of three parties relaying
//! timestamped frames around each room's ring for `--seconds` seconds,
//! optionally with an attack mix beside them. Prints one JSON line.
//! `scripts/load-signal` starts the server, passes its pid, and adds its
//! memory.
//!
//! ```text
//! cargo run --release -p cohort-signal --example load -- --url ws://127.0.0.1:PORT/ [flags]
//!
//!   --rooms N          rooms of 3 parties (20)
//!   --seconds S        the measured window (5)
//!   --size BYTES       relayed payload per frame (256)
//!   --rate N           open loop: N frames/s offered in all, each party on a fixed
//!                      schedule; latency counts from the scheduled time. Without
//!                      it: saturation, each party sending as fast as its ring allows
//!   --inflight N       saturation: frames each party keeps in flight (1)
//!   --attack           the attack mix beside the load (attack.rs), from other addresses
//!   --attack-parts L   only these parts of it (comma-separated: idle, nonreaders, garbage, rooms, joins, auths)
//!   --attack-nonreaders N  non-reading clients at once, each flooded by a peer (4)
//!   --attack-frame BYTES   payload of each flood frame (16384)
//!   --ramp N           connections opened per second before the window (500)
//!   --per-address N    legitimate clients per loopback source address, at most (48)
//!   --threads N        the generator's runtime worker threads (2)
//!   --drain S          after the window, wait at most S s for frames in flight (5)
//!   --server-pid PID   sample the server's CPU time and RSS over the window
//!   --clk-tck N        clock ticks per second, for the CPU time (100; `getconf CLK_TCK`)
//! ```
//!
//! Design: one tokio runtime with a few threads; every party is a task
//! driving the crate's sans-IO client over an async WebSocket
//! ([`party`]). Connections are opened at `--ramp` per second, from
//! loopback source addresses 127.1.0.x in turn, enough of them that none
//! has more than `--per-address` clients or opens more than 10 connections
//! a second: the server runs with its default limits (64 connections and
//! 20 authentications a second per address), as a deployment does, and
//! legitimate clients stay under them. The window starts when every party
//! is seated (or has failed). Everything is loopback: the URL must name a
//! loopback address.
//!
//! Output fields: `messages_per_second` is frames delivered per second of
//! the window; `p50_ms`/`p99_ms`/`max_ms` are relay latencies over every
//! frame sent in the window, a frame never delivered counting as infinitely
//! late (so a percentile that falls among them is `null`);
//! `p99_ms_by_second` is the p99 of the frames due in each second of the
//! window (of those delivered), to see when latency rose;
//! `send_lag_p99_ms`/`send_lag_max_ms` (open loop) say how late the
//! generator itself sent frames after they were due: large values mean the
//! generator, not the server, fell behind (its lag is in the latencies
//! too, as it must be); `failures` are legitimate sessions that ended with
//! an error, by cause. From the server's `/metrics`: the peak clients,
//! rooms and queued bytes (beside the queues' budget, `--memory-budget`),
//! the refusals it counted during the window by reason, and
//! `server_relay_p99_ms_at_most`, the bound of its relay-latency histogram
//! bucket (arrival to forwarding, every relayed frame, the attack's too)
//! that holds the window's p99. The exit status is 1 when any legitimate
//! session failed.

mod attack;
mod net;
mod party;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use cohort_channel::Identity;
use serde_json::{Value, json};
use tokio::sync::watch;
use tokio::time::sleep_until;

use party::{Mode, Party, Phase, Shared};

/// The parties of one room.
const PARTIES: usize = 3;

/// Connections a second from one legitimate source address while joining:
/// half the server's default limit on authentications per address.
const ADDRESS_RATE: f64 = 10.0;

struct Args {
    url: String,
    server: SocketAddr,
    rooms: usize,
    seconds: f64,
    size: usize,
    rate: Option<f64>,
    inflight: usize,
    /// The attack mix, if any.
    attack: Option<attack::Plan>,
    ramp: f64,
    per_address: usize,
    threads: usize,
    drain: f64,
    server_pid: Option<String>,
    clk_tck: f64,
}

impl Args {
    fn parse() -> Result<Args, String> {
        let args: Vec<String> = std::env::args().skip(1).collect();
        let known = [
            "--url",
            "--rooms",
            "--seconds",
            "--size",
            "--rate",
            "--inflight",
            "--ramp",
            "--per-address",
            "--threads",
            "--drain",
            "--server-pid",
            "--clk-tck",
            "--attack-parts",
            "--attack-nonreaders",
            "--attack-frame",
        ];
        let mut i = 0;
        while i < args.len() {
            match args[i].as_str() {
                "--attack" => i += 1,
                flag if known.contains(&flag) && i + 1 < args.len() => i += 2,
                other => return Err(format!("unknown or incomplete argument `{other}` (see the header of examples/load/main.rs)")),
            }
        }
        let value = |name: &str| args.iter().position(|a| a == name).map(|i| args[i + 1].clone());
        fn number<T: std::str::FromStr>(v: Option<String>, name: &str, default: T) -> Result<T, String> {
            v.map(|v| v.parse().map_err(|_| format!("{name}: `{v}` is not a number"))).unwrap_or(Ok(default))
        }
        let url = value("--url").ok_or("--url ws://127.0.0.1:PORT/ is required")?;
        let server: SocketAddr = url
            .strip_prefix("ws://")
            .map(|rest| rest.trim_end_matches('/'))
            .and_then(|host| host.parse().ok())
            .ok_or_else(|| format!("--url `{url}`: give ws://IP:PORT/"))?;
        if !server.ip().is_loopback() {
            return Err(format!("--url `{url}`: the load generator (and its attack mix) only targets loopback addresses"));
        }
        let rate = value("--rate").map(|v| v.parse::<f64>().map_err(|_| format!("--rate: `{v}` is not a number"))).transpose()?;
        let args = Args {
            url,
            server,
            rooms: number(value("--rooms"), "--rooms", 20)?,
            seconds: number(value("--seconds"), "--seconds", 5.0)?,
            size: number(value("--size"), "--size", 256)?,
            rate,
            inflight: number(value("--inflight"), "--inflight", 1)?,
            attack: match args.iter().any(|a| a.starts_with("--attack")) {
                true => Some(attack::Plan {
                    parts: match value("--attack-parts") {
                        Some(list) => list.split(',').map(str::trim).filter(|p| !p.is_empty()).map(str::to_string).collect(),
                        None => attack::PARTS.iter().map(|p| p.to_string()).collect(),
                    },
                    nonreaders: number(value("--attack-nonreaders"), "--attack-nonreaders", 4)?,
                    flood_frame: number(value("--attack-frame"), "--attack-frame", 16 << 10)?,
                    clk_tck: number(value("--clk-tck"), "--clk-tck", 100.0)?,
                }),
                false => None,
            },
            ramp: number(value("--ramp"), "--ramp", 500.0)?,
            per_address: number(value("--per-address"), "--per-address", 48)?,
            threads: number(value("--threads"), "--threads", 2)?,
            drain: number(value("--drain"), "--drain", 5.0)?,
            server_pid: value("--server-pid"),
            clk_tck: number(value("--clk-tck"), "--clk-tck", 100.0)?,
        };
        let positive = [
            (args.rooms > 0, "--rooms"),
            (args.seconds > 0.0, "--seconds"),
            (args.rate.is_none_or(|r| r > 0.0), "--rate"),
            (args.inflight > 0, "--inflight"),
            (args.ramp > 0.0, "--ramp"),
            (args.per_address > 0, "--per-address"),
            (args.threads > 0, "--threads"),
        ];
        if let Some((_, name)) = positive.iter().find(|(ok, _)| !ok) {
            return Err(format!("{name} must be positive"));
        }
        let parts = args.attack.as_ref().map_or(&[][..], |plan| &plan.parts[..]);
        if let Some(part) = parts.iter().find(|p| !attack::PARTS.contains(&p.as_str())) {
            return Err(format!("--attack-parts: no part `{part}` (there are {})", attack::PARTS.join(", ")));
        }
        Ok(args)
    }
}

fn main() {
    let args = match Args::parse() {
        Ok(args) => args,
        Err(e) => {
            eprintln!("load: {e}");
            std::process::exit(2);
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(args.threads).enable_all().build().expect("a tokio runtime");
    let report = runtime.block_on(run(&args));
    let failed = report.legit_failures() > 0;
    println!("{report}");
    // Tasks still running (none should be) are not waited for.
    runtime.shutdown_timeout(Duration::from_secs(1));
    std::process::exit(i32::from(failed));
}

/// Peaks of the server's `/metrics` gauges while the generator runs.
#[derive(Default)]
struct Peaks {
    rooms: AtomicU64,
    clients: AtomicU64,
    queued_bytes: AtomicU64,
}

async fn run(args: &Args) -> Report {
    let (phase_tx, phase_rx) = watch::channel(Phase::Joining);
    let shared = Arc::new(Shared {
        epoch: Instant::now(),
        url: args.url.clone(),
        server: args.server,
        size: args.size.max(8),
        seated: AtomicUsize::new(0),
        unseated: AtomicUsize::new(0),
        sent: AtomicU64::new(0),
        delivered: AtomicU64::new(0),
        phase: phase_rx.clone(),
    });
    let peaks = Arc::new(Peaks::default());
    let polling = tokio::spawn(poll_metrics(args.server, peaks.clone(), phase_rx.clone()));

    // Joining: connections at the ramp's pace, room by room, each party
    // from the next of `addresses` source addresses in turn: at most
    // `--per-address` clients each, and at most ADDRESS_RATE connections a
    // second from each.
    let total = args.rooms * PARTIES;
    let addresses = total.div_ceil(args.per_address).max((args.ramp / ADDRESS_RATE).ceil() as usize).min(total);
    let window = Duration::from_secs_f64(args.seconds);
    // Open loop: frames due in the window, over every party's schedule.
    let mut scheduled = 0u64;
    let ramp = Duration::from_secs_f64(total as f64 / args.ramp);
    let lobby = ramp + Duration::from_secs(30);
    let began = Instant::now();
    let mut parties = Vec::with_capacity(total);
    let mut rooms = Vec::with_capacity(args.rooms);
    for r in 0..args.rooms {
        let ids: Vec<Identity> = (0..PARTIES).map(|_| Identity::generate().expect("randomness")).collect();
        let fps: Vec<_> = ids.iter().map(Identity::fingerprint).collect();
        let room = format!("load-{r}");
        rooms.push((room.clone(), fps.iter().map(ToString::to_string).collect::<Vec<_>>()));
        for (me, identity) in ids.into_iter().enumerate() {
            let g = r * PARTIES + me;
            sleep_until((began + Duration::from_secs_f64(g as f64 / args.ramp)).into()).await;
            let mode = match args.rate {
                Some(rate) => {
                    let interval = Duration::from_secs_f64(total as f64 / rate);
                    let phase = interval.mul_f64(g as f64 / total as f64);
                    scheduled += party::scheduled(phase, interval, window);
                    Mode::Open { interval, phase }
                }
                None => Mode::Saturate { inflight: args.inflight },
            };
            let source = net::legit_address(g % addresses);
            let party = Party { room: room.clone(), parties: fps.clone(), me, identity, source, mode, lobby };
            let shared = shared.clone();
            parties.push(tokio::spawn(async move { party::run(&shared, party).await }));
        }
    }
    // Every party seated or failed (the lobby deadline bounds the wait).
    let joined_by = Instant::now() + lobby + Duration::from_secs(5);
    while shared.seated.load(Ordering::Relaxed) + shared.unseated.load(Ordering::Relaxed) < total && Instant::now() < joined_by {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let ramp_seconds = began.elapsed().as_secs_f64();
    let seated = shared.seated.load(Ordering::Relaxed);

    // The window.
    let metrics_before = net::metrics(args.server).await;
    let start = Instant::now() + Duration::from_millis(100);
    let end = start + window;
    // The attack on a runtime (and thread) of its own, so that its busy
    // tasks do not delay the legitimate parties' in this process.
    let attack = args.attack.clone().map(|plan| {
        let target = attack::Target { url: args.url.clone(), server: args.server, rooms: rooms.clone() };
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a tokio runtime");
            runtime.block_on(attack::run(target, plan, end))
        })
    });
    let _ = phase_tx.send(Phase::Run { start, end });
    sleep_until(start.into()).await;
    let sample = |pid: &str| (net::cpu_ticks(pid), Instant::now());
    let server_before = args.server_pid.as_deref().map(sample);
    let own_before = sample("self");
    let rss_at_start = args.server_pid.as_deref().and_then(|pid| net::status_kb(pid, "VmRSS"));
    sleep_until(end.into()).await;
    let cpu = |before: Option<(Option<u64>, Instant)>, pid: &str| -> Option<f64> {
        let (Some(ticks), at) = before? else { return None };
        let used = net::cpu_ticks(pid)?.saturating_sub(ticks) as f64 / args.clk_tck;
        Some(round(100.0 * used / at.elapsed().as_secs_f64(), 1))
    };
    let server_cpu = args.server_pid.as_deref().and_then(|pid| cpu(server_before, pid));
    let own_cpu = cpu(Some(own_before), "self");
    let rss_at_end = args.server_pid.as_deref().and_then(|pid| net::status_kb(pid, "VmRSS"));
    let metrics_after = net::metrics(args.server).await;
    let (refusals, relay_p99) = match (&metrics_before, &metrics_after) {
        (Some(before), Some(after)) => {
            let bound = after.relay_latency_bound_since(before, 0.99);
            (
                json!(after.refusals_since(before)),
                bound.map_or(Value::Null, |s| if s.is_finite() { json!(s * 1000.0) } else { json!("over") }),
            )
        }
        _ => (Value::Null, Value::Null),
    };
    let budget = metrics_after.as_ref().map(|m| m.get("cohort_signal_queue_budget_bytes") as u64);

    // The drain: frames in flight (and, open loop, frames due but not yet
    // sent by a party running late) arrive, or the drain time is up.
    let drain_by = Instant::now() + Duration::from_secs_f64(args.drain);
    let expected = || shared.sent.load(Ordering::Relaxed).max(scheduled);
    while shared.delivered.load(Ordering::Relaxed) < expected() && Instant::now() < drain_by {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let _ = phase_tx.send(Phase::Stop);

    let mut timed: Vec<(u32, u32)> = Vec::new();
    let mut lags: Vec<u32> = Vec::new();
    let (mut sent, mut failures) = (0u64, BTreeMap::<String, u64>::new());
    let leave_by = Instant::now() + Duration::from_secs(5);
    for task in parties {
        let outcome = match tokio::time::timeout_at(leave_by.into(), task).await {
            Ok(Ok(outcome)) => outcome,
            Ok(Err(_)) => party::Outcome { failure: Some("panicked".into()), ..party::Outcome::default() },
            Err(_) => party::Outcome { failure: Some("hung".into()), ..party::Outcome::default() },
        };
        sent += outcome.sent;
        timed.extend(outcome.latencies);
        lags.extend(outcome.lags);
        if let Some(code) = outcome.failure {
            *failures.entry(code).or_default() += 1;
        }
    }
    let attack = match attack {
        // It stops by itself a few seconds after the window.
        Some(thread) => tokio::task::spawn_blocking(move || thread.join()).await.ok().and_then(Result::ok).unwrap_or(json!("panicked")),
        None => Value::Null,
    };
    polling.abort();

    // The p99 of the frames due in each second of the window (of those delivered).
    timed.sort_unstable();
    let mut by_second = Vec::new();
    for second in timed.chunk_by(|a, b| a.0 == b.0) {
        let rank = ((0.99 * second.len() as f64).ceil() as usize).clamp(1, second.len()) - 1;
        by_second.push(round(f64::from(second[rank].1) / 1000.0, 1));
    }
    let mut latencies: Vec<u32> = timed.into_iter().map(|(_, us)| us).collect();
    latencies.sort_unstable();
    let delivered = latencies.len() as u64;
    // Open loop, every frame due counts, sent or not (a party running late
    // has not hidden it); saturation, every frame sent.
    let due = sent.max(scheduled);
    // Nearest rank over those; undelivered ones rank last, infinitely late.
    let ms = |us: u32| json!(round(f64::from(us) / 1000.0, 3));
    let pct = |p: f64| -> Value {
        if due == 0 {
            return Value::Null;
        }
        let rank = ((p * due as f64).ceil() as usize).clamp(1, due as usize) - 1;
        latencies.get(rank).copied().map_or(Value::Null, ms)
    };
    let max = if delivered < due { Value::Null } else { latencies.last().copied().map_or(Value::Null, ms) };
    lags.sort_unstable();
    let lag = |p: f64| -> Value {
        let rank = ((p * lags.len() as f64).ceil() as usize).clamp(1, lags.len().max(1)) - 1;
        lags.get(rank).copied().map_or(Value::Null, ms)
    };
    let legit_failures: u64 = failures.values().sum();
    let open = args.rate.is_some();
    Report(vec![
        ("mode", json!(if open { "open_loop" } else { "saturation" })),
        ("rooms", json!(args.rooms)),
        ("parties", json!(total)),
        ("seated", json!(seated)),
        ("ramp_seconds", json!(round(ramp_seconds, 2))),
        ("seconds", json!(args.seconds)),
        ("size", json!(args.size)),
        ("offered_per_second", json!(args.rate)),
        ("scheduled", if open { json!(scheduled) } else { Value::Null }),
        ("sent", json!(sent)),
        ("delivered", json!(delivered)),
        ("undelivered", json!(due - delivered.min(due))),
        ("messages_per_second", json!(round(delivered as f64 / args.seconds, 1))),
        ("p50_ms", pct(0.50)),
        ("p99_ms", pct(0.99)),
        ("max_ms", max),
        ("p99_ms_by_second", json!(by_second)),
        ("send_lag_p99_ms", lag(0.99)),
        ("send_lag_max_ms", lag(1.0)),
        ("legit_failures", json!(legit_failures)),
        ("failures", json!(failures)),
        ("server_cpu_percent", json!(server_cpu)),
        ("server_rss_kb_window_start", json!(rss_at_start)),
        ("server_rss_kb_window_end", json!(rss_at_end)),
        ("server_relay_p99_ms_at_most", relay_p99),
        ("server_clients_before_window", json!(metrics_before.as_ref().map(|m| m.get("cohort_signal_clients") as u64))),
        ("server_clients_peak", json!(peaks.clients.load(Ordering::Relaxed))),
        ("server_rooms_peak", json!(peaks.rooms.load(Ordering::Relaxed))),
        ("server_queued_bytes_peak", json!(peaks.queued_bytes.load(Ordering::Relaxed))),
        ("server_queue_budget_bytes", json!(budget)),
        ("server_refusals", refusals),
        ("addresses", json!(addresses)),
        ("generator_cpu_percent", json!(own_cpu)),
        ("generator_threads", json!(args.threads)),
        ("attack", attack),
    ])
}

/// The report: a JSON object with its fields in this order.
struct Report(Vec<(&'static str, Value)>);

impl Report {
    fn legit_failures(&self) -> u64 {
        self.0.iter().find(|(k, _)| *k == "legit_failures").and_then(|(_, v)| v.as_u64()).unwrap_or(1)
    }
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("{")?;
        for (i, (key, value)) in self.0.iter().enumerate() {
            write!(f, "{}{}: {value}", if i == 0 { "" } else { ", " }, Value::from(*key))?;
        }
        f.write_str("}")
    }
}

/// Polls `/metrics` four times a second for the peak rooms, clients and queued bytes, until the stop.
async fn poll_metrics(server: SocketAddr, peaks: Arc<Peaks>, phase: watch::Receiver<Phase>) {
    while *phase.borrow() != Phase::Stop {
        if let Some(m) = net::metrics(server).await {
            peaks.rooms.fetch_max(m.get("cohort_signal_rooms") as u64, Ordering::Relaxed);
            peaks.clients.fetch_max(m.get("cohort_signal_clients") as u64, Ordering::Relaxed);
            peaks.queued_bytes.fetch_max(m.get("cohort_signal_queued_bytes") as u64, Ordering::Relaxed);
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

fn round(x: f64, digits: i32) -> f64 {
    let scale = 10f64.powi(digits);
    (x * scale).round() / scale
}
