//! Rostered rooms, joined by invite: the token and the roster's
//! fingerprints (in party order). Only the roster's identities are seated:
//! a stranger holding the token is `not_in_roster`, and the room does not
//! change; a joiner with another roster is `room_mismatch`.

use crate::common;

use cohort_channel::{AdmissionToken, Identity};
use cohort_signal::protocol::{ClientMessage, ErrorCode, ServerMessage};
use common::*;

#[test]
fn a_stranger_with_the_token_is_refused_from_a_rostered_room() {
    let server = default_server();
    let token = AdmissionToken::generate().unwrap();
    let (room, hex) = (token.session(), token.to_hex());
    let (mut a, mut b, mut c) = (Client::connect(server.addr()), Client::connect(server.addr()), Client::connect(server.addr()));
    // The roster's order, not the fingerprints', is the party order.
    let roster = vec![c.fp.clone(), a.fp.clone(), b.fp.clone()];
    let join =
        |roster: &Vec<String>| ClientMessage::Join { room: room.clone(), token: Some(hex.clone()), parties: roster.clone(), size: None };
    a.send(&join(&roster));
    assert!(matches!(a.msg(), ServerMessage::Joined { .. }));
    let mut stranger = Client::connect(server.addr());
    stranger.send(&join(&roster));
    let why = stranger.expect_error(ErrorCode::NotInRoster);
    assert!(why.contains("not among"), "{why}");
    // Nor can it swap itself into the list: the room keeps its roster.
    let mut forged = roster.clone();
    forged[2] = stranger.fp.clone();
    stranger.send(&join(&forged));
    stranger.expect_error(ErrorCode::RoomMismatch);
    // Without the token, even a party of the roster is refused.
    b.send(&ClientMessage::Join { room: room.clone(), token: None, parties: roster.clone(), size: None });
    b.expect_error(ErrorCode::BadToken);
    // The room saw none of it: the next thing `a` hears is `b` arriving.
    b.send(&join(&roster));
    assert_eq!(b.msg(), ServerMessage::Joined { room: room.clone(), present: vec![a.fp.clone(), b.fp.clone()] });
    assert_eq!(a.presence(&room), vec![a.fp.clone(), b.fp.clone()]);
    c.send(&join(&roster));
    assert_eq!(c.msg(), ServerMessage::Joined { room: room.clone(), present: roster.clone() });
    let outsider = Identity::generate().unwrap();
    let mut late = Client::connect_as(server.addr(), outsider);
    late.send(&join(&roster));
    late.expect_error(ErrorCode::NotInRoster);
    assert_eq!(server.rooms(), 1);
}
