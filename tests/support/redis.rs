//! The Redis the `kv()` tests run against (`KITWORK_TEST_REDIS`, which
//! `.ci/run` sets from scripts/redis.sh).

/// Its URL. Without it, `what` is reported as skipped on stderr, and
/// under `CI=true` the test fails: there, a missing service is an error,
/// not a pass.
pub fn url_or_skip(what: &str) -> Option<String> {
    match std::env::var("KITWORK_TEST_REDIS") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            // Written past the harness's capture, so the skip shows.
            use std::io::Write;
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED {what}: set KITWORK_TEST_REDIS to a Redis URL (scripts/redis.sh prints one)"
            );
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "{what}: KITWORK_TEST_REDIS is not set, and CI=true requires the Redis tests to run"
            );
            None
        }
    }
}
