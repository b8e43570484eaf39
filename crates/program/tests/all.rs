//! The crate's behaviours, one module (and file) per behaviour, in one test
//! binary: one link instead of one per file.

mod big_inputs_round_trip;
mod big_outputs_are_strings;
mod canonical_hash;
mod check_accepts_what_runs;
mod common;
mod disclosure;
mod docs_list_every_operation;
mod exact_fixed_point_inputs;
mod examples;
mod find_and_mode;
mod fixed_point_64;
mod hostile_characters;
mod input_value_errors;
mod inputs;
mod json_form;
mod key_argument;
mod message_bound;
mod mpyc_expected;
mod number_theory_ops;
mod parse_errors;
mod parser_fuzz;
mod party_counts;
mod planned_bytes;
mod planned_rounds_budget;
mod random_choice_sample_uniform;
mod render;
mod type_errors;
