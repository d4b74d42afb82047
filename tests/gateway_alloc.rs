//! Proves that, once warm, the in-process request path — parse → route →
//! run the handler → serialize → write the response — performs zero heap
//! allocations per request, for the hello route, for a route that builds
//! a 10-field object, and for responses of two content types in turn. A counting global allocator wraps the system one.

use kitwork::gateway::core::{CoreConfig, InProcess};
use kitwork::vm::Limits;

#[path = "support/counting_alloc.rs"]
mod counting_alloc;
use counting_alloc::allocations;

const ROUTES: &str = r#"
work("Hello").get("/hello", () => ({ message: "hello" }));
work("Text").get("/text", () => "plain");
work("Wide").get("/users/:id", () => ({
  id: Number(params("id")), name: "ann", email: "ann@example.com", active: true, score: 9.5,
  tags: ["a", "b"], plan: "pro", visits: 42, city: "Lyon", label: `user-${params("id")}`,
}));
"#;

#[test]
fn warm_requests_do_not_allocate() {
    let dir = std::env::temp_dir().join(format!("kitwork-alloc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("routes.js"), ROUTES).unwrap();
    let generation = kitwork::gateway::load(&dir).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let config = CoreConfig::new(Limits {
        instructions: 1_000_000,
        memory: 16 << 20,
    });
    let gw = InProcess::new(generation, config);
    let mut out = Vec::with_capacity(64 * 1024);
    for (raw, expect) in [
        (
            &b"GET /hello HTTP/1.1\r\nHost: t\r\nUser-Agent: bench\r\n\r\n"[..],
            "{\"message\":\"hello\"}",
        ),
        (
            &b"GET /users/7 HTTP/1.1\r\nHost: t\r\nAccept: */*\r\n\r\n"[..],
            "\"label\":\"user-7\"}",
        ),
        // Responses of two content types in turn: the cached response
        // head is rebuilt for each, in place.
        (
            &b"GET /hello HTTP/1.1\r\nHost: t\r\n\r\nGET /text HTTP/1.1\r\nHost: t\r\n\r\n"[..],
            "\r\n\r\nplain",
        ),
    ] {
        for _ in 0..50 {
            out.clear();
            assert_eq!(gw.serve(raw, &mut out), raw.len());
        }
        let text = String::from_utf8_lossy(&out).into_owned();
        assert!(
            text.starts_with("HTTP/1.1 200 OK") && text.ends_with(expect),
            "{text}"
        );
        let before = allocations();
        for _ in 0..100 {
            out.clear();
            gw.serve(raw, &mut out);
        }
        let allocations = allocations() - before;
        assert_eq!(
            allocations,
            0,
            "{}: 100 warm requests allocated {allocations} times",
            String::from_utf8_lossy(&raw[..14])
        );
    }
}
