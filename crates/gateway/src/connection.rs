//! One HTTP/1.1 connection: parse every complete request in the buffer,
//! answer them all with one write, keep the connection alive; the header,
//! body and send timeouts; backpressure while output is unsent; the
//! HTTP/2 preface that hands a cleartext connection to `h2.rs`; the
//! redirect to HTTPS.

use super::body_feed::{BodyFeed, Decoder, pump};
use super::dispatch::{Answer, handle};
use super::http::{self, Parsed};
use super::per_core::{BUFFER_KEEP, Core, SHUTDOWN_POLL};
use super::streamed::{Piece, Streamed, Upgrade};
use super::wire::Wire;
use std::future::Future;
use std::rc::Rc;
use std::sync::atomic::Ordering;
use std::task::Poll;
use std::time::Instant;

/// How a listener's connections are served.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Served {
    /// Over TLS: requests see `https` URLs.
    pub(crate) secure: bool,
    /// Every request is answered with a redirect to HTTPS on this port.
    pub(crate) redirect: Option<u16>,
    /// A cleartext connection that starts with the HTTP/2 preface is
    /// handed over (h2c with prior knowledge).
    pub(crate) h2c: bool,
    /// The client's address (set per connection).
    pub(crate) peer: Option<std::net::IpAddr>,
}

/// How a connection's HTTP/1.1 ended.
pub(crate) enum Ended {
    Closed,
    /// It opened with the HTTP/2 preface: these bytes (the preface and
    /// what came with it) are the start of an HTTP/2 connection.
    Http2(Vec<u8>),
    /// A script accepted a WebSocket: the connection serves it now
    /// (listener.rs, which owns the stream).
    WebSocket(Box<super::websocket::Switch>),
    /// A proxied upgrade was answered `101`: the connection is a tunnel to
    /// the target now (listener.rs).
    Tunnel(Box<super::tunnel::Start>),
    /// Idle for `PARK_AFTER` with nothing buffered: the connection waits
    /// for its next request parked (listener.rs), holding no buffer and no
    /// task state, until this idle deadline.
    Parked(Instant),
}

/// How long an idle keep-alive connection keeps its buffers and task
/// before it is parked.
pub(crate) const PARK_AFTER: std::time::Duration = std::time::Duration::from_secs(1);

/// The HTTP/2 connection preface (RFC 9113 §3.4).
const PREFACE: &[u8] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

/// Serves HTTP/1.1 on `stream` until it closes, or until it turns out to
/// be HTTP/2 (then the bytes read so far are handed back).
pub(crate) async fn serve_connection(stream: &mut Wire, core: Rc<Core>, how: Served) -> Ended {
    let limits = core.config.http;
    // The request and response buffers grow on first use (and keep their
    // room while the connection serves): a connection that never sends a
    // whole request holds only its read buffer (docs/HTTP.md, connection
    // limits).
    let mut buf: Vec<u8> = Vec::new();
    let mut out: Vec<u8> = Vec::new();
    let mut chunk: Vec<u8> = vec![0; 16 * 1024];
    let mut sent_continue = false;
    // When the request being answered started: when its bytes were read,
    // or when the one before it in the same read was answered. One clock
    // read per request, where reading it at each start and end took two.
    let mut clock = Instant::now();
    // When the last read returned, and the deadline of the request still
    // being received: its head must be in `header_timeout` after its
    // first byte, its body `body_timeout` after its head, however slowly
    // the bytes drip (a deadline per read let a client that sends a byte
    // now and then keep a connection forever).
    let mut last_read = clock;
    let mut receiving: Option<Receiving> = None;
    // When the connection last fell idle (nothing buffered, all answered).
    let mut idle_since: Option<Instant> = None;
    // An idle cleartext connection is parked after `PARK_AFTER` where
    // dropping its pending read loses nothing (epoll: a read takes bytes
    // only when it returns them).
    let can_park = matches!(stream, Wire::Tcp(_))
        && how.redirect.is_none()
        && super::per_core::reads_cancel_safe()
        && limits.idle_timeout > PARK_AFTER;
    let mut answered = false;
    loop {
        // Answer the complete requests in the buffer, until the unsent
        // responses reach `output_buffer`: a client that pipelines and
        // does not read then waits for itself, with bounded memory.
        let mut consumed = 0;
        let mut close = false;
        let mut more = false;
        let mut in_body = false;
        let draining = core.config.shutdown.load(Ordering::Relaxed);
        loop {
            if out.len() >= limits.output_buffer {
                more = true;
                break;
            }
            let mut slots = http::header_slots();
            match http::parse(&buf[consumed..], &mut slots, &limits) {
                Parsed::Complete(mut req, used) => {
                    req.peer = how.peer;
                    consumed += used;
                    sent_continue = false;
                    answered = true;
                    if let Some(port) = how.redirect {
                        redirect(&core, &req, port, &mut out);
                        if !req.keep_alive {
                            close = true;
                            break;
                        }
                        continue;
                    }
                    // Read before the answer is written, which reads it
                    // again: set now, the answer says `Connection: close`.
                    let closes = !req.keep_alive || core.config.closing();
                    let (answered_at, streamed) = handle(
                        &core,
                        &req,
                        Answer::Http1(&mut out),
                        how.secure,
                        clock,
                        None,
                    )
                    .await;
                    clock = answered_at;
                    // An upgrade: the connection becomes a tunnel (a
                    // proxied one) or a socket (a script's endpoint).
                    let streamed = match streamed.map(|s| s.into_upgrade()) {
                        Some(Ok(Upgrade::Tunnel(conn))) => {
                            return Ended::Tunnel(Box::new(super::tunnel::Start {
                                out: std::mem::take(&mut out),
                                early: buf[consumed..].to_vec(),
                                conn,
                            }));
                        }
                        Some(Ok(Upgrade::Socket(opened))) => {
                            return Ended::WebSocket(Box::new(super::websocket::Switch {
                                out: std::mem::take(&mut out),
                                early: buf[consumed..].to_vec(),
                                opened: *opened,
                            }));
                        }
                        Some(Err(body)) => Some(body),
                        None => None,
                    };
                    if let Some(body) = streamed {
                        // The answers so far and this one's head go out,
                        // then its body, piece by piece.
                        // Boxed, as below: the connection's own state stays small.
                        let streaming = stream_body(stream, &mut out, body, &core, req.minor >= 1);
                        if !Box::pin(streaming).await {
                            return Ended::Closed;
                        }
                        clock = Instant::now();
                    }
                    // Once stopping, every answer closes its connection.
                    // One that was running when the signal came may have
                    // promised to keep it: it stays open, for the client
                    // to send on or close, until the drain closes it idle
                    // (closing it now could lose a request already sent).
                    if closes {
                        close = true;
                        break;
                    }
                }
                Parsed::Partial {
                    in_body: body,
                    expect_continue,
                } => {
                    if expect_continue && !sent_continue {
                        out.extend_from_slice(b"HTTP/1.1 100 Continue\r\n\r\n");
                        sent_continue = true;
                    }
                    in_body = body;
                    break;
                }
                Parsed::Head {
                    req,
                    head_len,
                    framing,
                    too_large,
                    expect_continue,
                } => {
                    let Some(max) = streams_bodies(&core, &req, how) else {
                        // Any other route waits for the whole body (at
                        // most `limits.body`).
                        if too_large {
                            write_error(&core, &mut out, 413, "request body too large");
                            close = true;
                            break;
                        }
                        if expect_continue && !sent_continue {
                            out.extend_from_slice(b"HTTP/1.1 100 Continue\r\n\r\n");
                            sent_continue = true;
                        }
                        in_body = true;
                        break;
                    };
                    if matches!(framing, http::Framing::Length(n) if n > max) {
                        write_error(
                            &core,
                            &mut out,
                            413,
                            "request body larger than the route's max",
                        );
                        close = true;
                        break;
                    }
                    // The handler runs now, reading the body as it comes.
                    answered = true;
                    let head = buf[consumed..consumed + head_len].to_vec();
                    buf.drain(..consumed + head_len);
                    consumed = 0;
                    if expect_continue && !sent_continue {
                        out.extend_from_slice(b"HTTP/1.1 100 Continue\r\n\r\n");
                    }
                    sent_continue = false;
                    let streamed = StreamedRequest {
                        head: &head,
                        framing,
                        max,
                    };
                    let serving = serve_streamed_body(
                        stream, &mut buf, &mut out, &core, how, streamed, &mut clock,
                    );
                    if !Box::pin(serving).await {
                        return Ended::Closed;
                    }
                }
                Parsed::Reject(..) if how.h2c && !answered && buf.starts_with(PREFACE) => {
                    return Ended::Http2(std::mem::take(&mut buf));
                }
                Parsed::Reject(status, why) => {
                    write_error(&core, &mut out, status, why);
                    close = true;
                    break;
                }
            }
        }
        buf.drain(..consumed);
        if consumed > 0 {
            receiving = None;
        }
        if !out.is_empty() {
            if close {
                stream.closing();
            }
            // A client that does not read for `send_timeout` loses the
            // connection (nginx's `send_timeout`). The timer is set only
            // when the write does not finish at once: a timer set and
            // cleared for every write costs more than the rest of a
            // pipelined request's write.
            let mut write = std::pin::pin!(stream.write_every(out));
            let first = std::future::poll_fn(|cx| Poll::Ready(write.as_mut().poll(cx))).await;
            let (res, written) = match first {
                Poll::Ready(done) => done,
                Poll::Pending => match monoio::time::timeout(limits.send_timeout, write).await {
                    Ok(done) => done,
                    Err(_) => return Ended::Closed,
                },
            };
            out = written;
            if res.is_err() {
                return Ended::Closed;
            }
            out.clear();
            if out.capacity() > BUFFER_KEEP {
                out = Vec::with_capacity(16 * 1024);
            }
        }
        if close {
            return Ended::Closed;
        }
        if more {
            continue;
        }
        if draining && buf.is_empty() {
            return Ended::Closed;
        }
        if buf.capacity() > BUFFER_KEEP && buf.len() < 16 * 1024 {
            buf.shrink_to(16 * 1024);
        }
        // Wait for more: an idle connection may wait long, a started
        // request until its deadline.
        let now = Instant::now();
        let parks = can_park && buf.is_empty();
        let deadline = if buf.is_empty() {
            receiving = None;
            let since = *idle_since.get_or_insert(now);
            match parks {
                // Its idle deadline is looked at when this one passes.
                true => now + PARK_AFTER,
                false => since + limits.idle_timeout,
            }
        } else {
            let r = receiving.get_or_insert(Receiving {
                in_body: false,
                deadline: last_read + limits.header_timeout,
            });
            if in_body && !r.in_body {
                *r = Receiving {
                    in_body: true,
                    deadline: now + limits.body_timeout,
                };
            }
            r.deadline
        };
        // The core's drain wakes an idle connection (core.rs), which then
        // closes; it does not look at the flag every `SHUTDOWN_POLL` (8,000
        // idle connections spent 16% of a core doing that). Listening
        // starts before the flag is read, so a drain between the two is
        // not missed.
        let idle = buf.is_empty();
        let mut draining = std::pin::pin!(core.draining.notified());
        draining.as_mut().enable();
        if idle && core.config.shutdown.load(Ordering::Relaxed) {
            return Ended::Closed;
        }
        // One read stays pending until it ends, the deadline passes or the
        // core drains: cancelling a read can lose bytes under io_uring, so
        // it is only dropped when the connection is given up anyway.
        let read = {
            let pending = stream.read_some(std::mem::take(&mut chunk));
            monoio::select! {
                r = pending => Ok(r),
                _ = monoio::time::sleep_until(deadline.into()) => Err(()),
                _ = &mut draining, if idle => Err(()),
            }
        };
        let (res, back) = match read {
            Ok(r) => r,
            Err(_) if parks && !core.config.shutdown.load(Ordering::Relaxed) => {
                let until = idle_since.unwrap_or(now) + limits.idle_timeout;
                if Instant::now() >= until {
                    return Ended::Closed;
                }
                if super::parking::ready(&core) {
                    return Ended::Parked(until);
                }
                // No room to park (out of descriptors): it waits on as it
                // was, a second at a time, until its idle deadline.
                chunk = vec![0; 16 * 1024];
                continue;
            }
            Err(_) => {
                if !buf.is_empty() {
                    write_error(&core, &mut out, 408, "request timed out");
                    stream.closing();
                    let write = stream.write_every(out);
                    let _ = monoio::time::timeout(SHUTDOWN_POLL, write).await;
                }
                return Ended::Closed;
            }
        };
        chunk = back;
        match res {
            Ok(0) | Err(_) => return Ended::Closed,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
        idle_since = None;
        clock = Instant::now();
        last_read = clock;
    }
}

/// The route's `max` when the request's route streams its bodies.
fn streams_bodies(core: &Core, req: &http::Request<'_, '_>, how: Served) -> Option<u64> {
    if how.redirect.is_some() {
        return None;
    }
    super::body_feed::stream_body_max(core, req.method, req.path)
}

/// A request whose body is streamed to its handler: its head (a copy, so
/// the connection's buffer is free to read the body into).
struct StreamedRequest<'h> {
    head: &'h [u8],
    framing: http::Framing,
    max: u64,
}

/// Serves a request whose route streams its bodies: the handler runs
/// while the body is read into its stream (`body_feed.rs`). A handler
/// that answers before the body's end leaves the rest unread: the
/// connection closes after the answer (and a later read of the body is
/// an error). `false` when the connection must close.
async fn serve_streamed_body(
    stream: &mut Wire,
    buf: &mut Vec<u8>,
    out: &mut Vec<u8>,
    core: &Rc<Core>,
    how: Served,
    request: StreamedRequest<'_>,
    clock: &mut Instant,
) -> bool {
    let limits = core.config.http;
    // The answers before it (and a `100 Continue`) go out first: the
    // client may wait for them before it sends the body.
    if !out.is_empty() && send(stream, out, limits.send_timeout).await.is_err() {
        return false;
    }
    let mut slots = http::header_slots();
    let Parsed::Head { mut req, .. } = http::parse(request.head, &mut slots, &limits) else {
        unreachable!("the head parsed as a head before it was copied")
    };
    req.peer = how.peer;
    let keep_alive = req.keep_alive;
    let chunked = req.minor >= 1;
    let feed = Rc::new(BodyFeed::new());
    let decoder = Decoder::new(request.framing, request.max);
    let (handled, whole) = {
        let serve = std::pin::pin!(handle(
            core,
            &req,
            Answer::Http1(out),
            how.secure,
            *clock,
            Some(feed.clone())
        ));
        let read = std::pin::pin!(pump(
            stream,
            buf,
            decoder,
            &feed,
            limits.body_timeout,
            limits.header_bytes,
            request.max,
        ));
        match futures_util::future::select(serve, read).await {
            futures_util::future::Either::Left((handled, _unread)) => (handled, false),
            futures_util::future::Either::Right((whole, serve)) => (serve.await, whole),
        }
    };
    if !feed.ended() {
        feed.finish(Err(super::body_feed::cut(
            "the rest of the request body cannot be read after the answer: on HTTP/1.1 a streamed request body is read while the handler runs",
        )));
    }
    let (answered_at, streamed) = handled;
    *clock = answered_at;
    if let Some(body) = streamed
        && !stream_body(stream, out, body, core, chunked).await
    {
        return false;
    }
    if !out.is_empty() && send(stream, out, limits.send_timeout).await.is_err() {
        return false;
    }
    *clock = Instant::now();
    whole && keep_alive && !core.config.closing()
}

/// Writes `out` (the answers so far, the streamed one's head last), then
/// the streamed body: each piece once the one before is written (so the
/// script waits for a slow client), chunked for HTTP/1.1, delimited by
/// the connection's close for HTTP/1.0. `false` when the connection must
/// close: the body was cut short (no last chunk tells the client), the
/// client stopped reading, or the close delimits the body.
async fn stream_body(
    stream: &mut Wire,
    out: &mut Vec<u8>,
    mut body: Box<Streamed>,
    core: &Rc<Core>,
    chunked: bool,
) -> bool {
    let timeout = core.config.http.send_timeout;
    // A body of known length (a file) goes as it is, after its `Content-Length`.
    let framed = body.length.is_some();
    let chunked = chunked && !framed;
    // A file to a cleartext connection: the kernel copies it (`sendfile`),
    // after the answers before it and its head.
    if matches!(stream, Wire::Tcp(_))
        && let Some((file, left)) = body.as_file()
    {
        use super::sendfile::{Stopped, send_file};
        let head_sent = out.is_empty() || send(stream, out, timeout).await.is_ok();
        let sent = match (head_sent, &*stream) {
            (true, Wire::Tcp(tcp)) => send_file(tcp, file, left, timeout).await,
            _ => Err(Stopped::Gone),
        };
        let (complete, why) = match sent {
            Ok(()) => (true, ""),
            Err(Stopped::Gone) => (false, "the client went away"),
            Err(Stopped::Cut) => {
                super::log::error("a static file was cut short: it changed while it was sent");
                (false, "the response was cut short")
            }
        };
        body.finish(core, complete, why);
        return complete;
    }
    let (complete, why) = loop {
        if !out.is_empty() && send(stream, out, timeout).await.is_err() {
            break (false, "the client went away");
        }
        match body.next(core).await {
            Piece::Bytes(b) if chunked => http::write_chunk(out, &b),
            Piece::Bytes(b) => out.extend_from_slice(&b),
            Piece::End => {
                if chunked {
                    out.extend_from_slice(b"0\r\n\r\n");
                } else if !framed {
                    stream.closing();
                }
                let sent = send(stream, out, timeout).await.is_ok();
                break (sent, "the client went away");
            }
            Piece::Cut => break (false, "the response was cut short"),
        }
    };
    body.finish(core, complete, why);
    complete && (chunked || framed)
}

/// Writes all of `out` within `timeout`, leaving it empty.
async fn send(
    stream: &mut Wire,
    out: &mut Vec<u8>,
    timeout: std::time::Duration,
) -> Result<(), ()> {
    let buf = std::mem::take(out);
    match monoio::time::timeout(timeout, stream.write_every(buf)).await {
        Ok((res, mut back)) => {
            back.clear();
            *out = back;
            res.map_err(|_| ())
        }
        Err(_) => Err(()),
    }
}

/// The request a connection is receiving: which part, and by when it must
/// be complete.
pub(crate) struct Receiving {
    pub(crate) in_body: bool,
    pub(crate) deadline: Instant,
}

/// The answer of a listener that redirects to HTTPS: 308 to the same
/// host and target on `port` (RFC 9110 §15.4.9 keeps the method and body).
fn redirect(core: &Core, req: &http::Request<'_, '_>, port: u16, out: &mut Vec<u8>) {
    let Some(host) = req.header("host").and_then(|h| std::str::from_utf8(h).ok()) else {
        write_error(
            core,
            out,
            400,
            "a Host header is needed to redirect to HTTPS",
        );
        return;
    };
    // The host without its port; an IPv6 literal keeps its brackets.
    let name = match host.rfind(':') {
        Some(i) if !host[i..].contains(']') => &host[..i],
        _ => host,
    };
    let mut location = format!("https://{name}");
    if port != 443 {
        location.push_str(&format!(":{port}"));
    }
    location.push_str(req.path);
    if !req.query.is_empty() {
        location.push('?');
        location.push_str(req.query);
    }
    let mut head_cache = core.head.borrow_mut();
    let headers = [("Location".to_string(), location)];
    let head = req.method == "HEAD";
    http::write_response(
        out,
        &mut head_cache,
        Instant::now(),
        308,
        None,
        &headers,
        b"",
        req.keep_alive,
        head,
    );
}

/// A connection-level error response; the connection closes after it.
pub(crate) fn write_error(core: &Core, out: &mut Vec<u8>, status: u16, why: &str) {
    let mut head_cache = core.head.borrow_mut();
    let body = http::error_body(why);
    let json = Some("application/json");
    let now = Instant::now();
    // A 405 says what is allowed (RFC 9110 §15.5.6).
    let allow = [("Allow".to_string(), http::SERVED_METHODS.to_string())];
    let extra: &[(String, String)] = if status == 405 { &allow } else { &[] };
    http::write_response(
        out,
        &mut head_cache,
        now,
        status,
        json,
        extra,
        &body,
        false,
        false,
    );
}
