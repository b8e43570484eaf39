//! The approval window's description of a program, in plain words.

use core::fmt::Write;

use crate::CheckedProgram;
use crate::check::describe_range;
use crate::exec::describe_input;
use crate::plan::{OutputTo, Owner};

pub(crate) fn render(p: &CheckedProgram) -> String {
    let (lo, hi) = (*p.parties().start(), *p.parties().end());
    let plan = p.plan(lo).expect("a checked program elaborates for its fewest parties");
    let mut out = String::new();
    let _ = writeln!(out, "“{}” for {} parties", p.name(), describe_range(lo, hi));
    let _ = writeln!(out, "Program hash: {}", p.hash_hex());
    out.push_str("\nInputs (each stays secret; only what is listed under Revealed is learned):\n");
    if plan.inputs.is_empty() {
        out.push_str("  none\n");
    }
    for spec in &plan.inputs {
        let who = match &spec.owner {
            Owner::Each => "every party".to_string(),
            Owner::Role { role, party } => format!("{role} (party {party})"),
        };
        let how = if spec.typed { "typed by the participant; the page never sees it" } else { "supplied by the page" };
        let _ = writeln!(out, "  • {}: {} from {who}, {how}", spec.name, describe_input(spec));
    }
    out.push_str("\nRevealed:\n");
    for o in &plan.outputs {
        let what = match o.shape.as_slice() {
            [] => "a number".to_string(),
            [_] if o.to == OutputTo::Each => "one number per party".to_string(),
            [_] => "a list".to_string(),
            [_, _] if o.to == OutputTo::Each => "one list per party".to_string(),
            _ => "a table".to_string(),
        };
        let to = match &o.to {
            OutputTo::All => "to every party".to_string(),
            OutputTo::Each => "each party learns only its own element".to_string(),
            OutputTo::Parties(ps) => {
                let names: Vec<String> = ps.iter().map(|&q| role_of(p, q)).collect();
                format!("only to {}", names.join(", "))
            }
        };
        let _ = writeln!(out, "  • {} ({what}, {}): {to}", o.name, o.ty);
    }
    out.push_str("Nothing else is revealed.\n");
    out
}

/// "seller (party 0)" for a party with a role, "seller, auditor (party 0)"
/// for one with two, "party 2" for one without.
fn role_of(p: &CheckedProgram, party: usize) -> String {
    let roles: Vec<&str> = p
        .ast()
        .body
        .iter()
        .filter_map(|s| match &s.kind {
            crate::ast::StmtKind::Role { name, party: q } if *q as usize == party => Some(name.as_str()),
            _ => None,
        })
        .collect();
    if roles.is_empty() { format!("party {party}") } else { format!("{} (party {party})", roles.join(", ")) }
}
