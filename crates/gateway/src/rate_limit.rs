//! `limit(key, { rate, per, burst })`: a token bucket per key on each
//! core, with no traffic between cores: each core allows its share of the
//! rate and of the burst (docs/HTTP.md). With `scope: "cluster"` the
//! bucket is in the `kv()` store (Redis), shared by every core and every
//! node: one round trip runs `CLUSTER_GCRA` there, on Redis's clock. A request within the limit gets
//! `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset`; one
//! past it throws an error with `code: "RATE_LIMITED"`, which uncaught is
//! a 429 with `Retry-After` (reply.rs). `work(…).limit({ rate, per, burst,
//! key })` is the declarative form: the gateway takes the token before the
//! route runs (scripted, static or proxied), by the client's address or a
//! header, and answers 429 itself.

use super::host::{string_arg, with_host};
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;
use vm::builtins::arg;
use vm::error::{ErrorKind, Interrupt};
use vm::state::{Args, Vm};
use vm::value::Value;

/// The `code` of the error a request past its limit throws, and its
/// message (the 429's body).
pub const RATE_LIMITED: &str = "RATE_LIMITED";
pub const EXCEEDED: &str = "rate limit exceeded: try again later";

/// Most keys one core tracks; past it, the buckets that are full again
/// (their keys idle) are dropped, else the fullest ones.
const KEYS_MAX: usize = 100_000;

/// How many cores share each limit (set once, when the cores start).
static CORES: AtomicUsize = AtomicUsize::new(1);

pub(crate) fn set_cores(n: usize) {
    CORES.store(n.max(1), Ordering::Relaxed);
}

/// Whether cluster limits let requests through while the store is
/// unreachable (`kv.limit_fail`; set once, when the cores start).
static CLUSTER_FAIL_OPEN: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(true);

pub(crate) fn set_cluster_fail_open(open: bool) {
    CLUSTER_FAIL_OPEN.store(open, Ordering::Relaxed);
}

/// Where cluster buckets live in the store: this, then the script's key.
const CLUSTER_PREFIX: &str = "kitwork:limit:";

/// The generic cell rate algorithm in one Redis script: the key holds the
/// bucket's "theoretical arrival time" (ms, on Redis's clock, so nodes'
/// clocks never matter); a request is allowed when that time, moved on by
/// one interval, is within `burst` intervals of now. ARGV: the interval
/// (ms per request), the burst. Replies allowed (1/0), the burst, what
/// remains, ms until the bucket is full again, ms until one is allowed.
const CLUSTER_GCRA: &str = r#"
local interval, burst = tonumber(ARGV[1]), tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local tat = tonumber(redis.call('GET', KEYS[1])) or now
if tat < now then tat = now end
local window = interval * burst
local next_tat = tat + interval
if next_tat - window > now then
  return {0, burst, 0, math.ceil(tat - now), math.ceil(next_tat - window - now)}
end
redis.call('SET', KEYS[1], tostring(next_tat), 'PX', math.max(1, math.ceil(next_tat - now)))
return {1, burst, math.floor((now + window - next_tat) / interval), math.ceil(next_tat - now), 0}
"#;

struct Bucket {
    tokens: f64,
    at: Instant,
}

thread_local! {
    /// This core's buckets, by key.
    static BUCKETS: RefCell<HashMap<String, Bucket>> = RefCell::new(HashMap::new());
}

/// What a request's take from its bucket decided.
#[derive(Debug, PartialEq)]
pub(crate) struct Decision {
    pub(crate) allowed: bool,
    /// This core's share of the burst.
    pub(crate) limit: u64,
    pub(crate) remaining: u64,
    /// Seconds until the bucket is full again.
    pub(crate) reset: u64,
    /// Seconds until one request is allowed (0 when allowed now).
    pub(crate) retry_after: u64,
}

/// Takes one token from `key`'s bucket, which refills at `rate` tokens a
/// second up to `burst` (this core's shares of them).
pub(crate) fn take(key: &str, rate: f64, burst: f64, now: Instant) -> Decision {
    BUCKETS.with(|b| {
        let mut buckets = b.borrow_mut();
        if buckets.len() >= KEYS_MAX && !buckets.contains_key(key) {
            evict(&mut buckets, rate, burst, now);
        }
        let bucket = buckets.entry(key.to_string()).or_insert(Bucket {
            tokens: burst,
            at: now,
        });
        let elapsed = now.saturating_duration_since(bucket.at).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * rate).min(burst);
        bucket.at = now;
        let allowed = bucket.tokens >= 1.0;
        if allowed {
            bucket.tokens -= 1.0;
        }
        let missing = burst - bucket.tokens;
        Decision {
            allowed,
            limit: burst as u64,
            remaining: bucket.tokens.floor() as u64,
            reset: (missing / rate).ceil() as u64,
            retry_after: match allowed {
                true => 0,
                false => ((1.0 - bucket.tokens) / rate).ceil().max(1.0) as u64,
            },
        }
    })
}

/// Makes room: drops the buckets that would be full by now (idle keys),
/// or, when none is, half of them.
fn evict(buckets: &mut HashMap<String, Bucket>, rate: f64, burst: f64, now: Instant) {
    let before = buckets.len();
    buckets
        .retain(|_, b| b.tokens + now.saturating_duration_since(b.at).as_secs_f64() * rate < burst);
    if buckets.len() == before {
        let drop: Vec<String> = buckets.keys().take(before / 2).cloned().collect();
        for k in drop {
            buckets.remove(&k);
        }
    }
}

/// What a request is counted by, for a work's declared limit.
#[derive(Debug, Clone, PartialEq)]
pub enum LimitKey {
    /// The client's address.
    Client,
    /// A request header's value (the client's address without it).
    Header(String),
}

/// A work's declared limit (`work(…).limit({ … })`), shared by its routes.
#[derive(Debug)]
pub struct RouteLimit {
    /// The work's name: its routes share buckets, other works' are apart.
    pub scope: String,
    pub rate: f64,
    pub per: f64,
    pub burst: f64,
    pub key: LimitKey,
    /// `scope: "cluster"`: the bucket is in the `kv()` store.
    pub cluster: bool,
}

/// This core's shares of `rate` per `per` seconds and of `burst`: a
/// client whose requests spread over the cores gets the whole rate; one
/// on a single connection (one core) gets its core's share.
fn shares(rate: f64, per: f64, burst: f64) -> (f64, f64) {
    let cores = CORES.load(Ordering::Relaxed) as f64;
    (rate / per / cores, (burst / cores).ceil().max(1.0))
}

/// The headers an answer carries for a decision.
fn headers(d: &Decision) -> Vec<(String, String)> {
    let mut out = vec![
        ("RateLimit-Limit".to_string(), d.limit.to_string()),
        ("RateLimit-Remaining".to_string(), d.remaining.to_string()),
        ("RateLimit-Reset".to_string(), d.reset.to_string()),
    ];
    if !d.allowed {
        out.push(("Retry-After".into(), d.retry_after.to_string()));
    }
    out
}

/// Which bucket of a work's declared limit `req` takes from.
fn route_key(l: &RouteLimit, req: &super::http::Request<'_, '_>) -> String {
    let mut key = String::with_capacity(l.scope.len() + 48);
    key.push_str(&l.scope);
    key.push('\0');
    let header = match &l.key {
        LimitKey::Header(name) => req.header(name),
        LimitKey::Client => None,
    };
    match (header, req.peer) {
        (Some(v), _) => key.push_str(&String::from_utf8_lossy(v)),
        (None, Some(ip)) => {
            use std::fmt::Write;
            let _ = write!(key, "{ip}");
        }
        (None, None) => {}
    }
    key
}

/// The answer to a declared limit's decision: its headers, or the 429.
fn route_answer(d: &Decision) -> Result<Vec<(String, String)>, super::reply::Reply> {
    let headers = headers(d);
    if d.allowed {
        return Ok(headers);
    }
    let mut reply = super::reply::Reply::error(429, EXCEEDED);
    reply.headers = headers;
    Err(reply)
}

/// A work's declared limit for `req`: the headers its answer carries, or
/// the 429 that answers it.
pub(crate) fn check(
    l: &RouteLimit,
    req: &super::http::Request<'_, '_>,
) -> Result<Vec<(String, String)>, super::reply::Reply> {
    let key = route_key(l, req);
    let (rate, burst) = shares(l.rate, l.per, l.burst);
    route_answer(&take(&key, rate, burst, Instant::now()))
}

/// `check` for a declared `scope: "cluster"` limit: one round trip to
/// the `kv()` store. While it cannot be reached, the request goes through
/// without headers (`kv.limit_fail = "open"`) or is a 503.
pub(crate) async fn check_cluster(
    core: &super::per_core::Core,
    l: &RouteLimit,
    req: &super::http::Request<'_, '_>,
) -> Result<Vec<(String, String)>, super::reply::Reply> {
    let mut c = vm::io::kv::Command::default();
    c.word(b"EVAL");
    cluster_command(&mut c, &route_key(l, req), l.rate / l.per, l.burst);
    match cluster_decision(core.services.kv.run(&c).await) {
        Ok(Some(d)) => route_answer(&d),
        Ok(None) => Ok(Vec::new()),
        Err(vm::io::kv::KvError::Unavailable(_)) => Err(super::reply::Reply::error(
            503,
            "the key-value store is unavailable",
        )),
        Err(e) => Err(super::reply::Reply::error(500, e.message())),
    }
}

/// `limit(key, { rate, per, burst, scope })`: `rate` requests per `per`
/// seconds (default 1), bursts of up to `burst` (default `rate`), for all
/// cores together (`scope: "core"`, the default: each core its share) or
/// for every node (`scope: "cluster"`: in the `kv()` store). Gives
/// `{ limit, remaining, reset }`, or throws past the limit.
pub(crate) fn limit(vm: &mut Vm, _: Value, a: Args) -> Result<Value, Interrupt> {
    let key = string_arg(vm, a, 0)?;
    let opts = arg(vm, a, 1);
    let Value::Obj(_) = opts else {
        return Err(vm.type_error("limit(key, { rate, per, burst }) needs its options"));
    };
    let (rate, per, burst) = rate_options(vm, opts)?;
    let scope = vm.heap.intern("scope");
    match vm.get_field(opts, scope)? {
        Value::Undefined => {}
        v if vm.heap.str(v) == Some("core") => {}
        v if vm.heap.str(v) == Some("cluster") => return cluster(vm, &key, rate / per, burst),
        _ => {
            return Err(vm.type_error(
                "limit(): scope is \"core\" (each core its share) or \"cluster\" (in the kv() store)",
            ));
        }
    }
    let (rate_here, burst_here) = shares(rate, per, burst);
    let d = take(&key, rate_here, burst_here, Instant::now());
    decided(vm, &d)
}

/// `limit()` with `scope: "cluster"`: one `EVAL` of `CLUSTER_GCRA` on the
/// store; `cluster_decided` finishes when the reply is in.
fn cluster(vm: &mut Vm, key: &str, per_second: f64, burst: f64) -> Result<Value, Interrupt> {
    let mut c = vm::builtins::kv::command(vm, "EVAL", vm::io::kv::Shape::Any);
    cluster_command(&mut c, key, per_second, burst);
    c.then = Some(cluster_decided);
    vm::builtins::kv::wait(c)
}

/// The words of a cluster limit's `EVAL` (after the name), for `key`.
fn cluster_command(c: &mut vm::io::kv::Command, key: &str, per_second: f64, burst: f64) {
    c.word(CLUSTER_GCRA.as_bytes());
    c.int(1);
    let name = c.bytes_mut();
    name.extend_from_slice(CLUSTER_PREFIX.as_bytes());
    name.extend_from_slice(key.as_bytes());
    c.end_word();
    c.word(format!("{}", 1000.0 / per_second).as_bytes());
    c.int(burst.ceil() as i64);
}

/// What the store decided, from `CLUSTER_GCRA`'s reply: `Ok(None)` when
/// the store cannot be reached and `kv.limit_fail` is `open`.
fn cluster_decision(
    answer: Result<vm::io::kv::Reply, vm::io::kv::KvError>,
) -> Result<Option<Decision>, vm::io::kv::KvError> {
    use vm::io::kv::{KvError, Reply};
    let numbers = match answer {
        Ok(Reply::Array(items)) => items
            .iter()
            .map(|r| match r {
                Reply::Int(n) => Some(*n),
                _ => None,
            })
            .collect::<Option<Vec<i64>>>(),
        Ok(_) => None,
        Err(KvError::Unavailable(_)) if CLUSTER_FAIL_OPEN.load(Ordering::Relaxed) => {
            return Ok(None);
        }
        Err(e) => return Err(e),
    };
    let Some(&[allowed, limit, remaining, reset_ms, retry_ms]) = numbers.as_deref() else {
        return Err(KvError::Refused(
            "limit(): the store's reply to the cluster limit was not understood".into(),
        ));
    };
    let seconds = |ms: i64| (ms.max(0) as u64).div_ceil(1000);
    Ok(Some(Decision {
        allowed: allowed == 1,
        limit: limit.max(0) as u64,
        remaining: remaining.max(0) as u64,
        reset: seconds(reset_ms),
        retry_after: match allowed {
            1 => 0,
            _ => seconds(retry_ms).max(1),
        },
    }))
}

/// The store's decision for a cluster limit, applied as a local one is.
/// While the store cannot be reached, the request goes through without
/// headers (`kv.limit_fail = "open"`) or throws `KV_UNAVAILABLE`.
fn cluster_decided(
    vm: &mut Vm,
    answer: Result<vm::io::kv::Reply, vm::io::kv::KvError>,
) -> Result<Value, Interrupt> {
    match cluster_decision(answer) {
        Ok(Some(d)) => decided(vm, &d),
        Ok(None) => {
            let o = vm.new_object()?;
            let k = vm.heap.intern("unavailable");
            vm.define_own(o, k, Value::Bool(true))?;
            Ok(Value::Obj(o))
        }
        Err(e) => Err(Interrupt::Throw(vm::kv_error(vm, &e))),
    }
}

/// Puts a decision's headers on the answer; its `{ limit, remaining,
/// reset }`, or the `RATE_LIMITED` error.
fn decided(vm: &mut Vm, d: &Decision) -> Result<Value, Interrupt> {
    let headers = headers(d);
    with_host(vm, |_, h| {
        h.response
            .headers
            .retain(|(n, _)| !n.starts_with("RateLimit-") && n != "Retry-After");
        h.response.headers.extend(headers);
    })?;
    if !d.allowed {
        let e = vm.make_error(ErrorKind::Error, EXCEEDED);
        if let Value::Obj(o) = e {
            let code = vm.heap.intern("code");
            let v = vm.heap.alloc_str(RATE_LIMITED)?;
            vm.define_own(o, code, v)?;
        }
        return Err(Interrupt::Throw(e));
    }
    let o = vm.new_object()?;
    for (name, value) in [
        ("limit", d.limit),
        ("remaining", d.remaining),
        ("reset", d.reset),
    ] {
        let k = vm.heap.intern(name);
        vm.define_own(o, k, Value::Num(value as f64))?;
    }
    Ok(Value::Obj(o))
}

/// `work(…).limit({ rate, per, burst, key })`: every route of the work,
/// scripted, static or proxied, is limited before it runs; `key` is
/// `"client"` (its address, the default) or `"header:NAME"`.
pub(crate) fn work_limit(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    use super::host::Mode;
    let w = super::work::builder_index(vm, this)?;
    if !super::work::registering(vm)? {
        return Ok(this);
    }
    let opts = arg(vm, a, 0);
    let Value::Obj(_) = opts else {
        return Err(vm.type_error("limit({ rate, per, burst, key }) needs its options"));
    };
    let (rate, per, burst) = rate_options(vm, opts)?;
    let k = vm.heap.intern("key");
    let key = match vm.get_field(opts, k)? {
        Value::Undefined => LimitKey::Client,
        v => {
            let mut s = String::new();
            vm.write_string(v, &mut s)?;
            match s.strip_prefix("header:") {
                _ if s == "client" => LimitKey::Client,
                Some(name) if !name.is_empty() => LimitKey::Header(name.to_ascii_lowercase()),
                _ => {
                    return Err(vm.type_error(format!(
                        "limit(): key is \"client\" or \"header:NAME\", got {s:?}"
                    )));
                }
            }
        }
    };
    let scope = vm.heap.intern("scope");
    let cluster = match vm.get_field(opts, scope)? {
        Value::Undefined => false,
        v if vm.heap.str(v) == Some("core") => false,
        v if vm.heap.str(v) == Some("cluster") => true,
        _ => {
            return Err(vm.type_error(
                "limit(): scope is \"core\" (each core its share) or \"cluster\" (in the kv() store)",
            ));
        }
    };
    with_host(vm, |_, h| {
        let l = std::sync::Arc::new(RouteLimit {
            scope: format!("work {}", h.works[w].name),
            rate,
            per,
            burst,
            key,
            cluster,
        });
        h.works[w].limit = Some(l.clone());
        if let Mode::Register { routes } = &mut h.mode {
            for &r in &h.works[w].routes {
                routes[r].limit = Some(l.clone());
            }
        }
    })?;
    Ok(this)
}

/// `{ rate, per, burst }` read and checked: `rate` is required, `per`
/// defaults to 1 second and `burst` to `rate`.
fn rate_options(vm: &mut Vm, opts: Value) -> Result<(f64, f64, f64), Interrupt> {
    let number = |vm: &mut Vm, name: &str| -> Result<Option<f64>, Interrupt> {
        let k = vm.heap.intern(name);
        match vm.get_field(opts, k)? {
            Value::Undefined => Ok(None),
            v => {
                let n = vm.to_number(v)?;
                if !(n > 0.0 && n.is_finite()) {
                    return Err(Interrupt::error(
                        ErrorKind::RangeError,
                        format!("limit(): {name} must be a positive number"),
                    ));
                }
                Ok(Some(n))
            }
        }
    };
    let Some(rate) = number(vm, "rate")? else {
        return Err(vm.type_error("limit(): rate is required (requests per `per` seconds)"));
    };
    let per = number(vm, "per")?.unwrap_or(1.0);
    let burst = number(vm, "burst")?.unwrap_or(rate);
    Ok((rate, per, burst))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_bucket_allows_its_burst_then_refills_at_its_rate() {
        let t = Instant::now();
        for i in 0..3 {
            let d = take("k1", 1.0, 3.0, t);
            assert!(d.allowed);
            assert_eq!(d.remaining, 2 - i);
        }
        let d = take("k1", 1.0, 3.0, t);
        assert_eq!((d.allowed, d.retry_after, d.reset), (false, 1, 3));
        // Half a second gives half a token: still refused.
        assert!(!take("k1", 1.0, 3.0, t + Duration::from_millis(500)).allowed);
        assert!(take("k1", 1.0, 3.0, t + Duration::from_millis(1000)).allowed);
        // Keys do not share.
        assert!(take("k2", 1.0, 3.0, t).allowed);
    }

    #[test]
    fn idle_keys_make_room() {
        let t = Instant::now();
        BUCKETS.with(|b| b.borrow_mut().clear());
        for i in 0..KEYS_MAX {
            take(&format!("e{i}"), 1000.0, 1.0, t);
        }
        // A second later every bucket is full again: the next key finds room.
        take("new", 1000.0, 1.0, t + Duration::from_secs(1));
        assert!(BUCKETS.with(|b| b.borrow().len()) < KEYS_MAX / 2);
    }
}
