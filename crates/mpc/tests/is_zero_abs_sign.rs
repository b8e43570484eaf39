//! is_zero, abs and sign against plaintext for every `(m, t)`; is_zero on
//! secfld too (1 − a^(p−1)).

use crate::common;

use cohort_mpc::{Kind, SecType, Value};
use common::*;
use proptest::prelude::*;

fn check(ty: SecType, xs: &[i128], configs: &[(usize, usize)]) {
    let f = ty.frac();
    let exp_zero: Vec<Value> = xs.iter().map(|&x| value_of(&ty, bit(x == 0) << f)).collect();
    let exp_abs: Vec<Value> = xs.iter().map(|&x| value_of(&ty, x.abs())).collect();
    let exp_sign: Vec<Value> = xs.iter().map(|&x| value_of(&ty, x.signum() << f)).collect();
    for &(m, t) in configs {
        let (got, _) = run_agreed(m, t, 21, |rt| {
            let xs = xs.to_vec();
            async move {
                let x = input_raw(&rt, &ty, m - 1, &xs).await?;
                let z = rt.is_zero(&x).await?;
                let a = rt.abs(&x).await?;
                let s = rt.sign(&x).await?;
                Ok((rt.reveal_all(&z).await?, rt.reveal_all(&a).await?, rt.reveal_all(&s).await?))
            }
        });
        for i in 0..xs.len() {
            assert_eq!(got.0[i], exp_zero[i], "{ty} m={m} t={t}: is_zero({})", xs[i]);
            assert_eq!(got.1[i], exp_abs[i], "{ty} m={m} t={t}: abs({})", xs[i]);
            assert_eq!(got.2[i], exp_sign[i], "{ty} m={m} t={t}: sign({})", xs[i]);
        }
    }
}

/// Edge values (abs(−2^(l−1)) = 2^(l−1), which the field holds exactly) and
/// random values, for every ordered type.
#[test]
fn edge_and_random_values() {
    for (s, ty) in ordered_types().into_iter().enumerate() {
        let mut xs = raw_samples(&ty, 200 + s as u64, 10);
        xs.extend([0, 0]);
        check(ty, &xs, &CONFIGS);
    }
}

/// secint(4): every value.
#[test]
fn every_4_bit_value() {
    let xs: Vec<i128> = (-8..8).collect();
    check(SecType::int(4).unwrap(), &xs, &CONFIGS);
}

/// secfld: is_zero = 1 − a^(p−1), for the field's edge and random elements.
#[test]
fn is_zero_in_prime_fields() {
    for ty in all_types().into_iter().filter(|t| t.kind() == Kind::Fld) {
        let mut xs = raw_samples(&ty, 210, 6);
        xs.push(0);
        let expected: Vec<Value> = xs.iter().map(|&x| Value::Int(bit(x == 0))).collect();
        let exp_eq: Vec<Value> = xs.iter().zip(xs.iter().rev()).map(|(x, y)| Value::Int(bit(x == y))).collect();
        for_all_configs(
            22,
            |rt| {
                let xs = xs.clone();
                async move {
                    let x = input_raw(&rt, &ty, 1, &xs).await?;
                    let mut rev = xs.clone();
                    rev.reverse();
                    let y = input_raw(&rt, &ty, 2, &rev).await?;
                    let z = rt.is_zero(&x).await?;
                    let e = rt.eq(&x, &y).await?;
                    let ne = rt.ne(&x, &y).await?;
                    Ok((rt.reveal_all(&z).await?, rt.reveal_all(&e).await?, rt.reveal_all(&ne).await?))
                }
            },
            |m, t, (z, e, ne)| {
                assert_eq!(z, expected, "{ty} m={m} t={t} is_zero");
                assert_eq!(e, exp_eq, "{ty} m={m} t={t} ==");
                let exp_ne: Vec<Value> = exp_eq.iter().map(|v| Value::Int(1 - v.as_f64() as i128)).collect();
                assert_eq!(ne, exp_ne, "{ty} m={m} t={t} !=");
            },
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(8))]

    #[test]
    fn random_secint32(xs in prop::collection::vec(prop_oneof![i32::MIN..=i32::MAX, -3i32..=3], 1..16), config in 0usize..CONFIGS.len()) {
        let xs: Vec<i128> = xs.into_iter().map(i128::from).collect();
        check(SecType::int(32).unwrap(), &xs, &[CONFIGS[config]]);
    }
}
