//! Oblivious sorting (keys by shuffle-then-sort, rows by Batcher's network): ascending and descending,
//! with duplicates, for n = 0, 1, 2, 3, 17, 64; and sort_by_key.

use crate::common;

use cohort_mpc::{Error, SecType, Value, local};
use common::*;
use proptest::prelude::*;

fn check_sort(ty: SecType, inputs: &[Vec<i128>], configs: &[(usize, usize)]) {
    for &(m, t) in configs {
        let (got, _) = run_agreed(m, t, 51, |rt| {
            let inputs = inputs.to_vec();
            async move {
                let mut out = Vec::new();
                for xs in &inputs {
                    let x = input_raw(&rt, &ty, 0, xs).await?;
                    let up = rt.sort(&x, false).await?;
                    let down = rt.sort(&x, true).await?;
                    out.push((rt.reveal_all(&up).await?, rt.reveal_all(&down).await?));
                }
                Ok(out)
            }
        });
        for (xs, (up, down)) in inputs.iter().zip(got) {
            let mut s = xs.clone();
            s.sort();
            assert_eq!(up, expects(&ty, s.iter().copied()), "{ty} m={m} t={t} ascending {xs:?}");
            s.reverse();
            assert_eq!(down, expects(&ty, s.iter().copied()), "{ty} m={m} t={t} descending {xs:?}");
        }
    }
}

fn inputs(ty: &SecType, seed: u64, sizes: &[usize]) -> Vec<Vec<i128>> {
    let l = ty.bits();
    let mut out = Vec::new();
    for &n in sizes {
        // half the values from a tiny range (many duplicates), the rest anywhere
        let mut v = random_ints(seed + n as u64, 3, n / 2);
        v.extend(random_ints(seed + 1000 + n as u64, l, n - n / 2));
        if n >= 4 {
            v[0] = max_of(l);
            v[n - 1] = min_of(l);
            v[n / 2] = max_of(l);
        }
        out.push(v);
    }
    out
}

#[test]
fn secint32_small_sizes_every_config() {
    let ty = SecType::int(32).unwrap();
    let mut ins = inputs(&ty, 500, &[0, 1, 2, 3, 17]);
    ins.push(vec![max_of(32), min_of(32)]);
    ins.push(vec![min_of(32), max_of(32), min_of(32)]);
    ins.push(vec![5, 5, 5]);
    check_sort(ty, &ins, &CONFIGS);
}

#[test]
fn secint32_sixty_four_values() {
    let ty = SecType::int(32).unwrap();
    let mut ins = inputs(&ty, 510, &[64]);
    let mut already: Vec<i128> = (0..64).collect();
    ins.push(already.clone());
    already.reverse();
    ins.push(already);
    check_sort(ty, &ins[..1], &CONFIGS);
    check_sort(ty, &ins[1..], &[(3, 1)]);
}

#[test]
fn other_types() {
    for ty in [SecType::int(8).unwrap(), SecType::int(64).unwrap(), SecType::fxp(32, 16).unwrap()] {
        let mut ins = inputs(&ty, 520, &[3, 17]);
        ins.push(edges(ty.bits()));
        check_sort(ty, &ins, &[(1, 0), (3, 1), (5, 2), (7, 1)]);
    }
}

/// sort_by_key: keys sorted; the rows (key, columns…) are permuted together.
#[test]
fn sort_by_key_moves_columns_with_keys() {
    let ty = SecType::int(32).unwrap();
    // secint(48) lives in 2^80 − 65, like secfxp(32, 16): columns may be of another type of the same field.
    let (k48, fx) = (SecType::int(48).unwrap(), SecType::fxp(32, 16).unwrap());
    let sizes = [0usize, 1, 2, 3, 17];
    let keys: Vec<Vec<i128>> = sizes.iter().map(|&n| random_ints(530 + n as u64, 4, n)).collect();
    for_all_configs(
        52,
        |rt| {
            let keys = keys.clone();
            async move {
                let mut out = Vec::new();
                for (c, ks) in keys.iter().enumerate() {
                    let n = ks.len() as i128;
                    let k = input_raw(&rt, &ty, 0, ks).await?;
                    let ids: Vec<i128> = (0..n).collect();
                    let col0 = input_raw(&rt, &ty, 1, &ids).await?;
                    let col1 = input_raw(&rt, &ty, 2, &ids.iter().map(|i| -1000 * i).collect::<Vec<_>>()).await?;
                    let desc = c % 2 == 1;
                    let (sk, cols) = rt.sort_by_key(&k, &[col0, col1], desc).await?;
                    let k2 = input_raw(&rt, &k48, 0, ks).await?;
                    let f = input(&rt, &fx, 1, &ids.iter().map(|&i| Value::Fixed(i as f64 + 0.5)).collect::<Vec<_>>()).await?;
                    let (sk2, fcols) = rt.sort_by_key(&k2, &[f], desc).await?;
                    out.push((
                        open_ints(&rt, &sk).await?,
                        open_ints(&rt, &cols[0]).await?,
                        open_ints(&rt, &cols[1]).await?,
                        open_ints(&rt, &sk2).await?,
                        open_f64(&rt, &fcols[0]).await?,
                    ));
                }
                Ok(out)
            }
        },
        |m, t, got| {
            for (c, (ks, (sk, c0, c1, sk2, f))) in keys.iter().zip(got).enumerate() {
                let desc = c % 2 == 1;
                let mut s = ks.clone();
                s.sort();
                if desc {
                    s.reverse();
                }
                assert_eq!(sk, s, "m={m} t={t} keys {ks:?} desc={desc}");
                assert_eq!(sk2, s, "m={m} t={t} secint(48) keys {ks:?}");
                // The ids form a permutation that carries each key with its row.
                let mut seen = vec![false; ks.len()];
                for i in 0..ks.len() {
                    let id = c0[i] as usize;
                    assert!(!seen[id], "m={m} t={t}: row {id} twice");
                    seen[id] = true;
                    assert_eq!(ks[id], sk[i], "m={m} t={t}: row {id} is not under its key");
                    assert_eq!(c1[i], -1000 * c0[i], "m={m} t={t}: columns of row {id} separated");
                    let fid = f[i] - 0.5;
                    assert_eq!(fid.fract(), 0.0);
                    assert_eq!(ks[fid as usize], sk2[i], "m={m} t={t}: fixed-point column row {fid}");
                }
            }
        },
    );
}

#[test]
fn sort_errors() {
    let ty = SecType::int(32).unwrap();
    let err = local::run(3, 1, 1, |rt| async move {
        let k = input_ints(&rt, &ty, 0, &[3, 1, 2]).await?;
        let c = input_ints(&rt, &ty, 0, &[3, 1]).await?;
        rt.sort_by_key(&k, &[c], false).await.map(|_| ())
    })
    .unwrap_err();
    assert!(matches!(err, Error::InvalidArgument(_)), "{err:?}");
    let i8t = SecType::int(8).unwrap();
    let err = local::run(3, 1, 1, |rt| async move {
        let k = input_ints(&rt, &ty, 0, &[3, 1]).await?;
        let c = input_ints(&rt, &i8t, 0, &[3, 1]).await?;
        rt.sort_by_key(&k, &[c], false).await.map(|_| ())
    })
    .unwrap_err();
    assert!(matches!(err, Error::Type(_)), "{err:?}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(6))]

    #[test]
    fn random_secint32(xs in prop::collection::vec(prop_oneof![i32::MIN..=i32::MAX, -2i32..=2], 0..20), config in 0usize..CONFIGS.len()) {
        let xs: Vec<i128> = xs.into_iter().map(i128::from).collect();
        check_sort(SecType::int(32).unwrap(), &[xs], &[CONFIGS[config]]);
    }
}
