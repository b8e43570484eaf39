//! A message that never arrives (a vanished peer, a dropped connection) ends
//! every party's session with an error: no party hangs or panics.

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

#[test]
fn a_lost_message_ends_every_party_with_an_error() {
    for lost_round in [0usize, 1, 3] {
        let mut sessions = compare_inputs();
        // Party 2's message to party 0 in `lost_round` is dropped.
        let results = local::drive(&mut sessions, |k, from, to, msg| if (k, from, to) == (lost_round, 2, 0) { vec![] } else { vec![msg] });
        // Every party ends with an error; blame, where there is any, falls on
        // the party whose message went missing (party 0 then sees party 2's
        // next round where it expected the lost one).
        for (i, r) in results.iter().enumerate() {
            match r {
                Err(Error::PeerMisbehaved { party, .. }) => assert_eq!(*party, 2, "round {lost_round}: party {i} blamed party {party}"),
                Err(Error::Internal(_) | Error::Transport(_)) => {}
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
