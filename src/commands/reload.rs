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
