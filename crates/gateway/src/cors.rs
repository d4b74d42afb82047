//! Cross-origin requests for a work's routes (`work("N").cors({ origins,
//! methods, headers, expose, credentials, maxAge })`): the gateway answers
//! a browser's preflight (`OPTIONS` with `Access-Control-Request-Method`)
//! for those routes, and adds `Access-Control-Allow-Origin` (with `Vary:
//! Origin`) to their answers to an allowed origin. The Fetch Standard's
//! CORS protocol, server side.

use super::http;

/// The origins allowed.
#[derive(Clone, Debug, PartialEq)]
pub enum Origins {
    /// Any (`"*"`); with credentials, the request's own origin is echoed.
    Any,
    /// These, each exact (`https://app.example`) or with one `*` standing
    /// for any run of characters (`https://*.example.com`).
    List(Vec<String>),
}

/// A work's CORS policy.
#[derive(Clone, Debug, PartialEq)]
pub struct Cors {
    pub origins: Origins,
    /// `Access-Control-Allow-Methods`; `None`: the method asked for.
    pub methods: Option<String>,
    /// `Access-Control-Allow-Headers`; `None`: the headers asked for.
    pub headers: Option<String>,
    /// `Access-Control-Expose-Headers`.
    pub expose: Option<String>,
    pub credentials: bool,
    /// `Access-Control-Max-Age`, seconds.
    pub max_age: Option<u64>,
}

/// Whether `pattern` (one `*` at most) matches `origin`.
fn matches(pattern: &str, origin: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern.eq_ignore_ascii_case(origin),
        Some((before, after)) => {
            origin.len() >= before.len() + after.len()
                && origin[..before.len()].eq_ignore_ascii_case(before)
                && origin[origin.len() - after.len()..].eq_ignore_ascii_case(after)
        }
    }
}

impl Cors {
    /// The `Access-Control-Allow-Origin` value for a request from
    /// `origin`, when it is allowed.
    fn allow_origin(&self, origin: &str) -> Option<String> {
        match &self.origins {
            Origins::Any if !self.credentials => Some("*".into()),
            Origins::Any => Some(origin.into()),
            Origins::List(list) => list
                .iter()
                .any(|p| matches(p, origin))
                .then(|| origin.into()),
        }
    }

    /// The headers an answer to `req` carries (none when it has no
    /// `Origin`, or one not allowed).
    pub fn answer_headers(&self, req: &http::Request<'_, '_>) -> Vec<(String, String)> {
        let mut out = vec![("Vary".to_string(), "Origin".to_string())];
        let Some(origin) = origin_of(req) else {
            return out;
        };
        let Some(allowed) = self.allow_origin(origin) else {
            return out;
        };
        out.push(("Access-Control-Allow-Origin".into(), allowed));
        if self.credentials {
            out.push(("Access-Control-Allow-Credentials".into(), "true".into()));
        }
        if let Some(e) = &self.expose {
            out.push(("Access-Control-Expose-Headers".into(), e.clone()));
        }
        out
    }

    /// The headers of the answer (204) to a preflight `req` asking for
    /// `method`.
    pub fn preflight_headers(
        &self,
        req: &http::Request<'_, '_>,
        method: &str,
    ) -> Vec<(String, String)> {
        let vary = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers";
        let mut out = vec![("Vary".to_string(), vary.to_string())];
        let Some(allowed) = origin_of(req).and_then(|o| self.allow_origin(o)) else {
            return out;
        };
        out.push(("Access-Control-Allow-Origin".into(), allowed));
        let methods = self.methods.clone().unwrap_or_else(|| method.to_string());
        out.push(("Access-Control-Allow-Methods".into(), methods));
        let asked = req
            .header("access-control-request-headers")
            .and_then(|h| std::str::from_utf8(h).ok());
        if let Some(h) = self.headers.as_deref().or(asked)
            && !h.is_empty()
        {
            out.push(("Access-Control-Allow-Headers".into(), h.to_string()));
        }
        if self.credentials {
            out.push(("Access-Control-Allow-Credentials".into(), "true".into()));
        }
        if let Some(s) = self.max_age {
            out.push(("Access-Control-Max-Age".into(), s.to_string()));
        }
        out
    }
}

/// The request's `Origin`, when it has one that is text.
fn origin_of<'r>(req: &'r http::Request<'_, '_>) -> Option<&'r str> {
    req.header("origin")
        .and_then(|o| std::str::from_utf8(o).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_match_exactly_or_by_their_one_wildcard() {
        assert!(matches("https://app.example", "https://APP.example"));
        assert!(!matches("https://app.example", "https://app.example.evil"));
        assert!(matches("https://*.example.com", "https://a.b.example.com"));
        assert!(!matches(
            "https://*.example.com",
            "https://example.com.evil"
        ));
        assert!(!matches("https://*.example.com", "http://a.example.com"));
    }
}
