//! The collector: a long run with it reuses what it no longer reaches, keeps
//! everything it does reach, and leaves the instruction budget exact.

#[path = "support/captured.rs"]
mod captured;

use captured::Captured;
use kitwork::vm::{Budget, Limits, Outcome, Value, Vm};

fn vm_for(src: &str, limits: Limits, collecting: bool) -> (Vm, kitwork::lang::bytecode::FuncIdx) {
    let program = kitwork::compile_file("collect.js", src)
        .map_err(|e| e.1)
        .unwrap();
    let mut vm = Vm::new(limits);
    if collecting {
        vm.enable_collector(1000);
    }
    let main = vm.load(&program);
    (vm, main)
}

fn number(outcome: Outcome) -> f64 {
    match outcome {
        Outcome::Done(Value::Num(n)) => n,
        other => panic!("expected a number, got {other:?}"),
    }
}

/// 200,000 short-lived objects, arrays and closures: far over a 4 MB
/// budget without the collector (the test checks that it fails).
const GARBAGE: &str = "
    let total = 0;
    for (let i = 0; i < 200000; i++) {
        const o = { id: i, items: [i % 10, 2, 3], f: () => i };
        total += o.items[0] + o.f() % 2;
    }
    return total;";

#[test]
fn a_loop_of_garbage_fits_a_budget_it_would_otherwise_exceed() {
    let limits = Limits {
        memory: 4 << 20,
        ..Limits::default()
    };
    let (mut vm, main) = vm_for(GARBAGE, limits, true);
    assert_eq!(number(vm.start(main).unwrap()), 1_000_000.0);
    assert!(
        vm.heap.live_objects() < 100_000,
        "{} objects alive at the end",
        vm.heap.live_objects()
    );

    let (mut vm, main) = vm_for(GARBAGE, limits, false);
    let e = vm.start(main).unwrap_err();
    assert_eq!(e.budget, Some(Budget::Memory), "{}", e.report);
}

#[test]
fn everything_reachable_survives_many_collections() {
    // A linked list and a map of closures grow while garbage is made, with
    // a collection at every chance; then every node and closure is read.
    let src = "
        let head = null;
        const fns = {};
        for (let i = 0; i < 30000; i++) {
            const junk = [{ a: i }, { b: i }];
            head = { value: i, next: head, tag: `n${i}` };
            if (i % 100 === 0) { let c = i; fns['k' + i] = () => c + junk.length; }
        }
        let sum = 0, n = 0;
        for (let p = head; p; p = p.next) { sum += p.value; n += p.tag.length > 1 ? 1 : 0; }
        for (const k of Object.keys(fns)) sum += fns[k]();
        return sum + n;";
    let (mut vm, main) = vm_for(src, Limits::default(), true);
    vm.heap.collect_every(1);
    // 0+…+29999, + (0+100+…+29900 + 2·300), + 30000 tags.
    let expected = 449_985_000.0 + (4_485_000.0 + 600.0) + 30_000.0;
    assert_eq!(number(vm.start(main).unwrap()), expected);
}

#[test]
fn callbacks_of_array_methods_collect_and_keep_their_results() {
    // map/filter/reduce callbacks make 40,000 objects each under a 2 MB
    // budget, collecting at every chance: what the natives hold (their
    // result arrays, the accumulator) must survive; a sort comparator,
    // whose native holds values of its own, runs without collecting.
    let src = "
        const xs = [];
        for (let i = 0; i < 20000; i++) xs.push(i);
        const ys = xs.map(x => ({ v: [x, x] }).v[1]);
        const odd = xs.filter(x => ({ odd: [x % 2] }).odd[0] === 1);
        const sum = ys.reduce((acc, y) => ({ total: acc.total + y }), { total: 0 }).total;
        const sorted = [3, 1, 2].sort((a, b) => [a - b][0]);
        return sum + odd.length + ys[19999] + sorted[0];";
    let limits = Limits {
        memory: 2 << 20,
        ..Limits::default()
    };
    let (mut vm, main) = vm_for(src, limits, true);
    vm.heap.collect_every(1);
    assert_eq!(
        number(vm.start(main).unwrap()),
        199_990_000.0 + 10_000.0 + 19_999.0 + 1.0
    );

    let (mut vm, main) = vm_for(src, limits, false);
    let e = vm.start(main).unwrap_err();
    assert_eq!(e.budget, Some(Budget::Memory), "{}", e.report);
}

#[test]
fn the_instruction_budget_is_exact_in_slices() {
    let src = "let i = 0; while (true) { i++; }";
    for collecting in [false, true] {
        let limits = Limits {
            instructions: 10_001,
            ..Limits::default()
        };
        let (mut vm, main) = vm_for(src, limits, collecting);
        let e = vm.start(main).unwrap_err();
        assert_eq!(e.budget, Some(Budget::Instructions), "{}", e.report);
        assert!(
            e.report.contains("budget is 10001 instructions"),
            "{}",
            e.report
        );
        assert_eq!(vm.fuel_left(), 0);
    }
    // A run that ends inside its budget reports the same fuel left either way.
    let left = |collecting| {
        let limits = Limits {
            instructions: 100_000,
            ..Limits::default()
        };
        let (mut vm, main) = vm_for(
            "let s = 0; for (let i = 0; i < 3000; i++) s += i; return s;",
            limits,
            collecting,
        );
        assert_eq!(number(vm.start(main).unwrap()), 4_498_500.0);
        vm.fuel_left()
    };
    assert_eq!(left(false), left(true));
}

#[test]
fn go_and_defer_functions_collect_but_parallel_branches_wait() {
    // `go()` and `defer()` run after the script's own run ended, so they may
    // collect; `parallel()` branches run while the caller waits parked, so
    // they may not — their garbage stays until the branches end.
    let src = "
        const churn = (n) => { let t = 0; for (let i = 0; i < n; i++) t += [{ i }][0].i % 2; return t; };
        go(() => console.log('go', churn(100000)));
        defer(() => console.log('defer', churn(100000)));
        const [a, b] = parallel([() => churn(1000), () => churn(1000)]);
        console.log('parallel', a + b);";
    let program = kitwork::compile_file("go.js", src)
        .map_err(|e| e.1)
        .unwrap();
    let run = |memory: usize| {
        let mut vm = Vm::new(Limits {
            memory,
            ..Limits::default()
        });
        vm.enable_collector(1000);
        let out = Captured::default();
        vm.out = Box::new(out.clone());
        let r = kitwork::run_with(&mut vm, &program, &kitwork::runtime::Setup::new());
        (r.map(|_| ()).map_err(|e| e.report), out.text())
    };
    // 100,000 iterations make about 20 MB; 4 MB is enough with collections.
    let (r, text) = run(4 << 20);
    assert_eq!(r, Ok(()));
    assert_eq!(text, "parallel 1000\ndefer 50000\ngo 50000\n");
}

#[test]
fn string_buffers_no_live_string_points_into_are_reused() {
    // 200,000 template strings (2.7 MB of text) under a 1 MB budget,
    // while a few of them stay reachable and must keep their text.
    let src = "
        const kept = [];
        let n = 0;
        for (let i = 0; i < 200000; i++) {
            const s = `user-${i}-${'x'.repeat(i % 5)}`;
            n += s.length;
            if (i % 50000 === 0) kept.push(s);
        }
        return n + kept.join(',').length * 1000000 + (kept[3] === 'user-150000-' ? 1e12 : 0);";
    let limits = Limits {
        memory: 1 << 20,
        ..Limits::default()
    };
    let lengths: usize = (0..200_000)
        .map(|i: usize| format!("user-{i}-").len() + i % 5)
        .sum();
    let joined = "user-0-,user-50000-,user-100000-,user-150000-".len();
    // At every chance, and when the bytes charged since the last
    // collection call for one (few objects are made here).
    for every_chance in [true, false] {
        let (mut vm, main) = vm_for(src, limits, true);
        if every_chance {
            vm.heap.collect_every(1);
        }
        assert_eq!(
            number(vm.start(main).unwrap()),
            lengths as f64 + joined as f64 * 1e6 + 1e12
        );
        // 2.7 MB of text fills 165 buffers of 16 KiB without reuse.
        assert!(
            vm.heap.string_buffers() < 64,
            "{} buffers",
            vm.heap.string_buffers()
        );
    }

    let (mut vm, main) = vm_for(src, limits, false);
    let e = vm.start(main).unwrap_err();
    assert_eq!(e.budget, Some(Budget::Memory), "{}", e.report);
}
