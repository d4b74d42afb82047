//! Proves that, once warmed up, running scripts that do arithmetic, use
//! locals, call functions and read properties performs zero heap allocations:
//! a counting global allocator wraps the system one.

use kitwork::vm::{Limits, Outcome, Value, Vm};

#[path = "support/counting_alloc.rs"]
mod counting_alloc;
use counting_alloc::allocations;

/// Allocations made by the first and the second run of `src` on one VM.
fn steady_state_allocations(src: &str) -> (usize, usize, f64) {
    let program = kitwork::compile_file("alloc.js", src)
        .map_err(|e| e.1)
        .unwrap();
    let mut vm = Vm::new(Limits::default());
    let main = vm.load(&program);
    let run = |vm: &mut Vm| match vm.start(main) {
        Ok(Outcome::Done(Value::Num(n))) => n,
        other => panic!("unexpected outcome {other:?}"),
    };
    let cold = allocations();
    run(&mut vm);
    let before = allocations();
    let result = run(&mut vm);
    (before - cold, allocations() - before, result)
}

// The test harness runs tests on several threads and they all share the
// counter, so every case lives in this one test.
#[test]
fn warm_runs_do_not_allocate() {
    let cases = [
        (
            "arithmetic and locals",
            "let s = 0; for (let i = 0; i < 100000; i++) { s += i * 2 % 7 - (i >> 1); } return s;",
        ),
        (
            "calls and recursion",
            "function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); } return fib(20);",
        ),
        (
            "property reads and writes",
            "const o = { a: 1, b: 2, c: 3 }; let t = 0;
             for (let i = 0; i < 10000; i++) { o.a = (o.a + o.b + o.c) % 1000; t += o.a + o['b']; }
             return t;",
        ),
        (
            "closures, objects, arrays and strings in the arena",
            "function handler(req) { const { id, items } = req; let total = 0;
               for (let i = 0; i < items.length; i++) total += items[i];
               return { status: 200, id, total, label: `user-${id}` }; }
             let acc = 0;
             for (let i = 0; i < 2000; i++) { const r = handler({ id: i, items: [i % 10, 2, 3] }); acc += r.total + r.label.length; }
             const add = x => y => x + y;
             return acc + add(1)(2);",
        ),
    ];
    for (name, src) in cases {
        let (cold, allocations, result) = steady_state_allocations(src);
        assert!(
            result.is_finite(),
            "{name}: the script must produce a number"
        );
        if name.contains("arena") {
            // The counter works: a cold run has buffers to grow.
            assert!(cold > 0, "{name}: the first run should allocate");
        }
        assert_eq!(
            allocations, 0,
            "{name}: a warm run allocated {allocations} times"
        );
    }
}
