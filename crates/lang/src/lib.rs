//! Source → bytecode. Knows nothing of the VM: its only Kitwork dependency
//! is `semantics`.
//!
//! | module | owns |
//! |---|---|
//! | [`source`], [`diag`] | files, spans and line:col; diagnostics and their rustc-style rendering |
//! | [`lexer`], [`parser`], [`ast`] | tokens; recursive descent to the syntax tree |
//! | [`lower`], [`predicate`] | the pass that turns `db()` where-lambdas into SQL text |
//! | [`resolve`] | which bindings inner functions capture |
//! | [`compile`], [`facts`], [`bytecode`] | bytecode generation; what the syntax proves about a function; `Op`, `FunctionProto`, `Program` and the disassembler |
//! | [`link`] | a module graph once linked: which cell each import is, the evaluation order |
//!
//! [`compile()`] runs them in that order.

pub mod ast;
pub mod bytecode;
pub mod compile;
pub mod diag;
pub mod facts;
pub mod lexer;
pub mod link;
pub mod lower;
pub mod parser;
pub mod predicate;
pub mod resolve;
pub mod source;

pub use bytecode::Program;
pub use diag::Diagnostic;
pub use source::{SourceFile, Span};
use std::sync::Arc;

/// Compiles one source file: parse, lower the `db()` where-lambdas,
/// resolve captures, generate bytecode. On failure, every diagnostic found
/// by the first stage that found any.
pub fn compile(source: Arc<SourceFile>) -> Result<Program, Vec<Diagnostic>> {
    let (mut ast, diags) = parser::parse_program(&source.text);
    if !diags.is_empty() {
        return Err(diags);
    }
    let diags = lower::where_lambdas(&mut ast);
    if !diags.is_empty() {
        return Err(diags);
    }
    compile::generate(&ast, source)
}

/// Compiles `text` as the file `name`. On failure, the file (to render the
/// diagnostics against) and the diagnostics.
pub fn compile_file(name: &str, text: &str) -> Result<Program, (Arc<SourceFile>, Vec<Diagnostic>)> {
    let source = SourceFile::new(name, text);
    compile(source.clone()).map_err(|d| (source, d))
}
