//! The JSON form of a program, read and written by hand.
//!
//! The form is the syntax tree with externally tagged enums: a variant
//! without a value is its name as a string (`"each"`, `"add"`), any other is
//! an object with one key, its name (`{"let": {"name": "x", "value": …}}`).
//! Field and variant names are snake case; an object has exactly the fields
//! of its node (an optional one may be `null` or absent); source positions
//! are not part of the form. Integers are JSON numbers up to 2^53 − 1 in
//! magnitude and strings of decimal digits beyond (`{"int":
//! "170141183460469231731687303715884105727"}`): JavaScript's numbers are
//! exact only that far. The writer lays the JSON out as `serde_json`'s
//! pretty printer does (two spaces, `"key": value`).
//!
//! The reader works on [`serde_json::Value`] rather than a derived
//! `Deserialize`, whose code for this tree was about 23 KB of the browser's
//! compressed WebAssembly; `serde_json`'s parser refuses nesting deeper than
//! 128, which bounds the reader's recursion.

use core::fmt::Write as _;

use serde_json::{Map, Value};

use crate::ast::*;
use crate::error::{Error, Result};

/// The largest magnitude written as a JSON number: JavaScript's
/// `Number.MAX_SAFE_INTEGER`, 2^53 − 1.
const MAX_SAFE_INTEGER: u128 = (1 << 53) - 1;

// ---------------------------------------------------------------------------
// Reading

/// Reads a program in the JSON form; an error says where in the tree the
/// problem is (`body[2].let.value: unknown field …`).
pub(crate) fn read(json: &str) -> Result<Program> {
    let not = |e: &dyn core::fmt::Display| Error::general(format!("not a program in the JSON syntax: {e}"));
    let value: Value = serde_json::from_str(json).map_err(|e| not(&e))?;
    let mut reader = Reader { first: None };
    let program = reader.program(&value, &At::ROOT);
    match reader.first {
        None => Ok(program),
        Some(e) => Err(not(&e)),
    }
}

/// Where a value is in the tree: a chain of keys up to the root.
struct At<'a> {
    up: Option<&'a At<'a>>,
    key: Key<'a>,
}

enum Key<'a> {
    Root,
    Field(&'a str),
    Index(usize),
}

impl<'a> At<'a> {
    const ROOT: At<'static> = At { up: None, key: Key::Root };

    fn field(&'a self, name: &'a str) -> At<'a> {
        At { up: Some(self), key: Key::Field(name) }
    }

    fn index(&'a self, i: usize) -> At<'a> {
        At { up: Some(self), key: Key::Index(i) }
    }

    /// The path from the root (`body[2].let.value`), empty at the root.
    fn path(&self) -> String {
        let mut keys = Vec::new();
        let mut at = Some(self);
        while let Some(a) = at {
            keys.push(&a.key);
            at = a.up;
        }
        let mut path = String::new();
        for key in keys.into_iter().rev() {
            match key {
                Key::Root => {}
                Key::Field(name) => {
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(name);
                }
                Key::Index(i) => {
                    let _ = write!(path, "[{i}]");
                }
            }
        }
        path
    }
}

static NULL: Value = Value::Null;

/// What a JSON value is, for errors.
fn found(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("`{b}`"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(_) => "a string".into(),
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
}

/// A key or variant name from the input, for an error: quoted if short and
/// free of characters that could disguise the message.
fn quoted(s: &str) -> String {
    match s.chars().find_map(cohort_text::hidden_character) {
        Some(hidden) => format!("a name containing {hidden}"),
        None if s.chars().count() > 40 => format!("a name of {} characters", s.chars().count()),
        None => format!("`{s}`"),
    }
}

/// `` `a`, `b`, `c` ``.
fn one_of(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    quoted.join(", ")
}

/// An object being read, and where it is; no map if it was not an object.
struct Object<'v, 'a> {
    map: Option<&'v Map<String, Value>>,
    at: &'a At<'a>,
}

/// Reads the tree, keeping the first error and going on with placeholders
/// (which keeps the reader small: no value is dropped half built).
struct Reader {
    first: Option<String>,
}

impl Reader {
    /// Records an error at `at` unless there is one already.
    fn fail(&mut self, at: &At<'_>, message: String) {
        if self.first.is_none() {
            let path = at.path();
            self.first = Some(if path.is_empty() { message } else { format!("{path}: {message}") });
        }
    }

    /// An object with the given fields (any absent ones are found missing when read).
    fn object<'v, 'a>(&mut self, v: &'v Value, at: &'a At<'a>, fields: &[&str]) -> Object<'v, 'a> {
        let Value::Object(map) = v else {
            self.fail(at, format!("expected an object with the fields {}, found {}", one_of(fields), found(v)));
            return Object { map: None, at };
        };
        if let Some(unknown) = map.keys().find(|k| !fields.contains(&k.as_str())) {
            self.fail(at, format!("unknown field {}, expected one of {}", quoted(unknown), one_of(fields)));
        }
        Object { map: Some(map), at }
    }

    /// A field that must be present.
    fn get<T>(&mut self, o: &Object<'_, '_>, name: &str, read: fn(&mut Self, &Value, &At<'_>) -> T) -> T {
        let v = self.lookup(o, name);
        read(self, v, &o.at.field(name))
    }

    /// A field's value; `null` if it is missing (an error) or not in an object.
    fn lookup<'v>(&mut self, o: &Object<'v, '_>, name: &str) -> &'v Value {
        match o.map {
            Some(map) => map.get(name).unwrap_or_else(|| {
                self.fail(o.at, format!("missing field `{name}`"));
                &NULL
            }),
            None => &NULL,
        }
    }

    /// A field that may be absent or `null`.
    fn opt<T>(&mut self, o: &Object<'_, '_>, name: &str, read: fn(&mut Self, &Value, &At<'_>) -> T) -> Option<T> {
        match o.map?.get(name)? {
            Value::Null => None,
            v => Some(read(self, v, &o.at.field(name))),
        }
    }

    /// An externally tagged enum's variant name, one of `kinds`, and its
    /// value (none for a bare string); an empty name if it is neither.
    fn variant<'v>(&mut self, v: &'v Value, at: &At<'_>, kinds: &[&str]) -> (&'v str, Option<&'v Value>) {
        let (tag, value) = match v {
            Value::String(tag) => (tag, None),
            Value::Object(map) => match (map.len(), map.iter().next()) {
                (1, Some((tag, value))) => (tag, Some(value)),
                (n, _) => {
                    let n = if n == 0 { "an empty object".to_string() } else { format!("{n} keys") };
                    self.fail(at, format!("expected an object with one key, the kind (one of {}), found {n}", one_of(kinds)));
                    return ("", None);
                }
            },
            _ => {
                self.fail(at, format!("expected one of {}, found {}", one_of(kinds), found(v)));
                return ("", None);
            }
        };
        if kinds.contains(&tag.as_str()) {
            (tag, value)
        } else {
            self.unknown_variant(at, tag, kinds);
            ("", None)
        }
    }

    /// A variant of an enum whose variants all have a value: its name (empty
    /// if none of `kinds`) and its value.
    fn tagged<'v>(&mut self, v: &'v Value, at: &At<'_>, kinds: &[&str]) -> (&'v str, &'v Value) {
        match self.variant(v, at, kinds) {
            ("", _) => ("", &NULL),
            (tag, Some(value)) => (tag, value),
            (tag, None) => {
                self.takes_value(at, tag);
                (tag, &NULL)
            }
        }
    }

    fn takes_value(&mut self, at: &At<'_>, tag: &str) {
        self.fail(at, format!("`{tag}` takes a value: write {{\"{tag}\": …}}"));
    }

    fn unknown_variant(&mut self, at: &At<'_>, tag: &str, kinds: &[&str]) {
        self.fail(at, format!("unknown variant {}, expected one of {}", quoted(tag), one_of(kinds)));
    }

    /// A variant without a value is written as its name alone.
    fn unit(&mut self, value: Option<&Value>, at: &At<'_>, tag: &str) {
        if value.is_some() {
            self.fail(at, format!("`{tag}` takes no value: write \"{tag}\""));
        }
    }

    /// An enum whose variants have no value, written as a string.
    fn name_of<T: Copy>(&mut self, v: &Value, at: &At<'_>, table: &[(&str, T)]) -> T {
        if let Some((_, t)) = table.iter().find(|(n, _)| v.as_str() == Some(n)) {
            return *t;
        }
        let names: Vec<&str> = table.iter().map(|(n, _)| *n).collect();
        match v {
            Value::String(s) => self.unknown_variant(at, s, &names),
            _ => self.fail(at, format!("expected one of {}, found {}", one_of(&names), found(v))),
        }
        table[0].1
    }

    fn string(&mut self, v: &Value, at: &At<'_>) -> String {
        match v {
            Value::String(s) => s.clone(),
            _ => {
                self.fail(at, format!("expected a string, found {}", found(v)));
                String::new()
            }
        }
    }

    fn boolean(&mut self, v: &Value, at: &At<'_>) -> bool {
        v.as_bool().unwrap_or_else(|| {
            self.fail(at, format!("expected `true` or `false`, found {}", found(v)));
            false
        })
    }

    fn uint(&mut self, v: &Value, at: &At<'_>) -> u32 {
        v.as_u64().and_then(|n| u32::try_from(n).ok()).unwrap_or_else(|| {
            self.fail(at, format!("expected a whole number from 0 to {}, found {}", u32::MAX, found(v)));
            0
        })
    }

    /// An integer: a JSON number `serde_json` holds exactly (within 64
    /// bits), or a string of decimal digits. Returns whether it is negative
    /// and its magnitude.
    fn wide(&mut self, v: &Value, at: &At<'_>) -> (bool, u128) {
        let message = match v {
            Value::Number(n) => match (n.as_u64(), n.as_i64()) {
                (Some(u), _) => return (false, u.into()),
                (None, Some(i)) => return (i < 0, i.unsigned_abs().into()),
                _ => format!(
                    "expected an integer, found the number {n}, which has a fraction or an exponent or is beyond 64 bits: \
                     write an integer as a string of its decimal digits, as in \"18446744073709551616\""
                ),
            },
            Value::String(s) => {
                let (neg, digits) = match s.strip_prefix('-') {
                    Some(rest) => (true, rest),
                    None => (false, s.as_str()),
                };
                let mut magnitude: Option<u128> = Some(0);
                for b in digits.bytes() {
                    magnitude = magnitude.and_then(|m| m.checked_mul(10)).and_then(|m| m.checked_add(u128::from(b.wrapping_sub(b'0'))));
                }
                if digits.is_empty()
                    || !digits.bytes().all(|b| b.is_ascii_digit())
                    || (digits.starts_with('0') && (neg || digits.len() > 1))
                {
                    "expected a string of decimal digits with an optional `-` and no leading zeros, as in \"-12\"".to_string()
                } else if let Some(m) = magnitude {
                    return (neg, m);
                } else {
                    format!("the integer {} is too large", short(s))
                }
            }
            _ => format!("expected an integer (a number, or a string of digits), found {}", found(v)),
        };
        self.fail(at, message);
        (false, 0)
    }

    fn int(&mut self, v: &Value, at: &At<'_>) -> i128 {
        let (neg, magnitude) = self.wide(v, at);
        let n = if neg { 0i128.checked_sub_unsigned(magnitude) } else { i128::try_from(magnitude).ok() };
        n.unwrap_or_else(|| {
            self.fail(at, "the integer is out of range: integers are from -2^127 to 2^127 − 1".into());
            0
        })
    }

    fn modulus(&mut self, v: &Value, at: &At<'_>) -> u128 {
        match self.wide(v, at) {
            (true, _) => {
                self.fail(at, "a modulus cannot be negative".into());
                0
            }
            (false, magnitude) => magnitude,
        }
    }

    fn float(&mut self, v: &Value, at: &At<'_>) -> f64 {
        v.as_f64().unwrap_or_else(|| {
            self.fail(at, format!("expected a number, found {}", found(v)));
            0.0
        })
    }

    fn list<T>(&mut self, v: &Value, at: &At<'_>, read: fn(&mut Self, &Value, &At<'_>) -> T) -> Vec<T> {
        let items = self.array(v, at);
        let mut list = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            list.push(read(self, item, &at.index(i)));
        }
        list
    }

    /// An array's items; none if it is not an array (an error).
    fn array<'v>(&mut self, v: &'v Value, at: &At<'_>) -> &'v [Value] {
        match v {
            Value::Array(items) => items,
            _ => {
                self.fail(at, format!("expected an array, found {}", found(v)));
                &[]
            }
        }
    }

    fn program(&mut self, v: &Value, at: &At<'_>) -> Program {
        let o = self.object(v, at, &["name", "parties", "body"]);
        Program {
            name: self.get(&o, "name", Self::string),
            parties: self.get(&o, "parties", Self::parties),
            body: self.get(&o, "body", Self::stmts),
        }
    }

    fn parties(&mut self, v: &Value, at: &At<'_>) -> Parties {
        let o = self.object(v, at, &["min", "max"]);
        Parties { min: self.get(&o, "min", Self::uint), max: self.opt(&o, "max", Self::uint) }
    }

    fn stmts(&mut self, v: &Value, at: &At<'_>) -> Vec<Stmt> {
        self.list(v, at, Self::stmt)
    }

    fn stmt(&mut self, v: &Value, up: &At<'_>) -> Stmt {
        let (tag, body) = self.tagged(v, up, STMTS);
        let at = &up.field(tag);
        let kind = match tag {
            "role" => {
                let o = self.object(body, at, &["name", "party"]);
                StmtKind::Role { name: self.get(&o, "name", Self::string), party: self.get(&o, "party", Self::uint) }
            }
            "type" => {
                let o = self.object(body, at, &["name", "ty"]);
                StmtKind::Type { name: self.get(&o, "name", Self::string), ty: self.get(&o, "ty", Self::type_expr) }
            }
            "input" => {
                let o = self.object(body, at, &["name", "ty", "len", "from", "typed", "bounds"]);
                StmtKind::Input(Input {
                    name: self.get(&o, "name", Self::string),
                    ty: self.get(&o, "ty", Self::type_expr),
                    len: self.opt(&o, "len", Self::uint),
                    from: self.get(&o, "from", Self::source),
                    typed: self.get(&o, "typed", Self::boolean),
                    bounds: self.opt(&o, "bounds", Self::bounds),
                })
            }
            "let" | "assign" => {
                let o = self.object(body, at, &["name", "value"]);
                let (name, value) = (self.get(&o, "name", Self::string), self.get(&o, "value", Self::expr));
                if tag == "let" { StmtKind::Let { name, value } } else { StmtKind::Assign { name, value } }
            }
            "for" => {
                let o = self.object(body, at, &["var", "start", "end", "body"]);
                StmtKind::For {
                    var: self.get(&o, "var", Self::string),
                    start: self.opt(&o, "start", Self::expr),
                    end: self.get(&o, "end", Self::expr),
                    body: self.get(&o, "body", Self::stmts),
                }
            }
            "if" => {
                let o = self.object(body, at, &["cond", "then", "otherwise"]);
                StmtKind::If {
                    cond: self.get(&o, "cond", Self::expr),
                    then: self.get(&o, "then", Self::stmts),
                    otherwise: self.get(&o, "otherwise", Self::stmts),
                }
            }
            "reveal" => {
                let o = self.object(body, at, &["name", "value", "to"]);
                StmtKind::Reveal {
                    name: self.get(&o, "name", Self::string),
                    value: self.opt(&o, "value", Self::expr),
                    to: self.get(&o, "to", Self::receivers),
                }
            }
            _ => StmtKind::Reveal { name: String::new(), value: None, to: Receivers::All },
        };
        Stmt { kind, span: Span::default() }
    }

    fn bounds(&mut self, v: &Value, at: &At<'_>) -> Bounds {
        let o = self.object(v, at, &["min", "max"]);
        Bounds { min: self.get(&o, "min", Self::number), max: self.get(&o, "max", Self::number) }
    }

    fn source(&mut self, v: &Value, up: &At<'_>) -> Source {
        let (tag, body) = self.variant(v, up, SOURCES);
        let at = &up.field(tag);
        match tag {
            "each" => self.unit(body, at, tag),
            "role" => match body {
                Some(body) => return Source::Role(self.string(body, at)),
                None => self.takes_value(up, tag),
            },
            _ => {}
        }
        Source::Each
    }

    fn receivers(&mut self, v: &Value, up: &At<'_>) -> Receivers {
        let (tag, body) = self.variant(v, up, RECEIVERS);
        let at = &up.field(tag);
        match tag {
            "all" => self.unit(body, at, tag),
            "each" => {
                self.unit(body, at, tag);
                return Receivers::Each;
            }
            "roles" => match body {
                Some(body) => return Receivers::Roles(self.list(body, at, Self::string)),
                None => self.takes_value(up, tag),
            },
            _ => {}
        }
        Receivers::All
    }

    fn type_expr(&mut self, v: &Value, up: &At<'_>) -> TypeExpr {
        let (tag, body) = self.tagged(v, up, TYPES);
        let at = &up.field(tag);
        match tag {
            "secint" => {
                let o = self.object(body, at, &["bits"]);
                TypeExpr::Secint { bits: self.get(&o, "bits", Self::uint) }
            }
            "secfxp" => {
                let o = self.object(body, at, &["bits", "frac"]);
                TypeExpr::Secfxp { bits: self.get(&o, "bits", Self::uint), frac: self.get(&o, "frac", Self::uint) }
            }
            "secfld" => {
                let o = self.object(body, at, &["modulus"]);
                TypeExpr::Secfld { modulus: self.get(&o, "modulus", Self::modulus) }
            }
            "named" => TypeExpr::Named(self.string(body, at)),
            _ => TypeExpr::Named(String::new()),
        }
    }

    fn number(&mut self, v: &Value, up: &At<'_>) -> Number {
        let (tag, body) = self.tagged(v, up, NUMBERS);
        let at = &up.field(tag);
        match tag {
            "int" => Number::Int(self.int(body, at)),
            "float" => Number::Float(self.float(body, at)),
            _ => Number::Int(0),
        }
    }

    fn expr(&mut self, v: &Value, up: &At<'_>) -> Expr {
        let (tag, body) = self.tagged(v, up, EXPRS);
        let at = &up.field(tag);
        let kind = match tag {
            "number" => ExprKind::Number(self.number(body, at)),
            "name" => ExprKind::Name(self.string(body, at)),
            "unary" => {
                let o = self.object(body, at, &["op", "operand"]);
                ExprKind::Unary {
                    op: self.get(&o, "op", |r, v, at| r.name_of(v, at, UNARY)),
                    operand: self.get(&o, "operand", Self::boxed),
                }
            }
            "binary" => {
                let o = self.object(body, at, &["op", "left", "right"]);
                ExprKind::Binary {
                    op: self.get(&o, "op", |r, v, at| r.name_of(v, at, BINARY)),
                    left: self.get(&o, "left", Self::boxed),
                    right: self.get(&o, "right", Self::boxed),
                }
            }
            "call" => {
                let o = self.object(body, at, &["func", "args"]);
                ExprKind::Call { func: self.get(&o, "func", Self::string), args: self.get(&o, "args", Self::exprs) }
            }
            "index" => {
                let o = self.object(body, at, &["base", "index"]);
                ExprKind::Index { base: self.get(&o, "base", Self::boxed), index: self.get(&o, "index", Self::boxed) }
            }
            "slice" => {
                let o = self.object(body, at, &["base", "start", "end"]);
                ExprKind::Slice {
                    base: self.get(&o, "base", Self::boxed),
                    start: self.opt(&o, "start", Self::boxed),
                    end: self.opt(&o, "end", Self::boxed),
                }
            }
            "list" => ExprKind::List(self.exprs(body, at)),
            "comprehension" => {
                let o = self.object(body, at, &["element", "var", "start", "end"]);
                ExprKind::Comprehension {
                    element: self.get(&o, "element", Self::boxed),
                    var: self.get(&o, "var", Self::string),
                    start: self.opt(&o, "start", Self::boxed),
                    end: self.get(&o, "end", Self::boxed),
                }
            }
            "keyword" => {
                let o = self.object(body, at, &["name", "value"]);
                ExprKind::Keyword { name: self.get(&o, "name", Self::string), value: self.get(&o, "value", Self::boxed) }
            }
            _ => ExprKind::Name(String::new()),
        };
        Expr { kind, span: Span::default() }
    }

    fn boxed(&mut self, v: &Value, at: &At<'_>) -> Box<Expr> {
        Box::new(self.expr(v, at))
    }

    fn exprs(&mut self, v: &Value, at: &At<'_>) -> Vec<Expr> {
        self.list(v, at, Self::expr)
    }
}

/// A string of digits for an error message, shortened if long.
fn short(s: &str) -> String {
    if s.len() <= 50 { s.to_string() } else { format!("{}… ({} digits)", s.get(..40).unwrap_or(s), s.len()) }
}

const STMTS: &[&str] = &["role", "type", "input", "let", "assign", "for", "if", "reveal"];
const SOURCES: &[&str] = &["each", "role"];
const RECEIVERS: &[&str] = &["all", "each", "roles"];
const TYPES: &[&str] = &["secint", "secfxp", "secfld", "named"];
const NUMBERS: &[&str] = &["int", "float"];
const EXPRS: &[&str] = &["number", "name", "unary", "binary", "call", "index", "slice", "list", "comprehension", "keyword"];

const UNARY: &[(&str, UnaryOp)] = &[("neg", UnaryOp::Neg), ("not", UnaryOp::Not)];

const BINARY: &[(&str, BinaryOp)] = &[
    ("add", BinaryOp::Add),
    ("sub", BinaryOp::Sub),
    ("mul", BinaryOp::Mul),
    ("div", BinaryOp::Div),
    ("floor_div", BinaryOp::FloorDiv),
    ("mod", BinaryOp::Mod),
    ("shl", BinaryOp::Shl),
    ("shr", BinaryOp::Shr),
    ("lt", BinaryOp::Lt),
    ("le", BinaryOp::Le),
    ("gt", BinaryOp::Gt),
    ("ge", BinaryOp::Ge),
    ("eq", BinaryOp::Eq),
    ("ne", BinaryOp::Ne),
    ("and", BinaryOp::And),
    ("or", BinaryOp::Or),
];

// ---------------------------------------------------------------------------
// Writing

/// The program in the JSON form, laid out as `serde_json`'s pretty printer does.
pub(crate) fn write(program: &Program) -> String {
    let mut w = Writer { out: String::new(), depth: 0, fresh: false };
    w.open('{');
    w.key("name");
    w.string(&program.name);
    w.key("parties");
    w.open('{');
    w.key("min");
    w.uint(program.parties.min);
    w.key("max");
    match program.parties.max {
        Some(max) => w.uint(max),
        None => w.null(),
    }
    w.close('}');
    w.key("body");
    w.stmts(&program.body);
    w.close('}');
    w.out
}

struct Writer {
    out: String,
    /// How many objects and arrays are open.
    depth: usize,
    /// Whether the innermost open object or array has nothing in it yet.
    fresh: bool,
}

impl Writer {
    fn open(&mut self, bracket: char) {
        self.out.push(bracket);
        self.depth += 1;
        self.fresh = true;
    }

    fn close(&mut self, bracket: char) {
        self.depth -= 1;
        if !self.fresh {
            self.newline();
        }
        self.fresh = false;
        self.out.push(bracket);
    }

    fn newline(&mut self) {
        self.out.push('\n');
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
    }

    /// Before an array's element.
    fn item(&mut self) {
        if !self.fresh {
            self.out.push(',');
        }
        self.fresh = false;
        self.newline();
    }

    fn key(&mut self, key: &str) {
        self.item();
        self.string(key);
        self.out.push_str(": ");
    }

    /// Opens `{"tag": ` for a variant with a value; `close('}')` ends it.
    fn variant(&mut self, tag: &str) {
        self.open('{');
        self.key(tag);
    }

    /// A struct variant: `{"tag": {` with the fields to follow and `end()` after them.
    fn fields(&mut self, tag: &str) {
        self.variant(tag);
        self.open('{');
    }

    fn end(&mut self) {
        self.close('}');
        self.close('}');
    }

    /// A string, escaped as `serde_json` escapes it.
    fn string(&mut self, s: &str) {
        self.out.push('"');
        for c in s.chars() {
            match c {
                '"' => self.out.push_str("\\\""),
                '\\' => self.out.push_str("\\\\"),
                '\n' => self.out.push_str("\\n"),
                '\r' => self.out.push_str("\\r"),
                '\t' => self.out.push_str("\\t"),
                '\u{8}' => self.out.push_str("\\b"),
                '\u{c}' => self.out.push_str("\\f"),
                c if c < ' ' => {
                    let _ = write!(self.out, "\\u{:04x}", c as u32);
                }
                c => self.out.push(c),
            }
        }
        self.out.push('"');
    }

    fn null(&mut self) {
        self.out.push_str("null");
    }

    fn uint(&mut self, n: u32) {
        let _ = write!(self.out, "{n}");
    }

    /// An integer: a JSON number up to 2^53 − 1 in magnitude, else a string of digits.
    fn wide(&mut self, negative: bool, magnitude: u128) {
        let sign = if negative { "-" } else { "" };
        if magnitude <= MAX_SAFE_INTEGER {
            let _ = write!(self.out, "{sign}{magnitude}");
        } else {
            let _ = write!(self.out, "\"{sign}{magnitude}\"");
        }
    }

    /// A decimal number as `serde_json` writes it (`null` if not finite).
    fn float(&mut self, x: f64) {
        match serde_json::Number::from_f64(x) {
            Some(n) => {
                let _ = write!(self.out, "{n}");
            }
            None => self.null(),
        }
    }

    fn stmts(&mut self, stmts: &[Stmt]) {
        self.open('[');
        for s in stmts {
            self.item();
            self.stmt(s);
        }
        self.close(']');
    }

    fn stmt(&mut self, stmt: &Stmt) {
        match &stmt.kind {
            StmtKind::Role { name, party } => {
                self.fields("role");
                self.key("name");
                self.string(name);
                self.key("party");
                self.uint(*party);
            }
            StmtKind::Type { name, ty } => {
                self.fields("type");
                self.key("name");
                self.string(name);
                self.key("ty");
                self.type_expr(ty);
            }
            StmtKind::Input(input) => {
                self.fields("input");
                self.key("name");
                self.string(&input.name);
                self.key("ty");
                self.type_expr(&input.ty);
                self.key("len");
                match input.len {
                    Some(len) => self.uint(len),
                    None => self.null(),
                }
                self.key("from");
                match &input.from {
                    Source::Each => self.string("each"),
                    Source::Role(role) => {
                        self.variant("role");
                        self.string(role);
                        self.close('}');
                    }
                }
                self.key("typed");
                self.out.push_str(if input.typed { "true" } else { "false" });
                self.key("bounds");
                match &input.bounds {
                    Some(b) => {
                        self.open('{');
                        self.key("min");
                        self.number(&b.min);
                        self.key("max");
                        self.number(&b.max);
                        self.close('}');
                    }
                    None => self.null(),
                }
            }
            StmtKind::Let { name, value } | StmtKind::Assign { name, value } => {
                self.fields(if matches!(stmt.kind, StmtKind::Let { .. }) { "let" } else { "assign" });
                self.key("name");
                self.string(name);
                self.key("value");
                self.expr(value);
            }
            StmtKind::For { var, start, end, body } => {
                self.fields("for");
                self.key("var");
                self.string(var);
                self.key("start");
                self.opt_expr(start.as_ref());
                self.key("end");
                self.expr(end);
                self.key("body");
                self.stmts(body);
            }
            StmtKind::If { cond, then, otherwise } => {
                self.fields("if");
                self.key("cond");
                self.expr(cond);
                self.key("then");
                self.stmts(then);
                self.key("otherwise");
                self.stmts(otherwise);
            }
            StmtKind::Reveal { name, value, to } => {
                self.fields("reveal");
                self.key("name");
                self.string(name);
                self.key("value");
                self.opt_expr(value.as_ref());
                self.key("to");
                match to {
                    Receivers::All => self.string("all"),
                    Receivers::Each => self.string("each"),
                    Receivers::Roles(roles) => {
                        self.variant("roles");
                        self.open('[');
                        for role in roles {
                            self.item();
                            self.string(role);
                        }
                        self.close(']');
                        self.close('}');
                    }
                }
            }
        }
        self.end();
    }

    fn type_expr(&mut self, ty: &TypeExpr) {
        match ty {
            TypeExpr::Secint { bits } => {
                self.fields("secint");
                self.key("bits");
                self.uint(*bits);
                self.end();
            }
            TypeExpr::Secfxp { bits, frac } => {
                self.fields("secfxp");
                self.key("bits");
                self.uint(*bits);
                self.key("frac");
                self.uint(*frac);
                self.end();
            }
            TypeExpr::Secfld { modulus } => {
                self.fields("secfld");
                self.key("modulus");
                self.wide(false, *modulus);
                self.end();
            }
            TypeExpr::Named(name) => {
                self.variant("named");
                self.string(name);
                self.close('}');
            }
        }
    }

    fn number(&mut self, n: &Number) {
        match *n {
            Number::Int(v) => {
                self.variant("int");
                self.wide(v < 0, v.unsigned_abs());
            }
            Number::Float(x) => {
                self.variant("float");
                self.float(x);
            }
        }
        self.close('}');
    }

    fn opt_expr(&mut self, e: Option<&Expr>) {
        match e {
            Some(e) => self.expr(e),
            None => self.null(),
        }
    }

    fn expr(&mut self, e: &Expr) {
        match &e.kind {
            ExprKind::Number(n) => {
                self.variant("number");
                self.number(n);
                self.close('}');
            }
            ExprKind::Name(name) => {
                self.variant("name");
                self.string(name);
                self.close('}');
            }
            ExprKind::Unary { op, operand } => {
                self.fields("unary");
                self.key("op");
                self.string(UNARY.iter().find(|(_, o)| o == op).map_or("", |(n, _)| n));
                self.key("operand");
                self.expr(operand);
                self.end();
            }
            ExprKind::Binary { op, left, right } => {
                self.fields("binary");
                self.key("op");
                self.string(BINARY.iter().find(|(_, o)| o == op).map_or("", |(n, _)| n));
                self.key("left");
                self.expr(left);
                self.key("right");
                self.expr(right);
                self.end();
            }
            ExprKind::Call { func, args } => {
                self.fields("call");
                self.key("func");
                self.string(func);
                self.key("args");
                self.exprs(args);
                self.end();
            }
            ExprKind::Index { base, index } => {
                self.fields("index");
                self.key("base");
                self.expr(base);
                self.key("index");
                self.expr(index);
                self.end();
            }
            ExprKind::Slice { base, start, end } => {
                self.fields("slice");
                self.key("base");
                self.expr(base);
                self.key("start");
                self.opt_expr(start.as_deref());
                self.key("end");
                self.opt_expr(end.as_deref());
                self.end();
            }
            ExprKind::List(items) => {
                self.variant("list");
                self.exprs(items);
                self.close('}');
            }
            ExprKind::Keyword { name, value } => {
                self.fields("keyword");
                self.key("name");
                self.string(name);
                self.key("value");
                self.expr(value);
                self.end();
            }
            ExprKind::Comprehension { element, var, start, end } => {
                self.fields("comprehension");
                self.key("element");
                self.expr(element);
                self.key("var");
                self.string(var);
                self.key("start");
                self.opt_expr(start.as_deref());
                self.key("end");
                self.expr(end);
                self.end();
            }
        }
    }

    fn exprs(&mut self, items: &[Expr]) {
        self.open('[');
        for e in items {
            self.item();
            self.expr(e);
        }
        self.close(']');
    }
}

#[cfg(test)]
mod tests {
    use super::Writer;

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        let mut all: String = (0u32..0x100).filter_map(char::from_u32).collect();
        all.push_str("–ü\u{2028}\u{202e}\u{feff}😀\\\"/");
        for s in [all.as_str(), "", "plain", "\"", "\\", "\u{7f}"] {
            let mut w = Writer { out: String::new(), depth: 0, fresh: false };
            w.string(s);
            assert_eq!(w.out, serde_json::to_string(s).unwrap(), "{s:?}");
        }
    }

    #[test]
    fn floats_are_written_as_serde_json_writes_them() {
        for x in [0.0, -0.0, 1.0, 2.5, -1.5, 0.1, 1e-7, 1e20, 1e300, 123456.789, f64::MAX, f64::MIN_POSITIVE, f64::NAN, f64::INFINITY] {
            let mut w = Writer { out: String::new(), depth: 0, fresh: false };
            w.float(x);
            assert_eq!(w.out, serde_json::to_string(&x).unwrap(), "{x:?}");
        }
    }
}
