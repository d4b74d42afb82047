//! HTTP/1.1 on the connection's buffer: `httparse` for the head (zero-copy),
//! Content-Length and chunked bodies, the limits that turn bad input into
//! the right status, and the response writer with a cached `Date` header.

use std::borrow::Cow;
use std::time::{Duration, Instant, SystemTime};

/// Bounds on what a client may send; each one maps to a status.
#[derive(Clone, Copy, Debug)]
pub struct HttpLimits {
    /// Longest request line (414 beyond it).
    pub request_line: usize,
    /// Largest header block (431 beyond it).
    pub header_bytes: usize,
    /// Most headers (431 beyond it).
    pub headers: usize,
    /// Largest body (413 beyond it).
    pub body: usize,
    /// Time to receive a whole request head from its first byte, however
    /// slowly it comes (408 after it).
    pub header_timeout: Duration,
    /// Time to receive a whole body once its head is in (408 after it).
    pub body_timeout: Duration,
    /// Time an idle keep-alive connection stays open.
    pub idle_timeout: Duration,
    /// Time a response may take to be written without the client reading
    /// (the connection closes after it; nginx's `send_timeout`).
    pub send_timeout: Duration,
    /// Unsent response bytes above which a connection answers no more of
    /// its pipelined requests until the client reads.
    pub output_buffer: usize,
}

impl Default for HttpLimits {
    fn default() -> HttpLimits {
        HttpLimits {
            request_line: 8 * 1024,
            header_bytes: 64 * 1024,
            headers: 100,
            body: 1024 * 1024,
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(60),
            idle_timeout: Duration::from_secs(15),
            send_timeout: Duration::from_secs(60),
            output_buffer: 1 << 20,
        }
    }
}

/// Most headers `httparse` is given room for; `HttpLimits::headers` may be lower.
pub const MAX_HEADERS: usize = 100;

/// Room for a request's headers; lives on the connection task's stack, so
/// parsing a request allocates nothing.
pub type HeaderSlots<'b> = [std::mem::MaybeUninit<httparse::Header<'b>>; MAX_HEADERS];

/// Fresh header room for `parse`.
pub fn header_slots<'b>() -> HeaderSlots<'b> {
    [std::mem::MaybeUninit::uninit(); MAX_HEADERS]
}

/// One parsed request, borrowing the connection buffer where it can.
#[derive(Debug)]
pub struct Request<'b, 'h> {
    /// The request line and headers, as received.
    pub head: &'b [u8],
    pub method: &'b str,
    /// The path without the query string.
    pub path: &'b str,
    /// The raw query string (after `?`), possibly empty.
    pub query: &'b str,
    /// 0 for HTTP/1.0, 1 for HTTP/1.1.
    pub minor: u8,
    pub headers: &'h [httparse::Header<'b>],
    pub body: Cow<'b, [u8]>,
    pub keep_alive: bool,
    /// Whether the path has a `%` (then its escapes' hex case varies by
    /// client, and the router is given it in upper case).
    pub escaped: bool,
    /// The client's address (the connection sets it), for
    /// `X-Forwarded-For` when proxying.
    pub peer: Option<std::net::IpAddr>,
}

impl Request<'_, '_> {
    pub fn header(&self, name: &str) -> Option<&[u8]> {
        self.headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| h.value)
    }
}

/// What the buffer holds.
#[derive(Debug)]
pub enum Parsed<'b, 'h> {
    /// A whole request, and how many bytes of the buffer it used.
    Complete(Request<'b, 'h>, usize),
    /// More bytes are needed: of the head, or (`in_body`) of the body,
    /// where `expect_continue` says the client waits for a `100 Continue`
    /// before sending it.
    Partial {
        in_body: bool,
        expect_continue: bool,
    },
    /// The client sent something unacceptable: answer with this status and close.
    Reject(u16, &'static str),
    /// A whole head whose body is not all here (`too_large`: or is larger
    /// than `limits.body`): a route that streams its bodies takes it now
    /// (`body_feed.rs`); for any other this is `Partial { in_body: true }`,
    /// or a 413. `req.body` is empty; the body starts at `head_len`.
    Head {
        req: Request<'b, 'h>,
        head_len: usize,
        framing: Framing,
        too_large: bool,
        expect_continue: bool,
    },
}

/// How a request's body is delimited.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Framing {
    Length(u64),
    Chunked,
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Bytes before the first `\n` (all of them if there is none).
fn line_length(buf: &[u8]) -> usize {
    buf.iter().position(|&b| b == b'\n').unwrap_or(buf.len())
}

/// Parses the first request in `buf`, its headers into `slots`.
///
/// What is refused, and why, is `docs/HTTP.md`'s table; where RFC 9112
/// leaves a choice, it follows nginx (each refusal closes the connection).
pub fn parse<'b, 'h>(
    buf: &'b [u8],
    slots: &'h mut HeaderSlots<'b>,
    limits: &HttpLimits,
) -> Parsed<'b, 'h> {
    let mut req = httparse::Request::new(&mut []);
    let head_len = match req.parse_with_uninit_headers(buf, slots) {
        Ok(httparse::Status::Complete(n)) => n,
        Ok(httparse::Status::Partial) => {
            if buf.len() > limits.request_line && line_length(buf) > limits.request_line {
                return Parsed::Reject(414, "request line too long");
            }
            if buf.len() > limits.header_bytes {
                return Parsed::Reject(431, "request header block too large");
            }
            return Parsed::Partial {
                in_body: false,
                expect_continue: false,
            };
        }
        Err(httparse::Error::TooManyHeaders) => {
            return Parsed::Reject(431, "too many request headers");
        }
        Err(httparse::Error::Version) => {
            let line = &buf[..line_length(buf)];
            return if find(line, b"HTTP/").is_some() {
                Parsed::Reject(505, "HTTP version not supported")
            } else {
                Parsed::Reject(400, "malformed request line")
            };
        }
        Err(_) => return Parsed::Reject(400, "malformed request"),
    };
    // A head no longer than the limit cannot hold a longer line.
    if head_len > limits.request_line && line_length(&buf[..head_len]) > limits.request_line {
        return Parsed::Reject(414, "request line too long");
    }
    if head_len > limits.header_bytes {
        return Parsed::Reject(431, "request header block too large");
    }
    if req.headers.len() > limits.headers {
        return Parsed::Reject(431, "too many request headers");
    }
    let (Some(method), Some(target), Some(minor)) = (req.method, req.path, req.version) else {
        return Parsed::Reject(400, "malformed request");
    };
    // Methods are upper-case tokens (nginx: A–Z, `_` and `-`).
    if !method.bytes().all(|b| BYTE_CLASS[b as usize] & METHOD != 0) {
        return Parsed::Reject(400, "malformed method");
    }
    let target = match request_target(method, target) {
        Ok(t) => t,
        Err((status, why)) => return Parsed::Reject(status, why),
    };
    // One byte loop finds the query, a fragment and whether the path may
    // hold a dot segment, where a searcher per character would each walk
    // the path again.
    let bytes = target.path.as_bytes();
    let mut split = bytes.len();
    let (mut dots, mut escaped) = (false, false);
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'?' => {
                split = i;
                break;
            }
            b'#' => return Parsed::Reject(400, "a fragment in the request target"),
            b'.' => dots = true,
            b'%' => escaped = true,
            _ => {}
        }
    }
    let dots = dots || escaped;
    let (path, query) = if split < bytes.len() {
        let query = &target.path[split + 1..];
        if query.as_bytes().contains(&b'#') {
            return Parsed::Reject(400, "a fragment in the request target");
        }
        // Only an absolute form can have an empty path here: it means `/`.
        let path = if split == 0 {
            "/"
        } else {
            &target.path[..split]
        };
        (path, query)
    } else {
        (target.path, "")
    };
    if dots && has_dot_segment(path) {
        return Parsed::Reject(400, "dot segments in the path");
    }
    let headers: &'h [httparse::Header<'b>] = req.headers;
    // One pass over the headers that shape the framing.
    let mut length: Option<&[u8]> = None;
    let mut chunked = false;
    let mut other_coding = false;
    let mut keep_alive = minor == 1;
    let mut expect_continue = false;
    let mut host: Option<&[u8]> = None;
    for h in headers {
        let v = h.value;
        if h.name.eq_ignore_ascii_case("host") {
            if host.is_some() {
                return Parsed::Reject(400, "duplicate Host header");
            }
            host = Some(v);
        } else if h.name.eq_ignore_ascii_case("content-length") {
            // nginx refuses a second Content-Length even when it repeats
            // the first: two framings are one too many.
            if length.is_some() {
                return Parsed::Reject(400, "duplicate Content-Length header");
            }
            length = Some(v);
        } else if h.name.eq_ignore_ascii_case("transfer-encoding") {
            if v.trim_ascii().eq_ignore_ascii_case(b"chunked") && !chunked {
                chunked = true;
            } else {
                other_coding = true;
            }
        } else if h.name.eq_ignore_ascii_case("connection") {
            if v.eq_ignore_ascii_case(b"close") {
                keep_alive = false;
            } else if v.eq_ignore_ascii_case(b"keep-alive") {
                keep_alive = true;
            }
        } else if h.name.eq_ignore_ascii_case("expect") && v.eq_ignore_ascii_case(b"100-continue") {
            expect_continue = true;
        }
    }
    match host {
        Some(h) if !valid_host(h) => return Parsed::Reject(400, "invalid Host header"),
        // RFC 9112 §3.2: an HTTP/1.1 request without Host is a 400; an
        // absolute-form target carries its own authority (nginx takes it).
        None if minor == 1 && !target.absolute => {
            return Parsed::Reject(400, "missing Host header");
        }
        _ => {}
    }
    if (chunked || other_coding) && minor == 0 {
        // RFC 9112 §6.1: HTTP/1.0 has no transfer codings; a message that
        // claims one was likely relayed by something that got it wrong.
        return Parsed::Reject(400, "Transfer-Encoding on an HTTP/1.0 request");
    }
    if length.is_some() && (chunked || other_coding) {
        return Parsed::Reject(400, "both Content-Length and Transfer-Encoding");
    }
    if other_coding {
        return Parsed::Reject(501, "unsupported transfer coding");
    }
    let rest = &buf[head_len..];
    // `unread`: the body is not all here (or is past the limit), and the
    // route decides (`Parsed::Head`).
    let (body, used, unread) = if let Some(l) = length {
        let Some(len) = content_length(l) else {
            return Parsed::Reject(400, "invalid Content-Length");
        };
        if len > limits.body || rest.len() < len {
            let framing = Framing::Length(len as u64);
            (
                Cow::Borrowed(&rest[..0]),
                0,
                Some((framing, len > limits.body)),
            )
        } else {
            (Cow::Borrowed(&rest[..len]), len, None)
        }
    } else if chunked {
        match dechunk(rest, limits.body, limits.header_bytes) {
            Dechunk::Done(body, used) => (Cow::Owned(body), used, None),
            Dechunk::Partial => (
                Cow::Borrowed(&rest[..0]),
                0,
                Some((Framing::Chunked, false)),
            ),
            Dechunk::TooLarge => (Cow::Borrowed(&rest[..0]), 0, Some((Framing::Chunked, true))),
            Dechunk::Invalid => return Parsed::Reject(400, "malformed chunked body"),
        }
    } else {
        (Cow::Borrowed(&rest[..0]), 0, None)
    };
    let req = Request {
        head: &buf[..head_len],
        method,
        path,
        query,
        minor,
        headers,
        body,
        // `OPTIONS *` is answered for the server as a whole, then the
        // connection closes (core.rs).
        keep_alive: keep_alive && path != "*",
        escaped,
        peer: None,
    };
    match unread {
        None => Parsed::Complete(req, head_len + used),
        Some((framing, too_large)) => Parsed::Head {
            req,
            head_len,
            framing,
            too_large,
            expect_continue,
        },
    }
}

/// A request target, reduced to the path and query the router reads.
struct Target<'b> {
    /// Path and query (`/a?b`), or `*` for `OPTIONS *`.
    path: &'b str,
    /// Whether it came in absolute form (`http://host/path`).
    absolute: bool,
}

/// Checks the request target's form (RFC 9112 §3.2) and takes its path.
fn request_target<'b>(method: &str, target: &'b str) -> Result<Target<'b>, (u16, &'static str)> {
    if method == "CONNECT" {
        // Kitwork is not a forward proxy (nginx answers CONNECT the same way).
        return Err((405, "CONNECT is not supported"));
    }
    let bytes = target.as_bytes();
    if bytes.first() == Some(&b'/') {
        // (`#` is looked for with the query, by the caller.)
        return Ok(Target {
            path: target,
            absolute: false,
        });
    }
    if target == "*" {
        return if method == "OPTIONS" {
            Ok(Target {
                path: "*",
                absolute: false,
            })
        } else {
            Err((400, "`*` is a target for OPTIONS only"))
        };
    }
    // Absolute form: what a client sends to a proxy, and what a server
    // must accept (§3.2.2). The authority is checked like a Host header.
    let scheme_end = target
        .find("://")
        .ok_or((400, "the request target must start with /"))?;
    let scheme = &target[..scheme_end];
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return Err((400, "unsupported scheme in the request target"));
    }
    let rest = &target[scheme_end + 3..];
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    if !valid_host(&rest.as_bytes()[..authority_end]) {
        return Err((400, "invalid authority in the request target"));
    }
    let path = &rest[authority_end..];
    Ok(Target {
        // `http://host` means the path `/`; `http://host?q` too, which the
        // caller sees as an empty path before the query (cargo fuzz found
        // it passed through empty).
        path: if path.is_empty() { "/" } else { path },
        absolute: true,
    })
}

/// Whether `v` is a Host value as RFC 3986 writes an authority (no user
/// info): `reg-name` or `[IP-literal]`, an optional port. nginx also
/// refuses `..`, a leading `.`, `/` and `\`.
fn valid_host(v: &[u8]) -> bool {
    // A table lookup a byte, and `..` seen on the way, in one pass.
    let mut previous = b'.';
    for &b in v {
        if BYTE_CLASS[b as usize] & HOST == 0 || (b == b'.' && previous == b'.') {
            return false;
        }
        previous = b;
    }
    !v.is_empty()
}

/// `BYTE_CLASS` bits: a byte of a method (A–Z, `_`, `-`).
const METHOD: u8 = 1;
/// A byte of a Host value (RFC 3986 `reg-name`, IP literals, a port).
const HOST: u8 = 2;

/// What each byte may be part of.
static BYTE_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        if c.is_ascii_uppercase() || c == b'_' || c == b'-' {
            t[b] |= METHOD;
        }
        if c.is_ascii_alphanumeric()
            || matches!(
                c,
                b'-' | b'.'
                    | b'_'
                    | b'~'
                    | b'!'
                    | b'$'
                    | b'&'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b';'
                    | b'='
                    | b':'
                    | b'%'
                    | b'['
                    | b']'
            )
        {
            t[b] |= HOST;
        }
        b += 1;
    }
    t
};

/// Whether a path has a `.` or `..` segment, written plainly or
/// percent-encoded. Browsers and curl remove them before sending; the
/// router matches paths as sent, so one that still has them is refused
/// (where nginx would merge them) rather than resolved differently here
/// than by an upstream a script forwards it to.
fn has_dot_segment(path: &str) -> bool {
    if !path.contains('.') && !path.contains('%') {
        return false;
    }
    path.split('/').any(|segment| {
        let s = segment.as_bytes();
        let dot = |i: usize| -> Option<usize> {
            if s.get(i) == Some(&b'.') {
                Some(i + 1)
            } else if s.len() >= i + 3
                && s[i] == b'%'
                && s[i + 1] == b'2'
                && s[i + 2] | 0x20 == b'e'
            {
                Some(i + 3)
            } else {
                None
            }
        };
        match dot(0) {
            Some(end) if end == s.len() => true,
            Some(end) => dot(end) == Some(s.len()),
            None => false,
        }
    })
}

/// A Content-Length value: decimal digits only (no sign, no spaces, no
/// list), no larger than fits.
pub(crate) fn content_length(v: &[u8]) -> Option<usize> {
    if v.is_empty() || v.len() > 19 || !v.iter().all(u8::is_ascii_digit) {
        return None;
    }
    v.iter().try_fold(0usize, |n, &d| {
        n.checked_mul(10)?.checked_add((d - b'0') as usize)
    })
}

enum Dechunk {
    Done(Vec<u8>, usize),
    Partial,
    TooLarge,
    Invalid,
}

/// Longest chunk-size line (size and extensions) accepted.
pub(crate) const CHUNK_LINE_MAX: usize = 1024;

/// One line of a chunked body starting at `buf[pos]`: its end (before the
/// CRLF), `Ok(None)` if it is not complete yet. A line must end in CRLF;
/// a bare LF or a CR anywhere else is refused (request smuggling hides in
/// the difference between parsers that accept them and those that do not).
pub(crate) fn chunk_line(buf: &[u8], pos: usize, max: usize) -> Result<Option<usize>, ()> {
    let rest = &buf[pos..];
    let Some(lf) = memchr::memchr(b'\n', rest) else {
        return if rest.len() > max
            || memchr::memchr(b'\r', rest).is_some_and(|cr| cr + 1 < rest.len())
        {
            Err(())
        } else {
            Ok(None)
        };
    };
    if lf == 0
        || rest[lf - 1] != b'\r'
        || memchr::memchr(b'\r', &rest[..lf - 1]).is_some()
        || lf > max
    {
        return Err(());
    }
    Ok(Some(pos + lf - 1))
}

/// Decodes a chunked body at the start of `buf`; `max` bounds the body,
/// `trailers_max` the trailer section.
fn dechunk(buf: &[u8], max: usize, trailers_max: usize) -> Dechunk {
    let mut body = Vec::new();
    let mut pos = 0;
    loop {
        match next_chunk(buf, pos, max - body.len(), trailers_max) {
            Chunk::Data { start, end } => {
                body.extend_from_slice(&buf[start..end]);
                pos = end + 2;
            }
            Chunk::End(used) => return Dechunk::Done(body, used),
            Chunk::Partial => return Dechunk::Partial,
            Chunk::TooLarge => return Dechunk::TooLarge,
            Chunk::Invalid => return Dechunk::Invalid,
        }
    }
}

/// One step through a chunked body, at `buf[pos..]`.
#[derive(Debug, PartialEq)]
pub(crate) enum Chunk {
    /// A chunk's data is `buf[start..end]`; the next starts at `end + 2`.
    Data {
        start: usize,
        end: usize,
    },
    /// The last chunk and the trailers: the body ends at this offset.
    End(usize),
    /// More bytes are needed.
    Partial,
    /// The chunk is larger than the room left.
    TooLarge,
    Invalid,
}

/// A chunk-size line's size: 1*HEXDIG, then nothing or `;` extensions
/// (after optional blanks, RFC 9112 §7.1.1's BWS).
pub(crate) fn chunk_size(line: &[u8]) -> Option<usize> {
    let digits = line.iter().take_while(|b| b.is_ascii_hexdigit()).count();
    let after = line[digits..].trim_ascii_start();
    if digits == 0 || digits > 15 || !(after.is_empty() || after[0] == b';') {
        return None;
    }
    if line[digits..].contains(&0) {
        return None;
    }
    Some(line[..digits].iter().fold(0usize, |n, &d| {
        n * 16 + (d as char).to_digit(16).unwrap_or(0) as usize
    }))
}

/// The chunk at `buf[pos..]` (RFC 9112 §7.1): a chunk larger than `room`
/// is refused before its data comes; trailers are read past, at most
/// `trailers_max` bytes of them.
pub(crate) fn next_chunk(buf: &[u8], pos: usize, room: usize, trailers_max: usize) -> Chunk {
    let eol = match chunk_line(buf, pos, CHUNK_LINE_MAX) {
        Ok(Some(eol)) => eol,
        Ok(None) => return Chunk::Partial,
        Err(()) => return Chunk::Invalid,
    };
    let Some(size) = chunk_size(&buf[pos..eol]) else {
        return Chunk::Invalid;
    };
    let mut pos = eol + 2;
    if size == 0 {
        // Trailers end with an empty line.
        let trailers_start = pos;
        loop {
            let eol = match chunk_line(buf, pos, trailers_max) {
                Ok(Some(eol)) => eol,
                Ok(None) if buf.len() - trailers_start > trailers_max => {
                    return Chunk::Invalid;
                }
                Ok(None) => return Chunk::Partial,
                Err(()) => return Chunk::Invalid,
            };
            let empty = eol == pos;
            pos = eol + 2;
            if pos - trailers_start > trailers_max {
                return Chunk::Invalid;
            }
            if empty {
                return Chunk::End(pos);
            }
        }
    }
    if size > room {
        return Chunk::TooLarge;
    }
    if buf.len() - pos < size + 2 {
        return Chunk::Partial;
    }
    if &buf[pos + size..pos + size + 2] != b"\r\n" {
        return Chunk::Invalid;
    }
    Chunk::Data {
        start: pos,
        end: pos + size,
    }
}

pub fn reason(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        206 => "Partial Content",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        409 => "Conflict",
        413 => "Content Too Large",
        414 => "URI Too Long",
        415 => "Unsupported Media Type",
        416 => "Range Not Satisfiable",
        422 => "Unprocessable Content",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        505 => "HTTP Version Not Supported",
        _ => "",
    }
}

/// The `Date` header value, formatted at most once per second per core.
/// It is read off the monotonic instant the request already took (the wall
/// clock is sampled once a minute), so no response reads a clock
/// (docs/ARCHITECTURE.md, *Measured choices*).
#[derive(Default)]
pub struct DateCache {
    /// A monotonic instant and the wall-clock time (since the epoch) it was.
    base: Option<(Instant, Duration)>,
    second: u64,
    text: String,
    /// Until when `text` holds: one comparison per response, not two
    /// instant subtractions.
    until: Option<Instant>,
}

impl DateCache {
    /// Inlined into the response writer, as when it was its only caller
    /// (HTTP/2's head asks for the date too): 21 instructions a request
    /// otherwise (`loadtest/instructions.sh`).
    #[inline(always)]
    pub fn get(&mut self, now: Instant) -> &str {
        if self.until.is_some_and(|until| now < until) {
            return &self.text;
        }
        let (at, wall) = match self.base {
            Some((at, wall)) if now.saturating_duration_since(at) < Duration::from_secs(60) => {
                (at, wall)
            }
            _ => {
                let wall = SystemTime::now()
                    .duration_since(SystemTime::UNIX_EPOCH)
                    .unwrap_or_default();
                self.base = Some((now, wall));
                (now, wall)
            }
        };
        let wall_now = wall + now.saturating_duration_since(at);
        let second = wall_now.as_secs();
        if second != self.second || self.text.is_empty() {
            self.second = second;
            self.text.clear();
            write_http_date(second, &mut self.text);
        }
        // To the next second, and no later than the wall clock's next sample.
        let next_second = Duration::from_secs(second + 1) - wall_now;
        self.until = Some((now + next_second).min(at + Duration::from_secs(60)));
        &self.text
    }
}

/// `Tue, 24 Nov 2026 05:45:38 GMT`.
#[cfg(test)]
fn http_date(secs: u64) -> String {
    let mut s = String::new();
    write_http_date(secs, &mut s);
    s
}

/// Appends `Tue, 24 Nov 2026 05:45:38 GMT` (into a reused string: no allocation).
pub fn write_http_date(secs: u64, out: &mut String) {
    use std::fmt::Write;
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let days = (secs / 86_400) as i64;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + (m <= 2) as i64;
    let s = secs % 86_400;
    let _ = write!(
        out,
        "{}, {:02} {} {} {:02}:{:02}:{:02} GMT",
        DAYS[(days % 7) as usize],
        d,
        MONTHS[(m - 1) as usize],
        y,
        s / 3600,
        s / 60 % 60,
        s % 60
    );
}

/// The start of a response up to the `Content-Length` value — status line,
/// `Server`, `Date`, `Content-Type` — kept for the last status and type and
/// rebuilt when either or the second changes. A run of like responses (the
/// common case) copies one slice where it made ten appends
/// (docs/ARCHITECTURE.md, *Measured choices*).
#[derive(Default)]
pub struct HeadCache {
    date: DateCache,
    status: u16,
    /// The `Content-Type` of `bytes`, if it has one (`has_type`); a reused
    /// buffer, so responses of two types in turn do not allocate.
    content_type: String,
    has_type: bool,
    /// What `date` said when `bytes` was built.
    second: u64,
    bytes: Vec<u8>,
}

impl HeadCache {
    /// The `Date` header's value at `now` (for HTTP/2, whose heads are not
    /// cached as bytes).
    pub fn date(&mut self, now: Instant) -> &str {
        self.date.get(now)
    }

    /// The cached head for these, rebuilt if it is for others.
    fn get(&mut self, now: Instant, status: u16, content_type: Option<&str>) -> &[u8] {
        self.date.get(now);
        let second = self.date.second;
        if self.bytes.is_empty()
            || self.status != status
            || self.second != second
            || (self.has_type, self.content_type.as_str())
                != (content_type.is_some(), content_type.unwrap_or(""))
        {
            let out = &mut self.bytes;
            out.clear();
            head_start(out, status, &self.date.text, content_type);
            if has_length(status) {
                out.extend_from_slice(b"Content-Length: ");
            }
            self.status = status;
            self.second = second;
            self.has_type = content_type.is_some();
            self.content_type.clear();
            self.content_type.push_str(content_type.unwrap_or(""));
        }
        &self.bytes
    }
}

/// A response head's first lines: the status line, `Server`, `Date` and
/// `Content-Type`.
fn head_start(out: &mut Vec<u8>, status: u16, date: &str, content_type: Option<&str>) {
    out.extend_from_slice(b"HTTP/1.1 ");
    out.extend_from_slice(itoa::Buffer::new().format(status).as_bytes());
    out.push(b' ');
    out.extend_from_slice(reason(status).as_bytes());
    out.extend_from_slice(b"\r\nServer: kitwork\r\nDate: ");
    out.extend_from_slice(date.as_bytes());
    out.extend_from_slice(b"\r\n");
    if let Some(ct) = content_type {
        out.extend_from_slice(b"Content-Type: ");
        out.extend_from_slice(ct.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
}

/// Each `name: value` header line.
#[inline(always)]
fn write_fields(out: &mut Vec<u8>, fields: &[(String, String)]) {
    for (k, v) in fields {
        out.extend_from_slice(k.as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(v.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
}

/// Whether a response with this status carries `Content-Length`.
fn has_length(status: u16) -> bool {
    status != 204 && status != 304 && !(100..200).contains(&status)
}

/// Appends one response to `out`, with the `Date` of `now`. Written with
/// plain appends (and `itoa`), not `write!`, whose formatting machinery
/// costs more than the response it writes (docs/ARCHITECTURE.md,
/// *Measured choices*).
#[allow(clippy::too_many_arguments)]
pub fn write_response(
    out: &mut Vec<u8>,
    head_cache: &mut HeadCache,
    now: Instant,
    status: u16,
    content_type: Option<&str>,
    extra: &[(String, String)],
    body: &[u8],
    keep_alive: bool,
    head: bool,
) {
    out.extend_from_slice(head_cache.get(now, status, content_type));
    if has_length(status) {
        out.extend_from_slice(itoa::Buffer::new().format(body.len()).as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    write_fields(out, extra);
    if !keep_alive {
        out.extend_from_slice(b"Connection: close\r\n");
    }
    out.extend_from_slice(b"\r\n");
    if !head && status != 204 && status != 304 {
        out.extend_from_slice(body);
    }
}

/// Appends the head of a response whose body is streamed: with its
/// `Content-Length` when its `length` is known (the bytes follow as they
/// are), else with `Transfer-Encoding: chunked` when `chunked` (an
/// HTTP/1.1 client; its chunks follow, `write_chunk`), else delimited by
/// the connection's close (HTTP/1.0).
#[allow(clippy::too_many_arguments)]
pub fn write_stream_head(
    out: &mut Vec<u8>,
    head_cache: &mut HeadCache,
    now: Instant,
    status: u16,
    content_type: Option<&str>,
    extra: &[(String, String)],
    keep_alive: bool,
    chunked: bool,
    length: Option<u64>,
) {
    head_start(out, status, head_cache.date(now), content_type);
    write_fields(out, extra);
    let delimited = match length {
        Some(n) => {
            use std::io::Write;
            let _ = write!(out, "Content-Length: {n}\r\n");
            true
        }
        None if chunked => {
            out.extend_from_slice(b"Transfer-Encoding: chunked\r\n");
            true
        }
        None => false,
    };
    if !keep_alive || !delimited {
        out.extend_from_slice(b"Connection: close\r\n");
    }
    out.extend_from_slice(b"\r\n");
}

/// Appends the head of a `101 Switching Protocols` answer with `fields`
/// (a proxied upgrade's: `Upgrade`, `Connection: Upgrade`, the protocol's
/// own); the connection is a tunnel after it.
pub fn write_switch_head(out: &mut Vec<u8>, fields: &[(String, String)]) {
    out.extend_from_slice(b"HTTP/1.1 101 Switching Protocols\r\n");
    write_fields(out, fields);
    out.extend_from_slice(b"\r\n");
}

/// Appends one chunk of a chunked body (RFC 9112 §7.1); the empty chunk
/// ends the body.
pub fn write_chunk(out: &mut Vec<u8>, bytes: &[u8]) {
    let mut size = [0u8; 16];
    let n = {
        use std::io::Write;
        let mut cursor = std::io::Cursor::new(&mut size[..]);
        let _ = write!(cursor, "{:x}", bytes.len());
        cursor.position() as usize
    };
    out.extend_from_slice(&size[..n]);
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(bytes);
    out.extend_from_slice(b"\r\n");
}

/// The methods the gateway serves, for `Allow` on `OPTIONS *` and on a
/// refused `CONNECT`.
pub const SERVED_METHODS: &str = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS";

/// A JSON error body: `{"error":"…"}`.
pub fn error_body(message: &str) -> Vec<u8> {
    let mut out = b"{\"error\":".to_vec();
    semantics::quote::write_quoted(message, &mut out);
    out.push(b'}');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status_of(raw: &[u8]) -> Option<u16> {
        match parse(raw, &mut header_slots(), &HttpLimits::default()) {
            Parsed::Reject(s, _) => Some(s),
            // A route that does not stream its bodies refuses these.
            Parsed::Head {
                too_large: true, ..
            } => Some(413),
            _ => None,
        }
    }

    #[test]
    fn parses_pipelined_requests() {
        let raw = b"GET /a?x=1 HTTP/1.1\r\nHost: h\r\n\r\nPOST /b HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabcGET";
        let mut slots1 = header_slots();
        let Parsed::Complete(r, n) = parse(raw, &mut slots1, &HttpLimits::default()) else {
            panic!()
        };
        assert_eq!(
            (r.method, r.path, r.query, r.keep_alive),
            ("GET", "/a", "x=1", true)
        );
        let mut slots2 = header_slots();
        let Parsed::Complete(r2, m) = parse(&raw[n..], &mut slots2, &HttpLimits::default()) else {
            panic!()
        };
        assert_eq!((r2.method, &r2.body[..]), ("POST", &b"abc"[..]));
        assert!(matches!(
            parse(&raw[n + m..], &mut header_slots(), &HttpLimits::default()),
            Parsed::Partial { .. }
        ));
    }

    #[test]
    fn decodes_chunked_bodies() {
        let raw = b"POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n";
        let mut slots3 = header_slots();
        let Parsed::Complete(r, n) = parse(raw, &mut slots3, &HttpLimits::default()) else {
            panic!()
        };
        assert_eq!((&r.body[..], n), (&b"abcde"[..], raw.len()));
    }

    #[test]
    fn bad_input_maps_to_statuses() {
        assert_eq!(
            status_of(b"GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n"),
            Some(400)
        );
        assert_eq!(
            status_of(
                b"GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"
            ),
            Some(400)
        );
        assert_eq!(
            status_of(b"GET / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n"),
            Some(501)
        );
        assert_eq!(
            status_of(b"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999\r\n\r\n"),
            Some(413)
        );
        assert_eq!(status_of(b"GET / HTTP/2.0\r\n\r\n"), Some(505));
        assert_eq!(status_of(b"\x01\x02 nonsense\r\n\r\n"), Some(400));
        let long = format!("GET /{} HTTP/1.1\r\n", "a".repeat(9000));
        assert_eq!(status_of(long.as_bytes()), Some(414));
        let many: String = (0..101).map(|i| format!("X-{i}: v\r\n")).collect();
        assert_eq!(
            status_of(format!("GET / HTTP/1.1\r\nHost: h\r\n{many}\r\n").as_bytes()),
            Some(431)
        );
    }

    #[test]
    fn cached_dates_change_exactly_at_each_second() {
        let mut cache = DateCache::default();
        let t0 = Instant::now();
        for ms in (0..3500).step_by(7) {
            let t = t0 + Duration::from_millis(ms);
            let text = cache.get(t).to_string();
            let (at, wall) = cache.base.unwrap();
            assert_eq!(text, http_date((wall + (t - at)).as_secs()), "at +{ms} ms");
        }
    }

    #[test]
    fn formats_dates() {
        assert_eq!(http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(http_date(1_795_413_938), "Mon, 23 Nov 2026 06:05:38 GMT");
        assert_eq!(http_date(951_782_400), "Tue, 29 Feb 2000 00:00:00 GMT");
    }
}
