//! `ReadableStream` (the Streams Standard's default streams): the
//! constructor with an underlying source (`start`, `pull`, `cancel`) and a
//! queuing strategy (`highWaterMark`, `size`), its controller (`enqueue`,
//! `close`, `error`, `desiredSize`), `locked`, `cancel`, `getReader`,
//! `values` / `for await`, and `ReadableStream.from`. Readers are in
//! stream_reader.rs; the gateway reads a response's stream through
//! answer_stream.rs.
//!
//! A source's `pull` is called in a job of its own rather than inside the
//! call that asked for it, so it may wait for I/O (`db()`, `http()`) like
//! handler code; `start` is called in the constructor, as the standard
//! says (docs/LANGUAGE.md).

use super::stream_reader;
use super::{new_proto, new_web_object, this_web};
use crate::builtins::{arg, constructor, getter, method, native, string_tag};
use crate::error::{ErrorKind, Interrupt};
use crate::heap::{Class, WebKind};
use crate::promise::PromiseState;
use crate::state::{Args, Vm};
use crate::value::{ObjId, Value};

// A stream's slots.
const STATE: usize = 0;
const STORED_ERROR: usize = 1;
/// An internal object whose elements are the queue: chunk, size, chunk…
const QUEUE: usize = 2;
const QUEUE_TOTAL: usize = 3;
const CONTROLLER: usize = 4;
/// Its reader, `true` when the host reads it (answer_stream.rs), else
/// undefined.
pub(super) const READER: usize = 5;
const DISTURBED: usize = 6;
const SOURCE: usize = 7;
const PULL: usize = 8;
const CANCEL: usize = 9;
const HIGH_WATER_MARK: usize = 10;
const SIZE: usize = 11;
const FLAGS: usize = 12;
const SLOTS: usize = 13;

// `STATE`'s values.
const READABLE: f64 = 0.0;
const CLOSED: f64 = 1.0;
const ERRORED: f64 = 2.0;

// `FLAGS`' bits.
const STARTED: u32 = 1;
const PULLING: u32 = 2;
const PULL_AGAIN: u32 = 4;
const CLOSE_REQUESTED: u32 = 8;
/// The host wants a chunk (answer_stream.rs): a pending read.
pub(super) const HOST_WAITING: u32 = 16;
/// The source is the host's request body: `pull` gives the next chunk
/// (or null at the end), which the stream enqueues.
const HOST_SOURCE: u32 = 32;

/// The natives a stream makes functions of, with the stream as their data.
#[derive(Clone, Copy, Default)]
pub struct StreamNatives {
    start_fulfilled: u32,
    start_rejected: u32,
    pull_fulfilled: u32,
    pull_rejected: u32,
    /// `ReadableStream.from`'s source: its `pull` (the iterator is
    /// `this`), what it does with each `next()` result (data
    /// `[controller]`), its `cancel`.
    from_pull: u32,
    from_step: u32,
    from_cancel: u32,
    pub(super) collect_step: u32,
    /// A request body's `pull`: waits for the host's next chunk.
    body_pull: u32,
}

pub fn install(vm: &mut Vm) {
    let object_proto = vm.realm.object_proto;
    let proto = new_proto(vm, object_proto);
    let ctor = constructor(vm, "ReadableStream", 0, construct, proto);
    vm.realm.stream_proto = proto;
    getter(vm, proto, "get locked", |vm, this, _| {
        let s = this_web(vm, this, WebKind::ReadableStream, "ReadableStream.locked")?;
        Ok(Value::Bool(is_locked(vm, s)))
    });
    method(vm, proto, "cancel", 1, |vm, this, a| {
        let s = this_web(vm, this, WebKind::ReadableStream, "ReadableStream.cancel")?;
        if is_locked(vm, s) {
            let e = vm.make_error(
                ErrorKind::TypeError,
                "Cannot cancel a stream that has a reader",
            );
            return settled(vm, PromiseState::Rejected, e);
        }
        cancel_promise(vm, s, arg(vm, a, 0))
    });
    method(vm, proto, "getReader", 0, |vm, this, a| {
        let s = this_web(
            vm,
            this,
            WebKind::ReadableStream,
            "ReadableStream.getReader",
        )?;
        let options = arg(vm, a, 0);
        if let Value::Obj(_) = options {
            let k = vm.heap.intern("mode");
            let mode = vm.get_field(options, k)?;
            if !mode.is_nullish() {
                let mode = super::to_rust_string(vm, mode)?;
                if mode == "byob" {
                    return Err(vm.type_error(
                        "ReadableStream.getReader: BYOB readers are not supported (docs/LANGUAGE.md)",
                    ));
                }
                return Err(vm.type_error(format!(
                    "ReadableStream.getReader: '{mode}' is not a valid reader mode"
                )));
            }
        }
        stream_reader::acquire(vm, s).map(Value::Obj)
    });
    let values_fn = native(vm, "values", 0, values);
    crate::builtins::set(vm, proto, "values", Value::Obj(values_fn));
    let key = vm.atoms.symbols.async_iterator;
    vm.define_with(proto, key, Value::Obj(values_fn), crate::attrs::METHOD)
        .expect("the realm is made within its budget");
    method(vm, ctor, "from", 1, from);
    string_tag(vm, proto, "ReadableStream");

    let controller_proto = new_proto(vm, object_proto);
    vm.realm.stream_controller_proto = controller_proto;
    method(vm, controller_proto, "enqueue", 1, |vm, this, a| {
        let s = controller_stream(vm, this)?;
        enqueue(vm, s, arg(vm, a, 0))?;
        Ok(Value::Undefined)
    });
    method(vm, controller_proto, "close", 0, |vm, this, _| {
        let s = controller_stream(vm, this)?;
        if !can_close_or_enqueue(vm, s) {
            return Err(vm.type_error("Invalid state: the stream is closed or closing"));
        }
        request_close(vm, s)?;
        Ok(Value::Undefined)
    });
    method(vm, controller_proto, "error", 1, |vm, this, a| {
        let s = controller_stream(vm, this)?;
        error(vm, s, arg(vm, a, 0))?;
        Ok(Value::Undefined)
    });
    getter(vm, controller_proto, "get desiredSize", |vm, this, _| {
        let s = controller_stream(vm, this)?;
        Ok(desired_size(vm, s).map_or(Value::Null, Value::Num))
    });
    string_tag(vm, controller_proto, "ReadableStreamDefaultController");

    let reg = |vm: &mut Vm, f| crate::builtins::register(vm, "", 1, f);
    vm.realm.stream_natives = StreamNatives {
        start_fulfilled: reg(vm, |vm, _, a| {
            let s = data_stream(vm, a);
            set_flag(vm, s, STARTED, true);
            call_pull_if_needed(vm, s)?;
            Ok(Value::Undefined)
        }),
        start_rejected: reg(vm, |vm, _, a| {
            let s = data_stream(vm, a);
            error(vm, s, arg(vm, a, 0))?;
            Ok(Value::Undefined)
        }),
        pull_fulfilled: reg(vm, |vm, _, a| {
            let s = data_stream(vm, a);
            set_flag(vm, s, PULLING, false);
            if flag(vm, s, HOST_SOURCE) && is_readable(vm, s) {
                match arg(vm, a, 0) {
                    Value::Null => request_close(vm, s)?,
                    chunk => enqueue(vm, s, chunk)?,
                }
            }
            if flag(vm, s, PULL_AGAIN) {
                set_flag(vm, s, PULL_AGAIN, false);
                call_pull_if_needed(vm, s)?;
            }
            Ok(Value::Undefined)
        }),
        pull_rejected: reg(vm, |vm, _, a| {
            let s = data_stream(vm, a);
            error(vm, s, arg(vm, a, 0))?;
            Ok(Value::Undefined)
        }),
        from_pull: reg(vm, from_pull),
        from_step: reg(vm, from_step),
        from_cancel: reg(vm, |vm, this, a| {
            let k = vm.heap.intern("return");
            let ret = vm.get_field(this, k)?;
            if ret.is_nullish() {
                return Ok(Value::Undefined);
            }
            let r = vm.call_function(ret, this, &[arg(vm, a, 0)])?;
            if !matches!(r, Value::Obj(_)) && !vm.is_pending(r) {
                return Err(
                    vm.type_error("The iterator's return() gave a value that is not an object")
                );
            }
            Ok(r)
        }),
        collect_step: reg(vm, super::body_stream::collect_step),
        body_pull: reg(vm, |_, _, _| {
            Err(Interrupt::Suspend(crate::io::PendingOp::RequestBody))
        }),
    };
}

/// The stream a native made by `native_with` was given.
fn data_stream(vm: &Vm, a: Args) -> ObjId {
    let f = vm.callee_data(a);
    match vm.heap.obj(f).elems[0] {
        Value::Obj(s) => s,
        _ => unreachable!("a stream's native holds its stream"),
    }
}

/// `new ReadableStream(underlyingSource, strategy)`.
fn construct(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let (source, strategy) = (arg(vm, a, 0), arg(vm, a, 1));
    let o = new_web_object(vm, this, WebKind::ReadableStream, "ReadableStream")?;
    let field = |vm: &mut Vm, v: Value, name: &str| -> Result<Value, Interrupt> {
        match v {
            Value::Obj(_) => {
                let k = vm.heap.intern(name);
                vm.get_field(v, k)
            }
            _ => Ok(Value::Undefined),
        }
    };
    if !matches!(source, Value::Obj(_) | Value::Undefined | Value::Null) {
        return Err(vm.type_error("ReadableStream: the underlying source must be an object"));
    }
    // Byte streams are read as default streams: chunks are the bytes
    // enqueued (docs/LANGUAGE.md).
    let kind = field(vm, source, "type")?;
    if !kind.is_nullish() && super::to_rust_string(vm, kind)? != "bytes" {
        return Err(vm.type_error("ReadableStream: the source's type must be 'bytes' or undefined"));
    }
    let mut hooks = [Value::Undefined; 3];
    for (i, name) in ["start", "pull", "cancel"].iter().enumerate() {
        let f = field(vm, source, name)?;
        if !f.is_nullish() && !vm.is_callable(f) {
            return Err(vm.type_error(format!(
                "ReadableStream: the source's {name} must be a function"
            )));
        }
        if !f.is_nullish() {
            hooks[i] = f;
        }
    }
    let size = field(vm, strategy, "size")?;
    if !size.is_nullish() && !vm.is_callable(size) {
        return Err(vm.type_error("ReadableStream: the strategy's size must be a function"));
    }
    let high_water_mark = match field(vm, strategy, "highWaterMark")? {
        Value::Undefined => 1.0,
        v => vm.to_number(v)?,
    };
    if high_water_mark.is_nan() || high_water_mark < 0.0 {
        return Err(Interrupt::error(
            ErrorKind::RangeError,
            "ReadableStream: highWaterMark must be a number of at least 0",
        ));
    }
    let [start, pull, cancel] = hooks;
    let size = if size.is_nullish() {
        Value::Undefined
    } else {
        size
    };
    setup(vm, o, source, start, pull, cancel, high_water_mark, size)?;
    Ok(Value::Obj(o))
}

/// A stream object `o` set up over a source: `start(controller)` is
/// called now, `pull` once it has settled.
#[allow(clippy::too_many_arguments)]
fn setup(
    vm: &mut Vm,
    o: ObjId,
    source: Value,
    start: Value,
    pull: Value,
    cancel: Value,
    high_water_mark: f64,
    size: Value,
) -> Result<(), Interrupt> {
    let queue = vm.heap.alloc(Class::Object, None)?;
    let controller = vm.heap.alloc(
        Class::Web(WebKind::StreamController),
        Some(vm.realm.stream_controller_proto),
    )?;
    vm.heap.obj_mut(controller).elems = vec![Value::Obj(o)];
    let mut slots = vec![Value::Undefined; SLOTS];
    slots[STATE] = Value::Num(READABLE);
    slots[QUEUE] = Value::Obj(queue);
    slots[QUEUE_TOTAL] = Value::Num(0.0);
    slots[CONTROLLER] = Value::Obj(controller);
    slots[DISTURBED] = Value::Bool(false);
    slots[SOURCE] = source;
    slots[PULL] = pull;
    slots[CANCEL] = cancel;
    slots[HIGH_WATER_MARK] = Value::Num(high_water_mark);
    slots[SIZE] = size;
    slots[FLAGS] = Value::Num(0.0);
    vm.heap.obj_mut(o).elems = slots;
    vm.streams += 1;
    let started = match start {
        Value::Undefined => Value::Undefined,
        f => vm.call_function(f, source, &[Value::Obj(controller)])?,
    };
    let promise = Value::Obj(vm.realm.promise);
    let p = vm.promise_resolve(promise, started)?;
    let n = vm.realm.stream_natives;
    let on_f = vm.native_with(n.start_fulfilled, &[Value::Obj(o)])?;
    let on_r = vm.native_with(n.start_rejected, &[Value::Obj(o)])?;
    let Value::Obj(p) = p else {
        unreachable!("PromiseResolve gives a promise")
    };
    vm.perform_then(p, Value::Obj(on_f), Value::Obj(on_r), [Value::Undefined; 3])
}

/// A new stream that gives `chunks`, then closes: a whole body read as a
/// stream (`response.body`).
pub(crate) fn new_closed_with(vm: &mut Vm, chunks: &[Value]) -> Result<ObjId, Interrupt> {
    let o = vm.heap.alloc(
        Class::Web(WebKind::ReadableStream),
        Some(vm.realm.stream_proto),
    )?;
    let u = Value::Undefined;
    setup(vm, o, u, u, u, u, 0.0, u)?;
    for &c in chunks {
        enqueue(vm, o, c)?;
    }
    request_close(vm, o)?;
    Ok(o)
}

/// A request body streamed from the host as the script reads it
/// (`Vm::request_body`): each read waits for the connection's next chunk.
pub fn request_body_stream(vm: &mut Vm) -> Result<Value, Interrupt> {
    let o = vm.heap.alloc(
        Class::Web(WebKind::ReadableStream),
        Some(vm.realm.stream_proto),
    )?;
    let pull = vm.native_with(vm.realm.stream_natives.body_pull, &[])?;
    let u = Value::Undefined;
    setup(vm, o, u, u, Value::Obj(pull), u, 0.0, u)?;
    set_flag(vm, o, HOST_SOURCE, true);
    Ok(Value::Obj(o))
}

/// The error a request body's read rejects with when the body was cut
/// short: a `TypeError` carrying the host's `code`.
pub fn request_body_error(vm: &mut Vm, e: &crate::io::BodyError) -> Value {
    let v = vm.make_error(ErrorKind::TypeError, &e.message);
    if let Value::Obj(o) = v {
        let code = vm.heap.intern("code");
        if let Ok(s) = vm.heap.alloc_str(e.code) {
            let _ = vm.define_own(o, code, s);
        }
    }
    v
}

/// A whole body as a closed stream of one `Uint8Array` (none when empty).
pub fn whole_body_stream(vm: &mut Vm, bytes: &[u8]) -> Result<Value, Interrupt> {
    let chunks = match bytes.is_empty() {
        true => Vec::new(),
        false => vec![vm.new_uint8_array(bytes)?],
    };
    Ok(Value::Obj(new_closed_with(vm, &chunks)?))
}

/// `ReadableStream.from(asyncIterable)`: a stream that pulls from the
/// iterable's (async) iterator.
fn from(vm: &mut Vm, _: Value, a: Args) -> Result<Value, Interrupt> {
    let it = vm.get_async_iterator(arg(vm, a, 0))?;
    let o = vm.heap.alloc(
        Class::Web(WebKind::ReadableStream),
        Some(vm.realm.stream_proto),
    )?;
    let n = vm.realm.stream_natives;
    let pull = vm.native_with(n.from_pull, &[])?;
    let cancel = vm.native_with(n.from_cancel, &[])?;
    let u = Value::Undefined;
    setup(vm, o, it, u, Value::Obj(pull), Value::Obj(cancel), 0.0, u)?;
    Ok(Value::Obj(o))
}

/// `from`'s pull (`this` is the iterator): `next()`, then `from_step`.
fn from_pull(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let controller = arg(vm, a, 0);
    let k = vm.heap.intern("next");
    let next = vm.get_field(this, k)?;
    let r = vm.call_function(next, this, &[])?;
    let promise = Value::Obj(vm.realm.promise);
    let Value::Obj(p) = vm.promise_resolve(promise, r)? else {
        unreachable!("PromiseResolve gives a promise")
    };
    let step = vm.native_with(vm.realm.stream_natives.from_step, &[controller])?;
    let out = vm.new_promise(vm.realm.promise_proto)?;
    let (resolve, reject) = vm.resolving_functions(out)?;
    vm.perform_then(
        p,
        Value::Obj(step),
        Value::Undefined,
        [Value::Obj(out), resolve, reject],
    )?;
    Ok(Value::Obj(out))
}

/// What `from`'s pull does with an iterator result: closes the stream at
/// its end, else enqueues its value.
fn from_step(vm: &mut Vm, _: Value, a: Args) -> Result<Value, Interrupt> {
    let f = vm.callee_data(a);
    let controller = vm.heap.obj(f).elems[0];
    let result = arg(vm, a, 0);
    if !matches!(result, Value::Obj(_)) {
        return Err(vm.type_error("The iterator's next() gave a value that is not an object"));
    }
    let s = controller_stream(vm, controller)?;
    let (dk, vk) = (vm.heap.intern("done"), vm.heap.intern("value"));
    let done = vm.get_field(result, dk)?;
    if vm.truthy(done) {
        request_close(vm, s)?;
    } else {
        let v = vm.get_field(result, vk)?;
        enqueue(vm, s, v)?;
    }
    Ok(Value::Undefined)
}

/// `values({ preventCancel })` and `[Symbol.asyncIterator]`.
fn values(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let s = this_web(vm, this, WebKind::ReadableStream, "ReadableStream.values")?;
    let options = arg(vm, a, 0);
    let prevent_cancel = match options {
        Value::Obj(_) => {
            let k = vm.heap.intern("preventCancel");
            let v = vm.get_field(options, k)?;
            vm.truthy(v)
        }
        _ => false,
    };
    let reader = stream_reader::acquire(vm, s)?;
    stream_reader::new_iterator(vm, reader, prevent_cancel)
}

/// `this` of a controller's method: its stream.
fn controller_stream(vm: &Vm, this: Value) -> Result<ObjId, Interrupt> {
    let c = this_web(
        vm,
        this,
        WebKind::StreamController,
        "a ReadableStreamDefaultController method",
    )?;
    match vm.heap.obj(c).elems[0] {
        Value::Obj(s) => Ok(s),
        _ => unreachable!("a controller holds its stream"),
    }
}

pub(super) fn is_locked(vm: &Vm, s: ObjId) -> bool {
    !matches!(vm.heap.obj(s).elems[READER], Value::Undefined)
}

fn state(vm: &Vm, s: ObjId) -> f64 {
    match vm.heap.obj(s).elems[STATE] {
        Value::Num(n) => n,
        _ => READABLE,
    }
}

pub(super) fn is_readable(vm: &Vm, s: ObjId) -> bool {
    state(vm, s) == READABLE
}

pub(super) fn is_closed(vm: &Vm, s: ObjId) -> bool {
    state(vm, s) == CLOSED
}

/// The error a stream failed with, when it did.
pub(super) fn stored_error(vm: &Vm, s: ObjId) -> Option<Value> {
    (state(vm, s) == ERRORED).then(|| vm.heap.obj(s).elems[STORED_ERROR])
}

pub(super) fn flag(vm: &Vm, s: ObjId, bit: u32) -> bool {
    match vm.heap.obj(s).elems[FLAGS] {
        Value::Num(n) => (n as u32) & bit != 0,
        _ => false,
    }
}

pub(super) fn set_flag(vm: &mut Vm, s: ObjId, bit: u32, on: bool) {
    let now = match vm.heap.obj(s).elems[FLAGS] {
        Value::Num(n) => n as u32,
        _ => 0,
    };
    let next = if on { now | bit } else { now & !bit };
    vm.heap.obj_mut(s).elems[FLAGS] = Value::Num(next as f64);
}

pub(super) fn mark_disturbed(vm: &mut Vm, s: ObjId) {
    vm.heap.obj_mut(s).elems[DISTURBED] = Value::Bool(true);
}

pub(super) fn is_disturbed(vm: &Vm, s: ObjId) -> bool {
    matches!(vm.heap.obj(s).elems[DISTURBED], Value::Bool(true))
}

/// The stream's reader object, when a script's reader holds it.
pub(super) fn reader_of(vm: &Vm, s: ObjId) -> Option<ObjId> {
    match vm.heap.obj(s).elems[READER] {
        Value::Obj(r) => Some(r),
        _ => None,
    }
}

pub(super) fn set_reader(vm: &mut Vm, s: ObjId, reader: Value) {
    vm.heap.obj_mut(s).elems[READER] = reader;
}

fn queue(vm: &Vm, s: ObjId) -> ObjId {
    match vm.heap.obj(s).elems[QUEUE] {
        Value::Obj(q) => q,
        _ => unreachable!("a stream has a queue"),
    }
}

pub(super) fn queue_is_empty(vm: &Vm, s: ObjId) -> bool {
    vm.heap.obj(queue(vm, s)).elems.is_empty()
}

/// Takes the queue's first chunk, closing a stream whose close was
/// asked for once the queue is empty, else pulling for more.
pub(super) fn dequeue(vm: &mut Vm, s: ObjId) -> Result<Option<Value>, Interrupt> {
    let q = queue(vm, s);
    let elems = &mut vm.heap.obj_mut(q).elems;
    if elems.is_empty() {
        return Ok(None);
    }
    let size = match elems[1] {
        Value::Num(n) => n,
        _ => 0.0,
    };
    let chunk = elems[0];
    elems.drain(0..2);
    let total = match vm.heap.obj(s).elems[QUEUE_TOTAL] {
        Value::Num(n) => (n - size).max(0.0),
        _ => 0.0,
    };
    vm.heap.obj_mut(s).elems[QUEUE_TOTAL] = Value::Num(total);
    if flag(vm, s, CLOSE_REQUESTED) && queue_is_empty(vm, s) {
        close(vm, s)?;
    } else {
        call_pull_if_needed(vm, s)?;
    }
    Ok(Some(chunk))
}

/// `desiredSize`: null once errored, 0 once closed.
fn desired_size(vm: &Vm, s: ObjId) -> Option<f64> {
    match state(vm, s) {
        ERRORED => None,
        CLOSED => Some(0.0),
        _ => {
            let e = &vm.heap.obj(s).elems;
            match (e[HIGH_WATER_MARK], e[QUEUE_TOTAL]) {
                (Value::Num(h), Value::Num(t)) => Some(h - t),
                _ => Some(0.0),
            }
        }
    }
}

fn can_close_or_enqueue(vm: &Vm, s: ObjId) -> bool {
    is_readable(vm, s) && !flag(vm, s, CLOSE_REQUESTED)
}

/// `ReadableStreamDefaultControllerEnqueue`: to a waiting read, else
/// onto the queue (measured by the strategy's `size`).
pub(super) fn enqueue(vm: &mut Vm, s: ObjId, chunk: Value) -> Result<(), Interrupt> {
    if !can_close_or_enqueue(vm, s) {
        return Err(vm.type_error("Invalid state: the stream is closed or closing"));
    }
    if let Some(reader) = reader_of(vm, s)
        && stream_reader::fulfill_read(vm, reader, chunk, false)?
    {
        return call_pull_if_needed(vm, s);
    }
    let size = match vm.heap.obj(s).elems[SIZE] {
        Value::Undefined => 1.0,
        f => {
            let r = vm.call_function(f, Value::Undefined, &[chunk]);
            let measured = match r {
                Ok(v) => vm.to_number(v),
                Err(e) => Err(e),
            };
            match vm.catching(measured) {
                Ok(n) if n.is_finite() && n >= 0.0 => n,
                Ok(_) => {
                    let e = vm.make_error(
                        ErrorKind::RangeError,
                        "The strategy's size must give a finite number of at least 0",
                    );
                    error(vm, s, e)?;
                    return Err(Interrupt::Throw(e));
                }
                Err(Interrupt::Throw(e)) => {
                    error(vm, s, e)?;
                    return Err(Interrupt::Throw(e));
                }
                Err(e) => return Err(e),
            }
        }
    };
    let q = queue(vm, s);
    vm.heap.charge(2 * crate::heap::SLOT_COST)?;
    vm.heap
        .obj_mut(q)
        .elems
        .extend_from_slice(&[chunk, Value::Num(size)]);
    let total = match vm.heap.obj(s).elems[QUEUE_TOTAL] {
        Value::Num(n) => n + size,
        _ => size,
    };
    vm.heap.obj_mut(s).elems[QUEUE_TOTAL] = Value::Num(total);
    call_pull_if_needed(vm, s)
}

/// `controller.close()`: closes now when nothing is queued, else once
/// the queue is read.
fn request_close(vm: &mut Vm, s: ObjId) -> Result<(), Interrupt> {
    set_flag(vm, s, CLOSE_REQUESTED, true);
    if queue_is_empty(vm, s) {
        close(vm, s)?;
    }
    Ok(())
}

/// `ReadableStreamClose`: the reader's pending reads end (`done`), its
/// `closed` resolves.
fn close(vm: &mut Vm, s: ObjId) -> Result<(), Interrupt> {
    if !is_readable(vm, s) {
        return Ok(());
    }
    vm.heap.obj_mut(s).elems[STATE] = Value::Num(CLOSED);
    clear_algorithms(vm, s);
    if let Some(reader) = reader_of(vm, s) {
        stream_reader::on_close(vm, reader)?;
    }
    Ok(())
}

/// `ReadableStreamError`: the queue is dropped, the reader's pending
/// reads and `closed` reject with `e`.
pub(super) fn error(vm: &mut Vm, s: ObjId, e: Value) -> Result<(), Interrupt> {
    if !is_readable(vm, s) {
        return Ok(());
    }
    let q = queue(vm, s);
    vm.heap.obj_mut(q).elems.clear();
    let slots = &mut vm.heap.obj_mut(s).elems;
    slots[QUEUE_TOTAL] = Value::Num(0.0);
    slots[STATE] = Value::Num(ERRORED);
    slots[STORED_ERROR] = e;
    clear_algorithms(vm, s);
    if let Some(reader) = reader_of(vm, s) {
        stream_reader::on_error(vm, reader, e)?;
    }
    Ok(())
}

fn clear_algorithms(vm: &mut Vm, s: ObjId) {
    let slots = &mut vm.heap.obj_mut(s).elems;
    slots[PULL] = Value::Undefined;
    slots[SIZE] = Value::Undefined;
}

/// `ReadableStreamCancel`: the stream closes (its queue dropped) and the
/// source's `cancel(reason)` is called; a promise of its end.
pub(super) fn cancel(vm: &mut Vm, s: ObjId, reason: Value) -> Result<Value, Interrupt> {
    mark_disturbed(vm, s);
    if let Some(e) = stored_error(vm, s) {
        return Err(Interrupt::Throw(e));
    }
    if is_closed(vm, s) {
        return Ok(Value::Undefined);
    }
    let q = queue(vm, s);
    vm.heap.obj_mut(q).elems.clear();
    vm.heap.obj_mut(s).elems[QUEUE_TOTAL] = Value::Num(0.0);
    close(vm, s)?;
    let (source, cancel) = {
        let e = &vm.heap.obj(s).elems;
        (e[SOURCE], e[CANCEL])
    };
    vm.heap.obj_mut(s).elems[CANCEL] = Value::Undefined;
    match cancel {
        Value::Undefined => Ok(Value::Undefined),
        f => vm.call_function(f, source, &[reason]),
    }
}

/// A promise of `p`'s end that gives undefined (`cancel()`'s).
fn flatten(vm: &mut Vm, p: Value) -> Result<Value, Interrupt> {
    let Value::Obj(p) = p else { return Ok(p) };
    let out = vm.new_promise(vm.realm.promise_proto)?;
    let (resolve, reject) = vm.resolving_functions(out)?;
    let thunk = vm.native_with(vm.realm.promise_natives.value_thunk, &[Value::Undefined])?;
    vm.perform_then(
        p,
        Value::Obj(thunk),
        Value::Undefined,
        [Value::Obj(out), resolve, reject],
    )?;
    Ok(Value::Obj(out))
}

/// A promise of `cancel(s, reason)`'s end, giving undefined.
pub(super) fn cancel_promise(vm: &mut Vm, s: ObjId, reason: Value) -> Result<Value, Interrupt> {
    let r = cancel(vm, s, reason);
    let p = super::promise_of(vm, r)?;
    flatten(vm, p)
}

/// Whether a read is waiting: the script's reader's, or the host's
/// while nothing is queued for it (a chunk queued answers it, as a chunk
/// enqueued fulfils a script's read).
fn has_pending_read(vm: &Vm, s: ObjId) -> bool {
    match vm.heap.obj(s).elems[READER] {
        Value::Obj(r) => stream_reader::pending_reads(vm, r) > 0,
        Value::Bool(true) => flag(vm, s, HOST_WAITING) && queue_is_empty(vm, s),
        _ => false,
    }
}

/// `ReadableStreamDefaultControllerCallPullIfNeeded`: the source's
/// `pull(controller)` in a job, once at a time, when a read waits or the
/// queue is below its high-water mark.
pub(super) fn call_pull_if_needed(vm: &mut Vm, s: ObjId) -> Result<(), Interrupt> {
    if !can_close_or_enqueue(vm, s) || !flag(vm, s, STARTED) {
        return Ok(());
    }
    if !has_pending_read(vm, s) && !desired_size(vm, s).is_some_and(|d| d > 0.0) {
        return Ok(());
    }
    if flag(vm, s, PULLING) {
        set_flag(vm, s, PULL_AGAIN, true);
        return Ok(());
    }
    let (source, pull, controller) = {
        let e = &vm.heap.obj(s).elems;
        (e[SOURCE], e[PULL], e[CONTROLLER])
    };
    if matches!(pull, Value::Undefined) {
        return Ok(());
    }
    set_flag(vm, s, PULLING, true);
    let p = vm.new_promise(vm.realm.promise_proto)?;
    vm.queue_method_call(pull, source, controller, p)?;
    let n = vm.realm.stream_natives;
    let on_f = vm.native_with(n.pull_fulfilled, &[Value::Obj(s)])?;
    let on_r = vm.native_with(n.pull_rejected, &[Value::Obj(s)])?;
    vm.perform_then(p, Value::Obj(on_f), Value::Obj(on_r), [Value::Undefined; 3])
}

/// The bytes of a stream that is closing with every chunk still queued
/// (a whole body made a stream), `None` for one still to be read.
pub(super) fn queued_bytes(vm: &Vm, s: ObjId) -> Option<Vec<u8>> {
    let closing = is_readable(vm, s) && flag(vm, s, CLOSE_REQUESTED);
    let untouched_end = is_closed(vm, s) && !is_disturbed(vm, s);
    if !closing && !untouched_end || is_locked(vm, s) {
        return None;
    }
    let mut out = Vec::new();
    for (i, &c) in vm.heap.obj(queue(vm, s)).elems.iter().enumerate() {
        if i % 2 == 0 {
            out.extend_from_slice(&chunk_bytes(vm, c)?);
        }
    }
    Some(out)
}

/// A chunk's (or a whole body's) bytes: a buffer source's, or a string's
/// UTF-8 (for a stream's chunk, a convenience the standard does not give,
/// docs/LANGUAGE.md).
pub(crate) fn chunk_bytes(vm: &Vm, chunk: Value) -> Option<Vec<u8>> {
    match vm.heap.str(chunk) {
        Some(s) => Some(s.as_bytes().to_vec()),
        None => vm.buffer_source_bytes(chunk),
    }
}

/// Whether `v` is a stream.
pub fn as_stream(vm: &Vm, v: Value) -> Option<ObjId> {
    match v {
        Value::Obj(o) if vm.heap.obj(o).class == Class::Web(WebKind::ReadableStream) => Some(o),
        _ => None,
    }
}

/// A settled promise (`read()`'s on a closed or errored stream).
pub(super) fn settled(vm: &mut Vm, state: PromiseState, v: Value) -> Result<Value, Interrupt> {
    let p = vm.new_promise(vm.realm.promise_proto)?;
    vm.settle(p, state, v)?;
    Ok(Value::Obj(p))
}
