//! One pinned worker: its monoio runtime, its `SO_REUSEPORT` listener, its
//! router, its pool of VMs (one per request in flight; one is enough while
//! handlers do not wait) and the connection loop: parse every complete
//! request in the buffer, answer them all with one write, keep the
//! connection alive.

use super::Generation;
use super::direct::{Direct, DirectRoutes};
use super::http::{self, HttpLimits, Parsed};
use super::metrics::{CoreStats, Snapshot};
use super::request_log::{RequestLog, Tags};
use super::router::{Match, Route, Router};
use super::work::{self, Host, Mode};
use crate::log;
use lang::bytecode::FuncIdx;
use monoio::io::{AsyncReadRent, AsyncWriteRentExt};
use monoio::net::{ListenerOpts, TcpListener, TcpStream};
use runtime::Services;
use runtime::driver::{self, Poisoned, guarded};
use runtime::lifecycle::{self, Background};
use std::cell::Cell;
use std::cell::RefCell;
use std::future::Future;
use std::net::SocketAddr;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::Poll;
use std::time::{Duration, Instant};
use vm::json::Format;
use vm::{Limits, Uncaught, Value, Vm};

/// How this core serves.
#[derive(Clone, Debug)]
pub struct CoreConfig {
    pub http: HttpLimits,
    pub vm: Limits,
    /// Include error traces in 500 bodies.
    pub dev: bool,
    /// Set once by the signal handler: stop accepting, finish what is in
    /// flight, close idle connections, exit. Read at accept and between
    /// requests only, never per instruction.
    pub shutdown: Arc<AtomicBool>,
    /// How long a draining core waits for in-flight requests.
    pub drain_timeout: Duration,
    /// The database and TLS roots scripts' I/O uses.
    pub setup: runtime::Setup,
    /// Most `go()` functions a core runs at once; more are refused and logged.
    pub background_limit: usize,
    /// Most connections this core holds open; past it, new ones wait in
    /// the listen backlog until one closes.
    pub max_connections: usize,
    /// Log one line per request.
    pub access_log: bool,
}

impl CoreConfig {
    /// Default HTTP limits, no dev mode, a shutdown flag of its own and a
    /// 10 s drain: what tests, benchmarks and embedders start from.
    pub fn new(vm: Limits) -> CoreConfig {
        CoreConfig {
            http: HttpLimits::default(),
            vm,
            dev: false,
            shutdown: Arc::new(AtomicBool::new(false)),
            drain_timeout: Duration::from_secs(10),
            setup: runtime::Setup::new(),
            background_limit: 1024,
            max_connections: 10_000,
            access_log: false,
        }
    }
}

/// How often an idle wait looks at the shutdown flag.
const SHUTDOWN_POLL: Duration = Duration::from_millis(100);

/// How long accepting pauses after `accept` fails (out of descriptors or
/// memory): open connections keep being served meanwhile, and the next
/// attempt finds the descriptors their closing freed. nginx pauses too
/// (`accept_mutex_delay`, 500 ms); shorter here, so recovery is quick.
const ACCEPT_PAUSE: Duration = Duration::from_millis(100);

/// At most one log line per this long about failing accepts, with a count.
const ACCEPT_LOG_EVERY: Duration = Duration::from_secs(1);

/// Connection buffers grown past this (a large response, a large body)
/// are given back once used, so an idle connection holds little.
const BUFFER_KEEP: usize = 64 * 1024;

/// The generations a core serves, newest last: the reloader sends, every
/// core watches.
pub type Generations = tokio::sync::watch::Receiver<Arc<Generation>>;

/// How the admin listener asks a core for its counters: it sends where
/// the answer goes.
pub type Scrapes = tokio::sync::mpsc::UnboundedReceiver<tokio::sync::oneshot::Sender<Snapshot>>;

/// A VM with the generation's scripts linked into it.
struct Worker {
    vm: Vm,
    mains: Vec<FuncIdx>,
    /// Routes whose handler is called without running the top level.
    direct: DirectRoutes,
    /// What the VM's log lines are tagged with.
    tags: Rc<RefCell<Tags>>,
    /// The response body buffer, reused from request to request.
    body: Vec<u8>,
}

/// One generation as this core serves it: its router and its VMs. A
/// request holds the `Live` it started on until it ends, so a swap never
/// changes the code under a running request; the old one (and its VMs)
/// is freed when its last request is done.
struct Live {
    generation: Arc<Generation>,
    router: Router,
    /// Boxed: a worker moves out of the pool and back for every request,
    /// and a box moves as a pointer (`request/hello` 0.59 → 0.56 µs).
    pool: RefCell<Vec<Box<Worker>>>,
    /// Per route (by index): its slot in the core's `CoreStats`.
    slots: Vec<usize>,
}

impl Live {
    fn new(generation: Arc<Generation>, config: &CoreConfig, stats: &mut CoreStats) -> Live {
        let mut router = Router::default();
        for r in &generation.routes {
            router
                .add(r.clone())
                .expect("route conflicts are rejected at load");
        }
        let slots = router
            .routes
            .iter()
            .map(|r| stats.slot(&r.method, &r.pattern))
            .collect();
        let first = new_worker(&generation, config);
        Live {
            generation,
            router,
            pool: RefCell::new(vec![first]),
            slots,
        }
    }
}

struct Core {
    /// Connections open on this core (for the drain on shutdown and
    /// `max_connections`).
    open: Cell<usize>,
    /// Woken when a connection closes, for an accept loop at its limit.
    closed: tokio::sync::Notify,
    /// Connections closed since memory was last given back (`trim_memory`).
    closes: Cell<u64>,
    /// The generation new requests start on.
    live: RefCell<Rc<Live>>,
    config: CoreConfig,
    head: RefCell<http::HeadCache>,
    services: Services,
    /// `go()` functions running now.
    background: Cell<usize>,
    /// Which core this is (0, 1…), for metrics and request ids.
    index: usize,
    /// Requests this core has started: the second half of request ids.
    requests: Cell<u64>,
    stats: RefCell<CoreStats>,
}

/// A response before it is written.
pub struct Reply {
    pub status: u16,
    pub content_type: Option<std::borrow::Cow<'static, str>>,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    fn error(status: u16, message: &str) -> Reply {
        Reply {
            status,
            content_type: Some("application/json".into()),
            headers: Vec::new(),
            body: http::error_body(message),
        }
    }
}

impl Core {
    fn new(index: usize, generation: Arc<Generation>, config: CoreConfig) -> Core {
        let mut stats = CoreStats::new();
        let live = Live::new(generation, &config, &mut stats);
        let services = Services::new(&config.setup);
        Core {
            index,
            requests: Cell::new(0),
            stats: RefCell::new(stats),
            services,
            background: Cell::new(0),
            open: Cell::new(0),
            closed: tokio::sync::Notify::new(),
            closes: Cell::new(0),
            live: RefCell::new(Rc::new(live)),
            config,
            head: RefCell::default(),
        }
    }

    /// Makes `generation` the one new requests start on (a request
    /// boundary by construction: running requests keep theirs).
    fn swap(&self, generation: Arc<Generation>) {
        let live = Live::new(generation, &self.config, &mut self.stats.borrow_mut());
        *self.live.borrow_mut() = Rc::new(live);
    }

    /// A copy of this core's counters, for the admin listener.
    fn snapshot(&self) -> Snapshot {
        Snapshot {
            core: self.index,
            stats: self.stats.borrow().clone(),
            open_connections: self.open.get(),
            generation: self.live.borrow().generation.id(),
        }
    }
}

/// The request path without sockets, for tests and benchmarks: parse →
/// route → run → serialize, on the calling thread. Its handlers must not
/// wait (`sleep()`, I/O): there is no executor to wait on.
pub struct InProcess {
    core: Rc<Core>,
}

impl InProcess {
    pub fn new(generation: Generation, config: CoreConfig) -> InProcess {
        InProcess {
            core: Rc::new(Core::new(0, Arc::new(generation), config)),
        }
    }

    /// Answers every complete request at the start of `raw`, appending the
    /// responses to `out`; returns how many bytes were used.
    pub fn serve(&self, raw: &[u8], out: &mut Vec<u8>) -> usize {
        use std::future::Future;
        use std::task::{Context, Poll, Waker};
        let mut consumed = 0;
        loop {
            let mut slots = http::header_slots();
            let Parsed::Complete(req, used) =
                http::parse(&raw[consumed..], &mut slots, &self.core.config.http)
            else {
                return consumed;
            };
            consumed += used;
            let head = req.method == "HEAD";
            let started = Instant::now();
            let fut = std::pin::pin!(handle(&self.core, &req, out, req.keep_alive, head, started));
            if let Poll::Pending = fut.poll(&mut Context::from_waker(Waker::noop())) {
                panic!("a handler waited, which InProcess cannot serve");
            }
        }
    }
}

fn new_worker(generation: &Generation, config: &CoreConfig) -> Box<Worker> {
    let mut vm = Vm::with_natives(config.vm, work::install);
    vm.queries.tables = config.setup.tables.clone();
    vm.enable_collector(vm::collect::COLLECT_EVERY);
    let mains = generation.scripts.iter().map(|p| vm.load(p)).collect();
    let tags = Rc::new(RefCell::new(Tags::default()));
    vm.out = Box::new(RequestLog::new(tags.clone()));
    let host = Host::new(&mut vm);
    vm.host = Some(Box::new(host));
    Box::new(Worker {
        vm,
        mains,
        direct: DirectRoutes::default(),
        tags,
        body: Vec::new(),
    })
}

/// The worker's host state (always present: `new_worker` puts it there).
fn host(vm: &mut Vm) -> &mut Host {
    vm.host
        .as_mut()
        .and_then(|h| h.downcast_mut::<Host>())
        .expect("gateway VMs carry a Host")
}

/// Runs one worker thread until the process ends: binds `addr` (with
/// `SO_REUSEPORT`, so every core listens on the same port) and serves.
/// `bound` receives the actual address once listening.
pub fn run(
    index: usize,
    core_id: Option<core_affinity::CoreId>,
    io: crate::Io,
    addr: SocketAddr,
    generations: Generations,
    scrapes: Scrapes,
    config: CoreConfig,
    bound: std::sync::mpsc::Sender<std::io::Result<SocketAddr>>,
) {
    use crate::Io;
    if let Some(id) = core_id {
        core_affinity::set_for_current(id);
    }
    let serve = serve_core(index, addr, generations, scrapes, config, bound.clone());
    let result = match io {
        Io::Epoll => monoio::RuntimeBuilder::<monoio::LegacyDriver>::new()
            .enable_timer()
            .build()
            .map(|mut rt| rt.block_on(serve)),
        Io::Uring => monoio::RuntimeBuilder::<monoio::IoUringDriver>::new()
            .enable_timer()
            .build()
            .map(|mut rt| rt.block_on(serve)),
        Io::Auto => match monoio::RuntimeBuilder::<monoio::IoUringDriver>::new()
            .enable_timer()
            .build()
        {
            Ok(mut rt) => Ok(rt.block_on(serve)),
            // No io_uring here (old kernel, seccomp, memlock): epoll it is.
            Err(_) => monoio::RuntimeBuilder::<monoio::LegacyDriver>::new()
                .enable_timer()
                .build()
                .map(|mut rt| rt.block_on(serve)),
        },
    };
    if let Err(e) = result {
        let _ = bound.send(Err(e));
    }
}

/// The life of one core: listen, accept, serve, drain.
async fn serve_core(
    index: usize,
    addr: SocketAddr,
    mut generations: Generations,
    mut scrapes: Scrapes,
    config: CoreConfig,
    bound: std::sync::mpsc::Sender<std::io::Result<SocketAddr>>,
) {
    let listener = match TcpListener::bind_with_config(
        addr,
        &ListenerOpts::new().reuse_port(true).backlog(4096),
    ) {
        Ok(l) => l,
        Err(e) => {
            let _ = bound.send(Err(e));
            return;
        }
    };
    let _ = bound.send(listener.local_addr());
    let first = generations.borrow_and_update().clone();
    let core = Rc::new(Core::new(index, first, config));
    // Reloads: each new generation becomes the one new requests start on.
    let swapper = core.clone();
    monoio::spawn(async move {
        while generations.changed().await.is_ok() {
            let next = generations.borrow_and_update().clone();
            swapper.swap(next);
        }
    });
    let counted = core.clone();
    monoio::spawn(async move {
        while let Some(reply) = scrapes.recv().await {
            let _ = reply.send(counted.snapshot());
        }
    });
    monoio::spawn(trim_memory(core.clone()));
    let shutdown = core.config.shutdown.clone();
    let mut refused = AcceptFailures::default();
    // One accept stays pending across the shutdown checks: cancelling it
    // can drop a connection the kernel already accepted under io_uring.
    'serving: loop {
        // Checked here too: with clients connecting more often than the
        // poll below, the accept always wins and the poll never runs.
        if shutdown.load(Ordering::Relaxed) {
            break 'serving;
        }
        // At the limit, new connections wait in the backlog (nginx's
        // `worker_connections` refuses them instead; waiting serves them
        // as soon as a slot frees).
        while core.open.get() >= core.config.max_connections {
            monoio::select! {
                _ = core.closed.notified() => {}
                _ = monoio::time::sleep(SHUTDOWN_POLL) => {
                    if shutdown.load(Ordering::Relaxed) {
                        break 'serving;
                    }
                }
            }
        }
        let accepted = {
            let mut pending = std::pin::pin!(listener.accept());
            loop {
                monoio::select! {
                    r = &mut pending => break r,
                    _ = monoio::time::sleep(SHUTDOWN_POLL) => {
                        if shutdown.load(Ordering::Relaxed) {
                            break 'serving;
                        }
                    }
                }
            }
        };
        match accepted {
            Ok((stream, _)) => {
                refused.recovered();
                let _ = stream.set_nodelay(true);
                core.open.set(core.open.get() + 1);
                let c = core.clone();
                monoio::spawn(async move {
                    // VM steps are guarded one by one; this is the net
                    // under the rest of the connection's code: a bug there
                    // costs that connection, never the core.
                    use futures_util::FutureExt;
                    let served = std::panic::AssertUnwindSafe(serve_connection(stream, c.clone()));
                    if served.catch_unwind().await.is_err() {
                        log::error("internal error: a connection was closed");
                    }
                    c.open.set(c.open.get() - 1);
                    c.closed.notify_one();
                    c.closes.set(c.closes.get() + 1);
                });
            }
            Err(e) => {
                // Out of descriptors (EMFILE, ENFILE) or memory: retrying
                // at once spins the core and floods the log. Pause, keep
                // serving, say so once a second.
                refused.failed(&e, index);
                monoio::time::sleep(ACCEPT_PAUSE).await;
            }
        }
    }
    // Draining: the listener closes now (new connections are refused by
    // the kernel); wait for the open ones, and for the go() functions
    // already started, to finish, up to the drain timeout.
    drop(listener);
    let deadline = Instant::now() + core.config.drain_timeout;
    while (core.open.get() > 0 || core.background.get() > 0) && Instant::now() < deadline {
        monoio::time::sleep(Duration::from_millis(10)).await;
    }
    if core.open.get() > 0 || core.background.get() > 0 {
        log::warn(&format!(
            "core {index}: drain timeout: closing {} connection(s), dropping {} running go() function(s)",
            core.open.get(),
            core.background.get()
        ));
    }
}

/// Gives freed memory back to the system after many connections closed:
/// glibc keeps what a burst of connections freed (1,000 slowloris
/// connections left 28 MB behind for good). Looked at every
/// `TRIM_EVERY`, so it costs nothing per request.
async fn trim_memory(core: Rc<Core>) {
    const TRIM_EVERY: Duration = Duration::from_secs(5);
    const AFTER_CLOSES: u64 = 256;
    loop {
        monoio::time::sleep(TRIM_EVERY).await;
        if core.closes.get() >= AFTER_CLOSES {
            core.closes.set(0);
            // SAFETY: malloc_trim only walks the allocator's own free lists.
            unsafe {
                libc::malloc_trim(0);
            }
        }
    }
}

/// Failed accepts since the last log line about them.
#[derive(Default)]
struct AcceptFailures {
    count: u64,
    logged: Option<Instant>,
}

impl AcceptFailures {
    fn failed(&mut self, e: &std::io::Error, core: usize) {
        self.count += 1;
        let now = Instant::now();
        if self
            .logged
            .is_none_or(|at| now.duration_since(at) >= ACCEPT_LOG_EVERY)
        {
            log::error(&format!(
                "core {core}: accept failed {} time(s): {e}; pausing accepts, open connections are still served",
                self.count
            ));
            self.logged = Some(now);
            self.count = 0;
        }
    }

    fn recovered(&mut self) {
        if self.logged.take().is_some() {
            log::info("accepting connections again");
        }
        self.count = 0;
    }
}

async fn serve_connection(mut stream: TcpStream, core: Rc<Core>) {
    let limits = core.config.http;
    // The request and response buffers grow on first use (and keep their
    // room while the connection serves): a connection that never sends a
    // whole request holds only its read buffer. With all three made up
    // front, 1,000 slowloris connections took 28 MB.
    let mut buf: Vec<u8> = Vec::new();
    let mut out: Vec<u8> = Vec::new();
    let mut chunk: Vec<u8> = vec![0; 16 * 1024];
    let mut sent_continue = false;
    // When the request being answered started: when its bytes were read,
    // or when the one before it in the same read was answered. One clock
    // read per request, where reading it at each start and end took two.
    let mut clock = Instant::now();
    // When the last read returned, and the deadline of the request still
    // being received: its head must be in `header_timeout` after its
    // first byte, its body `body_timeout` after its head, however slowly
    // the bytes drip (a deadline per read let a client that sends a byte
    // now and then keep a connection forever).
    let mut last_read = clock;
    let mut receiving: Option<Receiving> = None;
    loop {
        // Answer the complete requests in the buffer, until the unsent
        // responses reach `output_buffer`: a client that pipelines and
        // does not read then waits for itself, with bounded memory.
        let mut consumed = 0;
        let mut close = false;
        let mut more = false;
        let mut in_body = false;
        let draining = core.config.shutdown.load(Ordering::Relaxed);
        loop {
            if out.len() >= limits.output_buffer {
                more = true;
                break;
            }
            let mut slots = http::header_slots();
            match http::parse(&buf[consumed..], &mut slots, &limits) {
                Parsed::Complete(req, used) => {
                    consumed += used;
                    sent_continue = false;
                    let head = req.method == "HEAD";
                    clock = handle(&core, &req, &mut out, req.keep_alive, head, clock).await;
                    // While draining, every answer closes its connection
                    // (`handle` read the flag when it wrote the answer: a
                    // request already running when SIGTERM came is one).
                    if !req.keep_alive || core.config.shutdown.load(Ordering::Relaxed) {
                        close = true;
                        break;
                    }
                }
                Parsed::Partial {
                    in_body: body,
                    expect_continue,
                } => {
                    if expect_continue && !sent_continue {
                        out.extend_from_slice(b"HTTP/1.1 100 Continue\r\n\r\n");
                        sent_continue = true;
                    }
                    in_body = body;
                    break;
                }
                Parsed::Reject(status, why) => {
                    write_error(&core, &mut out, status, why);
                    close = true;
                    break;
                }
            }
        }
        buf.drain(..consumed);
        if consumed > 0 {
            receiving = None;
        }
        if !out.is_empty() {
            // A client that does not read for `send_timeout` loses the
            // connection (nginx's `send_timeout`). The timer is set only
            // when the write does not finish at once: setting and clearing
            // one for every write cost 370 instructions a pipelined request
            // (loadtest/instructions.sh).
            let mut write = std::pin::pin!(stream.write_all(out));
            let first = std::future::poll_fn(|cx| Poll::Ready(write.as_mut().poll(cx))).await;
            let (res, written) = match first {
                Poll::Ready(done) => done,
                Poll::Pending => match monoio::time::timeout(limits.send_timeout, write).await {
                    Ok(done) => done,
                    Err(_) => return,
                },
            };
            out = written;
            if res.is_err() {
                return;
            }
            out.clear();
            if out.capacity() > BUFFER_KEEP {
                out = Vec::with_capacity(16 * 1024);
            }
        }
        if close {
            return;
        }
        if more {
            continue;
        }
        if draining && buf.is_empty() {
            return;
        }
        if buf.capacity() > BUFFER_KEEP && buf.len() < 16 * 1024 {
            buf.shrink_to(16 * 1024);
        }
        // Wait for more: an idle connection may wait long, a started
        // request until its deadline. The wait is cut in slices so a
        // shutdown closes idle connections.
        let mut now = Instant::now();
        let deadline = if buf.is_empty() {
            receiving = None;
            now + limits.idle_timeout
        } else {
            let r = receiving.get_or_insert(Receiving {
                in_body: false,
                deadline: last_read + limits.header_timeout,
            });
            if in_body && !r.in_body {
                *r = Receiving {
                    in_body: true,
                    deadline: now + limits.body_timeout,
                };
            }
            r.deadline
        };
        // One read stays pending across the shutdown checks: cancelling a
        // read can lose bytes under io_uring, so it is only dropped when the
        // connection is given up anyway.
        let read = {
            let mut pending = std::pin::pin!(stream.read(std::mem::take(&mut chunk)));
            loop {
                let slice = SHUTDOWN_POLL.min(deadline.saturating_duration_since(now));
                monoio::select! {
                    r = &mut pending => break Ok(r),
                    _ = monoio::time::sleep_until((now + slice).into()) => {
                        now = Instant::now();
                        let idle_and_draining = buf.is_empty() && core.config.shutdown.load(Ordering::Relaxed);
                        if now >= deadline || idle_and_draining {
                            break Err(());
                        }
                    }
                }
            }
        };
        let (res, back) = match read {
            Ok(r) => r,
            Err(_) => {
                if !buf.is_empty() {
                    write_error(&core, &mut out, 408, "request timed out");
                    let write = stream.write_all(out);
                    let _ = monoio::time::timeout(SHUTDOWN_POLL, write).await;
                }
                return;
            }
        };
        chunk = back;
        match res {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
        clock = Instant::now();
        last_read = clock;
    }
}

/// The request a connection is receiving: which part, and by when it must
/// be complete.
struct Receiving {
    in_body: bool,
    deadline: Instant,
}

/// A connection-level error response; the connection closes after it.
fn write_error(core: &Core, out: &mut Vec<u8>, status: u16, why: &str) {
    let mut head_cache = core.head.borrow_mut();
    let body = http::error_body(why);
    let json = Some("application/json");
    let now = Instant::now();
    // A 405 says what is allowed (RFC 9110 §15.5.6).
    let allow = [("Allow".to_string(), http::SERVED_METHODS.to_string())];
    let extra: &[(String, String)] = if status == 405 { &allow } else { &[] };
    http::write_response(
        out,
        &mut head_cache,
        now,
        status,
        json,
        extra,
        &body,
        false,
        false,
    );
}

/// Routes one request, runs its handler and appends the response to `out`;
/// returns when the response was written (`started` is when it began).
async fn handle(
    core: &Rc<Core>,
    req: &http::Request<'_, '_>,
    out: &mut Vec<u8>,
    keep_alive: bool,
    head: bool,
    started: Instant,
) -> Instant {
    let n = core.requests.get() + 1;
    core.requests.set(n);
    // Writes the response and counts it under the route's slot.
    let write = |reply: &Reply, out: &mut Vec<u8>, slot: usize| {
        let now = Instant::now();
        let seconds = now.duration_since(started).as_secs_f64();
        core.stats.borrow_mut().routes[slot]
            .2
            .record(reply.status, seconds);
        if core.config.access_log {
            access_log(core.index, n, req, reply.status, seconds);
        }
        let mut head_cache = core.head.borrow_mut();
        let ct = reply.content_type.as_deref();
        http::write_response(
            out,
            &mut head_cache,
            now,
            reply.status,
            ct,
            &reply.headers,
            &reply.body,
            keep_alive && !core.config.shutdown.load(Ordering::Relaxed),
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
        };
        return write(&reply, out, 0);
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
            return write(
                &Reply::error(404, &format!("no route for {} {}", req.method, req.path)),
                out,
                0,
            );
        }
        Match::MethodNotAllowed(allowed) => {
            let mut r = Reply::error(
                405,
                &format!("{} is not allowed on {}", req.method, req.path),
            );
            r.headers.push(("Allow".into(), allowed.join(", ")));
            return write(&r, out, 0);
        }
        Match::Found { route, params } => (route, params),
    };
    let r = &live.router.routes[index];
    let worker = live.pool.borrow_mut().pop();
    let mut worker = worker.unwrap_or_else(|| new_worker(&live.generation, &core.config));
    host(&mut worker.vm)
        .request
        .set(req, &r.params, params.as_slice());
    worker
        .tags
        .borrow_mut()
        .set(core.index, n, &r.method, &r.pattern);
    let (reply, background) = match run_route(&mut worker, r, core, &live.generation).await {
        Ok(done) => done,
        Err(Poisoned) => {
            // The panic was reported by the panic hook; this VM is dropped
            // and the next request gets a fresh one.
            log::error(&format!(
                "{} {}: internal error; worker replaced",
                r.method, r.pattern
            ));
            return write(&Reply::error(500, "internal error"), out, live.slots[index]);
        }
    };
    let ended = write(&reply, out, live.slots[index]);
    // Hand the buffers back so the next request reuses them.
    let Reply {
        mut body,
        mut headers,
        ..
    } = reply;
    body.clear();
    headers.clear();
    worker.body = body;
    host(&mut worker.vm).response.headers = headers;
    if background.is_empty() {
        live.pool.borrow_mut().push(worker);
    } else {
        start_background(core, &live, worker, background, r);
    }
    ended
}

/// `path` with the two hex digits after each `%` in upper case.
fn upper_escapes(path: &str) -> String {
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
fn access_log(core: usize, n: u64, req: &http::Request<'_, '_>, status: u16, seconds: f64) {
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

/// Runs the request's `go()` functions on their own task, so the response
/// does not wait; the worker (whose heap holds their captured values) goes
/// back to the pool when they end. Past the core's limit they are refused.
fn start_background(
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

/// What a script's top level gave a request.
enum TopLevel {
    /// The wanted route's handler, to call.
    Handler(Value),
    /// The file form's return value: the response itself.
    Response(Value),
}

/// Runs a route's script and handler to a reply, with the go() functions
/// it queued; `Err(Poisoned)` if the VM panicked.
async fn run_route(
    worker: &mut Worker,
    route: &Route,
    core: &Core,
    generation: &Generation,
) -> Result<(Reply, Background), Poisoned> {
    let services = &core.services;
    let vm = &mut worker.vm;
    vm.limits = route.budget.over(core.config.vm);
    host(vm).begin_request(route.ordinal);
    let main = worker.mains[route.script];
    // The top level declares the routes and hands over the wanted route's
    // handler, unless this worker already holds it (gateway/direct.rs).
    let direct = worker.direct.get(route.script, route.ordinal);
    let found = match direct {
        Direct::Yes(fi) => guarded(|| {
            vm.reset();
            match vm.captureless_closure(fi) {
                Ok(f) => Ok(TopLevel::Handler(f)),
                Err(e) => Err(vm.uncaught(e)),
            }
        })?,
        Direct::Unknown | Direct::No => {
            let top = guarded(|| vm.start(main))?;
            match driver::finish(vm, services, top).await? {
                Ok(v) => {
                    let handler = match &mut host(vm).mode {
                        Mode::Serve { handler, .. } => handler.take(),
                        _ => None,
                    };
                    if direct == Direct::Unknown {
                        let (script, ordinal) = (route.script, route.ordinal);
                        worker.direct.learn(vm, main, script, ordinal, handler);
                    }
                    Ok(handler.map_or(TopLevel::Response(v), TopLevel::Handler))
                }
                Err(e) => Err(e),
            }
        }
    };
    let first = match found {
        // The route has a handler function: call it, with `req` when it takes one.
        Ok(TopLevel::Handler(f)) => guarded(|| {
            let wants_req = matches!(f, Value::Obj(id) if vm.function_arity(id) > 0);
            if !wants_req {
                return vm.start_call(f, &[]);
            }
            match work::request_object(vm) {
                Ok(req) => vm.start_call(f, &[req]),
                Err(e) => Err(vm.uncaught(e)),
            }
        })?,
        // The file form: the script's own return value is the response.
        Ok(TopLevel::Response(v)) => Ok(vm::Outcome::Done(v)),
        Err(e) => Err(e),
    };
    let body = std::mem::take(&mut worker.body);
    let tags = &worker.tags;
    let (mut reply, background) =
        lifecycle::complete(vm, services, first, |vm, result| match result {
            Ok(v) => to_reply(vm, v, body),
            Err(e) => {
                let cause = Cause::of(vm, &e);
                {
                    let mut stats = core.stats.borrow_mut();
                    match (e.budget, cause) {
                        // The client's fault, not the script's.
                        (None, Cause::BadBody) => {}
                        (None, _) => stats.script_errors += 1,
                        (Some(vm::Budget::Instructions), _) => stats.budget_instructions += 1,
                        (Some(vm::Budget::Memory), _) => stats.budget_memory += 1,
                    }
                }
                let id = tags.borrow().request_id();
                error_reply(route, &e, core.config.dev, cause, &id)
            }
        })
        .await?;
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

/// Why an uncaught error ended a request, from its `code`.
#[derive(Clone, Copy, PartialEq)]
enum Cause {
    Script,
    /// The database cannot be reached (`DB_UNAVAILABLE`): 503.
    DbUnavailable,
    /// The client's body could not be parsed (`BAD_REQUEST_BODY`): 400.
    BadBody,
}

impl Cause {
    fn of(vm: &mut Vm, e: &Uncaught) -> Cause {
        let Value::Obj(o) = e.value else {
            return Cause::Script;
        };
        let Some(code) = vm.heap.lookup_atom("code") else {
            return Cause::Script;
        };
        let found = vm.get_own(o, code);
        match found.and_then(|c| vm.heap.str(c)) {
            Some(c) if c == vm::DB_UNAVAILABLE => Cause::DbUnavailable,
            Some(c) if c == work::BAD_REQUEST_BODY => Cause::BadBody,
            _ => Cause::Script,
        }
    }
}

fn error_reply(route: &Route, e: &Uncaught, dev: bool, cause: Cause, request_id: &str) -> Reply {
    let first = e
        .report
        .lines()
        .next()
        .unwrap_or("")
        .trim_start_matches("Uncaught ");
    // A body the client sent wrong is its error, not the script's.
    let level = if cause == Cause::BadBody {
        log::Level::Warn
    } else {
        log::Level::Error
    };
    if log::json() {
        let route_text = format!("{} {}", route.method, route.pattern);
        log::event(
            level,
            &e.report,
            &[
                ("route", &route_text),
                ("source", &route.location),
                ("request_id", request_id),
            ],
        );
    } else {
        let line = format!(
            "{} {} ({}) #{request_id}: {}",
            route.method, route.pattern, route.location, e.report
        );
        log::event(level, &line, &[]);
    }
    let budget = e.budget.is_some();
    let message = if budget {
        format!("{first} in route {} {}", route.method, route.pattern)
    } else if cause == Cause::DbUnavailable {
        // Where the database is stays in the log, not in the answer.
        "the database is unavailable".to_string()
    } else {
        first.to_string()
    };
    let status = match cause {
        _ if budget => 503,
        Cause::DbUnavailable => 503,
        Cause::BadBody => 400,
        Cause::Script => 500,
    };
    let mut reply = Reply::error(status, &message);
    if dev {
        let mut body = b"{\"error\":".to_vec();
        semantics::quote::write_quoted(&message, &mut body);
        body.extend_from_slice(b",\"trace\":");
        semantics::quote::write_quoted(&e.report, &mut body);
        body.push(b'}');
        reply.body = body;
    }
    reply
}

/// Maps a handler's value to a response (see the README's table).
fn to_reply(vm: &mut Vm, v: Value, body: Vec<u8>) -> Reply {
    let mut reply = Reply {
        status: 200,
        content_type: None,
        headers: std::mem::take(&mut host(vm).response.headers),
        body,
    };
    match v {
        Value::Undefined | Value::Null => reply.status = 204,
        Value::Atom(_) | Value::Str(_) => {
            reply
                .body
                .extend_from_slice(vm.heap.str(v).unwrap_or("").as_bytes());
            reply.content_type = Some("text/plain; charset=utf-8".into());
        }
        _ => {
            if let Value::Obj(o) = v {
                let status = host(vm).keys.status;
                if let Some(Value::Num(n)) = vm.get_own(o, status) {
                    if (100.0..=599.0).contains(&n) && n.fract() == 0.0 {
                        // 1xx are the gateway's: a `101` written here left
                        // the body unframed on a kept-alive connection.
                        let Some(s) = super::fields::script_status(n) else {
                            return Reply::error(
                                500,
                                &format!("a handler cannot answer with status {n} (200-599)"),
                            );
                        };
                        reply.status = s;
                    }
                }
            }
            match vm.write_json(v, &Format::COMPACT, &mut reply.body) {
                Ok(_) => reply.content_type = Some("application/json".into()),
                Err(e) => {
                    let msg = match e {
                        vm::Interrupt::Error(b) | vm::Interrupt::Abort(b) => b.1.clone(),
                        _ => "the response could not be serialized".into(),
                    };
                    return Reply::error(500, &msg);
                }
            }
        }
    }
    let response = &mut host(vm).response;
    if let Some(ct) = response.content_type.take() {
        reply.content_type = Some(ct.into());
    }
    if let Some(s) = response.status {
        reply.status = s;
    }
    reply
}
