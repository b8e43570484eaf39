//! `f64` as text, exactly as Rust's `{}` and `{:?}` print it, without
//! core's float formatting.
//!
//! Core's `Display` and `Debug` of `f64` bring Grisu, Dragon and their
//! tables (about 20 KB of WebAssembly) into every module that formats a
//! float. serde_json already brings [`zmij`], which finds the same shortest
//! round-trip digits; these functions lay its digits out by core's rules.
//!
//! ```
//! use cohort_text::{debug_f64, display_f64};
//! assert_eq!(display_f64(1e20), format!("{}", 1e20));
//! assert_eq!(debug_f64(1e20), "1e20");
//! assert_eq!(debug_f64(0.1), "0.1");
//! assert_eq!(display_f64(-0.0), "-0");
//! ```

/// `x` as `format!("{x}")` prints it: plain decimal, never an exponent
/// (`1e20` is `100000000000000000000`, `1e-7` is `0.0000001`), no `.0` on
/// integral values (`3`), `-0` for negative zero, and `NaN`, `inf`, `-inf`.
pub fn display_f64(x: f64) -> String {
    match Shortest::of(x) {
        Ok(s) => s.decimal(0),
        Err(special) => special.into(),
    }
}

/// `x` as `format!("{x:?}")` prints it: decimal with at least one
/// fractional digit (`3.0`, `0.0001`, `-0.0`) when `1e-4 <= |x| < 1e16` or
/// `x` is zero; otherwise the shortest digits with an exponent (`1e16`,
/// `1.5e-5`, `-2.5e300`); and `NaN`, `inf`, `-inf`.
pub fn debug_f64(x: f64) -> String {
    match Shortest::of(x) {
        Ok(s) => {
            let abs = x.abs();
            if (abs != 0.0 && abs < 1e-4) || abs >= 1e16 { s.exponential() } else { s.decimal(1) }
        }
        Err(special) => special.into(),
    }
}

/// A finite `f64` as its shortest round-trip digits: the value is
/// `0.d₁d₂…dₙ × 10^point`, negated if `negative`. The digits have no
/// leading or trailing zeros; zero has none.
struct Shortest {
    negative: bool,
    digits: Vec<u8>,
    point: i32,
}

impl Shortest {
    /// The digits of a finite `x`, or the text of a NaN or infinity.
    fn of(x: f64) -> Result<Shortest, &'static str> {
        if x.is_nan() {
            return Err("NaN");
        }
        if x.is_infinite() {
            return Err(if x < 0.0 { "-inf" } else { "inf" });
        }
        let mut buffer = zmij::Buffer::new();
        // zmij writes `-`?, digits with at most one `.`, then possibly
        // `e`, an optional sign and the exponent's digits: `1.5e-5`,
        // `1e+16`, `123.0`, `0.001`. Read it without assuming more.
        let text = buffer.format_finite(x).as_bytes();
        let (negative, text) = match text.split_first() {
            Some((b'-', rest)) => (true, rest),
            _ => (false, text),
        };
        let (mantissa, exponent) = match text.iter().position(|&b| b == b'e' || b == b'E') {
            Some(e) => (&text[..e], parse_exponent(&text[e + 1..])),
            None => (text, 0),
        };
        let mut digits = Vec::with_capacity(mantissa.len());
        let mut before_point = None;
        for &b in mantissa {
            match b {
                b'0'..=b'9' => digits.push(b),
                _ => before_point = Some(digits.len()),
            }
        }
        let before_point = before_point.unwrap_or(digits.len());
        let leading = digits.iter().take_while(|&&d| d == b'0').count();
        digits.drain(..leading);
        while digits.last() == Some(&b'0') {
            digits.pop();
        }
        let mut shortest = Shortest { negative, digits, point: before_point as i32 - leading as i32 + exponent };
        if shortest.below_tie(x) {
            shortest.round_up();
        }
        Ok(shortest)
    }

    /// Whether `|x|` lies exactly halfway between these digits and the next
    /// ones up (`d₁…dₙ5` exactly), so both are shortest and equally close.
    /// zmij may then take these (it rounds such ties to even), but core
    /// always takes the next ones up: 1000000000000000.25 is
    /// `1000000000000000.3` in Rust, `1000000000000000.2` in zmij. Such ties
    /// need a short exact expansion, so they happen only for values like
    /// `k / 4` near 10^15.
    fn below_tie(&self, x: f64) -> bool {
        if self.digits.is_empty() || self.digits.len() > 17 {
            return false;
        }
        // |x| = m × 2^e with m odd.
        let bits = x.to_bits();
        let biased = ((bits >> 52) & 0x7ff) as i32;
        let fraction = bits & ((1 << 52) - 1);
        let (mut m, mut e) = if biased == 0 { (fraction, -1074) } else { (fraction | 1 << 52, biased - 1075) };
        let zeros = m.trailing_zeros();
        m >>= zeros;
        e += zeros as i32;
        // The midpoint is (2d + 1) × 5 × 10^q = (2d + 1) × 5^(q+1) × 2^q,
        // where d is the digits as an integer: its odd part must be m.
        let q = self.point - self.digits.len() as i32 - 1;
        if e != q {
            return false;
        }
        // d has at most 17 digits and m at most 53 bits, so a tie needs at
        // most 5^25: everything fits in a u64, and overflow means no tie.
        let d = self.digits.iter().fold(0u64, |d, &b| d * 10 + u64::from(b - b'0'));
        let odd = 2 * d + 1;
        let times_five_to = |n: u64, k: i32| (0..k).try_fold(n, |n, _| n.checked_mul(5));
        if q >= -1 { times_five_to(odd, q + 1) == Some(m) } else { times_five_to(m, -q - 1) == Some(odd) }
    }

    /// The next digits up: the last digit plus one, carried.
    fn round_up(&mut self) {
        while let Some(last) = self.digits.pop() {
            if last != b'9' {
                self.digits.push(last + 1);
                return;
            }
        }
        self.digits.push(b'1');
        self.point += 1;
    }

    /// Plain decimal with at least `min_frac` fractional digits, as core's
    /// `float_to_decimal_common_shortest` lays out its digits.
    fn decimal(&self, min_frac: usize) -> String {
        let mut out = String::with_capacity(self.digits.len() + 8);
        if self.negative {
            out.push('-');
        }
        let digits = &self.digits;
        let frac_len;
        if digits.is_empty() {
            out.push('0');
            frac_len = 0;
            if min_frac > 0 {
                out.push('.');
            }
        } else if self.point <= 0 {
            out.push_str("0.");
            push_zeros(&mut out, self.point.unsigned_abs() as usize);
            push_digits(&mut out, digits);
            frac_len = self.point.unsigned_abs() as usize + digits.len();
        } else {
            let point = self.point as usize;
            if point < digits.len() {
                push_digits(&mut out, &digits[..point]);
                out.push('.');
                push_digits(&mut out, &digits[point..]);
                frac_len = digits.len() - point;
            } else {
                push_digits(&mut out, digits);
                push_zeros(&mut out, point - digits.len());
                frac_len = 0;
                if min_frac > 0 {
                    out.push('.');
                }
            }
        }
        push_zeros(&mut out, min_frac.saturating_sub(frac_len));
        out
    }

    /// `d₁[.d₂…dₙ]e<exponent>`, as core's
    /// `float_to_exponential_common_shortest` lays out its digits (lower
    /// case `e`, no `+`); zero is `0e0`.
    fn exponential(&self) -> String {
        let mut out = String::with_capacity(self.digits.len() + 8);
        if self.negative {
            out.push('-');
        }
        let Some((first, rest)) = self.digits.split_first() else {
            out.push_str("0e0");
            return out;
        };
        out.push(char::from(*first));
        if !rest.is_empty() {
            out.push('.');
            push_digits(&mut out, rest);
        }
        out.push('e');
        out.push_str(&(self.point - 1).to_string());
        out
    }
}

/// zmij's exponent: an optional sign and decimal digits.
fn parse_exponent(text: &[u8]) -> i32 {
    let (negative, text) = match text.split_first() {
        Some((b'-', rest)) => (true, rest),
        Some((b'+', rest)) => (false, rest),
        _ => (false, text),
    };
    let magnitude = text.iter().fold(0i32, |n, &d| n * 10 + i32::from(d - b'0'));
    if negative { -magnitude } else { magnitude }
}

fn push_digits(out: &mut String, digits: &[u8]) {
    out.extend(digits.iter().map(|&d| char::from(d)));
}

fn push_zeros(out: &mut String, n: usize) {
    out.extend(core::iter::repeat_n('0', n));
}
