//! The native client: joins a room of the signal server and relays a
//! session's frames through it, as a blocking [`Transport`] for the engine.
//!
//! The WebSocket runs on its own thread with a single-threaded tokio
//! runtime; the blocking side sends through a bounded queue and receives
//! from one queue per peer. A peer that leaves the room, the server closing
//! the connection, or a peer that stays silent past the timeout all end
//! `recv` with a clear error, so a session never hangs on a vanished peer.

use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use cohort_channel::{Fingerprint, Identity, Invite, hex, signal_auth, unhex};
use cohort_mpc::{Error, PartyId, Result, Transport};
use futures_util::{SinkExt, StreamExt};
use tokio::sync::mpsc as tokio_mpsc;
use tokio_tungstenite::{Connector, connect_async_tls_with_config};
use tungstenite::Message;

use crate::Endpoint;
use crate::protocol::{ClientMessage, Limits, ServerMessage, decode_relay, encode_relay};

/// What the relay thread delivers for one peer.
type Delivery = core::result::Result<Vec<u8>, String>;

/// A session's parties reached through a signal server's relay.
pub struct RelayTransport {
    me: PartyId,
    room: String,
    parties: Vec<Fingerprint>,
    out: tokio_mpsc::Sender<Message>,
    inbox: Vec<mpsc::Receiver<Delivery>>,
    timeout: Duration,
    thread: Option<thread::JoinHandle<()>>,
}

fn transport_error(e: impl core::fmt::Display) -> Error {
    Error::Transport(e.to_string())
}

impl RelayTransport {
    /// Connects to the signal server at `server` (`ws://` or `wss://`), proves
    /// `identity`, joins room `room` whose parties are `parties` (in party
    /// order; `parties[me]` is this identity), and waits until every party
    /// is present. Gives up after `timeout`, which also bounds how long
    /// `recv` waits for a peer. For parties that know each other's keys: the
    /// room needs no admission token, so its id must not have the form of an
    /// invite's session id.
    pub fn connect(
        server: &Endpoint,
        identity: &Identity,
        room: &str,
        parties: Vec<Fingerprint>,
        me: PartyId,
        timeout: Duration,
    ) -> Result<Self> {
        if parties.get(me) != Some(&identity.fingerprint()) {
            return Err(Error::InvalidArgument(format!("this identity ({}) is not party {me} of the session", identity.fingerprint())));
        }
        let names = parties.iter().map(|p| p.to_string()).collect();
        Self::start(server, identity, room, None, names, None, timeout).map(|(transport, _)| transport)
    }

    /// Connects as [`RelayTransport::connect`] does, to the room of
    /// `invite` (whose signal server `server` must be), presenting its
    /// admission token; waits until every party is present, and returns the
    /// transport with the session's parties and this party's position. For
    /// a rostered invite the parties are the roster's, in its order (and
    /// this identity must be among them); for an open one, the first
    /// `invite.parties()` identities to arrive, in the order of their
    /// fingerprints, which the caller should show to its user before
    /// computing. Tells each peer that it is reached only through the
    /// relay, so browser peers do not wait for a WebRTC connection.
    pub fn connect_invite(
        server: &Endpoint,
        identity: &Identity,
        invite: &Invite,
        timeout: Duration,
    ) -> Result<(Self, Vec<Fingerprint>, PartyId)> {
        let token = Some(invite.token().to_hex());
        let (parties, open) = match invite.roster() {
            Some(roster) => {
                if invite.seat_of(&identity.fingerprint()).is_none() {
                    return Err(Error::InvalidArgument(format!(
                        "this identity ({}) is not in the invite's roster",
                        identity.fingerprint()
                    )));
                }
                (roster.fingerprints().iter().map(|f| f.to_string()).collect(), None)
            }
            None => (Vec::new(), Some(invite.parties())),
        };
        let (transport, parties) = Self::start(server, identity, invite.session(), token, parties, open, timeout)?;
        let me = transport.me;
        Ok((transport, parties, me))
    }

    fn start(
        server: &Endpoint,
        identity: &Identity,
        room: &str,
        token: Option<String>,
        parties: Vec<String>,
        open: Option<usize>,
        timeout: Duration,
    ) -> Result<(Self, Vec<Fingerprint>)> {
        let url = server.url();
        let origin = signal_auth::origin(url).map_err(|e| Error::InvalidArgument(e.to_string()))?;
        let connector = server.connector().map_err(Error::InvalidArgument)?;
        let m = open.unwrap_or(parties.len());
        let (out_tx, out_rx) = tokio_mpsc::channel::<Message>(1024);
        let (senders, inbox): (Vec<_>, Vec<_>) = (0..m).map(|_| mpsc::channel::<Delivery>()).unzip();
        let (ready_tx, ready_rx) = mpsc::channel::<Result<Vec<String>>>();
        let job = Job {
            url: url.to_string(),
            origin,
            token,
            connector,
            identity_secret: identity.to_file(),
            fingerprint: identity.fingerprint().to_string(),
            room: room.to_string(),
            parties,
            open,
            max_rate: std::cell::Cell::new(Limits::default().max_rate),
            timeout,
        };
        let thread = thread::Builder::new()
            .name("signal-relay".into())
            .spawn(move || {
                let rt = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
                    Ok(rt) => rt,
                    Err(e) => {
                        let _ = ready_tx.send(Err(Error::Internal(format!("cannot start the relay's runtime: {e}"))));
                        return;
                    }
                };
                rt.block_on(job.run(out_rx, senders, ready_tx));
            })
            .map_err(|e| Error::Internal(format!("cannot start the relay thread: {e}")))?;
        let names = match ready_rx.recv_timeout(timeout + Duration::from_secs(1)) {
            Ok(Ok(names)) => names,
            Ok(Err(e)) => return Err(e),
            Err(_) => return Err(Error::Transport(format!("the signal server at {url} did not admit this party within {timeout:?}"))),
        };
        let parties = names
            .iter()
            .map(|p| Fingerprint::parse(p).map_err(|_| Error::Transport(format!("the signal server listed `{p}` as a party"))))
            .collect::<Result<Vec<_>>>()?;
        let me = parties
            .iter()
            .position(|p| *p == identity.fingerprint())
            .ok_or_else(|| Error::Transport("the signal server's room does not list this party".into()))?;
        let transport =
            RelayTransport { me, room: room.to_string(), parties: parties.clone(), out: out_tx, inbox, timeout, thread: Some(thread) };
        Ok((transport, parties))
    }
}

impl Drop for RelayTransport {
    fn drop(&mut self) {
        let _ = self.out.try_send(Message::Close(None));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Transport for RelayTransport {
    fn send(&mut self, to: PartyId, msg: Vec<u8>) -> Result<()> {
        let fp = self.parties.get(to).ok_or_else(|| Error::InvalidArgument(format!("no party {to}")))?;
        let frame = encode_relay(&self.room, fp.as_str(), &msg).ok_or_else(|| Error::InvalidArgument("room id too long".into()))?;
        self.out
            .blocking_send(Message::Binary(frame.into()))
            .map_err(|_| Error::Transport("the connection to the signal server is closed".into()))
    }

    fn recv(&mut self, from: PartyId) -> Result<Vec<u8>> {
        let me = self.me;
        let inbox = self.inbox.get(from).ok_or_else(|| Error::InvalidArgument(format!("no party {from}")))?;
        match inbox.recv_timeout(self.timeout) {
            Ok(Ok(msg)) => Ok(msg),
            Ok(Err(why)) => Err(Error::Transport(why)),
            Err(mpsc::RecvTimeoutError::Timeout) => {
                Err(Error::Transport(format!("party {from} sent nothing to party {me} for {:?}", self.timeout)))
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => Err(Error::Transport("the connection to the signal server is closed".into())),
        }
    }
}

/// The relay thread's work.
struct Job {
    url: String,
    /// The server's origin, as signed in the challenge answer.
    origin: String,
    /// The invite's admission token (hex), if joining by invite.
    token: Option<String>,
    connector: Connector,
    identity_secret: String,
    room: String,
    /// The parties in order; empty for an open room until it fills.
    parties: Vec<String>,
    /// For an open room, how many parties it admits.
    open: Option<usize>,
    /// Messages per second the server allows this client (from `welcome`).
    max_rate: std::cell::Cell<u32>,
    /// This party's fingerprint.
    fingerprint: String,
    timeout: Duration,
}

impl Job {
    async fn run(
        mut self,
        mut out: tokio_mpsc::Receiver<Message>,
        inbox: Vec<mpsc::Sender<Delivery>>,
        ready: mpsc::Sender<Result<Vec<String>>>,
    ) {
        let deadline = Instant::now() + self.timeout;
        let connected =
            tokio::time::timeout(self.timeout, connect_async_tls_with_config(self.url.as_str(), None, true, Some(self.connector.clone())))
                .await;
        let mut ws = match connected {
            Ok(Ok((ws, _))) => ws,
            Ok(Err(e)) => {
                let _ = ready.send(Err(Error::Transport(format!("cannot reach the signal server at {}: {e}", self.url))));
                return;
            }
            Err(_) => {
                let _ = ready
                    .send(Err(Error::Transport(format!("the signal server at {} did not answer within {:?}", self.url, self.timeout))));
                return;
            }
        };
        let joined = tokio::time::timeout_at(tokio::time::Instant::from_std(deadline), self.admit(&mut ws)).await;
        match joined {
            Ok(Ok(parties)) => {
                self.parties = parties.clone();
                let _ = ready.send(Ok(parties));
            }
            Ok(Err(e)) => {
                let _ = ready.send(Err(e));
                return;
            }
            Err(_) => {
                let _ = ready.send(Err(Error::Transport(format!(
                    "not every party joined room {} on the signal server within {:?}",
                    self.room, self.timeout
                ))));
                return;
            }
        }
        let (mut sink, mut stream) = ws.split();
        let mut pacer = Pacer::new(self.max_rate.get());
        let fail_all = |why: String| {
            for tx in &inbox {
                let _ = tx.send(Err(why.clone()));
            }
        };
        loop {
            tokio::select! {
                msg = out.recv() => match msg {
                    Some(Message::Close(_)) | None => {
                        let _ = sink.send(Message::Close(None)).await;
                        return;
                    }
                    Some(m) => {
                        pacer.wait().await;
                        if let Err(e) = sink.send(m).await {
                            fail_all(format!("sending to the signal server failed: {e}"));
                            return;
                        }
                    }
                },
                incoming = stream.next() => match incoming {
                    Some(Ok(Message::Binary(frame))) => {
                        let Some((room, from, payload)) = decode_relay(&frame) else {
                            fail_all("the signal server sent a malformed relay frame".into());
                            return;
                        };
                        if room != self.room {
                            continue;
                        }
                        match self.parties.iter().position(|p| p == from) {
                            Some(j) => {
                                let _ = inbox[j].send(Ok(payload.to_vec()));
                            }
                            None => {
                                fail_all(format!("the signal server relayed a frame from {from}, who is not a party"));
                                return;
                            }
                        }
                    }
                    Some(Ok(Message::Text(text))) => match serde_json::from_str::<ServerMessage>(&text) {
                        Ok(ServerMessage::Presence { room, present }) if room == self.room => {
                            for (j, p) in self.parties.iter().enumerate() {
                                if *p != self.fingerprint && !present.contains(p) {
                                    let _ = inbox[j].send(Err(format!("party {j} left the session (it disconnected from the signal server)")));
                                }
                            }
                        }
                        Ok(ServerMessage::Error { code, message }) => {
                            fail_all(format!("the signal server: {message} ({})", serde_json::to_string(&code).unwrap_or_default().trim_matches('"')));
                        }
                        _ => {}
                    },
                    Some(Ok(_)) => {}
                    Some(Err(e)) => {
                        fail_all(format!("the connection to the signal server failed: {e}"));
                        return;
                    }
                    None => {
                        fail_all("the signal server closed the connection".into());
                        return;
                    }
                },
            }
        }
    }

    /// Challenge, auth, join, and waiting until every party is present;
    /// returns the parties in order.
    async fn admit<S>(&self, ws: &mut S) -> Result<Vec<String>>
    where
        S: futures_util::Stream<Item = core::result::Result<Message, tungstenite::Error>>
            + futures_util::Sink<Message, Error = tungstenite::Error>
            + Unpin,
    {
        let identity = Identity::from_file(&self.identity_secret).map_err(|e| Error::Internal(e.to_string()))?;
        let nonce = match next_message(ws).await? {
            ServerMessage::Challenge { nonce, .. } => {
                unhex::<32>(&nonce).ok_or_else(|| transport_error("the signal server sent a malformed challenge"))?
            }
            other => return Err(unexpected(&other)),
        };
        let signature = identity.sign(&signal_auth::message(&nonce, &self.origin));
        let auth = ClientMessage::Auth { key: identity.public().to_hex(), signature: hex(&signature), server: self.origin.clone() };
        send(ws, &auth).await?;
        match next_message(ws).await? {
            ServerMessage::Welcome { limits, .. } => self.max_rate.set(limits.max_rate),
            other => return Err(unexpected(&other)),
        }
        let join =
            ClientMessage::Join { room: self.room.clone(), token: self.token.clone(), parties: self.parties.clone(), size: self.open };
        send(ws, &join).await?;
        let mut present = match next_message(ws).await? {
            ServerMessage::Joined { present, .. } => present,
            other => return Err(unexpected(&other)),
        };
        let everyone = |present: &Vec<String>| match self.open {
            Some(size) => present.len() == size,
            None => self.parties.iter().all(|p| present.contains(p)),
        };
        while !everyone(&present) {
            match next_message(ws).await? {
                ServerMessage::Presence { room, present: now } if room == self.room => present = now,
                error @ ServerMessage::Error { .. } => return Err(unexpected(&error)),
                _ => {}
            }
        }
        let parties = if self.open.is_some() { present } else { self.parties.clone() };
        // Browser peers: a native party has no WebRTC, so they use the relay at once.
        let me = identity.fingerprint().to_string();
        for peer in parties.iter().filter(|p| **p != me) {
            let data = serde_json::json!({"kind": "relay"});
            send(ws, &ClientMessage::Signal { room: self.room.clone(), to: peer.clone(), data }).await?;
        }
        Ok(parties)
    }
}

/// Keeps this client under the server's message rate (with room for pongs
/// and signaling), so a fast session slows down instead of being cut off.
struct Pacer {
    tokens: f64,
    rate: f64,
    last: tokio::time::Instant,
}

impl Pacer {
    fn new(max_rate: u32) -> Pacer {
        let rate = f64::from(max_rate.max(1)) * 0.8;
        Pacer { tokens: rate / 2.0, rate, last: tokio::time::Instant::now() }
    }

    async fn wait(&mut self) {
        let refill = |p: &mut Pacer| {
            let now = tokio::time::Instant::now();
            p.tokens = (p.tokens + p.rate * (now - p.last).as_secs_f64()).min(p.rate / 2.0);
            p.last = now;
        };
        refill(self);
        if self.tokens < 1.0 {
            tokio::time::sleep(Duration::from_secs_f64((1.0 - self.tokens) / self.rate)).await;
            refill(self);
        }
        self.tokens -= 1.0;
    }
}

fn unexpected(msg: &ServerMessage) -> Error {
    match msg {
        ServerMessage::Error { code, message } => Error::Transport(format!(
            "the signal server refused: {message} ({})",
            serde_json::to_string(code).unwrap_or_default().trim_matches('"')
        )),
        other => Error::Transport(format!("the signal server sent an unexpected message: {other:?}")),
    }
}

async fn send<S>(ws: &mut S, msg: &ClientMessage) -> Result<()>
where
    S: futures_util::Sink<Message, Error = tungstenite::Error> + Unpin,
{
    let text = serde_json::to_string(msg).map_err(transport_error)?;
    ws.send(Message::Text(text.into())).await.map_err(|e| Error::Transport(format!("sending to the signal server failed: {e}")))
}

async fn next_message<S>(ws: &mut S) -> Result<ServerMessage>
where
    S: futures_util::Stream<Item = core::result::Result<Message, tungstenite::Error>> + Unpin,
{
    loop {
        match ws.next().await {
            Some(Ok(Message::Text(text))) => {
                return serde_json::from_str(&text)
                    .map_err(|e| Error::Transport(format!("the signal server sent something unreadable: {e}")));
            }
            Some(Ok(Message::Close(frame))) => {
                return Err(Error::Transport(format!(
                    "the signal server closed the connection{}",
                    frame.map(|f| format!(": {}", f.reason)).unwrap_or_default()
                )));
            }
            Some(Ok(_)) => {}
            Some(Err(e)) => return Err(Error::Transport(format!("the connection to the signal server failed: {e}"))),
            None => return Err(Error::Transport("the signal server closed the connection".into())),
        }
    }
}
