//! The `db()` query builder's state: the chains of one run and the buffers
//! the query path reuses from run to run.

use super::statement::{Expect, SqlValue, Statement};

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
    pub keys: Vec<crate::value::Atom>,
    /// Values buffers of results already turned into script values.
    spare_rows: Vec<Vec<SqlValue>>,
    /// The run has written (or begun a transaction): its reads go to the
    /// primary from now on, never to a replica (`runtime::db::replicas`).
    pub wrote: bool,
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
        self.wrote = false;
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
