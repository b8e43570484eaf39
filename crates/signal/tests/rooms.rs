//! Rooms and presence: parties join a room keyed by session id with the
//! session's party list; everyone present learns who is present, in party
//! order, on every join, leave and disconnect; a room admits only its
//! parties, with the same list, and an identity may be in a bounded
//! number of rooms.

use crate::common;

use cohort_channel::Identity;
use cohort_signal::protocol::{ClientMessage, ErrorCode, Limits, ServerMessage};
use common::*;

#[test]
fn three_parties_see_each_other_arrive_and_go() {
    let server = default_server();
    let (mut a, mut b, mut c) = (Client::connect(server.addr()), Client::connect(server.addr()), Client::connect(server.addr()));
    let parties = parties(&[&a, &b, &c]);
    let present = |cs: &[&Client]| parties.iter().filter(|p| cs.iter().any(|c| &c.fp == *p)).cloned().collect::<Vec<_>>();

    assert_eq!(b.join("s1", &parties), present(&[&b]));
    assert_eq!(a.join("s1", &parties), present(&[&a, &b]));
    assert_eq!(b.presence("s1"), present(&[&a, &b]));
    assert_eq!(c.join("s1", &parties), parties);
    assert_eq!(a.presence("s1"), parties);
    assert_eq!(b.presence("s1"), parties);
    assert_eq!(server.rooms(), 1);

    b.send(&ClientMessage::Leave { room: "s1".into() });
    assert_eq!(a.presence("s1"), present(&[&a, &c]));
    assert_eq!(c.presence("s1"), present(&[&a, &c]));

    drop(c);
    assert_eq!(a.presence("s1"), present(&[&a]));
    a.send(&ClientMessage::Leave { room: "s1".into() });
    wait_until("the empty room is gone", || server.rooms() == 0);
    // Leaving again: no such room.
    a.send(&ClientMessage::Leave { room: "s1".into() });
    a.expect_error(ErrorCode::UnknownRoom);
}

#[test]
fn a_room_keeps_its_first_party_list() {
    let server = default_server();
    let (mut a, mut b) = (Client::connect(server.addr()), Client::connect(server.addr()));
    let third = Identity::generate().unwrap().fingerprint().to_string();
    let mut list = parties(&[&a, &b]);
    a.join("s", &list);
    list.push(third);
    b.send(&ClientMessage::Join { room: "s".into(), token: None, parties: list, size: None });
    b.expect_error(ErrorCode::RoomMismatch);
    // Not fatal: the right list works.
    assert_eq!(b.join("s", &parties(&[&a, &b])), parties(&[&a, &b]));
}

#[test]
fn only_the_rooms_parties_are_admitted() {
    let server = server(Limits { max_parties: 3, ..Limits::default() });
    let (mut a, mut b, mut outsider) = (Client::connect(server.addr()), Client::connect(server.addr()), Client::connect(server.addr()));
    let list = parties(&[&a, &b]);
    a.join("s", &list);
    outsider.send(&ClientMessage::Join { room: "s".into(), token: None, parties: list.clone(), size: None });
    let message = outsider.expect_error(ErrorCode::NotInRoster);
    assert!(message.contains("not among"), "{message}");
    // More parties than the server allows.
    let many: Vec<String> = (0..3).map(|_| Identity::generate().unwrap().fingerprint().to_string()).chain([b.fp.clone()]).collect();
    b.send(&ClientMessage::Join { room: "big".into(), token: None, parties: many, size: None });
    b.expect_error(ErrorCode::RoomFull);
    assert_eq!(server.rooms(), 1);
}

#[test]
fn an_identity_is_in_a_bounded_number_of_rooms_across_connections() {
    let server = server(Limits { max_rooms_per_identity: 2, ..Limits::default() });
    let identity = Identity::generate().unwrap();
    let again = Identity::from_file(&identity.to_file()).unwrap();
    let mut a1 = Client::connect_as(server.addr(), identity);
    let mut a2 = Client::connect_as(server.addr(), again);
    let b = Client::connect(server.addr());
    let list = parties(&[&a1, &b]);
    a1.join("r1", &list);
    a2.join("r2", &list);
    a1.send(&ClientMessage::Join { room: "r3".into(), token: None, parties: list.clone(), size: None });
    a1.expect_error(ErrorCode::TooManyRooms);
    a2.send(&ClientMessage::Join { room: "r3".into(), token: None, parties: list.clone(), size: None });
    a2.expect_error(ErrorCode::TooManyRooms);
    a1.send(&ClientMessage::Leave { room: "r1".into() });
    wait_until("r1 is gone", || server.rooms() == 1);
    a2.join("r3", &list);
    assert_eq!(server.rooms(), 2);
}

#[test]
fn joining_from_a_second_connection_replaces_the_first() {
    let server = default_server();
    let identity = Identity::generate().unwrap();
    let again = Identity::from_file(&identity.to_file()).unwrap();
    let mut a1 = Client::connect_as(server.addr(), identity);
    let mut b = Client::connect(server.addr());
    let list = parties(&[&a1, &b]);
    a1.join("s", &list);
    b.join("s", &list);
    a1.presence("s");
    let mut a2 = Client::connect_as(server.addr(), again);
    assert_eq!(a2.join("s", &list), list);
    let message = a1.expect_error(ErrorCode::UnknownRoom);
    assert!(message.contains("another connection"), "{message}");
    assert_eq!(b.presence("s"), list);
    // Messages for the identity go to the new connection; the old one is out.
    b.send(&ClientMessage::Signal { room: "s".into(), to: a2.fp.clone(), data: serde_json::json!("hi") });
    assert!(matches!(a2.msg(), ServerMessage::Signal { .. }));
    a1.send(&ClientMessage::Signal { room: "s".into(), to: b.fp.clone(), data: serde_json::json!("hi") });
    a1.expect_error(ErrorCode::UnknownRoom);
    // The old connection closing does not take the identity out of the room.
    drop(a1);
    b.send(&ClientMessage::Signal { room: "s".into(), to: a2.fp.clone(), data: serde_json::json!("still") });
    assert!(matches!(a2.msg(), ServerMessage::Signal { .. }));
}

#[test]
fn bad_room_ids_and_party_lists_are_bad_messages() {
    let server = default_server();
    let other = Identity::generate().unwrap().fingerprint().to_string();
    let refused = |room: &str, parties: &dyn Fn(&Client) -> Vec<String>| {
        let mut c = Client::connect(server.addr());
        let parties = parties(&c);
        c.send(&ClientMessage::Join { room: room.into(), token: None, parties, size: None });
        c.expect_fatal(ErrorCode::BadMessage);
    };
    refused(&"x".repeat(129), &|c| vec![c.fp.clone(), other.clone()]);
    refused("with space", &|c| vec![c.fp.clone(), other.clone()]);
    refused("s", &|c| vec![c.fp.clone()]);
    refused("s", &|c| vec![c.fp.clone(), c.fp.clone()]);
    refused("s", &|c| vec![c.fp.clone(), "not a fingerprint".into()]);
    refused("s", &|c| vec![c.fp.clone(), other.to_uppercase()]);
    assert_eq!(server.rooms(), 0);
}
