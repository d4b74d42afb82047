//! The lowering pass between parsing and resolution: rewrites the
//! `where(row => …)` / `orWhere(row => …)` calls of `db()` chains into
//! `whereRaw(sql, [values])` (the translation is `predicate`'s). Only a
//! call whose receiver chain starts at a `db(…)` call is touched, so a
//! `where` method of any other object stays ordinary JavaScript.

use super::ast::{
    ArrayElem, Body, Case, Declarator, Expr, ExprKind, ForHead, ForInit, Function, PatElem,
    PatProp, Pattern, Program, Prop, PropKey, Stmt, StmtKind,
};
use super::diag::Diagnostic;
use std::rc::Rc;

/// Lowers every where-lambda of `program`; the diagnostics are those of
/// lambdas on a `db()` chain that have no SQL meaning.
pub fn where_lambdas(program: &mut Program) -> Vec<Diagnostic> {
    let mut pass = Lowering { diags: Vec::new() };
    pass.stmts(&mut program.body);
    pass.diags
}

/// Whether `e` is a chain of calls, members and indexes that starts at a
/// call of the global `db`: `db()`, `db("x").table("t").where(…)`.
fn rooted_in_db(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Call { callee, .. } => match &callee.kind {
            ExprKind::Ident(name) => name == "db",
            ExprKind::Member { object, .. } | ExprKind::Index { object, .. } => {
                rooted_in_db(object)
            }
            _ => false,
        },
        ExprKind::Member { object, .. } | ExprKind::Index { object, .. } => rooted_in_db(object),
        ExprKind::OptChain(inner) => rooted_in_db(inner),
        _ => false,
    }
}

struct Lowering {
    diags: Vec<Diagnostic>,
}

impl Lowering {
    fn stmts(&mut self, stmts: &mut [Stmt]) {
        for s in stmts {
            self.stmt(s);
        }
    }

    fn stmt(&mut self, s: &mut Stmt) {
        semantics::stack::grow(|| self.stmt_inner(s))
    }

    fn stmt_inner(&mut self, s: &mut Stmt) {
        match &mut s.kind {
            StmtKind::Empty | StmtKind::Break(_) | StmtKind::Continue(_) => {}
            StmtKind::Expr(e) | StmtKind::Throw(e) => self.expr(e),
            StmtKind::Return(e) => self.opt_expr(e),
            StmtKind::Var(_, decls) => self.declarators(decls),
            StmtKind::Function(f) => self.function(f),
            StmtKind::Block(body) => self.stmts(body),
            StmtKind::If(test, then, otherwise) => {
                self.expr(test);
                self.stmt(then);
                if let Some(s) = otherwise {
                    self.stmt(s);
                }
            }
            StmtKind::For {
                init,
                test,
                update,
                body,
            } => {
                match init {
                    Some(ForInit::Decl(_, decls)) => self.declarators(decls),
                    Some(ForInit::Expr(e)) => self.expr(e),
                    None => {}
                }
                self.opt_expr(test);
                self.opt_expr(update);
                self.stmt(body);
            }
            StmtKind::ForOf { head, iter, body } | StmtKind::ForAwait { head, iter, body } => {
                self.for_head(head);
                self.expr(iter);
                self.stmt(body);
            }
            StmtKind::ForIn { head, object, body } => {
                self.for_head(head);
                self.expr(object);
                self.stmt(body);
            }
            StmtKind::While(test, body) | StmtKind::DoWhile(body, test) => {
                self.expr(test);
                self.stmt(body);
            }
            StmtKind::Try {
                block,
                param,
                handler,
                finalizer,
            } => {
                self.stmts(block);
                if let Some(p) = param {
                    self.pattern(p);
                }
                for body in [handler, finalizer].into_iter().flatten() {
                    self.stmts(body);
                }
            }
            StmtKind::Switch(subject, cases) => {
                self.expr(subject);
                for Case { test, body } in cases {
                    self.opt_expr(test);
                    self.stmts(body);
                }
            }
            StmtKind::Labeled(_, body) => self.stmt(body),
        }
    }

    fn declarators(&mut self, decls: &mut [Declarator]) {
        for d in decls {
            self.pattern(&mut d.pattern);
            self.opt_expr(&mut d.init);
        }
    }

    fn for_head(&mut self, head: &mut ForHead) {
        match head {
            ForHead::Decl(_, p) | ForHead::Target(p) => self.pattern(p),
        }
    }

    fn function(&mut self, f: &mut Rc<Function>) {
        // Freshly parsed: every function has one owner, so this never copies.
        let f = Rc::make_mut(f);
        for p in &mut f.params {
            self.pattern(&mut p.pattern);
            self.opt_expr(&mut p.default);
        }
        if let Some(rest) = &mut f.rest {
            self.pattern(rest);
        }
        match &mut f.body {
            Body::Block(body) => self.stmts(body),
            Body::Expr(e) => self.expr(e),
        }
    }

    fn pattern(&mut self, p: &mut Pattern) {
        match p {
            Pattern::Ident(..) => {}
            Pattern::Expr(e) => self.expr(e),
            Pattern::Object { props, rest, .. } => {
                for PatProp {
                    key,
                    value,
                    default,
                } in props
                {
                    self.prop_key(key);
                    self.pattern(value);
                    self.opt_expr(default);
                }
                if let Some(r) = rest {
                    self.pattern(r);
                }
            }
            Pattern::Array { elems, rest, .. } => {
                for PatElem { pattern, default } in elems.iter_mut().flatten() {
                    self.pattern(pattern);
                    self.opt_expr(default);
                }
                if let Some(r) = rest {
                    self.pattern(r);
                }
            }
        }
    }

    fn prop_key(&mut self, key: &mut PropKey) {
        if let PropKey::Computed(e) = key {
            self.expr(e);
        }
    }

    fn opt_expr(&mut self, e: &mut Option<Expr>) {
        if let Some(e) = e {
            self.expr(e);
        }
    }

    fn elems(&mut self, elems: &mut [ArrayElem]) {
        for el in elems {
            if let ArrayElem::Expr(e) | ArrayElem::Spread(e) = el {
                self.expr(e);
            }
        }
    }

    fn expr(&mut self, e: &mut Expr) {
        semantics::stack::grow(|| self.expr_inner(e))
    }

    fn expr_inner(&mut self, e: &mut Expr) {
        match &mut e.kind {
            ExprKind::Undefined
            | ExprKind::Null
            | ExprKind::Bool(_)
            | ExprKind::Num(_)
            | ExprKind::Str(_)
            | ExprKind::RegExp { .. }
            | ExprKind::Ident(_)
            | ExprKind::PrivateName(_)
            | ExprKind::This => {}
            ExprKind::Intrinsic(_, args) => self.elems(args),
            ExprKind::Await(x) => self.expr(x),
            ExprKind::ImportCall { specifier, options } => {
                self.expr(specifier);
                if let Some(o) = options {
                    self.expr(o);
                }
            }
            ExprKind::Yield { arg, .. } => {
                if let Some(x) = arg {
                    self.expr(x);
                }
            }
            ExprKind::Template { exprs, .. } | ExprKind::Seq(exprs) => {
                for x in exprs {
                    self.expr(x);
                }
            }
            ExprKind::Array(elems) => self.elems(elems),
            ExprKind::Object(props) => {
                for p in props {
                    match p {
                        Prop::Init { key, value } | Prop::Accessor { key, value, .. } => {
                            self.prop_key(key);
                            self.expr(value);
                        }
                        Prop::ShorthandDefault { default, .. } => self.expr(default),
                        Prop::Spread(x) | Prop::Proto(x) => self.expr(x),
                    }
                }
            }
            ExprKind::Function(f) => self.function(f),
            ExprKind::Unary(_, x) | ExprKind::OptChain(x) => self.expr(x),
            ExprKind::Update { target, .. } => self.expr(target),
            ExprKind::Binary(_, a, b) | ExprKind::Logical(_, a, b) => {
                self.expr(a);
                self.expr(b);
            }
            ExprKind::Assign { target, value, .. } => {
                self.pattern(target);
                self.expr(value);
            }
            ExprKind::Cond(a, b, c) => {
                self.expr(a);
                self.expr(b);
                self.expr(c);
            }
            ExprKind::New { callee, args } => {
                self.expr(callee);
                self.elems(args);
            }
            ExprKind::Member { object, .. } => self.expr(object),
            ExprKind::Index { object, index, .. } => {
                self.expr(object);
                self.expr(index);
            }
            ExprKind::Call {
                callee,
                args,
                optional,
            } => {
                self.expr(callee);
                self.elems(args);
                let on_db_chain = !*optional
                    && matches!(&callee.kind, ExprKind::Member { object, .. } if rooted_in_db(object));
                if on_db_chain {
                    match super::predicate::translate(callee, args) {
                        Some(Ok((raw_callee, raw_args))) => {
                            **callee = raw_callee;
                            *args = raw_args;
                        }
                        Some(Err(d)) => self.diags.push(d),
                        None => {}
                    }
                }
            }
        }
    }
}
