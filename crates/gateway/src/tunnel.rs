//! A tunnel: once a proxied upgrade (a WebSocket) is answered `101`, the
//! client's connection and the target's carry each other's bytes as they
//! are, both ways at once, until both sides have closed (a side that ends
//! its half has it passed on), or neither has sent anything for the idle
//! time. The bytes each side sent past the `101` exchange go first. Either
//! side may be TLS: both are readiness streams here (the client's handed
//! over by the listener, which owns it; the target's by its connection).

use super::upstream_conn::Conn;
use std::cell::Cell;
use std::pin::Pin;
use std::rc::Rc;
use std::task::Poll;
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};

/// What a connection becomes after a proxied `101`: what to write to the
/// client first (the `101` and any answers before it), what the client
/// sent past its request, and the target's connection.
pub(crate) struct Start {
    pub(crate) out: Vec<u8>,
    pub(crate) early: Vec<u8>,
    pub(crate) conn: Conn,
}

/// How long a tunnel may carry nothing either way before it is closed.
pub(crate) const IDLE: Duration = Duration::from_secs(300);

/// Joins `client` with the target's connection until the tunnel ends.
pub(crate) async fn run<C: AsyncRead + AsyncWrite + Unpin>(
    client: &mut C,
    start: Start,
    send_timeout: Duration,
) {
    let Start {
        mut out,
        early,
        conn,
    } = start;
    let Some((mut target, pending)) = conn.into_io() else {
        return;
    };
    out.extend_from_slice(&pending);
    let first = async {
        client.write_all(&out).await?;
        client.flush().await?;
        target.write_all(&early).await?;
        target.flush().await
    };
    if !matches!(monoio::time::timeout(send_timeout, first).await, Ok(Ok(()))) {
        return;
    }
    // Both directions in one future; `IDLE` with no bytes read on either
    // side ends it.
    let heard = Rc::new(Cell::new(Instant::now()));
    let mut client = Watched {
        inner: client,
        heard: heard.clone(),
    };
    let mut target = Watched {
        inner: target,
        heard: heard.clone(),
    };
    let mut copy = std::pin::pin!(tokio::io::copy_bidirectional(&mut client, &mut target));
    loop {
        let quiet_until = heard.get() + IDLE;
        monoio::select! {
            _ = &mut copy => return,
            _ = monoio::time::sleep_until(quiet_until.into()) => {
                if heard.get() + IDLE <= Instant::now() {
                    return;
                }
            }
        }
    }
}

/// A stream whose reads note when bytes last came.
struct Watched<S> {
    inner: S,
    heard: Rc<Cell<Instant>>,
}

impl<S: AsyncRead + Unpin> AsyncRead for Watched<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.heard.set(Instant::now());
        }
        polled
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Watched<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(
        mut self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(
        mut self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// A target's connection as a readiness stream.
pub(crate) type TargetIo = Pin<Box<dyn Duplex>>;

/// A stream both read and written.
pub(crate) trait Duplex: AsyncRead + AsyncWrite {}
impl<T: AsyncRead + AsyncWrite> Duplex for T {}
