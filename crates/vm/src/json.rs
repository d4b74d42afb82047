//! JSON: a serializer that writes UTF-8 straight into a byte buffer (the
//! gateway writes response bodies with it) and a parser that builds values
//! in the run's heap, with `SyntaxError`s that name the line and column.

use super::error::{ErrorKind, Interrupt};
use super::heap::{Class, Heap, SLOT_COST};
use super::state::Vm;
use super::value::{Atom, ObjId, Value};
use semantics::number::with_number;
pub use semantics::quote::write_quoted;
use semantics::quote::{append, append_quoted, find_escape};

/// Deepest nesting either direction handles; beyond it, a clean error
/// instead of a host stack overflow.
const DEPTH_MAX: usize = 2_000;

/// How `JSON.stringify` was asked to format.
pub struct Format<'a> {
    /// The indentation unit (`space` argument); empty for compact output.
    pub gap: &'a str,
    /// A replacer function, called as `replacer.call(holder, key, value)`.
    pub replacer: Option<Value>,
    /// An allow-list of keys (array replacer).
    pub keys: Option<Vec<Atom>>,
}

impl Format<'_> {
    pub const COMPACT: Format<'static> = Format {
        gap: "",
        replacer: None,
        keys: None,
    };
}

/// The one-pass writer for the common case — no replacer, no key list, no
/// indentation — over plain objects and arrays: one walk over each object's
/// properties, no `toJSON` lookups, no cycle path. Anything else (a
/// `toJSON`, another prototype, nesting past `PLAIN_DEPTH`, which is also
/// where a cycle would show) makes it give up, and the general writer starts
/// over. Responses and `JSON.stringify` of API data take this path
/// (docs/ARCHITECTURE.md, *Measured choices*).
struct PlainWriter<'a> {
    heap: &'a Heap,
    /// `Vm::json_plain_keys`: per atom, 0 unknown or a `KEY_*` kind.
    plain_keys: &'a mut Vec<u8>,
    object_proto: ObjId,
    array_proto: ObjId,
    to_json: Atom,
    out: &'a mut Vec<u8>,
}

/// The one-pass writer met something it leaves to the general writer.
struct NotPlain;

/// Nesting the one-pass writer handles; deeper values (and cycles) go to the
/// general writer, which tracks the path.
const PLAIN_DEPTH: usize = 64;

impl PlainWriter<'_> {
    /// Writes `v`; `Ok(false)` (nothing written) for undefined and
    /// functions. Primitives are written in place, objects through a call.
    #[inline(always)]
    fn value(&mut self, v: Value, depth: usize) -> Result<bool, NotPlain> {
        match v {
            Value::Obj(o) => self.object(o, depth),
            _ => Ok(write_primitive(self.heap, v, self.out)),
        }
    }

    fn object(&mut self, o: ObjId, depth: usize) -> Result<bool, NotPlain> {
        let obj = self.heap.obj(o);
        match obj.class {
            Class::Closure(_) | Class::Native(_) => return Ok(false),
            _ if depth >= PLAIN_DEPTH => return Err(NotPlain),
            Class::Array if obj.proto == Some(self.array_proto) => {
                self.out.push(b'[');
                for (i, &e) in obj.elems.iter().enumerate() {
                    if i > 0 {
                        self.out.push(b',');
                    }
                    if !self.value(e, depth + 1)? {
                        self.out.extend_from_slice(b"null");
                    }
                }
                self.out.push(b']');
            }
            Class::Array => return Err(NotPlain),
            _ if obj.proto == Some(self.object_proto) && !obj.special => {
                self.out.push(b'{');
                let mut first = true;
                for (i, &(k, e)) in obj.props.iter().enumerate() {
                    if !obj.enumerable(i) {
                        continue;
                    }
                    let kind = key_kind(self.heap, self.plain_keys, k);
                    if k == self.to_json || kind == KEY_ELSEWHERE {
                        return Err(NotPlain);
                    }
                    let mark = self.out.len();
                    if !first {
                        self.out.push(b',');
                    }
                    write_key_of_kind(self.heap, kind, k, self.out);
                    if self.value(e, depth + 1)? {
                        first = false;
                    } else {
                        self.out.truncate(mark);
                    }
                }
                self.out.push(b'}');
            }
            _ => return Err(NotPlain),
        }
        Ok(true)
    }
}

/// Writes a value that is not an object; false (nothing written) for
/// undefined.
#[inline(always)]
fn write_primitive(heap: &Heap, v: Value, out: &mut Vec<u8>) -> bool {
    match v {
        Value::Num(n) if n.is_finite() => with_number(n, |s| append(out, s.as_bytes())),
        Value::Atom(_) | Value::Str(_) => write_quoted(heap.str(v).unwrap(), out),
        Value::Bool(b) => out.extend_from_slice(if b { b"true" } else { b"false" }),
        Value::Null | Value::Num(_) => out.extend_from_slice(b"null"),
        Value::Undefined | Value::Obj(_) | Value::Cell(_) | Value::Symbol(_) => return false,
    }
    true
}

/// `"key":`. Whether a key needs escaping is remembered per atom, so the
/// keys of every object after the first are copied without a scan.
#[inline(always)]
fn write_key(heap: &Heap, plain_keys: &mut Vec<u8>, k: Atom, out: &mut Vec<u8>) {
    let kind = key_kind(heap, plain_keys, k);
    write_key_of_kind(heap, kind, k, out);
}

/// A key that needs no escaping.
const KEY_PLAIN: u8 = 1;
/// A key that needs escaping.
const KEY_ESCAPED: u8 = 2;
/// A key the plain writer leaves to the general path: a symbol (never
/// written) or an integer-like key (which goes first in the
/// specification's order, so the general path sorts the keys).
const KEY_ELSEWHERE: u8 = 3;

/// What `k` is as a key, remembered per atom in `plain_keys`.
#[inline(always)]
fn key_kind(heap: &Heap, plain_keys: &mut Vec<u8>, k: Atom) -> u8 {
    let i = k as usize;
    if i >= plain_keys.len() {
        plain_keys.resize(i + 1, 0);
    }
    if plain_keys[i] == 0 {
        let key = heap.atom_str(k);
        plain_keys[i] = if heap.is_symbol(k) || key.starts_with(|c: char| c.is_ascii_digit()) {
            KEY_ELSEWHERE
        } else if find_escape(key.as_bytes()).is_none() {
            KEY_PLAIN
        } else {
            KEY_ESCAPED
        };
    }
    plain_keys[i]
}

#[inline(always)]
fn write_key_of_kind(heap: &Heap, kind: u8, k: Atom, out: &mut Vec<u8>) {
    let key = heap.atom_str(k);
    if kind == KEY_PLAIN {
        append_quoted(out, key.as_bytes(), b"\":", 2);
    } else {
        write_quoted(key, out);
        out.push(b':');
    }
}

struct Writer<'f, 'o> {
    format: &'f Format<'f>,
    out: &'o mut Vec<u8>,
    /// Objects being written, innermost last: a repeat is a cycle.
    path: Vec<ObjId>,
}

impl Vm {
    /// Serializes `v` as `JSON.stringify` would; returns false (writing
    /// nothing) for values JSON cannot represent (undefined, functions).
    pub fn write_json(
        &mut self,
        v: Value,
        format: &Format,
        out: &mut Vec<u8>,
    ) -> Result<bool, Interrupt> {
        if format.replacer.is_none() && format.keys.is_none() && format.gap.is_empty() {
            let mark = out.len();
            let mut plain = PlainWriter {
                heap: &self.heap,
                plain_keys: &mut self.json_plain_keys,
                object_proto: self.realm.object_proto,
                array_proto: self.realm.array_proto,
                to_json: self.atoms.to_json,
                out,
            };
            match plain.value(v, 0) {
                Ok(wrote) => return Ok(wrote),
                Err(NotPlain) => out.truncate(mark),
            }
        }
        let mut path = std::mem::take(&mut self.json_path);
        path.clear();
        let mut w = Writer { format, out, path };
        let holder = if format.replacer.is_some() {
            let h = self.new_object()?;
            self.define_own(h, self.atoms.empty, v)?;
            Value::Obj(h)
        } else {
            Value::Undefined
        };
        let r = self.json_value(&mut w, holder, Value::Atom(self.atoms.empty), v);
        self.json_path = w.path;
        r
    }

    /// Writes a primitive without the `toJSON`/replacer machinery; `None`
    /// for objects (and whenever a replacer must see every value).
    #[inline]
    fn json_primitive(&self, w: &mut Writer, v: Value) -> Option<bool> {
        if w.format.replacer.is_some() || matches!(v, Value::Obj(_) | Value::Cell(_)) {
            return None;
        }
        Some(write_primitive(&self.heap, v, w.out))
    }

    /// `toJSON` and the replacer, then the value itself.
    fn json_value(
        &mut self,
        w: &mut Writer,
        holder: Value,
        key: Value,
        mut v: Value,
    ) -> Result<bool, Interrupt> {
        if let Value::Obj(o) = v {
            let obj = self.heap.obj(o);
            // Plain objects and arrays whose prototype is the built-in one have
            // no toJSON unless they carry it themselves (built-ins are read-only).
            let plain = (obj.proto == Some(self.realm.object_proto)
                || obj.proto == Some(self.realm.array_proto))
                && !obj.props.iter().any(|(k, _)| *k == self.atoms.to_json);
            if !plain && !matches!(obj.class, Class::Closure(_) | Class::Native(_)) {
                let to_json = self.get_field(v, self.atoms.to_json)?;
                if let Value::Obj(f) = to_json {
                    if matches!(self.heap.obj(f).class, Class::Closure(_) | Class::Native(_)) {
                        v = self.call_function(to_json, v, &[key])?;
                    }
                }
            }
        }
        if let Some(r) = w.format.replacer {
            v = self.call_function(r, holder, &[key, v])?;
        }
        // A wrapper is written as its primitive, converted as the
        // specification says (a script may have changed `valueOf`).
        if let Value::Obj(o) = v {
            if self.heap.obj(o).class == Class::Primitive {
                v = match self.heap.obj(o).elems[0] {
                    Value::Num(_) => Value::Num(self.to_number(v)?),
                    Value::Bool(b) => Value::Bool(b),
                    Value::Symbol(_) => Value::Obj(o),
                    _ => self.to_string_value(v)?,
                };
            }
        }
        match v {
            Value::Obj(o) => match self.heap.obj(o).class {
                Class::Closure(_) | Class::Native(_) => return Ok(false),
                _ => {
                    if w.path.contains(&o) {
                        return Err(self.type_error("Converting circular structure to JSON"));
                    }
                    if w.path.len() >= DEPTH_MAX {
                        return Err(Interrupt::error(
                            ErrorKind::RangeError,
                            "JSON.stringify: value nested too deeply",
                        ));
                    }
                    w.path.push(o);
                    let is_array = self.is_array(Value::Obj(o));
                    let write = |vm: &mut Vm, w: &mut Writer| {
                        if is_array {
                            vm.json_array(w, o)
                        } else {
                            vm.json_object(w, o)
                        }
                    };
                    // Checking the stack is a thread-local read: do it every 16 levels.
                    let r = if w.path.len() % 16 == 0 {
                        semantics::stack::grow(|| write(self, w))
                    } else {
                        write(self, w)
                    };
                    w.path.pop();
                    r?;
                }
            },
            _ => return Ok(write_primitive(&self.heap, v, w.out)),
        }
        Ok(true)
    }

    fn newline(&self, w: &mut Writer) {
        if !w.format.gap.is_empty() {
            w.out.push(b'\n');
            for _ in 0..w.path.len() {
                w.out.extend_from_slice(w.format.gap.as_bytes());
            }
        }
    }

    fn json_array(&mut self, w: &mut Writer, a: ObjId) -> Result<(), Interrupt> {
        let dense = self.heap.obj(a).class == Class::Array;
        let n = if dense {
            self.heap.obj(a).elems.len()
        } else {
            self.sparse_len(a)
        };
        w.out.push(b'[');
        for i in 0..n {
            if i > 0 {
                w.out.push(b',');
            }
            self.newline(w);
            let e = match self.heap.obj(a).elems.get(i) {
                Some(&e) if dense => e,
                _ if dense => Value::Undefined,
                _ => self.get_index(Value::Obj(a), Value::Num(i as f64))?,
            };
            let wrote = match self.json_primitive(w, e) {
                Some(wrote) => wrote,
                None => {
                    let key = if w.format.replacer.is_some() {
                        Value::Atom(self.index_atom(i))
                    } else {
                        Value::Undefined
                    };
                    self.json_value(w, Value::Obj(a), key, e)?
                }
            };
            if !wrote {
                w.out.extend_from_slice(b"null");
            }
        }
        if n > 0 {
            w.path.pop();
            self.newline(w);
            w.path.push(a);
        }
        w.out.push(b']');
        Ok(())
    }

    fn json_object(&mut self, w: &mut Writer, o: ObjId) -> Result<(), Interrupt> {
        w.out.push(b'{');
        let mut first = true;
        for k in self.own_keys(o, false) {
            let Value::Atom(k) = k else { unreachable!() };
            let v = self.get_field(Value::Obj(o), k)?;
            if let Some(keys) = &w.format.keys {
                if !keys.contains(&k) {
                    continue;
                }
            }
            let mark = w.out.len();
            if !first {
                w.out.push(b',');
            }
            self.newline(w);
            write_key(&self.heap, &mut self.json_plain_keys, k, w.out);
            if !w.format.gap.is_empty() {
                w.out.push(b' ');
            }
            let wrote = match self.json_primitive(w, v) {
                Some(wrote) => wrote,
                None => self.json_value(w, Value::Obj(o), Value::Atom(k), v)?,
            };
            if wrote {
                first = false;
            } else {
                w.out.truncate(mark);
            }
        }
        if !first {
            w.path.pop();
            self.newline(w);
            w.path.push(o);
        }
        w.out.push(b'}');
        Ok(())
    }

    /// `JSON.parse(text)`.
    pub fn parse_json(&mut self, text: &str) -> Result<Value, Interrupt> {
        let mut p = JsonParser {
            text,
            pos: 0,
            depth: 0,
        };
        p.skip_ws();
        let v = p.value(self)?;
        p.skip_ws();
        if p.pos < text.len() {
            return Err(p.unexpected());
        }
        Ok(v)
    }
}

struct JsonParser<'t> {
    text: &'t str,
    pos: usize,
    depth: usize,
}

impl<'t> JsonParser<'t> {
    fn bytes(&self) -> &'t [u8] {
        self.text.as_bytes()
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes().get(self.pos) {
            self.pos += 1;
        }
    }

    fn where_(&self) -> String {
        let before = &self.text[..self.pos.min(self.text.len())];
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
        format!("line {line} column {col}")
    }

    fn unexpected(&self) -> Interrupt {
        match self.text[self.pos.min(self.text.len())..].chars().next() {
            None => Interrupt::error(
                ErrorKind::SyntaxError,
                format!("Unexpected end of JSON input at {}", self.where_()),
            ),
            Some(c) => Interrupt::error(
                ErrorKind::SyntaxError,
                format!(
                    "Unexpected token '{}' in JSON at {}",
                    c.escape_debug(),
                    self.where_()
                ),
            ),
        }
    }

    fn expect(&mut self, b: u8) -> Result<(), Interrupt> {
        if self.bytes().get(self.pos) == Some(&b) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.unexpected())
        }
    }

    fn value(&mut self, vm: &mut Vm) -> Result<Value, Interrupt> {
        match self.bytes().get(self.pos) {
            Some(b'{') => self.nested(vm, true),
            Some(b'[') => self.nested(vm, false),
            Some(b'"') => {
                let s = self.string()?;
                Ok(vm.heap.alloc_str(&s)?)
            }
            Some(b't') => self.word("true", Value::Bool(true)),
            Some(b'f') => self.word("false", Value::Bool(false)),
            Some(b'n') => self.word("null", Value::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => Err(self.unexpected()),
        }
    }

    fn word(&mut self, w: &str, v: Value) -> Result<Value, Interrupt> {
        if self.text[self.pos..].starts_with(w) {
            self.pos += w.len();
            Ok(v)
        } else {
            // Point at the first character that differs.
            let same = self.text[self.pos..]
                .bytes()
                .zip(w.bytes())
                .take_while(|(a, b)| a == b)
                .count();
            self.pos += same;
            Err(self.unexpected())
        }
    }

    /// The end of the run of one or more digits at `i`.
    fn digits(&mut self, mut i: usize) -> Result<usize, Interrupt> {
        let b = self.bytes();
        if !matches!(b.get(i), Some(b'0'..=b'9')) {
            self.pos = i;
            return Err(self.unexpected());
        }
        while matches!(b.get(i), Some(b'0'..=b'9')) {
            i += 1;
        }
        Ok(i)
    }

    fn number(&mut self) -> Result<Value, Interrupt> {
        let start = self.pos;
        let b = self.bytes();
        let mut i = self.pos;
        if b.get(i) == Some(&b'-') {
            i += 1;
        }
        match b.get(i) {
            Some(b'0') => i += 1,
            Some(b'1'..=b'9') => {
                while matches!(b.get(i), Some(b'0'..=b'9')) {
                    i += 1;
                }
            }
            _ => {
                self.pos = i;
                return Err(self.unexpected());
            }
        }
        if b.get(i) == Some(&b'.') {
            i = self.digits(i + 1)?;
        }
        if matches!(b.get(i), Some(b'e' | b'E')) {
            i += 1;
            if matches!(b.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            i = self.digits(i)?;
        }
        self.pos = i;
        Ok(Value::Num(self.text[start..i].parse().unwrap_or(f64::NAN)))
    }

    fn string(&mut self) -> Result<String, Interrupt> {
        self.expect(b'"')?;
        let mut out = String::new();
        let mut units: Vec<u16> = Vec::new();
        loop {
            let start = self.pos;
            while let Some(&b) = self.bytes().get(self.pos) {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            if self.pos > start {
                if !units.is_empty() {
                    out.push_str(&String::from_utf16_lossy(&units));
                    units.clear();
                }
                out.push_str(&self.text[start..self.pos]);
            }
            match self.bytes().get(self.pos) {
                Some(b'"') => {
                    self.pos += 1;
                    if !units.is_empty() {
                        out.push_str(&String::from_utf16_lossy(&units));
                    }
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.pos += 1;
                    let c = match self.bytes().get(self.pos) {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            let hex = self
                                .text
                                .get(self.pos + 1..self.pos + 5)
                                .filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()));
                            let Some(hex) = hex else {
                                self.pos += 1;
                                return Err(self.unexpected());
                            };
                            units.push(u16::from_str_radix(hex, 16).unwrap());
                            self.pos += 5;
                            continue;
                        }
                        _ => return Err(self.unexpected()),
                    };
                    if !units.is_empty() {
                        out.push_str(&String::from_utf16_lossy(&units));
                        units.clear();
                    }
                    out.push(c);
                    self.pos += 1;
                }
                _ => return Err(self.unexpected()),
            }
        }
    }

    fn nested(&mut self, vm: &mut Vm, object: bool) -> Result<Value, Interrupt> {
        self.depth += 1;
        if self.depth > DEPTH_MAX {
            return Err(Interrupt::error(
                ErrorKind::SyntaxError,
                format!("JSON nested too deeply at {}", self.where_()),
            ));
        }
        let r = semantics::stack::grow(|| {
            if object {
                self.object(vm)
            } else {
                self.array(vm)
            }
        });
        self.depth -= 1;
        r
    }

    /// After an item: `,` (more follow, false) or `close` (the end, true).
    fn list_ends(&mut self, close: u8) -> Result<bool, Interrupt> {
        self.skip_ws();
        match self.bytes().get(self.pos) {
            Some(b',') => {
                self.pos += 1;
                Ok(false)
            }
            Some(&b) if b == close => {
                self.pos += 1;
                Ok(true)
            }
            _ => Err(self.unexpected()),
        }
    }

    fn array(&mut self, vm: &mut Vm) -> Result<Value, Interrupt> {
        self.pos += 1;
        let a = vm.new_array(&[])?.as_obj().unwrap();
        self.skip_ws();
        if self.bytes().get(self.pos) == Some(&b']') {
            self.pos += 1;
            return Ok(Value::Obj(a));
        }
        loop {
            self.skip_ws();
            let v = self.value(vm)?;
            vm.heap.charge(SLOT_COST)?;
            vm.heap.obj_mut(a).elems.push(v);
            if self.list_ends(b']')? {
                return Ok(Value::Obj(a));
            }
        }
    }

    fn object(&mut self, vm: &mut Vm) -> Result<Value, Interrupt> {
        self.pos += 1;
        let o = vm.new_object()?;
        self.skip_ws();
        if self.bytes().get(self.pos) == Some(&b'}') {
            self.pos += 1;
            return Ok(Value::Obj(o));
        }
        loop {
            self.skip_ws();
            if self.bytes().get(self.pos) != Some(&b'"') {
                return Err(self.unexpected());
            }
            let key = self.string()?;
            let k = vm.heap.intern(&key);
            self.skip_ws();
            self.expect(b':')?;
            self.skip_ws();
            let v = self.value(vm)?;
            vm.define_own(o, k, v)?;
            if self.list_ends(b'}')? {
                return Ok(Value::Obj(o));
            }
        }
    }
}
