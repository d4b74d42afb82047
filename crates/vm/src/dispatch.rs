//! The dispatch loop: one `match` over the instructions of the running
//! frame.

use crate::error::{ErrorKind, Interrupt};
use crate::generator::Park;
use crate::heap::{Class, SLOT_COST};
use crate::state::{Function, Handler, Outcome, Vm};
use crate::value::{Atom, ObjId, Value};
use lang::bytecode::{FuncIdx, Label, Name, Op};

#[inline]
pub(crate) fn cell_of(v: &Value) -> u32 {
    match v {
        Value::Cell(c) => *c,
        _ => unreachable!("a captured slot always holds a cell"),
    }
}

#[inline]
pub(crate) fn obj_of(v: Value) -> ObjId {
    match v {
        Value::Obj(o) => o,
        _ => unreachable!("the compiler put an object here"),
    }
}

impl Vm {
    pub(crate) fn run_loop(&mut self, stop: usize) -> Result<Outcome, Interrupt> {
        let mut fuel = self.fuel;
        // Runs `$e`; on error, records the pc, unwinds to a handler and reloads.
        macro_rules! tri {
            ($l:lifetime, $e:expr) => {
                match $e {
                    Ok(v) => v,
                    Err(e) => {
                        self.frames.last_mut().unwrap().pc = pc!();
                        self.fuel = fuel;
                        self.raise(e, stop)?;
                        continue $l;
                    }
                }
            };
        }
        'reload: loop {
            let frame = self.frames.last().unwrap();
            // SAFETY: see `Frame::func`; the reference is not tied to `self`
            // so the loop can keep it across calls that mutate the VM.
            let func: &Function = unsafe { &*frame.func };
            let closure = frame.closure;
            let base = frame.base as usize;
            // An instruction pointer rather than an index into `code`: no
            // bounds check and no base register per dispatch (docs/
            // ARCHITECTURE.md, *Register allocation*). Sound because `load`
            // verified that every jump lands inside `code` and that the last
            // instruction does not fall through, and every saved pc came
            // from this pointer or from a verified label.
            let code: *const Op = func.code.as_ptr();
            // SAFETY: a saved pc is at most `code.len()`: it came from
            // `pc!()` of this pointer or from a label `verify_code` proved
            // lands inside `code` (load.rs).
            let mut ip: *const Op = unsafe { code.add(frame.pc as usize) };
            // The index of the next instruction, for saving in the frame.
            macro_rules! pc {
                () => {
                    // SAFETY: `ip` only moves within `code` (see the reads
                    // below), so both point into one allocation.
                    unsafe { ip.offset_from(code) } as u32
                };
            }
            // Takes `$n` instructions from the budget. The budget is charged
            // where the count can grow without bound — a jump back, a call —
            // and not per instruction: that decrement is a read-modify-write
            // of a spilled counter (docs/ARCHITECTURE.md, *The instruction
            // budget*). A jump back is charged
            // the length of the loop it closes and a call the length of the
            // callee, so the count bounds the instructions run from above.
            // Save the running frame's pc first where an exhausted budget's
            // trace should point at the charging instruction.
            macro_rules! charge {
                ($n:expr) => {
                    let n = $n as u64;
                    if fuel > n {
                        fuel -= n;
                    } else {
                        fuel = self.refuel(fuel, n);
                        if fuel == 0 {
                            return Err(self.budget_exhausted());
                        }
                    }
                };
            }
            // A call that pushed a script frame pays the callee's length; the
            // callee's frame is at its start, which its trace shows.
            macro_rules! charge_callee {
                () => {
                    charge!(self.frames.last().unwrap().func().code.len())
                };
            }
            // Continues at label `$t`; a jump back pays for its loop.
            macro_rules! jump {
                ($t:expr) => {{
                    // SAFETY: `verify_code` proved every jump label of this
                    // function is an index inside `code`.
                    let target = unsafe { code.add($t as usize) };
                    if target < ip {
                        self.frames.last_mut().unwrap().pc = pc!();
                        // SAFETY: both point into `code`.
                        charge!(unsafe { ip.offset_from(target) });
                    }
                    ip = target;
                }};
            }
            // Calls [callee, this, args × `$argc`] (the running frame's pc
            // saved): a script callee's frame is pushed and runs next; a
            // native that suspends parks the run, at depth 0.
            macro_rules! call {
                ($argc:expr) => {
                    match self.call($argc, false) {
                        Ok(true) => {
                            charge_callee!();
                            continue 'reload;
                        }
                        Ok(false) => {}
                        Err(Interrupt::Suspend(op)) if self.nested == 0 => {
                            self.fuel = fuel;
                            return Ok(Outcome::Pending(op));
                        }
                        Err(e) => tri!('reload, Err(e)),
                    }
                };
            }
            loop {
                // Matched by reference: copying the 16-byte enum out first
                // costs more instructions per dispatch than the dispatch.
                // SAFETY: `ip` points at an instruction of `code`: it starts
                // at a verified pc and moves by one step or to a verified
                // label, and `verify_code` proved the last instruction does
                // not fall through (it returns, throws or jumps), so a step
                // past it never happens and `ip.add(1)` stays within or one
                // past the end of `code`.
                let op = unsafe { &*ip };
                // SAFETY: as above: at most one past the end of `code`.
                ip = unsafe { ip.add(1) };
                match *op {
                    Op::Const(c) => self.stack.push(func.consts[c.0 as usize]),
                    Op::Int(i) => self.stack.push(Value::Num(i as f64)),
                    Op::Undef => self.stack.push(Value::Undefined),
                    Op::Uninit => self.stack.push(Value::Symbol(self.atoms.uninit)),
                    Op::CheckInit(Name(a)) => {
                        if matches!(peek!(self), Value::Symbol(s) if s == self.atoms.uninit) {
                            tri!('reload, Err(self.uninitialised(a)));
                        }
                    }
                    Op::Null => self.stack.push(Value::Null),
                    Op::True => self.stack.push(Value::Bool(true)),
                    Op::False => self.stack.push(Value::Bool(false)),
                    Op::Pop => {
                        self.stack.pop();
                    }
                    Op::PopN(n) => {
                        let len = self.stack.len() - n as usize;
                        self.stack.truncate(len);
                    }
                    Op::Dup => {
                        let v = *self.stack.last().unwrap();
                        self.stack.push(v);
                    }
                    Op::Dup2 => {
                        let n = self.stack.len();
                        let (a, b) = (self.stack[n - 2], self.stack[n - 1]);
                        self.stack.push(a);
                        self.stack.push(b);
                    }
                    Op::Swap => {
                        let n = self.stack.len();
                        self.stack.swap(n - 1, n - 2);
                    }
                    Op::LoadLocal(s) => {
                        let v = self.stack[base + s.0 as usize];
                        self.stack.push(v);
                    }
                    Op::StoreLocal(s) => {
                        let v = *self.stack.last().unwrap();
                        self.stack[base + s.0 as usize] = v;
                    }
                    Op::StoreLocalPop(s) => {
                        let v = pop!(self);
                        self.stack[base + s.0 as usize] = v;
                    }
                    Op::LoadCell(s) => {
                        let c = cell_of(&self.stack[base + s.0 as usize]);
                        self.stack.push(self.heap.cell(c));
                    }
                    Op::StoreCell(s) => {
                        let c = cell_of(&self.stack[base + s.0 as usize]);
                        self.heap.set_cell(c, *self.stack.last().unwrap());
                    }
                    Op::NewCell(s) => {
                        let v = pop!(self);
                        let c = tri!('reload, self.heap.new_cell(v).map_err(Interrupt::from));
                        self.stack[base + s.0 as usize] = Value::Cell(c);
                    }
                    Op::RenewCell(s) => {
                        let old = cell_of(&self.stack[base + s.0 as usize]);
                        let v = self.heap.cell(old);
                        let c = tri!('reload, self.heap.new_cell(v).map_err(Interrupt::from));
                        self.stack[base + s.0 as usize] = Value::Cell(c);
                    }
                    Op::LoadUpval(i) => {
                        let c = cell_of(&self.heap.obj(closure).elems[i as usize]);
                        self.stack.push(self.heap.cell(c));
                    }
                    Op::StoreUpval(i) => {
                        let c = cell_of(&self.heap.obj(closure).elems[i as usize]);
                        self.heap.set_cell(c, *self.stack.last().unwrap());
                    }
                    Op::StoreTopUpval(i) => {
                        tri!('reload, self.store_top_upval(closure, i));
                    }
                    Op::SuperSet => {
                        tri!('reload, self.super_set_op());
                    }
                    Op::ImportCall => {
                        // Its rejections are made here: their trace reads the pc.
                        self.frames.last_mut().unwrap().pc = pc!();
                        tri!('reload, self.import_call(closure));
                    }
                    Op::LoadGlobal(Name(a)) => {
                        let v = match self.get_own(self.realm.global, a) {
                            Some(v) => v,
                            None => tri!('reload, Err(self.not_defined(a))),
                        };
                        self.stack.push(v);
                    }
                    Op::LoadGlobalUndef(Name(a)) => {
                        let v = match self.get_own(self.realm.global, a) {
                            Some(v) => v,
                            None => tri!('reload, Err(self.not_defined(a))),
                        };
                        self.stack.extend_from_slice(&[v, Value::Undefined]);
                    }
                    Op::LoadUpvalUndef(i) => {
                        let c = cell_of(&self.heap.obj(closure).elems[i as usize]);
                        let v = self.heap.cell(c);
                        self.stack.extend_from_slice(&[v, Value::Undefined]);
                    }
                    Op::LoadSelf => self.stack.push(Value::Obj(closure)),
                    Op::LoadSelfUndef => {
                        self.stack
                            .extend_from_slice(&[Value::Obj(closure), Value::Undefined]);
                    }
                    Op::LoadLocalUndef(s) => {
                        let v = self.stack[base + s.0 as usize];
                        self.stack.extend_from_slice(&[v, Value::Undefined]);
                    }
                    Op::LoadGlobalOrUndef(Name(a)) => {
                        let v = self
                            .get_own(self.realm.global, a)
                            .unwrap_or(Value::Undefined);
                        self.stack.push(v);
                    }
                    Op::StoreGlobal(Name(a)) => {
                        let msg = if self.get_own(self.realm.global, a).is_some() {
                            (
                                ErrorKind::TypeError,
                                format!(
                                    "cannot assign to the built-in `{}`",
                                    self.heap.atom_str(a)
                                ),
                            )
                        } else {
                            (
                                ErrorKind::ReferenceError,
                                format!("{} is not defined", self.heap.atom_str(a)),
                            )
                        };
                        tri!('reload, Err(Interrupt::error(msg.0, msg.1)));
                    }
                    Op::LoadThis => self.stack.push(self.stack[base - 1]),
                    Op::NewArray(n) => {
                        let a = tri!('reload, self.heap.alloc(Class::Array, Some(self.realm.array_proto)).map_err(Interrupt::from));
                        self.heap.obj_mut(a).elems.reserve(n as usize);
                        self.stack.push(Value::Obj(a));
                    }
                    Op::ArrayPush => {
                        let v = pop!(self);
                        let a = obj_of(*self.stack.last().unwrap());
                        tri!('reload, self.heap.charge(SLOT_COST).map_err(Interrupt::from));
                        self.heap.obj_mut(a).elems.push(v);
                    }
                    Op::ArrayPushSparse => {
                        let v = pop!(self);
                        let a = obj_of(*self.stack.last().unwrap());
                        tri!('reload, self.sparse_push(a, &[v]));
                    }
                    Op::ArrayHole => {
                        let a = obj_of(*self.stack.last().unwrap());
                        tri!('reload, self.literal_hole(a));
                    }
                    Op::ArraySpread => {
                        let src = pop!(self);
                        let a = obj_of(*self.stack.last().unwrap());
                        tri!('reload, self.spread_into_literal(a, src));
                        tri!('reload, self.settle_if_due());
                    }
                    Op::NameFromKey(prefix) => {
                        tri!('reload, self.name_from_key(prefix));
                    }
                    Op::RegExp(literal, _) => {
                        let r = tri!('reload, self.new_regexp(literal.0));
                        self.stack.push(r);
                    }
                    Op::NewObject(n) => {
                        let o = tri!('reload, self.heap.alloc(Class::Object, Some(self.realm.object_proto)).map_err(Interrupt::from));
                        self.heap.obj_mut(o).props.reserve_exact(n as usize);
                        self.stack.push(Value::Obj(o));
                    }
                    Op::InitField(Name(a)) => {
                        let v = pop!(self);
                        let o = obj_of(*self.stack.last().unwrap());
                        tri!('reload, self.define_own(o, a, v));
                    }
                    Op::InitIndex => {
                        let v = pop!(self);
                        let k = pop!(self);
                        let o = *self.stack.last().unwrap();
                        let a = tri!('reload, self.to_atom(k));
                        tri!('reload, self.define_own(obj_of(o), a, v));
                    }
                    Op::DefineMember(kind) => {
                        let v = pop!(self);
                        let k = pop!(self);
                        let o = obj_of(*self.stack.last().unwrap());
                        tri!('reload, self.define_member(o, k, v, kind));
                    }
                    Op::MakeClass(derived) => {
                        let parent = if derived { Some(pop!(self)) } else { None };
                        let f = obj_of(*self.stack.last().unwrap());
                        tri!('reload, self.make_class(f, parent));
                    }
                    Op::ProtoOf => {
                        let v = pop!(self);
                        let p = match v {
                            Value::Obj(o) => self.heap.obj(o).proto.map_or(Value::Null, Value::Obj),
                            _ => Value::Null,
                        };
                        self.stack.push(p);
                    }
                    Op::SuperGet => {
                        let key = pop!(self);
                        let this = pop!(self);
                        let home = pop!(self);
                        let v = tri!('reload, self.super_get(home, this, key));
                        self.stack.push(v);
                    }
                    Op::Generator(lang::bytecode::Slot(s)) => {
                        let v = tri!('reload, self.park_generator(s, pc!(), None, Park::Start));
                        if self.frames.len() == stop {
                            self.fuel = fuel;
                            return Ok(Outcome::Done(v));
                        }
                        self.stack.push(v);
                        continue 'reload;
                    }
                    Op::AsyncReject(lang::bytecode::Slot(s))
                    | Op::AsyncReturn(lang::bytecode::Slot(s)) => {
                        let v = pop!(self);
                        let rejected = matches!(*op, Op::AsyncReject(_));
                        let r = tri!('reload, self.end_async(s, pc!(), v, rejected));
                        if self.frames.len() == stop {
                            self.fuel = fuel;
                            return Ok(Outcome::Done(r));
                        }
                        self.stack.push(r);
                        continue 'reload;
                    }
                    Op::Yield(lang::bytecode::Slot(s))
                    | Op::YieldRaw(lang::bytecode::Slot(s))
                    | Op::GenReturn(lang::bytecode::Slot(s))
                    | Op::Await(lang::bytecode::Slot(s)) => {
                        let v = pop!(self);
                        let park = match *op {
                            Op::GenReturn(_) => Park::Return,
                            Op::Await(_) => Park::Await,
                            Op::YieldRaw(_) => Park::Delegate,
                            _ => Park::Yield,
                        };
                        let r = tri!('reload, self.park_generator(s, pc!(), Some(v), park));
                        if self.frames.len() == stop {
                            self.fuel = fuel;
                            return Ok(Outcome::Done(r));
                        }
                        self.stack.push(r);
                        continue 'reload;
                    }
                    Op::SuperCall => {
                        self.frames.last_mut().unwrap().pc = pc!();
                        let this = self.stack[self.stack.len() - 2];
                        let argc = tri!('reload, self.prepare_super_call());
                        let target = self.new_target();
                        if tri!('reload, self.call(argc, true)) {
                            // The parent runs with the derived class as
                            // `new.target` (read from its callee slot).
                            if let Some(t) = target {
                                let base = self.frames.last().unwrap().base as usize;
                                self.stack[base - 2] = t;
                            }
                            charge_callee!();
                            continue 'reload;
                        }
                        self.adopt_super_result(this);
                    }
                    Op::ToArray(n) => tri!('reload, self.to_array_top(n as usize)),
                    Op::ObjectSpread => {
                        let src = pop!(self);
                        let o = obj_of(*self.stack.last().unwrap());
                        tri!('reload, self.copy_props(o, src, &[]));
                        tri!('reload, self.settle_if_due());
                    }
                    Op::ObjectRest(n) => {
                        let keys_at = self.stack.len() - n as usize;
                        let mut exclude = [0 as Atom; 255];
                        for i in 0..n as usize {
                            exclude[i] = tri!('reload, self.to_atom(self.stack[keys_at + i]));
                        }
                        self.stack.truncate(keys_at);
                        let src = pop!(self);
                        if matches!(src, Value::Null | Value::Undefined) {
                            let what = if matches!(src, Value::Null) {
                                "null"
                            } else {
                                "undefined"
                            };
                            tri!('reload, Err(self.type_error(format!("Cannot destructure {what}: it is not an object"))));
                        }
                        let o = tri!('reload, self.heap.alloc(Class::Object, Some(self.realm.object_proto)).map_err(Interrupt::from));
                        tri!('reload, self.copy_props(o, src, &exclude[..n as usize]));
                        self.stack.push(Value::Obj(o));
                    }
                    Op::ArrayRest(n) => {
                        let src = pop!(self);
                        let a = tri!('reload, self.heap.alloc(Class::Array, Some(self.realm.array_proto)).map_err(Interrupt::from));
                        tri!('reload, self.spread_into(a, src));
                        let elems = &mut self.heap.obj_mut(a).elems;
                        elems.drain(..(n as usize).min(elems.len()));
                        self.stack.push(Value::Obj(a));
                    }
                    Op::GetField(Name(a)) => {
                        let o = peek!(self);
                        let v = tri!('reload, self.get_field(o, a));
                        set_top!(self, v);
                    }
                    Op::SetField(Name(a)) => {
                        let v = pop!(self);
                        let o = peek!(self);
                        tri!('reload, self.set_field(o, a, v));
                        set_top!(self, v);
                    }
                    Op::GetIndex => {
                        let at = self.stack.len() - 2;
                        let fast = match &self.stack[at..] {
                            [Value::Obj(o), Value::Num(n)] => {
                                let obj = self.heap.obj(*o);
                                match super::number::as_index(*n) {
                                    // Past the end, a prototype may have the element.
                                    Some(i) if obj.class == Class::Array => {
                                        obj.elems.get(i).copied()
                                    }
                                    _ => None,
                                }
                            }
                            _ => None,
                        };
                        let v = match fast {
                            Some(v) => {
                                self.stack.truncate(at + 1);
                                v
                            }
                            None => {
                                let k = pop!(self);
                                let o = peek!(self);
                                tri!('reload, self.get_index(o, k))
                            }
                        };
                        set_top!(self, v);
                    }
                    Op::SetIndex => {
                        let v = pop!(self);
                        let k = pop!(self);
                        let o = peek!(self);
                        tri!('reload, self.set_index(o, k, v));
                        set_top!(self, v);
                    }
                    Op::GetMethod(Name(a)) => {
                        let o = *self.stack.last().unwrap();
                        let f = tri!('reload, self.get_field(o, a));
                        let n = self.stack.len();
                        self.stack[n - 1] = f;
                        self.stack.push(o);
                    }
                    Op::DeleteField(Name(a)) => {
                        let o = peek!(self);
                        let r = tri!('reload, self.delete(o, a));
                        set_top!(self, Value::Bool(r));
                    }
                    Op::DeleteIndex => {
                        let k = pop!(self);
                        let o = peek!(self);
                        let r = tri!('reload, self.delete_index(o, k));
                        set_top!(self, Value::Bool(r));
                    }
                    Op::Closure(FuncIdx(fi)) => {
                        let c = tri!('reload, self.make_closure(fi, closure, base).map_err(Interrupt::from));
                        self.stack.push(Value::Obj(c));
                    }
                    Op::Call(argc) => {
                        self.frames.last_mut().unwrap().pc = pc!();
                        call!(argc as usize);
                    }
                    Op::CallSpread => {
                        self.frames.last_mut().unwrap().pc = pc!();
                        let argc = tri!('reload, self.spread_args());
                        call!(argc);
                    }
                    Op::New(argc) => {
                        self.frames.last_mut().unwrap().pc = pc!();
                        let argc = tri!('reload, self.prepare_new(argc as usize));
                        if tri!('reload, self.call(argc, true)) {
                            charge_callee!();
                            continue 'reload;
                        }
                    }
                    Op::NewSpread => {
                        self.frames.last_mut().unwrap().pc = pc!();
                        let argc = tri!('reload, self.spread_args());
                        let argc = tri!('reload, self.prepare_new(argc));
                        if tri!('reload, self.call(argc, true)) {
                            charge_callee!();
                            continue 'reload;
                        }
                    }
                    Op::Return => {
                        let mut v = peek!(self);
                        let f = match self.frames.pop() {
                            Some(f) => f,
                            None => unreachable!("a frame returns"),
                        };
                        let fbase = f.base as usize;
                        if f.construct && !matches!(v, Value::Obj(_)) {
                            v = self.stack[fbase - 1];
                        }
                        let depth = self.frames.len() as u32;
                        while self.handlers.last().is_some_and(|h| h.frame > depth) {
                            self.handlers.pop();
                        }
                        if self.frames.len() == stop {
                            self.stack.truncate(fbase - 2);
                            self.fuel = fuel;
                            return Ok(Outcome::Done(v));
                        }
                        // The result takes the callee's slot: one store and
                        // a length, no pop and push.
                        self.stack[fbase - 2] = v;
                        self.stack.truncate(fbase - 1);
                        continue 'reload;
                    }
                    Op::Throw => {
                        let v = pop!(self);
                        self.frames.last_mut().unwrap().pc = pc!();
                        if !self.is_error(v) {
                            self.throw_trace = self.trace();
                        }
                        tri!('reload, Err(Interrupt::Throw(v)));
                    }
                    Op::Jump(Label(t)) | Op::ResumeCheck(Label(t)) => jump!(t),
                    Op::InitProto => {
                        let v = pop!(self);
                        let Value::Obj(o) = peek!(self) else {
                            unreachable!("an object literal is being built")
                        };
                        match v {
                            Value::Obj(p) => self.heap.obj_mut(o).proto = Some(p),
                            Value::Null => self.heap.obj_mut(o).proto = None,
                            _ => {}
                        }
                    }
                    Op::AssignConst(Name(a)) => {
                        let name = self.heap.atom_str(a).to_string();
                        let e =
                            self.type_error(format!("Assignment to constant variable '{name}'."));
                        tri!('reload, Err(e));
                    }
                    Op::HomeObject => {
                        let closure = self.frames.last().unwrap().closure;
                        let home = self.get_own(closure, self.atoms.home);
                        self.stack.push(home.unwrap_or(Value::Undefined));
                    }
                    Op::SetHome(depth) => {
                        let n = self.stack.len();
                        let (home, f) = (self.stack[n - 1 - depth as usize], self.stack[n - 1]);
                        if let Value::Obj(f) = f {
                            tri!(
                                'reload,
                                self.define_with(f, self.atoms.home, home, crate::attrs::HIDDEN | crate::attrs::PRIVATE)
                            );
                        }
                    }
                    Op::ResumeKind => {
                        self.stack.push(Value::Num(self.resume_kind as u8 as f64));
                    }
                    Op::JumpIfFalse(Label(t)) => {
                        if !self.truthy_top() {
                            jump!(t);
                        }
                        self.stack.pop();
                    }
                    Op::JumpIfTrue(Label(t)) => {
                        if self.truthy_top() {
                            jump!(t);
                        }
                        self.stack.pop();
                    }
                    Op::JumpIfFalseKeep(Label(t)) => {
                        if !self.truthy(*self.stack.last().unwrap()) {
                            jump!(t);
                        } else {
                            self.stack.pop();
                        }
                    }
                    Op::JumpIfTrueKeep(Label(t)) => {
                        if self.truthy(*self.stack.last().unwrap()) {
                            jump!(t);
                        } else {
                            self.stack.pop();
                        }
                    }
                    Op::JumpIfNotNullishKeep(Label(t)) => {
                        if !self.stack.last().unwrap().is_nullish() {
                            jump!(t);
                        } else {
                            self.stack.pop();
                        }
                    }
                    Op::JumpIfNotNullish(Label(t)) => {
                        if !self.stack.last().unwrap().is_nullish() {
                            jump!(t);
                        }
                    }
                    Op::JumpIfNotUndefined(Label(t)) => {
                        if !matches!(self.stack.last().unwrap(), Value::Undefined) {
                            jump!(t);
                        } else {
                            self.stack.pop();
                        }
                    }
                    Op::PushTry(Label(t)) => {
                        self.handlers.push(Handler {
                            frame: self.frames.len() as u32,
                            stack: self.stack.len() as u32,
                            pc: t,
                        });
                    }
                    Op::PopTry => {
                        self.handlers.pop();
                    }
                    Op::IterValues(s) => {
                        let v = pop!(self);
                        let it = tri!('reload, self.iter_values(v));
                        self.stack[base + s.0 as usize] = it;
                    }
                    Op::IterKeys(s) => {
                        let v = pop!(self);
                        let it = tri!('reload, self.iter_keys(v));
                        self.stack[base + s.0 as usize] = it;
                    }
                    Op::Step(Label(t)) => {
                        // A step is its own loop: the frame's pc stays on
                        // it, so the callee returns here (stepper.rs). A
                        // script callee pays its length like any call.
                        self.frames.last_mut().unwrap().pc = pc!() - 1;
                        let Some(step) = func.step else {
                            unreachable!("only the VM's own functions step")
                        };
                        match tri!('reload, step(self, base)) {
                            Some(argc) => {
                                call!(argc);
                                // A native callee answered at once: the
                                // step pays one instruction, and runs again.
                                charge!(1);
                                // SAFETY: back onto this instruction.
                                ip = unsafe { ip.sub(1) };
                            }
                            None => jump!(t),
                        }
                    }
                    Op::IterNext(s, Label(t)) => {
                        let it = obj_of(self.stack[base + s.0 as usize]);
                        match tri!('reload, self.iter_next(it)) {
                            Some(v) => self.stack.push(v),
                            None => jump!(t),
                        }
                    }
                    Op::Add => {
                        let at = self.stack.len() - 2;
                        if let [Value::Num(x), Value::Num(y)] = &mut self.stack[at..] {
                            *x += *y;
                            self.stack.truncate(at + 1);
                        } else {
                            let b = pop!(self);
                            let a = peek!(self);
                            let r = tri!('reload, self.add_slow(a, b));
                            set_top!(self, r);
                        }
                    }
                    Op::Sub | Op::Mul | Op::Div | Op::Mod | Op::Pow => {
                        let at = self.stack.len() - 2;
                        let (x, y) = if let [Value::Num(x), Value::Num(y)] = &self.stack[at..] {
                            let r = (*x, *y);
                            self.stack.truncate(at + 1);
                            r
                        } else {
                            let b = pop!(self);
                            let a = peek!(self);
                            (
                                tri!('reload, self.to_number(a)),
                                tri!('reload, self.to_number(b)),
                            )
                        };
                        let r = match *op {
                            Op::Sub => x - y,
                            Op::Mul => x * y,
                            Op::Div => x / y,
                            Op::Mod => super::number::js_rem(x, y),
                            _ => super::number::js_pow(x, y),
                        };
                        set_top!(self, Value::Num(r));
                    }
                    Op::Neg | Op::ToNumber | Op::Inc | Op::Dec => {
                        let x = match self.stack.last() {
                            Some(Value::Num(x)) => *x,
                            _ => {
                                let a = peek!(self);
                                tri!('reload, self.to_number(a))
                            }
                        };
                        let r = match *op {
                            Op::Neg => -x,
                            Op::Inc => x + 1.0,
                            Op::Dec => x - 1.0,
                            _ => x,
                        };
                        set_top!(self, Value::Num(r));
                    }
                    Op::Not => {
                        let v = peek!(self);
                        set_top!(self, Value::Bool(!self.truthy(v)));
                    }
                    Op::BitNot => {
                        let a = peek!(self);
                        let x = tri!('reload, self.to_number(a));
                        set_top!(self, Value::Num(!super::number::to_int32(x) as f64));
                    }
                    Op::BitAnd | Op::BitOr | Op::BitXor | Op::Shl | Op::Shr | Op::UShr => {
                        let b = pop!(self);
                        let a = peek!(self);
                        let x = tri!('reload, self.to_number(a));
                        let y = tri!('reload, self.to_number(b));
                        let (i, j) = (super::number::to_int32(x), super::number::to_int32(y));
                        let r = match *op {
                            Op::BitAnd => (i & j) as f64,
                            Op::BitOr => (i | j) as f64,
                            Op::BitXor => (i ^ j) as f64,
                            Op::Shl => i.wrapping_shl(j as u32 & 31) as f64,
                            Op::Shr => (i >> (j as u32 & 31)) as f64,
                            _ => ((i as u32) >> (j as u32 & 31)) as f64,
                        };
                        set_top!(self, Value::Num(r));
                    }
                    Op::StrictEq | Op::StrictNe => {
                        let b = pop!(self);
                        let a = peek!(self);
                        let eq = self.strict_equals(a, b);
                        set_top!(self, Value::Bool(eq == (*op == Op::StrictEq)));
                    }
                    Op::Eq | Op::Ne => {
                        let b = pop!(self);
                        let a = peek!(self);
                        let eq = tri!('reload, self.loose_equals(a, b));
                        set_top!(self, Value::Bool(eq == (*op == Op::Eq)));
                    }
                    Op::JumpIfNotLess(Label(t)) => {
                        let at = self.stack.len() - 2;
                        let less = if let [Value::Num(x), Value::Num(y)] = &self.stack[at..] {
                            *x < *y
                        } else {
                            let (a, b) = (self.stack[at], self.stack[at + 1]);
                            tri!('reload, self.compare_slow(Op::Lt, a, b))
                        };
                        self.stack.truncate(at);
                        if !less {
                            jump!(t);
                        }
                    }
                    Op::Lt | Op::Le | Op::Gt | Op::Ge => {
                        let at = self.stack.len() - 2;
                        let r = if let [Value::Num(x), Value::Num(y)] = &self.stack[at..] {
                            let (x, y) = (*x, *y);
                            self.stack.truncate(at + 1);
                            match *op {
                                Op::Lt => x < y,
                                Op::Le => x <= y,
                                Op::Gt => x > y,
                                _ => x >= y,
                            }
                        } else {
                            let b = pop!(self);
                            let a = peek!(self);
                            tri!('reload, self.compare_slow(*op, a, b))
                        };
                        set_top!(self, Value::Bool(r));
                    }
                    Op::TypeOf => {
                        let v = peek!(self);
                        let t = self.type_of(v);
                        set_top!(self, Value::Atom(t));
                    }
                    Op::In => {
                        let o = pop!(self);
                        let k = peek!(self);
                        let r = tri!('reload, self.has_property(o, k));
                        set_top!(self, Value::Bool(r));
                    }
                    Op::InstanceOf => {
                        let c = pop!(self);
                        let v = peek!(self);
                        let r = tri!('reload, self.instance_of(v, c));
                        set_top!(self, Value::Bool(r));
                    }
                    Op::Concat(n) => {
                        let at = self.stack.len() - n as usize;
                        let mut s = std::mem::take(&mut self.scratch);
                        s.clear();
                        let mut r = Ok(());
                        for i in at..self.stack.len() {
                            r = self.write_string(self.stack[i], &mut s);
                            if r.is_err() {
                                break;
                            }
                        }
                        let v = r.and_then(|_| self.heap.alloc_str(&s).map_err(Interrupt::from));
                        self.scratch = s;
                        self.stack.truncate(at);
                        let v = tri!('reload, v);
                        tri!('reload, self.settle_if_due());
                        self.stack.push(v);
                    }
                    Op::AddLocalInt(s, k) => {
                        // Hot arms match values in place (by reference): copying a
                        // `Value` out first makes LLVM spill it and re-read the tag
                        // from memory.
                        let slot = base + s.0 as usize;
                        if let Value::Num(x) = &mut self.stack[slot] {
                            *x += k as f64;
                        } else {
                            let x = tri!('reload, self.to_number(self.stack[slot]));
                            self.stack[slot] = Value::Num(x + k as f64);
                        }
                    }
                    Op::AddToLocal(s) => {
                        let top = self.stack.len() - 1;
                        let slot = base + s.0 as usize;
                        if let (Value::Num(y), Value::Num(_)) =
                            (&self.stack[top], &self.stack[slot])
                        {
                            let y = *y;
                            if let Value::Num(x) = &mut self.stack[slot] {
                                *x += y;
                            }
                            self.stack.truncate(top);
                        } else {
                            let v = pop!(self);
                            let r = tri!('reload, self.add_slow(self.stack[slot], v));
                            self.stack[slot] = r;
                        }
                    }
                    Op::GetLocalField(s, Name(a)) => {
                        let o = self.stack[base + s.0 as usize];
                        let v = tri!('reload, self.get_field(o, a));
                        self.stack.push(v);
                    }
                    Op::SetLocalField(s, Name(a)) => {
                        let v = pop!(self);
                        let o = self.stack[base + s.0 as usize];
                        tri!('reload, self.set_field(o, a, v));
                    }
                    Op::AddInt(k) => {
                        if let Some(Value::Num(x)) = self.stack.last_mut() {
                            *x += k as f64;
                        } else {
                            let a = peek!(self);
                            let r = tri!('reload, self.add_slow(a, Value::Num(k as f64)));
                            set_top!(self, r);
                        }
                    }
                    Op::SubInt(k) | Op::MulInt(k) | Op::ModInt(k) => {
                        let top = self.stack.len() - 1;
                        let x = match &self.stack[top] {
                            Value::Num(x) => *x,
                            a => {
                                let a = *a;
                                tri!('reload, self.to_number(a))
                            }
                        };
                        let y = k as f64;
                        self.stack[top] = Value::Num(match *op {
                            Op::SubInt(_) => x - y,
                            Op::MulInt(_) => x * y,
                            _ => super::number::js_rem(x, y),
                        });
                    }
                    Op::JumpIfNotLessLocalConst(s, c, Label(t)) => {
                        let less =
                            match (&self.stack[base + s.0 as usize], &func.consts[c.0 as usize]) {
                                (Value::Num(x), Value::Num(y)) => x < y,
                                (a, b) => {
                                    let (a, b) = (*a, *b);
                                    tri!('reload, self.compare_slow(Op::Lt, a, b))
                                }
                            };
                        if !less {
                            jump!(t);
                        }
                    }
                }
            }
        }
    }

    /// Truthiness of the top of the stack, read in place.
    #[inline]
    pub(crate) fn truthy_top(&self) -> bool {
        match self.stack.last() {
            Some(Value::Bool(b)) => *b,
            Some(Value::Num(n)) => *n != 0.0 && !n.is_nan(),
            Some(Value::Undefined | Value::Null) | None => false,
            Some(Value::Atom(a)) => *a != self.atoms.empty,
            Some(Value::Str(s)) => s.len > 0,
            Some(Value::Obj(_) | Value::Cell(_) | Value::Symbol(_)) => true,
        }
    }
}
