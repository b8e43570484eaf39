//! Open invites need consent: anyone holding one can take a seat, so a CLI
//! party prints the parties once the room is full and computes only if
//! the user confirms — on a terminal, or up front with `--yes`, or with
//! `--keys` naming exactly the expected parties (the terminal case runs
//! under util-linux's `script`). Without a terminal and
//! without either flag it refuses before meeting anyone.

use crate::common;

use std::time::{Duration, Instant};

use common::*;

#[test]
fn an_open_session_with_yes_completes() {
    let server = Server::start();
    let program = example("average_salary.cohort");
    let invite = new_invite(&program, &["--signal", &server.url(), "--parties", "3"]);
    let ids = identities(3, "open-yes");
    let salaries = ["salary=52000", "salary=61000", "salary=47500"];
    let children: Vec<_> = (0..3).map(|i| invited(&program, &invite, &ids[i], salaries[i], &["--yes"])).collect();
    for (i, child) in children.into_iter().enumerate() {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "party {i}: {}", stderr(&out));
        let line: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(line["outputs"], serde_json::json!({"average": 53500, "total": 160500}));
        let shown = stderr(&out);
        assert!(shown.contains("anyone with the link") && shown.contains(&ids[i].fingerprint) && shown.contains("(you)"), "{shown}");
    }
}

#[test]
fn an_open_invite_without_a_terminal_or_flags_is_refused_before_computing() {
    let server = Server::start();
    let program = example("average_salary.cohort");
    let invite = new_invite(&program, &["--signal", &server.url(), "--parties", "3"]);
    let ids = identities(1, "open-ask");
    let start = Instant::now();
    let out = invited(&program, &invite, &ids[0], "salary=1", &[]).wait_with_output().unwrap();
    assert!(!out.status.success());
    assert!(stderr(&out).contains("--yes") && stderr(&out).contains("--keys"), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    assert!(start.elapsed() < Duration::from_secs(5), "it did not wait for a room: {:?}", start.elapsed());
}

#[test]
fn keys_that_do_not_match_the_room_refuse() {
    let server = Server::start();
    let program = example("average_salary.cohort");
    let invite = new_invite(&program, &["--signal", &server.url(), "--parties", "3"]);
    let ids = identities(4, "open-keys");
    // ids[0] expects ids[3] where ids[2] sits.
    let expected = format!("{},{},{}", ids[0].key, ids[1].fingerprint, ids[3].fingerprint);
    let children: Vec<_> = vec![
        invited(&program, &invite, &ids[0], "salary=1", &["--keys", &expected]),
        invited(&program, &invite, &ids[1], "salary=2", &["--yes"]),
        invited(&program, &invite, &ids[2], "salary=3", &["--yes"]),
    ];
    let outs: Vec<_> = children.into_iter().map(|c| c.wait_with_output().unwrap()).collect();
    assert!(!outs[0].status.success());
    assert!(stderr(&outs[0]).contains("not the ones given") && stderr(&outs[0]).contains(&ids[2].fingerprint), "{}", stderr(&outs[0]));
    assert!(outs[0].stdout.is_empty());
    // Without party 0 the others cannot finish either.
    assert!(outs.iter().all(|o| !o.status.success()));
    // A --keys list of the wrong length, or without this party, is refused before meeting anyone.
    let two = format!("{},{}", ids[0].key, ids[1].key);
    let out = invited(&program, &invite, &ids[0], "salary=1", &["--keys", &two]).wait_with_output().unwrap();
    assert!(stderr(&out).contains("--keys lists 2"), "{}", stderr(&out));
    let others = format!("{},{},{}", ids[1].key, ids[2].key, ids[3].key);
    let out = invited(&program, &invite, &ids[0], "salary=1", &["--keys", &others]).wait_with_output().unwrap();
    assert!(stderr(&out).contains("own identity"), "{}", stderr(&out));
}

/// Runs `cohort ARGS` with a terminal on its standard input (through
/// util-linux's `script`), typing `answer` there; returns whether it
/// succeeded and everything it showed on the terminal.
fn on_a_terminal(args: &[&str], answer: &str) -> (bool, String) {
    use std::io::{Read, Write};
    use std::process::{Command, Stdio};
    let quoted: Vec<String> = std::iter::once(env!("CARGO_BIN_EXE_cohort"))
        .chain(args.iter().copied())
        .map(|a| {
            assert!(!a.contains('\''), "{a}");
            format!("'{a}'")
        })
        .collect();
    let mut child = Command::new("script")
        .args(["-q", "-e", "-c", &quoted.join(" "), "/dev/null"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("util-linux's script runs");
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(answer.as_bytes()).unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut shown = String::new();
        let _ = stdout.read_to_string(&mut shown);
        shown
    });
    let status = child.wait().unwrap();
    drop(stdin); // kept open until the party is done, so the terminal stays up
    (status.success(), reader.join().unwrap())
}

#[test]
fn on_a_terminal_the_user_is_asked_and_only_yes_computes() {
    for (answer, computes) in [("n\n", false), ("y\n", true)] {
        let server = Server::start();
        let program = example("average_salary.cohort");
        let invite = new_invite(&program, &["--signal", &server.url(), "--parties", "3"]);
        let ids = identities(3, &format!("open-tty-{}", answer.trim()));
        let others: Vec<_> = (1..3).map(|i| invited(&program, &invite, &ids[i], &format!("salary={}", i * 1000), &["--yes"])).collect();
        let args = ["party", &program, "--invite", &invite, "--identity", &ids[0].path, "--input", "salary=3000", "--timeout", "20"];
        let (ok, shown) = on_a_terminal(&args, answer);
        assert!(shown.contains("Compute with these parties? [y/N]"), "{shown}");
        for id in &ids {
            assert!(shown.contains(&id.fingerprint), "every party is listed: {shown}");
        }
        assert_eq!(ok, computes, "answer {answer:?}: {shown}");
        if computes {
            assert!(shown.contains("average = 2000"), "{shown}");
        } else {
            assert!(shown.contains("not computing: the parties were not confirmed"), "{shown}");
            assert!(!shown.contains("average ="), "{shown}");
        }
        for other in others {
            assert_eq!(other.wait_with_output().unwrap().status.success(), computes);
        }
    }
}
