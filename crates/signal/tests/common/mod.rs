//! Helpers for the signal server tests: a server on a free port, and a
//! blocking WebSocket client that authenticates with a fresh identity.
//! Every socket has a read timeout, so a missing message fails a test
//! instead of hanging it.

#![allow(unreachable_pub)]

use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use cohort_channel::{AdmissionToken, Identity, signal_auth};
use cohort_signal::protocol::{ClientMessage, ErrorCode, Limits, SERVER_NAME, ServerMessage};
use cohort_signal::server::{ServerConfig, ServerHandle};
use tungstenite::{Message, WebSocket};

/// How long a test waits for any one message.
pub const PATIENCE: Duration = Duration::from_secs(5);

/// A quiet server on a free local port with these limits. Every test
/// client connects from 127.0.0.1, so authentications per address are not
/// limited here (`auth_rate.rs` tests that limit).
pub fn server(limits: Limits) -> ServerHandle {
    ServerHandle::spawn(ServerConfig { limits, ..config() }).unwrap()
}

/// The configuration of [`server`]: a free local port, quiet unless
/// `COHORT_TEST_LOG` is set, no limit on authentications per address.
pub fn config() -> ServerConfig {
    ServerConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        log: std::env::var_os("COHORT_TEST_LOG").is_some(),
        auth_rate_per_address: 0,
        ..ServerConfig::default()
    }
}

/// A server with the default limits.
pub fn default_server() -> ServerHandle {
    server(Limits::default())
}

/// Polls `done` until it holds, failing the test after [`PATIENCE`].
pub fn wait_until(what: &str, done: impl Fn() -> bool) {
    let deadline = Instant::now() + PATIENCE;
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// `AUTH_CONTEXT ‖ nonce ‖ origin`, signed, in hex.
pub fn sign_challenge(identity: &Identity, nonce_hex: &str, origin: &str) -> String {
    let nonce: [u8; 32] = unhex(nonce_hex).try_into().unwrap();
    hex(&identity.sign(&signal_auth::message(&nonce, origin)))
}

/// The open room of this (public) token: its id, and the token in hex.
pub fn open_room(label: &str) -> (String, String) {
    let token = AdmissionToken::public(label);
    (token.session(), token.to_hex())
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn unhex(s: &str) -> Vec<u8> {
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}

/// The fingerprints of these clients, sorted: a room's party list.
pub fn parties(clients: &[&Client]) -> Vec<String> {
    let mut fps: Vec<String> = clients.iter().map(|c| c.fp.clone()).collect();
    fps.sort();
    fps
}

/// A TCP connection to `addr` from the loopback address `source`
/// (`127.0.0.2`, …), with a receive buffer of about `receive_buffer` bytes if given.
pub fn tcp_from(addr: SocketAddr, source: &str, receive_buffer: Option<usize>) -> TcpStream {
    let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    socket.bind(&format!("{source}:0").parse::<SocketAddr>().unwrap().into()).unwrap();
    if let Some(size) = receive_buffer {
        socket.set_recv_buffer_size(size).unwrap();
    }
    socket.connect(&addr.into()).unwrap();
    socket.into()
}

/// Sends a plain HTTP `request` and reads the whole response: (status line, body).
pub fn http(addr: SocketAddr, request: &str) -> (String, String) {
    use std::io::{Read, Write};
    let mut tcp = TcpStream::connect(addr).unwrap();
    tcp.set_read_timeout(Some(PATIENCE)).unwrap();
    tcp.write_all(request.as_bytes()).unwrap();
    let mut response = String::new();
    tcp.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap();
    (head.lines().next().unwrap().to_string(), body.to_string())
}

/// The server's `/metrics` text.
pub fn metrics(addr: SocketAddr) -> String {
    let (status, body) = http(addr, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
    assert_eq!(status, "HTTP/1.1 200 OK");
    body
}

/// The value of one sample of `/metrics` (`name` with its labels as written), 0 when absent.
pub fn metric(addr: SocketAddr, name: &str) -> f64 {
    let text = metrics(addr);
    text.lines().find_map(|line| line.strip_prefix(name)?.strip_prefix(' ')?.parse().ok()).unwrap_or(0.0)
}

/// Something the server sent.
#[derive(Debug, PartialEq)]
pub enum Incoming {
    Text(ServerMessage),
    Binary(Vec<u8>),
}

/// A test client: a WebSocket and an identity.
pub struct Client {
    pub ws: WebSocket<TcpStream>,
    pub identity: Identity,
    /// The identity's fingerprint.
    pub fp: String,
    /// The connection's challenge nonce, hex.
    pub nonce: String,
    /// The origin of the URL connected to (`ws://127.0.0.1:PORT`).
    pub origin: String,
}

impl Client {
    /// Connects with a fresh identity and reads the challenge (no auth yet).
    pub fn open(addr: SocketAddr) -> Client {
        Client::open_as(addr, Identity::generate().unwrap())
    }

    /// Connects as `identity` and reads the challenge (no auth yet).
    pub fn open_as(addr: SocketAddr, identity: Identity) -> Client {
        Client::open_over(addr, identity, TcpStream::connect(addr).unwrap())
    }

    /// Opens the WebSocket over `tcp` (connected to `addr`) as `identity`
    /// and reads the challenge.
    pub fn open_over(addr: SocketAddr, identity: Identity, tcp: TcpStream) -> Client {
        tcp.set_read_timeout(Some(PATIENCE)).unwrap();
        tcp.set_write_timeout(Some(PATIENCE)).unwrap();
        tcp.set_nodelay(true).unwrap();
        let (ws, _) = tungstenite::client::client(format!("ws://{addr}/"), tcp).unwrap();
        let fp = identity.fingerprint().to_string();
        let origin = format!("ws://{addr}");
        let mut client = Client { ws, identity, fp, nonce: String::new(), origin };
        match client.msg() {
            ServerMessage::Challenge { nonce, server } => {
                assert_eq!(server, SERVER_NAME);
                assert_eq!(nonce.len(), 64);
                client.nonce = nonce;
            }
            other => panic!("expected a challenge, got {other:?}"),
        }
        client
    }

    /// Connects with a fresh identity and authenticates.
    pub fn connect(addr: SocketAddr) -> Client {
        Client::connect_as(addr, Identity::generate().unwrap())
    }

    /// Connects as `identity` and authenticates.
    pub fn connect_as(addr: SocketAddr, identity: Identity) -> Client {
        let mut client = Client::open_as(addr, identity);
        client.auth();
        match client.msg() {
            ServerMessage::Welcome { fingerprint, .. } => assert_eq!(fingerprint, client.fp),
            other => panic!("expected a welcome, got {other:?}"),
        }
        client
    }

    /// Answers the challenge for this connection's origin.
    pub fn auth(&mut self) {
        let signature = sign_challenge(&self.identity, &self.nonce, &self.origin);
        self.send(&ClientMessage::Auth { key: self.identity.public().to_hex(), signature, server: self.origin.clone() });
    }

    pub fn send(&mut self, msg: &ClientMessage) {
        self.send_text(&serde_json::to_string(msg).unwrap());
    }

    pub fn send_text(&mut self, text: &str) {
        self.ws.send(Message::text(text)).unwrap();
    }

    pub fn send_binary(&mut self, bytes: Vec<u8>) {
        self.ws.send(Message::binary(bytes)).unwrap();
    }

    /// Sends a relay frame to `to` in `room`.
    pub fn relay(&mut self, room: &str, to: &str, payload: &[u8]) {
        self.send_binary(cohort_signal::protocol::encode_relay(room, to, payload).unwrap());
    }

    /// The next text or binary message (pings and pongs skipped).
    pub fn recv(&mut self) -> Incoming {
        loop {
            match self.ws.read() {
                Ok(Message::Text(t)) => return Incoming::Text(serde_json::from_str(t.as_str()).unwrap()),
                Ok(Message::Binary(b)) => return Incoming::Binary(b.to_vec()),
                Ok(Message::Ping(_) | Message::Pong(_)) => {}
                Ok(other) => panic!("expected a message, got {other:?}"),
                Err(e) => panic!("expected a message, got {e}"),
            }
        }
    }

    /// The next text message.
    pub fn msg(&mut self) -> ServerMessage {
        match self.recv() {
            Incoming::Text(msg) => msg,
            other => panic!("expected a text message, got {other:?}"),
        }
    }

    /// The next binary message.
    pub fn binary(&mut self) -> Vec<u8> {
        match self.recv() {
            Incoming::Binary(b) => b,
            other => panic!("expected a binary message, got {other:?}"),
        }
    }

    /// Expects an error with this code; returns its message.
    pub fn expect_error(&mut self, code: ErrorCode) -> String {
        match self.msg() {
            ServerMessage::Error { code: c, message } if c == code => message,
            other => panic!("expected a {code:?} error, got {other:?}"),
        }
    }

    /// Expects a fatal error with this code, then the connection's end.
    pub fn expect_fatal(&mut self, code: ErrorCode) -> String {
        let message = self.expect_error(code);
        self.expect_closed();
        message
    }

    /// Expects the connection to end (a close frame, or the socket closing) soon.
    pub fn expect_closed(&mut self) {
        loop {
            match self.ws.read() {
                Ok(Message::Close(_) | Message::Ping(_) | Message::Pong(_)) => {}
                Ok(other) => panic!("expected the connection to close, got {other:?}"),
                Err(tungstenite::Error::Io(e)) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {
                    panic!("the connection stayed open")
                }
                Err(_) => return,
            }
        }
    }

    /// Joins `room` with these parties; returns who is present.
    pub fn join(&mut self, room: &str, parties: &[String]) -> Vec<String> {
        self.send(&ClientMessage::Join { room: room.into(), token: None, parties: parties.to_vec(), size: None });
        match self.msg() {
            ServerMessage::Joined { room: r, present } if r == room => present,
            other => panic!("expected joined, got {other:?}"),
        }
    }

    /// Joins the open room of `size` parties admitted by the public token
    /// for `label` ([`open_room`]); returns who is present.
    pub fn join_open(&mut self, label: &str, size: usize) -> Vec<String> {
        let (room, token) = open_room(label);
        self.send(&ClientMessage::Join { room: room.clone(), token: Some(token), parties: Vec::new(), size: Some(size) });
        match self.msg() {
            ServerMessage::Joined { room: r, present } if r == room => present,
            other => panic!("expected joined, got {other:?}"),
        }
    }

    /// Expects a presence update for the open room of `label`; returns who is present.
    pub fn open_presence(&mut self, label: &str) -> Vec<String> {
        self.presence(&open_room(label).0)
    }

    /// Expects a presence update for `room`; returns who is present.
    pub fn presence(&mut self, room: &str) -> Vec<String> {
        match self.msg() {
            ServerMessage::Presence { room: r, present } if r == room => present,
            other => panic!("expected presence in {room}, got {other:?}"),
        }
    }

    /// Closes the WebSocket politely and waits for the server's close.
    pub fn close(mut self) {
        let _ = self.ws.close(None);
        while self.ws.read().is_ok() {}
    }
}

/// Relays `frame` from `from` to `to` in `room`, one frame at a time, until
/// `done` holds (true) or `max` frames are sent (false). What `from` is
/// sent meanwhile (presence updates, `not_in_room` once `to` is gone) is
/// read and dropped, so `from` itself never falls behind.
pub fn flood(from: &mut Client, room: &str, to: &str, frame: &[u8], max: usize, mut done: impl FnMut() -> bool) -> bool {
    from.ws.get_mut().set_read_timeout(Some(Duration::from_millis(1))).unwrap();
    let mut sent = 0;
    let finished = loop {
        if done() {
            break true;
        }
        if sent == max {
            break false;
        }
        from.relay(room, to, frame);
        sent += 1;
        loop {
            match from.ws.read() {
                Ok(Message::Text(t)) => match serde_json::from_str(t.as_str()).unwrap() {
                    ServerMessage::Presence { .. } | ServerMessage::Error { code: ErrorCode::NotInRoom, .. } => {}
                    other => panic!("the flooding client got {other:?}"),
                },
                Ok(Message::Ping(_) | Message::Pong(_)) => {}
                Ok(other) => panic!("the flooding client got {other:?}"),
                Err(tungstenite::Error::Io(e)) if e.kind() == std::io::ErrorKind::WouldBlock => break,
                Err(e) => panic!("the flooding client was dropped: {e}"),
            }
        }
    };
    from.ws.get_mut().set_read_timeout(Some(PATIENCE)).unwrap();
    finished
}

/// Reads what a client that stopped reading was still sent, to the fatal
/// error that ended it: that error's text.
pub fn read_to_the_end(client: &mut Client) -> String {
    loop {
        match client.ws.read() {
            Ok(Message::Binary(_) | Message::Ping(_) | Message::Pong(_)) => {}
            Ok(Message::Text(t)) => match serde_json::from_str(t.as_str()).unwrap() {
                ServerMessage::Error { code, message } if code.is_fatal() => return format!("{code}: {message}"),
                _ => {}
            },
            Ok(other) => panic!("expected the fatal error first, got {other:?}"),
            Err(e) => panic!("the connection ended without an error: {e}"),
        }
    }
}
