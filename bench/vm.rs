//! One criterion bench per program in `bench/scripts/*.js` (the same
//! programs the anchors run in ../shared/bench/vm/js) and `bench/std/*.js`
//! (the standard-library workloads). Compiling and linking happen in setup;
//! the timed part is one whole run on a warm VM.

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use kitwork::vm::{Limits, Outcome, Vm};
use std::path::Path;

fn scripts(c: &mut Criterion) {
    programs(c, "bench/scripts", "vm");
    programs(c, "bench/std", "std");
}

/// One bench per `.js` file in `folder`, in the group `group`.
fn programs(c: &mut Criterion, folder: &str, group: &str) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(folder);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let mut group = c.benchmark_group(group);
    group.sample_size(10);
    for path in files
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "js"))
    {
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        let src = std::fs::read_to_string(path).unwrap();
        let program = kitwork::compile_file(&name, &src).map_err(|e| e.1).unwrap();
        let mut vm = Vm::new(Limits {
            memory: 2 << 30,
            ..Limits::default()
        });
        vm.out = Box::new(std::io::sink());
        let main = vm.load(&program);
        group.bench_function(&name, |b| {
            b.iter_batched(
                || (),
                |()| match vm.start(main) {
                    Ok(Outcome::Done(v)) => v,
                    other => panic!("{name}: {other:?}"),
                },
                BatchSize::PerIteration,
            )
        });
    }
    group.finish();
}

criterion_group!(benches, scripts);
criterion_main!(benches);
