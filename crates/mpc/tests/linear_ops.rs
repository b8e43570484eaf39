//! Local (linear) operations: + − negation, public constants, sum, select,
//! concat — against plaintext for every `(m, t)` and type.

use crate::common;

use cohort_mpc::{SecType, Value};
use common::*;
use proptest::prelude::*;

fn check_linear(ty: SecType, a: Vec<i128>, b: Vec<i128>, c: i128, k: i128) {
    assert_eq!(a.len(), b.len());
    let n = a.len();
    let idx: Vec<usize> = (0..n).rev().step_by(2).chain([0]).collect();
    let expected = vec![
        expects(&ty, a.iter().zip(&b).map(|(x, y)| x + y)),
        expects(&ty, a.iter().zip(&b).map(|(x, y)| x - y)),
        expects(&ty, a.iter().map(|x| -x)),
        expects(&ty, a.iter().map(|x| x + c)),
        expects(&ty, a.iter().map(|x| x * k)),
        expects(&ty, [a.iter().sum::<i128>()]),
        expects(&ty, [b.iter().sum::<i128>() + c]),
        expects(&ty, idx.iter().map(|&i| a[i])),
        expects(&ty, a.iter().chain(&b).copied()),
        expects(&ty, a.iter().zip(&b).map(|(x, y)| 3 * x - 2 * y + c)),
    ];
    for_all_configs(
        20,
        |rt| {
            let (a, b, idx) = (a.clone(), b.clone(), idx.clone());
            async move {
                let x = input_raw(&rt, &ty, 0, &a).await?;
                let y = input_raw(&rt, &ty, 1, &b).await?;
                let cv = value_of(&ty, c);
                let before = rt.stats().rounds;
                let results = vec![
                    x.add(&y)?,
                    x.sub(&y)?,
                    x.neg(),
                    x.add_public(cv)?,
                    x.mul_int(k),
                    x.sum(),
                    y.sum().add_public(cv)?,
                    x.select(&idx)?,
                    x.concat(&y)?,
                    x.mul_int(3).sub(&y.mul_int(2))?.add_public(cv)?,
                ];
                let local_rounds = rt.stats().rounds - before;
                let mut out = Vec::new();
                for r in &results {
                    out.push(rt.reveal_all(r).await?);
                }
                Ok((out, local_rounds))
            }
        },
        |m, t, (got, rounds)| {
            assert_eq!(rounds, 0, "linear operations are local");
            let names = ["add", "sub", "neg", "add_public", "mul_int", "sum", "sum+c", "select", "concat", "3x-2y+c"];
            for ((g, e), name) in got.iter().zip(&expected).zip(names) {
                assert_eq!(g, e, "{ty} m={m} t={t} {name}");
            }
        },
    );
}

/// Edge values against edge values (and random ones), every type.
#[test]
fn linear_ops_on_edge_and_random_values() {
    for (s, ty) in all_types().into_iter().enumerate() {
        let a = raw_samples(&ty, 30 + s as u64, 6);
        let mut b = a.clone();
        b.reverse();
        b.rotate_left(3);
        let c = *raw_edges(&ty).last().unwrap();
        check_linear(ty, a, b, c, -3);
    }
}

/// Empty vectors: sums are zero, everything else empty.
#[test]
fn empty_vectors() {
    let ty = SecType::int(32).unwrap();
    let (got, _) = run_agreed(3, 1, 1, |rt| async move {
        let x = input_ints(&rt, &ty, 0, &[]).await?;
        let y = x.add(&x)?.neg().add_public(Value::Int(5))?;
        Ok((x.is_empty(), y.len(), open_ints(&rt, &x.sum()).await?, open_ints(&rt, &y).await?))
    });
    assert_eq!(got, (true, 0, vec![0], vec![]));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(6))]

    #[test]
    fn random_secint32(pairs in prop::collection::vec((i32::MIN..=i32::MAX, i32::MIN..=i32::MAX), 1..10), c in i32::MIN..=i32::MAX, k in -1000i128..1000) {
        let (a, b): (Vec<i128>, Vec<i128>) = pairs.iter().map(|&(x, y)| (i128::from(x), i128::from(y))).unzip();
        check_linear(SecType::int(32).unwrap(), a, b, i128::from(c), k);
    }

    #[test]
    fn random_secfxp(pairs in prop::collection::vec((-(1i128 << 30)..(1i128 << 30), -(1i128 << 30)..(1i128 << 30)), 1..10), c in -(1i128 << 30)..(1i128 << 30), k in -3i128..4) {
        let (a, b): (Vec<i128>, Vec<i128>) = pairs.into_iter().unzip();
        check_linear(SecType::fxp(32, 16).unwrap(), a, b, c, k);
    }

    #[test]
    fn random_secfld(pairs in prop::collection::vec((0..common::P61 as i128, 0..common::P61 as i128), 1..10), c in 0..common::P61 as i128, k in -1000i128..1000) {
        let (a, b): (Vec<i128>, Vec<i128>) = pairs.into_iter().unzip();
        check_linear(SecType::fld(common::P61).unwrap(), a, b, c, k);
    }
}
