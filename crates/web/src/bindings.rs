//! The JavaScript interface (wasm-bindgen). Errors become exceptions whose
//! message is the Rust error's text; structured results are JSON text.

use std::rc::Rc;

use js_sys::{Function, Promise, Uint8Array};
use wasm_bindgen::prelude::*;

use crate::api;
use crate::host::{BenchConfig, Inbox, Links, PartyConfig, run_bench, run_party};

/// What a party runs: a program, or the engine's benchmark.
enum Job {
    Program(PartyConfig),
    Bench(BenchConfig),
}

#[wasm_bindgen]
extern "C" {
    /// `performance.now()`: milliseconds, sub-millisecond where the browser allows.
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    fn performance_now() -> f64;
}

fn js<T>(result: Result<T, String>) -> Result<T, JsError> {
    result.map_err(|e| JsError::new(&e))
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
pub fn generate_identity() -> Result<String, JsError> {
    js(api::generate_identity())
}

/// `{"key", "fingerprint"}` of a stored identity, as JSON.
#[wasm_bindgen(js_name = identityInfo)]
pub fn identity_info(secret: &str) -> Result<String, JsError> {
    js(api::identity_info(secret))
}

/// The `auth` message (JSON text) answering a signal server's challenge
/// nonce (hex), for the server reached at `server_url`.
#[wasm_bindgen(js_name = signChallenge)]
pub fn sign_challenge(secret: &str, nonce_hex: &str, server_url: &str) -> Result<String, JsError> {
    js(api::sign_challenge(secret, nonce_hex, server_url))
}

/// The identity encrypted under a passphrase.
#[wasm_bindgen(js_name = exportIdentity)]
pub fn export_identity(secret: &str, passphrase: &str) -> Result<String, JsError> {
    js(api::export_identity(secret, passphrase))
}

/// An exported identity, decrypted, in its storage form.
#[wasm_bindgen(js_name = importIdentity)]
pub fn import_identity(exported: &str, passphrase: &str) -> Result<String, JsError> {
    js(api::import_identity(exported, passphrase))
}

/// The fingerprint of a public key or fingerprint.
#[wasm_bindgen(js_name = parsePeer)]
pub fn parse_peer(text: &str) -> Result<String, JsError> {
    js(api::parse_peer(text))
}

/// A program's name, hash, party counts, canonical text and rendering, as JSON.
#[wasm_bindgen(js_name = checkProgram)]
pub fn check_program(source: &str) -> Result<String, JsError> {
    js(api::check_program(source))
}

/// The inputs party `me` of `m` provides, as JSON.
#[wasm_bindgen(js_name = partyInputs)]
pub fn party_inputs(source: &str, m: usize, me: usize) -> Result<String, JsError> {
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
    pub fn new(config: &str, secret: &str, send: Function, progress: Function) -> Result<Party, JsError> {
        let config = js(api::party_config(config))?;
        js(api::identity_info(secret))?;
        let inbox = Inbox::new(config.parties.len());
        Ok(Party { job: Rc::new(Job::Program(config)), secret: secret.to_string(), inbox, send, progress })
    }

    /// A benchmark party (the engine's workloads, as `cohort bench`) from its
    /// configuration (JSON); `run()` resolves to a JSON array of measurements.
    pub fn bench(config: &str, secret: &str, send: Function, progress: Function) -> Result<Party, JsError> {
        let config = js(api::bench_config(config))?;
        js(api::identity_info(secret))?;
        let inbox = Inbox::new(config.parties.len());
        Ok(Party { job: Rc::new(Job::Bench(config)), secret: secret.to_string(), inbox, send, progress })
    }

    /// A frame from party `from`.
    pub fn deliver(&self, from: usize, frame: &[u8]) {
        self.inbox.deliver(from, frame.to_vec());
    }

    /// Party `from` is gone; reading from it fails with `why`.
    #[wasm_bindgen(js_name = peerFailed)]
    pub fn peer_failed(&self, from: usize, why: String) {
        self.inbox.fail(from, why);
    }

    /// Ends the session with `why`.
    pub fn cancel(&self, why: &str) {
        self.inbox.fail_all(why);
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
            let identity = cohort_channel::Identity::from_file(&secret).map_err(|e| JsError::new(&e.to_string()))?;
            let links = Links::new(inbox, move |to: usize, msg: Vec<u8>| {
                send.call2(&JsValue::NULL, &JsValue::from(to), &Uint8Array::from(&msg[..]))
                    .map(drop)
                    .map_err(|e| cohort_mpc::Error::Transport(format!("sending to party {to} failed: {}", describe(&e))))
            });
            let report = |stage: crate::host::Stage| {
                let _ = progress.call1(&JsValue::NULL, &JsValue::from_str(stage.name()));
            };
            let done = match &*job {
                Job::Program(config) => run_party(config, &identity, links, report).await.map(|out| serde_json::to_string(&out)),
                Job::Bench(config) => {
                    run_bench(config, &identity, links, performance_now, report).await.map(|out| serde_json::to_string(&out))
                }
            };
            match done {
                Ok(json) => Ok(JsValue::from_str(&json.unwrap_or_default())),
                Err(e) => Err(JsError::new(&e).into()),
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
) -> Result<String, JsError> {
    js(api::new_session(source, parties, signal, roster_json.as_deref(), secret.as_deref()))
}

/// An invite's fields: `{"session", "program", "parties", "signal", "token",
/// "open", "roster"}` as JSON; errors start with a stable code (`bad_signature: …`).
#[wasm_bindgen(js_name = parseInvite)]
pub fn parse_invite(text: &str) -> Result<String, JsError> {
    js(api::parse_invite(text))
}

/// The benchmark room named `label`: `{"session", "token"}` as JSON.
#[wasm_bindgen(js_name = benchRoom)]
pub fn bench_room(label: &str) -> String {
    api::bench_room(label)
}

/// Checks party `me`'s inputs (JSON object) for a session of `m`; throws the reason.
#[wasm_bindgen(js_name = checkInputs)]
pub fn check_inputs(source: &str, m: usize, me: usize, inputs: &str) -> Result<(), JsError> {
    js(api::check_inputs(source, m, me, inputs))
}

/// What party `me` of `m` parties with threshold `t` is asked to approve
/// (the disclosure of every reveal, warnings, privacy), as JSON; `me`
/// undefined while the party's seat is not known.
#[wasm_bindgen(js_name = approvalView)]
pub fn approval_view(source: &str, m: usize, t: usize, me: Option<usize>) -> Result<String, JsError> {
    js(api::approval_view(source, m, t, me))
}

/// Checks one value (JSON) party `me` of `m` would give for input `name`; throws the reason.
#[wasm_bindgen(js_name = checkInput)]
pub fn check_input(source: &str, m: usize, me: usize, name: &str, value: &str) -> Result<(), JsError> {
    js(api::check_input(source, m, me, name, value))
}
