//! Modules: which file an `import` (or `require`) names, as Node resolves
//! it, bounded by the project; and the graph of compiled modules linked
//! to each other (`lang::link`), which the VM instantiates.
//!
//! | module | owns |
//! |---|---|
//! | [`resolve`] | relative and bare specifiers, file and directory probing, the project boundary |
//! | [`package`] | `package.json`: `exports` (subpaths, patterns, conditions), `module`, `main` |
//! | [`node_builtins`] | the names of Node's built-in modules, which no package here can have |
//! | [`graph`] | the module graph from the entry files: read, compile, link each import to its binding, the evaluation order |
//! | [`wrap`] | JSON and CommonJS files as the module source that means them |

pub mod graph;
pub mod node_builtins;
pub mod package;
pub mod resolve;
pub mod wrap;

pub use resolve::{Kind, ResolveError, Resolved, Resolver};
