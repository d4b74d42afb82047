//! Front-end speed: lexing, parsing and compiling a mid-sized script (every
//! script test concatenated into one function body per file).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::path::Path;

fn corpus() -> String {
    let mut out = String::new();
    let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scripts")];
    let mut files = Vec::new();
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                if !p.ends_with("errors") {
                    stack.push(p);
                }
            } else if p.extension().is_some_and(|e| e == "js") {
                files.push(p);
            }
        }
    }
    files.sort();
    for (i, f) in files.iter().enumerate() {
        out.push_str(&format!(
            "function test{i}() {{\n{}\n}}\n",
            std::fs::read_to_string(f).unwrap()
        ));
    }
    out
}

fn front_end(c: &mut Criterion) {
    let src = corpus();
    assert!(
        kitwork::compile_file("corpus.js", &src).is_ok(),
        "the corpus must compile"
    );
    let mut group = c.benchmark_group("front_end");
    group.throughput(Throughput::Bytes(src.len() as u64));
    group.bench_function("lex", |b| {
        b.iter(|| kitwork::lang::lexer::tokenize(&src, 0).0.len())
    });
    group.bench_function("parse", |b| {
        b.iter(|| kitwork::lang::parser::parse_program(&src).0.body.len())
    });
    group.bench_function("compile", |b| {
        b.iter(|| {
            kitwork::compile_file("corpus.js", &src)
                .unwrap()
                .functions
                .len()
        })
    });
    group.finish();
}

criterion_group!(benches, front_end);
criterion_main!(benches);
