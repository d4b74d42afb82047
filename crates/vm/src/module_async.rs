//! Top-level `await`: the asynchronous part of evaluating a module graph
//! (ECMA-262 §16.2.1.5.3). A module that awaits at its top level runs as
//! an async function; its promise's reactions finish it here
//! (AsyncModuleExecutionFulfilled / Rejected): the modules that waited
//! only for it run, in the order they became asynchronous — a module
//! without `await` to its end at once, one with `await` started — and an
//! error fails every module waiting for it. When every entry has
//! finished, the evaluation's promise (the run's value) is fulfilled.
//!
//! A top level goes on after its own `await` from a promise job on the
//! fiber's frames (async_fn.rs); the modules that waited for it start
//! from these natives, nested on the host stack, so they cannot wait for
//! I/O (docs/LANGUAGE.md).

use crate::error::Interrupt;
use crate::promise::PromiseState;
use crate::state::{Args, Vm};
use crate::value::Value;

impl Vm {
    /// Follows `promise`, what starting module `m`'s top level gave, to
    /// finish `m` when it settles.
    pub(crate) fn await_module(&mut self, m: usize, promise: Value) -> Result<(), Interrupt> {
        let Value::Obj(p) = promise else {
            unreachable!("an async top level gives a promise")
        };
        let n = self.realm.promise_natives;
        let index = [Value::Num(m as f64)];
        let on_fulfilled = self.native_with(n.module_fulfilled, &index)?;
        let on_rejected = self.native_with(n.module_rejected, &index)?;
        let none = [Value::Undefined; 3];
        self.perform_then(p, Value::Obj(on_fulfilled), Value::Obj(on_rejected), none)
    }

    /// The promise of the whole evaluation, made once the synchronous
    /// part has run.
    pub(crate) fn graph_promise(&mut self) -> Result<Value, Interrupt> {
        let p = self.new_promise(self.realm.promise_proto)?;
        self.pinned.push(Value::Obj(p));
        self.graph_run.promise = Some(p);
        Ok(Value::Obj(p))
    }

    /// AsyncModuleExecutionFulfilled: `m` finished; what waited only for
    /// it runs.
    fn module_fulfilled(&mut self, m: usize) -> Result<(), Interrupt> {
        if self.graph_run.modules[m].finished.is_some() {
            return Ok(());
        }
        self.module_evaluated(m)?;
        let mut ready = Vec::new();
        self.gather_ready(m, &mut ready);
        let order = |vm: &Vm, i: usize| vm.graph_run.evaluation.modules[i].async_order;
        ready.sort_by_key(|&i| order(self, i));
        for i in ready {
            if self.graph_run.modules[i].finished.is_some() {
                continue;
            }
            let called = self.call_top_level(i);
            match self.catching(called) {
                Ok(promise) if self.graph_run.evaluation.modules[i].has_tla => {
                    self.await_module(i, promise)?
                }
                Ok(_) => self.module_evaluated(i)?,
                Err(Interrupt::Throw(e)) => self.module_rejected(i, e)?,
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// GatherAvailableAncestors: the modules waiting for `m` that wait for
    /// nothing else now, and (through those without `await`, which finish
    /// at once) theirs.
    fn gather_ready(&mut self, m: usize, ready: &mut Vec<usize>) {
        let parents = self.graph_run.evaluation.modules[m].async_parents.clone();
        for p in parents {
            let root = self.graph_run.evaluation.modules[p].cycle_root;
            let failed = matches!(self.graph_run.modules[root].finished, Some(Err(_)));
            if ready.contains(&p) || failed {
                continue;
            }
            let plan = &mut self.graph_run.evaluation.modules[p];
            plan.pending -= 1;
            if plan.pending == 0 {
                ready.push(p);
                if !plan.has_tla {
                    self.gather_ready(p, ready);
                }
            }
        }
    }

    /// Calls module `i`'s top level from a job, after the CommonJS bodies
    /// it imports.
    pub(crate) fn call_top_level(&mut self, i: usize) -> Result<Value, Interrupt> {
        for k in 0..self.graph_run.modules[i].commonjs.len() {
            let j = self.graph_run.modules[i].commonjs[k];
            if let Some(load) = self.graph_run.modules[j].loader {
                self.call_function(load, Value::Undefined, &[])?;
                self.fill_namespace(j);
            }
        }
        let main = self.graph_run.modules[i].main;
        self.call_function(main, Value::Undefined, &[])
    }

    /// Module `i`'s evaluation finished without an error: its namespace
    /// is filled, the `import()` calls waiting for it settle, and an
    /// asynchronous entry counts down the evaluation's promise.
    pub(crate) fn module_evaluated(&mut self, i: usize) -> Result<(), Interrupt> {
        self.graph_run.modules[i].finished = Some(Ok(()));
        self.fill_namespace(i);
        self.settle_waiters(i)?;
        if !self.graph_run.evaluation.is_async(i) {
            return Ok(());
        }
        self.graph_run.evaluation.modules[i].done = true;
        if !self.graph_run.modules[i].entry {
            return Ok(());
        }
        self.graph_run.entries_left -= 1;
        match (self.graph_run.entries_left, self.graph_run.promise) {
            (0, Some(p)) => {
                for k in 0..self.graph_run.modules.len() {
                    self.fill_namespace(k);
                }
                self.settle(p, PromiseState::Fulfilled, Value::Undefined)
            }
            _ => Ok(()),
        }
    }

    /// AsyncModuleExecutionRejected: `m` failed with `e`, and so does every
    /// module waiting for it, and the evaluation.
    pub(crate) fn module_rejected(&mut self, m: usize, e: Value) -> Result<(), Interrupt> {
        if self.graph_run.modules[m].finished.is_some() {
            return Ok(());
        }
        self.graph_run.modules[m].finished = Some(Err(e));
        self.settle_waiters(m)?;
        let parents = self.graph_run.evaluation.modules[m].async_parents.clone();
        for p in parents {
            self.module_rejected(p, e)?;
        }
        match self.graph_run.promise {
            Some(p) if self.graph_run.modules[m].entry => self.settle(p, PromiseState::Rejected, e),
            _ => Ok(()),
        }
    }

    /// Whether `v` is the evaluation's promise, still pending when the
    /// run's jobs are done: the top levels that never finished, named.
    pub(crate) fn unfinished_modules(&self, v: Value) -> Option<Vec<String>> {
        let run = &self.graph_run;
        let Value::Obj(p) = v else { return None };
        // (Once every entry has finished, the promise's object may have
        // been collected and its id reused by a request.)
        if run.entries_left == 0 || run.promise != Some(p) {
            return None;
        }
        let names = run
            .modules
            .iter()
            .zip(&run.evaluation.modules)
            .filter(|(m, plan)| plan.has_tla && plan.pending == 0 && m.finished.is_none())
            .map(|(m, _)| m.name.clone())
            .collect();
        Some(names)
    }
}

/// The index a module reaction's data holds.
fn module_of(vm: &Vm, a: Args) -> usize {
    let f = vm.callee_data(a);
    match vm.heap.obj(f).elems[0] {
        Value::Num(n) => n as usize,
        _ => unreachable!("a module reaction holds its module's index"),
    }
}

/// A started top level's promise fulfilled.
pub(crate) fn module_fulfilled(vm: &mut Vm, _: Value, a: Args) -> Result<Value, Interrupt> {
    let m = module_of(vm, a);
    vm.module_fulfilled(m)?;
    Ok(Value::Undefined)
}

/// A started top level's promise rejected.
pub(crate) fn module_rejected(vm: &mut Vm, _: Value, a: Args) -> Result<Value, Interrupt> {
    let m = module_of(vm, a);
    let e = crate::builtins::arg(vm, a, 0);
    vm.module_rejected(m, e)?;
    Ok(Value::Undefined)
}
