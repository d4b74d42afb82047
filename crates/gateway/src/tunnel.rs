//! A tunnel: once a proxied upgrade (a WebSocket) is answered `101`, the
//! client's connection and the target's carry each other's bytes as they
//! are, both ways at once, until either side closes; then both close. The
//! bytes each side sent past the `101` exchange go first. Cleartext on both
//! sides (proxy.rs refuses the others).

use super::upstream_conn::Conn;
use super::wire::Wire;
use monoio::io::{AsyncReadRent, AsyncWriteRent, AsyncWriteRentExt, Splitable};
use monoio::net::TcpStream;
use std::os::fd::{AsRawFd, FromRawFd};

/// How much one read carries.
const PIECE: usize = 16 * 1024;

/// Joins the client's connection (`stream`, after `out`, which holds the
/// `101`, is written; `early`: what the client sent past its request) with
/// the target's.
pub(crate) async fn run(
    stream: &mut Wire,
    mut out: Vec<u8>,
    early: Vec<u8>,
    conn: Conn,
    send_timeout: std::time::Duration,
) {
    let Wire::Tcp(client) = stream else { return };
    let (Some(target), pending) = conn.into_tcp() else {
        return;
    };
    out.extend_from_slice(&pending);
    let written = monoio::time::timeout(send_timeout, client.write_all(out)).await;
    if !matches!(written, Ok((Ok(_), _))) {
        return;
    }
    // The client's side is written through a second descriptor of its
    // socket, so that reading it (through the connection's own stream,
    // which stays the connection's) and writing it go on together.
    let Some(mut client_writer) = duplicate(client) else {
        return;
    };
    let (mut target_reader, mut target_writer) = target.into_split();
    if !early.is_empty() && target_writer.write_all(early).await.0.is_err() {
        return;
    }
    let up = copy(client, &mut target_writer);
    let down = copy(&mut target_reader, &mut client_writer);
    // Whichever side ends first ends the tunnel.
    monoio::select! {
        _ = up => {}
        _ = down => {}
    }
    let _ = client_writer.shutdown().await;
    let _ = target_writer.shutdown().await;
}

/// Carries `from`'s bytes to `to` until `from` ends or either fails.
async fn copy(from: &mut impl AsyncReadRent, to: &mut impl AsyncWriteRent) {
    let mut buf = vec![0u8; PIECE];
    loop {
        let (read, back) = from.read(buf).await;
        buf = back;
        match read {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.truncate(n),
        }
        let (written, back) = to.write_all(buf).await;
        buf = back;
        buf.resize(PIECE, 0);
        if written.is_err() {
            return;
        }
    }
}

/// A second stream on `stream`'s socket (`dup`), for writing while the
/// first reads.
fn duplicate(stream: &TcpStream) -> Option<TcpStream> {
    // SAFETY: `dup` of a descriptor this connection owns; the new one is
    // owned by the `std` stream made from it, and closed with it.
    let fd = unsafe { libc::dup(stream.as_raw_fd()) };
    if fd < 0 {
        return None;
    }
    let std = unsafe { std::net::TcpStream::from_raw_fd(fd) };
    std.set_nonblocking(true).ok()?;
    TcpStream::from_std(std).ok()
}
