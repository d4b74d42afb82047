//! HTTP/2 through the real binary: curl over TLS (ALPN) and cleartext
//! (prior knowledge) — methods, bodies, headers and cookies, a large
//! answer under flow control, the HTTP/1.1 limits and statuses — h2load
//! with many streams per connection, and raw frames for what no polite
//! client sends: a rapid-reset flood (CVE-2023-44487), a CONTINUATION
//! flood, an HPACK bomb, while `/hello` keeps answering; GOAWAY when the
//! server drains.

#[path = "support/server.rs"]
mod server;
#[path = "support/tls.rs"]
mod tls;
#[path = "support/tools.rs"]
mod tools;

use server::*;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::time::{Duration, Instant};
use tls::*;

const SCRIPT: (&str, &str) = (
    "app.js",
    r#"
    work("App")
      .get("/hello", () => ({ hello: "world" }))
      .post("/echo", (req) => ({ got: body(), type: req.headers["content-type"] }))
      .get("/headers", (req) => ({ x: req.headers["x-thing"], cookie: req.headers["cookie"], q: req.query.q }))
      .get("/big", () => "x".repeat(300000))
      .get("/slow", async () => { await sleep(200); return "slow"; })
      .post("/len", () => ({ n: body.bytes().length }));
    "#,
);

fn start(toml: &str, cert: &Cert) -> Server {
    let toml = format!("{HTTPS}[[tls]]\ncert = \"a.pem\"\nkey = \"a.key\"\n{toml}");
    start_tls_server(&[("a", cert)], &toml, &[SCRIPT], &[])
}

/// curl's answer: the HTTP version, the status, the body.
fn curl(s: &Server, args: &[&str]) -> (String, u16, String) {
    let out = Command::new("curl")
        .args(["-s", "--max-time", "10", "--cacert"])
        .arg(s.dir.join("a.pem"))
        .args(["-w", "\n%{http_version} %{http_code}"])
        .args(args)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let (body, tail) = text.rsplit_once('\n').unwrap_or(("", &text));
    let (version, code) = tail.split_once(' ').unwrap_or(("", "0"));
    (
        version.to_string(),
        code.parse().unwrap_or(0),
        body.to_string(),
    )
}

#[test]
fn curl_speaks_http2_over_tls_and_cleartext() {
    if !tools::have("curl", "curl_speaks_http2_over_tls_and_cleartext") {
        return;
    }
    let a = cert(&["localhost"]);
    let s = start("[limits]\nbody = 100000\nheaders = 20\n", &a);
    let port = port_of(s.https.as_ref().unwrap());
    let tls = format!("https://localhost:{port}");
    let resolve = format!("localhost:{port}:127.0.0.1");
    let clear = format!("http://{}", s.addr);
    for (base, mode) in [(&tls, "--http2"), (&clear, "--http2-prior-knowledge")] {
        let with = |extra: &[&str]| {
            let mut args = vec![mode, "--resolve", &resolve];
            args.extend_from_slice(extra);
            curl(&s, &args)
        };
        let hello = format!("{base}/hello");
        assert_eq!(
            with(&[&hello]),
            ("2".into(), 200, r#"{"hello":"world"}"#.into()),
            "{mode}"
        );
        let echo = format!("{base}/echo");
        let (v, status, body) = with(&[
            "-H",
            "content-type: text/plain",
            "--data-binary",
            "ping",
            &echo,
        ]);
        assert_eq!((v.as_str(), status), ("2", 200));
        assert_eq!(body, r#"{"got":"ping","type":"text/plain"}"#);
        let headers = format!("{base}/headers?q=%C3%A9");
        let (_, status, body) = with(&[
            "-H",
            "x-thing: 1",
            "-H",
            "cookie: a=1",
            "-H",
            "cookie: b=2",
            &headers,
        ]);
        assert_eq!(status, 200);
        assert_eq!(body, r#"{"x":"1","cookie":"a=1; b=2","q":"é"}"#);
        // Larger than every window: sent as the client opens them.
        let big = format!("{base}/big");
        let (_, status, body) = with(&[&big]);
        assert_eq!((status, body.len()), (200, 300000));
        // HEAD: the length without the body.
        let (_, status, body) = with(&["-I", &hello]);
        assert_eq!(status, 200);
        assert!(body.contains("content-length: 17"), "{body}");
        // The HTTP/1.1 limits and statuses.
        let (_, status, _) = with(&[&format!("{base}/nothing")]);
        assert_eq!(status, 404);
        let large = "x".repeat(100_001);
        let (_, status, _) = with(&["--data-binary", &large, &echo]);
        assert_eq!(status, 413, "{mode}");
        let mut many = Vec::new();
        for i in 0..30 {
            many.extend(["-H".to_string(), format!("x-h{i}: {i}")]);
        }
        let mut args: Vec<&str> = many.iter().map(|s| s.as_str()).collect();
        args.push(&hello);
        let (_, status, _) = with(&args);
        assert_eq!(status, 431, "{mode}");
        let (_, status, _) = with(&["-X", "TRACE", &hello]);
        assert_eq!(status, 405);
    }
    // An async handler answers on its stream while others go by.
    let slow = format!("{tls}/slow");
    assert_eq!(
        curl(&s, &["--http2", "--resolve", &resolve, &slow]).2,
        "slow"
    );
}

#[test]
fn h2load_many_streams_per_connection() {
    if !tools::have("h2load", "h2load_many_streams_per_connection") {
        return;
    }
    let a = cert(&["localhost"]);
    let s = start("", &a);
    for url in [
        format!("http://{}/hello", s.addr),
        format!("https://{}/hello", s.https.as_ref().unwrap()),
    ] {
        let out = Command::new("h2load")
            .args(["-n", "4000", "-c", "4", "-m", "16", &url])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("4000 succeeded, 0 failed, 0 errored"),
            "{url}: {text}"
        );
        assert!(text.contains("status codes: 4000 2xx"), "{url}: {text}");
    }
}

#[test]
fn bodies_larger_than_the_connection_budget_are_served_in_turn() {
    if !tools::have(
        "h2load",
        "bodies_larger_than_the_connection_budget_are_served_in_turn",
    ) {
        return;
    }
    let a = cert(&["localhost"]);
    // Each 200 KB body is more than the 128 KB of bodies a connection may
    // hold: the first stream still reading goes on, those past the budget
    // are refused (REFUSED_STREAM, which h2load counts as failed and does
    // not retry); every stream ends, at least one per connection served.
    let s = start(
        "[limits]\nbody = 300000\n[http2]\nconnection_window = 131072\n",
        &a,
    );
    let body = s.dir.join("body.bin");
    std::fs::write(&body, vec![b'x'; 200_000]).unwrap();
    let out = Command::new("h2load")
        .args(["-n", "64", "-c", "2", "-m", "32", "-d"])
        .arg(&body)
        .arg(format!("http://{}/len", s.addr))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    // "requests: 64 total, 64 started, 64 done, 2 succeeded, 62 failed, …"
    let requests = text
        .lines()
        .find(|l| l.starts_with("requests:"))
        .expect("a requests line");
    let count = |label: &str| -> u64 {
        requests
            .split(',')
            .find_map(|part| part.trim().strip_suffix(label.trim()))
            .and_then(|n| n.trim().trim_start_matches("requests:").trim().parse().ok())
            .unwrap_or_else(|| panic!("{label} in {requests}"))
    };
    eprintln!("{requests}");
    assert_eq!(count(" done"), 64, "{text}");
    assert!(count(" succeeded") >= 2, "{text}");
    assert_eq!(count(" succeeded") + count(" failed"), 64, "{text}");
    // One at a time (curl), every body is served.
    if tools::have(
        "curl",
        "bodies_larger_than_the_connection_budget_are_served_in_turn",
    ) {
        let url = format!("http://{}/len", s.addr);
        let file = format!("@{}", body.display());
        for _ in 0..3 {
            let (v, status, answer) = curl(
                &s,
                &["--http2-prior-knowledge", "--data-binary", &file, &url],
            );
            assert_eq!(
                (v.as_str(), status, answer.as_str()),
                ("2", 200, r#"{"n":200000}"#)
            );
        }
    }
}

// --- raw frames ---------------------------------------------------------

const PREFACE: &[u8] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
const DATA: u8 = 0;
const HEADERS: u8 = 1;
const RST_STREAM: u8 = 3;
const SETTINGS: u8 = 4;
const GOAWAY: u8 = 7;
const CONTINUATION: u8 = 9;
const END_STREAM: u8 = 1;
const END_HEADERS: u8 = 4;

fn frame(kind: u8, flags: u8, stream: u32, payload: &[u8]) -> Vec<u8> {
    let len = payload.len() as u32;
    let mut f = vec![(len >> 16) as u8, (len >> 8) as u8, len as u8, kind, flags];
    f.extend_from_slice(&stream.to_be_bytes());
    f.extend_from_slice(payload);
    f
}

/// An HPACK block for `GET <path>` on `localhost` (no Huffman, no indexing).
fn get_block(path: &str) -> Vec<u8> {
    let mut b = vec![0x82, 0x86]; // :method GET, :scheme http
    b.push(0x04); // :path, literal without indexing
    b.push(path.len() as u8);
    b.extend_from_slice(path.as_bytes());
    b.push(0x01); // :authority
    b.push(9);
    b.extend_from_slice(b"localhost");
    b
}

/// A whole `GET path` on `stream`.
fn send_get(c: &mut TcpStream, stream: u32, path: &str) {
    c.write_all(&frame(
        HEADERS,
        END_STREAM | END_HEADERS,
        stream,
        &get_block(path),
    ))
    .unwrap();
}

/// A cleartext HTTP/2 connection past the preface and our SETTINGS.
fn h2c(s: &Server) -> TcpStream {
    let mut c = TcpStream::connect(&s.addr).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    c.write_all(PREFACE).unwrap();
    c.write_all(&frame(SETTINGS, 0, 0, &[])).unwrap();
    c
}

/// Reads frames until one of `kind` comes (its flags, stream and
/// payload), or the connection ends (`None`).
fn until_frame(c: &mut TcpStream, kind: u8) -> Option<(u8, u32, Vec<u8>)> {
    loop {
        let (k, flags, stream, payload) = next_frame(c)?;
        if k == kind {
            return Some((flags, stream, payload));
        }
    }
}

/// `/hello` answers over HTTP/1.1 within a second.
fn hello_answers(s: &Server) {
    let started = Instant::now();
    let r = send(s, "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n");
    assert_eq!(r.status, 200);
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "/hello took {:?}",
        started.elapsed()
    );
}

#[test]
fn a_raw_h2c_stream_is_answered() {
    let a = cert(&["localhost"]);
    let s = start("", &a);
    let mut c = h2c(&s);
    send_get(&mut c, 1, "/hello");
    let (_, stream, _) = until_frame(&mut c, HEADERS).expect("an answer");
    assert_eq!(stream, 1);
    let (flags, _, body) = until_frame(&mut c, DATA).expect("a body");
    assert_eq!(body, br#"{"hello":"world"}"#);
    assert_eq!(flags & END_STREAM, END_STREAM);
}

#[test]
fn a_rapid_reset_flood_is_told_to_go_away() {
    let a = cert(&["localhost"]);
    let s = start("", &a);
    let mut c = h2c(&s);
    let block = get_block("/hello");
    // Open and cancel stream after stream, in batches, as the attack does.
    let mut burst = Vec::new();
    let mut goaway = None;
    'flood: for batch in 0..100u32 {
        burst.clear();
        for i in 0..100u32 {
            let id = 1 + 2 * (batch * 100 + i);
            burst.extend(frame(HEADERS, END_STREAM | END_HEADERS, id, &block));
            burst.extend(frame(RST_STREAM, 0, id, &8u32.to_be_bytes())); // CANCEL
        }
        if c.write_all(&burst).is_err() {
            break 'flood;
        }
        c.set_read_timeout(Some(Duration::from_millis(1))).unwrap();
        let mut peek = [0u8; 1];
        if let Ok(0) = c.peek(&mut peek) {
            break 'flood;
        }
    }
    c.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    if let Some((_, _, payload)) = until_frame(&mut c, GOAWAY) {
        goaway = Some(u32::from_be_bytes([
            payload[4], payload[5], payload[6], payload[7],
        ]));
    }
    // ENHANCE_YOUR_CALM (0xb) or PROTOCOL_ERROR (0x1): either ends the flood.
    eprintln!("rapid reset: GOAWAY {goaway:?}");
    assert!(matches!(goaway, Some(0xb) | Some(0x1)), "GOAWAY {goaway:?}");
    hello_answers(&s);
}

#[test]
fn a_continuation_flood_is_cut_off() {
    let a = cert(&["localhost"]);
    let s = start("", &a);
    let mut c = h2c(&s);
    c.set_write_timeout(Some(Duration::from_secs(5))).unwrap();
    c.write_all(&frame(HEADERS, 0, 1, &get_block("/hello")))
        .unwrap();
    // Header after header, never ending the block: 16 KB a frame, up to 16 MB.
    let mut chunk = Vec::new();
    while chunk.len() < 16_000 {
        chunk.push(0x00); // literal without indexing, new name
        chunk.push(5);
        chunk.extend_from_slice(b"x-pad");
        chunk.push(100);
        chunk.extend_from_slice(&[b'a'; 100]);
    }
    let mut sent = 0usize;
    while sent < 16 << 20 {
        if c.write_all(&frame(CONTINUATION, 0, 1, &chunk)).is_err() {
            break;
        }
        sent += chunk.len();
    }
    eprintln!("continuation flood: cut off after {sent} bytes");
    assert!(sent < 16 << 20, "the server read 16 MB of one header block");
    hello_answers(&s);
}

#[test]
fn an_hpack_bomb_is_refused() {
    let a = cert(&["localhost"]);
    let s = start("", &a);
    let mut c = h2c(&s);
    // One 4 KB header into the dynamic table, then 4,000 one-byte
    // references to it: 16 MB decoded from 8 KB sent.
    let mut block = get_block("/hello");
    block.push(0x40); // literal with incremental indexing, new name
    block.push(5);
    block.extend_from_slice(b"x-big");
    hpack_length(&mut block, 4000);
    block.extend(std::iter::repeat_n(b'b', 4000));
    for _ in 0..4000 {
        block.push(0xbe); // indexed: dynamic entry 62
    }
    let _ = c.write_all(&frame(HEADERS, END_STREAM | END_HEADERS, 1, &block));
    // Whatever the refusal (a 431, RST_STREAM, GOAWAY), no 200.
    let mut answered = false;
    c.set_read_timeout(Some(Duration::from_secs(3))).unwrap();
    while let Some((kind, _, _, payload)) = next_frame(&mut c) {
        if kind == HEADERS && payload.first() == Some(&0x88) {
            answered = true; // :status 200 (static index 8)
        }
        if kind == GOAWAY || kind == RST_STREAM {
            break;
        }
    }
    assert!(!answered, "a 16 MB header list was answered");
    hello_answers(&s);
}

/// A string length: HPACK's integer with a 7-bit prefix (no Huffman).
fn hpack_length(out: &mut Vec<u8>, mut n: usize) {
    if n < 127 {
        out.push(n as u8);
        return;
    }
    out.push(127);
    n -= 127;
    while n >= 128 {
        out.push((n % 128) as u8 | 0x80);
        n /= 128;
    }
    out.push(n as u8);
}

/// The next frame: its type, flags, stream and payload.
fn next_frame(c: &mut TcpStream) -> Option<(u8, u8, u32, Vec<u8>)> {
    let mut head = [0u8; 9];
    c.read_exact(&mut head).ok()?;
    let len = (head[0] as usize) << 16 | (head[1] as usize) << 8 | head[2] as usize;
    let mut payload = vec![0; len];
    c.read_exact(&mut payload).ok()?;
    let stream = u32::from_be_bytes([head[5], head[6], head[7], head[8]]) & 0x7fff_ffff;
    Some((head[3], head[4], stream, payload))
}

#[test]
fn draining_sends_goaway() {
    let a = cert(&["localhost"]);
    let s = start("", &a);
    let mut c = h2c(&s);
    send_get(&mut c, 1, "/hello");
    until_frame(&mut c, DATA).expect("an answer");
    let ok = Command::new("kill")
        .args(["-TERM", &s.child.id().to_string()])
        .status()
        .unwrap();
    assert!(ok.success());
    let (_, _, payload) = until_frame(&mut c, GOAWAY).expect("a GOAWAY on drain");
    let code = u32::from_be_bytes([payload[4], payload[5], payload[6], payload[7]]);
    assert_eq!(code, 0, "NO_ERROR");
}

#[test]
fn tls_and_http2_are_counted_in_the_metrics() {
    let a = cert(&["localhost"]);
    let admin = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("127.0.0.1:{}", l.local_addr().unwrap().port())
    };
    let toml = format!("{HTTPS}[[tls]]\ncert = \"a.pem\"\nkey = \"a.key\"\n");
    let s = start_tls_server(&[("a", &a)], &toml, &[SCRIPT], &["--admin", &admin]);
    let https = s.https.clone().unwrap();
    let mut c = connect_tls(&https, "localhost", &client(&[&a], &["http/1.1"])).unwrap();
    assert_eq!(get_tls(&mut c, "localhost", "/hello").0, 200);
    let mut h = h2c(&s);
    send_get(&mut h, 1, "/hello");
    until_frame(&mut h, DATA).expect("an answer");
    // A handshake that fails: not TLS at all.
    let mut bad = TcpStream::connect(&https).unwrap();
    bad.write_all(b"GET / HTTP/1.1\r\n\r\n").unwrap();
    let mut sink = Vec::new();
    bad.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let _ = bad.read_to_end(&mut sink);
    let text = send_to(&admin, "GET /__kitwork/metrics HTTP/1.1\r\nHost: t\r\n\r\n").body;
    for line in [
        r#"kitwork_tls_handshakes_total{core="0",version="1.3",alpn="http/1.1",resumed="false"} 1"#,
        r#"kitwork_tls_handshake_failures_total{core="0"} 1"#,
        r#"kitwork_http2_connections_total{core="0"} 1"#,
        r#"kitwork_http2_streams_total{core="0"} 1"#,
        r#"kitwork_tls_reloads_total{result="failed"} 0"#,
    ] {
        assert!(text.contains(line), "{line} not in:\n{text}");
    }
}

#[test]
fn a_preface_then_silence_is_closed_when_idle() {
    // An HTTP/2 connection with no stream is idle, as a kept-alive
    // HTTP/1.1 one is: it is sent GOAWAY and closed at the idle timeout.
    let a = cert(&["localhost"]);
    let s = start("[limits]\nidle_timeout_ms = 300\n", &a);
    let mut c = TcpStream::connect(&s.addr).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    // The preface, and no SETTINGS after it.
    c.write_all(PREFACE).unwrap();
    let started = Instant::now();
    let mut sink = Vec::new();
    let _ = c.read_to_end(&mut sink);
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "held for {:?}",
        started.elapsed()
    );
    hello_answers(&s);
}
