//! The server's memory budget for all queues together: past three quarters
//! of it, no new room opens (`server_busy`, and `/health` says `busy`) while
//! existing rooms carry on; at it, the client with the most unread bytes is
//! disconnected to make room. A room whose parties read carries on
//! throughout.

use crate::common;

use cohort_channel::Identity;
use cohort_signal::protocol::{ErrorCode, Limits};
use cohort_signal::server::{ServerConfig, ServerHandle};
use common::*;

const BUDGET: usize = 2 << 20;

fn queued(addr: std::net::SocketAddr) -> usize {
    metric(addr, "cohort_signal_queued_bytes") as usize
}

#[test]
fn near_the_budget_no_rooms_open_and_at_it_the_biggest_reader_goes() {
    let limits = Limits { max_message: 64 << 10, ..Limits::default() };
    let config = ServerConfig { limits, max_queue_bytes: BUDGET / 4 * 3, memory_budget: BUDGET, ..config() };
    let server = ServerHandle::spawn(config).unwrap();
    let addr = server.addr();
    let not_reading = || {
        let mut c = Client::open_over(addr, Identity::generate().unwrap(), tcp_from(addr, "127.0.0.1", Some(4096)));
        c.auth();
        c.msg();
        c
    };
    let (mut slow1, mut slow2) = (not_reading(), not_reading());
    let (mut f1, mut f2) = (Client::connect(addr), Client::connect(addr));
    let (l1, l2, l3) = (Client::connect(addr), Client::connect(addr), Client::connect(addr));
    let (mut l1, mut l2, mut l3) = (l1, l2, l3);
    let live = parties(&[&l1, &l2, &l3]);
    l1.join("live", &live);
    l2.join("live", &live);
    l1.presence("live");
    let pair1 = parties(&[&slow1, &f1]);
    slow1.join("slow1", &pair1);
    f1.join("slow1", &pair1);
    let pair2 = parties(&[&slow2, &f2]);
    slow2.join("slow2", &pair2);
    f2.join("slow2", &pair2);
    let exchange = |a: &mut Client, b: &mut Client| {
        let to = b.fp.clone();
        a.relay("live", &to, b"still here");
        loop {
            match b.recv() {
                Incoming::Binary(got) => break assert!(got.ends_with(b"still here")),
                Incoming::Text(_) => {}
            }
        }
    };
    let frame = vec![1u8; 60_000];
    let (fp1, fp2) = (slow1.fp.clone(), slow2.fp.clone());

    // slow1 holds about 1.2 MiB: not busy yet.
    assert!(flood(&mut f1, "slow1", &fp1, &frame, 2000, || queued(addr) >= 1_200_000), "slow1's queue did not grow");
    exchange(&mut l1, &mut l2);
    // slow2 takes every queue together past three quarters: busy.
    assert!(flood(&mut f2, "slow2", &fp2, &frame, 2000, || queued(addr) >= BUDGET / 4 * 3), "the queues did not reach 3/4");
    let (status, body) = http(addr, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
    assert_eq!(status, "HTTP/1.1 200 OK");
    assert!(body.contains("\"status\":\"busy\""), "{body}");
    let newcomers = parties(&[&l1, &l3]);
    l1.send(&cohort_signal::protocol::ClientMessage::Join { room: "new".into(), token: None, parties: newcomers, size: None });
    let refusal = l1.expect_error(ErrorCode::ServerBusy);
    assert!(refusal.contains("opens no new rooms"), "{refusal}");
    // An existing room still seats its parties.
    assert_eq!(l3.join("live", &live).len(), 3);
    exchange(&mut l2, &mut l3);
    // Past the budget, slow1 (the most unread) goes; slow2 is served on.
    assert!(flood(&mut f2, "slow2", &fp2, &frame, 2000, || server.clients() == 6), "no one was disconnected");
    let why = read_to_the_end(&mut slow1);
    assert!(why.starts_with("queue_full: the server is short of memory for queued messages, and this client had the most unread"), "{why}");
    assert!(queued(addr) <= BUDGET);
    // Every live party is still there, and relays.
    exchange(&mut l3, &mut l1);
    exchange(&mut l1, &mut l2);
}
