//! A response whose body is written piece by piece after its head: one a
//! script streams (`new Response(readableStream)`), or a large static file.
//! Each connection (HTTP/1.1 chunked or by `Content-Length`, HTTP/2 DATA
//! frames) asks for the next bytes only once the last ones are written, so
//! a slow client slows the script (or the reads) instead of filling
//! memory. A script's run goes on between pieces (timers, `db()`,
//! `fetch`) and ends like any other once the body has (`go()` functions,
//! `ctx.waitUntil`).

use super::dispatch::finish_run;
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

/// A streamed body being written.
pub(crate) struct Streamed {
    source: Source,
    /// Its length, when known before it is written (a file): the head
    /// carries `Content-Length` and the body goes unframed.
    pub(crate) length: Option<u64>,
}

enum Source {
    Script(Script),
    /// A file's bytes from where it was opened at, `left` of them.
    File {
        file: std::fs::File,
        left: u64,
    },
    /// An upstream's answer (proxy.rs).
    Upstream(Box<Upstream>),
    /// An upgraded connection to a target (`101 Switching Protocols`):
    /// not a body but a tunnel, which the connection runs (connection.rs).
    Tunnel(super::upstream_conn::Conn),
    /// A WebSocket the script accepted (`101 Switching Protocols`): the
    /// connection serves it (websocket.rs).
    Socket(Box<super::websocket::Opened>),
}

/// What a connection becomes after a `101`.
pub(crate) enum Upgrade {
    Tunnel(super::upstream_conn::Conn),
    Socket(Box<super::websocket::Opened>),
}

/// An upstream's answer body being relayed.
struct Upstream {
    conn: Option<super::upstream_conn::Conn>,
    /// Its framing undone (`None`: it ends when the target closes).
    decoder: Option<super::body_feed::Decoder>,
    /// The longest wait for its next piece.
    timeout: std::time::Duration,
    /// Gives the connection back to the core's pool, once the body is read.
    keep: Option<Box<dyn FnOnce(super::upstream_conn::Conn)>>,
}

/// A script's streamed body, and the worker whose run makes it.
struct Script {
    worker: Option<Box<Worker>>,
    live: Rc<Live>,
    /// The route's index in `live.router.routes`.
    route: usize,
}

impl Streamed {
    pub(crate) fn new(worker: Box<Worker>, live: Rc<Live>, route: usize) -> Streamed {
        Streamed {
            source: Source::Script(Script {
                worker: Some(worker),
                live,
                route,
            }),
            length: None,
        }
    }

    /// `len` bytes of `file` from where it stands.
    pub(crate) fn file(file: std::fs::File, len: u64) -> Streamed {
        Streamed {
            source: Source::File { file, left: len },
            length: Some(len),
        }
    }

    /// A file's, as what it is (`sendfile.rs` sends it) with what is left
    /// of it to send.
    pub(crate) fn as_file(&mut self) -> Option<(&std::fs::File, &mut u64)> {
        match &mut self.source {
            Source::File { file, left } => Some((file, left)),
            _ => None,
        }
    }

    /// An upstream's answer body, read from `conn` through `decoder`
    /// (`length` bytes, when it said), each piece within `timeout`; `keep`
    /// gives the connection back once the body is read.
    pub(crate) fn upstream(
        conn: super::upstream_conn::Conn,
        decoder: Option<super::body_feed::Decoder>,
        length: Option<u64>,
        timeout: std::time::Duration,
        keep: Box<dyn FnOnce(super::upstream_conn::Conn)>,
    ) -> Streamed {
        Streamed {
            source: Source::Upstream(Box::new(Upstream {
                conn: Some(conn),
                decoder,
                timeout,
                keep: Some(keep),
            })),
            length,
        }
    }

    /// The upgraded connection to a target that the client's connection
    /// is to be joined with.
    pub(crate) fn tunnel(conn: super::upstream_conn::Conn) -> Streamed {
        Streamed {
            source: Source::Tunnel(conn),
            length: None,
        }
    }

    /// A socket the script accepted, for its connection to serve.
    pub(crate) fn socket(opened: super::websocket::Opened) -> Streamed {
        Streamed {
            source: Source::Socket(Box::new(opened)),
            length: None,
        }
    }

    /// What the connection becomes, when this is an upgrade rather than
    /// a body.
    pub(crate) fn into_upgrade(self: Box<Self>) -> Result<Upgrade, Box<Streamed>> {
        if !matches!(self.source, Source::Tunnel(_) | Source::Socket(_)) {
            return Err(self);
        }
        match self.source {
            Source::Tunnel(conn) => Ok(Upgrade::Tunnel(conn)),
            Source::Socket(opened) => Ok(Upgrade::Socket(opened)),
            _ => unreachable!("checked above"),
        }
    }

    /// The next bytes of the body.
    pub(crate) async fn next(&mut self, core: &Core) -> Piece {
        match &mut self.source {
            Source::Script(s) => s.next(core).await,
            Source::File { file, left } => read_piece(file, left),
            Source::Upstream(u) => u.next().await,
            // An upgrade has no body to write as one.
            Source::Tunnel(_) | Source::Socket(_) => Piece::Cut,
        }
    }

    /// Ends the body (see `Script::finish`); a file's is closed, an
    /// upstream's connection kept when its body was read to the end.
    pub(crate) fn finish(self, core: &Rc<Core>, complete: bool, why: &str) {
        match self.source {
            Source::Script(s) => s.finish(core, complete, why),
            Source::File { .. } | Source::Tunnel(_) => {}
            Source::Socket(opened) => super::socket_hub::remove(&opened.socket),
            Source::Upstream(mut u) => {
                if let (true, Some(keep), Some(conn)) = (complete, u.keep.take(), u.conn.take()) {
                    keep(conn);
                }
            }
        }
    }
}

/// The next piece of a file, read where it stands (from the page cache,
/// most often; a read blocks the core for as long as the disk takes).
fn read_piece(file: &mut std::fs::File, left: &mut u64) -> Piece {
    use std::io::Read;
    if *left == 0 {
        return Piece::End;
    }
    let mut buf = vec![0; (*left).min(PIECE as u64) as usize];
    match file.read(&mut buf) {
        Ok(n) if n > 0 => {
            buf.truncate(n);
            *left -= n as u64;
            Piece::Bytes(buf)
        }
        // Shorter than when it was opened, or unreadable.
        Ok(_) | Err(_) => {
            log::error("a static file was cut short: it changed or could not be read while sent");
            Piece::Cut
        }
    }
}

impl Upstream {
    /// The next bytes of the answer.
    async fn next(&mut self) -> Piece {
        let Some(conn) = self.conn.as_mut() else {
            return Piece::Cut;
        };
        match conn.piece_within(&mut self.decoder, self.timeout).await {
            Some(Ok(Some(bytes))) => Piece::Bytes(bytes),
            Some(Ok(None)) => Piece::End,
            Some(Err(e)) => {
                self.conn = None;
                log::error(&format!("a proxied answer was cut short: {e}"));
                Piece::Cut
            }
            None => {
                self.conn = None;
                log::error(&format!(
                    "a proxied answer was cut short: nothing came for {} ms",
                    self.timeout.as_millis()
                ));
                Piece::Cut
            }
        }
    }
}

impl Script {
    /// The next bytes of the body: what the stream has queued, else what
    /// the run makes once it goes on.
    async fn next(&mut self, core: &Core) -> Piece {
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
    fn finish(mut self, core: &Rc<Core>, complete: bool, why: &str) {
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
        let route = &self.live.router.routes[self.route];
        finish_run(core, &self.live, worker, background, route);
    }
}
