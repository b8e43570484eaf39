//! The attack mix (`--attack`), run during the measured window beside the
//! legitimate load, from loopback addresses 127.2.0.x (never a legitimate
//! client's), every part bounded in count and stopping by itself at the
//! window's end:
//!
//! ```text
//!  idle        IDLE_ADDRESSES addresses, each holding IDLE_PER_ADDRESS sockets (the server's
//!              default cap of 64, and 8 more that should be refused): half WebSockets that
//!              never authenticate, half TCP connections that never send a request; a dropped
//!              or refused one tries again
//!  nonreaders  `--attack-nonreaders` (4) rooms of two attacker identities: one stops reading
//!              while the other floods it with `--attack-frame`-byte (16 KiB) relay frames
//!              (at most FLOOD_FRAMES a round, at
//!              most 5,000 a second, under the rate limit) until the server cuts the reader off;
//!              then again, in a new room
//!  garbage     GARBAGE addresses, each opening a connection every GARBAGE_EVERY that misbehaves
//!              once, in turn: garbage text or binary before authenticating, a malformed relay
//!              frame or an unknown message after, an oversized text or binary frame, bytes that
//!              are not HTTP, a flood of pings over the rate limit
//!  rooms       CREATORS identities (one address) each trying to create CREATOR_ROOMS rooms of
//!              the most parties allowed (listed and open in turn), then holding them
//!  joins       JOINERS addresses, each trying every JOIN_EVERY to join a legitimate room: with
//!              its parties' list (not among them), with its own list, with one of the room's
//!              fingerprints swapped for its own, or with a token that is not the room's
//!  auths       AUTH_FLOODERS addresses, each authenticating a new connection every AUTH_EVERY
//!              (40 a second, twice the server's default limit per address)
//! ```
//!
//! The attack runs on a thread of its own; `cpu_percent` is that thread's
//! CPU time (user and system, the kernel's loopback work on its sends
//! included) over the attack, in % of one core: on a small machine it is
//! taken from the server too, as a remote attacker's would not be.
//!
//! The report counts, per part and as the attacker saw it, what was
//! opened or refused and how each socket ended: `closed:CODE` (the
//! server's error code, or its close frame's reason), `eof`, `reset`, or
//! `open_at_end` (still connected when the attack stopped).

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use cohort_channel::{AdmissionToken, Identity, signal_auth};
use cohort_signal::client::answer_challenge;
use cohort_signal::protocol::{ClientMessage, ErrorCode, Limits, ServerMessage, encode_relay};
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::time::{sleep, timeout, timeout_at};
use tungstenite::Message;

use crate::net::{self, Ws};

const IDLE_ADDRESSES: usize = 4;
const IDLE_PER_ADDRESS: usize = 64 + 8;
const FLOOD_FRAMES: usize = 4096;
const GARBAGE: usize = 4;
const GARBAGE_EVERY: Duration = Duration::from_millis(100);
const CREATORS: usize = 16;
const CREATOR_ROOMS: usize = 10;
const JOINERS: usize = 4;
const JOIN_EVERY: Duration = Duration::from_millis(50);
const AUTH_FLOODERS: usize = 2;
const AUTH_EVERY: Duration = Duration::from_millis(25);

/// How long the attacker waits for the server to end a connection it misbehaved on.
const PATIENCE: Duration = Duration::from_secs(3);

/// The server, and the legitimate rooms with their parties' fingerprints.
pub(crate) struct Target {
    pub(crate) url: String,
    pub(crate) server: SocketAddr,
    pub(crate) rooms: Vec<(String, Vec<String>)>,
}

/// Counts per part and outcome.
#[derive(Clone, Default)]
struct Tally(Arc<Mutex<BTreeMap<&'static str, BTreeMap<String, u64>>>>);

impl Tally {
    fn add(&self, part: &'static str, outcome: impl Into<String>, n: u64) {
        let mut counts = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        *counts.entry(part).or_default().entry(outcome.into()).or_default() += n;
    }
}

struct Attack {
    target: Target,
    origin: String,
    tally: Tally,
    /// When every part stops starting anything new.
    deadline: Instant,
}

/// The parts of the attack, as `--attack-parts` names them.
pub(crate) const PARTS: [&str; 6] = ["idle", "nonreaders", "garbage", "rooms", "joins", "auths"];

/// What the attack does (the flags of `examples/load`).
#[derive(Clone, Debug)]
pub(crate) struct Plan {
    /// Which of [`PARTS`].
    pub(crate) parts: Vec<String>,
    /// Non-reading clients at once, each flooded by a peer.
    pub(crate) nonreaders: usize,
    /// Bytes of payload in each frame of the flood.
    pub(crate) flood_frame: usize,
    /// Clock ticks per second, for the attack's own CPU time.
    pub(crate) clk_tck: f64,
}

/// Runs the attack until `deadline` (at most a few seconds more to wind
/// down); returns its counts as JSON.
pub(crate) async fn run(target: Target, plan: Plan, deadline: Instant) -> Value {
    let on = |part: &str| plan.parts.iter().any(|p| p == part);
    let started = Instant::now();
    // The attack runs on this thread alone (a current-thread runtime).
    let ticks = net::cpu_ticks("thread-self");
    let origin = signal_auth::origin(&target.url).expect("a ws:// URL");
    let attack = Arc::new(Attack { target, origin, tally: Tally::default(), deadline });
    let hard_stop = deadline + PATIENCE + Duration::from_secs(2);
    let mut tasks = Vec::new();
    let mut spawn = |part: std::pin::Pin<Box<dyn Future<Output = ()> + Send>>| {
        tasks.push(tokio::spawn(async move {
            let _ = timeout_at(hard_stop.into(), part).await;
        }));
    };
    for address in (0..IDLE_ADDRESSES).filter(|_| on("idle")) {
        for slot in 0..IDLE_PER_ADDRESS {
            spawn(Box::pin(idle(attack.clone(), address, slot)));
        }
    }
    for i in (0..plan.nonreaders).filter(|_| on("nonreaders")) {
        spawn(Box::pin(nonreader(attack.clone(), i, plan.flood_frame)));
    }
    for j in (0..GARBAGE).filter(|_| on("garbage")) {
        spawn(Box::pin(garbage(attack.clone(), j)));
    }
    // Other fingerprints to fill the created rooms with.
    let pool: Arc<Vec<String>> =
        Arc::new((1..Limits::default().max_parties).map(|_| Identity::generate().expect("randomness").fingerprint().to_string()).collect());
    for c in (0..CREATORS).filter(|_| on("rooms")) {
        spawn(Box::pin(creator(attack.clone(), c, pool.clone())));
    }
    for j in (0..JOINERS).filter(|_| on("joins")) {
        spawn(Box::pin(joiner(attack.clone(), j)));
    }
    for j in (0..AUTH_FLOODERS).filter(|_| on("auths")) {
        spawn(Box::pin(auth_flood(attack.clone(), j)));
    }
    for task in tasks {
        let _ = task.await;
    }
    let counts = attack.tally.0.lock().unwrap_or_else(PoisonError::into_inner).clone();
    let cpu = ticks
        .zip(net::cpu_ticks("thread-self"))
        .map(|(before, after)| round1(100.0 * after.saturating_sub(before) as f64 / plan.clk_tck / started.elapsed().as_secs_f64()));
    let mut report = json!({
        "seconds": round1(deadline.saturating_duration_since(started).as_secs_f64()),
        "parts": plan.parts,
        "cpu_percent": cpu,
    });
    for (part, outcomes) in counts {
        report[part] = json!(outcomes);
    }
    report
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

impl Attack {
    fn running(&self) -> bool {
        Instant::now() < self.deadline
    }

    fn left(&self) -> Duration {
        self.deadline.saturating_duration_since(Instant::now())
    }

    async fn websocket(&self, address: usize) -> Result<Ws, String> {
        net::websocket(&self.target.url, net::attack_address(address), self.target.server).await
    }

    /// A WebSocket from `address`, authenticated as `identity`.
    async fn authenticated(&self, address: usize, identity: &Identity) -> Result<Ws, String> {
        let mut ws = self.websocket(address).await?;
        let nonce = match next_message(&mut ws).await {
            Some(ServerMessage::Challenge { nonce, .. }) => nonce,
            _ => return Err("no_challenge".into()),
        };
        let auth = answer_challenge(identity, &self.origin, &nonce).ok_or("bad_challenge")?;
        send(&mut ws, &auth).await?;
        match next_message(&mut ws).await {
            Some(ServerMessage::Welcome { .. }) => Ok(ws),
            Some(ServerMessage::Error { code, .. }) => Err(format!("auth_refused:{code}")),
            _ => Err("no_welcome".into()),
        }
    }
}

/// Sends a protocol message.
async fn send(ws: &mut Ws, msg: &ClientMessage) -> Result<(), String> {
    let text = serde_json::to_string(msg).expect("client messages serialise");
    ws.send(Message::Text(text.into())).await.map_err(|e| net::handshake_failure(&e))
}

/// The next protocol message (skipping pings, pongs and relay frames), within [`PATIENCE`].
async fn next_message(ws: &mut Ws) -> Option<ServerMessage> {
    let read = async {
        loop {
            match ws.next().await? {
                Ok(Message::Text(text)) => return ServerMessage::from_json(&text).ok(),
                Ok(Message::Close(_)) | Err(_) => return None,
                Ok(_) => {}
            }
        }
    };
    timeout(PATIENCE, read).await.ok().flatten()
}

/// Reads until the server ends the connection, or `within` passes: how it
/// ended (`closed:CODE`, `eof`, `reset`, or `open_at_end`).
async fn ending(ws: &mut Ws, within: Duration) -> String {
    let read = async {
        let mut code: Option<ErrorCode> = None;
        loop {
            match ws.next().await {
                Some(Ok(Message::Text(text))) => {
                    if let Ok(ServerMessage::Error { code: c, .. }) = ServerMessage::from_json(&text)
                        && c.is_fatal()
                    {
                        code = Some(c);
                    }
                }
                Some(Ok(Message::Close(frame))) => {
                    let reason = frame.map(|f| f.reason.to_string()).filter(|r| !r.is_empty());
                    return match (code, reason) {
                        (Some(code), _) => format!("closed:{code}"),
                        (None, Some(reason)) => format!("closed:{reason}"),
                        (None, None) => "closed".to_string(),
                    };
                }
                Some(Ok(_)) => {}
                Some(Err(_)) => return code.map_or("reset".to_string(), |c| format!("closed:{c}")),
                None => return code.map_or("eof".to_string(), |c| format!("closed:{c}")),
            }
        }
    };
    timeout(within, read).await.unwrap_or_else(|_| "open_at_end".to_string())
}

/// Holds one slot of an address: a WebSocket that never authenticates
/// (even slots) or a TCP connection that never sends a request (odd slots).
async fn idle(attack: Arc<Attack>, address: usize, slot: usize) {
    let tally = &attack.tally;
    while attack.running() {
        let refused = if slot.is_multiple_of(2) {
            match attack.websocket(address).await {
                Ok(mut ws) => {
                    tally.add("idle", "held_websocket", 1);
                    tally.add("idle", format!("websocket:{}", ending(&mut ws, attack.left()).await), 1);
                    false
                }
                Err(why) => {
                    tally.add("idle", format!("websocket:{why}"), 1);
                    true
                }
            }
        } else {
            match net::tcp_from(net::attack_address(address), attack.target.server).await {
                Ok(mut tcp) => {
                    // A refusal comes at once; a held socket hears nothing until dropped.
                    let mut answer = [0u8; 64];
                    let first = timeout(Duration::from_millis(300), tcp.read(&mut answer)).await;
                    let refused = matches!(first, Ok(Ok(n)) if answer[..n].starts_with(b"HTTP/1.1 503"));
                    let outcome = match first {
                        _ if refused => "refused_503".to_string(),
                        Ok(Ok(0)) => "eof".into(),
                        Ok(Ok(_)) => "answered".into(),
                        Ok(Err(_)) => "reset".into(),
                        Err(_) => {
                            tally.add("idle", "held_tcp", 1);
                            match timeout(attack.left(), tcp.read(&mut answer)).await {
                                Ok(Ok(0)) => "eof".into(),
                                Ok(Ok(_)) => "answered".into(),
                                Ok(Err(_)) => "reset".into(),
                                Err(_) => "open_at_end".into(),
                            }
                        }
                    };
                    tally.add("idle", format!("tcp:{outcome}"), 1);
                    refused
                }
                Err(e) => {
                    tally.add("idle", format!("tcp:connect_failed:{:?}", e.kind()), 1);
                    true
                }
            }
        };
        if refused {
            sleep(Duration::from_secs(1).min(attack.left())).await;
        }
    }
}

/// Rounds of a reader that stops reading while its room's other party floods it.
async fn nonreader(attack: Arc<Attack>, i: usize, size: usize) {
    let (tally, address) = (&attack.tally, 10 + i);
    let mut round = 0;
    while attack.left() > Duration::from_secs(1) {
        round += 1;
        let (reader_id, flooder_id) = (Identity::generate().expect("randomness"), Identity::generate().expect("randomness"));
        let (reader_fp, flooder_fp) = (reader_id.fingerprint().to_string(), flooder_id.fingerprint().to_string());
        let (reader, flooder) = tokio::join!(attack.authenticated(address, &reader_id), attack.authenticated(address, &flooder_id));
        let (mut reader, mut flooder) = match (reader, flooder) {
            (Ok(r), Ok(f)) => (r, f),
            (Err(why), _) | (_, Err(why)) => {
                tally.add("nonreaders", format!("connect:{why}"), 1);
                sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        let room = format!("attack-nonreader-{i}-{round}");
        let join = ClientMessage::Join { room: room.clone(), token: None, parties: vec![reader_fp.clone(), flooder_fp], size: None };
        // The reader joins, then never reads again.
        if send(&mut reader, &join).await.is_err() || send(&mut flooder, &join).await.is_err() {
            tally.add("nonreaders", "join_failed", 1);
            continue;
        }
        let both_present = async {
            loop {
                match next_message(&mut flooder).await {
                    Some(ServerMessage::Joined { present, .. } | ServerMessage::Presence { present, .. }) if present.len() == 2 => {
                        return true;
                    }
                    Some(ServerMessage::Joined { .. } | ServerMessage::Presence { .. }) => {}
                    _ => return false,
                }
            }
        };
        if !both_present.await {
            tally.add("nonreaders", "not_seated", 1);
            continue;
        }
        tally.add("nonreaders", "rounds", 1);
        let frame = encode_relay(&room, &reader_fp, &vec![0xAA; size]).expect("a short room id");
        let (mut sent, mut cut_off) = (0, false);
        let mut tick = tokio::time::interval(Duration::from_millis(10));
        while sent < FLOOD_FRAMES && !cut_off && attack.running() {
            tokio::select! {
                _ = tick.tick() => {
                    for _ in 0..50 {
                        if flooder.feed(Message::Binary(frame.clone().into())).await.is_err() {
                            break;
                        }
                        sent += 1;
                    }
                    if flooder.flush().await.is_err() {
                        tally.add("nonreaders", "flooder_dropped", 1);
                        break;
                    }
                }
                incoming = flooder.next() => match incoming {
                    Some(Ok(Message::Text(text))) => match ServerMessage::from_json(&text) {
                        Ok(ServerMessage::Presence { present, .. }) if present.len() < 2 => cut_off = true,
                        Ok(ServerMessage::Error { code: ErrorCode::NotInRoom, .. }) => cut_off = true,
                        Ok(ServerMessage::Error { code, .. }) => {
                            tally.add("nonreaders", format!("flooder_refused:{code}"), 1);
                            break;
                        }
                        _ => {}
                    },
                    Some(Ok(_)) => {}
                    _ => {
                        tally.add("nonreaders", "flooder_dropped", 1);
                        break;
                    }
                },
            }
        }
        tally.add("nonreaders", "frames_sent", sent as u64);
        tally.add("nonreaders", format!("reader:{}", ending(&mut reader, PATIENCE).await), 1);
        let _ = timeout(Duration::from_secs(1), flooder.close(None)).await;
        sleep(Duration::from_millis(500)).await;
    }
}

/// One misbehaving connection every [`GARBAGE_EVERY`], a different misdeed each time.
async fn garbage(attack: Arc<Attack>, j: usize) {
    let (tally, address) = (&attack.tally, 20 + j);
    let max = Limits::default().max_message;
    let mut n = j;
    while attack.running() {
        n += 1;
        let next = Instant::now() + GARBAGE_EVERY;
        let identity = Identity::generate().expect("randomness");
        let (what, outcome) = match n % 8 {
            0 => ("text_before_auth", misbehave(&attack, address, None, vec![Message::Text("{\"type\":garbage".into())]).await),
            1 => ("binary_before_auth", misbehave(&attack, address, None, vec![Message::Binary(vec![1, 2, 3].into())]).await),
            2 => ("bad_relay_frame", misbehave(&attack, address, Some(&identity), vec![Message::Binary(vec![200, 1, 2].into())]).await),
            3 => {
                let msg = Message::Text(r#"{"type":"nonsense","room":"x"}"#.into());
                ("unknown_message", misbehave(&attack, address, Some(&identity), vec![msg]).await)
            }
            4 => ("oversized_text", misbehave(&attack, address, None, vec![Message::Text("x".repeat(max + 1).into())]).await),
            5 => {
                let frame = encode_relay("x", identity.fingerprint().as_str(), &vec![0; max + 1]).expect("short names");
                ("oversized_binary", misbehave(&attack, address, Some(&identity), vec![Message::Binary(frame.into())]).await)
            }
            6 => ("not_http", not_http(&attack, address).await),
            _ => {
                let pings = (0..Limits::default().max_rate as usize + 2000).map(|_| Message::Ping(Default::default())).collect();
                ("ping_flood", misbehave(&attack, address, Some(&identity), pings).await)
            }
        };
        tally.add("garbage", format!("{what}:{outcome}"), 1);
        tokio::time::sleep_until(next.into()).await;
    }
}

/// Opens a WebSocket (authenticated as `identity`, if given), sends `msgs`, and says how it ended.
async fn misbehave(attack: &Attack, address: usize, identity: Option<&Identity>, msgs: Vec<Message>) -> String {
    let ws = match identity {
        Some(identity) => attack.authenticated(address, identity).await,
        None => attack.websocket(address).await,
    };
    let mut ws = match ws {
        Ok(ws) => ws,
        Err(why) => return format!("not_connected:{why}"),
    };
    for msg in msgs {
        if ws.feed(msg).await.is_err() {
            break;
        }
    }
    let _ = ws.flush().await;
    ending(&mut ws, PATIENCE).await
}

/// Bytes that are not HTTP: the server's answer's status.
async fn not_http(attack: &Attack, address: usize) -> String {
    let Ok(mut tcp) = net::tcp_from(net::attack_address(address), attack.target.server).await else {
        return "not_connected".into();
    };
    let _ = tcp.write_all(b"\x16\x03\x01\x00\xa5garbage\r\n\r\n").await;
    let mut answer = Vec::new();
    match timeout(PATIENCE, tcp.read_to_end(&mut answer)).await {
        Ok(_) if answer.starts_with(b"HTTP/1.1 ") => format!("http_{}", String::from_utf8_lossy(&answer[9..answer.len().min(12)])),
        Ok(Ok(_)) => "eof".into(),
        Ok(Err(_)) => "reset".into(),
        Err(_) => "open_at_end".into(),
    }
}

/// One identity creating as many big rooms as it may (and one or two more), holding them.
async fn creator(attack: Arc<Attack>, c: usize, pool: Arc<Vec<String>>) {
    let tally = &attack.tally;
    let identity = Identity::generate().expect("randomness");
    let mut ws = match attack.authenticated(30, &identity).await {
        Ok(ws) => ws,
        Err(why) => return tally.add("rooms", format!("connect:{why}"), 1),
    };
    for k in 0..CREATOR_ROOMS {
        let join = if k.is_multiple_of(2) {
            let parties = std::iter::once(identity.fingerprint().to_string()).chain(pool.iter().cloned()).collect();
            ClientMessage::Join { room: format!("attack-fill-{c}-{k}"), token: None, parties, size: None }
        } else {
            let token = AdmissionToken::generate().expect("randomness");
            ClientMessage::Join { room: token.session(), token: Some(token.to_hex()), parties: Vec::new(), size: Some(pool.len() + 1) }
        };
        if send(&mut ws, &join).await.is_err() {
            return tally.add("rooms", "dropped", 1);
        }
        let outcome = match next_message(&mut ws).await {
            Some(ServerMessage::Joined { .. }) => "created".to_string(),
            Some(ServerMessage::Error { code, .. }) => format!("refused:{code}"),
            _ => "no_answer".into(),
        };
        tally.add("rooms", outcome, 1);
    }
    let held = ending(&mut ws, attack.left()).await;
    tally.add("rooms", format!("creator:{held}"), 1);
}

/// Joins of legitimate rooms that must all be refused.
async fn joiner(attack: Arc<Attack>, j: usize) {
    let (tally, rooms) = (&attack.tally, &attack.target.rooms);
    let mut n = j as u64 * 7919;
    while attack.running() && !rooms.is_empty() {
        let identity = Identity::generate().expect("randomness");
        let me = identity.fingerprint().to_string();
        let mut ws = match attack.authenticated(40 + j, &identity).await {
            Ok(ws) => ws,
            Err(why) => {
                tally.add("joins", format!("connect:{why}"), 1);
                sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        for _ in 0..10 {
            if !attack.running() {
                break;
            }
            n += 1;
            let (room, parties) = &rooms[(n.wrapping_mul(2_654_435_761) % rooms.len() as u64) as usize];
            let (what, join) = match n % 4 {
                0 => ("their_list", ClientMessage::Join { room: room.clone(), token: None, parties: parties.clone(), size: None }),
                1 => (
                    "own_list",
                    ClientMessage::Join { room: room.clone(), token: None, parties: vec![me.clone(), parties[0].clone()], size: None },
                ),
                2 => {
                    let mut swapped = parties.clone();
                    swapped[0] = me.clone();
                    ("swapped_fingerprint", ClientMessage::Join { room: room.clone(), token: None, parties: swapped, size: None })
                }
                _ => {
                    let token = AdmissionToken::generate().expect("randomness").to_hex();
                    (
                        "wrong_token",
                        ClientMessage::Join { room: room.clone(), token: Some(token), parties: Vec::new(), size: Some(parties.len()) },
                    )
                }
            };
            if send(&mut ws, &join).await.is_err() {
                tally.add("joins", "dropped", 1);
                break;
            }
            let outcome = match next_message(&mut ws).await {
                // Never expected: an attacker in a legitimate room.
                Some(ServerMessage::Joined { .. }) => "JOINED".to_string(),
                Some(ServerMessage::Error { code, .. }) => format!("refused:{code}"),
                _ => "no_answer".into(),
            };
            tally.add("joins", format!("{what}:{outcome}"), 1);
            sleep(JOIN_EVERY).await;
        }
        let _ = timeout(Duration::from_secs(1), ws.close(None)).await;
    }
}

/// New authenticated connections from one address, faster than the server allows.
async fn auth_flood(attack: Arc<Attack>, j: usize) {
    while attack.running() {
        let next = Instant::now() + AUTH_EVERY;
        let outcome = match attack.authenticated(50 + j, &Identity::generate().expect("randomness")).await {
            Ok(mut ws) => {
                let _ = timeout(Duration::from_secs(1), ws.close(None)).await;
                "welcome".to_string()
            }
            Err(why) => why,
        };
        attack.tally.add("auths", outcome, 1);
        tokio::time::sleep_until(next.into()).await;
    }
}
