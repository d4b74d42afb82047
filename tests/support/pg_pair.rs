//! A PostgreSQL primary and a synchronous streaming replica of a test's
//! own (`scripts/pg-pair.sh`: `initdb`, then `pg_basebackup -R`), in a
//! folder under /tmp, on ports of their own: a test may stop the primary
//! and promote the replica without touching the machine's PostgreSQL.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Command;

pub struct PgPair {
    pub dir: PathBuf,
    pub primary_port: u16,
    pub replica_port: u16,
}

/// Whether PostgreSQL's server binaries are installed (Debian's
/// `postgresql` package puts them under /usr/lib/postgresql).
pub fn have_server() -> bool {
    std::fs::read_dir("/usr/lib/postgresql")
        .is_ok_and(|mut d| d.any(|e| e.is_ok_and(|e| e.path().join("bin/initdb").exists())))
}

fn script(args: &[&str]) {
    let out = Command::new(concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/pg-pair.sh"))
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "scripts/pg-pair.sh {args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

impl PgPair {
    /// Makes both and starts them.
    pub fn start(primary_port: u16, replica_port: u16) -> PgPair {
        let dir = std::env::temp_dir().join(format!("kitwork-pg-pair-{}", std::process::id()));
        let pair = PgPair {
            dir,
            primary_port,
            replica_port,
        };
        script(&[
            "start",
            pair.dir.to_str().unwrap(),
            &primary_port.to_string(),
            &replica_port.to_string(),
        ]);
        pair
    }

    /// `postgres://` URL of a port of the pair.
    pub fn url(port: u16) -> String {
        format!("postgres://postgres@127.0.0.1:{port}/postgres")
    }

    /// The URL that follows the primary: both hosts, the writable one
    /// chosen (libpq's `target_session_attrs=read-write`).
    pub fn failover_url(&self) -> String {
        format!(
            "postgres://postgres@127.0.0.1:{},127.0.0.1:{}/postgres?target_session_attrs=read-write",
            self.primary_port, self.replica_port
        )
    }

    /// The primary stops (fast: its clients are cut off, what it
    /// committed is on the replica) and the replica becomes the primary.
    pub fn promote(&self) {
        script(&["promote", self.dir.to_str().unwrap()]);
    }
}

impl Drop for PgPair {
    fn drop(&mut self) {
        let _ = Command::new(concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/pg-pair.sh"))
            .args(["stop", self.dir.to_str().unwrap()])
            .status();
    }
}
