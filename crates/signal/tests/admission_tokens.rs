//! Admission tokens: a join must present the invite's token, whose derived
//! session id is the room's. A wrong, malformed or missing token is
//! `bad_token`, changes no room (it cannot create one either), and leaves
//! the connection usable; free-form rooms of parties who know each other's
//! keys need none.

use crate::common;

use cohort_channel::AdmissionToken;
use cohort_signal::protocol::{ClientMessage, ErrorCode, ServerMessage};
use common::*;

fn open_join(room: &str, token: Option<String>, size: usize) -> ClientMessage {
    ClientMessage::Join { room: room.into(), token, parties: Vec::new(), size: Some(size) }
}

#[test]
fn a_wrong_token_is_refused_and_cannot_create_the_room() {
    let server = default_server();
    let token = AdmissionToken::generate().unwrap();
    let room = token.session();
    let mut attacker = Client::connect(server.addr());
    // Knowing the room id is not enough: another token, a malformed one, or none.
    let other = AdmissionToken::generate().unwrap().to_hex();
    for bad in [Some(other), Some("00".to_string()), Some(token.to_hex().to_uppercase()), None] {
        attacker.send(&open_join(&room, bad, 2));
        attacker.expect_error(ErrorCode::BadToken);
    }
    let parties = parties(&[&attacker]);
    attacker.send(&ClientMessage::Join { room: room.clone(), token: None, parties, size: None });
    assert!(attacker.expect_error(ErrorCode::BadToken).contains("belongs to an invite"));
    assert_eq!(server.rooms(), 0, "a refused join creates no room");
    // The holders of the token fill the room; the attacker is still connected, and still refused.
    let (mut a, mut b) = (Client::connect(server.addr()), Client::connect(server.addr()));
    a.send(&open_join(&room, Some(token.to_hex()), 2));
    assert!(matches!(a.msg(), ServerMessage::Joined { .. }));
    attacker.send(&open_join(&room, Some(AdmissionToken::generate().unwrap().to_hex()), 2));
    attacker.expect_error(ErrorCode::BadToken);
    b.send(&open_join(&room, Some(token.to_hex()), 2));
    match b.msg() {
        ServerMessage::Joined { present, .. } => assert_eq!(present, parties_of(&[&a, &b])),
        other => panic!("expected joined, got {other:?}"),
    }
}

#[test]
fn open_rooms_need_a_token_and_free_form_listed_rooms_do_not() {
    let server = default_server();
    let (mut a, mut b) = (Client::connect(server.addr()), Client::connect(server.addr()));
    a.send(&open_join("lobby", None, 2));
    assert!(a.expect_error(ErrorCode::BadToken).contains("admission token"));
    // A token for one room does not open another.
    let token = AdmissionToken::generate().unwrap().to_hex();
    a.send(&open_join("lobby", Some(token), 2));
    a.expect_error(ErrorCode::BadToken);
    assert_eq!(server.rooms(), 0);
    let list = parties(&[&a, &b]);
    a.join("by-keys", &list);
    assert_eq!(b.join("by-keys", &list), list);
}

fn parties_of(clients: &[&Client]) -> Vec<String> {
    parties(clients)
}
