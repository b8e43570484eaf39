//! A mesh of secure channels over an in-memory transport: three parties run
//! an MPC session through it; a party with the wrong identity or another
//! session's transcript cannot join; channels opened one peer at a time
//! make a mesh too.

use crate::common;

use std::thread;

use cohort_channel::{ChannelError, Identity, MeshError, SecureMesh, Transcript, handshake_peer};
use cohort_mpc::{Config, Receivers, SecType, Session, Value, run_blocking};
use common::*;

fn transcript(ids: &[Identity], session: &str) -> Transcript {
    Transcript::new(session, [7; 32], 1, ids.iter().map(Identity::fingerprint).collect())
}

#[test]
fn three_parties_compute_a_sum_over_secure_channels() {
    let ids: Vec<Identity> = (0..3).map(|_| Identity::generate().unwrap()).collect();
    let transcript = transcript(&ids, "s1");
    let handles: Vec<_> = mem_mesh(3)
        .into_iter()
        .zip(ids)
        .enumerate()
        .map(|(me, (transport, id))| {
            let transcript = transcript.clone();
            thread::spawn(move || {
                let mut mesh = SecureMesh::establish(transport, me, &id, &transcript).unwrap();
                let config = Config { parties: 3, threshold: 1, id: me, seed: None, prss: true };
                let mut session = Session::new(&config, move |rt| async move {
                    let ty = SecType::int(32)?;
                    let mine = [Value::Int(10 * (me as i128 + 1))];
                    let mut total = rt.input(&ty, 0, (me == 0).then_some(&mine[..]), 1).await?;
                    for owner in 1..3 {
                        total = total.add(&rt.input(&ty, owner, (me == owner).then_some(&mine[..]), 1).await?)?;
                    }
                    // A large vector too, so that messages are split into several frames.
                    let big = rt.input(&ty, 0, (me == 0).then(|| vec![Value::Int(1); 20_000]).as_deref(), 20_000).await?;
                    let big_sum = big.sum();
                    Ok((rt.reveal(&total, &Receivers::All).await?, rt.reveal(&big_sum, &Receivers::All).await?))
                })?;
                run_blocking(&mut session, &mut mesh)
            })
        })
        .collect();
    for h in handles {
        let (total, big) = h.join().unwrap().unwrap();
        assert_eq!(total, Some(vec![Value::Int(60)]));
        assert_eq!(big, Some(vec![Value::Int(20_000)]));
    }
}

/// Runs `establish` for three parties, where party 2 uses `impostor`'s
/// identity or transcript; returns each party's result as text.
fn establish_all(ids: Vec<Identity>, transcripts: Vec<Transcript>) -> Vec<Result<(), MeshError>> {
    let handles: Vec<_> = mem_mesh(3)
        .into_iter()
        .zip(ids.into_iter().zip(transcripts))
        .enumerate()
        .map(|(me, (transport, (id, transcript)))| {
            thread::spawn(move || SecureMesh::establish(transport, me, &id, &transcript).map(|_| ()))
        })
        .collect();
    handles.into_iter().map(|h| h.join().unwrap()).collect()
}

#[test]
fn a_party_with_another_identity_is_refused() {
    let ids: Vec<Identity> = (0..3).map(|_| Identity::generate().unwrap()).collect();
    let expected = transcript(&ids, "s1");
    let mallory = Identity::generate().unwrap();
    let mallory_view = Transcript::new("s1", [7; 32], 1, vec![ids[0].fingerprint(), ids[1].fingerprint(), mallory.fingerprint()]);
    let mut ids = ids;
    ids[2] = mallory;
    let results = establish_all(ids, vec![expected.clone(), expected, mallory_view]);
    // Parties 0 and 1 expect party 2's real key: whoever meets the impostor
    // first refuses it (her transcript names her key, so the handshake
    // fails; the handshake tests cover a peer proving the wrong key within
    // one transcript); the other sees the session end.
    assert!(results.iter().all(Result::is_err), "{results:?}");
    assert!(results[..2].iter().any(|r| matches!(r, Err(MeshError::Handshake { party: 2, .. }))), "{results:?}");
    assert!(results[2].is_err());
}

#[test]
fn a_party_of_another_session_is_refused() {
    let ids: Vec<Identity> = (0..3).map(|_| Identity::generate().unwrap()).collect();
    let (a, b) = (transcript(&ids, "s1"), transcript(&ids, "s2"));
    let results = establish_all(ids, vec![a.clone(), a, b]);
    assert!(results.iter().all(Result::is_err), "{results:?}");
    // Whoever meets party 2 first says why; the others see it leave.
    let another_session =
        |r: &Result<(), MeshError>| matches!(r, Err(MeshError::Handshake { source: ChannelError::TranscriptMismatch, .. }));
    assert!(results.iter().any(another_session), "{results:?}");
}

#[test]
fn an_identity_that_is_not_the_partys_is_refused_locally() {
    let ids: Vec<Identity> = (0..3).map(|_| Identity::generate().unwrap()).collect();
    let t = transcript(&ids, "s1");
    let stranger = Identity::generate().unwrap();
    let err = SecureMesh::establish(mem_mesh(3).remove(0), 0, &stranger, &t).err().unwrap();
    assert_eq!(err, MeshError::NotThisParty { me: 0, identity: stranger.fingerprint(), listed: ids[0].fingerprint() });
}

#[test]
fn channels_opened_one_peer_at_a_time_make_a_mesh() {
    let ids: Vec<Identity> = (0..3).map(|_| Identity::generate().unwrap()).collect();
    let transcript = transcript(&ids, "s1");
    let handles: Vec<_> = mem_mesh(3)
        .into_iter()
        .zip(ids)
        .enumerate()
        .map(|(me, (mut transport, id))| {
            let transcript = transcript.clone();
            thread::spawn(move || {
                // Each pair in the same order at both ends: (0, 1), (0, 2), (1, 2).
                let channels =
                    (0..3).map(|j| (j != me).then(|| handshake_peer(&mut transport, me, j, &id, &transcript).unwrap())).collect();
                let mut mesh = SecureMesh::from_channels(transport, me, channels).unwrap();
                let peers = [mesh.peer_key(0), mesh.peer_key(1), mesh.peer_key(2)];
                let mut session = Session::new(&Config::new(3, me), move |rt| async move {
                    let ty = SecType::int(32)?;
                    let mine = [Value::Int(me as i128 + 1)];
                    let mut total = rt.input(&ty, 0, (me == 0).then_some(&mine[..]), 1).await?;
                    for owner in 1..3 {
                        total = total.add(&rt.input(&ty, owner, (me == owner).then_some(&mine[..]), 1).await?)?;
                    }
                    rt.reveal_all(&total).await
                })
                .unwrap();
                (run_blocking(&mut session, &mut mesh).unwrap(), peers)
            })
        })
        .collect();
    for (me, h) in handles.into_iter().enumerate() {
        let (total, peers) = h.join().unwrap();
        assert_eq!(total, vec![Value::Int(6)]);
        assert_eq!(peers.iter().filter(|k| k.is_some()).count(), 2);
        assert!(peers[me].is_none());
    }
}

#[test]
fn a_mesh_without_a_peers_channel_is_refused() {
    let err = SecureMesh::from_channels(mem_mesh(2).remove(0), 0, vec![None, None]).err().unwrap();
    assert_eq!(err, MeshError::NoChannel { party: 1 });
}
