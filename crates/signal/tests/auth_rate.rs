//! Authentications per address: each costs the server a signature check,
//! so one IP address may authenticate at most `auth_rate_per_address` times
//! a second (a burst of as many); past it the connection ends
//! `rate_limited`, while other addresses are served as usual.

use crate::common;

use std::time::Duration;

use cohort_channel::Identity;
use cohort_signal::protocol::{ErrorCode, ServerMessage};
use cohort_signal::server::{ServerConfig, ServerHandle};
use common::*;

/// Connects from `source` and answers the challenge: the welcome, or the refusal's code.
fn authenticate(addr: std::net::SocketAddr, source: &str) -> Result<(), ErrorCode> {
    let mut client = Client::open_over(addr, Identity::generate().unwrap(), tcp_from(addr, source, None));
    client.auth();
    match client.msg() {
        ServerMessage::Welcome { .. } => Ok(()),
        ServerMessage::Error { code, .. } => Err(code),
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn one_address_authenticates_at_most_so_often() {
    let server = ServerHandle::spawn(ServerConfig { auth_rate_per_address: 5, ..config() }).unwrap();
    let addr = server.addr();
    for i in 0..5 {
        assert_eq!(authenticate(addr, "127.0.0.1"), Ok(()), "authentication {i} of the burst");
    }
    assert_eq!(authenticate(addr, "127.0.0.1"), Err(ErrorCode::RateLimited));
    // Another address has its own allowance.
    assert_eq!(authenticate(addr, "127.0.0.2"), Ok(()));
    assert!(metric(addr, "cohort_signal_refusals_total{reason=\"rate_limited\"}") >= 1.0);
    // The allowance comes back at the rate: 5 a second.
    std::thread::sleep(Duration::from_millis(400));
    assert_eq!(authenticate(addr, "127.0.0.1"), Ok(()));
}

#[test]
fn zero_turns_the_limit_off() {
    let server = ServerHandle::spawn(config()).unwrap();
    for _ in 0..40 {
        assert_eq!(authenticate(server.addr(), "127.0.0.1"), Ok(()));
    }
}
