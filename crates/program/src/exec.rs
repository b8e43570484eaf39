//! Running a [`Plan`] as one party on the engine.
//!
//! Every node of the plan becomes a future that waits for the nodes it reads
//! and then runs its engine operation; all of them run concurrently, so
//! independent operations — the iterations of an unrolled loop, the items of
//! a list — share the engine's rounds. Futures are polled in node order on
//! every party, so all parties register the same steps in the same order.

use core::cell::RefCell;
use core::future::{Future, poll_fn};
use core::pin::Pin;
use core::task::Poll;
use std::collections::BTreeMap;
use std::rc::Rc;

use cohort_mpc::{Kind, PartyId, Receivers, Runtime, SecType, SecVec, Value};
use serde_json::Value as Json;

use crate::check::engine_message;
use crate::error::{Error, ErrorCode, Result};
use crate::plan::{InputSpec, Map, NodeId, Op, OutputTo, Owner, Pair, Plan, Random, Reduce};
use crate::values::{self, MAX_NUMBER_LEN};

/// What one party learns: each output revealed to it, by name, as JSON
/// (numbers, or arrays of them for vectors and matrices). A value whose
/// magnitude times `2^f` is beyond 2^53 − 1, which a JavaScript number
/// would round, is a string of its exact decimal digits instead.
pub type Outputs = BTreeMap<String, Json>;

/// One party's input values, checked against the plan: for each declared
/// input, this party's values if it provides that input, each exactly as its
/// integer multiple of `2^-f` (see [`SecType::encode_scaled`]).
#[derive(Clone, Debug)]
pub struct PartyInputs {
    party: PartyId,
    values: Vec<Option<Vec<i128>>>,
}

impl PartyInputs {
    /// Checks party `party`'s inputs, given by name as JSON (a number, or a
    /// string holding a number's decimal text, for a scalar; an array of
    /// them for a vector), against `plan`: every input this party provides
    /// must be present with the declared length, type range and bounds, and
    /// nothing else may be given. Numbers are read exactly, whatever their
    /// length; nothing is rounded but a `secfxp` value to its nearest
    /// multiple of `2^-f`.
    pub fn new(plan: &Plan, party: PartyId, given: &BTreeMap<String, Json>) -> Result<Self> {
        if party >= plan.parties {
            return Err(Error::general(format!("party {party} does not exist: this run has {} parties", plan.parties)));
        }
        for name in given.keys() {
            match plan.inputs.iter().find(|i| &i.name == name) {
                None => {
                    let names: Vec<&str> = plan.inputs.iter().map(|i| i.name.as_str()).collect();
                    return Err(Error::input(
                        ErrorCode::UnknownInput,
                        name,
                        format!(
                            "the program has no input `{name}`; its inputs are: {}",
                            if names.is_empty() { "none".to_string() } else { names.join(", ") }
                        ),
                    ));
                }
                Some(InputSpec { owner: Owner::Role { role, party: p }, .. }) if *p != party => {
                    return Err(Error::input(
                        ErrorCode::NotYourInput,
                        name,
                        format!("input `{name}` is provided by {role} (party {p}), not by party {party}"),
                    ));
                }
                Some(_) => {}
            }
        }
        let values = plan
            .inputs
            .iter()
            .map(|spec| {
                if !spec.owner.includes(party) {
                    return Ok(None);
                }
                let value = given.get(&spec.name).ok_or_else(|| Error {
                    span: spec.span,
                    message: format!("input `{}` is missing for party {party}: it takes {}", spec.name, describe_input(spec)),
                    code: ErrorCode::MissingInput,
                    input: Some(spec.name.clone()),
                })?;
                input_values(spec, value).map(Some)
            })
            .collect::<Result<_>>()?;
        Ok(PartyInputs { party, values })
    }
}

/// What an input takes, in plain words: "a whole number from 0 to
/// 100,000,000", "a list of 4 numbers with up to 4 decimals, each from -0.5
/// to 99.75".
pub fn describe_input(spec: &InputSpec) -> String {
    let ty = spec.ty;
    let (noun, plural) = match ty.kind() {
        Kind::Int => ("a whole number".to_string(), "whole numbers".to_string()),
        Kind::Fxp { frac } => {
            let decimals = (f64::from(frac) * core::f64::consts::LOG10_2).floor() as u32;
            match decimals {
                0 => {
                    (format!("a number in steps of 1/{}", 1u64 << frac.min(63)), format!("numbers in steps of 1/{}", 1u64 << frac.min(63)))
                }
                1 => ("a number with up to 1 decimal".to_string(), "numbers with up to 1 decimal".to_string()),
                d => (format!("a number with up to {d} decimals"), format!("numbers with up to {d} decimals")),
            }
        }
        Kind::Fld => (
            format!("a whole number modulo {}", grouped(ty.field().modulus() as i128)),
            format!("whole numbers modulo {}", grouped(ty.field().modulus() as i128)),
        ),
    };
    let range = match (spec.bounds, ty.kind()) {
        (Some((lo, hi)), _) => format!("from {} to {}", show_grouped(lo), show_grouped(hi)),
        (None, Kind::Fld) => String::new(),
        (None, Kind::Int) => {
            let half = 1i128 << (ty.bits() - 1);
            format!("from {} to {}", grouped(-half), grouped(half - 1))
        }
        (None, Kind::Fxp { frac }) => {
            let half = 1i128 << (ty.bits() - 1 - frac);
            format!("from {} to below {}", grouped(-half), grouped(half))
        }
    };
    match (spec.len, range.is_empty()) {
        (None, true) => noun,
        (None, false) => format!("{noun} {range}"),
        (Some(n), true) => format!("a list of {} {plural}", grouped(n as i128)),
        (Some(n), false) => format!("a list of {} {plural}, each {range}", grouped(n as i128)),
    }
}

/// A whole number with thousands separators: 100,000,000.
fn grouped(v: i128) -> String {
    let digits = v.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if v < 0 { format!("-{out}") } else { out }
}

fn show_grouped(v: Value) -> String {
    match v {
        Value::Int(i) => grouped(i),
        Value::Fixed(x) if x.fract() == 0.0 && x.abs() < 1e15 => grouped(x as i128),
        Value::Fixed(x) => cohort_text::display_f64(x),
    }
}

/// An input value given as `scaled · 2^-frac`, for a message: grouped if whole.
fn show_scaled(scaled: i128, frac: u32) -> String {
    if scaled.trailing_zeros() >= frac || scaled == 0 { grouped(scaled >> frac) } else { values::decimal(scaled, frac) }
}

/// JSON text for a message, shortened if long.
fn shown(value: &Json) -> String {
    let text = value.to_string();
    if text.chars().count() <= 60 { text } else { format!("{}…", text.chars().take(50).collect::<String>()) }
}

impl InputSpec {
    /// Checks one party's value for this input (a number or a number's
    /// text, or a list of them for a vector): its shape, its type's range
    /// and the declared bounds. Returns each value exactly as its integer
    /// multiple of `2^-f`.
    pub fn check_value(&self, value: &Json) -> Result<Vec<i128>> {
        input_values(self, value)
    }
}

fn input_values(spec: &InputSpec, value: &Json) -> Result<Vec<i128>> {
    let name = spec.name.as_str();
    let wrong =
        || Error::input(ErrorCode::InputShape, name, format!("input `{name}` takes {}; got {}", describe_input(spec), shown(value)));
    let items: Vec<&Json> = match (spec.len, value) {
        (None, Json::Array(_)) | (Some(_), Json::Number(_) | Json::String(_)) => return Err(wrong()),
        (None, v) => vec![v],
        (Some(n), Json::Array(items)) if items.len() == n => items.iter().collect(),
        (Some(_), _) => return Err(wrong()),
    };
    let ty = spec.ty;
    let (fixed, frac) = match ty.kind() {
        Kind::Fxp { frac } => (true, frac),
        _ => (false, 0),
    };
    let out_of_range = |shown: &str| {
        let range = match ty.kind() {
            Kind::Fld => "secfld takes whole numbers from -2^127 to 2^127 − 1, modulo its prime".to_string(),
            _ => {
                let half = 1i128 << (ty.bits() - 1 - frac);
                format!("the range is [{}, {half})", -half)
            }
        };
        Error::input(ErrorCode::InputOutOfRange, name, format!("input `{name}`: {shown} does not fit {ty}: {range}"))
    };
    items
        .into_iter()
        .map(|item| {
            let (scaled, text) = match item {
                Json::Number(n) if n.as_i64().is_some() || n.as_u64().is_some() => {
                    let whole = n.as_i64().map_or_else(|| i128::from(n.as_u64().unwrap_or_default()), i128::from);
                    (whole.checked_mul(1 << frac).map(|value| values::Scaled { value, exact: true }), n.to_string())
                }
                // A whole float, as JavaScript's numbers are: its exact value.
                Json::Number(n) if n.as_f64().is_some_and(|x| x.fract() == 0.0) => {
                    let x = n.as_f64().unwrap_or_default() * 2f64.powi(frac as i32);
                    let fits = x.abs() < 2f64.powi(126);
                    (fits.then_some(values::Scaled { value: x as i128, exact: true }), n.to_string())
                }
                // A float with a fraction: the decimal it is written as.
                Json::Number(n) => {
                    let text = n.to_string();
                    match values::read_number(&text, frac) {
                        Ok(s) => (Some(s), text),
                        Err(_) => (None, text),
                    }
                }
                Json::String(s) => match values::read_number(s, frac) {
                    Ok(scaled) => (Some(scaled), s.clone()),
                    Err(values::Problem::OutOfRange) => (None, s.clone()),
                    Err(values::Problem::TooLong) => {
                        return Err(Error::input(
                            ErrorCode::InputMalformed,
                            name,
                            format!("input `{name}`: a number of {} characters is too long (at most {MAX_NUMBER_LEN})", s.len()),
                        ));
                    }
                    Err(values::Problem::Malformed) => {
                        return Err(Error::input(
                            ErrorCode::InputMalformed,
                            name,
                            format!(
                                "input `{name}` takes {}; got {}, which is not a number: {}",
                                describe_input(spec),
                                shown(item),
                                if fixed {
                                    "write it with digits, a minus sign and a decimal point only (as -1250 or 0.5)"
                                } else {
                                    "write it with digits and a minus sign only (as 52000 or -1250)"
                                }
                            ),
                        ));
                    }
                },
                _ => return Err(wrong()),
            };
            let short = if text.len() <= 50 { text } else { format!("{}… ({} characters)", &text[..40], text.len()) };
            let scaled = scaled.ok_or_else(|| out_of_range(&short))?;
            if !scaled.exact && !fixed {
                return Err(Error::input(
                    ErrorCode::InputNotInteger,
                    name,
                    format!("input `{name}` is a {ty}: whole numbers only, not {short}"),
                ));
            }
            let v = scaled.value;
            ty.encode_scaled(v).map_err(|_| out_of_range(&show_scaled(v, frac).replace(',', "")))?;
            if let Some((lo, hi)) = spec.bounds
                && (values::compare(v, frac, lo).is_lt() || values::compare(v, frac, hi).is_gt())
            {
                return Err(Error::input(
                    ErrorCode::InputOutOfBounds,
                    name,
                    format!("input `{name}` must be from {} to {}; got {}", show_grouped(lo), show_grouped(hi), show_scaled(v, frac)),
                ));
            }
            Ok(v)
        })
        .collect()
}

/// `plan` with this party's `inputs` as a session's program, for
/// [`cohort_mpc::Session::new`]: [`run`], whose failure is the program's
/// result. (One function for every caller, so the engine's code for it is
/// there once.)
#[allow(clippy::type_complexity)]
pub fn session_program(
    plan: Plan,
    inputs: PartyInputs,
) -> impl FnOnce(Rc<Runtime>) -> core::pin::Pin<Box<dyn Future<Output = cohort_mpc::Result<Result<Outputs, RunError>>>>> {
    move |rt: Rc<Runtime>| Box::pin(async move { Ok(run(&plan, &rt, &inputs).await) })
}

/// Runs `plan` as this party of the session `rt` belongs to, with this
/// party's checked inputs, and returns what it learns.
pub async fn run(plan: &Plan, rt: &Runtime, inputs: &PartyInputs) -> Result<Outputs, RunError> {
    if rt.parties() != plan.parties || rt.id() != inputs.party {
        return Err(RunError::Program(Error::general(format!(
            "the plan is for party {} of {}, but this session is party {} of {}",
            inputs.party,
            plan.parties,
            rt.id(),
            rt.parties()
        ))));
    }
    let cells: RefCell<Vec<Option<Rc<SecVec>>>> = RefCell::new(vec![None; plan.nodes.len()]);
    let outputs: RefCell<Outputs> = RefCell::new(BTreeMap::new());
    let cells = &cells;
    let ready = |id: NodeId| poll_fn(move |_| cells.borrow()[id].clone().map_or(Poll::Pending, Poll::Ready));
    let mut tasks: Vec<Task<'_>> = Vec::new();
    for (i, node) in plan.nodes.iter().enumerate() {
        tasks.push(Box::pin(async move {
            let mut args = Vec::new();
            for d in node.op.deps() {
                args.push(ready(d).await);
            }
            let value = eval(plan, rt, inputs, &node.op, &args).await.map_err(|e| located(node.span, &e))?;
            cells.borrow_mut()[i] = Some(Rc::new(value));
            Ok(())
        }));
    }
    let outputs_ref = &outputs;
    for out in &plan.outputs {
        tasks.push(Box::pin(async move {
            let x = ready(out.node).await;
            let located = |e: cohort_mpc::Error| located(out.span, &e);
            let revealed: Option<Vec<i128>> = match &out.to {
                OutputTo::All => rt.reveal_scaled(&x, &Receivers::All).await.map_err(located)?,
                OutputTo::Parties(ps) => rt.reveal_scaled(&x, &Receivers::Only(ps.clone())).await.map_err(located)?,
                OutputTo::Each => {
                    let row = x.len() / plan.parties;
                    let rows = (0..plan.parties).map(|p| {
                        let x = &x;
                        async move {
                            rt.reveal_scaled(&x.select(&(p * row..(p + 1) * row).collect::<Vec<_>>())?, &Receivers::Only(vec![p])).await
                        }
                    });
                    join_in_order(rows).await.map_err(located)?.into_iter().flatten().next()
                }
            };
            if let Some(values) = revealed {
                let shape = if out.to == OutputTo::Each { &out.shape[1..] } else { &out.shape[..] };
                let fixed = matches!(x.ty().kind(), Kind::Fxp { .. });
                outputs_ref.borrow_mut().insert(out.name.clone(), to_json(&values, x.ty().frac(), fixed, shape));
            }
            Ok(())
        }));
    }
    join_in_order(tasks).await?;
    Ok(outputs.into_inner())
}

/// One node's or one output's part of a run.
type Task<'a> = Pin<Box<dyn Future<Output = Result<(), RunError>> + 'a>>;

/// Why a run of a plan failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RunError {
    /// The program asked the engine for something it cannot do (at the
    /// statement the error points at).
    #[error("{0}")]
    Program(Error),
    /// The session failed: a peer left or misbehaved, the network closed.
    #[error(transparent)]
    Engine(cohort_mpc::Error),
}

/// An engine error at a node: misuse errors point at the program; network
/// and peer failures concern the session as a whole.
fn located(span: crate::ast::Span, e: &cohort_mpc::Error) -> RunError {
    use cohort_mpc::Error as E;
    match e {
        E::InvalidArgument(_) | E::OutOfRange(_) | E::Type(_) => RunError::Program(Error::new(span, engine_message(e))),
        other => RunError::Engine(other.clone()),
    }
}

/// Revealed values, each `scaled · 2^-frac`, shaped as JSON: a number (or
/// a string of digits, see [`values::output`]), or nested arrays.
fn to_json(values: &[i128], frac: u32, fixed: bool, shape: &[usize]) -> Json {
    match shape {
        [] => values.first().map_or(Json::Null, |&v| values::output(v, frac, fixed)),
        [_, rest @ ..] => {
            let row = rest.iter().product::<usize>().max(1);
            Json::Array(values.chunks(row).map(|c| to_json(c, frac, fixed, rest)).collect())
        }
    }
}

/// Runs futures concurrently, polling them in order every time, and returns
/// their results in order or the first error. (`futures_util`'s `join_all`
/// switches to wake-driven polling for many futures; the engine's sessions
/// poll with a no-op waker, so every branch must be polled every time.)
pub(crate) async fn join_in_order<F, T, E>(futs: impl IntoIterator<Item = F>) -> Result<Vec<T>, E>
where
    F: Future<Output = Result<T, E>>,
{
    let mut futs: Vec<Pin<Box<F>>> = futs.into_iter().map(Box::pin).collect();
    let mut out: Vec<Option<T>> = futs.iter().map(|_| None).collect();
    let mut pending: Vec<usize> = (0..futs.len()).collect();
    poll_fn(move |cx| {
        let mut failed = None;
        pending.retain(|&i| {
            if failed.is_some() {
                return true;
            }
            match futs[i].as_mut().poll(cx) {
                Poll::Ready(Ok(v)) => {
                    out[i] = Some(v);
                    false
                }
                Poll::Ready(Err(e)) => {
                    failed = Some(e);
                    false
                }
                Poll::Pending => true,
            }
        });
        if let Some(e) = failed {
            return Poll::Ready(Err(e));
        }
        if pending.is_empty() { Poll::Ready(Ok(out.iter_mut().filter_map(Option::take).collect())) } else { Poll::Pending }
    })
    .await
}

/// One operation's future, boxed: each operation's protocol stays its own
/// state machine instead of a variant of one large one (this keeps the
/// browser's WebAssembly smaller).
type OpFuture<'a> = Pin<Box<dyn Future<Output = cohort_mpc::Result<SecVec>> + 'a>>;

fn eval<'a>(plan: &'a Plan, rt: &'a Runtime, inputs: &'a PartyInputs, op: &'a Op, args: &'a [Rc<SecVec>]) -> OpFuture<'a> {
    let a = || &*args[0];
    let b = || &*args[1];
    let done = |r: cohort_mpc::Result<SecVec>| -> OpFuture<'a> { Box::pin(core::future::ready(r)) };
    match op {
        Op::Input(i) => Box::pin(async move {
            let spec = &plan.inputs[*i];
            let n = spec.len.unwrap_or(1);
            let mine = inputs.values[*i].as_deref();
            match spec.owner {
                Owner::Role { party, .. } => rt.input_scaled(&spec.ty, party, mine.filter(|_| rt.id() == party), n).await,
                Owner::Each => {
                    let me = rt.id();
                    let parts = join_in_order((0..plan.parties).map(|p| rt.input_scaled(&spec.ty, p, mine.filter(|_| p == me), n))).await?;
                    concat(&spec.ty, &parts)
                }
            }
        }),
        Op::Const { ty, values } => {
            done(values.iter().map(|&v| ty.encode(v)).collect::<cohort_mpc::Result<_>>().map(|s| SecVec::from_shares(*ty, s)))
        }
        Op::Gather { indices, .. } => done(a().select(indices)),
        Op::Concat(_) => done(concat(a().ty(), &args.iter().map(|x| (**x).clone()).collect::<Vec<_>>())),
        Op::Add(..) => done(a().add(b())),
        Op::Sub(..) => done(a().sub(b())),
        Op::Neg(_) => done(Ok(a().neg())),
        Op::AddPublic(_, c) => done(a().add_public(*c)),
        Op::MulPublic(_, c) => Box::pin(rt.mul_public(a(), *c)),
        Op::DivPublic(_, c) => Box::pin(div_public(rt, a(), *c)),
        Op::FloorDiv(_, c) => Box::pin(rt.floordiv_public(a(), *c)),
        Op::Mod(_, c) => Box::pin(rt.mod_public(a(), *c)),
        Op::Shl(_, k) => done(a().shl(*k)),
        Op::Shr(_, k) => Box::pin(rt.shr(a(), *k)),
        Op::Pow(_, k) => Box::pin(rt.pow(a(), *k)),
        Op::Trunc(_, f) => Box::pin(rt.trunc(a(), *f)),
        Op::Inverse(_, n) => Box::pin(rt.inverse(a(), *n)),
        Op::Convert(_, ty) => Box::pin(rt.convert(a(), ty)),
        Op::Pair(f, ..) => match f {
            Pair::Mul => Box::pin(rt.mul(a(), b())),
            Pair::Div => Box::pin(rt.div(a(), b())),
            Pair::Lt => Box::pin(rt.lt(a(), b())),
            Pair::Le => Box::pin(rt.le(a(), b())),
            Pair::Gt => Box::pin(rt.gt(a(), b())),
            Pair::Ge => Box::pin(rt.ge(a(), b())),
            Pair::Eq => Box::pin(rt.eq(a(), b())),
            Pair::Ne => Box::pin(rt.ne(a(), b())),
            Pair::MinPairwise => Box::pin(rt.min_pairwise(a(), b())),
            Pair::MaxPairwise => Box::pin(rt.max_pairwise(a(), b())),
            Pair::Inner => Box::pin(rt.inner(a(), b())),
            Pair::Covariance => Box::pin(rt.covariance(a(), b())),
            Pair::Gcd => Box::pin(rt.gcd(a(), b())),
            Pair::Lcm => Box::pin(rt.lcm(a(), b())),
        },
        Op::Map(f, _) => match f {
            Map::Abs => Box::pin(rt.abs(a())),
            Map::Sign => Box::pin(rt.sign(a())),
            Map::IsZero => Box::pin(rt.is_zero(a())),
            Map::Reciprocal => Box::pin(rt.reciprocal(a())),
            Map::Sqrt => Box::pin(rt.sqrt(a())),
            Map::ToBits => Box::pin(rt.to_bits(a())),
        },
        Op::Reduce { f, rows, len, .. } => Box::pin(async move {
            let x = a();
            let parts = join_in_order((0..*rows).map(|r| {
                let row = x.select(&(r * len..(r + 1) * len).collect::<Vec<_>>());
                async move { reduce(rt, *f, &row?).await }
            }))
            .await?;
            // argmin/argmax give their index type, the others the input's.
            concat(parts.first().map_or(x.ty(), |p| p.ty()), &parts)
        }),
        Op::ColumnSums { rows, cols, .. } => {
            let x = a();
            done(
                (0..*cols)
                    .map(|c| Ok(x.select(&(0..*rows).map(|r| r * cols + c).collect::<Vec<_>>())?.sum()))
                    .collect::<cohort_mpc::Result<Vec<_>>>()
                    .and_then(|sums| concat(x.ty(), &sums)),
            )
        }
        Op::IfElse(..) => Box::pin(rt.if_else(a(), b(), &args[2])),
        Op::MatMul { rows, inner, cols, .. } => Box::pin(rt.matmul(a(), b(), *rows, *inner, *cols)),
        Op::Sort(_) => Box::pin(rt.sort(a(), false)),
        Op::Shuffle(_) => Box::pin(rt.shuffle(a())),
        Op::SortByKey { cols, .. } => Box::pin(async move {
            let n = b().len();
            let columns = (0..*cols)
                .map(|j| a().select(&(0..n).map(|i| i * cols + j).collect::<Vec<_>>()))
                .collect::<cohort_mpc::Result<Vec<_>>>()?;
            let (_, sorted) = rt.sort_by_key(b(), &columns, false).await?;
            let rows: Vec<_> = (0..n).flat_map(|i| sorted.iter().map(move |c| c.shares()[i])).collect();
            Ok(SecVec::from_shares(*a().ty(), rows))
        }),
        Op::ExtremeByKey { cols, max, .. } => Box::pin(rt.extreme_by_key(b(), a(), *cols, *max)),
        Op::Find { not_found, .. } => Box::pin(rt.find(a(), b(), *not_found)),
        Op::Choose { k, .. } => Box::pin(async move { rt.shuffle(a()).await?.select(&(0..*k).collect::<Vec<_>>()) }),
        Op::Random { f, ty, n } => match f {
            Random::Int { lo, hi } => Box::pin(rt.random_int(ty, *lo, *hi, *n)),
            Random::Bits => Box::pin(rt.random_bits(ty, *n)),
            Random::Permutation => Box::pin(rt.random_permutation(ty, *n)),
            Random::Derangement => Box::pin(rt.random_derangement(ty, *n)),
            Random::Uniform { a, b } => Box::pin(rt.uniform(ty, *a, *b, *n)),
        },
    }
}

async fn reduce(rt: &Runtime, f: Reduce, x: &SecVec) -> cohort_mpc::Result<SecVec> {
    Ok(match f {
        Reduce::Sum => x.sum(),
        Reduce::Prod | Reduce::All => rt.prod(x).await?,
        Reduce::Any => rt.prod(&x.neg().add_public(Value::Int(1))?).await?.neg().add_public(Value::Int(1))?,
        Reduce::Min => rt.min(x).await?,
        Reduce::Max => rt.max(x).await?,
        Reduce::Argmin => rt.argmin(x).await?.0,
        Reduce::Argmax => rt.argmax(x).await?.0,
        Reduce::Mean => rt.mean(x).await?,
        Reduce::Variance => rt.variance(x).await?,
        Reduce::Pvariance => rt.pvariance(x).await?,
        Reduce::Stdev => rt.stdev(x).await?,
        Reduce::Median => rt.median(x).await?,
        Reduce::Mode => rt.mode(x).await?,
        Reduce::FromBits => x.from_bits()?,
    })
}

/// `a / c` for a public `c`: fixed point multiplies by `1/c`; integers and
/// field elements multiply by the field inverse of `c` (exact division, as MPyC).
async fn div_public(rt: &Runtime, a: &SecVec, c: Value) -> cohort_mpc::Result<SecVec> {
    let ty = a.ty();
    if let Kind::Fxp { .. } = ty.kind() {
        return rt.mul_public(a, Value::Fixed(1.0 / c.as_f64())).await;
    }
    let field = ty.field();
    let inv = field.inv(ty.encode(c)?)?;
    Ok(SecVec::from_shares(*ty, a.shares().iter().map(|&x| field.mul(x, inv)).collect()))
}

fn concat(ty: &SecType, parts: &[SecVec]) -> cohort_mpc::Result<SecVec> {
    Ok(SecVec::from_shares(*ty, parts.iter().flat_map(|p| p.shares().iter().copied()).collect()))
}
