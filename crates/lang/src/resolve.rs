//! Scope analysis before compiling: finds which bindings are captured by an
//! inner function (those live in cells; the rest stay plain stack slots).
//! The compiler walks scopes with the same rules and asks `is_captured`.

use super::ast::*;
use super::source::Span;
use std::collections::{HashMap, HashSet};

/// The key of a binding: the byte offset of its declaring identifier; for a
/// function's implicit `this`, `THIS_KEY - function start`.
pub type BindingKey = u32;
pub const THIS_KEY: u32 = u32::MAX;

/// The key of a module's hidden `import.meta` binding.
pub const IMPORT_META_KEY: u32 = u32::MAX - 1;

pub fn this_key(f: &Function) -> BindingKey {
    THIS_KEY - f.span.start
}

/// Keys of functions' implicit `arguments` count down from here (source
/// files are far smaller than 2 GiB, so they meet no declaration's offset).
const ARGUMENTS_KEY: u32 = 1 << 31;

pub fn arguments_key(f: &Function) -> BindingKey {
    ARGUMENTS_KEY - f.span.start
}

/// What a reference to a `let`/`const`/`class` binding must do about the
/// temporal dead zone. References the resolver can prove come after the
/// declaration ran have no entry and pay nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tdz {
    /// The reference may run before the declaration (a closure made
    /// earlier, a hoisted function, a `switch` case): check the value.
    Check,
    /// The reference is in the declaring function's code before the
    /// declaration ends, so it always runs first: it throws.
    Throw,
}

/// What the compiler needs to know from the resolver.
#[derive(Default, Debug)]
pub struct Resolution {
    /// By the byte offset of the referring identifier, and its name (the
    /// compiler's own references, like a class's `%this`, share offsets).
    tdz: HashMap<u32, Vec<(String, Tdz)>>,
    /// Bindings some `Tdz::Check` reference reads: they start out holding
    /// the "uninitialised" marker instead of `undefined`.
    uninit: HashSet<BindingKey>,
    captured: HashSet<BindingKey>,
    /// Function names used inside their own function (`fib` in `fib`).
    self_refs: HashSet<BindingKey>,
    /// Bindings some assignment, update or declaration writes to.
    written: HashSet<BindingKey>,
    /// Functions (by `arguments_key`) whose `arguments` some code reads.
    arguments_used: HashSet<BindingKey>,
}

impl Resolution {
    /// What the reference at byte offset `at` must do about the TDZ.
    pub fn tdz(&self, at: u32, name: &str) -> Option<Tdz> {
        if self.tdz.is_empty() {
            return None;
        }
        let refs = self.tdz.get(&at)?;
        refs.iter().find(|(n, _)| n == name).map(|&(_, t)| t)
    }

    /// Whether the binding must start out uninitialised (see `uninit`).
    pub fn starts_uninit(&self, key: BindingKey) -> bool {
        self.uninit.contains(&key)
    }

    pub fn is_captured(&self, key: BindingKey) -> bool {
        self.captured.contains(&key)
    }

    /// Whether function `f`'s body (or an arrow inside it) uses `arguments`.
    pub fn uses_arguments(&self, f: &Function) -> bool {
        !f.is_arrow && self.arguments_used.contains(&arguments_key(f))
    }

    /// Whether the function keyed `key` (see `function_name_span`) reads
    /// its own name as the running closure: nothing ever assigns the name,
    /// so inside the function it can only be the function itself.
    pub fn is_self_load(&self, key: BindingKey) -> bool {
        self.self_refs.contains(&key) && !self.written.contains(&key)
    }
}

/// The key of a function's own name, if it has one it can see: a
/// declaration's or a named function expression's (not an arrow's).
pub fn self_key(f: &Function) -> Option<BindingKey> {
    (f.name.is_some() && !f.is_arrow).then(|| function_name_span(f).start)
}

struct Scope {
    names: HashMap<String, BindingKey>,
    fn_depth: usize,
}

/// When a lexical binding becomes usable.
#[derive(Clone, Copy)]
enum Ready {
    /// At this byte offset, the end of its declaration; `same_fn` limits
    /// the check to the declaring function's own code (parameters).
    At { offset: u32, same_fn: bool },
    /// A `switch`'s: a case may jump over the declaration.
    Never,
}

struct Resolver {
    scopes: Vec<Scope>,
    fn_depth: usize,
    /// The temporal dead zones of the lexical bindings seen so far.
    ready: HashMap<BindingKey, Ready>,
    /// Each function being resolved, outermost first: where it starts and
    /// whether it is a hoisted declaration (made before any code runs).
    fn_stack: Vec<(u32, bool)>,
    /// `self_key` of each function being resolved, innermost last.
    fn_keys: Vec<Option<BindingKey>>,
    out: Resolution,
}

pub fn resolve(program: &Program) -> Resolution {
    let mut r = Resolver {
        scopes: Vec::new(),
        fn_depth: 0,
        ready: HashMap::new(),
        fn_stack: Vec::new(),
        fn_keys: Vec::new(),
        out: Resolution::default(),
    };
    r.push();
    r.declare("this", THIS_KEY);
    if program.module.import_meta {
        r.declare(IMPORT_META, IMPORT_META_KEY);
    }
    // A module's imports: bindings of its top level that another module
    // initialises, so every read checks (a cycle may read one early).
    for import in &program.module.imports {
        for b in &import.bindings {
            r.declare(&b.local, b.span.start);
            if b.imported != ImportName::Namespace {
                r.ready.insert(b.span.start, Ready::Never);
            }
        }
    }
    let mut vars = Vec::new();
    collect_vars(&program.body, &mut vars);
    for (name, span) in vars {
        r.declare(&name, span.start);
    }
    r.block(&program.body);
    // A name that is written is a variable after all: its function reads
    // it through a captured cell like any other.
    let mut out = r.out;
    for k in out.self_refs.intersection(&out.written) {
        out.captured.insert(*k);
    }
    out
}

/// Names declared with `var` in a function body (not inside nested functions).
pub fn collect_vars(stmts: &[Stmt], out: &mut Vec<(String, Span)>) {
    for s in stmts {
        collect_vars_stmt(s, out);
    }
}

fn collect_vars_stmt(s: &Stmt, out: &mut Vec<(String, Span)>) {
    match &s.kind {
        StmtKind::Var(VarKind::Var, decls) => {
            for d in decls {
                pattern_names(&d.pattern, out);
            }
        }
        StmtKind::Block(b) => collect_vars(b, out),
        StmtKind::If(_, a, b) => {
            collect_vars_stmt(a, out);
            if let Some(b) = b {
                collect_vars_stmt(b, out);
            }
        }
        StmtKind::For { init, body, .. } => {
            if let Some(ForInit::Decl(VarKind::Var, decls)) = init {
                for d in decls {
                    pattern_names(&d.pattern, out);
                }
            }
            collect_vars_stmt(body, out);
        }
        StmtKind::ForOf { head, body, .. }
        | StmtKind::ForAwait { head, body, .. }
        | StmtKind::ForIn { head, body, .. } => {
            if let ForHead::Decl(VarKind::Var, p) = head {
                pattern_names(p, out);
            }
            collect_vars_stmt(body, out);
        }
        StmtKind::While(_, b) | StmtKind::DoWhile(b, _) | StmtKind::Labeled(_, b) => {
            collect_vars_stmt(b, out)
        }
        StmtKind::Try {
            block,
            handler,
            finalizer,
            ..
        } => {
            collect_vars(block, out);
            if let Some(h) = handler {
                collect_vars(h, out);
            }
            if let Some(f) = finalizer {
                collect_vars(f, out);
            }
        }
        StmtKind::Switch(_, cases) => {
            for c in cases {
                collect_vars(&c.body, out);
            }
        }
        _ => {}
    }
}

/// Every identifier a pattern binds, in order.
pub fn pattern_names(p: &Pattern, out: &mut Vec<(String, Span)>) {
    match p {
        Pattern::Ident(n, s) => out.push((n.clone(), *s)),
        Pattern::Expr(_) => {}
        Pattern::Object { props, rest, .. } => {
            for pp in props {
                pattern_names(&pp.value, out);
            }
            if let Some(r) = rest {
                pattern_names(r, out);
            }
        }
        Pattern::Array { elems, rest, .. } => {
            for e in elems.iter().flatten() {
                pattern_names(&e.pattern, out);
            }
            if let Some(r) = rest {
                pattern_names(r, out);
            }
        }
    }
}

/// Names a block declares with `let`, `const` or `function`, in order, and
/// whether each is a constant.
pub fn lexical_names(stmts: &[Stmt]) -> Vec<(String, Span, bool)> {
    let mut out = Vec::new();
    for s in stmts {
        match &s.kind {
            StmtKind::Var(kind @ (VarKind::Let | VarKind::Const), decls) => {
                let mut names = Vec::new();
                for d in decls {
                    pattern_names(&d.pattern, &mut names);
                }
                out.extend(
                    names
                        .into_iter()
                        .map(|(n, s)| (n, s, *kind == VarKind::Const)),
                );
            }
            StmtKind::Function(f) => out.push((
                f.name.clone().unwrap_or_default(),
                function_name_span(f),
                false,
            )),
            _ => {}
        }
    }
    out
}

/// Function declarations are keyed by their `function` keyword's offset.
pub fn function_name_span(f: &Function) -> Span {
    Span {
        start: f.span.start,
        end: f.span.start,
    }
}

impl Resolver {
    fn push(&mut self) {
        self.scopes.push(Scope {
            names: HashMap::new(),
            fn_depth: self.fn_depth,
        });
    }
    fn pop(&mut self) {
        self.scopes.pop();
    }
    fn declare(&mut self, name: &str, key: BindingKey) {
        let names = &mut self.scopes.last_mut().unwrap().names;
        match names.get(name) {
            // `var f` and `function f` (or two `function f`) in one scope
            // are one binding, as in the compiler, which keeps the first
            // declaration's slot: keep its key too. The later declaration
            // writes it.
            Some(&first) => {
                self.out.written.insert(first);
            }
            None => {
                names.insert(name.to_string(), key);
            }
        }
    }
    /// A name read by the identifier at byte offset `at`.
    fn reference(&mut self, name: &str, at: u32) {
        self.resolve_name(name, at, false);
    }

    /// A name an assignment, update or declaration writes to.
    fn write(&mut self, name: &str, at: u32) {
        self.resolve_name(name, at, true);
    }

    /// Records that the lexical bindings `stmts` declares are usable from
    /// the end of their declarators.
    fn note_lexicals(&mut self, stmts: &[Stmt], switch: bool) {
        for s in stmts {
            if let StmtKind::Var(VarKind::Let | VarKind::Const, decls) = &s.kind {
                self.note_declarators(decls, switch);
            }
        }
    }

    fn note_declarators(&mut self, decls: &[Declarator], switch: bool) {
        for d in decls {
            let end = d.init.as_ref().map_or(d.pattern.span().end, |i| i.span.end);
            let mut names = Vec::new();
            pattern_names(&d.pattern, &mut names);
            // The compiler's own `%` names are used only once set, except
            // a derived constructor's `this` (`%this`), set by `super()`.
            names.retain(|(n, _)| !n.starts_with('%') || n == "%this");
            for (n, span) in names {
                let ready = if switch || n == "%this" {
                    Ready::Never
                } else {
                    Ready::At {
                        offset: end,
                        same_fn: false,
                    }
                };
                self.ready.insert(span.start, ready);
            }
        }
    }

    /// Classifies a reference at `at` to the binding `key`, declared in a
    /// scope of the function at depth `depth` (see `Tdz`).
    fn note_tdz(&mut self, name: &str, key: BindingKey, depth: usize, at: u32) {
        let Some(&ready) = self.ready.get(&key) else {
            return;
        };
        if at == key {
            return; // the declaration itself
        }
        let same_fn = depth == self.fn_depth;
        let tdz = match ready {
            Ready::Never => Tdz::Check,
            Ready::At { offset, .. } if same_fn => {
                if at < offset {
                    Tdz::Throw
                } else {
                    return;
                }
            }
            Ready::At { same_fn: true, .. } => return,
            Ready::At { offset, .. } => {
                // The closure made in the declaring function's code.
                let (start, hoisted) = self.fn_stack[depth];
                if !hoisted && start >= offset {
                    return;
                }
                Tdz::Check
            }
        };
        if tdz == Tdz::Check {
            self.out.uninit.insert(key);
        }
        let refs = self.out.tdz.entry(at).or_default();
        if !refs.iter().any(|(n, _)| n == name) {
            refs.push((name.to_string(), tdz));
        }
    }

    fn resolve_name(&mut self, name: &str, at: u32, writes: bool) {
        let Some((key, depth)) = self
            .scopes
            .iter()
            .rev()
            .find_map(|s| s.names.get(name).map(|&key| (key, s.fn_depth)))
        else {
            return;
        };
        // `super()` initialises a derived constructor's `%this`.
        if !(writes && name == "%this") {
            self.note_tdz(name, key, depth, at);
        }
        if name == "arguments" {
            self.out.arguments_used.insert(key);
        }
        if writes {
            self.out.written.insert(key);
        }
        let own_name = self.fn_keys.last() == Some(&Some(key)) && depth + 1 == self.fn_depth;
        if own_name && !writes {
            self.out.self_refs.insert(key);
        } else if depth < self.fn_depth {
            self.out.captured.insert(key);
        }
    }

    fn block(&mut self, stmts: &[Stmt]) {
        for (name, span, _) in lexical_names(stmts) {
            self.declare(&name, span.start);
        }
        self.note_lexicals(stmts, false);
        for s in stmts {
            self.stmt(s);
        }
    }

    fn scoped_block(&mut self, stmts: &[Stmt]) {
        self.push();
        self.block(stmts);
        self.pop();
    }

    fn declare_pattern(&mut self, p: &Pattern) {
        let mut names = Vec::new();
        pattern_names(p, &mut names);
        for (n, s) in names {
            self.declare(&n, s.start);
        }
    }

    fn stmt(&mut self, s: &Stmt) {
        semantics::stack::grow(|| self.stmt_inner(s))
    }

    fn stmt_inner(&mut self, s: &Stmt) {
        match &s.kind {
            StmtKind::Empty | StmtKind::Break(_) | StmtKind::Continue(_) => {}
            StmtKind::Expr(e) | StmtKind::Throw(e) => self.expr(e),
            StmtKind::Return(e) => {
                if let Some(e) = e {
                    self.expr(e)
                }
            }
            StmtKind::Var(_, decls) => {
                for d in decls {
                    if let Some(i) = &d.init {
                        self.expr(i);
                    }
                    self.pattern(&d.pattern);
                }
            }
            StmtKind::Function(f) => self.function(f, false),
            StmtKind::Block(b) => self.scoped_block(b),
            StmtKind::If(t, a, b) => {
                self.expr(t);
                self.stmt(a);
                if let Some(b) = b {
                    self.stmt(b);
                }
            }
            StmtKind::For {
                init,
                test,
                update,
                body,
            } => {
                self.push();
                match init {
                    Some(ForInit::Decl(kind, decls)) => {
                        if *kind != VarKind::Var {
                            for d in decls {
                                self.declare_pattern(&d.pattern);
                            }
                            self.note_declarators(decls, false);
                        }
                        for d in decls {
                            if let Some(i) = &d.init {
                                self.expr(i);
                            }
                            self.pattern(&d.pattern);
                        }
                    }
                    Some(ForInit::Expr(e)) => self.expr(e),
                    None => {}
                }
                if let Some(t) = test {
                    self.expr(t);
                }
                if let Some(u) = update {
                    self.expr(u);
                }
                self.stmt(body);
                self.pop();
            }
            StmtKind::ForOf {
                head,
                iter: e,
                body,
            }
            | StmtKind::ForAwait {
                head,
                iter: e,
                body,
            }
            | StmtKind::ForIn {
                head,
                object: e,
                body,
            } => {
                self.expr(e);
                self.push();
                match head {
                    ForHead::Decl(kind, p) => {
                        if *kind != VarKind::Var {
                            self.declare_pattern(p);
                        }
                        self.pattern(p);
                    }
                    ForHead::Target(p) => self.pattern(p),
                }
                self.stmt(body);
                self.pop();
            }
            StmtKind::While(t, b) | StmtKind::DoWhile(b, t) => {
                self.expr(t);
                self.stmt(b);
            }
            StmtKind::Try {
                block,
                param,
                handler,
                finalizer,
            } => {
                self.scoped_block(block);
                if let Some(h) = handler {
                    self.push();
                    if let Some(p) = param {
                        self.declare_pattern(p);
                        self.pattern(p);
                    }
                    self.scoped_block(h);
                    self.pop();
                }
                if let Some(f) = finalizer {
                    self.scoped_block(f);
                }
            }
            StmtKind::Switch(d, cases) => {
                self.expr(d);
                self.push();
                let all: Vec<Stmt> = cases.iter().flat_map(|c| c.body.iter().cloned()).collect();
                for (name, span, _) in lexical_names(&all) {
                    self.declare(&name, span.start);
                }
                self.note_lexicals(&all, true);
                for c in cases {
                    if let Some(t) = &c.test {
                        self.expr(t);
                    }
                    for s in &c.body {
                        self.stmt(s);
                    }
                }
                self.pop();
            }
            StmtKind::Labeled(_, b) => self.stmt(b),
        }
    }

    /// References made by a pattern: defaults, computed keys, member targets.
    fn pattern(&mut self, p: &Pattern) {
        match p {
            Pattern::Ident(n, s) => self.write(n, s.start),
            Pattern::Expr(e) => self.expr(e),
            Pattern::Object { props, rest, .. } => {
                for pp in props {
                    if let PropKey::Computed(k) = &pp.key {
                        self.expr(k);
                    }
                    if let Some(d) = &pp.default {
                        self.expr(d);
                    }
                    self.pattern(&pp.value);
                }
                if let Some(r) = rest {
                    self.pattern(r);
                }
            }
            Pattern::Array { elems, rest, .. } => {
                for e in elems.iter().flatten() {
                    if let Some(d) = &e.default {
                        self.expr(d);
                    }
                    self.pattern(&e.pattern);
                }
                if let Some(r) = rest {
                    self.pattern(r);
                }
            }
        }
    }

    fn function(&mut self, f: &Function, is_expr: bool) {
        // A named function expression sees its own name; the binding lives
        // just outside the function, so uses inside it are captures.
        self.push();
        if let (Some(name), true) = (&f.name, is_expr && !f.is_arrow) {
            self.declare(name, function_name_span(f).start);
        }
        self.fn_depth += 1;
        self.fn_stack.push((f.span.start, !is_expr));
        self.fn_keys.push(self_key(f));
        self.push();
        if !f.is_arrow {
            self.declare("this", this_key(f));
            self.declare("arguments", arguments_key(f));
        }
        for p in &f.params {
            self.declare_pattern(&p.pattern);
            // `function f(a = b, b)`: a parameter is usable after its own.
            let end = p
                .default
                .as_ref()
                .map_or(p.pattern.span().end, |d| d.span.end);
            let mut names = Vec::new();
            pattern_names(&p.pattern, &mut names);
            for (_, span) in names {
                let ready = Ready::At {
                    offset: end,
                    same_fn: true,
                };
                self.ready.insert(span.start, ready);
            }
        }
        if let Some(r) = &f.rest {
            self.declare_pattern(r);
        }
        for p in &f.params {
            if let Some(d) = &p.default {
                self.expr(d);
            }
            self.pattern(&p.pattern);
        }
        if let Some(r) = &f.rest {
            self.pattern(r);
        }
        // The body's `var`s come after the parameters: a closure in a
        // default sees the parameters and the outer scope, never a body
        // `var` of the same name (ECMA-262 FunctionDeclarationInstantiation
        // step 28), as the compiler declares them.
        if let Body::Block(b) = &f.body {
            let mut vars = Vec::new();
            collect_vars(b, &mut vars);
            for (n, s) in vars {
                self.declare(&n, s.start);
            }
        }
        match &f.body {
            Body::Block(b) => self.scoped_block(b),
            Body::Expr(e) => self.expr(e),
        }
        self.pop();
        self.fn_keys.pop();
        self.fn_stack.pop();
        self.fn_depth -= 1;
        self.pop();
    }

    fn args(&mut self, args: &[ArrayElem]) {
        for a in args {
            match a {
                ArrayElem::Expr(e) | ArrayElem::Spread(e) => self.expr(e),
                ArrayElem::Hole => {}
            }
        }
    }

    fn expr(&mut self, e: &Expr) {
        semantics::stack::grow(|| self.expr_inner(e))
    }

    fn expr_inner(&mut self, e: &Expr) {
        match &e.kind {
            ExprKind::Undefined
            | ExprKind::Null
            | ExprKind::Bool(_)
            | ExprKind::Num(_)
            | ExprKind::PrivateName(_)
            | ExprKind::RegExp { .. }
            | ExprKind::Str(_) => {}
            ExprKind::Intrinsic(_, args) => self.args(args),
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
            ExprKind::Template { exprs, .. } => exprs.iter().for_each(|x| self.expr(x)),
            ExprKind::Ident(n) => self.reference(n, e.span.start),
            ExprKind::This => self.reference("this", u32::MAX),
            ExprKind::Array(items) => self.args(items),
            ExprKind::Object(props) => {
                for p in props {
                    match p {
                        Prop::Init { key, value } | Prop::Accessor { key, value, .. } => {
                            if let PropKey::Computed(k) = key {
                                self.expr(k);
                            }
                            self.expr(value);
                        }
                        Prop::ShorthandDefault {
                            name,
                            default,
                            span,
                        } => {
                            self.reference(name, span.start);
                            self.expr(default);
                        }
                        Prop::Spread(x) | Prop::Proto(x) => self.expr(x),
                    }
                }
            }
            ExprKind::Function(f) => self.function(f, true),
            ExprKind::Unary(_, x) | ExprKind::OptChain(x) => self.expr(x),
            ExprKind::Update { target, .. } => match &target.kind {
                ExprKind::Ident(n) => self.write(n, target.span.start),
                _ => self.expr(target),
            },
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
            ExprKind::Call { callee, args, .. } | ExprKind::New { callee, args } => {
                self.expr(callee);
                self.args(args);
            }
            ExprKind::Member { object, .. } => self.expr(object),
            ExprKind::Index { object, index, .. } => {
                self.expr(object);
                self.expr(index);
            }
            ExprKind::Seq(items) => items.iter().for_each(|x| self.expr(x)),
        }
    }
}
