//! A proxied route's hooks: `.proxy(prefix, upstream, { request(req),
//! response(res) })`. `request` runs before the request leaves, with `req`
//! = `{ method, path, query, headers, body }` as they would be sent (`body`
//! the text of a body read whole, else null): what it changes there is
//! what is sent; returning an answer sends nothing and answers (auth).
//! The route's middleware runs in front of it (`route_events::run`,
//! `chained`). `response` runs once the target's head came, with `res` =
//! `{ status, headers, body }` (`body` as `req`'s): what it changes there
//! is what the client gets, a body not read whole still relayed as it
//! comes; returning an answer replaces the target's (its body dropped).
//! The request functions (`header()`, `query()`, `params()`) see the
//! client's request in both.

use super::http;
use super::per_core::{Core, Live, host};
use super::reply::{Reply, answer_of_value};
use super::route_events::{self, Ran};
use runtime::driver;
use std::cell::Cell;
use std::rc::Rc;
use vm::error::Interrupt;
use vm::heap::Class;
use vm::{Value, Vm};

/// Which of `RouteDecl::events` each hook is.
pub(crate) const REQUEST: usize = 0;
pub(crate) const RESPONSE: usize = 1;

/// What a `request` hook changed.
#[derive(Default, Debug)]
pub(crate) struct Rewrite {
    pub(crate) method: Option<String>,
    /// The request target (path and query) to send instead.
    pub(crate) target: Option<String>,
    /// Fields added or replaced, each checked.
    pub(crate) set: Vec<(String, String)>,
    /// Names (lower case) not to send: removed, or replaced by `set`.
    pub(crate) removed: Vec<String>,
    /// The body to send instead of the client's (whole, with its length).
    pub(crate) body: Option<Vec<u8>>,
    /// Fields for the client's answer, set with `header()` (middleware
    /// adding one to every answer).
    pub(crate) answer_fields: Vec<(String, String)>,
}

impl Rewrite {
    pub(crate) fn drops(&self, name: &str) -> bool {
        self.removed.iter().any(|r| name.eq_ignore_ascii_case(r))
    }
}

/// Runs the `request` hook of route `index` for `req`, whose path is sent
/// as `path` and whose body is `body` when it was read whole: what to
/// change, or the answer to give instead.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn before(
    core: &Rc<Core>,
    live: &Rc<Live>,
    index: usize,
    req: &http::Request<'_, '_>,
    secure: bool,
    path: &str,
    rest: &str,
    body: Option<&[u8]>,
) -> Result<Rewrite, Reply> {
    let route = &live.router.routes[index];
    let made = Cell::new(Value::Undefined);
    let fields: Vec<(String, String)> = req
        .headers
        .iter()
        .map(|h| {
            let value = String::from_utf8_lossy(h.value).into_owned();
            (h.name.to_ascii_lowercase(), value)
        })
        .collect();
    let text = body.map(|b| String::from_utf8_lossy(b).into_owned());
    let args = |vm: &mut Vm| {
        host(vm)
            .request
            .set(req, &req.body, secure, &route.params, &[rest]);
        let o = object(
            vm,
            &[("method", req.method), ("path", path), ("query", req.query)],
        )?;
        set_body(vm, o, text.as_deref())?;
        argument(vm, o, &fields, &made)
    };
    let on_value = |vm: &mut Vm, v: Value| {
        concluded(vm, v, |vm| {
            read_request(vm, made.get(), req, path, &fields, text.as_deref())
        })
    };
    let ran = route_events::run(core, live, index, REQUEST, true, args, on_value, |vm, e| {
        Err(hook_failed(core, vm, "request", &e))
    })
    .await;
    match ran {
        Ran::Absent => Ok(Rewrite::default()),
        Ran::Done(r) => r,
        Ran::Poisoned => Err(Reply::error(500, "internal error")),
    }
}

/// Runs the `response` hook of route `index` on the target's answer
/// `reply` (its head, and its body when `whole`: read whole, not
/// streamed): changes it in place, or gives the answer to send instead (a
/// new body makes one).
#[allow(clippy::too_many_arguments)]
pub(crate) async fn after(
    core: &Rc<Core>,
    live: &Rc<Live>,
    index: usize,
    req: &http::Request<'_, '_>,
    secure: bool,
    rest: &str,
    reply: &mut Reply,
    whole: bool,
) -> Option<Reply> {
    let route = &live.router.routes[index];
    let made = Cell::new(Value::Undefined);
    let mut fields: Vec<(String, String)> = reply
        .headers
        .iter()
        .map(|(n, v)| (n.to_ascii_lowercase(), v.clone()))
        .collect();
    if let Some(ct) = &reply.content_type {
        fields.push(("content-type".into(), ct.to_string()));
    }
    let status = reply.status;
    // `res.body`: the answer's text when it was read whole, else null.
    let text = whole.then(|| String::from_utf8_lossy(&reply.body).into_owned());
    let args = |vm: &mut Vm| {
        host(vm)
            .request
            .set(req, &req.body, secure, &route.params, &[rest]);
        let o = object(vm, &[])?;
        set(vm, o, "status", Value::Num(status as f64))?;
        set_body(vm, o, text.as_deref())?;
        argument(vm, o, &fields, &made)
    };
    let on_value = |vm: &mut Vm, v: Value| {
        concluded(vm, v, |vm| {
            read_response(vm, made.get(), &fields, text.as_deref())
        })
    };
    let ran = route_events::run(
        core,
        live,
        index,
        RESPONSE,
        false,
        args,
        on_value,
        |vm, e| Err(hook_failed(core, vm, "response", &e)),
    )
    .await;
    let (status, changes) = match ran {
        Ran::Absent => return None,
        Ran::Done(Ok(changed)) => changed,
        Ran::Done(Err(replacement)) => return Some(replacement),
        Ran::Poisoned => return Some(Reply::error(500, "internal error")),
    };
    reply.status = status;
    for name in &changes.removed {
        reply.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        if name == "content-type" {
            reply.content_type = None;
        }
    }
    for (name, value) in changes.set {
        match name.as_str() {
            "content-type" => reply.content_type = Some(value.into()),
            _ => reply.headers.push((name, value)),
        }
    }
    // A new body: the answer is this one, whole (a streamed one's body is
    // dropped unread).
    changes.body.map(|body| Reply {
        status: reply.status,
        content_type: reply.content_type.take(),
        headers: std::mem::take(&mut reply.headers),
        body,
        streamed: false,
    })
}

/// A hook's one argument: `o` with its `headers` (kept in `made`, to be
/// read back).
fn argument(
    vm: &mut Vm,
    o: Value,
    fields: &[(String, String)],
    made: &Cell<Value>,
) -> Result<Vec<Value>, Interrupt> {
    let headers = headers_object(vm, fields)?;
    set(vm, o, "headers", headers)?;
    made.set(o);
    Ok(vec![o])
}

/// What a hook came to: the answer it returned, else what `read` finds
/// it left in its argument (a 500 when that cannot be sent).
fn concluded<T>(
    vm: &mut Vm,
    v: Value,
    read: impl FnOnce(&mut Vm) -> Result<T, Interrupt>,
) -> Result<T, Reply> {
    if !v.is_nullish() {
        return Err(answer_of_value(vm, v));
    }
    read(vm).map_err(|e| failed(vm, e))
}

/// What the `request` hook left in `req` (`given`: the body's text it
/// was given).
fn read_request(
    vm: &mut Vm,
    o: Value,
    req: &http::Request<'_, '_>,
    path: &str,
    fields: &[(String, String)],
    given: Option<&str>,
) -> Result<Rewrite, Interrupt> {
    let method = text(vm, o, "method")?.to_ascii_uppercase();
    let new_path = text(vm, o, "path")?;
    let query = text(vm, o, "query")?;
    let mut rewrite = Rewrite::default();
    if method != req.method {
        if !super::fields::is_token(&method) {
            return Err(vm.type_error(format!("proxy request hook: {method:?} is not a method")));
        }
        rewrite.method = Some(method);
    }
    if new_path != path || query != req.query {
        let bad = |b: u8| b <= b' ' || b == 0x7f;
        if !new_path.starts_with('/') || new_path.bytes().chain(query.bytes()).any(bad) {
            return Err(vm.type_error(format!(
                "proxy request hook: the path starts with '/' and has no spaces or controls, got {new_path:?}"
            )));
        }
        let mut target = new_path;
        if !query.is_empty() {
            target.push('?');
            target.push_str(query.trim_start_matches('?'));
        }
        rewrite.target = Some(target);
    }
    let (set, removed) = changed_fields(vm, o, fields, true)?;
    rewrite.set = set;
    rewrite.removed = removed;
    rewrite.body = new_body(vm, o, given, "req")?;
    rewrite.answer_fields = std::mem::take(&mut host(vm).response.headers);
    Ok(rewrite)
}

/// What the `response` hook left in `res`: its status, and its changed
/// fields.
fn read_response(
    vm: &mut Vm,
    o: Value,
    fields: &[(String, String)],
    text: Option<&str>,
) -> Result<(u16, Changes), Interrupt> {
    let k = vm.heap.intern("status");
    let n = vm.get_field(o, k)?;
    let n = vm.to_number(n)?;
    let Some(status) = super::fields::script_status(n) else {
        return Err(vm.type_error(format!(
            "proxy response hook: a status is from 200 to 599, got {n}"
        )));
    };
    let (set, removed) = changed_fields(vm, o, fields, false)?;
    let body = new_body(vm, o, text, "res")?;
    Ok((status, Changes { set, removed, body }))
}

/// `o.body`: the text given (`text`), or null.
fn set_body(vm: &mut Vm, o: Value, text: Option<&str>) -> Result<(), Interrupt> {
    let body = match text {
        Some(t) => vm.heap.alloc_str(t)?,
        None => Value::Null,
    };
    set(vm, o, "body", body)
}

/// The body a hook put in `o.body` (`which` is `req` or `res`), if it is
/// not the `text` it was given: a string or bytes.
fn new_body(
    vm: &mut Vm,
    o: Value,
    text: Option<&str>,
    which: &str,
) -> Result<Option<Vec<u8>>, Interrupt> {
    let k = vm.heap.intern("body");
    Ok(match vm.get_field(o, k)? {
        Value::Null | Value::Undefined => None,
        v if v.is_string() => {
            let mut new = String::new();
            vm.write_string(v, &mut new)?;
            (text != Some(new.as_str())).then(|| new.into_bytes())
        }
        v => match vm.buffer_source_bytes(v) {
            Some(bytes) => Some(bytes),
            None => {
                return Err(vm.type_error(format!(
                    "proxy hook: {which}.body is a string, bytes or null"
                )));
            }
        },
    })
}

/// Fields a `response` hook changed, and the new body it gave.
struct Changes {
    set: Vec<(String, String)>,
    removed: Vec<String>,
    body: Option<Vec<u8>>,
}

/// The fields of `o.headers` that differ from `fields` (names lower case):
/// those to set (checked), and the names to drop (removed, or replaced).
/// A field given twice that the hook left alone goes as it came.
#[allow(clippy::type_complexity)]
fn changed_fields(
    vm: &mut Vm,
    o: Value,
    fields: &[(String, String)],
    request: bool,
) -> Result<(Vec<(String, String)>, Vec<String>), Interrupt> {
    let k = vm.heap.intern("headers");
    let headers = vm.get_field(o, k)?;
    let Value::Obj(h) = headers else {
        return Err(vm.type_error("proxy hook: headers must stay an object"));
    };
    let mut now = Vec::new();
    for key in vm.own_keys(h, false) {
        let mut name = String::new();
        vm.write_string(key, &mut name)?;
        let v = vm.get_index(headers, key)?;
        if v.is_nullish() {
            continue;
        }
        let mut value = String::new();
        vm.write_string(v, &mut value)?;
        now.push((name.to_ascii_lowercase(), value));
    }
    let mut set = Vec::new();
    let mut removed = Vec::new();
    for (name, value) in &now {
        let first = fields.iter().find(|(n, _)| n == name).map(|(_, v)| v);
        if first == Some(value) {
            continue;
        }
        let checked =
            match request {
                // The framing and `Host` of the request to the target are the
                // gateway's; any other field may be set.
                true if super::fields::is_owned(name) => Err(format!(
                    "the gateway writes the {name} header of a proxied request itself"
                )),
                true => super::fields::check_value(name, value).and_then(|()| {
                    match super::fields::is_token(name) {
                        true => Ok(()),
                        false => Err(format!("invalid header name {name:?}")),
                    }
                }),
                false => super::fields::check(name, value),
            };
        checked.map_err(|e| vm.type_error(format!("proxy hook: {e}")))?;
        set.push((name.clone(), value.clone()));
        removed.push(name.clone());
    }
    for (name, _) in fields {
        if !now.iter().any(|(n, _)| n == name) && !removed.contains(name) {
            removed.push(name.clone());
        }
    }
    Ok((set, removed))
}

/// A plain object with string fields.
fn object(vm: &mut Vm, strings: &[(&str, &str)]) -> Result<Value, Interrupt> {
    let o = Value::Obj(vm.heap.alloc(Class::Object, Some(vm.realm.object_proto))?);
    for (name, value) in strings {
        let v = vm.heap.alloc_str(value)?;
        set(vm, o, name, v)?;
    }
    Ok(o)
}

/// `{ name: value }` for each field, the first of a name given twice.
fn headers_object(vm: &mut Vm, fields: &[(String, String)]) -> Result<Value, Interrupt> {
    let o = object(vm, &[])?;
    for (name, value) in fields.iter().rev() {
        let v = vm.heap.alloc_str(value)?;
        set(vm, o, name, v)?;
    }
    Ok(o)
}

fn set(vm: &mut Vm, o: Value, name: &str, v: Value) -> Result<(), Interrupt> {
    let k = vm.heap.intern(name);
    vm.set_field(o, k, v)
}

fn text(vm: &mut Vm, o: Value, name: &str) -> Result<String, Interrupt> {
    let k = vm.heap.intern(name);
    let v = vm.get_field(o, k)?;
    let mut s = String::new();
    vm.write_string(v, &mut s)?;
    Ok(s)
}

/// A hook's mistake in what it left (a bad header, status or path): a
/// 500, logged with where.
fn failed(vm: &mut Vm, e: Interrupt) -> Reply {
    let e = vm.uncaught(e);
    driver::report(vm, "a proxy hook left something that cannot be sent", &e);
    Reply::error(500, "a proxy hook failed")
}

/// A hook that threw: a 500, its trace in the log.
fn hook_failed(core: &Core, vm: &mut Vm, which: &str, e: &vm::Uncaught) -> Reply {
    driver::report(vm, &format!("the proxy's {which} hook failed"), e);
    core.stats.borrow_mut().script_errors += 1;
    Reply::error(500, "a proxy hook failed")
}
