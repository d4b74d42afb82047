//! The malformed-request corpus (`tests/http/malformed.txt`) against the
//! real server: each case on its own connection, its status compared with
//! the documented policy (docs/HTTP.md), then whether the connection closed
//! or still serves a request; over TCP and over TLS.

#[path = "support/server.rs"]
mod server;
#[path = "support/tls.rs"]
mod tls;

use server::*;
use std::io::{BufReader, Read, Write};
use std::time::Duration;

const ROUTES: &str = r#"
work("T")
  .get("/hello", () => "hi")
  .post("/echo", () => ({ n: body().length }));
"#;

struct Case {
    name: String,
    status: u16,
    close: bool,
    raw: Vec<u8>,
}

/// Expands `\r \n \t \0 \xNN \\` and `{TEXT*N}`.
fn unescape(text: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' => {
                let (byte, used) = match b[i + 1] {
                    b'r' => (b'\r', 2),
                    b'n' => (b'\n', 2),
                    b't' => (b'\t', 2),
                    b'0' => (0, 2),
                    b'\\' => (b'\\', 2),
                    b'x' => (
                        u8::from_str_radix(&text[i + 2..i + 4], 16).expect("\\xNN"),
                        4,
                    ),
                    other => panic!("unknown escape \\{}", other as char),
                };
                out.push(byte);
                i += used;
            }
            b'{' => {
                let end = i + text[i..].find('}').expect("a closing }");
                let (what, times) = text[i + 1..end].rsplit_once('*').expect("{TEXT*N}");
                let what = unescape(what);
                for _ in 0..times.parse::<usize>().expect("a count") {
                    out.extend_from_slice(&what);
                }
                i = end + 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

fn corpus() -> Vec<Case> {
    let text = include_str!("http/malformed.txt");
    let mut cases = Vec::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let Some(header) = line.strip_prefix("== ") else {
            continue;
        };
        let parts: Vec<&str> = header.split_whitespace().collect();
        let [name, status, then] = parts[..] else {
            panic!("bad case line {line:?}")
        };
        let mut raw = String::new();
        while let Some(next) = lines.peek() {
            if next.starts_with("==") || next.starts_with('#') || next.is_empty() {
                break;
            }
            raw.push_str(lines.next().unwrap());
        }
        cases.push(Case {
            name: name.into(),
            status: status.parse().expect("a status"),
            close: match then {
                "close" => true,
                "keep" => false,
                other => panic!("{name}: `close` or `keep`, not {other:?}"),
            },
            raw: unescape(&raw),
        });
    }
    cases
}

/// Whether the server closed the connection: the end of the stream, a
/// reset, or (over TLS) the TCP close without a `close_notify`.
fn closed(r: &mut impl Read) -> bool {
    use std::io::ErrorKind::{ConnectionReset, UnexpectedEof};
    let mut byte = [0u8; 1];
    match r.read(&mut byte) {
        Ok(0) => true,
        Ok(_) => false,
        Err(e) => matches!(e.kind(), ConnectionReset | UnexpectedEof),
    }
}

/// Sends each case on a connection of its own from `connect`; what was
/// answered otherwise than documented.
fn wrong_answers<S: Read + Write>(cases: &[Case], mut connect: impl FnMut() -> S) -> Vec<String> {
    let mut wrong = Vec::new();
    for case in cases {
        let mut c = connect();
        // The server may refuse before reading everything: a failed write
        // is fine, the answer is what counts.
        let _ = c.write_all(&case.raw);
        let mut r = BufReader::new(c);
        let Some(resp) = read_response(&mut r) else {
            wrong.push(format!("{}: no response", case.name));
            continue;
        };
        if resp.status != case.status {
            wrong.push(format!(
                "{}: status {} (expected {}) {}",
                case.name, resp.status, case.status, resp.body
            ));
            continue;
        }
        if case.close {
            if resp.header("Connection") != Some("close") && resp.status != 200 {
                wrong.push(format!(
                    "{}: no `Connection: close` on a refusal",
                    case.name
                ));
            }
            if !closed(&mut r) {
                wrong.push(format!("{}: the connection stayed open", case.name));
            }
        } else {
            let _ = r
                .get_mut()
                .write_all(b"GET /hello HTTP/1.1\r\nHost: t\r\n\r\n");
            match read_response(&mut r) {
                Some(next) if next.status == 200 && next.body == "hi" => {}
                other => wrong.push(format!(
                    "{}: the next request on the connection got {other:?}",
                    case.name
                )),
            }
        }
    }
    wrong
}

#[test]
fn the_corpus_is_answered_as_documented_over_tls() {
    let cases = corpus();
    let cert = tls::cert(&["localhost"]);
    let toml = format!("{}[[tls]]\ncert = \"a.pem\"\nkey = \"a.key\"\n", tls::HTTPS);
    let s = tls::start_tls_server(&[("a", &cert)], &toml, &[("t.js", ROUTES)], &[]);
    let https = s.https.clone().unwrap();
    let client = tls::client(&[&cert], &["http/1.1"]);
    let wrong = wrong_answers(&cases, || {
        tls::connect_tls(&https, "localhost", &client).unwrap()
    });
    assert!(
        wrong.is_empty(),
        "{} of {} cases over TLS:\n{}",
        wrong.len(),
        cases.len(),
        wrong.join("\n")
    );
}

#[test]
fn the_corpus_is_answered_as_documented() {
    let cases = corpus();
    assert!(cases.len() >= 60, "the corpus has {} cases", cases.len());
    let s = start_in(&[("t.js", ROUTES)], &[]);
    let wrong = wrong_answers(&cases, || {
        let c = connect(&s);
        c.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        c
    });
    assert!(
        wrong.is_empty(),
        "{} of {} cases:\n{}",
        wrong.len(),
        cases.len(),
        wrong.join("\n")
    );
    // The allowed methods ride on `OPTIONS *` and on a refused CONNECT.
    let options = send(&s, "OPTIONS * HTTP/1.1\r\nHost: t\r\n\r\n");
    assert!(options.header("Allow").is_some_and(|a| a.contains("GET")));
    let connect = send(&s, "CONNECT h:443 HTTP/1.1\r\nHost: h:443\r\n\r\n");
    assert!(connect.header("Allow").is_some());
}
