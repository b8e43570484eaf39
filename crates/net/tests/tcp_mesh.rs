//! The TCP mesh: parties on loopback compute together; a vanished peer or an
//! oversized frame ends the session with a clear error, never a hang. (These
//! parties accept any connection's claim, as no real session does: see
//! impostors.rs for the mesh with the channel handshake as authenticator.)

use std::io::Write;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use cohort_mpc::{Config, Error, SecType, Session, TransportError, Value, run_blocking};
use cohort_net::{Link, MeshConfig, TcpMesh};

fn listeners(m: usize) -> (Vec<TcpListener>, Vec<SocketAddr>) {
    let ls: Vec<TcpListener> = (0..m).map(|_| TcpListener::bind("127.0.0.1:0").unwrap()).collect();
    let addrs = ls.iter().map(|l| l.local_addr().unwrap()).collect();
    (ls, addrs)
}

/// Connects without authenticating: whoever greets first takes a seat.
fn connect(id: usize, addrs: &[SocketAddr], listener: TcpListener, config: &MeshConfig) -> Result<TcpMesh, TransportError> {
    TcpMesh::connect(id, addrs, Some(listener), config, |_, _: &mut Link| Ok::<_, TransportError>(())).map(|(mesh, _)| mesh)
}

fn quick() -> MeshConfig {
    MeshConfig { connect_timeout: Duration::from_secs(10), read_timeout: Duration::from_secs(10), ..MeshConfig::default() }
}

/// Each party inputs 10·(id+1); all learn the sum and whether party 0's input is below party 1's.
fn party(id: usize, addrs: Vec<SocketAddr>, listener: TcpListener) -> cohort_mpc::Result<Vec<Value>> {
    let m = addrs.len();
    let mut mesh = connect(id, &addrs, listener, &quick())?;
    let mut session = Session::new(&Config::new(m, id), move |rt| async move {
        let ty = SecType::int(32)?;
        let mine = [Value::Int(10 * (rt.id() as i128 + 1))];
        let mut xs = Vec::new();
        for owner in 0..rt.parties() {
            xs.push(rt.input(&ty, owner, (owner == rt.id()).then_some(&mine[..]), 1).await?);
        }
        let sum = xs.iter().skip(1).try_fold(xs[0].clone(), |acc, x| acc.add(x))?;
        let less = rt.lt(&xs[0], &xs[1]).await?;
        let mut out = rt.reveal_all(&sum).await?;
        out.extend(rt.reveal_all(&less).await?);
        Ok(out)
    })?;
    run_blocking(&mut session, &mut mesh)
}

/// Runs [`party`] on a thread for each listener, in id order.
fn spawn_parties(ls: Vec<TcpListener>, addrs: &[SocketAddr]) -> Vec<thread::JoinHandle<cohort_mpc::Result<Vec<Value>>>> {
    ls.into_iter()
        .enumerate()
        .map(|(id, l)| {
            let addrs = addrs.to_vec();
            thread::spawn(move || party(id, addrs, l))
        })
        .collect()
}

#[test]
fn three_parties_compute_over_tcp() {
    let (ls, addrs) = listeners(3);
    let handles = spawn_parties(ls, &addrs);
    for h in handles {
        assert_eq!(h.join().unwrap().unwrap(), vec![Value::Int(60), Value::Int(1)]);
    }
}

#[test]
fn a_vanished_peer_ends_the_others_with_a_transport_error() {
    let (mut ls, addrs) = listeners(3);
    let l2 = ls.pop().unwrap();
    let start = Instant::now();
    let handles = spawn_parties(ls, &addrs);
    // Party 2 connects, then disappears before sending anything.
    let mesh = connect(2, &addrs, l2, &quick()).unwrap();
    drop(mesh);
    for h in handles {
        match h.join().unwrap() {
            Err(Error::Transport(TransportError::PeerGone { party: 2 })) => {}
            other => panic!("expected party 2 to be gone, got {other:?}"),
        }
    }
    assert!(start.elapsed() < Duration::from_secs(5), "took {:?}", start.elapsed());
}

#[test]
fn an_oversized_frame_is_refused() {
    let (mut ls, addrs) = listeners(2);
    let _unused = ls.pop();
    let l0 = ls.pop().unwrap();
    let addrs0 = addrs.clone();
    let config = MeshConfig { max_frame: 1024, ..quick() };
    let p0 = thread::spawn(move || {
        let mut mesh = connect(0, &addrs0, l0, &config)?;
        let mut session = Session::new(&Config::new(2, 0), |_rt| async move { Ok(()) })?;
        run_blocking(&mut session, &mut mesh)
    });
    // A hand-made party 1: greets correctly, then announces a frame far over the limit.
    let mut s = TcpStream::connect(addrs[0]).unwrap();
    s.write_all(b"COHORT1\0").unwrap();
    s.write_all(&1u32.to_le_bytes()).unwrap();
    s.write_all(&(1u32 << 30).to_le_bytes()).unwrap();
    match p0.join().unwrap() {
        Err(Error::Transport(TransportError::Flooded { party: 1, size, limit: 1024 })) => assert_eq!(size, 1 << 30),
        other => panic!("expected party 1 to be blamed, got {other:?}"),
    }
}

#[test]
fn an_unreachable_peer_is_an_error_after_the_timeout() {
    let (mut ls, addrs) = listeners(2);
    let l1 = ls.pop().unwrap();
    drop(ls); // party 0 never listens
    let config = MeshConfig { connect_timeout: Duration::from_millis(300), ..quick() };
    let start = Instant::now();
    match connect(1, &addrs, l1, &config) {
        Err(TransportError::Io { context, .. }) => assert!(context.contains("party 0"), "{context}"),
        other => panic!("expected an I/O error reaching party 0, got {:?}", other.map(|_| ())),
    }
    assert!(start.elapsed() < Duration::from_secs(5));
}
