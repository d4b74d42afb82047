//! The subcommands, one function each; what several share (reading and
//! compiling a file, loading the configuration) is here.

mod admin_client;
mod check;
pub(crate) mod deploy;
mod init;
mod migrate;
mod reload;
mod run;
mod serve;
mod test;

pub use check::{check, disasm, routes};
pub use deploy::{deploy, status};
pub use init::init;
pub use migrate::migrate;
pub use reload::reload;
pub use run::{Stores, Unhandled, run};
pub use serve::serve;
pub use test::test;

use kitwork::config::{Config, Overrides};
use kitwork::lang::diag::render_all;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// What a subcommand ends with: `Err` carries the exit code (1 a failure
/// at run time, 2 bad input: a compile error, bad usage or configuration).
pub type Outcome = Result<(), ExitCode>;

/// `kitwork.toml` (or `path`) with `overrides` on top; a bad one is exit 2.
fn load_config(path: Option<&Path>, overrides: Overrides) -> Result<Config, ExitCode> {
    Config::load(path, overrides).map_err(|e| {
        eprintln!("error: invalid configuration: {e}");
        ExitCode::from(2)
    })
}

pub(crate) fn read(path: &Path) -> Result<String, ExitCode> {
    std::fs::read_to_string(path).map_err(|e| {
        eprintln!("error: cannot read {}: {e}", path.display());
        ExitCode::from(2)
    })
}

pub(crate) fn compile(path: &Path) -> Result<kitwork::lang::Program, ExitCode> {
    let text = read(path)?;
    kitwork::compile_file(&path.display().to_string(), &text).map_err(|(src, diags)| {
        eprint!("{}", render_all(&diags, &src));
        ExitCode::from(2)
    })
}

/// `file` and every module it imports, compiled and linked; the project
/// is the working directory when `file` is inside it, else its folder.
pub(crate) fn load_graph(file: &Path) -> Result<kitwork::lang::link::LinkedGraph, ExitCode> {
    let root = project_root(file);
    kitwork::modules::graph::load(&root, &[file.to_path_buf()])
        .map(|l| l.graph)
        .map_err(|e| {
            eprint!("{e}");
            ExitCode::from(2)
        })
}

/// The folder a file's bare imports (`node_modules`) and relative ones are
/// bounded by: the working directory when the file is inside it, else the
/// file's own folder.
pub(crate) fn project_root(file: &Path) -> PathBuf {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let abs = std::path::absolute(file).unwrap_or_else(|_| file.to_path_buf());
    if abs.starts_with(&cwd) {
        cwd
    } else {
        abs.parent().map(Path::to_path_buf).unwrap_or(cwd)
    }
}

pub(crate) fn js_files(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        let mut entries: Vec<_> = std::fs::read_dir(path)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .collect();
        entries.sort();
        for p in entries {
            js_files(&p, out);
        }
    } else if path.extension().is_some_and(|e| e == "js") || path.is_file() {
        out.push(path.to_path_buf());
    }
}
