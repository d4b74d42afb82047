//! `Blob` and `File` (the File API): bytes with a MIME type, and a file's
//! name and time. A form's uploaded files are `File`s (`formData()`), a
//! body may be a `Blob` (`blob()`, `new Response(blob)`). The bytes are
//! an `ArrayBuffer` no script can reach, so a blob never changes.

use super::{new_proto, new_web_object, this_web, to_rust_string};
use crate::builtins::{arg, constructor, getter, method, string_tag};
use crate::error::Interrupt;
use crate::heap::{Class, WebKind};
use crate::state::{Args, Vm};
use crate::value::{ObjId, Value};

/// A blob's slots; a file has two more.
const BYTES: usize = 0;
const TYPE: usize = 1;
const NAME: usize = 2;
const LAST_MODIFIED: usize = 3;

pub fn install(vm: &mut Vm) {
    let object_proto = vm.realm.object_proto;
    let proto = new_proto(vm, object_proto);
    constructor(vm, "Blob", 0, blob_constructor, proto);
    getter(vm, proto, "get size", |vm, this, _| {
        let o = this_blob(vm, this)?;
        let Value::Obj(b) = vm.heap.obj(o).elems[BYTES] else {
            unreachable!("a blob keeps its bytes")
        };
        Ok(Value::Num(vm.buffer_len(b) as f64))
    });
    getter(vm, proto, "get type", |vm, this, _| {
        let o = this_blob(vm, this)?;
        Ok(vm.heap.obj(o).elems[TYPE])
    });
    method(vm, proto, "text", 0, |vm, this, _| {
        read(vm, this, |vm, b| {
            Ok(vm.heap.alloc_str(&String::from_utf8_lossy(&b))?)
        })
    });
    method(vm, proto, "arrayBuffer", 0, |vm, this, _| {
        read(vm, this, |vm, b| new_buffer(vm, &b))
    });
    method(vm, proto, "bytes", 0, |vm, this, _| {
        read(vm, this, |vm, b| vm.new_uint8_array(&b))
    });
    method(vm, proto, "slice", 3, slice);
    string_tag(vm, proto, "Blob");
    vm.realm.blob_proto = proto;

    let file_proto = new_proto(vm, proto);
    constructor(vm, "File", 2, file_constructor, file_proto);
    getter(vm, file_proto, "get name", |vm, this, _| {
        file_slot(vm, this, NAME)
    });
    getter(vm, file_proto, "get lastModified", |vm, this, _| {
        file_slot(vm, this, LAST_MODIFIED)
    });
    string_tag(vm, file_proto, "File");
    vm.realm.file_proto = file_proto;
}

fn this_blob(vm: &Vm, this: Value) -> Result<ObjId, Interrupt> {
    this_web(vm, this, WebKind::Blob, "a Blob method")
}

fn file_slot(vm: &mut Vm, this: Value, i: usize) -> Result<Value, Interrupt> {
    let o = this_blob(vm, this)?;
    match vm.heap.obj(o).elems.get(i) {
        Some(v) => Ok(*v),
        None => Err(vm.type_error("Illegal invocation: a File getter called on a Blob")),
    }
}

/// The bytes and type of `v` when it is a `Blob` (or a `File`).
pub fn blob_parts(vm: &Vm, v: Value) -> Option<(Vec<u8>, String)> {
    match v {
        Value::Obj(o) if vm.heap.obj(o).class == Class::Web(WebKind::Blob) => {
            let e = &vm.heap.obj(o).elems;
            let bytes = vm.buffer_source_bytes(e[BYTES]).unwrap_or_default();
            Some((bytes, vm.heap.str(e[TYPE]).unwrap_or("").to_string()))
        }
        _ => None,
    }
}

/// The name of `v` when it is a `File`.
pub fn file_name(vm: &Vm, v: Value) -> Option<String> {
    match v {
        Value::Obj(o) if vm.heap.obj(o).class == Class::Web(WebKind::Blob) => {
            let e = &vm.heap.obj(o).elems;
            e.get(NAME)
                .map(|n| vm.heap.str(*n).unwrap_or("").to_string())
        }
        _ => None,
    }
}

fn new_buffer(vm: &mut Vm, bytes: &[u8]) -> Result<Value, Interrupt> {
    let view = vm.new_uint8_array(bytes)?;
    let Value::Obj(v) = view else {
        unreachable!("a new view is an object")
    };
    Ok(Value::Obj(vm.view_parts(v).0))
}

/// A new `Blob` of `bytes`, typed `content_type`.
pub fn new_blob(vm: &mut Vm, bytes: &[u8], content_type: &str) -> Result<Value, Interrupt> {
    let o = vm
        .heap
        .alloc(Class::Web(WebKind::Blob), Some(vm.realm.blob_proto))?;
    let (b, t) = (new_buffer(vm, bytes)?, vm.heap.alloc_str(content_type)?);
    vm.heap.obj_mut(o).elems = vec![b, t];
    Ok(Value::Obj(o))
}

/// A new `File` of `bytes`, named `name`.
pub fn new_file(
    vm: &mut Vm,
    bytes: &[u8],
    content_type: &str,
    name: &str,
    last_modified: f64,
) -> Result<Value, Interrupt> {
    let f = new_blob(vm, bytes, content_type)?;
    let Value::Obj(o) = f else {
        unreachable!("a blob is an object")
    };
    vm.heap.obj_mut(o).proto = Some(vm.realm.file_proto);
    let n = vm.heap.alloc_str(name)?;
    vm.heap
        .obj_mut(o)
        .elems
        .extend_from_slice(&[n, Value::Num(last_modified)]);
    Ok(f)
}

/// A promise of the blob's bytes made into a value by `f`.
fn read(
    vm: &mut Vm,
    this: Value,
    f: fn(&mut Vm, Vec<u8>) -> Result<Value, Interrupt>,
) -> Result<Value, Interrupt> {
    let o = this_blob(vm, this)?;
    let (bytes, _) = blob_parts(vm, Value::Obj(o)).expect("a blob");
    let r = f(vm, bytes);
    super::promise_of(vm, r)
}

/// The `type` option of `options`.
fn type_option(vm: &mut Vm, options: Value) -> Result<String, Interrupt> {
    let Value::Obj(_) = options else {
        return Ok(String::new());
    };
    let key = vm.heap.intern("type");
    match vm.get_field(options, key)? {
        Value::Undefined => Ok(String::new()),
        v => Ok(normalized_type(to_rust_string(vm, v)?)),
    }
}

/// A MIME type as a blob keeps it: lowercased, or empty when it has a
/// character outside printable ASCII, as the File API says.
fn normalized_type(t: String) -> String {
    if t.bytes().all(|b| (0x20..=0x7e).contains(&b)) {
        t.to_ascii_lowercase()
    } else {
        String::new()
    }
}

/// The bytes of a blob's parts: buffers and views as they are, blobs'
/// bytes, anything else as its string in UTF-8.
fn parts_bytes(vm: &mut Vm, parts: Value) -> Result<Vec<u8>, Interrupt> {
    let mut out = Vec::new();
    match parts {
        Value::Undefined => {}
        Value::Obj(_) => {
            let Value::Obj(it) = vm.iter_values(parts)? else {
                unreachable!("iter_values makes an iterator object")
            };
            while let Some(p) = vm.iter_next(it)? {
                if let Some(b) = vm.buffer_source_bytes(p) {
                    out.extend_from_slice(&b);
                } else if let Some((b, _)) = blob_parts(vm, p) {
                    out.extend_from_slice(&b);
                } else {
                    out.extend_from_slice(to_rust_string(vm, p)?.as_bytes());
                }
                vm.heap.charge(out.len() / 8)?;
            }
        }
        _ => {
            return Err(vm.type_error(
                "The blob's parts must be a sequence (an array of strings, buffers or blobs)",
            ));
        }
    }
    Ok(out)
}

/// `new Blob(parts, { type })`.
fn blob_constructor(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let o = new_web_object(vm, this, WebKind::Blob, "Blob")?;
    let bytes = parts_bytes(vm, arg(vm, a, 0))?;
    let t = type_option(vm, arg(vm, a, 1))?;
    let (b, t) = (new_buffer(vm, &bytes)?, vm.heap.alloc_str(&t)?);
    vm.heap.obj_mut(o).elems = vec![b, t];
    Ok(Value::Obj(o))
}

/// `new File(parts, name, { type, lastModified })`.
fn file_constructor(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let o = new_web_object(vm, this, WebKind::Blob, "File")?;
    if a.len < 2 {
        return Err(vm.type_error("File needs its parts and a name"));
    }
    let bytes = parts_bytes(vm, arg(vm, a, 0))?;
    let name = to_rust_string(vm, arg(vm, a, 1))?;
    let options = arg(vm, a, 2);
    let t = type_option(vm, options)?;
    let modified = match options {
        Value::Obj(_) => {
            let key = vm.heap.intern("lastModified");
            match vm.get_field(options, key)? {
                Value::Undefined => semantics::date::now_ms(),
                v => vm.to_number(v)?.trunc(),
            }
        }
        _ => semantics::date::now_ms(),
    };
    let (b, t, n) = (
        new_buffer(vm, &bytes)?,
        vm.heap.alloc_str(&t)?,
        vm.heap.alloc_str(&name)?,
    );
    vm.heap.obj_mut(o).elems = vec![b, t, n, Value::Num(modified)];
    Ok(Value::Obj(o))
}

/// `slice(start, end, contentType)`: a new blob of those bytes, the
/// positions relative to the end when negative.
fn slice(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let o = this_blob(vm, this)?;
    let (bytes, _) = blob_parts(vm, Value::Obj(o)).expect("a blob");
    let len = bytes.len() as f64;
    let at = |vm: &mut Vm, i: usize, default: f64| -> Result<usize, Interrupt> {
        let n = match arg(vm, a, i) {
            Value::Undefined => default,
            v => vm.to_number(v)?.trunc(),
        };
        let n = if n.is_nan() { 0.0 } else { n };
        Ok(if n < 0.0 {
            (len + n).max(0.0)
        } else {
            n.min(len)
        } as usize)
    };
    let start = at(vm, 0, 0.0)?;
    let end = at(vm, 1, len)?.max(start);
    let t = match arg(vm, a, 2) {
        Value::Undefined => String::new(),
        v => normalized_type(to_rust_string(vm, v)?),
    };
    new_blob(vm, &bytes[start..end], &t)
}
