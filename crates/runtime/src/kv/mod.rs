//! `kv()`'s store: Redis when `kv.url` names one (`redis.rs`: one
//! pipelined connection per core), else the core's own store in memory
//! (`local.rs`: LRU with TTL, bounded in bytes). Both take the same
//! commands (`vm::io::kv::Command`, Redis's words), so a script runs on
//! either unchanged.

pub mod cluster;
pub mod local;
pub mod redis;
pub mod scripts;

use std::cell::RefCell;
use std::time::Duration;
use vm::io::kv::{Command, KvError, Reply};

/// How long a command may wait for Redis (and a connection be made)
/// unless `kv.timeout_ms` says otherwise.
pub const TIMEOUT: Duration = Duration::from_secs(1);
/// What the local store may hold on each core unless `kv.local_bytes`
/// says otherwise.
pub const LOCAL_BYTES: usize = 64 << 20;

/// Where `kv()` goes, parsed from `kv.url`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// Each core's own memory.
    Local,
    Redis(redis::Address),
    /// A Redis Cluster, from its seed nodes.
    Cluster(Vec<redis::Address>),
}

impl Target {
    /// `local`, `redis://[[user]:password@]host[:port][/db]`, or
    /// `redis+cluster://[[user]:password@]host:port[,host:port…]`
    /// (`rediss…` for TLS).
    pub fn parse(url: &str) -> Result<Target, String> {
        if url == "local" || url.is_empty() {
            return Ok(Target::Local);
        }
        let cluster = [
            ("redis+cluster://", "redis"),
            ("rediss+cluster://", "rediss"),
        ]
        .into_iter()
        .find_map(|(prefix, scheme)| Some((url.strip_prefix(prefix)?, scheme)));
        if let Some((rest, scheme)) = cluster {
            // The login (before `@`) is every node's.
            let (login, hosts) = match rest.rsplit_once('@') {
                Some((l, h)) => (format!("{l}@"), h),
                None => (String::new(), rest),
            };
            let seeds = hosts
                .split(',')
                .map(|h| redis::Address::parse(&format!("{scheme}://{login}{}", h.trim())))
                .collect::<Result<Vec<_>, _>>()?;
            if seeds.iter().any(|s| s.db != 0) {
                return Err("Redis Cluster has only database 0".into());
            }
            return Ok(Target::Cluster(seeds));
        }
        redis::Address::parse(url).map(Target::Redis)
    }
}

/// What every core builds its store from.
#[derive(Clone, Debug)]
pub struct Setup {
    pub target: Target,
    pub timeout: Duration,
    pub local_bytes: usize,
    /// Whether `limit(…, { scope: "cluster" })` lets requests through
    /// while the store cannot be reached (`kv.limit_fail = "open"`), or
    /// fails them with `KV_UNAVAILABLE` (`"closed"`).
    pub limit_fail_open: bool,
}

impl Default for Setup {
    fn default() -> Setup {
        Setup {
            target: Target::Local,
            timeout: TIMEOUT,
            local_bytes: LOCAL_BYTES,
            limit_fail_open: true,
        }
    }
}

/// One core's store.
pub enum Store {
    Local(RefCell<local::Local>),
    Redis(redis::Client),
    Cluster(cluster::Cluster),
}

impl Store {
    /// `tls`: what a `rediss://` connection trusts.
    pub fn new(setup: &Setup, tls: std::sync::Arc<rustls::ClientConfig>) -> Store {
        match &setup.target {
            Target::Local => Store::Local(RefCell::new(local::Local::new(setup.local_bytes))),
            Target::Redis(a) => Store::Redis(redis::Client::new(a.clone(), setup.timeout, tls)),
            Target::Cluster(seeds) => {
                Store::Cluster(cluster::Cluster::new(seeds.clone(), setup.timeout, tls))
            }
        }
    }

    /// Runs one command.
    pub async fn run(&self, c: &Command) -> Result<Reply, KvError> {
        match self {
            Store::Local(l) => l.borrow_mut().run(c, std::time::Instant::now()),
            // Boxed: its two sends would make every command's future
            // larger (a kv().get cost 132 more instructions unboxed).
            Store::Redis(_) | Store::Cluster(_) if c.name() == b"EVAL" => {
                Box::pin(self.eval(c)).await
            }
            Store::Redis(r) => r.run(c).await,
            Store::Cluster(r) => r.run(c).await,
        }
    }

    /// An `EVAL` on Redis: by the script's SHA-1, then as given when
    /// Redis does not hold it (`scripts.rs`).
    async fn eval(&self, c: &Command) -> Result<Reply, KvError> {
        let send = async |c: &Command| match self {
            Store::Redis(r) => r.run(c).await,
            Store::Cluster(r) => r.run(c).await,
            Store::Local(l) => l.borrow_mut().run(c, std::time::Instant::now()),
        };
        let Some(by_sha) = scripts::by_sha(c) else {
            return send(c).await;
        };
        let answer = send(&by_sha).await;
        scripts::give_back(by_sha);
        match scripts::not_loaded(&answer) {
            true => send(c).await,
            false => answer,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cluster_url_names_its_seeds_and_their_login() {
        let Ok(Target::Cluster(seeds)) = Target::parse("rediss+cluster://:pw@a:7000,b:7001") else {
            panic!("not a cluster");
        };
        let hosts: Vec<_> = seeds
            .iter()
            .map(|s| (s.host.as_str(), s.port, s.tls, s.password.as_deref()))
            .collect();
        assert_eq!(
            hosts,
            [("a", 7000, true, Some("pw")), ("b", 7001, true, Some("pw"))]
        );
        assert!(Target::parse("redis+cluster://a:7000/2").is_err());
        assert_eq!(Target::parse("local"), Ok(Target::Local));
    }
}
