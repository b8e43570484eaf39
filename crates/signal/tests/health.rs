//! The health endpoint: a plain `GET /health` on the WebSocket port
//! answers `200 OK` with the numbers of rooms and clients; any other plain
//! HTTP request is answered 404 or 400 and closed.

use crate::common;

use std::io::{Read, Write};
use std::net::TcpStream;

use common::*;

#[test]
fn health_reports_rooms_and_clients() {
    let server = default_server();
    let (status, body) = http(server.addr(), "GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
    assert_eq!(status, "HTTP/1.1 200 OK");
    assert_eq!(serde_json::from_str::<serde_json::Value>(&body).unwrap(), serde_json::json!({"status": "ok", "rooms": 0, "clients": 0}));

    let (mut a, mut b, _c) = (Client::connect(server.addr()), Client::connect(server.addr()), Client::open(server.addr()));
    let list = parties(&[&a, &b]);
    a.join("s", &list);
    b.join("s", &list);
    let (_, body) = http(server.addr(), "GET /health HTTP/1.1\r\nHost: x\r\nUser-Agent: probe\r\n\r\n");
    assert_eq!(serde_json::from_str::<serde_json::Value>(&body).unwrap(), serde_json::json!({"status": "ok", "rooms": 1, "clients": 3}));
}

#[test]
fn other_plain_requests_are_refused() {
    let server = default_server();
    assert_eq!(http(server.addr(), "GET / HTTP/1.1\r\nHost: x\r\n\r\n").0, "HTTP/1.1 404 Not Found");
    assert_eq!(http(server.addr(), "POST /health HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}").0, "HTTP/1.1 404 Not Found");
    assert_eq!(http(server.addr(), "hello\r\n\r\n").0, "HTTP/1.1 400 Bad Request");
    // A request that arrives in pieces is still read whole.
    let mut tcp = TcpStream::connect(server.addr()).unwrap();
    tcp.set_read_timeout(Some(PATIENCE)).unwrap();
    tcp.write_all(b"GET /hea").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(50));
    tcp.write_all(b"lth HTTP/1.1\r\n\r\n").unwrap();
    let mut response = String::new();
    tcp.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 200 OK"), "{response}");
    // The server still serves WebSockets.
    Client::connect(server.addr());
}
