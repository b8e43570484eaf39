//! The crate's behaviours, one module (and file) per behaviour, in one test
//! binary: one link instead of one per file.

mod admission_tokens;
mod auth;
mod auth_rate;
mod client_machine;
mod common;
mod forwarding;
mod graceful_shutdown;
mod health;
mod isolation;
mod limits;
mod memory_budget;
mod metrics;
mod no_unbounded_growth;
mod open_rooms;
mod queue_budget;
mod read_rate;
mod room_expiry;
mod rooms;
mod rostered_rooms;
mod server_names;
mod sharding;
mod tls;
