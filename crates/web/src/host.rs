//! The session host's transport: one party of a session, driven by
//! messages that arrive as events (data-channel or relay frames), not by
//! blocking reads.
//!
//! The network side delivers each peer's frames into an [`Inbox`]; the
//! party sends through a callback. [`cohort_party::run`] then does what
//! `cohort party` does over these [`Links`]. Nothing here knows whether a
//! peer is reached directly or through the relay.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use cohort_mpc::bench::Measurement;
use cohort_party::Meeting;
use cohort_transport::{AsyncTransport, PartyId, TransportError};
use serde_json::Value as Json;

type Result<T> = core::result::Result<T, TransportError>;

/// The largest chunk of a message in one frame: frames (chunk, 9-byte
/// header, 16-byte tag) stay within 64 KiB, which every browser's data
/// channels carry as one message.
pub const FRAME_CHUNK: usize = 65536 - cohort_channel::HEADER - 16;

/// What has arrived from each peer, and who the party waits for.
#[derive(Debug, Default)]
struct InboxState {
    queues: Vec<VecDeque<Result<Vec<u8>>>>,
    /// Bytes queued per peer, and the limit.
    queued: Vec<usize>,
    limit: usize,
    /// Peers that went over the limit: their frames are dropped.
    flooded: Vec<bool>,
    wakers: Vec<Option<Waker>>,
    /// The peer a receive waits for, and since when (set by [`Inbox::stalled`]).
    waiting: Option<(PartyId, Option<f64>)>,
    /// The first peer whose link failed on its own (not with all the
    /// others), and why.
    lost: Option<(PartyId, TransportError)>,
}

/// Frames delivered by the network, per peer, until the party reads them.
/// Clones share one inbox.
#[derive(Clone, Debug, Default)]
pub struct Inbox(Rc<RefCell<InboxState>>);

impl Inbox {
    /// An empty inbox for a session of `m` parties, holding at most
    /// `limit` unread bytes from each.
    pub fn new(m: usize, limit: usize) -> Inbox {
        let state = InboxState {
            queues: vec![VecDeque::new(); m],
            queued: vec![0; m],
            limit,
            flooded: vec![false; m],
            wakers: vec![None; m],
            waiting: None,
            lost: None,
        };
        Inbox(Rc::new(RefCell::new(state)))
    }

    /// A frame from party `from` (ignored if there is no such party). Past
    /// the limit, reading from `from` fails with
    /// [`TransportError::Flooded`] and its later frames are dropped.
    pub fn deliver(&self, from: PartyId, frame: Vec<u8>) {
        let over = {
            let mut state = self.0.borrow_mut();
            let limit = state.limit;
            match state.queued.get_mut(from) {
                None => return,
                Some(queued) => {
                    *queued += frame.len();
                    let size = *queued;
                    if state.flooded[from] {
                        return;
                    }
                    (size > limit).then_some(size)
                }
            }
        };
        match over {
            Some(size) => {
                let limit = {
                    let mut state = self.0.borrow_mut();
                    state.flooded[from] = true;
                    state.limit
                };
                self.push(from, Err(TransportError::Flooded { party: from, size, limit }));
            }
            None => self.push(from, Ok(frame)),
        }
    }

    /// Party `from` is gone: the party's next read from it fails with `why`.
    pub fn fail(&self, from: PartyId, why: TransportError) {
        self.0.borrow_mut().lost.get_or_insert_with(|| (from, why.clone()));
        self.push(from, Err(why));
    }

    /// The link to party `from` closed. If another party's link failed
    /// before (it left, or went silent), this is most likely a consequence
    /// (`from` stopped because of it), so reads from `from` fail with that
    /// first failure, which names the party to blame; otherwise with `why`.
    /// A party that left after sending all it had to send fails nobody:
    /// what it sent is read before the failure.
    pub fn closed(&self, from: PartyId, why: TransportError) {
        let first = self.0.borrow().lost.as_ref().map(|(_, e)| e.clone());
        self.fail(from, first.unwrap_or(why));
    }

    /// The first party whose link failed on its own ([`Inbox::fail`]): the
    /// one a failure whose error names no party is about.
    pub fn first_lost(&self) -> Option<PartyId> {
        self.0.borrow().lost.as_ref().map(|&(party, _)| party)
    }

    /// Every read fails with `why` (the session is cancelled, or its network closed).
    pub fn fail_all(&self, why: &TransportError) {
        let m = self.0.borrow().queues.len();
        for j in 0..m {
            self.push(j, Err(why.clone()));
        }
    }

    /// Whether the party has waited for one peer longer than `timeout_ms`
    /// (by the clock `now_ms` the caller passes, called periodically). If so,
    /// that peer's read fails with a clear error and the peer is returned.
    pub fn stalled(&self, now_ms: f64, timeout_ms: f64) -> Option<PartyId> {
        let stalled = {
            let mut state = self.0.borrow_mut();
            match &mut state.waiting {
                Some((_, since @ None)) => {
                    *since = Some(now_ms);
                    None
                }
                Some((from, Some(since))) if now_ms - *since > timeout_ms => Some(*from),
                _ => None,
            }
        };
        if let Some(from) = stalled {
            let after = core::time::Duration::from_secs_f64(timeout_ms.max(0.0) / 1000.0);
            self.fail(from, TransportError::Timeout { party: from, after });
        }
        stalled
    }

    fn push(&self, from: PartyId, item: Result<Vec<u8>>) {
        let waker = {
            let mut state = self.0.borrow_mut();
            let Some(queue) = state.queues.get_mut(from) else { return };
            queue.push_back(item);
            state.wakers[from].take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    fn poll_recv(&self, from: PartyId, cx: &mut Context<'_>) -> Poll<Result<Vec<u8>>> {
        let mut state = self.0.borrow_mut();
        let Some(queue) = state.queues.get_mut(from) else {
            return Poll::Ready(Err(TransportError::NoSuchParty { party: from }));
        };
        match queue.pop_front() {
            Some(item) => {
                if let Ok(frame) = &item {
                    state.queued[from] -= frame.len();
                }
                if state.waiting.is_some_and(|(p, _)| p == from) {
                    state.waiting = None;
                }
                Poll::Ready(item)
            }
            None => {
                state.wakers[from] = Some(cx.waker().clone());
                if state.waiting.is_none_or(|(p, _)| p != from) {
                    state.waiting = Some((from, None));
                }
                Poll::Pending
            }
        }
    }
}

/// A party's links to its peers: an [`Inbox`] to read from and a function
/// that hands a frame to the network.
pub struct Links<S> {
    inbox: Inbox,
    send: S,
}

impl<S: FnMut(PartyId, Vec<u8>) -> Result<()>> Links<S> {
    /// Links reading from `inbox` and sending with `send`.
    pub fn new(inbox: Inbox, send: S) -> Self {
        Links { inbox, send }
    }
}

struct Recv {
    inbox: Inbox,
    from: PartyId,
}

impl Future for Recv {
    type Output = Result<Vec<u8>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.inbox.poll_recv(self.from, cx)
    }
}

impl<S: FnMut(PartyId, Vec<u8>) -> Result<()>> AsyncTransport for Links<S> {
    fn send(&mut self, to: PartyId, msg: Vec<u8>) -> Result<()> {
        (self.send)(to, msg)
    }

    fn recv(&mut self, from: PartyId) -> impl Future<Output = Result<Vec<u8>>> {
        Recv { inbox: self.inbox.clone(), from }
    }
}

/// The benchmark's measurements as `cohort bench --json` prints them: one
/// JSON object per workload, with the calls across the WebAssembly
/// module's boundary (`crossings_into_wasm`, `crossings_out_of_wasm`)
/// where they were counted.
pub fn bench_lines(meeting: &Meeting, measured: &[Measurement]) -> Vec<Json> {
    let (m, t) = (meeting.parties.len(), meeting.threshold);
    measured
        .iter()
        .map(|w| {
            let mut line = serde_json::json!({
                "workload": w.workload.name, "n": w.workload.n, "ms": (w.ms * 1000.0).round() / 1000.0,
                "rounds": w.rounds, "bytes_sent": w.bytes_sent, "parties": m, "threshold": t, "channels": "secure",
            });
            if let (Some(c), Some(fields)) = (w.crossings, line.as_object_mut()) {
                fields.insert("crossings_into_wasm".into(), c.into_wasm.into());
                fields.insert("crossings_out_of_wasm".into(), c.out_of_wasm.into());
            }
            line
        })
        .collect()
}
