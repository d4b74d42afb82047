//! Proxied routes: `work(…).proxy(prefix, upstream, { stripPrefix, host })`
//! forwards what comes under `prefix` to a target of the upstream
//! (upstream.rs) without running a script. The request goes with its
//! headers less the hop-by-hop ones, plus `X-Forwarded-For/-Proto/-Host`
//! and `Forwarded`; the answer comes back the same way, whole when it is
//! small, else piece by piece as the client takes it (`Streamed`). A
//! failure before anything was sent is tried on another target; after, only
//! an idempotent request is.

use super::http;
use super::reply::Reply;
use super::streamed::Streamed;
use super::upstream::{self, HashKey, Sender, Target, TargetState, Upstream};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use std::rc::Rc;
use std::sync::Arc;

/// A proxied route's settings.
#[derive(Debug)]
pub struct ProxyRoute {
    pub upstream: Arc<Upstream>,
    /// The route's prefix, taken off the path sent upstream (`stripPrefix`).
    pub strip: Option<String>,
    /// Send the target's authority as `Host` instead of the client's.
    pub upstream_host: bool,
}

/// What a script declared, resolved once the upstreams are known.
#[derive(Debug, Clone)]
pub struct ProxyDecl {
    pub upstream: String,
    pub prefix: String,
    pub strip: bool,
    pub upstream_host: bool,
}

/// Answers up to this long are read whole (and their connection reused at
/// once); longer or unknown ones are streamed.
const WHOLE: u64 = 256 * 1024;

/// Hop-by-hop fields (RFC 9110 §7.6.1), never forwarded, with those a
/// `Connection` header names; the framing is each side's own.
const HOP_BY_HOP: [&str; 9] = [
    "connection",
    "keep-alive",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "content-length",
    "expect",
];

/// The answer to a proxied request.
pub(crate) enum Forwarded {
    Whole(Reply),
    /// The head of a `HEAD`'s answer, with the length the target gave.
    Head(Reply, Option<u64>),
    /// The head (body empty), and the body to stream.
    Stream(Reply, Box<Streamed>),
}

/// Forwards `req` (`rest`: the route's `*path` as sent) through `route`.
pub(crate) async fn forward(
    route: &ProxyRoute,
    req: &http::Request<'_, '_>,
    secure: bool,
    rest: &str,
) -> Forwarded {
    let up = &route.upstream;
    upstream::check_health(up);
    let target_path = match &route.strip {
        Some(_) => format!("/{rest}"),
        None => req.path.to_string(),
    };
    let uri = match req.query.is_empty() {
        true => target_path,
        false => format!("{target_path}?{}", req.query),
    };
    let idempotent = matches!(req.method, "GET" | "HEAD" | "PUT" | "DELETE" | "OPTIONS");
    let hash = match up.balance {
        upstream::Balance::ConsistentHash => Some(hash_of(&up.hash, req)),
        _ => None,
    };
    let body = Bytes::copy_from_slice(&req.body);
    let mut tried = Vec::new();
    let mut last = (502, String::from("no target to send to"));
    for _ in 0..=up.retries {
        let Some(i) = upstream::pick(up, hash, &tried) else {
            break;
        };
        tried.push(i);
        let target = &up.targets[i];
        let state = upstream::state(target);
        let request = match build(route, req, secure, target, &uri, body.clone()) {
            Ok(r) => r,
            Err(e) => return Forwarded::Whole(Reply::error(400, &e)),
        };
        state.active.set(state.active.get() + 1);
        let sent = exchange(up, target, &state, request).await;
        state.active.set(state.active.get() - 1);
        match sent {
            Ok((answer, sender)) => {
                state.succeeded();
                return answer_of(up, answer, sender, state, req.method == "HEAD").await;
            }
            Err(failure) => {
                state.failed(up, target);
                let retry = !failure.sent || idempotent;
                last = (failure.status, format!("{}: {}", up.name, failure.message));
                if !retry {
                    break;
                }
            }
        }
    }
    crate::log::error(&format!(
        "{} {}: proxy to upstream {}: {}",
        req.method, req.path, up.name, last.1
    ));
    Forwarded::Whole(Reply::error(last.0, &last.1))
}

/// Why an exchange with a target failed.
struct Failure {
    /// The request may have reached the target.
    sent: bool,
    /// 502, or 504 for a timeout.
    status: u16,
    message: String,
}

/// Sends `request` on an idle connection to `target` or a new one, and
/// waits for the answer's head. A kept connection the target had closed
/// (the request handed back unsent) is replaced by a new one.
async fn exchange(
    up: &Upstream,
    target: &Target,
    state: &TargetState,
    mut request: hyper::Request<Full<Bytes>>,
) -> Result<(hyper::Response<hyper::body::Incoming>, Sender), Failure> {
    let unsent = |message: String| Failure {
        sent: false,
        status: 502,
        message,
    };
    for _ in 0..2 {
        let mut sender = match state.idle() {
            Some(s) => s,
            None => upstream::connect(up, target).await.map_err(unsent)?,
        };
        if sender.ready().await.is_err() {
            continue;
        }
        let answer = monoio::time::timeout(up.response_timeout, sender.try_send_request(request));
        match answer.await {
            Ok(Ok(response)) => return Ok((response, sender)),
            Ok(Err(mut e)) => match e.take_message() {
                // Never written: safe to send again, on a new connection.
                Some(back) => request = back,
                None => {
                    return Err(Failure {
                        sent: true,
                        status: 502,
                        message: format!("{}: {}", target.key, e.error()),
                    });
                }
            },
            Err(_) => {
                return Err(Failure {
                    sent: true,
                    status: 504,
                    message: format!(
                        "{} did not answer within {} ms",
                        target.key,
                        up.response_timeout.as_millis()
                    ),
                });
            }
        }
    }
    Err(unsent(format!(
        "{}: its connections kept closing",
        target.key
    )))
}

/// The request to send: the client's method, the path (prefix stripped
/// when asked), its headers less the hop-by-hop ones, and the
/// `X-Forwarded-*` and `Forwarded` fields.
fn build(
    route: &ProxyRoute,
    req: &http::Request<'_, '_>,
    secure: bool,
    target: &Target,
    uri: &str,
    body: Bytes,
) -> Result<hyper::Request<Full<Bytes>>, String> {
    let named = connection_named(req);
    let mut b = hyper::Request::builder().method(req.method).uri(uri);
    let client_host = req.header("host").and_then(|h| std::str::from_utf8(h).ok());
    let mut forwarded_for = None;
    let mut forwarded = None;
    for h in req.headers {
        let name = h.name;
        if HOP_BY_HOP.iter().any(|n| name.eq_ignore_ascii_case(n))
            || named.iter().any(|n| name.eq_ignore_ascii_case(n))
        {
            continue;
        }
        if name.eq_ignore_ascii_case("host") && route.upstream_host {
            continue;
        }
        if name.eq_ignore_ascii_case("x-forwarded-for") {
            forwarded_for = std::str::from_utf8(h.value).ok();
            continue;
        }
        if name.eq_ignore_ascii_case("forwarded") {
            forwarded = std::str::from_utf8(h.value).ok();
            continue;
        }
        if name.eq_ignore_ascii_case("x-forwarded-proto")
            || name.eq_ignore_ascii_case("x-forwarded-host")
        {
            continue;
        }
        b = b.header(name, h.value);
    }
    if route.upstream_host || client_host.is_none() {
        b = b.header("host", target.authority());
    }
    let proto = if secure { "https" } else { "http" };
    let peer = req.peer.map(|p| p.to_string());
    if let Some(ip) = &peer {
        let chain = match forwarded_for {
            Some(prior) => format!("{prior}, {ip}"),
            None => ip.clone(),
        };
        b = b.header("x-forwarded-for", chain);
    }
    b = b.header("x-forwarded-proto", proto);
    if let Some(h) = client_host {
        b = b.header("x-forwarded-host", h);
    }
    // RFC 7239: an IPv6 address is quoted in brackets.
    let mut element = match (&peer, req.peer) {
        (Some(ip), Some(std::net::IpAddr::V6(_))) => format!("for=\"[{ip}]\";proto={proto}"),
        (Some(ip), _) => format!("for={ip};proto={proto}"),
        (None, _) => format!("proto={proto}"),
    };
    if let Some(h) = client_host.filter(|h| h.bytes().all(|c| c.is_ascii_graphic())) {
        element.push_str(&format!(";host=\"{h}\""));
    }
    let value = match forwarded {
        Some(prior) => format!("{prior}, {element}"),
        None => element,
    };
    b = b.header("forwarded", value);
    b.body(Full::new(body))
        .map_err(|e| format!("the request cannot be forwarded: {e}"))
}

/// The header names a `Connection` field lists (hop-by-hop too).
fn connection_named<'r>(req: &'r http::Request<'_, '_>) -> Vec<&'r str> {
    req.headers
        .iter()
        .filter(|h| h.name.eq_ignore_ascii_case("connection"))
        .filter_map(|h| std::str::from_utf8(h.value).ok())
        .flat_map(|v| v.split(',').map(str::trim))
        .filter(|n| !n.is_empty())
        .collect()
}

/// The key `consistent_hash` hashes for `req`.
fn hash_of(key: &HashKey, req: &http::Request<'_, '_>) -> u64 {
    match key {
        HashKey::Client => upstream::fnv(
            req.peer
                .map(|p| p.to_string())
                .unwrap_or_default()
                .as_bytes(),
        ),
        HashKey::Path => upstream::fnv(req.path.as_bytes()),
        HashKey::Header(name) => upstream::fnv(req.header(name).unwrap_or_default()),
        HashKey::Query(name) => {
            let value = req
                .query
                .split('&')
                .filter_map(|p| p.split_once('=').or(Some((p, ""))))
                .find(|(k, _)| k == name)
                .map_or("", |(_, v)| v);
            upstream::fnv(value.as_bytes())
        }
    }
}

/// The client's answer from the target's: its status and headers (less
/// hop-by-hop ones, and `Date` and `Server`, which are the gateway's), its
/// body whole when short, else streamed; the connection goes back to the
/// core's pool once its body has been read.
async fn answer_of(
    up: &Upstream,
    answer: hyper::Response<hyper::body::Incoming>,
    sender: Sender,
    state: Rc<TargetState>,
    head: bool,
) -> Forwarded {
    let (parts, body) = answer.into_parts();
    let status = parts.status.as_u16();
    let length = parts
        .headers
        .get(hyper::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    let named: Vec<String> = parts
        .headers
        .get_all(hyper::header::CONNECTION)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(',').map(|n| n.trim().to_ascii_lowercase()))
        .collect();
    let mut reply = Reply {
        status,
        content_type: None,
        headers: Vec::with_capacity(parts.headers.len()),
        body: Vec::new(),
        streamed: false,
    };
    for (name, value) in &parts.headers {
        let n = name.as_str();
        if HOP_BY_HOP.contains(&n) || named.iter().any(|m| m == n) || n == "date" || n == "server" {
            continue;
        }
        let Ok(v) = value.to_str() else { continue };
        if n == "content-type" {
            reply.content_type = Some(v.to_string().into());
        } else {
            reply.headers.push((n.to_string(), v.to_string()));
        }
    }
    if head {
        drop(body);
        state.keep(sender, up.keepalive);
        return Forwarded::Head(reply, length);
    }
    // 204 and 304 have no body.
    let bodiless = status == 204 || status == 304;
    if bodiless || length.is_some_and(|n| n <= WHOLE) {
        let limit = length.unwrap_or(0) as usize;
        let read = http_body_util::Limited::new(body, limit.max(1)).collect();
        return match monoio::time::timeout(up.response_timeout, read).await {
            Ok(Ok(b)) => {
                reply.body = b.to_bytes().to_vec();
                state.keep(sender, up.keepalive);
                Forwarded::Whole(reply)
            }
            _ => Forwarded::Whole(Reply::error(502, "the upstream's answer was cut short")),
        };
    }
    let keepalive = up.keepalive;
    let streamed = Streamed::upstream(
        body,
        length,
        up.response_timeout,
        Box::new(move || state.keep(sender, keepalive)),
    );
    Forwarded::Stream(reply, Box::new(streamed))
}
