//! SQLite through rusqlite (bundled, so nothing needs installing). Its calls
//! block, so they run on a small pool of threads of their own; a core sends
//! a job and awaits the answer without blocking its executor.

use super::{Answer, DbError, Expect, Ran, SqlValue, Statement, Table, too_large, value_bytes};
use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{Connection, OpenFlags};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};

/// Threads running SQLite calls. SQLite writes one at a time anyway; a few
/// threads let reads overlap a write (WAL).
const THREADS: usize = 4;

/// Most threads when every one is busy: a job that finds none idle starts
/// another, so a few runaway statements (each stopped at
/// `database.timeout_ms`) cannot keep every other query waiting — four of
/// them held every db route for 29.5 s with a fixed four. The extra
/// threads end after `EXTRA_IDLE` without work.
const MAX_THREADS: usize = 32;
const EXTRA_IDLE: std::time::Duration = std::time::Duration::from_secs(10);

/// The pool's threads: the job queue they share and how many there are.
struct Workers {
    jobs: Mutex<mpsc::Receiver<Job>>,
    running: AtomicUsize,
    idle: AtomicUsize,
    /// Jobs sent and not yet taken by a thread.
    queued: AtomicUsize,
}

impl Workers {
    /// Starts a thread; `extra` ones end after `EXTRA_IDLE` without work.
    fn spawn(self: &Arc<Self>, extra: bool) -> std::io::Result<()> {
        let me = self.clone();
        self.running.fetch_add(1, Ordering::SeqCst);
        let n = self.running.load(Ordering::SeqCst);
        let started = std::thread::Builder::new()
            .name(format!("kitwork-sqlite-{n}"))
            .spawn(move || me.work(extra));
        if started.is_err() {
            self.running.fetch_sub(1, Ordering::SeqCst);
        }
        started.map(|_| ())
    }

    fn work(&self, extra: bool) {
        loop {
            self.idle.fetch_add(1, Ordering::SeqCst);
            let job = match self.jobs.lock() {
                Ok(r) if extra => r.recv_timeout(EXTRA_IDLE).map_err(|_| ()),
                Ok(r) => r.recv().map_err(|_| ()),
                Err(_) => Err(()),
            };
            self.idle.fetch_sub(1, Ordering::SeqCst);
            match job {
                Ok(job) => {
                    self.queued.fetch_sub(1, Ordering::SeqCst);
                    job()
                }
                Err(()) => {
                    self.running.fetch_sub(1, Ordering::SeqCst);
                    return;
                }
            }
        }
    }
}

type Job = Box<dyn FnOnce() + Send>;

pub struct Pool {
    /// What `Connection::open_with_flags` gets (a URI for shared memory).
    path: String,
    idle: Mutex<Vec<Connection>>,
    jobs: Mutex<mpsc::Sender<Job>>,
    workers: Arc<Workers>,
    /// One transaction at a time (SQLite has one writer anyway): waiting
    /// here, on the cores, keeps transactions from blocking the threads on
    /// each other's write lock until the busy timeout.
    writer: Arc<tokio::sync::Semaphore>,
}

/// A connection taken out of the pool for one transaction.
pub struct Lease(Arc<Mutex<Connection>>, tokio::sync::OwnedSemaphorePermit);

/// A bound value as SQLite takes it.
struct Param<'a>(&'a SqlValue);

impl rusqlite::ToSql for Param<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(match self.0 {
            SqlValue::Null => ValueRef::Null,
            SqlValue::Bool(b) => ValueRef::Integer(*b as i64),
            SqlValue::Int(i) => ValueRef::Integer(*i),
            SqlValue::Real(f) => ValueRef::Real(*f),
            SqlValue::Text(s) => ValueRef::Text(s.as_bytes()),
        }))
    }
}

fn from_sqlite(v: ValueRef<'_>) -> SqlValue {
    match v {
        ValueRef::Null => SqlValue::Null,
        ValueRef::Integer(i) => SqlValue::Int(i),
        ValueRef::Real(f) => SqlValue::Real(f),
        ValueRef::Text(t) | ValueRef::Blob(t) => {
            SqlValue::Text(String::from_utf8_lossy(t).into_owned())
        }
    }
}

fn query_error(e: rusqlite::Error) -> DbError {
    use rusqlite::ErrorCode::*;
    match e.sqlite_error_code() {
        Some(CannotOpen | NotADatabase | DatabaseCorrupt | SystemIoFailure | DiskFull) => {
            DbError::Unavailable(e.to_string())
        }
        _ => DbError::Query(e.to_string()),
    }
}

/// Runs `st` on `conn`, interrupted at its deadline; rows go into `st.rows`.
pub fn execute(conn: &mut Connection, st: &mut Statement) -> Result<Answer, DbError> {
    let deadline = st.deadline;
    // SQLite calls this every 10,000 virtual-machine steps; true interrupts.
    conn.progress_handler(
        10_000,
        deadline.map(|d| move || std::time::Instant::now() > d),
    )
    .map_err(query_error)?;
    let r = execute_unbounded(conn, st);
    let _ = conn.progress_handler(0, None::<fn() -> bool>);
    match r {
        Err(DbError::Query(m))
            if deadline.is_some_and(|d| std::time::Instant::now() > d)
                && m.contains("interrupt") =>
        {
            Err(DbError::Query(
                "the query ran past its time limit (database.timeout_ms) and was interrupted"
                    .into(),
            ))
        }
        r => r,
    }
}

fn execute_unbounded(conn: &Connection, st: &mut Statement) -> Result<Answer, DbError> {
    if st.expect == Expect::Script {
        conn.execute_batch(&st.sql).map_err(query_error)?;
        return Ok(Answer::Affected(0));
    }
    if !st.parts.is_empty() {
        return execute_parts(conn, st);
    }
    let (sql, params) = (&st.sql[..], &st.params[..]);
    execute_one(
        conn,
        sql,
        params,
        st.expect,
        st.max_bytes,
        std::mem::take(&mut st.rows),
    )
}

/// A multi-part insert (`Statement::parts`): each INSERT in turn, inside a
/// savepoint (a transaction of its own, or nested in the caller's), their
/// rows together; all of them or none.
fn execute_parts(conn: &Connection, st: &mut Statement) -> Result<Answer, DbError> {
    conn.execute_batch("SAVEPOINT kitwork_insert")
        .map_err(query_error)?;
    let mut values = std::mem::take(&mut st.rows);
    let mut columns = None;
    let mut result = Ok(());
    for part in &st.parts {
        let (sql, params) = (&st.sql[part.sql.clone()], &st.params[part.params.clone()]);
        let left = st
            .max_bytes
            .saturating_sub(values.iter().map(value_bytes).sum());
        match execute_one(conn, sql, params, Expect::Rows, left, values) {
            Ok(Answer::Rows(table)) => {
                values = table.values;
                columns = Some(table.columns);
            }
            Ok(_) => unreachable!("an INSERT … RETURNING gives rows"),
            Err(e) => {
                result = Err(e);
                values = Vec::new();
                break;
            }
        }
    }
    let end = if result.is_ok() {
        "RELEASE kitwork_insert"
    } else {
        "ROLLBACK TO kitwork_insert; RELEASE kitwork_insert"
    };
    conn.execute_batch(end).map_err(query_error)?;
    result?;
    Ok(Answer::Rows(Table {
        columns: columns.unwrap_or_else(|| std::sync::Arc::from(Vec::new())),
        values,
    }))
}

/// Runs one statement; rows are appended to `values`.
fn execute_one(
    conn: &Connection,
    sql: &str,
    params: &[SqlValue],
    expect: Expect,
    max_bytes: usize,
    values: Vec<SqlValue>,
) -> Result<Answer, DbError> {
    let mut stmt = conn.prepare_cached(sql).map_err(query_error)?;
    if stmt.parameter_count() != params.len() {
        return Err(DbError::Query(format!(
            "the statement has {} parameters but {} values were given",
            stmt.parameter_count(),
            params.len()
        )));
    }
    for (i, p) in params.iter().enumerate() {
        stmt.raw_bind_parameter(i + 1, Param(p))
            .map_err(query_error)?;
    }
    let returns_rows = stmt.column_count() > 0;
    if matches!(expect, Expect::Affected) || (expect == Expect::Raw && !returns_rows) {
        let n = stmt.raw_execute().map_err(query_error)?;
        return Ok(Answer::Affected(n as u64));
    }
    let columns: std::sync::Arc<[String]> = stmt.column_names().map(|c| c.to_string()).collect();
    let width = columns.len();
    let mut table = Table { columns, values };
    let mut rows = stmt.raw_query();
    let mut bytes = 0;
    while let Some(row) = rows.next().map_err(query_error)? {
        for i in 0..width {
            let v = from_sqlite(row.get_ref(i).map_err(query_error)?);
            bytes += value_bytes(&v);
            table.values.push(v);
        }
        if bytes > max_bytes {
            return Err(too_large(max_bytes));
        }
        if matches!(expect, Expect::First | Expect::Exists) {
            break;
        }
    }
    Ok(Answer::Rows(table))
}

static MEMORY_DATABASES: AtomicUsize = AtomicUsize::new(0);

impl Pool {
    /// Opens (creating if needed) the database at `path` in WAL mode and
    /// starts the threads. `:memory:` is one in-memory database shared by
    /// the pool's connections.
    pub fn new(path: &str) -> Result<Pool, String> {
        let path = if path == ":memory:" {
            let n = MEMORY_DATABASES.fetch_add(1, Ordering::Relaxed);
            format!(
                "file:kitwork-memory-{}-{n}?mode=memory&cache=shared",
                std::process::id()
            )
        } else {
            path.to_string()
        };
        let (tx, rx) = mpsc::channel::<Job>();
        let workers = Arc::new(Workers {
            jobs: Mutex::new(rx),
            running: AtomicUsize::new(0),
            idle: AtomicUsize::new(0),
            queued: AtomicUsize::new(0),
        });
        for _ in 0..THREADS {
            workers
                .spawn(false)
                .map_err(|e| format!("cannot start the SQLite threads: {e}"))?;
        }
        // The file is created on first use, not here: a gateway whose
        // scripts never call db() leaves no database behind.
        Ok(Pool {
            path,
            idle: Mutex::new(Vec::new()),
            jobs: Mutex::new(tx),
            workers,
            writer: Arc::new(tokio::sync::Semaphore::new(1)),
        })
    }

    fn open(&self) -> Result<Connection, DbError> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(&self.path, flags)
            .map_err(|e| DbError::Unavailable(format!("cannot open {}: {e}", self.path)))?;
        let memory = self.path.contains("mode=memory");
        let setup = if memory {
            "PRAGMA foreign_keys = ON;"
        } else {
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;"
        };
        conn.execute_batch(setup).map_err(query_error)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(query_error)?;
        conn.set_prepared_statement_cache_capacity(64);
        Ok(conn)
    }

    fn take(&self) -> Result<Connection, DbError> {
        let idle = self.idle.lock().ok().and_then(|mut v| v.pop());
        match idle {
            Some(c) => Ok(c),
            None => self.open(),
        }
    }

    fn give_back(&self, conn: Connection) {
        if let Ok(mut v) = self.idle.lock() {
            v.push(conn);
        }
    }

    /// Runs `f` on a pool thread and awaits its result.
    async fn call<R: Send + 'static>(
        self: &Arc<Self>,
        f: impl FnOnce(&Pool) -> Result<R, DbError> + Send + 'static,
    ) -> Result<R, DbError> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let pool = self.clone();
        let job: Job = Box::new(move || {
            let _ = tx.send(f(&pool));
        });
        self.workers.queued.fetch_add(1, Ordering::SeqCst);
        let sent = self
            .jobs
            .lock()
            .map(|s| s.send(job).is_ok())
            .unwrap_or(false);
        if !sent {
            return Err(DbError::Unavailable("the SQLite threads are gone".into()));
        }
        let w = &self.workers;
        if w.queued.load(Ordering::SeqCst) > w.idle.load(Ordering::SeqCst)
            && w.running.load(Ordering::SeqCst) < MAX_THREADS
        {
            // More jobs wait than threads do: one more thread (a failure
            // leaves the job queued for the others).
            let _ = w.spawn(true);
        }
        rx.await
            .unwrap_or_else(|_| Err(DbError::Unavailable("a SQLite thread panicked".into())))
    }

    pub async fn run(self: &Arc<Self>, st: Box<Statement>) -> Ran {
        let done = self
            .call(move |pool| {
                let mut st = st;
                let r = pool.take().and_then(|mut conn| {
                    let r = execute(&mut conn, &mut st);
                    pool.give_back(conn);
                    r
                });
                Ok((r, st))
            })
            .await;
        match done {
            Ok((r, st)) => (r, Some(st)),
            Err(e) => (Err(e), None),
        }
    }

    pub async fn run_leased(self: &Arc<Self>, lease: &Lease, st: Box<Statement>) -> Ran {
        let conn = lease.0.clone();
        let done = self
            .call(move |_| {
                let mut st = st;
                let r = match conn.lock() {
                    Ok(mut conn) => execute(&mut conn, &mut st),
                    Err(_) => Err(DbError::Query("transaction connection poisoned".into())),
                };
                Ok((r, st))
            })
            .await;
        match done {
            Ok((r, st)) => (r, Some(st)),
            Err(e) => (Err(e), None),
        }
    }

    pub async fn begin(self: &Arc<Self>) -> Result<Lease, DbError> {
        let permit = self
            .writer
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| DbError::Unavailable("the SQLite pool is closed".into()))?;
        let conn = self
            .call(|pool| {
                let conn = pool.take()?;
                // IMMEDIATE takes the write lock now, so two transactions cannot
                // both read and then fail to upgrade (SQLITE_BUSY mid-way).
                match conn.execute_batch("BEGIN IMMEDIATE") {
                    Ok(()) => Ok(conn),
                    Err(e) => {
                        pool.give_back(conn);
                        Err(query_error(e))
                    }
                }
            })
            .await?;
        Ok(Lease(Arc::new(Mutex::new(conn)), permit))
    }

    pub async fn finish(self: &Arc<Self>, lease: Lease, ok: bool) -> Result<(), DbError> {
        let Lease(conn, _permit) = lease;
        self.call(move |pool| {
            let conn = Arc::try_unwrap(conn)
                .map_err(|_| DbError::Query("the transaction is still in use".into()))?
                .into_inner()
                .map_err(|_| DbError::Query("transaction connection poisoned".into()))?;
            let r = conn
                .execute_batch(if ok { "COMMIT" } else { "ROLLBACK" })
                .map_err(query_error);
            if r.is_err() && ok {
                let _ = conn.execute_batch("ROLLBACK");
            }
            pool.give_back(conn);
            r
        })
        .await
    }
}
