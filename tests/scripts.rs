//! Runs every `tests/scripts/**/*.js` and checks it against the expectations
//! written in its comments:
//!
//! - `// expect: TEXT` — the next line `console.log` prints (in order);
//! - `// expect error: LINE:COL: MESSAGE` — a compile diagnostic (in order);
//! - `// expect runtime error: TEXT` — the uncaught error's first line is `Uncaught TEXT`;
//! - `// budget: N`, `// memory: BYTES` — limits for the run;
//! - `// seed: N` — seeds `Math.random` so its sequence is reproducible.
//!
//! All failures are printed with a diff before the test fails.

use kitwork::vm::{Limits, Vm};
use std::cell::RefCell;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::rc::Rc;

#[derive(Clone, Default)]
struct Captured(Rc<RefCell<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[derive(Default)]
struct Expect {
    output: Vec<String>,
    errors: Vec<String>,
    runtime_error: Option<String>,
    limits: Limits,
    seed: Option<u64>,
}

fn expectations(src: &str) -> Expect {
    let mut e = Expect::default();
    for line in src.lines() {
        let Some(i) = line.find("// ") else { continue };
        let c = &line[i + 3..];
        if let Some(x) = c.strip_prefix("expect: ") {
            e.output.push(x.to_string());
        } else if c == "expect:" {
            e.output.push(String::new());
        } else if let Some(x) = c.strip_prefix("expect error: ") {
            e.errors.push(x.to_string());
        } else if let Some(x) = c.strip_prefix("expect runtime error: ") {
            e.runtime_error = Some(x.to_string());
        } else if let Some(x) = c.strip_prefix("budget: ") {
            e.limits.instructions = x.trim().parse().expect("budget is a number");
        } else if let Some(x) = c.strip_prefix("seed: ") {
            e.seed = Some(x.trim().parse().expect("seed is a number"));
        } else if let Some(x) = c.strip_prefix("memory: ") {
            e.limits.memory = x.trim().parse().expect("memory is a number");
        }
    }
    e
}

fn diff(what: &str, expected: &[String], actual: &[String]) -> Option<String> {
    if expected == actual {
        return None;
    }
    let mut out = format!("  {what} differs:\n");
    for i in 0..expected.len().max(actual.len()) {
        let (e, a) = (expected.get(i), actual.get(i));
        if e == a {
            out.push_str(&format!("      {}\n", e.unwrap()));
        } else {
            if let Some(e) = e {
                out.push_str(&format!("    - {e}\n"));
            }
            if let Some(a) = a {
                out.push_str(&format!("    + {a}\n"));
            }
        }
    }
    Some(out)
}

/// Runs one script; returns a description of what went wrong, if anything.
fn check(path: &Path) -> Option<String> {
    let src = std::fs::read_to_string(path).unwrap();
    let expect = expectations(&src);
    let name = path
        .strip_prefix(env!("CARGO_MANIFEST_DIR"))
        .unwrap_or(path)
        .display()
        .to_string();
    let program = match kitwork::compile_file(&name, &src) {
        Ok(p) => p,
        Err((file, diags)) => {
            let actual: Vec<String> = diags.iter().map(|d| d.short(&file)).collect();
            if expect.errors.is_empty() {
                return Some(format!(
                    "  unexpected compile errors:\n{}",
                    kitwork::lang::diag::render_all(&diags, &file)
                ));
            }
            return diff("compile errors", &expect.errors, &actual);
        }
    };
    if !expect.errors.is_empty() {
        return Some(format!(
            "  expected compile errors {:?}, but it compiled",
            expect.errors
        ));
    }
    let mut vm = Vm::new(expect.limits);
    if let Some(seed) = expect.seed {
        vm.seed_random(seed);
    }
    let out = Captured::default();
    vm.out = Box::new(out.clone());
    let result = kitwork::run_to_completion(&mut vm, &program);
    let text = String::from_utf8_lossy(&out.0.borrow()).to_string();
    let actual: Vec<String> = text.lines().map(str::to_string).collect();
    let mut problems = diff("output", &expect.output, &actual).unwrap_or_default();
    match (result, &expect.runtime_error) {
        (Ok(_), None) => {}
        (Ok(_), Some(e)) => problems.push_str(&format!(
            "  expected runtime error `{e}`, but the script finished\n"
        )),
        (Err(u), None) => {
            problems.push_str(&format!("  unexpected runtime error:\n{}\n", u.report))
        }
        (Err(u), Some(e)) => {
            let first = u.report.lines().next().unwrap_or("");
            if first != format!("Uncaught {e}") {
                problems.push_str(&format!(
                    "  runtime error differs:\n    - Uncaught {e}\n    + {first}\n"
                ));
            }
        }
    }
    if problems.is_empty() {
        None
    } else {
        Some(problems)
    }
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            collect(&p, out);
        } else if p.extension().is_some_and(|e| e == "js") {
            out.push(p);
        }
    }
}

#[test]
fn scripts() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scripts");
    let mut files = Vec::new();
    collect(&root, &mut files);
    let filter = std::env::var("SCRIPT").unwrap_or_default();
    let mut failures = Vec::new();
    let mut ran = 0;
    for f in files
        .iter()
        .filter(|f| f.display().to_string().contains(&filter))
    {
        ran += 1;
        // Each script runs on its own thread (default 2 MiB stack: deep
        // nesting must not need more) so a crash names the script.
        let path = f.clone();
        let r = std::thread::Builder::new()
            .spawn(move || check(&path))
            .unwrap()
            .join();
        match r {
            Ok(None) => {}
            Ok(Some(p)) => failures.push(format!("{}\n{p}", f.display())),
            Err(_) => failures.push(format!("{}\n  panicked", f.display())),
        }
    }
    for f in &failures {
        eprintln!("FAIL {f}");
    }
    eprintln!(
        "{} scripts: {} passed, {} failed",
        ran,
        ran - failures.len(),
        failures.len()
    );
    assert!(failures.is_empty(), "{} script(s) failed", failures.len());
    assert!(ran > 0 || !filter.is_empty(), "no scripts found");
}
