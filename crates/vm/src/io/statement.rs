//! A database statement as a run hands it to the host — SQL text, bound
//! values, what the script expects back — and the answer or error it gets.

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
