//! The extension's background module (`cohort_worker.wasm`): what the
//! service worker (Chrome) or event page (Firefox) computes with — fresh
//! identities, program checks and what an approval shows, invites and join
//! plans, page requests checked, settings checked. It holds no engine and
//! no network: those are the session host's module (`cohort-host`), loaded
//! only when a session runs, so the worker, which the browser stops and
//! restarts often, starts from a small module. The logic is
//! `cohort_web`'s, tested natively; these are its wasm-bindgen exports.
#![cfg(target_arch = "wasm32")]

use cohort_web::error::WebError;
use cohort_web::js::{js, json_of, object_of};
use cohort_web::{api, requests};
use wasm_bindgen::prelude::*;

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

/// `{"key", "fingerprint"}` of a stored identity.
#[wasm_bindgen(js_name = identityInfo)]
pub fn identity_info(secret: &str) -> Result<JsValue, JsValue> {
    object_of(api::identity_info(secret))
}

/// The fingerprint of a public key or fingerprint.
#[wasm_bindgen(js_name = parsePeer)]
pub fn parse_peer(text: &str) -> Result<String, JsValue> {
    js(api::parse_peer(text))
}

/// A program's name, hash, party counts, canonical text and rendering.
#[wasm_bindgen(js_name = checkProgram)]
pub fn check_program(source: &str) -> Result<JsValue, JsValue> {
    object_of(api::check_program(source))
}

/// A new session: `{session, invite, hash, name, open}`. With `roster`
/// (`[{party, name?}, …]`), a rostered invite signed
/// by the identity `secret` (storage form); without, an open one.
#[wasm_bindgen(js_name = newSession)]
pub fn new_session(source: &str, parties: usize, signal: &str, roster: JsValue, secret: Option<String>) -> Result<JsValue, JsValue> {
    let roster = if roster.is_undefined() || roster.is_null() { None } else { Some(json_of(&roster)?) };
    object_of(api::new_session(source, parties, signal, roster.as_deref(), secret.as_deref()))
}

/// The benchmark room named `label`: `{"session", "token"}`.
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
/// (the disclosure of every reveal, warnings, privacy); `me`
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

/// A page's request checked ([`requests::page_request`]):
/// `{method, params}` with defaults; throws `UNSUPPORTED_METHOD` or
/// `INVALID_PARAMS`.
#[wasm_bindgen(js_name = pageRequest)]
pub fn page_request(method: JsValue, params: JsValue) -> Result<JsValue, JsValue> {
    let method = method.as_string().unwrap_or_default();
    object_of(requests::page_request(&method, &json_of(&params)?))
}

/// The program planned for `parties` parties, in base64, for the session
/// host ([`api::planned_program`]); throws `INVALID_PROGRAM`.
#[wasm_bindgen(js_name = plannedProgram)]
pub fn planned_program(source: &str, parties: usize) -> Result<String, JsValue> {
    js(api::planned_program(source, parties))
}

/// What the full approval of a join shows, the page's inputs checked
/// ([`requests::join_approval`]); throws `INVALID_PARAMS`.
#[wasm_bindgen(js_name = joinApproval)]
pub fn join_approval(request: JsValue) -> Result<JsValue, JsValue> {
    object_of(requests::join_approval(&json_of(&request)?))
}

/// The participant's settings checked ([`requests::check_settings`]); throws the reason.
#[wasm_bindgen(js_name = checkSettings)]
pub fn check_settings(settings: JsValue) -> Result<JsValue, JsValue> {
    object_of(requests::check_settings(&json_of(&settings)?))
}

/// A page's `checkProgram` ([`api::page_check_program`]): `{name, hash,
/// parties: {min, max}, rendering, approval}`; throws `INVALID_PROGRAM`
/// (with `line` and `column` when the error is at a place) or `INVALID_PARAMS`.
#[wasm_bindgen(js_name = pageCheckProgram)]
pub fn page_check_program(source: &str, parties: Option<usize>) -> Result<JsValue, JsValue> {
    object_of(api::page_check_program(source, parties))
}

/// Checks that the page of `origin` may name the signal server `signal`
/// ([`cohort_web::address::check_signal_for_page`]); throws `INVALID_PARAMS`
/// (`private_signal`) if a public page names a local one.
#[wasm_bindgen(js_name = checkSignalForPage)]
pub fn check_signal_for_page(origin: &str, signal: &str) -> Result<(), JsValue> {
    js(cohort_web::address::check_signal_for_page(origin, signal))
}

/// The exact decimal text of each fixed-point output ([`api::exact_outputs`]): `{NAME: "1.5"}`.
#[wasm_bindgen(js_name = exactOutputs)]
pub fn exact_outputs(source: &str, m: usize, outputs: JsValue) -> Result<JsValue, JsValue> {
    object_of(api::exact_outputs(source, m, &json_of(&outputs)?))
}

/// Whether two signal server URLs name the same server.
#[wasm_bindgen(js_name = sameSignalServer)]
pub fn same_signal_server(a: &str, b: &str) -> bool {
    requests::same_signal_server(a, b)
}
