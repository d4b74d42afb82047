//! `kitwork run FILE`: one script to its end, `console.log` on stdout.

use super::{Outcome, compile, load_config, load_graph};
use kitwork::config::Overrides;
use kitwork::vm::{Limits, UnhandledRejections, Vm};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// `--unhandled-rejections`: what a promise rejection nothing handled does.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum Unhandled {
    /// The run fails with it, as with an uncaught exception.
    Fail,
    /// A warning is printed and the run goes on.
    Warn,
}

/// A batch script may hold far more at once than one request.
const RUN_MEMORY_DEFAULT: usize = 2 << 30;

/// `--db` and `--kv`: where `db()` and `kv()` go, when not where the
/// folder's kitwork.toml says.
pub struct Stores {
    pub db: Option<String>,
    pub kv: Option<String>,
}

/// Runs `file` with the given budgets, stores and extra CA.
pub fn run(
    file: &Path,
    budget: Option<u64>,
    memory: Option<usize>,
    Stores { db, kv }: Stores,
    ca_file: Option<PathBuf>,
    unhandled: Unhandled,
) -> Outcome {
    // A script runs as it is; a module, or a script with `import()`, with
    // what it imports (which reads and compiles the file again, with the
    // rest of the graph).
    let program = compile(file)?;
    let graph = match program.module.is_some() || program.calls_import() {
        true => Some(load_graph(file)?),
        false => None,
    };
    let mut limits = Limits {
        memory: RUN_MEMORY_DEFAULT,
        ..Limits::default()
    };
    if let Some(b) = budget {
        limits.instructions = b.max(1);
    }
    if let Some(m) = memory {
        limits.memory = m;
    }
    // The folder's kitwork.toml, when there is one, says where the
    // database is (unless --db does) and what `env` holds, as for `serve`.
    let config = match std::path::Path::new("kitwork.toml").exists() {
        true => load_config(None, Overrides::default())?,
        false => kitwork::config::Config::default(),
    };
    let (env, _) = config.script_env().map_err(|e| {
        eprintln!("error: invalid configuration: {e}");
        ExitCode::from(2)
    })?;
    let mut vm = Vm::with_natives(limits, |vm| {
        kitwork::vm::builtins::web::workers::set_env(vm, &env)
    });
    vm.unhandled_rejections = match unhandled {
        Unhandled::Fail => UnhandledRejections::Fail,
        Unhandled::Warn => UnhandledRejections::Warn,
    };
    vm.enable_collector(kitwork::vm::collect::COLLECT_EVERY);
    // Line by line, also into a pipe: a killed run keeps what it printed.
    vm.out = Box::new(std::io::LineWriter::new(std::io::stdout()));
    let mut setup = kitwork::runtime::Setup::new();
    let db = match db {
        Some(url) => Some(url),
        None if std::path::Path::new("kitwork.toml").exists() => Some(config.database.url),
        None => None,
    };
    if let Some(url) = db {
        match kitwork::runtime::db::Shared::from_url(&url) {
            Ok(s) => setup = setup.with_database(Ok(s)),
            Err(e) => {
                eprintln!("error: --db: {e}");
                return Err(ExitCode::from(2));
            }
        }
    }
    let kv = match kv {
        Some(url) => kitwork::config::Kv {
            url,
            ..config.kv.clone()
        },
        None => config.kv.clone(),
    };
    setup.kv = kv.setup().map_err(|e| {
        eprintln!("error: --kv: {e}");
        ExitCode::from(2)
    })?;
    if let Some(path) = ca_file {
        setup.tls = kitwork::runtime::http::tls_config(Some(&path)).map_err(|e| {
            eprintln!("error: --ca-file: {e}");
            ExitCode::from(2)
        })?;
    }
    let r = match &graph {
        Some(graph) => kitwork::runtime::lifecycle::run_graph_to_completion(&mut vm, graph, &setup),
        None => kitwork::run_with(&mut vm, &program, &setup),
    };
    drop(std::mem::replace(&mut vm.out, Box::new(std::io::sink())));
    // The process ends here: freeing a heap of millions of objects
    // one by one only delays the exit the OS makes anyway.
    std::mem::forget(vm);
    match r {
        Ok(_) => Ok(()),
        Err(e) => {
            eprintln!("{}", e.report);
            Err(ExitCode::from(1))
        }
    }
}
