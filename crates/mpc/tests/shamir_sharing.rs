//! Shamir sharing: share + recombine round trips from every set of t + 1 (or
//! more) parties, in narrow and wide fields; fewer shares do not determine
//! the secret.

use crate::common;

use cohort_mpc::field::blum_prime;
use cohort_mpc::shamir::{Lambda, lagrange_at_zero, lambdas, point, recombine, share};
use cohort_mpc::{Fe, Field};
use common::rng;
use rand_core::Rng;

fn fields() -> Vec<Field> {
    vec![
        Field::new(11).unwrap(),
        Field::new(101).unwrap(),
        blum_prime(64).unwrap(),
        Field::new((1 << 61) - 1).unwrap(),
        blum_prime(96).unwrap(),
        Field::new((1 << 127) - 1).unwrap(),
    ]
}

/// All subsets of `0..m` of size `k`, in increasing order.
fn subsets_of(m: usize, k: usize) -> Vec<Vec<usize>> {
    (0u32..1 << m).filter(|s| s.count_ones() as usize == k).map(|s| (0..m).filter(|&j| s >> j & 1 == 1).collect()).collect()
}

fn secrets(f: &Field, seed: u64, n: usize) -> Vec<Fe> {
    let mut r = rng(seed);
    let mut v: Vec<Fe> = (0..n).map(|_| f.from_u128(u128::from(r.next_u64()) << 64 | u128::from(r.next_u64()))).collect();
    v.extend([f.zero(), f.one(), f.neg(f.one())]);
    v
}

#[test]
fn every_qualified_set_recombines_the_secrets() {
    for f in fields() {
        for m in 1..=7usize {
            if f.modulus() <= m as u128 {
                continue;
            }
            for t in 0..m {
                let s = secrets(&f, (m * 10 + t) as u64, 8);
                let shares = share(&f, &mut rng(m as u64 ^ (t as u64) << 8), &s, t, m);
                assert_eq!(shares.len(), m);
                assert!(shares.iter().all(|v| v.len() == s.len()));
                for k in t + 1..=m {
                    for set in subsets_of(m, k) {
                        let lambdas = lambdas(&f, &set);
                        let parts: Vec<&[Fe]> = set.iter().map(|&j| &shares[j][..]).collect();
                        assert_eq!(recombine(&f, &lambdas, &parts), s, "{f:?} m={m} t={t} parties {set:?}");
                    }
                }
            }
        }
    }
}

#[test]
fn threshold_zero_shares_are_the_secret() {
    for f in fields() {
        let s = secrets(&f, 1, 5);
        let shares = share(&f, &mut rng(2), &s, 0, 4);
        for sh in shares {
            assert_eq!(sh, s, "{f:?}");
        }
    }
}

#[test]
fn fewer_than_t_plus_one_shares_do_not_determine_the_secret() {
    let f = Field::new((1 << 61) - 1).unwrap();
    for (m, t) in [(3, 1), (5, 2), (7, 3), (7, 1)] {
        let s = secrets(&f, 3, 20);
        let shares = share(&f, &mut rng(4), &s, t, m);
        for set in subsets_of(m, t) {
            let lambdas = lambdas(&f, &set);
            let parts: Vec<&[Fe]> = set.iter().map(|&j| &shares[j][..]).collect();
            let guess = recombine(&f, &lambdas, &parts);
            let right = guess.iter().zip(&s).filter(|(a, b)| a == b).count();
            assert!(right <= 1, "m={m} t={t} {set:?}: {right} of {} secrets from t shares", s.len());
        }
        // Fresh randomness: sharing the same secrets again gives other shares.
        let again = share(&f, &mut rng(5), &s, t, m);
        for j in 0..m {
            assert!(again[j].iter().zip(&shares[j]).all(|(a, b)| a != b), "m={m} t={t} party {j}: repeated share");
        }
    }
}

#[test]
fn points_and_lagrange_coefficients() {
    for f in fields() {
        for i in 0..7usize {
            assert_eq!(f.to_u128(point(&f, i)), i as u128 + 1);
        }
        for m in 1..=7usize {
            if f.modulus() <= m as u128 {
                continue;
            }
            for k in 1..=m {
                for set in subsets_of(m, k) {
                    // Interpolating the constant 1 gives 1: the coefficients sum to 1.
                    let field_lambdas = lagrange_at_zero(&f, &set);
                    let sum = field_lambdas.iter().fold(f.zero(), |a, &b| f.add(a, b));
                    assert_eq!(sum, f.one(), "{f:?} {set:?}");
                    // Small-integer coefficients, where used, are the same numbers.
                    let lambdas = lambdas(&f, &set);
                    for (small, &exact) in lambdas.iter().zip(&field_lambdas) {
                        if let Lambda::Small(l) = small {
                            assert_eq!(f.from_i128(i128::from(*l)), exact, "{f:?} {set:?}");
                        }
                    }
                    // Interpolating x ↦ x gives 0 when k ≥ 2.
                    if k >= 2 {
                        let at: Vec<Vec<Fe>> = set.iter().map(|&j| vec![point(&f, j)]).collect();
                        let parts: Vec<&[Fe]> = at.iter().map(Vec::as_slice).collect();
                        assert_eq!(recombine(&f, &lambdas, &parts), vec![f.zero()], "{f:?} {set:?}");
                    }
                }
            }
        }
    }
}

#[test]
fn empty_secret_lists() {
    let f = blum_prime(64).unwrap();
    let shares = share(&f, &mut rng(1), &[], 1, 3);
    assert_eq!(shares, vec![Vec::<Fe>::new(); 3]);
    let lambdas = lambdas(&f, &[0, 1]);
    assert_eq!(recombine(&f, &lambdas, &[&[], &[]]), Vec::<Fe>::new());
}
