//! The web platform's globals that handlers written for Workers, Deno or
//! Node expect beside the language: `DOMException`, `queueMicrotask`,
//! the encoders (`TextEncoder`, `TextDecoder`), `atob` / `btoa`, `URL`,
//! `URLSearchParams`, `Blob`, `File`, `FormData`, `ReadableStream` and
//! the timers. Each
//! family has its own file; its objects are `Class::Web`.

mod abort;
pub mod answer_stream;
mod base64;
pub mod blob;
mod body;
mod body_stream;
mod crypto;
mod encoding;
pub mod fetch;
pub mod form_data;
pub mod headers;
pub mod multipart;
mod pairs;
pub mod request;
pub mod response;
mod search_params;
pub mod stream;
mod stream_reader;
mod timers;
mod url;
pub mod workers;

use super::{arg, constructor, method};
use crate::error::{ErrorKind, Interrupt};
use crate::heap::{Class, WebKind};
use crate::state::{Args, Vm};
use crate::value::{ObjId, Value};

pub fn install(vm: &mut Vm) {
    install_dom_exception(vm);
    let g = vm.realm.global;
    method(vm, g, "queueMicrotask", 1, queue_microtask);
    encoding::install(vm);
    base64::install(vm);
    url::install(vm);
    search_params::install(vm);
    timers::install(vm);
    headers::install(vm);
    request::install(vm);
    response::install(vm);
    fetch::install(vm);
    workers::install(vm);
    crypto::install(vm);
    abort::install(vm);
    blob::install(vm);
    form_data::install(vm);
    stream::install(vm);
    stream_reader::install(vm);
}

/// `queueMicrotask(callback)`: `callback()` as a job, after the jobs
/// queued before it.
fn queue_microtask(vm: &mut Vm, _: Value, a: Args) -> Result<Value, Interrupt> {
    let f = arg(vm, a, 0);
    if !vm.is_callable(f) {
        return Err(
            vm.type_error("The \"callback\" argument must be of type function (queueMicrotask)")
        );
    }
    vm.queue_call_with(f, Value::Undefined);
    Ok(Value::Undefined)
}

fn install_dom_exception(vm: &mut Vm) {
    let error_proto = vm.realm.error_protos[ErrorKind::Error as usize];
    let proto = vm
        .heap
        .alloc(Class::Object, Some(error_proto))
        .expect("the realm is made within its budget");
    vm.realm.dom_exception_proto = proto;
    constructor(vm, "DOMException", 0, dom_exception_constructor, proto);
    let name = Value::Atom(vm.heap.intern("Error"));
    super::set(vm, proto, "name", name);
}

/// `new DOMException(message, name)`.
fn dom_exception_constructor(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    if !vm.constructing {
        return Err(vm.type_error("Constructor DOMException requires 'new'"));
    }
    let message = match arg(vm, a, 0) {
        Value::Undefined => String::new(),
        v => to_rust_string(vm, v)?,
    };
    let name = match arg(vm, a, 1) {
        Value::Undefined => "Error".to_string(),
        v => to_rust_string(vm, v)?,
    };
    let e = dom_exception(vm, &name, &message);
    if let (Value::Obj(o), Value::Obj(t)) = (e, this) {
        // A subclass's prototype, as `new` made it.
        let proto = vm.heap.obj(t).proto;
        vm.heap.obj_mut(o).proto = proto;
    }
    Ok(e)
}

/// A `DOMException` named `name` (`InvalidCharacterError`,
/// `AbortError`…), with the trace of where it is made.
pub(crate) fn dom_exception(vm: &mut Vm, name: &str, message: &str) -> Value {
    let trace = vm.trace();
    let proto = vm.realm.dom_exception_proto;
    let e = vm.build_error(proto, name, message, &trace);
    if let Value::Obj(o) = e {
        let key = vm.heap.intern("name");
        let name = vm.heap.intern(name);
        vm.heap
            .obj_mut(o)
            .push_prop(key, Value::Atom(name), crate::attrs::METHOD);
    }
    e
}

/// The object `new` made for a web-platform constructor, made a `kind`:
/// the constructor's first step, while `Vm::constructing` still says how
/// it was called (converting an argument calls, and changes it).
fn new_web_object(vm: &mut Vm, this: Value, kind: WebKind, name: &str) -> Result<ObjId, Interrupt> {
    match this {
        Value::Obj(o) if vm.constructing && vm.heap.obj(o).class == Class::Object => {
            vm.heap.obj_mut(o).class = Class::Web(kind);
            Ok(o)
        }
        _ => Err(vm.type_error(format!("Constructor {name} requires 'new'"))),
    }
}

/// `this` when it is a `kind` object, else the TypeError of calling
/// `what` on something else.
fn this_web(vm: &Vm, this: Value, kind: WebKind, what: &str) -> Result<ObjId, Interrupt> {
    match this {
        Value::Obj(o) if vm.heap.obj(o).class == Class::Web(kind) => Ok(o),
        _ => Err(vm.type_error(format!(
            "Illegal invocation: {what} called on another object"
        ))),
    }
}

/// A promise of what `r` gave: its value, or its exception (the way the
/// web platform's methods report a problem). Interrupts other than an
/// exception (the budget's) go on.
fn promise_of(vm: &mut Vm, r: Result<Value, Interrupt>) -> Result<Value, Interrupt> {
    let p = vm.new_promise(vm.realm.promise_proto)?;
    match vm.catching(r) {
        Ok(v) => vm.settle(p, crate::promise::PromiseState::Fulfilled, v)?,
        Err(Interrupt::Throw(e)) => vm.settle(p, crate::promise::PromiseState::Rejected, e)?,
        Err(e) => return Err(e),
    }
    Ok(Value::Obj(p))
}

/// A new prototype object for a web-platform constructor.
fn new_proto(vm: &mut Vm, parent: ObjId) -> ObjId {
    vm.heap
        .alloc(Class::Object, Some(parent))
        .expect("the realm is made within its budget")
}

/// `ToString(v)` as Rust text.
fn to_rust_string(vm: &mut Vm, v: Value) -> Result<String, Interrupt> {
    let mut s = String::new();
    vm.write_string(v, &mut s)?;
    Ok(s)
}
