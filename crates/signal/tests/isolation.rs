//! Isolation: a misbehaving client — garbage, oversized messages, raw
//! bytes instead of a WebSocket, or too slow to read what it is sent — is
//! dropped, and never holds up other clients or their rooms.

use crate::common;

use std::io::Write;
use std::net::TcpStream;
use std::time::Duration;

use cohort_signal::protocol::{ErrorCode, Limits, ServerMessage, encode_relay};
use common::*;

#[test]
fn garbage_from_one_client_does_not_disturb_another_room() {
    let server = server(Limits { max_message: 4096, ..Limits::default() });
    let addr = server.addr();
    let (mut a, mut b) = (Client::connect(addr), Client::connect(addr));
    let list = parties(&[&a, &b]);
    a.join("good", &list);
    b.join("good", &list);
    a.presence("good");
    let relaying = std::thread::spawn(move || {
        for i in 0..300u32 {
            a.relay("good", &b.fp, &i.to_le_bytes());
            assert_eq!(b.binary(), encode_relay("good", &a.fp, &i.to_le_bytes()).unwrap());
            b.relay("good", &a.fp, &i.to_be_bytes());
            assert_eq!(a.binary(), encode_relay("good", &b.fp, &i.to_be_bytes()).unwrap());
        }
    });
    for round in 0..5 {
        let (mut c, mut d) = (Client::connect(addr), Client::connect(addr));
        let list = parties(&[&c, &d]);
        c.join("bad", &list);
        d.join("bad", &list);
        c.presence("bad");
        match round % 3 {
            0 => c.send_text("{not json"),
            1 => c.send_binary(vec![9, 9, 9]),
            _ => c.send_text(&"x".repeat(10_000)),
        }
        c.expect_fatal(if round % 3 == 2 { ErrorCode::TooLarge } else { ErrorCode::BadMessage });
        assert_eq!(d.presence("bad"), vec![d.fp.clone()]);
        // Raw bytes that are not HTTP at all.
        let mut raw = TcpStream::connect(addr).unwrap();
        let _ = raw.write_all(b"\x16\x03\x01 not a websocket\r\n\r\n");
    }
    relaying.join().unwrap();
    wait_until("every client is gone", || server.clients() == 0 && server.rooms() == 0);
}

#[test]
fn a_client_too_slow_to_read_is_dropped_without_holding_up_its_sender() {
    // The sender sends in bursts of 4 and reads what comes back between
    // them, so its own queue (at most 4 error replies and a presence) stays
    // under the limit even when the machine is busy; the slow client's
    // grows without bound.
    let server = server(Limits { max_message: 65536, max_queue: 8, ..Limits::default() });
    let addr = server.addr();
    let (slow, mut fast) = (Client::connect(addr), Client::connect(addr));
    let list = parties(&[&slow, &fast]);
    let (mut slow, fp) = (slow, fast.fp.clone());
    slow.join("s", &list);
    fast.join("s", &list);
    slow.presence("s");
    // `slow` stops reading; 60 KiB frames overflow the TCP buffers, then its queue.
    let frame = vec![0u8; 60_000];
    fast.ws.get_mut().set_read_timeout(Some(Duration::from_millis(1))).unwrap();
    let mut dropped = false;
    for _ in 0..500 {
        for _ in 0..4 {
            fast.relay("s", &slow.fp, &frame);
        }
        // Read what came back (not_in_room errors once `slow` is gone) until the socket is empty.
        loop {
            match fast.ws.read() {
                Ok(tungstenite::Message::Text(t)) => {
                    let msg: ServerMessage = serde_json::from_str(t.as_str()).unwrap();
                    match msg {
                        ServerMessage::Presence { present, .. } => {
                            assert_eq!(present, vec![fp.clone()]);
                            dropped = true;
                        }
                        ServerMessage::Error { code: ErrorCode::NotInRoom, .. } => {}
                        other => panic!("unexpected {other:?}"),
                    }
                }
                Ok(other) => panic!("unexpected {other:?}"),
                Err(tungstenite::Error::Io(e)) if e.kind() == std::io::ErrorKind::WouldBlock => break,
                Err(e) => panic!("the fast client was dropped: {e}"),
            }
        }
        if dropped {
            break;
        }
    }
    assert!(dropped, "the slow client was not dropped");
    fast.ws.get_mut().set_read_timeout(Some(PATIENCE)).unwrap();
    wait_until("the slow client is gone", || server.clients() == 1);
    // The slow client learns why, if it ever reads that far: its frames end with queue_full or a closed socket.
    slow.ws.get_mut().set_read_timeout(Some(Duration::from_secs(2))).unwrap();
    loop {
        match slow.ws.read() {
            Ok(tungstenite::Message::Binary(_) | tungstenite::Message::Ping(_)) => {}
            Ok(tungstenite::Message::Text(t)) => {
                assert!(t.as_str().contains("queue_full"), "{t}");
                break;
            }
            Ok(_) | Err(_) => break,
        }
    }
    // The fast client is still served.
    fast.relay("s", &fp, b"to myself");
    loop {
        match fast.recv() {
            Incoming::Binary(frame) => break assert_eq!(frame, encode_relay("s", &fp, b"to myself").unwrap()),
            Incoming::Text(ServerMessage::Error { code: ErrorCode::NotInRoom, .. }) => {}
            other => panic!("unexpected {other:?}"),
        }
    }
}
