//! Bytecode → values: the value model, the heap, the interpreter and the
//! built-in library.

#[macro_use]
mod operands;

pub mod budget;
pub mod builtins;
pub mod call;
pub mod collect;
pub mod convert;
pub mod dispatch;
pub mod error;
pub mod heap;
pub mod inspect;
pub mod io;
pub mod json;
pub mod load;
pub mod property;
pub mod run;
pub mod state;
pub mod trace;
pub mod value;

pub use semantics::number;

pub use builtins::db::{UNAVAILABLE as DB_UNAVAILABLE, db_error, db_value};
pub use builtins::http::{failure_value as http_failure, response_value as http_response};
pub use error::{ErrorKind, Interrupt};
pub use io::PendingOp;
pub use state::{Budget, Fiber, Limits, Outcome, Uncaught, Vm};
pub use value::{Atom, Value};
