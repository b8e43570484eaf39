//! A full TCP mesh between the parties of a session.
//!
//! ```text
//!  dialling party j > i                      listening party i
//!  connect ─────────────────────────────────► accept (at most PENDING_PER_PEER per peer at once,
//!  greeting: COHORT1\0, j (u32 LE) ─────────►         each on its own thread, auth_timeout from accept)
//!  authenticate(i, link) ◄── frames ────────► authenticate(j, link)
//!                                             Ok: seat j (unless seated); anything else: drop, count
//! ```

use std::io::{self, BufReader, ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use cohort_transport::{PartyId, Result, Transport, TransportError};

/// The magic a dialling party's greeting opens with.
const MAGIC: &[u8; 8] = b"COHORT1\0";
/// Bytes of a greeting: the magic, then the dialling party's id (u32 LE).
const GREETING: usize = MAGIC.len() + 4;

/// The largest frame a [`Link`] carries (or [`MeshConfig::max_frame`] if
/// smaller): authentication messages are a few hundred bytes, and a
/// connection that has not authenticated may not make this party hold more.
pub const SETUP_MAX_FRAME: usize = 64 << 10;

/// How many accepted connections may be greeting and authenticating at
/// once, per peer this party accepts. Further connections wait in the
/// listener's backlog until one of those is seated or dropped.
pub const PENDING_PER_PEER: usize = 4;

/// How often the accept loop looks for new connections while waiting.
const POLL: Duration = Duration::from_millis(2);

/// A frame's bytes are read into memory in pieces that double from this
/// size, so a peer announcing a large frame that never comes makes this
/// party allocate about as much as it sent, never more than the frame.
const FIRST_PIECE: usize = 64 << 10;

/// Settings for a [`TcpMesh`].
#[derive(Clone, Debug)]
pub struct MeshConfig {
    /// How long to keep trying to reach and admit peers when connecting.
    pub connect_timeout: Duration,
    /// How long an accepted connection has, from its accept, to greet and
    /// authenticate before it is dropped.
    pub auth_timeout: Duration,
    /// How long to wait for a peer's next message before giving up.
    pub read_timeout: Duration,
    /// The largest frame accepted or sent, in bytes.
    pub max_frame: usize,
    /// How long a receive polls an idle connection before it sleeps in the
    /// kernel. A party waiting for a peer that answers within microseconds
    /// (parties on one machine or one LAN) then sees the message without a
    /// wake-up from sleep, which costs a few tens of microseconds a round;
    /// a slower peer costs this much CPU a wait. Zero turns polling off.
    /// (Unix only; elsewhere receives always sleep.)
    pub spin: Duration,
}

impl Default for MeshConfig {
    fn default() -> Self {
        MeshConfig {
            connect_timeout: Duration::from_secs(30),
            auth_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(60),
            max_frame: 256 << 20,
            spin: Duration::from_micros(SPIN_MICROS),
        }
    }
}

/// The default [`MeshConfig::spin`], in microseconds.
const SPIN_MICROS: u64 = 50;

/// The sending side of one connection. A frame is handed to the kernel
/// straight from the party's thread when the writer thread is idle, as far
/// as the socket's buffer takes it without waiting; whatever does not fit
/// goes to the writer thread, which waits for the peer to read. So a send
/// never blocks the party, which may have to read from a peer that is
/// itself writing to it, and the usual round's frame costs no hand-over
/// between threads.
struct Writer {
    stream: TcpStream,
    queue: mpsc::Sender<Queued>,
    /// Frames queued or being written by the writer thread.
    pending: Arc<AtomicUsize>,
}

/// A frame for the writer thread: its message, and how many bytes of the
/// frame (the 4-byte length, then the message) the kernel already took.
struct Queued {
    msg: Vec<u8>,
    written: usize,
}

impl Queued {
    /// Writes what remains of the frame, waiting as long as it takes.
    fn write_rest(&self, mut stream: &TcpStream) -> io::Result<()> {
        let header = (self.msg.len() as u32).to_le_bytes();
        stream.write_all(&header[self.written.min(4)..])?;
        stream.write_all(&self.msg[self.written.saturating_sub(4)..])
    }
}

/// Sends as much of the frame for `msg` as the socket takes without
/// waiting (none where that cannot be asked for), and says how much.
fn write_now(stream: &TcpStream, msg: &[u8]) -> io::Result<usize> {
    #[cfg(unix)]
    {
        use rustix::net::{SendAncillaryBuffer, SendFlags, sendmsg};
        let header = (msg.len() as u32).to_le_bytes();
        let frame = [io::IoSlice::new(&header), io::IoSlice::new(msg)];
        // A closed peer is an error here, not a SIGPIPE (as std's writes on Linux).
        #[cfg(any(target_os = "linux", target_os = "android"))]
        let flags = SendFlags::DONTWAIT | SendFlags::NOSIGNAL;
        #[cfg(not(any(target_os = "linux", target_os = "android")))]
        let flags = SendFlags::DONTWAIT;
        loop {
            match sendmsg(stream, &frame, &mut SendAncillaryBuffer::default(), flags) {
                Ok(n) => return Ok(n),
                Err(rustix::io::Errno::AGAIN) => return Ok(0),
                Err(rustix::io::Errno::INTR) => {}
                Err(e) => return Err(e.into()),
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (stream, msg);
        Ok(0)
    }
}

/// One party's connections to every other party.
pub struct TcpMesh {
    me: PartyId,
    readers: Vec<Option<BufReader<TcpStream>>>,
    writers: Vec<Option<Writer>>,
    max_frame: usize,
    read_timeout: Duration,
    spin: Duration,
    turned_away: usize,
}

fn io_err(context: String) -> impl FnOnce(io::Error) -> TransportError {
    move |e| TransportError::io(context, e)
}

/// A connection being set up, before it has a seat: what an authenticator
/// (see [`TcpMesh::connect`]) exchanges with the party at the other end —
/// the party an accepted connection claims to be, or the party dialled.
/// Frames are length-prefixed as the mesh's, at most [`SETUP_MAX_FRAME`]
/// bytes, and every read and write fails once the setup deadline passes.
/// It is a [`Transport`] that reaches [`Link::peer`] alone.
pub struct Link {
    stream: TcpStream,
    peer: PartyId,
    deadline: Instant,
    /// The time this link was given, for [`TransportError::Timeout`].
    budget: Duration,
    max_frame: usize,
}

impl Link {
    /// The party at the other end (claimed, until authenticated).
    pub fn peer(&self) -> PartyId {
        self.peer
    }

    fn check(&self, party: PartyId) -> Result<()> {
        if party != self.peer {
            return Err(TransportError::NoSuchParty { party });
        }
        Ok(())
    }

    fn describe(&self, e: io::Error) -> TransportError {
        describe(self.peer, self.budget, e)
    }
}

impl Transport for Link {
    fn send(&mut self, to: PartyId, msg: Vec<u8>) -> Result<()> {
        self.check(to)?;
        if msg.len() > self.max_frame {
            return Err(TransportError::io(
                format!("authenticating with party {to}"),
                format!("a {}-byte message exceeds the {}-byte limit while connecting", msg.len(), self.max_frame),
            ));
        }
        let mut frame = Vec::with_capacity(4 + msg.len());
        frame.extend_from_slice(&(msg.len() as u32).to_le_bytes());
        frame.extend_from_slice(&msg);
        write_by(&self.stream, &frame, self.deadline).map_err(|e| self.describe(e))
    }

    fn recv(&mut self, from: PartyId) -> Result<Vec<u8>> {
        self.check(from)?;
        let mut reader = ReadBy { stream: &self.stream, deadline: self.deadline };
        read_frame(&mut reader, self.max_frame).map_err(|e| match e {
            FrameError::TooLong(size) => TransportError::Flooded { party: from, size, limit: self.max_frame },
            FrameError::Io(e) => self.describe(e),
        })
    }
}

/// A read error from party `party`, whose reads wait at most `after`, as a
/// transport error.
fn describe(party: PartyId, after: Duration, e: io::Error) -> TransportError {
    match e.kind() {
        ErrorKind::UnexpectedEof | ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted | ErrorKind::BrokenPipe => {
            TransportError::PeerGone { party }
        }
        ErrorKind::WouldBlock | ErrorKind::TimedOut => TransportError::Timeout { party, after },
        _ => TransportError::io(format!("reading from party {party}"), e),
    }
}

/// Reads from a socket, each read waiting only until `deadline`.
struct ReadBy<'a> {
    stream: &'a TcpStream,
    deadline: Instant,
}

impl Read for ReadBy<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(ErrorKind::TimedOut.into());
        }
        self.stream.set_read_timeout(Some(left))?;
        (&mut &*self.stream).read(buf)
    }
}

/// Writes all of `bytes`, each write waiting only until `deadline`.
fn write_by(mut stream: &TcpStream, mut bytes: &[u8], deadline: Instant) -> io::Result<()> {
    while !bytes.is_empty() {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(ErrorKind::TimedOut.into());
        }
        stream.set_write_timeout(Some(left))?;
        match stream.write(bytes) {
            Ok(0) => return Err(ErrorKind::WriteZero.into()),
            Ok(n) => bytes = &bytes[n..],
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Returns once `stream` has data (or an end or error to report), or once
/// `spin` has passed, polling without blocking and yielding the CPU between
/// polls (see [`MeshConfig::spin`]).
fn poll_briefly(stream: &TcpStream, spin: Duration) {
    #[cfg(unix)]
    {
        use rustix::net::RecvFlags;
        if spin.is_zero() {
            return;
        }
        let start = Instant::now();
        let mut probe = [0u8; 1];
        loop {
            match rustix::net::recv(stream, &mut probe[..], RecvFlags::PEEK | RecvFlags::DONTWAIT) {
                Err(e) if e == rustix::io::Errno::AGAIN || e == rustix::io::Errno::INTR => {}
                _ => return,
            }
            if start.elapsed() >= spin {
                return;
            }
            thread::yield_now();
        }
    }
}

/// Why a frame could not be read.
enum FrameError {
    /// Its length prefix announced more than the limit.
    TooLong(usize),
    /// The stream failed or ended.
    Io(io::Error),
}

/// Reads one frame: a `u32` little-endian length of at most `max_frame`,
/// then that many bytes, held in memory only as they arrive.
fn read_frame(r: &mut impl Read, max_frame: usize) -> Result<Vec<u8>, FrameError> {
    let mut len = [0u8; 4];
    r.read_exact(&mut len).map_err(FrameError::Io)?;
    let len = u32::from_le_bytes(len) as usize;
    if len > max_frame {
        return Err(FrameError::TooLong(len));
    }
    let mut buf = Vec::new();
    while buf.len() < len {
        let start = buf.len();
        let end = if start == 0 { len.min(FIRST_PIECE) } else { len.min(start.saturating_mul(2)) };
        buf.reserve_exact(end - start);
        buf.resize(end, 0);
        r.read_exact(&mut buf[start..]).map_err(FrameError::Io)?;
    }
    Ok(buf)
}

/// The party a greeting claims to be, if it is a greeting.
fn parse_greeting(greeting: &[u8; GREETING]) -> Option<PartyId> {
    let (magic, party) = greeting.split_at(MAGIC.len());
    (magic == MAGIC).then(|| u32::from_le_bytes(party.try_into().expect("4 bytes")) as PartyId)
}

/// The connections being set up, so that setup can cut them short when it
/// ends (a silent connection's read then fails at once).
struct Opening {
    stopped: AtomicBool,
    open: Mutex<Vec<Option<TcpStream>>>,
}

impl Opening {
    /// Keeps a handle on `stream`; `None` once setup has ended (or the
    /// handle cannot be had).
    fn register(&self, stream: &TcpStream) -> Option<usize> {
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        if self.stopped.load(Ordering::Acquire) {
            return None;
        }
        let handle = stream.try_clone().ok()?;
        match open.iter().position(Option::is_none) {
            Some(i) => {
                open[i] = Some(handle);
                Some(i)
            }
            None => {
                open.push(Some(handle));
                Some(open.len() - 1)
            }
        }
    }

    fn release(&self, i: usize) {
        self.open.lock().unwrap_or_else(PoisonError::into_inner)[i] = None;
    }

    /// Ends setup: every connection still being set up is shut down.
    fn stop(&self) {
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        self.stopped.store(true, Ordering::Release);
        for stream in open.iter_mut().filter_map(Option::take) {
            let _ = stream.shutdown(Shutdown::Both);
        }
    }
}

/// What a setup thread reports to the accept loop.
enum Event<P, E> {
    /// An accepted connection authenticated as `party`.
    Admitted { party: PartyId, stream: TcpStream, proof: P },
    /// An accepted connection was dropped unseated, with the error of its
    /// authentication as `party` if it got that far.
    TurnedAway { failed: Option<(PartyId, E)> },
    /// A dialled party authenticated, or could not be reached or authenticated.
    Dialled { party: PartyId, outcome: Result<(TcpStream, P), E> },
}

/// What setup hands on: each peer's connection and proof, and how many
/// accepted connections were dropped.
type Seated<P> = (Vec<Option<(TcpStream, P)>>, usize);

impl TcpMesh {
    /// Connects party `me` to the parties at `addrs` (indexed by party id),
    /// listening on `addrs[me]` unless a bound `listener` is given. Dials
    /// every lower-numbered party and accepts every higher-numbered one,
    /// all at once; returns the mesh and, per peer, what `authenticate`
    /// returned for its connection (`None` for `me`).
    ///
    /// `authenticate(peer, link)` runs over each new connection: on a
    /// dialled one after this party's greeting, on an accepted one for the
    /// party its greeting claims. A connection is seated only once it
    /// returns `Ok`, so it must prove that the other end holds `peer`'s key
    /// (as `cohort_channel::handshake_peer` does); one that accepts anything
    /// seats whoever greets first, and serves tests only. An accepted
    /// connection that does not greet, claims a party this party does not
    /// accept or one already seated, fails `authenticate`, or takes longer
    /// than [`MeshConfig::auth_timeout`], is dropped and counted
    /// ([`TcpMesh::turned_away`]); the rightful party can still connect. A
    /// dialled party's failure is the error.
    ///
    /// Fails if a party to accept has not authenticated within
    /// [`MeshConfig::connect_timeout`]: with the error of the last
    /// connection that claimed it and failed `authenticate` (a peer with
    /// another key or of another session, or an impostor), or else
    /// [`TransportError::NotConnected`].
    pub fn connect<P, E, A>(
        me: PartyId,
        addrs: &[SocketAddr],
        listener: Option<TcpListener>,
        config: &MeshConfig,
        authenticate: A,
    ) -> Result<(TcpMesh, Vec<Option<P>>), E>
    where
        P: Send,
        E: From<TransportError> + Send,
        A: Fn(PartyId, &mut Link) -> Result<P, E> + Sync,
    {
        let m = addrs.len();
        if me >= m {
            return Err(TransportError::NoSuchParty { party: me }.into());
        }
        let listener = match listener {
            Some(l) => l,
            None => TcpListener::bind(addrs[me]).map_err(io_err(format!("cannot listen on {}", addrs[me])))?,
        };
        listener.set_nonblocking(true).map_err(io_err("listener".into()))?;
        let opening = Opening { stopped: AtomicBool::new(false), open: Mutex::new(Vec::new()) };
        let seats: Vec<AtomicBool> = (0..m).map(|_| AtomicBool::new(false)).collect();
        let setup = Setup { me, addrs, config, authenticate: &authenticate, opening: &opening, seats: &seats };
        let (seated, turned_away) = thread::scope(|scope| {
            let outcome = setup.run(scope, &listener);
            // Silent or half-authenticated connections end now, so the
            // scope's threads return at once.
            opening.stop();
            outcome
        })?;
        let mut readers = Vec::with_capacity(m);
        let mut writers = Vec::with_capacity(m);
        let mut proofs = Vec::with_capacity(m);
        for (j, seat) in seated.into_iter().enumerate() {
            let Some((stream, proof)) = seat else {
                readers.push(None);
                writers.push(None);
                proofs.push(None);
                continue;
            };
            let (reader, writer) = Self::open(j, stream, config)?;
            readers.push(Some(reader));
            writers.push(Some(writer));
            proofs.push(Some(proof));
        }
        let mesh = TcpMesh {
            me,
            readers,
            writers,
            max_frame: config.max_frame,
            read_timeout: config.read_timeout,
            spin: config.spin,
            turned_away,
        };
        Ok((mesh, proofs))
    }

    /// How many accepted connections were dropped without a seat while
    /// connecting: garbage, impostors, the silent and duplicates.
    pub fn turned_away(&self) -> usize {
        self.turned_away
    }

    /// The reading and writing sides of party `j`'s seated connection.
    fn open(j: PartyId, stream: TcpStream, config: &MeshConfig) -> Result<(BufReader<TcpStream>, Writer)> {
        stream.set_nodelay(true).map_err(io_err(format!("socket to party {j}")))?;
        stream.set_read_timeout(Some(config.read_timeout)).map_err(io_err(format!("socket to party {j}")))?;
        stream.set_write_timeout(None).map_err(io_err(format!("socket to party {j}")))?;
        let write_half = stream.try_clone().map_err(io_err(format!("socket to party {j}")))?;
        let direct = stream.try_clone().map_err(io_err(format!("socket to party {j}")))?;
        let (tx, rx) = mpsc::channel::<Queued>();
        let pending = Arc::new(AtomicUsize::new(0));
        let done = pending.clone();
        thread::Builder::new()
            .name(format!("cohort-send-{j}"))
            .spawn(move || {
                for queued in rx {
                    if queued.write_rest(&write_half).is_err() {
                        break; // the reader side reports the broken connection
                    }
                    done.fetch_sub(1, Ordering::Release);
                }
                let _ = write_half.shutdown(Shutdown::Write);
            })
            .map_err(io_err("spawning a writer thread".into()))?;
        Ok((BufReader::with_capacity(1 << 16, stream), Writer { stream: direct, queue: tx, pending }))
    }

    fn peer_index(&self, j: PartyId) -> Result<()> {
        if j == self.me || j >= self.readers.len() {
            return Err(TransportError::NoSuchParty { party: j });
        }
        Ok(())
    }
}

/// One party's mesh being set up: what every setup thread shares.
struct Setup<'a, A> {
    me: PartyId,
    addrs: &'a [SocketAddr],
    config: &'a MeshConfig,
    authenticate: &'a A,
    opening: &'a Opening,
    /// Which parties are seated, so a connection claiming one is dropped
    /// before it authenticates.
    seats: &'a [AtomicBool],
}

impl<'a, A> Setup<'a, A> {
    /// Dials the lower-numbered parties and accepts the higher-numbered
    /// ones until every peer is seated, a dialled party fails, or the
    /// deadline passes for a party to accept.
    fn run<'scope, P, E>(&'scope self, scope: &'scope thread::Scope<'scope, '_>, listener: &TcpListener) -> Result<Seated<P>, E>
    where
        'a: 'scope,
        P: Send + 'scope,
        E: From<TransportError> + Send + 'scope,
        A: Fn(PartyId, &mut Link) -> Result<P, E> + Sync,
    {
        let (me, m) = (self.me, self.addrs.len());
        let deadline = Instant::now() + self.config.connect_timeout;
        let (tx, rx) = mpsc::channel::<Event<P, E>>();
        for j in 0..me {
            let tx = tx.clone();
            thread::Builder::new()
                .name(format!("cohort-dial-{j}"))
                .spawn_scoped(scope, move || {
                    let _ = tx.send(Event::Dialled { party: j, outcome: self.dial(j, deadline) });
                })
                .map_err(io_err("spawning a dialling thread".into()))?;
        }
        let mut seated: Vec<Option<(TcpStream, P)>> = (0..m).map(|_| None).collect();
        // The last failed authentication as each party: the error if that
        // party never authenticates.
        let mut failed: Vec<Option<E>> = (0..m).map(|_| None).collect();
        let cap = PENDING_PER_PEER * (m - me - 1).max(1);
        let (mut pending, mut turned_away) = (0, 0);
        loop {
            if (0..m).all(|j| j == me || seated[j].is_some()) {
                return Ok((seated, turned_away + pending));
            }
            let missing = (me + 1..m).find(|&j| seated[j].is_none());
            if let Some(party) = missing.filter(|_| Instant::now() >= deadline) {
                let not_connected = || TransportError::NotConnected { party, after: self.config.connect_timeout }.into();
                return Err(failed[party].take().unwrap_or_else(not_connected));
            }
            if missing.is_some() && pending < cap {
                match listener.accept() {
                    Ok((stream, _)) => {
                        let Some(handle) = self.opening.register(&stream) else {
                            turned_away += 1;
                            continue;
                        };
                        pending += 1;
                        let tx = tx.clone();
                        thread::Builder::new()
                            .name("cohort-admit".into())
                            .spawn_scoped(scope, move || {
                                let event = match self.admit(stream) {
                                    Ok((party, stream, proof)) => Event::Admitted { party, stream, proof },
                                    Err(failed) => Event::TurnedAway { failed },
                                };
                                self.opening.release(handle);
                                let _ = tx.send(event);
                            })
                            .map_err(io_err("spawning a thread for a new connection".into()))?;
                        continue;
                    }
                    Err(e) if e.kind() == ErrorKind::WouldBlock => {}
                    // The connection was reset before it was accepted.
                    Err(e) if matches!(e.kind(), ErrorKind::ConnectionAborted | ErrorKind::ConnectionReset | ErrorKind::Interrupted) => {}
                    Err(e) => return Err(TransportError::io("accepting connections", e).into()),
                }
            }
            match rx.recv_timeout(POLL) {
                Ok(Event::Admitted { party, stream, proof }) => {
                    pending -= 1;
                    if seated[party].is_none() {
                        self.seats[party].store(true, Ordering::Release);
                        seated[party] = Some((stream, proof));
                    } else {
                        turned_away += 1;
                    }
                }
                Ok(Event::TurnedAway { failed: failure }) => {
                    pending -= 1;
                    turned_away += 1;
                    if let Some((party, e)) = failure {
                        failed[party] = Some(e);
                    }
                }
                Ok(Event::Dialled { party, outcome }) => seated[party] = Some(outcome?),
                Err(_) => {} // nothing new yet (the sender `tx` lives here)
            }
        }
    }

    /// Reads an accepted connection's greeting and authenticates it as the
    /// party it claims, within the authentication deadline. An error drops
    /// the connection; it holds the party and the authentication's error
    /// if the greeting was one this party accepts.
    fn admit<P, E>(&self, stream: TcpStream) -> Result<(PartyId, TcpStream, P), Option<(PartyId, E)>>
    where
        A: Fn(PartyId, &mut Link) -> Result<P, E>,
    {
        let deadline = Instant::now() + self.config.auth_timeout;
        stream.set_nonblocking(false).map_err(|_| None)?;
        let mut greeting = [0u8; GREETING];
        ReadBy { stream: &stream, deadline }.read_exact(&mut greeting).map_err(|_| None)?;
        let party = parse_greeting(&greeting).ok_or(None)?;
        if party <= self.me || party >= self.addrs.len() || self.seats[party].load(Ordering::Acquire) {
            return Err(None);
        }
        let max_frame = self.config.max_frame.min(SETUP_MAX_FRAME);
        let mut link = Link { stream, peer: party, deadline, budget: self.config.auth_timeout, max_frame };
        match (self.authenticate)(party, &mut link) {
            Ok(proof) => Ok((party, link.stream, proof)),
            Err(e) => Err(Some((party, e))),
        }
    }

    /// Reaches party `j`, greets it and authenticates it, by `deadline`.
    fn dial<P, E>(&self, j: PartyId, deadline: Instant) -> Result<(TcpStream, P), E>
    where
        E: From<TransportError>,
        A: Fn(PartyId, &mut Link) -> Result<P, E>,
    {
        let addr = self.addrs[j];
        let unreachable = io_err(format!("cannot reach party {j} at {addr}"));
        let stream = loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match TcpStream::connect_timeout(&addr, left.clamp(Duration::from_millis(1), Duration::from_secs(1))) {
                Ok(s) => break s,
                Err(e) if left.is_zero() || self.opening.stopped.load(Ordering::Acquire) => return Err(unreachable(e).into()),
                Err(_) => thread::sleep(Duration::from_millis(10)),
            }
        };
        let Some(handle) = self.opening.register(&stream) else {
            return Err(TransportError::closed("the mesh stopped connecting").into());
        };
        let mut link =
            Link { stream, peer: j, deadline, budget: self.config.connect_timeout, max_frame: self.config.max_frame.min(SETUP_MAX_FRAME) };
        let mut greeting = MAGIC.to_vec();
        greeting.extend_from_slice(&(self.me as u32).to_le_bytes());
        let outcome = write_by(&link.stream, &greeting, deadline)
            .map_err(|e| E::from(link.describe(e)))
            .and_then(|()| (self.authenticate)(j, &mut link));
        self.opening.release(handle);
        Ok((link.stream, outcome?))
    }
}

impl Transport for TcpMesh {
    fn send(&mut self, to: PartyId, msg: Vec<u8>) -> Result<()> {
        self.peer_index(to)?;
        if msg.len() > self.max_frame {
            return Err(TransportError::io(
                format!("sending to party {to}"),
                format!("a {}-byte message exceeds the {}-byte frame limit", msg.len(), self.max_frame),
            ));
        }
        let writer = self.writers[to].as_mut().expect("peer has a writer");
        let closed = || TransportError::PeerGone { party: to };
        // Only this thread adds frames, so `pending == 0` means the writer
        // thread is idle and a direct write cannot interleave with it.
        let mut written = 0;
        if writer.pending.load(Ordering::Acquire) == 0 {
            written = write_now(&writer.stream, &msg).map_err(|_| closed())?;
            if written == 4 + msg.len() {
                return Ok(());
            }
        }
        writer.pending.fetch_add(1, Ordering::AcqRel);
        writer.queue.send(Queued { msg, written }).map_err(|_| closed())
    }

    fn recv(&mut self, from: PartyId) -> Result<Vec<u8>> {
        self.peer_index(from)?;
        let reader = self.readers[from].as_mut().expect("peer has a reader");
        if reader.buffer().is_empty() {
            poll_briefly(reader.get_ref(), self.spin);
        }
        read_frame(reader, self.max_frame).map_err(|e| match e {
            FrameError::TooLong(size) => TransportError::Flooded { party: from, size, limit: self.max_frame },
            FrameError::Io(e) => describe(from, self.read_timeout, e),
        })
    }
}
