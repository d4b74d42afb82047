//! Name/value pairs from query strings and form bodies, and percent
//! decoding.

/// Name/value pairs whose strings are reused from request to request, so a
/// warm worker copies a request in without allocating.
#[derive(Default, Clone, Debug)]
pub struct Pairs {
    pub(crate) items: Vec<(String, String)>,
    pub(crate) len: usize,
}

impl Pairs {
    pub fn clear(&mut self) {
        self.len = 0;
    }

    /// Appends a pair, each side written into a reused string.
    pub fn push_with(
        &mut self,
        fill_name: impl FnOnce(&mut String),
        fill_value: impl FnOnce(&mut String),
    ) {
        if self.len == self.items.len() {
            self.items.push(Default::default());
        }
        let (k, v) = &mut self.items[self.len];
        k.clear();
        v.clear();
        fill_name(k);
        fill_value(v);
        self.len += 1;
    }

    pub fn as_slice(&self) -> &[(String, String)] {
        &self.items[..self.len]
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.as_slice()
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// `a=1&b=x+y` → pairs appended to `out`, percent-decoded.
pub fn parse_form_into(s: &str, out: &mut Pairs) {
    for p in s.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = p.split_once('=').unwrap_or((p, ""));
        out.push_with(|o| percent_decode_into(k, o), |o| percent_decode_into(v, o));
    }
}

/// Appends `s` with `%XX` and `+` decoded, as a form's or a query's
/// names and values are (invalid UTF-8 becomes U+FFFD).
pub fn percent_decode_into(s: &str, into: &mut String) {
    decode_into(s, into, true);
}

/// Appends `s` with `%XX` decoded, as a path's segments are: a `+` in a
/// path is a plus (what `decodeURIComponent` gives Express's `req.params`).
pub fn percent_decode_path_into(s: &str, into: &mut String) {
    decode_into(s, into, false);
}

fn decode_into(s: &str, into: &mut String, plus_is_space: bool) {
    if !s.bytes().any(|b| b == b'%' || (plus_is_space && b == b'+')) {
        into.push_str(s);
        return;
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' if plus_is_space => out.push(b' '),
            b'%' if i + 2 < b.len() => {
                match u8::from_str_radix(std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or("zz"), 16)
                {
                    Ok(v) => {
                        out.push(v);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            c => out.push(c),
        }
        i += 1;
    }
    into.push_str(&String::from_utf8_lossy(&out));
}
