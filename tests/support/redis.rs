//! The Redis the `kv()` tests run against (`KITWORK_TEST_REDIS`, which
//! `.ci/run` sets from scripts/redis.sh), and redis-servers of a test's own.
#![allow(dead_code)]

use std::process::{Child, Command, Stdio};

/// Its URL. Without it, `what` is reported as skipped on stderr, and
/// under `CI=true` the test fails: there, a missing service is an error,
/// not a pass.
pub fn url_or_skip(what: &str) -> Option<String> {
    match std::env::var("KITWORK_TEST_REDIS") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            // Written past the harness's capture, so the skip shows.
            use std::io::Write;
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED {what}: set KITWORK_TEST_REDIS to a Redis URL (scripts/redis.sh prints one)"
            );
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "{what}: KITWORK_TEST_REDIS is not set, and CI=true requires the Redis tests to run"
            );
            None
        }
    }
}

/// A `redis-server` of the test's own on a free port, without persistence
/// unless `start_with`'s arguments ask for it.
pub struct OwnRedis {
    pub port: u16,
    pub child: Child,
    /// The CA file `redis-cli` checks a TLS-only server's certificate with.
    pub tls: Option<std::path::PathBuf>,
}

impl OwnRedis {
    pub fn start(port: u16) -> OwnRedis {
        OwnRedis::start_with(port, &[])
    }

    /// `redis-server` on loopback with `listen` (its ports), keeping
    /// nothing unless `more` says.
    fn spawn(listen: &[&str], more: &[&str]) -> Child {
        Command::new("redis-server")
            .args(["--bind", "127.0.0.1"])
            .args(listen)
            .args(["--save", "", "--appendonly", "no"])
            .args(more)
            .stdout(Stdio::null())
            .spawn()
            .expect("redis-server (scripts/redis.sh installs it)")
    }

    /// With more `redis-server` arguments (`--requirepass`…).
    pub fn start_with(port: u16, more: &[&str]) -> OwnRedis {
        let child = OwnRedis::spawn(&["--port", &port.to_string()], more);
        let r = OwnRedis {
            child,
            port,
            tls: None,
        };
        // Answering, with or without a password asked for.
        let up = || {
            Command::new("redis-cli")
                .args(["-p", &port.to_string(), "ping"])
                .output()
                .is_ok_and(|o| {
                    let all = [o.stdout, o.stderr].concat();
                    let all = String::from_utf8_lossy(&all);
                    all.contains("PONG") || all.contains("NOAUTH")
                })
        };
        assert!(
            (0..500).any(|_| up() || {
                std::thread::sleep(std::time::Duration::from_millis(10));
                false
            }),
            "redis-server did not start"
        );
        r
    }

    /// Speaking only TLS on `port` (`pem` and `key` its certificate, `pem`
    /// also the CA), with more `redis-server` arguments.
    pub fn start_tls(
        port: u16,
        pem: &std::path::Path,
        key: &std::path::Path,
        more: &[&str],
    ) -> OwnRedis {
        let (pem_file, key_file) = (pem.to_str().unwrap(), key.to_str().unwrap());
        let child = OwnRedis::spawn(
            &[
                "--port",
                "0",
                "--tls-port",
                &port.to_string(),
                "--tls-cert-file",
                pem_file,
                "--tls-key-file",
                key_file,
                "--tls-ca-cert-file",
                pem_file,
                "--tls-auth-clients",
                "no",
            ],
            more,
        );
        let r = OwnRedis {
            child,
            port,
            tls: Some(pem.to_path_buf()),
        };
        assert!(
            (0..500).any(|_| r.cli(&["ping"]) == "PONG" || {
                std::thread::sleep(std::time::Duration::from_millis(10));
                false
            }),
            "redis-server with TLS did not start"
        );
        r
    }

    pub fn cli(&self, args: &[&str]) -> String {
        let tls: Vec<String> = match &self.tls {
            Some(ca) => vec!["--tls".into(), "--cacert".into(), ca.display().to_string()],
            None => Vec::new(),
        };
        let out = Command::new("redis-cli")
            .args(&tls)
            .args(["-h", "127.0.0.1", "-p", &self.port.to_string()])
            .args(args)
            .output()
            .expect("redis-cli");
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// Connections the server has accepted so far (this one included).
    pub fn connections_received(&self) -> u64 {
        let stats = self.cli(&["info", "stats"]);
        stats
            .lines()
            .find_map(|l| l.strip_prefix("total_connections_received:"))
            .and_then(|n| n.trim().parse().ok())
            .unwrap_or_else(|| panic!("no count in {stats}"))
    }

    pub fn signal(&self, name: &str) {
        let ok = Command::new("kill")
            .args([name, &self.child.id().to_string()])
            .status()
            .unwrap()
            .success();
        assert!(ok);
    }

    pub fn stop(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for OwnRedis {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn have_redis_server(what: &str) -> bool {
    let found = Command::new("redis-server")
        .arg("--version")
        .output()
        .is_ok();
    if !found {
        eprintln!("SKIPPED {what}: no redis-server (scripts/redis.sh installs it)");
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{what}: redis-server is missing, and CI=true requires the Redis tests to run"
        );
    }
    found
}
