//! Direct handlers. A request normally runs its script's top level, which
//! declares the routes and hands over the wanted route's handler, then calls
//! the handler. When the top level does nothing but declare (`work(...)`
//! chains with literal arguments) and the handler captures no variable, the
//! top level would hand over the same function every time with nothing else
//! changed: a worker then makes that closure itself and calls it. On the
//! hello route that halved the in-process request path (criterion
//! `request/hello`, 1.31 → 0.69 µs, see docs/ARCHITECTURE.md).

use crate::lang::bytecode::{FuncIdx, Name, Op};
use crate::vm::heap::Class;
use crate::vm::{Value, Vm};

/// What a worker has learned about calling a route's handler directly.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Direct {
    /// Not served yet.
    Unknown,
    /// Its top level must run on every request.
    No,
    /// Call function `.0` with no captures.
    Yes(u32),
}

/// Per script, per route ordinal.
#[derive(Default)]
pub struct DirectRoutes {
    scripts: Vec<Vec<Direct>>,
}

impl DirectRoutes {
    pub fn get(&self, script: usize, ordinal: usize) -> Direct {
        self.scripts
            .get(script)
            .and_then(|s| s.get(ordinal))
            .copied()
            .unwrap_or(Direct::Unknown)
    }

    /// Records what the first run of a route showed: `handler` is what its
    /// top level handed over (none for the file form).
    pub fn learn(
        &mut self,
        vm: &Vm,
        main: FuncIdx,
        script: usize,
        ordinal: usize,
        handler: Option<Value>,
    ) {
        let direct = match handler.and_then(|h| captureless_function(vm, h)) {
            Some(fi) if only_declares(vm, main) => Direct::Yes(fi),
            _ => Direct::No,
        };
        if self.scripts.len() <= script {
            self.scripts.resize_with(script + 1, Vec::new);
        }
        let routes = &mut self.scripts[script];
        if routes.len() <= ordinal {
            routes.resize(ordinal + 1, Direct::Unknown);
        }
        routes[ordinal] = direct;
    }
}

/// The function of a script closure that captured nothing.
fn captureless_function(vm: &Vm, v: Value) -> Option<u32> {
    let Value::Obj(id) = v else { return None };
    let obj = vm.heap.obj(id);
    match obj.class {
        Class::Closure(fi) if obj.elems.is_empty() && obj.props.is_empty() => Some(fi),
        _ => None,
    }
}

/// What the straight-line walk in `only_declares` knows about a stack slot.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    /// The global `work`.
    Work,
    /// What `work(...)` or a builder method returned.
    Builder,
    /// A method read off a builder.
    Method,
    /// A constant, a function expression (never called here) or a literal.
    Inert,
}

/// Whether `main` does nothing but evaluate `work(...)` builder chains:
/// straight-line code (no jumps, no variables) whose only global is `work`
/// and whose every call goes to `work` or to a method of what a call
/// returned, with constants, function expressions and object or array
/// literals of those as arguments.
fn only_declares(vm: &Vm, main: FuncIdx) -> bool {
    let f = &vm.funcs[main.0 as usize];
    let mut stack: Vec<Kind> = Vec::new();
    for op in f.code.iter() {
        match *op {
            Op::LoadGlobal(Name(a)) if vm.heap.atom_str(a) == "work" => stack.push(Kind::Work),
            Op::LoadGlobalUndef(Name(a)) if vm.heap.atom_str(a) == "work" => {
                stack.extend([Kind::Work, Kind::Inert])
            }
            Op::Const(_)
            | Op::Int(_)
            | Op::Undef
            | Op::Null
            | Op::True
            | Op::False
            | Op::Closure(_)
            | Op::NewObject(_)
            | Op::NewArray(_) => stack.push(Kind::Inert),
            Op::InitField(_) | Op::ArrayPush => {
                if stack.pop() != Some(Kind::Inert) || stack.last() != Some(&Kind::Inert) {
                    return false;
                }
            }
            Op::GetMethod(_) => {
                if stack.pop() != Some(Kind::Builder) {
                    return false;
                }
                stack.extend([Kind::Method, Kind::Builder]);
            }
            Op::Call(argc) => {
                let argc = argc as usize;
                if stack.len() < argc + 2 {
                    return false;
                }
                let callee = stack[stack.len() - argc - 2];
                let args = &stack[stack.len() - argc..];
                if !matches!(callee, Kind::Work | Kind::Method)
                    || args.iter().any(|k| *k != Kind::Inert)
                {
                    return false;
                }
                stack.truncate(stack.len() - argc - 2);
                stack.push(Kind::Builder);
            }
            Op::Pop => {
                if stack.pop().is_none() {
                    return false;
                }
            }
            Op::Return => return true,
            _ => return false,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::only_declares;
    use crate::vm::{Limits, Vm};

    fn declares(src: &str) -> bool {
        let program = crate::compile_file("t.js", src).unwrap_or_else(|_| panic!("{src}"));
        let mut vm = Vm::with_natives(Limits::default(), crate::gateway::work::install);
        let main = vm.load(&program);
        only_declares(&vm, main)
    }

    /// The bytecode check must keep up with the compiler's fused ops: a
    /// script of `work()` chains is recognised, anything else is not.
    #[test]
    fn recognises_work_chains_and_nothing_else() {
        assert!(declares(
            r#"work("A").get("/", () => ({ message: "hi" }));"#
        ));
        assert!(declares(
            r#"work("B").router("GET", "/b").handle((req) => req.path).version("1.0");"#
        ));
        assert!(!declares(r#"let n = 0; work("C").get("/", () => ++n);"#));
        assert!(!declares(r#"console.log(1); work("D").get("/", () => 1);"#));
    }
}
