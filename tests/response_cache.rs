//! `work(…).cache({ … })` through the real binary: a stampede on a key
//! runs the script once per core (the rest wait for its answer), hits
//! carry `Age` and `X-Cache: HIT` until the TTL ends, `vary` headers and
//! the query make keys of their own, answers with cookies are not kept,
//! and with `store: "kv"` a node serves what another node kept in Redis.

#[path = "support/redis.rs"]
mod redis;
#[path = "support/server.rs"]
mod server;

use server::*;

/// Counts its runs in `kv()` (module state cannot change in a request).
fn app(store: &str, counter: &str) -> String {
    r#"
    work("Cached").cache({ ttl: 1, vary: ["accept-language"], store: "STORE" })
      .get("/slow", () => {
        const runs = kv().incr("COUNTER");
        sleep(300);
        return { runs, lang: header("accept-language") || null };
      })
      .get("/cookie", () => { cookie("a", "b"); return { runs: kv().incr("COUNTER-c") }; });
    work("Plain").get("/plain", () => ({ runs: kv().incr("COUNTER-p") }));
    "#
    .replace("STORE", store)
    .replace("COUNTER", counter)
}

fn with_language(s: &Server, path: &str, lang: &str) -> Resp {
    send(
        s,
        &format!("GET {path} HTTP/1.1\r\nHost: t\r\nAccept-Language: {lang}\r\n\r\n"),
    )
}

#[test]
fn a_stampede_runs_the_script_once_and_the_rest_are_hits() {
    let script = app("local", "runs");
    let s = std::sync::Arc::new(start_in(&[("app.js", &script)], &[]));
    let answers: Vec<Resp> = (0..8)
        .map(|_| {
            let s = s.clone();
            std::thread::spawn(move || get(&s, "/slow"))
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|t| t.join().unwrap())
        .collect();
    for r in &answers {
        assert_eq!(
            (r.status, r.body.as_str()),
            (200, "{\"runs\":1,\"lang\":null}")
        );
    }
    let marks: Vec<_> = answers
        .iter()
        .map(|r| r.header("X-Cache").unwrap_or("none"))
        .collect();
    assert_eq!(
        marks.iter().filter(|m| **m == "MISS").count(),
        1,
        "{marks:?}"
    );
    assert_eq!(
        marks.iter().filter(|m| **m == "HIT").count(),
        7,
        "{marks:?}"
    );
    // Kept for the TTL: a hit says how old it is.
    let r = get(&s, "/slow");
    assert_eq!(
        (r.body.as_str(), r.header("X-Cache")),
        ("{\"runs\":1,\"lang\":null}", Some("HIT"))
    );
    assert_eq!(r.header("Age"), Some("0"));
    // Another Accept-Language, another query: keys of their own.
    let r = with_language(&s, "/slow", "fr");
    assert_eq!(r.body, "{\"runs\":2,\"lang\":\"fr\"}");
    assert_eq!(get(&s, "/slow?page=2").body, "{\"runs\":3,\"lang\":null}");
    assert_eq!(
        with_language(&s, "/slow", "fr").header("X-Cache"),
        Some("HIT")
    );
    // Past the TTL the script runs again.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let r = get(&s, "/slow");
    assert_eq!(
        (r.body.as_str(), r.header("X-Cache")),
        ("{\"runs\":4,\"lang\":null}", Some("MISS"))
    );
    // An answer that sets a cookie is never kept; other works are not cached.
    for n in 1..=2 {
        let r = get(&s, "/cookie");
        assert_eq!(r.body, format!("{{\"runs\":{n}}}"));
        assert_eq!(r.header("X-Cache"), None);
        assert_eq!(get(&s, "/plain").body, format!("{{\"runs\":{n}}}"));
    }
}

#[test]
fn with_store_kv_one_node_serves_what_another_kept() {
    let Some(url) = redis::url_or_skip("with_store_kv_one_node_serves_what_another_kept") else {
        return;
    };
    let counter = format!(
        "cache-test-{}-{:?}",
        std::process::id(),
        std::time::SystemTime::now()
    );
    let script = app("kv", &counter);
    let start = |url: String, script: String| {
        std::thread::spawn(move || start_in(&[("app.js", &script)], &["--kv", &url]))
            .join()
            .unwrap()
    };
    let a = start(url.clone(), script.clone());
    let b = start(url.clone(), script);
    // A language of this run's own: keys of earlier runs never match.
    let lang = counter.clone();
    let r = with_language(&a, "/slow", &lang);
    assert_eq!(r.header("X-Cache"), Some("MISS"));
    assert!(r.body.starts_with("{\"runs\":1,"), "{}", r.body);
    // Written to Redis just after the answer: wait until it is there.
    let kept = || {
        let out = std::process::Command::new("redis-cli")
            .args([
                "-u",
                &url,
                "--scan",
                "--pattern",
                &format!("kitwork:cache:*{lang}"),
            ])
            .output()
            .expect("redis-cli");
        !out.stdout.is_empty()
    };
    assert!(wait_until(kept), "the answer was not written to Redis");
    let r = with_language(&b, "/slow", &lang);
    assert_eq!(r.header("X-Cache"), Some("HIT"));
    assert!(
        r.body.starts_with("{\"runs\":1,"),
        "node b served node a's answer: {}",
        r.body
    );
}

/// A kept answer with an `ETag` or a `Last-Modified` answers a request
/// that names it as current with a 304 (no body, the validators and
/// `X-Cache: HIT` kept), and one that names another with the whole answer.
#[test]
fn a_hit_answers_conditional_requests_with_304() {
    let script = r#"
    work("Tagged").cache({ ttl: 60 })
      .get("/tagged", () => { header("ETag", "\"v1\""); return { runs: kv().incr("tagged") }; })
      .get("/dated", () => { header("Last-Modified", "Sun, 06 Nov 1994 08:49:37 GMT"); return { runs: kv().incr("dated") }; });
    "#;
    let s = start_in(&[("app.js", script)], &[]);
    let ask = |path: &str, condition: &str| {
        send(
            &s,
            &format!("GET {path} HTTP/1.1\r\nHost: t\r\n{condition}\r\n"),
        )
    };
    assert_eq!(get(&s, "/tagged").body, "{\"runs\":1}");
    let r = ask("/tagged", "If-None-Match: \"v0\", W/\"v1\"\r\n");
    assert_eq!((r.status, r.body.as_str()), (304, ""));
    assert_eq!(r.header("ETag"), Some("\"v1\""));
    assert_eq!(r.header("X-Cache"), Some("HIT"));
    let r = ask("/tagged", "If-None-Match: \"v0\"\r\n");
    assert_eq!((r.status, r.body.as_str()), (200, "{\"runs\":1}"));
    assert_eq!(get(&s, "/dated").body, "{\"runs\":1}");
    let r = ask(
        "/dated",
        "If-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT\r\n",
    );
    assert_eq!((r.status, r.body.as_str()), (304, ""));
    let r = ask(
        "/dated",
        "If-Modified-Since: Sat, 05 Nov 1994 08:49:37 GMT\r\n",
    );
    assert_eq!((r.status, r.body.as_str()), (200, "{\"runs\":1}"));
    // Hostile validators: not a date, a year past any calendar, a
    // thousand tags, bytes that are not UTF-8. Each gets the whole answer.
    let many = vec!["\"x\""; 1000].join(", ");
    for condition in [
        "If-Modified-Since: yesterday\r\n".to_string(),
        "If-Modified-Since: Sun, 06 Nov 99999999 08:49:37 GMT\r\n".to_string(),
        format!("If-None-Match: {many}\r\n"),
    ] {
        let r = ask("/dated", &condition);
        assert_eq!((r.status, r.body.as_str()), (200, "{\"runs\":1}"));
    }
    use std::io::{BufReader, Write};
    let mut c = connect(&s);
    c.write_all(b"GET /tagged HTTP/1.1\r\nHost: t\r\nIf-None-Match: \"v1\xff\xfe\"\r\n\r\n")
        .unwrap();
    let r = read_response(&mut BufReader::new(c)).unwrap();
    assert_eq!((r.status, r.body.as_str()), (200, "{\"runs\":1}"));
}
