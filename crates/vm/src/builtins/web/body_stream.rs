//! A body that is a `ReadableStream`: `body` (a whole body made a stream
//! of one chunk) and the Body methods reading a stream whole before they
//! convert it (`text()`, `json()`…), chunk by chunk through a reader.

use super::body::{BODY, Read, USED, read_now};
use super::stream::{self, as_stream};
use super::stream_reader;
use crate::builtins::arg;
use crate::error::Interrupt;
use crate::state::{Args, Vm};
use crate::value::{ObjId, Value};

// `collect_step`'s data.
const READER: usize = 0;
const CHUNKS: usize = 1;
const RESOLVE: usize = 2;
const REJECT: usize = 3;
const HOW: usize = 4;
const OWNER: usize = 5;

/// `body`: null without one; a whole body becomes a stream of one chunk
/// (kept, so `body` is the same stream each time).
pub(super) fn body_stream(vm: &mut Vm, o: ObjId) -> Result<Value, Interrupt> {
    let body = vm.heap.obj(o).elems[BODY];
    if matches!(body, Value::Null) || as_stream(vm, body).is_some() {
        return Ok(body);
    }
    // A body read already is a stream read already.
    let s = match vm.truthy(vm.heap.obj(o).elems[USED]) {
        true => {
            let s = stream::new_closed_with(vm, &[])?;
            stream::mark_disturbed(vm, s);
            Value::Obj(s)
        }
        false => {
            let bytes = stream::chunk_bytes(vm, body).unwrap_or_default();
            stream::whole_body_stream(vm, &bytes)?
        }
    };
    vm.heap.obj_mut(o).elems[BODY] = s;
    Ok(s)
}

/// A promise of a stream body read whole and converted as `how` says.
pub(super) fn read_whole(vm: &mut Vm, o: ObjId, how: Read) -> Result<Value, Interrupt> {
    let Some(s) = as_stream(vm, vm.heap.obj(o).elems[BODY]) else {
        unreachable!("read_whole reads a stream body")
    };
    if stream::is_locked(vm, s) || stream::is_disturbed(vm, s) {
        return Err(vm.type_error("Body is unusable: Body has already been read"));
    }
    let reader = stream_reader::acquire(vm, s)?;
    let out = vm.new_promise(vm.realm.promise_proto)?;
    let (resolve, reject) = vm.resolving_functions(out)?;
    let chunks = vm.heap.alloc(crate::heap::Class::Object, None)?;
    let data = [
        Value::Obj(reader),
        Value::Obj(chunks),
        resolve,
        reject,
        Value::Num(how as u8 as f64),
        Value::Obj(o),
    ];
    let step = vm.native_with(vm.realm.stream_natives.collect_step, &data)?;
    next_read(vm, reader, step, reject)?;
    Ok(Value::Obj(out))
}

/// Reads the next chunk, `step` taking it.
fn next_read(vm: &mut Vm, reader: ObjId, step: ObjId, reject: Value) -> Result<(), Interrupt> {
    let Value::Obj(p) = stream_reader::read(vm, reader)? else {
        unreachable!("read() gives a promise")
    };
    vm.perform_then(p, Value::Obj(step), reject, [Value::Undefined; 3])
}

/// One read's result while reading a body whole: a chunk is kept and the
/// next read made; the end converts the bytes and settles the promise.
pub(super) fn collect_step(vm: &mut Vm, _: Value, a: Args) -> Result<Value, Interrupt> {
    let step = vm.callee_data(a);
    let data: Vec<Value> = vm.heap.obj(step).elems.clone();
    let (Value::Obj(reader), Value::Obj(chunks), Value::Obj(owner)) =
        (data[READER], data[CHUNKS], data[OWNER])
    else {
        unreachable!("collect_step's data is as read_whole made it")
    };
    let (resolve, reject) = (data[RESOLVE], data[REJECT]);
    let result = arg(vm, a, 0);
    let (dk, vk) = (vm.heap.intern("done"), vm.heap.intern("value"));
    let done = vm.get_field(result, dk)?;
    if !vm.truthy(done) {
        let chunk = vm.get_field(result, vk)?;
        if vm.buffer_source_bytes(chunk).is_none() {
            let e = vm.make_error(
                crate::error::ErrorKind::TypeError,
                "A body's stream gave a chunk that is not a Uint8Array",
            );
            stream::cancel(vm, stream_of_owner(vm, owner), e).ok();
            return vm.call_function(reject, Value::Undefined, &[e]);
        }
        vm.heap.charge(crate::heap::SLOT_COST)?;
        vm.heap.obj_mut(chunks).elems.push(chunk);
        next_read(vm, reader, step, reject)?;
        return Ok(Value::Undefined);
    }
    let mut bytes = Vec::new();
    let parts = std::mem::take(&mut vm.heap.obj_mut(chunks).elems);
    for c in parts {
        bytes.extend_from_slice(&vm.buffer_source_bytes(c).unwrap_or_default());
    }
    let buffer = vm.new_uint8_array(&bytes)?;
    let Value::Obj(view) = buffer else {
        unreachable!("a new view is an object")
    };
    let whole = Value::Obj(vm.view_parts(view).0);
    let elems = &mut vm.heap.obj_mut(owner).elems;
    elems[BODY] = whole;
    elems[USED] = Value::Bool(false);
    let how = match data[HOW] {
        Value::Num(n) => Read::ALL[n as usize],
        _ => Read::Text,
    };
    let converted = read_now(vm, owner, how);
    match vm.catching(converted) {
        Ok(v) => vm.call_function(resolve, Value::Undefined, &[v]),
        Err(Interrupt::Throw(e)) => vm.call_function(reject, Value::Undefined, &[e]),
        Err(e) => Err(e),
    }
}

fn stream_of_owner(vm: &Vm, owner: ObjId) -> ObjId {
    match as_stream(vm, vm.heap.obj(owner).elems[BODY]) {
        Some(s) => s,
        None => unreachable!("a body read as a stream is one"),
    }
}
