//! `Function`, `Function.prototype.call`, `apply` and `bind`, and the bound
//! functions `bind` makes: a native (`Realm::bound_native`) whose object
//! holds the target, the bound `this` and the bound arguments in its
//! elements.

use super::{arg, callable, constructor, method, native};
use crate::error::{ErrorKind, Interrupt};
use crate::heap::{Class, SLOT_COST};
use crate::state::{Args, STACK_MAX, Vm, stack_overflow};
use crate::value::Value;

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
    method(vm, fp, "call", 1, call);
    method(vm, fp, "apply", 2, apply);
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

// `call`, `apply` and bound functions only forward: each rewrites its
// call on the stack into the call it stands for and lets `Vm::call` make
// it (`Interrupt::Redirect`), so the function runs on the VM's own frames,
// where it may wait for I/O, and no nested run is paid for.

/// `f.call(thisArg, ...args)`: [call, f, thisArg, args…] → [f, thisArg, args…].
fn call(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    callable(vm, this, "Function.prototype.call")?;
    vm.stack.remove(a.start - 2);
    if a.len == 0 {
        vm.stack.push(Value::Undefined);
    }
    Err(Interrupt::Redirect(a.len.saturating_sub(1)))
}

/// `f.apply(thisArg, list)`: [apply, f, thisArg, list] → [f, thisArg,
/// the list's items…]; the list is an array or any array-like object
/// (`arguments`), or null or undefined for none.
fn apply(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    callable(vm, this, "Function.prototype.apply")?;
    let (this_arg, list) = (arg(vm, a, 0), arg(vm, a, 1));
    let n = match list {
        Value::Undefined | Value::Null => 0,
        Value::Obj(o) if vm.heap.obj(o).class == Class::Array => vm.heap.obj(o).elems.len(),
        Value::Obj(_) => {
            let n = vm.get_field(list, vm.atoms.length)?;
            let n = vm.to_number(n)?;
            if n.is_nan() || n <= 0.0 {
                0
            } else {
                n.min(u32::MAX as f64) as usize
            }
        }
        _ => {
            let shown = crate::inspect::inspect_short(vm, list);
            return Err(vm.type_error(format!(
                "CreateListFromArrayLike called on non-object ({shown})"
            )));
        }
    };
    let callee_pos = a.start - 2;
    if n > u16::MAX as usize || callee_pos + 2 + n > STACK_MAX {
        return Err(Interrupt::error(
            ErrorKind::RangeError,
            "too many arguments in a call to apply",
        ));
    }
    // Copying the items is work the call does not pay.
    vm.charge_work(n as u64)?;
    vm.stack.truncate(callee_pos);
    vm.stack.extend_from_slice(&[this, this_arg]);
    match list {
        Value::Obj(o) if vm.heap.obj(o).class == Class::Array => {
            let (stack, heap) = (&mut vm.stack, &vm.heap);
            stack.extend_from_slice(&heap.obj(o).elems);
        }
        Value::Obj(_) => {
            for i in 0..n {
                let v = vm.get_index(list, Value::Num(i as f64))?;
                vm.stack.push(v);
            }
        }
        _ => {}
    }
    Err(Interrupt::Redirect(n))
}

/// `f.bind(thisArg, ...args)`: a function that calls `f` with `thisArg`
/// and `args` before its own arguments; its `name` is `bound f`, its
/// `length` what is left of `f`'s.
fn bind(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let target = callable(vm, this, "Function.prototype.bind")?;
    let bound: Vec<Value> = (1..a.len).map(|i| arg(vm, a, i)).collect();
    vm.bind_function(target, arg(vm, a, 0), &bound)
}

impl Vm {
    /// `target.bind(this, ...args)` for a callable `target`: a function
    /// that calls it with `this` and `args` before its own arguments.
    pub fn bind_function(
        &mut self,
        target: Value,
        this: Value,
        args: &[Value],
    ) -> Result<Value, Interrupt> {
        let mut elems = Vec::with_capacity(2 + args.len());
        elems.extend_from_slice(&[target, this]);
        elems.extend_from_slice(args);
        let f = self.heap.alloc(
            Class::Native(self.realm.bound_native),
            Some(self.realm.function_proto),
        )?;
        self.heap.charge(elems.len() * SLOT_COST)?;
        // Its `name` and `length` come from the target (`Vm::function_name`).
        self.heap.obj_mut(f).elems = elems;
        Ok(Value::Obj(f))
    }
}

/// Calls a bound function: [bound, this, args…] → [target, bound this,
/// bound args…, args…].
fn call_bound(vm: &mut Vm, _: Value, a: Args) -> Result<Value, Interrupt> {
    let callee_pos = a.start - 2;
    let Value::Obj(f) = vm.stack[callee_pos] else {
        unreachable!("a bound function is called as itself")
    };
    let (stack, heap) = (&mut vm.stack, &vm.heap);
    let e = &heap.obj(f).elems;
    stack[callee_pos] = e[0];
    stack[callee_pos + 1] = e[1];
    let bound = &e[2..];
    if !bound.is_empty() {
        if stack.len() + bound.len() > STACK_MAX {
            return Err(stack_overflow());
        }
        let end = stack.len();
        stack.resize(end + bound.len(), Value::Undefined);
        stack.copy_within(a.start..end, a.start + bound.len());
        stack[a.start..a.start + bound.len()].copy_from_slice(bound);
    }
    Err(Interrupt::Redirect(bound.len() + a.len))
}
