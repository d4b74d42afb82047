//! Method + path → route: a trie of path segments built once per script
//! generation. Segments are literal, `:param` (one segment) or a trailing
//! `*rest` (everything after). Literal segments win over params.

use std::collections::HashMap;

/// What a path pattern was compiled to, and where it came from.
#[derive(Clone, Debug)]
pub struct Route {
    pub method: String,
    pub pattern: String,
    /// Names of the `:param` and `*rest` segments, in order.
    pub params: Vec<String>,
    pub work: String,
    pub version: Option<String>,
    /// Which script serves it (index into the generation's scripts).
    pub script: usize,
    /// The n-th route the script registers when it runs.
    pub ordinal: usize,
    /// `file:line` of the registration.
    pub location: String,
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

/// The result of looking a request up.
#[derive(Debug, PartialEq)]
pub enum Match<'p> {
    Found {
        route: usize,
        params: Vec<&'p str>,
    },
    /// The path exists, but not for this method; the methods that do.
    MethodNotAllowed(Vec<String>),
    NotFound,
}

#[derive(Default, Debug)]
pub struct Router {
    root: Node,
    pub routes: Vec<Route>,
}

/// Two routes claim the same method and path.
#[derive(Debug)]
pub struct Conflict {
    pub existing: usize,
    pub new: Route,
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
        route.params = names;
        self.routes.push(route);
        Ok(())
    }

    pub fn find<'p>(&self, method: &str, path: &'p str) -> Match<'p> {
        let segs: Vec<&'p str> = segments(path).collect();
        let mut params = Vec::new();
        let mut allowed = Vec::new();
        if let Some(m) = Self::walk(&self.root, &segs, method, &mut params, &mut allowed) {
            return Match::Found { route: m, params };
        }
        // HEAD is served by GET routes.
        if method == "HEAD" {
            params.clear();
            if let Some(m) = Self::walk(&self.root, &segs, "GET", &mut params, &mut Vec::new()) {
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

    fn walk<'p>(
        node: &Node,
        segs: &[&'p str],
        method: &str,
        params: &mut Vec<&'p str>,
        allowed: &mut Vec<String>,
    ) -> Option<usize> {
        if segs.is_empty() {
            if let Some(&r) = node.routes.get(method) {
                return Some(r);
            }
            allowed.extend(node.routes.keys().cloned());
        } else {
            if let Some(child) = node.literal.get(segs[0]) {
                if let Some(r) = Self::walk(child, &segs[1..], method, params, allowed) {
                    return Some(r);
                }
            }
            if let Some(child) = &node.param {
                params.push(segs[0]);
                if let Some(r) = Self::walk(child, &segs[1..], method, params, allowed) {
                    return Some(r);
                }
                params.pop();
            }
        }
        if !node.rest.is_empty() {
            if let Some(&r) = node.rest.get(method) {
                // The rest of the path, without its leading slash.
                let joined = if segs.is_empty() { "" } else { rest_of(segs) };
                params.push(joined);
                return Some(r);
            }
            allowed.extend(node.rest.keys().cloned());
        }
        None
    }
}

/// The original text spanning `segs` (they are slices of one path).
fn rest_of<'p>(segs: &[&'p str]) -> &'p str {
    let first = segs[0];
    let last = segs[segs.len() - 1];
    let start = first.as_ptr() as usize;
    let end = last.as_ptr() as usize + last.len();
    // SAFETY: every segment is a subslice of the same path string, in
    // order, so [start, end) lies inside it and on char boundaries.
    unsafe {
        std::str::from_utf8_unchecked(std::slice::from_raw_parts(first.as_ptr(), end - start))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route(method: &str, pattern: &str) -> Route {
        Route {
            method: method.into(),
            pattern: pattern.into(),
            params: vec![],
            work: "W".into(),
            version: None,
            script: 0,
            ordinal: 0,
            location: String::new(),
        }
    }

    #[test]
    fn matches_literals_params_and_rest() {
        let mut r = Router::default();
        r.add(route("GET", "/users/:id")).unwrap();
        r.add(route("GET", "/users/me")).unwrap();
        r.add(route("POST", "/users")).unwrap();
        r.add(route("GET", "/files/*path")).unwrap();
        assert_eq!(
            r.find("GET", "/users/42"),
            Match::Found {
                route: 0,
                params: vec!["42"]
            }
        );
        assert_eq!(
            r.find("GET", "/users/me"),
            Match::Found {
                route: 1,
                params: vec![]
            }
        );
        assert_eq!(
            r.find("GET", "/files/a/b.txt"),
            Match::Found {
                route: 3,
                params: vec!["a/b.txt"]
            }
        );
        assert_eq!(
            r.find("DELETE", "/users"),
            Match::MethodNotAllowed(vec!["POST".into()])
        );
        assert_eq!(r.find("GET", "/nope"), Match::NotFound);
        assert_eq!(
            r.find("HEAD", "/users/7"),
            Match::Found {
                route: 0,
                params: vec!["7"]
            }
        );
        assert!(r.add(route("GET", "/users/:other")).is_err());
    }
}
