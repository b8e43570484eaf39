//! Input and output values, exactly. A number is read from its decimal
//! text — a JSON number's, or a string holding one — without a float in
//! between, and written back as a JSON number while JavaScript holds it
//! exactly, as a string of its decimal digits beyond.

use core::cmp::Ordering;

use cohort_mpc::Value;
use serde_json::Value as Json;
#[cfg(feature = "exact-json")]
use serde_json::value::RawValue;

/// The longest text of a number an input takes, in characters: enough for
/// every value of every type (a `secfxp` value's exact decimal expansion
/// has at most 127 significant digits) with room for leading zeros of a
/// fraction; longer text is refused before any arithmetic on it.
pub const MAX_NUMBER_LEN: usize = 400;

/// The largest magnitude of an output written as a JSON number (of an
/// output's value times `2^f` for fixed point): JavaScript's
/// `Number.MAX_SAFE_INTEGER`, 2^53 − 1.
pub const MAX_SAFE_INTEGER: i128 = (1 << 53) - 1;

/// Why the text of a number was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Problem {
    /// Not a JSON number's text.
    Malformed,
    /// Longer than [`MAX_NUMBER_LEN`].
    TooLong,
    /// Its magnitude is 2^127 or more (after scaling).
    OutOfRange,
}

/// A number read exactly: the integer nearest to its value times `2^frac`
/// (ties to even), and whether that is the value times `2^frac` exactly.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Scaled {
    pub(crate) value: i128,
    pub(crate) exact: bool,
}

/// Reads the text of a JSON number (`-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`,
/// nothing around it: no `+`, no spaces, no hexadecimal) exactly, scaled by
/// `2^frac`. `-0` is 0.
pub(crate) fn read_number(text: &str, frac: u32) -> Result<Scaled, Problem> {
    if text.len() > MAX_NUMBER_LEN {
        return Err(Problem::TooLong);
    }
    let b = text.as_bytes();
    let mut i = usize::from(b.first() == Some(&b'-'));
    let negative = i == 1;
    let digits_from = |i: &mut usize| {
        let start = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        &b[start..*i]
    };
    let whole = digits_from(&mut i);
    if whole.is_empty() || (whole.len() > 1 && whole[0] == b'0') {
        return Err(Problem::Malformed);
    }
    let mut fraction: &[u8] = &[];
    if b.get(i) == Some(&b'.') {
        i += 1;
        fraction = digits_from(&mut i);
        if fraction.is_empty() {
            return Err(Problem::Malformed);
        }
    }
    let mut exponent: i64 = 0;
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        let sign = match b.get(i) {
            Some(b'-') => -1,
            Some(b'+') => 1,
            _ => 0,
        };
        if sign != 0 {
            i += 1;
        }
        let digits = digits_from(&mut i);
        if digits.is_empty() {
            return Err(Problem::Malformed);
        }
        // Saturated far beyond any exponent that could matter.
        let magnitude = digits.iter().fold(0i64, |e, &d| (e * 10 + i64::from(d - b'0')).min(100_000_000));
        exponent = if sign < 0 { -magnitude } else { magnitude };
    }
    if i != b.len() {
        return Err(Problem::Malformed);
    }
    // The value is `digits · 10^power`.
    let mut digits: Vec<u8> = whole.iter().chain(fraction).map(|d| d - b'0').collect();
    let mut power = exponent - fraction.len() as i64;
    let Some(first) = digits.iter().position(|&d| d != 0) else {
        return Ok(Scaled { value: 0, exact: true });
    };
    digits.drain(..first);
    while digits.last() == Some(&0) {
        digits.pop();
        power += 1;
    }
    // At least 10^39 > 2^127: out of range whatever the scaling.
    if digits.len() as i64 + power > 39 {
        return Err(Problem::OutOfRange);
    }
    if power > 0 {
        digits.resize(digits.len() + power as usize, 0);
        power = 0;
    }
    let drop = power.unsigned_abs() as usize;
    let n = times(digits, 2, frac);
    // `n / 10^drop`, rounded to the nearest integer, ties to even.
    let (quotient, rest): (&[u8], &[u8]) = if drop > n.len() { (&[], &[]) } else { n.split_at(n.len() - drop) };
    let half = if drop > n.len() {
        Ordering::Less
    } else {
        match rest.first() {
            None => Ordering::Less,
            Some(&d) if d != 5 => d.cmp(&5),
            Some(_) if rest[1..].iter().all(|&d| d == 0) => Ordering::Equal,
            Some(_) => Ordering::Greater,
        }
    };
    let exact = rest.iter().all(|&d| d == 0) && drop <= n.len();
    if quotient.len() > 39 {
        return Err(Problem::OutOfRange);
    }
    let mut q = quotient.iter().try_fold(0u128, |q, &d| q.checked_mul(10)?.checked_add(u128::from(d))).ok_or(Problem::OutOfRange)?;
    if half == Ordering::Greater || (half == Ordering::Equal && q % 2 == 1) {
        q = q.checked_add(1).ok_or(Problem::OutOfRange)?;
    }
    let value = if negative { 0i128.checked_sub_unsigned(q) } else { i128::try_from(q).ok() };
    Ok(Scaled { value: value.ok_or(Problem::OutOfRange)?, exact })
}

/// Big-endian decimal digits times `base^k` (`base` 2 or 5).
fn times(mut digits: Vec<u8>, base: u64, mut k: u32) -> Vec<u8> {
    while k > 0 {
        let step = k.min(if base == 2 { 32 } else { 13 });
        let factor = base.pow(step);
        k -= step;
        let mut carry = 0u64;
        for d in digits.iter_mut().rev() {
            let x = u64::from(*d) * factor + carry;
            *d = (x % 10) as u8;
            carry = x / 10;
        }
        let mut front = Vec::new();
        while carry > 0 {
            front.push((carry % 10) as u8);
            carry /= 10;
        }
        front.reverse();
        front.extend_from_slice(&digits);
        digits = front;
    }
    digits
}

/// `scaled · 2^-frac` as its exact decimal expansion (`-12.375`, `7`).
pub fn decimal(scaled: i128, frac: u32) -> String {
    let digits: Vec<u8> = scaled.unsigned_abs().to_string().bytes().map(|c| c - b'0').collect();
    let mut digits = times(digits, 5, frac);
    let frac = frac as usize;
    if digits.len() <= frac {
        let mut padded = vec![0; frac + 1 - digits.len()];
        padded.extend_from_slice(&digits);
        digits = padded;
    }
    let (whole, fraction) = digits.split_at(digits.len() - frac);
    let fraction = &fraction[..fraction.iter().rposition(|&d| d != 0).map_or(0, |p| p + 1)];
    let mut out = String::with_capacity(digits.len() + 2);
    if scaled < 0 {
        out.push('-');
    }
    out.extend(whole.iter().map(|&d| char::from(b'0' + d)));
    if !fraction.is_empty() {
        out.push('.');
        out.extend(fraction.iter().map(|&d| char::from(b'0' + d)));
    }
    out
}

/// An output value given as `scaled · 2^-frac` (`fixed` for `secfxp`), as
/// JSON: a number while `|scaled| ≤ 2^53 − 1`, which a JavaScript number
/// (a double) then holds exactly — an integer, or for fixed point the
/// float `serde_json` writes — else a string of its exact decimal digits.
pub(crate) fn output(scaled: i128, frac: u32, fixed: bool) -> Json {
    if scaled.unsigned_abs() > MAX_SAFE_INTEGER as u128 {
        return Json::String(decimal(scaled, frac));
    }
    if fixed {
        serde_json::Number::from_f64(scaled as f64 / 2f64.powi(frac as i32)).map_or(Json::Null, Json::Number)
    } else {
        Json::from(scaled as i64)
    }
}

/// Compares `scaled · 2^-frac` with `bound` exactly.
pub(crate) fn compare(scaled: i128, frac: u32, bound: Value) -> Ordering {
    match bound {
        Value::Int(b) => match b.checked_mul(1 << frac) {
            Some(b) => scaled.cmp(&b),
            None if b > 0 => Ordering::Less,
            None => Ordering::Greater,
        },
        Value::Fixed(x) => compare_float(scaled, x * 2f64.powi(frac as i32)),
    }
}

/// Compares two public values exactly (not through floats).
pub(crate) fn compare_values(a: Value, b: Value) -> Ordering {
    match (a, b) {
        (Value::Int(a), b) => compare(a, 0, b),
        (Value::Fixed(x), Value::Int(b)) => compare_float(b, x).reverse(),
        (Value::Fixed(x), Value::Fixed(y)) => x.partial_cmp(&y).unwrap_or(Ordering::Equal),
    }
}

/// Compares an integer with a float exactly.
fn compare_float(i: i128, y: f64) -> Ordering {
    const TWO_127: f64 = 170_141_183_460_469_231_731_687_303_715_884_105_728.0;
    if y.is_nan() {
        return Ordering::Equal;
    }
    if y >= TWO_127 {
        return Ordering::Less;
    }
    if y < -TWO_127 {
        return Ordering::Greater;
    }
    let floor = y.floor();
    match i.cmp(&(floor as i128)) {
        Ordering::Equal if y > floor => Ordering::Less,
        other => other,
    }
}

/// Reads JSON text keeping every number exact: a number that
/// [`serde_json::Value`] would hold as a float (it has a fraction or an
/// exponent, or is beyond 64 bits) becomes a string of its text, the
/// equivalent form inputs take; integers within 64 bits stay numbers. For
/// input files and `--input` values, whose numbers may be longer than a
/// float holds. (Feature `exact-json`.)
#[cfg(feature = "exact-json")]
pub fn read_exact_json(text: &str) -> serde_json::Result<Json> {
    let raw: &RawValue = serde_json::from_str(text)?;
    exact(raw)
}

#[cfg(feature = "exact-json")]
fn exact(raw: &RawValue) -> serde_json::Result<Json> {
    let text = raw.get().trim();
    match text.as_bytes().first() {
        Some(b'{') => {
            let map: std::collections::BTreeMap<String, &RawValue> = serde_json::from_str(text)?;
            map.into_iter().map(|(k, v)| Ok((k, exact(v)?))).collect::<serde_json::Result<_>>().map(Json::Object)
        }
        Some(b'[') => {
            let items: Vec<&RawValue> = serde_json::from_str(text)?;
            items.into_iter().map(exact).collect::<serde_json::Result<_>>().map(Json::Array)
        }
        Some(b'-' | b'0'..=b'9') => {
            let n: Json = serde_json::from_str(text)?;
            Ok(if n.is_i64() || n.is_u64() { n } else { Json::String(text.to_string()) })
        }
        _ => serde_json::from_str(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str, frac: u32) -> Result<(i128, bool), Problem> {
        read_number(text, frac).map(|s| (s.value, s.exact))
    }

    #[test]
    fn numbers_are_read_exactly() {
        assert_eq!(read("1208925819614629174706177", 0), Ok(((1 << 80) + 1, true)));
        assert_eq!(read("-170141183460469231731687303715884105728", 0), Ok((i128::MIN, true)));
        assert_eq!(read("170141183460469231731687303715884105728", 0), Err(Problem::OutOfRange));
        assert_eq!(read("1e29", 0), Ok((10i128.pow(29), true)));
        assert_eq!(read("12.50e1", 0), Ok((125, true)));
        assert_eq!(read("0.5", 0), Ok((0, false)));
        assert_eq!(read("1.5", 0), Ok((2, false)));
        assert_eq!(read("2.5", 0), Ok((2, false)));
        assert_eq!(read("2.5000001", 0), Ok((3, false)));
        assert_eq!(read("0.1", 4), Ok((2, false)));
        assert_eq!(read("-0.75", 2), Ok((-3, true)));
        assert_eq!(read("-0", 0), Ok((0, true)));
        assert_eq!(read("0e999999999999", 0), Ok((0, true)));
        assert_eq!(read("1e999999", 0), Err(Problem::OutOfRange));
        assert_eq!(read("1e-999999", 0), Ok((0, false)));
        assert_eq!(read("5e-1", 0), Ok((0, false)));
        assert_eq!(read("0.000000000000000000000000000000000000000000000001", 94), Ok((0, false)));
        for bad in ["", "-", "+1", " 1", "1 ", "0x10", "01", "1.", ".5", "1e", "1e+", "Infinity", "NaN", "1_000", "١"] {
            assert_eq!(read(bad, 0), Err(Problem::Malformed), "{bad:?}");
        }
        assert_eq!(read(&"1".repeat(MAX_NUMBER_LEN + 1), 0), Err(Problem::TooLong));
        assert_eq!(read(&format!("0.{}1", "0".repeat(MAX_NUMBER_LEN - 3)), 0), Ok((0, false)));
    }

    #[test]
    fn decimals_are_exact() {
        assert_eq!(decimal(-99, 3), "-12.375");
        assert_eq!(decimal(1, 4), "0.0625");
        assert_eq!(decimal(7 << 10, 10), "7");
        assert_eq!(decimal(0, 0), "0");
        assert_eq!(decimal(i128::MIN, 0), "-170141183460469231731687303715884105728");
        assert_eq!(read(&decimal((1 << 90) + 3, 40), 40), Ok(((1 << 90) + 3, true)));
    }

    #[test]
    fn outputs_are_numbers_below_two_to_the_53() {
        assert_eq!(output(MAX_SAFE_INTEGER, 0, false), serde_json::json!(9007199254740991i64));
        assert_eq!(output(-MAX_SAFE_INTEGER - 1, 0, false), serde_json::json!("-9007199254740992"));
        assert_eq!(output(3, 1, true), serde_json::json!(1.5));
        assert_eq!(output((1 << 60) + 1, 20, true), serde_json::json!("1099511627776.00000095367431640625"));
    }

    #[test]
    fn comparisons_are_exact() {
        let big = (1i128 << 80) + 1;
        assert_eq!(compare(big, 0, Value::Int(1 << 80)), Ordering::Greater);
        assert_eq!(compare(big, 0, Value::Fixed(2f64.powi(80))), Ordering::Greater);
        assert_eq!(compare(1 << 80, 0, Value::Fixed(2f64.powi(80))), Ordering::Equal);
        assert_eq!(compare(5, 1, Value::Fixed(2.5)), Ordering::Equal);
        assert_eq!(compare(5, 1, Value::Int(3)), Ordering::Less);
        assert_eq!(compare(1, 100, Value::Int(i128::MAX)), Ordering::Less);
        assert_eq!(compare_values(Value::Fixed(2.5), Value::Int(2)), Ordering::Greater);
        assert_eq!(compare_values(Value::Int(3), Value::Fixed(2.5)), Ordering::Greater);
    }

    #[test]
    fn exact_json_keeps_long_numbers() {
        let v = read_exact_json(r#"[{"x": 1208925819614629174706177, "y": [1, 2.5, -3e2, "7"], "z": null}]"#).unwrap();
        assert_eq!(v, serde_json::json!([{"x": "1208925819614629174706177", "y": [1, "2.5", "-3e2", "7"], "z": null}]));
        assert!(read_exact_json("[1,").is_err());
    }
}
