//! When a product is opened before it is reshared (a secfld reciprocal opens
//! `x·r`; comparisons and random bits open such products too), what each
//! party sends is masked: uniform whatever the values, where the bare
//! product of two uniform shares would be 0 far too often (21 times in 121
//! in GF(11)). Both ways of masking are checked: pairwise zero sharings when
//! every party's share is needed (m = 2t + 1), a PRSS zero sharing of
//! degree 2t otherwise.

use cohort_mpc::{SecType, Value, local};

/// The round header (round number, step count) and the step's length.
const HEADER: usize = 12 + 4;
const N: usize = 50;

/// What party 1 sends party 2 in round 2 — the opening of `x·r` for the
/// reciprocal of party 0's `N` inputs of 3 in GF(11) — for each seed.
fn opened_parts(m: usize, t: usize, seeds: core::ops::Range<u64>) -> Vec<u8> {
    let mut parts = Vec::new();
    for seed in seeds {
        let mut sessions = local::sessions(m, t, seed, |rt| async move {
            let ty = SecType::fld(11)?;
            let threes = vec![Value::Int(3); N];
            let x = rt.input(&ty, 0, (rt.id() == 0).then_some(&threes[..]), N).await?;
            let inverse = rt.reciprocal(&x).await?;
            rt.reveal_all(&inverse).await
        })
        .unwrap();
        let mut seen = None;
        let results = local::drive(&mut sessions, |k, from, to, msg| {
            if (k, from, to) == (2, 1, 2) {
                seen = Some(msg.clone());
            }
            vec![msg]
        });
        for r in results {
            assert_eq!(r.unwrap(), vec![Value::Int(4); N], "m={m} t={t} seed {seed}: 1/3 = 4 in GF(11)");
        }
        let msg = seen.expect("party 1 sent party 2 a message in round 2");
        assert_eq!(msg.len(), HEADER + N, "m={m} t={t}: round 2 is the opening alone, one byte an element");
        parts.extend_from_slice(&msg[HEADER..]);
    }
    parts
}

/// χ² of the counts of 0..11 against uniform (10 degrees of freedom; 29.59
/// at the 0.1% level).
fn chi_square(values: &[u8]) -> f64 {
    let mut counts = [0usize; 11];
    for &v in values {
        counts[usize::from(v)] += 1;
    }
    let expected = values.len() as f64 / 11.0;
    counts.iter().map(|&c| (c as f64 - expected).powi(2) / expected).sum()
}

#[test]
fn what_a_party_sends_to_open_a_product_is_uniform() {
    // (3, 1), (5, 2), (7, 3): pairwise zero sharings; (5, 1), (4, 1): PRSS.
    for (m, t) in [(3, 1), (5, 2), (7, 3), (5, 1), (4, 1)] {
        let parts = opened_parts(m, t, 0..20);
        let chi = chi_square(&parts);
        assert!(chi < 29.59, "m={m} t={t}: χ² {chi:.1} over {} values", parts.len());
    }
}
