//! `ReadableStreamDefaultReader` (`read`, `releaseLock`, `cancel`,
//! `closed`) and the async iterator `values()` and `for await` use. A
//! reader's pending reads are promises, fulfilled in order as chunks are
//! enqueued (stream.rs).

use super::stream::{self, as_stream};
use super::{new_proto, new_web_object, this_web};
use crate::builtins::{arg, constructor, getter, method, string_tag};
use crate::error::{ErrorKind, Interrupt};
use crate::heap::{Class, WebKind};
use crate::promise::PromiseState;
use crate::state::Vm;
use crate::value::{ObjId, Value};

// A reader's slots.
const STREAM: usize = 0;
/// An internal object whose elements are the pending reads' promises.
const REQUESTS: usize = 1;
const CLOSED: usize = 2;

// An iterator's slots.
const READER: usize = 0;
const PREVENT_CANCEL: usize = 1;

pub fn install(vm: &mut Vm) {
    let object_proto = vm.realm.object_proto;
    let proto = new_proto(vm, object_proto);
    vm.realm.stream_reader_proto = proto;
    constructor(
        vm,
        "ReadableStreamDefaultReader",
        1,
        |vm, this, a| {
            let Some(s) = as_stream(vm, arg(vm, a, 0)) else {
                return Err(vm.type_error(
                    "ReadableStreamDefaultReader: the argument is not a ReadableStream",
                ));
            };
            let o = new_web_object(
                vm,
                this,
                WebKind::StreamReader,
                "ReadableStreamDefaultReader",
            )?;
            init(vm, o, s)?;
            Ok(Value::Obj(o))
        },
        proto,
    );
    method(vm, proto, "read", 0, |vm, this, _| {
        let r = this_web(
            vm,
            this,
            WebKind::StreamReader,
            "ReadableStreamDefaultReader.read",
        )?;
        read(vm, r)
    });
    method(vm, proto, "releaseLock", 0, |vm, this, _| {
        let r = this_web(
            vm,
            this,
            WebKind::StreamReader,
            "ReadableStreamDefaultReader.releaseLock",
        )?;
        release(vm, r)?;
        Ok(Value::Undefined)
    });
    method(vm, proto, "cancel", 1, |vm, this, a| {
        let r = this_web(
            vm,
            this,
            WebKind::StreamReader,
            "ReadableStreamDefaultReader.cancel",
        )?;
        match stream_of(vm, r) {
            Some(s) => stream::cancel_promise(vm, s, arg(vm, a, 0)),
            None => released(vm),
        }
    });
    getter(vm, proto, "get closed", |vm, this, _| {
        let r = this_web(
            vm,
            this,
            WebKind::StreamReader,
            "ReadableStreamDefaultReader.closed",
        )?;
        Ok(vm.heap.obj(r).elems[CLOSED])
    });
    string_tag(vm, proto, "ReadableStreamDefaultReader");

    // %ReadableStreamAsyncIteratorPrototype%, under %AsyncIteratorPrototype%.
    let async_iterator_proto = vm.heap.obj(vm.realm.async_from_sync_proto).proto;
    let iterator_proto = vm
        .heap
        .alloc(Class::Object, async_iterator_proto)
        .expect("the realm is made within its budget");
    vm.realm.stream_iterator_proto = iterator_proto;
    method(vm, iterator_proto, "next", 0, |vm, this, _| {
        let it = this_web(
            vm,
            this,
            WebKind::StreamIterator,
            "the stream iterator's next",
        )?;
        let Value::Obj(r) = vm.heap.obj(it).elems[READER] else {
            unreachable!("an iterator holds its reader")
        };
        match stream_of(vm, r) {
            Some(_) => read(vm, r),
            None => {
                let done = vm.iter_result(Value::Undefined, true)?;
                stream::settled(vm, PromiseState::Fulfilled, done)
            }
        }
    });
    method(vm, iterator_proto, "return", 1, |vm, this, a| {
        let it = this_web(
            vm,
            this,
            WebKind::StreamIterator,
            "the stream iterator's return",
        )?;
        let (reader, prevent_cancel) = {
            let e = &vm.heap.obj(it).elems;
            (e[READER], e[PREVENT_CANCEL])
        };
        let Value::Obj(r) = reader else {
            unreachable!("an iterator holds its reader")
        };
        let value = arg(vm, a, 0);
        if let Some(s) = stream_of(vm, r) {
            if !vm.truthy(prevent_cancel) {
                // Its end is the source's business; the loop has ended.
                stream::cancel_promise(vm, s, value)?;
            }
            release(vm, r)?;
        }
        let done = vm.iter_result(value, true)?;
        stream::settled(vm, PromiseState::Fulfilled, done)
    });
    string_tag(vm, iterator_proto, "ReadableStream AsyncIterator");
}

/// A new reader holding `s`, or a TypeError when it is locked.
pub(super) fn acquire(vm: &mut Vm, s: ObjId) -> Result<ObjId, Interrupt> {
    let o = vm.heap.alloc(
        Class::Web(WebKind::StreamReader),
        Some(vm.realm.stream_reader_proto),
    )?;
    init(vm, o, s)?;
    Ok(o)
}

fn init(vm: &mut Vm, o: ObjId, s: ObjId) -> Result<(), Interrupt> {
    if stream::is_locked(vm, s) {
        return Err(vm.type_error("ReadableStream is locked: it already has a reader"));
    }
    let requests = vm.heap.alloc(Class::Object, None)?;
    let closed = vm.new_promise(vm.realm.promise_proto)?;
    vm.heap.obj_mut(o).elems = vec![Value::Obj(s), Value::Obj(requests), Value::Obj(closed)];
    if stream::is_closed(vm, s) {
        vm.settle(closed, PromiseState::Fulfilled, Value::Undefined)?;
    } else if let Some(e) = stream::stored_error(vm, s) {
        reject_handled(vm, closed, e)?;
    }
    stream::set_reader(vm, s, Value::Obj(o));
    Ok(())
}

/// An iterator reading through `reader` (`values()`).
pub(super) fn new_iterator(
    vm: &mut Vm,
    reader: ObjId,
    prevent_cancel: bool,
) -> Result<Value, Interrupt> {
    let it = vm.heap.alloc(
        Class::Web(WebKind::StreamIterator),
        Some(vm.realm.stream_iterator_proto),
    )?;
    vm.heap.obj_mut(it).elems = vec![Value::Obj(reader), Value::Bool(prevent_cancel)];
    Ok(Value::Obj(it))
}

fn stream_of(vm: &Vm, r: ObjId) -> Option<ObjId> {
    match vm.heap.obj(r).elems[STREAM] {
        Value::Obj(s) => Some(s),
        _ => None,
    }
}

fn requests(vm: &Vm, r: ObjId) -> ObjId {
    match vm.heap.obj(r).elems[REQUESTS] {
        Value::Obj(q) => q,
        _ => unreachable!("a reader has its list of reads"),
    }
}

pub(super) fn pending_reads(vm: &Vm, r: ObjId) -> usize {
    vm.heap.obj(requests(vm, r)).elems.len()
}

/// A promise rejected with the TypeError of a released reader.
fn released(vm: &mut Vm) -> Result<Value, Interrupt> {
    let e = vm.make_error(
        ErrorKind::TypeError,
        "This reader has been released from its stream",
    );
    stream::settled(vm, PromiseState::Rejected, e)
}

/// `read()`: a promise of `{ value, done }`.
pub(super) fn read(vm: &mut Vm, r: ObjId) -> Result<Value, Interrupt> {
    let Some(s) = stream_of(vm, r) else {
        return released(vm);
    };
    stream::mark_disturbed(vm, s);
    if stream::is_closed(vm, s) {
        let done = vm.iter_result(Value::Undefined, true)?;
        return stream::settled(vm, PromiseState::Fulfilled, done);
    }
    if let Some(e) = stream::stored_error(vm, s) {
        return stream::settled(vm, PromiseState::Rejected, e);
    }
    if let Some(chunk) = stream::dequeue(vm, s)? {
        let result = vm.iter_result(chunk, false)?;
        return stream::settled(vm, PromiseState::Fulfilled, result);
    }
    let p = vm.new_promise(vm.realm.promise_proto)?;
    let q = requests(vm, r);
    vm.heap.charge(crate::heap::SLOT_COST)?;
    vm.heap.obj_mut(q).elems.push(Value::Obj(p));
    stream::call_pull_if_needed(vm, s)?;
    Ok(Value::Obj(p))
}

/// Fulfils the first pending read with `{ chunk, done }`; false when none
/// waits.
pub(super) fn fulfill_read(
    vm: &mut Vm,
    r: ObjId,
    chunk: Value,
    done: bool,
) -> Result<bool, Interrupt> {
    let q = requests(vm, r);
    if vm.heap.obj(q).elems.is_empty() {
        return Ok(false);
    }
    let Value::Obj(p) = vm.heap.obj_mut(q).elems.remove(0) else {
        unreachable!("a read is a promise")
    };
    let result = vm.iter_result(chunk, done)?;
    vm.settle(p, PromiseState::Fulfilled, result)?;
    Ok(true)
}

/// The stream closed: every pending read ends, `closed` resolves.
pub(super) fn on_close(vm: &mut Vm, r: ObjId) -> Result<(), Interrupt> {
    while fulfill_read(vm, r, Value::Undefined, true)? {}
    if let Value::Obj(closed) = vm.heap.obj(r).elems[CLOSED] {
        vm.settle(closed, PromiseState::Fulfilled, Value::Undefined)?;
    }
    Ok(())
}

/// The stream failed with `e`: every pending read and `closed` reject.
pub(super) fn on_error(vm: &mut Vm, r: ObjId, e: Value) -> Result<(), Interrupt> {
    reject_reads(vm, r, e)?;
    if let Value::Obj(closed) = vm.heap.obj(r).elems[CLOSED] {
        reject_handled(vm, closed, e)?;
    }
    Ok(())
}

fn reject_reads(vm: &mut Vm, r: ObjId, e: Value) -> Result<(), Interrupt> {
    let q = requests(vm, r);
    let reads = std::mem::take(&mut vm.heap.obj_mut(q).elems);
    for p in reads {
        if let Value::Obj(p) = p {
            vm.settle(p, PromiseState::Rejected, e)?;
        }
    }
    Ok(())
}

/// Rejects `p` without reporting it unhandled (`closed` is observed only
/// by those who ask).
fn reject_handled(vm: &mut Vm, p: ObjId, e: Value) -> Result<(), Interrupt> {
    vm.settle(p, PromiseState::Rejected, e)?;
    vm.unhandled.retain(|&q| q != p);
    Ok(())
}

/// `releaseLock()`: pending reads and `closed` reject with a TypeError,
/// the stream is free for another reader.
fn release(vm: &mut Vm, r: ObjId) -> Result<(), Interrupt> {
    let Some(s) = stream_of(vm, r) else {
        return Ok(());
    };
    let e = vm.make_error(
        ErrorKind::TypeError,
        "This reader has been released from its stream",
    );
    reject_reads(vm, r, e)?;
    let closed = match vm.heap.obj(r).elems[CLOSED] {
        Value::Obj(p) if vm.heap.obj(p).class == Class::Promise(PromiseState::Pending) => p,
        _ => {
            let p = vm.new_promise(vm.realm.promise_proto)?;
            vm.heap.obj_mut(r).elems[CLOSED] = Value::Obj(p);
            p
        }
    };
    reject_handled(vm, closed, e)?;
    stream::set_reader(vm, s, Value::Undefined);
    vm.heap.obj_mut(r).elems[STREAM] = Value::Undefined;
    Ok(())
}
