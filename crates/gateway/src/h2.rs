//! HTTP/2 on one connection (over TLS by ALPN, or cleartext with prior
//! knowledge), with the `h2` crate: each stream becomes a request on the
//! core's VMs through the same parser, limits and dispatch as HTTP/1.1
//! (its head is written out as an HTTP/1.1 head and parsed by
//! `http::parse`), and its answer goes back in HEADERS and DATA frames
//! under the peer's flow control. The crate's defences against rapid
//! reset, CONTINUATION floods and HPACK bombs are set from the limits
//! here; a client that keeps resetting the streams it opens is sent
//! GOAWAY.

use super::body_feed::{self, BodyFeed};
use super::dispatch::{Answer, handle};
use super::http::{self, Parsed};
use super::per_core::{Core, SHUTDOWN_POLL};
use super::reply::Reply;
use super::streamed::{Piece, Streamed};
use bytes::Bytes;
use std::cell::Cell;
use std::rc::Rc;
use std::time::Instant;
use tokio::io::{AsyncRead, AsyncWrite};

/// HTTP/2's settings and limits (`[http2]` in kitwork.toml).
#[derive(Clone, Copy, Debug, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Http2 {
    /// Serve HTTP/2: `h2` by ALPN over TLS, and cleartext connections that
    /// open with its preface.
    pub enabled: bool,
    /// SETTINGS_MAX_CONCURRENT_STREAMS (nginx: 128).
    pub max_streams: u32,
    /// The window of each stream the client sends on (SETTINGS_INITIAL_WINDOW_SIZE).
    pub stream_window: u32,
    /// The window of the whole connection the client sends on.
    pub connection_window: u32,
    /// Streams the client may reset before it is told to go away: more
    /// than this many, and more than half of the streams it opened.
    pub max_client_resets: u64,
}

impl Default for Http2 {
    fn default() -> Http2 {
        Http2 {
            enabled: true,
            max_streams: 128,
            stream_window: 1 << 20,
            connection_window: 4 << 20,
            max_client_resets: 200,
        }
    }
}

/// How long a connection told to go away, with no stream left, may take
/// to close before it is dropped.
const GOAWAY_GRACE: std::time::Duration = std::time::Duration::from_secs(1);

/// What one connection's streams share.
struct Connection {
    core: Rc<Core>,
    secure: bool,
    /// The client's address.
    peer: Option<std::net::IpAddr>,
    /// Streams opened, and those the client reset before their answer.
    opened: Cell<u64>,
    reset: Cell<u64>,
    /// Streams being answered now.
    running: Cell<usize>,
    /// Request body bytes the connection's streams hold now.
    buffered: Cell<usize>,
    /// The streams reading their bodies, by the order they opened in:
    /// the first may always read on, so one body always completes.
    reading: std::cell::RefCell<std::collections::BTreeSet<u64>>,
}

/// A stream being served (the `number`th its connection opened): gives
/// its share of `running`, `buffered` and `reading` back however the
/// stream ends.
struct Serving {
    conn: Rc<Connection>,
    number: u64,
    held: usize,
}

impl Serving {
    /// Its body is read: another stream may be the first reader now.
    fn done_reading(&mut self) {
        self.conn.reading.borrow_mut().remove(&self.number);
    }

    /// Its body is let go.
    fn let_go(&mut self) {
        let conn = &self.conn;
        conn.buffered.set(conn.buffered.get() - self.held);
        self.held = 0;
    }
}

impl Drop for Serving {
    fn drop(&mut self) {
        self.conn.running.set(self.conn.running.get() - 1);
        self.done_reading();
        self.let_go();
    }
}

/// Serves one HTTP/2 connection until the client closes it, it has been
/// idle for `idle_timeout`, the core drains (GOAWAY, then the streams in
/// flight finish) or the client misbehaves (GOAWAY with the reason).
pub(crate) async fn serve<T>(io: T, core: Rc<Core>, secure: bool, peer: Option<std::net::IpAddr>)
where
    T: AsyncRead + AsyncWrite + Unpin + 'static,
{
    let limits = core.config.http;
    let settings = core.config.http2;
    let mut builder = h2::server::Builder::new();
    builder
        .max_concurrent_streams(settings.max_streams)
        .initial_window_size(settings.stream_window)
        .initial_connection_window_size(settings.connection_window)
        // HPACK bombs and CONTINUATION floods: a header block decodes to
        // at most what an HTTP/1.1 head may hold.
        .max_header_list_size(limits.header_bytes as u32)
        .max_send_buffer_size(limits.output_buffer.min(1 << 20));
    let handshake = builder.handshake::<T, Bytes>(io);
    let mut conn = match monoio::time::timeout(limits.header_timeout, handshake).await {
        Ok(Ok(c)) => c,
        _ => return,
    };
    core.stats.borrow_mut().wire.h2_connections += 1;
    let shared = Rc::new(Connection {
        core: core.clone(),
        secure,
        peer,
        opened: Cell::new(0),
        reset: Cell::new(0),
        running: Cell::new(0),
        buffered: Cell::new(0),
        reading: Default::default(),
    });
    let mut last_active = Instant::now();
    // When the connection was told to go away.
    let mut going_away: Option<Instant> = None;
    loop {
        let next = {
            let mut accept = std::pin::pin!(conn.accept());
            loop {
                monoio::select! {
                    r = &mut accept => break Some(r),
                    _ = monoio::time::sleep(SHUTDOWN_POLL) => {
                        if let Some(at) = going_away {
                            // h2 closes once the peer acknowledges the
                            // GOAWAY's PING: one that never does (a
                            // preface and silence) is dropped.
                            if shared.running.get() == 0 && at.elapsed() >= GOAWAY_GRACE {
                                return;
                            }
                            continue;
                        }
                        let idle = shared.running.get() == 0
                            && last_active.elapsed() >= limits.idle_timeout;
                        if core.config.closing() || idle {
                            break None;
                        }
                    }
                }
            }
        };
        let Some(next) = next else {
            // Draining or idle: GOAWAY, then serve what is in flight.
            conn.graceful_shutdown();
            going_away = Some(Instant::now());
            continue;
        };
        let Some(Ok((request, respond))) = next else {
            break;
        };
        last_active = Instant::now();
        shared.opened.set(shared.opened.get() + 1);
        shared.running.set(shared.running.get() + 1);
        let number = shared.opened.get();
        monoio::spawn(serve_stream(request, respond, shared.clone(), number));
        let (opened, reset) = (shared.opened.get(), shared.reset.get());
        if reset > settings.max_client_resets && reset * 2 > opened {
            crate::log::warn(&format!(
                "core {}: an HTTP/2 client reset {reset} of its {opened} streams: told to go away",
                core.index
            ));
            core.stats.borrow_mut().wire.h2_goaway_abuse += 1;
            conn.abrupt_shutdown(h2::Reason::ENHANCE_YOUR_CALM);
            going_away = Some(Instant::now());
        }
    }
}

/// One stream: its request read whole (up to the body limit), answered
/// by `handle`, written back under flow control. The bodies a
/// connection's streams hold add up to at most `connection_window` and
/// one body more: past it, a stream other than the first still reading
/// is reset with REFUSED_STREAM (not processed: a client may send it
/// again), so 128 streams of 1 MB bodies hold 5 MB, not 128. Waiting
/// instead deadlocks: the client spends the connection's window on the
/// streams that wait, and the first starves.
async fn serve_stream(
    request: ::http::Request<h2::RecvStream>,
    mut respond: h2::server::SendResponse<Bytes>,
    conn: Rc<Connection>,
    number: u64,
) {
    conn.reading.borrow_mut().insert(number);
    let mut serving = Serving {
        conn: conn.clone(),
        number,
        held: 0,
    };
    let budget = conn.core.config.http2.connection_window as usize;
    let core = &conn.core;
    let limits = core.config.http;
    core.stats.borrow_mut().wire.h2_streams += 1;
    let (parts, mut body) = request.into_parts();
    let started = Instant::now();
    if let Some(max) = body_feed::stream_body_max(core, parts.method.as_str(), parts.uri.path()) {
        // Read into the handler's stream as it runs, not held here.
        serving.done_reading();
        // Boxed: its state would otherwise make every stream's task larger.
        return Box::pin(serve_streamed(parts, body, respond, &conn, max, started)).await;
    }
    let mut data = Vec::new();
    let deadline = started + limits.body_timeout;
    let mut refused = None;
    while !body.is_end_stream() {
        let chunk = match monoio::time::timeout_at(deadline.into(), body.data()).await {
            Ok(Some(Ok(c))) => c,
            Ok(None) => break,
            Ok(Some(Err(_))) => {
                client_reset(&conn);
                return;
            }
            Err(_) => {
                refused = Some((408, "request timed out"));
                break;
            }
        };
        if data.len() + chunk.len() > limits.body {
            refused = Some((413, "request body too large"));
            break;
        }
        let first = conn.reading.borrow().first() == Some(&number);
        if conn.buffered.get() + chunk.len() > budget && !first {
            respond.send_reset(h2::Reason::REFUSED_STREAM);
            core.stats.borrow_mut().wire.h2_refused += 1;
            return;
        }
        conn.buffered.set(conn.buffered.get() + chunk.len());
        serving.held += chunk.len();
        let _ = body.flow_control().release_capacity(chunk.len());
        data.extend_from_slice(&chunk);
    }
    serving.done_reading();
    let mut answer = Http2Answer::default();
    let mut streamed = None;
    match refused {
        Some((status, why)) => error(core, &mut answer, status, why),
        None => {
            // The body moves into the message `http::parse` reads.
            let raw = as_http1(&parts, &std::mem::take(&mut data));
            let mut slots = http::header_slots();
            match http::parse(&raw, &mut slots, &limits) {
                Parsed::Complete(mut req, _) => {
                    req.peer = conn.peer;
                    let answer = Answer::Http2(&mut answer);
                    streamed = handle(core, &req, answer, conn.secure, started, None)
                        .await
                        .1;
                }
                // The body came whole: only one past `limits.body` is a head alone.
                Parsed::Head { .. } => error(core, &mut answer, 413, "request body too large"),
                Parsed::Reject(status, why) => error(core, &mut answer, status, why),
                Parsed::Partial { .. } => error(core, &mut answer, 400, "malformed request"),
            }
        }
    }
    // The body is let go before the answer waits on the client's window.
    serving.let_go();
    let sent = send(&mut respond, answer, streamed, core, limits.send_timeout).await;
    if sent.is_err() {
        client_reset(&conn);
    }
}

/// A stream whose route streams its request bodies: the handler runs
/// while the DATA frames are handed to its stream (`body_feed.rs`, at most
/// 64 KiB read ahead of it, the client's window opened as it takes them);
/// an answer the handler streams goes out while the body still comes
/// (both ways at once).
async fn serve_streamed(
    parts: ::http::request::Parts,
    body: h2::RecvStream,
    mut respond: h2::server::SendResponse<Bytes>,
    conn: &Rc<Connection>,
    max: u64,
    started: Instant,
) {
    let core = &conn.core;
    let limits = core.config.http;
    let mut answer = Http2Answer::default();
    let declared = parts
        .headers
        .get(::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    let raw = as_http1(&parts, &[]);
    let mut slots = http::header_slots();
    let parsed = match http::parse(&raw, &mut slots, &limits) {
        Parsed::Complete(req, _) if declared.is_none_or(|n| n <= max) => Ok(req),
        Parsed::Complete(..) => Err((413, "request body larger than the route's max")),
        Parsed::Reject(status, why) => Err((status, why)),
        _ => Err((400, "malformed request")),
    };
    let mut req = match parsed {
        Ok(req) => req,
        Err((status, why)) => {
            error(core, &mut answer, status, why);
            if send(&mut respond, answer, None, core, limits.send_timeout)
                .await
                .is_ok()
            {
                // Nobody reads what the client still sends.
                let feed = BodyFeed::new();
                feed.finish(Err(body_feed::cut(why)));
                let unread = read_body(body, &feed, u64::MAX, limits.body_timeout);
                finish_unread(&mut respond, unread).await;
            }
            return;
        }
    };
    req.peer = conn.peer;
    let feed = Rc::new(BodyFeed::new());
    let serve = Box::pin(handle(
        core,
        &req,
        Answer::Http2(&mut answer),
        conn.secure,
        started,
        Some(feed.clone()),
    ));
    let read = Box::pin(read_body(body, &feed, max, limits.body_timeout));
    let (handled, unread) = match futures_util::future::select(serve, read).await {
        futures_util::future::Either::Left((handled, read)) => (handled, Some(read)),
        futures_util::future::Either::Right(((), serve)) => (serve.await, None),
    };
    let streamed = handled.1;
    let sent = match (streamed, unread) {
        // The answer streams while the body still comes.
        (Some(s), Some(read)) => {
            let sending = send(&mut respond, answer, Some(s), core, limits.send_timeout);
            futures_util::future::join(sending, read).await.0
        }
        (streamed, unread) => {
            let sent = send(&mut respond, answer, streamed, core, limits.send_timeout).await;
            if let (Some(read), Ok(())) = (unread, sent) {
                feed.finish(Err(body_feed::cut(
                    "the rest of the request body cannot be read after the answer",
                )));
                finish_unread(&mut respond, read).await;
            }
            sent
        }
    };
    if !feed.ended() {
        feed.finish(Err(body_feed::cut(
            "the rest of the request body cannot be read after the answer",
        )));
    }
    if sent.is_err() {
        client_reset(conn);
    }
}

/// After a whole answer, the body the client still sends is read and
/// dropped for a while (`GOAWAY_GRACE`), so the answer is sent before the
/// stream ends; then the client is told to stop (`RST_STREAM` with
/// `NO_ERROR`, RFC 9113 §8.1). Resetting at once dropped the queued
/// answer.
async fn finish_unread(
    respond: &mut h2::server::SendResponse<Bytes>,
    unread: impl std::future::Future<Output = ()>,
) {
    if monoio::time::timeout(GOAWAY_GRACE, unread).await.is_err() {
        respond.send_reset(h2::Reason::NO_ERROR);
    }
}

/// Hands a stream's DATA frames to `feed` until its end (or `max`, a
/// reset, `timeout` without one).
async fn read_body(
    mut body: h2::RecvStream,
    feed: &BodyFeed,
    max: u64,
    timeout: std::time::Duration,
) {
    let mut seen = 0u64;
    loop {
        let chunk = match monoio::time::timeout(timeout, body.data()).await {
            Ok(Some(Ok(c))) => c,
            Ok(None) => return feed.finish(Ok(())),
            Ok(Some(Err(_))) => {
                return feed.finish(Err(body_feed::cut(
                    "the client reset the stream before the end of the request body",
                )));
            }
            Err(_) => {
                return feed.finish(Err(body_feed::cut(
                    "the request body timed out: the client sent nothing for body_timeout_ms",
                )));
            }
        };
        seen += chunk.len() as u64;
        if seen > max {
            return feed.finish(Err(body_feed::too_large(max)));
        }
        let _ = body.flow_control().release_capacity(chunk.len());
        feed.give(chunk.to_vec()).await;
    }
}

fn client_reset(conn: &Connection) {
    conn.reset.set(conn.reset.get() + 1);
    conn.core.stats.borrow_mut().wire.h2_resets += 1;
}

/// A connection-level refusal (as HTTP/1.1 answers it) on one stream.
fn error(core: &Core, answer: &mut Http2Answer, status: u16, why: &str) {
    let reply = Reply::error(status, why);
    let mut cache = core.head.borrow_mut();
    answer.fill(
        &mut cache,
        Instant::now(),
        status,
        reply.content_type.as_deref(),
        &reply.headers,
        &reply.body,
        false,
    );
}

/// The stream's request as an HTTP/1.1 message, for `http::parse`: the
/// pseudo-headers become the request line and `Host`, the cookies one
/// header (RFC 9113 §8.2.3), the body its own `Content-Length`.
fn as_http1(parts: &::http::request::Parts, body: &[u8]) -> Vec<u8> {
    let mut raw = Vec::with_capacity(256 + body.len());
    raw.extend_from_slice(parts.method.as_str().as_bytes());
    raw.push(b' ');
    let target = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    raw.extend_from_slice(target.as_bytes());
    raw.extend_from_slice(b" HTTP/1.1\r\n");
    let authority = parts.uri.authority();
    if let Some(a) = authority {
        raw.extend_from_slice(b"host: ");
        raw.extend_from_slice(a.as_str().as_bytes());
        raw.extend_from_slice(b"\r\n");
    }
    let mut cookies = parts.headers.get_all(::http::header::COOKIE).iter();
    if let Some(first) = cookies.next() {
        raw.extend_from_slice(b"cookie: ");
        raw.extend_from_slice(first.as_bytes());
        for c in cookies {
            raw.extend_from_slice(b"; ");
            raw.extend_from_slice(c.as_bytes());
        }
        raw.extend_from_slice(b"\r\n");
    }
    for (name, value) in &parts.headers {
        let skip = name == ::http::header::COOKIE
            || name == ::http::header::CONTENT_LENGTH
            || name == ::http::header::TRANSFER_ENCODING
            || (authority.is_some() && name == ::http::header::HOST);
        if skip {
            continue;
        }
        raw.extend_from_slice(name.as_str().as_bytes());
        raw.extend_from_slice(b": ");
        raw.extend_from_slice(value.as_bytes());
        raw.extend_from_slice(b"\r\n");
    }
    if !body.is_empty() {
        raw.extend_from_slice(b"content-length: ");
        raw.extend_from_slice(itoa::Buffer::new().format(body.len()).as_bytes());
        raw.extend_from_slice(b"\r\n");
    }
    raw.extend_from_slice(b"\r\n");
    raw.extend_from_slice(body);
    raw
}

/// A stream's answer, as `handle` gave it.
#[derive(Default)]
pub(crate) struct Http2Answer {
    head: Option<::http::Response<()>>,
    body: Vec<u8>,
}

/// Headers that belong to an HTTP/1.1 connection, not to HTTP/2 (RFC 9113 §8.2.2).
fn connection_specific(name: &str) -> bool {
    [
        "connection",
        "keep-alive",
        "transfer-encoding",
        "upgrade",
        "proxy-connection",
    ]
    .iter()
    .any(|h| name.eq_ignore_ascii_case(h))
}

impl Http2Answer {
    /// Takes in the answer: its head as an `http::Response`, its body.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn fill(
        &mut self,
        cache: &mut http::HeadCache,
        now: Instant,
        status: u16,
        content_type: Option<&str>,
        headers: &[(String, String)],
        body: &[u8],
        head: bool,
    ) {
        use ::http::header::{HeaderName, HeaderValue};
        let mut response = ::http::Response::new(());
        *response.status_mut() = ::http::StatusCode::from_u16(status)
            .unwrap_or(::http::StatusCode::INTERNAL_SERVER_ERROR);
        let map = response.headers_mut();
        map.insert(::http::header::SERVER, HeaderValue::from_static("kitwork"));
        if let Ok(date) = HeaderValue::from_str(cache.date(now)) {
            map.insert(::http::header::DATE, date);
        }
        if let Some(ct) = content_type.and_then(|c| HeaderValue::from_str(c).ok()) {
            map.insert(::http::header::CONTENT_TYPE, ct);
        }
        let bodiless = status == 204 || status == 304;
        if !bodiless {
            map.insert(
                ::http::header::CONTENT_LENGTH,
                HeaderValue::from(body.len()),
            );
        }
        for (k, v) in headers {
            if connection_specific(k) {
                continue;
            }
            // Checked when the script set them (fields.rs): a name or
            // value HTTP/2 cannot carry is dropped rather than sent.
            if let (Ok(name), Ok(value)) = (
                HeaderName::from_bytes(k.as_bytes()),
                HeaderValue::from_str(v),
            ) {
                map.append(name, value);
            }
        }
        self.head = Some(response);
        self.body.clear();
        if !head && !bodiless {
            self.body.extend_from_slice(body);
        }
    }

    /// Takes in the head of an answer whose body is streamed: no
    /// `Content-Length`, the DATA frames follow (`send`).
    pub(crate) fn stream_head(
        &mut self,
        cache: &mut http::HeadCache,
        now: Instant,
        status: u16,
        content_type: Option<&str>,
        headers: &[(String, String)],
        length: Option<u64>,
    ) {
        self.fill(cache, now, status, content_type, headers, b"", true);
        if let Some(h) = self.head.as_mut() {
            match length {
                Some(n) => {
                    h.headers_mut()
                        .insert(::http::header::CONTENT_LENGTH, n.into());
                }
                None => {
                    h.headers_mut().remove(::http::header::CONTENT_LENGTH);
                }
            }
        }
    }
}

/// Sends the answer: HEADERS, then DATA as the client's windows open,
/// each wait at most `send_timeout`; a streamed body piece by piece, each
/// asked for once the one before is sent. `Err` if the client reset the
/// stream.
async fn send(
    respond: &mut h2::server::SendResponse<Bytes>,
    answer: Http2Answer,
    streamed: Option<Box<Streamed>>,
    core: &Rc<Core>,
    send_timeout: std::time::Duration,
) -> Result<(), ()> {
    let Some(head) = answer.head else {
        respond.send_reset(h2::Reason::INTERNAL_ERROR);
        if let Some(s) = streamed {
            s.finish(core, false, "the response could not be sent");
        }
        return Ok(());
    };
    let body = Bytes::from(answer.body);
    let ends = body.is_empty() && streamed.is_none();
    let mut stream = match respond.send_response(head, ends) {
        Ok(s) => s,
        Err(_) => {
            if let Some(s) = streamed {
                s.finish(core, false, "the client went away");
            }
            return Err(());
        }
    };
    match streamed {
        None => send_data(&mut stream, body, true, send_timeout).await,
        // Boxed: the run's state it holds would otherwise make every
        // stream's task larger (4% of h2c's CPU a request).
        Some(streamed) => Box::pin(send_pieces(stream, streamed, core, send_timeout)).await,
    }
}

/// A streamed body's pieces as DATA frames, each asked for once the one
/// before is sent.
async fn send_pieces(
    mut stream: h2::SendStream<Bytes>,
    mut streamed: Box<Streamed>,
    core: &Rc<Core>,
    send_timeout: std::time::Duration,
) -> Result<(), ()> {
    loop {
        let (piece, last) = match streamed.next(core).await {
            Piece::Bytes(b) => (Bytes::from(b), false),
            Piece::End => (Bytes::new(), true),
            Piece::Cut => {
                // The client can tell a body cut short from a whole one.
                stream.send_reset(h2::Reason::INTERNAL_ERROR);
                streamed.finish(core, false, "the response was cut short");
                return Ok(());
            }
        };
        let sent = send_data(&mut stream, piece, last, send_timeout).await;
        if sent.is_err() {
            streamed.finish(core, false, "the client went away");
            return sent;
        }
        if last {
            streamed.finish(core, true, "");
            return Ok(());
        }
    }
}

/// Sends `body` as DATA frames as the client's window opens (each wait
/// at most `send_timeout`), the last ending the stream when `last`.
async fn send_data(
    stream: &mut h2::SendStream<Bytes>,
    mut body: Bytes,
    last: bool,
    send_timeout: std::time::Duration,
) -> Result<(), ()> {
    if body.is_empty() {
        if last {
            stream.send_data(body, true).map_err(|_| ())?;
        }
        return Ok(());
    }
    while !body.is_empty() {
        stream.reserve_capacity(body.len());
        let granted = std::future::poll_fn(|cx| stream.poll_capacity(cx));
        let n = match monoio::time::timeout(send_timeout, granted).await {
            Ok(Some(Ok(n))) => n,
            Ok(_) => return Err(()),
            Err(_) => {
                // A client that opens no window loses the stream, as one
                // that does not read loses an HTTP/1.1 connection.
                stream.send_reset(h2::Reason::CANCEL);
                return Ok(());
            }
        };
        if n == 0 {
            continue;
        }
        let chunk = body.split_to(n.min(body.len()));
        stream
            .send_data(chunk, last && body.is_empty())
            .map_err(|_| ())?;
    }
    Ok(())
}
