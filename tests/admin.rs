//! The operator's view on the real binary: the admin listener's status,
//! routes and metrics (strictly checked against Prometheus' text format,
//! and against the requests this test sent), `kitwork reload`, and the
//! generation header in dev mode. The admin endpoints are not on the
//! public port.

#[path = "support/server.rs"]
mod server;

use server::*;
use std::collections::HashMap;

const SCRIPTS: &[(&str, &str)] = &[(
    "a.js",
    r#"work("A").get("/ok", () => ({ ok: true })).get("/boom", () => null.x).get("/spin", () => { while (true) {} });"#,
)];

fn admin_get(addr: &str, path: &str) -> Resp {
    send_to(addr, &format!("GET {path} HTTP/1.1\r\nHost: t\r\n\r\n"))
}

/// One sample: metric name, labels, value.
type Sample = (String, HashMap<String, String>, f64);

/// Parses the text exposition format strictly: every sample belongs to the
/// family its `# TYPE` line announced just before, no family twice, names
/// and label names valid, values numbers, histogram buckets cumulative
/// and ending in `+Inf` equal to `_count`.
fn parse_strict(text: &str) -> Vec<Sample> {
    assert!(
        text.ends_with('\n'),
        "the exposition must end with a newline"
    );
    let valid_name = |n: &str| {
        let mut c = n.chars();
        c.next()
            .is_some_and(|f| f.is_ascii_alphabetic() || f == '_' || f == ':')
            && c.all(|x| x.is_ascii_alphanumeric() || x == '_' || x == ':')
    };
    let mut families: HashMap<String, String> = HashMap::new();
    let mut current: Option<(String, String)> = None;
    let mut samples = Vec::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# HELP ") {
            let name = rest.split(' ').next().unwrap();
            assert!(valid_name(name), "{line}");
            continue;
        }
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, kind) = rest.split_once(' ').unwrap();
            assert!(valid_name(name), "{line}");
            assert!(
                ["counter", "gauge", "histogram", "summary", "untyped"].contains(&kind),
                "{line}"
            );
            assert!(
                families.insert(name.into(), kind.into()).is_none(),
                "family {name} twice"
            );
            current = Some((name.into(), kind.into()));
            continue;
        }
        assert!(
            !line.starts_with('#') && !line.is_empty(),
            "unexpected line {line:?}"
        );
        let (head, value) = line.rsplit_once(' ').unwrap();
        let value: f64 = value
            .parse()
            .unwrap_or_else(|_| panic!("bad value in {line}"));
        let (name, labels) = match head.split_once('{') {
            None => (head.to_string(), HashMap::new()),
            Some((n, rest)) => {
                let body = rest.strip_suffix('}').unwrap_or_else(|| panic!("{line}"));
                let mut labels = HashMap::new();
                let mut rest = body;
                while !rest.is_empty() {
                    let (k, after) = rest.split_once("=\"").unwrap_or_else(|| panic!("{line}"));
                    assert!(valid_name(k), "label {k} in {line}");
                    let mut v = String::new();
                    let mut chars = after.char_indices();
                    let end = loop {
                        match chars.next() {
                            Some((_, '\\')) => v.push(chars.next().unwrap().1),
                            Some((i, '"')) => break i,
                            Some((_, c)) => v.push(c),
                            None => panic!("unterminated label in {line}"),
                        }
                    };
                    assert!(labels.insert(k.to_string(), v).is_none(), "{line}");
                    rest = after[end + 1..].trim_start_matches(',');
                }
                (n.to_string(), labels)
            }
        };
        let (family, kind) = current
            .clone()
            .unwrap_or_else(|| panic!("sample before any # TYPE: {line}"));
        let ok = match kind.as_str() {
            "histogram" => [
                &family,
                &format!("{family}_bucket"),
                &format!("{family}_sum"),
                &format!("{family}_count"),
            ]
            .iter()
            .any(|n| **n == name),
            _ => name == family,
        };
        assert!(ok, "{name} is not in family {family}");
        samples.push((name, labels, value));
    }
    // Histograms: cumulative buckets ending in +Inf == _count.
    let mut series: HashMap<String, Vec<(f64, f64)>> = HashMap::new();
    let mut counts: HashMap<String, f64> = HashMap::new();
    for (name, labels, v) in &samples {
        let mut key: Vec<_> = labels
            .iter()
            .filter(|(k, _)| *k != "le")
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        key.sort();
        let key = format!(
            "{}|{}",
            name.trim_end_matches("_bucket").trim_end_matches("_count"),
            key.join(",")
        );
        if name.ends_with("_bucket") {
            let le = labels["le"].as_str();
            let le = if le == "+Inf" {
                f64::INFINITY
            } else {
                le.parse().unwrap()
            };
            series.entry(key).or_default().push((le, *v));
        } else if name.ends_with("_count") {
            counts.insert(key, *v);
        }
    }
    for (key, buckets) in series {
        assert!(
            buckets
                .windows(2)
                .all(|w| w[0].0 < w[1].0 && w[0].1 <= w[1].1),
            "{key}: {buckets:?}"
        );
        let last = buckets.last().unwrap();
        assert!(
            last.0.is_infinite() && Some(&last.1) == counts.get(&key),
            "{key}"
        );
    }
    samples
}

fn sum(samples: &[Sample], name: &str, want: &[(&str, &str)]) -> f64 {
    samples
        .iter()
        .filter(|(n, l, _)| {
            n == name
                && want
                    .iter()
                    .all(|(k, v)| l.get(*k).map(String::as_str) == Some(*v))
        })
        .map(|s| s.2)
        .sum()
}

#[test]
fn status_routes_and_metrics_match_what_was_sent() {
    let admin = format!("127.0.0.1:{}", free_port());
    let s = start_in(SCRIPTS, &["--admin", &admin, "--cores", "2"]);
    for _ in 0..7 {
        assert_eq!(get(&s, "/ok").status, 200);
    }
    for _ in 0..3 {
        assert_eq!(get(&s, "/boom").status, 500);
    }
    assert_eq!(get(&s, "/spin").status, 503);
    assert_eq!(get(&s, "/nowhere").status, 404);
    // Not on the public port.
    assert_eq!(get(&s, "/__kitwork/metrics").status, 404);

    let m = admin_get(&admin, "/__kitwork/metrics");
    assert_eq!(m.status, 200);
    assert!(
        m.header("Content-Type")
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    let samples = parse_strict(&m.body);
    let requests = |route: &str, class: &str| {
        sum(
            &samples,
            "kitwork_requests_total",
            &[("route", route), ("status", class)],
        )
    };
    assert_eq!(requests("/ok", "2xx"), 7.0);
    assert_eq!(requests("/boom", "5xx"), 3.0);
    assert_eq!(requests("/spin", "5xx"), 1.0);
    // /nowhere and /__kitwork/metrics on the public port.
    assert_eq!(requests("(unmatched)", "4xx"), 2.0);
    assert_eq!(
        sum(
            &samples,
            "kitwork_request_duration_seconds_count",
            &[("route", "/ok")]
        ),
        7.0
    );
    assert_eq!(sum(&samples, "kitwork_script_errors_total", &[]), 3.0);
    assert_eq!(
        sum(
            &samples,
            "kitwork_budget_exhausted_total",
            &[("budget", "instructions")]
        ),
        1.0
    );
    assert_eq!(
        sum(
            &samples,
            "kitwork_budget_exhausted_total",
            &[("budget", "memory")]
        ),
        0.0
    );
    assert_eq!(sum(&samples, "kitwork_generation", &[]), 1.0);
    // Both cores report.
    let cores: std::collections::HashSet<_> = samples
        .iter()
        .filter(|(n, _, _)| n == "kitwork_open_connections")
        .map(|(_, l, _)| l["core"].clone())
        .collect();
    assert_eq!(cores.len(), 2);

    let status = admin_get(&admin, "/__kitwork/status");
    assert!(
        status.body.contains("\"generation\":\"1-") && status.body.contains("\"requests\":13"),
        "{}",
        status.body
    );
    let routes = admin_get(&admin, "/__kitwork/routes");
    assert!(
        routes
            .body
            .contains(r#""method":"GET","path":"/ok","work":"A","version":null,"source":"#),
        "{}",
        routes.body
    );
    assert_eq!(admin_get(&admin, "/__kitwork/nope").status, 404);

    // Reloading needs the token serve wrote (0600) to its folder: a
    // browser's cross-origin POST, or a guess, is refused.
    let token_file = s.dir.join(".kitwork-admin-token");
    let token = std::fs::read_to_string(&token_file).unwrap();
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&token_file).unwrap().permissions().mode() & 0o777,
        0o600
    );
    for auth in [
        "",
        "Authorization: Bearer wrong\r\n",
        "Authorization: Bearer \r\n",
    ] {
        let r = send_to(
            &admin,
            &format!(
                "POST /__kitwork/reload HTTP/1.1\r\nHost: t\r\nOrigin: https://evil.example\r\n{auth}Content-Length: 0\r\n\r\n"
            ),
        );
        assert_eq!(r.status, 401, "{auth:?}: {}", r.body);
    }
    let r = send_to(
        &admin,
        &format!(
            "POST /__kitwork/reload HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer {token}\r\nContent-Length: 0\r\n\r\n"
        ),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    // kitwork reload (which reads the token file in its folder): unchanged,
    // then a change, then a broken file (exit 1).
    let reload = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_kitwork"))
            .args(["reload", "--admin", &admin])
            .current_dir(&s.dir)
            .output()
            .unwrap()
    };
    let out = reload();
    assert!(
        out.status.success() && String::from_utf8_lossy(&out.stdout).contains("\"reloaded\":false")
    );
    std::fs::write(s.dir.join("b.js"), r#"work("B").get("/b", () => "b");"#).unwrap();
    let out = reload();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    // The file watcher may have swapped it in first: either way the
    // generation now served is a newer one.
    assert!(
        out.status.success()
            && text.contains("\"generation\":\"")
            && !text.contains("\"generation\":\"1-"),
        "{text}"
    );
    assert_eq!(get(&s, "/b").body, "b");
    std::fs::write(s.dir.join("b.js"), r#"work("B").get("/b", () => "b";"#).unwrap();
    let out = reload();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("b.js:1:"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let samples = parse_strict(&admin_get(&admin, "/__kitwork/metrics").body);
    assert!(sum(&samples, "kitwork_reloads_total", &[("result", "failed")]) >= 1.0);
    assert!(sum(&samples, "kitwork_reloads_total", &[("result", "ok")]) >= 1.0);
}

#[test]
fn dev_mode_names_the_generation_in_every_response() {
    let s = start_in(SCRIPTS, &["--dev"]);
    let r = get(&s, "/ok");
    let g = r
        .header("X-Kitwork-Generation")
        .unwrap_or_default()
        .to_string();
    assert!(g.starts_with("1-") && g.len() == 18, "{g}");
    let first_line = {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_kitwork"))
            .args(["reload"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stderr)
            .lines()
            .next()
            .unwrap_or("")
            .to_string()
    };
    assert!(first_line.contains("no admin address"), "{first_line}");
}

#[test]
fn health_and_readiness_follow_the_cores_and_the_stores() {
    let admin = format!("127.0.0.1:{}", free_port());
    let s = start_in(SCRIPTS, &["--admin", &admin, "--cores", "2"]);
    let r = admin_get(&admin, "/__kitwork/health");
    assert_eq!((r.status, r.body.as_str()), (200, "{\"status\":\"ok\"}"));
    let r = admin_get(&admin, "/__kitwork/ready");
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.body.starts_with("{\"ready\":true,\"generation\":\""),
        "{}",
        r.body
    );
    // Not on the public port.
    assert_eq!(get(&s, "/__kitwork/ready").status, 404);
    drop(s);
    // A kv() store nobody answers for: alive, but not ready.
    let admin = format!("127.0.0.1:{}", free_port());
    let _s = start_in(SCRIPTS, &["--admin", &admin, "--kv", "redis://127.0.0.1:1"]);
    assert_eq!(admin_get(&admin, "/__kitwork/health").status, 200);
    let r = admin_get(&admin, "/__kitwork/ready");
    assert_eq!(r.status, 503, "{}", r.body);
    assert!(r.body.contains("\"ready\":false"), "{}", r.body);
    assert!(
        r.body
            .contains("core 0: kv: cannot reach Redis at 127.0.0.1:1"),
        "{}",
        r.body
    );
}

#[test]
fn a_core_stuck_in_a_loop_is_not_healthy() {
    // A budget far past what the test waits: the core stays in the loop.
    let admin = format!("127.0.0.1:{}", free_port());
    let s = start_in(SCRIPTS, &["--admin", &admin, "--budget", "100000000000"]);
    let mut spin = connect(&s);
    use std::io::Write;
    spin.write_all(b"GET /spin HTTP/1.1\r\nHost: t\r\n\r\n")
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(200));
    let r = admin_get(&admin, "/__kitwork/health");
    assert_eq!(r.status, 503, "{}", r.body);
    assert_eq!(r.body, "{\"status\":\"stuck\",\"cores\":[0]}");
}

/// `drain_delay_ms`: from SIGTERM until the listeners close, the node is
/// not ready, still accepts, and every answer closes its connection (a
/// keep-alive connection opened before too), so a balancer takes it out
/// before any connection of its is closed under a request; then it
/// drains and exits 0.
#[test]
fn a_drain_delay_keeps_serving_unready_and_closing_before_the_drain() {
    use std::io::{BufReader, Write};
    let admin = format!("127.0.0.1:{}", free_port());
    let mut files = SCRIPTS.to_vec();
    files.push(("kitwork.toml", "[limits]\ndrain_delay_ms = 3000\n"));
    let mut s = start_in(&files, &["--admin", &admin]);
    let mut kept = BufReader::new(connect(&s));
    let ask = b"GET /ok HTTP/1.1\r\nHost: t\r\n\r\n";
    kept.get_mut().write_all(ask).unwrap();
    let r = read_response(&mut kept).unwrap();
    assert_eq!((r.status, r.header("Connection")), (200, None));
    let sent = std::time::Instant::now();
    let ok = std::process::Command::new("kill")
        .args(["-TERM", &s.child.id().to_string()])
        .status()
        .unwrap()
        .success();
    assert!(ok);
    assert!(wait_until(
        || admin_get(&admin, "/__kitwork/ready").status == 503
    ));
    let r = admin_get(&admin, "/__kitwork/ready");
    assert!(r.body.contains("draining"), "{}", r.body);
    // A new connection is still accepted, and told to close.
    let r = get(&s, "/ok");
    assert_eq!((r.status, r.header("Connection")), (200, Some("close")));
    // So is the next request on the connection opened before.
    kept.get_mut().write_all(ask).unwrap();
    let r = read_response(&mut kept).unwrap();
    assert_eq!((r.status, r.header("Connection")), (200, Some("close")));
    let status = s.child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    assert!(
        sent.elapsed() >= std::time::Duration::from_millis(3000),
        "exited {:?} after SIGTERM, before the delay",
        sent.elapsed()
    );
    assert!(
        s.log().contains("not ready; draining in 3000 ms"),
        "{}",
        s.log()
    );
}
