//! Bytes → responses: `kitwork serve`. A generation (every script of the
//! work folder, compiled together, and the routes they declare) is built
//! once, then every core gets its own copy of the router and its own VMs.
//!
//! | module | owns |
//! |---|---|
//! | [`core`], `per_core`, `connection`, `dispatch`, `reply` | a pinned worker and its accept loop; what it keeps; one connection's framing; one request; the response a handler's value makes |
//! | [`http`], `fields`, `cookie` | request parsing and the response writer (docs/HTTP.md); checks of script-set headers; `Set-Cookie` |
//! | [`router`], `direct` | the route trie; routes a worker may call without re-running their top level |
//! | [`work`], [`host`], [`request_api`], `response_api`, `form`, [`request_data`] | what scripts see: the `work()` DSL, the request and response natives and their state |
//! | [`reload`], [`admin`], [`metrics`], [`request_log`], [`log`] | hot reload, the admin listener, counters, script output, log lines |
//! | [`descriptors`] | the descriptor limit and each core's share of connections |

pub mod admin;
mod connection;
mod cookie;
pub mod core;
pub mod descriptors;
mod direct;
mod dispatch;
mod fields;
mod form;
pub mod host;
pub mod http;
pub mod log;
pub mod metrics;
mod per_core;
pub mod reload;
mod reply;
pub mod request_api;
pub mod request_data;
pub mod request_log;
mod response_api;
pub mod router;
pub mod work;

use lang::bytecode::Program;
use lang::diag::render_all;
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

/// Every script of a work folder, compiled, and the routes they declare.
pub struct Generation {
    pub scripts: Vec<Program>,
    pub routes: Vec<Route>,
    /// Which load this is (1 for the first), set by the reloader.
    pub number: u64,
    /// A hash of every file's name and text: equal folders, equal hashes.
    pub hash: u64,
}

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

/// Compiles a work folder and runs each script once to collect its routes.
/// On failure, every diagnostic, rendered.
pub fn load(dir: &Path) -> Result<Generation, String> {
    let files =
        script_files(dir).map_err(|e| format!("error: cannot read {}: {e}\n", dir.display()))?;
    load_files(&files)
}

/// Compiles `files` and runs each one's top level to declare its routes,
/// as `serve` does (`kitwork check` runs this too).
pub fn load_files(files: &[std::path::PathBuf]) -> Result<Generation, String> {
    let mut scripts = Vec::new();
    let mut errors = String::new();
    let mut hash = runtime::content_hash::Hasher::default();
    for f in files {
        let text = std::fs::read_to_string(f)
            .map_err(|e| format!("error: cannot read {}: {e}\n", f.display()))?;
        hash.add(f.display().to_string().as_bytes());
        hash.add(text.as_bytes());
        match lang::compile_file(&f.display().to_string(), &text) {
            Ok(p) => scripts.push(p),
            Err((src, diags)) => errors.push_str(&render_all(&diags, &src)),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut vm = Vm::with_natives(
        Limits {
            instructions: 10_000_000,
            ..Limits::default()
        },
        work::install,
    );
    vm.out = Box::new(std::io::stderr());
    let mut router = Router::default();
    for (i, p) in scripts.iter().enumerate() {
        let main = vm.load(p);
        let host = host::Host::new(&mut vm);
        vm.host = Some(Box::new(host));
        match vm.start(main) {
            Ok(Outcome::Done(_)) => {}
            Ok(Outcome::Pending(_)) => {
                errors.push_str(&format!(
                    "error: {} waits for I/O at load time; only handlers may\n",
                    p.source.name
                ));
                continue;
            }
            Err(e) => {
                errors.push_str(&format!(
                    "error: {} failed while declaring its routes\n{}\n",
                    p.source.name, e.report
                ));
                continue;
            }
        }
        let host = vm.host.take().and_then(|h| h.downcast::<host::Host>().ok());
        let Some(host::Mode::Register { routes }) = host.map(|h| h.mode) else {
            continue;
        };
        for (ordinal, d) in routes.into_iter().enumerate() {
            let route = Route {
                method: d.method,
                pattern: d.path,
                params: Vec::new(),
                work: d.work,
                version: d.version,
                budget: d.budget,
                script: i,
                ordinal,
                location: d.location,
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
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Generation {
        scripts,
        routes: router.routes,
        number: 1,
        hash: hash.finish(),
    })
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
    }
    out
}

/// A running gateway: where it listens, its core threads (which end once
/// `CoreConfig::shutdown` is set and their connections are drained) and
/// how to ask each core for its counters.
pub struct Running {
    pub addr: SocketAddr,
    pub cores: Vec<std::thread::JoinHandle<()>>,
    pub scrapes: Vec<admin::ScrapeSender>,
}

/// Starts one pinned worker per core on `addr`; returns once every core listens.
pub fn serve(
    addr: SocketAddr,
    cpus: &[usize],
    io: crate::Io,
    generations: core::Generations,
    config: core::CoreConfig,
) -> std::io::Result<Running> {
    let ids = core_affinity::get_core_ids().unwrap_or_default();
    let cores = cpus.len();
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
        addr: bound_addr,
        cores: handles,
        scrapes,
    })
}
