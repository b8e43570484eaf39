//! The JavaScript interface (wasm-bindgen). Errors become `Error` objects
//! with the [`WebError`]'s `code` (the page code), `reason` and message;
//! structured results and arguments are plain JavaScript objects (the Rust
//! side reads and writes them as JSON, within this module).

use wasm_bindgen::prelude::*;

use crate::api;
use crate::error::WebError;

#[wasm_bindgen]
extern "C" {
    /// `performance.now()`: milliseconds, sub-millisecond where the browser allows.
    #[cfg(feature = "bench")]
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    pub(crate) fn performance_now() -> f64;
}

/// A JavaScript `Error` carrying the page code and reason, and the
/// program's `line` and `column` (from 1) or the `party` (from 0) when the
/// error names one.
pub(crate) fn js_error(e: &WebError) -> JsValue {
    let error = js_sys::Error::new(&e.message);
    let _ = js_sys::Reflect::set(&error, &"code".into(), &e.code.number().into());
    let _ = js_sys::Reflect::set(&error, &"reason".into(), &e.reason.into());
    if let Some((line, column)) = e.position {
        let _ = js_sys::Reflect::set(&error, &"line".into(), &line.into());
        let _ = js_sys::Reflect::set(&error, &"column".into(), &column.into());
    }
    if let Some(party) = e.party {
        let _ = js_sys::Reflect::set(&error, &"party".into(), &(party as u32).into());
    }
    error.into()
}

pub(crate) fn js<T>(result: Result<T, WebError>) -> Result<T, JsValue> {
    result.map_err(|e| js_error(&e))
}

/// A JSON value as a JavaScript value.
pub(crate) fn to_js(value: &serde_json::Value) -> JsValue {
    js_sys::JSON::parse(&value.to_string()).unwrap_or(JsValue::NULL)
}

/// A result of `api` (JSON text) as a JavaScript object.
fn object_of(result: Result<String, WebError>) -> Result<JsValue, JsValue> {
    let json = js(result)?;
    js_sys::JSON::parse(&json).map_err(|_| js_error(&WebError::new(crate::error::PageCode::SessionFailed, "internal", "unreadable JSON")))
}

/// A JavaScript value as JSON text for `api` (`undefined` as `null`).
pub(crate) fn json_of(value: &JsValue) -> Result<String, JsValue> {
    if value.is_undefined() {
        return Ok("null".into());
    }
    js_sys::JSON::stringify(value)
        .map(String::from)
        .map_err(|_| js_error(&WebError::params("not_json", "a value that is not JSON (a cycle, or a BigInt)")))
}

/// The crate's version.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// A fresh identity in its storage form.
#[wasm_bindgen(js_name = generateIdentity)]
pub fn generate_identity() -> Result<String, JsValue> {
    js(api::generate_identity())
}

/// `{"key", "fingerprint"}` of a stored identity, .
#[wasm_bindgen(js_name = identityInfo)]
pub fn identity_info(secret: &str) -> Result<JsValue, JsValue> {
    object_of(api::identity_info(secret))
}

/// The fingerprint of a public key or fingerprint.
#[wasm_bindgen(js_name = parsePeer)]
pub fn parse_peer(text: &str) -> Result<String, JsValue> {
    js(api::parse_peer(text))
}

/// A program's name, hash, party counts, canonical text and rendering, .
#[wasm_bindgen(js_name = checkProgram)]
pub fn check_program(source: &str) -> Result<JsValue, JsValue> {
    object_of(api::check_program(source))
}

pub(crate) fn describe(e: &JsValue) -> String {
    use wasm_bindgen::JsCast;
    match e.as_string() {
        Some(text) => text,
        None => match e.dyn_ref::<js_sys::Error>() {
            Some(error) => String::from(error.message()),
            None => format!("{e:?}"),
        },
    }
}

/// A new session: `{session, invite, hash, name, open}`. With `roster`
/// (`[{party, name?}, …]`), a rostered invite signed
/// by the identity `secret` (storage form); without, an open one.
#[wasm_bindgen(js_name = newSession)]
pub fn new_session(source: &str, parties: usize, signal: &str, roster: JsValue, secret: Option<String>) -> Result<JsValue, JsValue> {
    let roster = if roster.is_undefined() || roster.is_null() { None } else { Some(json_of(&roster)?) };
    object_of(api::new_session(source, parties, signal, roster.as_deref(), secret.as_deref()))
}

/// The benchmark room named `label`: `{"session", "token"}` .
#[wasm_bindgen(js_name = benchRoom)]
pub fn bench_room(label: &str) -> JsValue {
    js_sys::JSON::parse(&api::bench_room(label)).unwrap_or(JsValue::NULL)
}

/// Checks party `me`'s inputs (`{NAME: value}`) for a session of `m`; throws the reason.
#[wasm_bindgen(js_name = checkInputs)]
pub fn check_inputs(source: &str, m: usize, me: usize, inputs: JsValue) -> Result<(), JsValue> {
    js(api::check_inputs(source, m, me, &json_of(&inputs)?))
}

/// What party `me` of `m` parties with threshold `t` is asked to approve
/// (the disclosure of every reveal, warnings, privacy),; `me`
/// undefined while the party's seat is not known.
#[wasm_bindgen(js_name = approvalView)]
pub fn approval_view(source: &str, m: usize, t: usize, me: Option<usize>) -> Result<JsValue, JsValue> {
    object_of(api::approval_view(source, m, t, me))
}

/// Checks one value party `me` of `m` would give for input `name`; throws the reason.
#[wasm_bindgen(js_name = checkInput)]
pub fn check_input(source: &str, m: usize, me: usize, name: &str, value: JsValue) -> Result<(), JsValue> {
    js(api::check_input(source, m, me, name, &json_of(&value)?))
}

/// The threshold of a session of `m` parties (the default, `(m − 1) / 2`);
/// throws `INVALID_PARAMS` (`no_privacy`) when it would be 0, as
/// [`cohort_party::threshold`] decides for every client.
#[wasm_bindgen(js_name = sessionThreshold)]
pub fn session_threshold(m: usize) -> Result<usize, JsValue> {
    js(cohort_party::threshold(m, None, false).map_err(WebError::from))
}

/// What joining by `invite` with `program` means, checked before meeting
/// anyone ([`api::plan_join`]); throws `INVALID_PARAMS` or
/// `INVALID_PROGRAM` with the reason.
#[wasm_bindgen(js_name = planJoin)]
pub fn plan_join(invite: &str, program: &str) -> Result<JsValue, JsValue> {
    object_of(api::plan_join(invite, program))
}

/// A page's request checked ([`crate::requests::page_request`]):
/// `{method, params}` with defaults; throws `UNSUPPORTED_METHOD` or
/// `INVALID_PARAMS`.
#[wasm_bindgen(js_name = pageRequest)]
pub fn page_request(method: JsValue, params: JsValue) -> Result<JsValue, JsValue> {
    let method = method.as_string().unwrap_or_default();
    object_of(crate::requests::page_request(&method, &json_of(&params)?))
}

/// What the full approval of a join shows, the page's inputs checked
/// ([`crate::requests::join_approval`]); throws `INVALID_PARAMS`.
#[wasm_bindgen(js_name = joinApproval)]
pub fn join_approval(request: JsValue) -> Result<JsValue, JsValue> {
    object_of(crate::requests::join_approval(&json_of(&request)?))
}

/// The participant's settings checked ([`crate::requests::check_settings`]); throws the reason.
#[wasm_bindgen(js_name = checkSettings)]
pub fn check_settings(settings: JsValue) -> Result<JsValue, JsValue> {
    object_of(crate::requests::check_settings(&json_of(&settings)?))
}

/// A page's `checkProgram` ([`api::page_check_program`]): `{name, hash,
/// parties: {min, max}, rendering, approval}`; throws `INVALID_PROGRAM`
/// (with `line` and `column` when the error is at a place) or `INVALID_PARAMS`.
#[wasm_bindgen(js_name = pageCheckProgram)]
pub fn page_check_program(source: &str, parties: Option<usize>) -> Result<JsValue, JsValue> {
    object_of(api::page_check_program(source, parties))
}

/// Checks that the page of `origin` may name the signal server `signal`
/// ([`crate::address::check_signal_for_page`]); throws `INVALID_PARAMS`
/// (`private_signal`) if a public page names a local one.
#[wasm_bindgen(js_name = checkSignalForPage)]
pub fn check_signal_for_page(origin: &str, signal: &str) -> Result<(), JsValue> {
    js(crate::address::check_signal_for_page(origin, signal))
}

/// The exact decimal text of each fixed-point output ([`api::exact_outputs`]): `{NAME: "1.5"}`.
#[wasm_bindgen(js_name = exactOutputs)]
pub fn exact_outputs(source: &str, m: usize, outputs: JsValue) -> Result<JsValue, JsValue> {
    object_of(api::exact_outputs(source, m, &json_of(&outputs)?))
}

/// Whether two signal server URLs name the same server.
#[wasm_bindgen(js_name = sameSignalServer)]
pub fn same_signal_server(a: &str, b: &str) -> bool {
    crate::requests::same_signal_server(a, b)
}

/// The engine's workloads with every party in this one thread over an
/// in-memory network (`cohort_mpc::bench::run_in_one_thread`): WebAssembly
/// compute alone, beside `cohort bench --in-process` natively. `only` as in
/// the benchmark's configuration (empty: all). Lines as `cohort bench
/// --json` prints them, with `"channels":"in_process"`.
#[cfg(feature = "bench")]
#[wasm_bindgen(js_name = benchInProcess)]
pub fn bench_in_process(parties: usize, only: Vec<String>, runs: usize) -> Result<JsValue, JsValue> {
    use cohort_mpc::bench::{WORKLOADS, run_in_one_thread};
    let bad = |message: String| js_error(&WebError::params("bad_config", message));
    if let Some(unknown) = only.iter().find(|o| !WORKLOADS.iter().any(|w| w.name == o.as_str())) {
        return Err(bad(format!("unknown workload `{unknown}`")));
    }
    if !(1..=cohort_mpc::MAX_PARTIES).contains(&parties) {
        return Err(bad(format!("{parties} parties")));
    }
    let workloads = WORKLOADS.iter().copied().filter(|w| only.is_empty() || only.iter().any(|o| o == w.name)).collect();
    let t = cohort_mpc::default_threshold(parties);
    let measured = run_in_one_thread(parties, t, workloads, runs.clamp(1, 100), performance_now)
        .map_err(|e| js_error(&WebError::from(cohort_party::PartyError::Engine(e))))?;
    let lines: Vec<serde_json::Value> = measured
        .iter()
        .map(|w| {
            serde_json::json!({
                "workload": w.workload.name, "n": w.workload.n, "ms": (w.ms * 1000.0).round() / 1000.0,
                "rounds": w.rounds, "bytes_sent": w.bytes_sent, "parties": parties, "threshold": t, "channels": "in_process",
            })
        })
        .collect();
    Ok(to_js(&serde_json::Value::Array(lines)))
}

/// How fast a channel seals and opens messages in WebAssembly
/// (`cohort_channel::timing`), one line per message size as `cargo run
/// --release -p cohort-channel --example throughput -- --json` prints them
/// natively, with `"where":"wasm"`.
#[cfg(feature = "bench")]
#[wasm_bindgen(js_name = benchChannelCrypto)]
pub fn bench_channel_crypto() -> Result<JsValue, JsValue> {
    use cohort_channel::timing::{SIZES, seal_and_open};
    let mut lines = Vec::new();
    for size in SIZES {
        // A fifth of the native example's volume: enough for a stable figure.
        let count = (40 << 20) / size.max(1 << 10);
        let ms = seal_and_open(size, count, performance_now).map_err(|e| js_error(&WebError::from(e)))?;
        let (us, mb_s) = (ms * 1e3 / count as f64, (size * count) as f64 / ms / 1e3);
        lines.push(serde_json::json!({
            "layer": "channel_crypto", "bytes": size, "us_per_message": (us * 100.0).round() / 100.0,
            "mb_per_s": mb_s.round(), "where": "wasm",
        }));
    }
    Ok(to_js(&serde_json::Value::Array(lines)))
}
