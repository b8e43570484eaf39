//! One legitimate party: the crate's own sans-IO client
//! ([`SignalClient`]) driven over an async WebSocket, relaying timestamped
//! frames to the next party of its room's ring and timing those of the
//! previous one.
//!
//! Every party is a task on the generator's one runtime (no thread of its
//! own). It connects, authenticates, joins its room, and waits; the main
//! task starts the measured window for everyone at once when all are
//! seated ([`Phase::Run`]), and ends it ([`Phase::Stop`]) once the last
//! frames have arrived or the drain time is up.
//!
//! Each frame carries in its first 8 bytes the time it was *due* to be sent
//! (nanoseconds since the generator's epoch): in open loop that is its
//! place in the party's fixed schedule, so a generator or server that falls
//! behind shows up as latency instead of as fewer messages (no coordinated
//! omission); in saturation it is the time it was sent.

use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use cohort_channel::{Fingerprint, Identity};
use cohort_signal::client::{ClientConfig, Event, Output, Seats, SignalClient, SignalError, Transmit};
use futures_util::{SinkExt, StreamExt};
use tokio::sync::watch;
use tokio::time::{sleep_until, timeout};
use tungstenite::Message;

use crate::net::{self, Ws};

/// Where the run is; the main task moves every party on together.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Phase {
    /// Connecting and joining.
    Joining,
    /// The measured window: sends are due from `start` until before `end`.
    Run { start: Instant, end: Instant },
    /// Leave.
    Stop,
}

/// How a party sends.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Mode {
    /// One frame every `interval`, the first at the window's start plus
    /// `phase` (parties' phases spread evenly over one interval).
    Open { interval: Duration, phase: Duration },
    /// `inflight` frames at the start, then one more for each that arrives.
    Saturate { inflight: usize },
}

/// Frames an open-loop party's schedule has in a window of `window`: those
/// due at `phase + k × interval` before its end (the same arithmetic, in
/// whole nanoseconds, as the party's own).
pub(crate) fn scheduled(phase: Duration, interval: Duration, window: Duration) -> u64 {
    match window.checked_sub(phase) {
        Some(left) if !left.is_zero() => ((left.as_nanos() - 1) / interval.as_nanos().max(1)) as u64 + 1,
        _ => 0,
    }
}

/// What every party shares.
pub(crate) struct Shared {
    /// Times in frames count from here.
    pub(crate) epoch: Instant,
    pub(crate) url: String,
    pub(crate) server: SocketAddr,
    /// Frame size, bytes (at least 8).
    pub(crate) size: usize,
    /// Parties seated, and parties that ended before being seated.
    pub(crate) seated: AtomicUsize,
    pub(crate) unseated: AtomicUsize,
    /// Frames sent and delivered in the window, over all parties (for the drain).
    pub(crate) sent: AtomicU64,
    pub(crate) delivered: AtomicU64,
    pub(crate) phase: watch::Receiver<Phase>,
}

/// One party of one room.
pub(crate) struct Party {
    pub(crate) room: String,
    pub(crate) parties: Vec<Fingerprint>,
    pub(crate) me: usize,
    pub(crate) identity: Identity,
    pub(crate) source: IpAddr,
    pub(crate) mode: Mode,
    /// How long it may wait, from its start, until its room is full.
    pub(crate) lobby: Duration,
}

/// What a party did.
#[derive(Debug, Default)]
pub(crate) struct Outcome {
    pub(crate) seated: bool,
    /// Frames sent in the window.
    pub(crate) sent: u64,
    /// The frames received (all due in the window): the second of the
    /// window each was due in, and its latency in microseconds.
    pub(crate) latencies: Vec<(u32, u32)>,
    /// Open loop: how late each frame was sent after it was due, microseconds.
    pub(crate) lags: Vec<u32>,
    /// Why its session failed (a [`SignalError::code`], or `peer_gone`).
    pub(crate) failure: Option<String>,
}

/// Runs a party until [`Phase::Stop`] or its session fails.
pub(crate) async fn run(shared: &Shared, party: Party) -> Outcome {
    let mut driver = match Driver::connect(shared, party).await {
        Ok(driver) => driver,
        Err(code) => {
            shared.unseated.fetch_add(1, Ordering::Relaxed);
            return Outcome { failure: Some(code), ..Outcome::default() };
        }
    };
    if let Err(code) = driver.run().await {
        if !driver.out.seated {
            shared.unseated.fetch_add(1, Ordering::Relaxed);
        }
        driver.out.failure = Some(code);
    }
    driver.out
}

struct Driver<'a> {
    shared: &'a Shared,
    client: SignalClient,
    ws: Ws,
    mode: Mode,
    /// The parties it sends to and hears from, once seated.
    next: usize,
    prev: usize,
    /// The window, once running.
    window: Option<(Instant, Instant)>,
    /// When the next frame is due, and (open loop) its number in the schedule.
    due: Option<Instant>,
    k: u32,
    out: Outcome,
}

impl<'a> Driver<'a> {
    async fn connect(shared: &'a Shared, party: Party) -> Result<Driver<'a>, String> {
        let n = party.parties.len();
        let (next, prev) = ((party.me + 1) % n, (party.me + n - 1) % n);
        let config = ClientConfig {
            url: shared.url.clone(),
            room: party.room,
            token: None,
            seats: Seats::Listed(party.parties),
            relay_only: false,
            lobby_timeout: party.lobby,
        };
        let client = SignalClient::new(config, party.identity, shared.epoch.elapsed()).map_err(|e| e.code().to_string())?;
        // The room's own URL, as every client opens it (so a proxy can shard rooms).
        let ws = net::websocket(client.socket_url(), party.source, shared.server).await?;
        Ok(Driver { shared, client, ws, mode: party.mode, next, prev, window: None, due: None, k: 0, out: Outcome::default() })
    }

    fn now(&self) -> Duration {
        self.shared.epoch.elapsed()
    }

    async fn run(&mut self) -> Result<(), String> {
        let mut phase = self.shared.phase.clone();
        loop {
            let wake = self.pump().await?;
            let wake = match (wake.map(|at| self.shared.epoch + at), self.due) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            tokio::select! {
                changed = phase.changed() => {
                    let now = if changed.is_ok() { *phase.borrow_and_update() } else { Phase::Stop };
                    match now {
                        Phase::Joining => {}
                        Phase::Run { start, end } => self.start(start, end),
                        Phase::Stop => return self.leave().await,
                    }
                }
                incoming = self.ws.next() => {
                    let now = self.now();
                    match incoming {
                        Some(Ok(Message::Text(text))) => self.client.handle_text(now, &text),
                        Some(Ok(Message::Binary(frame))) => self.client.handle_binary(now, &frame),
                        Some(Ok(Message::Close(frame))) => self.client.handle_close(now, frame.map(|f| f.reason.to_string())),
                        Some(Ok(_)) => {}
                        Some(Err(e)) => self.client.handle_close(now, Some(e.to_string())),
                        None => self.client.handle_close(now, None),
                    }
                }
                () = sleep_until(wake.unwrap_or_else(Instant::now).into()), if wake.is_some() => {
                    self.client.handle_timeout(self.now());
                    self.send_due()?;
                }
            }
        }
    }

    /// Drains the machine: writes what it transmits, handles its events;
    /// returns when it next wants the time (if ever).
    async fn pump(&mut self) -> Result<Option<Duration>, String> {
        loop {
            let wake = loop {
                match self.client.poll_output(self.now()) {
                    Output::Transmit(Transmit::Text(text)) => self.write(Message::Text(text.into())).await,
                    Output::Transmit(Transmit::Binary(bytes)) => self.write(Message::Binary(bytes.into())).await,
                    // Only after leaving: a failure is reported (and returned) first.
                    Output::Transmit(Transmit::Close) => {
                        let _ = timeout(Duration::from_secs(1), self.ws.close(None)).await;
                        return Ok(None);
                    }
                    Output::Event(event) => self.event(event)?,
                    Output::Timeout(at) => break Some(at),
                    Output::Idle => break None,
                }
            };
            match self.ws.flush().await {
                Ok(()) => return Ok(wake),
                Err(_) if self.client.is_ended() => return Ok(wake),
                // The machine fails the session: its event comes next.
                Err(e) => self.client.handle_close(self.now(), Some(e.to_string())),
            }
        }
    }

    async fn write(&mut self, msg: Message) {
        if let Err(e) = self.ws.feed(msg).await {
            self.client.handle_close(self.now(), Some(e.to_string()));
        }
    }

    fn event(&mut self, event: Event) -> Result<(), String> {
        match event {
            Event::Seated { .. } => {
                self.out.seated = true;
                self.shared.seated.fetch_add(1, Ordering::Relaxed);
            }
            Event::Frame { from, payload } if from == self.prev => {
                let now = self.shared.epoch.elapsed().as_nanos() as u64;
                let due = payload.get(..8).and_then(|b| b.try_into().ok()).map(u64::from_le_bytes).unwrap_or(now);
                let start = self.window.map_or(0, |(start, _)| start.saturating_duration_since(self.shared.epoch).as_nanos() as u64);
                let second = u32::try_from(due.saturating_sub(start) / 1_000_000_000).unwrap_or(u32::MAX);
                self.out.latencies.push((second, u32::try_from(now.saturating_sub(due) / 1000).unwrap_or(u32::MAX)));
                self.shared.delivered.fetch_add(1, Ordering::Relaxed);
                if let (Mode::Saturate { .. }, Some((_, end))) = (self.mode, self.window)
                    && Instant::now() < end
                {
                    self.send(Instant::now())?;
                }
            }
            Event::Frame { from, .. } => return Err(format!("frame_from_party_{from}")),
            // After the window, peers leave at their own pace.
            Event::PeerGone { .. } if self.window.is_some_and(|(_, end)| Instant::now() >= end) => {}
            Event::PeerGone { .. } => return Err("peer_gone".into()),
            Event::Failed(e) => return Err(e.code().to_string()),
            Event::Welcome { .. } | Event::Arrived { .. } | Event::Signal { .. } => {}
        }
        Ok(())
    }

    fn start(&mut self, start: Instant, end: Instant) {
        self.window = Some((start, end));
        self.due = match self.mode {
            Mode::Open { phase, .. } => Some(start + phase).filter(|&due| due < end),
            // The first frames go at the start.
            Mode::Saturate { .. } => Some(start),
        };
    }

    /// Sends the frames that are due (open loop: every one whose time has
    /// come, each stamped with that time; saturation: the first ones).
    fn send_due(&mut self) -> Result<(), String> {
        let (Some(due), Some((_, end))) = (self.due, self.window) else { return Ok(()) };
        let now = Instant::now();
        if due > now {
            return Ok(());
        }
        match self.mode {
            Mode::Open { interval, phase } => {
                let (start, _) = self.window.expect("running");
                let mut at = due;
                while at <= now && at < end {
                    self.send(at)?;
                    self.k += 1;
                    at = start + phase + interval * self.k;
                }
                self.due = Some(at).filter(|&at| at < end);
            }
            Mode::Saturate { inflight } => {
                for _ in 0..inflight {
                    self.send(now)?;
                }
                self.due = None;
            }
        }
        Ok(())
    }

    /// Queues one frame stamped `at` for the next party.
    fn send(&mut self, at: Instant) -> Result<(), String> {
        if let Mode::Open { .. } = self.mode {
            self.out.lags.push(u32::try_from(at.elapsed().as_micros()).unwrap_or(u32::MAX));
        }
        let mut frame = vec![0u8; self.shared.size.max(8)];
        frame[..8].copy_from_slice(&(at.saturating_duration_since(self.shared.epoch).as_nanos() as u64).to_le_bytes());
        self.client.send_frame(self.next, &frame).map_err(|e: SignalError| e.code().to_string())?;
        self.out.sent += 1;
        self.shared.sent.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    /// Leaves the room: the machine's close goes out.
    async fn leave(&mut self) -> Result<(), String> {
        self.client.leave();
        self.pump().await.map(|_| ())
    }
}
