//! Running every party of a session on this machine, one thread each,
//! connected over TCP loopback — the same transport as parties on separate
//! machines.

use std::future::Future;
use std::net::{SocketAddr, TcpListener};
use std::rc::Rc;
use std::sync::Arc;
use std::thread;

use cohort_mpc::{Config, Error, PartyId, Result, Runtime, Session, run_blocking};
use cohort_net::{MeshConfig, TcpMesh};

/// Runs `program(id)` as party `id` for every party of an `m`-party session
/// with threshold `t`, over TCP on 127.0.0.1. Returns the results in party
/// order, or the first party's error.
pub(crate) fn run_parties<T, P, F, Fut>(m: usize, t: usize, program: P) -> Result<Vec<T>>
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
    let handles: Vec<_> = listeners
        .into_iter()
        .enumerate()
        .map(|(id, listener)| {
            let (addrs, program) = (addrs.clone(), program.clone());
            thread::Builder::new()
                .name(format!("party-{id}"))
                .spawn(move || -> Result<T> {
                    let mut mesh = TcpMesh::connect(id, &addrs, Some(listener), &MeshConfig::default())?;
                    let config = Config { parties: m, threshold: t, id, seed: None, prss: true };
                    let mut session = Session::new(&config, program(id))?;
                    run_blocking(&mut session, &mut mesh)
                })
                .map_err(|e| Error::Internal(format!("cannot start a party thread: {e}")))
        })
        .collect::<Result<_>>()?;
    handles.into_iter().map(|h| h.join().unwrap_or_else(|_| Err(Error::Internal("a party thread panicked".into())))).collect()
}
