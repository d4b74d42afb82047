//! The gateway's request path in-process (no sockets): request parsing,
//! routing, and the whole parse → route → run → serialize → write path for
//! the hello route, a 10-field object and the seed's order logic (its
//! database calls replaced by literals, to time the gateway, not a database).

use criterion::{Criterion, criterion_group, criterion_main};
use kitwork::gateway::core::{CoreConfig, InProcess};
use kitwork::gateway::http::{self, HttpLimits};
use kitwork::gateway::router::{Route, Router};
use kitwork::vm::Limits;
use std::hint::black_box;

const ROUTES: &str = r#"
work("Hello").get("/hello", () => ({ message: "hello" }));
work("Wide").get("/users/:id", () => ({
  id: Number(params("id")), name: "ann", email: "ann@example.com", active: true, score: 9.5,
  tags: ["a", "b"], plan: "pro", visits: 42, city: "Lyon", label: `user-${params("id")}`,
}));
work("OrderProcessor").router("POST", "/v1/process").handle(() => {
  const { userId, sku, amount } = payload();
  const { user, product } = {
    user: { id: userId, name: "ann" },
    product: { sku, price: 12.5, stock: 40 },
  };
  if (!user || !product) return { status: 404, error: "Invalid Order" };
  if (product.stock < amount) return { status: 400, error: "Insufficient Stock" };
  const total = product.price * amount;
  return { status: 200, orderId: `order-${userId}-${sku}`, total };
});
"#;

const HELLO: &[u8] =
    b"GET /hello HTTP/1.1\r\nHost: localhost:8080\r\nUser-Agent: wrk\r\nAccept: */*\r\n\r\n";
const WIDE: &[u8] = b"GET /users/7 HTTP/1.1\r\nHost: localhost:8080\r\nAccept: */*\r\n\r\n";
const ORDER: &[u8] = b"POST /v1/process HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 41\r\n\r\n{\"userId\": 7, \"sku\": \"a-1\", \"amount\": 3} ";

fn gateway(c: &mut Criterion) {
    let dir = std::env::temp_dir().join(format!("kitwork-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("routes.js"), ROUTES).unwrap();
    let generation = kitwork::gateway::load(&dir).unwrap();
    let _ = std::fs::remove_dir_all(&dir);

    let limits = HttpLimits::default();
    c.bench_function("http_parse/hello", |b| {
        b.iter(|| {
            let mut slots = http::header_slots();
            matches!(
                http::parse(black_box(HELLO), &mut slots, &limits),
                http::Parsed::Complete(..)
            )
        })
    });

    let mut router = Router::default();
    for (i, p) in [
        "/hello",
        "/users/:id",
        "/users/:id/orders/:order",
        "/files/*path",
        "/v1/process",
    ]
    .iter()
    .enumerate()
    {
        let route = Route {
            ordinal: i,
            ..Route::new("GET", p, "W")
        };
        router.add(route).unwrap();
    }
    c.bench_function("router/params", |b| {
        b.iter(|| router.find("GET", black_box("/users/42/orders/9")))
    });

    let config = CoreConfig::new(Limits {
        instructions: 1_000_000,
        memory: 16 << 20,
    });
    let gw = InProcess::new(generation, config);
    let mut out = Vec::with_capacity(64 * 1024);
    for (name, raw) in [
        ("request/hello", HELLO),
        ("request/ten_fields", WIDE),
        ("request/order", ORDER),
    ] {
        out.clear();
        gw.serve(raw, &mut out);
        assert!(
            out.starts_with(b"HTTP/1.1 200 OK"),
            "{}",
            String::from_utf8_lossy(&out)
        );
        c.bench_function(name, |b| {
            b.iter(|| {
                out.clear();
                gw.serve(black_box(raw), &mut out)
            })
        });
    }
}

criterion_group!(benches, gateway);
criterion_main!(benches);
