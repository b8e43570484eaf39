//! No unbounded growth: rooms, memberships and connections are forgotten
//! when they end, however many come and go.

use crate::common;

use cohort_signal::protocol::{ClientMessage, Limits};
use common::*;

#[test]
fn many_rooms_come_and_go_and_nothing_remains() {
    let server = server(Limits { max_rooms_per_identity: 4, ..Limits::default() });
    let addr = server.addr();
    let (mut a, mut b) = (Client::connect(addr), Client::connect(addr));
    for i in 0..200 {
        let room = format!("session-{i}");
        let list = parties(&[&a, &b]);
        a.join(&room, &list);
        b.join(&room, &list);
        a.presence(&room);
        a.relay(&room, &b.fp, b"frame");
        b.binary();
        match i % 20 {
            // Every twentieth room ends with its members disconnecting.
            19 => {
                a.close();
                b.close();
                (a, b) = (Client::connect(addr), Client::connect(addr));
            }
            _ => {
                a.send(&ClientMessage::Leave { room: room.clone() });
                b.presence(&room);
                b.send(&ClientMessage::Leave { room });
            }
        }
        // Never more than the rooms of the two live clients.
        assert!(server.rooms() <= 2 * 4, "{} rooms", server.rooms());
    }
    drop((a, b));
    wait_until("no rooms and no clients remain", || server.rooms() == 0 && server.clients() == 0);
}

#[test]
fn many_connections_come_and_go_and_nothing_remains() {
    let server = default_server();
    for batch in 0..10 {
        let clients: Vec<Client> = (0..20).map(|_| Client::connect(server.addr())).collect();
        assert!(server.clients() >= 20);
        // Half leave politely, half just vanish.
        for (i, c) in clients.into_iter().enumerate() {
            if (i + batch) % 2 == 0 {
                c.close();
            }
        }
    }
    // Some never authenticate.
    let unauthenticated: Vec<Client> = (0..20).map(|_| Client::open(server.addr())).collect();
    drop(unauthenticated);
    wait_until("no clients remain", || server.clients() == 0 && server.rooms() == 0);
}
