//! The extension's operations over JSON text: identities, programs,
//! invites and session configurations, with their errors.

use cohort_channel::Invite;
use cohort_channel::{Identity, PublicKey};
use cohort_web::api;
use serde_json::{Value as Json, json};

fn parse(text: &str) -> Json {
    serde_json::from_str(text).unwrap()
}

fn example(name: &str) -> String {
    std::fs::read_to_string(format!("{}/../../examples/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

#[test]
fn identities_are_generated_shown_signed_with_and_backed_up() {
    let secret = api::generate_identity().unwrap();
    let info = parse(&api::identity_info(&secret).unwrap());
    let identity = Identity::from_file(&secret).unwrap();
    assert_eq!(info, json!({"key": identity.public().to_hex(), "fingerprint": identity.fingerprint().to_string()}));
    // The challenge signature is what the signal server verifies.
    let nonce = "ab".repeat(32);
    let signature = api::sign_challenge(&secret, &nonce).unwrap();
    let message = [cohort_signal::protocol::AUTH_CONTEXT, &[0xab; 32][..]].concat();
    assert!(PublicKey::from_hex(info["key"].as_str().unwrap()).unwrap().verify_signature(&message, &signature));
    assert!(api::sign_challenge(&secret, "zz").unwrap_err().contains("malformed challenge"));
    // Backup and restore.
    let exported = api::export_identity(&secret, "correct horse").unwrap();
    assert!(!exported.contains(&secret));
    assert_eq!(api::import_identity(&exported, "correct horse").unwrap(), secret);
    assert!(api::import_identity(&exported, "wrong").is_err());
    assert!(api::identity_info("{}").unwrap_err().contains("unreadable"));
    // Peers by key or fingerprint.
    let fp = info["fingerprint"].as_str().unwrap();
    assert_eq!(api::parse_peer(info["key"].as_str().unwrap()).unwrap(), fp);
    assert_eq!(api::parse_peer(fp).unwrap(), fp);
    assert!(api::parse_peer("nonsense").is_err());
}

#[test]
fn programs_are_checked_and_rendered() {
    let source = example("average_salary.cohort");
    let checked = parse(&api::check_program(&source).unwrap());
    assert_eq!(checked["name"], "Average salary");
    assert_eq!(checked["hash"].as_str().unwrap().len(), 64);
    assert_eq!(checked["parties"]["min"], 3);
    assert!(checked["rendering"].as_str().unwrap().contains("salary"));
    let inputs = parse(&api::party_inputs(&source, 3, 1).unwrap());
    assert_eq!(inputs, json!([{"name": "salary", "description": "a whole number from 0 to 100,000,000", "typed": true}]));
    assert!(api::check_inputs(&source, 3, 0, r#"{"salary": 61000}"#).is_ok());
    assert!(api::check_inputs(&source, 3, 0, r#"{"salary": -1}"#).unwrap_err().contains("salary"));
    assert!(api::check_inputs(&source, 3, 0, r#"{}"#).unwrap_err().contains("salary"));
    assert!(api::check_inputs(&source, 3, 0, "[1]").unwrap_err().contains("JSON object"));
    let auction = example("second_price_auction.cohort");
    assert!(api::check_program(&auction).is_ok());
    let err = api::check_program("program \"x\"\nparties 3\nreveal y to all\n").unwrap_err();
    assert!(err.contains("line 3"), "{err}");
}

#[test]
fn sessions_get_invites_that_read_back() {
    let source = example("average_salary.cohort");
    let made = parse(&api::new_session(&source, 3, "ws://127.0.0.1:8787/").unwrap());
    let invite = made["invite"].as_str().unwrap();
    let read = parse(&api::parse_invite(invite).unwrap());
    assert_eq!(read, json!({"session": made["session"], "program": made["hash"], "parties": 3, "signal": "ws://127.0.0.1:8787/"}));
    let again = parse(&api::new_session(&source, 3, "ws://127.0.0.1:8787/").unwrap());
    assert_ne!(again["session"], made["session"], "session ids are random");
    assert!(api::new_session(&source, 2, "ws://x/").unwrap_err().contains("3 to"));
    assert!(api::new_session(&source, 3, "http://x/").unwrap_err().contains("signal server URL"));
}

#[test]
fn malformed_invites_are_refused_with_the_reason() {
    let good =
        Invite::parse(&format!("cohort-invite:v1?session={}&program={}&parties=3&signal=wss://s.example/", "a".repeat(32), "b".repeat(64)))
            .unwrap();
    assert_eq!(Invite::parse(&good.to_string()).unwrap(), good);
    let cases = [
        ("https://example.com", "wrong prefix"),
        ("cohort-invite:v1?session=x", "no program"),
        (&good.to_string().replace(&"a".repeat(32), "x"), "session id"),
        (&good.to_string().replace("parties=3", "parties=three"), "not a number"),
        (&good.to_string().replace("parties=3", "parties=1"), "2 to 62"),
        (&format!("{good}&session=x"), "given twice"),
        (&format!("{good}&evil=1"), "unknown field"),
        (&good.to_string().replace("&signal=wss://s.example/", ""), "no signal"),
        (&good.to_string().replace("wss://s.example/", "javascript:alert(1)"), "signal server URL"),
    ];
    for (text, why) in cases {
        let err = Invite::parse(text).unwrap_err();
        assert!(err.contains(why), "{text}: expected `{why}` in {err}");
    }
}

#[test]
fn session_configurations_are_validated() {
    let source = example("average_salary.cohort");
    let fps: Vec<String> = (0..3).map(|_| Identity::generate().unwrap().fingerprint().to_string()).collect();
    let config = json!({"program": source, "session": "s", "parties": fps, "me": 1, "inputs": {"salary": 5}});
    let parsed = api::party_config(&config.to_string()).unwrap();
    assert_eq!((parsed.me, parsed.threshold()), (1, 1));
    let mut bad = config.clone();
    bad["me"] = json!(3);
    assert!(api::party_config(&bad.to_string()).unwrap_err().contains("not among"));
    let mut bad = config.clone();
    bad["parties"][0] = json!("nobody");
    assert!(api::party_config(&bad.to_string()).unwrap_err().contains("party `nobody`"));
    let mut bad = config.clone();
    bad["extra"] = json!(true);
    assert!(api::party_config(&bad.to_string()).unwrap_err().contains("malformed"));
    assert!(api::party_config("[]").unwrap_err().contains("malformed"));
}

#[test]
fn the_approval_view_comes_from_the_program_and_warns_of_exposed_inputs() {
    let hostile = "program \"Average salary\"\nparties 3 or more\ninput salary: secint(32) from each typed between 0 and 100000000\nreveal average = salary[2] to all\nreveal total = sum(salary) to all\n";
    let view: serde_json::Value = serde_json::from_str(&api::approval_view(hostile, 3, 1, 0).unwrap()).unwrap();
    assert_eq!(view["privacy"], "Apart from what is revealed, each input stays private unless 2 or more of the other 2 parties pool what they received.");
    assert_eq!(view["reveals"][0]["class"], "input");
    assert_eq!(view["reveals"][0]["what"], "party 2's salary");
    assert_eq!(view["warnings"], json!(["“average” reveals party 2's salary itself to every party."]));
    assert_eq!(view["pooled"], json!(["The other 2 parties together can work out your salary from the total (“total”)."]));
    let mine: serde_json::Value = serde_json::from_str(&api::approval_view(hostile, 3, 1, 2).unwrap()).unwrap();
    assert_eq!(mine["warnings"], json!(["“average” reveals your salary itself to every party."]));
    let none: serde_json::Value = serde_json::from_str(&api::approval_view(hostile, 3, 0, 0).unwrap()).unwrap();
    assert!(none["privacy"].as_str().unwrap().starts_with("No privacy"));
}

#[test]
fn one_input_is_checked_with_an_error_that_says_what_it_takes() {
    let program = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/average_salary.cohort")).unwrap();
    api::check_input(&program, 3, 1, "salary", "52000").unwrap();
    assert_eq!(api::check_input(&program, 3, 1, "salary", "200000000").unwrap_err(), "input `salary` must be from 0 to 100,000,000; got 200,000,000");
    assert_eq!(api::check_input(&program, 3, 1, "salary", "\"x\"").unwrap_err(), "input `salary` takes a whole number from 0 to 100,000,000; got \"x\"");
    assert!(api::check_input(&program, 3, 1, "bonus", "1").unwrap_err().contains("no input `bonus`"));
}
