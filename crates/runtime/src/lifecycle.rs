//! One run's lifecycle, the same for a gateway request and `kitwork run`:
//! the main step waited on to its end, the caller's conclusion drawn from
//! its result (the gateway's reply), then the `defer()` functions, last
//! first; the `go()` functions and the run's own work past its answer
//! (`ctx.waitUntil()`) are handed back, to run when the caller chooses
//! (the gateway: once the response is written).

use crate::Services;
use crate::driver::{self, Finished, Poisoned, Step, guarded};
use lang::Program;
use std::time::Duration;
use vm::{Outcome, Uncaught, Value, Vm};

/// The `go()` functions a run queued, and whether it answered with work
/// left (`Vm::has_work_after_answer`). They stay on the VM (where the
/// collector sees them) until `run` or `discard`.
#[must_use = "a run's go() functions must be run or discarded"]
pub struct Background {
    queued: usize,
    after_answer: bool,
}

/// How long a run's work past its answer may go on, as Workers allow
/// `waitUntil` work; then it is dropped, and the log says so.
pub const AFTER_ANSWER_LIMIT: Duration = Duration::from_secs(30);

/// How a failed `ctx.waitUntil()` continuation's report starts.
pub const AFTER_ANSWER_FAILED: &str = "the work after a ctx.waitUntil() answer failed";

impl Background {
    /// How many pieces of work: the functions the run queued, and its
    /// own work past its answer.
    pub fn len(&self) -> usize {
        self.queued + usize::from(self.after_answer)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Runs the run's work past its answer (at most `AFTER_ANSWER_LIMIT`),
    /// then the `go()` functions (and any they queue) to their ends,
    /// together.
    pub async fn run(self, vm: &mut Vm, services: &Services) -> Result<(), Poisoned> {
        if self.after_answer {
            let first = guarded(|| vm.continue_after_answer())?;
            let finished =
                monoio::time::timeout(AFTER_ANSWER_LIMIT, driver::finish(vm, services, first))
                    .await;
            match finished {
                Ok(Ok(Ok(_))) => {}
                Ok(Ok(Err(e))) => driver::report(vm, AFTER_ANSWER_FAILED, &e),
                Ok(Err(poisoned)) => return Err(poisoned),
                Err(_) => vm.print(&format!(
                    "the work after a ctx.waitUntil() answer was still running after {} s: dropped\n",
                    AFTER_ANSWER_LIMIT.as_secs()
                )),
            }
            vm.drop_work_after_answer();
        }
        driver::run_background(vm, services).await
    }

    /// What is left of a run once the host has read its streamed answer
    /// (builtins/web/answer_stream.rs): its `go()` functions, and its
    /// `ctx.waitUntil` work.
    pub fn after_stream(vm: &Vm) -> Background {
        Background {
            queued: vm.background.len(),
            after_answer: vm.has_work_after_answer(),
        }
    }

    /// Drops them unrun (the core's limit refused them).
    pub fn discard(self, vm: &mut Vm) {
        vm.background.clear();
        vm.drop_work_after_answer();
    }
}

/// Finishes a run that `first` started: waits for what it waits on,
/// concludes from its value (`on_value`) or its uncaught error
/// (`on_error`), runs its deferred functions. `Err` only when the VM
/// panicked (a bug in Kitwork; the core goes on without this VM). A run
/// that already ended is concluded without entering the driver.
pub async fn complete<R>(
    vm: &mut Vm,
    services: &Services,
    first: Step,
    on_value: impl FnOnce(&mut Vm, Value) -> R,
    on_error: impl FnOnce(&mut Vm, Uncaught) -> R,
) -> Result<(R, Background), Poisoned> {
    let result = match first {
        Ok(Outcome::Done(v)) => Ok(v),
        Err(e) => Err(e),
        pending => driver::finish(vm, services, pending).await?,
    };
    // Each in a guard of its own, so the common one stays small.
    let concluded = match result {
        Ok(v) => guarded(|| on_value(vm, v))?,
        Err(e) => guarded(|| on_error(vm, e))?,
    };
    if !vm.deferred.is_empty() {
        driver::run_deferred(vm, services).await?;
    }
    let background = Background {
        queued: vm.background.len(),
        after_answer: vm.has_work_after_answer(),
    };
    Ok((concluded, background))
}

/// Runs a compiled program on `vm` to its end, then its deferred and
/// background (`go()`) functions, as `kitwork run` does. A script that
/// waits on something (`sleep()`, `db()`, `parallel()`…) gets a monoio
/// runtime of its own, so it waits as it does in the gateway; one that
/// never waits is done before a runtime would be built.
pub fn run_to_completion(
    vm: &mut Vm,
    program: &Program,
    setup: &crate::Setup,
) -> Result<Value, Uncaught> {
    let main = vm.load(program);
    let first = vm.start(main);
    finish_to_completion(vm, first, setup)
}

/// `run_to_completion` for a module graph (`kitwork run` of a file that
/// imports): every top level in order, in one run.
pub fn run_graph_to_completion(
    vm: &mut Vm,
    graph: &lang::link::LinkedGraph,
    setup: &crate::Setup,
) -> Result<Value, Uncaught> {
    let mains = vm.load_graph(graph);
    let first = vm.start_graph(graph, &mains);
    finish_to_completion(vm, first, setup)
}

/// Drives a started run to its end, then its deferred and background
/// functions (with a runtime only if it waits on something).
fn finish_to_completion(
    vm: &mut Vm,
    first: Result<Outcome, Uncaught>,
    setup: &crate::Setup,
) -> Result<Value, Uncaught> {
    if vm.deferred.is_empty() && vm.background.is_empty() {
        match first {
            Ok(Outcome::Done(v)) => return Ok(v),
            Err(e) => return Err(e),
            Ok(Outcome::Pending(_)) => {}
        }
    }
    let mut rt = monoio::RuntimeBuilder::<monoio::LegacyDriver>::new()
        .enable_timer()
        .build()
        .expect("an epoll runtime can always be built");
    rt.block_on(async {
        let services = Services::new(setup);
        let finished: Finished =
            match complete(vm, &services, first, |_, v| Ok(v), |_, e| Err(e)).await {
                Ok((result, background)) => background.run(vm, &services).await.map(|()| result),
                Err(p) => Err(p),
            };
        finished.unwrap_or_else(|_| {
            panic!("the VM panicked (a bug in Kitwork; the panic message is above)")
        })
    })
}
