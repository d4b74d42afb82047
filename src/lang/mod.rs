//! Source → bytecode: lexer, parser, resolver, compiler, diagnostics.
//! Knows nothing of the VM.

pub mod ast;
pub mod bytecode;
pub mod compile;
pub mod diag;
pub mod lexer;
pub mod parser;
pub mod predicate;
pub mod resolve;
pub mod source;

pub use bytecode::Program;
pub use compile::compile;
pub use diag::Diagnostic;
pub use source::{SourceFile, Span};
