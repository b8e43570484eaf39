//! Running every party of a session on this machine, one thread each,
//! connected over TCP loopback with secure channels — the same transport as
//! parties on separate machines. Each local party gets a fresh identity.

use std::future::Future;
use std::net::{SocketAddr, TcpListener};
use std::rc::Rc;
use std::sync::Arc;
use std::thread;

use cohort_channel::{Fingerprint, Identity, MeshError, PublicKey, SecureChannel, SecureMesh, Transcript, handshake_peer};
use cohort_mpc::{Config, PartyId, Runtime, Session, run_blocking};
use cohort_net::{Link, MeshConfig, TcpMesh};
use cohort_party::Meeting;

use crate::Failure;

/// How local parties talk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Channels {
    /// Secure channels (every real computation).
    Secure,
    /// Plain TCP frames: only `cohort bench --plaintext`, to compare the
    /// engine with MPyC, which runs without TLS by default.
    Plaintext,
}

/// Runs `program(id)` as party `id` for every party of an `m`-party session
/// with threshold `t`, over TCP on 127.0.0.1 with secure channels bound to
/// `program_hash`. Returns the results in party order, or the first party's error.
pub(crate) fn run_parties<T, P, F, Fut>(m: usize, t: usize, program_hash: [u8; 32], program: P) -> Result<Vec<T>, Failure>
where
    T: Send + 'static,
    P: Fn(PartyId) -> F + Send + Sync + 'static,
    F: FnOnce(Rc<Runtime>) -> Fut,
    Fut: Future<Output = cohort_mpc::Result<T>> + 'static,
{
    run_parties_over(Channels::Secure, m, t, program_hash, program)
}

/// [`run_parties`] with a choice of channels.
pub(crate) fn run_parties_over<T, P, F, Fut>(
    channels: Channels,
    m: usize,
    t: usize,
    program_hash: [u8; 32],
    program: P,
) -> Result<Vec<T>, Failure>
where
    T: Send + 'static,
    P: Fn(PartyId) -> F + Send + Sync + 'static,
    F: FnOnce(Rc<Runtime>) -> Fut,
    Fut: Future<Output = cohort_mpc::Result<T>> + 'static,
{
    Config { parties: m, threshold: t, id: 0, seed: None, prss: true }.validate()?;
    local_parties(m, move |local| {
        let id = local.id;
        let transcript = Transcript::new("local", program_hash, t, local.parties.to_vec());
        match channels {
            Channels::Secure => {
                let meeting = Meeting { session: "local".into(), parties: local.parties.to_vec(), me: id, threshold: t, chunk: None };
                let mesh = local.secure_mesh(&transcript)?;
                Ok(cohort_party::run_body_secured(&meeting, mesh, |_| {}, program(id))?)
            }
            Channels::Plaintext => {
                // The connections still authenticate; only the frames go unencrypted.
                let (mut mesh, _channels) = local.connect(&transcript)?;
                let config = Config { parties: m, threshold: t, id, seed: None, prss: true };
                let mut session = Session::new(&config, program(id))?;
                Ok(run_blocking(&mut session, &mut mesh)?)
            }
        }
    })
}

/// One local party before it connects: its seat, a fresh identity, every
/// party's fingerprint in party order and its listener on loopback.
pub(crate) struct LocalParty {
    pub(crate) id: PartyId,
    pub(crate) identity: Identity,
    pub(crate) parties: Arc<Vec<Fingerprint>>,
    addrs: Vec<SocketAddr>,
    listener: TcpListener,
}

impl LocalParty {
    /// Secure channels to the other local parties, bound to `transcript`.
    pub(crate) fn secure_mesh(self, transcript: &Transcript) -> Result<SecureMesh<TcpMesh>, MeshError> {
        secure_mesh(self.id, &self.addrs, self.listener, &MeshConfig::default(), &self.identity, transcript)
    }

    /// The TCP mesh to the other local parties, each connection
    /// authenticated by the channel handshake bound to `transcript`.
    fn connect(self, transcript: &Transcript) -> Result<Authenticated, MeshError> {
        connect(self.id, &self.addrs, self.listener, &MeshConfig::default(), &self.identity, transcript)
    }
}

/// A TCP mesh and the secure channel each connection opened.
type Authenticated = (TcpMesh, Vec<Option<(SecureChannel, PublicKey)>>);

/// Connects party `me` to the parties at `addrs` over TCP, listening on
/// `listener`: a connection takes a party's seat only once the secure
/// channel handshake bound to `transcript` has proved that party's key, so
/// no one else can take it (see [`TcpMesh::connect`]).
fn connect(
    me: PartyId,
    addrs: &[SocketAddr],
    listener: TcpListener,
    config: &MeshConfig,
    identity: &Identity,
    transcript: &Transcript,
) -> Result<Authenticated, MeshError> {
    TcpMesh::connect(me, addrs, Some(listener), config, |peer, link: &mut Link| handshake_peer(link, me, peer, identity, transcript))
}

/// [`connect`], then the secure channels it opened as a mesh.
pub(crate) fn secure_mesh(
    me: PartyId,
    addrs: &[SocketAddr],
    listener: TcpListener,
    config: &MeshConfig,
    identity: &Identity,
    transcript: &Transcript,
) -> Result<SecureMesh<TcpMesh>, MeshError> {
    let (tcp, channels) = connect(me, addrs, listener, config, identity, transcript)?;
    SecureMesh::from_channels(tcp, me, channels)
}

/// Runs `party` for each of `m` local parties, each on its own thread with
/// a fresh identity and a listener on loopback ([`LocalParty`]). Returns
/// the results in party order, or the first party's error.
pub(crate) fn local_parties<T, P>(m: usize, party: P) -> Result<Vec<T>, Failure>
where
    T: Send + 'static,
    P: Fn(LocalParty) -> Result<T, Failure> + Send + Sync + 'static,
{
    let listeners = (0..m)
        .map(|_| TcpListener::bind("127.0.0.1:0").map_err(|e| Failure(format!("cannot listen on loopback: {e}"))))
        .collect::<Result<Vec<_>, _>>()?;
    let addrs: Vec<SocketAddr> = listeners
        .iter()
        .map(|l| l.local_addr().map_err(|e| Failure(format!("cannot listen on loopback: {e}"))))
        .collect::<Result<_, _>>()?;
    let party = Arc::new(party);
    let identities: Vec<Identity> = (0..m).map(|_| Identity::generate().map_err(|e| Failure(e.to_string()))).collect::<Result<_, _>>()?;
    let fingerprints: Arc<Vec<Fingerprint>> = Arc::new(identities.iter().map(Identity::fingerprint).collect());
    let handles: Vec<_> = listeners
        .into_iter()
        .zip(identities)
        .enumerate()
        .map(|(id, (listener, identity))| {
            let local = LocalParty { id, identity, parties: fingerprints.clone(), addrs: addrs.clone(), listener };
            let party = party.clone();
            thread::Builder::new()
                .name(format!("party-{id}"))
                .spawn(move || party(local))
                .map_err(|e| Failure(format!("cannot start a party thread: {e}")))
        })
        .collect::<Result<_, _>>()?;
    handles.into_iter().map(|h| h.join().unwrap_or_else(|_| Err(Failure("a party thread panicked".into())))).collect()
}

/// A stand-in program hash for built-in computations (`cohort sum`, `cohort bench`).
pub(crate) fn label_hash(label: &str) -> [u8; 32] {
    let mut h = [0u8; 32];
    for (i, b) in label.bytes().enumerate() {
        h[i % 32] ^= b;
    }
    h
}
