//! A checked program for one number of parties: every loop unrolled, every
//! shape known, every value a node of a dataflow graph over the engine's
//! operations. [`crate::check`] builds it; [`crate::exec`] runs it.

use cohort_mpc::{DERANGEMENT_BATCH, PartyId, SORT_COMPARISONS_PER_PAIR, SecType, Value, largest_setup_message};

use crate::ast::Span;

/// Index of a node in [`Plan::nodes`].
pub(crate) type NodeId = usize;

/// A program ready to run with a given number of parties.
#[derive(Clone, Debug)]
pub struct Plan {
    /// The number of parties it was checked for.
    pub parties: usize,
    /// The declared inputs, in order.
    pub inputs: Vec<InputSpec>,
    /// The declared outputs, in order.
    pub outputs: Vec<OutputSpec>,
    pub(crate) nodes: Vec<Node>,
}

impl Plan {
    /// How many engine operations the program unrolls to.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether the program computes nothing.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// An upper bound on the bytes of any one round message a party sends
    /// a peer when this plan runs with threshold `threshold` (set-up round
    /// and headers included): how much a party must accept from a peer at
    /// once, and no more. A peer that sends more misbehaves.
    ///
    /// The engine runs every node concurrently, so a round may carry a step
    /// of every node at once: the bound is the sum over the nodes of the
    /// most one node sends in one round. That is, for an input, its
    /// elements; for any other node that communicates, at most `2 × BITS` field elements for each element it
    /// reads or writes, plus two, where `BITS` is the bit length of its
    /// type's field (`l + k + 2` for `secint(l)`, the bits a comparison
    /// decomposes), with 16 bytes of step headers each; a random
    /// derangement draws [`DERANGEMENT_BATCH`] permutations at once, a mode
    /// tests each pair of its elements, a sort of keys (and a median)
    /// sends up to [`SORT_COMPARISONS_PER_PAIR`] comparisons' worth for each pair it
    /// orders. Each
    /// revealed output adds its elements. `tests/message_bound.rs` checks the
    /// bound against what the engine sends, for every operation.
    pub fn largest_message(&self, threshold: usize) -> usize {
        let lens = self.lens();
        // Round messages start with a 12-byte header.
        let mut total: usize = 12;
        for (node, &size) in self.nodes.iter().zip(&lens) {
            let Some((ty, len)) = size else { continue };
            let read: usize = node.op.deps().iter().filter_map(|&d| lens.get(d).copied().flatten()).map(|(_, n)| n).sum();
            let mut work = len.max(read).saturating_add(2);
            // A conversion also opens (and may truncate) in its source's field.
            let field = match node.op {
                Op::Convert(a, _) => match lens.get(a).copied().flatten() {
                    Some((src, _)) if src.field().bits() > ty.field().bits() => *src.field(),
                    _ => *ty.field(),
                },
                _ => *ty.field(),
            };
            match node.op {
                Op::Const { .. } | Op::Gather { .. } | Op::Concat(_) | Op::Add(..) | Op::Sub(..) | Op::Neg(_) | Op::AddPublic(..) => {
                    continue;
                }
                Op::Shl(..) | Op::ColumnSums { .. } | Op::Reduce { f: Reduce::Sum | Reduce::FromBits, .. } => continue,
                // Each owner deals its elements, a step per owner.
                Op::Input(_) => {
                    total = total.saturating_add((len + self.parties).saturating_mul(field.byte_len() + 4));
                    continue;
                }
                Op::Random { f: Random::Derangement, .. } => work = work.saturating_mul(DERANGEMENT_BATCH),
                // A key comparison carrying its equality, and the original indices' (ties); a median sorts.
                Op::Sort(_) | Op::Reduce { f: Reduce::Median, .. } => work = work.saturating_mul(SORT_COMPARISONS_PER_PAIR),
                // The mode tests every pair of each row's elements for equality.
                Op::Reduce { f: Reduce::Mode, rows, len, .. } => {
                    work = work.max(rows.saturating_mul(len.saturating_mul(len.saturating_sub(1)) / 2).saturating_add(2));
                }
                _ => {}
            }
            let per_element = 2 * field.bits() as usize * field.byte_len() + 16;
            total = total.saturating_add(work.saturating_mul(per_element));
        }
        for out in &self.outputs {
            let Some((ty, len)) = lens.get(out.node).copied().flatten() else { continue };
            total = total.saturating_add((len + 1).saturating_mul(ty.field().byte_len() + 4));
        }
        // The set-up round comes before the program's, alone.
        total.max(largest_setup_message(self.parties, threshold))
    }

    /// Each node's secure type and number of elements (`None` only for a
    /// concatenation of nothing, which the checker does not make).
    pub(crate) fn lens(&self) -> Vec<Option<(SecType, usize)>> {
        let mut lens: Vec<Option<(SecType, usize)>> = Vec::with_capacity(self.nodes.len());
        for node in &self.nodes {
            let entry = self.len_of(&node.op, &lens);
            lens.push(entry);
        }
        lens
    }

    /// The type and number of elements of `op`'s result, given its inputs'.
    fn len_of(&self, op: &Op, lens: &[Option<(SecType, usize)>]) -> Option<(SecType, usize)> {
        let of = |id: NodeId| lens.get(id).copied().flatten();
        let wider = |a: NodeId, b: NodeId| Some((of(a)?.0, of(a)?.1.max(of(b)?.1)));
        Some(match op {
            Op::Input(i) => {
                let spec = self.inputs.get(*i)?;
                let each = if spec.owner == Owner::Each { self.parties } else { 1 };
                (spec.ty, spec.len.unwrap_or(1).saturating_mul(each))
            }
            Op::Const { ty, values } => (*ty, values.len()),
            Op::Gather { src, indices } => (of(*src)?.0, indices.len()),
            Op::Concat(parts) => (of(*parts.first()?)?.0, parts.iter().map(|&p| of(p).map_or(0, |(_, n)| n)).sum()),
            Op::Add(a, b) | Op::Sub(a, b) | Op::IfElse(_, a, b) => wider(*a, *b)?,
            Op::Pair(Pair::Inner | Pair::Covariance, a, _) => (of(*a)?.0, 1),
            Op::Pair(_, a, b) => wider(*a, *b)?,
            Op::Map(Map::ToBits, a) => {
                let (ty, n) = of(*a)?;
                (ty, n.saturating_mul(ty.bits() as usize))
            }
            Op::Neg(a)
            | Op::AddPublic(a, _)
            | Op::MulPublic(a, _)
            | Op::DivPublic(a, _)
            | Op::FloorDiv(a, _)
            | Op::Mod(a, _)
            | Op::Shl(a, _)
            | Op::Shr(a, _)
            | Op::Pow(a, _)
            | Op::Trunc(a, _)
            | Op::Inverse(a, _)
            | Op::Map(_, a)
            | Op::Sort(a)
            | Op::Shuffle(a)
            | Op::SortByKey { src: a, .. } => of(*a)?,
            Op::ExtremeByKey { src, cols, .. } => (of(*src)?.0, *cols),
            Op::Find { src, .. } => (of(*src)?.0, 1),
            Op::Choose { src, k } => (of(*src)?.0, *k),
            Op::Convert(a, ty) => (*ty, of(*a)?.1),
            Op::Reduce { src, rows, .. } => (of(*src)?.0, *rows),
            Op::ColumnSums { src, cols, .. } => (of(*src)?.0, *cols),
            Op::MatMul { a, rows, cols, .. } => (of(*a)?.0, rows.saturating_mul(*cols)),
            Op::Random { ty, n, .. } => (*ty, *n),
        })
    }
}

/// Who provides an input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Owner {
    /// Every party provides one.
    Each,
    /// One party, under a role name.
    Role {
        /// The role.
        role: String,
        /// The party playing it.
        party: PartyId,
    },
}

impl Owner {
    /// Whether `party` provides this input.
    pub fn includes(&self, party: PartyId) -> bool {
        match self {
            Owner::Each => true,
            Owner::Role { party: p, .. } => *p == party,
        }
    }
}

/// A declared input.
#[derive(Clone, Debug)]
pub struct InputSpec {
    /// Its name.
    pub name: String,
    /// Its secure type.
    pub ty: SecType,
    /// Its length if it is a vector.
    pub len: Option<usize>,
    /// Who provides it.
    pub owner: Owner,
    /// Typed by the participant rather than supplied by the page.
    pub typed: bool,
    /// Inclusive bounds on each element.
    pub bounds: Option<(Value, Value)>,
    pub(crate) span: Span,
}

/// Who learns an output.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OutputTo {
    /// Every party learns all of it.
    All,
    /// Party `i` learns element (or row) `i`.
    Each,
    /// These parties learn all of it.
    Parties(Vec<PartyId>),
}

/// A declared output.
#[derive(Clone, Debug)]
pub struct OutputSpec {
    /// Its name.
    pub name: String,
    /// Its secure type.
    pub ty: SecType,
    /// Its shape: `[]` for a scalar, `[n]` for a vector, `[r, c]` for a matrix.
    pub shape: Vec<usize>,
    /// Who learns it.
    pub to: OutputTo,
    pub(crate) node: NodeId,
    pub(crate) span: Span,
}

/// One operation of the dataflow graph, with the position it came from.
#[derive(Clone, Debug)]
pub(crate) struct Node {
    pub(crate) op: Op,
    pub(crate) span: Span,
}

/// Elementwise operations of one secret argument.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Map {
    Abs,
    Sign,
    IsZero,
    Reciprocal,
    Sqrt,
    ToBits,
}

/// Operations from a vector to a scalar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Reduce {
    Sum,
    Prod,
    Min,
    Max,
    Argmin,
    Argmax,
    All,
    Any,
    Mean,
    Variance,
    Pvariance,
    Stdev,
    Median,
    Mode,
    FromBits,
}

/// Operations of two secret arguments of one type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Pair {
    Mul,
    Div,
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
    MinPairwise,
    MaxPairwise,
    Inner,
    Covariance,
    Gcd,
    Lcm,
}

/// Random values.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Random {
    /// Uniform in `lo ≤ x < hi`.
    Int {
        lo: i128,
        hi: i128,
    },
    Bits,
    Permutation,
    Derangement,
    /// MPyC's `uniform(T, a, b)`: multiples of `2^−f` from `a` towards `b`.
    Uniform {
        a: Value,
        b: Value,
    },
}

/// An engine operation. (Each one, and each variant of the enums it holds,
/// has a tag in `planned.rs` and a use in `tests/planned_bytes.rs`.)
#[derive(Clone, Debug)]
pub(crate) enum Op {
    /// Declared input number `i` of [`Plan::inputs`].
    Input(usize),
    /// Public values as a (trivial) sharing.
    Const {
        ty: SecType,
        values: Vec<Value>,
    },
    /// Elements of `src` at these indices (indexing, slicing, broadcasting, reversing).
    Gather {
        src: NodeId,
        indices: Vec<usize>,
    },
    Concat(Vec<NodeId>),
    Add(NodeId, NodeId),
    Sub(NodeId, NodeId),
    Neg(NodeId),
    AddPublic(NodeId, Value),
    MulPublic(NodeId, Value),
    DivPublic(NodeId, Value),
    FloorDiv(NodeId, Value),
    Mod(NodeId, Value),
    Shl(NodeId, u32),
    Shr(NodeId, u32),
    /// `a^k` for a public exponent.
    Pow(NodeId, i128),
    /// MPyC's `trunc(a, f)`: `a / 2^f`, stochastically rounded.
    Trunc(NodeId, u32),
    /// MPyC's `inverse(a, n)` for a public modulus.
    Inverse(NodeId, i128),
    /// MPyC's `convert(a, T)` to another secure type.
    Convert(NodeId, SecType),
    Pair(Pair, NodeId, NodeId),
    Map(Map, NodeId),
    /// A reduction of each of `rows` consecutive runs of `len` elements.
    Reduce {
        f: Reduce,
        src: NodeId,
        rows: usize,
        len: usize,
    },
    /// Sums of the columns of a `rows × cols` matrix.
    ColumnSums {
        src: NodeId,
        rows: usize,
        cols: usize,
    },
    IfElse(NodeId, NodeId, NodeId),
    MatMul {
        a: NodeId,
        b: NodeId,
        rows: usize,
        inner: usize,
        cols: usize,
    },
    Sort(NodeId),
    Shuffle(NodeId),
    /// The rows of `src` (`cols` elements each) in ascending order of `keys`.
    SortByKey {
        src: NodeId,
        keys: NodeId,
        cols: usize,
    },
    /// The row of `src` (`cols` elements each) with the greatest (`max`)
    /// or least key, the first on a tie.
    ExtremeByKey {
        src: NodeId,
        keys: NodeId,
        cols: usize,
        max: bool,
    },
    /// MPyC's `find(x, a, bits=False, e=…)`: the index of the first element
    /// of `src` equal to the scalar `needle`, else `not_found` (`len` by default).
    Find {
        src: NodeId,
        needle: NodeId,
        not_found: Option<i128>,
    },
    /// The first `k` elements of `src` in a secret uniform order: MPyC's
    /// `choice` (`k = 1`) and `sample`.
    Choose {
        src: NodeId,
        k: usize,
    },
    Random {
        f: Random,
        ty: SecType,
        n: usize,
    },
}

impl Op {
    /// The nodes this one reads.
    pub(crate) fn deps(&self) -> Vec<NodeId> {
        use Op::*;
        match self {
            Input(_) | Const { .. } | Random { .. } => vec![],
            Gather { src, .. } | Reduce { src, .. } | ColumnSums { src, .. } => vec![*src],
            Concat(parts) => parts.clone(),
            Add(a, b) | Sub(a, b) | Pair(_, a, b) | MatMul { a, b, .. } => vec![*a, *b],
            Neg(a)
            | AddPublic(a, _)
            | MulPublic(a, _)
            | DivPublic(a, _)
            | FloorDiv(a, _)
            | Mod(a, _)
            | Shl(a, _)
            | Shr(a, _)
            | Pow(a, _)
            | Trunc(a, _)
            | Inverse(a, _)
            | Convert(a, _)
            | Map(_, a)
            | Sort(a)
            | Shuffle(a)
            | Choose { src: a, .. } => vec![*a],
            SortByKey { src, keys, .. } | ExtremeByKey { src, keys, .. } => vec![*src, *keys],
            Find { src, needle, .. } => vec![*src, *needle],
            IfElse(c, a, b) => vec![*c, *a, *b],
        }
    }
}
