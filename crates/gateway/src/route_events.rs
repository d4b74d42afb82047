//! A route's functions besides its handler, run as a request runs them:
//! a WebSocket's `message` and `close`, a proxied route's `request` and
//! `response` hooks. Each runs on a pooled VM of the generation the route
//! belongs to, under the route's budget, through the run's lifecycle;
//! its `go()` functions start once it ends.

use super::per_core::{Core, Live, host};
use runtime::driver::{Poisoned, guarded};
use runtime::lifecycle;
use std::rc::Rc;
use vm::error::Interrupt;
use vm::{Uncaught, Value, Vm};

/// What running one came to.
pub(crate) enum Ran<R> {
    /// The route has no such function.
    Absent,
    Done(R),
    /// The VM panicked (reported; it is dropped).
    Poisoned,
}

/// Runs function `which` of `Worker::events` for route `index` of `live`:
/// `args` makes its arguments (the request functions see no request
/// unless it sets one), `on_value` and `on_error` conclude. `chained`:
/// the route's middleware runs in front of it, with its first argument as
/// `req` (a proxied route's `request` hook), and alone, ending with
/// nothing done, when the route has no such function.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn run<R>(
    core: &Rc<Core>,
    live: &Rc<Live>,
    index: usize,
    which: usize,
    chained: bool,
    args: impl FnOnce(&mut Vm) -> Result<Vec<Value>, Interrupt>,
    on_value: impl FnOnce(&mut Vm, Value) -> R,
    on_error: impl FnOnce(&mut Vm, Uncaught) -> R,
) -> Ran<R> {
    let route = &live.router.routes[index];
    let mut worker = live.worker(&core.config);
    let mut f = worker
        .events
        .get(route.declared)
        .copied()
        .flatten()
        .map_or(Value::Undefined, |e| e[which]);
    let chain = match chained {
        true => worker.chains.get(route.declared).cloned().flatten(),
        false => None,
    };
    if matches!(f, Value::Undefined) {
        match (&chain, host(&mut worker.vm).keys.pass) {
            (Some(_), Some(pass)) => f = Value::Obj(pass),
            _ => {
                live.pool.borrow_mut().push(worker);
                return Ran::Absent;
            }
        }
    }
    let n = core.requests.get() + 1;
    core.requests.set(n);
    worker
        .tags
        .borrow_mut()
        .set(core.index, n, &route.method, &route.pattern);
    let vm = &mut worker.vm;
    vm.limits = route.budget.over(core.config.vm);
    {
        let h = host(vm);
        h.begin_request(route.ordinal);
        h.request.clear();
    }
    let first = guarded(|| {
        vm.reset();
        match args(vm) {
            Ok(args) => {
                vm.pinned.extend_from_slice(&args);
                match &chain {
                    Some(_) => {
                        let req = args.first().copied().unwrap_or(Value::Undefined);
                        super::middleware::start(vm, chain.as_ref(), f, req, &args)
                    }
                    None => vm.start_call(f, &args),
                }
            }
            Err(e) => Err(vm.uncaught(e)),
        }
    });
    let Ok(first) = first else {
        return Ran::Poisoned;
    };
    let done = lifecycle::complete(vm, &core.services, first, on_value, on_error).await;
    match done {
        Ok((r, background)) => {
            super::dispatch::finish_run(core, live, worker, background, route);
            Ran::Done(r)
        }
        Err(Poisoned) => Ran::Poisoned,
    }
}
