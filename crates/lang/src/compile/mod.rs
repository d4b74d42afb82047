//! AST → bytecode. Walks scopes with the resolver's rules, gives every local
//! a frame slot (captured ones hold a cell), emits `Op`s with a pc → span
//! table, folds constant expressions, and inlines `finally` blocks on every
//! path that leaves a `try`.
//!
//! This file holds the compiler's state and compiles functions; the rest is
//! one file per stage: `scope` (slots, cells, upvalues), `emit` (instructions,
//! constants, folding, jump threading), `stmt`, `expr` and `pattern`.

mod emit;
mod expr;
mod for_await;
mod generator;
mod module;
mod pattern;
mod scope;
mod stmt;

use crate::ast::*;
use crate::bytecode::Program;
use crate::bytecode::*;
use crate::diag::Diagnostic;
use crate::resolve::{self, Resolution, function_name_span, this_key};
use crate::source::{SourceFile, Span};
use std::collections::HashMap;
use std::sync::Arc;

use emit::{fold, is_small_int, thread_jumps};

/// Frames address slots with a u16; beyond this a function is refused.
const SLOTS_MAX: usize = u16::MAX as usize;

/// Calls encode their argument count in a u8.
const ARGS_MAX: usize = u8::MAX as usize;

/// Generates the bytecode of a parsed, lowered file. On failure, every
/// diagnostic found.
pub fn generate(
    ast: &super::ast::Program,
    source: Arc<SourceFile>,
) -> Result<Program, Vec<Diagnostic>> {
    let res = resolve::resolve(ast);
    let mut diags = Vec::new();
    let module = (!ast.module.is_empty()).then(|| {
        if let Some(span) = module::top_level_return(&ast.body) {
            diags.push(Diagnostic::new(
                "a module cannot `return` at its top level (a file with `import` or `export` is a module)",
                span,
            ));
        }
        module::build(ast, &mut diags)
    });
    let mut c = Compiler {
        res,
        names: Vec::new(),
        name_map: HashMap::new(),
        functions: Vec::new(),
        fns: Vec::new(),
        diags,
        privates: Vec::new(),
        module_env: HashMap::new(),
        hoisted: Vec::new(),
        is_module: module.is_some(),
    };
    let mut module = module.map(|m| {
        c.module_env = m.names;
        m.info
    });
    c.compile_main(ast, module.as_ref());
    if let Some(m) = &mut module {
        m.hoisted = std::mem::take(&mut c.hoisted);
    }
    if !c.diags.is_empty() {
        // In source order, whichever check found each.
        c.diags.sort_by_key(|d| d.span.start);
        return Err(c.diags);
    }
    let functions = c
        .functions
        .into_iter()
        .map(|f| f.expect("every reserved function is compiled"))
        .collect();
    Ok(Program {
        functions,
        names: c.names,
        source,
        module,
        dynamic_imports: ast.module.dynamic.clone(),
    })
}

#[derive(Clone)]
struct Binding {
    name: String,
    slot: u16,
    captured: bool,
    is_const: bool,
    /// The cell was created at block entry; initialisation stores into it.
    precreated: bool,
    /// A module's top-level binding that lives in its environment: upvalue
    /// `i` of the top level (an import, or a binding the module exports).
    env: Option<u16>,
}

/// A variable of an enclosing function that a function captures.
struct Upvalue {
    name: String,
    is_const: bool,
    /// It is the top level's own binding (see `Op::StoreTopUpval`).
    top: bool,
}

struct Scope {
    bindings: Vec<Binding>,
    slot_start: u16,
}

/// A loop, switch or labelled statement that `break`/`continue` can target.
struct JumpTarget {
    label: Option<String>,
    is_loop: bool,
    breaks: Vec<usize>,
    continues: Vec<usize>,
    /// How many enclosing `try`s were active when the target was entered.
    try_depth: usize,
}

/// An active `try` region: leaving it early pops its handler and runs
/// `finally`. A `for…of` over the protocol is one too: its handler and its
/// `finally` close the iterator.
struct TryRegion {
    finally: Option<Vec<Stmt>>,
}

struct FnState {
    proto: FunctionProto,
    scopes: Vec<Scope>,
    next_slot: u16,
    upvals: Vec<Upvalue>,
    targets: Vec<JumpTarget>,
    tries: Vec<TryRegion>,
    /// Pending jumps to the end of the optional chain being compiled.
    chain_exits: Vec<Vec<usize>>,
    span: Span,
    /// pc of the last jump target, so peepholes never merge across one.
    last_target: usize,
    const_nums: HashMap<u64, u32>,
    const_strs: HashMap<String, u32>,
    /// The function's own name and its key, when its body may read that
    /// name as the running closure (see `Resolution::is_self_load`).
    own_name: Option<(String, u32)>,
    /// In a generator: the slot holding its generator object.
    generator: Option<u16>,
    /// In an async function: the handler around its body, patched to its
    /// `AsyncReject` at the end (see `begin_async`).
    async_catch: Option<usize>,
    /// The body's block has been compiled (the blocks after it are nested).
    body_seen: bool,
}

enum Var {
    Local(u16),
    Cell(u16),
    Upval(u16),
    Global(Name),
    /// The running function's own name: the closure itself (`LoadSelf`).
    Own,
}

struct Compiler {
    res: Resolution,
    names: Vec<String>,
    name_map: HashMap<String, u32>,
    functions: Vec<Option<FunctionProto>>,
    fns: Vec<FnState>,
    diags: Vec<Diagnostic>,
    /// The classes being compiled, innermost last: the private names each
    /// declares and the offset that makes them its own (`#x` → `#x@12`).
    privates: Vec<(Vec<String>, u32)>,
    /// In a module: the top-level names held in the module environment
    /// (`ModuleInfo::env`), their upvalue and whether each is an import.
    module_env: HashMap<String, (u16, bool)>,
    /// A module's top-level functions the loader makes (`ModuleInfo::hoisted`).
    hoisted: Vec<(FuncIdx, u16)>,
    /// The file is a module: its top-level functions are lexical bindings.
    is_module: bool,
}

/// A literal value known at compile time (constant folding).
enum Lit {
    Num(f64),
    Str(String),
}

impl Compiler {
    fn new_fn(&mut self, name: String, f: Option<&Function>, span: Span) -> FnState {
        FnState {
            proto: FunctionProto {
                name,
                arity: 0,
                length: 0,
                has_rest: false,
                has_arguments: false,
                is_arrow: f.is_some_and(|f| f.is_arrow),
                is_class_constructor: f.is_some_and(|f| f.kind == FnKind::ClassConstructor),
                is_method: f.is_some_and(|f| f.kind == FnKind::Method),
                is_generator: f.is_some_and(|f| f.is_generator),
                is_async: f.is_some_and(|f| f.is_async),
                slots: 0,
                code: Vec::new(),
                consts: Vec::new(),
                spans: Vec::new(),
                captures: Vec::new(),
                span,
                facts: f.map(super::facts::of_function).unwrap_or_default(),
            },
            scopes: Vec::new(),
            next_slot: 0,
            upvals: Vec::new(),
            targets: Vec::new(),
            tries: Vec::new(),
            chain_exits: Vec::new(),
            span,
            last_target: 0,
            const_nums: HashMap::new(),
            const_strs: HashMap::new(),
            generator: None,
            async_catch: None,
            body_seen: false,
            own_name: f.and_then(|f| {
                let key = resolve::self_key(f)?;
                Some((f.name.clone()?, key))
            }),
        }
    }

    fn compile_main(&mut self, program: &super::ast::Program, module: Option<&ModuleInfo>) {
        self.functions.push(None);
        let state = self.new_fn("<main>".into(), None, Span::new(0, 0));
        self.fns.push(state);
        self.push_scope();
        for b in module.iter().flat_map(|m| &m.env) {
            match b {
                EnvBinding::Import { local, span, .. } => {
                    self.declare(local, span.start, true, *span);
                }
                EnvBinding::Meta => {
                    self.declare(IMPORT_META, resolve::IMPORT_META_KEY, true, program.span);
                }
                EnvBinding::Local { .. } => {}
            }
        }
        if self.res.is_captured(resolve::THIS_KEY) {
            let b = self.declare("this", resolve::THIS_KEY, true, program.span);
            self.emit(Op::LoadThis);
            self.init_binding(&b);
        }
        if program.module.top_level_await {
            // A module with top-level `await` runs as an async function:
            // calling its top level gives the promise of its evaluation.
            self.f().proto.is_async = true;
            self.begin_async();
        }
        self.declare_vars(&program.body);
        self.block_body(&program.body);
        self.emit(Op::Undef);
        self.emit_return();
        self.end_async(program.span);
        self.pop_scope();
        let mut state = self.fns.pop().unwrap();
        thread_jumps(&mut state.proto.code);
        self.functions[0] = Some(state.proto);
    }

    fn compile_function(&mut self, f: &Function, name: &str) -> FuncIdx {
        let idx = self.functions.len();
        self.functions.push(None);
        let mut fn_name = f.name.clone().unwrap_or_else(|| name.to_string());
        if fn_name == DEFAULT_BINDING {
            // `export default function () {}` is named `default`.
            fn_name = "default".to_string();
        }
        let state = self.new_fn(fn_name, Some(f), f.span);
        self.fns.push(state);
        if let FnKind::ClassBody { privates } = &f.kind {
            self.privates.push((privates.clone(), f.span.start));
        }
        self.push_scope();
        self.push_scope();
        // Parameters occupy slots 0..arity, then the rest array.
        let mut params = Vec::new();
        for p in &f.params {
            let b = match &p.pattern {
                Pattern::Ident(n, s) => Some(self.declare(n, s.start, false, *s)),
                _ => {
                    self.alloc_slot(p.pattern.span());
                    None
                }
            };
            params.push(b);
        }
        let rest = f.rest.as_ref().map(|r| match r {
            Pattern::Ident(n, s) => Some(self.declare(n, s.start, false, *s)),
            _ => {
                self.alloc_slot(r.span());
                None
            }
        });
        // Then, when the body uses it, the `arguments` object (call.rs
        // makes it).
        let arguments = self.res.uses_arguments(f).then(|| {
            let key = resolve::arguments_key(f);
            self.declare("arguments", key, false, f.span)
        });
        {
            let proto = &mut self.f().proto;
            proto.arity = f.params.len() as u16;
            proto.length = f.params.iter().take_while(|p| p.default.is_none()).count() as u16;
            proto.has_rest = f.rest.is_some();
            proto.has_arguments = arguments.is_some();
        }
        if f.params.len() > ARGS_MAX {
            self.error(
                format!("too many parameters (more than {ARGS_MAX})"),
                f.span,
            );
        }
        for b in params
            .iter()
            .chain(rest.iter())
            .chain([&arguments])
            .flatten()
        {
            if b.captured {
                self.emit(Op::LoadLocal(Slot(b.slot)));
                self.emit(Op::NewCell(Slot(b.slot)));
            }
        }
        if !f.is_arrow && self.res.is_captured(this_key(f)) {
            let b = self.declare("this", this_key(f), true, f.span);
            self.emit(Op::LoadThis);
            self.init_binding(&b);
        }
        if f.is_async && !f.is_generator {
            // An async function starts at once, but from here: an error in
            // its parameters' defaults rejects its promise.
            self.begin_async();
        }
        for (i, p) in f.params.iter().enumerate() {
            let slot = i as u16;
            let captured = params[i].as_ref().is_some_and(|b| b.captured);
            if let Some(d) = &p.default {
                let load = if captured {
                    Op::LoadCell(Slot(slot))
                } else {
                    Op::LoadLocal(Slot(slot))
                };
                self.emit(load);
                let j = self.emit(Op::JumpIfNotUndefined(Self::PENDING));
                let hint = if let Pattern::Ident(n, _) = &p.pattern {
                    n.clone()
                } else {
                    String::new()
                };
                self.expr_named(d, &hint);
                self.patch(j);
                if captured {
                    self.emit(Op::StoreCell(Slot(slot)));
                    self.emit(Op::Pop);
                } else {
                    self.emit(Op::StoreLocalPop(Slot(slot)));
                }
            }
            if params[i].is_none() {
                self.emit(Op::LoadLocal(Slot(slot)));
                self.declare_pattern(&p.pattern, false);
                self.destructure(&p.pattern, true);
            }
        }
        if let (Some(r), Some(None)) = (&f.rest, &rest) {
            self.emit(Op::LoadLocal(Slot(f.params.len() as u16)));
            self.declare_pattern(r, false);
            self.destructure(r, true);
        }
        if f.is_generator {
            // Arguments are bound when the generator is called; the body
            // runs from here when it is first resumed.
            let slot = self.temp();
            self.f().generator = Some(slot);
            self.emit(Op::Generator(Slot(slot)));
        }
        match &f.body {
            Body::Block(stmts) => {
                self.check_parameter_redeclarations(f, stmts);
                self.declare_vars(stmts);
                self.push_scope();
                self.block_body(stmts);
                self.pop_scope();
                self.emit(Op::Undef);
                self.emit_return();
            }
            Body::Expr(e) => {
                self.expr(e);
                self.emit_return();
            }
        }
        self.end_async(f.span);
        self.pop_scope();
        self.pop_scope();
        if let FnKind::ClassBody { .. } = &f.kind {
            self.privates.pop();
        }
        let mut state = self.fns.pop().unwrap();
        thread_jumps(&mut state.proto.code);
        self.functions[idx] = Some(state.proto);
        FuncIdx(idx as u32)
    }

    /// The start of an async function's run (not an async generator's):
    /// a local for its run (undefined until its first `await` makes the
    /// run and the promise, vm/async_fn.rs), and a handler around the rest
    /// that catches what would escape the body, to reject the promise
    /// (`end_async`). The handler is not a `try` of the source, so no
    /// `return` pops it: the frame's handlers go when it returns or parks.
    /// Nothing else runs first: a call that never awaits costs its
    /// handler and its `AsyncReturn`.
    fn begin_async(&mut self) {
        let slot = self.temp();
        self.f().generator = Some(slot);
        let catch = self.emit(Op::PushTry(Self::PENDING));
        self.f().async_catch = Some(catch);
    }

    /// The end of an async function begun by `begin_async`: its handler
    /// lands on an `AsyncReject`, the function's last instruction.
    fn end_async(&mut self, span: Span) {
        if let (Some(catch), Some(slot)) = (self.f().async_catch, self.f().generator) {
            self.patch(catch);
            self.with_span(span, |c| c.emit(Op::AsyncReject(Slot(slot))));
        }
    }

    /// A function expression as a value; named ones bind their own name inside.
    fn function_value(&mut self, f: &Function, name: &str) {
        if let (Some(n), false) = (&f.name, f.is_arrow) {
            // Wrap in a scope where the name refers to the closure itself.
            let key = function_name_span(f).start;
            if self.res.is_captured(key) {
                // The closure captures its own name: create the cell first,
                // then the closure, then fill the cell.
                self.push_scope();
                let b = self.declare(n, key, true, f.span);
                self.emit(Op::Undef);
                self.emit(Op::NewCell(Slot(b.slot)));
                let fi = self.compile_function(f, name);
                self.emit(Op::Closure(fi));
                self.emit(Op::StoreCell(Slot(b.slot)));
                self.pop_scope();
                return;
            }
        }
        let fi = self.compile_function(f, name);
        self.emit(Op::Closure(fi));
    }
}
