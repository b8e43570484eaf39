//! Authentication: a client proves its identity key by signing this
//! connection's challenge; wrong signatures, replayed answers (signatures
//! over another connection's nonce), and anything other than `auth` first
//! end the connection.

use crate::common;

use cohort_channel::Identity;
use cohort_signal::protocol::{ClientMessage, ErrorCode, IceServer, Limits, ServerMessage};
use cohort_signal::server::{ServerConfig, ServerHandle};
use common::*;

#[test]
fn a_good_signature_is_welcomed_with_the_fingerprint_ice_servers_and_limits() {
    let ice = vec![IceServer { urls: vec!["stun:stun.example:3478".into()], username: None, credential: None }];
    let limits = Limits { max_rate: 99, ..Limits::default() };
    let config = ServerConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        limits: limits.clone(),
        ice_servers: ice.clone(),
        log: false,
        ..ServerConfig::default()
    };
    let server = ServerHandle::spawn(config).unwrap();
    let mut client = Client::open(server.addr());
    let signature = sign_challenge(&client.identity, &client.nonce, &client.origin);
    client.send(&ClientMessage::Auth { key: client.identity.public().to_hex(), signature, server: client.origin.clone() });
    assert_eq!(client.msg(), ServerMessage::Welcome { fingerprint: client.fp.clone(), ice_servers: ice, limits });
}

#[test]
fn every_connection_gets_a_fresh_nonce() {
    let server = default_server();
    let (a, b) = (Client::open(server.addr()), Client::open(server.addr()));
    assert_ne!(a.nonce, b.nonce);
}

#[test]
fn a_wrong_signature_fails() {
    let server = default_server();
    let mut client = Client::open(server.addr());
    // Another identity's signature over the right challenge.
    let other = Identity::generate().unwrap();
    let signature = sign_challenge(&other, &client.nonce, &client.origin);
    client.send(&ClientMessage::Auth { key: client.identity.public().to_hex(), signature, server: client.origin.clone() });
    client.expect_fatal(ErrorCode::AuthFailed);
    // The nonce signed without the context.
    let mut client = Client::open(server.addr());
    let signature = hex(&client.identity.sign(&unhex(&client.nonce)));
    client.send(&ClientMessage::Auth { key: client.identity.public().to_hex(), signature, server: client.origin.clone() });
    client.expect_fatal(ErrorCode::AuthFailed);
    // Not a signature at all.
    let mut client = Client::open(server.addr());
    client.send(&ClientMessage::Auth { key: client.identity.public().to_hex(), signature: "00".into(), server: client.origin.clone() });
    client.expect_fatal(ErrorCode::AuthFailed);
}

#[test]
fn a_key_that_is_not_a_key_fails() {
    let server = default_server();
    let mut client = Client::open(server.addr());
    let signature = sign_challenge(&client.identity, &client.nonce, &client.origin);
    client.send(&ClientMessage::Auth { key: "not hex".into(), signature, server: client.origin.clone() });
    client.expect_fatal(ErrorCode::AuthFailed);
}

#[test]
fn a_replayed_challenge_answer_fails() {
    let server = default_server();
    let identity = Identity::generate().unwrap();
    let seen = Client::open(server.addr());
    // The answer to the first connection's challenge, replayed on a second.
    let answer = sign_challenge(&identity, &seen.nonce, &seen.origin);
    let mut replay = Client::open_as(server.addr(), identity);
    replay.send(&ClientMessage::Auth { key: replay.identity.public().to_hex(), signature: answer, server: replay.origin.clone() });
    replay.expect_fatal(ErrorCode::AuthFailed);
}

#[test]
fn anything_but_auth_first_is_a_bad_message() {
    let server = default_server();
    let mut client = Client::open(server.addr());
    client.send_text("hello");
    client.expect_fatal(ErrorCode::BadMessage);

    let mut client = Client::open(server.addr());
    let parties = vec![client.fp.clone(), Identity::generate().unwrap().fingerprint().to_string()];
    client.send(&ClientMessage::Join { room: "r".into(), token: None, parties, size: None });
    client.expect_fatal(ErrorCode::BadMessage);

    let mut client = Client::open(server.addr());
    client.relay("r", "someone", b"frame");
    client.expect_fatal(ErrorCode::BadMessage);

    let mut client = Client::open(server.addr());
    client.send_text(r#"{"type":"welcome","fingerprint":"x","ice_servers":[],"limits":{}}"#);
    client.expect_fatal(ErrorCode::BadMessage);
}

#[test]
fn unknown_fields_and_a_second_auth_are_bad_messages() {
    let server = default_server();
    let mut client = Client::open(server.addr());
    let signature = sign_challenge(&client.identity, &client.nonce, &client.origin);
    let key = client.identity.public().to_hex();
    client.send_text(&format!(r#"{{"type":"auth","key":"{key}","signature":"{signature}","extra":1}}"#));
    client.expect_fatal(ErrorCode::BadMessage);

    let mut client = Client::connect(server.addr());
    let signature = sign_challenge(&client.identity, &client.nonce, &client.origin);
    client.send(&ClientMessage::Auth { key: client.identity.public().to_hex(), signature, server: client.origin.clone() });
    client.expect_fatal(ErrorCode::BadMessage);
    wait_until("no clients remain", || server.clients() == 0);
}
