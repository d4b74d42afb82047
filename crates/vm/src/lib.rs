//! Bytecode → values: the value model, the heap, the interpreter and the
//! built-in library. It knows no executor: what a run waits on is
//! described in [`io`] and answered by the `runtime` crate.
//!
//! | module | owns |
//! |---|---|
//! | [`value`], [`heap`], [`collect`] | `Value` (16 bytes, `Copy`); the per-run arena of objects, strings, cells and atoms; the collector for long runs |
//! | [`state`] | `Vm` and what it holds: frames, fibers, functions, limits, the realm |
//! | [`load`] | making a VM, linking and verifying a program, `reset` |
//! | [`run`] | the host's entry points: start, call, resume, uncaught reports |
//! | [`dispatch`], [`call`], [`budget`] | the loop; calls and unwinding; the instruction budget |
//! | [`stepper`] | built-ins that call back (`map`, `sort`…) as state machines on the VM's frames, so callbacks may wait |
//! | [`trace`], [`error`] | stack traces and Error objects; `ErrorKind`, `Interrupt` |
//! | [`property`], [`convert`], [`inspect`], [`json`] | property access; JavaScript's conversions and operators; `console.log` formatting; JSON |
//! | [`io`] | what a suspended run asks the host for: timers, database statements (and their SQL), HTTP requests, fibers |
//! | [`collection`] | the entries and hash index of `Map`, `Set`, `WeakMap`, `WeakSet` |
//! | [`builtins`] | the realm's prototypes, constructors and globals, one file per family |

#[macro_use]
mod operands;

pub mod after_answer;
pub mod async_fn;
pub mod async_generator;
pub(crate) mod atom_table;
pub mod attrs;
pub mod budget;
pub mod builtins;
pub mod call;
pub mod class;
pub mod collect;
pub mod collection;
pub mod convert;
pub mod descriptor;
pub mod dispatch;
pub mod error;
pub mod fetches;
pub mod generator;
pub mod heap;
pub mod inspect;
pub mod io;
pub mod json;
pub mod load;
mod module_async;
mod module_dynamic;
pub mod module_graph;
pub mod module_state;
pub mod promise;
pub mod property;
pub mod regexp;
pub mod run;
pub mod sparse_array;
pub mod state;
pub mod stepper;
pub mod timers;
pub mod trace;
pub mod typed_array;
pub mod value;
pub mod wrapper;

pub use semantics::number;

pub use builtins::db::{UNAVAILABLE as DB_UNAVAILABLE, db_error, db_value};
pub use builtins::http::{failure_value as http_failure, response_value as http_response};
pub use builtins::kv::{
    REFUSED as KV_REFUSED, UNAVAILABLE as KV_UNAVAILABLE, kv_error, kv_value, recycle as kv_recycle,
};
pub use builtins::web::stream::request_body_error;
pub use error::{ErrorKind, Interrupt};
pub use io::PendingOp;
pub use state::{Budget, Fiber, Limits, Outcome, Uncaught, UnhandledRejections, Vm};
pub use value::{Atom, Value};
