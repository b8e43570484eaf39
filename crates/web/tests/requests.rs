//! What pages and the participant hand the extension, checked in Rust: a
//! page's requests, a join's page-supplied inputs and the approval that
//! shows them, and the settings.

use cohort_web::error::PageCode;
use cohort_web::requests::{check_settings, join_approval, page_request, same_signal_server};
use serde_json::{Value as Json, json};

fn parse(text: &str) -> Json {
    serde_json::from_str(text).unwrap()
}

fn example(name: &str) -> String {
    std::fs::read_to_string(format!("{}/../../examples/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn request(method: &str, params: Json) -> Result<Json, (PageCode, String)> {
    page_request(method, &params.to_string()).map(|r| parse(&r)).map_err(|e| (e.code, e.message))
}

#[test]
fn every_method_takes_its_parameters_with_defaults() {
    assert_eq!(request("connect", Json::Null).unwrap(), json!({"method": "connect", "params": {}}));
    assert_eq!(request("identity", json!({"ignored": 1})).unwrap()["params"], json!({}));
    let create = request("createSession", json!({"program": "p", "parties": 3})).unwrap();
    assert_eq!(create["params"], json!({"program": "p", "parties": 3}));
    let rostered = request("createSession", json!({"program": "p", "parties": 3, "signal": "wss://s", "roster": []})).unwrap();
    assert_eq!(rostered["params"]["roster"], json!([]));
    let join = request("joinSession", json!({"invite": "i", "program": "p"})).unwrap();
    assert_eq!(join["params"], json!({"invite": "i", "program": "p", "inputs": {}, "timeout": 300}));
    for method in ["status", "result", "cancel"] {
        assert_eq!(request(method, json!({"session": "s"})).unwrap()["params"], json!({"session": "s"}));
    }
}

#[test]
fn a_missing_or_mistyped_parameter_is_named() {
    let bad = |method: &str, params: Json| request(method, params).unwrap_err();
    assert_eq!(bad("createSession", json!({"parties": 3})), (PageCode::InvalidParams, "params.program must be a string".into()));
    // A count of parties reaches the WebAssembly as a 32-bit number: one it would wrap (2^32 + 3 to 3) is refused.
    for parties in [json!(2.5), json!(-1), json!(-4294967293_i64), json!(4294967299_i64), json!(9007199254740992_i64)] {
        assert_eq!(bad("createSession", json!({"program": "p", "parties": parties})).1, "params.parties must be a whole number of parties");
    }
    assert_eq!(request("createSession", json!({"program": "p", "parties": 4294967295_i64})).unwrap()["params"]["parties"], 4294967295_i64);
    assert_eq!(
        bad("createSession", json!({"program": "p", "parties": 3, "roster": {}})).1,
        "params.roster must be an array of {party, name?}"
    );
    assert_eq!(bad("createSession", json!({"program": "p", "parties": 3, "signal": null})).1, "params.signal must be a string");
    assert_eq!(
        bad("joinSession", json!({"invite": "i", "program": "p", "inputs": [1]})).1,
        "params.inputs must be an object of NAME: value"
    );
    assert_eq!(bad("joinSession", json!({"invite": "i", "program": "p", "timeout": "5"})).1, "params.timeout must be an integer");
    for timeout in [0, -5, 86_401] {
        assert_eq!(
            bad("joinSession", json!({"invite": "i", "program": "p", "timeout": timeout})).1,
            "params.timeout is seconds, from 1 to 86400"
        );
    }
    assert_eq!(bad("status", json!({})).1, "params.session must be a string");
    assert_eq!(bad("cancel", json!([])).1, "params must be an object");
    // Params the parser cannot read are refused, not taken for none (which a method without parameters accepts).
    let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
    for text in [deep.as_str(), r#"["\ud800"]"#, r#"{"x": "\udfff"}"#, "{", ""] {
        for method in ["identity", "disconnect", "createSession"] {
            let e = page_request(method, text).unwrap_err();
            assert_eq!((e.code, e.reason), (PageCode::InvalidParams, "bad_params"), "{method} {text}");
            assert!(e.message.starts_with("params cannot be read: "), "{}", e.message);
        }
    }
    assert_eq!(bad("mine", json!({})), (PageCode::UnsupportedMethod, "unsupported method `mine`".into()));
    assert_eq!(bad(&"x".repeat(1000), json!({})).1.len(), "unsupported method ``".len() + 40);
}

/// A join approval request for the average salary (3 parties), this browser being `me`.
fn join(me: &str, inputs: Json, known: Json, roster: Json) -> Result<Json, String> {
    let request = json!({
        "program": example("average_salary.cohort"), "parties": ["fp-a", "fp-b", "fp-c"], "me": me, "threshold": 1,
        "inputs": inputs, "known": known, "roster": roster,
    });
    join_approval(&request.to_string()).map(|r| parse(&r)).map_err(|e| {
        assert_eq!(e.code, PageCode::InvalidParams);
        e.message
    })
}

#[test]
fn a_join_approval_shows_the_seat_its_inputs_and_the_parties() {
    let view = join("fp-b", json!({}), json!({}), Json::Null).unwrap();
    assert_eq!((view["kind"].as_str(), view["me"].as_u64(), view["threshold"].as_u64()), (Some("join"), Some(1), Some(1)));
    assert_eq!(view["inputs"], json!([{"name": "salary", "description": "a whole number from 0 to 100,000,000", "typed": true}]));
    assert_eq!(
        view["parties"][1],
        json!({"index": 1, "fingerprint": "fp-b", "petname": null, "name": null, "you": true, "changed": false})
    );
    assert!(view["disclosure"]["reveals"].as_array().is_some_and(|r| r.len() == 2), "{}", view["disclosure"]);
    // The page supplies what the participant does not type, and nothing else.
    assert_eq!(
        join("fp-b", json!({"salary": 5}), json!({}), Json::Null).unwrap_err(),
        "input `salary` is typed by the participant; the page must not supply it"
    );
    assert_eq!(join("fp-b", json!({"bonus": 5}), json!({}), Json::Null).unwrap_err(), "this party provides no input `bonus`");
    assert_eq!(join("fp-x", json!({}), json!({}), Json::Null).unwrap_err(), "this browser's identity is not among the session's parties");
}

#[test]
fn a_page_supplied_input_is_shown_with_its_value_and_must_be_there() {
    let src = "program \"p\"\nparties 3\ninput x: secint(32) from each\nreveal s = sum(x) to all\n";
    let ask = |inputs: Json| {
        let request = json!({"program": src, "parties": ["a", "b", "c"], "me": "c", "threshold": 1, "inputs": inputs});
        join_approval(&request.to_string()).map(|r| parse(&r)).map_err(|e| e.message)
    };
    assert_eq!(ask(json!({"x": 7})).unwrap()["inputs"][0]["value"], 7);
    assert_eq!(ask(json!({})).unwrap_err(), "input `x` is missing");
}

#[test]
fn a_roster_name_that_is_another_contacts_petname_is_flagged() {
    let roster = json!({"parties": [{"fingerprint": "fp-a", "name": "Alice"}, {"fingerprint": "fp-b", "name": "Bob"}, {"fingerprint": "fp-c", "name": null}]});
    // The participant knows Alice under another key: fp-a claims her name.
    let known = json!({"fp-old": {"petname": "alice"}, "fp-b": {"petname": "Bob"}});
    let view = join("fp-c", json!({}), known, roster.clone()).unwrap();
    assert_eq!(view["parties"][0]["changed"], true, "{}", view["parties"][0]);
    assert_eq!(view["parties"][0]["name"], "Alice");
    // Bob's petname matches his roster name: nothing to flag.
    assert_eq!(view["parties"][1]["changed"], false);
    assert_eq!(view["parties"][1]["petname"], "Bob");
    // A contact whose own key carries the name is not flagged either.
    let view = join("fp-c", json!({}), json!({"fp-a": {"petname": "ALICE"}, "fp-old": {"petname": "Alice"}}), roster).unwrap();
    assert_eq!(view["parties"][0]["changed"], false);
}

#[test]
fn settings_are_checked_with_the_signal_clients_url_rule() {
    let settings = |signal: &str, policy: &str, fallback: Json| {
        json!({"signal": signal, "iceServers": [{"urls": ["stun:x"]}], "iceTransportPolicy": policy, "fallbackMs": fallback, "extra": 1})
            .to_string()
    };
    let ok = parse(&check_settings(&settings("wss://signal.example", "all", json!(3000))).unwrap());
    assert_eq!(
        ok,
        json!({"signal": "wss://signal.example", "iceServers": [{"urls": ["stun:x"]}], "iceTransportPolicy": "all", "fallbackMs": 3000.0})
    );
    assert_eq!(parse(&check_settings(&settings("ws://h:8080", "relay", json!("1500"))).unwrap())["fallbackMs"], 1500.0);
    let err = |s: String| check_settings(&s).unwrap_err().message;
    assert!(err(settings("https://signal.example", "all", json!(3000))).contains("ws:// or wss://"));
    assert!(err(settings("wss://user:pw@signal.example", "all", json!(3000))).contains("user name or password"));
    assert_eq!(err(settings("wss://s", "none", json!(3000))), "the ICE transport policy is \"all\" or \"relay\"");
    assert_eq!(err(settings("wss://s", "all", json!(100))), "the fallback delay is 500 to 60000 ms");
    assert!(err(json!({"signal": "wss://s", "iceServers": [{"url": "x"}]}).to_string()).starts_with("ICE servers are a JSON array"));
}

#[test]
fn two_urls_of_one_signal_server_are_the_same_server() {
    assert!(same_signal_server("wss://Signal.example/", "wss://signal.example:443/room"));
    assert!(!same_signal_server("wss://signal.example", "ws://signal.example"));
    assert!(!same_signal_server("wss://signal.example", "wss://signal.example:8443"));
    assert!(!same_signal_server("not a url", "not a url"));
}

#[test]
fn names_compare_ignoring_the_case_of_latin_letters() {
    let roster = json!({"parties": [{"fingerprint": "fp-a", "name": "Émilie"}, {"fingerprint": "fp-b", "name": null}, {"fingerprint": "fp-c", "name": null}]});
    let flagged = |petname: &str| {
        join("fp-c", json!({}), json!({"fp-old": {"petname": petname}}), roster.clone()).unwrap()["parties"][0]["changed"].clone()
    };
    assert_eq!(flagged("émilie"), true);
    assert_eq!(flagged("ÉMILIE"), true);
    assert_eq!(flagged("Emilie"), false, "an accent makes another name");
    assert_eq!(flagged("Émilie "), false);
}
