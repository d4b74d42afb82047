//! `kitwork migrate`, and the migrations `serve` applies at start.

use super::{Outcome, load_config};
use kitwork::config::{Config, Overrides};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Applies the migrations of `dir` not applied yet to the configured database.
pub fn migrate(dir: &Path, config: Option<PathBuf>, db: Option<String>) -> Outcome {
    let overrides = Overrides {
        database_url: db,
        ..Overrides::default()
    };
    let config = load_config(config.as_deref(), overrides)?;
    apply_migrations(&config, dir, true)
}

/// Applies the migrations of `dir` not applied yet to the configured
/// database, on a runtime of its own on this thread: what it did, or why
/// it could not start.
fn run_migrations(
    config: &Config,
    dir: &Path,
) -> Result<kitwork::runtime::db::migrate::Report, String> {
    let shared = config.open_database()?;
    let mut rt = monoio::RuntimeBuilder::<monoio::LegacyDriver>::new()
        .enable_timer()
        .build()
        .map_err(|e| format!("cannot start a runtime: {e}"))?;
    Ok(rt.block_on(async {
        // Migrations may take long: an hour per statement.
        let db = shared.for_core(std::time::Duration::from_secs(3600));
        kitwork::runtime::db::migrate::migrate(&db, dir).await
    }))
}

/// How a node applies the migrations a deploy carries
/// (`gateway::deploy::Migrator`), on the admin thread that asked, against
/// the configured database.
pub(crate) fn deploy_migrator(config: &Config) -> kitwork::gateway::deploy::Migrator {
    let config = config.clone();
    Box::new(move |dir: &Path| {
        let report = run_migrations(&config, dir)?;
        match report.error {
            None => Ok(report.applied),
            Some(e) => Err(match report.applied.is_empty() {
                true => format!("migration failed: {}", e.message()),
                false => format!(
                    "migration failed: {} (applied before it: {})",
                    e.message(),
                    report.applied.join(", ")
                ),
            }),
        }
    })
}

/// Applies the migrations of `dir` not applied yet to the configured
/// database. `kitwork migrate` (`command`) reports on stdout, also when
/// nothing was pending; `serve` logs what it applied on stderr, keeping
/// stdout's first line for its address.
pub(crate) fn apply_migrations(config: &Config, dir: &Path, command: bool) -> Result<(), ExitCode> {
    let report = run_migrations(config, dir).map_err(|e| {
        eprintln!("error: {e}");
        ExitCode::from(1)
    })?;
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
