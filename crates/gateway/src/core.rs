//! One pinned worker: its monoio runtime, its `SO_REUSEPORT` listener, its
//! router, its pool of VMs (one per request in flight; one is enough while
//! handlers do not wait) and its accept loop. `connection.rs` frames the
//! requests of one connection, `dispatch.rs` runs them, `reply.rs` turns
//! what a handler returned into a response.

use super::Generation;
use super::connection::serve_connection;
use super::direct::DirectRoutes;
use super::dispatch::handle;
use super::host::Host;
use super::http::{self, HttpLimits, Parsed};
use super::metrics::{CoreStats, Snapshot};
use super::request_log::{RequestLog, Tags};
use super::router::Router;
use super::work;
use crate::log;
use lang::bytecode::FuncIdx;
use monoio::net::{ListenerOpts, TcpListener};
use runtime::Services;
use std::cell::Cell;
use std::cell::RefCell;
use std::net::SocketAddr;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use vm::{Limits, Vm};

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
pub(crate) const SHUTDOWN_POLL: Duration = Duration::from_millis(100);

/// How long accepting pauses after `accept` fails (out of descriptors or
/// memory): open connections keep being served meanwhile, and the next
/// attempt finds the descriptors their closing freed. nginx pauses too
/// (`accept_mutex_delay`, 500 ms); shorter here, so recovery is quick.
pub(crate) const ACCEPT_PAUSE: Duration = Duration::from_millis(100);

/// At most one log line per this long about failing accepts, with a count.
pub(crate) const ACCEPT_LOG_EVERY: Duration = Duration::from_secs(1);

/// Connection buffers grown past this (a large response, a large body)
/// are given back once used, so an idle connection holds little.
pub(crate) const BUFFER_KEEP: usize = 64 * 1024;

/// The generations a core serves, newest last: the reloader sends, every
/// core watches.
pub type Generations = tokio::sync::watch::Receiver<Arc<Generation>>;

/// How the admin listener asks a core for its counters: it sends where
/// the answer goes.
pub type Scrapes = tokio::sync::mpsc::UnboundedReceiver<tokio::sync::oneshot::Sender<Snapshot>>;

/// A VM with the generation's scripts linked into it.
pub(crate) struct Worker {
    pub(crate) vm: Vm,
    pub(crate) mains: Vec<FuncIdx>,
    /// Routes whose handler is called without running the top level.
    pub(crate) direct: DirectRoutes,
    /// What the VM's log lines are tagged with.
    pub(crate) tags: Rc<RefCell<Tags>>,
    /// The response body buffer, reused from request to request.
    pub(crate) body: Vec<u8>,
}

/// One generation as this core serves it: its router and its VMs. A
/// request holds the `Live` it started on until it ends, so a swap never
/// changes the code under a running request; the old one (and its VMs)
/// is freed when its last request is done.
pub(crate) struct Live {
    pub(crate) generation: Arc<Generation>,
    pub(crate) router: Router,
    /// Boxed: a worker moves out of the pool and back for every request,
    /// and a box moves as a pointer (`request/hello` 0.59 → 0.56 µs).
    pub(crate) pool: RefCell<Vec<Box<Worker>>>,
    /// Per route (by index): its slot in the core's `CoreStats`.
    pub(crate) slots: Vec<usize>,
}

impl Live {
    pub(crate) fn new(
        generation: Arc<Generation>,
        config: &CoreConfig,
        stats: &mut CoreStats,
    ) -> Live {
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

pub(crate) struct Core {
    /// Connections open on this core (for the drain on shutdown and
    /// `max_connections`).
    pub(crate) open: Cell<usize>,
    /// Woken when a connection closes, for an accept loop at its limit.
    pub(crate) closed: tokio::sync::Notify,
    /// Connections closed since memory was last given back (`trim_memory`).
    pub(crate) closes: Cell<u64>,
    /// The generation new requests start on.
    pub(crate) live: RefCell<Rc<Live>>,
    pub(crate) config: CoreConfig,
    pub(crate) head: RefCell<http::HeadCache>,
    pub(crate) services: Services,
    /// `go()` functions running now.
    pub(crate) background: Cell<usize>,
    /// Which core this is (0, 1…), for metrics and request ids.
    pub(crate) index: usize,
    /// Requests this core has started: the second half of request ids.
    pub(crate) requests: Cell<u64>,
    pub(crate) stats: RefCell<CoreStats>,
}

impl Core {
    pub(crate) fn new(index: usize, generation: Arc<Generation>, config: CoreConfig) -> Core {
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
    pub(crate) fn swap(&self, generation: Arc<Generation>) {
        let live = Live::new(generation, &self.config, &mut self.stats.borrow_mut());
        *self.live.borrow_mut() = Rc::new(live);
    }

    /// A copy of this core's counters, for the admin listener.
    pub(crate) fn snapshot(&self) -> Snapshot {
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
    pub(crate) core: Rc<Core>,
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

pub(crate) fn new_worker(generation: &Generation, config: &CoreConfig) -> Box<Worker> {
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
pub(crate) fn host(vm: &mut Vm) -> &mut Host {
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
pub(crate) async fn serve_core(
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
pub(crate) async fn trim_memory(core: Rc<Core>) {
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
pub(crate) struct AcceptFailures {
    pub(crate) count: u64,
    pub(crate) logged: Option<Instant>,
}

impl AcceptFailures {
    pub(crate) fn failed(&mut self, e: &std::io::Error, core: usize) {
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

    pub(crate) fn recovered(&mut self) {
        if self.logged.take().is_some() {
            log::info("accepting connections again");
        }
        self.count = 0;
    }
}
