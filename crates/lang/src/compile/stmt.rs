//! Statements: blocks, declarations, branches, loops with their break and
//! continue targets, `try`/`finally` (inlined on every way out) and `switch`.

use super::*;
use crate::ast::*;
use crate::bytecode::*;
use crate::resolve::pattern_names;
use crate::source::Span;
use semantics::stack::grow;

impl Compiler {
    /// Declares the block's names, hoists function declarations, then compiles.
    pub(super) fn block_body(&mut self, stmts: &[Stmt]) {
        // The first block of a function (or file) is its body.
        // A module's top level is not a function body: its functions are
        // lexical there, so two of one name are an error.
        let top = !std::mem::replace(&mut self.f().body_seen, true)
            && !(self.is_module && self.fns.len() == 1);
        self.check_redeclarations(stmts, top);
        self.declare_lexicals(stmts);
        for s in stmts {
            if let StmtKind::Function(f) = &s.kind {
                let name = f.name.clone().unwrap_or_default();
                self.with_span(s.span, |c| {
                    let fi = c.compile_function(f, &name);
                    let b = Self::find_local(c.fns.last().unwrap(), &name).unwrap();
                    // A module's top-level function that reads only the
                    // module environment is made by the loader, before
                    // any top level runs.
                    if let Some(i) = b.env
                        && c.functions[fi.0 as usize].as_ref().is_some_and(|p| {
                            p.captures.iter().all(|k| matches!(k, Capture::Upval(_)))
                        })
                    {
                        c.hoisted.push((fi, i));
                        return;
                    }
                    c.emit(Op::Closure(fi));
                    c.init_binding(&b);
                });
            }
        }
        for s in stmts {
            if !matches!(s.kind, StmtKind::Function(_)) {
                self.stmt(s);
            }
        }
    }

    pub(super) fn scoped_block(&mut self, stmts: &[Stmt]) {
        self.push_scope();
        self.block_body(stmts);
        self.pop_scope();
    }

    pub(super) fn stmt(&mut self, s: &Stmt) {
        grow(|| self.with_span(s.span, |c| c.stmt_inner(s)));
    }

    pub(super) fn stmt_inner(&mut self, s: &Stmt) {
        match &s.kind {
            StmtKind::Empty => {}
            StmtKind::Expr(e) => self.expr_stmt(e),
            StmtKind::Var(kind, decls) => {
                for d in decls {
                    self.declarator(*kind, d);
                }
            }
            StmtKind::Function(_) => {
                // Only reachable as the body of `if`/labels; treat as its own block.
                self.scoped_block(std::slice::from_ref(s));
            }
            StmtKind::Block(b) => self.scoped_block(b),
            StmtKind::If(test, then, other) => {
                let j = self.cond_jump(test);
                self.stmt(then);
                if let Some(other) = other {
                    let end = self.emit(Op::Jump(Self::PENDING));
                    self.patch(j);
                    self.stmt(other);
                    self.patch(end);
                } else {
                    self.patch(j);
                }
            }
            StmtKind::For {
                init,
                test,
                update,
                body,
            } => self.for_loop(init, test, update, body, None),
            StmtKind::ForOf { head, iter, body } => self.for_each(head, iter, body, true, None),
            StmtKind::ForAwait { head, iter, body } => self.for_await(head, iter, body, None),
            StmtKind::ForIn { head, object, body } => {
                self.for_each(head, object, body, false, None)
            }
            StmtKind::While(test, body) => self.while_loop(test, body, None),
            StmtKind::DoWhile(body, test) => self.do_while(body, test, None),
            StmtKind::Labeled(label, _)
                if self
                    .f()
                    .targets
                    .iter()
                    .any(|t| t.label.as_deref() == Some(label.as_str())) =>
            {
                self.error(
                    format!("label `{label}` is already the label of an enclosing statement"),
                    s.span,
                );
            }
            StmtKind::Labeled(label, body) => match &body.kind {
                StmtKind::For {
                    init,
                    test,
                    update,
                    body,
                } => self.for_loop(init, test, update, body, Some(label.clone())),
                StmtKind::ForOf { head, iter, body } => {
                    self.for_each(head, iter, body, true, Some(label.clone()))
                }
                StmtKind::ForAwait { head, iter, body } => {
                    self.for_await(head, iter, body, Some(label.clone()))
                }
                StmtKind::ForIn { head, object, body } => {
                    self.for_each(head, object, body, false, Some(label.clone()))
                }
                StmtKind::While(test, body) => self.while_loop(test, body, Some(label.clone())),
                StmtKind::DoWhile(body, test) => self.do_while(body, test, Some(label.clone())),
                _ => {
                    self.push_target(Some(label.clone()), false);
                    self.stmt(body);
                    self.pop_target(None);
                }
            },
            StmtKind::Break(label) => self.jump_out(label.as_deref(), true, s.span),
            StmtKind::Continue(label) => self.jump_out(label.as_deref(), false, s.span),
            StmtKind::Return(value) => {
                // `return;` in a derived constructor returns `%this` as it
                // is once every `finally` has run (one may call `super()`).
                let late =
                    matches!(value, Some(Expr { kind: ExprKind::Ident(n), .. }) if n == "%this");
                if late && !self.f().tries.is_empty() {
                    self.leave_tries(0);
                    self.expr(value.as_ref().unwrap());
                    self.emit_return();
                    return;
                }
                match value {
                    Some(v) => self.expr(v),
                    None => {
                        self.emit(Op::Undef);
                    }
                }
                self.return_top(value.is_some());
            }
            StmtKind::Throw(e) => {
                self.expr(e);
                self.emit(Op::Throw);
            }
            StmtKind::Try {
                block,
                param,
                handler,
                finalizer,
            } => self.try_stmt(
                block,
                param.as_ref(),
                handler.as_deref(),
                finalizer.as_deref(),
            ),
            StmtKind::Switch(disc, cases) => self.switch(disc, cases),
        }
    }

    /// [v] → returns v through every `finally` block around; `return x`
    /// in an async generator (`awaited`) awaits `x` first.
    pub(super) fn return_top(&mut self, awaited: bool) {
        if let (true, true, true, Some(slot)) = (
            awaited,
            self.f().proto.is_async,
            self.f().proto.is_generator,
            self.f().generator,
        ) {
            self.emit(Op::Await(Slot(slot)));
        }
        if !self.f().tries.is_empty() {
            self.push_scope();
            let tmp = self.temp();
            self.emit(Op::StoreLocalPop(Slot(tmp)));
            self.leave_tries(0);
            self.emit(Op::LoadLocal(Slot(tmp)));
            self.pop_scope();
        }
        self.emit_return();
    }

    pub(super) fn expr_stmt(&mut self, e: &Expr) {
        // `i++` / `i--` on a plain local as a statement: one instruction.
        if let ExprKind::Update { inc, target, .. } = &e.kind {
            if let ExprKind::Ident(n) = &target.kind {
                if let Some((s, false)) = self.plain_local(n, target.span.start) {
                    self.emit(Op::AddLocalInt(Slot(s), if *inc { 1 } else { -1 }));
                    return;
                }
            }
        }
        if let ExprKind::Assign { op, target, value } = &e.kind {
            match (op, &**target) {
                // `x += v` on a plain local: no copy of the result to pop.
                (AssignOp::Binary(BinaryOp::Add), Pattern::Ident(n, at)) => {
                    if let Some((s, false)) = self.plain_local(n, at.start) {
                        self.expr(value);
                        self.emit(Op::AddToLocal(Slot(s)));
                        return;
                    }
                }
                // `o.x = v` on a plain local object.
                (
                    AssignOp::Assign,
                    Pattern::Expr(Expr {
                        kind: ExprKind::Member { object, name, .. },
                        ..
                    }),
                ) => {
                    if let ExprKind::Ident(o) = &object.kind {
                        if let Some((s, _)) = self.plain_local(o, object.span.start) {
                            self.expr_named(value, name);
                            let n = self.name(name);
                            self.emit(Op::SetLocalField(Slot(s), n));
                            return;
                        }
                    }
                }
                _ => {}
            }
        }
        self.expr(e);
        self.emit(Op::Pop);
    }

    pub(super) fn declarator(&mut self, kind: VarKind, d: &Declarator) {
        let hint = if let Pattern::Ident(n, _) = &d.pattern {
            n.clone()
        } else {
            String::new()
        };
        match &d.init {
            Some(init) => self.expr_named(init, &hint),
            None => {
                if kind == VarKind::Var {
                    return; // `var x;` leaves x as it is
                }
                self.emit(Op::Undef);
            }
        }
        self.destructure(&d.pattern, kind != VarKind::Var);
    }

    /// Compiles a condition and a jump taken when it is false; returns the jump to patch.
    pub(super) fn cond_jump(&mut self, test: &Expr) -> usize {
        if let ExprKind::Binary(BinaryOp::Lt, a, b) = &test.kind {
            if let (ExprKind::Ident(n), ExprKind::Num(k)) = (&a.kind, &b.kind) {
                if let Some((s, _)) = self.plain_local(n, a.span.start) {
                    let c = self.num_const(*k);
                    return self.with_span(test.span, |c2| {
                        c2.emit(Op::JumpIfNotLessLocalConst(Slot(s), c, Self::PENDING))
                    });
                }
            }
            // `i < items.length`: compare and jump in one instruction.
            self.expr(a);
            self.expr(b);
            return self.with_span(test.span, |c| c.emit(Op::JumpIfNotLess(Self::PENDING)));
        }
        self.expr(test);
        self.emit(Op::JumpIfFalse(Self::PENDING))
    }

    pub(super) fn push_target(&mut self, label: Option<String>, is_loop: bool) {
        let try_depth = self.f().tries.len();
        self.f().targets.push(JumpTarget {
            label,
            is_loop,
            breaks: Vec::new(),
            continues: Vec::new(),
            try_depth,
        });
    }

    /// Pops a jump target, pointing its `continue`s at `cont` and its `break`s here.
    /// Ends a loop or labelled statement: its `continue`s jump to `cont`,
    /// its `break`s to here. Returns whether it had any `break`.
    pub(super) fn pop_target(&mut self, cont: Option<Label>) -> bool {
        let t = self.f().targets.pop().unwrap();
        if let Some(cont) = cont {
            for j in t.continues {
                self.patch_to(j, cont);
            }
        }
        let broke = !t.breaks.is_empty();
        for j in t.breaks {
            self.patch(j);
        }
        broke
    }

    /// Pops handlers and runs `finally` blocks of every `try` deeper than `depth`.
    pub(super) fn leave_tries(&mut self, depth: usize) {
        let saved: Vec<TryRegion> = self.f().tries.drain(depth..).collect();
        for (i, region) in saved.iter().enumerate().rev() {
            self.emit(Op::PopTry);
            if let Some(fin) = &region.finally {
                // The finally body runs outside the regions it protected.
                let keep: Vec<TryRegion> = saved[..i]
                    .iter()
                    .map(|r| TryRegion {
                        finally: r.finally.clone(),
                    })
                    .collect();
                let outer = std::mem::take(&mut self.f().tries);
                self.f().tries = outer.into_iter().chain(keep).collect();
                self.scoped_block(fin);
                self.f().tries.truncate(depth);
            }
        }
        self.f().tries.extend(saved);
    }

    pub(super) fn jump_out(&mut self, label: Option<&str>, is_break: bool, span: Span) {
        let targets = &self.f().targets;
        let found = targets.iter().rposition(|t| match label {
            Some(l) => t.label.as_deref() == Some(l),
            None => t.is_loop || (is_break && t.label.is_none()),
        });
        let Some(i) = found else {
            let what = if is_break { "break" } else { "continue" };
            match label {
                Some(l) => self.error(format!("undefined label `{l}` for `{what}`"), span),
                None => self.error(format!("`{what}` outside of a loop"), span),
            }
            return;
        };
        if !is_break && !self.f().targets[i].is_loop {
            self.error(
                format!(
                    "`continue` to label `{}` which is not a loop",
                    label.unwrap_or("")
                ),
                span,
            );
            return;
        }
        let depth = self.f().targets[i].try_depth;
        self.leave_tries(depth);
        let j = self.emit(Op::Jump(Self::PENDING));
        let t = &mut self.f().targets[i];
        if is_break {
            t.breaks.push(j)
        } else {
            t.continues.push(j)
        }
    }

    pub(super) fn for_loop(
        &mut self,
        init: &Option<ForInit>,
        test: &Option<Expr>,
        update: &Option<Expr>,
        body: &Stmt,
        label: Option<String>,
    ) {
        self.push_scope();
        let mut fresh = Vec::new();
        match init {
            Some(ForInit::Decl(kind, decls)) => {
                if *kind != VarKind::Var {
                    for d in decls {
                        self.declare_pattern(&d.pattern, *kind == VarKind::Const);
                    }
                    let mut names = Vec::new();
                    for d in decls {
                        pattern_names(&d.pattern, &mut names);
                    }
                    for (n, _) in names {
                        if let Some(b) = Self::find_local(self.fns.last().unwrap(), &n) {
                            if b.captured {
                                fresh.push(b.slot);
                            }
                        }
                    }
                }
                for d in decls {
                    self.declarator(*kind, d);
                }
            }
            Some(ForInit::Expr(e)) => self.expr_stmt(e),
            None => {}
        }
        let top = self.here();
        let exit = test.as_ref().map(|t| self.cond_jump(t));
        self.push_target(label, true);
        self.stmt(body);
        let cont = self.here();
        // Each iteration gets its own copy of captured loop variables.
        for &s in &fresh {
            self.emit(Op::RenewCell(Slot(s)));
        }
        if let Some(u) = update {
            self.with_span(u.span, |c| c.expr_stmt(u));
        }
        self.emit(Op::Jump(top));
        if let Some(j) = exit {
            self.patch(j);
        }
        self.pop_target(Some(cont));
        self.pop_scope();
    }

    pub(super) fn while_loop(&mut self, test: &Expr, body: &Stmt, label: Option<String>) {
        let top = self.here();
        let exit = self.cond_jump(test);
        self.push_target(label, true);
        self.stmt(body);
        self.emit(Op::Jump(top));
        self.patch(exit);
        self.pop_target(Some(top));
    }

    pub(super) fn do_while(&mut self, body: &Stmt, test: &Expr, label: Option<String>) {
        let top = self.here();
        self.push_target(label, true);
        self.stmt(body);
        let cont = self.here();
        self.expr(test);
        let j = self.emit(Op::JumpIfTrue(Self::PENDING));
        self.patch_to(j, top);
        self.pop_target(Some(cont));
    }

    pub(super) fn for_each(
        &mut self,
        head: &ForHead,
        iterable: &Expr,
        body: &Stmt,
        values: bool,
        label: Option<String>,
    ) {
        self.push_scope();
        // Named, so the close below can name it (`%`: no script can).
        let iter_name = format!("%iter@{}", iterable.span.start);
        let iter = self.named_temp(iter_name.clone());
        self.expr(iterable);
        self.emit(if values {
            Op::IterValues(Slot(iter))
        } else {
            Op::IterKeys(Slot(iter))
        });
        // A throw out of the loop's head or body closes the iterator too
        // (the handler below); one from `next()` itself does not (the VM
        // marks such an iterator closed).
        let guard = values.then(|| self.emit(Op::PushTry(Self::PENDING)));
        let top = self.here();
        let exit = self.emit(Op::IterNext(Slot(iter), Self::PENDING));
        self.push_scope();
        self.bind_for_head(head);
        // `return`, and `break`/`continue` to an outer loop, close the
        // iterator on their way out (leave_tries); a `break` of this loop
        // closes it below, after the loop.
        if values {
            let at = |kind| Expr {
                kind,
                span: body.span,
            };
            let close = ExprKind::Call {
                callee: Box::new(at(ExprKind::Ident("%iterClose".into()))),
                args: vec![ArrayElem::Expr(at(ExprKind::Ident(iter_name)))],
                optional: false,
            };
            let close = Stmt {
                kind: StmtKind::Expr(at(close)),
                span: body.span,
            };
            self.f().tries.push(TryRegion {
                finally: Some(vec![close]),
            });
        }
        self.push_target(label, true);
        self.stmt(body);
        self.emit(Op::Jump(top));
        let broke = self.pop_target(Some(top));
        let Some(guard) = guard else {
            self.patch(exit);
            self.pop_scope();
            self.pop_scope();
            return;
        };
        self.f().tries.pop();
        let span = body.span;
        self.iterator_loop_end(
            broke,
            exit,
            guard,
            |c| c.call_on_iterator("%iterClose", iter, span),
            |c| c.call_on_iterator("%iterCloseQuiet", iter, span),
        );
        self.pop_scope();
        self.pop_scope();
    }

    /// The end of a loop over an iterator whose body runs under the
    /// handler `guard`: a `break` lands here and closes the iterator
    /// (`close`, its `return()`), the loop's own end (`exit`) jumps past,
    /// and an exception closes it quietly (`quiet`) and is thrown again.
    pub(super) fn iterator_loop_end(
        &mut self,
        broke: bool,
        exit: usize,
        guard: usize,
        close: impl Fn(&mut Self),
        quiet: impl Fn(&mut Self),
    ) {
        let mut ends = Vec::new();
        if broke {
            self.emit(Op::PopTry);
            close(self);
            ends.push(self.emit(Op::Jump(Self::PENDING)));
        }
        self.patch(exit);
        self.emit(Op::PopTry);
        ends.push(self.emit(Op::Jump(Self::PENDING)));
        self.patch(guard);
        self.push_scope();
        let thrown = self.temp();
        self.emit(Op::StoreLocalPop(Slot(thrown)));
        quiet(self);
        self.emit(Op::LoadLocal(Slot(thrown)));
        self.emit(Op::Throw);
        self.pop_scope();
        for end in ends {
            self.patch(end);
        }
    }

    /// Binds a `for…of` / `for…in` / `for await` head to the value on the
    /// stack, in the iteration's scope.
    pub(super) fn bind_for_head(&mut self, head: &ForHead) {
        match head {
            ForHead::Decl(kind, p) => {
                if *kind != VarKind::Var {
                    self.declare_pattern(p, *kind == VarKind::Const);
                }
                self.destructure(p, *kind != VarKind::Var);
            }
            ForHead::Target(p) => self.destructure(p, false),
        }
    }

    /// `close(iter)` for a hidden global `close` (`%iterClose`, …).
    fn call_on_iterator(&mut self, close: &str, iter: u16, span: Span) {
        self.expr(&Expr {
            kind: ExprKind::Ident(close.into()),
            span,
        });
        self.emit(Op::Undef);
        self.emit(Op::LoadLocal(Slot(iter)));
        self.emit(Op::Call(1));
        self.emit(Op::Pop);
    }

    pub(super) fn try_stmt(
        &mut self,
        block: &[Stmt],
        param: Option<&Pattern>,
        handler: Option<&[Stmt]>,
        finalizer: Option<&[Stmt]>,
    ) {
        let finally = finalizer.map(|f| f.to_vec());
        let push = self.emit(Op::PushTry(Self::PENDING));
        self.f().tries.push(TryRegion {
            finally: finally.clone(),
        });
        self.scoped_block(block);
        self.f().tries.pop();
        self.emit(Op::PopTry);
        let Some(h) = handler else {
            // try/finally: normal completion runs the finally block; a throw
            // lands on the rethrow path.
            let fin = finally.unwrap_or_default();
            self.scoped_block(&fin);
            let end = self.emit(Op::Jump(Self::PENDING));
            self.patch(push);
            self.finally_rethrow(&fin);
            self.patch(end);
            return;
        };
        let after_catch = self.emit(Op::Jump(Self::PENDING));
        self.patch(push);
        // [exception] on the stack; with a finally, the catch body is protected too.
        let rethrow = finally.as_ref().map(|f| {
            let j = self.emit(Op::PushTry(Self::PENDING));
            self.f().tries.push(TryRegion {
                finally: Some(f.clone()),
            });
            j
        });
        self.push_scope();
        match param {
            Some(p) => {
                self.declare_pattern(p, false);
                self.destructure(p, true);
            }
            None => {
                self.emit(Op::Pop);
            }
        }
        self.scoped_block(h);
        self.pop_scope();
        if rethrow.is_some() {
            self.f().tries.pop();
            self.emit(Op::PopTry);
        }
        self.patch(after_catch);
        if let (Some(fin), Some(r)) = (&finally, rethrow) {
            self.scoped_block(fin);
            let end = self.emit(Op::Jump(Self::PENDING));
            self.patch(r);
            self.finally_rethrow(fin);
            self.patch(end);
        }
    }

    /// [exception] → runs the finally block, then throws the exception again.
    pub(super) fn finally_rethrow(&mut self, fin: &[Stmt]) {
        self.push_scope();
        let tmp = self.temp();
        self.emit(Op::StoreLocalPop(Slot(tmp)));
        self.scoped_block(fin);
        self.emit(Op::LoadLocal(Slot(tmp)));
        self.emit(Op::Throw);
        self.pop_scope();
    }

    pub(super) fn switch(&mut self, disc: &Expr, cases: &[Case]) {
        self.push_scope();
        let tmp = self.temp();
        self.expr(disc);
        self.emit(Op::StoreLocalPop(Slot(tmp)));
        // All case bodies share one block scope, as in JavaScript, and the
        // case tests are evaluated in it. Its captured names get their
        // cells here, before any jump: declared after the tests, the cells
        // were made in code every case jumped over.
        let all: Vec<Stmt> = cases.iter().flat_map(|c| c.body.iter().cloned()).collect();
        self.check_redeclarations(&all, false);
        self.push_scope();
        self.declare_lexicals(&all);
        let mut jumps = Vec::new();
        for case in cases {
            if let Some(t) = &case.test {
                self.emit(Op::LoadLocal(Slot(tmp)));
                self.expr(t);
                self.emit(Op::StrictEq);
                jumps.push(Some(self.emit(Op::JumpIfTrue(Self::PENDING))));
            } else {
                jumps.push(None);
            }
        }
        let to_default = self.emit(Op::Jump(Self::PENDING));
        self.push_target(None, false);
        let mut has_default = false;
        for (case, j) in cases.iter().zip(jumps) {
            match j {
                Some(j) => self.patch(j),
                None => {
                    has_default = true;
                    self.patch(to_default);
                }
            }
            for s in &case.body {
                if let StmtKind::Function(f) = &s.kind {
                    let name = f.name.clone().unwrap_or_default();
                    let fi = self.compile_function(f, &name);
                    self.emit(Op::Closure(fi));
                    let b = Self::find_local(self.fns.last().unwrap(), &name).unwrap();
                    self.init_binding(&b);
                } else {
                    self.stmt(s);
                }
            }
        }
        self.pop_scope();
        if !has_default {
            self.patch(to_default);
        }
        self.pop_target(None);
        self.pop_scope();
    }
}
