//! `kitwork check`, `disasm` and `routes`: what a script or a work folder
//! compiles to, without serving it.

use super::{Outcome, compile, js_files};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Compiles every file of `paths` (folders: their `.js` files), then
/// declares their routes as `serve` would; prints every diagnostic.
pub fn check(paths: &[PathBuf]) -> Outcome {
    let mut files = Vec::new();
    for p in paths {
        if !p.exists() {
            eprintln!("error: {} does not exist", p.display());
            return Err(ExitCode::from(2));
        }
        js_files(p, &mut files);
    }
    let mut failed = 0;
    for f in &files {
        if compile(f).is_err() {
            failed += 1;
        }
    }
    if failed > 0 {
        eprintln!("{failed} of {} file(s) failed to compile", files.len());
        return Err(ExitCode::from(2));
    }
    // What `serve` does next: run each top level to declare its
    // routes (a path without `/`, a method, a route twice…).
    if let Err(e) = kitwork::gateway::load_files(&files) {
        eprint!("{e}");
        eprintln!(
            "the routes of {} file(s) could not be declared",
            files.len()
        );
        return Err(ExitCode::from(2));
    }
    eprintln!("{} file(s) ok", files.len());
    Ok(())
}

/// Prints the bytecode of every function of `file`.
pub fn disasm(file: &Path) -> Outcome {
    compile(file).map(|p| print!("{}", p.disassemble()))
}

/// Lists the routes the work folder `dir` declares.
pub fn routes(dir: &Path) -> Outcome {
    match kitwork::gateway::load(dir) {
        Ok(g) => {
            print!("{}", kitwork::gateway::describe_routes(&g));
            Ok(())
        }
        Err(e) => {
            eprint!("{e}");
            Err(ExitCode::from(2))
        }
    }
}
