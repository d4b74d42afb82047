//! Scopes: frame slots for locals and temporaries, cells for captured
//! bindings, upvalues, and loading and storing a name wherever it lives.

use super::*;
use crate::ast::*;
use crate::bytecode::*;
use crate::resolve::{Tdz, collect_vars, lexical_names};
use crate::source::Span;

impl Compiler {
    pub(super) fn push_scope(&mut self) {
        let f = self.f();
        let slot_start = f.next_slot;
        f.scopes.push(Scope {
            bindings: Vec::new(),
            slot_start,
        });
    }

    pub(super) fn pop_scope(&mut self) {
        let f = self.f();
        let s = f.scopes.pop().unwrap();
        f.next_slot = s.slot_start;
    }

    pub(super) fn alloc_slot(&mut self, span: Span) -> u16 {
        let f = self.fns.last_mut().unwrap();
        let slot = f.next_slot;
        if slot as usize >= SLOTS_MAX {
            self.error("too many local variables in one function", span);
            return 0;
        }
        f.next_slot += 1;
        f.proto.slots = f.proto.slots.max(f.next_slot);
        slot
    }

    /// A hidden local for the compiler's own use, freed with the scope.
    pub(super) fn temp(&mut self) -> u16 {
        self.named_temp(String::new())
    }

    /// A hidden local the compiler's own code refers to by `name` (a
    /// `%` name, which no script can write).
    pub(super) fn named_temp(&mut self, name: String) -> u16 {
        let span = self.f().span;
        let slot = self.alloc_slot(span);
        self.f().scopes.last_mut().unwrap().bindings.push(Binding {
            name,
            slot,
            captured: false,
            is_const: false,
            precreated: false,
            env: None,
        });
        slot
    }

    pub(super) fn declare(&mut self, name: &str, key: u32, is_const: bool, span: Span) -> Binding {
        let existing = self
            .f()
            .scopes
            .last()
            .unwrap()
            .bindings
            .iter()
            .find(|b| b.name == name)
            .cloned();
        if let Some(b) = existing {
            if b.is_const || is_const {
                self.error(
                    format!("identifier `{name}` has already been declared"),
                    span,
                );
            }
            return b.clone();
        }
        // A module's top-level binding in its environment needs no slot
        // (and has none any slot search could find).
        let env = if self.fns.len() == 1 && self.f().scopes.len() == 1 {
            self.module_env.get(name).map(|&(i, _)| i)
        } else {
            None
        };
        let slot = if env.is_some() {
            u16::MAX
        } else {
            self.alloc_slot(span)
        };
        let b = Binding {
            name: name.to_string(),
            slot,
            captured: self.res.is_captured(key),
            is_const,
            precreated: false,
            env,
        };
        self.f().scopes.last_mut().unwrap().bindings.push(b.clone());
        b
    }

    pub(super) fn find_local(f: &FnState, name: &str) -> Option<Binding> {
        f.scopes
            .iter()
            .rev()
            .find_map(|s| s.bindings.iter().rev().find(|b| b.name == name))
            .cloned()
    }

    pub(super) fn lookup(&mut self, name: &str) -> (Var, bool) {
        let top = self.fns.len() - 1;
        let local = Self::find_local(&self.fns[top], name);
        if let (None, Some((own, key))) = (&local, &self.fns[top].own_name) {
            if own == name && self.res.is_self_load(*key) {
                return (Var::Own, true);
            }
        }
        if let Some(b) = local {
            if let Some(i) = b.env {
                return (Var::Upval(i), b.is_const);
            }
            return (
                if b.captured {
                    Var::Cell(b.slot)
                } else {
                    Var::Local(b.slot)
                },
                b.is_const,
            );
        }
        if let Some((i, c)) = self.resolve_upval(top, name) {
            return (Var::Upval(i), c);
        }
        (Var::Global(self.name(name)), false)
    }

    pub(super) fn resolve_upval(&mut self, fi: usize, name: &str) -> Option<(u16, bool)> {
        if fi == 0 {
            return None;
        }
        if let Some(i) = self.fns[fi].upvals.iter().position(|u| u.name == name) {
            return Some((i as u16, self.fns[fi].upvals[i].is_const));
        }
        // A binding of the top level's own (a module's environment, or a
        // cell of its frame) is module state once the file has loaded.
        let (capture, is_const, top) = if let Some(b) = Self::find_local(&self.fns[fi - 1], name) {
            if let Some(i) = b.env {
                (Capture::Upval(i), b.is_const, true)
            } else {
                debug_assert!(b.captured, "resolver missed a capture of `{name}`");
                (Capture::Local(Slot(b.slot)), b.is_const, fi - 1 == 0)
            }
        } else {
            let (i, c) = self.resolve_upval(fi - 1, name)?;
            (
                Capture::Upval(i),
                c,
                self.fns[fi - 1].upvals[i as usize].top,
            )
        };
        let f = &mut self.fns[fi];
        f.upvals.push(Upvalue {
            name: name.to_string(),
            is_const,
            top,
        });
        f.proto.captures.push(capture);
        Some(((f.upvals.len() - 1) as u16, is_const))
    }

    /// [] → [v], reading the name at byte offset `at` (the TDZ check, if
    /// the resolver asked for one, is made there).
    pub(super) fn load_var(&mut self, name: &str, at: u32) {
        match self.res.tdz(at, name) {
            None => self.load_plain(name),
            Some(Tdz::Check) => {
                self.load_plain(name);
                let n = self.name(name);
                self.emit(Op::CheckInit(n));
            }
            Some(Tdz::Throw) => self.throw_uninit(name),
        }
    }

    /// [] → [], throwing the TDZ's ReferenceError for `name`.
    fn throw_uninit(&mut self, name: &str) {
        let n = self.name(name);
        self.emit(Op::Uninit);
        self.emit(Op::CheckInit(n));
    }

    /// The slot of `name`, at byte offset `at`, if it is a plain local
    /// (uncaptured, needing no TDZ check) and whether it is a constant:
    /// what the one-instruction forms of local reads and updates need.
    pub(super) fn plain_local(&mut self, name: &str, at: u32) -> Option<(u16, bool)> {
        if self.res.tdz(at, name).is_some() {
            return None;
        }
        match self.lookup(name) {
            (Var::Local(s), is_const) => Some((s, is_const)),
            _ => None,
        }
    }

    fn load_plain(&mut self, name: &str) {
        match self.lookup(name).0 {
            Var::Local(s) => self.emit(Op::LoadLocal(Slot(s))),
            Var::Cell(s) => self.emit(Op::LoadCell(Slot(s))),
            Var::Upval(i) => self.emit(Op::LoadUpval(i)),
            Var::Global(n) => self.emit(Op::LoadGlobal(n)),
            Var::Own => self.emit(Op::LoadSelf),
        };
    }

    /// [v] → [v], assigning an existing variable.
    pub(super) fn store_var(&mut self, name: &str, span: Span) {
        // The compiler's own names are written only where they are set
        // (`%this = super(…)`), never in a dead zone.
        let tdz = if name.starts_with('%') {
            None
        } else {
            self.res.tdz(span.start, name)
        };
        match tdz {
            None => {}
            Some(Tdz::Check) => {
                self.load_plain(name);
                let n = self.name(name);
                self.emit(Op::CheckInit(n));
                self.emit(Op::Pop);
            }
            Some(Tdz::Throw) => {
                self.throw_uninit(name);
                self.emit(Op::Pop);
            }
        }
        let (var, is_const) = self.lookup(name);
        if is_const {
            // A TypeError when it runs, as specified (code that never runs
            // may assign to a constant).
            let n = self.name(name);
            self.with_span(span, |c| c.emit(Op::AssignConst(n)));
            return;
        }
        match var {
            Var::Local(s) => self.emit(Op::StoreLocal(Slot(s))),
            Var::Cell(s) => self.emit(Op::StoreCell(Slot(s))),
            Var::Upval(i) if self.f().upvals.get(i as usize).is_some_and(|u| u.top) => {
                self.emit(Op::StoreTopUpval(i))
            }
            Var::Upval(i) => self.emit(Op::StoreUpval(i)),
            Var::Global(n) => self.emit(Op::StoreGlobal(n)),
            // A written name is never `Own` (the resolver saw the write);
            // `is_const` above has reported it if it ever were.
            Var::Own => 0,
        };
    }

    /// [v] → [], initialising a binding declared in the current function.
    pub(super) fn init_binding(&mut self, b: &Binding) {
        if let Some(i) = b.env {
            self.emit(Op::StoreUpval(i));
            self.emit(Op::Pop);
        } else if !b.captured {
            self.emit(Op::StoreLocalPop(Slot(b.slot)));
        } else if b.precreated {
            self.emit(Op::StoreCell(Slot(b.slot)));
            self.emit(Op::Pop);
        } else {
            self.emit(Op::NewCell(Slot(b.slot)));
        }
    }

    pub(super) fn declare_vars(&mut self, body: &[Stmt]) {
        let mut vars = Vec::new();
        collect_vars(body, &mut vars);
        for (name, span) in vars {
            if Self::find_local(self.fns.last().unwrap(), &name).is_some() {
                continue;
            }
            let b = self.declare(&name, span.start, false, span);
            if b.captured && b.env.is_none() {
                self.emit(Op::Undef);
                self.emit(Op::NewCell(Slot(b.slot)));
            }
        }
    }

    /// Declares a block's `let`/`const`/`function` names and creates cells for
    /// the captured ones (so closures made before the declaration runs share them).
    pub(super) fn declare_lexicals(&mut self, stmts: &[Stmt]) {
        for (name, span, is_const) in lexical_names(stmts) {
            let b = self.declare(&name, span.start, is_const, span);
            if b.env.is_some() {
                // The loader made its cell, uninitialised.
                continue;
            }
            let uninit = self.res.starts_uninit(span.start);
            if uninit && !b.captured {
                // A `switch`'s binding: a case may jump over its declaration.
                self.emit(Op::Uninit);
                self.emit(Op::StoreLocalPop(Slot(b.slot)));
            }
            if b.captured {
                self.emit(if uninit { Op::Uninit } else { Op::Undef });
                self.emit(Op::NewCell(Slot(b.slot)));
                let scope = self.f().scopes.last_mut().unwrap();
                if let Some(x) = scope
                    .bindings
                    .iter_mut()
                    .find(|x| x.slot == b.slot && x.env.is_none())
                {
                    x.precreated = true;
                }
            }
        }
    }

    /// The slot of an expression that is a plain (uncaptured) local variable.
    pub(super) fn local_slot(&mut self, e: &Expr) -> Option<u16> {
        match &e.kind {
            ExprKind::Ident(n) => self.plain_local(n, e.span.start).map(|(s, _)| s),
            _ => None,
        }
    }

    /// Early errors: a block that declares a name twice with `let`,
    /// `const`, `class` (or, below a function's top level, `function`), or
    /// with one of those and `var`. The error is at the later declaration.
    pub(super) fn check_redeclarations(&mut self, stmts: &[Stmt], top: bool) {
        let mut lexical: Vec<(String, Span, bool)> = Vec::new();
        for s in stmts {
            match &s.kind {
                StmtKind::Var(VarKind::Let | VarKind::Const, decls) => {
                    let mut names = Vec::new();
                    for d in decls {
                        crate::resolve::pattern_names(&d.pattern, &mut names);
                    }
                    lexical.extend(names.into_iter().map(|(n, span)| (n, span, false)));
                }
                StmtKind::Function(f) => {
                    if let Some(n) = &f.name {
                        lexical.push((n.clone(), crate::resolve::function_name_span(f), true));
                    }
                }
                _ => {}
            }
        }
        let mut vars = Vec::new();
        collect_vars(stmts, &mut vars);
        let mut errors = Vec::new();
        for (i, (name, span, is_fn)) in lexical.iter().enumerate() {
            let (span, is_fn) = (*span, *is_fn);
            let twice = lexical[..i]
                .iter()
                .any(|(n, _, f)| n == name && !(top && is_fn && *f));
            if twice {
                errors.push((name.to_string(), span));
                continue;
            }
            if top && is_fn {
                continue;
            }
            if let Some((_, vspan)) = vars.iter().find(|(v, _)| v == name) {
                let later = if vspan.start > span.start {
                    *vspan
                } else {
                    span
                };
                errors.push((name.to_string(), later));
            }
        }
        for (name, span) in errors {
            self.error(
                format!("identifier `{name}` has already been declared"),
                span,
            );
        }
    }

    /// `function f(a) { let a; }`: a parameter redeclared in the body.
    pub(super) fn check_parameter_redeclarations(&mut self, f: &Function, body: &[Stmt]) {
        let mut params = Vec::new();
        for p in &f.params {
            crate::resolve::pattern_names(&p.pattern, &mut params);
        }
        if let Some(r) = &f.rest {
            crate::resolve::pattern_names(r, &mut params);
        }
        for (name, span, _) in lexical_names(body) {
            let is_fn = body.iter().any(
                |s| matches!(&s.kind, StmtKind::Function(g) if g.name.as_deref() == Some(&name)),
            );
            if !is_fn && params.iter().any(|(p, _)| *p == name) {
                self.error(
                    format!("identifier `{name}` has already been declared"),
                    span,
                );
            }
        }
    }
}
