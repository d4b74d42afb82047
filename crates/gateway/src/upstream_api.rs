//! What scripts write to proxy: `upstream(name, { targets, balance, hash,
//! retries, timeouts, passive, health, keepalive })` declares a pool, and
//! `work(…).proxy(prefix, name, { stripPrefix, host, request, response })`
//! forwards every method under `prefix` to it (proxy.rs), or to a URL (a
//! pool of one), through its hooks (proxy_hooks.rs). Both are read while
//! the modules declare their routes; a route naming an upstream nobody
//! declared is an error at load.

use super::host::{Mode, RouteDecl, string_arg, with_host};
use super::proxy::{ProxyDecl, ProxyRoute};
use super::upstream::{
    Balance, DEFAULT_CONNECT_MS, DEFAULT_EJECT_MS, DEFAULT_FAILURES, DEFAULT_HEALTH_INTERVAL_MS,
    DEFAULT_HEALTH_TIMEOUT_MS, DEFAULT_HEALTHY, DEFAULT_KEEPALIVE, DEFAULT_RESPONSE_MS,
    DEFAULT_RETRIES, DEFAULT_UNHEALTHY, HashKey, Health, Target, Upstream,
};
use super::work::{builder_index, declare, declared_string, registering};
use std::sync::Arc;
use std::time::Duration;
use vm::builtins::arg;
use vm::error::Interrupt;
use vm::state::{Args, Vm};
use vm::value::Value;

/// The methods a proxied route forwards (`HEAD` goes with `GET`).
const FORWARDED: [&str; 6] = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

/// `upstream(name, options)`.
pub(crate) fn upstream(vm: &mut Vm, _: Value, a: Args) -> Result<Value, Interrupt> {
    if !registering(vm)? {
        return Ok(Value::Undefined);
    }
    let name = string_arg(vm, a, 0)?;
    if name.is_empty() {
        return Err(vm.type_error("upstream(name, options): the name is required"));
    }
    let opts = arg(vm, a, 1);
    if !matches!(opts, Value::Obj(_)) {
        return Err(vm.type_error(
            "upstream(name, options) takes an object: { targets, balance, retries, timeouts, passive, health }",
        ));
    }
    let targets = strings(vm, opts, "targets")?.unwrap_or_default();
    if targets.is_empty() {
        return Err(vm.type_error(format!(
            "upstream {name}: targets is required (\"host:port\", …)"
        )));
    }
    if targets.len() > super::upstream::MAX_TARGETS {
        return Err(vm.type_error(format!(
            "upstream {name}: at most {} targets",
            super::upstream::MAX_TARGETS
        )));
    }
    let targets = targets
        .iter()
        .map(|t| Target::parse(t))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| vm.type_error(format!("upstream {name}: {e}")))?;
    let balance = match text(vm, opts, "balance")?.as_deref() {
        None => Balance::RoundRobin,
        Some(b) => Balance::parse(b).map_err(|e| vm.type_error(format!("upstream {name}: {e}")))?,
    };
    let hash = match text(vm, opts, "hash")?.as_deref() {
        None => HashKey::Client,
        Some(h) => HashKey::parse(h).map_err(|e| vm.type_error(format!("upstream {name}: {e}")))?,
    };
    let timeouts = field(vm, opts, "timeouts")?;
    let passive = field(vm, opts, "passive")?;
    let connect_timeout = ms(vm, timeouts, "connect", DEFAULT_CONNECT_MS)?;
    let response_timeout = ms(vm, timeouts, "response", DEFAULT_RESPONSE_MS)?;
    let failures = count(vm, passive, "failures", DEFAULT_FAILURES)?;
    let eject = ms(vm, passive, "ejectMs", DEFAULT_EJECT_MS)?;
    let retries = count(vm, opts, "retries", DEFAULT_RETRIES)?;
    let keepalive = count(vm, opts, "keepalive", DEFAULT_KEEPALIVE)? as usize;
    let health = match field(vm, opts, "health")? {
        h @ Value::Obj(_) => {
            let path = text(vm, h, "path")?.unwrap_or_else(|| "/".into());
            if !path.starts_with('/') {
                return Err(vm.type_error(format!("upstream {name}: health.path starts with '/'")));
            }
            Some(Health {
                path,
                interval: ms(vm, h, "interval", DEFAULT_HEALTH_INTERVAL_MS)?,
                timeout: ms(vm, h, "timeout", DEFAULT_HEALTH_TIMEOUT_MS)?,
                healthy: count(vm, h, "healthy", DEFAULT_HEALTHY)?.max(1),
                unhealthy: count(vm, h, "unhealthy", DEFAULT_UNHEALTHY)?.max(1),
            })
        }
        _ => None,
    };
    let up = Arc::new(Upstream {
        name: name.clone(),
        targets,
        balance,
        hash,
        retries,
        connect_timeout,
        response_timeout,
        failures: failures.max(1),
        eject,
        health,
        keepalive,
    });
    let duplicate = with_host(vm, |_, h| {
        if h.upstreams.iter().any(|u| u.name == name) {
            return true;
        }
        h.upstreams.push(up);
        false
    })?;
    if duplicate {
        return Err(vm.type_error(format!("upstream {name} is declared twice")));
    }
    Ok(Value::Undefined)
}

/// `.proxy(prefix, name, { stripPrefix, host })`: every method under
/// `prefix` goes to upstream `name`; `stripPrefix` sends the path without
/// the prefix; `host: "upstream"` sends the target's authority as `Host`
/// (the client's is sent otherwise).
pub(crate) fn proxy(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let w = builder_index(vm, this)?;
    let reg = registering(vm)?;
    let prefix = declared_string(vm, a, 0, reg)?;
    let name = declared_string(vm, a, 1, reg)?;
    let opts = arg(vm, a, 2);
    // The hooks (proxy_hooks.rs), on every VM: they are module state.
    let mut hooks = [Value::Undefined; 2];
    for (slot, name) in hooks.iter_mut().zip(["request", "response"]) {
        *slot = match field(vm, opts, name)? {
            Value::Undefined => Value::Undefined,
            f => vm::builtins::callable(vm, f, name)?,
        };
    }
    let hooked = hooks.map(|h| !matches!(h, Value::Undefined));
    let mut decl = None;
    if reg {
        if !prefix.starts_with('/') || prefix.contains([':', '*']) {
            return Err(vm.type_error(format!(
                "proxy(prefix, upstream): the prefix is a plain path starting with '/', got '{prefix}'"
            )));
        }
        if name.contains("://") {
            Target::parse(&name).map_err(|e| vm.type_error(format!("proxy(): {e}")))?;
        }
        let strip = match field(vm, opts, "stripPrefix")? {
            Value::Undefined => false,
            v => vm.truthy(v),
        };
        let upstream_host = match text(vm, opts, "host")?.as_deref() {
            None | Some("client") => false,
            Some("upstream") => true,
            Some(other) => {
                return Err(vm.type_error(format!(
                    "proxy(): host is \"client\" or \"upstream\", got {other:?}"
                )));
            }
        };
        decl = Some(ProxyDecl {
            upstream: name,
            prefix: prefix.clone(),
            strip,
            upstream_host,
            hooks: hooked,
        });
    }
    let pattern = format!("{}/*path", prefix.trim_end_matches('/'));
    for method in FORWARDED {
        declare(vm, w, method, pattern.clone(), None)?;
        with_host(vm, |vm, h| {
            if let (Mode::Register { routes }, Some(&r)) = (&mut h.mode, h.works[w].routes.last()) {
                if let Some(decl) = &decl {
                    routes[r].proxy_decl = Some(decl.clone());
                }
                if hooked.contains(&true) {
                    vm.pinned.extend(hooks);
                    routes[r].events = Some(hooks);
                }
            }
        })?;
    }
    Ok(this)
}

/// Gives each proxied route its upstream, by name; a URL names a pool of
/// that one target (the defaults of `upstream()`), one per URL.
pub(crate) fn resolve(routes: &mut [RouteDecl], upstreams: &[Arc<Upstream>]) -> Result<(), String> {
    let mut errors = String::new();
    let mut by_url: Vec<Arc<Upstream>> = Vec::new();
    for r in routes.iter_mut() {
        let Some(d) = &r.proxy_decl else { continue };
        let named = upstreams.iter().find(|u| u.name == d.upstream);
        let url = match (named, d.upstream.contains("://")) {
            (None, true) => Target::parse(&d.upstream).ok().map(|t| {
                match by_url.iter().find(|u| u.name == d.upstream) {
                    Some(u) => u.clone(),
                    None => {
                        let u = Arc::new(Upstream::of_one(d.upstream.clone(), t));
                        by_url.push(u.clone());
                        u
                    }
                }
            }),
            _ => None,
        };
        match named.or(url.as_ref()) {
            Some(u) => {
                r.proxy = Some(Arc::new(ProxyRoute {
                    upstream: u.clone(),
                    strip: d.strip.then(|| d.prefix.clone()),
                    upstream_host: d.upstream_host,
                    hooks: d.hooks,
                }));
            }
            None => errors.push_str(&format!(
                "error: {} {} proxies to upstream {}, which is not declared\n  --> {}\n  = declare it: upstream(\"{}\", {{ targets: [\"host:port\"] }})\n",
                r.method, r.path, d.upstream, r.location, d.upstream
            )),
        }
    }
    match errors.is_empty() {
        true => Ok(()),
        false => Err(errors),
    }
}

/// `o[name]`, or undefined when `o` is not an object.
fn field(vm: &mut Vm, o: Value, name: &str) -> Result<Value, Interrupt> {
    match o {
        Value::Obj(_) => {
            let k = vm.heap.intern(name);
            vm.get_field(o, k)
        }
        _ => Ok(Value::Undefined),
    }
}

fn text(vm: &mut Vm, o: Value, name: &str) -> Result<Option<String>, Interrupt> {
    match field(vm, o, name)? {
        Value::Undefined => Ok(None),
        v => {
            let mut s = String::new();
            vm.write_string(v, &mut s)?;
            Ok(Some(s))
        }
    }
}

/// A string or an array of strings.
fn strings(vm: &mut Vm, o: Value, name: &str) -> Result<Option<Vec<String>>, Interrupt> {
    let v = field(vm, o, name)?;
    if v.is_nullish() {
        return Ok(None);
    }
    if v.is_string() {
        return Ok(Some(vec![vm.heap.str(v).unwrap_or("").to_string()]));
    }
    if !vm.is_array(v) {
        return Err(vm.type_error(format!("{name} must be a string or an array of strings")));
    }
    let k = vm.heap.intern("length");
    let n = vm.get_field(v, k)?;
    let mut out = Vec::new();
    for i in 0..vm.to_number(n)? as usize {
        let item = vm.get_index(v, Value::Num(i as f64))?;
        let mut s = String::new();
        vm.write_string(item, &mut s)?;
        out.push(s);
    }
    Ok(Some(out))
}

/// A count (0 or more), `default` when not given.
fn count(vm: &mut Vm, o: Value, name: &str, default: f64) -> Result<u32, Interrupt> {
    let n = match field(vm, o, name)? {
        Value::Undefined => default,
        v => vm.to_number(v)?,
    };
    if !(n >= 0.0 && n.is_finite()) {
        return Err(vm.type_error(format!("{name} must be a number, 0 or more")));
    }
    Ok(n as u32)
}

/// Milliseconds (more than 0), `default` when not given.
fn ms(vm: &mut Vm, o: Value, name: &str, default: f64) -> Result<Duration, Interrupt> {
    let n = match field(vm, o, name)? {
        Value::Undefined => default,
        v => vm.to_number(v)?,
    };
    if !(n > 0.0 && n.is_finite()) {
        return Err(vm.type_error(format!(
            "{name} must be a number of milliseconds, more than 0"
        )));
    }
    Ok(Duration::from_secs_f64(n / 1000.0))
}
