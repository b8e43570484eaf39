//! Limits, each with its own error: a message over the size limit
//! (`too_large`), more messages per second than allowed (`rate_limited`),
//! and silence past the idle timeout (`idle_timeout`) end the connection;
//! a quiet client that answers the server's pings stays connected; past
//! `max_clients` connections, new ones are answered `503`.

use crate::common;

use std::time::{Duration, Instant};

use cohort_signal::protocol::{ClientMessage, ErrorCode, Limits, ServerMessage};
use cohort_signal::server::{ServerConfig, ServerHandle};
use common::*;
use tungstenite::WebSocket;

#[test]
fn an_oversized_text_message_is_too_large() {
    let server = server(Limits { max_message: 4096, ..Limits::default() });
    let mut a = Client::connect(server.addr());
    a.send_text(&format!(r#"{{"type":"leave","room":"{}"}}"#, "x".repeat(5000)));
    a.expect_fatal(ErrorCode::TooLarge);
    // Before authentication too.
    let mut b = Client::open(server.addr());
    b.send_text(&"x".repeat(100_000));
    b.expect_fatal(ErrorCode::TooLarge);
}

#[test]
fn an_oversized_relay_frame_is_too_large() {
    let server = server(Limits { max_message: 4096, ..Limits::default() });
    let (mut a, mut b) = (Client::connect(server.addr()), Client::connect(server.addr()));
    let list = parties(&[&a, &b]);
    a.join("s", &list);
    b.join("s", &list);
    a.presence("s");
    a.relay("s", &b.fp, &[7; 4000]);
    assert_eq!(b.binary().len(), 4000 + 2 + 1 + b.fp.len());
    a.relay("s", &b.fp, &[7; 5000]);
    a.expect_fatal(ErrorCode::TooLarge);
    assert_eq!(b.presence("s"), vec![b.fp.clone()]);
}

#[test]
fn too_many_messages_per_second_are_rate_limited() {
    let server = server(Limits { max_rate: 10, ..Limits::default() });
    let mut a = Client::connect(server.addr());
    // The auth used one token of ten; nine more requests are answered, the next ends it.
    for _ in 0..30 {
        let msg = serde_json::to_string(&ClientMessage::Leave { room: "nowhere".into() }).unwrap();
        if a.ws.send(tungstenite::Message::text(msg)).is_err() {
            break;
        }
    }
    let mut answered = 0;
    loop {
        match a.msg() {
            ServerMessage::Error { code: ErrorCode::UnknownRoom, .. } => answered += 1,
            ServerMessage::Error { code: ErrorCode::RateLimited, .. } => break,
            other => panic!("unexpected {other:?}"),
        }
    }
    // Nine, plus what the bucket refilled meanwhile on a slow machine.
    assert!((9..=12).contains(&answered), "{answered} answered");
    a.expect_closed();
}

#[test]
fn a_steady_rate_under_the_limit_is_fine() {
    let server = server(Limits { max_rate: 100, ..Limits::default() });
    let mut a = Client::connect(server.addr());
    // 150 messages over ~1.5 s: more than the burst, under the rate.
    for _ in 0..150 {
        a.send(&ClientMessage::Leave { room: "nowhere".into() });
        a.expect_error(ErrorCode::UnknownRoom);
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn a_silent_client_times_out() {
    let server = server(Limits { idle_timeout_secs: 2, heartbeat_secs: 1, ..Limits::default() });
    let mut a = Client::connect(server.addr());
    let unauthenticated = Client::open(server.addr());
    let start = Instant::now();
    // Not reading means not answering pings either.
    std::thread::sleep(Duration::from_millis(2500));
    a.expect_fatal(ErrorCode::IdleTimeout);
    let mut b = unauthenticated;
    b.expect_fatal(ErrorCode::IdleTimeout);
    assert!(start.elapsed() < Duration::from_secs(4));
    wait_until("no clients remain", || server.clients() == 0);
}

#[test]
fn a_quiet_client_that_answers_pings_stays() {
    let server = server(Limits { idle_timeout_secs: 2, heartbeat_secs: 1, ..Limits::default() });
    let mut a = Client::connect(server.addr());
    a.ws.get_mut().set_read_timeout(Some(Duration::from_millis(100))).unwrap();
    let (start, mut pings) = (Instant::now(), 0);
    while start.elapsed() < Duration::from_millis(3500) {
        match a.ws.read() {
            Ok(tungstenite::Message::Ping(_)) => pings += 1,
            Ok(other) => panic!("unexpected {other:?}"),
            Err(tungstenite::Error::Io(e)) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(e) => panic!("dropped: {e}"),
        }
    }
    assert!(pings >= 2, "{pings} pings");
    a.ws.get_mut().set_read_timeout(Some(PATIENCE)).unwrap();
    a.send(&ClientMessage::Leave { room: "nowhere".into() });
    a.expect_error(ErrorCode::UnknownRoom);
}

#[test]
fn connections_past_max_clients_are_refused_until_one_leaves() {
    let config = ServerConfig { listen: "127.0.0.1:0".parse().unwrap(), max_clients: 2, log: false, ..ServerConfig::default() };
    let server = ServerHandle::spawn(config).unwrap();
    let addr = server.addr();
    let (a, _b) = (Client::connect(addr), Client::connect(addr));
    // Ok when accepted; otherwise the HTTP status, or None for a reset.
    let try_connect = || -> Result<(), Option<u16>> {
        let tcp = std::net::TcpStream::connect(addr).unwrap();
        tcp.set_read_timeout(Some(PATIENCE)).unwrap();
        match tungstenite::client::client(format!("ws://{addr}/"), tcp) {
            Ok(_) => Ok(()),
            Err(tungstenite::HandshakeError::Failure(tungstenite::Error::Http(response))) => Err(Some(response.status().as_u16())),
            // Refused before the request was read: the reset may overtake the answer.
            Err(tungstenite::HandshakeError::Failure(tungstenite::Error::Io(_) | tungstenite::Error::Protocol(_))) => Err(None),
            Err(e) => panic!("expected a 503, got {e}"),
        }
    };
    let refused = try_connect().expect_err("a third connection was accepted");
    assert!(matches!(refused, Some(503) | None), "{refused:?}");
    drop(a);
    wait_until("a place is free", || try_connect().is_ok());
}

#[test]
fn a_client_that_only_answers_pings_is_dropped_at_the_authentication_deadline() {
    let limits = Limits { idle_timeout_secs: 10, heartbeat_secs: 1, ..Limits::default() };
    let config =
        ServerConfig { listen: "127.0.0.1:0".parse().unwrap(), limits, auth_timeout_secs: 2, log: false, ..ServerConfig::default() };
    let server = ServerHandle::spawn(config).unwrap();
    let mut lurker = Client::open(server.addr());
    let mut member = Client::connect(server.addr());
    lurker.ws.get_mut().set_read_timeout(Some(Duration::from_millis(100))).unwrap();
    let start = Instant::now();
    // Reading answers the server's pings with pongs: activity, but no `auth`.
    let mut pings = 0;
    let refusal = loop {
        match lurker.ws.read() {
            Ok(tungstenite::Message::Ping(_)) => pings += 1,
            Ok(tungstenite::Message::Text(text)) => break text.to_string(),
            Ok(other) => panic!("unexpected {other:?}"),
            Err(tungstenite::Error::Io(e)) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(e) => panic!("dropped without a reason: {e}"),
        }
        assert!(start.elapsed() < Duration::from_secs(5), "still connected after {:?}", start.elapsed());
    };
    assert!(pings >= 1, "the server pinged ({pings})");
    assert!(start.elapsed() >= Duration::from_millis(1900), "dropped early, after {:?}", start.elapsed());
    assert!(refusal.contains("auth_failed") && refusal.contains("not authenticated within 2 s"), "{refusal}");
    // The authenticated client stays.
    member.send(&ClientMessage::Leave { room: "nowhere".into() });
    member.expect_error(ErrorCode::UnknownRoom);
}

#[test]
fn one_address_cannot_take_every_slot() {
    let config = ServerConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        max_clients: 100,
        max_clients_per_address: 2,
        log: false,
        ..ServerConfig::default()
    };
    let server = ServerHandle::spawn(config).unwrap();
    let addr = server.addr();
    // A WebSocket handshake from `source` (a loopback address): Ok, or the refusal's status (None for a reset).
    let handshake = |source: &str| -> Result<WebSocket<std::net::TcpStream>, Option<u16>> {
        let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
        socket.bind(&format!("{source}:0").parse::<std::net::SocketAddr>().unwrap().into()).unwrap();
        socket.connect(&addr.into()).unwrap();
        let tcp: std::net::TcpStream = socket.into();
        tcp.set_read_timeout(Some(PATIENCE)).unwrap();
        match tungstenite::client::client(format!("ws://{addr}/"), tcp) {
            Ok((ws, _)) => Ok(ws),
            Err(tungstenite::HandshakeError::Failure(tungstenite::Error::Http(response))) => Err(Some(response.status().as_u16())),
            Err(tungstenite::HandshakeError::Failure(tungstenite::Error::Io(_) | tungstenite::Error::Protocol(_))) => Err(None),
            Err(e) => panic!("expected a 503, got {e}"),
        }
    };
    let (first, _second) = (handshake("127.0.0.1").unwrap(), handshake("127.0.0.1").unwrap());
    let Err(refused) = handshake("127.0.0.1") else { panic!("a third connection from one address was accepted") };
    assert!(matches!(refused, Some(503) | None), "{refused:?}");
    // Another address still gets in, though the first is at its limit.
    let _other = handshake("127.0.0.2").expect("another address is refused");
    drop(first);
    wait_until("the address has a place again", || handshake("127.0.0.1").is_ok());
}
