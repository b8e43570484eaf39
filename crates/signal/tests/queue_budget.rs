//! The byte budget of one client's queue: a client that stops reading while
//! a peer sends it large frames is disconnected (`queue_full`) once more
//! than `max_queue_bytes` wait for it, however few messages that is, and
//! its peer is served on.

use crate::common;

use cohort_channel::Identity;
use cohort_signal::protocol::Limits;
use cohort_signal::server::{ServerConfig, ServerHandle};
use common::*;

#[test]
fn a_client_over_its_byte_budget_is_disconnected() {
    let limits = Limits { max_message: 64 << 10, ..Limits::default() };
    let server = ServerHandle::spawn(ServerConfig { limits, max_queue_bytes: 256 << 10, ..config() }).unwrap();
    let addr = server.addr();
    let mut slow = Client::open_over(addr, Identity::generate().unwrap(), tcp_from(addr, "127.0.0.1", Some(4096)));
    slow.auth();
    slow.msg();
    let mut fast = Client::connect(addr);
    let list = parties(&[&slow, &fast]);
    slow.join("s", &list);
    fast.join("s", &list);
    slow.presence("s");
    // Far fewer frames than the 1,024 messages a queue may hold.
    let frame = vec![7u8; 60_000];
    let slow_fp = slow.fp.clone();
    let dropped = flood(&mut fast, "s", &slow_fp, &frame, 600, || server.clients() == 1);
    assert!(dropped, "the slow client was not dropped");
    let why = read_to_the_end(&mut slow);
    assert_eq!(why, format!("queue_full: more than {} bytes waiting: the client reads too slowly", 256 << 10));
    assert!(metric(addr, "cohort_signal_refusals_total{reason=\"queue_full\"}") >= 1.0);
    wait_until("the dropped queue is given back", || metric(addr, "cohort_signal_queued_bytes") == 0.0);
    // The fast client is served on.
    fast.relay("s", &fast.fp.clone(), b"to myself");
    loop {
        match fast.recv() {
            Incoming::Binary(got) => break assert!(got.ends_with(b"to myself")),
            Incoming::Text(_) => {}
        }
    }
}
