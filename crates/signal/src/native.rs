//! The native client: a tokio driver of the [`SignalClient`] machine that
//! joins a room and relays a session's frames through the server, as a
//! blocking [`Transport`] for the engine.
//!
//! The WebSocket runs on its own thread with a single-threaded tokio
//! runtime; the blocking side sends through a bounded queue and receives
//! from one queue per peer. A peer that leaves the room, the server closing
//! the connection or ending the room, or a peer that stays silent past the
//! timeout all end `recv` with a typed error, so a session never hangs on a
//! vanished peer.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use cohort_channel::{Fingerprint, Identity, Invite};
use cohort_transport::{PartyId, Transport, TransportError, UNREAD_LIMIT};
use futures_util::{SinkExt, StreamExt};
use tokio::sync::mpsc as tokio_mpsc;
use tokio_tungstenite::{Connector, connect_async_tls_with_config};
use tungstenite::Message;

use crate::Endpoint;
use crate::client::{ClientConfig, Event, Output, Seats, SignalClient, SignalError, Transmit};

/// What the relay thread delivers for one peer.
type Delivery = Result<Vec<u8>, TransportError>;

/// One peer's frames, as the blocking side reads them, and how many bytes
/// of them are unread (the relay thread adds, the reader subtracts).
struct Inbox {
    frames: mpsc::Receiver<Delivery>,
    unread: Arc<AtomicUsize>,
}

/// What the blocking side asks of the relay thread.
enum Command {
    Frame(PartyId, Vec<u8>),
    Leave,
}

/// A session's parties reached through a signal server's relay.
pub struct RelayTransport {
    out: tokio_mpsc::Sender<Command>,
    inbox: Vec<Inbox>,
    /// Unread bytes allowed per peer ([`UNREAD_LIMIT`] until the party says).
    limit: Arc<AtomicUsize>,
    timeout: Duration,
    thread: Option<thread::JoinHandle<()>>,
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
    ) -> Result<Self, SignalError> {
        if parties.get(me) != Some(&identity.fingerprint()) {
            return Err(SignalError::NotSeated { fingerprint: identity.fingerprint() });
        }
        let config = ClientConfig {
            url: server.url().to_string(),
            room: room.to_string(),
            token: None,
            seats: Seats::Listed(parties),
            relay_only: true,
            lobby_timeout: timeout,
        };
        Self::start(server, identity, config).map(|(transport, _, _)| transport)
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
    ) -> Result<(Self, Vec<Fingerprint>, PartyId), SignalError> {
        let seats = match invite.roster() {
            Some(roster) => {
                if invite.seat_of(&identity.fingerprint()).is_none() {
                    return Err(SignalError::NotSeated { fingerprint: identity.fingerprint() });
                }
                Seats::Listed(roster.fingerprints())
            }
            None => Seats::Open(invite.parties()),
        };
        let config = ClientConfig {
            url: server.url().to_string(),
            room: invite.session().to_string(),
            token: Some(invite.token().to_hex()),
            seats,
            relay_only: true,
            lobby_timeout: timeout,
        };
        Self::start(server, identity, config)
    }

    fn start(server: &Endpoint, identity: &Identity, config: ClientConfig) -> Result<(Self, Vec<Fingerprint>, PartyId), SignalError> {
        let connector = server.connector().map_err(SignalError::BadUrl)?;
        let timeout = config.lobby_timeout;
        let own = Identity::from_file(&identity.to_file()).map_err(|e| SignalError::BadUrl(e.to_string()))?;
        let client = SignalClient::new(config, own, Duration::ZERO)?;
        let limit = Arc::new(AtomicUsize::new(UNREAD_LIMIT));
        let feed_limit = limit.clone();
        let (out_tx, out_rx) = tokio_mpsc::channel::<Command>(1024);
        let (ready_tx, ready_rx) = mpsc::channel::<Result<(Vec<Fingerprint>, PartyId, Vec<Inbox>), SignalError>>();
        let url = server.url().to_string();
        let thread = thread::Builder::new()
            .name("signal-relay".into())
            .spawn(move || {
                let rt = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
                    Ok(rt) => rt,
                    Err(e) => {
                        let _ = ready_tx.send(Err(SignalError::Unreachable { url, detail: format!("no runtime for the relay: {e}") }));
                        return;
                    }
                };
                rt.block_on(drive(client, url, connector, timeout, out_rx, ready_tx, feed_limit));
            })
            .map_err(|e| SignalError::Unreachable { url: server.url().to_string(), detail: format!("no thread for the relay: {e}") })?;
        // The machine enforces the deadline; the margin covers a thread that never answers.
        let (parties, me, inbox) = match ready_rx.recv_timeout(timeout + Duration::from_secs(5)) {
            Ok(ready) => ready?,
            Err(_) => return Err(SignalError::LobbyTimeout { after: timeout, present: 0, needed: 0 }),
        };
        Ok((RelayTransport { out: out_tx, inbox, limit, timeout, thread: Some(thread) }, parties, me))
    }

    /// Lowers how many bytes of frames each peer may have unread (by
    /// default [`UNREAD_LIMIT`]) to what the party needs, e.g.
    /// `cohort_party::Party::unread_limit`; past it the peer floods.
    pub fn limit_unread(&self, limit: usize) {
        self.limit.store(limit, Ordering::Relaxed);
    }
}

impl Drop for RelayTransport {
    fn drop(&mut self) {
        let _ = self.out.try_send(Command::Leave);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Transport for RelayTransport {
    fn send(&mut self, to: PartyId, msg: Vec<u8>) -> Result<(), TransportError> {
        if to >= self.inbox.len() {
            return Err(TransportError::NoSuchParty { party: to });
        }
        self.out.blocking_send(Command::Frame(to, msg)).map_err(|_| TransportError::closed("the connection to the signal server is closed"))
    }

    fn recv(&mut self, from: PartyId) -> Result<Vec<u8>, TransportError> {
        let inbox = self.inbox.get(from).ok_or(TransportError::NoSuchParty { party: from })?;
        match inbox.frames.recv_timeout(self.timeout) {
            Ok(Ok(frame)) => {
                inbox.unread.fetch_sub(frame.len(), Ordering::Relaxed);
                Ok(frame)
            }
            Ok(Err(e)) => Err(e),
            Err(mpsc::RecvTimeoutError::Timeout) => Err(TransportError::Timeout { party: from, after: self.timeout }),
            Err(mpsc::RecvTimeoutError::Disconnected) => Err(TransportError::closed("the connection to the signal server is closed")),
        }
    }
}

type Ready = mpsc::Sender<Result<(Vec<Fingerprint>, PartyId, Vec<Inbox>), SignalError>>;

/// The relay thread's side of one peer's inbox.
struct Feed {
    frames: mpsc::Sender<Delivery>,
    unread: Arc<AtomicUsize>,
    limit: Arc<AtomicUsize>,
    flooded: bool,
}

impl Feed {
    /// Queues a frame, or past the unread limit fails the peer's reads (once) and drops it.
    fn frame(&mut self, party: PartyId, payload: Vec<u8>) {
        if self.flooded {
            return;
        }
        let size = self.unread.fetch_add(payload.len(), Ordering::Relaxed) + payload.len();
        let limit = self.limit.load(Ordering::Relaxed);
        if size > limit {
            self.flooded = true;
            let _ = self.frames.send(Err(TransportError::Flooded { party, size, limit }));
        } else {
            let _ = self.frames.send(Ok(payload));
        }
    }

    fn fail(&self, e: TransportError) {
        let _ = self.frames.send(Err(e));
    }
}

/// The relay thread: the WebSocket, the clock and the machine. `url` is the
/// server's, for errors; the WebSocket is the room's own, at the machine's
/// [`SignalClient::socket_url`] (one per room, so that a load balancer can
/// send a room's parties to the same server instance).
async fn drive(
    mut client: SignalClient,
    url: String,
    connector: Connector,
    timeout: Duration,
    mut commands: tokio_mpsc::Receiver<Command>,
    ready: Ready,
    limit: Arc<AtomicUsize>,
) {
    let start = Instant::now();
    let now = || start.elapsed();
    let connecting = connect_async_tls_with_config(client.socket_url(), None, true, Some(connector));
    let ws = match tokio::time::timeout(timeout, connecting).await {
        Ok(Ok((ws, _))) => ws,
        Ok(Err(e)) => {
            let _ = ready.send(Err(SignalError::Unreachable { url, detail: e.to_string() }));
            return;
        }
        Err(_) => {
            let _ = ready.send(Err(SignalError::Unreachable { url, detail: "no answer in time".into() }));
            return;
        }
    };
    let (mut sink, mut stream) = ws.split();
    let mut inbox: Vec<Feed> = Vec::new();
    let mut ready = Some(ready);
    loop {
        let wake = loop {
            match client.poll_output(now()) {
                Output::Transmit(Transmit::Text(text)) => {
                    if let Err(e) = sink.send(Message::Text(text.into())).await {
                        client.handle_close(now(), Some(e.to_string()));
                    }
                }
                Output::Transmit(Transmit::Binary(bytes)) => {
                    if let Err(e) = sink.send(Message::Binary(bytes.into())).await {
                        client.handle_close(now(), Some(e.to_string()));
                    }
                }
                Output::Transmit(Transmit::Close) => {
                    let _ = sink.send(Message::Close(None)).await;
                    return;
                }
                Output::Event(Event::Seated { parties, me }) => {
                    let mut receivers = Vec::new();
                    for _ in 0..parties.len() {
                        let (frames, from_relay) = mpsc::channel();
                        let unread = Arc::new(AtomicUsize::new(0));
                        inbox.push(Feed { frames, unread: unread.clone(), limit: limit.clone(), flooded: false });
                        receivers.push(Inbox { frames: from_relay, unread });
                    }
                    if let Some(ready) = ready.take() {
                        let _ = ready.send(Ok((parties, me, receivers)));
                    }
                }
                Output::Event(Event::Frame { from, payload }) => inbox[from].frame(from, payload),
                Output::Event(Event::PeerGone { party }) => inbox[party].fail(TransportError::PeerGone { party }),
                Output::Event(Event::Failed(e)) => match ready.take() {
                    Some(ready) => {
                        let _ = ready.send(Err(e));
                    }
                    None => {
                        for feed in &inbox {
                            feed.fail(TransportError::closed(e.to_string()));
                        }
                    }
                },
                Output::Event(Event::Welcome { .. } | Event::Arrived { .. } | Event::Signal { .. }) => {}
                Output::Timeout(at) => break Some(at),
                Output::Idle => break None,
            }
        };
        let sleep = async {
            match wake {
                Some(at) => tokio::time::sleep_until(tokio::time::Instant::from_std(start + at)).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            command = commands.recv() => match command {
                Some(Command::Frame(to, payload)) => {
                    if let Err(e) = client.send_frame(to, &payload) {
                        for feed in &inbox {
                            feed.fail(TransportError::closed(e.to_string()));
                        }
                    }
                }
                Some(Command::Leave) | None => client.leave(),
            },
            incoming = stream.next() => match incoming {
                Some(Ok(Message::Text(text))) => client.handle_text(now(), &text),
                Some(Ok(Message::Binary(frame))) => client.handle_binary(now(), &frame),
                Some(Ok(Message::Close(frame))) => client.handle_close(now(), frame.map(|f| f.reason.to_string())),
                Some(Ok(_)) => {}
                Some(Err(e)) => client.handle_close(now(), Some(e.to_string())),
                None => client.handle_close(now(), None),
            },
            () = sleep => client.handle_timeout(now()),
        }
    }
}
