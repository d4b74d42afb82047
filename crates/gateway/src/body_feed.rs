//! A request body streamed to a script (a route with `.body({ stream:
//! true })`): the connection reads it while the handler runs and hands it
//! over chunk by chunk (`BodyFeed`, the VM's `BodySource`), holding at
//! most `FEED_MAX` bytes the script has not taken, so a script that reads
//! slowly slows the client (its TCP window closes) instead of filling
//! memory; `Decoder` undoes the framing (a length, or chunks delivered as
//! their bytes arrive, so a huge chunk is never held whole).

use super::http::{self, CHUNK_LINE_MAX, Framing};
use super::wire::Wire;
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::task::{Context, Poll, Waker};
use std::time::Duration;
use vm::io::{BodyError, BodySource};

/// The most bytes read ahead of the script.
const FEED_MAX: usize = 64 * 1024;
/// The most bytes one chunk handed to the script holds.
const PIECE: usize = 64 * 1024;

/// The `code` of the error a read of a body larger than the route's
/// `max` rejects with (answered 413).
pub const BODY_TOO_LARGE: &str = "BODY_TOO_LARGE";

/// The chunks read and not yet taken, the body's end, and who waits.
pub(crate) struct BodyFeed {
    chunks: RefCell<VecDeque<Vec<u8>>>,
    held: Cell<usize>,
    end: RefCell<Option<Result<(), BodyError>>>,
    /// The script waiting for a chunk; the connection waiting for room.
    reader: RefCell<Option<Waker>>,
    writer: RefCell<Option<Waker>>,
}

impl BodyFeed {
    pub(crate) fn new() -> BodyFeed {
        BodyFeed {
            chunks: RefCell::new(VecDeque::new()),
            held: Cell::new(0),
            end: RefCell::new(None),
            reader: RefCell::new(None),
            writer: RefCell::new(None),
        }
    }

    fn push(&self, bytes: Vec<u8>) {
        if self.ended() {
            // Nobody reads them any more (the answer went out first).
            return;
        }
        self.held.set(self.held.get() + bytes.len());
        self.chunks.borrow_mut().push_back(bytes);
        wake(&self.reader);
    }

    /// Hands `bytes` to the script, then waits until it has taken enough
    /// for more to be read.
    pub(crate) async fn give(&self, bytes: Vec<u8>) {
        self.push(bytes);
        std::future::poll_fn(|cx| self.poll_room(cx)).await;
    }

    /// The body ended: whole (`Ok`), or cut short (why). The first end
    /// stays.
    pub(crate) fn finish(&self, how: Result<(), BodyError>) {
        let mut end = self.end.borrow_mut();
        if end.is_none() {
            *end = Some(how);
        }
        drop(end);
        wake(&self.reader);
    }

    pub(crate) fn ended(&self) -> bool {
        self.end.borrow().is_some()
    }

    /// Ready when the script has taken enough to read more.
    fn poll_room(&self, cx: &mut Context<'_>) -> Poll<()> {
        if self.held.get() < FEED_MAX || self.ended() {
            return Poll::Ready(());
        }
        *self.writer.borrow_mut() = Some(cx.waker().clone());
        Poll::Pending
    }
}

fn wake(slot: &RefCell<Option<Waker>>) {
    if let Some(w) = slot.borrow_mut().take() {
        w.wake();
    }
}

impl BodySource for BodyFeed {
    fn poll_chunk(&self, cx: &mut Context<'_>) -> Poll<Option<Result<Vec<u8>, BodyError>>> {
        if let Some(c) = self.chunks.borrow_mut().pop_front() {
            self.held.set(self.held.get() - c.len());
            wake(&self.writer);
            return Poll::Ready(Some(Ok(c)));
        }
        match &*self.end.borrow() {
            Some(Ok(())) => return Poll::Ready(None),
            Some(Err(e)) => return Poll::Ready(Some(Err(e.clone()))),
            None => {}
        }
        *self.reader.borrow_mut() = Some(cx.waker().clone());
        Poll::Pending
    }
}

/// The route's `max` when the route of `method path` streams its
/// request bodies.
#[inline(never)]
pub(crate) fn stream_body_max(
    core: &super::per_core::Core,
    method: &str,
    path: &str,
) -> Option<u64> {
    let live = core.live.borrow();
    if !live.streams_bodies {
        return None;
    }
    match live.router.find(method, path) {
        super::router::Match::Found { route, .. } => live.router.routes[route].stream_body,
        _ => None,
    }
}

/// The error of a body larger than the route's `max`.
pub(crate) fn too_large(max: u64) -> BodyError {
    BodyError {
        message: format!("the request body is larger than this route's max ({max} bytes)"),
        code: BODY_TOO_LARGE,
    }
}

/// The error of a body the client stopped sending.
pub(crate) fn cut(why: &str) -> BodyError {
    BodyError {
        message: why.into(),
        code: super::request_api::BAD_REQUEST_BODY,
    }
}

/// Undoes a body's framing as its bytes arrive.
pub(crate) struct Decoder {
    framing: Framing,
    /// Bytes left: of the body (`Length`), or of the current chunk.
    left: u64,
    /// Chunked: where in a chunk the next bytes are.
    at: ChunkAt,
    /// Bytes of body so far, and the most allowed.
    seen: u64,
    max: u64,
}

#[derive(Clone, Copy, PartialEq)]
enum ChunkAt {
    SizeLine,
    Data,
    /// The CRLF after a chunk's data.
    DataEnd,
}

/// What the decoder made of the buffer.
#[derive(Debug, PartialEq)]
pub(crate) enum Decoded {
    /// Body bytes, taken from the buffer.
    Bytes(Vec<u8>),
    /// The body ended (what follows in the buffer is the next request).
    End,
    /// More bytes are needed.
    More,
    TooLarge,
    Invalid,
}

impl Decoder {
    pub(crate) fn new(framing: Framing, max: u64) -> Decoder {
        Decoder {
            framing,
            left: match framing {
                Framing::Length(n) => n,
                Framing::Chunked => 0,
            },
            at: ChunkAt::SizeLine,
            seen: 0,
            max,
        }
    }

    /// Takes what it can from the front of `buf`.
    pub(crate) fn decode(&mut self, buf: &mut Vec<u8>, trailers_max: usize) -> Decoded {
        match self.framing {
            Framing::Length(_) => {
                if self.left == 0 {
                    return Decoded::End;
                }
                self.take(buf)
            }
            Framing::Chunked => loop {
                match self.at {
                    ChunkAt::Data => return self.take(buf),
                    ChunkAt::DataEnd => {
                        if buf.len() < 2 {
                            return Decoded::More;
                        }
                        if &buf[..2] != b"\r\n" {
                            return Decoded::Invalid;
                        }
                        buf.drain(..2);
                        self.at = ChunkAt::SizeLine;
                    }
                    ChunkAt::SizeLine => {
                        let eol = match http::chunk_line(buf, 0, CHUNK_LINE_MAX) {
                            Ok(Some(eol)) => eol,
                            Ok(None) => return Decoded::More,
                            Err(()) => return Decoded::Invalid,
                        };
                        let Some(size) = http::chunk_size(&buf[..eol]) else {
                            return Decoded::Invalid;
                        };
                        if size == 0 {
                            // The last chunk and its trailers.
                            return match http::next_chunk(buf, 0, 0, trailers_max) {
                                http::Chunk::End(used) => {
                                    buf.drain(..used);
                                    Decoded::End
                                }
                                http::Chunk::Partial => Decoded::More,
                                _ => Decoded::Invalid,
                            };
                        }
                        buf.drain(..eol + 2);
                        self.left = size as u64;
                        self.at = ChunkAt::Data;
                    }
                }
            },
        }
    }

    /// Body bytes from the front of `buf`: at most what is left of the
    /// body (or chunk) and `PIECE`.
    fn take(&mut self, buf: &mut Vec<u8>) -> Decoded {
        let n = (buf.len() as u64).min(self.left).min(PIECE as u64) as usize;
        if n == 0 {
            return Decoded::More;
        }
        if self.seen + n as u64 > self.max {
            return Decoded::TooLarge;
        }
        self.seen += n as u64;
        self.left -= n as u64;
        if self.left == 0 && self.framing == Framing::Chunked {
            self.at = ChunkAt::DataEnd;
        }
        Decoded::Bytes(buf.drain(..n).collect())
    }
}

/// Reads the body from `wire` into `feed` (after what `buf` already
/// holds), as the script takes it, until it ends; `true` when it was
/// read whole (`buf` then holds what followed it). Each read waits at
/// most `timeout`.
pub(crate) async fn pump(
    wire: &mut Wire,
    buf: &mut Vec<u8>,
    mut decoder: Decoder,
    feed: &BodyFeed,
    timeout: Duration,
    trailers_max: usize,
    max: u64,
) -> bool {
    let mut chunk = vec![0; PIECE];
    loop {
        match decoder.decode(buf, trailers_max) {
            Decoded::Bytes(b) => {
                feed.give(b).await;
                continue;
            }
            Decoded::End => {
                feed.finish(Ok(()));
                return true;
            }
            Decoded::TooLarge => {
                feed.finish(Err(too_large(max)));
                return false;
            }
            Decoded::Invalid => {
                feed.finish(Err(cut("the request body's chunked framing is malformed")));
                return false;
            }
            Decoded::More => {}
        }
        let read = monoio::time::timeout(timeout, wire.read_some(std::mem::take(&mut chunk))).await;
        let why = match read {
            Ok((Ok(n), back)) if n > 0 => {
                buf.extend_from_slice(&back[..n]);
                chunk = back;
                continue;
            }
            Ok(_) => "the client closed the connection before the end of the request body",
            Err(_) => "the request body timed out: the client sent nothing for body_timeout_ms",
        };
        feed.finish(Err(cut(why)));
        return false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(framing: Framing, max: u64, input: &[u8]) -> (Vec<u8>, Decoded, Vec<u8>) {
        let mut d = Decoder::new(framing, max);
        let mut buf = Vec::new();
        let mut body = Vec::new();
        // One byte at a time: every state is met at a buffer's end.
        for (i, &b) in input.iter().enumerate() {
            buf.push(b);
            loop {
                match d.decode(&mut buf, 1024) {
                    Decoded::Bytes(x) => body.extend(x),
                    Decoded::More => break,
                    end => {
                        // What follows the body stays for the next request.
                        buf.extend_from_slice(&input[i + 1..]);
                        return (body, end, buf);
                    }
                }
            }
        }
        (body, Decoded::More, buf)
    }

    #[test]
    fn decodes_lengths_and_chunks_as_they_arrive() {
        let (body, end, rest) = all(Framing::Length(5), 100, b"hello GET");
        assert_eq!(
            (body.as_slice(), end, rest.as_slice()),
            (&b"hello"[..], Decoded::End, &b" GET"[..])
        );
        let raw = b"3\r\nabc\r\n2;ext=1\r\nde\r\n0\r\nx-t: 1\r\n\r\nNEXT";
        let (body, end, rest) = all(Framing::Chunked, 100, raw);
        assert_eq!(
            (body.as_slice(), end, rest.as_slice()),
            (&b"abcde"[..], Decoded::End, &b"NEXT"[..])
        );
    }

    #[test]
    fn decodes_as_the_whole_message_parser_does_however_the_bytes_come() {
        let bodies: [&[u8]; 4] = [
            b"5\r\nhello\r\n0\r\n\r\n",
            b"1;a=b\r\nx\r\nA \r\n0123456789\r\n0\r\nx-t: 1\r\ny: 2\r\n\r\n",
            b"0\r\n\r\n",
            b"3\r\nabc\r\n3\r\ndef\r\n0;end\r\n\r\n",
        ];
        for body in bodies {
            let mut raw =
                b"POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
            let head = raw.len();
            raw.extend_from_slice(body);
            let mut slots = http::header_slots();
            let http::Parsed::Complete(req, _) = http::parse(&raw, &mut slots, &Default::default())
            else {
                panic!("{body:?} parses whole")
            };
            // Every way of cutting it in two reads.
            for cut in 0..=body.len() {
                let mut d = Decoder::new(Framing::Chunked, u64::MAX);
                let mut buf = Vec::new();
                let mut got = Vec::new();
                let mut ended = false;
                for part in [&raw[head..head + cut], &raw[head + cut..]] {
                    buf.extend_from_slice(part);
                    loop {
                        match d.decode(&mut buf, 1024) {
                            Decoded::Bytes(b) => got.extend(b),
                            Decoded::End => {
                                ended = true;
                                break;
                            }
                            Decoded::More => break,
                            other => panic!("{body:?} cut at {cut}: {other:?}"),
                        }
                    }
                }
                assert!(ended && buf.is_empty(), "{body:?} cut at {cut}");
                assert_eq!(got, req.body.to_vec(), "{body:?} cut at {cut}");
            }
        }
    }

    #[test]
    fn refuses_what_is_too_large_or_malformed() {
        assert_eq!(
            all(Framing::Length(10), 4, b"0123456789").1,
            Decoded::TooLarge
        );
        assert_eq!(
            all(Framing::Chunked, 4, b"a\r\n0123456789\r\n").1,
            Decoded::TooLarge
        );
        assert_eq!(
            all(Framing::Chunked, 100, b"3\r\nabcXY").1,
            Decoded::Invalid
        );
        assert_eq!(all(Framing::Chunked, 100, b"zz\r\n").1, Decoded::Invalid);
        // A chunk is handed over as its bytes come, never held whole.
        let mut d = Decoder::new(Framing::Chunked, u64::MAX);
        let mut buf = b"fffffff\r\nabc".to_vec();
        assert_eq!(d.decode(&mut buf, 1024), Decoded::Bytes(b"abc".to_vec()));
        assert_eq!(d.decode(&mut buf, 1024), Decoded::More);
    }
}
