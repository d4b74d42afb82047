//! One request: route it, run its script and handler on a pooled VM
//! through the run's lifecycle, log it, start its `go()` functions.

use super::Generation;
use super::body_feed::BodyFeed;
use super::compress;
use super::host::Mode;
use super::http::{self};
use super::middleware;
use super::per_core::{Core, Live, Worker, host};
use super::reply::{Cause, Reply, error_reply, to_reply};
use super::response_cache::Lookup;
use super::router::{Match, Route};
use super::streamed::Streamed;
use crate::log;
use runtime::driver::{self, Poisoned, guarded};
use runtime::lifecycle::{self, Background};
use std::rc::Rc;
use std::time::Instant;
use vm::Value;

/// Where `handle` puts its answer: HTTP/1.1 bytes appended to a buffer,
/// or the parts of an HTTP/2 response. An enum, not a type parameter: one
/// `handle` for both keeps the request path's code as the compiler laid
/// it out for HTTP/1.1 alone (a second instance cost 134 instructions a
/// request, `loadtest/instructions.sh`).
pub(crate) enum Answer<'a> {
    Http1(&'a mut Vec<u8>),
    Http2(&'a mut super::h2::Http2Answer),
}

impl Answer<'_> {
    #[allow(clippy::too_many_arguments)]
    #[inline]
    pub(crate) fn answer(
        &mut self,
        cache: &mut http::HeadCache,
        now: Instant,
        status: u16,
        content_type: Option<&str>,
        headers: &[(String, String)],
        body: &[u8],
        keep_alive: bool,
        head: bool,
    ) {
        match self {
            Answer::Http1(out) => http::write_response(
                out,
                cache,
                now,
                status,
                content_type,
                headers,
                body,
                keep_alive,
                head,
            ),
            Answer::Http2(out) => out.fill(cache, now, status, content_type, headers, body, head),
        }
    }

    /// The head of a response whose body is streamed (streamed.rs): by
    /// its `Content-Length` when known; else chunked for an HTTP/1.1
    /// client (`minor` 1), delimited by the connection's close for
    /// HTTP/1.0; DATA frames on HTTP/2.
    #[cold]
    #[allow(clippy::too_many_arguments)]
    fn stream_head(
        &mut self,
        cache: &mut http::HeadCache,
        now: Instant,
        status: u16,
        content_type: Option<&str>,
        headers: &[(String, String)],
        keep_alive: bool,
        minor: u8,
        length: Option<u64>,
    ) {
        match self {
            Answer::Http1(out) => http::write_stream_head(
                out,
                cache,
                now,
                status,
                content_type,
                headers,
                keep_alive,
                minor >= 1,
                length,
            ),
            Answer::Http2(out) => {
                out.stream_head(cache, now, status, content_type, headers, length)
            }
        }
    }
}

/// What `handle` did: when the answer was written, and the body still
/// to stream when a script streams it (written by the connection).
pub(crate) type Handled = (Instant, Option<Box<Streamed>>);

/// Routes one request (`secure`: it came over TLS), runs its handler and
/// gives `out` the response; returns when the response was written
/// (`started` is when it began), and its body when a script streams it.
pub(crate) async fn handle(
    core: &Rc<Core>,
    req: &http::Request<'_, '_>,
    mut out: Answer<'_>,
    secure: bool,
    started: Instant,
    streamed_body: Option<Rc<BodyFeed>>,
) -> Handled {
    let (keep_alive, head) = (req.keep_alive, req.method == "HEAD");
    let n = core.requests.get() + 1;
    core.requests.set(n);
    // Writes the response and counts it under the route's slot.
    let write = |reply: &Reply, out: &mut Answer, slot: usize| {
        let now = record(core, req, n, reply.status, slot, started);
        let mut head_cache = core.head.borrow_mut();
        let ct = reply.content_type.as_deref();
        // Small answers (most) go as they are after one comparison.
        let compressed = match reply.body.len() >= core.config.compression.min_bytes {
            true => compress::apply(
                &core.config.compression,
                req.header("accept-encoding"),
                reply.status,
                ct,
                &reply.headers,
                &reply.body,
            ),
            false => None,
        };
        let (headers, body) = match &compressed {
            Some(c) => (&c.headers, c.body.as_deref().unwrap_or(&reply.body)),
            None => (&reply.headers, &reply.body[..]),
        };
        out.answer(
            &mut head_cache,
            now,
            reply.status,
            ct,
            headers,
            body,
            keep_alive && !core.config.closing(),
            head,
        );
        now
    };
    if req.path == "*" {
        // `OPTIONS *`: what the server as a whole allows.
        let reply = Reply {
            status: 200,
            content_type: None,
            headers: vec![("Allow".into(), http::SERVED_METHODS.into())],
            body: Vec::new(),
            streamed: false,
        };
        return (write(&reply, &mut out, 0), None);
    }
    let live = core.live.borrow().clone();
    // Route literals are stored with upper-case escapes (`/caf%C3%A9`);
    // a client that sent `%c3%a9` means the same path.
    let upper;
    let path = if req.escaped && req.path.bytes().any(|b| b.is_ascii_lowercase()) {
        upper = upper_escapes(req.path);
        upper.as_str()
    } else {
        req.path
    };
    let (index, params) = match live.router.find(req.method, path) {
        Match::NotFound => {
            let reply = Reply::error(404, &format!("no route for {} {}", req.method, req.path));
            return (write(&reply, &mut out, 0), None);
        }
        Match::MethodNotAllowed(allowed) => {
            if req.method == "OPTIONS"
                && let Some(reply) = preflight(&live, req, path)
            {
                return (write(&reply, &mut out, 0), None);
            }
            let mut r = Reply::error(
                405,
                &format!("{} is not allowed on {}", req.method, req.path),
            );
            r.headers.push(("Allow".into(), allowed.join(", ")));
            return (write(&r, &mut out, 0), None);
        }
        Match::Found { route, params } => (route, params),
    };
    let r = &live.router.routes[index];
    // A work's declared rate limit: the headers its answer carries, or its 429.
    let limited = match &r.limit {
        None => Vec::new(),
        Some(l) => {
            let checked = match l.cluster {
                false => super::rate_limit::check(l, req),
                // Boxed: the store's wait stays out of every request's future.
                true => Box::pin(super::rate_limit::check_cluster(core, l, req)).await,
            };
            match checked {
                Ok(headers) => headers,
                Err(reply) => return (write(&reply, &mut out, live.slots[index]), None),
            }
        }
    };
    if let Some(dir) = &r.static_dir {
        let rest = params.as_slice().last().copied().unwrap_or("");
        let slot = live.slots[index];
        return serve_static(core, req, n, out, dir, rest, limited, slot, started);
    }
    if let Some(options) = &r.websocket {
        let slot = live.slots[index];
        let opening = super::socket_open::serve(
            core,
            &live,
            index,
            req,
            n,
            out,
            secure,
            params.as_slice(),
            options,
            limited,
            slot,
            started,
        );
        return Box::pin(opening).await;
    }
    if let Some(p) = &r.proxy {
        let rest = params.as_slice().last().copied().unwrap_or("");
        let slot = live.slots[index];
        let feed = streamed_body;
        let serving = serve_proxy(
            core, &live, index, req, n, out, p, rest, secure, feed, limited, slot, started,
        );
        return Box::pin(serving).await;
    }
    // A work's response cache: a kept answer goes without running the
    // script; else this request makes it while the core's others wait.
    let mut claim = None;
    if let Some(rule) = &r.cache
        && matches!(req.method, "GET" | "HEAD")
    {
        let key = super::response_cache::key(rule, req);
        // Boxed: its waits (a timer, the store) stay out of every
        // request's future.
        match Box::pin(super::response_cache::lookup(core, rule, key)).await {
            Lookup::Hit(kept) => {
                let text = |name| req.header(name).and_then(|v| std::str::from_utf8(v).ok());
                let mut reply = kept.reply(
                    Instant::now(),
                    text("if-none-match"),
                    text("if-modified-since"),
                );
                if let Some(cors) = &r.cors {
                    reply.headers.extend(cors.answer_headers(req));
                }
                reply.headers.extend(limited);
                return (write(&reply, &mut out, live.slots[index]), None);
            }
            // Only a GET's answer is kept (a HEAD's is the same without
            // its body); a HEAD that finds nothing ends the flight empty.
            Lookup::Run(c) if req.method == "GET" => claim = Some(c),
            Lookup::Run(_) | Lookup::Alone => {}
        }
    }
    // A compressed body, decoded (`[compression] requests`); before a
    // worker is taken, so a refusal needs none.
    let decoded;
    let body: &[u8] = match core.config.compression.requests {
        false => &req.body,
        true => match req.header("content-encoding") {
            None => &req.body,
            Some(coding) => {
                match super::decompress::decode(coding, &req.body, core.config.http.body) {
                    Ok(None) => &req.body,
                    Ok(Some(d)) => {
                        decoded = d;
                        &decoded
                    }
                    Err((status, why)) => {
                        let reply = Reply::error(status, why);
                        return (write(&reply, &mut out, live.slots[index]), None);
                    }
                }
            }
        },
    };
    let mut worker = live.worker(&core.config);
    host(&mut worker.vm)
        .request
        .set(req, body, secure, &r.params, params.as_slice());
    if r.stream_body.is_some() {
        // The body reaches the script as a stream: read from the
        // connection as it comes (`body_feed.rs`), or the one that came
        // whole with the head.
        host(&mut worker.vm).request.streams = true;
        worker.vm.request_body = streamed_body.map(|f| f as Rc<dyn vm::io::BodySource>);
    }
    worker
        .tags
        .borrow_mut()
        .set(core.index, n, &r.method, &r.pattern);
    let (mut reply, background) = match run_route(&mut worker, r, core, &live.generation).await {
        Ok(done) => done,
        Err(Poisoned) => {
            // The panic was reported by the panic hook; this VM is dropped
            // and the next request gets a fresh one.
            log::error(&format!(
                "{} {}: internal error; worker replaced",
                r.method, r.pattern
            ));
            let reply = Reply::error(500, "internal error");
            return (write(&reply, &mut out, live.slots[index]), None);
        }
    };
    if let Some(claim) = claim {
        claim.keep(&mut reply);
    }
    if let Some(cors) = &r.cors {
        reply.headers.extend(cors.answer_headers(req));
    }
    if !limited.is_empty() {
        reply.headers.extend(limited);
    }
    let ended = match reply.streamed {
        false => write(&reply, &mut out, live.slots[index]),
        true => write_stream_head(
            core,
            req,
            n,
            &reply,
            &mut out,
            live.slots[index],
            started,
            None,
        ),
    };
    // Hand the buffers back so the next request reuses them.
    let streamed = reply.streamed;
    if r.stream_body.is_some() && !streamed {
        worker.vm.request_body = None;
    }
    let Reply {
        mut body,
        mut headers,
        ..
    } = reply;
    body.clear();
    headers.clear();
    worker.body = body;
    host(&mut worker.vm).response.headers = headers;
    if streamed {
        // What the run queued is counted again once its body is written.
        let _ = background;
        let s = Streamed::new(worker, live.clone(), index);
        if head {
            s.finish(core, false, "a HEAD request has no body");
            return (ended, None);
        }
        return (ended, Some(Box::new(s)));
    }
    finish_run(core, &live, worker, background, r);
    (ended, None)
}

/// Counts a response under its route's slot and logs it: when it was
/// written.
#[inline(always)]
pub(crate) fn record(
    core: &Core,
    req: &http::Request<'_, '_>,
    n: u64,
    status: u16,
    slot: usize,
    started: Instant,
) -> Instant {
    let now = Instant::now();
    let seconds = now.duration_since(started).as_secs_f64();
    core.stats.borrow_mut().routes[slot]
        .2
        .record(status, seconds);
    if core.config.access_log {
        access_log(core.index, n, req, status, seconds);
    }
    now
}

/// The head of a reply whose body is streamed (streamed.rs writes the
/// body; `length` when known), counted and logged as any answer.
#[cold]
#[allow(clippy::too_many_arguments)]
pub(crate) fn write_stream_head(
    core: &Core,
    req: &http::Request<'_, '_>,
    n: u64,
    reply: &Reply,
    out: &mut Answer,
    slot: usize,
    started: Instant,
    length: Option<u64>,
) -> Instant {
    let now = record(core, req, n, reply.status, slot, started);
    let keep_alive = req.keep_alive && !core.config.closing();
    out.stream_head(
        &mut core.head.borrow_mut(),
        now,
        reply.status,
        reply.content_type.as_deref(),
        &reply.headers,
        keep_alive,
        req.minor,
        length,
    );
    now
}

/// An answer made without a script (a static file, a proxied answer):
/// whole, or a head whose body (when not a `HEAD`'s) follows.
pub(crate) enum Unscripted {
    Whole(Reply),
    Head(Reply, Option<u64>, Option<Box<Streamed>>),
}

/// Writes an answer made without a script, counted and logged as any, and
/// not compressed (a folder's precompressed siblings are; an upstream's
/// answer goes as it came).
#[allow(clippy::too_many_arguments)]
pub(crate) fn write_unscripted(
    core: &Core,
    req: &http::Request<'_, '_>,
    n: u64,
    mut out: Answer,
    answer: Unscripted,
    limited: Vec<(String, String)>,
    slot: usize,
    started: Instant,
) -> Handled {
    let answer = match answer {
        Unscripted::Whole(mut reply) => {
            reply.headers.extend(limited);
            Unscripted::Whole(reply)
        }
        Unscripted::Head(mut reply, length, body) => {
            reply.headers.extend(limited);
            Unscripted::Head(reply, length, body)
        }
    };
    match answer {
        Unscripted::Whole(reply) => {
            let now = record(core, req, n, reply.status, slot, started);
            let keep_alive = req.keep_alive && !core.config.closing();
            out.answer(
                &mut core.head.borrow_mut(),
                now,
                reply.status,
                reply.content_type.as_deref(),
                &reply.headers,
                &reply.body,
                keep_alive,
                req.method == "HEAD",
            );
            (now, None)
        }
        Unscripted::Head(reply, length, body) => {
            let now = write_stream_head(core, req, n, &reply, &mut out, slot, started, length);
            (now, body.filter(|_| req.method != "HEAD"))
        }
    }
}

/// A static folder's answer (static_files.rs).
#[cold]
#[allow(clippy::too_many_arguments)]
fn serve_static(
    core: &Core,
    req: &http::Request<'_, '_>,
    n: u64,
    out: Answer,
    dir: &super::static_files::StaticDir,
    rest: &str,
    limited: Vec<(String, String)>,
    slot: usize,
    started: Instant,
) -> Handled {
    use super::static_files::{Served, answer};
    let answer = match answer(dir, req, rest) {
        Served::Whole(reply) => Unscripted::Whole(reply),
        Served::Stream(reply, file, len) => {
            Unscripted::Head(reply, Some(len), Some(Box::new(Streamed::file(file, len))))
        }
    };
    write_unscripted(core, req, n, out, answer, limited, slot, started)
}

/// A proxied route's answer (proxy.rs).
#[allow(clippy::too_many_arguments)]
async fn serve_proxy(
    core: &Rc<Core>,
    live: &Rc<Live>,
    index: usize,
    req: &http::Request<'_, '_>,
    n: u64,
    mut out: Answer<'_>,
    route: &super::proxy::ProxyRoute,
    rest: &str,
    secure: bool,
    mut feed: Option<Rc<BodyFeed>>,
    mut limited: Vec<(String, String)>,
    slot: usize,
    started: Instant,
) -> Handled {
    use super::proxy::{Forwarded, forward};
    use super::proxy_hooks::{after, before};
    // The script's `request` hook: what it changes is sent; an answer it
    // gives is the client's, and nothing is sent.
    let mut rewrite = None;
    // Its middleware runs with the `request` hook, in front of it.
    if route.hooks[0] || !live.router.routes[index].middleware.is_empty() {
        let mut path = Vec::new();
        super::proxy::write_path(&mut path, route, req.path, rest);
        let path = String::from_utf8_lossy(&path).into_owned();
        // The hook sees the body (`req.body`) when it came whole, or has
        // a length it may be read whole in; a longer one stays streamed.
        let mut read = None;
        if let Some(f) = &feed
            && req
                .header("content-length")
                .and_then(http::content_length)
                .is_some_and(|n| n as u64 <= super::proxy::WHOLE)
        {
            match super::proxy::read_body(f).await {
                Ok(body) => read = Some(body),
                Err((status, why)) => {
                    let answer = Unscripted::Whole(Reply::error(status, &why));
                    return write_unscripted(core, req, n, out, answer, limited, slot, started);
                }
            }
        }
        let body = match &read {
            Some(b) => Some(&b[..]),
            None => feed.is_none().then_some(&req.body[..]),
        };
        // Boxed: the hook's state is not part of every proxied request's.
        match Box::pin(before(core, live, index, req, secure, &path, rest, body)).await {
            Ok(mut r) => {
                // The body read for it goes as read, unless it gave another;
                // a body it gave replaces a streamed one (left unread).
                if r.body.is_none() {
                    r.body = read;
                }
                if r.body.is_some() {
                    feed = None;
                }
                limited.append(&mut r.answer_fields);
                rewrite = Some(r);
            }
            Err(reply) => {
                let answer = Unscripted::Whole(reply);
                return write_unscripted(core, req, n, out, answer, limited, slot, started);
            }
        }
    }
    let mut forwarded = forward(route, req, secure, rest, feed, rewrite.as_ref()).await;
    // The `response` hook sees the target's head; an answer it gives
    // replaces the target's (whose body is dropped unread).
    if route.hooks[1] {
        let whole = matches!(forwarded, Forwarded::Whole(_));
        let head = match &mut forwarded {
            Forwarded::Whole(r) | Forwarded::Head(r, _) | Forwarded::Stream(r, _) => Some(r),
            Forwarded::Tunnel(..) => None,
        };
        if let Some(head) = head
            && let Some(replacement) =
                Box::pin(after(core, live, index, req, secure, rest, head, whole)).await
        {
            forwarded = Forwarded::Whole(replacement);
        }
    }
    let answer = match forwarded {
        Forwarded::Whole(reply) => Unscripted::Whole(reply),
        Forwarded::Head(reply, length) => Unscripted::Head(reply, length, None),
        Forwarded::Stream(reply, body) => Unscripted::Head(reply, body.length, Some(body)),
        Forwarded::Tunnel(reply, conn) => {
            let Answer::Http1(bytes) = &mut out else {
                let refused = Reply::error(502, "an upgrade cannot be answered over HTTP/2");
                let answer = Unscripted::Whole(refused);
                return write_unscripted(core, req, n, out, answer, limited, slot, started);
            };
            let now = record(core, req, n, reply.status, slot, started);
            http::write_switch_head(bytes, &reply.headers);
            return (now, Some(Box::new(Streamed::tunnel(conn))));
        }
    };
    write_unscripted(core, req, n, out, answer, limited, slot, started)
}

/// The answer (204) to a browser's preflight for a route whose work
/// allows cross-origin requests: `OPTIONS` with the method it asks for.
#[cold]
fn preflight(live: &Live, req: &http::Request<'_, '_>, path: &str) -> Option<Reply> {
    let asked = std::str::from_utf8(req.header("access-control-request-method")?).ok()?;
    let Match::Found { route, .. } = live.router.find(asked, path) else {
        return None;
    };
    let cors = live.router.routes[route].cors.as_ref()?;
    Some(Reply {
        status: 204,
        content_type: None,
        headers: cors.preflight_headers(req, asked),
        body: Vec::new(),
        streamed: false,
    })
}

/// `path` with the two hex digits after each `%` in upper case.
pub(crate) fn upper_escapes(path: &str) -> String {
    let mut out = path.as_bytes().to_vec();
    let mut i = 0;
    while i < out.len() {
        if out[i] == b'%' && i + 2 < out.len() {
            out[i + 1] = out[i + 1].to_ascii_uppercase();
            out[i + 2] = out[i + 2].to_ascii_uppercase();
            i += 3;
        } else {
            i += 1;
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| path.to_string())
}

/// One access-log line: method, path, status, time, request id.
pub(crate) fn access_log(
    core: usize,
    n: u64,
    req: &http::Request<'_, '_>,
    status: u16,
    seconds: f64,
) {
    let id = super::request_log::request_id(core, n);
    let ms = format!("{:.3}", seconds * 1000.0);
    if log::json() {
        use log::Field::{Number, Text};
        log::event_typed(
            log::Level::Info,
            "access",
            &[
                ("method", Text(req.method)),
                ("path", Text(req.path)),
                ("status", Number(status as f64)),
                ("duration_ms", Number((seconds * 1e6).round() / 1e3)),
                ("request_id", Text(&id)),
            ],
        );
    } else {
        log::info(&format!(
            "access {} {} {status} {ms} ms #{id}",
            req.method, req.path
        ));
    }
}

/// A worker whose run ended: back to the pool, or on to its `go()`
/// functions when it queued some.
#[inline(always)]
pub(crate) fn finish_run(
    core: &Rc<Core>,
    live: &Rc<Live>,
    worker: Box<Worker>,
    background: Background,
    route: &Route,
) {
    if background.is_empty() {
        live.pool.borrow_mut().push(worker);
    } else {
        start_background(core, live, worker, background, route);
    }
}

/// Runs the request's `go()` functions on their own task, so the response
/// does not wait; the worker (whose heap holds their captured values) goes
/// back to the pool when they end. Past the core's limit they are refused.
pub(crate) fn start_background(
    core: &Rc<Core>,
    live: &Rc<Live>,
    mut worker: Box<Worker>,
    background: Background,
    route: &Route,
) {
    // Counted per function: a request may queue up to QUEUED_PER_RUN.
    let n = background.len();
    if core.background.get() + n > core.config.background_limit {
        log::error(&format!(
            "{} {}: {n} go() function(s) refused: {} already running on this core (limits.background = {})",
            route.method,
            route.pattern,
            core.background.get(),
            core.config.background_limit
        ));
        background.discard(&mut worker.vm);
        live.pool.borrow_mut().push(worker);
        return;
    }
    core.background.set(core.background.get() + n);
    let core = core.clone();
    let live = live.clone();
    monoio::spawn(async move {
        let ok = background.run(&mut worker.vm, &core.services).await;
        core.background.set(core.background.get() - n);
        if ok.is_ok() {
            live.pool.borrow_mut().push(worker);
        }
    });
}

/// The answer to a run that failed (counted by why; 500, 503, or what
/// the error says).
pub(crate) fn run_failed(
    core: &Core,
    route: &Route,
    tags: &std::cell::RefCell<super::request_log::Tags>,
    vm: &mut vm::Vm,
    e: vm::Uncaught,
) -> Reply {
    let cause = Cause::of(vm, &e);
    {
        let mut stats = core.stats.borrow_mut();
        match (e.budget, cause) {
            // The client's fault, not the script's.
            (None, Cause::BadBody | Cause::TooLarge | Cause::RateLimited) => {}
            (None, _) => stats.script_errors += 1,
            (Some(vm::Budget::Instructions), _) => stats.budget_instructions += 1,
            (Some(vm::Budget::Memory), _) => stats.budget_memory += 1,
        }
    }
    let id = tags.borrow().request_id();
    let mut reply = error_reply(route, &e, core.config.dev, cause, &id);
    if cause == Cause::RateLimited {
        // `Retry-After` and the `RateLimit-*` headers `limit()` set.
        reply.headers = std::mem::take(&mut host(vm).response.headers);
    }
    reply
}

/// What a script's top level gave a request.
pub(crate) enum TopLevel {
    /// The wanted route's handler, to call.
    Handler(Value),
    /// The file form's return value: the response itself.
    Response(Value),
}

/// Runs a route's script and handler to a reply, with the go() functions
/// it queued; `Err(Poisoned)` if the VM panicked.
pub(crate) async fn run_route(
    worker: &mut Worker,
    route: &Route,
    core: &Core,
    generation: &Generation,
) -> Result<(Reply, Background), Poisoned> {
    let services = &core.services;
    let vm = &mut worker.vm;
    vm.limits = route.budget.over(core.config.vm);
    host(vm).begin_request(route.ordinal);
    // A route's handler was made when the modules ran on this VM; the file
    // form's script runs its top level, whose value is the response.
    let found = match worker.handlers.get(route.declared).copied().flatten() {
        Some(f) => {
            guarded(|| vm.reset())?;
            Ok(TopLevel::Handler(f))
        }
        // Only a script can be the file form (a module must give a
        // handler, `load_files` checks): a module's route without one is
        // on a worker whose modules failed to run (logged when it was made).
        None if generation.graph.modules[route.script]
            .program
            .module
            .is_some() =>
        {
            let e = vm::error::Interrupt::error(
                vm::error::ErrorKind::Error,
                "this worker's modules failed to load (the log says why)".to_string(),
            );
            Err(vm.uncaught(e))
        }
        None => {
            let main = worker.mains[route.script];
            let top = guarded(|| vm.start(main))?;
            match driver::finish(vm, services, top).await? {
                Ok(v) => {
                    let handler = match &mut host(vm).mode {
                        Mode::Serve { handler, .. } => handler.take(),
                        _ => None,
                    };
                    Ok(handler.map_or(TopLevel::Response(v), TopLevel::Handler))
                }
                Err(e) => Err(e),
            }
        }
    };
    // The middleware in front of the handler, if any (middleware.rs).
    let chain = worker.chains.get(route.declared).and_then(Option::as_ref);
    let first = match found {
        // A module's `export default { fetch }`: `fetch(request, env, ctx)`.
        Ok(TopLevel::Handler(f)) if route.fetch => {
            guarded(|| match super::request_api::fetch_arguments(vm) {
                Ok(args) => middleware::start(vm, chain, f, args[0], &args),
                Err(e) => Err(vm.uncaught(e)),
            })?
        }
        // The route has a handler function: call it, with `req` when it takes one.
        Ok(TopLevel::Handler(f)) => guarded(|| {
            let wants_req = matches!(f, Value::Obj(id) if vm.function_arity(id) > 0);
            if !wants_req && chain.is_none() {
                return vm.start_call(f, &[]);
            }
            match super::request_api::request_object(vm) {
                Ok(req) => {
                    let args: &[Value] = if wants_req { &[req] } else { &[] };
                    middleware::start(vm, chain, f, req, args)
                }
                Err(e) => Err(vm.uncaught(e)),
            }
        })?,
        // The file form: the script's own return value is the response.
        Ok(TopLevel::Response(v)) => Ok(vm::Outcome::Done(v)),
        Err(e) => Err(e),
    };
    let body = std::mem::take(&mut worker.body);
    let tags = &worker.tags;
    let on_error = |vm: &mut vm::Vm, e: vm::Uncaught| run_failed(core, route, tags, vm, e);
    let (mut reply, background) =
        lifecycle::complete(vm, services, first, |vm, v| to_reply(vm, v, body), on_error).await?;
    if let Some(v) = &route.version {
        reply.headers.push(("X-Work-Version".into(), v.clone()));
    }
    if core.config.dev {
        reply
            .headers
            .push(("X-Kitwork-Generation".into(), generation.id()));
    }
    Ok((reply, background))
}
