//! Pseudorandom secret sharing, checked on the parties' shares directly:
//! random values are consistent degree-t sharings (every t + 1 parties agree),
//! bounded values stay below the bound, zero sharings have degree 2t, and
//! per-subset bits are bits known to their subset only.

use crate::common;

use cohort_mpc::field::blum_prime;
use cohort_mpc::prss::{Key, Prss, subset_count, subsets};
use cohort_mpc::shamir::{lambdas, recombine};
use cohort_mpc::{Fe, Field};
use common::{CONFIGS, rng};
use rand_core::Rng;

fn subsets_of(m: usize, k: usize) -> Vec<Vec<usize>> {
    (0u32..1 << m).filter(|s| s.count_ones() as usize == k).map(|s| (0..m).filter(|&j| s >> j & 1 == 1).collect()).collect()
}

/// Every party's PRSS state, with one random key per subset.
fn parties(m: usize, t: usize, seed: u64) -> Vec<Prss> {
    let mut r = rng(seed);
    let keys: Vec<(u64, Key)> = subsets(m, t)
        .into_iter()
        .map(|s| {
            let mut k = [0u8; 32];
            r.fill_bytes(&mut k);
            (s, k)
        })
        .collect();
    (0..m).map(|i| Prss::new(i, m, t, keys.iter().filter(|(s, _)| s >> i & 1 == 1).copied().collect())).collect()
}

fn open_from(f: &Field, shares: &[Vec<Fe>], set: &[usize]) -> Vec<Fe> {
    let parts: Vec<&[Fe]> = set.iter().map(|&j| &shares[j][..]).collect();
    recombine(f, &lambdas(f, set), &parts)
}

fn fields() -> Vec<Field> {
    vec![blum_prime(64).unwrap(), Field::new(101).unwrap(), blum_prime(96).unwrap()]
}

#[test]
fn subsets_are_all_sets_of_m_minus_t_parties() {
    for m in 1..=10usize {
        for t in 0..m {
            let s = subsets(m, t);
            assert_eq!(s.len(), subset_count(m, t), "m={m} t={t}");
            assert!(s.windows(2).all(|w| w[0] < w[1]), "m={m} t={t}: not increasing");
            assert!(s.iter().all(|&x| x.count_ones() as usize == m - t && x < 1 << m), "m={m} t={t}");
        }
    }
    assert_eq!(subset_count(7, 3), 35);
    assert_eq!(subset_count(5, 2), 10);
    assert_eq!(subset_count(9, 0), 1);
    assert_eq!(subset_count(62, 31), 465428353255261088);
}

#[test]
fn random_values_are_consistent_degree_t_sharings() {
    for f in fields() {
        for (m, t) in CONFIGS {
            if f.modulus() <= m as u128 {
                continue;
            }
            let mut ps = parties(m, t, 1);
            let shares: Vec<Vec<Fe>> = ps.iter_mut().map(|p| p.random(&f, 40, None)).collect();
            let value = open_from(&f, &shares, &(0..=t).collect::<Vec<_>>());
            for set in subsets_of(m, t + 1) {
                assert_eq!(open_from(&f, &shares, &set), value, "{f:?} m={m} t={t} {set:?}");
            }
            let distinct: std::collections::HashSet<_> = value.iter().collect();
            assert!(distinct.len() >= 30.min(f.modulus() as usize / 4), "{f:?} m={m} t={t}: values repeat");
            // The same keys give the same shares (all members draw alike).
            let mut again = parties(m, t, 1);
            let shares2: Vec<Vec<Fe>> = again.iter_mut().map(|p| p.random(&f, 40, None)).collect();
            assert_eq!(shares, shares2);
            // The next draw is different.
            let next: Vec<Vec<Fe>> = ps.iter_mut().map(|p| p.random(&f, 40, None)).collect();
            assert_ne!(open_from(&f, &next, &(0..=t).collect::<Vec<_>>()), value);
        }
    }
}

#[test]
fn bounded_values_stay_below_the_bound() {
    let f = blum_prime(64).unwrap();
    for (m, t) in CONFIGS {
        for bound in [1u128 << 30, 1 << 40, 1000] {
            let mut ps = parties(m, t, 2);
            let shares: Vec<Vec<Fe>> = ps.iter_mut().map(|p| p.random(&f, 200, Some(bound))).collect();
            let values = open_from(&f, &shares, &(0..=t).collect::<Vec<_>>());
            for set in subsets_of(m, t + 1).into_iter().take(5) {
                assert_eq!(open_from(&f, &shares, &set), values);
            }
            let max = values.iter().map(|&v| f.to_u128(v)).max().unwrap();
            assert!(max < bound, "m={m} t={t}: {max} ≥ {bound}");
            assert!(max >= bound / 8, "m={m} t={t}: {max} is suspiciously small for bound {bound}");
        }
    }
}

#[test]
fn zero_sharings_have_degree_2t() {
    for f in fields() {
        for (m, t) in CONFIGS {
            if f.modulus() <= m as u128 {
                continue;
            }
            let mut ps = parties(m, t, 3);
            let shares: Vec<Vec<Fe>> = ps.iter_mut().map(|p| p.zero(&f, 30, t)).collect();
            for set in subsets_of(m, 2 * t + 1) {
                assert!(open_from(&f, &shares, &set).iter().all(|&z| z == f.zero()), "{f:?} m={m} t={t} {set:?}");
            }
            if t >= 1 && f.modulus() > 1 << 20 {
                // Not a degree-t sharing: t + 1 parties see random-looking values, not 0.
                let v = open_from(&f, &shares, &(0..=t).collect::<Vec<_>>());
                assert!(v.iter().filter(|&&z| z == f.zero()).count() <= 1, "{f:?} m={m} t={t}");
                assert!(shares[0].iter().any(|&s| s != f.zero()), "{f:?} m={m} t={t}: all-zero shares");
            }
        }
    }
}

#[test]
fn subset_bits_are_bits_known_to_their_subset() {
    let f = blum_prime(64).unwrap();
    for (m, t) in CONFIGS {
        let mut ps = parties(m, t, 4);
        let n = 300;
        let drawn: Vec<Vec<(u64, Vec<bool>)>> = ps.iter_mut().map(|p| p.subset_bits(n)).collect();
        for s in subsets(m, t) {
            // Exactly the members of S draw S's bits, and they draw the same ones.
            let member_bits: Vec<&Vec<bool>> = (0..m)
                .filter_map(|j| {
                    let found = drawn[j].iter().find(|(ss, _)| *ss == s);
                    assert_eq!(found.is_some(), s >> j & 1 == 1, "m={m} t={t}: party {j} and subset {s:#b}");
                    found.map(|(_, b)| b)
                })
                .collect();
            assert!(member_bits.windows(2).all(|w| w[0] == w[1]), "m={m} t={t} subset {s:#b}: members disagree");
            let bits = member_bits[0];
            let ones = bits.iter().filter(|&&b| b).count();
            assert!((100..=200).contains(&ones), "m={m} t={t} subset {s:#b}: {ones} ones of {n}");
            // ρ_S · f_S(x_j) is a degree-t sharing of ρ_S (zero outside S).
            let shares: Vec<Vec<Fe>> = (0..m)
                .map(|j| {
                    let c = ps[j].subset_coefficient(&f, s);
                    if s >> j & 1 == 0 {
                        assert_eq!(c, f.zero(), "m={m} t={t}: party {j} outside subset {s:#b} holds a share");
                    }
                    bits.iter().map(|&b| if b { c } else { f.zero() }).collect()
                })
                .collect();
            let expected: Vec<Fe> = bits.iter().map(|&b| if b { f.one() } else { f.zero() }).collect();
            for set in subsets_of(m, t + 1).into_iter().take(4) {
                assert_eq!(open_from(&f, &shares, &set), expected, "m={m} t={t} subset {s:#b} from {set:?}");
            }
        }
    }
}
