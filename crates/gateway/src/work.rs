//! The script side of the gateway: the `work()` DSL that declares routes,
//! the request accessors (`params`, `query`, `header`, `cookie`, `body`,
//! `payload`) and response writers (`status`, `header`, `cookie`,
//! `redirect`, `html`) as natives, and the host state they share.
//!
//! A script runs twice in its life: once at load ("register": every
//! `work(…).get(…)` records a route) and once per request ("serve": the
//! top level runs again on a fresh arena, and the registration with the
//! wanted ordinal hands over its handler). Top-level state is therefore
//! per request, as the shared-nothing design wants.

use vm::builtins::{arg, method, native, set};
use vm::error::{ErrorKind, Interrupt};
use vm::heap::Class;
use vm::interp::{Args, Vm};
use vm::value::{ObjId, Value};

/// A route as declared by a script.
#[derive(Clone, Debug, PartialEq)]
pub struct RouteDecl {
    pub method: String,
    pub path: String,
    pub work: String,
    pub version: Option<String>,
    pub budget: Budget,
    /// `file:line` of the declaration.
    pub location: String,
}

/// A route's own limits (`.budget({ instructions, memory })`); unset
/// fields fall back to the server's.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Budget {
    pub instructions: Option<u64>,
    pub memory: Option<usize>,
}

impl Budget {
    /// The limits a request on this route runs with.
    pub fn over(self, server: vm::Limits) -> vm::Limits {
        vm::Limits {
            instructions: self.instructions.unwrap_or(server.instructions),
            memory: self.memory.unwrap_or(server.memory),
        }
    }
}

/// Atoms and objects the natives need on every request, found once per VM.
#[derive(Default, Clone, Copy)]
pub struct HostKeys {
    /// The hidden property holding a builder's index into `Host::works`.
    pub work: vm::value::Atom,
    /// The prototype of `work()` builders.
    pub proto: Option<ObjId>,
    /// `status`, read from every object a handler returns.
    pub status: vm::value::Atom,
}

impl HostKeys {
    pub fn find(vm: &mut Vm) -> HostKeys {
        let work = vm.heap.intern("__work");
        let f = vm
            .heap
            .lookup_atom("work")
            .and_then(|a| vm.get_own(vm.realm.global, a));
        let proto = f
            .and_then(|f| vm.get_field(f, vm.atoms.prototype).ok())
            .and_then(Value::as_obj);
        let status = vm.heap.intern("status");
        HostKeys {
            work,
            proto,
            status,
        }
    }
}

/// What the gateway natives act on while a script runs.
#[derive(Default)]
pub struct Host {
    pub keys: HostKeys,
    pub mode: Mode,
    /// Registrations seen so far in this run.
    pub ordinal: usize,
    /// Per `work()` call in this run: its name, version and last route.
    pub works: Vec<WorkState>,
    pub request: super::request_data::RequestData,
    pub response: ResponseState,
}

pub enum Mode {
    /// Loading: collect every declared route.
    Register { routes: Vec<RouteDecl> },
    /// Serving: keep the handler of route `wanted`.
    Serve {
        wanted: usize,
        handler: Option<Value>,
    },
}

pub struct WorkState {
    pub name: String,
    pub version: Option<String>,
    pub budget: Budget,
    /// Ordinal of the last route declared, which `.handle(fn)` completes.
    pub last_route: Option<usize>,
    /// Routes this work declared (register mode), to stamp the version on.
    pub routes: Vec<usize>,
}

/// Name/value pairs whose strings are reused from request to request, so a
/// warm worker copies a request in without allocating.
#[derive(Default, Clone, Debug)]
pub struct Pairs {
    items: Vec<(String, String)>,
    len: usize,
}

impl Pairs {
    pub fn clear(&mut self) {
        self.len = 0;
    }

    /// Appends a pair, each side written into a reused string.
    pub fn push_with(
        &mut self,
        fill_name: impl FnOnce(&mut String),
        fill_value: impl FnOnce(&mut String),
    ) {
        if self.len == self.items.len() {
            self.items.push(Default::default());
        }
        let (k, v) = &mut self.items[self.len];
        k.clear();
        v.clear();
        fill_name(k);
        fill_value(v);
        self.len += 1;
    }

    pub fn as_slice(&self) -> &[(String, String)] {
        &self.items[..self.len]
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.as_slice()
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// What the script asked of the response besides its value.
#[derive(Default, Clone, Debug)]
pub struct ResponseState {
    pub status: Option<u16>,
    /// Every one passed `fields::check` (`add_header`).
    pub headers: Vec<(String, String)>,
    pub content_type: Option<String>,
}

impl ResponseState {
    /// Adds a header a script set, once it passed `fields::check`; a
    /// `Content-Type` replaces the response's type.
    pub fn add_header(&mut self, name: String, value: String) -> Result<(), String> {
        super::fields::check(&name, &value)?;
        if name.eq_ignore_ascii_case("content-type") {
            self.content_type = Some(value);
        } else {
            self.headers.push((name, value));
        }
        Ok(())
    }
}

impl Host {
    pub fn new(vm: &mut Vm) -> Host {
        Host {
            keys: HostKeys::find(vm),
            ..Host::default()
        }
    }

    /// Prepares for serving route `wanted` of a script, reusing buffers.
    pub fn begin_request(&mut self, wanted: usize) {
        self.mode = Mode::Serve {
            wanted,
            handler: None,
        };
        self.ordinal = 0;
        self.works.clear();
        self.response.status = None;
        self.response.headers.clear();
        self.response.content_type = None;
    }
}

impl Default for Mode {
    fn default() -> Mode {
        Mode::Register { routes: Vec::new() }
    }
}

/// Installs the gateway natives into a VM (before its realm is sealed).
pub fn install(vm: &mut Vm) {
    let g = vm.realm.global;
    let proto = vm
        .heap
        .alloc(Class::Object, Some(vm.realm.object_proto))
        .expect("built-ins fit");
    for (name, f) in [
        ("router", router as vm::interp::NativeFn),
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
    method(vm, g, "body", 0, |vm, _, _| {
        let body = with_host(vm, |_, h| {
            String::from_utf8_lossy(&h.request.body).into_owned()
        })?;
        Ok(vm.heap.alloc_str(&body)?)
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
    // Debug builds only: lets the tests prove that a panic while serving
    // fails one request and the core goes on.
    #[cfg(debug_assertions)]
    method(vm, g, "__kitwork_panic_for_tests", 0, |_, _, _| {
        panic!("deliberate panic for the fault-isolation test")
    });
}

/// Runs `f` with the host state, which natives borrow from the VM.
fn with_host<R>(vm: &mut Vm, f: impl FnOnce(&mut Vm, &mut Host) -> R) -> Result<R, Interrupt> {
    let Some(mut boxed) = vm.host.take() else {
        return Err(
            vm.type_error("request functions are only available while serving (kitwork serve)")
        );
    };
    let r = match boxed.downcast_mut::<Host>() {
        Some(h) => Ok(f(vm, h)),
        None => Err(vm.type_error("the host of this VM is not the gateway")),
    };
    vm.host = Some(boxed);
    r
}

fn string_arg(vm: &mut Vm, a: Args, i: usize) -> Result<String, Interrupt> {
    let mut s = String::new();
    vm.write_string(arg(vm, a, i), &mut s)?;
    Ok(s)
}

/// True while the script runs to declare its routes (not to serve).
fn registering(vm: &mut Vm) -> Result<bool, Interrupt> {
    with_host(vm, |_, h| matches!(h.mode, Mode::Register { .. }))
}

/// A string argument read only when registering: serving never needs the
/// names and paths again (the route table has them), so it allocates nothing.
fn declared_string(vm: &mut Vm, a: Args, i: usize, registering: bool) -> Result<String, Interrupt> {
    if registering {
        string_arg(vm, a, i)
    } else {
        Ok(String::new())
    }
}

fn work(vm: &mut Vm, _this: Value, a: Args) -> Result<Value, Interrupt> {
    let reg = registering(vm)?;
    let name = declared_string(vm, a, 0, reg)?;
    let index = with_host(vm, |_, h| {
        h.works.push(WorkState {
            name,
            version: None,
            budget: Budget::default(),
            last_route: None,
            routes: Vec::new(),
        });
        h.works.len() - 1
    })?;
    // Called with or without `new`, the builder is an object on the work prototype.
    let keys = with_host(vm, |_, h| h.keys)?;
    let b = vm.heap.alloc(Class::Object, keys.proto)?;
    vm.define_own(b, keys.work, Value::Num(index as f64))?;
    vm.heap.obj_mut(b).hidden = 1;
    Ok(Value::Obj(b))
}

fn builder_index(vm: &mut Vm, this: Value) -> Result<usize, Interrupt> {
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
const ROUTE_METHODS: &[&str] = &["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

/// Records a route (register mode) or picks up its handler (serve mode).
fn declare(
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
        // `at fn (file:line:col)` of the calling frame → `file:line`.
        let trace = vm.trace();
        if let Some((_, l)) = trace.lines().nth(1).and_then(|l| l.rsplit_once('(')) {
            let l = l.trim_end_matches(')');
            location = l.rsplit_once(':').map_or(l, |(l, _)| l).to_string();
        }
    }
    with_host(vm, |vm, h| {
        let ordinal = h.ordinal;
        h.ordinal += 1;
        h.works[work].last_route = Some(ordinal);
        match &mut h.mode {
            Mode::Register { routes } => {
                let version = h.works[work].version.clone();
                let budget = h.works[work].budget;
                let work_name = h.works[work].name.clone();
                routes.push(RouteDecl {
                    method: method.to_string(),
                    path,
                    work: work_name,
                    version,
                    budget,
                    location,
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
fn router(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
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
fn shortcut(vm: &mut Vm, this: Value, a: Args, method: &str) -> Result<Value, Interrupt> {
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

fn handle(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let w = builder_index(vm, this)?;
    let f = vm::builtins::callable(vm, arg(vm, a, 0), "handle")?;
    let ordinal = with_host(vm, |_, h| h.works[w].last_route)?;
    let Some(ordinal) = ordinal else {
        return Err(vm.type_error(
            "handle() needs a route first: .router(\"GET\", \"/path\") or .get(\"/path\")",
        ));
    };
    with_host(vm, |vm, h| {
        if let Mode::Serve { wanted, handler } = &mut h.mode {
            if *wanted == ordinal {
                *handler = Some(f);
                vm.pinned.push(f);
            }
        }
    })?;
    Ok(this)
}

fn version(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
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

/// `.budget({ instructions, memory })`: this work's routes run with these
/// limits instead of the server's.
fn budget(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
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

/// `params()`/`query()`/`header()`: one value by name, or all as an object.
fn lookup(vm: &mut Vm, a: Args, pick: fn(&mut Host) -> &Pairs) -> Result<Value, Interrupt> {
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
fn lookup_all(
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
fn pairs_object(vm: &mut Vm, pairs: &[(String, String)]) -> Result<Value, Interrupt> {
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
fn header(vm: &mut Vm, _: Value, a: Args) -> Result<Value, Interrupt> {
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

/// `cookie(name)` reads a request cookie; `cookie(name, value, opts)` sets one.
fn cookie(vm: &mut Vm, _: Value, a: Args) -> Result<Value, Interrupt> {
    let name = string_arg(vm, a, 0)?;
    if matches!(arg(vm, a, 1), Value::Undefined) {
        let jar = with_host(vm, |_, h| {
            h.request
                .headers()
                .as_slice()
                .iter()
                .filter(|(k, _)| k == "cookie")
                .map(|(_, v)| v.clone())
                .collect::<Vec<_>>()
        })?;
        for line in jar {
            for pair in line.split(';') {
                if let Some((k, v)) = pair.trim().split_once('=') {
                    if k == name {
                        return Ok(vm.heap.alloc_str(v)?);
                    }
                }
            }
        }
        return Ok(Value::Undefined);
    }
    let mut set = super::cookie::SetCookie {
        name,
        value: string_arg(vm, a, 1)?,
        ..Default::default()
    };
    if let Value::Obj(opts) = arg(vm, a, 2) {
        let get = |vm: &mut Vm, key: &str| -> Result<Value, Interrupt> {
            let k = vm.heap.intern(key);
            vm.get_field(Value::Obj(opts), k)
        };
        let text = |vm: &mut Vm, key: &str| -> Result<Option<String>, Interrupt> {
            let v = get(vm, key)?;
            if v.is_nullish() {
                return Ok(None);
            }
            let mut s = String::new();
            vm.write_string(v, &mut s)?;
            Ok(Some(s))
        };
        let number = |vm: &mut Vm, key: &str| -> Result<Option<f64>, Interrupt> {
            let v = get(vm, key)?;
            if v.is_nullish() {
                return Ok(None);
            }
            // A Date gives its time value; junk gives NaN, which `line` refuses.
            Ok(Some(vm.to_number(v)?))
        };
        set.path = text(vm, "path")?;
        set.domain = text(vm, "domain")?;
        set.same_site = text(vm, "sameSite")?;
        set.max_age = number(vm, "maxAge")?;
        set.expires = number(vm, "expires")?;
        let v = get(vm, "httpOnly")?;
        set.http_only = vm.truthy(v);
        let v = get(vm, "secure")?;
        set.secure = vm.truthy(v);
    }
    let line = set.line().map_err(|e| vm.type_error(e))?;
    // Through the one check every script header passes, like the others.
    let added = with_host(vm, |_, h| h.response.add_header("Set-Cookie".into(), line))?;
    added.map_err(|e| vm.type_error(e))?;
    Ok(Value::Undefined)
}

/// The `code` of the error `payload()` throws for a body it cannot parse;
/// uncaught, the request is answered 400 with its message.
pub const BAD_REQUEST_BODY: &str = "BAD_REQUEST_BODY";

/// A parse error as a thrown SyntaxError carrying `BAD_REQUEST_BODY`.
fn bad_body(vm: &mut Vm, e: Interrupt) -> Interrupt {
    let Interrupt::Error(boxed) = e else { return e };
    let error = vm.make_error(
        boxed.0,
        &format!("the request body is not valid JSON: {}", boxed.1),
    );
    if let Value::Obj(o) = error {
        let code = vm.heap.intern("code");
        if let Ok(s) = vm.heap.alloc_str(BAD_REQUEST_BODY) {
            let _ = vm.define_own(o, code, s);
        }
    }
    Interrupt::Throw(error)
}

/// `payload()`: the body as values — JSON parsed, form fields as an object,
/// anything else as a string.
fn payload(vm: &mut Vm, _: Value, _: Args) -> Result<Value, Interrupt> {
    let (ct, body) = with_host(vm, |_, h| {
        let ct = h
            .request
            .headers()
            .get("content-type")
            .map(|v| v.to_ascii_lowercase());
        (ct, String::from_utf8_lossy(&h.request.body).into_owned())
    })?;
    let ct = ct.unwrap_or_default();
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
    Ok(vm.heap.alloc_str(&body)?)
}

/// `a=1&b=x+y` → pairs appended to `out`, percent-decoded.
pub fn parse_form_into(s: &str, out: &mut Pairs) {
    for p in s.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = p.split_once('=').unwrap_or((p, ""));
        out.push_with(|o| percent_decode_into(k, o), |o| percent_decode_into(v, o));
    }
}

/// Appends `s` with `%XX` and `+` decoded (invalid UTF-8 becomes U+FFFD).
pub fn percent_decode_into(s: &str, into: &mut String) {
    if !s.bytes().any(|b| b == b'%' || b == b'+') {
        into.push_str(s);
        return;
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => {
                match u8::from_str_radix(std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or("zz"), 16)
                {
                    Ok(v) => {
                        out.push(v);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            c => out.push(c),
        }
        i += 1;
    }
    into.push_str(&String::from_utf8_lossy(&out));
}

/// `html(template, data)`: `{{name}}` replaced by HTML-escaped values.
fn html(vm: &mut Vm, _: Value, a: Args) -> Result<Value, Interrupt> {
    let template = string_arg(vm, a, 0)?;
    let data = arg(vm, a, 1);
    let mut out = String::with_capacity(template.len());
    let mut rest = template.as_str();
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let Some(end) = rest[start..].find("}}") else {
            out.push_str(&rest[start..]);
            rest = "";
            break;
        };
        let key = rest[start + 2..start + end].trim();
        let mut v = data;
        for part in key.split('.') {
            if v.is_nullish() {
                break;
            }
            let k = vm.heap.intern(part);
            v = vm.get_field(v, k)?;
        }
        if !v.is_nullish() {
            let mut s = String::new();
            vm.write_string(v, &mut s)?;
            for c in s.chars() {
                match c {
                    '&' => out.push_str("&amp;"),
                    '<' => out.push_str("&lt;"),
                    '>' => out.push_str("&gt;"),
                    '"' => out.push_str("&quot;"),
                    '\'' => out.push_str("&#39;"),
                    c => out.push(c),
                }
            }
        }
        rest = &rest[start + end + 2..];
    }
    out.push_str(rest);
    with_host(vm, |_, h| {
        h.response.content_type = Some("text/html; charset=utf-8".into())
    })?;
    Ok(vm.heap.alloc_str(&out)?)
}

/// The handler's `req` argument: `{ method, path, params, query, headers, body }`.
pub fn request_object(vm: &mut Vm) -> Result<Value, Interrupt> {
    with_host(vm, |vm, h| {
        let r = h.request.pieces();
        let o = vm.new_object()?;
        let fields: [(&str, Value); 3] = [
            ("method", vm.heap.alloc_str(r.method)?),
            ("path", vm.heap.alloc_str(r.path)?),
            ("body", vm.heap.alloc_str(&String::from_utf8_lossy(r.body))?),
        ];
        for (k, v) in fields {
            let key = vm.heap.intern(k);
            vm.define_own(o, key, v)?;
        }
        for (k, pairs) in [
            ("params", r.params),
            ("query", r.query),
            ("headers", r.headers),
        ] {
            let v = pairs_object(vm, pairs.as_slice())?;
            let key = vm.heap.intern(k);
            vm.define_own(o, key, v)?;
        }
        Ok(Value::Obj(o))
    })?
}
