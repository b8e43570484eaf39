//! Graceful shutdown: every connected client is told `shutting_down` and
//! closed, the handle returns promptly (whatever the clients do), and later
//! connections fail cleanly.

use crate::common;

use std::net::TcpStream;
use std::time::{Duration, Instant};

use cohort_signal::protocol::ErrorCode;
use common::*;

#[test]
fn clients_are_told_and_closed_and_the_port_is_released() {
    let server = default_server();
    let addr = server.addr();
    let (mut a, mut b, mut c) = (Client::connect(addr), Client::connect(addr), Client::open(addr));
    let list = parties(&[&a, &b]);
    a.join("s", &list);
    b.join("s", &list);
    a.presence("s");
    let start = Instant::now();
    server.shutdown();
    assert!(start.elapsed() < Duration::from_secs(5), "shutdown took {:?}", start.elapsed());
    for client in [&mut a, &mut b, &mut c] {
        client.expect_fatal(ErrorCode::ShuttingDown);
    }
    assert!(TcpStream::connect(addr).is_err(), "the server still accepts connections");
}

#[test]
fn a_client_that_never_reads_does_not_stall_shutdown() {
    let server = default_server();
    let mut a = Client::connect(server.addr());
    let b = Client::connect(server.addr());
    let list = parties(&[&a, &b]);
    a.join("s", &list);
    // b never reads anything.
    let start = Instant::now();
    server.shutdown();
    assert!(start.elapsed() < Duration::from_secs(5), "shutdown took {:?}", start.elapsed());
    a.expect_fatal(ErrorCode::ShuttingDown);
    drop(b);
}

#[test]
fn dropping_the_handle_shuts_down_too() {
    let server = default_server();
    let addr = server.addr();
    let mut a = Client::connect(addr);
    drop(server);
    a.expect_fatal(ErrorCode::ShuttingDown);
    assert!(TcpStream::connect(addr).is_err());
}

#[test]
fn a_connection_that_never_sends_a_request_does_not_stall_shutdown() {
    let server = default_server();
    let _silent = TcpStream::connect(server.addr()).unwrap();
    // Give the server a moment to accept it (it never becomes a client).
    std::thread::sleep(Duration::from_millis(50));
    let start = Instant::now();
    server.shutdown();
    assert!(start.elapsed() < Duration::from_secs(2), "shutdown took {:?}", start.elapsed());
}
