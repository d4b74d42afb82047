//! `kitwork serve`: loads the configuration and the work folder, starts
//! one worker per core (and the admin listener), announces itself, then
//! waits for signals: SIGHUP reloads, SIGTERM and SIGINT drain and stop.

use super::migrate::apply_migrations;
use super::{Outcome, load_config};
use kitwork::config::Overrides;
use kitwork::vm::Limits;
use std::path::PathBuf;
use std::process::ExitCode;

/// Serves with the configuration file `config` and `overrides` on top.
pub fn serve(config: Option<PathBuf>, overrides: Overrides) -> Outcome {
    let config = load_config(config.as_deref(), overrides)?;
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
    let (reloader, generations) = kitwork::gateway::reload::Reloader::new(&work_dir, generation);
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
    match kitwork::gateway::serve(config.listen, &cpus, config.io, generations, core_config) {
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
                let mut lines = kitwork::log::format(kitwork::log::Level::Info, &serving, &[]);
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
}
