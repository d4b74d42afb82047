//! One pinned worker: its monoio runtime, its `SO_REUSEPORT` listener and
//! its accept loop; what it keeps (router, pool of VMs, counters) is
//! `per_core.rs`, `connection.rs` frames the requests of one connection,
//! `dispatch.rs` runs them, `reply.rs` turns what a handler returned into a
//! response. `InProcess` is the same path without sockets.

use super::Generation;
use super::connection::Served;
use super::dispatch::{Answer, handle};
use super::http::{self, Parsed};
use super::listener::{Kind, serve_accepted};
pub use super::per_core::{Ask, CoreConfig, Generations, Scrapes};
use super::per_core::{Core, SHUTDOWN_POLL};

/// How long `/__kitwork/ready` gives each store to answer.
const READY_LIMIT: std::time::Duration = std::time::Duration::from_secs(2);
use crate::log;
use monoio::net::{ListenerOpts, TcpListener};
use std::net::SocketAddr;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

/// How long accepting pauses after `accept` fails (out of descriptors or
/// memory): open connections keep being served meanwhile, and the next
/// attempt finds the descriptors their closing freed. nginx pauses too
/// (`accept_mutex_delay`, 500 ms); shorter here, so recovery is quick.
pub(crate) const ACCEPT_PAUSE: Duration = Duration::from_millis(100);

/// At most one log line per this long about failing accepts, with a count.
pub(crate) const ACCEPT_LOG_EVERY: Duration = Duration::from_secs(1);

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
            let started = Instant::now();
            let answer = Answer::Http1(out);
            let fut = std::pin::pin!(handle(&self.core, &req, answer, false, started, None));
            if let Poll::Pending = fut.poll(&mut Context::from_waker(Waker::noop())) {
                panic!("a handler waited, which InProcess cannot serve");
            }
        }
    }
}

/// Where a gateway listens: cleartext HTTP, and TLS when `[[tls]]` is set.
#[derive(Clone, Copy, Debug)]
pub struct Addresses {
    pub http: SocketAddr,
    pub https: Option<SocketAddr>,
}

/// Runs one worker thread until the process ends: binds `addr` (with
/// `SO_REUSEPORT`, so every core listens on the same ports) and serves.
/// `bound` receives the actual addresses once listening.
#[allow(clippy::too_many_arguments)]
pub fn run(
    index: usize,
    core_id: Option<core_affinity::CoreId>,
    io: crate::Io,
    addr: Addresses,
    generations: Generations,
    scrapes: Scrapes,
    config: CoreConfig,
    bound: std::sync::mpsc::Sender<std::io::Result<Addresses>>,
) {
    use crate::Io;
    if let Some(id) = core_id {
        core_affinity::set_for_current(id);
    }
    let serve = serve_core(index, addr, generations, scrapes, config, bound.clone());
    let epoll = |serve| {
        super::per_core::set_reads_cancel_safe(true);
        monoio::RuntimeBuilder::<monoio::LegacyDriver>::new()
            .enable_timer()
            .build()
            .map(|mut rt| rt.block_on(serve))
    };
    let result = match io {
        Io::Epoll => epoll(serve),
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
            Err(_) => epoll(serve),
        },
    };
    if let Err(e) = result {
        let _ = bound.send(Err(e));
    }
}

fn bind(addr: SocketAddr) -> std::io::Result<TcpListener> {
    TcpListener::bind_with_config(addr, &ListenerOpts::new().reuse_port(true).backlog(4096))
}

/// The life of one core: listen, accept, serve, drain.
pub(crate) async fn serve_core(
    index: usize,
    addr: Addresses,
    mut generations: Generations,
    mut scrapes: Scrapes,
    config: CoreConfig,
    bound: std::sync::mpsc::Sender<std::io::Result<Addresses>>,
) {
    let listeners = bind(addr.http).and_then(|http| {
        let https = match (addr.https, &config.tls) {
            (Some(a), Some(_)) => Some(bind(a)?),
            _ => None,
        };
        let bound = Addresses {
            http: http.local_addr()?,
            https: https.as_ref().map(|l| l.local_addr()).transpose()?,
        };
        Ok((http, https, bound))
    });
    let (listener, secure_listener, addresses) = match listeners {
        Ok(l) => l,
        Err(e) => {
            let _ = bound.send(Err(e));
            return;
        }
    };
    let _ = bound.send(Ok(addresses));
    let first = generations.borrow_and_update().clone();
    let core = Rc::new(Core::new(index, first, config));
    super::socket_hub::start_core(index, core.config.sockets.clone());
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
        while let Some(ask) = scrapes.recv().await {
            match ask {
                Ask::Snapshot(reply) => {
                    let _ = reply.send(counted.snapshot());
                }
                // On a task of its own: a slow store does not hold up
                // the counters.
                Ask::Ready(reply) => {
                    let core = counted.clone();
                    monoio::spawn(async move {
                        let _ = reply.send(core.services.ready(READY_LIMIT).await);
                    });
                }
            }
        }
    });
    monoio::spawn(trim_memory(core.clone()));
    // TLS reloads: new handshakes use the new configuration.
    if let Some(mut configs) = core.config.tls.clone() {
        let c = core.clone();
        monoio::spawn(async move {
            while configs.changed().await.is_ok() {
                let next = configs.borrow_and_update().clone();
                c.swap_tls(&next);
            }
        });
    }
    let redirect = match (core.config.redirect_https, addresses.https) {
        (true, Some(a)) => Some(a.port()),
        _ => None,
    };
    let cleartext = Kind::Cleartext(Served {
        secure: false,
        redirect,
        // A listener that only redirects speaks no h2c: its streams would
        // be served instead of redirected.
        h2c: core.config.http2.enabled && redirect.is_none(),
        peer: None,
    });
    let secure = secure_listener.map(|l| monoio::spawn(accept_loop(l, core.clone(), Kind::Tls)));
    accept_loop(listener, core.clone(), cleartext).await;
    if let Some(s) = secure {
        s.await;
    }
    // Draining: the listeners are closed (new connections are refused by
    // the kernel); idle connections are told to close; wait for the open
    // ones, and for the go() functions already started, to finish, up to
    // the drain timeout.
    core.draining.notify_waiters();
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

/// Accepts on one listener until the core drains; each connection is
/// served on its own task as `kind` says.
async fn accept_loop(listener: TcpListener, core: Rc<Core>, kind: Kind) {
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
                monoio::spawn(connection(stream, core.clone(), kind));
            }
            Err(e) => {
                // Out of descriptors (EMFILE, ENFILE) or memory: retrying
                // at once spins the core and floods the log. Pause, keep
                // serving, say so once a second.
                refused.failed(&e, core.index);
                monoio::time::sleep(ACCEPT_PAUSE).await;
            }
        }
    }
}

/// One connection's task, from its accept (or its waking from parked)
/// until it closes or parks.
pub(crate) async fn connection(stream: monoio::net::TcpStream, core: Rc<Core>, kind: Kind) {
    // VM steps are guarded one by one; this is the net under the rest of
    // the connection's code: a bug there costs that connection, never the
    // core.
    use futures_util::FutureExt;
    let served = std::panic::AssertUnwindSafe(serve_accepted(stream, core.clone(), kind));
    match served.catch_unwind().await {
        Ok(Some(p)) => {
            // Its task and buffers are freed now (counted with the closes
            // that make `trim_memory` give memory back); it stays open.
            core.closes.set(core.closes.get() + 1);
            if super::parking::park(&core, p.stream, p.served, p.until) {
                return;
            }
        }
        Ok(None) => {}
        Err(_) => log::error("internal error: a connection was closed"),
    }
    closed(&core);
}

/// Counts a connection's end.
pub(crate) fn closed(core: &Core) {
    core.open.set(core.open.get() - 1);
    core.closed.notify_one();
    core.closes.set(core.closes.get() + 1);
}

/// Gives freed memory back to the system after many connections closed:
/// glibc keeps what a burst of connections freed, for good otherwise
/// (docs/HTTP.md, connection limits). Looked at every
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
