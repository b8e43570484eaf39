//! How fast a channel seals and opens messages, for the benchmarks: the
//! native example (`cargo run --release -p cohort-channel --example
//! throughput`) and the extension's benchmark build, which runs the same in
//! WebAssembly so that `scripts/bench-browser` can show the channel crypto's
//! share of the browser's time.

use crate::{ChannelError, Identity, handshake};

/// The message sizes measured: a product's share, small and large rounds,
/// a 10,000-product round (80 KB) and a megabyte.
pub const SIZES: [usize; 5] = [16, 1 << 10, 19 << 10, 80_000, 1 << 20];

/// Seals `count` messages of `size` bytes on one end of a fresh channel and
/// opens them on the other, checking each; returns the milliseconds taken
/// by `clock` (any clock in milliseconds: `Instant` natively,
/// `performance.now()` in a browser).
pub fn seal_and_open(size: usize, count: usize, clock: fn() -> f64) -> Result<f64, ChannelError> {
    let (alice, bob) = (Identity::generate()?, Identity::generate()?);
    let (initiator, m1) = handshake::initiate(&bob.fingerprint(), b"timing")?;
    let (responder, m2) = handshake::respond(&bob, &alice.fingerprint(), b"timing", &m1)?;
    let (m3, mut a, _) = initiator.finish(&alice, &m2)?;
    let (mut b, _) = responder.finish(&m3)?;
    let msg = vec![7u8; size];
    let start = clock();
    for _ in 0..count {
        let mut opened = None;
        for frame in a.seal(&msg)? {
            opened = b.open(&frame)?;
        }
        if opened.as_deref() != Some(&msg[..]) {
            return Err(ChannelError::Truncated(format!("a {size}-byte message did not come through whole")));
        }
    }
    Ok(clock() - start)
}
