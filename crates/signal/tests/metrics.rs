//! `GET /metrics`: the server's counts in the Prometheus (OpenMetrics) text
//! format, on the WebSocket port beside `/health`: clients, rooms, relayed
//! messages and bytes, refusals by reason, queued bytes and the relay
//! latency histogram. Nothing that names a room, an identity or an address.

use crate::common;

use std::io::{Read, Write};
use std::net::TcpStream;

use cohort_signal::protocol::ErrorCode;
use common::*;

#[test]
fn metrics_count_what_the_server_did() {
    let server = default_server();
    let addr = server.addr();
    assert_eq!(metric(addr, "cohort_signal_clients"), 0.0);
    assert_eq!(metric(addr, "cohort_signal_queue_budget_bytes"), (1u64 << 30) as f64);
    let (mut a, mut b) = (Client::connect(addr), Client::connect(addr));
    let list = parties(&[&a, &b]);
    a.join("metered", &list);
    b.join("metered", &list);
    a.presence("metered");
    for i in 0..10u8 {
        a.relay("metered", &b.fp, &[i; 100]);
        b.binary();
    }
    a.send(&cohort_signal::protocol::ClientMessage::Leave { room: "elsewhere".into() });
    a.expect_error(ErrorCode::UnknownRoom);
    let text = metrics(addr);
    let value = |name: &str| text.lines().find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse::<f64>().ok());
    assert_eq!(value("cohort_signal_clients"), Some(2.0), "{text}");
    assert_eq!(value("cohort_signal_rooms"), Some(1.0));
    assert_eq!(value("cohort_signal_relayed_messages_total"), Some(10.0));
    // Each relay frame is the room, the recipient and the payload.
    let frame = 2 + "metered".len() + b.fp.len() + 100;
    assert_eq!(value("cohort_signal_relayed_bytes_total"), Some((10 * frame) as f64));
    assert_eq!(value("cohort_signal_refusals_total{reason=\"unknown_room\"}"), Some(1.0));
    assert_eq!(value("cohort_signal_relay_latency_seconds_count"), Some(10.0));
    assert!(value("cohort_signal_queued_bytes").is_some());
    // Nothing names the room or the identities.
    assert!(!text.contains("metered") && !text.contains(&a.fp) && !text.contains(&b.fp), "{text}");
}

#[test]
fn metrics_are_served_as_openmetrics_text() {
    let server = default_server();
    let mut tcp = TcpStream::connect(server.addr()).unwrap();
    tcp.set_read_timeout(Some(PATIENCE)).unwrap();
    tcp.write_all(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    let mut response = String::new();
    tcp.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 200 OK\r\n"), "{response}");
    assert!(response.contains("\r\nContent-Type: application/openmetrics-text; version=1.0.0; charset=utf-8\r\n"), "{response}");
    assert!(response.contains("# TYPE cohort_signal_relay_latency_seconds histogram"), "{response}");
    assert!(response.ends_with("# EOF\n"));
}
