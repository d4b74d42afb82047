//! `work(…).cache({ ttl, vary, query, store })`: a work's GET (and HEAD)
//! answers kept for `ttl` seconds and served without running the script.
//! The key is the work, the path, the query (unless `query: false`) and
//! the `vary` request headers' values. Answers are kept on each core
//! (`store: "local"`, an LRU bounded in bytes) or in the `kv()` store
//! (`store: "kv"`: Redis, shared by every node, under
//! `kitwork:cache:KEY`). A stampede on a key that is not cached runs the
//! script once per core: the requests that come while it runs wait for
//! its answer (request coalescing).
//!
//! Kept: status 200, not streamed, no `Set-Cookie`, no `Cache-Control`
//! saying `no-store` or `private`, at most `MAX_BODY` bytes. A hit
//! carries `Age` and `X-Cache: HIT`; the answer that filled the cache
//! `X-Cache: MISS`.

use super::host::with_host;
use super::reply::Reply;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::time::{Duration, Instant};
use vm::builtins::arg;
use vm::error::{ErrorKind, Interrupt};
use vm::state::{Args, Vm};
use vm::value::Value;

/// The largest body kept.
pub(crate) const MAX_BODY: usize = 1 << 20;
/// What each core's local cache may hold.
const LOCAL_BYTES: usize = 32 << 20;
/// How long a request waits for another's run of the same key before it
/// runs the script itself.
const COALESCE_WAIT: Duration = Duration::from_secs(10);
/// Where answers live in the `kv()` store: this, then the key.
const KV_PREFIX: &str = "kitwork:cache:";

/// Where a work's answers are kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Store {
    Local,
    Kv,
}

/// A work's declared cache.
#[derive(Debug)]
pub struct CacheRule {
    /// The work's name: its routes share a cache, other works' are apart.
    pub scope: String,
    pub ttl: Duration,
    /// Request headers (lower-case) whose values are part of the key.
    pub vary: Vec<String>,
    /// The query is part of the key.
    pub query: bool,
    pub store: Store,
}

/// A kept answer.
pub(crate) struct Cached {
    status: u16,
    content_type: Option<String>,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    /// When it was made (for `Age`) and until when it is served.
    made: Instant,
    expires: Instant,
}

impl Cached {
    fn bytes(&self, key: &str) -> usize {
        key.len()
            + self.body.len()
            + self
                .headers
                .iter()
                .map(|(n, v)| n.len() + v.len() + 48)
                .sum::<usize>()
            + 128
    }

    /// The answer to send for it now: a 304 without its body when it is a
    /// 200 whose `ETag` (or `Last-Modified`) the request's `If-None-Match`
    /// (or `If-Modified-Since`), given here, names as current.
    pub(crate) fn reply(
        &self,
        now: Instant,
        none_match: Option<&str>,
        modified_since: Option<&str>,
    ) -> Reply {
        let mut headers = self.headers.clone();
        let age = now.saturating_duration_since(self.made).as_secs();
        headers.push(("Age".into(), age.to_string()));
        headers.push(("X-Cache".into(), "HIT".into()));
        let field = |name: &str| {
            self.headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.as_str())
        };
        // Only a conditional request pays for finding the validators.
        let current = self.status == 200
            && (none_match.is_some() || modified_since.is_some())
            && super::conditional::not_modified(
                field("etag"),
                field("last-modified").and_then(super::conditional::seconds),
                none_match,
                modified_since,
            );
        Reply {
            status: if current { 304 } else { self.status },
            content_type: self.content_type.clone().map(Into::into),
            headers,
            body: if current {
                Vec::new()
            } else {
                self.body.clone()
            },
            streamed: false,
        }
    }

    /// Its form in the `kv()` store: when it was made (ms since the Unix
    /// epoch, for `Age`; Redis expires it), status, type, fields, then the
    /// body — read back with one `GET`.
    fn encode(&self, now: Instant) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.body.len() + 256);
        let age = now.saturating_duration_since(self.made);
        let made = unix_ms().saturating_sub(age.as_millis() as u64);
        out.extend_from_slice(&made.to_be_bytes());
        out.extend_from_slice(&self.status.to_be_bytes());
        let text = |s: &str, out: &mut Vec<u8>| {
            out.extend_from_slice(&(s.len() as u32).to_be_bytes());
            out.extend_from_slice(s.as_bytes());
        };
        text(self.content_type.as_deref().unwrap_or(""), &mut out);
        out.extend_from_slice(&(self.headers.len() as u32).to_be_bytes());
        for (n, v) in &self.headers {
            text(n, &mut out);
            text(v, &mut out);
        }
        out.extend_from_slice(&self.body);
        out
    }

    /// Reads `encode`'s form; `None` when it is not one. Another node's
    /// clock may differ from this one's: the age is at most `ttl`.
    fn decode(bytes: &[u8], now: Instant, ttl: Duration) -> Option<Cached> {
        let mut r = Reader { bytes, at: 0 };
        let made_ms = u64::from_be_bytes(r.take(8)?.try_into().ok()?);
        let age = Duration::from_millis(unix_ms().saturating_sub(made_ms)).min(ttl);
        let made = now.checked_sub(age).unwrap_or(now);
        let status = u16::from_be_bytes(r.take(2)?.try_into().ok()?);
        let content_type = Some(r.text()?).filter(|t| !t.is_empty());
        let n = r.number()?;
        let mut headers = Vec::with_capacity(n.min(64));
        for _ in 0..n {
            headers.push((r.text()?, r.text()?));
        }
        let body = bytes.get(r.at..)?.to_vec();
        Some(Cached {
            status,
            content_type,
            headers,
            body,
            made,
            expires: made + ttl,
        })
    }
}

/// Milliseconds since the Unix epoch.
fn unix_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// Reads `Cached::encode`'s form.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let s = self.bytes.get(self.at..self.at.checked_add(n)?)?;
        self.at += n;
        Some(s)
    }

    fn number(&mut self) -> Option<usize> {
        Some(u32::from_be_bytes(self.take(4)?.try_into().ok()?) as usize)
    }

    fn text(&mut self) -> Option<String> {
        let n = self.number()?;
        String::from_utf8(self.take(n)?.to_vec()).ok()
    }
}

/// `work(…).cache({ ttl, vary, query, store })`: the work's GET and HEAD
/// answers are kept `ttl` seconds (required), keyed by the path, the
/// query (unless `query: false`) and the `vary` headers' values, on each
/// core (`store: "local"`, the default) or in the `kv()` store (`"kv"`).
pub(crate) fn work_cache(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    use super::host::Mode;
    let w = super::work::builder_index(vm, this)?;
    if !super::work::registering(vm)? {
        return Ok(this);
    }
    let opts = arg(vm, a, 0);
    let Value::Obj(_) = opts else {
        return Err(vm.type_error("cache({ ttl, vary, query, store }) needs its options"));
    };
    let field = |vm: &mut Vm, name: &str| {
        let k = vm.heap.intern(name);
        vm.get_field(opts, k)
    };
    let ttl = match field(vm, "ttl")? {
        Value::Undefined => return Err(vm.type_error("cache(): ttl (seconds) is required")),
        v => {
            let s = vm.to_number(v)?;
            if !(s > 0.0 && s <= 365.0 * 86400.0) {
                return Err(Interrupt::error(
                    ErrorKind::RangeError,
                    "cache(): ttl must be a number of seconds > 0 (at most a year)",
                ));
            }
            Duration::from_secs_f64(s)
        }
    };
    let mut vary = Vec::new();
    match field(vm, "vary")? {
        Value::Undefined => {}
        Value::Obj(o) if vm.heap.obj(o).class == vm::heap::Class::Array => {
            for v in vm.heap.obj(o).elems.clone() {
                let Some(name) = vm.heap.str(v) else {
                    return Err(vm.type_error("cache(): vary lists header names"));
                };
                vary.push(name.to_ascii_lowercase());
            }
        }
        _ => return Err(vm.type_error("cache(): vary is an array of header names")),
    }
    let query = match field(vm, "query")? {
        Value::Undefined => true,
        v => vm.truthy(v),
    };
    let store = match field(vm, "store")? {
        Value::Undefined => Store::Local,
        v if vm.heap.str(v) == Some("local") => Store::Local,
        v if vm.heap.str(v) == Some("kv") => Store::Kv,
        _ => {
            return Err(
                vm.type_error("cache(): store is \"local\" (each core) or \"kv\" (the kv() store)")
            );
        }
    };
    with_host(vm, |_, h| {
        let rule = std::sync::Arc::new(CacheRule {
            scope: format!("work {}", h.works[w].name),
            ttl,
            vary,
            query,
            store,
        });
        h.works[w].cache = Some(rule.clone());
        if let Mode::Register { routes } = &mut h.mode {
            for &r in &h.works[w].routes {
                routes[r].cache = Some(rule.clone());
            }
        }
    })?;
    Ok(this)
}

/// Whether `reply` may be kept, and the form kept.
fn keepable(reply: &Reply, rule: &CacheRule, now: Instant) -> Option<Rc<Cached>> {
    if reply.status != 200 || reply.streamed || reply.body.len() > MAX_BODY {
        return None;
    }
    for (name, value) in &reply.headers {
        if name.eq_ignore_ascii_case("set-cookie") {
            return None;
        }
        if name.eq_ignore_ascii_case("cache-control") {
            let v = value.to_ascii_lowercase();
            if v.contains("no-store") || v.contains("private") || v.contains("no-cache") {
                return None;
            }
        }
    }
    Some(Rc::new(Cached {
        status: reply.status,
        content_type: reply.content_type.as_deref().map(str::to_string),
        headers: reply.headers.clone(),
        body: reply.body.clone(),
        made: now,
        expires: now + rule.ttl,
    }))
}

/// The key of `req` under `rule`.
pub(crate) fn key(rule: &CacheRule, req: &super::http::Request<'_, '_>) -> String {
    let mut k = String::with_capacity(rule.scope.len() + req.path.len() + 32);
    k.push_str(&rule.scope);
    k.push('\0');
    k.push_str(req.path);
    if rule.query && !req.query.is_empty() {
        k.push('?');
        k.push_str(req.query);
    }
    for name in &rule.vary {
        k.push('\0');
        if let Some(v) = req.header(name) {
            k.push_str(&String::from_utf8_lossy(v));
        }
    }
    k
}

/// A run of the script for a key that other requests wait on.
#[derive(Default)]
pub(crate) struct Flight {
    done: tokio::sync::Notify,
    answer: RefCell<Option<Rc<Cached>>>,
}

/// One core's cache and its runs in flight.
pub(crate) struct Cache {
    entries: lru::LruCache<String, Rc<Cached>>,
    used: usize,
    flights: HashMap<String, Rc<Flight>>,
}

impl Default for Cache {
    fn default() -> Cache {
        Cache {
            entries: lru::LruCache::unbounded(),
            used: 0,
            flights: HashMap::new(),
        }
    }
}

impl Cache {
    fn get(&mut self, key: &str, now: Instant) -> Option<Rc<Cached>> {
        let fresh = self.entries.get(key).map(|c| c.expires > now)?;
        if !fresh {
            if let Some(old) = self.entries.pop(key) {
                self.used -= old.bytes(key);
            }
            return None;
        }
        self.entries.get(key).cloned()
    }

    fn put(&mut self, key: String, c: Rc<Cached>) {
        if let Some(old) = self.entries.pop(&key) {
            self.used -= old.bytes(&key);
        }
        self.used += c.bytes(&key);
        self.entries.put(key, c);
        while self.used > LOCAL_BYTES {
            match self.entries.pop_lru() {
                Some((k, old)) => self.used -= old.bytes(&k),
                None => break,
            }
        }
    }
}

/// A request's duty to make a key's answer: others may be waiting on it.
/// Dropped without `keep` (the run failed, the client left), it ends the
/// flight with nothing, so the waiting requests run the script themselves.
pub(crate) struct Claim {
    core: Rc<super::per_core::Core>,
    rule: std::sync::Arc<CacheRule>,
    key: String,
    flight: Rc<Flight>,
    done: bool,
}

impl Claim {
    /// Ends the flight with `reply` when it may be kept (`MISS` on it),
    /// keeping it here and, for `store: "kv"`, in the store.
    pub(crate) fn keep(mut self, reply: &mut Reply) {
        let answer = keepable(reply, &self.rule, Instant::now());
        if let Some(c) = &answer {
            to_kv(&self.core, &self.rule, &self.key, c);
            reply.headers.push(("X-Cache".into(), "MISS".into()));
        }
        fill(&self.core, &self.key, &self.flight, answer);
        self.done = true;
    }
}

impl Drop for Claim {
    fn drop(&mut self) {
        if !self.done {
            fill(&self.core, &self.key, &self.flight, None);
        }
    }
}

/// What a lookup found.
pub(crate) enum Lookup {
    Hit(Rc<Cached>),
    /// Not kept: this request runs the script, and keeps its answer.
    Run(Claim),
    /// Not kept, and another run of the key on this core ended without an
    /// answer to keep: run the script, keep nothing.
    Alone,
}

/// Looks `key` up: kept here, kept in the store, or being made by another
/// request (then waits for it).
pub(crate) async fn lookup(
    core: &Rc<super::per_core::Core>,
    rule: &std::sync::Arc<CacheRule>,
    key: String,
) -> Lookup {
    let now = Instant::now();
    if let Some(c) = core.cache.borrow_mut().get(&key, now) {
        return Lookup::Hit(c);
    }
    let waiting = core.cache.borrow().flights.get(&key).cloned();
    if let Some(flight) = waiting {
        let done = flight.done.notified();
        let _ = monoio::time::timeout(COALESCE_WAIT, done).await;
        return match flight.answer.borrow().clone() {
            Some(c) => Lookup::Hit(c),
            None => Lookup::Alone,
        };
    }
    let flight = Rc::new(Flight::default());
    core.cache
        .borrow_mut()
        .flights
        .insert(key.clone(), flight.clone());
    let mut claim = Claim {
        core: core.clone(),
        rule: rule.clone(),
        key,
        flight,
        done: false,
    };
    if rule.store == Store::Kv
        && let Some(c) = from_kv(core, rule, &claim.key).await
    {
        let c = Rc::new(c);
        fill(core, &claim.key, &claim.flight, Some(c.clone()));
        claim.done = true;
        return Lookup::Hit(c);
    }
    Lookup::Run(claim)
}

/// Ends `key`'s flight with what the run made (`None`: nothing to keep):
/// the waiting requests get it, and the core keeps it.
fn fill(core: &super::per_core::Core, key: &str, flight: &Flight, answer: Option<Rc<Cached>>) {
    let mut cache = core.cache.borrow_mut();
    cache.flights.remove(key);
    if let Some(c) = &answer {
        cache.put(key.to_string(), c.clone());
    }
    *flight.answer.borrow_mut() = answer;
    flight.done.notify_waiters();
}

/// Keeps a new answer in the `kv()` store too (`store: "kv"`), on a task
/// of its own: the client does not wait for it.
fn to_kv(core: &Rc<super::per_core::Core>, rule: &CacheRule, key: &str, c: &Cached) {
    if rule.store != Store::Kv {
        return;
    }
    let mut cmd = vm::io::kv::Command::default();
    cmd.word(b"SET");
    cmd.word(format!("{KV_PREFIX}{key}").as_bytes());
    cmd.word(&c.encode(Instant::now()));
    cmd.word(b"PX");
    cmd.int(rule.ttl.as_millis().max(1) as i64);
    let core = core.clone();
    monoio::spawn(async move {
        let _ = core.services.kv.run(&cmd).await;
    });
}

/// An answer another node (or this one, earlier) kept in the store.
async fn from_kv(core: &super::per_core::Core, rule: &CacheRule, key: &str) -> Option<Cached> {
    use vm::io::kv::Reply as KvReply;
    let name = format!("{KV_PREFIX}{key}");
    let mut get = vm::io::kv::Command::default();
    get.word(b"GET");
    get.word(name.as_bytes());
    let KvReply::Text(bytes) = core.services.kv.run(&get).await.ok()? else {
        return None;
    };
    Cached::decode(&bytes, Instant::now(), rule.ttl)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_store_form_reads_back() {
        let now = Instant::now();
        let c = Cached {
            status: 200,
            content_type: Some("application/json".into()),
            headers: vec![("ETag".into(), "\"x\"".into())],
            body: b"{\"a\":1}".to_vec(),
            made: now,
            expires: now + Duration::from_secs(10),
        };
        // Written 6 s after it was made, read at once.
        let back = Cached::decode(
            &c.encode(now + Duration::from_secs(6)),
            now,
            Duration::from_secs(10),
        )
        .unwrap();
        assert_eq!(back.status, 200);
        assert_eq!(back.content_type.as_deref(), Some("application/json"));
        assert_eq!(back.headers, c.headers);
        assert_eq!(back.body, c.body);
        assert_eq!(
            back.reply(now, None, None).headers[1],
            ("Age".to_string(), "6".to_string())
        );
        assert!(Cached::decode(b"\x00", now, Duration::from_secs(1)).is_none());
    }
}
