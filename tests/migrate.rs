//! `kitwork migrate`, the real binary: applies pending files in name order,
//! records them, skips them the next time, and rolls a failing file back
//! (exit 1) without recording it — on SQLite, and on PostgreSQL (a schema
//! of its own) when `KITWORK_TEST_PG` is set.

#[path = "support/pg.rs"]
mod pg;

use std::process::Command;

fn migrate(dir: &std::path::Path, url: &str) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_kitwork"))
        .arg("migrate")
        .arg(dir)
        .args(["--db", url])
        .current_dir(dir)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

fn query(url: &str, sql: &str) -> String {
    let dir = std::env::temp_dir().join(format!("kitwork-mq-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let script = dir.join("q.js");
    std::fs::write(
        &script,
        format!("console.log(JSON.stringify(db().query({sql:?})));"),
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_kitwork"))
        .args(["run", "--db", url])
        .arg(&script)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn check(url: &str, dir: &std::path::Path) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(
        dir.join("002_more.sql"),
        "INSERT INTO notes (id, body) VALUES (2, 'second');",
    )
    .unwrap();
    std::fs::write(
        dir.join("001_notes.sql"),
        "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);\nINSERT INTO notes (id, body) VALUES (1, 'first');",
    )
    .unwrap();
    std::fs::write(dir.join("README.txt"), "not a migration").unwrap();
    let (ok, out) = migrate(dir, url);
    assert!(ok, "{out}");
    assert!(
        out.contains("applied migration 001_notes.sql\nkitwork: applied migration 002_more.sql"),
        "{out}"
    );
    let (ok, out) = migrate(dir, url);
    assert!(ok && out.contains("is up to date"), "{out}");
    assert_eq!(
        query(url, "SELECT body FROM notes ORDER BY id"),
        r#"[{"body":"first"},{"body":"second"}]"#
    );
    // A failing file changes nothing and is not recorded; fixed, it applies.
    std::fs::write(
        dir.join("003_bad.sql"),
        "INSERT INTO notes (id, body) VALUES (3, 'third');\nINSERT INTO nowhere VALUES (1);",
    )
    .unwrap();
    let (ok, out) = migrate(dir, url);
    assert!(!ok && out.contains("003_bad.sql"), "{out}");
    assert_eq!(
        query(url, "SELECT count(*) AS n FROM notes"),
        r#"[{"n":2}]"#
    );
    std::fs::write(
        dir.join("003_bad.sql"),
        "INSERT INTO notes (id, body) VALUES (3, 'third');",
    )
    .unwrap();
    let (ok, out) = migrate(dir, url);
    assert!(ok && out.contains("applied migration 003_bad.sql"), "{out}");
    assert_eq!(
        query(url, "SELECT name FROM kitwork_migrations ORDER BY name"),
        r#"[{"name":"001_notes.sql"},{"name":"002_more.sql"},{"name":"003_bad.sql"}]"#
    );
    // 004 applies, 005 fails: the run says 004 was applied.
    std::fs::write(
        dir.join("004_ok.sql"),
        "INSERT INTO notes (id, body) VALUES (4, 'fourth');",
    )
    .unwrap();
    std::fs::write(dir.join("005_bad.sql"), "INSERT INTO nowhere VALUES (1);").unwrap();
    let (ok, out) = migrate(dir, url);
    assert!(
        !ok && out.contains("applied migration 004_ok.sql") && out.contains("005_bad.sql"),
        "{out}"
    );
    std::fs::remove_file(dir.join("005_bad.sql")).unwrap();
    // An applied file edited afterwards is refused, by name.
    let original = std::fs::read_to_string(dir.join("001_notes.sql")).unwrap();
    std::fs::write(dir.join("001_notes.sql"), format!("{original}\n-- edited")).unwrap();
    let (ok, out) = migrate(dir, url);
    assert!(
        !ok && out.contains("001_notes.sql was edited after it was applied"),
        "{out}"
    );
    std::fs::write(dir.join("001_notes.sql"), original).unwrap();
    // A new file sorting before an applied one is refused, and nothing runs.
    std::fs::write(
        dir.join("000_early.sql"),
        "INSERT INTO notes (id, body) VALUES (0, 'zero');",
    )
    .unwrap();
    std::fs::write(
        dir.join("006_late.sql"),
        "INSERT INTO notes (id, body) VALUES (6, 'six');",
    )
    .unwrap();
    let (ok, out) = migrate(dir, url);
    assert!(
        !ok && out.contains("000_early.sql sorts before 004_ok.sql"),
        "{out}"
    );
    assert_eq!(
        query(url, "SELECT count(*) AS n FROM notes"),
        r#"[{"n":4}]"#
    );
    std::fs::remove_file(dir.join("000_early.sql")).unwrap();
    let (ok, out) = migrate(dir, url);
    assert!(
        ok && out.contains("applied migration 006_late.sql"),
        "{out}"
    );
}

#[test]
fn migrations_apply_once_in_order_and_roll_back_on_failure() {
    let base = std::env::temp_dir().join(format!("kitwork-migrate-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    let dir = base.join("migrations");
    check(&format!("sqlite://{}/app.db", base.display()), &dir);
    let _ = std::fs::remove_dir_all(&base);
    let Some(pg) = pg::url_or_skip("migrations on PostgreSQL") else {
        return;
    };
    let schema = pg::Schema::new(&pg, &format!("kw_migrate_{}", std::process::id()));
    check(&schema.url(), &dir);
    let _ = std::fs::remove_dir_all(&base);
}
