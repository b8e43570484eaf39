//! A dealer's fresh sharing — an input, a resharing after a product, dealt
//! random bits — is fixed by its secret and its shares for the dealer's `t`
//! cyclic successors. With PRSS, each successor draws its share from a key
//! stream it shares with the dealer alone, so those shares are not sent:
//! the dealer sends `m − 1 − t` shares a secret instead of `m − 1`. The
//! shares still form one sharing of degree `t`, and without PRSS every share
//! is sent as before.

use crate::common;

use cohort_mpc::{SecType, shamir};
use common::*;

/// Each party's payload bytes for one 1,000-element product, and for one
/// 1,000-element input by party 0, measured around each operation.
fn traffic(m: usize, t: usize, prss: bool) -> Vec<(u64, u64)> {
    let ty = SecType::int(32).unwrap();
    let a = random_ints(7, 32, 1000);
    let b = random_ints(8, 32, 1000);
    let mut s = sessions(&configs(m, t, 13, prss), move |rt| {
        let (a, b) = (a.clone(), b.clone());
        async move {
            let before = rt.stats().bytes_sent;
            let x = input_ints(&rt, &ty, 0, &a).await?;
            let input = rt.stats().bytes_sent - before;
            let y = input_ints(&rt, &ty, 1, &b).await?;
            let before = rt.stats().bytes_sent;
            let z = rt.mul(&x, &y).await?;
            let product = rt.stats().bytes_sent - before;
            let opened = open_ints(&rt, &z).await?;
            assert_eq!(opened, a.iter().zip(&b).map(|(x, y)| x * y).collect::<Vec<_>>(), "m={m} t={t} prss={prss}: wrong products");
            Ok((input, product))
        }
    });
    drive(&mut s, |_, _, _, _| {}).into_iter().map(|r| r.unwrap_or_else(|e| panic!("m={m} t={t} prss={prss}: {e}"))).collect()
}

#[test]
fn a_dealer_sends_no_share_its_successors_can_draw() {
    let element = SecType::int(32).unwrap().field().byte_len() as u64;
    for (m, t) in [(3, 1), (4, 1), (5, 1), (5, 2), (7, 2), (7, 3)] {
        let got = traffic(m, t, true);
        for (i, &(input, product)) in got.iter().enumerate() {
            let input_expected = if i == 0 { 1000 * element * (m - 1 - t) as u64 } else { 0 };
            assert_eq!(input, input_expected, "m={m} t={t}: party {i} sent {input} bytes for the input");
            // Parties 0..=2t reshare their products.
            let product_expected = if i <= 2 * t { 1000 * element * (m - 1 - t) as u64 } else { 0 };
            assert_eq!(product, product_expected, "m={m} t={t}: party {i} sent {product} bytes for the product");
        }
    }
}

#[test]
fn without_prss_every_share_is_sent() {
    let element = SecType::int(32).unwrap().field().byte_len() as u64;
    for (m, t) in [(3, 1), (5, 2)] {
        let got = traffic(m, t, false);
        assert_eq!(got[0].0, 1000 * element * (m - 1) as u64, "m={m} t={t}: the input");
        for (i, &(_, product)) in got.iter().enumerate() {
            assert_eq!(product, 1000 * element * (m - 1) as u64, "m={m} t={t}: party {i}'s product");
        }
    }
}

/// Every set of `t + 1` parties interpolates the same secret from the shares
/// of an input and of a product: the drawn and the sent shares lie on one
/// polynomial of degree `t`.
#[test]
fn drawn_and_sent_shares_form_one_sharing() {
    let ty = SecType::int(32).unwrap();
    let field = *ty.field();
    for (m, t) in [(3, 1), (5, 2), (7, 3)] {
        let out = cohort_mpc::local::run(m, t, 29, move |rt| async move {
            let x = input_ints(&rt, &ty, 2, &[-12_345, 6789]).await?;
            let y = input_ints(&rt, &ty, 1, &[3, -4]).await?;
            let z = rt.mul(&x, &y).await?;
            Ok([x.shares().to_vec(), z.shares().to_vec()])
        })
        .unwrap();
        for (which, expected) in [(0, [-12_345i128, 6789]), (1, [-37_035, -27_156])] {
            for start in 0..m {
                let parties: Vec<usize> = (0..=t).map(|k| (start + k) % m).collect();
                let lambdas = shamir::lagrange_at_zero(&field, &parties);
                for (e, &want) in expected.iter().enumerate() {
                    let secret = parties
                        .iter()
                        .zip(&lambdas)
                        .fold(field.zero(), |acc, (&j, &l)| field.add(acc, field.mul(l, out.results[j][which][e])));
                    assert_eq!(secret, field.from_i128(want), "m={m} t={t}: parties {parties:?} interpolate another value");
                }
            }
        }
    }
}
