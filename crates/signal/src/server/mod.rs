//! The signal server: WebSocket over TCP (or over TLS, given certificate
//! files), a health endpoint on the same port, and structured logs on stderr.
//!
//! ```text
//!  mod.rs     configuration, the accept loop, ServerHandle, run_until_signal
//!  stream.rs  plain TCP or TLS (rustls), with the request head put back
//!  conn.rs    one connection: GET /health, GET /metrics, a static file, or a WebSocket session (challenge, auth, limits, heartbeat)
//!  site.rs    the static files served beside the signal endpoint (the playground)
//!  hub.rs     rooms and memberships without I/O: who is present, who gets which message
//!  budget.rs  bytes queued per connection and for all of them
//!  rate.rs    token buckets: messages per connection, authentications per address
//!  metrics.rs the Prometheus (OpenMetrics) text of /metrics
//!  log.rs     one JSON object per line, without secrets
//! ```
//!
//! Every client has a bounded outgoing queue that the hub fills without
//! waiting; a client that does not keep up is disconnected (`queue_full`),
//! so no client can hold up another. The queues are bounded in messages
//! and in bytes, each, and all of them together by the server's memory
//! budget (`memory_budget`, see `budget.rs`). Rooms live until their last member
//! leaves or disconnects, or until `room_lifetime_secs` after creation; then
//! the remaining members get a (non-fatal) `unknown_room` error naming the
//! room, and the room is gone.
//!
//! ```
//! use cohort_signal::server::{ServerConfig, ServerHandle};
//!
//! let config = ServerConfig { listen: "127.0.0.1:0".parse().unwrap(), log: false, ..ServerConfig::default() };
//! let server = ServerHandle::spawn(config).unwrap();
//! println!("clients connect to ws://{}/", server.addr());
//! assert_eq!((server.rooms(), server.clients()), (0, 0));
//! server.shutdown();
//! ```

mod budget;
mod conn;
mod hub;
mod log;
mod metrics;
mod rate;
mod site;
mod stream;

pub use site::{Asset, CONTENT_SECURITY_POLICY, Site};

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use serde_json::json;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::protocol::{IceServer, Limits};
use budget::Budget;
use conn::Link;
use hub::Hub;
use log::Log;
use metrics::{Metrics, Snapshot};
use rate::PerAddress;

/// The address a server listens on unless configured otherwise.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8787";

/// How long a shutdown waits for clients to be told and closed.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(3);

/// A server's configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerConfig {
    /// The address to listen on (port 0: any free port).
    pub listen: SocketAddr,
    /// The limits enforced and announced to clients.
    pub limits: Limits,
    /// STUN and TURN servers announced to clients.
    pub ice_servers: Vec<IceServer>,
    /// Connections (WebSocket or HTTP) at once; more are answered `503`.
    pub max_clients: usize,
    /// Connections at once from one IP address (0: no such limit, as
    /// behind a proxy that connects for everyone); more are answered `503`.
    pub max_clients_per_address: usize,
    /// Seconds a WebSocket may take to authenticate (answer the challenge
    /// with `auth`); pings and pongs do not extend it. Later, the idle
    /// timeout applies.
    pub auth_timeout_secs: u64,
    /// Authentications per second from one IP address (a burst of as many
    /// is allowed; 0: no such limit, as behind a proxy). Each costs a
    /// signature check; past it, the connection ends `rate_limited`.
    pub auth_rate_per_address: u32,
    /// Bytes queued for one client before it is disconnected as too slow
    /// (`queue_full`), beside [`Limits::max_queue`] messages.
    pub max_queue_bytes: usize,
    /// Bytes per second read from one client (0: no limit), in bursts of a
    /// second's worth (or one largest message). Past it the server reads
    /// more slowly (the client's sending slows), rather than ending the
    /// connection.
    pub max_read_rate: usize,
    /// Bytes queued for all clients together. Past three quarters of it the
    /// server opens no new rooms (`server_busy`); at it, the client with the
    /// most unread bytes is disconnected to make room.
    pub memory_budget: usize,
    /// Whether to write logs to stderr.
    pub log: bool,
    /// Serve `wss://` (TLS) with this certificate, rather than `ws://`.
    pub tls: Option<TlsFiles>,
    /// The URLs clients reach this server at (`wss://signal.example/`): a
    /// client's challenge signature must name one of their origins. When
    /// empty, only the loopback names for the bound port and the listen
    /// address (if it is a specific one) are accepted; see
    /// [`ServerConfig::names`].
    pub public_urls: Vec<String>,
    /// Static files answered to `GET` requests (the playground), if any.
    pub site: Option<Arc<Site>>,
}

/// A TLS certificate chain and its private key, as PEM files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TlsFiles {
    /// The certificate chain, leaf first.
    pub cert: PathBuf,
    /// The private key (PKCS#8, PKCS#1 or SEC1).
    pub key: PathBuf,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            listen: DEFAULT_LISTEN.parse().expect("a valid address"),
            limits: Limits::default(),
            ice_servers: Vec::new(),
            max_clients: 10_000,
            max_clients_per_address: 64,
            auth_timeout_secs: 10,
            auth_rate_per_address: 20,
            max_queue_bytes: 8 << 20,
            max_read_rate: 8 << 20,
            memory_budget: 1 << 30,
            log: true,
            tls: None,
            public_urls: Vec::new(),
            site: None,
        }
    }
}

impl ServerConfig {
    /// The configuration from the environment, with defaults where unset:
    ///
    /// | variable | field | default |
    /// |---|---|---|
    /// | `COHORT_SIGNAL_LISTEN` | `listen` | [`DEFAULT_LISTEN`] |
    /// | `COHORT_SIGNAL_MAX_MESSAGE` | `limits.max_message` (bytes) | 1048576 |
    /// | `COHORT_SIGNAL_MAX_QUEUE` | `limits.max_queue` (messages) | 1024 |
    /// | `COHORT_SIGNAL_MAX_RATE` | `limits.max_rate` (messages per second) | 10000 |
    /// | `COHORT_SIGNAL_MAX_PARTIES` | `limits.max_parties` | 62 |
    /// | `COHORT_SIGNAL_MAX_ROOMS` | `limits.max_rooms_per_identity` | 8 |
    /// | `COHORT_SIGNAL_IDLE_TIMEOUT` | `limits.idle_timeout_secs` | 60 |
    /// | `COHORT_SIGNAL_HEARTBEAT` | `limits.heartbeat_secs` | 15 |
    /// | `COHORT_SIGNAL_ROOM_LIFETIME` | `limits.room_lifetime_secs` | 86400 |
    /// | `COHORT_SIGNAL_MAX_CLIENTS` | `max_clients` | 10000 |
    /// | `COHORT_SIGNAL_MAX_CLIENTS_PER_ADDRESS` | `max_clients_per_address` (0: none) | 64 |
    /// | `COHORT_SIGNAL_AUTH_TIMEOUT` | `auth_timeout_secs` | 10 |
    /// | `COHORT_SIGNAL_AUTH_RATE` | `auth_rate_per_address` (per second; 0: none) | 20 |
    /// | `COHORT_SIGNAL_MAX_QUEUE_BYTES` | `max_queue_bytes` | 8388608 (8 MiB) |
    /// | `COHORT_SIGNAL_MAX_READ_RATE` | `max_read_rate` (bytes per second; 0: none) | 8388608 (8 MiB) |
    /// | `COHORT_SIGNAL_MEMORY_BUDGET` | `memory_budget` (bytes) | 1073741824 (1 GiB) |
    /// | `COHORT_SIGNAL_ICE_SERVERS` | `ice_servers`: a JSON array of `{"urls":[…],"username":…,"credential":…}`, or comma-separated URLs | none |
    /// | `COHORT_SIGNAL_LOG` | `log`: `0`, `off` or `false` turn logs off | on |
    /// | `COHORT_SIGNAL_TLS_CERT`, `COHORT_SIGNAL_TLS_KEY` | `tls`: PEM files (both, or neither) | plain `ws://` |
    /// | `COHORT_SIGNAL_PUBLIC_URL` | `public_urls`: comma-separated URLs | the loopback names |
    pub fn from_env() -> Result<ServerConfig, String> {
        ServerConfig::from_vars(|name| std::env::var(name).ok())
    }

    fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<ServerConfig, String> {
        fn parse<T: std::str::FromStr>(var: &impl Fn(&str) -> Option<String>, name: &str, into: &mut T) -> Result<(), String>
        where
            T::Err: std::fmt::Display,
        {
            if let Some(text) = var(name) {
                *into = text.trim().parse().map_err(|e| format!("{name}=`{text}`: {e}"))?;
            }
            Ok(())
        }
        let mut config = ServerConfig::default();
        let l = &mut config.limits;
        parse(&var, "COHORT_SIGNAL_LISTEN", &mut config.listen)?;
        parse(&var, "COHORT_SIGNAL_MAX_MESSAGE", &mut l.max_message)?;
        parse(&var, "COHORT_SIGNAL_MAX_QUEUE", &mut l.max_queue)?;
        parse(&var, "COHORT_SIGNAL_MAX_RATE", &mut l.max_rate)?;
        parse(&var, "COHORT_SIGNAL_MAX_PARTIES", &mut l.max_parties)?;
        parse(&var, "COHORT_SIGNAL_MAX_ROOMS", &mut l.max_rooms_per_identity)?;
        parse(&var, "COHORT_SIGNAL_IDLE_TIMEOUT", &mut l.idle_timeout_secs)?;
        parse(&var, "COHORT_SIGNAL_HEARTBEAT", &mut l.heartbeat_secs)?;
        parse(&var, "COHORT_SIGNAL_ROOM_LIFETIME", &mut l.room_lifetime_secs)?;
        parse(&var, "COHORT_SIGNAL_MAX_CLIENTS", &mut config.max_clients)?;
        parse(&var, "COHORT_SIGNAL_MAX_CLIENTS_PER_ADDRESS", &mut config.max_clients_per_address)?;
        parse(&var, "COHORT_SIGNAL_AUTH_TIMEOUT", &mut config.auth_timeout_secs)?;
        parse(&var, "COHORT_SIGNAL_AUTH_RATE", &mut config.auth_rate_per_address)?;
        parse(&var, "COHORT_SIGNAL_MAX_QUEUE_BYTES", &mut config.max_queue_bytes)?;
        parse(&var, "COHORT_SIGNAL_MEMORY_BUDGET", &mut config.memory_budget)?;
        parse(&var, "COHORT_SIGNAL_MAX_READ_RATE", &mut config.max_read_rate)?;
        if let Some(text) = var("COHORT_SIGNAL_ICE_SERVERS") {
            let text = text.trim();
            config.ice_servers = if text.starts_with('[') {
                serde_json::from_str(text).map_err(|e| format!("COHORT_SIGNAL_ICE_SERVERS: not a JSON array of ICE servers: {e}"))?
            } else {
                let urls = text.split(',').map(str::trim).filter(|u| !u.is_empty());
                urls.map(|url| IceServer { urls: vec![url.to_string()], username: None, credential: None }).collect()
            };
        }
        if let Some(text) = var("COHORT_SIGNAL_LOG") {
            config.log = !matches!(text.trim().to_ascii_lowercase().as_str(), "0" | "off" | "false" | "no");
        }
        let file = |name| var(name).map(|path| PathBuf::from(path.trim())).filter(|path| !path.as_os_str().is_empty());
        config.tls = match (file("COHORT_SIGNAL_TLS_CERT"), file("COHORT_SIGNAL_TLS_KEY")) {
            (Some(cert), Some(key)) => Some(TlsFiles { cert, key }),
            (None, None) => None,
            _ => return Err("COHORT_SIGNAL_TLS_CERT and COHORT_SIGNAL_TLS_KEY go together: set both, or neither".into()),
        };
        if let Some(text) = var("COHORT_SIGNAL_PUBLIC_URL") {
            config.public_urls = text.split(',').map(str::trim).filter(|u| !u.is_empty()).map(str::to_string).collect();
        }
        config.validate()?;
        Ok(config)
    }

    /// The origins a client's challenge signature may name, for a server
    /// bound to `bound`: those of [`ServerConfig::public_urls`], or, when
    /// there are none, `ws://127.0.0.1:PORT`, `ws://localhost:PORT`,
    /// `ws://[::1]:PORT` and the listen address if it is a specific one
    /// (`wss://` when serving TLS). Never derived from a request: a relaying
    /// attacker controls its `Host` header.
    pub fn names(&self, bound: SocketAddr) -> Result<Vec<String>, String> {
        let origin = |url: &str| cohort_channel::signal_auth::origin(url).map_err(|e| format!("signal server public URL: {e}"));
        if !self.public_urls.is_empty() {
            return self.public_urls.iter().map(|url| origin(url)).collect();
        }
        let scheme = if self.tls.is_some() { "wss" } else { "ws" };
        let port = bound.port();
        let mut names = vec![
            origin(&format!("{scheme}://127.0.0.1:{port}"))?,
            origin(&format!("{scheme}://localhost:{port}"))?,
            origin(&format!("{scheme}://[::1]:{port}"))?,
        ];
        let ip = self.listen.ip();
        if !ip.is_unspecified() {
            let host = match ip {
                std::net::IpAddr::V4(v4) => v4.to_string(),
                std::net::IpAddr::V6(v6) => format!("[{v6}]"),
            };
            let name = origin(&format!("{scheme}://{host}:{port}"))?;
            if !names.contains(&name) {
                names.push(name);
            }
        }
        Ok(names)
    }

    /// Checks that the limits make sense together.
    pub fn validate(&self) -> Result<(), String> {
        let l = &self.limits;
        let checks = [
            (l.max_message >= 1024, "max_message must be at least 1024 bytes"),
            (l.max_queue >= 1, "max_queue must be at least 1"),
            (l.max_rate >= 1, "max_rate must be at least 1"),
            (l.max_parties >= 2, "max_parties must be at least 2"),
            (l.max_rooms_per_identity >= 1, "max_rooms_per_identity must be at least 1"),
            (l.heartbeat_secs >= 1, "heartbeat_secs must be at least 1"),
            (l.idle_timeout_secs > l.heartbeat_secs, "idle_timeout_secs must exceed heartbeat_secs, or quiet clients time out"),
            (l.room_lifetime_secs >= 1, "room_lifetime_secs must be at least 1"),
            (self.max_clients >= 1, "max_clients must be at least 1"),
            (self.auth_timeout_secs >= 1, "auth_timeout_secs must be at least 1"),
            (self.max_queue_bytes >= l.max_message, "max_queue_bytes must be at least max_message, or a largest message cannot be queued"),
            (self.memory_budget >= self.max_queue_bytes, "memory_budget must be at least max_queue_bytes"),
            (self.max_read_rate == 0 || self.max_read_rate >= 1024, "max_read_rate must be 0 (no limit) or at least 1024 bytes per second"),
        ];
        if let Some((_, why)) = checks.iter().find(|(ok, _)| !ok) {
            return Err(format!("signal server configuration: {why}"));
        }
        for url in &self.public_urls {
            cohort_channel::signal_auth::origin(url).map_err(|e| format!("signal server public URL: {e}"))?;
        }
        Ok(())
    }
}

/// State shared by the accept loop, the connections and the handle.
struct Shared {
    hub: Mutex<Hub<Link>>,
    limits: Limits,
    ice_servers: Vec<IceServer>,
    max_clients: usize,
    /// Connections per IP address, and the most allowed (0: no limit).
    per_address: Mutex<HashMap<IpAddr, usize>>,
    max_per_address: usize,
    /// How long a connection may take to authenticate.
    auth_timeout: Duration,
    /// Authentications per address per second.
    auth_rate: Mutex<PerAddress>,
    /// Bytes queued for all clients, and the limit.
    budget: Arc<Budget>,
    /// Bytes queued for one client at most.
    max_queue_bytes: usize,
    /// Bytes read from one client per second at most (0: no limit).
    max_read_rate: usize,
    metrics: Metrics,
    log: Log,
    /// Present when the server speaks TLS.
    tls: Option<tokio_rustls::TlsAcceptor>,
    /// The origins a challenge signature may name ([`ServerConfig::names`]).
    names: Vec<String>,
    /// Static files answered to `GET` requests.
    site: Option<Arc<Site>>,
    next_id: AtomicU64,
    /// TCP connections being served.
    connections: AtomicUsize,
}

impl Shared {
    /// The hub. Its lock is held only for non-blocking work.
    fn hub(&self) -> MutexGuard<'_, Hub<Link>> {
        self.hub.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The authentications per address. Its lock is held only to count one.
    fn auth_rate(&self) -> MutexGuard<'_, PerAddress> {
        self.auth_rate.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The gauges of `/metrics`, now.
    fn snapshot(&self) -> Snapshot {
        let (clients, rooms) = {
            let hub = self.hub();
            (hub.clients(), hub.rooms())
        };
        Snapshot {
            clients,
            rooms,
            connections: self.connections.load(Ordering::Relaxed),
            queued_bytes: self.budget.queued(),
            queue_budget_bytes: self.budget.limit(),
        }
    }
}

/// A server running on its own thread with its own tokio runtime. Dropping
/// the handle shuts the server down, as [`ServerHandle::shutdown`] does.
#[derive(Debug)]
pub struct ServerHandle {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: watch::Sender<bool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared").finish_non_exhaustive()
    }
}

impl ServerHandle {
    /// Reads the TLS files (if any), binds `config.listen` and starts serving.
    pub fn spawn(config: ServerConfig) -> std::io::Result<ServerHandle> {
        let invalid = |e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e);
        config.validate().map_err(invalid)?;
        let tls = config.tls.as_ref().map(|files| stream::acceptor(&files.cert, &files.key)).transpose().map_err(invalid)?;
        let listener = std::net::TcpListener::bind(config.listen)?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let names = config.names(addr).map_err(invalid)?;
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).thread_name("cohort-signal").enable_all().build()?;
        let listener = {
            let _context = runtime.enter();
            TcpListener::from_std(listener)?
        };
        let shared = Arc::new(Shared {
            hub: Mutex::new(Hub::new(config.limits.clone(), config.max_queue_bytes)),
            limits: config.limits,
            ice_servers: config.ice_servers,
            max_clients: config.max_clients,
            per_address: Mutex::new(HashMap::new()),
            max_per_address: config.max_clients_per_address,
            auth_timeout: Duration::from_secs(config.auth_timeout_secs),
            auth_rate: Mutex::new(PerAddress::new(config.auth_rate_per_address)),
            budget: Arc::new(Budget::new(config.memory_budget)),
            max_queue_bytes: config.max_queue_bytes,
            max_read_rate: config.max_read_rate,
            metrics: Metrics::new(),
            log: Log::new(config.log),
            tls,
            names,
            site: config.site,
            next_id: AtomicU64::new(1),
            connections: AtomicUsize::new(0),
        });
        let (stop, stopped) = watch::channel(false);
        let serving = shared.clone();
        let thread = std::thread::Builder::new().name("cohort-signal".into()).spawn(move || {
            runtime.block_on(serve(listener, serving, stopped));
            runtime.shutdown_timeout(Duration::from_secs(1));
        })?;
        shared.log.event("listening", json!({"addr": addr.to_string(), "tls": shared.tls.is_some(), "names": shared.names}));
        Ok(ServerHandle { addr, shared, stop, thread: Some(thread) })
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The origins a client's challenge signature may name.
    pub fn names(&self) -> &[String] {
        &self.shared.names
    }

    /// Live rooms.
    pub fn rooms(&self) -> usize {
        self.shared.hub().rooms()
    }

    /// Live WebSocket connections (authenticated or not).
    pub fn clients(&self) -> usize {
        self.shared.hub().clients()
    }

    /// Stops accepting, sends every client `shutting_down` and a close, and
    /// waits (a few seconds at most) for the connections to end.
    pub fn shutdown(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        let _ = self.stop.send(true);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for ServerHandle {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Runs a server until Ctrl-C or SIGTERM, then shuts it down gracefully.
/// Logs go to stderr (see [`ServerConfig::log`]). For `cohort signal`.
pub fn run_until_signal(config: ServerConfig) -> std::io::Result<()> {
    let server = ServerHandle::spawn(config)?;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let signalled = runtime.block_on(terminated());
    server.shared.log.event("signal", json!({"action": "shutting down"}));
    server.shutdown();
    signalled
}

/// Waits for Ctrl-C or SIGTERM.
#[cfg(unix)]
async fn terminated() -> std::io::Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate())?;
    tokio::select! {
        r = tokio::signal::ctrl_c() => r,
        _ = term.recv() => Ok(()),
    }
}

/// Waits for Ctrl-C.
#[cfg(not(unix))]
async fn terminated() -> std::io::Result<()> {
    tokio::signal::ctrl_c().await
}

/// Accepts connections until told to stop, expiring old rooms on the way;
/// then ends every session and waits for them.
async fn serve(listener: TcpListener, shared: Arc<Shared>, mut stopped: watch::Receiver<bool>) {
    let mut tasks = JoinSet::new();
    let stop_watch = stopped.clone();
    let lifetime_ms = shared.limits.room_lifetime_secs.saturating_mul(1000);
    let mut sweep = tokio::time::interval(Duration::from_millis((lifetime_ms / 4).clamp(50, 1000)));
    sweep.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = stopped.wait_for(|stop| *stop) => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    let _ = stream.set_nodelay(true);
                    let Some(guard) = ConnectionCount::admit(&shared, peer.ip()) else {
                        let _ = stream.try_write(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                        continue;
                    };
                    let stopped = stop_watch.clone();
                    tasks.spawn(async move {
                        conn::handle(guard.0.clone(), stream, peer, stopped).await;
                        drop(guard);
                    });
                }
                Err(e) => {
                    // Out of file descriptors, usually: wait a little rather than spin.
                    shared.log.event("accept_failed", json!({"reason": e.to_string()}));
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            Some(_) = tasks.join_next(), if !tasks.is_empty() => {}
            _ = sweep.tick() => {
                shared.auth_rate().prune(std::time::Instant::now());
                let expired = shared.hub().expire(std::time::Instant::now());
                for room in expired {
                    shared.log.event("room_closed", json!({"room": room, "reason": "expired"}));
                }
            }
        }
    }
    drop(listener);
    shared.log.event("shutting_down", json!({"clients": shared.hub().clients()}));
    shared.hub().shut_down();
    let _ = tokio::time::timeout(SHUTDOWN_GRACE, async { while tasks.join_next().await.is_some() {} }).await;
    tasks.shutdown().await;
    shared.log.event("stopped", json!({}));
}

/// Counts a TCP connection while it is served.
/// One connection served: counted in all and for its address while it lives.
struct ConnectionCount(Arc<Shared>, IpAddr);

impl ConnectionCount {
    /// Counts a connection from `ip`, or refuses it (logged) when the server
    /// or that address is at its limit.
    fn admit(shared: &Arc<Shared>, ip: IpAddr) -> Option<Self> {
        let refuse = |reason: &str, metric: &str| {
            shared.log.event("connection_refused", json!({"peer": ip.to_string(), "reason": reason}));
            shared.metrics.refused(metric);
            None
        };
        if shared.connections.load(Ordering::Relaxed) >= shared.max_clients {
            return refuse("too many connections", "too_many_connections");
        }
        {
            let mut per_address = shared.per_address.lock().unwrap_or_else(PoisonError::into_inner);
            let count = per_address.entry(ip).or_insert(0);
            if shared.max_per_address > 0 && *count >= shared.max_per_address {
                return refuse("too many connections from this address", "too_many_connections_from_address");
            }
            *count += 1;
        }
        shared.connections.fetch_add(1, Ordering::Relaxed);
        Some(ConnectionCount(shared.clone(), ip))
    }
}

impl Drop for ConnectionCount {
    fn drop(&mut self) {
        self.0.connections.fetch_sub(1, Ordering::Relaxed);
        let mut per_address = self.0.per_address.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(count) = per_address.get_mut(&self.1) {
            *count -= 1;
            if *count == 0 {
                per_address.remove(&self.1);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from(vars: &[(&str, &str)]) -> Result<ServerConfig, String> {
        ServerConfig::from_vars(|name| vars.iter().find(|(n, _)| *n == name).map(|(_, v)| v.to_string()))
    }

    #[test]
    fn the_environment_overrides_defaults() {
        assert_eq!(from(&[]), Ok(ServerConfig::default()));
        let config = from(&[
            ("COHORT_SIGNAL_LISTEN", "0.0.0.0:9000"),
            ("COHORT_SIGNAL_MAX_RATE", "50"),
            ("COHORT_SIGNAL_ICE_SERVERS", "stun:a:3478, stun:b:3478"),
            ("COHORT_SIGNAL_LOG", "off"),
        ])
        .unwrap();
        assert_eq!(config.listen, "0.0.0.0:9000".parse().unwrap());
        assert_eq!(config.limits.max_rate, 50);
        assert_eq!(config.ice_servers.len(), 2);
        assert!(!config.log);
        let turn = r#"[{"urls":["turn:t:3478"],"username":"u","credential":"c"}]"#;
        assert_eq!(from(&[("COHORT_SIGNAL_ICE_SERVERS", turn)]).unwrap().ice_servers[0].username.as_deref(), Some("u"));
    }

    #[test]
    fn bad_settings_are_refused_with_their_name() {
        assert!(from(&[("COHORT_SIGNAL_MAX_QUEUE", "many")]).unwrap_err().contains("COHORT_SIGNAL_MAX_QUEUE"));
        assert!(from(&[("COHORT_SIGNAL_MAX_QUEUE", "0")]).unwrap_err().contains("max_queue"));
        assert!(from(&[("COHORT_SIGNAL_HEARTBEAT", "60")]).unwrap_err().contains("heartbeat"));
        assert!(from(&[("COHORT_SIGNAL_ICE_SERVERS", "[1]")]).is_err());
    }

    #[test]
    fn the_server_answers_to_its_configured_names_or_loopback() {
        let bound: SocketAddr = "127.0.0.1:9000".parse().unwrap();
        let names = ServerConfig::default().names(bound).unwrap();
        assert_eq!(names, ["ws://127.0.0.1:9000", "ws://localhost:9000", "ws://[::1]:9000"]);
        let specific = ServerConfig { listen: "10.0.0.5:9000".parse().unwrap(), ..ServerConfig::default() };
        assert!(specific.names("10.0.0.5:9000".parse().unwrap()).unwrap().contains(&"ws://10.0.0.5:9000".to_string()));
        let any = ServerConfig { listen: "0.0.0.0:9000".parse().unwrap(), ..ServerConfig::default() };
        assert_eq!(any.names("0.0.0.0:9000".parse().unwrap()).unwrap().len(), 3);
        let config = from(&[("COHORT_SIGNAL_PUBLIC_URL", "wss://Signal.Example/, ws://10.1.1.1:8787/x")]).unwrap();
        assert_eq!(config.names(bound).unwrap(), ["wss://signal.example", "ws://10.1.1.1:8787"]);
        assert!(from(&[("COHORT_SIGNAL_PUBLIC_URL", "https://signal.example/")]).unwrap_err().contains("public URL"));
    }

    #[test]
    fn tls_files_come_in_pairs() {
        let both = from(&[("COHORT_SIGNAL_TLS_CERT", "/etc/cohort/cert.pem"), ("COHORT_SIGNAL_TLS_KEY", "/etc/cohort/key.pem")]);
        let tls = both.unwrap().tls.unwrap();
        assert_eq!((tls.cert, tls.key), (PathBuf::from("/etc/cohort/cert.pem"), PathBuf::from("/etc/cohort/key.pem")));
        let lone = from(&[("COHORT_SIGNAL_TLS_CERT", "/etc/cohort/cert.pem")]).unwrap_err();
        assert!(lone.contains("COHORT_SIGNAL_TLS_KEY"), "{lone}");
        assert_eq!(from(&[("COHORT_SIGNAL_TLS_CERT", " "), ("COHORT_SIGNAL_TLS_KEY", "")]).unwrap().tls, None);
    }
}
