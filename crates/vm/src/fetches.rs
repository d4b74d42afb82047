//! `fetch` calls in flight. A `fetch` does not wait at its call: its
//! request goes to the host (`take_fetches`), its promise waits in the
//! fiber's list, and the host delivers the answer to the VM's inbox
//! (`FetchInbox::deliver`), whatever the fiber does meanwhile, so the
//! fetches of a `Promise.all` are sent at once. The fiber takes an answer
//! (`complete_fetch`) when it waits for one: when its jobs are done while
//! its result waits (run.rs parks it with `PendingOp::Fetches`).

use crate::error::{ErrorKind, Interrupt};
use crate::io::http::{Failure, Request, Response};
use crate::promise::PromiseState;
use crate::state::{Uncaught, Vm};
use crate::value::{ObjId, Value};
use std::cell::RefCell;
use std::task::{Context, Poll, Waker};

/// Most fetches one fiber may have in flight at once (a `RangeError`
/// past it): each holds a connection and its answer's bytes.
pub const FETCHES_IN_FLIGHT: usize = 64;

/// A fetch waiting for its answer.
pub(crate) struct InFlight {
    pub(crate) id: u32,
    pub(crate) promise: ObjId,
    /// Its `AbortSignal` (or undefined): aborting it rejects the promise.
    pub(crate) signal: Value,
    /// It was given an `AbortSignal.timeout`: a timeout is its `TimeoutError`.
    pub(crate) signal_timeout: bool,
}

/// An answer to a fetch: the response, or why there is none.
pub type FetchAnswer = Result<Response, Failure>;

/// Where the host puts the answers of a VM's fetches as they come, and
/// the wakers of the fibers waiting for them. Shared with the host's
/// tasks (`Vm::fetch_inbox`); the VM takes only the answers of its own
/// fiber's fetches.
#[derive(Default)]
pub struct FetchInbox {
    answers: RefCell<Vec<(u32, FetchAnswer)>>,
    waiting: RefCell<Vec<Waker>>,
}

impl FetchInbox {
    /// The answer to fetch `id` came: it waits here, and every waiting
    /// fiber looks.
    pub fn deliver(&self, id: u32, answer: FetchAnswer) {
        self.answers.borrow_mut().push((id, answer));
        for w in self.waiting.borrow_mut().drain(..) {
            w.wake();
        }
    }

    /// An answer to one of `ids`, or `Pending` (woken when one comes).
    pub fn poll_take(&self, cx: &mut Context<'_>, ids: &[u32]) -> Poll<(u32, FetchAnswer)> {
        let mut answers = self.answers.borrow_mut();
        if let Some(i) = answers.iter().position(|(id, _)| ids.contains(id)) {
            return Poll::Ready(answers.remove(i));
        }
        let mut waiting = self.waiting.borrow_mut();
        if !waiting.iter().any(|w| w.will_wake(cx.waker())) {
            waiting.push(cx.waker().clone());
        }
        Poll::Pending
    }

    fn clear(&self) {
        self.answers.borrow_mut().clear();
        self.waiting.borrow_mut().clear();
    }
}

impl Vm {
    /// Sends `req` (the host takes it with `take_fetches`): a promise of
    /// its `Response`.
    pub(crate) fn send_fetch(
        &mut self,
        req: Request,
        signal: Value,
        signal_timeout: bool,
    ) -> Result<Value, Interrupt> {
        if self.fetches.len() >= FETCHES_IN_FLIGHT {
            return Err(Interrupt::error(
                ErrorKind::RangeError,
                format!("fetch: at most {FETCHES_IN_FLIGHT} requests in flight at once"),
            ));
        }
        let promise = self.new_promise(self.realm.promise_proto)?;
        self.next_fetch = self.next_fetch.wrapping_add(1);
        let id = self.next_fetch;
        self.fetches.push(InFlight {
            id,
            promise,
            signal,
            signal_timeout,
        });
        self.fetch_outbox.push((id, Box::new(req)));
        Ok(Value::Obj(promise))
    }

    /// The requests the running fiber's `fetch` calls made since the host
    /// last took them, each with its id.
    pub fn take_fetches(&mut self) -> Vec<(u32, Box<Request>)> {
        std::mem::take(&mut self.fetch_outbox)
    }

    /// The ids of the running fiber's fetches in flight.
    pub fn fetch_ids(&self) -> Vec<u32> {
        self.fetches.iter().map(|f| f.id).collect()
    }

    /// Settles fetch `id`'s promise with its answer: a `Response` (its
    /// body as bytes, its headers read-only), or a `TypeError: fetch
    /// failed` whose `cause` is the client's error. An aborted fetch is
    /// not waited for any more, and its answer is dropped.
    pub fn complete_fetch(&mut self, id: u32, answer: FetchAnswer) -> Result<(), Uncaught> {
        let Some(i) = self.fetches.iter().position(|f| f.id == id) else {
            return Ok(());
        };
        let f = self.fetches.remove(i);
        let settled = match answer {
            Ok(r) => crate::builtins::web::fetch::response_value(self, r)
                .and_then(|v| self.resolve_promise(f.promise, v)),
            Err(e) => {
                let reason =
                    crate::builtins::web::fetch::failure_reason(self, &e, f.signal_timeout);
                self.settle(f.promise, PromiseState::Rejected, reason)
            }
        };
        settled.map_err(|e| self.uncaught(e))
    }

    /// `signal` aborted with `reason`: the running fiber's fetches given it
    /// are rejected with the reason now (their answers are dropped).
    pub(crate) fn abort_fetches(&mut self, signal: ObjId, reason: Value) -> Result<(), Interrupt> {
        let mut i = 0;
        while i < self.fetches.len() {
            if matches!(self.fetches[i].signal, Value::Obj(s) if s == signal) {
                let f = self.fetches.remove(i);
                self.settle(f.promise, PromiseState::Rejected, reason)?;
            } else {
                i += 1;
            }
        }
        Ok(())
    }

    /// The values the fetches in flight hold (the collector's roots).
    pub(crate) fn fetch_roots(&self) -> impl Iterator<Item = Value> + '_ {
        self.fetches
            .iter()
            .flat_map(|f| [Value::Obj(f.promise), f.signal])
    }

    /// Forgets every fetch (a new run): nothing to do on a VM that never
    /// fetched, which `reset` (once per request) checks in one comparison.
    #[inline]
    pub(crate) fn clear_fetches(&mut self) {
        if self.next_fetch != 0 {
            self.forget_fetches();
        }
    }

    #[cold]
    #[inline(never)]
    fn forget_fetches(&mut self) {
        self.fetches.clear();
        self.fetch_outbox.clear();
        self.fetch_inbox.clear();
    }
}
