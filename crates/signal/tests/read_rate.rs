//! The read rate: past `max_read_rate` bytes a second (after a burst of a
//! second's worth), the server reads a client's messages more slowly —
//! its sending slows — and the connection stays: every frame arrives, in
//! order, no sooner than the rate allows.

use crate::common;

use std::time::{Duration, Instant};

use cohort_signal::protocol::Limits;
use cohort_signal::server::{ServerConfig, ServerHandle};
use common::*;

#[test]
fn a_fast_sender_is_slowed_not_cut_off() {
    let limits = Limits { max_message: 16 << 10, ..Limits::default() };
    let config = ServerConfig { limits, max_queue_bytes: 1 << 20, max_read_rate: 64 << 10, ..config() };
    let server = ServerHandle::spawn(config).unwrap();
    let (mut a, mut b) = (Client::connect(server.addr()), Client::connect(server.addr()));
    let list = parties(&[&a, &b]);
    a.join("s", &list);
    b.join("s", &list);
    a.presence("s");
    let to = b.fp.clone();
    // 16 frames of 16,000 bytes: 256,000 bytes, a 64 KiB burst and then 64 KiB a second.
    let start = Instant::now();
    let sending = std::thread::spawn(move || {
        for i in 0..16u8 {
            a.relay("s", &to, &[i; 16_000]);
        }
        a
    });
    for i in 0..16u8 {
        let frame = b.binary();
        assert!(frame.ends_with(&[i; 16_000]), "frame {i} out of order");
    }
    let took = start.elapsed();
    let bound = Duration::from_secs_f64((256_000.0 - 65_536.0 - 16_000.0) / 65_536.0);
    assert!(took >= bound, "256,000 bytes were read in {took:?}, faster than 64 KiB a second allows ({bound:?})");
    let mut a = sending.join().unwrap();
    // Both are still connected and served.
    let back = a.fp.clone();
    b.relay("s", &back, b"thanks");
    assert!(a.binary().ends_with(b"thanks"));
    assert_eq!(server.clients(), 2);
}
