//! Load on a signal server: `rooms` rooms of three parties, each party
//! relaying timestamped messages to the next for `seconds` seconds. Prints
//! rooms, messages per second and p50/p99 relay latency as one JSON line.
//! `scripts/load-signal` starts the server and adds its peak memory.
//!
//! ```text
//! cargo run --release -p cohort-signal --example load -- --url ws://127.0.0.1:7700/ --rooms 20 --seconds 5 [--size 256]
//! ```

use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

use cohort_channel::Identity;
use cohort_mpc::Transport;
use cohort_signal::Endpoint;
use cohort_signal::native::RelayTransport;

fn arg(name: &str, default: &str) -> String {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned().unwrap_or_else(|| default.to_string())
}

fn main() {
    let url = arg("--url", "ws://127.0.0.1:7700/");
    let rooms: usize = arg("--rooms", "20").parse().expect("--rooms N");
    let seconds: f64 = arg("--seconds", "5").parse().expect("--seconds S");
    let size: usize = arg("--size", "256").parse().expect("--size BYTES");
    let epoch = Instant::now();
    let start = Arc::new(Barrier::new(rooms * 3 + 1));
    let mut handles = Vec::new();
    for r in 0..rooms {
        let ids: Vec<Identity> = (0..3).map(|_| Identity::generate().expect("randomness")).collect();
        let fps: Vec<_> = ids.iter().map(Identity::fingerprint).collect();
        for (me, id) in ids.into_iter().enumerate() {
            let (url, fps, start) = (url.clone(), fps.clone(), start.clone());
            handles.push(thread::spawn(move || -> (u64, Vec<u32>) {
                let room = format!("load-{r}");
                let transport =
                    RelayTransport::connect(&Endpoint::new(&url).expect("a ws:// URL"), &id, &room, fps, me, Duration::from_secs(30));
                start.wait();
                let mut t = match transport {
                    Ok(t) => t,
                    Err(e) => {
                        eprintln!("room {r} party {me}: {e}");
                        return (0, Vec::new());
                    }
                };
                let (next, prev) = ((me + 1) % 3, (me + 2) % 3);
                let end = Instant::now() + Duration::from_secs_f64(seconds);
                let (mut sent, mut latencies) = (0u64, Vec::new());
                while Instant::now() < end {
                    let mut msg = vec![0u8; size.max(8)];
                    msg[..8].copy_from_slice(&(epoch.elapsed().as_nanos() as u64).to_le_bytes());
                    if t.send(next, msg).is_err() {
                        break;
                    }
                    sent += 1;
                    match t.recv(prev) {
                        Ok(got) => {
                            let at = u64::from_le_bytes(got[..8].try_into().unwrap_or_default());
                            latencies.push(((epoch.elapsed().as_nanos() as u64).saturating_sub(at) / 1000) as u32);
                        }
                        Err(_) => break,
                    }
                }
                // Let the ring drain: the previous party's last message may still be on its way.
                let _ = t.send(next, vec![0u8; 8]);
                let _ = t.recv(prev);
                (sent, latencies)
            }));
        }
    }
    start.wait();
    let t0 = Instant::now();
    let mut total = 0u64;
    let mut all: Vec<u32> = Vec::new();
    for h in handles {
        let (sent, lat) = h.join().expect("a load thread");
        total += sent;
        all.extend(lat);
    }
    let secs = t0.elapsed().as_secs_f64();
    all.sort_unstable();
    let pct = |p: f64| all.get(((all.len() as f64 - 1.0) * p) as usize).copied().unwrap_or(0);
    println!(
        "{{\"rooms\": {rooms}, \"parties\": {}, \"seconds\": {secs:.2}, \"messages\": {total}, \"messages_per_second\": {:.0}, \"p50_us\": {}, \"p99_us\": {}, \"size\": {size}}}",
        rooms * 3,
        total as f64 / secs,
        pct(0.5),
        pct(0.99)
    );
}
