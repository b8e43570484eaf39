//! One TCP connection, over TLS when the server has a certificate: a plain
//! HTTP request (the health endpoint) or a WebSocket session — challenge, authentication, then requests to the hub.
//!
//! A session is two tasks: the reader (this connection's requests, limits
//! and idle timeout) and the writer (the bounded outgoing queue and the
//! heartbeat). Either ends the session through one `watch` cell holding why
//! it ended; the writer then sends a fatal error and a close, and the reader
//! closes the TCP connection gracefully.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use cohort_channel::{PublicKey, signal_auth};
use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::{mpsc, watch};
use tokio::time::{Instant, MissedTickBehavior, interval_at, sleep_until, timeout};
use tokio_tungstenite::WebSocketStream;
use tungstenite::Error as WsError;
use tungstenite::Message;
use tungstenite::protocol::WebSocketConfig;
use tungstenite::protocol::frame::CloseFrame;
use tungstenite::protocol::frame::coding::CloseCode;

use super::Shared;
use super::budget::{Account, Overflow, Ticket};
use super::hub::{self, Admission, ConnId, Joined, Outgoing, Peer, Refusal, Rejected};
use super::metrics;
use super::rate::{Bucket, Throttle};
use super::site;
use super::stream::{Io, Rewind};
use crate::protocol::{ClientMessage, ErrorCode, SERVER_NAME, ServerMessage};

type Ws = WebSocketStream<Rewind>;

/// How long a goodbye (an error, a close, draining the socket) may take.
const FAREWELL: Duration = Duration::from_secs(1);
/// How much of a request head is examined before the WebSocket handshake.
const HEAD_LIMIT: usize = 8192;
/// The WebSocket's read buffer, bytes: small, since most of a session's
/// messages are, and a client costs its buffers for as long as it stays.
/// (tungstenite grows it for a larger frame.)
const READ_BUFFER: usize = 4096;
/// Queued messages written to the socket at once, before a flush.
const WRITE_BATCH: usize = 32;

/// Why a session ended.
#[derive(Clone, Debug)]
pub(super) enum End {
    /// The client closed, or the connection broke (why, for the log).
    Closed(String),
    /// A fatal error, sent to the client before closing.
    Error(ErrorCode, String),
}

/// A message in a session's outgoing queue, holding its bytes' [`Ticket`].
pub(super) struct Queued {
    msg: Message,
    /// When a relay frame arrived (for the latency metric).
    relayed_at: Option<Instant>,
    _ticket: Option<Ticket>,
}

/// The hub's way to a session: its outgoing queue and its end.
pub(super) struct Link {
    out: mpsc::Sender<Queued>,
    account: Arc<Account>,
    end: Arc<watch::Sender<Option<End>>>,
}

impl Peer for Link {
    fn send(&self, msg: Outgoing) -> Result<(), Rejected> {
        let len = match &msg {
            Outgoing::Text(t) => t.len(),
            Outgoing::Binary(b) => b.len(),
        };
        let permit = match self.out.try_reserve() {
            Ok(permit) => permit,
            Err(mpsc::error::TrySendError::Full(())) => return Err(Rejected(Overflow::Messages, msg)),
            // A closed queue means the session is ending anyway.
            Err(mpsc::error::TrySendError::Closed(())) => return Ok(()),
        };
        let ticket = match self.account.reserve(len) {
            Ok(Some(ticket)) => ticket,
            Ok(None) => return Ok(()),
            Err(why) => return Err(Rejected(why, msg)),
        };
        let (msg, relayed_at) = match msg {
            Outgoing::Text(t) => (Message::text(t), None),
            Outgoing::Binary(b) => (Message::binary(b), Some(Instant::now())),
        };
        permit.send(Queued { msg, relayed_at, _ticket: Some(ticket) });
        Ok(())
    }

    fn queued(&self) -> usize {
        self.account.queued()
    }

    fn end(&self, code: ErrorCode, message: String) {
        if code == ErrorCode::QueueFull {
            // The queue is dropped unsent: it stops counting at once.
            self.account.release();
        }
        finish(&self.end, End::Error(code, message));
    }
}

/// Records why the session ended, unless it already has.
fn finish(end: &watch::Sender<Option<End>>, why: End) {
    end.send_if_modified(|cell| {
        let first = cell.is_none();
        if first {
            *cell = Some(why);
        }
        first
    });
}

/// Serves one accepted TCP connection. Until it is a WebSocket session,
/// the server stopping (`stopped` turning true) simply drops it.
pub(super) async fn handle(shared: Arc<Shared>, stream: TcpStream, peer: SocketAddr, mut stopped: watch::Receiver<bool>) {
    let ws = tokio::select! {
        ws = open(&shared, stream, peer) => ws,
        _ = stopped.wait_for(|stop| *stop) => None,
    };
    if let Some(ws) = ws {
        session(shared, ws, peer).await;
    }
}

/// Completes the TLS handshake (when the server has a certificate), then
/// answers a plain HTTP request or completes the WebSocket handshake.
async fn open(shared: &Shared, stream: TcpStream, peer: SocketAddr) -> Option<Ws> {
    let limits = &shared.limits;
    let patience = Duration::from_secs(limits.idle_timeout_secs.min(10));
    let mut io: Box<dyn Io> = match &shared.tls {
        None => Box::new(stream),
        Some(acceptor) => match timeout(patience, acceptor.accept(stream)).await {
            Ok(Ok(tls)) => Box::new(tls),
            Ok(Err(e)) => {
                shared.log.event("tls_failed", json!({"peer": peer.to_string(), "reason": e.to_string()}));
                return None;
            }
            Err(_) => {
                shared.log.event("tls_failed", json!({"peer": peer.to_string(), "reason": "timed out"}));
                return None;
            }
        },
    };
    let (request, head) = match timeout(patience, read_head(&mut io)).await {
        Ok(Ok(read)) => read,
        Ok(Err(_)) | Err(_) => return None,
    };
    let stream = Rewind::new(head, io);
    match request {
        Request::Upgrade => {}
        Request::Health => {
            let (rooms, clients) = {
                let hub = shared.hub();
                (hub.rooms(), hub.clients())
            };
            let status = if shared.budget.busy() { "busy" } else { "ok" };
            let body = json!({"status": status, "rooms": rooms, "clients": clients}).to_string();
            respond(stream, "200 OK", "application/json", &body).await;
            return None;
        }
        Request::Metrics => {
            let body = shared.metrics.render(shared.snapshot());
            respond(stream, "200 OK", metrics::CONTENT_TYPE, &body).await;
            return None;
        }
        Request::Get(path) => {
            if let Some(asset) = shared.site.as_ref().and_then(|site| site.get(&path)) {
                respond_with(stream, &site::response(asset)).await;
                return None;
            }
            let status = "404 Not Found";
            shared.log.event("http_refused", json!({"peer": peer.to_string(), "status": status}));
            respond(stream, status, "text/plain", "cohort-signal: connect with a WebSocket, or GET /health\n").await;
            return None;
        }
        Request::Other(status) => {
            shared.log.event("http_refused", json!({"peer": peer.to_string(), "status": status}));
            respond(stream, status, "text/plain", "cohort-signal: connect with a WebSocket, or GET /health\n").await;
            return None;
        }
    }
    let config = WebSocketConfig::default()
        .max_message_size(Some(limits.max_message))
        .max_frame_size(Some(limits.max_message))
        .read_buffer_size(READ_BUFFER)
        .write_buffer_size(0);
    let reason = match timeout(patience, tokio_tungstenite::accept_async_with_config(stream, Some(config))).await {
        Ok(Ok(ws)) => return Some(ws),
        Ok(Err(e)) => e.to_string(),
        Err(_) => "timed out".to_string(),
    };
    shared.log.event("handshake_failed", json!({"peer": peer.to_string(), "reason": reason}));
    None
}

/// What a connection asks for, judged from its request head.
#[derive(Debug, PartialEq, Eq)]
enum Request {
    /// A WebSocket handshake (or something the handshake should judge).
    Upgrade,
    /// `GET /health`.
    Health,
    /// `GET /metrics`.
    Metrics,
    /// `GET` of another path: a file of the site, if the server has one.
    Get(String),
    /// Any other HTTP request: answered with this status.
    Other(&'static str),
}

/// Reads the request head (up to [`HEAD_LIMIT`] bytes) and judges it. The
/// bytes read are returned, to be read again by the WebSocket handshake.
async fn read_head(io: &mut Box<dyn Io>) -> std::io::Result<(Request, Vec<u8>)> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 2048];
    loop {
        let want = chunk.len().min(HEAD_LIMIT - buf.len());
        let n = io.read(&mut chunk[..want]).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        // The end of the head may straddle two reads.
        let from = buf.len().saturating_sub(3);
        buf.extend_from_slice(&chunk[..n]);
        if let Some(end) = buf[from..].windows(4).position(|w| w == b"\r\n\r\n") {
            return Ok((parse_head(&buf[..from + end]), buf));
        }
        if buf.len() == HEAD_LIMIT {
            return Ok((Request::Upgrade, buf));
        }
    }
}

fn parse_head(head: &[u8]) -> Request {
    let text = String::from_utf8_lossy(head);
    let mut lines = text.split("\r\n");
    let request: Vec<&str> = lines.next().unwrap_or_default().split(' ').collect();
    if lines.any(|line| line.split_once(':').is_some_and(|(name, _)| name.trim().eq_ignore_ascii_case("upgrade"))) {
        return Request::Upgrade;
    }
    match request[..] {
        ["GET", target, version] if version.starts_with("HTTP/1.") => {
            let path = target.split_once('?').map_or(target, |(path, _)| path);
            if path == "/health" {
                Request::Health
            } else if path == "/metrics" {
                Request::Metrics
            } else {
                Request::Get(path.to_string())
            }
        }
        [method, _, version] if version.starts_with("HTTP/1.") && method.bytes().all(|b| b.is_ascii_uppercase()) => {
            Request::Other("404 Not Found")
        }
        _ => Request::Other("400 Bad Request"),
    }
}

async fn respond(stream: Rewind, status: &str, content_type: &str, body: &str) {
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    respond_with(stream, response.as_bytes()).await;
}

/// Writes a whole HTTP response, then closes the connection.
async fn respond_with(mut stream: Rewind, response: &[u8]) {
    let _ = timeout(FAREWELL, stream.write_all(response)).await;
    linger(stream).await;
}

/// Closes a connection gracefully: sends FIN (after TLS's close_notify), then reads (and drops)
/// what the client still sends until it closes too, for at most
/// [`FAREWELL`]. Closing with unread data would reset the connection and
/// could lose the last message to the client.
async fn linger(mut tcp: Rewind) {
    let _ = timeout(FAREWELL, tcp.shutdown()).await;
    let mut buf = [0u8; 4096];
    let _ = timeout(FAREWELL, async { while matches!(tcp.read(&mut buf).await, Ok(n) if n > 0) {} }).await;
}

/// Runs an accepted WebSocket to its end.
async fn session(shared: Arc<Shared>, ws: Ws, peer: SocketAddr) {
    let id = shared.next_id.fetch_add(1, Ordering::Relaxed);
    let limits = &shared.limits;
    let (out, out_rx) = mpsc::channel(limits.max_queue);
    let (end, ended) = watch::channel(None);
    let end = Arc::new(end);
    let account = Account::new(shared.budget.clone(), shared.max_queue_bytes);
    // The hub holds the only sender: the queue closes when the hub forgets the session.
    let admitted = shared.hub().connect(id, Link { out, account, end: end.clone() });
    shared.log.event("connect", json!({"conn": id, "peer": peer.to_string()}));
    let mut nonce = [0u8; 32];
    if !admitted {
        finish(&end, End::Error(ErrorCode::ShuttingDown, "the server is shutting down".into()));
    } else if getrandom::fill(&mut nonce).is_err() {
        finish(&end, End::Closed("no randomness for a challenge".into()));
    } else {
        let challenge = ServerMessage::Challenge { nonce: cohort_channel::hex(&nonce), server: SERVER_NAME.into() };
        shared.hub().send(id, Outgoing::message(&challenge));
    }
    let (sink, stream) = ws.split();
    let heartbeat = Duration::from_secs(limits.heartbeat_secs);
    let mut writer = tokio::spawn(write_loop(shared.clone(), sink, out_rx, end.clone(), ended.clone(), heartbeat));
    let bucket = Bucket::new(limits.max_rate, std::time::Instant::now());
    let mut reader = Reader { shared: &shared, id, peer, end: &end, nonce, fingerprint: None, bucket };
    let stream = reader.run(stream, ended).await;
    let closed = shared.hub().disconnect(id);
    let why = end.borrow().clone();
    let (code, reason) = match why {
        Some(End::Error(code, _)) => {
            if code != ErrorCode::ShuttingDown {
                shared.metrics.refused(code.as_str());
            }
            (Some(code), None)
        }
        Some(End::Closed(why)) => (None, Some(why)),
        None => (None, None),
    };
    shared.log.event("disconnect", json!({"conn": id, "fingerprint": reader.fingerprint, "code": code, "reason": reason}));
    for room in closed {
        shared.log.event("room_closed", json!({"room": room, "reason": "empty"}));
    }
    match timeout(FAREWELL * 2, &mut writer).await {
        Ok(Ok(sink)) => {
            if let Ok(ws) = stream.reunite(sink) {
                linger(ws.into_inner()).await;
            }
        }
        _ => writer.abort(),
    }
}

/// Sends the queue's messages (a batch at a time, then a flush) and the
/// heartbeat until the session ends, then (for a fatal error) what is still
/// queued, the error and a close, all within [`FAREWELL`]. A `queue_full`
/// session's queue is dropped unsent, at once.
async fn write_loop(
    shared: Arc<Shared>,
    mut sink: SplitSink<Ws, Message>,
    mut out: mpsc::Receiver<Queued>,
    end: Arc<watch::Sender<Option<End>>>,
    mut ended: watch::Receiver<Option<End>>,
    heartbeat: Duration,
) -> SplitSink<Ws, Message> {
    let mut ping = interval_at(Instant::now() + heartbeat, heartbeat);
    ping.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let mut batch: Vec<Queued> = Vec::new();
    let why = loop {
        let first = tokio::select! {
            biased;
            why = ended.wait_for(Option::is_some) => break why.ok().and_then(|w| w.clone()),
            msg = out.recv() => match msg {
                Some(msg) => msg,
                None => break end.borrow().clone(),
            },
            _ = ping.tick() => Queued { msg: Message::Ping(Default::default()), relayed_at: None, _ticket: None },
        };
        batch.push(first);
        while batch.len() < WRITE_BATCH
            && let Ok(more) = out.try_recv()
        {
            batch.push(more);
        }
        let written = async {
            for queued in &mut batch {
                sink.feed(std::mem::replace(&mut queued.msg, Message::Pong(Default::default()))).await?;
            }
            sink.flush().await
        };
        tokio::select! {
            biased;
            why = ended.wait_for(Option::is_some) => break why.ok().and_then(|w| w.clone()),
            sent = written => if let Err(e) = sent {
                finish(&end, End::Closed(format!("sending failed: {e}")));
                return sink;
            },
        }
        for queued in batch.drain(..) {
            if let Some(at) = queued.relayed_at {
                shared.metrics.delivered(at.elapsed());
            }
        }
    };
    drop(batch);
    match why {
        Some(End::Error(code, message)) => {
            let error = Outgoing::message(&ServerMessage::Error { code, message });
            let Outgoing::Text(error) = error else { unreachable!("errors are text") };
            let close = CloseFrame {
                code: match code {
                    ErrorCode::TooLarge => CloseCode::Size,
                    ErrorCode::ShuttingDown => CloseCode::Away,
                    _ => CloseCode::Policy,
                },
                reason: code.as_str().into(),
            };
            let _ = timeout(FAREWELL, async {
                // What was queued before the end goes first, unless the
                // client is too slow for its queue: that is dropped now.
                if code == ErrorCode::QueueFull {
                    out.close();
                    while out.try_recv().is_ok() {}
                } else {
                    while let Ok(queued) = out.try_recv() {
                        sink.feed(queued.msg).await?;
                    }
                }
                sink.send(Message::text(error)).await?;
                sink.send(Message::Close(Some(close))).await
            })
            .await;
        }
        Some(End::Closed(_)) | None => {
            let _ = timeout(FAREWELL, sink.close()).await;
        }
    }
    sink
}

/// A session's reading side: requests, limits and the idle timeout.
struct Reader<'a> {
    shared: &'a Shared,
    id: ConnId,
    peer: SocketAddr,
    end: &'a watch::Sender<Option<End>>,
    nonce: [u8; 32],
    fingerprint: Option<String>,
    bucket: Bucket,
}

impl Reader<'_> {
    async fn run(&mut self, mut stream: SplitStream<Ws>, mut ended: watch::Receiver<Option<End>>) -> SplitStream<Ws> {
        let idle = Duration::from_secs(self.shared.limits.idle_timeout_secs);
        let mut deadline = Instant::now() + idle;
        // Until it authenticates, a connection has a fixed deadline that
        // nothing extends (a socket that only pongs would otherwise hold a
        // slot for ever).
        let auth = self.shared.auth_timeout;
        let authenticate_by = Instant::now() + auth;
        // Bursts of a second's worth, or of one largest message.
        let burst = self.shared.max_read_rate.max(self.shared.limits.max_message);
        let mut throttle = Throttle::new(self.shared.max_read_rate, burst, std::time::Instant::now());
        // Set while reading pauses, over the read rate.
        let mut resume: Option<Instant> = None;
        loop {
            let next = tokio::select! {
                biased;
                _ = ended.wait_for(Option::is_some) => break,
                _ = sleep_until(resume.unwrap_or(deadline)), if resume.is_some() => {
                    resume = None;
                    continue;
                }
                _ = sleep_until(authenticate_by), if self.fingerprint.is_none() => {
                    self.fail(Refusal::new(ErrorCode::AuthFailed, format!("not authenticated within {} s", auth.as_secs())));
                    break;
                }
                _ = sleep_until(deadline) => {
                    self.fail(Refusal::new(ErrorCode::IdleTimeout, format!("no message for {} s", idle.as_secs())));
                    break;
                }
                next = stream.next(), if resume.is_none() => next,
            };
            let now = Instant::now();
            deadline = now + idle;
            let bytes = match &next {
                Some(Ok(msg)) => msg.len(),
                _ => 0,
            };
            if !self.receive(next, now) {
                break;
            }
            let wait = throttle.read(bytes, now.into_std());
            if !wait.is_zero() {
                resume = Some(now + wait);
                // A pause does not count as the client's silence.
                deadline += wait;
            }
        }
        stream
    }

    /// Handles one read; false when the session ends.
    fn receive(&mut self, next: Option<Result<Message, WsError>>, now: Instant) -> bool {
        let max = self.shared.limits.max_message;
        let too_large = || Refusal::new(ErrorCode::TooLarge, format!("a message over {max} bytes"));
        let msg = match next {
            Some(Ok(msg)) => msg,
            Some(Err(WsError::Capacity(_))) => return self.fail(too_large()),
            Some(Err(WsError::Protocol(e))) => {
                return self.fail(Refusal::new(ErrorCode::BadMessage, format!("a WebSocket protocol error: {e}")));
            }
            Some(Err(WsError::Utf8(_))) => return self.fail(Refusal::new(ErrorCode::BadMessage, "a text message that is not UTF-8")),
            Some(Err(e)) => return self.close(e.to_string()),
            None => return self.close("the connection ended".into()),
        };
        if !self.bucket.take(now.into_std()) {
            let rate = self.shared.limits.max_rate;
            return self.fail(Refusal::new(ErrorCode::RateLimited, format!("more than {rate} messages per second")));
        }
        let done = match msg {
            Message::Text(text) if text.len() > max => Err(too_large()),
            Message::Text(text) => self.text(&text),
            Message::Binary(frame) if frame.len() > max => Err(too_large()),
            Message::Binary(frame) => match &self.fingerprint {
                None => Err(not_authenticated()),
                Some(fp) => {
                    // The copy is made outside the hub's lock.
                    let routed = self.shared.hub().route(self.id, &frame);
                    routed.map(|to| {
                        let out = hub::forward(&frame, fp);
                        self.shared.hub().send(to, out);
                        self.shared.metrics.relayed(frame.len());
                    })
                }
            },
            Message::Close(_) => return self.close("closed by the client".into()),
            Message::Ping(_) | Message::Pong(_) | Message::Frame(_) => Ok(()),
        };
        match done {
            Ok(()) => true,
            Err(refusal) if refusal.is_fatal() => self.fail(refusal),
            Err(refusal) => {
                self.shared.metrics.refused(refusal.code.as_str());
                self.shared.log.event("refused", json!({"conn": self.id, "fingerprint": self.fingerprint, "code": refusal.code}));
                self.shared.hub().send(self.id, Outgoing::error(refusal.code, refusal.message));
                true
            }
        }
    }

    fn text(&mut self, text: &str) -> Result<(), Refusal> {
        let msg: ClientMessage =
            serde_json::from_str(text).map_err(|e| Refusal::new(ErrorCode::BadMessage, format!("not a message of this protocol: {e}")))?;
        let log = &self.shared.log;
        match (msg, self.fingerprint.clone()) {
            (ClientMessage::Auth { key, signature, server }, None) => self.auth(&key, &signature, &server),
            (ClientMessage::Auth { .. }, Some(_)) => Err(Refusal::new(ErrorCode::BadMessage, "already authenticated")),
            (_, None) => Err(not_authenticated()),
            (ClientMessage::Join { room, token, parties, size }, Some(fp)) => {
                let admission = match (parties.is_empty(), size) {
                    (false, None) => Admission::Listed(parties),
                    (true, Some(size)) => Admission::Open(size),
                    _ => return Err(Refusal::new(ErrorCode::BadMessage, "a join gives `parties` (a fixed list) or `size` (an open room)")),
                };
                let busy = self.shared.budget.busy();
                let joined = self.shared.hub().join(self.id, &room, admission, token.as_deref(), std::time::Instant::now(), busy)?;
                let how = match joined {
                    Joined::Created => "created",
                    Joined::Entered => "entered",
                    Joined::Replaced(_) => "replaced",
                    Joined::Again => "again",
                };
                log.event("join", json!({"conn": self.id, "fingerprint": fp, "room": room, "how": how}));
                Ok(())
            }
            (ClientMessage::Signal { room, to, data }, Some(_)) => self.shared.hub().signal(self.id, &room, &to, data),
            (ClientMessage::Leave { room }, Some(fp)) => {
                let closed = self.shared.hub().leave(self.id, &room)?;
                log.event("leave", json!({"conn": self.id, "fingerprint": fp, "room": room}));
                if closed {
                    log.event("room_closed", json!({"room": room, "reason": "empty"}));
                }
                Ok(())
            }
        }
    }

    /// Checks the answer to the challenge: a signature by `key` over the
    /// context, this connection's nonce and `server`, which must be one of
    /// the names this server answers to (never taken from the request).
    fn auth(&mut self, key: &str, signature: &str, server: &str) -> Result<(), Refusal> {
        let refuse = |reason: &str, message: String| {
            let claimed: String = server.chars().take(100).collect();
            self.shared.log.event("auth_refused", json!({"conn": self.id, "reason": reason, "server": claimed}));
            Refusal::new(ErrorCode::AuthFailed, message)
        };
        if !self.shared.auth_rate().take(self.peer.ip(), std::time::Instant::now()) {
            let rate = self.shared.auth_rate().rate();
            self.shared.log.event("auth_refused", json!({"conn": self.id, "reason": "rate"}));
            return Err(Refusal::new(ErrorCode::RateLimited, format!("more than {rate} authentications per second from this address")));
        }
        if !self.shared.names.iter().any(|name| name == server) {
            let shown: String = server.chars().take(100).flat_map(char::escape_debug).collect();
            let names = self.shared.names.join(", ");
            return Err(refuse("wrong_server", format!("the signature is for the server `{shown}`; this server answers to {names}")));
        }
        let key = PublicKey::from_hex(key).map_err(|_| refuse("bad_key", "`key` is not an ed25519 public key in hex".into()))?;
        if !key.verify_signature(&signal_auth::message(&self.nonce, server), signature) {
            return Err(refuse(
                "bad_signature",
                "the signature does not verify (sign the auth context, this connection's nonce and the server's origin)".into(),
            ));
        }
        let fingerprint = key.fingerprint().to_string();
        let limits = &self.shared.limits;
        let welcome = ServerMessage::Welcome {
            fingerprint: fingerprint.clone(),
            ice_servers: self.shared.ice_servers.clone(),
            limits: limits.clone(),
        };
        {
            let mut hub = self.shared.hub();
            hub.authenticate(self.id, fingerprint.clone());
            hub.send(self.id, Outgoing::message(&welcome));
        }
        self.shared.log.event("auth", json!({"conn": self.id, "fingerprint": fingerprint}));
        self.fingerprint = Some(fingerprint);
        Ok(())
    }

    /// Ends the session with a fatal error; returns false.
    fn fail(&self, refusal: Refusal) -> bool {
        self.shared.log.event("error", json!({"conn": self.id, "fingerprint": self.fingerprint, "code": refusal.code}));
        finish(self.end, End::Error(refusal.code, refusal.message));
        false
    }

    /// Ends the session without an error; returns false.
    fn close(&self, why: String) -> bool {
        finish(self.end, End::Closed(why));
        false
    }
}

fn not_authenticated() -> Refusal {
    Refusal::new(ErrorCode::BadMessage, "authenticate first: the first message must be `auth`")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_heads_are_classified() {
        assert_eq!(parse_head(b"GET /health HTTP/1.1\r\nHost: x"), Request::Health);
        assert_eq!(parse_head(b"GET /health?full HTTP/1.0"), Request::Health);
        assert_eq!(parse_head(b"GET /metrics HTTP/1.1\r\nHost: x"), Request::Metrics);
        assert_eq!(parse_head(b"GET / HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade"), Request::Upgrade);
        assert_eq!(parse_head(b"GET / HTTP/1.1\r\nHost: x"), Request::Get("/".into()));
        assert_eq!(parse_head(b"GET /app.js?v=2 HTTP/1.1\r\nHost: x"), Request::Get("/app.js".into()));
        assert_eq!(parse_head(b"POST /health HTTP/1.1"), Request::Other("404 Not Found"));
        assert_eq!(parse_head(b"hello"), Request::Other("400 Bad Request"));
    }
}
