//! Instantiating a linked module graph (`lang::link`) on a VM and running
//! its top levels: every module's environment is made first (its own
//! cells, uninitialised for `let`/`const`/`class`; the exporting modules'
//! cells for its imports, so bindings are live and cycles see each other;
//! namespace objects), then one stepping function makes the calls of the
//! evaluation's synchronous part (`lang::link::evaluation`) as ordinary
//! calls, so a top level may wait for I/O like any code (`kitwork run`).
//! A module with top-level `await` is started there and finishes later
//! (module_async.rs). After a module ran, its namespace object holds its
//! exports' values; after all ran, every namespace is refreshed once more
//! (a cycle may set an export late).

use crate::attrs;
use crate::error::Interrupt;
use crate::heap::Class;
use crate::state::{Outcome, Uncaught, Vm};
use crate::stepper::Stepper;
use crate::value::{Atom, ObjId, Value};
use lang::bytecode::EnvBinding;
use lang::bytecode::FuncIdx;
use lang::link::{Evaluation, Link, LinkedGraph, Step};

/// The function a CommonJS module exports to run its body
/// (`kitwork_modules::wrap::LOAD`).
const LOAD: &str = "__kw_load";

/// The graph being evaluated.
#[derive(Default)]
pub(crate) struct GraphRun {
    /// Per module of the graph.
    pub modules: Vec<ModuleRun>,
    /// The calls of the synchronous part, in order: a module and how.
    pub calls: Vec<(usize, Call)>,
    /// The plan; the asynchronous part counts down its `pending`.
    pub evaluation: Evaluation,
    /// The promise of the whole evaluation, when an entry's is
    /// asynchronous: fulfilled when every entry finished, rejected with
    /// the first error.
    pub promise: Option<ObjId>,
    /// Entries whose asynchronous evaluation has not finished.
    pub entries_left: usize,
    /// `import()` promises waiting for a module's evaluation to finish.
    pub waiters: Vec<(usize, ObjId)>,
}

/// How a module's code is called.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Call {
    /// A CommonJS module's body (its `__kw_load`), first asked for here.
    Load,
    /// A top level, to its end.
    Run,
    /// An async top level, to its first `await`; its promise finishes it.
    Start,
}

/// One module of the graph being evaluated.
pub(crate) struct ModuleRun {
    /// Its top level: a closure over its environment.
    pub main: Value,
    /// A CommonJS module's loading function.
    pub loader: Option<Value>,
    pub namespace: ObjId,
    /// Its exports by name, sorted, and their cells (or namespaces).
    pub exports: Vec<(Atom, Value)>,
    /// The CommonJS modules it imports, whose bodies run just before it.
    pub commonjs: Vec<usize>,
    /// Its file's name, as diagnostics give it.
    pub name: String,
    /// An entry of the graph.
    pub entry: bool,
    /// How its evaluation ended (`None` while it has not, or never began).
    pub finished: Option<Result<(), Value>>,
    /// Its functions' indices in the VM: `import()` calls in them are its.
    pub funcs: std::ops::Range<u32>,
    /// What its `import()` calls can name (`LinkedModule::dynamic`).
    pub dynamic: Vec<(String, Result<usize, String>)>,
}

/// Slots of the evaluating stepper: the argument count, the position, the
/// last top level's value.
const EVALUATE_SLOTS: u16 = 3;

impl Vm {
    /// Links every program of `graph` into this VM (`load` for each).
    /// Between runs.
    pub fn load_graph(&mut self, graph: &LinkedGraph) -> Vec<FuncIdx> {
        graph
            .modules
            .iter()
            .map(|m| self.load(&m.program))
            .collect()
    }

    /// Starts the run that evaluates `graph`, whose programs `load_graph`
    /// linked as `mains`. Its value is the last top level's (the entry's,
    /// for a graph of one entry).
    pub fn start_graph(
        &mut self,
        graph: &LinkedGraph,
        mains: &[FuncIdx],
    ) -> Result<Outcome, Uncaught> {
        self.reset();
        match self.instantiate(graph, mains) {
            Ok(()) => {}
            Err(e) => return Err(self.uncaught(e)),
        }
        let evaluate = Value::Obj(self.realm.module_evaluator);
        self.start_call(evaluate, &[])
    }

    /// Export `name` of module `m` of the graph this VM evaluated, as it
    /// is now; `None` when there is no such export or it is not
    /// initialised (the gateway reads a module's `default` so).
    pub fn module_export(&mut self, m: usize, name: &str) -> Option<Value> {
        let ns = self.graph_run.modules.get(m)?.namespace;
        let a = self.heap.intern(name);
        self.namespace_read(ns, a)?.ok()
    }

    /// The module (its index in the graph) whose top level is running, if
    /// a graph is being evaluated: what the gateway's route declarations
    /// are attributed to. The innermost top level (or CommonJS body) on
    /// the stack: the evaluator's call, or a job finishing an async one.
    pub fn evaluating_module(&self) -> Option<usize> {
        let modules = &self.graph_run.modules;
        let is = |v: Value, f: ObjId| matches!(v, Value::Obj(o) if o == f);
        self.frames.iter().rev().find_map(|f| {
            modules
                .iter()
                .position(|m| is(m.main, f.closure) || m.loader.is_some_and(|l| is(l, f.closure)))
        })
    }

    fn instantiate(&mut self, graph: &LinkedGraph, mains: &[FuncIdx]) -> Result<(), Interrupt> {
        let n = graph.modules.len();
        // Every module's namespace object (its exports are set below, once
        // the cells they read exist).
        let mut namespaces = Vec::with_capacity(n);
        for _ in 0..n {
            let ns = self.heap.alloc(Class::Namespace, None)?;
            self.pinned.push(Value::Obj(ns));
            namespaces.push(ns);
        }
        // Own cells first: imports may name any module's.
        let mut env: Vec<Vec<Value>> = Vec::with_capacity(n);
        for m in &graph.modules {
            let mut cells = Vec::with_capacity(m.links.len());
            let bindings = m.program.module.as_ref().map_or(&[][..], |i| &i.env[..]);
            for (link, b) in m.links.iter().zip(bindings) {
                let v = match (link, b) {
                    (Link::Own, EnvBinding::Local { lexical: true, .. }) => {
                        Value::Cell(self.heap.new_cell(Value::Symbol(self.atoms.uninit))?)
                    }
                    (Link::Own, EnvBinding::Meta) => {
                        // `import.meta`: an ordinary object, `url` its one key.
                        let meta = self.heap.alloc(Class::Object, None)?;
                        let url = self.heap.alloc_str(&m.url)?;
                        let key = self.heap.intern("url");
                        self.define_own(meta, key, url)?;
                        Value::Cell(self.heap.new_cell(Value::Obj(meta))?)
                    }
                    (Link::Own, _) => Value::Cell(self.heap.new_cell(Value::Undefined)?),
                    _ => Value::Undefined,
                };
                cells.push(v);
            }
            env.push(cells);
        }
        let target = |env: &Vec<Vec<Value>>, link: Link| match link {
            Link::Cell { module, env: k } => env[module][k as usize],
            Link::Namespace(module) => Value::Obj(namespaces[module]),
            Link::Own => Value::Undefined,
        };
        for (i, m) in graph.modules.iter().enumerate() {
            for (k, &link) in m.links.iter().enumerate() {
                if let Link::Namespace(_) = link {
                    // A namespace import is a constant: a cell of its own.
                    let ns = target(&env, link);
                    env[i][k] = Value::Cell(self.heap.new_cell(ns)?);
                } else if link != Link::Own {
                    env[i][k] = target(&env, link);
                }
            }
        }
        // Each top level as a closure over its environment, then the
        // functions declared at the top, which the specification makes
        // before any module runs (a cycle may call one early).
        let mut closures = Vec::with_capacity(n);
        for i in 0..n {
            let main = self
                .heap
                .alloc(Class::Closure(mains[i].0), Some(self.realm.function_proto))?;
            self.heap.obj_mut(main).elems = env[i].clone();
            self.pinned.push(Value::Obj(main));
            closures.push(main);
        }
        for (i, m) in graph.modules.iter().enumerate() {
            for &(fi, k) in m.program.module.iter().flat_map(|info| &info.hoisted) {
                let f = self.make_closure(mains[i].0 + fi.0, closures[i], 0)?;
                if let Value::Cell(c) = env[i][k as usize] {
                    self.heap.set_cell(c, Value::Obj(f));
                }
            }
        }
        // A CommonJS module's body runs when first asked for: by a
        // `require` as its requirer runs, or just before an ES module
        // that imports it; whatever no one asked for runs last.
        let loader = |vm: &Vm, j: usize| {
            graph.modules[j]
                .exports
                .iter()
                .find(|(n, _)| n == LOAD)
                .and_then(|&(_, l)| match target(&env, l) {
                    Value::Cell(c) => Some(vm.heap.cell(c)),
                    _ => None,
                })
        };
        let mut run = GraphRun {
            modules: Vec::with_capacity(n),
            calls: Vec::with_capacity(n),
            evaluation: graph.evaluation.clone(),
            promise: None,
            entries_left: 0,
            waiters: Vec::new(),
        };
        for (i, m) in graph.modules.iter().enumerate() {
            let mut exports = Vec::with_capacity(m.exports.len());
            for (name, link) in &m.exports {
                let a = self.heap.intern(name);
                exports.push((a, target(&env, *link)));
            }
            let entry = graph.entries.contains(&i);
            run.entries_left += usize::from(entry && run.evaluation.is_async(i));
            run.modules.push(ModuleRun {
                main: Value::Obj(closures[i]),
                loader: if m.commonjs { loader(self, i) } else { None },
                namespace: namespaces[i],
                exports,
                commonjs: if m.commonjs {
                    Vec::new()
                } else {
                    m.requests
                        .iter()
                        .copied()
                        .filter(|&j| graph.modules[j].commonjs)
                        .collect()
                },
                name: m.program.source.name.clone(),
                entry,
                finished: None,
                funcs: mains[i].0..mains[i].0 + m.program.functions.len() as u32,
                dynamic: m.dynamic.clone(),
            });
        }
        for &step in &graph.evaluation.steps {
            let (i, call) = match step {
                Step::Run(i) => (i, Call::Run),
                Step::Start(i) => (i, Call::Start),
            };
            for &j in &run.modules[i].commonjs {
                if run.modules[j].loader.is_some() {
                    run.calls.push((j, Call::Load));
                }
            }
            run.calls.push((i, call));
        }
        for (j, m) in run.modules.iter().enumerate() {
            if m.loader.is_some() {
                run.calls.push((j, Call::Load));
            }
        }
        self.graph_run = run;
        for i in 0..n {
            self.fill_namespace(i);
        }
        Ok(())
    }

    /// Writes a module's exports into its namespace object: read-only,
    /// non-configurable data properties in name order, then
    /// `Symbol.toStringTag` ("Module"), with the cell each reads from
    /// beside them (`Class::Namespace`). A read by name goes to the cell
    /// (`namespace_read`); the values stored are what the other readers
    /// (keys, descriptors, JSON) see, refreshed after every top level.
    pub(crate) fn fill_namespace(&mut self, i: usize) {
        let ns = self.graph_run.modules[i].namespace;
        let mut props = Vec::with_capacity(self.graph_run.modules[i].exports.len() + 1);
        let mut sources = Vec::with_capacity(props.capacity());
        for &(a, v) in &self.graph_run.modules[i].exports {
            let now = match v {
                Value::Cell(c) => match self.heap.cell(c) {
                    Value::Symbol(s) if s == self.atoms.uninit => Value::Undefined,
                    v => v,
                },
                v => v,
            };
            props.push((a, now));
            sources.push(v);
        }
        let module = Value::Atom(self.heap.intern("Module"));
        props.push((self.atoms.symbols.to_string_tag, module));
        sources.push(module);
        let o = self.heap.obj_mut(ns);
        let n = props.len();
        o.props = props;
        o.elems = sources;
        o.attrs = vec![attrs::READONLY | attrs::FIXED; n];
        o.attrs[n - 1] |= attrs::HIDDEN;
        o.special = true;
        o.extensible = false;
        o.reindex();
    }

    /// `ns[a]` of a namespace object: the binding's value now, or the
    /// ReferenceError of a binding not initialised yet; `None` when `a`
    /// is no export.
    pub(crate) fn namespace_read(&self, ns: ObjId, a: Atom) -> Option<Result<Value, Interrupt>> {
        let o = self.heap.obj(ns);
        let i = o.find(a)?;
        Some(match o.elems.get(i).copied() {
            Some(Value::Cell(c)) => match self.heap.cell(c) {
                Value::Symbol(s) if s == self.atoms.uninit => Err(self.uninitialised(a)),
                v => Ok(v),
            },
            Some(v) => Ok(v),
            None => Ok(o.props[i].1),
        })
    }

    /// The stepping function that runs the graph's top levels in order.
    pub(crate) fn module_evaluator_function(&mut self) -> ObjId {
        self.stepper(Stepper {
            name: "<modules>",
            length: 0,
            params: 0,
            slots: EVALUATE_SLOTS,
            step: evaluate_step,
        })
    }
}

/// Makes the synchronous part's next call; when all are made, refreshes
/// every namespace and leaves the last top level's value, or the promise
/// of the evaluation when an entry's is asynchronous.
fn evaluate_step(vm: &mut Vm, base: usize) -> Result<Option<usize>, Interrupt> {
    let at = base + 1;
    let pos = match vm.stack[at] {
        Value::Num(n) => n as usize,
        _ => 0,
    };
    if pos > 0 {
        let value = vm.stack.pop().expect("the call's value");
        let (module, call) = vm.graph_run.calls[pos - 1];
        match call {
            Call::Load => {}
            Call::Run => {
                vm.stack[base + 2] = value;
                vm.module_evaluated(module)?;
            }
            Call::Start => vm.await_module(module, value)?,
        }
        vm.fill_namespace(module);
    }
    if pos == vm.graph_run.calls.len() {
        for i in 0..vm.graph_run.modules.len() {
            vm.fill_namespace(i);
        }
        let last = match vm.graph_run.entries_left {
            0 => vm.stack[base + 2],
            _ => vm.graph_promise()?,
        };
        vm.stack.push(last);
        return Ok(None);
    }
    vm.stack[at] = Value::Num((pos + 1) as f64);
    let (module, call) = vm.graph_run.calls[pos];
    let m = &vm.graph_run.modules[module];
    let f = match call {
        Call::Load => m.loader.expect("a load step has a loader"),
        Call::Run | Call::Start => m.main,
    };
    vm.stack.push(f);
    vm.stack.push(Value::Undefined);
    Ok(Some(0))
}
