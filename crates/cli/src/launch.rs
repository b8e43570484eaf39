//! Running every party of a session on this machine, one thread each,
//! connected over TCP loopback with secure channels — the same transport as
//! parties on separate machines. Each local party gets a fresh identity.

use std::future::Future;
use std::net::{SocketAddr, TcpListener};
use std::rc::Rc;
use std::sync::Arc;
use std::thread;

use cohort_channel::{Fingerprint, Identity, Transcript};
use cohort_mpc::{Blocking, Config, PartyId, Runtime, Session, block_on, run_blocking};
use cohort_net::{MeshConfig, TcpMesh};
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
    local_parties(m, move |id, mut mesh, identity, parties| match channels {
        Channels::Secure => {
            let meeting = Meeting { session: "local".into(), parties: parties.to_vec(), me: id, threshold: t, chunk: None };
            let transcript = Transcript::new("local", program_hash, t, parties.to_vec());
            let run = cohort_party::run_body(&meeting, &transcript, identity, Blocking(&mut mesh), |_| {}, program(id));
            Ok(block_on(run)?)
        }
        Channels::Plaintext => {
            let config = Config { parties: m, threshold: t, id, seed: None, prss: true };
            let mut session = Session::new(&config, program(id))?;
            Ok(run_blocking(&mut session, &mut mesh)?)
        }
    })
}

/// Runs `party(id, mesh, identity, parties)` for each of `m` local parties,
/// each on its own thread with a fresh identity and a TCP mesh to the
/// others over loopback; `parties` are every party's fingerprints in party
/// order. Returns the results in party order, or the first party's error.
pub(crate) fn local_parties<T, P>(m: usize, party: P) -> Result<Vec<T>, Failure>
where
    T: Send + 'static,
    P: Fn(PartyId, TcpMesh, &Identity, &[Fingerprint]) -> Result<T, Failure> + Send + Sync + 'static,
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
            let (addrs, party, fingerprints) = (addrs.clone(), party.clone(), fingerprints.clone());
            thread::Builder::new()
                .name(format!("party-{id}"))
                .spawn(move || -> Result<T, Failure> {
                    let mesh = TcpMesh::connect(id, &addrs, Some(listener), &MeshConfig::default())?;
                    party(id, mesh, &identity, &fingerprints)
                })
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
