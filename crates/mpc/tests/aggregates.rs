//! Sum, product, inner product and matrix product against plaintext, for
//! every `(m, t)` and the integer and field types.

use crate::common;

use cohort_mpc::{Error, Kind, SecType, local};
use common::*;
use proptest::prelude::*;

fn prod_mod(xs: &[i128], p: u128) -> i128 {
    xs.iter().fold(1, |acc, &x| mul_mod(acc, x, p))
}

fn inner_mod(a: &[i128], b: &[i128], p: u128) -> i128 {
    a.iter().zip(b).fold(0, |acc, (&x, &y)| (acc + mul_mod(x, y, p)) % p as i128)
}

fn matmul_mod(a: &[i128], b: &[i128], rows: usize, inner: usize, cols: usize, p: u128) -> Vec<i128> {
    let mut out = Vec::new();
    for r in 0..rows {
        for c in 0..cols {
            let row: Vec<i128> = (0..inner).map(|k| a[r * inner + k]).collect();
            let col: Vec<i128> = (0..inner).map(|k| b[k * cols + c]).collect();
            out.push(inner_mod(&row, &col, p));
        }
    }
    out
}

/// prod over vectors of length 0..=13: the empty product is 1, and the
/// product takes ⌈log2 n⌉ rounds (t ≥ 1).
#[test]
fn prod_of_every_length() {
    for ty in all_types().into_iter().filter(|t| t.kind() != Kind::Fxp { frac: 16 }) {
        let p = ty.field().modulus();
        let small = match ty.kind() {
            Kind::Fld => raw_random(&ty, 7, 13),
            _ => random_ints(7, 3, 13), // −4..3, so products stay representable
        };
        let lens = [0usize, 1, 2, 3, 4, 5, 8, 13];
        let expected: Vec<_> = lens.iter().map(|&n| vec![expect(&ty, prod_mod(&small[..n], p))]).collect();
        for_all_configs(
            3,
            |rt| {
                let small = small.clone();
                async move {
                    let mut out = Vec::new();
                    for n in lens {
                        let x = input_raw(&rt, &ty, n, &small[..n]).await?;
                        let before = rt.stats().rounds;
                        let y = rt.prod(&x).await?;
                        let rounds = rt.stats().rounds - before;
                        out.push((rt.reveal_all(&y).await?, rounds));
                    }
                    Ok(out)
                }
            },
            |m, t, got| {
                for ((n, (v, rounds)), e) in lens.iter().zip(got).zip(&expected) {
                    assert_eq!(&v, e, "{ty} m={m} t={t} prod of {n}");
                    let levels = if *n <= 1 { 0 } else { usize::BITS - (n - 1).leading_zeros() } as u64;
                    assert_eq!(rounds, if t == 0 { 0 } else { levels }, "{ty} m={m} t={t} prod of {n}: rounds");
                }
            },
        );
    }
}

/// Extreme products: the edge values of a type multiplied together wrap
/// mod p exactly as plaintext field arithmetic does.
#[test]
fn prod_and_inner_of_edge_values() {
    for ty in all_types().into_iter().filter(|t| t.kind() != Kind::Fxp { frac: 16 }) {
        let p = ty.field().modulus();
        let a = raw_edges(&ty);
        let mut b = a.clone();
        b.reverse();
        let expected = (expect(&ty, prod_mod(&a, p)), expect(&ty, inner_mod(&a, &b, p)), expect(&ty, inner_mod(&a, &a, p)));
        for_all_configs(
            4,
            |rt| {
                let (a, b) = (a.clone(), b.clone());
                async move {
                    let x = input_raw(&rt, &ty, 0, &a).await?;
                    let y = input_raw(&rt, &ty, 1, &b).await?;
                    let pr = rt.prod(&x).await?;
                    let r0 = rt.stats().rounds;
                    let ip = rt.inner(&x, &y).await?;
                    let rounds = rt.stats().rounds - r0;
                    let sq = rt.inner(&x, &x).await?;
                    let v = |s: cohort_mpc::SecVec| {
                        let rt = rt.clone();
                        async move { rt.reveal_all(&s).await.map(|v| v[0]) }
                    };
                    Ok(((v(pr).await?, v(ip).await?, v(sq).await?), rounds))
                }
            },
            |m, t, (got, rounds)| {
                assert_eq!(got, expected, "{ty} m={m} t={t} (prod, inner, inner with itself)");
                assert_eq!(ip_rounds(t), rounds, "{ty} m={m} t={t}: an inner product is one resharing");
            },
        );
    }
}

fn ip_rounds(t: usize) -> u64 {
    u64::from(t > 0)
}

/// rows, inner, cols, A (row-major), B (row-major).
type MatmulCase = (usize, usize, usize, Vec<i128>, Vec<i128>);

/// Matrix products of several shapes, with edge and random entries.
#[test]
fn matmul_of_several_shapes() {
    let shapes = [(1usize, 1usize, 1usize), (2, 3, 4), (3, 1, 2), (4, 4, 4), (1, 5, 1), (5, 1, 5)];
    for (s, ty) in all_types().into_iter().filter(|t| t.kind() != Kind::Fxp { frac: 16 }).enumerate() {
        let p = ty.field().modulus();
        let pool = raw_samples(&ty, 70 + s as u64, 30);
        let cases: Vec<MatmulCase> = shapes
            .iter()
            .enumerate()
            .map(|(i, &(r, k, c))| {
                let a: Vec<i128> = (0..r * k).map(|j| pool[(j * 7 + i) % pool.len()]).collect();
                let b: Vec<i128> = (0..k * c).map(|j| pool[(j * 5 + 3 * i + 1) % pool.len()]).collect();
                (r, k, c, a, b)
            })
            .collect();
        let expected: Vec<_> = cases.iter().map(|(r, k, c, a, b)| expects(&ty, matmul_mod(a, b, *r, *k, *c, p))).collect();
        for_all_configs(
            5,
            |rt| {
                let cases = cases.clone();
                async move {
                    let mut out = Vec::new();
                    for (r, k, c, a, b) in &cases {
                        let x = input_raw(&rt, &ty, 0, a).await?;
                        let y = input_raw(&rt, &ty, 1, b).await?;
                        let before = rt.stats().rounds;
                        let z = rt.matmul(&x, &y, *r, *k, *c).await?;
                        let rounds = rt.stats().rounds - before;
                        out.push((rt.reveal_all(&z).await?, rounds));
                    }
                    Ok(out)
                }
            },
            |m, t, got| {
                for (((v, rounds), e), shape) in got.into_iter().zip(&expected).zip(shapes) {
                    assert_eq!(&v, e, "{ty} m={m} t={t} matmul {shape:?}");
                    assert_eq!(rounds, ip_rounds(t), "{ty} m={m} t={t} matmul {shape:?}: one round");
                }
            },
        );
    }
}

/// Shapes that do not fit, and inner products of unequal lengths, are errors.
#[test]
fn mismatched_shapes_are_errors() {
    let ty = SecType::int(32).unwrap();
    for (r, k, c) in [(2usize, 2usize, 2usize), (3, 2, 1), (1, 4, 1)] {
        let err = local::run(3, 1, 1, |rt| async move {
            let x = input_ints(&rt, &ty, 0, &[1, 2, 3, 4]).await?;
            let y = input_ints(&rt, &ty, 1, &[1, 2, 3]).await?;
            rt.matmul(&x, &y, r, k, c).await
        })
        .unwrap_err();
        assert!(matches!(err, Error::InvalidArgument(_)), "{r}x{k}x{c}: {err:?}");
    }
    let err = local::run(3, 1, 1, |rt| async move {
        let x = input_ints(&rt, &ty, 0, &[1, 2, 3]).await?;
        let y = input_ints(&rt, &ty, 1, &[1, 2]).await?;
        rt.inner(&x, &y).await
    })
    .unwrap_err();
    assert!(matches!(err, Error::InvalidArgument(_)), "{err:?}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(6))]

    #[test]
    fn random_inner_and_sum_secint32(pairs in prop::collection::vec((i32::MIN..=i32::MAX, i32::MIN..=i32::MAX), 0..16), config in 0usize..CONFIGS.len()) {
        let (m, t) = CONFIGS[config];
        let ty = SecType::int(32).unwrap();
        let (a, b): (Vec<i128>, Vec<i128>) = pairs.iter().map(|&(x, y)| (i128::from(x), i128::from(y))).unzip();
        let exact_inner: i128 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
        let exact_sum: i128 = a.iter().sum();
        let (got, _) = run_agreed(m, t, 8, |rt| {
            let (a, b) = (a.clone(), b.clone());
            async move {
                let x = input_ints(&rt, &ty, 0, &a).await?;
                let y = input_ints(&rt, &ty, 1, &b).await?;
                let ip = rt.inner(&x, &y).await?;
                Ok((open_ints(&rt, &ip).await?, open_ints(&rt, &x.sum()).await?))
            }
        });
        prop_assert_eq!(got, (vec![wrap(&ty, exact_inner)], vec![exact_sum]));
    }

    #[test]
    fn random_matmul_secfld(a in prop::collection::vec(0..common::P61 as i128, 6), b in prop::collection::vec(0..common::P61 as i128, 6), config in 0usize..CONFIGS.len()) {
        let (m, t) = CONFIGS[config];
        let ty = SecType::fld(common::P61).unwrap();
        let expected = expects(&ty, matmul_mod(&a, &b, 2, 3, 2, common::P61));
        let (got, _) = run_agreed(m, t, 8, |rt| {
            let (a, b) = (a.clone(), b.clone());
            async move {
                let x = input_raw(&rt, &ty, 0, &a).await?;
                let y = input_raw(&rt, &ty, 1, &b).await?;
                rt.reveal_all(&rt.matmul(&x, &y, 2, 3, 2).await?).await
            }
        });
        prop_assert_eq!(got, expected);
    }
}
