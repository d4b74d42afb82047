//! What a handler in the Workers module format is given besides its
//! `Request` (`export default { fetch(request, env, ctx) }`): `env`, the
//! configured variables and secrets (also the global `env`, so `work()`
//! handlers read them too), and the execution context `ctx`
//! (`waitUntil`, `passThroughOnException`).

use crate::builtins::{arg, method};
use crate::error::Interrupt;
use crate::heap::Class;
use crate::state::{Args, Vm};
use crate::value::Value;

pub fn install(vm: &mut Vm) {
    let proto = vm
        .heap
        .alloc(Class::Object, Some(vm.realm.object_proto))
        .expect("the realm is made within its budget");
    method(vm, proto, "waitUntil", 1, wait_until);
    method(vm, proto, "passThroughOnException", 0, |_, _, _| {
        Ok(Value::Undefined)
    });
    vm.realm.context_proto = proto;
    let report = crate::builtins::native(vm, "waitUntil rejection", 1, report_rejection);
    vm.realm.wait_until_rejected = report;
    set_env(vm, &[]);
}

/// The global `env`: `vars` as a frozen object of strings.
pub fn set_env(vm: &mut Vm, vars: &[(String, String)]) {
    let env = vm
        .heap
        .alloc(Class::Object, Some(vm.realm.object_proto))
        .expect("the realm is made within its budget");
    for (k, v) in vars {
        // Interned: the realm's strings outlive every run's.
        let value = Value::Atom(vm.heap.intern(v));
        crate::builtins::set(vm, env, k, value);
    }
    vm.set_integrity(env, true);
    crate::builtins::set(vm, vm.realm.global, "env", Value::Obj(env));
}

/// A request's `ctx`.
pub fn execution_context(vm: &mut Vm) -> Result<Value, Interrupt> {
    let o = vm.heap.alloc(Class::Object, Some(vm.realm.context_proto))?;
    Ok(Value::Obj(o))
}

/// `ctx.waitUntil(promise)`: the answer goes out once the handler's
/// result is known, and the run goes on after it until the promise
/// settles (after_answer.rs); its rejection is reported instead of
/// failing the request.
fn wait_until(vm: &mut Vm, _: Value, a: Args) -> Result<Value, Interrupt> {
    let v = arg(vm, a, 0);
    let c = Value::Obj(vm.realm.promise);
    let Value::Obj(p) = vm.promise_resolve(c, v)? else {
        unreachable!("PromiseResolve gives a promise")
    };
    vm.wait_until(Value::Obj(p))?;
    let report = Value::Obj(vm.realm.wait_until_rejected);
    vm.perform_then(p, Value::Undefined, report, [Value::Undefined; 3])?;
    Ok(Value::Undefined)
}

fn report_rejection(vm: &mut Vm, _: Value, a: Args) -> Result<Value, Interrupt> {
    let reason = arg(vm, a, 0);
    let report = vm.uncaught_report(reason).replacen("Uncaught ", "", 1);
    vm.print(&format!(
        "a ctx.waitUntil() promise was rejected: {report}\n"
    ));
    Ok(Value::Undefined)
}
