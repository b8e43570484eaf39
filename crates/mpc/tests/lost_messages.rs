//! A message that never arrives (a vanished peer, a dropped connection) ends
//! the session of the party waiting for it with an error, and of every party
//! that then waits on that party: no party hangs or panics.

use cohort_mpc::{Error, SecType, Session, Value, local};

/// Parties 0 and 1 input 1 and 2; everyone learns whether 1 < 2.
fn compare_inputs() -> Vec<Session<Vec<Value>>> {
    local::sessions(3, 1, 5, |rt| async move {
        let ty = SecType::int(32)?;
        let mine = [Value::Int(rt.id() as i128 + 1)];
        let x = rt.input(&ty, 0, (rt.id() == 0).then_some(&mine[..]), 1).await?;
        let y = rt.input(&ty, 1, (rt.id() == 1).then_some(&mine[..]), 1).await?;
        let c = rt.lt(&x, &y).await?;
        rt.reveal_all(&c).await
    })
    .unwrap()
}

/// The rounds in which party 2 sends party 0 a message (a party sends a
/// peer a message only in rounds in which it has something for it, and in
/// every `SYNC_EVERY`-th).
fn rounds_from_2_to_0() -> Vec<usize> {
    let mut rounds = Vec::new();
    let results = local::drive(&mut compare_inputs(), |k, from, to, msg| {
        if (from, to) == (2, 0) {
            rounds.push(k);
        }
        vec![msg]
    });
    assert!(results.iter().all(Result::is_ok));
    rounds
}

#[test]
fn a_lost_message_ends_its_receiver_with_an_error_and_nobody_hangs() {
    let rounds = rounds_from_2_to_0();
    assert!(rounds.len() >= 4, "party 2 sends party 0 a message in rounds {rounds:?} only");
    for lost_round in rounds {
        let mut sessions = compare_inputs();
        // Party 2's message to party 0 in `lost_round` is dropped.
        let results = local::drive(&mut sessions, |k, from, to, msg| if (k, from, to) == (lost_round, 2, 0) { vec![] } else { vec![msg] });
        // Party 0 ends with an error; blame, where there is any, falls on the
        // party whose message went missing (party 0 then sees party 2's next
        // message where it expected the lost one). The others end with an
        // error too, or — when they need nothing more from party 0, as
        // after the last round party 2 sends it — with the right result.
        assert!(results[0].is_err(), "round {lost_round}: party 0 ended with {:?}", results[0]);
        for (i, r) in results.iter().enumerate() {
            match r {
                Err(Error::PeerMisbehaved { party, .. }) => assert_eq!(*party, 2, "round {lost_round}: party {i} blamed party {party}"),
                Err(Error::Internal(_) | Error::Transport(_)) => {}
                Ok(v) if *v == [Value::Int(1)] => {}
                other => panic!("round {lost_round}: party {i} ended with {other:?}"),
            }
        }
    }
}

#[test]
fn without_losses_the_same_program_succeeds() {
    let mut sessions = compare_inputs();
    let results = local::drive(&mut sessions, |_, _, _, msg| vec![msg]);
    for r in results {
        assert_eq!(r.unwrap(), vec![Value::Int(1)]); // 1 < 2
    }
}
