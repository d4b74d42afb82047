//! The request as the natives see it: copied out of the connection buffer
//! whole, and turned into strings only when a script first asks.

use super::form::{Pairs, parse_form_into, percent_decode_path_into};
use super::http;

/// Where a piece of `RequestData::head` starts and ends.
type Span = (u32, u32);

/// One request for the natives, its buffers reused by the next request on
/// the same worker. The request line and header block are kept as received,
/// with where each piece sits; `method`, `path`, `query` and `headers` are
/// built from them on first use. Most handlers read none of them: building
/// them for every request (a lower-cased copy of each header name, a
/// checked copy of each value, the query decoded) would be paid by every
/// handler (docs/ARCHITECTURE.md, *Measured choices*).
#[derive(Default, Debug)]
pub struct RequestData {
    /// The route's `:param` values, decoded.
    pub params: Pairs,
    pub body: Vec<u8>,
    /// Whether it came over TLS: its URL is `https://…`.
    pub secure: bool,
    /// Whether its route streams request bodies (`.body({ stream: true
    /// })`): the body is a stream (`Vm::request_body`, or `body` whole
    /// when it came with the head), not text.
    pub streams: bool,
    /// The request line and headers, as received.
    head: Vec<u8>,
    method_at: Span,
    path_at: Span,
    query_at: Span,
    /// Name and value of each header.
    headers_at: Vec<(Span, Span)>,
    /// Whether the fields below are built from `head` for this request.
    built: bool,
    method: String,
    path: String,
    query: Pairs,
    /// Names lower-cased.
    headers: Pairs,
}

/// A request's pieces, built (`RequestData::pieces`).
pub struct Pieces<'r> {
    pub method: &'r str,
    pub path: &'r str,
    pub query: &'r Pairs,
    /// Names lower-cased.
    pub headers: &'r Pairs,
    pub params: &'r Pairs,
    pub body: &'r [u8],
}

impl RequestData {
    /// Takes in a request: its head as it came (the pieces are read later),
    /// the route's parameters (`names` with their raw `values`) and its body.
    /// `body` is the request's (or what it decoded to, with
    /// `[compression] requests`); `secure`: it came over TLS.
    pub fn set(
        &mut self,
        req: &http::Request<'_, '_>,
        body: &[u8],
        secure: bool,
        names: &[String],
        values: &[&str],
    ) {
        self.head.clear();
        self.head.extend_from_slice(req.head);
        self.secure = secure;
        self.streams = false;
        let (base, len) = (req.head.as_ptr() as usize, req.head.len());
        // Where `s` sits in the head; an empty piece from elsewhere (the
        // query of a path without one) reads as empty.
        let at = |s: &[u8]| {
            let start = (s.as_ptr() as usize).wrapping_sub(base);
            if start.saturating_add(s.len()) > len {
                return (0, 0);
            }
            (start as u32, (start + s.len()) as u32)
        };
        self.method_at = at(req.method.as_bytes());
        self.path_at = at(req.path.as_bytes());
        self.query_at = at(req.query.as_bytes());
        self.headers_at.clear();
        for h in req.headers {
            self.headers_at.push((at(h.name.as_bytes()), at(h.value)));
        }
        self.built = false;
        self.params.clear();
        for (k, v) in names.iter().zip(values) {
            self.params
                .push_with(|o| o.push_str(k), |o| percent_decode_path_into(v, o));
        }
        self.body.clear();
        self.body.extend_from_slice(body);
    }

    /// No request: what a WebSocket's events see (their socket's request
    /// ended with its `open`).
    pub fn clear(&mut self) {
        self.head.clear();
        self.secure = false;
        self.streams = false;
        self.method_at = (0, 0);
        self.path_at = (0, 0);
        self.query_at = (0, 0);
        self.headers_at.clear();
        self.built = false;
        self.params.clear();
        self.body.clear();
    }

    /// The query as it came, without its `?` (empty when there is none).
    pub fn raw_query(&self) -> &str {
        let (start, end) = self.query_at;
        self.head
            .get(start as usize..end as usize)
            .and_then(|b| std::str::from_utf8(b).ok())
            .unwrap_or_default()
    }

    pub fn query(&mut self) -> &Pairs {
        self.build();
        &self.query
    }

    /// Names lower-cased.
    pub fn headers(&mut self) -> &Pairs {
        self.build();
        &self.headers
    }

    /// Every piece at once.
    pub fn pieces(&mut self) -> Pieces<'_> {
        self.build();
        Pieces {
            method: &self.method,
            path: &self.path,
            query: &self.query,
            headers: &self.headers,
            params: &self.params,
            body: &self.body,
        }
    }

    fn build(&mut self) {
        if self.built {
            return;
        }
        self.built = true;
        let head = &self.head;
        // Every span is inside `head` (see `set`).
        let text = |(start, end): Span| head.get(start as usize..end as usize).unwrap_or_default();
        let utf8 = |s: Span| std::str::from_utf8(text(s)).unwrap_or_default();
        self.method.clear();
        self.method.push_str(utf8(self.method_at));
        self.path.clear();
        self.path.push_str(utf8(self.path_at));
        if self.path.is_empty() {
            // `GET http://host?q`: the path is `/`, which is not in the head.
            self.path.push('/');
        }
        self.query.clear();
        parse_form_into(utf8(self.query_at), &mut self.query);
        self.headers.clear();
        for &(name, value) in &self.headers_at {
            self.headers.push_with(
                |o| {
                    o.push_str(utf8(name));
                    o.make_ascii_lowercase();
                },
                |o| o.push_str(&String::from_utf8_lossy(text(value))),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_are_built_from_the_head_on_first_use() {
        let raw = b"GET /a%20b?x=1&y=two HTTP/1.1\r\nHost: h\r\nX-Name: cr\xe8me\r\n\r\n";
        let mut slots = http::header_slots();
        let http::Parsed::Complete(req, _) = http::parse(raw, &mut slots, &Default::default())
        else {
            panic!("complete")
        };
        let mut data = RequestData::default();
        data.set(&req, &req.body, false, &["id".to_string()], &["4%32"]);
        assert_eq!(data.params.get("id"), Some("42"));
        // A `+` in a path segment is a plus, not a space (that is forms').
        data.set(&req, &req.body, false, &["q".to_string()], &["a+b%20c"]);
        assert_eq!(data.params.get("q"), Some("a+b c"));
        data.set(&req, &req.body, false, &["id".to_string()], &["4%32"]);
        let pieces = data.pieces();
        assert_eq!((pieces.method, pieces.path), ("GET", "/a%20b"));
        assert_eq!(data.query().get("y"), Some("two"));
        let headers = data.headers().as_slice().to_vec();
        assert_eq!(
            headers,
            [
                ("host".to_string(), "h".to_string()),
                // A value that is not UTF-8 is read leniently.
                ("x-name".to_string(), "cr\u{fffd}me".to_string()),
            ]
        );
        // The next request on the worker replaces every piece.
        let raw2 = b"POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nhi";
        let mut slots2 = http::header_slots();
        let http::Parsed::Complete(req2, _) = http::parse(raw2, &mut slots2, &Default::default())
        else {
            panic!("complete")
        };
        data.set(&req2, &req2.body, false, &[], &[]);
        assert_eq!(data.pieces().method, "POST");
        assert_eq!(data.query().as_slice(), []);
        assert_eq!(data.headers().get("content-length"), Some("2"));
        assert_eq!(data.body, b"hi");
        assert_eq!(data.params.as_slice(), []);
    }
}
