//! Rates: a token bucket, and one bucket per IP address for
//! authentications (each costs a signature check).

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::{Duration, Instant};

/// A token bucket: `rate` per second, bursts of `rate`.
#[derive(Debug)]
pub(super) struct Bucket {
    tokens: f64,
    rate: f64,
    last: Instant,
}

impl Bucket {
    pub(super) fn new(rate: u32, now: Instant) -> Self {
        Bucket { tokens: f64::from(rate), rate: f64::from(rate), last: now }
    }

    fn refill(&mut self, now: Instant) {
        self.tokens = (self.tokens + self.rate * now.saturating_duration_since(self.last).as_secs_f64()).min(self.rate);
        self.last = now;
    }

    /// Takes a token; false when none is left.
    pub(super) fn take(&mut self, now: Instant) -> bool {
        self.refill(now);
        if self.tokens < 1.0 {
            return false;
        }
        self.tokens -= 1.0;
        true
    }

    /// Whether the bucket is full again (it can be forgotten).
    fn full(&mut self, now: Instant) -> bool {
        self.refill(now);
        self.tokens >= self.rate
    }
}

/// Bytes per second read from one connection. Past its allowance, reading
/// pauses — the client's TCP window closes, and so the client slows — rather
/// than the connection ending: an honest client sending a large round is
/// slowed, a flood costs the server no more than the rate.
#[derive(Debug)]
pub(super) struct Throttle {
    /// Bytes that may still be read at once (negative: owed).
    allowance: f64,
    rate: f64,
    burst: f64,
    last: Instant,
}

impl Throttle {
    /// `rate` bytes per second (0: no limit), bursts of `burst` bytes.
    pub(super) fn new(rate: usize, burst: usize, now: Instant) -> Self {
        Throttle { allowance: burst as f64, rate: rate as f64, burst: burst as f64, last: now }
    }

    /// Counts `bytes` read at `now`; returns how long to wait before
    /// reading again (zero: at once).
    pub(super) fn read(&mut self, bytes: usize, now: Instant) -> Duration {
        if self.rate == 0.0 {
            return Duration::ZERO;
        }
        let earned = self.rate * now.saturating_duration_since(self.last).as_secs_f64();
        self.last = now;
        self.allowance = (self.allowance + earned).min(self.burst) - bytes as f64;
        if self.allowance >= 0.0 { Duration::ZERO } else { Duration::from_secs_f64(-self.allowance / self.rate) }
    }
}

/// Authentications per second from each IP address (0: no limit).
#[derive(Debug)]
pub(super) struct PerAddress {
    rate: u32,
    buckets: HashMap<IpAddr, Bucket>,
}

impl PerAddress {
    pub(super) fn new(rate: u32) -> Self {
        PerAddress { rate, buckets: HashMap::new() }
    }

    /// The limit, per second (0: none).
    pub(super) fn rate(&self) -> u32 {
        self.rate
    }

    /// Counts one from `ip`; false when that address is over the rate.
    pub(super) fn take(&mut self, ip: IpAddr, now: Instant) -> bool {
        self.rate == 0 || self.buckets.entry(ip).or_insert_with(|| Bucket::new(self.rate, now)).take(now)
    }

    /// Forgets the addresses whose buckets are full again, so the map holds
    /// only addresses active in the last second or so.
    pub(super) fn prune(&mut self, now: Instant) {
        self.buckets.retain(|_, bucket| !bucket.full(now));
    }

    #[cfg(test)]
    fn addresses(&self) -> usize {
        self.buckets.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bucket_allows_a_burst_then_the_rate() {
        let start = Instant::now();
        let mut bucket = Bucket::new(10, start);
        assert!((0..10).all(|_| bucket.take(start)));
        assert!(!bucket.take(start));
        assert!(bucket.take(start + Duration::from_millis(100)));
        assert!(!bucket.take(start + Duration::from_millis(100)));
    }

    #[test]
    fn the_throttle_allows_a_burst_then_pauses_for_the_excess() {
        let start = Instant::now();
        let mut throttle = Throttle::new(1000, 4000, start);
        assert_eq!(throttle.read(4000, start), Duration::ZERO);
        assert_eq!(throttle.read(500, start), Duration::from_millis(500));
        // Half a second later the debt is paid; 200 more bytes owe 200 ms.
        assert_eq!(throttle.read(200, start + Duration::from_millis(500)), Duration::from_millis(200));
        let mut off = Throttle::new(0, 0, start);
        assert_eq!(off.read(1 << 30, start), Duration::ZERO);
    }

    #[test]
    fn each_address_has_its_own_bucket_and_idle_ones_are_forgotten() {
        let start = Instant::now();
        let (a, b): (IpAddr, IpAddr) = ("127.0.0.1".parse().unwrap(), "127.0.0.2".parse().unwrap());
        let mut rate = PerAddress::new(3);
        assert!((0..3).all(|_| rate.take(a, start)));
        assert!(!rate.take(a, start));
        assert!(rate.take(b, start));
        rate.prune(start + Duration::from_millis(100));
        assert_eq!(rate.addresses(), 2);
        rate.prune(start + Duration::from_secs(2));
        assert_eq!(rate.addresses(), 0);
        let mut off = PerAddress::new(0);
        assert!((0..1000).all(|_| off.take(a, start)));
        assert_eq!(off.addresses(), 0);
    }
}
