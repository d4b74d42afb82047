//! A WebSocket endpoint's opening handshake, served as a request of its
//! own (dispatch.rs hands it over, so the request path stays as it was):
//! the handshake checked, the socket made, `open(ws, req)` run behind the
//! route's middleware on a pooled VM, then its `101` (the connection
//! becomes the socket, websocket.rs) or the answer it refused with.

use super::dispatch::{
    Answer, Handled, Unscripted, finish_run, record, run_failed, write_unscripted,
};
use super::http;
use super::middleware;
use super::per_core::{Core, Live, host};
use super::reply::{Reply, answer_of_value};
use super::socket_hub::{self, Socket};
use super::streamed::Streamed;
use runtime::driver::{Poisoned, guarded};
use runtime::lifecycle::{self, Background};
use std::rc::Rc;
use std::time::Instant;
use vm::Value;

/// Serves route `index`'s opening handshake.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn serve(
    core: &Rc<Core>,
    live: &Rc<Live>,
    index: usize,
    req: &http::Request<'_, '_>,
    n: u64,
    mut out: Answer<'_>,
    secure: bool,
    params: &[&str],
    options: &super::websocket::SocketOptions,
    limited: Vec<(String, String)>,
    slot: usize,
    started: Instant,
) -> Handled {
    let r = &live.router.routes[index];
    let (accepted, socket) = match opening(req, &out, options) {
        Ok(o) => o,
        Err(refused) => {
            let answer = Unscripted::Whole(refused);
            return write_unscripted(core, req, n, out, answer, limited, slot, started);
        }
    };
    let mut worker = live.worker(&core.config);
    host(&mut worker.vm)
        .request
        .set(req, &req.body, secure, &r.params, params);
    worker
        .tags
        .borrow_mut()
        .set(core.index, n, &r.method, &r.pattern);
    let (mut reply, background) = match run_open(&mut worker, index, live, core, &socket).await {
        Ok(done) => done,
        Err(Poisoned) => {
            socket_hub::remove(&socket);
            let answer = Unscripted::Whole(Reply::error(500, "internal error"));
            return write_unscripted(core, req, n, out, answer, limited, slot, started);
        }
    };
    worker.body = std::mem::take(&mut reply.body);
    worker.body.clear();
    finish_run(core, live, worker, background, r);
    match switch((accepted, socket), &mut reply, &mut out, live, index) {
        Some(upgraded) => (record(core, req, n, 101, slot, started), Some(upgraded)),
        None => write_unscripted(
            core,
            req,
            n,
            out,
            Unscripted::Whole(reply),
            limited,
            slot,
            started,
        ),
    }
}

/// Runs `open(ws, req)` (the route's handler) to its conclusion: `101`
/// when it accepted the socket.
async fn run_open(
    worker: &mut super::per_core::Worker,
    index: usize,
    live: &Live,
    core: &Core,
    socket: &Socket,
) -> Result<(Reply, Background), Poisoned> {
    let route = &live.router.routes[index];
    let vm = &mut worker.vm;
    vm.limits = route.budget.over(core.config.vm);
    host(vm).begin_request(route.ordinal);
    guarded(|| vm.reset())?;
    let chain = worker.chains.get(route.declared).and_then(Option::as_ref);
    let handler = worker.handlers.get(route.declared).copied().flatten();
    let mut ws = Value::Undefined;
    let first = guarded(|| match handler {
        Some(f) => start_open(vm, chain, f, socket, &mut ws),
        // Only on a worker whose modules failed to run (logged).
        None => {
            let e = vm::error::Interrupt::error(
                vm::error::ErrorKind::Error,
                "this worker's modules failed to load (the log says why)".to_string(),
            );
            Err(vm.uncaught(e))
        }
    })?;
    let body = std::mem::take(&mut worker.body);
    let tags = &worker.tags;
    let on_error = |vm: &mut vm::Vm, e: vm::Uncaught| run_failed(core, route, tags, vm, e);
    let conclude = |vm: &mut vm::Vm, v: Value| opened(vm, v, body, ws, socket, on_error);
    lifecycle::complete(vm, &core.services, first, conclude, on_error).await
}

/// A WebSocket endpoint's handshake checked, and its socket made (for
/// `open`'s `ws`), or the refusal.
fn opening(
    req: &http::Request<'_, '_>,
    out: &Answer,
    options: &super::websocket::SocketOptions,
) -> Result<(super::websocket::Accepted, Rc<Socket>), Reply> {
    let accepted = match out {
        Answer::Http2(_) => {
            let why = "WebSocket endpoints are served over HTTP/1.1";
            return Err(Reply::error(426, why));
        }
        Answer::Http1(_) => super::websocket::handshake(req, options)?,
    };
    let (max, buffered) = (options.max_message, options.max_buffered);
    Ok((accepted, socket_hub::open(req.peer, max, buffered)))
}

/// After `open`: the `101` written and the socket to serve when it
/// accepted, else the socket forgotten (its answer is written as any).
fn switch(
    (accepted, socket): (super::websocket::Accepted, Rc<Socket>),
    reply: &mut Reply,
    out: &mut Answer,
    live: &Rc<Live>,
    index: usize,
) -> Option<Box<Streamed>> {
    match (reply.status, out) {
        (101, Answer::Http1(bytes)) => {
            let mut headers = accepted.headers;
            headers.append(&mut reply.headers);
            http::write_switch_head(bytes, &headers);
            let opened = super::websocket::Opened {
                live: live.clone(),
                route: index,
                socket,
            };
            Some(Box::new(Streamed::socket(opened)))
        }
        _ => {
            socket_hub::remove(&socket);
            None
        }
    }
}

/// Starts a WebSocket's `open(ws, req)` behind the route's middleware;
/// `ws` is where its `ws` goes.
fn start_open(
    vm: &mut vm::Vm,
    chain: Option<&Rc<[Value]>>,
    f: Value,
    socket: &Socket,
    ws: &mut Value,
) -> Result<vm::Outcome, vm::Uncaught> {
    let made = super::request_api::request_object(vm)
        .and_then(|req| Ok((req, super::socket_api::socket_object(vm, socket)?)));
    match made {
        Ok((req, made)) => {
            *ws = made;
            vm.pinned.push(made);
            middleware::start(vm, chain, f, req, &[made, req])
        }
        Err(e) => Err(vm.uncaught(e)),
    }
}

/// What a WebSocket's `open` concluded: `101` when it accepted the socket
/// (returned nothing, set no status), else its answer.
fn opened(
    vm: &mut vm::Vm,
    v: Value,
    body: Vec<u8>,
    ws: Value,
    socket: &Socket,
    on_error: impl FnOnce(&mut vm::Vm, vm::Uncaught) -> Reply,
) -> Reply {
    if !v.is_nullish() || host(vm).response.status.is_some() {
        return answer_of_value(vm, v);
    }
    match super::socket_api::keep_data(vm, ws, socket) {
        Ok(()) => Reply {
            status: 101,
            content_type: None,
            headers: std::mem::take(&mut host(vm).response.headers),
            body,
            streamed: false,
        },
        Err(e) => {
            let e = vm.uncaught(e);
            on_error(vm, e)
        }
    }
}
