//! The session host's WebAssembly module (`cohort_host.wasm`), on
//! `web-sys`, loaded only when a session runs: for each session it meets the other
//! parties at the signal server (a `WebSocket` driving the sans-IO
//! `SignalClient`), forms a mesh of WebRTC data channels, and runs the
//! party (`cohort_party`) over it. The offscreen document's JavaScript
//! only loads the module, forwards the background's commands and posts the
//! host's events back.
//!
//! Paths: for each peer, this party sends every frame one way, chosen
//! before the first frame: the data channel if it opens within the
//! fallback delay (`direct`, or `turn` when the selected candidate is a
//! TURN relay), else the signal server's relay (`relay`). It never
//! switches, so each direction stays in order; it accepts frames from either
//! path, so the two sides need not choose alike. Frames are the secure
//! channel's ciphertext either way.
//!
//! Events, each `{type, session, …}` passed to `emit`:
//! - `arrived` `{present, needed}`: parties at the signal server so far;
//! - `parties` `{parties}`: everyone is there, the fingerprints in party order;
//! - `approved` `{approved}`: how many parties are known to have approved
//!   the session and started connecting: this one once its `start` came (the
//!   participant approved), a peer from its first signal (WebRTC offer,
//!   answer or candidate, or a native party's relay notice) or frame, even
//!   one kept while this party was being approved; emitted when it changes;
//! - `stage` `{stage}`: `handshaking`, `agreeing`, `running`;
//! - `path` `{peer, path}`: `direct`, `turn` or `relay`, once per peer;
//! - `progress` `{roundsDone, roundsTotal}`: rounds of the computation done
//!   and its total, planned before the run (`null` if unknown; raised to
//!   `roundsDone` if the run takes more, as a shuffled sort may): first at
//!   the start of a program's run (`roundsDone` 0), then as rounds complete,
//!   at most 20 a second and one per whole percent, and last, before `done`,
//!   with `roundsDone` the rounds the run took and `roundsTotal` equal to it;
//! - `done` `{outputs}` or `failed` `{error: {code, reason, message}}`, last.

#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::rc::{Rc, Weak};

use cohort_channel::{Fingerprint, Identity};
use cohort_signal::client::{ClientConfig, Event, Output, Seats, SignalClient, Transmit};
use cohort_transport::{TransportError, UNREAD_LIMIT};
use js_sys::{Function, Reflect, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{
    BinaryType, CloseEvent, MessageEvent, RtcConfiguration, RtcDataChannel, RtcDataChannelInit, RtcDataChannelState, RtcPeerConnection,
    RtcPeerConnectionIceEvent, RtcSdpType, RtcSessionDescriptionInit, WebSocket,
};

use cohort_web::api;
use cohort_web::error::{PageCode, WebError};
#[cfg(feature = "bench")]
use cohort_web::host::bench_lines;
use cohort_web::host::{FRAME_CHUNK, Inbox, Links};
use cohort_web::js::{describe, js, js_error, json_of, to_js};
use cohort_web::progress::{Approvals, RoundsEvent, RoundsReport};

#[wasm_bindgen]
extern "C" {
    /// `performance.now()`: milliseconds, sub-millisecond where the browser allows.
    #[cfg(feature = "bench")]
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    fn performance_now() -> f64;

    /// The calls into this module that `extension/crossings.js` has
    /// counted (the benchmark build's session host); an error where
    /// nothing counts them.
    #[cfg(feature = "bench")]
    #[wasm_bindgen(catch, js_namespace = cohortCrossings, js_name = into)]
    fn crossings_into() -> Result<f64, JsValue>;

    /// The calls out of this module that `extension/crossings.js` has counted.
    #[cfg(feature = "bench")]
    #[wasm_bindgen(catch, js_namespace = cohortCrossings, js_name = out)]
    fn crossings_out() -> Result<f64, JsValue>;
}

/// The benchmark's meter: `performance.now()`, and the calls across this
/// module's boundary where `extension/crossings.js` counts them.
#[cfg(feature = "bench")]
fn bench_meter() -> cohort_mpc::bench::Meter {
    use cohort_mpc::bench::Crossings;
    fn crossings() -> Crossings {
        Crossings { into_wasm: crossings_into().unwrap_or(0.0) as u64, out_of_wasm: crossings_out().unwrap_or(0.0) as u64 }
    }
    let counted = crossings_into().is_ok();
    cohort_mpc::bench::Meter { clock: performance_now, crossings: counted.then_some(crossings as fn() -> Crossings) }
}

const STALL_BEFORE_RUNNING_MS: f64 = 300_000.0;
const STALL_RUNNING_MS: f64 = 60_000.0;
const NEGOTIATION_MS: i32 = 60_000;
/// How long a data channel that closed, or the signal server's word that a
/// party left, waits before it fails the running party: when a party
/// leaves, the peers that stop because of it close their channels and
/// leave in turn, so a peer may hear of them first (it may not be waiting
/// for the party that left: a round waits only for the peers that send to
/// it). Waiting lets the first departure be known, and named, rather than
/// a peer that stopped in turn ([`Inbox::closed`]).
const CLOSED_GRACE_MS: i32 = 1_500;
/// A data channel's send buffer: frames wait above HIGH until it drains below LOW.
const SEND_BUFFER_HIGH: u32 = 4 << 20;
const SEND_BUFFER_LOW: u32 = 1 << 20;
/// What peers may send before this party starts (it is still being approved).
const EARLY_LIMIT: usize = 1 << 20;

fn now() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

fn at(ms: f64) -> core::time::Duration {
    core::time::Duration::from_secs_f64(ms.max(0.0) / 1000.0)
}

fn set_timeout(f: &Closure<dyn FnMut()>, ms: i32) -> i32 {
    web_sys::window()
        .and_then(|w| w.set_timeout_with_callback_and_timeout_and_arguments_0(f.as_ref().unchecked_ref(), ms.max(0)).ok())
        .unwrap_or(0)
}

fn clear_timeout(id: i32) {
    if let Some(w) = web_sys::window() {
        w.clear_timeout_with_handle(id);
    }
}

fn get(o: &JsValue, key: &str) -> JsValue {
    Reflect::get(o, &key.into()).unwrap_or(JsValue::UNDEFINED)
}

fn set(o: &JsValue, key: &str, value: &JsValue) {
    let _ = Reflect::set(o, &key.into(), value);
}

fn event(kind: &str, session: &str) -> JsValue {
    let o: JsValue = js_sys::Object::new().into();
    set(&o, "type", &kind.into());
    set(&o, "session", &session.into());
    o
}

/// An error as the background stores it: `{code, reason, message, party?}`
/// (`party`: the index of the party it is about, one that left or went silent).
fn plain(e: &WebError) -> JsValue {
    let o: JsValue = js_sys::Object::new().into();
    set(&o, "code", &e.code.number().into());
    set(&o, "reason", &e.reason.into());
    set(&o, "message", &e.message.as_str().into());
    if let Some(party) = e.party {
        set(&o, "party", &(party as u32).into());
    }
    o
}

/// Which way frames to a peer go.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Path {
    Direct,
    Turn,
    Relay,
}

impl Path {
    fn name(self) -> &'static str {
        match self {
            Path::Direct => "direct",
            Path::Turn => "turn",
            Path::Relay => "relay",
        }
    }
}

struct Peer {
    pc: RtcPeerConnection,
    dc: RtcDataChannel,
    path: Option<Path>,
    /// Frames waiting for the path to be chosen.
    queue: Vec<Vec<u8>>,
    /// Frames waiting for the data channel's buffer to drain.
    backlog: VecDeque<Vec<u8>>,
    candidates: Vec<JsValue>,
    remote: bool,
    fallback: Option<i32>,
}

enum Early {
    Signal(JsValue),
    Frame(Vec<u8>),
}

struct State {
    id: String,
    emit: Function,
    signal: SignalClient,
    ws: Option<WebSocket>,
    timer: Option<i32>,
    secret: String,
    trust_server_ice: bool,
    ice_servers: JsValue,
    ice_policy: JsValue,
    fallback_ms: i32,
    bench: Option<JsValue>,
    me: usize,
    parties: Option<Vec<String>>,
    inbox: Option<Inbox>,
    /// The parties the signal server said left.
    left: Vec<usize>,
    running: bool,
    peers: Vec<Option<Peer>>,
    early: Vec<(usize, Early)>,
    early_bytes: usize,
    /// The run's `progress` events, once its program's party runs.
    rounds: Option<RoundsReport>,
    /// Who has approved, for the `approved` events.
    approvals: Approvals,
    ended: bool,
    /// Why it ended, if it failed before its party started.
    failure: Option<WebError>,
    /// Whether the WebSocket opened (an error before is "unreachable").
    opened: bool,
    watchdog: Option<i32>,
    /// The one callback that wakes the signal protocol at its timeout.
    pump_timer: Option<Closure<dyn FnMut()>>,
    /// The callbacks the browser holds, kept alive until the session ends.
    callbacks: Vec<Closure<dyn FnMut(JsValue)>>,
    timers: Vec<Closure<dyn FnMut()>>,
}

type Shared = Rc<RefCell<State>>;

impl State {
    fn emit(&self, event: &JsValue) {
        let _ = self.emit.call1(&JsValue::NULL, event);
    }
}

/// Keeps a callback alive with the session and returns it for the browser.
fn callback(s: &Shared, f: impl FnMut(JsValue) + 'static) -> Function {
    let closure = Closure::<dyn FnMut(JsValue)>::new(f);
    let function = closure.as_ref().unchecked_ref::<Function>().clone();
    s.borrow_mut().callbacks.push(closure);
    function
}

/// Runs `f` after `ms` milliseconds, if the session is still there.
fn after(s: &Shared, ms: i32, f: impl FnOnce(&Shared) + 'static) -> i32 {
    let weak = Rc::downgrade(s);
    let mut f = Some(f);
    let closure = Closure::<dyn FnMut()>::new(move || {
        if let (Some(s), Some(f)) = (weak.upgrade(), f.take()) {
            f(&s);
        }
    });
    let id = set_timeout(&closure, ms);
    s.borrow_mut().timers.push(closure);
    id
}

/// The sessions of one offscreen document.
#[wasm_bindgen]
pub struct SessionHost {
    emit: Function,
    sessions: RefCell<HashMap<String, Shared>>,
    /// Why recent sessions failed before starting, for a `start` that comes after.
    failed: RefCell<VecDeque<(String, WebError)>>,
}

#[wasm_bindgen]
impl SessionHost {
    /// A host that reports each session's events with `emit(event)`.
    #[wasm_bindgen(constructor)]
    pub fn new(emit: Function) -> SessionHost {
        SessionHost { emit, sessions: RefCell::new(HashMap::new()), failed: RefCell::new(VecDeque::new()) }
    }

    /// Meets the other parties: `{session, signal, m, token, roster?,
    /// secret, trustServerIce, iceServers, iceTransportPolicy, fallbackMs,
    /// lobbyMs, bench?}`.
    pub fn lobby(&self, command: JsValue) -> Result<(), JsValue> {
        self.forget_ended();
        let text = |k: &str| get(&command, k).as_string();
        let id = text("session").ok_or_else(|| bad("session"))?;
        if self.sessions.borrow().contains_key(&id) {
            return Err(js_error(&WebError::params("already_hosted", format!("session {id} is already running here"))));
        }
        let url = text("signal").ok_or_else(|| bad("signal"))?;
        let secret = text("secret").ok_or_else(|| bad("secret"))?;
        let roster = get(&command, "roster");
        let seats = if roster.is_null() || roster.is_undefined() {
            Seats::Open(get(&command, "m").as_f64().ok_or_else(|| bad("m"))? as usize)
        } else {
            let list: js_sys::Array = roster.dyn_into().map_err(|_| bad("roster"))?;
            let parties = list
                .iter()
                .map(|p| p.as_string().and_then(|p| Fingerprint::parse(&p).ok()))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| bad("roster"))?;
            Seats::Listed(parties)
        };
        let identity = Identity::from_file(&secret).map_err(|e| js_error(&e.into()))?;
        let config = ClientConfig {
            url,
            room: id.clone(),
            token: text("token"),
            seats,
            relay_only: false,
            lobby_timeout: at(get(&command, "lobbyMs").as_f64().unwrap_or(300_000.0)),
        };
        let signal = SignalClient::new(config, identity, at(now())).map_err(|e| js_error(&e.into()))?;
        // The room's own URL at the server (for servers sharded by room); the origin signed is the server's.
        let socket_url = signal.socket_url().to_string();
        let bench = Some(get(&command, "bench")).filter(|b| b.is_object());
        let state = State {
            id: id.clone(),
            emit: self.emit.clone(),
            signal,
            ws: None,
            timer: None,
            secret,
            trust_server_ice: get(&command, "trustServerIce").as_bool() == Some(true),
            ice_servers: Some(get(&command, "iceServers")).filter(js_sys::Array::is_array).unwrap_or_else(|| js_sys::Array::new().into()),
            ice_policy: get(&command, "iceTransportPolicy"),
            fallback_ms: get(&command, "fallbackMs").as_f64().unwrap_or(4000.0) as i32,
            bench,
            me: 0,
            parties: None,
            inbox: None,
            left: Vec::new(),
            running: false,
            peers: Vec::new(),
            early: Vec::new(),
            early_bytes: 0,
            rounds: None,
            approvals: Approvals::default(),
            ended: false,
            failure: None,
            opened: false,
            watchdog: None,
            pump_timer: None,
            callbacks: Vec::new(),
            timers: Vec::new(),
        };
        let s: Shared = Rc::new(RefCell::new(state));
        self.sessions.borrow_mut().insert(id, s.clone());
        open_socket(&s, &socket_url);
        pump(&s);
        Ok(())
    }

    /// Starts computing, once the parties are known: `config` as for `Party`.
    pub fn start(&self, session: &str, config: JsValue) -> Result<(), JsValue> {
        self.forget_ended();
        let s = self.sessions.borrow().get(session).cloned();
        match s {
            Some(s) if s.borrow().parties.is_some() => start(&s, &config),
            // It failed in the meantime (a party left): say why, with its code.
            _ => match self.failed.borrow().iter().find(|(id, _)| id == session) {
                Some((_, e)) => Err(js_error(e)),
                None => Err(js_error(&WebError::params("not_ready", format!("session {session} is not ready to start")))),
            },
        }
    }

    /// Ends a session (cancelled by the page, the participant or a restart).
    pub fn cancel(&self, session: &str, reason: &str) {
        let s = self.sessions.borrow_mut().remove(session);
        if let Some(s) = s {
            let inbox = s.borrow().inbox.clone();
            if let Some(inbox) = inbox {
                inbox.fail_all(&TransportError::closed(reason));
            }
            close(&s);
        }
    }

    /// The ids of the sessions this host computes.
    pub fn computing(&self) -> Vec<String> {
        self.forget_ended();
        self.sessions.borrow().values().filter(|s| s.borrow().inbox.is_some()).map(|s| s.borrow().id.clone()).collect()
    }

    /// How many sessions are waiting or running.
    pub fn active(&self) -> usize {
        self.forget_ended();
        self.sessions.borrow().len()
    }

    fn forget_ended(&self) {
        let mut failed = self.failed.borrow_mut();
        self.sessions.borrow_mut().retain(|id, s| {
            let s = s.borrow();
            if let (true, Some(e)) = (s.ended, &s.failure) {
                failed.push_back((id.clone(), e.clone()));
            }
            !s.ended
        });
        while failed.len() > 64 {
            failed.pop_front();
        }
    }
}

fn bad(field: &str) -> JsValue {
    js_error(&WebError::params("bad_command", format!("the host's command lacks a valid `{field}`")))
}

fn open_socket(s: &Shared, url: &str) {
    let ws = match WebSocket::new(url) {
        Ok(ws) => ws,
        Err(e) => {
            s.borrow_mut().signal.handle_unreachable(at(now()), describe(&e));
            return;
        }
    };
    ws.set_binary_type(BinaryType::Arraybuffer);
    let weak = Rc::downgrade(s);
    let on_message = callback(s, move |e: JsValue| {
        let Some(s) = weak.upgrade() else { return };
        let Ok(e) = e.dyn_into::<MessageEvent>() else { return };
        let data = e.data();
        if let Some(text) = data.as_string() {
            s.borrow_mut().signal.handle_text(at(now()), &text);
        } else {
            let bytes = Uint8Array::new(&data).to_vec();
            s.borrow_mut().signal.handle_binary(at(now()), &bytes);
        }
        pump(&s);
    });
    let weak = Rc::downgrade(s);
    let on_close = callback(s, move |e: JsValue| {
        let Some(s) = weak.upgrade() else { return };
        let reason = e.dyn_into::<CloseEvent>().ok().map(|e| e.reason());
        s.borrow_mut().signal.handle_close(at(now()), reason);
        pump(&s);
    });
    let weak = Rc::downgrade(s);
    let on_open = callback(s, move |_| {
        if let Some(s) = weak.upgrade() {
            s.borrow_mut().opened = true;
        }
    });
    let weak = Rc::downgrade(s);
    let on_error = callback(s, move |_| {
        let Some(s) = weak.upgrade() else { return };
        let opened = s.borrow().opened;
        if !opened {
            s.borrow_mut().signal.handle_unreachable(at(now()), "the connection failed".into());
        }
        pump(&s);
    });
    ws.set_onopen(Some(&on_open));
    ws.set_onmessage(Some(&on_message));
    ws.set_onclose(Some(&on_close));
    ws.set_onerror(Some(&on_error));
    s.borrow_mut().ws = Some(ws);
}

/// Carries out what the signal protocol asks, until it waits.
fn pump(s: &Shared) {
    loop {
        let out = s.borrow_mut().signal.poll_output(at(now()));
        match out {
            Output::Transmit(Transmit::Text(text)) => {
                let ws = s.borrow().ws.clone();
                if let Some(ws) = ws.filter(|ws| ws.ready_state() == WebSocket::OPEN) {
                    let _ = ws.send_with_str(&text);
                }
            }
            Output::Transmit(Transmit::Binary(frame)) => {
                let ws = s.borrow().ws.clone();
                if let Some(ws) = ws.filter(|ws| ws.ready_state() == WebSocket::OPEN) {
                    let _ = ws.send_with_u8_array(&frame);
                }
            }
            Output::Transmit(Transmit::Close) => {
                // Give the last frames a moment to leave before closing the socket.
                let ws = s.borrow().ws.clone();
                if let Some(ws) = ws {
                    let closer = Closure::<dyn FnMut()>::once(move || {
                        let _ = ws.close_with_code(1000);
                    });
                    set_timeout(&closer, 1000);
                    closer.forget();
                }
            }
            Output::Event(Event::Welcome { ice_servers }) => {
                let mut st = s.borrow_mut();
                // A page-chosen server's ICE servers are used only if the participant chose that server.
                if st.trust_server_ice && js_sys::Array::from(&st.ice_servers).length() == 0 {
                    st.ice_servers = to_js(&serde_json::to_value(ice_servers).unwrap_or_default());
                }
            }
            Output::Event(Event::Arrived { present, needed }) => {
                let st = s.borrow();
                let e = event("arrived", &st.id);
                set(&e, "present", &present.into());
                set(&e, "needed", &needed.into());
                st.emit(&e);
            }
            Output::Event(Event::Seated { parties, me }) => seated(s, parties.iter().map(|p| p.to_string()).collect(), me),
            Output::Event(Event::Signal { from, data }) => signalled(s, from, to_js(&data)),
            Output::Event(Event::Frame { from, payload }) => deliver(s, from, payload),
            Output::Event(Event::PeerGone { party }) => gone(s, party),
            Output::Event(Event::Failed(e)) => end(s, &e.into()),
            Output::Timeout(when) => {
                let old = s.borrow_mut().timer.take();
                if let Some(old) = old {
                    clear_timeout(old);
                }
                let wait = (when.as_secs_f64() * 1000.0 - now()).ceil() as i32;
                if s.borrow().pump_timer.is_none() {
                    let weak = Rc::downgrade(s);
                    let wake = Closure::<dyn FnMut()>::new(move || {
                        let Some(s) = weak.upgrade() else { return };
                        s.borrow_mut().timer = None;
                        s.borrow_mut().signal.handle_timeout(at(now()));
                        pump(&s);
                    });
                    s.borrow_mut().pump_timer = Some(wake);
                }
                let id = s.borrow().pump_timer.as_ref().map(|wake| set_timeout(wake, wait));
                s.borrow_mut().timer = id;
                return;
            }
            Output::Idle => return,
        }
    }
}

fn seated(s: &Shared, parties: Vec<String>, me: usize) {
    let bench = {
        let mut st = s.borrow_mut();
        st.parties = Some(parties.clone());
        st.me = me;
        let e = event("parties", &st.id);
        set(&e, "parties", &parties.iter().map(|p| JsValue::from(p.as_str())).collect::<js_sys::Array>().into());
        st.emit(&e);
        st.bench.clone()
    };
    // A benchmark needs no approval: it computes on made-up numbers.
    if let Some(bench) = bench {
        let id = s.borrow().id.clone();
        set(&bench, "session", &id.as_str().into());
        set(&bench, "parties", &parties.iter().map(|p| JsValue::from(p.as_str())).collect::<js_sys::Array>().into());
        set(&bench, "me", &me.into());
        if let Err(e) = start(s, &bench) {
            end(s, &WebError::new(PageCode::SessionFailed, "bench", describe(&e)));
        }
    }
}

/// Starts computing: the party, then paths to every peer.
fn start(s: &Shared, config: &JsValue) -> Result<(), JsValue> {
    let json = json_of(config)?;
    let (secret, bench) = {
        let st = s.borrow();
        (st.secret.clone(), st.bench.is_some())
    };
    let identity = Identity::from_file(&secret).map_err(|e| js_error(&e.into()))?;
    let m = s.borrow().parties.as_ref().map_or(0, Vec::len);
    // A program's party takes from each peer at most UNREAD_ROUNDS of the plan's
    // largest rounds; the benchmark's built-in workloads have no plan.
    let party = if bench { None } else { Some(js(api::party_config(&json))?.with_chunk(FRAME_CHUNK)) };
    let inbox = Inbox::new(m, party.as_ref().map_or(UNREAD_LIMIT, cohort_party::Party::unread_limit));
    let me = s.borrow().me;
    approve(s, me);
    let weak = Rc::downgrade(s);
    let links = Links::new(inbox.clone(), move |to: usize, msg: Vec<u8>| {
        if let Some(s) = weak.upgrade() {
            send(&s, to, msg);
        }
        Ok(())
    });
    let weak = Rc::downgrade(s);
    let progress = move |progress: cohort_party::Progress| {
        let Some(s) = weak.upgrade() else { return };
        match progress {
            cohort_party::Progress::Stage(stage) => {
                let mut st = s.borrow_mut();
                if stage == cohort_party::Stage::Running {
                    st.running = true;
                }
                let e = event("stage", &st.id);
                set(&e, "stage", &stage.name().into());
                st.emit(&e);
            }
            cohort_party::Progress::Rounds { done } => rounds_done(&s, done),
        }
    };
    let weak = Rc::downgrade(s);
    let done = move |outcome: Result<JsValue, WebError>| {
        let Some(s) = weak.upgrade() else { return };
        let id = s.borrow().id.clone();
        let e = match outcome {
            Ok(outputs) => {
                let last = s.borrow_mut().rounds.as_mut().map(|r| r.finish(r.done()));
                if let Some(last) = last {
                    emit_rounds(&s, last);
                }
                let e = event("done", &id);
                set(&e, "outputs", &outputs);
                e
            }
            Err(error) => {
                let e = event("failed", &id);
                set(&e, "error", &plain(&error));
                e
            }
        };
        finish(&s, &e);
    };
    if bench {
        #[cfg(not(feature = "bench"))]
        {
            let _ = (links, progress, done, identity);
            let message = "this build of the extension has no benchmark (scripts/build-extension --bench)";
            return Err(js_error(&WebError::params("no_benchmark", message)));
        }
        #[cfg(feature = "bench")]
        {
            let mut job = js(api::bench_config(&json))?;
            job.meeting.chunk = Some(FRAME_CHUNK);
            wasm_bindgen_futures::spawn_local(async move {
                let measured =
                    cohort_party::bench(&job.meeting, &identity, links, job.workloads.clone(), job.runs, bench_meter(), progress).await;
                done(measured.map(|m| to_js(&serde_json::Value::Array(bench_lines(&job.meeting, &m)))).map_err(WebError::from));
            });
        }
    } else if let Some(party) = party {
        let lost = inbox.clone();
        let weak = Rc::downgrade(s);
        wasm_bindgen_futures::spawn_local(async move {
            // The total before the run: a dry run of every party here (docs/engine.md).
            let total = party.planned_rounds().map(|p| p.rounds);
            if let Some(s) = weak.upgrade() {
                let (report, first) = RoundsReport::start(total, now());
                s.borrow_mut().rounds = Some(report);
                emit_rounds(&s, first);
            }
            let outputs = cohort_party::run(party, &identity, links, progress).await;
            done(outputs.map(|o| to_js(&serde_json::to_value(o).unwrap_or_default())).map_err(|e| {
                // A link that closed names no party in its error: the inbox knows whose it was.
                let e = WebError::from(e);
                match e.party {
                    Some(_) => e,
                    None => e.about_party(lost.first_lost()),
                }
            }));
        });
    }
    s.borrow_mut().inbox = Some(inbox.clone());
    let (m, me) = (s.borrow().parties.as_ref().map_or(0, Vec::len), s.borrow().me);
    s.borrow_mut().peers = (0..m).map(|_| None).collect();
    for j in (0..m).filter(|&j| j != me) {
        connect(s, j);
    }
    let early = std::mem::take(&mut s.borrow_mut().early);
    for (from, item) in early {
        match item {
            Early::Frame(frame) => inbox.deliver(from, frame),
            Early::Signal(data) => signalled(s, from, data),
        }
    }
    let weak = Rc::downgrade(s);
    let watchdog = Closure::<dyn FnMut()>::new(move || {
        let Some(s) = weak.upgrade() else { return };
        let (inbox, running) = (s.borrow().inbox.clone(), s.borrow().running);
        if let Some(inbox) = inbox {
            inbox.stalled(js_sys::Date::now(), if running { STALL_RUNNING_MS } else { STALL_BEFORE_RUNNING_MS });
        }
    });
    let id = web_sys::window()
        .and_then(|w| w.set_interval_with_callback_and_timeout_and_arguments_0(watchdog.as_ref().unchecked_ref(), 1000).ok());
    let mut st = s.borrow_mut();
    st.watchdog = id;
    st.timers.push(watchdog);
    Ok(())
}

/// `done` rounds have completed: a `progress` event
/// (`{type: 'progress', session, roundsDone, roundsTotal}`) if one is due
/// (see [`RoundsReport`]).
fn rounds_done(s: &Shared, done: u64) {
    let due = s.borrow_mut().rounds.as_mut().and_then(|r| r.rounds_done(done, now()));
    if let Some(e) = due {
        emit_rounds(s, e);
    }
}

/// Emits `{type: 'progress', session, roundsDone, roundsTotal}`, with
/// `roundsTotal` null when unknown.
fn emit_rounds(s: &Shared, rounds: RoundsEvent) {
    let st = s.borrow();
    let e = event("progress", &st.id);
    set(&e, "roundsDone", &(rounds.done as f64).into());
    set(&e, "roundsTotal", &rounds.total.map_or(JsValue::NULL, |t| (t as f64).into()));
    st.emit(&e);
}

/// Party `party` has approved the session and started connecting (this
/// party when its start arrived, a peer when its first signal or frame
/// did): `{type: 'approved', session, approved: N}` when N changes.
fn approve(s: &Shared, party: usize) {
    let changed = {
        let mut st = s.borrow_mut();
        let seated = st.parties.as_ref().is_some_and(|p| party < p.len());
        if seated { st.approvals.approve(party) } else { None }
    };
    if let Some(n) = changed {
        let st = s.borrow();
        let e = event("approved", &st.id);
        set(&e, "approved", &n.into());
        st.emit(&e);
    }
}

/// Keeps what a peer sends before the party starts, within [`EARLY_LIMIT`].
fn keep_early(s: &Shared, from: usize, item: Early, bytes: usize) {
    let over = {
        let mut st = s.borrow_mut();
        st.early_bytes += bytes;
        st.early_bytes > EARLY_LIMIT
    };
    if over {
        let message = format!("the other parties sent over {EARLY_LIMIT} bytes before this party started");
        return end(s, &WebError::new(PageCode::SessionFailed, "flooded", message));
    }
    s.borrow_mut().early.push((from, item));
}

fn deliver(s: &Shared, from: usize, frame: Vec<u8>) {
    approve(s, from);
    let inbox = s.borrow().inbox.clone();
    match inbox {
        Some(inbox) => inbox.deliver(from, frame),
        None => {
            let len = frame.len();
            keep_early(s, from, Early::Frame(frame), len);
        }
    }
}

fn connect(s: &Shared, j: usize) {
    let config = RtcConfiguration::new();
    {
        let st = s.borrow();
        set(&config, "iceServers", &st.ice_servers);
        if st.ice_policy.is_string() {
            set(&config, "iceTransportPolicy", &st.ice_policy);
        }
    }
    let Ok(pc) = RtcPeerConnection::new_with_configuration(&config) else {
        return lost(s, j, TransportError::io(format!("connecting to party {j}"), "no RTCPeerConnection"));
    };
    let init = RtcDataChannelInit::new();
    init.set_negotiated(true);
    init.set_id(0);
    init.set_ordered(true);
    let dc = pc.create_data_channel_with_data_channel_dict("cohort", &init);
    dc.set_binary_type(web_sys::RtcDataChannelType::Arraybuffer);
    dc.set_buffered_amount_low_threshold(SEND_BUFFER_LOW);
    let weak = Rc::downgrade(s);
    let on_candidate = callback(s, move |e: JsValue| {
        let Some(s) = weak.upgrade() else { return };
        let Some(candidate) = e.dyn_into::<RtcPeerConnectionIceEvent>().ok().and_then(|e| e.candidate()) else { return };
        let data: JsValue = js_sys::Object::new().into();
        set(&data, "kind", &"candidate".into());
        set(&data, "candidate", &candidate.to_json().into());
        send_signal(&s, j, &data);
    });
    pc.set_onicecandidate(Some(&on_candidate));
    let weak = Rc::downgrade(s);
    let on_message = callback(s, move |e: JsValue| {
        let Some(s) = weak.upgrade() else { return };
        let Ok(e) = e.dyn_into::<MessageEvent>() else { return };
        let frame = Uint8Array::new(&e.data()).to_vec();
        let inbox = s.borrow().inbox.clone();
        if let Some(inbox) = inbox {
            inbox.deliver(j, frame);
        }
    });
    dc.set_onmessage(Some(&on_message));
    let weak = Rc::downgrade(s);
    let on_low = callback(s, move |_| {
        if let Some(s) = weak.upgrade() {
            drain(&s, j);
        }
    });
    dc.set_onbufferedamountlow(Some(&on_low));
    let weak = Rc::downgrade(s);
    let pc_stats = pc.clone();
    let on_open = callback(s, move |_| {
        let Some(s) = weak.upgrade() else { return };
        let pc = pc_stats.clone();
        let weak = Rc::downgrade(&s);
        wasm_bindgen_futures::spawn_local(async move {
            let path = kind_of_path(&pc).await;
            if let Some(s) = weak.upgrade() {
                choose(&s, j, path);
            }
        });
    });
    dc.set_onopen(Some(&on_open));
    let weak = Rc::downgrade(s);
    let on_close = callback(s, move |_| {
        let Some(s) = weak.upgrade() else { return };
        let relay = s.borrow().peers.get(j).and_then(Option::as_ref).is_some_and(|p| p.path == Some(Path::Relay));
        if !relay {
            channel_closed(&s, j);
        }
    });
    dc.set_onclose(Some(&on_close));
    let fallback = after(s, NEGOTIATION_MS, move |s| choose(s, j, Path::Relay));
    let me = s.borrow().me;
    s.borrow_mut().peers[j] = Some(Peer {
        pc: pc.clone(),
        dc,
        path: None,
        queue: Vec::new(),
        backlog: VecDeque::new(),
        candidates: Vec::new(),
        remote: false,
        fallback: Some(fallback),
    });
    if me < j {
        let weak = Rc::downgrade(s);
        wasm_bindgen_futures::spawn_local(async move {
            let offered = async {
                let offer = wasm_bindgen_futures::JsFuture::from(pc.create_offer()).await?;
                wasm_bindgen_futures::JsFuture::from(pc.set_local_description(offer.unchecked_ref())).await?;
                Ok::<_, JsValue>(description(&pc))
            }
            .await;
            let Some(s) = weak.upgrade() else { return };
            match offered {
                Ok(sdp) => send_signal(&s, j, &signal_data("offer", &sdp)),
                Err(_) => choose(&s, j, Path::Relay),
            }
        });
    }
}

/// The local description as `{type, sdp}`.
fn description(pc: &RtcPeerConnection) -> JsValue {
    pc.local_description().map_or(JsValue::NULL, |d| d.to_json().into())
}

fn signal_data(kind: &str, sdp: &JsValue) -> JsValue {
    let data: JsValue = js_sys::Object::new().into();
    set(&data, "kind", &kind.into());
    set(&data, "sdp", sdp);
    data
}

/// `turn` if the selected candidate pair goes through a TURN relay, else
/// `direct`. The selected pair is the transport's `selectedCandidatePairId`
/// (Chromium), else the pair marked `selected` (Firefox), else the
/// nominated pair that succeeded: read just after the channel opened, the
/// nominated flag may not be set yet.
async fn kind_of_path(pc: &RtcPeerConnection) -> Path {
    let Ok(stats) = wasm_bindgen_futures::JsFuture::from(pc.get_stats()).await else { return Path::Direct };
    let stats: web_sys::RtcStatsReport = stats.unchecked_into();
    let reports: Vec<JsValue> = js_sys::try_iter(&stats.values()).ok().flatten().into_iter().flatten().flatten().collect();
    let kind = |r: &JsValue| get(r, "type").as_string();
    let pair_by_id = |id: String| stats.get(&id).map(JsValue::from).filter(|p| !p.is_undefined());
    let selected = reports
        .iter()
        .filter(|r| kind(r).as_deref() == Some("transport"))
        .find_map(|r| get(r, "selectedCandidatePairId").as_string().and_then(pair_by_id))
        .or_else(|| {
            let pairs = || reports.iter().filter(|r| kind(r).as_deref() == Some("candidate-pair"));
            pairs()
                .find(|r| get(r, "selected").as_bool() == Some(true))
                .or_else(|| {
                    pairs().find(|r| {
                        get(r, "nominated").as_bool() == Some(true) && get(r, "state").as_string().as_deref() == Some("succeeded")
                    })
                })
                .cloned()
        });
    let Some(pair) = selected else { return Path::Direct };
    let local: JsValue = stats.get(&get(&pair, "localCandidateId").as_string().unwrap_or_default()).map_or(JsValue::NULL, Into::into);
    if get(&local, "candidateType").as_string().as_deref() == Some("relay") { Path::Turn } else { Path::Direct }
}

fn choose(s: &Shared, j: usize, path: Path) {
    let queued = {
        let mut st = s.borrow_mut();
        if st.ended {
            return;
        }
        let Some(peer) = st.peers.get_mut(j).and_then(Option::as_mut) else { return };
        if peer.path.is_some() {
            return;
        }
        peer.path = Some(path);
        if let Some(f) = peer.fallback.take() {
            clear_timeout(f);
        }
        let queued = std::mem::take(&mut peer.queue);
        let e = event("path", &st.id);
        set(&e, "peer", &j.into());
        set(&e, "path", &path.name().into());
        st.emit(&e);
        queued
    };
    for frame in queued {
        transmit(s, j, frame);
    }
}

fn signalled(s: &Shared, from: usize, data: JsValue) {
    approve(s, from);
    if s.borrow().inbox.is_none() {
        let bytes = js_sys::JSON::stringify(&data).map(|t| t.length() as usize).unwrap_or(0);
        return keep_early(s, from, Early::Signal(data), bytes);
    }
    if !data.is_object() {
        return;
    }
    let kind = get(&data, "kind").as_string().unwrap_or_default();
    if kind == "relay" {
        return choose(s, from, Path::Relay);
    }
    let (pc, me) = {
        let st = s.borrow();
        let Some(peer) = st.peers.get(from).and_then(Option::as_ref) else { return };
        (peer.pc.clone(), st.me)
    };
    let weak = Rc::downgrade(s);
    wasm_bindgen_futures::spawn_local(async move {
        // Bad signaling from a peer (or the server) is ignored: the fallback timer moves it to the relay.
        let _ = handle_signal(weak, from, me, pc, kind, data).await;
    });
}

async fn handle_signal(
    weak: Weak<RefCell<State>>,
    from: usize,
    me: usize,
    pc: RtcPeerConnection,
    kind: String,
    data: JsValue,
) -> Result<(), JsValue> {
    use wasm_bindgen_futures::JsFuture;
    let remote_description = |kind: RtcSdpType| {
        let sdp = get(&get(&data, "sdp"), "sdp").as_string().unwrap_or_default();
        let init = RtcSessionDescriptionInit::new(kind);
        init.set_sdp(&sdp);
        init
    };
    match kind.as_str() {
        "offer" if me > from => {
            JsFuture::from(pc.set_remote_description(&remote_description(RtcSdpType::Offer))).await?;
            mark_remote(&weak, from);
            let answer = JsFuture::from(pc.create_answer()).await?;
            JsFuture::from(pc.set_local_description(answer.unchecked_ref())).await?;
            if let Some(s) = weak.upgrade() {
                send_signal(&s, from, &signal_data("answer", &description(&pc)));
                negotiating(&s, from);
            }
        }
        "answer" if me < from => {
            JsFuture::from(pc.set_remote_description(&remote_description(RtcSdpType::Answer))).await?;
            mark_remote(&weak, from);
            if let Some(s) = weak.upgrade() {
                negotiating(&s, from);
            }
        }
        "candidate" => {
            let candidate = get(&data, "candidate");
            let remote = weak.upgrade().is_some_and(|s| s.borrow().peers.get(from).and_then(Option::as_ref).is_some_and(|p| p.remote));
            if !remote {
                if let Some(s) = weak.upgrade()
                    && let Some(peer) = s.borrow_mut().peers.get_mut(from).and_then(Option::as_mut)
                {
                    peer.candidates.push(candidate);
                }
                return Ok(());
            }
            JsFuture::from(pc.add_ice_candidate_with_opt_rtc_ice_candidate_init(Some(candidate.unchecked_ref()))).await?;
        }
        _ => return Ok(()),
    }
    // Candidates that came before the remote description.
    let waiting = weak
        .upgrade()
        .map(|s| s.borrow_mut().peers.get_mut(from).and_then(Option::as_mut).map(|p| std::mem::take(&mut p.candidates)).unwrap_or_default())
        .unwrap_or_default();
    for candidate in waiting {
        JsFuture::from(pc.add_ice_candidate_with_opt_rtc_ice_candidate_init(Some(candidate.unchecked_ref()))).await?;
    }
    Ok(())
}

fn mark_remote(weak: &Weak<RefCell<State>>, j: usize) {
    if let Some(s) = weak.upgrade()
        && let Some(peer) = s.borrow_mut().peers.get_mut(j).and_then(Option::as_mut)
    {
        peer.remote = true;
    }
}

/// Both ends are negotiating: the direct path gets the fallback delay from now.
fn negotiating(s: &Shared, j: usize) {
    let (old, delay) = {
        let mut st = s.borrow_mut();
        let delay = st.fallback_ms;
        let Some(peer) = st.peers.get_mut(j).and_then(Option::as_mut) else { return };
        if peer.path.is_some() {
            return;
        }
        (peer.fallback.take(), delay)
    };
    if let Some(old) = old {
        clear_timeout(old);
    }
    let id = after(s, delay, move |s| choose(s, j, Path::Relay));
    if let Some(peer) = s.borrow_mut().peers.get_mut(j).and_then(Option::as_mut) {
        peer.fallback = Some(id);
    }
}

fn send_signal(s: &Shared, j: usize, data: &JsValue) {
    if s.borrow().ended {
        return;
    }
    let text = js_sys::JSON::stringify(data).map(String::from).unwrap_or_default();
    if let Ok(value) = serde_json::from_str(&text) {
        // A failure here is the session's, and comes out of pump() as its event.
        let _ = s.borrow_mut().signal.send_signal(j, value);
    }
    pump(s);
}

/// A frame from the party for peer `to`.
fn send(s: &Shared, to: usize, frame: Vec<u8>) {
    let path = {
        let mut st = s.borrow_mut();
        let Some(peer) = st.peers.get_mut(to).and_then(Option::as_mut) else { return };
        if peer.path.is_none() {
            peer.queue.push(frame);
            return;
        }
        peer.path
    };
    if path.is_some() {
        transmit(s, to, frame);
    }
}

fn transmit(s: &Shared, j: usize, frame: Vec<u8>) {
    let path = s.borrow().peers.get(j).and_then(Option::as_ref).and_then(|p| p.path);
    if path == Some(Path::Relay) {
        let sent = s.borrow_mut().signal.send_frame(j, &frame);
        if let Err(e) = sent {
            return end(s, &e.into());
        }
        return pump(s);
    }
    let closed = {
        let mut st = s.borrow_mut();
        let Some(peer) = st.peers.get_mut(j).and_then(Option::as_mut) else { return };
        if peer.dc.ready_state() != RtcDataChannelState::Open {
            true
        } else if !peer.backlog.is_empty() || peer.dc.buffered_amount() > SEND_BUFFER_HIGH {
            // Back-pressure: a data channel closes if its send buffer overflows,
            // so frames wait here until it drains (in order, behind the others).
            peer.backlog.push_back(frame);
            false
        } else {
            let _ = peer.dc.send_with_u8_array(&frame);
            false
        }
    };
    if closed {
        channel_closed(s, j);
    }
}

/// The data channel to peer `j` closed: after [`CLOSED_GRACE_MS`], reads
/// from `j` fail, naming the first party known to have failed by then
/// ([`Inbox::closed`]); before the party runs, the session ends.
fn channel_closed(s: &Shared, j: usize) {
    fail_after_grace(s, j);
}

/// The signal server says party `j` left: once the party runs, as
/// [`channel_closed`]; before it runs, the session ends at once.
fn gone(s: &Shared, j: usize) {
    s.borrow_mut().left.push(j);
    if s.borrow().inbox.is_none() {
        return lost(s, j, TransportError::PeerGone { party: j });
    }
    fail_after_grace(s, j);
}

/// After [`CLOSED_GRACE_MS`], reads from `j` fail with the first failure
/// known by then ([`Inbox::closed`]), else with "party `j` left" if the
/// signal server said so by then (a party that leaves closes its channels
/// too, often just before the server's word arrives), else with its
/// channel's close; if the party has not started by then, the session ends.
fn fail_after_grace(s: &Shared, j: usize) {
    after(s, CLOSED_GRACE_MS, move |s| {
        let why = if s.borrow().left.contains(&j) {
            TransportError::PeerGone { party: j }
        } else {
            TransportError::closed(format!("the connection to party {j} closed"))
        };
        let (ended, inbox) = (s.borrow().ended, s.borrow().inbox.clone());
        match inbox {
            Some(inbox) if !ended => inbox.closed(j, why),
            _ => lost(s, j, why),
        }
    });
}

/// Sends what waited for the data channel's buffer to drain.
fn drain(s: &Shared, j: usize) {
    let mut st = s.borrow_mut();
    let Some(peer) = st.peers.get_mut(j).and_then(Option::as_mut) else { return };
    while peer.dc.ready_state() == RtcDataChannelState::Open && peer.dc.buffered_amount() <= SEND_BUFFER_HIGH {
        let Some(frame) = peer.backlog.pop_front() else { break };
        let _ = peer.dc.send_with_u8_array(&frame);
    }
}

/// Peer `j` is gone: the running party reads `error` from it; before it runs, the session ends.
fn lost(s: &Shared, j: usize, error: TransportError) {
    let (ended, inbox) = (s.borrow().ended, s.borrow().inbox.clone());
    if ended {
        return;
    }
    match inbox {
        Some(inbox) => inbox.fail(j, error),
        None => end(s, &WebError::new(PageCode::PeerUnreachable, "peer_gone", format!("party {j} left the session")).about_party(Some(j))),
    }
}

/// Ends the session with `error`: the running party fails with it, or the session does.
fn end(s: &Shared, error: &WebError) {
    let (ended, inbox, id) = (s.borrow().ended, s.borrow().inbox.clone(), s.borrow().id.clone());
    if ended {
        return;
    }
    match inbox {
        Some(inbox) => inbox.fail_all(&TransportError::closed(error.message.clone())),
        None => {
            s.borrow_mut().failure = Some(error.clone());
            let e = event("failed", &id);
            set(&e, "error", &plain(error));
            finish(s, &e);
        }
    }
}

fn finish(s: &Shared, e: &JsValue) {
    if s.borrow().ended {
        return;
    }
    s.borrow().emit(e);
    close(s);
}

fn close(s: &Shared) {
    let (watchdog, timer, fallbacks, pcs, ws) = {
        let mut st = s.borrow_mut();
        st.ended = true;
        st.signal.leave();
        let fallbacks: Vec<i32> = st.peers.iter_mut().flatten().filter_map(|p| p.fallback.take()).collect();
        let pcs: Vec<RtcPeerConnection> = st.peers.iter().flatten().map(|p| p.pc.clone()).collect();
        (st.watchdog.take(), st.timer.take(), fallbacks, pcs, st.ws.clone())
    };
    if let (Some(w), Some(window)) = (watchdog, web_sys::window()) {
        window.clear_interval_with_handle(w);
    }
    for id in timer.into_iter().chain(fallbacks) {
        clear_timeout(id);
    }
    for pc in pcs {
        pc.close();
    }
    pump(s);
    if let Some(ws) = ws {
        ws.set_onmessage(None);
        ws.set_onerror(None);
    }
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
    let measured = run_in_one_thread(parties, t, workloads, runs.clamp(1, 100), cohort_mpc::bench::Meter::clock(performance_now))
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
