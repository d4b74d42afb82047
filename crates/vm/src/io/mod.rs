//! What a suspended run asks the host for, described in the VM's own
//! terms: a timer, a database statement (built here from the `db()` chain:
//! SQL text is not I/O), an HTTP request, a key-value command, fibers to run. The VM knows no
//! executor; `runtime` answers these and resumes the run.

pub mod http;
pub mod kv;
pub mod query;
pub mod sql;
pub mod statement;

use crate::value::Value;

/// Something the host must do before the script can go on.
#[derive(Clone, Debug)]
pub enum PendingOp {
    /// `sleep(ms)`: resume with `undefined` once the time has passed.
    Sleep { ms: f64 },
    /// `parallel(...)`: call each task as a fiber of its own; resume with
    /// their results in an array, or under `keys` in an object. Boxed, as
    /// the other large ones: every native returns a `Result<Value,
    /// Interrupt>`, so `Interrupt` must stay as small as a `Value`.
    Parallel(Box<Parallel>),
    /// `db().transaction(body)`: call `body` as a fiber whose statements run
    /// in one transaction; commit when it returns, roll back when it throws.
    Transaction { body: Value },
    /// A database statement; resume with what it returned.
    Db(Box<statement::Statement>),
    /// An HTTP request (`http()`); resume with the response.
    Http(Box<http::Request>),
    /// A `kv()` command; resume with its reply (`vm::kv_value`), or throw
    /// `vm::kv_error`. Give the command back with `vm::kv_recycle`.
    Kv(Box<kv::Command>),
    /// The fiber's jobs are done and it waits for an answer to one of its
    /// fetches (fetches.rs), or until its next timer in `ms` (infinite
    /// when it has none: an `Option` would make every `Interrupt`
    /// larger): resume with `undefined` after `Vm::complete_fetch` of the
    /// answer, if one came.
    Fetches { ms: f64 },
    /// A request body's stream wants its next chunk from the host
    /// (`Vm::request_body`): resume with a `Uint8Array`, or `null` at the
    /// body's end; throw why the body could not be read.
    RequestBody,
}

/// Where a request body streamed to the script comes from (the gateway's
/// connection): the next chunk, `None` at the end, `Err` why the body was
/// cut short (the client went away, a limit).
pub trait BodySource {
    fn poll_chunk(
        &self,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<Vec<u8>, BodyError>>>;
}

/// Why a streamed request body ended early.
#[derive(Clone, Debug)]
pub struct BodyError {
    pub message: String,
    /// The error's `code` (`BODY_TOO_LARGE`, `BAD_REQUEST_BODY`…), which
    /// the gateway answers by.
    pub code: &'static str,
}

#[derive(Clone, Debug)]
pub struct Parallel {
    pub tasks: Vec<Value>,
    pub keys: Option<Vec<crate::value::Atom>>,
}

/// The longest wait a script can ask for (`sleep`, an `http()` timeout):
/// longer ones are cut to it, so no deadline overflows a clock.
pub const LONGEST_WAIT: std::time::Duration = std::time::Duration::from_secs(30 * 24 * 3600);

/// `ms` milliseconds as a wait: NaN and negatives are 0, infinities and
/// huge values `LONGEST_WAIT`.
pub fn wait_ms(ms: f64) -> std::time::Duration {
    if ms.is_nan() || ms <= 0.0 {
        return std::time::Duration::ZERO;
    }
    std::time::Duration::try_from_secs_f64(ms / 1000.0)
        .unwrap_or(LONGEST_WAIT)
        .min(LONGEST_WAIT)
}

// Every native returns a `Result<Value, Interrupt>` and `Interrupt`
// carries a `PendingOp`: one a word larger cost the interpreter 2.8% of
// its instructions (fib, bench/instructions.sh).
const _: () =
    assert!(std::mem::size_of::<PendingOp>() <= std::mem::size_of::<crate::value::Value>());
