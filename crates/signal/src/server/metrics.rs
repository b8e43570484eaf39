//! `GET /metrics`: the server's counters in the OpenMetrics text format,
//! which Prometheus scrapes (prometheus-client, the Prometheus project's
//! own Rust client). Only counts and sizes: no room names, fingerprints or
//! addresses.
//!
//! | metric | kind | what |
//! |---|---|---|
//! | `cohort_signal_clients` | gauge | WebSocket sessions, authenticated or not |
//! | `cohort_signal_connections` | gauge | TCP connections being served |
//! | `cohort_signal_rooms` | gauge | live rooms |
//! | `cohort_signal_queued_bytes` | gauge | bytes queued for clients, all together |
//! | `cohort_signal_queue_budget_bytes` | gauge | the budget for them (`--memory-budget`) |
//! | `cohort_signal_relayed_messages_total` | counter | relay frames forwarded |
//! | `cohort_signal_relayed_bytes_total` | counter | their bytes |
//! | `cohort_signal_refusals_total{reason}` | counter | refusals: an error code sent, or a connection turned away |
//! | `cohort_signal_relay_latency_seconds` | histogram | from a relay frame's arrival to its forwarding on the recipient's socket |

use std::time::Duration;

use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

/// The `Content-Type` of [`Metrics::render`]'s text.
pub(super) const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// Gauges read from the server's state when scraped.
#[derive(Clone, Copy, Debug)]
pub(super) struct Snapshot {
    pub(super) clients: usize,
    pub(super) connections: usize,
    pub(super) rooms: usize,
    pub(super) queued_bytes: usize,
    pub(super) queue_budget_bytes: usize,
}

/// The server's metrics.
pub(super) struct Metrics {
    registry: Registry,
    clients: Gauge,
    connections: Gauge,
    rooms: Gauge,
    queued_bytes: Gauge,
    queue_budget_bytes: Gauge,
    relayed_messages: Counter,
    relayed_bytes: Counter,
    refusals: Family<Vec<(String, String)>, Counter>,
    relay_latency: Histogram,
}

impl Metrics {
    pub(super) fn new() -> Metrics {
        let mut registry = Registry::with_prefix("cohort_signal");
        let metrics = Metrics {
            clients: Gauge::default(),
            connections: Gauge::default(),
            rooms: Gauge::default(),
            queued_bytes: Gauge::default(),
            queue_budget_bytes: Gauge::default(),
            relayed_messages: Counter::default(),
            relayed_bytes: Counter::default(),
            refusals: Family::default(),
            // 50 µs to about 1.6 s, doubling.
            relay_latency: Histogram::new(exponential_buckets(0.000_05, 2.0, 16)),
            registry: Registry::default(),
        };
        registry.register("clients", "WebSocket sessions, authenticated or not", metrics.clients.clone());
        registry.register("connections", "TCP connections being served", metrics.connections.clone());
        registry.register("rooms", "Live rooms", metrics.rooms.clone());
        registry.register("queued_bytes", "Bytes queued for clients, all together", metrics.queued_bytes.clone());
        registry.register("queue_budget_bytes", "The budget for all queued bytes", metrics.queue_budget_bytes.clone());
        registry.register("relayed_messages", "Relay frames forwarded", metrics.relayed_messages.clone());
        registry.register("relayed_bytes", "Bytes of relay frames forwarded", metrics.relayed_bytes.clone());
        registry.register("refusals", "Refusals by reason: an error code sent, or a connection turned away", metrics.refusals.clone());
        registry.register(
            "relay_latency_seconds",
            "From a relay frame's arrival to its forwarding on the recipient's socket",
            metrics.relay_latency.clone(),
        );
        Metrics { registry, ..metrics }
    }

    /// Counts a refusal (an error code's name, or why a connection was turned away).
    pub(super) fn refused(&self, reason: &str) {
        self.refusals.get_or_create(&vec![("reason".to_string(), reason.to_string())]).inc();
    }

    /// Counts a relay frame forwarded.
    pub(super) fn relayed(&self, bytes: usize) {
        self.relayed_messages.inc();
        self.relayed_bytes.inc_by(bytes as u64);
    }

    /// Records how long a relay frame waited between arrival and forwarding.
    pub(super) fn delivered(&self, waited: Duration) {
        self.relay_latency.observe(waited.as_secs_f64());
    }

    /// The metrics as OpenMetrics text, with the gauges set from `now`.
    pub(super) fn render(&self, now: Snapshot) -> String {
        let gauge = |g: &Gauge, v: usize| g.set(i64::try_from(v).unwrap_or(i64::MAX));
        gauge(&self.clients, now.clients);
        gauge(&self.connections, now.connections);
        gauge(&self.rooms, now.rooms);
        gauge(&self.queued_bytes, now.queued_bytes);
        gauge(&self.queue_budget_bytes, now.queue_budget_bytes);
        let mut text = String::new();
        encode(&mut text, &self.registry).expect("writing to a String does not fail");
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_names_every_metric_with_its_value() {
        let metrics = Metrics::new();
        metrics.refused("rate_limited");
        metrics.refused("rate_limited");
        metrics.relayed(300);
        metrics.delivered(Duration::from_micros(70));
        let snapshot = Snapshot { clients: 3, connections: 4, rooms: 1, queued_bytes: 512, queue_budget_bytes: 1 << 30 };
        let text = metrics.render(snapshot);
        for line in [
            "cohort_signal_clients 3",
            "cohort_signal_connections 4",
            "cohort_signal_rooms 1",
            "cohort_signal_queued_bytes 512",
            "cohort_signal_queue_budget_bytes 1073741824",
            "cohort_signal_relayed_messages_total 1",
            "cohort_signal_relayed_bytes_total 300",
            "cohort_signal_refusals_total{reason=\"rate_limited\"} 2",
            "cohort_signal_relay_latency_seconds_count 1",
            "cohort_signal_relay_latency_seconds_bucket{le=\"0.0001\"} 1",
            "cohort_signal_relay_latency_seconds_bucket{le=\"0.00005\"} 0",
        ] {
            assert!(text.lines().any(|l| l == line), "no `{line}` in\n{text}");
        }
        assert!(text.ends_with("# EOF\n"));
    }
}
