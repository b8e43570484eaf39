//! What pages and the participant hand the extension, checked here before
//! the extension acts on it: a page's request and its parameters, the
//! inputs a page supplies for a join (with the approval that shows them),
//! and the participant's settings. Each returns the checked value as JSON
//! text, with defaults filled in, or a [`WebError`] naming what is wrong.

use cohort_channel::signal_auth;
use cohort_program::{CheckedProgram, describe_input};
use serde_json::{Map, Value as Json, json};

use crate::api::approval_view;
use crate::error::{PageCode, WebError};

/// How long a join waits in its room for every party unless the page says (seconds).
pub const LOBBY_TIMEOUT_S: u64 = 300;
/// The longest wait a page may ask for: a day.
pub const MAX_LOBBY_TIMEOUT_S: u64 = 86_400;

/// The page API's methods, in the order of the docs: what
/// [`page_request`] accepts, and what the provider announces
/// (`info.methods`, generated into the extension's `error-codes.js`).
pub const METHODS: [&str; 9] =
    ["connect", "identity", "checkProgram", "createSession", "joinSession", "status", "result", "cancel", "disconnect"];

/// The kinds a page parameter can have.
#[derive(Clone, Copy)]
enum Kind {
    Text,
    Integer,
    /// A number of parties: a whole number that a `usize` holds on every
    /// target, WebAssembly's 32 bits included (a bigger or negative one
    /// would reach the Rust wrapped, `2^32 + 3` as 3).
    Count,
    Object,
    List,
}

/// A page's request: `method` and its `params` (a JSON object, or null for
/// none), checked: `{"method", "params"}` with the method's parameters and
/// their defaults (`inputs` `{}` and `timeout` 300 for `joinSession`).
/// Unknown methods are `UNSUPPORTED_METHOD`; missing or mistyped
/// parameters `INVALID_PARAMS`, naming the parameter, and so are params
/// that cannot be read (nested deeper than the parser goes, a lone
/// surrogate in a string): they are not taken for none. Parameters a method
/// does not take are ignored, as they always were.
pub fn page_request(method: &str, params: &str) -> Result<String, WebError> {
    let params: Json = serde_json::from_str(params).map_err(|e| WebError::params("bad_params", format!("params cannot be read: {e}")))?;
    let empty = Map::new();
    let given = match &params {
        Json::Object(map) => map,
        Json::Null => &empty,
        _ => return Err(WebError::params("bad_params", "params must be an object")),
    };
    let wanted: &[(&str, Kind, bool)] = match method {
        "connect" | "identity" | "disconnect" => &[],
        "createSession" => {
            &[("program", Kind::Text, true), ("parties", Kind::Count, true), ("signal", Kind::Text, false), ("roster", Kind::List, false)]
        }
        "joinSession" => &[
            ("invite", Kind::Text, true),
            ("program", Kind::Text, true),
            ("inputs", Kind::Object, false),
            ("timeout", Kind::Integer, false),
        ],
        "checkProgram" => &[("program", Kind::Text, true), ("parties", Kind::Count, false)],
        "status" | "result" | "cancel" => &[("session", Kind::Text, true)],
        _ => {
            let shown: String = method.chars().take(40).collect();
            return Err(WebError::new(PageCode::UnsupportedMethod, "unsupported_method", format!("unsupported method `{shown}`")));
        }
    };
    let mut out = Map::new();
    for &(name, kind, required) in wanted {
        let value = given.get(name);
        if value.is_some() || required {
            out.insert(name.to_string(), checked(name, kind, value)?);
        }
    }
    if method == "joinSession" {
        let inputs = out.entry("inputs").or_insert_with(|| json!({}));
        if let Some((name, n)) = inputs.as_object().and_then(|given| given.iter().find_map(|(k, v)| unsafe_number(v).map(|n| (k, n)))) {
            return Err(WebError::params(
                "unsafe_number",
                format!(
                    "params.inputs.{name}: the number {n} is beyond 2^53 − 1, where JavaScript numbers are no longer exact: \
                     give such a value as a string of its digits, as \"1208925819614629174706177\""
                ),
            ));
        }
        let timeout = out.entry("timeout").or_insert_with(|| json!(LOBBY_TIMEOUT_S));
        if !timeout.as_u64().is_some_and(|t| (1..=MAX_LOBBY_TIMEOUT_S).contains(&t)) {
            return Err(WebError::params("bad_timeout", format!("params.timeout is seconds, from 1 to {MAX_LOBBY_TIMEOUT_S}")));
        }
    }
    Ok(json!({"method": method, "params": out}).to_string())
}

/// A number in an input value (a number, or a list of them) that
/// JavaScript cannot have held exactly: a whole number beyond 2^53 − 1 in
/// magnitude (`Number.isSafeInteger` false), which the page's number may
/// already have rounded. Such values come as strings of digits.
fn unsafe_number(value: &Json) -> Option<String> {
    const MAX_SAFE: u64 = (1 << 53) - 1;
    match value {
        Json::Number(n) => {
            let beyond = match (n.as_i64(), n.as_u64(), n.as_f64()) {
                (Some(i), _, _) => i.unsigned_abs() > MAX_SAFE,
                (None, Some(u), _) => u > MAX_SAFE,
                (None, None, Some(x)) => x.abs() > MAX_SAFE as f64,
                (None, None, None) => false,
            };
            beyond.then(|| n.to_string())
        }
        Json::Array(items) => items.iter().find_map(unsafe_number),
        _ => None,
    }
}

/// `value` if it is of `kind`, else the error that names parameter `name`.
fn checked(name: &str, kind: Kind, value: Option<&Json>) -> Result<Json, WebError> {
    let value = value.cloned().unwrap_or(Json::Null);
    let ok = match kind {
        Kind::Text => value.is_string(),
        // A number JavaScript holds exactly (Number.isSafeInteger).
        Kind::Integer => value.as_i64().is_some_and(|n| n.unsigned_abs() < 1 << 53),
        Kind::Count => value.as_u64().is_some_and(|n| n <= u64::from(u32::MAX)),
        Kind::Object => value.is_object(),
        Kind::List => value.is_array(),
    };
    if ok {
        return Ok(value);
    }
    let what = match (kind, name) {
        (Kind::Text, _) => "a string",
        (Kind::Integer, _) => "an integer",
        (Kind::Count, _) => "a whole number of parties",
        (Kind::Object, "inputs") => "an object of NAME: value",
        (Kind::Object, _) => "an object",
        (Kind::List, _) => "an array of {party, name?}",
    };
    Err(WebError::params("bad_params", format!("params.{name} must be {what}")))
}

/// What the full approval of a join shows once the session's parties are
/// known, from `request`: `{"program", "parties": [FP…] (party order),
/// "me": FP, "threshold", "inputs": {NAME: value} (the page's),
/// "known": {FP: {"petname"}} (the participant's contacts), "roster":
/// {"parties": [{"fingerprint", "name"}]} or null}`. It is `{"kind":
/// "join", "threshold", "me" (this party's seat), "disclosure" (from the
/// checked program, see [`approval_view`]), "parties": [{"index",
/// "fingerprint", "petname", "name", "you", "changed"}], "inputs":
/// [{"name", "description", "typed", "value"?}]}`.
///
/// The page supplies every input of this seat the participant does not
/// type, and none that they type; anything else is `INVALID_PARAMS`. A
/// party's `name` is the roster's (the site's words); `changed` says that
/// name is a contact's petname for another key: the contact's key changed,
/// or someone poses as them.
pub fn join_approval(request: &str) -> Result<String, WebError> {
    let request: Json = serde_json::from_str(request).map_err(|e| WebError::params("bad_request", e.to_string()))?;
    let text = |key: &str| request[key].as_str().unwrap_or_default();
    let parties: Vec<&str> = request["parties"].as_array().map(|a| a.iter().filter_map(Json::as_str).collect()).unwrap_or_default();
    let me = text("me");
    let seat = parties
        .iter()
        .position(|&fp| fp == me)
        .ok_or_else(|| WebError::params("not_a_party", "this browser's identity is not among the session's parties"))?;
    let threshold = request["threshold"].as_u64().unwrap_or_default() as usize;
    let program = CheckedProgram::load(text("program"))?;
    let plan = program.plan(parties.len())?;
    let given = request["inputs"].as_object().cloned().unwrap_or_default();
    let mine: Vec<_> = plan.inputs.iter().filter(|spec| spec.owner.includes(seat)).collect();
    for name in given.keys() {
        match mine.iter().find(|spec| &spec.name == name) {
            None => return Err(WebError::params("bad_inputs", format!("this party provides no input `{name}`"))),
            Some(spec) if spec.typed => {
                return Err(WebError::params(
                    "bad_inputs",
                    format!("input `{name}` is typed by the participant; the page must not supply it"),
                ));
            }
            Some(_) => {}
        }
    }
    let inputs = mine
        .iter()
        .map(|spec| {
            let mut shown = json!({"name": spec.name, "description": describe_input(spec), "typed": spec.typed});
            if !spec.typed {
                let value =
                    given.get(&spec.name).ok_or_else(|| WebError::params("bad_inputs", format!("input `{}` is missing", spec.name)))?;
                shown["value"] = value.clone();
            }
            Ok(shown)
        })
        .collect::<Result<Vec<_>, WebError>>()?;
    let petnames: Vec<(&str, &str)> = request["known"]
        .as_object()
        .map(|known| known.iter().filter_map(|(fp, v)| Some((fp.as_str(), v["petname"].as_str()?))).collect())
        .unwrap_or_default();
    let names: Vec<(&str, &str)> = request["roster"]["parties"]
        .as_array()
        .map(|roster| roster.iter().filter_map(|p| Some((p["fingerprint"].as_str()?, p["name"].as_str()?))).collect())
        .unwrap_or_default();
    let parties: Vec<Json> = parties
        .iter()
        .enumerate()
        .map(|(index, &fp)| {
            let (petname, name) = (entry(&petnames, fp), entry(&names, fp));
            let changed = fp != me
                && name.is_some_and(|name| {
                    !petname.is_some_and(|p| same_name(p, name)) && petnames.iter().any(|&(other, p)| other != fp && same_name(p, name))
                });
            json!({"index": index, "fingerprint": fp, "petname": petname, "name": name, "you": fp == me, "changed": changed})
        })
        .collect();
    let disclosure: Json = serde_json::from_str(&approval_view(text("program"), plan.parties, threshold, Some(seat))?).unwrap_or_default();
    Ok(json!({"kind": "join", "threshold": threshold, "me": seat, "disclosure": disclosure, "parties": parties, "inputs": inputs})
        .to_string())
}

/// The value for `key` in a short list of pairs.
fn entry<'a>(table: &[(&str, &'a str)], key: &str) -> Option<&'a str> {
    table.iter().find(|(k, _)| *k == key).map(|&(_, v)| v)
}

/// Whether a petname and a roster name are the same name: equal but for
/// the case of Latin letters (ASCII and Latin-1, as in "Émilie" and
/// "émilie"). Full Unicode case folding would add its tables to the
/// WebAssembly; look-alike letters from other scripts are not caught either
/// way, so the approval shows every party's key as well.
fn same_name(a: &str, b: &str) -> bool {
    fn fold(c: char) -> char {
        match c {
            'A'..='Z' | 'À'..='Ö' | 'Ø'..='Þ' => char::from_u32(c as u32 + 32).unwrap_or(c),
            _ => c,
        }
    }
    a.chars().map(fold).eq(b.chars().map(fold))
}

/// The participant's settings (`{"signal", "iceServers", "iceTransportPolicy",
/// "fallbackMs"}`), checked: a signal server URL (as the signal client
/// reads it), ICE servers as WebRTC takes them, the policy `all` or
/// `relay`, and a fallback delay of 500 to 60,000 ms. Returns exactly
/// those fields.
pub fn check_settings(settings: &str) -> Result<String, WebError> {
    let s: Json = serde_json::from_str(settings).unwrap_or_default();
    let bad = |message: &str| WebError::params("bad_settings", message);
    let signal = s["signal"].as_str().ok_or_else(|| bad("the signal server is a ws:// or wss:// URL"))?;
    signal_auth::origin(signal).map_err(|e| bad(&e.to_string()))?;
    let ice =
        s["iceServers"].as_array().ok_or_else(|| bad("ICE servers are a JSON array of {\"urls\": […], \"username\"?, \"credential\"?}"))?;
    let url_list = |urls: &Json| urls.is_string() || urls.as_array().is_some_and(|u| u.iter().all(Json::is_string));
    if !ice.iter().all(|server| url_list(&server["urls"])) {
        return Err(bad("ICE servers are a JSON array of {\"urls\": […], \"username\"?, \"credential\"?}"));
    }
    let policy = s["iceTransportPolicy"]
        .as_str()
        .filter(|p| matches!(*p, "all" | "relay"))
        .ok_or_else(|| bad("the ICE transport policy is \"all\" or \"relay\""))?;
    // The options page's field gives text.
    let fallback = s["fallbackMs"].as_f64().or_else(|| cohort_text::parse_f64(s["fallbackMs"].as_str()?.trim()));
    let fallback = fallback.filter(|ms| (500.0..=60_000.0).contains(ms)).ok_or_else(|| bad("the fallback delay is 500 to 60000 ms"))?;
    Ok(json!({"signal": signal, "iceServers": ice, "iceTransportPolicy": policy, "fallbackMs": fallback}).to_string())
}

/// Whether two signal server URLs name the same server (scheme, host and
/// port, as the signal client authenticates to it); false if either is not
/// a signal server URL.
pub fn same_signal_server(a: &str, b: &str) -> bool {
    matches!((signal_auth::origin(a), signal_auth::origin(b)), (Ok(a), Ok(b)) if a == b)
}
