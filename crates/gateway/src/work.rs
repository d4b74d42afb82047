//! The `work()` DSL that declares routes, and the natives scripts see in
//! the gateway (installed here; the request accessors are `request_api.rs`,
//! the response writers `response_api.rs`).
//!
//! A script runs twice in its life: once at load ("register": every
//! `work(…).get(…)` records a route) and once per request ("serve": the
//! top level runs again on a fresh arena, and the registration with the
//! wanted ordinal hands over its handler). Top-level state is therefore
//! per request, as the shared-nothing design wants.

use super::host::{Mode, RouteDecl, WorkState, string_arg, with_host};
use super::request_api::{header, lookup, lookup_all, payload};
use super::response_api::{cookie, html};
use super::router::Budget;
use vm::builtins::{arg, method, native, set};
use vm::error::{ErrorKind, Interrupt};
use vm::heap::Class;
use vm::state::{Args, Vm};
use vm::value::Value;

/// Installs the gateway natives into a VM (before its realm is sealed).
pub fn install(vm: &mut Vm) {
    let g = vm.realm.global;
    let proto = vm
        .heap
        .alloc(Class::Object, Some(vm.realm.object_proto))
        .expect("built-ins fit");
    for (name, f) in [
        ("router", router as vm::state::NativeFn),
        ("get", |vm: &mut Vm, this, a| shortcut(vm, this, a, "GET")),
        ("post", |vm: &mut Vm, this, a| shortcut(vm, this, a, "POST")),
        ("put", |vm: &mut Vm, this, a| shortcut(vm, this, a, "PUT")),
        ("patch", |vm: &mut Vm, this, a| {
            shortcut(vm, this, a, "PATCH")
        }),
        ("delete", |vm: &mut Vm, this, a| {
            shortcut(vm, this, a, "DELETE")
        }),
        ("handle", handle),
        ("version", version),
        ("budget", budget),
        ("body", body_options),
        ("cors", cors_options),
        ("use", super::middleware::use_work),
        ("static", static_folder),
        ("proxy", super::upstream_api::proxy),
        ("limit", super::rate_limit::work_limit),
        ("cache", super::response_cache::work_cache),
        ("ws", super::socket_api::declare_socket),
    ] {
        method(vm, proto, name, 2, f);
    }
    // `work(name)` makes a builder whose prototype holds the methods above.
    let work_fn = native(vm, "work", 1, work);
    set(vm, work_fn, "prototype", Value::Obj(proto));
    set(vm, g, "work", Value::Obj(work_fn));
    method(vm, g, "params", 1, |vm, _, a| {
        lookup(vm, a, |h| &h.request.params)
    });
    // A name given more than once (`?a=1&a=2`, two `X-A` headers, a form
    // field twice): `query(name)`, `header(name)`, `req.query`,
    // `req.headers` and `payload()`'s form object all give the first, as
    // URLSearchParams.get does; `query.all(name)` and `header.all(name)`
    // give every one, in order.
    let query = native(vm, "query", 1, |vm, _, a| {
        lookup(vm, a, |h| h.request.query())
    });
    set(vm, g, "query", Value::Obj(query));
    method(vm, query, "all", 1, |vm, _, a| {
        lookup_all(vm, a, |h| h.request.query(), false)
    });
    let header_fn = native(vm, "header", 2, header);
    set(vm, g, "header", Value::Obj(header_fn));
    method(vm, header_fn, "all", 1, |vm, _, a| {
        lookup_all(vm, a, |h| h.request.headers(), true)
    });
    method(vm, g, "cookie", 3, cookie);
    // `body()` is the body as text (bytes that are not UTF-8 become
    // U+FFFD, as `TextDecoder` makes them); `body.bytes()` is every byte,
    // a `Uint8Array`.
    let body = native(vm, "body", 0, |vm, _, _| {
        super::request_api::streamed_body_error(vm)?;
        let body = with_host(vm, |_, h| {
            String::from_utf8_lossy(&h.request.body).into_owned()
        })?;
        Ok(vm.heap.alloc_str(&body)?)
    });
    set(vm, g, "body", Value::Obj(body));
    method(vm, body, "bytes", 0, |vm, _, _| {
        super::request_api::streamed_body_error(vm)?;
        let bytes = with_host(vm, |_, h| h.request.body.to_vec())?;
        vm.new_uint8_array(&bytes)
    });
    method(vm, g, "payload", 0, payload);
    method(vm, g, "status", 1, |vm, _, a| {
        let code = vm.to_number(arg(vm, a, 0))?;
        let Some(code) = super::fields::script_status(code) else {
            return Err(Interrupt::error(
                ErrorKind::RangeError,
                format!("status code must be an integer from 200 to 599, got {code}"),
            ));
        };
        with_host(vm, |_, h| h.response.status = Some(code))?;
        Ok(Value::Undefined)
    });
    method(vm, g, "redirect", 2, |vm, _, a| {
        let url = string_arg(vm, a, 0)?;
        let code = match arg(vm, a, 1) {
            Value::Undefined => 302,
            v => {
                let n = vm.to_number(v)?;
                super::fields::redirect_status(n).ok_or_else(|| {
                    Interrupt::error(
                        ErrorKind::RangeError,
                        format!("redirect status must be 300-308, got {n}"),
                    )
                })?
            }
        };
        let added = with_host(vm, |_, h| {
            h.response.add_header("Location".into(), url)?;
            h.response.status = Some(code);
            Ok(())
        })?;
        added.map_err(|e: String| vm.type_error(e))?;
        Ok(Value::Undefined)
    });
    method(vm, g, "html", 2, html);
    method(vm, g, "limit", 2, super::rate_limit::limit);
    method(vm, g, "use", 2, super::middleware::use_global);
    method(vm, g, "upstream", 2, super::upstream_api::upstream);
    super::socket_api::install(vm);
    let next = native(vm, "next", 0, super::middleware::next);
    set(vm, g, NEXT_GLOBAL, Value::Obj(next));
    let pass = native(vm, "pass", 0, |_, _, _| Ok(Value::Undefined));
    set(vm, g, PASS_GLOBAL, Value::Obj(pass));
    // Debug builds only: lets the tests prove that a panic while serving
    // fails one request and the core goes on.
    #[cfg(debug_assertions)]
    method(vm, g, "__kitwork_panic_for_tests", 0, |_, _, _| {
        panic!("deliberate panic for the fault-isolation test")
    });
}

/// The hidden global holding the native behind middleware's `next()`.
pub(crate) const NEXT_GLOBAL: &str = "%kitworkNext";

/// The hidden global holding what the middleware of a proxied route
/// without a `request` hook ends with: nothing to change, send it.
pub(crate) const PASS_GLOBAL: &str = "%kitworkPass";

/// True while the script runs to declare its routes (not to serve).
pub(crate) fn registering(vm: &mut Vm) -> Result<bool, Interrupt> {
    with_host(vm, |_, h| matches!(h.mode, Mode::Register { .. }))
}

/// A string argument read only when registering: serving never needs the
/// names and paths again (the route table has them), so it allocates nothing.
pub(crate) fn declared_string(
    vm: &mut Vm,
    a: Args,
    i: usize,
    registering: bool,
) -> Result<String, Interrupt> {
    if registering {
        string_arg(vm, a, i)
    } else {
        Ok(String::new())
    }
}

pub(crate) fn work(vm: &mut Vm, _this: Value, a: Args) -> Result<Value, Interrupt> {
    let reg = registering(vm)?;
    let name = declared_string(vm, a, 0, reg)?;
    let index = with_host(vm, |_, h| {
        h.works.push(WorkState {
            name,
            version: None,
            budget: Budget::default(),
            stream_body: None,
            cors: None,
            limit: None,
            cache: None,
            last_route: None,
            routes: Vec::new(),
        });
        h.works.len() - 1
    })?;
    // Called with or without `new`, the builder is an object on the work prototype.
    let keys = with_host(vm, |_, h| h.keys)?;
    let b = vm.heap.alloc(Class::Object, keys.proto)?;
    vm.define_with(b, keys.work, Value::Num(index as f64), vm::attrs::HIDDEN)?;
    Ok(Value::Obj(b))
}

pub(crate) fn builder_index(vm: &mut Vm, this: Value) -> Result<usize, Interrupt> {
    let key = with_host(vm, |_, h| h.keys.work)?;
    match this {
        Value::Obj(o) => match vm.get_own(o, key) {
            Some(Value::Num(i)) => Ok(i as usize),
            _ => Err(vm.type_error("not a work() builder")),
        },
        _ => Err(vm.type_error("not a work() builder")),
    }
}

/// The methods a route may name.
pub(crate) const ROUTE_METHODS: &[&str] =
    &["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

/// `file:line` of the script code calling the running native (from the
/// trace's `at fn (file:line:col)`).
pub(crate) fn caller_location(vm: &mut Vm) -> String {
    let trace = vm.trace();
    match trace.lines().nth(1).and_then(|l| l.rsplit_once('(')) {
        Some((_, l)) => {
            let l = l.trim_end_matches(')');
            l.rsplit_once(':').map_or(l, |(l, _)| l).to_string()
        }
        None => String::new(),
    }
}

/// Records a route (register mode) or picks up its handler (serve mode).
pub(crate) fn declare(
    vm: &mut Vm,
    work: usize,
    method: &str,
    path: String,
    handler: Option<Value>,
) -> Result<(), Interrupt> {
    let reg = registering(vm)?;
    let mut location = String::new();
    let mut path = path;
    if reg {
        if !path.starts_with('/') {
            return Err(vm.type_error(format!("a route path must start with '/', got '{path}'")));
        }
        if !ROUTE_METHODS.contains(&method) {
            return Err(vm.type_error(format!(
                "unknown HTTP method '{method}' (one of {})",
                ROUTE_METHODS.join(", ")
            )));
        }
        path = super::router::canonical_pattern(&path).map_err(|e| vm.type_error(e))?;
        location = caller_location(vm);
    }
    let module = if reg { vm.evaluating_module() } else { None };
    with_host(vm, |vm, h| {
        let ordinal = h.ordinal;
        h.ordinal += 1;
        h.works[work].last_route = Some(ordinal);
        match &mut h.mode {
            Mode::Register { routes } => {
                // Kept by the worker for every request (module state).
                vm.pinned.extend(handler);
                let version = h.works[work].version.clone();
                let budget = h.works[work].budget;
                let stream_body = h.works[work].stream_body;
                let cors = h.works[work].cors.clone();
                let limit = h.works[work].limit.clone();
                let cache = h.works[work].cache.clone();
                let work_name = h.works[work].name.clone();
                routes.push(RouteDecl {
                    method: method.to_string(),
                    path,
                    work: work_name,
                    version,
                    budget,
                    stream_body,
                    cors,
                    limit,
                    cache,
                    location,
                    handler,
                    module,
                    fetch: false,
                    static_folder: None,
                    websocket: None,
                    events: None,
                    proxy_decl: None,
                    proxy: None,
                    work_index: Some(work),
                    middleware: Vec::new(),
                    middleware_at: Vec::new(),
                });
                h.works[work].routes.push(routes.len() - 1);
            }
            Mode::Serve {
                wanted,
                handler: slot,
            } => {
                if *wanted == ordinal {
                    *slot = handler;
                    // Held here, out of the collector's sight, until called.
                    vm.pinned.extend(handler);
                }
            }
        }
    })
}

/// `.router(method, path)` declares a route that `.handle(fn)` (or the file
/// form) completes; `.router()` alone just starts a chain (`.get(path)`…).
pub(crate) fn router(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let w = builder_index(vm, this)?;
    if !matches!(arg(vm, a, 1), Value::Undefined) {
        let reg = registering(vm)?;
        let method = declared_string(vm, a, 0, reg)?.to_ascii_uppercase();
        let path = declared_string(vm, a, 1, reg)?;
        declare(vm, w, &method, path, None)?;
    }
    Ok(this)
}

/// `.get(path, fn)`, `.get(path)` (then `.handle(fn)`), and so on.
pub(crate) fn shortcut(
    vm: &mut Vm,
    this: Value,
    a: Args,
    method: &str,
) -> Result<Value, Interrupt> {
    let w = builder_index(vm, this)?;
    let reg = registering(vm)?;
    let path = declared_string(vm, a, 0, reg)?;
    let handler = match arg(vm, a, 1) {
        Value::Undefined => None,
        f => Some(vm::builtins::callable(vm, f, method)?),
    };
    declare(vm, w, method, path, handler)?;
    Ok(this)
}

pub(crate) fn handle(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let w = builder_index(vm, this)?;
    let f = vm::builtins::callable(vm, arg(vm, a, 0), "handle")?;
    let ordinal = with_host(vm, |_, h| h.works[w].last_route)?;
    let Some(ordinal) = ordinal else {
        return Err(vm.type_error(
            "handle() needs a route first: .router(\"GET\", \"/path\") or .get(\"/path\")",
        ));
    };
    with_host(vm, |vm, h| match &mut h.mode {
        Mode::Serve { wanted, handler } => {
            if *wanted == ordinal {
                *handler = Some(f);
                vm.pinned.push(f);
            }
        }
        Mode::Register { routes } => {
            if let Some(&r) = h.works[w].routes.last() {
                routes[r].handler = Some(f);
                vm.pinned.push(f);
            }
        }
    })?;
    Ok(this)
}

pub(crate) fn version(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let w = builder_index(vm, this)?;
    if registering(vm)? {
        let v = string_arg(vm, a, 0)?;
        // It is sent as `X-Work-Version`.
        super::fields::check_value("X-Work-Version", &v).map_err(|e| vm.type_error(e))?;
        with_host(vm, |_, h| {
            h.works[w].version = Some(v.clone());
            if let Mode::Register { routes } = &mut h.mode {
                for &r in &h.works[w].routes {
                    routes[r].version = Some(v.clone());
                }
            }
        })?;
    }
    Ok(this)
}

/// `.body({ stream: true, max })`: this work's routes get their request
/// bodies as a stream (`req.body`, `request.body`) read from the
/// connection as the handler reads it, at most `max` bytes (unlimited
/// when not given), instead of whole and at most `limits.body`.
pub(crate) fn body_options(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let w = builder_index(vm, this)?;
    if !registering(vm)? {
        return Ok(this);
    }
    let Value::Obj(opts) = arg(vm, a, 0) else {
        return Err(vm.type_error("body() takes an object: { stream: true, max }"));
    };
    let k = vm.heap.intern("stream");
    let stream = vm.get_field(Value::Obj(opts), k)?;
    let k = vm.heap.intern("max");
    let max = match vm.get_field(Value::Obj(opts), k)? {
        Value::Undefined => u64::MAX,
        v => {
            let n = vm.to_number(v)?;
            if !(n >= 0.0 && n.is_finite()) {
                return Err(vm.type_error("body max must be a number of bytes (0 or more)"));
            }
            n as u64
        }
    };
    let stream_body = vm.truthy(stream).then_some(max);
    with_host(vm, |_, h| {
        h.works[w].stream_body = stream_body;
        if let Mode::Register { routes } = &mut h.mode {
            for &r in &h.works[w].routes {
                routes[r].stream_body = stream_body;
            }
        }
    })?;
    Ok(this)
}

/// `.cors({ origins, methods, headers, expose, credentials, maxAge })`:
/// this work's routes answer browsers' preflights and carry
/// `Access-Control-Allow-Origin` to the origins allowed (cors.rs).
pub(crate) fn cors_options(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    use super::cors::{Cors, Origins};
    let w = builder_index(vm, this)?;
    if !registering(vm)? {
        return Ok(this);
    }
    let opts = arg(vm, a, 0);
    if !matches!(opts, Value::Obj(_)) {
        return Err(vm.type_error(
            "cors() takes an object: { origins, methods, headers, expose, credentials, maxAge }",
        ));
    }
    let field = |vm: &mut Vm, name: &str| {
        let k = vm.heap.intern(name);
        vm.get_field(opts, k)
    };
    // A string, or an array of strings (joined with ", ").
    let list = |vm: &mut Vm, v: Value, name: &str| -> Result<Option<Vec<String>>, Interrupt> {
        if v.is_nullish() {
            return Ok(None);
        }
        if v.is_string() {
            return Ok(Some(vec![vm.heap.str(v).unwrap_or("").to_string()]));
        }
        if !vm.is_array(v) {
            return Err(vm.type_error(format!(
                "cors(): {name} must be a string or an array of strings"
            )));
        }
        let mut out = Vec::new();
        let k = vm.heap.intern("length");
        let n = vm.get_field(v, k)?;
        for i in 0..vm.to_number(n)? as usize {
            let item = vm.get_index(v, Value::Num(i as f64))?;
            if !item.is_string() {
                return Err(vm.type_error(format!(
                    "cors(): {name} must be a string or an array of strings"
                )));
            }
            out.push(vm.heap.str(item).unwrap_or("").to_string());
        }
        Ok(Some(out))
    };
    let origins = field(vm, "origins")?;
    let origins = match list(vm, origins, "origins")? {
        None => {
            return Err(
                vm.type_error("cors(): origins is required (\"*\", or the origins allowed)")
            );
        }
        Some(l) if l.iter().any(|o| o == "*") => Origins::Any,
        Some(l) => {
            if let Some(bad) = l.iter().find(|o| o.matches('*').count() > 1) {
                return Err(vm.type_error(format!("cors(): an origin has one * at most: {bad}")));
            }
            Origins::List(l)
        }
    };
    let joined = |vm: &mut Vm, name: &str| -> Result<Option<String>, Interrupt> {
        let v = field(vm, name)?;
        Ok(list(vm, v, name)?.map(|l| l.join(", ")))
    };
    let methods = joined(vm, "methods")?;
    let headers = joined(vm, "headers")?;
    let expose = joined(vm, "expose")?;
    let credentials = field(vm, "credentials")?;
    let credentials = vm.truthy(credentials);
    let max_age = match field(vm, "maxAge")? {
        Value::Undefined => None,
        v => {
            let n = vm.to_number(v)?;
            if !(n >= 0.0 && n.is_finite()) {
                return Err(vm.type_error("cors(): maxAge must be a number of seconds"));
            }
            Some(n as u64)
        }
    };
    for value in [&methods, &headers, &expose].into_iter().flatten() {
        if let Err(e) = super::fields::check("access-control-allow-headers", value) {
            return Err(vm.type_error(format!("cors(): {e}")));
        }
    }
    let cors = Some(std::sync::Arc::new(Cors {
        origins,
        methods,
        headers,
        expose,
        credentials,
        max_age,
    }));
    with_host(vm, |_, h| {
        h.works[w].cors = cors.clone();
        if let Mode::Register { routes } = &mut h.mode {
            for &r in &h.works[w].routes {
                routes[r].cors = cors.clone();
            }
        }
    })?;
    Ok(this)
}

/// `.budget({ instructions, memory })`: this work's routes run with these
/// limits instead of the server's.
pub(crate) fn budget(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let w = builder_index(vm, this)?;
    if !registering(vm)? {
        return Ok(this);
    }
    let Value::Obj(opts) = arg(vm, a, 0) else {
        return Err(vm.type_error("budget() takes an object: { instructions, memory }"));
    };
    let read = |vm: &mut Vm, key: &str| -> Result<Option<f64>, Interrupt> {
        let k = vm.heap.intern(key);
        match vm.get_field(Value::Obj(opts), k)? {
            Value::Undefined => Ok(None),
            v => {
                let n = vm.to_number(v)?;
                if !(n >= 1.0 && n.is_finite()) {
                    return Err(vm.type_error(format!("budget {key} must be a positive number")));
                }
                Ok(Some(n))
            }
        }
    };
    let instructions = read(vm, "instructions")?.map(|n| n as u64);
    let memory = read(vm, "memory")?.map(|n| n as usize);
    with_host(vm, |_, h| {
        let b = Budget {
            instructions,
            memory,
        };
        h.works[w].budget = b;
        if let Mode::Register { routes } = &mut h.mode {
            for &r in &h.works[w].routes {
                routes[r].budget = b;
            }
        }
    })?;
    Ok(this)
}

/// `.static(prefix, folder, { maxAge, index })`: `GET`/`HEAD` under
/// `prefix` serve the files of `folder` (relative to the project: the
/// folder holding the work folder) without a script (static_files.rs).
pub(crate) fn static_folder(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let w = builder_index(vm, this)?;
    let reg = registering(vm)?;
    let prefix = declared_string(vm, a, 0, reg)?;
    let folder = declared_string(vm, a, 1, reg)?;
    let mut decl = None;
    if reg {
        if !prefix.starts_with('/') || prefix.contains([':', '*']) {
            return Err(vm.type_error(format!(
                "static(prefix, folder): the prefix is a plain path starting with '/', got '{prefix}'"
            )));
        }
        if folder.is_empty() {
            return Err(vm.type_error("static(prefix, folder): the folder is required"));
        }
        let (mut max_age, mut index) = (None, None);
        if let opts @ Value::Obj(_) = arg(vm, a, 2) {
            let k = vm.heap.intern("maxAge");
            match vm.get_field(opts, k)? {
                Value::Undefined => {}
                v => {
                    let n = vm.to_number(v)?;
                    if !(n >= 0.0 && n.is_finite()) {
                        return Err(vm.type_error("static(): maxAge must be a number of seconds"));
                    }
                    max_age = Some(n as u64);
                }
            }
            let k = vm.heap.intern("index");
            match vm.get_field(opts, k)? {
                Value::Undefined => {}
                v => {
                    let mut name = String::new();
                    vm.write_string(v, &mut name)?;
                    if name.is_empty() || name.contains('/') || name == ".." {
                        return Err(vm.type_error("static(): index is a file name"));
                    }
                    index = Some(name);
                }
            }
        }
        decl = Some(super::static_files::StaticDecl {
            folder,
            max_age,
            index,
        });
    }
    let pattern = format!("{}/*path", prefix.trim_end_matches('/'));
    declare(vm, w, "GET", pattern, None)?;
    if let Some(decl) = decl {
        with_host(vm, |_, h| {
            if let (Mode::Register { routes }, Some(&r)) = (&mut h.mode, h.works[w].routes.last()) {
                routes[r].static_folder = Some(decl);
            }
        })?;
    }
    Ok(this)
}
