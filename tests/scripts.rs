//! Runs every `tests/scripts/**/*.js` and checks it against the expectations
//! written in its comments:
//!
//! - `// expect: TEXT` — the next line `console.log` prints (in order);
//! - `// expect error: LINE:COL: MESSAGE` — a compile diagnostic (in order);
//! - `// expect runtime error: TEXT` — the uncaught error's first line is `Uncaught TEXT`;
//! - `// budget: N`, `// memory: BYTES` — limits for the run;
//! - `// seed: N` — seeds `Math.random` so its sequence is reproducible.
//!
//! Scripts under `tests/scripts/db/` are the database suite: each runs on a
//! fresh SQLite database, and again on a fresh PostgreSQL schema when
//! `KITWORK_TEST_PG` holds a connection URL. `__ID__` in them becomes the
//! backend's auto-increment key column type, and `// expect sqlite: TEXT`
//! / `// expect postgres: TEXT` lines apply to that backend only (the
//! databases word their errors differently).
//!
//! All failures are printed with a diff before the test fails.

#[path = "support/captured.rs"]
mod captured;
#[path = "support/pg.rs"]
mod pg;

use captured::Captured;
use kitwork::vm::{Limits, Vm};
use std::path::{Path, PathBuf};

#[derive(Default)]
struct Expect {
    output: Vec<String>,
    errors: Vec<String>,
    runtime_error: Option<String>,
    limits: Limits,
    seed: Option<u64>,
}

/// A database the db suite runs on.
#[derive(Clone, Copy, PartialEq)]
enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }

    /// What `__ID__` stands for.
    fn id_column(self) -> &'static str {
        match self {
            Backend::Sqlite => "INTEGER PRIMARY KEY AUTOINCREMENT",
            Backend::Postgres => "SERIAL PRIMARY KEY",
        }
    }
}

fn expectations(src: &str, backend: Option<Backend>) -> Expect {
    let mut e = Expect::default();
    let mine = backend.map(|b| format!("expect {}: ", b.name()));
    for line in src.lines() {
        let Some(i) = line.find("// ") else { continue };
        let c = &line[i + 3..];
        if let Some(x) = mine.as_deref().and_then(|m| c.strip_prefix(m)) {
            e.output.push(x.to_string());
        } else if let Some(x) = c.strip_prefix("expect: ") {
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

/// Runs one script, on `db` when given; returns a description of what
/// went wrong, if anything.
/// How a script runs: as a request would, or with the collector looking at
/// the heap every few instructions and collecting at every chance, which
/// makes any value the VM loses track of show up as a wrong result or as
/// the heap's use-after-collection assertion.
#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Plain,
    Collecting,
}

/// Instructions between two collections in `Mode::Collecting`.
const COLLECT_EVERY: u64 = 5;

fn check(path: &Path, db: Option<(Backend, &str)>, mode: Mode) -> Option<String> {
    let mut src = std::fs::read_to_string(path).unwrap();
    if let Some((backend, _)) = db {
        src = src.replace("__ID__", backend.id_column());
    }
    let expect = expectations(&src, db.map(|d| d.0));
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
    if mode == Mode::Collecting {
        vm.enable_collector(COLLECT_EVERY);
        vm.heap.collect_every(1);
    }
    if let Some(seed) = expect.seed {
        vm.seed_random(seed);
    }
    let out = Captured::default();
    vm.out = Box::new(out.clone());
    let mut setup = kitwork::runtime::Setup::new();
    if let Some((_, url)) = db {
        setup = setup.with_database(kitwork::runtime::db::Shared::from_url(url));
    }
    let result = kitwork::run_with(&mut vm, &program, &setup);
    let text = out.text();
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

/// Runs `files` (on `db` when given, each in a thread of its own so a
/// crash names the script); returns the failures and how many ran.
fn run_all(
    files: &[PathBuf],
    db: Option<&dyn Fn(usize) -> (Backend, String)>,
    mode: Mode,
) -> (Vec<String>, usize) {
    let filter = std::env::var("SCRIPT").unwrap_or_default();
    let mut failures = Vec::new();
    let mut ran = 0;
    for f in files
        .iter()
        .filter(|f| f.display().to_string().contains(&filter))
    {
        let target = db.map(|make| make(ran));
        ran += 1;
        // Default 2 MiB stack: deep nesting must not need more.
        let path = f.clone();
        let r = std::thread::Builder::new()
            .spawn(move || check(&path, target.as_ref().map(|(b, u)| (*b, u.as_str())), mode))
            .unwrap()
            .join();
        let label = match db.map(|make| make(ran - 1).0) {
            Some(b) => format!("{} [{}]", f.display(), b.name()),
            None => f.display().to_string(),
        };
        match r {
            Ok(None) => {}
            Ok(Some(p)) => failures.push(format!("{label}\n{p}")),
            Err(_) => failures.push(format!("{label}\n  panicked")),
        }
    }
    (failures, ran)
}

/// Prints the failures and the count; fails on any failure, and when no
/// script ran, unless a `SCRIPT=` filter picked files of another suite
/// only (then this one says it skipped): a filter that matches no script
/// at all, or an empty suite, checked nothing and is not a pass.
fn report(what: &str, failures: &[String], ran: usize) {
    if ran == 0 {
        let filter = std::env::var("SCRIPT").unwrap_or_default();
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scripts");
        let mut all = Vec::new();
        collect(&root, &mut all);
        let elsewhere = !filter.is_empty()
            && all
                .iter()
                .any(|f| f.display().to_string().contains(&filter));
        assert!(
            elsewhere,
            "{what}: no script ran (SCRIPT={filter:?} matches no file under tests/scripts)"
        );
        // Written past the harness's capture, so the skip shows.
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED {what}: SCRIPT={filter:?} picks none of its files"
        );
        return;
    }
    for f in failures {
        eprintln!("FAIL {f}");
    }
    eprintln!(
        "{ran} {what}: {} passed, {} failed",
        ran - failures.len(),
        failures.len()
    );
    assert!(failures.is_empty(), "{} script(s) failed", failures.len());
}

/// Runs every script outside `db/` in `mode`.
fn run_scripts(what: &str, mode: Mode) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scripts");
    let mut files = Vec::new();
    collect(&root, &mut files);
    files.retain(|f| !f.starts_with(root.join("db")));
    let (failures, ran) = run_all(&files, None, mode);
    report(what, &failures, ran);
}

#[test]
fn scripts() {
    run_scripts("scripts", Mode::Plain);
}

/// Every script again, collecting every few instructions: the output must
/// not change.
#[test]
fn scripts_collecting() {
    run_scripts("scripts, collecting", Mode::Collecting);
}

/// The database suite on SQLite: a fresh in-memory database per script.
#[test]
fn db_scripts_sqlite() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scripts/db");
    let mut files = Vec::new();
    collect(&root, &mut files);
    let (failures, ran) = run_all(
        &files,
        Some(&|_| (Backend::Sqlite, "sqlite::memory:".to_string())),
        Mode::Collecting,
    );
    report("db scripts on SQLite", &failures, ran);
}

/// The same suite on PostgreSQL (`KITWORK_TEST_PG`): a fresh schema per script.
#[test]
fn db_scripts_postgres() {
    let Some(base) = pg::url_or_skip("db scripts on PostgreSQL") else {
        return;
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scripts/db");
    let mut files = Vec::new();
    collect(&root, &mut files);
    let schemas: Vec<pg::Schema> = (0..files.len())
        .map(|i| pg::Schema::new(&base, &format!("kw_test_{}_{i}", std::process::id())))
        .collect();
    let url = |i: usize| (Backend::Postgres, schemas[i].url());
    let (failures, ran) = run_all(&files, Some(&url), Mode::Plain);
    drop(schemas);
    report("db scripts on PostgreSQL", &failures, ran);
}
