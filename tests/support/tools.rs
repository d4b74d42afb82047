//! Command-line clients the tests use for real (curl, openssl, h2load,
//! nghttp, Debian's Python with `websockets`, headless Chromium):
//! when one is missing the test says it did not run, and under `CI=true`
//! (which `.ci/run` sets, after `scripts/web-clients.sh` installed them)
//! it fails instead.
#![allow(dead_code)]

/// Whether `tool` runs here; if not, says that `what` did not run (and
/// fails under CI).
pub fn have(tool: &str, what: &str) -> bool {
    let runs = std::process::Command::new(tool)
        .arg(if tool == "openssl" {
            "version"
        } else {
            "--version"
        })
        .output()
        .is_ok_and(|o| o.status.success());
    if !runs {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{what}: {tool} is not installed, and CI=true requires this test to run (scripts/web-clients.sh installs it)"
        );
        eprintln!(
            "{what}: {tool} is not installed: this test did not run (scripts/web-clients.sh installs it)"
        );
    }
    runs
}

/// Debian's Python, which `scripts/web-clients.sh` gives `websockets`.
pub const PYTHON: &str = "/usr/bin/python3";

/// Whether Debian's Python has `module`; if not, says that `what` did not
/// run (and fails under CI).
pub fn have_python(module: &str, what: &str) -> bool {
    let runs = std::process::Command::new(PYTHON)
        .args(["-c", &format!("import {module}")])
        .output()
        .is_ok_and(|o| o.status.success());
    if !runs {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{what}: {PYTHON} cannot import {module}, and CI=true requires this test to run (scripts/web-clients.sh installs it)"
        );
        eprintln!(
            "{what}: {PYTHON} cannot import {module}: this test did not run (scripts/web-clients.sh installs it)"
        );
    }
    runs
}
