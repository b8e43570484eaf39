//! Parties meeting through a signal server started by the test: three CLI
//! parties compute an example through its relay; a party that disconnects
//! mid-run, or a server that goes away, ends the others with a clear error
//! in bounded time; `cohort session new` prints a session and an invite;
//! the same parties meet through a `wss://` server that they trust.

use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::common;

use common::{Server, bin, example, temp};

/// `n` identity files and the comma-separated fingerprints.
fn identities(n: usize, tag: &str) -> (Vec<String>, String) {
    let ids = common::identities(n, tag);
    (ids.iter().map(|id| id.path.clone()).collect(), ids.iter().map(|id| id.fingerprint.as_str()).collect::<Vec<_>>().join(","))
}

fn party(program: &str, id: usize, url: &str, session: &str, ids: &(Vec<String>, String), input: &str, timeout: &str) -> Child {
    party_command(program, id, url, session, ids, input, timeout).spawn().unwrap()
}

fn party_command(program: &str, id: usize, url: &str, session: &str, ids: &(Vec<String>, String), input: &str, timeout: &str) -> Command {
    let mut command = bin();
    command
        .args([
            "party",
            program,
            "--id",
            &id.to_string(),
            "--signal",
            url,
            "--session",
            session,
            "--keys",
            &ids.1,
            "--identity",
            &ids.0[id],
        ])
        .args(["--input", input, "--timeout", timeout, "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn three_parties_compute_through_the_relay() {
    let server = Server::start();
    let ids = identities(3, "relay");
    let program = example("average_salary.cohort");
    let salaries = ["salary=52000", "salary=61000", "salary=47500"];
    let children: Vec<Child> = (0..3).map(|i| party(&program, i, &server.url(), "s-relay", &ids, salaries[i], "20")).collect();
    for (i, c) in children.into_iter().enumerate() {
        let out = c.wait_with_output().unwrap();
        assert!(out.status.success(), "party {i}: {}", stderr(&out));
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            format!("{{\"party\": {i}, \"outputs\": {{\"average\":53500,\"total\":160500}}}}\n")
        );
    }
}

#[test]
fn three_parties_compute_through_a_tls_server() {
    let issued = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    let (cert, key) = (temp("tls-cert.pem"), temp("tls-key.pem"));
    std::fs::write(&cert, issued.cert.pem()).unwrap();
    std::fs::write(&key, issued.signing_key.serialize_pem()).unwrap();
    let addr = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let args = ["signal", "--listen", &addr.to_string(), "--tls-cert", &cert, "--tls-key", &key];
    let child = bin().args(args).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
    let _server = Server { child, addr: addr.to_string() };
    let deadline = Instant::now() + Duration::from_secs(10);
    while TcpStream::connect(addr).is_err() {
        assert!(Instant::now() < deadline, "the TLS signal server did not come up");
        std::thread::sleep(Duration::from_millis(50));
    }
    let url = format!("wss://localhost:{}/", addr.port());
    let ids = identities(3, "tls");
    let program = example("average_salary.cohort");
    let salaries = ["salary=52000", "salary=61000", "salary=47500"];
    let children: Vec<Child> = (0..3)
        .map(|i| party_command(&program, i, &url, "s-tls", &ids, salaries[i], "20").args(["--signal-ca", &cert]).spawn().unwrap())
        .collect();
    for (i, c) in children.into_iter().enumerate() {
        let out = c.wait_with_output().unwrap();
        assert!(out.status.success(), "party {i}: {}", stderr(&out));
        assert!(String::from_utf8_lossy(&out.stdout).contains(r#"{"average":53500,"total":160500}"#));
    }
    // Without the CA, the certificate is refused, with the reason.
    let out = party_command(&program, 0, &url, "s-tls-untrusted", &ids, salaries[0], "5").output().unwrap();
    assert!(!out.status.success());
    assert!(stderr(&out).contains("certificate"), "{}", stderr(&out));
}

#[test]
fn a_party_that_disconnects_mid_run_stops_the_others() {
    let server = Server::start();
    let ids = identities(3, "vanish");
    let path = temp("long.cohort");
    std::fs::write(&path, "program \"long\"\nparties 3\ninput x: secint(32) from each\nlet acc = x[0]\nfor i in range(20000):\n    acc = acc * x[1]\nreveal acc to all\n").unwrap();
    let mut children: Vec<Child> = (0..3).map(|i| party(&path, i, &server.url(), "s-vanish", &ids, "x=1", "60")).collect();
    std::thread::sleep(Duration::from_millis(2500));
    let start = Instant::now();
    children[2].kill().unwrap();
    children.pop().unwrap().wait().unwrap();
    for c in children {
        let out = c.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert!(stderr(&out).contains("left the session"), "{}", stderr(&out));
    }
    assert!(start.elapsed() < Duration::from_secs(20), "the others stopped after {:?}", start.elapsed());
}

#[test]
fn a_server_that_goes_away_gives_clean_errors() {
    let server = Server::start();
    let ids = identities(3, "restart");
    let path = temp("long2.cohort");
    std::fs::write(&path, "program \"long\"\nparties 3\ninput x: secint(32) from each\nlet acc = x[0]\nfor i in range(20000):\n    acc = acc * x[1]\nreveal acc to all\n").unwrap();
    let children: Vec<Child> = (0..3).map(|i| party(&path, i, &server.url(), "s-restart", &ids, "x=1", "60")).collect();
    std::thread::sleep(Duration::from_millis(2500));
    let start = Instant::now();
    let addr = server.addr.clone();
    drop(server);
    for c in children {
        let out = c.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert!(stderr(&out).contains("signal server"), "{}", stderr(&out));
    }
    assert!(start.elapsed() < Duration::from_secs(20), "stopped after {:?}", start.elapsed());
    // A restarted server: a party alone waits for the others, then gives up cleanly.
    let _server = Server::start_at(addr.clone());
    let out =
        party(&example("unanimous_vote.cohort"), 0, &format!("ws://{addr}/"), "s-after", &ids, "vote=1", "2").wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("not all 3 parties arrived within 2 s (1 did)"), "{}", stderr(&out));
}

#[test]
fn an_unreachable_server_is_a_clear_error() {
    let ids = identities(3, "unreachable");
    let addr = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let out = party(&example("unanimous_vote.cohort"), 0, &format!("ws://{addr}/"), "s", &ids, "vote=1", "2").wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("cannot reach the signal server"), "{}", stderr(&out));
}

#[test]
fn session_new_prints_an_id_and_an_invite() {
    let out = bin().args(["session", "new", &example("average_salary.cohort"), "--signal", "ws://127.0.0.1:7700/"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    let id = text.lines().find_map(|l| l.strip_prefix("Session: ")).unwrap();
    assert_eq!(id.len(), 32);
    assert!(text.contains(&format!("Invite:  cohort-invite:v2?session={id}&program=")), "{text}");
    assert!(text.contains("&token=") && text.contains("open invite"), "{text}");
    assert!(text.contains("&signal=ws://127.0.0.1:7700/"), "{text}");
    let again = bin().args(["session", "new", &example("average_salary.cohort")]).output().unwrap();
    assert!(!String::from_utf8_lossy(&again.stdout).contains(id), "session ids are random");
}

#[test]
fn signal_server_flags_are_checked() {
    let out = bin().args(["signal", "--listen", "127.0.0.1:0", "--heartbeat", "100", "--idle-timeout", "10"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("idle_timeout_secs must exceed heartbeat_secs"), "{}", stderr(&out));
    let out = bin().args(["signal", "--listen", "127.0.0.1:0"]).env("COHORT_SIGNAL_MAX_RATE", "lots").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("COHORT_SIGNAL_MAX_RATE"), "{}", stderr(&out));
    let missing = temp("absent-cert.pem");
    let out = bin().args(["signal", "--listen", "127.0.0.1:0", "--tls-cert", &missing, "--tls-key", &missing]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("absent-cert.pem"), "{}", stderr(&out));
    let out = bin().args(["signal", "--tls-cert", &missing]).output().unwrap();
    assert!(!out.status.success() && stderr(&out).contains("--tls-key"), "{}", stderr(&out));
    let out = bin().args(["party", "x.cohort", "--id", "0", "--keys", "a", "--signal", "http://127.0.0.1:1/"]).output().unwrap();
    assert!(!out.status.success() && stderr(&out).contains("ws:// or wss://"), "{}", stderr(&out));
}

#[test]
fn three_parties_join_by_invite() {
    let server = Server::start();
    let program = example("average_salary.cohort");
    let out = bin().args(["session", "new", &program, "--signal", &server.url(), "--parties", "3"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let invite = text.lines().find_map(|l| l.strip_prefix("Invite:  ")).unwrap().to_string();
    assert!(invite.contains("&parties=3&signal=ws://"), "{invite}");
    let ids = identities(3, "invite");
    let salaries = ["salary=52000", "salary=61000", "salary=47500"];
    let children: Vec<Child> = (0..3)
        .map(|i| {
            bin()
                .args([
                    "party",
                    &program,
                    "--invite",
                    &invite,
                    "--identity",
                    &ids.0[i],
                    "--input",
                    salaries[i],
                    "--timeout",
                    "20",
                    "--json",
                    "--yes",
                ])
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut parties_seen = Vec::new();
    for (i, c) in children.into_iter().enumerate() {
        let out = c.wait_with_output().unwrap();
        assert!(out.status.success(), "party {i}: {}", stderr(&out));
        let line: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(line["outputs"], serde_json::json!({"average": 53500, "total": 160500}));
        parties_seen.push(line["party"].as_u64().unwrap());
    }
    parties_seen.sort();
    assert_eq!(parties_seen, [0, 1, 2], "party numbers follow the fingerprints, one each");
    // A program that is not the invite's is refused before meeting anyone.
    let other = temp("other.cohort");
    std::fs::write(&other, std::fs::read_to_string(&program).unwrap().replace("mean(salary)", "max(salary)")).unwrap();
    let out = bin().args(["party", &other, "--invite", &invite, "--identity", &ids.0[0], "--input", "salary=1", "--yes"]).output().unwrap();
    assert!(!out.status.success() && stderr(&out).contains("is not the invite's program"), "{}", stderr(&out));
    let out = bin().args(["party", &program, "--invite", "cohort-invite:v1?session=x", "--identity", &ids.0[0]]).output().unwrap();
    assert!(!out.status.success() && stderr(&out).contains("--invite") && stderr(&out).contains("v2"), "{}", stderr(&out));
}

#[test]
fn a_fast_session_keeps_to_the_servers_message_rate() {
    // 1,000 rounds take well under a second natively: sent at once, they
    // would exceed 1,000 messages per second and be cut off (rate_limited).
    let addr = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().to_string();
    let server = Server::start_with(addr, &["--max-rate", "1000"]);
    let ids = identities(3, "paced");
    let path = temp("paced.cohort");
    std::fs::write(&path, "program \"chain\"\nparties 3\ninput x: secint(32) from each\nlet acc = x[0]\nfor i in range(1000):\n    acc = acc * x[1]\nreveal acc to all\n").unwrap();
    let children: Vec<Child> = (0..3).map(|i| party(&path, i, &server.url(), "s-paced", &ids, "x=1", "30")).collect();
    for (i, c) in children.into_iter().enumerate() {
        let out = c.wait_with_output().unwrap();
        assert!(out.status.success(), "party {i}: {}", stderr(&out));
        assert!(String::from_utf8_lossy(&out.stdout).contains(r#""acc":1"#), "{}", String::from_utf8_lossy(&out.stdout));
    }
}
