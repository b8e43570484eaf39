//! The session host: one party of a session, driven by messages that
//! arrive as events (data-channel or relay frames), not by blocking reads.
//!
//! The network side delivers each peer's frames into an [`Inbox`]; the
//! party sends through a callback. [`run_party`] then does what `cohort
//! party` does: the secure-channel handshakes, the program hello inside
//! them, and the computation, reporting each [`Stage`] as it is reached. Nothing here
//! knows whether a peer is reached directly or through the relay.

use std::cell::RefCell;
use std::collections::{BTreeMap, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use cohort_channel::{Fingerprint, Identity, SecureMesh, Transcript};
use cohort_mpc::{AsyncTransport, Config, Error, PartyId, Result, Runtime, Session, run_async};
use cohort_program::{CheckedProgram, Outputs, PartyInputs};
use serde_json::Value as Json;

/// The largest chunk of a message in one frame: frames (chunk, 9-byte
/// header, 16-byte tag) stay within 64 KiB, which every browser's data
/// channels carry as one message.
pub const FRAME_CHUNK: usize = 65536 - cohort_channel::HEADER - 16;

/// What one party of a session runs.
#[derive(Debug)]
pub struct PartyConfig {
    /// The checked program every party runs.
    pub program: CheckedProgram,
    /// The session id (the signal server's room).
    pub session: String,
    /// Every party's fingerprint, in party order.
    pub parties: Vec<Fingerprint>,
    /// This party's position in `parties`.
    pub me: PartyId,
    /// The Shamir threshold; `None` for [`cohort_mpc::default_threshold`].
    pub threshold: Option<usize>,
    /// This party's inputs by name (from the page, or typed by the participant).
    pub inputs: BTreeMap<String, Json>,
}

impl PartyConfig {
    /// The threshold in force.
    pub fn threshold(&self) -> usize {
        self.threshold.unwrap_or(cohort_mpc::default_threshold(self.parties.len()))
    }
}

/// How far a party has come, reported to the page and the popup.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Running the secure-channel handshakes.
    Handshaking,
    /// Checking, inside the channels, that every peer runs the same program.
    Agreeing,
    /// Computing.
    Running,
}

impl Stage {
    /// The stage's name in the page API's events.
    pub fn name(self) -> &'static str {
        match self {
            Stage::Agreeing => "agreeing",
            Stage::Handshaking => "handshaking",
            Stage::Running => "running",
        }
    }
}

/// What has arrived from each peer, and who the party waits for.
#[derive(Debug, Default)]
struct InboxState {
    queues: Vec<VecDeque<core::result::Result<Vec<u8>, String>>>,
    wakers: Vec<Option<Waker>>,
    /// The peer a receive waits for, and since when (set by [`Inbox::stalled`]).
    waiting: Option<(PartyId, Option<f64>)>,
}

/// Frames delivered by the network, per peer, until the party reads them.
/// Clones share one inbox.
#[derive(Clone, Debug, Default)]
pub struct Inbox(Rc<RefCell<InboxState>>);

impl Inbox {
    /// An empty inbox for a session of `m` parties.
    pub fn new(m: usize) -> Inbox {
        let state = InboxState { queues: vec![VecDeque::new(); m], wakers: vec![None; m], waiting: None };
        Inbox(Rc::new(RefCell::new(state)))
    }

    /// A frame from party `from` (ignored if there is no such party).
    pub fn deliver(&self, from: PartyId, frame: Vec<u8>) {
        self.push(from, Ok(frame));
    }

    /// Party `from` is gone: the party's next read from it fails with `why`.
    pub fn fail(&self, from: PartyId, why: String) {
        self.push(from, Err(why));
    }

    /// Every read fails with `why` (the session is cancelled).
    pub fn fail_all(&self, why: &str) {
        let m = self.0.borrow().queues.len();
        for j in 0..m {
            self.fail(j, why.to_string());
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
            self.fail(from, format!("party {from} sent nothing for {:.0} s", timeout_ms / 1000.0));
        }
        stalled
    }

    fn push(&self, from: PartyId, item: core::result::Result<Vec<u8>, String>) {
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
            return Poll::Ready(Err(Error::InvalidArgument(format!("no party {from}"))));
        };
        match queue.pop_front() {
            Some(item) => {
                if state.waiting.is_some_and(|(p, _)| p == from) {
                    state.waiting = None;
                }
                Poll::Ready(item.map_err(Error::Transport))
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

/// Runs one party: checks the inputs, runs the handshakes, agrees on the
/// program with every peer inside the channels, computes, and returns the
/// outputs this party may see.
pub async fn run_party(
    config: &PartyConfig,
    identity: &Identity,
    links: impl AsyncTransport,
    mut progress: impl FnMut(Stage),
) -> core::result::Result<Outputs, String> {
    let (m, me, t) = (config.parties.len(), config.me, config.threshold());
    let engine = engine_config(&config.parties, me, t, identity)?;
    let plan = config.program.plan(m).map_err(|e| e.to_string())?;
    let inputs = PartyInputs::new(&plan, me, &config.inputs).map_err(|e| e.to_string())?;
    // The program and threshold are agreed inside the channels, encrypted
    // (see `cohort_program::agree`), so the handshakes bind only the session.
    let transcript = Transcript::meeting(&config.session, config.parties.clone());
    let mut mesh = handshake(links, identity, &engine, &transcript, &mut progress).await?;
    progress(Stage::Agreeing);
    cohort_program::agree(&mut mesh, &config.program, me, m, t).await.map_err(|e| e.to_string())?;
    let body = move |rt: Rc<Runtime>| async move { Ok(cohort_program::run(&plan, &rt, &inputs).await) };
    compute(mesh, &engine, &mut progress, body).await?.map_err(|e| e.to_string())
}

/// The engine's configuration for party `me`, once `identity` is checked to be that party.
fn engine_config(parties: &[Fingerprint], me: PartyId, t: usize, identity: &Identity) -> core::result::Result<Config, String> {
    if parties.get(me) != Some(&identity.fingerprint()) {
        return Err(format!("this identity ({}) is not party {me} of the session", identity.fingerprint()));
    }
    let engine = Config { parties: parties.len(), threshold: t, id: me, seed: None, prss: true };
    engine.validate().map_err(|e| e.to_string())?;
    Ok(engine)
}

/// The secure-channel handshakes with every peer (frames within [`FRAME_CHUNK`]).
async fn handshake<L: AsyncTransport>(
    links: L,
    identity: &Identity,
    engine: &Config,
    transcript: &Transcript,
    progress: &mut impl FnMut(Stage),
) -> core::result::Result<SecureMesh<L>, String> {
    progress(Stage::Handshaking);
    let mesh = SecureMesh::establish_async(links, engine.id, identity, transcript).await.map_err(|e| e.to_string())?;
    Ok(mesh.with_chunk(FRAME_CHUNK))
}

/// `body` on the engine over the secure channels `mesh`.
async fn compute<T, F, Fut>(
    mut mesh: SecureMesh<impl AsyncTransport>,
    engine: &Config,
    progress: &mut impl FnMut(Stage),
    body: F,
) -> core::result::Result<T, String>
where
    T: 'static,
    F: FnOnce(Rc<Runtime>) -> Fut,
    Fut: Future<Output = cohort_mpc::Result<T>> + 'static,
{
    progress(Stage::Running);
    let mut session = Session::new(engine, body).map_err(|e| e.to_string())?;
    run_async(&mut session, &mut mesh).await.map_err(|e| e.to_string())
}

/// What a benchmark party runs: the engine's workloads (as `cohort bench`).
#[derive(Debug)]
pub struct BenchConfig {
    /// The session id (the signal server's room).
    pub session: String,
    /// Every party's fingerprint, in party order.
    pub parties: Vec<Fingerprint>,
    /// This party's position in `parties`.
    pub me: PartyId,
    /// The workloads, in order.
    pub workloads: Vec<cohort_mpc::bench::Workload>,
    /// Runs of each; the fastest counts.
    pub runs: usize,
}

/// Runs the engine's benchmark workloads as one party over secure channels;
/// returns one JSON object per workload, as `cohort bench --json` prints.
pub async fn run_bench(
    config: &BenchConfig,
    identity: &Identity,
    links: impl AsyncTransport,
    clock: fn() -> f64,
    mut progress: impl FnMut(Stage),
) -> core::result::Result<Vec<Json>, String> {
    let m = config.parties.len();
    let t = cohort_mpc::default_threshold(m);
    let engine = engine_config(&config.parties, config.me, t, identity)?;
    // No program: the transcript names the benchmark instead.
    let mut hash = [0u8; 32];
    hash[..12].copy_from_slice(b"cohort bench");
    let transcript = Transcript::new(&config.session, hash, t, config.parties.clone());
    let (workloads, runs) = (config.workloads.clone(), config.runs);
    let body = move |rt| cohort_mpc::bench::run(rt, workloads, runs, clock);
    let mesh = handshake(links, identity, &engine, &transcript, &mut progress).await?;
    let measured = compute(mesh, &engine, &mut progress, body).await?;
    Ok(measured
        .iter()
        .map(|w| {
            serde_json::json!({
                "workload": w.workload.name, "n": w.workload.n, "ms": (w.ms * 1000.0).round() / 1000.0,
                "rounds": w.rounds, "bytes_sent": w.bytes_sent, "parties": m, "threshold": t, "channels": "secure",
            })
        })
        .collect())
}
