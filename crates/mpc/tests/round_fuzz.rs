//! Fuzzing the round messages (proptest; `garbage_messages.rs` has the
//! targeted substitutions): a round message changed at random — bytes
//! flipped, cut, inserted or repeated, in any round between any two
//! parties — never makes a session panic or hang. The receiver ends with
//! an error, or (Shamir shares carry no MAC: a changed share that is still
//! a field element is a different share) with some result; the other
//! parties end too; a receiver that blames a party blames the sender.
//! `PROPTEST_CASES=N` runs N cases.

mod common;

use cohort_mpc::SecType;
use common::*;
use proptest::prelude::*;
use proptest::sample::Index;

fn config(cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(cases);
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

/// Changes `msg` by the edits: flip a byte, cut there, insert a byte, or repeat the tail.
fn mutate(msg: &mut Vec<u8>, edits: &[(Index, u8, u8)]) {
    for (at, op, byte) in edits {
        let i = at.index(msg.len() + 1);
        match op % 4 {
            0 if i < msg.len() => msg[i] ^= byte | 1,
            1 => msg.truncate(i),
            2 => msg.insert(i, *byte),
            _ => {
                let tail = msg[i..].to_vec();
                msg.extend_from_slice(&tail);
            }
        }
    }
}

proptest! {
    #![proptest_config(config(96))]

    #[test]
    fn changed_round_messages_never_panic_or_hang(
        round in 0usize..10, from in 0usize..3, step in 1usize..3,
        edits in proptest::collection::vec((any::<Index>(), any::<u8>(), any::<u8>()), 1..5),
    ) {
        let to = (from + step) % 3;
        let ty = SecType::int(32).unwrap();
        let mut s = sessions(&configs(3, 1, 7, true), move |rt| async move {
            let x = input_ints(&rt, &ty, 0, &[12, -5, 7]).await?;
            let y = input_ints(&rt, &ty, 1, &[13, 9, 7]).await?;
            let xy = rt.mul(&x, &y).await?;
            let c = rt.lt(&x, &y).await?;
            let mut out = open_ints(&rt, &xy).await?;
            out.extend(open_ints(&rt, &c).await?);
            Ok(out)
        });
        let mut changed = false;
        let results = drive(&mut s, |k, i, j, msg| {
            if k == round && i == from && j == to {
                let before = msg.clone();
                mutate(msg, &edits);
                changed = *msg != before;
            }
        });
        prop_assert_eq!(results.len(), 3);
        // A receiver that blames someone blames the sender of the changed message.
        if let Err(cohort_mpc::Error::PeerMisbehaved { party, reason }) = &results[to] {
            prop_assert_eq!(*party, from, "{}", reason);
        }
        if !changed {
            for r in &results {
                prop_assert_eq!(r.as_ref().ok(), Some(&vec![156, -45, 49, 1, 1, 0]));
            }
        }
    }
}
