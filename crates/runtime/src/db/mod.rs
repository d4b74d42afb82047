//! `db()`: the query builder's state, the statements it produces, and the
//! two backends that run them — SQLite (embedded, the default) on a small
//! thread pool, and PostgreSQL on each core's executor.

pub mod migrate;
pub mod postgres;
pub mod replicas;
pub mod sqlite;

use std::rc::Rc;

pub use vm::io::statement::{
    Answer, DbError, Expect, Part, SqlValue, Statement, Table, too_large, value_bytes,
};

/// Where the database is, from `database.url`.
#[derive(Clone, Debug)]
pub enum Target {
    /// `sqlite://path` (relative to the working directory) or `sqlite::memory:`.
    Sqlite(String),
    /// `postgres://…` / `postgresql://…`.
    Postgres(String),
}

impl Target {
    pub fn parse(url: &str) -> Result<Target, String> {
        if let Some(rest) = url.strip_prefix("sqlite://") {
            if rest.is_empty() {
                return Err("sqlite:// needs a file name, as in sqlite://kitwork.db".into());
            }
            Ok(Target::Sqlite(rest.to_string()))
        } else if url == "sqlite::memory:" {
            Ok(Target::Sqlite(":memory:".into()))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Target::Postgres(url.to_string()))
        } else {
            Err(format!(
                "unsupported database url {url:?}: use sqlite://file.db or postgres://user@host/db"
            ))
        }
    }
}

/// The database as the whole process shares it: SQLite's thread pool is
/// one for all cores; PostgreSQL keeps only its settings here, and each
/// core opens its own connections.
#[derive(Clone)]
pub enum Shared {
    Sqlite(std::sync::Arc<sqlite::Pool>),
    Postgres(std::sync::Arc<tokio_postgres::Config>),
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Shared::Sqlite(_) => f.write_str("Shared::Sqlite"),
            Shared::Postgres(_) => f.write_str("Shared::Postgres"),
        }
    }
}

impl Shared {
    /// Where it is, for log lines: PostgreSQL's `host:port`s (no user, no
    /// password), or "SQLite".
    pub fn label(&self) -> String {
        match self {
            Shared::Sqlite(_) => "SQLite".into(),
            Shared::Postgres(c) => {
                let hosts: Vec<String> = postgres::hosts(c)
                    .map(|(h, port)| format!("{}:{port}", h.unwrap_or("(a socket)")))
                    .collect();
                hosts.join(",")
            }
        }
    }

    /// `Target::parse`, then `open`.
    pub fn from_url(url: &str) -> Result<Shared, String> {
        Shared::open(&Target::parse(url)?)
    }

    pub fn open(target: &Target) -> Result<Shared, String> {
        match target {
            Target::Sqlite(path) => Ok(Shared::Sqlite(std::sync::Arc::new(sqlite::Pool::new(
                path,
            )?))),
            Target::Postgres(url) => {
                let config: tokio_postgres::Config =
                    url.parse().map_err(|e| format!("bad postgres url: {e}"))?;
                Ok(Shared::Postgres(std::sync::Arc::new(config)))
            }
        }
    }

    /// This core's handle on the database; statements run at most `timeout`.
    pub fn for_core(&self, timeout: std::time::Duration) -> Database {
        match self {
            Shared::Sqlite(p) => Database::Sqlite(p.clone()),
            Shared::Postgres(c) => {
                Database::Postgres(Rc::new(postgres::Pool::new(c.clone(), timeout)))
            }
        }
    }
}

/// One core's database.
#[derive(Clone)]
pub enum Database {
    Sqlite(std::sync::Arc<sqlite::Pool>),
    Postgres(Rc<postgres::Pool>),
}

/// What running a statement gave, and the statement, for reuse.
pub type Ran = (Result<Answer, DbError>, Option<Box<Statement>>);

/// A transaction in progress: the one connection its statements use.
pub enum Tx {
    Sqlite(sqlite::Lease),
    Postgres(postgres::Lease),
}

impl Database {
    /// Runs one statement, inside `tx` when given; hands the statement
    /// back (when it came back) so its buffers serve the next one.
    pub async fn run(&self, st: Box<Statement>, tx: Option<&Tx>) -> Ran {
        match (self, tx) {
            (Database::Sqlite(p), Some(Tx::Sqlite(lease))) => p.run_leased(lease, st).await,
            (Database::Sqlite(p), _) => p.run(st).await,
            (Database::Postgres(_), Some(Tx::Postgres(lease))) => lease.run(st).await,
            (Database::Postgres(p), _) => p.run(st).await,
        }
    }

    /// Takes a connection for a transaction and sends `BEGIN` on it.
    pub async fn begin(&self) -> Result<Tx, DbError> {
        match self {
            Database::Sqlite(p) => Ok(Tx::Sqlite(p.begin().await?)),
            Database::Postgres(p) => Ok(Tx::Postgres(p.begin().await?)),
        }
    }

    /// Commits (`ok`) or rolls back, and gives the connection back.
    pub async fn finish(&self, tx: Tx, ok: bool) -> Result<(), DbError> {
        match (self, tx) {
            (Database::Sqlite(p), Tx::Sqlite(lease)) => p.finish(lease, ok).await,
            (Database::Postgres(p), Tx::Postgres(lease)) => p.finish(lease, ok).await,
            _ => Err(DbError::Query("transaction from another database".into())),
        }
    }
}
