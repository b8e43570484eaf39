//! Fuzzing the decoders that pages, peers and servers feed (proptest: CI's
//! toolchain is stable, so no cargo-fuzz there): invites, identity files
//! and backups, the signal protocol's messages both ways and its relay
//! frames, and the extension's configuration objects and page requests.
//! Random input and mutations of valid input never panic and come back
//! within a bounded time, as a value or a typed error; what is valid still
//! reads. Each property runs a bounded number of cases; `PROPTEST_CASES=N`
//! runs N of each (to fuzz longer).

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use cohort_channel::{Identity, Invite};
use cohort_signal::protocol::{ClientMessage, ErrorCode, ServerMessage, decode_relay, encode_relay};
use cohort_web::{api, requests};
use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::json;

/// The longest one call may take: generous, for an unoptimised build on a busy machine.
const SLOW: Duration = Duration::from_secs(3);

fn config(cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(cases);
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

/// Edits of a text: where (an index into it), what (delete, insert, replace
/// or repeat a slice) and what to put there (random text, or JSON's own
/// punctuation, quotes and numbers, which get further into a parser).
fn edits() -> impl Strategy<Value = Vec<(Index, u8, String)>> {
    let piece =
        prop_oneof![".{0,6}", r#"[{}\[\]:,"\\0-9eE.+-]{1,4}"#, Just("null".to_string()), Just("-1".to_string()), Just("1e999".to_string())];
    proptest::collection::vec((any::<Index>(), any::<u8>(), piece), 1..6)
}

fn mutate(base: &str, edits: &[(Index, u8, String)]) -> String {
    let mut text: Vec<char> = base.chars().collect();
    for (at, op, piece) in edits {
        let i = at.index(text.len() + 1);
        let end = (i + piece.chars().count().max(1)).min(text.len());
        match op % 4 {
            0 => drop(text.drain(i..end)),
            1 => text.splice(i..i, piece.chars()).for_each(drop),
            2 => text.splice(i..end, piece.chars()).for_each(drop),
            _ => {
                let slice: Vec<char> = text[i.min(end)..end].to_vec();
                text.splice(i..i, slice).for_each(drop);
            }
        }
    }
    text.into_iter().collect()
}

/// Runs `f` on `input`, failing the case if it took too long (a panic fails it too).
fn quickly<T>(what: &str, input: &str, f: impl FnOnce(&str) -> T) -> Result<T, TestCaseError> {
    let start = Instant::now();
    let out = f(input);
    prop_assert!(start.elapsed() < SLOW, "{what} took {:?} on {input:?}", start.elapsed());
    Ok(out)
}

fn example(name: &str) -> String {
    std::fs::read_to_string(format!("{}/../../examples/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// A valid invite (open) and a rostered one, made once.
fn invites() -> &'static [String] {
    static INVITES: OnceLock<Vec<String>> = OnceLock::new();
    INVITES.get_or_init(make_invites)
}

fn make_invites() -> Vec<String> {
    let program = example("average_salary.cohort");
    let open =
        serde_json::from_str::<serde_json::Value>(&api::new_session(&program, 3, "wss://signal.example/", None, None).unwrap()).unwrap();
    let creator = Identity::generate().unwrap();
    let mut roster = vec![json!({"party": creator.fingerprint().to_string(), "name": "Creator"})];
    roster.extend((1..3).map(|i| json!({"party": Identity::generate().unwrap().fingerprint().to_string(), "name": format!("P{i}")})));
    let rostered =
        api::new_session(&program, 3, "wss://signal.example/", Some(&json!(roster).to_string()), Some(&creator.to_file())).unwrap();
    let rostered = serde_json::from_str::<serde_json::Value>(&rostered).unwrap();
    [open, rostered].iter().map(|made| made["invite"].as_str().unwrap().to_string()).collect()
}

/// A backup whose key derivation is cheap (it then fails to open, the
/// parameters being authenticated; the point is the parsing), so that many
/// cases run quickly.
fn cheap_export() -> &'static str {
    static EXPORT: OnceLock<String> = OnceLock::new();
    EXPORT.get_or_init(|| {
        let export = Identity::generate().unwrap().export("passphrase").unwrap();
        export.replacen("\"m_kib\": 65536", "\"m_kib\": 8", 1).replacen("\"t\": 3", "\"t\": 1", 1)
    })
}

/// One of each message the server sends, and each a client sends.
fn protocol_messages() -> Vec<String> {
    let server = [
        json!({"type": "challenge", "nonce": "00".repeat(32), "server": "wss://signal.example"}),
        json!({"type": "welcome", "fingerprint": "abcd-efgh", "ice_servers": [{"urls": ["stun:x"]}], "limits": {"max_message": 1048576, "max_queue": 1024, "max_rate": 100, "max_parties": 62, "max_rooms_per_identity": 8, "idle_timeout_secs": 60, "heartbeat_secs": 20, "room_lifetime_secs": 3600}}),
        json!({"type": "joined", "room": "r", "present": ["a", "b"]}),
        json!({"type": "presence", "room": "r", "present": ["a"]}),
        json!({"type": "signal", "room": "r", "from": "a", "data": {"sdp": "v=0"}}),
        json!({"type": "error", "code": "room_full", "message": "full"}),
    ];
    let client = [
        json!({"type": "auth", "key": "00".repeat(32), "signature": "00".repeat(64), "server": "wss://signal.example"}),
        json!({"type": "join", "room": "r", "token": "00".repeat(32), "parties": ["a", "b", "c"]}),
        json!({"type": "join", "room": "r", "size": 3}),
        json!({"type": "signal", "room": "r", "to": "b", "data": {"candidate": "x"}}),
        json!({"type": "leave", "room": "r"}),
    ];
    server.iter().chain(&client).map(|m| m.to_string()).collect()
}

#[test]
fn the_valid_samples_read() {
    for invite in invites() {
        Invite::parse(invite).unwrap();
    }
    assert!(matches!(Identity::import(cheap_export(), "passphrase"), Err(cohort_channel::ChannelError::WrongPassphrase)));
    let messages = protocol_messages();
    for m in &messages[..6] {
        ServerMessage::from_json(m).unwrap_or_else(|e| panic!("{e}: {m}"));
    }
    for m in &messages[6..] {
        serde_json::from_str::<ClientMessage>(m).unwrap_or_else(|e| panic!("{e}: {m}"));
    }
    // Every error code reads back as itself.
    for code in ErrorCode::ALL {
        let text = serde_json::json!({"type": "error", "code": code.as_str(), "message": "m"}).to_string();
        assert!(matches!(ServerMessage::from_json(&text), Ok(ServerMessage::Error { code: read, .. }) if read == code), "{code}");
    }
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn invites_never_panic(which in any::<Index>(), edits in edits(), random in ".{0,300}") {
        let invites = invites();
        let mutated = mutate(&invites[which.index(invites.len())], &edits);
        for text in [mutated.as_str(), random.as_str()] {
            let _ = quickly("Invite::parse", text, Invite::parse)?;
            let _ = quickly("api::plan_join", text, |t| api::plan_join(t, &example("average_salary.cohort")))?;
        }
    }

    #[test]
    fn identity_files_and_backups_never_panic(edits in edits(), random in ".{0,200}") {
        let file = Identity::generate().unwrap().to_file();
        for text in [mutate(&file, &edits), random.clone()] {
            let _ = quickly("Identity::from_file", &text, Identity::from_file)?;
        }
        for text in [mutate(cheap_export(), &edits), random] {
            let _ = quickly("Identity::import", &text, |t| Identity::import(t, "passphrase"))?;
        }
    }

    #[test]
    fn signal_messages_never_panic(which in any::<Index>(), edits in edits(), random in ".{0,300}") {
        let messages = protocol_messages();
        let mutated = mutate(&messages[which.index(messages.len())], &edits);
        for text in [mutated.as_str(), random.as_str()] {
            let _ = quickly("ServerMessage::from_json", text, ServerMessage::from_json)?;
            let _ = quickly("ClientMessage", text, |t| serde_json::from_str::<ClientMessage>(t).is_ok())?;
        }
    }

    #[test]
    fn relay_frames_decode_what_was_encoded_and_never_panic(
        room in ".{0,300}", fingerprint in ".{0,40}", payload in proptest::collection::vec(any::<u8>(), 0..64),
        random in proptest::collection::vec(any::<u8>(), 0..300),
    ) {
        match encode_relay(&room, &fingerprint, &payload) {
            Some(frame) => prop_assert_eq!(decode_relay(&frame), Some((room.as_str(), fingerprint.as_str(), payload.as_slice()))),
            None => prop_assert!(room.len() > 255 || fingerprint.len() > 255),
        }
        let _ = decode_relay(&random);
    }

    #[test]
    fn the_extensions_configurations_and_page_requests_never_panic(which in 0usize..4, edits in edits(), random in ".{0,200}") {
        let program = example("average_salary.cohort");
        let plan = api::planned_program(&program, 3).unwrap();
        let samples = [
            json!({"plan": plan, "session": "s", "parties": ["a", "b", "c"], "me": 0, "inputs": {"salary": 1}}).to_string(),
            json!({"session": "s", "parties": ["a", "b"], "me": 0, "only": ["mul"], "runs": 2}).to_string(),
            json!({"signal": "wss://s.example", "iceServers": [{"urls": ["stun:x"]}], "iceTransportPolicy": "all", "fallbackMs": 4000}).to_string(),
            json!({"invite": "i", "program": program, "inputs": {"salary": 1}, "timeout": 30}).to_string(),
        ];
        for text in [mutate(&samples[which], &edits), random] {
            let _ = quickly("party_config", &text, api::party_config)?;
            let _ = quickly("bench_config", &text, api::bench_config)?;
            let _ = quickly("check_settings", &text, requests::check_settings)?;
            let _ = quickly("check_inputs", &text, |t| api::check_inputs(&program, 3, 0, t))?;
            let _ = quickly("page_request", &text, |t| requests::page_request("joinSession", t))?;
            let _ = quickly("join_approval", &text, requests::join_approval)?;
        }
    }
}
