//! Proves that, once warmed up, running scripts that do arithmetic, use
//! locals, call functions and read properties performs zero heap allocations:
//! a counting global allocator wraps the system one.

use kitwork::vm::{Limits, Outcome, Value, Vm};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator, only counting calls.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

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
    let cold = ALLOCATIONS.load(Ordering::Relaxed);
    run(&mut vm);
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    let result = run(&mut vm);
    (
        before - cold,
        ALLOCATIONS.load(Ordering::Relaxed) - before,
        result,
    )
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
