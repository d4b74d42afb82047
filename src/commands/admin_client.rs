//! The admin listener's client, for `kitwork reload`, `deploy` and
//! `status`: one request per connection (the listener closes after each),
//! plain HTTP/1.1 over TCP, as the listener speaks it.

use std::io::{Read, Write};
use std::time::Duration;

/// `METHOD path` to the admin listener at `node` (`host:port`, or with an
/// `http://` in front), with the token and a body: (status, body).
pub fn request(
    node: &str,
    method: &str,
    path: &str,
    token: &str,
    body: &[u8],
) -> std::io::Result<(u16, String)> {
    use std::net::ToSocketAddrs;
    let host = node.trim_start_matches("http://").trim_end_matches('/');
    let addr = host
        .to_socket_addrs()?
        .next()
        .ok_or_else(|| std::io::Error::other(format!("{host} names no address")))?;
    let mut s = std::net::TcpStream::connect_timeout(&addr, Duration::from_secs(5))?;
    s.set_read_timeout(Some(Duration::from_secs(120)))?;
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes())?;
    // A listener that answers before taking the whole body (a refusal)
    // may close while it is sent: its answer is still read.
    let sent = s.write_all(body);
    let mut text = String::new();
    if let Err(e) = s.read_to_string(&mut text)
        && text.is_empty()
    {
        sent?;
        return Err(e);
    }
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = text.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    Ok((status, body.to_string()))
}

/// A JSON answer's string field, for printing (the answers are the
/// listener's own, flat objects).
pub fn field(json: &str, name: &str) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(json).ok()?;
    match &v[name] {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Null => None,
        other => Some(other.to_string()),
    }
}
