//! The VM's state: its limits, functions, frames and fibers, the realm
//! of built-ins, and the `Vm` itself; small accessors the host uses.

use crate::error::{ErrorKind, Interrupt};
use crate::heap::{Class, Heap};
use crate::io::PendingOp;
use crate::value::{Atom, ObjId, Value};
use lang::bytecode::{Capture, Op};
use lang::source::{SourceFile, Span};
use std::io::Write;
use std::rc::Rc;
use std::sync::Arc;

/// Deepest call nesting before `RangeError: maximum call stack size
/// exceeded`: node's order of magnitude (node 20 stops a one-line recursive
/// function at 10,439 frames). Script calls keep their frames in
/// `Vm::frames`, not on the Rust stack, so depth costs a 24-byte `Frame`
/// and the callee's slots.
pub const FRAMES_MAX: usize = 12_000;

/// Deepest nesting of natives that run script code in a nested loop (a
/// getter whose code reads a getter…; `map` is a stepper and nests as
/// frames): each level is a run loop on the Rust stack (a few KiB, grown on
/// demand in segments), so it has a bound of its own.
pub const NATIVE_NESTING_MAX: usize = 2_000;

/// Instructions per slice of the budget when the collector is off. A run
/// whose natives call back into scripts may stop up to two slices early:
/// the hand of the run and the spare hand of its callbacks cannot pay for
/// each other (see `Vm::fuel`).
pub(crate) const DEFAULT_SLICE: u64 = 1 << 16;

/// Most values the operand stack may hold (16 bytes each).
pub const STACK_MAX: usize = 1 << 20;

#[cold]
pub(crate) fn stack_overflow() -> Interrupt {
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
    /// Its `length` (`FunctionProto::length`).
    pub length: u16,
    pub has_rest: bool,
    pub has_arguments: bool,
    /// `has_rest || has_arguments || class_constructor`: calls with the
    /// declared number of arguments go through `fit_arguments` too.
    pub needs_fit: bool,
    pub is_arrow: bool,
    /// A class's constructor: `fit_arguments` refuses a call without `new`.
    pub class_constructor: bool,
    /// Not an arrow nor a method: `new` may call it.
    pub constructible: bool,
    pub is_generator: bool,
    /// An `async` function: its calls give promises (async_fn.rs).
    pub is_async: bool,
    pub slots: u16,
    pub code: Box<[Op]>,
    pub consts: Box<[Value]>,
    pub spans: Box<[Span]>,
    pub captures: Box<[Capture]>,
    pub source: Arc<SourceFile>,
    pub span: Span,
    /// What the compiler proved about it.
    pub facts: lang::facts::Facts,
    /// A built-in of the VM's own that calls back (stepper.rs): its code
    /// is `Op::Step` in a loop, and its calls record their argument count.
    pub step: Option<crate::stepper::StepFn>,
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
    /// Whether `new` may call it: the realm's constructors (the built-ins
    /// with a `prototype`), not its methods.
    pub construct: bool,
}

pub(crate) struct Frame {
    /// The running function. Points into an `Rc` held by `Vm::funcs`, which
    /// only grows (in `load`, between runs), so it outlives every frame;
    /// holding a pointer instead of an `Rc` keeps refcounting off calls.
    pub(crate) func: *const Function,
    pub(crate) closure: ObjId,
    pub(crate) pc: u32,
    /// Stack index of slot 0; the callee and `this` sit just below.
    pub(crate) base: u32,
    /// Called with `new`: a non-object return value yields `this`.
    pub(crate) construct: bool,
}

pub(crate) struct Handler {
    /// `frames.len()` when the handler was pushed.
    pub(crate) frame: u32,
    pub(crate) stack: u32,
    pub(crate) pc: u32,
}

/// A suspended line of execution: its operand stack, frames and handlers.
/// The running fiber's state lives in the VM; `Vm::swap_fiber` trades it
/// with a parked one. Fibers of one request share its heap, so values pass
/// between them freely (`parallel()` results, `transaction()` bodies).
#[derive(Default)]
pub struct Fiber {
    pub(crate) stack: Vec<Value>,
    pub(crate) frames: Vec<Frame>,
    pub(crate) handlers: Vec<Handler>,
    /// Its promise jobs, and the one running on its frames (promise.rs):
    /// a fiber's jobs run when its own code has ended.
    pub(crate) jobs: std::collections::VecDeque<crate::promise::Job>,
    pub(crate) job: Option<crate::promise::JobRun>,
    pub(crate) unhandled: Vec<ObjId>,
    pub(crate) timers: Vec<crate::timers::Timer>,
    /// Its fetches in flight, and the requests not yet sent (fetches.rs).
    pub(crate) fetches: Vec<crate::fetches::InFlight>,
    pub(crate) fetch_outbox: Vec<(u32, Box<crate::io::http::Request>)>,
    /// Whether this is the run's own fiber (the VM's state when no other
    /// is swapped in), which alone may answer before its jobs are done.
    pub(crate) root: bool,
}

/// What a promise rejection that nothing handled does (`Vm::unhandled_rejections`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum UnhandledRejections {
    /// It is the run's uncaught exception, reported as
    /// `Uncaught (in promise) …` (node's default, `throw`).
    #[default]
    Fail,
    /// A line where the VM prints, and the run goes on (node's `warn`).
    Warn,
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
    /// `lastIndex`, and the match array's `index`, `input`, `groups`.
    pub last_index: Atom,
    pub index: Atom,
    pub input: Atom,
    pub groups: Atom,
    /// The hidden key of an object literal method's home object.
    pub home: Atom,
    /// `then`, which every promise resolution looks up.
    pub then: Atom,
    pub type_names: [Atom; 7],
    /// The well-known symbols.
    pub symbols: WellKnown,
    pub empty: Atom,
    /// The marker a `let`/`const` holds before its declaration runs
    /// (`Op::Uninit`); a symbol, so nothing else ever equals it.
    pub uninit: Atom,
}

/// The well-known symbols (`Symbol.iterator`…), each an atom no string has.
pub struct WellKnown {
    pub iterator: Atom,
    pub async_iterator: Atom,
    pub has_instance: Atom,
    pub to_primitive: Atom,
    pub to_string_tag: Atom,
    pub species: Atom,
    pub is_concat_spreadable: Atom,
    pub unscopables: Atom,
    pub match_: Atom,
    pub match_all: Atom,
    pub replace: Atom,
    pub search: Atom,
    pub split: Atom,
}

impl WellKnown {
    /// Each symbol with the name `Symbol` has it under.
    pub fn all(&self) -> [(&'static str, Atom); 13] {
        [
            ("iterator", self.iterator),
            ("asyncIterator", self.async_iterator),
            ("hasInstance", self.has_instance),
            ("toPrimitive", self.to_primitive),
            ("toStringTag", self.to_string_tag),
            ("species", self.species),
            ("isConcatSpreadable", self.is_concat_spreadable),
            ("unscopables", self.unscopables),
            ("match", self.match_),
            ("matchAll", self.match_all),
            ("replace", self.replace),
            ("search", self.search),
            ("split", self.split),
        ]
    }
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
    pub symbol_proto: ObjId,
    /// %GeneratorPrototype%: `next`, `return`, `throw`.
    pub generator_proto: ObjId,
    /// %IteratorPrototype%: `[Symbol.iterator]()` gives the iterator itself.
    pub iterator_proto: ObjId,
    /// %ArrayIteratorPrototype% and the natives that make array iteration
    /// observable when a script replaces them (`Vm::plain_array_iteration`):
    /// `Array.prototype.values` (also its `[Symbol.iterator]`) and `next`.
    pub array_iterator_proto: ObjId,
    pub array_values: ObjId,
    pub array_iterator_next: ObjId,
    /// `Map.prototype` (what `Map.groupBy` makes), %MapIteratorPrototype%
    /// and %SetIteratorPrototype%.
    pub map_proto: ObjId,
    pub map_iterator_proto: ObjId,
    pub set_iterator_proto: ObjId,
    /// %StringIteratorPrototype%, `String.prototype[Symbol.iterator]`, `next`.
    pub string_iterator_proto: ObjId,
    pub string_iterator: ObjId,
    pub string_iterator_next: ObjId,
    /// %AsyncGeneratorPrototype%: `next`, `return`, `throw` giving promises.
    pub async_generator_proto: ObjId,
    /// What `for await` wraps a sync iterator in (builtins/generator.rs).
    pub async_from_sync_proto: ObjId,
    pub date_proto: ObjId,
    /// Methods of `db()` builders.
    pub query_proto: ObjId,
    /// Methods of `http()` clients and of their responses.
    pub http_proto: ObjId,
    /// What `kv()` returns inherits its methods from this.
    pub kv_proto: ObjId,
    pub response_proto: ObjId,
    /// Indexed by `ErrorKind as usize`.
    pub error_protos: [ObjId; 8],
    /// The native behind every function `bind` makes (builtins/function.rs).
    pub bound_native: u32,
    /// %ThrowTypeError%: the getter and setter of `arguments.callee`.
    pub throw_type_error: ObjId,
    /// `Promise`, `Promise.prototype`, and the natives promises make
    /// functions of (builtins/promise.rs).
    pub promise: ObjId,
    pub promise_proto: ObjId,
    pub promise_natives: crate::promise::PromiseNatives,
    /// `RegExp`, its prototype, its `exec` (builtins/regexp.rs).
    pub regexp: ObjId,
    pub regexp_proto: ObjId,
    pub regexp_exec: ObjId,
    pub regexp_string_iterator_proto: ObjId,
    /// `ArrayBuffer`, %TypedArray%, and each typed array's constructor and
    /// prototype in `ElementType::ALL` order (builtins/typed_arrays.rs).
    pub array_buffer: ObjId,
    pub array_buffer_proto: ObjId,
    pub typed_array: ObjId,
    pub typed_array_proto: ObjId,
    pub typed_array_ctors: [ObjId; 9],
    pub typed_array_protos: [ObjId; 9],
    /// `DOMException.prototype`, `URL.prototype` and
    /// `URLSearchParams.prototype` (builtins/web).
    pub dom_exception_proto: ObjId,
    pub url_proto: ObjId,
    pub search_params_proto: ObjId,
    pub headers_proto: ObjId,
    pub request_proto: ObjId,
    /// A Workers handler's `ctx`'s prototype, and what reports a rejected
    /// `ctx.waitUntil` promise (builtins/web/workers.rs).
    pub context_proto: ObjId,
    /// `CryptoKey`'s prototype (builtins/web/crypto.rs).
    pub crypto_key_proto: ObjId,
    /// `AbortSignal.prototype`, and what `AbortSignal.timeout`'s timer
    /// calls (builtins/web/abort.rs).
    pub abort_signal_proto: ObjId,
    pub blob_proto: ObjId,
    pub file_proto: ObjId,
    pub form_data_proto: ObjId,
    pub abort_timeout: ObjId,
    pub wait_until_rejected: ObjId,
    /// `Response.prototype` (`response_proto` is `http()`'s answers').
    pub web_response_proto: ObjId,
    /// `ReadableStream` and its reader's, controller's and iterator's
    /// prototypes, and the natives streams make functions of
    /// (builtins/web/stream.rs).
    pub stream_proto: ObjId,
    pub stream_reader_proto: ObjId,
    pub stream_controller_proto: ObjId,
    pub stream_iterator_proto: ObjId,
    pub stream_natives: crate::builtins::web::stream::StreamNatives,
    /// The stepping function that runs a module graph's top levels.
    pub module_evaluator: ObjId,
}

pub struct Vm {
    pub heap: Heap,
    pub(crate) stack: Vec<Value>,
    pub(crate) frames: Vec<Frame>,
    pub(crate) handlers: Vec<Handler>,
    /// Parked generators' frames (generator.rs), by `Class::Generator` index.
    pub(crate) generators: Vec<crate::generator::GenState>,
    /// The hash indexes of this run's maps and sets (collection.rs), by
    /// `Class::Collection` index.
    pub(crate) collections: Vec<crate::collection::Index>,
    /// Collections below this are module state (`Vm::seal_state`).
    pub(crate) perm_collections: usize,
    /// The module graph being evaluated (module_graph.rs).
    pub(crate) graph_run: crate::module_graph::GraphRun,
    /// Compiled patterns, by `Class::RegExp` index (regexp.rs).
    pub(crate) regexps: crate::regexp::Regexps,
    /// Promise jobs waiting to run (promise.rs), first in first out.
    pub(crate) jobs: std::collections::VecDeque<crate::promise::Job>,
    /// The job whose code is on the frames, while it waits for I/O.
    pub(crate) job: Option<crate::promise::JobRun>,
    /// Rejected promises no handler was added to yet (HostPromiseRejection
    /// Tracker); what is left when a fiber's jobs are done is reported.
    pub(crate) unhandled: Vec<ObjId>,
    /// What a rejection nothing handled does when a fiber's jobs are
    /// done: fail the run (the default; a request answers 500), or only
    /// print a warning (`kitwork run --unhandled-rejections=warn`).
    pub unhandled_rejections: UnhandledRejections,
    /// The running fiber's timers (timers.rs), and the last id given.
    pub(crate) timers: Vec<crate::timers::Timer>,
    pub(crate) last_timer: u32,
    /// Whether a run waits for every timer it scheduled (`kitwork run`,
    /// the default), or only while its result is a pending promise (a
    /// request: its other timers die with it).
    pub timers_outlive_result: bool,
    /// Whether the running fiber is the run's own (`Fiber::root`).
    pub(crate) root: bool,
    /// The running fiber's fetches in flight and unsent requests
    /// (`Fiber`'s), the last fetch's id, and where the host puts answers.
    pub(crate) fetches: Vec<crate::fetches::InFlight>,
    pub(crate) fetch_outbox: Vec<(u32, Box<crate::io::http::Request>)>,
    pub(crate) next_fetch: u32,
    pub fetch_inbox: Rc<crate::fetches::FetchInbox>,
    /// The promises `ctx.waitUntil()` was given this run (after_answer.rs).
    pub(crate) wait_until: Vec<Value>,
    /// Whether the run's answer is out and it goes on for them.
    pub(crate) answered: bool,
    /// How many `ReadableStream`s this run made (a run that made none
    /// never answers with one), and the one the host reads
    /// (builtins/web/answer_stream.rs).
    pub(crate) streams: u32,
    pub(crate) answer_stream: Option<ObjId>,
    /// Where the request body streamed to the script comes from, for the
    /// request being served (`PendingOp::RequestBody`); the host sets and
    /// clears it (`reset` leaves it).
    pub request_body: Option<std::rc::Rc<dyn crate::io::BodySource>>,
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
    pub(crate) fuel: u64,
    pub(crate) banked: u64,
    pub(crate) spare: u64,
    /// Instructions per slice (`DEFAULT_SLICE`, or what `enable_collector`
    /// asked): the collector looks at the heap between slices (collect.rs).
    pub(crate) slice: u64,
    /// The instruction budget ran out in this run.
    pub(crate) exhausted: bool,
    /// `heap.charged` when its bytes were last paid for in instructions
    /// (`settle_work`).
    pub(crate) work_mark: u64,
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
    pub(crate) nested: usize,
    /// Of those, how many hold values the collector cannot see (all but
    /// the ones calling through `call_function_rooted`): no collection
    /// while any does.
    pub(super) opaque: usize,
    /// Whether the native running now was called by `new` (set at every
    /// native call; a native that cares reads it before calling anything).
    pub(crate) constructing: bool,
    /// How the generator resumed last was resumed (`Op::ResumeKind`).
    pub(crate) resume_kind: crate::generator::Resume,
    /// Where `console.log` writes.
    pub out: Box<dyn Write>,
    /// Trace of the last throw of a non-Error value.
    pub(crate) throw_trace: String,
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
    /// `kv()` commands kept for reuse (`builtins::kv`).
    pub kv_spare: Vec<Box<crate::io::kv::Command>>,
    /// This run's template objects by site (the function and the offset of
    /// a tagged template): a site gives the same object every time.
    pub(crate) templates: Vec<(u32, u32, Value)>,
}

impl Frame {
    #[inline]
    pub(crate) fn func(&self) -> &Function {
        // SAFETY: see the `func` field: the pointee lives as long as the VM.
        unsafe { &*self.func }
    }
}

impl Vm {
    /// Writes `console.log`-style output.
    pub fn print(&mut self, s: &str) {
        let _ = self.out.write_all(s.as_bytes());
    }

    /// The function name of a closure or native, for messages and inspection.
    pub fn function_name(&self, id: ObjId) -> String {
        match self.heap.obj(id).class {
            Class::Closure(fi) => self.funcs[fi as usize].name.clone(),
            Class::Native(ni) if ni == self.realm.bound_native => self.bound_name(id),
            Class::Native(ni) => self.natives[ni as usize].name.to_string(),
            _ => String::new(),
        }
    }

    /// How many parameters a function declares before any rest parameter
    /// (what the gateway asks of a handler).
    pub fn function_arity(&self, id: ObjId) -> usize {
        match self.heap.obj(id).class {
            Class::Closure(fi) => self.funcs[fi as usize].arity as usize,
            _ => self.function_length(id),
        }
    }

    /// A function's `length` (`FunctionProto::length`).
    pub fn function_length(&self, id: ObjId) -> usize {
        match self.heap.obj(id).class {
            Class::Closure(fi) => self.funcs[fi as usize].length as usize,
            Class::Native(ni) if ni == self.realm.bound_native => self.bound_arity(id),
            Class::Native(ni) => self.natives[ni as usize].arity as usize,
            _ => 0,
        }
    }

    /// `bound f`. Out of line: the request path asks every handler's arity.
    #[cold]
    #[inline(never)]
    fn bound_name(&self, id: ObjId) -> String {
        match self.bound_target(id) {
            Some(t) => format!("bound {}", self.function_name(t)),
            None => "bound".to_string(),
        }
    }

    /// What is left of the target's arity after the bound arguments.
    #[cold]
    #[inline(never)]
    fn bound_arity(&self, id: ObjId) -> usize {
        let bound_args = self.heap.obj(id).elems.len().saturating_sub(2);
        self.bound_target(id)
            .map_or(0, |t| self.function_length(t).saturating_sub(bound_args))
    }

    /// The function a bound function calls.
    fn bound_target(&self, id: ObjId) -> Option<ObjId> {
        match self.heap.obj(id).elems.first() {
            Some(Value::Obj(t)) => Some(*t),
            _ => None,
        }
    }

    /// Seeds `Math.random` (for reproducible tests).
    pub fn seed_random(&mut self, seed: u64) {
        self.rng = seed.max(1);
    }

    /// No run is under way in the running fiber: no frame, no operand, no
    /// job or timer (a run that answered early keeps those).
    pub fn is_idle(&self) -> bool {
        self.frames.is_empty()
            && self.stack.is_empty()
            && self.jobs.is_empty()
            && self.job.is_none()
            && self.timers.is_empty()
            && self.fetches.is_empty()
    }

    /// The closure of every running frame (a collection's roots).
    pub(super) fn frame_closures(&self) -> impl Iterator<Item = Value> + '_ {
        self.frames.iter().map(|f| Value::Obj(f.closure))
    }
}
