//! A module graph once linked, as plain data: every compiled file, which
//! cell each of a module's environment bindings is (its own, or another
//! module's: the live binding of an import), what each module exports,
//! and the order the top levels run in. `kitwork-modules` builds it from
//! files; the VM instantiates it (`vm::module_graph`).

pub mod evaluation;

use crate::bytecode::Program;
pub use evaluation::{Evaluation, Step};

/// Where one environment binding (or export) of a module is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Link {
    /// The module's own binding: a new cell.
    Own,
    /// Environment binding `env` of module `module`.
    Cell { module: usize, env: u16 },
    /// The namespace object of module `module`.
    Namespace(usize),
}

/// One file of the graph.
#[derive(Clone, Debug)]
pub struct LinkedModule {
    pub program: Program,
    /// Per `ModuleInfo::env` binding, in order (empty for a script).
    pub links: Vec<Link>,
    /// Every name the module exports (also through `export *`), sorted as
    /// its namespace object lists them, and where each binding is.
    pub exports: Vec<(String, Link)>,
    /// The module each of its requests names (`ModuleInfo::requests`).
    pub requests: Vec<usize>,
    /// A CommonJS file: its body runs when first asked for, through the
    /// function it exports as `__kw_load` (`kitwork-modules`' `wrap`).
    pub commonjs: bool,
    /// Its `file://` URL (`import.meta.url`).
    pub url: String,
    /// Its `import()` specifiers (the string literals in them) and the
    /// module each names, or why none does (the call's rejection).
    pub dynamic: Vec<(String, Result<usize, String>)>,
}

impl LinkedModule {
    /// Its top level awaits: it runs as an async function.
    pub fn has_top_level_await(&self) -> bool {
        self.program.module.is_some() && self.program.functions[0].is_async
    }
}

impl LinkedGraph {
    /// Makes every module an entry, evaluated after the entries asked
    /// for: the modules only `import()` names too (the gateway's load, so
    /// that a request's `import()` finds its module evaluated).
    pub fn plan_every_module(&mut self) {
        for i in 0..self.modules.len() {
            if !self.entries.contains(&i) {
                self.entries.push(i);
            }
        }
        self.evaluation = Evaluation::plan(&self.modules, &self.entries);
    }
}

/// Every module reachable from the entries, linked.
#[derive(Clone, Debug, Default)]
pub struct LinkedGraph {
    pub modules: Vec<LinkedModule>,
    /// The order the top levels run in: each module after those it
    /// imports (depth first, in the order of the requests), once, and
    /// what waits for a module's top-level `await`.
    pub evaluation: Evaluation,
    /// The files asked for, by index into `modules`, in the order given.
    pub entries: Vec<usize>,
}
