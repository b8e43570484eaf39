//! The text syntax: a recursive-descent parser over [`crate::lexer`]'s tokens.

use cohort_mpc::MAX_PARTIES;

use crate::ast::*;
use crate::error::{Error, Result};
use crate::lexer::{Tok, lex};

/// How deeply expressions and blocks may nest.
const MAX_DEPTH: usize = 64;

/// How deep an expression's tree may be. A chain such as `a + b + c` or
/// `x[0][1]` deepens the tree by one level per operator without nesting
/// the parser; checking, printing and dropping the tree recurse that deep.
const MAX_TREE_DEPTH: usize = 256;

/// Words with a meaning of their own, which cannot name anything. (`from`,
/// `each`, `typed`, `between`, `to`, `all`, `party`, `more` and `range` only
/// have a meaning in their place and remain usable as names.)
pub const KEYWORDS: [&str; 14] =
    ["program", "parties", "role", "type", "input", "let", "for", "in", "if", "else", "reveal", "and", "or", "not"];

/// Parses a program's text.
pub(crate) fn parse(src: &str) -> Result<Program> {
    let toks = lex(src)?;
    let mut p = Parser { toks, pos: 0, depth: 0, tree_depth: 0 };
    p.program()
}

struct Parser {
    toks: Vec<(Tok, Span)>,
    pos: usize,
    depth: usize,
    /// The depth of the expression tree parsed last (see [`MAX_TREE_DEPTH`]).
    tree_depth: usize,
}

impl Parser {
    fn peek(&self) -> &Tok {
        &self.toks[self.pos].0
    }

    fn span(&self) -> Span {
        self.toks[self.pos].1
    }

    fn bump(&mut self) -> (Tok, Span) {
        let t = self.toks[self.pos].clone();
        if self.pos + 1 < self.toks.len() {
            self.pos += 1;
        }
        t
    }

    fn unexpected(&self, wanted: &str) -> Error {
        Error::new(self.span(), format!("expected {wanted}, found {}", self.peek().describe()))
    }

    fn is_word(&self, w: &str) -> bool {
        matches!(self.peek(), Tok::Ident(s) if s == w)
    }

    fn is_punct(&self, p: &str) -> bool {
        matches!(self.peek(), Tok::Punct(q) if *q == p)
    }

    fn word(&mut self, w: &str) -> Result<Span> {
        if self.is_word(w) { Ok(self.bump().1) } else { Err(self.unexpected(&format!("`{w}`"))) }
    }

    fn punct(&mut self, p: &str) -> Result<Span> {
        if self.is_punct(p) { Ok(self.bump().1) } else { Err(self.unexpected(&format!("`{p}`"))) }
    }

    fn newline(&mut self) -> Result<()> {
        if matches!(self.peek(), Tok::Newline) {
            self.bump();
            Ok(())
        } else {
            Err(self.unexpected("the end of the line"))
        }
    }

    /// A name that is not a keyword.
    fn name(&mut self, what: &str) -> Result<(String, Span)> {
        match self.peek().clone() {
            Tok::Ident(s) if KEYWORDS.contains(&s.as_str()) => {
                Err(Error::new(self.span(), format!("`{s}` is a keyword and cannot be used as {what}")))
            }
            Tok::Ident(s) => Ok((s, self.bump().1)),
            _ => Err(self.unexpected(what)),
        }
    }

    fn uint(&mut self, what: &str) -> Result<u32> {
        match *self.peek() {
            Tok::Int(v) => {
                let at = self.bump().1;
                u32::try_from(v).map_err(|_| Error::new(at, format!("{what} must be between 0 and {}", u32::MAX)))
            }
            _ => Err(self.unexpected(what)),
        }
    }

    fn enter(&mut self) -> Result<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(Error::new(self.span(), format!("nested more than {MAX_DEPTH} levels deep")));
        }
        Ok(())
    }

    /// Records that the expression just built at `at` is `depth` levels deep.
    fn tree(&mut self, depth: usize, at: Span) -> Result<()> {
        if depth > MAX_TREE_DEPTH {
            return Err(Error::new(
                at,
                format!(
                    "this expression is more than {MAX_TREE_DEPTH} operations deep (each operator of a chain such as `a + b + c` counts); split it with `let`"
                ),
            ));
        }
        self.tree_depth = depth;
        Ok(())
    }

    fn program(&mut self) -> Result<Program> {
        while matches!(self.peek(), Tok::Newline) {
            self.bump();
        }
        self.word("program").map_err(|e| Error::new(e.span, "a program starts with `program \"NAME\"`"))?;
        let name = match self.peek().clone() {
            Tok::Str(s) => {
                self.bump();
                s
            }
            _ => return Err(self.unexpected("the program's name in quotes")),
        };
        self.newline()?;
        if !self.is_word("parties") {
            return Err(Error::new(
                self.span(),
                "the second line says how many parties: `parties 3`, `parties 3 to 10` or `parties 3 or more`",
            ));
        }
        self.bump();
        let min_at = self.span();
        let min = self.uint("the number of parties")?;
        let (max, max_at) = if self.is_word("to") {
            self.bump();
            let at = self.span();
            (Some(self.uint("the largest number of parties")?), at)
        } else if self.is_word("or") {
            self.bump();
            self.word("more")?;
            (None, min_at)
        } else {
            (Some(min), min_at)
        };
        // The checker tests the range too (for JSON programs); here the error can point at the number.
        if min == 0 {
            return Err(Error::new(min_at, "a program needs at least 1 party"));
        }
        for (n, at) in [(min, min_at), (max.unwrap_or(min), max_at)] {
            if n as usize > MAX_PARTIES {
                return Err(Error::new(at, format!("{n} parties is too many: at most {MAX_PARTIES} can run a program")));
            }
        }
        if let Some(max) = max.filter(|&max| max < min) {
            return Err(Error::new(max_at, format!("the fewest parties come first: write `parties {max} to {min}`")));
        }
        self.newline()?;
        let mut body = Vec::new();
        while !matches!(self.peek(), Tok::Eof) {
            body.push(self.stmt(true)?);
        }
        Ok(Program { name, parties: Parties { min, max }, body })
    }

    fn block(&mut self) -> Result<Vec<Stmt>> {
        self.punct(":")?;
        self.newline()?;
        if !matches!(self.peek(), Tok::Indent) {
            return Err(self.unexpected("an indented block"));
        }
        self.bump();
        self.enter()?;
        let mut body = Vec::new();
        while !matches!(self.peek(), Tok::Dedent | Tok::Eof) {
            body.push(self.stmt(false)?);
        }
        self.depth -= 1;
        if matches!(self.peek(), Tok::Dedent) {
            self.bump();
        }
        Ok(body)
    }

    fn stmt(&mut self, top: bool) -> Result<Stmt> {
        let span = self.span();
        let Tok::Ident(word) = self.peek().clone() else {
            return Err(self.unexpected("a statement"));
        };
        let top_only = |what: &str| -> Result<()> {
            if top { Ok(()) } else { Err(Error::new(span, format!("{what} belong at the top level, not inside a block"))) }
        };
        let kind = match word.as_str() {
            "role" => {
                top_only("roles")?;
                self.bump();
                let (name, _) = self.name("a role name")?;
                self.punct("=")?;
                self.word("party")?;
                let party = self.uint("a party number")?;
                self.newline()?;
                StmtKind::Role { name, party }
            }
            "type" => {
                top_only("types")?;
                self.bump();
                let (name, _) = self.name("a type name")?;
                self.punct("=")?;
                let ty = self.type_expr()?;
                self.newline()?;
                StmtKind::Type { name, ty }
            }
            "input" => {
                top_only("inputs")?;
                self.bump();
                StmtKind::Input(self.input()?)
            }
            "reveal" => {
                top_only("reveals")?;
                self.bump();
                let (name, _) = self.name("the output's name")?;
                let value = if self.is_punct("=") {
                    self.bump();
                    Some(self.expr()?)
                } else {
                    None
                };
                self.word("to")?;
                let to = self.receivers()?;
                self.newline()?;
                StmtKind::Reveal { name, value, to }
            }
            "let" => {
                self.bump();
                let (name, _) = self.name("a variable name")?;
                self.punct("=")?;
                let value = self.expr()?;
                self.newline()?;
                StmtKind::Let { name, value }
            }
            "for" => {
                self.bump();
                let (var, _) = self.name("the loop variable")?;
                self.word("in")?;
                let (start, end) = self.range()?;
                let body = self.block()?;
                StmtKind::For { var, start, end, body }
            }
            "if" => {
                self.bump();
                let cond = self.expr()?;
                let then = self.block()?;
                let otherwise = if self.is_word("else") {
                    self.bump();
                    self.block()?
                } else {
                    Vec::new()
                };
                StmtKind::If { cond, then, otherwise }
            }
            "program" | "parties" => return Err(Error::new(span, format!("`{word}` may only appear once, at the start"))),
            _ => {
                let (name, _) = self.name("a statement")?;
                if !self.is_punct("=") {
                    return Err(Error::new(span, format!("expected a statement; to give `{name}` a new value, write `{name} = …`")));
                }
                self.bump();
                let value = self.expr()?;
                self.newline()?;
                StmtKind::Assign { name, value }
            }
        };
        Ok(Stmt { kind, span })
    }

    fn input(&mut self) -> Result<Input> {
        let (name, _) = self.name("the input's name")?;
        self.punct(":")?;
        let ty = self.type_expr()?;
        let len = if self.is_punct("[") {
            self.bump();
            let n = self.uint("the vector's length")?;
            self.punct("]")?;
            Some(n)
        } else {
            None
        };
        self.word("from")?;
        let from = if self.is_word("each") {
            self.bump();
            Source::Each
        } else {
            Source::Role(self.name("`each` or a role")?.0)
        };
        let typed = self.is_word("typed");
        if typed {
            self.bump();
        }
        let bounds = if self.is_word("between") {
            self.bump();
            let min = self.signed_number()?;
            self.word("and")?;
            let max = self.signed_number()?;
            Some(Bounds { min, max })
        } else {
            None
        };
        self.newline()?;
        Ok(Input { name, ty, len, from, typed, bounds })
    }

    fn signed_number(&mut self) -> Result<Number> {
        let neg = self.is_punct("-");
        if neg {
            self.bump();
        }
        let at = self.span();
        match *self.peek() {
            Tok::Int(v) => {
                self.bump();
                Ok(Number::Int(if neg { v.checked_neg().ok_or_else(|| Error::new(at, "number too large"))? } else { v }))
            }
            Tok::Float(v) => {
                self.bump();
                Ok(Number::Float(if neg { -v } else { v }))
            }
            _ => Err(self.unexpected("a number")),
        }
    }

    fn receivers(&mut self) -> Result<Receivers> {
        if self.is_word("all") {
            self.bump();
            return Ok(Receivers::All);
        }
        if self.is_word("each") {
            self.bump();
            return Ok(Receivers::Each);
        }
        let mut roles = vec![self.name("`all`, `each` or a role")?.0];
        while self.is_punct(",") {
            self.bump();
            roles.push(self.name("a role")?.0);
        }
        Ok(Receivers::Roles(roles))
    }

    fn type_expr(&mut self) -> Result<TypeExpr> {
        let at = self.span();
        let Tok::Ident(word) = self.peek().clone() else {
            return Err(self.unexpected("a type"));
        };
        let ty = match word.as_str() {
            "secint" | "secfxp" | "secfld" => {
                self.bump();
                self.punct("(")?;
                let ty = match word.as_str() {
                    "secint" => TypeExpr::Secint { bits: self.uint("the bit length")? },
                    "secfxp" => {
                        let bits = self.uint("the bit length")?;
                        let frac = if self.is_punct(",") {
                            self.bump();
                            self.uint("the fractional bits")?
                        } else {
                            bits / 2
                        };
                        TypeExpr::Secfxp { bits, frac }
                    }
                    _ => match *self.peek() {
                        Tok::Int(v) if v > 0 => {
                            self.bump();
                            TypeExpr::Secfld { modulus: v as u128 }
                        }
                        _ => return Err(self.unexpected("a prime modulus")),
                    },
                };
                self.punct(")")?;
                ty
            }
            _ => TypeExpr::Named(self.name("a type").map_err(|e| Error::new(at, e.message))?.0),
        };
        Ok(ty)
    }

    /// `range(END)` or `range(START, END)`.
    fn range(&mut self) -> Result<(Option<Expr>, Expr)> {
        self.word("range")?;
        self.punct("(")?;
        let first = self.expr()?;
        let bounds = if self.is_punct(",") {
            self.bump();
            let first_depth = self.tree_depth;
            let end = self.expr()?;
            self.tree_depth = self.tree_depth.max(first_depth);
            (Some(first), end)
        } else {
            (None, first)
        };
        self.punct(")")?;
        Ok(bounds)
    }

    pub(crate) fn expr(&mut self) -> Result<Expr> {
        self.binary(1)
    }

    fn binary(&mut self, min: u8) -> Result<Expr> {
        self.enter()?;
        let mut left = self.unary()?;
        let mut depth = self.tree_depth;
        while let Some(op) = self.binary_op().filter(|op| op.precedence() >= min) {
            let at = self.bump().1;
            let right = self.binary(op.precedence() + 1)?;
            if op.precedence() == 4 && self.binary_op().is_some_and(|o| o.precedence() == 4) {
                return Err(Error::new(self.span(), "comparisons cannot be chained: write `(a < b) and (b < c)`"));
            }
            self.tree(1 + depth.max(self.tree_depth), at)?;
            depth = self.tree_depth;
            left = Expr { kind: ExprKind::Binary { op, left: Box::new(left), right: Box::new(right) }, span: at };
        }
        self.tree_depth = depth;
        self.depth -= 1;
        Ok(left)
    }

    fn binary_op(&self) -> Option<BinaryOp> {
        use BinaryOp::*;
        Some(match self.peek() {
            Tok::Punct(p) => match *p {
                "+" => Add,
                "-" => Sub,
                "*" => Mul,
                "/" => Div,
                "//" => FloorDiv,
                "%" => Mod,
                "<<" => Shl,
                ">>" => Shr,
                "<" => Lt,
                "<=" => Le,
                ">" => Gt,
                ">=" => Ge,
                "==" => Eq,
                "!=" => Ne,
                _ => return None,
            },
            Tok::Ident(w) if w == "and" => And,
            Tok::Ident(w) if w == "or" => Or,
            _ => return None,
        })
    }

    fn unary(&mut self) -> Result<Expr> {
        let span = self.span();
        let op = if self.is_punct("-") {
            UnaryOp::Neg
        } else if self.is_word("not") {
            UnaryOp::Not
        } else {
            return self.postfix();
        };
        self.bump();
        let operand = match op {
            UnaryOp::Neg => {
                self.enter()?;
                let e = self.unary()?;
                self.depth -= 1;
                e
            }
            UnaryOp::Not => self.binary(NOT_PRECEDENCE)?,
        };
        self.tree(1 + self.tree_depth, span)?;
        Ok(Expr { kind: ExprKind::Unary { op, operand: Box::new(operand) }, span })
    }

    fn postfix(&mut self) -> Result<Expr> {
        let mut e = self.atom()?;
        while self.is_punct("[") {
            self.bump();
            let span = e.span;
            let mut depth = self.tree_depth;
            let start = if self.is_punct(":") { None } else { Some(Box::new(self.expr()?)) };
            if start.is_some() {
                depth = depth.max(self.tree_depth);
            }
            if self.is_punct(":") {
                self.bump();
                let end = if self.is_punct("]") { None } else { Some(Box::new(self.expr()?)) };
                if end.is_some() {
                    depth = depth.max(self.tree_depth);
                }
                self.punct("]")?;
                e = Expr { kind: ExprKind::Slice { base: Box::new(e), start, end }, span };
            } else {
                self.punct("]")?;
                let index = start.ok_or_else(|| self.unexpected("an index"))?;
                e = Expr { kind: ExprKind::Index { base: Box::new(e), index }, span };
            }
            self.tree(1 + depth, span)?;
        }
        Ok(e)
    }

    fn atom(&mut self) -> Result<Expr> {
        let span = self.span();
        let mut inner = 0; // the depth of the deepest part
        let kind = match self.peek().clone() {
            Tok::Int(v) => {
                self.bump();
                ExprKind::Number(Number::Int(v))
            }
            Tok::Float(v) => {
                self.bump();
                ExprKind::Number(Number::Float(v))
            }
            Tok::Punct("(") => {
                self.bump();
                let e = self.expr()?;
                self.punct(")")?;
                return Ok(Expr { kind: e.kind, span });
            }
            Tok::Punct("[") => {
                self.bump();
                if self.is_punct("]") {
                    self.bump();
                    ExprKind::List(Vec::new())
                } else {
                    let first = self.expr()?;
                    inner = self.tree_depth;
                    if self.is_word("for") {
                        self.bump();
                        let (var, _) = self.name("the loop variable")?;
                        self.word("in")?;
                        let (start, end) = self.range()?;
                        inner = inner.max(self.tree_depth);
                        self.punct("]")?;
                        ExprKind::Comprehension { element: Box::new(first), var, start: start.map(Box::new), end: Box::new(end) }
                    } else {
                        let mut items = vec![first];
                        while self.is_punct(",") {
                            self.bump();
                            if self.is_punct("]") {
                                break;
                            }
                            items.push(self.expr()?);
                            inner = inner.max(self.tree_depth);
                        }
                        self.punct("]")?;
                        ExprKind::List(items)
                    }
                }
            }
            Tok::Ident(w) if w == "parties" => {
                self.bump();
                ExprKind::Name(w)
            }
            Tok::Ident(_) => {
                let (name, _) = self.name("a value")?;
                if self.is_punct("(") {
                    self.bump();
                    let mut args: Vec<Expr> = Vec::new();
                    while !self.is_punct(")") {
                        let keyword = match (self.peek(), self.toks.get(self.pos + 1)) {
                            (Tok::Ident(k), Some((Tok::Punct("="), _))) if !KEYWORDS.contains(&k.as_str()) => Some(k.clone()),
                            _ => None,
                        };
                        if let Some(k) = keyword {
                            let at = self.bump().1;
                            self.bump();
                            if args.iter().any(|a| matches!(&a.kind, ExprKind::Keyword { name, .. } if *name == k)) {
                                return Err(Error::new(at, format!("the keyword argument `{k}` is given twice")));
                            }
                            let value = Box::new(self.expr()?);
                            args.push(Expr { kind: ExprKind::Keyword { name: k, value }, span: at });
                        } else {
                            if args.iter().any(|a| matches!(a.kind, ExprKind::Keyword { .. })) {
                                return Err(Error::new(self.span(), "a positional argument cannot follow a keyword argument (`NAME=…`)"));
                            }
                            args.push(self.expr()?);
                        }
                        inner = inner.max(self.tree_depth);
                        if !self.is_punct(",") {
                            break;
                        }
                        self.bump();
                    }
                    self.punct(")")?;
                    ExprKind::Call { func: name, args }
                } else {
                    ExprKind::Name(name)
                }
            }
            _ => return Err(self.unexpected("a value")),
        };
        self.tree(1 + inner, span)?;
        Ok(Expr { kind, span })
    }
}
