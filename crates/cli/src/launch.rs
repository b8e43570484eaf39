//! Running every party of a session on this machine, one thread each,
//! connected over TCP loopback with secure channels — the same transport as
//! parties on separate machines. Each local party gets a fresh identity.

use std::future::Future;
use std::net::{SocketAddr, TcpListener};
use std::rc::Rc;
use std::sync::Arc;
use std::thread;

use cohort_channel::{Identity, SecureMesh, Transcript};
use cohort_mpc::{Config, Error, PartyId, Result, Runtime, Session, run_blocking};
use cohort_net::{MeshConfig, TcpMesh};

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
pub(crate) fn run_parties<T, P, F, Fut>(m: usize, t: usize, program_hash: [u8; 32], program: P) -> Result<Vec<T>>
where
    T: Send + 'static,
    P: Fn(PartyId) -> F + Send + Sync + 'static,
    F: FnOnce(Rc<Runtime>) -> Fut,
    Fut: Future<Output = Result<T>> + 'static,
{
    run_parties_over(Channels::Secure, m, t, program_hash, program)
}

/// [`run_parties`] with a choice of channels.
pub(crate) fn run_parties_over<T, P, F, Fut>(channels: Channels, m: usize, t: usize, program_hash: [u8; 32], program: P) -> Result<Vec<T>>
where
    T: Send + 'static,
    P: Fn(PartyId) -> F + Send + Sync + 'static,
    F: FnOnce(Rc<Runtime>) -> Fut,
    Fut: Future<Output = Result<T>> + 'static,
{
    Config { parties: m, threshold: t, id: 0, seed: None, prss: true }.validate()?;
    let listeners = (0..m)
        .map(|_| TcpListener::bind("127.0.0.1:0").map_err(|e| Error::Transport(format!("cannot listen on loopback: {e}"))))
        .collect::<Result<Vec<_>>>()?;
    let addrs: Vec<SocketAddr> =
        listeners.iter().map(|l| l.local_addr().map_err(|e| Error::Transport(e.to_string()))).collect::<Result<_>>()?;
    let program = Arc::new(program);
    let identities: Vec<Identity> =
        (0..m).map(|_| Identity::generate().map_err(|e| Error::Internal(e.to_string()))).collect::<Result<_>>()?;
    let transcript = Transcript::new("local", program_hash, t, identities.iter().map(Identity::fingerprint).collect());
    let handles: Vec<_> = listeners
        .into_iter()
        .zip(identities)
        .enumerate()
        .map(|(id, (listener, identity))| {
            let (addrs, program, transcript) = (addrs.clone(), program.clone(), transcript.clone());
            thread::Builder::new()
                .name(format!("party-{id}"))
                .spawn(move || -> Result<T> {
                    let mut mesh = TcpMesh::connect(id, &addrs, Some(listener), &MeshConfig::default())?;
                    let config = Config { parties: m, threshold: t, id, seed: None, prss: true };
                    let mut session = Session::new(&config, program(id))?;
                    match channels {
                        Channels::Secure => run_blocking(&mut session, &mut SecureMesh::establish(mesh, id, &identity, &transcript)?),
                        Channels::Plaintext => run_blocking(&mut session, &mut mesh),
                    }
                })
                .map_err(|e| Error::Internal(format!("cannot start a party thread: {e}")))
        })
        .collect::<Result<_>>()?;
    handles.into_iter().map(|h| h.join().unwrap_or_else(|_| Err(Error::Internal("a party thread panicked".into())))).collect()
}

/// A stand-in program hash for built-in computations (`cohort sum`, `cohort bench`).
pub(crate) fn label_hash(label: &str) -> [u8; 32] {
    let mut h = [0u8; 32];
    for (i, b) in label.bytes().enumerate() {
        h[i % 32] ^= b;
    }
    h
}
