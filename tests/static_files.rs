//! Static folders through the real binary (`work(…).static(prefix,
//! folder)`): types, validators and conditional requests (304), ranges
//! (206, 416, `If-Range`), precompressed siblings (read back with curl's
//! own decoder), a 3 MB file streamed byte-exact, HEAD, a directory's
//! redirect and index, and every way out of the folder refused: dot
//! segments, encoded separators, a symlink pointing outside.

#[path = "support/server.rs"]
mod server;

use server::*;
use std::io::Write;
use std::process::Command;

/// `app.js`'s text: 6 KB of lines.
fn app_js() -> String {
    (0..200)
        .map(|i| format!("console.log(\"line {i}\");\n"))
        .collect()
}

/// A server whose project holds `public/` (a page, a script with a
/// gzip sibling, a 3 MB file, a sub-folder, a symlink to a file outside)
/// and `secret.txt` beside it.
fn start() -> Server {
    let site = (
        "work/site.js",
        r#"work("Site").static("/assets", "public", { maxAge: 60 });
           work("App").get("/api", () => "dynamic");"#,
    );
    // The folder must exist when the routes load; its files come after.
    let s = start_in(&[site, ("public/.keep", "")], &["--work", "work"]);
    let public = s.dir.join("public");
    std::fs::create_dir_all(public.join("sub")).unwrap();
    std::fs::write(public.join("index.html"), "<h1>home</h1>\n").unwrap();
    std::fs::write(public.join("sub/index.html"), "<h1>sub</h1>\n").unwrap();
    std::fs::write(public.join("app.js"), app_js()).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(app_js().as_bytes()).unwrap();
    std::fs::write(public.join("app.js.gz"), gz.finish().unwrap()).unwrap();
    let big: Vec<u8> = (0..3_000_000u32).map(|i| (i * 7 % 251) as u8).collect();
    std::fs::write(public.join("big.bin"), big).unwrap();
    std::fs::write(s.dir.join("secret.txt"), "do not serve\n").unwrap();
    std::os::unix::fs::symlink(s.dir.join("secret.txt"), public.join("escape.txt")).unwrap();
    s
}

fn request(s: &Server, path: &str, headers: &str) -> Resp {
    send(
        s,
        &format!("GET {path} HTTP/1.1\r\nHost: t\r\n{headers}\r\n"),
    )
}

fn curl(s: &Server, args: &[&str]) -> Vec<u8> {
    let out = Command::new("curl")
        .args(["-sS", "--max-time", "20"])
        .args(args)
        .output()
        .expect("curl runs (scripts/web-clients.sh installs it)");
    assert!(
        out.status.success(),
        "curl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = s;
    out.stdout
}

#[test]
fn files_carry_their_type_and_validators_and_answer_conditionally() {
    let s = start();
    let page = request(&s, "/assets/", "");
    assert_eq!((page.status, page.body.as_str()), (200, "<h1>home</h1>\n"));
    assert_eq!(
        page.header("Content-Type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(page.header("Cache-Control"), Some("public, max-age=60"));
    let js = request(&s, "/assets/app.js", "");
    assert_eq!(js.body, app_js());
    assert_eq!(
        js.header("Content-Type"),
        Some("text/javascript; charset=utf-8")
    );
    assert_eq!(js.header("Vary"), Some("Accept-Encoding"));
    assert_eq!(js.header("Content-Encoding"), None);
    let etag = js.header("ETag").unwrap().to_string();
    let modified = js.header("Last-Modified").unwrap().to_string();

    let same = request(&s, "/assets/app.js", &format!("If-None-Match: {etag}\r\n"));
    assert_eq!((same.status, same.body.as_str()), (304, ""));
    assert_eq!(same.header("ETag"), Some(etag.as_str()));
    let weak = request(
        &s,
        "/assets/app.js",
        &format!("If-None-Match: \"x\", W/{etag}\r\n"),
    );
    assert_eq!(weak.status, 304);
    let other = request(&s, "/assets/app.js", "If-None-Match: \"other\"\r\n");
    assert_eq!(other.status, 200);
    let since = request(
        &s,
        "/assets/app.js",
        &format!("If-Modified-Since: {modified}\r\n"),
    );
    assert_eq!(since.status, 304);
    let old = request(
        &s,
        "/assets/app.js",
        "If-Modified-Since: Mon, 01 Jan 2001 00:00:00 GMT\r\n",
    );
    assert_eq!(old.status, 200);

    // The precompressed sibling, for a client that takes gzip: curl
    // decodes it to the file's own text.
    let gz = request(&s, "/assets/app.js", "Accept-Encoding: gzip, br\r\n");
    assert_eq!(gz.header("Content-Encoding"), Some("gzip"));
    assert_ne!(gz.header("ETag"), Some(etag.as_str()));
    let url = format!("http://{}/assets/app.js", s.addr);
    assert_eq!(curl(&s, &["--compressed", &url]), app_js().as_bytes());

    // A route of another work is still a script's.
    assert_eq!(get(&s, "/api").body, "dynamic");
}

#[test]
fn ranges_are_answered_by_rfc_9110() {
    let s = start();
    let text = app_js();
    let part = request(&s, "/assets/app.js", "Range: bytes=10-19\r\n");
    assert_eq!(part.status, 206);
    assert_eq!(part.body, &text[10..20]);
    assert_eq!(
        part.header("Content-Range"),
        Some(format!("bytes 10-19/{}", text.len()).as_str())
    );
    let tail = request(&s, "/assets/app.js", "Range: bytes=-5\r\n");
    assert_eq!(
        (tail.status, tail.body.as_str()),
        (206, &text[text.len() - 5..])
    );
    let past = request(&s, "/assets/app.js", "Range: bytes=999999-\r\n");
    assert_eq!(past.status, 416);
    assert_eq!(
        past.header("Content-Range"),
        Some(format!("bytes */{}", text.len()).as_str())
    );
    // Several ranges, or an `If-Range` for another version: the whole file.
    let several = request(&s, "/assets/app.js", "Range: bytes=0-1,5-6\r\n");
    assert_eq!((several.status, several.body.len()), (200, text.len()));
    let stale = request(
        &s,
        "/assets/app.js",
        "Range: bytes=0-1\r\nIf-Range: \"not-this-one\"\r\n",
    );
    assert_eq!(stale.status, 200);
    // A range of the 3 MB file, byte-exact through curl.
    let url = format!("http://{}/assets/big.bin", s.addr);
    let got = curl(&s, &["-r", "2999990-", &url]);
    let want: Vec<u8> = (2_999_990..3_000_000u32)
        .map(|i| (i * 7 % 251) as u8)
        .collect();
    assert_eq!(got, want);
}

#[test]
fn a_large_file_streams_whole_and_head_reads_nothing() {
    let s = start();
    let url = format!("http://{}/assets/big.bin", s.addr);
    let got = curl(&s, &[&url]);
    let want: Vec<u8> = (0..3_000_000u32).map(|i| (i * 7 % 251) as u8).collect();
    assert!(got == want, "{} bytes back", got.len());
    let mut c = connect(&s);
    c.write_all(b"HEAD /assets/big.bin HTTP/1.1\r\nHost: t\r\n\r\n")
        .unwrap();
    let head = read_framed(&mut std::io::BufReader::new(c), false).unwrap();
    assert_eq!(
        (head.status, head.header("Content-Length")),
        (200, Some("3000000"))
    );
    // The connection stays usable after a streamed file: two in a row.
    let two = curl(
        &s,
        &[
            &url,
            &url,
            "-o",
            "/dev/null",
            "-o",
            "/dev/null",
            "-w",
            "%{http_code} ",
        ],
    );
    assert_eq!(String::from_utf8_lossy(&two), "200 200 ");
}

#[test]
fn nothing_outside_the_folder_is_served() {
    let s = start();
    for path in [
        "/assets/escape.txt",
        "/assets/..%2fsecret.txt",
        "/assets/..%2Fsecret.txt",
        "/assets/sub%2f..%2f..%2fsecret.txt",
        "/assets/..%5csecret.txt",
        "/assets/app.js%00",
        "/assets/nothing-here",
    ] {
        let r = request(&s, path, "");
        assert_eq!(r.status, 404, "{path}: {}", r.body);
        assert!(!r.body.contains("do not serve"), "{path}");
    }
    // Dot segments as sent never reach a folder.
    for path in [
        "/assets/../secret.txt",
        "/assets/./../secret.txt",
        "/assets/%2e%2e/secret.txt",
    ] {
        let r = request(&s, path, "");
        assert!(r.status == 400 || r.status == 404, "{path}: {}", r.status);
        assert!(!r.body.contains("do not serve"), "{path}");
    }
    // A folder named without its slash is redirected; with it, its index.
    let sub = request(&s, "/assets/sub", "");
    assert_eq!(
        (sub.status, sub.header("Location")),
        (301, Some("/assets/sub/"))
    );
    assert_eq!(request(&s, "/assets/sub/", "").body, "<h1>sub</h1>\n");
    // Only GET and HEAD.
    let post = send(
        &s,
        "POST /assets/app.js HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n",
    );
    assert_eq!(post.status, 405);
}

#[test]
fn a_changed_file_is_served_within_a_second() {
    let s = start();
    assert_eq!(
        request(&s, "/assets/index.html", "").body,
        "<h1>home</h1>\n"
    );
    std::fs::write(s.dir.join("public/index.html"), "<h1>new</h1>\n").unwrap();
    assert!(wait_until(
        || request(&s, "/assets/index.html", "").body == "<h1>new</h1>\n"
    ));
}

#[test]
fn a_missing_folder_is_an_error_at_load() {
    let site = ("work/site.js", r#"work("Site").static("/s", "nowhere");"#);
    let (ok, text) = kitwork_routes(&[site], "work");
    assert!(!ok, "{text}");
    assert!(text.contains("serves the folder nowhere"), "{text}");
}
