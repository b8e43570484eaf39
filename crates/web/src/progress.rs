//! What the session host tells the extension about a session's progress,
//! decided without I/O (the host passes the time in): rounds done of the
//! planned total, throttled, and how many parties have approved.

use std::collections::BTreeSet;

/// The fewest milliseconds between two `progress` events (at most 20 a second).
pub const MIN_INTERVAL_MS: f64 = 50.0;

/// One `progress` event: `{type: 'progress', session, roundsDone, roundsTotal}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RoundsEvent {
    /// Rounds completed (`roundsDone`).
    pub done: u64,
    /// The rounds the run takes (`roundsTotal`; `null` when unknown).
    pub total: Option<u64>,
}

/// The `progress` events of one run: the first at its start, then as rounds
/// complete, at most one every [`MIN_INTERVAL_MS`] and one per whole percent
/// of the total, and a last one when it finishes.
#[derive(Clone, Debug)]
pub struct RoundsReport {
    total: Option<u64>,
    done: u64,
    last_at: f64,
    last_percent: u64,
}

impl RoundsReport {
    /// A run planned to take `total` rounds (`None`: unknown), starting at
    /// `now_ms`; returns the first event (no rounds done).
    pub fn start(total: Option<u64>, now_ms: f64) -> (RoundsReport, RoundsEvent) {
        let report = RoundsReport { total, done: 0, last_at: now_ms, last_percent: 0 };
        let first = report.event();
        (report, first)
    }

    /// `done` rounds have completed at `now_ms`: the event to emit, if one
    /// is due. The total is raised to `done` if the run takes more rounds
    /// than planned (a shuffled sort's levels are random), so the bar never
    /// passes its end.
    pub fn rounds_done(&mut self, done: u64, now_ms: f64) -> Option<RoundsEvent> {
        self.done = self.done.max(done);
        let percent = self.percent();
        if now_ms - self.last_at < MIN_INTERVAL_MS || (self.total.is_some() && percent <= self.last_percent) {
            return None;
        }
        self.last_at = now_ms;
        self.last_percent = percent;
        Some(self.event())
    }

    /// The run finished with `done` rounds: the last event, whose total is
    /// the rounds it took.
    pub fn finish(&mut self, done: u64) -> RoundsEvent {
        self.done = self.done.max(done);
        self.total = Some(self.done);
        self.event()
    }

    /// Rounds completed so far.
    pub fn done(&self) -> u64 {
        self.done
    }

    fn event(&self) -> RoundsEvent {
        RoundsEvent { done: self.done, total: self.total.map(|t| t.max(self.done)) }
    }

    /// Whole percent of the total done (0 when the total is unknown).
    fn percent(&self) -> u64 {
        match self.total.map(|t| t.max(self.done)) {
            Some(0) => 100,
            Some(t) => self.done.saturating_mul(100) / t,
            None => 0,
        }
    }
}

/// The parties known to have approved a session and started connecting,
/// for the `approved` event (`{type: 'approved', session, approved: N}`).
#[derive(Clone, Debug, Default)]
pub struct Approvals {
    parties: BTreeSet<usize>,
}

impl Approvals {
    /// Party `party` approved (this party when its start arrived, a peer
    /// when its first signal or frame did): the new count if it changed.
    pub fn approve(&mut self, party: usize) -> Option<usize> {
        self.parties.insert(party).then_some(self.parties.len())
    }

    /// How many have approved.
    pub fn count(&self) -> usize {
        self.parties.len()
    }
}
