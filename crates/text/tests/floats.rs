//! `display_f64` and `debug_f64` print exactly what `{}` and `{:?}` print.
//! The program's canonical text (hashed) prints its float literals with
//! `debug_f64`, so any difference here would change program hashes.

use cohort_text::{debug_f64, display_f64};

#[track_caller]
fn check(x: f64) {
    assert_eq!(display_f64(x), format!("{x}"), "Display of {:#018x}", x.to_bits());
    assert_eq!(debug_f64(x), format!("{x:?}"), "Debug of {:#018x}", x.to_bits());
}

/// `x` and its neighbours, one and two steps either way (for a finite,
/// non-zero `x` of either sign).
fn check_around(x: f64) {
    let bits = x.to_bits();
    for delta in [-2i64, -1, 0, 1, 2] {
        let neighbour = f64::from_bits(bits.wrapping_add_signed(delta));
        check(neighbour);
        check(-neighbour);
    }
}

#[test]
fn special_values() {
    for x in [
        0.0,
        -0.0,
        f64::NAN,
        -f64::NAN,
        f64::from_bits(0x7ff0_0000_0000_0001),
        f64::from_bits(0xfff8_0000_0000_0001),
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::MIN_POSITIVE,
        -f64::MIN_POSITIVE,
        f64::from_bits(1),
        f64::from_bits(2),
        f64::from_bits(3),
        f64::from_bits(0x000f_ffff_ffff_ffff),
        f64::from_bits(0x0008_0000_0000_0000),
        f64::MAX,
        f64::MIN,
        f64::EPSILON,
        1.0,
        -1.0,
        0.1,
        0.3,
        1.5,
        100.0,
        123456789.0,
        2f64.powi(53),
        2f64.powi(53) + 2.0,
        2f64.powi(63),
        2f64.powi(64),
        1.0 / 3.0,
        core::f64::consts::PI,
        core::f64::consts::E,
    ] {
        check(x);
    }
    for x in [f64::MIN_POSITIVE, f64::from_bits(1), f64::MAX, f64::EPSILON, 1.0] {
        check_around(x);
    }
}

#[test]
fn examples() {
    assert_eq!(display_f64(3.0), "3");
    assert_eq!(debug_f64(3.0), "3.0");
    assert_eq!(display_f64(-0.0), "-0");
    assert_eq!(debug_f64(-0.0), "-0.0");
    assert_eq!(debug_f64(1e16), "1e16");
    assert_eq!(debug_f64(1.5e-5), "1.5e-5");
    assert_eq!(debug_f64(-2.5e300), "-2.5e300");
    assert_eq!(display_f64(1e-7), "0.0000001");
    assert_eq!(display_f64(1e21), "1000000000000000000000");
    assert_eq!(debug_f64(f64::NAN), "NaN");
    assert_eq!(display_f64(f64::NEG_INFINITY), "-inf");
}

#[test]
fn powers_of_ten() {
    for e in -320..=308 {
        let x: f64 = format!("1e{e}").parse().unwrap();
        check_around(x);
        // And a few other leading digits at that scale.
        for m in [2, 5, 9] {
            let y: f64 = format!("{m}e{e}").parse().unwrap();
            check(y);
            check(-y);
        }
    }
}

#[test]
fn debug_boundaries() {
    for x in [1e-4, 1e16, 9.9999e-5, 0.00010001, 9.9999e15, 1.0001e16] {
        check_around(x);
    }
}

/// Cohort's secure fixed-point values are `k / 2^f`: integers scaled by a
/// power of two, shown to participants and written in canonical text.
#[test]
fn fixed_point_values() {
    let mut state = 0x853c_49e6_748f_ea9b_u64;
    for f in 0..=64 {
        let scale = 2f64.powi(-f);
        for k in (-1000i64..=1000).chain([i64::MAX, i64::MIN, 1 << 52, (1 << 53) - 1, 1 << 53]) {
            check(k as f64 * scale);
        }
        for _ in 0..2000 {
            // Signed integers of every width up to 64 bits.
            let r = xorshift(&mut state);
            let width = (r % 64) as u32;
            let k = (xorshift(&mut state) as i64) >> width;
            check(k as f64 * scale);
        }
    }
}

/// Values with a short exact expansion (`k / 2^f` from about 10^12 to
/// 10^19) can lie exactly halfway between two shortest digit strings:
/// 1000000000000000.25 prints as `1000000000000000.3`. zmij can take the
/// lower one (the even one), core always takes the one further from zero.
#[test]
fn ties() {
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    let mut ties = 0;
    for e in -24..=12 {
        for _ in 0..20_000 {
            let m = (1 << 52) | (xorshift(&mut state) >> 12);
            // Few significant bits at the bottom make ties likely.
            let m = m & !((1 << (xorshift(&mut state) % 8)) - 1);
            let x = m as f64 * 2f64.powi(e);
            check(x);
            check(-x);
            if (1.0..1e15).contains(&x) && zmij::Buffer::new().format(x) != debug_f64(x) {
                ties += 1;
            }
        }
    }
    assert!(ties > 1000, "only {ties} ties");
}

#[test]
fn random_bit_patterns() {
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    for _ in 0..1_000_000 {
        check(f64::from_bits(xorshift(&mut state)));
    }
}

/// Marsaglia's xorshift64.
fn xorshift(state: &mut u64) -> u64 {
    let mut x = *state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *state = x;
    x
}
