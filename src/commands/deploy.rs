//! `kitwork deploy --to NODE[,NODE…]`: one work folder to every node, in
//! two phases over their admin listeners, so the fleet switches together
//! or not at all. Every node first stages and compiles it (nothing
//! changes); only when every node has staged it is it activated on each.
//! A node that fails to stage (a compile error, unreachable) stops the
//! deploy: the nodes that staged it throw it away, and each node's error
//! is printed. `kitwork status --cluster NODE[,NODE…]` shows what each
//! node serves.

use super::admin_client::{field, request};
use super::{Outcome, load_config};
use kitwork::config::Overrides;
use std::path::{Path, PathBuf};

/// `kitwork serve --join PEER`: the work folder the peer serves now
/// becomes this node's before it loads anything, and the peer's
/// migrations join `migrations` (when set).
pub fn join(peer: &str, token: &str, work: &Path, migrations: Option<&Path>) -> Result<(), String> {
    match request(peer, "GET", "/__kitwork/deploy/current", token, b"") {
        Ok((200, body)) => {
            let archive = kitwork::gateway::deploy::from_text(&body)
                .ok_or("the peer sent something that is not an archive")?;
            kitwork::gateway::deploy::install(&archive, work, migrations)
        }
        Ok((_, body)) => Err(field(&body, "error").unwrap_or(body)),
        Err(e) => Err(format!("cannot reach its admin listener: {e}")),
    }
}
use std::process::ExitCode;

/// The admin token: `--token` (or `KITWORK_ADMIN_TOKEN`), else the one
/// `kitwork.toml`'s `admin_token` or `admin_token_file` holds.
fn token(given: Option<String>, config: Option<PathBuf>) -> Result<String, ExitCode> {
    if let Some(t) = given {
        return Ok(t);
    }
    let config = load_config(config.as_deref(), Overrides::default())?;
    config.read_admin_token().ok_or_else(|| {
        eprintln!("error: no admin token: pass --token (or KITWORK_ADMIN_TOKEN), or set admin_token in kitwork.toml");
        ExitCode::from(2)
    })
}

/// Runs `f` for every node at once; the answers in the nodes' order.
fn each<T: Send>(nodes: &[String], f: impl Fn(&str) -> T + Sync) -> Vec<T> {
    std::thread::scope(|s| {
        let runs: Vec<_> = nodes.iter().map(|n| s.spawn(|| f(n))).collect();
        runs.into_iter()
            .map(|r| r.join().expect("a deploy thread panicked"))
            .collect()
    })
}

pub fn deploy(
    to: Vec<String>,
    dir: &Path,
    migrations: Option<&Path>,
    given: Option<String>,
    config: Option<PathBuf>,
) -> Outcome {
    let token = token(given, config)?;
    let archive = kitwork::gateway::deploy::pack_with(dir, migrations).map_err(|e| {
        eprintln!("error: cannot pack {}: {e}", dir.display());
        ExitCode::from(2)
    })?;
    // Phase one: every node stages and compiles it.
    let staged = each(&to, |node| {
        match request(node, "POST", "/__kitwork/deploy/stage", &token, &archive) {
            Ok((200, body)) => {
                field(&body, "staged").ok_or(format!("an answer without an id: {body}"))
            }
            Ok((_, body)) => Err(field(&body, "error").unwrap_or(body)),
            Err(e) => Err(format!("cannot reach its admin listener: {e}")),
        }
    });
    let ids: Vec<String> = staged
        .iter()
        .map(|s| s.as_ref().map_or(String::new(), Clone::clone))
        .collect();
    let abort = |why: &str, said: Vec<Result<String, String>>| {
        // Nothing switches: the nodes that staged it throw it away.
        each(&to, |node| {
            let i = to.iter().position(|n| n == node).unwrap_or(0);
            if !ids[i].is_empty() {
                let _ = request(
                    node,
                    "POST",
                    "/__kitwork/deploy/abort",
                    &token,
                    ids[i].as_bytes(),
                );
            }
        });
        eprintln!("error: {why}:");
        for (node, s) in to.iter().zip(&said) {
            match s {
                Ok(m) => eprintln!("{node}: {m}"),
                Err(e) => eprintln!("{node}: {}", e.trim_end()),
            }
        }
        Err(ExitCode::from(1))
    };
    if staged.iter().any(Result::is_err) {
        let said = staged
            .iter()
            .map(|s| match s {
                Ok(_) => Ok("staged, thrown away".to_string()),
                Err(e) => Err(e.clone()),
            })
            .collect();
        return abort("the deploy stopped before any node switched", said);
    }
    // Between the phases: the migrations, one node after another (on a
    // shared database the first applies them and the others find them
    // applied; a node with a database of its own applies its own). A
    // failure stops the deploy before anyone switches; a migration that
    // was applied stays applied.
    if migrations.is_some() {
        let mut said = Vec::new();
        for (node, id) in to.iter().zip(&ids) {
            let r = match request(
                node,
                "POST",
                "/__kitwork/deploy/migrate",
                &token,
                id.as_bytes(),
            ) {
                Ok((200, body)) => Ok(match body.trim() {
                    "{\"applied\":[]}" => "migrations: nothing to apply".to_string(),
                    _ => format!("migrations applied: {body}"),
                }),
                Ok((_, body)) => Err(field(&body, "error").unwrap_or(body)),
                Err(e) => Err(format!("cannot reach its admin listener: {e}")),
            };
            let failed = r.is_err();
            said.push(r);
            if failed {
                said.resize(to.len(), Ok("staged, thrown away".to_string()));
                return abort("a migration failed; no node switched", said);
            }
        }
        for (node, s) in to.iter().zip(&said) {
            if let Ok(m) = s {
                println!("{node}: {m}");
            }
        }
    }
    // Phase two: every node staged it; each switches.
    let activated = each(&to, |node| {
        let i = to.iter().position(|n| n == node).unwrap_or(0);
        match request(
            node,
            "POST",
            "/__kitwork/deploy/activate",
            &token,
            ids[i].as_bytes(),
        ) {
            Ok((200, body)) => field(&body, "generation").ok_or(body),
            Ok((_, body)) => Err(field(&body, "error").unwrap_or(body)),
            Err(e) => Err(format!("cannot reach its admin listener: {e}")),
        }
    });
    let mut failed = false;
    for (node, a) in to.iter().zip(&activated) {
        match a {
            Ok(g) => println!("{node}: serving generation {g}"),
            Err(e) => {
                failed = true;
                eprintln!("{node}: did not switch: {}", e.trim_end());
            }
        }
    }
    match failed {
        false => Ok(()),
        true => Err(ExitCode::from(1)),
    }
}

/// `kitwork status --cluster NODE,…`: each node's generation, routes,
/// uptime and open connections.
pub fn status(nodes: Vec<String>) -> Outcome {
    let answers = each(&nodes, |node| {
        request(node, "GET", "/__kitwork/status", "", b"")
    });
    let mut failed = false;
    println!(
        "{:<24} {:<28} {:>6} {:>8} {:>6}",
        "NODE", "GENERATION", "ROUTES", "UPTIME", "OPEN"
    );
    for (node, a) in nodes.iter().zip(answers) {
        match a {
            Ok((200, body)) => println!(
                "{node:<24} {:<28} {:>6} {:>7}s {:>6}",
                field(&body, "generation").unwrap_or_default(),
                field(&body, "routes").unwrap_or_default(),
                field(&body, "uptime_seconds").unwrap_or_default(),
                field(&body, "open_connections").unwrap_or_default()
            ),
            Ok((status, body)) => {
                failed = true;
                println!("{node:<24} error {status}: {}", body.trim_end());
            }
            Err(e) => {
                failed = true;
                println!("{node:<24} unreachable: {e}");
            }
        }
    }
    match failed {
        false => Ok(()),
        true => Err(ExitCode::from(1)),
    }
}
