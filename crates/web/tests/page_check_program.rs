//! A page's `checkProgram`: the extension's own checks of a program, the
//! approval a participant would see, and errors with their position.

use cohort_web::api::{new_session, page_check_program};
use cohort_web::error::{CAUSES, PageCode};
use serde_json::Value as Json;

fn example(name: &str) -> String {
    std::fs::read_to_string(format!("{}/../../examples/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

#[test]
fn a_program_is_checked_with_the_approval_for_its_fewest_parties() {
    let checked: Json = serde_json::from_str(&page_check_program(&example("average_salary.cohort"), None).unwrap()).unwrap();
    assert_eq!(checked["name"], "Average salary");
    assert_eq!(checked["hash"].as_str().unwrap().len(), 64);
    assert_eq!(checked["parties"]["min"], 3);
    assert!(checked["rendering"].as_str().unwrap().contains("salary"));
    let approval = &checked["approval"];
    // Three parties: threshold 1.
    assert_eq!(approval["threshold"], 1);
    let reveals: Vec<&str> = approval["reveals"].as_array().unwrap().iter().map(|r| r["reveal"].as_str().unwrap()).collect();
    assert_eq!(reveals, ["total", "average"]);
    assert!(approval["privacy"].as_str().unwrap().contains("private"), "{}", approval["privacy"]);
    // Five parties: threshold 2.
    let five: Json = serde_json::from_str(&page_check_program(&example("average_salary.cohort"), Some(5)).unwrap()).unwrap();
    assert_eq!(five["approval"]["threshold"], 2);
}

#[test]
fn an_error_says_where_it_is() {
    let source = "program \"Broken\"\nparties 3 or more\n\ninput x: secint(32) from each\nreveal y = sum(x)) to all\n";
    let e = page_check_program(source, None).unwrap_err();
    assert_eq!((e.code, e.reason), (PageCode::InvalidProgram, "invalid_program"));
    let (line, column) = e.position.expect("a parse error has a position");
    assert_eq!(line, 5, "{e:?}");
    assert!(column >= 17, "{e:?}");
    // An error about no place of the text has none.
    let e = page_check_program("{\"not\": \"a program\"}", None).unwrap_err();
    assert_eq!(e.code, PageCode::InvalidProgram);
}

#[test]
fn the_wrong_number_of_parties_is_one_cause_with_one_code() {
    let source = example("average_salary.cohort");
    // Two: no privacy, whichever method is asked.
    let e = page_check_program(&source, Some(2)).unwrap_err();
    assert_eq!((e.code, e.reason), (PageCode::InvalidParams, "no_privacy"));
    // A program of exactly 2 to 3 parties asked for 4: party_count, INVALID_PROGRAM, from checkProgram and createSession alike.
    let three = "program \"Three\"\nparties 3\n\ninput x: secint(32) from each\nreveal s = sum(x) to all\n";
    let e = page_check_program(three, Some(4)).unwrap_err();
    assert_eq!((e.code, e.reason), (PageCode::InvalidProgram, "party_count"), "{e:?}");
    let e = new_session(three, 4, "wss://signal.example.org", None, None).unwrap_err();
    assert_eq!((e.code, e.reason), (PageCode::InvalidProgram, "party_count"), "{e:?}");
    for (reason, code, _) in CAUSES {
        if *reason == "party_count" {
            assert_eq!(*code, PageCode::InvalidProgram);
        }
    }
}

#[test]
fn the_docs_list_every_cause_with_its_code() {
    let docs = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/extension.md")).unwrap();
    for (reason, code, _) in CAUSES {
        let row = format!("| `{reason}` | {} `{}` |", code.number(), code.name());
        assert!(docs.contains(&row), "docs/extension.md lacks the row starting {row}");
    }
}

#[test]
fn a_huge_number_of_parties_is_refused_at_once() {
    let started = std::time::Instant::now();
    for m in [1_000_000, u32::MAX as usize] {
        let e = page_check_program(&example("average_salary.cohort"), Some(m)).unwrap_err();
        assert_eq!(e.code, PageCode::InvalidParams, "{m}: {e:?}");
    }
    assert!(started.elapsed().as_secs() < 2, "refusing took {:?}", started.elapsed());
}
