//! How a run is interrupted: a thrown value, an error the VM raises, a budget
//! that ends the run, or a suspension waiting for the host. (Error objects
//! with their `stack` are built in `trace.rs`.)

use super::heap::OutOfMemory;
use super::io::PendingOp;
use super::value::Value;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    Error = 0,
    TypeError = 1,
    RangeError = 2,
    ReferenceError = 3,
    SyntaxError = 4,
    URIError = 5,
    EvalError = 6,
    AggregateError = 7,
}

impl ErrorKind {
    pub const ALL: [ErrorKind; 8] = [
        ErrorKind::Error,
        ErrorKind::TypeError,
        ErrorKind::RangeError,
        ErrorKind::ReferenceError,
        ErrorKind::SyntaxError,
        ErrorKind::URIError,
        ErrorKind::EvalError,
        ErrorKind::AggregateError,
    ];

    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::Error => "Error",
            ErrorKind::TypeError => "TypeError",
            ErrorKind::RangeError => "RangeError",
            ErrorKind::ReferenceError => "ReferenceError",
            ErrorKind::SyntaxError => "SyntaxError",
            ErrorKind::URIError => "URIError",
            ErrorKind::EvalError => "EvalError",
            ErrorKind::AggregateError => "AggregateError",
        }
    }
}

#[derive(Debug)]
pub enum Interrupt {
    /// A script value thrown with `throw` (or rethrown).
    Throw(Value),
    /// An error raised by the VM or a native; becomes an Error object with a
    /// stack trace where it is caught. Boxed so that `Result<Value, Interrupt>`
    /// stays small on every native call.
    Error(Box<(ErrorKind, String)>),
    /// Like `Error`, but no `catch` can stop it: budgets end the run.
    Abort(Box<(ErrorKind, String)>),
    /// A native waits for the host.
    Suspend(PendingOp),
    /// A native that only forwards (`call`, `apply`, a bound function) has
    /// rewritten its call on the stack into the call it stands for, with
    /// this many arguments: `Vm::call` makes that call in its place, so the
    /// callee runs on the VM's frames (and may wait) rather than nested.
    /// Never leaves `Vm::call`.
    Redirect(usize),
}

impl Interrupt {
    pub fn error(kind: ErrorKind, message: impl Into<String>) -> Interrupt {
        Interrupt::Error(Box::new((kind, message.into())))
    }

    pub fn abort(kind: ErrorKind, message: impl Into<String>) -> Interrupt {
        Interrupt::Abort(Box::new((kind, message.into())))
    }
}

impl From<OutOfMemory> for Interrupt {
    fn from(_: OutOfMemory) -> Interrupt {
        Interrupt::abort(ErrorKind::RangeError, "memory limit exceeded")
    }
}
