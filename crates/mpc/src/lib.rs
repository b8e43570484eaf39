//! Cohort's MPC engine: MPyC's protocols in Rust, for native parties and
//! WebAssembly alike.
//!
//! ```text
//!  secure, statistics  secint(l), secfxp(l, f), secfld(p) on vectors: SecVec + Runtime ops
//!  protocols  input, open, reshare, random bits, comparisons, truncation, sorting,
//!             modulo and division, bit decomposition, reciprocals
//!  runtime    one party: rounds that batch every step, PRSS, Lagrange cache
//!  session    sans-IO driver: poll → Send / Receive / Done, handle_message
//!  local      every party in one thread over an in-memory network (tests, fault injection)
//!  shamir, prss, field   Shamir sharing, pseudorandom sharing, GF(p) arithmetic
//! ```
//!
//! Semantics follow MPyC: Shamir sharing with threshold `t < m/2`,
//! pseudorandom secret sharing for randomness, multiplication with one
//! resharing round, comparisons à la Toft with a `k = 30`-bit statistical
//! mask, fixed point with stochastic rounding, a shuffle by the PRSS subsets,
//! sorting by shuffle-then-sort (rows: Batcher's network). Security is
//! passive (semi-honest) with an honest majority.
//!
//! The engine does no I/O: a program is an `async` function over a
//! [`Runtime`], and a [`Session`] drives it, asking its caller to send and
//! deliver messages. All independent steps of a round — the elements of a
//! vector, and concurrent branches joined with `futures_util` — go to each
//! peer in one message.
//!
//! ```
//! use cohort_mpc::{local, Receivers, SecType, Value};
//!
//! // Three parties each input a salary; everyone learns the sum.
//! let salaries = [52_000, 61_000, 47_500];
//! let outcome = local::run(3, 1, 7, |rt| async move {
//!     let ty = SecType::int(32)?;
//!     let mut total = None;
//!     for owner in 0..rt.parties() {
//!         let mine = [Value::Int(salaries[owner])];
//!         let x = rt.input(&ty, owner, (rt.id() == owner).then_some(&mine[..]), 1).await?;
//!         total = Some(match total { None => x, Some(t) => x.add(&t)? });
//!     }
//!     rt.reveal(&total.unwrap(), &Receivers::All).await
//! })
//! .unwrap();
//! assert_eq!(outcome.results[0], Some(vec![Value::Int(160_500)]));
//! ```
//!
//! A native driver runs a [`Session`] with [`run_blocking`] over any
//! [`Transport`]; the browser runs it with [`run_async`] over an
//! [`AsyncTransport`] fed by data-channel events.

pub mod bench;
mod error;
pub mod field;
mod keystream;
pub mod local;
mod protocols;
pub mod prss;
mod runtime;
mod secure;
mod session;
pub mod shamir;
mod statistics;

pub use cohort_transport::{AsyncTransport, Blocking, PartyId, Transport, TransportError, block_on};
pub use error::{Error, Result};
pub use field::{Fe, Field};
pub use protocols::{SORT_COMPARISONS_PER_PAIR, merge_exchange_layers};
pub use runtime::{
    Config, MAX_PARTIES, Receivers, Runtime, SEC_PARAM, SYNC_EVERY, Stats, UNREAD_ROUNDS, default_threshold, largest_setup_message,
};
pub use secure::{DERANGEMENT_BATCH, Kind, SecType, SecVec, Value};
pub use session::{Session, Step, run_async, run_async_observed, run_blocking};
pub use statistics::{MODE_MAX_VALUES, Statistic, check_statistic};
