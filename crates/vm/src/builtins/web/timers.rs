//! `setTimeout`, `setInterval`, their `clear…` and `scheduler.wait(ms)`
//! (a promise fulfilled after `ms`), on the run's timers (vm/timers.rs).
//! Ids are numbers, as in browsers and Workers.

use crate::builtins::{arg, method};
use crate::error::Interrupt;
use crate::state::{Args, Vm};
use crate::value::Value;

pub fn install(vm: &mut Vm) {
    let g = vm.realm.global;
    method(vm, g, "setTimeout", 1, |vm, _, a| schedule(vm, a, false));
    method(vm, g, "setInterval", 1, |vm, _, a| schedule(vm, a, true));
    method(vm, g, "clearTimeout", 1, clear);
    method(vm, g, "clearInterval", 1, clear);
    let scheduler = vm
        .heap
        .alloc(crate::heap::Class::Object, Some(vm.realm.object_proto))
        .expect("the realm is made within its budget");
    method(vm, scheduler, "wait", 1, wait);
    crate::builtins::set(vm, g, "scheduler", Value::Obj(scheduler));
}

/// `setTimeout(callback, ms, ...args)` / `setInterval(…)`.
fn schedule(vm: &mut Vm, a: Args, repeat: bool) -> Result<Value, Interrupt> {
    let callback = arg(vm, a, 0);
    if !vm.is_callable(callback) {
        let name = if repeat { "setInterval" } else { "setTimeout" };
        return Err(vm.type_error(format!(
            "The \"callback\" argument must be of type function ({name}; Kitwork never compiles a string)"
        )));
    }
    let ms = vm.to_number(arg(vm, a, 1))?;
    let args = match a.len {
        0..=2 => Value::Undefined,
        n => {
            let values: Vec<Value> = (2..n).map(|i| arg(vm, a, i)).collect();
            vm.new_array(&values)?
        }
    };
    let id = vm.add_timer(callback, args, ms, repeat)?;
    Ok(Value::Num(id as f64))
}

/// `clearTimeout(id)`: anything that is not a live timer's id is ignored.
fn clear(vm: &mut Vm, _: Value, a: Args) -> Result<Value, Interrupt> {
    if let Value::Num(n) = arg(vm, a, 0) {
        if n >= 0.0 && n <= u32::MAX as f64 && n.fract() == 0.0 {
            vm.clear_timer(n as u32);
        }
    }
    Ok(Value::Undefined)
}

/// `scheduler.wait(ms)`: a promise fulfilled after `ms`; an `await` on it
/// parks only the async function awaiting (`sleep(ms)` parks the fiber).
fn wait(vm: &mut Vm, _: Value, a: Args) -> Result<Value, Interrupt> {
    let ms = vm.to_number(arg(vm, a, 0))?;
    let p = vm.new_promise(vm.realm.promise_proto)?;
    let (resolve, _) = vm.resolving_functions(p)?;
    vm.add_timer(resolve, Value::Undefined, ms, false)?;
    Ok(Value::Obj(p))
}
