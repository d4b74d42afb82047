//! Logs on the real binary: with `log_format = "json"` every stderr line
//! is one JSON object; script `log()` lines carry the route and the
//! request id; the access log (off by default) has one line per request.

#[path = "support/server.rs"]
mod server;

use server::*;

const ROUTES: &str = r#"work("L").get("/hi/:who", () => { log("hello", params("who")); console.log("two\nlines"); return "ok"; })
  .get("/boom", () => null.x);"#;

fn wait_for(s: &Server, needle: &str) -> String {
    wait_until(|| s.log().contains(needle));
    s.log()
}

#[test]
fn json_logs_are_one_object_per_line_with_route_and_request_id() {
    let s = start_in(
        &[
            ("kitwork.toml", "log_format = \"json\"\naccess_log = true\n"),
            ("l.js", ROUTES),
        ],
        &[],
    );
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
    assert_eq!(access.len(), 3, "{log}");
    assert_eq!(access[0]["path"], "/hi/ann");
    assert_eq!(access[0]["status"], "200");
    assert_eq!(access[0]["request_id"], id.as_str());
    assert_eq!(access[1]["status"], "500");
    assert_eq!(access[2]["status"], "404");
    assert!(
        access[0]["duration_ms"]
            .as_str()
            .unwrap()
            .parse::<f64>()
            .is_ok()
    );
    let error = lines
        .iter()
        .find(|l| l["level"] == "error")
        .expect("the script error is logged");
    assert!(
        error["msg"].as_str().unwrap().contains("l.js:2:"),
        "{error}"
    );
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
