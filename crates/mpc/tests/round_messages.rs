//! A round's message goes only to the peers its steps send to (and to every
//! peer each `SYNC_EVERY`-th round): a product at three parties sends one
//! message a party, not two. A party that waits for nobody runs ahead, but
//! never so far that an honest peer's unread messages pass `UNREAD_ROUNDS`;
//! a peer that sends more is blamed.

use cohort_mpc::{Error, SYNC_EVERY, SecType, Session, Step, UNREAD_ROUNDS, Value, local};
use std::collections::BTreeMap;

/// Messages per round, by (round, from, to), of a clean run.
type Sent = BTreeMap<usize, Vec<(usize, usize)>>;

#[test]
fn a_chain_of_products_sends_one_message_a_party_a_round() {
    let chain = 20;
    let mut sessions = local::sessions(3, 1, 7, move |rt| async move {
        let ty = SecType::int(32)?;
        let two = [Value::Int(2)];
        let mut x = rt.input(&ty, 0, (rt.id() == 0).then_some(&two[..]), 1).await?;
        for _ in 0..chain {
            x = rt.mul(&x, &x).await?;
            x = rt.mul(&x, &rt.input(&ty, 1, (rt.id() == 1).then_some(&[Value::Int(1)][..]), 1).await?).await?;
        }
        rt.reveal_all(&x).await
    })
    .unwrap();
    let mut sent = Sent::new();
    let results = local::drive(&mut sessions, |k, from, to, msg| {
        sent.entry(k).or_default().push((from, to));
        vec![msg]
    });
    // 2^(2^20) mod the field's prime is whatever it is: every party agrees.
    let first = results[0].as_ref().unwrap().clone();
    assert!(results.iter().all(|r| r.as_ref().ok() == Some(&first)));
    // In product rounds each party deals to the one party that does not draw
    // its share from their common key stream: party 0 to 2, 1 to 0, 2 to 1.
    let rounds = sent.keys().max().copied().unwrap() + 1;
    assert!(rounds > 2 * SYNC_EVERY as usize, "{rounds} rounds");
    let ring = vec![(0, 2), (1, 0), (2, 1)];
    let all: Vec<(usize, usize)> = (0..3).flat_map(|i| (0..3).filter(move |&j| j != i).map(move |j| (i, j))).collect();
    let mut products = 0;
    for (&k, pairs) in &sent {
        let mut pairs = pairs.clone();
        pairs.sort();
        if (k as u64).is_multiple_of(SYNC_EVERY) {
            assert_eq!(pairs, all, "round {k} goes to and from every peer");
        } else if pairs == {
            let mut r = ring.clone();
            r.sort();
            r
        } {
            products += 1;
        }
    }
    assert!(products >= chain, "only {products} rounds sent one message a party: {sent:?}");
}

/// Party 0 inputs a value a round, waiting for nobody, for many rounds.
fn many_inputs(m: usize, t: usize, n: usize) -> Vec<cohort_mpc::Session<Vec<Value>>> {
    local::sessions(m, t, 3, move |rt| async move {
        let ty = SecType::int(32)?;
        let mut sum = rt.input(&ty, 0, (rt.id() == 0).then_some(&[Value::Int(0)][..]), 1).await?;
        for i in 1..n {
            let v = [Value::Int(i as i128)];
            let x = rt.input(&ty, 0, (rt.id() == 0).then_some(&v[..]), 1).await?;
            sum = sum.add(&x)?;
        }
        rt.reveal_all(&sum).await
    })
    .unwrap()
}

/// Runs the sessions, each polled until it waits before the next moves,
/// every message delivered at once: a party that waits for nobody runs as
/// far ahead as it can. Returns the results and the most messages one party
/// sent another in one such stretch.
fn drive_greedily(sessions: &mut [Session<Vec<Value>>]) -> (Vec<Value>, usize) {
    let m = sessions.len();
    let mut results: Vec<Option<Vec<Value>>> = vec![None; m];
    let mut most = 0;
    for _ in 0..10_000 {
        if results.iter().all(Option::is_some) {
            return (results[0].clone().unwrap(), most);
        }
        for i in 0..m {
            if results[i].is_some() {
                continue;
            }
            let mut stretch = vec![0usize; m];
            loop {
                match sessions[i].poll() {
                    Step::Done(r) => {
                        results[i] = Some(r.unwrap_or_else(|e| panic!("party {i}: {e:?}")));
                        break;
                    }
                    Step::Send(msgs) => {
                        for (to, msg) in msgs {
                            stretch[to] += 1;
                            most = most.max(stretch[to]);
                            // An honest peer never trips the unread bound.
                            if let Err(e) = sessions[to].handle_message(i, msg) {
                                panic!("party {to} refused party {i}'s message: {e:?}");
                            }
                        }
                    }
                    Step::Receive(_) => break,
                }
            }
        }
    }
    panic!("the sessions did not finish");
}

#[test]
fn a_party_that_waits_for_nobody_stays_within_the_unread_bound() {
    for (m, t) in [(3, 1), (5, 2), (2, 0)] {
        let n = 5 * SYNC_EVERY as usize;
        let (sum, most) = drive_greedily(&mut many_inputs(m, t, n));
        assert_eq!(sum, vec![Value::Int((n * (n - 1) / 2) as i128)], "m={m} t={t}");
        assert!(most >= SYNC_EVERY as usize, "m={m} t={t}: party 0 ran only {most} rounds ahead");
        assert!(most <= UNREAD_ROUNDS, "m={m} t={t}: {most} messages ahead");
    }
}

#[test]
fn a_peer_past_the_unread_bound_is_blamed() {
    let mut sessions = many_inputs(3, 1, 4);
    // Party 2 gets UNREAD_ROUNDS + 1 messages from party 0 before it reads any.
    let mut first = None;
    let results = local::drive(&mut sessions, |k, from, to, msg| {
        if (k, from, to) == (0, 0, 2) {
            first = Some(msg.clone());
            return vec![msg.clone(); UNREAD_ROUNDS + 1];
        }
        vec![msg]
    });
    assert!(first.is_some());
    match &results[2] {
        Err(Error::PeerMisbehaved { party: 0, reason }) => assert!(reason.contains("ahead"), "{reason}"),
        other => panic!("party 2 ended with {other:?}"),
    }
}
