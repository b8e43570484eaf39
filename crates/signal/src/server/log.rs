//! Structured logs: one JSON object per line on stderr. Callers pass only
//! events, connection numbers, fingerprints, rooms, codes and addresses —
//! never nonces, signatures, payloads or signaling data.

use std::io::Write;
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value};

/// Writes log lines, or nothing when off.
#[derive(Clone, Copy, Debug)]
pub(super) struct Log {
    pub(super) on: bool,
}

impl Log {
    /// Logs `event` with `fields` (a JSON object) and a timestamp.
    pub(super) fn event(&self, event: &str, fields: Value) {
        if !self.on {
            return;
        }
        let ms = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or(0);
        let ts = format!("{}.{:03}", ms / 1000, ms % 1000);
        let mut rest = Map::new();
        if let Value::Object(fields) = fields {
            rest.extend(fields.into_iter().filter(|(_, v)| !v.is_null()));
        }
        let rest = Value::Object(rest).to_string();
        let (event, rest) = (Value::from(event), &rest[1..rest.len() - 1]);
        let text = format!("{{\"ts\":{ts},\"event\":{event}{}{rest}}}", if rest.is_empty() { "" } else { "," });
        let _ = writeln!(std::io::stderr().lock(), "{text}");
    }
}
