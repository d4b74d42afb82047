//! What the compiler can tell about a function from its syntax, recorded on
//! its prototype so the VM and the gateway need not decode bytecode to
//! learn it: a sort comparator that is plain subtraction.

use super::ast::{BinaryOp, Body, ExprKind, Function, Pattern, Stmt, StmtKind};

/// Facts about one compiled function.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Facts {
    /// `(a, b) => a - b` or `(a, b) => b - a` (or the `function` and
    /// `return` forms): on numbers without NaN, sorting with it orders
    /// exactly like a numeric sort, which needs no call into the script.
    pub comparator: Option<Comparator>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Comparator {
    /// `a - b`.
    Ascending,
    /// `b - a`.
    Descending,
}

/// The facts of a function expression or declaration.
pub fn of_function(f: &Function) -> Facts {
    Facts {
        comparator: comparator(f),
    }
}

fn comparator(f: &Function) -> Option<Comparator> {
    let [p, q] = &f.params[..] else { return None };
    if f.rest.is_some() || p.default.is_some() || q.default.is_some() {
        return None;
    }
    let (Pattern::Ident(a, _), Pattern::Ident(b, _)) = (&p.pattern, &q.pattern) else {
        return None;
    };
    if a == b {
        return None;
    }
    let body = match &f.body {
        Body::Expr(e) => e,
        Body::Block(stmts) => match &stmts[..] {
            [
                Stmt {
                    kind: StmtKind::Return(Some(e)),
                    ..
                },
            ] => e,
            _ => return None,
        },
    };
    let ExprKind::Binary(BinaryOp::Sub, l, r) = &body.kind else {
        return None;
    };
    match (&l.kind, &r.kind) {
        (ExprKind::Ident(x), ExprKind::Ident(y)) if x == a && y == b => Some(Comparator::Ascending),
        (ExprKind::Ident(x), ExprKind::Ident(y)) if x == b && y == a => {
            Some(Comparator::Descending)
        }
        _ => None,
    }
}
