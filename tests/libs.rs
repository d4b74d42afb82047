//! Popular npm packages, unmodified, run by the real `kitwork run`, twice:
//! each entry of `tests/libs/entries/` as it is, importing its package from
//! `tests/libs/node_modules` through Kitwork's module loader (installed by
//! `scripts/npm-fixtures.sh` with npm, at the versions the lock file pins),
//! and as `tests/libs/bundles/NAME.js` (the entry bundled with its package
//! by esbuild as a classic script; `build.sh` remakes them). Both must print
//! what node printed for it (`tests/libs/expected/NAME.txt`). A library that
//! does not is either listed in `tests/libs/expected-failures.txt` with its
//! reason or fails this test; a listed one that matches fails it too, so
//! the list only shrinks.

#[path = "support/npm.rs"]
mod npm;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn libs() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/libs")
}

/// `name  # reason` lines.
fn expected_failures() -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(libs().join("expected-failures.txt"))
        .expect("tests/libs/expected-failures.txt exists");
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with("//"))
        .map(|l| match l.split_once('#') {
            Some((name, why)) => (name.trim().to_string(), why.trim().to_string()),
            None => (l.trim().to_string(), String::new()),
        })
        .collect()
}

/// Runs one script in `tests/libs`: whether it printed what node did, and
/// what went wrong.
fn run(script: &Path, expected: &str) -> Result<(), String> {
    let out = Command::new(env!("CARGO_BIN_EXE_kitwork"))
        .current_dir(libs())
        .args(["run", "--budget", "2000000000"])
        .arg(script)
        .output()
        .expect("kitwork runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    if out.status.success() && stdout == expected {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    let said: Vec<&str> = stderr
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .take(2)
        .collect();
    if said.is_empty() {
        Err(format!("printed {stdout:?}, node printed {expected:?}"))
    } else {
        Err(said.join(" "))
    }
}

#[test]
fn npm_libraries_match_node_bundled() {
    check_all("bundles");
}

#[test]
fn npm_libraries_match_node_imported_from_node_modules() {
    if !npm::installed_or_skip("npm libraries imported from node_modules") {
        return;
    }
    check_all("entries");
}

/// Runs every script of `tests/libs/DIR` against node's output.
fn check_all(dir: &str) {
    let listed = expected_failures();
    let mut names: Vec<String> = std::fs::read_dir(libs().join(dir))
        .unwrap_or_else(|_| panic!("tests/libs/{dir} exists"))
        .filter_map(|e| {
            let p = e.ok()?.path();
            let stem = p.file_stem()?.to_str()?.to_string();
            (p.extension()? == "js").then_some(stem)
        })
        .collect();
    names.sort();
    assert!(!names.is_empty(), "no scripts in tests/libs/{dir}");
    let (mut passed, mut regressions, mut fixed) = (Vec::new(), Vec::new(), Vec::new());
    for name in &names {
        let bundle = libs().join(dir).join(format!("{name}.js"));
        let expected = std::fs::read_to_string(libs().join("expected").join(format!("{name}.txt")))
            .unwrap_or_else(|_| panic!("tests/libs/expected/{name}.txt exists"));
        match (run(&bundle, &expected), listed.contains_key(name)) {
            (Ok(()), false) => passed.push(name.clone()),
            (Ok(()), true) => fixed.push(name.clone()),
            (Err(why), false) => regressions.push(format!("{name}: {why}")),
            (Err(_), true) => {}
        }
    }
    eprintln!(
        "{dir}: {} of {} npm libraries print what node prints: {}",
        passed.len() + fixed.len(),
        names.len(),
        passed.join(", ")
    );
    for unknown in listed.keys().filter(|k| !names.contains(k)) {
        panic!("tests/libs/expected-failures.txt lists {unknown}, which has no bundle");
    }
    assert!(
        regressions.is_empty() && fixed.is_empty(),
        "libraries failing and not listed in tests/libs/expected-failures.txt:\n  {}\n\
         listed but now passing (take them off the list):\n  {}",
        regressions.join("\n  "),
        fixed.join("\n  ")
    );
}
