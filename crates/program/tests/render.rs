//! The approval window's description of a program: for every example it
//! names the program and the party range, shows the full hash, lists each
//! input with who provides it and whether the participant types it or the
//! page supplies it, lists each output with who learns it, and ends with
//! "Nothing else is revealed". A program with roles shows role names with
//! their party numbers, on inputs and on outputs.

mod common;

use cohort_program::{CheckedProgram, Receivers, Source, StmtKind};
use common::{example, example_names};

/// The party range as the window says it, from the program's own header.
fn range_words(p: &CheckedProgram) -> String {
    let parties = p.ast().parties;
    match parties.max {
        None => format!("{} or more", parties.min),
        Some(max) if max == parties.min => format!("{max}"),
        Some(max) => format!("{} to {max}", parties.min),
    }
}

/// The party a role names.
fn party_of(p: &CheckedProgram, role: &str) -> u32 {
    p.ast()
        .body
        .iter()
        .find_map(|s| match &s.kind {
            StmtKind::Role { name, party } if name == role => Some(*party),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no role {role}"))
}

/// The bullet line of `name` in `section` of the rendering.
fn line<'a>(text: &'a str, section: &str, name: &str) -> &'a str {
    let start = text.find(section).unwrap_or_else(|| panic!("no section {section:?} in\n{text}"));
    let bullet = format!("  • {name}");
    text[start..]
        .lines()
        .find(|l| l.starts_with(&bullet) && l[bullet.len()..].starts_with([':', ' ']))
        .unwrap_or_else(|| panic!("no line for {name} under {section:?} in\n{text}"))
}

/// Checks the rendering of `p` against its syntax tree.
fn check_rendering(p: &CheckedProgram) {
    let text = p.render();
    let what = p.name();
    let first = text.lines().next().unwrap();
    assert_eq!(first, format!("“{}” for {} parties", p.name(), range_words(p)), "{what}");
    assert!(text.contains(&format!("\nProgram hash: {}\n", p.hash_hex())), "{what}: the full hash\n{text}");
    assert!(text.ends_with("\nNothing else is revealed.\n"), "{what}\n{text}");
    let mut inputs = 0;
    let mut outputs = 0;
    for s in &p.ast().body {
        match &s.kind {
            StmtKind::Input(input) => {
                inputs += 1;
                let l = line(&text, "\nInputs", &input.name);
                let who = match &input.from {
                    Source::Each => "from every party".to_string(),
                    Source::Role(r) => format!("from {r} (party {})", party_of(p, r)),
                };
                assert!(l.contains(&who), "{what}: {l:?} lacks {who:?}");
                let how = if input.typed { ", typed by the participant; the page never sees it" } else { ", supplied by the page" };
                assert!(l.ends_with(how), "{what}: {l:?} should end with {how:?}");
                if let Some(b) = &input.bounds {
                    let bounds = |n: cohort_program::Number| match n {
                        cohort_program::Number::Int(v) => v.to_string(),
                        cohort_program::Number::Float(v) => v.to_string(),
                    };
                    assert!(l.contains(&format!(" between {} and {} ", bounds(b.min), bounds(b.max))), "{what}: {l:?} lacks its bounds");
                }
            }
            StmtKind::Reveal { name, to, .. } => {
                outputs += 1;
                let l = line(&text, "\nRevealed:", name);
                let to = match to {
                    Receivers::All => "to every party".to_string(),
                    Receivers::Each => "each party learns only its own element".to_string(),
                    Receivers::Roles(roles) => {
                        let names: Vec<String> = roles.iter().map(|r| format!("{r} (party {})", party_of(p, r))).collect();
                        format!("only to {}", names.join(", "))
                    }
                };
                assert!(l.ends_with(&format!("): {to}")), "{what}: {l:?} should end with {to:?}");
            }
            _ => {}
        }
    }
    let bullets = |section: &str, end: &str| {
        let start = text.find(section).unwrap();
        let stop = text[start..].find(end).map_or(text.len(), |i| start + i);
        text[start..stop].lines().filter(|l| l.starts_with("  • ")).count()
    };
    assert_eq!(bullets("\nInputs", "\nRevealed:"), inputs, "{what}: one line per input");
    assert_eq!(bullets("\nRevealed:", "Nothing else"), outputs, "{what}: one line per output, nothing more");
    if inputs == 0 {
        assert!(text.contains("is learned):\n  none\n"), "{what}: says there are no inputs\n{text}");
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
fn examples_render_as_expected() {
    let (p, _) = example("second_price_auction");
    let text = p.render();
    assert!(text.starts_with("“Sealed-bid second-price auction” for 3 or more parties\n"), "{text}");
    assert!(
        text.contains(
            "  • bid: a secint(32) number between 0 and 1000000000 from every party, typed by the participant; the page never sees it\n"
        ),
        "{text}"
    );
    assert!(text.contains("  • winner (a number, secint(32)): to every party\n"), "{text}");
    assert!(text.contains("  • price (a number, secint(32)): to every party\n"), "{text}");
    let (p, _) = example("secret_santa");
    let text = p.render();
    assert!(text.contains("  • giftee (one number per party, secint(32)): each party learns only its own element\n"), "{text}");
    let (p, _) = example("sort_inputs");
    let text = p.render();
    assert!(text.contains("  • values: a list of 4 secint(32) numbers from every party, supplied by the page\n"), "{text}");
    assert!(text.contains("  • sorted (a list, secint(32)): to every party\n"), "{text}");
}

const ROLES: &str = "program \"Auction with a seller\"
parties 3 to 5

role seller = party 2
role auditor = party 0
input reserve: secint(32) from seller typed
input bid: secint(32) from each between 0 and 1000
input notes: secint(16)[2] from each
input prices: secfxp(32, 16)[3] from auditor between -0.5 and 99.75
reveal sold = max(bid) >= reserve to seller, auditor
reveal best = max(bid) to all
reveal mine = bid to each
reveal rows = notes to each
reveal table = [bid, bid] to auditor
reveal average_price = mean(prices) to auditor
";

#[test]
fn roles_are_named_with_their_party_numbers() {
    let p = common::program(ROLES);
    check_rendering(&p);
    let want = format!(
        "“Auction with a seller” for 3 to 5 parties
Program hash: {}

Inputs (each stays secret; only what is listed under Revealed is learned):
  • reserve: a secint(32) number from seller (party 2), typed by the participant; the page never sees it
  • bid: a secint(32) number between 0 and 1000 from every party, supplied by the page
  • notes: a list of 2 secint(16) numbers from every party, supplied by the page
  • prices: a list of 3 secfxp(32, 16) numbers between -0.5 and 99.75 from auditor (party 0), supplied by the page

Revealed:
  • sold (a number, secint(32)): only to seller (party 2), auditor (party 0)
  • best (a number, secint(32)): to every party
  • mine (one number per party, secint(32)): each party learns only its own element
  • rows (one list per party, secint(16)): each party learns only its own element
  • table (a table, secint(32)): only to auditor (party 0)
  • average_price (a number, secfxp(32, 16)): only to auditor (party 0)
Nothing else is revealed.
",
        p.hash_hex()
    );
    assert_eq!(p.render(), want);
}

#[test]
fn a_single_party_count_is_rendered_as_such() {
    let p = common::program("program \"Four\"\nparties 4\ninput x: secint(8) from each\nreveal s = sum(x) to all\n");
    check_rendering(&p);
    assert!(p.render().starts_with("“Four” for 4 parties\n"));
    // The rendering changes with the program, through its hash if nothing else.
    let q = common::program("program \"Four\"\nparties 4\ninput x: secint(8) from each\nreveal s = sum(x) + 0 to all\n");
    assert_ne!(p.render(), q.render());
}

#[test]
fn a_party_with_two_roles_is_named_by_both() {
    let src = "program \"two roles\"\nparties 3\nrole seller = party 0\nrole auditor = party 0\ninput a: secint(32) from each\nreveal r = sum(a) to auditor\n";
    let text = cohort_program::CheckedProgram::parse(src).unwrap().render();
    assert!(text.contains("only to seller, auditor (party 0)"), "{text}");
}
