//! The crate's behaviours, one module (and file) per behaviour, in one test
//! binary: one link instead of one per file.

mod common;
mod decoder_fuzz;
mod impostors;
mod polling_receive;
mod sending;
mod silent_sockets;
mod tcp_mesh;
