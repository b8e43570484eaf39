//! The JavaScript interface (wasm-bindgen). Errors become `Error` objects
//! with the [`WebError`]'s `code` (the page code), `reason` and message;
//! structured results and arguments are plain JavaScript objects (the Rust
//! side reads and writes them as JSON, within this module).

use std::rc::Rc;

use js_sys::{Function, Promise, Uint8Array};
use wasm_bindgen::prelude::*;

use core::time::Duration;

use cohort_channel::Fingerprint;
use cohort_signal::client::{ClientConfig, Event, Output, Seats, SignalClient, Transmit};
use cohort_transport::{TransportError, UNREAD_LIMIT as INBOX_LIMIT};

use crate::api::{self, BenchJob};
use crate::error::WebError;
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

/// A result of `api` (JSON text) as a JavaScript object.
fn object_of(result: Result<String, WebError>) -> Result<JsValue, JsValue> {
    let json = js(result)?;
    js_sys::JSON::parse(&json).map_err(|_| js_error(&WebError::new(crate::error::PageCode::SessionFailed, "internal", "unreadable JSON")))
}

/// A JavaScript value as JSON text for `api` (`undefined` as `null`).
fn json_of(value: &JsValue) -> Result<String, JsValue> {
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

/// A program's name, hash, party counts, canonical text and rendering, .
#[wasm_bindgen(js_name = checkProgram)]
pub fn check_program(source: &str) -> Result<JsValue, JsValue> {
    object_of(api::check_program(source))
}

/// The inputs party `me` of `m` provides, .
#[wasm_bindgen(js_name = partyInputs)]
pub fn party_inputs(source: &str, m: usize, me: usize) -> Result<JsValue, JsValue> {
    object_of(api::party_inputs(source, m, me))
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
    /// A party from its configuration (`{program, session, parties, me,
    /// threshold?, inputs}`), its identity (storage form),
    /// `send(peer, bytes)` and `progress(stage)`.
    #[wasm_bindgen(constructor)]
    pub fn new(config: JsValue, secret: &str, send: Function, progress: Function) -> Result<Party, JsValue> {
        let config = js(api::party_config(&json_of(&config)?))?.with_chunk(FRAME_CHUNK);
        js(api::identity_info(secret))?;
        let inbox = Inbox::new(config.meeting().parties.len(), INBOX_LIMIT);
        Ok(Party { job: Rc::new(Job::Program(config)), secret: secret.to_string(), inbox, send, progress })
    }

    /// A benchmark party (the engine's workloads, as `cohort bench`) from its
    /// configuration (`{session, parties, me, only?, runs?}`); `run()`
    /// resolves to an array of measurements.
    pub fn bench(config: JsValue, secret: &str, send: Function, progress: Function) -> Result<Party, JsValue> {
        let mut config = js(api::bench_config(&json_of(&config)?))?;
        config.meeting.chunk = Some(FRAME_CHUNK);
        js(api::identity_info(secret))?;
        let inbox = Inbox::new(config.meeting.parties.len(), INBOX_LIMIT);
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

    /// Runs the session; resolves to the outputs (`{NAME: value}`) or rejects with the error.
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
                Ok(json) => Ok(js_sys::JSON::parse(&json.unwrap_or_default()).unwrap_or(JsValue::NULL)),
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

/// The client side of the signal protocol ([`SignalClient`]), driven by the
/// offscreen document's WebSocket: it hands in what arrives and the time,
/// and carries out what [`SignalSession::poll`] returns.
#[wasm_bindgen]
pub struct SignalSession {
    client: SignalClient,
}

fn at(now_ms: f64) -> Duration {
    Duration::from_secs_f64(now_ms.max(0.0) / 1000.0)
}

fn object(kind: &str, fields: &[(&str, JsValue)]) -> JsValue {
    let o = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&o, &"type".into(), &kind.into());
    for (name, value) in fields {
        let _ = js_sys::Reflect::set(&o, &(*name).into(), value);
    }
    o.into()
}

/// A JSON value as a JavaScript value.
fn to_js(value: &serde_json::Value) -> JsValue {
    js_sys::JSON::parse(&value.to_string()).unwrap_or(JsValue::NULL)
}

#[wasm_bindgen]
impl SignalSession {
    /// A session with the signal server at `url` in room `room`, as the
    /// identity `secret`: `token` the invite's admission token (hex), and
    /// either `roster` (fingerprints in party order) or `size` (an open
    /// room); waits at most `lobby_ms` from `now_ms` for every party.
    #[wasm_bindgen(constructor)]
    #[allow(clippy::too_many_arguments)] // a constructor called from JavaScript with the session's fields
    pub fn new(
        url: &str,
        room: &str,
        token: Option<String>,
        roster: Option<Vec<String>>,
        size: usize,
        secret: &str,
        lobby_ms: f64,
        now_ms: f64,
    ) -> Result<SignalSession, JsValue> {
        let identity = js(cohort_channel::Identity::from_file(secret).map_err(WebError::from))?;
        let seats = match roster {
            Some(roster) => Seats::Listed(js(roster
                .iter()
                .map(|p| Fingerprint::parse(p).map_err(|e| WebError::params("bad_roster", format!("party `{p}`: {e}"))))
                .collect())?),
            None => Seats::Open(size),
        };
        let config =
            ClientConfig { url: url.to_string(), room: room.to_string(), token, seats, relay_only: false, lobby_timeout: at(lobby_ms) };
        Ok(SignalSession { client: js(SignalClient::new(config, identity, at(now_ms)).map_err(WebError::from))? })
    }

    /// A text frame from the server.
    pub fn text(&mut self, now_ms: f64, text: &str) {
        self.client.handle_text(at(now_ms), text);
    }

    /// A binary frame from the server.
    pub fn binary(&mut self, now_ms: f64, frame: &[u8]) {
        self.client.handle_binary(at(now_ms), frame);
    }

    /// The WebSocket closed (with the close frame's reason, if any).
    pub fn closed(&mut self, now_ms: f64, reason: Option<String>) {
        self.client.handle_close(at(now_ms), reason);
    }

    /// The WebSocket could not be opened.
    pub fn unreachable(&mut self, now_ms: f64, detail: String) {
        self.client.handle_unreachable(at(now_ms), detail);
    }

    /// The time asked for by a `timeout` output has come.
    pub fn timeout(&mut self, now_ms: f64) {
        self.client.handle_timeout(at(now_ms));
    }

    /// Relays a frame to party `to`.
    #[wasm_bindgen(js_name = sendFrame)]
    pub fn send_frame(&mut self, to: usize, frame: &[u8]) -> Result<(), JsValue> {
        js(self.client.send_frame(to, frame).map_err(WebError::from))
    }

    /// Sends WebRTC signaling (any JSON value) to party `to`.
    #[wasm_bindgen(js_name = sendSignal)]
    pub fn send_signal(&mut self, to: usize, data: JsValue) -> Result<(), JsValue> {
        let text = js_sys::JSON::stringify(&data).map(String::from).unwrap_or_default();
        let data = serde_json::from_str(&text).map_err(|e| js_error(&WebError::params("bad_signal", e.to_string())))?;
        js(self.client.send_signal(to, data).map_err(WebError::from))
    }

    /// Leaves: what is queued goes out, then the connection closes.
    pub fn leave(&mut self) {
        self.client.leave();
    }

    /// What to do next: `{type: "text", text}`, `{type: "binary", frame}`,
    /// `{type: "close"}`, `{type: "welcome", iceServers}`, `{type:
    /// "arrived", present, needed}`, `{type: "seated", parties, me}`,
    /// `{type: "signal", from, data}`, `{type: "frame", from, frame}`,
    /// `{type: "gone", party}`, `{type: "failed", error: {code, reason,
    /// message}}`, `{type: "timeout", at}` (ms) or `{type: "idle"}`.
    pub fn poll(&mut self, now_ms: f64) -> JsValue {
        match self.client.poll_output(at(now_ms)) {
            Output::Transmit(Transmit::Text(text)) => object("text", &[("text", text.into())]),
            Output::Transmit(Transmit::Binary(frame)) => object("binary", &[("frame", Uint8Array::from(&frame[..]).into())]),
            Output::Transmit(Transmit::Close) => object("close", &[]),
            Output::Event(Event::Welcome { ice_servers }) => {
                object("welcome", &[("iceServers", to_js(&serde_json::to_value(ice_servers).unwrap_or_default()))])
            }
            Output::Event(Event::Arrived { present, needed }) => {
                object("arrived", &[("present", present.into()), ("needed", needed.into())])
            }
            Output::Event(Event::Seated { parties, me }) => {
                let list: js_sys::Array = parties.iter().map(|p| JsValue::from(p.as_str())).collect();
                object("seated", &[("parties", list.into()), ("me", me.into())])
            }
            Output::Event(Event::Signal { from, data }) => object("signal", &[("from", from.into()), ("data", to_js(&data))]),
            Output::Event(Event::Frame { from, payload }) => {
                object("frame", &[("from", from.into()), ("frame", Uint8Array::from(&payload[..]).into())])
            }
            Output::Event(Event::PeerGone { party }) => object("gone", &[("party", party.into())]),
            Output::Event(Event::Failed(e)) => object("failed", &[("error", js_error(&e.into()))]),
            Output::Timeout(when) => object("timeout", &[("at", (when.as_secs_f64() * 1000.0).into())]),
            Output::Idle => object("idle", &[]),
        }
    }
}

/// What joining by `invite` with `program` means, checked before meeting
/// anyone ([`api::plan_join`]); throws `INVALID_PARAMS` or
/// `INVALID_PROGRAM` with the reason.
#[wasm_bindgen(js_name = planJoin)]
pub fn plan_join(invite: &str, program: &str) -> Result<JsValue, JsValue> {
    object_of(api::plan_join(invite, program))
}
