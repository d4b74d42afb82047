//! CORS as a real browser enforces it: headless Chromium (Debian's)
//! loads a page from one origin (`http://127.0.0.1:port`) whose script
//! fetches from another (`http://localhost:port`, the same server): a
//! `PUT` with credentials and custom headers passes its preflight and
//! reads the exposed header but not the other; a route without `.cors()`
//! and a method the policy does not allow are blocked by the browser.

#[path = "support/server.rs"]
mod server;
#[path = "support/tools.rs"]
mod tools;

use server::*;

const APP: &str = r#"
work("Page").get("/page", () => html(`<!doctype html><html><body><p id="out">waiting</p><script>
const api = location.protocol + "//localhost:" + location.port;
const out = [];
(async () => {
  try {
    const r = await fetch(api + "/api/data", { method: "PUT", credentials: "include",
      headers: { "X-Token": "secret", "Content-Type": "application/json" }, body: JSON.stringify({ a: 1 }) });
    out.push("put " + r.status + " " + (await r.text()) + " exposed=" + r.headers.get("X-Exposed") + " hidden=" + r.headers.get("X-Hidden"));
  } catch (e) { out.push("put blocked " + e.name); }
  try {
    const r = await fetch(api + "/private/data");
    out.push("private " + r.status);
  } catch (e) { out.push("private blocked " + e.name); }
  try {
    const r = await fetch(api + "/api/data", { method: "DELETE" });
    out.push("delete " + r.status);
  } catch (e) { out.push("delete blocked " + e.name); }
  document.getElementById("out").textContent = "DONE " + out.join(" | ");
})();
</script></body></html>`));
work("Api")
  .cors({ origins: ["http://127.0.0.1:*"], methods: ["GET", "PUT"], headers: ["X-Token", "Content-Type"], expose: ["X-Exposed"], credentials: true, maxAge: 60 })
  .put("/api/data", (req) => { header("X-Exposed", "yes"); header("X-Hidden", "no"); return { got: payload().a, token: header("x-token") }; })
  .delete("/api/data", () => ({ deleted: true }));
work("Private").get("/private/data", () => ({ secret: 1 }));
"#;

#[test]
fn a_browser_accepts_what_cors_allows_and_blocks_the_rest() {
    if !tools::have(
        "chromium",
        "a_browser_accepts_what_cors_allows_and_blocks_the_rest",
    ) {
        return;
    }
    let s = start_in(&[("work/app.js", APP)], &["--cores", "1"]);
    let out = std::process::Command::new("timeout")
        .args([
            "120",
            "chromium",
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
        ])
        .arg(format!(
            "--user-data-dir={}",
            s.dir.join("profile").display()
        ))
        .args(["--virtual-time-budget=10000", "--dump-dom"])
        .arg(format!("http://{}/page", s.addr))
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&out.stdout);
    let shown = dom
        .split("<p id=\"out\">")
        .nth(1)
        .and_then(|p| p.split('<').next())
        .unwrap_or_default();
    assert_eq!(
        shown,
        "DONE put 200 {\"got\":1,\"token\":\"secret\"} exposed=yes hidden=null | private blocked TypeError | delete blocked TypeError",
        "{dom}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
