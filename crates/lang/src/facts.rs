//! What the compiler can tell about a function from its syntax, recorded on
//! its prototype so the VM and the gateway need not decode bytecode to
//! learn it: a sort comparator that is plain subtraction, a top level that
//! only declares routes.

use super::ast::{
    ArrayElem, BinaryOp, Body, Expr, ExprKind, Function, Pattern, Prop, PropKey, Stmt, StmtKind,
    UnaryOp,
};

/// Facts about one compiled function.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Facts {
    /// `(a, b) => a - b` or `(a, b) => b - a` (or the `function` and
    /// `return` forms): on numbers without NaN, sorting with it orders
    /// exactly like a numeric sort, which needs no call into the script.
    pub comparator: Option<Comparator>,
    /// The top level does nothing but evaluate `work(…)` chains whose
    /// arguments are literals and function expressions: running it again
    /// would declare the same routes and hand over the same handlers.
    pub only_declares_routes: bool,
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
        only_declares_routes: false,
    }
}

/// The facts of a file's top level.
pub fn of_top_level(body: &[Stmt]) -> Facts {
    Facts {
        comparator: None,
        only_declares_routes: body.iter().all(|s| match &s.kind {
            StmtKind::Empty => true,
            StmtKind::Expr(e) => is_declaration_chain(e),
            _ => false,
        }),
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

/// `work(…)`, or a method call on one: `work("A").get("/", () => …)`.
fn is_declaration_chain(e: &Expr) -> bool {
    let ExprKind::Call {
        callee,
        args,
        optional: false,
    } = &e.kind
    else {
        return false;
    };
    let callee_ok = match &callee.kind {
        ExprKind::Ident(name) => name == "work",
        ExprKind::Member {
            object,
            optional: false,
            ..
        } => is_declaration_chain(object),
        _ => false,
    };
    callee_ok
        && args
            .iter()
            .all(|a| matches!(a, ArrayElem::Expr(x) if is_inert(x)))
}

/// A value whose evaluation runs no code and reads no variable: literals,
/// function expressions, and object and array literals of those.
fn is_inert(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Undefined
        | ExprKind::Null
        | ExprKind::Bool(_)
        | ExprKind::Num(_)
        | ExprKind::Str(_)
        | ExprKind::Function(_) => true,
        ExprKind::Template { exprs, .. } => exprs.is_empty(),
        ExprKind::Unary(UnaryOp::Neg | UnaryOp::Plus, x) => matches!(x.kind, ExprKind::Num(_)),
        ExprKind::Array(elems) => elems
            .iter()
            .all(|a| matches!(a, ArrayElem::Expr(x) if is_inert(x))),
        ExprKind::Object(props) => props.iter().all(|p| match p {
            Prop::Init {
                key: PropKey::Name(_),
                value,
            } => is_inert(value),
            _ => false,
        }),
        _ => false,
    }
}
