//! %GeneratorPrototype%: `next`, `return`, `throw` and `[Symbol.iterator]`;
//! %AsyncGeneratorPrototype%: the same giving promises (async_generator.rs).

use super::{arg, method, native, set, string_tag};
use crate::attrs;
use crate::error::Interrupt;
use crate::generator::Resume;
use crate::heap::Class;
use crate::promise::PromiseState;
use crate::state::Args;
use crate::state::Vm;
use crate::value::{ObjId, Value};

pub fn install(vm: &mut Vm) {
    let gp = vm.realm.generator_proto;
    method(vm, gp, "next", 1, |vm, this, a| {
        vm.resume_generator(this, Resume::Next, arg(vm, a, 0))
    });
    method(vm, gp, "return", 1, |vm, this, a| {
        vm.resume_generator(this, Resume::Return, arg(vm, a, 0))
    });
    method(vm, gp, "throw", 1, |vm, this, a| {
        vm.resume_generator(this, Resume::Throw, arg(vm, a, 0))
    });
    // %IteratorPrototype%, above every iterator the realm makes: iterators
    // are iterable, `[Symbol.iterator]()` is the iterator itself.
    let ip = vm
        .heap
        .alloc(Class::Object, Some(vm.realm.object_proto))
        .expect("the realm is made within its budget");
    vm.realm.iterator_proto = ip;
    vm.heap.obj_mut(gp).proto = Some(ip);
    let itself = native(vm, "[Symbol.iterator]", 0, |_, this, _| Ok(this));
    let key = vm.atoms.symbols.iterator;
    vm.define_with(ip, key, Value::Obj(itself), attrs::METHOD)
        .expect("the realm is made within its budget");
    string_tag(vm, gp, "Generator");

    // %AsyncIteratorPrototype% (`[Symbol.asyncIterator]()` is the iterator
    // itself) and %AsyncGeneratorPrototype% above it.
    let async_iterator = vm
        .heap
        .alloc(Class::Object, Some(vm.realm.object_proto))
        .expect("the realm is made within its budget");
    let itself = native(vm, "[Symbol.asyncIterator]", 0, |_, this, _| Ok(this));
    let key = vm.atoms.symbols.async_iterator;
    vm.define_with(async_iterator, key, Value::Obj(itself), attrs::METHOD)
        .expect("the realm is made within its budget");
    let agp = vm
        .heap
        .alloc(Class::Object, Some(async_iterator))
        .expect("the realm is made within its budget");
    vm.realm.async_generator_proto = agp;
    method(vm, agp, "next", 1, |vm, this, a| {
        vm.async_generator_request(this, Resume::Next, arg(vm, a, 0))
    });
    method(vm, agp, "return", 1, |vm, this, a| {
        vm.async_generator_request(this, Resume::Return, arg(vm, a, 0))
    });
    method(vm, agp, "throw", 1, |vm, this, a| {
        vm.async_generator_request(this, Resume::Throw, arg(vm, a, 0))
    });
    string_tag(vm, agp, "AsyncGenerator");

    // What `for await` calls (lang/compile/for_await.rs).
    let g = vm.realm.global;
    // The iterator's `return()` when it has one (GetMethod), else an
    // object that passes as its result; awaited by the loop.
    let f = native(vm, "%asyncReturn", 1, |vm, _, a| {
        let it = arg(vm, a, 0);
        let key = vm.heap.intern("return");
        let ret = vm.get_field(it, key)?;
        if ret.is_nullish() {
            return Ok(Value::Obj(vm.new_object()?));
        }
        if !vm.is_callable(ret) {
            return Err(vm.type_error("an async iterator's return is not a function"));
        }
        vm.call_function(ret, it, &[])
    });
    set(vm, g, "%asyncReturn", Value::Obj(f));
    let f = native(vm, "%closeResult", 1, |vm, _, a| match arg(vm, a, 0) {
        v @ Value::Obj(_) => Ok(v),
        _ => Err(vm.type_error("an iterator's return() gave a result that is not an object")),
    });
    set(vm, g, "%closeResult", Value::Obj(f));
    let f = native(vm, "%asyncIterator", 1, async_iterator_of);
    set(vm, g, "%asyncIterator", Value::Obj(f));
    let f = native(vm, "%iterResult", 1, |vm, _, a| match arg(vm, a, 0) {
        v @ Value::Obj(_) => Ok(v),
        _ => Err(vm.type_error("an iterator's next() gave a result that is not an object")),
    });
    set(vm, g, "%iterResult", Value::Obj(f));
    // What `yield*` in a generator calls (compile/generator.rs).
    let f = native(vm, "%getIterator", 1, |vm, _, a| {
        vm.get_iterator(arg(vm, a, 0))
    });
    set(vm, g, "%getIterator", Value::Obj(f));
    let f = native(vm, "%delegateThrow", 2, delegate_throw);
    set(vm, g, "%delegateThrow", Value::Obj(f));
    // What a `break` out of `for…of` calls (compile/stmt.rs).
    let f = native(vm, "%iterClose", 1, |vm, _, a| {
        if let Value::Obj(it) = arg(vm, a, 0) {
            vm.iter_close(it)?;
        }
        Ok(Value::Undefined)
    });
    set(vm, g, "%iterClose", Value::Obj(f));
    // What a throw out of `for…of` calls: the close's own exception (or a
    // bad result) loses to the one thrown.
    let f = native(vm, "%iterCloseQuiet", 1, |vm, _, a| {
        if let Value::Obj(it) = arg(vm, a, 0) {
            match vm.iter_close(it) {
                Ok(()) | Err(Interrupt::Throw(_) | Interrupt::Error(_)) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(Value::Undefined)
    });
    set(vm, g, "%iterCloseQuiet", Value::Obj(f));
    let from_sync = vm
        .heap
        .alloc(Class::Object, Some(async_iterator))
        .expect("the realm is made within its budget");
    method(vm, from_sync, "next", 1, |vm, this, a| {
        async_from_sync(vm, this, a, Resume::Next)
    });
    method(vm, from_sync, "return", 1, |vm, this, a| {
        async_from_sync(vm, this, a, Resume::Return)
    });
    method(vm, from_sync, "throw", 1, |vm, this, a| {
        async_from_sync(vm, this, a, Resume::Throw)
    });
    vm.realm.async_from_sync_proto = from_sync;
}

/// `throw(e)` reaching a `yield*`: the inner iterator's `throw(e)`; an
/// iterator without one is closed and the `yield*` throws a TypeError.
fn delegate_throw(vm: &mut Vm, _: Value, a: Args) -> Result<Value, Interrupt> {
    let (it, e) = (arg(vm, a, 0), arg(vm, a, 1));
    let key = vm.heap.intern("throw");
    let method = vm.get_field(it, key)?;
    if method.is_nullish() {
        vm.close_iterator(it)?;
        return Err(vm.type_error("The iterator does not provide a 'throw' method"));
    }
    vm.call_function(method, it, &[e])
}

/// `for await`'s iterator of `v`: its `[Symbol.asyncIterator]()`, or its
/// sync iterator read one awaited value at a time.
fn async_iterator_of(vm: &mut Vm, _: Value, a: Args) -> Result<Value, Interrupt> {
    vm.get_async_iterator(arg(vm, a, 0))
}

impl Vm {
    /// `GetIterator(v, async)`: its `[Symbol.asyncIterator]()`, else its
    /// sync iterator wrapped (CreateAsyncFromSyncIterator).
    pub(crate) fn get_async_iterator(&mut self, v: Value) -> Result<Value, Interrupt> {
        let key = self.atoms.symbols.async_iterator;
        let method = if v.is_nullish() {
            Value::Undefined
        } else {
            self.get_field(v, key)?
        };
        if !method.is_nullish() {
            return match self.call_function(method, v, &[])? {
                it @ Value::Obj(_) => Ok(it),
                _ => {
                    Err(self
                        .type_error("[Symbol.asyncIterator]() gave a value that is not an object"))
                }
            };
        }
        let it = self.iter_values(v)?;
        let w = self
            .heap
            .alloc(Class::Object, Some(self.realm.async_from_sync_proto))?;
        self.heap.obj_mut(w).elems.push(it);
        Ok(Value::Obj(w))
    }
}

/// `next(v)`, `return(v)` and `throw(v)` of a sync iterator read by
/// `for await` or an async generator's `yield*`: a promise of the sync
/// method's result, its value awaited.
fn async_from_sync(vm: &mut Vm, this: Value, a: Args, how: Resume) -> Result<Value, Interrupt> {
    let r = vm.new_promise(vm.realm.promise_proto)?;
    // Only what `%asyncIterator` made: its prototype, an iterator inside.
    let it = this
        .as_obj()
        .filter(|&w| vm.heap.obj(w).proto == Some(vm.realm.async_from_sync_proto))
        .and_then(|w| vm.heap.obj(w).elems.first().copied())
        .and_then(Value::as_obj)
        .filter(|&it| {
            matches!(
                vm.heap.obj(it).class,
                Class::ValueIter { .. } | Class::StepIter
            )
        });
    let Some(it) = it else {
        return Err(vm.type_error("next called on an object that is not a for-await iterator"));
    };
    let stepped = sync_step(vm, it, a, how);
    let step = match vm.catching(stepped) {
        Ok(Step::Result(v, done)) => Some((v, done)),
        Ok(Step::Settled(v)) => {
            vm.settle(r, PromiseState::Fulfilled, v)?;
            return Ok(Value::Obj(r));
        }
        Err(Interrupt::Throw(e)) => {
            vm.settle(r, PromiseState::Rejected, e)?;
            return Ok(Value::Obj(r));
        }
        Err(e) => return Err(e),
    };
    // The value is awaited, also the end's undefined.
    let (v, done) = step.expect("settled above otherwise");
    let resolved = vm.promise_resolve(Value::Obj(vm.realm.promise), v);
    let p = match vm.catching(resolved) {
        Ok(Value::Obj(p)) => p,
        Ok(_) => unreachable!("PromiseResolve gives a promise"),
        Err(Interrupt::Throw(e)) => {
            vm.settle(r, PromiseState::Rejected, e)?;
            return Ok(Value::Obj(r));
        }
        Err(e) => return Err(e),
    };
    let (resolve, reject) = vm.resolving_functions(r)?;
    let unwrap = vm.native_with(
        vm.realm.promise_natives.async_from_sync_value,
        &[resolve, Value::Bool(done)],
    )?;
    vm.perform_then(p, Value::Obj(unwrap), reject, [Value::Undefined; 3])?;
    Ok(Value::Obj(r))
}

/// What a sync iterator's method gave `async_from_sync`.
enum Step {
    /// A value and whether the iterator is done.
    Result(Value, bool),
    /// The promise's fulfilment as it is (`return` without a method).
    Settled(Value),
}

fn sync_step(vm: &mut Vm, it: ObjId, a: Args, how: Resume) -> Result<Step, Interrupt> {
    let sent = arg(vm, a, 0);
    // The plain iteration of an array or string: nothing to forward to.
    if vm.heap.obj(it).class != Class::StepIter {
        return match how {
            Resume::Next => Ok(match vm.iter_next(it)? {
                Some(v) => Step::Result(v, false),
                None => Step::Result(Value::Undefined, true),
            }),
            Resume::Return => Ok(Step::Settled(vm.iter_result(sent, true)?)),
            Resume::Throw => Err(vm.type_error("The iterator does not provide a 'throw' method")),
        };
    }
    let (iterator, next) = (vm.heap.obj(it).elems[0], vm.heap.obj(it).elems[1]);
    let args: &[Value] = if a.len > 0 { &[sent] } else { &[] };
    let result = match how {
        Resume::Next => vm.call_function(next, iterator, args)?,
        Resume::Return => {
            let key = vm.heap.intern("return");
            let method = vm.get_field(iterator, key)?;
            if method.is_nullish() {
                return Ok(Step::Settled(vm.iter_result(sent, true)?));
            }
            vm.call_function(method, iterator, args)?
        }
        Resume::Throw => {
            let key = vm.heap.intern("throw");
            let method = vm.get_field(iterator, key)?;
            if method.is_nullish() {
                vm.close_iterator(iterator)?;
                return Err(vm.type_error("The iterator does not provide a 'throw' method"));
            }
            vm.call_function(method, iterator, args)?
        }
    };
    if !matches!(result, Value::Obj(_)) {
        return Err(vm.type_error("an iterator's result is not an object"));
    }
    let done_key = vm.heap.intern("done");
    let done = vm.get_field(result, done_key)?;
    let done = vm.truthy(done);
    let value_key = vm.heap.intern("value");
    let value = vm.get_field(result, value_key)?;
    Ok(Step::Result(value, done))
}
