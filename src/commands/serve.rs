//! `kitwork serve`: loads the configuration and the work folder, starts
//! one worker per core (and the admin listener), announces itself, then
//! waits for signals: SIGHUP reloads, SIGTERM and SIGINT drain and stop.

use super::migrate::apply_migrations;
use super::{Outcome, load_config};
use kitwork::config::{Config, Overrides};
use kitwork::gateway::core::{Addresses, CoreConfig};
use kitwork::gateway::reload::Reloader;
use kitwork::gateway::tls::TlsReloader;
use kitwork::gateway::{Generation, Running};
use kitwork::log::{self, Level};
use kitwork::vm::Limits;
use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Serves with the configuration file `config` and `overrides` on top.
pub fn serve(config: Option<PathBuf>, join: Option<String>, overrides: Overrides) -> Outcome {
    let config = load_config(config.as_deref(), overrides)?;
    if let Some(peer) = join {
        let token = config.read_admin_token().unwrap_or_default();
        let migrations = &config.database.migrations;
        let migrations = (!migrations.as_os_str().is_empty()).then_some(migrations.as_path());
        super::deploy::join(&peer, &token, &config.work_dir, migrations).map_err(|e| {
            eprintln!("error: cannot join {peer}: {}", e.trim_end());
            ExitCode::from(1)
        })?;
    }
    log::set_json(config.log_format == "json");
    let (settings, secrets) = config.settings().map_err(|e| {
        eprintln!("error: invalid configuration: {e}");
        ExitCode::from(2)
    })?;
    log::set_secrets(secrets);
    let migrations = &config.database.migrations;
    if !migrations.as_os_str().is_empty() && migrations.is_dir() {
        apply_migrations(&config, migrations, false)?;
    }
    let generation = kitwork::gateway::load_with(&config.work_dir, &settings).map_err(|e| {
        eprint!("{e}");
        ExitCode::from(2)
    })?;
    let cpus = config.core_ids();
    let shutdown = Arc::new(AtomicBool::new(false));
    let mut core_config = core_config(&config, cpus.len(), shutdown.clone())?;
    let stopping = core_config.stopping.clone();
    // TLS: the certificates load now (an error stops the start) and again
    // on every reload (an error there keeps the old ones).
    let tls = match config.tls_settings() {
        Some(settings) => {
            let (reloader, configs) = TlsReloader::new(settings).map_err(|e| {
                eprintln!("error: {e}");
                ExitCode::from(2)
            })?;
            core_config.tls = Some(configs);
            Some(reloader)
        }
        None => None,
    };
    let _tls_watcher = match (&tls, config.watch) {
        (Some(t), true) => t
            .watch()
            .map_err(|e| {
                let what = format!("not watching the TLS certificates: {e}");
                log::event(Level::Warn, &what, &[]);
            })
            .ok(),
        _ => None,
    };
    let mut signals =
        signal_hook::iterator::Signals::new([SIGTERM, SIGINT, SIGHUP]).map_err(|e| {
            eprintln!("error: cannot install signal handlers: {e}");
            ExitCode::from(1)
        })?;
    let table = kitwork::gateway::describe_routes(&generation);
    let (reloader, generations) = Reloader::new(&config.work_dir, generation, tls);
    // Reload when the folder changes (`watch = false` turns it off).
    let _watcher = config.watch.then(|| reloader.watch()).and_then(|w| {
        w.map_err(|e| {
            let what = format!("not watching {}: {e}", config.work_dir.display());
            log::event(Level::Warn, &what, &[]);
        })
        .ok()
    });
    let addresses = Addresses {
        http: config.listen,
        https: config.https.listen,
    };
    let running = kitwork::gateway::serve(addresses, &cpus, config.io, generations, core_config)
        .map_err(|e| {
            let https = config
                .https
                .listen
                .map_or(String::new(), |a| format!(" or {a}"));
            eprintln!("error: cannot listen on {}{https}: {e}", config.listen);
            ExitCode::from(1)
        })?;
    let admin = start_admin(&config, &reloader, &running, &stopping)?;
    announce(&config, &reloader.current(), &running, &admin, &table);
    // SIGHUP: reload. SIGTERM / SIGINT: stop accepting, drain, exit 0.
    let signal = signals.forever().find(|&s| {
        if s == SIGHUP {
            reloader.reload_and_log("SIGHUP");
            false
        } else {
            true
        }
    });
    // Not ready, answers close their connections, the listeners still
    // accept: for `drain_delay_ms`, then the drain.
    stopping.store(true, Ordering::Relaxed);
    let delay = config.limits.drain_delay_ms;
    if delay > 0 {
        log::info(&format!(
            "signal {} received: not ready; draining in {delay} ms",
            signal.unwrap_or_default()
        ));
        std::thread::sleep(std::time::Duration::from_millis(delay));
        log::info("draining");
    } else {
        log::info(&format!(
            "signal {} received: draining",
            signal.unwrap_or_default()
        ));
    }
    shutdown.store(true, Ordering::Relaxed);
    for core in running.cores {
        let _ = core.join();
    }
    log::info("stopped");
    Ok(())
}

/// What every core is given: the limits, the services' setup, its share of
/// the descriptors (the soft limit is raised to the hard one first).
fn core_config(
    config: &Config,
    cores: usize,
    shutdown: Arc<AtomicBool>,
) -> Result<CoreConfig, ExitCode> {
    let setup = config.setup().map_err(|e| {
        eprintln!("error: invalid configuration: {e}");
        ExitCode::from(2)
    })?;
    let fd_limit = kitwork::gateway::descriptors::raise_limit();
    let max_connections = match config.limits.max_connections {
        0 => kitwork::gateway::descriptors::connections_per_core(fd_limit, cores),
        n => n,
    };
    Ok(CoreConfig {
        http: config.http_limits(),
        vm: Limits {
            instructions: config.limits.instructions,
            memory: config.limits.memory,
        },
        dev: config.dev,
        shutdown,
        stopping: Arc::new(AtomicBool::new(false)),
        drain_timeout: std::time::Duration::from_millis(config.limits.drain_timeout_ms),
        setup,
        background_limit: config.limits.background,
        max_connections,
        access_log: config.access_log,
        compression: config.compression.clone(),
        tls: None,
        redirect_https: config.https.redirect,
        tls_sessions: config.https.session_cache,
        http2: config.http2,
        sockets: Default::default(),
    })
}

/// Starts the admin listener when `admin_listen` is set; what the start-up
/// line says of it (empty when off).
fn start_admin(
    config: &Config,
    reloader: &Arc<Reloader>,
    running: &Running,
    stopping: &Arc<AtomicBool>,
) -> Result<String, ExitCode> {
    let Some(addr) = config.admin_listen else {
        return Ok(String::new());
    };
    let token = config.make_admin_token().map_err(|e| {
        eprintln!("error: {e}");
        ExitCode::from(1)
    })?;
    let admin = kitwork::gateway::admin::Admin {
        reloader: reloader.clone(),
        cores: running.scrapes.clone(),
        started: std::time::Instant::now(),
        token,
        stopping: stopping.clone(),
        deployer: kitwork::gateway::deploy::Deployer::new(
            reloader.clone(),
            (!config.database.migrations.as_os_str().is_empty()).then(|| {
                (
                    super::migrate::deploy_migrator(config),
                    config.database.migrations.clone(),
                )
            }),
        ),
    };
    match kitwork::gateway::admin::serve(addr, admin) {
        Ok(a) => Ok(format!(", admin on http://{a}")),
        Err(e) => {
            eprintln!("error: cannot listen on {addr} (admin_listen): {e}");
            Err(ExitCode::from(1))
        }
    }
}

/// The start-up line (its address first, for scripts that start the
/// gateway on port 0) and the route table; in JSON, one object per line.
fn announce(config: &Config, generation: &Generation, running: &Running, admin: &str, table: &str) {
    // A closed stdout must not take the gateway down: ignore write errors.
    use std::io::Write;
    let mut stdout = std::io::stdout();
    let https = running
        .https
        .map_or(String::new(), |a| format!(" and https://{a}"));
    let serving = format!(
        "serving {} route(s) from {} on http://{}{https} ({} core(s)), generation {}{admin}",
        generation.routes.len(),
        config.work_dir.display(),
        running.addr,
        running.cores.len(),
        generation.id()
    );
    if log::json() {
        let mut lines = log::format(Level::Info, &serving, &[]);
        for r in &generation.routes {
            lines.push_str(&log::format(
                Level::Info,
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
}
