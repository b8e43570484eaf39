//! The server's own name in the challenge answer: a client signs the
//! origin of the URL it connected to, and the server accepts only the
//! names it is configured to answer to (by default its loopback names). A
//! signature over another server's name — a challenge relayed from
//! elsewhere — is `auth_failed`.

use crate::common;

use cohort_channel::Identity;
use cohort_signal::protocol::{ClientMessage, ErrorCode, ServerMessage};
use cohort_signal::server::{ServerConfig, ServerHandle};
use common::*;

fn answer(client: &mut Client, origin: &str, claimed: &str) {
    let signature = sign_challenge(&client.identity, &client.nonce, origin);
    client.send(&ClientMessage::Auth { key: client.identity.public().to_hex(), signature, server: claimed.into() });
}

#[test]
fn a_signature_over_the_servers_own_name_is_accepted() {
    let server = default_server();
    let port = server.addr().port();
    for origin in [format!("ws://127.0.0.1:{port}"), format!("ws://localhost:{port}"), format!("ws://[::1]:{port}")] {
        let mut client = Client::open(server.addr());
        answer(&mut client, &origin, &origin);
        assert!(matches!(client.msg(), ServerMessage::Welcome { .. }), "{origin}");
    }
}

#[test]
fn a_signature_over_another_servers_name_is_refused() {
    let server = default_server();
    let mut client = Client::open(server.addr());
    // What a client of evil.example signs, relayed here by that server.
    answer(&mut client, "wss://evil.example", "wss://evil.example");
    let why = client.expect_fatal(ErrorCode::AuthFailed);
    assert!(why.contains("evil.example") && why.contains(&format!("127.0.0.1:{}", server.addr().port())), "{why}");
    // Claiming this server's name over a signature for another does not verify either.
    let mut client = Client::open(server.addr());
    let origin = client.origin.clone();
    answer(&mut client, "wss://evil.example", &origin);
    client.expect_fatal(ErrorCode::AuthFailed);
    // Nor does another port of the same host.
    let mut client = Client::open(server.addr());
    let other = format!("ws://127.0.0.1:{}", server.addr().port() + 1);
    answer(&mut client, &other, &other);
    client.expect_fatal(ErrorCode::AuthFailed);
}

#[test]
fn a_configured_public_url_replaces_the_loopback_names() {
    let config = ServerConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        log: false,
        public_urls: vec!["wss://Signal.Example:443/cohort".into()],
        ..ServerConfig::default()
    };
    let server = ServerHandle::spawn(config).unwrap();
    assert_eq!(server.names(), ["wss://signal.example"]);
    let mut client = Client::open_as(server.addr(), Identity::generate().unwrap());
    answer(&mut client, "wss://signal.example", "wss://signal.example");
    assert!(matches!(client.msg(), ServerMessage::Welcome { .. }));
    let mut client = Client::open(server.addr());
    let origin = client.origin.clone();
    answer(&mut client, &origin, &origin);
    client.expect_fatal(ErrorCode::AuthFailed);
}
