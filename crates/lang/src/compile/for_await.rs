//! `for await (head of iterable) body`: the loop over an async iterator,
//! closing it (awaiting its `return()`) when the loop is left early, as
//! `for…of` closes a sync one (stmt.rs, `for_each`):
//!
//! ```text
//! %ai = %asyncIterator(iterable)
//! try {                                   // the handler below
//!   top: %r = undefined
//!        %r = %iterResult(await %ai.next())   // a throw here does not close
//!        if (%r.done) goto end
//!        head = %r.value; body                 // break / return / an outer
//!        goto top                              //   jump: %closeResult(await %asyncReturn(%ai))
//! } catch (e) { if (%r) try { await %asyncReturn(%ai) } catch {} throw e }
//! end:
//! ```
//!
//! `%asyncIterator`, `%iterResult`, `%asyncReturn` (the iterator's
//! `return()`, or an empty object when it has none) and `%closeResult`
//! are hidden globals (vm/builtins/generator.rs).

use super::*;
use crate::ast::*;
use crate::bytecode::*;
use crate::source::Span;

fn at(kind: ExprKind, span: Span) -> Expr {
    Expr { kind, span }
}

fn ident(name: &str, span: Span) -> Expr {
    at(ExprKind::Ident(name.into()), span)
}

fn call(callee: Expr, args: Vec<Expr>, span: Span) -> Expr {
    at(
        ExprKind::Call {
            callee: Box::new(callee),
            args: args.into_iter().map(ArrayElem::Expr).collect(),
            optional: false,
        },
        span,
    )
}

fn member(object: Expr, name: &str, span: Span) -> Expr {
    at(
        ExprKind::Member {
            object: Box::new(object),
            name: name.into(),
            optional: false,
        },
        span,
    )
}

fn awaited(e: Expr, span: Span) -> Expr {
    at(ExprKind::Await(Box::new(e)), span)
}

fn statement(e: Expr) -> Stmt {
    let span = e.span;
    Stmt {
        kind: StmtKind::Expr(e),
        span,
    }
}

impl Compiler {
    pub(super) fn for_await(
        &mut self,
        head: &ForHead,
        iterable: &Expr,
        body: &Stmt,
        label: Option<String>,
    ) {
        let span = iterable.span;
        self.push_scope();
        // Named, so the code below can name them (`%`: no script can).
        let iter_name = format!("%asyncIter@{}", span.start);
        let result_name = format!("%asyncResult@{}", span.start);
        let iter = self.named_temp(iter_name.clone());
        let result = self.named_temp(result_name.clone());
        self.expr(&call(
            ident("%asyncIterator", span),
            vec![iterable.clone()],
            span,
        ));
        self.emit(Op::StoreLocalPop(Slot(iter)));
        // Awaits the iterator's `return()` (a `break`, `return`, or a jump
        // to an outer loop); its result must be an object.
        let close = statement(call(
            ident("%closeResult", span),
            vec![awaited(
                call(
                    ident("%asyncReturn", span),
                    vec![ident(&iter_name, span)],
                    span,
                ),
                span,
            )],
            span,
        ));
        let guard = self.emit(Op::PushTry(Self::PENDING));
        let top = self.here();
        // Undefined until `next()` gave a result: a throw before that (from
        // `next()`, or a result that is not an object) leaves the iterator
        // as it is.
        self.emit(Op::Undef);
        self.emit(Op::StoreLocalPop(Slot(result)));
        let next = call(member(ident(&iter_name, span), "next", span), vec![], span);
        self.expr(&call(
            ident("%iterResult", span),
            vec![awaited(next, span)],
            span,
        ));
        self.emit(Op::StoreLocalPop(Slot(result)));
        self.expr(&member(ident(&result_name, span), "done", span));
        let exit = self.emit(Op::JumpIfTrue(Self::PENDING));
        self.push_scope();
        self.expr(&member(ident(&result_name, span), "value", span));
        self.bind_for_head(head);
        self.f().tries.push(TryRegion {
            finally: Some(vec![close.clone()]),
        });
        self.push_target(label, true);
        self.stmt(body);
        self.emit(Op::Jump(top));
        let broke = self.pop_target(Some(top));
        self.f().tries.pop();
        // An exception closes the iterator (its errors dropped) only when
        // the loop had a result from it.
        let quiet = Stmt {
            kind: StmtKind::If(
                ident(&result_name, span),
                Box::new(Stmt {
                    kind: StmtKind::Try {
                        block: vec![statement(awaited(
                            call(
                                ident("%asyncReturn", span),
                                vec![ident(&iter_name, span)],
                                span,
                            ),
                            span,
                        ))],
                        param: None,
                        handler: Some(Vec::new()),
                        finalizer: None,
                    },
                    span,
                }),
                None,
            ),
            span,
        };
        self.iterator_loop_end(broke, exit, guard, |c| c.stmt(&close), |c| c.stmt(&quiet));
        self.pop_scope();
        self.pop_scope();
    }
}
