//! A response whose body a script streams (`new Response(readableStream)`):
//! the request's worker is kept after the head is written, and each
//! connection (HTTP/1.1 chunked, HTTP/2 DATA frames) asks it for the next
//! bytes only once the last ones are written, so a slow client slows the
//! script instead of filling memory. The run goes on between pieces
//! (timers, `db()`, `fetch`) and ends like any other once the body has
//! (`go()` functions, `ctx.waitUntil`).

use super::dispatch::start_background;
use super::per_core::{Core, Live, Worker};
use crate::log;
use runtime::driver::{self, Poisoned, guarded};
use runtime::lifecycle::Background;
use std::rc::Rc;
use vm::builtins::web::answer_stream::Pulled;

/// The most bytes one piece gathers from the stream's queued chunks.
const PIECE: usize = 64 * 1024;

/// What a connection writes next.
pub(crate) enum Piece {
    Bytes(Vec<u8>),
    /// The body is complete.
    End,
    /// The body is cut short (the script failed, or left its stream open
    /// with nothing that could write to it): logged; the connection ends
    /// the message so the client can tell (no last chunk, `RST_STREAM`).
    Cut,
}

/// A streamed body being written, and the worker whose run makes it.
pub(crate) struct Streamed {
    worker: Option<Box<Worker>>,
    live: Rc<Live>,
    /// The route's index in `live.router.routes`.
    route: usize,
}

impl Streamed {
    pub(crate) fn new(worker: Box<Worker>, live: Rc<Live>, route: usize) -> Streamed {
        Streamed {
            worker: Some(worker),
            live,
            route,
        }
    }

    /// The next bytes of the body: what the stream has queued, else what
    /// the run makes once it goes on.
    pub(crate) async fn next(&mut self, core: &Core) -> Piece {
        let Some(worker) = self.worker.as_mut() else {
            return Piece::Cut;
        };
        let vm = &mut worker.vm;
        let mut ran = false;
        loop {
            let pulled = match guarded(|| vm.pull_answer(PIECE)) {
                Ok(p) => p,
                Err(Poisoned) => return self.poisoned(),
            };
            match pulled {
                Pulled::Bytes(b) => return Piece::Bytes(b),
                Pulled::End => return Piece::End,
                Pulled::Failed(why) => return self.cut(&why),
                // The run went on and has nothing left that could write.
                Pulled::Waiting if ran => {
                    return self.cut(
                        "the response stream was left open with nothing left in the request that could write to it or close it",
                    );
                }
                Pulled::Waiting => {}
            }
            let first = match guarded(|| vm.continue_after_answer()) {
                Ok(step) => step,
                Err(Poisoned) => return self.poisoned(),
            };
            match driver::finish(vm, &core.services, first).await {
                Ok(Ok(_)) => ran = true,
                Ok(Err(e)) => return self.cut(&e.report),
                Err(Poisoned) => return self.poisoned(),
            }
        }
    }

    fn cut(&self, why: &str) -> Piece {
        let r = &self.live.router.routes[self.route];
        log::error(&format!(
            "{} {} ({}): the streamed response was cut short: {}",
            r.method,
            r.pattern,
            r.location,
            log::redact(why)
        ));
        Piece::Cut
    }

    /// The VM panicked (reported by the panic hook): it is dropped.
    fn poisoned(&mut self) -> Piece {
        self.worker = None;
        let r = &self.live.router.routes[self.route];
        log::error(&format!(
            "{} {}: internal error while streaming; worker replaced",
            r.method, r.pattern
        ));
        Piece::Cut
    }

    /// Ends the body: one not `complete` (cut short, or its client went
    /// away) is cancelled, its source told why. The run's `go()` functions
    /// and `ctx.waitUntil` work then run as after any answer, and the
    /// worker goes back to its pool.
    pub(crate) fn finish(mut self, core: &Rc<Core>, complete: bool, why: &str) {
        let Some(mut worker) = self.worker.take() else {
            return;
        };
        {
            let stats = &mut core.stats.borrow_mut().wire;
            stats.streamed += 1;
            stats.streams_cut += u64::from(!complete);
        }
        let vm = &mut worker.vm;
        vm.request_body = None;
        let ended = guarded(|| {
            if !complete {
                vm.cancel_answer(why);
            }
            vm.end_answer();
            if !vm.has_work_after_answer() {
                // Its timers and jobs served the body only.
                vm.drop_work_after_answer();
            }
            Background::after_stream(vm)
        });
        let Ok(background) = ended else { return };
        if background.is_empty() {
            self.live.pool.borrow_mut().push(worker);
        } else {
            let route = &self.live.router.routes[self.route];
            start_background(core, &self.live, worker, background, route);
        }
    }
}
