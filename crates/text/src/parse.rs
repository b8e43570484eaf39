//! Decimal text to `f64`, exactly as `str::parse::<f64>` rounds it, without
//! core's decimal-to-float tables.
//!
//! Core's parser (Eisel–Lemire with a big-decimal fallback) carries a table
//! of 128-bit powers of five: 14 KB of gzipped WebAssembly in every module
//! that parses a float, and it barely compresses. Program literals are few
//! and short, so this parser takes the plain exact route: the decimal is a
//! fraction of two big integers, divided to 54 bits with the remainder
//! kept, and rounded to nearest, ties to even — the same result, slower.
//!
//! ```
//! use cohort_text::parse_f64;
//! assert_eq!(parse_f64("0.1"), Some(0.1));
//! assert_eq!(parse_f64("2.5e-3"), Some(0.0025));
//! assert_eq!(parse_f64("1e400"), Some(f64::INFINITY));
//! assert_eq!(parse_f64("1.5.2"), None);
//! ```

/// Significant digits kept: deciding how a decimal rounds to `f64` never
/// needs more than 767 (the longest exact expansion of a halfway point);
/// past them, a non-zero tail only has to count as "a little more".
const KEPT_DIGITS: usize = 800;

/// `text` as the nearest `f64`, ties to even, or `None` if it is not a
/// decimal number: an optional sign, digits with at most one `.` among
/// them (at least one digit), and an optional exponent (`e` or `E`, an
/// optional sign, digits). Too large a magnitude gives an infinity and too
/// small a zero, as `str::parse` does; unlike it, `inf`, `NaN` and a lone
/// `.` are refused.
pub fn parse_f64(text: &str) -> Option<f64> {
    let (negative, rest) = match text.as_bytes() {
        [b'-', rest @ ..] => (true, rest),
        [b'+', rest @ ..] => (false, rest),
        rest => (false, rest),
    };
    let magnitude = parse_magnitude(rest)?;
    Some(if negative { -magnitude } else { magnitude })
}

fn parse_magnitude(text: &[u8]) -> Option<f64> {
    let (mantissa, exponent) = match text.iter().position(|&b| b == b'e' || b == b'E') {
        Some(e) => (&text[..e], parse_exponent(&text[e + 1..])?),
        None => (text, 0),
    };
    let mut digits = Vec::with_capacity(mantissa.len().min(KEPT_DIGITS + 1));
    let mut point = None;
    let mut count = 0usize;
    for &b in mantissa {
        match b {
            b'0'..=b'9' => {
                count += 1;
                if !(digits.is_empty() && b == b'0') {
                    digits.push(b - b'0');
                }
            }
            b'.' if point.is_none() => point = Some(count),
            _ => return None,
        }
    }
    if count == 0 {
        return None;
    }
    // value = 0.d₁d₂…dₙ × 10^scale, the leading zeros (before or after the
    // point) already dropped from the digits.
    let before_point = point.unwrap_or(count) as i64;
    let leading_zeros = (count - digits.len()) as i64;
    let scale = exponent.saturating_add(before_point - leading_zeros);
    while digits.last() == Some(&0) {
        digits.pop();
    }
    if digits.is_empty() {
        return Some(0.0);
    }
    // 10^(scale−1) ≤ value < 10^scale, and f64 spans 4.9e-324 to 1.8e308.
    if scale > 310 {
        return Some(f64::INFINITY);
    }
    if scale < -324 {
        return Some(0.0);
    }
    if digits.len() > KEPT_DIGITS {
        digits.truncate(KEPT_DIGITS);
        digits.push(1); // the dropped tail is not zero (trailing zeros are gone)
    }
    // value = N / D exactly, N and D integers.
    let e10 = scale - digits.len() as i64;
    let mut n = Big::from_digits(&digits);
    let mut d = Big::from(1);
    if e10 >= 0 {
        n.mul_pow10(e10 as u32);
    } else {
        d.mul_pow10(e10.unsigned_abs() as u32);
    }
    Some(f64::from_bits(round_quotient(n, d)))
}

/// An exponent's optional sign and digits, saturating (the magnitude check
/// above turns any huge exponent into an infinity or a zero).
fn parse_exponent(text: &[u8]) -> Option<i64> {
    let (negative, digits) = match text {
        [b'-', rest @ ..] => (true, rest),
        [b'+', rest @ ..] => (false, rest),
        rest => (false, rest),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let magnitude = digits.iter().fold(0i64, |e, &b| e.saturating_mul(10).saturating_add(i64::from(b - b'0')).min(1 << 40));
    Some(if negative { -magnitude } else { magnitude })
}

/// The bits of the `f64` nearest to `n / d` (both positive), ties to even.
fn round_quotient(mut n: Big, mut d: Big) -> u64 {
    // q = ⌊n·2^k / d⌋ with 2^53 ≤ q < 2^55, so the value is (q + r)·2^−k,
    // 0 ≤ r < 1: 53 bits of mantissa, a rounding bit, and what is left.
    let mut k = 54 - (n.bit_len() as i64 - d.bit_len() as i64);
    // Below the normal range the mantissa has fewer bits: units of 2^−1074.
    k = k.min(1075);
    if k >= 0 {
        n.shl(k as u32);
    } else {
        d.shl(k.unsigned_abs() as u32);
    }
    let (mut q, mut sticky) = n.divide_small_quotient(&d);
    if q >= 1 << 54 {
        sticky |= q & 1 == 1;
        q >>= 1;
        k -= 1;
    }
    // value ≈ mantissa · 2^(1−k), the rounding bit below it.
    let (mut mantissa, round) = (q >> 1, q & 1 == 1);
    if round && (sticky || mantissa & 1 == 1) {
        mantissa += 1;
    }
    let mut e2 = 1 - k;
    if mantissa == 1 << 53 {
        mantissa >>= 1;
        e2 += 1;
    }
    if mantissa < 1 << 52 {
        // Subnormal (e2 = −1074), or the smallest normal if it carried to 2^52.
        return mantissa;
    }
    let biased = e2 + 1075;
    if biased >= 0x7ff {
        return f64::INFINITY.to_bits();
    }
    (biased as u64) << 52 | (mantissa & ((1 << 52) - 1))
}

/// A non-negative big integer: little-endian 32-bit limbs, no zero limb on top.
struct Big(Vec<u32>);

impl From<u32> for Big {
    fn from(v: u32) -> Big {
        let mut b = Big(vec![v]);
        b.trim();
        b
    }
}

impl Big {
    fn from_digits(digits: &[u8]) -> Big {
        let mut b = Big(Vec::with_capacity(digits.len() / 9 + 1));
        for chunk in digits.chunks(9) {
            let mut value = 0u32;
            let mut power = 1u32;
            for &digit in chunk {
                value = value * 10 + u32::from(digit);
                power *= 10;
            }
            b.mul_add_small(power, value);
        }
        b
    }

    fn trim(&mut self) {
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
    }

    /// self = self·m + a.
    fn mul_add_small(&mut self, m: u32, a: u32) {
        let mut carry = u64::from(a);
        for limb in &mut self.0 {
            let v = u64::from(*limb) * u64::from(m) + carry;
            *limb = v as u32;
            carry = v >> 32;
        }
        if carry > 0 {
            self.0.push(carry as u32);
        }
    }

    fn mul_pow10(&mut self, mut e: u32) {
        while e >= 9 {
            self.mul_add_small(1_000_000_000, 0);
            e -= 9;
        }
        self.mul_add_small(10u32.pow(e), 0);
    }

    fn bit_len(&self) -> u64 {
        self.0.last().map_or(0, |top| 32 * (self.0.len() as u64 - 1) + u64::from(32 - top.leading_zeros()))
    }

    fn shl(&mut self, bits: u32) {
        let (limbs, bits) = ((bits / 32) as usize, bits % 32);
        if bits > 0 {
            let mut carry = 0;
            for limb in &mut self.0 {
                let v = *limb;
                *limb = v << bits | carry;
                carry = v >> (32 - bits);
            }
            if carry > 0 {
                self.0.push(carry);
            }
        }
        self.0.splice(0..0, core::iter::repeat_n(0, limbs));
    }

    /// ⌊self / d⌋ for a quotient below 2^55, and whether a remainder is left.
    /// Long division one bit at a time: the quotient is short.
    fn divide_small_quotient(mut self, d: &Big) -> (u64, bool) {
        let mut q = 0u64;
        for bit in (0..55).rev() {
            if self.ge_shifted(d, bit) {
                self.sub_shifted(d, bit);
                q |= 1 << bit;
            }
        }
        (q, !self.0.is_empty())
    }

    /// The limb `i` of `d·2^bit`.
    fn shifted_limb(d: &Big, bit: u32, i: usize) -> u32 {
        let (limbs, bits) = ((bit / 32) as usize, bit % 32);
        let at = |j: usize| if j < limbs { 0 } else { d.0.get(j - limbs).copied().unwrap_or(0) };
        if bits == 0 { at(i) } else { at(i) << bits | if i == 0 { 0 } else { at(i - 1) >> (32 - bits) } }
    }

    fn ge_shifted(&self, d: &Big, bit: u32) -> bool {
        let len = (d.bit_len() + u64::from(bit)).div_ceil(32) as usize;
        if self.0.len() != len {
            return self.0.len() > len;
        }
        for i in (0..len).rev() {
            let (a, b) = (self.0[i], Self::shifted_limb(d, bit, i));
            if a != b {
                return a > b;
            }
        }
        true
    }

    /// self −= d·2^bit, which is at most self.
    fn sub_shifted(&mut self, d: &Big, bit: u32) {
        let mut borrow = 0u64;
        for i in 0..self.0.len() {
            let v = u64::from(self.0[i]).wrapping_sub(u64::from(Self::shifted_limb(d, bit, i))).wrapping_sub(borrow);
            self.0[i] = v as u32;
            borrow = v >> 63;
        }
        self.trim();
    }
}
