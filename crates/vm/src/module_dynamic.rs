//! `import(specifier, options)`: the promise of a module's namespace. The
//! graph loaded the modules the string literals in a call's specifier
//! name (`LinkedModule::dynamic`), so the call looks the string up in its
//! own module's table; a module not evaluated yet is evaluated in the job
//! that follows, from where the plan stands (`Evaluation::evaluate`), and
//! the promise settles
//! when it has finished — at once, or when its top-level `await` does.

use crate::error::{ErrorKind, Interrupt};
use crate::heap::Class;
use crate::promise::PromiseState;
use crate::state::{Args, Vm};
use crate::value::{ObjId, Value};
use lang::link::Step;

impl Vm {
    /// `Op::ImportCall`: [specifier, options] → [promise].
    pub(crate) fn import_call(&mut self, closure: ObjId) -> Result<(), Interrupt> {
        let n = self.stack.len();
        let (specifier, options) = (self.stack[n - 2], self.stack[n - 1]);
        let p = self.new_promise(self.realm.promise_proto)?;
        // On the stack while conversions run script code.
        self.stack.push(Value::Obj(p));
        let target = self.import_target(closure, specifier, options);
        match self.catching(target) {
            Ok(t) => {
                // The module is linked and evaluated from a job, as
                // ContinueDynamicImport does once loading has finished.
                let n = self.realm.promise_natives;
                let data = [Value::Num(t as f64), Value::Obj(p)];
                let go_on = self.native_with(n.import_continue, &data)?;
                let loaded = self.new_promise(self.realm.promise_proto)?;
                self.settle(loaded, PromiseState::Fulfilled, Value::Undefined)?;
                let none = [Value::Undefined; 3];
                self.perform_then(loaded, Value::Obj(go_on), Value::Undefined, none)?;
            }
            Err(Interrupt::Throw(e)) => self.settle(p, PromiseState::Rejected, e)?,
            Err(e) => return Err(e),
        }
        self.stack.truncate(n - 2);
        self.stack.push(Value::Obj(p));
        Ok(())
    }

    /// The module `import(specifier, options)` names from the module whose
    /// code `closure` is, or why none.
    fn import_target(
        &mut self,
        closure: ObjId,
        specifier: Value,
        options: Value,
    ) -> Result<usize, Interrupt> {
        let s = self.to_string_value(specifier)?;
        let s = self.heap.str(s).unwrap_or_default().to_string();
        self.check_import_options(options)?;
        let Class::Closure(f) = self.heap.obj(closure).class else {
            unreachable!("import() runs in a script's function")
        };
        let referrer = self.graph_run.modules.iter().find(|m| m.funcs.contains(&f));
        let Some(referrer) = referrer else {
            return Err(Interrupt::error(
                ErrorKind::TypeError,
                format!(
                    "cannot import `{s}`: import() needs the file loaded as part of a module graph"
                ),
            ));
        };
        match referrer.dynamic.iter().find(|(named, _)| *named == s) {
            Some((_, Ok(t))) => Ok(*t),
            Some((_, Err(why))) => Err(Interrupt::error(ErrorKind::Error, why.clone())),
            None => Err(Interrupt::error(
                ErrorKind::TypeError,
                format!(
                    "cannot import `{s}`: the modules import() may load are the ones the string \
                     literals in its call name, loaded with the files (write the specifier as a \
                     string, or a choice of strings)"
                ),
            )),
        }
    }

    /// The options of `import()`: undefined, or an object whose `with`
    /// (if any) is an object of string values, `type` the one supported.
    fn check_import_options(&mut self, options: Value) -> Result<(), Interrupt> {
        let Some(o) = optional_object(options, "import()'s second argument")? else {
            return Ok(());
        };
        let key = self.heap.intern("with");
        let with = self.get_field(Value::Obj(o), key)?;
        let Some(w) = optional_object(with, "import()'s `with` option")? else {
            return Ok(());
        };
        for k in self.own_keys(w, false) {
            let Value::Atom(a) = k else { continue };
            let v = self.get_field(Value::Obj(w), a)?;
            if !v.is_string() {
                return Err(Interrupt::error(
                    ErrorKind::TypeError,
                    "import attributes must be strings",
                ));
            }
            if self.heap.atom_str(a) != "type" {
                let name = self.heap.atom_str(a).to_string();
                return Err(Interrupt::error(
                    ErrorKind::SyntaxError,
                    format!("unsupported import attribute `{name}`"),
                ));
            }
        }
        Ok(())
    }

    /// Settles `p` with module `t`'s namespace once `t` has been evaluated,
    /// evaluating it now if no one has yet.
    fn import_module(&mut self, t: usize, p: ObjId) -> Result<(), Interrupt> {
        if !self.graph_run.evaluation.is_planned(t) {
            let steps = self.graph_run.evaluation.evaluate(t);
            self.run_steps(&steps)?;
        }
        match &self.graph_run.modules[t].finished {
            Some(Ok(())) => {
                let ns = Value::Obj(self.graph_run.modules[t].namespace);
                self.settle(p, PromiseState::Fulfilled, ns)
            }
            Some(Err(e)) => {
                let e = *e;
                self.settle(p, PromiseState::Rejected, e)
            }
            None => {
                self.graph_run.waiters.push((t, p));
                Ok(())
            }
        }
    }

    /// The steps of an evaluation begun by `import()`, run from here: a
    /// module whose dependency failed fails with its error, and one that
    /// throws fails the steps after it.
    fn run_steps(&mut self, steps: &[Step]) -> Result<(), Interrupt> {
        let mut failed = None;
        for &step in steps {
            let (Step::Run(i) | Step::Start(i)) = step;
            if let Some(e) = failed.or_else(|| self.failed_dependency(i)) {
                self.module_rejected(i, e)?;
                continue;
            }
            let called = self.call_top_level(i);
            match (step, self.catching(called)) {
                (Step::Start(_), Ok(promise)) => self.await_module(i, promise)?,
                (Step::Run(_), Ok(_)) => self.module_evaluated(i)?,
                (_, Err(Interrupt::Throw(e))) => {
                    failed = Some(e);
                    self.module_rejected(i, e)?;
                }
                (_, Err(e)) => return Err(e),
            }
        }
        Ok(())
    }

    /// The error of a module `i` imports that failed before, if one did.
    fn failed_dependency(&self, i: usize) -> Option<Value> {
        let run = &self.graph_run;
        run.evaluation.requests(i).iter().find_map(|&r| {
            let root = run.evaluation.modules[r].cycle_root;
            [r, root]
                .iter()
                .find_map(|&m| match run.modules[m].finished {
                    Some(Err(e)) => Some(e),
                    _ => None,
                })
        })
    }

    /// Settles the `import()` promises waiting for module `m`.
    pub(crate) fn settle_waiters(&mut self, m: usize) -> Result<(), Interrupt> {
        let outcome = match self.graph_run.modules[m].finished {
            Some(Ok(())) => (
                PromiseState::Fulfilled,
                Value::Obj(self.graph_run.modules[m].namespace),
            ),
            Some(Err(e)) => (PromiseState::Rejected, e),
            None => return Ok(()),
        };
        let mut k = 0;
        while k < self.graph_run.waiters.len() {
            let (w, p) = self.graph_run.waiters[k];
            if w == m {
                self.graph_run.waiters.swap_remove(k);
                self.settle(p, outcome.0, outcome.1)?;
            } else {
                k += 1;
            }
        }
        Ok(())
    }
}

/// `v` as an object, `None` when it is undefined; else a `TypeError`
/// saying `what` must be an object.
fn optional_object(v: Value, what: &str) -> Result<Option<ObjId>, Interrupt> {
    match v {
        Value::Obj(o) => Ok(Some(o)),
        Value::Undefined => Ok(None),
        _ => Err(Interrupt::error(
            ErrorKind::TypeError,
            format!("{what} must be an object"),
        )),
    }
}

/// The job that goes on with `import()` once its module is loaded:
/// elements `[the module's index, the call's promise]`.
pub(crate) fn import_continue(vm: &mut Vm, _: Value, a: Args) -> Result<Value, Interrupt> {
    let f = vm.callee_data(a);
    let (t, p) = match vm.heap.obj(f).elems[..] {
        [Value::Num(t), Value::Obj(p)] => (t as usize, p),
        _ => unreachable!("an import job holds its module and promise"),
    };
    vm.import_module(t, p)?;
    Ok(Value::Undefined)
}
