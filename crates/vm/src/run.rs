//! The host's side of a run: starting a program or a call, resuming a
//! suspended run with its answer, swapping fibers, and turning an uncaught
//! exception into its report.

use crate::error::{ErrorKind, Interrupt};
use crate::heap::Class;
use crate::state::{Budget, Fiber, Outcome, Uncaught, Vm};
use crate::value::Value;
use lang::bytecode::FuncIdx;

impl Vm {
    /// Runs a loaded program's top level from the start (after a reset).
    pub fn start(&mut self, main: FuncIdx) -> Result<Outcome, Uncaught> {
        self.reset();
        let closure = match self
            .heap
            .alloc(Class::Closure(main.0), Some(self.realm.function_proto))
        {
            Ok(c) => c,
            Err(oom) => return Err(self.uncaught(oom.into())),
        };
        self.stack.push(Value::Obj(closure));
        self.stack.push(Value::Undefined);
        if let Err(e) = self.push_frame(main.0, closure, 2, 0, false) {
            return Err(self.uncaught(e));
        }
        self.drive()
    }

    /// Calls `f(args…)` as a new run on the current heap (no reset), so it
    /// may use values the previous run made; it can suspend like `start`.
    pub fn start_call(&mut self, f: Value, args: &[Value]) -> Result<Outcome, Uncaught> {
        self.stack.clear();
        self.frames.clear();
        self.handlers.clear();
        self.stack.push(f);
        self.stack.push(Value::Undefined);
        self.stack.extend_from_slice(args);
        match self.call(args.len(), false) {
            Ok(true) => self.drive(),
            Ok(false) => {
                let v = pop!(self);
                self.finish_jobs(v)
            }
            Err(Interrupt::Suspend(op)) => Ok(Outcome::Pending(op)),
            Err(e) => Err(self.uncaught(e)),
        }
    }

    /// Continues a run that returned `Outcome::Pending`, with the host's answer.
    pub fn resume(&mut self, answer: Value) -> Result<Outcome, Uncaught> {
        self.stack.push(answer);
        self.drive()
    }

    /// Continues a pending run by throwing `value` at the waiting call (a
    /// `parallel()` branch's or a `transaction()` body's exception).
    pub fn resume_throw(&mut self, value: Value) -> Result<Outcome, Uncaught> {
        if let Err(e) = self.raise(Interrupt::Throw(value), 0) {
            return Err(self.uncaught(e));
        }
        self.drive()
    }

    /// Parks the running fiber in `other` and makes `other`'s state the
    /// running one. Only between steps (never while a native runs).
    pub fn swap_fiber(&mut self, other: &mut Fiber) {
        std::mem::swap(&mut self.stack, &mut other.stack);
        std::mem::swap(&mut self.frames, &mut other.frames);
        std::mem::swap(&mut self.handlers, &mut other.handlers);
    }

    /// Continues a pending run by throwing `error` at the waiting call.
    pub fn resume_with_error(
        &mut self,
        kind: ErrorKind,
        message: &str,
    ) -> Result<Outcome, Uncaught> {
        if let Err(e) = self.raise(Interrupt::error(kind, message.to_string()), 0) {
            return Err(self.uncaught(e));
        }
        self.drive()
    }

    pub(crate) fn drive(&mut self) -> Result<Outcome, Uncaught> {
        if self.frames.is_empty() {
            // A native called by `start_call` suspended and has its answer.
            return Ok(Outcome::Done(self.stack.pop().unwrap_or(Value::Undefined)));
        }
        match self.run_loop(0) {
            Ok(Outcome::Done(v)) => self.finish_jobs(v),
            Ok(o) => Ok(o),
            Err(e) => Err(self.uncaught(e)),
        }
    }

    /// The run's script code ended with `v`: the promise jobs it queued
    /// run now (promise.rs). A run that ends with a promise (an async
    /// handler's) ends with what it settled to: its value, or its reason
    /// thrown.
    #[inline]
    fn finish_jobs(&mut self, v: Value) -> Result<Outcome, Uncaught> {
        if self.jobs.is_empty()
            && !matches!(v, Value::Obj(o) if matches!(self.heap.obj(o).class, Class::Promise(_)))
        {
            return Ok(Outcome::Done(v));
        }
        self.settle_jobs(v)
    }

    /// `finish_jobs` when there are jobs or a promise.
    #[inline(never)]
    fn settle_jobs(&mut self, v: Value) -> Result<Outcome, Uncaught> {
        if let Err(e) = self.run_jobs() {
            return Err(self.uncaught(e));
        }
        match self.promise_state(v) {
            Some((crate::promise::PromiseState::Fulfilled, value)) => Ok(Outcome::Done(value)),
            Some((crate::promise::PromiseState::Rejected, reason)) => {
                Err(self.uncaught(Interrupt::Throw(reason)))
            }
            _ => match self.unfinished_modules(v) {
                // Nothing is left that could settle what a module awaits.
                Some(names) => {
                    let e = self.make_error(
                        ErrorKind::Error,
                        &format!(
                            "a module's top-level `await` never finished: {}",
                            names.join(", ")
                        ),
                    );
                    Err(self.uncaught(Interrupt::Throw(e)))
                }
                None => Ok(Outcome::Done(v)),
            },
        }
    }

    /// Ends the run with `e`: the error a host reports when a run fails.
    pub fn uncaught(&mut self, e: Interrupt) -> Uncaught {
        let budget = match e {
            Interrupt::Abort(_) if self.exhausted => {
                self.fuel = 0;
                self.banked = 0;
                self.spare = 0;
                Some(Budget::Instructions)
            }
            Interrupt::Abort(_) => Some(Budget::Memory),
            _ => None,
        };
        let value = match e {
            Interrupt::Throw(v) => v,
            Interrupt::Error(e) | Interrupt::Abort(e) => self.make_error(e.0, &e.1),
            Interrupt::Suspend(_) => self.make_error(ErrorKind::Error, "suspended outside a run"),
            Interrupt::Redirect(_) => unreachable!("a redirect never leaves Vm::call"),
        };
        let report = self.uncaught_report(value);
        self.frames.clear();
        self.handlers.clear();
        self.stack.clear();
        Uncaught {
            value,
            report,
            budget,
        }
    }

    pub(crate) fn uncaught_report(&mut self, value: Value) -> String {
        if let Value::Obj(o) = value {
            if self.heap.obj(o).class == Class::Error {
                let stack = self
                    .get_own(o, self.atoms.stack)
                    .and_then(|s| self.heap.str(s).map(str::to_string));
                if let Some(s) = stack {
                    return format!("Uncaught {s}");
                }
            }
        }
        let shown = super::inspect::inspect(self, value);
        format!("Uncaught {shown}{}", self.throw_trace)
    }
}
