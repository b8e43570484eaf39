//! Shared helpers for the engine's integration tests: running a program as
//! every party for every allowed `(m, t)`, checking that the parties agree,
//! sharing inputs, and plaintext references.
#![allow(unreachable_pub, missing_docs)]

use core::fmt::Debug;
use core::future::Future;
use std::rc::Rc;

use chacha20::ChaCha12Rng;
use cohort_mpc::{Kind, Result, Runtime, SecType, SecVec, Stats, Value, local};
use rand_core::{Rng, SeedableRng};

/// Every `(m, t)` the issue asks for: m ∈ {1, 3, 5, 7} and every t with 2t < m.
pub const CONFIGS: [(usize, usize); 10] = [(1, 0), (3, 0), (3, 1), (5, 0), (5, 1), (5, 2), (7, 0), (7, 1), (7, 2), (7, 3)];

/// A ~61-bit prime (2^61 − 1, ≡ 3 mod 4) for `secfld`.
pub const P61: u128 = (1 << 61) - 1;
/// A small prime ≡ 1 (mod 4), so random bits take the Tonelli–Shanks path.
pub const P101: u128 = 101;

/// Runs `program` as all `m` parties, asserts that every party returns the
/// same result, and returns it with every party's counters.
pub fn run_agreed<T, F, Fut>(m: usize, t: usize, seed: u64, program: F) -> (T, Vec<Stats>)
where
    T: PartialEq + Debug + Clone + 'static,
    F: Fn(Rc<Runtime>) -> Fut,
    Fut: Future<Output = Result<T>> + 'static,
{
    let outcome = local::run(m, t, seed, program).unwrap_or_else(|e| panic!("m={m} t={t} seed={seed}: {e}"));
    assert_eq!(outcome.results.len(), m);
    for (i, r) in outcome.results.iter().enumerate() {
        assert_eq!(r, &outcome.results[0], "m={m} t={t}: party {i} disagrees with party 0");
    }
    (outcome.results[0].clone(), outcome.stats)
}

/// Runs `program` for every `(m, t)` in [`CONFIGS`] and hands each agreed
/// result to `check` with its `(m, t)`.
pub fn for_all_configs<T, F, Fut>(seed: u64, program: F, mut check: impl FnMut(usize, usize, T))
where
    T: PartialEq + Debug + Clone + 'static,
    F: Fn(Rc<Runtime>) -> Fut,
    Fut: Future<Output = Result<T>> + 'static,
{
    for (m, t) in CONFIGS {
        let (r, _) = run_agreed(m, t, seed ^ (m as u64) << 32 ^ (t as u64) << 40, &program);
        check(m, t, r);
    }
}

/// Shares `values` from party `owner % m` (the others pass `None`).
pub async fn input(rt: &Runtime, ty: &SecType, owner: usize, values: &[Value]) -> Result<SecVec> {
    let owner = owner % rt.parties();
    rt.input(ty, owner, (rt.id() == owner).then_some(values), values.len()).await
}

/// Shares integers from party `owner % m`.
pub async fn input_ints(rt: &Runtime, ty: &SecType, owner: usize, values: &[i128]) -> Result<SecVec> {
    input(rt, ty, owner, &ints(values)).await
}

/// Opens to everyone and returns the integers.
pub async fn open_ints(rt: &Runtime, x: &SecVec) -> Result<Vec<i128>> {
    Ok(as_ints(&rt.reveal_all(x).await?))
}

/// Opens to everyone and returns the values as floats.
pub async fn open_f64(rt: &Runtime, x: &SecVec) -> Result<Vec<f64>> {
    Ok(rt.reveal_all(x).await?.into_iter().map(Value::as_f64).collect())
}

pub fn ints(v: &[i128]) -> Vec<Value> {
    v.iter().map(|&x| Value::Int(x)).collect()
}

pub fn fixed(v: &[f64]) -> Vec<Value> {
    v.iter().map(|&x| Value::Fixed(x)).collect()
}

pub fn as_ints(v: &[Value]) -> Vec<i128> {
    v.iter()
        .map(|x| match *x {
            Value::Int(i) => i,
            Value::Fixed(f) => panic!("expected an integer, got {f}"),
        })
        .collect()
}

/// The largest `l`-bit signed value, `2^(l−1) − 1`.
pub fn max_of(l: u32) -> i128 {
    (1i128 << (l - 1)) - 1
}

/// The smallest `l`-bit signed value, `−2^(l−1)`.
pub fn min_of(l: u32) -> i128 {
    -(1i128 << (l - 1))
}

/// Edge values of `l`-bit signed integers: 0, ±1, ±2, the extremes and their
/// neighbours, and ±2^(l−2).
pub fn edges(l: u32) -> Vec<i128> {
    let (lo, hi) = (min_of(l), max_of(l));
    let mut v = vec![0, 1, -1, 2, -2, hi, hi - 1, lo, lo + 1];
    if l >= 3 {
        v.push(1 << (l - 2));
        v.push(-(1 << (l - 2)));
    }
    let mut out = Vec::new();
    for x in v {
        if x >= lo && x <= hi && !out.contains(&x) {
            out.push(x);
        }
    }
    out
}

/// A deterministic generator for test data.
pub fn rng(seed: u64) -> ChaCha12Rng {
    ChaCha12Rng::seed_from_u64(seed)
}

/// `n` uniformly random `l`-bit signed integers.
pub fn random_ints(seed: u64, l: u32, n: usize) -> Vec<i128> {
    let mut r = rng(seed);
    (0..n)
        .map(|_| {
            let v = (u128::from(r.next_u64()) | u128::from(r.next_u64()) << 64) & ((1u128 << l) - 1);
            v as i128 + min_of(l)
        })
        .collect()
}

/// Every ordered pair of `xs`, as two vectors.
pub fn all_pairs(xs: &[i128]) -> (Vec<i128>, Vec<i128>) {
    let mut a = Vec::new();
    let mut b = Vec::new();
    for &x in xs {
        for &y in xs {
            a.push(x);
            b.push(y);
        }
    }
    (a, b)
}

/// What a `secint`/`secfld` computation yields for the exact integer
/// result `exact`: its residue mod p, decoded the type's way.
pub fn wrap(ty: &SecType, exact: i128) -> i128 {
    match ty.decode(ty.field().from_i128(exact)) {
        Value::Int(i) => i,
        Value::Fixed(f) => panic!("wrap is for integer types, got {f}"),
    }
}

/// A 0/1 integer from a bool.
pub fn bit(b: bool) -> i128 {
    i128::from(b)
}

/// `2^f` as a float.
pub fn scale(frac: u32) -> f64 {
    2f64.powi(frac as i32)
}

/// What an exact computation on raw integers yields in MPyC's semantics:
/// reduced mod p, centered for `secint`/`secfxp` (and scaled back for the
/// latter), in `[0, p)` for `secfld`. Independent of the engine's field code.
/// Fields of 128 bits (p > i128::MAX) included: the residue is a `u128`
/// (as in `SecType::decode_scaled`, a `secfld` residue beyond `i128` is
/// centered).
pub fn expect(ty: &SecType, raw: i128) -> Value {
    let p = ty.field().modulus();
    let r = if raw >= 0 { raw.unsigned_abs() % p } else { (p - raw.unsigned_abs() % p) % p };
    let centered = if r > p / 2 { -((p - r) as i128) } else { r as i128 };
    match ty.kind() {
        Kind::Fld => Value::Int(i128::try_from(r).unwrap_or(centered)),
        Kind::Int => Value::Int(centered),
        Kind::Fxp { frac } => Value::Fixed(centered as f64 / scale(frac)),
    }
}

/// The public value of type `ty` standing for `raw`.
pub fn value_of(ty: &SecType, raw: i128) -> Value {
    match ty.kind() {
        Kind::Fxp { frac } => Value::Fixed(raw as f64 / scale(frac)),
        _ => Value::Int(raw),
    }
}

/// Raw edge values of a type: [`edges`] of its bit length for `secint` and
/// `secfxp` (raw, scaled), and 0, 1, 2, p − 1, p − 2, ⌊p/2⌋, ⌊p/2⌋ + 1 for `secfld(p)`.
pub fn raw_edges(ty: &SecType) -> Vec<i128> {
    match ty.kind() {
        Kind::Fld => {
            let p = ty.field().modulus() as i128;
            let mut out: Vec<i128> = Vec::new();
            for x in [0, 1, 2, p - 1, p - 2, p / 2, p / 2 + 1] {
                if !out.contains(&x) {
                    out.push(x);
                }
            }
            out
        }
        _ => edges(ty.bits()),
    }
}

/// `n` uniformly random raw values of a type.
pub fn raw_random(ty: &SecType, seed: u64, n: usize) -> Vec<i128> {
    match ty.kind() {
        Kind::Fld => {
            let p = ty.field().modulus();
            let mut r = rng(seed);
            (0..n).map(|_| ((u128::from(r.next_u64()) | u128::from(r.next_u64()) << 64) % p) as i128).collect()
        }
        _ => random_ints(seed, ty.bits(), n),
    }
}

/// Edge values followed by `n_random` random ones, raw.
pub fn raw_samples(ty: &SecType, seed: u64, n_random: usize) -> Vec<i128> {
    let mut v = raw_edges(ty);
    v.extend(raw_random(ty, seed, n_random));
    v
}

pub fn values_of(ty: &SecType, raw: &[i128]) -> Vec<Value> {
    raw.iter().map(|&r| value_of(ty, r)).collect()
}

pub fn expects(ty: &SecType, raw: impl IntoIterator<Item = i128>) -> Vec<Value> {
    raw.into_iter().map(|r| expect(ty, r)).collect()
}

/// Shares raw values of `ty` from party `owner % m`.
pub async fn input_raw(rt: &Runtime, ty: &SecType, owner: usize, raw: &[i128]) -> Result<SecVec> {
    input(rt, ty, owner, &values_of(ty, raw)).await
}

/// The secure types most tests run on: secint(8), secint(32), secint(64),
/// secfxp(32, 16), secfld(101) and secfld(2^61 − 1).
pub fn all_types() -> Vec<SecType> {
    vec![
        SecType::int(8).unwrap(),
        SecType::int(32).unwrap(),
        SecType::int(64).unwrap(),
        SecType::fxp(32, 16).unwrap(),
        SecType::fld(P101).unwrap(),
        SecType::fld(P61).unwrap(),
    ]
}

/// The ordered types among [`all_types`].
pub fn ordered_types() -> Vec<SecType> {
    all_types().into_iter().filter(|t| t.kind() != Kind::Fld).collect()
}

/// Party configurations for a hand-driven session, with fixed seeds.
pub fn configs(m: usize, t: usize, seed: u64, prss: bool) -> Vec<cohort_mpc::Config> {
    (0..m)
        .map(|id| {
            let mut s = [0u8; 32];
            s[..8].copy_from_slice(&seed.to_le_bytes());
            s[8..16].copy_from_slice(&(id as u64).to_le_bytes());
            cohort_mpc::Config { parties: m, threshold: t, id, seed: Some(s), prss }
        })
        .collect()
}

/// Starts one session per configuration.
pub fn sessions<T, F, Fut>(configs: &[cohort_mpc::Config], program: F) -> Vec<cohort_mpc::Session<T>>
where
    T: 'static,
    F: Fn(Rc<Runtime>) -> Fut,
    Fut: Future<Output = Result<T>> + 'static,
{
    configs.iter().map(|c| cohort_mpc::Session::new(c, &program).expect("valid config")).collect()
}

/// Byte ranges of the steps' payloads, if the message parses (12-byte
/// header: round u64, step count u32; then u32 length + data per step).
pub fn payloads(msg: &[u8]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    if msg.len() < 12 {
        return out;
    }
    let steps = u32::from_le_bytes(msg[8..12].try_into().unwrap()) as usize;
    let mut at = 12;
    for _ in 0..steps {
        let Some(len) = msg.get(at..at + 4) else { return Vec::new() };
        let len = u32::from_le_bytes(len.try_into().unwrap()) as usize;
        at += 4;
        if at + len > msg.len() {
            return Vec::new();
        }
        out.push(at..at + len);
        at += len;
    }
    out
}

/// Drives sessions to the end like `local::run`, but every message goes
/// through `tamper(k, from, to, msg)` first, where `k` counts the sender's
/// flushed rounds from 0 (round 0 is the PRSS key set-up).
pub fn drive<T: 'static>(
    sessions: &mut [cohort_mpc::Session<T>],
    mut tamper: impl FnMut(usize, usize, usize, &mut Vec<u8>),
) -> Vec<Result<T>> {
    cohort_mpc::local::drive(sessions, |k, from, to, mut msg| {
        tamper(k, from, to, &mut msg);
        vec![msg]
    })
}

/// `a·b mod p` in `[0, p)` for any `p < 2^127`, by [`mul_ref`].
pub fn mul_mod(a: i128, b: i128, p: u128) -> i128 {
    let pi = p as i128;
    mul_ref(a.rem_euclid(pi) as u128, b.rem_euclid(pi) as u128, p) as i128
}

// Plaintext reference arithmetic modulo any `p < 2^128`, independent of the
// engine's Montgomery code: the field tests check `Field` against it.

/// `a + b mod p` for `a, b < p`, never overflowing.
pub fn add_ref(a: u128, b: u128, p: u128) -> u128 {
    if a >= p - b { a - (p - b) } else { a + b }
}

/// `a · b mod p` by double-and-add, on [`add_ref`] alone.
pub fn mul_ref(a: u128, b: u128, p: u128) -> u128 {
    let (mut acc, mut a, mut b) = (0u128, a % p, b % p);
    while b > 0 {
        if b & 1 == 1 {
            acc = add_ref(acc, a, p);
        }
        a = add_ref(a, a, p);
        b >>= 1;
    }
    acc
}

/// `a^e mod p` by square-and-multiply on [`mul_ref`].
pub fn pow_ref(a: u128, mut e: u128, p: u128) -> u128 {
    let (mut acc, mut base) = (1 % p, a % p);
    while e > 0 {
        if e & 1 == 1 {
            acc = mul_ref(acc, base, p);
        }
        base = mul_ref(base, base, p);
        e >>= 1;
    }
    acc
}

/// Miller–Rabin with the 25 primes below 100 as bases, on the reference
/// arithmetic (independent of `Field`).
pub fn is_prime_ref(n: u128) -> bool {
    const BASES: [u128; 25] = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97];
    if n < 2 {
        return false;
    }
    for q in BASES {
        if n.is_multiple_of(q) {
            return n == q;
        }
    }
    let s = (n - 1).trailing_zeros();
    let d = (n - 1) >> s;
    'bases: for a in BASES {
        let mut x = pow_ref(a, d, n);
        if x == 1 || x == n - 1 {
            continue;
        }
        for _ in 1..s {
            x = mul_ref(x, x, n);
            if x == n - 1 {
                continue 'bases;
            }
        }
        return false;
    }
    true
}

/// `secint(32)` keys from party 0 sorted by `m` parties (ascending or
/// descending), with the rounds the sort took. Asserts the keys came out
/// sorted.
pub fn sort_counting_rounds(m: usize, t: usize, seed: u64, keys: &[i128], descending: bool) -> u64 {
    let ty = SecType::int(32).unwrap();
    let (got, _) = run_agreed(m, t, seed, |rt| {
        let keys = keys.to_vec();
        async move {
            let x = input_ints(&rt, &ty, 0, &keys).await?;
            let before = rt.stats().rounds;
            let s = rt.sort(&x, descending).await?;
            let rounds = rt.stats().rounds - before;
            Ok((rounds, open_ints(&rt, &s).await?))
        }
    });
    let mut sorted = keys.to_vec();
    sorted.sort();
    if descending {
        sorted.reverse();
    }
    assert_eq!(got.1, sorted, "m={m} t={t} seed={seed} descending={descending}");
    got.0
}
