//! `kitwork check`, `disasm` and `routes`: what a script or a work folder
//! compiles to, without serving it.

use super::{Outcome, compile, js_files, load_graph, project_root};
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
    // routes (a path without `/`, a method, a route twice…), after
    // following every import (a missing file or export).
    let root = files
        .first()
        .map_or_else(|| PathBuf::from("."), |f| project_root(f));
    let settings = configured_upstreams()?;
    match kitwork::gateway::load_files_with(&root, &files, &settings) {
        Ok(g) => {
            let imported = g.graph.modules.len().saturating_sub(files.len());
            eprintln!("{} file(s) ok, {imported} imported module(s)", files.len());
            Ok(())
        }
        Err(e) => {
            eprint!("{e}");
            eprintln!("the modules of {} file(s) could not be loaded", files.len());
            Err(ExitCode::from(2))
        }
    }
}

/// Prints the bytecode of every function of `file`, then of every
/// module it imports, also with `import()` (each under a `// module`
/// header).
pub fn disasm(file: &Path) -> Outcome {
    let program = compile(file)?;
    if program.module.is_none() && !program.calls_import() {
        print!("{}", program.disassemble());
        return Ok(());
    }
    let graph = load_graph(file)?;
    for &e in &graph.entries {
        print!("{}", graph.modules[e].program.disassemble());
    }
    for (i, m) in graph.modules.iter().enumerate() {
        if !graph.entries.contains(&i) {
            println!("\n// module {}", m.program.source.name);
            print!("{}", m.program.disassemble());
        }
    }
    Ok(())
}

/// The upstream pools ./kitwork.toml declares (none without one), which
/// scripts may proxy to by name.
fn configured_upstreams() -> Result<kitwork::gateway::Settings, ExitCode> {
    let config = super::load_config(None, kitwork::config::Overrides::default())?;
    let upstreams =
        kitwork::gateway::upstream_config::upstreams(&config.upstreams).map_err(|e| {
            eprintln!("error: invalid configuration: {e}");
            ExitCode::from(2)
        })?;
    Ok(kitwork::gateway::Settings {
        upstreams,
        ..Default::default()
    })
}

/// Lists the routes the work folder `dir` declares.
pub fn routes(dir: &Path) -> Outcome {
    let settings = configured_upstreams()?;
    match kitwork::gateway::load_with(dir, &settings) {
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
