//! Conditional requests (RFC 9110 §13.1.2, §13.1.3): whether an answer
//! the client already holds is still current, so a 304 answers instead.
//! Static files and cached answers (`work().cache`) both ask.

/// `If-None-Match` (weak comparison) decides when present; else
/// `If-Modified-Since` (to the second) against `modified_secs` (seconds
/// since the epoch of the answer's `Last-Modified`).
pub fn not_modified(
    etag: Option<&str>,
    modified_secs: Option<u64>,
    none_match: Option<&str>,
    modified_since: Option<&str>,
) -> bool {
    if let Some(tags) = none_match {
        let Some(ours) = etag.map(|e| e.trim_start_matches("W/")) else {
            return false;
        };
        return tags
            .split(',')
            .map(str::trim)
            .any(|t| t == "*" || t.trim_start_matches("W/") == ours);
    }
    match (modified_since.and_then(seconds), modified_secs) {
        (Some(since), Some(secs)) => secs <= since,
        _ => false,
    }
}

/// An HTTP date as seconds since the epoch (none before it).
pub fn seconds(date: &str) -> Option<u64> {
    semantics::date::parse(date)
        .filter(|ms| *ms >= 0.0)
        .map(|ms| (ms / 1000.0) as u64)
}

#[cfg(test)]
mod tests {
    use super::not_modified;

    #[test]
    fn a_tag_decides_before_a_date() {
        let tag = Some("\"a\"");
        assert!(not_modified(tag, None, Some("\"b\", W/\"a\""), None));
        assert!(not_modified(tag, None, Some("*"), None));
        assert!(!not_modified(
            tag,
            Some(0),
            Some("\"b\""),
            Some("Thu, 01 Jan 2099 00:00:00 GMT")
        ));
        assert!(!not_modified(None, None, Some("*"), None));
        let date = Some("Sun, 06 Nov 1994 08:49:37 GMT");
        assert!(not_modified(None, Some(784111777), None, date));
        assert!(!not_modified(None, Some(784111778), None, date));
        assert!(!not_modified(None, None, None, date));
    }
}
