//! The crate's behaviours, one module (and file) per behaviour, in one test
//! binary: one link instead of one per file.

mod big_values;
mod cli;
mod common;
mod disclosure;
mod identity;
mod no_privacy;
mod open_invite_consent;
mod programs;
mod rostered_session;
mod signal;
mod signal_huge_pages;
mod terminal_output;
