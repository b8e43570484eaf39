//! The 128-bit field is the one MPyC picks for `secint(96)` and
//! `secfxp(64)`: MPyC's `find_prime_root(128)` walks down from 2^128 with
//! `prev_prime` until a prime is ≡ 3 (mod 4). Here that walk runs on an
//! independent reference (Miller–Rabin on double-and-add arithmetic, no
//! `Field`), and its result is also the constant computed outside Rust
//! (Python: `sympy.prevprime` from 2^128 until `p % 4 == 3` gives
//! 340282366920938463463374607431768211283 = 2^128 − 173).

use crate::common;

use cohort_mpc::field::{MAX_MODULUS_BITS, blum_prime};
use cohort_mpc::{Field, SecType};
use common::is_prime_ref;

/// What `sympy` gives for the largest Blum prime below 2^128.
const MPYC_P128: u128 = 340_282_366_920_938_463_463_374_607_431_768_211_283;

/// MPyC's walk: `prev_prime(2^bits)`, then `prev_prime` until `p % 4 == 3`.
/// Returns the chosen prime and the primes skipped on the way.
fn mpyc_walk(bits: u32) -> (u128, Vec<u128>) {
    let mut skipped = Vec::new();
    let mut n = u128::MAX >> (128 - bits);
    loop {
        if is_prime_ref(n) {
            if n % 4 == 3 {
                return (n, skipped);
            }
            skipped.push(n);
        }
        n -= 2;
    }
}

#[test]
fn the_128_bit_blum_prime_is_mpycs() {
    let (p, skipped) = mpyc_walk(128);
    assert_eq!(p, MPYC_P128);
    assert_eq!(p, u128::MAX - 172, "2^128 − 173");
    // The largest prime below 2^128, 2^128 − 159, is ≡ 1 (mod 4): skipped.
    assert_eq!(skipped, [u128::MAX - 158]);
    assert_eq!(blum_prime(128).unwrap().modulus(), p);
    assert_eq!(MAX_MODULUS_BITS, 128);
}

#[test]
fn the_walk_agrees_with_blum_prime_near_the_top() {
    for bits in [97u32, 98, 100, 120, 126, 127, 128] {
        let (p, _) = mpyc_walk(bits);
        assert_eq!(blum_prime(bits).unwrap().modulus(), p, "{bits} bits");
    }
}

#[test]
fn secure_types_with_a_128_bit_field() {
    let p = Field::new(MPYC_P128).unwrap();
    assert_eq!(*SecType::int(96).unwrap().field(), p, "secint(96): 96 + 30 + 2 bits");
    assert_eq!(*SecType::fxp(64, 32).unwrap().field(), p, "secfxp(64) = secfxp(64, 32): 64 + 32 + 30 + 2 bits");
    // secfxp(64, f) for f < 32 uses the (96 + f)-bit field.
    for f in [0u32, 1, 16, 31] {
        assert_eq!(SecType::fxp(64, f).unwrap().field().modulus(), mpyc_walk(96 + f).0, "secfxp(64, {f})");
    }
    // One bit more does not fit.
    assert!(SecType::int(97).is_err());
    assert!(SecType::fxp(64, 33).is_err());
    assert!(SecType::fxp(65, 32).is_err());
    assert!(blum_prime(129).is_err());
}
