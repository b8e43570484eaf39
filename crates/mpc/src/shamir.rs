//! Shamir secret sharing: party `i` holds `f(i + 1)` for a random polynomial
//! `f` of degree `t` with `f(0)` the secret.

use rand_core::Rng;

use crate::field::{Arith, Fe, Field, with_arith};

/// The evaluation point of party `i`.
pub fn point(field: &Field, i: usize) -> Fe {
    field.from_u128(i as u128 + 1)
}

/// Fresh random coefficients `c_1..c_t` for `n` secrets: `coeffs[d][k]` is
/// the coefficient of `x^(d+1)` in the polynomial of secret `k`.
pub fn random_coefficients(field: &Field, rng: &mut impl Rng, t: usize, n: usize) -> Vec<Vec<Fe>> {
    (0..t).map(|_| (0..n).map(|_| field.random(rng)).collect()).collect()
}

/// Party `j`'s shares `f_k(j + 1)` of the secrets under the given
/// coefficients, passed to `sink` in order (Horner's rule).
pub fn eval_for(field: &Field, secrets: &[Fe], coeffs: &[Vec<Fe>], j: usize, sink: impl FnMut(Fe)) {
    if coeffs.len() == 1 {
        return eval_linear(field, secrets, &coeffs[0], j, sink);
    }
    eval_horner(field, secrets, coeffs, j, sink);
}

/// [`eval_for`] for degree 1: `s + x·c`.
fn eval_linear(field: &Field, secrets: &[Fe], coeffs: &[Fe], j: usize, mut sink: impl FnMut(Fe)) {
    let x = point(field, j);
    with_arith!(field, |a| for (&s, &c) in secrets.iter().zip(coeffs) {
        sink(a.add(s, a.mul(c, x)));
    });
}

fn eval_horner(field: &Field, secrets: &[Fe], coeffs: &[Vec<Fe>], j: usize, mut sink: impl FnMut(Fe)) {
    let x = point(field, j);
    with_arith!(field, |m| for (k, &s) in secrets.iter().enumerate() {
        let mut y = field.zero();
        for c in coeffs.iter().rev() {
            y = m.mul(field.add(y, c[k]), x);
        }
        sink(field.add(y, s));
    });
}

/// Shares every secret with a fresh random polynomial of degree `t`;
/// returns `shares[party][k]`, `m` parties.
pub fn share(field: &Field, rng: &mut impl Rng, secrets: &[Fe], t: usize, m: usize) -> Vec<Vec<Fe>> {
    let coeffs = random_coefficients(field, rng, t, secrets.len());
    (0..m)
        .map(|j| {
            let mut shares = Vec::with_capacity(secrets.len());
            eval_for(field, secrets, &coeffs, j, |y| shares.push(y));
            shares
        })
        .collect()
}

/// Lagrange coefficients `λ_j = Π_{k≠j} x_k / (x_k − x_j)` for interpolating
/// at 0 from the points of the given (distinct) parties.
pub fn lagrange_at_zero(field: &Field, parties: &[usize]) -> Vec<Fe> {
    let xs: Vec<Fe> = parties.iter().map(|&j| point(field, j)).collect();
    let others = |j: usize| xs.iter().enumerate().filter(move |&(k, _)| k != j).map(|(_, &x)| x);
    let mut dens: Vec<Fe> = (0..xs.len()).map(|j| others(j).fold(field.one(), |d, xk| field.mul(d, field.sub(xk, xs[j])))).collect();
    field.batch_inv(&mut dens).expect("distinct points give nonzero denominators");
    dens.iter().enumerate().map(|(j, &inv_den)| field.mul(others(j).fold(field.one(), |n, xk| field.mul(n, xk)), inv_den)).collect()
}

/// The Lagrange basis at `x` for distinct `nodes`: `L_a(x) = Π_{b≠a} (x −
/// X_b) / (X_a − X_b)`, so that `Σ_a L_a(x)·y_a` is the value at `x` of the
/// polynomial of degree `< nodes.len()` through `(X_a, y_a)`.
pub fn lagrange_basis(field: &Field, nodes: &[Fe], x: Fe) -> Vec<Fe> {
    let others = |a: usize| nodes.iter().enumerate().filter(move |&(b, _)| b != a).map(|(_, &xb)| xb);
    let mut dens: Vec<Fe> = (0..nodes.len()).map(|a| others(a).fold(field.one(), |d, xb| field.mul(d, field.sub(nodes[a], xb)))).collect();
    field.batch_inv(&mut dens).expect("distinct nodes give nonzero denominators");
    dens.iter()
        .enumerate()
        .map(|(a, &inv_den)| field.mul(others(a).fold(field.one(), |n, xb| field.mul(n, field.sub(x, xb))), inv_den))
        .collect()
}

/// Lagrange coefficients at 0 as small integers (|λ| ≤ 4), if they are:
/// then interpolation needs only additions. True for 2 or 3 consecutive
/// points from 1, the threshold-1 openings and reshares of 3 parties.
pub fn small_lagrange(parties: &[usize]) -> Option<Vec<i8>> {
    let xs: Vec<i64> = parties.iter().map(|&j| j as i64 + 1).collect();
    xs.iter()
        .enumerate()
        .map(|(j, &xj)| {
            let (mut num, mut den) = (1i64, 1i64);
            for (_, &xk) in xs.iter().enumerate().filter(|&(k, _)| k != j) {
                num = num.checked_mul(xk)?;
                den = den.checked_mul(xk - xj)?;
            }
            (num % den == 0 && (num / den).abs() <= 4).then(|| (num / den) as i8)
        })
        .collect()
}

/// A Lagrange coefficient: a small integer where possible (interpolation by
/// additions), a field element otherwise.
#[derive(Clone, Copy, Debug)]
pub enum Lambda {
    /// `|λ| ≤ 4`.
    Small(i8),
    /// Any coefficient.
    Field(Fe),
}

/// The Lagrange coefficients at 0 for the given parties, small when they are.
pub fn lambdas(field: &Field, parties: &[usize]) -> Vec<Lambda> {
    match small_lagrange(parties) {
        Some(small) => small.into_iter().map(Lambda::Small).collect(),
        None => lagrange_at_zero(field, parties).into_iter().map(Lambda::Field).collect(),
    }
}

/// `out[k] += λ · x_k` for the values `xs` (which may stop short; the caller
/// checks lengths).
pub fn accumulate(field: &Field, lambda: Lambda, out: &mut [Fe], xs: impl Iterator<Item = Fe>) {
    with_arith!(field, |a| match lambda {
        Lambda::Small(l) => {
            // |λ| ≤ 4: x·|λ| by at most two doublings and an addition.
            let times = |x: Fe| match l.unsigned_abs() {
                1 => x,
                2 => a.add(x, x),
                3 => a.add(a.add(x, x), x),
                _ => {
                    let d = a.add(x, x);
                    a.add(d, d)
                }
            };
            if l > 0 {
                out.iter_mut().zip(xs).for_each(|(o, x)| *o = a.add(*o, times(x)));
            } else {
                out.iter_mut().zip(xs).for_each(|(o, x)| *o = a.sub(*o, times(x)));
            }
        }
        Lambda::Field(l) => out.iter_mut().zip(xs).for_each(|(o, x)| *o = a.add(*o, a.mul(l, x))),
    })
}

/// `λ · x_k` for each `x_k`.
pub fn scaled(field: &Field, lambda: Lambda, xs: &[Fe]) -> Vec<Fe> {
    with_arith!(field, |a| match lambda {
        Lambda::Small(1) => xs.to_vec(),
        Lambda::Small(l) => {
            let l = field.from_i128(i128::from(l));
            xs.iter().map(|&x| a.mul(l, x)).collect()
        }
        Lambda::Field(l) => xs.iter().map(|&x| a.mul(l, x)).collect(),
    })
}

/// `out[k] += λ · x_k` for elements `x_k` decoded from `bytes` (exactly
/// `out.len()` of them, checked by the caller); `false` if any is not below
/// `p`, in which case `out` is garbage.
pub fn accumulate_wire(field: &Field, lambda: Lambda, out: &mut [Fe], bytes: &[u8]) -> bool {
    if field.byte_len() != 8 {
        let mut valid = true;
        let xs = field.decode_iter(bytes).map(|v| {
            valid &= v.is_ok();
            v.unwrap_or_default()
        });
        accumulate(field, lambda, out, xs);
        return valid;
    }
    // 64-bit fields: decode, check and accumulate in one tight pass.
    let p = field.modulus();
    let mut max = 0u64;
    let xs = bytes.chunks_exact(8).map(|c| {
        let v = u64::from_le_bytes(c.try_into().expect("8 bytes"));
        max = max.max(v);
        Fe::from_mont(u128::from(v))
    });
    accumulate(field, lambda, out, xs);
    u128::from(max) < p
}

/// Interpolates at 0: `Σ_j λ_j · shares[j][k]` for every `k`.
pub fn recombine(field: &Field, lambdas: &[Lambda], shares: &[&[Fe]]) -> Vec<Fe> {
    let n = shares.first().map_or(0, |s| s.len());
    let mut out = vec![field.zero(); n];
    for (&lambda, s) in lambdas.iter().zip(shares) {
        accumulate(field, lambda, &mut out, s.iter().copied());
    }
    out
}
