//! Upstreams: the pools of servers proxied routes forward to
//! (`upstream(name, { targets, balance, … })`), and what each core knows
//! of their targets: its idle connections (keep-alive, per core and per
//! target), the requests it has in flight to each (`least_conn`), and
//! whether a target is ejected (consecutive failures, passive) or down
//! (its health check, active). Cores share nothing: each keeps its own
//! view and its own connections, as it does everything else.

use super::upstream_conn::Conn;
use rustc_hash::FxHashMap as HashMap;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

/// An upstream as declared.
#[derive(Debug)]
pub struct Upstream {
    pub name: String,
    pub targets: Vec<Target>,
    pub balance: Balance,
    /// What `consistent_hash` hashes.
    pub hash: HashKey,
    /// Other targets tried after a failure (see `proxy.rs` for which).
    pub retries: u32,
    pub connect_timeout: Duration,
    /// For the answer's head, and then between pieces of its body.
    pub response_timeout: Duration,
    /// Consecutive failures that eject a target (passive health), and
    /// for how long.
    pub failures: u32,
    pub eject: Duration,
    pub health: Option<Health>,
    /// Idle connections each core keeps per target.
    pub keepalive: usize,
}

/// `upstream()`'s defaults: milliseconds to connect and for an answer's
/// head, failures that eject a target and for how long, retries, idle
/// connections kept per target.
pub const DEFAULT_CONNECT_MS: f64 = 2_000.0;
pub const DEFAULT_RESPONSE_MS: f64 = 30_000.0;
pub const DEFAULT_FAILURES: f64 = 3.0;
pub const DEFAULT_EJECT_MS: f64 = 10_000.0;
pub const DEFAULT_RETRIES: f64 = 1.0;
pub const DEFAULT_KEEPALIVE: f64 = 32.0;
/// The active health check's defaults: every 2 s, 1 s to answer, 2
/// successes to come back, 3 failures to go down.
pub const DEFAULT_HEALTH_INTERVAL_MS: f64 = 2_000.0;
pub const DEFAULT_HEALTH_TIMEOUT_MS: f64 = 1_000.0;
pub const DEFAULT_HEALTHY: f64 = 2.0;
pub const DEFAULT_UNHEALTHY: f64 = 3.0;

impl Balance {
    /// `round_robin`, `least_conn` or `consistent_hash`.
    pub fn parse(name: &str) -> Result<Balance, String> {
        match name {
            "round_robin" => Ok(Balance::RoundRobin),
            "least_conn" => Ok(Balance::LeastConn),
            "consistent_hash" => Ok(Balance::ConsistentHash),
            other => Err(format!(
                "balance is round_robin, least_conn or consistent_hash, got {other:?}"
            )),
        }
    }
}

impl HashKey {
    /// `client`, `path`, `header:NAME` or `query:NAME`.
    pub fn parse(key: &str) -> Result<HashKey, String> {
        match key {
            "client" => Ok(HashKey::Client),
            "path" => Ok(HashKey::Path),
            h if h.starts_with("header:") => Ok(HashKey::Header(h[7..].to_ascii_lowercase())),
            q if q.starts_with("query:") => Ok(HashKey::Query(q[6..].to_string())),
            other => Err(format!(
                "hash is client, path, header:NAME or query:NAME, got {other:?}"
            )),
        }
    }
}

impl Upstream {
    /// A pool of one target with the defaults (`proxy(prefix, url)`).
    pub fn of_one(name: String, target: Target) -> Upstream {
        let ms = |n: f64| Duration::from_secs_f64(n / 1000.0);
        Upstream {
            name,
            targets: vec![target],
            balance: Balance::RoundRobin,
            hash: HashKey::Client,
            retries: DEFAULT_RETRIES as u32,
            connect_timeout: ms(DEFAULT_CONNECT_MS),
            response_timeout: ms(DEFAULT_RESPONSE_MS),
            failures: DEFAULT_FAILURES as u32,
            eject: ms(DEFAULT_EJECT_MS),
            health: None,
            keepalive: DEFAULT_KEEPALIVE as usize,
        }
    }
}

/// One server of an upstream.
#[derive(Debug, Clone)]
pub struct Target {
    pub tls: bool,
    pub host: String,
    pub port: u16,
    /// `http://host:port`: the key of its state on a core.
    pub key: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Balance {
    RoundRobin,
    LeastConn,
    ConsistentHash,
}

#[derive(Debug, Clone)]
pub enum HashKey {
    /// The client's address.
    Client,
    Path,
    Header(String),
    Query(String),
}

/// An active health check: `GET path` every `interval`; `unhealthy`
/// failures in a row take a target down, `healthy` successes bring it back.
#[derive(Debug, Clone)]
pub struct Health {
    pub path: String,
    pub interval: Duration,
    pub timeout: Duration,
    pub healthy: u32,
    pub unhealthy: u32,
}

impl Target {
    /// `host:port`, `http://host:port` or `https://host:port`.
    pub fn parse(text: &str) -> Result<Target, String> {
        let (tls, rest) = match text.split_once("://") {
            Some(("http", r)) => (false, r),
            Some(("https", r)) => (true, r),
            Some(_) => return Err(format!("a target is http:// or https://, got {text:?}")),
            None => (false, text),
        };
        let rest = rest.trim_end_matches('/');
        let bad = || format!("a target is host:port, got {text:?}");
        if rest.is_empty() || rest.contains(['/', '@', '?', ' ']) {
            return Err(bad());
        }
        let (host, port) = match rest.rsplit_once(':') {
            Some((h, p)) if !h.ends_with(']') || rest.starts_with('[') => {
                (h.to_string(), p.parse::<u16>().map_err(|_| bad())?)
            }
            _ => (rest.to_string(), if tls { 443 } else { 80 }),
        };
        if host.is_empty() {
            return Err(bad());
        }
        let scheme = if tls { "https" } else { "http" };
        Ok(Target {
            key: format!("{scheme}://{host}:{port}"),
            tls,
            host,
            port,
        })
    }

    /// `host[:port]`, as a `Host` header names it.
    pub fn authority(&self) -> String {
        match (self.tls, self.port) {
            (true, 443) | (false, 80) => self.host.clone(),
            _ => format!("{}:{}", self.host, self.port),
        }
    }
}

/// What one core knows of one target.
#[derive(Default)]
pub(crate) struct TargetState {
    idle: RefCell<Vec<Conn>>,
    /// Requests this core has in flight to it.
    pub(crate) active: Cell<u32>,
    failures: Cell<u32>,
    ejected_until: Cell<Option<Instant>>,
    /// Taken down by its health check.
    down: Cell<bool>,
    /// Consecutive health check results, of the current kind.
    streak: Cell<u32>,
}

/// The most targets one upstream may have (`pick` marks those it tried
/// in a bit set).
pub const MAX_TARGETS: usize = 128;

/// Targets already tried for a request, one bit each.
pub(crate) type Tried = u128;

/// One core's view of an upstream: its targets' states, in order, and its
/// round-robin turn.
pub(crate) struct View {
    of: Weak<Upstream>,
    pub(crate) states: Rc<[Rc<TargetState>]>,
    turn: Cell<usize>,
}

thread_local! {
    /// Per core: each target's state, by `Target::key` (kept across reloads).
    static TARGETS: RefCell<HashMap<String, Rc<TargetState>>> = RefCell::new(HashMap::default());
    /// Per core: each upstream's view, by name.
    static VIEWS: RefCell<HashMap<String, Rc<View>>> = RefCell::new(HashMap::default());
    /// Per core: the upstreams whose health this core checks.
    static CHECKED: RefCell<Vec<Weak<Upstream>>> = const { RefCell::new(Vec::new()) };
    /// The TLS client configuration (webpki roots).
    static TLS: RefCell<Option<tokio_rustls::TlsConnector>> = const { RefCell::new(None) };
}

/// This core's state of `target`.
pub(crate) fn state(target: &Target) -> Rc<TargetState> {
    TARGETS.with(|t| {
        if let Some(s) = t.borrow().get(&target.key) {
            return s.clone();
        }
        let s = Rc::new(TargetState::default());
        t.borrow_mut().insert(target.key.clone(), s.clone());
        s
    })
}

/// This core's view of `up` (made once per generation of it).
pub(crate) fn view(up: &Arc<Upstream>) -> Rc<View> {
    VIEWS.with(|v| {
        if let Some(view) = v.borrow().get(&up.name)
            && view.of.strong_count() > 0
            && std::ptr::eq(view.of.as_ptr(), Arc::as_ptr(up))
        {
            return view.clone();
        }
        let view = Rc::new(View {
            of: Arc::downgrade(up),
            states: up.targets.iter().map(state).collect(),
            turn: Cell::new(0),
        });
        v.borrow_mut().insert(up.name.clone(), view.clone());
        view
    })
}

impl TargetState {
    fn available(&self, now: Instant) -> bool {
        !self.down.get() && self.ejected_until.get().is_none_or(|t| now >= t)
    }

    /// A request to it answered: its failures are forgotten.
    pub(crate) fn succeeded(&self) {
        self.failures.set(0);
        self.ejected_until.set(None);
    }

    /// A request to it failed (no connection, reset, timeout): past the
    /// upstream's threshold it is ejected for a while.
    pub(crate) fn failed(&self, up: &Upstream, target: &Target) {
        let n = self.failures.get() + 1;
        self.failures.set(n);
        if n >= up.failures && self.ejected_until.get().is_none() {
            self.ejected_until.set(Some(Instant::now() + up.eject));
            crate::log::error(&format!(
                "upstream {}: {} ejected for {} ms after {n} failures in a row",
                up.name,
                target.key,
                up.eject.as_millis()
            ));
        } else if n >= up.failures {
            // Failed again once back: out again.
            self.ejected_until.set(Some(Instant::now() + up.eject));
        }
    }

    /// An idle connection (it may have gone stale meanwhile).
    pub(crate) fn idle(&self) -> Option<Conn> {
        self.idle.borrow_mut().pop()
    }

    /// Keeps a connection whose exchange ended, up to `keepalive`.
    pub(crate) fn keep(&self, conn: Conn, keepalive: usize) {
        let mut idle = self.idle.borrow_mut();
        if idle.len() < keepalive {
            idle.push(conn);
        }
    }
}

/// Which target takes the next request, among those not in `tried`:
/// available ones first; when none is, any (an upstream whose targets
/// are all ejected still tries, rather than refuse everything).
/// `view` is this core's view of `up` (`view`).
pub(crate) fn pick(up: &Upstream, view: &View, hash: Option<u64>, tried: Tried) -> Option<usize> {
    let now = Instant::now();
    let n = up.targets.len();
    let open = |i: &usize| tried & (1u128 << i) == 0;
    let any_up = (0..n).filter(open).any(|i| view.states[i].available(now));
    let candidate = |i: &usize| open(i) && (!any_up || view.states[*i].available(now));
    let count = (0..n).filter(candidate).count();
    if count == 0 {
        return None;
    }
    let turn = || {
        let t = view.turn.get().wrapping_add(1);
        view.turn.set(t);
        t
    };
    Some(match up.balance {
        Balance::RoundRobin => (0..n).filter(candidate).nth(turn() % count)?,
        Balance::LeastConn => {
            let least = (0..n)
                .filter(candidate)
                .map(|i| view.states[i].active.get())
                .min()?;
            let tied = |i: &usize| candidate(i) && view.states[*i].active.get() == least;
            let ties = (0..n).filter(tied).count();
            (0..n).filter(tied).nth(turn() % ties)?
        }
        // Rendezvous hashing: each key goes to the target it scores
        // highest with, so a target leaving moves only its own keys.
        Balance::ConsistentHash => {
            let key = hash.unwrap_or(0);
            (0..n)
                .filter(candidate)
                .max_by_key(|&i| mix(key ^ mix(fnv(up.targets[i].key.as_bytes()))))?
        }
    })
}

/// FNV-1a of `bytes`: the hash of a `consistent_hash` key.
pub(crate) fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf29ce484222325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x100000001b3)
    })
}

/// A 64-bit finalizer (splitmix64's), spreading a hash's bits.
fn mix(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58476d1ce4e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d049bb133111eb);
    x ^ (x >> 31)
}

/// Opens a connection to `target` within the upstream's connect timeout
/// (TLS verified against the webpki roots, with the host as SNI).
pub(crate) async fn connect(up: &Upstream, target: &Target) -> Result<Conn, String> {
    let at = &target.key;
    let host = target.host.trim_start_matches('[').trim_end_matches(']');
    let addr = {
        use std::net::ToSocketAddrs;
        (host, target.port)
            .to_socket_addrs()
            .map_err(|e| format!("cannot resolve {at}: {e}"))?
            .next()
            .ok_or_else(|| format!("{at} has no address"))?
    };
    let opened = monoio::time::timeout(up.connect_timeout, monoio::net::TcpStream::connect(addr));
    let tcp = match opened.await {
        Ok(Ok(tcp)) => tcp,
        Ok(Err(e)) => return Err(format!("cannot connect to {at}: {e}")),
        Err(_) => {
            return Err(format!(
                "no connection to {at} within {} ms",
                up.connect_timeout.as_millis()
            ));
        }
    };
    let _ = tcp.set_nodelay(true);
    if !target.tls {
        return Ok(Conn::tcp(tcp));
    }
    let tcp = tcp
        .try_into_poll_io()
        .map_err(|(e, _)| format!("cannot connect to {at}: {e}"))?;
    let connector = TLS.with(|t| {
        t.borrow_mut()
            .get_or_insert_with(|| {
                let config = runtime::http::tls_config(None).expect("the webpki roots load");
                tokio_rustls::TlsConnector::from(config)
            })
            .clone()
    });
    let name = rustls::pki_types::ServerName::try_from(host.to_string())
        .map_err(|_| format!("{host:?} is not a TLS server name"))?;
    let stream = monoio::time::timeout(up.connect_timeout, connector.connect(name, tcp))
        .await
        .map_err(|_| format!("no TLS handshake with {at} in time"))?
        .map_err(|e| format!("TLS with {at} failed: {e}"))?;
    Ok(Conn::tls(stream))
}

/// Starts this core's health checks of `up` (once per core and upstream):
/// a task that ends when the upstream is gone (a reload replaced it).
pub(crate) fn check_health(up: &Arc<Upstream>) {
    if up.health.is_none() {
        return;
    }
    let started = CHECKED.with(|c| {
        let mut c = c.borrow_mut();
        c.retain(|w| w.strong_count() > 0);
        if c.iter().any(|w| std::ptr::eq(w.as_ptr(), Arc::as_ptr(up))) {
            return true;
        }
        c.push(Arc::downgrade(up));
        false
    });
    if !started {
        monoio::spawn(probe_forever(Arc::downgrade(up)));
    }
}

async fn probe_forever(up: Weak<Upstream>) {
    loop {
        let Some(u) = up.upgrade() else { return };
        let Some(health) = u.health.clone() else {
            return;
        };
        for target in &u.targets {
            let ok = probe(&u, target, &health).await;
            let s = state(target);
            // A streak counts results of one kind: a change starts it over.
            let was_down = s.down.get();
            let counts = ok == was_down;
            s.streak.set(if counts { s.streak.get() + 1 } else { 0 });
            if was_down && ok && s.streak.get() >= health.healthy {
                s.down.set(false);
                s.streak.set(0);
                s.succeeded();
                crate::log::info(&format!(
                    "upstream {}: {} is healthy again",
                    u.name, target.key
                ));
            } else if !was_down && !ok && s.streak.get() >= health.unhealthy {
                s.down.set(true);
                s.streak.set(0);
                crate::log::error(&format!(
                    "upstream {}: {} failed its health check {} times: down",
                    u.name, target.key, health.unhealthy
                ));
            }
        }
        let interval = health.interval;
        drop(u);
        monoio::time::sleep(interval).await;
    }
}

/// One health check: `GET path` answered 2xx or 3xx within the timeout.
async fn probe(up: &Upstream, target: &Target, health: &Health) -> bool {
    let check = async {
        let mut conn = connect(up, target).await.ok()?;
        let request = format!(
            "GET {} HTTP/1.1\r\nHost: {}\r\nUser-Agent: kitwork-health-check\r\nConnection: close\r\n\r\n",
            health.path,
            target.authority()
        );
        conn.send(request.into_bytes()).await.0.ok()?;
        let head = conn.head("GET").await.ok()?;
        Some(head.status < 400)
    };
    matches!(
        monoio::time::timeout(health.timeout, check).await,
        Ok(Some(true))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn upstream(balance: Balance, n: usize) -> Arc<Upstream> {
        Arc::new(Upstream {
            name: format!("test-{balance:?}-{n}"),
            targets: (0..n)
                .map(|i| Target::parse(&format!("127.0.0.1:{}", 9000 + i)).unwrap())
                .collect(),
            balance,
            hash: HashKey::Path,
            retries: 1,
            connect_timeout: Duration::from_secs(1),
            response_timeout: Duration::from_secs(1),
            failures: 2,
            eject: Duration::from_secs(60),
            health: None,
            keepalive: 4,
        })
    }

    #[test]
    fn targets_parse_with_their_scheme_and_port() {
        let t = Target::parse("https://api.example").unwrap();
        assert_eq!(
            (t.tls, t.port, t.key.as_str()),
            (true, 443, "https://api.example:443")
        );
        let t = Target::parse("127.0.0.1:8080").unwrap();
        assert_eq!((t.tls, t.authority().as_str()), (false, "127.0.0.1:8080"));
        for bad in ["ftp://x", "", "h:99999", "a/b:1", "u@h:1"] {
            assert!(Target::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn round_robin_takes_turns_and_skips_the_ejected() {
        let up = upstream(Balance::RoundRobin, 3);
        let picks: Vec<usize> = (0..6)
            .map(|_| pick(&up, &view(&up), None, 0).unwrap())
            .collect();
        for i in 0..3 {
            assert_eq!(picks.iter().filter(|&&p| p == i).count(), 2, "{picks:?}");
        }
        let s = state(&up.targets[1]);
        s.failed(&up, &up.targets[1]);
        s.failed(&up, &up.targets[1]);
        assert!((0..6).all(|_| pick(&up, &view(&up), None, 0) != Some(1)));
        // Tried targets are not picked again; when every one is ejected, any is.
        assert_eq!(pick(&up, &view(&up), None, 0b101), Some(1));
        s.succeeded();
    }

    #[test]
    fn consistent_hashing_moves_only_the_leaving_target_s_keys() {
        let up = upstream(Balance::ConsistentHash, 4);
        let before: Vec<usize> = (0..200u64)
            .map(|k| pick(&up, &view(&up), Some(k), 0).unwrap())
            .collect();
        let again: Vec<usize> = (0..200u64)
            .map(|k| pick(&up, &view(&up), Some(k), 0).unwrap())
            .collect();
        assert_eq!(before, again);
        // Every target gets some keys.
        for i in 0..4 {
            assert!(before.contains(&i));
        }
        let s = state(&up.targets[2]);
        s.failed(&up, &up.targets[2]);
        s.failed(&up, &up.targets[2]);
        for k in 0..200u64 {
            let now = pick(&up, &view(&up), Some(k), 0).unwrap();
            if before[k as usize] != 2 {
                assert_eq!(now, before[k as usize], "key {k} moved");
            }
        }
        s.succeeded();
    }

    #[test]
    fn least_conn_prefers_the_idlest() {
        let up = upstream(Balance::LeastConn, 2);
        state(&up.targets[0]).active.set(3);
        assert!((0..4).all(|_| pick(&up, &view(&up), None, 0) == Some(1)));
        state(&up.targets[0]).active.set(0);
    }
}
