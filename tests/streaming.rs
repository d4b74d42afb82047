//! Streamed response bodies (`new Response(readableStream)`) through the
//! real binary: chunked on HTTP/1.1 (and kept alive after), delimited by
//! the close on HTTP/1.0, DATA frames on HTTP/2 in cleartext and over TLS
//! (curl); a client that does not read holds the script back
//! (backpressure, counted by the source's pulls); a client that leaves
//! cancels the source; a script that fails, stalls or enqueues something
//! that is not bytes cuts the body short where the client can tell; HEAD
//! sends no body; `db()` inside `pull`.

#[path = "support/server.rs"]
mod server;
#[path = "support/tls.rs"]
mod tls;
#[path = "support/tools.rs"]
mod tools;

use server::*;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::Command;
use std::time::Duration;

const SCRIPT: (&str, &str) = (
    "app.js",
    r#"
    const enc = new TextEncoder();
    work("Streams").budget({ instructions: 50000000 })
      .get("/count", (req) => {
        const n = Number(req.query.n || 5);
        let i = 0;
        return new Response(new ReadableStream({
          pull(c) {
            if (i === n) return c.close();
            c.enqueue(enc.encode("line " + i++ + "\n"));
          },
        }), { headers: { "content-type": "text/plain", "x-streamed": "yes" } });
      })
      .get("/ticks", () => {
        let i = 0;
        return new Response(new ReadableStream({
          start(c) {
            const t = setInterval(() => {
              c.enqueue("tick " + i + "\n");
              if (++i === 3) { clearInterval(t); c.close(); }
            }, 20);
          },
        }));
      })
      .get("/big", () => {
        const chunk = new Uint8Array(65536).fill(97);
        let i = 0;
        return new Response(new ReadableStream({
          pull(c) {
            console.log("pull " + i);
            if (i++ < Number(query("n") || 160)) c.enqueue(chunk); else c.close();
          },
        }));
      })
      .get("/forever", (req) => {
        let t;
        return new Response(new ReadableStream({
          start(c) { t = setInterval(() => c.enqueue("data: ping\n\n"), 20); },
          cancel(why) { clearInterval(t); console.log("cancelled " + req.query.who + ": " + why.message); },
        }), { headers: { "content-type": "text/event-stream" } });
      })
      .get("/fails", () => new Response(new ReadableStream({
        start(c) { c.enqueue("partial\n"); },
        pull() { throw new Error("the source broke"); },
      })))
      .get("/stalls", () => new Response(new ReadableStream({ start(c) { c.enqueue("one\n"); } })))
      .get("/numbers", () => new Response(new ReadableStream({ start(c) { c.enqueue(7); c.close(); } })))
      .get("/rows", () => {
        db().query("CREATE TABLE IF NOT EXISTS items (n INTEGER)");
        db().query("DELETE FROM items");
        for (let n = 1; n <= 5; n++) db().query("INSERT INTO items (n) VALUES ($1)", n);
        let after = 0;
        return new Response(new ReadableStream({
          pull(c) {
            const rows = db().query("SELECT n FROM items WHERE n > $1 ORDER BY n LIMIT 2", after);
            if (rows.length === 0) return c.close();
            after = rows[rows.length - 1].n;
            c.enqueue(rows.map((r) => r.n).join(",") + ";");
          },
        }));
      })
      .get("/hello", () => "hello");
    work("Uploads").budget({ instructions: 200000000 }).body({ stream: true, max: 30000000 })
      .post("/count", async (req) => {
        let bytes = 0, zeros = 0;
        for await (const chunk of req.body) {
          bytes += chunk.length;
          for (let i = 0; i < chunk.length; i += 4096) if (chunk[i] === 0) zeros++;
        }
        return { bytes, positive: zeros > 0 };
      })
      .post("/echo", async (req) => new Response(await new Response(req.body).text() + "!"))
      .post("/slow", async (req) => {
        const reader = req.body.getReader();
        const first = await reader.read();
        console.log("first chunk " + first.value.length);
        sleep(800);
        return "read one chunk";
      })
      .post("/watch", async (req) => {
        try { for await (const chunk of req.body) {} return "whole"; }
        catch (e) { console.log("body cut: " + e.message + " " + e.code); throw e; }
      })
      .post("/text", () => body())
      .post("/mirror", (req) => new Response(req.body));
    "#,
);

/// Reads a chunked body to its last chunk: the chunks' payloads, or
/// `Err` with what came before the connection ended early.
fn read_chunked(r: &mut impl BufRead) -> Result<Vec<u8>, Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let mut size = String::new();
        if r.read_line(&mut size).unwrap_or(0) == 0 {
            return Err(body);
        }
        let n = usize::from_str_radix(size.trim(), 16).expect("a chunk size");
        let mut chunk = vec![0; n + 2];
        if r.read_exact(&mut chunk).is_err() {
            return Err(body);
        }
        if n == 0 {
            return Ok(body);
        }
        body.extend_from_slice(&chunk[..n]);
    }
}

fn start() -> Server {
    start_in(&[SCRIPT], &[])
}

#[test]
fn http1_streams_chunked_then_keeps_the_connection() {
    let s = start();
    let c = connect(&s);
    let mut w = c.try_clone().unwrap();
    let mut r = BufReader::new(c);
    // Two requests pipelined: the streamed answer, then another.
    w.write_all(
        b"GET /count?n=3 HTTP/1.1\r\nHost: t\r\n\r\nGET /hello HTTP/1.1\r\nHost: t\r\n\r\n",
    )
    .unwrap();
    let head = read_framed(&mut r, false).unwrap();
    assert_eq!(head.status, 200);
    assert_eq!(head.header("Transfer-Encoding"), Some("chunked"));
    assert_eq!(head.header("Content-Length"), None);
    assert_eq!(head.header("Content-Type"), Some("text/plain"));
    assert_eq!(head.header("x-streamed"), Some("yes"));
    let body = read_chunked(&mut r).unwrap();
    assert_eq!(String::from_utf8(body).unwrap(), "line 0\nline 1\nline 2\n");
    let next = read_response(&mut r).unwrap();
    assert_eq!((next.status, next.body.as_str()), (200, "hello"));

    // Timers feed a stream between the pieces.
    let mut c = connect(&s);
    c.write_all(b"GET /ticks HTTP/1.1\r\nHost: t\r\n\r\n")
        .unwrap();
    let mut r = BufReader::new(c);
    read_framed(&mut r, false).unwrap();
    let body = read_chunked(&mut r).unwrap();
    assert_eq!(String::from_utf8(body).unwrap(), "tick 0\ntick 1\ntick 2\n");

    // `db()` waits inside `pull`.
    let mut c = connect(&s);
    c.write_all(b"GET /rows HTTP/1.1\r\nHost: t\r\n\r\n")
        .unwrap();
    let mut r = BufReader::new(c);
    read_framed(&mut r, false).unwrap();
    assert_eq!(read_chunked(&mut r).unwrap(), b"1,2;3,4;5;");

    // HTTP/1.0 has no chunks: the close ends the body.
    let mut c = connect(&s);
    c.write_all(b"GET /count?n=2 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        .unwrap();
    let mut all = Vec::new();
    c.read_to_end(&mut all).unwrap();
    let text = String::from_utf8(all).unwrap();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    assert!(head.contains("Connection: close"), "{head}");
    assert!(!head.contains("Transfer-Encoding"), "{head}");
    assert_eq!(body, "line 0\nline 1\n");

    // HEAD: the head only; the source is cancelled.
    let mut c = connect(&s);
    c.write_all(
        b"HEAD /forever?who=head HTTP/1.1\r\nHost: t\r\n\r\nGET /hello HTTP/1.1\r\nHost: t\r\n\r\n",
    )
    .unwrap();
    let mut r = BufReader::new(c);
    let head = read_framed(&mut r, false).unwrap();
    assert_eq!(head.header("Content-Type"), Some("text/event-stream"));
    assert_eq!(read_response(&mut r).unwrap().body, "hello");
    assert!(wait_until(|| s
        .log()
        .contains("cancelled head: a HEAD request has no body")));
}

#[test]
fn a_client_that_does_not_read_holds_the_script_back() {
    let s = start();
    let c = connect(&s);
    // 2,000 chunks of 64 KiB (131 MB); the client reads 100 KB and waits.
    let mut w = c.try_clone().unwrap();
    w.write_all(b"GET /big?n=2000 HTTP/1.1\r\nHost: t\r\n\r\n")
        .unwrap();
    let mut r = BufReader::new(c);
    let mut got = vec![0; 100_000];
    r.read_exact(&mut got).unwrap();
    std::thread::sleep(Duration::from_millis(500));
    let pulls = |s: &Server| s.log().matches("pull ").count();
    let held = pulls(&s);
    // What the sockets' buffers hold, not the 2,000 the body has.
    assert!(
        held < 400,
        "{held} chunks made for a client that stopped reading"
    );
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        pulls(&s),
        held,
        "the script went on while the client waited"
    );
    // Reading on gets the rest, every byte.
    let mut rest = Vec::new();
    r.read_to_end(&mut rest).ok();
    let body_bytes = got.len() + rest.len();
    assert!(body_bytes > 2000 * 65536, "{body_bytes} bytes");
    assert_eq!(pulls(&s), 2001);
}

#[test]
fn a_client_that_leaves_cancels_the_source() {
    let s = start();
    let mut c = connect(&s);
    c.write_all(b"GET /forever?who=leaver HTTP/1.1\r\nHost: t\r\n\r\n")
        .unwrap();
    let mut some = [0u8; 200];
    c.read_exact(&mut some).unwrap();
    drop(c);
    assert!(
        wait_until(|| s.log().contains("cancelled leaver: the client went away")),
        "{}",
        s.log()
    );
    // The core and its workers serve on.
    assert_eq!(get(&s, "/hello").body, "hello");
}

#[test]
fn a_failing_or_stalled_stream_is_cut_short() {
    let s = start();
    for (path, logged) in [
        ("/fails", "Error: the source broke\n    at pull ("),
        (
            "/stalls",
            "the response stream was left open with nothing left in the request that could write to it or close it",
        ),
        (
            "/numbers",
            "TypeError: a response stream gave 7: its chunks must be Uint8Arrays (or strings)",
        ),
    ] {
        let mut c = connect(&s);
        c.write_all(format!("GET {path} HTTP/1.1\r\nHost: t\r\n\r\n").as_bytes())
            .unwrap();
        let mut r = BufReader::new(c);
        assert_eq!(read_framed(&mut r, false).unwrap().status, 200);
        // No last chunk, and the connection closes: the client can tell.
        let cut = read_chunked(&mut r).unwrap_err();
        let expected: &[u8] = match path {
            "/fails" => b"partial\n",
            "/stalls" => b"one\n",
            _ => b"",
        };
        assert_eq!(cut, expected, "{path}");
        assert!(
            wait_until(|| s.log().contains(logged)),
            "{path}: {}",
            s.log()
        );
        assert!(s.log().contains(&format!("GET {path} (")), "{}", s.log());
    }
    assert_eq!(get(&s, "/hello").body, "hello");
}

/// curl's body, exit code and HTTP version.
fn curl(args: &[&str]) -> (Vec<u8>, i32, String) {
    let out = Command::new("curl")
        .args(["-s", "--max-time", "20", "-w", "%{stderr}%{http_version}"])
        .args(args)
        .output()
        .unwrap();
    (
        out.stdout,
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

#[test]
fn http2_streams_data_frames_in_cleartext_and_over_tls() {
    if !tools::have(
        "curl",
        "http2_streams_data_frames_in_cleartext_and_over_tls",
    ) {
        return;
    }
    let a = tls::cert(&["localhost"]);
    let toml = format!("{}[[tls]]\ncert = \"a.pem\"\nkey = \"a.key\"\n", tls::HTTPS);
    let s = tls::start_tls_server(&[("a", &a)], &toml, &[SCRIPT], &[]);
    let port = tls::port_of(s.https.as_ref().unwrap());
    let resolve = format!("localhost:{port}:127.0.0.1");
    let cacert = s.dir.join("a.pem").display().to_string();
    let bases = [
        (format!("http://{}", s.addr), "--http2-prior-knowledge"),
        (format!("https://localhost:{port}"), "--http2"),
    ];
    for (base, mode) in &bases {
        let args = |path: &str| {
            vec![
                mode.to_string(),
                "--resolve".into(),
                resolve.clone(),
                "--cacert".into(),
                cacert.clone(),
                format!("{base}{path}"),
            ]
        };
        let run = |path: &str| {
            let a = args(path);
            curl(&a.iter().map(String::as_str).collect::<Vec<_>>())
        };
        assert_eq!(
            run("/count?n=3"),
            (b"line 0\nline 1\nline 2\n".to_vec(), 0, "2".into()),
            "{base}"
        );
        assert_eq!(run("/ticks").0, b"tick 0\ntick 1\ntick 2\n", "{base}");
        // 10 MB under the client's flow control.
        let (big, code, _) = run("/big");
        assert_eq!((big.len(), code), (160 * 65536, 0), "{base}");
        assert!(big.iter().all(|&b| b == b'a'));
        // Cut short: RST_STREAM, which curl reports (92); the DATA sent
        // before it may be dropped with the stream.
        let (cut, code, _) = run("/fails");
        assert_eq!(code, 92, "{base}");
        assert!(b"partial\n".starts_with(&cut), "{base}: {cut:?}");
    }
}

/// A connection that can be checked for the end of a body, so the test
/// above cannot pass by reading a body the server never ended.
#[test]
fn the_chunked_reader_sees_a_cut() {
    let mut cut: &[u8] = b"3\r\nabc\r\n";
    assert_eq!(read_chunked(&mut cut), Err(b"abc".to_vec()));
    let mut whole: &[u8] = b"3\r\nabc\r\n0\r\n\r\n";
    assert_eq!(read_chunked(&mut whole), Ok(b"abc".to_vec()));
}

#[test]
fn the_events_example_streams_server_sent_events() {
    let s = start_in(&[("events.js", include_str!("../work/events.js"))], &[]);
    let mut c = connect(&s);
    c.write_all(b"GET /events?n=3 HTTP/1.1\r\nHost: t\r\n\r\n")
        .unwrap();
    let mut r = BufReader::new(c);
    let head = read_framed(&mut r, false).unwrap();
    assert_eq!(head.header("Content-Type"), Some("text/event-stream"));
    let text = String::from_utf8(read_chunked(&mut r).unwrap()).unwrap();
    let events: Vec<&str> = text.split_terminator("\n\n").collect();
    assert_eq!(events.len(), 3, "{text}");
    for (i, e) in events.iter().enumerate() {
        let n = i + 1;
        assert!(
            e.starts_with(&format!("id: {n}\ndata: {{\"sent\":{n},\"at\":\"")),
            "{e}"
        );
    }
}

/// A POST of `body` with `Content-Length` (or chunked, 64 KiB chunks);
/// the response.
fn upload(s: &Server, path: &str, body: &[u8], chunked: bool) -> Resp {
    let mut c = connect(s);
    let framing = match chunked {
        true => "Transfer-Encoding: chunked".to_string(),
        false => format!("Content-Length: {}", body.len()),
    };
    c.write_all(format!("POST {path} HTTP/1.1\r\nHost: t\r\n{framing}\r\n\r\n").as_bytes())
        .unwrap();
    let writer = {
        let mut w = c.try_clone().unwrap();
        let body = body.to_vec();
        std::thread::spawn(move || {
            let sent = if chunked {
                body.chunks(65536)
                    .try_for_each(|part| {
                        w.write_all(format!("{:x}\r\n", part.len()).as_bytes())?;
                        w.write_all(part)?;
                        w.write_all(b"\r\n")
                    })
                    .and_then(|()| w.write_all(b"0\r\n\r\n"))
            } else {
                w.write_all(&body)
            };
            sent.is_ok()
        })
    };
    let resp = read_response(&mut BufReader::new(c)).expect("an answer");
    writer.join().unwrap();
    resp
}

#[test]
fn a_route_reads_its_request_bodies_as_streams() {
    let s = start();
    let body = vec![0u8; 12_000_000];
    for chunked in [false, true] {
        let r = upload(&s, "/count", &body, chunked);
        assert_eq!(
            (r.status, r.body.as_str()),
            (200, r#"{"bytes":12000000,"positive":true}"#),
            "chunked: {chunked}"
        );
    }
    // A body that came with its head is a stream too.
    let r = upload(&s, "/echo", b"hello", false);
    assert_eq!((r.status, r.body.as_str()), (200, "hello!"));
    let r = upload(&s, "/echo", b"hello chunks", true);
    assert_eq!((r.status, r.body.as_str()), (200, "hello chunks!"));
    // Pipelined after a streamed body, on the same connection.
    let mut c = connect(&s);
    c.write_all(b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\nhiGET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
        .unwrap();
    let mut r = BufReader::new(c);
    assert_eq!(read_response(&mut r).unwrap().body, "hi!");
    assert_eq!(read_response(&mut r).unwrap().body, "hello");
    // body() and payload() say where the body is.
    let r = upload(&s, "/text", b"x", false);
    assert_eq!(r.status, 500);
    assert!(
        r.body.contains("read req.body (a ReadableStream)"),
        "{}",
        r.body
    );
}

#[test]
fn a_streamed_request_body_keeps_its_limits() {
    let s = start();
    // Past the route's max: 413 before the handler for a length, when
    // the count passes it for chunks.
    let big = vec![1u8; 31_000_000];
    let mut c = connect(&s);
    c.write_all(b"POST /count HTTP/1.1\r\nHost: t\r\nContent-Length: 31000000\r\n\r\n")
        .unwrap();
    assert_eq!(read_response(&mut BufReader::new(c)).unwrap().status, 413);
    assert_eq!(upload(&s, "/count", &big, true).status, 413);
    assert!(
        s.log()
            .contains("the request body is larger than this route's max (30000000 bytes)")
    );
    // Other routes keep `limits.body` (1 MiB).
    let mut c = connect(&s);
    c.write_all(b"POST /hello HTTP/1.1\r\nHost: t\r\nContent-Length: 2000000\r\n\r\n")
        .unwrap();
    assert_eq!(read_response(&mut BufReader::new(c)).unwrap().status, 413);
    // A client that goes away mid-body: the script's read fails, saying so.
    let mut c = connect(&s);
    c.write_all(b"POST /watch HTTP/1.1\r\nHost: t\r\nContent-Length: 1000000\r\n\r\n")
        .unwrap();
    c.write_all(&[0u8; 100_000]).unwrap();
    std::thread::sleep(Duration::from_millis(200));
    drop(c);
    assert!(
        wait_until(|| {
            s.log().contains(
            "body cut: the client closed the connection before the end of the request body BAD_REQUEST_BODY"
        )
        }),
        "{}",
        s.log()
    );
}

#[test]
fn a_script_that_reads_slowly_holds_the_client_back() {
    let s = start();
    let mut c = connect(&s);
    c.write_all(b"POST /slow HTTP/1.1\r\nHost: t\r\nContent-Length: 29000000\r\n\r\n")
        .unwrap();
    c.set_nonblocking(true).unwrap();
    // Send as fast as the server takes it, for half a second.
    let block = vec![7u8; 65536];
    let mut sent = 0usize;
    let until = std::time::Instant::now() + Duration::from_millis(500);
    while std::time::Instant::now() < until {
        match c.write(&block) {
            Ok(n) => sent += n,
            Err(_) => std::thread::sleep(Duration::from_millis(5)),
        }
    }
    // The script took one chunk: what was sent sits in the sockets'
    // buffers and the feed's 64 KiB, not in the gateway's memory.
    eprintln!("{sent} bytes went in while the script read one chunk");
    assert!(
        sent < 16_000_000,
        "{sent} bytes went in while the script read one chunk (of 29 MB)"
    );
    c.set_nonblocking(false).unwrap();
    // The handler answers without reading the rest: the connection closes
    // after the answer.
    let r = read_response(&mut BufReader::new(c.try_clone().unwrap())).unwrap();
    assert_eq!((r.status, r.body.as_str()), (200, "read one chunk"));
    assert!(
        wait_until(|| s.log().contains("first chunk ")),
        "{}",
        s.log()
    );
}

#[test]
fn http2_streams_request_bodies_both_ways_at_once() {
    if !tools::have("nghttp", "http2_streams_request_bodies_both_ways_at_once") {
        return;
    }
    let s = start();
    let file = s.dir.join("upload.bin");
    std::fs::write(&file, vec![0u8; 12_000_000]).unwrap();
    let nghttp = |path: &str| {
        let out = Command::new("nghttp")
            .args(["-d"])
            .arg(&file)
            .arg(format!("http://{}{path}", s.addr))
            .output()
            .unwrap();
        (out.status.success(), out.stdout)
    };
    assert_eq!(
        nghttp("/count"),
        (true, br#"{"bytes":12000000,"positive":true}"#.to_vec())
    );
    // The answer streams the body back while it still comes.
    let (ok, echoed) = nghttp("/mirror");
    assert!(ok);
    assert_eq!(echoed.len(), 12_000_000);
    // Past the route's max: 413, the answer whole before the body ends.
    std::fs::write(&file, vec![1u8; 31_000_000]).unwrap();
    let (ok, refused) = nghttp("/count");
    assert!(ok);
    assert_eq!(
        refused,
        br#"{"error":"request body larger than the route's max"}"#.to_vec()
    );
}

#[test]
fn http1_echoes_a_body_that_came_with_its_head_and_cuts_a_longer_one() {
    let s = start();
    // A body that came whole is a stream already closed: answered whole.
    let mut c = connect(&s);
    c.write_all(b"POST /mirror HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nshort")
        .unwrap();
    let r = read_response(&mut BufReader::new(c)).unwrap();
    assert_eq!(
        (r.header("Content-Length"), r.body.as_str()),
        (Some("5"), "short")
    );
    // HTTP/1.1 reads a streamed body only while the handler runs: an
    // answer that streams the rest of it is cut short, and says why.
    let mut c = connect(&s);
    c.write_all(b"POST /mirror HTTP/1.1\r\nHost: t\r\nContent-Length: 3000000\r\n\r\n")
        .unwrap();
    c.write_all(&[0u8; 100_000]).unwrap();
    let mut r = BufReader::new(c);
    read_framed(&mut r, false).unwrap();
    assert!(read_chunked(&mut r).is_err());
    assert!(
        wait_until(|| s.log().contains("cannot be read after the answer")),
        "{}",
        s.log()
    );
}

#[test]
fn a_malformed_streamed_body_fails_the_read_with_400() {
    let s = start();
    let long_size = format!("1{}\r\n", ";x".repeat(2000));
    for (what, bytes) in [
        ("a size that is not hex", "zz\r\nabc\r\n".to_string()),
        ("data without its CRLF", "3\r\nabcXY".to_string()),
        ("a bare LF", "3\nabc\r\n".to_string()),
        ("a size line past its limit", long_size),
    ] {
        let mut c = connect(&s);
        c.write_all(b"POST /watch HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n")
            .unwrap();
        // After the handler started: the stream's decoder meets them,
        // not the whole-message parser.
        std::thread::sleep(Duration::from_millis(100));
        c.write_all(bytes.as_bytes()).unwrap();
        let r = read_response(&mut BufReader::new(c)).expect("an answer");
        assert_eq!(r.status, 400, "{what}: {}", r.body);
        assert!(
            r.body.contains("chunked framing is malformed"),
            "{what}: {}",
            r.body
        );
    }
}
