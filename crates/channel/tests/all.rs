//! The crate's behaviours, one module (and file) per behaviour, in one test
//! binary: one link instead of one per file.

mod chunks;
mod common;
mod decoder_fuzz;
mod frames;
mod handshake;
mod identity;
mod invite;
mod mesh;
