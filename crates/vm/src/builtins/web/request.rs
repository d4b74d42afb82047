//! `Request` (the Fetch Standard): what `fetch` takes and what a Workers
//! handler gets. `new Request(input, { method, headers, body, redirect,
//! signal })`, its getters, `clone()` and the Body methods (body.rs).

use super::body::{self, BODY, HEADERS, USED};
use super::headers::{header_list, headers_from, new_headers};
use super::{new_proto, new_web_object, this_web, to_rust_string};
use crate::builtins::{arg, constructor, getter, method, string_tag};
use crate::error::Interrupt;
use crate::heap::{Class, WebKind};
use crate::state::{Args, Vm};
use crate::value::{ObjId, Value};

const METHOD: usize = 0;
const URL: usize = 1;
const REDIRECT: usize = 5;
const SIGNAL: usize = 6;
const SLOTS: usize = 7;

pub fn install(vm: &mut Vm) {
    let object_proto = vm.realm.object_proto;
    let proto = new_proto(vm, object_proto);
    constructor(vm, "Request", 1, request_constructor, proto);
    getter(vm, proto, "get method", |vm, this, _| {
        slot(vm, this, METHOD)
    });
    getter(vm, proto, "get url", |vm, this, _| slot(vm, this, URL));
    getter(vm, proto, "get headers", |vm, this, _| {
        slot(vm, this, HEADERS)
    });
    getter(vm, proto, "get redirect", |vm, this, _| {
        slot(vm, this, REDIRECT)
    });
    getter(vm, proto, "get signal", |vm, this, _| {
        slot(vm, this, SIGNAL)
    });
    method(vm, proto, "clone", 0, clone);
    body::install(vm, proto);
    string_tag(vm, proto, "Request");
    vm.realm.request_proto = proto;
}

fn slot(vm: &mut Vm, this: Value, i: usize) -> Result<Value, Interrupt> {
    let o = this_web(vm, this, WebKind::Request, "a Request getter")?;
    Ok(vm.heap.obj(o).elems[i])
}

/// What a `Request` holds, as the HTTP client and the gateway use it.
pub struct RequestParts {
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<Vec<u8>>,
    pub signal: Value,
}

/// A new `Request` (the gateway's, for a Workers handler): headers
/// read-only, the body as bytes.
pub fn new_request(
    vm: &mut Vm,
    method: &str,
    url: &str,
    headers: &[(String, String)],
    body: Option<&[u8]>,
) -> Result<Value, Interrupt> {
    let o = vm
        .heap
        .alloc(Class::Web(WebKind::Request), Some(vm.realm.request_proto))?;
    let headers = new_headers(vm, headers, true)?;
    let body = match body {
        Some(b) => {
            let view = vm.new_uint8_array(b)?;
            body::extract(vm, view)?.0
        }
        None => Value::Null,
    };
    store(vm, o, method, url, headers, body, Value::Null)?;
    Ok(Value::Obj(o))
}

fn store(
    vm: &mut Vm,
    o: ObjId,
    method: &str,
    url: &str,
    headers: Value,
    body: Value,
    signal: Value,
) -> Result<(), Interrupt> {
    let (m, u) = (vm.heap.alloc_str(method)?, vm.heap.alloc_str(url)?);
    let follow = Value::Atom(vm.heap.intern("follow"));
    vm.heap.obj_mut(o).elems = vec![m, u, headers, body, Value::Bool(false), follow, signal];
    debug_assert_eq!(vm.heap.obj(o).elems.len(), SLOTS);
    Ok(())
}

fn request_constructor(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let (input, init) = (arg(vm, a, 0), arg(vm, a, 1));
    let o = new_web_object(vm, this, WebKind::Request, "Request")?;
    let parts = request_parts(vm, input, init)?;
    let headers = new_headers(vm, &parts.headers, false)?;
    let body = match parts.body {
        Some(b) => {
            let view = vm.new_uint8_array(&b)?;
            body::extract(vm, view)?.0
        }
        None => Value::Null,
    };
    store(
        vm,
        o,
        &parts.method,
        &parts.url,
        headers,
        body,
        parts.signal,
    )?;
    if let Value::Obj(_) = init {
        let redirect = vm.heap.intern("redirect");
        match vm.get_field(init, redirect)? {
            Value::Undefined => {}
            v => {
                let mode = to_rust_string(vm, v)?;
                if !matches!(mode.as_str(), "follow" | "error" | "manual") {
                    return Err(vm.type_error(format!("Invalid redirect mode: {mode}")));
                }
                let mode = Value::Atom(vm.heap.intern(&mode));
                vm.heap.obj_mut(o).elems[REDIRECT] = mode;
            }
        }
    }
    Ok(Value::Obj(o))
}

/// `input` (a URL or a `Request`) and `init` (`method`, `headers`,
/// `body`, `signal`) as a request, checked as the constructor checks
/// them: `fetch` and `new Request` share it.
pub fn request_parts(vm: &mut Vm, input: Value, init: Value) -> Result<RequestParts, Interrupt> {
    let mut parts = match input {
        Value::Obj(o) if vm.heap.obj(o).class == Class::Web(WebKind::Request) => {
            let elems = vm.heap.obj(o).elems.clone();
            if vm.truthy(elems[USED]) {
                return Err(
                    vm.type_error("Cannot construct a Request with a Request whose body was read")
                );
            }
            let Value::Obj(h) = elems[HEADERS] else {
                unreachable!("a Request keeps its headers")
            };
            RequestParts {
                method: vm.heap.str(elems[METHOD]).unwrap_or("GET").to_string(),
                url: vm.heap.str(elems[URL]).unwrap_or("").to_string(),
                headers: header_list(vm, h),
                body: match elems[BODY] {
                    Value::Null => None,
                    _ => Some(whole_body(vm, o)?),
                },
                signal: elems[SIGNAL],
            }
        }
        _ => {
            let text = to_rust_string(vm, input)?;
            let url = url::Url::parse(&text)
                .map_err(|e| vm.type_error(format!("Invalid URL: {text} ({e})")))?;
            if !url.username().is_empty() || url.password().is_some() {
                return Err(vm.type_error(
                    "Request cannot be constructed from a URL that includes credentials",
                ));
            }
            RequestParts {
                method: "GET".into(),
                url: url.as_str().to_string(),
                headers: Vec::new(),
                body: None,
                signal: Value::Null,
            }
        }
    };
    if let Value::Obj(_) = init {
        let field = |vm: &mut Vm, name: &str| {
            let k = vm.heap.intern(name);
            vm.get_field(init, k)
        };
        if let v @ (Value::Atom(_) | Value::Str(_) | Value::Obj(_)) = field(vm, "method")? {
            let m = to_rust_string(vm, v)?;
            parts.method = normalize_method(vm, &m)?;
        }
        let headers = field(vm, "headers")?;
        if !matches!(headers, Value::Undefined) {
            let h = headers_from(vm, headers)?;
            let Value::Obj(h) = h else {
                unreachable!("headers_from makes an object")
            };
            parts.headers = header_list(vm, h);
        }
        let signal = field(vm, "signal")?;
        if !matches!(signal, Value::Undefined) {
            parts.signal = signal;
        }
        let body = field(vm, "body")?;
        if !body.is_nullish() {
            let (b, implied) = body::extract(vm, body)?;
            let bytes = match super::stream::as_stream(vm, b) {
                Some(s) => match super::stream::queued_bytes(vm, s) {
                    Some(bytes) => bytes,
                    None => return Err(unfinished_stream(vm)),
                },
                None => super::stream::chunk_bytes(vm, b).unwrap_or_default(),
            };
            if let Some(ct) = implied {
                if !parts.headers.iter().any(|(n, _)| n == "content-type") {
                    parts.headers.push(("content-type".into(), ct));
                }
            }
            parts.body = Some(bytes);
        }
    }
    if parts.body.is_some() && matches!(parts.method.as_str(), "GET" | "HEAD") {
        return Err(vm.type_error("Request with GET/HEAD method cannot have body."));
    }
    Ok(parts)
}

/// Makes `stream` the body of `request` (a body the gateway streams to
/// the script).
pub fn set_body_stream(vm: &mut Vm, request: Value, stream: Value) {
    if let Value::Obj(o) = request
        && vm.heap.obj(o).class == Class::Web(WebKind::Request)
    {
        vm.heap.obj_mut(o).elems[BODY] = stream;
    }
}

/// A request's body whole; a stream still to be read is refused.
fn whole_body(vm: &mut Vm, o: ObjId) -> Result<Vec<u8>, Interrupt> {
    body::body_bytes(vm, o).ok_or_else(|| unfinished_stream(vm))
}

fn unfinished_stream(vm: &Vm) -> Interrupt {
    vm.type_error(
        "A request's body may be a ReadableStream only once it is closed with all its chunks queued: streaming a body to an upstream is not supported yet",
    )
}

/// A method checked as a token, the standard ones uppercased; CONNECT,
/// TRACE and TRACK are forbidden.
fn normalize_method(vm: &mut Vm, m: &str) -> Result<String, Interrupt> {
    let token = |c: u8| c.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&c);
    if m.is_empty() || !m.bytes().all(token) {
        return Err(vm.type_error(format!("'{m}' is not a valid HTTP method")));
    }
    let upper = m.to_ascii_uppercase();
    if matches!(upper.as_str(), "CONNECT" | "TRACE" | "TRACK") {
        return Err(vm.type_error(format!("'{m}' HTTP method is unsupported")));
    }
    Ok(match upper.as_str() {
        "DELETE" | "GET" | "HEAD" | "OPTIONS" | "POST" | "PUT" => upper,
        _ => m.to_string(),
    })
}

fn clone(vm: &mut Vm, this: Value, _: Args) -> Result<Value, Interrupt> {
    let o = this_web(vm, this, WebKind::Request, "Request.prototype.clone")?;
    let mut copy = vm.heap.obj(o).elems.clone();
    if vm.truthy(copy[USED]) {
        return Err(vm.type_error("Request.clone: Body has already been consumed"));
    }
    let Value::Obj(h) = copy[HEADERS] else {
        unreachable!("a Request keeps its headers")
    };
    let list = header_list(vm, h);
    copy[HEADERS] = new_headers(vm, &list, false)?;
    let c = vm
        .heap
        .alloc(Class::Web(WebKind::Request), Some(vm.realm.request_proto))?;
    vm.heap.obj_mut(c).elems = copy;
    Ok(Value::Obj(c))
}
