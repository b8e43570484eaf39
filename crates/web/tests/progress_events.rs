//! The session host's `progress` and `approved` events: rounds done of the
//! planned total, never more than 20 a second nor more than one per whole
//! percent, first at 0 and last at the rounds the run took; approvals
//! counted once per party.

use cohort_web::progress::{Approvals, MIN_INTERVAL_MS, RoundsEvent, RoundsReport};

/// The events of a run of `rounds` rounds planned as `total`, one round
/// completing every `ms_per_round` milliseconds.
fn events(total: Option<u64>, rounds: u64, ms_per_round: f64) -> Vec<(f64, RoundsEvent)> {
    let (mut report, first) = RoundsReport::start(total, 0.0);
    let mut out = vec![(0.0, first)];
    for done in 1..=rounds {
        let now = done as f64 * ms_per_round;
        out.extend(report.rounds_done(done, now).map(|e| (now, e)));
    }
    let end = rounds as f64 * ms_per_round;
    out.push((end, report.finish(rounds)));
    out
}

#[test]
fn a_run_starts_at_zero_and_ends_at_the_rounds_it_took() {
    let all = events(Some(70), 70, 100.0);
    assert_eq!(all.first().unwrap().1, RoundsEvent { done: 0, total: Some(70) });
    assert_eq!(all.last().unwrap().1, RoundsEvent { done: 70, total: Some(70) });
    // Slow rounds of a short run: every one is reported.
    let done: Vec<u64> = all[1..all.len() - 1].iter().map(|(_, e)| e.done).collect();
    assert_eq!(done, (1..=70).collect::<Vec<_>>());
}

#[test]
fn fast_rounds_give_at_most_twenty_events_a_second() {
    // 10,000 rounds of 0.1 ms: one second.
    let all = events(Some(10_000), 10_000, 0.1);
    let between: Vec<f64> = all.windows(2).take(all.len() - 2).map(|w| w[1].0 - w[0].0).collect();
    assert!(between.iter().all(|&ms| ms >= MIN_INTERVAL_MS), "{between:?}");
    assert!(all.len() <= 20 + 2, "{} events in one second", all.len());
}

#[test]
fn a_long_run_gives_at_most_one_event_per_percent() {
    // A million rounds of 1 ms: about 17 minutes, at most 101 events and the last.
    let all = events(Some(1_000_000), 1_000_000, 1.0);
    let percents: Vec<u64> = all.iter().map(|(_, e)| e.done * 100 / e.total.unwrap()).collect();
    assert!(percents.windows(2).all(|w| w[0] < w[1] || w[1] == 100), "{percents:?}");
    assert!(all.len() <= 102, "{} events", all.len());
    assert!(all.len() >= 90, "{} events: too few for a progress bar", all.len());
}

#[test]
fn an_unknown_total_is_null_until_the_end() {
    let all = events(None, 30, 100.0);
    assert!(all[..all.len() - 1].iter().all(|(_, e)| e.total.is_none()));
    assert_eq!(all.last().unwrap().1, RoundsEvent { done: 30, total: Some(30) });
}

#[test]
fn a_run_longer_than_planned_raises_the_total() {
    // A shuffled sort took more levels than the dry run did.
    let all = events(Some(24), 33, 100.0);
    assert!(all.iter().all(|(_, e)| e.total.is_some_and(|t| e.done <= t)), "{all:?}");
    assert_eq!(all.last().unwrap().1, RoundsEvent { done: 33, total: Some(33) });
}

#[test]
fn each_party_counts_once_as_it_approves() {
    let mut approvals = Approvals::default();
    assert_eq!(approvals.approve(2), Some(1), "a peer's early signal");
    assert_eq!(approvals.approve(2), None, "its later signals and frames");
    assert_eq!(approvals.approve(0), Some(2), "this party's start");
    assert_eq!(approvals.approve(1), Some(3));
    assert_eq!(approvals.count(), 3);
}
