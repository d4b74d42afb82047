//! The `kitwork` command line: parses arguments, calls the library, maps
//! outcomes to exit codes (0 ok, 1 uncaught script error, 2 compile or usage error).

use clap::{Parser, Subcommand};
use kitwork::config::{Config, Io, Overrides};
use kitwork::lang::diag::render_all;
use kitwork::vm::{Limits, Vm};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// A batch script may hold far more at once than one request.
const RUN_MEMORY_DEFAULT: usize = 2 << 30;

#[derive(Parser)]
#[command(
    name = "kitwork",
    version,
    about = "A scriptable, thread-per-core API gateway"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a script; console.log prints to stdout.
    Run {
        file: PathBuf,
        /// Instruction budget for the run.
        #[arg(long)]
        budget: Option<u64>,
        /// Memory budget for the run, in bytes (default 2 GiB: nothing is
        /// freed before a run ends, see docs/LANGUAGE.md).
        #[arg(long)]
        memory: Option<usize>,
        /// Database for db(): sqlite://file.db, sqlite::memory: or postgres://… (default: none).
        #[arg(long, env = "KITWORK_DATABASE_URL")]
        db: Option<String>,
        /// PEM certificates http() trusts besides the public roots.
        #[arg(long, env = "KITWORK_CA_FILE")]
        ca_file: Option<PathBuf>,
    },
    /// Apply the migrations/*.sql not applied yet, in name order, each in a
    /// transaction, recording them in the kitwork_migrations table.
    Migrate {
        /// Folder of .sql files.
        #[arg(default_value = "migrations")]
        dir: PathBuf,
        /// Configuration file (default: ./kitwork.toml when it exists).
        #[arg(long, env = "KITWORK_CONFIG")]
        config: Option<PathBuf>,
        /// Database URL (default: database.url, else sqlite://kitwork.db).
        #[arg(long, env = "KITWORK_DATABASE_URL")]
        db: Option<String>,
    },
    /// Compile files (or every .js under folders) and print all diagnostics.
    Check {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Print the bytecode of every function of a script.
    Disasm { file: PathBuf },
    /// Serve the routes of a work folder over HTTP. Settings come from
    /// kitwork.toml (or --config), then KITWORK_* variables, then flags.
    Serve {
        /// Configuration file (default: ./kitwork.toml when it exists).
        #[arg(long, env = "KITWORK_CONFIG")]
        config: Option<PathBuf>,
        /// Address to listen on (default 127.0.0.1:8080).
        #[arg(long, env = "KITWORK_LISTEN", value_parser = kitwork::config::resolve)]
        listen: Option<std::net::SocketAddr>,
        /// Worker cores (default: all).
        #[arg(long, env = "KITWORK_CORES")]
        cores: Option<usize>,
        /// I/O driver: auto, uring or epoll (default epoll).
        #[arg(long, env = "KITWORK_IO")]
        io: Option<String>,
        /// Folder of scripts (default work).
        #[arg(long = "work", env = "KITWORK_WORK_DIR")]
        work_dir: Option<PathBuf>,
        /// Instruction budget per request.
        #[arg(long, env = "KITWORK_BUDGET")]
        budget: Option<u64>,
        /// Memory budget per request, in bytes.
        #[arg(long, env = "KITWORK_MEMORY")]
        memory: Option<usize>,
        /// Development mode: error traces in 500 responses.
        #[arg(long, env = "KITWORK_DEV")]
        dev: bool,
        /// Database URL (default: database.url, else sqlite://kitwork.db).
        #[arg(long, env = "KITWORK_DATABASE_URL")]
        db: Option<String>,
        /// PEM certificates http() trusts besides the public roots.
        #[arg(long, env = "KITWORK_CA_FILE")]
        ca_file: Option<PathBuf>,
        /// Address of the admin endpoints (/__kitwork/status, metrics,
        /// routes, reload); off unless given here or as admin_listen.
        #[arg(long = "admin", env = "KITWORK_ADMIN_LISTEN", value_parser = kitwork::config::resolve)]
        admin_listen: Option<std::net::SocketAddr>,
    },
    /// Ask a running gateway to reload its work folder now (through its
    /// admin listener; SIGHUP does the same).
    Reload {
        /// The gateway's admin address (default: admin_listen of kitwork.toml).
        #[arg(long = "admin", env = "KITWORK_ADMIN_LISTEN", value_parser = kitwork::config::resolve)]
        admin_listen: Option<std::net::SocketAddr>,
        /// Configuration file (default: ./kitwork.toml when it exists).
        #[arg(long, env = "KITWORK_CONFIG")]
        config: Option<PathBuf>,
    },
    /// List the routes a work folder declares.
    Routes {
        #[arg(default_value = "work")]
        dir: PathBuf,
    },
}

fn read(path: &Path) -> Result<String, ExitCode> {
    std::fs::read_to_string(path).map_err(|e| {
        eprintln!("error: cannot read {}: {e}", path.display());
        ExitCode::from(2)
    })
}

fn compile(path: &Path) -> Result<kitwork::lang::Program, ExitCode> {
    let text = read(path)?;
    kitwork::compile_file(&path.display().to_string(), &text).map_err(|(src, diags)| {
        eprint!("{}", render_all(&diags, &src));
        ExitCode::from(2)
    })
}

fn js_files(path: &Path, out: &mut Vec<PathBuf>) {
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

/// Applies the migrations of `dir` not applied yet to the configured
/// database. `kitwork migrate` (`command`) reports on stdout, also when
/// nothing was pending; `serve` logs what it applied on stderr, keeping
/// stdout's first line for its address.
fn apply_migrations(config: &Config, dir: &Path, command: bool) -> Result<(), ExitCode> {
    let shared = config.open_database().map_err(|e| {
        eprintln!("error: {e}");
        ExitCode::from(1)
    })?;
    let mut rt = monoio::RuntimeBuilder::<monoio::LegacyDriver>::new()
        .enable_timer()
        .build()
        .map_err(|e| {
            eprintln!("error: cannot start a runtime: {e}");
            ExitCode::from(1)
        })?;
    let report = rt.block_on(async {
        // Migrations may take long: an hour per statement.
        let db = shared.for_core(std::time::Duration::from_secs(3600));
        kitwork::runtime::db::migrate::migrate(&db, dir).await
    });
    // What was applied is said also when a later file failed.
    for n in &report.applied {
        if command {
            println!("kitwork: applied migration {n}");
        } else {
            kitwork::log::info(&format!("applied migration {n}"));
        }
    }
    match report.error {
        None => {
            if report.applied.is_empty() && command {
                println!("kitwork: {} is up to date", config.database.url);
            }
            Ok(())
        }
        // A database that is down does not stop the gateway: routes that
        // need it answer 503 until it is back (run `kitwork migrate` then).
        Some(kitwork::runtime::db::DbError::Unavailable(e)) if !command => {
            kitwork::log::event(
                kitwork::log::Level::Warn,
                &format!("migrations not applied, the database is unavailable: {e}"),
                &[],
            );
            Ok(())
        }
        Some(e) => {
            eprintln!("error: migration failed: {}", e.message());
            Err(ExitCode::from(1))
        }
    }
}

/// `POST /__kitwork/reload` to a gateway's admin listener: (status, body).
fn post_reload(addr: std::net::SocketAddr, token: &str) -> std::io::Result<(u16, String)> {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect_timeout(&addr, std::time::Duration::from_secs(5))?;
    s.set_read_timeout(Some(std::time::Duration::from_secs(60)))?;
    s.write_all(format!("POST /__kitwork/reload HTTP/1.1\r\nHost: kitwork\r\nAuthorization: Bearer {token}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").as_bytes())?;
    let mut text = String::new();
    s.read_to_string(&mut text)?;
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = text.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    Ok((status, body.to_string()))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run {
            file,
            budget,
            memory,
            db,
            ca_file,
        } => (|| {
            let program = compile(&file)?;
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
            let mut vm = Vm::new(limits);
            vm.enable_collector(kitwork::vm::collect::COLLECT_EVERY);
            // Line by line, also into a pipe: a killed run keeps what it printed.
            vm.out = Box::new(std::io::LineWriter::new(std::io::stdout()));
            let mut setup = kitwork::runtime::Setup::new();
            // Without --db, the folder's kitwork.toml says where the
            // database is, as it does for `serve`.
            let db = match db {
                Some(url) => Some(url),
                None if std::path::Path::new("kitwork.toml").exists() => {
                    let config = Config::load(None, Overrides::default()).map_err(|e| {
                        eprintln!("error: invalid configuration: {e}");
                        ExitCode::from(2)
                    })?;
                    Some(config.database.url)
                }
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
            if let Some(path) = ca_file {
                setup.tls = kitwork::runtime::http::tls_config(Some(&path)).map_err(|e| {
                    eprintln!("error: --ca-file: {e}");
                    ExitCode::from(2)
                })?;
            }
            let r = kitwork::run_with(&mut vm, &program, &setup);
            drop(std::mem::replace(&mut vm.out, Box::new(std::io::sink())));
            // The process ends here: freeing a heap of millions of objects
            // one by one only delays the exit the OS makes anyway (free was
            // 4% of the handler program's profile).
            std::mem::forget(vm);
            match r {
                Ok(_) => Ok(()),
                Err(e) => {
                    eprintln!("{}", e.report);
                    Err(ExitCode::from(1))
                }
            }
        })(),
        Command::Check { paths } => (|| {
            let mut files = Vec::new();
            for p in &paths {
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
        })(),
        Command::Disasm { file } => compile(&file).map(|p| print!("{}", p.disassemble())),
        Command::Migrate { dir, config, db } => (|| {
            let overrides = Overrides {
                database_url: db,
                ..Overrides::default()
            };
            let config = Config::load(config.as_deref(), overrides).map_err(|e| {
                eprintln!("error: invalid configuration: {e}");
                ExitCode::from(2)
            })?;
            apply_migrations(&config, &dir, true)
        })(),
        Command::Reload {
            admin_listen,
            config,
        } => (|| {
            let overrides = Overrides {
                admin_listen,
                ..Overrides::default()
            };
            let config = Config::load(config.as_deref(), overrides).map_err(|e| {
                eprintln!("error: invalid configuration: {e}");
                ExitCode::from(2)
            })?;
            let Some(addr) = config.admin_listen else {
                eprintln!(
                    "error: no admin address: pass --admin ADDR or set admin_listen (or send SIGHUP to the gateway)"
                );
                return Err(ExitCode::from(2));
            };
            let token = config.read_admin_token().unwrap_or_default();
            match post_reload(addr, &token) {
                Ok((200, body)) => {
                    println!("{body}");
                    Ok(())
                }
                Ok((_, body)) => {
                    eprintln!("{body}");
                    Err(ExitCode::from(1))
                }
                Err(e) => {
                    eprintln!("error: cannot reach the gateway's admin listener on {addr}: {e}");
                    Err(ExitCode::from(1))
                }
            }
        })(),
        Command::Routes { dir } => match kitwork::gateway::load(&dir) {
            Ok(g) => {
                print!("{}", kitwork::gateway::describe_routes(&g));
                Ok(())
            }
            Err(e) => {
                eprint!("{e}");
                Err(ExitCode::from(2))
            }
        },
        Command::Serve {
            config,
            listen,
            cores,
            io,
            work_dir,
            budget,
            memory,
            dev,
            db,
            ca_file,
            admin_listen,
        } => (|| {
            let io = match io.as_deref() {
                None => None,
                Some(name) if Io::from_name(name).is_some() => Io::from_name(name),
                Some(other) => {
                    eprintln!(
                        "error: invalid value for `io`: \"{other}\" (expected auto, uring or epoll)"
                    );
                    return Err(ExitCode::from(2));
                }
            };
            let overrides = Overrides {
                listen,
                cores,
                io,
                work_dir,
                dev,
                instructions: budget,
                memory,
                database_url: db,
                ca_file,
                admin_listen,
            };
            let config = Config::load(config.as_deref(), overrides).map_err(|e| {
                eprintln!("error: invalid configuration: {e}");
                ExitCode::from(2)
            })?;
            kitwork::log::set_json(config.log_format == "json");
            let migrations = &config.database.migrations;
            if !migrations.as_os_str().is_empty() && migrations.is_dir() {
                apply_migrations(&config, migrations, false)?;
            }
            let work_dir = config.work_dir.clone();
            let generation = kitwork::gateway::load(&work_dir).map_err(|e| {
                eprint!("{e}");
                ExitCode::from(2)
            })?;
            let cpus = config.core_ids();
            let cores = cpus.len();
            let routes = generation.routes.len();
            let shutdown = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
            let setup = config.setup().map_err(|e| {
                eprintln!("error: invalid configuration: {e}");
                ExitCode::from(2)
            })?;
            // Descriptors: the soft limit goes up to the hard one, and each
            // core may hold its share of them open.
            let fd_limit = kitwork::gateway::descriptors::raise_limit();
            let max_connections = match config.limits.max_connections {
                0 => kitwork::gateway::descriptors::connections_per_core(fd_limit, cores),
                n => n,
            };
            let core_config = kitwork::gateway::core::CoreConfig {
                http: config.http_limits(),
                vm: Limits {
                    instructions: config.limits.instructions,
                    memory: config.limits.memory,
                },
                dev: config.dev,
                shutdown: shutdown.clone(),
                drain_timeout: std::time::Duration::from_millis(config.limits.drain_timeout_ms),
                setup,
                background_limit: config.limits.background,
                max_connections,
                access_log: config.access_log,
            };
            let mut signals = signal_hook::iterator::Signals::new([
                signal_hook::consts::SIGTERM,
                signal_hook::consts::SIGINT,
                signal_hook::consts::SIGHUP,
            ])
            .map_err(|e| {
                eprintln!("error: cannot install signal handlers: {e}");
                ExitCode::from(1)
            })?;
            let table = kitwork::gateway::describe_routes(&generation);
            let (reloader, generations) =
                kitwork::gateway::reload::Reloader::new(&work_dir, generation);
            // Reload when the folder changes (`watch = false` turns it off).
            let _watcher = if config.watch {
                match reloader.watch() {
                    Ok(w) => Some(w),
                    Err(e) => {
                        kitwork::log::event(
                            kitwork::log::Level::Warn,
                            &format!("not watching {}: {e}", work_dir.display()),
                            &[],
                        );
                        None
                    }
                }
            } else {
                None
            };
            match kitwork::gateway::serve(config.listen, &cpus, config.io, generations, core_config)
            {
                Ok(running) => {
                    let admin = match config.admin_listen {
                        None => String::new(),
                        Some(addr) => {
                            let token = config.make_admin_token().map_err(|e| {
                                eprintln!("error: {e}");
                                ExitCode::from(1)
                            })?;
                            let admin = kitwork::gateway::admin::Admin {
                                reloader: reloader.clone(),
                                cores: running.scrapes.clone(),
                                started: std::time::Instant::now(),
                                token,
                            };
                            match kitwork::gateway::admin::serve(addr, admin) {
                                Ok(a) => format!(", admin on http://{a}"),
                                Err(e) => {
                                    eprintln!("error: cannot listen on {addr} (admin_listen): {e}");
                                    return Err(ExitCode::from(1));
                                }
                            }
                        }
                    };
                    // A closed stdout must not take the gateway down: ignore write errors.
                    use std::io::Write;
                    let mut stdout = std::io::stdout();
                    let serving = format!(
                        "serving {routes} route(s) from {} on http://{} ({cores} core(s)), generation {}{admin}",
                        work_dir.display(),
                        running.addr,
                        reloader.current().id()
                    );
                    if kitwork::log::json() {
                        // One JSON object per line here too: the start-up
                        // line, then one per route.
                        let mut lines =
                            kitwork::log::format(kitwork::log::Level::Info, &serving, &[]);
                        for r in &reloader.current().routes {
                            lines.push_str(&kitwork::log::format(
                                kitwork::log::Level::Info,
                                "route",
                                &[
                                    ("method", &r.method),
                                    ("path", &r.pattern),
                                    ("work", &r.work),
                                    ("version", r.version.as_deref().unwrap_or("")),
                                    ("source", &r.location),
                                ],
                            ));
                        }
                        let _ = write!(stdout, "{lines}");
                    } else {
                        let _ = writeln!(stdout, "kitwork: {serving}");
                        let _ = write!(stdout, "{table}");
                    }
                    let _ = stdout.flush();
                    // SIGHUP: reload. SIGTERM / SIGINT: stop accepting, drain, exit 0.
                    let signal = signals.forever().find(|&s| {
                        if s == signal_hook::consts::SIGHUP {
                            reloader.reload_and_log("SIGHUP");
                            false
                        } else {
                            true
                        }
                    });
                    kitwork::log::info(&format!(
                        "signal {} received: draining",
                        signal.unwrap_or_default()
                    ));
                    shutdown.store(true, std::sync::atomic::Ordering::Relaxed);
                    for core in running.cores {
                        let _ = core.join();
                    }
                    kitwork::log::info("stopped");
                    Ok(())
                }
                Err(e) => {
                    eprintln!("error: cannot listen on {}: {e}", config.listen);
                    Err(ExitCode::from(1))
                }
            }
        })(),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(code) => code,
    }
}
