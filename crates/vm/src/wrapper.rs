//! Primitive wrapper objects: what `new Number(1)`, `new String("s")`,
//! `new Boolean(b)` and `Object(primitive)` make — a `Class::Primitive`
//! object holding the primitive in `elems[0]`, which the prototypes'
//! methods unwrap. A string's wrapper has its `length` as an own property
//! and its characters as read-only indices (read in `property.rs`).

use super::attrs;
use super::error::Interrupt;
use super::heap::{Class, SLOT_COST};
use super::property::utf16_len;
use super::state::Vm;
use super::value::{ObjId, Value};

impl Vm {
    /// A constructing native's `this` (made by `new`, with the prototype
    /// `new.target` asks for) becomes the wrapper of `v`.
    pub(crate) fn make_wrapper(&mut self, this: Value, v: Value) -> Result<Value, Interrupt> {
        let Value::Obj(o) = this else {
            unreachable!("`new` passes the object it made")
        };
        self.heap.charge(SLOT_COST)?;
        let obj = self.heap.obj_mut(o);
        obj.class = Class::Primitive;
        obj.elems.clear();
        obj.elems.push(v);
        if v.is_string() {
            let n = utf16_len(self.heap.str(v).unwrap());
            self.define_with(
                o,
                self.atoms.length,
                Value::Num(n as f64),
                attrs::HIDDEN | attrs::READONLY | attrs::FIXED,
            )?;
        }
        Ok(this)
    }

    /// ToObject: an object itself; a primitive's new wrapper; a TypeError
    /// for undefined and null.
    pub fn to_object(&mut self, v: Value) -> Result<ObjId, Interrupt> {
        let proto = match v {
            Value::Obj(o) => return Ok(o),
            Value::Undefined | Value::Null | Value::Cell(_) => {
                return Err(self.type_error("Cannot convert undefined or null to object"));
            }
            Value::Bool(_) => self.realm.boolean_proto,
            Value::Num(_) => self.realm.number_proto,
            Value::Atom(_) | Value::Str(_) => self.realm.string_proto,
            Value::Symbol(_) => self.realm.symbol_proto,
        };
        let o = self.heap.alloc(Class::Object, Some(proto))?;
        self.make_wrapper(Value::Obj(o), v)?;
        Ok(o)
    }

    /// The primitive a wrapper holds, or `v` itself when it is not one.
    #[inline]
    pub(crate) fn unwrap_primitive(&self, v: Value) -> Value {
        match v {
            Value::Obj(o) if self.heap.obj(o).class == Class::Primitive => {
                self.heap.obj(o).elems[0]
            }
            _ => v,
        }
    }

    /// Character `i` of a `String` wrapper, its own read-only index; None
    /// for anything else.
    pub(crate) fn wrapped_char(&mut self, v: Value, i: usize) -> Result<Option<Value>, Interrupt> {
        let Value::Obj(o) = v else { return Ok(None) };
        let obj = self.heap.obj(o);
        match obj.elems.first() {
            Some(&s) if obj.class == Class::Primitive && s.is_string() => {
                Ok(Some(self.string_at(s, i)?).filter(|c| !matches!(c, Value::Undefined)))
            }
            _ => Ok(None),
        }
    }
}

/// The name of a primitive's type as wrappers and `Object.prototype.toString`
/// show it.
pub(crate) fn primitive_kind(v: Value) -> &'static str {
    match v {
        Value::Bool(_) => "Boolean",
        Value::Num(_) => "Number",
        Value::Atom(_) | Value::Str(_) => "String",
        Value::Symbol(_) => "Symbol",
        _ => "Object",
    }
}
