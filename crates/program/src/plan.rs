//! A checked program for one number of parties: every loop unrolled, every
//! shape known, every value a node of a dataflow graph over the engine's
//! operations. [`crate::check`] builds it; [`crate::exec`] runs it.

use cohort_mpc::{PartyId, SecType, Value};

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
}

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
            | Map(_, a)
            | Sort(a)
            | Shuffle(a) => vec![*a],
            IfElse(c, a, b) => vec![*c, *a, *b],
        }
    }
}
