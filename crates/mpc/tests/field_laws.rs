//! GF(p) arithmetic: the field laws, inverses and square roots, as
//! proptests over narrow (< 2^64) and wide (up to 2^128) primes, checked
//! against a plaintext double-and-add reference.

use crate::common;

use cohort_mpc::field::blum_prime;
use cohort_mpc::{Fe, Field};
use common::{add_ref, mul_ref, pow_ref};
use proptest::prelude::*;

/// Narrow and wide primes, ≡ 3 (mod 4) and ≡ 1 (mod 4) (the latter with
/// several powers of two in p − 1, for Tonelli–Shanks).
fn primes() -> Vec<u128> {
    let mut ps = vec![
        3,
        5,
        7,
        97,                   // p − 1 = 2^5·3
        101,                  // ≡ 1 mod 4
        65537,                // p − 1 = 2^16
        (1 << 31) - 1,        // Mersenne
        (1 << 61) - 1,        // Mersenne, ≡ 3 mod 4
        18446744069414584321, // 2^64 − 2^32 + 1: p − 1 = 2^32·(2^32 − 1)
        (1 << 64) - 59,       // the largest prime below 2^64, ≡ 1 mod 4
        (1 << 89) - 1,        // wide Mersenne
        (1 << 127) - 1,       // Mersenne
        u128::MAX - 172,      // 2^128 − 173, the largest Blum prime below 2^128
        u128::MAX - 158,      // 2^128 − 159, the largest prime below 2^128, ≡ 1 mod 4
    ];
    for bits in [40u32, 63, 64, 65, 80, 96, 100, 126, 127, 128] {
        ps.push(blum_prime(bits).unwrap().modulus());
    }
    ps
}

fn fields() -> Vec<Field> {
    primes().into_iter().map(|p| Field::new(p).unwrap_or_else(|e| panic!("{p}: {e}"))).collect()
}

fn check_laws(f: &Field, a: u128, b: u128, c: u128) {
    let p = f.modulus();
    let (a, b, c) = (a % p, b % p, c % p);
    let (x, y, z) = (f.from_u128(a), f.from_u128(b), f.from_u128(c));
    let v = |e: Fe| f.to_u128(e);
    // The representation round-trips and matches the reference.
    assert_eq!(v(x), a);
    assert_eq!(v(f.add(x, y)), add_ref(a, b, p), "{f:?}: {a} + {b}");
    assert_eq!(v(f.sub(x, y)), add_ref(a, p - b, p) % p, "{f:?}: {a} - {b}");
    assert_eq!(v(f.mul(x, y)), mul_ref(a, b, p), "{f:?}: {a} * {b}");
    assert_eq!(v(f.square(x)), mul_ref(a, a, p));
    assert_eq!(v(f.neg(x)), (p - a) % p);
    // Laws.
    assert_eq!(f.add(f.add(x, y), z), f.add(x, f.add(y, z)), "{f:?}: + associative");
    assert_eq!(f.mul(f.mul(x, y), z), f.mul(x, f.mul(y, z)), "{f:?}: × associative");
    assert_eq!(f.add(x, y), f.add(y, x));
    assert_eq!(f.mul(x, y), f.mul(y, x));
    assert_eq!(f.mul(x, f.add(y, z)), f.add(f.mul(x, y), f.mul(x, z)), "{f:?}: distributive");
    assert_eq!(f.add(f.sub(x, y), y), x);
    assert_eq!(f.add(x, f.neg(x)), f.zero());
    assert_eq!(f.mul(x, f.one()), x);
    assert_eq!(f.add(x, f.zero()), x);
    // Signed conversions: centered lift and back.
    let s = f.to_i128(x);
    assert!(s.unsigned_abs() <= p / 2, "{f:?}: {s} is not centered");
    assert_eq!(f.from_i128(s), x);
    if let Ok(a) = i128::try_from(a) {
        assert_eq!(f.from_i128(-a), f.neg(x));
    }
    // Powers.
    assert_eq!(v(f.pow(x, c)), pow_ref(a, c, p), "{f:?}: {a}^{c}");
    if a != 0 {
        assert_eq!(f.pow(x, p - 1), f.one(), "{f:?}: Fermat");
    }
    // Inverses.
    if a == 0 {
        assert!(f.inv(x).is_err(), "{f:?}: 0 has no inverse");
    } else {
        let i = f.inv(x).unwrap();
        assert_eq!(f.mul(x, i), f.one(), "{f:?}: {a} · {a}^-1");
    }
    // Square roots via inv_sqrt: a² always has one; a has one iff it is a QR.
    if a != 0 {
        let sq = f.square(x);
        let r = f.inv_sqrt(sq).unwrap_or_else(|| panic!("{f:?}: {a}² has no root"));
        assert_eq!(f.mul(f.square(r), sq), f.one(), "{f:?}: r² a² = 1");
        assert!(f.inv(r).map(|root| root == x || root == f.neg(x)).unwrap(), "{f:?}: 1/r = ±{a}");
        let is_qr = f.pow(x, (p - 1) / 2) == f.one();
        match f.inv_sqrt(x) {
            Some(r) => {
                assert!(is_qr, "{f:?}: {a} is not a square, yet has a root");
                assert_eq!(f.mul(f.square(r), x), f.one());
            }
            None => assert!(!is_qr, "{f:?}: {a} is a square but inv_sqrt found none"),
        }
    } else {
        assert_eq!(f.inv_sqrt(x), None);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn laws_hold_in_every_field(a in any::<u128>(), b in any::<u128>(), c in any::<u128>()) {
        for f in fields() {
            check_laws(&f, a, b, c);
        }
    }

    #[test]
    fn laws_hold_near_the_modulus(da in 0u128..4, db in 0u128..4, c in any::<u64>()) {
        for f in fields() {
            let p = f.modulus();
            check_laws(&f, p.saturating_sub(1 + da), p.saturating_sub(1 + db), u128::from(c));
        }
    }

    #[test]
    fn batch_inversion_matches_single(xs in prop::collection::vec(1u128.., 0..20)) {
        for f in fields() {
            let mut elems: Vec<Fe> = xs.iter().map(|&x| f.from_u128(x % (f.modulus() - 1) + 1)).collect();
            let singles: Vec<Fe> = elems.iter().map(|&x| f.inv(x).unwrap()).collect();
            f.batch_inv(&mut elems).unwrap();
            prop_assert_eq!(elems, singles);
        }
    }

    #[test]
    fn batch_powers_match_single(xs in prop::collection::vec(any::<u128>(), 0..20), e in any::<u128>(), bits in 0u32..=128) {
        // Exponents of every length, including 0 and a single window.
        let e = if bits == 0 { 0 } else { e >> (128 - bits) };
        for f in fields() {
            let mut elems: Vec<Fe> = xs.iter().map(|&x| f.from_u128(x % f.modulus())).collect();
            let singles: Vec<Fe> = elems.iter().map(|&x| f.pow(x, e)).collect();
            f.pow_batch(&mut elems, e);
            prop_assert_eq!(elems, singles, "p = {}, e = {}", f.modulus(), e);
        }
    }

    #[test]
    fn batch_powers_match_single_for_long_runs_of_ones(xs in prop::collection::vec(any::<u128>(), 1..12), run in 1u32..=110, low in any::<u128>(), rest in 0u32..=18) {
        // `ones` followed by `rest` arbitrary bits, as the square-root
        // exponents of MPyC's primes 2^b − c are.
        let low = if rest == 0 { 0 } else { low >> (128 - rest) };
        let e = ((u128::MAX >> (128 - run)) << rest) | low;
        for f in fields() {
            let mut elems: Vec<Fe> = xs.iter().map(|&x| f.from_u128(x % f.modulus())).collect();
            let singles: Vec<Fe> = elems.iter().map(|&x| f.pow(x, e)).collect();
            f.pow_batch(&mut elems, e);
            prop_assert_eq!(elems, singles, "p = {}, e = {:#b}", f.modulus(), e);
        }
    }
}

#[test]
fn batch_inversion_rejects_zero() {
    for f in fields() {
        let mut xs = vec![f.one(), f.zero(), f.from_u128(2)];
        assert!(f.batch_inv(&mut xs).is_err(), "{f:?}");
    }
}

#[test]
fn small_fields_exhaustively() {
    for p in [3u128, 5, 7, 11, 13, 17, 97, 101, 103] {
        let f = Field::new(p).unwrap();
        for a in 0..p {
            for b in 0..p {
                check_laws(&f, a, b, a * b + 1);
            }
        }
        // Exactly (p − 1)/2 nonzero squares.
        let squares = (1..p).filter(|&a| f.inv_sqrt(f.from_u128(a)).is_some()).count() as u128;
        assert_eq!(squares, (p - 1) / 2, "GF({p})");
    }
}

#[test]
fn constructor_rejects_non_primes() {
    for p in [0u128, 1, 2, 4, 9, 15, 91, 100, 561, 1 << 64, (1 << 64) + 1, u128::MAX, 1 << 127, (1 << 127) + 1, 3 * ((1 << 61) - 1)] {
        assert!(Field::new(p).is_err(), "{p} accepted");
    }
    // Carmichael numbers and strong pseudoprimes to small bases.
    for p in [1105u128, 1729, 2047, 3215031751, 3825123056546413051] {
        assert!(Field::new(p).is_err(), "{p} accepted");
    }
    for p in primes() {
        let f = Field::new(p).unwrap();
        assert_eq!(f.modulus(), p);
        assert_eq!(f.bits(), 128 - p.leading_zeros());
    }
}
