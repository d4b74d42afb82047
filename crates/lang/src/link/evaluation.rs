//! The order a linked graph's top levels run in, with top-level `await`
//! (ECMA-262 §16.2.1.5.3, Evaluate and InnerModuleEvaluation). A module
//! whose evaluation is asynchronous — it awaits at its top level, or waits
//! for a module that does — does not block the rest: what does not depend
//! on it runs at once, and what does runs when it finishes (the VM's
//! `module_async`). Nothing of the synchronous part depends on what the
//! top levels do except an exception, which ends the evaluation, so the
//! part is planned here, ahead of running anything.

use super::LinkedModule;

/// What the synchronous part of the evaluation does, in order, and what
/// the asynchronous part needs of each module. It keeps where the
/// depth-first walk stands, so `import()` can evaluate a module later.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Evaluation {
    /// The top levels the synchronous part runs or starts, in order.
    pub steps: Vec<Step>,
    /// Per module of the graph.
    pub modules: Vec<ModuleEvaluation>,
    requests: Vec<Vec<usize>>,
    status: Vec<Status>,
    dfs_index: Vec<usize>,
    dfs_ancestor: Vec<usize>,
    stack: Vec<usize>,
    next_async: u32,
}

/// One top level of the synchronous part.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Run module `i`'s top level to its end.
    Run(usize),
    /// Start module `i`'s asynchronous top level (it has top-level `await`
    /// and waits for no other module): it runs to its first `await`.
    Start(usize),
}

/// A module's part in the asynchronous evaluation.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ModuleEvaluation {
    /// It awaits at its top level ([[HasTLA]]).
    pub has_tla: bool,
    /// When its evaluation is asynchronous ([[AsyncEvaluation]]), its
    /// place in the order modules became so: modules that become ready
    /// together run in this order.
    pub async_order: Option<u32>,
    /// The modules waiting for it to finish ([[AsyncParentModules]]; one
    /// may be listed twice, once per request naming this module).
    pub async_parents: Vec<usize>,
    /// How many asynchronous modules it waits for ([[PendingAsyncDependencies]]).
    pub pending: u32,
    /// The first module of its cycle to have been reached ([[CycleRoot]]),
    /// itself when it is in none: an error anywhere in a cycle fails it all.
    pub cycle_root: usize,
    /// Its asynchronous evaluation has finished (the runner says so): a
    /// module evaluated later does not wait for it.
    pub done: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Status {
    New,
    Evaluating,
    Planned,
}

impl Evaluation {
    /// Plans evaluating `entries` one after the other (each entry's
    /// Evaluate(), none waiting for the previous one's promise).
    pub fn plan(graph: &[LinkedModule], entries: &[usize]) -> Evaluation {
        let n = graph.len();
        let mut e = Evaluation {
            steps: Vec::with_capacity(n),
            modules: graph
                .iter()
                .enumerate()
                .map(|(i, m)| ModuleEvaluation {
                    has_tla: m.has_top_level_await(),
                    cycle_root: i,
                    ..ModuleEvaluation::default()
                })
                .collect(),
            requests: graph.iter().map(|m| m.requests.clone()).collect(),
            status: vec![Status::New; n],
            dfs_index: vec![0; n],
            dfs_ancestor: vec![0; n],
            stack: Vec::new(),
            next_async: 0,
        };
        for &m in entries {
            let mut steps = e.evaluate(m);
            e.steps.append(&mut steps);
        }
        e
    }

    /// Evaluate() of module `m` from where the plan stands: the steps it
    /// takes, none when `m` was planned already.
    pub fn evaluate(&mut self, m: usize) -> Vec<Step> {
        let mut steps = Vec::new();
        self.inner(m, 0, &mut steps);
        steps
    }

    /// Whether module `m`'s evaluation is planned (by `plan` or `evaluate`).
    pub fn is_planned(&self, m: usize) -> bool {
        self.status[m] == Status::Planned
    }

    /// The modules module `m` imports.
    pub fn requests(&self, m: usize) -> &[usize] {
        &self.requests[m]
    }

    /// Whether module `i`'s evaluation is asynchronous.
    pub fn is_async(&self, i: usize) -> bool {
        self.modules[i].async_order.is_some()
    }

    /// InnerModuleEvaluation: `m` after what it imports; gives the next
    /// depth-first index.
    fn inner(&mut self, m: usize, mut index: usize, steps: &mut Vec<Step>) -> usize {
        if self.status[m] != Status::New {
            return index;
        }
        self.status[m] = Status::Evaluating;
        self.dfs_index[m] = index;
        self.dfs_ancestor[m] = index;
        index += 1;
        self.stack.push(m);
        for k in 0..self.requests[m].len() {
            let mut required = self.requests[m][k];
            index = self.inner(required, index, steps);
            if self.status[required] == Status::Evaluating {
                self.dfs_ancestor[m] = self.dfs_ancestor[m].min(self.dfs_ancestor[required]);
            } else {
                required = self.modules[required].cycle_root;
            }
            let waits = &self.modules[required];
            if waits.async_order.is_some() && !waits.done {
                self.modules[m].pending += 1;
                self.modules[required].async_parents.push(m);
            }
        }
        let me = &mut self.modules[m];
        if me.pending > 0 || me.has_tla {
            me.async_order = Some(self.next_async);
            self.next_async += 1;
            if me.pending == 0 {
                steps.push(Step::Start(m));
            }
        } else {
            steps.push(Step::Run(m));
        }
        if self.dfs_ancestor[m] == self.dfs_index[m] {
            while let Some(r) = self.stack.pop() {
                self.status[r] = Status::Planned;
                self.modules[r].cycle_root = m;
                if r == m {
                    break;
                }
            }
        }
        index
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    fn module(requests: &[usize], tla: bool) -> LinkedModule {
        let text = if tla {
            "await 0; export {};"
        } else {
            "export {};"
        };
        let program = crate::compile(SourceFile::new("m.js", text)).expect("compiles");
        LinkedModule {
            program,
            links: Vec::new(),
            exports: Vec::new(),
            requests: requests.to_vec(),
            commonjs: false,
            url: String::new(),
            dynamic: Vec::new(),
        }
    }

    #[test]
    fn without_await_every_module_runs_after_its_imports() {
        // 0 imports 1 and 2; 2 imports 1.
        let g = [
            module(&[1, 2], false),
            module(&[], false),
            module(&[1], false),
        ];
        let e = Evaluation::plan(&g, &[0]);
        assert_eq!(e.steps, [Step::Run(1), Step::Run(2), Step::Run(0)]);
        assert!((0..3).all(|i| !e.is_async(i)));
    }

    #[test]
    fn an_awaiting_module_holds_back_only_its_importers() {
        // 0 imports 1 (awaits), then 2 (does not); 3 imports 1 too.
        let g = [
            module(&[1, 2], false),
            module(&[], true),
            module(&[], false),
            module(&[1], false),
        ];
        let e = Evaluation::plan(&g, &[0, 3]);
        assert_eq!(e.steps, [Step::Start(1), Step::Run(2)]);
        assert_eq!(e.modules[1].async_parents, [0, 3]);
        assert_eq!((e.modules[0].pending, e.modules[3].pending), (1, 1));
        assert_eq!(e.modules[0].async_order, Some(1));
        assert_eq!(e.modules[3].async_order, Some(2));
    }

    #[test]
    fn a_cycle_waits_through_its_root() {
        // 0 → 1 → 2 → 1 (a cycle rooted at 1); 2 imports 3, which awaits.
        let g = [
            module(&[1], false),
            module(&[2], false),
            module(&[1, 3], false),
            module(&[], true),
        ];
        let e = Evaluation::plan(&g, &[0]);
        assert_eq!(e.steps, [Step::Start(3)]);
        assert_eq!(e.modules[2].cycle_root, 1);
        assert_eq!(e.modules[1].cycle_root, 1);
        // 0 waits for the cycle's root, which waits for 2, which waits for 3.
        assert_eq!(e.modules[1].async_parents, [0]);
        assert_eq!(e.modules[2].async_parents, [1]);
        assert_eq!(e.modules[3].async_parents, [2]);
    }
}
