//! Instantiating a linked module graph (`lang::link`) on a VM and running
//! its top levels: every module's environment is made first (its own
//! cells, uninitialised for `let`/`const`/`class`; the exporting modules'
//! cells for its imports, so bindings are live and cycles see each other;
//! namespace objects), then one stepping function calls each top level in
//! the graph's order as an ordinary call, so a top level may wait for I/O
//! like any code (`kitwork run`). After a module ran, its namespace object
//! holds its exports' values; after all ran, every namespace is refreshed
//! once more (a cycle may set an export late) and closed.

use crate::attrs;
use crate::error::Interrupt;
use crate::heap::Class;
use crate::state::{Outcome, Uncaught, Vm};
use crate::stepper::Stepper;
use crate::value::{Atom, ObjId, Value};
use lang::bytecode::EnvBinding;
use lang::bytecode::FuncIdx;
use lang::link::{Link, LinkedGraph};

/// The function a CommonJS module exports to run its body
/// (`kitwork_modules::wrap::LOAD`).
const LOAD: &str = "__kw_load";

/// One module of the graph being evaluated, in evaluation order.
pub(crate) struct Evaluating {
    /// Its index in the graph.
    module: usize,
    /// What to call: its top level, a closure over its environment, or a
    /// CommonJS module's loading function.
    main: Value,
    /// The namespace to fill once the call returns (not after a load).
    namespace: Option<ObjId>,
    /// Its exports by name, sorted, and their cells (or namespaces).
    exports: Vec<(Atom, Value)>,
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

    /// The module (its index in the graph) whose top level is running, if
    /// a graph is being evaluated: what the gateway's route declarations
    /// are attributed to.
    pub fn evaluating_module(&self) -> Option<usize> {
        let f = self
            .frames
            .iter()
            .rev()
            .find(|f| f.closure == self.realm.module_evaluator)?;
        match self.stack[f.base as usize + 1] {
            Value::Num(n) if n >= 1.0 => self.evaluating.get(n as usize - 1).map(|e| e.module),
            _ => None,
        }
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
        self.evaluating.clear();
        for &i in &graph.order {
            let m = &graph.modules[i];
            if !m.commonjs {
                for &j in &m.requests {
                    if let Some(f) = graph.modules[j].commonjs.then(|| loader(self, j)).flatten() {
                        self.evaluating.push(Evaluating {
                            module: j,
                            main: f,
                            namespace: None,
                            exports: Vec::new(),
                        });
                    }
                }
            }
            let mut exports = Vec::with_capacity(m.exports.len());
            for (name, link) in &m.exports {
                let a = self.heap.intern(name);
                exports.push((a, target(&env, *link)));
            }
            self.evaluating.push(Evaluating {
                module: i,
                main: Value::Obj(closures[i]),
                namespace: Some(namespaces[i]),
                exports,
            });
            let at = self.evaluating.len() - 1;
            self.fill_namespace(at);
        }
        for (j, m) in graph.modules.iter().enumerate() {
            if let Some(f) = m.commonjs.then(|| loader(self, j)).flatten() {
                self.evaluating.push(Evaluating {
                    module: j,
                    main: f,
                    namespace: None,
                    exports: Vec::new(),
                });
            }
        }
        Ok(())
    }

    /// Writes a module's exports into its namespace object: read-only,
    /// non-configurable data properties in name order, then
    /// `Symbol.toStringTag` ("Module"), with the cell each reads from
    /// beside them (`Class::Namespace`). A read by name goes to the cell
    /// (`namespace_read`); the values stored are what the other readers
    /// (keys, descriptors, JSON) see, refreshed after every top level.
    fn fill_namespace(&mut self, i: usize) {
        let Some(ns) = self.evaluating[i].namespace else {
            return;
        };
        let mut props = Vec::with_capacity(self.evaluating[i].exports.len() + 1);
        let mut sources = Vec::with_capacity(props.capacity());
        for &(a, v) in &self.evaluating[i].exports {
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

/// Calls the next top level; when all have run, refreshes every namespace
/// and leaves the last top level's value.
fn evaluate_step(vm: &mut Vm, base: usize) -> Result<Option<usize>, Interrupt> {
    let at = base + 1;
    let pos = match vm.stack[at] {
        Value::Num(n) => n as usize,
        _ => 0,
    };
    if pos > 0 {
        let value = vm.stack.pop().expect("the call's value");
        if vm.evaluating[pos - 1].namespace.is_some() {
            // A top level's (not a CommonJS load's): the run's value.
            vm.stack[base + 2] = value;
        }
        vm.fill_namespace(pos - 1);
    }
    if pos == vm.evaluating.len() {
        for i in 0..vm.evaluating.len() {
            vm.fill_namespace(i);
        }
        let last = vm.stack[base + 2];
        vm.stack.push(last);
        return Ok(None);
    }
    vm.stack[at] = Value::Num((pos + 1) as f64);
    let main = vm.evaluating[pos].main;
    vm.stack.push(main);
    vm.stack.push(Value::Undefined);
    Ok(Some(0))
}
