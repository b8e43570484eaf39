//! The session host's transport natively: parties driven only by delivered
//! frames (as in the browser), through the same party runner as the CLI,
//! each running the program from the planned bytes the background gives
//! the session host, compute the examples; a vanished, silent or cheating peer ends the
//! others with a typed error, never a hang.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use cohort_channel::Identity;
use cohort_mpc::AsyncTransport;
use cohort_mpc::{PartyId, TransportError};
use cohort_party::{Party, PartyError, Progress, Session, Stage};
use cohort_program::{CheckedProgram, HelloError, Outputs, PlannedProgram};
use cohort_transport::UNREAD_LIMIT as INBOX_LIMIT;
use cohort_web::host::{Inbox, Links};
use serde_json::{Value as Json, json};

type PartyFuture = Pin<Box<dyn Future<Output = Result<Outputs, PartyError>>>>;

fn example(name: &str) -> String {
    std::fs::read_to_string(format!("{}/../../examples/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// A network for `m` parties in one thread: what party `i` sends to `j`
/// goes into `j`'s inbox, unless `tamper` changes or drops it.
struct Net {
    inboxes: Vec<Inbox>,
    identities: Vec<Identity>,
    progress: Rc<RefCell<Vec<(PartyId, Progress)>>>,
}

type Tamper = Rc<dyn Fn(PartyId, PartyId, Vec<u8>) -> Option<Vec<u8>>>;

impl Net {
    fn new(m: usize) -> Net {
        let mut identities: Vec<Identity> = (0..m).map(|_| Identity::generate().unwrap()).collect();
        identities.sort_by_key(|id| id.fingerprint().to_string());
        Net { inboxes: (0..m).map(|_| Inbox::new(m, INBOX_LIMIT)).collect(), identities, progress: Rc::default() }
    }

    /// Party `me`'s seat, with the default threshold.
    fn config(&self, program: &str, me: PartyId, inputs: Json) -> Party {
        self.seat(program, me, inputs, None).unwrap()
    }

    fn seat(&self, program: &str, me: PartyId, inputs: Json, threshold: Option<usize>) -> Result<Party, PartyError> {
        let inputs: BTreeMap<String, Json> = serde_json::from_value(inputs).unwrap();
        let parties: Vec<_> = self.identities.iter().map(Identity::fingerprint).collect();
        // As the session host is given it: planned by the background, as bytes.
        let bytes = CheckedProgram::load(program).unwrap().planned(parties.len()).unwrap().to_bytes();
        let planned = PlannedProgram::from_bytes(&bytes).unwrap();
        let session = Session::with_planned("test-session", planned, parties.clone(), threshold, false)?;
        session.seat(parties, &self.identities[me].fingerprint(), &inputs)
    }

    fn party(&self, config: Party, tamper: Option<Tamper>) -> PartyFuture {
        let me = config.me();
        let inboxes = self.inboxes.clone();
        let links = Links::new(self.inboxes[me].clone(), move |to: PartyId, msg: Vec<u8>| {
            let msg = match &tamper {
                Some(t) => t(me, to, msg),
                None => Some(msg),
            };
            if let Some(msg) = msg {
                inboxes[to].deliver(me, msg);
            }
            Ok(())
        });
        let identity = Identity::from_file(&self.identities[me].to_file()).unwrap();
        let progress = self.progress.clone();
        Box::pin(async move { cohort_party::run(config, &identity, links, |p| progress.borrow_mut().push((me, p))).await })
    }
}

/// Polls every party until all have finished, or until none can move (a
/// deadlock: returned as `None` for the parties still waiting).
fn drive<T>(mut parties: Vec<Pin<Box<dyn Future<Output = T>>>>, mut between: impl FnMut(usize)) -> Vec<Option<T>> {
    let mut results: Vec<Option<T>> = parties.iter().map(|_| None).collect();
    let mut cx = Context::from_waker(Waker::noop());
    for sweep in 0..100_000 {
        for (i, party) in parties.iter_mut().enumerate() {
            if results[i].is_none()
                && let Poll::Ready(out) = party.as_mut().poll(&mut cx)
            {
                results[i] = Some(out);
            }
        }
        if results.iter().all(Option::is_some) {
            break;
        }
        between(sweep);
    }
    results
}

#[test]
fn three_parties_compute_the_average_salary_from_delivered_frames() {
    let net = Net::new(3);
    let program = example("average_salary.cohort");
    let salaries = [52000, 61000, 47500];
    let parties = (0..3).map(|i| net.party(net.config(&program, i, json!({"salary": salaries[i]})), None)).collect();
    for (i, result) in drive(parties, |_| {}).into_iter().enumerate() {
        let outputs = result.expect("finished").unwrap_or_else(|e| panic!("party {i}: {e}"));
        assert_eq!(serde_json::to_value(&outputs).unwrap(), json!({"total": 160500, "average": 53500}), "party {i}");
    }
    let progress = net.progress.borrow();
    for i in 0..3 {
        let stages: Vec<Stage> = progress
            .iter()
            .filter_map(|(p, s)| match s {
                Progress::Stage(s) if *p == i => Some(*s),
                _ => None,
            })
            .collect();
        assert_eq!(stages, [Stage::Handshaking, Stage::Agreeing, Stage::Running]);
    }
}

/// While running, a party reports each round as it completes (after
/// `Running`), up to the total its plan gives before the run.
#[test]
fn a_running_party_reports_every_round_up_to_the_planned_total() {
    let net = Net::new(3);
    let program = example("millionaires.cohort");
    let wealth = [3_000_000, 9_500_000, 7_250_000];
    let configs: Vec<Party> = (0..3).map(|i| net.config(&program, i, json!({"wealth": wealth[i]}))).collect();
    let planned = configs[0].planned_rounds().expect("a dry run of millionaires");
    assert!(planned.exact, "millionaires always takes the same rounds");
    let parties = configs.into_iter().map(|c| net.party(c, None)).collect();
    for (i, result) in drive(parties, |_| {}).into_iter().enumerate() {
        result.expect("finished").unwrap_or_else(|e| panic!("party {i}: {e}"));
    }
    let progress = net.progress.borrow();
    for i in 0..3 {
        let mine: Vec<Progress> = progress.iter().filter(|(p, _)| *p == i).map(|(_, s)| *s).collect();
        let running = mine.iter().position(|p| *p == Progress::Stage(Stage::Running)).expect("running");
        let rounds: Vec<u64> = mine[running + 1..]
            .iter()
            .map(|p| match p {
                Progress::Rounds { done } => *done,
                Progress::Stage(s) => panic!("party {i}: stage {s:?} while running"),
            })
            .collect();
        assert_eq!(rounds, (1..=planned.rounds).collect::<Vec<_>>(), "party {i}: rounds reported");
    }
}

#[test]
fn every_example_with_expected_outputs_matches_them() {
    for name in ["millionaires", "second_price_auction", "unanimous_vote", "sort_inputs", "set_intersection_size"] {
        let program = example(&format!("{name}.cohort"));
        let inputs: Vec<Json> = serde_json::from_str(&example(&format!("{name}.inputs.json"))).unwrap();
        let expected: Vec<Json> = serde_json::from_str(&example(&format!("{name}.expected.json"))).unwrap();
        let net = Net::new(inputs.len());
        let parties = inputs.iter().enumerate().map(|(i, inp)| net.party(net.config(&program, i, inp.clone()), None)).collect();
        for (i, result) in drive(parties, |_| {}).into_iter().enumerate() {
            let outputs = result.expect("finished").unwrap_or_else(|e| panic!("{name} party {i}: {e}"));
            assert_eq!(serde_json::to_value(&outputs).unwrap(), expected[i]["outputs"], "{name} party {i}");
        }
    }
}

/// Parties 0 and 1 of `sort_inputs` run while party 2 never does; at sweep
/// 10, `network` tells their inboxes what happened. Their errors.
fn without_party_2(network: impl Fn(&[Inbox])) -> Vec<PartyError> {
    let net = Net::new(3);
    let program = example("sort_inputs.cohort");
    let inputs: Vec<Json> = serde_json::from_str(&example("sort_inputs.inputs.json")).unwrap();
    let parties = (0..2).map(|i| net.party(net.config(&program, i, inputs[i].clone()), None)).collect();
    let inboxes = net.inboxes.clone();
    let results = drive(parties, |sweep| {
        if sweep == 10 {
            network(&inboxes);
        }
    });
    results.into_iter().map(|r| r.expect("finished").expect_err("party 2 is gone")).collect()
}

#[test]
fn a_peer_that_vanishes_ends_the_others_with_its_error() {
    // The network reports party 2 gone.
    let errors = without_party_2(|inboxes| {
        for inbox in &inboxes[..2] {
            inbox.fail(2, TransportError::PeerGone { party: 2 });
        }
    });
    for (i, err) in errors.iter().enumerate() {
        assert_eq!(err.transport(), Some(&TransportError::PeerGone { party: 2 }), "party {i}: {err}");
        assert!(err.is_unreachable());
    }
}

#[test]
fn a_silent_peer_is_reported_stalled_and_ends_the_session() {
    let net = Net::new(3);
    let program = example("average_salary.cohort");
    let parties = (0..2).map(|i| net.party(net.config(&program, i, json!({"salary": 1})), None)).collect();
    let inboxes = net.inboxes.clone();
    let mut stalled = Vec::new();
    let results = drive(parties, |sweep| {
        for inbox in &inboxes[..2] {
            stalled.extend(inbox.stalled(sweep as f64 * 100.0, 5_000.0));
        }
    });
    assert_eq!(stalled, [2, 2]);
    for r in results {
        let err = r.expect("finished").unwrap_err();
        assert_eq!(err.transport(), Some(&TransportError::Timeout { party: 2, after: std::time::Duration::from_secs(5) }));
        assert_eq!(err.to_string(), "party 2 sent nothing for 5 s");
    }
}

#[test]
fn a_tampered_frame_ends_the_session_with_a_channel_error() {
    let net = Net::new(3);
    let program = example("average_salary.cohort");
    let sent = Rc::new(RefCell::new(0usize));
    let count = sent.clone();
    // Party 1 flips a bit in its fifth message to party 0 (after the handshakes).
    let tamper: Tamper = Rc::new(move |from, to, mut msg| {
        if from == 1 && to == 0 {
            *count.borrow_mut() += 1;
            if *count.borrow() == 5 {
                let last = msg.len() - 1;
                msg[last] ^= 1;
            }
        }
        Some(msg)
    });
    let parties = (0..3).map(|i| net.party(net.config(&program, i, json!({"salary": 10})), (i == 1).then(|| tamper.clone()))).collect();
    let inboxes = net.inboxes.clone();
    let results = drive(parties, |sweep| {
        // A real network reports the failed party's peers gone; here, after a while.
        if sweep == 50 {
            for inbox in &inboxes {
                inbox.fail_all(&TransportError::closed("the session was cancelled"));
            }
        }
    });
    let err = results[0].clone().expect("finished").unwrap_err();
    match &err {
        PartyError::Engine(cohort_mpc::Error::PeerMisbehaved { party: 1, reason }) => assert!(reason.contains("tampered"), "{reason}"),
        other => panic!("expected party 1 to be blamed for a tampered frame, got {other:?}"),
    }
    assert_eq!(err.code(), "misbehaved");
    assert!(*sent.borrow() >= 5);
}

#[test]
fn a_peer_with_another_program_is_refused_before_any_share() {
    let net = Net::new(3);
    let average = example("average_salary.cohort");
    let other = average.replace("reveal average = mean(salary) to all", "reveal top = max(salary) to all");
    let parties = (0..3)
        .map(|i| {
            let program = if i == 2 { &other } else { &average };
            net.party(net.config(program, i, json!({"salary": 5})), None)
        })
        .collect();
    let results = drive(parties, |_| {});
    for (i, r) in results.into_iter().enumerate() {
        let err = r.expect("finished").unwrap_err();
        let expected_peer = if i == 2 { 0 } else { 2 };
        assert!(
            matches!(&err, PartyError::Disagree(HelloError::OtherProgram { party, .. }) if *party == expected_peer),
            "party {i}: {err:?}"
        );
        assert_eq!(err.code(), "disagree");
    }
}

#[test]
fn the_program_hello_travels_inside_the_secure_channel() {
    let net = Net::new(3);
    let program = example("average_salary.cohort");
    let hash = CheckedProgram::load(&program).unwrap().hash();
    let frames: Rc<RefCell<Vec<Vec<u8>>>> = Rc::default();
    let seen = frames.clone();
    let record: Tamper = Rc::new(move |_, _, msg| {
        seen.borrow_mut().push(msg.clone());
        Some(msg)
    });
    let parties = (0..3).map(|i| net.party(net.config(&program, i, json!({"salary": 5})), Some(record.clone()))).collect();
    for r in drive(parties, |_| {}) {
        r.expect("finished").unwrap();
    }
    // Neither the hello's tag nor the program hash is ever on the wire in the clear.
    let contains = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).any(|w| w == needle);
    for frame in frames.borrow().iter() {
        assert!(!contains(frame, b"PROGRAM1") && !contains(frame, &hash), "a frame carries the hello in the clear");
    }
}

#[test]
fn a_peer_with_another_threshold_is_refused_with_both_values() {
    let net = Net::new(5);
    let program = example("average_salary.cohort");
    let parties = (0..5)
        .map(|i| {
            let config = net.seat(&program, i, json!({"salary": 5}), Some(if i == 4 { 1 } else { 2 })).unwrap();
            net.party(config, None)
        })
        .collect();
    for (i, r) in drive(parties, |_| {}).into_iter().enumerate() {
        let err = r.expect("finished").unwrap_err();
        let (t, our_t) = if i == 4 { (2, 1) } else { (1, 2) };
        match err {
            PartyError::Disagree(HelloError::OtherShape { party, m: 5, t: theirs, our_m: 5, our_t: ours }) => {
                assert_eq!((theirs, ours), (t, our_t), "party {i}");
                assert!(i == 4 || party == 4, "party {i} blames {party}");
            }
            other => panic!("party {i}: expected a threshold mismatch, got {other:?}"),
        }
    }
}

#[test]
fn bad_inputs_and_a_foreign_identity_are_refused_before_connecting() {
    let net = Net::new(3);
    let program = example("average_salary.cohort");
    for (me, inputs) in [(0, json!({"salary": -5})), (1, json!({}))] {
        match net.seat(&program, me, inputs, None) {
            Err(PartyError::Inputs { party, source }) => {
                assert_eq!(party, me);
                assert!(source.to_string().contains("salary"), "{source}");
            }
            other => panic!("expected the inputs to be refused, got {other:?}"),
        }
    }
    // An identity that is not party 2's.
    let config = net.config(&program, 2, json!({"salary": 5}));
    let stranger = Identity::generate().unwrap();
    let links = Links::new(Inbox::new(3, INBOX_LIMIT), |_: PartyId, _: Vec<u8>| Ok(()));
    let fingerprint = stranger.fingerprint();
    let run: PartyFuture = Box::pin(async move { cohort_party::run(config, &stranger, links, |_| {}).await });
    let err = drive(vec![run], |_| {}).remove(0).unwrap().unwrap_err();
    assert_eq!(err, PartyError::NotAParty { fingerprint });
}

#[test]
fn the_benchmark_runs_the_engine_workloads_and_reports_them() {
    fn clock() -> f64 {
        use std::sync::atomic::{AtomicU64, Ordering};
        static TICKS: AtomicU64 = AtomicU64::new(0);
        TICKS.fetch_add(1, Ordering::Relaxed) as f64
    }
    let net = Net::new(3);
    let parties: Vec<PartyFuture> = (0..3)
        .map(|me| {
            let json = json!({"session": "bench", "parties": net.identities.iter().map(|i| i.fingerprint().to_string()).collect::<Vec<_>>(),
                "me": me, "only": ["mul", "lt"], "runs": 1});
            let job = cohort_web::api::bench_config(&json.to_string()).unwrap();
            let inboxes = net.inboxes.clone();
            let links = Links::new(net.inboxes[me].clone(), move |to: PartyId, msg: Vec<u8>| {
                inboxes[to].deliver(me, msg);
                Ok(())
            });
            let identity = Identity::from_file(&net.identities[me].to_file()).unwrap();
            Box::pin(async move {
                let measured = cohort_party::bench(
                    &job.meeting,
                    &identity,
                    links,
                    job.workloads.clone(),
                    job.runs,
                    cohort_mpc::bench::Meter::clock(clock),
                    |_| {},
                )
                .await?;
                let lines = cohort_web::host::bench_lines(&job.meeting, &measured);
                Ok(lines.into_iter().enumerate().map(|(i, l)| (i.to_string(), l)).collect())
            }) as PartyFuture
        })
        .collect();
    for result in drive(parties, |_| {}) {
        let lines = result.expect("finished").unwrap();
        assert_eq!(lines["0"]["workload"], "mul");
        assert_eq!((lines["0"]["n"].as_u64(), lines["0"]["rounds"].as_u64()), (Some(10_000), Some(1)));
        assert_eq!(lines["1"]["workload"], "lt");
        assert!(lines["1"]["rounds"].as_u64().unwrap() > 1);
    }
    assert!(cohort_web::api::bench_config(r#"{"session":"s","parties":[],"me":0}"#).unwrap_err().message.contains("not among"));
    for (bad, why) in [
        (r#"{"session":"s","parties":[],"me":0,"runs":null,"extra":1}"#, "unknown field `extra`"),
        (r#"{"session":"s","parties":[],"me":0,"only":null}"#, "`only` must be an array of strings"),
        (r#"{"session":"s","parties":[],"me":0,"runs":2.5}"#, "`runs` must be a non-negative integer"),
        (r#"{"session":"s","me":0}"#, "missing field `parties`"),
    ] {
        let message = cohort_web::api::bench_config(bad).unwrap_err().message;
        assert!(message.starts_with("a malformed benchmark configuration: ") && message.contains(why), "{bad}: {message}");
    }
}

#[test]
fn a_peer_that_floods_ends_the_session_instead_of_filling_memory() {
    let inbox = Inbox::new(2, 100);
    inbox.deliver(1, vec![1; 60]);
    inbox.deliver(1, vec![2; 60]); // 120 bytes unread: over the limit
    inbox.deliver(1, vec![3; 1 << 20]); // dropped, not kept
    let mut links = Links::new(inbox, |_: PartyId, _: Vec<u8>| Ok(()));
    let mut read = || {
        let mut recv = std::pin::pin!(links.recv(1));
        match recv.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
            Poll::Ready(r) => r,
            Poll::Pending => panic!("nothing to read"),
        }
    };
    assert_eq!(read(), Ok(vec![1; 60]), "what came within the limit is read");
    assert_eq!(read(), Err(TransportError::Flooded { party: 1, size: 120, limit: 100 }));
    assert_eq!(TransportError::Flooded { party: 1, size: 120, limit: 100 }.code(), "flooded");
}

#[test]
fn a_message_larger_than_the_plans_largest_round_is_refused() {
    let net = Net::new(3);
    let program = example("average_salary.cohort");
    let honest = net.config(&program, 0, json!({"salary": 10}));
    let largest = honest.largest_message();
    assert!(largest < 64 << 10, "the average salary's rounds are small; the bound is {largest} bytes");
    assert_eq!(
        honest.unread_limit(),
        cohort_mpc::UNREAD_ROUNDS * cohort_channel::SecureChannel::framed_len(largest, cohort_channel::MAX_CHUNK)
    );
    // Party 1 completes the handshakes, then sends party 0 one message a
    // byte over party 0's bound instead of its program hello.
    let parties: Vec<_> = net.identities.iter().map(Identity::fingerprint).collect();
    let transcript = cohort_channel::Transcript::meeting("test-session", parties);
    let identity = Identity::from_file(&net.identities[1].to_file()).unwrap();
    let inboxes = net.inboxes.clone();
    let links = Links::new(net.inboxes[1].clone(), move |to: PartyId, msg: Vec<u8>| {
        inboxes[to].deliver(1, msg);
        Ok(())
    });
    let cheat: PartyFuture = Box::pin(async move {
        let mut mesh = cohort_channel::SecureMesh::establish_async(links, 1, &identity, &transcript).await.unwrap();
        mesh.send(0, vec![7; largest + 1]).unwrap();
        Err(PartyError::SeatedWrongly)
    });
    let parties = vec![net.party(honest, None), cheat, net.party(net.config(&program, 2, json!({"salary": 30})), None)];
    let inboxes = net.inboxes.clone();
    let results = drive(parties, |sweep| {
        if sweep == 50 {
            inboxes[2].fail_all(&TransportError::closed("the session was cancelled"));
        }
    });
    let err = results[0].clone().expect("finished").unwrap_err();
    assert_eq!(err.transport().map(TransportError::code), Some("misbehaved"), "{err:?}");
    assert!(err.to_string().contains("party 1") && err.to_string().contains(&format!("limit of {largest} bytes")), "{err}");
}

#[test]
fn the_inbox_remembers_whose_link_failed_first_but_not_a_cancellation() {
    let inbox = Inbox::new(3, 1 << 20);
    inbox.fail_all(&TransportError::closed("cancelled"));
    assert_eq!(inbox.first_lost(), None);
    inbox.fail(2, TransportError::closed("the connection to party 2 closed"));
    inbox.fail(1, TransportError::closed("the connection to party 1 closed"));
    assert_eq!(inbox.first_lost(), Some(2));
}

#[test]
fn a_party_that_left_is_named_even_by_a_peer_that_closed_after_it() {
    // The network reports party 2 gone; then party 0 also sees its channel
    // to party 1 close (party 1 stopping because of it).
    let errors = without_party_2(|inboxes| {
        for inbox in &inboxes[..2] {
            inbox.fail(2, TransportError::PeerGone { party: 2 });
        }
        inboxes[0].closed(1, TransportError::closed("the connection to party 1 closed"));
        assert_eq!(inboxes[0].first_lost(), Some(2));
    });
    for (i, err) in errors.iter().enumerate() {
        assert_eq!(err.transport(), Some(&TransportError::PeerGone { party: 2 }), "party {i}: {err}");
    }
}

/// What a read from `from` gives now (it must not have to wait).
fn read_now(links: &mut impl AsyncTransport, from: PartyId) -> Result<Vec<u8>, TransportError> {
    let mut cx = Context::from_waker(Waker::noop());
    match Box::pin(links.recv(from)).as_mut().poll(&mut cx) {
        Poll::Ready(r) => r,
        Poll::Pending => panic!("nothing to read from party {from}"),
    }
}

#[test]
fn a_closed_link_with_no_one_gone_before_says_so() {
    let inbox = Inbox::new(3, 1 << 20);
    let closed = TransportError::closed("the connection to party 1 closed");
    inbox.closed(1, closed.clone());
    assert_eq!(inbox.first_lost(), Some(1));
    let mut links = Links::new(inbox, |_: PartyId, _: Vec<u8>| Ok(()));
    assert_eq!(read_now(&mut links, 1), Err(closed));
}

#[test]
fn a_party_that_leaves_after_its_last_message_fails_nobody() {
    // Party 0 sent its last frame and left; party 2's last frame arrives after.
    let inbox = Inbox::new(3, 1 << 20);
    inbox.deliver(0, vec![0]);
    inbox.fail(0, TransportError::PeerGone { party: 0 });
    inbox.deliver(2, vec![2]);
    let mut links = Links::new(inbox, |_: PartyId, _: Vec<u8>| Ok(()));
    assert_eq!(read_now(&mut links, 0), Ok(vec![0]));
    assert_eq!(read_now(&mut links, 2), Ok(vec![2]), "party 0 leaving fails no read from party 2");
    assert_eq!(read_now(&mut links, 0), Err(TransportError::PeerGone { party: 0 }));
}
