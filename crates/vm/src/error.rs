//! How a run is interrupted: a thrown value, an error the VM raises, a budget
//! that ends the run, or a suspension waiting for the host. Also builds Error
//! objects with their `stack`.

use super::heap::{Class, OutOfMemory};
use super::io::PendingOp;
use super::state::Vm;
use super::value::Value;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    Error = 0,
    TypeError = 1,
    RangeError = 2,
    ReferenceError = 3,
    SyntaxError = 4,
    URIError = 5,
}

impl ErrorKind {
    pub const ALL: [ErrorKind; 6] = [
        ErrorKind::Error,
        ErrorKind::TypeError,
        ErrorKind::RangeError,
        ErrorKind::ReferenceError,
        ErrorKind::SyntaxError,
        ErrorKind::URIError,
    ];

    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::Error => "Error",
            ErrorKind::TypeError => "TypeError",
            ErrorKind::RangeError => "RangeError",
            ErrorKind::ReferenceError => "ReferenceError",
            ErrorKind::SyntaxError => "SyntaxError",
            ErrorKind::URIError => "URIError",
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

impl Vm {
    /// A new Error object of `kind` with `message`, its stack taken from the
    /// current frames. Error objects are small; when even that fails the
    /// budget is lifted for it so the error can still be reported.
    pub fn make_error(&mut self, kind: ErrorKind, message: &str) -> Value {
        let trace = self.trace();
        self.charge_trace();
        let proto = self.realm.error_protos[kind as usize];
        self.build_error(proto, kind.name(), message, &trace)
    }

    pub(crate) fn build_error(
        &mut self,
        proto: super::value::ObjId,
        name: &str,
        message: &str,
        trace: &str,
    ) -> Value {
        let limit = self.heap.limit;
        self.heap.limit = usize::MAX;
        let o = self
            .heap
            .alloc(Class::Error, Some(proto))
            .expect("budget lifted");
        let msg = self.heap.alloc_str(message).expect("budget lifted");
        let header = if message.is_empty() {
            name.to_string()
        } else {
            format!("{name}: {message}")
        };
        let stack = self
            .heap
            .alloc_str_parts(&[&header, trace])
            .expect("budget lifted");
        let (m, s) = (self.atoms.message, self.atoms.stack);
        self.heap.obj_mut(o).props.push((m, msg));
        self.heap.obj_mut(o).props.push((s, stack));
        self.heap.obj_mut(o).hidden = 2;
        self.heap.limit = limit;
        Value::Obj(o)
    }

    pub fn is_error(&self, v: Value) -> bool {
        matches!(v, Value::Obj(o) if self.heap.obj(o).class == Class::Error)
    }
}
