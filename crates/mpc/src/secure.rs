//! Secure types and the operations on them: MPyC's `secint(l)`,
//! `secfxp(l, f)` and `secfld(p)`, on vectors of secret-shared values.
//!
//! A [`SecVec`] is this party's shares of a vector of secret values of one
//! [`SecType`]; a scalar is a vector of length one. Linear operations are
//! local; everything else is an `async` method of [`Runtime`] that costs the
//! rounds of one operation however long the vectors are.

use core::fmt;

use cohort_text::display_f64;
use futures_util::future::{try_join, try_join_all};

use crate::field::{Fe, Field, blum_prime};
use crate::protocols::basic::same_len;
use crate::runtime::{Receivers, Runtime, SEC_PARAM};
use crate::{Error, PartyId, Result};

/// Random permutations [`Runtime::random_derangement`] draws side by side:
/// at least a third of the permutations of `n ≥ 2` elements are
/// derangements, so a whole batch fails with probability at most
/// `(2/3)^8 < 0.04` (for large `n`, about `(1 − 1/e)^8 ≈ 0.026`). Fewer
/// than 30, so `try_join_all` polls the candidates in order and every party
/// registers their steps in the same order.
pub const DERANGEMENT_BATCH: usize = 8;

/// Batches [`Runtime::random_derangement`] tries before giving up.
const DERANGEMENT_MAX_BATCHES: usize = 64;

/// What kind of values a secure type holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Signed integers.
    Int,
    /// Signed fixed-point numbers with `frac` fractional bits.
    Fxp {
        /// Fractional bits `f`.
        frac: u32,
    },
    /// Elements of the prime field itself.
    Fld,
}

/// A secure type: the kind of its values, their bit length and the field
/// their shares live in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SecType {
    kind: Kind,
    bits: u32,
    field: Field,
}

/// A public value of a secure type.
#[derive(Clone, Copy, PartialEq)]
pub enum Value {
    /// An integer (for `secint` and `secfld`; also accepted by `secfxp`).
    Int(i128),
    /// A fixed-point number (for `secfxp`; whole numbers are accepted by `secint`).
    Fixed(f64),
}

/// `Int(5)`, `Fixed(1.5)`: what a derived `Debug` would print (width and
/// precision flags aside), with the float printed by `cohort_text` rather
/// than core's float formatting (about 20 KB of the browser's WebAssembly).
impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Value::Int(i) => f.debug_tuple("Int").field(&i).finish(),
            Value::Fixed(x) => f.debug_tuple("Fixed").field(&DebugF64(x)).finish(),
        }
    }
}

/// An `f64` that `Debug`-prints as `{:?}` does, through `cohort_text`.
struct DebugF64(f64);

impl fmt::Debug for DebugF64 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&cohort_text::debug_f64(self.0))
    }
}

impl Value {
    /// The value as a float (fixed-point outputs, statistics).
    pub fn as_f64(self) -> f64 {
        match self {
            Value::Int(v) => v as f64,
            Value::Fixed(v) => v,
        }
    }
}

impl SecType {
    /// `secint(l)`: `l`-bit signed integers, `1 ≤ l ≤ 96`, in the field of the
    /// largest Blum prime below `2^(l + k + 2)` (at most 128 bits).
    pub fn int(bits: u32) -> Result<Self> {
        Self::scaled(Kind::Int, bits, 0)
    }

    /// `secfxp(l, f)`: `l`-bit signed fixed-point numbers of which `f` bits are
    /// fractional (`0 ≤ f < l`), in the field of the largest Blum prime below
    /// `2^(l + f + k + 2)` (at most 128 bits: `secfxp(64)` is `secfxp(64, 32)`
    /// in a 128-bit field, as in MPyC).
    pub fn fxp(bits: u32, frac: u32) -> Result<Self> {
        if frac >= bits {
            return Err(Error::InvalidArgument(format!("secfxp({bits}, {frac}): need fewer fractional bits than bits")));
        }
        Self::scaled(Kind::Fxp { frac }, bits, frac)
    }

    fn scaled(kind: Kind, bits: u32, frac: u32) -> Result<Self> {
        let field_bits = bits + frac + SEC_PARAM + 2;
        if bits == 0 || field_bits > crate::field::MAX_MODULUS_BITS {
            return Err(Error::InvalidArgument(format!(
                "{bits} bits (with {frac} fractional) is not supported: the field would need {field_bits} bits, at most {}",
                crate::field::MAX_MODULUS_BITS
            )));
        }
        Ok(SecType { kind, bits, field: blum_prime(field_bits)? })
    }

    /// `secfld(p)`: elements of `GF(p)` for an odd prime `p < 2^127`.
    ///
    /// The fields of `secint` and `secfxp` reach `2^128`, but a `secfld`
    /// value is a [`Value::Int`] in `[0, p)`, an `i128`: a larger `p` has
    /// elements no `Value` can hold, so it is refused.
    pub fn fld(p: u128) -> Result<Self> {
        if p >> 127 != 0 {
            return Err(Error::InvalidArgument(format!(
                "secfld({p}) is not supported: a secfld modulus must be below 2^127, so that its elements fit a signed 128-bit value"
            )));
        }
        let field = Field::new(p)?;
        Ok(SecType { kind: Kind::Fld, bits: 128 - (p - 1).leading_zeros(), field })
    }

    /// Whether [`Runtime::convert`] can convert values of this type to
    /// `to`, and the `secint` type it goes through, if any (from one
    /// `secfld` to another). From `secfld(p)`, the target's integers (a
    /// `secfxp`'s values times `2^f`) must hold `(t + 2)·p` for any
    /// threshold `t` up to [`crate::MAX_PARTIES`]` / 2`: `bits(p) + 7` bits.
    /// Between fields, the `secint` has `max(32, bits(p) + 7)` bits for the
    /// larger `p`, at most 96.
    pub fn convert_via(&self, to: &SecType) -> Result<Option<SecType>> {
        let need = |p: u128| (128 - p.leading_zeros()) + FIELD_CONVERSION_ROOM;
        match (self.kind, to.kind) {
            (Kind::Fld, Kind::Fld) => {
                let bits = need(self.field.modulus().max(to.field.modulus())).max(32);
                SecType::int(bits).map(Some).map_err(|_| {
                    Error::Type(format!(
                        "conversion from {self} to {to} is not supported: it goes through secint({bits}), above secint(96)"
                    ))
                })
            }
            (Kind::Fld, _) if to.bits + to.frac() < need(self.field.modulus()) => Err(Error::Type(format!(
                "conversion from {self} to {to} needs a target of at least {} bits (with fractional bits)",
                need(self.field.modulus())
            ))),
            _ => Ok(None),
        }
    }

    /// The kind of values.
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// The bit length `l` (for `secfld`, that of `p − 1`).
    pub fn bits(&self) -> u32 {
        self.bits
    }

    /// Fractional bits (0 unless fixed point).
    pub fn frac(&self) -> u32 {
        match self.kind {
            Kind::Fxp { frac } => frac,
            _ => 0,
        }
    }

    /// The field the shares live in.
    pub fn field(&self) -> &Field {
        &self.field
    }

    /// Encodes a public value as a field element, checking its range.
    pub fn encode(&self, v: Value) -> Result<Fe> {
        let f = &self.field;
        let raw = match (self.kind, v) {
            (Kind::Fld, Value::Int(i)) => return Ok(f.from_i128(i)),
            (Kind::Fld, Value::Fixed(x)) => return Err(Error::Type(format!("secfld takes integers, not {}", display_f64(x)))),
            (Kind::Int, Value::Int(i)) => i,
            (Kind::Int, Value::Fixed(x)) if x.fract() == 0.0 && x.abs() < 2f64.powi(120) => x as i128,
            (Kind::Int, Value::Fixed(x)) => return Err(Error::Type(format!("secint takes integers, not {}", display_f64(x)))),
            (Kind::Fxp { frac }, Value::Int(i)) => i.checked_mul(1 << frac).ok_or_else(|| self.out_of_range(v))?,
            (Kind::Fxp { frac }, Value::Fixed(x)) => {
                let scaled = (x * 2f64.powi(frac as i32)).round_ties_even();
                if !scaled.is_finite() || scaled.abs() >= 2f64.powi(126) {
                    return Err(self.out_of_range(v));
                }
                scaled as i128
            }
        };
        self.encode_scaled(raw).map_err(|_| self.out_of_range(v))
    }

    /// Encodes a value given exactly as its integer multiple of `2^-f`: the
    /// value times `2^f` for `secfxp`, the integer itself for `secint` and
    /// `secfld`. `secint` and `secfxp` need `−2^(l−1) ≤ scaled < 2^(l−1)`;
    /// `secfld` takes any integer modulo `p`.
    pub fn encode_scaled(&self, scaled: i128) -> Result<Fe> {
        if self.kind != Kind::Fld {
            let half = 1i128 << (self.bits - 1);
            if scaled < -half || scaled >= half {
                let frac = self.frac();
                return Err(Error::OutOfRange(format!(
                    "{scaled}·2^-{frac} does not fit {self}: the range is [-2^{}, 2^{})",
                    self.bits - 1 - frac,
                    self.bits - 1 - frac
                )));
            }
        }
        Ok(self.field.from_i128(scaled))
    }

    fn out_of_range(&self, v: Value) -> Error {
        let half = 1i128 << (self.bits - 1);
        let (lo, hi) = match self.kind {
            Kind::Fxp { frac } => (display_f64(-half as f64 / 2f64.powi(frac as i32)), display_f64(half as f64 / 2f64.powi(frac as i32))),
            _ => (format!("{}", -half), format!("{half}")),
        };
        let shown = match v {
            Value::Int(i) => i.to_string(),
            Value::Fixed(x) => display_f64(x),
        };
        Error::OutOfRange(format!("{shown} does not fit {self}: the range is [{lo}, {hi})"))
    }

    /// Decodes a field element: centered for `secint`/`secfxp`, `[0, p)` for `secfld`.
    pub fn decode(&self, x: Fe) -> Value {
        self.unscaled(self.decode_scaled(x))
    }

    /// The value whose integer multiple of `2^-f` is `scaled` (fixed point
    /// as the nearest float).
    fn unscaled(&self, scaled: i128) -> Value {
        match self.kind {
            Kind::Fxp { frac } => Value::Fixed(scaled as f64 / 2f64.powi(frac as i32)),
            _ => Value::Int(scaled),
        }
    }

    /// Decodes a field element exactly, as its integer multiple of `2^-f`:
    /// centered for `secint` and `secfxp` (the value times `2^f`), in `[0, p)`
    /// for `secfld`. (The one `secfld` over a field of 2^127 or more is the
    /// index type of a `secint`/`secfxp` with such a field, see
    /// [`SecType::index_type`]; its elements from `2^127` on, never an index,
    /// decode centered.)
    pub fn decode_scaled(&self, x: Fe) -> i128 {
        match self.kind {
            Kind::Fld => i128::try_from(self.field.to_u128(x)).unwrap_or_else(|_| self.field.to_i128(x)),
            _ => self.field.to_i128(x),
        }
    }

    /// The type of the index [`Runtime::argmin`] and [`Runtime::argmax`]
    /// return for `n` values of this type. As in MPyC it is this type when
    /// this type holds every index `0 … n − 1`. When it does not (more than
    /// `2^(l−1−f)` values), it is `secfld(p)` over this type's own field `p`:
    /// that holds the index exactly at no extra cost, and an index must not be
    /// a value of a type it overflows (MPyC's would be, and comparing it would
    /// give wrong answers).
    pub fn index_type(&self, n: usize) -> SecType {
        let fits = i128::try_from(n.saturating_sub(1)).is_ok_and(|last| self.encode(Value::Int(last)).is_ok());
        if fits {
            return *self;
        }
        let p = self.field.modulus();
        SecType { kind: Kind::Fld, bits: 128 - (p - 1).leading_zeros(), field: self.field }
    }

    /// How many values [`Runtime::uniform`] draws from between `a` and `b`:
    /// `round(|b − a|·2^f)` (ties to even, as Python's `round`). An error
    /// unless this is a `secfxp` type holding `a` and `b`, and the count is
    /// below `2^l`.
    pub fn uniform_steps(&self, a: Value, b: Value) -> Result<u128> {
        let Kind::Fxp { frac } = self.kind else {
            return Err(Error::Type(format!("uniform draws secfxp values, not {self}")));
        };
        self.encode(a)?;
        self.encode(b)?;
        let count = ((b.as_f64() - a.as_f64()).abs() * f64::from(frac).exp2()).round_ties_even();
        if !count.is_finite() || count >= f64::from(self.bits).exp2() {
            return Err(Error::InvalidArgument(format!(
                "no uniform {self} values between {} and {}",
                display_f64(a.as_f64()),
                display_f64(b.as_f64())
            )));
        }
        Ok(count as u128)
    }

    /// The bits of the random keys [`Runtime::shuffle`] sorts by in a
    /// session without PRSS keys (also for random permutations and
    /// derangements): what the field can compare, at least 8, or an error
    /// for a type whose field is too small. With PRSS keys any field
    /// shuffles; `cohort check` still refuses such a type, since whether a
    /// session has PRSS keys depends on its number of parties.
    pub fn shuffle_key_bits(&self) -> Result<u32> {
        let key_bits = self.field.bits().saturating_sub(SEC_PARAM + 2);
        if key_bits < 8 {
            return Err(Error::InvalidArgument(format!("{self} has too small a field to shuffle in")));
        }
        Ok(key_bits)
    }

    /// `2^f` as a field element (1 for integers and fields).
    fn scale(&self) -> Fe {
        self.field.from_u128(1 << self.frac())
    }

    fn integer(&self, op: &str) -> Result<()> {
        if self.kind != Kind::Int {
            return Err(Error::Type(format!("{op} is defined for secint, not {self}")));
        }
        Ok(())
    }

    fn ordered(&self, op: &str) -> Result<()> {
        if self.kind == Kind::Fld {
            return Err(Error::Type(format!("{op} is not defined for {self}: field elements have no order")));
        }
        Ok(())
    }
}

impl core::fmt::Display for SecType {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self.kind {
            Kind::Int => write!(f, "secint({})", self.bits),
            Kind::Fxp { frac } => write!(f, "secfxp({}, {frac})", self.bits),
            Kind::Fld => write!(f, "secfld({})", self.field.modulus()),
        }
    }
}

/// This party's shares of a vector of secret values of one type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecVec {
    ty: SecType,
    shares: Vec<Fe>,
}

impl SecVec {
    /// Wraps raw shares (for protocol extensions; no check is possible).
    pub fn from_shares(ty: SecType, shares: Vec<Fe>) -> Self {
        SecVec { ty, shares }
    }

    /// The type of the values.
    pub fn ty(&self) -> &SecType {
        &self.ty
    }

    /// This party's raw shares.
    pub fn shares(&self) -> &[Fe] {
        &self.shares
    }

    /// Number of values.
    pub fn len(&self) -> usize {
        self.shares.len()
    }

    /// Whether the vector is empty.
    pub fn is_empty(&self) -> bool {
        self.shares.is_empty()
    }

    /// The values at the given indices, in that order.
    pub fn select(&self, indices: &[usize]) -> Result<SecVec> {
        let shares = indices
            .iter()
            .map(|&i| {
                self.shares
                    .get(i)
                    .copied()
                    .ok_or_else(|| Error::InvalidArgument(format!("index {i} out of bounds for length {}", self.len())))
            })
            .collect::<Result<_>>()?;
        Ok(SecVec { ty: self.ty, shares })
    }

    /// This vector followed by `other`.
    pub fn concat(&self, other: &SecVec) -> Result<SecVec> {
        same_type(self, other)?;
        Ok(SecVec { ty: self.ty, shares: [&self.shares[..], &other.shares[..]].concat() })
    }

    fn map(&self, f: impl Fn(&Field, Fe) -> Fe) -> SecVec {
        let field = self.ty.field;
        SecVec { ty: self.ty, shares: self.shares.iter().map(|&x| f(&field, x)).collect() }
    }

    fn zip(&self, other: &SecVec, f: impl Fn(&Field, Fe, Fe) -> Fe) -> Result<SecVec> {
        same_type(self, other)?;
        same_len(&self.shares, &other.shares)?;
        let field = self.ty.field;
        Ok(SecVec { ty: self.ty, shares: self.shares.iter().zip(&other.shares).map(|(&a, &b)| f(&field, a, b)).collect() })
    }

    /// `a + b`, elementwise (local).
    pub fn add(&self, other: &SecVec) -> Result<SecVec> {
        self.zip(other, |f, a, b| f.add(a, b))
    }

    /// `a − b`, elementwise (local).
    pub fn sub(&self, other: &SecVec) -> Result<SecVec> {
        self.zip(other, |f, a, b| f.sub(a, b))
    }

    /// `−a` (local).
    pub fn neg(&self) -> SecVec {
        self.map(|f, a| f.neg(a))
    }

    /// `a + c` for a public `c` added to every element (local).
    pub fn add_public(&self, c: Value) -> Result<SecVec> {
        let c = self.ty.encode(c)?;
        Ok(self.map(|f, a| f.add(a, c)))
    }

    /// `Σ_i b_i 2^i` for `secint` bits `b`, least significant first (local).
    pub fn from_bits(&self) -> Result<SecVec> {
        self.ty.integer("from_bits")?;
        let field = self.ty.field;
        let value = self.shares.iter().rev().fold(field.zero(), |acc, &b| field.add(field.add(acc, acc), b));
        Ok(SecVec { ty: self.ty, shares: vec![value] })
    }

    /// `a << k = a · 2^k` for `k` below the bit length (local; like MPyC,
    /// the result is not range checked).
    pub fn shl(&self, k: u32) -> Result<SecVec> {
        if k >= self.ty.bits {
            return Err(Error::InvalidArgument(format!("cannot shift {} values left by {k} bits", self.ty)));
        }
        Ok(self.mul_int(1 << k))
    }

    /// `a · c` for a public integer `c` (local; exact for every type).
    pub fn mul_int(&self, c: i128) -> SecVec {
        let c = self.ty.field.from_i128(c);
        self.map(|f, a| f.mul(a, c))
    }

    /// The sum of all elements, as a vector of length one (local).
    pub fn sum(&self) -> SecVec {
        let f = self.ty.field;
        SecVec { ty: self.ty, shares: vec![self.shares.iter().fold(f.zero(), |s, &x| f.add(s, x))] }
    }

    /// Shares of 0/1 values of this type, as raw bits (dividing fixed-point
    /// values by `2^f`, exact for whole numbers).
    fn raw_bits(&self) -> Result<Vec<Fe>> {
        let inv = self.ty.field.inv(self.ty.scale())?;
        Ok(self.shares.iter().map(|&x| self.ty.field.mul(x, inv)).collect())
    }
}

fn same_type(a: &SecVec, b: &SecVec) -> Result<()> {
    if a.ty != b.ty {
        return Err(Error::Type(format!("operands of types {} and {} do not mix", a.ty, b.ty)));
    }
    Ok(())
}

impl Runtime {
    /// Secret-shares `values` of type `ty` from `owner` (who passes
    /// `Some(values)`; the others pass `None`): one round.
    pub async fn input(&self, ty: &SecType, owner: PartyId, values: Option<&[Value]>, n: usize) -> Result<SecVec> {
        self.input_encoded(ty, owner, values, n, |&x| ty.encode(x)).await
    }

    /// Shares values given exactly as integer multiples of `2^-f`
    /// ([`SecType::encode_scaled`]): as [`Runtime::input`], without a float
    /// in between, so `secfxp` values of more than 53 bits stay exact.
    pub async fn input_scaled(&self, ty: &SecType, owner: PartyId, values: Option<&[i128]>, n: usize) -> Result<SecVec> {
        self.input_encoded(ty, owner, values, n, |&x| ty.encode_scaled(x)).await
    }

    /// [`Runtime::input`] with the owner's values encoded by `encode`.
    async fn input_encoded<V>(
        &self,
        ty: &SecType,
        owner: PartyId,
        values: Option<&[V]>,
        n: usize,
        encode: impl Fn(&V) -> Result<Fe>,
    ) -> Result<SecVec> {
        self.check_field(ty.field())?;
        let encoded = match values {
            Some(v) if self.id() == owner => Some(v.iter().map(encode).collect::<Result<Vec<_>>>()?),
            _ => None,
        };
        let shares = self.input_raw(ty.field(), owner, encoded.as_deref(), n).await?;
        Ok(SecVec { ty: *ty, shares })
    }

    /// Opens `x` to `to` as [`Runtime::reveal`] does, each value exactly as
    /// its integer multiple of `2^-f` ([`SecType::decode_scaled`]).
    pub async fn reveal_scaled(&self, x: &SecVec, to: &Receivers) -> Result<Option<Vec<i128>>> {
        if let Receivers::Only(list) = to
            && let Some(bad) = list.iter().find(|&&j| j >= self.parties())
        {
            return Err(Error::InvalidArgument(format!("receiver {bad} is not a party")));
        }
        let opened = self.open_raw(x.ty.field(), &x.shares, to, self.threshold()).await?;
        Ok(opened.map(|v| v.into_iter().map(|e| x.ty.decode_scaled(e)).collect()))
    }

    /// Opens `x` to `to`: receivers get the values, the others `None`. One round.
    pub async fn reveal(&self, x: &SecVec, to: &Receivers) -> Result<Option<Vec<Value>>> {
        let opened = self.reveal_scaled(x, to).await?;
        Ok(opened.map(|v| v.into_iter().map(|s| x.ty.unscaled(s)).collect()))
    }

    /// Opens `x` to every party.
    pub async fn reveal_all(&self, x: &SecVec) -> Result<Vec<Value>> {
        let opened = self.reveal(x, &Receivers::All).await?;
        opened.ok_or_else(|| Error::Internal("reveal to all returned nothing".into()))
    }

    /// The `n` raw products `raw` gives, truncated back to `f` fractional
    /// bits for fixed-point types (the truncation's random bits dealt in the
    /// products' round); as they are for other types.
    async fn rescaled(&self, ty: &SecType, n: usize, raw: impl Future<Output = Result<Vec<Fe>>>) -> Result<Vec<Fe>> {
        match ty.kind {
            Kind::Fxp { frac } => self.trunc_of(ty.field(), ty.bits + frac, frac, n, raw).await,
            _ => raw.await,
        }
    }

    /// `a · b`, elementwise: one round (fixed point: plus a truncation).
    pub async fn mul(&self, a: &SecVec, b: &SecVec) -> Result<SecVec> {
        same_type(a, b)?;
        let product = self.mul_raw(a.ty.field(), &a.shares, &b.shares);
        Ok(SecVec { ty: a.ty, shares: self.rescaled(&a.ty, a.len(), product).await? })
    }

    /// `a · c` for a public `c`. Local, except that a fixed-point constant
    /// with fractional bits needs a truncation (MPyC's rule: only the
    /// constant's significant fractional bits are truncated).
    pub async fn mul_public(&self, a: &SecVec, c: Value) -> Result<SecVec> {
        let (ty, field) = (a.ty, *a.ty.field());
        match (ty.kind, c) {
            (Kind::Fxp { frac }, Value::Fixed(x)) if x.fract() != 0.0 => {
                let scaled = x * 2f64.powi(frac as i32);
                if !scaled.is_finite() || scaled.abs() >= 2f64.powi(ty.bits as i32 + frac as i32) {
                    return Err(ty.out_of_range(c));
                }
                let mut b = scaled.round_ties_even() as i128;
                let z = if b == 0 { 0 } else { b.trailing_zeros().min(frac) };
                b >>= z;
                let raw: Vec<Fe> = a.shares.iter().map(|&x| field.mul(x, field.from_i128(b))).collect();
                let shares = self.trunc_raw(&field, ty.bits + frac - z, frac - z, &raw).await?;
                Ok(SecVec { ty, shares })
            }
            (_, Value::Int(i)) => Ok(a.mul_int(i)),
            (Kind::Fxp { .. }, Value::Fixed(x)) => Ok(a.mul_int(x as i128)), // a whole number
            (_, Value::Fixed(x)) => Err(Error::Type(format!("{ty} takes integer constants, not {}", display_f64(x)))),
        }
    }

    /// The inner product `Σ a_i b_i`, as a vector of length one: one round.
    pub async fn inner(&self, a: &SecVec, b: &SecVec) -> Result<SecVec> {
        same_type(a, b)?;
        let pair = [(&a.shares[..], &b.shares[..])];
        let raw = self.inner_raw(a.ty.field(), &pair);
        Ok(SecVec { ty: a.ty, shares: self.rescaled(&a.ty, 1, raw).await? })
    }

    /// The matrix product of `a` (`rows × inner`, row-major) and `b`
    /// (`inner × cols`), row-major: one round.
    pub async fn matmul(&self, a: &SecVec, b: &SecVec, rows: usize, inner: usize, cols: usize) -> Result<SecVec> {
        same_type(a, b)?;
        if a.len() != rows * inner || b.len() != inner * cols {
            return Err(Error::InvalidArgument(format!(
                "matrix product of {} and {} elements does not fit {rows}×{inner} times {inner}×{cols}",
                a.len(),
                b.len()
            )));
        }
        let columns: Vec<Vec<Fe>> = (0..cols).map(|c| (0..inner).map(|k| b.shares[k * cols + c]).collect()).collect();
        let pairs: Vec<(&[Fe], &[Fe])> =
            (0..rows).flat_map(|r| columns.iter().map(move |col| (&a.shares[r * inner..(r + 1) * inner], &col[..]))).collect();
        let raw = self.inner_raw(a.ty.field(), &pairs);
        Ok(SecVec { ty: a.ty, shares: self.rescaled(&a.ty, pairs.len(), raw).await? })
    }

    /// The product of all elements, as a vector of length one: ⌈log2 n⌉
    /// rounds (fixed point: a truncation after each). Paired as MPyC's
    /// `mpc.prod`: at an odd length the first element waits a level and
    /// the rest are multiplied in adjacent pairs, `[x0, x1·x2, x3·x4, …]`,
    /// which decides where fixed point rounds.
    pub async fn prod(&self, a: &SecVec) -> Result<SecVec> {
        let field = *a.ty.field();
        let mut level = a.shares.clone();
        if level.is_empty() {
            return Ok(SecVec { ty: a.ty, shares: vec![a.ty.scale()] });
        }
        while level.len() > 1 {
            let odd = level.len() % 2;
            let (left, right): (Vec<Fe>, Vec<Fe>) = level[odd..].chunks_exact(2).map(|p| (p[0], p[1])).unzip();
            let product = self.mul_raw(&field, &left, &right);
            let mut next = level[..odd].to_vec();
            next.extend(self.rescaled(&a.ty, left.len(), product).await?);
            level = next;
        }
        Ok(SecVec { ty: a.ty, shares: level })
    }

    /// `n` uniformly random secret bits of type `ty`: one round.
    pub async fn random_bits(&self, ty: &SecType, n: usize) -> Result<SecVec> {
        self.check_field(ty.field())?;
        let bits = self.random_bits_raw(ty.field(), n).await?;
        Ok(self.scale_bits(ty, bits))
    }

    /// Raw 0/1 shares as values of `ty` (`b · 2^f` for fixed point).
    fn scale_bits(&self, ty: &SecType, bits: Vec<Fe>) -> SecVec {
        let (field, scale) = (ty.field(), ty.scale());
        SecVec { ty: *ty, shares: bits.into_iter().map(|b| field.mul(b, scale)).collect() }
    }

    /// `n` secret values drawn uniformly from `[lo, hi)` (`secint`, or whole
    /// numbers of `secfxp`): random bits, with rejection sampling when
    /// `hi − lo` is not a power of two.
    pub async fn random_int(&self, ty: &SecType, lo: i128, hi: i128, n: usize) -> Result<SecVec> {
        ty.ordered("random integers")?;
        self.check_field(ty.field())?;
        // hi > lo first, so that hi − 1 cannot overflow; both ends in range, so hi − lo cannot.
        if hi <= lo || ty.encode(Value::Int(hi - 1)).is_err() {
            return Err(Error::InvalidArgument(format!("no {ty} values in [{lo}, {hi})")));
        }
        let lo_fe = ty.encode(Value::Int(lo))?;
        let (field, b) = (*ty.field(), (hi - lo) as u128);
        let values = self.random_below_uniform(&field, b, n).await?;
        let scale = ty.scale();
        Ok(SecVec { ty: *ty, shares: values.into_iter().map(|v| field.add(field.mul(v, scale), lo_fe)).collect() })
    }

    /// `n` shares of values drawn uniformly from `[0, b)`, `b ≥ 1`: random
    /// bits, with rejection sampling when `b` is not a power of two.
    async fn random_below_uniform(&self, field: &Field, b: u128, n: usize) -> Result<Vec<Fe>> {
        let field = *field;
        Ok(if b <= 1 {
            vec![field.zero(); n]
        } else if b.is_power_of_two() {
            let k = b.trailing_zeros() as usize;
            let bits = self.random_bits_raw(&field, n * k).await?;
            bits.chunks_exact(k).map(|row| row.iter().rev().fold(field.zero(), |acc, &x| field.add(field.add(acc, acc), x))).collect()
        } else {
            let k = (128 - (b - 1).leading_zeros()) as usize;
            let bits = self.random_below_bits(&field, b, n).await?;
            bits.chunks_exact(k + 1)
                .map(|row| row[..k].iter().rev().fold(field.zero(), |acc, &x| field.add(field.add(acc, acc), x)))
                .collect()
        })
    }

    /// MPyC's `random.uniform(secfxp, a, b)`, `n` times: `a + s·r·2^−f` for
    /// a uniform whole `r` in `[0, N)`, where `N = round(|b − a|·2^f)` (ties
    /// to even, as Python's `round`) and `s` is the sign of `b − a`: the
    /// multiples of `2^−f` from `a` towards `b` (`a` itself when `N ≤ 1`).
    /// `a` is rounded to the type as any public value. Fixed point only.
    pub async fn uniform(&self, ty: &SecType, a: Value, b: Value, n: usize) -> Result<SecVec> {
        let count = ty.uniform_steps(a, b)?;
        self.check_field(ty.field())?;
        let a_fe = ty.encode(a)?;
        let field = *ty.field();
        let r = self.random_below_uniform(&field, count, n).await?;
        let down = b.as_f64() < a.as_f64();
        Ok(SecVec { ty: *ty, shares: r.into_iter().map(|r| if down { field.sub(a_fe, r) } else { field.add(a_fe, r) }).collect() })
    }

    /// A random permutation of `0..n` as secret values of `ty` (see
    /// [`Runtime::shuffle`]).
    pub async fn random_permutation(&self, ty: &SecType, n: usize) -> Result<SecVec> {
        let indices: Vec<Fe> = (0..n).map(|i| ty.encode(Value::Int(i as i128))).collect::<Result<_>>()?;
        self.shuffle(&SecVec { ty: *ty, shares: indices }).await
    }

    /// A uniformly random derangement of `0..n` (a permutation with no fixed
    /// point) as secret values of `ty` (`secint` or `secfld`), `n ≥ 2`, as in
    /// MPyC's `secretsanta` demo: draw a random permutation `p` (see
    /// [`Runtime::random_permutation`]), open only whether
    /// `Π_i (p_i − i)` is zero, and retry if it is.
    ///
    /// To save rounds, 8 candidates are drawn side by side (in the rounds
    /// of one) and the first derangement among them is kept. This is still
    /// uniform over the derangements: the candidates are independent and
    /// uniform (as far as [`Runtime::shuffle`] is), so one that is a
    /// derangement is uniform over the derangements, and which one is kept
    /// depends only on the opened bits. Nothing else is revealed: each
    /// candidate's product is opened times a random multiplier, which is
    /// uniform unless the product is zero (a zero multiplier, probability
    /// `1/p`, only discards a candidate, independently of it), and the other
    /// candidates, whose bits are public, are independent of the kept one
    /// and discarded. A batch fails with probability below 0.04;
    /// after 64 failed batches (probability below 10⁻⁹⁰) it gives up with
    /// [`Error::Internal`].
    pub async fn random_derangement(&self, ty: &SecType, n: usize) -> Result<SecVec> {
        if let Kind::Fxp { .. } = ty.kind {
            return Err(Error::Type(format!("random derangements are of secint or secfld values, not {ty}")));
        }
        if n < 2 {
            return Err(Error::InvalidArgument(format!("there is no derangement of {n} element{}", if n == 1 { "" } else { "s" })));
        }
        self.check_field(ty.field())?;
        let field = *ty.field();
        let indices: Vec<Fe> = (0..n).map(|i| ty.encode(Value::Int(i as i128))).collect::<Result<_>>()?;
        let identity = SecVec { ty: *ty, shares: indices.clone() };
        for _ in 0..DERANGEMENT_MAX_BATCHES {
            let mut candidates = try_join_all((0..DERANGEMENT_BATCH).map(|_| self.shuffle(&identity))).await?;
            // Factors p_i − i; the last one goes into the random multiplier of
            // is_zero_public (made alongside the product tree), as comparisons do.
            let rows: Vec<Fe> =
                candidates.iter().flat_map(|c| c.shares[..n - 1].iter().zip(&indices).map(|(&p, &i)| field.sub(p, i))).collect();
            let last: Vec<Fe> = candidates.iter().map(|c| field.sub(c.shares[n - 1], indices[n - 1])).collect();
            let (products, multiplier) = try_join(self.prod_rows(&field, rows, n - 1), async {
                let r = self.random_fe(&field, DERANGEMENT_BATCH).await?;
                self.mul_raw(&field, &r, &last).await
            })
            .await?;
            let has_fixed_point = self.is_zero_public_by(&field, &products, &multiplier).await?;
            if let Some(k) = has_fixed_point.iter().position(|&fixed| !fixed) {
                return Ok(candidates.swap_remove(k));
            }
            self.rounds_vary();
        }
        Err(Error::Internal(format!(
            "no derangement of {n} elements among {} random permutations",
            DERANGEMENT_BATCH * DERANGEMENT_MAX_BATCHES
        )))
    }

    /// The elements of `a` in a uniformly random secret order: permuted by
    /// each PRSS subset in turn (one round per subset, see
    /// `Runtime::shuffle_raw`). Without PRSS keys (more subsets than
    /// [`crate::prss::MAX_SUBSETS`]): sorted by independent random keys as
    /// long as the field allows comparing (`l` bits for `secint(l)`); keys
    /// then tie with probability about `n²/2^l` (for 20 values in
    /// `secint(32)`, 2·10⁻⁷), which only biases the order slightly.
    pub async fn shuffle(&self, a: &SecVec) -> Result<SecVec> {
        let field = *a.ty.field();
        let mut columns = vec![a.shares.clone()];
        if self.shuffle_raw(&field, &mut columns).await? {
            return Ok(SecVec { ty: a.ty, shares: columns.pop().expect("one column") });
        }
        let key_bits = a.ty.shuffle_key_bits()?;
        let mut keys = self.random_below(&field, a.len(), 1 << key_bits).await?;
        self.sort_raw(&field, key_bits, &mut keys, &mut columns, false).await?;
        Ok(SecVec { ty: a.ty, shares: columns.pop().expect("one column") })
    }

    /// `[a < b]`, elementwise (1 or 0 of the operands' type).
    pub async fn lt(&self, a: &SecVec, b: &SecVec) -> Result<SecVec> {
        a.ty.ordered("<")?;
        let d = a.sub(b)?;
        let bits = self.lt_zero_raw(d.ty.field(), d.ty.bits, &d.shares).await?;
        Ok(self.scale_bits(&a.ty, bits))
    }

    /// `[a > b]`, elementwise.
    pub async fn gt(&self, a: &SecVec, b: &SecVec) -> Result<SecVec> {
        self.lt(b, a).await
    }

    /// `[a ≤ b] = 1 − [b < a]`, elementwise.
    pub async fn le(&self, a: &SecVec, b: &SecVec) -> Result<SecVec> {
        Ok(self.lt(b, a).await?.not())
    }

    /// `[a ≥ b] = 1 − [a < b]`, elementwise.
    pub async fn ge(&self, a: &SecVec, b: &SecVec) -> Result<SecVec> {
        Ok(self.lt(a, b).await?.not())
    }

    /// `[a = b]`, elementwise.
    pub async fn eq(&self, a: &SecVec, b: &SecVec) -> Result<SecVec> {
        self.is_zero(&a.sub(b)?).await
    }

    /// `[a ≠ b]`, elementwise.
    pub async fn ne(&self, a: &SecVec, b: &SecVec) -> Result<SecVec> {
        Ok(self.eq(a, b).await?.not())
    }

    /// `[a = 0]`, elementwise. For `secfld(p)`, `1 − a^(p−1)`.
    pub async fn is_zero(&self, a: &SecVec) -> Result<SecVec> {
        let field = *a.ty.field();
        if a.ty.kind == Kind::Fld {
            let power = self.pow_raw(&field, &a.shares, field.modulus() - 1).await?;
            return Ok(SecVec { ty: a.ty, shares: power.into_iter().map(|x| field.sub(field.one(), x)).collect() });
        }
        let bits = self.eq_zero_raw(&field, a.ty.bits, &a.shares).await?;
        Ok(self.scale_bits(&a.ty, bits))
    }

    /// `x^e` for a public exponent `e ≥ 1`, by square and multiply.
    async fn pow_raw(&self, field: &Field, x: &[Fe], e: u128) -> Result<Vec<Fe>> {
        let mut acc: Option<Vec<Fe>> = None;
        let mut base = x.to_vec();
        let mut e = e;
        while e > 0 {
            if e & 1 == 1 {
                acc = Some(match acc {
                    None => base.clone(),
                    Some(acc) => self.mul_raw(field, &acc, &base).await?,
                });
            }
            e >>= 1;
            if e > 0 {
                base = self.mul_raw(field, &base, &base).await?;
            }
        }
        Ok(acc.unwrap_or_else(|| vec![field.one(); x.len()]))
    }

    /// `|a| = a − 2·[a < 0]·a`, elementwise: the product is made inside the
    /// comparison's rounds.
    pub async fn abs(&self, a: &SecVec) -> Result<SecVec> {
        a.ty.ordered("abs")?;
        let field = *a.ty.field();
        let (_, neg_a) = self.lt_zero_with(&field, a.ty.bits, &a.shares, std::slice::from_ref(&a.shares)).await?;
        Ok(SecVec { ty: a.ty, shares: a.shares.iter().zip(&neg_a[0]).map(|(&x, &y)| field.sub(x, field.add(y, y))).collect() })
    }

    /// The sign of `a` (−1, 0 or 1), elementwise: `[a < 0]` and `[a = 0]`
    /// from one masked opening and its random bits, in the rounds of one
    /// comparison.
    pub async fn sign(&self, a: &SecVec) -> Result<SecVec> {
        a.ty.ordered("sign")?;
        let field = *a.ty.field();
        let (neg, zero) = self.lt_eq_zero_raw(&field, a.ty.bits, &a.shares).await?;
        let sign = neg.iter().zip(&zero).map(|(&n, &z)| field.sub(field.sub(field.one(), field.add(n, n)), z)).collect();
        Ok(self.scale_bits(&a.ty, sign))
    }

    /// `c ? a : b`, elementwise, for a secret bit `c` (1 or 0 of its type):
    /// `b + c·(a − b)`, one multiplication.
    pub async fn if_else(&self, c: &SecVec, a: &SecVec, b: &SecVec) -> Result<SecVec> {
        same_type(a, b)?;
        if c.ty.field() != a.ty.field() {
            return Err(Error::Type(format!("condition of type {} cannot select values of type {}", c.ty, a.ty)));
        }
        let field = *a.ty.field();
        let diff = a.sub(b)?;
        let d = self.mul_raw(&field, &c.raw_bits()?, &diff.shares).await?;
        Ok(SecVec { ty: a.ty, shares: b.shares.iter().zip(d).map(|(&x, y)| field.add(x, y)).collect() })
    }

    /// Elementwise minimum, `b + [a < b]·(a − b)`: the product is made
    /// inside the comparison's rounds.
    pub async fn min_pairwise(&self, a: &SecVec, b: &SecVec) -> Result<SecVec> {
        a.ty.ordered("min")?;
        let d = a.sub(b)?;
        let field = *d.ty.field();
        let (_, below) = self.lt_zero_with(&field, d.ty.bits, &d.shares, std::slice::from_ref(&d.shares)).await?;
        Ok(SecVec { ty: a.ty, shares: b.shares.iter().zip(&below[0]).map(|(&x, &y)| field.add(x, y)).collect() })
    }

    /// Elementwise maximum, `a + b − min(a, b)`: in the rounds of a comparison.
    pub async fn max_pairwise(&self, a: &SecVec, b: &SecVec) -> Result<SecVec> {
        let min = self.min_pairwise(a, b).await?;
        a.add(b)?.sub(&min)
    }

    /// The minimum of all elements.
    pub async fn min(&self, a: &SecVec) -> Result<SecVec> {
        Ok(self.tournament(a, false, None).await?.1)
    }

    /// The maximum of all elements.
    pub async fn max(&self, a: &SecVec) -> Result<SecVec> {
        Ok(self.tournament(a, true, None).await?.1)
    }

    /// The index of the (first) minimum, of type
    /// [`SecType::index_type`], and the minimum.
    pub async fn argmin(&self, a: &SecVec) -> Result<(SecVec, SecVec)> {
        let (index, value) = self.tournament(a, false, Some(a.ty.index_type(a.len()))).await?;
        Ok((index.ok_or_else(|| Error::Internal("argmin computed no index".into()))?, value))
    }

    /// The index of the (first) maximum, of type
    /// [`SecType::index_type`], and the maximum.
    pub async fn argmax(&self, a: &SecVec) -> Result<(SecVec, SecVec)> {
        let (index, value) = self.tournament(a, true, Some(a.ty.index_type(a.len()))).await?;
        Ok((index.ok_or_else(|| Error::Internal("argmax computed no index".into()))?, value))
    }

    /// The row of `rows` (`keys.len()` rows of `cols` elements, row by row)
    /// whose key is the greatest (`max`) or the least, the first on a tie:
    /// MPyC's `max(x, key=…)` and `min(x, key=…)` with the keys computed
    /// beforehand, in the rounds of [`Runtime::max`]. The rows must share
    /// the keys' field.
    pub async fn extreme_by_key(&self, keys: &SecVec, rows: &SecVec, cols: usize, max: bool) -> Result<SecVec> {
        keys.ty.ordered(if max { "max" } else { "min" })?;
        if keys.is_empty() {
            return Err(Error::InvalidArgument("the minimum or maximum of an empty vector".into()));
        }
        if rows.ty.field() != keys.ty.field() {
            return Err(Error::Type(format!("values of type {} cannot be selected by keys of type {}", rows.ty, keys.ty)));
        }
        if cols == 0 || rows.len() != keys.len() * cols {
            return Err(Error::InvalidArgument(format!("{} keys for {} elements in rows of {cols}", keys.len(), rows.len())));
        }
        let columns: Vec<Vec<Fe>> = (0..cols).map(|j| rows.shares.iter().skip(j).step_by(cols).copied().collect()).collect();
        let (_, row) = self.tournament_raw(keys.ty.field(), keys.ty.bits, keys.shares.clone(), columns, max).await?;
        Ok(SecVec { ty: rows.ty, shares: row })
    }

    /// MPyC's `find(x, a, bits=False, e=…)`: the index of the first element
    /// of `x` equal to the scalar `a`, or `not_found` (by default `len(x)`)
    /// when none is, as a value of `x`'s [`SecType::index_type`] for
    /// `len(x) + 1` values. The equality tests (side by side), then MPyC's
    /// halving: ⌈log2 n⌉ levels of one round, each multiplying the
    /// indicator "not found in the left part" by the right part's indicator
    /// and index difference. `not_found` costs no round: the halving gives
    /// `len(x)` when nothing is found, and `ix + nf·(e − len(x))` changes it.
    pub async fn find(&self, x: &SecVec, a: &SecVec, not_found: Option<i128>) -> Result<SecVec> {
        if a.len() != 1 {
            return Err(Error::InvalidArgument(format!("find looks for one value, not {}", a.len())));
        }
        let it = x.ty.index_type(x.len() + 1);
        let field = *x.ty.field();
        let n = x.len();
        let end = it.encode(Value::Int(n as i128))?;
        let e = match not_found {
            Some(e) => it.encode(Value::Int(e))?,
            None => end,
        };
        if n == 0 {
            return Ok(SecVec { ty: it, shares: vec![e] });
        }
        let diff = x.sub(&SecVec { ty: a.ty, shares: vec![a.shares[0]; n] })?;
        let equal = self.is_zero_raw(&diff.ty, &diff.shares).await?;
        // nf: "not found here"; ix: the index if found here, else one past.
        let scale = it.scale();
        let mut nf: Vec<Fe> = equal.iter().map(|&q| field.sub(field.one(), q)).collect();
        let mut ix: Vec<Fe> =
            (0..n).map(|i| Ok(field.add(it.encode(Value::Int(i as i128))?, field.mul(nf[i], scale)))).collect::<Result<_>>()?;
        while nf.len() > 1 {
            let pairs = nf.len() / 2;
            let left: Vec<Fe> = (0..pairs).map(|p| nf[2 * p]).collect();
            let mut a = left.clone();
            a.extend_from_slice(&left);
            let mut b: Vec<Fe> = (0..pairs).map(|p| nf[2 * p + 1]).collect();
            b.extend((0..pairs).map(|p| field.sub(ix[2 * p + 1], ix[2 * p])));
            let prod = self.mul_raw(&field, &a, &b).await?;
            let mut next_nf = prod[..pairs].to_vec();
            let mut next_ix: Vec<Fe> = (0..pairs).map(|p| field.add(ix[2 * p], prod[pairs + p])).collect();
            if nf.len() % 2 == 1 {
                next_nf.push(nf[nf.len() - 1]);
                next_ix.push(ix[ix.len() - 1]);
            }
            nf = next_nf;
            ix = next_ix;
        }
        let shift = field.sub(e, end);
        Ok(SecVec { ty: it, shares: vec![field.add(ix[0], field.mul(nf[0], shift))] })
    }

    /// Raw 0/1 shares of `[a = 0]` for values of `ty`.
    pub(crate) async fn is_zero_raw(&self, ty: &SecType, a: &[Fe]) -> Result<Vec<Fe>> {
        let field = *ty.field();
        if ty.kind == Kind::Fld {
            let power = self.pow_raw(&field, a, field.modulus() - 1).await?;
            return Ok(power.into_iter().map(|x| field.sub(field.one(), x)).collect());
        }
        self.eq_zero_raw(&field, ty.bits, a).await
    }

    /// Pairwise knock-out over `a`'s values, carrying the winner's index
    /// (as a value of `index_ty`, which shares the values' field) when asked:
    /// see [`Runtime::tournament_raw`]. The values themselves never encode
    /// an index, so any length works.
    async fn tournament(&self, a: &SecVec, max: bool, index_ty: Option<SecType>) -> Result<(Option<SecVec>, SecVec)> {
        a.ty.ordered(if max { "max" } else { "min" })?;
        if a.is_empty() {
            return Err(Error::InvalidArgument("the minimum or maximum of an empty vector".into()));
        }
        let (ty, field) = (a.ty, *a.ty.field());
        if index_ty.is_some_and(|it| it.field != field) {
            return Err(Error::Internal(format!("an index of {ty} values must share their field")));
        }
        let carried: Vec<Vec<Fe>> = match index_ty {
            Some(it) => vec![(0..a.len()).map(|i| it.encode(Value::Int(i as i128))).collect::<Result<_>>()?],
            None => Vec::new(),
        };
        let (value, mut carried) = self.tournament_raw(&field, ty.bits, a.shares.clone(), carried, max).await?;
        let value = SecVec { ty, shares: vec![value] };
        Ok((index_ty.map(|it| SecVec { ty: it, shares: vec![carried.pop().unwrap_or_else(|| field.zero())] }), value))
    }

    /// Pairwise knock-out of `l`-bit values: ⌈log2 n⌉ levels of one
    /// comparison each, the winners (and the elements of every `carried`
    /// column beside them) selected inside the comparison's rounds and the
    /// next level's random bits dealt alongside: 7 rounds a level, and one
    /// for the first level's bits. On ties the earlier element wins.
    /// Returns the winning value and its element of each carried column.
    pub(crate) async fn tournament_raw(
        &self,
        field: &Field,
        l: u32,
        mut values: Vec<Fe>,
        mut carried: Vec<Vec<Fe>>,
        max: bool,
    ) -> Result<(Fe, Vec<Fe>)> {
        let field = *field;
        if values.is_empty() || carried.iter().any(|c| c.len() != values.len()) {
            return Err(Error::Internal("a knock-out of no values, or of columns of another length".into()));
        }
        // Each level's random bits are dealt during the level before.
        let mut bits = self.lt_bits(&field, l, values.len() / 2).await?;
        while values.len() > 1 {
            let pairs = values.len() / 2;
            // c = [right beats left]: strictly smaller (min) or strictly larger (max).
            let diffs: Vec<Fe> = (0..pairs)
                .map(|p| {
                    let (l, r) = (values[2 * p], values[2 * p + 1]);
                    if max { field.sub(l, r) } else { field.sub(r, l) }
                })
                .collect();
            // c·(right − left), for the values and the carried columns, inside the comparison.
            let mut ys = vec![(0..pairs).map(|p| field.sub(values[2 * p + 1], values[2 * p])).collect::<Vec<_>>()];
            ys.extend(carried.iter().map(|c| (0..pairs).map(|p| field.sub(c[2 * p + 1], c[2 * p])).collect::<Vec<_>>()));
            let next_pairs = values.len().div_ceil(2) / 2;
            let ((_, d), next_bits) =
                try_join(self.lt_zero_times(&field, l, &diffs, bits, &ys), self.lt_bits(&field, l, next_pairs)).await?;
            bits = next_bits;
            let select = |column: &[Fe], d: &[Fe]| -> Vec<Fe> {
                let mut next: Vec<Fe> = (0..pairs).map(|p| field.add(column[2 * p], d[p])).collect();
                if column.len() % 2 == 1 {
                    next.push(column[column.len() - 1]);
                }
                next
            };
            values = select(&values, &d[0]);
            carried = carried.iter().zip(&d[1..]).map(|(c, d)| select(c, d)).collect();
        }
        Ok((values[0], carried.into_iter().map(|c| c[0]).collect()))
    }

    /// `a mod 2^k` for `secint` values, with Python's floor semantics (the
    /// result is in `[0, 2^k)`), `1 ≤ k < l`.
    pub async fn mod_pow2(&self, a: &SecVec, k: u32) -> Result<SecVec> {
        a.ty.integer("modulo by a power of two")?;
        let shares = self.mod_pow2_raw(a.ty.field(), a.ty.bits, k, &a.shares).await?;
        Ok(SecVec { ty: a.ty, shares })
    }

    /// `a >> k = ⌊a / 2^k⌋` for `secint` values (Python's floor semantics:
    /// `−70 >> 2 = −18`), `0 ≤ k < l`.
    pub async fn shr(&self, a: &SecVec, k: u32) -> Result<SecVec> {
        a.ty.integer("shifting")?;
        if k == 0 {
            return Ok(a.clone());
        }
        let low = self.mod_pow2(a, k).await?;
        let field = *a.ty.field();
        let inv = field.inv(field.from_u128(1 << k))?;
        Ok(a.sub(&low)?.map(|f, x| f.mul(x, inv)))
    }

    /// The bits of each `secint` value, least significant first (two's
    /// complement for negative values, as MPyC's `to_bits`): `l` bits per
    /// element, element `e`'s at `e·l..(e+1)·l`.
    pub async fn to_bits(&self, a: &SecVec) -> Result<SecVec> {
        a.ty.integer("bit decomposition")?;
        let rows = self.to_bits_raw(a.ty.field(), a.ty.bits, &a.shares).await?;
        Ok(SecVec { ty: a.ty, shares: rows.concat() })
    }

    /// `1/x`, elementwise: for `secfxp` by normalisation and Newton's
    /// method (accurate to a few units in the last place; undefined for 0, as
    /// in MPyC), for `secfld` exactly (an error for 0); for `secint`, the
    /// field inverse: exact division when b divides a, as MPyC, for `a · (1/b)`
    /// (an error for 0; on its own `1/x` is a field element, not an integer).
    pub async fn reciprocal(&self, x: &SecVec) -> Result<SecVec> {
        let field = *x.ty.field();
        let shares = match x.ty.kind {
            Kind::Fxp { frac } => self.reciprocal_fxp_raw(&field, x.ty.bits, frac, &x.shares).await?,
            Kind::Fld | Kind::Int => self.reciprocal_fld_raw(&field, &x.shares).await?,
        };
        Ok(SecVec { ty: x.ty, shares })
    }

    /// `a / b`, elementwise, for secret `b`: `a · (1/b)`. For `secfxp`
    /// approximately, for `secfld` exactly; for `secint`, the field inverse:
    /// exact division when b divides a, as MPyC (`(a·b)/b = a`; otherwise
    /// the result is meaningless — use [`Runtime::floordiv_public`] for
    /// rounding division by public values). Dividing by 0 is an error.
    pub async fn div(&self, a: &SecVec, b: &SecVec) -> Result<SecVec> {
        same_type(a, b)?;
        let inv = self.reciprocal(b).await?;
        self.mul(a, &inv).await
    }

    /// `a mod b` for a public modulus, with Python's floor semantics (the
    /// result is in `[0, b)`): for `secint` an integer `b`, for `secfxp` a
    /// positive `b` whose scaled value `b·2^f` is an integer (MPyC's rule).
    pub async fn mod_public(&self, a: &SecVec, b: Value) -> Result<SecVec> {
        let scaled = self.scaled_divisor(a, b)?;
        let (field, l) = (*a.ty.field(), a.ty.bits);
        let shares = if scaled == 1 {
            vec![field.zero(); a.len()]
        } else if scaled.is_power_of_two() {
            self.mod_pow2_raw(&field, l, scaled.trailing_zeros(), &a.shares).await?
        } else {
            self.mod_public_raw(&field, l, scaled, &a.shares).await?
        };
        Ok(SecVec { ty: a.ty, shares })
    }

    /// `⌊a / b⌋` for a public divisor (Python's `//`), with
    /// [`Runtime::mod_public`]'s rules: `(a − a mod b) / b`, an exact division.
    pub async fn floordiv_public(&self, a: &SecVec, b: Value) -> Result<SecVec> {
        let scaled = self.scaled_divisor(a, b)?;
        let remainder = self.mod_public(a, b).await?;
        let field = *a.ty.field();
        // (a − r) / (b·2^f) counts whole b's; as a value of the type, times 2^f.
        let factor = field.mul(field.inv(field.from_u128(scaled))?, a.ty.scale());
        Ok(a.sub(&remainder)?.map(|f, x| f.mul(x, factor)))
    }

    /// `b` as a raw divisor of `a`'s type: `b·2^f`, a positive integer below `2^l`.
    fn scaled_divisor(&self, a: &SecVec, b: Value) -> Result<u128> {
        let ty = a.ty;
        ty.ordered("modulo")?;
        let scaled = match (ty.kind, b) {
            (Kind::Int, Value::Int(b)) => b,
            (Kind::Int, Value::Fixed(x)) if x.fract() == 0.0 && x.abs() < 2f64.powi(100) => x as i128,
            (Kind::Fxp { frac }, Value::Int(b)) => b.checked_mul(1 << frac).unwrap_or(0),
            (Kind::Fxp { frac }, Value::Fixed(x)) => {
                let v = x * 2f64.powi(frac as i32);
                if v.fract() == 0.0 && v.abs() < 2f64.powi(100) { v as i128 } else { 0 }
            }
            (_, other) => return Err(Error::Type(format!("{ty} cannot be divided by {other:?}"))),
        };
        if scaled < 1 || scaled >> ty.bits != 0 {
            return Err(Error::InvalidArgument(format!(
                "{b:?} is not a usable divisor for {ty}: need a positive value below 2^{}",
                ty.bits
            )));
        }
        Ok(scaled as u128)
    }

    /// MPyC's `gcd(a, b)` for `secint`, elementwise: the nonnegative greatest
    /// common divisor (`gcd(0, 0) = 0`), by `gcp2` and Bernstein–Yang divsteps
    /// (see `docs/engine.md` for the rounds).
    pub async fn gcd(&self, a: &SecVec, b: &SecVec) -> Result<SecVec> {
        same_type(a, b)?;
        a.ty.integer("gcd")?;
        same_len(&a.shares, &b.shares)?;
        let g = self.gcd_signed_raw(a.ty.field(), a.ty.bits, &a.shares, &b.shares).await?;
        self.abs(&SecVec { ty: a.ty, shares: g }).await
    }

    /// MPyC's `lcm(a, b)` for `secint`, elementwise: `|a · (b / g')|` with
    /// `g' = g + [g = 0]` for MPyC's signed gcd `g` (`lcm(a, 0) = 0`). Like
    /// MPyC, the result must fit the type (it is not range checked).
    pub async fn lcm(&self, a: &SecVec, b: &SecVec) -> Result<SecVec> {
        same_type(a, b)?;
        a.ty.integer("lcm")?;
        same_len(&a.shares, &b.shares)?;
        let (field, l) = (*a.ty.field(), a.ty.bits);
        let g = self.gcd_signed_raw(&field, l, &a.shares, &b.shares).await?;
        let zero = self.eq_zero_raw(&field, l, &g).await?;
        let g1: Vec<Fe> = g.iter().zip(&zero).map(|(&x, &z)| field.add(x, z)).collect();
        let inv = self.reciprocal_fld_raw(&field, &g1).await?;
        let q = self.mul_raw(&field, &b.shares, &inv).await?;
        let p = self.mul_raw(&field, &a.shares, &q).await?;
        self.abs(&SecVec { ty: a.ty, shares: p }).await
    }

    /// MPyC's `inverse(a, n)` for `secint` `a ≥ 0` and a public modulus
    /// `1 ≤ n < 2^(l−1)`: the `u` in `[0, n)` with `a·u ≡ 1 (mod n)`
    /// (`0` for `n = 1`). As in MPyC, `gcd(a, n) = 1` is assumed: otherwise
    /// (or for `a < 0`) the result is whatever MPyC's protocol gives, a
    /// value in `[0, n)`.
    pub async fn inverse(&self, a: &SecVec, n: i128) -> Result<SecVec> {
        a.ty.integer("inverse")?;
        let l = a.ty.bits;
        if n < 1 || n >> (l - 1) != 0 {
            return Err(Error::InvalidArgument(format!("inverse modulo {n} in {}: the modulus must be in [1, 2^{})", a.ty, l - 1)));
        }
        let shares = self.inverse_raw(a.ty.field(), l, &a.shares, n as u128).await?;
        Ok(SecVec { ty: a.ty, shares })
    }

    /// MPyC's `pow(a, k)` for a public exponent: square and multiply, the
    /// first factor taken as it is (`a^0 = 1`; ⌊log2 k⌋ + popcount(k) − 1
    /// multiplications in ⌊log2 k⌋ + 1 rounds, products of one step side by side). For `k < 0`, `(1/a)^−k`
    /// (`secfxp`, `secfld`; `secint` has no reciprocal and refuses).
    pub async fn pow(&self, a: &SecVec, k: i128) -> Result<SecVec> {
        if k == 0 {
            let one = a.ty.scale();
            return Ok(SecVec { ty: a.ty, shares: vec![one; a.len()] });
        }
        let base = if k < 0 {
            if a.ty.kind == Kind::Int {
                return Err(Error::Type(format!("a negative power of {} values: secint has no reciprocal", a.ty)));
            }
            self.reciprocal(a).await?
        } else {
            a.clone()
        };
        let e = k.unsigned_abs();
        let mut d = base;
        let mut c: Option<SecVec> = None;
        for i in 0..(128 - e.leading_zeros() - 1) {
            // c·d and d·d side by side, in one round.
            let (c2, d2) = match (c.take(), (e >> i) & 1 == 1) {
                (None, true) => (Some(d.clone()), self.mul(&d, &d).await?),
                (Some(c), true) => {
                    let (c2, d2) = try_join(self.mul(&c, &d), self.mul(&d, &d)).await?;
                    (Some(c2), d2)
                }
                (c, false) => (c, self.mul(&d, &d).await?),
            };
            (c, d) = (c2, d2);
        }
        match c {
            None => Ok(d),
            Some(c) => self.mul(&c, &d).await,
        }
    }

    /// MPyC's `trunc(a, f)`: `a / 2^f` with unbiased stochastic rounding
    /// (`⌊a/2^f⌋ + 1` with probability `(a mod 2^f)/2^f`), of the values'
    /// raw integers (for `secfxp`, the value divided by `2^f`), `0 ≤ f < l`
    /// (`l + f_T` for `secfxp(l, f_T)`). Two rounds.
    pub async fn trunc(&self, a: &SecVec, f: u32) -> Result<SecVec> {
        a.ty.ordered("trunc")?;
        let l = a.ty.bits + a.ty.frac();
        if f >= l {
            return Err(Error::InvalidArgument(format!("cannot truncate {f} bits of {} values: at most {}", a.ty, l - 1)));
        }
        let shares = self.trunc_raw(a.ty.field(), l, f, &a.shares).await?;
        Ok(SecVec { ty: a.ty, shares })
    }

    /// MPyC's `convert(a, T)` between secure types, by MPyC's masked
    /// opening (its `no_prss` variant): parties `0..=t` each share one
    /// random integer in both fields, so their sum `r` is the same integer
    /// in both; `a` is opened masked by `r` in the source field, and `r` is
    /// subtracted in the target.
    ///
    /// - Between `secint` and `secfxp` types (any bit lengths) and from them
    ///   to `secfld`: each share is below `2^(k+l)/(t+1) + 1` (`l` the
    ///   smaller bit length); `a + 2^(l−1) + r` is opened and `r + 2^(l−1)`
    ///   subtracted. Fewer fractional bits first truncate (MPyC's
    ///   stochastic `trunc`, so `secfxp → secint` rounds at random); more
    ///   shift left. As in MPyC, values must fit the smaller type. Two rounds
    ///   (three with a truncation).
    /// - From `secfld(p)` to `secint` or `secfxp`: each share is below `p`,
    ///   `a + r mod p` is opened (perfectly hiding) and `r` subtracted, which
    ///   leaves `a − q·p` for some `0 ≤ q ≤ t + 1`; a secure `mod p` in the
    ///   target (MPyC's `_mod`) gives `a ∈ [0, p)`. The target's integers
    ///   must hold `(t + 2)·p`.
    /// - Between `secfld` types: through the `secint` of
    ///   `max(32, bits(p) + 2 + bits(t + 2))` bits, as MPyC goes through a
    ///   `secint` of at least 32 bits.
    pub async fn convert(&self, a: &SecVec, to: &SecType) -> Result<SecVec> {
        self.check_field(to.field())?;
        if a.ty == *to {
            return Ok(a.clone());
        }
        let via = a.ty.convert_via(to)?;
        let (fs, ft, n) = (*a.ty.field(), *to.field(), a.len());
        if let Some(via) = via {
            let x = Box::pin(self.convert(a, &via)).await?;
            return Box::pin(self.convert(&x, to)).await;
        }
        if a.ty.kind == Kind::Fld {
            return self.convert_from_field(a, to).await;
        }
        let l = a.ty.bits.min(to.bits);
        let (frac_s, frac_t) = (a.ty.frac(), to.frac());
        let bound = (1u128 << (SEC_PARAM + l)) / (self.threshold() as u128 + 1) + 1;
        let scaled = async {
            if frac_t < frac_s { self.trunc_raw(&fs, a.ty.bits + frac_s, frac_s - frac_t, &a.shares).await } else { Ok(a.shares.clone()) }
        };
        let ((r_s, r_t), x) = try_join(self.random_in_both(&fs, &ft, bound, n), scaled).await?;
        let (off_s, off_t) = (fs.from_u128(1 << (l - 1)), ft.from_u128(1 << (l - 1)));
        let masked: Vec<Fe> = x.iter().zip(&r_s).map(|(&x, &r)| fs.add(fs.add(x, off_s), r)).collect();
        let c = self.open_all(&fs, &masked).await?;
        let shift = ft.from_u128(1 << frac_t.saturating_sub(frac_s));
        let shares = c.iter().zip(&r_t).map(|(&c, &r)| ft.mul(ft.sub(ft.sub(ft.from_u128(fs.to_u128(c)), r), off_t), shift)).collect();
        Ok(SecVec { ty: *to, shares })
    }

    /// [`Runtime::convert`] from `secfld(p)` to a `secint` or `secfxp` type.
    async fn convert_from_field(&self, a: &SecVec, to: &SecType) -> Result<SecVec> {
        let (fs, ft, n) = (*a.ty.field(), *to.field(), a.len());
        let p = fs.modulus();
        // The target's raw integers (a secfxp's value times 2^f) as a secint
        // of the same field, which holds a − q·p for q ≤ t + 1 (convert_via).
        let raw = SecType::int(to.bits + to.frac())?;
        debug_assert!(raw.field == ft, "secint(l + f) shares secfxp(l, f)'s field");
        let (r_s, r_t) = self.random_in_both(&fs, &ft, p, n).await?;
        let masked: Vec<Fe> = a.shares.iter().zip(&r_s).map(|(&x, &r)| fs.add(x, r)).collect();
        let c = self.open_all(&fs, &masked).await?;
        let wrapped = SecVec { ty: raw, shares: c.iter().zip(&r_t).map(|(&c, &r)| ft.sub(ft.from_u128(fs.to_u128(c)), r)).collect() };
        let x = self.mod_public(&wrapped, Value::Int(p as i128)).await?;
        let scale = ft.from_u128(1 << to.frac());
        Ok(SecVec { ty: *to, shares: x.shares.iter().map(|&v| ft.mul(v, scale)).collect() })
    }

    /// Shares of `n` random integers in both fields, the same integers in
    /// each: the sums of one value below `bound` from each of parties
    /// `0..=t` (one round).
    async fn random_in_both(&self, fs: &Field, ft: &Field, bound: u128, n: usize) -> Result<(Vec<Fe>, Vec<Fe>)> {
        let senders = self.threshold() + 1;
        let me = self.id();
        let mine: Vec<u128> =
            if me < senders { self.with_rng(|rng| (0..n).map(|_| uniform_below(rng, bound)).collect()) } else { Vec::new() };
        let (in_s, in_t): (Vec<Fe>, Vec<Fe>) = mine.iter().map(|&r| (fs.from_u128(r), ft.from_u128(r))).unzip();
        // Every sender shares in both fields; at most 28 inputs polled together (in order).
        let (mut r_s, mut r_t) = (vec![fs.zero(); n], vec![ft.zero(); n]);
        let owners: Vec<usize> = (0..senders).collect();
        for chunk in owners.chunks(14) {
            let parts = try_join_all(chunk.iter().map(|&j| {
                let (vs, vt) = ((me == j).then_some(&in_s[..]), (me == j).then_some(&in_t[..]));
                try_join(self.input_raw(fs, j, vs, n), self.input_raw(ft, j, vt, n))
            }))
            .await?;
            for (ps, pt) in parts {
                r_s.iter_mut().zip(ps).for_each(|(x, y)| *x = fs.add(*x, y));
                r_t.iter_mut().zip(pt).for_each(|(x, y)| *x = ft.add(*x, y));
            }
        }
        Ok((r_s, r_t))
    }

    /// The elements in ascending (or descending) order: shuffled, then
    /// sorted with opened comparisons where that takes fewer rounds (see
    /// `Runtime::sort_raw`), else by Batcher's merge-exchange network.
    pub async fn sort(&self, a: &SecVec, descending: bool) -> Result<SecVec> {
        a.ty.ordered("sort")?;
        let mut keys = a.shares.clone();
        self.sort_raw(a.ty.field(), a.ty.bits, &mut keys, &mut [], descending).await?;
        Ok(SecVec { ty: a.ty, shares: keys })
    }

    /// Sorts rows by key: returns the sorted keys and each column permuted
    /// the same way. Columns must share the keys' field.
    pub async fn sort_by_key(&self, keys: &SecVec, columns: &[SecVec], descending: bool) -> Result<(SecVec, Vec<SecVec>)> {
        keys.ty.ordered("sort")?;
        if let Some(c) = columns.iter().find(|c| c.ty.field() != keys.ty.field()) {
            return Err(Error::Type(format!("column of type {} cannot be sorted by keys of type {}", c.ty, keys.ty)));
        }
        let mut k = keys.shares.clone();
        let mut cols: Vec<Vec<Fe>> = columns.iter().map(|c| c.shares.clone()).collect();
        self.sort_raw(keys.ty.field(), keys.ty.bits, &mut k, &mut cols, descending).await?;
        let cols = columns.iter().zip(cols).map(|(c, shares)| SecVec { ty: c.ty, shares }).collect();
        Ok((SecVec { ty: keys.ty, shares: k }, cols))
    }
}

/// Bits above `bits(p)` a conversion from `secfld(p)` needs in its target:
/// one for the sign of `a − q·p` and six for `q ≤ t + 1 ≤ 32`.
const FIELD_CONVERSION_ROOM: u32 = 7;

/// A uniform integer in `[0, bound)`, `bound > 0`, by rejection sampling.
fn uniform_below(rng: &mut impl rand_core::Rng, bound: u128) -> u128 {
    let mask = u128::MAX >> (bound - 1).leading_zeros().min(127);
    loop {
        let x = ((u128::from(rng.next_u64()) << 64) | u128::from(rng.next_u64())) & mask;
        if x < bound {
            return x;
        }
    }
}

impl SecVec {
    /// `1 − b` for 0/1 values of this type.
    fn not(&self) -> SecVec {
        let one = self.ty.scale();
        self.map(|f, b| f.sub(one, b))
    }
}
