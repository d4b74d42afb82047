//! Bytecode → values: the value model, the heap, the interpreter and the
//! built-in library.

pub mod builtins;
pub mod convert;
pub mod error;
pub mod heap;
pub mod inspect;
pub mod interp;
pub mod json;
pub mod number;
pub mod property;
pub mod value;

pub use error::{ErrorKind, Interrupt, PendingOp};
pub use interp::{Limits, Outcome, Uncaught, Vm};
pub use value::Value;
