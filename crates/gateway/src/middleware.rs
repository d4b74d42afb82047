//! Middleware: functions that run in front of route handlers. `use([prefix,]
//! fn)` puts one in front of every route (whose path starts with `prefix`),
//! `work(…).use([prefix,] fn)` in front of that work's. Each is called
//! `fn(req, next)`; `next()` calls the next one, the handler last, and
//! gives its value (a promise when it is async); a middleware answers with
//! what it returns, so `return next()` passes the answer on and returning
//! something else without calling `next()` short-circuits (auth).
//!
//! Middleware is module state, like handlers: collected when the modules
//! run on a worker, and chained to each route once (`attach`). `next` is a
//! native that forwards its call to the next function on the VM's own
//! frames (`Vm::redirect_call`), so code behind it may wait for I/O and a
//! chain of synchronous middleware makes no promise.

use super::host::{Mode, RouteDecl, with_host};
use super::work::{builder_index, caller_location, registering};
use std::rc::Rc;
use vm::builtins::arg;
use vm::error::Interrupt;
use vm::state::{Args, Vm};
use vm::value::Value;

/// The most middleware in front of one route (`next()`'s calls are one
/// bit each).
pub const MAX_CHAIN: usize = 64;

/// One `use()` call, as the modules made it.
pub struct Use {
    /// The `work()` it was called on (an index into `Host::works`), or
    /// `None` for the global `use()`.
    pub work: Option<usize>,
    /// Routes whose pattern is this or under it (`/admin` takes `/admin`
    /// and `/admin/:id`, not `/administrators`); empty: every route.
    pub prefix: String,
    pub function: Value,
    /// `file:line` of the call, for `kitwork routes`.
    pub location: String,
}

/// The chain of the request being served.
pub struct Chain {
    steps: Rc<[Value]>,
    handler: Value,
    /// The handler's arguments: none, `req`, or a `fetch`'s three.
    args: [Value; 3],
    argc: usize,
    /// What every middleware gets as `req`.
    req: Value,
    /// Bit `i`: step `i` called its `next()`.
    called: u64,
}

impl Default for Chain {
    fn default() -> Chain {
        Chain {
            steps: Rc::from([]),
            handler: Value::Undefined,
            args: [Value::Undefined; 3],
            argc: 0,
            req: Value::Undefined,
            called: 0,
        }
    }
}

/// `use([prefix,] fn)` and `work(…).use([prefix,] fn)`: records a
/// middleware while the modules declare their routes; serving, the
/// chains are already made (`attach`) and a call does nothing.
pub(crate) fn use_global(vm: &mut Vm, _: Value, a: Args) -> Result<Value, Interrupt> {
    record(vm, None, a)?;
    Ok(Value::Undefined)
}

pub(crate) fn use_work(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let w = builder_index(vm, this)?;
    record(vm, Some(w), a)?;
    Ok(this)
}

fn record(vm: &mut Vm, work: Option<usize>, a: Args) -> Result<(), Interrupt> {
    if !registering(vm)? {
        return Ok(());
    }
    let (prefix, f) = match (arg(vm, a, 0), arg(vm, a, 1)) {
        (f, Value::Undefined) => (String::new(), f),
        (p, f) => {
            let mut prefix = String::new();
            if !p.is_string() {
                return Err(vm.type_error("use(prefix, fn): the prefix must be a string"));
            }
            vm.write_string(p, &mut prefix)?;
            if !prefix.starts_with('/') {
                return Err(vm.type_error(format!(
                    "use(prefix, fn): a prefix must start with '/', got '{prefix}'"
                )));
            }
            let trimmed = prefix.trim_end_matches('/').len();
            prefix.truncate(trimmed);
            (prefix, f)
        }
    };
    let function = vm::builtins::callable(vm, f, "use")?;
    let location = caller_location(vm);
    with_host(vm, |vm, h| {
        // Kept by the worker for every request (module state).
        vm.pinned.push(function);
        if matches!(h.mode, Mode::Register { .. }) {
            h.uses.push(Use {
                work,
                prefix,
                function,
                location,
            });
        }
    })
}

/// Whether a middleware with this prefix runs in front of `pattern`.
fn covers(prefix: &str, pattern: &str) -> bool {
    prefix.is_empty()
        || pattern
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// Puts in front of each route its middleware: the global ones first,
/// then its work's, each in the order they were declared. A route in the
/// file form (no handler function to call last) cannot be wrapped, and
/// says so, rather than run without the checks meant for it.
pub(crate) fn attach(routes: &mut [RouteDecl], uses: &[Use]) -> Result<(), String> {
    let mut errors = String::new();
    for r in routes.iter_mut() {
        let chain: Vec<&Use> = uses
            .iter()
            .filter(|u| u.work.is_none())
            .chain(
                uses.iter()
                    .filter(|u| u.work.is_some() && u.work == r.work_index),
            )
            .filter(|u| covers(&u.prefix, &r.path))
            .collect();
        // A static folder is served without a script: nothing runs in
        // front of it (docs/HTTP.md says so). A proxied route's chain
        // ends with its `request` hook, or with sending (proxy_hooks.rs).
        if chain.is_empty() || r.static_folder.is_some() {
            continue;
        }
        if r.handler.is_none() && r.proxy_decl.is_none() {
            errors.push_str(&format!(
                "error: {} {} is in the file form, which middleware cannot run in front of\n  --> {}\n  --> {} (the middleware)\n  = give the route a handler: .get(path, fn) or .handle(fn)\n",
                r.method, r.path, r.location, chain[0].location
            ));
            continue;
        }
        if chain.len() > MAX_CHAIN {
            errors.push_str(&format!(
                "error: {} {} has {} middleware in front of it, more than {MAX_CHAIN}\n  --> {}\n",
                r.method,
                r.path,
                chain.len(),
                r.location
            ));
            continue;
        }
        r.middleware = chain.iter().map(|u| u.function).collect();
        r.middleware_at = chain.iter().map(|u| u.location.clone()).collect();
    }
    match errors.is_empty() {
        true => Ok(()),
        false => Err(errors),
    }
}

/// Starts a request's handler `f` with `args`, behind its chain of
/// middleware when it has one (`req` is what they get).
pub(crate) fn start(
    vm: &mut Vm,
    steps: Option<&Rc<[Value]>>,
    f: Value,
    req: Value,
    args: &[Value],
) -> Result<vm::Outcome, vm::Uncaught> {
    let Some(steps) = steps else {
        return vm.start_call(f, args);
    };
    // What the chain holds is out of the stack's sight between calls.
    vm.pinned.push(req);
    vm.pinned.extend_from_slice(args);
    let mut chain = Chain {
        steps: steps.clone(),
        handler: f,
        req,
        argc: args.len(),
        ..Chain::default()
    };
    chain.args[..args.len()].copy_from_slice(args);
    let first = steps[0];
    let next = match with_host(vm, |_, h| h.chain = chain).and_then(|()| next_of(vm, 0)) {
        Ok(next) => next,
        Err(e) => return Err(vm.uncaught(e)),
    };
    vm.start_call(first, &[req, next])
}

/// The `next` step `i` gets: the host's native, bound to `i`.
fn next_of(vm: &mut Vm, i: usize) -> Result<Value, Interrupt> {
    let Some(native) = with_host(vm, |_, h| h.keys.next)? else {
        return Err(vm.type_error("this VM has no middleware next()"));
    };
    vm.bind_function(
        Value::Obj(native),
        Value::Undefined,
        &[Value::Num(i as f64)],
    )
}

/// `next()` of step `i` (its bound first argument): the call becomes the
/// next step's, or the handler's.
pub(crate) fn next(vm: &mut Vm, _: Value, a: Args) -> Result<Value, Interrupt> {
    let Value::Num(i) = arg(vm, a, 0) else {
        return Err(vm.type_error("next() is a middleware's own"));
    };
    let i = i as usize;
    let step = with_host(vm, |_, h| {
        let c = &mut h.chain;
        if c.called & (1 << i) != 0 {
            return Step::Twice;
        }
        c.called |= 1 << i;
        match c.steps.get(i + 1) {
            Some(&m) => Step::Middleware(m, c.req),
            None => Step::Handler(c.handler, c.args, c.argc),
        }
    })?;
    match step {
        Step::Middleware(m, req) => {
            let next = next_of(vm, i + 1)?;
            Err(vm.redirect_call(a, m, Value::Undefined, &[req, next]))
        }
        Step::Handler(f, args, argc) => {
            Err(vm.redirect_call(a, f, Value::Undefined, &args[..argc]))
        }
        Step::Twice => Err(vm.type_error("next() was called more than once by one middleware")),
    }
}

/// Where a `next()` call goes.
enum Step {
    Middleware(Value, Value),
    Handler(Value, [Value; 3], usize),
    Twice,
}

#[cfg(test)]
mod tests {
    use super::covers;

    #[test]
    fn a_prefix_covers_whole_segments() {
        assert!(covers("", "/anything"));
        assert!(covers("/admin", "/admin"));
        assert!(covers("/admin", "/admin/:id"));
        assert!(!covers("/admin", "/administrators"));
        assert!(!covers("/admin", "/"));
    }
}
