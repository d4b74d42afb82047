//! Hot reload, end to end on the real binary: handlers rewritten under a
//! keep-alive load lose no request and never go back to an older version;
//! a syntax error or a duplicate route leaves the current generation
//! serving and the diagnostic in the log; files added and deleted add and
//! remove routes; editing a module a route imports from outside the work
//! folder (a `lib/` file, a package in `node_modules`) reloads too; memory
//! after 100 reloads is what it was after one.
//! Reload latencies (file written → new code answering) are printed.

#[path = "support/server.rs"]
mod server;

use server::*;
use std::io::{BufReader, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Always the same length, so `publish` can overwrite the file in place.
fn version_script(v: usize) -> String {
    format!("work(\"V\").get(\"/v\", () => ({{ v: {v:<6} }}));\n")
}

fn version_of(body: &str) -> Option<usize> {
    body.strip_prefix("{\"v\":")?
        .strip_suffix('}')?
        .parse()
        .ok()
}

/// Writes `text` over `v.js` in place, not truncating it: on this
/// machine's ext4 (mounted with `discard`), truncating a file under load
/// can stall the writer for tens of seconds — the test's own write, not
/// the server. (`version_script` keeps the length constant.)
fn overwrite(s: &Server, text: &str) {
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .open(s.dir.join("v.js"))
        .unwrap();
    f.write_all(text.as_bytes()).unwrap();
}

/// Rewrites `v.js` with version `v` and waits until the server answers
/// with it; returns how long that took.
fn publish(s: &Server, v: usize) -> Duration {
    let written = Instant::now();
    overwrite(s, &version_script(v));
    loop {
        if version_of(&get(s, "/v").body) == Some(v) {
            return written.elapsed();
        }
        // Generous: a loaded 2-core machine can stall a thread for seconds.
        assert!(
            written.elapsed() < Duration::from_secs(20),
            "version {v} never served\n{}",
            s.log()
        );
        // Each poll is a new connection: polling much faster piles up
        // TIME_WAIT sockets until connect() itself stalls.
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn rss_kib(pid: u32) -> usize {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

fn percentile(mut d: Vec<Duration>, p: f64) -> Duration {
    d.sort();
    d[((d.len() - 1) as f64 * p).round() as usize]
}

/// One keep-alive connection's log: (status, version).
type Seen = Vec<(u16, Option<usize>)>;

#[test]
fn twenty_reloads_under_load_lose_no_request() {
    let s = start_in(&[("v.js", &version_script(0))], &["--cores", "2"]);
    let stop = Arc::new(AtomicBool::new(false));
    let failures = Arc::new(Mutex::new(Vec::<String>::new()));
    let mut clients = Vec::new();
    for _ in 0..4 {
        let (addr, stop, failures) = (s.addr.clone(), stop.clone(), failures.clone());
        clients.push(std::thread::spawn(move || {
            let c = std::net::TcpStream::connect(&addr).unwrap();
            c.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
            let mut w = c.try_clone().unwrap();
            let mut r = BufReader::new(c);
            let mut seen: Seen = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                if w.write_all(b"GET /v HTTP/1.1\r\nHost: t\r\n\r\n").is_err() {
                    failures
                        .lock()
                        .unwrap()
                        .push("write failed: connection closed".into());
                    break;
                }
                match read_response(&mut r) {
                    Some(resp) => seen.push((resp.status, version_of(&resp.body))),
                    None => {
                        failures
                            .lock()
                            .unwrap()
                            .push("no response: connection closed".into());
                        break;
                    }
                }
            }
            seen
        }));
    }
    std::thread::sleep(Duration::from_millis(100));
    let mut latencies = Vec::new();
    for v in 1..=20 {
        latencies.push(publish(&s, v));
        if v == 10 {
            // A syntax error mid-load: version 10 keeps answering, the
            // diagnostic is logged, and the next good write goes on.
            overwrite(&s, &version_script(v).replace("})", ")}"));
            assert!(
                wait_until(|| s.log().contains("failed; still serving generation 11-")),
                "{}",
                s.log()
            );
            assert_eq!(version_of(&get(&s, "/v").body), Some(10));
        }
    }
    // `publish` saw version 20 on one core; the other swaps on its own
    // notification, within the next moments.
    std::thread::sleep(Duration::from_millis(100));
    stop.store(true, Ordering::Relaxed);
    let mut total = 0;
    for c in clients {
        let seen = c.join().unwrap();
        total += seen.len();
        let mut newest = 0;
        for (status, v) in seen {
            assert_eq!(status, 200);
            let v = v.expect("a version in every body");
            assert!(v >= newest, "went back from version {newest} to {v}");
            newest = v;
        }
        assert_eq!(
            newest, 20,
            "a connection still on an old version at the end"
        );
    }
    let failures = failures.lock().unwrap();
    assert!(failures.is_empty(), "{failures:?}");
    assert!(total > 100, "only {total} requests");
    eprintln!(
        "{total} requests over 20 reloads, none failed; reload latency p50 {:?}, max {:?}",
        percentile(latencies.clone(), 0.5),
        percentile(latencies, 1.0)
    );
}

#[test]
fn a_bad_reload_keeps_the_current_generation() {
    let s = start_in(&[("v.js", &version_script(1))], &[]);
    // A syntax error: the old version keeps answering, the log says where.
    std::fs::write(
        s.dir.join("v.js"),
        "work(\"V\").get(\"/v\", () => ({ v: 2 ));\n",
    )
    .unwrap();
    wait_until(|| s.log().contains("failed; still serving generation 1-"));
    let log = s.log();
    assert!(log.contains("v.js:1:35"), "{log}");
    assert!(
        log.contains("^ expected `,` or `}` in the object literal"),
        "{log}"
    );
    assert_eq!(get(&s, "/v").body, r#"{"v":1}"#);
    publish(&s, 3);
    // A second file declaring the same route: both places named, nothing swapped.
    std::fs::write(
        s.dir.join("dup.js"),
        "work(\"D\").get(\"/v\", () => ({ v: 99 }));\n",
    )
    .unwrap();
    wait_until(|| s.log().contains("is declared twice"));
    let log = s.log();
    assert!(log.contains("GET /v is declared twice"), "{log}");
    assert!(log.contains("dup.js:1") && log.contains("v.js:1"), "{log}");
    assert_eq!(get(&s, "/v").body, r#"{"v":3}"#);
    std::fs::remove_file(s.dir.join("dup.js")).unwrap();
    publish(&s, 4);
}

#[test]
fn files_added_and_deleted_add_and_remove_routes() {
    let s = start_in(&[("v.js", &version_script(1))], &[]);
    assert_eq!(get(&s, "/added").status, 404);
    std::fs::create_dir_all(s.dir.join("more")).unwrap();
    std::fs::write(
        s.dir.join("more/added.js"),
        "work(\"A\").get(\"/added\", () => \"here\");\n",
    )
    .unwrap();
    wait_until(|| get(&s, "/added").status == 200);
    assert_eq!(get(&s, "/added").body, "here");
    std::fs::remove_file(s.dir.join("more/added.js")).unwrap();
    wait_until(|| get(&s, "/added").status == 404);
    assert_eq!(get(&s, "/added").status, 404);
    assert_eq!(get(&s, "/v").body, r#"{"v":1}"#);
    // SIGHUP reloads by hand; an unchanged folder is not swapped.
    let pid = s.child.id().to_string();
    // The shell's builtin kill: no procps needed on a bare machine.
    std::process::Command::new("sh")
        .args(["-c", &format!("kill -HUP {pid}")])
        .status()
        .unwrap();
    assert!(
        wait_until(|| s.log().contains("reload (SIGHUP): nothing changed")),
        "{}",
        s.log()
    );
}

#[test]
fn memory_after_a_hundred_reloads_is_what_it_was_after_one() {
    let s = start_in(&[("v.js", &version_script(0))], &["--cores", "2"]);
    let pid = s.child.id();
    let mut latencies = Vec::new();
    latencies.push(publish(&s, 1));
    for _ in 0..50 {
        get(&s, "/v");
    }
    let after_one = rss_kib(pid);
    for v in 2..=100 {
        latencies.push(publish(&s, v));
    }
    for _ in 0..50 {
        get(&s, "/v");
    }
    let after_hundred = rss_kib(pid);
    eprintln!(
        "RSS after 1 reload {after_one} KiB, after 100 {after_hundred} KiB; reload latency over 100: p50 {:?}, p99 {:?}",
        percentile(latencies.clone(), 0.5),
        percentile(latencies, 0.99)
    );
    assert!(
        after_hundred * 10 <= after_one * 11,
        "RSS grew from {after_one} KiB to {after_hundred} KiB"
    );
}

#[test]
fn editors_save_patterns_never_answer_404() {
    let script = "work(\"S\").get(\"/saved\", () => \"here\");\n";
    let s = start_in(&[("saved.js", script)], &[]);
    assert_eq!(get(&s, "/saved").status, 200);
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let addr = s.addr.clone();
    let flag = stop.clone();
    let client = std::thread::spawn(move || {
        let (mut ok, mut missing) = (0, 0);
        while !flag.load(std::sync::atomic::Ordering::Relaxed) {
            match send_to(&addr, "GET /saved HTTP/1.1\r\nHost: t\r\n\r\n").status {
                200 => ok += 1,
                _ => missing += 1,
            }
        }
        (ok, missing)
    });
    let path = s.dir.join("saved.js");
    // Truncate, then write 200 ms later.
    std::fs::write(&path, "").unwrap();
    std::thread::sleep(Duration::from_millis(200));
    std::fs::write(&path, script).unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    // Delete, then recreate 300 ms later.
    std::fs::remove_file(&path).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    std::fs::write(&path, script).unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    // Write to a temporary file and rename it over.
    std::fs::write(s.dir.join("saved.js.tmp"), script).unwrap();
    std::fs::rename(s.dir.join("saved.js.tmp"), &path).unwrap();
    std::thread::sleep(Duration::from_millis(500));
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let (ok, missing) = client.join().unwrap();
    assert!(ok > 0);
    assert_eq!(
        missing,
        0,
        "{missing} of {} requests were not answered 200",
        ok + missing
    );
    // A file really deleted is gone after the grace period.
    std::fs::remove_file(&path).unwrap();
    assert!(wait_until(|| get(&s, "/saved").status == 404));
}

#[test]
fn editing_an_imported_module_outside_work_reloads() {
    let s = start_in(
        &[
            (
                "work/route.js",
                "import { word } from \"../lib/word.js\";\nimport pad from \"padder\";\nwork(\"W\").get(\"/w\", () => pad(word));\n",
            ),
            ("lib/word.js", "export const word = \"one\";\n"),
            (
                "node_modules/padder/package.json",
                "{ \"name\": \"padder\", \"main\": \"index.js\" }\n",
            ),
            (
                "node_modules/padder/index.js",
                "module.exports = (s) => `[${s}]`;\n",
            ),
        ],
        &["--work", "work"],
    );
    assert_eq!(get(&s, "/w").body, "[one]");
    let wait_for = |want: &str| {
        let started = Instant::now();
        while get(&s, "/w").body != want {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "never answered {want}\n{}",
                s.log()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    };
    std::fs::write(s.dir.join("lib/word.js"), "export const word = \"two\";\n").unwrap();
    wait_for("[two]");
    std::fs::write(
        s.dir.join("node_modules/padder/index.js"),
        "module.exports = (s) => `<${s}>`;\n",
    )
    .unwrap();
    wait_for("<two>");
    // A broken import keeps the generation serving, with the diagnostic.
    std::fs::write(s.dir.join("lib/word.js"), "export const wrd = \"three\";\n").unwrap();
    let started = Instant::now();
    while !s.log().contains("has no export named `word`") {
        assert!(started.elapsed() < Duration::from_secs(20), "{}", s.log());
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(get(&s, "/w").body, "<two>");
}
