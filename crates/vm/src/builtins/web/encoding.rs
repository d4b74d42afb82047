//! `TextEncoder` and `TextDecoder` (the WHATWG Encoding Standard), UTF-8
//! only: strings are UTF-8 here already, so encoding is their bytes, and
//! decoding is the standard's UTF-8 decoder — a byte sequence that is not
//! UTF-8 becomes U+FFFD per maximal subpart (Rust's `Utf8Error` draws
//! the same boundaries), or a TypeError with `fatal: true`; `stream:
//! true` holds back an unfinished sequence for the next call; a leading
//! BOM is dropped unless `ignoreBOM`.

use super::{new_proto, new_web_object, this_web, to_rust_string};
use crate::builtins::{arg, constructor, getter, method, string_tag};
use crate::error::{ErrorKind, Interrupt};
use crate::heap::WebKind;
use crate::state::{Args, Vm};
use crate::value::{ObjId, Value};

/// A TextDecoder's slots in `elems`, then the bytes held back.
const FATAL: usize = 0;
const IGNORE_BOM: usize = 1;
/// Whether output began (a BOM after that is a character).
const STARTED: usize = 2;
const PENDING: usize = 3;

pub fn install(vm: &mut Vm) {
    let object_proto = vm.realm.object_proto;
    let proto = new_proto(vm, object_proto);
    constructor(vm, "TextEncoder", 0, text_encoder, proto);
    getter(vm, proto, "get encoding", |vm, this, _| {
        this_web(
            vm,
            this,
            WebKind::TextEncoder,
            "TextEncoder.prototype.encoding",
        )?;
        Ok(Value::Atom(vm.heap.intern("utf-8")))
    });
    method(vm, proto, "encode", 0, encode);
    method(vm, proto, "encodeInto", 2, encode_into);
    string_tag(vm, proto, "TextEncoder");

    let proto = new_proto(vm, object_proto);
    constructor(vm, "TextDecoder", 0, text_decoder, proto);
    getter(vm, proto, "get encoding", |vm, this, _| {
        this_web(
            vm,
            this,
            WebKind::TextDecoder,
            "TextDecoder.prototype.encoding",
        )?;
        Ok(Value::Atom(vm.heap.intern("utf-8")))
    });
    getter(vm, proto, "get fatal", |vm, this, _| {
        let o = this_web(
            vm,
            this,
            WebKind::TextDecoder,
            "TextDecoder.prototype.fatal",
        )?;
        Ok(vm.heap.obj(o).elems[FATAL])
    });
    getter(vm, proto, "get ignoreBOM", |vm, this, _| {
        let o = this_web(
            vm,
            this,
            WebKind::TextDecoder,
            "TextDecoder.prototype.ignoreBOM",
        )?;
        Ok(vm.heap.obj(o).elems[IGNORE_BOM])
    });
    method(vm, proto, "decode", 0, decode);
    string_tag(vm, proto, "TextDecoder");
}

fn text_encoder(vm: &mut Vm, this: Value, _: Args) -> Result<Value, Interrupt> {
    let o = new_web_object(vm, this, WebKind::TextEncoder, "TextEncoder")?;
    Ok(Value::Obj(o))
}

/// `encode(input = "")`: a `Uint8Array` of the UTF-8 bytes.
fn encode(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    this_web(
        vm,
        this,
        WebKind::TextEncoder,
        "TextEncoder.prototype.encode",
    )?;
    let text = match arg(vm, a, 0) {
        Value::Undefined => String::new(),
        v => to_rust_string(vm, v)?,
    };
    vm.new_uint8_array(text.as_bytes())
}

/// `encodeInto(source, destination)`: as many whole characters as fit,
/// and `{ read, written }` (read in UTF-16 code units).
fn encode_into(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    this_web(
        vm,
        this,
        WebKind::TextEncoder,
        "TextEncoder.prototype.encodeInto",
    )?;
    let text = to_rust_string(vm, arg(vm, a, 0))?;
    let dest = arg(vm, a, 1);
    let Some((view, crate::typed_array::ElementType::Uint8)) = vm.typed_array_of(dest) else {
        return Err(vm.type_error(
            "The \"dest\" argument must be an instance of Uint8Array (TextEncoder.prototype.encodeInto)",
        ));
    };
    let (buf, offset, room) = vm.view_parts(view);
    let (mut read, mut written) = (0usize, 0usize);
    for c in text.chars() {
        let mut utf8 = [0u8; 4];
        let bytes = c.encode_utf8(&mut utf8).as_bytes();
        if written + bytes.len() > room {
            break;
        }
        for &b in bytes {
            vm.write_byte(buf, offset + written, b)?;
            written += 1;
        }
        read += c.len_utf16();
    }
    let o = vm.new_object()?;
    let (r, w) = (vm.heap.intern("read"), vm.heap.intern("written"));
    vm.define_own(o, r, Value::Num(read as f64))?;
    vm.define_own(o, w, Value::Num(written as f64))?;
    Ok(Value::Obj(o))
}

/// `new TextDecoder(label = "utf-8", { fatal, ignoreBOM })`.
fn text_decoder(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let o = new_web_object(vm, this, WebKind::TextDecoder, "TextDecoder")?;
    let label = match arg(vm, a, 0) {
        Value::Undefined => "utf-8".to_string(),
        v => to_rust_string(vm, v)?,
    };
    let label = label
        .trim_matches(|c| matches!(c, '\t' | '\n' | '\x0C' | '\r' | ' '))
        .to_ascii_lowercase();
    if !matches!(
        label.as_str(),
        "utf-8"
            | "utf8"
            | "unicode-1-1-utf-8"
            | "unicode11utf8"
            | "unicode20utf8"
            | "x-unicode20utf8"
    ) {
        return Err(Interrupt::error(
            ErrorKind::RangeError,
            format!("The \"{label}\" encoding is not supported (TextDecoder decodes UTF-8 only)"),
        ));
    }
    let options = arg(vm, a, 1);
    let fatal = option(vm, options, "fatal")?;
    let ignore_bom = option(vm, options, "ignoreBOM")?;
    vm.heap.obj_mut(o).elems = vec![
        Value::Bool(fatal),
        Value::Bool(ignore_bom),
        Value::Bool(false),
    ];
    Ok(Value::Obj(o))
}

/// A boolean member of an options dictionary (absent: false).
fn option(vm: &mut Vm, options: Value, name: &str) -> Result<bool, Interrupt> {
    match options {
        Value::Undefined | Value::Null => Ok(false),
        Value::Obj(_) => {
            let key = vm.heap.intern(name);
            let v = vm.get_field(options, key)?;
            Ok(vm.truthy(v))
        }
        _ => Err(vm.type_error("The options argument must be an object")),
    }
}

/// `decode(input, { stream })`.
fn decode(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let o = this_web(
        vm,
        this,
        WebKind::TextDecoder,
        "TextDecoder.prototype.decode",
    )?;
    let input = arg(vm, a, 0);
    let fresh = match input {
        Value::Undefined => Vec::new(),
        v => match vm.buffer_source_bytes(v) {
            Some(b) => b,
            None => {
                return Err(vm.type_error(
                    "The \"input\" argument must be an ArrayBuffer, a typed array or a DataView (TextDecoder.prototype.decode)",
                ));
            }
        },
    };
    let stream = option(vm, arg(vm, a, 1), "stream")?;
    let elems = &vm.heap.obj(o).elems;
    let (fatal, ignore_bom, started) = (
        vm.truthy(elems[FATAL]),
        vm.truthy(elems[IGNORE_BOM]),
        vm.truthy(elems[STARTED]),
    );
    let mut bytes: Vec<u8> = elems[PENDING..]
        .iter()
        .map(|v| match v {
            Value::Num(n) => *n as u8,
            _ => 0,
        })
        .collect();
    bytes.extend_from_slice(&fresh);
    let mut at = 0;
    let mut started = started;
    if !started && !ignore_bom {
        const BOM: &[u8] = b"\xEF\xBB\xBF";
        if bytes.starts_with(BOM) {
            at = BOM.len();
        } else if stream && BOM.starts_with(&bytes) {
            // Too few bytes yet to tell.
            let held: Vec<Value> = bytes.iter().map(|&b| Value::Num(b as f64)).collect();
            keep(vm, o, false, held);
            return Ok(Value::Atom(vm.atoms.empty));
        }
    }
    let mut out = String::new();
    let mut rest = &bytes[at..];
    let mut held = Vec::new();
    while !rest.is_empty() {
        match std::str::from_utf8(rest) {
            Ok(s) => {
                out.push_str(s);
                break;
            }
            Err(e) => {
                let good = e.valid_up_to();
                out.push_str(std::str::from_utf8(&rest[..good]).expect("checked as UTF-8"));
                match e.error_len() {
                    // An unfinished sequence at the end: the next chunk
                    // may finish it.
                    None if stream => {
                        held = rest[good..].iter().map(|&b| Value::Num(b as f64)).collect();
                        break;
                    }
                    _ if fatal => {
                        keep(vm, o, false, Vec::new());
                        return Err(
                            vm.type_error("The encoded data was not valid for encoding utf-8")
                        );
                    }
                    None => {
                        out.push('\u{FFFD}');
                        break;
                    }
                    Some(n) => {
                        out.push('\u{FFFD}');
                        rest = &rest[good + n..];
                    }
                }
            }
        }
    }
    // The BOM is looked for once per stream: past its first bytes.
    started |= bytes.len() > held.len();
    keep(vm, o, stream && started, held);
    Ok(vm.heap.alloc_str(&out)?)
}

/// What a decoder keeps for its next call: whether output began (only
/// while streaming), and the bytes held back.
fn keep(vm: &mut Vm, o: ObjId, started: bool, held: Vec<Value>) {
    let elems = &mut vm.heap.obj_mut(o).elems;
    elems.truncate(PENDING);
    elems[STARTED] = Value::Bool(started);
    elems.extend(held);
}
