//! Forwarding between parties of a room: signaling messages (JSON) and
//! relay frames (binary) reach the named recipient with the sender's
//! fingerprint; a recipient not present, or a room the sender is not in,
//! is a (non-fatal) error; a malformed relay frame ends the connection.

use crate::common;

use cohort_channel::Identity;
use cohort_signal::protocol::{ClientMessage, ErrorCode, ServerMessage, decode_relay, encode_relay};
use common::*;
use serde_json::json;

fn pair_in_room(server: &cohort_signal::server::ServerHandle, room: &str) -> (Client, Client) {
    let (mut a, mut b) = (Client::connect(server.addr()), Client::connect(server.addr()));
    let list = parties(&[&a, &b]);
    a.join(room, &list);
    b.join(room, &list);
    a.presence(room);
    (a, b)
}

#[test]
fn signals_reach_the_recipient_with_the_senders_fingerprint() {
    let server = default_server();
    let (mut a, mut b) = pair_in_room(&server, "s");
    let offer = json!({"sdp": {"type": "offer", "sdp": "v=0…"}});
    a.send(&ClientMessage::Signal { room: "s".into(), to: b.fp.clone(), data: offer.clone() });
    assert_eq!(b.msg(), ServerMessage::Signal { room: "s".into(), from: a.fp.clone(), data: offer });
    let candidate = json!({"candidate": "candidate:1 1 udp 1 10.0.0.1 5000 typ host"});
    b.send(&ClientMessage::Signal { room: "s".into(), to: a.fp.clone(), data: candidate.clone() });
    assert_eq!(a.msg(), ServerMessage::Signal { room: "s".into(), from: b.fp.clone(), data: candidate });
}

#[test]
fn relay_frames_reach_the_recipient_with_the_senders_fingerprint() {
    let server = default_server();
    let (mut a, mut b) = pair_in_room(&server, "s");
    for i in 0..50u8 {
        let payload: Vec<u8> = (0..=i).collect();
        a.relay("s", &b.fp, &payload);
        assert_eq!(b.binary(), encode_relay("s", &a.fp, &payload).unwrap());
    }
    b.relay("s", &a.fp, b"");
    let frame = a.binary();
    assert_eq!(decode_relay(&frame), Some(("s", b.fp.as_str(), &b""[..])));
}

#[test]
fn a_recipient_not_present_is_not_in_room() {
    let server = default_server();
    let (mut a, mut b) = pair_in_room(&server, "s");
    let (c, stranger) = (Client::connect(server.addr()), Identity::generate().unwrap().fingerprint().to_string());
    for to in [c.fp.clone(), stranger] {
        a.send(&ClientMessage::Signal { room: "s".into(), to: to.clone(), data: json!(1) });
        a.expect_error(ErrorCode::NotInRoom);
        a.relay("s", &to, b"x");
        a.expect_error(ErrorCode::NotInRoom);
    }
    // Not fatal.
    a.relay("s", &b.fp, b"still here");
    assert_eq!(b.binary(), encode_relay("s", &a.fp, b"still here").unwrap());
}

#[test]
fn a_room_the_sender_is_not_in_is_unknown() {
    let server = default_server();
    let (mut a, mut b) = pair_in_room(&server, "s");
    let mut c = Client::connect(server.addr());
    // c is not in s, and nobody is in "elsewhere".
    c.send(&ClientMessage::Signal { room: "s".into(), to: a.fp.clone(), data: json!(1) });
    c.expect_error(ErrorCode::UnknownRoom);
    c.relay("s", &a.fp, b"x");
    c.expect_error(ErrorCode::UnknownRoom);
    a.relay("elsewhere", &b.fp, b"x");
    a.expect_error(ErrorCode::UnknownRoom);
    c.send(&ClientMessage::Leave { room: "s".into() });
    c.expect_error(ErrorCode::UnknownRoom);
    // After leaving, a is no longer in s.
    a.send(&ClientMessage::Leave { room: "s".into() });
    b.presence("s");
    a.relay("s", &b.fp, b"x");
    a.expect_error(ErrorCode::UnknownRoom);
}

#[test]
fn a_malformed_relay_frame_is_a_bad_message() {
    let server = default_server();
    let (mut a, mut b) = pair_in_room(&server, "s");
    a.send_binary(vec![200, b's']);
    a.expect_fatal(ErrorCode::BadMessage);
    assert_eq!(b.presence("s"), vec![b.fp.clone()]);
    let (mut c, _d) = pair_in_room(&server, "t");
    c.send_binary(vec![1, 0xff, 0]);
    c.expect_fatal(ErrorCode::BadMessage);
}
