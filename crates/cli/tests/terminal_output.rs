//! Text that came from a server, a peer, an input file or a file name
//! reaches the terminal with its control characters escaped: a hostile
//! signal server cannot clear the screen, retitle the window or rewrite
//! what the participant read before.

use crate::common;

use std::net::TcpListener;
use std::process::Output;

use common::{bin, example, temp};

/// The escape sequences a hostile party would send: clear the screen,
/// set the window title, ring the bell, return to the start of the line.
const HOSTILE: &str = "\u{1b}[2J\u{1b}]0;owned\u{7}\rall good\u{202e}";

/// Standard error, checked to carry no raw control character but the line end.
fn escaped_stderr(out: &Output) -> String {
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let stderr = String::from_utf8(out.stderr.clone()).unwrap();
    let raw: Vec<char> = stderr.chars().filter(|c| (c.is_control() && *c != '\n') || *c == '\u{202e}').collect();
    assert!(raw.is_empty(), "raw control characters {raw:?} in {stderr:?}");
    stderr
}

#[test]
fn a_hostile_signal_servers_message_is_printed_escaped() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let server = std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        let mut ws = tungstenite::accept(stream).unwrap();
        let refusal = serde_json::json!({"type": "error", "code": "bad_message", "message": HOSTILE});
        ws.send(tungstenite::Message::Text(refusal.to_string().into())).unwrap();
        let _ = ws.read(); // until the client hangs up
    });
    let mut paths = Vec::new();
    let mut keys = Vec::new();
    for i in 0..3 {
        let path = temp(&format!("id{i}.json"));
        let out = bin().args(["identity", "new", "--force", "--identity", &path]).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        keys.push(text.lines().find_map(|l| l.strip_prefix("Fingerprint: ")).unwrap().to_string());
        paths.push(path);
    }
    let out = bin()
        .args(["party", &example("average_salary.cohort"), "--id", "0", "--signal", &format!("ws://{addr}/")])
        .args(["--keys", &keys.join(","), "--identity", &paths[0], "--input", "salary=1", "--timeout", "10"])
        .output()
        .unwrap();
    let stderr = escaped_stderr(&out);
    assert!(stderr.contains("the signal server refused: \\x1b[2J\\x1b]0;owned\\x07\\x0dall good\\u{202e} (bad_message)"), "{stderr}");
    server.join().unwrap();
}

#[test]
fn an_input_files_names_are_printed_escaped() {
    let inputs = temp("hostile.inputs.json");
    let given = serde_json::json!([{ HOSTILE: 1 }, {"salary": 2}, {"salary": 3}]);
    std::fs::write(&inputs, given.to_string()).unwrap();
    let out = bin().args(["run", &example("average_salary.cohort"), "--inputs", &inputs]).output().unwrap();
    let stderr = escaped_stderr(&out);
    assert!(stderr.contains("the program has no input `\\x1b[2J\\x1b]0;owned\\x07\\x0dall good\\u{202e}`"), "{stderr}");
}

#[test]
fn a_file_name_is_printed_escaped() {
    let out = bin().args(["check", &format!("/nonexistent/{HOSTILE}.cohort")]).output().unwrap();
    let stderr = escaped_stderr(&out);
    assert!(stderr.contains("cannot read /nonexistent/\\x1b[2J"), "{stderr}");
}
