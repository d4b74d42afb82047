//! The Fetch Standard's Body mixin, shared by `Request` and `Response`:
//! what a body may be made from (text, bytes, `URLSearchParams`,
//! `FormData`, a `Blob`), and the methods that read it once (`text`,
//! `json`, `arrayBuffer`, `bytes`, `blob`, `formData`, `body`,
//! `bodyUsed`). A body is kept whole — text as a string, bytes as an
//! `ArrayBuffer` — in the object's `BODY` slot, or is a `ReadableStream`
//! there (read whole by body_stream.rs); `body` makes a whole one a
//! stream.

use crate::builtins::{getter, method};
use crate::error::{ErrorKind, Interrupt};
use crate::heap::{Class, WebKind};
use crate::state::Vm;
use crate::value::{ObjId, Value};

/// The slots `Request` and `Response` share.
pub(super) const HEADERS: usize = 2;
pub(super) const BODY: usize = 3;
pub(super) const USED: usize = 4;

/// A body and the `Content-Type` it implies (when the headers have none).
pub(super) fn extract(vm: &mut Vm, init: Value) -> Result<(Value, Option<String>), Interrupt> {
    const TEXT: &str = "text/plain;charset=UTF-8";
    match init {
        Value::Undefined | Value::Null => Ok((Value::Null, None)),
        Value::Atom(_) | Value::Str(_) => Ok((init, Some(TEXT.into()))),
        Value::Obj(o) => {
            if let Some(s) = super::stream::as_stream(vm, init) {
                if super::stream::is_locked(vm, s) || super::stream::is_disturbed(vm, s) {
                    return Err(
                        vm.type_error("The body's ReadableStream is locked or has been read")
                    );
                }
                return Ok((init, None));
            }
            if let Some(bytes) = vm.buffer_source_bytes(init) {
                return Ok((new_buffer(vm, &bytes)?, None));
            }
            if let Some(parts) = super::form_data::form_parts(vm, init) {
                let boundary = super::multipart::new_boundary();
                let bytes = super::multipart::encode(&parts, &boundary);
                let ct = format!("multipart/form-data; boundary={boundary}");
                return Ok((new_buffer(vm, &bytes)?, Some(ct)));
            }
            if let Some((bytes, t)) = super::blob::blob_parts(vm, init) {
                return Ok((new_buffer(vm, &bytes)?, (!t.is_empty()).then_some(t)));
            }
            if vm.heap.obj(o).class == Class::Web(WebKind::SearchParams) {
                let to_string = vm.heap.intern("toString");
                let f = vm.get_field(init, to_string)?;
                let text = vm.call_function(f, init, &[])?;
                return Ok((
                    text,
                    Some("application/x-www-form-urlencoded;charset=UTF-8".into()),
                ));
            }
            let text = vm.to_string_value(init)?;
            Ok((text, Some(TEXT.into())))
        }
        v => Ok((vm.to_string_value(v)?, Some(TEXT.into()))),
    }
}

fn new_buffer(vm: &mut Vm, bytes: &[u8]) -> Result<Value, Interrupt> {
    let view = vm.new_uint8_array(bytes)?;
    let Value::Obj(v) = view else {
        unreachable!("a new view is an object")
    };
    Ok(Value::Obj(vm.view_parts(v).0))
}

/// The bytes of a `Request` or `Response` body (empty when it has
/// none). A stream gives what it has queued, when it is closed with
/// all its chunks queued; `None` when it is a stream still to be read.
pub fn body_bytes(vm: &Vm, o: ObjId) -> Option<Vec<u8>> {
    let body = vm.heap.obj(o).elems[BODY];
    if let Some(s) = super::stream::as_stream(vm, body) {
        return super::stream::queued_bytes(vm, s);
    }
    Some(super::stream::chunk_bytes(vm, body).unwrap_or_default())
}

/// Installs the Body methods on `proto` (`Request.prototype`,
/// `Response.prototype`).
pub(super) fn install(vm: &mut Vm, proto: ObjId) {
    method(vm, proto, "text", 0, |vm, this, _| {
        read(vm, this, Read::Text)
    });
    method(vm, proto, "json", 0, |vm, this, _| {
        read(vm, this, Read::Json)
    });
    method(vm, proto, "arrayBuffer", 0, |vm, this, _| {
        read(vm, this, Read::Buffer)
    });
    method(vm, proto, "bytes", 0, |vm, this, _| {
        read(vm, this, Read::Bytes)
    });
    method(vm, proto, "blob", 0, |vm, this, _| {
        read(vm, this, Read::Blob)
    });
    method(vm, proto, "formData", 0, |vm, this, _| {
        read(vm, this, Read::FormData)
    });
    getter(vm, proto, "get bodyUsed", |vm, this, _| {
        let o = this_body(vm, this)?;
        let body = vm.heap.obj(o).elems[BODY];
        if let Some(s) = super::stream::as_stream(vm, body) {
            return Ok(Value::Bool(super::stream::is_disturbed(vm, s)));
        }
        Ok(vm.heap.obj(o).elems[USED])
    });
    getter(vm, proto, "get body", |vm, this, _| {
        let o = this_body(vm, this)?;
        super::body_stream::body_stream(vm, o)
    });
}

/// `this` when it is a `Request` or a `Response`.
fn this_body(vm: &Vm, this: Value) -> Result<ObjId, Interrupt> {
    match this {
        Value::Obj(o)
            if matches!(
                vm.heap.obj(o).class,
                Class::Web(WebKind::Request) | Class::Web(WebKind::Response)
            ) =>
        {
            Ok(o)
        }
        _ => Err(vm.type_error("Illegal invocation: a body method called on something that is not a Request or a Response")),
    }
}

#[derive(Clone, Copy)]
pub(super) enum Read {
    Text,
    Json,
    Buffer,
    Bytes,
    Blob,
    FormData,
}

impl Read {
    /// Each, at its discriminant.
    pub(super) const ALL: [Read; 6] = [
        Read::Text,
        Read::Json,
        Read::Buffer,
        Read::Bytes,
        Read::Blob,
        Read::FormData,
    ];
}

/// `text()`, `json()`, `arrayBuffer()`, `bytes()`, `blob()`,
/// `formData()`: a promise of the body read as asked. A body read before
/// is a rejection (TypeError), as is text that is not JSON (SyntaxError)
/// and a body that is not the form its `Content-Type` says (TypeError).
fn read(vm: &mut Vm, this: Value, how: Read) -> Result<Value, Interrupt> {
    let o = this_body(vm, this)?;
    let r = read_now(vm, o, how);
    match r {
        // A stream's reading is already a promise.
        Ok(p) if super::stream::as_stream(vm, vm.heap.obj(o).elems[BODY]).is_some() => Ok(p),
        r => super::promise_of(vm, r),
    }
}

pub(super) fn read_now(vm: &mut Vm, o: ObjId, how: Read) -> Result<Value, Interrupt> {
    let elems = &vm.heap.obj(o).elems;
    if super::stream::as_stream(vm, elems[BODY]).is_some() {
        return super::body_stream::read_whole(vm, o, how);
    }
    if vm.truthy(elems[USED]) {
        return Err(vm.type_error("Body is unusable: Body has already been read"));
    }
    let body = elems[BODY];
    if !matches!(body, Value::Null) {
        vm.heap.obj_mut(o).elems[USED] = Value::Bool(true);
    }
    let text = |vm: &mut Vm| -> Result<Value, Interrupt> {
        if matches!(body, Value::Null) {
            return Ok(Value::Atom(vm.atoms.empty));
        }
        if vm.heap.str(body).is_some() {
            return Ok(body);
        }
        let bytes = vm.buffer_source_bytes(body).unwrap_or_default();
        Ok(vm.heap.alloc_str(&String::from_utf8_lossy(&bytes))?)
    };
    match how {
        Read::Text => text(vm),
        Read::Json => {
            let t = text(vm)?;
            let s = vm.heap.str(t).unwrap_or("").to_string();
            vm.parse_json(&s).map_err(|e| match e {
                Interrupt::Error(b) if b.0 == ErrorKind::SyntaxError => Interrupt::error(
                    ErrorKind::SyntaxError,
                    format!("the body is not JSON: {}", b.1),
                ),
                e => e,
            })
        }
        Read::Buffer | Read::Bytes | Read::Blob | Read::FormData => {
            let bytes = super::stream::chunk_bytes(vm, body).unwrap_or_default();
            match how {
                Read::Bytes => vm.new_uint8_array(&bytes),
                Read::Blob => {
                    let t = content_type(vm, o).unwrap_or_default();
                    super::blob::new_blob(vm, &bytes, &t.to_ascii_lowercase())
                }
                Read::FormData => form_data(vm, o, &bytes),
                _ => new_buffer(vm, &bytes),
            }
        }
    }
}

/// The `Content-Type` of a `Request` or `Response`.
fn content_type(vm: &Vm, o: ObjId) -> Option<String> {
    let Value::Obj(h) = vm.heap.obj(o).elems[HEADERS] else {
        return None;
    };
    super::headers::header_list(vm, h)
        .into_iter()
        .find(|(n, _)| n == "content-type")
        .map(|(_, v)| v)
}

/// `formData()`'s reading: a `multipart/form-data` body's fields and
/// files, or an urlencoded body's pairs.
fn form_data(vm: &mut Vm, o: ObjId, bytes: &[u8]) -> Result<Value, Interrupt> {
    use super::multipart;
    let ct = content_type(vm, o).unwrap_or_default();
    let essence = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let parts = match essence.as_str() {
        "multipart/form-data" => {
            let Some(boundary) = multipart::boundary_of(&ct) else {
                return Err(
                    vm.type_error("formData(): the multipart body's Content-Type has no boundary")
                );
            };
            multipart::parse(bytes, &boundary)
                .map_err(|e| vm.type_error(format!("formData(): {e}")))?
        }
        "application/x-www-form-urlencoded" => url::form_urlencoded::parse(bytes)
            .map(|(n, v)| multipart::Part::Text(n.into_owned(), v.into_owned()))
            .collect(),
        _ => {
            return Err(vm.type_error(format!(
                "formData(): the body's Content-Type is {ct:?}, not multipart/form-data or application/x-www-form-urlencoded"
            )));
        }
    };
    super::form_data::new_form_data(vm, parts)
}
