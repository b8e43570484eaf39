//! Prints how fast a channel seals and opens messages: `cargo run --release
//! -p cohort-channel --example throughput [-- --json]` (JSON lines as
//! `scripts/bench-browser` reads them, `"where":"native"`).

use std::sync::OnceLock;
use std::time::Instant;

use cohort_channel::timing::{SIZES, seal_and_open};

fn clock() -> f64 {
    static START: OnceLock<Instant> = OnceLock::new();
    START.get_or_init(Instant::now).elapsed().as_secs_f64() * 1e3
}

fn main() {
    let json = std::env::args().any(|a| a == "--json");
    for size in SIZES {
        let count = (200 << 20) / size.max(1 << 10);
        let ms = seal_and_open(size, count, clock).expect("a channel seals and opens");
        let (us, mb_s) = (ms * 1e3 / count as f64, (size * count) as f64 / ms / 1e3);
        if json {
            println!(r#"{{"layer":"channel_crypto","bytes":{size},"us_per_message":{us:.2},"mb_per_s":{mb_s:.0},"where":"native"}}"#);
        } else {
            println!("{size:>8} bytes: {us:>8.2} µs per message, {mb_s:>7.0} MB/s");
        }
    }
}
