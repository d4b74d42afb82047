//! `Set-Cookie` lines (RFC 6265 §4.1): each attribute checked so that no
//! value a script passes along — from a query, a body — can end the
//! attribute early and add its own (`Lax; Domain=evil.example`) or break
//! the header.

use super::fields;

/// A cookie to set, as `cookie(name, value, options)` gives it.
#[derive(Default, Debug)]
pub struct SetCookie {
    pub name: String,
    pub value: String,
    pub path: Option<String>,
    pub domain: Option<String>,
    /// Seconds; 0 or less expires it now.
    pub max_age: Option<f64>,
    /// Milliseconds since the epoch (a `Date` or a number).
    pub expires: Option<f64>,
    pub same_site: Option<String>,
    pub http_only: bool,
    pub secure: bool,
}

/// An attribute value: no controls and no `;` (RFC 6265's `av-octet`).
fn attribute(what: &str, v: &str) -> Result<(), String> {
    if v.bytes().any(|b| b == b';' || b < 0x20 || b == 0x7f) {
        return Err(format!(
            "invalid cookie {what} {v:?}: no `;` or control characters"
        ));
    }
    Ok(())
}

impl SetCookie {
    /// The header value, or what is wrong with it.
    pub fn line(&self) -> Result<String, String> {
        if !fields::is_token(&self.name) {
            return Err(format!("invalid cookie name {:?}", self.name));
        }
        // cookie-octet, less strict where browsers are (spaces pass), but
        // never a separator that ends the pair or the header.
        if self
            .value
            .bytes()
            .any(|b| b == b';' || b == b',' || b == b'"' || b == b'\\' || b < 0x20 || b == 0x7f)
        {
            return Err(format!(
                "invalid cookie value for {}: no `;` `,` `\"` `\\` or control characters (encodeURIComponent it)",
                self.name
            ));
        }
        let mut line = format!("{}={}", self.name, self.value);
        if let Some(p) = &self.path {
            attribute("path", p)?;
            line.push_str("; Path=");
            line.push_str(p);
        }
        if let Some(d) = &self.domain {
            let host = d.strip_prefix('.').unwrap_or(d);
            if host.is_empty()
                || !host
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
            {
                return Err(format!("invalid cookie domain {d:?}"));
            }
            line.push_str("; Domain=");
            line.push_str(d);
        }
        if let Some(seconds) = self.max_age {
            if !seconds.is_finite() {
                return Err(format!(
                    "cookie maxAge must be a number of seconds, got {seconds}"
                ));
            }
            line.push_str("; Max-Age=");
            line.push_str(itoa::Buffer::new().format(seconds.trunc() as i64));
        }
        if let Some(ms) = self.expires {
            // An HTTP date is whole seconds from 1970 to 9999.
            if !(0.0..253_402_300_800_000.0).contains(&ms) {
                return Err(
                    "cookie expires must be a valid Date (or milliseconds) from 1970 on".into(),
                );
            }
            line.push_str("; Expires=");
            super::http::write_http_date((ms / 1000.0) as u64, &mut line);
        }
        if let Some(s) = &self.same_site {
            let canonical = ["Strict", "Lax", "None"]
                .into_iter()
                .find(|c| c.eq_ignore_ascii_case(s))
                .ok_or_else(|| format!("cookie sameSite must be Strict, Lax or None, got {s:?}"))?;
            line.push_str("; SameSite=");
            line.push_str(canonical);
        }
        if self.http_only {
            line.push_str("; HttpOnly");
        }
        if self.secure {
            line.push_str("; Secure");
        }
        Ok(line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cookie(f: impl FnOnce(&mut SetCookie)) -> Result<String, String> {
        let mut c = SetCookie {
            name: "session".into(),
            value: "ann".into(),
            ..SetCookie::default()
        };
        f(&mut c);
        c.line()
    }

    #[test]
    fn attributes_are_written_or_refused() {
        let all = cookie(|c| {
            c.path = Some("/app".into());
            c.domain = Some(".example.com".into());
            c.max_age = Some(3600.9);
            c.expires = Some(0.0);
            c.same_site = Some("lax".into());
            c.http_only = true;
            c.secure = true;
        });
        assert_eq!(
            all.unwrap(),
            "session=ann; Path=/app; Domain=.example.com; Max-Age=3600; Expires=Thu, 01 Jan 1970 00:00:00 GMT; SameSite=Lax; HttpOnly; Secure"
        );
        assert!(cookie(|c| c.same_site = Some("Lax; Domain=evil.example".into())).is_err());
        assert!(cookie(|c| c.path = Some("/\r\nX: y".into())).is_err());
        assert!(cookie(|c| c.path = Some("/; Domain=evil".into())).is_err());
        assert!(cookie(|c| c.domain = Some("evil.example; Secure".into())).is_err());
        assert!(cookie(|c| c.max_age = Some(f64::NAN)).is_err());
        assert!(cookie(|c| c.expires = Some(f64::NAN)).is_err());
        assert!(cookie(|c| c.value = "a;b".into()).is_err());
        assert!(cookie(|c| c.name = "a b".into()).is_err());
    }
}
