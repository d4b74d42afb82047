//! The embedding API: a run that suspends inside nested calls, loops and
//! try/finally returns `Outcome::Pending`, and `resume` continues exactly
//! where it stopped with the host's answer.

use kitwork::vm::{ErrorKind, Limits, Outcome, PendingOp, Value, Vm};

fn load(src: &str) -> (Vm, kitwork::lang::bytecode::FuncIdx) {
    let program = kitwork::compile_file("resume.js", src)
        .map_err(|e| e.1)
        .unwrap();
    let mut vm = Vm::new(Limits::default());
    let main = vm.load(&program);
    (vm, main)
}

#[test]
fn suspends_inside_nested_calls_and_loops_and_resumes_with_answers() {
    let src = "
        function fetch(i) { const got = sleep(i); return got * 10; }
        function sum(n) {
            let total = 0;
            for (let i = 1; i <= n; i++) {
                try { total += fetch(i); } finally { total += 1; }
            }
            return total;
        }
        return sum(3);";
    let (mut vm, main) = load(src);
    let mut outcome = vm.start(main).unwrap();
    let mut asked = Vec::new();
    loop {
        match outcome {
            Outcome::Pending(PendingOp::Sleep { ms }) => {
                asked.push(ms);
                // The host answers with its own value: ms + 100.
                outcome = vm.resume(Value::Num(ms + 100.0)).unwrap();
            }
            Outcome::Done(v) => {
                assert_eq!(asked, vec![1.0, 2.0, 3.0]);
                // (101 + 102 + 103) * 10 + 3 finally blocks.
                assert!(matches!(v, Value::Num(n) if n == 3063.0), "{v:?}");
                return;
            }
            Outcome::Pending(other) => panic!("unexpected wait {other:?}"),
        }
    }
}

#[test]
fn a_failed_wait_is_a_catchable_error_at_the_call() {
    let src = "
        let log = [];
        try { sleep(5); log.push('not here'); } catch (e) { log.push(e.name + ': ' + e.message); }
        return log.join();";
    let (mut vm, main) = load(src);
    let Outcome::Pending(_) = vm.start(main).unwrap() else {
        panic!("expected a suspension")
    };
    let done = vm
        .resume_with_error(ErrorKind::Error, "connection refused")
        .unwrap();
    let Outcome::Done(v) = done else {
        panic!("expected completion")
    };
    assert_eq!(vm.heap.str(v), Some("Error: connection refused"));
}

#[test]
fn a_vm_runs_again_after_an_uncaught_error() {
    let (mut vm, main) = load("const o = {}; return o.a.b;");
    let err = vm.start(main).unwrap_err();
    assert!(
        err.report
            .starts_with("Uncaught TypeError: Cannot read properties of undefined (reading 'b')"),
        "{}",
        err.report
    );
    assert!(
        err.report.contains("at <main> (resume.js:1:"),
        "{}",
        err.report
    );
    let (mut vm2, main2) = load("return 6 * 7;");
    let Outcome::Done(v) = vm2.start(main2).unwrap() else {
        panic!()
    };
    assert!(matches!(v, Value::Num(n) if n == 42.0));
    let err = vm.start(main).unwrap_err();
    assert!(err.report.contains("reading 'b'"));
}

#[test]
fn instruction_budget_is_per_run() {
    let program = kitwork::compile_file("b.js", "let i = 0; while (i < 1000) i++; return i;")
        .map_err(|e| e.1)
        .unwrap();
    let mut vm = Vm::new(Limits {
        instructions: 10_000,
        ..Limits::default()
    });
    let main = vm.load(&program);
    for _ in 0..3 {
        assert!(matches!(vm.start(main), Ok(Outcome::Done(Value::Num(n))) if n == 1000.0));
    }
    vm.limits.instructions = 500;
    let err = vm.start(main).unwrap_err();
    assert!(
        err.report.contains("instruction budget exhausted"),
        "{}",
        err.report
    );
}
