//! A response's stream body read by the host (the gateway): the run
//! answers as soon as its `Response` is known (like `ctx.waitUntil`,
//! after_answer.rs), the host locks the stream, takes its queued bytes
//! and writes them, and continues the run whenever it waits for more. A
//! chunk is pulled from the source only when the host asked for one, so
//! a slow client slows the script (backpressure).

use super::stream::{self, HOST_WAITING};
use crate::error::ErrorKind;
use crate::state::Vm;
use crate::value::Value;

/// What the host got from a response's stream.
#[derive(Debug, PartialEq)]
pub enum Pulled {
    /// Bytes to write (several chunks, up to the size asked for).
    Bytes(Vec<u8>),
    /// The stream closed: the body is complete.
    End,
    /// The stream failed (the script's error, or a chunk that is not
    /// bytes): the body is cut short.
    Failed(String),
    /// Nothing yet: the run must go on (`continue_after_answer`).
    Waiting,
}

impl Vm {
    /// When `response` (a run's value) is a `Response` whose body is a
    /// stream still to be read: locks it for the host and says so.
    pub fn stream_answer(&mut self, response: Value) -> bool {
        let Some(s) = super::response::stream_body(self, response) else {
            return false;
        };
        if stream::is_locked(self, s) || stream::is_disturbed(self, s) {
            return false;
        }
        stream::set_reader(self, s, Value::Bool(true));
        stream::mark_disturbed(self, s);
        self.answer_stream = Some(s);
        true
    }

    /// Takes up to about `most` bytes of what the stream has queued.
    pub fn pull_answer(&mut self, most: usize) -> Pulled {
        let Some(s) = self.answer_stream else {
            return Pulled::End;
        };
        stream::set_flag(self, s, HOST_WAITING, false);
        let mut out = Vec::new();
        while out.len() < most {
            let chunk = match stream::dequeue(self, s) {
                Ok(Some(c)) => c,
                Ok(None) => break,
                Err(e) => {
                    let e = self.uncaught(e);
                    return Pulled::Failed(e.report);
                }
            };
            match stream::chunk_bytes(self, chunk) {
                Some(b) => out.extend_from_slice(&b),
                None => {
                    let shown = crate::inspect::inspect_short(self, chunk);
                    let why = format!(
                        "a response stream gave {shown}: its chunks must be Uint8Arrays (or strings)"
                    );
                    let e = self.make_error(ErrorKind::TypeError, &why);
                    // The source hears why it was cancelled.
                    stream::cancel(self, s, e).ok();
                    return Pulled::Failed(format!("TypeError: {why}"));
                }
            }
        }
        if !out.is_empty() {
            return Pulled::Bytes(out);
        }
        if stream::is_closed(self, s) {
            return Pulled::End;
        }
        if let Some(e) = stream::stored_error(self, s) {
            return Pulled::Failed(self.uncaught_report(e).replacen("Uncaught ", "", 1));
        }
        stream::set_flag(self, s, HOST_WAITING, true);
        match stream::call_pull_if_needed(self, s) {
            Ok(()) => Pulled::Waiting,
            Err(e) => Pulled::Failed(self.uncaught(e).report),
        }
    }

    /// The host stops reading (the client went away, or the request was
    /// `HEAD`): the source's `cancel(reason)` is called.
    pub fn cancel_answer(&mut self, why: &str) {
        if let Some(s) = self.answer_stream.take() {
            let reason = self.make_error(ErrorKind::Error, why);
            stream::cancel(self, s, reason).ok();
        }
    }

    /// Ends the host's reading: the stream is let go.
    pub fn end_answer(&mut self) {
        self.answer_stream = None;
    }

    /// Whether the host, waiting, has something to take: a chunk, or the
    /// stream's end.
    pub(crate) fn answer_ready(&self) -> bool {
        match self.answer_stream {
            Some(s) => {
                stream::flag(self, s, HOST_WAITING)
                    && (!stream::queue_is_empty(self, s) || !stream::is_readable(self, s))
            }
            None => false,
        }
    }

    /// Whether the host reads a stream that is still open.
    pub(crate) fn answer_streaming(&self) -> bool {
        self.answer_stream
            .is_some_and(|s| stream::is_readable(self, s))
    }

    /// Whether a run's result (settled) is a `Response` with a stream
    /// body: the run answers without waiting for its timers.
    #[cold]
    #[inline(never)]
    pub(crate) fn answers_with_stream(&self, result: Value) -> bool {
        let v = match self.promise_state(result) {
            Some((crate::promise::PromiseState::Fulfilled, v)) => v,
            Some(_) => return false,
            None => result,
        };
        super::response::stream_body(self, v).is_some()
    }
}
