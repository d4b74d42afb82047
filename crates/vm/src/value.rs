//! `Value`: the 16-byte, `Copy` value every register and slot holds. Strings
//! and objects are indices into the run's heap (see heap.rs), so a value never
//! owns memory and copying one is free.

/// An interned string: property names, constants and runtime keys.
pub type Atom = u32;

/// An index into the heap's object table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ObjId(pub u32);

/// A string in one of the heap's string buffers: `buf[start..start + len]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StrSlice {
    pub buf: u32,
    pub start: u32,
    pub len: u32,
}

/// `repr(u32)` puts every payload at offset 4 or 8, so a copy is one 4-byte
/// and one 8-byte move. With Rust's default layout `Bool` sat at offset 1 and
/// copies used two overlapping 8-byte moves that stalled store forwarding
/// (docs/ARCHITECTURE.md, *Measured choices*).
#[derive(Clone, Copy, Debug)]
#[repr(u32)]
pub enum Value {
    Undefined,
    Null,
    Bool(bool),
    Num(f64),
    /// An interned string (constants, property names).
    Atom(Atom),
    /// A string made while the script runs.
    Str(StrSlice),
    Obj(ObjId),
    /// A symbol: an atom no string interns to (see `Heap::new_symbol`),
    /// so as a property key it meets no string's.
    Symbol(Atom),
    /// A captured variable's cell; only ever found in frame slots and upvalues.
    Cell(u32),
}

impl Value {
    pub fn is_nullish(self) -> bool {
        matches!(self, Value::Undefined | Value::Null)
    }
    pub fn is_string(self) -> bool {
        matches!(self, Value::Atom(_) | Value::Str(_))
    }
    pub fn as_obj(self) -> Option<ObjId> {
        match self {
            Value::Obj(o) => Some(o),
            _ => None,
        }
    }
}

impl From<f64> for Value {
    fn from(n: f64) -> Value {
        Value::Num(n)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn values_are_two_words() {
        assert_eq!(std::mem::size_of::<super::Value>(), 16);
        assert_eq!(std::mem::size_of::<Option<super::Value>>(), 16);
    }
}
