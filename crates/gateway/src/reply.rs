//! What a handler returned, as a response: the value mapping (object →
//! JSON, string → text, `{ status, headers, body }`…), and the error
//! answers for uncaught errors.

use super::http::{self};
use super::per_core::host;
use super::request_api::BAD_REQUEST_BODY;
use super::router::Route;
use crate::log;
use vm::json::Format;
use vm::{Uncaught, Value, Vm};

/// A response before it is written.
pub struct Reply {
    pub status: u16,
    pub content_type: Option<std::borrow::Cow<'static, str>>,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The body is the run's stream, which the host reads
    /// (`Vm::stream_answer`, streamed.rs); `body` is empty.
    pub streamed: bool,
}

impl Reply {
    pub(crate) fn error(status: u16, message: &str) -> Reply {
        Reply {
            status,
            content_type: Some("application/json".into()),
            headers: Vec::new(),
            body: http::error_body(message),
            streamed: false,
        }
    }
}

/// Why an uncaught error ended a request, from its `code`.
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Cause {
    Script,
    /// The database cannot be reached (`DB_UNAVAILABLE`): 503.
    DbUnavailable,
    /// The key-value store cannot be reached (`KV_UNAVAILABLE`): 503.
    KvUnavailable,
    /// The client's body could not be parsed (`BAD_REQUEST_BODY`): 400.
    BadBody,
    /// A streamed body was larger than its route's `max`
    /// (`BODY_TOO_LARGE`): 413.
    TooLarge,
    /// The client is past a `limit()` (`RATE_LIMITED`): 429, with the
    /// headers `limit()` set.
    RateLimited,
}

impl Cause {
    pub(crate) fn of(vm: &mut Vm, e: &Uncaught) -> Cause {
        let Value::Obj(o) = e.value else {
            return Cause::Script;
        };
        let Some(code) = vm.heap.lookup_atom("code") else {
            return Cause::Script;
        };
        let found = vm.get_own(o, code);
        match found.and_then(|c| vm.heap.str(c)) {
            Some(c) if c == vm::DB_UNAVAILABLE => Cause::DbUnavailable,
            Some(c) if c == vm::KV_UNAVAILABLE => Cause::KvUnavailable,
            Some(c) if c == BAD_REQUEST_BODY => Cause::BadBody,
            Some(c) if c == super::body_feed::BODY_TOO_LARGE => Cause::TooLarge,
            Some(c) if c == super::rate_limit::RATE_LIMITED => Cause::RateLimited,
            _ => Cause::Script,
        }
    }
}

pub(crate) fn error_reply(
    route: &Route,
    e: &Uncaught,
    dev: bool,
    cause: Cause,
    request_id: &str,
) -> Reply {
    let first = e
        .report
        .lines()
        .next()
        .unwrap_or("")
        .trim_start_matches("Uncaught ");
    // A body the client sent wrong is its error, not the script's.
    let level = if matches!(cause, Cause::BadBody | Cause::TooLarge) {
        log::Level::Warn
    } else {
        log::Level::Error
    };
    if cause == Cause::RateLimited {
        // The access log counts them; a flood of clients past their
        // limits does not flood the log.
    } else if log::json() {
        let route_text = format!("{} {}", route.method, route.pattern);
        log::event(
            level,
            &e.report,
            &[
                ("route", &route_text),
                ("source", &route.location),
                ("request_id", request_id),
            ],
        );
    } else {
        let line = format!(
            "{} {} ({}) #{request_id}: {}",
            route.method, route.pattern, route.location, e.report
        );
        log::event(level, &line, &[]);
    }
    let budget = e.budget.is_some();
    let message = if budget {
        format!("{first} in route {} {}", route.method, route.pattern)
    } else if cause == Cause::RateLimited {
        super::rate_limit::EXCEEDED.to_string()
    } else if cause == Cause::DbUnavailable {
        // Where the database is stays in the log, not in the answer.
        "the database is unavailable".to_string()
    } else if cause == Cause::KvUnavailable {
        "the key-value store is unavailable".to_string()
    } else {
        first.to_string()
    };
    let status = match cause {
        _ if budget => 503,
        Cause::DbUnavailable | Cause::KvUnavailable => 503,
        Cause::BadBody => 400,
        Cause::TooLarge => 413,
        Cause::RateLimited => 429,
        Cause::Script => 500,
    };
    // A secret a script put in its error stays out of the answer.
    let message = log::redact(&message);
    let mut reply = Reply::error(status, &message);
    if dev {
        let mut body = b"{\"error\":".to_vec();
        semantics::quote::write_quoted(&message, &mut body);
        body.extend_from_slice(b",\"trace\":");
        semantics::quote::write_quoted(&log::redact(&e.report), &mut body);
        body.push(b'}');
        reply.body = body;
    }
    reply
}

/// A `Response` a handler returned: its status, headers and body. The
/// headers that frame a message are the gateway's (those of a `fetch`
/// answer passed on are dropped); any other goes through the check every
/// script header does.
fn response_reply(
    mut reply: Reply,
    status: u16,
    headers: Vec<(String, String)>,
    body: &[u8],
) -> Result<Reply, Reply> {
    let Some(s) = super::fields::script_status(status as f64) else {
        return Err(Reply::error(
            500,
            &format!("a handler cannot answer with status {status} (200-599)"),
        ));
    };
    reply.status = s;
    for (name, value) in headers {
        if super::fields::is_owned(&name) {
            continue;
        }
        if let Err(e) = super::fields::check(&name, &value) {
            return Err(Reply::error(500, &e));
        }
        if name == "content-type" {
            reply.content_type = Some(value.into());
        } else {
            reply.headers.push((name, value));
        }
    }
    reply.body.extend_from_slice(body);
    Ok(reply)
}

/// `to_reply` for what is not a request's handler (a WebSocket's `open`
/// refusing, a proxy hook answering): one shared copy, out of line.
#[inline(never)]
pub(crate) fn answer_of_value(vm: &mut Vm, v: Value) -> Reply {
    to_reply(vm, v, Vec::new())
}

/// Maps a handler's value to a response (see the README's table).
// Inlined where a request concludes, as it was while that was its only
// caller (out of line, a request cost 67 more instructions,
// `loadtest/instructions.sh`); the other callers go through
// `answer_of_value`, so the request path's copy stays the only one.
#[inline(always)]
pub(crate) fn to_reply(vm: &mut Vm, v: Value, body: Vec<u8>) -> Reply {
    let mut reply = Reply {
        status: 200,
        content_type: None,
        headers: std::mem::take(&mut host(vm).response.headers),
        body,
        streamed: false,
    };
    if let Some((status, headers, body)) = vm::builtins::web::response::response_parts(vm, v) {
        let whole = body.as_deref().unwrap_or_default();
        return match response_reply(reply, status, headers, whole) {
            Ok(mut reply) => {
                // A stream still to be read: the host reads it once the
                // head is written.
                reply.streamed = body.is_none() && vm.stream_answer(v);
                reply
            }
            Err(refused) => refused,
        };
    }
    // A run ends with a pending promise only when nothing left in it could
    // settle the promise (a fetch a `parallel()` branch made and dropped):
    // that is the script's error, not an empty object to serialize.
    if let Some((vm::promise::PromiseState::Pending, _)) = vm.promise_state(v) {
        let message =
            "the handler's promise never settled: nothing left in the request could settle it";
        log::error(message);
        return Reply::error(500, message);
    }
    match v {
        Value::Undefined | Value::Null => reply.status = 204,
        Value::Atom(_) | Value::Str(_) => {
            reply
                .body
                .extend_from_slice(vm.heap.str(v).unwrap_or("").as_bytes());
            reply.content_type = Some("text/plain; charset=utf-8".into());
        }
        _ => {
            if let Value::Obj(o) = v {
                let status = host(vm).keys.status;
                if let Some(Value::Num(n)) = vm.get_own(o, status) {
                    if (100.0..=599.0).contains(&n) && n.fract() == 0.0 {
                        // 1xx are the gateway's: a `101` written here left
                        // the body unframed on a kept-alive connection.
                        let Some(s) = super::fields::script_status(n) else {
                            return Reply::error(
                                500,
                                &format!("a handler cannot answer with status {n} (200-599)"),
                            );
                        };
                        reply.status = s;
                    }
                }
            }
            match vm.write_json(v, &Format::COMPACT, &mut reply.body) {
                Ok(_) => reply.content_type = Some("application/json".into()),
                Err(e) => {
                    let msg = match e {
                        vm::Interrupt::Error(b) | vm::Interrupt::Abort(b) => b.1.clone(),
                        _ => "the response could not be serialized".into(),
                    };
                    return Reply::error(500, &msg);
                }
            }
        }
    }
    let response = &mut host(vm).response;
    if let Some(ct) = response.content_type.take() {
        reply.content_type = Some(ct.into());
    }
    if let Some(s) = response.status {
        reply.status = s;
    }
    reply
}
