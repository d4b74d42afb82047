//! Kitwork: a scriptable, thread-per-core API gateway.
//!
//! | module | owns |
//! |---|---|
//! | [`lang`] | source → bytecode: lexer, parser, resolver, compiler, diagnostics |
//! | [`vm`] | bytecode → values: heap, interpreter, built-ins |
//! | [`log`] | one line per event, text or JSON |
//! | [`config`] | `kitwork.toml` → `Config`, with environment and flag overrides |
//! | [`runtime`] | what scripts wait on: the fiber driver, the databases, the HTTP client |
//! | [`gateway`] | bytes → responses: per-core workers, HTTP, routing, the `work()` DSL |
//!
//! The embedding API in this file compiles a script and runs it to completion.

pub mod config;
pub mod content_hash;
pub mod gateway;
pub mod lang;
pub mod log;
pub mod runtime;
pub mod vm;

use lang::{Diagnostic, Program, SourceFile};
use std::sync::Arc;

/// Compiles `text` as the file `name`. On failure, the rendered diagnostics.
pub fn compile_file(name: &str, text: &str) -> Result<Program, (Arc<SourceFile>, Vec<Diagnostic>)> {
    let source = SourceFile::new(name, text);
    lang::compile(source.clone()).map_err(|d| (source, d))
}

/// Runs a compiled program to completion on `vm` without a database:
/// `sleep()`, `parallel()`, `http()` and `defer()` work; `db()` throws.
pub fn run_to_completion(vm: &mut vm::Vm, program: &Program) -> Result<vm::Value, vm::Uncaught> {
    run_with(vm, program, &runtime::Setup::new())
}

/// Runs a compiled program to completion on `vm`, then its deferred and
/// background (`go()`) functions. A script that waits on something
/// (`sleep()`, `db()`, `parallel()`…) gets a monoio runtime of its own, so
/// it waits as it does in the gateway; one that never waits is done before
/// a runtime would be built (0.2 ms of an empty script's 2.6 ms start-up).
pub fn run_with(
    vm: &mut vm::Vm,
    program: &Program,
    setup: &runtime::Setup,
) -> Result<vm::Value, vm::Uncaught> {
    let main = vm.load(program);
    let first = vm.start(main);
    if vm.deferred.is_empty() && vm.background.is_empty() {
        match first {
            Ok(vm::Outcome::Done(v)) => return Ok(v),
            Err(e) => return Err(e),
            Ok(vm::Outcome::Pending(_)) => {}
        }
    }
    let mut rt = monoio::RuntimeBuilder::<monoio::LegacyDriver>::new()
        .enable_timer()
        .build()
        .expect("an epoll runtime can always be built");
    rt.block_on(async {
        let services = runtime::Services::new(setup);
        let result = runtime::driver::finish(vm, &services, first).await;
        let deferred = runtime::driver::run_deferred(vm, &services).await;
        let background = runtime::driver::run_background(vm, &services).await;
        match (result, deferred, background) {
            (Ok(r), Ok(()), Ok(())) => r,
            _ => panic!("the VM panicked (a bug in Kitwork; the panic message is above)"),
        }
    })
}
