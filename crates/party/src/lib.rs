//! One party of a Cohort session, from invite to outputs. `cohort party`,
//! `cohort run`, `cohort bench` and the browser extension all run a party
//! through this crate, so they check, meet and compute the same way.
//!
//! ```text
//!  Session::from_invite / with_parties      what is computed and by how many: program, plan, threshold
//!  Session::with_planned                    the same from a program planned already (the browser's session host)
//!  Session::check_inputs                    before meeting anyone: do the inputs suit a seat?
//!  Session::seat                            the parties are known: this party's seat and checked inputs
//!  run / run_blocking                       handshakes, the program hello inside the channels, the engine
//!  run_secured / run_body_secured           the same over channels opened already (TCP opens them as it authenticates)
//!  bench                                    the engine's workloads over the same channels
//! ```
//!
//! Nothing here does I/O of its own: the caller passes a transport (TCP, the
//! signal server's relay, WebRTC data channels) and a progress callback
//! ([`Progress`]: the stage, then rounds done).
//! [`threshold`] is the one place the default threshold and the refusal of
//! a session without privacy are decided.

mod error;

use std::collections::BTreeMap;
use std::future::Future;
use std::rc::Rc;

use cohort_channel::{Fingerprint, Identity, Invite, MAX_CHUNK, SecureChannel, SecureMesh, Transcript};
use cohort_mpc::{Config, Runtime, Session as Engine, run_async_observed};
use cohort_program::{CheckedProgram, HELLO_LEN, Outputs, PartyInputs, PlannedProgram, RunError};
use cohort_transport::{AsyncTransport, Blocking, PartyId, Transport, block_on};
use serde_json::Value as Json;

pub use cohort_program::PlannedRounds;
pub use error::PartyError;

/// The threshold of a session of `m` parties: `given`, or the default
/// `(m − 1) / 2` ([`cohort_mpc::default_threshold`]). A threshold of 0 sends
/// every input to the others in the clear, so it is refused unless
/// `no_privacy` says everyone agreed to that.
pub fn threshold(m: usize, given: Option<usize>, no_privacy: bool) -> Result<usize, PartyError> {
    let t = given.unwrap_or(cohort_mpc::default_threshold(m));
    Config { parties: m, threshold: t, id: 0, seed: None, prss: true }.validate().map_err(PartyError::BadThreshold)?;
    if t == 0 && !no_privacy {
        return Err(PartyError::NoPrivacy { parties: m });
    }
    Ok(t)
}

/// How far a party has come.
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
            Stage::Handshaking => "handshaking",
            Stage::Agreeing => "agreeing",
            Stage::Running => "running",
        }
    }
}

/// What a party reports as it goes, to the progress callback of [`run`]
/// and the others. No clock: each is reported when it happens, and a
/// caller that shows them throttles them itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Progress {
    /// It reached a stage.
    Stage(Stage),
    /// While [`Stage::Running`]: rounds completed so far
    /// ([`cohort_mpc::Stats::rounds`], the key set-up round included),
    /// reported as rounds complete, at most once per round. A program's
    /// total is [`Party::planned_rounds`].
    Rounds {
        /// Rounds completed.
        done: u64,
    },
}

/// A session before its parties are known: the program, the number of
/// parties, the threshold and, for a roster, who may take which seat.
#[derive(Clone, Debug)]
pub struct Session {
    id: String,
    program: PlannedProgram,
    threshold: usize,
    /// The parties in order, when known before meeting (a roster, or `--peers`).
    listed: Option<Vec<Fingerprint>>,
}

impl Session {
    /// The session `invite` names, computing `program` (which must be the
    /// invite's) with `threshold` (see [`threshold`]).
    pub fn from_invite(invite: &Invite, program: CheckedProgram, given: Option<usize>, no_privacy: bool) -> Result<Session, PartyError> {
        if program.hash_hex() != invite.program() {
            return Err(PartyError::NotTheProgram {
                program: program.name().to_string(),
                hash: program.hash_hex(),
                invite: invite.program().to_string(),
            });
        }
        let listed = invite.roster().map(|r| r.fingerprints());
        Session::new(invite.session(), program, invite.parties(), listed, given, no_privacy)
    }

    /// A session `id` among `parties` (in party order) who know each other's keys.
    pub fn with_parties(
        id: &str,
        program: CheckedProgram,
        parties: Vec<Fingerprint>,
        given: Option<usize>,
        no_privacy: bool,
    ) -> Result<Session, PartyError> {
        Session::new(id, program, parties.len(), Some(parties), given, no_privacy)
    }

    /// A session `id` among `parties` (in party order) who know each other's
    /// keys, of a program planned for them already
    /// ([`CheckedProgram::planned`]): how the browser's session host, which
    /// carries no checker, is given its program.
    pub fn with_planned(
        id: &str,
        program: PlannedProgram,
        parties: Vec<Fingerprint>,
        given: Option<usize>,
        no_privacy: bool,
    ) -> Result<Session, PartyError> {
        if parties.len() != program.parties() {
            return Err(PartyError::PartyCount {
                program: program.name().to_string(),
                parties: parties.len(),
                min: program.parties(),
                max: program.parties(),
            });
        }
        let threshold = threshold(parties.len(), given, no_privacy)?;
        Ok(Session { id: id.to_string(), program, threshold, listed: Some(parties) })
    }

    /// A session `id` of `m` parties whose seats are taken as they arrive
    /// (an open invite's, or local parties').
    pub fn open(id: &str, program: CheckedProgram, m: usize, given: Option<usize>, no_privacy: bool) -> Result<Session, PartyError> {
        Session::new(id, program, m, None, given, no_privacy)
    }

    fn new(
        id: &str,
        program: CheckedProgram,
        m: usize,
        listed: Option<Vec<Fingerprint>>,
        given: Option<usize>,
        no_privacy: bool,
    ) -> Result<Session, PartyError> {
        let allowed = program.parties();
        if !allowed.contains(&m) {
            return Err(PartyError::PartyCount {
                program: program.name().to_string(),
                parties: m,
                min: *allowed.start(),
                max: *allowed.end(),
            });
        }
        let threshold = threshold(m, given, no_privacy)?;
        let program = program.planned(m).map_err(PartyError::Program)?;
        Ok(Session { id: id.to_string(), program, threshold, listed })
    }

    /// The session id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The program, planned for the session's parties.
    pub fn program(&self) -> &PlannedProgram {
        &self.program
    }

    /// The number of parties.
    pub fn parties(&self) -> usize {
        self.program.parties()
    }

    /// The threshold in force.
    pub fn threshold(&self) -> usize {
        self.threshold
    }

    /// The parties in order, if known before meeting.
    pub fn listed(&self) -> Option<&[Fingerprint]> {
        self.listed.as_deref()
    }

    /// The seat `identity` takes, if the parties are listed.
    pub fn listed_seat(&self, identity: &Fingerprint) -> Option<PartyId> {
        self.listed.as_ref()?.iter().position(|p| p == identity)
    }

    /// Before meeting anyone: `given` must suit `identity`'s seat, or for
    /// an open session (seats taken in arrival order), every seat. Fails
    /// too if the listed parties do not include `identity`.
    pub fn check_inputs(&self, identity: &Fingerprint, given: &BTreeMap<String, Json>) -> Result<(), PartyError> {
        let seats: Vec<PartyId> = match &self.listed {
            Some(_) => vec![self.listed_seat(identity).ok_or_else(|| PartyError::NotAParty { fingerprint: identity.clone() })?],
            None => (0..self.parties()).collect(),
        };
        seats.into_iter().try_for_each(|party| self.check_seat_inputs(party, given))
    }

    /// Whether `given` suits seat `party`.
    pub fn check_seat_inputs(&self, party: PartyId, given: &BTreeMap<String, Json>) -> Result<(), PartyError> {
        PartyInputs::new(self.program.plan(), party, given).map(drop).map_err(|source| PartyError::Inputs { party, source })
    }

    /// The session's parties are known (from the signal server, in party
    /// order): this party's seat, with its inputs checked for it.
    pub fn seat(&self, parties: Vec<Fingerprint>, identity: &Fingerprint, given: &BTreeMap<String, Json>) -> Result<Party, PartyError> {
        if parties.len() != self.parties() || self.listed.as_ref().is_some_and(|listed| *listed != parties) {
            return Err(PartyError::SeatedWrongly);
        }
        let me = parties.iter().position(|p| p == identity).ok_or_else(|| PartyError::NotAParty { fingerprint: identity.clone() })?;
        let inputs = PartyInputs::new(self.program.plan(), me, given).map_err(|source| PartyError::Inputs { party: me, source })?;
        let meeting = Meeting { session: self.id.clone(), parties, me, threshold: self.threshold, chunk: None };
        Ok(Party { meeting, program: self.program.clone(), inputs })
    }
}

/// Who meets whom: the session id, every party's identity in party order,
/// this party's index and the threshold.
#[derive(Clone, Debug)]
pub struct Meeting {
    /// The session id, bound into every channel.
    pub session: String,
    /// Every party's fingerprint, in party order.
    pub parties: Vec<Fingerprint>,
    /// This party's index.
    pub me: PartyId,
    /// The Shamir threshold.
    pub threshold: usize,
    /// Split channel messages into frames of at most this many bytes
    /// ([`SecureMesh::with_chunk`]), for transports with a message limit.
    pub chunk: Option<usize>,
}

impl Meeting {
    /// The engine's configuration, once `identity` is checked to be this party's.
    fn engine(&self, identity: &Identity) -> Result<Config, PartyError> {
        if self.parties.get(self.me) != Some(&identity.fingerprint()) {
            return Err(PartyError::NotAParty { fingerprint: identity.fingerprint() });
        }
        self.config()
    }

    /// The engine's configuration.
    fn config(&self) -> Result<Config, PartyError> {
        let config = Config { parties: self.parties.len(), threshold: self.threshold, id: self.me, seed: None, prss: true };
        config.validate().map_err(PartyError::BadThreshold)?;
        Ok(config)
    }
}

/// One seated party of a program's session, ready to run.
#[derive(Clone, Debug)]
pub struct Party {
    meeting: Meeting,
    program: PlannedProgram,
    inputs: PartyInputs,
}

impl Party {
    /// Who meets whom.
    pub fn meeting(&self) -> &Meeting {
        &self.meeting
    }

    /// This party's index.
    pub fn me(&self) -> PartyId {
        self.meeting.me
    }

    /// The largest message this party accepts from a peer: the plan's
    /// largest round ([`cohort_program::Plan::largest_message`]) or the program hello.
    pub fn largest_message(&self) -> usize {
        self.program.plan().largest_message(self.meeting.threshold).max(HELLO_LEN)
    }

    /// How many bytes of frames from one peer a transport may hold unread
    /// for this party: [`cohort_mpc::UNREAD_ROUNDS`] of its largest
    /// messages, since an honest peer runs ahead at most that many rounds
    /// (the engine refuses more). More is a flood
    /// ([`cohort_transport::TransportError::Flooded`]).
    pub fn unread_limit(&self) -> usize {
        cohort_mpc::UNREAD_ROUNDS * SecureChannel::framed_len(self.largest_message(), self.meeting.chunk.unwrap_or(MAX_CHUNK))
    }

    /// How many rounds the computation will take, before it runs: the
    /// total for [`Progress::Rounds`], from a dry run of every party on
    /// placeholder inputs ([`cohort_program::Plan::planned_rounds`]; `None` if that fails).
    /// Costs about one run of the program by every party, in one thread.
    pub fn planned_rounds(&self) -> Option<PlannedRounds> {
        self.program.plan().planned_rounds(self.meeting.threshold)
    }

    /// Splits channel messages into frames of at most `chunk` bytes.
    pub fn with_chunk(mut self, chunk: usize) -> Party {
        self.meeting.chunk = Some(chunk);
        self
    }

    /// What this party's channels are bound to: the session id and the
    /// parties ([`Transcript::meeting`]). The program and threshold are
    /// agreed inside the channels, encrypted (see `cohort_program::agree`),
    /// so the handshakes bind only the session. Channels opened ahead for
    /// [`run_secured`] must be bound to it.
    pub fn transcript(&self) -> Transcript {
        Transcript::meeting(&self.meeting.session, self.meeting.parties.clone())
    }
}

/// Runs `party`: the secure-channel handshakes with every peer, the program
/// hello inside them (the same program, party count and threshold), then
/// the computation; returns the outputs this party may see.
pub async fn run(
    party: Party,
    identity: &Identity,
    transport: impl AsyncTransport,
    mut progress: impl FnMut(Progress),
) -> Result<Outputs, PartyError> {
    party.meeting.engine(identity)?;
    let mesh = handshake(transport, identity, &party.meeting, &party.transcript(), &mut progress).await?;
    let mesh = chunked(mesh, &party.meeting).with_max_message(party.largest_message());
    agree_and_compute(party, mesh, progress).await
}

/// [`run`] over a blocking transport (TCP, the native relay).
pub fn run_blocking(
    party: Party,
    identity: &Identity,
    mut transport: impl Transport,
    progress: impl FnMut(Progress),
) -> Result<Outputs, PartyError> {
    block_on(run(party, identity, Blocking(&mut transport), progress))
}

/// [`run`] over secure channels to every peer opened already on a blocking
/// transport, bound to [`Party::transcript`] (as `cohort_net::TcpMesh`
/// opens them while it authenticates its connections): the program hello,
/// then the computation.
pub fn run_secured(party: Party, mesh: SecureMesh<impl Transport>, progress: impl FnMut(Progress)) -> Result<Outputs, PartyError> {
    let mut mesh = chunked(mesh, &party.meeting).with_max_message(party.largest_message());
    block_on(agree_and_compute(party, Blocking(&mut mesh), progress))
}

/// The program hello and the computation of `party` over `channels`,
/// already limited to its chunk size and largest message.
async fn agree_and_compute(
    party: Party,
    mut channels: impl AsyncTransport,
    mut progress: impl FnMut(Progress),
) -> Result<Outputs, PartyError> {
    let Party { meeting, program, inputs } = party;
    let engine = meeting.config()?;
    progress(Progress::Stage(Stage::Agreeing));
    cohort_program::agree(&mut channels, &program, meeting.me, engine.parties, engine.threshold).await.map_err(PartyError::Disagree)?;
    let body = cohort_program::session_program(program.into_plan(), inputs);
    compute(channels, &engine, &mut progress, body).await?.map_err(|e| match e {
        RunError::Program(e) => PartyError::Program(e),
        RunError::Engine(e) => PartyError::Engine(e),
    })
}

/// Runs `body` on the engine as `meeting`'s party over secure channels
/// bound to `transcript` (without a program hello: for built-in
/// computations whose transcript already names what is computed).
pub async fn run_body<T, F, Fut>(
    meeting: &Meeting,
    transcript: &Transcript,
    identity: &Identity,
    transport: impl AsyncTransport,
    mut progress: impl FnMut(Progress),
    body: F,
) -> Result<T, PartyError>
where
    T: 'static,
    F: FnOnce(Rc<Runtime>) -> Fut,
    Fut: Future<Output = cohort_mpc::Result<T>> + 'static,
{
    let engine = meeting.engine(identity)?;
    let mesh = chunked(handshake(transport, identity, meeting, transcript, &mut progress).await?, meeting);
    compute(mesh, &engine, &mut progress, body).await
}

/// [`run_body`] over secure channels to every peer opened already on a
/// blocking transport, bound to the transcript `run_body` would be given.
pub fn run_body_secured<T, F, Fut>(
    meeting: &Meeting,
    mesh: SecureMesh<impl Transport>,
    mut progress: impl FnMut(Progress),
    body: F,
) -> Result<T, PartyError>
where
    T: 'static,
    F: FnOnce(Rc<Runtime>) -> Fut,
    Fut: Future<Output = cohort_mpc::Result<T>> + 'static,
{
    let engine = meeting.config()?;
    let mut mesh = chunked(mesh, meeting);
    block_on(compute(Blocking(&mut mesh), &engine, &mut progress, body))
}

/// The engine's benchmark workloads as `meeting`'s party over secure
/// channels (as `cohort bench`), read by `meter` around each run.
pub async fn bench(
    meeting: &Meeting,
    identity: &Identity,
    transport: impl AsyncTransport,
    workloads: Vec<cohort_mpc::bench::Workload>,
    runs: usize,
    meter: cohort_mpc::bench::Meter,
    progress: impl FnMut(Progress),
) -> Result<Vec<cohort_mpc::bench::Measurement>, PartyError> {
    // No program: the transcript names the benchmark instead.
    let mut hash = [0u8; 32];
    hash[..12].copy_from_slice(b"cohort bench");
    let transcript = Transcript::new(&meeting.session, hash, meeting.threshold, meeting.parties.clone());
    let body = move |rt| cohort_mpc::bench::run(rt, workloads, runs, meter);
    run_body(meeting, &transcript, identity, transport, progress, body).await
}

/// The secure-channel handshakes with every peer.
async fn handshake<L: AsyncTransport>(
    transport: L,
    identity: &Identity,
    meeting: &Meeting,
    transcript: &Transcript,
    progress: &mut impl FnMut(Progress),
) -> Result<SecureMesh<L>, PartyError> {
    progress(Progress::Stage(Stage::Handshaking));
    SecureMesh::establish_async(transport, meeting.me, identity, transcript).await.map_err(PartyError::Mesh)
}

/// `mesh` splitting messages into `meeting`'s chunks, if it has some.
fn chunked<T>(mesh: SecureMesh<T>, meeting: &Meeting) -> SecureMesh<T> {
    match meeting.chunk {
        Some(chunk) => mesh.with_chunk(chunk),
        None => mesh,
    }
}

/// `body` on the engine over the secure channels `mesh`.
async fn compute<T, F, Fut>(
    mut mesh: impl AsyncTransport,
    engine: &Config,
    progress: &mut impl FnMut(Progress),
    body: F,
) -> Result<T, PartyError>
where
    T: 'static,
    F: FnOnce(Rc<Runtime>) -> Fut,
    Fut: Future<Output = cohort_mpc::Result<T>> + 'static,
{
    progress(Progress::Stage(Stage::Running));
    let mut session = Engine::new(engine, body).map_err(PartyError::Engine)?;
    run_async_observed(&mut session, &mut mesh, |done| progress(Progress::Rounds { done })).await.map_err(PartyError::Engine)
}
