//! The canonical text of a program: one statement per line, four spaces per
//! block, no comments, minimal parentheses. Parsing it gives back the same
//! tree, so it is what the program hash is taken over.

use core::fmt::Write;

use crate::ast::*;

/// The canonical text of `program`.
pub(crate) fn canonical(program: &Program) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "program {}", quote(&program.name));
    let Parties { min, max } = program.parties;
    let _ = match max {
        Some(max) if max == min => writeln!(out, "parties {min}"),
        Some(max) => writeln!(out, "parties {min} to {max}"),
        None => writeln!(out, "parties {min} or more"),
    };
    out.push('\n');
    block(&mut out, &program.body, 0);
    out
}

fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn block(out: &mut String, stmts: &[Stmt], depth: usize) {
    for s in stmts {
        stmt(out, s, depth);
    }
}

fn stmt(out: &mut String, s: &Stmt, depth: usize) {
    let pad = "    ".repeat(depth);
    out.push_str(&pad);
    let _ = match &s.kind {
        StmtKind::Role { name, party } => writeln!(out, "role {name} = party {party}"),
        StmtKind::Type { name, ty } => writeln!(out, "type {name} = {}", type_expr(ty)),
        StmtKind::Input(i) => {
            let mut line = format!("input {}: {}", i.name, type_expr(&i.ty));
            if let Some(n) = i.len {
                let _ = write!(line, "[{n}]");
            }
            match &i.from {
                Source::Each => line.push_str(" from each"),
                Source::Role(r) => {
                    let _ = write!(line, " from {r}");
                }
            }
            if i.typed {
                line.push_str(" typed");
            }
            if let Some(b) = &i.bounds {
                let _ = write!(line, " between {} and {}", number(b.min), number(b.max));
            }
            writeln!(out, "{line}")
        }
        StmtKind::Let { name, value } => writeln!(out, "let {name} = {}", expr(value)),
        StmtKind::Assign { name, value } => writeln!(out, "{name} = {}", expr(value)),
        StmtKind::For { var, start, end, body } => {
            let _ = writeln!(out, "for {var} in {}:", range(start.as_ref(), end));
            block(out, body, depth + 1);
            Ok(())
        }
        StmtKind::If { cond, then, otherwise } => {
            let _ = writeln!(out, "if {}:", expr(cond));
            block(out, then, depth + 1);
            if !otherwise.is_empty() {
                let _ = writeln!(out, "{pad}else:");
                block(out, otherwise, depth + 1);
            }
            Ok(())
        }
        StmtKind::Reveal { name, value, to } => {
            let value = value.as_ref().map(|v| format!(" = {}", expr(v))).unwrap_or_default();
            let to = match to {
                Receivers::All => "all".to_string(),
                Receivers::Each => "each".to_string(),
                Receivers::Roles(r) => r.join(", "),
            };
            writeln!(out, "reveal {name}{value} to {to}")
        }
    };
}

/// A type as written in the canonical text.
pub(crate) fn type_expr(ty: &TypeExpr) -> String {
    match ty {
        TypeExpr::Secint { bits } => format!("secint({bits})"),
        TypeExpr::Secfxp { bits, frac } => format!("secfxp({bits}, {frac})"),
        TypeExpr::Secfld { modulus } => format!("secfld({modulus})"),
        TypeExpr::Named(n) => n.clone(),
    }
}

fn number(n: Number) -> String {
    match n {
        Number::Int(v) => v.to_string(),
        Number::Float(v) => cohort_text::debug_f64(v),
    }
}

fn range(start: Option<&Expr>, end: &Expr) -> String {
    match start {
        Some(s) => format!("range({}, {})", expr(s), expr(end)),
        None => format!("range({})", expr(end)),
    }
}

/// An expression in canonical form.
pub(crate) fn expr(e: &Expr) -> String {
    let mut out = String::new();
    write_expr(&mut out, e, 0);
    out
}

fn precedence(e: &Expr) -> u8 {
    match &e.kind {
        ExprKind::Binary { op, .. } => op.precedence(),
        ExprKind::Unary { op: UnaryOp::Not, .. } => NOT_PRECEDENCE,
        ExprKind::Unary { op: UnaryOp::Neg, .. } => NEG_PRECEDENCE,
        _ => u8::MAX,
    }
}

/// Writes `e`, in parentheses if it binds less tightly than `min`.
fn write_expr(out: &mut String, e: &Expr, min: u8) {
    let parens = precedence(e) < min;
    if parens {
        out.push('(');
    }
    match &e.kind {
        ExprKind::Number(n) => out.push_str(&number(*n)),
        ExprKind::Name(n) => out.push_str(n),
        ExprKind::Unary { op, operand } => match op {
            UnaryOp::Neg => {
                out.push('-');
                write_expr(out, operand, NEG_PRECEDENCE);
            }
            UnaryOp::Not => {
                out.push_str("not ");
                write_expr(out, operand, NOT_PRECEDENCE);
            }
        },
        ExprKind::Binary { op, left, right } => {
            let p = op.precedence();
            // Left-associative; comparisons do not chain, so both sides of one need parentheses at equal precedence.
            write_expr(out, left, if p == 4 { p + 1 } else { p });
            let _ = write!(out, " {} ", op.symbol());
            write_expr(out, right, p + 1);
        }
        ExprKind::Call { func, args } => {
            out.push_str(func);
            out.push('(');
            list(out, args);
            out.push(')');
        }
        ExprKind::Index { base, index } => {
            write_expr(out, base, u8::MAX);
            out.push('[');
            write_expr(out, index, 0);
            out.push(']');
        }
        ExprKind::Slice { base, start, end } => {
            write_expr(out, base, u8::MAX);
            out.push('[');
            if let Some(s) = start {
                write_expr(out, s, 0);
            }
            out.push(':');
            if let Some(s) = end {
                write_expr(out, s, 0);
            }
            out.push(']');
        }
        ExprKind::List(items) => {
            out.push('[');
            list(out, items);
            out.push(']');
        }
        ExprKind::Keyword { name, value } => {
            out.push_str(name);
            out.push('=');
            write_expr(out, value, 0);
        }
        ExprKind::Comprehension { element, var, start, end } => {
            out.push('[');
            write_expr(out, element, 0);
            let _ = write!(out, " for {var} in {}]", range(start.as_deref(), end));
        }
    }
    if parens {
        out.push(')');
    }
}

fn list(out: &mut String, items: &[Expr]) {
    for (i, a) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        write_expr(out, a, 0);
    }
}
