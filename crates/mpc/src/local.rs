//! All parties of a session in one thread, over an in-memory network.
//!
//! Deterministic for fixed seeds: parties are polled in order and messages
//! are delivered as soon as they are sent. This is the test harness for
//! multi-party protocols; it needs no sockets, threads or executor.

use core::future::Future;
use std::rc::Rc;

use crate::runtime::{Config, Runtime, Stats};
use crate::session::{Session, Step};
use crate::{Error, PartyId, Result};

/// The outcome of [`run`]: every party's result and communication counters.
#[derive(Debug)]
pub struct Outcome<T> {
    /// Party `i`'s result.
    pub results: Vec<T>,
    /// Party `i`'s counters.
    pub stats: Vec<Stats>,
}

/// Runs `program` as every party of an `m`-party session with threshold `t`,
/// with private randomness derived from `seed`. Fails with the first party's
/// error if any party fails.
pub fn run<T, F, Fut>(m: usize, t: usize, seed: u64, program: F) -> Result<Outcome<T>>
where
    T: 'static,
    F: Fn(Rc<Runtime>) -> Fut,
    Fut: Future<Output = Result<T>> + 'static,
{
    let mut sessions = sessions(m, t, seed, program)?;
    let results = drive(&mut sessions, |_, _, _, msg| vec![msg]);
    let stats = sessions.iter().map(Session::stats).collect();
    let results = results.into_iter().collect::<Result<Vec<T>>>()?;
    Ok(Outcome { results, stats })
}

/// One session per party, seeded from `seed`, ready for [`drive`].
pub fn sessions<T, F, Fut>(m: usize, t: usize, seed: u64, program: F) -> Result<Vec<Session<T>>>
where
    T: 'static,
    F: Fn(Rc<Runtime>) -> Fut,
    Fut: Future<Output = Result<T>> + 'static,
{
    Config { parties: m, threshold: t, id: 0, seed: None, prss: true }.validate()?;
    (0..m)
        .map(|id| {
            let mut party_seed = [0u8; 32];
            party_seed[..8].copy_from_slice(&seed.to_le_bytes());
            party_seed[8..16].copy_from_slice(&(id as u64).to_le_bytes());
            let config = Config { parties: m, threshold: t, id, seed: Some(party_seed), prss: true };
            Session::new(&config, &program)
        })
        .collect()
}

/// Runs the sessions over the in-memory network until every one has
/// finished, and returns their results. Every message passes through
/// `network(k, from, to, msg)`, where `k` counts the sender's rounds from 0
/// (round 0 sets up PRSS keys); it returns the copies to deliver — `vec![msg]`
/// normally, and for fault injection a changed message, none (a loss) or
/// several (a replay). A party that still sends to one that has finished
/// fails with a transport error; when no party can make progress (a lost
/// message, a deadlock), every unfinished party fails. So this always ends.
pub fn drive<T: 'static>(
    sessions: &mut [Session<T>],
    mut network: impl FnMut(usize, PartyId, PartyId, Vec<u8>) -> Vec<Vec<u8>>,
) -> Vec<Result<T>> {
    let m = sessions.len();
    let mut results: Vec<Option<Result<T>>> = (0..m).map(|_| None).collect();
    while results.iter().any(Option::is_none) {
        let mut progress = false;
        for i in 0..m {
            if results[i].is_some() {
                continue;
            }
            match sessions[i].poll() {
                Step::Done(r) => {
                    results[i] = Some(r);
                    progress = true;
                }
                Step::Send(msgs) => {
                    progress = true;
                    // The round just flushed (the count of completed rounds).
                    let k = sessions[i].stats().rounds as usize;
                    for (to, msg) in msgs {
                        if results[to].is_some() {
                            sessions[i].fail(Error::Transport(cohort_transport::TransportError::closed(format!(
                                "party {to} has finished; party {i} still sends"
                            ))));
                            continue;
                        }
                        for copy in network(k, i, to, msg) {
                            // Delivery errors end the receiving session; it reports them.
                            let _ = sessions[to].handle_message(i, copy);
                        }
                    }
                }
                Step::Receive(_) => {}
            }
        }
        if !progress {
            for i in (0..m).filter(|&i| results[i].is_none()) {
                sessions[i].fail(Error::Internal("deadlock: every party waits for another".into()));
            }
        }
    }
    results.into_iter().map(|r| r.expect("every party finished")).collect()
}
