//! `kitwork.toml` → `Config`, validated once at start-up. Precedence, lowest
//! first: built-in defaults, the file, `KITWORK_*` environment variables and
//! command-line flags (clap reads those two and hands over what was set).

use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub use gateway::Io;

/// `cores = 2` or `cores = [0, 1]`.
#[derive(Clone, Debug, PartialEq)]
pub enum Cores {
    Count(usize),
    List(Vec<usize>),
}

impl<'de> Deserialize<'de> for Cores {
    /// By hand: serde's untagged enums answer anything else with "data
    /// did not match any variant of untagged enum Cores".
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Cores, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Count(usize),
            List(Vec<usize>),
            Other(toml::Value),
        }
        match Raw::deserialize(d)? {
            Raw::Count(n) => Ok(Cores::Count(n)),
            Raw::List(l) => Ok(Cores::List(l)),
            Raw::Other(v) => Err(serde::de::Error::custom(format!(
                "`cores` must be a number of cores (cores = 2) or a list of CPU ids (cores = [0, 1]), not {v}"
            ))),
        }
    }
}

/// A listen address: `IP:port`, or a host name (`localhost:8080`) resolved
/// once at start-up to its first address.
fn address<'de, D: serde::Deserializer<'de>>(d: D) -> Result<SocketAddr, D::Error> {
    let text = String::deserialize(d)?;
    resolve(&text).map_err(serde::de::Error::custom)
}

fn optional_address<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<SocketAddr>, D::Error> {
    address(d).map(Some)
}

/// `IP:port` or `host:port` to an address.
pub fn resolve(text: &str) -> Result<SocketAddr, String> {
    use std::net::ToSocketAddrs;
    if let Ok(a) = text.parse() {
        return Ok(a);
    }
    text.to_socket_addrs()
        .map_err(|e| format!("`{text}` is not an address (host:port): {e}"))?
        .next()
        .ok_or_else(|| format!("`{text}` resolves to no address"))
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    pub request_line: usize,
    pub header_bytes: usize,
    pub headers: usize,
    pub body: usize,
    /// From a request's first byte to the end of its head.
    pub header_timeout_ms: u64,
    /// From the end of a request's head to the end of its body.
    pub body_timeout_ms: u64,
    pub idle_timeout_ms: u64,
    /// How long a response may wait for the client to read it.
    pub send_timeout_ms: u64,
    pub drain_timeout_ms: u64,
    /// From the signal to stop until the listeners close: answers carry
    /// `Connection: close` and readiness fails meanwhile, so a balancer
    /// takes the node out first.
    pub drain_delay_ms: u64,
    /// Unsent response bytes above which a connection's pipelined requests
    /// wait for the client to read.
    pub output_buffer: usize,
    /// Connections one core holds open; past it, new ones wait in the
    /// listen backlog. 0: the process's file-descriptor limit (raised to
    /// its hard limit at start) shared between the cores.
    pub max_connections: usize,
    /// Instructions one request may run.
    pub instructions: u64,
    /// Bytes one request may allocate.
    pub memory: usize,
    /// `go()` functions one core runs at once; more are refused and logged.
    pub background: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            request_line: 8 * 1024,
            header_bytes: 64 * 1024,
            headers: 100,
            body: 1024 * 1024,
            header_timeout_ms: 10_000,
            body_timeout_ms: 60_000,
            idle_timeout_ms: 15_000,
            send_timeout_ms: 60_000,
            drain_timeout_ms: 10_000,
            drain_delay_ms: 0,
            output_buffer: 1 << 20,
            max_connections: 0,
            instructions: 10_000_000,
            memory: 64 << 20,
            background: 1024,
        }
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    #[serde(deserialize_with = "address")]
    pub listen: SocketAddr,
    pub cores: Option<Cores>,
    #[serde(deserialize_with = "io_driver")]
    pub io: Io,
    pub work_dir: PathBuf,
    /// Reload when a file of the work folder changes.
    pub watch: bool,
    /// Where the admin endpoints (`/__kitwork/…`) listen; off when unset.
    #[serde(deserialize_with = "optional_address")]
    pub admin_listen: Option<SocketAddr>,
    /// The token the admin listener's mutating endpoints require. When
    /// unset, `serve` makes one and writes it to `admin_token_file`
    /// (mode 0600), where `kitwork reload` reads it.
    pub admin_token: Option<String>,
    pub admin_token_file: PathBuf,
    pub dev: bool,
    pub log_level: String,
    /// `text` (one readable line per event) or `json` (one object per line).
    pub log_format: String,
    /// One log line per request (off by default: it costs a write per request).
    pub access_log: bool,
    pub limits: Limits,
    pub database: Database,
    /// `[kv]`: where `kv()` goes.
    pub kv: Kv,
    pub client: Client,
    /// `[env]`: names and values every script reads as `env.NAME`.
    pub env: std::collections::BTreeMap<String, String>,
    pub secrets: Secrets,
    /// `[compression]`: answers compressed by `Accept-Encoding` (Brotli,
    /// else gzip), for compressible types at or above `min_bytes`; request
    /// bodies decoded when `requests` is on.
    pub compression: gateway::compress::Compression,
    /// `[https]`: the TLS listener (with `[[tls]]`).
    pub https: Https,
    /// `[[tls]]`: the certificates the TLS listener serves, by SNI.
    pub tls: Vec<TlsCertificate>,
    /// `[http2]`: HTTP/2 over TLS (ALPN) and cleartext (prior knowledge).
    pub http2: gateway::h2::Http2,
    /// `[upstreams.NAME]`: pools scripts proxy to by name.
    pub upstreams: std::collections::BTreeMap<String, gateway::upstream_config::UpstreamConfig>,
}

/// `[https]`: where TLS is terminated.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Https {
    /// Where the TLS listener listens; off when unset.
    #[serde(deserialize_with = "optional_address")]
    pub listen: Option<SocketAddr>,
    /// `listen` (cleartext) answers every request with a 308 to HTTPS.
    pub redirect: bool,
    /// Session resumption by tickets (a key every core shares).
    pub tickets: bool,
    /// Sessions each core keeps for resumption by id (TLS 1.2 clients
    /// without tickets; TLS 1.3 when tickets are off); 0: none.
    pub session_cache: usize,
}

impl Default for Https {
    fn default() -> Https {
        Https {
            listen: None,
            redirect: false,
            tickets: true,
            session_cache: 4096,
        }
    }
}

/// One `[[tls]]` entry: a certificate chain and its key (PEM files).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TlsCertificate {
    pub cert: PathBuf,
    pub key: PathBuf,
    /// Server names it answers for (`*.example.com` too); empty: the
    /// names in the certificate.
    pub names: Vec<String>,
    /// For clients whose SNI names no entry; the first entry otherwise.
    pub default: bool,
    /// A DER OCSP response to staple.
    pub ocsp: Option<PathBuf>,
}

/// `[secrets]`: values scripts read as `env.NAME` like `[env]`'s, which
/// no log line or error answer shows. From `NAME=value` lines in `file`
/// and from the environment's `KITWORK_SECRET_NAME` variables (which win).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Secrets {
    pub file: Option<PathBuf>,
}

/// How a secret's variable starts in the environment.
const SECRET_PREFIX: &str = "KITWORK_SECRET_";

/// `[client]`: how `http()` connects.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Client {
    /// PEM certificates `https://` requests trust besides the public roots
    /// (a private CA, a test certificate).
    pub ca_file: Option<PathBuf>,
    /// Networks `http()` may reach; empty: any not denied.
    pub allow: Vec<String>,
    /// Networks `http()` may not reach (default: link-local, where cloud
    /// metadata services answer).
    pub deny: Vec<String>,
}

impl Default for Client {
    fn default() -> Client {
        Client {
            ca_file: None,
            allow: Vec::new(),
            deny: runtime::egress::DEFAULT_DENY
                .iter()
                .map(|s| s.to_string())
                .collect(),
        }
    }
}

/// `[database]`: where `db()` goes.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Database {
    /// `sqlite://file.db` (created on first use) or `postgres://user@host/db`.
    pub url: String,
    /// Folder of `.sql` migrations `kitwork serve` applies at start when it
    /// exists (`kitwork migrate` applies them on demand); "" turns that off.
    pub migrations: PathBuf,
    /// How long one statement may run before it is stopped (an error).
    pub timeout_ms: u64,
    /// When set, the only tables `db().table()` may name.
    pub tables: Option<Vec<String>>,
    /// PostgreSQL read replicas (`postgres://…`): a request's reads
    /// outside a transaction, before it writes, go to them in turn.
    pub replicas: Vec<String>,
    /// A replica further behind its primary than this is not read from.
    pub replica_lag_ms: u64,
}

impl Default for Database {
    fn default() -> Database {
        Database {
            url: "sqlite://kitwork.db".into(),
            migrations: PathBuf::from("migrations"),
            timeout_ms: 30_000,
            tables: None,
            replicas: Vec::new(),
            replica_lag_ms: 1000,
        }
    }
}

/// `[kv]`: the store `kv()` reads and writes.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Kv {
    /// `local` (each core's own memory, nothing shared) or
    /// `redis://[[user]:password@]host[:port][/db]`.
    pub url: String,
    /// How long a command may wait for Redis (and a connection be made).
    pub timeout_ms: u64,
    /// What the local store may hold on each core, in bytes; the least
    /// recently used entries go first past it.
    pub local_bytes: usize,
    /// What `limit(…, { scope: "cluster" })` does while the store cannot be
    /// reached: `open` lets requests through, `closed` fails them (503).
    pub limit_fail: String,
}

impl Default for Kv {
    fn default() -> Kv {
        Kv {
            url: "local".into(),
            timeout_ms: runtime::kv::TIMEOUT.as_millis() as u64,
            local_bytes: runtime::kv::LOCAL_BYTES,
            limit_fail: "open".into(),
        }
    }
}

impl Kv {
    /// What every core's store is built from.
    pub fn setup(&self) -> Result<runtime::kv::Setup, String> {
        Ok(runtime::kv::Setup {
            target: runtime::kv::Target::parse(&self.url).map_err(|e| format!("`kv.url`: {e}"))?,
            timeout: Duration::from_millis(self.timeout_ms),
            local_bytes: self.local_bytes,
            limit_fail_open: match self.limit_fail.as_str() {
                "open" => true,
                "closed" => false,
                other => {
                    return Err(format!(
                        "`kv.limit_fail` must be open or closed (got {other:?})"
                    ));
                }
            },
        })
    }
}

impl Default for Config {
    fn default() -> Config {
        Config {
            listen: "127.0.0.1:8080".parse().unwrap(),
            cores: None,
            io: Io::Epoll,
            work_dir: PathBuf::from("work"),
            watch: true,
            admin_listen: None,
            admin_token: None,
            admin_token_file: PathBuf::from(".kitwork-admin-token"),
            dev: false,
            log_level: "info".into(),
            log_format: "text".into(),
            access_log: false,
            limits: Limits::default(),
            database: Database::default(),
            kv: Kv::default(),
            client: Client::default(),
            env: Default::default(),
            secrets: Secrets::default(),
            compression: Default::default(),
            https: Https::default(),
            tls: Vec::new(),
            http2: Default::default(),
            upstreams: Default::default(),
        }
    }
}

/// Values given on the command line or in the environment.
#[derive(Default, Debug)]
pub struct Overrides {
    pub listen: Option<SocketAddr>,
    pub cores: Option<usize>,
    pub io: Option<Io>,
    pub work_dir: Option<PathBuf>,
    pub dev: bool,
    pub instructions: Option<u64>,
    pub memory: Option<usize>,
    pub database_url: Option<String>,
    pub kv_url: Option<String>,
    pub ca_file: Option<PathBuf>,
    pub admin_listen: Option<SocketAddr>,
}

impl Config {
    /// Reads `path` (if given, it must exist; `kitwork.toml` in the current
    /// folder is read when present) and applies the overrides.
    pub fn load(path: Option<&Path>, overrides: Overrides) -> Result<Config, String> {
        let file = match path {
            Some(p) => Some(p.to_path_buf()),
            None => Some(PathBuf::from("kitwork.toml")).filter(|p| p.exists()),
        };
        let mut config = match &file {
            Some(p) => {
                let text = std::fs::read_to_string(p)
                    .map_err(|e| format!("cannot read {}: {e}", p.display()))?;
                Config::parse(&text).map_err(|e| format!("{}: {e}", p.display()))?
            }
            None => Config::default(),
        };
        if let Some(v) = overrides.listen {
            config.listen = v;
        }
        if let Some(v) = overrides.cores {
            config.cores = Some(Cores::Count(v));
        }
        if let Some(v) = overrides.io {
            config.io = v;
        }
        if let Some(v) = overrides.work_dir {
            config.work_dir = v;
        }
        config.dev |= overrides.dev;
        if let Some(v) = overrides.instructions {
            config.limits.instructions = v;
        }
        if let Some(v) = overrides.memory {
            config.limits.memory = v;
        }
        if let Some(v) = overrides.database_url {
            config.database.url = v;
        }
        if let Some(v) = overrides.kv_url {
            config.kv.url = v;
        }
        if let Some(v) = overrides.ca_file {
            config.client.ca_file = Some(v);
        }
        if let Some(v) = overrides.admin_listen {
            config.admin_listen = Some(v);
        }
        config.validate()?;
        Ok(config)
    }

    /// What scripts read as `env`: `[env]`, then the secrets file's lines,
    /// then `KITWORK_SECRET_*` variables (a later name wins); and the
    /// secrets' values, to keep out of logs.
    /// What every generation gets: scripts' `env` and the upstream pools.
    pub fn settings(&self) -> Result<(gateway::Settings, Vec<String>), String> {
        let (env, secrets) = self.script_env()?;
        let upstreams = gateway::upstream_config::upstreams(&self.upstreams)?;
        Ok((
            gateway::Settings {
                env: env.into(),
                upstreams,
            },
            secrets,
        ))
    }

    pub fn script_env(&self) -> Result<(Vec<(String, String)>, Vec<String>), String> {
        let mut vars: Vec<(String, String)> = self
            .env
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let mut secrets = Vec::new();
        let mut add = |vars: &mut Vec<(String, String)>, k: &str, v: &str| {
            vars.retain(|(n, _)| n != k);
            vars.push((k.to_string(), v.to_string()));
            secrets.push(v.to_string());
        };
        if let Some(file) = &self.secrets.file {
            let text = std::fs::read_to_string(file)
                .map_err(|e| format!("`secrets.file`: cannot read {}: {e}", file.display()))?;
            for (n, line) in text.lines().enumerate() {
                let line = line.trim();
                if line.is_empty() || line.starts_with('#') {
                    continue;
                }
                match line.split_once('=') {
                    Some((k, v)) if !k.trim().is_empty() => add(&mut vars, k.trim(), v.trim()),
                    // The line may be a secret: it is not quoted back.
                    _ => {
                        return Err(format!(
                            "`secrets.file`: {} line {}: expected NAME=value",
                            file.display(),
                            n + 1
                        ));
                    }
                }
            }
        }
        let mut from_env: Vec<(String, String)> = std::env::vars()
            .filter_map(|(k, v)| Some((k.strip_prefix(SECRET_PREFIX)?.to_string(), v)))
            .filter(|(k, _)| !k.is_empty())
            .collect();
        from_env.sort();
        for (k, v) in from_env {
            add(&mut vars, &k, &v);
        }
        Ok((vars, secrets))
    }

    pub fn parse(text: &str) -> Result<Config, String> {
        toml::from_str(text).map_err(|e| e.to_string().trim_end().to_string())
    }

    fn validate(&self) -> Result<(), String> {
        let l = &self.limits;
        let positive = [
            ("limits.request_line", l.request_line as u64),
            ("limits.header_bytes", l.header_bytes as u64),
            ("limits.headers", l.headers as u64),
            ("limits.header_timeout_ms", l.header_timeout_ms),
            ("limits.body_timeout_ms", l.body_timeout_ms),
            ("limits.idle_timeout_ms", l.idle_timeout_ms),
            ("limits.send_timeout_ms", l.send_timeout_ms),
            ("limits.output_buffer", l.output_buffer as u64),
            ("limits.instructions", l.instructions),
            ("limits.memory", l.memory as u64),
            ("limits.background", l.background as u64),
            ("database.timeout_ms", self.database.timeout_ms),
            ("kv.timeout_ms", self.kv.timeout_ms),
            ("kv.local_bytes", self.kv.local_bytes as u64),
        ];
        for (key, v) in positive {
            if v == 0 {
                return Err(format!("`{key}` must be greater than 0"));
            }
        }
        // Deadlines are computed from these: a year is plenty, and no
        // clock overflows.
        let year_ms = 365 * 24 * 3600 * 1000;
        for (key, v) in [
            ("limits.header_timeout_ms", l.header_timeout_ms),
            ("limits.body_timeout_ms", l.body_timeout_ms),
            ("limits.idle_timeout_ms", l.idle_timeout_ms),
            ("limits.send_timeout_ms", l.send_timeout_ms),
            ("limits.drain_timeout_ms", l.drain_timeout_ms),
            ("limits.drain_delay_ms", l.drain_delay_ms),
            ("database.timeout_ms", self.database.timeout_ms),
            ("kv.timeout_ms", self.kv.timeout_ms),
        ] {
            if v > year_ms {
                return Err(format!("`{key}` can be at most {year_ms} (a year)"));
            }
        }
        let c = &self.compression;
        if !(1..=9).contains(&c.gzip_level) {
            return Err(format!(
                "`compression.gzip_level` must be 1 to 9 (got {})",
                c.gzip_level
            ));
        }
        if c.brotli_quality > 11 {
            return Err(format!(
                "`compression.brotli_quality` must be 0 to 11 (got {})",
                c.brotli_quality
            ));
        }
        match (self.https.listen, self.tls.is_empty()) {
            (Some(_), true) => {
                return Err("`https.listen` needs at least one `[[tls]]` certificate".into());
            }
            (None, false) => {
                return Err(
                    "`[[tls]]` certificates need `https.listen` (where TLS listens)".into(),
                );
            }
            _ => {}
        }
        if self.https.redirect && self.https.listen.is_none() {
            return Err("`https.redirect` needs `https.listen`".into());
        }
        if self.tls.iter().filter(|c| c.default).count() > 1 {
            return Err("only one `[[tls]]` certificate can be the default".into());
        }
        let h2 = &self.http2;
        if h2.max_streams == 0 {
            return Err("`http2.max_streams` must be greater than 0".into());
        }
        // RFC 9113 §6.5.2: windows are 65,535 to 2^31 - 1.
        for (key, v) in [
            ("http2.stream_window", h2.stream_window),
            ("http2.connection_window", h2.connection_window),
        ] {
            if !(65_535..=0x7fff_ffff).contains(&v) {
                return Err(format!("`{key}` must be 65535 to 2147483647 (got {v})"));
            }
        }
        if self.admin_listen.is_some_and(|a| a == self.listen) {
            return Err("`admin_listen` must differ from `listen`: the admin endpoints are never on the public port".into());
        }
        runtime::db::Target::parse(&self.database.url)
            .map_err(|e| format!("`database.url`: {e}"))?;
        self.kv.setup()?;
        if !self.database.replicas.is_empty() {
            if !matches!(
                runtime::db::Target::parse(&self.database.url),
                Ok(runtime::db::Target::Postgres(_))
            ) {
                return Err("`database.replicas` needs a postgres:// `database.url`".into());
            }
            self.open_replicas()?;
        }
        if l.headers > gateway::http::MAX_HEADERS {
            return Err(format!(
                "`limits.headers` can be at most {}",
                gateway::http::MAX_HEADERS
            ));
        }
        match &self.cores {
            Some(Cores::Count(0)) => return Err("`cores` must be at least 1".into()),
            Some(Cores::List(l)) if l.is_empty() => {
                return Err("`cores` must list at least one core".into());
            }
            _ => {}
        }
        if !["text", "json"].contains(&self.log_format.as_str()) {
            return Err(format!(
                "`log_format` must be text or json (got \"{}\")",
                self.log_format
            ));
        }
        if !["error", "warn", "info", "debug"].contains(&self.log_level.as_str()) {
            return Err(format!(
                "`log_level` must be one of error, warn, info, debug (got \"{}\")",
                self.log_level
            ));
        }
        Ok(())
    }

    /// The CPU ids to pin workers to.
    pub fn core_ids(&self) -> Vec<usize> {
        let all = std::thread::available_parallelism().map_or(1, |n| n.get());
        match &self.cores {
            None => (0..all).collect(),
            Some(Cores::Count(n)) => (0..*n).map(|i| i % all).collect(),
            Some(Cores::List(l)) => l.clone(),
        }
    }

    /// The read replicas (`database.replicas`): PostgreSQL, beside a
    /// PostgreSQL primary.
    pub fn open_replicas(&self) -> Result<Vec<runtime::db::Shared>, String> {
        self.database
            .replicas
            .iter()
            .map(|url| match runtime::db::Target::parse(url) {
                Ok(t @ runtime::db::Target::Postgres(_)) => runtime::db::Shared::open(&t),
                Ok(_) => Err(format!(
                    "`database.replicas`: {url:?} is not a postgres:// URL"
                )),
                Err(e) => Err(format!("`database.replicas`: {e}")),
            })
            .collect()
    }

    /// The database every core shares (SQLite's threads start here).
    pub fn open_database(&self) -> Result<runtime::db::Shared, String> {
        runtime::db::Shared::from_url(&self.database.url)
    }

    /// What every core's I/O is built from. A bad CA file is an error; a
    /// database that cannot be set up is one only when a script uses it.
    pub fn setup(&self) -> Result<runtime::Setup, String> {
        let tls = runtime::http::tls_config(self.client.ca_file.as_deref())
            .map_err(|e| format!("`client.ca_file`: {e}"))?;
        let egress = runtime::egress::Egress::from_lists(&self.client.allow, &self.client.deny)
            .map_err(|e| format!("`client.allow` / `client.deny`: {e}"))?;
        Ok(runtime::Setup {
            database: Some(self.open_database()),
            tls,
            db_timeout: Duration::from_millis(self.database.timeout_ms),
            egress: std::sync::Arc::new(egress),
            tables: self.database.tables.clone().map(std::sync::Arc::new),
            kv: self.kv.setup()?,
            replicas: self.open_replicas()?,
            replica_lag: Duration::from_millis(self.database.replica_lag_ms),
            warn: crate::log::warn,
        })
    }

    /// The admin token: configured, or made now and written to
    /// `admin_token_file` readable by this user only.
    pub fn make_admin_token(&self) -> Result<String, String> {
        if let Some(t) = &self.admin_token {
            return Ok(t.clone());
        }
        let token = uuid::Uuid::new_v4().simple().to_string();
        use std::io::Write;
        use std::os::unix::fs::OpenOptionsExt;
        let path = &self.admin_token_file;
        let _ = std::fs::remove_file(path);
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(path)
            .and_then(|mut f| f.write_all(token.as_bytes()))
            .map_err(|e| format!("cannot write the admin token to {}: {e}", path.display()))?;
        Ok(token)
    }

    /// The admin token a client (`kitwork reload`) sends: configured, or
    /// the one `serve` wrote.
    pub fn read_admin_token(&self) -> Option<String> {
        self.admin_token.clone().or_else(|| {
            std::fs::read_to_string(&self.admin_token_file)
                .ok()
                .map(|t| t.trim().to_string())
        })
    }

    /// The TLS listener's settings, when it is configured.
    pub fn tls_settings(&self) -> Option<gateway::tls::Settings> {
        self.https.listen?;
        let certificates = self
            .tls
            .iter()
            .map(|c| gateway::tls::Certificate {
                cert: c.cert.clone(),
                key: c.key.clone(),
                names: c.names.clone(),
                default: c.default,
                ocsp: c.ocsp.clone(),
            })
            .collect();
        Some(gateway::tls::Settings {
            certificates,
            http2: self.http2.enabled,
            tickets: self.https.tickets,
        })
    }

    pub fn http_limits(&self) -> gateway::http::HttpLimits {
        let l = &self.limits;
        gateway::http::HttpLimits {
            request_line: l.request_line,
            header_bytes: l.header_bytes,
            headers: l.headers,
            body: l.body,
            header_timeout: Duration::from_millis(l.header_timeout_ms),
            body_timeout: Duration::from_millis(l.body_timeout_ms),
            idle_timeout: Duration::from_millis(l.idle_timeout_ms),
            send_timeout: Duration::from_millis(l.send_timeout_ms),
            output_buffer: l.output_buffer,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_full_file() {
        let c = Config::parse(
            r#"
            listen = "0.0.0.0:9000"
            cores = [0, 1]
            io = "epoll"
            work_dir = "routes"
            dev = true
            [limits]
            body = 2048
            instructions = 5000
            "#,
        )
        .unwrap();
        assert_eq!(c.listen.port(), 9000);
        assert_eq!(c.cores, Some(Cores::List(vec![0, 1])));
        assert_eq!(
            (c.limits.body, c.limits.instructions, c.limits.headers),
            (2048, 5000, 100)
        );
    }

    #[test]
    fn errors_name_the_key() {
        let e = Config::parse("listen = \"nowhere\"").unwrap_err();
        assert!(e.contains("listen"), "{e}");
        let e = Config::parse("[limits]\nbogus = 1").unwrap_err();
        assert!(e.contains("bogus"), "{e}");
        let e = Config::parse("io = \"kqueue\"").unwrap_err();
        assert!(e.contains("io") && e.contains("kqueue"), "{e}");
        let e = Config::parse("cores = \"two\"").unwrap_err();
        assert!(
            e.contains("a number of cores") && !e.contains("untagged"),
            "{e}"
        );
        let c = Config::parse("listen = \"localhost:8080\"").unwrap();
        assert!(c.listen.ip().is_loopback() && c.listen.port() == 8080);
        let mut c = Config::default();
        c.limits.headers = 500;
        assert!(c.validate().unwrap_err().contains("limits.headers"));
        // The gateway's own settings, read as they are: unknown keys refused.
        for (text, key) in [
            ("[http2]\nmax_stream = 1", "max_stream"),
            ("[compression]\ngzip = 1", "gzip"),
            ("[https]\nport = 1", "port"),
            ("[[tls]]\ncertificate = \"a.pem\"", "certificate"),
        ] {
            let e = Config::parse(text).unwrap_err();
            assert!(e.contains(key), "{e}");
        }
        let c = Config::parse("[http2]\nmax_streams = 7\n[compression]\nrequests = true").unwrap();
        assert_eq!((c.http2.max_streams, c.http2.enabled), (7, true));
        assert!(c.compression.requests && c.compression.enabled);
        // TLS needs both its listener and a certificate.
        let c = Config::parse("[https]\nlisten = \"127.0.0.1:0\"").unwrap();
        assert!(c.validate().unwrap_err().contains("[[tls]]"));
        let mut c = Config::parse("[http2]\nstream_window = 100").unwrap();
        assert!(c.validate().unwrap_err().contains("http2.stream_window"));
        c.http2.stream_window = 65_535;
        assert!(c.validate().is_ok());
    }
}

/// `io = "auto" | "uring" | "epoll"`.
fn io_driver<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Io, D::Error> {
    let name = String::deserialize(d)?;
    Io::from_name(&name).ok_or_else(|| {
        serde::de::Error::custom(format!(
            "unknown io driver {name:?}: expected \"auto\", \"uring\" or \"epoll\""
        ))
    })
}
