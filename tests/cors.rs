//! A work's `.cors({ … })` through the real binary: a browser's preflight
//! answered for its routes (allowed origins exact or by wildcard, the
//! methods and headers asked for or configured, credentials, max age), its
//! answers carrying `Access-Control-Allow-Origin` and `Vary: Origin`, an
//! origin not allowed getting none, and a work without it unchanged.

#[path = "support/server.rs"]
mod server;

use server::*;

const SCRIPT: (&str, &str) = (
    "app.js",
    r#"
    work("Api")
      .cors({ origins: ["https://app.example", "https://*.example.com"], credentials: true, maxAge: 600, expose: ["x-total"] })
      .get("/items", () => { header("x-total", "2"); return [1, 2]; })
      .post("/items", () => ({ made: true }));
    work("Open").cors({ origins: "*", methods: ["GET", "POST"] }).get("/open", () => "open");
    work("Closed").get("/closed", () => "closed");
    "#,
);

fn request(s: &Server, head: &str) -> Resp {
    send(s, &format!("{head}Host: t\r\n\r\n"))
}

#[test]
fn preflights_and_answers_carry_the_policy() {
    let s = start_in(&[SCRIPT], &[]);
    let pre = request(
        &s,
        "OPTIONS /items HTTP/1.1\r\nOrigin: https://app.example\r\nAccess-Control-Request-Method: POST\r\nAccess-Control-Request-Headers: content-type\r\n",
    );
    assert_eq!(pre.status, 204);
    assert_eq!(
        pre.header("Access-Control-Allow-Origin"),
        Some("https://app.example")
    );
    assert_eq!(pre.header("Access-Control-Allow-Methods"), Some("POST"));
    assert_eq!(
        pre.header("Access-Control-Allow-Headers"),
        Some("content-type")
    );
    assert_eq!(pre.header("Access-Control-Allow-Credentials"), Some("true"));
    assert_eq!(pre.header("Access-Control-Max-Age"), Some("600"));
    assert!(pre.header("Vary").unwrap().starts_with("Origin"));
    // A subdomain by the wildcard; another site gets no permission.
    let sub = request(
        &s,
        "OPTIONS /items HTTP/1.1\r\nOrigin: https://a.example.com\r\nAccess-Control-Request-Method: GET\r\n",
    );
    assert_eq!(
        sub.header("Access-Control-Allow-Origin"),
        Some("https://a.example.com")
    );
    let evil = request(
        &s,
        "OPTIONS /items HTTP/1.1\r\nOrigin: https://example.com.evil\r\nAccess-Control-Request-Method: GET\r\n",
    );
    assert_eq!(
        (evil.status, evil.header("Access-Control-Allow-Origin")),
        (204, None)
    );

    let get = request(&s, "GET /items HTTP/1.1\r\nOrigin: https://app.example\r\n");
    assert_eq!((get.status, get.body.as_str()), (200, "[1,2]"));
    assert_eq!(
        get.header("Access-Control-Allow-Origin"),
        Some("https://app.example")
    );
    assert_eq!(get.header("Access-Control-Expose-Headers"), Some("x-total"));
    assert_eq!(get.header("Access-Control-Allow-Credentials"), Some("true"));
    assert_eq!(get.header("Vary"), Some("Origin"));
    let plain = request(&s, "GET /items HTTP/1.1\r\n");
    assert_eq!(
        (
            plain.header("Access-Control-Allow-Origin"),
            plain.header("Vary")
        ),
        (None, Some("Origin"))
    );

    // "*" without credentials is "*"; its methods are the configured ones.
    let open = request(
        &s,
        "OPTIONS /open HTTP/1.1\r\nOrigin: https://any.where\r\nAccess-Control-Request-Method: GET\r\n",
    );
    assert_eq!(open.header("Access-Control-Allow-Origin"), Some("*"));
    assert_eq!(
        open.header("Access-Control-Allow-Methods"),
        Some("GET, POST")
    );
    // A work without a policy: OPTIONS is still a 405.
    let closed = request(
        &s,
        "OPTIONS /closed HTTP/1.1\r\nOrigin: https://app.example\r\nAccess-Control-Request-Method: GET\r\n",
    );
    assert_eq!(
        (closed.status, closed.header("Access-Control-Allow-Origin")),
        (405, None)
    );
}

#[test]
fn a_bad_policy_is_an_error_at_load() {
    let bad = (
        "app.js",
        r#"work("Bad").cors({ origins: "https://*.*.example" }).get("/x", () => 1);"#,
    );
    let (ok, text) = kitwork_routes(&[bad], "");
    assert!(!ok, "{text}");
    assert!(text.contains("an origin has one * at most"), "{text}");
}
