//! What one core keeps: its configuration, the live generation with its
//! router, its pool of VMs (one per request in flight) and its counters.

use super::Generation;
use super::host::Host;
use super::http::{self, HttpLimits};
use super::metrics::{CoreStats, Snapshot};
use super::request_log::{RequestLog, Tags};
use super::router::Router;
use lang::bytecode::FuncIdx;
use runtime::Services;
use std::cell::Cell;
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use vm::{Limits, Value, Vm};

/// How this core serves.
#[derive(Clone, Debug)]
pub struct CoreConfig {
    pub http: HttpLimits,
    pub vm: Limits,
    /// Include error traces in 500 bodies.
    pub dev: bool,
    /// Set once by the signal handler: stop accepting, finish what is in
    /// flight, close idle connections, exit. Read at accept and between
    /// requests only, never per instruction. Set `stopping` first (or
    /// with it): answers look only at that.
    pub shutdown: Arc<AtomicBool>,
    /// Set at the signal to stop, `drain_delay_ms` before `shutdown`:
    /// from then on every answer closes its connection (HTTP/2: GOAWAY)
    /// and `/__kitwork/ready` fails, while the listeners still accept, so
    /// a balancer takes the node out before its connections close (no
    /// request of its is then sent on a connection the drain closes).
    pub stopping: Arc<AtomicBool>,
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
    /// Compressing answers by `Accept-Encoding` (compress.rs).
    pub compression: super::compress::Compression,
    /// The TLS listener's configuration, as reloaded (`[[tls]]`); none,
    /// no TLS listener.
    pub tls: Option<super::tls::Configs>,
    /// The cleartext listener answers every request with a redirect to
    /// the TLS listener.
    pub redirect_https: bool,
    /// TLS sessions each core keeps for resumption by session id (TLS
    /// 1.2 clients without tickets; TLS 1.3 when tickets are off); 0: none.
    pub tls_sessions: usize,
    /// HTTP/2's settings (h2.rs).
    pub http2: super::h2::Http2,
    /// How the cores reach each other's WebSocket subscribers (shared by
    /// the clones of one configuration: one server's cores).
    pub sockets: Arc<super::socket_hub::Peers>,
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
            stopping: Arc::new(AtomicBool::new(false)),
            drain_timeout: Duration::from_secs(10),
            setup: runtime::Setup::new(),
            background_limit: 1024,
            max_connections: 10_000,
            access_log: false,
            compression: Default::default(),
            tls: None,
            redirect_https: false,
            tls_sessions: 4096,
            http2: Default::default(),
            sockets: Arc::default(),
        }
    }

    /// Whether answers close their connections now: from the signal to
    /// stop on, through the drain. One load per answer (`shutdown` is
    /// only ever set after `stopping`).
    pub fn closing(&self) -> bool {
        self.stopping.load(Ordering::Relaxed)
    }
}

thread_local! {
    /// This core's runtime reads by readiness (epoll): a read dropped
    /// before it returned took nothing. Not so with io_uring, where a
    /// submitted read may complete as it is dropped.
    static READS_CANCEL_SAFE: Cell<bool> = const { Cell::new(false) };
}

/// Says whether this thread's runtime reads by readiness (core.rs, as it
/// builds the runtime).
pub(crate) fn set_reads_cancel_safe(safe: bool) {
    READS_CANCEL_SAFE.with(|c| c.set(safe));
}

pub(crate) fn reads_cancel_safe() -> bool {
    READS_CANCEL_SAFE.with(Cell::get)
}

/// How often an idle wait looks at the shutdown flag.
pub(crate) const SHUTDOWN_POLL: Duration = Duration::from_millis(100);

/// Connection buffers grown past this (a large response, a large body)
/// are given back once used, so an idle connection holds little.
pub(crate) const BUFFER_KEEP: usize = 64 * 1024;

/// The generations a core serves, newest last: the reloader sends, every
/// core watches.
pub type Generations = tokio::sync::watch::Receiver<Arc<Generation>>;

/// What the admin listener asks a core, with where the answer goes.
pub enum Ask {
    /// Its counters (`/__kitwork/metrics`, `/status`, `/health`).
    Snapshot(tokio::sync::oneshot::Sender<Snapshot>),
    /// Whether the stores its scripts use answer (`/__kitwork/ready`).
    Ready(tokio::sync::oneshot::Sender<Result<(), String>>),
}

/// How a core hears the admin listener.
pub type Scrapes = tokio::sync::mpsc::UnboundedReceiver<Ask>;

/// A VM with the generation's scripts linked into it.
pub(crate) struct Worker {
    pub(crate) vm: Vm,
    pub(crate) mains: Vec<FuncIdx>,
    /// Each route's handler (by `Route::declared`), made when the modules
    /// ran once on this VM and kept as module state; `None` for the file
    /// form, whose script runs on every request.
    pub(crate) handlers: Vec<Option<Value>>,
    /// Each route's middleware (by `Route::declared`), made with the
    /// handlers; `None` for a route without any.
    pub(crate) chains: Vec<Option<Rc<[Value]>>>,
    /// Each route's functions besides its handler (by `Route::declared`;
    /// `RouteDecl::events`).
    pub(crate) events: Vec<Option<[Value; 2]>>,
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
    /// and a box moves as a pointer.
    pub(crate) pool: RefCell<Vec<Box<Worker>>>,
    /// Per route (by index): its slot in the core's `CoreStats`.
    pub(crate) slots: Vec<usize>,
    /// Whether a route streams its request bodies: when none does, a
    /// request is not looked up twice (`body_feed::stream_body_max`).
    pub(crate) streams_bodies: bool,
}

impl Live {
    /// A worker for a run: the pool's, or a new one.
    #[inline(always)]
    pub(crate) fn worker(&self, config: &CoreConfig) -> Box<Worker> {
        let pooled = self.pool.borrow_mut().pop();
        pooled.unwrap_or_else(|| new_worker(&self.generation, config))
    }

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
        let streams_bodies = router.routes.iter().any(|r| r.stream_body.is_some());
        Live {
            generation,
            router,
            pool: RefCell::new(vec![first]),
            slots,
            streams_bodies,
        }
    }
}

pub(crate) struct Core {
    /// Connections open on this core (for the drain on shutdown and
    /// `max_connections`).
    pub(crate) open: Cell<usize>,
    /// Of those, the idle ones parked (parking.rs), and where.
    pub(crate) parked: Cell<usize>,
    pub(crate) parking: RefCell<Option<Rc<super::parking::Lot>>>,
    /// Woken when a connection closes, for an accept loop at its limit.
    pub(crate) closed: tokio::sync::Notify,
    /// Woken once when the core starts draining (its accept loop sees the
    /// shutdown flag): idle connections close then, rather than each
    /// looking at the flag every `SHUTDOWN_POLL`.
    pub(crate) draining: tokio::sync::Notify,
    /// Connections closed since memory was last given back (`trim_memory`).
    pub(crate) closes: Cell<u64>,
    /// The generation new requests start on.
    pub(crate) live: RefCell<Rc<Live>>,
    pub(crate) config: CoreConfig,
    pub(crate) head: RefCell<http::HeadCache>,
    pub(crate) services: Services,
    /// Answers kept by works' `.cache({ … })`, and the runs others wait on.
    pub(crate) cache: RefCell<super::response_cache::Cache>,
    /// `go()` functions running now.
    pub(crate) background: Cell<usize>,
    /// Which core this is (0, 1…), for metrics and request ids.
    pub(crate) index: usize,
    /// Requests this core has started: the second half of request ids.
    pub(crate) requests: Cell<u64>,
    pub(crate) stats: RefCell<CoreStats>,
    /// The TLS configuration new handshakes use (`core::serve_core` keeps
    /// it current as reloads come).
    pub(crate) tls: RefCell<Option<Arc<rustls::ServerConfig>>>,
}

impl Core {
    pub(crate) fn new(index: usize, generation: Arc<Generation>, config: CoreConfig) -> Core {
        let mut stats = CoreStats::new();
        let live = Live::new(generation, &config, &mut stats);
        let services = Services::new(&config.setup);
        let tls = config
            .tls
            .as_ref()
            .map(|c| own_tls(&c.borrow(), config.tls_sessions));
        Core {
            tls: RefCell::new(tls),
            index,
            requests: Cell::new(0),
            stats: RefCell::new(stats),
            services,
            cache: RefCell::default(),
            background: Cell::new(0),
            open: Cell::new(0),
            parked: Cell::new(0),
            parking: RefCell::default(),
            closed: tokio::sync::Notify::new(),
            draining: tokio::sync::Notify::new(),
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

    /// Makes `config` the one new handshakes use.
    pub(crate) fn swap_tls(&self, config: &Arc<rustls::ServerConfig>) {
        *self.tls.borrow_mut() = Some(own_tls(config, self.config.tls_sessions));
    }

    /// A copy of this core's counters, for the admin listener.
    pub(crate) fn snapshot(&self) -> Snapshot {
        Snapshot {
            core: self.index,
            stats: self.stats.borrow().clone(),
            open_connections: self.open.get(),
            open_sockets: super::socket_hub::count(),
            parked_connections: self.parked.get(),
            generation: self.live.borrow().generation.id(),
        }
    }
}

/// The shared TLS configuration with a session cache of this core's own
/// (`sessions` entries): nothing on the handshake path is shared between
/// cores but what never changes (the ticket key, which every core must
/// know to resume each other's sessions, is only read).
fn own_tls(shared: &Arc<rustls::ServerConfig>, sessions: usize) -> Arc<rustls::ServerConfig> {
    let mut config = (**shared).clone();
    config.session_storage = match sessions {
        0 => Arc::new(rustls::server::NoServerSessionStorage {}),
        n => rustls::server::ServerSessionMemoryCache::new(n),
    };
    Arc::new(config)
}

pub(crate) fn new_worker(generation: &Generation, config: &CoreConfig) -> Box<Worker> {
    let mut vm = Vm::with_natives(config.vm, |vm| super::install(vm, &generation.env));
    // A request's timers die with it, once its answer is known.
    vm.timers_outlive_result = false;
    vm.queries.tables = config.setup.tables.clone();
    vm.enable_collector(vm::collect::COLLECT_EVERY);
    let tags = Rc::new(RefCell::new(Tags::default()));
    vm.out = Box::new(RequestLog::new(tags.clone()));
    // The modules run once here, as they did when the generation loaded;
    // what they made is this VM's module state from now on.
    let (mains, decls) = super::evaluate(&mut vm, &generation.graph, &generation.upstreams);
    let (handlers, chains, events) = match decls {
        Ok(decls) => {
            let mut made = (Vec::new(), Vec::new(), Vec::new());
            for d in decls {
                let chain = (!d.middleware.is_empty()).then(|| Rc::from(d.middleware));
                made.0.push(d.handler);
                made.1.push(chain);
                made.2.push(d.events);
            }
            made
        }
        Err(e) => {
            // It loaded once already: only a top level that behaves
            // differently on a second run gets here. Its routes answer 500
            // (dispatch.rs).
            crate::log::error(&format!("a worker's modules failed to load: {e}"));
            (Vec::new(), Vec::new(), Vec::new())
        }
    };
    vm.seal_state();
    let host = Host::new(&mut vm);
    vm.host = Some(Box::new(host));
    Box::new(Worker {
        vm,
        mains,
        handlers,
        chains,
        events,
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
