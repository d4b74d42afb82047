//! Direct handlers. A request normally runs its script's top level, which
//! declares the routes and hands over the wanted route's handler, then calls
//! the handler. When the top level does nothing but declare (`work(...)`
//! chains with literal arguments: `lang::facts` proves it at compile time)
//! and the handler captures no variable, the
//! top level would hand over the same function every time with nothing else
//! changed: a worker then makes that closure itself and calls it
//! (docs/ARCHITECTURE.md, *Measured choices*).

use lang::bytecode::FuncIdx;
use vm::heap::Class;
use vm::{Value, Vm};

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
            Some(fi) if vm.facts(main).only_declares_routes => Direct::Yes(fi),
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

#[cfg(test)]
mod tests {
    fn declares(src: &str) -> bool {
        let program = lang::compile_file("t.js", src).unwrap_or_else(|_| panic!("{src}"));
        program.functions[0].facts.only_declares_routes
    }

    /// A script of `work()` chains with literal arguments is recognised,
    /// anything else is not.
    #[test]
    fn recognises_work_chains_and_nothing_else() {
        assert!(declares(
            r#"work("A").get("/", () => ({ message: "hi" }));"#
        ));
        assert!(declares(
            r#"work("B").router("GET", "/b").handle((req) => req.path).version("1.0");"#
        ));
        assert!(declares(
            r#"work("E").get("/", () => 1, { limit: [1, -2, `x`] });"#
        ));
        assert!(!declares(r#"let n = 0; work("C").get("/", () => ++n);"#));
        assert!(!declares(r#"console.log(1); work("D").get("/", () => 1);"#));
        assert!(!declares(r#"work("F").get(path, () => 1);"#));
        assert!(!declares(r#"work("G").get(`/${1}`, () => 1);"#));
        assert!(!declares(r#"other("H").get("/", () => 1);"#));
    }
}
