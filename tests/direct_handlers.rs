//! Direct handlers (gateway/direct.rs): a worker that calls a route's
//! handler without re-running the script's top level must answer exactly
//! as if it had run it — a fresh heap per request, top-level state per
//! request, top-level effects on every request.

use kitwork::gateway::core::{CoreConfig, InProcess};
use kitwork::vm::Limits;

const SCRIPTS: &[(&str, &str)] = &[
    (
        "hello.js",
        r#"work("Hello").get("/hello", () => ({ message: "hello", list: [1, 2, 3] }));"#,
    ),
    (
        "count.js",
        r#"let hits = 0; work("Count").get("/count", () => ({ hits: ++hits }));"#,
    ),
    (
        "top.js",
        r#"header("X-Top", "yes"); work("Top").get("/top", () => "ok");"#,
    ),
    (
        "helper.js",
        r#"const greet = (n) => `hi ${n}`; work("Greet").get("/greet/:n", () => greet(params("n")));"#,
    ),
];

fn gateway() -> InProcess {
    let dir = std::env::temp_dir().join(format!("kitwork-direct-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (name, text) in SCRIPTS {
        std::fs::write(dir.join(name), text).unwrap();
    }
    let generation = kitwork::gateway::load(&dir).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    // A small heap: a worker that kept one request's objects into the next
    // would run out within the loop below.
    InProcess::new(
        generation,
        CoreConfig::new(Limits {
            instructions: 100_000,
            memory: 64 << 10,
        }),
    )
}

fn get(gw: &InProcess, path: &str) -> String {
    let raw = format!("GET {path} HTTP/1.1\r\nHost: t\r\n\r\n");
    let mut out = Vec::new();
    assert_eq!(gw.serve(raw.as_bytes(), &mut out), raw.len());
    String::from_utf8(out).unwrap()
}

#[test]
fn every_request_starts_fresh() {
    let gw = gateway();
    for i in 0..2_000 {
        let hello = get(&gw, "/hello");
        assert!(
            hello.starts_with("HTTP/1.1 200 OK")
                && hello.ends_with(r#"{"message":"hello","list":[1,2,3]}"#),
            "request {i}: {hello}"
        );
    }
    for _ in 0..3 {
        assert!(get(&gw, "/count").ends_with(r#"{"hits":1}"#));
        let top = get(&gw, "/top");
        assert!(
            top.contains("X-Top: yes\r\n") && top.ends_with("ok"),
            "{top}"
        );
        assert!(get(&gw, "/greet/ann").ends_with("hi ann"));
    }
}
