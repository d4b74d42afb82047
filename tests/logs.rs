//! Logs on the real binary: with `log_format = "json"` every stderr line
//! is one JSON object; script `log()` lines carry the route and the
//! request id; the access log (off by default) has one line per request.

#[path = "support/server.rs"]
mod server;

use server::*;

const ROUTES: &str = r#"work("L").get("/hi/:who", () => { log("hello", params("who")); console.log("two\nlines"); return "ok"; })
  .get("/boom", () => null.x)
  .get("/defer-fails", () => { defer(() => null.y); return "ok"; });"#;

fn wait_for(s: &Server, needle: &str) -> String {
    wait_until(|| s.log().contains(needle));
    s.log()
}

#[test]
fn json_logs_are_one_object_per_line_with_route_and_request_id() {
    let mut s = start_in(
        &[
            ("kitwork.toml", "log_format = \"json\"\naccess_log = true\n"),
            ("l.js", ROUTES),
        ],
        &[],
    );
    // The start-up output is JSON too: a line per route after the first.
    for _ in 0..3 {
        let line = s.stdout_line();
        let route: serde_json::Value =
            serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
        assert_eq!(route["msg"], "route", "{line}");
        assert!(route["path"].as_str().unwrap().starts_with('/'), "{line}");
    }
    assert_eq!(get(&s, "/defer-fails").body, "ok");
    assert_eq!(get(&s, "/hi/ann").body, "ok");
    assert_eq!(get(&s, "/boom").status, 500);
    assert_eq!(get(&s, "/nowhere").status, 404);
    let log = wait_for(&s, "\"path\":\"/nowhere\"");
    let lines: Vec<serde_json::Value> = log
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    let find = |msg: &str| {
        lines
            .iter()
            .find(|l| l["msg"] == msg)
            .unwrap_or_else(|| panic!("no {msg:?} in {log}"))
    };
    let hello = find("hello ann");
    assert_eq!(hello["route"], "GET /hi/:who");
    assert_eq!(hello["level"], "info");
    let id = hello["request_id"].as_str().unwrap().to_string();
    assert_eq!(find("two\nlines")["request_id"], id.as_str());
    assert!(hello["time"].as_str().unwrap().ends_with('Z'));
    let access: Vec<_> = lines.iter().filter(|l| l["msg"] == "access").collect();
    assert_eq!(access.len(), 4, "{log}");
    assert_eq!(access[1]["path"], "/hi/ann");
    // Numbers are numbers.
    assert_eq!(access[1]["status"], 200);
    assert_eq!(access[1]["request_id"], id.as_str());
    assert_eq!(access[2]["status"], 500);
    assert_eq!(access[3]["status"], 404);
    assert!(access[1]["duration_ms"].as_f64().is_some(), "{log}");
    let error = lines
        .iter()
        .find(|l| l["level"] == "error" && l["msg"].as_str().unwrap().contains("l.js:2:"))
        .expect("the script error is logged");
    // A script error names its route and request.
    assert_eq!(error["route"], "GET /boom", "{error}");
    assert!(error["request_id"].as_str().is_some(), "{error}");
    // A failed defer() function is an error, not information.
    let deferred = lines
        .iter()
        .find(|l| {
            l["msg"]
                .as_str()
                .unwrap()
                .starts_with("a deferred function failed")
        })
        .expect("the deferred failure is logged");
    assert_eq!(deferred["level"], "error", "{deferred}");
}

#[test]
fn text_logs_tag_script_lines_and_have_no_access_log_by_default() {
    let s = start_in(&[("l.js", ROUTES)], &[]);
    assert_eq!(get(&s, "/hi/bo").body, "ok");
    let log = wait_for(&s, "hello bo");
    assert!(
        log.contains("kitwork: [GET /hi/:who #0-1] hello bo\n"),
        "{log}"
    );
    assert!(!log.contains("access"), "{log}");
}
