//! Async generators (`async function*`): a generator whose `await`s park
//! like an async function's and whose `next` / `return` / `throw` give
//! promises. Requests wait in a queue on the generator object (an array of
//! `[how, value, promise]` triples under `PromiseNatives::async_promise_key`)
//! and are served one at a time: a request resumes the body, which runs to
//! its next `yield` (settling the front request with `{ value, done }`) or
//! its end; `await`s inside keep the request in progress.
//!
//! `return()` at a `yield` inside `finally` blocks resumes the body on its
//! way out, and `yield*` forwards all three requests to the inner iterator
//! (compile/generator.rs).

use crate::error::{ErrorKind, Interrupt};
use crate::generator::{GenStatus, Park, Resume};
use crate::heap::{Class, SLOT_COST};
use crate::promise::PromiseState;
use crate::state::{Args, Vm};
use crate::value::{ObjId, Value};

/// Values per queued request.
const REQUEST: usize = 3;

impl Vm {
    /// `Op::Generator` of an async generator: the object, with an empty
    /// queue of requests; the body waits for the first `next()`.
    pub(crate) fn make_async_generator(&mut self, g: ObjId) -> Result<Value, Interrupt> {
        let queue = self.new_array(&[])?;
        let key = self.realm.promise_natives.async_promise_key;
        self.define_own(g, key, queue)?;
        Ok(Value::Obj(g))
    }

    /// `next(v)`, `return(v)`, `throw(v)` of an async generator: a promise of
    /// the request's `{ value, done }`.
    pub fn async_generator_request(
        &mut self,
        this: Value,
        how: Resume,
        v: Value,
    ) -> Result<Value, Interrupt> {
        let p = self.new_promise(self.realm.promise_proto)?;
        let queue = match this {
            Value::Obj(g) if self.is_async_generator(g) && self.heap.is_state(g) => {
                return Err(self.state_error("resume a generator a module's top level made"));
            }
            Value::Obj(g) if self.is_async_generator(g) => self.request_queue(g),
            _ => {
                let e = self.make_error(
                    ErrorKind::TypeError,
                    "an async generator's method was called on an object that is not one",
                );
                self.settle(p, PromiseState::Rejected, e)?;
                return Ok(Value::Obj(p));
            }
        };
        self.heap.charge(REQUEST * SLOT_COST)?;
        let how = Value::Num(how as u8 as f64);
        self.heap
            .obj_mut(queue)
            .elems
            .extend_from_slice(&[how, v, Value::Obj(p)]);
        self.async_generator_drain(this.as_obj().unwrap())?;
        Ok(Value::Obj(p))
    }

    fn is_async_generator(&self, g: ObjId) -> bool {
        match self.heap.obj(g).class {
            Class::Generator(i) => {
                let s = &self.generators[i as usize];
                s.is_async && s.func().is_generator
            }
            _ => false,
        }
    }

    fn request_queue(&self, g: ObjId) -> ObjId {
        let key = self.realm.promise_natives.async_promise_key;
        match self.get_own(g, key) {
            Some(Value::Obj(q)) => q,
            _ => unreachable!("an async generator keeps its queue"),
        }
    }

    fn gen_index(&self, g: ObjId) -> usize {
        match self.heap.obj(g).class {
            Class::Generator(i) => i as usize,
            _ => unreachable!("an async generator is a generator"),
        }
    }

    /// Serves queued requests while the body is not running: requests on
    /// an ended generator settle at once, the first other one resumes it.
    pub(crate) fn async_generator_drain(&mut self, g: ObjId) -> Result<(), Interrupt> {
        loop {
            let index = self.gen_index(g);
            let state = &self.generators[index];
            let (status, park) = (state.status, state.park);
            if status == GenStatus::Running || park == Park::Await || state.awaiting_return {
                return Ok(());
            }
            let queue = self.request_queue(g);
            let (how, v) = match self.heap.obj(queue).elems.as_slice() {
                [Value::Num(h), v, ..] => (*h as u8, *v),
                _ => return Ok(()),
            };
            let how = match how {
                0 => Resume::Next,
                1 => Resume::Throw,
                _ => Resume::Return,
            };
            let ends = how != Resume::Next
                && (status == GenStatus::Start
                    || status == GenStatus::Done
                    || (how == Resume::Return && self.return_ends_at_once(index)));
            if how == Resume::Next && status == GenStatus::Done {
                self.async_generator_complete(g, Ok(Value::Undefined), true)?;
                continue;
            }
            if !ends {
                return self.async_step(g, how, v);
            }
            // `return` or `throw` before the start or after the end (and
            // `return` at a `yield`): the body is over.
            self.generators[index].status = GenStatus::Done;
            self.heap.obj_mut(g).elems.clear();
            if how == Resume::Throw {
                self.async_generator_complete(g, Err(v), true)?;
                continue;
            }
            return self.async_generator_return(g, v);
        }
    }

    /// The generator's body returned `v` (or a `return()` request ended
    /// it): awaits `v`, then settles the front request with it.
    pub(crate) fn async_generator_return(&mut self, g: ObjId, v: Value) -> Result<(), Interrupt> {
        let c = Value::Obj(self.realm.promise);
        let resolved = self.promise_resolve(c, v);
        let p = match self.catching(resolved) {
            Ok(Value::Obj(p)) => p,
            Ok(_) => unreachable!("PromiseResolve gives a promise"),
            Err(Interrupt::Throw(e)) => {
                self.async_generator_complete(g, Err(e), true)?;
                return self.async_generator_drain(g);
            }
            Err(e) => return Err(e),
        };
        let index = self.gen_index(g);
        self.generators[index].awaiting_return = true;
        let n = self.realm.promise_natives;
        let on_f = self.native_with(n.return_fulfilled, &[Value::Obj(g)])?;
        let on_r = self.native_with(n.return_rejected, &[Value::Obj(g)])?;
        self.perform_then(p, Value::Obj(on_f), Value::Obj(on_r), [Value::Undefined; 3])
    }

    /// Settles the request at the front of the queue: `{ value, done }`,
    /// or its rejection.
    pub(crate) fn async_generator_complete(
        &mut self,
        g: ObjId,
        result: Result<Value, Value>,
        done: bool,
    ) -> Result<(), Interrupt> {
        let queue = self.request_queue(g);
        let elems = &mut self.heap.obj_mut(queue).elems;
        if elems.len() < REQUEST {
            return Ok(());
        }
        let Value::Obj(p) = elems[2] else {
            unreachable!("a request holds its promise")
        };
        elems.drain(..REQUEST);
        match result {
            Ok(v) => {
                let r = self.iter_result(v, done)?;
                self.settle(p, PromiseState::Fulfilled, r)
            }
            Err(e) => self.settle(p, PromiseState::Rejected, e),
        }
    }
}

/// The reaction to a `return`'s value settling: the request gets it.
pub(crate) fn return_fulfilled(vm: &mut Vm, _: Value, a: Args) -> Result<Value, Interrupt> {
    returned(vm, a, false)
}

pub(crate) fn return_rejected(vm: &mut Vm, _: Value, a: Args) -> Result<Value, Interrupt> {
    returned(vm, a, true)
}

fn returned(vm: &mut Vm, a: Args, rejected: bool) -> Result<Value, Interrupt> {
    let f = vm.callee_data(a);
    let Value::Obj(g) = vm.heap.obj(f).elems[0] else {
        unreachable!("a return reaction holds its generator")
    };
    let v = crate::builtins::arg(vm, a, 0);
    let index = vm.gen_index(g);
    vm.generators[index].awaiting_return = false;
    let result = if rejected { Err(v) } else { Ok(v) };
    vm.async_generator_complete(g, result, true)?;
    vm.async_generator_drain(g)?;
    Ok(Value::Undefined)
}
