//! The `kitwork` command line: parses arguments, calls the library, maps
//! outcomes to exit codes (0 ok, 1 uncaught script error, 2 compile or usage error).

use clap::{Parser, Subcommand};
mod commands;

use kitwork::config::{Io, Overrides};
use std::path::PathBuf;
use std::process::ExitCode;

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
        /// Store for kv(): local or redis://host:port (default: kv.url, else local).
        #[arg(long, env = "KITWORK_KV_URL")]
        kv: Option<String>,
        /// PEM certificates http() trusts besides the public roots.
        #[arg(long, env = "KITWORK_CA_FILE")]
        ca_file: Option<PathBuf>,
        /// A promise rejection nothing handled: `fail` the run (as an
        /// uncaught exception) or only `warn`.
        #[arg(long, value_enum, default_value = "fail")]
        unhandled_rejections: commands::Unhandled,
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
        #[arg(long, env = "KITWORK_IO", value_parser = io_driver)]
        io: Option<Io>,
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
        /// Store for kv(): local or redis://host:port (default: kv.url, else local).
        #[arg(long, env = "KITWORK_KV_URL")]
        kv: Option<String>,
        /// PEM certificates http() trusts besides the public roots.
        #[arg(long, env = "KITWORK_CA_FILE")]
        ca_file: Option<PathBuf>,
        /// Address of the admin endpoints (/__kitwork/status, metrics,
        /// routes, reload); off unless given here or as admin_listen.
        #[arg(long = "admin", env = "KITWORK_ADMIN_LISTEN", value_parser = kitwork::config::resolve)]
        admin_listen: Option<std::net::SocketAddr>,
        /// A peer's admin listener (host:port): its work folder becomes
        /// this node's before it starts (the admin token is the fleet's).
        #[arg(long, env = "KITWORK_JOIN")]
        join: Option<String>,
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
    /// Send a work folder to every node and switch them together: each
    /// stages and compiles it, and only when all have does each serve it
    /// (any failure: nobody switches, each node's error is printed).
    Deploy {
        /// The nodes' admin listeners (host:port), comma-separated.
        #[arg(long, value_delimiter = ',', required = true)]
        to: Vec<String>,
        /// The work folder to send.
        #[arg(default_value = "work")]
        dir: PathBuf,
        /// The migrations to send with it (when the folder exists): after
        /// every node staged, each in turn applies what its database
        /// lacks, before any switches.
        #[arg(long, default_value = "migrations")]
        migrations: PathBuf,
        /// Send no migrations.
        #[arg(long, conflicts_with = "migrations")]
        no_migrations: bool,
        /// The nodes' admin token (default: admin_token, or admin_token_file, of kitwork.toml).
        #[arg(long, env = "KITWORK_ADMIN_TOKEN")]
        token: Option<String>,
        /// Configuration file (default: ./kitwork.toml when it exists).
        #[arg(long, env = "KITWORK_CONFIG")]
        config: Option<PathBuf>,
    },
    /// What each node serves: generation, routes, uptime, open connections.
    Status {
        /// The nodes' admin listeners (host:port), comma-separated.
        #[arg(long, value_delimiter = ',', required = true)]
        cluster: Vec<String>,
    },
    /// List the routes a work folder declares.
    Routes {
        #[arg(default_value = "work")]
        dir: PathBuf,
    },
    /// Make a new project: a route importing a helper, a database route and
    /// its migration, a test, kitwork.toml, package.json, a README.
    Init {
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Run the project's tests (tests/**/*.test.js, or PATHS) against its
    /// work folder, served for the run on a fresh SQLite database.
    Test {
        paths: Vec<PathBuf>,
        /// Folder of scripts to serve (default work).
        #[arg(long = "work", default_value = "work")]
        work_dir: PathBuf,
        /// Configuration file for the server (default: ./kitwork.toml when it exists).
        #[arg(long, env = "KITWORK_CONFIG")]
        config: Option<PathBuf>,
    },
}

/// The stack of `kitwork run`'s thread: the main thread's usual size
/// (deeper recursion grows onto new segments).
const RUN_STACK: usize = 8 << 20;

/// Runs `f` on a thread of `RUN_STACK` bytes and waits for its outcome.
fn on_run_thread(f: impl FnOnce() -> commands::Outcome + Send + 'static) -> commands::Outcome {
    std::thread::Builder::new()
        .name("run".into())
        .stack_size(RUN_STACK)
        .spawn(f)
        .map_err(|_| ExitCode::FAILURE)
        .and_then(|t| t.join().unwrap_or(Err(ExitCode::FAILURE)))
}

fn main() -> ExitCode {
    let outcome = match Cli::parse().command {
        Command::Run {
            file,
            budget,
            memory,
            db,
            kv,
            ca_file,
            unhandled_rejections,
        } => {
            // On a thread of its own: knowing a spawned thread's stack is a
            // lookup, the main thread's means parsing /proc/self/maps (a
            // tenth of a small script's start-up, bench/instructions.sh),
            // and the parser's and VM's stack checks need it.
            let stores = commands::Stores { db, kv };
            let run =
                move || commands::run(&file, budget, memory, stores, ca_file, unhandled_rejections);
            on_run_thread(run)
        }
        Command::Check { paths } => commands::check(&paths),
        Command::Disasm { file } => commands::disasm(&file),
        Command::Migrate { dir, config, db } => commands::migrate(&dir, config, db),
        Command::Reload {
            admin_listen,
            config,
        } => commands::reload(admin_listen, config),
        Command::Routes { dir } => commands::routes(&dir),
        Command::Deploy {
            to,
            dir,
            migrations,
            no_migrations,
            token,
            config,
        } => commands::deploy(
            to,
            &dir,
            (!no_migrations && migrations.is_dir()).then_some(migrations.as_path()),
            token,
            config,
        ),
        Command::Status { cluster } => commands::status(cluster),
        Command::Init { dir } => commands::init(&dir),
        Command::Test {
            paths,
            work_dir,
            config,
        } => {
            // Test files run as `kitwork run` runs a script: on a thread
            // whose stack the VM knows (see `Command::Run`).
            let test = move || commands::test(&paths, &work_dir, config.as_deref());
            on_run_thread(test)
        }
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
            kv,
            ca_file,
            admin_listen,
            join,
        } => commands::serve(
            config,
            join,
            Overrides {
                listen,
                cores,
                io,
                work_dir,
                dev,
                instructions: budget,
                memory,
                database_url: db,
                kv_url: kv,
                ca_file,
                admin_listen,
            },
        ),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(code) => code,
    }
}

/// `--io auto|uring|epoll`.
fn io_driver(name: &str) -> Result<Io, String> {
    Io::from_name(name)
        .ok_or_else(|| format!("{name:?} is not an I/O driver (expected auto, uring or epoll)"))
}
