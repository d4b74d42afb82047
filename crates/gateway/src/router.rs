//! Method + path → route: a trie of path segments built once per script
//! generation. Segments are literal, `:param` (one segment) or a trailing
//! `*rest` (everything after). Literal segments win over params.

use rustc_hash::FxHashMap as HashMap;

/// What a path pattern was compiled to, and where it came from.
#[derive(Clone, Debug)]
pub struct Route {
    pub method: String,
    pub pattern: String,
    /// Names of the `:param` and `*rest` segments, in order.
    pub params: Vec<String>,
    pub work: String,
    pub version: Option<String>,
    /// The route's own limits, over the server's.
    pub budget: Budget,
    /// Its request bodies reach the handler as a stream of at most this
    /// many bytes (`.body({ stream: true, max })`).
    pub stream_body: Option<u64>,
    /// Its work's CORS policy (`.cors({ … })`).
    pub cors: Option<std::sync::Arc<super::cors::Cors>>,
    /// Its work's declared rate limit, taken before it runs.
    pub limit: Option<std::sync::Arc<super::rate_limit::RouteLimit>>,
    /// Its work's declared response cache (GET and HEAD).
    pub cache: Option<std::sync::Arc<super::response_cache::CacheRule>>,
    /// Which module declared it (index into the generation's graph).
    pub script: usize,
    /// The n-th route that module declares when it runs.
    pub ordinal: usize,
    /// The n-th route the whole generation declares: its handler's place
    /// in each worker's table.
    pub declared: usize,
    /// `file:line` of the registration.
    pub location: String,
    /// Served by a module's `export default { fetch }`.
    pub fetch: bool,
    /// Where each middleware in front of it was declared, in the order
    /// they run.
    pub middleware: Vec<String>,
    /// The folder it serves without a script (`.static(prefix, folder)`).
    pub static_dir: Option<std::sync::Arc<super::static_files::StaticDir>>,
    /// The upstream it forwards to without a script (`.proxy(prefix, name)`).
    pub proxy: Option<std::sync::Arc<super::proxy::ProxyRoute>>,
    /// A WebSocket endpoint's options (`work().ws()`): its `GET` is an
    /// opening handshake.
    pub websocket: Option<std::sync::Arc<super::websocket::SocketOptions>>,
}

impl Route {
    /// A route of `work` with nothing but its method and pattern: the
    /// first handler of the first module, no limits of its own (what
    /// tests and benchmarks build routers from).
    pub fn new(method: &str, pattern: &str, work: &str) -> Route {
        Route {
            method: method.into(),
            pattern: pattern.into(),
            params: Vec::new(),
            work: work.into(),
            version: None,
            budget: Default::default(),
            stream_body: None,
            cors: None,
            limit: None,
            cache: None,
            script: 0,
            ordinal: 0,
            declared: 0,
            location: String::new(),
            fetch: false,
            middleware: Vec::new(),
            static_dir: None,
            proxy: None,
            websocket: None,
        }
    }
}

#[derive(Default, Debug)]
struct Node {
    literal: HashMap<String, Node>,
    param: Option<Box<Node>>,
    /// Route indices by method for a `*rest` ending here.
    rest: HashMap<String, usize>,
    /// Route indices by method ending exactly here.
    routes: HashMap<String, usize>,
}

/// Most `:param`/`*rest` segments in one pattern; lets a match keep its
/// values inline instead of allocating.
pub const MAX_PARAMS: usize = 16;

/// Parameter values of a match, in pattern order.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Params<'p> {
    items: [&'p str; MAX_PARAMS],
    len: usize,
}

impl<'p> Params<'p> {
    fn new() -> Params<'p> {
        Params {
            items: [""; MAX_PARAMS],
            len: 0,
        }
    }
    fn push(&mut self, v: &'p str) {
        self.items[self.len] = v;
        self.len += 1;
    }
    pub fn as_slice(&self) -> &[&'p str] {
        &self.items[..self.len]
    }
}

/// The result of looking a request up.
#[derive(Debug, PartialEq)]
pub enum Match<'p> {
    Found {
        route: usize,
        params: Params<'p>,
    },
    /// The path exists, but not for this method; the methods that do.
    MethodNotAllowed(Vec<String>),
    NotFound,
}

#[derive(Default, Debug)]
pub struct Router {
    root: Node,
    /// Routes without parameters by their canonical path (`/a/b`), with
    /// their methods: a request for such a path in that form is one hash
    /// lookup instead of a walk; any other form, method or path walks the
    /// trie.
    exact: HashMap<String, Vec<(String, usize)>>,
    pub routes: Vec<Route>,
}

/// Two routes claim the same method and path (or, with `existing ==
/// usize::MAX`, a pattern has more than `MAX_PARAMS` parameters).
#[derive(Debug)]
pub struct Conflict {
    pub existing: usize,
    pub new: Route,
}

/// A route pattern as requests will spell it: literal segments
/// percent-encoded where a client must encode (`/café` → `/caf%C3%A9`,
/// upper-case hex, as browsers and curl send it), parameter names checked
/// (`/c/:id/:id` and an empty `:` are errors).
pub fn canonical_pattern(pattern: &str) -> Result<String, String> {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(pattern.len());
    let mut names: Vec<&str> = Vec::new();
    let mut segments_seen = pattern.split('/').peekable();
    let mut first = true;
    while let Some(seg) = segments_seen.next() {
        if !first {
            out.push('/');
        }
        first = false;
        if let Some(name) = seg.strip_prefix(':').or_else(|| seg.strip_prefix('*')) {
            let valid =
                !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
            if !valid {
                return Err(format!(
                    "invalid parameter name in route '{pattern}': '{seg}'"
                ));
            }
            if names.contains(&name) {
                return Err(format!(
                    "parameter ':{name}' appears twice in route '{pattern}'"
                ));
            }
            if seg.starts_with('*') && segments_seen.peek().is_some_and(|s| !s.is_empty()) {
                return Err(format!(
                    "'{seg}' must be the last segment of route '{pattern}'"
                ));
            }
            names.push(name);
            out.push_str(seg);
            continue;
        }
        let seg_bytes = seg.as_bytes();
        let mut i = 0;
        while i < seg_bytes.len() {
            let b = seg_bytes[i];
            let hex = |c: u8| c.is_ascii_hexdigit();
            if b == b'%'
                && i + 2 < seg_bytes.len()
                && hex(seg_bytes[i + 1])
                && hex(seg_bytes[i + 2])
            {
                out.push('%');
                out.push(seg_bytes[i + 1].to_ascii_uppercase() as char);
                out.push(seg_bytes[i + 2].to_ascii_uppercase() as char);
                i += 3;
                continue;
            }
            if b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@".contains(&b) {
                out.push(b as char);
            } else {
                out.push('%');
                out.push(HEX[(b >> 4) as usize] as char);
                out.push(HEX[(b & 15) as usize] as char);
            }
            i += 1;
        }
    }
    Ok(out)
}

fn segments(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').filter(|s| !s.is_empty())
}

impl Router {
    pub fn add(&mut self, mut route: Route) -> Result<(), Box<Conflict>> {
        let index = self.routes.len();
        let mut node = &mut self.root;
        let mut names = Vec::new();
        let mut rest = false;
        for seg in segments(&route.pattern) {
            if let Some(name) = seg.strip_prefix('*') {
                names.push(name.to_string());
                rest = true;
                break;
            } else if let Some(name) = seg.strip_prefix(':') {
                names.push(name.to_string());
                node = node.param.get_or_insert_with(Default::default);
            } else {
                node = node.literal.entry(seg.to_string()).or_default();
            }
        }
        let table = if rest {
            &mut node.rest
        } else {
            &mut node.routes
        };
        if let Some(&existing) = table.get(&route.method) {
            return Err(Box::new(Conflict {
                existing,
                new: route,
            }));
        }
        table.insert(route.method.clone(), index);
        if names.is_empty() {
            let canonical: String = segments(&route.pattern).flat_map(|s| ["/", s]).collect();
            let path = if canonical.is_empty() {
                "/".to_string()
            } else {
                canonical
            };
            self.exact
                .entry(path)
                .or_default()
                .push((route.method.clone(), index));
        }
        route.params = names;
        self.routes.push(route);
        Ok(())
    }

    /// Always inlined: out of line (once the streamed-body check became a
    /// second caller) it returned the `Match`, params inline, through
    /// memory, and a request paid 180 instructions more in
    /// `dispatch::handle` (`loadtest/instructions.sh`).
    #[inline(always)]
    pub fn find<'p>(&self, method: &str, path: &'p str) -> Match<'p> {
        if let Some(methods) = self.exact.get(path) {
            if let Some(&(_, r)) = methods.iter().find(|(m, _)| m == method) {
                return Match::Found {
                    route: r,
                    params: Params::new(),
                };
            }
        }
        let mut params = Params::new();
        let mut allowed = Vec::new();
        if let Some(m) = Self::walk(&self.root, path, method, &mut params, &mut allowed) {
            return Match::Found { route: m, params };
        }
        // HEAD is served by GET routes.
        if method == "HEAD" {
            params = Params::new();
            if let Some(m) = Self::walk(&self.root, path, "GET", &mut params, &mut Vec::new()) {
                return Match::Found { route: m, params };
            }
        }
        if allowed.is_empty() {
            Match::NotFound
        } else {
            allowed.sort();
            allowed.dedup();
            Match::MethodNotAllowed(allowed)
        }
    }

    /// Matches the rest of a path (segments split lazily: no allocation).
    fn walk<'p>(
        node: &Node,
        rest: &'p str,
        method: &str,
        params: &mut Params<'p>,
        allowed: &mut Vec<String>,
    ) -> Option<usize> {
        let rest = rest.trim_start_matches('/');
        if rest.is_empty() {
            if let Some(&r) = node.routes.get(method) {
                return Some(r);
            }
            allowed.extend(node.routes.keys().cloned());
        } else {
            let (seg, after) = rest.split_once('/').unwrap_or((rest, ""));
            if let Some(child) = node.literal.get(seg) {
                if let Some(r) = Self::walk(child, after, method, params, allowed) {
                    return Some(r);
                }
            }
            if let Some(child) = &node.param {
                let saved = *params;
                params.push(seg);
                if let Some(r) = Self::walk(child, after, method, params, allowed) {
                    return Some(r);
                }
                *params = saved;
            }
        }
        if !node.rest.is_empty() {
            if let Some(&r) = node.rest.get(method) {
                // The rest of the path, without its leading slash.
                params.push(rest.trim_end_matches('/'));
                return Some(r);
            }
            allowed.extend(node.rest.keys().cloned());
        }
        None
    }
}

/// A route's own limits (`.budget({ instructions, memory })`); unset
/// fields fall back to the server's.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Budget {
    pub instructions: Option<u64>,
    pub memory: Option<usize>,
}

impl Budget {
    /// The limits a request on this route runs with.
    pub fn over(self, server: vm::Limits) -> vm::Limits {
        vm::Limits {
            instructions: self.instructions.unwrap_or(server.instructions),
            memory: self.memory.unwrap_or(server.memory),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route(method: &str, pattern: &str) -> Route {
        Route::new(method, pattern, "W")
    }

    fn found<'p>(route: usize, values: &[&'p str]) -> Match<'p> {
        let mut params = Params::new();
        for v in values {
            params.push(v);
        }
        Match::Found { route, params }
    }

    #[test]
    fn patterns_are_spelled_as_requests_are() {
        assert_eq!(canonical_pattern("/café/:n").unwrap(), "/caf%C3%A9/:n");
        assert_eq!(canonical_pattern("/a b/%c3%a9").unwrap(), "/a%20b/%C3%A9");
        assert_eq!(
            canonical_pattern("/users/:id/*rest").unwrap(),
            "/users/:id/*rest"
        );
        assert!(canonical_pattern("/c/:id/:id").is_err());
        assert!(canonical_pattern("/c/:/x").is_err());
        assert!(canonical_pattern("/c/*rest/x").is_err());
    }

    #[test]
    fn matches_literals_params_and_rest() {
        let mut r = Router::default();
        r.add(route("GET", "/users/:id")).unwrap();
        r.add(route("GET", "/users/me")).unwrap();
        r.add(route("POST", "/users")).unwrap();
        r.add(route("GET", "/files/*path")).unwrap();
        assert_eq!(r.find("GET", "/users/42"), found(0, &["42"]));
        assert_eq!(r.find("GET", "/users/me"), found(1, &[]));
        assert_eq!(r.find("GET", "/files/a/b.txt"), found(3, &["a/b.txt"]));
        assert_eq!(
            r.find("DELETE", "/users"),
            Match::MethodNotAllowed(vec!["POST".into()])
        );
        assert_eq!(r.find("GET", "/nope"), Match::NotFound);
        assert_eq!(r.find("HEAD", "/users/7"), found(0, &["7"]));
        assert!(r.add(route("GET", "/users/:other")).is_err());
    }

    #[test]
    fn exact_paths_agree_with_the_trie() {
        let mut r = Router::default();
        r.add(route("GET", "/")).unwrap();
        r.add(route("GET", "/a/b")).unwrap();
        r.add(route("POST", "a//b/")).unwrap();
        r.add(route("PUT", "/a/:x")).unwrap();
        r.add(route("GET", "/a/*rest")).unwrap();
        assert_eq!(r.find("GET", "/"), found(0, &[]));
        assert_eq!(r.find("GET", "/a/b"), found(1, &[]));
        assert_eq!(r.find("POST", "/a/b"), found(2, &[]));
        // Other spellings of the same path, and methods only a parameter
        // or rest route has, still match through the trie.
        assert_eq!(r.find("GET", "//a/b/"), found(1, &[]));
        assert_eq!(r.find("PUT", "/a/b"), found(3, &["b"]));
        assert_eq!(r.find("GET", "/a/b/c"), found(4, &["b/c"]));
        assert_eq!(
            r.find("DELETE", "/a/b"),
            Match::MethodNotAllowed(vec!["GET".into(), "POST".into(), "PUT".into()])
        );
        assert_eq!(r.find("HEAD", "/a/b"), found(1, &[]));
    }
}
