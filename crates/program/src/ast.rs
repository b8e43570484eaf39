//! The syntax tree of a program, shared by the text syntax and the JSON form.
//!
//! The JSON form (read and written in `json`) is this tree with enums
//! externally tagged (`{"let": {"name": "x", "value": …}}`); source positions
//! are not part of it. Two trees that differ only in positions compare equal.

/// A position in the source text (1-based line and column, in characters).
///
/// Positions are not part of a program's meaning: all spans compare equal,
/// and the JSON form leaves them out.
#[derive(Clone, Copy, Debug, Default, Eq)]
pub struct Span {
    /// Line, from 1; 0 when the tree did not come from text.
    pub line: u32,
    /// Column, from 1.
    pub col: u32,
}

impl PartialEq for Span {
    fn eq(&self, _: &Span) -> bool {
        true
    }
}

impl core::fmt::Display for Span {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "line {}, column {}", self.line, self.col)
    }
}

/// A whole program: its name, how many parties it allows and its statements.
#[derive(Clone, Debug, PartialEq)]
pub struct Program {
    /// What the program is called, shown to every participant.
    pub name: String,
    /// How many parties may run it.
    pub parties: Parties,
    /// Declarations, computation and reveals, in order.
    pub body: Vec<Stmt>,
}

/// The number of parties a program allows: `min ..= max`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Parties {
    /// The fewest parties.
    pub min: u32,
    /// The most parties; `None` for "or more" (up to the engine's limit).
    pub max: Option<u32>,
}

/// A statement with its position.
#[derive(Clone, Debug, PartialEq)]
pub struct Stmt {
    /// What the statement does.
    pub kind: StmtKind,
    /// Where it starts.
    pub span: Span,
}

/// The statements of the language.
#[derive(Clone, Debug, PartialEq)]
pub enum StmtKind {
    /// `role NAME = party INDEX`: names a party.
    Role {
        /// The role's name.
        name: String,
        /// The party (0-based) that plays it.
        party: u32,
    },
    /// `type NAME = TYPE`: names a secure type.
    Type {
        /// The type's name.
        name: String,
        /// The type.
        ty: TypeExpr,
    },
    /// `input NAME: TYPE[LEN] from SOURCE [typed] [between LO and HI]`.
    Input(Input),
    /// `let NAME = EXPR`: a new variable.
    Let {
        /// The variable.
        name: String,
        /// Its value.
        value: Expr,
    },
    /// `NAME = EXPR`: a new value for an existing variable.
    Assign {
        /// The variable.
        name: String,
        /// Its new value.
        value: Expr,
    },
    /// `for VAR in range(START, END):` with a block; bounds are public.
    For {
        /// The loop variable.
        var: String,
        /// The first value (0 when absent).
        start: Option<Expr>,
        /// One past the last value.
        end: Expr,
        /// The statements run for each value.
        body: Vec<Stmt>,
    },
    /// `if COND:` … `else:` … on a public condition.
    If {
        /// The public condition.
        cond: Expr,
        /// Run when the condition is nonzero.
        then: Vec<Stmt>,
        /// Run otherwise (may be empty).
        otherwise: Vec<Stmt>,
    },
    /// `reveal NAME [= EXPR] to RECEIVERS`: the only way a secret value leaves the computation.
    Reveal {
        /// The output's name.
        name: String,
        /// The value; absent for "the variable called NAME".
        value: Option<Expr>,
        /// Who learns it.
        to: Receivers,
    },
}

/// An input declaration.
#[derive(Clone, Debug, PartialEq)]
pub struct Input {
    /// The input's name, used in the program and in input files.
    pub name: String,
    /// Its secure type.
    pub ty: TypeExpr,
    /// Its length if it is a vector; absent for a scalar.
    pub len: Option<u32>,
    /// Who provides it.
    pub from: Source,
    /// Whether the participant types it (the page never sees it) rather
    /// than the page supplying it.
    pub typed: bool,
    /// Inclusive bounds every element must respect, checked by the party
    /// providing it before it is shared.
    pub bounds: Option<Bounds>,
}

/// Inclusive bounds on an input's elements.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bounds {
    /// The least allowed value.
    pub min: Number,
    /// The greatest allowed value.
    pub max: Number,
}

/// Who provides an input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// Every party provides one; the program sees them as a vector indexed by party.
    Each,
    /// The party playing this role.
    Role(String),
}

/// Who learns a revealed value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Receivers {
    /// Every party.
    All,
    /// Party `i` learns element `i` (the value has one element per party).
    Each,
    /// The parties playing these roles.
    Roles(Vec<String>),
}

/// A secure type as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TypeExpr {
    /// `secint(BITS)`.
    Secint {
        /// Bit length.
        bits: u32,
    },
    /// `secfxp(BITS, FRAC)`.
    Secfxp {
        /// Bit length.
        bits: u32,
        /// Fractional bits.
        frac: u32,
    },
    /// `secfld(MODULUS)`.
    Secfld {
        /// The prime modulus.
        modulus: u128,
    },
    /// A name declared with `type`.
    Named(String),
}

/// A public number literal.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Number {
    /// An integer.
    Int(i128),
    /// A decimal number.
    Float(f64),
}

/// An expression with its position.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    /// What the expression is.
    pub kind: ExprKind,
    /// Where it starts.
    pub span: Span,
}

/// The expressions of the language.
#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// A public number.
    Number(Number),
    /// A variable, input, type, role or `parties`.
    Name(String),
    /// `-x` or `not x`.
    Unary {
        /// The operator.
        op: UnaryOp,
        /// The operand.
        operand: Box<Expr>,
    },
    /// `a OP b`.
    Binary {
        /// The operator.
        op: BinaryOp,
        /// Left operand.
        left: Box<Expr>,
        /// Right operand.
        right: Box<Expr>,
    },
    /// `f(a, b, …)`: an operation of the engine, or a type such as `secint(32)`.
    Call {
        /// The function's name.
        func: String,
        /// Its arguments.
        args: Vec<Expr>,
    },
    /// `x[i]`.
    Index {
        /// The vector or matrix.
        base: Box<Expr>,
        /// The public index (negative counts from the end).
        index: Box<Expr>,
    },
    /// `x[a:b]`.
    Slice {
        /// The vector or matrix.
        base: Box<Expr>,
        /// First index (0 when absent).
        start: Option<Box<Expr>>,
        /// One past the last index (the length when absent).
        end: Option<Box<Expr>>,
    },
    /// `[a, b, …]`.
    List(Vec<Expr>),
    /// `[EXPR for VAR in range(START, END)]`.
    Comprehension {
        /// The element computed for each value.
        element: Box<Expr>,
        /// The variable.
        var: String,
        /// The first value (0 when absent).
        start: Option<Box<Expr>>,
        /// One past the last value.
        end: Box<Expr>,
    },
    /// `NAME=EXPR`: a keyword argument, only among a call's arguments and
    /// after its positional ones (`sort(x, key=-x)`, `find(x, a, e=-1)`).
    Keyword {
        /// The parameter's name.
        name: String,
        /// Its value.
        value: Box<Expr>,
    },
}

/// Unary operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    /// `-x`.
    Neg,
    /// `not x`, for bits: `1 − x`.
    Not,
}

/// Binary operators, in Python's meaning.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `//`
    FloorDiv,
    /// `%`
    Mod,
    /// `<<`
    Shl,
    /// `>>`
    Shr,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `and`, for bits: `a · b`.
    And,
    /// `or`, for bits: `a + b − a · b`.
    Or,
}

impl BinaryOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        use BinaryOp::*;
        match self {
            Add => "+",
            Sub => "-",
            Mul => "*",
            Div => "/",
            FloorDiv => "//",
            Mod => "%",
            Shl => "<<",
            Shr => ">>",
            Lt => "<",
            Le => "<=",
            Gt => ">",
            Ge => ">=",
            Eq => "==",
            Ne => "!=",
            And => "and",
            Or => "or",
        }
    }

    /// Binding strength: higher binds tighter (Python's order).
    pub fn precedence(self) -> u8 {
        use BinaryOp::*;
        match self {
            Or => 1,
            And => 2,
            Lt | Le | Gt | Ge | Eq | Ne => 4,
            Shl | Shr => 5,
            Add | Sub => 6,
            Mul | Div | FloorDiv | Mod => 7,
        }
    }
}

/// Precedence of `not` (between `and` and comparisons) and of unary minus.
pub(crate) const NOT_PRECEDENCE: u8 = 3;
pub(crate) const NEG_PRECEDENCE: u8 = 8;
