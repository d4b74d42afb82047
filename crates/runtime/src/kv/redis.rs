//! `kv()` on Redis: one connection per core, shared by the core's fibers
//! and pipelined — each command is encoded into the connection's outgoing
//! buffer and waits in line for its reply, and a writer task sends
//! whatever has gathered in one write, so commands from `parallel()`
//! branches (or many requests) share system calls and round trips.
//! RESP is encoded and decoded by `redis-protocol`; the reader decodes
//! replies as ranges of its buffer and copies out only the values.
//!
//! A connection that fails, closes or leaves a command unanswered past
//! `kv.timeout_ms` is shut down and fails every command waiting on it
//! (`KV_UNAVAILABLE`); the next command connects again. After a failed
//! connect, commands fail at once for `RETRY` rather than each waiting.

use monoio::io::{AsyncReadRent, AsyncWriteRentExt, Splitable};
use monoio::net::TcpStream;
use redis_protocol::resp2::decode::decode_range;
use redis_protocol::resp2::encode::encode_borrowed;
use redis_protocol::resp2::types::{BorrowedFrame, RangeFrame};
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::os::fd::AsRawFd;
use std::rc::Rc;
use std::task::{Poll, Waker};
use std::time::{Duration, Instant};
use vm::io::kv::{Command, KvError, Reply};

/// How long commands fail at once after a connect failed.
const RETRY: Duration = Duration::from_millis(250);
/// How much the reader asks for at a time.
const READ: usize = 16 * 1024;
/// Commands of up to this many words are encoded without allocating.
const WORDS: usize = 8;

/// Where Redis is, from `redis://[[user]:password@]host[:port][/db]`.
#[derive(Clone, PartialEq, Eq)]
pub struct Address {
    pub host: String,
    pub port: u16,
    /// `rediss://`: TLS, verified against the public roots and
    /// `client.ca_file`.
    pub tls: bool,
    pub user: Option<String>,
    pub password: Option<String>,
    pub db: u32,
}

impl std::fmt::Debug for Address {
    // The password stays out of logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let scheme = if self.tls { "rediss" } else { "redis" };
        write!(f, "{scheme}://{}:{}/{}", self.host, self.port, self.db)
    }
}

impl Address {
    pub fn parse(text: &str) -> Result<Address, String> {
        let url = url::Url::parse(text).map_err(|e| format!("{text:?} is not a URL: {e}"))?;
        let tls = match url.scheme() {
            "redis" => false,
            "rediss" => true,
            other => {
                return Err(format!(
                    "expected local, redis:// or rediss://, not a {other}:// URL"
                ));
            }
        };
        let host = url
            .host_str()
            .filter(|h| !h.is_empty())
            .ok_or("the Redis URL names no host")?
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string();
        let decode = |s: &str| {
            url::form_urlencoded::parse(format!("x={s}").as_bytes())
                .next()
                .map(|(_, v)| v.into_owned())
                .unwrap_or_default()
        };
        let db = match url.path().trim_start_matches('/') {
            "" => 0,
            n => n
                .parse()
                .map_err(|_| format!("the database in a Redis URL is a number (got {n:?})"))?,
        };
        Ok(Address {
            host,
            port: url.port().unwrap_or(6379),
            tls,
            user: Some(url.username()).filter(|u| !u.is_empty()).map(decode),
            password: url.password().map(decode),
            db,
        })
    }
}

/// Where a sent command stands.
enum Slot {
    /// No reply yet; the waker of the fiber waiting for it.
    Waiting(Option<Waker>),
    Answered(Result<Reply, KvError>),
    /// Its fiber took the reply, or gave up waiting (its reply, when it
    /// comes, is dropped).
    Gone,
}

/// The commands sent on a connection, in order: `slots[0]` is number
/// `first`, and replies have come for the numbers below `answered`. Kept
/// in place (no allocation per command): a slot is freed from the front
/// once it is `Gone`.
#[derive(Default)]
struct Line {
    slots: VecDeque<Slot>,
    first: u64,
    answered: u64,
}

impl Line {
    fn slot(&mut self, n: u64) -> Option<&mut Slot> {
        let i = n.checked_sub(self.first)?;
        self.slots.get_mut(i as usize)
    }

    fn trim(&mut self) {
        while matches!(self.slots.front(), Some(Slot::Gone)) {
            self.slots.pop_front();
            self.first += 1;
        }
    }

    /// The next reply: to the oldest command without one. `false` when
    /// none is waiting for it.
    fn answer(&mut self, a: Result<Reply, KvError>) -> bool {
        let n = self.answered;
        if self.slot(n).is_none() {
            return false;
        }
        self.answered += 1;
        let slot = self.slot(n).expect("checked above");
        match std::mem::replace(slot, Slot::Gone) {
            Slot::Waiting(w) => {
                *slot = Slot::Answered(a);
                if let Some(w) = w {
                    w.wake();
                }
            }
            // Its fiber gave up: the reply is dropped.
            _ => self.trim(),
        }
        true
    }
}

/// One connection: what is to be written, and the commands waiting for
/// replies in the order they were sent.
struct Conn {
    out: RefCell<Vec<u8>>,
    line: RefCell<Line>,
    wake_writer: tokio::sync::Notify,
    broken: Cell<bool>,
    fd: std::os::fd::RawFd,
}

/// A sent command's place in line; dropped before its reply came (a
/// timeout, a request given up), it leaves the reply to be dropped.
struct Ticket<'a> {
    conn: &'a Conn,
    n: u64,
}

impl Drop for Ticket<'_> {
    fn drop(&mut self) {
        let mut line = self.conn.line.borrow_mut();
        if let Some(slot) = line.slot(self.n) {
            *slot = Slot::Gone;
            line.trim();
        }
    }
}

impl Ticket<'_> {
    fn poll(&self, cx: &mut std::task::Context<'_>) -> Poll<Result<Reply, KvError>> {
        let mut line = self.conn.line.borrow_mut();
        let Some(slot) = line.slot(self.n) else {
            return Poll::Ready(Err(KvError::Unavailable("the reply was lost".into())));
        };
        match std::mem::replace(slot, Slot::Gone) {
            Slot::Answered(a) => {
                line.trim();
                Poll::Ready(a)
            }
            Slot::Waiting(_) => {
                *slot = Slot::Waiting(Some(cx.waker().clone()));
                Poll::Pending
            }
            Slot::Gone => Poll::Ready(Err(KvError::Unavailable("the reply was lost".into()))),
        }
    }
}

impl Conn {
    /// Queues `c`; its reply comes to the ticket returned.
    fn send(&self, c: &Command) -> Ticket<'_> {
        let words: [BorrowedFrame; WORDS] = std::array::from_fn(|i| {
            c.get(i)
                .map_or(BorrowedFrame::Null, BorrowedFrame::BulkString)
        });
        let many: Vec<BorrowedFrame>;
        let frames = match c.len() <= WORDS {
            true => &words[..c.len()],
            false => {
                many = c.words().map(BorrowedFrame::BulkString).collect();
                &many[..]
            }
        };
        let frame = BorrowedFrame::Array(frames);
        let mut out = self.out.borrow_mut();
        let at = out.len();
        out.resize(at + frame.encode_len(false), 0);
        encode_borrowed(&mut out[at..], &frame, false).expect("the buffer was sized for the frame");
        let mut line = self.line.borrow_mut();
        let n = line.first + line.slots.len() as u64;
        line.slots.push_back(Slot::Waiting(None));
        self.wake_writer.notify_one();
        Ticket { conn: self, n }
    }

    /// Ends the connection: every waiting command fails with `why`.
    fn fail(&self, why: &str) {
        if !self.broken.replace(true) {
            // Wakes the reader (end of file) and the writer's next write.
            unsafe { libc::shutdown(self.fd, libc::SHUT_RDWR) };
            self.wake_writer.notify_one();
        }
        let mut line = self.line.borrow_mut();
        while line.answer(Err(KvError::Unavailable(why.to_string()))) {}
    }
}

/// A reply decoded as ranges of `buf`, made whole.
fn reply(buf: &[u8], frame: &RangeFrame) -> Result<Reply, KvError> {
    let text = |(start, end): (usize, usize)| buf[start..end].to_vec();
    Ok(match frame {
        RangeFrame::Null => Reply::Nil,
        RangeFrame::Integer(n) => Reply::Int(*n),
        RangeFrame::BulkString(r) | RangeFrame::SimpleString(r) => Reply::Text(text(*r)),
        RangeFrame::Error(r) => {
            return Err(KvError::Refused(
                String::from_utf8_lossy(&text(*r)).into_owned(),
            ));
        }
        RangeFrame::Array(items) => Reply::Array(
            items
                .iter()
                .map(|f| reply(buf, f))
                .collect::<Result<_, _>>()?,
        ),
    })
}

/// Where replies are read from: a TCP connection's read half, or a TLS
/// stream's.
trait Source {
    /// Reads into `room` (from its start); what was read, and the room back.
    async fn read_some(&mut self, room: Vec<u8>) -> (std::io::Result<usize>, Vec<u8>);
}

/// Where commands are written.
trait Sink {
    async fn write_everything(&mut self, buf: Vec<u8>) -> (std::io::Result<()>, Vec<u8>);
}

impl Source for monoio::net::tcp::TcpOwnedReadHalf {
    async fn read_some(&mut self, room: Vec<u8>) -> (std::io::Result<usize>, Vec<u8>) {
        self.read(room).await
    }
}

impl Sink for monoio::net::tcp::TcpOwnedWriteHalf {
    async fn write_everything(&mut self, buf: Vec<u8>) -> (std::io::Result<()>, Vec<u8>) {
        let (r, buf) = self.write_all(buf).await;
        (r.map(|_| ()), buf)
    }
}

/// A TLS connection (tokio-rustls over monoio's poll-io stream), split.
type TlsStream = tokio_rustls::client::TlsStream<monoio::net::tcp::stream_poll::TcpStreamPoll>;

impl Source for tokio::io::ReadHalf<TlsStream> {
    async fn read_some(&mut self, mut room: Vec<u8>) -> (std::io::Result<usize>, Vec<u8>) {
        use tokio::io::AsyncReadExt;
        room.clear();
        let r = self.read_buf(&mut room).await;
        (r, room)
    }
}

impl Sink for tokio::io::WriteHalf<TlsStream> {
    async fn write_everything(&mut self, buf: Vec<u8>) -> (std::io::Result<()>, Vec<u8>) {
        use tokio::io::AsyncWriteExt;
        let r = match self.write_all(&buf).await {
            Ok(()) => self.flush().await,
            Err(e) => Err(e),
        };
        (r, buf)
    }
}

/// Reads replies and hands each to the command first in line.
async fn read_replies(conn: Rc<Conn>, mut rd: impl Source) {
    let mut buf: Vec<u8> = Vec::with_capacity(READ);
    let mut room: Vec<u8> = Vec::with_capacity(READ);
    loop {
        let (r, back) = rd.read_some(room).await;
        room = back;
        match r {
            Ok(0) => return conn.fail("Redis closed the connection"),
            Ok(n) => buf.extend_from_slice(&room[..n]),
            Err(e) => return conn.fail(&format!("reading from Redis failed: {e}")),
        }
        let mut at = 0;
        loop {
            match decode_range(&buf[at..]) {
                Ok(Some((frame, len))) => {
                    let answer = reply(&buf[at..], &frame);
                    at += len;
                    if !conn.line.borrow_mut().answer(answer) {
                        return conn.fail("Redis sent a reply nothing asked for");
                    }
                }
                Ok(None) => break,
                Err(e) => return conn.fail(&format!("Redis sent something that is not RESP: {e}")),
            }
        }
        buf.drain(..at);
        if buf.capacity() > 4 * READ && buf.len() < READ {
            buf.shrink_to(READ);
        }
    }
}

/// Writes whatever commands have gathered, in one write each time.
async fn write_commands(conn: Rc<Conn>, mut wr: impl Sink) {
    let mut spare: Vec<u8> = Vec::new();
    loop {
        if conn.broken.get() {
            return;
        }
        if conn.out.borrow().is_empty() {
            conn.wake_writer.notified().await;
            continue;
        }
        std::mem::swap(&mut *conn.out.borrow_mut(), &mut spare);
        let (r, back) = wr.write_everything(spare).await;
        spare = back;
        spare.clear();
        if let Err(e) = r {
            return conn.fail(&format!("writing to Redis failed: {e}"));
        }
    }
}

/// A connection being opened: dropped before it is finished, it fails.
struct Unfinished(Option<Rc<Conn>>);

impl Drop for Unfinished {
    fn drop(&mut self) {
        if let Some(c) = self.0.take() {
            c.fail("the connection was not finished");
        }
    }
}

/// One core's connection to Redis, made when first needed.
pub struct Client {
    address: Address,
    timeout: Duration,
    /// What a `rediss://` connection trusts.
    tls: std::sync::Arc<rustls::ClientConfig>,
    conn: RefCell<Option<Rc<Conn>>>,
    connecting: Cell<bool>,
    connected: Rc<tokio::sync::Notify>,
    /// When the last connect failed, and why.
    failed: RefCell<Option<(Instant, String)>>,
}

/// Clears `connecting` however the connect ends (a request given up drops
/// it midway).
struct Connecting<'a>(&'a Client);

impl Drop for Connecting<'_> {
    fn drop(&mut self) {
        self.0.connecting.set(false);
        self.0.connected.notify_waiters();
    }
}

impl Client {
    pub fn new(
        address: Address,
        timeout: Duration,
        tls: std::sync::Arc<rustls::ClientConfig>,
    ) -> Client {
        Client {
            address,
            timeout,
            tls,
            conn: RefCell::new(None),
            connecting: Cell::new(false),
            connected: Rc::new(tokio::sync::Notify::new()),
            failed: RefCell::new(None),
        }
    }

    pub async fn run(&self, c: &Command) -> Result<Reply, KvError> {
        let conn = self.conn().await?;
        self.exchange(&conn, c).await
    }

    /// `ASKING`, then `c` right behind it on the connection (no other
    /// fiber's command between): the answer to Redis Cluster's `ASK`.
    pub async fn run_asking(&self, c: &Command) -> Result<Reply, KvError> {
        let conn = self.conn().await?;
        let mut asking = Command::default();
        asking.word(b"ASKING");
        // Its `OK` is not waited for: dropped, the ticket drops the reply.
        drop(conn.send(&asking));
        self.exchange(&conn, c).await
    }

    /// Sends `c` on `conn` and waits for its reply, at most `timeout`.
    async fn exchange(&self, conn: &Rc<Conn>, c: &Command) -> Result<Reply, KvError> {
        let ticket = conn.send(c);
        let answer = std::future::poll_fn(|cx| ticket.poll(cx));
        match monoio::time::timeout(self.timeout, answer).await {
            Ok(a) => a,
            Err(_) => {
                let why = format!(
                    "Redis at {}:{} did not answer within {} ms (kv.timeout_ms)",
                    self.address.host,
                    self.address.port,
                    self.timeout.as_millis()
                );
                conn.fail(&why);
                Err(KvError::Unavailable(why))
            }
        }
    }

    /// The live connection, made now if there is none.
    async fn conn(&self) -> Result<Rc<Conn>, KvError> {
        loop {
            if let Some(c) = self.conn.borrow().as_ref().filter(|c| !c.broken.get()) {
                return Ok(c.clone());
            }
            if let Some((at, why)) = &*self.failed.borrow()
                && at.elapsed() < RETRY
            {
                return Err(KvError::Unavailable(why.clone()));
            }
            if self.connecting.get() {
                self.connected.clone().notified().await;
                continue;
            }
            self.connecting.set(true);
            let _guard = Connecting(self);
            let made = match monoio::time::timeout(self.timeout, self.open()).await {
                Ok(made) => made,
                Err(_) => Err(format!(
                    "no connection within {} ms",
                    self.timeout.as_millis()
                )),
            };
            return match made {
                Ok(c) => {
                    *self.failed.borrow_mut() = None;
                    *self.conn.borrow_mut() = Some(c.clone());
                    Ok(c)
                }
                Err(e) => {
                    let why = format!(
                        "cannot reach Redis at {}:{}: {e}",
                        self.address.host, self.address.port
                    );
                    *self.failed.borrow_mut() = Some((Instant::now(), why.clone()));
                    Err(KvError::Unavailable(why))
                }
            };
        }
    }

    /// Connects, starts the reader and the writer, and logs in
    /// (`AUTH`, `SELECT`) when the URL says to.
    async fn open(&self) -> Result<Rc<Conn>, String> {
        let a = &self.address;
        let stream = TcpStream::connect((a.host.as_str(), a.port))
            .await
            .map_err(|e| e.to_string())?;
        let _ = stream.set_nodelay(true);
        let conn = Rc::new(Conn {
            out: RefCell::new(Vec::new()),
            line: RefCell::default(),
            wake_writer: tokio::sync::Notify::new(),
            broken: Cell::new(false),
            fd: stream.as_raw_fd(),
        });
        match a.tls {
            false => {
                let (rd, wr) = stream.into_split();
                monoio::spawn(read_replies(conn.clone(), rd));
                monoio::spawn(write_commands(conn.clone(), wr));
            }
            true => {
                let poll = stream.try_into_poll_io().map_err(|(e, _)| e.to_string())?;
                let name = rustls::pki_types::ServerName::try_from(a.host.clone())
                    .map_err(|_| format!("{:?} is not a TLS server name", a.host))?;
                let secure = tokio_rustls::TlsConnector::from(self.tls.clone())
                    .connect(name, poll)
                    .await
                    .map_err(|e| format!("TLS failed: {e}"))?;
                let (rd, wr) = tokio::io::split(secure);
                monoio::spawn(read_replies(conn.clone(), rd));
                monoio::spawn(write_commands(conn.clone(), wr));
            }
        }
        // A login that fails or is given up (the connect's timeout) ends
        // the connection, and its reader and writer with it.
        let mut unfinished = Unfinished(Some(conn.clone()));
        let mut hello = Command::default();
        if let Some(p) = &a.password {
            hello.word(b"AUTH");
            if let Some(u) = &a.user {
                hello.word(u.as_bytes());
            }
            hello.word(p.as_bytes());
            self.exchange(&conn, &hello)
                .await
                .map_err(|e| e.message().to_string())?;
        }
        if a.db != 0 {
            hello.clear();
            hello.word(b"SELECT");
            hello.int(a.db as i64);
            self.exchange(&conn, &hello)
                .await
                .map_err(|e| e.message().to_string())?;
        }
        unfinished.0 = None;
        Ok(conn)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_name_the_server_the_login_and_the_database() {
        let a = Address::parse("redis://:p%40ss@127.0.0.1:6380/2").unwrap();
        assert_eq!(
            (a.host.as_str(), a.port, a.user, a.password.as_deref(), a.db),
            ("127.0.0.1", 6380, None, Some("p@ss"), 2)
        );
        let a = Address::parse("redis://app:secret@cache").unwrap();
        assert_eq!((a.port, a.user.as_deref(), a.db), (6379, Some("app"), 0));
        assert!(
            format!("{a:?}").find("secret").is_none(),
            "the password is not printed"
        );
        assert!(Address::parse("rediss://cache").unwrap().tls);
        assert!(Address::parse("redis://cache/x").is_err());
        assert!(Address::parse("http://cache").is_err());
    }

    #[test]
    fn replies_are_decoded_from_ranges() {
        let buf = b"*3\r\n$3\r\nabc\r\n:-4\r\n$-1\r\n";
        let (frame, len) = decode_range(buf).unwrap().unwrap();
        assert_eq!(len, buf.len());
        assert_eq!(
            reply(buf, &frame),
            Ok(Reply::Array(vec![
                Reply::Text(b"abc".to_vec()),
                Reply::Int(-4),
                Reply::Nil
            ]))
        );
        let buf = b"-WRONGTYPE no\r\n";
        let (frame, _) = decode_range(buf).unwrap().unwrap();
        assert_eq!(
            reply(buf, &frame),
            Err(KvError::Refused("WRONGTYPE no".into()))
        );
        assert_eq!(
            decode_range(b"$5\r\nab").unwrap(),
            None,
            "a partial reply waits for more"
        );
    }
}
