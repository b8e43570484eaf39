//! `secfxp(64)` (64 bits, 32 fractional, in the 128-bit field 2^128 − 173),
//! with 3 and 5 parties: the expected values of MPyC's own
//! `tests/test_runtime.py` (`test_secfxp`, its loop `for f in [8, 16, 32,
//! 64]: secfxp = mpc.SecFxp(2*f)` at f = 32, which is `SecFxp(64)`), and
//! products, comparisons and sums at the ends of the type's range.

use crate::common;

use cohort_mpc::{SecType, SecVec, Value};
use common::*;

/// `(m, t)`: three and five parties, with and without a threshold.
const SESSIONS: [(usize, usize); 3] = [(3, 1), (5, 2), (5, 0)];

const F: i32 = 32;

fn fx() -> SecType {
    SecType::fxp(64, 32).unwrap()
}

fn two(e: i32) -> f64 {
    2f64.powi(e)
}

/// Runs `program` for every session in [`SESSIONS`] and checks each result.
fn each_session<T, Fut>(seed: u64, program: impl Fn(std::rc::Rc<cohort_mpc::Runtime>) -> Fut, check: impl Fn(usize, usize, T))
where
    T: PartialEq + core::fmt::Debug + Clone + 'static,
    Fut: core::future::Future<Output = cohort_mpc::Result<T>> + 'static,
{
    for (m, t) in SESSIONS {
        let (got, _) = run_agreed(m, t, seed ^ (m as u64) << 8 ^ t as u64, &program);
        check(m, t, got);
    }
}

async fn secret(rt: &cohort_mpc::Runtime, xs: &[f64]) -> cohort_mpc::Result<SecVec> {
    input(rt, &fx(), 0, &fixed(xs)).await
}

/// The vectors one after the other.
fn cat(parts: &[SecVec]) -> cohort_mpc::Result<SecVec> {
    parts[1..].iter().try_fold(parts[0].clone(), |acc, p| acc.concat(p))
}

/// Shares values given exactly, times 2^32, from party `owner % m`.
async fn exact(rt: &cohort_mpc::Runtime, owner: usize, raw: &[i128]) -> cohort_mpc::Result<SecVec> {
    let owner = owner % rt.parties();
    rt.input_scaled(&fx(), owner, (rt.id() == owner).then_some(raw), raw.len()).await
}

async fn open_exact(rt: &cohort_mpc::Runtime, x: &SecVec) -> cohort_mpc::Result<Vec<i128>> {
    Ok(rt.reveal_scaled(x, &cohort_mpc::Receivers::All).await?.expect("opened to all"))
}

fn close(got: f64, want: f64, delta: f64, what: &str) {
    assert!((got - want).abs() <= delta, "{what}: got {got}, want {want} ± {delta}");
}

#[test]
fn mpyc_additions_and_products() {
    each_session(
        1,
        |rt| async move {
            let one = secret(&rt, &[1.0]).await?;
            let tiny = secret(&rt, &[two(-F)]).await?;
            let (half, twice) = (secret(&rt, &[0.5]).await?, secret(&rt, &[2.0]).await?);
            let p = secret(&rt, &[two(F / 2 - 1) - 0.5]).await?;
            let q = secret(&rt, &[-two(F / 2) + 0.5]).await?;
            let round_trip = secret(&rt, &[10.75, -3.375, 0.125, -0.125]).await?;
            let mut out = vec![
                open_f64(&rt, &one.add(&one)?).await?[0],
                open_f64(&rt, &tiny.add(&one)?).await?[0],
                open_f64(&rt, &rt.mul(&half, &twice).await?).await?[0],
                open_f64(&rt, &rt.mul(&twice, &half).await?).await?[0],
                open_f64(&rt, &rt.mul(&p, &q).await?).await?[0],
            ];
            out.extend(open_f64(&rt, &round_trip).await?);
            Ok(out)
        },
        |m, t, got| {
            let want = [2.0, 1.0 + two(-F), 1.0, 1.0, -two(F - 1) + 1.5 * two(F / 2 - 1) - 0.25, 10.75, -3.375, 0.125, -0.125];
            assert_eq!(got, want, "m={m} t={t}");
        },
    );
}

#[test]
fn mpyc_squares_inner_products_and_polynomials() {
    let s = [10.5, -3.25, 0.125, -0.125];
    each_session(
        2,
        move |rt| async move {
            let x = secret(&rt, &s).await?;
            let squares = open_f64(&rt, &rt.mul(&x, &x).await?).await?;
            let inner = open_f64(&rt, &rt.inner(&x, &x).await?).await?;
            let a = secret(&rt, &[s[0]]).await?;
            let b = secret(&rt, &[s[1]]).await?;
            let c = secret(&rt, &[s[2]]).await?;
            let ab = rt.mul(&a, &b).await?;
            let sum = a.add(&b)?;
            let sq = rt.mul(&sum, &sum).await?;
            let poly = sq.add(&c.mul_int(3))?;
            let rest = cat(&[sum, ab, a.sub(&b)?, sq, poly])?;
            Ok((squares, inner, open_f64(&rt, &rest).await?))
        },
        move |m, t, (squares, inner, rest)| {
            let (a, b, c) = (s[0], s[1], s[2]);
            assert_eq!(squares, s.map(|v| v * v), "m={m} t={t}");
            assert_eq!(inner, [s.iter().map(|v| v * v).sum::<f64>()], "m={m} t={t}");
            assert_eq!(rest, [a + b, a * b, a - b, (a + b) * (a + b), (a + b) * (a + b) + 3.0 * c], "m={m} t={t}");
        },
    );
}

#[test]
fn mpyc_comparisons_signs_and_extremes() {
    let s = [10.5, -3.25, 0.125, -0.125];
    each_session(
        3,
        move |rt| async move {
            let x = secret(&rt, &s).await?;
            let (a, b, c, d) = (x.select(&[0])?, x.select(&[1])?, x.select(&[2])?, x.select(&[3])?);
            let lts = rt.lt(&cat(&[a.clone(), b.clone(), c.clone()])?, &cat(&[b.clone(), c, d])?).await?;
            let one = secret(&rt, &[1.0, 5.0, 5.0, 0.0, -1.5]).await?;
            let gt = rt.gt(&a, &one.select(&[0])?).await?;
            let lt = rt.lt(&b.mul_int(10), &one.select(&[1])?).await?;
            let eq = rt.eq(&a.mul_int(10), &one.select(&[2])?).await?;
            let signs = rt.sign(&cat(&[a.clone(), a.neg(), one.select(&[3])?])?).await?;
            let abs = rt.abs(&one.select(&[4])?).await?;
            let bits = cat(&[lts, gt, lt, eq])?;
            let (amin, vmin) = rt.argmin(&x).await?;
            let (amax, vmax) = rt.argmax(&x).await?;
            let zero = secret(&rt, &[0.0]).await?;
            let mins = rt.min_pairwise(&cat(&[a.clone(), zero.clone()])?, &cat(&[zero.clone(), b.clone()])?).await?;
            let maxs = rt.max_pairwise(&cat(&[a, zero.clone()])?, &cat(&[zero, b])?).await?;
            Ok((
                open_f64(&rt, &bits).await?,
                open_f64(&rt, &cat(&[signs, abs])?).await?,
                open_f64(&rt, &cat(&[rt.min(&x).await?, rt.max(&x).await?, mins, maxs])?).await?,
                open_f64(&rt, &cat(&[amin, vmin, amax, vmax])?).await?,
            ))
        },
        move |m, t, (bits, signs, extremes, args)| {
            let b = |c: bool| f64::from(u8::from(c));
            let want = [b(s[0] < s[1]), b(s[1] < s[2]), b(s[2] < s[3]), b(s[0] > 1.0), b(10.0 * s[1] < 5.0), b(10.0 * s[0] == 5.0)];
            assert_eq!(bits, want, "m={m} t={t}");
            assert_eq!(signs, [1.0, -1.0, 0.0, 1.5], "m={m} t={t}");
            assert_eq!(extremes, [-3.25, 10.5, 0.0, -3.25, 10.5, 0.0], "m={m} t={t}");
            assert_eq!(args, [1.0, -3.25, 0.0, 10.5], "m={m} t={t}");
        },
    );
}

#[test]
fn mpyc_divisions() {
    let s = [10.5, -3.25, 0.125, -0.12];
    each_session(
        4,
        move |rt| async move {
            let x = secret(&rt, &s).await?;
            let (a, b, c, d) = (x.select(&[0])?, x.select(&[1])?, x.select(&[2])?, x.select(&[3])?);
            let quarter = open_f64(&rt, &rt.mul_public(&d, Value::Fixed(1.0 / 0.25)).await?).await?[0];
            let d_over_c_plus_a = open_f64(&rt, &rt.div(&d, &c).await?.add(&a)?).await?[0];
            let sum = a.add(&b)?;
            let poly = rt.mul(&sum, &sum).await?.add(&c.mul_int(3))?;
            let poly_over_c = open_f64(&rt, &rt.div(&poly, &c).await?).await?[0];
            let rec = open_f64(&rt, &rt.reciprocal(&d).await?).await?[0];
            let c_over_d = open_f64(&rt, &rt.div(&c, &d).await?).await?[0];
            let minus_d_over_c = open_f64(&rt, &rt.div(&d.neg(), &c).await?).await?[0];
            Ok(vec![quarter, d_over_c_plus_a, poly_over_c, rec, c_over_d, minus_d_over_c])
        },
        move |m, t, got| {
            let what = |s: &str| format!("m={m} t={t} {s}");
            close(got[0], s[3] / 0.25, two(1 - F), &what("d / 0.25"));
            assert_eq!(got[1].round(), (s[3] / s[2] + s[0]).round(), "{}", what("round(d / c + a)"));
            close(got[2], ((s[0] + s[1]).powi(2) + 3.0 * s[2]) / s[2], two(8 - F), &what("((a + b)² + 3c) / c"));
            close(got[3], 1.0 / s[3], two(6 - F), &what("1 / d"));
            close(got[4], s[2] / s[3], two(3 - F), &what("c / d"));
            close(got[5], -s[3] / s[2], two(3 - F), &what("−d / c"));
        },
    );
}

#[test]
fn mpyc_mod_and_floordiv_by_public_values() {
    each_session(
        5,
        |rt| async move {
            let x = secret(&rt, &[5.0, 1.0, two(-F), 2.0 * two(-F), 27.0, -27.0, 21.5, -21.5]).await?;
            let at = |i: usize| x.select(&[i]);
            let fine = Value::Fixed(two(1 - F));
            let mods = cat(&[
                rt.mod_public(&at(0)?, Value::Int(2)).await?,
                rt.mod_public(&cat(&[at(1)?, at(2)?, at(3)?])?, fine).await?,
                rt.mod_public(&at(4)?, Value::Fixed(7.0)).await?,
                rt.mod_public(&at(4)?, Value::Fixed(6.0)).await?,
                rt.mod_public(&at(6)?, Value::Fixed(7.5)).await?,
                rt.mod_public(&at(6)?, Value::Fixed(0.5)).await?,
            ])?;
            let divs = cat(&[
                rt.floordiv_public(&at(1)?, fine).await?,
                rt.floordiv_public(&at(5)?, Value::Fixed(7.0)).await?,
                rt.floordiv_public(&at(4)?, Value::Fixed(6.0)).await?,
                rt.floordiv_public(&at(7)?, Value::Fixed(7.5)).await?,
                rt.floordiv_public(&at(6)?, Value::Fixed(0.5)).await?,
            ])?;
            Ok((open_f64(&rt, &mods).await?, open_f64(&rt, &divs).await?))
        },
        |m, t, (mods, divs)| {
            assert_eq!(mods, [1.0, 0.0, two(-F), 0.0, 6.0, 3.0, 6.5, 0.0], "m={m} t={t}");
            assert_eq!(divs, [two(F - 1), -4.0, 4.0, -3.0, 43.0], "m={m} t={t}");
        },
    );
}

/// Sums and means, with MPyC's values and, exactly (times 2^32), with
/// summands whose sum needs all 64 bits.
#[test]
fn sum_and_mean() {
    let xs = [10.5, -3.25, 0.125, -0.125];
    // 10^9, −10^9 − 0.5, 2^-32 and 2^31 − 0.25 − 2^-32: the sum is the
    // largest value but 2^-32 short of 0.75 below 2^31.
    let big = [1_000_000_000i128 << 32, -(1_000_000_000i128 << 32) - (1 << 31), 1, (1i128 << 63) - (1 << 30) - 1];
    each_session(
        6,
        move |rt| async move {
            let x = secret(&rt, &xs).await?;
            let mean = rt.mean(&x).await?;
            let b = exact(&rt, 1, &big).await?;
            let big_mean = rt.mean(&b.select(&[1, 3])?).await?;
            Ok((open_f64(&rt, &cat(&[x.sum(), mean])?).await?, open_exact(&rt, &cat(&[b.sum(), big_mean])?).await?))
        },
        move |m, t, (got, exact)| {
            assert_eq!(got[0], 7.25, "m={m} t={t} sum");
            close(got[1], 7.25 / 4.0, two(1 - F), &format!("m={m} t={t} mean"));
            assert_eq!(exact[0], big.iter().sum::<i128>(), "m={m} t={t} big sum");
            // (−10^9 − 0.5 + 2^31 − 0.25 − 2^-32) / 2, to within 2^-32 (raw 1).
            let twice = big[1] + big[3];
            assert!((exact[1] - twice.div_euclid(2)).abs() <= 1, "m={m} t={t} big mean: raw {} for {twice}/2", exact[1]);
        },
    );
}

/// Raw values (times 2^32) at the ends of the range: the largest and
/// smallest values compare correctly, and a product whose exact value is
/// off the grid rounds to one of its two neighbours (MPyC's stochastic
/// rounding), with raw products up to 2^95 inside the 128-bit field.
#[test]
fn products_and_comparisons_at_the_ends_of_the_range() {
    let (hi, lo) = (max_of(64), min_of(64));
    // x·y with x, y raw: hi · (2^32 − 1) (just under 2^31 · 1), lo · 2^32
    // (−2^31 · 1, exact), (−2^31) · (−0.5), 46340.5², and 2^-16 · 2^-16.
    let xs = [hi, lo, lo, 46340 * (1i128 << 32) + (1 << 31), 1 << 16];
    let ys = [(1i128 << 32) - 1, 1 << 32, -(1 << 31), 46340 * (1i128 << 32) + (1 << 31), 1 << 16];
    each_session(
        7,
        move |rt| async move {
            let x = exact(&rt, 0, &xs).await?;
            let y = exact(&rt, 1, &ys).await?;
            let xy = open_exact(&rt, &rt.mul(&x, &y).await?).await?;
            let ends = exact(&rt, 2, &[hi, lo, hi - 1, lo + 1, 0]).await?;
            let (e, f) = (ends.select(&[0, 1, 0, 2, 3, 4, 1])?, ends.select(&[1, 0, 2, 1, 1, 1, 1])?);
            let lt = open_f64(&rt, &rt.lt(&e, &f).await?).await?;
            let ge = open_f64(&rt, &rt.ge(&e, &f).await?).await?;
            let raw = open_exact(&rt, &ends).await?;
            Ok((xy, lt, ge, raw))
        },
        move |m, t, (xy, lt, ge, raw)| {
            for (i, (&x, &y)) in xs.iter().zip(&ys).enumerate() {
                let exact = x * y;
                let floor = exact.div_euclid(1 << 32);
                let ceil = floor + i128::from(exact.rem_euclid(1 << 32) != 0);
                assert!(xy[i] == floor || xy[i] == ceil, "m={m} t={t} product {i}: raw {} not {floor} or {ceil}", xy[i]);
            }
            assert_eq!(&xy[1..], [lo, 1 << 62, 2147441940 * (1i128 << 32) + (1 << 30), 1], "m={m} t={t} exact products");
            // hi > lo, lo < hi, hi > hi − 1, hi − 1 > lo, lo + 1 > lo, 0 > lo, lo = lo
            assert_eq!(lt, [0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0], "m={m} t={t} lt");
            assert_eq!(ge, [1.0, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0], "m={m} t={t} ge");
            assert_eq!(raw, [hi, lo, hi - 1, lo + 1, 0], "m={m} t={t} raw round trip");
        },
    );
}
