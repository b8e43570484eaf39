//! Shared random bits (PRSS + opening r²): every value is 0 or 1 of its
//! type, both values occur with plausible frequency, all parties agree, and
//! the bits change with the seed and from call to call.

use crate::common;

use cohort_mpc::{Kind, SecType, Value};
use common::*;

fn as_bit(ty: &SecType, v: Value) -> u8 {
    match (ty.kind(), v) {
        (Kind::Fxp { .. }, Value::Fixed(x)) if x == 0.0 || x == 1.0 => x as u8,
        (Kind::Int | Kind::Fld, Value::Int(b)) if b == 0 || b == 1 => b as u8,
        _ => panic!("{ty}: {v:?} is not a bit"),
    }
}

fn check_bits(ty: SecType, n: usize, configs: &[(usize, usize)]) {
    for &(m, t) in configs {
        let (got, _) = run_agreed(m, t, 13, |rt| async move {
            let before = rt.stats().rounds;
            let a = rt.random_bits(&ty, n).await?;
            let rounds = rt.stats().rounds - before;
            let b = rt.random_bits(&ty, 64).await?;
            Ok((rt.reveal_all(&a).await?, rt.reveal_all(&b).await?, rounds))
        });
        let (a, b, rounds) = got;
        assert_eq!(a.len(), n);
        let bits: Vec<u8> = a.iter().map(|&v| as_bit(&ty, v)).collect();
        let ones = bits.iter().filter(|&&b| b == 1).count();
        let (lo, hi) = (n * 45 / 100, n * 55 / 100);
        assert!((lo..=hi).contains(&ones), "{ty} m={m} t={t}: {ones} ones in {n} bits");
        // No long constant runs: the longest run of equal bits in n uniform bits is about log2 n.
        let longest = bits.chunk_by(|x, y| x == y).map(<[u8]>::len).max().unwrap();
        assert!(longest <= 30, "{ty} m={m} t={t}: a run of {longest} equal bits");
        // Adjacent pairs are independent-looking: all four patterns occur.
        for pat in [[0u8, 0], [0, 1], [1, 0], [1, 1]] {
            let c = bits.windows(2).filter(|w| *w == pat).count();
            assert!(c >= n / 6, "{ty} m={m} t={t}: pattern {pat:?} only {c} times");
        }
        let second: Vec<u8> = b.iter().map(|&v| as_bit(&ty, v)).collect();
        assert_ne!(&bits[..64], &second[..], "{ty} m={m} t={t}: two calls gave the same bits");
        // Data-independent: a handful of rounds however many bits.
        assert!(rounds <= 8, "{ty} m={m} t={t}: {rounds} rounds for {n} bits");
    }
}

#[test]
fn secint32_bits_for_every_config() {
    check_bits(SecType::int(32).unwrap(), 3000, &CONFIGS);
}

#[test]
fn bits_of_other_types() {
    let some = [(1, 0), (3, 1), (5, 2), (7, 3), (7, 1)];
    for ty in [SecType::int(8).unwrap(), SecType::int(64).unwrap(), SecType::fxp(32, 16).unwrap(), SecType::fld(P61).unwrap()] {
        check_bits(ty, 1000, &some);
    }
}

/// GF(101) and GF(97) (p ≡ 1 mod 4: where bits come from square roots, by
/// Tonelli–Shanks, with r = 0 about once in 100 draws) and GF(5) / GF(3).
#[test]
fn bits_in_small_fields() {
    check_bits(SecType::fld(P101).unwrap(), 2000, &CONFIGS);
    check_bits(SecType::fld(5).unwrap(), 1000, &[(1, 0), (3, 0), (3, 1)]);
    check_bits(SecType::fld(3).unwrap(), 1000, &[(1, 0)]);
    check_bits(SecType::fld(97).unwrap(), 1000, &[(3, 1), (5, 2)]); // p − 1 = 2^5·3
}

/// Different seeds give different bits.
#[test]
fn bits_depend_on_the_seed() {
    let ty = SecType::int(32).unwrap();
    for (m, t) in [(1, 0), (3, 1), (5, 2)] {
        let mut seen = Vec::new();
        for seed in 0..6 {
            let (bits, _) = run_agreed(m, t, seed, |rt| async move { open_ints(&rt, &rt.random_bits(&ty, 64).await?).await });
            assert!(!seen.contains(&bits), "m={m} t={t} seed {seed}: same bits as an earlier seed");
            seen.push(bits);
        }
    }
}

/// The bits are shares of 0/1 that compose: b·(1 − b) = 0 and b + b' − 2bb' is a bit.
#[test]
fn bits_are_boolean_in_arithmetic() {
    let ty = SecType::int(32).unwrap();
    for_all_configs(
        14,
        |rt| async move {
            let b = rt.random_bits(&ty, 200).await?;
            let c = rt.random_bits(&ty, 200).await?;
            let not_b = b.neg().add_public(Value::Int(1))?;
            let zero = rt.mul(&b, &not_b).await?;
            let bc = rt.mul(&b, &c).await?;
            let xor = b.add(&c)?.sub(&bc.mul_int(2))?;
            Ok((open_ints(&rt, &b).await?, open_ints(&rt, &c).await?, open_ints(&rt, &zero).await?, open_ints(&rt, &xor).await?))
        },
        |m, t, (b, c, zero, xor)| {
            assert!(zero.iter().all(|&z| z == 0), "m={m} t={t}");
            for i in 0..b.len() {
                assert_eq!(xor[i], b[i] ^ c[i], "m={m} t={t}");
            }
        },
    );
}
