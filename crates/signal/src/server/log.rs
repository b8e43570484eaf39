//! Structured logs: one JSON object per line on stderr. Callers pass only
//! events, connection numbers, fingerprints, rooms, codes and addresses —
//! never nonces, signatures, payloads or signaling data.
//!
//! Lines go through a bounded queue to a thread of their own, so a slow
//! stderr (a pipe to a busy log collector) never holds up the server: when
//! the queue is full, lines are dropped and counted, and a `log_dropped`
//! line says how many before the next line that is written.

use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value};

/// Lines waiting for the writer at most.
const QUEUE: usize = 8192;

/// Writes log lines, or nothing when off.
#[derive(Debug)]
pub(super) struct Log {
    out: Option<SyncSender<String>>,
    dropped: Arc<AtomicU64>,
    writer: Mutex<Option<JoinHandle<()>>>,
}

impl Log {
    /// Logs to stderr from a thread of its own, or nothing when `on` is false.
    pub(super) fn new(on: bool) -> Log {
        let dropped = Arc::new(AtomicU64::new(0));
        let (out, writer) = if on {
            let (out, lines) = sync_channel(QUEUE);
            let counted = dropped.clone();
            let writer = std::thread::Builder::new().name("cohort-signal-log".into()).spawn(move || write(&lines, &counted)).ok();
            (writer.is_some().then_some(out), writer)
        } else {
            (None, None)
        };
        Log { out, dropped, writer: Mutex::new(writer) }
    }

    /// Logs `event` with `fields` (a JSON object) and a timestamp.
    pub(super) fn event(&self, event: &str, fields: Value) {
        let Some(out) = &self.out else { return };
        if let Err(TrySendError::Full(_)) = out.try_send(line(event, fields)) {
            self.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }
}

impl Drop for Log {
    /// Writes what is queued, then stops the writer.
    fn drop(&mut self) {
        self.out = None;
        if let Some(writer) = self.writer.lock().unwrap_or_else(PoisonError::into_inner).take() {
            let _ = writer.join();
        }
    }
}

/// The writer: each line, flushed whenever the queue is empty.
fn write(lines: &Receiver<String>, dropped: &AtomicU64) {
    let mut stderr = std::io::BufWriter::new(std::io::stderr());
    while let Ok(text) = lines.recv() {
        let lost = dropped.swap(0, Ordering::Relaxed);
        if lost > 0 {
            let _ = writeln!(stderr, "{}", line("log_dropped", serde_json::json!({"lines": lost})));
        }
        let _ = writeln!(stderr, "{text}");
        let mut more = lines.try_iter();
        for text in more.by_ref().take(QUEUE) {
            let _ = writeln!(stderr, "{text}");
        }
        let _ = stderr.flush();
    }
}

/// `{"ts":…,"event":…, fields…}`, without the fields that are null.
fn line(event: &str, fields: Value) -> String {
    let ms = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or(0);
    let ts = format!("{}.{:03}", ms / 1000, ms % 1000);
    let mut rest = Map::new();
    if let Value::Object(fields) = fields {
        rest.extend(fields.into_iter().filter(|(_, v)| !v.is_null()));
    }
    let rest = Value::Object(rest).to_string();
    let (event, rest) = (Value::from(event), &rest[1..rest.len() - 1]);
    format!("{{\"ts\":{ts},\"event\":{event}{}{rest}}}", if rest.is_empty() { "" } else { "," })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_is_one_json_object_without_nulls() {
        let text = line("join", serde_json::json!({"conn": 4, "room": "s", "fingerprint": null}));
        let value: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["event"], "join");
        assert_eq!((value["conn"].as_u64(), value["room"].as_str()), (Some(4), Some("s")));
        assert!(value.get("fingerprint").is_none() && value["ts"].is_f64());
    }

    #[test]
    fn a_log_that_is_off_queues_nothing() {
        let log = Log::new(false);
        log.event("auth", serde_json::json!({"conn": 1}));
        assert!(log.out.is_none() && log.writer.lock().unwrap().is_none());
    }
}
