//! A full TCP mesh between the parties of a session.

use std::io::{BufReader, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use cohort_transport::{PartyId, Result, Transport, TransportError};

/// Greeting a dialling party sends: magic, then its party id (u32 LE).
const HELLO: &[u8; 8] = b"COHORT1\0";

/// Settings for a [`TcpMesh`].
#[derive(Clone, Debug)]
pub struct MeshConfig {
    /// How long to keep trying to reach peers when connecting.
    pub connect_timeout: Duration,
    /// How long to wait for a peer's next message before giving up.
    pub read_timeout: Duration,
    /// The largest frame accepted or sent, in bytes.
    pub max_frame: usize,
}

impl Default for MeshConfig {
    fn default() -> Self {
        MeshConfig { connect_timeout: Duration::from_secs(30), read_timeout: Duration::from_secs(60), max_frame: 256 << 20 }
    }
}

/// Frames up to this size are written directly when nothing is queued for
/// the peer: they fit the kernel's socket buffer, so the write cannot block
/// on a peer that is itself writing. Larger frames go through the writer
/// thread.
const DIRECT_WRITE_MAX: usize = 32 << 10;

/// The sending side of one connection.
struct Writer {
    stream: TcpStream,
    queue: mpsc::Sender<Vec<u8>>,
    /// Frames queued or being written by the writer thread.
    pending: Arc<AtomicUsize>,
}

/// One party's connections to every other party.
pub struct TcpMesh {
    me: PartyId,
    readers: Vec<Option<BufReader<TcpStream>>>,
    writers: Vec<Option<Writer>>,
    max_frame: usize,
    read_timeout: Duration,
}

fn io_err(context: String) -> impl FnOnce(std::io::Error) -> TransportError {
    move |e| TransportError::io(context, e)
}

impl TcpMesh {
    /// Connects party `me` to the parties at `addrs` (indexed by party id).
    /// Listens on `addrs[me]` unless a bound `listener` is given.
    pub fn connect(me: PartyId, addrs: &[SocketAddr], listener: Option<TcpListener>, config: &MeshConfig) -> Result<Self> {
        let m = addrs.len();
        if me >= m {
            return Err(TransportError::NoSuchParty { party: me });
        }
        let deadline = Instant::now() + config.connect_timeout;
        let listener = match listener {
            Some(l) => l,
            None => TcpListener::bind(addrs[me]).map_err(io_err(format!("cannot listen on {}", addrs[me])))?,
        };
        let mut streams: Vec<Option<TcpStream>> = (0..m).map(|_| None).collect();
        for j in 0..me {
            let mut stream = dial(addrs[j], deadline).map_err(io_err(format!("cannot reach party {j} at {}", addrs[j])))?;
            let mut hello = HELLO.to_vec();
            hello.extend_from_slice(&(me as u32).to_le_bytes());
            stream.write_all(&hello).map_err(io_err(format!("greeting party {j}")))?;
            streams[j] = Some(stream);
        }
        listener.set_nonblocking(true).map_err(io_err("listener".into()))?;
        while streams[me + 1..].iter().any(Option::is_none) {
            match listener.accept() {
                Ok((mut stream, from)) => {
                    stream.set_nonblocking(false).map_err(io_err("accepted socket".into()))?;
                    stream.set_read_timeout(Some(Duration::from_secs(5))).map_err(io_err("accepted socket".into()))?;
                    let mut hello = [0u8; 12];
                    // A stray or misbehaving connection is dropped; the rightful party can still connect.
                    if stream.read_exact(&mut hello).is_err() || &hello[..8] != HELLO {
                        continue;
                    }
                    let j = u32::from_le_bytes(hello[8..].try_into().expect("4 bytes")) as usize;
                    if j <= me || j >= m || streams[j].is_some() {
                        let _ = from;
                        continue;
                    }
                    streams[j] = Some(stream);
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => {
                    if Instant::now() > deadline {
                        let missing = (me + 1..m).find(|&j| streams[j].is_none()).unwrap_or(me);
                        return Err(TransportError::NotConnected { party: missing, after: config.connect_timeout });
                    }
                    thread::sleep(Duration::from_millis(2));
                }
                Err(e) => return Err(TransportError::io("accepting connections", e)),
            }
        }
        let mut readers = Vec::with_capacity(m);
        let mut writers = Vec::with_capacity(m);
        for (j, stream) in streams.into_iter().enumerate() {
            let Some(stream) = stream else {
                readers.push(None);
                writers.push(None);
                continue;
            };
            stream.set_nodelay(true).map_err(io_err(format!("socket to party {j}")))?;
            stream.set_read_timeout(Some(config.read_timeout)).map_err(io_err(format!("socket to party {j}")))?;
            let mut write_half = stream.try_clone().map_err(io_err(format!("socket to party {j}")))?;
            let direct = stream.try_clone().map_err(io_err(format!("socket to party {j}")))?;
            let (tx, rx) = mpsc::channel::<Vec<u8>>();
            let pending = Arc::new(AtomicUsize::new(0));
            let done = pending.clone();
            thread::Builder::new()
                .name(format!("cohort-send-{j}"))
                .spawn(move || {
                    for msg in rx {
                        let header = (msg.len() as u32).to_le_bytes();
                        if write_half.write_all(&header).and_then(|()| write_half.write_all(&msg)).is_err() {
                            break; // the reader side reports the broken connection
                        }
                        done.fetch_sub(1, Ordering::Release);
                    }
                    let _ = write_half.shutdown(std::net::Shutdown::Write);
                })
                .map_err(io_err("spawning a writer thread".into()))?;
            readers.push(Some(BufReader::with_capacity(1 << 16, stream)));
            writers.push(Some(Writer { stream: direct, queue: tx, pending }));
        }
        Ok(TcpMesh { me, readers, writers, max_frame: config.max_frame, read_timeout: config.read_timeout })
    }

    fn peer_index(&self, j: PartyId) -> Result<()> {
        if j == self.me || j >= self.readers.len() {
            return Err(TransportError::NoSuchParty { party: j });
        }
        Ok(())
    }
}

fn dial(addr: SocketAddr, deadline: Instant) -> std::io::Result<TcpStream> {
    loop {
        match TcpStream::connect_timeout(&addr, Duration::from_secs(1)) {
            Ok(s) => return Ok(s),
            Err(e) if Instant::now() > deadline => return Err(e),
            Err(_) => thread::sleep(Duration::from_millis(10)),
        }
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
        if msg.len() <= DIRECT_WRITE_MAX && writer.pending.load(Ordering::Acquire) == 0 {
            let mut frame = Vec::with_capacity(4 + msg.len());
            frame.extend_from_slice(&(msg.len() as u32).to_le_bytes());
            frame.extend_from_slice(&msg);
            return writer.stream.write_all(&frame).map_err(|_| closed());
        }
        writer.pending.fetch_add(1, Ordering::AcqRel);
        writer.queue.send(msg).map_err(|_| closed())
    }

    fn recv(&mut self, from: PartyId) -> Result<Vec<u8>> {
        self.peer_index(from)?;
        let reader = self.readers[from].as_mut().expect("peer has a reader");
        let after = self.read_timeout;
        let describe = |e: std::io::Error| match e.kind() {
            ErrorKind::UnexpectedEof | ErrorKind::ConnectionReset => TransportError::PeerGone { party: from },
            ErrorKind::WouldBlock | ErrorKind::TimedOut => TransportError::Timeout { party: from, after },
            _ => TransportError::io(format!("reading from party {from}"), e),
        };
        let mut len = [0u8; 4];
        reader.read_exact(&mut len).map_err(describe)?;
        let len = u32::from_le_bytes(len) as usize;
        if len > self.max_frame {
            return Err(TransportError::Flooded { party: from, size: len, limit: self.max_frame });
        }
        let mut buf = vec![0u8; len];
        reader.read_exact(&mut buf).map_err(describe)?;
        Ok(buf)
    }
}
