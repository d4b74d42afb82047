//! Module resolution: which file an `import` (or `require`) names, as
//! Node resolves it, bounded by the project. Knows nothing of JavaScript
//! beyond specifiers; it reads the file system and `package.json`.
//!
//! | module | owns |
//! |---|---|
//! | [`resolve`] | relative and bare specifiers, file and directory probing, the project boundary |
//! | [`package`] | `package.json`: `exports` (subpaths, patterns, conditions), `module`, `main` |
//! | [`node_builtins`] | the names of Node's built-in modules, which no package here can have |

pub mod node_builtins;
pub mod package;
pub mod resolve;

pub use resolve::{Kind, ResolveError, Resolved, Resolver};
