//! `Response` (the Fetch Standard): what a handler may return and what
//! `fetch` gives. `new Response(body, { status, statusText, headers })`,
//! `Response.json(data, init)`, `Response.redirect(url, status)`,
//! `Response.error()`, its getters, `clone()` and the Body methods
//! (body.rs).

use super::body::{self, HEADERS, USED};
use super::headers::{headers_from, new_headers};
use super::{new_proto, new_web_object, this_web, to_rust_string};
use crate::builtins::{arg, constructor, getter, method, string_tag};
use crate::error::{ErrorKind, Interrupt};
use crate::heap::{Class, WebKind};
use crate::state::{Args, Vm};
use crate::value::{ObjId, Value};

const STATUS: usize = 0;
const STATUS_TEXT: usize = 1;
/// "basic", "default", "error"…
const TYPE: usize = 5;
const URL: usize = 6;
const REDIRECTED: usize = 7;
const SLOTS: usize = 8;

pub fn install(vm: &mut Vm) {
    let object_proto = vm.realm.object_proto;
    let proto = new_proto(vm, object_proto);
    let ctor = constructor(vm, "Response", 0, response_constructor, proto);
    method(vm, ctor, "json", 1, response_json);
    method(vm, ctor, "redirect", 1, redirect);
    method(vm, ctor, "error", 0, |vm, _, _| {
        let r = new_response(vm, 0, "", &[], Value::Null, true)?;
        if let Value::Obj(o) = r {
            vm.heap.obj_mut(o).elems[TYPE] = Value::Atom(vm.heap.intern("error"));
        }
        Ok(r)
    });
    getter(vm, proto, "get status", |vm, this, _| {
        slot(vm, this, STATUS)
    });
    getter(vm, proto, "get statusText", |vm, this, _| {
        slot(vm, this, STATUS_TEXT)
    });
    getter(vm, proto, "get headers", |vm, this, _| {
        slot(vm, this, HEADERS)
    });
    getter(vm, proto, "get type", |vm, this, _| slot(vm, this, TYPE));
    getter(vm, proto, "get url", |vm, this, _| slot(vm, this, URL));
    getter(vm, proto, "get redirected", |vm, this, _| {
        slot(vm, this, REDIRECTED)
    });
    getter(vm, proto, "get ok", |vm, this, _| {
        let status = slot(vm, this, STATUS)?;
        Ok(Value::Bool(
            matches!(status, Value::Num(n) if (200.0..300.0).contains(&n)),
        ))
    });
    method(vm, proto, "clone", 0, clone);
    body::install(vm, proto);
    string_tag(vm, proto, "Response");
    vm.realm.web_response_proto = proto;
}

fn slot(vm: &mut Vm, this: Value, i: usize) -> Result<Value, Interrupt> {
    let o = this_web(vm, this, WebKind::Response, "a Response getter")?;
    Ok(vm.heap.obj(o).elems[i])
}

/// A new `Response` (the gateway's and `fetch`'s), read-only headers
/// when `immutable`.
pub fn new_response(
    vm: &mut Vm,
    status: u16,
    status_text: &str,
    headers: &[(String, String)],
    body: Value,
    immutable: bool,
) -> Result<Value, Interrupt> {
    let o = vm.heap.alloc(
        Class::Web(WebKind::Response),
        Some(vm.realm.web_response_proto),
    )?;
    vm.heap.obj_mut(o).elems = vec![Value::Undefined; SLOTS];
    let h = new_headers(vm, headers, immutable)?;
    store(vm, o, status, status_text, h, body)?;
    Ok(Value::Obj(o))
}

/// `new Response(body, init)`.
fn response_constructor(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let (body, init) = (arg(vm, a, 0), arg(vm, a, 1));
    let o = new_web_object(vm, this, WebKind::Response, "Response")?;
    vm.heap.obj_mut(o).elems = vec![Value::Undefined; SLOTS];
    initialize(vm, o, body, init, None)?;
    Ok(Value::Obj(o))
}

/// "Initialize a response": the init's status, status text and headers,
/// then the body with its implied `Content-Type` (or `content_type`).
fn initialize(
    vm: &mut Vm,
    o: ObjId,
    body: Value,
    init: Value,
    content_type: Option<&'static str>,
) -> Result<(), Interrupt> {
    let field = |vm: &mut Vm, name: &str| -> Result<Value, Interrupt> {
        match init {
            Value::Obj(_) => {
                let k = vm.heap.intern(name);
                vm.get_field(init, k)
            }
            Value::Undefined | Value::Null => Ok(Value::Undefined),
            _ => Err(vm.type_error("The response's init must be an object")),
        }
    };
    let status = match field(vm, "status")? {
        Value::Undefined => 200.0,
        v => vm.to_number(v)?,
    };
    if !(200.0..=599.0).contains(&status) || status.fract() != 0.0 {
        return Err(Interrupt::error(
            ErrorKind::RangeError,
            format!("The status provided ({status}) is outside the range [200, 599]"),
        ));
    }
    let status_text = match field(vm, "statusText")? {
        Value::Undefined => String::new(),
        v => to_rust_string(vm, v)?,
    };
    if status_text.contains(['\r', '\n']) {
        return Err(vm.type_error("Invalid statusText"));
    }
    let init_headers = field(vm, "headers")?;
    let headers = headers_from(vm, init_headers)?;
    let null_body = matches!(status as u16, 101 | 103 | 204 | 205 | 304);
    let (body, implied) = body::extract(vm, body)?;
    if null_body && !matches!(body, Value::Null) {
        return Err(vm.type_error(format!(
            "Response with null body status ({status}) cannot have body"
        )));
    }
    if let (Some(ct), Value::Obj(h)) = (content_type.map(String::from).or(implied), headers) {
        let mut list = super::headers::header_list(vm, h);
        if !list.iter().any(|(n, _)| n == "content-type") {
            list.push(("content-type".into(), ct));
            let replaced = new_headers(vm, &list, false)?;
            return store(vm, o, status as u16, &status_text, replaced, body);
        }
    }
    store(vm, o, status as u16, &status_text, headers, body)
}

fn store(
    vm: &mut Vm,
    o: ObjId,
    status: u16,
    text: &str,
    headers: Value,
    body: Value,
) -> Result<(), Interrupt> {
    let text = vm.heap.alloc_str(text)?;
    let default = Value::Atom(vm.heap.intern("default"));
    let empty = Value::Atom(vm.atoms.empty);
    vm.heap.obj_mut(o).elems = vec![
        Value::Num(status as f64),
        text,
        headers,
        body,
        Value::Bool(false),
        default,
        empty,
        Value::Bool(false),
    ];
    Ok(())
}

/// `Response.json(data, init)`: the data as JSON text, `application/json`.
fn response_json(vm: &mut Vm, _: Value, a: Args) -> Result<Value, Interrupt> {
    let (data, init) = (arg(vm, a, 0), arg(vm, a, 1));
    let mut out = Vec::new();
    vm.write_json(data, &crate::json::Format::COMPACT, &mut out)?;
    let text = String::from_utf8(out).unwrap_or_default();
    let body = vm.heap.alloc_str(&text)?;
    let o = vm.heap.alloc(
        Class::Web(WebKind::Response),
        Some(vm.realm.web_response_proto),
    )?;
    vm.heap.obj_mut(o).elems = vec![Value::Undefined; SLOTS];
    initialize(vm, o, body, init, Some("application/json"))?;
    Ok(Value::Obj(o))
}

/// `Response.redirect(url, status = 302)`: a `Location` to the URL
/// (made absolute; a relative one has no base here, so it is an error).
fn redirect(vm: &mut Vm, _: Value, a: Args) -> Result<Value, Interrupt> {
    let target = to_rust_string(vm, arg(vm, a, 0))?;
    let url = url::Url::parse(&target)
        .map_err(|e| vm.type_error(format!("Invalid URL for Response.redirect: {e}")))?;
    let status = match arg(vm, a, 1) {
        Value::Undefined => 302.0,
        v => vm.to_number(v)?,
    };
    if ![301.0, 302.0, 303.0, 307.0, 308.0].contains(&status) {
        return Err(Interrupt::error(
            ErrorKind::RangeError,
            format!(
                "Invalid status code {status} for Response.redirect (301, 302, 303, 307 or 308)"
            ),
        ));
    }
    let headers = [("location".to_string(), url.as_str().to_string())];
    new_response(vm, status as u16, "", &headers, Value::Null, true)
}

fn clone(vm: &mut Vm, this: Value, _: Args) -> Result<Value, Interrupt> {
    let o = this_web(vm, this, WebKind::Response, "Response.prototype.clone")?;
    let mut elems = vm.heap.obj(o).elems.clone();
    if vm.truthy(elems[USED]) {
        return Err(vm.type_error("Response.clone: Body has already been consumed"));
    }
    if super::stream::as_stream(vm, elems[body::BODY]).is_some() {
        // A stream whose chunks are all queued is copied as bytes; `tee`
        // is not there yet (docs/LANGUAGE.md).
        let Some(bytes) = body::body_bytes(vm, o) else {
            return Err(vm.type_error(
                "Response.clone: a body that is a stream still open cannot be cloned yet",
            ));
        };
        let view = vm.new_uint8_array(&bytes)?;
        let Value::Obj(view) = view else {
            unreachable!("a new view is an object")
        };
        elems[body::BODY] = Value::Obj(vm.view_parts(view).0);
    }
    let Value::Obj(h) = elems[HEADERS] else {
        unreachable!("a Response keeps its headers")
    };
    let list = super::headers::header_list(vm, h);
    let headers = new_headers(vm, &list, false)?;
    let c = vm.heap.alloc(
        Class::Web(WebKind::Response),
        Some(vm.realm.web_response_proto),
    )?;
    let mut copy = elems;
    copy[HEADERS] = headers;
    // Bodies are whole values here, never consumed by being read, so the
    // two share one.
    vm.heap.obj_mut(c).elems = copy;
    Ok(Value::Obj(c))
}

/// The body of `Response` `v` when it is a stream still to be read.
pub(crate) fn stream_body(vm: &Vm, v: Value) -> Option<ObjId> {
    let Value::Obj(o) = v else { return None };
    if vm.heap.obj(o).class != Class::Web(WebKind::Response) {
        return None;
    }
    let s = super::stream::as_stream(vm, vm.heap.obj(o).elems[body::BODY])?;
    body::body_bytes(vm, o).is_none().then_some(s)
}

/// What the gateway writes for a `Response` a handler returned: status,
/// headers and body (`None` when the body is a stream the gateway
/// reads, `Vm::stream_answer`); `None` when `v` is not a `Response`.
///
/// The check is inlined where it is called (most values a handler returns
/// are not a `Response`); the parts are read out of line.
#[allow(clippy::type_complexity)]
#[inline(always)]
pub fn response_parts(vm: &Vm, v: Value) -> Option<(u16, Vec<(String, String)>, Option<Vec<u8>>)> {
    let Value::Obj(o) = v else { return None };
    if vm.heap.obj(o).class != Class::Web(WebKind::Response) {
        return None;
    }
    parts_of(vm, o)
}

#[allow(clippy::type_complexity)]
#[inline(never)]
fn parts_of(vm: &Vm, o: ObjId) -> Option<(u16, Vec<(String, String)>, Option<Vec<u8>>)> {
    let elems = &vm.heap.obj(o).elems;
    let status = match elems[STATUS] {
        Value::Num(n) => n as u16,
        _ => 500,
    };
    let Value::Obj(h) = elems[HEADERS] else {
        return None;
    };
    Some((
        status,
        super::headers::header_list(vm, h),
        body::body_bytes(vm, o),
    ))
}
