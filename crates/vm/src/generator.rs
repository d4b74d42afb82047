//! Generators. Calling a `function*` runs its parameter set-up, then
//! `Op::Generator` parks the frame — its stack segment (callee, `this`,
//! slots, operands) in the generator object's `elems`, where the collector
//! sees it, and its pc and handlers in `Vm::generators` — and returns the
//! object. `next()` copies the segment back on top of the stack, pushes the
//! frame and runs it as a nested run until `Op::Yield` parks it again or it
//! returns; so a generator's body, like a callback of a built-in, cannot
//! wait for I/O yet.

use super::error::Interrupt;
use super::heap::{Class, SLOT_COST};
use super::state::{Frame, Function, Handler, Vm};
use super::value::{ObjId, Value};
use lang::bytecode::Op;

/// Where a generator is.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum GenStatus {
    /// Made, its body not started.
    Start,
    /// Parked at a `yield`.
    Suspended,
    /// Its body is running (a `next()` inside it is a TypeError).
    Running,
    Done,
}

/// A parked generator's frame, apart from its stack segment.
pub(crate) struct GenState {
    func: *const Function,
    closure: ObjId,
    pc: u32,
    /// How many `try` handlers it parked with: they follow its stack
    /// segment in the object's `elems`, each a number whose bits are its
    /// stack height above the segment's start and its pc (`handler_bits`),
    /// so parking reuses the object's buffer and allocates nothing.
    handlers: u32,
    pub(crate) status: GenStatus,
    /// An async function's run (async_fn.rs): its `await`s park it, and
    /// its parks give their value as it is, not `{ value, done }`.
    pub(crate) is_async: bool,
    /// Where it parked last.
    pub(crate) park: Park,
    /// An async generator waiting for the value of a `return` before it
    /// settles the request (async_generator.rs).
    pub(crate) awaiting_return: bool,
}

impl GenState {
    pub(crate) fn func(&self) -> &Function {
        // SAFETY: functions live as long as the VM (see `Frame::func`).
        unsafe { &*self.func }
    }
}

/// Where a generator's frame parked last.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Park {
    /// At its start (`Op::Generator`).
    Start,
    /// At a `yield`.
    Yield,
    /// At a `yield*`'s yield of an inner result (`Op::YieldRaw`): every
    /// kind of resumption goes on into the body, which forwards it.
    Delegate,
    /// At an `await` (async functions and async generators).
    Await,
    /// At its end (`Op::GenReturn`).
    Return,
}

/// How `next`, `return` and `throw` resume a generator (the numbers are
/// what `Op::ResumeKind` gives).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Resume {
    Next = 0,
    Throw = 1,
    Return = 2,
}

impl Vm {
    /// `Op::Generator`, `Op::Yield` (`done` false), `Op::Await` and
    /// `Op::GenReturn`: takes the running generator frame off the stack,
    /// keeping it to resume at `pc` unless `done`; returns what its caller
    /// receives. An async function parks only at an `await`
    /// (`await_async`, async_fn.rs).
    #[inline(never)]
    pub(crate) fn park_generator(
        &mut self,
        slot: u16,
        pc: u32,
        value: Option<Value>,
        park: Park,
    ) -> Result<Value, Interrupt> {
        let f = self.frames.last().expect("a generator frame runs").func();
        if f.is_async && !f.is_generator {
            debug_assert!(
                park == Park::Await,
                "an async function parks only at an await"
            );
            let v = value.expect("an await parks with its operand");
            return self.await_async(slot, pc, v);
        }
        self.park_frame(slot, pc, value, park)
    }

    /// `park_generator`'s work: the frame off the stack, into its object.
    pub(crate) fn park_frame(
        &mut self,
        slot: u16,
        pc: u32,
        value: Option<Value>,
        park: Park,
    ) -> Result<Value, Interrupt> {
        let done = park == Park::Return;
        let frame = self.frames.pop().expect("a generator frame runs");
        let base = frame.base as usize;
        let start = base - 2;
        let depth = self.frames.len() as u32;
        // The frame's handlers: the last ones, above `depth`.
        let first = self
            .handlers
            .iter()
            .rposition(|h| h.frame <= depth)
            .map_or(0, |i| i + 1);
        let generator = match value {
            // `Op::Generator`: the object is made now.
            None => {
                let g = self.new_generator(frame.func, frame.closure, GenStatus::Start)?;
                self.stack[base + slot as usize] = Value::Obj(g);
                g
            }
            Some(_) => match self.stack[base + slot as usize] {
                Value::Obj(g) => g,
                _ => unreachable!("a generator's slot holds it"),
            },
        };
        let Class::Generator(index) = self.heap.obj(generator).class else {
            unreachable!("a generator's slot holds a generator")
        };
        let state = &mut self.generators[index as usize];
        state.pc = pc;
        state.handlers = (self.handlers.len() - first) as u32;
        state.park = park;
        if done {
            state.status = GenStatus::Done;
            self.heap.obj_mut(generator).elems.clear();
        } else {
            if value.is_some() {
                state.status = GenStatus::Suspended;
            }
            let n = self.stack.len() - start + self.handlers.len() - first;
            self.heap.charge(n * SLOT_COST)?;
            let (stack, heap, handlers) = (&self.stack, &mut self.heap, &self.handlers);
            let elems = &mut heap.obj_mut(generator).elems;
            elems.clear();
            elems.extend_from_slice(&stack[start..]);
            for h in &handlers[first..] {
                elems.push(handler_bits(h.stack - start as u32, h.pc));
            }
        }
        self.handlers.truncate(first);
        self.stack.truncate(start);
        let is_async = self.generators[index as usize].is_async;
        let is_generator = self.generators[index as usize].func().is_generator;
        match value {
            None if is_async && is_generator => self.make_async_generator(generator),
            None => Ok(Value::Obj(generator)),
            Some(v) if is_async || park == Park::Delegate => Ok(v),
            Some(v) => self.iter_result(v, done),
        }
    }

    /// The generator object of a call of `closure` (running `func`),
    /// resuming at its start.
    pub(crate) fn new_generator(
        &mut self,
        func: *const Function,
        closure: ObjId,
        status: GenStatus,
    ) -> Result<ObjId, Interrupt> {
        let proto = match self.get_field(Value::Obj(closure), self.atoms.prototype)? {
            Value::Obj(p) => p,
            _ => self.realm.generator_proto,
        };
        let index = self.generators.len() as u32;
        let g = self.heap.alloc(Class::Generator(index), Some(proto))?;
        // SAFETY: functions live as long as the VM (see `Frame::func`).
        let is_async = unsafe { &*func }.is_async;
        self.generators.push(GenState {
            func,
            closure,
            pc: 0,
            handlers: 0,
            status,
            is_async,
            park: Park::Start,
            awaiting_return: false,
        });
        Ok(g)
    }

    /// Whether `return()` at the `yield` generator `index` is parked at
    /// has nothing to run: no `Op::ResumeCheck` follows it (the compiler
    /// puts one where `finally` blocks or iterators are around).
    pub(crate) fn return_ends_at_once(&self, index: usize) -> bool {
        let state = &self.generators[index];
        match state.park {
            Park::Delegate => false,
            _ => !matches!(
                state.func().code.get(state.pc as usize),
                Some(Op::ResumeCheck(_))
            ),
        }
    }

    /// `{ value, done }`.
    pub fn iter_result(&mut self, value: Value, done: bool) -> Result<Value, Interrupt> {
        let o = self.new_object()?;
        let (v, d) = (self.heap.intern("value"), self.heap.intern("done"));
        self.define_own(o, v, value)?;
        self.define_own(o, d, Value::Bool(done))?;
        Ok(Value::Obj(o))
    }

    /// `generator.next(v)`, `generator.return(v)`, `generator.throw(v)`.
    pub fn resume_generator(
        &mut self,
        this: Value,
        how: Resume,
        sent: Value,
    ) -> Result<Value, Interrupt> {
        let index = match this {
            // Its frames live in the run's table, gone when the request ends.
            Value::Obj(g)
                if self.heap.is_state(g)
                    && matches!(self.heap.obj(g).class, Class::Generator(_)) =>
            {
                return Err(self.state_error("resume a generator a module's top level made"));
            }
            Value::Obj(g) => match self.heap.obj(g).class {
                Class::Generator(i) => i as usize,
                _ => {
                    return Err(
                        self.type_error("next method called on an object that is not a generator")
                    );
                }
            },
            _ => {
                return Err(
                    self.type_error("next method called on a value that is not a generator")
                );
            }
        };
        let g = this.as_obj().unwrap();
        match (self.generators[index].status, how) {
            (GenStatus::Running, _) => return Err(self.type_error("Generator is already running")),
            (GenStatus::Done, Resume::Throw) => return Err(Interrupt::Throw(sent)),
            (GenStatus::Done, Resume::Next) => return self.iter_result(Value::Undefined, true),
            (GenStatus::Done, Resume::Return) => return self.iter_result(sent, true),
            (GenStatus::Start, Resume::Return) | (GenStatus::Start, Resume::Throw) => {
                self.generators[index].status = GenStatus::Done;
                self.heap.obj_mut(g).elems.clear();
                if how == Resume::Throw {
                    return Err(Interrupt::Throw(sent));
                }
                return self.iter_result(sent, true);
            }
            // `return()` at a `yield` with nothing to run on the way out
            // (no `finally`, no iterator to close) ends it here.
            (GenStatus::Suspended, Resume::Return) if self.return_ends_at_once(index) => {
                self.generators[index].status = GenStatus::Done;
                self.heap.obj_mut(g).elems.clear();
                return self.iter_result(sent, true);
            }
            _ => {}
        }
        let stop = self.frames.len();
        let floor = self.stack.len();
        self.enter_generator(g, how, sent)?;
        let r = self.run_nested(stop, floor);
        if r.is_err() {
            self.generators[index].status = GenStatus::Done;
        }
        r
    }

    /// Puts parked generator `g`'s frame back on top of the running ones,
    /// resumed `how` with `sent`: the loop runs it next. A throw no
    /// handler of the frame catches is returned (the frame is gone).
    pub(crate) fn enter_generator(
        &mut self,
        g: ObjId,
        how: Resume,
        sent: Value,
    ) -> Result<(), Interrupt> {
        let Class::Generator(index) = self.heap.obj(g).class else {
            unreachable!("a generator is entered")
        };
        let index = index as usize;
        let started = self.generators[index].status == GenStatus::Suspended;
        let state = &mut self.generators[index];
        // Past `Op::ResumeCheck`: where `return()` leaves a `yield`.
        if started && how == Resume::Return && state.park == Park::Yield {
            state.pc += 1;
        }
        let forwards = state.park == Park::Delegate;
        self.resume_kind = how;
        let floor = self.stack.len();
        let parked = std::mem::take(&mut self.heap.obj_mut(g).elems);
        let segment = parked.len() - state.handlers as usize;
        self.stack.extend_from_slice(&parked[..segment]);
        let state = &mut self.generators[index];
        state.status = GenStatus::Running;
        let stop = self.frames.len();
        self.frames.push(Frame {
            func: state.func,
            closure: state.closure,
            pc: state.pc,
            base: (floor + 2) as u32,
            construct: false,
        });
        let depth = self.frames.len() as u32;
        for &h in &parked[segment..] {
            let (height, pc) = handler_of(h);
            self.handlers.push(Handler {
                frame: depth,
                stack: floor as u32 + height,
                pc,
            });
        }
        self.heap.obj_mut(g).elems = parked;
        if started {
            if how == Resume::Throw && !forwards {
                if let Err(e) = self.raise(Interrupt::Throw(sent), stop) {
                    self.generators[index].status = GenStatus::Done;
                    self.frames.truncate(stop);
                    self.stack.truncate(floor);
                    return Err(e);
                }
            } else {
                self.stack.push(sent);
            }
        }
        Ok(())
    }
}

/// A parked handler as a number in the generator's `elems` (its bits, as
/// an `ArrayBuffer` keeps bytes): the stack height in the high half.
fn handler_bits(height: u32, pc: u32) -> Value {
    Value::Num(f64::from_bits(((height as u64) << 32) | pc as u64))
}

/// `handler_bits` read back: (height, pc).
fn handler_of(v: Value) -> (u32, u32) {
    let bits = match v {
        Value::Num(n) => n.to_bits(),
        _ => unreachable!("a parked handler is a number"),
    };
    ((bits >> 32) as u32, bits as u32)
}
