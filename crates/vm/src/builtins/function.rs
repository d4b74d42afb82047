//! `Function`, `Function.prototype.call`, `apply` and `bind`, and the bound
//! functions `bind` makes: a native (`Realm::bound_native`) whose object
//! holds the target, the bound `this` and the bound arguments in its
//! elements.

use super::{arg, callable, constructor, method, native};
use crate::error::Interrupt;
use crate::heap::{Class, SLOT_COST};
use crate::state::{Args, Vm};
use crate::value::{ObjId, Value};

pub fn install(vm: &mut Vm) {
    // `Function`: the constructor of every function, so `Function.prototype`
    // and `f.constructor === Function` hold; making a function from a
    // string is refused (Kitwork compiles files, never strings: no `eval`).
    let fp = vm.realm.function_proto;
    constructor(
        vm,
        "Function",
        1,
        |vm, _, _| {
            Err(vm.type_error(
                "Function() compiles code from a string, which Kitwork does not do; write a function expression",
            ))
        },
        fp,
    );
    // What a function whose own `name` / `length` was deleted reads.
    let (name, length, empty) = (vm.atoms.name, vm.atoms.length, vm.atoms.empty);
    super::set_fixed(vm, fp, name, Value::Atom(empty));
    super::set_fixed(vm, fp, length, Value::Num(0.0));
    method(vm, fp, "call", 1, |vm, this, a| {
        let args: Vec<Value> = (1..a.len).map(|i| arg(vm, a, i)).collect();
        vm.call_function(this, arg(vm, a, 0), &args)
    });
    method(vm, fp, "apply", 2, |vm, this, a| {
        let args = match arg(vm, a, 1) {
            Value::Obj(o) if vm.heap.obj(o).class == Class::Array => vm.heap.obj(o).elems.clone(),
            Value::Undefined | Value::Null => Vec::new(),
            _ => return Err(vm.type_error("the second argument of apply must be an array")),
        };
        vm.call_function(this, arg(vm, a, 0), &args)
    });
    method(vm, fp, "bind", 1, bind);
    method(vm, fp, "toString", 0, |vm, this, _| {
        if !vm.is_callable(this) {
            return Err(
                vm.type_error("Function.prototype.toString requires that 'this' be a Function")
            );
        }
        vm.to_string_value(this)
    });
    // `new.target` (parser.rs `new_expr`): what the calling frame was
    // constructed as — its callee slot, which `super()` sets to the derived
    // class's — or undefined when it was called.
    let new_target = native(vm, "%newTarget", 0, |vm, _, _| {
        Ok(vm.new_target().unwrap_or(Value::Undefined))
    });
    let g = vm.realm.global;
    super::set(vm, g, "%newTarget", Value::Obj(new_target));
    let trampoline = native(vm, "bound", 0, call_bound);
    let Class::Native(ni) = vm.heap.obj(trampoline).class else {
        unreachable!("native() makes a native")
    };
    vm.realm.bound_native = ni;
    vm.realm.throw_type_error = native(vm, "", 0, |vm, _, _| {
        Err(vm.type_error(
            "'caller', 'callee', and 'arguments' properties may not be accessed on strict mode functions or the arguments objects for calls to them",
        ))
    });
}

/// `f.bind(thisArg, ...args)`: a function that calls `f` with `thisArg`
/// and `args` before its own arguments; its `name` is `bound f`, its
/// `length` what is left of `f`'s.
fn bind(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let target = callable(vm, this, "Function.prototype.bind")?;
    let mut elems = vec![target, arg(vm, a, 0)];
    elems.extend((1..a.len).map(|i| arg(vm, a, i)));
    let f = vm.heap.alloc(
        Class::Native(vm.realm.bound_native),
        Some(vm.realm.function_proto),
    )?;
    vm.heap.charge(elems.len() * SLOT_COST)?;
    // Its `name` and `length` come from the target (`Vm::function_name`).
    vm.heap.obj_mut(f).elems = elems;
    Ok(Value::Obj(f))
}

/// Calls a bound function: its callee sits just below `this` on the stack.
fn call_bound(vm: &mut Vm, _: Value, a: Args) -> Result<Value, Interrupt> {
    let Value::Obj(f) = vm.stack[a.start - 2] else {
        unreachable!("a bound function is called as itself")
    };
    let (target, bound_this, mut args) = bound_parts(vm, f);
    args.extend((0..a.len).map(|i| arg(vm, a, i)));
    vm.call_function(target, bound_this, &args)
}

/// The target, the bound `this` and the bound arguments of bound function `f`.
fn bound_parts(vm: &Vm, f: ObjId) -> (Value, Value, Vec<Value>) {
    let e = &vm.heap.obj(f).elems;
    (e[0], e[1], e[2..].to_vec())
}
