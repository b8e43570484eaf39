//! Sockets for the load generator: TCP from a chosen loopback source
//! address, the WebSocket handshake over it, the server's `/metrics`, and
//! the server's CPU time and memory from `/proc`.

use std::collections::BTreeMap;
use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};
use tokio::time::timeout;
use tokio_tungstenite::WebSocketStream;
use tungstenite::protocol::WebSocketConfig;

/// A client's WebSocket.
pub(crate) type Ws = WebSocketStream<TcpStream>;

/// How long a TCP connect plus WebSocket handshake may take.
pub(crate) const HANDSHAKE: Duration = Duration::from_secs(10);

/// Legitimate clients connect from 127.1.0.1, 127.1.0.2, …
pub(crate) fn legit_address(index: usize) -> IpAddr {
    offset(Ipv4Addr::new(127, 1, 0, 0), index + 1)
}

/// The attack connects from 127.2.0.1, 127.2.0.2, …: never a legitimate client's address.
pub(crate) fn attack_address(index: usize) -> IpAddr {
    offset(Ipv4Addr::new(127, 2, 0, 0), index + 1)
}

fn offset(base: Ipv4Addr, by: usize) -> IpAddr {
    IpAddr::V4(Ipv4Addr::from(u32::from(base) + by as u32))
}

/// A TCP connection to `server` from `source` (a loopback address: the
/// whole of 127.0.0.0/8 is this machine), without Nagle's delay.
pub(crate) async fn tcp_from(source: IpAddr, server: SocketAddr) -> io::Result<TcpStream> {
    let socket = TcpSocket::new_v4()?;
    socket.bind(SocketAddr::new(source, 0))?;
    let stream = timeout(HANDSHAKE, socket.connect(server)).await.map_err(|_| io::Error::from(io::ErrorKind::TimedOut))??;
    stream.set_nodelay(true)?;
    Ok(stream)
}

/// The generator's WebSocket settings: a small read buffer (tungstenite's
/// default touches 128 KiB per connection, which for thousands of clients
/// would be the generator's own memory pressure on the machine under test).
pub(crate) fn ws_config() -> WebSocketConfig {
    WebSocketConfig::default().read_buffer_size(8 << 10)
}

/// A WebSocket to `url` over a connection from `source`; on failure, what
/// happened in a word or two (`refused_503`, `reset`, …).
pub(crate) async fn websocket(url: &str, source: IpAddr, server: SocketAddr) -> Result<Ws, String> {
    let tcp = tcp_from(source, server).await.map_err(|e| format!("connect_failed:{:?}", e.kind()))?;
    match timeout(HANDSHAKE, tokio_tungstenite::client_async_with_config(url, tcp, Some(ws_config()))).await {
        Ok(Ok((ws, _))) => Ok(ws),
        Ok(Err(e)) => Err(handshake_failure(&e)),
        Err(_) => Err("handshake_timeout".into()),
    }
}

/// A failed handshake, in a word or two.
pub(crate) fn handshake_failure(e: &tungstenite::Error) -> String {
    match e {
        tungstenite::Error::Http(response) => format!("refused_{}", response.status().as_u16()),
        // Refused before the request was read: the reset may overtake the answer.
        tungstenite::Error::Io(_) | tungstenite::Error::Protocol(_) | tungstenite::Error::ConnectionClosed => "reset".into(),
        other => format!("handshake_failed:{other}"),
    }
}

/// The server's `GET /metrics` (OpenMetrics text): every sample, by its
/// name with labels (`cohort_signal_rooms`,
/// `cohort_signal_refusals_total{reason="queue_full"}`, …).
pub(crate) async fn metrics(server: SocketAddr) -> Option<Metrics> {
    let ask = async {
        let mut tcp = TcpStream::connect(server).await.ok()?;
        tcp.write_all(b"GET /metrics HTTP/1.1\r\nHost: load\r\nConnection: close\r\n\r\n").await.ok()?;
        let mut answer = Vec::new();
        tcp.read_to_end(&mut answer).await.ok()?;
        let text = String::from_utf8(answer).ok()?;
        let (head, body) = text.split_once("\r\n\r\n")?;
        if !head.starts_with("HTTP/1.1 200") {
            return None;
        }
        let samples = body
            .lines()
            .filter(|line| !line.starts_with('#'))
            .filter_map(|line| line.rsplit_once(' ').and_then(|(name, value)| Some((name.to_string(), value.parse().ok()?))))
            .collect();
        Some(Metrics(samples))
    };
    timeout(Duration::from_secs(2), ask).await.ok().flatten()
}

/// Samples of the server's metrics.
#[derive(Clone, Debug, Default)]
pub(crate) struct Metrics(BTreeMap<String, f64>);

impl Metrics {
    /// One sample (0 when absent).
    pub(crate) fn get(&self, name: &str) -> f64 {
        self.0.get(name).copied().unwrap_or(0.0)
    }

    /// The refusals counted since `before`, by reason (those that grew).
    pub(crate) fn refusals_since(&self, before: &Metrics) -> BTreeMap<String, u64> {
        let prefix = "cohort_signal_refusals_total{reason=\"";
        self.0
            .iter()
            .filter_map(|(name, &now)| {
                let reason = name.strip_prefix(prefix)?.strip_suffix("\"}")?;
                let grew = (now - before.get(name)).max(0.0) as u64;
                (grew > 0).then(|| (reason.to_string(), grew))
            })
            .collect()
    }

    /// The smallest bucket bound (seconds) of the relay latency histogram
    /// holding a fraction `p` of the frames relayed since `before`, if any
    /// were, or `None` (`f64::INFINITY` past the last bound).
    pub(crate) fn relay_latency_bound_since(&self, before: &Metrics, p: f64) -> Option<f64> {
        let prefix = "cohort_signal_relay_latency_seconds_bucket{le=\"";
        let mut buckets: Vec<(f64, f64)> = self
            .0
            .iter()
            .filter_map(|(name, &now)| {
                let le = name.strip_prefix(prefix)?.strip_suffix("\"}")?;
                let le = if le == "+Inf" { f64::INFINITY } else { le.parse().ok()? };
                Some((le, now - before.get(name)))
            })
            .collect();
        buckets.sort_by(|a, b| a.0.total_cmp(&b.0));
        let total = buckets.last()?.1;
        (total > 0.0).then(|| buckets.iter().find(|(_, count)| *count >= p * total).map_or(f64::INFINITY, |(le, _)| *le))
    }
}

/// User plus system CPU time of process `pid` (`self` for this one, `thread-self` for this thread), in clock ticks.
pub(crate) fn cpu_ticks(pid: &str) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    Some(fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?)
}

/// A `kB` line of `/proc/PID/status` (`VmRSS`, `VmHWM`).
pub(crate) fn status_kb(pid: &str, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with(field) && l[field.len()..].starts_with(':'))?;
    line[field.len() + 1..].trim().trim_end_matches("kB").trim().parse().ok()
}
