//! What scripts wait on, and the driver that waits for them: a run that
//! suspends (`sleep`, `db()`, `http()`, `kv()`, `parallel()`, `transaction()`) is
//! resumed here once its answer is in, on the core's monoio executor, while
//! the core serves other requests.
//!
//! | module | owns |
//! |---|---|
//! | [`lifecycle`] | one run from start to its `defer()` functions, its `go()` functions handed back; `run_to_completion` |
//! | [`driver`] | running fibers to their end, answering each `vm::io::PendingOp` |
//! | [`db`] | SQLite (a thread pool) and PostgreSQL (per core), transactions, migrations |
//! | [`http`], [`egress`] | the HTTP client; which addresses it may reach |
//! | [`kv`] | `kv()`'s store: Redis (one pipelined connection per core) or the core's own memory |
//! | [`content_hash`] | the generation hash and migration checksums |
//!
//! This file: `Setup` (what the process gives each core) and `Services`
//! (one core's database handle and HTTP client).

pub mod content_hash;
pub mod db;
pub mod driver;
pub mod egress;
pub mod http;
pub mod kv;
pub mod lifecycle;

/// How long one statement may run unless `database.timeout_ms` says otherwise.
pub const DB_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// What the process gives every core to build its services from.
#[derive(Clone)]
pub struct Setup {
    /// The database: `None` when none is configured, an error when it
    /// could not be set up (`db()` then throws it).
    pub database: Option<Result<db::Shared, String>>,
    /// What `https://` requests trust.
    pub tls: std::sync::Arc<rustls::ClientConfig>,
    /// How long one statement may run.
    pub db_timeout: std::time::Duration,
    /// Which addresses `http()` may reach.
    pub egress: std::sync::Arc<egress::Egress>,
    /// The tables `db().table()` may name (`database.tables`), if listed.
    pub tables: Option<std::sync::Arc<Vec<String>>>,
    /// Where `kv()` goes.
    pub kv: kv::Setup,
    /// PostgreSQL read replicas (`database.replicas`), and how far behind
    /// one may be and still be read from.
    pub replicas: Vec<db::Shared>,
    pub replica_lag: std::time::Duration,
    /// Where the services' own warnings go (a replica no longer read
    /// from, and read from again): the gateway's log; stderr by default.
    pub warn: fn(&str),
}

fn warn_on_stderr(message: &str) {
    eprintln!("{message}");
}

impl Setup {
    /// No database; the public web's certificate roots.
    pub fn new() -> Setup {
        Setup {
            database: None,
            tls: http::tls_config(None).expect("the built-in roots are valid"),
            db_timeout: DB_TIMEOUT,
            egress: Default::default(),
            tables: None,
            kv: kv::Setup::default(),
            replicas: Vec::new(),
            replica_lag: std::time::Duration::from_secs(1),
            warn: warn_on_stderr,
        }
    }

    pub fn with_database(mut self, database: Result<db::Shared, String>) -> Setup {
        self.database = Some(database);
        self
    }
}

impl Default for Setup {
    fn default() -> Setup {
        Setup::new()
    }
}

impl std::fmt::Debug for Setup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Setup")
            .field("database", &self.database)
            .finish_non_exhaustive()
    }
}

/// The services one core offers its scripts.
pub struct Services {
    /// `None` when no database is configured (or its URL is bad: `db_error`).
    pub db: Option<db::Database>,
    pub db_error: Option<String>,
    pub db_timeout: std::time::Duration,
    /// Shared with the tasks that carry `fetch` requests (driver.rs).
    pub http: std::rc::Rc<http::Client>,
    pub kv: kv::Store,
    /// Where reads may go instead of `db` (empty: none configured).
    pub replicas: db::replicas::Replicas,
}

impl Services {
    /// Whether the stores this core's scripts use answer now: the
    /// database runs `SELECT 1`, Redis (when `kv.url` names it) answers
    /// `PING`, each within `limit`. Why not, when one does not.
    pub async fn ready(&self, limit: std::time::Duration) -> Result<(), String> {
        if let Some(e) = &self.db_error {
            return Err(format!("database: {e}"));
        }
        if let Some(db) = &self.db {
            let mut st = vm::io::statement::Statement::new(
                "SELECT 1".into(),
                Vec::new(),
                vm::io::statement::Expect::Raw,
            );
            st.max_bytes = 1 << 16;
            st.deadline = Some(std::time::Instant::now() + limit);
            match monoio::time::timeout(limit, db.run(Box::new(st), None)).await {
                Ok((Ok(_), _)) => {}
                Ok((Err(e), _)) => return Err(format!("database: {}", e.message())),
                Err(_) => {
                    return Err(format!(
                        "database: no answer within {} ms",
                        limit.as_millis()
                    ));
                }
            }
        }
        if let kv::Store::Redis(_) | kv::Store::Cluster(_) = &self.kv {
            let mut ping = vm::io::kv::Command::default();
            ping.word(b"PING");
            match monoio::time::timeout(limit, self.kv.run(&ping)).await {
                Ok(Ok(_)) => {}
                Ok(Err(e)) => return Err(format!("kv: {}", e.message())),
                Err(_) => return Err(format!("kv: no answer within {} ms", limit.as_millis())),
            }
        }
        Ok(())
    }

    /// This core's services, built on its own thread (PostgreSQL
    /// connections and HTTP connections belong to one core).
    pub fn new(setup: &Setup) -> Services {
        let (db, db_error) = match &setup.database {
            None => (None, None),
            Some(Ok(shared)) => (Some(shared.for_core(setup.db_timeout)), None),
            Some(Err(e)) => (None, Some(e.clone())),
        };
        Services {
            db,
            db_error,
            db_timeout: setup.db_timeout,
            http: std::rc::Rc::new(http::Client::new(setup.tls.clone(), setup.egress.clone())),
            kv: kv::Store::new(&setup.kv, setup.tls.clone()),
            replicas: db::replicas::Replicas::new(
                setup
                    .replicas
                    .iter()
                    .map(|r| (r.for_core(setup.db_timeout), r.label()))
                    .collect(),
                setup.replica_lag,
                setup.warn,
            ),
        }
    }
}
