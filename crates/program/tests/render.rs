//! The approval's description of a program: for every example it names the
//! program and the party range, shows the full hash, says how private the
//! inputs are for the threshold (and never claims privacy at threshold 0),
//! lists each input with who provides it, in words, and each reveal with its
//! generated description and class, warnings for exposed inputs, and ends
//! with "Nothing else is revealed".

use crate::common;

use cohort_program::{CheckedProgram, StmtKind, class_words};
use common::{example, example_names};

/// The bullet line of `name` in `section` of the rendering.
fn line<'a>(text: &'a str, section: &str, name: &str) -> &'a str {
    let start = text.find(section).unwrap_or_else(|| panic!("no section {section:?} in\n{text}"));
    let bullet = format!("  • {name}: ");
    text[start..].lines().find(|l| l.starts_with(&bullet)).unwrap_or_else(|| panic!("no line for {name} under {section:?} in\n{text}"))
}

/// Checks the rendering of `p` against its syntax tree and its disclosure.
fn check_rendering(p: &CheckedProgram) {
    let text = p.render();
    let what = p.name();
    assert!(text.starts_with(&format!("“{}” for ", p.name())), "{what}\n{text}");
    assert!(text.contains(&format!("\nProgram hash: {}\n", p.hash_hex())), "{what}: the full hash\n{text}");
    assert!(text.contains("each input stays private unless 2 or more of the other 2 parties pool what they received."), "{what}\n{text}");
    assert!(text.ends_with("\nNothing else is revealed.\n"), "{what}\n{text}");
    let d = p.disclosure(p.default_parties()).unwrap();
    let mut inputs = 0;
    for s in &p.ast().body {
        if let StmtKind::Input(input) = &s.kind {
            inputs += 1;
            let l = line(&text, "\nInputs:", &input.name);
            let how = if input.typed { "; the page never sees it" } else { " supplies its own" };
            assert!(l.ends_with(how) || (!input.typed && l.ends_with(" supplies it")), "{what}: {l:?}");
        }
    }
    for r in &d.reveals {
        let l = line(&text, "\nRevealed:", &r.reveal);
        assert_eq!(l, format!("  • {}: {}", r.reveal, r.text), "{what}");
        assert!(text.contains(&format!("{l}\n      {}\n", class_words(r.class))), "{what}: the class follows\n{text}");
    }
    let bullets = |section: &str, end: &str| {
        let start = text.find(section).unwrap();
        let stop = text[start..].find(end).map_or(text.len(), |i| start + i);
        text[start..stop].lines().filter(|l| l.starts_with("  • ")).count()
    };
    assert_eq!(bullets("\nInputs:", "\nRevealed:"), inputs, "{what}: one line per input");
    assert_eq!(bullets("\nRevealed:", "Nothing else"), d.reveals.len(), "{what}: one line per output, nothing more");
    if inputs == 0 {
        assert!(text.contains("\nInputs:\n  none\n"), "{what}: says there are no inputs\n{text}");
    }
}

#[test]
fn every_example_renders_its_inputs_and_outputs() {
    let names = example_names();
    assert!(!names.is_empty());
    for name in names {
        let (p, _) = example(&name);
        check_rendering(&p);
    }
}

#[test]
fn the_average_salary_reads_as_a_participant_needs() {
    let (p, _) = example("average_salary");
    let want = format!(
        "“Average salary” for 3 or more parties
Program hash: {}

As run by 3 parties (threshold 1):
Apart from what is revealed, each input stays private unless 2 or more of the other 2 parties pool what they received.

Inputs:
  • salary: a whole number from 0 to 100,000,000 — every party types its own; the page never sees it

Revealed:
  • total: Every party learns the sum of every party's salary.
      computed from several parties' inputs
      Any 2 parties together can work out the remaining party's salary from the total.
  • average: Every party learns the mean of every party's salary.
      computed from several parties' inputs
      Any 2 parties together can work out the remaining party's salary from the mean, up to its rounding.
Nothing else is revealed.
",
        p.hash_hex()
    );
    assert_eq!(p.render(), want);
}

const ROLES: &str = "program \"Auction with a seller\"
parties 3 to 5

role seller = party 2
role auditor = party 0
input reserve: secint(32) from seller typed
input bid: secint(32) from each between 0 and 1000
input prices: secfxp(32, 16)[3] from auditor between -0.5 and 99.75
reveal sold = max(bid) >= reserve to seller, auditor
reveal mine = bid to each
reveal table = [bid, bid] to auditor
reveal average_price = mean(prices) to auditor
";

#[test]
fn roles_are_named_with_their_party_numbers_and_exposed_inputs_are_warned() {
    let p = common::program(ROLES);
    check_rendering(&p);
    let text = p.render();
    let tail = &text[text.find("\nInputs:").unwrap()..];
    assert_eq!(
        tail,
        "
Inputs:
  • reserve: a whole number from -2,147,483,648 to 2,147,483,647 — party 2 (seller) types it; the page never sees it
  • bid: a whole number from 0 to 1,000 — every party's page supplies its own
  • prices: a list of 3 numbers with up to 4 decimals, each from -0.5 to 99.75 — the page of party 0 (auditor) supplies it

Revealed:
  • sold: Only party 2 (seller) and party 0 (auditor) learn whether the largest bid among the parties is at least the seller's reserve.
      computed from several parties' inputs
  • mine: Each party learns only its own element of every party's bid.
      one party's input itself
  • table: Only party 0 (auditor) learns every party's bid and every party's bid, joined.
      one party's input itself
      WARNING: “table” reveals party 1's bid itself to party 0 (auditor).
      WARNING: “table” reveals party 2's bid itself to party 0 (auditor).
  • average_price: Only party 0 (auditor) learns the mean of the auditor's prices.
      computed from one party's input alone
Nothing else is revealed.
"
    );
}

#[test]
fn threshold_zero_never_claims_privacy() {
    let p = common::program("program \"Two\"\nparties 2\ninput x: secint(8) from each typed\nreveal s = sum(x) to all\n");
    let text = p.render();
    assert!(
        text.contains("\nNo privacy: with 2 parties and threshold 0, every party's input is sent to the other parties in the clear.\n"),
        "{text}"
    );
    assert!(!text.contains("private unless"), "{text}");
    assert!(!text.contains("secret"), "{text}");
    // A program that allows 2 or more parties is described as run by 3, with privacy.
    let p = common::program("program \"Two+\"\nparties 2 or more\ninput x: secint(8) from each typed\nreveal s = sum(x) to all\n");
    assert_eq!(p.default_parties(), 3);
    assert!(p.render().contains("As run by 3 parties (threshold 1):\nApart from what is revealed"), "{}", p.render());
    assert!(p.render_for(2, 0).unwrap().contains("No privacy"));
}

#[test]
fn the_rendering_changes_with_the_program() {
    let p = common::program("program \"Four\"\nparties 4\ninput x: secint(8) from each\nreveal s = sum(x) to all\n");
    assert!(p.render().starts_with("“Four” for 4 parties\n"));
    assert!(p.render().contains("unless 2 or more of the other 3 parties pool"), "{}", p.render());
    let q = common::program("program \"Four\"\nparties 4\ninput x: secint(8) from each\nreveal s = sum(x) + 0 to all\n");
    assert_ne!(p.render(), q.render());
}

#[test]
fn a_party_with_two_roles_is_named_by_both() {
    let src = "program \"two roles\"\nparties 3\nrole seller = party 0\nrole auditor = party 0\ninput a: secint(32) from each\nreveal r = sum(a) to auditor\n";
    let text = CheckedProgram::parse(src).unwrap().render();
    assert!(text.contains("Only party 0 (seller, auditor) learns"), "{text}");
}
