//! Response header fields as RFC 9110 §5 writes them: the one check every
//! header a script sets goes through (`header()`, `cookie()`, `redirect()`,
//! `html()`, a work's `.version()`), the headers the gateway owns because
//! they frame the response, and the statuses a script may answer with.
//! Anything else is a `TypeError` in the script, never bytes on the wire.

/// Headers that decide how the response is framed or what the connection
/// does next, or that the gateway writes itself: a script setting one
/// could split the response or contradict the gateway.
const OWNED: &[&str] = &[
    "content-length",
    "transfer-encoding",
    "connection",
    "keep-alive",
    "proxy-connection",
    "upgrade",
    "te",
    "trailer",
    "date",
    "server",
];

/// Whether `b` may appear in a token (a header name, a cookie name).
pub fn token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// Whether `s` is a token: one or more token bytes.
pub fn is_token(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(token_byte)
}

/// Whether `b` may appear in a field value: visible ASCII, space, tab and
/// bytes above 0x7F; never CR, LF, NUL or another control.
pub fn value_byte(b: u8) -> bool {
    b == b'\t' || b == b' ' || (0x21..=0x7e).contains(&b) || b >= 0x80
}

/// Whether the gateway writes `name` itself (a `Response`'s copy, say
/// from `fetch`, is dropped).
pub fn is_owned(name: &str) -> bool {
    OWNED.iter().any(|o| name.eq_ignore_ascii_case(o))
}

/// Checks a header a script sets; the error says what is wrong.
pub fn check(name: &str, value: &str) -> Result<(), String> {
    if !is_token(name) {
        return Err(format!("invalid response header name {name:?}"));
    }
    if OWNED.iter().any(|o| name.eq_ignore_ascii_case(o)) {
        return Err(format!(
            "the gateway writes the {name} header itself; a script cannot set it"
        ));
    }
    check_value(name, value)
}

/// Checks a value on its own (for headers the gateway names itself).
pub fn check_value(name: &str, value: &str) -> Result<(), String> {
    if let Some(b) = value.bytes().find(|&b| !value_byte(b)) {
        return Err(format!(
            "invalid byte 0x{b:02x} in the value of response header {name}"
        ));
    }
    Ok(())
}

/// Whether a script may answer with `status`: 200–599. The 1xx statuses
/// belong to the gateway (a `101` would leave the body unframed on a
/// kept-alive connection), and nothing outside 100–599 is HTTP.
pub fn script_status(status: f64) -> Option<u16> {
    ((200.0..=599.0).contains(&status) && status.fract() == 0.0).then_some(status as u16)
}

/// The statuses `redirect()` takes: 300–308.
pub fn redirect_status(status: f64) -> Option<u16> {
    ((300.0..=308.0).contains(&status) && status.fract() == 0.0).then_some(status as u16)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_values_and_owned_headers() {
        assert!(check("X-Id", "a b\tc \u{e9}").is_ok());
        assert!(check("X Id", "v").is_err());
        assert!(check("", "v").is_err());
        assert!(check("X:", "v").is_err());
        assert!(check("X-A", "a\r\nSet-Cookie: x").is_err());
        assert!(check("X-A", "a\0b").is_err());
        assert!(check("X-A", "a\x7f").is_err());
        assert!(check("Content-Length", "3").is_err());
        assert!(check("transfer-encoding", "chunked").is_err());
        assert!(check("Upgrade", "websocket").is_err());
        assert_eq!(script_status(101.0), None);
        assert_eq!(script_status(204.0), Some(204));
        assert_eq!(script_status(200.5), None);
        assert_eq!(redirect_status(999.0), None);
        assert_eq!(redirect_status(0.0), None);
        assert_eq!(redirect_status(307.0), Some(307));
    }
}
