//! The sans-IO signal client, driven by hand through every message the
//! server sends and every way a session with it ends: no socket, no clock,
//! every output checked.

use std::time::Duration;

use cohort_channel::{Fingerprint, Identity, signal_auth, unhex};
use cohort_signal::client::{BACKLOG_LIMIT, ClientConfig, EARLY_LIMIT, Event, Output, Seats, SignalClient, SignalError, Transmit};
use cohort_signal::protocol::{ClientMessage, ErrorCode, IceServer, Limits, ServerMessage, decode_relay, encode_relay};
use serde_json::json;

const ROOM: &str = "0123456789abcdef0123456789abcdef";
const URL: &str = "ws://signal.example:8787/";
const T0: Duration = Duration::from_secs(1000);

fn identities(n: usize) -> Vec<Identity> {
    let mut ids: Vec<Identity> = (0..n).map(|_| Identity::generate().unwrap()).collect();
    ids.sort_by_key(|id| id.fingerprint());
    ids
}

fn config(seats: Seats) -> ClientConfig {
    ClientConfig {
        url: URL.into(),
        room: ROOM.into(),
        token: Some("ab".repeat(32)),
        seats,
        relay_only: false,
        lobby_timeout: Duration::from_secs(60),
    }
}

fn client(identity: &Identity, config: ClientConfig) -> SignalClient {
    SignalClient::new(config, Identity::from_file(&identity.to_file()).unwrap(), T0).unwrap()
}

fn text(msg: &ServerMessage) -> String {
    serde_json::to_string(msg).unwrap()
}

/// Every output until the client waits.
fn drain(c: &mut SignalClient, now: Duration) -> (Vec<Output>, Output) {
    let mut out = Vec::new();
    loop {
        match c.poll_output(now) {
            wait @ (Output::Timeout(_) | Output::Idle) => return (out, wait),
            o => out.push(o),
        }
    }
}

fn sent_message(o: &Output) -> ClientMessage {
    match o {
        Output::Transmit(Transmit::Text(t)) => serde_json::from_str(t).unwrap(),
        other => panic!("expected a text message, got {other:?}"),
    }
}

fn failure(outputs: &[Output]) -> SignalError {
    match outputs {
        [Output::Event(Event::Failed(e)), Output::Transmit(Transmit::Close)] => e.clone(),
        other => panic!("expected a failure then a close, got {other:?}"),
    }
}

fn limits(max_rate: u32) -> Limits {
    Limits { max_rate, max_message: 4096, ..Limits::default() }
}

/// Challenge, welcome and joined: a client in the lobby, its outputs so far drained.
fn in_lobby(c: &mut SignalClient, present: Vec<String>, max_rate: u32) {
    c.handle_text(T0, &text(&ServerMessage::Challenge { nonce: "11".repeat(32), server: "cohort-signal/2".into() }));
    drain(c, T0);
    let welcome = ServerMessage::Welcome { fingerprint: c.fingerprint().to_string(), ice_servers: vec![], limits: limits(max_rate) };
    c.handle_text(T0, &text(&welcome));
    drain(c, T0);
    c.handle_text(T0, &text(&ServerMessage::Joined { room: ROOM.into(), present }));
}

fn names(ids: &[Identity]) -> Vec<String> {
    ids.iter().map(|i| i.fingerprint().to_string()).collect()
}

#[test]
fn a_client_answers_the_challenge_joins_and_is_seated() {
    let ids = identities(3);
    let mut c = client(&ids[1], config(Seats::Open(3)));
    // Nothing to send before the challenge; the lobby deadline is the wake-up.
    assert_eq!(drain(&mut c, T0), (vec![], Output::Timeout(T0 + Duration::from_secs(60))));

    c.handle_text(T0, &text(&ServerMessage::Challenge { nonce: "11".repeat(32), server: "cohort-signal/2".into() }));
    let (out, _) = drain(&mut c, T0);
    let ClientMessage::Auth { key, signature, server } = sent_message(&out[0]) else { panic!("not an auth") };
    assert_eq!((key, server.as_str()), (ids[1].public().to_hex(), "ws://signal.example:8787"));
    let signed = signal_auth::message(&unhex::<32>(&"11".repeat(32)).unwrap(), &server);
    assert!(ids[1].public().verify_signature(&signed, &signature), "the answer is signed over the nonce and the origin");

    let ice = vec![IceServer { urls: vec!["stun:stun.example:3478".into()], username: None, credential: None }];
    let welcome = ServerMessage::Welcome { fingerprint: ids[1].fingerprint().to_string(), ice_servers: ice.clone(), limits: limits(100) };
    c.handle_text(T0, &text(&welcome));
    let (out, _) = drain(&mut c, T0);
    assert_eq!(out[0], Output::Event(Event::Welcome { ice_servers: ice }));
    assert_eq!(
        sent_message(&out[1]),
        ClientMessage::Join { room: ROOM.into(), token: Some("ab".repeat(32)), parties: vec![], size: Some(3) }
    );

    c.handle_text(T0, &text(&ServerMessage::Joined { room: ROOM.into(), present: names(&ids[1..2]) }));
    assert_eq!(drain(&mut c, T0).0, [Output::Event(Event::Arrived { present: 1, needed: 3 })]);
    c.handle_text(T0, &text(&ServerMessage::Presence { room: ROOM.into(), present: names(&ids[..2]) }));
    assert_eq!(drain(&mut c, T0).0, [Output::Event(Event::Arrived { present: 2, needed: 3 })]);
    // Another room's news is not this client's.
    c.handle_text(T0, &text(&ServerMessage::Presence { room: "elsewhere".into(), present: names(&ids) }));
    assert_eq!(drain(&mut c, T0), (vec![], Output::Timeout(T0 + Duration::from_secs(60))));

    c.handle_text(T0, &text(&ServerMessage::Presence { room: ROOM.into(), present: names(&ids) }));
    let parties: Vec<Fingerprint> = ids.iter().map(Identity::fingerprint).collect();
    assert_eq!(drain(&mut c, T0), (vec![Output::Event(Event::Seated { parties: parties.clone(), me: 1 })], Output::Idle));
    assert_eq!(c.seated(), Some((&parties[..], 1)));
}

#[test]
fn a_listed_room_seats_in_the_listed_order_and_a_relay_only_client_says_so() {
    let ids = identities(3);
    // The listed order is not the fingerprints' order.
    let listed = vec![ids[2].fingerprint(), ids[0].fingerprint(), ids[1].fingerprint()];
    let mut cfg = config(Seats::Listed(listed.clone()));
    cfg.relay_only = true;
    cfg.token = None;
    let mut c = client(&ids[0], cfg);
    c.handle_text(T0, &text(&ServerMessage::Challenge { nonce: "22".repeat(32), server: "cohort-signal/2".into() }));
    drain(&mut c, T0);
    c.handle_text(T0, &text(&ServerMessage::Welcome { fingerprint: String::new(), ice_servers: vec![], limits: limits(100) }));
    let (out, _) = drain(&mut c, T0);
    let parties = listed.iter().map(ToString::to_string).collect();
    assert_eq!(sent_message(&out[1]), ClientMessage::Join { room: ROOM.into(), token: None, parties, size: None });
    c.handle_text(T0, &text(&ServerMessage::Joined { room: ROOM.into(), present: names(&ids) }));
    let (out, _) = drain(&mut c, T0);
    assert_eq!(out[0], Output::Event(Event::Seated { parties: listed.clone(), me: 1 }));
    let told: Vec<ClientMessage> = out[1..].iter().map(sent_message).collect();
    assert_eq!(
        told,
        [0, 2].map(|j| ClientMessage::Signal { room: ROOM.into(), to: listed[j].to_string(), data: json!({"kind": "relay"}) })
    );
}

#[test]
fn frames_and_signals_are_mapped_to_parties_both_ways() {
    let ids = identities(3);
    let mut c = client(&ids[0], config(Seats::Open(3)));
    in_lobby(&mut c, names(&ids), 100);
    drain(&mut c, T0);
    let fp = |j: usize| ids[j].fingerprint().to_string();

    c.handle_binary(T0, &encode_relay(ROOM, &fp(2), b"frame from 2").unwrap());
    c.handle_text(T0, &text(&ServerMessage::Signal { room: ROOM.into(), from: fp(1), data: json!({"kind": "offer"}) }));
    c.handle_binary(T0, &encode_relay("elsewhere", &fp(1), b"not ours").unwrap());
    assert_eq!(
        drain(&mut c, T0).0,
        [
            Output::Event(Event::Frame { from: 2, payload: b"frame from 2".to_vec() }),
            Output::Event(Event::Signal { from: 1, data: json!({"kind": "offer"}) }),
        ]
    );

    c.send_frame(1, b"to 1").unwrap();
    c.send_signal(2, json!({"kind": "answer"})).unwrap();
    let (out, _) = drain(&mut c, T0);
    let Output::Transmit(Transmit::Binary(frame)) = &out[0] else { panic!("{out:?}") };
    assert_eq!(decode_relay(frame), Some((ROOM, fp(1).as_str(), &b"to 1"[..])));
    assert_eq!(sent_message(&out[1]), ClientMessage::Signal { room: ROOM.into(), to: fp(2), data: json!({"kind": "answer"}) });

    // Oneself, and no such party, are refused without ending the session.
    assert_eq!(c.send_frame(0, b"x"), Err(SignalError::NoSuchParty { party: 0 }));
    assert_eq!(c.send_frame(3, b"x"), Err(SignalError::NoSuchParty { party: 3 }));
    assert_eq!(c.send_frame(1, &[0; 5000]), Err(SignalError::TooLarge { size: 5000 + 2 + ROOM.len() + fp(1).len(), limit: 4096 }));
    assert!(!c.is_ended());
}

#[test]
fn sending_is_paced_under_the_servers_rate() {
    let ids = identities(3);
    let mut c = client(&ids[0], config(Seats::Open(3)));
    in_lobby(&mut c, names(&ids), 10); // 8 per second, bursts of 4
    drain(&mut c, T0);
    for _ in 0..6 {
        c.send_frame(1, b"x").unwrap();
    }
    let (out, wait) = drain(&mut c, T0);
    assert_eq!(out.len(), 4, "a burst of half a second's worth");
    let Output::Timeout(at) = wait else { panic!("{wait:?}") };
    assert_eq!(at - T0, Duration::from_millis(125));
    assert_eq!(drain(&mut c, at).0.len(), 1);
    let (out, wait) = drain(&mut c, at + Duration::from_millis(125));
    assert_eq!((out.len(), wait), (1, Output::Idle));
}

#[test]
fn a_peer_that_leaves_is_reported_once() {
    let ids = identities(3);
    let mut c = client(&ids[0], config(Seats::Open(3)));
    in_lobby(&mut c, names(&ids), 100);
    drain(&mut c, T0);
    for _ in 0..2 {
        c.handle_text(T0, &text(&ServerMessage::Presence { room: ROOM.into(), present: names(&ids[..2]) }));
    }
    assert_eq!(drain(&mut c, T0), (vec![Output::Event(Event::PeerGone { party: 2 })], Output::Idle));
    // Sending to a party that just left is the server's `not_in_room`, which ends nothing.
    let not_in_room = ServerMessage::Error { code: ErrorCode::NotInRoom, message: "gone".into() };
    c.handle_text(T0, &text(&not_in_room));
    assert_eq!(drain(&mut c, T0), (vec![], Output::Idle));
}

#[test]
fn what_peers_send_before_the_room_is_full_waits_and_is_bounded() {
    let ids = identities(3);
    let mut c = client(&ids[0], config(Seats::Open(3)));
    in_lobby(&mut c, names(&ids[..2]), 100);
    drain(&mut c, T0);
    let fp1 = ids[1].fingerprint().to_string();
    c.handle_binary(T0, &encode_relay(ROOM, &fp1, b"early").unwrap());
    c.handle_text(T0, &text(&ServerMessage::Signal { room: ROOM.into(), from: fp1.clone(), data: json!({"kind": "offer"}) }));
    assert_eq!(drain(&mut c, T0).0, []);
    c.handle_text(T0, &text(&ServerMessage::Presence { room: ROOM.into(), present: names(&ids) }));
    let (out, _) = drain(&mut c, T0);
    assert_eq!(
        out[1..],
        [
            Output::Event(Event::Frame { from: 1, payload: b"early".to_vec() }),
            Output::Event(Event::Signal { from: 1, data: json!({"kind": "offer"}) }),
        ]
    );

    let mut flooded = client(&ids[0], config(Seats::Open(3)));
    in_lobby(&mut flooded, names(&ids[..2]), 100);
    drain(&mut flooded, T0);
    for _ in 0..=EARLY_LIMIT / 4000 {
        flooded.handle_binary(T0, &encode_relay(ROOM, &fp1, &[0; 4000]).unwrap());
    }
    assert_eq!(failure(&drain(&mut flooded, T0).0), SignalError::Flooded { limit: EARLY_LIMIT });
}

#[test]
fn the_lobby_deadline_ends_a_room_that_does_not_fill() {
    let ids = identities(3);
    let mut c = client(&ids[0], config(Seats::Open(3)));
    in_lobby(&mut c, names(&ids[..2]), 100);
    let (_, wait) = drain(&mut c, T0);
    assert_eq!(wait, Output::Timeout(T0 + Duration::from_secs(60)));
    c.handle_timeout(T0 + Duration::from_secs(59));
    assert!(!c.is_ended());
    c.handle_timeout(T0 + Duration::from_secs(60));
    let e = failure(&drain(&mut c, T0).0);
    assert_eq!(e, SignalError::LobbyTimeout { after: Duration::from_secs(60), present: 2, needed: 3 });
    assert_eq!((e.code(), e.is_unreachable()), ("lobby_timeout", true));
    assert_eq!(e.to_string(), "not all 3 parties arrived within 60 s (2 did)");
    // After the end, nothing more happens.
    c.handle_text(T0, &text(&ServerMessage::Presence { room: ROOM.into(), present: names(&ids) }));
    assert_eq!(drain(&mut c, T0), (vec![], Output::Idle));
}

#[test]
fn the_server_ending_the_room_ends_the_session_at_once() {
    let ids = identities(3);
    let mut c = client(&ids[0], config(Seats::Open(3)));
    in_lobby(&mut c, names(&ids), 100);
    drain(&mut c, T0);
    c.send_frame(1, b"queued").unwrap();
    let expired = ServerMessage::Error { code: ErrorCode::UnknownRoom, message: format!("room `{ROOM}` expired") };
    c.handle_text(T0, &text(&expired));
    // What was queued is dropped: the failure, then the close.
    let e = failure(&drain(&mut c, T0).0);
    assert_eq!(e, SignalError::Refused { code: ErrorCode::UnknownRoom, message: format!("room `{ROOM}` expired") });
    assert!(e.is_unreachable());
    assert_eq!(e.code(), "unknown_room");
    assert_eq!(c.send_frame(1, b"late"), Err(e), "a send after the end says why it ended");
}

#[test]
fn every_refusal_and_fault_of_the_server_ends_the_session_with_its_cause() {
    let ids = identities(3);
    let other = Identity::generate().unwrap().fingerprint().to_string();
    type Case = (&'static str, fn(&mut SignalClient, &[Identity], &str), SignalError);
    let cases: Vec<Case> = vec![
        ("garbage text", |c, _, _| c.handle_text(T0, "{not json"), SignalError::Malformed { what: String::new() }),
        (
            "a malformed challenge",
            |c, _, _| c.handle_text(T0, &text(&ServerMessage::Challenge { nonce: "zz".into(), server: String::new() })),
            SignalError::Malformed { what: "a malformed challenge".into() },
        ),
        (
            "a welcome before the challenge",
            |c, _, _| {
                c.handle_text(
                    T0,
                    &text(&ServerMessage::Welcome { fingerprint: String::new(), ice_servers: vec![], limits: Limits::default() }),
                )
            },
            SignalError::Malformed { what: "an unexpected message while waiting for the challenge: welcome".into() },
        ),
        (
            "a malformed relay frame",
            |c, ids, _| {
                in_lobby(c, names(ids), 100);
                c.handle_binary(T0, &[200, 1, 2]);
            },
            SignalError::Malformed { what: "a malformed relay frame".into() },
        ),
        (
            "a frame from a stranger",
            |c, ids, other| {
                in_lobby(c, names(ids), 100);
                c.handle_binary(T0, &encode_relay(ROOM, other, b"x").unwrap());
            },
            SignalError::Malformed { what: String::new() },
        ),
        (
            "a close with a reason",
            |c, _, _| c.handle_close(T0, Some("going away".into())),
            SignalError::Closed { reason: Some("going away".into()) },
        ),
        ("a close without one", |c, _, _| c.handle_close(T0, Some(String::new())), SignalError::Closed { reason: None }),
        (
            "an unreachable server",
            |c, _, _| c.handle_unreachable(T0, "connection refused".into()),
            SignalError::Unreachable { url: URL.into(), detail: "connection refused".into() },
        ),
        (
            "a full room without this party",
            |c, ids, other| {
                let mut present = names(&ids[1..]);
                present.push(other.to_string());
                present.sort();
                in_lobby(c, present, 100);
            },
            SignalError::NotSeated { fingerprint: ids[0].fingerprint() },
        ),
    ];
    for (what, act, expected) in cases {
        let mut c = client(&ids[0], config(Seats::Open(3)));
        act(&mut c, &ids, &other);
        let (outputs, _) = drain(&mut c, T0);
        let ending: Vec<Output> =
            outputs.into_iter().filter(|o| !matches!(o, Output::Event(Event::Seated { .. } | Event::Arrived { .. }))).collect();
        let e = failure(&ending);
        // A parser's own words are compared by kind.
        match (&e, &expected) {
            (SignalError::Malformed { .. }, SignalError::Malformed { what }) if what.is_empty() => {}
            _ => assert_eq!(e, expected, "{what}"),
        }
        assert!(c.is_ended(), "{what}");
    }
    // Each of the server's error codes ends the session, except `not_in_room`.
    for code in ErrorCode::ALL.into_iter().filter(|&c| c != ErrorCode::NotInRoom) {
        let mut c = client(&ids[0], config(Seats::Open(3)));
        in_lobby(&mut c, names(&ids[..1]), 100);
        drain(&mut c, T0);
        c.handle_text(T0, &text(&ServerMessage::Error { code, message: "no".into() }));
        let e = failure(&drain(&mut c, T0).0);
        assert_eq!(e, SignalError::Refused { code, message: "no".into() });
        assert_eq!(e.code(), serde_json::to_value(code).unwrap(), "the reason is the wire code");
        assert_eq!(e.to_string(), format!("the signal server refused: no ({})", code.as_str()));
    }
}

#[test]
fn error_codes_say_whether_the_server_closes_the_connection() {
    let fatal = [
        ErrorCode::BadMessage,
        ErrorCode::TooLarge,
        ErrorCode::RateLimited,
        ErrorCode::QueueFull,
        ErrorCode::AuthFailed,
        ErrorCode::IdleTimeout,
        ErrorCode::ShuttingDown,
    ];
    let not = [
        ErrorCode::RoomFull,
        ErrorCode::NotInRoster,
        ErrorCode::BadToken,
        ErrorCode::RoomMismatch,
        ErrorCode::TooManyRooms,
        ErrorCode::NotInRoom,
        ErrorCode::UnknownRoom,
    ];
    assert!(fatal.iter().all(|c| c.is_fatal()));
    assert!(not.iter().all(|c| !c.is_fatal()));
    for code in fatal.iter().chain(&not) {
        assert_eq!(serde_json::to_value(code).unwrap(), code.as_str());
    }
}

#[test]
fn a_backlog_past_its_limit_ends_the_session() {
    let ids = identities(3);
    let mut c = client(&ids[0], config(Seats::Open(3)));
    in_lobby(&mut c, names(&ids), 1);
    drain(&mut c, T0);
    let frame = vec![0; 4000];
    let mut result = Ok(());
    for _ in 0..=BACKLOG_LIMIT / 4000 {
        result = c.send_frame(1, &frame);
        if result.is_err() {
            break;
        }
    }
    assert!(matches!(result, Err(SignalError::Backlog { limit: BACKLOG_LIMIT, .. })), "{result:?}");
    assert!(matches!(failure(&drain(&mut c, T0).0), SignalError::Backlog { .. }));
}

#[test]
fn leaving_sends_what_is_queued_then_closes() {
    let ids = identities(3);
    let mut c = client(&ids[0], config(Seats::Open(3)));
    in_lobby(&mut c, names(&ids), 100);
    drain(&mut c, T0);
    c.send_frame(2, b"last words").unwrap();
    c.leave();
    let (out, wait) = drain(&mut c, T0);
    assert!(matches!(out[..], [Output::Transmit(Transmit::Binary(_)), Output::Transmit(Transmit::Close)]), "{out:?}");
    assert_eq!(wait, Output::Idle);
}

#[test]
fn a_url_that_names_no_server_or_an_overlong_room_is_refused_at_once() {
    let id = Identity::generate().unwrap();
    let mut cfg = config(Seats::Open(3));
    cfg.url = "http://x/".into();
    assert!(matches!(SignalClient::new(cfg, Identity::from_file(&id.to_file()).unwrap(), T0), Err(SignalError::BadUrl(_))));
    let mut cfg = config(Seats::Open(3));
    cfg.room = "r".repeat(256);
    assert_eq!(SignalClient::new(cfg, id, T0).unwrap_err(), SignalError::BadRoom);
}

#[test]
fn the_websocket_is_opened_at_the_rooms_url_and_the_servers_origin_is_signed() {
    let id = identities(1).remove(0);
    let mut cfg = config(Seats::Open(3));
    cfg.url = "wss://Signal.Example/base?v=1".into();
    cfg.room = "a/b".into();
    let mut c = client(&id, cfg);
    assert_eq!(c.socket_url(), "wss://Signal.Example/base/r/a%2Fb?v=1");
    c.handle_text(T0, &text(&ServerMessage::Challenge { nonce: "11".repeat(32), server: "cohort-signal/2".into() }));
    let (out, _) = drain(&mut c, T0);
    match sent_message(&out[0]) {
        ClientMessage::Auth { server, .. } => assert_eq!(server, "wss://signal.example"),
        other => panic!("expected auth, got {other:?}"),
    }
    // A room that a URL would read as a path step cannot be put in one.
    let mut cfg = config(Seats::Open(3));
    cfg.room = "..".into();
    assert!(matches!(SignalClient::new(cfg, id, T0), Err(SignalError::BadUrl(_))));
}

#[test]
fn the_clients_reader_of_server_messages_agrees_with_the_servers_writer() {
    let ice =
        IceServer { urls: vec!["turn:t.example:3478?transport=udp".into()], username: Some("u".into()), credential: Some("p".into()) };
    let mut messages = vec![
        ServerMessage::Challenge { nonce: "ab".repeat(32), server: "cohort-signal/2".into() },
        ServerMessage::Welcome {
            fingerprint: "fp".into(),
            ice_servers: vec![ice, IceServer { urls: vec![], username: None, credential: None }],
            limits: Limits::default(),
        },
        ServerMessage::Joined { room: ROOM.into(), present: vec!["a".into(), "b".into()] },
        ServerMessage::Presence { room: ROOM.into(), present: vec![] },
        ServerMessage::Signal {
            room: ROOM.into(),
            from: "a".into(),
            data: json!({"kind": "offer", "sdp": {"type": "offer", "sdp": "v=0"}}),
        },
    ];
    messages.extend(ErrorCode::ALL.map(|code| ServerMessage::Error { code, message: format!("{code} happened") }));
    for msg in messages {
        let text = serde_json::to_string(&msg).unwrap();
        assert_eq!(ServerMessage::from_json(&text), Ok(msg), "{text}");
    }
    for bad in
        ["{}", r#"{"type":"nope"}"#, r#"{"type":"error","code":"made_up","message":"x"}"#, r#"{"type":"joined","room":"r"}"#, "[1]", "{"]
    {
        assert!(ServerMessage::from_json(bad).is_err(), "{bad}");
        assert!(serde_json::from_str::<ServerMessage>(bad).is_err(), "{bad}");
    }
}
