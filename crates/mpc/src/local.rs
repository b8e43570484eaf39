//! All parties of a session in one thread, over an in-memory network.
//!
//! Deterministic for fixed seeds: parties are polled in order and messages
//! are delivered as soon as they are sent. This is the test harness for
//! multi-party protocols; it needs no sockets, threads or executor.

use core::future::Future;
use std::rc::Rc;

use crate::runtime::{Config, Runtime, Stats};
use crate::session::{Session, Step};
use crate::{Error, Result};

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
    Config { parties: m, threshold: t, id: 0, seed: None, prss: true }.validate()?;
    let mut sessions = (0..m)
        .map(|id| {
            let mut party_seed = [0u8; 32];
            party_seed[..8].copy_from_slice(&seed.to_le_bytes());
            party_seed[8..16].copy_from_slice(&(id as u64).to_le_bytes());
            let config = Config { parties: m, threshold: t, id, seed: Some(party_seed), prss: true };
            Session::new(&config, &program)
        })
        .collect::<Result<Vec<_>>>()?;
    let mut results: Vec<Option<Result<T>>> = (0..m).map(|_| None).collect();
    loop {
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
                    for (to, msg) in msgs {
                        if results[to].is_some() {
                            let err = Error::Transport(format!("party {to} has finished; party {i} still sends"));
                            sessions[i].fail(err);
                        } else {
                            // Delivery errors end the receiving session; it reports them.
                            let _ = sessions[to].handle_message(i, msg);
                        }
                    }
                }
                Step::Receive(_) => {}
            }
        }
        if results.iter().all(Option::is_some) {
            break;
        }
        if !progress {
            for i in 0..m {
                if results[i].is_none() {
                    sessions[i].fail(Error::Internal("deadlock: every party waits for another".into()));
                }
            }
        }
    }
    let stats = sessions.iter().map(Session::stats).collect();
    let results = results.into_iter().map(|r| r.expect("all done")).collect::<Result<Vec<T>>>()?;
    Ok(Outcome { results, stats })
}
