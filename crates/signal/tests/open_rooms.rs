//! Open rooms, for parties who learn each other's keys at the server: a
//! room of `size` admits the first `size` identities to join, lists them in
//! the order of their fingerprints, frees the place of one who leaves before
//! it is full, and once full admits no one else. Every join presents the
//! room's admission token (here public ones, from a label).

use crate::common;

use cohort_channel::Identity;
use cohort_signal::protocol::{ClientMessage, ErrorCode, Limits};
use common::*;

#[test]
fn the_first_parties_to_join_fill_the_room_in_fingerprint_order() {
    let server = default_server();
    let (mut a, mut b, mut c) = (Client::connect(server.addr()), Client::connect(server.addr()), Client::connect(server.addr()));
    assert_eq!(a.join_open("lobby", 3), vec![a.fp.clone()]);
    assert_eq!(b.join_open("lobby", 3), parties(&[&a, &b]));
    assert_eq!(a.open_presence("lobby"), parties(&[&a, &b]));
    assert_eq!(c.join_open("lobby", 3), parties(&[&a, &b, &c]));
    assert_eq!(a.open_presence("lobby"), parties(&[&a, &b, &c]));
    assert_eq!(b.open_presence("lobby"), parties(&[&a, &b, &c]));
    // Full: a fourth identity is refused, without harm to the room.
    let mut late = Client::connect(server.addr());
    late.send(&ClientMessage::Join { room: open_room("lobby").0, token: Some(open_room("lobby").1), parties: Vec::new(), size: Some(3) });
    let why = late.expect_error(ErrorCode::RoomFull);
    assert!(why.contains("full"), "{why}");
    // The parties relay to each other as in any room.
    a.relay(&open_room("lobby").0, &c.fp, b"hello");
    let frame = c.binary();
    assert!(frame.ends_with(b"hello"));
}

#[test]
fn a_party_leaving_before_the_room_is_full_frees_its_place() {
    let server = default_server();
    let (mut a, mut b, mut c) = (Client::connect(server.addr()), Client::connect(server.addr()), Client::connect(server.addr()));
    a.join_open("r", 2);
    b.send(&ClientMessage::Leave { room: "r".into() }); // not in it: refused, harmless
    b.expect_error(ErrorCode::UnknownRoom);
    drop(b);
    assert_eq!(c.join_open("r", 2), parties(&[&a, &c]));
    assert_eq!(a.open_presence("r"), parties(&[&a, &c]));
}

#[test]
fn a_full_room_keeps_its_parties_when_one_disconnects() {
    let server = default_server();
    let (mut a, mut b) = (Client::connect(server.addr()), Client::connect(server.addr()));
    a.join_open("r", 2);
    b.join_open("r", 2);
    a.open_presence("r");
    let b_identity = Identity::from_file(&b.identity.to_file()).unwrap();
    drop(b);
    assert_eq!(a.open_presence("r"), vec![a.fp.clone()]);
    let mut stranger = Client::connect(server.addr());
    stranger.send(&ClientMessage::Join { room: open_room("r").0, token: Some(open_room("r").1), parties: Vec::new(), size: Some(2) });
    stranger.expect_error(ErrorCode::RoomFull);
    // The party that left may come back to its place.
    let mut b = Client::connect_as(server.addr(), b_identity);
    assert_eq!(b.join_open("r", 2), parties(&[&a, &b]));
}

#[test]
fn open_and_listed_rooms_do_not_mix() {
    let server = server(Limits { max_parties: 4, ..Limits::default() });
    let (mut a, mut b) = (Client::connect(server.addr()), Client::connect(server.addr()));
    a.join_open("r", 3);
    b.send(&ClientMessage::Join { room: open_room("r").0, token: Some(open_room("r").1), parties: Vec::new(), size: Some(4) });
    assert!(b.expect_error(ErrorCode::RoomMismatch).contains("open room of 3"));
    b.send(&ClientMessage::Join { room: open_room("r").0, token: Some(open_room("r").1), parties: parties(&[&a, &b]), size: None });
    b.expect_error(ErrorCode::RoomMismatch);
    b.send(&ClientMessage::Join { room: open_room("big").0, token: Some(open_room("big").1), parties: Vec::new(), size: Some(5) });
    b.expect_error(ErrorCode::RoomFull);
    // Both, or neither, is a malformed join: fatal.
    b.send(&ClientMessage::Join { room: open_room("x").0, token: Some(open_room("x").1), parties: parties(&[&a, &b]), size: Some(2) });
    b.expect_fatal(ErrorCode::BadMessage);
    let mut c = Client::connect(server.addr());
    c.send(&ClientMessage::Join { room: open_room("x").0, token: Some(open_room("x").1), parties: Vec::new(), size: Some(1) });
    c.expect_fatal(ErrorCode::BadMessage);
}
