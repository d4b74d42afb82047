//! Static files: `work(…).static(prefix, folder, { maxAge, index })`
//! serves a folder under `prefix` without running a script. A request's
//! path is decoded and checked (no `..`, no encoded separators, nothing
//! that resolves outside the folder through a symlink), then answered with
//! its type, `ETag` and `Last-Modified`, conditionally (`304`), by range
//! (`206`, `416`), and from a precompressed `.br`/`.gz` sibling when the
//! client takes that coding. What was found stays in a per-core cache for
//! a second (`REVALIDATE`), with the bytes of small files, so a hot file
//! costs no system call; large files are read piece by piece as the
//! client takes them (`Streamed::file`).

use super::reply::Reply;
use std::cell::RefCell;
use std::collections::HashMap;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::{Duration, Instant, SystemTime};

/// A folder a work serves.
#[derive(Debug)]
pub struct StaticDir {
    /// Which folder this is in the per-core cache (`StaticDir::new`).
    id: usize,
    /// Canonical (symlinks resolved): every file served is under it.
    pub root: PathBuf,
    /// `Cache-Control: public, max-age=…`, when given.
    pub max_age: Option<u64>,
    /// The file a directory's path serves (`index.html` unless given).
    pub index: String,
}

impl StaticDir {
    /// `folder` (canonical), with its options.
    pub fn new(root: PathBuf, max_age: Option<u64>, index: Option<String>) -> StaticDir {
        static IDS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        StaticDir {
            id: IDS.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            root,
            max_age,
            index: index.unwrap_or_else(|| "index.html".into()),
        }
    }
}

/// What a script declared: the folder as written (resolved against the
/// project when the generation loads) and its options.
#[derive(Debug, Clone)]
pub struct StaticDecl {
    pub folder: String,
    pub max_age: Option<u64>,
    pub index: Option<String>,
}

/// How long a lookup is trusted before the file system is asked again: a
/// file changed on disk is served at most this late.
const REVALIDATE: Duration = Duration::from_secs(1);
/// Files up to this size are kept in the cache with their bytes.
const CACHED_BYTES: u64 = 64 * 1024;
/// Files (or ranges) up to this size are answered whole; larger ones are
/// streamed.
const WHOLE: u64 = 1024 * 1024;
/// Lookups a core keeps, and the most file bytes they may hold; past
/// either, the cache starts over.
const ENTRIES: usize = 4096;
const CACHE_BYTES: usize = 32 << 20;

/// One representation of a file: itself, or a precompressed sibling.
#[derive(Debug)]
struct Variant {
    path: PathBuf,
    len: u64,
    etag: String,
    last_modified: String,
    modified_secs: u64,
    bytes: Option<Rc<[u8]>>,
}

/// A file found for a path, with its siblings.
#[derive(Debug)]
struct Found {
    content_type: &'static str,
    identity: Variant,
    br: Option<Variant>,
    gzip: Option<Variant>,
}

#[derive(Debug, Clone)]
enum Lookup {
    File(Rc<Found>),
    /// A directory named without its trailing `/`.
    Directory,
    Missing,
}

/// One core's lookups: (folder, path as requested) → what it was and
/// when, and how many file bytes they hold.
#[derive(Default)]
struct Cache {
    entries: HashMap<(usize, String), (Instant, Lookup)>,
    bytes: usize,
}

thread_local! {
    static CACHE: RefCell<Cache> = RefCell::new(Cache::default());
}

impl Lookup {
    /// The file bytes it holds.
    fn bytes(&self) -> usize {
        let Lookup::File(f) = self else { return 0 };
        [Some(&f.identity), f.br.as_ref(), f.gzip.as_ref()]
            .into_iter()
            .flatten()
            .filter_map(|v| v.bytes.as_ref().map(|b| b.len()))
            .sum()
    }
}

/// What the gateway writes for a static request.
pub(crate) enum Served {
    Whole(Reply),
    /// The head (its body empty), then `len` bytes of the file from where
    /// it stands.
    Stream(Reply, std::fs::File, u64),
}

/// Answers `req` from `dir`: `rest` is the route's `*path`, as sent.
pub(crate) fn answer(dir: &StaticDir, req: &super::http::Request<'_, '_>, rest: &str) -> Served {
    let (method, path) = (req.method, req.path);
    // The route's `*path` leaves a final `/` out; a folder's path needs it.
    let slashed;
    let rest = match path.ends_with('/') && !rest.ends_with('/') {
        true => {
            slashed = format!("{rest}/");
            slashed.as_str()
        }
        false => rest,
    };
    let found = match lookup(dir, rest) {
        Lookup::File(f) => f,
        Lookup::Directory => {
            let mut r = Reply::error(301, "moved to the folder's own path");
            r.headers.push(("Location".into(), format!("{path}/")));
            return Served::Whole(r);
        }
        Lookup::Missing => return Served::Whole(Reply::error(404, &format!("no file at {path}"))),
    };
    let text = |name: &str| req.header(name).and_then(|v| std::str::from_utf8(v).ok());
    let accepts = text("accept-encoding").unwrap_or("");
    let (variant, coding) = match (&found.br, &found.gzip) {
        (Some(v), _) if accepts_coding(accepts, "br") => (v, Some("br")),
        (_, Some(v)) if accepts_coding(accepts, "gzip") => (v, Some("gzip")),
        _ => (&found.identity, None),
    };
    let mut headers = vec![
        ("ETag".to_string(), variant.etag.clone()),
        ("Last-Modified".to_string(), variant.last_modified.clone()),
    ];
    if let Some(secs) = dir.max_age {
        headers.push(("Cache-Control".into(), format!("public, max-age={secs}")));
    }
    if found.br.is_some() || found.gzip.is_some() {
        headers.push(("Vary".into(), "Accept-Encoding".into()));
    }
    let reply = |status: u16, headers: Vec<(String, String)>, body: Vec<u8>| Reply {
        status,
        content_type: Some(found.content_type.into()),
        headers,
        body,
        streamed: false,
    };
    if super::conditional::not_modified(
        Some(&variant.etag),
        Some(variant.modified_secs),
        text("if-none-match"),
        text("if-modified-since"),
    ) {
        return Served::Whole(reply(304, headers, Vec::new()));
    }
    if let Some(c) = coding {
        headers.push(("Content-Encoding".into(), c.into()));
    }
    headers.push(("Accept-Ranges".into(), "bytes".into()));
    let whole = (0, variant.len);
    let (status, (start, end)) = match text("range") {
        Some(range) if method == "GET" && if_range_holds(variant, text("if-range")) => {
            match byte_range(range, variant.len) {
                Range::One(s, e) => {
                    headers.push((
                        "Content-Range".into(),
                        format!("bytes {s}-{}/{}", e - 1, variant.len),
                    ));
                    (206, (s, e))
                }
                Range::Unsatisfiable => {
                    let mut r = Reply::error(416, "the range asked for is not in the file");
                    r.headers
                        .push(("Content-Range".into(), format!("bytes */{}", variant.len)));
                    return Served::Whole(r);
                }
                Range::Ignored => (200, whole),
            }
        }
        _ => (200, whole),
    };
    let len = end - start;
    if method == "HEAD" {
        // The head says how long the body would be; nothing is read.
        return match std::fs::File::open(&variant.path) {
            Ok(file) => Served::Stream(reply(status, headers, Vec::new()), file, len),
            Err(_) => Served::Whole(Reply::error(404, &format!("no file at {path}"))),
        };
    }
    if let Some(bytes) = &variant.bytes {
        let body = bytes[start as usize..end as usize].to_vec();
        return Served::Whole(reply(status, headers, body));
    }
    let opened = std::fs::File::open(&variant.path).and_then(|mut f| {
        f.seek(SeekFrom::Start(start))?;
        Ok(f)
    });
    let Ok(mut file) = opened else {
        return Served::Whole(Reply::error(404, &format!("no file at {path}")));
    };
    if len > WHOLE {
        return Served::Stream(reply(status, headers, Vec::new()), file, len);
    }
    let mut body = vec![0; len as usize];
    match file.read_exact(&mut body) {
        Ok(()) => Served::Whole(reply(status, headers, body)),
        Err(_) => Served::Whole(Reply::error(
            500,
            "the file changed or could not be read while it was served",
        )),
    }
}

/// `rest` in `dir`, from the cache when it was looked up less than
/// `REVALIDATE` ago.
fn lookup(dir: &StaticDir, rest: &str) -> Lookup {
    let key = (dir.id, rest.to_string());
    let now = Instant::now();
    let cached = CACHE.with(|c| {
        c.borrow()
            .entries
            .get(&key)
            .filter(|(at, _)| now.duration_since(*at) < REVALIDATE)
            .map(|(_, l)| l.clone())
    });
    if let Some(l) = cached {
        return l;
    }
    let found = find(dir, rest);
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        let adds = found.bytes();
        if c.entries.len() >= ENTRIES || c.bytes + adds > CACHE_BYTES {
            c.entries.clear();
            c.bytes = 0;
        }
        if let Some((_, old)) = c.entries.insert(key, (now, found.clone())) {
            c.bytes -= old.bytes();
        }
        c.bytes += adds;
    });
    found
}

/// Looks `rest` up on disk.
fn find(dir: &StaticDir, rest: &str) -> Lookup {
    let Some(relative) = safe_relative(rest) else {
        return Lookup::Missing;
    };
    let mut path = dir.root.join(&relative);
    match std::fs::metadata(&path) {
        Ok(m) if m.is_dir() => {
            if !(rest.is_empty() || rest.ends_with('/')) {
                return Lookup::Directory;
            }
            path.push(&dir.index);
        }
        Ok(_) => {}
        Err(_) => return Lookup::Missing,
    }
    let Some(identity) = variant(&dir.root, &path) else {
        return Lookup::Missing;
    };
    let sibling = |ext: &str| {
        let mut p = path.clone().into_os_string();
        p.push(ext);
        variant(&dir.root, Path::new(&p))
    };
    Lookup::File(Rc::new(Found {
        content_type: content_type(&path),
        br: sibling(".br"),
        gzip: sibling(".gz"),
        identity,
    }))
}

/// The file at `path` if it is a regular file inside `root` once every
/// symlink is resolved.
fn variant(root: &Path, path: &Path) -> Option<Variant> {
    let real = std::fs::canonicalize(path).ok()?;
    if !real.starts_with(root) {
        return None;
    }
    let meta = std::fs::metadata(&real).ok()?;
    if !meta.is_file() {
        return None;
    }
    let modified = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
    let since = modified
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_default();
    let mut last_modified = String::new();
    super::http::write_http_date(since.as_secs(), &mut last_modified);
    let bytes: Option<Rc<[u8]>> = match meta.len() <= CACHED_BYTES {
        true => Some(Rc::from(std::fs::read(&real).ok()?)),
        false => None,
    };
    Some(Variant {
        etag: format!("\"{:x}-{:x}\"", meta.len(), since.as_nanos()),
        len: match &bytes {
            Some(b) => b.len() as u64,
            None => meta.len(),
        },
        path: real,
        last_modified,
        modified_secs: since.as_secs(),
        bytes,
    })
}

/// The path under the folder that `rest` names: percent-decoded, split
/// into segments. `None` for what could step outside or hide a
/// separator: a `.` or `..` segment, an encoded `/` or `\`, a `\`, a NUL,
/// bytes that are not UTF-8.
fn safe_relative(rest: &str) -> Option<PathBuf> {
    let bytes = rest.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
                let b = u8::from_str_radix(hex, 16).ok()?;
                if b == b'/' || b == b'\\' || b == 0 {
                    return None;
                }
                decoded.push(b);
                i += 3;
            }
            b'\\' | 0 => return None,
            b => {
                decoded.push(b);
                i += 1;
            }
        }
    }
    let text = String::from_utf8(decoded).ok()?;
    let mut out = PathBuf::new();
    for segment in text.split('/').filter(|s| !s.is_empty()) {
        if segment == "." || segment == ".." || segment.contains('\\') {
            return None;
        }
        out.push(segment);
    }
    Some(out)
}

/// Whether `accept` (an `Accept-Encoding`) takes `coding` (not at `q=0`).
fn accepts_coding(accept: &str, coding: &str) -> bool {
    accept.split(',').any(|item| {
        let mut parts = item.split(';').map(str::trim);
        let name = parts.next().unwrap_or("");
        let q_zero = parts.any(|p| {
            p.strip_prefix("q=")
                .is_some_and(|q| q.parse::<f32>().is_ok_and(|q| q == 0.0))
        });
        name.eq_ignore_ascii_case(coding) && !q_zero
    })
}

/// `If-Range` (RFC 9110 §13.1.5): the range applies only to the
/// representation it names (its strong `ETag`, or its exact date).
fn if_range_holds(v: &Variant, if_range: Option<&str>) -> bool {
    match if_range {
        None => true,
        Some(t) if t.starts_with('"') => t == v.etag,
        Some(date) => date == v.last_modified,
    }
}

enum Range {
    /// Bytes `start..end`.
    One(u64, u64),
    Unsatisfiable,
    /// Not one range of bytes (several, or another unit): the whole file
    /// is sent, as RFC 9110 §14.2 allows.
    Ignored,
}

/// A `Range` header's single byte range over a body of `len` bytes.
fn byte_range(header: &str, len: u64) -> Range {
    let Some(spec) = header.trim().strip_prefix("bytes=") else {
        return Range::Ignored;
    };
    if spec.contains(',') {
        return Range::Ignored;
    }
    let Some((first, last)) = spec.trim().split_once('-') else {
        return Range::Ignored;
    };
    let number = |s: &str| match s.bytes().all(|b| b.is_ascii_digit()) && !s.is_empty() {
        true => s.parse::<u64>().ok(),
        false => None,
    };
    match (first.trim(), last.trim()) {
        ("", suffix) => match number(suffix) {
            Some(0) => Range::Unsatisfiable,
            Some(n) if len > 0 => Range::One(len.saturating_sub(n), len),
            Some(_) => Range::Unsatisfiable,
            None => Range::Ignored,
        },
        (start, end) => {
            let Some(start) = number(start) else {
                return Range::Ignored;
            };
            if start >= len {
                return Range::Unsatisfiable;
            }
            match end {
                "" => Range::One(start, len),
                end => match number(end) {
                    Some(end) if end >= start => Range::One(start, (end + 1).min(len)),
                    _ => Range::Ignored,
                },
            }
        }
    }
}

/// The `Content-Type` of a file, by its extension.
fn content_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "txt" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "md" => "text/markdown; charset=utf-8",
        "xml" => "application/xml",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "wasm" => "application/wasm",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "pdf" => "application/pdf",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "mp3" => "audio/mpeg",
        "ogg" => "audio/ogg",
        "wav" => "audio/wav",
        "zip" => "application/zip",
        "gz" => "application/gzip",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_that_could_escape_are_refused() {
        assert_eq!(safe_relative("a/b.txt"), Some(PathBuf::from("a/b.txt")));
        assert_eq!(
            safe_relative("caf%C3%A9.txt"),
            Some(PathBuf::from("café.txt"))
        );
        for bad in [
            "../etc/passwd",
            "a/../../x",
            "%2e%2e/x",
            "a%2fb",
            "a%5cb",
            "a\\b",
            "%00",
            "%zz",
            "%",
            "%ff",
            "./a",
        ] {
            assert_eq!(safe_relative(bad), None, "{bad}");
        }
    }

    #[test]
    fn ranges_follow_rfc_9110() {
        let one = |h: &str, len: u64| match byte_range(h, len) {
            Range::One(s, e) => Some((s, e)),
            _ => None,
        };
        assert_eq!(one("bytes=0-99", 1000), Some((0, 100)));
        assert_eq!(one("bytes=990-2000", 1000), Some((990, 1000)));
        assert_eq!(one("bytes=-10", 1000), Some((990, 1000)));
        assert_eq!(one("bytes=-5000", 1000), Some((0, 1000)));
        assert_eq!(one("bytes=500-", 1000), Some((500, 1000)));
        assert!(matches!(
            byte_range("bytes=1000-", 1000),
            Range::Unsatisfiable
        ));
        assert!(matches!(byte_range("bytes=-0", 1000), Range::Unsatisfiable));
        assert!(matches!(byte_range("bytes=0-1,5-6", 1000), Range::Ignored));
        assert!(matches!(byte_range("items=0-1", 1000), Range::Ignored));
        assert!(matches!(byte_range("bytes=5-1", 1000), Range::Ignored));
    }

    #[test]
    fn codings_at_q_zero_are_refused() {
        assert!(accepts_coding("gzip, br", "br"));
        assert!(accepts_coding("br;q=0.5", "br"));
        assert!(!accepts_coding("br;q=0, gzip", "br"));
        assert!(!accepts_coding("gzip", "br"));
    }
}
