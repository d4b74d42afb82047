//! Middleware through the real binary: `use()` and `work(…).use()` in
//! front of handlers, in the order `kitwork routes` shows (global, then the
//! work's, each as declared; a prefix takes whole segments); before and
//! after the handler, waiting for I/O on both sides; short-circuiting;
//! `next()` twice; errors; `limit()` in one; a module's `fetch`; and the
//! file form refused at load rather than served unchecked.

#[path = "support/server.rs"]
mod server;

use server::*;

const AUTH: (&str, &str) = (
    "lib/auth.js",
    r#"
    // Short-circuits without the right token; the handler never runs.
    export function auth(req, next) {
      if (header("authorization") !== "Bearer ok") return { status: 401, error: "who are you" };
      return next();
    }
    "#,
);

const APP: (&str, &str) = (
    "app.js",
    r#"
    import { auth } from "./lib/auth.js";
    // Each middleware notes itself on the way in (on `req`, which they and
    // the handler share) and on the way out (on the answer).
    const step = (name) => async (req, next) => {
      req.trace = (req.trace || []).concat(name);
      const answer = await next();
      if (answer && typeof answer === "object" && !(answer instanceof Response)) {
        answer.after = (answer.after || []).concat(name);
      }
      return answer;
    };
    use(step("global"));
    use(async (req, next) => {
      const t = Date.now();
      const answer = await next();
      header("X-Took-Ms", String(Date.now() - t));
      return answer;
    });
    work("Api")
      .use(step("work"))
      .use("/api/admin", step("admin"))
      .get("/api/items", (req) => ({ before: req.trace }))
      .get("/api/admin/:id", (req) => ({ before: req.trace, id: req.params.id }))
      .get("/api/administrators", (req) => ({ before: req.trace }))
      .get("/api/slow", async (req) => { await sleep(30); return { before: req.trace }; })
      .get("/api/none", () => "no req taken");
    work("Private").use(auth).get("/private", () => "secret");
    work("Waits")
      .use(async (req, next) => { await sleep(20); header("X-Waited", "yes"); return next(); })
      .get("/waits", () => "after the wait");
    work("Twice").use((req, next) => { next(); return next(); }).get("/twice", () => "x");
    work("Throws").use(() => { throw new Error("middleware broke"); }).get("/throws", () => "x");
    work("Limited")
      .use((req, next) => { limit("one", { rate: 1, per: 60, burst: 1 }); return next(); })
      .get("/limited", () => "ok");
    work("Streams").get("/stream", () => new Response(new ReadableStream({
      start(c) { c.enqueue("a"); c.enqueue("b"); c.close(); }
    })));
    "#,
);

#[test]
fn middleware_runs_in_order_around_the_handler() {
    let s = start_in(&[AUTH, APP], &[]);
    let items = get(&s, "/api/items");
    assert_eq!(items.status, 200, "{}", items.body);
    assert_eq!(
        items.body,
        r#"{"before":["global","work"],"after":["work","global"]}"#
    );
    assert!(items.header("X-Took-Ms").is_some());
    // A prefix takes its own path and those under it, whole segments only.
    let admin = get(&s, "/api/admin/7");
    assert_eq!(
        admin.body,
        r#"{"before":["global","work","admin"],"id":"7","after":["admin","work","global"]}"#
    );
    let others = get(&s, "/api/administrators");
    assert_eq!(
        others.body,
        r#"{"before":["global","work"],"after":["work","global"]}"#
    );
    // The handler's wait is inside the timing middleware's.
    let slow = get(&s, "/api/slow");
    let took: u64 = slow.header("X-Took-Ms").unwrap().parse().unwrap();
    assert!(took >= 30, "took {took} ms");
    // A handler that takes no `req` is still called without one.
    assert_eq!(get(&s, "/api/none").body, "no req taken");
    // A middleware may wait for I/O before calling next().
    let waits = get(&s, "/waits");
    assert_eq!(
        (waits.status, waits.body.as_str(), waits.header("X-Waited")),
        (200, "after the wait", Some("yes"))
    );
    // A streamed answer passes through middleware as it is.
    let stream = get(&s, "/stream");
    assert_eq!((stream.status, stream.body.as_str()), (200, "ab"));
}

#[test]
fn middleware_can_answer_instead_of_the_handler() {
    let s = start_in(&[AUTH, APP], &[]);
    let denied = get(&s, "/private");
    assert_eq!(
        (denied.status, denied.body.as_str()),
        (
            401,
            r#"{"status":401,"error":"who are you","after":["global"]}"#
        )
    );
    let allowed = send(
        &s,
        "GET /private HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer ok\r\n\r\n",
    );
    assert_eq!((allowed.status, allowed.body.as_str()), (200, "secret"));
    // `limit()` in a middleware: the second request is a 429 with its headers.
    assert_eq!(get(&s, "/limited").status, 200);
    let limited = get(&s, "/limited");
    assert_eq!(limited.status, 429);
    assert!(limited.header("Retry-After").is_some());
}

#[test]
fn middleware_errors_are_the_route_s_errors() {
    let s = start_in(&[AUTH, APP], &[]);
    let twice = get(&s, "/twice");
    assert_eq!(twice.status, 500);
    let thrown = get(&s, "/throws");
    assert_eq!(thrown.status, 500);
    assert!(wait_until(|| s.log().contains("middleware broke")));
    let log = s.log();
    assert!(
        log.contains("next() was called more than once by one middleware"),
        "{log}"
    );
    // The trace names the middleware's line.
    assert!(log.contains("app.js:"), "{log}");
}

#[test]
fn a_module_s_fetch_gets_global_middleware() {
    let worker = (
        "worker.js",
        r#"
        use(async (request, next) => {
          const answer = await next();
          answer.headers.set("X-Seen", new URL(request.url).pathname);
          return answer;
        });
        export default { fetch(request) { return new Response("from fetch"); } };
        "#,
    );
    let s = start_in(&[worker], &[]);
    let r = get(&s, "/anything");
    assert_eq!((r.status, r.body.as_str()), (200, "from fetch"));
    assert_eq!(r.header("X-Seen"), Some("/anything"));
}

#[test]
fn kitwork_routes_shows_each_route_s_middleware_in_order() {
    let (ok, text) = kitwork_routes(&[AUTH, APP], "");
    assert!(ok, "{text}");
    let admin: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.contains("/api/admin/:id"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .collect();
    assert_eq!(admin.len(), 4, "{text}");
    for (i, line) in admin.iter().enumerate() {
        assert!(
            line.trim_start().starts_with(&format!("{}. use ", i + 1)),
            "{text}"
        );
    }
    // Global ones first (declared first in the file), the prefix's last.
    let lines: Vec<u32> = admin
        .iter()
        .map(|l| l.rsplit(':').next().unwrap().parse().unwrap())
        .collect();
    assert!(lines.windows(2).all(|w| w[0] < w[1]), "{text}");
}

#[test]
fn the_file_form_behind_middleware_is_refused_at_load() {
    let script = (
        "page.js",
        r#"
        use((req, next) => next());
        work("Page").router("GET", "/page");
        return "a page";
        "#,
    );
    let (ok, text) = kitwork_routes(&[script], "");
    assert!(!ok, "{text}");
    assert!(text.contains("GET /page is in the file form"), "{text}");
    assert!(text.contains("page.js:2 (the middleware)"), "{text}");
    let (ok, text) = kitwork_routes(
        &[(
            "bad.js",
            r#"work("W").use("admin", (req, next) => next()).get("/x", () => 1);"#,
        )],
        "",
    );
    assert!(
        !ok && text.contains("a prefix must start with '/'"),
        "{text}"
    );
}
