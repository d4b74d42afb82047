//! `AbortController` and `AbortSignal` (the DOM Standard's): a signal is
//! aborted once, with a reason (an `AbortError` `DOMException` unless one
//! is given), rejects the fetches given it that are in flight, and then
//! runs its `onabort` and `abort` listeners.
//! `AbortSignal.abort(reason)` is one aborted already;
//! `AbortSignal.timeout(ms)` aborts with a `TimeoutError` after `ms` (a
//! timer of the run), and `fetch` given it waits at most `ms`.

use super::{dom_exception, new_proto, new_web_object, this_web, to_rust_string};
use crate::builtins::{arg, constructor, getter, method, native, string_tag};
use crate::error::Interrupt;
use crate::heap::{Class, WebKind};
use crate::state::{Args, Vm};
use crate::value::{ObjId, Value};

/// A signal's slots: aborted, reason, its `timeout` in ms (or
/// undefined), `onabort`, then its `abort` listeners.
const ABORTED: usize = 0;
const REASON: usize = 1;
pub(super) const TIMEOUT: usize = 2;
const ONABORT: usize = 3;
const LISTENERS: usize = 4;

pub fn install(vm: &mut Vm) {
    let object_proto = vm.realm.object_proto;
    let proto = new_proto(vm, object_proto);
    let ctor = constructor(
        vm,
        "AbortSignal",
        0,
        |vm, _, _| {
            Err(vm.type_error("Illegal constructor: an AbortSignal comes from an AbortController"))
        },
        proto,
    );
    method(vm, ctor, "abort", 1, |vm, _, a| {
        let s = new_signal(vm)?;
        let reason = arg(vm, a, 0);
        abort(vm, s, reason)?;
        Ok(Value::Obj(s))
    });
    method(vm, ctor, "timeout", 1, signal_timeout);
    getter(vm, proto, "get aborted", |vm, this, _| {
        slot(vm, this, ABORTED)
    });
    getter(vm, proto, "get reason", |vm, this, _| {
        slot(vm, this, REASON)
    });
    getter(vm, proto, "get onabort", |vm, this, _| {
        slot(vm, this, ONABORT)
    });
    let set_onabort = native(vm, "set onabort", 1, |vm, this, a| {
        let s = this_web(
            vm,
            this,
            WebKind::AbortSignal,
            "AbortSignal.prototype.onabort",
        )?;
        vm.heap.obj_mut(s).elems[ONABORT] = arg(vm, a, 0);
        Ok(Value::Undefined)
    });
    let key = vm.heap.intern("onabort");
    vm.define_accessor(
        proto,
        key,
        Value::Obj(set_onabort),
        true,
        crate::attrs::PLAIN,
    )
    .expect("the realm is made within its budget");
    method(vm, proto, "throwIfAborted", 0, |vm, this, _| {
        let s = this_web(
            vm,
            this,
            WebKind::AbortSignal,
            "AbortSignal.prototype.throwIfAborted",
        )?;
        let e = &vm.heap.obj(s).elems;
        match vm.truthy(e[ABORTED]) {
            true => Err(Interrupt::Throw(e[REASON])),
            false => Ok(Value::Undefined),
        }
    });
    method(vm, proto, "addEventListener", 2, |vm, this, a| {
        listen(vm, this, a, true)
    });
    method(vm, proto, "removeEventListener", 2, |vm, this, a| {
        listen(vm, this, a, false)
    });
    string_tag(vm, proto, "AbortSignal");
    vm.realm.abort_signal_proto = proto;

    let proto = new_proto(vm, object_proto);
    constructor(
        vm,
        "AbortController",
        0,
        |vm, this, _| {
            let c = new_web_object(vm, this, WebKind::AbortController, "AbortController")?;
            let s = new_signal(vm)?;
            vm.heap.obj_mut(c).elems = vec![Value::Obj(s)];
            Ok(Value::Obj(c))
        },
        proto,
    );
    getter(vm, proto, "get signal", |vm, this, _| {
        let c = this_web(
            vm,
            this,
            WebKind::AbortController,
            "AbortController.prototype.signal",
        )?;
        Ok(vm.heap.obj(c).elems[0])
    });
    method(vm, proto, "abort", 1, |vm, this, a| {
        let c = this_web(
            vm,
            this,
            WebKind::AbortController,
            "AbortController.prototype.abort",
        )?;
        let Value::Obj(s) = vm.heap.obj(c).elems[0] else {
            unreachable!("a controller keeps its signal")
        };
        let reason = arg(vm, a, 0);
        abort(vm, s, reason)?;
        Ok(Value::Undefined)
    });
    string_tag(vm, proto, "AbortController");
    let fire = native(vm, "AbortSignal timeout", 0, |vm, _, a| {
        let s = match arg(vm, a, 0) {
            Value::Obj(s) => s,
            _ => return Ok(Value::Undefined),
        };
        let reason = dom_exception(
            vm,
            "TimeoutError",
            "The operation was aborted due to timeout",
        );
        abort(vm, s, reason)?;
        Ok(Value::Undefined)
    });
    vm.realm.abort_timeout = fire;
}

fn slot(vm: &mut Vm, this: Value, i: usize) -> Result<Value, Interrupt> {
    let s = this_web(vm, this, WebKind::AbortSignal, "an AbortSignal getter")?;
    Ok(vm.heap.obj(s).elems[i])
}

fn new_signal(vm: &mut Vm) -> Result<ObjId, Interrupt> {
    let s = vm.heap.alloc(
        Class::Web(WebKind::AbortSignal),
        Some(vm.realm.abort_signal_proto),
    )?;
    vm.heap.obj_mut(s).elems = vec![
        Value::Bool(false),
        Value::Undefined,
        Value::Undefined,
        Value::Null,
    ];
    Ok(s)
}

/// `AbortSignal.timeout(ms)`.
fn signal_timeout(vm: &mut Vm, _: Value, a: Args) -> Result<Value, Interrupt> {
    let ms = vm.to_number(arg(vm, a, 0))?;
    if !(ms >= 0.0) || ms > 9007199254740991.0 {
        return Err(vm.type_error("AbortSignal.timeout needs a number of milliseconds"));
    }
    let s = new_signal(vm)?;
    vm.heap.obj_mut(s).elems[TIMEOUT] = Value::Num(ms.trunc());
    let args = vm.new_array(&[Value::Obj(s)])?;
    vm.add_timer(Value::Obj(vm.realm.abort_timeout), args, ms, false)?;
    Ok(Value::Obj(s))
}

/// Aborts signal `s` with `reason` (an `AbortError` when undefined), once:
/// `onabort`, then each listener, gets `{ type: "abort", target }`.
fn abort(vm: &mut Vm, s: ObjId, reason: Value) -> Result<(), Interrupt> {
    if vm.truthy(vm.heap.obj(s).elems[ABORTED]) {
        return Ok(());
    }
    let reason = match reason {
        Value::Undefined => dom_exception(vm, "AbortError", "This operation was aborted"),
        r => r,
    };
    let e = &mut vm.heap.obj_mut(s).elems;
    e[ABORTED] = Value::Bool(true);
    e[REASON] = reason;
    let mut listeners = vec![e[ONABORT]];
    listeners.extend_from_slice(&e[LISTENERS..]);
    // The abort steps first: the fetches given the signal reject.
    vm.abort_fetches(s, reason)?;
    let event = vm.new_object()?;
    let (t, target) = (vm.heap.intern("type"), vm.heap.intern("target"));
    let abort_type = Value::Atom(vm.heap.intern("abort"));
    vm.define_own(event, t, abort_type)?;
    vm.define_own(event, target, Value::Obj(s))?;
    for f in listeners {
        if vm.is_callable(f) {
            vm.call_function(f, Value::Obj(s), &[Value::Obj(event)])?;
        }
    }
    Ok(())
}

/// `addEventListener("abort", f)` / `removeEventListener("abort", f)`.
fn listen(vm: &mut Vm, this: Value, a: Args, add: bool) -> Result<Value, Interrupt> {
    let s = this_web(
        vm,
        this,
        WebKind::AbortSignal,
        "AbortSignal.prototype.addEventListener",
    )?;
    let kind = to_rust_string(vm, arg(vm, a, 0))?;
    let f = arg(vm, a, 1);
    if kind != "abort" || !vm.is_callable(f) {
        return Ok(Value::Undefined);
    }
    let e = &mut vm.heap.obj_mut(s).elems;
    let present = e[LISTENERS..].iter().any(|&l| same(l, f));
    match (add, present) {
        (true, false) => e.push(f),
        (false, true) => {
            let at = LISTENERS + e[LISTENERS..].iter().position(|&l| same(l, f)).unwrap_or(0);
            e.remove(at);
        }
        _ => {}
    }
    Ok(Value::Undefined)
}

fn same(a: Value, b: Value) -> bool {
    matches!((a, b), (Value::Obj(x), Value::Obj(y)) if x == y)
}

/// What `fetch` makes of `init.signal`: the reason it was aborted with
/// already, and its `AbortSignal.timeout` in ms.
pub(super) fn signal_state(vm: &Vm, signal: Value) -> (Option<Value>, Option<f64>) {
    let Value::Obj(s) = signal else {
        return (None, None);
    };
    if vm.heap.obj(s).class != Class::Web(WebKind::AbortSignal) {
        return (None, None);
    }
    let e = &vm.heap.obj(s).elems;
    let aborted = vm.truthy(e[ABORTED]).then_some(e[REASON]);
    let timeout = match e[TIMEOUT] {
        Value::Num(ms) => Some(ms),
        _ => None,
    };
    (aborted, timeout)
}
