//! Async functions. An async function is compiled as a generator whose
//! `await` is a `yield` (lang/compile), and it runs on the fiber's own
//! frames, so its body may wait for `db()` or `http()` I/O like any code:
//!
//! - The call starts as any call: the compiler puts a handler around the
//!   body that lands on `Op::AsyncReject`, and a local for the run.
//! - The first `await` makes the run (a generator object no script sees);
//!   `await v` parks the frame in it (`await_async`), subscribes to
//!   `PromiseResolve(v)` and gives the caller the promise. A call that
//!   never awaits makes no run: its end pops the frame as `return` does.
//! - When the awaited promise settles, the job that reacts puts the frame
//!   back on the fiber's frames (run.rs, `Vm::start_job`) and the body
//!   goes on from its `await` with the value, or the reason thrown there.
//! - The body's end (`Op::AsyncReturn`) fulfils the promise and its
//!   uncaught exception rejects it (`end_async`); either way the frame
//!   gives the promise.
//!
//! Async generators keep the older path (`async_step`):
//! they run nested on the host stack, from `next()` and from the job
//! queue, so their bodies cannot wait for I/O yet (docs/LANGUAGE.md).

use crate::error::Interrupt;
use crate::generator::{GenStatus, Park, Resume};
use crate::heap::Class;
use crate::promise::PromiseState;
use crate::state::{Args, Vm};
use crate::value::{ObjId, Value};

impl Vm {
    /// The run of the async function on top of the frames (local `slot`
    /// holds it), made at its first `await`: a generator object no script
    /// sees, holding the promise under a key no script has.
    fn run_of(&mut self, slot: u16) -> Result<ObjId, Interrupt> {
        let frame = self.frames.last().expect("an async function runs");
        let (func, closure, at) = (
            frame.func,
            frame.closure,
            frame.base as usize + slot as usize,
        );
        if let Value::Obj(g) = self.stack[at] {
            return Ok(g);
        }
        let g = self.new_generator(func, closure, GenStatus::Running)?;
        self.stack[at] = Value::Obj(g);
        let p = self.new_promise(self.realm.promise_proto)?;
        let key = self.realm.promise_natives.async_promise_key;
        self.define_own(g, key, Value::Obj(p))?;
        Ok(g)
    }

    /// `Op::Await(slot)` in an async function: parks its frame (resuming
    /// at `pc`) until `v` settles; what the frame gives its caller is the
    /// function's promise. `PromiseResolve` runs first, so its exception
    /// (a `constructor` getter's) is thrown at the `await`.
    pub(crate) fn await_async(&mut self, slot: u16, pc: u32, v: Value) -> Result<Value, Interrupt> {
        let c = Value::Obj(self.realm.promise);
        let awaited = self.promise_resolve(c, v)?;
        let Value::Obj(awaited) = awaited else {
            unreachable!("PromiseResolve gives a promise")
        };
        // Until the frame is parked, the promise is held where the
        // collector sees it.
        self.stack.push(Value::Obj(awaited));
        let g = self.run_of(slot)?;
        self.await_reactions(awaited, g)?;
        self.stack.pop();
        self.park_frame(slot, pc, Some(Value::Undefined), Park::Await)?;
        Ok(Value::Obj(self.async_promise(g)))
    }

    /// Subscribes run `g` (an async function's or generator's) to promise
    /// `p`: `await`'s two reactions, which resume it.
    fn await_reactions(&mut self, p: ObjId, g: ObjId) -> Result<(), Interrupt> {
        let n = self.realm.promise_natives;
        let on_f = self.native_with(n.await_fulfilled, &[Value::Obj(g)])?;
        let on_r = self.native_with(n.await_rejected, &[Value::Obj(g)])?;
        let none = [Value::Undefined; 3];
        self.perform_then(p, Value::Obj(on_f), Value::Obj(on_r), none)
    }

    /// `Op::AsyncReturn` (`rejected` false) and `Op::AsyncReject` of an
    /// async function: the run ends, its promise resolved with `v` or rejected
    /// with it, and the frame gives the promise.
    #[inline(never)]
    pub(crate) fn end_async(
        &mut self,
        slot: u16,
        pc: u32,
        v: Value,
        rejected: bool,
    ) -> Result<Value, Interrupt> {
        let frame = self.frames.last().expect("an async function runs");
        let promise = match self.stack[frame.base as usize + slot as usize] {
            Value::Obj(g) => {
                self.park_frame(slot, pc, Some(v), Park::Return)?;
                self.async_promise(g)
            }
            // It never awaited: the frame goes as a `return` would take it.
            _ => {
                let frame = self.frames.pop().expect("an async function runs");
                let depth = self.frames.len() as u32;
                while self.handlers.last().is_some_and(|h| h.frame > depth) {
                    self.handlers.pop();
                }
                self.stack.truncate(frame.base as usize - 2);
                // Called by the host (a handler, a `go()` function), not
                // by script code or a job: only the host sees what the
                // call gives, and it settles a fulfilled promise to its
                // value anyway, so the value is given as it is.
                if !rejected && self.frames.is_empty() && self.job.is_none() && self.nested == 0 {
                    return Ok(v);
                }
                self.new_promise(self.realm.promise_proto)?
            }
        };
        if rejected {
            self.settle(promise, PromiseState::Rejected, v)?;
        } else {
            self.resolve_promise(promise, v)?;
        }
        Ok(Value::Obj(promise))
    }

    /// Whether `f` is one of `await`'s reactions for an async function
    /// (not an async generator): its run, and how the settlement resumes
    /// it. The job queue enters such a run on the fiber's frames.
    pub(crate) fn await_reaction(&self, f: Value) -> Option<(ObjId, Resume)> {
        let Value::Obj(o) = f else { return None };
        let Class::Native(ni) = self.heap.obj(o).class else {
            return None;
        };
        let n = &self.realm.promise_natives;
        let how = if ni == n.await_fulfilled {
            Resume::Next
        } else if ni == n.await_rejected {
            Resume::Throw
        } else {
            return None;
        };
        let Value::Obj(g) = self.heap.obj(o).elems[0] else {
            return None;
        };
        let Class::Generator(index) = self.heap.obj(g).class else {
            return None;
        };
        (!self.generators[index as usize].func().is_generator).then_some((g, how))
    }

    /// Resumes async generator `g` with `sent` (a request's value, a
    /// fulfilment's value, or a reason thrown at the `await`) and runs it
    /// nested to where it parks next: an `await` subscribes to the awaited
    /// promise; a `yield` and the end settle the front request.
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
                unreachable!("an async generator is a generator")
            };
            let park = self.generators[index as usize].park;
            let v = match r {
                Ok(v) => v,
                Err(Interrupt::Throw(e)) => {
                    self.generators[index as usize].park = Park::Return;
                    self.async_generator_complete(g, Err(e), true)?;
                    return self.async_generator_drain(g);
                }
                Err(e) => return Err(e),
            };
            match park {
                Park::Await => {
                    let c = Value::Obj(self.realm.promise);
                    match self.promise_resolve(c, v) {
                        Ok(Value::Obj(p)) => return self.await_reactions(p, g),
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
                Park::Return | Park::Start => {
                    self.async_generator_complete(g, Ok(v), true)?;
                    return self.async_generator_drain(g);
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
