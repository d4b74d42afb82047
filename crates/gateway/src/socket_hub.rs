//! The WebSockets a core holds open (script endpoints, `websocket.rs`) and
//! the topics they subscribe to. A socket is the core's own: scripts send
//! to it through its id, which its frames are queued under, and only its
//! core writes it. Publishing reaches every core: this core's subscribers
//! directly, each other core's through one channel, whose receiving task
//! delivers there (the cores share the list of channels, nothing else).

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::io::{Read, Write};
use std::rc::Rc;
use std::sync::{Arc, Mutex};
use tungstenite::Message;
use tungstenite::protocol::frame::CloseFrame;
use tungstenite::protocol::{Role, WebSocketConfig, WebSocketContext};

/// A message published on a topic, as another core receives it.
pub(crate) struct Published {
    topic: Arc<str>,
    message: Message,
}

/// Every core's channel for what is published elsewhere (shared by the
/// cores of one server: `CoreConfig::sockets`).
#[derive(Default, Debug)]
pub struct Peers {
    senders: Mutex<Vec<Option<tokio::sync::mpsc::UnboundedSender<Published>>>>,
}

/// One open socket.
pub(crate) struct Socket {
    pub(crate) id: u64,
    /// `ws.id`: the core and the socket's number on it.
    pub(crate) name: String,
    pub(crate) peer: Option<std::net::IpAddr>,
    link: RefCell<Link>,
    /// Woken when frames are queued (or the socket is to close).
    pub(crate) wake: tokio::sync::Notify,
    topics: RefCell<Vec<Arc<str>>>,
    /// `ws.data` between events, as JSON (empty: none).
    pub(crate) data: RefCell<Vec<u8>>,
    /// The most bytes queued unsent; past it the socket closes (a client
    /// that does not read does not grow the core's memory).
    max_buffered: usize,
    /// The queue went past `max_buffered`: nothing more is queued.
    pub(crate) overflowed: Cell<bool>,
    /// The close code and reason, from whichever side closed first.
    pub(crate) closed_with: RefCell<Option<(u16, String)>>,
}

/// The protocol's state and the bytes in and out of it.
pub(crate) struct Link {
    pub(crate) context: WebSocketContext,
    pub(crate) pipe: Pipe,
}

/// What the protocol reads from and writes to: bytes the connection read,
/// and bytes it is to write. Reading past what came is `WouldBlock`.
#[derive(Default)]
pub(crate) struct Pipe {
    pub(crate) inbound: Vec<u8>,
    pub(crate) at: usize,
    pub(crate) outbound: Vec<u8>,
}

impl Read for Pipe {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let left = &self.inbound[self.at..];
        if left.is_empty() {
            self.inbound.clear();
            self.at = 0;
            return Err(std::io::ErrorKind::WouldBlock.into());
        }
        let n = left.len().min(buf.len());
        buf[..n].copy_from_slice(&left[..n]);
        self.at += n;
        Ok(n)
    }
}

impl Write for Pipe {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.outbound.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Socket {
    /// Queues `message`; false when it cannot be (the socket is closing,
    /// or what it has queued unsent is past its budget, which closes it:
    /// one message always fits an empty queue).
    pub(crate) fn send(&self, message: Message) -> bool {
        if self.overflowed.get() {
            return false;
        }
        let mut link = self.link.borrow_mut();
        let Link { context, pipe } = &mut *link;
        if pipe.outbound.len() > self.max_buffered {
            pipe.outbound = Vec::new();
            drop(link);
            self.overflowed.set(true);
            self.record_close(1008, "the client reads too slowly");
            self.wake.notify_one();
            return false;
        }
        let sent = context
            .write(pipe, message)
            .and_then(|_| context.flush(pipe));
        drop(link);
        self.wake.notify_one();
        sent.is_ok()
    }

    /// Starts the closing handshake with `code` and `reason`.
    pub(crate) fn close(&self, code: u16, reason: &str) {
        self.record_close(code, reason);
        let mut link = self.link.borrow_mut();
        let Link { context, pipe } = &mut *link;
        let frame = CloseFrame {
            code: code.into(),
            reason: reason.into(),
        };
        let _ = context.close(pipe, Some(frame));
        drop(link);
        self.wake.notify_one();
    }

    /// Keeps the first close code and reason either side gave.
    pub(crate) fn record_close(&self, code: u16, reason: &str) {
        self.closed_with
            .borrow_mut()
            .get_or_insert_with(|| (code, reason.to_string()));
    }

    /// The protocol state, for the connection (never held across a wait).
    pub(crate) fn link(&self) -> std::cell::RefMut<'_, Link> {
        self.link.borrow_mut()
    }

    pub(crate) fn subscribed(&self, topic: &str) -> bool {
        self.topics.borrow().iter().any(|t| &**t == topic)
    }
}

/// This core's sockets and topics.
#[derive(Default)]
struct Hub {
    core: usize,
    next: u64,
    sockets: HashMap<u64, Rc<Socket>>,
    topics: HashMap<Arc<str>, Vec<u64>>,
    peers: Option<Arc<Peers>>,
}

thread_local! {
    static HUB: RefCell<Hub> = RefCell::default();
}

/// Makes this thread core `index` of the server `peers` belongs to: what
/// the other cores publish arrives here from now on.
pub(crate) fn start_core(index: usize, peers: Arc<Peers>) {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Published>();
    {
        let mut senders = peers.senders.lock().unwrap_or_else(|p| p.into_inner());
        if senders.len() <= index {
            senders.resize(index + 1, None);
        }
        senders[index] = Some(tx);
    }
    HUB.with_borrow_mut(|h| {
        h.core = index;
        h.peers = Some(peers);
    });
    monoio::spawn(async move {
        while let Some(p) = rx.recv().await {
            deliver(&p.topic, &p.message, None);
        }
    });
}

/// A new socket, registered on this core (`max_message`: the largest
/// message it takes; `max_buffered`: its send queue's budget).
pub(crate) fn open(
    peer: Option<std::net::IpAddr>,
    max_message: usize,
    max_buffered: usize,
) -> Rc<Socket> {
    let config = WebSocketConfig::default()
        .read_buffer_size(4096)
        .write_buffer_size(0)
        .max_message_size(Some(max_message))
        .max_frame_size(Some(max_message));
    HUB.with_borrow_mut(|h| {
        h.next += 1;
        let socket = Rc::new(Socket {
            id: h.next,
            name: format!("{}.{}", h.core, h.next),
            peer,
            link: RefCell::new(Link {
                context: WebSocketContext::new(Role::Server, Some(config)),
                pipe: Pipe::default(),
            }),
            wake: tokio::sync::Notify::new(),
            topics: RefCell::default(),
            data: RefCell::default(),
            max_buffered,
            overflowed: Cell::new(false),
            closed_with: RefCell::default(),
        });
        h.sockets.insert(h.next, socket.clone());
        socket
    })
}

/// Forgets a socket that closed (or was never accepted), and its topics.
pub(crate) fn remove(socket: &Socket) {
    HUB.with_borrow_mut(|h| {
        h.sockets.remove(&socket.id);
        for topic in socket.topics.borrow_mut().drain(..) {
            if let Some(ids) = h.topics.get_mut(&topic) {
                ids.retain(|&i| i != socket.id);
                if ids.is_empty() {
                    h.topics.remove(&topic);
                }
            }
        }
    });
}

/// This core's open socket `id`.
pub(crate) fn find(id: u64) -> Option<Rc<Socket>> {
    HUB.with_borrow(|h| h.sockets.get(&id).cloned())
}

/// How many sockets this core holds open.
pub(crate) fn count() -> usize {
    HUB.with_borrow(|h| h.sockets.len())
}

/// `ws.subscribe(topic)`.
pub(crate) fn subscribe(socket: &Socket, topic: &str) {
    if socket.subscribed(topic) {
        return;
    }
    let topic: Arc<str> = Arc::from(topic);
    socket.topics.borrow_mut().push(topic.clone());
    HUB.with_borrow_mut(|h| h.topics.entry(topic).or_default().push(socket.id));
}

/// `ws.unsubscribe(topic)`.
pub(crate) fn unsubscribe(socket: &Socket, topic: &str) {
    socket.topics.borrow_mut().retain(|t| &**t != topic);
    HUB.with_borrow_mut(|h| {
        if let Some(ids) = h.topics.get_mut(topic) {
            ids.retain(|&i| i != socket.id);
            if ids.is_empty() {
                h.topics.remove(topic);
            }
        }
    });
}

/// Sends `message` to every subscriber of `topic` on every core but
/// `except` (the publishing socket, for `ws.publish`); how many sockets
/// on this core it was queued for.
pub(crate) fn publish(topic: &str, message: Message, except: Option<u64>) -> usize {
    let here = deliver(topic, &message, except);
    let (core, peers) = HUB.with_borrow(|h| (h.core, h.peers.clone()));
    if let Some(peers) = peers {
        let senders = peers.senders.lock().unwrap_or_else(|p| p.into_inner());
        let topic: Arc<str> = Arc::from(topic);
        for (i, tx) in senders.iter().enumerate() {
            if let (true, Some(tx)) = (i != core, tx) {
                let _ = tx.send(Published {
                    topic: topic.clone(),
                    message: message.clone(),
                });
            }
        }
    }
    here
}

/// Queues `message` for this core's subscribers of `topic`.
fn deliver(topic: &str, message: &Message, except: Option<u64>) -> usize {
    let targets: Vec<Rc<Socket>> = HUB.with_borrow(|h| match h.topics.get(topic) {
        None => Vec::new(),
        Some(ids) => ids
            .iter()
            .filter(|&&i| Some(i) != except)
            .filter_map(|i| h.sockets.get(i).cloned())
            .collect(),
    });
    targets.iter().filter(|s| s.send(message.clone())).count()
}
