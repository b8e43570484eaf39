//! A receive polls an idle connection for `MeshConfig::spin` before it
//! sleeps: frames that come during the poll, after it, in pieces or not at
//! all are all handled as without polling, and a peer that leaves while
//! its party polls is reported at once.

use std::thread;
use std::time::{Duration, Instant};

use cohort_mpc::{Transport, TransportError};

use crate::common::pair;

#[test]
fn frames_sent_during_and_after_the_poll_arrive_in_order() {
    for spin in [Duration::ZERO, Duration::from_micros(50), Duration::from_millis(20)] {
        let (mut zero, mut one) = pair(spin);
        let sender = thread::spawn(move || {
            one.send(0, b"at once".to_vec()).unwrap();
            // Well inside a 20 ms poll, and long after a 50 µs one.
            thread::sleep(Duration::from_millis(5));
            one.send(0, b"later".to_vec()).unwrap();
            thread::sleep(Duration::from_millis(60));
            one.send(0, vec![7; 200_000]).unwrap(); // larger than one read
            one
        });
        assert_eq!(zero.recv(1).unwrap(), b"at once", "spin {spin:?}");
        assert_eq!(zero.recv(1).unwrap(), b"later", "spin {spin:?}");
        assert_eq!(zero.recv(1).unwrap(), vec![7; 200_000], "spin {spin:?}");
        sender.join().unwrap();
    }
}

#[test]
fn a_peer_leaving_during_the_poll_is_reported_at_once() {
    let (mut zero, one) = pair(Duration::from_secs(5));
    let start = Instant::now();
    let leaver = thread::spawn(move || {
        thread::sleep(Duration::from_millis(10));
        drop(one);
    });
    let got = zero.recv(1);
    leaver.join().unwrap();
    assert!(matches!(got, Err(TransportError::PeerGone { party: 1 })), "got {got:?}");
    // The poll ends with the connection, not after its 5 s.
    assert!(start.elapsed() < Duration::from_secs(4), "took {:?}", start.elapsed());
}
