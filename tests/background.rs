//! `go()` and `defer()` through the real server: a request's go()
//! functions run at once, not one after another; a request cannot queue
//! more than 100 of either; a core refuses go() functions past
//! `limits.background` and says so in the log.

#[path = "support/server.rs"]
mod server;

use server::*;
use std::time::Duration;

const ROUTES: &str = r#"
work("B")
  .post("/five", () => {
    const t0 = Date.now();
    for (let i = 0; i < 5; i++) go(() => { sleep(300); log("go done at +" + (Date.now() - t0)); });
    return "queued";
  })
  .post("/many-go", () => {
    let n = 0;
    try { for (let i = 0; i < 100000; i++) { go(() => 1); n++; } }
    catch (e) { return { n, error: e.message }; }
    return { n };
  })
  .post("/many-defer", () => {
    let n = 0;
    try { for (let i = 0; i < 100000; i++) { defer(() => 1); n++; } }
    catch (e) { return { n, error: e.message }; }
    return { n };
  })
  .post("/defer-order", () => {
    defer(() => log("deferred ran"));
    return "handler returned";
  });
"#;

#[test]
fn a_requests_go_functions_run_at_once() {
    let s = start_in(&[("b.js", ROUTES)], &[]);
    assert_eq!(post(&s, "/five").body, "queued");
    assert!(
        wait_until(|| s.log().matches("go done at +").count() == 5),
        "{}",
        s.log()
    );
    let ends: Vec<u64> = s
        .log()
        .lines()
        .filter_map(|l| l.split("go done at +").nth(1))
        .map(|t| t.split_whitespace().next().unwrap().parse().unwrap())
        .collect();
    // One after another they ended at +300, +600, … +1500 ms.
    assert!(ends.iter().all(|&t| t < 900), "ended at {ends:?}");
}

#[test]
fn a_request_queues_at_most_a_hundred() {
    let s = start_in(&[("b.js", ROUTES)], &[]);
    for route in ["/many-go", "/many-defer"] {
        let r = post(&s, route);
        assert_eq!(r.status, 200);
        assert!(
            r.body.starts_with(r#"{"n":100,"error":"#),
            "{route}: {}",
            r.body
        );
        assert!(
            r.body.contains("at most 100 functions per request"),
            "{}",
            r.body
        );
    }
}

#[test]
fn a_core_refuses_go_functions_past_its_limit_and_logs_it() {
    let s = start_in(
        &[
            ("b.js", ROUTES),
            ("kitwork.toml", "[limits]\nbackground = 7\n"),
        ],
        &[],
    );
    // Five run (sleeping 300 ms); five more would make ten, past seven.
    post(&s, "/five");
    post(&s, "/five");
    assert!(
        wait_until(|| s.log().contains("5 go() function(s) refused")),
        "{}",
        s.log()
    );
    std::thread::sleep(Duration::from_millis(800));
    assert_eq!(s.log().matches("go done at +").count(), 5, "{}", s.log());
}
