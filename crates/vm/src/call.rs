//! Calls and exceptions: pushing frames, fitting arguments, calling
//! script and native functions (also from natives, in a nested loop),
//! `new`, spread arguments, closures, and unwinding to a handler.

use crate::attrs;
use crate::budget::WORK_FREE_BYTES;
use crate::error::{ErrorKind, Interrupt};
use crate::heap::{Class, SLOT_COST};
use crate::state::{
    Args, FRAMES_MAX, Frame, Function, NATIVE_NESTING_MAX, Outcome, STACK_MAX, Vm, stack_overflow,
};
use crate::value::{ObjId, Value};
use lang::bytecode::Capture;
use std::rc::Rc;

impl Vm {
    #[inline(always)]
    pub(crate) fn push_frame(
        &mut self,
        fi: u32,
        closure: ObjId,
        base: usize,
        argc: usize,
        construct: bool,
    ) -> Result<(), Interrupt> {
        let fptr = Rc::as_ptr(&self.funcs[fi as usize]);
        // SAFETY: `Vm::funcs` keeps the function alive (see `Frame::func`).
        let f = unsafe { &*fptr };
        if argc != f.arity as usize || f.needs_fit {
            if argc > f.arity as usize && !f.needs_fit {
                // Extra arguments are dropped (there is no `arguments`
                // object): callbacks of `map`, `reduce`… get three or four
                // and mostly take one or two, so this is not the cold path.
                self.stack.truncate(base + f.arity as usize);
            } else {
                self.fit_arguments(f, base, argc, construct)?;
            }
        }
        let need = base + f.slots as usize;
        if need > STACK_MAX || self.frames.len() >= FRAMES_MAX {
            return Err(stack_overflow());
        }
        if self.stack.len() < need {
            self.stack.resize(need, Value::Undefined);
        }
        self.frames.push(Frame {
            func: fptr,
            closure,
            pc: 0,
            base: base as u32,
            construct,
        });
        Ok(())
    }

    /// Pads missing arguments with `undefined`, gathers extra ones into
    /// the rest parameter's array and makes the `arguments` object.
    #[cold]
    pub(crate) fn fit_arguments(
        &mut self,
        f: &Function,
        base: usize,
        argc: usize,
        construct: bool,
    ) -> Result<(), Interrupt> {
        if f.class_constructor && !construct {
            return Err(self.type_error(format!(
                "Class constructor {} cannot be invoked without 'new'",
                f.name
            )));
        }
        let arity = f.arity as usize;
        let arguments = if f.has_arguments {
            Some(self.arguments_object(base, argc)?)
        } else {
            None
        };
        if argc > arity && !f.has_rest {
            self.stack.truncate(base + arity);
        }
        if argc < arity {
            self.stack.resize(base + arity, Value::Undefined);
        }
        if f.step.is_some() {
            // A stepping built-in's slot after its parameters (stepper.rs).
            self.stack.push(Value::Num(argc as f64));
        }
        if f.has_rest {
            let rest = self
                .heap
                .alloc(Class::Array, Some(self.realm.array_proto))?;
            if argc > arity {
                self.heap.charge((argc - arity) * SLOT_COST)?;
                let (stack, heap) = (&mut self.stack, &mut self.heap);
                heap.obj_mut(rest).elems.extend(stack.drain(base + arity..));
            }
            self.stack.push(Value::Obj(rest));
        }
        if let Some(a) = arguments {
            self.stack.push(Value::Obj(a));
        }
        Ok(())
    }

    /// An unmapped `arguments` object (strict code's): the values of
    /// `stack[base..base + argc]` at indices, a hidden `length`, the
    /// realm's `Array.prototype.values` as its `[Symbol.iterator]`, and a
    /// `callee` that throws.
    fn arguments_object(&mut self, base: usize, argc: usize) -> Result<ObjId, Interrupt> {
        let o = self
            .heap
            .alloc(Class::Arguments, Some(self.realm.object_proto))?;
        self.heap.charge((argc + 2) * SLOT_COST)?;
        for i in 0..argc {
            let a = self.index_atom(i);
            let v = self.stack[base + i];
            self.heap.obj_mut(o).push_prop(a, v, attrs::PLAIN);
        }
        let length = self.atoms.length;
        self.heap
            .obj_mut(o)
            .push_prop(length, Value::Num(argc as f64), attrs::HIDDEN);
        let (iterator, values) = (self.atoms.symbols.iterator, self.realm.array_values);
        self.heap
            .obj_mut(o)
            .push_prop(iterator, Value::Obj(values), attrs::HIDDEN);
        let thrower = Value::Obj(self.realm.throw_type_error);
        let callee = self.heap.intern("callee");
        self.define_accessor(o, callee, thrower, false, attrs::HIDDEN | attrs::FIXED)?;
        self.define_accessor(o, callee, thrower, true, attrs::HIDDEN | attrs::FIXED)?;
        Ok(o)
    }

    /// Calls the callee at `stack[len - argc - 2]` with `this` above it.
    /// Returns true when a script frame was pushed (the loop must reload).
    #[inline(always)]
    pub(crate) fn call(&mut self, argc: usize, construct: bool) -> Result<bool, Interrupt> {
        let callee_pos = self.stack.len() - argc - 2;
        let id = match &self.stack[callee_pos] {
            Value::Obj(id) => *id,
            _ => return Err(self.not_a_function()),
        };
        match self.heap.obj(id).class {
            Class::Closure(fi) => {
                if construct && !self.funcs[fi as usize].constructible {
                    return Err(
                        self.type_error(format!("{} is not a constructor", self.callee_text()))
                    );
                }
                self.push_frame(fi, id, callee_pos + 2, argc, construct)?;
                Ok(true)
            }
            Class::Native(ni) => {
                let this = self.stack[callee_pos + 1];
                let f = self.natives[ni as usize].f;
                let args = Args {
                    start: callee_pos + 2,
                    len: argc,
                };
                self.constructing = construct;
                let r = match f(self, this, args) {
                    // What the native built is paid for in instructions.
                    Ok(r) if self.heap.charged - self.work_mark < WORK_FREE_BYTES => r,
                    Ok(r) => {
                        self.settle_work()?;
                        r
                    }
                    Err(e) => {
                        match e {
                            // `resume` pushes the answer where the call's
                            // result goes: the callee and its arguments go now.
                            Interrupt::Suspend(_) => self.stack.truncate(callee_pos),
                            Interrupt::Redirect(argc) => return self.redirect(argc, construct),
                            _ => {}
                        }
                        return Err(e);
                    }
                };
                let r = if construct && !matches!(r, Value::Obj(_)) {
                    this
                } else {
                    r
                };
                self.stack.truncate(callee_pos);
                self.stack.push(r);
                Ok(false)
            }
            _ => Err(self.not_a_function()),
        }
    }

    /// The call a forwarding native left on the stack (`Interrupt::Redirect`).
    /// Out of line: `call` is inlined at every call site of the run loop,
    /// whose speed is sensitive to its size (with all of this native's
    /// interruptions handled out of line, the string program took 254 ms
    /// instead of 155 at the same instruction count).
    #[cold]
    #[inline(never)]
    fn redirect(&mut self, argc: usize, construct: bool) -> Result<bool, Interrupt> {
        self.call(argc, construct)
    }

    /// Makes the call of the native being run (`a` its arguments) into
    /// `f.call(this, ...args)`, for the native to return as its error:
    /// `f` then runs on the VM's own frames (where it may wait for I/O)
    /// and its value is the native's. How a host's native forwards to
    /// script code (the gateway's middleware `next()`).
    pub fn redirect_call(&mut self, a: Args, f: Value, this: Value, args: &[Value]) -> Interrupt {
        let callee_pos = a.start - 2;
        if callee_pos + 2 + args.len() > STACK_MAX {
            return stack_overflow();
        }
        self.stack.truncate(callee_pos);
        self.stack.extend_from_slice(&[f, this]);
        self.stack.extend_from_slice(args);
        Interrupt::Redirect(args.len())
    }

    /// Calls a function value from native code (callbacks of map, sort…).
    pub fn call_function(
        &mut self,
        f: Value,
        this: Value,
        args: &[Value],
    ) -> Result<Value, Interrupt> {
        self.opaque += 1;
        let r = self.call_function_rooted(f, this, args);
        self.opaque -= 1;
        r
    }

    /// `call_function` for a native whose values across the call are all
    /// where the collector looks: on the operand stack (its `this` and
    /// arguments are) or in `pinned`. The callback may then collect.
    pub fn call_function_rooted(
        &mut self,
        f: Value,
        this: Value,
        args: &[Value],
    ) -> Result<Value, Interrupt> {
        let floor = self.stack.len();
        self.stack.push(f);
        self.stack.push(this);
        self.stack.extend_from_slice(args);
        let stop = self.frames.len();
        // The callee's class is read once here (`call` would read it again):
        // a closure's frame is pushed directly, and a native calling a
        // native, which pushes no frame, is counted against the nesting
        // limit (`toString` methods can call each other).
        let called = match f {
            Value::Obj(id) => match self.heap.obj(id).class {
                Class::Closure(fi) => self
                    .push_frame(fi, id, floor + 2, args.len(), false)
                    .map(|()| true),
                Class::Native(_) => self.native_call_nested(args.len(), floor),
                _ => self.call(args.len(), false),
            },
            _ => self.call(args.len(), false),
        };
        match called {
            Ok(false) => Ok(pop!(self)),
            Ok(true) => self.run_nested(stop, floor),
            Err(e) => {
                self.stack.truncate(floor);
                Err(e)
            }
        }
    }

    /// A native's call of a native, counted with the nested runs and on a
    /// stack that grows.
    #[inline(never)]
    fn native_call_nested(&mut self, argc: usize, floor: usize) -> Result<bool, Interrupt> {
        if self.nested >= NATIVE_NESTING_MAX {
            self.stack.truncate(floor);
            return Err(stack_overflow());
        }
        self.nested += 1;
        let r = stacker::maybe_grow(256 * 1024, 4 * 1024 * 1024, || self.call(argc, false));
        self.nested -= 1;
        r
    }

    /// Runs the frame just pushed by a native's call until it returns. Each
    /// level recurses on the Rust stack, which grows on demand.
    /// Inlined: a callback's call (`map`, `reduce`) pays for no extra
    /// call and return of its own.
    #[inline(always)]
    pub(crate) fn run_nested(&mut self, stop: usize, floor: usize) -> Result<Value, Interrupt> {
        if self.nested >= NATIVE_NESTING_MAX {
            self.frames.truncate(stop);
            self.stack.truncate(floor);
            return Err(stack_overflow());
        }
        self.nested += 1;
        // The callback runs on the spare hand and pays for its call from it
        // (see `Vm::fuel`).
        let spare = std::mem::take(&mut self.spare);
        let hand = std::mem::replace(&mut self.fuel, spare);
        let callee = self.frames.last().map_or(0, |f| f.func().code.len() as u64);
        if self.fuel > callee {
            self.fuel -= callee;
        } else {
            self.fuel = self.refuel(self.fuel, callee);
        }
        if self.exhausted {
            self.nested -= 1;
            self.frames.truncate(stop);
            self.stack.truncate(floor);
            return Err(self.budget_exhausted());
        }
        // Checking the stack costs a thread-local read. One level uses a few
        // KiB (tens in debug builds), so checking every 4th level against a
        // 256 KiB red zone is safe.
        let r = if self.nested % 4 == 0 {
            stacker::maybe_grow(256 * 1024, 4 * 1024 * 1024, || self.run_loop(stop))
        } else {
            self.run_loop(stop)
        };
        self.nested -= 1;
        if !self.exhausted {
            self.spare = self.fuel;
            self.fuel = hand;
        }
        match r {
            Ok(Outcome::Done(v)) => Ok(v),
            Ok(Outcome::Pending(_)) => unreachable!("nested runs never suspend"),
            Err(e) => {
                self.frames.truncate(stop);
                self.stack.truncate(floor);
                Err(e)
            }
        }
    }

    /// Constructs `new f(...args)` from native code.
    pub fn construct(&mut self, f: Value, args: &[Value]) -> Result<Value, Interrupt> {
        self.opaque += 1;
        let r = self.construct_call(f, args);
        self.opaque -= 1;
        r
    }

    /// `construct` without the collector's bookkeeping.
    pub(crate) fn construct_call(&mut self, f: Value, args: &[Value]) -> Result<Value, Interrupt> {
        let floor = self.stack.len();
        self.stack.push(f);
        self.stack.extend_from_slice(args);
        let argc = self.prepare_new(args.len())?;
        let stop = self.frames.len();
        match self.call(argc, true) {
            Ok(false) => Ok(pop!(self)),
            Ok(true) => self.run_nested(stop, floor),
            Err(e) => {
                self.stack.truncate(floor);
                Err(e)
            }
        }
    }

    /// [callee, args × n] → [callee, new object, args × n]; the argument
    /// count, which grows when the callee is a bound function: `new` on
    /// one is `new` on its target with the bound arguments first.
    pub(crate) fn prepare_new(&mut self, argc: usize) -> Result<usize, Interrupt> {
        let callee_pos = self.stack.len() - argc - 1;
        let callee = self.stack[callee_pos];
        let Value::Obj(id) = callee else {
            return Err(self.type_error(format!("{} is not a constructor", self.callee_text())));
        };
        match self.heap.obj(id).class {
            Class::Native(ni) if ni == self.realm.bound_native => {
                let bound = self.heap.obj(id).elems.clone();
                let (target, args) = (bound[0], &bound[2..]);
                if !self.is_constructor(target) {
                    return Err(
                        self.type_error(format!("{} is not a constructor", self.callee_text()))
                    );
                }
                if self.stack.len() + args.len() > STACK_MAX {
                    return Err(stack_overflow());
                }
                self.stack[callee_pos] = target;
                self.stack
                    .splice(callee_pos + 1..callee_pos + 1, args.iter().copied());
                return self.prepare_new(argc + args.len());
            }
            Class::Closure(_) => {}
            Class::Native(ni) if self.natives[ni as usize].construct => {}
            _ => {
                return Err(self.type_error(format!("{} is not a constructor", self.callee_text())));
            }
        }
        let proto = match self.get_field(callee, self.atoms.prototype)? {
            Value::Obj(p) => p,
            _ => self.realm.object_proto,
        };
        let obj = self.heap.alloc(Class::Object, Some(proto))?;
        self.stack.insert(callee_pos + 1, Value::Obj(obj));
        Ok(argc)
    }

    pub(crate) fn spread_args(&mut self) -> Result<usize, Interrupt> {
        let arr = pop!(self);
        let Value::Obj(a) = arr else {
            unreachable!("spread arguments are an array")
        };
        let n = self.heap.obj(a).elems.len();
        if n > u16::MAX as usize || self.stack.len() + n > STACK_MAX {
            return Err(Interrupt::error(
                ErrorKind::RangeError,
                "too many arguments in a spread call",
            ));
        }
        // Copying the elements is work the one instruction does not pay.
        self.charge_work(n as u64)?;
        let (stack, heap) = (&mut self.stack, &self.heap);
        stack.extend_from_slice(&heap.obj(a).elems);
        Ok(n)
    }

    /// `r` with a native's error made into the Error object a `catch`
    /// would receive, for callers that turn an exception into a rejection
    /// (an abort or a suspension stays what it is).
    pub(crate) fn catching<T>(&mut self, r: Result<T, Interrupt>) -> Result<T, Interrupt> {
        match r {
            Err(Interrupt::Error(e)) => Err(Interrupt::Throw(self.make_error(e.0, &e.1))),
            r => r,
        }
    }

    /// Finds the handler for an exception thrown while running above frame
    /// depth `stop`; on success the loop continues there.
    pub(crate) fn raise(&mut self, e: Interrupt, stop: usize) -> Result<(), Interrupt> {
        let value = match e {
            Interrupt::Throw(v) => v,
            Interrupt::Error(e) => self.make_error(e.0, &e.1),
            Interrupt::Abort(..) => return Err(e),
            Interrupt::Redirect(_) => unreachable!("a redirect never leaves Vm::call"),
            Interrupt::Suspend(_) => self.make_error(
                ErrorKind::Error,
                "cannot wait for I/O here: getters, setters, conversions (toString, valueOf, toJSON), iterators' next() and the bodies of generators and async generators run nested on the host stack (docs/LANGUAGE.md); wait in the handler, in an async function or in a callback of map, forEach, sort…",
            ),
        };
        match self.handlers.last() {
            Some(h) if h.frame as usize > stop => {
                let h = self.handlers.pop().unwrap();
                self.frames.truncate(h.frame as usize);
                self.stack.truncate(h.stack as usize);
                self.stack.push(value);
                self.frames.last_mut().unwrap().pc = h.pc;
                Ok(())
            }
            _ => Err(Interrupt::Throw(value)),
        }
    }

    pub(crate) fn make_closure(
        &mut self,
        fi: u32,
        current: ObjId,
        base: usize,
    ) -> Result<ObjId, super::heap::OutOfMemory> {
        let c = self
            .heap
            .alloc(Class::Closure(fi), Some(self.realm.function_proto))?;
        let f = self.funcs[fi as usize].clone();
        self.heap.charge(f.captures.len() * SLOT_COST)?;
        for cap in f.captures.iter() {
            let v = match *cap {
                Capture::Local(s) => self.stack[base + s.0 as usize],
                Capture::Upval(i) => self.heap.obj(current).elems[i as usize],
            };
            self.heap.obj_mut(c).elems.push(v);
        }
        Ok(c)
    }
}
