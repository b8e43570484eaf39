//! A rostered session: `cohort session new --roster … --names …` signs the
//! roster with the creator's identity; its three parties join by invite
//! without being asked anything and compute in the roster's order; a
//! fourth identity holding the invite is refused, and so is a roster that
//! leaves out its creator.

use crate::common;

use common::*;

const SALARIES: [&str; 3] = ["salary=52000", "salary=61000", "salary=47500"];

#[test]
fn three_rostered_parties_compute_and_a_fourth_is_refused() {
    let server = Server::start();
    let program = example("average_salary.cohort");
    let ids = identities(4, "roster");
    // Party order is the roster's: the creator (ids[0]) is party 1.
    let roster = format!("{},{},{}", ids[2].fingerprint, ids[0].key, ids[1].fingerprint);
    let invite =
        new_invite(&program, &["--signal", &server.url(), "--roster", &roster, "--names", "Carol,Alice,Bob", "--identity", &ids[0].path]);
    assert!(invite.starts_with("cohort-invite:v2?") && invite.contains("&roster=") && invite.contains(":Carol"), "{invite}");
    let children: Vec<_> = (0..3).map(|i| invited(&program, &invite, &ids[i], SALARIES[i], &[])).collect();
    // The outsider holds the invite but is not in the roster.
    let out = invited(&program, &invite, &ids[3], SALARIES[0], &[]).wait_with_output().unwrap();
    assert!(!out.status.success());
    assert!(stderr(&out).contains("not in the invite's roster"), "{}", stderr(&out));
    let mut seats = Vec::new();
    for (i, child) in children.into_iter().enumerate() {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "party {i}: {}", stderr(&out));
        let line: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(line["outputs"], serde_json::json!({"average": 53500, "total": 160500}));
        assert!(stderr(&out).contains("\"Alice\"") && stderr(&out).contains("(you)"), "{}", stderr(&out));
        seats.push(line["party"].as_u64().unwrap());
    }
    assert_eq!(seats, [1, 2, 0], "party numbers follow the roster");
}

#[test]
fn a_roster_must_list_its_creator_and_fit_the_session() {
    let program = example("average_salary.cohort");
    let ids = identities(4, "roster-bad");
    let others = format!("{},{},{}", ids[1].fingerprint, ids[2].fingerprint, ids[3].fingerprint);
    let out = bin().args(["session", "new", &program, "--roster", &others, "--identity", &ids[0].path]).output().unwrap();
    assert!(!out.status.success());
    assert!(stderr(&out).contains("creator of a roster must be one of its parties"), "{}", stderr(&out));
    let three = format!("{},{},{}", ids[0].fingerprint, ids[1].fingerprint, ids[2].fingerprint);
    let out = bin().args(["session", "new", &program, "--roster", &three, "--names", "A,B", "--identity", &ids[0].path]).output().unwrap();
    assert!(!out.status.success() && stderr(&out).contains("--names"), "{}", stderr(&out));
    let out = bin()
        .args(["session", "new", &program, "--roster", &three, "--names", "A,B\u{202E},C", "--identity", &ids[0].path])
        .output()
        .unwrap();
    assert!(!out.status.success() && stderr(&out).contains("refused"), "{}", stderr(&out));
    let out = bin().args(["session", "new", &program, "--roster", &three, "--parties", "4", "--identity", &ids[0].path]).output().unwrap();
    assert!(!out.status.success() && stderr(&out).contains("roster lists 3"), "{}", stderr(&out));
}
