//! The web platform in the gateway, driven by a real HTTP client over
//! TCP: a handler answering with a `Response` (status, headers, body,
//! `Response.json`), `fetch` to another route of the same gateway, a
//! fetched `Response` passed on as the answer (its framing headers are
//! the gateway's), and a fetch that cannot connect rejecting with the
//! client's error as its `cause`.

#[path = "support/server.rs"]
mod server;

use server::*;

const SCRIPTS: &[(&str, &str)] = &[(
    "web.js",
    r#"
    const self = () => "http://" + header("host");
    work("Web")
      .get("/hello", () => ({ message: "hello" }))
      .get("/made", () => new Response("made here", {
        status: 201,
        statusText: "Made",
        headers: { "x-made": "yes", "content-type": "text/x-made" },
      }))
      .get("/json", () => Response.json({ ok: true }, { headers: { "cache-control": "no-store" } }))
      .get("/bytes", () => new Response(new Uint8Array([0, 255, 10])))
      .get("/proxy", async () => {
        const r = await fetch(self() + "/hello", { headers: { "x-from": "proxy" } });
        const body = await r.json();
        return new Response(JSON.stringify({ upstream: r.status, type: r.headers.get("content-type"), body }), {
          headers: { "content-type": "application/json" },
        });
      })
      .get("/pass", () => fetch(self() + "/made"))
      .get("/refused", async () => {
        try { await fetch("http://127.0.0.1:1/"); return "connected?"; }
        catch (e) { return { name: e.name, code: e.cause.code }; }
      })
      .get("/slow", () => { sleep(3000); return "late"; })
      .get("/deadline", async () => {
        const t = Date.now();
        try { await fetch(self() + "/slow", { signal: AbortSignal.timeout(200) }); return "no timeout"; }
        catch (e) { return { name: e.name, early: Date.now() - t < 2500 }; }
      })
      .get("/framing", () => new Response("x", { headers: { "content-length": "999" } }))
      // A rendezvous: each /meet request waits (at most 5 s) until four
      // have arrived, so four fetches meet only if they are in flight at once.
      .get("/meet", () => {
        db().query("CREATE TABLE IF NOT EXISTS meet (n INTEGER)");
        db().query("INSERT INTO meet (n) VALUES ($1)", Number(query("n")));
        for (let i = 0; i < 100; i++) {
          if (db().query("SELECT count(*) AS c FROM meet")[0].c >= 4) return { n: Number(query("n")), met: true };
          sleep(50);
        }
        return { n: Number(query("n")), met: false };
      })
      .get("/fan-out", async () => {
        const answers = await Promise.all([1, 2, 3, 4].map((n) => fetch(self() + "/meet?n=" + n)));
        const bodies = await Promise.all(answers.map((r) => r.json()));
        return bodies.map((b) => `${b.n}:${b.met}`).join(" ");
      })
      // A fetch a parallel() branch made and handed back unawaited: its
      // fiber is gone, so the promise can never settle.
      .get("/lost", async () => {
        const [{ answer }] = parallel([() => ({ answer: fetch(self() + "/hello") })]);
        return await answer;
      })
      .get("/abort-in-flight", async () => {
        const c = new AbortController();
        const answer = fetch(self() + "/slow", { signal: c.signal });
        setTimeout(() => c.abort(new Error("changed my mind")), 50);
        try { await answer; return "not aborted"; } catch (e) { return { message: e.message, aborted: c.signal.aborted }; }
      })
      .post("/upload", async () => {
        const form = payload();
        const doc = form.doc;
        const bytes = new Uint8Array(await doc.arrayBuffer());
        return { title: form.title, name: doc.name, type: doc.type, size: doc.size,
          bytes: [...bytes].join(), isFile: doc instanceof File };
      })
      .post("/raw", () => {
        const b = body.bytes();
        let sum = 0;
        for (const x of b) sum += x;
        return { length: b.length, first: b[0], last: b[b.length - 1], sum, text: body().length };
      })
      .post("/form", async () => {
        const form = await new Request("http://t/", {
          method: "POST", body: body.bytes(), headers: { "content-type": header("content-type") },
        }).formData();
        return [...form].map(([k, v]) => typeof v === "string" ? `${k}=${v}` : `${k}:${v.name}`).join("&");
      })
      .get("/status", () => new Response(null, { status: 204 }));
    "#,
)];

#[test]
fn a_handler_answers_with_a_response() {
    let s = start_in(SCRIPTS, &[]);
    let r = get(&s, "/made");
    assert_eq!((r.status, r.body.as_str()), (201, "made here"));
    assert_eq!(r.header("x-made"), Some("yes"));
    assert_eq!(r.header("content-type"), Some("text/x-made"));
    let r = get(&s, "/json");
    assert_eq!((r.status, r.body.as_str()), (200, r#"{"ok":true}"#));
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.header("cache-control"), Some("no-store"));
    let r = get(&s, "/status");
    assert_eq!((r.status, r.body.as_str()), (204, ""));
    // A script's Content-Length is not the one written: the body decides.
    let r = get(&s, "/framing");
    assert_eq!((r.status, r.body.as_str()), (200, "x"));
    assert_eq!(r.header("content-length"), Some("1"));
}

#[test]
fn a_response_body_of_bytes_is_written_as_bytes() {
    let s = start_in(SCRIPTS, &[]);
    let mut c = connect(&s);
    std::io::Write::write_all(
        &mut c,
        b"GET /bytes HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
    )
    .unwrap();
    let mut raw = Vec::new();
    std::io::Read::read_to_end(&mut c, &mut raw).unwrap();
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    assert_eq!(&raw[end..], &[0, 255, 10]);
    assert!(String::from_utf8_lossy(&raw[..end]).contains("Content-Length: 3"));
}

/// `GET path` with the gateway's own address as `Host`, which the
/// routes that fetch call back.
/// A POST of `body` (raw bytes) with `content_type`; the answer.
fn post_bytes(s: &Server, path: &str, content_type: &str, body: &[u8]) -> Resp {
    let mut c = connect(s);
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: t\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    std::io::Write::write_all(&mut c, &[head.as_bytes(), body].concat()).unwrap();
    read_response(&mut std::io::BufReader::new(c)).expect("an answer")
}

/// A multipart form as curl writes one for `-F title=… -F doc=@report.bin`:
/// a text field and a file of every byte value.
fn curl_form(boundary: &str) -> Vec<u8> {
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nQ3 report\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"doc\"; filename=\"report.bin\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend([0u8, 13, 10, 45, 45, 255]);
    body.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
    body
}

#[test]
fn fetches_in_a_promise_all_are_in_flight_at_once_and_abort_in_flight() {
    let s = start_in(SCRIPTS, &[]);
    let r = get_self(&s, "/fan-out");
    assert_eq!(
        (r.status, r.body.as_str()),
        (200, "1:true 2:true 3:true 4:true")
    );
    let r = get_self(&s, "/lost");
    assert_eq!(r.status, 500, "{}", r.body);
    assert!(r.body.contains("never settled"), "{}", r.body);
    let r = get_self(&s, "/abort-in-flight");
    assert_eq!(
        (r.status, r.body.as_str()),
        (200, r#"{"message":"changed my mind","aborted":true}"#)
    );
}

#[test]
fn forms_and_binary_bodies_reach_handlers_as_bytes() {
    let s = start_in(SCRIPTS, &[]);
    let boundary = "------------------------4f1b2c3d4e5f6a7b";
    let ct = format!("multipart/form-data; boundary={boundary}");
    let r = post_bytes(&s, "/upload", &ct, &curl_form(boundary));
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        r.body,
        r#"{"title":"Q3 report","name":"report.bin","type":"application/octet-stream","size":6,"bytes":"0,13,10,45,45,255","isFile":true}"#
    );
    let r = post_bytes(&s, "/form", &ct, &curl_form(boundary));
    assert_eq!(
        (r.status, r.body.as_str()),
        (200, "title=Q3 report&doc:report.bin")
    );
    let r = post_bytes(
        &s,
        "/form",
        "application/x-www-form-urlencoded",
        b"a=1&b=x+y",
    );
    assert_eq!((r.status, r.body.as_str()), (200, "a=1&b=x y"));
    // Every byte value, as bytes; as text, those that are not UTF-8 are U+FFFD.
    let all: Vec<u8> = (0..=255).collect();
    let r = post_bytes(&s, "/raw", "application/octet-stream", &all);
    assert_eq!(
        r.body,
        r#"{"length":256,"first":0,"last":255,"sum":32640,"text":256}"#
    );
    // A broken form is the client's error.
    let r = post_bytes(&s, "/upload", &ct, b"--nothing like the boundary");
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(
        r.body.contains("not valid multipart/form-data"),
        "{}",
        r.body
    );
}

fn get_self(s: &Server, path: &str) -> Resp {
    send(
        s,
        &format!("GET {path} HTTP/1.1\r\nHost: {}\r\n\r\n", s.addr),
    )
}

#[test]
fn fetch_reaches_another_route_and_its_response_passes_on() {
    let s = start_in(SCRIPTS, &[]);
    let r = get_self(&s, "/proxy");
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        r.body,
        r#"{"upstream":200,"type":"application/json","body":{"message":"hello"}}"#
    );
    let r = get_self(&s, "/pass");
    assert_eq!((r.status, r.body.as_str()), (201, "made here"));
    assert_eq!(r.header("x-made"), Some("yes"));
    // One Content-Length, the gateway's, and no Date/Server copied twice.
    let lengths = r
        .headers
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .count();
    assert_eq!(lengths, 1, "{:?}", r.headers);
    let r = get(&s, "/refused");
    assert_eq!(r.body, r#"{"name":"TypeError","code":"ECONNREFUSED"}"#);
    // AbortSignal.timeout bounds the wait: a TimeoutError long before the
    // slow route answers.
    let r = get_self(&s, "/deadline");
    assert_eq!(r.body, r#"{"name":"TimeoutError","early":true}"#);
}

/// A module in the Workers format beside a `work()` route, `[env]` from
/// kitwork.toml and a secret from `KITWORK_SECRET_TOKEN`.
const WORKER: &[(&str, &str)] = &[
    (
        "kitwork.toml",
        "[env]\nGREETING = \"hi\"\nAPI_BASE = \"https://api.example.test/v1\"\n[secrets]\nfile = \"secrets.env\"\n",
    ),
    (
        "secrets.env",
        "# the webhook's signing key\nWEBHOOK_KEY=whsec_kitwork_test\n",
    ),
    (
        "api.js",
        r#"
        work("Api")
          .get("/api/hello", () => ({ hello: env.GREETING, base: new URL(env.API_BASE).host }))
          .post("/api/release", () => {
            db().query("CREATE TABLE IF NOT EXISTS gate (id INTEGER PRIMARY KEY)");
            db().query("INSERT INTO gate DEFAULT VALUES");
            return "released";
          });
        "#,
    ),
    (
        "worker.js",
        r#"
        export default {
          async fetch(request, env, ctx) {
            const url = new URL(request.url);
            if (url.pathname === "/echo" && request.method === "POST") {
              const data = await request.json();
              return Response.json({ got: data, q: url.searchParams.get("q"), type: request.headers.get("content-type") });
            }
            if (url.pathname === "/via-api") {
              ctx.waitUntil(Promise.reject(new Error("logged, not failed")));
              const r = await fetch(new URL("/api/hello", url));
              return new Response(`${env.GREETING}:${(await r.json()).hello}`, { status: 203 });
            }
            if (url.pathname === "/later") {
              // Work past the answer: it waits for a row only a request
              // made after the answer inserts.
              db().query("CREATE TABLE IF NOT EXISTS gate (id INTEGER PRIMARY KEY)");
              ctx.waitUntil((async () => {
                for (let i = 0; i < 300; i++) {
                  if (db().query("SELECT count(*) AS n FROM gate")[0].n > 0) {
                    console.log("released after the answer");
                    return;
                  }
                  await scheduler.wait(50);
                }
                console.log("never released");
              })());
              return new Response("answered");
            }
            if (url.pathname === "/webhook") {
              // A webhook signature check: HMAC-SHA-256 of the body, hex.
              const body = await request.text();
              const enc = new TextEncoder();
              const key = await crypto.subtle.importKey("raw", enc.encode(env.WEBHOOK_KEY), { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
              const given = request.headers.get("x-signature") ?? "";
              const sig = new Uint8Array((given.match(/../g) ?? []).map((h) => parseInt(h, 16)));
              if (!(await crypto.subtle.verify("HMAC", key, sig, enc.encode(body)))) {
                return new Response("bad signature", { status: 401 });
              }
              return Response.json({ accepted: JSON.parse(body).event });
            }
            if (url.pathname === "/leak") {
              console.log("the token is " + env.TOKEN);
              throw new Error("cannot use " + env.TOKEN);
            }
            return new Response("no page at " + url.pathname, { status: 404 });
          },
        };
        "#,
    ),
];

#[test]
fn a_workers_module_serves_with_env_and_keeps_secrets_out_of_logs() {
    const SECRET: &str = "s3cr3t-t0ken-value";
    let s = start_under(
        WORKER,
        &["--dev"],
        &format!("export KITWORK_SECRET_TOKEN={SECRET}"),
    );
    // The work() route wins over the module's catch-all, and reads env.
    let r = get(&s, "/api/hello");
    assert_eq!(r.body, r#"{"hello":"hi","base":"api.example.test"}"#);
    let body = r#"{"a":[1,2]}"#;
    let r = send(
        &s,
        &format!(
            "POST /echo?q=x%20y HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            s.addr,
            body.len()
        ),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        r.body,
        r#"{"got":{"a":[1,2]},"q":"x y","type":"application/json"}"#
    );
    let r = send(
        &s,
        &format!("GET /via-api HTTP/1.1\r\nHost: {}\r\n\r\n", s.addr),
    );
    assert_eq!((r.status, r.body.as_str()), (203, "hi:hi"));
    wait_until(|| s.log().contains("logged, not failed"));
    assert!(
        s.log().contains("a ctx.waitUntil() promise was rejected"),
        "{}",
        s.log()
    );
    assert_eq!(get(&s, "/nowhere").status, 404);
    // ctx.waitUntil() work goes on after the answer: the answer comes
    // while the work still waits for what only a later request does.
    let r = get(&s, "/later");
    assert_eq!((r.status, r.body.as_str()), (200, "answered"));
    assert!(!s.log().contains("released after the answer"));
    assert_eq!(post(&s, "/api/release").body, "released");
    assert!(
        wait_until(|| s.log().contains("released after the answer")),
        "{}",
        s.log()
    );
    // The signature node's crypto.createHmac gives for this key and body.
    let event = r#"{"event":"paid","amount":42}"#;
    let signed = |sig: &str| {
        send(
            &s,
            &format!(
                "POST /webhook HTTP/1.1\r\nHost: t\r\nX-Signature: {sig}\r\nContent-Length: {}\r\n\r\n{event}",
                event.len()
            ),
        )
    };
    let r = signed("73ac6fabf027954b44cca212194a592c9ab26513372862aa87d2f62ec1e29237");
    assert_eq!((r.status, r.body.as_str()), (200, r#"{"accepted":"paid"}"#));
    let r = signed("73ac6fabf027954b44cca212194a592c9ab26513372862aa87d2f62ec1e29238");
    assert_eq!((r.status, r.body.as_str()), (401, "bad signature"));
    // A secret in a thrown error and a console.log line: the answer (even
    // with --dev's trace) and the log show `[secret]`.
    let r = get(&s, "/leak");
    assert_eq!(r.status, 500);
    assert!(!r.body.contains(SECRET), "{}", r.body);
    assert!(r.body.contains("cannot use [secret]"), "{}", r.body);
    wait_until(|| s.log().contains("cannot use"));
    let log = s.log();
    assert!(!log.contains(SECRET), "{log}");
    assert!(log.contains("the token is [secret]"), "{log}");
}
