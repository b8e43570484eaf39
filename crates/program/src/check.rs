//! Type checking and elaboration: a program and a number of parties become a
//! [`Plan`]. Public values (numbers, `parties`, loop variables) are computed
//! here; loops are unrolled; every secret value becomes a node with a known
//! secure type and shape. Every error names the line and column it is about.

use std::collections::HashMap;
use std::rc::Rc;

use cohort_mpc::{Kind, MAX_PARTIES, PartyId, SecType, Statistic, Value, check_statistic};
use cohort_text::debug_f64;

use crate::ast::*;
use crate::error::{Error, Result};
use crate::plan::{InputSpec, Map, Node, NodeId, Op, OutputSpec, OutputTo, Owner, Pair, Plan, Random, Reduce};

/// The most engine operations a program may unroll to.
pub const MAX_NODES: usize = 200_000;
/// The most elements a value may have.
pub const MAX_ELEMENTS: usize = 1 << 20;

/// The operations a program can call, with what they do (for the docs and `cohort check`).
pub const OPERATIONS: &[(&str, &str)] = &[
    ("len(x)", "the length of a vector (rows of a matrix), a public number"),
    ("sum(x)", "the sum of a vector's elements; of a matrix, the sums of its columns (no communication)"),
    ("prod(x)", "the product of a vector's elements"),
    ("min(x), max(x)", "the least or greatest element of a vector"),
    ("min(a, b), max(a, b)", "elementwise minimum or maximum"),
    (
        "argmin(x), argmax(x)",
        "the index of the (first) least or greatest element: of the vector's type, or secfld when that type cannot count the elements",
    ),
    (
        "min(x, key=k), max(x, key=k)",
        "the element (a matrix: the row) of x whose key is least or greatest, the first on a tie: MPyC's key function given as its values, k[i] = key(x[i])",
    ),
    ("argmin(x, key=k), argmax(x, key=k)", "the index of the (first) least or greatest key, k[i] = key(x[i])"),
    (
        "find(x, a), find(x, a, e=E)",
        "the index of the first element of x equal to a, or len(x) (or the public E) when there is none (MPyC's find)",
    ),
    ("all(x), any(x)", "whether all or any of a vector of bits are 1"),
    ("sort(x)", "the elements of a vector in ascending order (Batcher's network)"),
    ("sort(x, key=k)", "the elements (a matrix: the rows) of x in ascending order of their keys k[i] = key(x[i])"),
    ("reverse(x)", "a vector's elements in reverse order (no communication)"),
    ("concat(a, b, …)", "vectors joined into one"),
    ("flatten(m)", "a matrix's rows joined into one vector"),
    ("abs(x), sign(x)", "absolute value and sign (−1, 0, 1), elementwise"),
    ("is_zero(x)", "1 where x is zero, else 0, elementwise"),
    ("if_else(c, a, b)", "a where the bit c is 1, else b, elementwise"),
    ("reciprocal(x)", "1/x, elementwise (secfxp, secfld; secint: the field inverse)"),
    ("pow(x, k)", "x to the power of a public whole number k (k < 0: secfxp and secfld only, by the reciprocal)"),
    ("trunc(x, f)", "x / 2^f with MPyC's stochastic rounding, for a public 0 ≤ f < l (secfxp(l, f'): f < l + f')"),
    ("gcd(a, b), lcm(a, b)", "greatest common divisor and least common multiple of secints, elementwise (MPyC's gcd, lcm)"),
    ("inverse(a, n)", "the inverse of a secint a ≥ 0 modulo a public n, 1 ≤ n < 2^(l−1), in [0, n) (gcd(a, n) = 1 assumed, as MPyC)"),
    (
        "convert(x, T)",
        "x as a value of another secint or secfxp type T (MPyC's convert: values must fit the smaller type; fewer fractional bits round at random)",
    ),
    ("sqrt(x)", "the square root, rounded down (secint, secfxp)"),
    ("to_bits(x)", "the bits of a secint, least significant first: a vector (a matrix for a vector)"),
    ("from_bits(b)", "the secint with these bits, least significant first (row by row for a matrix)"),
    ("inner(a, b)", "the inner product of two vectors"),
    ("matmul(a, b)", "the product of two matrices"),
    ("mean(x), median(x)", "the mean and median of a vector (secint: rounded as MPyC)"),
    ("mode(x)", "the most common value of a vector, the least of them on a tie (MPyC's mode; secint, secfxp; at most 512 values)"),
    ("variance(x), pvariance(x), stdev(x)", "sample variance, population variance and sample standard deviation"),
    ("covariance(x, y)", "the sample covariance of two vectors"),
    ("random_int(T, lo, hi), random_int(T, lo, hi, n)", "a secret uniform integer (or n of them) with lo ≤ x < hi"),
    ("random_bits(T, n)", "n secret uniform bits"),
    ("random_permutation(T, n)", "a secret uniform permutation of 0 … n−1"),
    ("random_derangement(T, n)", "a secret uniform permutation of 0 … n−1 without fixed points"),
    ("shuffle(x)", "a vector's elements in a secret uniform order"),
    ("choice(T, x)", "an element of the vector x chosen uniformly at random (MPyC's random.choice)"),
    ("sample(T, x, k)", "k elements of the vector x chosen uniformly at random, without replacement (MPyC's random.sample)"),
    (
        "uniform(T, a, b), uniform(T, a, b, n)",
        "a secret secfxp number (or n of them) uniform between public a and b (MPyC's random.uniform)",
    ),
];

/// Checks `program` for `m` parties and unrolls it into a [`Plan`].
pub(crate) fn elaborate(program: &Program, m: usize) -> Result<Plan> {
    let (lo, hi) = party_range(program)?;
    if m < lo || m > hi {
        return Err(Error::general(format!("\"{}\" runs with {} parties, not {m}", program.name, describe_range(lo, hi))));
    }
    let mut e = Elab { m, nodes: Vec::new(), scopes: vec![HashMap::new()], inputs: Vec::new(), outputs: Vec::new(), steps: 0, stored: 0 };
    e.block(&program.body, true)?;
    if e.outputs.is_empty() {
        return Err(Error::general("the program reveals nothing: add a `reveal NAME = … to all` statement"));
    }
    Ok(Plan { parties: m, inputs: e.inputs, outputs: e.outputs, nodes: e.nodes })
}

/// The allowed numbers of parties, `(min, max)`.
pub(crate) fn party_range(program: &Program) -> Result<(usize, usize)> {
    let Parties { min, max } = program.parties;
    let (lo, hi) = (min as usize, max.map_or(MAX_PARTIES, |m| m as usize));
    if lo == 0 || hi > MAX_PARTIES || lo > hi {
        return Err(Error::new(
            Span { line: 2, col: 1 },
            format!("the number of parties must be between 1 and {MAX_PARTIES}, and the least first"),
        ));
    }
    Ok((lo, hi))
}

/// How many parties a program allows, in words: `3`, `3 or more`, `3 to 7`.
pub fn describe_range(lo: usize, hi: usize) -> String {
    match (lo, hi) {
        (lo, hi) if lo == hi => format!("{lo}"),
        (lo, MAX_PARTIES) => format!("{lo} or more"),
        (lo, hi) => format!("{lo} to {hi}"),
    }
}

/// A public number during elaboration.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Num {
    Int(i128),
    Float(f64),
}

impl Num {
    fn value(self) -> Value {
        match self {
            Num::Int(v) => Value::Int(v),
            Num::Float(v) => Value::Fixed(v),
        }
    }

    fn f64(self) -> f64 {
        match self {
            Num::Int(v) => v as f64,
            Num::Float(v) => v,
        }
    }
}

impl From<Number> for Num {
    fn from(n: Number) -> Num {
        match n {
            Number::Int(v) => Num::Int(v),
            Number::Float(v) => Num::Float(v),
        }
    }
}

type Shape = Vec<usize>;

fn size(shape: &[usize]) -> usize {
    shape.iter().product()
}

fn shape_name(shape: &[usize]) -> String {
    match shape {
        [] => "a scalar".into(),
        [n] => format!("a vector of {n}"),
        [r, c] => format!("a {r}×{c} matrix"),
        _ => format!("{shape:?}"),
    }
}

#[derive(Clone, Debug)]
enum Val {
    Public { data: Rc<Vec<Num>>, shape: Shape },
    Secret { node: NodeId, ty: SecType, shape: Shape },
    Type(SecType),
    Role(PartyId),
}

impl Val {
    fn scalar(n: Num) -> Val {
        Val::Public { data: Rc::new(vec![n]), shape: vec![] }
    }

    fn shape(&self) -> &[usize] {
        match self {
            Val::Public { shape, .. } | Val::Secret { shape, .. } => shape,
            Val::Type(_) | Val::Role(_) => &[],
        }
    }

    fn what(&self) -> String {
        match self {
            Val::Public { shape, .. } => shape_name(shape).replacen("a ", "a public ", 1),
            Val::Secret { ty, shape, .. } => format!("{} of {ty}", shape_name(shape)),
            Val::Type(ty) => format!("the type {ty}"),
            Val::Role(p) => format!("the role of party {p}"),
        }
    }
}

#[derive(Clone, Debug)]
struct Binding {
    val: Val,
    /// Inputs, roles and types cannot be reassigned.
    fixed: bool,
}

struct Elab {
    m: usize,
    nodes: Vec<Node>,
    scopes: Vec<HashMap<String, Binding>>,
    inputs: Vec<InputSpec>,
    outputs: Vec<OutputSpec>,
    steps: usize,
    /// Elements stored at check time (index lists and constants), bounded by [`MAX_STORED`].
    stored: usize,
}

/// The most elements of index lists and constants a plan may store.
pub const MAX_STORED: usize = 1 << 24;

fn err<T>(span: Span, msg: impl Into<String>) -> Result<T> {
    Err(Error::new(span, msg))
}

impl Elab {
    fn push(&mut self, op: Op, span: Span) -> Result<NodeId> {
        let stored = match &op {
            Op::Gather { indices, .. } => indices.len(),
            Op::Const { values, .. } => values.len(),
            _ => 0,
        };
        self.stored += stored;
        if self.stored > MAX_STORED {
            return err(
                span,
                format!("the program stores more than {MAX_STORED} indices and constants; use fewer or smaller vectors in loops"),
            );
        }
        if self.nodes.len() >= MAX_NODES {
            return err(span, format!("the program unrolls to more than {MAX_NODES} operations; use vectors instead of long loops"));
        }
        self.nodes.push(Node { op, span });
        Ok(self.nodes.len() - 1)
    }

    fn step(&mut self, span: Span) -> Result<()> {
        self.steps += 1;
        if self.steps > 4 * MAX_NODES {
            return err(span, "the program takes too many steps to unroll; use vectors instead of long loops");
        }
        Ok(())
    }

    fn lookup(&self, name: &str) -> Option<&Binding> {
        self.scopes.iter().rev().find_map(|s| s.get(name))
    }

    fn define(&mut self, name: &str, val: Val, fixed: bool, span: Span) -> Result<()> {
        if name == "parties" || BUILTINS.contains(&name) || ["secint", "secfxp", "secfld"].contains(&name) {
            return err(span, format!("`{name}` is the name of an operation; choose another name"));
        }
        if self.lookup(name).is_some() {
            return err(span, format!("`{name}` is already defined; to give it a new value, write `{name} = …` without `let`"));
        }
        self.scopes.last_mut().expect("a scope").insert(name.to_string(), Binding { val, fixed });
        Ok(())
    }

    fn block(&mut self, stmts: &[Stmt], top: bool) -> Result<()> {
        for s in stmts {
            self.step(s.span)?;
            self.stmt(s, top)?;
        }
        Ok(())
    }

    fn scoped(&mut self, f: impl FnOnce(&mut Self) -> Result<()>) -> Result<()> {
        self.scopes.push(HashMap::new());
        let r = f(self);
        self.scopes.pop();
        r
    }

    fn stmt(&mut self, s: &Stmt, top: bool) -> Result<()> {
        let span = s.span;
        match &s.kind {
            StmtKind::Role { name, party } => {
                let party = *party as usize;
                if name == "all" || name == "each" {
                    return err(span, format!("`{name}` already means something in `reveal … to {name}`; choose another role name"));
                }
                if party >= self.m {
                    return err(
                        span,
                        format!("role `{name}` is party {party}, but with {} parties they are numbered 0 to {}", self.m, self.m - 1),
                    );
                }
                self.define(name, Val::Role(party), true, span)
            }
            StmtKind::Type { name, ty } => {
                let ty = self.type_expr(ty, span)?;
                self.define(name, Val::Type(ty), true, span)
            }
            StmtKind::Input(input) => self.input(input, span),
            StmtKind::Let { name, value } => {
                let val = self.value(value)?;
                self.define(name, val, false, span)
            }
            StmtKind::Assign { name, value } => {
                let val = self.value(value)?;
                let scope = self.scopes.iter_mut().rev().find(|s| s.contains_key(name.as_str()));
                match scope.and_then(|s| s.get_mut(name.as_str())) {
                    None => err(span, format!("`{name}` is not defined; introduce it with `let {name} = …`")),
                    Some(b) if b.fixed => err(span, format!("`{name}` is a declaration and cannot be given a new value")),
                    Some(b) => {
                        b.val = val;
                        Ok(())
                    }
                }
            }
            StmtKind::For { var, start, end, body } => {
                let (lo, hi) = self.range(start.as_ref(), end)?;
                for i in lo..hi {
                    self.step(span)?;
                    self.scoped(|e| {
                        e.define(var, Val::scalar(Num::Int(i)), true, span)?;
                        e.block(body, false)
                    })?;
                }
                Ok(())
            }
            StmtKind::If { cond, then, otherwise } => {
                let c = self.public_int(cond, "an `if` condition")?;
                self.scoped(|e| e.block(if c != 0 { then } else { otherwise }, false))
            }
            StmtKind::Reveal { name, value, to } => {
                debug_assert!(top);
                self.reveal(name, value.as_ref(), to, span)
            }
        }
    }

    fn type_expr(&mut self, ty: &TypeExpr, span: Span) -> Result<SecType> {
        let made = match ty {
            TypeExpr::Secint { bits } => SecType::int(*bits),
            TypeExpr::Secfxp { bits, frac } => SecType::fxp(*bits, *frac),
            TypeExpr::Secfld { modulus } => SecType::fld(*modulus),
            TypeExpr::Named(name) => {
                return match self.lookup(name).map(|b| &b.val) {
                    Some(Val::Type(t)) => Ok(*t),
                    Some(other) => err(span, format!("`{name}` is {}, not a type", other.what())),
                    None => err(span, format!("no type named `{name}`; declare it with `type {name} = secint(32)`")),
                };
            }
        };
        made.map_err(|e| Error::new(span, engine_message(&e)))
    }

    fn input(&mut self, input: &Input, span: Span) -> Result<()> {
        let ty = self.type_expr(&input.ty, span)?;
        let len = input.len.map(|n| n as usize);
        if len.is_some_and(|n| n == 0 || n > MAX_ELEMENTS) {
            return err(span, format!("an input vector has 1 to {MAX_ELEMENTS} elements"));
        }
        let owner = match &input.from {
            Source::Each => Owner::Each,
            Source::Role(role) => match self.lookup(role).map(|b| &b.val) {
                Some(Val::Role(p)) => Owner::Role { role: role.clone(), party: *p },
                _ => return err(span, format!("no role named `{role}`; declare it with `role {role} = party 0`")),
            },
        };
        let bounds = match input.bounds {
            None => None,
            Some(Bounds { min, max }) => {
                let (lo, hi) = (Num::from(min).value(), Num::from(max).value());
                for v in [lo, hi] {
                    ty.encode(v).map_err(|e| Error::new(span, format!("the bound {}", misfit(v, ty, &e))))?;
                }
                if crate::values::compare_values(lo, hi).is_gt() {
                    return err(span, "the lower bound is above the upper bound");
                }
                Some((lo, hi))
            }
        };
        let mut shape = Vec::new();
        if owner == Owner::Each {
            shape.push(self.m);
        }
        shape.extend(len);
        if size(&shape) > MAX_ELEMENTS {
            return err(span, "this input has too many elements");
        }
        let index = self.inputs.len();
        self.inputs.push(InputSpec { name: input.name.clone(), ty, len, owner, typed: input.typed, bounds, span });
        let node = self.push(Op::Input(index), span)?;
        self.define(&input.name, Val::Secret { node, ty, shape }, true, span)
    }

    fn reveal(&mut self, name: &str, value: Option<&Expr>, to: &Receivers, span: Span) -> Result<()> {
        if self.outputs.iter().any(|o| o.name == name) {
            return err(span, format!("`{name}` is revealed twice; give each output its own name"));
        }
        let val = match value {
            Some(v) => self.value(v)?,
            None => match self.lookup(name) {
                Some(b) => b.val.clone(),
                None => return err(span, format!("nothing called `{name}` to reveal; write `reveal {name} = EXPRESSION to …`")),
            },
        };
        let Val::Secret { node, ty, shape } = val else {
            return err(span, format!("only secret values are revealed; this is {}", val.what()));
        };
        let to = match to {
            Receivers::All => OutputTo::All,
            Receivers::Each => {
                if shape.first() != Some(&self.m) {
                    return err(
                        span,
                        format!(
                            "`to each` gives party i element i, so it needs one element per party ({}); this is {}",
                            self.m,
                            shape_name(&shape)
                        ),
                    );
                }
                OutputTo::Each
            }
            Receivers::Roles(roles) => {
                let mut parties = Vec::new();
                for r in roles {
                    match self.lookup(r).map(|b| &b.val) {
                        Some(Val::Role(p)) if !parties.contains(p) => parties.push(*p),
                        Some(Val::Role(_)) => {}
                        _ => return err(span, format!("no role named `{r}`: reveal to `all`, `each` or declared roles")),
                    }
                }
                OutputTo::Parties(parties)
            }
        };
        self.outputs.push(OutputSpec { name: name.to_string(), ty, shape, to, node, span });
        Ok(())
    }

    fn range(&mut self, start: Option<&Expr>, end: &Expr) -> Result<(i128, i128)> {
        let lo = match start {
            Some(s) => self.public_int(s, "a range's start")?,
            None => 0,
        };
        let hi = self.public_int(end, "a range's end")?;
        if hi.saturating_sub(lo) > MAX_NODES as i128 {
            return err(end.span, format!("a range from {lo} to {hi} is too long to unroll; use vectors"));
        }
        Ok((lo, hi.max(lo)))
    }

    fn public_int(&mut self, e: &Expr, what: &str) -> Result<i128> {
        match self.value(e)? {
            Val::Public { data, shape } if shape.is_empty() => match data[0] {
                Num::Int(v) => Ok(v),
                Num::Float(v) => err(e.span, format!("{what} must be a whole number, not {}", debug_f64(v))),
            },
            other => err(e.span, format!("{what} must be a public number, known before the run; this is {}", other.what())),
        }
    }

    fn value(&mut self, e: &Expr) -> Result<Val> {
        let v = self.value_inner(e)?;
        // Public vectors are computed here, at check time: count their elements too.
        if let Val::Public { shape, .. } = &v
            && !shape.is_empty()
        {
            self.stored += size(shape);
            if self.stored > MAX_STORED {
                return err(e.span, format!("the program computes more than {MAX_STORED} public elements; use smaller vectors in loops"));
            }
        }
        Ok(v)
    }

    fn value_inner(&mut self, e: &Expr) -> Result<Val> {
        self.step(e.span)?;
        let span = e.span;
        match &e.kind {
            ExprKind::Number(n) => Ok(Val::scalar(Num::from(*n))),
            ExprKind::Name(name) if name == "parties" => Ok(Val::scalar(Num::Int(self.m as i128))),
            ExprKind::Name(name) => match self.lookup(name) {
                Some(b) => Ok(b.val.clone()),
                None if BUILTINS.contains(&name.as_str()) => err(span, format!("`{name}` is an operation: call it as `{name}(…)`")),
                None => err(span, format!("`{name}` is not defined")),
            },
            ExprKind::Unary { op, operand } => {
                let v = self.value(operand)?;
                match op {
                    UnaryOp::Neg => self.binary(BinaryOp::Sub, Val::scalar(Num::Int(0)), v, span),
                    UnaryOp::Not => self.binary(BinaryOp::Sub, Val::scalar(Num::Int(1)), v, span),
                }
            }
            ExprKind::Binary { op, left, right } => {
                let (a, b) = (self.value(left)?, self.value(right)?);
                self.binary(*op, a, b, span)
            }
            ExprKind::Call { func, args } => self.call(func, args, span),
            ExprKind::Keyword { name, .. } => {
                err(span, format!("`{name}=…` is a keyword argument: it belongs among a call's arguments, as in `sort(x, key=-x)`"))
            }
            ExprKind::Index { base, index } => {
                let v = self.value(base)?;
                let i = self.public_int(index, "an index")?;
                let n = *v.shape().first().ok_or_else(|| Error::new(span, format!("cannot index {}", v.what())))?;
                let i = if i < 0 { i + n as i128 } else { i };
                if i < 0 || i >= n as i128 {
                    return err(index.span, format!("index out of range: {} has {n} elements", v.what()));
                }
                let rest = v.shape()[1..].to_vec();
                let row = size(&rest);
                let start = i as usize * row;
                self.gather(v, (start..start + row).collect(), rest, span)
            }
            ExprKind::Slice { base, start, end } => {
                let v = self.value(base)?;
                let n = *v.shape().first().ok_or_else(|| Error::new(span, format!("cannot slice {}", v.what())))? as i128;
                let clamp = |i: i128| if i < 0 { (i + n).max(0) } else { i.min(n) };
                let lo = match start {
                    Some(s) => clamp(self.public_int(s, "a slice's start")?),
                    None => 0,
                };
                let hi = match end {
                    Some(s) => clamp(self.public_int(s, "a slice's end")?),
                    None => n,
                }
                .max(lo);
                let row = size(&v.shape()[1..]);
                let mut shape = v.shape().to_vec();
                shape[0] = (hi - lo) as usize;
                self.gather(v, (lo as usize * row..hi as usize * row).collect(), shape, span)
            }
            ExprKind::List(items) => {
                let vals = items.iter().map(|i| self.value(i)).collect::<Result<Vec<_>>>()?;
                self.stack(vals, span)
            }
            ExprKind::Comprehension { element, var, start, end } => {
                let (lo, hi) = self.range(start.as_deref(), end)?;
                let mut vals = Vec::new();
                for i in lo..hi {
                    self.step(span)?;
                    self.scopes.push(HashMap::new());
                    let v = self.define(var, Val::scalar(Num::Int(i)), true, span).and_then(|()| self.value(element));
                    self.scopes.pop();
                    vals.push(v?);
                }
                self.stack(vals, span)
            }
        }
    }

    /// Elements `indices` of `v` (flat, row-major) as a value of `shape`.
    fn gather(&mut self, v: Val, indices: Vec<usize>, shape: Shape, span: Span) -> Result<Val> {
        match v {
            Val::Public { data, .. } => Ok(Val::Public { data: Rc::new(indices.iter().map(|&i| data[i]).collect()), shape }),
            Val::Secret { node, ty, .. } => {
                let node = self.push(Op::Gather { src: node, indices }, span)?;
                Ok(Val::Secret { node, ty, shape })
            }
            other => err(span, format!("cannot take elements of {}", other.what())),
        }
    }

    /// `[a, b, …]`: scalars make a vector, vectors of one length a matrix.
    fn stack(&mut self, vals: Vec<Val>, span: Span) -> Result<Val> {
        let Some(first) = vals.first() else {
            return Ok(Val::Public { data: Rc::new(Vec::new()), shape: vec![0] });
        };
        let inner = first.shape().to_vec();
        if inner.len() > 1 {
            return err(span, "lists of matrices are not supported");
        }
        if let Some(v) = vals.iter().find(|v| v.shape() != inner) {
            return err(span, format!("a list's items must have one shape: {} and {}", shape_name(&inner), shape_name(v.shape())));
        }
        let mut shape = vec![vals.len()];
        shape.extend(&inner);
        if size(&shape) > MAX_ELEMENTS {
            return err(span, "this list has too many elements");
        }
        let ty = self.common_type(&vals, span)?;
        match ty {
            None => {
                let data = vals.iter().flat_map(|v| if let Val::Public { data, .. } = v { data.to_vec() } else { vec![] }).collect();
                Ok(Val::Public { data: Rc::new(data), shape })
            }
            Some(ty) => {
                let parts = vals.iter().map(|v| self.secret(v, ty, &inner, span)).collect::<Result<Vec<_>>>()?;
                let node = self.push(Op::Concat(parts), span)?;
                Ok(Val::Secret { node, ty, shape })
            }
        }
    }

    /// The secure type shared by the secret values among `vals` (`None` if
    /// all are public); an error for types, roles or mixed secure types.
    fn common_type(&self, vals: &[Val], span: Span) -> Result<Option<SecType>> {
        let mut ty: Option<SecType> = None;
        for v in vals {
            match v {
                Val::Public { .. } => {}
                Val::Secret { ty: t, .. } => match ty {
                    Some(u) if u != *t => return err(span, format!("values of types {u} and {t} cannot be combined")),
                    _ => ty = Some(*t),
                },
                other => return err(span, format!("{} is not a value", other.what())),
            }
        }
        Ok(ty)
    }

    /// `v` as a secret node of type `ty` and shape `shape`: public values
    /// become constants, secret scalars are repeated.
    fn secret(&mut self, v: &Val, ty: SecType, shape: &[usize], span: Span) -> Result<NodeId> {
        match v {
            Val::Secret { node, shape: s, .. } if s == shape => Ok(*node),
            Val::Secret { node, shape: s, .. } if s.is_empty() => self.push(Op::Gather { src: *node, indices: vec![0; size(shape)] }, span),
            Val::Public { data, shape: s } if s == shape || s.is_empty() => {
                let n = size(shape);
                let values: Vec<Value> = (0..n).map(|i| data[if s.is_empty() { 0 } else { i }].value()).collect();
                for v in &values {
                    ty.encode(*v).map_err(|e| Error::new(span, format!("the public value {}", misfit(*v, ty, &e))))?;
                }
                self.push(Op::Const { ty, values }, span)
            }
            other => err(span, format!("{} does not match {}", other.what(), shape_name(shape))),
        }
    }

    fn binary(&mut self, op: BinaryOp, a: Val, b: Val, span: Span) -> Result<Val> {
        use BinaryOp::*;
        let ty = match self.common_type(&[a.clone(), b.clone()], span)? {
            None => return public_binary(op, &a, &b, span),
            Some(ty) => ty,
        };
        let shape = broadcast(a.shape(), b.shape()).ok_or_else(|| {
            Error::new(
                span,
                format!(
                    "`{}` needs operands of one shape (or a scalar): {} and {}",
                    op.symbol(),
                    shape_name(a.shape()),
                    shape_name(b.shape())
                ),
            )
        })?;
        let public_scalar = |v: &Val| match v {
            Val::Public { data, shape } if shape.is_empty() => Some(data[0]),
            _ => None,
        };
        if matches!(op, Lt | Le | Gt | Ge | FloorDiv | Mod | Shr) && ty.kind() == Kind::Fld {
            return err(span, format!("`{}` is not defined for {ty}: field elements have no order", op.symbol()));
        }
        let secret = |e: &mut Self, v: &Val| e.secret(v, ty, &shape, span);
        let out = |node| Ok(Val::Secret { node, ty, shape: shape.clone() });
        match op {
            Add | Sub => {
                if let Some(c) = public_scalar(&b) {
                    let x = secret(self, &a)?;
                    let c = if op == Sub { negate(c, span)? } else { c };
                    self.check_fits(ty, c, span)?;
                    return out(self.push(Op::AddPublic(x, c.value()), span)?);
                }
                if let Some(c) = public_scalar(&a) {
                    let y = secret(self, &b)?;
                    let y = if op == Sub { self.push(Op::Neg(y), span)? } else { y };
                    self.check_fits(ty, c, span)?;
                    return out(self.push(Op::AddPublic(y, c.value()), span)?);
                }
                let (x, y) = (secret(self, &a)?, secret(self, &b)?);
                out(self.push(if op == Add { Op::Add(x, y) } else { Op::Sub(x, y) }, span)?)
            }
            Mul | Div => {
                if let Some(c) = public_scalar(&b) {
                    let x = secret(self, &a)?;
                    if op == Div && c.f64() == 0.0 {
                        return err(span, "division by zero");
                    }
                    self.check_fits(ty, c, span)?;
                    return out(self.push(if op == Mul { Op::MulPublic(x, c.value()) } else { Op::DivPublic(x, c.value()) }, span)?);
                }
                if let (Some(c), Mul) = (public_scalar(&a), op) {
                    let y = secret(self, &b)?;
                    self.check_fits(ty, c, span)?;
                    return out(self.push(Op::MulPublic(y, c.value()), span)?);
                }
                let (x, y) = (secret(self, &a)?, secret(self, &b)?);
                out(self.push(Op::Pair(if op == Mul { Pair::Mul } else { Pair::Div }, x, y), span)?)
            }
            FloorDiv | Mod | Shl | Shr => {
                let Some(c) = public_scalar(&b) else {
                    return err(span, format!("`{}` needs a public number on its right", op.symbol()));
                };
                if matches!(a, Val::Public { .. }) {
                    return err(span, format!("`{}` with a secret right operand is not supported", op.symbol()));
                }
                if matches!(op, FloorDiv | Mod) {
                    check_divisor(ty, c).map_err(|why| Error::new(span, format!("`{}` by {}: {why}", op.symbol(), show(c.value()))))?;
                }
                let x = secret(self, &a)?;
                let node = match op {
                    FloorDiv => Op::FloorDiv(x, c.value()),
                    Mod => Op::Mod(x, c.value()),
                    _ => {
                        let k = match c {
                            Num::Int(k) if (0..ty.bits() as i128).contains(&k) => k as u32,
                            _ => return err(span, format!("a shift of {ty} is a whole number from 0 to {}", ty.bits() - 1)),
                        };
                        if op == Shl { Op::Shl(x, k) } else { Op::Shr(x, k) }
                    }
                };
                if matches!(op, Shl | Shr) && ty.kind() != Kind::Int {
                    return err(span, format!("shifts are defined for secint, not {ty}"));
                }
                out(self.push(node, span)?)
            }
            Lt | Le | Gt | Ge | Eq | Ne => {
                let (x, y) = (secret(self, &a)?, secret(self, &b)?);
                let f = match op {
                    Lt => Pair::Lt,
                    Le => Pair::Le,
                    Gt => Pair::Gt,
                    Ge => Pair::Ge,
                    Eq => Pair::Eq,
                    _ => Pair::Ne,
                };
                out(self.push(Op::Pair(f, x, y), span)?)
            }
            And => {
                let (x, y) = (secret(self, &a)?, secret(self, &b)?);
                out(self.push(Op::Pair(Pair::Mul, x, y), span)?)
            }
            Or => {
                // a + b − a·b
                let (x, y) = (secret(self, &a)?, secret(self, &b)?);
                let both = self.push(Op::Pair(Pair::Mul, x, y), span)?;
                let sum = self.push(Op::Add(x, y), span)?;
                out(self.push(Op::Sub(sum, both), span)?)
            }
        }
    }

    fn check_fits(&self, ty: SecType, c: Num, span: Span) -> Result<()> {
        if ty.kind() == Kind::Fld {
            if let Num::Float(v) = c {
                return err(span, format!("{ty} takes whole numbers, not {}", debug_f64(v)));
            }
            return Ok(());
        }
        ty.encode(c.value()).map(|_| ()).map_err(|e| Error::new(span, format!("the public value {}", misfit(c.value(), ty, &e))))
    }

    fn call(&mut self, func: &str, all_args: &[Expr], span: Span) -> Result<Val> {
        // Keyword arguments (`key=…`, `e=…`) follow the positional ones.
        let split = all_args.iter().position(|a| matches!(a.kind, ExprKind::Keyword { .. })).unwrap_or(all_args.len());
        let (args, kwargs) = all_args.split_at(split);
        let known = BUILTINS.contains(&func) || matches!(func, "secint" | "secfxp" | "secfld");
        let allowed: &[&str] = match func {
            "sort" | "min" | "max" | "argmin" | "argmax" => &["key"],
            "find" => &["e"],
            _ => &[],
        };
        for kw in kwargs.iter().filter(|_| known) {
            let ExprKind::Keyword { name, .. } = &kw.kind else {
                return err(kw.span, "a positional argument cannot follow a keyword argument (`NAME=…`)");
            };
            if !allowed.contains(&name.as_str()) {
                return err(
                    kw.span,
                    match allowed.first() {
                        None => format!("`{func}` takes no keyword arguments, not `{name}=`"),
                        Some(k) => format!("`{func}` takes the keyword argument `{k}=`, not `{name}=`"),
                    },
                );
            }
        }
        let keyword = |k: &str| {
            kwargs.iter().find_map(|a| match &a.kind {
                ExprKind::Keyword { name, value } if name == k => Some(&**value),
                _ => None,
            })
        };
        if let Some(ty) = self.type_call(func, args, span)? {
            return Ok(Val::Type(ty));
        }
        if !BUILTINS.contains(&func) {
            return err(span, format!("there is no operation called `{func}`"));
        }
        let vals = args.iter().map(|a| self.value(a)).collect::<Result<Vec<_>>>()?;
        let arity = |n: usize| -> Result<()> {
            if vals.len() == n {
                Ok(())
            } else {
                err(span, format!("`{func}` takes {n} argument{}, not {}", if n == 1 { "" } else { "s" }, vals.len()))
            }
        };
        if let Some(key) = keyword("key") {
            return self.keyed(func, &vals, key, span);
        }
        match func {
            "len" => {
                arity(1)?;
                match vals[0].shape().first() {
                    Some(&n) => Ok(Val::scalar(Num::Int(n as i128))),
                    None => err(span, format!("`len` of {}: only vectors and matrices have lengths", vals[0].what())),
                }
            }
            "sum" => {
                arity(1)?;
                match &vals[0] {
                    Val::Public { data, shape } if shape.len() == 1 => public_fold(data, |a, b| public_binary(BinaryOp::Add, &a, &b, span)),
                    Val::Secret { node, ty, shape } => match shape.as_slice() {
                        [n] => self.reduce(Reduce::Sum, *node, *ty, 1, *n, span),
                        [r, c] => {
                            let node = self.push(Op::ColumnSums { src: *node, rows: *r, cols: *c }, span)?;
                            Ok(Val::Secret { node, ty: *ty, shape: vec![*c] })
                        }
                        _ => err(span, "`sum` takes a vector or a matrix"),
                    },
                    other => err(span, format!("`sum` takes a vector or a matrix, not {}", other.what())),
                }
            }
            "gcd" | "lcm" => {
                arity(2)?;
                let ty = self
                    .common_type(&vals, span)?
                    .ok_or_else(|| Error::new(span, format!("`{func}` of public values: compute it yourself")))?;
                if ty.kind() != Kind::Int || ty.bits() < 2 {
                    return err(span, format!("`{func}` is defined for secint(l) with l ≥ 2, not {ty}"));
                }
                let shape = broadcast(vals[0].shape(), vals[1].shape())
                    .ok_or_else(|| Error::new(span, format!("`{func}` needs arguments of one shape (or a scalar)")))?;
                let (a, b) = (self.secret(&vals[0], ty, &shape, span)?, self.secret(&vals[1], ty, &shape, span)?);
                let node = self.push(Op::Pair(if func == "gcd" { Pair::Gcd } else { Pair::Lcm }, a, b), span)?;
                Ok(Val::Secret { node, ty, shape })
            }
            "pow" | "trunc" | "inverse" => {
                arity(2)?;
                let Val::Secret { node, ty, shape } = vals[0].clone() else {
                    return err(span, format!("`{func}` takes a secret value first, not {}", vals[0].what()));
                };
                let k = self.public_int(&args[1], "the second argument")?;
                let op = match func {
                    "pow" => {
                        if k < 0 && ty.kind() == Kind::Int {
                            return err(span, format!("a negative power of {ty}: secint has no reciprocal (use secfxp or secfld)"));
                        }
                        Op::Pow(node, k)
                    }
                    "trunc" => {
                        if ty.kind() == Kind::Fld {
                            return err(span, format!("`trunc` is not defined for {ty}: field elements have no order"));
                        }
                        let l = ty.bits() + ty.frac();
                        match u32::try_from(k) {
                            Ok(f) if f < l => Op::Trunc(node, f),
                            _ => return err(span, format!("`trunc` of {ty} takes a whole number of bits from 0 to {}, not {k}", l - 1)),
                        }
                    }
                    _ => {
                        if ty.kind() != Kind::Int || ty.bits() < 2 {
                            return err(span, format!("`inverse` is defined for secint(l) with l ≥ 2, not {ty}"));
                        }
                        if k < 1 || k >> (ty.bits() - 1) != 0 {
                            return err(
                                span,
                                format!("`inverse` in {ty} takes a public modulus from 1 to 2^{} − 1, not {k}", ty.bits() - 1),
                            );
                        }
                        Op::Inverse(node, k)
                    }
                };
                let node = self.push(op, span)?;
                Ok(Val::Secret { node, ty, shape })
            }
            "convert" => {
                arity(2)?;
                let Val::Secret { node, ty, shape } = vals[0].clone() else {
                    return err(span, format!("`convert` takes a secret value first, not {}", vals[0].what()));
                };
                let Val::Type(to) = vals[1] else {
                    return err(
                        span,
                        format!("`convert`'s second argument is a type, as in `convert(x, secint(32))`, not {}", vals[1].what()),
                    );
                };
                if let Err(cohort_mpc::Error::Type(why)) = ty.convert_via(&to) {
                    return err(span, format!("`convert`: {why}"));
                }
                let node = self.push(Op::Convert(node, to), span)?;
                Ok(Val::Secret { node, ty: to, shape })
            }
            "min" | "max" if vals.len() == 2 => {
                let ty = self
                    .common_type(&vals, span)?
                    .ok_or_else(|| Error::new(span, format!("`{func}` of public values: compute it yourself")))?;
                let shape = broadcast(vals[0].shape(), vals[1].shape())
                    .ok_or_else(|| Error::new(span, format!("`{func}` needs arguments of one shape (or a scalar)")))?;
                self.ordered(func, ty, span)?;
                let (a, b) = (self.secret(&vals[0], ty, &shape, span)?, self.secret(&vals[1], ty, &shape, span)?);
                let f = if func == "min" { Pair::MinPairwise } else { Pair::MaxPairwise };
                let node = self.push(Op::Pair(f, a, b), span)?;
                Ok(Val::Secret { node, ty, shape })
            }
            "prod" | "min" | "max" | "argmin" | "argmax" | "all" | "any" | "mean" | "median" | "mode" | "variance" | "pvariance"
            | "stdev" => {
                arity(1)?;
                let (node, ty, n) = self.secret_vector(func, &vals[0], span)?;
                let f = match func {
                    "prod" => Reduce::Prod,
                    "min" => Reduce::Min,
                    "max" => Reduce::Max,
                    "argmin" => Reduce::Argmin,
                    "argmax" => Reduce::Argmax,
                    "all" => Reduce::All,
                    "any" => Reduce::Any,
                    "mean" => Reduce::Mean,
                    "median" => Reduce::Median,
                    "mode" => Reduce::Mode,
                    "variance" => Reduce::Variance,
                    "pvariance" => Reduce::Pvariance,
                    _ => Reduce::Stdev,
                };
                let least = match f {
                    Reduce::Variance | Reduce::Stdev => 2,
                    Reduce::Min
                    | Reduce::Max
                    | Reduce::Argmin
                    | Reduce::Argmax
                    | Reduce::Mean
                    | Reduce::Median
                    | Reduce::Mode
                    | Reduce::Pvariance => 1,
                    _ => 0,
                };
                if n < least {
                    return err(span, format!("`{func}` needs at least {least} element{}", if least == 1 { "" } else { "s" }));
                }
                if !matches!(f, Reduce::Prod | Reduce::All | Reduce::Any) {
                    self.ordered(func, ty, span)?;
                }
                let stat = match f {
                    Reduce::Mean => Some(Statistic::Mean),
                    Reduce::Median => Some(Statistic::Median),
                    Reduce::Mode => Some(Statistic::Mode),
                    Reduce::Variance => Some(Statistic::Variance),
                    Reduce::Pvariance => Some(Statistic::Pvariance),
                    Reduce::Stdev => Some(Statistic::Stdev),
                    _ => None,
                };
                if let Some(stat) = stat {
                    self.statistic(func, ty, stat, n, span)?;
                }
                // The index of argmin/argmax has a type that holds every index (see SecType::index_type).
                let out = if matches!(f, Reduce::Argmin | Reduce::Argmax) { ty.index_type(n) } else { ty };
                self.reduce(f, node, out, 1, n, span)
            }
            "sort" | "shuffle" => {
                arity(1)?;
                let (node, ty, n) = self.secret_vector(func, &vals[0], span)?;
                if func == "sort" {
                    self.ordered(func, ty, span)?;
                }
                if func == "shuffle" {
                    self.shufflable(func, ty, span)?;
                }
                let node = self.push(if func == "sort" { Op::Sort(node) } else { Op::Shuffle(node) }, span)?;
                Ok(Val::Secret { node, ty, shape: vec![n] })
            }
            "reverse" => {
                arity(1)?;
                let shape = vals[0].shape().to_vec();
                let [n, rest @ ..] = shape.as_slice() else {
                    return err(span, format!("`reverse` takes a vector, not {}", vals[0].what()));
                };
                let row = size(rest);
                let indices = (0..*n).rev().flat_map(|i| i * row..(i + 1) * row).collect();
                self.gather(vals[0].clone(), indices, shape.clone(), span)
            }
            "flatten" => {
                arity(1)?;
                let shape = vals[0].shape().to_vec();
                if shape.len() != 2 {
                    return err(span, format!("`flatten` takes a matrix, not {}", vals[0].what()));
                }
                let n = size(&shape);
                self.gather(vals[0].clone(), (0..n).collect(), vec![n], span)
            }
            "concat" => {
                if let Some(v) = vals.iter().find(|v| v.shape().len() != 1) {
                    return err(span, format!("`concat` takes vectors, not {}", v.what()));
                }
                let n: usize = vals.iter().map(|v| v.shape()[0]).sum();
                if n > MAX_ELEMENTS {
                    return err(span, format!("`concat` would make {n} elements; a value has at most {MAX_ELEMENTS}"));
                }
                match self.common_type(&vals, span)? {
                    None => Ok(Val::Public {
                        data: Rc::new(
                            vals.iter().flat_map(|v| if let Val::Public { data, .. } = v { data.to_vec() } else { vec![] }).collect(),
                        ),
                        shape: vec![n],
                    }),
                    Some(ty) => {
                        let parts = vals.iter().map(|v| self.secret(v, ty, v.shape(), span)).collect::<Result<Vec<_>>>()?;
                        let node = self.push(Op::Concat(parts), span)?;
                        Ok(Val::Secret { node, ty, shape: vec![n] })
                    }
                }
            }
            "abs" | "sign" | "is_zero" | "reciprocal" | "sqrt" | "to_bits" => {
                arity(1)?;
                let Val::Secret { node, ty, shape } = vals[0].clone() else {
                    return err(span, format!("`{func}` takes a secret value, not {}", vals[0].what()));
                };
                let f = match func {
                    "abs" => Map::Abs,
                    "sign" => Map::Sign,
                    "is_zero" => Map::IsZero,
                    "reciprocal" => Map::Reciprocal,
                    "sqrt" => Map::Sqrt,
                    _ => Map::ToBits,
                };
                if matches!(f, Map::Abs | Map::Sign | Map::Sqrt) {
                    self.ordered(func, ty, span)?;
                }
                let mut shape = shape;
                if f == Map::ToBits {
                    if ty.kind() != Kind::Int {
                        return err(span, format!("`to_bits` is defined for secint, not {ty}"));
                    }
                    if shape.len() > 1 {
                        return err(span, "`to_bits` takes a scalar or a vector");
                    }
                    shape.push(ty.bits() as usize);
                    if size(&shape) > MAX_ELEMENTS {
                        return err(
                            span,
                            format!("`to_bits` would make {} bits; a value has at most {MAX_ELEMENTS} elements", size(&shape)),
                        );
                    }
                }
                let node = self.push(Op::Map(f, node), span)?;
                Ok(Val::Secret { node, ty, shape })
            }
            "from_bits" => {
                arity(1)?;
                let Val::Secret { node, ty, shape } = vals[0].clone() else {
                    return err(span, format!("`from_bits` takes secret bits, not {}", vals[0].what()));
                };
                if ty.kind() != Kind::Int {
                    return err(span, format!("`from_bits` is defined for secint, not {ty}"));
                }
                match shape.as_slice() {
                    [n] => self.reduce(Reduce::FromBits, node, ty, 1, *n, span),
                    [r, c] => {
                        let node = self.push(Op::Reduce { f: Reduce::FromBits, src: node, rows: *r, len: *c }, span)?;
                        Ok(Val::Secret { node, ty, shape: vec![*r] })
                    }
                    _ => err(span, "`from_bits` takes a vector of bits or a matrix of them"),
                }
            }
            "if_else" => {
                arity(3)?;
                let Val::Secret { node: c, ty: cty, shape: cshape } = vals[0].clone() else {
                    return err(span, "`if_else`'s condition must be a secret bit; for a public condition use `if`");
                };
                let ty = self.common_type(&vals[1..], span)?.unwrap_or(cty);
                if ty != cty {
                    return err(span, format!("the condition of type {cty} cannot choose between values of type {ty}"));
                }
                let shape = broadcast(vals[1].shape(), vals[2].shape())
                    .and_then(|s| broadcast(&s, &cshape))
                    .ok_or_else(|| Error::new(span, "`if_else` needs arguments of one shape (or scalars)"))?;
                let c = self.secret(&Val::Secret { node: c, ty, shape: cshape }, ty, &shape, span)?;
                let (a, b) = (self.secret(&vals[1], ty, &shape, span)?, self.secret(&vals[2], ty, &shape, span)?);
                let node = self.push(Op::IfElse(c, a, b), span)?;
                Ok(Val::Secret { node, ty, shape })
            }
            "inner" | "covariance" => {
                arity(2)?;
                let ty = self.common_type(&vals, span)?.ok_or_else(|| Error::new(span, format!("`{func}` needs a secret argument")))?;
                let (n, m) = (vals[0].shape(), vals[1].shape());
                if n.len() != 1 || n != m {
                    return err(span, format!("`{func}` takes two vectors of one length, not {} and {}", shape_name(n), shape_name(m)));
                }
                let shape = n.to_vec();
                if func == "covariance" {
                    self.ordered(func, ty, span)?;
                    if shape[0] < 2 {
                        return err(span, "`covariance` needs at least 2 elements");
                    }
                    self.statistic(func, ty, Statistic::Covariance, shape[0], span)?;
                }
                let (a, b) = (self.secret(&vals[0], ty, &shape, span)?, self.secret(&vals[1], ty, &shape, span)?);
                let node = self.push(Op::Pair(if func == "inner" { Pair::Inner } else { Pair::Covariance }, a, b), span)?;
                Ok(Val::Secret { node, ty, shape: vec![] })
            }
            "matmul" => {
                arity(2)?;
                let ty = self.common_type(&vals, span)?.ok_or_else(|| Error::new(span, "`matmul` needs a secret argument"))?;
                let (sa, sb) = (vals[0].shape().to_vec(), vals[1].shape().to_vec());
                let ([r, k], [k2, c]) = (sa.as_slice(), sb.as_slice()) else {
                    return err(span, format!("`matmul` takes two matrices, not {} and {}", shape_name(&sa), shape_name(&sb)));
                };
                if k != k2 {
                    return err(span, format!("`matmul` of {} and {}: the inner sizes differ", shape_name(&sa), shape_name(&sb)));
                }
                if r.saturating_mul(*c) > MAX_ELEMENTS {
                    return err(span, format!("`matmul` would make a {r}×{c} matrix; a value has at most {MAX_ELEMENTS} elements"));
                }
                let (a, b) = (self.secret(&vals[0], ty, &sa, span)?, self.secret(&vals[1], ty, &sb, span)?);
                let node = self.push(Op::MatMul { a, b, rows: *r, inner: *k, cols: *c }, span)?;
                Ok(Val::Secret { node, ty, shape: vec![*r, *c] })
            }
            "random_int" | "random_bits" | "random_permutation" | "random_derangement" => {
                let Some(Val::Type(ty)) = vals.first().cloned() else {
                    return err(span, format!("`{func}`'s first argument is the type of the values, as in `{func}(secint(32), …)`"));
                };
                let int = |e: &mut Self, i: usize, what: &str| e.public_int(&args[i], what);
                let (f, n) = match func {
                    "random_int" => {
                        if !(3..=4).contains(&vals.len()) {
                            return err(span, "`random_int` takes a type, a least value, a bound and optionally a count");
                        }
                        let (lo, hi) = (int(self, 1, "the least value")?, int(self, 2, "the bound")?);
                        if hi <= lo {
                            return err(span, format!("`random_int` draws lo ≤ x < hi, so hi must exceed lo; here {lo} and {hi}"));
                        }
                        for v in [lo, hi - 1] {
                            self.check_fits(ty, Num::Int(v), span)?;
                        }
                        let n = if vals.len() == 4 { Some(int(self, 3, "the count")?) } else { None };
                        (Random::Int { lo, hi }, n)
                    }
                    _ => {
                        arity(2)?;
                        let f = match func {
                            "random_bits" => Random::Bits,
                            "random_permutation" => Random::Permutation,
                            _ => Random::Derangement,
                        };
                        (f, Some(int(self, 1, "the count")?))
                    }
                };
                let count = n.unwrap_or(1);
                if !(0..=MAX_ELEMENTS as i128).contains(&count) {
                    return err(span, format!("the count must be from 0 to {MAX_ELEMENTS}"));
                }
                let count = count as usize;
                match f {
                    Random::Derangement if count < 2 => return err(span, "a derangement needs at least 2 elements"),
                    Random::Permutation | Random::Derangement => {
                        if ty.kind() != Kind::Int && f == Random::Derangement {
                            return err(span, format!("`{func}` makes integers: use a secint type, not {ty}"));
                        }
                        self.check_fits(ty, Num::Int(count as i128 - 1), span)?;
                        self.shufflable(func, ty, span)?;
                    }
                    Random::Int { .. } | Random::Uniform { .. } => self.ordered(func, ty, span)?,
                    Random::Bits => {}
                }
                let node = self.push(Op::Random { f, ty, n: count }, span)?;
                Ok(Val::Secret { node, ty, shape: if n.is_some() { vec![count] } else { vec![] } })
            }
            "find" => {
                arity(2)?;
                let ty = self.common_type(&vals, span)?.ok_or_else(|| Error::new(span, "`find` of public values: compute it yourself"))?;
                let &[n] = vals[0].shape() else {
                    return err(span, format!("`find` looks in a vector, not {}", vals[0].what()));
                };
                if !vals[1].shape().is_empty() {
                    return err(span, format!("`find` looks for one value, not {}", vals[1].what()));
                }
                // The index holds 0 … n (see SecType::index_type).
                let it = ty.index_type(n + 1);
                let not_found = match keyword("e") {
                    None => None,
                    Some(e) => {
                        let v = self.public_int(e, "`e`, the result when nothing is found,")?;
                        it.encode(Value::Int(v))
                            .map_err(|_| Error::new(e.span, format!("`e` = {v} does not fit the index's type, {it}")))?;
                        Some(v)
                    }
                };
                let (src, needle) = (self.secret(&vals[0], ty, &[n], span)?, self.secret(&vals[1], ty, &[], span)?);
                let node = self.push(Op::Find { src, needle, not_found }, span)?;
                Ok(Val::Secret { node, ty: it, shape: vec![] })
            }
            "choice" | "sample" => {
                let Some(Val::Type(ty)) = vals.first().cloned() else {
                    return err(span, format!("`{func}`'s first argument is the type of the values, as in `{func}(secint(32), …)`"));
                };
                arity(if func == "choice" { 2 } else { 3 })?;
                let &[n] = vals[1].shape() else {
                    return err(span, format!("`{func}` chooses from a vector, not {}", vals[1].what()));
                };
                if let Val::Secret { ty: t, .. } = &vals[1]
                    && *t != ty
                {
                    return err(span, format!("`{func}` of {ty} values cannot choose from {t} values"));
                }
                if n == 0 {
                    return err(span, format!("`{func}` cannot choose from an empty vector"));
                }
                let k = if func == "sample" { self.public_int(&args[2], "the sample size")? } else { 1 };
                if !(1..=n as i128).contains(&k) {
                    return err(span, format!("`sample` takes 1 to {n} of the {n} elements, not {k}"));
                }
                self.shufflable(func, ty, span)?;
                let src = self.secret(&vals[1], ty, &[n], span)?;
                let node = self.push(Op::Choose { src, k: k as usize }, span)?;
                Ok(Val::Secret { node, ty, shape: if func == "choice" { vec![] } else { vec![k as usize] } })
            }
            "uniform" => {
                let Some(Val::Type(ty)) = vals.first().cloned() else {
                    return err(span, "`uniform`'s first argument is the type of the values, as in `uniform(secfxp(32, 16), 0, 1)`");
                };
                if !(3..=4).contains(&vals.len()) {
                    return err(span, "`uniform` takes a type, two ends and optionally a count");
                }
                let mut ends = Vec::new();
                for v in &vals[1..3] {
                    match v {
                        Val::Public { data, shape } if shape.is_empty() => ends.push(data[0].value()),
                        other => return err(span, format!("the ends of `uniform` must be public numbers, not {}", other.what())),
                    }
                }
                let (a, b) = (ends[0], ends[1]);
                ty.uniform_steps(a, b).map_err(|e| Error::new(span, format!("`uniform`: {}", engine_message(&e))))?;
                let n = if vals.len() == 4 { Some(self.public_int(&args[3], "the count")?) } else { None };
                let count = n.unwrap_or(1);
                if !(0..=MAX_ELEMENTS as i128).contains(&count) {
                    return err(span, format!("the count must be from 0 to {MAX_ELEMENTS}"));
                }
                let node = self.push(Op::Random { f: Random::Uniform { a, b }, ty, n: count as usize }, span)?;
                Ok(Val::Secret { node, ty, shape: if n.is_some() { vec![count as usize] } else { vec![] } })
            }
            _ => unreachable!("every builtin is handled"),
        }
    }

    /// `sort`, `min`, `max`, `argmin`, `argmax` with `key=`: MPyC's key
    /// function, given as its values, one per element (or row) of `x`.
    fn keyed(&mut self, func: &str, vals: &[Val], key: &Expr, span: Span) -> Result<Val> {
        if vals.len() != 1 {
            return err(span, format!("`{func}` with `key=` takes one vector (or a matrix, by rows), not {} arguments", vals.len()));
        }
        let x = vals[0].clone();
        let k = self.value(key)?;
        let (n, cols) = match *x.shape() {
            [n] => (n, 1),
            [n, c] => (n, c),
            _ => return err(span, format!("`{func}` with `key=` takes a vector or a matrix, not {}", x.what())),
        };
        if k.shape() != [n] {
            let per = if x.shape().len() == 1 { "element" } else { "row" };
            return err(key.span, format!("the keys of `{func}` must be a vector of {n}, one per {per}, not {}", k.what()));
        }
        let ty = self
            .common_type(&[x.clone(), k.clone()], span)?
            .ok_or_else(|| Error::new(span, format!("`{func}` of public values: compute it yourself")))?;
        self.ordered(func, ty, span)?;
        if n == 0 && func != "sort" {
            return err(span, format!("`{func}` needs at least 1 element"));
        }
        let keys = self.secret(&k, ty, &[n], span)?;
        match func {
            "argmin" | "argmax" => {
                let f = if func == "argmin" { Reduce::Argmin } else { Reduce::Argmax };
                self.reduce(f, keys, ty.index_type(n), 1, n, span)
            }
            "sort" => {
                let shape = x.shape().to_vec();
                let src = self.secret(&x, ty, &shape, span)?;
                let node = self.push(Op::SortByKey { src, keys, cols }, span)?;
                Ok(Val::Secret { node, ty, shape })
            }
            _ => {
                let shape = x.shape().to_vec();
                let src = self.secret(&x, ty, &shape, span)?;
                let node = self.push(Op::ExtremeByKey { src, keys, cols, max: func == "max" }, span)?;
                Ok(Val::Secret { node, ty, shape: if shape.len() == 1 { vec![] } else { vec![cols] } })
            }
        }
    }

    /// `secint(l)`, `secfxp(l, f)`, `secfld(p)` in an expression.
    fn type_call(&mut self, func: &str, args: &[Expr], span: Span) -> Result<Option<SecType>> {
        let ty = match func {
            "secint" | "secfxp" | "secfld" => {
                let nums = args.iter().map(|a| self.public_int(a, "a type's parameter")).collect::<Result<Vec<_>>>()?;
                let u32_arg = |v: i128| u32::try_from(v).map_err(|_| Error::new(span, format!("{v} is not a bit length")));
                match (func, nums.as_slice()) {
                    ("secint", [l]) => TypeExpr::Secint { bits: u32_arg(*l)? },
                    ("secfxp", [l]) => TypeExpr::Secfxp { bits: u32_arg(*l)?, frac: u32_arg(*l)? / 2 },
                    ("secfxp", [l, f]) => TypeExpr::Secfxp { bits: u32_arg(*l)?, frac: u32_arg(*f)? },
                    ("secfld", [p]) if *p > 0 => TypeExpr::Secfld { modulus: *p as u128 },
                    _ => {
                        return err(
                            span,
                            format!(
                                "write the type as secint(BITS), secfxp(BITS, FRACTIONAL_BITS) or secfld(PRIME), not {func} with these arguments"
                            ),
                        );
                    }
                }
            }
            _ => return Ok(None),
        };
        self.type_expr(&ty, span).map(Some)
    }

    fn ordered(&self, func: &str, ty: SecType, span: Span) -> Result<()> {
        if ty.kind() == Kind::Fld {
            return err(span, format!("`{func}` is not defined for {ty}: field elements have no order"));
        }
        Ok(())
    }

    /// The engine's own check that `stat` of `n` values of `ty` can run
    /// (a `secint` statistic divides by a public number below `2^l`).
    fn statistic(&self, func: &str, ty: SecType, stat: Statistic, n: usize, span: Span) -> Result<()> {
        check_statistic(&ty, stat, n).map_err(|e| Error::new(span, format!("`{func}` of {n} {ty} values: {}", engine_message(&e))))
    }

    /// Random keys to shuffle by: the engine refuses types whose field is too small.
    fn shufflable(&self, func: &str, ty: SecType, span: Span) -> Result<()> {
        ty.shuffle_key_bits().map(|_| ()).map_err(|e| Error::new(span, format!("`{func}`: {}", engine_message(&e))))
    }

    fn secret_vector(&self, func: &str, v: &Val, span: Span) -> Result<(NodeId, SecType, usize)> {
        match v {
            Val::Secret { node, ty, shape } if shape.len() == 1 => Ok((*node, *ty, shape[0])),
            other => err(span, format!("`{func}` takes a secret vector, not {}", other.what())),
        }
    }

    fn reduce(&mut self, f: Reduce, src: NodeId, ty: SecType, rows: usize, len: usize, span: Span) -> Result<Val> {
        let node = self.push(Op::Reduce { f, src, rows, len }, span)?;
        Ok(Val::Secret { node, ty, shape: vec![] })
    }
}

/// The operations a program may call.
pub(crate) const BUILTINS: [&str; 48] = [
    "len",
    "sum",
    "prod",
    "min",
    "max",
    "argmin",
    "argmax",
    "all",
    "any",
    "sort",
    "reverse",
    "concat",
    "flatten",
    "abs",
    "sign",
    "is_zero",
    "if_else",
    "reciprocal",
    "sqrt",
    "convert",
    "pow",
    "trunc",
    "gcd",
    "lcm",
    "inverse",
    "to_bits",
    "from_bits",
    "inner",
    "matmul",
    "mean",
    "median",
    "variance",
    "pvariance",
    "stdev",
    "covariance",
    "mode",
    "find",
    "choice",
    "sample",
    "uniform",
    "random_int",
    "random_bits",
    "random_permutation",
    "random_derangement",
    "shuffle",
    "secint",
    "secfxp",
    "secfld",
];

fn broadcast(a: &[usize], b: &[usize]) -> Option<Shape> {
    if a == b || b.is_empty() {
        Some(a.to_vec())
    } else if a.is_empty() {
        Some(b.to_vec())
    } else {
        None
    }
}

fn show(v: Value) -> String {
    match v {
        Value::Int(i) => i.to_string(),
        Value::Fixed(x) => debug_f64(x),
    }
}

/// Why `v` does not fit `ty`, from the engine's error, naming both once:
/// "5000000000 does not fit secint(32): the range is [-2147483648, 2147483648)".
pub(crate) fn misfit(v: Value, ty: SecType, e: &cohort_mpc::Error) -> String {
    match e {
        cohort_mpc::Error::OutOfRange(m) => m.clone(),
        other => format!("{} does not fit {ty}: {}", show(v), engine_message(other)),
    }
}

/// The engine's message without its category prefix.
pub(crate) fn engine_message(e: &cohort_mpc::Error) -> String {
    use cohort_mpc::Error as E;
    match e {
        E::InvalidArgument(m) | E::OutOfRange(m) | E::Type(m) | E::Internal(m) => m.clone(),
        other => other.to_string(),
    }
}

fn negate(c: Num, span: Span) -> Result<Num> {
    Ok(match c {
        Num::Int(v) => Num::Int(v.checked_neg().ok_or_else(|| Error::new(span, "number too large"))?),
        Num::Float(v) => Num::Float(-v),
    })
}

fn public_fold(data: &[Num], f: impl Fn(Val, Val) -> Result<Val>) -> Result<Val> {
    data.iter().try_fold(Val::scalar(Num::Int(0)), |acc, &x| f(acc, Val::scalar(x)))
}

/// Python's arithmetic on public numbers, elementwise with scalar broadcasting.
fn public_binary(op: BinaryOp, a: &Val, b: &Val, span: Span) -> Result<Val> {
    let (Val::Public { data: x, shape: sa }, Val::Public { data: y, shape: sb }) = (a, b) else {
        return err(span, format!("`{}` cannot combine {} and {}", op.symbol(), a.what(), b.what()));
    };
    let shape =
        broadcast(sa, sb).ok_or_else(|| Error::new(span, format!("`{}` needs operands of one shape (or a scalar)", op.symbol())))?;
    let n = size(&shape);
    let at = |d: &[Num], s: &[usize], i: usize| d[if s.is_empty() { 0 } else { i }];
    let data = (0..n).map(|i| public_num(op, at(x, sa, i), at(y, sb, i), span)).collect::<Result<Vec<_>>>()?;
    Ok(Val::Public { data: Rc::new(data), shape })
}

fn public_num(op: BinaryOp, a: Num, b: Num, span: Span) -> Result<Num> {
    use BinaryOp::*;
    let overflow = || Error::new(span, "public arithmetic overflows");
    let bit = |c: bool| Ok(Num::Int(c as i128));
    match (a, b) {
        (Num::Int(x), Num::Int(y)) => match op {
            Add => x.checked_add(y).map(Num::Int).ok_or_else(overflow),
            Sub => x.checked_sub(y).map(Num::Int).ok_or_else(overflow),
            Mul => x.checked_mul(y).map(Num::Int).ok_or_else(overflow),
            Div if y == 0 => err(span, "division by zero"),
            Div => Ok(Num::Float(x as f64 / y as f64)),
            FloorDiv | Mod if y == 0 => err(span, "division by zero"),
            FloorDiv | Mod if x == i128::MIN && y == -1 => Err(overflow()),
            FloorDiv => Ok(Num::Int(python_floordiv(x, y))),
            Mod => Ok(Num::Int(python_mod(x, y))),
            Shl => match u32::try_from(y) {
                Ok(k) if k < 127 => x.checked_mul(1i128 << k).map(Num::Int).ok_or_else(overflow),
                _ => err(span, "shift out of range"),
            },
            Shr => match u32::try_from(y) {
                Ok(k) => Ok(Num::Int(x >> k.min(127))),
                Err(_) => err(span, "shift out of range"),
            },
            Lt => bit(x < y),
            Le => bit(x <= y),
            Gt => bit(x > y),
            Ge => bit(x >= y),
            Eq => bit(x == y),
            Ne => bit(x != y),
            And => bit(x != 0 && y != 0),
            Or => bit(x != 0 || y != 0),
        },
        _ => {
            let (x, y) = (a.f64(), b.f64());
            let v = match op {
                Add => x + y,
                Sub => x - y,
                Mul => x * y,
                Div | FloorDiv | Mod if y == 0.0 => return err(span, "division by zero"),
                Div => x / y,
                FloorDiv => (x / y).floor(),
                Mod => x - y * (x / y).floor(),
                Shl | Shr => return err(span, "shifts take whole numbers"),
                Lt => return bit(x < y),
                Le => return bit(x <= y),
                Gt => return bit(x > y),
                Ge => return bit(x >= y),
                Eq => return bit(x == y),
                Ne => return bit(x != y),
                And => return bit(x != 0.0 && y != 0.0),
                Or => return bit(x != 0.0 || y != 0.0),
            };
            if v.is_finite() { Ok(Num::Float(v)) } else { Err(overflow()) }
        }
    }
}

/// MPyC's rule for a public divisor of `ty`: `c·2^f` must be a whole number
/// from 1 to below `2^l`.
fn check_divisor(ty: SecType, c: Num) -> core::result::Result<(), String> {
    let scaled = c.f64() * 2f64.powi(ty.frac() as i32);
    if scaled.fract() != 0.0 || scaled < 1.0 || scaled >= 2f64.powi(ty.bits() as i32) {
        let unit = if ty.frac() == 0 { "a whole number".to_string() } else { format!("a positive multiple of 2^-{}", ty.frac()) };
        return Err(format!("the divisor must be {unit} below 2^{} for {ty}", ty.bits() - ty.frac()));
    }
    Ok(())
}

fn python_floordiv(x: i128, y: i128) -> i128 {
    let q = x / y;
    if (x % y != 0) && ((x < 0) != (y < 0)) { q - 1 } else { q }
}

/// `x % y` with the sign of `y`, as Python; unlike `x - y * (x // y)`, it cannot overflow.
fn python_mod(x: i128, y: i128) -> i128 {
    let r = x % y;
    if r != 0 && ((r < 0) != (y < 0)) { r + y } else { r }
}
