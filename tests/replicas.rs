//! `[database] replicas` on a real streaming replica (scripts/pg-replica.sh):
//! a request's reads go to the replica, its writes and what follows them
//! to the primary; a replica that lags past `replica_lag_ms` (its replay
//! paused) is left for the primary until it catches up, and one that
//! cannot be reached is skipped without an error. Each change is one
//! line in the log.

#[path = "support/pg.rs"]
mod pg;
#[path = "support/server.rs"]
mod server;

use server::*;

const APP: &str = r#"
const onReplica = () => db().query("SELECT pg_is_in_recovery() AS r")[0].r;
work("Replicas")
  .get("/where", () => ({ replica: onReplica() }))
  .get("/write-then-read", () => {
    const before = onReplica();
    db().table("kw_replica_rows").insert({ v: 1 });
    return { before, after: onReplica() };
  })
  .get("/after-transaction", () => {
    db().transaction(() => db().table("kw_replica_rows").count());
    return { replica: onReplica() };
  })
  .get("/count", () => ({ n: db().table("kw_replica_rows").count() }));
"#;

#[test]
fn reads_go_to_a_current_replica_and_writes_to_the_primary() {
    let what = "reads_go_to_a_current_replica_and_writes_to_the_primary";
    let (Some(primary), Some(replica)) = (pg::url_or_skip(what), pg::replica_or_skip(what)) else {
        return;
    };
    pg::run_sql(&primary, "DROP TABLE IF EXISTS kw_replica_rows");
    pg::run_sql(
        &primary,
        "CREATE TABLE kw_replica_rows (id SERIAL PRIMARY KEY, v INT)",
    );
    // A replica nobody answers for comes first: skipped, never an error.
    let config = format!(
        "[database]\nurl = \"{primary}\"\nreplicas = [\"postgres://postgres@127.0.0.1:1/postgres\", \"{replica}\"]\nreplica_lag_ms = 300\n"
    );
    let s = start_in(
        &[("app.js", APP), ("kitwork.toml", &config)],
        &["--db", &primary],
    );
    for _ in 0..4 {
        let r = get(&s, "/where");
        assert_eq!((r.status, r.body.as_str()), (200, "{\"replica\":true}"));
    }
    let r = get(&s, "/write-then-read");
    assert_eq!(
        r.body, "{\"before\":true,\"after\":false}",
        "after a write, the primary"
    );
    assert_eq!(get(&s, "/after-transaction").body, "{\"replica\":false}");
    // The next request starts on the replica again, which has the row.
    assert!(wait_until(|| get(&s, "/count").body == "{\"n\":1}"));
    // Replay paused, a write on the primary: the replica falls behind
    // and reads go to the primary until it catches up.
    pg::run_sql(&replica, "SELECT pg_wal_replay_pause()");
    let resume = Resume(replica.clone());
    pg::run_sql(&primary, "INSERT INTO kw_replica_rows (v) VALUES (2)");
    std::thread::sleep(std::time::Duration::from_millis(1500));
    assert!(
        wait_until(|| get(&s, "/where").body == "{\"replica\":false}"),
        "a lagging replica is left for the primary"
    );
    assert_eq!(
        get(&s, "/count").body,
        "{\"n\":2}",
        "read from the primary, current"
    );
    drop(resume);
    assert!(
        wait_until(|| get(&s, "/where").body == "{\"replica\":true}"),
        "a replica that caught up is read from again"
    );
    // Each change said once: the unreachable one skipped (again every
    // 5 s at most), the lagging one left and taken back.
    let log = s.log();
    let port = replica
        .rsplit('@')
        .next()
        .and_then(|h| h.split('/').next())
        .unwrap();
    assert!(
        log.contains(
            "replica 127.0.0.1:1: not read from for 5 s: cannot reach PostgreSQL at 127.0.0.1:1"
        ),
        "{log}"
    );
    let lagging = format!("replica {port}: not read from while it lags: ");
    assert_eq!(log.matches(&lagging).count(), 1, "{log}");
    assert!(log.contains("(replica_lag_ms 300)"), "{log}");
    assert_eq!(
        log.matches(&format!("replica {port}: read from again"))
            .count(),
        1,
        "{log}"
    );
    pg::run_sql(&primary, "DROP TABLE kw_replica_rows");
}

/// Resumes the replica's replay however the test ends.
struct Resume(String);

impl Drop for Resume {
    fn drop(&mut self) {
        let _ = pg::try_sql(&self.0, "SELECT pg_wal_replay_resume()");
    }
}
