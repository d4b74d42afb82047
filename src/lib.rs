//! Kitwork: a scriptable, thread-per-core API gateway. This package is the
//! `kitwork` binary (`main.rs`: one function per subcommand) and the
//! configuration it reads; the work is done by the crates under `crates/`,
//! each depending only on the ones above it in this table:
//!
//! | crate | owns |
//! |---|---|
//! | [`semantics`] | JavaScript's pure semantics: number printing and parsing, `%`, `**`, int32, civil dates, string quoting |
//! | [`lang`] | source → bytecode: lexer, parser, the where-lambda lowering, resolver, compiler, diagnostics |
//! | [`modules`] | which file an import names (relative paths, `node_modules`, `package.json`), the module graph linked |
//! | [`vm`] | bytecode → values: heap, interpreter, built-ins; describes the I/O a suspended run asks for |
//! | [`runtime`] | answers those requests: SQLite, PostgreSQL, the HTTP client, the fiber driver, a run's lifecycle |
//! | [`gateway`] | bytes → responses: per-core workers, HTTP, routing, the `work()` DSL, reload, admin, logs |
//!
//! The crates are re-exported here under those names, so tests, benches and
//! embedders need only this one.

pub mod config;

pub use gateway;
pub use gateway::log;
pub use lang;
pub use lang::compile_file;
pub use modules;
pub use runtime;
pub use runtime::lifecycle::run_to_completion as run_with;
pub use semantics;
pub use vm;

/// Runs a compiled program to completion on `vm` without a database:
/// `sleep()`, `parallel()`, `http()` and `defer()` work; `db()` throws.
pub fn run_to_completion(
    vm: &mut vm::Vm,
    program: &lang::Program,
) -> Result<vm::Value, vm::Uncaught> {
    run_with(vm, program, &runtime::Setup::new())
}
