//! Module state in the gateway: every module of a work folder runs once
//! per generation on each VM, and what it made is shared by every request
//! that VM serves. A request reads it (handlers, helpers, tables) but may
//! not change it: assigning a top-level variable or changing an object or
//! a Map a module made is a TypeError that says why, never a value that
//! silently resets or leaks into the next request. Each request still
//! starts on a fresh heap.

use kitwork::gateway::core::{CoreConfig, InProcess};
use kitwork::vm::Limits;

const SCRIPTS: &[(&str, &str)] = &[
    (
        "work/hello.js",
        r#"work("Hello").get("/hello", () => ({ message: "hello", list: [1, 2, 3] }));"#,
    ),
    (
        "work/count.js",
        r#"let hits = 0; work("Count").get("/count", () => ({ hits: ++hits }));"#,
    ),
    (
        "work/cache.js",
        r#"const seen = new Map(); const totals = { n: 0 };
work("Cache")
  .get("/map", () => { seen.set("k", 1); return "set"; })
  .get("/object", () => { totals.n += 1; return totals; })
  .get("/read", () => ({ size: seen.size, n: totals.n }));"#,
    ),
    (
        "work/heavy.js",
        r#"let total = 0;
for (let i = 0; i < 100000; i++) total += i;
work("Heavy").get("/heavy", () => total);"#,
    ),
    (
        "work/kinds.js",
        r#"function* counter() { let i = 0; while (true) yield i++; }
const ids = counter();
const born = new Date(0);
const bytes = new Uint8Array(4);
const never = new Promise(() => {});
const done = Promise.resolve(7);
const letters = ["a", "b"].values();
work("Kinds")
  .get("/generator", () => ids.next().value)
  .get("/date", () => { born.setFullYear(2000); return born; })
  .get("/bytes", () => { bytes[0] = 1; return [...bytes]; })
  .get("/pending", () => { never.then(() => 1); return "then"; })
  .get("/settled", () => { done.then(() => 1); return "then"; })
  .get("/iterator", () => letters.next().value)
  .get("/reads", () => ({ year: born.getUTCFullYear(), bytes: [...bytes] }));"#,
    ),
    (
        "work/greet.js",
        r#"import { greet, names } from "../lib/greeting.js";
work("Greet").get("/greet/:n", () => ({ text: greet(params("n")), known: names.includes(params("n")) }));"#,
    ),
    (
        "lib/greeting.js",
        r#"export const names = ["ann", "bob"];
export function greet(n) { return `hi ${n}`; }"#,
    ),
    (
        "work/awaited.js",
        r#"import { table } from "../lib/table.js";
const n = await Promise.resolve(5);
work("Awaited").get("/awaited", () => ({ n, rows: table.rows }));"#,
    ),
    (
        "work/lazy.js",
        r#"work("Lazy").get("/lazy", async () => {
  const m = await import("../lib/lazy_table.js");
  return { table: m.table, same: m === (await import("../lib/lazy_table.js")) };
});"#,
    ),
    (
        "lib/lazy_table.js",
        r#"export const table = { lazy: true, made: ["at load"] };"#,
    ),
    (
        "lib/table.js",
        r#"export const table = await Promise.resolve(1).then((r) => ({ rows: r + 1 }));"#,
    ),
];

fn gateway() -> InProcess {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("kitwork-module-state-{}-{n}", std::process::id()));
    for (name, text) in SCRIPTS {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let generation = kitwork::gateway::load(&dir.join("work")).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let mut config = CoreConfig::new(Limits {
        instructions: 100_000,
        memory: 64 << 10,
    });
    config.dev = true;
    // A small heap: a worker that kept one request's objects into the next
    // would run out within the loop below.
    InProcess::new(generation, config)
}

fn get(gw: &InProcess, path: &str) -> String {
    let raw = format!("GET {path} HTTP/1.1\r\nHost: t\r\n\r\n");
    let mut out = Vec::new();
    assert_eq!(gw.serve(raw.as_bytes(), &mut out), raw.len());
    String::from_utf8(out).unwrap()
}

#[test]
fn every_request_starts_on_a_fresh_heap() {
    let gw = gateway();
    for i in 0..2_000 {
        let hello = get(&gw, "/hello");
        assert!(
            hello.starts_with("HTTP/1.1 200 OK")
                && hello.ends_with(r#"{"message":"hello","list":[1,2,3]}"#),
            "request {i}: {hello}"
        );
    }
}

#[test]
fn a_top_level_runs_under_the_load_budget_not_the_request_budget() {
    // Its loop costs several times the 100,000 instructions a request may
    // spend here; it ran within the load's budget, and so it must on
    // every worker.
    let r = get(&gateway(), "/heavy");
    assert!(
        r.starts_with("HTTP/1.1 200") && r.ends_with("4999950000"),
        "{r}"
    );
}

#[test]
fn handlers_read_what_modules_made_and_imported() {
    let gw = gateway();
    for _ in 0..3 {
        let r = get(&gw, "/greet/ann");
        assert!(r.ends_with(r#"{"text":"hi ann","known":true}"#), "{r}");
        let r = get(&gw, "/greet/zed");
        assert!(r.ends_with(r#"{"text":"hi zed","known":false}"#), "{r}");
    }
}

#[test]
fn modules_that_await_at_the_top_level_serve_what_they_awaited() {
    // The route is declared after the module's `await`, from a promise
    // job, and still belongs to its file.
    let r = get(&gateway(), "/awaited");
    assert!(
        r.starts_with("HTTP/1.1 200") && r.ends_with(r#"{"n":5,"rows":2}"#),
        "{r}"
    );
}

#[test]
fn a_module_only_import_names_runs_at_load_and_requests_import_it() {
    // Evaluated with the generation, not by the first request (whose
    // heap would not keep it): every request gets the same namespace.
    let gw = gateway();
    for _ in 0..3 {
        let r = get(&gw, "/lazy");
        assert!(
            r.starts_with("HTTP/1.1 200")
                && r.ends_with(r#"{"table":{"lazy":true,"made":["at load"]},"same":true}"#),
            "{r}"
        );
    }
}

#[test]
fn changing_module_state_is_a_type_error_that_says_why() {
    let gw = gateway();
    for path in ["/count", "/map", "/object"] {
        for _ in 0..2 {
            let r = get(&gw, path);
            assert!(r.starts_with("HTTP/1.1 500"), "{path}: {r}");
            assert!(
                r.contains("TypeError: cannot ")
                    && r.contains("module state is read-only while serving"),
                "{path}: {r}"
            );
        }
    }
    // Nothing changed.
    let r = get(&gw, "/read");
    assert!(r.ends_with(r#"{"size":0,"n":0}"#), "{r}");
}

#[test]
fn generators_dates_binary_data_and_pending_promises_of_modules_are_refused_too() {
    let gw = gateway();
    for (path, what) in [
        ("/generator", "resume a generator"),
        ("/date", "change a Date"),
        ("/bytes", "change an ArrayBuffer"),
        ("/pending", "wait on a pending promise"),
        ("/iterator", "step an iterator"),
    ] {
        let r = get(&gw, path);
        assert!(r.starts_with("HTTP/1.1 500"), "{path}: {r}");
        assert!(
            r.contains(&format!("TypeError: cannot {what}")),
            "{path}: {r}"
        );
    }
    // A settled promise's then() changes nothing of it.
    assert!(get(&gw, "/settled").ends_with("then"));
    let r = get(&gw, "/reads");
    assert!(r.ends_with(r#"{"year":1970,"bytes":[0,0,0,0]}"#), "{r}");
}
