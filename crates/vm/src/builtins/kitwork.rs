//! The helpers of the original Kitwork engine: `uuid()`, `log(...)`, and the
//! aliases `arr.len()`, `s.upper()`, `s.lower()`, `s.len()`. (`now()` lives
//! with `Date`; `arr.each(fn)`, which calls back, in array_callbacks.rs.)

use super::method;
use crate::error::Interrupt;
use crate::heap::Class;
use crate::property::utf16_len;
use crate::state::Vm;
use crate::value::Value;

pub fn install(vm: &mut Vm) {
    let g = vm.realm.global;
    // Version 7: time-ordered, so new rows land at the end of a B-tree index.
    method(vm, g, "uuid", 0, |vm, _, _| {
        Ok(vm.heap.alloc_str(&uuid::Uuid::now_v7().to_string())?)
    });
    // `log(...)` prints like `console.log`; the gateway's VM output tags
    // each line with the route and request id (gateway::request_log).
    method(vm, g, "log", 0, super::global::console_log);
    let ap = vm.realm.array_proto;
    method(vm, ap, "len", 0, |vm, this, _| match this {
        Value::Obj(o) if vm.heap.obj(o).class == Class::Array => {
            Ok(Value::Num(vm.heap.obj(o).elems.len() as f64))
        }
        _ => Err(vm.type_error("len called on a non-array")),
    });
    // `arr.each(fn)`: array_callbacks.rs (a callback may wait).
    let sp = vm.realm.string_proto;
    method(vm, sp, "len", 0, |vm, this, _| match vm.heap.str(this) {
        Some(s) => Ok(Value::Num(utf16_len(s) as f64)),
        None => Err(vm.type_error("len called on a non-string")),
    });
    method(vm, sp, "upper", 0, |vm, this, _| {
        map_str(vm, this, "upper", str::to_uppercase)
    });
    method(vm, sp, "lower", 0, |vm, this, _| {
        map_str(vm, this, "lower", str::to_lowercase)
    });
}

/// A new string made from the string `this` by `f`.
fn map_str(
    vm: &mut Vm,
    this: Value,
    name: &str,
    f: fn(&str) -> String,
) -> Result<Value, Interrupt> {
    let s = match vm.heap.str(this) {
        Some(s) => f(s),
        None => return Err(vm.type_error(format!("{name} called on a non-string"))),
    };
    Ok(vm.heap.alloc_str(&s)?)
}
