//! The request as scripts read it: `params`, `query`, `header`, `body`,
//! `payload` and the `req` object.

use super::form::{Pairs, parse_form_into};
use super::host::{Host, string_arg, with_host};
use vm::builtins::arg;
use vm::error::{ErrorKind, Interrupt};
use vm::state::{Args, Vm};
use vm::value::Value;

/// `params()`/`query()`/`header()`: one value by name, or all as an object.
pub(crate) fn lookup(
    vm: &mut Vm,
    a: Args,
    pick: fn(&mut Host) -> &Pairs,
) -> Result<Value, Interrupt> {
    let key = arg(vm, a, 0);
    if matches!(key, Value::Undefined) {
        return with_host(vm, |vm, h| pairs_object(vm, pick(h).as_slice()))?;
    }
    // A string key is read in place, so a lookup allocates only its result.
    let key = if key.is_string() {
        key
    } else {
        vm.to_string_value(key)?
    };
    with_host(vm, |vm, h| {
        let found = pick(h).get(vm.heap.str(key).unwrap_or(""));
        match found {
            Some(v) => Ok(vm.heap.alloc_str(v)?),
            None => Ok(Value::Undefined),
        }
    })?
}

/// Every value of a name, in order (`query.all`; `header.all`, whose
/// names are stored lower-cased and so compared without case).
pub(crate) fn lookup_all(
    vm: &mut Vm,
    a: Args,
    pick: fn(&mut Host) -> &Pairs,
    fold_case: bool,
) -> Result<Value, Interrupt> {
    let mut name = String::new();
    vm.write_string(arg(vm, a, 0), &mut name)?;
    if fold_case {
        name.make_ascii_lowercase();
    }
    let values: Vec<String> = with_host(vm, |_, h| {
        pick(h)
            .as_slice()
            .iter()
            .filter(|(k, _)| *k == name)
            .map(|(_, v)| v.clone())
            .collect()
    })?;
    let mut items = Vec::with_capacity(values.len());
    for v in &values {
        items.push(vm.heap.alloc_str(v)?);
    }
    vm.new_array(&items)
}

/// The pairs as an object; a name given twice keeps its first value (the
/// rule `query(name)` follows).
pub(crate) fn pairs_object(vm: &mut Vm, pairs: &[(String, String)]) -> Result<Value, Interrupt> {
    let o = vm.new_object()?;
    for (k, v) in pairs {
        let key = vm.heap.intern(k);
        if vm.get_own(o, key).is_some() {
            continue;
        }
        let val = vm.heap.alloc_str(v)?;
        vm.define_own(o, key, val)?;
    }
    Ok(Value::Obj(o))
}

/// `header(name)` reads a request header; `header(name, value)` sets a response header.
pub(crate) fn header(vm: &mut Vm, _: Value, a: Args) -> Result<Value, Interrupt> {
    match (arg(vm, a, 0), arg(vm, a, 1)) {
        (Value::Undefined, _) => lookup(vm, a, |h| h.request.headers()),
        (key, Value::Undefined) => {
            // Names are stored lower-cased; compare without allocating.
            let key = if key.is_string() {
                key
            } else {
                vm.to_string_value(key)?
            };
            with_host(vm, |vm, h| {
                let name = vm.heap.str(key).unwrap_or("");
                let found = h
                    .request
                    .headers()
                    .as_slice()
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(name))
                    .map(|(_, v)| v.as_str());
                match found {
                    Some(v) => Ok(vm.heap.alloc_str(v)?),
                    None => Ok(Value::Undefined),
                }
            })?
        }
        _ => {
            let (name, value) = (string_arg(vm, a, 0)?, string_arg(vm, a, 1)?);
            let added = with_host(vm, |_, h| h.response.add_header(name, value))?;
            added.map_err(|e| vm.type_error(e))?;
            Ok(Value::Undefined)
        }
    }
}

/// The `code` of the error `payload()` throws for a body it cannot parse;
/// uncaught, the request is answered 400 with its message.
pub const BAD_REQUEST_BODY: &str = "BAD_REQUEST_BODY";

/// A parse error as a thrown SyntaxError carrying `BAD_REQUEST_BODY`.
pub(crate) fn bad_body(vm: &mut Vm, e: Interrupt) -> Interrupt {
    let Interrupt::Error(boxed) = e else { return e };
    bad_request_body(vm, boxed.0, &format!("is not valid JSON: {}", boxed.1))
}

/// An error of kind `kind`, "the request body `what`", carrying
/// `BAD_REQUEST_BODY`.
fn bad_request_body(vm: &mut Vm, kind: ErrorKind, what: &str) -> Interrupt {
    let error = vm.make_error(kind, &format!("the request body {what}"));
    if let Value::Obj(o) = error {
        let code = vm.heap.intern("code");
        if let Ok(s) = vm.heap.alloc_str(BAD_REQUEST_BODY) {
            let _ = vm.define_own(o, code, s);
        }
    }
    Interrupt::Throw(error)
}

/// `payload()`: the body as values — JSON parsed, form fields as an
/// object (a multipart form's files as `File`s), anything else as a
/// string.
pub(crate) fn payload(vm: &mut Vm, _: Value, _: Args) -> Result<Value, Interrupt> {
    streamed_body_error(vm)?;
    let (content_type, body) = with_host(vm, |_, h| {
        let ct = h.request.headers().get("content-type").map(str::to_string);
        (ct, String::from_utf8_lossy(&h.request.body).into_owned())
    })?;
    let content_type = content_type.unwrap_or_default();
    let ct = content_type.to_ascii_lowercase();
    if body.is_empty() {
        return Ok(Value::Obj(vm.new_object()?));
    }
    if ct.contains("json") || (ct.is_empty() && body.trim_start().starts_with(['{', '['])) {
        // A body that is not JSON is the client's error: uncaught, a 400.
        return vm.parse_json(&body).map_err(|e| bad_body(vm, e));
    }
    if ct.contains("x-www-form-urlencoded") {
        let mut pairs = Pairs::default();
        parse_form_into(&body, &mut pairs);
        return pairs_object(vm, pairs.as_slice());
    }
    if ct.starts_with("multipart/form-data") {
        return multipart_object(vm, &content_type);
    }
    Ok(vm.heap.alloc_str(&body)?)
}

/// A `multipart/form-data` body's fields as an object: text as strings,
/// files as `File`s (a name given twice: its first value).
fn multipart_object(vm: &mut Vm, content_type: &str) -> Result<Value, Interrupt> {
    use vm::builtins::web::{form_data::part_value, multipart};
    let not_valid = |vm: &mut Vm, e: &str| {
        bad_request_body(
            vm,
            ErrorKind::SyntaxError,
            &format!("is not valid multipart/form-data: {e}"),
        )
    };
    let Some(boundary) = multipart::boundary_of(content_type) else {
        return Err(not_valid(vm, "its Content-Type has no boundary"));
    };
    let raw = with_host(vm, |_, h| h.request.body.to_vec())?;
    let parts = multipart::parse(&raw, &boundary).map_err(|e| not_valid(vm, &e))?;
    let o = vm.new_object()?;
    let now = semantics::date::now_ms();
    for part in parts {
        let (name, value) = part_value(vm, part, now)?;
        let key = vm.heap.intern(&name);
        if vm.get_own(o, key).is_none() {
            vm.define_own(o, key, value)?;
        }
    }
    Ok(Value::Obj(o))
}

/// A Workers handler's arguments: the `Request` (its URL from the `Host`
/// header, or `localhost`, `https` over TLS), the global `env`, a new `ctx`.
pub fn fetch_arguments(vm: &mut Vm) -> Result<[Value; 3], Interrupt> {
    let request = with_host(vm, |vm, h| {
        let query = h.request.raw_query().to_string();
        let scheme = if h.request.secure { "https" } else { "http" };
        let r = h.request.pieces();
        let host = r.headers.get("host").unwrap_or("localhost");
        let url = match query.is_empty() {
            true => format!("{scheme}://{host}{}", r.path),
            false => format!("{scheme}://{host}{}?{query}", r.path),
        };
        let body = (!r.body.is_empty()).then_some(r.body);
        vm::builtins::web::request::new_request(vm, r.method, &url, r.headers.as_slice(), body)
    })??;
    if with_host(vm, |_, h| h.request.streams)? {
        let stream = body_stream(vm)?;
        vm::builtins::web::request::set_body_stream(vm, request, stream);
    }
    let env_key = vm.heap.intern("env");
    let env = vm.get_field(Value::Obj(vm.realm.global), env_key)?;
    let ctx = vm::builtins::web::workers::execution_context(vm)?;
    Ok([request, env, ctx])
}

/// A streaming route's request body: the connection's stream, or the
/// whole body that came with the head as a closed one.
fn body_stream(vm: &mut Vm) -> Result<Value, Interrupt> {
    if vm.request_body.is_some() {
        return vm::builtins::web::stream::request_body_stream(vm);
    }
    let whole = with_host(vm, |_, h| h.request.body.clone())?;
    vm::builtins::web::stream::whole_body_stream(vm, &whole)
}

/// `body()`, `body.bytes()` and `payload()` on a route that streams its
/// bodies: the error saying where the body is.
pub(crate) fn streamed_body_error(vm: &mut Vm) -> Result<(), Interrupt> {
    if with_host(vm, |_, h| h.request.streams)? {
        return Err(vm.type_error(
            "this route streams its request bodies (.body({ stream: true })): read req.body (a ReadableStream), not body() or payload()",
        ));
    }
    Ok(())
}

/// The handler's `req` argument: `{ method, path, params, query, headers,
/// body }` (`body` a `ReadableStream` on a route that streams bodies).
pub fn request_object(vm: &mut Vm) -> Result<Value, Interrupt> {
    let streams = with_host(vm, |_, h| h.request.streams)?;
    let body = match streams {
        true => Some(body_stream(vm)?),
        false => None,
    };
    with_host(vm, |vm, h| {
        // The names, in `REQUEST_FIELDS`' order.
        let [method, path, body_key, params, query, headers] = h.keys.request_fields;
        let r = h.request.pieces();
        let o = vm.new_object()?;
        let fields: [(vm::value::Atom, Value); 3] = [
            (method, vm.heap.alloc_str(r.method)?),
            (path, vm.heap.alloc_str(r.path)?),
            (
                body_key,
                match body {
                    Some(stream) => stream,
                    None => vm.heap.alloc_str(&String::from_utf8_lossy(r.body))?,
                },
            ),
        ];
        for (key, v) in fields {
            vm.define_own(o, key, v)?;
        }
        for (key, pairs) in [(params, r.params), (query, r.query), (headers, r.headers)] {
            let v = pairs_object(vm, pairs.as_slice())?;
            vm.define_own(o, key, v)?;
        }
        Ok(Value::Obj(o))
    })?
}
