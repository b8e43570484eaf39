//! `cohort check`, `cohort run` and `cohort party` on the example programs:
//! results, the JSON output shape, and clear errors for bad programs,
//! inputs and peers.

use crate::common;

use common::{bin, example, temp_file, unique_temp};
use std::net::TcpListener;
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

fn cohort(args: &[&str]) -> Output {
    bin().args(args).output().expect("cohort runs")
}

fn stdout(out: &Output) -> String {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn fails_with(out: &Output, expected: &str) {
    assert_eq!(
        out.status.code(),
        Some(1),
        "stdout: {}\nstderr: {}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.starts_with("cohort: ") && stderr.contains(expected), "expected {expected:?} in: {stderr}");
}

/// `n` loopback addresses that were free a moment ago.
fn free_addrs(n: usize) -> Vec<String> {
    let listeners: Vec<TcpListener> = (0..n).map(|_| TcpListener::bind("127.0.0.1:0").unwrap()).collect();
    listeners.iter().map(|l| l.local_addr().unwrap().to_string()).collect()
}

#[test]
fn check_prints_canonical_form_hash_and_rendering() {
    let text = stdout(&cohort(&["check", &example("average_salary.cohort")]));
    assert!(text.starts_with("program \"Average salary\"\nparties 3 or more\n"), "{text}");
    let hash = text.lines().find_map(|l| l.strip_prefix("Hash: ")).expect("a hash line");
    assert_eq!(hash.len(), 64);
    assert!(text.contains(&format!("Program hash: {hash}")), "the rendering repeats the hash");
    assert!(text.contains("salary: a whole number from 0 to 100,000,000 — every party types its own; the page never sees it"), "{text}");
    assert!(text.contains("Nothing else is revealed."));
}

#[test]
fn check_converts_between_text_and_json_without_changing_the_hash() {
    let text = stdout(&cohort(&["check", &example("set_intersection_size.cohort")]));
    let json = stdout(&cohort(&["check", "--json", &example("set_intersection_size.cohort")]));
    let path = temp_file("psi.json", &json);
    let from_json = stdout(&cohort(&["check", &path]));
    assert_eq!(text, from_json);
}

#[test]
fn check_reports_errors_with_line_and_column() {
    let path = temp_file("bad.cohort", "program \"x\"\nparties 3\ninput a: secint(32) from each\nlet b = a +\n");
    fails_with(&cohort(&["check", &path]), "line 4, column 12: expected a value");
    fails_with(&cohort(&["check", "/nonexistent/program.cohort"]), "cannot read /nonexistent/program.cohort");
}

#[test]
fn run_prints_every_partys_outputs_as_json_lines_in_the_expected_shape() {
    for name in ["average_salary", "second_price_auction", "set_intersection_size"] {
        let out =
            stdout(&cohort(&["run", &example(&format!("{name}.cohort")), "--inputs", &example(&format!("{name}.inputs.json")), "--json"]));
        let got: Vec<serde_json::Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        let want: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(example(&format!("{name}.expected.json"))).unwrap()).unwrap();
        assert_eq!(serde_json::Value::Array(got), want, "{name}");
        assert!(out.starts_with("{\"party\": 0, \"outputs\": "), "{out}");
    }
}

#[test]
fn run_with_a_threshold_and_a_human_readable_table() {
    let out =
        stdout(&cohort(&["run", &example("millionaires.cohort"), "--inputs", &example("millionaires.inputs.json"), "--threshold", "1"]));
    assert_eq!(out, "party 0: richest = 1\nparty 1: richest = 1\nparty 2: richest = 1\n");
}

#[test]
fn run_rejects_bad_inputs_and_party_counts() {
    let program = example("average_salary.cohort");
    let missing = temp_file("missing.json", r#"[{"salary": 1}, {}, {"salary": 3}]"#);
    fails_with(&cohort(&["run", &program, "--inputs", &missing]), "party 1: line 6, column 1: input `salary` is missing");
    let range = temp_file("range.json", r#"[{"salary": 1}, {"salary": 1e12}, {"salary": 3}]"#);
    fails_with(&cohort(&["run", &program, "--inputs", &range]), "party 1: input `salary`");
    let wrong_type = temp_file("type.json", r#"[{"salary": 1}, {"salary": "a lot"}, {"salary": 3}]"#);
    fails_with(&cohort(&["run", &program, "--inputs", &wrong_type]), "input `salary` takes a whole number from 0 to 100,000,000");
    let two = temp_file("two.json", r#"[{"salary": 1}, {"salary": 2}]"#);
    fails_with(&cohort(&["run", &program, "--inputs", &two]), "runs with 3 or more parties, not 2");
    fails_with(
        &cohort(&["run", &program, "--inputs", &example("average_salary.inputs.json"), "--parties", "4"]),
        "gives inputs for 3 parties, but --parties is 4",
    );
    let garbage = temp_file("garbage.json", "{not json");
    fails_with(&cohort(&["run", &program, "--inputs", &garbage]), "not an inputs file");
}

/// `n` fresh identity files and their fingerprints.
fn identities(n: usize) -> Vec<(String, String)> {
    (0..n)
        .map(|i| {
            let path = unique_temp(&format!("id{i}.json"));
            let out = stdout(&cohort(&["identity", "new", "--identity", &path, "--force"]));
            let fp = out.lines().find_map(|l| l.strip_prefix("Fingerprint: ")).expect("a fingerprint").to_string();
            (path, fp)
        })
        .collect()
}

/// A session's parties: their addresses, identity files and the comma-separated keys.
struct Parties {
    peers: String,
    ids: Vec<(String, String)>,
    keys: String,
}

fn parties(n: usize) -> Parties {
    let ids = identities(n);
    let keys = ids.iter().map(|(_, fp)| fp.clone()).collect::<Vec<_>>().join(",");
    Parties { peers: free_addrs(n).join(","), ids, keys }
}

fn spawn_party(program: &str, id: usize, p: &Parties, inputs: &[&str], timeout: &str) -> std::process::Child {
    spawn_party_as(program, id, p, &p.ids[id].0, inputs, timeout)
}

fn spawn_party_as(program: &str, id: usize, p: &Parties, identity: &str, inputs: &[&str], timeout: &str) -> std::process::Child {
    let mut args = vec!["party".to_string(), program.to_string(), "--id".into(), id.to_string(), "--peers".into(), p.peers.clone()];
    args.extend(["--keys".to_string(), p.keys.clone(), "--identity".into(), identity.to_string()]);
    args.extend(["--timeout".to_string(), timeout.to_string(), "--json".into()]);
    for i in inputs {
        args.extend(["--input".to_string(), i.to_string()]);
    }
    bin().args(&args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("cohort starts")
}

#[test]
fn three_parties_as_separate_processes() {
    let p = parties(3);
    let program = example("set_intersection_size.cohort");
    let sets = ["set=[1,2,3,4,5]", "set=[2,3,5,7,11]", "set=[5,3,13,2,17]"];
    let children: Vec<_> = (0..3).map(|i| spawn_party(&program, i, &p, &[sets[i]], "20")).collect();
    for (i, child) in children.into_iter().enumerate() {
        let out = child.wait_with_output().unwrap();
        assert_eq!(stdout(&out), format!("{{\"party\": {i}, \"outputs\": {{\"size\":3}}}}\n"));
    }
}

#[test]
fn a_peer_with_another_program_is_refused() {
    let p = parties(3);
    let children = vec![
        spawn_party(&example("average_salary.cohort"), 0, &p, &["salary=1"], "20"),
        spawn_party(&example("millionaires.cohort"), 1, &p, &["wealth=2"], "20"),
        spawn_party(&example("average_salary.cohort"), 2, &p, &["salary=3"], "20"),
    ];
    for child in children {
        let out = child.wait_with_output().unwrap();
        fails_with(&out, "runs a different program (hash ");
    }
}

#[test]
fn an_unreachable_peer_gives_up_after_the_timeout() {
    let p = parties(3);
    let start = Instant::now();
    let out = spawn_party(&example("average_salary.cohort"), 0, &p, &["salary=1"], "1").wait_with_output().unwrap();
    fails_with(&out, "did not connect within 1s");
    assert!(start.elapsed() < Duration::from_secs(20), "gave up in {:?}", start.elapsed());
}

#[test]
fn a_peer_that_vanishes_mid_run_ends_the_others_with_an_error() {
    // 20,000 sequential multiplications: long enough to stop a party in the middle.
    let path = temp_file(
        "long.cohort",
        "program \"long\"\nparties 3\ninput x: secint(32) from each\nlet acc = x[0]\nfor i in range(20000):\n    acc = acc * x[1]\nreveal acc to all\n",
    );
    let p = parties(3);
    let mut children: Vec<_> = (0..3).map(|i| spawn_party(&path, i, &p, &["x=1"], "30")).collect();
    std::thread::sleep(Duration::from_millis(1500));
    let start = Instant::now();
    children[2].kill().unwrap();
    children.pop().unwrap().wait().unwrap();
    // Whoever notices first names party 2. The other may instead see the
    // first one quit (after its error) before it sees party 2 gone: party 2
    // can die between sending a round to one survivor and to the other, and
    // then that survivor leaves while the other still reads its round.
    let mut named_2 = false;
    for (me, child) in children.into_iter().enumerate() {
        let out = child.wait_with_output().unwrap();
        let other = 1 - me;
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        if stderr.contains("party 2 left the session") {
            named_2 = true;
            fails_with(&out, "party 2 left the session");
        } else {
            fails_with(&out, &format!("party {other} left the session"));
        }
    }
    assert!(named_2, "the first to notice names the party that vanished");
    assert!(start.elapsed() < Duration::from_secs(20), "the others stopped in {:?}", start.elapsed());
}

#[test]
fn a_peer_proving_another_key_is_refused() {
    let p = parties(3);
    let mallory = identities(1).remove(0);
    // Mallory takes party 2's address with her own key (her keys list names
    // herself as party 2, so she gets past her own check).
    let mut keys: Vec<&str> = p.keys.split(',').collect();
    keys[2] = &mallory.1;
    let mallory_view =
        Parties { peers: p.peers.clone(), ids: vec![p.ids[0].clone(), p.ids[1].clone(), mallory.clone()], keys: keys.join(",") };
    let program = example("average_salary.cohort");
    // The honest parties turn Mallory's connections away and wait for the
    // real party 2 until the timeout (short here), so that an impostor
    // cannot end their session.
    let children = vec![
        spawn_party(&program, 0, &p, &["salary=1"], "5"),
        spawn_party(&program, 1, &p, &["salary=2"], "5"),
        spawn_party(&program, 2, &mallory_view, &["salary=3"], "5"),
    ];
    let outs: Vec<Output> = children.into_iter().map(|c| c.wait_with_output().unwrap()).collect();
    for out in &outs {
        assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    }
    // Then an honest party says why party 2 never connected: her key.
    let refused = outs[..2]
        .iter()
        .any(|o| String::from_utf8_lossy(&o.stderr).contains("the secure channel with party 2 could not be opened: the handshake failed"));
    assert!(refused, "{:?}", outs.iter().map(|o| String::from_utf8_lossy(&o.stderr).into_owned()).collect::<Vec<_>>());
}

#[test]
fn a_peers_file_gives_addresses_and_keys() {
    let p = parties(3);
    let lines: Vec<String> = p.peers.split(',').zip(&p.ids).map(|(addr, (_, fp))| format!("{addr} {fp}  # party")).collect();
    let file = temp_file("peers.txt", &format!("# a session\n{}\n", lines.join("\n")));
    let program = example("unanimous_vote.cohort");
    let children: Vec<_> = (0..3)
        .map(|i| {
            bin()
                .args([
                    "party",
                    &program,
                    "--id",
                    &i.to_string(),
                    "--peers-file",
                    &file,
                    "--identity",
                    &p.ids[i].0,
                    "--input",
                    "vote=1",
                    "--timeout",
                    "20",
                ])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for (i, c) in children.into_iter().enumerate() {
        assert_eq!(stdout(&c.wait_with_output().unwrap()), format!("party {i}: unanimous = 1\n"));
    }
}

#[test]
fn party_argument_errors() {
    let program = example("average_salary.cohort");
    let p = parties(3);
    let (peers, keys, me) = (p.peers.as_str(), p.keys.as_str(), p.ids[0].0.as_str());
    let party = |extra: &[&str]| {
        let mut args = vec!["party", &program, "--peers", peers, "--keys", keys, "--identity", me];
        args.extend(extra);
        cohort(&args)
    };
    fails_with(&party(&["--id", "3", "--input", "salary=1"]), "--id 3 is not a party");
    fails_with(&party(&["--id", "0", "--input", "salary"]), "write NAME=VALUE");
    fails_with(&party(&["--id", "0", "--input", "salary=abc"]), "must be a number or a list");
    fails_with(&party(&["--id", "0", "--input", "salary=1.5"]), "whole numbers only");
    fails_with(&party(&["--id", "0"]), "input `salary` is missing");
    fails_with(&party(&["--id", "0", "--input", "salary=1", "--timeout", "0"]), "--timeout 0");
    let two_keys = keys.rsplit_once(',').unwrap().0;
    let with = |peers: &str, keys: &str, identity: &str| {
        cohort(&["party", &program, "--id", "0", "--peers", peers, "--keys", keys, "--identity", identity, "--input", "salary=1"])
    };
    fails_with(&with(peers, two_keys, me), "give one key per party");
    fails_with(&with("nowhere,b,c", keys, me), "`nowhere` is not a HOST:PORT address");
    fails_with(&with(peers, &format!("{two_keys},zzzz"), me), "is not a fingerprint");
    fails_with(&with(peers, keys, "/nonexistent/id.json"), "cohort identity new");
    // Party 1's identity claiming to be party 0.
    fails_with(&with(peers, keys, &p.ids[1].0), "this party's identity has fingerprint");
}
