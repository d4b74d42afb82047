//! Timers (`setTimeout`, `setInterval`, `scheduler.wait`): the callbacks
//! a run scheduled, each due at an instant. When a fiber's jobs are done
//! and a timer is left that the run should wait for, the run parks on a
//! sleep until the first is due (run.rs); then the due callbacks are
//! queued as jobs, in the order they fell due, and the jobs run again.
//!
//! What a run waits for is the host's choice (`Vm::timers_outlive_result`):
//! `kitwork run` waits for every timer, as node does; a request waits only
//! while its handler's promise is pending, and its other timers die with
//! it. A run holds at most `TIMERS_MAX` at once.

use crate::error::{ErrorKind, Interrupt};
use crate::state::Vm;
use crate::value::Value;
use std::time::{Duration, Instant};

/// Timers one run may hold at once.
pub const TIMERS_MAX: usize = 10_000;

/// A scheduled callback.
pub(crate) struct Timer {
    pub(crate) id: u32,
    pub(crate) due: Instant,
    /// `setInterval`'s period: the timer comes back after firing.
    pub(crate) every: Option<Duration>,
    pub(crate) callback: Value,
    /// The arguments it is called with (an array), or undefined.
    pub(crate) args: Value,
}

impl Vm {
    /// Schedules `callback(...args)` after `ms` (again every `ms` when
    /// `repeat`); its id, for `clearTimeout`.
    pub(crate) fn add_timer(
        &mut self,
        callback: Value,
        args: Value,
        ms: f64,
        repeat: bool,
    ) -> Result<u32, Interrupt> {
        if self.timers.len() >= TIMERS_MAX {
            return Err(Interrupt::error(
                ErrorKind::RangeError,
                format!("too many timers (a run may hold {TIMERS_MAX} at once)"),
            ));
        }
        // As HTML: a delay that is not a positive number is 0, and the
        // largest is 2^31 - 1 ms.
        let ms = if ms.is_finite() && ms > 0.0 {
            ms.min(2147483647.0)
        } else {
            0.0
        };
        let delay = Duration::from_micros((ms * 1000.0) as u64);
        self.last_timer += 1;
        let id = self.last_timer;
        self.timers.push(Timer {
            id,
            due: Instant::now() + delay,
            every: repeat.then_some(delay.max(Duration::from_millis(1))),
            callback,
            args,
        });
        Ok(id)
    }

    /// `clearTimeout(id)` / `clearInterval(id)`.
    pub(crate) fn clear_timer(&mut self, id: u32) {
        self.timers.retain(|t| t.id != id);
    }

    /// Queues the callbacks of the timers due by now, in the order they
    /// fell due (then of scheduling); an interval is scheduled again.
    /// How long until the next one is due when none is, or `None` when
    /// no timer is left.
    pub(crate) fn fire_timers(&mut self) -> Option<Duration> {
        let now = Instant::now();
        let mut due: Vec<usize> = (0..self.timers.len())
            .filter(|&i| self.timers[i].due <= now)
            .collect();
        if due.is_empty() {
            return self.timers.iter().map(|t| t.due - now).min();
        }
        due.sort_by_key(|&i| (self.timers[i].due, self.timers[i].id));
        for &i in &due {
            let t = &self.timers[i];
            let (callback, args) = (t.callback, t.args);
            self.queue_call_with(callback, args);
        }
        let mut i = 0;
        self.timers.retain_mut(|t| {
            let fired = due.contains(&i);
            i += 1;
            match (fired, t.every) {
                (false, _) => true,
                (true, Some(every)) => {
                    t.due = now + every;
                    true
                }
                (true, None) => false,
            }
        });
        Some(Duration::ZERO)
    }

    /// Drops every timer (what a run left when it ended).
    pub(crate) fn drop_timers(&mut self) {
        self.timers.clear();
    }
}
