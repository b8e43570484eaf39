//! MPyC's `max(x, key=…)` and `min(x, key=…)` with the keys computed
//! beforehand: the row whose key is the greatest or least, the first on a
//! tie, with MPyC's `test_runtime.py` examples (`argmax([a, b], key=neg)`
//! gives the minimum), over 3 and 5 parties.

use crate::common;

use cohort_mpc::{Error, SecType};
use common::*;

const PARTIES: [(usize, usize); 2] = [(3, 1), (5, 2)];

#[test]
fn mpyc_expected_key_neg() {
    // MPyC (test_secfxp): argmin([a, b], key=operator.neg)[1] == max(s),
    // argmax([a, b], key=operator.neg)[1] == min(s) for s = [10.75, -3.375, …].
    let ty = SecType::fxp(32, 16).unwrap();
    let s = [10.75, -3.375];
    for (m, t) in PARTIES {
        let (got, _) = run_agreed(m, t, 11, move |rt| async move {
            let x = input(&rt, &ty, 0, &fixed(&s)).await?;
            let neg = x.neg();
            let lo = rt.extreme_by_key(&neg, &x, 1, false).await?;
            let hi = rt.extreme_by_key(&neg, &x, 1, true).await?;
            Ok((open_f64(&rt, &lo).await?, open_f64(&rt, &hi).await?))
        });
        assert_eq!(got, (vec![10.75], vec![-3.375]), "m={m} t={t}");
    }
}

#[test]
fn rows_by_key_first_on_ties() {
    let ty = SecType::int(16).unwrap();
    // Rows (key, id): keys 4, 9, 1, 9, 1.
    let keys = [4i128, 9, 1, 9, 1];
    let rows = [40i128, 0, 90, 1, 10, 2, 91, 3, 11, 4];
    for (m, t) in PARTIES {
        let (got, _) = run_agreed(m, t, 12, move |rt| async move {
            let k = input_ints(&rt, &ty, 0, &keys).await?;
            let r = input_ints(&rt, &ty, 1, &rows).await?;
            let hi = rt.extreme_by_key(&k, &r, 2, true).await?;
            let lo = rt.extreme_by_key(&k, &r, 2, false).await?;
            Ok((open_ints(&rt, &hi).await?, open_ints(&rt, &lo).await?))
        });
        assert_eq!(got, (vec![90, 1], vec![10, 2]), "m={m} t={t}");
    }
}

#[test]
fn by_key_refuses_mismatches() {
    let ty = SecType::int(16).unwrap();
    let other = SecType::int(40).unwrap();
    let outcome = cohort_mpc::local::run(3, 1, 13, move |rt| async move {
        let k = input_ints(&rt, &ty, 0, &[1, 2, 3]).await?;
        let r = input_ints(&rt, &ty, 0, &[1, 2]).await?;
        let o = input_ints(&rt, &other, 0, &[1, 2, 3]).await?;
        Ok((rt.extreme_by_key(&k, &r, 1, true).await.map(|_| ()), rt.extreme_by_key(&k, &o, 1, true).await.map(|_| ())))
    })
    .unwrap();
    let (len, field) = &outcome.results[0];
    assert!(matches!(len, Err(Error::InvalidArgument(_))), "{len:?}");
    assert!(matches!(field, Err(Error::Type(_))), "{field:?}");
}
