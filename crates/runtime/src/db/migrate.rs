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

/// What a migration run did: the files applied (also when a later one
/// failed, so they are reported), and the error that stopped it.
pub struct Report {
    pub applied: Vec<String>,
    pub error: Option<DbError>,
}

/// A migration file's checksum, recorded when applied and compared on
/// every later run: an applied file that was edited is refused, not
/// silently ignored.
fn checksum(sql: &str) -> String {
    let mut h = crate::content_hash::Hasher::default();
    h.add(sql.as_bytes());
    format!("{:016x}", h.finish())
}

/// Applies what has not been applied yet, in name order. Refuses, before
/// applying anything, an applied file whose text changed and a new file
/// that sorts before an applied one (it would run out of order). An error
/// keeps its kind: a database that cannot be reached is not a broken
/// migration.
pub async fn migrate(db: &Database, dir: &Path) -> Report {
    let mut applied = Vec::new();
    let error = apply(db, dir, &mut applied).await.err();
    Report { applied, error }
}

fn fail(what: &str, e: DbError) -> DbError {
    match e {
        DbError::Query(m) => DbError::Query(format!("{what}: {m}")),
        DbError::Unavailable(m) => DbError::Unavailable(format!("{what}: {m}")),
    }
}

async fn run(db: &Database, sql: &str, expect: Expect) -> Result<Answer, DbError> {
    db.run(statement(sql, Vec::new(), expect), None).await.0
}

async fn apply(db: &Database, dir: &Path, applied: &mut Vec<String>) -> Result<(), DbError> {
    run(
        db,
        "CREATE TABLE IF NOT EXISTS kitwork_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL, checksum TEXT)",
        Expect::Script,
    )
    .await
    .map_err(|e| fail("cannot create kitwork_migrations", e))?;
    // A table made before checksums were recorded gets the column; its
    // rows' NULL checksums are filled on this run, from the files as they are.
    if run(
        db,
        "SELECT checksum FROM kitwork_migrations LIMIT 0",
        Expect::Rows,
    )
    .await
    .is_err()
    {
        run(
            db,
            "ALTER TABLE kitwork_migrations ADD COLUMN checksum TEXT",
            Expect::Script,
        )
        .await
        .map_err(|e| fail("cannot add kitwork_migrations.checksum", e))?;
    }
    let rows = run(
        db,
        "SELECT name, checksum FROM kitwork_migrations ORDER BY name",
        Expect::Rows,
    )
    .await
    .map_err(|e| fail("cannot read kitwork_migrations", e))?;
    let done: Vec<(String, Option<String>)> = match rows {
        Answer::Rows(t) => t
            .values
            .chunks(2)
            .map(|r| {
                let text = |v: &SqlValue| match v {
                    SqlValue::Text(s) => Some(s.clone()),
                    _ => None,
                };
                (text(&r[0]).unwrap_or_default(), text(&r[1]))
            })
            .collect(),
        Answer::Affected(_) => Vec::new(),
    };
    let mut files = Vec::new();
    for path in pending_files(dir).map_err(DbError::Query)? {
        let name = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let sql = std::fs::read_to_string(&path)
            .map_err(|e| DbError::Query(format!("cannot read {}: {e}", path.display())))?;
        files.push((name, sql));
    }
    let last_applied = done.iter().map(|(n, _)| n.as_str()).max();
    for (name, sql) in &files {
        let sum = checksum(sql);
        match done.iter().find(|(n, _)| n == name) {
            Some((_, Some(recorded))) if *recorded != sum => {
                return Err(DbError::Query(format!(
                    "{name} was edited after it was applied (checksum {recorded}, now {sum}); \
                     add a new migration instead of changing an applied one"
                )));
            }
            Some((_, None)) => {
                let record = Statement::new(
                    "UPDATE kitwork_migrations SET checksum = $1 WHERE name = $2".into(),
                    vec![SqlValue::Text(sum), SqlValue::Text(name.clone())],
                    Expect::Affected,
                );
                db.run(Box::new(record), None)
                    .await
                    .0
                    .map_err(|e| fail(name, e))?;
            }
            Some(_) => {}
            None if last_applied.is_some_and(|last| name.as_str() < last) => {
                return Err(DbError::Query(format!(
                    "{name} sorts before {}, which is already applied: it would run out of order; \
                     rename it to sort after the applied ones",
                    last_applied.unwrap_or_default()
                )));
            }
            None => {}
        }
    }
    for (name, sql) in files {
        if done.iter().any(|(n, _)| *n == name) {
            continue;
        }
        let tx = db.begin().await.map_err(|e| fail("cannot begin", e))?;
        let now = semantics::date::iso_string(semantics::date::now_ms());
        let mut r = db
            .run(statement(&sql, Vec::new(), Expect::Script), Some(&tx))
            .await
            .0;
        if r.is_ok() {
            let record = statement(
                "INSERT INTO kitwork_migrations (name, applied_at, checksum) VALUES ($1, $2, $3)",
                vec![
                    SqlValue::Text(name.clone()),
                    SqlValue::Text(now),
                    SqlValue::Text(checksum(&sql)),
                ],
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
    Ok(())
}
