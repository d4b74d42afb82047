//! `limit(key, { rate, per, burst })`: a token bucket per key on each
//! core, with no traffic between cores: each core allows its share of the
//! rate and of the burst (docs/HTTP.md). A request within the limit gets
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

/// A work's declared limit for `req`: the headers its answer carries, or
/// the 429 that answers it.
pub(crate) fn check(
    l: &RouteLimit,
    req: &super::http::Request<'_, '_>,
) -> Result<Vec<(String, String)>, super::reply::Reply> {
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
    let (rate, burst) = shares(l.rate, l.per, l.burst);
    let d = take(&key, rate, burst, Instant::now());
    let headers = headers(&d);
    if d.allowed {
        return Ok(headers);
    }
    let mut reply = super::reply::Reply::error(429, EXCEEDED);
    reply.headers = headers;
    Err(reply)
}

/// `limit(key, { rate, per, burst })`: `rate` requests per `per` seconds
/// (default 1), bursts of up to `burst` (default `rate`), for all cores
/// together. Gives `{ limit, remaining, reset }`, or throws past the limit.
pub(crate) fn limit(vm: &mut Vm, _: Value, a: Args) -> Result<Value, Interrupt> {
    let key = string_arg(vm, a, 0)?;
    let opts = arg(vm, a, 1);
    let Value::Obj(_) = opts else {
        return Err(vm.type_error("limit(key, { rate, per, burst }) needs its options"));
    };
    let (rate, per, burst) = rate_options(vm, opts)?;
    let (rate_here, burst_here) = shares(rate, per, burst);
    let d = take(&key, rate_here, burst_here, Instant::now());
    let headers = headers(&d);
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
    with_host(vm, |_, h| {
        let l = std::sync::Arc::new(RouteLimit {
            scope: format!("work {}", h.works[w].name),
            rate,
            per,
            burst,
            key,
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
