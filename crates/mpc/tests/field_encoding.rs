//! The wire encoding of field elements: round trips, fixed width, and
//! rejection of values ≥ p and of lengths that are not whole elements.

use cohort_mpc::field::blum_prime;
use cohort_mpc::{Fe, Field};
use proptest::prelude::*;

fn fields() -> Vec<Field> {
    let mut fs: Vec<Field> =
        [3u128, 101, 257, 65537, (1 << 61) - 1, (1 << 89) - 1, (1 << 127) - 1].iter().map(|&p| Field::new(p).unwrap()).collect();
    fs.extend([40u32, 64, 80, 96, 127, 128].iter().map(|&b| blum_prime(b).unwrap()));
    fs
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn encode_decode_roundtrip(xs in prop::collection::vec(any::<u128>(), 0..40)) {
        for f in fields() {
            let elems: Vec<Fe> = xs.iter().map(|&x| f.from_u128(x)).collect();
            let mut bytes = vec![0xAB]; // encode appends
            f.encode(&elems, &mut bytes);
            prop_assert_eq!(bytes[0], 0xAB);
            prop_assert_eq!(bytes.len() - 1, elems.len() * f.byte_len());
            let back = f.decode(&bytes[1..]).expect("well-formed");
            prop_assert_eq!(&back, &elems);
            // Values survive: the canonical integers agree.
            for (b, &x) in back.iter().zip(&xs) {
                prop_assert_eq!(f.to_u128(*b), x % f.modulus());
            }
        }
    }
}

#[test]
fn byte_len_is_the_bytes_of_p() {
    for f in fields() {
        assert_eq!(f.byte_len(), (f.bits() as usize).div_ceil(8), "{f:?}");
    }
    assert_eq!(blum_prime(64).unwrap().byte_len(), 8, "secint(32) shares are 8 bytes, as in MPyC");
}

/// Every byte string that would stand for a value ≥ p is rejected, whatever
/// the encoding's internal representation.
#[test]
fn decode_rejects_values_at_least_p() {
    for f in fields() {
        let n = f.byte_len();
        let p = f.modulus();
        let top = if n == 16 { u128::MAX } else { (1u128 << (8 * n)) - 1 };
        for v in [p, p + 1, top, top - 1, p.saturating_add((top - p) / 2)] {
            if v < p {
                continue;
            }
            let bytes = &v.to_le_bytes()[..n];
            assert_eq!(f.decode(bytes), None, "{f:?}: {v} accepted");
            // Also as the second element of a longer message.
            let mut two = vec![0u8; n];
            two.extend_from_slice(bytes);
            assert_eq!(f.decode(&two), None, "{f:?}: {v} accepted in second place");
        }
        // Every value below p decodes (the encoding is a bijection on [0, p)).
        let mut count_ok = 0;
        for v in [0u128, 1, p - 1, p / 2] {
            if f.decode(&v.to_le_bytes()[..n]).is_some() {
                count_ok += 1;
            }
        }
        assert_eq!(count_ok, 4, "{f:?}: a value below p was rejected");
    }
}

#[test]
fn decode_rejects_partial_elements() {
    for f in fields() {
        let n = f.byte_len();
        let mut bytes = Vec::new();
        f.encode(&[f.one(), f.from_u128(2)], &mut bytes);
        for cut in 1..n {
            assert_eq!(f.decode(&bytes[..bytes.len() - cut]), None, "{f:?}: cut {cut}");
        }
        assert_eq!(f.decode(&[]), Some(vec![]));
    }
}

/// GF(101) elements are one byte each: 101..=255 are invalid.
#[test]
fn one_byte_field_exhaustively() {
    let f = Field::new(101).unwrap();
    assert_eq!(f.byte_len(), 1);
    let valid = (0u8..=255).filter(|&b| f.decode(&[b]).is_some()).count();
    assert_eq!(valid, 101);
    let all: Vec<Fe> = (0..101).map(|v| f.from_u128(v)).collect();
    let mut bytes = Vec::new();
    f.encode(&all, &mut bytes);
    let mut sorted = bytes.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), 101, "encoding is injective");
}
