//! `kitwork test [PATH…]`: runs a project's tests. The work folder is
//! served for the run by a `kitwork serve` of its own (this binary, on a
//! free port of 127.0.0.1, one core, on a fresh SQLite database in a
//! temporary folder, with the migrations applied); each test file
//! (`tests/**/*.test.js` unless paths are given) then runs as a module on
//! a VM of its own, importing `test`, `expect`, `get`, `post` and
//! `request` from `kitwork:test` (test_module.js), and its tests run in
//! order. A file whose tests fail, or that fails to load, fails the run.

use super::Outcome;
use kitwork::vm::{Limits, Vm};
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};

/// The `kitwork:test` module, with `__KITWORK_BASE_URL__` to fill in.
const TEST_MODULE: &str = include_str!("test_module.js");

/// The name the runner's own entry module has (no file is written).
const RUNNER: &str = "[kitwork test].js";

/// Runs the tests of `paths` (default: the project's `tests/`) against the
/// work folder `work` (served with `config`, if given).
pub fn test(paths: &[PathBuf], work: &Path, config: Option<&Path>) -> Outcome {
    let root = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let mut files = Vec::new();
    let wanted = if paths.is_empty() {
        vec![root.join("tests")]
    } else {
        paths.to_vec()
    };
    for p in &wanted {
        test_files(p, paths.is_empty(), &mut files);
    }
    files.sort();
    if files.is_empty() {
        eprintln!("error: no test files (tests/**/*.test.js, or the paths given)");
        return Err(ExitCode::from(2));
    }
    let server = Server::start(work, config)?;
    let mut failed = Vec::new();
    let mut passed = 0;
    for file in &files {
        let shown = file
            .strip_prefix(&root)
            .unwrap_or(file)
            .display()
            .to_string();
        match run_file(&root, file, &server.url) {
            Ok(()) => passed += 1,
            Err(why) => {
                // The runner's own "N of M test(s) failed" follows the
                // `not ok` lines; anything else (a load error) is news.
                if !why.contains("test(s) failed") {
                    eprintln!("{why}");
                }
                failed.push(shown);
            }
        }
    }
    drop(server);
    if failed.is_empty() {
        println!("# {passed} test file(s) passed");
        Ok(())
    } else {
        println!(
            "# {} of {} test file(s) failed: {}",
            failed.len(),
            files.len(),
            failed.join(", ")
        );
        Err(ExitCode::from(1))
    }
}

/// The `.test.js` files under `path` (every `.js` file when the path was
/// given by name).
fn test_files(path: &Path, default: bool, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        let Ok(entries) = std::fs::read_dir(path) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.file_name().is_some_and(|n| n == "node_modules") {
                continue;
            }
            if p.is_dir() || p.to_string_lossy().ends_with(".test.js") {
                test_files(&p, default, out);
            }
        }
    } else if path.is_file() {
        out.push(path.to_path_buf());
    } else if !default {
        eprintln!("warning: {} does not exist", path.display());
    }
}

/// Runs one test file to its end; `Err` says why it failed.
fn run_file(root: &Path, file: &Path, url: &str) -> Result<(), String> {
    let abs = std::path::absolute(file).unwrap_or_else(|_| file.to_path_buf());
    let rel = abs.strip_prefix(root).map_err(|_| {
        format!(
            "error: {} is outside the project folder {}",
            file.display(),
            root.display()
        )
    })?;
    let shown = rel.display().to_string();
    let quoted = |s: &str| format!("{s:?}");
    let entry = format!(
        "import {{ run }} from \"kitwork:test\";\nimport {};\nrun({});\n",
        quoted(&format!("./{shown}")),
        quoted(&shown)
    );
    let module = TEST_MODULE.replace("__KITWORK_BASE_URL__", url);
    let virtual_modules = [
        ("kitwork:test".to_string(), module),
        (RUNNER.to_string(), entry),
    ];
    let loaded = kitwork::modules::graph::load_with(root, &[root.join(RUNNER)], &virtual_modules)
        .map_err(|e| e.trim_end().to_string())?;
    let mut vm = Vm::new(Limits {
        memory: 1 << 30,
        ..Limits::default()
    });
    vm.enable_collector(kitwork::vm::collect::COLLECT_EVERY);
    vm.out = Box::new(std::io::LineWriter::new(std::io::stdout()));
    let setup = kitwork::runtime::Setup::new();
    kitwork::runtime::lifecycle::run_graph_to_completion(&mut vm, &loaded.graph, &setup)
        .map(|_| ())
        .map_err(|e| format!("{}", e.report))
}

/// The `kitwork serve` the tests call, ended (by its PID) when dropped.
struct Server {
    child: Child,
    url: String,
    _dir: TempDir,
}

impl Server {
    fn start(work: &Path, config: Option<&Path>) -> Result<Server, ExitCode> {
        let dir = TempDir::new();
        let exe = std::env::current_exe().map_err(|e| {
            eprintln!("error: cannot find the kitwork binary: {e}");
            ExitCode::from(1)
        })?;
        let mut command = Command::new(exe);
        command
            .args(["serve", "--listen", "127.0.0.1:0", "--cores", "1", "--dev"])
            .arg("--work")
            .arg(work)
            .arg("--db")
            .arg(format!("sqlite://{}/test.db", dir.0.display()));
        if let Some(c) = config {
            command.arg("--config").arg(c);
        }
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| {
                eprintln!("error: cannot start kitwork serve: {e}");
                ExitCode::from(1)
            })?;
        let mut first = String::new();
        let stdout = child.stdout.take().expect("piped");
        let _ = std::io::BufReader::new(stdout).read_line(&mut first);
        let url = first
            .split("http://")
            .nth(1)
            .and_then(|s| s.split_whitespace().next())
            .map(|addr| format!("http://{addr}"));
        let Some(url) = url else {
            let _ = child.kill();
            let out = child.wait_with_output().ok();
            let said = out.map(|o| String::from_utf8_lossy(&o.stderr).into_owned());
            eprint!("{}", said.unwrap_or_default());
            eprintln!("error: the work folder could not be served for the tests");
            return Err(ExitCode::from(2));
        };
        // The server's log goes on to stderr for as long as it runs.
        if let Some(err) = child.stderr.take() {
            std::thread::spawn(move || {
                for line in std::io::BufReader::new(err).lines().map_while(Result::ok) {
                    eprintln!("{line}");
                }
            });
        }
        Ok(Server {
            child,
            url,
            _dir: dir,
        })
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A temporary folder, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> TempDir {
        let p = std::env::temp_dir().join(format!("kitwork-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        let _ = std::fs::create_dir_all(&p);
        TempDir(p)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
