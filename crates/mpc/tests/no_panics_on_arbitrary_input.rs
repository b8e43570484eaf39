//! Arbitrary parameters and bytes give values or errors, never panics: type
//! construction, value encoding, field construction and element decoding.

use cohort_mpc::{Field, SecType, Value};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn secure_types_and_values(bits in any::<u32>(), frac in any::<u32>(), p in any::<u128>(), int in any::<i128>(), x in any::<f64>()) {
        for ty in [SecType::int(bits % 140), SecType::fxp(bits % 140, frac % 140), SecType::fld(p)].into_iter().flatten() {
            for v in [Value::Int(int), Value::Fixed(x), Value::Int(i128::MIN), Value::Fixed(f64::NAN), Value::Fixed(f64::INFINITY)] {
                if let Ok(fe) = ty.encode(v) {
                    let _ = ty.decode(fe);
                }
            }
        }
    }

    #[test]
    fn fields_and_decoding(p in any::<u128>(), bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        if let Ok(f) = Field::new(p | 1)
            && let Some(xs) = f.decode(&bytes)
        {
            let mut out = Vec::new();
            f.encode(&xs, &mut out);
            prop_assert_eq!(out, bytes);
        }
    }
}
