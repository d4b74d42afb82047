//! `http()` against servers this test starts on 127.0.0.1: a plain one and
//! a TLS one with a certificate generated here (trusted through the CA
//! file option). JSON in and out, headers, redirects and their limit,
//! connection reuse, timeouts, refused connections and untrusted
//! certificates — all as scripts see them.

#[path = "support/captured.rs"]
mod captured;

use captured::Captured;
use kitwork::vm::{Limits, Vm};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// Answers one parsed request.
fn answer(
    method: &str,
    path: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let json = |s: String| {
        (
            200,
            vec![("Content-Type".to_string(), "application/json".to_string())],
            s.into_bytes(),
        )
    };
    if let Some(n) = path.strip_prefix("/redirect/") {
        let n: u32 = n.parse().unwrap();
        if n == 0 {
            return json(format!(r#"{{"arrived":true,"method":"{method}"}}"#));
        }
        return (
            302,
            vec![("Location".into(), format!("/redirect/{}", n - 1))],
            Vec::new(),
        );
    }
    match path {
        "/hello" => json(r#"{"message":"hello","n":[1,2,3]}"#.into()),
        "/echo" => {
            let agent = headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("x-test"))
                .map_or("", |(_, v)| v);
            let ct = headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("content-type"))
                .map_or("", |(_, v)| v);
            json(format!(
                r#"{{"method":"{method}","x":"{agent}","type":"{ct}","body":{}}}"#,
                serde_json::to_string(&String::from_utf8_lossy(body)).unwrap()
            ))
        }
        "/slow" => {
            std::thread::sleep(Duration::from_millis(1500));
            json("{}".into())
        }
        "/big" => (200, Vec::new(), vec![b'x'; 2 << 20]),
        "/missing" => (
            404,
            vec![("X-Why".into(), "nothing here".into())],
            b"not found".to_vec(),
        ),
        "/see-other" => (303, vec![("Location".into(), "/echo".into())], Vec::new()),
        _ => (500, Vec::new(), b"unknown test path".to_vec()),
    }
}

/// Serves keep-alive HTTP/1.1 on `stream` until the client closes it.
fn serve(stream: impl Read + Write) {
    let mut r = BufReader::new(stream);
    loop {
        let mut head = Vec::new();
        loop {
            let mut line = String::new();
            match r.read_line(&mut line) {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            head.extend_from_slice(line.as_bytes());
            if line == "\r\n" {
                break;
            }
        }
        let mut slots = [httparse::EMPTY_HEADER; 32];
        let mut req = httparse::Request::new(&mut slots);
        if !matches!(req.parse(&head), Ok(httparse::Status::Complete(_))) {
            return;
        }
        let headers: Vec<(String, String)> = req
            .headers
            .iter()
            .map(|h| {
                (
                    h.name.to_string(),
                    String::from_utf8_lossy(h.value).into_owned(),
                )
            })
            .collect();
        let len: usize = headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
            .map_or(0, |(_, v)| v.parse().unwrap());
        let mut body = vec![0; len];
        if r.read_exact(&mut body).is_err() {
            return;
        }
        let (status, extra, out) = answer(req.method.unwrap(), req.path.unwrap(), &headers, &body);
        let mut resp = format!("HTTP/1.1 {status} X\r\nContent-Length: {}\r\n", out.len());
        for (k, v) in extra {
            resp.push_str(&format!("{k}: {v}\r\n"));
        }
        resp.push_str("\r\n");
        let w = r.get_mut();
        if w.write_all(resp.as_bytes())
            .and_then(|_| w.write_all(&out))
            .and_then(|_| w.flush())
            .is_err()
        {
            return;
        }
    }
}

struct TestServer {
    port: u16,
    /// Connections accepted so far.
    accepted: Arc<AtomicUsize>,
}

/// A plain HTTP server, or a TLS one with `tls`.
fn start(tls: Option<Arc<rustls::ServerConfig>>) -> TestServer {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = accepted.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            count.fetch_add(1, Ordering::SeqCst);
            let tls = tls.clone();
            std::thread::spawn(move || match tls {
                None => serve(stream),
                Some(config) => {
                    let conn = rustls::ServerConnection::new(config).unwrap();
                    serve(rustls::StreamOwned::new(conn, stream));
                }
            });
        }
    });
    TestServer { port, accepted }
}

/// A certificate for `localhost`: the server's config and the PEM file a
/// client must be told to trust.
fn certificate() -> (Arc<rustls::ServerConfig>, std::path::PathBuf) {
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    let pem = std::env::temp_dir().join(format!("kitwork-test-ca-{}.pem", std::process::id()));
    std::fs::write(&pem, cert.cert.pem()).unwrap();
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(cert.signing_key.serialize_der().into());
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![cert.cert.der().clone()], key)
        .unwrap();
    (Arc::new(config), pem)
}

/// Runs `src` (with `BASE` standing for the server's URL); returns what it printed.
fn run(src: &str, base: &str, ca: Option<&std::path::Path>) -> String {
    run_limited(src, base, ca, Limits::default())
}

fn run_limited(src: &str, base: &str, ca: Option<&std::path::Path>, limits: Limits) -> String {
    let src = src.replace("BASE", base);
    let program = kitwork::compile_file("client.js", &src).unwrap_or_else(|(f, d)| {
        panic!("{}", kitwork::lang::diag::render_all(&d, &f));
    });
    let mut setup = kitwork::runtime::Setup::new();
    if let Some(ca) = ca {
        setup.tls = kitwork::runtime::http::tls_config(Some(ca)).unwrap();
    }
    let mut vm = Vm::new(limits);
    let out = Captured::default();
    vm.out = Box::new(out.clone());
    if let Err(e) = kitwork::run_with(&mut vm, &program, &setup) {
        panic!("{}\n{}", e.report, out.text());
    }
    out.text()
}

const REQUESTS: &str = r#"
const r = http().get("BASE/hello");
console.log(r.status, r.ok, r.headers["content-type"], r.json().n.length, r.json().message);
const e = http().post("BASE/echo", { a: 1, s: "é" }, { headers: { "X-Test": "yes" } }).json();
console.log(e.method, e.x, e.type, e.body);
console.log(http().put("BASE/echo", "plain words").json().body, http().put("BASE/echo", "x").json().type);
console.log(http().patch("BASE/echo", null).json().method, http().delete("BASE/echo").json().method);
const m = http().get("BASE/missing");
console.log(m.status, m.ok, m.headers["x-why"], m.text());
console.log(JSON.stringify(http().get("BASE/redirect/5").json()));
console.log(JSON.stringify(http().post("BASE/see-other", { gone: true }).json()));
try { http().get("BASE/redirect/6"); } catch (err) { console.log(err.code, err.message.includes("more than 5 redirects")); }
const t = Date.now();
try { http().get("BASE/slow", { timeout: 200 }); } catch (err) { console.log(err.code, Date.now() - t < 1400); }
const both = parallel([() => http().get("BASE/hello").status, () => http().get("BASE/hello").status]);
console.log(both.join(","));
"#;

const EXPECTED: &str = r#"200 true application/json 3 hello
POST yes application/json {"a":1,"s":"é"}
plain words text/plain; charset=utf-8
PATCH DELETE
404 false nothing here not found
{"arrived":true,"method":"GET"}
{"method":"GET","x":"","type":"","body":""}
EREDIRECT true
ETIMEDOUT true
200,200
"#;

#[test]
fn requests_over_plain_http() {
    let server = start(None);
    let out = run(REQUESTS, &format!("http://127.0.0.1:{}", server.port), None);
    assert_eq!(out, EXPECTED);
    // 16 requests, two of them at the same time, one cut by its timeout:
    // connections are reused, so far fewer than 16 were opened.
    let opened = server.accepted.load(Ordering::SeqCst);
    assert!(opened <= 4, "{opened} connections for 16 requests");
}

#[test]
fn requests_over_tls_with_a_trusted_certificate() {
    let (config, pem) = certificate();
    let server = start(Some(config));
    let out = run(
        REQUESTS,
        &format!("https://localhost:{}", server.port),
        Some(&pem),
    );
    assert_eq!(out, EXPECTED);
    // Without the certificate in the trust store the handshake is refused.
    let out = run(
        r#"try { http().get("BASE/hello"); } catch (e) { console.log(e.code, e.message.includes("TLS")); }"#,
        &format!("https://localhost:{}", server.port),
        None,
    );
    assert_eq!(out, "ETLS true\n");
    let _ = std::fs::remove_file(pem);
}

#[test]
fn refused_connections_and_bad_urls_are_catchable() {
    // A port that was just free: nothing listens there.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let out = run(
        r#"
        try { http().get("BASE/x"); } catch (e) { console.log(e.code, e instanceof Error); }
        try { http().get("ftp://example.com/"); } catch (e) { console.log(e.code); }
        try { http().get("BASE/x", { timeout: -1 }); } catch (e) { console.log(e.name); }
        try { http().get("BASE/x", { timeout: 1e300 }); } catch (e) { console.log(e.code); }
        "#,
        &format!("http://127.0.0.1:{port}"),
        None,
    );
    assert_eq!(out, "ECONNREFUSED true\nEINVAL\nRangeError\nECONNREFUSED\n");
    let _ = TcpStream::connect(("127.0.0.1", port)).is_err();
}

#[test]
fn a_body_past_the_memory_budget_is_an_error() {
    let server = start(None);
    let limits = Limits {
        memory: 1 << 20,
        ..Limits::default()
    };
    let out = run_limited(
        r#"try { http().get("BASE/big"); } catch (e) { console.log(e.code); }
        console.log(http().get("BASE/hello").status);"#,
        &format!("http://127.0.0.1:{}", server.port),
        None,
        limits,
    );
    assert_eq!(out, "ETOOBIG\n200\n");
}
