//! `db()`: the query builder's state, the statements it produces, and the
//! two backends that run them — SQLite (embedded, the default) on a small
//! thread pool, and PostgreSQL on each core's executor.

pub mod migrate;
pub mod postgres;
pub mod sql;
pub mod sqlite;

use std::rc::Rc;

/// A value crossing into or out of the database, owned so it can travel
/// to a SQLite thread or a PostgreSQL connection task.
#[derive(Clone, Debug, PartialEq)]
pub enum SqlValue {
    Null,
    Bool(bool),
    Int(i64),
    Real(f64),
    Text(String),
}

/// What a statement's result turns into for the script.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expect {
    /// An array of row objects.
    Rows,
    /// The first row, or `null`.
    First,
    /// The first column of the first row, as a number.
    Count,
    /// Whether any row came back.
    Exists,
    /// The number of rows changed.
    Affected,
    /// Raw SQL: rows when the statement returns columns, else the count changed.
    Raw,
    /// Several statements without parameters (a migration file): nothing.
    Script,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Statement {
    pub sql: String,
    pub params: Vec<SqlValue>,
    pub expect: Expect,
    /// Most bytes the rows may take (what is left of the request's memory
    /// budget): a bigger result is an error, not a process out of memory.
    pub max_bytes: usize,
    /// When the database must give up (SQLite is interrupted then; the
    /// driver stops waiting on PostgreSQL).
    pub deadline: Option<std::time::Instant>,
    /// An empty buffer for the rows' values (`Table::values`), kept from
    /// an earlier result.
    pub rows: Vec<SqlValue>,
    /// A multi-row insert whose rows name different columns: `sql` is one
    /// PostgreSQL statement (`WITH i1 AS (INSERT …), i2 AS (INSERT …)
    /// SELECT … UNION ALL …`) and these are where each INSERT sits in it
    /// and which parameters are its own, for SQLite (which has neither
    /// `DEFAULT` in `VALUES` nor INSERT in a `WITH`) to run one by one
    /// inside a savepoint. Empty otherwise.
    pub parts: Vec<Part>,
}

/// One INSERT of a multi-part statement: its text and parameters, as
/// ranges of the statement's.
#[derive(Clone, Debug, PartialEq)]
pub struct Part {
    pub sql: std::ops::Range<usize>,
    pub params: std::ops::Range<usize>,
}

impl Statement {
    pub fn new(sql: String, params: Vec<SqlValue>, expect: Expect) -> Statement {
        Statement {
            sql,
            params,
            expect,
            max_bytes: usize::MAX,
            deadline: None,
            rows: Vec::new(),
            parts: Vec::new(),
        }
    }

    /// Empties a recycled statement, keeping its buffers.
    pub fn reset(&mut self, expect: Expect) {
        self.sql.clear();
        self.params.clear();
        self.expect = expect;
        self.max_bytes = usize::MAX;
        self.deadline = None;
        self.parts.clear();
    }
}

/// Roughly what a value costs once it is a script value: what result
/// sizes are checked against.
pub fn value_bytes(v: &SqlValue) -> usize {
    16 + match v {
        SqlValue::Text(s) => s.len(),
        _ => 0,
    }
}

/// The error for a result past `Statement::max_bytes`.
pub fn too_large(max: usize) -> DbError {
    DbError::Query(format!(
        "the result is larger than what is left of the request's memory budget ({max} bytes); add a limit() or select fewer columns"
    ))
}

/// Rows as they come back: column names once, values row after row.
#[derive(Debug, Default, PartialEq)]
pub struct Table {
    /// Shared: PostgreSQL keeps one list per prepared statement.
    pub columns: std::sync::Arc<[String]>,
    pub values: Vec<SqlValue>,
}

impl Table {
    pub fn rows(&self) -> usize {
        self.values
            .len()
            .checked_div(self.columns.len())
            .unwrap_or(0)
    }
}

#[derive(Debug, PartialEq)]
pub enum Answer {
    Rows(Table),
    Affected(u64),
}

/// Why a statement failed.
#[derive(Debug, Clone, PartialEq)]
pub enum DbError {
    /// The database answered with an error (constraint, syntax…): the
    /// script's fault, a 500 when uncaught.
    Query(String),
    /// The database cannot be reached: a 503 when uncaught.
    Unavailable(String),
}

impl DbError {
    pub fn message(&self) -> &str {
        match self {
            DbError::Query(m) | DbError::Unavailable(m) => m,
        }
    }
}

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

/// One condition of a `where` clause.
#[derive(Clone, Debug, PartialEq)]
pub enum CondOp {
    /// `=`, `!=`, `<`, `<=`, `>`, `>=`, `LIKE` (the SQL spelling).
    Compare(&'static str),
    In,
    NotIn,
    IsNull,
    NotNull,
    /// A translated lambda predicate (`whereRaw`): `column` holds SQL
    /// with `?` marks for `values`.
    Raw,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Cond {
    /// Joined to the previous condition with OR (`orWhere`) instead of AND.
    pub or: bool,
    /// The column; for `Raw`, the SQL text.
    pub column: String,
    pub op: CondOp,
    pub values: Vec<SqlValue>,
}

/// The SQL spelling of a comparison a script may name.
pub fn comparison(op: &str) -> Option<&'static str> {
    Some(match op.to_ascii_lowercase().as_str() {
        "=" | "==" | "===" => "=",
        "!=" | "<>" | "!==" => "<>",
        "<" => "<",
        "<=" => "<=",
        ">" => ">",
        ">=" => ">=",
        "like" => "LIKE",
        "not like" => "NOT LIKE",
        _ => return None,
    })
}

/// A `db()` chain being built: `db().table("users").where(…).first()`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Builder {
    pub table: String,
    /// The `select` list; empty means `*`.
    pub columns: Vec<String>,
    pub conds: Vec<Cond>,
    /// Column and whether descending.
    pub order: Vec<(String, bool)>,
    pub limit: Option<u64>,
    pub offset: Option<u64>,
    /// `.all()`: `update`/`delete` may run without a `where`.
    pub all: bool,
}

/// The builders of one run, and the buffers the query path reuses from
/// run to run (conditions, statements), so a warm lookup allocates
/// nothing of its own before it reaches the database.
#[derive(Default)]
pub struct Builders {
    /// The tables `db().table()` may name, when the operator lists them
    /// (`database.tables`); `None`: any but the reserved ones.
    pub tables: Option<std::sync::Arc<Vec<String>>>,
    list: Vec<Builder>,
    live: usize,
    /// Conditions of finished builders, their strings kept.
    spare_conds: Vec<Cond>,
    /// Statements back from the database, their buffers kept; boxed,
    /// because that is how they travel (`PendingOp::Db`).
    spare_statements: Vec<Box<Statement>>,
    /// Row keys being built (`db_value`), kept for the next result.
    pub keys: Vec<crate::vm::value::Atom>,
    /// Values buffers of results already turned into script values.
    spare_rows: Vec<Vec<SqlValue>>,
}

/// Statements kept for reuse per VM (more are in flight only under
/// `parallel()`).
const SPARE_STATEMENTS: usize = 16;

impl Builders {
    /// A fresh builder; returns its index.
    pub fn add(&mut self) -> usize {
        if self.live == self.list.len() {
            self.list.push(Builder::default());
        } else {
            let b = &mut self.list[self.live];
            b.table.clear();
            b.columns.clear();
            self.spare_conds.append(&mut b.conds);
            b.order.clear();
            b.limit = None;
            b.offset = None;
            b.all = false;
        }
        self.live += 1;
        self.live - 1
    }

    pub fn get(&mut self, i: usize) -> &mut Builder {
        &mut self.list[i]
    }

    /// Forgets the builders of the last run.
    pub fn reset(&mut self) {
        self.live = 0;
    }

    /// An empty condition, reusing a spare one's buffers.
    pub fn cond(&mut self, or: bool, op: CondOp) -> Cond {
        match self.spare_conds.pop() {
            Some(mut c) => {
                c.or = or;
                c.column.clear();
                c.op = op;
                c.values.clear();
                c
            }
            None => Cond {
                or,
                column: String::new(),
                op,
                values: Vec::new(),
            },
        }
    }

    /// An empty statement, reusing a spare one's buffers.
    pub fn statement(&mut self) -> Box<Statement> {
        let mut st = self
            .spare_statements
            .pop()
            .unwrap_or_else(|| Box::new(Statement::new(String::new(), Vec::new(), Expect::Rows)));
        if st.rows.capacity() == 0 {
            if let Some(rows) = self.spare_rows.pop() {
                st.rows = rows;
            }
        }
        st
    }

    /// Takes back the values buffer of a result that has been read.
    pub fn recycle_rows(&mut self, mut rows: Vec<SqlValue>) {
        if self.spare_rows.len() < SPARE_STATEMENTS && rows.capacity() > 0 {
            rows.clear();
            self.spare_rows.push(rows);
        }
    }

    /// Takes a statement back once the database is done with it.
    pub fn recycle(&mut self, st: Box<Statement>) {
        if self.spare_statements.len() < SPARE_STATEMENTS {
            self.spare_statements.push(st);
        }
    }
}
