//! One HTTP/1.1 connection to an upstream target, written by hand on
//! monoio's own TCP stream (TLS through rustls): a proxied request is a
//! buffer written at once, its answer's head parsed with httparse and its
//! body undone by the same decoder as streamed request bodies. hyper's
//! client did this at about 14,000 instructions a request (its dispatch
//! task and channels, a `HeaderMap` each way) where this takes a few
//! thousand: `loadtest/proxy.sh` went from 0.63 of nginx's req/s with
//! hyper to the figure in docs/PERFORMANCE.md.

use super::body_feed::{Decoded, Decoder};
use super::http::Framing;
use monoio::io::{AsyncReadRent, AsyncWriteRentExt};
use std::io;
use std::pin::Pin;
use std::task::Poll;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// Most fields an answer's head may have.
const FIELDS: usize = 64;
/// Most bytes an answer's head may have.
const HEAD_MAX: usize = 64 * 1024;
/// How much one read takes.
const READ: usize = 16 * 1024;

/// The byte stream to a target.
enum Link {
    Tcp(monoio::net::TcpStream),
    Tls(Box<tokio_rustls::client::TlsStream<monoio::net::tcp::stream_poll::TcpStreamPoll>>),
}

/// A connection to a target, and what it read past the last answer.
pub(crate) struct Conn {
    link: Link,
    buf: Vec<u8>,
    /// The buffer reads land in, handed to the stream and back.
    room: Vec<u8>,
    /// The deadline of the exchange in progress (`head_within`,
    /// `piece_within`, `body_within`): one timer for the connection's life,
    /// moved forward for each exchange. A `monoio::time::timeout` per
    /// exchange put a 128-byte-aligned timer entry in every proxied
    /// request's future, which then took `posix_memalign` and a copy of
    /// the padding to box (with the connect's timeout boxed too, 1,274
    /// instructions a proxied request less, callgrind, pipelined); moving
    /// a live entry's deadline later touches no timer wheel.
    timer: Option<Pin<Box<monoio::time::Sleep>>>,
}

/// An answer's head.
pub(crate) struct Head {
    pub(crate) status: u16,
    /// Its fields' names and values one after another (a value not UTF-8
    /// made so).
    raw: String,
    /// Where each field's name starts in `raw`, where its value starts
    /// (the name's end) and ends (`fields`). Not a `String` pair per
    /// field: ten allocations and frees for nginx's five fields, which the
    /// proxy mostly drops.
    spans: Vec<[u32; 3]>,
    /// How its body is delimited; `None`: it has none.
    pub(crate) body: Option<BodyFraming>,
    /// The connection may carry another exchange after this one.
    pub(crate) keep_alive: bool,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum BodyFraming {
    Length(u64),
    Chunked,
    /// Until the target closes.
    Close,
}

impl BodyFraming {
    pub(crate) fn length(self) -> Option<u64> {
        match self {
            BodyFraming::Length(n) => Some(n),
            _ => None,
        }
    }
}

impl Head {
    /// Its fields: names as sent, and values.
    pub(crate) fn fields(&self) -> impl Iterator<Item = (&str, &str)> {
        let text = |a: u32, b: u32| &self.raw[a as usize..b as usize];
        self.spans
            .iter()
            .map(move |&[name, value, end]| (text(name, value), text(value, end)))
    }
}

/// Why an exchange failed.
#[derive(Debug)]
pub(crate) enum Failed {
    /// Before any byte of the answer: the connection closed or reset.
    Closed(String),
    /// The answer made no sense.
    Invalid(String),
}

impl Failed {
    pub(crate) fn message(&self) -> &str {
        match self {
            Failed::Closed(m) | Failed::Invalid(m) => m,
        }
    }
}

impl Conn {
    pub(crate) fn tcp(stream: monoio::net::TcpStream) -> Conn {
        Conn::on(Link::Tcp(stream))
    }

    pub(crate) fn tls(
        stream: tokio_rustls::client::TlsStream<monoio::net::tcp::stream_poll::TcpStreamPoll>,
    ) -> Conn {
        Conn::on(Link::Tls(Box::new(stream)))
    }

    fn on(link: Link) -> Conn {
        Conn {
            link,
            buf: Vec::new(),
            room: vec![0; READ],
            timer: None,
        }
    }

    /// The answer's head, as `head`, if it comes within `limit`.
    pub(crate) async fn head_within(
        &mut self,
        method: &str,
        limit: Duration,
    ) -> Option<Result<Head, Failed>> {
        let mut timer = self.arm(limit);
        let head = race(self.head(method), &mut timer).await;
        self.timer = Some(timer);
        head
    }

    /// The next bytes of a body, as `piece`, if they come within `limit`.
    pub(crate) async fn piece_within(
        &mut self,
        decoder: &mut Option<Decoder>,
        limit: Duration,
    ) -> Option<Result<Option<Vec<u8>>, String>> {
        let mut timer = self.arm(limit);
        let piece = race(self.piece(decoder), &mut timer).await;
        self.timer = Some(timer);
        piece
    }

    /// A whole body of at most `length` bytes read with `decoder`, if it
    /// comes within `limit`.
    pub(crate) async fn body_within(
        &mut self,
        decoder: &mut Option<Decoder>,
        length: usize,
        limit: Duration,
    ) -> Option<Result<Vec<u8>, String>> {
        let mut timer = self.arm(limit);
        let read = async {
            let mut body = Vec::with_capacity(length);
            while let Some(piece) = self.piece(decoder).await? {
                body.extend_from_slice(&piece);
            }
            Ok(body)
        };
        let body = race(read, &mut timer).await;
        self.timer = Some(timer);
        body
    }

    /// The connection's timer, set to `limit` from now.
    fn arm(&mut self, limit: Duration) -> Pin<Box<monoio::time::Sleep>> {
        let deadline = monoio::time::Instant::now() + limit;
        match self.timer.take() {
            Some(mut timer) => {
                timer.as_mut().reset(deadline);
                timer
            }
            None => Box::pin(monoio::time::sleep_until(deadline)),
        }
    }

    /// Its stream, as a readiness stream, and what it read past the
    /// answer's head: a tunnel's start (an upgraded connection).
    pub(crate) fn into_io(self) -> Option<(super::tunnel::TargetIo, Vec<u8>)> {
        let io: super::tunnel::TargetIo = match self.link {
            Link::Tcp(s) => Box::pin(s.try_into_poll_io().ok()?),
            Link::Tls(s) => Box::pin(*s),
        };
        Some((io, self.buf))
    }

    /// Whether an idle connection is still usable: nothing to read and not
    /// closed (one `recv` that does not wait). Asked before a request that
    /// must not be sent twice goes on a kept connection.
    pub(crate) fn still_open(&self) -> bool {
        use std::os::fd::AsRawFd;
        let fd = match &self.link {
            Link::Tcp(s) => s.as_raw_fd(),
            Link::Tls(s) => s.get_ref().0.as_raw_fd(),
        };
        let mut byte = 0u8;
        // SAFETY: a one-byte peek into a local, on a descriptor this
        // connection owns.
        let n = unsafe {
            libc::recv(
                fd,
                (&mut byte as *mut u8).cast(),
                1,
                libc::MSG_PEEK | libc::MSG_DONTWAIT,
            )
        };
        n < 0 && io::Error::last_os_error().kind() == io::ErrorKind::WouldBlock
    }

    /// Writes all of `bytes`; hands the buffer back.
    pub(crate) async fn send(&mut self, bytes: Vec<u8>) -> (io::Result<()>, Vec<u8>) {
        match &mut self.link {
            Link::Tcp(s) => {
                let (r, b) = s.write_all(bytes).await;
                (r.map(|_| ()), b)
            }
            Link::Tls(s) => {
                let r = write_all(&mut **s, &bytes).await;
                (r, bytes)
            }
        }
    }

    /// Reads more into `buf`; 0 at the end.
    async fn fill(&mut self) -> io::Result<usize> {
        let room = std::mem::take(&mut self.room);
        let (r, mut room) = match &mut self.link {
            Link::Tcp(s) => s.read(room).await,
            Link::Tls(s) => read_some(&mut **s, room).await,
        };
        match r {
            // Nothing was waiting: what came becomes the buffer, not a
            // copy of it (a plain read fills the room's capacity, so the
            // old buffer, emptied, is the next room).
            Ok(n) if self.buf.is_empty() && matches!(self.link, Link::Tcp(_)) => {
                room.truncate(n);
                std::mem::swap(&mut self.buf, &mut room);
                room.reserve(READ);
            }
            Ok(n) => self.buf.extend_from_slice(&room[..n]),
            Err(_) => {}
        }
        self.room = room;
        r
    }

    /// The answer's head (past any `1xx` interim answers) to a request
    /// with `method`.
    pub(crate) async fn head(&mut self, method: &str) -> Result<Head, Failed> {
        loop {
            let parsed = {
                let mut fields = [httparse::EMPTY_HEADER; FIELDS];
                let mut answer = httparse::Response::new(&mut fields);
                match answer.parse(&self.buf) {
                    Ok(httparse::Status::Complete(len)) => Some(read_head(&answer, method, len)),
                    Ok(httparse::Status::Partial) => None,
                    Err(e) => return Err(Failed::Invalid(format!("a malformed answer: {e}"))),
                }
            };
            match parsed {
                Some((head, len)) => {
                    self.buf.drain(..len);
                    let head = head?;
                    // `100 Continue`, `103 Early Hints`: the answer
                    // follows. (`101` is the answer: a tunnel from here.)
                    if (100..200).contains(&head.status) && head.status != 101 {
                        continue;
                    }
                    return Ok(head);
                }
                None if self.buf.len() > HEAD_MAX => {
                    return Err(Failed::Invalid("an answer's head too large".into()));
                }
                None => {}
            }
            let had = self.buf.len();
            match self.fill().await {
                Ok(0) if had == 0 => return Err(Failed::Closed("closed the connection".into())),
                Ok(0) => return Err(Failed::Invalid("closed in the middle of a head".into())),
                Ok(_) => {}
                Err(e) if had == 0 => return Err(Failed::Closed(e.to_string())),
                Err(e) => return Err(Failed::Invalid(e.to_string())),
            }
        }
    }

    /// A body of known length that is already all in the buffer (most
    /// short answers arrive with their head): taken without waiting, so no
    /// timer is set for it. `None` when more must be read.
    pub(crate) fn buffered_body(&mut self, framing: BodyFraming) -> Option<Vec<u8>> {
        match framing {
            BodyFraming::Length(n) if self.buf.len() as u64 >= n => {
                let n = n as usize;
                let body = self.buf[..n].to_vec();
                self.buf.drain(..n);
                Some(body)
            }
            _ => None,
        }
    }

    /// The next bytes of a body being read with `decoder` (`None`: until
    /// the target closes); `Ok(None)` at its end.
    pub(crate) async fn piece(
        &mut self,
        decoder: &mut Option<Decoder>,
    ) -> Result<Option<Vec<u8>>, String> {
        loop {
            match decoder {
                Some(d) => match d.decode(&mut self.buf, HEAD_MAX) {
                    Decoded::Bytes(b) => return Ok(Some(b)),
                    Decoded::End => return Ok(None),
                    Decoded::More => {}
                    Decoded::TooLarge | Decoded::Invalid => {
                        return Err("a malformed chunked body".into());
                    }
                },
                None if !self.buf.is_empty() => return Ok(Some(std::mem::take(&mut self.buf))),
                None => {}
            }
            match self.fill().await {
                Ok(0) if decoder.is_none() => return Ok(None),
                Ok(0) => return Err("the connection closed in the middle of the body".into()),
                Ok(_) => {}
                Err(e) => return Err(e.to_string()),
            }
        }
    }
}

/// The decoder of a body so framed (`None`: read until the close).
pub(crate) fn decoder(framing: BodyFraming) -> Option<Decoder> {
    match framing {
        BodyFraming::Length(n) => Some(Decoder::new(Framing::Length(n), u64::MAX)),
        BodyFraming::Chunked => Some(Decoder::new(Framing::Chunked, u64::MAX)),
        BodyFraming::Close => None,
    }
}

/// An answer's head as parsed (`len` bytes of the buffer), with how its
/// body is framed (RFC 9112 §6.3).
fn read_head(
    answer: &httparse::Response<'_, '_>,
    method: &str,
    len: usize,
) -> (Result<Head, Failed>, usize) {
    let status = answer.code.unwrap_or(0);
    let mut raw = String::with_capacity(len);
    let mut spans = Vec::with_capacity(answer.headers.len());
    let (mut length, mut chunked, mut close, mut keep) = (None, false, false, false);
    for h in answer.headers.iter() {
        let n0 = raw.len() as u32;
        raw.push_str(h.name);
        let v0 = raw.len();
        match h.value.is_ascii() {
            // SAFETY: ASCII is UTF-8. (Checked so, in words, rather than
            // by `from_utf8`'s walk of short values, which took 550
            // instructions of a proxied request, callgrind.)
            true => raw.push_str(unsafe { std::str::from_utf8_unchecked(h.value) }),
            false => raw.push_str(&String::from_utf8_lossy(h.value)),
        }
        spans.push([n0, v0 as u32, raw.len() as u32]);
        let value = &raw[v0..];
        if h.name.eq_ignore_ascii_case("content-length") {
            match value.trim().parse::<u64>() {
                Ok(n) if length.is_none_or(|l| l == n) => length = Some(n),
                _ => return (Err(Failed::Invalid("a bad Content-Length".into())), len),
            }
        } else if h.name.eq_ignore_ascii_case("transfer-encoding") {
            chunked = value.to_ascii_lowercase().trim_end().ends_with("chunked");
        } else if h.name.eq_ignore_ascii_case("connection") {
            for token in value.split(',').map(str::trim) {
                close |= token.eq_ignore_ascii_case("close");
                keep |= token.eq_ignore_ascii_case("keep-alive");
            }
        }
    }
    let http11 = answer.version == Some(1);
    let bodiless =
        method == "HEAD" || (100..200).contains(&status) || status == 204 || status == 304;
    let body = match (bodiless, chunked, length) {
        (true, _, _) => None,
        (false, true, _) => Some(BodyFraming::Chunked),
        (false, false, Some(n)) => Some(BodyFraming::Length(n)),
        (false, false, None) => Some(BodyFraming::Close),
    };
    let keep_alive = !close && (http11 || keep) && body != Some(BodyFraming::Close);
    (
        Ok(Head {
            status,
            raw,
            spans,
            body,
            keep_alive,
        }),
        len,
    )
}

/// `work`'s output, or `None` if `timer` ends first.
async fn race<T>(
    work: impl Future<Output = T>,
    timer: &mut Pin<Box<monoio::time::Sleep>>,
) -> Option<T> {
    let mut work = std::pin::pin!(work);
    std::future::poll_fn(|cx| {
        if let Poll::Ready(out) = work.as_mut().poll(cx) {
            return Poll::Ready(Some(out));
        }
        timer.as_mut().poll(cx).map(|()| None)
    })
    .await
}

async fn read_some<S: AsyncRead + Unpin>(
    s: &mut S,
    mut buf: Vec<u8>,
) -> (io::Result<usize>, Vec<u8>) {
    let r = std::future::poll_fn(|cx| {
        let mut room = ReadBuf::new(&mut buf);
        match Pin::new(&mut *s).poll_read(cx, &mut room) {
            Poll::Ready(Ok(())) => Poll::Ready(Ok(room.filled().len())),
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => Poll::Pending,
        }
    })
    .await;
    (r, buf)
}

async fn write_all<S: AsyncWrite + Unpin>(s: &mut S, bytes: &[u8]) -> io::Result<()> {
    let mut at = 0;
    std::future::poll_fn(|cx| {
        while at < bytes.len() {
            match Pin::new(&mut *s).poll_write(cx, &bytes[at..]) {
                Poll::Ready(Ok(0)) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                Poll::Ready(Ok(n)) => at += n,
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => return Poll::Pending,
            }
        }
        Pin::new(&mut *s).poll_flush(cx)
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(raw: &[u8], method: &str) -> Head {
        let mut fields = [httparse::EMPTY_HEADER; FIELDS];
        let mut answer = httparse::Response::new(&mut fields);
        let httparse::Status::Complete(len) = answer.parse(raw).unwrap() else {
            panic!("complete")
        };
        read_head(&answer, method, len).0.unwrap()
    }

    #[test]
    fn an_answer_s_framing_follows_rfc_9112() {
        let h = parse(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", "GET");
        assert_eq!((h.body, h.keep_alive), (Some(BodyFraming::Length(5)), true));
        let h = parse(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n",
            "GET",
        );
        assert_eq!(h.body, Some(BodyFraming::Chunked));
        let h = parse(b"HTTP/1.1 200 OK\r\n\r\n", "GET");
        assert_eq!((h.body, h.keep_alive), (Some(BodyFraming::Close), false));
        let h = parse(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", "HEAD");
        assert_eq!(h.body, None);
        let h = parse(b"HTTP/1.1 304 Not Modified\r\n\r\n", "GET");
        assert_eq!((h.body, h.keep_alive), (None, true));
        let h = parse(b"HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\n", "GET");
        assert!(!h.keep_alive);
        let h = parse(
            b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nConnection: close\r\n\r\n",
            "GET",
        );
        assert!(!h.keep_alive);
    }

    #[test]
    fn conflicting_lengths_are_refused() {
        let mut fields = [httparse::EMPTY_HEADER; FIELDS];
        let mut answer = httparse::Response::new(&mut fields);
        let raw = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n";
        let httparse::Status::Complete(len) = answer.parse(raw).unwrap() else {
            panic!("complete")
        };
        assert!(read_head(&answer, "GET", len).0.is_err());
    }
}
