//! Upstream pools declared in kitwork.toml (`[upstreams.NAME]`), for
//! operators who keep addresses out of scripts: the same pools and
//! defaults as `upstream(name, { … })` (upstream_api.rs), which a script
//! then names in `.proxy(prefix, "NAME")`.

use super::upstream::{
    Balance, DEFAULT_CONNECT_MS, DEFAULT_EJECT_MS, DEFAULT_FAILURES, DEFAULT_HEALTH_INTERVAL_MS,
    DEFAULT_HEALTH_TIMEOUT_MS, DEFAULT_HEALTHY, DEFAULT_KEEPALIVE, DEFAULT_RESPONSE_MS,
    DEFAULT_RETRIES, DEFAULT_UNHEALTHY, HashKey, Health, MAX_TARGETS, Target, Upstream,
};
use std::sync::Arc;
use std::time::Duration;

/// The pools a server's configuration declares, shared by its generations.
pub type Upstreams = Arc<[Arc<Upstream>]>;

/// One `[upstreams.NAME]` table.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpstreamConfig {
    /// `"host:port"` or `"https://host[:port]"`, one or more.
    pub targets: Vec<String>,
    /// `round_robin` (default), `least_conn`, `consistent_hash`.
    pub balance: Option<String>,
    /// What `consistent_hash` hashes: `client` (default), `path`,
    /// `header:NAME`, `query:NAME`.
    pub hash: Option<String>,
    pub retries: Option<u32>,
    /// Idle connections each core keeps per target.
    pub keepalive: Option<usize>,
    pub connect_timeout_ms: Option<u64>,
    pub response_timeout_ms: Option<u64>,
    /// Failures in a row that eject a target, and for how long.
    pub failures: Option<u32>,
    pub eject_ms: Option<u64>,
    pub health: Option<HealthConfig>,
}

/// `[upstreams.NAME.health]`: the active check.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HealthConfig {
    pub path: Option<String>,
    pub interval_ms: Option<u64>,
    pub timeout_ms: Option<u64>,
    pub healthy: Option<u32>,
    pub unhealthy: Option<u32>,
}

/// The pools of a configuration, checked; the error names the table.
pub fn upstreams<'a>(
    tables: impl IntoIterator<Item = (&'a String, &'a UpstreamConfig)>,
) -> Result<Upstreams, String> {
    tables
        .into_iter()
        .map(|(name, c)| pool(name, c).map(Arc::new))
        .collect::<Result<Vec<_>, _>>()
        .map(Arc::from)
}

fn pool(name: &str, c: &UpstreamConfig) -> Result<Upstream, String> {
    let at = |e: String| format!("[upstreams.{name}]: {e}");
    if c.targets.is_empty() {
        return Err(at("targets is required (\"host:port\", …)".into()));
    }
    if c.targets.len() > MAX_TARGETS {
        return Err(at(format!("at most {MAX_TARGETS} targets")));
    }
    let targets = c
        .targets
        .iter()
        .map(|t| Target::parse(t))
        .collect::<Result<Vec<_>, _>>()
        .map_err(at)?;
    let ms = |v: Option<u64>, default: f64| {
        Duration::from_millis(v.map_or(default as u64, |v| v.max(1)))
    };
    let health = match &c.health {
        None => None,
        Some(h) => {
            let path = h.path.clone().unwrap_or_else(|| "/".into());
            if !path.starts_with('/') {
                return Err(at("health.path starts with '/'".into()));
            }
            Some(Health {
                path,
                interval: ms(h.interval_ms, DEFAULT_HEALTH_INTERVAL_MS),
                timeout: ms(h.timeout_ms, DEFAULT_HEALTH_TIMEOUT_MS),
                healthy: h.healthy.unwrap_or(DEFAULT_HEALTHY as u32).max(1),
                unhealthy: h.unhealthy.unwrap_or(DEFAULT_UNHEALTHY as u32).max(1),
            })
        }
    };
    Ok(Upstream {
        name: name.to_string(),
        targets,
        balance: c
            .balance
            .as_deref()
            .map_or(Ok(Balance::RoundRobin), Balance::parse)
            .map_err(at)?,
        hash: c
            .hash
            .as_deref()
            .map_or(Ok(HashKey::Client), HashKey::parse)
            .map_err(at)?,
        retries: c.retries.unwrap_or(DEFAULT_RETRIES as u32),
        connect_timeout: ms(c.connect_timeout_ms, DEFAULT_CONNECT_MS),
        response_timeout: ms(c.response_timeout_ms, DEFAULT_RESPONSE_MS),
        failures: c.failures.unwrap_or(DEFAULT_FAILURES as u32).max(1),
        eject: ms(c.eject_ms, DEFAULT_EJECT_MS),
        health,
        keepalive: c.keepalive.unwrap_or(DEFAULT_KEEPALIVE as usize),
    })
}
