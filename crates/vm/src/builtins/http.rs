//! `http()`: the HTTP client scripts see. `http().get(url, { headers,
//! timeout })`, `.post(url, body, opts)`, `.put`, `.patch`, `.delete` wait
//! for the response and return `{ status, ok, headers, body }` with
//! `json()` and `text()`. Object bodies are sent as JSON.

use super::{arg, method, plain};
use crate::error::{ErrorKind, Interrupt};
use crate::heap::Class;
use crate::io::PendingOp;
use crate::io::http::{DEFAULT_TIMEOUT, Failure, Request, Response};
use crate::json::Format;
use crate::state::{Args, Vm};
use crate::value::Value;

pub fn install(vm: &mut Vm) {
    let client = plain(vm, Some(vm.realm.object_proto));
    let response = plain(vm, Some(vm.realm.object_proto));
    vm.realm.http_proto = client;
    vm.realm.response_proto = response;
    let g = vm.realm.global;
    method(vm, g, "http", 0, http);
    method(vm, client, "get", 2, send::<0>);
    method(vm, client, "delete", 2, send::<1>);
    method(vm, client, "post", 3, send::<2>);
    method(vm, client, "put", 3, send::<3>);
    method(vm, client, "patch", 3, send::<4>);
    method(vm, response, "json", 0, json);
    method(vm, response, "text", 0, text);
}

fn http(vm: &mut Vm, _: Value, _: Args) -> Result<Value, Interrupt> {
    let proto = vm.realm.http_proto;
    Ok(Value::Obj(vm.heap.alloc(Class::Object, Some(proto))?))
}

fn string_arg(vm: &mut Vm, v: Value, what: &str) -> Result<String, Interrupt> {
    match vm.heap.str(v) {
        Some(s) => Ok(s.to_string()),
        None => Err(vm.type_error(format!("{what} must be a string"))),
    }
}

/// `get(url, opts)` / `delete(url, opts)`; `post/put/patch(url, body, opts)`.
fn send<const M: u8>(vm: &mut Vm, _: Value, a: Args) -> Result<Value, Interrupt> {
    let (name, has_body) = match M {
        0 => ("GET", false),
        1 => ("DELETE", false),
        2 => ("POST", true),
        3 => ("PUT", true),
        _ => ("PATCH", true),
    };
    let url = string_arg(vm, arg(vm, a, 0), "the URL")?;
    let (body, opts) = if has_body {
        (arg(vm, a, 1), arg(vm, a, 2))
    } else {
        (Value::Undefined, arg(vm, a, 1))
    };
    let mut req = Request {
        method: name.to_string(),
        url,
        headers: Vec::new(),
        body: None,
        timeout: DEFAULT_TIMEOUT,
        max_bytes: vm.heap.limit.saturating_sub(vm.heap.used),
    };
    if let Value::Obj(o) = opts {
        let headers = vm.heap.intern("headers");
        if let Some(Value::Obj(h)) = vm.get_own(o, headers) {
            for (k, v) in vm.heap.obj(h).props.clone() {
                let key = vm.heap.atom_str(k).to_string();
                let mut value = String::new();
                vm.write_string(v, &mut value)?;
                req.headers.push((key, value));
            }
        }
        let timeout = vm.heap.intern("timeout");
        if let Some(t) = vm.get_own(o, timeout) {
            let ms = vm.to_number(t)?;
            if !(ms > 0.0) {
                return Err(Interrupt::error(
                    ErrorKind::RangeError,
                    "timeout must be a number of milliseconds > 0",
                ));
            }
            req.timeout = crate::io::wait_ms(ms);
        }
    }
    let has_type = req
        .headers
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("content-type"));
    match body {
        Value::Undefined | Value::Null => {}
        Value::Obj(_) => {
            let mut out = Vec::new();
            vm.write_json(body, &Format::COMPACT, &mut out)?;
            req.body = Some(out.into());
            if !has_type {
                req.headers
                    .push(("content-type".into(), "application/json".into()));
            }
        }
        _ => {
            let mut s = String::new();
            vm.write_string(body, &mut s)?;
            req.body = Some(s.into_bytes().into());
            if !has_type {
                req.headers
                    .push(("content-type".into(), "text/plain; charset=utf-8".into()));
            }
        }
    }
    Err(Interrupt::Suspend(PendingOp::Http(Box::new(req))))
}

/// The script's view of a response.
pub fn response_value(vm: &mut Vm, r: Response) -> Result<Value, Interrupt> {
    let proto = vm.realm.response_proto;
    let o = vm.heap.alloc(Class::Object, Some(proto))?;
    let headers = vm.new_object()?;
    for (k, v) in &r.headers {
        let key = vm.heap.intern(k);
        // Repeated headers are joined, as fetch() does.
        let value = match vm
            .get_own(headers, key)
            .and_then(|old| vm.heap.str(old).map(str::to_string))
        {
            Some(old) => vm.heap.alloc_str_parts(&[&old, ", ", v])?,
            None => vm.heap.alloc_str(v)?,
        };
        vm.define_own(headers, key, value)?;
    }
    let body = vm.heap.alloc_str(&String::from_utf8_lossy(&r.body))?;
    let fields = [
        ("status", Value::Num(r.status as f64)),
        ("ok", Value::Bool((200..300).contains(&r.status))),
        ("headers", Value::Obj(headers)),
        ("body", body),
    ];
    for (name, v) in fields {
        let k = vm.heap.intern(name);
        vm.define_own(o, k, v)?;
    }
    Ok(Value::Obj(o))
}

/// The Error thrown when a request fails: its message and `code`
/// (`ECONNREFUSED`, `ETIMEDOUT`, `ETLS`…).
pub fn failure_value(vm: &mut Vm, f: &Failure) -> Value {
    let v = vm.make_error(ErrorKind::Error, &f.message);
    if let Value::Obj(o) = v {
        let code = vm.heap.intern("code");
        if let Ok(s) = vm.heap.alloc_str(f.code) {
            let _ = vm.define_own(o, code, s);
        }
    }
    v
}

fn body_of(vm: &mut Vm, this: Value) -> Result<Value, Interrupt> {
    let key = vm.heap.intern("body");
    match this {
        Value::Obj(o) => Ok(vm.get_own(o, key).unwrap_or(Value::Undefined)),
        _ => Err(vm.type_error("json() must be called on an http() response")),
    }
}

fn json(vm: &mut Vm, this: Value, _: Args) -> Result<Value, Interrupt> {
    let body = body_of(vm, this)?;
    let text = vm.heap.str(body).unwrap_or("").to_string();
    vm.parse_json(&text)
}

fn text(vm: &mut Vm, this: Value, _: Args) -> Result<Value, Interrupt> {
    body_of(vm, this)
}
