//! The approval's description of a program, in plain words: who inputs
//! what, how private the inputs are, and what each reveal discloses (from
//! [`crate::Disclosure`], never from the program's own names or comments).

use core::fmt::Write;

use crate::check::describe_range;
use crate::disclosure::{Class, Disclosure};
use crate::exec::describe_input;
use crate::plan::Owner;
use crate::{CheckedProgram, Result};

/// The privacy a threshold gives, in words, for a session of `m` parties
/// with threshold `t`. Never claims secrecy when `t` is 0.
pub fn privacy_words(m: usize, t: usize) -> String {
    if t == 0 {
        return format!("No privacy: with {m} parties and threshold 0, every party's input is sent to the other parties in the clear.");
    }
    let others = m - 1;
    format!(
        "Apart from what is revealed, each input stays private unless {} or more of the other {others} parties pool what they received.",
        t + 1
    )
}

/// What a class means, in words.
pub fn class_words(class: Class) -> &'static str {
    match class {
        Class::Input => "one party's input itself",
        Class::OneParty => "computed from one party's input alone",
        Class::SeveralParties => "computed from several parties' inputs",
        Class::None => "depends on no one's input",
    }
}

pub(crate) fn render(p: &CheckedProgram, m: usize, t: usize) -> Result<String> {
    let (lo, hi) = (*p.parties().start(), *p.parties().end());
    let plan = p.plan(m)?;
    let disclosure = crate::disclosure::analyse(&plan, &p.roles());
    let mut out = String::new();
    let _ = writeln!(out, "“{}” for {} parties", p.name(), describe_range(lo, hi));
    let _ = writeln!(out, "Program hash: {}", p.hash_hex());
    let _ = writeln!(out);
    if lo != hi {
        let _ = writeln!(out, "As run by {m} parties (threshold {t}):");
    }
    let _ = writeln!(out, "{}", privacy_words(m, t));
    out.push_str("\nInputs:\n");
    if plan.inputs.is_empty() {
        out.push_str("  none\n");
    }
    for spec in &plan.inputs {
        let how = match (&spec.owner, spec.typed) {
            (Owner::Each, true) => "every party types its own; the page never sees it".to_string(),
            (Owner::Each, false) => "every party's page supplies its own".to_string(),
            (Owner::Role { party, .. }, true) => format!("{} types it; the page never sees it", disclosure.party_name(*party)),
            (Owner::Role { party, .. }, false) => format!("the page of {} supplies it", disclosure.party_name(*party)),
        };
        let _ = writeln!(out, "  • {}: {} — {how}", spec.name, describe_input(spec));
    }
    out.push_str("\nRevealed:\n");
    render_reveals(&mut out, &disclosure);
    out.push_str("Nothing else is revealed.\n");
    Ok(out)
}

fn render_reveals(out: &mut String, d: &Disclosure) {
    for r in &d.reveals {
        let _ = writeln!(out, "  • {}: {}", r.reveal, r.text);
        let _ = writeln!(out, "      {}", class_words(r.class));
        for warning in d.warnings_of(r, None) {
            let _ = writeln!(out, "      WARNING: {warning}");
        }
        if let Some(pooled) = d.pooled_of(r, None) {
            let _ = writeln!(out, "      {pooled}");
        }
    }
}
