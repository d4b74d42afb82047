//! `kitwork migrate`: applies `migrations/*.sql` in file-name order, each in
//! its own transaction, and records it in `kitwork_migrations` so it runs
//! only once. The same code serves both backends.

use super::{Answer, Database, DbError, Expect, SqlValue, Statement};
use std::path::Path;

fn statement(sql: &str, params: Vec<SqlValue>, expect: Expect) -> Box<Statement> {
    Box::new(Statement::new(sql.to_string(), params, expect))
}

/// The `.sql` files of `dir`, sorted by name.
pub fn pending_files(dir: &Path) -> Result<Vec<std::path::PathBuf>, String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let mut files: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "sql"))
        .collect();
    files.sort();
    Ok(files)
}

/// Applies what has not been applied yet; returns the names it applied.
/// An error keeps its kind: a database that cannot be reached is not a
/// broken migration.
pub async fn migrate(db: &Database, dir: &Path) -> Result<Vec<String>, DbError> {
    let fail = |what: &str, e: DbError| match e {
        DbError::Query(m) => DbError::Query(format!("{what}: {m}")),
        DbError::Unavailable(m) => DbError::Unavailable(format!("{what}: {m}")),
    };
    db.run(
        statement(
            "CREATE TABLE IF NOT EXISTS kitwork_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)",
            Vec::new(),
            Expect::Script,
        ),
        None,
    )
    .await
    .0
    .map_err(|e| fail("cannot create kitwork_migrations", e))?;
    let done = match db
        .run(
            statement(
                "SELECT name FROM kitwork_migrations",
                Vec::new(),
                Expect::Rows,
            ),
            None,
        )
        .await
        .0
        .map_err(|e| fail("cannot read kitwork_migrations", e))?
    {
        Answer::Rows(t) => t.values,
        Answer::Affected(_) => Vec::new(),
    };
    let mut applied = Vec::new();
    for path in pending_files(dir).map_err(DbError::Query)? {
        let name = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        if done.contains(&SqlValue::Text(name.clone())) {
            continue;
        }
        let sql = std::fs::read_to_string(&path)
            .map_err(|e| DbError::Query(format!("cannot read {}: {e}", path.display())))?;
        let tx = db.begin().await.map_err(|e| fail("cannot begin", e))?;
        let now = crate::vm::builtins::date::iso_string(crate::vm::builtins::date::now_ms());
        let mut r = db
            .run(statement(&sql, Vec::new(), Expect::Script), Some(&tx))
            .await
            .0;
        if r.is_ok() {
            let record = statement(
                "INSERT INTO kitwork_migrations (name, applied_at) VALUES ($1, $2)",
                vec![SqlValue::Text(name.clone()), SqlValue::Text(now)],
                Expect::Affected,
            );
            r = db.run(record, Some(&tx)).await.0;
        }
        match r {
            Ok(_) => db.finish(tx, true).await.map_err(|e| fail(&name, e))?,
            Err(e) => {
                let _ = db.finish(tx, false).await;
                return Err(fail(&name, e));
            }
        }
        applied.push(name);
    }
    Ok(applied)
}
