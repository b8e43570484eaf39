//! Rooms sharded over two signal server instances behind HAProxy, with the
//! configuration that docs/signal.md gives ("Running several instances"):
//! that very text, with loopback addresses and a test certificate put in
//! place of the documented ones, so the documentation cannot drift from
//! what is tested.
//!
//! Parties (the native client, `RelayTransport`) reach the instances only
//! through the proxy, over TLS that the proxy terminates, and each room's
//! WebSocket is opened at the room's own path: the rooms land on both
//! instances (by their `/health` counts) and relay frames there. Then one
//! instance stops: its rooms' sessions end at once with the server's
//! `shutting_down`, the other instance's rooms relay on, and a new session
//! in a stopped instance's room is served by the remaining one.
//!
//! Needs the `haproxy` binary (Debian's package): `scripts/test` installs it
//! and runs it (`cargo test --workspace -- --include-ignored`); alone:
//! `cargo test -p cohort-signal --test all -- --ignored sharding::`.
//! HAProxy runs in the foreground as this test's child, on loopback only,
//! and is killed when the test ends, passing or failing.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use cohort_channel::Identity;
use cohort_signal::Endpoint;
use cohort_signal::client::SignalError;
use cohort_signal::native::RelayTransport;
use cohort_signal::server::{ServerConfig, ServerHandle};
use cohort_transport::{Transport, TransportError};

/// The documentation whose configuration is tested.
const DOCS: &str = include_str!("../../../docs/signal.md");

/// How long a party waits for its room to fill, or for a frame.
const PATIENCE: Duration = Duration::from_secs(15);

/// The HAProxy configuration of docs/signal.md, as written there.
fn documented_config() -> &'static str {
    let section =
        DOCS.split_once("\n## Running several instances\n").expect("docs/signal.md has a section \"Running several instances\"").1;
    let block = section.split_once("\n```haproxy\n").expect("the section has a ```haproxy block").1;
    block.split_once("\n```\n").expect("the haproxy block ends").0
}

/// The documented configuration with the frontend on `front`, the
/// certificate in `pem`, the two instances at `instances`, and a higher
/// rate of new connections per address (every client of this test comes
/// from 127.0.0.1). Each documented value must be there exactly once.
fn tested_config(front: SocketAddr, pem: &Path, instances: [SocketAddr; 2]) -> String {
    let mut config = format!("{}\n", documented_config());
    let substitutions = [
        ("bind :443 ", format!("bind {front} ")),
        ("/etc/haproxy/certs/signal.pem", pem.display().to_string()),
        ("10.0.0.11:8787", instances[0].to_string()),
        ("10.0.0.12:8787", instances[1].to_string()),
        ("sc0_conn_rate gt 20 ", "sc0_conn_rate gt 1000 ".to_string()),
    ];
    for (documented, tested) in substitutions {
        assert_eq!(config.matches(documented).count(), 1, "the documented configuration should have `{documented}` once:\n{config}");
        config = config.replace(documented, &tested);
    }
    config
}

/// A directory of this test's files, removed at the end.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> TempDir {
        let dir = std::env::temp_dir().join(format!("cohort-sharding-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// HAProxy in the foreground (`-db`), killed when dropped.
struct Haproxy {
    child: Child,
    log: PathBuf,
}

impl Haproxy {
    /// Checks `config`, starts HAProxy with it and waits until `front` accepts connections.
    fn start(config: &str, dir: &Path, front: SocketAddr) -> Haproxy {
        let file = dir.join("haproxy.cfg");
        std::fs::write(&file, config).unwrap();
        let check = Command::new("haproxy")
            .arg("-c")
            .arg("-f")
            .arg(&file)
            .output()
            .unwrap_or_else(|e| panic!("cannot run haproxy ({e}): install it (Debian: apt-get install haproxy), as scripts/test does"));
        assert!(
            check.status.success(),
            "haproxy refuses the configuration:\n{}{}\n{config}",
            String::from_utf8_lossy(&check.stdout),
            String::from_utf8_lossy(&check.stderr)
        );
        let log = dir.join("haproxy.log");
        let out = std::fs::File::create(&log).unwrap();
        let child = Command::new("haproxy")
            .arg("-f")
            .arg(&file)
            .arg("-db")
            .stdin(Stdio::null())
            .stdout(out.try_clone().unwrap())
            .stderr(out)
            .spawn()
            .expect("haproxy starts");
        let mut proxy = Haproxy { child, log };
        let deadline = Instant::now() + PATIENCE;
        while TcpStream::connect(front).is_err() {
            if let Ok(Some(status)) = proxy.child.try_wait() {
                panic!("haproxy exited ({status}):\n{}", proxy.log());
            }
            assert!(Instant::now() < deadline, "haproxy does not listen on {front}:\n{}", proxy.log());
            std::thread::sleep(Duration::from_millis(20));
        }
        proxy
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Haproxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            eprintln!("haproxy's output:\n{}", self.log());
        }
    }
}

/// A free loopback port (free when asked).
fn free_port() -> SocketAddr {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap()
}

/// An instance as docs/signal.md starts it: answering to the proxy's
/// public URL, without per-address limits.
fn instance(public_url: &str) -> ServerHandle {
    ServerHandle::spawn(ServerConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        max_clients_per_address: 0,
        auth_rate_per_address: 0,
        public_urls: vec![public_url.to_string()],
        log: std::env::var_os("COHORT_TEST_LOG").is_some(),
        ..ServerConfig::default()
    })
    .unwrap()
}

/// An instance's live rooms, from its `/health`, asked directly.
fn rooms(instance: SocketAddr) -> u64 {
    let mut tcp = TcpStream::connect(instance).unwrap();
    tcp.set_read_timeout(Some(PATIENCE)).unwrap();
    tcp.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    let mut response = String::new();
    tcp.read_to_string(&mut response).unwrap();
    let body = response.split_once("\r\n\r\n").expect("an HTTP response").1;
    let health: serde_json::Value = serde_json::from_str(body).unwrap();
    health["rooms"].as_u64().expect("a room count")
}

/// The two parties of room `room`, connected through `proxy` at once (each waits for the other).
fn pair(proxy: &Endpoint, room: &str) -> Result<[RelayTransport; 2], SignalError> {
    let ids = [Identity::generate().unwrap(), Identity::generate().unwrap()];
    let fps: Vec<_> = ids.iter().map(Identity::fingerprint).collect();
    let [a, b] = std::thread::scope(|s| {
        let joins = ids.each_ref().map(|id| {
            let fps = fps.clone();
            let me = fps.iter().position(|fp| *fp == id.fingerprint()).unwrap();
            s.spawn(move || RelayTransport::connect(proxy, id, room, fps, me, PATIENCE))
        });
        joins.map(|j| j.join().unwrap())
    });
    Ok([a?, b?])
}

/// A frame each way between the two parties of `room`.
fn exchange(parties: &mut [RelayTransport; 2], room: &str, round: usize) {
    let [a, b] = parties;
    let there = format!("{room}: round {round}, from party 0").into_bytes();
    let back = vec![round as u8; 50_000];
    a.send(1, there.clone()).unwrap();
    b.send(0, back.clone()).unwrap();
    assert_eq!(b.recv(0).unwrap_or_else(|e| panic!("room {room}: {e}")), there);
    assert_eq!(a.recv(1).unwrap_or_else(|e| panic!("room {room}: {e}")), back);
}

/// A session through the proxy, and the instance that holds its room.
struct Room {
    name: &'static str,
    on: usize,
    parties: [RelayTransport; 2],
}

#[test]
#[ignore = "needs haproxy: scripts/test installs it and runs this"]
fn rooms_are_spread_over_instances_and_one_stopping_ends_only_its_own() {
    let dir = TempDir::new();
    let issued = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    let (cert, pem) = (dir.0.join("cert.pem"), dir.0.join("signal.pem"));
    std::fs::write(&cert, issued.cert.pem()).unwrap();
    // What HAProxy's `crt` takes: the chain and the key in one file.
    std::fs::write(&pem, format!("{}{}", issued.cert.pem(), issued.signing_key.serialize_pem())).unwrap();

    let front = free_port();
    let public_url = format!("wss://localhost:{}/", front.port());
    let mut instances = [Some(instance(&public_url)), Some(instance(&public_url))];
    let addrs = instances.each_ref().map(|i| i.as_ref().unwrap().addr());
    let _proxy = Haproxy::start(&tested_config(front, &pem, addrs), &dir.0, front);
    let proxy = Endpoint::new(&public_url).unwrap().trust_pem_file(&cert).unwrap();

    // Sessions through the proxy, one at a time: whichever instance's
    // /health counts one more room holds it.
    let names = ["shard-0", "shard-1", "shard-2", "shard-3", "shard-4", "shard-5", "shard-6", "shard-7", "needs/escaping?#%20&.."];
    let mut sessions: Vec<Room> = Vec::new();
    for name in names {
        let before = addrs.map(rooms);
        let mut parties = pair(&proxy, name).unwrap_or_else(|e| panic!("room {name} through the proxy: {e}"));
        let after = addrs.map(rooms);
        let on = match [after[0] - before[0], after[1] - before[1]] {
            [1, 0] => 0,
            [0, 1] => 1,
            grown => panic!("room {name} should be on exactly one instance, but the room counts grew by {grown:?}"),
        };
        exchange(&mut parties, name, 0);
        sessions.push(Room { name, on, parties });
    }
    let held = [0, 1].map(|i| sessions.iter().filter(|s| s.on == i).count() as u64);
    let on = |i| sessions.iter().filter(|s| s.on == i).map(|s| s.name).collect::<Vec<_>>();
    eprintln!("instance 0 holds {:?}, instance 1 holds {:?}", on(0), on(1));
    assert!(held[0] > 0 && held[1] > 0, "rooms should land on both instances: {:?} and {:?}", on(0), on(1));
    assert_eq!(addrs.map(rooms), held);
    // Every room keeps its instance: frames flow on each again.
    for s in &mut sessions {
        exchange(&mut s.parties, s.name, 1);
    }

    // Instance 0 stops: the sessions in its rooms end at once, with the
    // server's reason, not by a timeout; those on instance 1 go on.
    let stopping = Instant::now();
    instances[0].take().unwrap().shutdown();
    for s in sessions.iter_mut().filter(|s| s.on == 0) {
        for (me, party) in s.parties.iter_mut().enumerate() {
            let err = party.recv(1 - me).expect_err("the instance of this room stopped");
            assert!(matches!(err, TransportError::Closed { .. }), "room {}: {err:?}", s.name);
            assert!(err.to_string().contains("shutting_down"), "room {}: {err}", s.name);
        }
    }
    assert!(stopping.elapsed() < PATIENCE / 2, "the sessions ended only after {:?}", stopping.elapsed());
    for s in sessions.iter_mut().filter(|s| s.on == 1) {
        exchange(&mut s.parties, s.name, 2);
    }
    assert_eq!(rooms(addrs[1]), held[1]);

    // A stopped instance's room, started again, is served by the other.
    let moved = sessions.iter().find(|s| s.on == 0).unwrap().name;
    let again = Instant::now();
    let mut parties = pair(&proxy, moved).unwrap_or_else(|e| panic!("room {moved} again, after its instance stopped: {e}"));
    eprintln!("room {moved} started again on the remaining instance in {:?}", again.elapsed());
    exchange(&mut parties, moved, 3);
    assert_eq!(rooms(addrs[1]), held[1] + 1);
    for s in sessions.iter_mut().filter(|s| s.on == 1) {
        exchange(&mut s.parties, s.name, 4);
    }
}
