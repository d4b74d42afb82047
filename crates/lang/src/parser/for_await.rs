//! `for await (head of iterable) body` in an async function, parsed into
//! the loop it means:
//!
//! ```text
//! for (const %ai = %asyncIterator(iterable); ; ) {
//!     const %r = %iterResult(await %ai.next());
//!     if (%r.done) break;
//!     head = %r.value;          // or `const head = %r.value;`
//!     body
//! }
//! ```
//!
//! `%asyncIterator` (the object's `[Symbol.asyncIterator]()`, or its sync
//! iterator with each value awaited) and `%iterResult` (a TypeError unless
//! the result is an object) are hidden globals (vm/builtins/promise.rs).
//! The hidden bindings take their keys from offsets inside the `for`
//! keyword, where no declaration of a script can start.

use super::*;

fn expr(kind: ExprKind, span: Span) -> Expr {
    Expr { kind, span }
}

/// An empty span at byte offset `at`.
fn key_at(at: u32) -> Span {
    Span { start: at, end: at }
}

fn ident(name: &str, span: Span) -> Expr {
    expr(ExprKind::Ident(name.into()), span)
}

fn member(object: Expr, name: &str, span: Span) -> Expr {
    expr(
        ExprKind::Member {
            object: Box::new(object),
            name: name.into(),
            optional: false,
        },
        span,
    )
}

fn call(callee: Expr, args: Vec<Expr>, span: Span) -> Expr {
    expr(
        ExprKind::Call {
            callee: Box::new(callee),
            args: args.into_iter().map(ArrayElem::Expr).collect(),
            optional: false,
        },
        span,
    )
}

fn declare(kind: VarKind, pattern: Pattern, init: Expr, span: Span) -> Stmt {
    Stmt {
        kind: StmtKind::Var(
            kind,
            vec![Declarator {
                pattern,
                init: Some(init),
            }],
        ),
        span,
    }
}

impl Parser<'_> {
    /// After `for await (`: the head, `of`, the iterable, `)` and the body.
    pub(super) fn for_await(&mut self, start: Span) -> PResult<Stmt> {
        let head = if matches!(self.peek(), Token::Let | Token::Const | Token::Var) {
            let kind = self.var_kind();
            ForHead::Decl(kind, self.binding_pattern()?)
        } else {
            let e = self.postfix()?;
            ForHead::Target(self.to_pattern(e)?)
        };
        if !self.at_ident("of") {
            return self.error_here("`of` after the head of `for await`");
        }
        self.bump();
        let iterable = self.assign()?;
        self.expect(&Token::RParen, "`)` to close the loop header")?;
        let body = self.sub_statement()?;
        let span = start.to(self.prev_span());
        let key = |i: u32| Span {
            start: start.start + i,
            end: start.start + i,
        };
        let iterator = declare(
            VarKind::Const,
            Pattern::Ident("%ai".into(), key(1)),
            call(ident("%asyncIterator", span), vec![iterable], span),
            span,
        );
        let next = call(member(ident("%ai", span), "next", span), vec![], span);
        let awaited = expr(ExprKind::Await(Box::new(next)), span);
        let step = declare(
            VarKind::Const,
            Pattern::Ident("%r".into(), key(2)),
            call(ident("%iterResult", span), vec![awaited], span),
            span,
        );
        let done = Stmt {
            kind: StmtKind::If(
                member(ident("%r", span), "done", span),
                Box::new(Stmt {
                    kind: StmtKind::Break(None),
                    span,
                }),
                None,
            ),
            span,
        };
        let bind = match head {
            ForHead::Decl(kind, pattern) => {
                // Ends with the pattern: the binding is usable in the body
                // (the temporal dead zone ends with a declarator, resolve.rs).
                let end = pattern.span().end;
                let value = member(ident("%r", key_at(end)), "value", key_at(end));
                declare(kind, pattern, value, span)
            }
            ForHead::Target(pattern) => Stmt {
                kind: StmtKind::Expr(expr(
                    ExprKind::Assign {
                        op: AssignOp::Assign,
                        target: Box::new(pattern),
                        value: Box::new(member(ident("%r", span), "value", span)),
                    },
                    span,
                )),
                span,
            },
        };
        let StmtKind::Var(kind, decls) = iterator.kind else {
            unreachable!("the iterator is a declaration")
        };
        Ok(Stmt {
            kind: StmtKind::For {
                init: Some(ForInit::Decl(kind, decls)),
                test: None,
                update: None,
                body: Box::new(Stmt {
                    kind: StmtKind::Block(vec![step, done, bind, body]),
                    span,
                }),
            },
            span,
        })
    }
}
