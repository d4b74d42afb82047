//! Parked connections: idle cleartext keep-alive connections put aside
//! (connection.rs decides when) so that they cost a few dozen bytes each
//! rather than a task and buffers. A core keeps them in a slab, their
//! descriptors taken from the runtime and watched by an epoll instance of
//! the core's own, which one task awaits (registered with the runtime as
//! if it were a stream: only its readiness is ever asked for). A parked
//! connection that becomes readable (a request, or the client closing) is
//! given back to the runtime and served by a new task; one past its idle
//! deadline is closed by the sweep once a second; the drain closes them
//! all.

use super::connection::Served;
use super::per_core::Core;
use std::cell::RefCell;
use std::os::fd::{AsRawFd, FromRawFd, IntoRawFd, OwnedFd, RawFd};
use std::rc::Rc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

/// One parked connection.
struct Slot {
    fd: OwnedFd,
    served: Served,
    until: Instant,
}

/// A core's parked connections.
pub(crate) struct Lot {
    /// The epoll instance watching the parked descriptors.
    epoll: OwnedFd,
    slots: RefCell<Vec<Option<Slot>>>,
    free: RefCell<Vec<usize>>,
}

/// How often parked connections past their idle deadline are closed.
const SWEEP_EVERY: Duration = Duration::from_secs(1);

/// Most readiness events taken per wake.
const EVENTS: usize = 256;

/// Parks `stream` (served as `served`) until `until` on `core`; false
/// (the stream is closed) when it cannot be.
pub(crate) fn park(
    core: &Rc<Core>,
    stream: monoio::net::TcpStream,
    served: Served,
    until: Instant,
) -> bool {
    let Some(lot) = lot_of(core) else {
        return false;
    };
    // SAFETY: `into_raw_fd` hands over the descriptor, now this slot's.
    let fd = unsafe { OwnedFd::from_raw_fd(stream.into_raw_fd()) };
    let index = match lot.free.borrow_mut().pop() {
        Some(i) => i,
        None => {
            let mut slots = lot.slots.borrow_mut();
            slots.push(None);
            slots.len() - 1
        }
    };
    let mut event = libc::epoll_event {
        events: (libc::EPOLLIN | libc::EPOLLRDHUP) as u32,
        u64: index as u64,
    };
    // SAFETY: both descriptors are open; `event` outlives the call.
    let added = unsafe {
        libc::epoll_ctl(
            lot.epoll.as_raw_fd(),
            libc::EPOLL_CTL_ADD,
            fd.as_raw_fd(),
            &mut event,
        )
    };
    if added != 0 {
        lot.free.borrow_mut().push(index);
        return false;
    }
    lot.slots.borrow_mut()[index] = Some(Slot { fd, served, until });
    core.parked.set(core.parked.get() + 1);
    true
}

/// Whether connections can be parked on `core` now (its lot is made, or
/// can be: it takes two descriptors).
pub(crate) fn ready(core: &Rc<Core>) -> bool {
    lot_of(core).is_some()
}

/// The core's lot, made (with its task) on first use.
fn lot_of(core: &Rc<Core>) -> Option<Rc<Lot>> {
    if let Some(lot) = core.parking.borrow().as_ref() {
        return Some(lot.clone());
    }
    // SAFETY: a plain syscall; the descriptor is owned from here.
    let epfd = unsafe { libc::epoll_create1(libc::EPOLL_CLOEXEC) };
    if epfd < 0 {
        return None;
    }
    let epoll = unsafe { OwnedFd::from_raw_fd(epfd) };
    // The runtime is told of a second descriptor of the epoll instance,
    // to wait for its readiness; it is never read or written.
    let watched = dup(&epoll)?;
    let std = unsafe { std::os::unix::net::UnixStream::from_raw_fd(watched) };
    let waiter = monoio::net::UnixStream::from_std(std).ok()?;
    let lot = Rc::new(Lot {
        epoll,
        slots: RefCell::default(),
        free: RefCell::default(),
    });
    *core.parking.borrow_mut() = Some(lot.clone());
    monoio::spawn(watch(lot.clone(), waiter, core.clone()));
    Some(lot)
}

fn dup(fd: &OwnedFd) -> Option<RawFd> {
    // SAFETY: `dup` of an open descriptor; the copy is owned by the caller.
    let d = unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_DUPFD_CLOEXEC, 0) };
    (d >= 0).then_some(d)
}

/// The lot's task: wakes readable connections, sweeps expired ones, and
/// closes them all when the core drains.
async fn watch(lot: Rc<Lot>, waiter: monoio::net::UnixStream, core: Rc<Core>) {
    let mut events = vec![libc::epoll_event { events: 0, u64: 0 }; EVENTS];
    loop {
        let woke = {
            let mut draining = std::pin::pin!(core.draining.notified());
            draining.as_mut().enable();
            if core.config.shutdown.load(Ordering::Relaxed) {
                break;
            }
            monoio::select! {
                r = waiter.readable(false) => r.is_ok(),
                _ = monoio::time::sleep(SWEEP_EVERY) => false,
                _ = &mut draining => break,
            }
        };
        if woke {
            wake_ready(&lot, &core, &mut events);
        }
        sweep(&lot, &core, Instant::now());
    }
    // The drain: every parked connection closes now.
    sweep(
        &lot,
        &core,
        Instant::now() + Duration::from_secs(365 * 24 * 3600),
    );
    *core.parking.borrow_mut() = None;
}

/// Hands the readable connections back to the runtime, each to a task.
fn wake_ready(lot: &Lot, core: &Rc<Core>, events: &mut [libc::epoll_event]) {
    loop {
        // SAFETY: `events` has room for `len` entries.
        let n = unsafe {
            libc::epoll_wait(
                lot.epoll.as_raw_fd(),
                events.as_mut_ptr(),
                events.len() as i32,
                0,
            )
        };
        let n = n.max(0) as usize;
        wake(lot, core, &events[..n]);
        if n < events.len() {
            return;
        }
    }
}

/// Hands these connections back to the runtime.
fn wake(lot: &Lot, core: &Rc<Core>, events: &[libc::epoll_event]) {
    for e in events {
        let Some(slot) = take(lot, core, e.u64 as usize) else {
            continue;
        };
        let std = std::net::TcpStream::from(slot.fd);
        match monoio::net::TcpStream::from_std(std) {
            Ok(stream) => {
                let kind = super::listener::Kind::Cleartext(slot.served);
                monoio::spawn(super::core::connection(stream, core.clone(), kind));
            }
            Err(_) => super::core::closed(core),
        }
    }
}

/// Closes the parked connections whose idle deadline is before `now`.
fn sweep(lot: &Lot, core: &Core, now: Instant) {
    let expired: Vec<usize> = lot
        .slots
        .borrow()
        .iter()
        .enumerate()
        .filter(|(_, s)| s.as_ref().is_some_and(|s| s.until <= now))
        .map(|(i, _)| i)
        .collect();
    for i in expired {
        if take(lot, core, i).is_some() {
            super::core::closed(core);
        }
    }
}

/// Takes slot `i` out of the lot (and its descriptor out of the epoll).
fn take(lot: &Lot, core: &Core, i: usize) -> Option<Slot> {
    let slot = lot.slots.borrow_mut().get_mut(i)?.take()?;
    // SAFETY: both descriptors are open.
    unsafe {
        libc::epoll_ctl(
            lot.epoll.as_raw_fd(),
            libc::EPOLL_CTL_DEL,
            slot.fd.as_raw_fd(),
            std::ptr::null_mut(),
        );
    }
    lot.free.borrow_mut().push(i);
    core.parked.set(core.parked.get() - 1);
    Some(slot)
}
