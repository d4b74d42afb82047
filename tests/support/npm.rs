//! The npm packages of tests/libs (installed by scripts/npm-fixtures.sh
//! at the versions its lock file pins), for the tests that import them.

use std::path::Path;
use std::process::Command;

/// Installs the packages if they are not yet. When that fails, `what` is
/// reported as skipped (not passed) on stderr and `false` comes back;
/// under `CI=true` (which `.ci/run` sets) the test fails instead.
pub fn installed_or_skip(what: &str) -> bool {
    let out = Command::new(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/npm-fixtures.sh"))
        .output()
        .expect("scripts/npm-fixtures.sh runs");
    if out.status.success() {
        return true;
    }
    let why = String::from_utf8_lossy(&out.stderr);
    assert!(
        std::env::var("CI").is_err(),
        "{what}: the npm packages could not be installed: {why}"
    );
    eprintln!("SKIPPED (not passed) {what}: the npm packages could not be installed: {why}");
    false
}
