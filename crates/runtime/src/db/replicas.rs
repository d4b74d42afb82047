//! PostgreSQL read replicas (`[database] replicas`): which statements may
//! go to one, and which replica. A request's reads outside a transaction
//! go to the replicas in turn; its writes, and everything after its first
//! write (or transaction), go to the primary, so a request reads what it
//! wrote. A replica is skipped for `SKIP` after it fails to answer, and
//! while it lags: each core asks a replica how far behind it is at most
//! every `CHECK` (when it is next chosen), and uses it only within
//! `database.replica_lag_ms`. Each change of a replica's state (no longer
//! read from, read from again) is one warning, per core.

use super::{Answer, Database, DbError, Expect, SqlValue, Statement};
use std::cell::Cell;
use std::time::{Duration, Instant};

/// How long a replica that failed is left alone.
const SKIP: Duration = Duration::from_secs(5);
/// How often a core asks a replica for its lag.
const CHECK: Duration = Duration::from_secs(1);

/// Milliseconds the replica is behind: 0 when it has replayed all it has
/// received (an idle primary sends nothing, and its last transaction's
/// time would look like lag), else since the last transaction it
/// replayed. A replica cut off from its primary has received nothing new
/// and so counts as current: that is PostgreSQL's view, not the truth.
const LAG_SQL: &str = "SELECT CASE WHEN NOT pg_is_in_recovery() THEN 0 \
    WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 \
    ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) * 1000, 0) END::float8 AS lag";

/// Whether `sql` only reads: a `SELECT` that locks nothing. Anything else
/// (`INSERT … RETURNING`, a `WITH` that may write, `SELECT … FOR UPDATE`,
/// a function call) goes to the primary.
pub fn reads_only(sql: &str) -> bool {
    let t = sql.trim_start();
    let select = t.len() > 6
        && t[..6].eq_ignore_ascii_case("select")
        && !t.as_bytes()[6].is_ascii_alphanumeric();
    if !select {
        return false;
    }
    let lower = t.to_ascii_lowercase();
    ![
        " for update",
        " for share",
        " for no key update",
        " for key share",
        "nextval(",
        "setval(",
    ]
    .iter()
    .any(|w| lower.contains(w))
}

/// Whether a core reads from a replica, as last said in the log.
#[derive(Clone, Copy, PartialEq)]
enum State {
    Read,
    Failed,
    Lagging,
}

/// One replica as a core sees it.
struct Replica {
    db: Database,
    /// Its `host:port`, for the log.
    label: String,
    state: Cell<State>,
    /// Left alone until then (after a failure).
    skip_until: Cell<Option<Instant>>,
    /// When its lag was last asked, and whether it was within the bound.
    checked: Cell<Option<(Instant, bool)>>,
}

/// A core's replicas.
pub struct Replicas {
    list: Vec<Replica>,
    next: Cell<usize>,
    max_lag: Duration,
    warn: fn(&str),
}

impl Replicas {
    /// `dbs`: each replica's handle on this core, and its label; `warn`:
    /// where a change of a replica's state is said.
    pub fn new(dbs: Vec<(Database, String)>, max_lag: Duration, warn: fn(&str)) -> Replicas {
        Replicas {
            list: dbs
                .into_iter()
                .map(|(db, label)| Replica {
                    db,
                    label,
                    state: Cell::new(State::Read),
                    skip_until: Cell::new(None),
                    checked: Cell::new(None),
                })
                .collect(),
            next: Cell::new(0),
            max_lag,
            warn,
        }
    }

    /// Records `r`'s state, saying it when it changed.
    fn now(&self, r: &Replica, state: State, why: impl FnOnce() -> String) {
        if r.state.replace(state) != state {
            (self.warn)(&format!("replica {}: {}", r.label, why()));
        }
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The next replica that answers and is current enough, in turn; its
    /// index. `None`: read from the primary.
    pub async fn pick(&self) -> Option<usize> {
        let n = self.list.len();
        for _ in 0..n {
            let i = self.next.get() % n;
            self.next.set(i + 1);
            let r = &self.list[i];
            let now = Instant::now();
            if r.skip_until.get().is_some_and(|t| t > now) {
                continue;
            }
            let fresh = match r.checked.get() {
                Some((at, ok)) if now.duration_since(at) < CHECK => ok,
                _ => {
                    let ok = self.current(r).await;
                    r.checked.set(Some((Instant::now(), ok)));
                    ok
                }
            };
            if fresh {
                self.now(r, State::Read, || "read from again".into());
                return Some(i);
            }
        }
        None
    }

    /// Runs `st` on replica `i`.
    pub async fn run(&self, i: usize, st: Box<Statement>) -> super::Ran {
        self.list[i].db.run(st, None).await
    }

    /// Replica `i` failed to answer (`why`): left alone for `SKIP`.
    pub fn failed(&self, i: usize, why: &str) {
        self.skip(&self.list[i], why);
    }

    fn skip(&self, r: &Replica, why: &str) {
        r.skip_until.set(Some(Instant::now() + SKIP));
        self.now(r, State::Failed, || {
            format!("not read from for {} s: {why}", SKIP.as_secs())
        });
    }

    /// Whether the replica is within `max_lag` (asked now).
    async fn current(&self, r: &Replica) -> bool {
        let mut st = Statement::new(LAG_SQL.into(), Vec::new(), Expect::Raw);
        st.max_bytes = 1 << 12;
        let limit = self
            .max_lag
            .clamp(Duration::from_millis(100), Duration::from_secs(1));
        st.deadline = Some(Instant::now() + limit);
        let lag = match monoio::time::timeout(limit, r.db.run(Box::new(st), None)).await {
            Ok((Ok(Answer::Rows(t)), _)) => match t.values.first() {
                Some(SqlValue::Real(ms)) => *ms,
                Some(SqlValue::Int(ms)) => *ms as f64,
                _ => f64::INFINITY,
            },
            Ok((Err(DbError::Unavailable(e)), _)) => {
                self.skip(r, &e);
                return false;
            }
            Ok((Err(e), _)) => {
                self.now(r, State::Lagging, || {
                    format!("not read from: its lag could not be read ({})", e.message())
                });
                return false;
            }
            Err(_) => {
                self.now(r, State::Lagging, || {
                    "not read from: it did not say its lag in time".into()
                });
                return false;
            }
            _ => f64::INFINITY,
        };
        let max = self.max_lag.as_secs_f64() * 1000.0;
        if lag > max {
            self.now(r, State::Lagging, || {
                format!("not read from while it lags: {lag:.0} ms behind (replica_lag_ms {max:.0})")
            });
        }
        lag <= max
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_selects_go_to_a_replica() {
        for read in [
            "SELECT 1",
            "  select * from t where a = $1",
            "SELECT\n\tx FROM y",
        ] {
            assert!(reads_only(read), "{read}");
        }
        for write in [
            "INSERT INTO t VALUES (1) RETURNING *",
            "WITH x AS (DELETE FROM t RETURNING *) SELECT * FROM x",
            "SELECT * FROM t FOR UPDATE",
            "select nextval('s')",
            "selection",
            "UPDATE t SET a = 1",
        ] {
            assert!(!reads_only(write), "{write}");
        }
    }
}
