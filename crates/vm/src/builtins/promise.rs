//! `Promise`: the constructor, `then` / `catch` / `finally`, and `resolve`,
//! `reject`, `all`, `allSettled`, `any`, `race`. The machinery (states,
//! reactions, jobs, capabilities) is in promise.rs.

use super::{arg, callable, constructor, method, plain, register, string_tag};
use crate::async_fn::{await_fulfilled, await_rejected};
use crate::async_generator::{return_fulfilled, return_rejected};
use crate::attrs;
use crate::error::{ErrorKind, Interrupt};
use crate::heap::Class;
use crate::module_async::{module_fulfilled, module_rejected};
use crate::module_dynamic::import_continue;
use crate::promise::{PromiseNatives, PromiseState};
use crate::state::{Args, Vm};
use crate::value::{ObjId, Value};

pub fn install(vm: &mut Vm) {
    let proto = plain(vm, Some(vm.realm.object_proto));
    vm.realm.promise_proto = proto;
    let c = constructor(vm, "Promise", 1, construct, proto);
    vm.realm.promise = c;
    vm.realm.promise_natives = PromiseNatives {
        resolve: register(vm, "", 1, resolve_function),
        reject: register(vm, "", 1, reject_function),
        await_fulfilled: register(vm, "", 1, await_fulfilled),
        await_rejected: register(vm, "", 1, await_rejected),
        executor: register(vm, "", 2, capability_executor),
        async_from_sync_value: register(vm, "", 1, |vm, _, a| {
            let f = vm.callee_data(a);
            let (resolve, done) = (vm.heap.obj(f).elems[0], vm.heap.obj(f).elems[1]);
            let r = vm.iter_result(arg(vm, a, 0), matches!(done, Value::Bool(true)))?;
            vm.call_function(resolve, Value::Undefined, &[r])
        }),
        return_fulfilled: register(vm, "", 1, return_fulfilled),
        module_fulfilled: register(vm, "", 1, module_fulfilled),
        module_rejected: register(vm, "", 1, module_rejected),
        import_continue: register(vm, "", 0, import_continue),
        return_rejected: register(vm, "", 1, return_rejected),
        then_finally: register(vm, "", 1, then_finally),
        catch_finally: register(vm, "", 1, catch_finally),
        value_thunk: register(vm, "", 0, |vm, _, a| {
            let f = vm.callee_data(a);
            Ok(vm.heap.obj(f).elems[0])
        }),
        thrower: register(vm, "", 0, |vm, _, a| {
            let f = vm.callee_data(a);
            Err(Interrupt::Throw(vm.heap.obj(f).elems[0]))
        }),
        all_element: register(vm, "", 1, |vm, _, a| element(vm, a, Settled::Value)),
        settled_fulfilled: register(vm, "", 1, |vm, _, a| element(vm, a, Settled::Fulfilled)),
        settled_rejected: register(vm, "", 1, |vm, _, a| element(vm, a, Settled::Rejected)),
        any_element: register(vm, "", 1, |vm, _, a| element(vm, a, Settled::Error)),
        async_promise_key: vm.heap.new_symbol(Some("async function's promise")),
    };
    method(vm, proto, "then", 2, then);
    method(vm, proto, "catch", 1, |vm, this, a| {
        let then_key = vm.atoms.then;
        let then = vm.get_field(this, then_key)?;
        let then = callable(vm, then, "Promise.prototype.catch")?;
        vm.call_function(then, this, &[Value::Undefined, arg(vm, a, 0)])
    });
    method(vm, proto, "finally", 1, finally);
    string_tag(vm, proto, "Promise");

    method(vm, c, "resolve", 1, |vm, this, a| {
        if !matches!(this, Value::Obj(_)) {
            return Err(vm.type_error("Promise.resolve called on a non-object"));
        }
        vm.promise_resolve(this, arg(vm, a, 0))
    });
    method(vm, c, "reject", 1, |vm, this, a| {
        let [p, _, reject] = vm.new_capability(this)?;
        vm.call_function(reject, Value::Undefined, &[arg(vm, a, 0)])?;
        Ok(p)
    });
    method(vm, c, "all", 1, |vm, this, a| {
        combine(vm, this, a, Combinator::All)
    });
    method(vm, c, "allSettled", 1, |vm, this, a| {
        combine(vm, this, a, Combinator::AllSettled)
    });
    method(vm, c, "any", 1, |vm, this, a| {
        combine(vm, this, a, Combinator::Any)
    });
    method(vm, c, "race", 1, |vm, this, a| {
        combine(vm, this, a, Combinator::Race)
    });
    super::species_getter(vm, c);
}

/// Registers a native that functions are made of later (`Vm::native_with`).
/// `new Promise(executor)`: `this` is the object `new` made, which
/// becomes the promise (with a subclass's prototype when `super` made it).
fn construct(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let Some(p) = fresh_object(vm, this) else {
        return Err(vm.type_error("Promise constructor cannot be invoked without 'new'"));
    };
    let executor = arg(vm, a, 0);
    if !vm.is_callable(executor) {
        return Err(vm.type_error("Promise resolver is not a function"));
    }
    let o = vm.heap.obj_mut(p);
    o.class = Class::Promise(PromiseState::Pending);
    o.elems.push(Value::Undefined);
    let (resolve, reject) = vm.resolving_functions(p)?;
    let ran = vm.call_function(executor, Value::Undefined, &[resolve, reject]);
    match vm.catching(ran) {
        Ok(_) => {}
        Err(Interrupt::Throw(e)) => {
            vm.call_function(reject, Value::Undefined, &[e])?;
        }
        Err(e) => return Err(e),
    }
    Ok(this)
}

/// The object `new` made for a native constructor: a plain, empty object
/// (a call without `new` has some other `this`).
fn fresh_object(vm: &Vm, this: Value) -> Option<ObjId> {
    let Value::Obj(o) = this else { return None };
    let obj = vm.heap.obj(o);
    let fresh = obj.class == Class::Object
        && obj.props.is_empty()
        && obj.elems.is_empty()
        && !vm.heap.is_permanent(o);
    fresh.then_some(o)
}

/// A resolving function's `resolve(x)`.
fn resolve_function(vm: &mut Vm, _: Value, a: Args) -> Result<Value, Interrupt> {
    if let Some(p) = first_resolution(vm, a) {
        vm.resolve_promise(p, arg(vm, a, 0))?;
    }
    Ok(Value::Undefined)
}

/// A resolving function's `reject(reason)`.
fn reject_function(vm: &mut Vm, _: Value, a: Args) -> Result<Value, Interrupt> {
    if let Some(p) = first_resolution(vm, a) {
        vm.settle(p, PromiseState::Rejected, arg(vm, a, 0))?;
    }
    Ok(Value::Undefined)
}

/// The promise a resolving function settles, the first time either of
/// the pair is called; None after.
fn first_resolution(vm: &mut Vm, a: Args) -> Option<ObjId> {
    let f = vm.callee_data(a);
    let Value::Obj(record) = vm.heap.obj(f).elems[0] else {
        unreachable!("a resolving function holds its record")
    };
    let e = &mut vm.heap.obj_mut(record).elems;
    if matches!(e[1], Value::Bool(true)) {
        return None;
    }
    e[1] = Value::Bool(true);
    e[0].as_obj()
}

/// The executor `NewPromiseCapability` gives a promise constructor: it
/// keeps `resolve` and `reject`, once.
fn capability_executor(vm: &mut Vm, _: Value, a: Args) -> Result<Value, Interrupt> {
    let f = vm.callee_data(a);
    let Value::Obj(record) = vm.heap.obj(f).elems[0] else {
        unreachable!("an executor holds its record")
    };
    let e = &vm.heap.obj(record).elems;
    if !matches!(e[0], Value::Undefined) || !matches!(e[1], Value::Undefined) {
        return Err(
            vm.type_error("Promise executor has already been invoked with non-undefined arguments")
        );
    }
    let (resolve, reject) = (arg(vm, a, 0), arg(vm, a, 1));
    let e = &mut vm.heap.obj_mut(record).elems;
    e[0] = resolve;
    e[1] = reject;
    Ok(Value::Undefined)
}

/// `this` as a promise, or a TypeError naming the method.
fn this_promise(vm: &Vm, this: Value, method: &str) -> Result<ObjId, Interrupt> {
    match this {
        Value::Obj(o) if matches!(vm.heap.obj(o).class, Class::Promise(_)) => Ok(o),
        _ => Err(vm.type_error(format!(
            "{method} called on an object that is not a promise"
        ))),
    }
}

/// `promise.then(onFulfilled, onRejected)`.
fn then(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let p = this_promise(vm, this, "Promise.prototype.then")?;
    let c = super::species_constructor(vm, p, vm.realm.promise)?;
    let capability = vm.new_capability(c)?;
    vm.perform_then(p, arg(vm, a, 0), arg(vm, a, 1), capability)?;
    Ok(capability[0])
}

/// `promise.finally(onFinally)`: `then` with functions that call
/// `onFinally()` and pass the value (or reason) on after it settles.
fn finally(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let Value::Obj(o) = this else {
        return Err(vm.type_error("Promise.prototype.finally called on a non-object"));
    };
    let c = super::species_constructor(vm, o, vm.realm.promise)?;
    let on_finally = arg(vm, a, 0);
    let (on_f, on_r) = if vm.is_callable(on_finally) {
        let n = vm.realm.promise_natives;
        let f = vm.native_with(n.then_finally, &[on_finally, c])?;
        let r = vm.native_with(n.catch_finally, &[on_finally, c])?;
        (Value::Obj(f), Value::Obj(r))
    } else {
        (on_finally, on_finally)
    };
    let then_key = vm.atoms.then;
    let then = vm.get_field(this, then_key)?;
    let then = callable(vm, then, "Promise.prototype.finally")?;
    vm.call_function(then, this, &[on_f, on_r])
}

/// `finally`'s reaction to a fulfilment: `onFinally()`, then the value.
fn then_finally(vm: &mut Vm, _: Value, a: Args) -> Result<Value, Interrupt> {
    after_finally(vm, a, false)
}

/// `finally`'s reaction to a rejection: `onFinally()`, then the reason
/// thrown again.
fn catch_finally(vm: &mut Vm, _: Value, a: Args) -> Result<Value, Interrupt> {
    after_finally(vm, a, true)
}

fn after_finally(vm: &mut Vm, a: Args, rejected: bool) -> Result<Value, Interrupt> {
    let f = vm.callee_data(a);
    let (on_finally, c) = {
        let e = &vm.heap.obj(f).elems;
        (e[0], e[1])
    };
    let v = arg(vm, a, 0);
    let result = vm.call_function(on_finally, Value::Undefined, &[])?;
    let p = vm.promise_resolve(c, result)?;
    let n = vm.realm.promise_natives;
    let pass = vm.native_with(if rejected { n.thrower } else { n.value_thunk }, &[v])?;
    let then_key = vm.atoms.then;
    let then = vm.get_field(p, then_key)?;
    let then = callable(vm, then, "Promise.prototype.finally")?;
    vm.call_function(then, p, &[Value::Obj(pass)])
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Combinator {
    All,
    AllSettled,
    Any,
    Race,
}

/// `Promise.all / allSettled / any / race(iterable)`: an error before the
/// iteration ends rejects the promise it gives.
fn combine(vm: &mut Vm, c: Value, a: Args, kind: Combinator) -> Result<Value, Interrupt> {
    let capability = vm.new_capability(c)?;
    let combined = combine_into(vm, c, arg(vm, a, 0), kind, capability);
    match vm.catching(combined) {
        Ok(v) => Ok(v),
        Err(Interrupt::Throw(e)) => {
            vm.call_function(capability[2], Value::Undefined, &[e])?;
            Ok(capability[0])
        }
        Err(e) => Err(e),
    }
}

/// The state the element functions of one combinator call share:
/// `[values (or errors) array, elements not settled yet + 1, resolve, reject]`.
fn combine_into(
    vm: &mut Vm,
    c: Value,
    iterable: Value,
    kind: Combinator,
    capability: [Value; 3],
) -> Result<Value, Interrupt> {
    let resolve_key = vm.heap.intern("resolve");
    let promise_resolve = vm.get_field(c, resolve_key)?;
    let promise_resolve = callable(vm, promise_resolve, "Promise combinator")?;
    let it = vm.iter_values(iterable)?;
    let Value::Obj(it) = it else {
        unreachable!("iter_values gives an iterator object")
    };
    let values = vm.new_array(&[])?;
    let record = vm.heap.alloc(Class::Object, None)?;
    vm.heap.obj_mut(record).elems = vec![values, Value::Num(1.0), capability[1], capability[2]];
    let element = element_native(vm, kind);
    let then_key = vm.atoms.then;
    let mut index = 0u32;
    while let Some(next) = vm.iter_next(it)? {
        // An error past the iterator's own closes it (IfAbruptCloseIterator).
        let step = combine_step(
            vm,
            c,
            promise_resolve,
            next,
            kind,
            capability,
            values,
            record,
            element,
            then_key,
            index,
        );
        if let Err(e) = step {
            let _ = vm.iter_close(it);
            return Err(e);
        }
        index += 1;
    }
    if kind != Combinator::Race && add_remaining(vm, record, -1.0) {
        finish(vm, record, kind)?;
    }
    Ok(capability[0])
}

/// One element of a combinator: resolved through `C.resolve`, its `then`
/// given the element's functions.
#[allow(clippy::too_many_arguments)]
fn combine_step(
    vm: &mut Vm,
    c: Value,
    promise_resolve: Value,
    next: Value,
    kind: Combinator,
    capability: [Value; 3],
    values: Value,
    record: ObjId,
    element: (u32, u32),
    then_key: crate::value::Atom,
    index: u32,
) -> Result<(), Interrupt> {
    {
        let next_promise = vm.call_function(promise_resolve, c, &[next])?;
        let Value::Obj(arr) = values else {
            unreachable!()
        };
        vm.heap.obj_mut(arr).elems.push(Value::Undefined);
        let (on_f, on_r) = match kind {
            Combinator::Race => (capability[1], capability[2]),
            _ => {
                let called = vm.heap.alloc(Class::Object, None)?;
                vm.heap.obj_mut(called).elems.push(Value::Bool(false));
                let data = [
                    Value::Obj(record),
                    Value::Num(index as f64),
                    Value::Obj(called),
                ];
                let f = Value::Obj(vm.native_with(element.0, &data)?);
                match kind {
                    Combinator::All => (f, capability[2]),
                    Combinator::Any => (capability[1], f),
                    _ => (f, Value::Obj(vm.native_with(element.1, &data)?)),
                }
            }
        };
        add_remaining(vm, record, 1.0);
        let then = vm.get_field(next_promise, then_key)?;
        let then = callable(vm, then, "Promise combinator")?;
        vm.call_function(then, next_promise, &[on_f, on_r])?;
    }
    Ok(())
}

/// Adds `n` to the count of elements not settled; true when it reaches 0.
fn add_remaining(vm: &mut Vm, record: ObjId, n: f64) -> bool {
    let e = &mut vm.heap.obj_mut(record).elems;
    let Value::Num(left) = e[1] else {
        unreachable!()
    };
    e[1] = Value::Num(left + n);
    left + n == 0.0
}

/// Every element settled: `all` and `allSettled` fulfil with the values,
/// `any` rejects with the errors.
fn finish(vm: &mut Vm, record: ObjId, kind: Combinator) -> Result<(), Interrupt> {
    let (values, resolve, reject) = {
        let e = &vm.heap.obj(record).elems;
        (e[0], e[2], e[3])
    };
    if kind == Combinator::Any {
        let e = vm.make_error(ErrorKind::Error, "All promises were rejected");
        if let Value::Obj(o) = e {
            let name = vm.heap.intern("AggregateError");
            let errors = vm.heap.intern("errors");
            vm.define_with(o, vm.atoms.name, Value::Atom(name), attrs::HIDDEN)?;
            vm.define_with(o, errors, values, attrs::HIDDEN)?;
        }
        vm.call_function(reject, Value::Undefined, &[e])?;
    } else {
        vm.call_function(resolve, Value::Undefined, &[values])?;
    }
    Ok(())
}

/// The natives of a combinator's element functions (fulfilled, rejected).
fn element_native(vm: &Vm, kind: Combinator) -> (u32, u32) {
    let n = vm.realm.promise_natives;
    match kind {
        Combinator::All => (n.all_element, 0),
        Combinator::AllSettled => (n.settled_fulfilled, n.settled_rejected),
        Combinator::Any => (n.any_element, 0),
        Combinator::Race => (0, 0),
    }
}

/// What an element function records.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Settled {
    /// `all`: the value.
    Value,
    /// `allSettled`: `{ status: "fulfilled", value }`.
    Fulfilled,
    /// `allSettled`: `{ status: "rejected", reason }`.
    Rejected,
    /// `any`: the error.
    Error,
}

/// A combinator's element function: records its element once, and ends
/// the combinator when it was the last.
fn element(vm: &mut Vm, a: Args, what: Settled) -> Result<Value, Interrupt> {
    let f = vm.callee_data(a);
    let (record, index, called) = {
        let e = &vm.heap.obj(f).elems;
        (e[0], e[1], e[2])
    };
    let (Value::Obj(record), Value::Num(index), Value::Obj(called)) = (record, index, called)
    else {
        unreachable!("an element function holds its record, index and flag")
    };
    if matches!(vm.heap.obj(called).elems[0], Value::Bool(true)) {
        return Ok(Value::Undefined);
    }
    vm.heap.obj_mut(called).elems[0] = Value::Bool(true);
    let x = arg(vm, a, 0);
    let v = match what {
        Settled::Value | Settled::Error => x,
        Settled::Fulfilled | Settled::Rejected => {
            let o = vm.new_object()?;
            let (status, word, key) = if what == Settled::Fulfilled {
                ("status", "fulfilled", "value")
            } else {
                ("status", "rejected", "reason")
            };
            let (status, word, key) = (
                vm.heap.intern(status),
                vm.heap.intern(word),
                vm.heap.intern(key),
            );
            vm.define_own(o, status, Value::Atom(word))?;
            vm.define_own(o, key, x)?;
            Value::Obj(o)
        }
    };
    let Value::Obj(values) = vm.heap.obj(record).elems[0] else {
        unreachable!("the record holds the values array")
    };
    vm.heap.obj_mut(values).elems[index as usize] = v;
    if add_remaining(vm, record, -1.0) {
        let kind = match what {
            Settled::Value => Combinator::All,
            Settled::Error => Combinator::Any,
            _ => Combinator::AllSettled,
        };
        finish(vm, record, kind)?;
    }
    Ok(Value::Undefined)
}
