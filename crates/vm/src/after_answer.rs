//! Work past a run's answer: `ctx.waitUntil(promise)`, as Workers have
//! it. A run given such promises answers as soon as its result is known
//! (its result settled), leaving its queued jobs and timers; the host
//! writes the answer, then continues the run (`continue_after_answer`)
//! until its jobs are done and no `waitUntil` promise waits for a timer.
//! Only the run's own fiber answers early: a `parallel()` branch's jobs
//! are done before the branch ends.

use crate::error::{ErrorKind, Interrupt};
use crate::state::{Outcome, Uncaught, Vm};
use crate::value::Value;

/// Most promises one run may give `ctx.waitUntil()`, as many as `go()`
/// functions.
pub const WAIT_UNTIL_PER_RUN: usize = crate::builtins::tasks::QUEUED_PER_RUN;

impl Vm {
    /// Registers a `ctx.waitUntil()` promise.
    pub fn wait_until(&mut self, promise: Value) -> Result<(), Interrupt> {
        if self.wait_until.len() >= WAIT_UNTIL_PER_RUN {
            return Err(Interrupt::error(
                ErrorKind::RangeError,
                format!("ctx.waitUntil(): at most {WAIT_UNTIL_PER_RUN} promises per request"),
            ));
        }
        self.wait_until.push(promise);
        Ok(())
    }

    /// Whether the run answers now with `result`, its other jobs left for
    /// after the answer.
    /// A run that answers with a `Response` whose body is a stream does
    /// too: the host reads it while the run goes on
    /// (builtins/web/answer_stream.rs).
    #[inline]
    pub(crate) fn answers_early(&self, result: Value) -> bool {
        (!self.wait_until.is_empty() || self.streams != 0 && self.answers_with_stream(result))
            && self.root
            && !self.answered
            && !self.is_pending(result)
    }

    /// Whether the run, past its answer, still waits for a `waitUntil`
    /// promise or the host for its stream's chunks (so for its timers).
    pub(crate) fn waits_after_answer(&self) -> bool {
        self.answered
            && (self.wait_until.iter().any(|p| self.is_pending(*p)) || self.answer_streaming())
    }

    /// Whether the run answered with work left for after the answer.
    pub fn has_work_after_answer(&self) -> bool {
        !self.wait_until.is_empty()
            && (!self.jobs.is_empty()
                || self.job.is_some()
                || !self.timers.is_empty()
                || !self.fetches.is_empty())
    }

    /// Continues a run that answered early: its jobs, and its timers while
    /// a `waitUntil` promise is pending. Waits like any run (`Pending`).
    pub fn continue_after_answer(&mut self) -> Result<Outcome, Uncaught> {
        self.answered = true;
        self.drain_jobs(Value::Undefined)
    }

    /// Ends what is left of the run (its work after the answer ended, or
    /// is given up).
    pub fn drop_work_after_answer(&mut self) {
        self.stack.clear();
        self.frames.clear();
        self.handlers.clear();
        self.jobs.clear();
        self.job = None;
        self.unhandled.clear();
        self.timers.clear();
        self.fetches.clear();
        self.fetch_outbox.clear();
        self.wait_until.clear();
        self.answered = false;
        self.answer_stream = None;
    }
}
