//! GF(p) for moduli of 128 bits (`2^127 ≤ p < 2^128`), where sums of two
//! elements carry out of a `u128` and the Montgomery product's intermediate
//! needs a 129th bit: every operation against an independent reference (a
//! carry-aware double-and-add product), at and around `p`, `p/2` and `2^128`,
//! and the wire encoding's rejection of values `≥ p`.

use crate::common;

use cohort_mpc::field::blum_prime;
use cohort_mpc::{Fe, Field};
use common::{add_ref, is_prime_ref, mul_ref, pow_ref};
use proptest::prelude::*;

/// 2^128 − 173: the largest Blum prime below 2^128 (secint(96), secfxp(64)).
const P128: u128 = u128::MAX - 172;

/// 128-bit primes: P128, the largest prime below 2^128 (2^128 − 159,
/// ≡ 1 mod 4, so square roots take Tonelli–Shanks), and the smallest prime
/// above 2^127 (2^127 + 29).
const PRIMES: [u128; 3] = [P128, u128::MAX - 158, (1 << 127) + 29];

fn field(p: u128) -> Field {
    Field::new(p).unwrap_or_else(|e| panic!("{p}: {e}"))
}

/// Every operation on `a, b` (any `u128`, reduced mod p) against the reference.
fn check(f: &Field, a: u128, b: u128) {
    let p = f.modulus();
    let (ar, br) = (a % p, b % p);
    let (x, y) = (f.from_u128(a), f.from_u128(b));
    let v = |e: Fe| f.to_u128(e);
    assert_eq!(v(x), ar, "{f:?}: from_u128({a})");
    assert_eq!(v(f.add(x, y)), add_ref(ar, br, p), "{f:?}: {ar} + {br}");
    assert_eq!(v(f.sub(x, y)), add_ref(ar, (p - br) % p, p), "{f:?}: {ar} − {br}");
    assert_eq!(v(f.neg(x)), (p - ar) % p, "{f:?}: −{ar}");
    assert_eq!(v(f.mul(x, y)), mul_ref(ar, br, p), "{f:?}: {ar} · {br}");
    assert_eq!(v(f.square(x)), mul_ref(ar, ar, p), "{f:?}: {ar}²");
    assert_eq!(f.add(f.sub(x, y), y), x);
    assert_eq!(f.mul(x, f.add(x, y)), f.add(f.square(x), f.mul(x, y)), "{f:?}: distributive");
    // The centered lift fits i128 (|v| ≤ (p − 1)/2 < 2^127) and round-trips.
    let s = f.to_i128(x);
    let want = if ar > p / 2 { -((p - ar) as i128) } else { ar as i128 };
    assert_eq!(s, want, "{f:?}: centered {ar}");
    assert_eq!(f.from_i128(s), x);
    // Powers and inverses.
    let e = b ^ (a >> 64);
    assert_eq!(v(f.pow(x, e)), pow_ref(ar, e, p), "{f:?}: {ar}^{e}");
    if ar != 0 {
        let i = f.inv(x).unwrap();
        assert_eq!(f.mul(x, i), f.one(), "{f:?}: {ar} · {ar}^-1");
        assert_eq!(v(i), pow_ref(ar, p - 2, p), "{f:?}: {ar}^-1");
        let r = f.inv_sqrt(f.square(x)).unwrap_or_else(|| panic!("{f:?}: {ar}² has no root"));
        assert_eq!(f.mul(f.square(r), f.square(x)), f.one(), "{f:?}: 1/√({ar}²)");
    }
}

/// Values at the edges: 0, 1, 2, around p/2 (the centering boundary), just
/// below p, and from p to 2^128 − 1 (which reduce modulo p).
fn edges(p: u128) -> Vec<u128> {
    let mut v = vec![0, 1, 2, 3, p / 2 - 1, p / 2, p / 2 + 1, p / 2 + 2, p - 3, p - 2, p - 1, p, p + 1];
    v.extend([u128::MAX - 2, u128::MAX - 1, u128::MAX, 1 << 127, (1 << 127) - 1, (1 << 127) + 1, u128::MAX / 3]);
    v.extend([1 << 64, (1 << 64) - 1, u128::from(u64::MAX) * 3]);
    v
}

#[test]
fn the_primes_are_prime_by_an_independent_test() {
    for p in PRIMES {
        assert!(is_prime_ref(p), "{p}");
        assert_eq!(field(p).bits(), 128);
        assert_eq!(field(p).byte_len(), 16);
    }
    // And composites of 128 bits are refused (u128::MAX = 3 · 5 · 17 · …;
    // 2^127 + 1 = 3 · …; P128 − 4 and P128 − 8 are not prime).
    for n in [u128::MAX, (1 << 127) + 1, u128::MAX - 1, P128 - 4, P128 - 8] {
        assert!(!is_prime_ref(n) && Field::new(n).is_err(), "{n}");
    }
}

#[test]
fn every_operation_at_the_edges() {
    for p in PRIMES {
        let f = field(p);
        let es = edges(p);
        for &a in &es {
            for &b in &es {
                check(&f, a, b);
            }
        }
    }
}

#[test]
fn the_largest_sums_carry() {
    // (p − 1) + (p − 1) = 2p − 2 > 2^128: the carry must give p − 2.
    let f = field(P128);
    let top = f.from_u128(P128 - 1);
    assert_eq!(f.to_u128(f.add(top, top)), P128 - 2);
    assert_eq!(f.to_u128(f.sub(f.zero(), top)), 1);
    assert_eq!(f.to_u128(f.mul(top, top)), 1, "(−1)² = 1");
    assert_eq!(f.to_i128(top), -1);
    assert_eq!(f.to_i128(f.from_u128(P128 / 2)), (P128 / 2) as i128, "the largest positive centered value");
    assert_eq!(f.to_i128(f.from_u128(P128 / 2 + 1)), -((P128 / 2) as i128), "the most negative centered value");
    assert_eq!(f.from_i128(i128::MIN), f.neg(f.from_u128(1 << 127)));
    assert_eq!(f.from_i128(i128::MAX), f.from_u128(i128::MAX as u128));
}

#[test]
fn blum_prime_128_is_the_field() {
    assert_eq!(blum_prime(128).unwrap(), field(P128));
}

#[test]
fn decode_rejects_values_at_least_p() {
    for p in PRIMES {
        let f = field(p);
        for v in [p, p + 1, p + 2, u128::MAX - 1, u128::MAX, p + (u128::MAX - p) / 2] {
            let bytes = v.to_le_bytes();
            assert_eq!(f.decode(&bytes), None, "{f:?}: {v} accepted");
            let mut two = vec![0u8; 16];
            two.extend_from_slice(&bytes);
            assert_eq!(f.decode(&two), None, "{f:?}: {v} accepted in second place");
            assert_eq!(f.decode_iter(&two).map(|r| r.is_ok()).collect::<Vec<_>>(), [true, false], "{f:?}: {v}");
        }
        for v in [0u128, 1, p / 2, p - 2, p - 1] {
            // Montgomery representations below p are exactly the valid ones.
            let decoded = f.decode(&v.to_le_bytes()).unwrap_or_else(|| panic!("{f:?}: {v} rejected"));
            let mut again = Vec::new();
            f.encode(&decoded, &mut again);
            assert_eq!(again, v.to_le_bytes());
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_operands(a in any::<u128>(), b in any::<u128>()) {
        for p in PRIMES {
            check(&field(p), a, b);
        }
    }

    #[test]
    fn operands_near_p_and_near_2_128(da in 0u128..1000, db in 0u128..1000, near_top in any::<bool>()) {
        for p in PRIMES {
            let base = if near_top { u128::MAX } else { p - 1 };
            check(&field(p), base - da, base - db);
        }
    }

    #[test]
    fn encoding_round_trips(xs in prop::collection::vec(any::<u128>(), 0..20)) {
        for p in PRIMES {
            let f = field(p);
            let elems: Vec<Fe> = xs.iter().map(|&x| f.from_u128(x)).collect();
            let mut bytes = Vec::new();
            f.encode(&elems, &mut bytes);
            prop_assert_eq!(bytes.len(), 16 * xs.len());
            let back = f.decode(&bytes).expect("well-formed");
            for (e, &x) in back.iter().zip(&xs) {
                prop_assert_eq!(f.to_u128(*e), x % p);
            }
        }
    }
}
