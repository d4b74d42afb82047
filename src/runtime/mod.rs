//! What scripts wait on, and the driver that waits for them: a run that
//! suspends (`sleep`, `db()`, `http()`, `parallel()`, `transaction()`) is
//! resumed here once its answer is in, on the core's monoio executor, while
//! the core serves other requests.

pub mod db;
pub mod driver;

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64() * 1000.0)
        .unwrap_or(0.0)
}

/// The services one core offers its scripts.
#[derive(Default)]
pub struct Services {
    /// `None` when no database is configured (or its URL is bad: `db_error`).
    pub db: Option<db::Database>,
    pub db_error: Option<String>,
}

impl Services {
    /// This core's services: `db` is the process's database, or why it
    /// could not be set up, or `None` when none is configured.
    pub fn new(db: Option<&Result<db::Shared, String>>) -> Services {
        match db {
            None => Services::default(),
            Some(Ok(shared)) => Services {
                db: Some(shared.for_core()),
                db_error: None,
            },
            Some(Err(e)) => Services {
                db: None,
                db_error: Some(e.clone()),
            },
        }
    }
}
