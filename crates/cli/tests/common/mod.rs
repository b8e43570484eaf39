//! Helpers for the CLI tests that meet through a signal server: the
//! `cohort` binary, example programs, temporary files, a signal server on a
//! free port, and identity files.

#![allow(unreachable_pub)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_cohort"))
}

pub fn example(file: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples").join(file).to_string_lossy().into_owned()
}

/// A path in this test binary's temporary directory.
pub fn temp(name: &str) -> String {
    let exe = std::env::current_exe().unwrap();
    let tag = exe.file_stem().unwrap().to_string_lossy().into_owned();
    let dir = std::env::temp_dir().join(format!("cohort-cli-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name).to_string_lossy().into_owned()
}

/// A new path in this test binary's temporary directory: every call gets
/// its own (`name` prefixed with a counter), so tests running in parallel
/// never share a file.
pub fn unique_temp(name: &str) -> String {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    temp(&format!("{}-{name}", NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)))
}

/// Writes `text` to a new file ([`unique_temp`]) and returns its path.
pub fn temp_file(name: &str, text: &str) -> String {
    let path = unique_temp(name);
    std::fs::write(&path, text).unwrap();
    path
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A signal server on a free port, killed when dropped.
pub struct Server {
    pub child: Child,
    pub addr: String,
}

impl Server {
    /// On a free loopback port.
    pub fn start() -> Server {
        // The listener is dropped at the end of this statement, freeing the port for the server.
        let addr = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().to_string();
        Server::start_at(addr)
    }

    /// On `addr` (say, where an earlier one stood).
    pub fn start_at(addr: String) -> Server {
        Server::start_with(addr, &[])
    }

    /// On `addr`, with these `cohort signal` flags.
    pub fn start_with(addr: String, flags: &[&str]) -> Server {
        let child = bin().args(["signal", "--listen", &addr]).args(flags).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Ok(mut s) = TcpStream::connect(&addr) {
                let _ = s.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
                let mut buf = String::new();
                let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
                let _ = s.read_to_string(&mut buf);
                if buf.starts_with("HTTP/1.1 200") {
                    break;
                }
            }
            assert!(Instant::now() < deadline, "the signal server did not come up");
            std::thread::sleep(Duration::from_millis(50));
        }
        Server { child, addr }
    }

    pub fn url(&self) -> String {
        format!("ws://{}/", self.addr)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An identity file: its path, fingerprint and public key.
pub struct Id {
    pub path: String,
    pub fingerprint: String,
    pub key: String,
}

/// `n` new identity files.
pub fn identities(n: usize, tag: &str) -> Vec<Id> {
    (0..n)
        .map(|i| {
            let path = temp(&format!("{tag}-id{i}.json"));
            let out = bin().args(["identity", "new", "--force", "--identity", &path]).output().unwrap();
            assert!(out.status.success(), "{}", stderr(&out));
            let text = String::from_utf8_lossy(&out.stdout).into_owned();
            let field = |name: &str| text.lines().find_map(|l| l.strip_prefix(name)).unwrap().trim().to_string();
            Id { fingerprint: field("Fingerprint:"), key: field("Public key:"), path }
        })
        .collect()
}

/// The invite printed by `cohort session new` with these arguments (after the program).
pub fn new_invite(program: &str, args: &[&str]) -> String {
    let out = bin().args(["session", "new", program]).args(args).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    String::from_utf8_lossy(&out.stdout).lines().find_map(|l| l.strip_prefix("Invite:  ")).unwrap().to_string()
}

/// `cohort party PROGRAM --invite INVITE --identity ID --input INPUT --json`
/// and `extra`, standard input closed (no terminal).
pub fn invited(program: &str, invite: &str, id: &Id, input: &str, extra: &[&str]) -> Child {
    bin()
        .args(["party", program, "--invite", invite, "--identity", &id.path, "--input", input, "--timeout", "20", "--json"])
        .args(extra)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}
