//! The instruction budget: slices of fuel, work charged for bytes built,
//! and when the collector may run between slices.

use crate::error::{ErrorKind, Interrupt};
use crate::state::Vm;

/// Bytes of allocation one instruction of budget pays for (see
/// `Vm::charge_work`; the measurements are in docs/ARCHITECTURE.md, "The
/// instruction budget"). 4 made a handler building 17.6 MB of short-lived
/// objects overrun a 5 M budget it fits in.
pub(crate) const WORK_BYTES_PER_INSTRUCTION: u64 = 8;

/// Instructions a stack trace costs per frame (`Vm::charge_trace`).
pub(crate) const TRACE_FRAME_INSTRUCTIONS: u64 = 100;

/// Allocation a native call may make before its bytes are settled: a
/// small result costs its call only, and the check stays one comparison.
pub(crate) const WORK_FREE_BYTES: u64 = 4096;

impl Vm {
    /// The instruction budget left in this run.
    pub fn fuel_left(&self) -> u64 {
        let owed = (self.heap.charged - self.work_mark) / WORK_BYTES_PER_INSTRUCTION;
        (self.fuel + self.banked + self.spare).saturating_sub(owed)
    }

    /// The budget a native may still draw on (`charge_work`): the spare
    /// hand and the bank, less the work owed.
    pub(crate) fn work_left(&self) -> u64 {
        let owed = (self.heap.charged - self.work_mark) / WORK_BYTES_PER_INSTRUCTION;
        (self.spare + self.banked).saturating_sub(owed)
    }

    /// Lets this VM reclaim unreachable objects in the middle of a run,
    /// looking every `every` instructions (collect.rs says when it can).
    /// Natives that keep a script value past their call must put it in
    /// `pinned` (the gateway's route handlers).
    pub fn enable_collector(&mut self, every: u64) {
        let left = self.fuel_left();
        self.collector = true;
        self.slice = every.max(1);
        self.fuel = left.min(self.slice);
        self.banked = left - self.fuel;
        self.spare = 0;
    }

    /// Takes `n` instructions when the slice in hand (`fuel`, which is no
    /// more than `n`) cannot pay: draws the next slices from the bank and
    /// returns the fuel left in hand, or 0 when the budget is spent. Between
    /// two slices the heap may be collected. Out of line: the run loop's
    /// register allocation is sensitive to what it inlines.
    #[cold]
    #[inline(never)]
    pub(crate) fn refuel(&mut self, fuel: u64, n: u64) -> u64 {
        // Work done by instructions that allocate (a spread, a string
        // concatenation, an error's trace) is settled here, between slices.
        let n = n + self.take_work_debt();
        let total = fuel + self.banked;
        if total <= n {
            self.fuel = 0;
            self.banked = 0;
            self.exhausted = true;
            return 0;
        }
        let left = total - n;
        let hand = left.min(self.slice);
        self.banked = left - hand;
        self.maybe_collect();
        hand
    }

    /// Charges `n` instructions of work a native or an instruction does
    /// beyond its own dispatch (copying, sorting, scanning, building
    /// strings), so that no script runs longer than a bounded wall time per
    /// unit of budget (docs/ARCHITECTURE.md, *The instruction budget*).
    /// Drawn from the spare hand and the bank, never the run loop's hand
    /// (a local of the loop while a native runs); no collection here, as
    /// the native may hold values in Rust locals.
    pub fn charge_work(&mut self, n: u64) -> Result<(), Interrupt> {
        if self.spare >= n {
            self.spare -= n;
            return Ok(());
        }
        let total = self.spare + self.banked;
        if total <= n {
            self.spare = 0;
            self.banked = 0;
            self.exhausted = true;
            return Err(self.budget_exhausted());
        }
        let left = total - n;
        self.spare = left.min(self.slice);
        self.banked = left - self.spare;
        Ok(())
    }

    /// Records the work of capturing a stack trace as a debt the next
    /// settlement pays (`make_error` cannot fail): formatting a frame costs
    /// about what a hundred instructions do, and a throw deep in a loop
    /// would otherwise be free (docs/ARCHITECTURE.md, *The instruction
    /// budget*).
    pub(crate) fn charge_trace(&mut self) {
        let frames = self.frames.len() as u64;
        self.heap.charged += frames * TRACE_FRAME_INSTRUCTIONS * WORK_BYTES_PER_INSTRUCTION;
    }

    /// `settle_work` once more than `WORK_FREE_BYTES` are unpaid: after
    /// instructions that copy in proportion to their input (spreads,
    /// string building), which would otherwise be paid at the next slice.
    #[inline]
    pub(crate) fn settle_if_due(&mut self) -> Result<(), Interrupt> {
        if self.heap.charged - self.work_mark < WORK_FREE_BYTES {
            return Ok(());
        }
        self.settle_work()
    }

    /// Charges the bytes allocated since the last settlement, one
    /// instruction per `WORK_BYTES_PER_INSTRUCTION`.
    #[cold]
    pub fn settle_work(&mut self) -> Result<(), Interrupt> {
        let n = self.take_work_debt();
        self.charge_work(n)
    }

    /// The instructions owed for bytes charged since the last settlement,
    /// marked paid; the remainder under one instruction stays owed, so the
    /// total does not depend on how often it is settled.
    pub(crate) fn take_work_debt(&mut self) -> u64 {
        let n = (self.heap.charged - self.work_mark) / WORK_BYTES_PER_INSTRUCTION;
        self.work_mark += n * WORK_BYTES_PER_INSTRUCTION;
        n
    }

    #[cold]
    pub(crate) fn budget_exhausted(&self) -> Interrupt {
        Interrupt::abort(
            ErrorKind::RangeError,
            format!(
                "instruction budget exhausted (the budget is {} instructions)",
                self.limits.instructions
            ),
        )
    }
}
