//! A WebSocket endpoint's connection (RFC 6455): the opening handshake
//! checked, then, once the script's `open` accepted it, the connection's
//! life as a socket on its core: frames read and their messages handed to
//! the script's `message` one at a time, in order; what scripts send
//! written as it is queued; pings when the client is quiet, a close when
//! it stays quiet past `idleTimeout`, at a message past `maxMessage`, at a
//! send queue past `maxBuffered`, and when the server drains; `close` last.
//! The framing is tungstenite's protocol state, fed from and drained to
//! this connection's own reads and writes.

use super::per_core::{Core, Live};
use super::reply::Reply;
use super::socket_hub::{self, Socket};
use std::future::poll_fn;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::atomic::Ordering;
use std::task::Poll;
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tungstenite::Message;
use tungstenite::error::{CapacityError, Error, ProtocolError};

/// A WebSocket route's limits (`work().ws(path, handlers)`'s options).
#[derive(Clone, Debug, PartialEq)]
pub struct SocketOptions {
    /// The largest message (and frame) a client may send, in bytes.
    pub max_message: usize,
    /// How long a client may send nothing (a pong counts) before the
    /// socket closes; a ping goes out at half of it.
    pub idle_timeout: Duration,
    /// The most bytes queued for the client unsent.
    pub max_buffered: usize,
    /// The subprotocols offered, the first the client also offers chosen.
    pub protocols: Vec<String>,
}

impl Default for SocketOptions {
    fn default() -> SocketOptions {
        SocketOptions {
            max_message: 1 << 20,
            idle_timeout: Duration::from_secs(120),
            max_buffered: 4 << 20,
            protocols: Vec::new(),
        }
    }
}

/// How long a closing socket waits for the client's close.
const CLOSE_WAIT: Duration = Duration::from_secs(5);

/// How much one read takes.
const READ: usize = 4096;

/// What the handshake's answer carries: `Sec-WebSocket-Accept`, and the
/// subprotocol chosen.
pub(crate) struct Accepted {
    pub(crate) headers: Vec<(String, String)>,
}

/// Checks an opening handshake (RFC 6455 §4.2.1): the answer's fields, or
/// the refusal to send.
pub(crate) fn handshake(
    req: &super::http::Request<'_, '_>,
    options: &SocketOptions,
) -> Result<Accepted, Reply> {
    let has_token = |name: &str, token: &str| {
        req.headers
            .iter()
            .filter(|h| h.name.eq_ignore_ascii_case(name))
            .flat_map(|h| h.value.split(|&b| b == b','))
            .any(|t| t.trim_ascii().eq_ignore_ascii_case(token.as_bytes()))
    };
    let upgrade_required = |why: &str| {
        let mut r = Reply::error(426, why);
        r.headers.push(("Upgrade".into(), "websocket".into()));
        r.headers
            .push(("Sec-WebSocket-Version".into(), "13".into()));
        r
    };
    if req.method != "GET" || !has_token("upgrade", "websocket") {
        return Err(upgrade_required(
            "this is a WebSocket endpoint: connect with a WebSocket client",
        ));
    }
    if !has_token("connection", "upgrade") {
        return Err(Reply::error(
            400,
            "a WebSocket handshake needs Connection: Upgrade",
        ));
    }
    if req.header("sec-websocket-version") != Some(b"13") {
        return Err(upgrade_required("WebSocket version 13 is the one served"));
    }
    let key = req
        .header("sec-websocket-key")
        .unwrap_or_default()
        .trim_ascii();
    use base64::Engine;
    let decoded = base64::engine::general_purpose::STANDARD.decode(key);
    if !matches!(decoded, Ok(k) if k.len() == 16) {
        return Err(Reply::error(
            400,
            "Sec-WebSocket-Key must be 16 bytes in base64",
        ));
    }
    let mut headers = vec![
        ("Upgrade".into(), "websocket".into()),
        ("Connection".into(), "Upgrade".into()),
        ("Sec-WebSocket-Accept".into(), accept_key(key)),
    ];
    let offered: Vec<&[u8]> = req
        .headers
        .iter()
        .filter(|h| h.name.eq_ignore_ascii_case("sec-websocket-protocol"))
        .flat_map(|h| h.value.split(|&b| b == b','))
        .map(<[u8]>::trim_ascii)
        .collect();
    if let Some(p) = options
        .protocols
        .iter()
        .find(|p| offered.contains(&p.as_bytes()))
    {
        headers.push(("Sec-WebSocket-Protocol".into(), p.clone()));
    }
    Ok(Accepted { headers })
}

/// `Sec-WebSocket-Accept` for a client's key: the base64 SHA-1 of the
/// key and the protocol's GUID.
fn accept_key(key: &[u8]) -> String {
    use base64::Engine;
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY);
    ctx.update(key);
    ctx.update(b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11");
    base64::engine::general_purpose::STANDARD.encode(ctx.finish())
}

/// A socket the script accepted: the generation and route it opened on
/// (its events run there, as a request stays on the generation it began
/// on), and the socket.
pub(crate) struct Opened {
    pub(crate) live: Rc<Live>,
    pub(crate) route: usize,
    pub(crate) socket: Rc<Socket>,
}

/// A connection switching to a socket: the `101` (and any answers before
/// it) to write first, the bytes the client sent past its request, and
/// the socket.
pub(crate) struct Switch {
    pub(crate) out: Vec<u8>,
    pub(crate) early: Vec<u8>,
    pub(crate) opened: Opened,
}

/// What a socket's script is told.
pub(crate) enum Event {
    Message(Message),
    /// The socket closed: the code and reason (1006 when no close frame
    /// came or went).
    Close(u16, String),
}

/// Serves a socket on `io` until it closes, then runs its `close`.
pub(crate) async fn serve<S: AsyncRead + AsyncWrite + Unpin>(
    io: &mut S,
    switch: Switch,
    core: &Rc<Core>,
) {
    let Switch { out, early, opened } = switch;
    let socket = opened.socket.clone();
    let send_timeout = core.config.http.send_timeout;
    if matches!(
        monoio::time::timeout(send_timeout, write_all(io, &out)).await,
        Ok(Ok(()))
    ) {
        run(io, early, &opened, core).await;
        // What is left queued (the close frame answering the client's).
        let left = std::mem::take(&mut socket.link().pipe.outbound);
        if !left.is_empty() && !socket.overflowed.get() {
            let _ = monoio::time::timeout(send_timeout, write_all(io, &left)).await;
        }
    }
    socket_hub::remove(&socket);
    let (code, reason) = socket
        .closed_with
        .borrow_mut()
        .take()
        .unwrap_or((1006, String::new()));
    super::socket_api::run_event(core, &opened, Event::Close(code, reason)).await;
    let _ = poll_fn(|cx| Pin::new(&mut *io).poll_shutdown(cx)).await;
}

/// How a socket's wait ended.
enum Woke {
    Read(std::io::Result<usize>),
    Queued,
    Timer,
    Draining,
}

async fn run<S: AsyncRead + AsyncWrite + Unpin>(
    io: &mut S,
    early: Vec<u8>,
    opened: &Opened,
    core: &Rc<Core>,
) {
    let socket = &opened.socket;
    let options = opened.live.router.routes[opened.route]
        .websocket
        .clone()
        .unwrap_or_default();
    let send_timeout = core.config.http.send_timeout;
    let mut chunk = vec![0u8; READ];
    let mut heard = Instant::now();
    let mut pinged = false;
    let mut closing: Option<Instant> = None;
    if !early.is_empty() {
        socket.link().pipe.inbound.extend_from_slice(&early);
        if take_messages(opened, core, &mut closing).await {
            return;
        }
    }
    loop {
        let queued = std::mem::take(&mut socket.link().pipe.outbound);
        if !queued.is_empty() {
            if !write_queued(io, socket, &queued, send_timeout).await {
                return;
            }
            continue;
        }
        if socket.overflowed.get() {
            // Its queue was dropped unsent: a close frame cannot follow.
            return;
        }
        let (readable, writable) = {
            let link = socket.link();
            (link.context.can_read(), link.context.can_write())
        };
        if !readable {
            return;
        }
        if closing.is_none() && (core.config.shutdown.load(Ordering::Relaxed) || !writable) {
            if core.config.shutdown.load(Ordering::Relaxed) {
                socket.close(1001, "the server is shutting down");
            }
            closing = Some(Instant::now());
            continue;
        }
        let deadline = match closing {
            Some(at) => at + CLOSE_WAIT,
            None => heard + options.idle_timeout / 2 * (1 + pinged as u32),
        };
        let wait = deadline.saturating_duration_since(Instant::now());
        let woke = monoio::select! {
            r = read_some(io, &mut chunk) => Woke::Read(r),
            _ = socket.wake.notified() => Woke::Queued,
            _ = monoio::time::sleep(wait) => Woke::Timer,
            _ = core.draining.notified() => Woke::Draining,
        };
        match woke {
            Woke::Read(Ok(0) | Err(_)) => return,
            Woke::Read(Ok(n)) => {
                heard = Instant::now();
                pinged = false;
                socket.link().pipe.inbound.extend_from_slice(&chunk[..n]);
                if take_messages(opened, core, &mut closing).await {
                    return;
                }
            }
            Woke::Queued => {}
            Woke::Timer if closing.is_some() => return,
            Woke::Timer if !pinged => {
                pinged = true;
                socket.send(Message::Ping(Default::default()));
            }
            Woke::Timer => {
                socket.close(1001, "idle for too long");
                closing = Some(Instant::now());
            }
            Woke::Draining => {}
        }
    }
}

/// Reads every whole message the bytes read so far hold and runs the
/// script's `message` for each, in order; true when the socket is done
/// (its closing handshake ended, or the client broke the protocol and
/// what to tell it is queued).
async fn take_messages(opened: &Opened, core: &Rc<Core>, closing: &mut Option<Instant>) -> bool {
    let socket = &opened.socket;
    loop {
        let read = {
            let mut link = socket.link();
            let super::socket_hub::Link { context, pipe } = &mut *link;
            context.read(pipe)
        };
        let message = match read {
            Ok(m @ (Message::Text(_) | Message::Binary(_))) => m,
            Ok(Message::Close(frame)) => {
                let (code, reason) = match frame {
                    Some(f) => (u16::from(f.code), f.reason.to_string()),
                    None => (1005, String::new()),
                };
                socket.record_close(code, &reason);
                continue;
            }
            Ok(_) => continue,
            Err(Error::Io(e)) if e.kind() == std::io::ErrorKind::WouldBlock => return false,
            Err(Error::ConnectionClosed | Error::AlreadyClosed) => return true,
            Err(e) => {
                let (code, why) = match e {
                    Error::Capacity(CapacityError::MessageTooLong { .. }) => {
                        (1009, "the message is larger than the endpoint takes")
                    }
                    Error::Utf8(_) => (1007, "a text message was not UTF-8"),
                    Error::Protocol(ProtocolError::ResetWithoutClosingHandshake) => return true,
                    _ => (1002, "the WebSocket protocol was not followed"),
                };
                socket.close(code, why);
                closing.get_or_insert_with(Instant::now);
                return false;
            }
        };
        // Once closing, messages still arriving are not the script's.
        if closing.is_some() || !socket.link().context.can_write() {
            continue;
        }
        let ok = super::socket_api::run_event(core, opened, Event::Message(message)).await;
        if !ok {
            socket.close(1011, "the endpoint failed");
            closing.get_or_insert_with(Instant::now);
        }
    }
}

/// Writes what was queued, within `send_timeout`; false when it could
/// not be, or when the queue overflowed meanwhile (a client that does
/// not read is let go at its budget, not at the timeout).
async fn write_queued<S: AsyncWrite + Unpin>(
    io: &mut S,
    socket: &Socket,
    bytes: &[u8],
    send_timeout: Duration,
) -> bool {
    let mut writing = std::pin::pin!(monoio::time::timeout(send_timeout, write_all(io, bytes)));
    loop {
        monoio::select! {
            done = &mut writing => return matches!(done, Ok(Ok(()))),
            _ = socket.wake.notified() => {
                if socket.overflowed.get() {
                    return false;
                }
            }
        }
    }
}

/// Reads what has come (cancel-safe: a readiness read takes nothing it
/// does not return).
async fn read_some<S: AsyncRead + Unpin>(io: &mut S, buf: &mut [u8]) -> std::io::Result<usize> {
    poll_fn(|cx| {
        let mut room = ReadBuf::new(buf);
        match Pin::new(&mut *io).poll_read(cx, &mut room) {
            Poll::Ready(Ok(())) => Poll::Ready(Ok(room.filled().len())),
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => Poll::Pending,
        }
    })
    .await
}

/// Writes all of `bytes` and flushes.
async fn write_all<S: AsyncWrite + Unpin>(io: &mut S, bytes: &[u8]) -> std::io::Result<()> {
    let mut at = 0;
    poll_fn(|cx| {
        while at < bytes.len() {
            match Pin::new(&mut *io).poll_write(cx, &bytes[at..]) {
                Poll::Ready(Ok(0)) => {
                    return Poll::Ready(Err(std::io::ErrorKind::WriteZero.into()));
                }
                Poll::Ready(Ok(n)) => at += n,
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => return Poll::Pending,
            }
        }
        Pin::new(&mut *io).poll_flush(cx)
    })
    .await
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_accept_key_is_rfc_6455s() {
        // RFC 6455 §1.3's example.
        assert_eq!(
            super::accept_key(b"dGhlIHNhbXBsZSBub25jZQ=="),
            "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
        );
    }
}
