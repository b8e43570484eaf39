//! The extension's operations over JSON text: identities, programs,
//! invites and session configurations, with their errors.

use cohort_channel::Identity;
use cohort_channel::Invite;
use cohort_web::api;
use cohort_web::error::PageCode;
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
    assert!(api::identity_info("{}").unwrap_err().message.contains("unreadable"));
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
    assert!(api::check_inputs(&source, 3, 0, r#"{"salary": 61000}"#).is_ok());
    assert!(api::check_inputs(&source, 3, 0, r#"{"salary": -1}"#).unwrap_err().message.contains("salary"));
    assert!(api::check_inputs(&source, 3, 0, r#"{}"#).unwrap_err().message.contains("salary"));
    assert!(api::check_inputs(&source, 3, 0, "[1]").unwrap_err().message.contains("JSON object"));
    let auction = example("second_price_auction.cohort");
    assert!(api::check_program(&auction).is_ok());
    let err = api::check_program("program \"x\"\nparties 3\nreveal y to all\n").unwrap_err();
    assert!(err.message.contains("line 3"), "{err}");
    assert_eq!((err.code, err.reason), (PageCode::InvalidProgram, "invalid_program"));
}

#[test]
fn sessions_get_invites_that_read_back() {
    let source = example("average_salary.cohort");
    let made = parse(&api::new_session(&source, 3, "ws://127.0.0.1:8787/", None, None).unwrap());
    let invite = made["invite"].as_str().unwrap();
    let read = parse(&api::parse_invite(invite).unwrap());
    let token = Invite::parse(invite).unwrap().token().to_hex();
    assert_eq!(
        read,
        json!({"session": made["session"], "program": made["hash"], "parties": 3, "signal": "ws://127.0.0.1:8787/",
               "token": token, "open": true, "roster": null})
    );
    assert_eq!(made["open"], true);
    let again = parse(&api::new_session(&source, 3, "ws://127.0.0.1:8787/", None, None).unwrap());
    assert_ne!(again["session"], made["session"], "session ids are random");
    assert!(api::new_session(&source, 2, "ws://x/", None, None).unwrap_err().message.contains("3 to"));
    assert!(api::new_session(&source, 3, "http://x/", None, None).unwrap_err().message.contains("signal server URL"));
}

#[test]
fn rostered_sessions_are_signed_with_the_stored_identity() {
    let source = example("average_salary.cohort");
    let secret = api::generate_identity().unwrap();
    let me = Identity::from_file(&secret).unwrap();
    let (b, c) = (Identity::generate().unwrap(), Identity::generate().unwrap());
    let roster = json!([
        {"party": me.public().to_hex(), "name": "Alice"},
        {"party": b.fingerprint().to_string()},
        {"party": c.public().to_hex(), "name": "Zoë"},
    ]);
    let made = parse(&api::new_session(&source, 3, "wss://s.example/", Some(&roster.to_string()), Some(&secret)).unwrap());
    assert_eq!(made["open"], false);
    let read = parse(&api::parse_invite(made["invite"].as_str().unwrap()).unwrap());
    assert_eq!(read["open"], false);
    assert_eq!(
        read["roster"],
        json!({"creator": me.fingerprint().to_string(), "parties": [
            {"fingerprint": me.fingerprint().to_string(), "name": "Alice"},
            {"fingerprint": b.fingerprint().to_string(), "name": null},
            {"fingerprint": c.fingerprint().to_string(), "name": "Zoë"},
        ]})
    );
    // The creator must be in it; a roster needs the identity; names are checked.
    let others = json!([{"party": b.fingerprint().to_string()}, {"party": c.fingerprint().to_string()}, {"party": Identity::generate().unwrap().fingerprint().to_string()}]);
    assert!(
        api::new_session(&source, 3, "ws://x/", Some(&others.to_string()), Some(&secret))
            .unwrap_err()
            .message
            .contains("not one of its parties")
    );
    assert!(api::new_session(&source, 3, "ws://x/", Some(&roster.to_string()), None).unwrap_err().message.contains("stored identity"));
    let mut hostile = roster.clone();
    hostile[0]["name"] = json!("Alice\u{202E}");
    assert!(api::new_session(&source, 3, "ws://x/", Some(&hostile.to_string()), Some(&secret)).unwrap_err().message.contains("refused"));
    assert!(api::new_session(&source, 3, "ws://x/", Some("{}"), Some(&secret)).unwrap_err().message.contains("JSON array"));
    for (bad, why) in [
        (json!([{"party": b.fingerprint().to_string(), "role": "x"}]), "entry 0: unknown field `role`"),
        (json!([{"party": b.fingerprint().to_string()}, {"name": "Bob"}]), "entry 1: missing field `party`"),
        (json!([{"party": b.fingerprint().to_string(), "name": 5}]), "entry 0: `name` must be a string"),
    ] {
        let message = api::new_session(&source, 3, "ws://x/", Some(&bad.to_string()), Some(&secret)).unwrap_err().message;
        assert!(message.contains("JSON array") && message.contains(why), "{bad}: {message}");
    }
    // The benchmark's rooms have public tokens that admit to them.
    let room = parse(&api::bench_room("lab"));
    assert_eq!(cohort_channel::AdmissionToken::from_hex(room["token"].as_str().unwrap()).unwrap().session(), room["session"]);
}

#[test]
fn malformed_invites_are_refused_with_the_reason() {
    let good = Invite::open(&"b".repeat(64), 3, "wss://s.example/").unwrap();
    assert_eq!(Invite::parse(&good.to_string()).unwrap(), good);
    let cases = [
        ("https://example.com".to_string(), "not_an_invite"),
        (
            format!("cohort-invite:v1?session={}&program={}&parties=3&signal=wss://s.example/", "a".repeat(32), "b".repeat(64)),
            "other_version",
        ),
        ("cohort-invite:v2?session=x".to_string(), "missing_field"),
        (good.to_string().replace(good.session(), "x"), "bad_session"),
        (good.to_string().replace("parties=3", "parties=three"), "bad_parties"),
        (format!("{good}&session=x"), "duplicate_field"),
        (format!("{good}&evil=1"), "unknown_field"),
        (good.to_string().replace("&signal=wss://s.example/", ""), "missing_field"),
        (good.to_string().replace("wss://s.example/", "javascript:alert(1)"), "bad_signal"),
    ];
    for (text, code) in cases {
        assert_eq!(Invite::parse(&text).unwrap_err().code(), code, "{text}");
        let err = api::parse_invite(&text).unwrap_err();
        assert_eq!((err.code, err.reason), (PageCode::InvalidParams, code), "{text}");
    }
}

#[test]
fn session_configurations_are_validated() {
    let source = example("average_salary.cohort");
    let fps: Vec<String> = (0..3).map(|_| Identity::generate().unwrap().fingerprint().to_string()).collect();
    let plan = api::planned_program(&source, 3).unwrap();
    let config = json!({"plan": plan, "session": "s", "parties": fps, "me": 1, "inputs": {"salary": 5}});
    let parsed = api::party_config(&config.to_string()).unwrap();
    assert_eq!((parsed.me(), parsed.meeting().threshold), (1, 1));
    let mut bad = config.clone();
    bad["me"] = json!(3);
    assert!(api::party_config(&bad.to_string()).unwrap_err().message.contains("not among"));
    let mut bad = config.clone();
    bad["parties"][0] = json!("nobody");
    assert!(api::party_config(&bad.to_string()).unwrap_err().message.contains("party `nobody`"));
    let mut bad = config.clone();
    bad["extra"] = json!(true);
    assert!(api::party_config(&bad.to_string()).unwrap_err().message.contains("malformed"));
    assert!(api::party_config("[]").unwrap_err().message.contains("malformed"));
    // Optional fields may be null; each wrong shape is named.
    let mut nulled = config.clone();
    nulled["threshold"] = json!(null);
    assert_eq!(api::party_config(&nulled.to_string()).unwrap().meeting().threshold, 1);
    for (field, value, why) in [
        ("extra", json!(1), "unknown field `extra`"),
        ("me", json!(1.5), "`me` must be a non-negative integer"),
        ("me", json!(-1), "`me` must be a non-negative integer"),
        ("threshold", json!("1"), "`threshold` must be a non-negative integer"),
        ("parties", json!(["a", 1]), "`parties` must be an array of strings"),
        ("inputs", json!(null), "`inputs` must be an object"),
        ("plan", json!(null), "`plan` must be a string"),
    ] {
        let mut bad = config.clone();
        bad[field] = value;
        let message = api::party_config(&bad.to_string()).unwrap_err().message;
        assert!(message.starts_with("a malformed session configuration: ") && message.contains(why), "{bad}: {message}");
    }
    let mut bad = config.clone();
    bad.as_object_mut().unwrap().remove("session");
    assert!(api::party_config(&bad.to_string()).unwrap_err().message.contains("missing field `session`"));
    // The background passes the program planned for the parties; the
    // session host parses and checks nothing.
    let mut bad = config.clone();
    bad["plan"] = json!(source);
    let error = api::party_config(&bad.to_string()).unwrap_err();
    assert_eq!((error.code, error.reason), (PageCode::InvalidParams, "malformed_plan"), "{}", error.message);
    let mut bad = config.clone();
    bad["plan"] = json!(api::planned_program(&source, 4).unwrap());
    let error = api::party_config(&bad.to_string()).unwrap_err();
    assert_eq!((error.code, error.reason), (PageCode::InvalidProgram, "party_count"), "{}", error.message);
    let error = api::planned_program(&source, 1).unwrap_err();
    assert_eq!((error.code, error.reason), (PageCode::InvalidProgram, "party_count"), "{}", error.message);
}

#[test]
fn the_approval_view_comes_from_the_program_and_warns_of_exposed_inputs() {
    let hostile = "program \"Average salary\"\nparties 3 or more\ninput salary: secint(32) from each typed between 0 and 100000000\nreveal average = salary[2] to all\nreveal total = sum(salary) to all\n";
    let view: serde_json::Value = serde_json::from_str(&api::approval_view(hostile, 3, 1, Some(0)).unwrap()).unwrap();
    assert_eq!(
        view["privacy"],
        "Apart from what is revealed, each input stays private unless 2 or more of the other 2 parties pool what they received."
    );
    assert_eq!(view["reveals"][0]["class"], "input");
    assert_eq!(view["reveals"][0]["what"], "party 2's salary");
    assert_eq!(view["warnings"], json!(["“average” reveals party 2's salary itself to every party."]));
    assert_eq!(view["reveals"][0]["pooled"], json!(null));
    assert_eq!(view["reveals"][1]["pooled"], "The other 2 parties together can work out your salary from the total (“total”).");
    let mine: serde_json::Value = serde_json::from_str(&api::approval_view(hostile, 3, 1, Some(2)).unwrap()).unwrap();
    assert_eq!(mine["warnings"], json!(["“average” reveals your salary itself to every party."]));
    let anyone: serde_json::Value = serde_json::from_str(&api::approval_view(hostile, 3, 1, None).unwrap()).unwrap();
    assert_eq!(anyone["warnings"], json!(["“average” reveals party 2's salary itself to every party."]));
    assert_eq!(anyone["reveals"][1]["pooled"], "Any 2 parties together can work out the remaining party's salary from the total.");
    let none: serde_json::Value = serde_json::from_str(&api::approval_view(hostile, 3, 0, Some(0)).unwrap()).unwrap();
    assert!(none["privacy"].as_str().unwrap().starts_with("No privacy"));
}

#[test]
fn one_input_is_checked_with_an_error_that_says_what_it_takes() {
    let program = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/average_salary.cohort")).unwrap();
    api::check_input(&program, 3, 1, "salary", "52000").unwrap();
    assert_eq!(
        api::check_input(&program, 3, 1, "salary", "200000000").unwrap_err().message,
        "input `salary` must be from 0 to 100,000,000; got 200,000,000"
    );
    assert_eq!(
        api::check_input(&program, 3, 1, "salary", "\"x\"").unwrap_err().message,
        "input `salary` takes a whole number from 0 to 100,000,000; got \"x\", which is not a number: write it with digits and a minus sign only (as 52000 or -1250)"
    );
    assert!(api::check_input(&program, 3, 1, "bonus", "1").unwrap_err().message.contains("no input `bonus`"));
}

#[test]
fn a_program_whose_plan_a_browser_cannot_be_given_is_refused_before_anyone_approves_it() {
    // 14 × 200,000 constants of up to 94 bits, 14 bytes each: 38 MiB.
    let big = "program \"Big\"\nparties 3\nrole alice = party 0\ninput x: secint(96)[200000] from alice\n\
               let c0 = [1237940039285380274899124224 + i for i in range(50000)]\nlet c = concat(c0, c0, c0, c0)\n\
               reveal a = sum([sum(x + c * j) for j in range(14)]) to all\n";
    let too_large = |err: cohort_web::error::WebError| {
        assert_eq!((err.code, err.reason), (PageCode::InvalidProgram, "plan_too_large"), "{err}");
        assert!(err.message.starts_with("program `Big` unrolls, for 3 parties, to a plan of 38 MiB, more than the 32 MiB"), "{err}");
    };
    too_large(api::page_check_program(big, Some(3)).unwrap_err());
    too_large(api::new_session(big, 3, "ws://x/", None, None).unwrap_err());
    too_large(api::planned_program(big, 3).unwrap_err());
    let hash = parse(&api::check_program(big).unwrap())["hash"].as_str().unwrap().to_string();
    let invite = Invite::open(&hash, 3, "ws://x/").unwrap().to_string();
    too_large(api::plan_join(&invite, big).unwrap_err());
}

#[test]
fn joining_is_planned_with_the_party_runners_rules() {
    let source = example("average_salary.cohort");
    let made = parse(&api::new_session(&source, 3, "ws://x/", None, None).unwrap());
    let invite = made["invite"].as_str().unwrap();
    let plan = parse(&api::plan_join(invite, &source).unwrap());
    assert_eq!(
        (plan["session"].clone(), plan["parties"].clone(), plan["threshold"].clone()),
        (made["session"].clone(), json!(3), json!(1))
    );
    assert_eq!(plan["program"]["name"], "Average salary");
    assert_eq!(plan["open"], true);
    // Another program than the invite's.
    let other = source.replace("mean(salary)", "max(salary)");
    let err = api::plan_join(invite, &other).unwrap_err();
    assert_eq!((err.code, err.reason), (PageCode::InvalidProgram, "not_the_program"));
    // Two parties: no privacy, whatever the program allows.
    let two = "program \"Two\"\nparties 2 or more\ninput x: secint(32) from each\nreveal total = sum(x) to all\n";
    let made = parse(&api::new_session(two, 3, "ws://x/", None, None).unwrap());
    let invite = made["invite"].as_str().unwrap().replace("parties=3", "parties=2");
    let err = api::plan_join(&invite, two).unwrap_err();
    assert_eq!((err.code, err.reason), (PageCode::InvalidParams, "no_privacy"));
    assert!(err.message.starts_with("a session needs at least 3 parties for privacy: with 2"), "{err}");
    // Not an invite.
    let err = api::plan_join("https://evil.example", &source).unwrap_err();
    assert_eq!((err.code, err.reason), (PageCode::InvalidParams, "not_an_invite"));
}
