//! SQL text from a query builder. Every value becomes a bound parameter
//! (`$1`, `$2`… — PostgreSQL's syntax, which SQLite also accepts and numbers
//! in order of appearance); table and column names must be plain
//! identifiers and are always quoted.

use super::query::{Builder, CondOp};
use super::statement::{Expect, SqlValue, Statement};
use std::fmt::Write;

/// Checks a table or column name: letters, digits and `_`, not starting with
/// a digit, optionally `schema.name`. Anything else is refused, never escaped.
pub fn check_identifier(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name.len() <= 63 * 2 + 1
        && name.split('.').count() <= 2
        && name.split('.').all(|part| {
            let mut chars = part.chars();
            matches!(chars.next(), Some(c) if c == '_' || c.is_ascii_alphabetic())
                && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
        });
    if ok {
        Ok(())
    } else {
        Err(format!(
            "invalid SQL identifier {name:?}: use letters, digits and _"
        ))
    }
}

/// Checks a table name the query builder is given against the names
/// reserved for the gateway and the databases' catalogs (`kitwork_*`,
/// `sqlite_*`, `pg_*`, `information_schema`) and, when the operator lists
/// them (`database.tables`), against that list. Raw SQL (`db().query`) is
/// the script author's own and is not checked.
pub fn check_table(name: &str, allowed: Option<&[String]>) -> Result<(), String> {
    // Compared without allocating: this runs for every query a handler
    // builds (tests/db_alloc.rs counts).
    let starts = |s: &str, prefix: &str| {
        s.len() >= prefix.len()
            && s.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
    };
    let bare = name.rsplit('.').next().unwrap_or(name);
    let reserved = ["kitwork_", "sqlite_", "pg_"]
        .iter()
        .any(|p| starts(bare, p))
        || starts(name, "information_schema")
        || starts(name, "pg_catalog");
    if reserved {
        return Err(format!("the table name {name:?} is reserved"));
    }
    match allowed {
        Some(list) if !list.iter().any(|t| t.eq_ignore_ascii_case(name)) => {
            Err(format!("the table {name:?} is not in database.tables"))
        }
        _ => Ok(()),
    }
}

/// Appends `name` quoted: `"users"`, `"public"."users"`.
fn quoted(sql: &mut String, name: &str) {
    for (i, part) in name.split('.').enumerate() {
        if i > 0 {
            sql.push('.');
        }
        sql.push('"');
        sql.push_str(part);
        sql.push('"');
    }
}

/// Binds `v` and appends its placeholder.
fn bind(sql: &mut String, params: &mut Vec<SqlValue>, v: SqlValue) {
    params.push(v);
    let _ = write!(sql, "${}", params.len());
}

fn where_clause(sql: &mut String, params: &mut Vec<SqlValue>, b: &Builder) {
    for (i, c) in b.conds.iter().enumerate() {
        sql.push_str(match (i, c.or) {
            (0, _) => " WHERE ",
            (_, true) => " OR ",
            (_, false) => " AND ",
        });
        if c.op == CondOp::Raw {
            // A translated lambda: its placeholders are numbered from 1.
            sql.push('(');
            let mut n = params.len();
            let mut rest = c.column.as_str();
            while let Some(at) = rest.find('?') {
                n += 1;
                sql.push_str(&rest[..at]);
                let _ = write!(sql, "${n}");
                rest = &rest[at + 1..];
            }
            sql.push_str(rest);
            sql.push(')');
            params.extend(c.values.iter().cloned());
            continue;
        }
        quoted(sql, &c.column);
        match &c.op {
            CondOp::IsNull => sql.push_str(" IS NULL"),
            CondOp::NotNull => sql.push_str(" IS NOT NULL"),
            CondOp::In | CondOp::NotIn => {
                let not = matches!(c.op, CondOp::NotIn);
                if c.values.is_empty() {
                    // `x IN ()` is not SQL; an empty list matches nothing.
                    sql.push_str(if not {
                        " IS NULL OR 1=1"
                    } else {
                        " IS NULL AND 1=0"
                    });
                    continue;
                }
                sql.push_str(if not { " NOT IN (" } else { " IN (" });
                for (j, v) in c.values.iter().enumerate() {
                    if j > 0 {
                        sql.push_str(", ");
                    }
                    bind(sql, params, v.clone());
                }
                sql.push(')');
            }
            CondOp::Compare(op) => {
                sql.push(' ');
                sql.push_str(op);
                sql.push(' ');
                bind(sql, params, c.values[0].clone());
            }
            CondOp::Raw => unreachable!("handled above"),
        }
    }
}

fn from(sql: &mut String, b: &Builder) {
    sql.push_str(" FROM ");
    quoted(sql, &b.table);
}

/// `SELECT …` for `get`, `first`, `count` and `exists`.
pub fn select(b: &Builder, expect: Expect, st: &mut Statement) {
    st.reset(expect);
    let (sql, params) = (&mut st.sql, &mut st.params);
    match expect {
        Expect::Count => sql.push_str("SELECT COUNT(*) AS \"count\""),
        Expect::Exists => sql.push_str("SELECT 1 AS \"found\""),
        _ if b.columns.is_empty() => sql.push_str("SELECT *"),
        _ => {
            sql.push_str("SELECT ");
            for (i, c) in b.columns.iter().enumerate() {
                if i > 0 {
                    sql.push_str(", ");
                }
                quoted(sql, c);
            }
        }
    }
    from(sql, b);
    where_clause(sql, params, b);
    if expect != Expect::Count {
        for (i, (col, desc)) in b.order.iter().enumerate() {
            sql.push_str(if i == 0 { " ORDER BY " } else { ", " });
            quoted(sql, col);
            if *desc {
                sql.push_str(" DESC");
            }
        }
        let limit = match expect {
            Expect::First | Expect::Exists => Some(1),
            _ => b.limit,
        };
        if let Some(n) = limit {
            sql.push_str(" LIMIT ");
            bind(sql, params, SqlValue::Int(n as i64));
        }
        if let Some(n) = b.offset {
            if limit.is_none() {
                // SQLite needs a LIMIT before an OFFSET, and the two spell
                // "no limit" differently (-1, ALL): the largest one is both.
                sql.push_str(" LIMIT ");
                bind(sql, params, SqlValue::Int(i64::MAX));
            }
            sql.push_str(" OFFSET ");
            bind(sql, params, SqlValue::Int(n as i64));
        }
    }
}

/// `INSERT … RETURNING *` of one or more rows. `columns` is the union of
/// the rows' keys; a row's `None` is a key it lacks, which must get the
/// column's default, not NULL. Rows that name the same columns share one
/// INSERT; where they differ, consecutive runs of alike rows become parts
/// of one statement (`Statement::parts`).
pub fn insert(
    b: &Builder,
    columns: &[String],
    rows: Vec<Vec<Option<SqlValue>>>,
    many: bool,
    st: &mut Statement,
) {
    st.reset(if many { Expect::Rows } else { Expect::First });
    let present =
        |row: &[Option<SqlValue>]| -> Vec<bool> { row.iter().map(Option::is_some).collect() };
    let mut runs: Vec<(Vec<bool>, Vec<Vec<Option<SqlValue>>>)> = Vec::new();
    for row in rows {
        let mask = present(&row);
        match runs.last_mut() {
            // Rows without keys are one `DEFAULT VALUES` insert each.
            Some((m, run)) if *m == mask && mask.contains(&true) => run.push(row),
            _ => runs.push((mask, vec![row])),
        }
    }
    if runs.len() <= 1 {
        let (mask, rows) = runs.pop().unwrap_or_default();
        insert_run(b, columns, &mask, rows, &mut st.sql, &mut st.params);
        return;
    }
    // WITH i1 AS (INSERT …), i2 AS (INSERT …) SELECT * FROM i1 UNION ALL …
    let n = runs.len();
    st.sql.push_str("WITH ");
    for (i, (mask, rows)) in runs.into_iter().enumerate() {
        if i > 0 {
            st.sql.push_str(", ");
        }
        let _ = write!(st.sql, "i{} AS (", i + 1);
        let (sql_start, params_start) = (st.sql.len(), st.params.len());
        insert_run(b, columns, &mask, rows, &mut st.sql, &mut st.params);
        st.parts.push(super::statement::Part {
            sql: sql_start..st.sql.len(),
            params: params_start..st.params.len(),
        });
        st.sql.push(')');
    }
    for i in 1..=n {
        st.sql.push_str(if i == 1 {
            " SELECT * FROM i1"
        } else {
            " UNION ALL SELECT * FROM "
        });
        if i > 1 {
            let _ = write!(st.sql, "i{i}");
        }
    }
}

/// One INSERT of rows that all name the columns `mask` marks.
fn insert_run(
    b: &Builder,
    columns: &[String],
    mask: &[bool],
    rows: Vec<Vec<Option<SqlValue>>>,
    sql: &mut String,
    params: &mut Vec<SqlValue>,
) {
    sql.push_str("INSERT INTO ");
    quoted(sql, &b.table);
    let named: Vec<&String> = columns
        .iter()
        .zip(mask)
        .filter(|(_, m)| **m)
        .map(|(c, _)| c)
        .collect();
    if named.is_empty() {
        sql.push_str(" DEFAULT VALUES RETURNING *");
        return;
    }
    sql.push_str(" (");
    for (i, c) in named.iter().enumerate() {
        if i > 0 {
            sql.push_str(", ");
        }
        quoted(sql, c);
    }
    sql.push_str(") VALUES ");
    for (r, row) in rows.into_iter().enumerate() {
        sql.push_str(if r == 0 { "(" } else { ", (" });
        for (i, v) in row.into_iter().flatten().enumerate() {
            if i > 0 {
                sql.push_str(", ");
            }
            bind(sql, params, v);
        }
        sql.push(')');
    }
    sql.push_str(" RETURNING *");
}

/// `UPDATE … SET … WHERE …`.
pub fn update(b: &Builder, set: Vec<(String, SqlValue)>, st: &mut Statement) {
    st.reset(Expect::Affected);
    let (sql, params) = (&mut st.sql, &mut st.params);
    sql.push_str("UPDATE ");
    quoted(sql, &b.table);
    for (i, (col, v)) in set.into_iter().enumerate() {
        sql.push_str(if i == 0 { " SET " } else { ", " });
        quoted(sql, &col);
        sql.push_str(" = ");
        bind(sql, params, v);
    }
    where_clause(sql, params, b);
}

/// `DELETE FROM … WHERE …`.
pub fn delete(b: &Builder, st: &mut Statement) {
    st.reset(Expect::Affected);
    let (sql, params) = (&mut st.sql, &mut st.params);
    sql.push_str("DELETE");
    from(sql, b);
    where_clause(sql, params, b);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::query::Cond;

    fn compare(or: bool, column: &str, op: &'static str, v: SqlValue) -> Cond {
        Cond {
            or,
            column: column.to_string(),
            op: CondOp::Compare(op),
            values: vec![v],
        }
    }

    fn users() -> Builder {
        Builder {
            table: "users".into(),
            ..Builder::default()
        }
    }

    #[test]
    fn identifiers_are_checked_not_escaped() {
        assert!(check_identifier("users").is_ok());
        assert!(check_identifier("public.users").is_ok());
        assert!(check_identifier("_x1").is_ok());
        for bad in [
            "",
            "1x",
            "a b",
            "users\"; DROP TABLE x; --",
            "a.b.c",
            "a-b",
            "é",
        ] {
            assert!(check_identifier(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn select_binds_every_value() {
        let mut b = users();
        b.columns = vec!["id".into(), "name".into()];
        b.conds.push(compare(false, "age", ">=", SqlValue::Int(18)));
        b.conds.push(compare(
            true,
            "name",
            "=",
            SqlValue::Text("x' OR 1=1".into()),
        ));
        b.order.push(("id".into(), true));
        b.limit = Some(10);
        b.offset = Some(20);
        let mut s = Statement::new(String::new(), Vec::new(), Expect::Rows);
        select(&b, Expect::Rows, &mut s);
        assert_eq!(
            s.sql,
            "SELECT \"id\", \"name\" FROM \"users\" WHERE \"age\" >= $1 OR \"name\" = $2 ORDER BY \"id\" DESC LIMIT $3 OFFSET $4"
        );
        assert_eq!(s.params.len(), 4);
    }

    #[test]
    fn raw_conditions_renumber_their_marks() {
        let mut b = users();
        b.conds.push(compare(false, "id", ">", SqlValue::Int(1)));
        b.conds.push(Cond {
            or: false,
            column: "\"a\" = ? OR \"b\" < ?".into(),
            op: CondOp::Raw,
            values: vec![SqlValue::Int(2), SqlValue::Int(3)],
        });
        let mut s = Statement::new(String::new(), Vec::new(), Expect::Rows);
        select(&b, Expect::Count, &mut s);
        assert_eq!(
            s.sql,
            "SELECT COUNT(*) AS \"count\" FROM \"users\" WHERE \"id\" > $1 AND (\"a\" = $2 OR \"b\" < $3)"
        );
    }
}
