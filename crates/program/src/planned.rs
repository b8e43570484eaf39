//! A program planned for one number of parties ([`PlannedProgram`]): its
//! name, its hash and its [`Plan`], what a party runs; and the bytes that
//! carry it from the part of the browser extension that checks a program
//! and shows it for approval to the part that runs it, so that the session
//! host's WebAssembly carries neither the parser nor the checker.
//!
//! The bytes are this crate's own format, tagged with its version: a
//! plan's fields in order, numbers as LEB128 varints (signed ones
//! zigzagged), index lists as runs of arithmetic progressions (slices and
//! strides of the unrolled program take a run each). Decoding checks every
//! tag, every count against the bytes left and the checker's limits
//! (nothing is allocated for counts the bytes cannot hold, and what the
//! bytes make stays within what a checked program makes: index runs
//! expand to at most the checker's elements), that every node reads only
//! nodes before it (the run cannot wait on itself), that inputs and
//! outputs refer to existing inputs and nodes, and that nothing follows
//! the end.

use cohort_mpc::{Kind, SecType, Value};

use crate::ast::Span;
use crate::check::{MAX_ELEMENTS, MAX_NODES, MAX_STORED};
use crate::plan::{InputSpec, Map, Node, NodeId, Op, OutputSpec, OutputTo, Owner, Pair, Plan, Random, Reduce};

/// The bytes a planned program starts with: the format and its version.
const MAGIC: &[u8] = b"cohort-plan-1\n";

/// The most bytes a planned program may take: what the browser extension
/// can hand its session host in one message (Chrome's extension messages
/// carry at most 64 MiB of JSON, and base64 takes a third more). A
/// program's text is short, but unrolled, its constants and index lists
/// may take far more; few programs come near this.
pub const MAX_PLAN_BYTES: usize = 32 << 20;

/// A program planned for one number of parties: what a party runs, with
/// the name and hash the parties agree on before running it
/// ([`crate::agree`]). Made by [`crate::CheckedProgram::planned`], or read
/// from bytes ([`PlannedProgram::from_bytes`]).
#[derive(Clone, Debug)]
pub struct PlannedProgram {
    name: String,
    hash: [u8; 32],
    plan: Plan,
}

/// Why bytes are not a planned program ([`PlannedProgram::from_bytes`]).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PlanBytesError {
    /// The bytes do not start with this version's tag.
    #[error("the bytes are not a plan of this version of Cohort")]
    Version,
    /// The bytes end inside a field.
    #[error("the plan ends early")]
    Truncated,
    /// More than [`MAX_PLAN_BYTES`].
    #[error("the plan takes {0} bytes, more than the {MAX_PLAN_BYTES} a plan may take")]
    TooLarge(usize),
    /// Bytes follow the plan's end.
    #[error("the plan has {0} bytes after its end")]
    Trailing(usize),
    /// A tag names no variant.
    #[error("the plan has an unknown {what} (tag {tag})")]
    Tag {
        /// What the tag selects.
        what: &'static str,
        /// The tag.
        tag: u8,
    },
    /// A node reads a node that is not before it.
    #[error("the plan's node {node} reads node {reads}, which is not before it")]
    Reference {
        /// The node.
        node: usize,
        /// The node it reads.
        reads: usize,
    },
    /// A field's value is out of its range.
    #[error("the plan's {0} is out of range")]
    Range(&'static str),
}

impl PlanBytesError {
    /// The error's stable code.
    pub fn code(&self) -> &'static str {
        "malformed_plan"
    }
}

impl PlannedProgram {
    pub(crate) fn new(name: String, hash: [u8; 32], plan: Plan) -> Self {
        PlannedProgram { name, hash, plan }
    }

    /// The program's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The program's hash ([`crate::CheckedProgram::hash`]).
    pub fn hash(&self) -> [u8; 32] {
        self.hash
    }

    /// The hash in lowercase hexadecimal.
    pub fn hash_hex(&self) -> String {
        crate::hex(&self.hash)
    }

    /// The plan.
    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// The plan, without the name and hash.
    pub fn into_plan(self) -> Plan {
        self.plan
    }

    /// The number of parties it is planned for.
    pub fn parties(&self) -> usize {
        self.plan.parties
    }

    /// The planned program as bytes, for [`PlannedProgram::from_bytes`].
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = Writer(MAGIC.to_vec());
        w.text(&self.name);
        w.0.extend_from_slice(&self.hash);
        let plan = &self.plan;
        w.uint(plan.parties);
        w.uint(plan.inputs.len());
        for input in &plan.inputs {
            w.text(&input.name);
            w.ty(&input.ty);
            w.option(input.len.as_ref(), |w, &n| w.uint(n));
            match &input.owner {
                Owner::Each => w.tag(0),
                Owner::Role { role, party } => {
                    w.tag(1);
                    w.text(role);
                    w.uint(*party);
                }
            }
            w.tag(u8::from(input.typed));
            w.option(input.bounds.as_ref(), |w, (lo, hi)| {
                w.value(*lo);
                w.value(*hi);
            });
            w.span(input.span);
        }
        w.uint(plan.outputs.len());
        for output in &plan.outputs {
            w.text(&output.name);
            w.ty(&output.ty);
            w.uints(&output.shape);
            match &output.to {
                OutputTo::All => w.tag(0),
                OutputTo::Each => w.tag(1),
                OutputTo::Parties(parties) => {
                    w.tag(2);
                    w.uints(parties);
                }
            }
            w.uint(output.node);
            w.span(output.span);
        }
        w.uint(plan.nodes.len());
        for node in &plan.nodes {
            w.op(&node.op);
            w.span(node.span);
        }
        w.0
    }

    /// Reads a planned program written by [`PlannedProgram::to_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, PlanBytesError> {
        if bytes.len() > MAX_PLAN_BYTES {
            return Err(PlanBytesError::TooLarge(bytes.len()));
        }
        let rest = bytes.strip_prefix(MAGIC).ok_or(PlanBytesError::Version)?;
        let mut r = Reader(rest);
        let name = r.text()?;
        let hash = r.take(32)?.try_into().map_err(|_| PlanBytesError::Truncated)?;
        let parties = r.uint()?;
        if !(1..=cohort_mpc::MAX_PARTIES).contains(&parties) {
            return Err(PlanBytesError::Range("party count"));
        }
        let count = r.count(1, MAX_NODES, "count of inputs")?;
        let mut inputs = Vec::with_capacity(count);
        for _ in 0..count {
            let name = r.text()?;
            let ty = r.ty()?;
            let len = r.option(|r| r.elements())?;
            let owner = match r.tag()? {
                0 => Owner::Each,
                1 => Owner::Role { role: r.text()?, party: r.party(parties)? },
                tag => return Err(PlanBytesError::Tag { what: "input owner", tag }),
            };
            let typed = r.flag()?;
            let bounds = r.option(|r| Ok((r.value()?, r.value()?)))?;
            inputs.push(InputSpec { name, ty, len, owner, typed, bounds, span: r.span()? });
        }
        let count = r.count(1, MAX_NODES, "count of outputs")?;
        let mut outputs = Vec::with_capacity(count);
        for _ in 0..count {
            let name = r.text()?;
            let ty = r.ty()?;
            let shape = r.uints(2, "output's shape")?;
            let to = match r.tag()? {
                0 => OutputTo::All,
                1 => OutputTo::Each,
                2 => OutputTo::Parties(
                    r.uints(cohort_mpc::MAX_PARTIES, "output's receivers")?
                        .into_iter()
                        .map(|p| if p < parties { Ok(p) } else { Err(PlanBytesError::Range("party")) })
                        .collect::<Result<_, _>>()?,
                ),
                tag => return Err(PlanBytesError::Tag { what: "output's receivers", tag }),
            };
            outputs.push(OutputSpec { name, ty, shape, to, node: r.uint()?, span: r.span()? });
        }
        let count = r.count(1, MAX_NODES, "node count")?;
        let mut nodes = Vec::with_capacity(count);
        let mut stored = 0usize;
        for id in 0..count {
            let op = r.op(&mut stored)?;
            if let Some(reads) = op.deps().into_iter().find(|&d| d >= id) {
                return Err(PlanBytesError::Reference { node: id, reads });
            }
            if matches!(op, Op::Input(i) if i >= inputs.len()) {
                return Err(PlanBytesError::Range("input of a node"));
            }
            nodes.push(Node { op, span: r.span()? });
        }
        if outputs.iter().any(|o| o.node >= nodes.len()) {
            return Err(PlanBytesError::Range("node of an output"));
        }
        if !r.0.is_empty() {
            return Err(PlanBytesError::Trailing(r.0.len()));
        }
        Ok(PlannedProgram { name, hash, plan: Plan { parties, inputs, outputs, nodes } })
    }
}

struct Writer(Vec<u8>);

impl Writer {
    fn tag(&mut self, tag: u8) {
        self.0.push(tag);
    }

    fn varint(&mut self, mut v: u128) {
        while v >= 0x80 {
            self.0.push(v as u8 | 0x80);
            v >>= 7;
        }
        self.0.push(v as u8);
    }

    fn uint(&mut self, n: usize) {
        self.varint(n as u128);
    }

    fn int(&mut self, v: i128) {
        self.varint(((v << 1) ^ (v >> 127)) as u128);
    }

    fn text(&mut self, s: &str) {
        self.uint(s.len());
        self.0.extend_from_slice(s.as_bytes());
    }

    fn option<T>(&mut self, v: Option<&T>, write: impl FnOnce(&mut Self, &T)) {
        match v {
            None => self.tag(0),
            Some(v) => {
                self.tag(1);
                write(self, v);
            }
        }
    }

    fn uints(&mut self, ns: &[usize]) {
        self.uint(ns.len());
        ns.iter().for_each(|&n| self.uint(n));
    }

    /// An index list as runs `start, step, length` of arithmetic
    /// progressions (steps zigzagged), after the list's length.
    fn indices(&mut self, ns: &[usize]) {
        self.uint(ns.len());
        let mut rest = ns;
        while let Some(&start) = rest.first() {
            let step = rest.get(1).map_or(0, |&b| b as i128 - start as i128);
            let len = 1 + rest.windows(2).take_while(|w| w[1] as i128 - w[0] as i128 == step).count();
            self.uint(start);
            self.int(step);
            self.uint(len);
            rest = &rest[len..];
        }
    }

    fn value(&mut self, v: Value) {
        match v {
            Value::Int(i) => {
                self.tag(0);
                self.int(i);
            }
            Value::Fixed(x) => {
                self.tag(1);
                self.0.extend_from_slice(&x.to_bits().to_le_bytes());
            }
        }
    }

    fn ty(&mut self, ty: &SecType) {
        match ty.kind() {
            Kind::Int => {
                self.tag(0);
                self.uint(ty.bits() as usize);
            }
            Kind::Fxp { frac } => {
                self.tag(1);
                self.uint(ty.bits() as usize);
                self.uint(frac as usize);
            }
            Kind::Fld => {
                self.tag(2);
                self.varint(ty.field().modulus());
            }
        }
    }

    fn span(&mut self, span: Span) {
        self.uint(span.line as usize);
        self.uint(span.col as usize);
    }

    fn op(&mut self, op: &Op) {
        match op {
            Op::Input(i) => {
                self.tag(0);
                self.uint(*i);
            }
            Op::Const { ty, values } => {
                self.tag(1);
                self.ty(ty);
                self.uint(values.len());
                values.iter().for_each(|&v| self.value(v));
            }
            Op::Gather { src, indices } => {
                self.tag(2);
                self.uint(*src);
                self.indices(indices);
            }
            Op::Concat(parts) => {
                self.tag(3);
                self.uints(parts);
            }
            Op::Add(a, b) => self.nodes(4, &[*a, *b]),
            Op::Sub(a, b) => self.nodes(5, &[*a, *b]),
            Op::Neg(a) => self.nodes(6, &[*a]),
            Op::AddPublic(a, c) => self.node_value(7, *a, *c),
            Op::MulPublic(a, c) => self.node_value(8, *a, *c),
            Op::DivPublic(a, c) => self.node_value(9, *a, *c),
            Op::FloorDiv(a, c) => self.node_value(10, *a, *c),
            Op::Mod(a, c) => self.node_value(11, *a, *c),
            Op::Shl(a, k) => self.node_int(12, *a, i128::from(*k)),
            Op::Shr(a, k) => self.node_int(13, *a, i128::from(*k)),
            Op::Pow(a, k) => self.node_int(14, *a, *k),
            Op::Trunc(a, f) => self.node_int(15, *a, i128::from(*f)),
            Op::Inverse(a, n) => self.node_int(16, *a, *n),
            Op::Convert(a, ty) => {
                self.nodes(17, &[*a]);
                self.ty(ty);
            }
            Op::Pair(f, a, b) => {
                self.nodes(18, &[*a, *b]);
                self.tag(*f as u8);
            }
            Op::Map(f, a) => {
                self.nodes(19, &[*a]);
                self.tag(*f as u8);
            }
            Op::Reduce { f, src, rows, len } => {
                self.nodes(20, &[*src, *rows, *len]);
                self.tag(*f as u8);
            }
            Op::ColumnSums { src, rows, cols } => self.nodes(21, &[*src, *rows, *cols]),
            Op::IfElse(c, a, b) => self.nodes(22, &[*c, *a, *b]),
            Op::MatMul { a, b, rows, inner, cols } => self.nodes(23, &[*a, *b, *rows, *inner, *cols]),
            Op::Sort(a) => self.nodes(24, &[*a]),
            Op::Shuffle(a) => self.nodes(25, &[*a]),
            Op::SortByKey { src, keys, cols } => self.nodes(26, &[*src, *keys, *cols]),
            Op::ExtremeByKey { src, keys, cols, max } => {
                self.nodes(27, &[*src, *keys, *cols]);
                self.tag(u8::from(*max));
            }
            Op::Find { src, needle, not_found } => {
                self.nodes(28, &[*src, *needle]);
                self.option(not_found.as_ref(), |w, &v| w.int(v));
            }
            Op::Choose { src, k } => self.nodes(29, &[*src, *k]),
            Op::Random { f, ty, n } => {
                self.tag(30);
                self.ty(ty);
                self.uint(*n);
                match *f {
                    Random::Int { lo, hi } => {
                        self.tag(0);
                        self.int(lo);
                        self.int(hi);
                    }
                    Random::Bits => self.tag(1),
                    Random::Permutation => self.tag(2),
                    Random::Derangement => self.tag(3),
                    Random::Uniform { a, b } => {
                        self.tag(4);
                        self.value(a);
                        self.value(b);
                    }
                }
            }
        }
    }

    /// An operation's tag and its numbers (nodes read, then counts).
    fn nodes(&mut self, tag: u8, ns: &[usize]) {
        self.tag(tag);
        ns.iter().for_each(|&n| self.uint(n));
    }

    fn node_value(&mut self, tag: u8, a: NodeId, c: Value) {
        self.nodes(tag, &[a]);
        self.value(c);
    }

    fn node_int(&mut self, tag: u8, a: NodeId, k: i128) {
        self.nodes(tag, &[a]);
        self.int(k);
    }
}

struct Reader<'a>(&'a [u8]);

type Read<T> = Result<T, PlanBytesError>;

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Read<&'a [u8]> {
        if n > self.0.len() {
            return Err(PlanBytesError::Truncated);
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }

    fn tag(&mut self) -> Read<u8> {
        Ok(self.take(1)?[0])
    }

    fn flag(&mut self) -> Read<bool> {
        match self.tag()? {
            0 => Ok(false),
            1 => Ok(true),
            tag => Err(PlanBytesError::Tag { what: "flag", tag }),
        }
    }

    /// A varint of at most 128 bits.
    fn varint(&mut self) -> Read<u128> {
        let mut v = 0u128;
        for shift in (0..128).step_by(7) {
            let byte = self.tag()?;
            let bits = u128::from(byte & 0x7f);
            if shift == 126 && bits > 3 {
                return Err(PlanBytesError::Range("number"));
            }
            v |= bits << shift;
            if byte < 0x80 {
                return Ok(v);
            }
        }
        Err(PlanBytesError::Range("number"))
    }

    fn uint(&mut self) -> Read<usize> {
        usize::try_from(self.varint()?).map_err(|_| PlanBytesError::Range("number"))
    }

    fn u32(&mut self) -> Read<u32> {
        u32::try_from(self.varint()?).map_err(|_| PlanBytesError::Range("number"))
    }

    fn int(&mut self) -> Read<i128> {
        let z = self.varint()?;
        Ok((z >> 1) as i128 ^ -((z & 1) as i128))
    }

    /// A count of things of at least `each` bytes, which the bytes left
    /// must be able to hold, and of at most `max` (`what`): so that what is
    /// made of the bytes is never much larger than they are.
    fn count(&mut self, each: usize, max: usize, what: &'static str) -> Read<usize> {
        let n = self.uint()?;
        if n.saturating_mul(each) > self.0.len() {
            return Err(PlanBytesError::Truncated);
        }
        if n > max {
            return Err(PlanBytesError::Range(what));
        }
        Ok(n)
    }

    fn text(&mut self) -> Read<String> {
        let n = self.count(1, usize::MAX, "text")?;
        String::from_utf8(self.take(n)?.to_vec()).map_err(|_| PlanBytesError::Range("text"))
    }

    fn option<T>(&mut self, read: impl FnOnce(&mut Self) -> Read<T>) -> Read<Option<T>> {
        Ok(if self.flag()? { Some(read(self)?) } else { None })
    }

    /// A list of at most `max` numbers (`what`).
    fn uints(&mut self, max: usize, what: &'static str) -> Read<Vec<usize>> {
        let n = self.count(1, max, what)?;
        (0..n).map(|_| self.uint()).collect()
    }

    fn party(&mut self, parties: usize) -> Read<usize> {
        let p = self.uint()?;
        if p < parties { Ok(p) } else { Err(PlanBytesError::Range("party")) }
    }

    /// An index list (see [`Writer::indices`]), which counts towards the
    /// plan's `stored` elements.
    fn indices(&mut self, stored: &mut usize) -> Read<Vec<usize>> {
        let n = self.elements()?;
        *stored = stored.saturating_add(n);
        if *stored > MAX_STORED {
            return Err(PlanBytesError::Range("count of stored elements"));
        }
        let mut out = Vec::new();
        while out.len() < n {
            let (start, step, len) = (self.uint()?, self.int()?, self.uint()?);
            if len == 0 || len > n - out.len() {
                return Err(PlanBytesError::Range("index run"));
            }
            let last = start as i128 + step * (len as i128 - 1);
            if !(0..MAX_ELEMENTS as i128).contains(&(start as i128)) || !(0..MAX_ELEMENTS as i128).contains(&last) {
                return Err(PlanBytesError::Range("index"));
            }
            out.extend((0..len as i128).map(|k| (start as i128 + step * k) as usize));
        }
        Ok(out)
    }

    fn value(&mut self) -> Read<Value> {
        match self.tag()? {
            0 => Ok(Value::Int(self.int()?)),
            1 => Ok(Value::Fixed(f64::from_bits(u64::from_le_bytes(self.take(8)?.try_into().map_err(|_| PlanBytesError::Truncated)?)))),
            tag => Err(PlanBytesError::Tag { what: "value", tag }),
        }
    }

    fn ty(&mut self) -> Read<SecType> {
        let ty = match self.tag()? {
            0 => SecType::int(self.u32()?),
            1 => {
                let bits = self.u32()?;
                SecType::fxp(bits, self.u32()?)
            }
            2 => SecType::fld(self.varint()?),
            tag => return Err(PlanBytesError::Tag { what: "secure type", tag }),
        };
        ty.map_err(|_| PlanBytesError::Range("secure type"))
    }

    fn span(&mut self) -> Read<Span> {
        Ok(Span { line: self.u32()?, col: self.u32()? })
    }

    fn op(&mut self, stored: &mut usize) -> Read<Op> {
        let tag = self.tag()?;
        Ok(match tag {
            0 => Op::Input(self.uint()?),
            1 => {
                let ty = self.ty()?;
                let n = self.count(2, MAX_ELEMENTS, "number of elements")?;
                *stored = stored.saturating_add(n);
                if *stored > MAX_STORED {
                    return Err(PlanBytesError::Range("count of stored elements"));
                }
                Op::Const { ty, values: (0..n).map(|_| self.value()).collect::<Read<_>>()? }
            }
            2 => Op::Gather { src: self.uint()?, indices: self.indices(stored)? },
            3 => match self.uints(MAX_NODES, "concatenation")? {
                parts if parts.is_empty() => return Err(PlanBytesError::Range("concatenation")),
                parts => Op::Concat(parts),
            },
            4 => Op::Add(self.uint()?, self.uint()?),
            5 => Op::Sub(self.uint()?, self.uint()?),
            6 => Op::Neg(self.uint()?),
            7 => Op::AddPublic(self.uint()?, self.value()?),
            8 => Op::MulPublic(self.uint()?, self.value()?),
            9 => Op::DivPublic(self.uint()?, self.value()?),
            10 => Op::FloorDiv(self.uint()?, self.value()?),
            11 => Op::Mod(self.uint()?, self.value()?),
            12 => Op::Shl(self.uint()?, self.small()?),
            13 => Op::Shr(self.uint()?, self.small()?),
            14 => Op::Pow(self.uint()?, self.int()?),
            15 => Op::Trunc(self.uint()?, self.small()?),
            16 => Op::Inverse(self.uint()?, self.int()?),
            17 => Op::Convert(self.uint()?, self.ty()?),
            18 => {
                let (a, b) = (self.uint()?, self.uint()?);
                Op::Pair(self.pair()?, a, b)
            }
            19 => {
                let a = self.uint()?;
                Op::Map(self.map()?, a)
            }
            20 => {
                let (src, rows, len) = (self.uint()?, self.elements()?, self.elements()?);
                Op::Reduce { f: self.reduce()?, src, rows, len }
            }
            21 => Op::ColumnSums { src: self.uint()?, rows: self.elements()?, cols: self.elements()? },
            22 => Op::IfElse(self.uint()?, self.uint()?, self.uint()?),
            23 => Op::MatMul { a: self.uint()?, b: self.uint()?, rows: self.elements()?, inner: self.elements()?, cols: self.elements()? },
            24 => Op::Sort(self.uint()?),
            25 => Op::Shuffle(self.uint()?),
            26 => Op::SortByKey { src: self.uint()?, keys: self.uint()?, cols: self.elements()? },
            27 => Op::ExtremeByKey { src: self.uint()?, keys: self.uint()?, cols: self.elements()?, max: self.flag()? },
            28 => Op::Find { src: self.uint()?, needle: self.uint()?, not_found: self.option(|r| r.int())? },
            29 => Op::Choose { src: self.uint()?, k: self.elements()? },
            30 => {
                let (ty, n) = (self.ty()?, self.elements()?);
                let f = match self.tag()? {
                    0 => Random::Int { lo: self.int()?, hi: self.int()? },
                    1 => Random::Bits,
                    2 => Random::Permutation,
                    3 => Random::Derangement,
                    4 => Random::Uniform { a: self.value()?, b: self.value()? },
                    tag => return Err(PlanBytesError::Tag { what: "random value", tag }),
                };
                Op::Random { f, ty, n }
            }
            tag => return Err(PlanBytesError::Tag { what: "operation", tag }),
        })
    }

    /// A number of elements, rows or columns: at most [`MAX_ELEMENTS`].
    fn elements(&mut self) -> Read<usize> {
        let n = self.uint()?;
        if n <= MAX_ELEMENTS { Ok(n) } else { Err(PlanBytesError::Range("number of elements")) }
    }

    /// A shift or a number of fractional bits.
    fn small(&mut self) -> Read<u32> {
        u32::try_from(self.int()?).map_err(|_| PlanBytesError::Range("number"))
    }

    fn pair(&mut self) -> Read<Pair> {
        use Pair::*;
        let all = [Mul, Div, Lt, Le, Gt, Ge, Eq, Ne, MinPairwise, MaxPairwise, Inner, Covariance, Gcd, Lcm];
        let tag = self.tag()?;
        all.into_iter().find(|&f| f as u8 == tag).ok_or(PlanBytesError::Tag { what: "operation on pairs", tag })
    }

    fn map(&mut self) -> Read<Map> {
        use Map::*;
        let tag = self.tag()?;
        [Abs, Sign, IsZero, Reciprocal, Sqrt, ToBits]
            .into_iter()
            .find(|&f| f as u8 == tag)
            .ok_or(PlanBytesError::Tag { what: "operation", tag })
    }

    fn reduce(&mut self) -> Read<Reduce> {
        use Reduce::*;
        let all = [Sum, Prod, Min, Max, Argmin, Argmax, All, Any, Mean, Variance, Pvariance, Stdev, Median, Mode, FromBits];
        let tag = self.tag()?;
        all.into_iter().find(|&f| f as u8 == tag).ok_or(PlanBytesError::Tag { what: "reduction", tag })
    }
}
