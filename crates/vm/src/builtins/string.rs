//! `String` and `String.prototype`. Indices count UTF-16 code units, as in
//! JavaScript, over UTF-8 storage (ASCII strings take a byte-indexed path).

use super::{arg, constructor, method, relative_index};
use crate::error::{ErrorKind, Interrupt};
use crate::property::utf16_len;
use crate::state::{Args, Vm};
use crate::value::Value;

pub fn install(vm: &mut Vm) {
    let sp = vm.realm.string_proto;
    let string = constructor(
        vm,
        "String",
        1,
        |vm, this, a| {
            let constructing = vm.constructing;
            let s = match arg(vm, a, 0) {
                _ if a.len == 0 => Value::Atom(vm.atoms.empty),
                Value::Symbol(s) if !constructing => {
                    let text = crate::inspect::symbol_text(vm, s);
                    vm.heap.alloc_str(&text)?
                }
                v => vm.to_string_value(v)?,
            };
            if constructing {
                return vm.make_wrapper(this, s);
            }
            Ok(s)
        },
        sp,
    );
    method(vm, string, "raw", 1, string_raw);
    // What a tagged template passes its tag (parser.rs `tagged_template`):
    // the strings, frozen, with their raw text frozen beside.
    let template = super::native(vm, "%template", 3, |vm, _, a| {
        let (cooked, raw) = (arg(vm, a, 0), arg(vm, a, 1));
        // The site: the calling function and the template's offset in it.
        let site = match (vm.frames.last(), arg(vm, a, 2)) {
            (Some(f), Value::Num(at)) => {
                let func = match vm.heap.obj(f.closure).class {
                    crate::heap::Class::Closure(fi) => Some(fi),
                    _ => None,
                };
                func.map(|fi| (fi, at as u32))
            }
            _ => None,
        };
        if let Some((fi, at)) = site {
            if let Some(&(_, _, made)) = vm.templates.iter().find(|t| (t.0, t.1) == (fi, at)) {
                return Ok(made);
            }
        }
        // The parser passes two arrays; a script reaching the hidden
        // global gets a TypeError for anything else.
        let is_array = |vm: &Vm, v: Value| matches!(v, Value::Obj(o) if vm.heap.obj(o).class == crate::heap::Class::Array);
        let (Value::Obj(c), Value::Obj(r)) = (cooked, raw) else {
            return Err(vm.type_error("%template takes two arrays"));
        };
        if !is_array(vm, cooked) || !is_array(vm, raw) {
            return Err(vm.type_error("%template takes two arrays"));
        }
        vm.set_integrity(r, true);
        let key = vm.heap.intern("raw");
        vm.define_with(
            c,
            key,
            raw,
            crate::attrs::HIDDEN | crate::attrs::READONLY | crate::attrs::FIXED,
        )?;
        vm.set_integrity(c, true);
        if let Some((fi, at)) = site {
            vm.templates.push((fi, at, cooked));
        }
        Ok(cooked)
    });
    let g = vm.realm.global;
    super::set(vm, g, "%template", Value::Obj(template));
    method(vm, string, "fromCodePoint", 1, |vm, _, a| {
        let mut s = String::with_capacity(a.len);
        for i in 0..a.len {
            let n = vm.to_number(arg(vm, a, i))?;
            match char::from_u32(n as u32) {
                Some(c) if n.fract() == 0.0 && (0.0..=1_114_111.0).contains(&n) => s.push(c),
                // A lone surrogate has no UTF-8 form (docs/LANGUAGE.md: strings).
                _ if n.fract() == 0.0 && (0.0..=1_114_111.0).contains(&n) => s.push('\u{FFFD}'),
                _ => {
                    let shown = crate::number::to_js_string(n);
                    return Err(Interrupt::error(
                        crate::error::ErrorKind::RangeError,
                        format!("Invalid code point {shown}"),
                    ));
                }
            }
        }
        Ok(vm.heap.alloc_str(&s)?)
    });
    method(vm, string, "fromCharCode", 1, |vm, _, a| {
        let mut units = Vec::with_capacity(a.len);
        for i in 0..a.len {
            units.push(crate::number::to_uint32(vm.to_number(arg(vm, a, i))?) as u16);
        }
        Ok(vm.heap.alloc_str(&String::from_utf16_lossy(&units))?)
    });
    method(vm, sp, "toString", 0, |vm, this, _| this_str(vm, this));
    method(vm, sp, "valueOf", 0, |vm, this, _| this_str(vm, this));
    method(vm, sp, "charAt", 1, |vm, this, a| {
        let s = this_str(vm, this)?;
        let i = vm.to_number(arg(vm, a, 0))?;
        let i = if i.is_nan() { 0.0 } else { i.trunc() };
        if i < 0.0 {
            return Ok(Value::Atom(vm.atoms.empty));
        }
        let r = vm.string_at(s, i as usize)?;
        Ok(if matches!(r, Value::Undefined) {
            Value::Atom(vm.atoms.empty)
        } else {
            r
        })
    });
    method(vm, sp, "charCodeAt", 1, |vm, this, a| {
        let s = this_str(vm, this)?;
        let i = vm.to_number(arg(vm, a, 0))?;
        let i = if i.is_nan() { 0.0 } else { i.trunc() };
        let text = vm.heap.str(s).unwrap();
        let unit = if i < 0.0 {
            None
        } else {
            text.encode_utf16().nth(i as usize)
        };
        Ok(Value::Num(unit.map_or(f64::NAN, |u| u as f64)))
    });
    method(vm, sp, "at", 1, |vm, this, a| {
        let s = this_str(vm, this)?;
        let len = utf16_len(vm.heap.str(s).unwrap()) as f64;
        let n = vm.to_number(arg(vm, a, 0))?;
        let n = if n.is_nan() { 0.0 } else { n.trunc() };
        let i = if n < 0.0 { len + n } else { n };
        if i < 0.0 || i >= len {
            return Ok(Value::Undefined);
        }
        vm.string_at(s, i as usize)
    });
    method(vm, sp, "indexOf", 1, |vm, this, a| {
        index_of(vm, this, a, false)
    });
    method(vm, sp, "lastIndexOf", 1, |vm, this, a| {
        index_of(vm, this, a, true)
    });
    method(vm, sp, "includes", 1, |vm, this, a| {
        let (s, p) = (this_string(vm, this)?, arg_string(vm, a, 0)?);
        let from = position(vm, arg(vm, a, 1), &s, 0)?;
        Ok(Value::Bool(s[from..].contains(&p)))
    });
    method(vm, sp, "startsWith", 1, |vm, this, a| {
        let (s, p) = (this_string(vm, this)?, arg_string(vm, a, 0)?);
        let from = position(vm, arg(vm, a, 1), &s, 0)?;
        Ok(Value::Bool(s[from..].starts_with(&p)))
    });
    method(vm, sp, "endsWith", 1, |vm, this, a| {
        let (s, p) = (this_string(vm, this)?, arg_string(vm, a, 0)?);
        let end = position(vm, arg(vm, a, 1), &s, s.len())?;
        Ok(Value::Bool(s[..end].ends_with(&p)))
    });
    method(vm, sp, "slice", 2, |vm, this, a| {
        let s = this_string(vm, this)?;
        let len = utf16_len(&s);
        let start = relative_index(vm, arg(vm, a, 0), len, 0)?;
        let end = relative_index(vm, arg(vm, a, 1), len, len)?;
        substring(vm, &s, start, end.max(start))
    });
    method(vm, sp, "substring", 2, |vm, this, a| {
        let s = this_string(vm, this)?;
        let len = utf16_len(&s);
        let clamp = |vm: &mut Vm, v: Value, d: usize| -> Result<usize, Interrupt> {
            if matches!(v, Value::Undefined) {
                return Ok(d);
            }
            let n = vm.to_number(v)?;
            Ok(if n.is_nan() {
                0
            } else {
                n.clamp(0.0, len as f64) as usize
            })
        };
        let start = clamp(vm, arg(vm, a, 0), 0)?;
        let end = clamp(vm, arg(vm, a, 1), len)?;
        substring(vm, &s, start.min(end), start.max(end))
    });
    // The locale forms use the root locale: the same mappings.
    for (name, upper) in [
        ("toUpperCase", true),
        ("toLowerCase", false),
        ("toLocaleUpperCase", true),
        ("toLocaleLowerCase", false),
    ] {
        let f: crate::state::NativeFn = if upper {
            |vm, this, _| {
                let s = this_string(vm, this)?.to_uppercase();
                Ok(vm.heap.alloc_str(&s)?)
            }
        } else {
            |vm, this, _| {
                let s = this_string(vm, this)?.to_lowercase();
                Ok(vm.heap.alloc_str(&s)?)
            }
        };
        method(vm, sp, name, 0, f);
    }
    method(vm, sp, "trim", 0, |vm, this, _| {
        let s = this_string(vm, this)?;
        Ok(vm.heap.alloc_str(s.trim())?)
    });
    method(vm, sp, "trimStart", 0, |vm, this, _| {
        let s = this_string(vm, this)?;
        Ok(vm.heap.alloc_str(s.trim_start())?)
    });
    method(vm, sp, "trimEnd", 0, |vm, this, _| {
        let s = this_string(vm, this)?;
        Ok(vm.heap.alloc_str(s.trim_end())?)
    });
    method(vm, sp, "repeat", 1, |vm, this, a| {
        let s = this_string(vm, this)?;
        let n = vm.to_number(arg(vm, a, 0))?;
        if n < 0.0 || n.is_infinite() {
            return Err(Interrupt::error(
                ErrorKind::RangeError,
                format!("invalid count value: {}", crate::number::to_js_string(n)),
            ));
        }
        let n = if n.is_nan() { 0 } else { n as usize };
        if s.len().saturating_mul(n) > vm.heap.limit.saturating_sub(vm.heap.used) {
            return Err(crate::heap::OutOfMemory.into());
        }
        Ok(vm.heap.alloc_str(&s.repeat(n))?)
    });
    method(vm, sp, "padStart", 2, |vm, this, a| pad(vm, this, a, true));
    method(vm, sp, "padEnd", 2, |vm, this, a| pad(vm, this, a, false));
    method(vm, sp, "codePointAt", 1, |vm, this, a| {
        let s = this_string(vm, this)?;
        let i = vm.to_number(arg(vm, a, 0))?;
        let i = if i.is_nan() { 0.0 } else { i.trunc() };
        if i < 0.0 {
            return Ok(Value::Undefined);
        }
        let units: Vec<u16> = s.encode_utf16().collect();
        let i = i as usize;
        Ok(match units.get(i) {
            None => Value::Undefined,
            Some(&hi) if (0xD800..0xDC00).contains(&hi) => match units.get(i + 1) {
                Some(&lo) if (0xDC00..0xE000).contains(&lo) => Value::Num(
                    (0x10000 + ((hi as u32 - 0xD800) << 10) + (lo as u32 - 0xDC00)) as f64,
                ),
                _ => Value::Num(hi as f64),
            },
            Some(&u) => Value::Num(u as f64),
        })
    });
    method(vm, sp, "localeCompare", 1, |vm, this, a| {
        let (s, t) = (this_string(vm, this)?, arg_string(vm, a, 0)?);
        Ok(Value::Num(match root_collator().compare(&s, &t) {
            std::cmp::Ordering::Less => -1.0,
            std::cmp::Ordering::Equal => 0.0,
            std::cmp::Ordering::Greater => 1.0,
        }))
    });
    // Strings are UTF-8 here, where a lone surrogate cannot be stored
    // (docs/LANGUAGE.md): every string is well formed.
    method(vm, sp, "isWellFormed", 0, |vm, this, _| {
        this_string(vm, this)?;
        Ok(Value::Bool(true))
    });
    method(vm, sp, "toWellFormed", 0, |vm, this, _| {
        let s = this_string(vm, this)?;
        Ok(vm.heap.alloc_str(&s)?)
    });
    method(vm, sp, "normalize", 0, |vm, this, a| {
        use unicode_normalization::UnicodeNormalization;
        let s = this_string(vm, this)?;
        let form = match arg(vm, a, 0) {
            Value::Undefined => "NFC".to_string(),
            _ => arg_string(vm, a, 0)?,
        };
        let out: String = match form.as_str() {
            "NFC" => s.nfc().collect(),
            "NFD" => s.nfd().collect(),
            "NFKC" => s.nfkc().collect(),
            "NFKD" => s.nfkd().collect(),
            _ => {
                return Err(Interrupt::error(
                    ErrorKind::RangeError,
                    "The normalization form should be one of NFC, NFD, NFKC, NFKD.",
                ));
            }
        };
        Ok(vm.heap.alloc_str(&out)?)
    });
    method(vm, sp, "substr", 2, |vm, this, a| {
        let s = this_string(vm, this)?;
        let len = utf16_len(&s);
        let start = relative_index(vm, arg(vm, a, 0), len, 0)?;
        let count = match arg(vm, a, 1) {
            Value::Undefined => len - start,
            v => {
                let n = vm.to_number(v)?;
                if n.is_nan() {
                    0
                } else {
                    n.clamp(0.0, (len - start) as f64) as usize
                }
            }
        };
        substring(vm, &s, start, start + count)
    });
    method(vm, sp, "concat", 1, |vm, this, a| {
        let mut s = this_string(vm, this)?;
        for i in 0..a.len {
            vm.write_string(arg(vm, a, i), &mut s)?;
        }
        Ok(vm.heap.alloc_str(&s)?)
    });
}

/// thisStringValue: a string or its wrapper's.
/// The root collation (CLDR's, which `localeCompare` uses for every
/// locale here), made on first use.
fn root_collator() -> &'static icu_collator::CollatorBorrowed<'static> {
    static ROOT: std::sync::OnceLock<icu_collator::CollatorBorrowed<'static>> =
        std::sync::OnceLock::new();
    ROOT.get_or_init(|| {
        icu_collator::Collator::try_new(Default::default(), Default::default())
            .expect("the root collation is compiled in")
    })
}

fn this_str(vm: &Vm, this: Value) -> Result<Value, Interrupt> {
    let this = vm.unwrap_primitive(this);
    if this.is_string() {
        Ok(this)
    } else {
        Err(vm.type_error("String.prototype method called on a non-string"))
    }
}

fn this_string(vm: &mut Vm, this: Value) -> Result<String, Interrupt> {
    if this.is_nullish() {
        return Err(vm.type_error("String.prototype method called on null or undefined"));
    }
    let mut s = String::new();
    vm.write_string(this, &mut s)?;
    Ok(s)
}

fn arg_string(vm: &mut Vm, a: Args, i: usize) -> Result<String, Interrupt> {
    let mut s = String::new();
    vm.write_string(arg(vm, a, i), &mut s)?;
    Ok(s)
}

/// Byte offset of UTF-16 index `i` (clamped to the end).
fn byte_offset(s: &str, i: usize) -> usize {
    if s.is_ascii() {
        return i.min(s.len());
    }
    let mut units = 0;
    for (b, c) in s.char_indices() {
        if units >= i {
            return b;
        }
        units += c.len_utf16();
    }
    s.len()
}

/// UTF-16 index of byte offset `b`.
fn unit_index(s: &str, b: usize) -> usize {
    if s.is_ascii() { b } else { utf16_len(&s[..b]) }
}

fn substring(vm: &mut Vm, s: &str, start: usize, end: usize) -> Result<Value, Interrupt> {
    let (b0, b1) = (byte_offset(s, start), byte_offset(s, end));
    Ok(vm.heap.alloc_str(&s[b0..b1])?)
}

/// A position argument (`includes`, `startsWith`, `endsWith`, `indexOf`):
/// a UTF-16 index clamped into the string, as the byte offset it names;
/// `default` (a byte offset) when undefined.
fn position(vm: &mut Vm, v: Value, s: &str, default: usize) -> Result<usize, Interrupt> {
    if matches!(v, Value::Undefined) {
        return Ok(default);
    }
    let n = vm.to_number(v)?;
    Ok(byte_offset(
        s,
        if n.is_nan() || n < 0.0 { 0 } else { n as usize },
    ))
}

fn index_of(vm: &mut Vm, this: Value, a: Args, last: bool) -> Result<Value, Interrupt> {
    let s = this_string(vm, this)?;
    let p = arg_string(vm, a, 0)?;
    let found = if last {
        // The last match starting at or before the position (NaN: the end).
        let n = vm.to_number(arg(vm, a, 1))?;
        let limit = if n.is_nan() {
            s.len()
        } else {
            byte_offset(&s, if n < 0.0 { 0 } else { n as usize })
        };
        s.match_indices(p.as_str())
            .map(|(b, _)| b)
            .take_while(|&b| b <= limit)
            .last()
            .or_else(|| (p.is_empty()).then_some(limit))
    } else {
        let from = position(vm, arg(vm, a, 1), &s, 0)?;
        s[from..].find(&p).map(|i| i + from)
    };
    Ok(Value::Num(found.map_or(-1.0, |b| unit_index(&s, b) as f64)))
}

fn pad(vm: &mut Vm, this: Value, a: Args, start: bool) -> Result<Value, Interrupt> {
    let s = this_string(vm, this)?;
    let target = vm.to_number(arg(vm, a, 0))?;
    let filler = match arg(vm, a, 1) {
        Value::Undefined => " ".to_string(),
        _ => arg_string(vm, a, 1)?,
    };
    let len = utf16_len(&s);
    if target.is_nan() || target as usize <= len || filler.is_empty() {
        return Ok(vm.heap.alloc_str(&s)?);
    }
    let need = target as usize - len;
    if need > vm.heap.limit.saturating_sub(vm.heap.used) {
        return Err(crate::heap::OutOfMemory.into());
    }
    let fill: String = filler.chars().cycle().take(need).collect();
    let out = if start { fill + &s } else { s + &fill };
    Ok(vm.heap.alloc_str(&out)?)
}

/// `String.raw(strings, ...subs)`: the raw strings with the substitutions
/// between them.
fn string_raw(vm: &mut Vm, _: Value, a: Args) -> Result<Value, Interrupt> {
    let site = arg(vm, a, 0);
    if site.is_nullish() {
        return Err(vm.type_error("String.raw needs an object with a raw property"));
    }
    let key = vm.heap.intern("raw");
    let raw = vm.get_field(site, key)?;
    if raw.is_nullish() {
        return Err(vm.type_error("String.raw needs an object with a raw property"));
    }
    let len = vm.get_field(raw, vm.atoms.length)?;
    let len = vm.to_number(len)?;
    let len = if len.is_nan() || len <= 0.0 {
        0
    } else {
        len.min(u32::MAX as f64) as u32
    };
    let mut out = String::new();
    for i in 0..len {
        let part = vm.get_index(raw, Value::Num(i as f64))?;
        let part = vm.to_string_value(part)?;
        out.push_str(vm.heap.str(part).unwrap_or(""));
        if i + 1 < len && (i as usize + 1) < a.len {
            let sub = vm.to_string_value(arg(vm, a, i as usize + 1))?;
            out.push_str(vm.heap.str(sub).unwrap_or(""));
        }
    }
    Ok(vm.heap.alloc_str(&out)?)
}
