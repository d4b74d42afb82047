//! Waiting and concurrency: `sleep(ms)`, `parallel(tasks)`, `defer(fn)` and
//! `go(fn)`. The natives only record what is asked; the host's driver
//! (`runtime::driver`) waits, runs the fibers and calls the closures.

use super::{arg, callable, method};
use crate::error::{ErrorKind, Interrupt};
use crate::heap::Class;
use crate::io::PendingOp;
use crate::state::{Args, Vm};
use crate::value::Value;

/// Most `defer()` and most `go()` functions one run may queue: each holds
/// its closure (and what it reaches) until the run ends, and one request
/// queued 100,000 `go()` functions (+9.9 MB, kept).
pub const QUEUED_PER_RUN: usize = 100;

pub fn install(vm: &mut Vm) {
    let g = vm.realm.global;
    method(vm, g, "sleep", 1, sleep);
    method(vm, g, "parallel", 1, parallel);
    method(vm, g, "defer", 1, defer);
    method(vm, g, "go", 1, go);
}

fn sleep(vm: &mut Vm, _: Value, a: Args) -> Result<Value, Interrupt> {
    let ms = vm.to_number(arg(vm, a, 0))?;
    Err(Interrupt::Suspend(PendingOp::Sleep {
        ms: if ms.is_nan() { 0.0 } else { ms.max(0.0) },
    }))
}

/// `parallel([f, g])` or `parallel({ a: f, b: g })`: the closures run as
/// fibers, concurrently while they wait; the result has the same shape.
fn parallel(vm: &mut Vm, _: Value, a: Args) -> Result<Value, Interrupt> {
    let v = arg(vm, a, 0);
    let Value::Obj(o) = v else {
        return Err(vm.type_error("parallel needs an array or an object of functions"));
    };
    let (tasks, keys) = match vm.heap.obj(o).class {
        Class::Array => (vm.heap.obj(o).elems.clone(), None),
        Class::Object => {
            let props = &vm.heap.obj(o).props;
            let keys: Vec<_> = props.iter().map(|&(k, _)| k).collect();
            (props.iter().map(|&(_, f)| f).collect(), Some(keys))
        }
        _ => return Err(vm.type_error("parallel needs an array or an object of functions")),
    };
    for &f in &tasks {
        callable(vm, f, "parallel")?;
    }
    if tasks.is_empty() {
        return match keys {
            None => vm.new_array(&[]),
            Some(_) => Ok(Value::Obj(vm.new_object()?)),
        };
    }
    Err(Interrupt::Suspend(PendingOp::Parallel(Box::new(
        crate::io::Parallel { tasks, keys },
    ))))
}

/// `defer(fn)`: `fn` runs after the handler ends (also when it throws),
/// the last deferred first.
fn defer(vm: &mut Vm, _: Value, a: Args) -> Result<Value, Interrupt> {
    let f = callable(vm, arg(vm, a, 0), "defer")?;
    if vm.deferred.len() >= QUEUED_PER_RUN {
        return Err(too_many("defer"));
    }
    vm.deferred.push(f);
    Ok(Value::Undefined)
}

/// `go(fn)`: `fn` runs in the background once the response is on its way.
fn go(vm: &mut Vm, _: Value, a: Args) -> Result<Value, Interrupt> {
    let f = callable(vm, arg(vm, a, 0), "go")?;
    if vm.background.len() >= QUEUED_PER_RUN {
        return Err(too_many("go"));
    }
    vm.background.push(f);
    Ok(Value::Undefined)
}

fn too_many(what: &str) -> Interrupt {
    Interrupt::error(
        ErrorKind::RangeError,
        format!("{what}(): at most {QUEUED_PER_RUN} functions per request"),
    )
}
