//! The crate's behaviours, one module (and file) per behaviour, in one test
//! binary: one link instead of one per file.

mod api;
mod big_input_values;
mod check_program_inputs;
mod decoder_fuzz;
mod host;
mod outputs;
mod page_check_program;
mod page_codes;
mod progress_events;
mod requests;
