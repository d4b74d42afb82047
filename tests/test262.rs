//! test262's in-scope `language/` tests (tests/test262/SCOPE.md) run by the
//! real `kitwork run` with the suite's own harness files, checked against
//! tests/test262-expected-failures.txt: a test that fails and is not
//! listed is a regression and fails this test; a listed test that passes
//! fails it too, so the list stays honest and only shrinks.
//! `scripts/test262.py` runs the built-ins as well and rewrites the list.

use fancy_regex::Regex;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The suite, unpacked once into the target folder.
fn suite() -> PathBuf {
    let dest = Path::new(env!("CARGO_TARGET_TMPDIR")).join("test262");
    if dest.join("test").join("language").is_dir() {
        return dest;
    }
    let archive =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/test262/test262-be13516f.tar.xz");
    let packed = std::fs::read(&archive).expect("tests/test262 holds the archive");
    let mut tar = Vec::new();
    lzma_rs::xz_decompress(&mut packed.as_slice(), &mut tar).expect("the archive is xz");
    let staging = dest.with_extension("partial");
    let _ = std::fs::remove_dir_all(&staging);
    tar::Archive::new(tar.as_slice())
        .unpack(&staging)
        .expect("the archive unpacks");
    let _ = std::fs::remove_dir_all(&dest);
    std::fs::rename(&staging, &dest).expect("the unpacked suite moves into place");
    dest
}

/// `scope.json`, compiled.
struct Scope {
    include: Vec<String>,
    exclude: Vec<String>,
    exclude_flags: Vec<String>,
    features: BTreeSet<String>,
    includes: BTreeSet<String>,
    patterns: Vec<Regex>,
}

fn strings(v: &serde_json::Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// `scope.json`'s classic scope and its `modules` entry (the module tests:
/// their own folders, flags and features; the same includes and patterns).
fn scopes() -> (Scope, Scope) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/test262/scope.json");
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let patterns = || {
        v["source_patterns"]
            .as_object()
            .unwrap()
            .values()
            .map(|p| Regex::new(p.as_str().unwrap()).expect("a scope pattern compiles"))
            .collect()
    };
    let classic = Scope {
        include: strings(&v["include_dirs"]),
        exclude: strings(&v["exclude_dirs"]),
        exclude_flags: strings(&v["exclude_flags"]),
        features: strings(&v["allowed_features"]).into_iter().collect(),
        includes: strings(&v["allowed_includes"]).into_iter().collect(),
        patterns: patterns(),
    };
    let m = &v["modules"];
    let modules = Scope {
        include: strings(&m["include_dirs"]),
        exclude: strings(&m["exclude_dirs"]),
        exclude_flags: strings(&m["exclude_flags"]),
        features: strings(&m["allowed_features"]).into_iter().collect(),
        includes: classic.includes.clone(),
        patterns: patterns(),
    };
    (classic, modules)
}

/// The frontmatter between `/*---` and `---*/`.
fn frontmatter(text: &str) -> &str {
    let Some(start) = text.find("/*---") else {
        return "";
    };
    let rest = &text[start + 5..];
    rest.find("---*/").map_or("", |end| &rest[..end])
}

/// A list field of the frontmatter (`key: [a, b]` or `key:` then `- a` lines).
fn listed(meta: &str, key: &str) -> Vec<String> {
    let mut lines = meta.lines();
    while let Some(line) = lines.next() {
        let t = line.trim_start();
        let Some(rest) = t.strip_prefix(key).and_then(|r| r.strip_prefix(':')) else {
            continue;
        };
        let rest = rest.trim();
        if let Some(inline) = rest.strip_prefix('[') {
            let mut body = inline.to_string();
            while !body.contains(']') {
                match lines.next() {
                    Some(l) => body.push_str(l),
                    None => break,
                }
            }
            let body = body.split(']').next().unwrap_or("");
            return body
                .split(',')
                .map(|x| x.trim().to_string())
                .filter(|x| !x.is_empty())
                .collect();
        }
        if rest.is_empty() {
            return lines
                .map(str::trim)
                .take_while(|l| l.starts_with('-'))
                .map(|l| l[1..].trim().to_string())
                .collect();
        }
    }
    Vec::new()
}

/// Whether a test is in scope, and whether it is a module test (run in
/// place, beside the fixtures it imports).
fn in_scope(rel: &str, text: &str, meta: &str, classic: &Scope, modules: &Scope) -> Option<bool> {
    let under = |dirs: &[String]| dirs.iter().any(|d| rel.starts_with(&format!("{d}/")));
    let module = under(&modules.include)
        || listed(meta, "flags").iter().any(|f| f == "module")
            && under(&classic.include)
            && !under(&classic.exclude);
    let s = if module { modules } else { classic };
    let inside = if module {
        !under(&modules.exclude)
    } else {
        under(&classic.include) && !under(&classic.exclude)
    };
    (inside && in_scope_by(rel, text, meta, s)).then_some(module)
}

fn in_scope_by(rel: &str, text: &str, meta: &str, s: &Scope) -> bool {
    !rel.contains("_FIXTURE")
        && !listed(meta, "flags")
            .iter()
            .any(|f| s.exclude_flags.contains(f))
        && listed(meta, "features")
            .iter()
            .all(|f| s.features.contains(f))
        && listed(meta, "includes")
            .iter()
            .all(|i| s.includes.contains(i))
        && !s.patterns.iter().any(|p| p.is_match(text).unwrap_or(false))
}

/// The lock of a folder of module tests (see `run`).
fn folder_lock(folder: &Path) -> std::sync::Arc<Mutex<()>> {
    static LOCKS: std::sync::LazyLock<
        Mutex<std::collections::HashMap<PathBuf, std::sync::Arc<Mutex<()>>>>,
    > = std::sync::LazyLock::new(Default::default);
    let mut locks = LOCKS.lock().unwrap_or_else(|e| e.into_inner());
    locks.entry(folder.to_path_buf()).or_default().clone()
}

/// Runs one test; true when it passes. A module test runs in place: its
/// file is rewritten with the harness before it and put back after.
fn run(kitwork: &Path, root: &Path, rel: &str, text: &str, work: &Path, module: bool) -> bool {
    let meta = frontmatter(text);
    let flags = listed(meta, "flags");
    let is_async = flags.iter().any(|f| f == "async");
    let mut src = String::new();
    if !flags.iter().any(|f| f == "raw") {
        src.push_str("\"use strict\";\n");
        if is_async {
            // The host's `print`, which doneprintHandle.js reports through.
            src.push_str("function print(message) { console.log(message); }\n");
        }
        let mut names = vec!["assert.js".to_string(), "sta.js".to_string()];
        if is_async {
            names.push("doneprintHandle.js".into());
        }
        names.extend(listed(meta, "includes"));
        for n in names {
            src.push_str(&std::fs::read_to_string(root.join("harness").join(&n)).unwrap());
            src.push('\n');
        }
        if is_async {
            // A host runs the harness as a script, whose functions are the
            // global object's (asyncHelpers.js looks for `$DONE` there); a
            // Kitwork file's top-level functions are its own.
            src.push_str("globalThis.$DONE = $DONE;\n");
        }
    }
    src.push_str(text);
    if flags.iter().any(|f| f == "module") {
        // A module by its content, as Kitwork decides the goal (an empty
        // `export {}` exports nothing).
        src.push_str("\nexport {};\n");
    }
    let file = if module {
        root.join("test").join(rel)
    } else {
        work.join(rel.replace('/', "__"))
    };
    // A module test may import another test of its folder by name, which
    // must be as the suite has it: one module test of a folder at a time
    // is rewritten (running two at once made the outcome a race).
    let folder = module.then(|| folder_lock(file.parent().unwrap_or(root)));
    let _running = folder
        .as_ref()
        .map(|l| l.lock().unwrap_or_else(|e| e.into_inner()));
    std::fs::write(&file, src).unwrap();
    let mut child = Command::new(kitwork)
        .args([
            "run",
            "--budget",
            "200000000",
            "--unhandled-rejections",
            "warn",
        ])
        .arg(&file)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("kitwork runs");
    // Bounded: a test that hangs fails.
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break Some(s);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let out = child.wait_with_output().unwrap();
    if module {
        std::fs::write(&file, text).unwrap();
    } else {
        let _ = std::fs::remove_file(&file);
    }
    let Some(status) = status else { return false };
    let code = status.code();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    if let Some(neg) = meta.find("negative:") {
        let block = &meta[neg..];
        let phase = block
            .split("phase:")
            .nth(1)
            .and_then(|r| r.split_whitespace().next());
        let kind = block
            .split("type:")
            .nth(1)
            .and_then(|r| r.split_whitespace().next());
        return match (phase, kind) {
            // Resolution: an import that names no binding, a load error.
            (Some("parse" | "early" | "resolution"), _) => code == Some(2),
            (_, Some(kind)) => code == Some(1) && stderr.contains(kind),
            _ => false,
        };
    }
    if is_async {
        return code == Some(0) && stdout.contains("Test262:AsyncTestComplete");
    }
    code == Some(0)
}

#[test]
fn test262_language() {
    let started = Instant::now();
    let root = suite();
    println!("test262: unpacked in {:?}", started.elapsed());
    let (classic, modules) = scopes();
    let expected_path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/test262-expected-failures.txt");
    let expected: BTreeSet<String> = std::fs::read_to_string(expected_path)
        .unwrap()
        .lines()
        .filter_map(|l| l.split('#').next().map(|p| p.trim().to_string()))
        .filter(|p| p.starts_with("language/"))
        .collect();
    let base = root.join("test");
    let mut tests = Vec::new();
    let mut dirs = vec![base.join("language")];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| x == "js") {
                let rel = p
                    .strip_prefix(&base)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                let text = std::fs::read_to_string(&p).unwrap_or_default();
                if let Some(module) = in_scope(&rel, &text, frontmatter(&text), &classic, &modules)
                {
                    tests.push((rel, text, module));
                }
            }
        }
    }
    tests.sort();
    println!(
        "test262: {} in scope, listed in {:?}",
        tests.len(),
        started.elapsed()
    );
    assert!(
        tests.len() > 19_000,
        "the in-scope language/ tests: {}",
        tests.len()
    );
    let work = root.join("run");
    std::fs::create_dir_all(&work).unwrap();
    let kitwork = PathBuf::from(env!("CARGO_BIN_EXE_kitwork"));
    let next = Mutex::new(0usize);
    let failing = Mutex::new(BTreeSet::new());
    let threads = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .max(2);
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                loop {
                    let i = {
                        let mut n = next.lock().unwrap();
                        *n += 1;
                        *n - 1
                    };
                    let Some((rel, text, module)) = tests.get(i) else {
                        break;
                    };
                    if !run(&kitwork, &root, rel, text, &work, *module) {
                        failing.lock().unwrap().insert(rel.clone());
                    }
                }
            });
        }
    });
    let failing = failing.into_inner().unwrap();
    let passed = tests.len() - failing.len();
    println!(
        "test262 language/: {passed} of {} pass ({:.1}%)",
        tests.len(),
        100.0 * passed as f64 / tests.len() as f64
    );
    let new: Vec<_> = failing.difference(&expected).collect();
    let fixed: Vec<_> = expected.difference(&failing).collect();
    for t in &new {
        println!("  new failure: {t}");
    }
    for t in &fixed {
        println!("  passes but is listed as failing: {t}");
    }
    assert!(
        new.is_empty() && fixed.is_empty(),
        "{} new failures, {} listed tests that pass (scripts/test262.py --write rewrites the list)",
        new.len(),
        fixed.len()
    );
}
