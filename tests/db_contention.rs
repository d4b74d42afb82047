//! The database under contention, through the real server on SQLite:
//! runaway statements do not keep other routes' queries waiting, a nested
//! transaction does not deadlock on its own lock, and waiting for another
//! request's transaction is bounded.

#[path = "support/server.rs"]
mod server;

use server::*;
use std::time::Duration;

const ROUTES: &str = r#"
work("D")
  .get("/runaway", () => db().query("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) AS n FROM c")[0])
  .get("/one", () => db().query("SELECT 1 AS one")[0])
  .post("/setup", () => { db().query("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, n INTEGER)"); return "ok"; })
  .post("/nested", () => db().transaction(() => {
    db().table("t").insert({ n: 1 });
    db().transaction(() => db().table("t").insert({ n: 2 }));
    return { rows: db().table("t").count() };
  }))
  .post("/hold", () => db().transaction(() => { db().table("t").insert({ n: 9 }); sleep(3000); return "held"; }))
  .post("/tx", () => {
    try { return db().transaction(() => db().table("t").insert({ n: 3 })); }
    catch (e) { return { error: e.message }; }
  })
  .post("/write", () => db().table("t").insert({ n: 4 }));
"#;

#[test]
fn runaway_statements_do_not_starve_other_queries() {
    let s = start_in(
        &[
            ("d.js", ROUTES),
            ("kitwork.toml", "[database]\ntimeout_ms = 6000\n"),
        ],
        &[],
    );
    // More runaways than the pool's four base threads: with a fixed four,
    // every other query waited for their time limit.
    let addr = s.addr.clone();
    let runaways: Vec<_> = (0..6)
        .map(|_| {
            let addr = addr.clone();
            std::thread::spawn(move || {
                send_to(&addr, "GET /runaway HTTP/1.1\r\nHost: t\r\n\r\n").status
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    let c = connect(&s);
    c.set_read_timeout(Some(Duration::from_secs(3))).unwrap();
    let mut w = c.try_clone().unwrap();
    std::io::Write::write_all(&mut w, b"GET /one HTTP/1.1\r\nHost: t\r\n\r\n").unwrap();
    let one = read_response(&mut std::io::BufReader::new(c));
    assert_eq!(one.map(|r| r.body), Some(r#"{"one":1}"#.to_string()));
    // The runaways are still running: the answer did not wait for them.
    assert!(runaways.iter().all(|r| !r.is_finished()));
    for r in runaways {
        assert_eq!(r.join().unwrap(), 500);
    }
}

#[test]
fn a_nested_transaction_is_a_savepoint_and_waits_are_bounded() {
    let s = start_in(
        &[
            ("d.js", ROUTES),
            ("kitwork.toml", "[database]\ntimeout_ms = 1000\n"),
        ],
        &[],
    );
    assert_eq!(post(&s, "/setup").status, 200);
    let nested = post(&s, "/nested");
    assert_eq!(
        (nested.status, nested.body.as_str()),
        (200, r#"{"rows":2}"#)
    );
    // The lock was let go: writes go on.
    assert_eq!(post(&s, "/write").status, 200);
    // A transaction that holds the database: another one gives up after
    // database.timeout_ms instead of waiting for it.
    let addr = s.addr.clone();
    let holder = std::thread::spawn(move || {
        send_to(
            &addr,
            "POST /hold HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n",
        )
        .body
    });
    std::thread::sleep(Duration::from_millis(300));
    let waited = post(&s, "/tx");
    assert!(
        waited
            .body
            .contains("no transaction could begin within 1000 ms"),
        "{}",
        waited.body
    );
    assert!(
        !holder.is_finished(),
        "the holder ended before the wait was given up"
    );
    assert_eq!(holder.join().unwrap(), "held");
    assert_eq!(post(&s, "/tx").status, 200);
}
