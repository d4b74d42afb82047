//! Kitwork: a scriptable, thread-per-core API gateway.
//!
//! | module | owns |
//! |---|---|
//! | [`lang`] | source → bytecode: lexer, parser, resolver, compiler, diagnostics |
//! | [`vm`] | bytecode → values: heap, interpreter, built-ins |
//! | [`config`] | `kitwork.toml` → `Config`, with environment and flag overrides |
//! | [`gateway`] | bytes → responses: per-core workers, HTTP, routing, the `work()` DSL |
//!
//! The embedding API in this file compiles a script and runs it to completion.

pub mod config;
pub mod gateway;
pub mod lang;
pub mod vm;

use lang::{Diagnostic, Program, SourceFile};
use std::sync::Arc;

/// Compiles `text` as the file `name`. On failure, the rendered diagnostics.
pub fn compile_file(name: &str, text: &str) -> Result<Program, (Arc<SourceFile>, Vec<Diagnostic>)> {
    let source = SourceFile::new(name, text);
    lang::compile(source.clone()).map_err(|d| (source, d))
}

/// Runs a compiled program to completion on `vm`, answering `sleep()` by
/// sleeping the thread (the gateway answers it on its executor instead).
pub fn run_to_completion(vm: &mut vm::Vm, program: &Program) -> Result<vm::Value, vm::Uncaught> {
    let main = vm.load(program);
    let mut outcome = vm.start(main)?;
    loop {
        match outcome {
            vm::Outcome::Done(v) => return Ok(v),
            vm::Outcome::Pending(vm::PendingOp::Sleep { ms }) => {
                std::thread::sleep(std::time::Duration::from_secs_f64(ms / 1000.0));
                outcome = vm.resume(vm::Value::Undefined)?;
            }
        }
    }
}
