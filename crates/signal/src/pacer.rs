//! Keeping a client under the server's message rate, with time passed in.

use core::time::Duration;

/// A token bucket at 80% of the server's `max_rate` (leaving room for pongs
/// and signaling), holding at most half a second's worth: a fast session is
/// slowed down rather than cut off for flooding.
#[derive(Clone, Debug)]
pub struct Pacer {
    tokens: f64,
    /// Tokens per second.
    rate: f64,
    last: Duration,
}

impl Pacer {
    /// A full bucket for a server allowing `max_rate` messages per second, at time `now`.
    pub fn new(max_rate: u32, now: Duration) -> Pacer {
        let rate = f64::from(max_rate.max(1)) * 0.8;
        Pacer { tokens: rate / 2.0, rate, last: now }
    }

    /// Takes a token if one is there at `now` (true), or says no (false);
    /// see [`Pacer::next_token`] for when to try again.
    pub fn take(&mut self, now: Duration) -> bool {
        self.refill(now);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }

    /// When the next token is due (`now` if one is there).
    pub fn next_token(&mut self, now: Duration) -> Duration {
        self.refill(now);
        if self.tokens >= 1.0 { now } else { now + Duration::from_secs_f64((1.0 - self.tokens) / self.rate) }
    }

    fn refill(&mut self, now: Duration) {
        let elapsed = now.saturating_sub(self.last).as_secs_f64();
        self.tokens = (self.tokens + self.rate * elapsed).min(self.rate / 2.0);
        self.last = self.last.max(now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_of_half_a_second_then_the_rate() {
        let t0 = Duration::from_secs(100);
        let mut pacer = Pacer::new(100, t0); // 80 per second, bursts of 40
        let burst = (0..100).take_while(|_| pacer.take(t0)).count();
        assert_eq!(burst, 40);
        let due = pacer.next_token(t0);
        assert_eq!(due - t0, Duration::from_secs_f64(1.0 / 80.0));
        assert!(!pacer.take(due - Duration::from_micros(100)));
        assert!(pacer.take(due));
    }

    #[test]
    fn time_going_backwards_changes_nothing() {
        let t0 = Duration::from_secs(5);
        let mut pacer = Pacer::new(10, t0);
        while pacer.take(t0) {}
        assert!(!pacer.take(Duration::from_secs(1)));
        assert!(pacer.next_token(Duration::from_secs(1)) > Duration::from_secs(1));
    }
}
