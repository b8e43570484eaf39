//! One party's runtime: rounds, message batching and randomness.
//!
//! Protocols are `async` functions on [`Runtime`]. Each communication step
//! *registers* what this party sends to every peer in the current round and
//! awaits what the peers sent in the same step. Nothing is sent while the
//! party's program can still make progress: only when every concurrent branch
//! of the program waits does the [`Session`](crate::Session) flush the round —
//! one message per peer carrying every step registered in it. So independent
//! operations, whether in one vector or in branches joined with
//! [`futures_util::future::join`], share rounds automatically.
//!
//! All parties run the same program, so they register the same steps in the
//! same order; each round message carries its round number and step count and
//! a peer that disagrees is reported as misbehaving.
//!
//! Each step also says who sends to whom ([`Flow`]). A round's message goes
//! only to the peers some step of the round sends to, and the round waits
//! only for the peers some step receives from: a product at three parties
//! sends one message a round, not two, and waits for one. Every
//! [`SYNC_EVERY`]-th round every party sends every peer a message, so that
//! no party runs more than that many rounds ahead of another.

use core::cell::{Cell, RefCell};
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll, Waker};
use std::collections::VecDeque;
use std::ops::Range;
use std::rc::Rc;

use crate::keystream::KeyStream;
use rand_core::SeedableRng;

use crate::field::{Arith, Fe, Field, with_arith};
use crate::prss::{self, Prss};
use crate::{Error, PartyId, Result, shamir};

/// The most parties a session may have (subsets of parties are 64-bit masks).
pub const MAX_PARTIES: usize = 62;

/// The party ids `0, 1, …, MAX_PARTIES − 1`: the first `k` parties as a
/// slice, without allocating one each round.
pub(crate) const PARTY_IDS: [PartyId; MAX_PARTIES] = {
    let mut ids = [0; MAX_PARTIES];
    let mut i = 0;
    while i < MAX_PARTIES {
        ids[i] = i;
        i += 1;
    }
    ids
};

/// Round numbers divisible by this are sent to and awaited from every peer,
/// whatever their steps: a party runs ahead only of peers it does not wait
/// for, and never past the next such round, so at most [`UNREAD_ROUNDS`]
/// of a peer's messages wait to be read. (Rounds are counted from 0, the
/// key set-up round, which every party sends to every peer anyway.)
pub const SYNC_EVERY: u64 = 8;

/// The most round messages from one peer that an honest party may hold
/// unread: those of the rounds up to the next [`SYNC_EVERY`]-th round, and
/// one more while this party waits for that round. A peer whose messages
/// go beyond it is reported as misbehaving; a transport holds at most this
/// many of the largest round messages unread from one peer.
pub const UNREAD_ROUNDS: usize = SYNC_EVERY as usize + 1;

/// The statistical security parameter `k` (MPyC's default).
pub const SEC_PARAM: u32 = 30;

/// The default Shamir threshold for `m` parties, MPyC's `(m − 1) / 2`: the
/// largest `t` with `2t < m`, so that any `t` parties together learn nothing
/// of the others' inputs. It is 0 for one or two parties, and a threshold
/// of 0 gives no privacy: every party's input then reaches the others in
/// the clear. The single source of this rule, for the CLI, the browser
/// host and (through `cohort-web`) the extension.
pub const fn default_threshold(m: usize) -> usize {
    m.saturating_sub(1) / 2
}

/// What one party needs to know to run a session.
#[derive(Clone, Debug)]
pub struct Config {
    /// Number of parties `m`.
    pub parties: usize,
    /// Shamir threshold `t`: any `t` parties learn nothing; `2t < m`.
    pub threshold: usize,
    /// This party's index in `0..m`.
    pub id: PartyId,
    /// Seed for this party's private randomness. `None` takes it from the
    /// operating system; fixed seeds are for reproducible tests only.
    pub seed: Option<[u8; 32]>,
    /// Use pseudorandom secret sharing when the number of subsets allows it.
    pub prss: bool,
}

impl Config {
    /// A configuration with MPyC's default threshold `(m − 1) / 2`.
    pub fn new(parties: usize, id: PartyId) -> Self {
        Config { parties, threshold: default_threshold(parties), id, seed: None, prss: true }
    }

    /// Checks `1 ≤ m ≤ MAX_PARTIES`, `2t < m` and `id < m`.
    pub fn validate(&self) -> Result<()> {
        let (m, t) = (self.parties, self.threshold);
        if m == 0 || m > MAX_PARTIES {
            return Err(Error::InvalidArgument(format!("{m} parties: need 1 to {MAX_PARTIES}")));
        }
        if 2 * t >= m {
            return Err(Error::InvalidArgument(format!(
                "threshold {t} is too large for {m} parties: need 2t < m, so at most {}",
                default_threshold(m)
            )));
        }
        if self.id >= m {
            return Err(Error::InvalidArgument(format!("party id {} is not below {m}", self.id)));
        }
        Ok(())
    }
}

/// The largest message of the session's set-up round (PRSS keys, 32 bytes
/// for each subset of parties a peer shares a key with, and the pair's own
/// key) to one peer, for `m` parties with threshold `t`, headers included;
/// programs add their own rounds' sizes (see
/// `cohort_program::Plan::largest_message`).
pub fn largest_setup_message(m: usize, t: usize) -> usize {
    let count = prss::subset_count(m, t);
    let keys = if count <= prss::MAX_SUBSETS { count + 1 } else { 0 };
    HEADER + 4 + 32 * keys
}

/// Communication counters, for benchmarks and round-count checks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Rounds completed, including the PRSS key set-up round. In each, this
    /// party sends at most one message to each peer and receives at most
    /// one from each (see [`SYNC_EVERY`]).
    pub rounds: u64,
    /// Payload bytes sent to all peers.
    pub bytes_sent: u64,
    /// The largest round message sent to one peer, in bytes (headers
    /// included): what a peer must be ready to receive at once.
    pub largest_message: u64,
    /// Whether the number of rounds depended on public randomness, so that
    /// another run of the same program may take a different number: a
    /// shuffled sort of more than 4 keys (its levels), or a retry of
    /// rejection sampling. Never on the data.
    pub rounds_vary: bool,
}

/// Who learns an opened value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Receivers {
    /// Every party.
    All,
    /// Only these parties.
    Only(Vec<PartyId>),
}

impl Receivers {
    /// Whether party `j` receives.
    pub fn contains(&self, j: PartyId) -> bool {
        match self {
            Receivers::All => true,
            Receivers::Only(list) => list.contains(&j),
        }
    }
}

/// Who talks to whom in one communication step, seen from this party: the
/// peers it sends to and those it receives from, as bit masks. Every party
/// derives both from one rule, `sends(from, to)` over all parties, so the
/// messages one party sends are exactly those its peers wait for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Flow {
    to: u64,
    from: u64,
}

impl Flow {
    /// Party `a` sends to party `b ≠ a` exactly when `sends(a, b)`; this
    /// party is `me` of `m`.
    pub(crate) fn by(m: usize, me: PartyId, sends: &dyn Fn(PartyId, PartyId) -> bool) -> Flow {
        let (mut to, mut from) = (0, 0);
        for j in (0..m).filter(|&j| j != me) {
            to |= u64::from(sends(me, j)) << j;
            from |= u64::from(sends(j, me)) << j;
        }
        Flow { to, from }
    }
}

/// Lagrange coefficients at 0 by (field modulus, parties interpolated from).
/// A session uses a handful of entries and looks one up every round, so a
/// list searched in place beats hashing a freshly allocated key.
type LagrangeCache = Vec<(u128, Vec<usize>, Rc<[shamir::Lambda]>)>;

/// [`Runtime::successor_basis`] by field modulus, searched in place like
/// [`LagrangeCache`].
type SuccessorBasisCache = Vec<(u128, Rc<[Vec<Fe>]>)>;

/// One party's side of a session: its identity in the session, its
/// randomness, and the round being assembled. Shared by the protocol futures
/// through `Rc`; nothing in it blocks or touches I/O.
pub struct Runtime {
    id: PartyId,
    m: usize,
    t: usize,
    rng: RefCell<KeyStream>,
    prss: RefCell<Option<Prss>>,
    /// A key stream shared with each peer (none for this party, and none
    /// before set-up or without PRSS): see [`Runtime::with_pair_stream`].
    pairs: RefCell<Vec<Option<KeyStream>>>,
    /// A second stream of each pair's key (stream 1 of the key), for the
    /// pairwise zero sharings of [`Runtime::pair_zero_sharing`]: its own,
    /// so its draws never interleave with the dealing draws of `pairs`.
    pair_zeros: RefCell<Vec<Option<KeyStream>>>,
    use_prss: bool,
    lagrange: RefCell<LagrangeCache>,
    successor_basis: RefCell<SuccessorBasisCache>,
    pub(crate) rounds: RefCell<Rounds>,
    stats: Cell<Stats>,
}

impl Runtime {
    pub(crate) fn new(config: &Config) -> Result<Self> {
        config.validate()?;
        let seed = match config.seed {
            Some(s) => s,
            None => {
                let mut s = [0u8; 32];
                getrandom::fill(&mut s).map_err(|e| Error::Internal(format!("no system randomness: {e}")))?;
                s
            }
        };
        let use_prss = config.prss && prss::subset_count(config.parties, config.threshold) <= prss::MAX_SUBSETS;
        Ok(Runtime {
            id: config.id,
            m: config.parties,
            t: config.threshold,
            rng: RefCell::new(KeyStream::from_seed(seed)),
            prss: RefCell::new(None),
            pairs: RefCell::new(Vec::new()),
            pair_zeros: RefCell::new(Vec::new()),
            use_prss,
            lagrange: RefCell::new(Vec::new()),
            successor_basis: RefCell::new(Vec::new()),
            rounds: RefCell::new(Rounds::new(config.parties, config.id)),
            stats: Cell::new(Stats::default()),
        })
    }

    /// This party's index.
    pub fn id(&self) -> PartyId {
        self.id
    }

    /// The number of parties `m`.
    pub fn parties(&self) -> usize {
        self.m
    }

    /// The threshold `t`.
    pub fn threshold(&self) -> usize {
        self.t
    }

    /// Communication so far.
    pub fn stats(&self) -> Stats {
        let rounds = self.rounds.borrow();
        Stats { rounds: rounds.current, largest_message: rounds.largest as u64, ..self.stats.get() }
    }

    /// Notes that the number of rounds now depends on public randomness
    /// ([`Stats::rounds_vary`]).
    pub(crate) fn rounds_vary(&self) {
        let mut stats = self.stats.get();
        stats.rounds_vary = true;
        self.stats.set(stats);
    }

    /// Whether randomness comes from PRSS (no interaction) rather than from
    /// parties dealing random sharings.
    pub fn uses_prss(&self) -> bool {
        self.use_prss
    }

    /// Runs `f` with this party's private random generator.
    pub(crate) fn with_rng<R>(&self, f: impl FnOnce(&mut KeyStream) -> R) -> R {
        f(&mut self.rng.borrow_mut())
    }

    /// [`Flow::by`] for this party.
    pub(crate) fn flow(&self, sends: impl Fn(PartyId, PartyId) -> bool) -> Flow {
        Flow::by(self.m, self.id, &sends)
    }

    /// Every party sends to every other.
    pub(crate) fn flow_everyone(&self) -> Flow {
        self.flow(|_, _| true)
    }

    /// The parties for which `dealer` holds deal with [`Runtime::share_out`]:
    /// each sends to every other party but, with pair keys, its `t` cyclic
    /// successors, who draw their shares instead.
    pub(crate) fn flow_dealt_by(&self, dealer: impl Fn(PartyId) -> bool) -> Flow {
        let derive = self.has_pair_streams();
        self.flow(|d, j| dealer(d) && !(derive && self.is_successor(d, j)))
    }

    /// Whether party `j` is one of dealer `d`'s `t` cyclic successors, who,
    /// with pair keys, draw the share `d` gives them with
    /// [`Runtime::share_out`] rather than receive it.
    pub(crate) fn is_successor(&self, d: PartyId, j: PartyId) -> bool {
        (1..=self.t).contains(&((j + self.m - d) % self.m))
    }

    /// Checks that the field has a distinct nonzero point for every party.
    pub(crate) fn check_field(&self, field: &Field) -> Result<()> {
        if field.modulus() <= self.m as u128 {
            return Err(Error::InvalidArgument(format!("a field of {} elements cannot share among {} parties", field.modulus(), self.m)));
        }
        Ok(())
    }

    /// Cached Lagrange coefficients at 0 for the given parties' points.
    pub(crate) fn lambdas(&self, field: &Field, parties: &[usize]) -> Rc<[shamir::Lambda]> {
        let mut cache = self.lagrange.borrow_mut();
        if let Some((_, _, lambdas)) = cache.iter().find(|(p, key, _)| *p == field.modulus() && key == parties) {
            return lambdas.clone();
        }
        let lambdas: Rc<[shamir::Lambda]> = shamir::lambdas(field, parties).into();
        cache.push((field.modulus(), parties.to_vec(), lambdas.clone()));
        lambdas
    }

    /// The Lagrange basis through 0 and the points of this party's `t`
    /// cyclic successors, at every party's point (row `j` for party `j`),
    /// cached per field: how a dealer's fresh polynomial is evaluated from
    /// its secret and its successors' shares (`share_out`).
    pub(crate) fn successor_basis(&self, field: &Field) -> Rc<[Vec<Fe>]> {
        let (m, me, t) = (self.m, self.id, self.t);
        let compute = || -> Vec<Vec<Fe>> {
            let nodes: Vec<Fe> = core::iter::once(field.zero()).chain((1..=t).map(|k| shamir::point(field, (me + k) % m))).collect();
            (0..m).map(|j| shamir::lagrange_basis(field, &nodes, shamir::point(field, j))).collect()
        };
        let mut cache = self.successor_basis.borrow_mut();
        if let Some((_, basis)) = cache.iter().find(|(p, _)| *p == field.modulus()) {
            return basis.clone();
        }
        let basis: Rc<[Vec<Fe>]> = compute().into();
        cache.push((field.modulus(), basis.clone()));
        basis
    }

    /// Interpolates at 0 from `n` shares of each sender: those this party
    /// holds (`held`: its own, and any it derived rather than received) and
    /// the others' straight from the bytes they sent. A sender whose bytes
    /// are not `n` valid elements misbehaved.
    pub(crate) fn interpolate_wire(
        &self,
        field: &Field,
        senders: &[usize],
        held: &[(PartyId, &[Fe])],
        incoming: &Incoming,
        n: usize,
    ) -> Result<Vec<Fe>> {
        let lambdas = self.lambdas(field, senders);
        self.combine_wire(field, senders, &lambdas, held, incoming, n)
    }

    /// `Σ_j λ_j · shares_j` over the senders (elementwise), their shares
    /// held or read from the bytes they sent, as [`Runtime::interpolate_wire`].
    pub(crate) fn combine_wire(
        &self,
        field: &Field,
        senders: &[usize],
        lambdas: &[shamir::Lambda],
        held: &[(PartyId, &[Fe])],
        incoming: &Incoming,
        n: usize,
    ) -> Result<Vec<Fe>> {
        let held_by = |j: usize| held.iter().find(|(h, _)| *h == j).map(|(_, shares)| *shares);
        // The first shares this party holds (all n) start the sums, rather
        // than zeros they are added to.
        let first = senders.iter().position(|&j| held_by(j).is_some_and(|shares| shares.len() == n));
        let mut out = match first {
            Some(i) => shamir::scaled(field, lambdas[i], held_by(senders[i]).unwrap_or_default()),
            None => vec![field.zero(); n],
        };
        for (i, (&j, &lambda)) in senders.iter().zip(lambdas).enumerate() {
            if let Some(shares) = held_by(j) {
                if Some(i) != first {
                    shamir::accumulate(field, lambda, &mut out, shares.iter().copied());
                }
                continue;
            }
            accumulate_from(field, j, lambda, &mut out, incoming.from(j))?;
        }
        Ok(out)
    }

    /// Sets up PRSS keys and a key for every pair of parties (one round),
    /// if this session uses PRSS. The lower-numbered party of a pair picks
    /// its key.
    pub(crate) async fn setup(&self) -> Result<()> {
        if !self.use_prss {
            return Ok(());
        }
        let all = prss::subsets(self.m, self.t);
        let lowest = |s: u64| s.trailing_zeros() as usize;
        let fresh_key = || -> prss::Key {
            self.with_rng(|rng| {
                let mut k = [0u8; 32];
                rand_core::Rng::fill_bytes(rng, &mut k);
                k
            })
        };
        let mut mine: Vec<(u64, prss::Key)> = Vec::new();
        let mut out = vec![Vec::new(); self.m];
        for &s in all.iter().filter(|&&s| lowest(s) == self.id) {
            let key = fresh_key();
            for j in (0..self.m).filter(|&j| j != self.id && s >> j & 1 == 1) {
                out[j].extend_from_slice(&key);
            }
            mine.push((s, key));
        }
        // The pair keys follow the PRSS keys in each message.
        let mut pairs: Vec<Option<prss::Key>> = vec![None; self.m];
        for j in self.id + 1..self.m {
            let key = fresh_key();
            out[j].extend_from_slice(&key);
            pairs[j] = Some(key);
        }
        let incoming = self.exchange(self.flow_everyone(), out).await?;
        let incoming: Vec<&[u8]> = (0..self.m).map(|j| incoming.from(j)).collect();
        let mut offsets = vec![0usize; self.m];
        let mut take_key = |owner: usize, what: &str| -> Result<prss::Key> {
            let bytes = incoming[owner]
                .get(offsets[owner]..offsets[owner] + 32)
                .ok_or_else(|| misbehaved(owner, &format!("{what} key message too short")))?;
            offsets[owner] += 32;
            Ok(bytes.try_into().expect("32 bytes"))
        };
        let mut keys = Vec::new();
        for &s in all.iter().filter(|&&s| s >> self.id & 1 == 1) {
            let owner = lowest(s);
            if owner == self.id {
                keys.push(*mine.iter().find(|(ms, _)| *ms == s).expect("own key"));
                continue;
            }
            keys.push((s, take_key(owner, "PRSS")?));
        }
        for (j, pair) in pairs.iter_mut().enumerate().take(self.id) {
            *pair = Some(take_key(j, "pair")?);
        }
        for j in 0..self.m {
            if incoming[j].len() != offsets[j] {
                return Err(misbehaved(j, "PRSS key message has the wrong length"));
            }
        }
        *self.prss.borrow_mut() = Some(Prss::new(self.id, self.m, self.t, keys));
        *self.pair_zeros.borrow_mut() = pairs.iter().map(|k| k.map(|k| KeyStream::new(k, 1))).collect();
        *self.pairs.borrow_mut() = pairs.into_iter().map(|k| k.map(|k| KeyStream::new(k, 0))).collect();
        Ok(())
    }

    /// Whether this party shares a key stream with each peer (after set-up,
    /// with PRSS).
    pub(crate) fn has_pair_streams(&self) -> bool {
        !self.pairs.borrow().is_empty()
    }

    /// Runs `f` on the key stream this party shares with peer `j` alone;
    /// `None` before set-up, without PRSS, or for this party itself. Both
    /// draw from it in the same order (the program order), so they draw the
    /// same values.
    pub(crate) fn with_pair_stream<R>(&self, j: PartyId, f: impl FnOnce(&mut KeyStream) -> R) -> Option<R> {
        self.pairs.borrow_mut().get_mut(j).and_then(Option::as_mut).map(f)
    }

    /// This party's part of `n` additive sharings of zero made from the pair
    /// keys alone: `Σ_{j > me} z_{me,j} − Σ_{j < me} z_{j,me}`, where both
    /// parties of a pair draw `z` from its zero stream, so the parts of all
    /// parties add up to zero. `None` without pair streams. Any party outside
    /// a coalition shares a pair stream with every other party outside it,
    /// so to the coalition the parts of the others are uniform, given their
    /// sum.
    pub(crate) fn pair_zero_sharing(&self, field: &Field, n: usize) -> Option<Vec<Fe>> {
        let mut streams = self.pair_zeros.borrow_mut();
        if streams.is_empty() {
            return None;
        }
        let mut out = vec![field.zero(); n];
        for (j, stream) in streams.iter_mut().enumerate() {
            let Some(stream) = stream else { continue };
            with_arith!(field, |a| if j > self.id {
                field.draw_blocks(stream, n, field.modulus(), &mut |start, zs| {
                    out[start..].iter_mut().zip(zs).for_each(|(o, &z)| *o = a.add(*o, z))
                });
            } else {
                field.draw_blocks(stream, n, field.modulus(), &mut |start, zs| {
                    out[start..].iter_mut().zip(zs).for_each(|(o, &z)| *o = a.sub(*o, z))
                });
            });
        }
        Some(out)
    }

    /// Runs `f` on the PRSS state; `None` when this session does not use PRSS.
    pub(crate) fn with_prss<R>(&self, f: impl FnOnce(&mut Prss) -> R) -> Option<R> {
        self.prss.borrow_mut().as_mut().map(f)
    }

    /// One communication step in which parties send as `flow` says:
    /// `write(j, buf)` appends what goes to each party `j` this party sends
    /// to; resolves to what every party sent this party in the same step
    /// (nothing from those `flow` says do not send to it). The step goes out
    /// with the rest of the round.
    pub(crate) fn exchange_with(&self, flow: Flow, mut write: impl FnMut(PartyId, &mut Vec<u8>)) -> Exchange<'_> {
        self.exchange_all(flow, |bufs| {
            for (j, buf) in bufs.iter_mut().enumerate().filter(|&(j, _)| flow.to >> j & 1 == 1) {
                write(j, buf);
            }
        })
    }

    /// [`Runtime::exchange_with`] with every peer's buffer at once (index
    /// `j` goes to party `j`; this party's own is discarded), for steps that
    /// compute what each peer gets in one pass. Writing to a party that
    /// `flow` says this party does not send to is an internal error.
    pub(crate) fn exchange_all(&self, flow: Flow, write: impl FnOnce(&mut [Vec<u8>])) -> Exchange<'_> {
        let (round, step, sent) = self.rounds.borrow_mut().register(flow, write);
        let mut stats = self.stats.get();
        stats.bytes_sent += sent as u64;
        self.stats.set(stats);
        Exchange { rt: self, round, step }
    }

    /// [`Runtime::exchange_with`] for byte strings: `out[j]` goes to party `j`.
    pub(crate) fn exchange(&self, flow: Flow, out: Vec<Vec<u8>>) -> Exchange<'_> {
        self.exchange_with(flow, |j, buf| buf.extend_from_slice(&out[j]))
    }

    /// One step of field elements: `out[j]` goes to party `j` (`out[self]`
    /// is ignored). Decodes and checks what arrives, reporting malformed data
    /// as misbehaviour of its sender; `[self]` is empty.
    pub(crate) async fn exchange_fe(&self, field: &Field, flow: Flow, out: &[&[Fe]]) -> Result<Vec<Vec<Fe>>> {
        debug_assert_eq!(out.len(), self.m);
        let incoming = self.exchange_with(flow, |j, buf| field.encode(out[j], buf)).await?;
        (0..self.m).map(|j| field.decode(incoming.from(j)).ok_or_else(|| misbehaved(j, "malformed field elements"))).collect()
    }
}

/// What every party sent this party in one step.
pub(crate) struct Incoming {
    round: Rc<DoneRound>,
    step: usize,
}

impl Incoming {
    /// The bytes party `j` sent (empty for this party).
    pub(crate) fn from(&self, j: PartyId) -> &[u8] {
        let round = &*self.round;
        &round.msgs[j][round.ranges[j * round.steps + self.step].clone()]
    }
}

/// A completed round's messages, shared by the steps that read them.
struct DoneRound {
    /// Its number.
    number: u64,
    /// Its steps.
    steps: usize,
    /// The message from each party (empty from this party and from those
    /// the round did not wait for).
    msgs: Vec<Vec<u8>>,
    /// Each step's bytes in party `j`'s message, at `j · steps + step`.
    ranges: Vec<Range<usize>>,
}

pub(crate) fn misbehaved(party: PartyId, reason: &str) -> Error {
    Error::PeerMisbehaved { party, reason: reason.into() }
}

/// `out[k] += λ·x_k` for the elements `x` party `j` sent (`bytes`): an
/// error naming `j` unless they are exactly `out.len()` valid elements.
pub(crate) fn accumulate_from(field: &Field, j: PartyId, lambda: shamir::Lambda, out: &mut [Fe], bytes: &[u8]) -> Result<()> {
    if bytes.len() != out.len() * field.byte_len() {
        return Err(misbehaved(j, &format!("sent {} bytes, expected {} elements", bytes.len(), out.len())));
    }
    if !shamir::accumulate_wire(field, lambda, out, bytes) {
        return Err(misbehaved(j, "malformed field elements"));
    }
    Ok(())
}

/// The future of one communication step.
pub(crate) struct Exchange<'a> {
    rt: &'a Runtime,
    round: u64,
    step: usize,
}

impl Future for Exchange<'_> {
    type Output = Result<Incoming>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut rounds = self.rt.rounds.borrow_mut();
        if let Some(err) = &rounds.failure {
            return Poll::Ready(Err(err.clone()));
        }
        if let Some(done) = rounds.done.as_ref().filter(|done| done.number == self.round).cloned() {
            if let Some(taken) = rounds.taken.get_mut(self.step).filter(|taken| !**taken) {
                *taken = true;
                return Poll::Ready(Ok(Incoming { round: done, step: self.step }));
            }
            return Poll::Ready(Err(Error::Internal("a round step was taken twice".into())));
        }
        rounds.wakers.push(cx.waker().clone());
        Poll::Pending
    }
}

/// The round being assembled, the one in flight, and messages that arrived.
pub(crate) struct Rounds {
    m: usize,
    me: PartyId,
    /// The round registrations currently go to.
    current: u64,
    /// Outgoing message bodies per peer for `current`.
    outgoing: Vec<Vec<u8>>,
    /// Where the step being registered starts in each outgoing message
    /// (kept to reuse its memory).
    starts: Vec<usize>,
    steps: usize,
    /// The peers `current`'s steps send to and receive from (bit masks).
    flow: Flow,
    /// Whether `current` has been sent and awaits the peers' messages.
    in_flight: bool,
    /// The largest message flushed so far, in bytes.
    largest: usize,
    /// Messages received per peer, oldest first.
    inbox: Vec<VecDeque<Vec<u8>>>,
    /// The last completed round, and which of its steps have been read.
    done: Option<Rc<DoneRound>>,
    taken: Vec<bool>,
    wakers: Vec<Waker>,
    pub(crate) failure: Option<Error>,
}

/// Round message header: round number (u64) and step count (u32), little endian.
const HEADER: usize = 12;

/// The bytes a round message to one peer is first given room for: a header
/// and a few small steps, so that a round of a few elements (a chain of
/// products) is written without regrowing its buffer.
const SMALL_ROUND: usize = 128;

impl Rounds {
    fn new(m: usize, me: PartyId) -> Self {
        Rounds {
            m,
            me,
            current: 0,
            outgoing: vec![Vec::new(); m],
            starts: vec![0; m],
            steps: 0,
            flow: Flow { to: 0, from: 0 },
            in_flight: false,
            largest: 0,
            inbox: vec![VecDeque::new(); m],
            done: None,
            taken: Vec::new(),
            wakers: Vec::new(),
            failure: None,
        }
    }

    /// Appends one step to every peer's message: `write` gets every party's
    /// outgoing buffer (this party's own is discarded) and appends to those
    /// of the peers `flow` sends to. Returns the round, the step's index in
    /// it and the bytes written.
    fn register(&mut self, flow: Flow, write: impl FnOnce(&mut [Vec<u8>])) -> (u64, usize, usize) {
        debug_assert!(!self.in_flight, "registration while a round is in flight");
        for j in (0..self.m).filter(|&j| j != self.me) {
            let buf = &mut self.outgoing[j];
            if buf.is_empty() {
                // Room for a small round, so that it is written without regrowing.
                buf.reserve(SMALL_ROUND);
                buf.resize(HEADER, 0);
            }
            self.starts[j] = buf.len();
            buf.extend_from_slice(&[0; 4]);
        }
        write(&mut self.outgoing);
        self.outgoing[self.me].clear();
        let mut sent = 0;
        let me = self.me;
        for j in (0..self.m).filter(|&j| j != me) {
            let (buf, at) = (&mut self.outgoing[j], self.starts[j]);
            let len = buf.len() - at - 4;
            buf[at..at + 4].copy_from_slice(&(len as u32).to_le_bytes());
            sent += len;
            if len > 0 && flow.to >> j & 1 == 0 {
                self.fail(Error::Internal(format!("a step wrote to party {j}, to which it sends nothing")));
            }
        }
        self.flow.to |= flow.to;
        self.flow.from |= flow.from;
        self.steps += 1;
        (self.current, self.steps - 1, sent)
    }

    /// Whether steps are waiting to be sent.
    pub(crate) fn has_pending_steps(&self) -> bool {
        !self.in_flight && self.steps > 0
    }

    pub(crate) fn in_flight(&self) -> bool {
        self.in_flight
    }

    /// Whether every peer gets a message in the current round, and every
    /// peer's is awaited ([`SYNC_EVERY`]).
    fn syncs(&self) -> bool {
        self.current.is_multiple_of(SYNC_EVERY)
    }

    /// Whether this party sends party `j` a message in the current round.
    fn sends_to(&self, j: PartyId) -> bool {
        j != self.me && (self.syncs() || self.flow.to >> j & 1 == 1)
    }

    /// Whether the current round waits for a message from party `j`.
    fn waits_for(&self, j: PartyId) -> bool {
        j != self.me && (self.syncs() || self.flow.from >> j & 1 == 1)
    }

    /// Closes the current round: the messages to send, one per peer that
    /// the round's steps send to (every peer in a [`SYNC_EVERY`]-th round).
    pub(crate) fn flush(&mut self) -> Vec<(PartyId, Vec<u8>)> {
        self.in_flight = true;
        let (current, steps) = (self.current, self.steps as u32);
        let mut msgs = Vec::with_capacity(self.m.saturating_sub(1));
        for j in 0..self.m {
            let mut buf = std::mem::take(&mut self.outgoing[j]);
            if !self.sends_to(j) {
                continue;
            }
            if buf.is_empty() {
                buf.resize(HEADER, 0);
            }
            buf[..8].copy_from_slice(&current.to_le_bytes());
            buf[8..HEADER].copy_from_slice(&steps.to_le_bytes());
            self.largest = self.largest.max(buf.len());
            msgs.push((j, buf));
        }
        msgs
    }

    pub(crate) fn deliver(&mut self, from: PartyId, msg: Vec<u8>) -> Result<()> {
        if from >= self.m || from == self.me {
            return Err(Error::Transport(cohort_transport::TransportError::NoSuchParty { party: from }));
        }
        if self.inbox[from].len() >= UNREAD_ROUNDS {
            // A peer runs ahead at most to the next SYNC_EVERY-th round.
            return Err(misbehaved(from, "sent rounds ahead of the protocol"));
        }
        self.inbox[from].push_back(msg);
        Ok(())
    }

    /// Peers whose message for the round in flight has not arrived.
    pub(crate) fn missing(&self) -> Vec<PartyId> {
        (0..self.m).filter(|&j| self.is_missing(j)).collect()
    }

    /// Whether the round in flight waits for a message from party `j` that
    /// has not arrived.
    fn is_missing(&self, j: PartyId) -> bool {
        self.waits_for(j) && self.inbox[j].is_empty()
    }

    /// Completes the round in flight if every peer's message is here: parses
    /// the messages and wakes the waiting steps. Returns whether it did.
    pub(crate) fn try_complete(&mut self) -> Result<bool> {
        if !self.in_flight || (0..self.m).any(|j| self.is_missing(j)) {
            return Ok(false);
        }
        let steps = self.steps;
        let mut ranges = vec![0..0; self.m * steps];
        let mut msgs = vec![Vec::new(); self.m];
        for j in 0..self.m {
            if !self.waits_for(j) {
                continue;
            }
            let msg = self.inbox[j].pop_front().expect("checked above");
            split_round_message(&msg, self.current, &mut ranges[j * steps..(j + 1) * steps]).map_err(|r| misbehaved(j, &r))?;
            msgs[j] = msg;
        }
        self.done = Some(Rc::new(DoneRound { number: self.current, steps, msgs, ranges }));
        self.taken.clear();
        self.taken.resize(steps, false);
        self.current += 1;
        self.steps = 0;
        self.flow = Flow { to: 0, from: 0 };
        self.in_flight = false;
        for w in self.wakers.drain(..) {
            w.wake();
        }
        Ok(true)
    }

    pub(crate) fn fail(&mut self, err: Error) {
        if self.failure.is_none() {
            self.failure = Some(err);
        }
        for w in self.wakers.drain(..) {
            w.wake();
        }
    }
}

/// Splits a peer's round message into its steps (one range in `parts`
/// each), checking the header.
fn split_round_message(msg: &[u8], round: u64, parts: &mut [Range<usize>]) -> core::result::Result<(), String> {
    let steps = parts.len();
    if msg.len() < HEADER {
        return Err("round message shorter than its header".into());
    }
    let got_round = u64::from_le_bytes(msg[..8].try_into().expect("8 bytes"));
    let got_steps = u32::from_le_bytes(msg[8..HEADER].try_into().expect("4 bytes")) as usize;
    if got_round != round {
        return Err(format!("sent round {got_round} while this party is in round {round}"));
    }
    if got_steps != steps {
        return Err(format!("round {round} has {got_steps} steps, expected {steps}: the parties run different programs"));
    }
    let mut at = HEADER;
    for part in parts.iter_mut() {
        let Some(len) = msg.get(at..at + 4) else {
            return Err("round message truncated".into());
        };
        let len = u32::from_le_bytes(len.try_into().expect("4 bytes")) as usize;
        at += 4;
        if msg.len() - at < len {
            return Err("round message truncated".into());
        }
        *part = at..at + len;
        at += len;
    }
    if at != msg.len() {
        return Err("trailing bytes after the last step".into());
    }
    Ok(())
}
