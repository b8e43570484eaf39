//! MPyC's `statistics.mode` of `secint` and `secfxp` values, with the
//! expected values of MPyC's `tests/test_statistics.py` and a plaintext
//! reference (on a tie, the least of the most common values, as MPyC's
//! argmax over the counts of `min(x), min(x) + 1, …` gives), over 3 and 5
//! parties.

use crate::common;

use cohort_mpc::{Error, SecType};
use common::*;

const PARTIES: [(usize, usize); 2] = [(3, 1), (5, 2)];

fn reference(xs: &[i128]) -> i128 {
    let count = |v: i128| xs.iter().filter(|&&x| x == v).count();
    let top = xs.iter().map(|&v| count(v)).max().unwrap();
    xs.iter().copied().filter(|&v| count(v) == top).min().unwrap()
}

#[test]
fn mpyc_expected_mode() {
    // test_secint: y = [1, 3, -2, 3, 1, -2, -2, 4] * 5, shuffled: mode -2.
    // test_secfxp: [1, 1, 2, 2, 3, 4, 4, 4, 6] * 5, shuffled: 4; [1.0] * 10: 1.
    let int = SecType::int(32).unwrap();
    let fx = SecType::fxp(32, 16).unwrap();
    let mut y: Vec<i128> = [1, 3, -2, 3, 1, -2, -2, 4].repeat(5);
    let mut z: Vec<f64> = [1.0, 1.0, 2.0, 2.0, 3.0, 4.0, 4.0, 4.0, 6.0].repeat(5);
    y.rotate_left(3);
    z.reverse();
    for (m, t) in PARTIES {
        let (got, _) = run_agreed(m, t, 21, {
            let (y, z) = (y.clone(), z.clone());
            move |rt| {
                let (y, z) = (y.clone(), z.clone());
                async move {
                    let x = input_ints(&rt, &int, 0, &y).await?;
                    let f = input(&rt, &fx, 1, &fixed(&z)).await?;
                    let ones = input(&rt, &fx, 2, &fixed(&[1.0; 10])).await?;
                    Ok((
                        open_ints(&rt, &rt.mode(&x).await?).await?,
                        open_f64(&rt, &rt.mode(&f).await?).await?,
                        open_f64(&rt, &rt.mode(&ones).await?).await?,
                    ))
                }
            }
        });
        assert_eq!(got, (vec![-2], vec![4.0], vec![1.0]), "m={m} t={t}");
    }
}

#[test]
fn mode_takes_the_least_of_tied_values() {
    let ty = SecType::int(8).unwrap();
    let cases: Vec<Vec<i128>> = vec![
        vec![7],
        vec![5, -3],
        vec![9, 2, 9, 2],
        vec![-128, 127, 127, -128, 0],
        vec![3, 3, 1, 1, 2, 2, 2, -1],
        random_ints(50, 3, 40),
        random_ints(51, 8, 23),
    ];
    for (m, t) in PARTIES {
        for xs in &cases {
            let (got, _) = run_agreed(m, t, 22, {
                let xs = xs.clone();
                move |rt| {
                    let xs = xs.clone();
                    async move { open_ints(&rt, &rt.mode(&input_ints(&rt, &ty, 0, &xs).await?).await?).await }
                }
            });
            assert_eq!(got, vec![reference(xs)], "m={m} t={t} mode of {xs:?}");
        }
    }
}

/// Fixed-point values need not be whole (MPyC requires it, for its unit vectors).
#[test]
fn mode_of_fractions() {
    let ty = SecType::fxp(16, 4).unwrap();
    let (got, _) = run_agreed(3, 1, 23, move |rt| async move {
        let x = input(&rt, &ty, 0, &fixed(&[0.5, -1.25, 0.5, 2.0, -1.25, 3.75])).await?;
        open_f64(&rt, &rt.mode(&x).await?).await
    });
    assert_eq!(got, vec![-1.25]);
}

#[test]
fn mode_refuses_fields_empty_and_too_long_vectors() {
    let fld = SecType::fld(P61).unwrap();
    let int = SecType::int(16).unwrap();
    let outcome = cohort_mpc::local::run(3, 1, 24, move |rt| async move {
        let f = input_ints(&rt, &fld, 0, &[1, 2]).await?;
        let e = input_ints(&rt, &int, 0, &[]).await?;
        let long = input_ints(&rt, &int, 0, &vec![0; cohort_mpc::MODE_MAX_VALUES + 1]).await?;
        Ok((rt.mode(&f).await.map(|_| ()), rt.mode(&e).await.map(|_| ()), rt.mode(&long).await.map(|_| ())))
    })
    .unwrap();
    let (f, e, long) = &outcome.results[0];
    assert!(matches!(f, Err(Error::Type(_))), "{f:?}");
    assert!(matches!(e, Err(Error::InvalidArgument(_))), "{e:?}");
    assert!(matches!(long, Err(Error::InvalidArgument(_))), "{long:?}");
}
