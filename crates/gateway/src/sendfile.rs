//! A static file's bytes sent to a cleartext TCP connection with
//! `sendfile(2)`: the kernel copies them from the page cache to the
//! socket, with no read into a buffer of ours and no write from it (a
//! file streamed in 64 KiB pieces otherwise costs a `read` and a `send`
//! of each, `streamed.rs`). TLS and HTTP/2 frame what they send, so they
//! keep the pieces.

use std::io;
use std::os::fd::AsRawFd;
use std::time::Duration;

/// The most one call moves: the socket takes less, and says so.
const CALL_MAX: usize = 1 << 20;

/// How sending a file ended, when it did not.
pub(crate) enum Stopped {
    /// The file came to an end before `left` bytes were sent: it shrank.
    Cut,
    /// The client went away, or took nothing for `timeout`.
    Gone,
}

/// Sends `*left` bytes of `file`, from where it stands, to `stream`,
/// waiting for room at most `timeout` at a time; `*left` is what was not
/// sent.
pub(crate) async fn send_file(
    stream: &monoio::net::TcpStream,
    file: &std::fs::File,
    left: &mut u64,
    timeout: Duration,
) -> Result<(), Stopped> {
    while *left > 0 {
        let want = (*left).min(CALL_MAX as u64) as usize;
        // SAFETY: both descriptors are open for the call (borrowed); a
        // null offset sends from the file's position and moves it.
        let n = unsafe {
            libc::sendfile(
                stream.as_raw_fd(),
                file.as_raw_fd(),
                std::ptr::null_mut(),
                want,
            )
        };
        match n {
            0 => return Err(Stopped::Cut),
            n if n > 0 => *left -= n as u64,
            _ => match io::Error::last_os_error().kind() {
                io::ErrorKind::WouldBlock => {
                    // Room comes with the client's reading; `false`: ask
                    // the socket, not what the driver last heard.
                    match monoio::time::timeout(timeout, stream.writable(false)).await {
                        Ok(Ok(())) => {}
                        _ => return Err(Stopped::Gone),
                    }
                }
                io::ErrorKind::Interrupted => {}
                _ => return Err(Stopped::Gone),
            },
        }
    }
    Ok(())
}
