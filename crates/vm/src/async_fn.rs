//! Async functions. An async function is compiled as a generator whose
//! `await` is a `yield` (lang/compile): calling it parks the frame at once
//! (`Op::Generator`), and `start_async` makes the promise the caller gets
//! and runs the body to its first `await`. Each `await` hands its value to
//! `PromiseResolve` and reacts to the result with `await_fulfilled` /
//! `await_rejected`, which resume the body from the job queue; the body's
//! return fulfils the promise, its uncaught exception rejects it.
//!
//! The body runs as a nested run (like a generator's), so an async
//! function cannot wait for `db()` or `http()` I/O yet (docs/LANGUAGE.md).

use crate::error::Interrupt;
use crate::generator::{Park, Resume};
use crate::heap::Class;
use crate::promise::PromiseState;
use crate::state::{Args, Vm};
use crate::value::{ObjId, Value};

impl Vm {
    /// `Op::Generator` of an async function: its promise, after running
    /// the body up to its first `await` (or its end).
    pub(crate) fn start_async(&mut self, g: ObjId) -> Result<Value, Interrupt> {
        let p = self.new_promise(self.realm.promise_proto)?;
        let key = self.realm.promise_natives.async_promise_key;
        self.define_own(g, key, Value::Obj(p))?;
        self.async_step(g, Resume::Next, Value::Undefined)?;
        Ok(Value::Obj(p))
    }

    /// Resumes async function run `g` (or async generator `g`) with `sent`
    /// (a fulfilment's value, or a rejection's reason thrown at the
    /// `await`) and runs it to where it parks next: an `await` subscribes
    /// to the awaited promise; the end settles the run's promise (an async
    /// generator's `yield` and end settle its front request instead).
    pub(crate) fn async_step(
        &mut self,
        g: ObjId,
        how: Resume,
        sent: Value,
    ) -> Result<(), Interrupt> {
        let (mut how, mut sent) = (how, sent);
        loop {
            let r = self.resume_generator(Value::Obj(g), how, sent);
            let r = self.catching(r);
            let Class::Generator(index) = self.heap.obj(g).class else {
                unreachable!("an async function runs as a generator")
            };
            let state = &self.generators[index as usize];
            let (park, is_generator) = (state.park, state.func().is_generator);
            let v = match r {
                Ok(v) => v,
                Err(Interrupt::Throw(e)) if is_generator => {
                    self.generators[index as usize].park = Park::Return;
                    self.async_generator_complete(g, Err(e), true)?;
                    return self.async_generator_drain(g);
                }
                Err(Interrupt::Throw(e)) => {
                    let promise = self.async_promise(g);
                    return self.settle(promise, PromiseState::Rejected, e);
                }
                Err(e) => return Err(e),
            };
            match park {
                Park::Await => {
                    let c = Value::Obj(self.realm.promise);
                    match self.promise_resolve(c, v) {
                        Ok(Value::Obj(p)) => {
                            let n = self.realm.promise_natives;
                            let on_f = self.native_with(n.await_fulfilled, vec![Value::Obj(g)])?;
                            let on_r = self.native_with(n.await_rejected, vec![Value::Obj(g)])?;
                            let none = [Value::Undefined; 3];
                            return self.perform_then(p, Value::Obj(on_f), Value::Obj(on_r), none);
                        }
                        Ok(_) => unreachable!("PromiseResolve gives a promise"),
                        // Awaiting a promise whose `constructor` getter
                        // throws: the exception is thrown at the `await`.
                        Err(Interrupt::Throw(e)) => (how, sent) = (Resume::Throw, e),
                        Err(e) => return Err(e),
                    }
                }
                Park::Yield | Park::Delegate => {
                    self.async_generator_complete(g, Ok(v), false)?;
                    return self.async_generator_drain(g);
                }
                Park::Return if is_generator => {
                    self.async_generator_complete(g, Ok(v), true)?;
                    return self.async_generator_drain(g);
                }
                Park::Return | Park::Start => {
                    let promise = self.async_promise(g);
                    return self.resolve_promise(promise, v);
                }
            }
        }
    }

    /// The promise an async function's run settles.
    fn async_promise(&self, g: ObjId) -> ObjId {
        let key = self.realm.promise_natives.async_promise_key;
        match self.get_own(g, key) {
            Some(Value::Obj(p)) => p,
            _ => unreachable!("an async function's run keeps its promise"),
        }
    }
}

/// `await`'s reaction to a fulfilment: resumes the run with the value.
pub(crate) fn await_fulfilled(vm: &mut Vm, _: Value, a: Args) -> Result<Value, Interrupt> {
    resume_awaiting(vm, a, Resume::Next)
}

/// `await`'s reaction to a rejection: throws the reason at the `await`.
pub(crate) fn await_rejected(vm: &mut Vm, _: Value, a: Args) -> Result<Value, Interrupt> {
    resume_awaiting(vm, a, Resume::Throw)
}

fn resume_awaiting(vm: &mut Vm, a: Args, how: Resume) -> Result<Value, Interrupt> {
    let f = vm.callee_data(a);
    let Value::Obj(g) = vm.heap.obj(f).elems[0] else {
        unreachable!("an await reaction holds its generator")
    };
    let v = crate::builtins::arg(vm, a, 0);
    vm.async_step(g, how, v)?;
    Ok(Value::Undefined)
}
