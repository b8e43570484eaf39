//! The protocols, on raw shares: slices of field elements with the field and
//! bit lengths passed explicitly. [`crate::secure`] puts types on top.
//!
//! Every protocol works on whole vectors, so `n` independent operations cost
//! the rounds of one.

pub(crate) mod basic;
mod bits;
mod compare;
mod divide;
mod fixed;
mod gcd;
mod reciprocal;
mod shuffle;
mod sort;

pub use sort::{SORT_COMPARISONS_PER_PAIR, merge_exchange_layers};
