//! Where a gateway VM's `log()` and `console.log` output goes: each line
//! becomes one log event tagged with the route and the request id
//! (`core-number`, counted per core), so interleaved requests stay apart.

use crate::log;
use std::cell::RefCell;
use std::io::Write;
use std::rc::Rc;

/// The request a worker is running, updated at the start of each one
/// (the strings keep their capacity: no allocation per request).
#[derive(Default)]
pub struct Tags {
    pub core: usize,
    pub request: u64,
    pub method: String,
    pub pattern: String,
}

impl Tags {
    pub fn set(&mut self, core: usize, request: u64, method: &str, pattern: &str) {
        self.core = core;
        self.request = request;
        self.method.clear();
        self.method.push_str(method);
        self.pattern.clear();
        self.pattern.push_str(pattern);
    }

    pub fn request_id(&self) -> String {
        request_id(self.core, self.request)
    }
}

/// A request's id: its core and its number there, `1-42`.
pub fn request_id(core: usize, n: u64) -> String {
    format!("{core}-{n}")
}

/// A VM's output. Each print that ends a line is one event (a multi-line
/// message such as an error with its trace stays one event).
pub struct RequestLog {
    pub tags: Rc<RefCell<Tags>>,
    buf: Vec<u8>,
}

impl RequestLog {
    pub fn new(tags: Rc<RefCell<Tags>>) -> RequestLog {
        RequestLog {
            tags,
            buf: Vec::new(),
        }
    }

    fn emit(&self, line: &str) {
        let t = self.tags.borrow();
        let id = t.request_id();
        // A script's own lines are information; the driver's report of a
        // failed defer() or go() function is an error.
        use runtime::driver::{DEFERRED_FAILED, GO_FAILED};
        let level = if line.starts_with(DEFERRED_FAILED) || line.starts_with(GO_FAILED) {
            log::Level::Error
        } else {
            log::Level::Info
        };
        if log::json() {
            let route = format!("{} {}", t.method, t.pattern);
            log::event(level, line, &[("route", &route), ("request_id", &id)]);
        } else {
            log::event(
                level,
                &format!("[{} {} #{id}] {line}", t.method, t.pattern),
                &[],
            );
        }
    }
}

impl Write for RequestLog {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(b);
        if self.buf.ends_with(b"\n") {
            let text = String::from_utf8_lossy(&self.buf[..self.buf.len() - 1]).into_owned();
            self.emit(&text);
            self.buf.clear();
        }
        Ok(b.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if !self.buf.is_empty() {
            let line = String::from_utf8_lossy(&self.buf).into_owned();
            self.emit(&line);
            self.buf.clear();
        }
        Ok(())
    }
}
