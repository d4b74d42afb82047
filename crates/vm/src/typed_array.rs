//! What binary data is made of: an `ArrayBuffer`'s bytes are packed eight
//! to an element of its `elems` (each a `Value::Num` holding the bits, so
//! the collector and `reset` treat them as any object's elements), and a
//! typed array or `DataView` is a window on one: `elems` holds the buffer,
//! the byte offset and the length. Reading and writing elements converts
//! as ECMA-262 25.1.3 (NumericToRawBytes / RawBytesToNumeric) says.

use crate::error::{ErrorKind, Interrupt};
use crate::heap::{Class, SLOT_COST};
use crate::state::Vm;
use crate::value::{ObjId, Value};

/// A typed array's element type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ElementType {
    Int8,
    Uint8,
    Uint8Clamped,
    Int16,
    Uint16,
    Int32,
    Uint32,
    Float32,
    Float64,
}

impl ElementType {
    pub const ALL: [ElementType; 9] = [
        ElementType::Int8,
        ElementType::Uint8,
        ElementType::Uint8Clamped,
        ElementType::Int16,
        ElementType::Uint16,
        ElementType::Int32,
        ElementType::Uint32,
        ElementType::Float32,
        ElementType::Float64,
    ];

    pub fn size(self) -> usize {
        match self {
            ElementType::Int8 | ElementType::Uint8 | ElementType::Uint8Clamped => 1,
            ElementType::Int16 | ElementType::Uint16 => 2,
            ElementType::Int32 | ElementType::Uint32 | ElementType::Float32 => 4,
            ElementType::Float64 => 8,
        }
    }

    /// The constructor's name (`Uint8Array`).
    pub fn name(self) -> &'static str {
        match self {
            ElementType::Int8 => "Int8Array",
            ElementType::Uint8 => "Uint8Array",
            ElementType::Uint8Clamped => "Uint8ClampedArray",
            ElementType::Int16 => "Int16Array",
            ElementType::Uint16 => "Uint16Array",
            ElementType::Int32 => "Int32Array",
            ElementType::Uint32 => "Uint32Array",
            ElementType::Float32 => "Float32Array",
            ElementType::Float64 => "Float64Array",
        }
    }

    /// NumericToRawBytes: `n` as this type's bytes, little-endian in the
    /// low `size()` bytes.
    pub fn to_raw(self, n: f64) -> u64 {
        use crate::number::to_uint32;
        match self {
            ElementType::Int8 | ElementType::Uint8 => to_uint32(n) as u8 as u64,
            ElementType::Uint8Clamped => {
                if n.is_nan() || n <= 0.0 {
                    0
                } else if n >= 255.0 {
                    255
                } else {
                    // Round half to even.
                    let f = n.floor();
                    let r = if n - f > 0.5 || (n - f == 0.5 && f % 2.0 != 0.0) {
                        f + 1.0
                    } else {
                        f
                    };
                    r as u64
                }
            }
            ElementType::Int16 | ElementType::Uint16 => to_uint32(n) as u16 as u64,
            ElementType::Int32 | ElementType::Uint32 => to_uint32(n) as u64,
            ElementType::Float32 => (n as f32).to_bits() as u64,
            ElementType::Float64 => n.to_bits(),
        }
    }

    /// RawBytesToNumeric.
    pub fn from_raw(self, raw: u64) -> f64 {
        match self {
            ElementType::Int8 => raw as u8 as i8 as f64,
            ElementType::Uint8 | ElementType::Uint8Clamped => raw as u8 as f64,
            ElementType::Int16 => raw as u16 as i16 as f64,
            ElementType::Uint16 => raw as u16 as f64,
            ElementType::Int32 => raw as u32 as i32 as f64,
            ElementType::Uint32 => raw as u32 as f64,
            ElementType::Float32 => f32::from_bits(raw as u32) as f64,
            ElementType::Float64 => f64::from_bits(raw),
        }
    }
}

/// ToIndex: a length or offset argument, or a RangeError.
pub(crate) fn to_index(vm: &mut Vm, v: Value, what: &str) -> Result<usize, Interrupt> {
    if matches!(v, Value::Undefined) {
        return Ok(0);
    }
    let n = vm.to_number(v)?;
    let n = if n.is_nan() { 0.0 } else { n.trunc() };
    if !(0.0..=9_007_199_254_740_991.0).contains(&n) {
        return Err(Interrupt::error(
            ErrorKind::RangeError,
            format!("Invalid {what}: {}", crate::number::to_js_string(n)),
        ));
    }
    Ok(n as usize)
}

impl Vm {
    /// A new zero-filled `ArrayBuffer` of `len` bytes with `proto`.
    pub(crate) fn new_array_buffer(
        &mut self,
        len: usize,
        proto: ObjId,
    ) -> Result<ObjId, Interrupt> {
        if len > u32::MAX as usize {
            return Err(Interrupt::error(
                ErrorKind::RangeError,
                "Array buffer allocation failed",
            ));
        }
        let words = len.div_ceil(8);
        let o = self
            .heap
            .alloc(Class::ArrayBuffer { len: len as u32 }, Some(proto))?;
        self.heap.charge(words * SLOT_COST)?;
        self.heap.obj_mut(o).elems.resize(words, Value::Num(0.0));
        Ok(o)
    }

    /// The byte length of ArrayBuffer `buf`.
    pub(crate) fn buffer_len(&self, buf: ObjId) -> usize {
        match self.heap.obj(buf).class {
            Class::ArrayBuffer { len } => len as usize,
            _ => 0,
        }
    }

    fn word(&self, buf: ObjId, w: usize) -> u64 {
        match self.heap.obj(buf).elems[w] {
            Value::Num(n) => n.to_bits(),
            _ => 0,
        }
    }

    pub(crate) fn read_byte(&self, buf: ObjId, i: usize) -> u8 {
        (self.word(buf, i >> 3) >> ((i & 7) * 8)) as u8
    }

    pub(crate) fn write_byte(&mut self, buf: ObjId, i: usize, b: u8) -> Result<(), Interrupt> {
        if self.heap.is_state(buf) {
            return Err(self.state_error("change an ArrayBuffer a module's top level made"));
        }
        let shift = (i & 7) * 8;
        let w = (self.word(buf, i >> 3) & !(0xFF << shift)) | ((b as u64) << shift);
        self.heap.obj_mut(buf).elems[i >> 3] = Value::Num(f64::from_bits(w));
        Ok(())
    }

    /// `n` bytes of `buf` from `at` as a number (little-endian unless
    /// `big`).
    pub(crate) fn read_raw(&self, buf: ObjId, at: usize, n: usize, big: bool) -> u64 {
        let mut v = 0u64;
        for k in 0..n {
            let b = self.read_byte(buf, at + k) as u64;
            if big {
                v = (v << 8) | b;
            } else {
                v |= b << (8 * k);
            }
        }
        v
    }

    pub(crate) fn write_raw(
        &mut self,
        buf: ObjId,
        at: usize,
        n: usize,
        raw: u64,
        big: bool,
    ) -> Result<(), Interrupt> {
        for k in 0..n {
            let b = if big {
                raw >> (8 * (n - 1 - k))
            } else {
                raw >> (8 * k)
            };
            self.write_byte(buf, at + k, b as u8)?;
        }
        Ok(())
    }

    /// The buffer, byte offset and length of a typed array or DataView.
    pub(crate) fn view_parts(&self, o: ObjId) -> (ObjId, usize, usize) {
        let e = &self.heap.obj(o).elems;
        let Value::Obj(buf) = e[0] else {
            unreachable!("a view holds its buffer")
        };
        let num = |v: Value| match v {
            Value::Num(n) => n as usize,
            _ => 0,
        };
        (buf, num(e[1]), num(e[2]))
    }

    /// The typed array `v` is, with its element type.
    pub(crate) fn typed_array_of(&self, v: Value) -> Option<(ObjId, ElementType)> {
        match v {
            Value::Obj(o) => match self.heap.obj(o).class {
                Class::TypedArray(t) => Some((o, t)),
                _ => None,
            },
            _ => None,
        }
    }

    /// Element `i` of typed array `o`, or `None` past its end.
    pub(crate) fn typed_get(&self, o: ObjId, t: ElementType, i: usize) -> Option<Value> {
        let (buf, offset, len) = self.view_parts(o);
        if i >= len {
            return None;
        }
        let raw = self.read_raw(buf, offset + i * t.size(), t.size(), false);
        Some(Value::Num(t.from_raw(raw)))
    }

    /// Stores number `n` as element `i` (nothing past the end).
    pub(crate) fn typed_put(
        &mut self,
        o: ObjId,
        t: ElementType,
        i: usize,
        n: f64,
    ) -> Result<(), Interrupt> {
        let (buf, offset, len) = self.view_parts(o);
        if i < len {
            self.write_raw(buf, offset + i * t.size(), t.size(), t.to_raw(n), false)?;
        }
        Ok(())
    }

    /// `ta[i] = v`: ToNumber first (it may run script), then the store.
    pub(crate) fn typed_set(
        &mut self,
        o: ObjId,
        t: ElementType,
        i: usize,
        v: Value,
    ) -> Result<(), Interrupt> {
        let n = self.to_number(v)?;
        self.typed_put(o, t, i, n)?;
        Ok(())
    }

    /// The bytes a BufferSource holds (an `ArrayBuffer`, a typed array's
    /// window, a `DataView`'s), or `None` for any other value.
    pub fn buffer_source_bytes(&self, v: Value) -> Option<Vec<u8>> {
        let Value::Obj(o) = v else { return None };
        let (buf, offset, len) = match self.heap.obj(o).class {
            Class::ArrayBuffer { len } => (o, 0, len as usize),
            Class::TypedArray(t) => {
                let (buf, offset, n) = self.view_parts(o);
                (buf, offset, n * t.size())
            }
            Class::DataView => self.view_parts(o),
            _ => return None,
        };
        Some(
            (offset..offset + len)
                .map(|i| self.read_byte(buf, i))
                .collect(),
        )
    }

    /// A new `Uint8Array` holding `bytes` (over a buffer of its own).
    pub fn new_uint8_array(&mut self, bytes: &[u8]) -> Result<Value, Interrupt> {
        let buf = self.new_array_buffer(bytes.len(), self.realm.array_buffer_proto)?;
        for (w, chunk) in bytes.chunks(8).enumerate() {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            let bits = u64::from_le_bytes(word);
            self.heap.obj_mut(buf).elems[w] = Value::Num(f64::from_bits(bits));
        }
        let at = ElementType::ALL
            .iter()
            .position(|&t| t == ElementType::Uint8)
            .expect("Uint8 is an element type");
        let o = self
            .heap
            .alloc(Class::Object, Some(self.realm.typed_array_protos[at]))?;
        self.init_typed_array(o, ElementType::Uint8, buf, 0, bytes.len())?;
        Ok(Value::Obj(o))
    }

    /// Makes `o` a typed array of `t` over `buf` from byte `offset`, `len`
    /// elements.
    pub(crate) fn init_typed_array(
        &mut self,
        o: ObjId,
        t: ElementType,
        buf: ObjId,
        offset: usize,
        len: usize,
    ) -> Result<(), Interrupt> {
        self.heap.charge(3 * SLOT_COST)?;
        let obj = self.heap.obj_mut(o);
        obj.class = Class::TypedArray(t);
        obj.elems.clear();
        obj.elems.extend_from_slice(&[
            Value::Obj(buf),
            Value::Num(offset as f64),
            Value::Num(len as f64),
        ]);
        Ok(())
    }
}
