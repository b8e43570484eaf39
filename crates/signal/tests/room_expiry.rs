//! Room expiry: a room lives at most `room_lifetime_secs`, however
//! active; then its members get an `unknown_room` error naming it, and the
//! room and its memberships are gone.

use crate::common;

use std::time::{Duration, Instant};

use cohort_signal::protocol::{ErrorCode, Limits};
use common::*;

#[test]
fn a_room_expires_after_its_lifetime() {
    let server = server(Limits { room_lifetime_secs: 1, max_rooms_per_identity: 1, ..Limits::default() });
    let (mut a, mut b) = (Client::connect(server.addr()), Client::connect(server.addr()));
    let list = parties(&[&a, &b]);
    let start = Instant::now();
    a.join("s", &list);
    b.join("s", &list);
    a.presence("s");
    for client in [&mut a, &mut b] {
        let message = client.expect_error(ErrorCode::UnknownRoom);
        assert!(message.contains("`s` expired"), "{message}");
    }
    let waited = start.elapsed();
    assert!(waited >= Duration::from_millis(900) && waited < Duration::from_secs(3), "{waited:?}");
    assert_eq!(server.rooms(), 0);
    a.relay("s", &b.fp, b"x");
    a.expect_error(ErrorCode::UnknownRoom);
    // The memberships went with it: the identity may join a room again.
    assert_eq!(a.join("t", &list), vec![a.fp.clone()]);
}
