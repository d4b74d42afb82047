//! A PostgreSQL schema of a test's own (created fresh, dropped when the
//! value goes, even when the test fails), and SQL run through kitwork
//! itself, so the tests need no other client.
#![allow(dead_code)]

use kitwork::vm::{Limits, Vm};

/// The PostgreSQL URL the tests run against (`KITWORK_TEST_PG`). Without
/// it, `what` is reported as skipped on stderr, and under `CI=true` (which
/// `.ci/run` sets) the test fails: there, a missing service is an error,
/// not a pass.
pub fn url_or_skip(what: &str) -> Option<String> {
    match std::env::var("KITWORK_TEST_PG") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            // Written past the harness's capture, so the skip shows.
            use std::io::Write;
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED {what}: set KITWORK_TEST_PG to a PostgreSQL URL to run it"
            );
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "{what}: KITWORK_TEST_PG is not set, and CI=true requires the PostgreSQL tests to run"
            );
            None
        }
    }
}

/// Runs one statement on `url`; the database's message when it fails.
pub fn try_sql(url: &str, sql: &str) -> Result<(), String> {
    let program = kitwork::compile_file("setup.js", &format!("db().query({sql:?});")).unwrap();
    let db = kitwork::runtime::db::Shared::from_url(url);
    let setup = kitwork::runtime::Setup::new().with_database(db);
    kitwork::run_with(&mut Vm::new(Limits::default()), &program, &setup)
        .map(|_| ())
        .map_err(|e| e.report)
}

/// Runs one statement on `url`; panics with the database's message.
pub fn run_sql(url: &str, sql: &str) {
    if let Err(e) = try_sql(url, sql) {
        panic!("PostgreSQL setup failed ({sql}): {e}");
    }
}

pub struct Schema {
    base: String,
    name: String,
}

impl Schema {
    /// A fresh schema named `name` on the server of `base`.
    pub fn new(base: &str, name: &str) -> Schema {
        run_sql(base, &format!("DROP SCHEMA IF EXISTS {name} CASCADE"));
        run_sql(base, &format!("CREATE SCHEMA {name}"));
        Schema {
            base: base.to_string(),
            name: name.to_string(),
        }
    }

    /// `base` with this schema as the search path.
    pub fn url(&self) -> String {
        let joiner = if self.base.contains('?') { '&' } else { '?' };
        format!("{}{joiner}options=-csearch_path%3D{}", self.base, self.name)
    }
}

impl Drop for Schema {
    fn drop(&mut self) {
        // Best effort: a drop must not panic while a failed test unwinds.
        let _ = try_sql(
            &self.base,
            &format!("DROP SCHEMA IF EXISTS {} CASCADE", self.name),
        );
    }
}

/// The streaming replica of `KITWORK_TEST_PG` (`KITWORK_TEST_PG_REPLICA`,
/// which `.ci/run` sets from scripts/pg-replica.sh); skipped as
/// `url_or_skip` says.
pub fn replica_or_skip(what: &str) -> Option<String> {
    match std::env::var("KITWORK_TEST_PG_REPLICA") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            use std::io::Write;
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED {what}: set KITWORK_TEST_PG_REPLICA to a replica's URL (scripts/pg-replica.sh prints one)"
            );
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "{what}: KITWORK_TEST_PG_REPLICA is not set, and CI=true requires the replica tests to run"
            );
            None
        }
    }
}
