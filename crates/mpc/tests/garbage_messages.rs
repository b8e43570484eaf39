//! A session fed a garbage round message ends with `Error::PeerMisbehaved`
//! naming the sender: no panic, no hang. Sessions are driven by hand
//! (`Session::poll` / `handle_message`) and one message is replaced: by
//! targeted substitutions, and (a proptest) by random changes — bytes
//! flipped, cut, inserted or repeated, in any round between any two parties.
//! A randomly changed message may still be well formed (Shamir shares carry
//! no MAC: a changed share that is still a field element is a different
//! share), so there the receiver ends with an error or some result, and if
//! it blames a party it blames the sender. `PROPTEST_CASES=N` runs N random
//! cases.

use crate::common;

use cohort_mpc::{Error, Result, SecType, Session};
use common::*;
use proptest::prelude::*;
use proptest::sample::Index;

type Out = Vec<i128>;

/// Input, multiplication, a comparison and an opening: many kinds of rounds.
fn program_sessions(m: usize, t: usize) -> Vec<Session<Out>> {
    let ty = SecType::int(32).unwrap();
    sessions(&configs(m, t, 81, true), move |rt| async move {
        let x = input_ints(&rt, &ty, 0, &[12, -5, 7]).await?;
        let y = input_ints(&rt, &ty, 1, &[13, 9, 7]).await?;
        let xy = rt.mul(&x, &y).await?;
        let c = rt.lt(&x, &y).await?;
        let mut out = open_ints(&rt, &xy).await?;
        out.extend(open_ints(&rt, &c).await?);
        Ok(out)
    })
}

const EXPECTED: [i128; 6] = [156, -45, 49, 1, 1, 0];

/// Round messages every party sends in a clean run.
fn clean_rounds(m: usize, t: usize) -> usize {
    let mut s = program_sessions(m, t);
    let mut rounds = 0;
    let results = drive(&mut s, |k, _, _, _| rounds = rounds.max(k + 1));
    for r in results {
        assert_eq!(r.unwrap(), EXPECTED.to_vec());
    }
    rounds
}

#[derive(Clone, Copy, Debug)]
enum Garbage {
    RandomBytes,
    DropLastByte,
    ShorterThanHeader,
    Empty,
    TrailingByte,
    WrongRound,
    WrongStepCount,
    ElementsNotBelowP,
}

const ALL: [Garbage; 8] = [
    Garbage::RandomBytes,
    Garbage::DropLastByte,
    Garbage::ShorterThanHeader,
    Garbage::Empty,
    Garbage::TrailingByte,
    Garbage::WrongRound,
    Garbage::WrongStepCount,
    Garbage::ElementsNotBelowP,
];

/// Applies `g` to `msg`; false if it does not apply to this message.
fn spoil(g: Garbage, msg: &mut Vec<u8>, seed: u64) -> bool {
    match g {
        Garbage::RandomBytes => {
            let mut r = rng(seed);
            for b in msg.iter_mut() {
                *b = rand_core::Rng::next_u32(&mut r) as u8;
            }
        }
        Garbage::DropLastByte => {
            msg.pop();
        }
        Garbage::ShorterThanHeader => msg.truncate(5),
        Garbage::Empty => msg.clear(),
        Garbage::TrailingByte => msg.push(0),
        Garbage::WrongRound => msg[0] ^= 0x40,
        Garbage::WrongStepCount => msg[8] = msg[8].wrapping_add(1),
        Garbage::ElementsNotBelowP => {
            let ranges: Vec<_> = payloads(msg).into_iter().filter(|r| !r.is_empty()).collect();
            if ranges.is_empty() {
                return false;
            }
            for r in ranges {
                msg[r].fill(0xFF);
            }
        }
    }
    true
}

fn check(m: usize, t: usize, from: usize, to: usize, round: usize, g: Garbage) {
    let mut s = program_sessions(m, t);
    let mut applied = false;
    let results: Vec<Result<Out>> = drive(&mut s, |k, i, j, msg| {
        if k == round && i == from && j == to {
            // PRSS keys are opaque bytes: any 32 bytes are a key.
            if round == 0 && matches!(g, Garbage::ElementsNotBelowP) {
                return;
            }
            applied = spoil(g, msg, (round * 100 + from * 10 + to) as u64);
        }
    });
    if !applied {
        return;
    }
    match &results[to] {
        Err(Error::PeerMisbehaved { party, reason }) => {
            assert_eq!(*party, from, "m={m} t={t} round {round} {g:?} {from}→{to}: blames party {party} ({reason})");
        }
        other => panic!("m={m} t={t} round {round} {g:?} {from}→{to}: party {to} ended with {other:?}, not PeerMisbehaved"),
    }
    for (i, r) in results.iter().enumerate() {
        if let Ok(v) = r {
            assert_eq!(v, &EXPECTED.to_vec(), "m={m} t={t} round {round} {g:?}: party {i} finished with a wrong result");
        }
    }
}

#[test]
fn garbage_in_any_round_is_blamed_on_its_sender() {
    // (At t = 0 an opening sends nothing: each party's share is the value.)
    for (m, t, least) in [(3, 1, 5), (3, 0, 3)] {
        let rounds = clean_rounds(m, t);
        assert!(rounds >= least, "m={m} t={t}: only {rounds} rounds");
        for round in 0..rounds {
            for g in ALL {
                for (from, to) in [(0, 1), (1, 0), (2, 1), (1, 2)] {
                    check(m, t, from, to, round, g);
                }
            }
        }
    }
}

#[test]
fn garbage_with_more_parties() {
    for (m, t) in [(5, 2), (7, 3)] {
        let rounds = clean_rounds(m, t);
        for round in [0, 1, 2, rounds / 2, rounds - 1] {
            for g in ALL {
                check(m, t, m - 1, 0, round, g);
                check(m, t, 0, m - 1, round, g);
            }
        }
    }
}

/// A message delivered twice runs ahead of the protocol: blamed on its sender
/// — in every round in which party 2 sends party 0 a message, but the last
/// (after which party 0 reads nothing more from party 2).
#[test]
fn duplicated_messages_are_blamed_on_their_sender() {
    let mut rounds = Vec::new();
    let clean = drive(&mut program_sessions(3, 1), |k, i, j, _| {
        if (i, j) == (2, 0) {
            rounds.push(k);
        }
    });
    assert!(clean.iter().all(Result::is_ok));
    rounds.pop();
    assert!(rounds.len() >= 4, "party 2 sends party 0 a message in rounds {rounds:?} only");
    for round in rounds {
        let mut s = program_sessions(3, 1);
        let results = drive_with_duplicate(&mut s, round, 2, 0);
        match &results[0] {
            Err(Error::PeerMisbehaved { party, .. }) => assert_eq!(*party, 2, "round {round}"),
            other => panic!("round {round}: party 0 ended with {other:?}"),
        }
    }
}

/// Like `common::drive`, but the `round`-th message from `from` to `to` is delivered twice.
fn drive_with_duplicate(sessions: &mut [Session<Out>], round: usize, from: usize, to: usize) -> Vec<Result<Out>> {
    cohort_mpc::local::drive(sessions, |k, i, j, msg| if (k, i, j) == (round, from, to) { vec![msg.clone(), msg] } else { vec![msg] })
}

/// Messages from a party that does not exist, or from oneself, are refused
/// without ending anyone's session in a panic.
#[test]
fn messages_from_unknown_parties_are_errors() {
    let mut s = program_sessions(3, 1);
    assert!(s[0].handle_message(7, vec![1, 2, 3]).is_err());
    assert!(s[1].handle_message(1, vec![]).is_err());
    // The refused deliveries end those sessions with an error, not a panic or a hang.
    let results = drive(&mut s, |_, _, _, _| {});
    assert!(results[0].is_err() && results[1].is_err(), "{results:?}");
}

fn config(cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(cases);
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

/// Changes `msg` by the edits: flip a byte, cut there, insert a byte, or repeat the tail.
fn mutate(msg: &mut Vec<u8>, edits: &[(Index, u8, u8)]) {
    for (at, op, byte) in edits {
        let i = at.index(msg.len() + 1);
        match op % 4 {
            0 if i < msg.len() => msg[i] ^= byte | 1,
            1 => msg.truncate(i),
            2 => msg.insert(i, *byte),
            _ => {
                let tail = msg[i..].to_vec();
                msg.extend_from_slice(&tail);
            }
        }
    }
}

proptest! {
    #![proptest_config(config(96))]

    #[test]
    fn changed_round_messages_never_panic_or_hang(
        round in 0usize..10, from in 0usize..3, step in 1usize..3,
        edits in proptest::collection::vec((any::<Index>(), any::<u8>(), any::<u8>()), 1..5),
    ) {
        let to = (from + step) % 3;
        let mut s = program_sessions(3, 1);
        let mut changed = false;
        let results = drive(&mut s, |k, i, j, msg| {
            if k == round && i == from && j == to {
                let before = msg.clone();
                mutate(msg, &edits);
                changed = *msg != before;
            }
        });
        prop_assert_eq!(results.len(), 3);
        // A receiver that blames someone blames the sender of the changed message.
        if let Err(cohort_mpc::Error::PeerMisbehaved { party, reason }) = &results[to] {
            prop_assert_eq!(*party, from, "{}", reason);
        }
        if !changed {
            for r in &results {
                prop_assert_eq!(r.as_ref().ok(), Some(&EXPECTED.to_vec()));
            }
        }
    }
}
