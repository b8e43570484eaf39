//! Memory for queued messages: each connection's own budget, and one budget
//! for the queues of every connection together.
//!
//! Every queued message holds a [`Ticket`] for its bytes until it is written
//! to the socket (or dropped), so the counts are exact: a message counts
//! from the moment the hub queues it to the moment the writer is done.
//!
//! - A connection over its own budget is disconnected (`queue_full`).
//! - A message that would take every queue together over the server's
//!   budget is refused; the hub then disconnects the connection with the
//!   most unread bytes, releases its queue at once, and tries again.
//! - Past three quarters of the server's budget, the server is *busy*: it
//!   opens no new rooms (`server_busy`) while existing ones carry on.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

/// Why a message could not be queued.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Overflow {
    /// The connection's queue holds as many messages as allowed.
    Messages,
    /// The connection's queue holds as many bytes as allowed.
    Bytes,
    /// Every queue together holds as many bytes as the server allows.
    Server,
}

/// The server's budget for all queues together.
#[derive(Debug)]
pub(super) struct Budget {
    queued: AtomicUsize,
    limit: usize,
}

impl Budget {
    /// A budget of `limit` bytes over all queues.
    pub(super) fn new(limit: usize) -> Budget {
        Budget { queued: AtomicUsize::new(0), limit }
    }

    /// Bytes queued now, over all connections.
    pub(super) fn queued(&self) -> usize {
        self.queued.load(Ordering::Relaxed)
    }

    /// The budget, bytes.
    pub(super) fn limit(&self) -> usize {
        self.limit
    }

    /// Whether the queues hold three quarters of the budget or more: then no
    /// new rooms are opened.
    pub(super) fn busy(&self) -> bool {
        self.queued() >= self.limit / 4 * 3
    }

    /// Takes `len` bytes from the budget, unless that would exceed it.
    fn take(&self, len: usize) -> bool {
        self.queued.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |q| q.checked_add(len).filter(|&n| n <= self.limit)).is_ok()
    }

    fn give_back(&self, len: usize) {
        self.queued.fetch_sub(len, Ordering::Relaxed);
    }
}

#[derive(Debug, Default)]
struct Held {
    /// Bytes of this connection's queued messages.
    queued: usize,
    /// Whether its queue no longer counts against the server's budget
    /// (it is being dropped).
    released: bool,
}

/// One connection's queued bytes, within its own budget and the server's.
#[derive(Debug)]
pub(super) struct Account {
    budget: Arc<Budget>,
    limit: usize,
    held: Mutex<Held>,
}

impl Account {
    /// An account of at most `limit` queued bytes, within `budget`.
    pub(super) fn new(budget: Arc<Budget>, limit: usize) -> Arc<Account> {
        Arc::new(Account { budget, limit, held: Mutex::new(Held::default()) })
    }

    fn held(&self) -> std::sync::MutexGuard<'_, Held> {
        self.held.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Reserves `len` bytes for a message about to be queued. `Ok(None)`
    /// once the queue is released: the message is not worth queuing.
    pub(super) fn reserve(self: &Arc<Self>, len: usize) -> Result<Option<Ticket>, Overflow> {
        let mut held = self.held();
        if held.released {
            return Ok(None);
        }
        if held.queued.saturating_add(len) > self.limit {
            return Err(Overflow::Bytes);
        }
        if !self.budget.take(len) {
            return Err(Overflow::Server);
        }
        held.queued += len;
        Ok(Some(Ticket { account: self.clone(), len }))
    }

    /// Bytes queued for this connection that count against the server's
    /// budget (none once released).
    pub(super) fn queued(&self) -> usize {
        let held = self.held();
        if held.released { 0 } else { held.queued }
    }

    /// Stops counting this queue against the server's budget: it is about
    /// to be dropped unsent.
    pub(super) fn release(&self) {
        let mut held = self.held();
        if !held.released {
            held.released = true;
            self.budget.give_back(held.queued);
        }
    }
}

/// The bytes of one queued message, given back when it is dropped.
#[derive(Debug)]
pub(super) struct Ticket {
    account: Arc<Account>,
    len: usize,
}

impl Drop for Ticket {
    fn drop(&mut self) {
        let mut held = self.account.held();
        held.queued -= self.len;
        if !held.released {
            self.account.budget.give_back(self.len);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tickets_count_until_dropped() {
        let budget = Arc::new(Budget::new(1000));
        let a = Account::new(budget.clone(), 600);
        let t1 = a.reserve(400).unwrap().unwrap();
        assert_eq!(a.reserve(300).unwrap_err(), Overflow::Bytes);
        let b = Account::new(budget.clone(), 600);
        let t2 = b.reserve(500).unwrap().unwrap();
        assert_eq!(b.reserve(101).unwrap_err(), Overflow::Bytes);
        assert_eq!(a.reserve(101).unwrap_err(), Overflow::Server);
        assert!(budget.busy());
        drop(t1);
        assert_eq!((a.queued(), budget.queued()), (0, 500));
        assert!(!budget.busy());
        drop(t2);
        assert_eq!(budget.queued(), 0);
    }

    #[test]
    fn a_released_queue_stops_counting_at_once() {
        let budget = Arc::new(Budget::new(1000));
        let a = Account::new(budget.clone(), 1000);
        let tickets: Vec<Ticket> = (0..4).map(|_| a.reserve(200).unwrap().unwrap()).collect();
        assert_eq!(budget.queued(), 800);
        a.release();
        assert_eq!((a.queued(), budget.queued()), (0, 0));
        assert!(a.reserve(10).unwrap().is_none());
        drop(tickets);
        assert_eq!(budget.queued(), 0);
    }
}
