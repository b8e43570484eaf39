//! Shamir secret sharing: party `i` holds `f(i + 1)` for a random polynomial
//! `f` of degree `t` with `f(0)` the secret.

use rand_core::Rng;

use crate::field::{Fe, Field};

/// The evaluation point of party `i`.
pub fn point(field: &Field, i: usize) -> Fe {
    field.from_u128(i as u128 + 1)
}

/// Shares every secret with a fresh random polynomial of degree `t`;
/// returns `shares[party][k]`, `m` parties.
pub fn share(field: &Field, rng: &mut impl Rng, secrets: &[Fe], t: usize, m: usize) -> Vec<Vec<Fe>> {
    let n = secrets.len();
    // coeffs[d][k]: the coefficient of x^(d+1) for secret k.
    let coeffs: Vec<Vec<Fe>> = (0..t).map(|_| (0..n).map(|_| field.random(rng)).collect()).collect();
    (0..m)
        .map(|j| {
            let x = point(field, j);
            // Horner: ((c_t x + c_{t-1}) x + … + c_1) x + s, one party at a time.
            let mut y = vec![field.zero(); n];
            for c in coeffs.iter().rev() {
                for (yk, &ck) in y.iter_mut().zip(c) {
                    *yk = field.mul(field.add(*yk, ck), x);
                }
            }
            for (yk, &s) in y.iter_mut().zip(secrets) {
                *yk = field.add(*yk, s);
            }
            y
        })
        .collect()
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

/// Interpolates at 0: `Σ_j λ_j · shares[j][k]` for every `k`.
pub fn recombine(field: &Field, lambdas: &[Fe], shares: &[&[Fe]]) -> Vec<Fe> {
    let n = shares.first().map_or(0, |s| s.len());
    let mut out = vec![field.zero(); n];
    for (&lambda, s) in lambdas.iter().zip(shares) {
        for (o, &x) in out.iter_mut().zip(s.iter()) {
            *o = field.add(*o, field.mul(lambda, x));
        }
    }
    out
}
