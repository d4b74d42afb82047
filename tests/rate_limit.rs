//! `limit(key, { rate, per, burst })` through the real binary: a client's
//! burst is allowed with `RateLimit-*` headers counting down, the next
//! request is a 429 with `Retry-After`, another key has its own bucket,
//! a script can catch the error and answer its own way, and bad options
//! are the script's error.

#[path = "support/redis.rs"]
mod redis;
#[path = "support/server.rs"]
mod server;

use server::*;

const SCRIPT: (&str, &str) = (
    "app.js",
    r#"
    work("Limited")
      .get("/api", () => {
        limit("key:" + (header("x-key") || "anon"), { rate: 2, per: 60, burst: 3 });
        return "ok";
      })
      .get("/soft", () => {
        try { limit("soft", { rate: 1, per: 3600 }); return "first"; }
        catch (e) { status(503); return { busy: e.code }; }
      })
      .get("/bad", () => limit("x", { rate: -1 }));
    "#,
);

fn with_key(s: &Server, key: &str) -> Resp {
    send(
        s,
        &format!("GET /api HTTP/1.1\r\nHost: t\r\nx-key: {key}\r\n\r\n"),
    )
}

#[test]
fn a_burst_then_429_with_retry_after() {
    let s = start_in(&[SCRIPT], &[]);
    for left in ["2", "1", "0"] {
        let r = with_key(&s, "a");
        assert_eq!((r.status, r.body.as_str()), (200, "ok"));
        assert_eq!(r.header("RateLimit-Limit"), Some("3"));
        assert_eq!(r.header("RateLimit-Remaining"), Some(left));
    }
    let r = with_key(&s, "a");
    assert_eq!(r.status, 429, "{}", r.body);
    assert_eq!(
        r.body,
        r#"{"error":"rate limit exceeded: try again later"}"#
    );
    let retry: u64 = r.header("Retry-After").unwrap().parse().unwrap();
    // 2 a minute: the next token comes in 30 s.
    assert!((1..=30).contains(&retry), "{retry}");
    assert_eq!(r.header("RateLimit-Remaining"), Some("0"));
    // Another key has its own bucket.
    assert_eq!(with_key(&s, "b").status, 200);
    // Not logged as a script error.
    assert!(!s.log().contains("rate limit exceeded"), "{}", s.log());

    assert_eq!(get(&s, "/soft").body, "first");
    let r = get(&s, "/soft");
    assert_eq!(
        (r.status, r.body.as_str()),
        (503, r#"{"busy":"RATE_LIMITED"}"#)
    );

    let r = get(&s, "/bad");
    assert_eq!(r.status, 500);
    assert!(
        r.body.contains("rate must be a positive number"),
        "{}",
        r.body
    );
}

/// A work's declared limit: taken before its routes run (scripted,
/// static or proxied alike), by client address or by a header.
#[test]
fn a_work_s_declared_limit_answers_429_before_its_routes_run() {
    let app = (
        "work/app.js",
        r#"
        work("Api").limit({ rate: 2, per: 60 })
          .get("/a", () => "a")
          .get("/b", () => "b");
        work("Keys").limit({ rate: 1, per: 60, key: "header:x-api-key" }).get("/k", () => "k");
        work("Files").limit({ rate: 1, per: 60 }).static("/files", "public");
        work("Open").get("/open", () => "open");
        "#,
    );
    let s = start_in(&[app, ("public/f.txt", "file")], &["--work", "work"]);
    // The work's routes share the client's bucket.
    let first = get(&s, "/a");
    assert_eq!(
        (first.status, first.header("RateLimit-Remaining")),
        (200, Some("1"))
    );
    assert_eq!(get(&s, "/b").status, 200);
    let third = get(&s, "/a");
    assert_eq!(third.status, 429, "{}", third.body);
    assert!(third.header("Retry-After").is_some());
    assert_eq!(third.header("RateLimit-Remaining"), Some("0"));
    // Another work is not limited by it.
    assert_eq!(get(&s, "/open").status, 200);
    // By header: each key has its own bucket.
    let key = |k: &str| {
        send(
            &s,
            &format!("GET /k HTTP/1.1\r\nHost: t\r\nX-Api-Key: {k}\r\n\r\n"),
        )
    };
    assert_eq!(key("one").status, 200);
    assert_eq!(key("one").status, 429);
    assert_eq!(key("two").status, 200);
    // A static folder is limited too.
    let file = get(&s, "/files/f.txt");
    assert_eq!((file.status, file.body.as_str()), (200, "file"));
    assert!(file.header("RateLimit-Limit").is_some());
    assert_eq!(get(&s, "/files/f.txt").status, 429);
    // A bad declaration is an error at load.
    let (ok, text) = kitwork_routes(
        &[(
            "bad.js",
            r#"work("B").limit({ rate: 1, key: "cookie:x" }).get("/x", () => 1);"#,
        )],
        "",
    );
    assert!(
        !ok && text.contains("key is \"client\" or \"header:NAME\""),
        "{text}"
    );
}

/// A cluster limit's route: its bucket in the `kv()` store under `KEY`;
/// and a work whose declared limit is cluster-wide.
fn cluster_app(key: &str) -> (&'static str, String) {
    let script = r#"
    work("Shared").get("/c", () => {
      const d = limit(KEY, { rate: 1, per: 3600, burst: 4, scope: "cluster" });
      return d.unavailable ? "let through" : "ok";
    });
    work("Declared").limit({ rate: 1, per: 3600, burst: 2, scope: "cluster", key: "header:x-k" })
      .get("/d", () => "declared");
    "#;
    ("app.js", script.replace("KEY", &format!("{key:?}")))
}

#[test]
fn a_cluster_limit_is_one_bucket_for_every_node() {
    let Some(url) = redis::url_or_skip("a_cluster_limit_is_one_bucket_for_every_node") else {
        return;
    };
    let key = format!(
        "test-{}-{:?}",
        std::process::id(),
        std::time::SystemTime::now()
    );
    let (name, script) = cluster_app(&key);
    // Two nodes (two processes, each from a thread of its own: each has
    // its own folder) sharing the store.
    let start = |url: String, name: &'static str, script: String| {
        std::thread::spawn(move || start_in(&[(name, &script)], &["--kv", &url]))
            .join()
            .unwrap()
    };
    let a = start(url.clone(), name, script.clone());
    let b = start(url, name, script);
    for (i, node) in [&a, &b, &a, &b].into_iter().enumerate() {
        let r = get(node, "/c");
        assert_eq!((r.status, r.body.as_str()), (200, "ok"), "request {i}");
        assert_eq!(r.header("RateLimit-Limit"), Some("4"));
        assert_eq!(r.header("RateLimit-Remaining"), Some(&*(3 - i).to_string()));
    }
    // The declared form, by a header's value: two in all, on either node.
    let declared = |node: &Server| {
        send(
            node,
            &format!("GET /d HTTP/1.1\r\nHost: t\r\nx-k: {key}\r\n\r\n"),
        )
    };
    assert_eq!(declared(&a).status, 200);
    assert_eq!(declared(&b).header("RateLimit-Remaining"), Some("0"));
    let r = declared(&a);
    assert_eq!((r.status, r.header("Retry-After").is_some()), (429, true));
    // The fifth, on either node: the burst is spent cluster-wide (a
    // per-core limit would have allowed four on each).
    for node in [&a, &b] {
        let r = get(node, "/c");
        assert_eq!(r.status, 429, "{}", r.body);
        let retry: u64 = r.header("Retry-After").unwrap().parse().unwrap();
        assert!((3590..=3600).contains(&retry), "one token an hour: {retry}");
        assert_eq!(r.header("RateLimit-Remaining"), Some("0"));
    }
}

#[test]
fn a_cluster_limit_fails_open_or_closed_as_configured_while_the_store_is_down() {
    // Nothing listens on port 1: every connect is refused.
    let (name, script) = cluster_app("down");
    let open = start_in(&[(name, &script)], &["--kv", "redis://127.0.0.1:1"]);
    let r = get(&open, "/c");
    assert_eq!((r.status, r.body.as_str()), (200, "let through"));
    assert_eq!(r.header("RateLimit-Limit"), None);
    let r = get(&open, "/d");
    assert_eq!((r.status, r.body.as_str()), (200, "declared"));
    drop(open);
    let config = (
        "kitwork.toml",
        "[kv]\nlimit_fail = \"closed\"\n".to_string(),
    );
    let closed = start_in(
        &[(name, &script), (config.0, &config.1)],
        &["--kv", "redis://127.0.0.1:1"],
    );
    let r = get(&closed, "/c");
    assert_eq!(r.status, 503, "{}", r.body);
    assert!(
        r.body.contains("key-value store is unavailable"),
        "{}",
        r.body
    );
}
