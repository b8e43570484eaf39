//! The client side of the signal protocol, without I/O: one machine that
//! the native client ([`crate::native`]) drives with tokio and the browser
//! drives with `web-sys`.
//!
//! The driver owns the clock and the WebSocket, which it opens at
//! [`SignalClient::socket_url`] (the room's URL at the server). It feeds
//! what arrives to [`SignalClient::handle_text`],
//! [`SignalClient::handle_binary`] and [`SignalClient::handle_close`], asks
//! the machine to relay frames and signaling with
//! [`SignalClient::send_frame`] and [`SignalClient::send_signal`], and after
//! each of those calls drains [`SignalClient::poll_output`] until it says to
//! wait:
//!
//! ```text
//!  Output::Transmit(t)   write t to the WebSocket (text, binary, or close it)
//!  Output::Event(e)      welcome, arrivals, seated, a peer's frame or signal, a peer gone, failed
//!  Output::Timeout(at)   call handle_timeout(at) then, unless something arrives first
//!  Output::Idle          nothing to do until something arrives
//! ```
//!
//! Time is a [`Duration`] since any fixed origin the driver chooses. The
//! machine challenges nothing and trusts nothing: it answers the server's
//! challenge, joins one room, waits until its parties are present (or the
//! lobby deadline passes), then maps fingerprints to party indices both
//! ways. Every error ends it with one [`Event::Failed`] and a close; every
//! buffer it keeps is bounded.

use core::time::Duration;
use std::collections::VecDeque;

use cohort_channel::{Fingerprint, Identity, hex, signal_auth, unhex};
use cohort_transport::PartyId;
use serde_json::Value as Json;

use crate::pacer::Pacer;
use crate::protocol::{ClientMessage, ErrorCode, IceServer, Limits, ServerMessage, decode_relay, encode_relay};
use crate::url::room_url;

/// Bytes of frames and signaling kept from peers who send before the room
/// is full (they should not); more ends the session.
pub const EARLY_LIMIT: usize = 1 << 20;
/// Bytes waiting for the pacer before the session fails as unable to keep up.
pub const BACKLOG_LIMIT: usize = 64 << 20;

/// Who may take a seat in the room.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Seats {
    /// These parties, in party order (a roster, or parties that know each other's keys).
    Listed(Vec<Fingerprint>),
    /// The first `n` identities to join, in the order of their fingerprints (an open invite).
    Open(usize),
}

impl Seats {
    /// How many parties the session has.
    pub fn count(&self) -> usize {
        match self {
            Seats::Listed(parties) => parties.len(),
            Seats::Open(n) => *n,
        }
    }
}

/// What a client joins.
#[derive(Clone, Debug)]
pub struct ClientConfig {
    /// The signal server's URL, whose origin the authentication signs.
    pub url: String,
    /// The room (the session id).
    pub room: String,
    /// The invite's admission token (64 hex digits), if joining by invite.
    pub token: Option<String>,
    /// Who may take a seat.
    pub seats: Seats,
    /// Tell each peer, once seated, that it is reached only through the
    /// relay (a native party has no WebRTC), so browsers do not wait for one.
    pub relay_only: bool,
    /// How long to wait, from the start, until every party is present.
    pub lobby_timeout: Duration,
}

/// What the driver writes to the WebSocket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Transmit {
    /// A text frame (a JSON message).
    Text(String),
    /// A binary frame (a relay frame).
    Binary(Vec<u8>),
    /// Close the connection (normally, code 1000).
    Close,
}

/// Something the driver should know.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    /// The server authenticated this client.
    Welcome {
        /// The ICE servers it offers for WebRTC.
        ice_servers: Vec<IceServer>,
    },
    /// Who has arrived in the room while it fills.
    Arrived {
        /// Parties present, this one included.
        present: usize,
        /// Parties the session needs.
        needed: usize,
    },
    /// Every party is present: the session's parties, in party order, and this one's index.
    Seated {
        /// The parties' fingerprints.
        parties: Vec<Fingerprint>,
        /// This party's index among them.
        me: PartyId,
    },
    /// A peer's WebRTC signaling.
    Signal {
        /// The peer.
        from: PartyId,
        /// What it sent.
        data: Json,
    },
    /// A peer's relayed frame.
    Frame {
        /// The peer.
        from: PartyId,
        /// The frame (secure-channel ciphertext).
        payload: Vec<u8>,
    },
    /// A peer left the room.
    PeerGone {
        /// The peer.
        party: PartyId,
    },
    /// The session with the signal server ended; nothing follows.
    Failed(SignalError),
}

/// What the driver does next.
#[derive(Clone, Debug, PartialEq)]
pub enum Output {
    /// Write to the WebSocket.
    Transmit(Transmit),
    /// Handle an event.
    Event(Event),
    /// Call [`SignalClient::handle_timeout`] at this time unless something arrives first.
    Timeout(Duration),
    /// Wait for the WebSocket or the session.
    Idle,
}

/// Why the session with the signal server failed. Each variant is one
/// cause, with a stable [`code`](SignalError::code).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignalError {
    /// The signal server's URL names no server.
    #[error("{0}")]
    BadUrl(String),
    /// The WebSocket could not be opened.
    #[error("cannot reach the signal server at {url}: {detail}")]
    Unreachable {
        /// The server's URL.
        url: String,
        /// Why, from the network stack.
        detail: String,
    },
    /// The server closed the connection.
    #[error("the signal server closed the connection{}", reason.as_deref().map(|r| format!(": {r}")).unwrap_or_default())]
    Closed {
        /// The close frame's reason, if any.
        reason: Option<String>,
    },
    /// The server refused or ended the session with an error code.
    #[error("the signal server refused: {message} ({code})")]
    Refused {
        /// The server's code.
        code: ErrorCode,
        /// Its explanation.
        message: String,
    },
    /// The server sent something that is not this protocol.
    #[error("the signal server sent {what}")]
    Malformed {
        /// What it sent, in words.
        what: String,
    },
    /// Not every party arrived in time.
    #[error("not all {needed} parties arrived within {} s ({present} did)", after.as_secs())]
    LobbyTimeout {
        /// How long this party waited.
        after: Duration,
        /// Parties present when it gave up, this one included.
        present: usize,
        /// Parties the session needs.
        needed: usize,
    },
    /// The room filled without seating this party.
    #[error("the signal server's room does not seat this party ({fingerprint})")]
    NotSeated {
        /// This party's fingerprint.
        fingerprint: Fingerprint,
    },
    /// Peers sent more before the room was full than a session allows.
    #[error("peers sent over {limit} bytes before every party arrived")]
    Flooded {
        /// [`EARLY_LIMIT`].
        limit: usize,
    },
    /// A message this party would send is over the server's size limit.
    #[error("a {size}-byte message is over the signal server's limit of {limit} bytes")]
    TooLarge {
        /// The message's size.
        size: usize,
        /// The server's `max_message`.
        limit: usize,
    },
    /// More is waiting to be sent than the server's rate lets out.
    #[error("{queued} bytes are waiting for the signal server, over the limit of {limit}")]
    Backlog {
        /// Bytes waiting.
        queued: usize,
        /// [`BACKLOG_LIMIT`].
        limit: usize,
    },
    /// The room or a fingerprint is too long for a relay frame (over 255 bytes).
    #[error("the session id is too long for the relay (at most 255 bytes)")]
    BadRoom,
    /// Sending to a party before the room is full, or to no such party.
    #[error("there is no party {party} to send to (yet)")]
    NoSuchParty {
        /// The index asked for.
        party: PartyId,
    },
}

impl SignalError {
    /// A stable, machine-readable name for the cause (the server's own code when it refused).
    pub fn code(&self) -> &'static str {
        match self {
            SignalError::BadUrl(_) => "bad_url",
            SignalError::Unreachable { .. } => "unreachable",
            SignalError::Closed { .. } => "closed",
            SignalError::Refused { code, .. } => code.as_str(),
            SignalError::Malformed { .. } => "malformed",
            SignalError::LobbyTimeout { .. } => "lobby_timeout",
            SignalError::NotSeated { .. } => "not_seated",
            SignalError::Flooded { .. } => "flooded",
            SignalError::TooLarge { .. } => "too_large",
            SignalError::Backlog { .. } => "backlog",
            SignalError::BadRoom => "bad_room",
            SignalError::NoSuchParty { .. } => "no_such_party",
        }
    }

    /// Whether the session ended because parties or the server went away
    /// (rather than from a refusal or a fault): the server closed, shut
    /// down, expired the room, was too busy to open it or never answered,
    /// or parties did not come.
    pub fn is_unreachable(&self) -> bool {
        match self {
            SignalError::Unreachable { .. } | SignalError::Closed { .. } | SignalError::LobbyTimeout { .. } => true,
            SignalError::Refused { code, .. } => {
                matches!(code, ErrorCode::ShuttingDown | ErrorCode::IdleTimeout | ErrorCode::UnknownRoom | ErrorCode::ServerBusy)
            }
            _ => false,
        }
    }
}

#[derive(Debug)]
enum State {
    /// Waiting for the challenge.
    Connecting,
    /// The answer is sent; waiting for the welcome.
    Authenticating,
    /// The join is sent; waiting for `joined`.
    Joining,
    /// In the room, waiting for every party.
    Lobby,
    /// Every party arrived.
    Seated { parties: Vec<Fingerprint>, me: PartyId, gone: Vec<bool> },
    /// Failed or left: nothing more happens.
    Ended,
}

/// What a peer sent before the room was full.
#[derive(Debug)]
enum Early {
    Signal(Json),
    Frame(Vec<u8>),
}

/// One client's session with a signal server: authentication, one room,
/// signaling and the relay. See the [module documentation](self).
pub struct SignalClient {
    config: ClientConfig,
    identity: Identity,
    fingerprint: Fingerprint,
    origin: String,
    /// The room's WebSocket URL ([`crate::url::room_url`]).
    socket_url: String,
    state: State,
    deadline: Duration,
    limits: Limits,
    pacer: Option<Pacer>,
    /// Transmits, and whether each waits for the pacer.
    outbox: VecDeque<(Transmit, bool)>,
    queued: usize,
    events: VecDeque<Event>,
    early: Vec<(String, Early)>,
    early_bytes: usize,
    /// Parties present at the last news of the room.
    last_present: usize,
    /// Why the session ended, if it failed (sends after the end return it).
    failed: Option<SignalError>,
}

impl core::fmt::Debug for SignalClient {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SignalClient").field("room", &self.config.room).field("state", &self.state).finish_non_exhaustive()
    }
}

impl SignalClient {
    /// A client of `identity` for `config`, started at `now` (the WebSocket
    /// is being opened). Fails at once if the URL names no server.
    pub fn new(config: ClientConfig, identity: Identity, now: Duration) -> Result<SignalClient, SignalError> {
        let origin = signal_auth::origin(&config.url).map_err(|e| SignalError::BadUrl(e.to_string()))?;
        if config.room.len() > 255 {
            return Err(SignalError::BadRoom);
        }
        let socket_url = room_url(&config.url, &config.room)?;
        Ok(SignalClient {
            fingerprint: identity.fingerprint(),
            socket_url,
            deadline: now + config.lobby_timeout,
            config,
            identity,
            origin,
            state: State::Connecting,
            limits: Limits::default(),
            pacer: None,
            outbox: VecDeque::new(),
            queued: 0,
            events: VecDeque::new(),
            early: Vec::new(),
            early_bytes: 0,
            last_present: 0,
            failed: None,
        })
    }

    /// The URL the driver opens the WebSocket at: the server's URL with
    /// the room on its path ([`crate::url::room_url`]), so that a load
    /// balancer can send every party of a room to the same server instance.
    /// The origin signed is the server URL's all the same.
    pub fn socket_url(&self) -> &str {
        &self.socket_url
    }

    /// This client's fingerprint.
    pub fn fingerprint(&self) -> &Fingerprint {
        &self.fingerprint
    }

    /// The session's parties and this one's index, once seated.
    pub fn seated(&self) -> Option<(&[Fingerprint], PartyId)> {
        match &self.state {
            State::Seated { parties, me, .. } => Some((parties, *me)),
            _ => None,
        }
    }

    /// Whether the session has ended (failed, or left).
    pub fn is_ended(&self) -> bool {
        matches!(self.state, State::Ended)
    }

    /// A text frame from the server.
    pub fn handle_text(&mut self, now: Duration, text: &str) {
        if self.is_ended() {
            return;
        }
        let msg = match ServerMessage::from_json(text) {
            Ok(msg) => msg,
            Err(e) => return self.fail(SignalError::Malformed { what: format!("a message that is not of its protocol ({e})") }),
        };
        match (&self.state, msg) {
            (State::Connecting, ServerMessage::Challenge { nonce, .. }) => self.answer(&nonce),
            (State::Authenticating, ServerMessage::Welcome { ice_servers, limits, .. }) => {
                self.pacer = Some(Pacer::new(limits.max_rate, now));
                self.limits = limits;
                self.events.push_back(Event::Welcome { ice_servers });
                let seats = &self.config.seats;
                let join = ClientMessage::Join {
                    room: self.config.room.clone(),
                    token: self.config.token.clone(),
                    parties: match seats {
                        Seats::Listed(parties) => parties.iter().map(ToString::to_string).collect(),
                        Seats::Open(_) => Vec::new(),
                    },
                    size: match seats {
                        Seats::Listed(_) => None,
                        Seats::Open(n) => Some(*n),
                    },
                };
                self.queue_message(&join);
                self.state = State::Joining;
            }
            (State::Joining, ServerMessage::Joined { room, present }) if room == self.config.room => {
                self.state = State::Lobby;
                self.presence(present);
            }
            (State::Lobby | State::Seated { .. }, ServerMessage::Presence { room, present }) if room == self.config.room => {
                self.presence(present);
            }
            (State::Lobby, ServerMessage::Signal { room, from, data }) if room == self.config.room => {
                self.keep_early(from, Early::Signal(data));
            }
            (State::Seated { parties, .. }, ServerMessage::Signal { room, from, data }) if room == self.config.room => {
                if let Some(from) = parties.iter().position(|p| p.as_str() == from) {
                    self.events.push_back(Event::Signal { from, data });
                }
            }
            // A recipient that just left: the presence that follows says so.
            (_, ServerMessage::Error { code: ErrorCode::NotInRoom, .. }) => {}
            (_, ServerMessage::Error { code, message }) => self.fail(SignalError::Refused { code, message }),
            // Another room's news (this client is in one room).
            (_, ServerMessage::Presence { .. } | ServerMessage::Signal { .. }) => {}
            (state, other) => {
                let what = format!("an unexpected message while {}: {}", state_words(state), message_type(&other));
                self.fail(SignalError::Malformed { what });
            }
        }
    }

    /// A binary frame from the server: a relayed frame.
    pub fn handle_binary(&mut self, _now: Duration, frame: &[u8]) {
        if self.is_ended() {
            return;
        }
        let Some((room, from, payload)) = decode_relay(frame) else {
            return self.fail(SignalError::Malformed { what: "a malformed relay frame".into() });
        };
        if room != self.config.room {
            return;
        }
        match &self.state {
            State::Seated { parties, .. } => match parties.iter().position(|p| p.as_str() == from) {
                Some(from) => self.events.push_back(Event::Frame { from, payload: payload.to_vec() }),
                None => self.fail(SignalError::Malformed { what: format!("a frame from {from}, who is not a party") }),
            },
            State::Lobby => {
                let (from, payload) = (from.to_string(), payload.to_vec());
                self.keep_early(from, Early::Frame(payload));
            }
            _ => self.fail(SignalError::Malformed { what: "a relayed frame before this client joined".into() }),
        }
    }

    /// The connection closed (or failed), with the close frame's reason if any.
    pub fn handle_close(&mut self, _now: Duration, reason: Option<String>) {
        if !self.is_ended() {
            self.fail(SignalError::Closed { reason: reason.filter(|r| !r.is_empty()) });
        }
    }

    /// The WebSocket could not be opened.
    pub fn handle_unreachable(&mut self, _now: Duration, detail: String) {
        if !self.is_ended() {
            self.fail(SignalError::Unreachable { url: self.config.url.clone(), detail });
        }
    }

    /// Time passed: fails the session if the room is not full by its deadline.
    pub fn handle_timeout(&mut self, now: Duration) {
        let waiting = matches!(self.state, State::Connecting | State::Authenticating | State::Joining | State::Lobby);
        if waiting && now >= self.deadline {
            let present = self.last_present;
            self.fail(SignalError::LobbyTimeout { after: self.config.lobby_timeout, present, needed: self.config.seats.count() });
        }
    }

    /// Relays `payload` to party `to` (paced under the server's rate).
    pub fn send_frame(&mut self, to: PartyId, payload: &[u8]) -> Result<(), SignalError> {
        let peer = self.peer(to)?;
        let frame = encode_relay(&self.config.room, peer.as_str(), payload).ok_or(SignalError::BadRoom)?;
        self.queue(Transmit::Binary(frame), true)
    }

    /// Sends WebRTC signaling to party `to`.
    pub fn send_signal(&mut self, to: PartyId, data: Json) -> Result<(), SignalError> {
        let peer = self.peer(to)?.to_string();
        let text = serde_json::to_string(&ClientMessage::Signal { room: self.config.room.clone(), to: peer, data })
            .map_err(|e| SignalError::Malformed { what: e.to_string() })?;
        self.queue(Transmit::Text(text), true)
    }

    /// Leaves: what is queued still goes out, then the connection closes. No event follows.
    pub fn leave(&mut self) {
        if self.is_ended() {
            return;
        }
        self.state = State::Ended;
        self.outbox.push_back((Transmit::Close, false));
    }

    /// What the driver does next (see [`Output`]); call until `Timeout` or `Idle`.
    pub fn poll_output(&mut self, now: Duration) -> Output {
        if let Some(event) = self.events.pop_front() {
            return Output::Event(event);
        }
        if let Some((_, paced)) = self.outbox.front() {
            if *paced
                && let Some(pacer) = &mut self.pacer
                && !pacer.take(now)
            {
                return Output::Timeout(pacer.next_token(now));
            }
            let (transmit, _) = self.outbox.pop_front().expect("a front");
            self.queued -= transmit_len(&transmit);
            return Output::Transmit(transmit);
        }
        match self.state {
            State::Connecting | State::Authenticating | State::Joining | State::Lobby => Output::Timeout(self.deadline),
            State::Seated { .. } | State::Ended => Output::Idle,
        }
    }

    fn answer(&mut self, nonce: &str) {
        let Some(auth) = answer_challenge(&self.identity, &self.origin, nonce) else {
            return self.fail(SignalError::Malformed { what: "a malformed challenge".into() });
        };
        self.queue_message(&auth);
        self.state = State::Authenticating;
    }

    /// Who is present now: seats the parties once all are, or reports who left.
    fn presence(&mut self, present: Vec<String>) {
        self.last_present = present.len();
        match &mut self.state {
            State::Lobby => {}
            State::Seated { parties, me, gone } => {
                for (j, p) in parties.iter().enumerate() {
                    if j != *me && !gone[j] && !present.iter().any(|q| q == p.as_str()) {
                        gone[j] = true;
                        self.events.push_back(Event::PeerGone { party: j });
                    }
                }
                return;
            }
            _ => return,
        }
        let needed = self.config.seats.count();
        let parties = match &self.config.seats {
            Seats::Listed(parties) if parties.iter().all(|p| present.iter().any(|q| q == p.as_str())) => parties.clone(),
            Seats::Open(n) if present.len() >= *n => {
                match present.iter().take(*n).map(|p| Fingerprint::parse(p)).collect::<Result<Vec<_>, _>>() {
                    Ok(parties) => parties,
                    Err(_) => return self.fail(SignalError::Malformed { what: "a party that is not a fingerprint".into() }),
                }
            }
            _ => {
                self.events.push_back(Event::Arrived { present: present.len().min(needed), needed });
                return;
            }
        };
        let Some(me) = parties.iter().position(|p| *p == self.fingerprint) else {
            return self.fail(SignalError::NotSeated { fingerprint: self.fingerprint.clone() });
        };
        self.state = State::Seated { gone: vec![false; parties.len()], parties: parties.clone(), me };
        self.events.push_back(Event::Seated { parties: parties.clone(), me });
        if self.config.relay_only {
            for j in (0..parties.len()).filter(|&j| j != me) {
                // Cannot fail: j is a seated peer and the message is small.
                let _ = self.send_signal(j, serde_json::json!({"kind": "relay"}));
            }
        }
        for (from, item) in std::mem::take(&mut self.early) {
            let Some(from) = parties.iter().position(|p| p.as_str() == from) else { continue };
            self.events.push_back(match item {
                Early::Signal(data) => Event::Signal { from, data },
                Early::Frame(payload) => Event::Frame { from, payload },
            });
        }
        self.early_bytes = 0;
    }

    fn keep_early(&mut self, from: String, item: Early) {
        self.early_bytes += from.len()
            + match &item {
                Early::Signal(data) => data.to_string().len(),
                Early::Frame(payload) => payload.len(),
            };
        if self.early_bytes > EARLY_LIMIT {
            return self.fail(SignalError::Flooded { limit: EARLY_LIMIT });
        }
        self.early.push((from, item));
    }

    fn peer(&self, to: PartyId) -> Result<&Fingerprint, SignalError> {
        match &self.state {
            State::Ended => Err(self.failed.clone().unwrap_or(SignalError::Closed { reason: None })),
            State::Seated { parties, me, .. } if to != *me => parties.get(to).ok_or(SignalError::NoSuchParty { party: to }),
            _ => Err(SignalError::NoSuchParty { party: to }),
        }
    }

    fn queue_message(&mut self, msg: &ClientMessage) {
        match serde_json::to_string(msg) {
            Ok(text) => {
                let _ = self.queue(Transmit::Text(text), false);
            }
            Err(e) => self.fail(SignalError::Malformed { what: e.to_string() }),
        }
    }

    fn queue(&mut self, transmit: Transmit, paced: bool) -> Result<(), SignalError> {
        if self.is_ended() {
            return Err(self.failed.clone().unwrap_or(SignalError::Closed { reason: None }));
        }
        let size = transmit_len(&transmit);
        if size > self.limits.max_message {
            return Err(SignalError::TooLarge { size, limit: self.limits.max_message });
        }
        if self.queued + size > BACKLOG_LIMIT {
            let error = SignalError::Backlog { queued: self.queued + size, limit: BACKLOG_LIMIT };
            self.fail(error.clone());
            return Err(error);
        }
        self.queued += size;
        self.outbox.push_back((transmit, paced));
        Ok(())
    }

    fn fail(&mut self, error: SignalError) {
        self.state = State::Ended;
        self.failed = Some(error.clone());
        self.outbox.clear();
        self.queued = 0;
        self.early.clear();
        self.events.push_back(Event::Failed(error));
        self.outbox.push_back((Transmit::Close, false));
    }
}

/// The `auth` message answering a server's challenge: `identity` signs
/// [`AUTH_CONTEXT`](crate::protocol::AUTH_CONTEXT) ‖ `nonce` ‖ `origin`,
/// where `nonce` is the challenge's (64 hex digits) and `origin` the
/// server's ([`signal_auth::origin`] of its URL). `None` when the nonce is
/// malformed. [`SignalClient`] answers with it; it is public for drivers
/// that speak the protocol without the machine (the load generator's
/// misbehaving clients, in `examples/load`).
pub fn answer_challenge(identity: &Identity, origin: &str, nonce: &str) -> Option<ClientMessage> {
    let nonce = unhex::<32>(nonce)?;
    let signature = identity.sign(&signal_auth::message(&nonce, origin));
    Some(ClientMessage::Auth { key: identity.public().to_hex(), signature: hex(&signature), server: origin.to_string() })
}

fn transmit_len(t: &Transmit) -> usize {
    match t {
        Transmit::Text(text) => text.len(),
        Transmit::Binary(bytes) => bytes.len(),
        Transmit::Close => 0,
    }
}

fn state_words(state: &State) -> &'static str {
    match state {
        State::Connecting => "waiting for the challenge",
        State::Authenticating => "authenticating",
        State::Joining => "joining the room",
        State::Lobby => "waiting for the parties",
        State::Seated { .. } => "in session",
        State::Ended => "closed",
    }
}

fn message_type(msg: &ServerMessage) -> &'static str {
    match msg {
        ServerMessage::Challenge { .. } => "challenge",
        ServerMessage::Welcome { .. } => "welcome",
        ServerMessage::Joined { .. } => "joined",
        ServerMessage::Presence { .. } => "presence",
        ServerMessage::Signal { .. } => "signal",
        ServerMessage::Error { .. } => "error",
    }
}
