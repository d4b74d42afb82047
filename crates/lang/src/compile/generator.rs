//! `yield` and `yield*`. A `yield` inside `try … finally` (or a `for…of`,
//! whose iterator leaving closes) is followed by the way out a `return()`
//! takes; `yield*` is lowered to the loop the specification describes,
//! forwarding `next`, `throw` and `return` to the inner iterator.

use super::*;
use crate::source::Span;

/// Builds the AST of a lowering, every node at the `yield*`'s span.
struct Build {
    span: Span,
}

impl Build {
    fn e(&self, kind: ExprKind) -> Expr {
        Expr {
            kind,
            span: self.span,
        }
    }

    fn s(&self, kind: StmtKind) -> Stmt {
        Stmt {
            kind,
            span: self.span,
        }
    }

    fn id(&self, name: &str) -> Expr {
        self.e(ExprKind::Ident(name.into()))
    }

    fn call(&self, callee: Expr, args: Vec<Expr>) -> Expr {
        self.e(ExprKind::Call {
            callee: Box::new(callee),
            args: args.into_iter().map(ArrayElem::Expr).collect(),
            optional: false,
        })
    }

    /// `f.call(this, ...args)` without looking `call` up.
    fn call_with(&self, f: Expr, this: Expr, args: Vec<Expr>) -> Expr {
        let all = [f, this].into_iter().chain(args);
        self.e(ExprKind::Intrinsic(
            Intrinsic::CallWith,
            all.map(ArrayElem::Expr).collect(),
        ))
    }

    fn member(&self, object: Expr, name: &str) -> Expr {
        self.e(ExprKind::Member {
            object: Box::new(object),
            name: name.into(),
            optional: false,
        })
    }

    fn assign(&self, name: &str, value: Expr) -> Stmt {
        self.s(StmtKind::Expr(self.e(ExprKind::Assign {
            op: AssignOp::Assign,
            target: Box::new(Pattern::Ident(name.into(), self.span)),
            value: Box::new(value),
        })))
    }

    /// `let name = init`, keyed `at` bytes into the keyword.
    fn declare(&self, name: &str, at: u32, init: Option<Expr>) -> Stmt {
        let key = Span {
            start: self.span.start + at,
            end: self.span.start + at,
        };
        self.s(StmtKind::Var(
            VarKind::Let,
            vec![Declarator {
                pattern: Pattern::Ident(name.into(), key),
                init,
            }],
        ))
    }

    fn binary(&self, op: BinaryOp, a: Expr, b: Expr) -> Expr {
        self.e(ExprKind::Binary(op, Box::new(a), Box::new(b)))
    }

    fn num(&self, n: f64) -> Expr {
        self.e(ExprKind::Num(n))
    }

    fn if_(&self, test: Expr, then: Vec<Stmt>, otherwise: Option<Vec<Stmt>>) -> Stmt {
        let block = |b: Vec<Stmt>| Box::new(self.s(StmtKind::Block(b)));
        self.s(StmtKind::If(test, block(then), otherwise.map(block)))
    }

    fn ret(&self, v: Expr) -> Stmt {
        self.s(StmtKind::Return(Some(v)))
    }
}

impl Compiler {
    /// `yield x` ([] → [the value it is resumed with]); `yield* it` yields
    /// each of `it`'s values and gives its return value.
    pub(super) fn yield_expr(&mut self, arg: Option<&Expr>, delegate: bool, span: Span) {
        let Some(slot) = self.f().generator else {
            self.error("`yield` is only valid in a generator", span);
            return;
        };
        let is_async = self.f().proto.is_async;
        if delegate {
            self.yield_star(arg, is_async, span);
            return;
        }
        match arg {
            Some(x) => self.expr(x),
            None => {
                self.emit(Op::Undef);
            }
        }
        // An async generator awaits what it yields.
        if is_async {
            self.with_span(span, |c| c.emit(Op::Await(Slot(slot))));
        }
        self.with_span(span, |c| c.emit(Op::Yield(Slot(slot))));
        self.return_resumption(span);
    }

    /// After a `yield` with `finally` blocks (or `for…of` iterators)
    /// around it: the way out `return(v)` resumes at, a `return v` there.
    /// `next()` and `throw()` resume at `Op::ResumeCheck`, which jumps
    /// over it; without such blocks, `return()` ends the generator in
    /// the VM, as nothing is left to run.
    fn return_resumption(&mut self, span: Span) {
        if self.f().tries.is_empty() {
            return;
        }
        let skip = self.with_span(span, |c| c.emit(Op::ResumeCheck(Self::PENDING)));
        self.with_span(span, |c| c.return_top(true));
        self.patch(skip);
    }

    /// `yield* iterable`, with hidden bindings keyed inside the `yield`
    /// keyword (`%gk`: how the generator was resumed — 0 `next`, 1
    /// `throw`, 2 `return`):
    ///
    /// ```text
    /// let %gi = %getIterator(iterable), %gn = %gi.next, %gs, %gk = 0, %gr;
    /// for (;;) {
    ///     if (%gk === 2) {
    ///         let %gm = %gi.return;
    ///         if (%gm == null) return %gs;
    ///         %gr = %iterResult(%gm.call(%gi, %gs));
    ///         if (%gr.done) return %gr.value;
    ///     } else {
    ///         if (%gk === 0) %gr = %iterResult(%gn.call(%gi, %gs));
    ///         else %gr = %iterResult(%delegateThrow(%gi, %gs));
    ///         if (%gr.done) break;
    ///     }
    ///     %gs = %yieldRaw(%gr);      // the inner result, as it is
    ///     %gk = %resumeKind();
    /// }
    /// %gr.value
    /// ```
    ///
    /// In an async generator the iterator is `%asyncIterator(iterable)`
    /// (a sync one's values awaited), each call's result is awaited, and
    /// what is yielded is `%gr.value` (not awaited again).
    fn yield_star(&mut self, arg: Option<&Expr>, is_async: bool, span: Span) {
        let b = Build { span };
        let iterable = arg.cloned().unwrap_or_else(|| b.e(ExprKind::Undefined));
        let get_iterator = if is_async {
            "%asyncIterator"
        } else {
            "%getIterator"
        };
        let declared = vec![
            b.declare("%gi", 1, Some(b.call(b.id(get_iterator), vec![iterable]))),
            b.declare("%gn", 2, Some(b.member(b.id("%gi"), "next"))),
            b.declare("%gs", 3, None),
            b.declare("%gk", 4, Some(b.num(0.0))),
            b.declare("%gr", 5, None),
        ];
        let result = |call: Expr| {
            let call = if is_async {
                b.e(ExprKind::Await(Box::new(call)))
            } else {
                call
            };
            b.call(b.id("%iterResult"), vec![call])
        };
        let on_next = b.assign(
            "%gr",
            result(b.call_with(b.id("%gn"), b.id("%gi"), vec![b.id("%gs")])),
        );
        let on_throw = b.assign(
            "%gr",
            result(b.call(b.id("%delegateThrow"), vec![b.id("%gi"), b.id("%gs")])),
        );
        let on_return = vec![
            b.declare("%gm", 0, Some(b.member(b.id("%gi"), "return"))),
            b.if_(
                b.binary(BinaryOp::Eq, b.id("%gm"), b.e(ExprKind::Null)),
                vec![b.ret(b.id("%gs"))],
                None,
            ),
            b.assign(
                "%gr",
                result(b.call_with(b.id("%gm"), b.id("%gi"), vec![b.id("%gs")])),
            ),
            b.if_(
                b.member(b.id("%gr"), "done"),
                vec![b.ret(b.member(b.id("%gr"), "value"))],
                None,
            ),
        ];
        let kind_is = |n: f64| b.binary(BinaryOp::StrictEq, b.id("%gk"), b.num(n));
        let done = b.if_(
            b.member(b.id("%gr"), "done"),
            vec![b.s(StmtKind::Break(None))],
            None,
        );
        // `done` is read once per result.
        let step = b.if_(
            kind_is(2.0),
            on_return,
            Some(vec![
                b.if_(kind_is(0.0), vec![on_next], Some(vec![on_throw])),
                done,
            ]),
        );
        let yielded = if is_async {
            b.member(b.id("%gr"), "value")
        } else {
            b.id("%gr")
        };
        let raw = b.e(ExprKind::Intrinsic(
            Intrinsic::YieldRaw,
            vec![ArrayElem::Expr(yielded)],
        ));
        let kind = b.e(ExprKind::Intrinsic(Intrinsic::ResumeKind, Vec::new()));
        let body = vec![step, b.assign("%gs", raw), b.assign("%gk", kind)];
        let forever = b.s(StmtKind::For {
            init: None,
            test: None,
            update: None,
            body: Box::new(b.s(StmtKind::Block(body))),
        });
        self.push_scope();
        self.block_body(&declared);
        self.stmt(&forever);
        self.expr(&b.member(b.id("%gr"), "value"));
        self.pop_scope();
    }

    /// `%yieldRaw(r)`: [r] → parks, giving the inner iterator's result
    /// `r` as it is (an async generator's request gets `{ value: r, done:
    /// false }`); resumed however, [] → [the value sent].
    pub(super) fn yield_raw(&mut self, span: Span) {
        let slot = self
            .f()
            .generator
            .expect("yield* is compiled in generators");
        self.with_span(span, |c| c.emit(Op::YieldRaw(Slot(slot))));
    }
}
