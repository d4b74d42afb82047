//! TLS termination through the real binary: the certificate chosen by
//! SNI (exact, wildcard, default), ALPN, session resumption with tickets
//! (TLS 1.3 and 1.2), a certificate swapped on disk (by the file watcher
//! and by SIGHUP) while a connection stays open on the old one, a bad
//! file at reload (logged, the old one stays) and at start (a clear
//! error), the redirect from HTTP, and `openssl s_client` for SNI, ALPN,
//! resumption and a stapled OCSP answer.

#[path = "support/server.rs"]
mod server;
#[path = "support/tls.rs"]
mod tls;
#[path = "support/tools.rs"]
mod tools;

use server::*;
use std::time::{Duration, Instant};
use tls::*;

const SCRIPT: (&str, &str) = (
    "hello.js",
    r#"
    work("Hello").get("/hello", () => ({ hello: "world" }));
    export default { fetch(request) { return new Response(request.url); } };
    "#,
);

/// One entry, `a`.
const ONE: &str = "[[tls]]\ncert = \"a.pem\"\nkey = \"a.key\"\n";

fn start_tls(certs: &[(&str, &Cert)], toml: &str) -> Server {
    start_tls_on(certs, toml, 1)
}

fn start_tls_on(certs: &[(&str, &Cert)], toml: &str, cores: usize) -> Server {
    start_tls_server(certs, toml, &[SCRIPT], &["--cores", &cores.to_string()])
}

/// Two entries: `a` for localhost and `*.example.test`, `b` (the default)
/// for other.test and 127.0.0.1.
fn two_certificates() -> (Cert, Cert, String) {
    let a = cert(&["localhost", "*.example.test"]);
    let b = cert(&["other.test", "127.0.0.1"]);
    let toml = "[[tls]]\ncert = \"a.pem\"\nkey = \"a.key\"\n\n[[tls]]\ncert = \"b.pem\"\nkey = \"b.key\"\ndefault = true\n";
    (a, b, format!("{HTTPS}{toml}"))
}

#[test]
fn the_certificate_is_chosen_by_sni() {
    let (a, b, toml) = two_certificates();
    let s = start_tls(&[("a", &a), ("b", &b)], &toml);
    let https = s.https.clone().expect("an https address");
    let trust = client(&[&a, &b], &["http/1.1"]);
    for (name, expected) in [
        ("localhost", &a),
        ("api.example.test", &a),
        ("other.test", &b),
        // An IP address sends no SNI: the default.
        ("127.0.0.1", &b),
    ] {
        let mut c = connect_tls(&https, name, &trust).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(
            presented(&c) == expected.der,
            "{name}: the wrong certificate"
        );
        // The request's URL is https.
        let (status, body) = get_tls(&mut c, name, "/x?y=1");
        assert_eq!(status, 200);
        assert_eq!(body, format!("https://{name}/x?y=1"));
    }
    // A name no entry has gets the default, which the client rejects.
    let err = connect_tls(&https, "nobody.test", &trust).err();
    assert!(err.is_some(), "a certificate for nobody.test?");
}

#[test]
fn alpn_offers_h2_then_http11() {
    let (a, b, toml) = two_certificates();
    let s = start_tls(&[("a", &a), ("b", &b)], &toml);
    let https = s.https.clone().unwrap();
    for (offered, chosen) in [
        (&["h2", "http/1.1"][..], Some(&b"h2"[..])),
        (&["http/1.1"][..], Some(&b"http/1.1"[..])),
        (&[][..], None),
    ] {
        let c = connect_tls(&https, "localhost", &client(&[&a], offered)).unwrap();
        assert_eq!(c.conn.alpn_protocol(), chosen, "offered {offered:?}");
    }
    // Without ALPN it is HTTP/1.1.
    let mut c = connect_tls(&https, "localhost", &client(&[&a], &[])).unwrap();
    assert_eq!(
        get_tls(&mut c, "localhost", "/hello").1,
        r#"{"hello":"world"}"#
    );
    // [http2] enabled = false: only http/1.1 is offered.
    let s = start_tls(
        &[("a", &a)],
        &format!("{HTTPS}{ONE}[http2]\nenabled = false\n"),
    );
    let c = connect_tls(
        s.https.as_ref().unwrap(),
        "localhost",
        &client(&[&a], &["h2", "http/1.1"]),
    )
    .unwrap();
    assert_eq!(c.conn.alpn_protocol(), Some(&b"http/1.1"[..]));
}

#[test]
fn sessions_resume_with_tickets() {
    let a = cert(&["localhost"]);
    // Two cores: a session begun on one resumes on the other (the ticket
    // key is shared; which core a connection lands on is the kernel's).
    let s = start_tls_on(&[("a", &a)], &format!("{HTTPS}{ONE}"), 2);
    let https = s.https.clone().unwrap();
    for versions in [
        &[&rustls::version::TLS13][..],
        &[&rustls::version::TLS12][..],
    ] {
        let config = client_with(&[&a], &["http/1.1"], versions);
        let mut first = connect_tls(&https, "localhost", &config).unwrap();
        // TLS 1.3 tickets come after the handshake: read an answer.
        assert_eq!(get_tls(&mut first, "localhost", "/hello").0, 200);
        assert_eq!(
            first.conn.handshake_kind(),
            Some(rustls::HandshakeKind::Full)
        );
        drop(first);
        for _ in 0..6 {
            let mut again = connect_tls(&https, "localhost", &config).unwrap();
            assert_eq!(
                again.conn.handshake_kind(),
                Some(rustls::HandshakeKind::Resumed),
                "{versions:?}"
            );
            assert_eq!(get_tls(&mut again, "localhost", "/hello").0, 200);
        }
    }
}

/// Connects until the server presents `expected` (a reload takes effect
/// in the background), for up to 10 s.
fn wait_for_certificate(https: &str, expected: &Cert, trust: &[&Cert]) {
    let config = client(trust, &["http/1.1"]);
    let until = Instant::now() + Duration::from_secs(10);
    loop {
        let now = connect_tls(https, "localhost", &config).map(|c| presented(&c));
        if now.as_deref() == Ok(&expected.der[..]) {
            return;
        }
        assert!(
            Instant::now() < until,
            "the new certificate was never served"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_certificate_swapped_on_disk_serves_new_handshakes_and_open_connections_keep_theirs() {
    let old = cert(&["localhost"]);
    let s = start_tls(&[("a", &old)], &format!("{HTTPS}{ONE}"));
    let https = s.https.clone().unwrap();
    let mut open = connect_tls(&https, "localhost", &client(&[&old], &["http/1.1"])).unwrap();
    assert_eq!(get_tls(&mut open, "localhost", "/hello").0, 200);
    // The key first, then the certificate, as a renewal tool may write them.
    let new = cert(&["localhost"]);
    std::fs::write(s.dir.join("a.key"), &new.key).unwrap();
    std::fs::write(s.dir.join("a.pem"), &new.pem).unwrap();
    wait_for_certificate(&https, &new, &[&old, &new]);
    // The connection opened before is untouched.
    assert_eq!(get_tls(&mut open, "localhost", "/hello").0, 200);
    assert!(
        s.log().contains("tls reload (files changed)"),
        "{}",
        s.log()
    );
}

#[test]
fn sighup_reloads_certificates_and_a_bad_file_keeps_the_old_one() {
    let old = cert(&["localhost"]);
    let s = start_tls(&[("a", &old)], &format!("watch = false\n{HTTPS}{ONE}"));
    let https = s.https.clone().unwrap();
    let trust = client(&[&old], &["http/1.1"]);
    let new = cert(&["localhost"]);
    std::fs::write(s.dir.join("a.key"), &new.key).unwrap();
    std::fs::write(s.dir.join("a.pem"), &new.pem).unwrap();
    // watch = false: nothing happens until SIGHUP.
    std::thread::sleep(Duration::from_millis(300));
    assert!(presented(&connect_tls(&https, "localhost", &trust).unwrap()) == old.der);
    hangup(&s);
    wait_for_certificate(&https, &new, &[&old, &new]);
    // A certificate that does not parse: logged, and `new` stays.
    std::fs::write(
        s.dir.join("a.pem"),
        "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n",
    )
    .unwrap();
    hangup(&s);
    wait_for_log(&s, "tls reload (SIGHUP) failed");
    let c = connect_tls(&https, "localhost", &client(&[&new], &["http/1.1"])).unwrap();
    assert!(presented(&c) == new.der);
    // A key that is not the certificate's: refused too.
    let other = cert(&["localhost"]);
    std::fs::write(s.dir.join("a.pem"), &new.pem).unwrap();
    std::fs::write(s.dir.join("a.key"), &other.key).unwrap();
    hangup(&s);
    wait_for_log(&s, "is not the key of");
    let c = connect_tls(&https, "localhost", &client(&[&new], &["http/1.1"])).unwrap();
    assert!(presented(&c) == new.der);
}

/// Waits up to 10 s for `text` in the server's log.
fn wait_for_log(s: &Server, text: &str) {
    let until = Instant::now() + Duration::from_secs(10);
    while !s.log().contains(text) {
        assert!(Instant::now() < until, "{text:?} never logged: {}", s.log());
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn hangup(s: &Server) {
    let ok = std::process::Command::new("kill")
        .args(["-HUP", &s.child.id().to_string()])
        .status()
        .unwrap()
        .success();
    assert!(ok);
}

#[test]
fn a_bad_certificate_stops_the_start_with_a_clear_error() {
    let dir = std::env::temp_dir().join(format!("kitwork-tls-bad-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("work")).unwrap();
    std::fs::write(dir.join("work/hello.js"), SCRIPT.1).unwrap();
    let a = cert(&["localhost"]);
    std::fs::write(dir.join("a.key"), &a.key).unwrap();
    for (pem, expected) in [
        ("", "no certificate in a.pem"),
        (
            "-----BEGIN CERTIFICATE-----\n!!\n-----END CERTIFICATE-----\n",
            "cannot read the certificate a.pem",
        ),
    ] {
        std::fs::write(dir.join("a.pem"), pem).unwrap();
        std::fs::write(
            dir.join("kitwork.toml"),
            "listen = \"127.0.0.1:0\"\n[https]\nlisten = \"127.0.0.1:0\"\n[[tls]]\ncert = \"a.pem\"\nkey = \"a.key\"\n",
        )
        .unwrap();
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_kitwork"))
            .args(["serve", "--db", "sqlite://t.db"])
            .current_dir(&dir)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains(expected), "{err}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_http_listener_can_redirect_to_https() {
    let a = cert(&["localhost"]);
    let s = start_tls(&[("a", &a)], &format!("{HTTPS}redirect = true\n{ONE}"));
    let port = port_of(s.https.as_ref().unwrap());
    let r = send(
        &s,
        "POST /a/b?c=d HTTP/1.1\r\nHost: localhost:8080\r\nContent-Length: 0\r\n\r\n",
    );
    assert_eq!(r.status, 308);
    assert_eq!(
        r.header("Location"),
        Some(format!("https://localhost:{port}/a/b?c=d").as_str())
    );
    let r = send(&s, "GET / HTTP/1.0\r\n\r\n");
    assert_eq!(r.status, 400, "no Host to redirect to");
    // No way around it by HTTP/2 prior knowledge: the preface is refused.
    let r = send(&s, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
    assert_eq!(r.status, 505);
}

#[test]
fn openssl_s_client_sees_sni_alpn_and_resumption() {
    if !tools::have("openssl", "openssl_s_client_sees_sni_alpn_and_resumption") {
        return;
    }
    let (a, b, toml) = two_certificates();
    let s = start_tls(&[("a", &a), ("b", &b)], &toml);
    let https = s.https.clone().unwrap();
    let session = s.dir.join("session.pem");
    let run = |args: &[&str]| {
        use std::io::Write;
        let mut child = std::process::Command::new("openssl")
            .args(["s_client", "-connect", &https])
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // Ask for a page so the session tickets arrive, then close.
        let mut stdin = child.stdin.take().unwrap();
        let _ =
            stdin.write_all(b"GET /hello HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        std::thread::sleep(Duration::from_millis(500));
        drop(stdin);
        let out = child.wait_with_output().unwrap();
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    let first = run(&[
        "-servername",
        "other.test",
        "-alpn",
        "h2,http/1.1",
        "-sess_out",
        session.to_str().unwrap(),
    ]);
    assert_eq!(
        pem_block(&first),
        pem_block(&b.pem),
        "other.test's certificate: {first}"
    );
    assert!(first.contains("ALPN protocol: h2"), "{first}");
    let plain = run(&[
        "-servername",
        "localhost",
        "-alpn",
        "http/1.1",
        "-sess_out",
        session.to_str().unwrap(),
    ]);
    assert!(plain.contains("ALPN protocol: http/1.1"), "{plain}");
    assert!(plain.contains(r#"{"hello":"world"}"#), "{plain}");
    let again = run(&[
        "-servername",
        "localhost",
        "-alpn",
        "http/1.1",
        "-sess_in",
        session.to_str().unwrap(),
    ]);
    assert!(again.contains("Reused, TLSv1.3"), "{again}");
}

/// The first PEM certificate in `text`, without its line breaks.
fn pem_block(text: &str) -> String {
    let start = text
        .find("-----BEGIN CERTIFICATE-----")
        .expect("a certificate");
    let end = text[start..]
        .find("-----END CERTIFICATE-----")
        .expect("its end")
        + start;
    text[start..end].split_whitespace().collect()
}

#[test]
fn an_ocsp_response_is_stapled() {
    if !tools::have("openssl", "an_ocsp_response_is_stapled") {
        return;
    }
    // A CA, a certificate it signs (serial 0x1234), and the CA's OCSP
    // answer that it is good, made by openssl's own responder.
    let dir = std::env::temp_dir().join(format!("kitwork-ocsp-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let openssl = |args: &str| {
        let out = std::process::Command::new("sh")
            .args(["-c", &format!("openssl {args}")])
            .current_dir(&dir)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "openssl {args}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let ec = "-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes";
    openssl(&format!(
        "req -x509 {ec} -keyout ca.key -out ca.pem -days 2 -subj /CN=TestCA"
    ));
    openssl(&format!(
        "req {ec} -keyout a.key -out a.csr -subj /CN=localhost"
    ));
    std::fs::write(dir.join("ext.cnf"), "subjectAltName=DNS:localhost\n").unwrap();
    openssl(
        "x509 -req -in a.csr -CA ca.pem -CAkey ca.key -set_serial 0x1234 -out a.pem -days 2 -extfile ext.cnf",
    );
    std::fs::write(
        dir.join("index.txt"),
        "V\t301231000000Z\t\t1234\tunknown\t/CN=localhost\n",
    )
    .unwrap();
    openssl("ocsp -issuer ca.pem -cert a.pem -no_nonce -reqout req.der");
    openssl(
        "ocsp -index index.txt -rsigner ca.pem -rkey ca.key -CA ca.pem -reqin req.der -respout a.ocsp -ndays 1",
    );
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).unwrap();
    // The OCSP answer (binary) stays where openssl wrote it.
    let toml = format!("{HTTPS}{ONE}ocsp = \"{}\"\n", dir.join("a.ocsp").display());
    let files = [
        ("a.pem", read("a.pem")),
        ("a.key", read("a.key")),
        ("kitwork.toml", toml),
    ];
    let mut all: Vec<(&str, &str)> = files.iter().map(|(n, t)| (*n, t.as_str())).collect();
    all.push(SCRIPT);
    let s = start_in(&all, &["--config", "kitwork.toml"]);
    let out = std::process::Command::new("sh")
        .args([
            "-c",
            &format!(
                "echo | openssl s_client -connect {} -servername localhost -status",
                s.https.as_ref().unwrap()
            ),
        ])
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("OCSP Response Status: successful"), "{text}");
    assert!(text.contains("Cert Status: good"), "{text}");
}

#[test]
fn a_stalled_or_garbled_handshake_is_closed() {
    use std::io::{Read, Write};
    let a = cert(&["localhost"]);
    let s = start_tls(
        &[("a", &a)],
        &format!("[limits]\nheader_timeout_ms = 300\n{HTTPS}{ONE}"),
    );
    let https = s.https.clone().unwrap();
    // The start of a ClientHello record, then nothing: closed at the
    // header timeout, not held.
    let mut stalled = std::net::TcpStream::connect(&https).unwrap();
    stalled
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    stalled
        .write_all(&[0x16, 0x03, 0x01, 0x02, 0x00, 0x01])
        .unwrap();
    let started = Instant::now();
    let mut sink = Vec::new();
    let _ = stalled.read_to_end(&mut sink);
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "held for {:?}",
        started.elapsed()
    );
    // Bytes that are no TLS at all: an alert at most, then the close.
    let mut garbled = std::net::TcpStream::connect(&https).unwrap();
    garbled
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    garbled.write_all(&[0xff; 64]).unwrap();
    let mut back = Vec::new();
    let _ = garbled.read_to_end(&mut back);
    assert!(back.len() < 64, "{back:?}");
    // The listener still serves.
    let mut c = connect_tls(&https, "localhost", &client(&[&a], &["http/1.1"])).unwrap();
    assert_eq!(get_tls(&mut c, "localhost", "/hello").0, 200);
}
