//! The interpreter: a dispatch loop over explicit frames. Because no VM state
//! lives on the Rust stack between instructions, a native function can answer
//! "pending" and the loop returns `Outcome::Pending`; `resume` later pushes
//! the answer and carries on exactly where it stopped.

use super::builtins;
use super::error::{ErrorKind, Interrupt};
use super::heap::{Class, Heap, SLOT_COST};
use super::io::PendingOp;
use super::value::{Atom, ObjId, Value};
use lang::bytecode::{Capture, FuncIdx, Label, Name, Op, Program};
use lang::source::{SourceFile, Span};
use std::io::Write;
use std::rc::Rc;
use std::sync::Arc;

/// Deepest call nesting before `RangeError: maximum call stack size exceeded`.
/// Natives that call back into scripts (map, sort…) recurse on the Rust stack,
/// so this also bounds host stack use (about 1 KiB per level).
pub const FRAMES_MAX: usize = 2_000;
/// Instructions per slice of the budget when the collector is off. A run
/// whose natives call back into scripts may stop up to two slices early:
/// the hand of the run and the spare hand of its callbacks cannot pay for
/// each other (see `Vm::fuel`).
const DEFAULT_SLICE: u64 = 1 << 16;

/// Most values the operand stack may hold (16 bytes each).
pub const STACK_MAX: usize = 1 << 20;

#[cold]
fn stack_overflow() -> Interrupt {
    Interrupt::error(ErrorKind::RangeError, "maximum call stack size exceeded")
}

/// Per-run limits; exhausting the first two ends the run (not catchable).
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Instructions one run may execute, as charged: a loop's length per
    /// iteration, a function's length per call (see `charge!`).
    pub instructions: u64,
    /// Bytes one run may allocate on the heap.
    pub memory: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            instructions: u64::MAX,
            memory: 256 << 20,
        }
    }
}

/// A function linked into this VM: names rewritten to atoms, constants to values.
pub struct Function {
    pub name: String,
    pub arity: u16,
    pub has_rest: bool,
    pub is_arrow: bool,
    pub slots: u16,
    pub code: Box<[Op]>,
    pub consts: Box<[Value]>,
    pub spans: Box<[Span]>,
    pub captures: Box<[Capture]>,
    pub source: Arc<SourceFile>,
    pub span: Span,
    /// What the compiler proved about it.
    pub facts: lang::facts::Facts,
}

/// A native function's arguments: a window of the operand stack.
#[derive(Clone, Copy, Debug)]
pub struct Args {
    pub start: usize,
    pub len: usize,
}

pub type NativeFn = fn(&mut Vm, Value, Args) -> Result<Value, Interrupt>;

pub struct Native {
    pub name: &'static str,
    pub f: NativeFn,
    pub arity: u8,
}

struct Frame {
    /// The running function. Points into an `Rc` held by `Vm::funcs`, which
    /// only grows (in `load`, between runs), so it outlives every frame;
    /// holding a pointer instead of an `Rc` keeps refcounting off calls.
    func: *const Function,
    closure: ObjId,
    pc: u32,
    /// Stack index of slot 0; the callee and `this` sit just below.
    base: u32,
    /// Called with `new`: a non-object return value yields `this`.
    construct: bool,
}

struct Handler {
    /// `frames.len()` when the handler was pushed.
    frame: u32,
    stack: u32,
    pc: u32,
}

/// A suspended line of execution: its operand stack, frames and handlers.
/// The running fiber's state lives in the VM; `Vm::swap_fiber` trades it
/// with a parked one. Fibers of one request share its heap, so values pass
/// between them freely (`parallel()` results, `transaction()` bodies).
#[derive(Default)]
pub struct Fiber {
    stack: Vec<Value>,
    frames: Vec<Frame>,
    handlers: Vec<Handler>,
}

/// How a run (or a resumed run) ended.
#[derive(Debug)]
pub enum Outcome {
    Done(Value),
    /// The script waits for the host; call `resume` with the answer.
    Pending(PendingOp),
}

/// An exception nobody caught.
#[derive(Debug)]
pub struct Uncaught {
    pub value: Value,
    /// `Uncaught TypeError: …` followed by `at fn (file:line:col)` lines.
    pub report: String,
    /// Set when the run was stopped by its instruction or memory budget,
    /// not by a `throw`: the script is a runaway, not wrong.
    pub budget: Option<Budget>,
}

/// Which budget stopped a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Budget {
    Instructions,
    Memory,
}

/// Well-known atoms, interned once.
pub struct Atoms {
    pub length: Atom,
    pub prototype: Atom,
    pub constructor: Atom,
    pub name: Atom,
    pub message: Atom,
    pub stack: Atom,
    pub cause: Atom,
    pub to_string: Atom,
    pub value_of: Atom,
    pub to_json: Atom,
    pub type_names: [Atom; 6],
    pub empty: Atom,
}

/// The built-in objects every run sees.
pub struct Realm {
    pub global: ObjId,
    pub object_proto: ObjId,
    pub function_proto: ObjId,
    pub array_proto: ObjId,
    pub string_proto: ObjId,
    pub number_proto: ObjId,
    pub boolean_proto: ObjId,
    pub date_proto: ObjId,
    /// Methods of `db()` builders.
    pub query_proto: ObjId,
    /// Methods of `http()` clients and of their responses.
    pub http_proto: ObjId,
    pub response_proto: ObjId,
    /// Indexed by `ErrorKind as usize`.
    pub error_protos: [ObjId; 6],
}

pub struct Vm {
    pub heap: Heap,
    pub(crate) stack: Vec<Value>,
    frames: Vec<Frame>,
    handlers: Vec<Handler>,
    pub(crate) funcs: Vec<Rc<Function>>,
    pub(crate) natives: Vec<Native>,
    pub realm: Realm,
    pub atoms: Atoms,
    pub limits: Limits,
    /// Instructions left in the slice of the budget in hand; the run loop
    /// charges it (see `charge!`) and takes the next slice from `banked`
    /// when it cannot pay. The hand of a run that calls a native is a local
    /// of its loop, so a nested run (the native's callback) has a hand of
    /// its own: `spare`, what the nested run before it left, refilled from
    /// the bank.
    fuel: u64,
    banked: u64,
    spare: u64,
    /// Instructions per slice (`DEFAULT_SLICE`, or what `enable_collector`
    /// asked): the collector looks at the heap between slices (collect.rs).
    slice: u64,
    /// The instruction budget ran out in this run.
    exhausted: bool,
    /// `heap.charged` when its bytes were last paid for in instructions
    /// (`settle_work`).
    work_mark: u64,
    /// The embedder lets the VM collect garbage (`enable_collector`).
    pub(super) collector: bool,
    /// Roots copied out for a collection; kept to reuse its buffer.
    pub(super) roots: Vec<Value>,
    /// Fibers parked outside the VM in the middle of a run (counted by
    /// runtime/driver.rs): while any is, values live where the collector
    /// cannot see them.
    pub fibers: u32,
    /// How many natives are running script callbacks right now; suspension
    /// is only possible at depth 0.
    nested: usize,
    /// Of those, how many hold values the collector cannot see (all but
    /// the ones calling through `call_function_rooted`): no collection
    /// while any does.
    pub(super) opaque: usize,
    /// Where `console.log` writes.
    pub out: Box<dyn Write>,
    /// Trace of the last throw of a non-Error value.
    throw_trace: String,
    pub(crate) scratch: String,
    /// Atoms of the one-character ASCII strings, so `s[i]` allocates nothing.
    pub(crate) ascii_atoms: Vec<Atom>,
    /// State of `Math.random` (xorshift), seedable for tests.
    pub rng: u64,
    /// `JSON.stringify`'s stack of open objects, kept so writing a response
    /// allocates nothing once warm.
    pub(crate) json_path: Vec<ObjId>,
    /// Per atom: 0 unknown, 1 a JSON key needing no escapes, 2 one that does.
    /// Cleared above the permanent atoms at reset (their ids get reused).
    pub(crate) json_plain_keys: Vec<u8>,
    /// The embedder's state for its natives (the gateway's current request).
    pub host: Option<Box<dyn std::any::Any>>,
    /// Closures given to `defer()` this run, run last-in first-out when the
    /// handler ends.
    pub deferred: Vec<Value>,
    /// Closures given to `go()` this run, started once the response is out.
    pub background: Vec<Value>,
    /// Values the embedder holds on to until the next reset (the gateway's
    /// route handlers): roots for the collector.
    pub pinned: Vec<Value>,
    /// The `db()` query builders of this run (`Class::Query` indexes them);
    /// their buffers are reused from run to run.
    pub queries: crate::io::query::Builders,
}

/// Reads the top of the operand stack; with `set_top!`, operators replace
/// their last operand in place instead of a pop and a push (4% fewer
/// instructions on a loop of arithmetic, callgrind).
macro_rules! peek {
    ($vm:ident) => {
        match $vm.stack.last() {
            Some(v) => *v,
            None => unreachable!("operand stack underflow"),
        }
    };
}

/// Replaces the top of the operand stack.
macro_rules! set_top {
    ($vm:ident, $v:expr) => {{
        let v = $v;
        match $vm.stack.last_mut() {
            Some(t) => *t = v,
            None => unreachable!("operand stack underflow"),
        }
    }};
}

macro_rules! pop {
    ($vm:ident) => {
        match $vm.stack.pop() {
            Some(v) => v,
            None => unreachable!("operand stack underflow"),
        }
    };
}

impl Frame {
    #[inline]
    fn func(&self) -> &Function {
        // SAFETY: see the `func` field: the pointee lives as long as the VM.
        unsafe { &*self.func }
    }
}

impl Vm {
    pub fn new(limits: Limits) -> Vm {
        Vm::with_natives(limits, |_| {})
    }

    /// A VM whose realm also has the host's natives (the gateway's request
    /// accessors): `install` runs before the built-ins become read-only.
    pub fn with_natives(limits: Limits, install: impl FnOnce(&mut Vm)) -> Vm {
        let mut heap = Heap::new(usize::MAX);
        let atoms = Atoms {
            length: heap.intern("length"),
            prototype: heap.intern("prototype"),
            constructor: heap.intern("constructor"),
            name: heap.intern("name"),
            message: heap.intern("message"),
            stack: heap.intern("stack"),
            cause: heap.intern("cause"),
            to_string: heap.intern("toString"),
            value_of: heap.intern("valueOf"),
            to_json: heap.intern("toJSON"),
            type_names: [
                "undefined",
                "object",
                "boolean",
                "number",
                "string",
                "function",
            ]
            .map(|n| heap.intern(n)),
            empty: heap.intern(""),
        };
        let placeholder = ObjId(0);
        let mut vm = Vm {
            heap,
            stack: Vec::with_capacity(1024),
            frames: Vec::with_capacity(64),
            handlers: Vec::new(),
            funcs: Vec::new(),
            natives: Vec::new(),
            realm: Realm {
                global: placeholder,
                object_proto: placeholder,
                function_proto: placeholder,
                array_proto: placeholder,
                string_proto: placeholder,
                number_proto: placeholder,
                boolean_proto: placeholder,
                date_proto: placeholder,
                query_proto: placeholder,
                http_proto: placeholder,
                response_proto: placeholder,
                error_protos: [placeholder; 6],
            },
            atoms,
            limits,
            fuel: limits.instructions,
            banked: 0,
            spare: 0,
            work_mark: 0,
            slice: DEFAULT_SLICE,
            exhausted: false,
            collector: false,
            roots: Vec::new(),
            fibers: 0,
            nested: 0,
            opaque: 0,
            out: Box::new(std::io::stdout()),
            throw_trace: String::new(),
            scratch: String::new(),
            ascii_atoms: Vec::new(),
            rng: 0x2545_F491_4F6C_DD1D,
            json_path: Vec::new(),
            json_plain_keys: Vec::new(),
            host: None,
            deferred: Vec::new(),
            background: Vec::new(),
            pinned: Vec::new(),
            queries: Default::default(),
        };
        builtins::install(&mut vm);
        install(&mut vm);
        vm.heap.seal();
        vm.heap.limit = limits.memory;
        vm
    }

    /// Links a compiled program into this VM; returns its top-level function.
    /// Must be called between runs.
    pub fn load(&mut self, program: &Program) -> FuncIdx {
        self.reset();
        let names: Vec<Atom> = program.names.iter().map(|n| self.heap.intern(n)).collect();
        let base = self.funcs.len() as u32;
        for f in &program.functions {
            let code = f
                .code
                .iter()
                .map(|op| relink(*op, &names, base))
                .collect::<Vec<_>>()
                .into_boxed_slice();
            if let Err(why) = verify_code(&code) {
                // The compiler never emits such code; running it would read
                // past the end of `code` (see `run_loop`).
                panic!("compiler bug in {}: {why}", f.name);
            }
            let consts = f
                .consts
                .iter()
                .map(|c| match c {
                    lang::bytecode::Constant::Num(n) => Value::Num(*n),
                    lang::bytecode::Constant::Str(s) => Value::Atom(self.heap.intern(s)),
                })
                .collect();
            self.funcs.push(Rc::new(Function {
                name: f.name.clone(),
                arity: f.arity,
                has_rest: f.has_rest,
                is_arrow: f.is_arrow,
                slots: f.slots,
                code,
                consts,
                spans: f.spans.clone().into_boxed_slice(),
                captures: f.captures.clone().into_boxed_slice(),
                source: program.source.clone(),
                span: f.span,
                facts: f.facts,
            }));
        }
        self.heap.seal();
        FuncIdx(base)
    }

    /// What the compiler proved about loaded function `f`.
    pub fn facts(&self, f: FuncIdx) -> lang::facts::Facts {
        self.funcs[f.0 as usize].facts
    }

    /// Forgets everything the last run made (objects, strings, frames).
    pub fn reset(&mut self) {
        self.json_plain_keys.truncate(self.heap.permanent_atoms());
        self.stack.clear();
        self.frames.clear();
        self.handlers.clear();
        self.nested = 0;
        self.opaque = 0;
        self.deferred.clear();
        self.background.clear();
        self.pinned.clear();
        self.queries.reset();
        self.heap.reset();
        self.fuel = self.limits.instructions.min(self.slice);
        self.banked = self.limits.instructions - self.fuel;
        self.spare = 0;
        self.exhausted = false;
        self.work_mark = self.heap.charged;
        self.heap.limit = self.limits.memory;
    }

    /// Runs a loaded program's top level from the start (after a reset).
    pub fn start(&mut self, main: FuncIdx) -> Result<Outcome, Uncaught> {
        self.reset();
        let closure = match self
            .heap
            .alloc(Class::Closure(main.0), Some(self.realm.function_proto))
        {
            Ok(c) => c,
            Err(oom) => return Err(self.uncaught(oom.into())),
        };
        self.stack.push(Value::Obj(closure));
        self.stack.push(Value::Undefined);
        if let Err(e) = self.push_frame(main.0, closure, 2, 0, false) {
            return Err(self.uncaught(e));
        }
        self.drive()
    }

    /// Calls `f(args…)` as a new run on the current heap (no reset), so it
    /// may use values the previous run made; it can suspend like `start`.
    pub fn start_call(&mut self, f: Value, args: &[Value]) -> Result<Outcome, Uncaught> {
        self.stack.clear();
        self.frames.clear();
        self.handlers.clear();
        self.stack.push(f);
        self.stack.push(Value::Undefined);
        self.stack.extend_from_slice(args);
        match self.call(args.len(), false) {
            Ok(true) => self.drive(),
            Ok(false) => Ok(Outcome::Done(pop!(self))),
            Err(Interrupt::Suspend(op)) => Ok(Outcome::Pending(op)),
            Err(e) => Err(self.uncaught(e)),
        }
    }

    /// Continues a run that returned `Outcome::Pending`, with the host's answer.
    pub fn resume(&mut self, answer: Value) -> Result<Outcome, Uncaught> {
        self.stack.push(answer);
        self.drive()
    }

    /// Continues a pending run by throwing `value` at the waiting call (a
    /// `parallel()` branch's or a `transaction()` body's exception).
    pub fn resume_throw(&mut self, value: Value) -> Result<Outcome, Uncaught> {
        if let Err(e) = self.raise(Interrupt::Throw(value), 0) {
            return Err(self.uncaught(e));
        }
        self.drive()
    }

    /// Parks the running fiber in `other` and makes `other`'s state the
    /// running one. Only between steps (never while a native runs).
    pub fn swap_fiber(&mut self, other: &mut Fiber) {
        std::mem::swap(&mut self.stack, &mut other.stack);
        std::mem::swap(&mut self.frames, &mut other.frames);
        std::mem::swap(&mut self.handlers, &mut other.handlers);
    }

    /// Continues a pending run by throwing `error` at the waiting call.
    pub fn resume_with_error(
        &mut self,
        kind: ErrorKind,
        message: &str,
    ) -> Result<Outcome, Uncaught> {
        if let Err(e) = self.raise(Interrupt::error(kind, message.to_string()), 0) {
            return Err(self.uncaught(e));
        }
        self.drive()
    }

    fn drive(&mut self) -> Result<Outcome, Uncaught> {
        if self.frames.is_empty() {
            // A native called by `start_call` suspended and has its answer.
            return Ok(Outcome::Done(self.stack.pop().unwrap_or(Value::Undefined)));
        }
        match self.run_loop(0) {
            Ok(o) => Ok(o),
            Err(e) => Err(self.uncaught(e)),
        }
    }

    /// Ends the run with `e`: the error a host reports when a run fails.
    pub fn uncaught(&mut self, e: Interrupt) -> Uncaught {
        let budget = match e {
            Interrupt::Abort(_) if self.exhausted => {
                self.fuel = 0;
                self.banked = 0;
                self.spare = 0;
                Some(Budget::Instructions)
            }
            Interrupt::Abort(_) => Some(Budget::Memory),
            _ => None,
        };
        let value = match e {
            Interrupt::Throw(v) => v,
            Interrupt::Error(e) | Interrupt::Abort(e) => self.make_error(e.0, &e.1),
            Interrupt::Suspend(_) => self.make_error(ErrorKind::Error, "suspended outside a run"),
        };
        let report = self.uncaught_report(value);
        self.frames.clear();
        self.handlers.clear();
        self.stack.clear();
        Uncaught {
            value,
            report,
            budget,
        }
    }

    fn uncaught_report(&mut self, value: Value) -> String {
        if let Value::Obj(o) = value {
            if self.heap.obj(o).class == Class::Error {
                let stack = self
                    .get_own(o, self.atoms.stack)
                    .and_then(|s| self.heap.str(s).map(str::to_string));
                if let Some(s) = stack {
                    return format!("Uncaught {s}");
                }
            }
        }
        let shown = super::inspect::inspect(self, value);
        format!("Uncaught {shown}{}", self.throw_trace)
    }

    // ---- calls ----

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
        if argc != f.arity as usize || f.has_rest {
            if argc > f.arity as usize && !f.has_rest {
                // Extra arguments are dropped (there is no `arguments`
                // object): callbacks of `map`, `reduce`… get three or four
                // and mostly take one or two, so this is not the cold path.
                self.stack.truncate(base + f.arity as usize);
            } else {
                self.fit_arguments(f, base, argc)?;
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

    /// Pads missing arguments with `undefined` and gathers extra ones into
    /// the rest parameter's array.
    #[cold]
    fn fit_arguments(&mut self, f: &Function, base: usize, argc: usize) -> Result<(), Interrupt> {
        let arity = f.arity as usize;
        if argc < arity {
            self.stack.resize(base + arity, Value::Undefined);
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
        Ok(())
    }

    /// Calls the callee at `stack[len - argc - 2]` with `this` above it.
    /// Returns true when a script frame was pushed (the loop must reload).
    #[inline(always)]
    fn call(&mut self, argc: usize, construct: bool) -> Result<bool, Interrupt> {
        let callee_pos = self.stack.len() - argc - 2;
        let id = match &self.stack[callee_pos] {
            Value::Obj(id) => *id,
            _ => return Err(self.not_a_function()),
        };
        match self.heap.obj(id).class {
            Class::Closure(fi) => {
                if construct && self.funcs[fi as usize].is_arrow {
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
                let r = match f(self, this, args) {
                    // What the native built is paid for in instructions.
                    Ok(r) if self.heap.charged - self.work_mark < WORK_FREE_BYTES => r,
                    Ok(r) => {
                        self.settle_work()?;
                        r
                    }
                    Err(e) => {
                        if let Interrupt::Suspend(_) = e {
                            // `resume` pushes the answer where the call's
                            // result goes: the callee and its arguments go now.
                            self.stack.truncate(callee_pos);
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

    #[cold]
    fn not_defined(&self, a: Atom) -> Interrupt {
        Interrupt::error(
            ErrorKind::ReferenceError,
            format!("{} is not defined", self.heap.atom_str(a)),
        )
    }

    #[cold]
    fn not_a_function(&self) -> Interrupt {
        let text = self.callee_text();
        self.type_error(format!("{text} is not a function"))
    }

    /// Source text of the callee of the call being executed, for messages.
    fn callee_text(&self) -> String {
        let Some(f) = self.frames.last() else {
            return "value".into();
        };
        let span = f.func().spans[(f.pc as usize).saturating_sub(1)];
        let text = f
            .func()
            .source
            .text
            .get(span.start as usize..span.end as usize)
            .unwrap_or("value");
        let mut text = text.trim();
        if text.starts_with("new ") {
            text = text[4..].trim_start();
        }
        if text.ends_with(')') {
            let mut depth = 0;
            for (i, c) in text.char_indices().rev() {
                match c {
                    ')' => depth += 1,
                    '(' => {
                        depth -= 1;
                        if depth == 0 {
                            text = text[..i].trim_end().trim_end_matches("?.");
                            break;
                        }
                    }
                    _ => {}
                }
            }
        }
        if text.chars().count() > 40 {
            format!("{}…", text.chars().take(40).collect::<String>())
        } else {
            text.to_string()
        }
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
        match self.call(args.len(), false) {
            Ok(false) => Ok(pop!(self)),
            Ok(true) => self.run_nested(stop, floor),
            Err(e) => {
                self.stack.truncate(floor);
                Err(e)
            }
        }
    }

    /// Runs the frame just pushed by a native's call until it returns. Each
    /// level recurses on the Rust stack, which grows on demand.
    fn run_nested(&mut self, stop: usize, floor: usize) -> Result<Value, Interrupt> {
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
    fn construct_call(&mut self, f: Value, args: &[Value]) -> Result<Value, Interrupt> {
        let floor = self.stack.len();
        self.stack.push(f);
        self.stack.extend_from_slice(args);
        self.prepare_new(args.len())?;
        let stop = self.frames.len();
        match self.call(args.len(), true) {
            Ok(false) => Ok(pop!(self)),
            Ok(true) => self.run_nested(stop, floor),
            Err(e) => {
                self.stack.truncate(floor);
                Err(e)
            }
        }
    }

    /// [callee, args × n] → [callee, new object, args × n]
    fn prepare_new(&mut self, argc: usize) -> Result<(), Interrupt> {
        let callee_pos = self.stack.len() - argc - 1;
        let callee = self.stack[callee_pos];
        let Value::Obj(id) = callee else {
            return Err(self.type_error(format!("{} is not a constructor", self.callee_text())));
        };
        if !matches!(
            self.heap.obj(id).class,
            Class::Closure(_) | Class::Native(_)
        ) {
            return Err(self.type_error(format!("{} is not a constructor", self.callee_text())));
        }
        let proto = match self.get_field(callee, self.atoms.prototype)? {
            Value::Obj(p) => p,
            _ => self.realm.object_proto,
        };
        let obj = self.heap.alloc(Class::Object, Some(proto))?;
        self.stack.insert(callee_pos + 1, Value::Obj(obj));
        Ok(())
    }

    fn spread_args(&mut self) -> Result<usize, Interrupt> {
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

    // ---- exceptions ----

    /// Finds the handler for an exception thrown while running above frame
    /// depth `stop`; on success the loop continues there.
    fn raise(&mut self, e: Interrupt, stop: usize) -> Result<(), Interrupt> {
        let value = match e {
            Interrupt::Throw(v) => v,
            Interrupt::Error(e) => self.make_error(e.0, &e.1),
            Interrupt::Abort(..) => return Err(e),
            Interrupt::Suspend(_) => self.make_error(
                ErrorKind::Error,
                "cannot wait for I/O inside a callback called by a built-in function (map, forEach, sort…); use a loop",
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

    /// `    at fn (file:line:col)` for every frame, innermost first.
    pub fn trace(&self) -> String {
        let mut out = String::new();
        // A run of identical frames (recursion from one call site) is
        // written up to `SHOWN` times, then counted: a stack overflow wrote
        // 2,000 lines per request.
        const SHOWN: usize = 3;
        let mut last = String::new();
        let mut repeats = 0usize;
        let flush = |out: &mut String, last: &str, repeats: usize| {
            if repeats > SHOWN {
                let name = last.trim_start().trim_start_matches("at ");
                let name = name.split(" (").next().unwrap_or(name);
                out.push_str(&format!(
                    "\n    … {} more frames of {name}",
                    repeats - SHOWN
                ));
            }
        };
        for f in self.frames.iter().rev() {
            let pc = (f.pc as usize)
                .saturating_sub(1)
                .min(f.func().spans.len().saturating_sub(1));
            let span = f.func().spans.get(pc).copied().unwrap_or_default();
            let name = if f.func().name.is_empty() {
                "<anonymous>"
            } else {
                &f.func().name
            };
            let line = format!("\n    at {} ({})", name, f.func().source.location(span));
            if line == last {
                repeats += 1;
                if repeats <= SHOWN {
                    out.push_str(&line);
                }
                continue;
            }
            flush(&mut out, &last, repeats);
            out.push_str(&line);
            last = line;
            repeats = 1;
        }
        flush(&mut out, &last, repeats);
        out
    }

    pub fn type_error(&self, msg: impl Into<String>) -> Interrupt {
        Interrupt::error(ErrorKind::TypeError, msg.into())
    }

    // ---- the loop ----

    fn run_loop(&mut self, stop: usize) -> Result<Outcome, Interrupt> {
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
            // bounds check and no base register per dispatch (sixteen
            // instructions became eight, callgrind). Sound because `load`
            // verified that every jump lands inside `code` and that the last
            // instruction does not fall through, and every saved pc came
            // from this pointer or from a verified label.
            let code: *const Op = func.code.as_ptr();
            let mut ip: *const Op = unsafe { code.add(frame.pc as usize) };
            // The index of the next instruction, for saving in the frame.
            macro_rules! pc {
                () => {
                    unsafe { ip.offset_from(code) } as u32
                };
            }
            // Takes `$n` instructions from the budget. The budget is charged
            // where the count can grow without bound — a jump back, a call —
            // and not per instruction: that decrement, a read-modify-write
            // of a spilled counter, was 12% of fib(30)'s time (80.6 → 71.1
            // ms task-clock without it, perf stat). A jump back is charged
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
                    let target = unsafe { code.add($t as usize) };
                    if target < ip {
                        self.frames.last_mut().unwrap().pc = pc!();
                        charge!(unsafe { ip.offset_from(target) });
                    }
                    ip = target;
                }};
            }
            loop {
                // Matched by reference: copying a 16-byte enum out first cost
                // nine instructions per dispatch (callgrind).
                let op = unsafe { &*ip };
                ip = unsafe { ip.add(1) };
                match *op {
                    Op::Const(c) => self.stack.push(func.consts[c.0 as usize]),
                    Op::Int(i) => self.stack.push(Value::Num(i as f64)),
                    Op::Undef => self.stack.push(Value::Undefined),
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
                    Op::ArrayHole => {
                        let a = obj_of(*self.stack.last().unwrap());
                        tri!('reload, self.heap.charge(SLOT_COST).map_err(Interrupt::from));
                        self.heap.obj_mut(a).elems.push(Value::Undefined);
                    }
                    Op::ArraySpread => {
                        let src = pop!(self);
                        let a = obj_of(*self.stack.last().unwrap());
                        tri!('reload, self.spread_into(a, src));
                        tri!('reload, self.settle_if_due());
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
                                    Some(i) if obj.class == Class::Array => {
                                        Some(obj.elems.get(i).copied().unwrap_or(Value::Undefined))
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
                        match self.call(argc as usize, false) {
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
                    }
                    Op::CallSpread => {
                        self.frames.last_mut().unwrap().pc = pc!();
                        let argc = tri!('reload, self.spread_args());
                        match self.call(argc, false) {
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
                    }
                    Op::New(argc) => {
                        self.frames.last_mut().unwrap().pc = pc!();
                        tri!('reload, self.prepare_new(argc as usize));
                        if tri!('reload, self.call(argc as usize, true)) {
                            charge_callee!();
                            continue 'reload;
                        }
                    }
                    Op::NewSpread => {
                        self.frames.last_mut().unwrap().pc = pc!();
                        let argc = tri!('reload, self.spread_args());
                        tri!('reload, self.prepare_new(argc));
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
                    Op::Jump(Label(t)) => jump!(t),
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
    fn truthy_top(&self) -> bool {
        match self.stack.last() {
            Some(Value::Bool(b)) => *b,
            Some(Value::Num(n)) => *n != 0.0 && !n.is_nan(),
            Some(Value::Undefined | Value::Null) | None => false,
            Some(Value::Atom(a)) => *a != self.atoms.empty,
            Some(Value::Str(s)) => s.len > 0,
            Some(Value::Obj(_) | Value::Cell(_)) => true,
        }
    }

    /// A closure over function `fi` that captures nothing (a gateway direct
    /// handler, see gateway/direct.rs).
    pub fn captureless_closure(&mut self, fi: u32) -> Result<Value, Interrupt> {
        debug_assert!(self.funcs[fi as usize].captures.is_empty());
        let c = self
            .heap
            .alloc(Class::Closure(fi), Some(self.realm.function_proto))?;
        Ok(Value::Obj(c))
    }

    fn make_closure(
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

    /// Writes `console.log`-style output.
    pub fn print(&mut self, s: &str) {
        let _ = self.out.write_all(s.as_bytes());
    }

    /// The function name of a closure or native, for messages and inspection.
    pub fn function_name(&self, id: ObjId) -> String {
        match self.heap.obj(id).class {
            Class::Closure(fi) => self.funcs[fi as usize].name.clone(),
            Class::Native(ni) => self.natives[ni as usize].name.to_string(),
            _ => String::new(),
        }
    }

    pub fn function_arity(&self, id: ObjId) -> usize {
        match self.heap.obj(id).class {
            Class::Closure(fi) => self.funcs[fi as usize].arity as usize,
            Class::Native(ni) => self.natives[ni as usize].arity as usize,
            _ => 0,
        }
    }

    /// Seeds `Math.random` (for reproducible tests).
    pub fn seed_random(&mut self, seed: u64) {
        self.rng = seed.max(1);
    }

    /// No run is under way in the running fiber: no frame, no operand.
    pub fn is_idle(&self) -> bool {
        self.frames.is_empty() && self.stack.is_empty()
    }

    /// The closure of every running frame (a collection's roots).
    pub(super) fn frame_closures(&self) -> impl Iterator<Item = Value> + '_ {
        self.frames.iter().map(|f| Value::Obj(f.closure))
    }

    /// The instruction budget left in this run.
    pub fn fuel_left(&self) -> u64 {
        let owed = (self.heap.charged - self.work_mark) / WORK_BYTES_PER_INSTRUCTION;
        (self.fuel + self.banked + self.spare).saturating_sub(owed)
    }

    /// Lets this VM reclaim unreachable objects in the middle of a run,
    /// looking every `every` instructions (collect.rs says when it can).
    /// Natives that keep a script value past their call must put it in
    /// `pinned` (the gateway's route handlers).
    pub fn enable_collector(&mut self, every: u64) {
        let left = self.fuel_left();
        self.collector = true;
        self.slice = every.max(1);
        self.fuel = left.min(self.slice);
        self.banked = left - self.fuel;
        self.spare = 0;
    }

    /// Takes `n` instructions when the slice in hand (`fuel`, which is no
    /// more than `n`) cannot pay: draws the next slices from the bank and
    /// returns the fuel left in hand, or 0 when the budget is spent. Between
    /// two slices the heap may be collected. Out of line: the run loop's
    /// register allocation is sensitive to what it inlines.
    #[cold]
    #[inline(never)]
    fn refuel(&mut self, fuel: u64, n: u64) -> u64 {
        // Work done by instructions that allocate (a spread, a string
        // concatenation, an error's trace) is settled here, between slices.
        let n = n + self.take_work_debt();
        let total = fuel + self.banked;
        if total <= n {
            self.fuel = 0;
            self.banked = 0;
            self.exhausted = true;
            return 0;
        }
        let left = total - n;
        let hand = left.min(self.slice);
        self.banked = left - hand;
        self.maybe_collect();
        hand
    }

    /// Charges `n` instructions of work a native or an instruction does
    /// beyond its own dispatch (copying, sorting, scanning, building
    /// strings): without it, under the default budget, 300,000 `unshift`s
    /// ran 8.9 s and a loop of `JSON.stringify` 44.7 s where a plain loop
    /// ends in 20–48 ms.
    /// Drawn from the spare hand and the bank, never the run loop's hand
    /// (a local of the loop while a native runs); no collection here, as
    /// the native may hold values in Rust locals.
    pub fn charge_work(&mut self, n: u64) -> Result<(), Interrupt> {
        if self.spare >= n {
            self.spare -= n;
            return Ok(());
        }
        let total = self.spare + self.banked;
        if total <= n {
            self.spare = 0;
            self.banked = 0;
            self.exhausted = true;
            return Err(self.budget_exhausted());
        }
        let left = total - n;
        self.spare = left.min(self.slice);
        self.banked = left - self.spare;
        Ok(())
    }

    /// Records the work of capturing a stack trace as a debt the next
    /// settlement pays (`make_error` cannot fail): formatting a frame costs
    /// about what a hundred instructions do, so a throw at depth 1,990 in
    /// a loop ran for minutes on a budget a plain loop spends in 48 ms.
    pub(crate) fn charge_trace(&mut self) {
        let frames = self.frames.len() as u64;
        self.heap.charged += frames * TRACE_FRAME_INSTRUCTIONS * WORK_BYTES_PER_INSTRUCTION;
    }

    /// `settle_work` once more than `WORK_FREE_BYTES` are unpaid: after
    /// instructions that copy in proportion to their input (spreads,
    /// string building), which would otherwise be paid at the next slice.
    #[inline]
    pub(crate) fn settle_if_due(&mut self) -> Result<(), Interrupt> {
        if self.heap.charged - self.work_mark < WORK_FREE_BYTES {
            return Ok(());
        }
        self.settle_work()
    }

    /// Charges the bytes allocated since the last settlement, one
    /// instruction per `WORK_BYTES_PER_INSTRUCTION`.
    #[cold]
    pub fn settle_work(&mut self) -> Result<(), Interrupt> {
        let n = self.take_work_debt();
        self.charge_work(n)
    }

    /// The instructions owed for bytes charged since the last settlement,
    /// marked paid; the remainder under one instruction stays owed, so the
    /// total does not depend on how often it is settled.
    fn take_work_debt(&mut self) -> u64 {
        let n = (self.heap.charged - self.work_mark) / WORK_BYTES_PER_INSTRUCTION;
        self.work_mark += n * WORK_BYTES_PER_INSTRUCTION;
        n
    }

    #[cold]
    fn budget_exhausted(&self) -> Interrupt {
        Interrupt::abort(
            ErrorKind::RangeError,
            format!(
                "instruction budget exhausted (the budget is {} instructions)",
                self.limits.instructions
            ),
        )
    }
}

/// Bytes of allocation one instruction of budget pays for (see
/// `Vm::charge_work`; the measurements are in docs/ARCHITECTURE.md, "The
/// instruction budget"). 4 made a handler building 17.6 MB of short-lived
/// objects overrun a 5 M budget it fits in.
const WORK_BYTES_PER_INSTRUCTION: u64 = 8;

/// Instructions a stack trace costs per frame (`Vm::charge_trace`).
const TRACE_FRAME_INSTRUCTIONS: u64 = 100;

/// Allocation a native call may make before its bytes are settled: a
/// small result costs its call only, and the check stays one comparison.
const WORK_FREE_BYTES: u64 = 4096;

#[inline]
fn cell_of(v: &Value) -> u32 {
    match v {
        Value::Cell(c) => *c,
        _ => unreachable!("a captured slot always holds a cell"),
    }
}

#[inline]
fn obj_of(v: Value) -> ObjId {
    match v {
        Value::Obj(o) => o,
        _ => unreachable!("the compiler put an object here"),
    }
}

/// What `run_loop`'s unchecked instruction pointer relies on: every jump
/// lands inside `code`, and the last instruction never falls through.
fn verify_code(code: &[Op]) -> Result<(), String> {
    match code.last() {
        Some(Op::Return | Op::Throw | Op::Jump(_)) => {}
        last => return Err(format!("code ends with {last:?}")),
    }
    for (pc, op) in code.iter().enumerate() {
        if let Some(Label(t)) = op.jump_target() {
            if t as usize >= code.len() {
                return Err(format!("{pc}: {op:?} jumps past the end ({})", code.len()));
            }
        }
    }
    Ok(())
}

/// Rewrites a compiled op's program-local names and function indices for this VM.
fn relink(op: Op, names: &[Atom], base: u32) -> Op {
    let n = |x: Name| Name(names[x.0 as usize]);
    match op {
        Op::LoadGlobal(x) => Op::LoadGlobal(n(x)),
        Op::LoadGlobalUndef(x) => Op::LoadGlobalUndef(n(x)),
        Op::LoadGlobalOrUndef(x) => Op::LoadGlobalOrUndef(n(x)),
        Op::StoreGlobal(x) => Op::StoreGlobal(n(x)),
        Op::InitField(x) => Op::InitField(n(x)),
        Op::GetField(x) => Op::GetField(n(x)),
        Op::SetField(x) => Op::SetField(n(x)),
        Op::GetMethod(x) => Op::GetMethod(n(x)),
        Op::DeleteField(x) => Op::DeleteField(n(x)),
        Op::GetLocalField(s, x) => Op::GetLocalField(s, n(x)),
        Op::SetLocalField(s, x) => Op::SetLocalField(s, n(x)),
        Op::Closure(FuncIdx(i)) => Op::Closure(FuncIdx(base + i)),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verify_code_rejects_what_the_instruction_pointer_cannot_run() {
        assert!(verify_code(&[Op::Undef, Op::Return]).is_ok());
        assert!(verify_code(&[Op::Jump(Label(0))]).is_ok());
        // Falling off the end.
        assert!(verify_code(&[]).is_err());
        assert!(verify_code(&[Op::Undef]).is_err());
        assert!(verify_code(&[Op::True, Op::JumpIfFalse(Label(0))]).is_err());
        // Jumping past it.
        assert!(verify_code(&[Op::Jump(Label(2)), Op::Return]).is_err());
        assert!(verify_code(&[Op::PushTry(Label(9)), Op::Undef, Op::Return]).is_err());
    }
}
