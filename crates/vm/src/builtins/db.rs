//! `db()`: the fluent query builder scripts see. Each chain is a
//! `Class::Query` object whose state (table, conditions, order…) lives in
//! `Vm::queries`; the finishing call (`get`, `first`, `insert`…) turns it
//! into one SQL statement with bound parameters and waits for the database.

use super::{arg, method, plain};
use crate::error::{ErrorKind, Interrupt};
use crate::heap::Class;
use crate::io::PendingOp;
use crate::io::query::{Builder, CondOp, comparison};
use crate::io::sql;
use crate::io::statement::{Answer, DbError, Expect, SqlValue, Statement};
use crate::json::Format;
use crate::state::{Args, Vm};
use crate::value::{Atom, ObjId, Value};

/// The `code` of an error thrown because the database cannot be reached;
/// the gateway answers 503 when such an error goes uncaught.
pub const UNAVAILABLE: &str = "DB_UNAVAILABLE";

pub fn install(vm: &mut Vm) {
    let proto = plain(vm, Some(vm.realm.object_proto));
    vm.realm.query_proto = proto;
    let g = vm.realm.global;
    method(vm, g, "db", 0, db);
    method(vm, proto, "table", 1, table);
    method(vm, proto, "from", 1, table);
    method(vm, proto, "select", 0, select);
    method(vm, proto, "where", 2, where_::<false>);
    method(vm, proto, "orWhere", 2, where_::<true>);
    method(vm, proto, "whereIn", 2, where_in::<false>);
    method(vm, proto, "whereNotIn", 2, where_in::<true>);
    method(vm, proto, "whereNull", 1, where_null::<false>);
    method(vm, proto, "whereNotNull", 1, where_null::<true>);
    method(vm, proto, "whereRaw", 2, where_raw::<false>);
    method(vm, proto, "orWhereRaw", 2, where_raw::<true>);
    method(vm, proto, "orderBy", 2, order_by);
    method(vm, proto, "limit", 1, limit::<false>);
    method(vm, proto, "offset", 1, limit::<true>);
    method(vm, proto, "all", 0, all);
    method(vm, proto, "get", 0, finish_select::<0>);
    method(vm, proto, "first", 0, finish_select::<1>);
    method(vm, proto, "count", 0, finish_select::<2>);
    method(vm, proto, "exists", 0, finish_select::<3>);
    method(vm, proto, "insert", 1, insert);
    method(vm, proto, "update", 1, update);
    method(vm, proto, "delete", 0, delete);
    method(vm, proto, "query", 1, query);
    method(vm, proto, "transaction", 1, transaction);
}

fn db(vm: &mut Vm, _: Value, _: Args) -> Result<Value, Interrupt> {
    let i = vm.queries.add() as u32;
    let proto = vm.realm.query_proto;
    Ok(Value::Obj(vm.heap.alloc(Class::Query(i), Some(proto))?))
}

/// Which builder `this` is.
fn builder_index(vm: &Vm, this: Value, name: &str) -> Result<usize, Interrupt> {
    if let Value::Obj(o) = this {
        if let Class::Query(i) = vm.heap.obj(o).class {
            if vm.heap.is_state(o) {
                // Builders live in the run's table, and are changed by use.
                return Err(vm.state_error(
                    "use a db() query a module's top level began (begin it inside the handler)",
                ));
            }
            return Ok(i as usize);
        }
    }
    Err(vm.type_error(format!("{name} must be called on db()")))
}

/// The builder behind `this`.
fn builder<'a>(vm: &'a mut Vm, this: Value, name: &str) -> Result<&'a mut Builder, Interrupt> {
    let i = builder_index(vm, this, name)?;
    Ok(vm.queries.get(i))
}

/// A string argument that must be a table or column name, as a String.
fn identifier(vm: &mut Vm, v: Value, what: &str) -> Result<String, Interrupt> {
    let name = column(vm, v, what)?;
    Ok(name.text(&vm.heap).to_string())
}

/// A script value as a bound parameter. Whole numbers bind as integers;
/// dates as ISO-8601 text; arrays and objects as JSON text.
pub fn to_sql(vm: &mut Vm, v: Value) -> Result<SqlValue, Interrupt> {
    Ok(match v {
        Value::Undefined | Value::Null => SqlValue::Null,
        Value::Bool(b) => SqlValue::Bool(b),
        Value::Num(n) if n.fract() == 0.0 && n.abs() < 9.0e15 => SqlValue::Int(n as i64),
        Value::Num(n) => SqlValue::Real(n),
        Value::Obj(o) if vm.heap.obj(o).class == Class::Date => {
            let t = match vm.heap.obj(o).elems[0] {
                Value::Num(t) => t,
                _ => f64::NAN,
            };
            SqlValue::Text(semantics::date::iso_string(t))
        }
        Value::Obj(_) => {
            let mut out = Vec::new();
            vm.write_json(v, &Format::COMPACT, &mut out)?;
            SqlValue::Text(String::from_utf8_lossy(&out).into_owned())
        }
        _ => {
            let mut s = String::new();
            vm.write_string(v, &mut s)?;
            SqlValue::Text(s)
        }
    })
}

fn table(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let name = column(vm, arg(vm, a, 0), "the table name")?;
    let text = name.text(&vm.heap);
    if let Err(why) = sql::check_table(text, vm.queries.tables.as_deref().map(|t| t.as_slice())) {
        return Err(Interrupt::error(ErrorKind::Error, why));
    }
    let i = builder_index(vm, this, "table")?;
    let b = vm.queries.get(i);
    b.table.clear();
    b.table.push_str(name.text(&vm.heap));
    Ok(this)
}

fn select(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let mut columns = Vec::with_capacity(a.len);
    for i in 0..a.len {
        let v = arg(vm, a, i);
        // `select(["id", "name"])` as well as `select("id", "name")`.
        if let Value::Obj(o) = v {
            if vm.heap.obj(o).class == Class::Array {
                for j in 0..vm.heap.obj(o).elems.len() {
                    let e = vm.heap.obj(o).elems[j];
                    columns.push(identifier(vm, e, "a column name")?);
                }
                continue;
            }
        }
        columns.push(identifier(vm, v, "a column name")?);
    }
    builder(vm, this, "select")?.columns = columns;
    Ok(this)
}

fn is_array(vm: &Vm, v: Value) -> bool {
    matches!(v, Value::Obj(o) if vm.heap.obj(o).class == Class::Array)
}

/// A checked table or column name: a script string or a property key.
/// Checked where it is, and copied only into the builder's own buffers.
#[derive(Clone, Copy)]
enum Name {
    Str(Value),
    Key(Atom),
}

impl Name {
    fn text(self, heap: &crate::heap::Heap) -> &str {
        match self {
            Name::Str(v) => heap.str(v).unwrap_or(""),
            Name::Key(a) => heap.atom_str(a),
        }
    }
}

fn checked(vm: &Vm, name: Name) -> Result<Name, Interrupt> {
    sql::check_identifier(name.text(&vm.heap))
        .map_err(|m| Interrupt::error(ErrorKind::Error, m))?;
    Ok(name)
}

/// A string argument that must be a table or column name.
fn column(vm: &mut Vm, v: Value, what: &str) -> Result<Name, Interrupt> {
    if vm.heap.str(v).is_none() {
        let shown = crate::inspect::inspect_short(vm, v);
        return Err(vm.type_error(format!("{what} must be a string, not {shown}")));
    }
    checked(vm, Name::Str(v))
}

/// What a condition compares its column with.
enum Operand {
    Nothing,
    One(Value),
    /// The elements of an array.
    Each(Value, &'static str),
}

/// Adds a condition to `this`, reusing a spare condition's buffers.
fn add_cond(
    vm: &mut Vm,
    this: Value,
    or: bool,
    col: Name,
    op: CondOp,
    operand: Operand,
) -> Result<(), Interrupt> {
    let i = builder_index(vm, this, "where")?;
    let mut c = vm.queries.cond(or, op);
    match operand {
        Operand::Nothing => {}
        Operand::One(v) => {
            let p = to_sql(vm, v)?;
            c.values.push(p);
        }
        Operand::Each(v, what) => {
            let Value::Obj(o) = v else {
                return Err(vm.type_error(format!("{what} needs an array of values")));
            };
            if vm.heap.obj(o).class != Class::Array {
                return Err(vm.type_error(format!("{what} needs an array of values")));
            }
            for j in 0..vm.heap.obj(o).elems.len() {
                let e = vm.heap.obj(o).elems[j];
                let p = to_sql(vm, e)?;
                c.values.push(p);
            }
        }
    }
    c.column.push_str(col.text(&vm.heap));
    vm.queries.get(i).conds.push(c);
    Ok(())
}

/// `where(col, value)`, `where(col, op, value)`, `where({ col: value, … })`.
fn where_<const OR: bool>(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let first = arg(vm, a, 0);
    if let Value::Obj(o) = first {
        match vm.heap.obj(o).class {
            Class::Closure(_) | Class::Native(_) => {
                return Err(vm.type_error(
                    "a where(row => …) lambda is translated to SQL only when it is written on a db() chain: db().table(…).where(row => …)",
                ));
            }
            Class::Object => {
                for i in 0..vm.heap.obj(o).props.len() {
                    let (k, v) = vm.heap.obj(o).props[i];
                    let col = checked(vm, Name::Key(k))?;
                    equality(vm, this, OR && i == 0, col, v)?;
                }
                return Ok(this);
            }
            _ => {}
        }
    }
    let col = column(vm, first, "the column name")?;
    if a.len < 3 {
        let v = arg(vm, a, 1);
        equality(vm, this, OR, col, v)?;
        return Ok(this);
    }
    let op_value = arg(vm, a, 1);
    let op_text = vm.heap.str(op_value).unwrap_or("").to_ascii_lowercase();
    let value = arg(vm, a, 2);
    let null = matches!(value, Value::Null | Value::Undefined);
    let (op, operand) = match (op_text.as_str(), comparison(&op_text)) {
        ("in", _) => (CondOp::In, Operand::Each(value, "where(col, \"in\", …)")),
        ("not in", _) => (
            CondOp::NotIn,
            Operand::Each(value, "where(col, \"not in\", …)"),
        ),
        (_, Some("=")) if null => (CondOp::IsNull, Operand::Nothing),
        (_, Some("<>")) if null => (CondOp::NotNull, Operand::Nothing),
        (_, Some(op)) => (CondOp::Compare(op), Operand::One(value)),
        (_, None) => {
            return Err(Interrupt::error(
                ErrorKind::Error,
                format!("unknown operator {op_text:?} in where(): use = != < <= > >= like in"),
            ));
        }
    };
    add_cond(vm, this, OR, col, op, operand)?;
    Ok(this)
}

/// `col = v`, or `IS NULL` for null, or `IN (…)` for an array.
fn equality(vm: &mut Vm, this: Value, or: bool, col: Name, v: Value) -> Result<(), Interrupt> {
    let (op, operand) = match v {
        Value::Null | Value::Undefined => (CondOp::IsNull, Operand::Nothing),
        _ if is_array(vm, v) => (CondOp::In, Operand::Each(v, "where")),
        _ => (CondOp::Compare("="), Operand::One(v)),
    };
    add_cond(vm, this, or, col, op, operand)
}

fn where_in<const NOT: bool>(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let col = column(vm, arg(vm, a, 0), "the column name")?;
    let (op, what) = if NOT {
        (CondOp::NotIn, "whereNotIn")
    } else {
        (CondOp::In, "whereIn")
    };
    add_cond(vm, this, false, col, op, Operand::Each(arg(vm, a, 1), what))?;
    Ok(this)
}

fn where_null<const NOT: bool>(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let col = column(vm, arg(vm, a, 0), "the column name")?;
    let op = if NOT { CondOp::NotNull } else { CondOp::IsNull };
    add_cond(vm, this, false, col, op, Operand::Nothing)?;
    Ok(this)
}

/// `whereRaw(sql, [values])`: SQL with `?` marks; what a lambda predicate
/// compiles to. Values are still bound, never spliced.
fn where_raw<const OR: bool>(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let text = arg(vm, a, 0);
    let Some(marks) = vm.heap.str(text).map(|s| s.matches('?').count()) else {
        return Err(vm.type_error("whereRaw needs SQL text"));
    };
    let values = arg(vm, a, 1);
    let given = match values {
        Value::Undefined => 0,
        Value::Obj(o) if vm.heap.obj(o).class == Class::Array => vm.heap.obj(o).elems.len(),
        _ => return Err(vm.type_error("whereRaw needs an array of values")),
    };
    if marks != given {
        return Err(Interrupt::error(
            ErrorKind::Error,
            format!("whereRaw: {marks} marks but {given} values"),
        ));
    }
    let operand = if given == 0 {
        Operand::Nothing
    } else {
        Operand::Each(values, "whereRaw")
    };
    // The SQL text goes where a column name would (`CondOp::Raw`).
    add_cond(vm, this, OR, Name::Str(text), CondOp::Raw, operand)?;
    Ok(this)
}

fn order_by(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let col = identifier(vm, arg(vm, a, 0), "the column name")?;
    let dir = arg(vm, a, 1);
    let desc = match vm.heap.str(dir).map(|s| s.to_ascii_lowercase()) {
        None if matches!(dir, Value::Undefined) => false,
        Some(d) if d == "asc" => false,
        Some(d) if d == "desc" => true,
        _ => return Err(vm.type_error("orderBy's direction must be \"asc\" or \"desc\"")),
    };
    builder(vm, this, "orderBy")?.order.push((col, desc));
    Ok(this)
}

fn limit<const OFFSET: bool>(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let n = vm.to_number(arg(vm, a, 0))?;
    if !(n >= 0.0 && n.fract() == 0.0) {
        let what = if OFFSET { "offset" } else { "limit" };
        return Err(Interrupt::error(
            ErrorKind::RangeError,
            format!("{what} must be a whole number ≥ 0"),
        ));
    }
    let b = builder(vm, this, "limit")?;
    if OFFSET {
        b.offset = Some(n as u64);
    } else {
        b.limit = Some(n as u64);
    }
    Ok(this)
}

fn all(vm: &mut Vm, this: Value, _: Args) -> Result<Value, Interrupt> {
    builder(vm, this, "all")?.all = true;
    Ok(this)
}

/// A builder ready to run: it names its table.
fn ready<'a>(vm: &'a mut Vm, this: Value, name: &str) -> Result<&'a Builder, Interrupt> {
    let b = builder(vm, this, name)?;
    if b.table.is_empty() {
        return Err(Interrupt::error(
            ErrorKind::Error,
            format!("{name}() needs a table: db().table(\"name\").{name}()"),
        ));
    }
    Ok(builder(vm, this, name)?)
}

/// Suspends on `st`; its rows may take what is left of the memory budget.
fn wait(vm: &Vm, mut st: Box<Statement>) -> Result<Value, Interrupt> {
    st.max_bytes = vm.heap.limit.saturating_sub(vm.heap.used);
    Err(Interrupt::Suspend(PendingOp::Db(st)))
}

fn finish_select<const K: u8>(vm: &mut Vm, this: Value, _: Args) -> Result<Value, Interrupt> {
    let (expect, name) = match K {
        0 => (Expect::Rows, "get"),
        1 => (Expect::First, "first"),
        2 => (Expect::Count, "count"),
        _ => (Expect::Exists, "exists"),
    };
    let mut st = vm.queries.statement();
    sql::select(ready(vm, this, name)?, expect, &mut st);
    wait(vm, st)
}

fn insert(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    ready(vm, this, "insert")?;
    let v = arg(vm, a, 0);
    let (objs, many) = match v {
        Value::Obj(o) if vm.heap.obj(o).class == Class::Array => {
            (vm.heap.obj(o).elems.clone(), true)
        }
        Value::Obj(o) if vm.heap.obj(o).class == Class::Object => (vec![Value::Obj(o)], false),
        _ => return Err(vm.type_error("insert needs an object or an array of objects")),
    };
    if objs.is_empty() {
        return vm.new_array(&[]);
    }
    // Columns: every key any row has, in the order first seen; a row that
    // lacks one gets the column's default (not NULL, and not the first
    // row's columns only: that dropped later rows' keys).
    let mut columns = Vec::new();
    let mut atoms: Vec<Atom> = Vec::new();
    for &o in &objs {
        let Value::Obj(o) = o else {
            return Err(vm.type_error("insert needs objects"));
        };
        for i in 0..vm.heap.obj(o).props.len() {
            let k = vm.heap.obj(o).props[i].0;
            if !atoms.contains(&k) {
                let name = checked(vm, Name::Key(k))?;
                columns.push(name.text(&vm.heap).to_string());
                atoms.push(k);
            }
        }
    }
    let mut rows = Vec::with_capacity(objs.len());
    for o in objs {
        let Value::Obj(o) = o else {
            return Err(vm.type_error("insert needs objects"));
        };
        let mut row = Vec::with_capacity(atoms.len());
        for &k in &atoms {
            row.push(match vm.get_own(o, k) {
                Some(v) => Some(to_sql(vm, v)?),
                None => None,
            });
        }
        rows.push(row);
    }
    let mut st = vm.queries.statement();
    sql::insert(ready(vm, this, "insert")?, &columns, rows, many, &mut st);
    wait(vm, st)
}

/// `update`/`delete` without a `where` would touch every row: refused
/// unless the chain says `.all()`.
fn guard_all(vm: &mut Vm, this: Value, name: &str) -> Result<(), Interrupt> {
    let b = ready(vm, this, name)?;
    if b.conds.is_empty() && !b.all {
        return Err(Interrupt::error(
            ErrorKind::Error,
            format!("{name}() without where() would change every row; add .all() if that is meant"),
        ));
    }
    Ok(())
}

fn update(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    guard_all(vm, this, "update")?;
    let Value::Obj(o) = arg(vm, a, 0) else {
        return Err(vm.type_error("update needs an object of new values"));
    };
    let mut set = Vec::new();
    for i in 0..vm.heap.obj(o).props.len() {
        let (k, v) = vm.heap.obj(o).props[i];
        let name = checked(vm, Name::Key(k))?.text(&vm.heap).to_string();
        set.push((name, to_sql(vm, v)?));
    }
    if set.is_empty() {
        return Err(Interrupt::error(
            ErrorKind::Error,
            "update needs at least one column",
        ));
    }
    let mut st = vm.queries.statement();
    sql::update(ready(vm, this, "update")?, set, &mut st);
    wait(vm, st)
}

fn delete(vm: &mut Vm, this: Value, _: Args) -> Result<Value, Interrupt> {
    guard_all(vm, this, "delete")?;
    let mut st = vm.queries.statement();
    sql::delete(ready(vm, this, "delete")?, &mut st);
    wait(vm, st)
}

/// `db().query(sql, ...values)`: raw SQL, values bound to `$1`… (or `?`).
fn query(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    builder(vm, this, "query")?;
    let mut st = vm.queries.statement();
    st.reset(Expect::Raw);
    match vm.heap.str(arg(vm, a, 0)) {
        Some(text) => st.sql.push_str(text),
        None => return Err(vm.type_error("query needs SQL text")),
    }
    for i in 1..a.len {
        let v = arg(vm, a, i);
        st.params.push(to_sql(vm, v)?);
    }
    wait(vm, st)
}

fn transaction(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    builder(vm, this, "transaction")?;
    let body = super::callable(vm, arg(vm, a, 0), "transaction")?;
    Err(Interrupt::Suspend(PendingOp::Transaction { body }))
}

fn column_value(vm: &mut Vm, v: &SqlValue) -> Result<Value, Interrupt> {
    Ok(match v {
        SqlValue::Null => Value::Null,
        SqlValue::Bool(b) => Value::Bool(*b),
        SqlValue::Int(i) => Value::Num(*i as f64),
        SqlValue::Real(f) => Value::Num(*f),
        SqlValue::Text(s) => vm.heap.alloc_str(s)?,
    })
}

/// Row `r` of `t` as an object.
fn row(
    vm: &mut Vm,
    t: &crate::io::statement::Table,
    keys: &[crate::value::Atom],
    r: usize,
) -> Result<Value, Interrupt> {
    let o: ObjId = vm.new_object()?;
    let w = keys.len();
    for (c, &k) in keys.iter().enumerate() {
        let v = column_value(vm, &t.values[r * w + c])?;
        vm.define_own(o, k, v)?;
    }
    Ok(Value::Obj(o))
}

/// What a statement's answer is to the script.
pub fn db_value(vm: &mut Vm, expect: Expect, answer: Answer) -> Result<Value, Interrupt> {
    let (v, rows) = answer_value(vm, expect, answer);
    if let Some(rows) = rows {
        vm.queries.recycle_rows(rows);
    }
    v
}

/// The answer as a script value, and the values buffer it leaves.
fn answer_value(
    vm: &mut Vm,
    expect: Expect,
    answer: Answer,
) -> (Result<Value, Interrupt>, Option<Vec<SqlValue>>) {
    let t = match answer {
        Answer::Affected(n) => {
            let v = match expect {
                Expect::Script => Ok(Value::Undefined),
                Expect::Rows => vm.new_array(&[]),
                Expect::First => Ok(Value::Null),
                _ => Ok(Value::Num(n as f64)),
            };
            return (v, None);
        }
        Answer::Rows(t) => t,
    };
    let v = table_value(vm, expect, &t);
    (v, Some(t.values))
}

fn table_value(
    vm: &mut Vm,
    expect: Expect,
    t: &crate::io::statement::Table,
) -> Result<Value, Interrupt> {
    let n = t.rows();
    Ok(match expect {
        Expect::Count => match t.values.first() {
            Some(SqlValue::Int(i)) => Value::Num(*i as f64),
            Some(SqlValue::Real(f)) => Value::Num(*f),
            Some(SqlValue::Text(s)) => Value::Num(s.parse().unwrap_or(f64::NAN)),
            _ => Value::Num(0.0),
        },
        Expect::Exists => Value::Bool(n > 0),
        Expect::First if n == 0 => Value::Null,
        _ => {
            // The column names as keys, in a buffer kept from query to query.
            let mut keys = std::mem::take(&mut vm.queries.keys);
            keys.clear();
            keys.extend(t.columns.iter().map(|c| vm.heap.intern(c)));
            let v = if expect == Expect::First {
                row(vm, t, &keys, 0)
            } else {
                (0..n)
                    .map(|r| row(vm, t, &keys, r))
                    .collect::<Result<Vec<_>, _>>()
                    .and_then(|rows| vm.new_array(&rows))
            };
            vm.queries.keys = keys;
            v?
        }
    })
}

/// The Error thrown at a script when the database fails: the database's
/// message, and `code` = `DB_UNAVAILABLE` when it cannot be reached.
pub fn db_error(vm: &mut Vm, e: &DbError) -> Value {
    let v = vm.make_error(ErrorKind::Error, e.message());
    if let (DbError::Unavailable(_), Value::Obj(o)) = (e, v) {
        let code = vm.heap.intern("code");
        if let Ok(s) = vm.heap.alloc_str(UNAVAILABLE) {
            let _ = vm.define_own(o, code, s);
        }
    }
    v
}
