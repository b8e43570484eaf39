//! Prints how fast a channel seals and opens messages: `cargo run --release -p cohort-channel --example throughput`.

use std::time::Instant;

use cohort_channel::{Identity, handshake};

fn main() {
    let (alice, bob) = (Identity::generate().unwrap(), Identity::generate().unwrap());
    let (i, m1) = handshake::initiate(&bob.fingerprint(), b"bench").unwrap();
    let (r, m2) = handshake::respond(&bob, &alice.fingerprint(), b"bench", &m1).unwrap();
    let (m3, mut a, _) = i.finish(&alice, &m2).unwrap();
    let (mut b, _) = r.finish(&m3).unwrap();
    for size in [16usize, 1 << 10, 19 << 10, 80_000, 1 << 20] {
        let msg = vec![7u8; size];
        let n = (200 << 20) / size.max(1 << 10);
        let start = Instant::now();
        for _ in 0..n {
            for f in a.seal(&msg).unwrap() {
                b.open(&f).unwrap();
            }
        }
        let secs = start.elapsed().as_secs_f64();
        println!("{size:>8} bytes: {:>8.2} µs per message, {:>7.0} MB/s", secs / n as f64 * 1e6, (size * n) as f64 / secs / 1e6);
    }
}
