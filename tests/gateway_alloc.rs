//! Proves that, once warm, the in-process request path — parse → route →
//! run the handler → serialize → write the response — performs zero heap
//! allocations per request, for the hello route and for a route that
//! builds a 10-field object. A counting global allocator wraps the system one.

use kitwork::gateway::core::{CoreConfig, InProcess};
use kitwork::vm::Limits;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

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

const ROUTES: &str = r#"
work("Hello").get("/hello", () => ({ message: "hello" }));
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
    let config = CoreConfig {
        http: Default::default(),
        vm: Limits {
            instructions: 1_000_000,
            memory: 16 << 20,
        },
        dev: false,
        shutdown: Arc::new(AtomicBool::new(false)),
        drain_timeout: std::time::Duration::from_secs(1),
    };
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
        let before = ALLOCATIONS.load(Ordering::Relaxed);
        for _ in 0..100 {
            out.clear();
            gw.serve(raw, &mut out);
        }
        let allocations = ALLOCATIONS.load(Ordering::Relaxed) - before;
        assert_eq!(
            allocations,
            0,
            "{}: 100 warm requests allocated {allocations} times",
            String::from_utf8_lossy(&raw[..14])
        );
    }
}
