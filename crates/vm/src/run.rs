//! The host's side of a run: starting a program or a call, resuming a
//! suspended run with its answer, swapping fibers, and turning an uncaught
//! exception into its report.

use crate::error::{ErrorKind, Interrupt};
use crate::heap::Class;
use crate::promise::{JobEnd, JobRun, Started};
use crate::state::{Budget, Fiber, Outcome, Uncaught, UnhandledRejections, Vm};
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
            return self.failed(e);
        }
        self.drive()
    }

    /// Parks the running fiber in `other` and makes `other`'s state the
    /// running one. Only between steps (never while a native runs).
    pub fn swap_fiber(&mut self, other: &mut Fiber) {
        std::mem::swap(&mut self.stack, &mut other.stack);
        std::mem::swap(&mut self.frames, &mut other.frames);
        std::mem::swap(&mut self.handlers, &mut other.handlers);
        std::mem::swap(&mut self.jobs, &mut other.jobs);
        std::mem::swap(&mut self.job, &mut other.job);
        std::mem::swap(&mut self.unhandled, &mut other.unhandled);
        std::mem::swap(&mut self.timers, &mut other.timers);
        std::mem::swap(&mut self.root, &mut other.root);
        std::mem::swap(&mut self.fetches, &mut other.fetches);
        std::mem::swap(&mut self.fetch_outbox, &mut other.fetch_outbox);
    }

    /// Continues a pending run by throwing `error` at the waiting call.
    pub fn resume_with_error(
        &mut self,
        kind: ErrorKind,
        message: &str,
    ) -> Result<Outcome, Uncaught> {
        if let Err(e) = self.raise(Interrupt::error(kind, message.to_string()), 0) {
            return self.failed(e);
        }
        self.drive()
    }

    pub(crate) fn drive(&mut self) -> Result<Outcome, Uncaught> {
        if self.frames.is_empty() {
            // A native suspended at the bottom of the fiber (called by
            // `start_call`, or a job's) and has its answer, or the run
            // waited for a timer.
            let v = self.stack.pop().unwrap_or(Value::Undefined);
            return self.finish_jobs(v);
        }
        match self.run_loop(0) {
            Ok(Outcome::Done(v)) => self.finish_jobs(v),
            Ok(o) => Ok(o),
            Err(e) => self.failed(e),
        }
    }

    /// The fiber's code ended with exception `e`: the run's own code
    /// fails the run; a job's fails the job (its promise is rejected) and
    /// the queue goes on.
    fn failed(&mut self, e: Interrupt) -> Result<Outcome, Uncaught> {
        let Some(run) = self.job.take() else {
            return Err(self.uncaught(e));
        };
        let x = self.job_threw(e)?;
        if let Err(e) = self.end_job(run.end, Err(x)) {
            return Err(self.uncaught(e));
        }
        self.drain_jobs(run.result)
    }

    /// A job's code ended with `e`: its frames go, and the exception is
    /// what its reaction receives; an abort ends the run instead.
    fn job_threw(&mut self, e: Interrupt) -> Result<Value, Uncaught> {
        match self.catching(Err::<(), _>(e)) {
            Err(Interrupt::Throw(x)) => {
                self.frames.clear();
                self.handlers.clear();
                self.stack.clear();
                Ok(x)
            }
            Err(e) => Err(self.uncaught(e)),
            Ok(()) => unreachable!("an exception is an error"),
        }
    }

    /// The fiber's code ended with `v`: the promise jobs it queued run
    /// now (promise.rs). A run that ends with a promise (an async
    /// handler's) ends with what it settled to: its value, or its reason
    /// thrown.
    #[inline]
    fn finish_jobs(&mut self, v: Value) -> Result<Outcome, Uncaught> {
        if self.jobs.is_empty()
            && self.job.is_none()
            && self.unhandled.is_empty()
            && self.timers.is_empty()
            && self.fetches.is_empty()
            && !matches!(v, Value::Obj(o) if matches!(self.heap.obj(o).class, Class::Promise(_)))
        {
            return Ok(Outcome::Done(v));
        }
        self.settle_jobs(v)
    }

    /// `finish_jobs` when there are jobs, a job ran or a promise is given:
    /// `v` ends the job that was running, or is the run's own result.
    #[inline(never)]
    fn settle_jobs(&mut self, v: Value) -> Result<Outcome, Uncaught> {
        let result = match self.job.take() {
            None => v,
            Some(run) => {
                if let Err(e) = self.end_job(run.end, Ok(v)) {
                    return Err(self.uncaught(e));
                }
                run.result
            }
        };
        self.drain_jobs(result)
    }

    /// Runs the queued jobs, and those they queue, each from the bottom of
    /// the fiber's frames, until none is left, and the timers the run
    /// waits for (timers.rs); then the run ends with `result` (settled,
    /// when it is a promise). A job that waits parks the run as any code
    /// does, and so does waiting for a timer (`Vm::job` remembers it).
    pub(crate) fn drain_jobs(&mut self, result: Value) -> Result<Outcome, Uncaught> {
        loop {
            if let Some(pending) = self.run_queued_jobs(result)? {
                return Ok(pending);
            }
            if self.answers_early(result) {
                // The rest runs after the answer (after_answer.rs).
                return self.conclude(result);
            }
            if !self.unhandled.is_empty() {
                if let Some(e) = self.report_unhandled(result) {
                    return Err(e);
                }
            }
            if self.answer_stream.is_some() && self.answer_ready() {
                // The host takes the stream's chunks; its timers wait.
                return Ok(Outcome::Done(Value::Undefined));
            }
            if (self.timers.is_empty() && self.fetches.is_empty()) || !self.waits_for_timers(result)
            {
                break;
            }
            let next_timer = match self.fire_timers() {
                Some(wait) if wait.is_zero() => continue,
                next => next.map(|wait| wait.as_secs_f64() * 1000.0),
            };
            // The run parks until its next timer, or an answer to one of
            // its fetches (fetches.rs), and its jobs go on from there.
            let op = match (next_timer, self.fetches.is_empty()) {
                (None, true) => break,
                (Some(ms), true) => crate::io::PendingOp::Sleep { ms },
                (ms, false) => crate::io::PendingOp::Fetches {
                    ms: ms.unwrap_or(f64::INFINITY),
                },
            };
            self.job = Some(JobRun {
                end: JobEnd::Timers,
                result,
            });
            return Ok(Outcome::Pending(op));
        }
        self.drop_timers();
        self.conclude(result)
    }

    /// The run's end with `result`: its value, or the reason it was
    /// rejected with thrown.
    fn conclude(&mut self, v: Value) -> Result<Outcome, Uncaught> {
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

    /// Runs the queued jobs until none is left: `Some` when one waits
    /// (the run parks).
    fn run_queued_jobs(&mut self, result: Value) -> Result<Option<Outcome>, Uncaught> {
        while let Some(job) = self.jobs.pop_front() {
            if self.answers_early(result) {
                self.jobs.push_front(job);
                return Ok(None);
            }
            let started = match self.start_job(job) {
                Ok(s) => s,
                Err(e) => return Err(self.uncaught(e)),
            };
            let (end, ran) = match started {
                Started::Ended(end, r) => (end, r),
                Started::Suspended(end, op) => {
                    self.job = Some(JobRun { end, result });
                    return Ok(Some(Outcome::Pending(op)));
                }
                Started::Frames(end) => {
                    // Where the collector sees them while the code runs.
                    self.job = Some(JobRun { end, result });
                    let ran = self.run_loop(0);
                    if let Ok(Outcome::Pending(op)) = ran {
                        return Ok(Some(Outcome::Pending(op)));
                    }
                    let Some(JobRun { end, result: _ }) = self.job.take() else {
                        unreachable!("the running job is kept")
                    };
                    match ran {
                        Ok(Outcome::Done(x)) => (end, Ok(x)),
                        Ok(Outcome::Pending(_)) => unreachable!("returned above"),
                        Err(e) => (end, Err(self.job_threw(e)?)),
                    }
                }
            };
            if let Err(e) = self.end_job(end, ran) {
                return Err(self.uncaught(e));
            }
        }
        Ok(None)
    }

    /// Whether the run waits for its timers: always (`kitwork run`), or
    /// while its result is a pending promise (a request), or past its
    /// answer while a `ctx.waitUntil()` promise is.
    fn waits_for_timers(&self, result: Value) -> bool {
        self.timers_outlive_result || self.is_pending(result) || self.waits_after_answer()
    }

    pub(crate) fn is_pending(&self, v: Value) -> bool {
        matches!(
            self.promise_state(v),
            Some((crate::promise::PromiseState::Pending, _))
        )
    }

    /// The rejections nothing handled once the fiber's jobs are done
    /// (the run's own result apart: its rejection is the run's error).
    /// The first fails the run, or each is printed as a warning.
    #[cold]
    fn report_unhandled(&mut self, result: Value) -> Option<Uncaught> {
        let unhandled = std::mem::take(&mut self.unhandled);
        for p in unhandled {
            if matches!(result, Value::Obj(r) if r == p) {
                continue;
            }
            let Some((_, reason)) = self.promise_state(Value::Obj(p)) else {
                continue;
            };
            match self.unhandled_rejections {
                UnhandledRejections::Fail => {
                    let mut e = self.uncaught(Interrupt::Throw(reason));
                    e.report = e.report.replacen("Uncaught ", "Uncaught (in promise) ", 1);
                    return Some(e);
                }
                UnhandledRejections::Warn => {
                    let report = self.uncaught_report(reason);
                    let shown = report.replacen("Uncaught ", "", 1);
                    self.print(&format!(
                        "warning: a promise rejection was not handled: {shown}\n"
                    ));
                }
            }
        }
        None
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
