//! `cohort signal` runs without transparent huge pages (Linux): the first
//! touch of a fresh 2 MiB page stalled a worker for tens of milliseconds
//! under load (docs/signal.md).

#![cfg(target_os = "linux")]

use crate::common;

use common::Server;

#[test]
fn the_signal_server_turns_transparent_huge_pages_off() {
    let server = Server::start();
    let status = std::fs::read_to_string(format!("/proc/{}/status", server.child.id())).unwrap();
    let line = status.lines().find(|l| l.starts_with("THP_enabled:")).expect("the kernel reports THP_enabled");
    assert_eq!(line.split_whitespace().nth(1), Some("0"), "{line}");
}
