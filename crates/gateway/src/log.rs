//! One line per event on stderr: `kitwork: message key=value …` for people
//! (the default), or one JSON object per line with `log_format = "json"`
//! (`{"time":…,"level":…,"msg":…, …fields}`). Each line is written with
//! one call, so lines from different cores never interleave.

use std::borrow::Cow;
use std::io::Write;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

static JSON: AtomicBool = AtomicBool::new(false);

/// The secrets' values (`KITWORK_SECRET_*`, `secrets.file`): no log line
/// and no error body carries one (`redact`).
static SECRETS: OnceLock<Vec<String>> = OnceLock::new();

/// The shortest secret value `redact` looks for: a shorter one would
/// blank common text in every line.
pub const SECRET_MIN_LEN: usize = 4;

/// Sets the secrets to keep out of logs, once for the process.
pub fn set_secrets(values: Vec<String>) {
    let values = values
        .into_iter()
        .filter(|v| v.len() >= SECRET_MIN_LEN)
        .collect();
    let _ = SECRETS.set(values);
}

/// `text` with every secret's value replaced by `[secret]`.
pub fn redact(text: &str) -> Cow<'_, str> {
    let Some(secrets) = SECRETS.get().filter(|s| !s.is_empty()) else {
        return Cow::Borrowed(text);
    };
    let mut out = Cow::Borrowed(text);
    for s in secrets {
        if out.contains(s.as_str()) {
            out = Cow::Owned(out.replace(s.as_str(), "[secret]"));
        }
    }
    out
}

/// Chooses the format for the rest of the process (read once per line).
pub fn set_json(json: bool) {
    JSON.store(json, Ordering::Relaxed);
}

pub fn json() -> bool {
    JSON.load(Ordering::Relaxed)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Info,
    Warn,
    Error,
}

impl Level {
    fn name(self) -> &'static str {
        match self {
            Level::Info => "info",
            Level::Warn => "warn",
            Level::Error => "error",
        }
    }
}

/// A field's value: JSON lines write a number as a number.
#[derive(Clone, Copy, Debug)]
pub enum Field<'a> {
    Text(&'a str),
    Number(f64),
}

/// The line for `msg` with `fields`, newline included.
pub fn format(level: Level, msg: &str, fields: &[(&str, &str)]) -> String {
    let typed: Vec<(&str, Field)> = fields.iter().map(|&(k, v)| (k, Field::Text(v))).collect();
    format_typed(level, msg, &typed)
}

/// `format` with typed fields.
pub fn format_typed(level: Level, msg: &str, fields: &[(&str, Field)]) -> String {
    if json() {
        let mut out = Vec::with_capacity(msg.len() + 64);
        out.extend_from_slice(b"{\"time\":");
        let now = semantics::date::iso_string(semantics::date::now_ms());
        semantics::quote::write_quoted(&now, &mut out);
        out.extend_from_slice(b",\"level\":\"");
        out.extend_from_slice(level.name().as_bytes());
        out.extend_from_slice(b"\",\"msg\":");
        semantics::quote::write_quoted(msg.trim_end_matches('\n'), &mut out);
        for (k, v) in fields {
            out.push(b',');
            semantics::quote::write_quoted(k, &mut out);
            out.push(b':');
            match v {
                Field::Text(t) => semantics::quote::write_quoted(t, &mut out),
                Field::Number(n) if n.is_finite() => {
                    out.extend_from_slice(semantics::number::to_js_string(*n).as_bytes())
                }
                Field::Number(_) => out.extend_from_slice(b"null"),
            }
        }
        out.extend_from_slice(b"}\n");
        String::from_utf8(out).unwrap_or_default()
    } else {
        let mut line = String::with_capacity(msg.len() + 32);
        line.push_str("kitwork: ");
        if level != Level::Info {
            line.push_str(level.name());
            line.push_str(": ");
        }
        line.push_str(msg.trim_end_matches('\n'));
        for (k, v) in fields {
            line.push(' ');
            line.push_str(k);
            line.push('=');
            match v {
                Field::Text(t) => line.push_str(t),
                Field::Number(n) => line.push_str(&semantics::number::to_js_string(*n)),
            }
        }
        line.push('\n');
        line
    }
}

/// Writes one event (errors writing the log are ignored: a full disk
/// must not take requests down).
pub fn event(level: Level, msg: &str, fields: &[(&str, &str)]) {
    let line = format(level, msg, fields);
    let _ = std::io::stderr().write_all(redact(&line).as_bytes());
}

/// `event` with typed fields.
pub fn event_typed(level: Level, msg: &str, fields: &[(&str, Field)]) {
    let line = format_typed(level, msg, fields);
    let _ = std::io::stderr().write_all(redact(&line).as_bytes());
}

pub fn info(msg: &str) {
    event(Level::Info, msg, &[]);
}

pub fn warn(msg: &str) {
    event(Level::Warn, msg, &[]);
}

pub fn error(msg: &str) {
    event(Level::Error, msg, &[]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_lines_are_objects_with_escaped_fields() {
        set_json(true);
        let line = format(
            Level::Error,
            "it \"broke\"\n",
            &[("route", "GET /x"), ("request_id", "0-7")],
        );
        set_json(false);
        assert!(line.starts_with("{\"time\":\""), "{line}");
        assert!(
            line.ends_with(",\"level\":\"error\",\"msg\":\"it \\\"broke\\\"\",\"route\":\"GET /x\",\"request_id\":\"0-7\"}\n"),
            "{line}"
        );
        let text = format(Level::Info, "hello", &[("id", "1")]);
        assert_eq!(text, "kitwork: hello id=1\n");
    }
}
