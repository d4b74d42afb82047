//! Response compression through the real binary over TCP: a 10 KB JSON
//! answer in Brotli and in gzip by `Accept-Encoding` (decoded here back to
//! the identity bytes), `Vary` on every answer that depends on the
//! header, and the answers that stay as they are: small ones, images, a
//! body the script encoded itself, HEAD's length, and `[compression]
//! enabled = false`. curl decodes them too when it is installed.

#[path = "support/server.rs"]
mod server;

use server::*;
use std::io::{BufReader, Read, Write};

const SCRIPTS: &[(&str, &str)] = &[(
    "big.js",
    r#"
    const rows = Array.from({ length: 200 }, (_, i) => ({ id: i, name: "user " + i, active: i % 2 === 0 }));
    work("Big")
      .get("/big", () => rows)
      .get("/small", () => ({ ok: true }))
      .get("/png", () => new Response(new Uint8Array(4000), { headers: { "content-type": "image/png" } }))
      .get("/encoded", () => new Response("x".repeat(4000), { headers: { "content-type": "text/plain", "content-encoding": "identity-ish" } }))
      .get("/tagged", () => new Response(JSON.stringify(rows), { headers: { "content-type": "application/json", etag: '"v1"', vary: "Origin" } }));
    "#,
)];

/// A GET with `accept` as its Accept-Encoding: the status, headers and raw
/// body bytes.
fn fetch(
    s: &Server,
    method: &str,
    path: &str,
    accept: Option<&str>,
) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let mut c = connect(s);
    let accept = accept.map_or(String::new(), |a| format!("Accept-Encoding: {a}\r\n"));
    write!(
        c,
        "{method} {path} HTTP/1.1\r\nHost: t\r\n{accept}Connection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    BufReader::new(c).read_to_end(&mut raw).unwrap();
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a head")
        + 4;
    let head = String::from_utf8_lossy(&raw[..end]).to_string();
    let mut lines = head.split("\r\n");
    let status = lines.next().unwrap()[9..12].parse().unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(": "))
        .map(|(k, v)| (k.to_ascii_lowercase(), v.to_string()))
        .collect();
    (status, headers, raw[end..].to_vec())
}

fn header<'h>(h: &'h [(String, String)], name: &str) -> Option<&'h str> {
    h.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

#[test]
fn answers_are_compressed_by_accept_encoding() {
    let s = start_in(SCRIPTS, &[]);
    let (status, h, identity) = fetch(&s, "GET", "/big", None);
    assert_eq!(status, 200);
    assert!(identity.len() > 8000, "{}", identity.len());
    assert_eq!(header(&h, "content-encoding"), None);
    assert_eq!(header(&h, "vary"), Some("Accept-Encoding"));

    let (_, h, gz) = fetch(&s, "GET", "/big", Some("gzip, deflate"));
    assert_eq!(header(&h, "content-encoding"), Some("gzip"));
    assert_eq!(
        header(&h, "content-length"),
        Some(gz.len().to_string().as_str())
    );
    let mut back = Vec::new();
    flate2::read::GzDecoder::new(&gz[..])
        .read_to_end(&mut back)
        .unwrap();
    assert_eq!(back, identity);
    assert!(
        gz.len() * 4 < identity.len(),
        "{} of {}",
        gz.len(),
        identity.len()
    );

    let (_, h, br) = fetch(&s, "GET", "/big", Some("gzip, deflate, br, zstd"));
    assert_eq!(header(&h, "content-encoding"), Some("br"));
    let mut back = Vec::new();
    brotli::BrotliDecompress(&mut &br[..], &mut back).unwrap();
    assert_eq!(back, identity);

    // Refused codings, and what is never compressed.
    let (_, h, _) = fetch(&s, "GET", "/big", Some("br;q=0, gzip;q=0"));
    assert_eq!(header(&h, "content-encoding"), None);
    for (path, encoding) in [
        ("/small", None),
        ("/png", None),
        ("/encoded", Some("identity-ish")),
    ] {
        let (status, h, _) = fetch(&s, "GET", path, Some("gzip, br"));
        assert_eq!(status, 200);
        assert_eq!(header(&h, "content-encoding"), encoding, "{path}");
    }
    // A strong ETag becomes weak; the script's Vary keeps its names.
    let (_, h, _) = fetch(&s, "GET", "/tagged", Some("gzip"));
    assert_eq!(header(&h, "etag"), Some("W/\"v1\""));
    assert_eq!(header(&h, "vary"), Some("Origin, Accept-Encoding"));
    // HEAD tells the length GET would send.
    let (_, h, body) = fetch(&s, "HEAD", "/big", Some("gzip"));
    assert!(body.is_empty());
    assert_eq!(
        header(&h, "content-length"),
        Some(gz.len().to_string().as_str())
    );
}

#[test]
fn compression_can_be_turned_off() {
    let mut scripts = SCRIPTS.to_vec();
    scripts.push(("kitwork.toml", "[compression]\nenabled = false\n"));
    let s = start_in(&scripts, &[]);
    let (status, h, _) = fetch(&s, "GET", "/big", Some("gzip, br"));
    assert_eq!(status, 200);
    assert_eq!(header(&h, "content-encoding"), None);
    assert_eq!(header(&h, "vary"), None);
}

#[test]
fn curl_decodes_what_it_asked_for() {
    let Ok(version) = std::process::Command::new("curl").arg("--version").output() else {
        eprintln!("curl is not installed: this test did not run");
        return;
    };
    if !version.status.success() {
        eprintln!("curl does not run: this test did not run");
        return;
    }
    let s = start_in(SCRIPTS, &[]);
    let (_, _, identity) = fetch(&s, "GET", "/big", None);
    let out = std::process::Command::new("curl")
        .args(["-sS", "--compressed", "-D", "-"])
        .arg(format!("http://{}/big", s.addr))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    assert!(
        head.to_ascii_lowercase().contains("content-encoding: "),
        "{head}"
    );
    assert_eq!(body.as_bytes(), &identity[..]);
}

/// A POST of `body` with `Content-Encoding: coding` to /len: the status and body.
fn post_encoded(s: &Server, coding: &str, body: &[u8]) -> (u16, String) {
    let mut c = connect(s);
    write!(
        c,
        "POST /len HTTP/1.1\r\nHost: t\r\nContent-Encoding: {coding}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .unwrap();
    c.write_all(body).unwrap();
    let mut raw = String::new();
    BufReader::new(c).read_to_string(&mut raw).unwrap();
    let status = raw[9..12].parse().unwrap();
    let body = raw.split("\r\n\r\n").nth(1).unwrap_or("").to_string();
    (status, body)
}

#[test]
fn request_bodies_are_decoded_when_asked_and_bounded() {
    use std::io::Write as _;
    let gzip = |data: &[u8]| {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    };
    let script = (
        "len.js",
        r#"work("Len").post("/len", () => ({ n: body.bytes().length, head: body().slice(0, 5) }));"#,
    );
    // Off (the default): the script gets the bytes as sent.
    let s = start_in(&[script], &[]);
    let packed = gzip(b"hello world");
    let (status, body) = post_encoded(&s, "gzip", &packed);
    assert_eq!(status, 200);
    assert!(body.contains(&format!("\"n\":{}", packed.len())), "{body}");
    drop(s);
    let s = start_in(
        &[
            script,
            (
                "kitwork.toml",
                "[compression]\nrequests = true\n[limits]\nbody = 100000\n",
            ),
        ],
        &[],
    );
    assert_eq!(
        post_encoded(&s, "gzip", &packed),
        (200, r#"{"n":11,"head":"hello"}"#.into())
    );
    let mut br = Vec::new();
    brotli::BrotliCompress(&mut &b"hello brotli"[..], &mut br, &Default::default()).unwrap();
    assert_eq!(
        post_encoded(&s, "br", &br),
        (200, r#"{"n":12,"head":"hello"}"#.into())
    );
    // 10 MB of zeros in about 10 KB: refused at the body limit.
    let bomb = gzip(&vec![0u8; 10 << 20]);
    assert!(bomb.len() < 100_000);
    assert_eq!(post_encoded(&s, "gzip", &bomb).0, 413);
    assert_eq!(post_encoded(&s, "gzip", b"not gzip at all").0, 400);
    assert_eq!(post_encoded(&s, "zstd", b"x").0, 415);
    // The server is still there.
    assert_eq!(
        post_encoded(&s, "identity", b"abc"),
        (200, r#"{"n":3,"head":"abc"}"#.into())
    );
}
