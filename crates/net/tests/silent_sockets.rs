//! Silent connections do not stall the mesh's setup. Each accepted
//! connection greets and authenticates on its own thread, within
//! `auth_timeout` of its accept, and at most `PENDING_PER_PEER` per
//! expected peer wait at once; so ten sockets that connect before the real
//! parties and never speak (or stop halfway through a greeting) hold setup
//! up by about one authentication deadline here, not one each, and every
//! one of them is turned away.

use crate::common;

use std::io::Write;
use std::net::TcpStream;
use std::time::Duration;

use cohort_net::{MeshConfig, PENDING_PER_PEER};
use common::*;

#[test]
fn ten_silent_sockets_do_not_stall_setup() {
    let (ids, transcript) = session(3);
    let (ls, addrs) = listeners(3);
    // One at a time, ten silent sockets would take ten seconds, past the
    // connect deadline. Side by side, the first eight wait out one
    // deadline together; then the last two are accepted with the real
    // parties, who authenticate at once.
    let config = MeshConfig { connect_timeout: Duration::from_secs(8), auth_timeout: Duration::from_secs(1), ..quick() };
    const { assert!(10 > 2 * PENDING_PER_PEER, "more silent sockets than party 0 authenticates at once") };
    let silent: Vec<TcpStream> = (0..10)
        .map(|i| {
            let mut s = TcpStream::connect(addrs[0]).unwrap();
            if i % 2 == 1 {
                s.write_all(&greeting(1)[..i]).unwrap(); // part of a greeting
            }
            s
        })
        .collect();
    let parties: Vec<_> = ls.into_iter().enumerate().map(|(me, l)| spawn_party(me, l, &addrs, &ids, &transcript, &config)).collect();
    for (me, party) in parties.into_iter().enumerate() {
        let (total, turned_away) = party.join().unwrap().unwrap_or_else(|e| panic!("party {me}: {e}"));
        assert_eq!(total, expected_sum(3));
        assert_eq!(turned_away, if me == 0 { 10 } else { 0 }, "party {me}");
    }
    drop(silent); // open until every party computed
}
