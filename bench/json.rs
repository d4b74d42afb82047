//! JSON side by side with serde_json on the same data: Kitwork's
//! `JSON.stringify` writer (the one the gateway uses for responses) against
//! `serde_json::to_writer` of the equivalent `serde_json::Value`, and
//! `JSON.parse` against `serde_json::from_str`, on a ~1 KB and a ~100 KB object.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use kitwork::vm::json::Format;
use kitwork::vm::{Limits, Outcome, Vm};

const BUILD: &str = r#"
function record(i) {
  return { id: i, name: "user" + i, email: `user${i}@example.com`, active: i % 2 === 0, score: i * 1.5, tags: ["a", "b", "c"] };
}
const out = { users: [] };
for (let i = 0; i < COUNT; i++) out.users.push(record(i));
return out;
"#;

fn json(c: &mut Criterion) {
    for (label, count) in [("1k", 7), ("100k", 900)] {
        let src = BUILD.replace("COUNT", &count.to_string());
        let program = kitwork::compile_file("build.js", &src)
            .map_err(|e| e.1)
            .unwrap();
        let mut vm = Vm::new(Limits::default());
        let main = vm.load(&program);
        let Ok(Outcome::Done(value)) = vm.start(main) else {
            panic!("the builder script failed")
        };
        let mut buf = Vec::with_capacity(1 << 20);
        vm.write_json(value, &Format::COMPACT, &mut buf).unwrap();
        let text = String::from_utf8(buf.clone()).unwrap();
        let serde_value: serde_json::Value = serde_json::from_str(&text).unwrap();

        let mut group = c.benchmark_group(format!("json_{label}"));
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function("stringify/kitwork", |b| {
            b.iter(|| {
                buf.clear();
                vm.write_json(value, &Format::COMPACT, &mut buf).unwrap();
                buf.len()
            })
        });
        group.bench_function("stringify/serde_json", |b| {
            b.iter(|| {
                buf.clear();
                serde_json::to_writer(&mut buf, &serde_value).unwrap();
                buf.len()
            })
        });
        // Parsing fills the run's heap, so every iteration starts from a reset
        // (outside the timing) on a second VM.
        let mut parser_vm = Vm::new(Limits::default());
        group.bench_function("parse/kitwork", |b| {
            b.iter_custom(|iters| {
                let mut total = std::time::Duration::ZERO;
                for _ in 0..iters {
                    parser_vm.reset();
                    let start = std::time::Instant::now();
                    std::hint::black_box(parser_vm.parse_json(&text).is_ok());
                    total += start.elapsed();
                }
                total
            })
        });
        group.bench_function("parse/serde_json", |b| {
            b.iter(|| serde_json::from_str::<serde_json::Value>(&text).is_ok())
        });
        group.finish();
    }
}

criterion_group!(benches, json);
criterion_main!(benches);
