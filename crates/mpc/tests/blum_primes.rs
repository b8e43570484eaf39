//! Field moduli as MPyC chooses them: the largest Blum prime (p ≡ 3 mod 4)
//! below 2^bits, and the fields of the secure types built on them.

use cohort_mpc::field::blum_prime;
use cohort_mpc::{Field, SecType};

#[test]
fn mpyc_primes() {
    for (bits, sub) in [(40u32, 213u128), (48, 65), (56, 5), (64, 189), (80, 65), (96, 17)] {
        assert_eq!(blum_prime(bits).unwrap().modulus(), (1u128 << bits) - sub, "{bits} bits");
    }
    // secfxp(64)'s field, 64 + 32 + 30 + 2 = 128 bits: 2^128 − 173 (see
    // blum_prime_128.rs for the check that it is MPyC's choice).
    assert_eq!(blum_prime(128).unwrap().modulus(), u128::MAX - 172);
}

#[test]
fn blum_primes_are_the_largest_below_the_power() {
    for bits in 3u32..=128 {
        let f = blum_prime(bits).unwrap_or_else(|e| panic!("{bits}: {e}"));
        let p = f.modulus();
        assert_eq!(p % 4, 3, "{bits}: {p} is not a Blum prime");
        assert!(p <= u128::MAX >> (128 - bits) && p >= 1u128 << (bits - 1), "{bits}: {p} has the wrong length");
        assert_eq!(f.bits(), bits);
        assert!(Field::new(p).is_ok(), "{bits}: {p} is not prime");
        if bits <= 64 {
            // Nothing between p and 2^bits is a prime ≡ 3 (mod 4).
            let mut q = p + 4;
            while q < 1u128 << bits {
                assert!(Field::new(q).is_err(), "{bits}: {q} is a larger Blum prime than {p}");
                q += 4;
            }
        }
    }
}

#[test]
fn unsupported_sizes_are_errors() {
    for bits in [0u32, 1, 2, 129, 200, u32::MAX] {
        assert!(blum_prime(bits).is_err(), "{bits} bits accepted");
    }
}

#[test]
fn secure_types_use_mpycs_fields() {
    let cases = [
        (SecType::int(8).unwrap(), (1u128 << 40) - 213),
        (SecType::int(16).unwrap(), (1 << 48) - 65),
        (SecType::int(32).unwrap(), (1 << 64) - 189),
        (SecType::int(64).unwrap(), (1 << 96) - 17),
        (SecType::fxp(32, 16).unwrap(), (1 << 80) - 65),
        (SecType::fxp(16, 8).unwrap(), (1 << 56) - 5),
        (SecType::fld(101).unwrap(), 101),
        (SecType::fld((1 << 61) - 1).unwrap(), (1 << 61) - 1),
    ];
    for (ty, p) in cases {
        assert_eq!(ty.field().modulus(), p, "{ty}");
    }
    assert_eq!(SecType::fxp(32, 16).unwrap().field().modulus(), (1u128 << 80) - 65);
}

#[test]
fn type_parameters() {
    let i = SecType::int(32).unwrap();
    assert_eq!((i.bits(), i.frac(), i.to_string()), (32, 0, "secint(32)".to_string()));
    let x = SecType::fxp(32, 16).unwrap();
    assert_eq!((x.bits(), x.frac(), x.to_string()), (32, 16, "secfxp(32, 16)".to_string()));
    let f = SecType::fld(101).unwrap();
    assert_eq!((f.bits(), f.frac(), f.to_string()), (7, 0, "secfld(101)".to_string()));
    // The largest secint the 128-bit field limit allows: l + 30 + 2 ≤ 128.
    assert_eq!(SecType::int(95).unwrap().field().modulus(), (1u128 << 127) - 1);
    assert_eq!(SecType::int(96).unwrap().field().modulus(), u128::MAX - 172);
    let x = SecType::fxp(64, 32).unwrap();
    assert_eq!((x.bits(), x.frac(), x.field().bits(), x.field().modulus()), (64, 32, 128, u128::MAX - 172));
}
