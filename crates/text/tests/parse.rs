//! `parse_f64` gives exactly what `str::parse::<f64>` gives for every decimal
//! number the program lexer reads: the lexer uses it for float literals, so
//! a difference would change what a program computes.

use cohort_text::parse_f64;
use proptest::prelude::*;

#[track_caller]
fn same_as_core(text: &str) {
    let core: f64 = text.parse().expect("core parses it");
    let ours = parse_f64(text).unwrap_or_else(|| panic!("parse_f64 refused {text:?}"));
    assert_eq!(ours.to_bits(), core.to_bits(), "{text:?}: {ours:e} against core's {core:e}");
}

#[test]
fn fixed_cases() {
    for text in [
        "0",
        "0.0",
        "000",
        "-0",
        "+0.000",
        "1",
        "-1",
        "+1",
        "0.1",
        "0.3",
        "2.5",
        "1e-7",
        "1E5",
        "1e+5",
        "00.000123",
        "007.50",
        "123456789012345678901234567890",
        "0.000000000000000000000000000001",
        "9007199254740993",
        "9007199254740992.5",
        "9007199254740993.0000000000000000001",
        "1.7976931348623157e308",
        "1.7976931348623158e308",
        "1.7976931348623159e308",
        "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497791.9999",
        "2.2250738585072014e-308",
        "2.2250738585072011e-308",
        "2.225073858507201136057409796709131975934819546351645648e-308",
        "4.9e-324",
        "5e-324",
        "2.4703282292062327e-324",
        "2.4703282292062328e-324",
        "2.47032822920623272088e-324",
        "1e-400",
        "1e400",
        "1e99999999999999999999999",
        "1e-99999999999999999999999",
        "0e999999",
        "0.5e-323",
        "1.",
        ".5",
        "2.9142",
        "0.0001",
        "1000000000000000.25",
        "4503599627370496.5",
        "4503599627370497.5",
    ] {
        same_as_core(text);
    }
    // Longer than the digits kept, with the deciding digit far out.
    let long_half = format!("9007199254740992.{}1", "0".repeat(900));
    same_as_core(&long_half);
    same_as_core(&format!("9007199254740993.{}", "0".repeat(900)));
    same_as_core(&format!("0.{}1", "0".repeat(320)));
    same_as_core(&"9".repeat(2000));
}

#[test]
fn not_numbers() {
    for text in
        ["", ".", "-", "+", "e5", "1e", "1e+", "1e-", "1.2.3", "abc", "inf", "-inf", "NaN", "1_0", " 1", "1 ", "1e5.0", "--1", "0x10"]
    {
        assert_eq!(parse_f64(text), None, "{text:?}");
    }
}

/// The exact decimal expansion of `n · 2^e` (n > 0).
fn exact_decimal(n: u64, e: i32) -> String {
    // Digits little-endian, times a small factor at a time.
    let mut digits: Vec<u32> = n.to_string().bytes().rev().map(|b| u32::from(b - b'0')).collect();
    let times = |digits: &mut Vec<u32>, factor: u32| {
        let mut carry = 0;
        for d in digits.iter_mut() {
            let v = *d * factor + carry;
            *d = v % 10;
            carry = v / 10;
        }
        while carry > 0 {
            digits.push(carry % 10);
            carry /= 10;
        }
    };
    let mut point = 0; // digits after the decimal point
    if e >= 0 {
        (0..e).for_each(|_| times(&mut digits, 2));
    } else {
        // n · 2^e = n · 5^−e / 10^−e
        (0..-e).for_each(|_| times(&mut digits, 5));
        point = e.unsigned_abs() as usize;
    }
    while digits.len() <= point {
        digits.push(0);
    }
    let text: String = digits.iter().rev().map(|d| char::from(b'0' + *d as u8)).collect();
    let (int, frac) = text.split_at(text.len() - point);
    if frac.is_empty() { int.to_string() } else { format!("{int}.{frac}") }
}

/// A positive finite `x` as `m · 2^e` with `m` its integer mantissa.
fn mantissa_exponent(x: f64) -> (u64, i32) {
    let bits = x.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let fraction = bits & ((1 << 52) - 1);
    if biased == 0 { (fraction, -1074) } else { (fraction | 1 << 52, biased - 1075) }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    /// Digit strings with a point anywhere and exponents over the whole range.
    #[test]
    fn decimals_round_as_core_does(digits in "[0-9]{1,40}", point in 0usize..41, exponent in -360i32..360, negative: bool) {
        let point = point.min(digits.len());
        let text = format!("{}{}.{}e{exponent}", if negative { "-" } else { "" }, &digits[..point], &digits[point..]);
        same_as_core(&text);
    }

    /// Every float's shortest and long forms read back to it.
    #[test]
    fn floats_read_back(bits in 0u64..0x7ff0_0000_0000_0000) {
        let x = f64::from_bits(bits);
        for text in [format!("{x:?}"), format!("{x:e}"), format!("{x:.30e}")] {
            prop_assert_eq!(parse_f64(&text).map(f64::to_bits), Some(bits), "{}", text);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// Exactly halfway between two floats rounds to the even one, and a hair
    /// either side to the nearer; normal and subnormal, up to the largest.
    #[test]
    fn halfway_points_round_to_even(bits in prop_oneof![1u64..0x0010_0000_0000_0000, 0x0010_0000_0000_0000u64..0x7fef_ffff_ffff_ffff]) {
        let x = f64::from_bits(bits);
        let (m, e) = mantissa_exponent(x);
        let half = exact_decimal(2 * m + 1, e - 1);
        let even = if m % 2 == 0 { bits } else { bits + 1 };
        prop_assert_eq!(parse_f64(&half).map(f64::to_bits), Some(even), "{}", half);
        same_as_core(&half);
        let above = if half.contains('.') { format!("{half}00000000000000000001") } else { format!("{half}.00000000000000000001") };
        prop_assert_eq!(parse_f64(&above).map(f64::to_bits), Some(bits + 1));
        if let Some(frac) = half.split_once('.').map(|(_, frac)| frac) {
            // Its last digit dropped (a 5): just below half.
            prop_assert!(frac.ends_with('5'));
            let cut = &half[..half.len() - 1];
            prop_assert_eq!(parse_f64(cut).map(f64::to_bits), Some(bits), "{}", cut);
        }
        // A quarter of the way, and three quarters.
        let quarter = exact_decimal(4 * m + 1, e - 2);
        prop_assert_eq!(parse_f64(&quarter).map(f64::to_bits), Some(bits), "{}", quarter);
        let three_quarters = exact_decimal(4 * m + 3, e - 2);
        prop_assert_eq!(parse_f64(&three_quarters).map(f64::to_bits), Some(bits + 1), "{}", three_quarters);
    }
}
