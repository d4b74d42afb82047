//! Proxied routes: `work(…).proxy(prefix, upstream, { stripPrefix, host })`
//! forwards what comes under `prefix` to a target of the upstream
//! (upstream.rs) without running a script. The request goes with its
//! headers less the hop-by-hop ones, plus `X-Forwarded-For/-Proto/-Host`
//! and `Forwarded`; the answer comes back the same way, whole when it is
//! small, else piece by piece as the client takes it (`Streamed`). A
//! failure before anything was sent is tried on another target; after, only
//! an idempotent request is.

use super::body_feed::BodyFeed;
use super::http;
use super::proxy_hooks::Rewrite;
use super::reply::Reply;
use super::streamed::Streamed;
use super::upstream::{self, HashKey, Target, TargetState, Upstream};
use super::upstream_conn::{self, Conn, Failed, Head};
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
    /// Its script hooks (proxy_hooks.rs): `request`, `response`.
    pub hooks: [bool; 2],
}

/// What a script declared, resolved once the upstreams are known.
#[derive(Debug, Clone)]
pub struct ProxyDecl {
    pub upstream: String,
    pub prefix: String,
    pub strip: bool,
    pub upstream_host: bool,
    pub hooks: [bool; 2],
}

/// Answers up to this long are read whole (and their connection reused at
/// once); longer or unknown ones are streamed. A request body up to this
/// long with its `Content-Length` is read whole for a `request` hook.
pub(crate) const WHOLE: u64 = 256 * 1024;

/// Whether a field is hop-by-hop (RFC 9110 §7.6.1), never forwarded, like
/// those a `Connection` header names; the framing (`Content-Length`,
/// `Transfer-Encoding`) and `Expect` are each side's own too. Sorted by
/// length first: every field of every proxied message passes here, and
/// comparing it with each name in turn cost about 220 instructions more a
/// proxied request (callgrind).
fn hop_by_hop(name: &str) -> bool {
    let is = |n: &str| name.eq_ignore_ascii_case(n);
    match name.len() {
        2 => is("te"),
        6 => is("expect"),
        7 => is("trailer") || is("upgrade"),
        10 => is("connection") || is("keep-alive"),
        14 => is("content-length"),
        16 => is("proxy-connection"),
        17 => is("transfer-encoding"),
        _ => false,
    }
}

/// The answer to a proxied request.
pub(crate) enum Forwarded {
    Whole(Reply),
    /// The head of a `HEAD`'s answer, with the length the target gave.
    Head(Reply, Option<u64>),
    /// The head (body empty), and the body to stream.
    Stream(Reply, Box<Streamed>),
    /// `101 Switching Protocols`: the head, and the target's connection to
    /// join the client's with.
    Tunnel(Reply, Conn),
}

/// Forwards `req` (`rest`: the route's `*path` as sent) through `route`,
/// as its `request` hook rewrote it (`rewrite`).
pub(crate) async fn forward(
    route: &ProxyRoute,
    req: &http::Request<'_, '_>,
    secure: bool,
    rest: &str,
    feed: Option<Rc<BodyFeed>>,
    rewrite: Option<&Rewrite>,
) -> Forwarded {
    let up = &route.upstream;
    upstream::check_health(up);
    // `Connection: Upgrade` (a WebSocket): forwarded, and a 101 becomes a
    // tunnel between the two connections, either of them over TLS.
    let upgrade = upgrade_of(req);
    let method = rewrite
        .and_then(|r| r.method.as_deref())
        .unwrap_or(req.method);
    let idempotent = matches!(method, "GET" | "HEAD" | "PUT" | "DELETE" | "OPTIONS");
    let hash = match up.balance {
        upstream::Balance::ConsistentHash => Some(hash_of(&up.hash, req)),
        _ => None,
    };
    let mut tried: upstream::Tried = 0;
    let mut last = None;
    let mut request = Vec::with_capacity(req.head.len() + req.body.len() + 256);
    let view = upstream::view(up);
    for _ in 0..=up.retries {
        let Some(i) = upstream::pick(up, &view, hash, tried) else {
            break;
        };
        tried |= 1 << i;
        let target = &up.targets[i];
        let state = view.states[i].clone();
        request.clear();
        build(
            route,
            req,
            secure,
            target,
            rest,
            feed.is_some(),
            upgrade,
            rewrite,
            &mut request,
        );
        state.active.set(state.active.get() + 1);
        let body = feed
            .as_deref()
            .map(|f| (f, req.header("content-length").is_some()));
        let sent = exchange(up, target, &state, request, method, idempotent, body).await;
        state.active.set(state.active.get() - 1);
        match sent {
            Ok((head, conn)) => {
                state.succeeded();
                if head.status == 101 {
                    return match upgrade {
                        Some(_) => Forwarded::Tunnel(switched(head), conn),
                        None => Forwarded::Whole(Reply::error(
                            502,
                            "the upstream switched protocols unasked",
                        )),
                    };
                }
                return answer_of(up, head, conn, state, method == "HEAD").await;
            }
            Err((failure, back)) => {
                request = back;
                state.failed(up, target);
                // A streamed body, once taken, cannot be sent again.
                let retry = !failure.sent || (idempotent && feed.is_none());
                last = Some((failure.status, format!("{}: {}", up.name, failure.message)));
                if !retry {
                    break;
                }
            }
        }
    }
    let (status, why) = last.unwrap_or((502, format!("{}: no target to send to", up.name)));
    crate::log::error(&format!(
        "{} {}: proxy to upstream {}: {why}",
        req.method, req.path, up.name
    ));
    Forwarded::Whole(Reply::error(status, &why))
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
/// reads the answer's head. A kept connection the target closed while it
/// was idle is dropped for the next one: found before sending when the
/// request must not go twice (`Conn::still_open`), else by its failing
/// before any answer came.
async fn exchange(
    up: &Upstream,
    target: &Target,
    state: &TargetState,
    mut request: Vec<u8>,
    method: &str,
    idempotent: bool,
    body: Option<(&BodyFeed, bool)>,
) -> Result<(Head, Conn), (Failure, Vec<u8>)> {
    loop {
        let (mut conn, fresh) = match state.idle() {
            Some(c) => (c, false),
            // Boxed: its timeout's timer entry (128-byte aligned) would
            // otherwise be part of every proxied request's future.
            None => match Box::pin(upstream::connect(up, target)).await {
                Ok(c) => (c, true),
                Err(message) => {
                    let f = Failure {
                        sent: false,
                        status: 502,
                        message,
                    };
                    return Err((f, request));
                }
            },
        };
        if !fresh && !idempotent && !conn.still_open() {
            continue;
        }
        let (written, back) = conn.send(request).await;
        request = back;
        if let Err(e) = written {
            if !fresh {
                continue;
            }
            // Not all of it left: the target cannot have taken it whole.
            let f = Failure {
                sent: false,
                status: 502,
                message: format!("{}: {e}", target.key),
            };
            return Err((f, request));
        }
        let sent = |status, message| Failure {
            sent: true,
            status,
            message,
        };
        if let Some((feed, framed)) = body
            && let Err((status, message)) = relay_body(&mut conn, feed, framed).await
        {
            return Err((sent(status, message), request));
        }
        match conn.head_within(method, up.response_timeout).await {
            Some(Ok(head)) => return Ok((head, conn)),
            // The kept connection had gone: the request did not reach it.
            Some(Err(Failed::Closed(_))) if !fresh && idempotent => continue,
            Some(Err(e)) => {
                let message = format!("{}: {}", target.key, e.message());
                return Err((sent(502, message), request));
            }
            None => {
                let message = format!(
                    "{} did not answer within {} ms",
                    target.key,
                    up.response_timeout.as_millis()
                );
                return Err((sent(504, message), request));
            }
        }
    }
}

/// Relays a request body to the target as the client sends it (each
/// piece once the last is written, so a slow target slows the client):
/// as it came when the client gave its length, else in chunks. `Err`:
/// the status to answer (the client's body failed: 400 or 413; the
/// target went: 502) and why.
async fn relay_body(conn: &mut Conn, feed: &BodyFeed, framed: bool) -> Result<(), (u16, String)> {
    use vm::io::BodySource;
    let mut out = Vec::new();
    loop {
        let piece = std::future::poll_fn(|cx| feed.poll_chunk(cx)).await;
        out.clear();
        let last = match piece {
            Some(Ok(bytes)) if framed => {
                out = bytes;
                false
            }
            Some(Ok(bytes)) => {
                http::write_chunk(&mut out, &bytes);
                false
            }
            None if framed => return Ok(()),
            None => {
                out.extend_from_slice(b"0\r\n\r\n");
                true
            }
            Some(Err(e)) => return Err(refused(e)),
        };
        let (written, back) = conn.send(std::mem::take(&mut out)).await;
        out = back;
        if let Err(e) = written {
            return Err((502, format!("the target stopped taking the body: {e}")));
        }
        if last {
            return Ok(());
        }
    }
}

/// The whole of a request body read as it comes (for a `request` hook,
/// which sees it); `Err` as `relay_body`'s.
pub(crate) async fn read_body(feed: &BodyFeed) -> Result<Vec<u8>, (u16, String)> {
    use vm::io::BodySource;
    let mut body = Vec::new();
    while let Some(piece) = std::future::poll_fn(|cx| feed.poll_chunk(cx)).await {
        body.extend_from_slice(&piece.map_err(refused)?);
    }
    Ok(body)
}

/// The status answering a client's body that failed, and why.
fn refused(e: vm::io::BodyError) -> (u16, String) {
    let status = match e.code {
        super::body_feed::BODY_TOO_LARGE => 413,
        _ => 400,
    };
    (status, e.message)
}

/// The path to send: the client's (`path`), or its `*path` (`rest`) when
/// the prefix is stripped.
pub(crate) fn write_path(out: &mut Vec<u8>, route: &ProxyRoute, path: &str, rest: &str) {
    match &route.strip {
        Some(_) => {
            out.push(b'/');
            out.extend_from_slice(rest.as_bytes());
        }
        None => out.extend_from_slice(path.as_bytes()),
    }
}

/// The path to send and the query.
fn write_target(out: &mut Vec<u8>, route: &ProxyRoute, req: &http::Request<'_, '_>, rest: &str) {
    write_path(out, route, req.path, rest);
    if !req.query.is_empty() {
        out.push(b'?');
        out.extend_from_slice(req.query.as_bytes());
    }
}

/// Appends the request to send: the client's method, the path (prefix
/// stripped when asked) and query, its headers less the hop-by-hop ones,
/// the `X-Forwarded-*` and `Forwarded` fields, and its body.
#[allow(clippy::too_many_arguments)]
fn build(
    route: &ProxyRoute,
    req: &http::Request<'_, '_>,
    secure: bool,
    target: &Target,
    rest: &str,
    streamed: bool,
    upgrade: Option<&[u8]>,
    rewrite: Option<&Rewrite>,
    out: &mut Vec<u8>,
) {
    let method = rewrite.and_then(|r| r.method.as_deref());
    out.extend_from_slice(method.unwrap_or(req.method).as_bytes());
    out.push(b' ');
    match rewrite.and_then(|r| r.target.as_deref()) {
        Some(target) => out.extend_from_slice(target.as_bytes()),
        None => write_target(out, route, req, rest),
    }
    out.extend_from_slice(b" HTTP/1.1\r\n");
    let named = connection_named(req);
    let client_host = req.header("host");
    let mut forwarded_for: Option<&[u8]> = None;
    let mut forwarded: Option<&[u8]> = None;
    for h in req.headers {
        let name = h.name;
        if rewrite.is_some_and(|r| r.drops(name)) {
            continue;
        }
        if hop_by_hop(name) || named.iter().any(|n| name.eq_ignore_ascii_case(n)) {
            continue;
        }
        if name.eq_ignore_ascii_case("host") && route.upstream_host {
            continue;
        }
        if name.eq_ignore_ascii_case("x-forwarded-for") {
            forwarded_for = Some(h.value);
            continue;
        }
        if name.eq_ignore_ascii_case("forwarded") {
            forwarded = Some(h.value);
            continue;
        }
        if name.eq_ignore_ascii_case("x-forwarded-proto")
            || name.eq_ignore_ascii_case("x-forwarded-host")
        {
            continue;
        }
        field(out, name, h.value);
    }
    let mut host_set = false;
    for (name, value) in rewrite.map_or(&[][..], |r| &r.set[..]) {
        host_set |= name == "host";
        field(out, name, value.as_bytes());
    }
    if !host_set && (route.upstream_host || client_host.is_none()) {
        field(out, "Host", target.authority().as_bytes());
    }
    let proto: &[u8] = if secure { b"https" } else { b"http" };
    // The client's address, written into `out` where it goes.
    let ip = |out: &mut Vec<u8>| match req.peer {
        // Four numbers, without the formatting machinery (it was a
        // twentieth of a proxied request's instructions).
        Some(std::net::IpAddr::V4(v4)) => {
            for (i, octet) in v4.octets().iter().enumerate() {
                if i > 0 {
                    out.push(b'.');
                }
                out.extend_from_slice(itoa::Buffer::new().format(*octet).as_bytes());
            }
        }
        Some(p) => {
            use std::io::Write;
            let _ = write!(out, "{p}");
        }
        None => {}
    };
    if req.peer.is_some() {
        out.extend_from_slice(b"X-Forwarded-For: ");
        if let Some(prior) = forwarded_for {
            out.extend_from_slice(prior);
            out.extend_from_slice(b", ");
        }
        ip(out);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"X-Forwarded-Proto: ");
    out.extend_from_slice(proto);
    out.extend_from_slice(b"\r\n");
    if let Some(h) = client_host {
        out.extend_from_slice(b"X-Forwarded-Host: ");
        out.extend_from_slice(h);
        out.extend_from_slice(b"\r\n");
    }
    // RFC 7239: an IPv6 address is quoted in brackets.
    out.extend_from_slice(b"Forwarded: ");
    if let Some(prior) = forwarded {
        out.extend_from_slice(prior);
        out.extend_from_slice(b", ");
    }
    match req.peer {
        Some(std::net::IpAddr::V6(_)) => {
            out.extend_from_slice(b"for=\"[");
            ip(out);
            out.extend_from_slice(b"]\";");
        }
        Some(_) => {
            out.extend_from_slice(b"for=");
            ip(out);
            out.push(b';');
        }
        None => {}
    }
    out.extend_from_slice(b"proto=");
    out.extend_from_slice(proto);
    if let Some(h) = client_host.filter(|h| h.iter().all(|c| c.is_ascii_graphic() && *c != b'"')) {
        out.extend_from_slice(b";host=\"");
        out.extend_from_slice(h);
        out.push(b'"');
    }
    out.extend_from_slice(b"\r\n");
    if let Some(protocol) = upgrade {
        field(out, "Connection", b"Upgrade");
        field(out, "Upgrade", protocol);
    }
    // A streamed body goes with the client's length, else in chunks; a
    // whole one (the client's, or the one its hook gave) with its length,
    // as does an empty one where one is expected.
    let body = rewrite.and_then(|r| r.body.as_deref()).unwrap_or(&req.body);
    if streamed {
        match req.header("content-length") {
            Some(n) => field(out, "Content-Length", n),
            None => field(out, "Transfer-Encoding", b"chunked"),
        }
    } else if !body.is_empty() || matches!(req.method, "POST" | "PUT" | "PATCH") {
        field(
            out,
            "Content-Length",
            itoa::Buffer::new().format(body.len()).as_bytes(),
        );
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(body);
}

/// The protocol a `GET` asks to upgrade to (`Connection: Upgrade` and
/// `Upgrade: …`), if it does.
fn upgrade_of<'r>(req: &'r http::Request<'_, '_>) -> Option<&'r [u8]> {
    if req.method != "GET" {
        return None;
    }
    let asks = connection_named(req)
        .iter()
        .any(|t| t.eq_ignore_ascii_case("upgrade"));
    req.header("upgrade").filter(|_| asks)
}

/// The client's `101` from the target's: its fields (the protocol's own,
/// `Sec-WebSocket-Accept`…) less framing and the gateway's own, with
/// `Connection: Upgrade`.
fn switched(head: Head) -> Reply {
    const DROPPED: [&str; 6] = [
        "connection",
        "keep-alive",
        "content-length",
        "transfer-encoding",
        "date",
        "server",
    ];
    let mut headers: Vec<(String, String)> = head
        .fields()
        .filter(|(n, _)| !DROPPED.iter().any(|h| n.eq_ignore_ascii_case(h)))
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
    headers.push(("Connection".into(), "Upgrade".into()));
    Reply {
        status: 101,
        content_type: None,
        headers,
        body: Vec::new(),
        streamed: false,
    }
}

/// Appends one field.
fn field(out: &mut Vec<u8>, name: &str, value: &[u8]) {
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b": ");
    out.extend_from_slice(value);
    out.extend_from_slice(b"\r\n");
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

/// The client's answer from the target's: its status and fields (less
/// hop-by-hop ones, and `Date` and `Server`, which are the gateway's), its
/// body whole when short, else streamed; the connection goes back to the
/// core's pool once its body has been read, if the target keeps it.
async fn answer_of(
    up: &Upstream,
    head: Head,
    mut conn: Conn,
    state: Rc<TargetState>,
    head_request: bool,
) -> Forwarded {
    // Fields a `Connection` names besides its own options (rare): hop-by-hop too.
    let named: Vec<&str> = head
        .fields()
        .filter(|(n, _)| n.eq_ignore_ascii_case("connection"))
        .flat_map(|(_, v)| v.split(',').map(str::trim))
        .filter(|t| !t.eq_ignore_ascii_case("keep-alive") && !t.eq_ignore_ascii_case("close"))
        .collect();
    let mut reply = Reply {
        status: head.status,
        content_type: None,
        // Allocated when a field is kept (most are the gateway's own).
        headers: Vec::new(),
        body: Vec::new(),
        streamed: false,
    };
    let mut length = None;
    for (name, value) in head.fields() {
        let is = |n: &str| name.eq_ignore_ascii_case(n);
        if is("content-length") {
            length = value.trim().parse::<u64>().ok();
        }
        if hop_by_hop(name) || named.iter().any(|n| is(n)) || is("date") || is("server") {
            continue;
        }
        if is("content-type") {
            reply.content_type = Some(value.to_string().into());
        } else {
            reply.headers.push((name.to_string(), value.to_string()));
        }
    }
    let keep_alive = head.keep_alive;
    let Some(framing) = head.body else {
        if keep_alive {
            state.keep(conn, up.keepalive);
        }
        return match head_request {
            // A HEAD's answer says the length the GET's would have.
            true => Forwarded::Head(reply, length),
            false => Forwarded::Whole(reply),
        };
    };
    if let Some(body) = conn.buffered_body(framing) {
        reply.body = body;
        if keep_alive {
            state.keep(conn, up.keepalive);
        }
        return Forwarded::Whole(reply);
    }
    let mut decoder = upstream_conn::decoder(framing);
    if let Some(length) = framing.length().filter(|n| *n <= WHOLE) {
        let read = conn.body_within(&mut decoder, length as usize, up.response_timeout);
        return match read.await {
            Some(Ok(body)) => {
                reply.body = body;
                if keep_alive {
                    state.keep(conn, up.keepalive);
                }
                Forwarded::Whole(reply)
            }
            _ => Forwarded::Whole(Reply::error(502, "the upstream's answer was cut short")),
        };
    }
    let keepalive = up.keepalive;
    let keep: Box<dyn FnOnce(Conn)> = match keep_alive {
        true => Box::new(move |conn| state.keep(conn, keepalive)),
        false => Box::new(drop),
    };
    let streamed = Streamed::upstream(conn, decoder, framing.length(), up.response_timeout, keep);
    Forwarded::Stream(reply, Box::new(streamed))
}

#[cfg(test)]
mod tests {
    use super::hop_by_hop;

    #[test]
    fn hop_by_hop_fields_are_known_in_any_case() {
        for name in [
            "Connection",
            "keep-alive",
            "Proxy-Connection",
            "TE",
            "trailer",
            "Transfer-Encoding",
            "upgrade",
            "Content-Length",
            "expect",
        ] {
            assert!(hop_by_hop(name), "{name}");
        }
        for name in ["content-type", "x-te", "connections", "date", "host", ""] {
            assert!(!hop_by_hop(name), "{name}");
        }
    }
}
