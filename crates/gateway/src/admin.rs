//! The admin listener (`admin_listen`, off by default and never on the
//! public port): `GET /__kitwork/status`, `/__kitwork/routes`,
//! `/__kitwork/metrics` (Prometheus text), `/__kitwork/health` (liveness:
//! every core answers), `/__kitwork/ready` (readiness: not draining,
//! routes loaded, the stores answering) and `POST /__kitwork/reload`. One
//! plain thread; it asks each core for a snapshot of its counters over a
//! channel, so cores never share a counter.

use super::metrics::{self, Snapshot};
use super::reload::{Outcome, Reloader};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

pub type ScrapeSender = tokio::sync::mpsc::UnboundedSender<super::core::Ask>;

/// How long `/__kitwork/health` waits for a core's counters before it
/// calls the core stuck.
const HEALTH_WAIT: Duration = Duration::from_secs(2);
/// How long `/__kitwork/ready` waits for the cores' checks (each store
/// has 2 s: `core::READY_LIMIT`).
const READY_WAIT: Duration = Duration::from_secs(3);

pub struct Admin {
    pub reloader: Arc<Reloader>,
    pub cores: Vec<ScrapeSender>,
    pub started: Instant,
    /// What `Authorization: Bearer …` must carry for the endpoints that
    /// change something (`POST /__kitwork/reload`): without it a browser
    /// page could post cross-origin, and any script's `http()` could
    /// reach the listener. Reads need none (they stay on loopback).
    pub token: String,
    /// Set at the signal to stop (`CoreConfig::stopping`): not ready
    /// from then on.
    pub stopping: Arc<std::sync::atomic::AtomicBool>,
    /// `POST /__kitwork/deploy/{stage,migrate,activate,abort}` (`kitwork deploy`).
    pub deployer: super::deploy::Deployer,
}

/// Compares without stopping at the first difference, so the time taken
/// does not tell how much of a guess was right.
fn same_secret(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |d, (x, y)| d | (x ^ y)) == 0
}

/// Connections the admin listener answers at once, each on a thread.
const ADMIN_THREADS: usize = 8;

/// Binds `addr` and serves the admin endpoints on threads of their own;
/// returns the bound address. Each connection gets a thread (up to
/// `ADMIN_THREADS`; past them, the accepting thread answers), so a long
/// step (a deploy's migrations) does not hold up the probes.
pub fn serve(addr: SocketAddr, admin: Admin) -> std::io::Result<SocketAddr> {
    use std::sync::atomic::AtomicUsize;
    let listener = TcpListener::bind(addr)?;
    let bound = listener.local_addr()?;
    let admin = Arc::new(admin);
    let busy = Arc::new(AtomicUsize::new(0));
    std::thread::Builder::new()
        .name("kitwork-admin".into())
        .spawn(move || {
            for stream in listener.incoming().flatten() {
                let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
                if busy.fetch_add(1, Ordering::Relaxed) >= ADMIN_THREADS {
                    busy.fetch_sub(1, Ordering::Relaxed);
                    let _ = admin.answer(stream);
                    continue;
                }
                let (a, b) = (admin.clone(), busy.clone());
                let spawned = std::thread::Builder::new()
                    .name("kitwork-admin-answer".into())
                    .spawn(move || {
                        let _ = a.answer(stream);
                        b.fetch_sub(1, Ordering::Relaxed);
                    });
                if spawned.is_err() {
                    busy.fetch_sub(1, Ordering::Relaxed);
                }
            }
        })?;
    Ok(bound)
}

fn json_string(s: &str) -> String {
    let mut out = Vec::new();
    semantics::quote::write_quoted(s, &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// Waits for every answer until `limit` has passed: each one, or `None`
/// for a core that did not answer in time.
fn gather<T>(waits: Vec<tokio::sync::oneshot::Receiver<T>>, limit: Duration) -> Vec<Option<T>> {
    let deadline = Instant::now() + limit;
    waits
        .into_iter()
        .map(|mut rx| {
            loop {
                match rx.try_recv() {
                    Ok(v) => return Some(v),
                    Err(tokio::sync::oneshot::error::TryRecvError::Closed) => return None,
                    Err(tokio::sync::oneshot::error::TryRecvError::Empty)
                        if Instant::now() >= deadline =>
                    {
                        return None;
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(2)),
                }
            }
        })
        .collect()
}

/// The answer to a changing request without the admin token.
const TOKEN_REQUIRED: &str =
    "{\"error\":\"the admin token is required: Authorization: Bearer <admin_token>\"}";

impl Admin {
    /// Whether a request's `Authorization` carries the admin token.
    fn authorized(&self, authorization: Option<&[u8]>) -> bool {
        let expected = format!("Bearer {}", self.token);
        authorization.is_some_and(|a| same_secret(a, expected.as_bytes()))
    }

    /// A deploy step (`kitwork deploy`): `stage` (the body is a tar of the
    /// work folder), `migrate`, `activate` or `abort` (the body is the
    /// staged id).
    fn deploy(&self, step: &str, body: &[u8]) -> (u16, String) {
        let id = String::from_utf8_lossy(body).trim().to_string();
        match step {
            "stage" => match self.deployer.stage(body) {
                Ok((id, routes)) => (
                    200,
                    format!("{{\"staged\":{},\"routes\":{routes}}}", json_string(&id)),
                ),
                Err(e) => (422, format!("{{\"error\":{}}}", json_string(&e))),
            },
            "activate" => match self.deployer.activate(&id) {
                Ok(outcome) => {
                    let g = match outcome {
                        Outcome::Swapped(g) | Outcome::Unchanged(g) => g,
                        Outcome::Failed(_) => self.reloader.current(),
                    };
                    crate::log::info(&format!(
                        "deploy: now serving generation {} ({} routes)",
                        g.id(),
                        g.routes.len()
                    ));
                    (200, format!("{{\"generation\":{}}}", json_string(&g.id())))
                }
                Err(e) => (409, format!("{{\"error\":{}}}", json_string(&e))),
            },
            "migrate" => match self.deployer.migrate(&id) {
                Ok(applied) => {
                    for n in &applied {
                        crate::log::info(&format!("deploy: applied migration {n}"));
                    }
                    let names: Vec<String> = applied.iter().map(|n| json_string(n)).collect();
                    (200, format!("{{\"applied\":[{}]}}", names.join(",")))
                }
                Err(e) => (409, format!("{{\"error\":{}}}", json_string(&e))),
            },
            "abort" => (200, format!("{{\"aborted\":{}}}", self.deployer.abort(&id))),
            _ => (404, "{\"error\":\"no such deploy step\"}".into()),
        }
    }

    /// `/__kitwork/health`: every core answers (a core stuck in a loop
    /// that never yields does not).
    fn health(&self) -> (u16, String) {
        let waits: Vec<_> = self
            .cores
            .iter()
            .map(|c| {
                let (tx, rx) = tokio::sync::oneshot::channel();
                let _ = c.send(super::core::Ask::Snapshot(tx));
                rx
            })
            .collect();
        let stuck: Vec<String> = gather(waits, HEALTH_WAIT)
            .iter()
            .enumerate()
            .filter(|(_, s)| s.is_none())
            .map(|(i, _)| i.to_string())
            .collect();
        match stuck.is_empty() {
            true => (200, "{\"status\":\"ok\"}".into()),
            false => (
                503,
                format!("{{\"status\":\"stuck\",\"cores\":[{}]}}", stuck.join(",")),
            ),
        }
    }

    /// `/__kitwork/ready`: not draining, a generation loaded, and every
    /// core's database and Redis (when configured) answering.
    fn ready(&self) -> (u16, String) {
        let g = self.reloader.current();
        let mut why = Vec::new();
        if self.stopping.load(Ordering::Relaxed) {
            why.push("draining: shutting down".to_string());
        }
        if g.routes.is_empty() {
            why.push("no routes loaded".to_string());
        }
        let waits: Vec<_> = self
            .cores
            .iter()
            .map(|c| {
                let (tx, rx) = tokio::sync::oneshot::channel();
                let _ = c.send(super::core::Ask::Ready(tx));
                rx
            })
            .collect();
        for (i, answer) in gather(waits, READY_WAIT).into_iter().enumerate() {
            match answer {
                Some(Ok(())) => {}
                Some(Err(e)) => why.push(format!("core {i}: {e}")),
                None => why.push(format!("core {i}: no answer")),
            }
        }
        let generation = json_string(&g.id());
        match why.is_empty() {
            true => (
                200,
                format!("{{\"ready\":true,\"generation\":{generation}}}"),
            ),
            false => {
                let why: Vec<String> = why
                    .iter()
                    .map(|w| json_string(&super::log::redact(w)))
                    .collect();
                (
                    503,
                    format!(
                        "{{\"ready\":false,\"generation\":{generation},\"why\":[{}]}}",
                        why.join(",")
                    ),
                )
            }
        }
    }

    /// Every core's counters (a core that does not answer is left out).
    fn snapshots(&self) -> Vec<Snapshot> {
        let waits: Vec<_> = self
            .cores
            .iter()
            .filter_map(|c| {
                let (tx, rx) = tokio::sync::oneshot::channel();
                c.send(super::core::Ask::Snapshot(tx)).ok().map(|_| rx)
            })
            .collect();
        waits
            .into_iter()
            .filter_map(|rx| rx.blocking_recv().ok())
            .collect()
    }

    fn answer(&self, mut stream: TcpStream) -> std::io::Result<()> {
        let mut buf = Vec::with_capacity(1024);
        let mut chunk = [0u8; 1024];
        let (method, path, authorization, length, head_len) = loop {
            let n = stream.read(&mut chunk)?;
            if n == 0 {
                return Ok(());
            }
            buf.extend_from_slice(&chunk[..n]);
            let mut slots = [httparse::EMPTY_HEADER; 32];
            let mut req = httparse::Request::new(&mut slots);
            match req.parse(&buf) {
                Ok(httparse::Status::Complete(head_len)) => {
                    let field = |name: &str| {
                        req.headers
                            .iter()
                            .find(|h| h.name.eq_ignore_ascii_case(name))
                            .map(|h| h.value.to_vec())
                    };
                    let authorization = field("authorization");
                    let length = field("content-length")
                        .and_then(|v| std::str::from_utf8(&v).ok()?.trim().parse::<usize>().ok());
                    break (
                        req.method.unwrap_or("").to_string(),
                        req.path.unwrap_or("").to_string(),
                        authorization,
                        length,
                        head_len,
                    );
                }
                Ok(httparse::Status::Partial) if buf.len() < 16 * 1024 => continue,
                _ => {
                    return respond(
                        &mut stream,
                        400,
                        "application/json",
                        "{\"error\":\"bad request\"}",
                    );
                }
            }
        };
        let path = path.split('?').next().unwrap_or("");
        if path == "/__kitwork/deploy/current" {
            // What this node serves, for a node joining (`serve --join`).
            if !self.authorized(authorization.as_deref()) {
                return respond(&mut stream, 401, "application/json", TOKEN_REQUIRED);
            }
            return match super::deploy::pack_with(self.reloader.dir(), self.deployer.migrations()) {
                Ok(archive) => respond(
                    &mut stream,
                    200,
                    "text/plain",
                    &super::deploy::to_text(&archive),
                ),
                Err(e) => respond(
                    &mut stream,
                    500,
                    "application/json",
                    &format!(
                        "{{\"error\":{}}}",
                        json_string(&format!("cannot pack the work folder: {e}"))
                    ),
                ),
            };
        }
        if let Some(step) = path.strip_prefix("/__kitwork/deploy/") {
            if method != "POST" {
                return respond(
                    &mut stream,
                    405,
                    "application/json",
                    "{\"error\":\"method not allowed\"}",
                );
            }
            let Some(length) = length.filter(|n| *n <= super::deploy::MAX_ARCHIVE) else {
                return respond(
                    &mut stream,
                    413,
                    "application/json",
                    "{\"error\":\"a deploy needs a Content-Length of at most 256 MiB\"}",
                );
            };
            let mut body = buf.split_off(head_len);
            let _ = stream.set_read_timeout(Some(Duration::from_secs(60)));
            while body.len() < length {
                let n = stream.read(&mut chunk)?;
                if n == 0 {
                    return Ok(());
                }
                body.extend_from_slice(&chunk[..n]);
            }
            body.truncate(length);
            // Checked once the body is read: answered before, a client
            // still sending it got a reset instead of the answer.
            if !self.authorized(authorization.as_deref()) {
                return respond(&mut stream, 401, "application/json", TOKEN_REQUIRED);
            }
            let (status, answer) = self.deploy(step, &body);
            return respond(&mut stream, status, "application/json", &answer);
        }
        match (method.as_str(), path) {
            ("GET", "/__kitwork/metrics") => {
                let cores = self.snapshots();
                let g = self.reloader.current();
                let text = metrics::render(
                    &cores,
                    &metrics::Process {
                        reloads_ok: self.reloader.ok.load(Ordering::Relaxed),
                        reloads_failed: self.reloader.failed.load(Ordering::Relaxed),
                        tls_reloads: self.reloader.tls.as_ref().map(|t| {
                            (
                                t.ok.load(Ordering::Relaxed),
                                t.failed.load(Ordering::Relaxed),
                            )
                        }),
                        generation: &g.id(),
                        generation_number: g.number,
                    },
                );
                respond(
                    &mut stream,
                    200,
                    "text/plain; version=0.0.4; charset=utf-8",
                    &text,
                )
            }
            ("GET", "/__kitwork/health") => {
                let (status, body) = self.health();
                respond(&mut stream, status, "application/json", &body)
            }
            ("GET", "/__kitwork/ready") => {
                let (status, body) = self.ready();
                respond(&mut stream, status, "application/json", &body)
            }
            ("GET", "/__kitwork/status") => {
                let cores = self.snapshots();
                let g = self.reloader.current();
                let open: usize = cores.iter().map(|c| c.open_connections).sum();
                let requests: u64 = cores
                    .iter()
                    .flat_map(|c| &c.stats.routes)
                    .map(|(_, _, s)| s.count)
                    .sum();
                let per_core: Vec<String> = cores
                    .iter()
                    .map(|c| {
                        format!(
                            "{{\"core\":{},\"generation\":{},\"open_connections\":{}}}",
                            c.core,
                            json_string(&c.generation),
                            c.open_connections
                        )
                    })
                    .collect();
                let body = format!(
                    "{{\"generation\":{},\"routes\":{},\"uptime_seconds\":{},\"requests\":{requests},\"open_connections\":{open},\"reloads\":{{\"ok\":{},\"failed\":{}}},\"cores\":[{}]}}",
                    json_string(&g.id()),
                    g.routes.len(),
                    self.started.elapsed().as_secs(),
                    self.reloader.ok.load(Ordering::Relaxed),
                    self.reloader.failed.load(Ordering::Relaxed),
                    per_core.join(",")
                );
                respond(&mut stream, 200, "application/json", &body)
            }
            ("GET", "/__kitwork/routes") => {
                let g = self.reloader.current();
                let routes: Vec<String> = g
                    .routes
                    .iter()
                    .map(|r| {
                        format!(
                            "{{\"method\":{},\"path\":{},\"work\":{},\"version\":{},\"source\":{},\"generation\":{}}}",
                            json_string(&r.method),
                            json_string(&r.pattern),
                            json_string(&r.work),
                            r.version.as_deref().map_or("null".into(), json_string),
                            json_string(&r.location),
                            json_string(&g.id())
                        )
                    })
                    .collect();
                respond(
                    &mut stream,
                    200,
                    "application/json",
                    &format!("[{}]", routes.join(",")),
                )
            }
            ("POST", "/__kitwork/reload") => {
                if !self.authorized(authorization.as_deref()) {
                    return respond(&mut stream, 401, "application/json", TOKEN_REQUIRED);
                }
                let outcome = self.reloader.reload_and_log("admin request");
                let (status, reloaded, error) = match &outcome {
                    Outcome::Swapped(_) => (200, true, String::new()),
                    Outcome::Unchanged(_) => (200, false, String::new()),
                    Outcome::Failed(d) => (422, false, format!(",\"error\":{}", json_string(d))),
                };
                let body = format!(
                    "{{\"reloaded\":{reloaded},\"generation\":{}{error}}}",
                    json_string(&self.reloader.current().id())
                );
                respond(&mut stream, status, "application/json", &body)
            }
            (
                _,
                "/__kitwork/metrics" | "/__kitwork/status" | "/__kitwork/routes"
                | "/__kitwork/reload" | "/__kitwork/health" | "/__kitwork/ready",
            ) => respond(
                &mut stream,
                405,
                "application/json",
                "{\"error\":\"method not allowed\"}",
            ),
            _ => respond(
                &mut stream,
                404,
                "application/json",
                "{\"error\":\"no such admin endpoint\"}",
            ),
        }
    }
}

fn respond(
    stream: &mut TcpStream,
    status: u16,
    content_type: &str,
    body: &str,
) -> std::io::Result<()> {
    let reason = super::http::reason(status);
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    stream.write_all(body.as_bytes())
}
