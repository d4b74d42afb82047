//! What a connection reads from and writes to. Cleartext HTTP/1.1 uses
//! monoio's TCP stream with owned buffers directly (the path
//! `loadtest/instructions.sh` measures); HTTP/1.1 over TLS runs on `Tls`,
//! a `tokio_rustls` stream over monoio's poll-io TCP stream (HTTP/2 takes
//! such streams as they are).

use monoio::io::{AsyncReadRent, AsyncWriteRentExt};
use std::io;
use std::pin::Pin;
use std::task::Poll;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// A connection's byte stream, with monoio's owned-buffer signatures. An
/// enum rather than a type parameter of `serve_connection`: one instance
/// of the connection loop keeps cleartext's code as it was laid out alone
/// (a second cost 46 instructions a request, `loadtest/instructions.sh`).
pub(crate) enum Wire {
    Tcp(monoio::net::TcpStream),
    Tls(Box<Tls>),
}

impl Wire {
    /// Reads into `buf` (its whole length is room); hands it back.
    #[inline]
    pub(crate) async fn read_some(&mut self, buf: Vec<u8>) -> (io::Result<usize>, Vec<u8>) {
        match self {
            Wire::Tcp(s) => s.read(buf).await,
            Wire::Tls(s) => s.read_some(buf).await,
        }
    }

    /// Writes all of `buf` and flushes; hands it back.
    #[inline]
    pub(crate) async fn write_every(&mut self, buf: Vec<u8>) -> (io::Result<()>, Vec<u8>) {
        match self {
            Wire::Tcp(s) => {
                let (res, buf) = s.write_all(buf).await;
                (res.map(|_| ()), buf)
            }
            Wire::Tls(s) => s.write_every(buf).await,
        }
    }

    /// The next write is the connection's last (TLS sends its
    /// `close_notify` with it, rather than in a write of its own).
    pub(crate) fn closing(&mut self) {
        if let Wire::Tls(s) = self {
            s.closing = true;
        }
    }
}

/// A TLS connection, as a `Wire`: plaintext goes into the rustls session,
/// whose records (and, on the last write, its `close_notify`) leave in
/// one flush.
pub(crate) struct Tls {
    pub(crate) stream:
        tokio_rustls::server::TlsStream<monoio::net::tcp::stream_poll::TcpStreamPoll>,
    pub(crate) closing: bool,
}

impl Tls {
    async fn read_some(&mut self, mut buf: Vec<u8>) -> (io::Result<usize>, Vec<u8>) {
        let res = std::future::poll_fn(|cx| {
            let mut room = ReadBuf::new(&mut buf);
            match Pin::new(&mut self.stream).poll_read(cx, &mut room) {
                Poll::Ready(Ok(())) => Poll::Ready(Ok(room.filled().len())),
                Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
                Poll::Pending => Poll::Pending,
            }
        })
        .await;
        (res, buf)
    }

    async fn write_every(&mut self, buf: Vec<u8>) -> (io::Result<()>, Vec<u8>) {
        use std::io::Write;
        let mut at = 0;
        let mut notified = false;
        let res = std::future::poll_fn(|cx| {
            loop {
                let session = self.stream.get_mut().1;
                if at < buf.len() {
                    match session.writer().write(&buf[at..]) {
                        Ok(n) => at += n,
                        Err(e) => return Poll::Ready(Err(e)),
                    }
                }
                if at == buf.len() && self.closing && !notified {
                    session.send_close_notify();
                    notified = true;
                }
                match Pin::new(&mut self.stream).poll_flush(cx) {
                    Poll::Ready(Ok(())) if at == buf.len() => return Poll::Ready(Ok(())),
                    Poll::Ready(Ok(())) => continue,
                    Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                    Poll::Pending => return Poll::Pending,
                }
            }
        })
        .await;
        (res, buf)
    }
}

/// A stream with bytes already read from it put back in front: a
/// cleartext connection that turned out to speak HTTP/2 (h2c) after its
/// first read.
pub(crate) struct Rewound<S> {
    pub(crate) first: Vec<u8>,
    pub(crate) at: usize,
    pub(crate) rest: S,
}

impl<S: AsyncRead + Unpin> AsyncRead for Rewound<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        out: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if self.at < self.first.len() {
            let n = out.remaining().min(self.first.len() - self.at);
            let at = self.at;
            out.put_slice(&self.first[at..at + n]);
            self.at += n;
            if self.at == self.first.len() {
                self.first = Vec::new();
                self.at = 0;
            }
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut self.rest).poll_read(cx, out)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Rewound<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.rest).poll_write(cx, buf)
    }

    fn poll_flush(
        mut self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.rest).poll_flush(cx)
    }

    fn poll_shutdown(
        mut self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.rest).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.rest).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.rest.is_write_vectored()
    }
}
