//! Bytes → responses: `kitwork serve`. A generation (every script of the
//! work folder, compiled together, and the routes they declare) is built
//! once, then every core gets its own copy of the router and its own VMs.
//!
//! | module | owns |
//! |---|---|
//! | [`core`], `per_core`, `listener`, `wire`, `connection`, [`h2`], `dispatch`, `reply` | a pinned worker and its accept loops; what it keeps; what an accepted connection becomes; its byte stream (TCP or TLS); HTTP/1.1 framing; HTTP/2; one request; the response a handler's value makes |
//! | [`tls`] | the certificates by SNI, the rustls configuration, its reloader |
//! | [`http`], `fields`, `cookie` | request parsing and the response writer (docs/HTTP.md); checks of script-set headers; `Set-Cookie` |
//! | [`router`] | the route trie |
//! | [`work`], [`host`], [`request_api`], `response_api`, `form`, [`request_data`] | what scripts see: the `work()` DSL, the request and response natives and their state |
//! | [`reload`], [`admin`], [`metrics`], [`request_log`], [`log`] | hot reload, the admin listener, counters, script output, log lines |
//! | [`descriptors`] | the descriptor limit and each core's share of connections |

pub mod admin;
mod body_feed;
pub mod compress;
mod conditional;
mod connection;
mod cookie;
pub mod core;
pub mod cors;
pub mod decompress;
pub mod deploy;
pub mod descriptors;
mod dispatch;
mod fields;
mod form;
pub mod h2;
pub mod host;
pub mod http;
mod listener;
pub mod log;
pub mod metrics;
mod middleware;
mod parking;
mod per_core;
mod proxy;
mod proxy_hooks;
mod rate_limit;
pub mod reload;
mod reply;
pub mod request_api;
pub mod request_data;
pub mod request_log;
mod response_api;
mod response_cache;
mod route_events;
pub mod router;
mod sendfile;
mod socket_api;
mod socket_hub;
mod socket_open;
mod static_files;
mod streamed;
pub mod tls;
mod tunnel;
mod upstream;
mod upstream_api;
pub mod upstream_config;
mod upstream_conn;
mod websocket;
mod wire;
pub mod work;

use lang::link::LinkedGraph;
use router::{Route, Router};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use vm::{Limits, Outcome, Vm};

/// Which I/O driver the cores run on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Io {
    /// io_uring where the kernel allows it, else epoll.
    Auto,
    Uring,
    /// The default: faster than io_uring on this machine kind
    /// (../shared/runtime-evidence.md).
    Epoll,
}

impl Io {
    /// `auto`, `uring` or `epoll`, as `kitwork.toml` and `--io` spell them.
    pub fn from_name(name: &str) -> Option<Io> {
        match name {
            "auto" => Some(Io::Auto),
            "uring" => Some(Io::Uring),
            "epoll" => Some(Io::Epoll),
            _ => None,
        }
    }
}

/// Every module of a work folder (and what they import), compiled and
/// linked, and the routes they declare.
pub struct Generation {
    pub graph: LinkedGraph,
    /// The files the graph was read from, for the reloader to watch.
    pub files: Vec<PathBuf>,
    pub routes: Vec<Route>,
    /// Which load this is (1 for the first), set by the reloader.
    pub number: u64,
    /// A hash of every module's name and text: equal folders, equal hashes.
    pub hash: u64,
    /// What scripts read as `env` (`[env]` and the secrets), the same for
    /// every generation of a running server.
    pub env: Env,
    /// The upstream pools kitwork.toml declares (`[upstreams.NAME]`),
    /// the same for every generation too.
    pub upstreams: upstream_config::Upstreams,
}

/// Names and values scripts read as the global `env`.
pub type Env = std::sync::Arc<[(String, String)]>;

impl Generation {
    /// `number-hash`, as logged and reported: `3-9f2c41d07a6b5e18`.
    pub fn id(&self) -> String {
        format!("{}-{:016x}", self.number, self.hash)
    }
}

/// The `.js` files under `dir`, sorted.
pub fn script_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d)? {
            let p = e?.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "js") {
                out.push(p);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// The project a work folder belongs to (where `node_modules` and
/// `package.json` are): the folder above it.
pub fn project_of(work_dir: &Path) -> PathBuf {
    let abs = std::path::absolute(work_dir).unwrap_or_else(|_| work_dir.to_path_buf());
    abs.parent().map(Path::to_path_buf).unwrap_or(abs)
}

/// What a server gives every generation it loads, from its
/// configuration: what scripts read as `env`, and the upstream pools
/// kitwork.toml declares.
#[derive(Clone)]
pub struct Settings {
    pub env: Env,
    pub upstreams: upstream_config::Upstreams,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            env: Env::from([]),
            upstreams: upstream_config::Upstreams::from([]),
        }
    }
}

/// Compiles a work folder and runs its modules once to collect their
/// routes. On failure, every diagnostic, rendered.
pub fn load(dir: &Path) -> Result<Generation, String> {
    load_with(dir, &Settings::default())
}

/// `load`, with the server's settings.
pub fn load_with(dir: &Path, settings: &Settings) -> Result<Generation, String> {
    let files =
        script_files(dir).map_err(|e| format!("error: cannot read {}: {e}\n", dir.display()))?;
    load_files_with(&project_of(dir), &files, settings)
}

/// Compiles `files` (every one an entry) and what they import within the
/// project at `root`, and runs every top level to declare the routes, as
/// each core does (`kitwork check` runs this too).
pub fn load_files(root: &Path, files: &[PathBuf]) -> Result<Generation, String> {
    load_files_with(root, files, &Settings::default())
}

/// `load_files`, with the server's settings.
pub fn load_files_with(
    root: &Path,
    files: &[PathBuf],
    settings: &Settings,
) -> Result<Generation, String> {
    let env = settings.env.clone();
    let mut loaded = modules::graph::load(root, files)?;
    // What `import()` names runs at load too: module state is read-only
    // while serving, so no request may be the one to evaluate a module.
    loaded.graph.plan_every_module();
    let mut hash = runtime::content_hash::Hasher::default();
    for m in &loaded.graph.modules {
        hash.add(m.program.source.name.as_bytes());
        hash.add(m.program.source.text.as_bytes());
    }
    let mut vm = Vm::with_natives(LOAD_LIMITS, |vm| install(vm, &env));
    vm.timers_outlive_result = false;
    vm.out = Box::new(std::io::stderr());
    let decls = evaluate(&mut vm, &loaded.graph, &settings.upstreams).1?;
    let mut errors = String::new();
    let mut router = Router::default();
    let mut per_module: Vec<usize> = vec![0; loaded.graph.modules.len()];
    for (declared, d) in decls.into_iter().enumerate() {
        let module = d.module.unwrap_or(0);
        let ordinal = per_module[module];
        per_module[module] += 1;
        // A static folder: resolved against the project, and it must exist.
        let proxy = d.proxy.clone();
        let static_dir = match &d.static_folder {
            None => None,
            Some(decl) => {
                match std::fs::canonicalize(root.join(&decl.folder)) {
                    Ok(dir) if dir.is_dir() => Some(std::sync::Arc::new(
                        static_files::StaticDir::new(dir, decl.max_age, decl.index.clone()),
                    )),
                    _ => {
                        errors.push_str(&format!(
                        "error: {} {} serves the folder {}, which is not a folder under {}\n  --> {}\n",
                        d.method,
                        d.path,
                        decl.folder,
                        root.display(),
                        d.location
                    ));
                        continue;
                    }
                }
            }
        };
        if d.handler.is_none()
            && static_dir.is_none()
            && proxy.is_none()
            && loaded.graph.modules[module].program.module.is_some()
        {
            errors.push_str(&format!(
                "error: {} {} has no handler\n  --> {}\n  = the file form (top-level statements and `return`) is for scripts; a module gives `.handle(fn)` or `.get(path, fn)`\n",
                d.method, d.path, d.location
            ));
            continue;
        }
        let route = Route {
            method: d.method,
            pattern: d.path,
            params: Vec::new(),
            work: d.work,
            version: d.version,
            budget: d.budget,
            // A proxied route relays its request bodies as they come,
            // whatever their size (the target sets its own limit).
            stream_body: match &proxy {
                Some(_) => Some(u64::MAX),
                None => d.stream_body,
            },
            cors: d.cors,
            limit: d.limit,
            cache: d.cache,
            script: module,
            ordinal,
            declared,
            location: d.location,
            fetch: d.fetch,
            middleware: d.middleware_at,
            static_dir,
            proxy,
            websocket: d.websocket,
        };
        if let Err(c) = router.add(route) {
            if c.existing == usize::MAX {
                errors.push_str(&format!(
                    "error: {} {} has more than {} parameters\n  --> {}\n",
                    c.new.method,
                    c.new.pattern,
                    router::MAX_PARAMS,
                    c.new.location
                ));
                continue;
            }
            let old = &router.routes[c.existing];
            errors.push_str(&format!(
                "error: {} {} is declared twice\n  --> {}\n  --> {}\n",
                c.new.method, c.new.pattern, old.location, c.new.location
            ));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Generation {
        graph: loaded.graph,
        files: loaded.files,
        routes: router.routes,
        number: 1,
        hash: hash.finish(),
        env,
        upstreams: settings.upstreams.clone(),
    })
}

/// What the gateway adds to every VM it makes: `work()` and its kin, and
/// the global `env`.
pub(crate) fn install(vm: &mut Vm, env: &Env) {
    work::install(vm);
    vm::builtins::web::workers::set_env(vm, env);
}

/// The budgets modules' top levels run under, when a generation loads and
/// on every worker VM (not the per-request ones, which may be smaller).
const LOAD_LIMITS: Limits = Limits {
    instructions: 10_000_000,
    memory: 256 << 20,
};

/// Runs a generation's top levels on `vm`, in register mode: every module
/// once, in the graph's order. Returns the top levels as linked and the
/// routes declared, with their handlers (which stay valid only if the
/// caller then seals the VM's state, as workers do), or why they could
/// not all run.
pub(crate) fn evaluate(
    vm: &mut Vm,
    graph: &LinkedGraph,
    configured: &[std::sync::Arc<upstream::Upstream>],
) -> (
    Vec<lang::bytecode::FuncIdx>,
    Result<Vec<host::RouteDecl>, String>,
) {
    let mains = vm.load_graph(graph);
    let serving = std::mem::replace(&mut vm.limits, LOAD_LIMITS);
    let routes = declare_routes(vm, graph, &mains, configured);
    vm.limits = serving;
    (mains, routes)
}

/// `evaluate`'s run, on programs already linked as `mains`.
fn declare_routes(
    vm: &mut Vm,
    graph: &LinkedGraph,
    mains: &[lang::bytecode::FuncIdx],
    configured: &[std::sync::Arc<upstream::Upstream>],
) -> Result<Vec<host::RouteDecl>, String> {
    let host = host::Host::new(vm);
    vm.host = Some(Box::new(host));
    match vm.start_graph(graph, mains) {
        Ok(Outcome::Done(_)) => {}
        Ok(Outcome::Pending(_)) => {
            let at = vm.evaluating_module().map_or(String::new(), |m| {
                format!("{} ", graph.modules[m].program.source.name)
            });
            return Err(format!(
                "error: {at}waits for I/O while loading: only handlers may (db(), http() and sleep() belong inside a handler)\n"
            ));
        }
        Err(e) => {
            return Err(format!(
                "error: a module failed while loading\n{}\n",
                e.report
            ));
        }
    }
    let host = vm.host.take().and_then(|h| h.downcast::<host::Host>().ok());
    let (mut routes, uses, mut upstreams) = match host.map(|h| (h.mode, h.uses, h.upstreams)) {
        Some((host::Mode::Register { routes }, uses, upstreams)) => (routes, uses, upstreams),
        _ => (Vec::new(), Vec::new(), Vec::new()),
    };
    // The pools kitwork.toml declares; a script's of the same name is an error.
    for c in configured {
        if upstreams.iter().any(|u| u.name == c.name) {
            return Err(format!(
                "error: upstream {} is declared in kitwork.toml and by a script\n",
                c.name
            ));
        }
        upstreams.push(c.clone());
    }
    routes.extend(fetch_routes(vm, graph)?);
    upstream_api::resolve(&mut routes, &upstreams)?;
    middleware::attach(&mut routes, &uses)?;
    Ok(routes)
}

/// The methods a module's `export default { fetch }` serves.
const FETCH_METHODS: [&str; 6] = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

/// The routes of the entry modules in the Workers format: `export default
/// { fetch(request, env, ctx) }` serves every path (`/*path`) and method
/// the `work()` routes do not, with `fetch` bound to the object.
fn fetch_routes(vm: &mut Vm, graph: &LinkedGraph) -> Result<Vec<host::RouteDecl>, String> {
    let mut routes = Vec::new();
    for &m in &graph.entries {
        let module = &graph.modules[m];
        if module.program.module.is_none() {
            continue;
        }
        let Some(default @ vm::Value::Obj(_)) = vm.module_export(m, "default") else {
            continue;
        };
        let name = module.program.source.name.clone();
        let fetch_key = vm.heap.intern("fetch");
        let bind_key = vm.heap.intern("bind");
        let bound = vm
            .get_field(default, fetch_key)
            .and_then(|f| match vm.is_callable(f) {
                true => vm
                    .get_field(f, bind_key)
                    .and_then(|bind| vm.call_function(bind, f, &[default]))
                    .map(Some),
                false => Ok(None),
            });
        let handler = match bound {
            Ok(Some(h)) => h,
            Ok(None) => continue,
            Err(_) => {
                return Err(format!(
                    "error: {name}: its default export's `fetch` could not be read\n"
                ));
            }
        };
        for method in FETCH_METHODS {
            routes.push(host::RouteDecl {
                method: method.to_string(),
                path: "/*path".to_string(),
                work: "fetch".to_string(),
                version: None,
                budget: Default::default(),
                stream_body: None,
                cors: None,
                limit: None,
                cache: None,
                location: format!("{name}:1"),
                handler: Some(handler),
                module: Some(m),
                fetch: true,
                work_index: None,
                middleware: Vec::new(),
                middleware_at: Vec::new(),
                static_folder: None,
                websocket: None,
                events: None,
                proxy_decl: None,
                proxy: None,
            });
        }
    }
    Ok(routes)
}

/// The route table `kitwork routes` prints.
pub fn describe_routes(g: &Generation) -> String {
    let mut out = format!(
        "{:<7} {:<26} {:<20} {:<8} {:<28} GENERATION\n",
        "METHOD", "PATH", "WORK", "VERSION", "SOURCE"
    );
    let id = g.id();
    for r in &g.routes {
        out.push_str(&format!(
            "{:<7} {:<26} {:<20} {:<8} {:<28} {id}\n",
            r.method,
            r.pattern,
            r.work,
            r.version.as_deref().unwrap_or("-"),
            r.location
        ));
        if let Some(l) = &r.limit {
            let by = match &l.key {
                rate_limit::LimitKey::Client => "client".to_string(),
                rate_limit::LimitKey::Header(h) => format!("header {h}"),
            };
            out.push_str(&format!(
                "  limit {} per {} s, burst {}, by {by}{}\n",
                l.rate,
                l.per,
                l.burst,
                if l.cluster { ", cluster-wide" } else { "" }
            ));
        }
        if let Some(c) = &r.cache
            && matches!(r.method.as_str(), "GET" | "HEAD")
        {
            let vary = match c.vary.is_empty() {
                true => String::new(),
                false => format!(", vary {}", c.vary.join(" ")),
            };
            out.push_str(&format!(
                "  cache {} s in {}{vary}{}\n",
                c.ttl.as_secs_f64(),
                match c.store {
                    response_cache::Store::Local => "each core",
                    response_cache::Store::Kv => "the kv() store",
                },
                if c.query { "" } else { ", query ignored" }
            ));
        }
        if let Some(dir) = &r.static_dir {
            out.push_str(&format!("  static {}\n", dir.root.display()));
        }
        if let Some(p) = &r.proxy {
            let targets: Vec<&str> = p.upstream.targets.iter().map(|t| t.key.as_str()).collect();
            out.push_str(&format!(
                "  proxy {} ({:?}: {})\n",
                p.upstream.name,
                p.upstream.balance,
                targets.join(", ")
            ));
            let hooks: Vec<&str> = ["request", "response"]
                .into_iter()
                .zip(p.hooks)
                .filter_map(|(name, on)| on.then_some(name))
                .collect();
            if !hooks.is_empty() {
                out.push_str(&format!("  hooks {}\n", hooks.join(", ")));
            }
        }
        if let Some(w) = &r.websocket {
            out.push_str(&format!(
                "  websocket: messages up to {} bytes, idle {} s, {} bytes queued at most\n",
                w.max_message,
                w.idle_timeout.as_secs_f64(),
                w.max_buffered
            ));
        }
        // The middleware in front of it, in the order they run.
        for (i, at) in r.middleware.iter().enumerate() {
            out.push_str(&format!("  {}. use {at}\n", i + 1));
        }
    }
    out
}

/// A running gateway: where it listens (cleartext, and TLS when set), its core threads (which end once
/// `CoreConfig::shutdown` is set and their connections are drained) and
/// how to ask each core for its counters.
pub struct Running {
    pub addr: SocketAddr,
    pub https: Option<SocketAddr>,
    pub cores: Vec<std::thread::JoinHandle<()>>,
    pub scrapes: Vec<admin::ScrapeSender>,
}

/// Starts one pinned worker per core on `addr`; returns once every core listens.
pub fn serve(
    addr: core::Addresses,
    cpus: &[usize],
    io: crate::Io,
    generations: core::Generations,
    config: core::CoreConfig,
) -> std::io::Result<Running> {
    let ids = core_affinity::get_core_ids().unwrap_or_default();
    let cores = cpus.len();
    rate_limit::set_cores(cores);
    rate_limit::set_cluster_fail_open(config.setup.kv.limit_fail_open);
    let mut bound_addr = addr;
    let mut handles = Vec::new();
    let mut scrapes = Vec::new();
    for i in 0..cores.max(1) {
        let (tx, rx) = std::sync::mpsc::channel();
        let (g, c) = (generations.clone(), config.clone());
        let (scrape_tx, scrape_rx) = tokio::sync::mpsc::unbounded_channel();
        scrapes.push(scrape_tx);
        let id = ids.iter().copied().find(|c| c.id == cpus[i]);
        // The first core binds (maybe to port 0); the others join its port.
        let target = bound_addr;
        handles.push(
            std::thread::Builder::new()
                .name(format!("kitwork-core-{i}"))
                .stack_size(16 << 20)
                .spawn(move || core::run(i, id, io, target, g, scrape_rx, c, tx))?,
        );
        bound_addr = rx
            .recv()
            .map_err(|_| std::io::Error::other("a core failed to start"))??;
    }
    Ok(Running {
        addr: bound_addr.http,
        https: bound_addr.https,
        cores: handles,
        scrapes,
    })
}
