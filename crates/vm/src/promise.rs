//! Promises as the specification has them: a promise's state, value and
//! reactions, the resolving functions, `PromiseResolve`, promise
//! capabilities, and the jobs that run reactions once the script code
//! running now has finished: `start_job` puts one on the fiber's frames,
//! `end_job` settles what it was for (run.rs drains the queue).
//!
//! Functions promises make (resolving functions, `await`'s reactions, a
//! capability's executor) are natives whose object holds their data in its
//! elements, as bound functions do.

use crate::error::{ErrorKind, Interrupt};
use crate::heap::{Class, SLOT_COST};
use crate::state::{Args, Vm};
use crate::value::{ObjId, Value};

/// Where a promise is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PromiseState {
    Pending,
    Fulfilled,
    Rejected,
}

/// A pending promise's reaction: its capability (promise, resolve, reject;
/// undefined for `await`'s), then its two handlers.
const REACTION: usize = 5;

/// The natives behind the functions promises make (builtins/promise.rs
/// registers them).
#[derive(Clone, Copy, Default)]
pub struct PromiseNatives {
    /// A resolving function's `resolve` / `reject`: elements `[record]`,
    /// the record's `[promise, already resolved]`.
    pub resolve: u32,
    pub reject: u32,
    /// `await`'s reactions: elements `[the async function's generator]`.
    pub await_fulfilled: u32,
    pub await_rejected: u32,
    /// `NewPromiseCapability`'s executor: elements `[record]`, the record's
    /// `[resolve, reject]`.
    pub executor: u32,
    /// `finally`'s reactions (elements `[onFinally, constructor]`) and the
    /// functions they chain, which give or throw `elements[0]`.
    pub then_finally: u32,
    pub catch_finally: u32,
    pub value_thunk: u32,
    pub thrower: u32,
    /// Element functions of `Promise.all`, `allSettled` (fulfilled,
    /// rejected) and `any`: elements `[record, index, called flag]`.
    pub all_element: u32,
    pub settled_fulfilled: u32,
    pub settled_rejected: u32,
    pub any_element: u32,
    /// An async generator's reactions to the value of its `return`:
    /// elements `[the generator]`.
    pub return_fulfilled: u32,
    pub return_rejected: u32,
    /// The values of a sync iterator read by `for await`: elements
    /// `[resolve, done]` of the promise `next()` gave; called with the
    /// awaited value, resolves it with `{ value, done }`.
    pub async_from_sync_value: u32,
    /// The reactions to an async top level's promise (module_async.rs):
    /// elements `[the module's index]`.
    pub module_fulfilled: u32,
    pub module_rejected: u32,
    /// `import()`'s job once its module is loaded (module_dynamic.rs).
    pub import_continue: u32,
    /// The key the promise of an async function's run (or an async
    /// generator's queue of requests) is kept under, on
    /// its (never exposed) generator object: a symbol no script has.
    pub async_promise_key: crate::value::Atom,
}

/// What a job does with its values.
#[derive(Clone, Copy, PartialEq, Eq)]
enum JobKind {
    /// A reaction to a fulfilment: `[handler, value, capability × 3]`.
    Fulfilled,
    /// A reaction to a rejection: `[handler, reason, capability × 3]`.
    Rejected,
    /// `PromiseResolveThenableJob`: `[promise, thenable, then, _, _]`.
    Thenable,
    /// A plain call, `queueMicrotask`'s or a timer's: `[callback,
    /// arguments array or undefined, _, _, _]`.
    Call,
    /// A method's call whose value resolves a promise: `[function, this,
    /// argument, resolve, reject]` (a stream's `pull`, which may wait for
    /// I/O like any handler code).
    Method,
}

/// A queued job (the collector sees its values).
pub struct Job {
    kind: JobKind,
    v: [Value; 5],
}

impl Job {
    pub(crate) fn values(&self) -> &[Value] {
        &self.v
    }
}

/// What the end of a job's code does with its outcome.
#[derive(Clone, Copy)]
pub(crate) enum JobEnd {
    /// Nothing: an `await`'s reaction (the function's own end settles its
    /// promise).
    Nothing,
    /// A reaction's capability: resolved with the value, rejected with
    /// the exception.
    Settle { resolve: Value, reject: Value },
    /// A thenable job's: its `then` threw, so its promise is rejected.
    Reject(Value),
    /// A `queueMicrotask` or timer callback's: its exception is the
    /// run's uncaught exception.
    Report,
    /// Not a job: the run waits for its next timer (timers.rs).
    Timers,
}

/// How `start_job` left a job.
pub(crate) enum Started {
    /// Its code is on the fiber's frames, for the loop to run.
    Frames(JobEnd),
    /// It ended at once, with a value or an exception.
    Ended(JobEnd, Result<Value, Value>),
    /// Its handler, a native, waits for the host.
    Suspended(JobEnd, crate::io::PendingOp),
}

/// A job whose code waits for I/O on the fiber's frames: how it ends, and
/// the value the run's own code ended with (what the run gives once its
/// jobs are done).
pub struct JobRun {
    pub(crate) end: JobEnd,
    pub(crate) result: Value,
}

impl JobRun {
    pub(crate) fn values(&self) -> [Value; 3] {
        let end = match self.end {
            JobEnd::Nothing | JobEnd::Report | JobEnd::Timers => [Value::Undefined; 2],
            JobEnd::Settle { resolve, reject } => [resolve, reject],
            JobEnd::Reject(reject) => [reject, Value::Undefined],
        };
        [end[0], end[1], self.result]
    }
}

impl Vm {
    /// A new pending promise.
    pub fn new_promise(&mut self, proto: ObjId) -> Result<ObjId, Interrupt> {
        let p = self
            .heap
            .alloc(Class::Promise(PromiseState::Pending), Some(proto))?;
        self.heap.obj_mut(p).elems.push(Value::Undefined);
        Ok(p)
    }

    /// The state and value (or reason) of `v` when it is a promise.
    pub fn promise_state(&self, v: Value) -> Option<(PromiseState, Value)> {
        match v {
            Value::Obj(o) => match self.heap.obj(o).class {
                Class::Promise(s) => Some((s, self.heap.obj(o).elems[0])),
                _ => None,
            },
            _ => None,
        }
    }

    /// A function object running native `ni` with `elems` as its data.
    /// The values go into the buffer the object's slot kept from its last
    /// use, so a warm run allocates nothing here.
    pub(crate) fn native_with(&mut self, ni: u32, elems: &[Value]) -> Result<ObjId, Interrupt> {
        let f = self
            .heap
            .alloc(Class::Native(ni), Some(self.realm.function_proto))?;
        self.heap.charge(elems.len() * SLOT_COST)?;
        self.fill_elems(f, elems);
        Ok(f)
    }

    /// Replaces `o`'s elements with `values`, in the buffer it has.
    pub(crate) fn fill_elems(&mut self, o: ObjId, values: &[Value]) {
        let e = &mut self.heap.obj_mut(o).elems;
        e.clear();
        e.extend_from_slice(values);
    }

    /// The data of the native function being called (see `native_with`).
    pub(crate) fn callee_data(&self, a: Args) -> ObjId {
        match self.stack[a.start - 2] {
            Value::Obj(f) => f,
            _ => unreachable!("a native with data is called as itself"),
        }
    }

    /// `CreateResolvingFunctions(p)`: its `resolve` and `reject`.
    pub(crate) fn resolving_functions(&mut self, p: ObjId) -> Result<(Value, Value), Interrupt> {
        let record = self.heap.alloc(Class::Object, None)?;
        self.fill_elems(record, &[Value::Obj(p), Value::Bool(false)]);
        let n = self.realm.promise_natives;
        let resolve = self.native_with(n.resolve, &[Value::Obj(record)])?;
        let reject = self.native_with(n.reject, &[Value::Obj(record)])?;
        Ok((Value::Obj(resolve), Value::Obj(reject)))
    }

    /// Resolves `p` with `x` (a resolving function's `resolve`, past its
    /// "already resolved" check): a thenable is followed in a job, anything
    /// else fulfils.
    pub(crate) fn resolve_promise(&mut self, p: ObjId, x: Value) -> Result<(), Interrupt> {
        let Value::Obj(o) = x else {
            return self.settle(p, PromiseState::Fulfilled, x);
        };
        if o == p {
            let reason =
                self.make_error(ErrorKind::TypeError, "Chaining cycle detected for promise");
            return self.settle(p, PromiseState::Rejected, reason);
        }
        let then_key = self.atoms.then;
        let then = self.get_field(x, then_key);
        let then = match self.catching(then) {
            Ok(t) => t,
            Err(Interrupt::Throw(e)) => return self.settle(p, PromiseState::Rejected, e),
            Err(e) => return Err(e),
        };
        if !self.is_callable(then) {
            return self.settle(p, PromiseState::Fulfilled, x);
        }
        self.jobs.push_back(Job {
            kind: JobKind::Thenable,
            v: [Value::Obj(p), x, then, Value::Undefined, Value::Undefined],
        });
        Ok(())
    }

    /// Fulfils or rejects pending promise `p` with `v`, queueing its
    /// reactions. A settled promise stays as it is.
    pub(crate) fn settle(&mut self, p: ObjId, to: PromiseState, v: Value) -> Result<(), Interrupt> {
        if self.heap.obj(p).class != Class::Promise(PromiseState::Pending) {
            return Ok(());
        }
        self.heap.obj_mut(p).class = Class::Promise(to);
        let (kind, handler) = match to {
            PromiseState::Rejected => (JobKind::Rejected, 4),
            _ => (JobKind::Fulfilled, 3),
        };
        let n = self.heap.obj(p).elems.len();
        if to == PromiseState::Rejected && n <= 1 {
            self.unhandled.push(p);
        }
        // The reactions are read in place, so the buffer is kept.
        for at in (1..n).step_by(REACTION) {
            let r = &self.heap.obj(p).elems[at..at + REACTION];
            let job = Job {
                kind,
                v: [r[handler], v, r[0], r[1], r[2]],
            };
            self.jobs.push_back(job);
        }
        let elems = &mut self.heap.obj_mut(p).elems;
        elems.truncate(1);
        elems[0] = v;
        Ok(())
    }

    /// `PerformPromiseThen(p, onFulfilled, onRejected, capability)`; a
    /// handler that is not callable passes the value (or reason) on.
    pub(crate) fn perform_then(
        &mut self,
        p: ObjId,
        on_fulfilled: Value,
        on_rejected: Value,
        capability: [Value; 3],
    ) -> Result<(), Interrupt> {
        let on_fulfilled = if self.is_callable(on_fulfilled) {
            on_fulfilled
        } else {
            Value::Undefined
        };
        let on_rejected = if self.is_callable(on_rejected) {
            on_rejected
        } else {
            Value::Undefined
        };
        let [cp, cres, crej] = capability;
        match self.heap.obj(p).class {
            Class::Promise(PromiseState::Pending) => {
                if self.heap.is_state(p) {
                    // Its reactions would outlive the request that added them.
                    return Err(
                        self.state_error("wait on a pending promise a module's top level made")
                    );
                }
                self.heap.charge(REACTION * SLOT_COST)?;
                let elems = &mut self.heap.obj_mut(p).elems;
                elems.extend_from_slice(&[cp, cres, crej, on_fulfilled, on_rejected]);
            }
            Class::Promise(state) => {
                if state == PromiseState::Rejected {
                    // HostPromiseRejectionTracker's "handle".
                    self.unhandled.retain(|&q| q != p);
                }
                let v = self.heap.obj(p).elems[0];
                let (kind, handler) = if state == PromiseState::Rejected {
                    (JobKind::Rejected, on_rejected)
                } else {
                    (JobKind::Fulfilled, on_fulfilled)
                };
                self.jobs.push_back(Job {
                    kind,
                    v: [handler, v, cp, cres, crej],
                });
            }
            _ => unreachable!("perform_then is given a promise"),
        }
        Ok(())
    }

    /// Queues a call of `f` with the values of array `args` (or none,
    /// when undefined): `queueMicrotask`, a timer.
    pub(crate) fn queue_call_with(&mut self, f: Value, args: Value) {
        let none = Value::Undefined;
        self.jobs.push_back(Job {
            kind: JobKind::Call,
            v: [f, args, none, none, none],
        });
    }

    /// Queues `f.call(this, argument)`, its value (or exception) resolving
    /// (rejecting) pending promise `p`.
    pub(crate) fn queue_method_call(
        &mut self,
        f: Value,
        this: Value,
        argument: Value,
        p: ObjId,
    ) -> Result<(), Interrupt> {
        let (resolve, reject) = self.resolving_functions(p)?;
        self.jobs.push_back(Job {
            kind: JobKind::Method,
            v: [f, this, argument, resolve, reject],
        });
        Ok(())
    }

    /// Starts `job` at the bottom of the fiber's empty frames (run.rs
    /// drains the queue so): a script handler's frame, or a parked async
    /// function's, is pushed for the loop to run, so it may wait for I/O
    /// like any code; what needs no frame ends here.
    pub(crate) fn start_job(&mut self, job: Job) -> Result<Started, Interrupt> {
        let [a, b, c, d, e] = job.v;
        let (end, argc) = match job.kind {
            JobKind::Call => {
                self.stack.extend_from_slice(&[a, Value::Undefined]);
                let argc = match b {
                    Value::Obj(args) => {
                        let values = &self.heap.obj(args).elems;
                        self.stack.extend_from_slice(values);
                        values.len()
                    }
                    _ => 0,
                };
                (JobEnd::Report, argc)
            }
            JobKind::Method => {
                self.stack.extend_from_slice(&[a, b, c]);
                (
                    JobEnd::Settle {
                        resolve: d,
                        reject: e,
                    },
                    1,
                )
            }
            JobKind::Thenable => {
                let Value::Obj(p) = a else {
                    unreachable!("a thenable job resolves a promise")
                };
                let (resolve, reject) = self.resolving_functions(p)?;
                self.stack.extend_from_slice(&[c, b, resolve, reject]);
                (JobEnd::Reject(reject), 2)
            }
            kind => {
                let end = match (c, d) {
                    (Value::Undefined, Value::Undefined) => JobEnd::Nothing,
                    _ => JobEnd::Settle {
                        resolve: d,
                        reject: e,
                    },
                };
                if matches!(a, Value::Undefined) {
                    let r = if kind == JobKind::Fulfilled {
                        Ok(b)
                    } else {
                        Err(b)
                    };
                    return Ok(Started::Ended(end, r));
                }
                if let Some((g, how)) = self.await_reaction(a) {
                    return match self.enter_generator(g, how, b) {
                        Ok(()) => Ok(Started::Frames(end)),
                        Err(Interrupt::Throw(x)) => Ok(Started::Ended(end, Err(x))),
                        Err(x) => Err(x),
                    };
                }
                self.stack.extend_from_slice(&[a, Value::Undefined, b]);
                (end, 1)
            }
        };
        let called = self.call(argc, false);
        match self.catching(called) {
            Ok(true) => Ok(Started::Frames(end)),
            Ok(false) => {
                let v = self.stack.pop().unwrap_or(Value::Undefined);
                Ok(Started::Ended(end, Ok(v)))
            }
            Err(Interrupt::Suspend(op)) => Ok(Started::Suspended(end, op)),
            Err(Interrupt::Throw(x)) => {
                self.stack.clear();
                Ok(Started::Ended(end, Err(x)))
            }
            Err(x) => Err(x),
        }
    }

    /// A job's code ended with `r` (a value, or an exception): what its
    /// reaction's capability (or a thenable's `reject`) does with it.
    pub(crate) fn end_job(
        &mut self,
        end: JobEnd,
        r: Result<Value, Value>,
    ) -> Result<(), Interrupt> {
        let settled = match (end, r) {
            (JobEnd::Settle { resolve, .. }, Ok(v)) => {
                self.call_function(resolve, Value::Undefined, &[v])
            }
            (JobEnd::Settle { reject, .. }, Err(x)) | (JobEnd::Reject(reject), Err(x)) => {
                self.call_function(reject, Value::Undefined, &[x])
            }
            (JobEnd::Report, Err(x)) => return Err(Interrupt::Throw(x)),
            _ => return Ok(()),
        };
        // A capability's own functions may throw; the specification drops
        // that (HostReportErrors).
        match settled {
            Ok(_) | Err(Interrupt::Throw(_)) => Ok(()),
            Err(x) => Err(x),
        }
    }

    /// `PromiseResolve(C, x)`: `x` itself when it is a promise made by `C`,
    /// else a new promise of `C` resolved with `x`.
    pub(crate) fn promise_resolve(&mut self, c: Value, x: Value) -> Result<Value, Interrupt> {
        if let Value::Obj(o) = x
            && matches!(self.heap.obj(o).class, Class::Promise(_))
        {
            let ctor = self.get_field(x, self.atoms.constructor)?;
            if same_object(ctor, c) {
                return Ok(x);
            }
        }
        let [p, resolve, _] = self.new_capability(c)?;
        self.call_function(resolve, Value::Undefined, &[x])?;
        Ok(p)
    }

    /// `NewPromiseCapability(C)`: `[promise, resolve, reject]`.
    pub(crate) fn new_capability(&mut self, c: Value) -> Result<[Value; 3], Interrupt> {
        if same_object(c, Value::Obj(self.realm.promise)) {
            let p = self.new_promise(self.realm.promise_proto)?;
            let (resolve, reject) = self.resolving_functions(p)?;
            return Ok([Value::Obj(p), resolve, reject]);
        }
        if !self.is_constructor(c) {
            return Err(self.type_error("the promise constructor is not a constructor"));
        }
        let record = self.heap.alloc(Class::Object, None)?;
        self.fill_elems(record, &[Value::Undefined, Value::Undefined]);
        let executor =
            self.native_with(self.realm.promise_natives.executor, &[Value::Obj(record)])?;
        let p = self.construct(c, &[Value::Obj(executor)])?;
        let (resolve, reject) = {
            let e = &self.heap.obj(record).elems;
            (e[0], e[1])
        };
        if !self.is_callable(resolve) || !self.is_callable(reject) {
            return Err(self.type_error(
                "the promise constructor did not give callable resolve and reject functions",
            ));
        }
        Ok([p, resolve, reject])
    }
}

fn same_object(a: Value, b: Value) -> bool {
    matches!((a, b), (Value::Obj(x), Value::Obj(y)) if x == y)
}
