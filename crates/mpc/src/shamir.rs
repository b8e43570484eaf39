//! Shamir secret sharing: party `i` holds `f(i + 1)` for a random polynomial
//! `f` of degree `t` with `f(0)` the secret.

use rand_core::Rng;

use crate::field::{Fe, Field, MulBy, with_mul};

/// The evaluation point of party `i`.
pub fn point(field: &Field, i: usize) -> Fe {
    field.from_u128(i as u128 + 1)
}

/// Shares every secret with a fresh random polynomial of degree `t`;
/// returns `shares[party][k]`, `m` parties.
pub fn share(field: &Field, rng: &mut impl Rng, secrets: &[Fe], t: usize, m: usize) -> Vec<Vec<Fe>> {
    if t == 1 {
        return share_linear(field, rng, secrets, m);
    }
    let n = secrets.len();
    // coeffs[d][k]: the coefficient of x^(d+1) for secret k.
    let coeffs: Vec<Vec<Fe>> = (0..t).map(|_| (0..n).map(|_| field.random(rng)).collect()).collect();
    (0..m)
        .map(|j| {
            let x = point(field, j);
            // Horner: ((c_t x + c_{t-1}) x + … + c_1) x + s, one party at a time.
            let mut y = vec![field.zero(); n];
            with_mul!(field, |m| for c in coeffs.iter().rev() {
                for (yk, &ck) in y.iter_mut().zip(c) {
                    *yk = m.mul(field.add(*yk, ck), x);
                }
            });
            for (yk, &s) in y.iter_mut().zip(secrets) {
                *yk = field.add(*yk, s);
            }
            y
        })
        .collect()
}

/// [`share`] for `t = 1`, where party `j` gets `s + (j + 1)·c`: a running
/// sum over the parties, without multiplications.
fn share_linear(field: &Field, rng: &mut impl Rng, secrets: &[Fe], m: usize) -> Vec<Vec<Fe>> {
    let coeffs: Vec<Fe> = secrets.iter().map(|_| field.random(rng)).collect();
    let mut shares: Vec<Vec<Fe>> = Vec::with_capacity(m);
    let mut current: Vec<Fe> = secrets.to_vec();
    for _ in 0..m {
        for (y, &c) in current.iter_mut().zip(&coeffs) {
            *y = field.add(*y, c);
        }
        shares.push(current.clone());
    }
    shares
}

/// Lagrange coefficients `λ_j = Π_{k≠j} x_k / (x_k − x_j)` for interpolating
/// at 0 from the points of the given (distinct) parties.
pub fn lagrange_at_zero(field: &Field, parties: &[usize]) -> Vec<Fe> {
    let xs: Vec<Fe> = parties.iter().map(|&j| point(field, j)).collect();
    let others = |j: usize| xs.iter().enumerate().filter(move |&(k, _)| k != j).map(|(_, &x)| x);
    let mut dens: Vec<Fe> = (0..xs.len())
        .map(|j| others(j).fold(field.one(), |d, xk| field.mul(d, field.sub(xk, xs[j]))))
        .collect();
    field.batch_inv(&mut dens).expect("distinct points give nonzero denominators");
    dens.iter()
        .enumerate()
        .map(|(j, &inv_den)| field.mul(others(j).fold(field.one(), |n, xk| field.mul(n, xk)), inv_den))
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

/// Interpolates at 0 with small integer coefficients (see [`small_lagrange`]).
pub fn recombine_small(field: &Field, lambdas: &[i8], shares: &[&[Fe]]) -> Vec<Fe> {
    let n = shares.first().map_or(0, |s| s.len());
    let mut out = vec![field.zero(); n];
    for (&lambda, s) in lambdas.iter().zip(shares) {
        // |λ| ≤ 4: x·|λ| by at most two doublings and an addition.
        let times = |x: Fe| match lambda.unsigned_abs() {
            1 => x,
            2 => field.add(x, x),
            3 => field.add(field.add(x, x), x),
            _ => {
                let d = field.add(x, x);
                field.add(d, d)
            }
        };
        if lambda > 0 {
            out.iter_mut().zip(s.iter()).for_each(|(o, &x)| *o = field.add(*o, times(x)));
        } else {
            out.iter_mut().zip(s.iter()).for_each(|(o, &x)| *o = field.sub(*o, times(x)));
        }
    }
    out
}

/// Interpolates at 0: `Σ_j λ_j · shares[j][k]` for every `k`.
pub fn recombine(field: &Field, lambdas: &[Fe], shares: &[&[Fe]]) -> Vec<Fe> {
    let n = shares.first().map_or(0, |s| s.len());
    let mut out = vec![field.zero(); n];
    with_mul!(field, |m| for (&lambda, s) in lambdas.iter().zip(shares) {
        for (o, &x) in out.iter_mut().zip(s.iter()) {
            *o = field.add(*o, m.mul(lambda, x));
        }
    });
    out
}
