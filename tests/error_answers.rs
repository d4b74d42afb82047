//! Errors that tell the truth, through the real server: a body the client
//! sent wrong is a 400 (unless the script catches it), an unreachable
//! database a 503 whose body does not say where the database is, and a
//! stack overflow one short log event rather than 2,000 lines.

#[path = "support/server.rs"]
mod server;

use server::*;

const ROUTES: &str = r#"
work("E")
  .post("/order", () => { const { userId } = payload(); return { userId }; })
  .post("/lenient", () => { try { return payload(); } catch (e) { return { fallback: true, code: e.code }; } })
  .get("/deep", () => { function g(d) { return g(d + 1); } return g(0); })
  .get("/db", () => db().query("SELECT 1 AS one")[0]);
"#;

#[test]
fn a_malformed_body_is_the_clients_error() {
    let s = start_in(&[("e.js", ROUTES)], &[]);
    let r = post_json(&s, "/order", r#"{"userId": 7,"#);
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(
        r.body.contains("the request body is not valid JSON"),
        "{}",
        r.body
    );
    let ok = post_json(&s, "/order", r#"{"userId": 7}"#);
    assert_eq!((ok.status, ok.body.as_str()), (200, r#"{"userId":7}"#));
    // A script that catches it decides.
    let caught = post_json(&s, "/lenient", "{nope");
    assert_eq!(
        caught.body,
        r#"{"fallback":true,"code":"BAD_REQUEST_BODY"}"#
    );
    assert!(
        wait_until(|| s.log().contains("warn: POST /order")),
        "{}",
        s.log()
    );
}

#[test]
fn a_stack_overflow_is_one_short_log_event() {
    let s = start_in(&[("e.js", ROUTES)], &[]);
    let r = get(&s, "/deep");
    assert_eq!(r.status, 500);
    assert!(
        wait_until(|| s.log().contains("more frames of g")),
        "{}",
        s.log()
    );
    let lines = s.log().lines().filter(|l| l.contains("at g (")).count();
    assert!(lines <= 3, "{lines} frames of g written");
}

#[test]
fn an_unreachable_database_is_a_503_that_does_not_say_where_it_is() {
    // Nothing listens on port 1.
    let s = start_in(
        &[("e.js", ROUTES)],
        &["--db", "postgres://kw_secret_user@127.0.0.1:1/nope"],
    );
    let r = get(&s, "/db");
    assert_eq!(r.status, 503, "{}", r.body);
    assert!(
        !r.body.contains("127.0.0.1") && !r.body.contains("kw_secret_user"),
        "{}",
        r.body
    );
    assert!(
        wait_until(|| s.log().contains("127.0.0.1:1")),
        "the log names it: {}",
        s.log()
    );
}
