//! The gateway doing real I/O from scripts, end to end over TCP: the seed's
//! order route on a migrated SQLite database, a slow query that does not
//! hold up its core, `go()` and `defer()`, and a database that goes away
//! (503) and comes back without a restart — on SQLite always, and on
//! PostgreSQL behind a proxy the test can cut when `KITWORK_TEST_PG` is set.
//!
//! The example's migration is part of the served folder, so `serve`
//! applies it to each test's own SQLite database at start.

#[path = "support/pg.rs"]
mod pg;
#[path = "support/server.rs"]
mod server;

use server::*;
use std::io::{BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

const SCRIPTS: &[(&str, &str)] = &[
    (
        "order_processor.js",
        include_str!("../work/order_processor.js"),
    ),
    (
        "migrations/001_users_and_products.sql",
        include_str!("../migrations/001_users_and_products.sql"),
    ),
    (
        "io.js",
        r#"
        work("Io")
          .get("/hello", () => ({ message: "hello" }))
          .get("/slow-sqlite", () => db().query("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < $1) SELECT count(*) AS n FROM c", 1500000)[0])
          .get("/slow-pg", () => db().query("SELECT 1 AS slept FROM pg_sleep(0.3)")[0])
          .get("/users", () => ({ count: db().table("users").count() }))
          .get("/both", () => {
            const t = Date.now();
            const [a, b] = parallel([() => { sleep(200); return 1; }, () => { sleep(200); return 2; }]);
            return { sum: a + b, ms: Date.now() - t };
          })
          .post("/background", () => {
            defer(() => log("deferred ran"));
            go(() => { sleep(300); db().table("users").insert({ name: "from go" }); });
            return { queued: true };
          })
          .get("/background-fails", () => { go(() => { const o = null; return o.field; }); return "ok"; })
          .get("/slow-sqlite-in-map", () => [1500000].map((n) => db().query("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < $1) SELECT count(*) AS n FROM c", n)[0])[0])
          .get("/async-users", async () => {
            const before = await db().table("users").count();
            await null;
            return { before, after: db().table("users").count() };
          })
          .get("/async-slow-sqlite", async () => {
            await null;
            return db().query("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < $1) SELECT count(*) AS n FROM c", 1500000)[0];
          })
          .get("/async-rejects", async () => { await null; throw new Error("async failure"); })
          .get("/timer", async () => {
            const t = Date.now();
            await new Promise((resolve) => setTimeout(resolve, 300));
            await scheduler.wait(10);
            return { waited: Date.now() - t >= 300 };
          })
          .get("/timer-dies", () => { setTimeout(() => log("a timer outlived its request"), 1); return "now"; })
          .get("/floating", () => { Promise.reject(new RangeError("nobody handled this")); return "ok"; })
          .get("/async-both", async () => {
            const t = Date.now();
            const [a, b] = parallel([async () => { await null; sleep(200); return 1; }, async () => { sleep(200); return await 2; }]);
            return { sum: a + b, ms: Date.now() - t };
          })
          .get("/slow-pg-in-map", () => ["0.3"].map(function (s) { return db().query("SELECT 1 AS slept FROM pg_sleep(" + s + ")")[0]; }.bind(null))[0]);
        "#,
    ),
];

/// The scripts without the migration: PostgreSQL tests must not create
/// tables in the database they are given.
fn scripts_only() -> Vec<(&'static str, &'static str)> {
    SCRIPTS
        .iter()
        .filter(|(name, _)| name.ends_with(".js"))
        .copied()
        .collect()
}

#[test]
fn the_seed_order_route_answers_200_400_and_404() {
    let s = start_in(SCRIPTS, &[]);
    for (body, status, answer) in [
        (
            r#"{"userId":1,"sku":"KW-MUG","amount":2}"#,
            200,
            r#""total":25}"#,
        ),
        (
            r#"{"userId":1,"sku":"KW-TEE","amount":5}"#,
            400,
            r#"{"status":400,"error":"Insufficient Stock"}"#,
        ),
        (
            r#"{"userId":99,"sku":"KW-MUG","amount":1}"#,
            404,
            r#"{"status":404,"error":"Invalid Order"}"#,
        ),
    ] {
        let r = post_json(&s, "/v1/process", body);
        assert_eq!(r.status, status, "{}", r.body);
        assert!(r.body.ends_with(answer), "{}", r.body);
    }
    // The deferred audit line is logged once the handler is done.
    assert!(
        wait_until(|| s.log().contains("Audit: Order processed for 1")),
        "{}",
        s.log()
    );
}

/// Starts a slow request, then times `/hello` on another connection of the
/// same (single) core while the slow one is still waiting.
fn hello_while_waiting(s: &Server, slow_path: &str) {
    let mut slow = connect(s);
    slow.write_all(format!("GET {slow_path} HTTP/1.1\r\nHost: t\r\n\r\n").as_bytes())
        .unwrap();
    let started = Instant::now();
    std::thread::sleep(Duration::from_millis(30));
    let t = Instant::now();
    let hello = get(s, "/hello");
    let hello_took = t.elapsed();
    let slow_reply = read_response(&mut BufReader::new(slow)).unwrap();
    let slow_took = started.elapsed();
    assert_eq!(hello.status, 200);
    assert_eq!(slow_reply.status, 200, "{}", slow_reply.body);
    // Not a benchmark: the point is that /hello did not queue behind the
    // query, so it came back long before the query did.
    assert!(
        hello_took * 4 < slow_took,
        "/hello took {hello_took:?} while {slow_path} took {slow_took:?}"
    );
}

#[test]
fn a_slow_query_does_not_hold_up_its_core() {
    let s = start_in(SCRIPTS, &[]);
    hello_while_waiting(&s, "/slow-sqlite");
    // Nor one a callback of `map` waits for (through a bound function too).
    hello_while_waiting(&s, "/slow-sqlite-in-map");
    if let Some(pg) = pg::url_or_skip("a slow PostgreSQL query") {
        let s = start_in(&scripts_only(), &["--db", &pg]);
        hello_while_waiting(&s, "/slow-pg");
        hello_while_waiting(&s, "/slow-pg-in-map");
    }
}

#[test]
fn parallel_branches_wait_at_the_same_time() {
    let s = start_in(SCRIPTS, &[]);
    // Plain functions, and async ones that wait before and after `await`.
    for path in ["/both", "/async-both"] {
        let r = get(&s, path);
        assert!(
            r.body.starts_with(r#"{"sum":3,"ms":"#),
            "{path}: {}",
            r.body
        );
        let ms: f64 = r
            .body
            .trim_end_matches('}')
            .rsplit(':')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        // Two 200 ms waits one after the other would take 400 ms.
        assert!(
            (200.0..390.0).contains(&ms),
            "{path}: parallel took {ms} ms"
        );
    }
}

#[test]
fn an_async_handler_waits_for_io_and_a_rejection_fails_only_its_request() {
    let s = start_in(SCRIPTS, &[]);
    let r = get(&s, "/async-users");
    assert_eq!(r.status, 200, "{}", r.body);
    let count = get(&s, "/users")
        .body
        .replace(r#"{"count":"#, "")
        .replace('}', "");
    assert_eq!(r.body, format!(r#"{{"before":{count},"after":{count}}}"#));
    // A query after an `await` waits on the fiber: the core serves others.
    hello_while_waiting(&s, "/async-slow-sqlite");
    // A rejection fails its request, logged with where it was thrown.
    let r = get(&s, "/async-rejects");
    assert_eq!(r.status, 500, "{}", r.body);
    wait_until(|| s.log().contains("async failure"));
    let log = s.log();
    assert!(log.contains("Error: async failure"), "{log}");
    assert!(log.contains("io.js:28:"), "{log}");
    // So does a rejection nothing handled, though the handler returned.
    let r = get(&s, "/floating");
    assert_eq!(r.status, 500, "{}", r.body);
    wait_until(|| s.log().contains("nobody handled this"));
    let log = s.log();
    assert!(
        log.contains("Uncaught (in promise) RangeError: nobody handled this"),
        "{log}"
    );
    assert_eq!(get(&s, "/hello").status, 200);
}

#[test]
fn go_runs_after_the_response_and_defer_after_the_handler() {
    let s = start_in(SCRIPTS, &[]);
    let before = get(&s, "/users").body;
    let r = post_json(&s, "/background", "{}");
    assert_eq!((r.status, r.body.as_str()), (200, r#"{"queued":true}"#));
    // The response did not wait for the go() function's 300 ms sleep.
    assert_eq!(get(&s, "/users").body, before);
    wait_until(|| get(&s, "/users").body != before);
    assert_ne!(
        get(&s, "/users").body,
        before,
        "the go() insert never landed"
    );
    assert!(s.log().contains("deferred ran"), "{}", s.log());
    // A failing background function is logged with where it failed.
    assert_eq!(get(&s, "/background-fails").body, "ok");
    wait_until(|| s.log().contains("a go() function failed"));
    let log = s.log();
    assert!(log.contains("a go() function failed"), "{log}");
    assert!(log.contains("io.js:17:79)"), "{log}");
}

#[test]
fn a_handler_awaits_its_timers_and_the_others_die_with_its_request() {
    let s = start_in(SCRIPTS, &[]);
    let r = get(&s, "/timer");
    assert_eq!((r.status, r.body.as_str()), (200, r#"{"waited":true}"#));
    // Waiting for a timer does not hold the core.
    hello_while_waiting(&s, "/timer");
    assert_eq!(get(&s, "/timer-dies").body, "now");
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(get(&s, "/hello").status, 200);
    assert!(!s.log().contains("outlived"), "{}", s.log());
}

#[test]
fn an_unreachable_sqlite_database_is_a_503_until_it_is_back() {
    let base = std::env::temp_dir().join(format!("kitwork-gone-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    let url = format!("sqlite://{}/app.db", base.display());
    // No migrations folder here: the database does not exist yet.
    let s = start_in(SCRIPTS, &["--db", &url]);
    let r = get(&s, "/users");
    assert_eq!(r.status, 503, "{}", r.body);
    // The body says what happened; where the database is stays in the log.
    assert!(r.body.contains("the database is unavailable"), "{}", r.body);
    assert!(!r.body.contains("app.db"), "{}", r.body);
    assert!(
        wait_until(|| s.log().contains("cannot open")),
        "{}",
        s.log()
    );
    // The folder appears and the table with it: the next request works,
    // without restarting the gateway.
    std::fs::create_dir_all(&base).unwrap();
    let create = rusqlite_free_create(&url);
    assert!(create.is_ok(), "{create:?}");
    let r = get(&s, "/users");
    assert_eq!((r.status, r.body.as_str()), (200, r#"{"count":0}"#));
    let _ = std::fs::remove_dir_all(&base);
}

/// Creates the `users` table with `kitwork run`, as an operator would.
fn rusqlite_free_create(url: &str) -> Result<(), String> {
    let dir = std::env::temp_dir().join(format!("kitwork-mk-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let script = dir.join("mk.js");
    std::fs::write(
        &script,
        r#"db().query("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)");"#,
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kitwork"))
        .args(["run", "--db", url])
        .arg(&script)
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

/// A TCP forwarder to PostgreSQL that the test can cut and restore.
struct Proxy {
    port: u16,
    up: Arc<AtomicBool>,
}

impl Proxy {
    fn start(target: String) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let up = Arc::new(AtomicBool::new(true));
        let flag = up.clone();
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                if !flag.load(Ordering::SeqCst) {
                    continue; // dropped: the connection is refused/reset
                }
                let Ok(server) = TcpStream::connect(&target) else {
                    continue;
                };
                for (mut from, mut to) in [
                    (client.try_clone().unwrap(), server.try_clone().unwrap()),
                    (server, client),
                ] {
                    let flag = flag.clone();
                    std::thread::spawn(move || {
                        let mut buf = [0u8; 16 * 1024];
                        from.set_read_timeout(Some(Duration::from_millis(50)))
                            .unwrap();
                        loop {
                            if !flag.load(Ordering::SeqCst) {
                                break;
                            }
                            match from.read(&mut buf) {
                                Ok(0) => break,
                                Ok(n) => {
                                    if to.write_all(&buf[..n]).is_err() {
                                        break;
                                    }
                                }
                                Err(e)
                                    if matches!(
                                        e.kind(),
                                        std::io::ErrorKind::WouldBlock
                                            | std::io::ErrorKind::TimedOut
                                    ) => {}
                                Err(_) => break,
                            }
                        }
                        let _ = from.shutdown(std::net::Shutdown::Both);
                        let _ = to.shutdown(std::net::Shutdown::Both);
                    });
                }
            }
        });
        Proxy { port, up }
    }
}

#[test]
fn postgres_going_away_is_a_503_and_coming_back_needs_no_restart() {
    let Some(pg) = pg::url_or_skip("PostgreSQL going away") else {
        return;
    };
    let config: Vec<&str> = pg.splitn(2, "://").collect();
    let rest = config[1];
    let (auth_host, db_part) = rest.split_once('/').unwrap_or((rest, "postgres"));
    let (auth, host) = auth_host
        .rsplit_once('@')
        .map_or(("", auth_host), |(a, h)| (a, h));
    let host = if host.contains(':') {
        host.to_string()
    } else {
        format!("{host}:5432")
    };
    let proxy = Proxy::start(host);
    let at = if auth.is_empty() {
        String::new()
    } else {
        format!("{auth}@")
    };
    let url = format!("postgres://{at}127.0.0.1:{}/{db_part}", proxy.port);
    let s = start_in(&scripts_only(), &["--db", &url]);
    let r = get(&s, "/slow-pg");
    assert_eq!(r.status, 200, "{}", r.body);
    proxy.up.store(false, Ordering::SeqCst);
    std::thread::sleep(Duration::from_millis(200));
    let r = get(&s, "/slow-pg");
    assert_eq!(r.status, 503, "{}", r.body);
    proxy.up.store(true, Ordering::SeqCst);
    let r = get(&s, "/slow-pg");
    assert_eq!((r.status, r.body.as_str()), (200, r#"{"slept":1}"#));
}

#[test]
fn go_functions_past_the_core_limit_are_refused_and_logged() {
    let scripts = [
        ("kitwork.toml", "[limits]\nbackground = 1\n"),
        (
            "bg.js",
            r#"work("Bg").get("/bg", () => { go(() => { sleep(400); log("background done"); }); return "queued"; });"#,
        ),
    ];
    let s = start_in(&scripts, &[]);
    for _ in 0..3 {
        assert_eq!(get(&s, "/bg").body, "queued");
    }
    wait_until(|| s.log().contains("background done"));
    let log = s.log();
    // One ran; the two that came while it was running were refused.
    assert_eq!(log.matches("background done").count(), 1, "{log}");
    assert_eq!(log.matches("go() function(s) refused").count(), 2, "{log}");
}

#[test]
fn a_query_past_its_time_limit_is_stopped() {
    let scripts = [
        ("kitwork.toml", "[database]\ntimeout_ms = 100\n"),
        (
            "slow.js",
            r#"work("Slow").get("/forever", () => db().query("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"))
              .get("/slow-pg-forever", () => db().query("SELECT pg_sleep(30)"))
              .get("/quick", () => db().query("SELECT 1 AS one")[0]);"#,
        ),
    ];
    // The slow route fails with the database's word for it, well before
    // it would end, and the connections or threads it held serve again.
    let stopped = |s: &Server, slow: &str, says: &str| {
        let t = Instant::now();
        let r = get(s, slow);
        assert_eq!(r.status, 500, "{}", r.body);
        assert!(r.body.contains(says), "{}", r.body);
        assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
        for _ in 0..8 {
            assert_eq!(get(s, "/quick").body, r#"{"one":1}"#);
        }
    };
    stopped(&start_in(&scripts, &[]), "/forever", "time limit");
    if let Some(pg) = pg::url_or_skip("the PostgreSQL statement timeout") {
        let s = start_in(&scripts, &["--db", &pg]);
        stopped(&s, "/slow-pg-forever", "statement timeout");
    }
}

#[test]
fn a_draining_gateway_waits_for_its_go_functions() {
    let scripts = [(
        "bg.js",
        r#"work("Bg").get("/later", () => { go(() => { sleep(300); log("go finished"); }); return "queued"; });"#,
    )];
    let mut s = start_in(&scripts, &[]);
    assert_eq!(get(&s, "/later").body, "queued");
    let pid = s.child.id().to_string();
    std::process::Command::new("sh")
        .args(["-c", &format!("kill -TERM {pid}")])
        .status()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(st) = s.child.try_wait().unwrap() {
            break st;
        }
        assert!(Instant::now() < deadline, "the gateway did not exit");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "{status:?}");
    assert!(s.log().contains("go finished"), "{}", s.log());
}
