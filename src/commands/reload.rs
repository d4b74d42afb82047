//! `kitwork reload`: asks a running gateway, through its admin listener,
//! to reload its work folder.

use super::{Outcome, load_config};
use kitwork::config::Overrides;
use std::path::PathBuf;
use std::process::ExitCode;

/// Posts a reload to the gateway at `admin_listen` (or the configured one).
pub fn reload(admin_listen: Option<std::net::SocketAddr>, config: Option<PathBuf>) -> Outcome {
    let overrides = Overrides {
        admin_listen,
        ..Overrides::default()
    };
    let config = load_config(config.as_deref(), overrides)?;
    let Some(addr) = config.admin_listen else {
        eprintln!(
            "error: no admin address: pass --admin ADDR or set admin_listen (or send SIGHUP to the gateway)"
        );
        return Err(ExitCode::from(2));
    };
    let token = config.read_admin_token().unwrap_or_default();
    match super::admin_client::request(&addr.to_string(), "POST", "/__kitwork/reload", &token, b"")
    {
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
}
