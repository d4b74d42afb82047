//! Proxied routes through the real binary, to real upstreams started here
//! (small HTTP/1.1 servers on loopback ports, keep-alive): requests spread
//! over the targets; headers forwarded as a proxy must (hop-by-hop ones
//! out, `X-Forwarded-*` and `Forwarded` in); a stopped target ejected and,
//! once back, readmitted (passively and by its health check); a request
//! that reached a target which then failed retried only when idempotent;
//! a timeout answered 504; 1 GiB bodies streamed both ways with flat
//! memory; a WebSocket echoed through the proxy between Python's
//! `websockets` client and server, in cleartext and with TLS to the gateway; an upstream nobody declared refused at
//! load.

#[path = "support/server.rs"]
mod server;
#[path = "support/tls.rs"]
mod tls;
#[path = "support/tools.rs"]
mod tools;

use server::*;
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What a test upstream does with a request.
#[derive(Clone, Copy)]
enum Behavior {
    /// Answers JSON naming itself, the method, the path and the headers.
    Echo,
    /// Reads the request, then closes without answering.
    Hangs,
    /// Waits this long before answering.
    Slow(u64),
    /// Answers these bytes, then closes.
    Raw(&'static [u8]),
}

/// A test upstream: its port and the requests it received.
struct Upstream {
    port: u16,
    seen: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
}

impl Upstream {
    fn start(behavior: Behavior) -> Upstream {
        Upstream::on(0, behavior)
    }

    fn on(port: u16, behavior: Behavior) -> Upstream {
        let listener = TcpListener::bind(("127.0.0.1", port)).unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (s, st) = (seen.clone(), stop.clone());
        std::thread::spawn(move || {
            for c in listener.incoming() {
                if st.load(Ordering::SeqCst) {
                    return;
                }
                let Ok(c) = c else { continue };
                let (s, st) = (s.clone(), st.clone());
                std::thread::spawn(move || connection(c, port, behavior, &s, &st));
            }
        });
        Upstream { port, seen, stop }
    }

    /// Stops accepting and closes its connections.
    fn stop(&self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        std::thread::sleep(Duration::from_millis(300));
    }

    fn count(&self, what: &str) -> usize {
        self.seen
            .lock()
            .unwrap()
            .iter()
            .filter(|s| s.starts_with(what))
            .count()
    }
}

fn connection(
    c: TcpStream,
    port: u16,
    behavior: Behavior,
    seen: &Mutex<Vec<String>>,
    stop: &AtomicBool,
) {
    c.set_read_timeout(Some(Duration::from_millis(100)))
        .unwrap();
    let mut w = c.try_clone().unwrap();
    let mut r = BufReader::new(c);
    loop {
        let mut line = String::new();
        match r.read_line(&mut line) {
            Ok(0) => return,
            Ok(_) => {}
            Err(_) if stop.load(Ordering::SeqCst) => return,
            Err(_) => continue,
        }
        let mut headers = HashMap::new();
        loop {
            let mut h = String::new();
            if r.read_line(&mut h).is_err() {
                return;
            }
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((k, v)) = h.split_once(": ") {
                headers.insert(k.to_ascii_lowercase(), v.to_string());
            }
        }
        // The body is counted, not kept (uploads may be large), but for
        // its first bytes (`text`) when it has a length.
        let mut text = Vec::new();
        let body_len = match headers.get("transfer-encoding") {
            Some(te) if te.contains("chunked") => match read_chunked(&mut r) {
                Some(n) => n,
                None => return,
            },
            _ => {
                let n: u64 = headers
                    .get("content-length")
                    .map_or(0, |v| v.parse().unwrap());
                let first = n.min(64);
                if (&mut r).take(first).read_to_end(&mut text).is_err() {
                    return;
                }
                match std::io::copy(&mut (&mut r).take(n - first), &mut std::io::sink()) {
                    Ok(got) if got == n - first => n,
                    _ => return,
                }
            }
        };
        let mut parts = line.split_whitespace();
        let (method, path) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
        seen.lock().unwrap().push(format!("{method} {path}"));
        match behavior {
            Behavior::Hangs => return,
            Behavior::Raw(bytes) => {
                let _ = w.write_all(bytes);
                return;
            }
            Behavior::Slow(ms) => std::thread::sleep(Duration::from_millis(ms)),
            Behavior::Echo => {}
        }
        if let Some(size) = path.strip_prefix("/big/") {
            let size: usize = size.parse().unwrap();
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Length: {size}\r\nContent-Type: application/octet-stream\r\n\r\n"
            );
            if w.write_all(head.as_bytes()).is_err() {
                return;
            }
            let chunk = vec![b'x'; 64 * 1024];
            let mut left = size;
            while left > 0 {
                let k = left.min(chunk.len());
                if w.write_all(&chunk[..k]).is_err() {
                    return;
                }
                left -= k;
            }
            continue;
        }
        let json = format!(
            "{{\"port\":{port},\"method\":\"{method}\",\"path\":\"{path}\",\"body\":{},\"text\":{},\"headers\":{{{}}}}}",
            body_len,
            serde_json::to_string(&String::from_utf8_lossy(&text)).unwrap(),
            headers
                .iter()
                .map(|(k, v)| format!("\"{k}\":\"{}\"", v.replace('"', "'")))
                .collect::<Vec<_>>()
                .join(",")
        );
        let answer = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: keep-alive, x-private\r\nX-Private: hop\r\nX-Upstream: {port}\r\n\r\n{json}",
            json.len()
        );
        if w.write_all(answer.as_bytes()).is_err() || stop.load(Ordering::SeqCst) {
            return;
        }
    }
}

/// Reads a chunked body, counting its bytes; `None` if it is cut or malformed.
fn read_chunked(r: &mut impl BufRead) -> Option<u64> {
    let mut total = 0;
    loop {
        let mut line = String::new();
        r.read_line(&mut line).ok()?;
        let size = u64::from_str_radix(line.trim().split(';').next()?, 16).ok()?;
        if size == 0 {
            let mut end = String::new();
            r.read_line(&mut end).ok()?;
            return Some(total);
        }
        let got = std::io::copy(&mut r.take(size), &mut std::io::sink()).ok()?;
        if got != size {
            return None;
        }
        total += size;
        let mut crlf = [0; 2];
        r.read_exact(&mut crlf).ok()?;
    }
}

/// A gateway proxying `/api` to `upstream(targets, extra options)`.
fn gateway(targets: &[u16], options: &str) -> Server {
    let list: Vec<String> = targets
        .iter()
        .map(|p| format!("\"127.0.0.1:{p}\""))
        .collect();
    let script = format!(
        r#"upstream("pool", {{ targets: [{}], {options} }});
        work("Api").proxy("/api", "pool", {{ stripPrefix: true }});
        work("Whole").proxy("/whole", "pool");"#,
        list.join(", ")
    );
    start_in(&[("proxy.js", &script)], &[])
}

fn port_of(r: &Resp) -> u16 {
    r.header("X-Upstream").unwrap().parse().unwrap()
}

#[test]
fn requests_spread_over_the_targets_with_forwarding_headers() {
    let (a, b) = (
        Upstream::start(Behavior::Echo),
        Upstream::start(Behavior::Echo),
    );
    let s = gateway(&[a.port, b.port], "");
    let mut by_port = HashMap::new();
    for _ in 0..10 {
        let r = get(&s, "/api/items?x=1");
        assert_eq!(r.status, 200, "{}", r.body);
        *by_port.entry(port_of(&r)).or_insert(0) += 1;
    }
    assert_eq!(by_port.get(&a.port), Some(&5), "{by_port:?}");
    assert_eq!(by_port.get(&b.port), Some(&5), "{by_port:?}");
    let r = send(
        &s,
        "GET /api/items?x=1 HTTP/1.1\r\nHost: shop.example\r\nConnection: keep-alive, x-secret\r\nX-Secret: no\r\nX-Kept: yes\r\nX-Forwarded-For: 10.0.0.1\r\n\r\n",
    );
    // The prefix is stripped; the query goes along.
    assert!(r.body.contains("\"path\":\"/items?x=1\""), "{}", r.body);
    assert!(r.body.contains("\"host\":\"shop.example\""), "{}", r.body);
    assert!(r.body.contains("\"x-kept\":\"yes\""), "{}", r.body);
    assert!(!r.body.contains("x-secret"), "{}", r.body);
    assert!(
        r.body
            .contains("\"x-forwarded-for\":\"10.0.0.1, 127.0.0.1\""),
        "{}",
        r.body
    );
    assert!(
        r.body.contains("\"x-forwarded-proto\":\"http\""),
        "{}",
        r.body
    );
    assert!(
        r.body.contains("\"x-forwarded-host\":\"shop.example\""),
        "{}",
        r.body
    );
    assert!(
        r.body
            .contains("for=127.0.0.1;proto=http;host='shop.example'"),
        "{}",
        r.body
    );
    // The answer's hop-by-hop fields stay behind.
    assert_eq!(r.header("X-Private"), None);
    // Without stripPrefix the whole path goes; a body goes with a POST.
    let post = post_json(&s, "/whole/x", "{\"a\":1}");
    assert!(post.body.contains("\"path\":\"/whole/x\""), "{}", post.body);
    assert!(
        post.body
            .contains("\"method\":\"POST\",\"path\":\"/whole/x\",\"body\":7"),
        "{}",
        post.body
    );
}

#[test]
fn a_stopped_target_is_ejected_and_readmitted() {
    let a = Upstream::start(Behavior::Echo);
    let b = Upstream::start(Behavior::Echo);
    let b_port = b.port;
    let s = gateway(
        &[a.port, b.port],
        "passive: { failures: 1, ejectMs: 500 }, retries: 1",
    );
    assert_eq!(get(&s, "/api/1").status, 200);
    b.stop();
    // Every request is answered: a GET that meets the stopped target is
    // sent to the other; then the stopped one is not tried at all.
    for _ in 0..6 {
        let r = get(&s, "/api/x");
        assert_eq!((r.status, port_of(&r)), (200, a.port));
    }
    assert!(
        wait_until(|| s.log().contains("ejected for 500 ms")),
        "{}",
        s.log()
    );
    // Back on its port: after the ejection it gets requests again.
    let b2 = Upstream::on(b_port, Behavior::Echo);
    assert!(wait_until(|| {
        std::thread::sleep(Duration::from_millis(100));
        port_of(&get(&s, "/api/y")) == b_port
    }));
    assert!(b2.count("GET /y") >= 1);
}

#[test]
fn the_health_check_takes_a_target_down_and_back() {
    let a = Upstream::start(Behavior::Echo);
    let b = Upstream::start(Behavior::Echo);
    let b_port = b.port;
    let s = gateway(
        &[a.port, b.port],
        "health: { path: \"/health\", interval: 100, timeout: 200, healthy: 2, unhealthy: 2 }",
    );
    assert_eq!(get(&s, "/api/start").status, 200);
    assert!(wait_until(|| b.count("GET /health") >= 2));
    b.stop();
    assert!(
        wait_until(|| s.log().contains("failed its health check 2 times: down")),
        "{}",
        s.log()
    );
    // Down: no request goes there, so none fails.
    for _ in 0..4 {
        assert_eq!(port_of(&get(&s, "/api/z")), a.port);
    }
    let _b2 = Upstream::on(b_port, Behavior::Echo);
    assert!(
        wait_until(|| s.log().contains("is healthy again")),
        "{}",
        s.log()
    );
    assert!(wait_until(|| port_of(&get(&s, "/api/w")) == b_port));
}

#[test]
fn a_request_that_was_sent_is_retried_only_when_idempotent() {
    let hangs = Upstream::start(Behavior::Hangs);
    let good = Upstream::start(Behavior::Echo);
    // The hanging target first, then the good one, for each request.
    let s = gateway(
        &[hangs.port, good.port],
        "balance: \"consistent_hash\", hash: \"path\", retries: 1, passive: { failures: 100 }",
    );
    // Find a path the hash sends to the hanging target first.
    let path = (0..100)
        .map(|i| format!("/api/p{i}"))
        .find(|p| {
            let before = hangs.count("GET");
            get(&s, p);
            hangs.count("GET") > before
        })
        .expect("some path hashes to the hanging target");
    let rest = path.strip_prefix("/api").unwrap();
    // A GET that reached it is sent to the other target.
    let r = get(&s, &path);
    assert_eq!((r.status, port_of(&r)), (200, good.port));
    // A POST that reached it is not sent again anywhere: a 502.
    let before = (hangs.count("POST"), good.count("POST"));
    let r = post_json(&s, &path, "{}");
    assert_eq!(r.status, 502, "{}", r.body);
    assert_eq!(hangs.count("POST"), before.0 + 1);
    assert_eq!(good.count(&format!("POST {rest}")), before.1);
}

#[test]
fn a_slow_target_is_a_504() {
    let slow = Upstream::start(Behavior::Slow(2_000));
    let s = gateway(&[slow.port], "timeouts: { response: 300 }, retries: 0");
    let r = get(&s, "/api/slow");
    assert_eq!(r.status, 504, "{}", r.body);
}

/// The server's peak resident memory, in KiB.
fn peak_kib(s: &Server) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{}/status", s.child.id())).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse().ok())
        .unwrap()
}

#[test]
fn a_large_answer_streams_through_with_flat_memory() {
    let up = Upstream::start(Behavior::Echo);
    let s = gateway(&[up.port], "");
    assert_eq!(get(&s, "/api/warm").status, 200);
    let before = peak_kib(&s);
    let size: u64 = 1 << 30;
    let mut c = connect(&s);
    c.write_all(format!("GET /api/big/{size} HTTP/1.1\r\nHost: t\r\n\r\n").as_bytes())
        .unwrap();
    let mut r = BufReader::new(c);
    let mut head = String::new();
    loop {
        let mut line = String::new();
        r.read_line(&mut line).unwrap();
        if line == "\r\n" {
            break;
        }
        head.push_str(&line);
    }
    assert!(head.contains(&format!("Content-Length: {size}")), "{head}");
    let mut got = 0u64;
    let mut buf = vec![0; 1 << 20];
    while got < size {
        let n = r.read(&mut buf).unwrap();
        assert!(n > 0, "cut at {got}");
        got += n as u64;
    }
    let grew = peak_kib(&s).saturating_sub(before);
    assert!(
        grew < 32 * 1024,
        "the server grew by {grew} KiB relaying {size} bytes"
    );
    // The connection goes on.
    let mut c = r.into_inner();
    c.write_all(b"GET /api/after HTTP/1.1\r\nHost: t\r\n\r\n")
        .unwrap();
    let next = read_response(&mut BufReader::new(c)).unwrap();
    assert_eq!(next.status, 200);
}

#[test]
fn an_undeclared_upstream_is_an_error_at_load() {
    let (ok, text) = kitwork_routes(&[("p.js", r#"work("P").proxy("/p", "nowhere");"#)], "");
    assert!(!ok, "{text}");
    assert!(
        text.contains("proxies to upstream nowhere, which is not declared"),
        "{text}"
    );
}

/// Sends a POST of `size` bytes to `/api/upload` on a new connection, in
/// 1 MiB writes, with its length or chunked; returns the answer.
fn upload(s: &Server, size: u64, chunked: bool) -> Resp {
    let mut c = connect(s);
    let framing = match chunked {
        true => "Transfer-Encoding: chunked".to_string(),
        false => format!("Content-Length: {size}"),
    };
    c.write_all(format!("POST /api/upload HTTP/1.1\r\nHost: t\r\n{framing}\r\n\r\n").as_bytes())
        .unwrap();
    let piece = vec![b'u'; 1 << 20];
    let mut left = size;
    while left > 0 {
        let n = left.min(piece.len() as u64) as usize;
        if chunked {
            c.write_all(format!("{n:x}\r\n").as_bytes()).unwrap();
            c.write_all(&piece[..n]).unwrap();
            c.write_all(b"\r\n").unwrap();
        } else {
            c.write_all(&piece[..n]).unwrap();
        }
        left -= n as u64;
    }
    if chunked {
        c.write_all(b"0\r\n\r\n").unwrap();
    }
    read_response(&mut BufReader::new(c)).unwrap()
}

#[test]
fn a_large_request_body_streams_to_the_target_with_flat_memory() {
    let up = Upstream::start(Behavior::Echo);
    let s = gateway(&[up.port], "");
    assert_eq!(get(&s, "/api/warm").status, 200);
    let before = peak_kib(&s);
    let size: u64 = 1 << 30;
    // Far past `limits.body` (1 MiB): a proxied route relays, not reads, it.
    let r = upload(&s, size, false);
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains(&format!("\"body\":{size}")), "{}", r.body);
    let chunked = upload(&s, 48 << 20, true);
    assert!(
        chunked.body.contains(&format!("\"body\":{}", 48u64 << 20)),
        "{}",
        chunked.body
    );
    let grew = peak_kib(&s).saturating_sub(before);
    assert!(
        grew < 32 * 1024,
        "the server grew by {grew} KiB relaying {size} bytes up"
    );
}

/// A WebSocket echo server (Python's `websockets`) on a port it prints.
const ECHO: &str = r#"
import asyncio, websockets
async def echo(ws, path=None):
    async for m in ws:
        await ws.send(("echo:" + m) if isinstance(m, str) else m)
async def main():
    async with websockets.serve(echo, "127.0.0.1", 0) as server:
        print(server.sockets[0].getsockname()[1], flush=True)
        await asyncio.Future()
asyncio.run(main())
"#;

/// A client that sends text and a 300 KB binary message, printing what
/// comes back.
const CLIENT: &str = r#"
import asyncio, ssl, sys, websockets
async def main():
    tls = ssl.create_default_context(cafile=sys.argv[2]) if len(sys.argv) > 2 else None
    async with websockets.connect(sys.argv[1], ssl=tls) as ws:
        for i in range(3):
            await ws.send(f"hello {i}")
            print(await ws.recv())
        big = bytes(range(256)) * 1200
        await ws.send(big)
        print("binary", await ws.recv() == big)
asyncio.run(main())
"#;

#[test]
fn a_websocket_is_tunnelled_to_its_target_in_cleartext_and_over_tls() {
    if !tools::have_python("websockets", "a_websocket_is_tunnelled_to_its_target") {
        return;
    }
    let dir = std::env::temp_dir().join(format!("kitwork-ws-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("echo.py"), ECHO).unwrap();
    std::fs::write(dir.join("client.py"), CLIENT).unwrap();
    // Ended however the test ends.
    struct Echo(std::process::Child);
    impl Drop for Echo {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let mut echo = Echo(
        std::process::Command::new(tools::PYTHON)
            .arg(dir.join("echo.py"))
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let mut port = String::new();
    BufReader::new(echo.0.stdout.take().unwrap())
        .read_line(&mut port)
        .unwrap();
    let port: u16 = port.trim().parse().unwrap();
    let client = |args: &[String]| {
        let out = std::process::Command::new(tools::PYTHON)
            .arg(dir.join("client.py"))
            .args(args)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).to_string()
            + &String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{text}");
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    let echoed = "echo:hello 0\necho:hello 1\necho:hello 2\nbinary True\n";
    let s = gateway(&[port], "");
    assert_eq!(client(&[format!("ws://{}/api/room", s.addr)]), echoed);
    // The gateway serves on after the tunnel closed (the echo server
    // answers a plain GET with 426).
    assert_eq!(get(&s, "/api/after").status, 426);
    // wss to the gateway, ws to the target: the tunnel runs over TLS.
    let cert = tls::cert(&["localhost"]);
    let toml = format!("{}[[tls]]\ncert = \"a.pem\"\nkey = \"a.key\"\n", tls::HTTPS);
    let script = format!(
        r#"upstream("pool", {{ targets: ["127.0.0.1:{port}"] }});
        work("Api").proxy("/api", "pool", {{ stripPrefix: true }});"#
    );
    let secure = tls::start_tls_server(&[("a", &cert)], &toml, &[("proxy.js", &script)], &[]);
    let https = tls::port_of(secure.https.as_deref().unwrap());
    let url = format!("wss://localhost:{https}/api/room");
    let ca = secure.dir.join("a.pem").display().to_string();
    assert_eq!(client(&[url, ca]), echoed);
    drop(echo);
    let _ = std::fs::remove_dir_all(&dir);
}

/// What a target answers is input too: each malformed answer is the
/// client's 502 (or an answer cut where the client can tell), and the
/// gateway goes on serving.
#[test]
fn malformed_answers_from_a_target_are_502s() {
    let answers: [&'static [u8]; 6] = [
        b"NOT HTTP AT ALL\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello",
        b"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort",
        b"HTTP/1.1 200 OK\r\nContent-Le",
        b"HTTP/1.1 200 OK\r\nBad Header Line\r\n\r\n",
    ];
    for raw in answers {
        let up = Upstream::start(Behavior::Raw(raw));
        let s = gateway(&[up.port], "retries: 0");
        let r = get(&s, "/api/x");
        assert_eq!(
            r.status,
            502,
            "{:?}: {}",
            String::from_utf8_lossy(raw),
            r.body
        );
    }
    // A chunked answer whose chunk size is not hex, past the whole-read
    // size: its head went out, and the body is cut (no last chunk).
    let up = Upstream::start(Behavior::Raw(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nboom\r\n0\r\n\r\n",
    ));
    let s = gateway(&[up.port], "retries: 0");
    let mut c = connect(&s);
    c.write_all(b"GET /api/x HTTP/1.1\r\nHost: t\r\n\r\n")
        .unwrap();
    let mut all = Vec::new();
    let _ = c.read_to_end(&mut all);
    let text = String::from_utf8_lossy(&all);
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    assert!(
        !text.ends_with("0\r\n\r\n"),
        "a cut body must not look whole: {text}"
    );
    assert_eq!(get(&s, "/nothing").status, 404, "the gateway still answers");
}

/// A proxied route's hooks in script: `request` rewrites the method,
/// path, query and headers sent, or answers itself (nothing is sent);
/// `response` changes the status and headers the client gets, or replaces
/// the answer. The target is named by its URL (a pool of one).
#[test]
fn script_hooks_rewrite_the_request_and_the_answer() {
    let up = Upstream::start(Behavior::Echo);
    let port = up.port;
    let script = format!(
        r#"work("Hooked").proxy("/h", "http://127.0.0.1:{port}", {{
          stripPrefix: true,
          request(req) {{
            if (header("x-key") !== "open") {{ status(401); return {{ error: "sign in" }}; }}
            req.path = "/v2" + req.path;
            req.query = "q=" + params("path");
            if (req.method === "POST") req.method = "PUT";
            req.headers["x-user"] = "42";
            delete req.headers["x-key"];
          }},
          response(res) {{
            res.headers["x-hooked"] = "yes";
            delete res.headers["x-upstream"];
            if (res.headers["content-type"] === "application/json") res.status = 203;
          }},
        }});
        work("Replaced").proxy("/r", "http://127.0.0.1:{port}", {{
          response(res) {{ return {{ replaced: res.status }}; }},
        }});
        work("Edited").proxy("/e", "http://127.0.0.1:{port}", {{
          stripPrefix: true,
          response(res) {{
            res.headers["x-had-body"] = String(res.body !== null);
            if (params("path").startsWith("big")) return;
            const sent = JSON.parse(res.body);
            res.body = JSON.stringify({{ method: sent.method, edited: true }});
          }},
        }});
        work("Broken").proxy("/b", "http://127.0.0.1:{port}", {{
          request(req) {{ req.headers["content-length"] = "5"; }},
        }});
        work("Bodies").proxy("/t", "http://127.0.0.1:{port}", {{
          request(req) {{
            req.headers["x-had-body"] = String(req.body !== null);
            if (req.body) req.body = JSON.stringify({{ ...JSON.parse(req.body), signed: true }});
          }},
        }});"#
    );
    let s = start_in(&[("proxy.js", &script)], &[]);
    let refused = get(&s, "/h/items");
    assert_eq!(refused.status, 401, "{}", refused.body);
    assert!(refused.body.contains("sign in"));
    assert_eq!(up.seen.lock().unwrap().len(), 0, "nothing was sent");
    let r = send(
        &s,
        "GET /h/items?x=1 HTTP/1.1\r\nHost: gw\r\nX-Key: open\r\nX-Other: kept\r\n\r\n",
    );
    assert_eq!(r.status, 203, "{}", r.body);
    assert_eq!(r.header("x-hooked"), Some("yes"));
    assert_eq!(r.header("x-upstream"), None);
    let sent: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(sent["method"], "GET");
    assert_eq!(sent["path"], "/v2/items?q=items", "{}", r.body);
    assert_eq!(sent["headers"]["x-user"], "42");
    assert_eq!(sent["headers"]["x-other"], "kept");
    assert!(sent["headers"].get("x-key").is_none(), "{}", r.body);
    let r = send(
        &s,
        "POST /h/items HTTP/1.1\r\nHost: gw\r\nX-Key: open\r\nContent-Length: 2\r\n\r\n{}",
    );
    let sent: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(sent["method"], "PUT", "{}", r.body);
    let r = get(&s, "/r/anything");
    assert_eq!((r.status, r.body.as_str()), (200, "{\"replaced\":200}"));
    // `res.body` is the answer's text when it was read whole; a new one
    // replaces it (its length with it); a streamed answer's is null.
    let r = get(&s, "/e/items");
    assert_eq!(
        (r.status, r.body.as_str()),
        (200, "{\"method\":\"GET\",\"edited\":true}")
    );
    assert_eq!(r.header("x-had-body"), Some("true"));
    let r = get(&s, "/e/big/400000");
    assert_eq!((r.status, r.body.len()), (200, 400_000));
    assert_eq!(r.header("x-had-body"), Some("false"));
    // `req.body` is the request's text when it came whole or has a length
    // up to 256 KiB (read whole for the hook); a new one goes with its
    // length. A longer one is null, and streams as it came.
    let r = send(
        &s,
        "POST /t/x HTTP/1.1\r\nHost: gw\r\nContent-Length: 8\r\n\r\n{\"a\":12}",
    );
    let sent: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(sent["text"], "{\"a\":12,\"signed\":true}", "{}", r.body);
    assert_eq!(sent["body"], 22);
    assert_eq!(sent["headers"]["x-had-body"], "true");
    let mut c = connect(&s);
    c.write_all(b"POST /t/x HTTP/1.1\r\nHost: gw\r\nContent-Length: 8\r\n\r\n{\"b\":")
        .unwrap();
    std::thread::sleep(Duration::from_millis(200));
    c.write_all(b"34}").unwrap();
    let r = read_response(&mut BufReader::new(c)).expect("an answer");
    let sent: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(sent["text"], "{\"b\":34,\"signed\":true}", "{}", r.body);
    // A body that stops short of its length (the client half-closes): a
    // 400 from the reading, and nothing sent.
    let sent_before = up.seen.lock().unwrap().len();
    let mut c = connect(&s);
    c.write_all(b"POST /t/x HTTP/1.1\r\nHost: gw\r\nContent-Length: 100\r\n\r\n{\"short\"")
        .unwrap();
    c.shutdown(std::net::Shutdown::Write).unwrap();
    let r = read_response(&mut BufReader::new(c)).expect("an answer");
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(
        up.seen.lock().unwrap().len(),
        sent_before,
        "nothing was sent"
    );
    let big = format!("{{\"pad\":\"{}\"}}", "p".repeat(300 * 1024));
    let r = send(
        &s,
        &format!(
            "POST /t/x HTTP/1.1\r\nHost: gw\r\nContent-Length: {}\r\n\r\n{big}",
            big.len()
        ),
    );
    let sent: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(sent["body"], big.len(), "{}", r.body);
    assert_eq!(sent["headers"]["x-had-body"], "false");
    let (ok, listed) = kitwork_routes(&[("proxy.js", &script)], "");
    assert!(
        ok && listed.contains("  hooks request, response\n"),
        "{listed}"
    );
    // A hook that sets what the gateway frames itself: a 500, logged.
    assert_eq!(get(&s, "/b/x").status, 500);
    assert!(
        wait_until(|| s
            .log()
            .contains("content-length header of a proxied request")),
        "{}",
        s.log()
    );
}

/// Middleware runs in front of a proxied route as in front of a handler:
/// it short-circuits (nothing is sent), changes what is sent through its
/// `req`, adds fields to the answer with `header()`, and runs before the
/// route's `request` hook, which sees what it changed.
#[test]
fn middleware_runs_in_front_of_proxied_routes() {
    let up = Upstream::start(Behavior::Echo);
    let port = up.port;
    let script = format!(
        r#"use((req, next) => {{
          if (header("x-key") !== "open") return {{ status: 401, error: "sign in" }};
          req.headers["x-user"] = "42";
          header("x-checked", "yes");
          return next();
        }});
        work("Plain").proxy("/p", "http://127.0.0.1:{port}");
        work("Hooked").proxy("/h", "http://127.0.0.1:{port}", {{
          request(req) {{ req.headers["x-hook-saw"] = req.headers["x-user"] || "none"; }},
        }});"#
    );
    let s = start_in(&[("proxy.js", &script)], &[]);
    let refused = get(&s, "/p/x");
    assert_eq!(refused.status, 401, "{}", refused.body);
    assert!(refused.body.contains("sign in"), "{}", refused.body);
    assert_eq!(up.seen.lock().unwrap().len(), 0, "nothing was sent");
    let r = send(&s, "GET /p/x HTTP/1.1\r\nHost: gw\r\nX-Key: open\r\n\r\n");
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.header("x-checked"), Some("yes"));
    let sent: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(sent["headers"]["x-user"], "42", "{}", r.body);
    let r = send(&s, "GET /h/x HTTP/1.1\r\nHost: gw\r\nX-Key: open\r\n\r\n");
    let sent: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(sent["headers"]["x-hook-saw"], "42", "{}", r.body);
    assert_eq!(r.header("x-checked"), Some("yes"));
    let (ok, listed) = kitwork_routes(&[("proxy.js", &script)], "");
    assert!(ok && listed.contains("  1. use "), "{listed}");
}

/// A pool declared in kitwork.toml (`[upstreams.NAME]`) is what a script
/// names; `kitwork routes` reads it too; a script declaring the same name
/// is an error at load, and so is a table without targets.
#[test]
fn upstreams_declared_in_the_configuration() {
    let up = Upstream::start(Behavior::Echo);
    let toml = format!(
        "[upstreams.users]\ntargets = [\"127.0.0.1:{}\"]\nbalance = \"least_conn\"\nretries = 0\n",
        up.port
    );
    let script = r#"work("Users").proxy("/users", "users", { stripPrefix: true });"#;
    let s = start_in(
        &[("kitwork.toml", &toml), ("work/users.js", script)],
        &["--config", "kitwork.toml"],
    );
    let r = get(&s, "/users/42");
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(port_of(&r), up.port);
    assert!(r.body.contains("\"path\":\"/42\""), "{}", r.body);
    let (ok, text) = kitwork_routes(
        &[("kitwork.toml", &toml), ("work/users.js", script)],
        "work",
    );
    assert!(ok && text.contains("/users/*path"), "{text}");
    let twice = format!(r#"upstream("users", {{ targets: ["127.0.0.1:1"] }}); {script}"#);
    let (ok, text) = kitwork_routes(
        &[("kitwork.toml", &toml), ("work/users.js", &twice)],
        "work",
    );
    assert!(!ok, "{text}");
    assert!(
        text.contains("upstream users is declared in kitwork.toml and by a script"),
        "{text}"
    );
    let (ok, text) = kitwork_routes(
        &[
            ("kitwork.toml", "[upstreams.empty]\ntargets = []\n"),
            ("work/users.js", script),
        ],
        "work",
    );
    assert!(!ok, "{text}");
    assert!(
        text.contains("[upstreams.empty]: targets is required"),
        "{text}"
    );
}
