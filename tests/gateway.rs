//! The gateway end to end: the real `kitwork serve` binary on 127.0.0.1:0,
//! spoken to with raw TCP bytes: every route form, accessor and response
//! mapping, pipelining, keep-alive, the limits on bad input, and errors.

#[path = "support/server.rs"]
mod server;

use server::*;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::time::Duration;

const SCRIPTS: &[(&str, &str)] = &[
    (
        "hello.js",
        r#"work("Hello").get("/hello", () => ({ message: "hello" }));"#,
    ),
    (
        "async.js",
        r#"
        const later = (v) => new Promise((resolve) => resolve(v));
        work("Async").get("/async", async () => {
          const [a, b] = await Promise.all([later(1), later(2)]);
          return { sum: a + b };
        });
        work("AsyncFails").get("/async-fails", async () => {
          await later(0);
          throw new RangeError("too late");
        });
        "#,
    ),
    (
        "slow.js",
        r#"work("Slow").get("/slow", () => { sleep(1500); return { slept: true }; });"#,
    ),
    (
        "panic.js",
        r#"work("Panic").get("/panic", () => __kitwork_panic_for_tests());"#,
    ),
    (
        "budget.js",
        r#"
        const count = (n) => { let i = 0; while (i < n) i++; return { counted: i }; };
        work("Tight").budget({ instructions: 5000 }).get("/tight", () => count(10000));
        work("Roomy").get("/roomy", () => count(10000));
        work("Small").budget({ memory: 65536 }).post("/small", (req) => req.body.length);
        // 2^30 ways to split the a's before the b fails them all: under the
        // default budget the matcher stops, like a loop that would not.
        work("Backtrack").budget({ instructions: 10000000 })
          .get("/backtrack", () => ({ matched: /(a+)+$/.test("a".repeat(30) + "b") }));
        "#,
    ),
    (
        "garbage.js",
        r#"
        // The handler makes 17.6 MB of short-lived objects under a 2 MB
        // budget; the top level, which runs before it on every request, makes
        // enough garbage to be collected while the host holds the handler.
        work("Garbage").budget({ instructions: 5000000, memory: 2000000 }).get("/garbage", () => {
          let t = 0;
          for (let i = 0; i < 100000; i++) { const o = { i, a: [i] }; t += o.a[0] % 3; }
          return { t };
        });
        // Routes registered from inside a callback of map(): the handler the
        // host keeps must stay pinned after map() lets go of its own result.
        const mapped = work("Mapped").budget({ instructions: 5000000 });
        ["/m1", "/m2"].map((p) => mapped.get(p, () => ({ p })));
        let junk = null;
        for (let i = 0; i < 30000; i++) junk = { i, next: junk && junk.i };
        "#,
    ),
    (
        "forms.js",
        r#"
        work("Shortcuts").get("/a", () => "get a").post("/a", () => "post a").put("/a", () => "put a")
          .patch("/a", () => "patch a").delete("/a", () => "delete a");
        work("Chain").router().get("/chain").handle(() => ({ form: "chain" }));
        work("RouterHandle").router("GET", "/rh").handle((req) => ({ form: "router+handle", method: req.method }));
        work("Versioned").version("2.1.0").get("/v", () => ({ v: true }));
        "#,
    ),
    (
        "file_form.js",
        "work(\"File\").router(\"GET\", \"/file\");\nconst x = 6 * 7;\nreturn { answer: x, q: query(\"q\") ?? null };",
    ),
    (
        "accessors.js",
        r#"
        work("Acc")
          .get("/p/:id/:name", (req) => ({ id: params("id"), all: params(), same: req.params.name === params("name") }))
          .get("/rest/*tail", () => ({ tail: params("tail") }))
          .get("/q", () => ({ one: query("x"), all: query() }))
          .get("/h", () => ({ agent: header("User-Agent"), missing: header("x-nope") ?? "none" }))
          .get("/c", () => ({ sid: cookie("sid") ?? null }))
          .post("/body", () => ({ raw: body() }))
          .post("/payload", () => {
            const p = payload();
            return { type: typeof p, p };
          });
        "#,
    ),
    (
        "polyfill.js",
        r#"
        // A polyfill at the top level, and a handler that changes the realm:
        // each request sees the polyfill and none sees another's change.
        Array.prototype.second = function () { return this[1]; };
        work("Realm").get("/realm", () => {
          const before = Object.prototype.visits ?? 0;
          Object.prototype.visits = before + 1;
          Math.max = () => "patched";
          return { before, second: [1, 2, 3].second(), keys: Object.keys({}) };
        });
        "#,
    ),
    (
        "responses.js",
        r#"
        work("Resp")
          .get("/text", () => "plain text")
          .get("/none", () => null)
          .get("/status-field", () => ({ status: 418, teapot: true }))
          .get("/status-fn", () => { status(202); header("X-Custom", "yes"); return [1, 2]; })
          .get("/redirect", () => { redirect("/hello", 301); })
          .get("/cookie", () => { cookie("sid", "abc", { httpOnly: true, path: "/", sameSite: "Strict" }); return {}; })
          .get("/page", () => html("<p>{{who}}</p>", { who: "<script>" }))
          .get("/boom", () => { const o = {}; return o.missing.field; })
          .get("/spin", () => { while (true) {} });
        "#,
    ),
];

fn start() -> Server {
    start_with(&[])
}

/// Starts the server on `SCRIPTS` with extra `serve` arguments (e.g. `--config FILE`).
fn start_with(extra: &[&str]) -> Server {
    start_in(SCRIPTS, extra)
}

#[test]
fn route_forms() {
    let s = start();
    let r = get(&s, "/hello");
    assert_eq!((r.status, r.body.as_str()), (200, r#"{"message":"hello"}"#));
    assert_eq!(r.header("Content-Type"), Some("application/json"));
    assert_eq!(r.header("Server"), Some("kitwork"));
    assert!(r.header("Date").is_some_and(|d| d.ends_with("GMT")));
    for m in ["GET", "POST", "PUT", "PATCH", "DELETE"] {
        let r = send(
            &s,
            &format!("{m} /a HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n"),
        );
        assert_eq!(r.body, format!("{} a", m.to_lowercase()));
    }
    assert_eq!(get(&s, "/chain").body, r#"{"form":"chain"}"#);
    assert_eq!(
        get(&s, "/rh").body,
        r#"{"form":"router+handle","method":"GET"}"#
    );
    let v = get(&s, "/v");
    assert_eq!(v.header("X-Work-Version"), Some("2.1.0"));
    assert_eq!(get(&s, "/file?q=hi").body, r#"{"answer":42,"q":"hi"}"#);
    let nf = get(&s, "/nowhere");
    assert_eq!(
        (nf.status, nf.body.as_str()),
        (404, r#"{"error":"no route for GET /nowhere"}"#)
    );
    let na = send(&s, "DELETE /hello HTTP/1.1\r\nHost: t\r\n\r\n");
    assert_eq!((na.status, na.header("Allow")), (405, Some("GET")));
    let mut c = connect(&s);
    c.write_all(b"HEAD /hello HTTP/1.1\r\nHost: t\r\n\r\nGET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
        .unwrap();
    let mut r = BufReader::new(c);
    let head = read_framed(&mut r, false).unwrap();
    assert_eq!(
        (head.status, head.header("Content-Length")),
        (200, Some("19"))
    );
    // No body followed the HEAD response: the next bytes are the GET's.
    assert_eq!(
        read_response(&mut r).unwrap().body,
        r#"{"message":"hello"}"#
    );
}

#[test]
fn accessors() {
    let s = start();
    assert_eq!(
        get(&s, "/p/7/ann%20b").body,
        r#"{"id":"7","all":{"id":"7","name":"ann b"},"same":true}"#
    );
    assert_eq!(get(&s, "/rest/a/b/c.txt").body, r#"{"tail":"a/b/c.txt"}"#);
    assert_eq!(
        get(&s, "/q?x=1&y=two+words&z=%2F").body,
        r#"{"one":"1","all":{"x":"1","y":"two words","z":"/"}}"#
    );
    assert_eq!(
        get(&s, "/h").body,
        r#"{"agent":"gw-test","missing":"none"}"#
    );
    let c = send(
        &s,
        "GET /c HTTP/1.1\r\nHost: t\r\nCookie: a=1; sid=xyz\r\n\r\n",
    );
    assert_eq!(c.body, r#"{"sid":"xyz"}"#);
    let b = send(
        &s,
        "POST /body HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello",
    );
    assert_eq!(b.body, r#"{"raw":"hello"}"#);
    let j = send(
        &s,
        "POST /payload HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 17\r\n\r\n{\"a\":[1,2],\"b\":1}",
    );
    assert_eq!(j.body, r#"{"type":"object","p":{"a":[1,2],"b":1}}"#);
    let f = send(
        &s,
        "POST /payload HTTP/1.1\r\nHost: t\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 10\r\n\r\na=1&b=x+y!",
    );
    assert_eq!(f.body, r#"{"type":"object","p":{"a":"1","b":"x y!"}}"#);
    let t = send(
        &s,
        "POST /payload HTTP/1.1\r\nHost: t\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n\r\nabc",
    );
    assert_eq!(t.body, r#"{"type":"string","p":"abc"}"#);
    let chunked = send(
        &s,
        "POST /body HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n",
    );
    assert_eq!(chunked.body, r#"{"raw":"abcde"}"#);
}

#[test]
fn response_mapping() {
    let s = start();
    let t = get(&s, "/text");
    assert_eq!(
        (t.status, t.header("Content-Type"), t.body.as_str()),
        (200, Some("text/plain; charset=utf-8"), "plain text")
    );
    assert_eq!(get(&s, "/none").status, 204);
    let tea = get(&s, "/status-field");
    assert_eq!(
        (tea.status, tea.body.as_str()),
        (418, r#"{"status":418,"teapot":true}"#)
    );
    let f = get(&s, "/status-fn");
    assert_eq!(
        (f.status, f.header("X-Custom"), f.body.as_str()),
        (202, Some("yes"), "[1,2]")
    );
    let r = get(&s, "/redirect");
    assert_eq!((r.status, r.header("Location")), (301, Some("/hello")));
    assert_eq!(
        get(&s, "/cookie").header("Set-Cookie"),
        Some("sid=abc; Path=/; SameSite=Strict; HttpOnly")
    );
    let p = get(&s, "/page");
    assert_eq!(
        (p.header("Content-Type"), p.body.as_str()),
        (Some("text/html; charset=utf-8"), "<p>&lt;script&gt;</p>")
    );
}

#[test]
fn async_handlers_answer_with_what_their_promise_settles_to() {
    let s = start();
    let ok = get(&s, "/async");
    assert_eq!((ok.status, ok.body.as_str()), (200, r#"{"sum":3}"#));
    let fails = get(&s, "/async-fails");
    assert_eq!(
        (fails.status, fails.body.as_str()),
        (500, r#"{"error":"RangeError: too late"}"#)
    );
    assert_eq!(get(&s, "/hello").status, 200);
}

#[test]
fn changes_to_built_ins_last_one_request() {
    let s = start();
    for _ in 0..3 {
        let r = get(&s, "/realm");
        assert_eq!(
            (r.status, r.body.as_str()),
            (200, r#"{"before":0,"second":2,"keys":[]}"#)
        );
    }
    let c = connect(&s);
    let mut w = c.try_clone().unwrap();
    let mut r = BufReader::new(c);
    // Pipelined on one connection (one VM after another on the core).
    w.write_all(b"GET /realm HTTP/1.1\r\nHost: t\r\n\r\nGET /realm HTTP/1.1\r\nHost: t\r\n\r\n")
        .unwrap();
    for _ in 0..2 {
        assert!(
            read_response(&mut r)
                .unwrap()
                .body
                .contains(r#""before":0"#)
        );
    }
}

#[test]
fn script_errors_do_not_take_the_core_down() {
    let s = start();
    let boom = get(&s, "/boom");
    assert_eq!(boom.status, 500);
    assert_eq!(
        boom.body,
        r#"{"error":"TypeError: Cannot read properties of undefined (reading 'field')"}"#
    );
    let spin = get(&s, "/spin");
    assert_eq!(spin.status, 503);
    assert!(
        spin.body.contains("instruction budget exhausted") && spin.body.contains("GET /spin"),
        "{}",
        spin.body
    );
    assert_eq!(get(&s, "/hello").status, 200);
}

#[test]
fn a_catastrophic_regexp_ends_on_the_budget_and_frees_the_core() {
    let s = start();
    let started = std::time::Instant::now();
    let r = get(&s, "/backtrack");
    // Reported, not asserted (timings are noisy): the issue's bound is 100 ms.
    eprintln!("/backtrack answered in {:?}", started.elapsed());
    assert_eq!(r.status, 503, "{}", r.body);
    assert!(
        r.body.contains("instruction budget exhausted") && r.body.contains("GET /backtrack"),
        "{}",
        r.body
    );
    assert_eq!(get(&s, "/hello").status, 200);
}

#[test]
fn keep_alive_and_pipelining() {
    let s = start();
    let c = connect(&s);
    let mut w = c.try_clone().unwrap();
    let mut r = BufReader::new(c);
    for _ in 0..3 {
        w.write_all(b"GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            .unwrap();
        assert_eq!(read_response(&mut r).unwrap().status, 200);
    }
    let batch: String = (0..16)
        .map(|i| format!("GET /p/{i}/x HTTP/1.1\r\nHost: t\r\n\r\n"))
        .collect();
    w.write_all(batch.as_bytes()).unwrap();
    for i in 0..16 {
        let resp = read_response(&mut r).unwrap();
        assert!(
            resp.body.starts_with(&format!("{{\"id\":\"{i}\"")),
            "{i}: {}",
            resp.body
        );
    }
    // HTTP/1.0 and Connection: close end the connection after the response.
    w.write_all(b"GET /hello HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        .unwrap();
    let last = read_response(&mut r).unwrap();
    assert_eq!(last.header("Connection"), Some("close"));
    assert!(read_response(&mut r).is_none());
}

#[test]
fn bad_input_gets_the_right_status() {
    let s = start();
    let long = format!("GET /{} HTTP/1.1\r\nHost: t\r\n\r\n", "a".repeat(9000));
    assert_eq!(send(&s, &long).status, 414);
    let many: String = (0..120).map(|i| format!("X-H{i}: v\r\n")).collect();
    assert_eq!(
        send(&s, &format!("GET /hello HTTP/1.1\r\nHost: t\r\n{many}\r\n")).status,
        431
    );
    let big_header = format!(
        "GET /hello HTTP/1.1\r\nHost: t\r\nX-Big: {}\r\n\r\n",
        "b".repeat(70_000)
    );
    assert_eq!(send(&s, &big_header).status, 431);
    assert_eq!(
        send(
            &s,
            "POST /body HTTP/1.1\r\nHost: t\r\nContent-Length: 2000000\r\n\r\n"
        )
        .status,
        413
    );
    assert_eq!(send(&s, "GARBAGE\r\n\r\n").status, 400);
    assert_eq!(
        send(
            &s,
            "POST /body HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\nabc"
        )
        .status,
        400
    );
    assert_eq!(
        send(
            &s,
            "POST /body HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabc"
        )
        .status,
        400
    );
    assert_eq!(
        send(
            &s,
            "POST /body HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip\r\n\r\n"
        )
        .status,
        501
    );
    assert_eq!(send(&s, "GET /hello HTTP/2.0\r\n\r\n").status, 505);
    // After all that, the server still answers.
    assert_eq!(get(&s, "/hello").status, 200);
}

#[test]
fn expect_continue() {
    let s = start();
    let c = connect(&s);
    let mut w = c.try_clone().unwrap();
    let mut r = BufReader::new(c);
    w.write_all(
        b"POST /body HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n",
    )
    .unwrap();
    let mut line = String::new();
    r.read_line(&mut line).unwrap();
    assert_eq!(line.trim_end(), "HTTP/1.1 100 Continue");
    r.read_line(&mut line).unwrap();
    w.write_all(b"data").unwrap();
    assert_eq!(read_response(&mut r).unwrap().body, r#"{"raw":"data"}"#);
}

#[test]
fn a_waiting_handler_does_not_block_its_core() {
    let s = start();
    let mut slow = connect(&s);
    slow.write_all(b"GET /slow HTTP/1.1\r\nHost: t\r\n\r\n")
        .unwrap();
    std::thread::sleep(Duration::from_millis(50));
    // The only core answers /hello while /slow is still asleep.
    assert_eq!(get(&s, "/hello").status, 200);
    slow.set_nonblocking(true).unwrap();
    let mut probe = [0u8; 1];
    assert!(
        slow.peek(&mut probe).is_err(),
        "/slow answered before /hello"
    );
    slow.set_nonblocking(false).unwrap();
    let r = read_response(&mut BufReader::new(slow)).unwrap();
    assert_eq!(r.body, r#"{"slept":true}"#);
}

#[test]
fn sigterm_drains_in_flight_requests_and_exits_cleanly() {
    let mut s = start();
    let mut c = connect(&s);
    c.write_all(b"GET /slow HTTP/1.1\r\nHost: t\r\n\r\n")
        .unwrap();
    std::thread::sleep(Duration::from_millis(100));
    let pid = s.child.id().to_string();
    // The shell's builtin kill: no procps needed on a bare machine.
    assert!(
        Command::new("sh")
            .args(["-c", &format!("kill -TERM {pid}")])
            .status()
            .unwrap()
            .success()
    );
    // The request in flight still gets its whole response…
    let r = read_response(&mut BufReader::new(c)).unwrap();
    assert_eq!((r.status, r.body.as_str()), (200, r#"{"slept":true}"#));
    // …and the process then exits 0 by itself.
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    let status = loop {
        if let Some(st) = s.child.try_wait().unwrap() {
            break st;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the gateway did not exit after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "{status:?}");
    // New connections are refused once it has stopped.
    assert!(TcpStream::connect(&s.addr).is_err());
}

#[test]
fn invalid_configuration_is_one_clear_message_and_exit_2() {
    let dir = std::env::temp_dir().join(format!("kitwork-cfg-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("kitwork.toml");
    for (text, key) in [
        ("[limits]\nbogus = 1\n", "bogus"),
        ("listen = \"nowhere\"\n", "listen"),
        ("cores = 0\n", "cores"),
    ] {
        std::fs::write(&path, text).unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_kitwork"))
            .args(["serve", "--config"])
            .arg(&path)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{text}: {err}");
        assert!(
            err.contains("invalid configuration") && err.contains(key),
            "{text}: {err}"
        );
    }
    let out = Command::new(env!("CARGO_BIN_EXE_kitwork"))
        .args(["serve", "--io", "kqueue"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_panic_fails_one_request_and_the_core_goes_on() {
    let s = start();
    let r = get(&s, "/panic");
    assert_eq!(
        (r.status, r.body.as_str()),
        (500, r#"{"error":"internal error"}"#)
    );
    assert_eq!(get(&s, "/hello").status, 200);
    assert_eq!(get(&s, "/p/1/x").status, 200);
}

#[test]
fn slow_heads_get_408_and_idle_connections_close() {
    let dir = std::env::temp_dir().join(format!("kitwork-timeouts-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cfg = dir.join("kitwork.toml");
    std::fs::write(
        &cfg,
        "[limits]\nheader_timeout_ms = 300\nidle_timeout_ms = 300\n",
    )
    .unwrap();
    let s = start_with(&["--config", cfg.to_str().unwrap()]);
    // A head that never completes: 408, then the connection closes.
    let mut c = connect(&s);
    c.write_all(b"GET /hello HTTP/1.1\r\nHost:").unwrap();
    let mut r = BufReader::new(c);
    let resp = read_response(&mut r).unwrap();
    assert_eq!(
        (resp.status, resp.header("Connection")),
        (408, Some("close"))
    );
    assert!(read_response(&mut r).is_none());
    // An idle keep-alive connection is closed after the idle timeout.
    let c = connect(&s);
    let mut w = c.try_clone().unwrap();
    let mut r = BufReader::new(c);
    w.write_all(b"GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
        .unwrap();
    assert_eq!(read_response(&mut r).unwrap().status, 200);
    let mut rest = Vec::new();
    assert_eq!(
        r.read_to_end(&mut rest).unwrap(),
        0,
        "the server should close an idle connection"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_real_http_client() {
    let s = start();
    let base = format!("http://{}", s.addr);
    let agent = ureq::Agent::new_with_defaults();
    let mut hello = agent.get(&format!("{base}/hello")).call().unwrap();
    assert_eq!(hello.status().as_u16(), 200);
    assert_eq!(
        hello.body_mut().read_to_string().unwrap(),
        r#"{"message":"hello"}"#
    );
    // The agent reuses its keep-alive connection for the second request.
    let mut posted = agent
        .post(&format!("{base}/payload"))
        .header("Content-Type", "application/json")
        .send(r#"{"a":[1,2],"b":1}"#)
        .unwrap();
    assert_eq!(
        posted.body_mut().read_to_string().unwrap(),
        r#"{"type":"object","p":{"a":[1,2],"b":1}}"#
    );
    let missing = agent
        .get(&format!("{base}/nope"))
        .config()
        .http_status_as_error(false)
        .build()
        .call()
        .unwrap();
    assert_eq!(missing.status().as_u16(), 404);
}

#[test]
fn a_handler_making_garbage_fits_a_budget_smaller_than_the_garbage() {
    let s = start();
    for _ in 0..2 {
        let r = get(&s, "/garbage");
        assert_eq!((r.status, r.body.as_str()), (200, r#"{"t":99999}"#));
        let m = get(&s, "/m2");
        assert_eq!((m.status, m.body.as_str()), (200, r#"{"p":"/m2"}"#));
    }
}

#[test]
fn routes_can_have_their_own_budget() {
    let s = start();
    // The server's budget (200,000 in these tests) lets the loop finish…
    assert_eq!(get(&s, "/roomy").body, r#"{"counted":10000}"#);
    // …but the route's own budget of 5,000 instructions does not.
    let tight = get(&s, "/tight");
    assert_eq!(tight.status, 503);
    assert!(
        tight.body.contains("the budget is 5000 instructions") && tight.body.contains("GET /tight"),
        "{}",
        tight.body
    );
    // A memory budget stops a request whose `req` alone is over it, and says so.
    let post = |len: usize| {
        let body = "x".repeat(len);
        let raw = format!("POST /small HTTP/1.1\r\nHost: t\r\nContent-Length: {len}\r\n\r\n{body}");
        send(&s, &raw)
    };
    assert_eq!(post(100).body, "100");
    let big = post(200_000);
    assert_eq!(big.status, 503, "{}", big.body);
    assert!(
        big.body.contains("memory limit exceeded") && big.body.contains("POST /small"),
        "{}",
        big.body
    );
    assert_eq!(post(100).body, "100");
}
