//! Shares that do not agree (a party that sends well-formed but wrong
//! shares, or computes with other randomness) end a protocol whose next
//! step depends on an opened value with `Error::Inconsistent`: an opened
//! comparison that is neither 0 nor 1, an opened random square that is not
//! a square. They never drive it round after round, nor end it with errors
//! that blame honest parties. (Two browsers whose key streams differed from
//! a native party's drew candidates for a uniform value below a bound for
//! ever, each rejected by a test that opened to garbage.)

use crate::common;

use cohort_mpc::{Error, SecType, Session, Value};
use common::*;

/// Party 1 changes every field element of every step's payload in every
/// round message it sends after the PRSS set-up (each element's lowest bit
/// flipped: still an element below `p = 2^64 − 189`, so nothing is
/// malformed, except with probability 2^-64 an element `p − 1`).
fn tamper(k: usize, from: usize, msg: &mut [u8]) {
    if from != 1 || k == 0 {
        return;
    }
    for payload in payloads(msg) {
        for element in msg[payload].chunks_exact_mut(8) {
            element[0] ^= 1;
        }
    }
}

/// Drives `sessions` with party 1 tampering ([`tamper`]) and checks that
/// every party ends with an error, one at least with `Inconsistent` (the
/// first to see the opened value stops; a peer still sending to it may
/// learn of that first), within 200 rounds (a clean run takes about 20).
fn ends_inconsistent(mut sessions: Vec<Session<Vec<i128>>>) {
    let results = drive(&mut sessions, |k, from, _, msg| {
        assert!(k < 200, "the parties went on for {k} rounds");
        tamper(k, from, msg);
    });
    assert!(results.iter().any(|r| matches!(r, Err(Error::Inconsistent(_)))), "{results:?}");
    for (party, r) in results.iter().enumerate() {
        assert!(r.is_err(), "party {party} finished with {r:?}");
    }
}

/// `a mod 7` for three parties: uniform values below 7 by rejection.
fn modulo_sessions() -> Vec<Session<Vec<i128>>> {
    let ty = SecType::int(32).unwrap();
    sessions(&configs(3, 1, 7, true), move |rt| async move {
        let a = input_ints(&rt, &ty, 0, &[100, -7, 12345]).await?;
        open_ints(&rt, &rt.mod_public(&a, Value::Int(7)).await?).await
    })
}

#[test]
fn a_modulo_by_a_public_bound_ends_with_an_error_when_shares_disagree() {
    ends_inconsistent(modulo_sessions());
}

#[test]
fn untampered_the_same_modulo_gives_the_plain_result() {
    for r in drive(&mut modulo_sessions(), |_, _, _, _| {}) {
        assert_eq!(r.unwrap(), vec![2, 0, 4]);
    }
}

#[test]
fn random_bits_by_square_roots_end_with_an_error_when_shares_disagree() {
    // Five parties at threshold 2 make random bits from opened squares: a
    // non-square opening cannot come from honest shares.
    let ty = SecType::int(32).unwrap();
    ends_inconsistent(sessions(&configs(5, 2, 9, true), move |rt| async move {
        let a = input_ints(&rt, &ty, 0, &[100, -7, 12345]).await?;
        let b = input_ints(&rt, &ty, 2, &[3, 4, 5]).await?;
        open_ints(&rt, &rt.lt(&a, &b).await?).await
    }));
}
