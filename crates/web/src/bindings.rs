//! The JavaScript interface (wasm-bindgen). Errors become `Error` objects
//! with the [`WebError`]'s `code` (the page code), `reason` and message;
//! structured results are JSON text.

use std::rc::Rc;

use js_sys::{Function, Promise, Uint8Array};
use wasm_bindgen::prelude::*;

use cohort_transport::TransportError;

use crate::api::{self, BenchJob};
use crate::error::{PageCode, WebError};
use crate::host::{FRAME_CHUNK, Inbox, Links, bench_lines};

/// What a party runs: a program, or the engine's benchmark.
enum Job {
    Program(cohort_party::Party),
    Bench(BenchJob),
}

#[wasm_bindgen]
extern "C" {
    /// `performance.now()`: milliseconds, sub-millisecond where the browser allows.
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    fn performance_now() -> f64;
}

/// A JavaScript `Error` carrying the page code and reason.
fn js_error(e: &WebError) -> JsValue {
    let error = js_sys::Error::new(&e.message);
    let _ = js_sys::Reflect::set(&error, &"code".into(), &e.code.number().into());
    let _ = js_sys::Reflect::set(&error, &"reason".into(), &e.reason.into());
    error.into()
}

fn js<T>(result: Result<T, WebError>) -> Result<T, JsValue> {
    result.map_err(|e| js_error(&e))
}

/// The page error codes by name (`{USER_REJECTED: 4001, …}`), defined once in Rust.
#[wasm_bindgen(js_name = pageErrorCodes)]
pub fn page_error_codes() -> JsValue {
    let codes = js_sys::Object::new();
    for code in PageCode::ALL {
        let _ = js_sys::Reflect::set(&codes, &code.name().into(), &code.number().into());
    }
    codes.into()
}

/// The crate's version.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// The default Shamir threshold for `m` parties,
/// [`cohort_mpc::default_threshold`]: `(m − 1) / 2`, which is 0 (no
/// privacy) for fewer than 3 parties. The extension asks here rather than
/// computing it itself.
#[wasm_bindgen(js_name = defaultThreshold)]
pub fn default_threshold(m: usize) -> usize {
    cohort_mpc::default_threshold(m)
}

/// A fresh identity in its storage form.
#[wasm_bindgen(js_name = generateIdentity)]
pub fn generate_identity() -> Result<String, JsValue> {
    js(api::generate_identity())
}

/// `{"key", "fingerprint"}` of a stored identity, as JSON.
#[wasm_bindgen(js_name = identityInfo)]
pub fn identity_info(secret: &str) -> Result<String, JsValue> {
    js(api::identity_info(secret))
}

/// The `auth` message (JSON text) answering a signal server's challenge
/// nonce (hex), for the server reached at `server_url`.
#[wasm_bindgen(js_name = signChallenge)]
pub fn sign_challenge(secret: &str, nonce_hex: &str, server_url: &str) -> Result<String, JsValue> {
    js(api::sign_challenge(secret, nonce_hex, server_url))
}

/// The identity encrypted under a passphrase.
#[wasm_bindgen(js_name = exportIdentity)]
pub fn export_identity(secret: &str, passphrase: &str) -> Result<String, JsValue> {
    js(api::export_identity(secret, passphrase))
}

/// An exported identity, decrypted, in its storage form.
#[wasm_bindgen(js_name = importIdentity)]
pub fn import_identity(exported: &str, passphrase: &str) -> Result<String, JsValue> {
    js(api::import_identity(exported, passphrase))
}

/// The fingerprint of a public key or fingerprint.
#[wasm_bindgen(js_name = parsePeer)]
pub fn parse_peer(text: &str) -> Result<String, JsValue> {
    js(api::parse_peer(text))
}

/// A program's name, hash, party counts, canonical text and rendering, as JSON.
#[wasm_bindgen(js_name = checkProgram)]
pub fn check_program(source: &str) -> Result<String, JsValue> {
    js(api::check_program(source))
}

/// The inputs party `me` of `m` provides, as JSON.
#[wasm_bindgen(js_name = partyInputs)]
pub fn party_inputs(source: &str, m: usize, me: usize) -> Result<String, JsValue> {
    js(api::party_inputs(source, m, me))
}

/// One party of a session. The page's network code delivers peers' frames
/// with `deliver`, reports lost peers with `peerFailed`, calls `stalled`
/// about once a second, and awaits `run()`.
#[wasm_bindgen]
pub struct Party {
    job: Rc<Job>,
    secret: String,
    inbox: Inbox,
    send: Function,
    progress: Function,
}

#[wasm_bindgen]
impl Party {
    /// A party from its configuration (JSON), its identity (storage form),
    /// `send(peer, bytes)` and `progress(stage)`.
    #[wasm_bindgen(constructor)]
    pub fn new(config: &str, secret: &str, send: Function, progress: Function) -> Result<Party, JsValue> {
        let config = js(api::party_config(config))?.with_chunk(FRAME_CHUNK);
        js(api::identity_info(secret))?;
        let inbox = Inbox::new(config.meeting().parties.len());
        Ok(Party { job: Rc::new(Job::Program(config)), secret: secret.to_string(), inbox, send, progress })
    }

    /// A benchmark party (the engine's workloads, as `cohort bench`) from its
    /// configuration (JSON); `run()` resolves to a JSON array of measurements.
    pub fn bench(config: &str, secret: &str, send: Function, progress: Function) -> Result<Party, JsValue> {
        let mut config = js(api::bench_config(config))?;
        config.meeting.chunk = Some(FRAME_CHUNK);
        js(api::identity_info(secret))?;
        let inbox = Inbox::new(config.meeting.parties.len());
        Ok(Party { job: Rc::new(Job::Bench(config)), secret: secret.to_string(), inbox, send, progress })
    }

    /// A frame from party `from`.
    pub fn deliver(&self, from: usize, frame: &[u8]) {
        self.inbox.deliver(from, frame.to_vec());
    }

    /// The path to party `from` closed (`why` says how); reading from it fails.
    #[wasm_bindgen(js_name = peerFailed)]
    pub fn peer_failed(&self, from: usize, why: String) {
        self.inbox.fail(from, TransportError::closed(why));
    }

    /// Party `from` left the session; reading from it fails.
    #[wasm_bindgen(js_name = peerGone)]
    pub fn peer_gone(&self, from: usize) {
        self.inbox.fail(from, TransportError::PeerGone { party: from });
    }

    /// Ends the session with `why`.
    pub fn cancel(&self, why: &str) {
        self.inbox.fail_all(&TransportError::closed(why));
    }

    /// The peer waited for longer than `timeout_ms` (its read then fails), if any.
    pub fn stalled(&self, now_ms: f64, timeout_ms: f64) -> Option<usize> {
        self.inbox.stalled(now_ms, timeout_ms)
    }

    /// Runs the session; resolves to the outputs (JSON) or rejects with the error.
    pub fn run(&self) -> Promise {
        let (job, secret, inbox) = (self.job.clone(), self.secret.clone(), self.inbox.clone());
        let (send, progress) = (self.send.clone(), self.progress.clone());
        wasm_bindgen_futures::future_to_promise(async move {
            let identity = cohort_channel::Identity::from_file(&secret).map_err(|e| js_error(&e.into()))?;
            let links = Links::new(inbox, move |to: usize, msg: Vec<u8>| {
                send.call2(&JsValue::NULL, &JsValue::from(to), &Uint8Array::from(&msg[..]))
                    .map(drop)
                    .map_err(|e| TransportError::io(format!("sending to party {to}"), describe(&e)))
            });
            let report = |stage: cohort_party::Stage| {
                let _ = progress.call1(&JsValue::NULL, &JsValue::from_str(stage.name()));
            };
            let done = match &*job {
                Job::Program(party) => {
                    cohort_party::run(party.clone(), &identity, links, report).await.map(|out| serde_json::to_string(&out))
                }
                Job::Bench(job) => {
                    cohort_party::bench(&job.meeting, &identity, links, job.workloads.clone(), job.runs, performance_now, report)
                        .await
                        .map(|measured| serde_json::to_string(&bench_lines(&job.meeting, &measured)))
                }
            };
            match done {
                Ok(json) => Ok(JsValue::from_str(&json.unwrap_or_default())),
                Err(e) => Err(js_error(&e.into())),
            }
        })
    }
}

fn describe(e: &JsValue) -> String {
    use wasm_bindgen::JsCast;
    match e.as_string() {
        Some(text) => text,
        None => match e.dyn_ref::<js_sys::Error>() {
            Some(error) => String::from(error.message()),
            None => format!("{e:?}"),
        },
    }
}

/// A new session: `{"session", "invite", "hash", "name", "open"}` as JSON.
/// With `roster_json` (`[{"party", "name"?}, …]`), a rostered invite signed
/// by the identity `secret` (storage form); without, an open one.
#[wasm_bindgen(js_name = newSession)]
pub fn new_session(
    source: &str,
    parties: usize,
    signal: &str,
    roster_json: Option<String>,
    secret: Option<String>,
) -> Result<String, JsValue> {
    js(api::new_session(source, parties, signal, roster_json.as_deref(), secret.as_deref()))
}

/// An invite's fields: `{"session", "program", "parties", "signal", "token",
/// "open", "roster"}` as JSON; errors' `reason` is a stable code (`bad_signature`, …).
#[wasm_bindgen(js_name = parseInvite)]
pub fn parse_invite(text: &str) -> Result<String, JsValue> {
    js(api::parse_invite(text))
}

/// The benchmark room named `label`: `{"session", "token"}` as JSON.
#[wasm_bindgen(js_name = benchRoom)]
pub fn bench_room(label: &str) -> String {
    api::bench_room(label)
}

/// Checks party `me`'s inputs (JSON object) for a session of `m`; throws the reason.
#[wasm_bindgen(js_name = checkInputs)]
pub fn check_inputs(source: &str, m: usize, me: usize, inputs: &str) -> Result<(), JsValue> {
    js(api::check_inputs(source, m, me, inputs))
}

/// What party `me` of `m` parties with threshold `t` is asked to approve
/// (the disclosure of every reveal, warnings, privacy), as JSON; `me`
/// undefined while the party's seat is not known.
#[wasm_bindgen(js_name = approvalView)]
pub fn approval_view(source: &str, m: usize, t: usize, me: Option<usize>) -> Result<String, JsValue> {
    js(api::approval_view(source, m, t, me))
}

/// Checks one value (JSON) party `me` of `m` would give for input `name`; throws the reason.
#[wasm_bindgen(js_name = checkInput)]
pub fn check_input(source: &str, m: usize, me: usize, name: &str, value: &str) -> Result<(), JsValue> {
    js(api::check_input(source, m, me, name, value))
}
