//! One rule for a name given twice, everywhere (the first value), with
//! `query.all` and `header.all` for every value; route patterns with
//! non-ASCII text match the percent-encoded paths clients send; and route
//! declarations that cannot work are errors at load, not silent.

#[path = "support/server.rs"]
mod server;

use server::*;

const ROUTES: &str = r#"
work("V")
  .get("/q", (req) => ({ fn: query("a"), obj: req.query.a, all: query.all("a"), none: query.all("zz") }))
  .get("/h", (req) => ({ fn: header("x-a"), obj: req.headers["x-a"], all: header.all("X-A") }))
  .post("/form", () => payload())
  .get("/café/:n", () => ({ n: params("n") }));
"#;

#[test]
fn the_first_value_everywhere_and_all_of_them_on_request() {
    let s = start_in(&[("v.js", ROUTES)], &[]);
    // Query names are case-sensitive (`A` is another name).
    let q = get(&s, "/q?a=1&A=9&a=2&b=3");
    assert_eq!(q.body, r#"{"fn":"1","obj":"1","all":["1","2"],"none":[]}"#);
    let h = send(
        &s,
        "GET /h HTTP/1.1\r\nHost: t\r\nX-A: one\r\nX-A: two\r\n\r\n",
    );
    assert_eq!(h.body, r#"{"fn":"one","obj":"one","all":["one","two"]}"#);
    let body = "a=1&a=2";
    let f = send(
        &s,
        &format!(
            "POST /form HTTP/1.1\r\nHost: t\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        ),
    );
    assert_eq!(f.body, r#"{"a":"1"}"#);
}

#[test]
fn a_non_ascii_route_matches_what_clients_send() {
    let s = start_in(&[("v.js", ROUTES)], &[]);
    let r = get(&s, "/caf%C3%A9/7");
    assert_eq!((r.status, r.body.as_str()), (200, r#"{"n":"7"}"#));
    // Escapes in lower case are the same path.
    let r = get(&s, "/caf%c3%a9/8");
    assert_eq!((r.status, r.body.as_str()), (200, r#"{"n":"8"}"#));
}

#[test]
fn routes_that_cannot_work_are_load_errors() {
    for (script, message) in [
        (
            r#"work("X").get("/c/:id/:id", () => 1);"#,
            "parameter ':id' appears twice",
        ),
        (
            r#"work("X").router("GTE", "/x").handle(() => 1);"#,
            "unknown HTTP method 'GTE'",
        ),
        (
            r#"work("X").get("nolead", () => 1);"#,
            "must start with '/'",
        ),
    ] {
        let dir = std::env::temp_dir().join(format!("kitwork-routes-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("x.js"), script).unwrap();
        // `kitwork check` refuses what `serve` (and `routes`) would.
        for command in ["routes", "check"] {
            let out = std::process::Command::new(env!("CARGO_BIN_EXE_kitwork"))
                .arg(command)
                .arg(&dir)
                .output()
                .unwrap();
            let text = String::from_utf8_lossy(&out.stderr).to_string()
                + &String::from_utf8_lossy(&out.stdout);
            assert!(!out.status.success(), "{command} {script}: {text}");
            assert!(text.contains(message), "{command} {script}: {text}");
            // At the offending call in the chain, not at its first token.
            assert!(text.contains("x.js:1:11)"), "{command} {script}: {text}");
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
