//! The disclosure analysis: for every reveal, its class, the inputs it
//! depends on (with whose they are), a description generated from the
//! expression, and the parties whose input someone else learns. Checked on
//! every example and on hostile programs that hide one party's input under
//! a reassuring name, behind public arithmetic, comparisons or selections.

use crate::common;

use cohort_program::{CheckedProgram, Class, Disclosure, Reveal};
use common::{example, example_names, program};
use serde_json::{Value as Json, json};

const HEAD: &str = "program \"t\"\nparties 3 or more\ninput salary: secint(32) from each typed between 0 and 100000000\n";

fn disclose(src: &str, m: usize) -> Disclosure {
    program(src).disclosure(m).unwrap_or_else(|e| panic!("{e}\n{src}"))
}

/// The disclosure of one reveal appended to [`HEAD`], with 3 parties.
fn one(reveal: &str) -> Reveal {
    let d = disclose(&format!("{HEAD}{reveal}\n"), 3);
    assert_eq!(d.reveals.len(), 1);
    d.reveals.into_iter().next().unwrap()
}

fn deps(r: &Reveal) -> Json {
    serde_json::to_value(&r.depends_on).unwrap()
}

fn exposed(r: &Reveal) -> Vec<(usize, Class)> {
    r.exposes.iter().map(|e| (e.party, e.class)).collect()
}

#[test]
fn one_partys_input_under_another_name_is_class_input_with_a_warning() {
    let r = one("reveal average = salary[1] to all");
    assert_eq!(r.class, Class::Input);
    assert_eq!(deps(&r), json!([{"input": "salary", "party": 1}]));
    assert_eq!(r.what, "party 1's salary");
    assert_eq!(r.text, "Every party learns party 1's salary.");
    assert_eq!(exposed(&r), [(1, Class::Input)]);
    let d = disclose(&format!("{HEAD}reveal average = salary[1] to all\n"), 3);
    assert_eq!(d.warnings(0), ["“average” reveals party 1's salary itself to every party."]);
    assert_eq!(d.warnings(1), ["“average” reveals your salary itself to every party."]);
}

#[test]
fn affine_disguises_stay_class_input() {
    for src in [
        "reveal x = 2 * salary[2] + 5 to all",
        "reveal x = -salary[2] to all",
        "reveal x = (salary[2] + 1) * 3 - 4 to all",
        "reveal x = salary[2] << 3 to all",
        "reveal x = 100 - salary[2] to all",
        "reveal x = sum([salary[2], 7]) to all",
        "reveal x = salary[2] + [1, 2, 3][1] to all",
        "reveal x = reciprocal(salary[2]) to all",
    ] {
        let r = one(src);
        assert_eq!(r.class, Class::Input, "{src}: {r:?}");
        assert_eq!(deps(&r), json!([{"input": "salary", "party": 2}]), "{src}");
        assert_eq!(exposed(&r), [(2, Class::Input)], "{src}");
    }
    assert_eq!(one("reveal x = 2 * salary[2] + 5 to all").what, "(2 times party 2's salary) plus 5");
}

#[test]
fn comparisons_and_roundings_of_one_input_are_one_party() {
    let r = one("reveal rich = salary[2] > 50000 to all");
    assert_eq!(r.class, Class::OneParty);
    assert_eq!(r.what, "whether party 2's salary is above 50000");
    assert_eq!(exposed(&r), [(2, Class::OneParty)]);
    for src in [
        "reveal x = salary[0] // 1000 to all",
        "reveal x = salary[0] % 2 to all",
        "reveal x = abs(salary[0] - 50000) to all",
        "reveal x = to_bits(salary[0]) to all",
        "reveal x = salary[0] - salary[0] to all",
        "reveal x = salary[0] * salary[0] to all",
    ] {
        let r = one(src);
        assert_eq!(r.class, Class::OneParty, "{src}: {r:?}");
        assert_eq!(deps(&r), json!([{"input": "salary", "party": 0}]), "{src}");
    }
}

#[test]
fn selections_through_if_else_are_never_understated() {
    // Always true, so it is party 0's salary: the analysis cannot prove it, but
    // it still says the value comes from party 0's salary alone.
    let r = one("reveal x = if_else(salary[0] >= 0, salary[0], 0) to all");
    assert_eq!(r.class, Class::OneParty);
    assert_eq!(exposed(&r), [(0, Class::OneParty)]);
    assert_eq!(r.what, "party 0's salary if party 0's salary is at least 0, otherwise 0");
    // A selection between two parties' inputs depends on both.
    let r = one("reveal x = if_else(salary[0] > salary[1], salary[0], salary[1]) to all");
    assert_eq!(r.class, Class::SeveralParties);
    assert_eq!(deps(&r), json!([{"input": "salary", "party": 0}, {"input": "salary", "party": 1}]));
    assert!(r.exposes.is_empty());
}

#[test]
fn aggregates_over_every_party_are_several_parties_with_the_exact_pooling_statement() {
    let r = one("reveal total = sum(salary) to all");
    assert_eq!(r.class, Class::SeveralParties);
    assert_eq!(deps(&r), json!([{"input": "salary", "party": "each"}]));
    assert_eq!(r.what, "the sum of every party's salary");
    assert!(r.exposes.is_empty());
    let d = disclose(&format!("{HEAD}reveal total = sum(salary) to all\nreveal average = mean(salary) to all\n"), 4);
    assert_eq!(
        d.pooled(2),
        [
            "The other 3 parties together can work out your salary from the total (“total”).",
            "The other 3 parties together can work out your salary from the mean, up to its rounding (“average”).",
        ]
    );
    // Revealed only to you, nobody else can work anything out from it.
    let d =
        disclose("program \"t\"\nparties 3\nrole boss = party 0\ninput salary: secint(32) from each\nreveal s = sum(salary) to boss\n", 3);
    assert!(d.pooled(0).is_empty());
    assert_eq!(d.pooled(1).len(), 1);
    // No exact statement about what is not a plain total or mean.
    assert!(disclose(&format!("{HEAD}reveal m = max(salary) to all\n"), 3).pooled(0).is_empty());
}

#[test]
fn random_draws_depend_on_no_input() {
    for src in [
        "reveal r = random_int(secint(32), 0, 10) to all",
        "reveal r = random_bits(secint(32), 4) to all",
        "reveal r = random_permutation(secint(32), 3) to all",
        "reveal r = 0 * salary[1] to all",
    ] {
        let r = one(src);
        assert_eq!(r.class, Class::None, "{src}");
        assert_eq!(deps(&r), json!([]), "{src}");
        assert!(r.exposes.is_empty());
    }
    assert_eq!(one("reveal r = random_int(secint(32), 0, 10) to all").what, "a random whole number from 0 to 9");
}

#[test]
fn named_role_inputs_name_the_role() {
    let src = "program \"t\"\nparties 3\nrole seller = party 2\ninput reserve: secint(32) from seller typed\n\
               input bid: secint(32) from each\nreveal leak = reserve - 3 to all\nreveal sold = max(bid) >= reserve to seller\n";
    let d = disclose(src, 3);
    let leak = &d.reveals[0];
    assert_eq!(leak.class, Class::Input);
    assert_eq!(deps(leak), json!([{"input": "reserve", "party": "seller"}]));
    assert_eq!(leak.what, "the seller's reserve minus 3");
    assert_eq!(d.warnings(0), ["“leak” reveals the seller's reserve (party 2) itself to every party."]);
    assert_eq!(d.warnings(2), ["“leak” reveals your reserve itself to every party."]);
    let sold = &d.reveals[1];
    assert_eq!(sold.class, Class::SeveralParties);
    assert_eq!(deps(sold), json!([{"input": "reserve", "party": "seller"}, {"input": "bid", "party": "each"}]));
    assert_eq!(sold.text, "Only party 2 (seller) learns whether the largest bid among the parties is at least the seller's reserve.");
}

#[test]
fn to_each_warns_only_when_a_party_learns_another_partys_input() {
    let r = one("reveal mine = salary to each");
    assert_eq!(r.class, Class::Input);
    assert!(r.exposes.is_empty(), "each learns its own: {r:?}");
    let d = disclose(
        "program \"t\"\nparties 3\ninput salary: secint(32) from each\nreveal theirs = [salary[1], salary[2], salary[0]] to each\n",
        3,
    );
    let r = &d.reveals[0];
    assert_eq!(r.class, Class::Input);
    let to: Vec<(usize, Vec<usize>)> = r.exposes.iter().map(|e| (e.party, e.to.clone())).collect();
    assert_eq!(to, [(0, vec![2]), (1, vec![0]), (2, vec![1])]);
    // Revealing every input to one role exposes the others' inputs, not the role's own.
    let d = disclose("program \"t\"\nparties 3\nrole boss = party 0\ninput salary: secint(32) from each\nreveal all = salary to boss\n", 3);
    assert_eq!(exposed(&d.reveals[0]), [(1, Class::Input), (2, Class::Input)]);
    assert_eq!(d.warnings(0), ["“all” reveals party 1's salary itself to you.", "“all” reveals party 2's salary itself to you."]);
}

#[test]
fn vector_inputs_track_each_partys_row() {
    let src = "program \"t\"\nparties 3\ninput v: secint(32)[3] from each\nreveal first = sum(v[1]) to all\nreveal pooled = sum(flatten(v)) to all\n";
    let d = disclose(src, 3);
    assert_eq!(d.reveals[0].class, Class::OneParty);
    assert_eq!(d.reveals[0].what, "the sum of party 1's v");
    assert_eq!(deps(&d.reveals[0]), json!([{"input": "v", "party": 1}]));
    assert_eq!(d.reveals[1].class, Class::SeveralParties);
    assert_eq!(deps(&d.reveals[1]), json!([{"input": "v", "party": "each"}]));
}

#[test]
fn large_expressions_fall_back_to_naming_their_inputs() {
    let src = format!("{HEAD}let acc = salary[0]\nfor i in range(40):\n    acc = acc * salary[1] + i\nreveal x = acc to all\n");
    let r = &disclose(&src, 3).reveals[0];
    assert_eq!(r.what, "a value computed from party 0's and party 1's salary");
    assert_eq!(r.class, Class::SeveralParties);
}

/// A reveal's name, class and description.
type Described = (&'static str, Class, &'static str);

#[test]
fn every_example_is_described_from_its_program() {
    let want: &[(&str, &[Described])] = &[
        (
            "average_salary",
            &[
                ("total", Class::SeveralParties, "the sum of every party's salary"),
                ("average", Class::SeveralParties, "the mean of every party's salary"),
            ],
        ),
        ("millionaires", &[("richest", Class::SeveralParties, "which party has the largest wealth (the first on a tie)")]),
        (
            "second_price_auction",
            &[
                ("winner", Class::SeveralParties, "which party has the largest bid (the first on a tie)"),
                ("price", Class::SeveralParties, "the 2nd largest bid among the parties"),
            ],
        ),
        ("unanimous_vote", &[("unanimous", Class::SeveralParties, "whether every party's vote is 1")]),
        ("secret_santa", &[("giftee", Class::None, "a random ordering of the numbers 0 to 2 in which no number keeps its place")]),
        ("sort_inputs", &[("sorted", Class::SeveralParties, "every party's values, sorted from smallest to largest")]),
        (
            "statistics",
            &[
                ("mean", Class::SeveralParties, "the mean of every party's samples"),
                ("variance", Class::SeveralParties, "the sample variance of every party's samples"),
                ("median", Class::SeveralParties, "the median of every party's samples"),
            ],
        ),
        ("set_intersection_size", &[("size", Class::SeveralParties, "a value computed from every party's set")]),
        (
            "linear_regression",
            &[
                ("intercept", Class::SeveralParties, "a value computed from every party's x1, every party's x2 and every party's y"),
                ("slope1", Class::SeveralParties, "a value computed from every party's x1, every party's x2 and every party's y"),
                ("slope2", Class::SeveralParties, "a value computed from every party's x1, every party's x2 and every party's y"),
            ],
        ),
    ];
    let names = example_names();
    assert_eq!(names.len(), want.len(), "every example has its expected disclosure here");
    for (name, reveals) in want {
        let (p, _) = example(name);
        let d = p.disclosure(3).unwrap();
        let got: Vec<(&str, Class, &str)> = d.reveals.iter().map(|r| (r.reveal.as_str(), r.class, r.what.as_str())).collect();
        assert_eq!(&got, reveals, "{name}");
        for m in [3, 5, 7] {
            let d = p.disclosure(m).unwrap();
            for r in &d.reveals {
                assert!(r.exposes.is_empty(), "{name} with {m} parties exposes nobody's input: {r:?}");
            }
            for me in 0..m {
                assert!(d.warnings(me).is_empty(), "{name}");
            }
        }
    }
}

#[test]
fn the_json_form_has_the_documented_keys() {
    let d = disclose(&format!("{HEAD}reveal total = sum(salary) to all\nreveal leak = salary[0] to all\n"), 3);
    let v: Json = serde_json::from_str(&d.to_json()).unwrap();
    let first = &v[0];
    assert_eq!(first["reveal"], "total");
    assert_eq!(first["to"], "all");
    assert_eq!(first["class"], "several_parties");
    assert_eq!(first["depends_on"], json!([{"input": "salary", "party": "each"}]));
    assert_eq!(first["text"], "Every party learns the sum of every party's salary.");
    assert_eq!(v[1]["class"], "input");
    assert_eq!(v[1]["exposes"][0]["party"], 0);
    let roles = disclose("program \"t\"\nparties 3\nrole a = party 1\ninput s: secint(8) from each\nreveal x = sum(s) to a\n", 3);
    assert_eq!(serde_json::from_str::<Json>(&roles.to_json()).unwrap()[0]["to"], json!([1]));
}

#[test]
fn the_class_never_depends_on_the_outputs_name_or_comments() {
    let a = one("reveal average = salary[0] to all");
    let b = one("# the mean of all salaries\nreveal mean_of_everyone = salary[0] to all");
    assert_eq!((a.class, a.what), (b.class, b.what));
}

#[test]
fn a_huge_program_is_analysed_within_bounds() {
    // 2^20 elements sorted: every element depends on every party's input.
    let src = "program \"t\"\nparties 3\ninput v: secint(32)[1000] from each\nreveal s = sort(flatten(v)) to all\nreveal x = v[0] * v[1] to all\n";
    let d: Disclosure = CheckedProgram::parse(src).unwrap().disclosure(3).unwrap();
    assert_eq!(d.reveals[0].class, Class::SeveralParties);
    assert_eq!(d.reveals[1].class, Class::SeveralParties);
    assert!(d.reveals[1].exposes.is_empty());
}

#[test]
fn conversions_say_what_changes_in_plain_words() {
    // The same number in another type is the number itself; a field wraps
    // it; fewer fractional bits round it at random. No type names.
    let head = "program \"t\"\nparties 3\nrole seller = party 0\ninput v: secint(16) from seller\ninput f: secfxp(32, 16) from seller\n";
    let d = disclose(
        &format!(
            "{head}reveal a = convert(v, secfxp(32, 16)) to all\nreveal b = convert(convert(v, secfld(257)), secint(32)) to all\n\
             reveal c = convert(f, secint(32)) to all\nreveal d = convert(f, secfxp(16, 8)) to all\n"
        ),
        3,
    );
    let what: Vec<&str> = d.reveals.iter().map(|r| r.what.as_str()).collect();
    assert_eq!(
        what,
        [
            "the seller's v",
            "the remainder of the seller's v divided by 257",
            "the seller's f, rounded to a whole number at random",
            "the seller's f, rounded at random to 8 binary digits after the point",
        ]
    );
    assert_eq!(d.reveals[0].class, Class::Input);
}
