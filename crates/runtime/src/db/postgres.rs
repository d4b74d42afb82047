//! PostgreSQL through tokio-postgres on the core's monoio executor: a few
//! connections per core (a tokio-postgres client pipelines concurrent
//! queries, so fibers share them), prepared statements cached per
//! connection. Connections are made with `connect_raw` over monoio's
//! poll-io stream: plain `connect()` would need a tokio reactor.

use super::{Answer, DbError, Expect, Ran, SqlValue, Statement, Table, too_large, value_bytes};
use bytes::BytesMut;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::error::Error;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;
use tokio_postgres::types::{Format, FromSql, IsNull, ToSql, Type, to_sql_checked};
use tokio_postgres::{Client, Config, NoTls};

/// Connections shared by a core's fibers.
const SHARED: usize = 4;
/// Transaction connections per core (each holds one transaction at a time).
const TX_MAX: usize = 16;
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// A prepared statement and its column names, made once per connection.
#[derive(Clone)]
struct Prepared {
    statement: tokio_postgres::Statement,
    columns: Arc<[String]>,
}

/// One connection and its prepared statements.
pub struct Conn {
    client: Client,
    prepared: RefCell<HashMap<String, Prepared>>,
}

/// A core's transaction connections: at most `TX_MAX` exist (leased or
/// idle); a transaction beyond that waits for one to come back.
#[derive(Default)]
struct TxSlots {
    count: Cell<usize>,
    returned: tokio::sync::Notify,
    /// Connections that served a transaction and wait for the next one.
    idle: RefCell<Vec<Rc<Conn>>>,
}

impl TxSlots {
    /// Forgets a connection, making room for another.
    fn give_up(&self) {
        self.count.set(self.count.get() - 1);
        self.returned.notify_one();
    }
}

/// A connection taken for one transaction. Dropped without `finish` (a
/// failed `BEGIN`, an abandoned request), it closes and frees its slot;
/// the server rolls back what it had begun.
pub struct Lease {
    conn: Option<Rc<Conn>>,
    slots: Rc<TxSlots>,
}

impl Drop for Lease {
    fn drop(&mut self) {
        if self.conn.take().is_some() {
            self.slots.give_up();
        }
    }
}

pub struct Pool {
    config: Arc<Config>,
    statement_timeout: Duration,
    shared: RefCell<Vec<Rc<Conn>>>,
    next: Cell<usize>,
    /// Shared connections being opened now, and the signal that one was.
    connecting: Cell<usize>,
    connected: tokio::sync::Notify,
    tx: Rc<TxSlots>,
}

/// Parameters go as text: the server parses them as whatever type the
/// statement needs (int4, numeric, uuid, timestamptz…), as psql would.
#[derive(Debug)]
struct Param<'a>(&'a SqlValue);

impl ToSql for Param<'_> {
    fn to_sql(&self, _: &Type, out: &mut BytesMut) -> Result<IsNull, Box<dyn Error + Sync + Send>> {
        use std::fmt::Write;
        match self.0 {
            SqlValue::Null => return Ok(IsNull::Yes),
            SqlValue::Bool(b) => out.extend_from_slice(if *b { b"t" } else { b"f" }),
            SqlValue::Int(i) => write!(out, "{i}")?,
            SqlValue::Real(f) if f.is_nan() => out.extend_from_slice(b"NaN"),
            SqlValue::Real(f) if f.is_infinite() => {
                out.extend_from_slice(if *f > 0.0 { b"Infinity" } else { b"-Infinity" })
            }
            SqlValue::Real(f) => write!(out, "{f}")?,
            SqlValue::Text(s) => out.extend_from_slice(s.as_bytes()),
        }
        Ok(IsNull::No)
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    fn encode_format(&self, _: &Type) -> Format {
        Format::Text
    }

    to_sql_checked!();
}

/// A column value in PostgreSQL's binary format, for any column type.
struct Cell2(SqlValue);

impl<'a> FromSql<'a> for Cell2 {
    fn from_sql(ty: &Type, raw: &'a [u8]) -> Result<Cell2, Box<dyn Error + Sync + Send>> {
        let v = match *ty {
            Type::BOOL => SqlValue::Bool(bool::from_sql(ty, raw)?),
            Type::INT2 => SqlValue::Int(i16::from_sql(ty, raw)? as i64),
            Type::INT4 => SqlValue::Int(i32::from_sql(ty, raw)? as i64),
            Type::INT8 => SqlValue::Int(i64::from_sql(ty, raw)?),
            Type::OID => SqlValue::Int(u32::from_sql(ty, raw)? as i64),
            Type::FLOAT4 => SqlValue::Real(f32::from_sql(ty, raw)? as f64),
            Type::FLOAT8 => SqlValue::Real(f64::from_sql(ty, raw)?),
            Type::NUMERIC => SqlValue::Real(numeric(raw)?),
            Type::JSONB if raw.first() == Some(&1) => {
                SqlValue::Text(String::from_utf8_lossy(&raw[1..]).into_owned())
            }
            Type::UUID if raw.len() == 16 => {
                SqlValue::Text(uuid::Uuid::from_slice(raw)?.to_string())
            }
            Type::TIMESTAMP | Type::TIMESTAMPTZ => {
                let micros = i64::from_sql(&Type::INT8, raw)?;
                SqlValue::Text(iso_from_micros(micros))
            }
            Type::DATE => {
                let days = i32::from_sql(&Type::INT4, raw)? as i64;
                let iso = iso_from_micros(days * 86_400_000_000);
                SqlValue::Text(iso[..10].to_string())
            }
            _ => SqlValue::Text(String::from_utf8_lossy(raw).into_owned()),
        };
        Ok(Cell2(v))
    }

    fn from_sql_null(_: &Type) -> Result<Cell2, Box<dyn Error + Sync + Send>> {
        Ok(Cell2(SqlValue::Null))
    }

    fn accepts(_: &Type) -> bool {
        true
    }
}

/// PostgreSQL's epoch (2000-01-01) in Unix milliseconds.
const PG_EPOCH_MS: i64 = 946_684_800_000;

fn iso_from_micros(micros: i64) -> String {
    let ms = PG_EPOCH_MS as f64 + micros.div_euclid(1000) as f64;
    semantics::date::iso_string(ms)
}

/// A binary `numeric` as a number: base-10000 digits with a weight.
fn numeric(raw: &[u8]) -> Result<f64, Box<dyn Error + Sync + Send>> {
    let word = |i: usize| -> Result<i16, Box<dyn Error + Sync + Send>> {
        raw.get(i * 2..i * 2 + 2)
            .map(|b| i16::from_be_bytes([b[0], b[1]]))
            .ok_or_else(|| "short numeric".into())
    };
    let (ndigits, weight, sign) = (word(0)? as usize, word(1)? as i32, word(2)? as u16);
    if sign == 0xC000 {
        return Ok(f64::NAN);
    }
    let mut v = 0.0f64;
    for i in 0..ndigits {
        v += word(4 + i)? as f64 * 10_000f64.powi(weight - i as i32);
    }
    Ok(if sign == 0x4000 { -v } else { v })
}

/// SQLSTATEs that mean the server cannot serve now: class 08 (connection
/// exception), 53300 (too many connections), 57P01–57P03 (shutting down,
/// crashed, starting up).
fn unavailable_state(code: &str) -> bool {
    code.starts_with("08") || matches!(code, "53300" | "57P01" | "57P02" | "57P03")
}

fn pg_error(e: tokio_postgres::Error) -> DbError {
    match e.as_db_error() {
        // Starting up, shutting down, out of connections, a broken
        // connection: the database is unavailable, not the query wrong.
        Some(db) if unavailable_state(db.code().code()) => {
            DbError::Unavailable(db.message().to_string())
        }
        Some(db) => DbError::Query(db.message().to_string()),
        None if e.is_closed() => DbError::Unavailable(format!("database connection lost: {e}")),
        None => {
            let text = e.to_string();
            if e.source().is_some_and(|s| s.is::<std::io::Error>()) {
                DbError::Unavailable(text)
            } else {
                DbError::Query(text)
            }
        }
    }
}

/// A connection to the first of the URL's hosts that answers and, with
/// `target_session_attrs=read-write` (or `read-only`), is what it asks
/// for: libpq's failover, so `postgres://a,b/db?target_session_attrs=read-write`
/// follows the primary when a replica is promoted in its place.
async fn connect(config: &Config, statement_timeout: Duration) -> Result<Conn, DbError> {
    let mut last = None;
    for (host, port) in hosts(config) {
        let Some(host) = host else {
            return Err(DbError::Unavailable(
                "only TCP PostgreSQL hosts are supported".into(),
            ));
        };
        match connect_to(config, host, port, statement_timeout).await {
            Ok(c) => return Ok(c),
            Err(e) => last = Some(e),
        }
    }
    match last {
        Some(e) => Err(e),
        None => connect_to(config, "127.0.0.1", 5432, statement_timeout).await,
    }
}

/// A URL's hosts (`None`: a Unix socket) with their ports: one port for
/// every host, or one each (tokio-postgres checks which).
pub fn hosts(config: &Config) -> impl Iterator<Item = (Option<&str>, u16)> {
    use tokio_postgres::config::Host;
    let ports = config.get_ports();
    config.get_hosts().iter().enumerate().map(move |(i, h)| {
        let port = ports.get(i).or(ports.first()).copied().unwrap_or(5432);
        match h {
            Host::Tcp(h) => (Some(h.as_str()), port),
            #[allow(unreachable_patterns)]
            _ => (None, port),
        }
    })
}

/// `connect` to one host.
async fn connect_to(
    config: &Config,
    host: &str,
    port: u16,
    statement_timeout: Duration,
) -> Result<Conn, DbError> {
    use tokio_postgres::config::TargetSessionAttrs;
    let unreachable =
        |e: String| DbError::Unavailable(format!("cannot reach PostgreSQL at {host}:{port}: {e}"));
    let timeout = config
        .get_connect_timeout()
        .copied()
        .unwrap_or(CONNECT_TIMEOUT);
    let stream =
        match monoio::time::timeout(timeout, monoio::net::TcpStream::connect((host, port))).await {
            Ok(Ok(s)) => s,
            Ok(Err(e)) => return Err(unreachable(e.to_string())),
            Err(_) => return Err(unreachable("timed out".into())),
        };
    let _ = stream.set_nodelay(true);
    let stream = stream
        .try_into_poll_io()
        .map_err(|(e, _)| unreachable(e.to_string()))?;
    let (client, connection) =
        match monoio::time::timeout(timeout, config.connect_raw(stream, NoTls)).await {
            Ok(r) => r.map_err(pg_error)?,
            Err(_) => return Err(unreachable("handshake timed out".into())),
        };
    monoio::spawn(async move {
        let _ = connection.await;
    });
    let wanted = config.get_target_session_attrs();
    if wanted != TargetSessionAttrs::Any {
        let read_only = match client.simple_query("SHOW transaction_read_only").await {
            Ok(rows) => rows.iter().any(|m| match m {
                tokio_postgres::SimpleQueryMessage::Row(r) => r.get(0) == Some("on"),
                _ => false,
            }),
            Err(e) => return Err(pg_error(e)),
        };
        if read_only != (wanted == TargetSessionAttrs::ReadOnly) {
            let is = if read_only { "read-only" } else { "read-write" };
            return Err(DbError::Unavailable(format!(
                "PostgreSQL at {host}:{port} is {is}, not what target_session_attrs asks for"
            )));
        }
    }
    let ms = statement_timeout.as_millis().max(1);
    client
        .batch_execute(&format!("SET statement_timeout = {ms}"))
        .await
        .map_err(pg_error)?;
    Ok(Conn {
        client,
        prepared: RefCell::new(HashMap::new()),
    })
}

impl Conn {
    async fn run(&self, st: &mut Statement) -> Result<Answer, DbError> {
        if st.expect == Expect::Script {
            self.client.batch_execute(&st.sql).await.map_err(pg_error)?;
            return Ok(Answer::Affected(0));
        }
        let cached = self.prepared.borrow().get(st.sql.as_str()).cloned();
        let Prepared {
            statement: prepared,
            columns,
        } = match cached {
            Some(p) => p,
            None => {
                let statement = self.client.prepare(&st.sql).await.map_err(pg_error)?;
                let columns = statement
                    .columns()
                    .iter()
                    .map(|c| c.name().to_string())
                    .collect();
                let p = Prepared { statement, columns };
                let mut map = self.prepared.borrow_mut();
                if map.len() >= 256 {
                    map.clear();
                }
                map.insert(st.sql.clone(), p.clone());
                p
            }
        };
        if prepared.params().len() != st.params.len() {
            return Err(DbError::Query(format!(
                "the statement has {} parameters but {} values were given",
                prepared.params().len(),
                st.params.len()
            )));
        }
        let returns_rows = !prepared.columns().is_empty();
        if matches!(st.expect, Expect::Affected) || (st.expect == Expect::Raw && !returns_rows) {
            let n = self
                .client
                .execute_raw(&prepared, st.params.iter().map(Param))
                .await
                .map_err(pg_error)?;
            return Ok(Answer::Affected(n));
        }
        // Rows are read as they stream in, so a result past the memory
        // budget stops early instead of being collected whole.
        use futures_util::StreamExt;
        let rows = self
            .client
            .query_raw(&prepared, st.params.iter().map(Param))
            .await
            .map_err(pg_error)?;
        let mut rows = std::pin::pin!(rows);
        let mut table = Table {
            values: std::mem::take(&mut st.rows),
            columns,
        };
        let mut bytes = 0;
        while let Some(row) = rows.next().await {
            let row = row.map_err(pg_error)?;
            for i in 0..table.columns.len() {
                let Cell2(v) = row.try_get(i).map_err(pg_error)?;
                bytes += value_bytes(&v);
                table.values.push(v);
            }
            if bytes > st.max_bytes {
                return Err(too_large(st.max_bytes));
            }
        }
        Ok(Answer::Rows(table))
    }
}

impl Lease {
    pub async fn run(&self, mut st: Box<Statement>) -> Ran {
        let r = match &self.conn {
            Some(conn) => conn.run(&mut st).await,
            None => Err(DbError::Query("the transaction has ended".into())),
        };
        (r, Some(st))
    }
}

impl Pool {
    /// `statement_timeout` is set on every connection, so the server
    /// itself cancels a statement that runs too long.
    pub fn new(config: Arc<Config>, statement_timeout: Duration) -> Pool {
        Pool {
            config,
            statement_timeout,
            shared: RefCell::new(Vec::new()),
            next: Cell::new(0),
            connecting: Cell::new(0),
            connected: tokio::sync::Notify::new(),
            tx: Rc::default(),
        }
    }

    /// A shared connection: round robin over up to `SHARED`, opening more
    /// as needed and dropping closed ones (so a restarted database is
    /// picked up again without restarting the gateway).
    /// Never more than `SHARED` open or opening at once: a burst of
    /// requests on a cold core waits for the connections being made
    /// instead of opening one each.
    async fn conn(&self) -> Result<Rc<Conn>, DbError> {
        loop {
            self.shared.borrow_mut().retain(|c| !c.client.is_closed());
            let n = self.shared.borrow().len();
            if n + self.connecting.get() < SHARED {
                self.connecting.set(self.connecting.get() + 1);
                let made = connect(&self.config, self.statement_timeout).await;
                self.connecting.set(self.connecting.get() - 1);
                self.connected.notify_waiters();
                let c = Rc::new(made?);
                self.shared.borrow_mut().push(c.clone());
                return Ok(c);
            }
            if n > 0 {
                let i = self.next.get() % n;
                self.next.set(i + 1);
                return Ok(self.shared.borrow()[i].clone());
            }
            // Every slot is being connected: wait for one to finish.
            self.connected.notified().await;
        }
    }

    pub async fn run(&self, mut st: Box<Statement>) -> Ran {
        let r = match self.conn().await {
            Ok(conn) => conn.run(&mut st).await,
            Err(e) => Err(e),
        };
        (r, Some(st))
    }

    /// A connection of the transaction's own: statements of other fibers
    /// must not land inside it. Waits while `TX_MAX` are leased.
    pub async fn begin(&self) -> Result<Lease, DbError> {
        let slots = &self.tx;
        let conn = loop {
            let idle = slots.idle.borrow_mut().pop();
            match idle {
                Some(c) if !c.client.is_closed() => break c,
                Some(_) => slots.give_up(),
                None if slots.count.get() < TX_MAX => {
                    slots.count.set(slots.count.get() + 1);
                    match connect(&self.config, self.statement_timeout).await {
                        Ok(c) => break Rc::new(c),
                        Err(e) => {
                            slots.give_up();
                            return Err(e);
                        }
                    }
                }
                None => slots.returned.notified().await,
            }
        };
        let lease = Lease {
            conn: Some(conn.clone()),
            slots: slots.clone(),
        };
        // A failed BEGIN drops the lease, which frees the slot.
        conn.client.batch_execute("BEGIN").await.map_err(pg_error)?;
        Ok(lease)
    }

    pub async fn finish(&self, mut lease: Lease, ok: bool) -> Result<(), DbError> {
        let Some(conn) = lease.conn.clone() else {
            return Ok(());
        };
        let sql = if ok { "COMMIT" } else { "ROLLBACK" };
        let r = conn.client.batch_execute(sql).await.map_err(pg_error);
        if r.is_ok() {
            // Back to the idle ones: the slot stays taken, by an idle connection.
            lease.conn = None;
            self.tx.idle.borrow_mut().push(conn);
            self.tx.returned.notify_one();
        }
        r
    }
}
