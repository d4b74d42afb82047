//! `fetch(input, init)` (the Fetch Standard, as servers have it) on the
//! HTTP client `http()` uses: the request is checked as `new Request`
//! checks it and sent (the client reuses connections per core, speaks TLS
//! and keeps within the memory budget) while the code goes on
//! (fetches.rs); the call gives a promise of the `Response`, or one
//! rejected with a `TypeError` whose `cause` is the client's error. A
//! problem with the request itself also rejects.

use super::request::request_parts;
use super::response::new_response;
use crate::builtins::{arg, method};
use crate::error::{ErrorKind, Interrupt};
use crate::io::http::{DEFAULT_TIMEOUT, Failure, Request, Response};
use crate::promise::PromiseState;
use crate::state::{Args, Vm};
use crate::value::Value;

pub fn install(vm: &mut Vm) {
    let g = vm.realm.global;
    method(vm, g, "fetch", 1, fetch);
}

fn fetch(vm: &mut Vm, _: Value, a: Args) -> Result<Value, Interrupt> {
    let (input, init) = (arg(vm, a, 0), arg(vm, a, 1));
    let parts = request_parts(vm, input, init);
    let parts = match vm.catching(parts) {
        Ok(p) => p,
        Err(Interrupt::Throw(e)) => return settled(vm, PromiseState::Rejected, e),
        Err(e) => return Err(e),
    };
    if !(parts.url.starts_with("http://") || parts.url.starts_with("https://")) {
        let e = vm.make_error(
            ErrorKind::TypeError,
            &format!(
                "fetch failed: only http and https URLs can be fetched ({})",
                parts.url
            ),
        );
        return settled(vm, PromiseState::Rejected, e);
    }
    // An aborted signal rejects at once; `AbortSignal.timeout(ms)` bounds
    // the wait (the client's failure is then a `TimeoutError`).
    let (aborted, timeout) = super::abort::signal_state(vm, parts.signal);
    if let Some(reason) = aborted {
        return settled(vm, PromiseState::Rejected, reason);
    }
    let req = Request {
        method: parts.method,
        url: parts.url,
        headers: parts.headers,
        body: parts.body.map(Into::into),
        timeout: match timeout {
            Some(ms) => crate::io::wait_ms(ms).min(DEFAULT_TIMEOUT),
            None => DEFAULT_TIMEOUT,
        },
        max_bytes: vm.heap.limit.saturating_sub(vm.heap.used),
    };
    vm.send_fetch(req, parts.signal, timeout.is_some())
}

/// A promise already settled with `v`.
fn settled(vm: &mut Vm, to: PromiseState, v: Value) -> Result<Value, Interrupt> {
    let p = vm.new_promise(vm.realm.promise_proto)?;
    vm.settle(p, to, v)?;
    Ok(Value::Obj(p))
}

/// The `Response` of an answer (its body as bytes, its headers read-only).
pub(crate) fn response_value(vm: &mut Vm, r: Response) -> Result<Value, Interrupt> {
    let body = match r.body.is_empty() {
        true => Value::Null,
        false => {
            let view = vm.new_uint8_array(&r.body)?;
            let Value::Obj(v) = view else {
                unreachable!("a view is an object")
            };
            Value::Obj(vm.view_parts(v).0)
        }
    };
    new_response(vm, r.status, "", &r.headers, body, true)
}

/// Why a fetch failed: `TypeError: fetch failed`, the client's error as
/// its `cause`. With `signal_timeout` (the request's
/// `AbortSignal.timeout`), a timeout is that signal's `TimeoutError`.
pub(crate) fn failure_reason(vm: &mut Vm, f: &Failure, signal_timeout: bool) -> Value {
    if signal_timeout && f.code == "ETIMEDOUT" {
        return super::dom_exception(
            vm,
            "TimeoutError",
            "The operation was aborted due to timeout",
        );
    }
    let cause = crate::builtins::http::failure_value(vm, f);
    let e = vm.make_error(
        ErrorKind::TypeError,
        &format!("fetch failed: {}", f.message),
    );
    if let Value::Obj(o) = e {
        let key = vm.heap.intern("cause");
        vm.heap
            .obj_mut(o)
            .push_prop(key, cause, crate::attrs::METHOD);
    }
    e
}
