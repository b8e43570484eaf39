//! Random field elements drawn in bulk (`Field::random_vec`) are exactly
//! those drawn one at a time (`Field::random`), from the same words of the
//! stream: a dealer and its successor, who share a key stream, stay in step
//! however each batches its draws.

use crate::common;

use cohort_mpc::Field;
use cohort_mpc::field::blum_prime;
use common::rng;
use proptest::prelude::*;
use rand_core::Rng;

/// Narrow fields with many rejections (p = 11: 5 of 16 words), secint(16)'s
/// and secint(32)'s fields, and a wide one (two words a draw).
fn fields() -> Vec<Field> {
    vec![Field::new(11).unwrap(), blum_prime(48).unwrap(), blum_prime(64).unwrap(), blum_prime(128).unwrap()]
}

proptest! {
    #[test]
    fn bulk_draws_are_the_one_by_one_draws(seed: u64, n in 0usize..300, skip in 0usize..70, half_word: bool) {
        for field in fields() {
            let mut one = rng(seed);
            let mut bulk = rng(seed);
            // Start anywhere in a block, also mid-way through a 64-bit word.
            for r in [&mut one, &mut bulk] {
                for _ in 0..skip {
                    r.next_u64();
                }
                if half_word {
                    r.next_u32();
                }
            }
            let expected: Vec<_> = (0..n).map(|_| field.random(&mut one)).collect();
            prop_assert_eq!(field.random_vec(&mut bulk, n), expected);
            // Both read exactly the same words.
            prop_assert_eq!(one.next_u64(), bulk.next_u64());
        }
    }
}

#[test]
fn bulk_draws_cover_a_small_field() {
    let field = Field::new(11).unwrap();
    let xs = field.random_vec(&mut rng(7), 1000);
    for v in 0..11 {
        assert!(xs.iter().any(|&x| field.to_u128(x) == v), "{v} never drawn");
    }
}
