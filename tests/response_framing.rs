//! Nothing a client sends through a script, and nothing a script sets, can
//! change the framing of a response: every header passes RFC 9110's field
//! syntax, the gateway owns the framing headers and 1xx statuses, and
//! `redirect()` takes 300–308 only. Each case is followed by a request on
//! the same connection, which must read as its own response.

#[path = "support/server.rs"]
mod server;

use server::*;
use std::io::{BufReader, Read, Write};

const ROUTES: &str = r#"
work("T")
  .get("/hello", () => "hi")
  .get("/go", () => redirect(query("u")))
  .get("/go-status", () => redirect("/x", Number(query("s"))))
  .get("/cookie", () => {
    const opts = {};
    for (const k of ["path", "sameSite", "domain"]) if (query(k) !== undefined) opts[k] = query(k);
    if (query("maxAge") !== undefined) opts.maxAge = query("maxAge");
    if (query("expires") !== undefined) opts.expires = new Date(Number(query("expires")));
    cookie("session", "ann", opts);
    return "set";
  })
  .get("/header", () => { header(query("name"), query("value")); return "ok"; })
  .get("/status", () => ({ status: Number(query("s")), body: "x" }))
  .get("/status-fn", () => { status(Number(query("s"))); return "x"; });
"#;

/// GETs `target` on a kept-alive connection, then `/hello` on the same one;
/// returns the first response and its raw head.
fn get_then_hello(s: &Server, target: &str) -> (Resp, String) {
    let c = connect(s);
    let mut w = c.try_clone().unwrap();
    let mut r = BufReader::new(c);
    w.write_all(
        format!("GET {target} HTTP/1.1\r\nHost: t\r\n\r\nGET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            .as_bytes(),
    )
    .unwrap();
    let first = read_response(&mut r).expect("a response");
    let head: String = first
        .headers
        .iter()
        .map(|(k, v)| format!("{k}: {v}\r\n"))
        .collect();
    let second = read_response(&mut r).expect("the next response");
    assert_eq!(
        (second.status, second.body.as_str()),
        (200, "hi"),
        "after {target}"
    );
    (first, head)
}

#[test]
fn redirect_cannot_split_the_response() {
    let s = start_in(&[("t.js", ROUTES)], &[]);
    let attack = "/x%0d%0aContent-Length:%2025%0d%0a%0d%0a%3Cscript%3Ealert(1)%3C/script%3E";
    let (resp, head) = get_then_hello(&s, &format!("/go?u={attack}"));
    assert_eq!(resp.status, 500, "{head}");
    assert!(resp.body.contains("TypeError"), "{}", resp.body);
    assert!(!head.contains("Content-Length: 25") && !resp.body.contains("<script>"));
    let (ok, _) = get_then_hello(&s, "/go?u=/next");
    assert_eq!((ok.status, ok.header("Location")), (302, Some("/next")));
    for (code, status) in [
        ("999", 500),
        ("0", 500),
        ("101", 500),
        ("301.5", 500),
        ("301", 301),
        ("308", 308),
    ] {
        let (resp, _) = get_then_hello(&s, &format!("/go-status?s={code}"));
        assert_eq!(
            resp.status, status,
            "redirect(\"/x\", {code}): {}",
            resp.body
        );
        if status == 500 {
            assert!(resp.body.contains("RangeError"), "{}", resp.body);
        }
    }
}

#[test]
fn cookie_options_cannot_inject_attributes() {
    let s = start_in(&[("t.js", ROUTES)], &[]);
    for bad in [
        "path=/%0d%0aX-Evil:%201",
        "sameSite=Lax;%20Domain=evil.example",
        "path=/;%20Domain=evil.example",
        "domain=evil.example;%20Secure",
        "maxAge=junk",
        "expires=junk",
    ] {
        let (resp, head) = get_then_hello(&s, &format!("/cookie?{bad}"));
        assert_eq!(resp.status, 500, "{bad}: {head}");
        assert!(resp.body.contains("TypeError"), "{bad}: {}", resp.body);
        assert!(resp.header("Set-Cookie").is_none(), "{bad}: {head}");
    }
    // Domain and Expires are written, not dropped.
    let (resp, _) = get_then_hello(
        &s,
        "/cookie?path=/app&domain=example.com&sameSite=strict&maxAge=60&expires=0",
    );
    assert_eq!(
        resp.header("Set-Cookie"),
        Some(
            "session=ann; Path=/app; Domain=example.com; Max-Age=60; Expires=Thu, 01 Jan 1970 00:00:00 GMT; SameSite=Strict"
        )
    );
}

#[test]
fn headers_are_checked_and_framing_headers_are_the_gateways() {
    let s = start_in(&[("t.js", ROUTES)], &[]);
    for (name, value) in [
        ("X-A", "a%00b"),
        ("X-A", "a%0d%0aX-B:%201"),
        ("X-A", "a%0ab"),
        ("X%20A", "v"),
        ("X:A", "v"),
        ("Content-Length", "x"),
        ("Transfer-Encoding", "x"),
        ("Connection", "close"),
        ("Upgrade", "websocket"),
        ("Date", "yesterday"),
    ] {
        let (resp, head) = get_then_hello(&s, &format!("/header?name={name}&value={value}"));
        assert_eq!(resp.status, 500, "{name}: {value}: {head}");
        assert!(resp.body.contains("TypeError"), "{}", resp.body);
        assert_eq!(head.matches("Content-Length").count(), 1, "{head}");
        assert!(
            !head.contains("Transfer-Encoding") && !head.contains("Upgrade"),
            "{head}"
        );
    }
    let (resp, _) = get_then_hello(&s, "/header?name=X-Trace&value=a%20b%09c");
    assert_eq!((resp.status, resp.header("X-Trace")), (200, Some("a b\tc")));
}

#[test]
fn one_hundred_statuses_are_the_gateways() {
    let s = start_in(&[("t.js", ROUTES)], &[]);
    for route in ["/status", "/status-fn"] {
        for code in ["100", "101", "199"] {
            let (resp, _) = get_then_hello(&s, &format!("{route}?s={code}"));
            assert_eq!(resp.status, 500, "{route} {code}: {}", resp.body);
        }
        let (resp, _) = get_then_hello(&s, &format!("{route}?s=418"));
        assert_eq!(resp.status, 418);
    }
    // A raw look: no `HTTP/1.1 101` anywhere on the wire.
    let mut c = connect(&s);
    c.write_all(b"GET /status?s=101 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut raw = String::new();
    c.read_to_string(&mut raw).unwrap();
    assert!(raw.starts_with("HTTP/1.1 500"), "{raw}");
}

#[test]
fn a_decoded_parameter_encoded_again_stays_one_segment_upstream() {
    // The gateway calls itself: `/proxy/:id` forwards to `/api/users/:id`.
    let routes = r#"
    work("P")
      .get("/proxy/:id", () => http().get("http://" + header("host") + "/api/users/" + encodeURIComponent(params("id"))).json())
      .get("/raw/:id", () => http().get("http://" + header("host") + "/api/users/" + params("id")).json())
      .get("/api/users/:id", (req) => ({ user: params("id"), path: req.path }))
      .get("/api/admin", () => ({ admin: true }));
    "#;
    let s = start_in(&[("p.js", routes)], &[]);
    let resp = send(
        &s,
        &format!(
            "GET /proxy/..%2F..%2Fadmin HTTP/1.1\r\nHost: {}\r\n\r\n",
            s.addr
        ),
    );
    assert_eq!(resp.status, 200, "{}", resp.body);
    assert_eq!(
        resp.body,
        r#"{"user":"../../admin","path":"/api/users/..%2F..%2Fadmin"}"#
    );
    // Unencoded, the decoded value is a path of its own: what the docs warn of.
    let raw = send(
        &s,
        &format!("GET /raw/x%2Fy HTTP/1.1\r\nHost: {}\r\n\r\n", s.addr),
    );
    assert!(
        raw.body.contains("no route for GET /api/users/x/y"),
        "{}",
        raw.body
    );
}

#[test]
fn http_reaches_only_what_the_operator_allows() {
    let routes = r#"
    work("H")
      .get("/call", () => {
        try { return { status: http().get(query("url")).status }; }
        catch (e) { return { code: e.code, message: e.message }; }
      })
      .get("/x", () => "x");
    "#;
    // Default rules: link-local (cloud metadata) is denied, loopback is not.
    let s = start_in(&[("h.js", routes)], &[]);
    let port = s.addr.rsplit(':').next().unwrap().to_string();
    let metadata = get(&s, "/call?url=http://169.254.169.254/latest/meta-data/");
    assert!(
        metadata.body.contains(r#""code":"EDENIED""#),
        "{}",
        metadata.body
    );
    let local = get(&s, &format!("/call?url=http://127.0.0.1:{port}/x"));
    assert_eq!(local.body, r#"{"status":200}"#);
    drop(s);
    // An operator's deny list catches the numeric spellings of an address.
    let s = start_in(
        &[
            ("h.js", routes),
            (
                "kitwork.toml",
                "[client]\ndeny = [\"127.0.0.0/8\", \"169.254.0.0/16\"]\n",
            ),
        ],
        &[],
    );
    let port = s.addr.rsplit(':').next().unwrap().to_string();
    for host in ["127.0.0.1", "2130706433", "0x7f000001", "localhost"] {
        let r = get(&s, &format!("/call?url=http://{host}:{port}/x"));
        assert!(r.body.contains(r#""code":"EDENIED""#), "{host}: {}", r.body);
    }
}
