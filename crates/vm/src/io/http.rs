//! An HTTP request as a run hands it to the host, and the response or
//! failure it gets back.

use bytes::Bytes;
use std::time::Duration;

/// How long a request may take unless the script says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// A request as the script made it, owned so it can wait on the executor.
#[derive(Clone, Debug)]
pub struct Request {
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    /// Shared, so a retry or a redirect does not copy it.
    pub body: Option<Bytes>,
    pub timeout: Duration,
    /// Most bytes the response body may have (what is left of the
    /// request's memory budget).
    pub max_bytes: usize,
}

#[derive(Debug)]
pub struct Response {
    pub status: u16,
    /// Lower-case names, in the order received.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// Why a request failed; `code` is what the script's error carries.
#[derive(Debug)]
pub struct Failure {
    pub code: &'static str,
    pub message: String,
}
