//! Bytecode → values: the value model, the heap, the interpreter and the
//! built-in library.

pub mod builtins;
pub mod collect;
pub mod convert;
pub mod error;
pub mod heap;
pub mod inspect;
pub mod interp;
pub mod io;
pub mod json;
pub mod property;
pub mod value;

pub use semantics::number;

pub use builtins::db::{UNAVAILABLE as DB_UNAVAILABLE, db_error, db_value};
pub use builtins::http::{failure_value as http_failure, response_value as http_response};
pub use error::{ErrorKind, Interrupt};
pub use interp::{Budget, Fiber, Limits, Outcome, Uncaught, Vm};
pub use io::PendingOp;
pub use value::{Atom, Value};
