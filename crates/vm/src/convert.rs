//! Type conversions and operators with JavaScript's coercion rules:
//! truthiness, ToNumber, ToString, `+`, `==`, `===`, `<` and `typeof`.

use super::error::Interrupt;
use super::heap::Class;
use super::number::{parse_js_number, write_number};
use super::state::Vm;
use super::value::{Atom, ObjId, Value};
use lang::bytecode::Op;
use std::cmp::Ordering;

/// Nesting depth at which converting an array to a string stops (cycles).
const JOIN_DEPTH_MAX: usize = 32;

impl Vm {
    #[inline]
    pub fn truthy(&self, v: Value) -> bool {
        match v {
            Value::Undefined | Value::Null => false,
            Value::Bool(b) => b,
            Value::Num(n) => n != 0.0 && !n.is_nan(),
            Value::Atom(a) => a != self.atoms.empty,
            Value::Str(s) => s.len > 0,
            Value::Obj(_) | Value::Cell(_) | Value::Symbol(_) => true,
        }
    }

    pub fn to_number(&mut self, v: Value) -> Result<f64, Interrupt> {
        Ok(match v {
            Value::Num(n) => n,
            Value::Undefined => f64::NAN,
            Value::Null => 0.0,
            Value::Bool(b) => b as u8 as f64,
            Value::Atom(_) | Value::Str(_) => parse_js_number(self.heap.str(v).unwrap()),
            Value::Obj(o) if self.heap.obj(o).class == Class::Date => {
                match self.heap.obj(o).elems[0] {
                    Value::Num(t) => t,
                    _ => f64::NAN,
                }
            }
            Value::Obj(_) => match self.to_primitive(v, true)? {
                Value::Obj(_) => f64::NAN,
                p => self.to_number(p)?,
            },
            Value::Cell(_) => f64::NAN,
            Value::Symbol(_) => {
                return Err(self.type_error("Cannot convert a Symbol value to a number"));
            }
        })
    }

    /// Appends `ToString(v)`.
    pub fn write_string(&mut self, v: Value, out: &mut String) -> Result<(), Interrupt> {
        self.write_string_depth(v, out, 0)
    }

    fn write_string_depth(
        &mut self,
        v: Value,
        out: &mut String,
        depth: usize,
    ) -> Result<(), Interrupt> {
        match v {
            Value::Undefined => out.push_str("undefined"),
            Value::Null => out.push_str("null"),
            Value::Bool(b) => out.push_str(if b { "true" } else { "false" }),
            Value::Num(n) => write_number(n, out),
            Value::Atom(_) | Value::Str(_) => out.push_str(self.heap.str(v).unwrap()),
            Value::Cell(_) => {}
            Value::Symbol(_) => {
                return Err(self.type_error("Cannot convert a Symbol value to a string"));
            }
            Value::Obj(id) => match self.heap.obj(id).class {
                Class::Array => {
                    if depth > JOIN_DEPTH_MAX {
                        return Ok(());
                    }
                    for i in 0..self.heap.obj(id).elems.len() {
                        if i > 0 {
                            out.push(',');
                        }
                        let e = self.heap.obj(id).elems[i];
                        if !e.is_nullish() {
                            self.write_string_depth(e, out, depth + 1)?;
                        }
                    }
                }
                Class::Error => {
                    let name = self.get_field(v, self.atoms.name)?;
                    let msg = self.get_field(v, self.atoms.message)?;
                    self.write_string_depth(name, out, depth + 1)?;
                    if !matches!(msg, Value::Undefined) && self.truthy(msg) {
                        out.push_str(": ");
                        self.write_string_depth(msg, out, depth + 1)?;
                    }
                }
                Class::Closure(fi) if self.funcs[fi as usize].step.is_some() => {
                    out.push_str("function ");
                    out.push_str(&self.funcs[fi as usize].name);
                    out.push_str("() { [native code] }");
                }
                Class::Closure(fi) => {
                    let f = &self.funcs[fi as usize];
                    out.push_str(
                        f.source
                            .text
                            .get(f.span.start as usize..f.span.end as usize)
                            .unwrap_or("function"),
                    );
                }
                Class::Date => match self.heap.obj(id).elems[0] {
                    Value::Num(t) if t.is_finite() => out.push_str(&semantics::date::long_form(t)),
                    _ => out.push_str("Invalid Date"),
                },
                Class::Native(ni) => {
                    out.push_str("function ");
                    out.push_str(self.natives[ni as usize].name);
                    out.push_str("() { [native code] }");
                }
                _ => {
                    if depth >= JOIN_DEPTH_MAX {
                        out.push_str("[object Object]");
                        return Ok(());
                    }
                    let r = self.object_to_primitive_hint(v, "string")?;
                    return self.write_string_depth(r, out, depth + 1);
                }
            },
        }
        Ok(())
    }

    /// `ToString(v)` as a string value (no copy when it already is one).
    pub fn to_string_value(&mut self, v: Value) -> Result<Value, Interrupt> {
        if v.is_string() {
            return Ok(v);
        }
        let mut s = std::mem::take(&mut self.scratch);
        s.clear();
        let r = self
            .write_string(v, &mut s)
            .and_then(|_| Ok(self.heap.alloc_str(&s)?));
        self.scratch = s;
        r
    }

    /// ToPrimitive: an object gives what its script-defined `valueOf`
    /// returns, if that is a primitive, else its string form; a Date gives
    /// its time value when a number is wanted (`<`, `-`), else its string.
    #[inline]
    fn to_primitive(&mut self, v: Value, want_number: bool) -> Result<Value, Interrupt> {
        match v {
            Value::Obj(o) => self.object_to_primitive(o, want_number),
            _ => Ok(v),
        }
    }

    /// Out of line, so `to_primitive` stays small enough to inline into the
    /// string paths of `+`.
    #[inline(never)]
    fn object_to_primitive(&mut self, o: ObjId, want_number: bool) -> Result<Value, Interrupt> {
        let v = Value::Obj(o);
        if self.heap.obj(o).class == Class::Date {
            return if want_number {
                Ok(Value::Num(self.to_number(v)?))
            } else {
                self.to_string_value(v)
            };
        }
        self.object_to_primitive_hint(v, if want_number { "number" } else { "default" })
    }

    /// ToPrimitive of an object with `hint` ("string", "number" or
    /// "default"): what `v[Symbol.toPrimitive](hint)` gives, if `v` has
    /// that method, else OrdinaryToPrimitive.
    pub(crate) fn object_to_primitive_hint(
        &mut self,
        v: Value,
        hint: &str,
    ) -> Result<Value, Interrupt> {
        let exotic = self.get_field(v, self.atoms.symbols.to_primitive)?;
        if exotic.is_nullish() {
            return self.ordinary_to_primitive(v, hint == "string");
        }
        if !self.is_callable(exotic) {
            return Err(self.type_error("Symbol.toPrimitive is not a function"));
        }
        let hint = self.heap.intern(hint);
        match self.call_function(exotic, v, &[Value::Atom(hint)])? {
            Value::Obj(_) => Err(self.type_error("Cannot convert object to primitive value")),
            r => Ok(r),
        }
    }

    /// OrdinaryToPrimitive: `valueOf()` then `toString()` (the other way
    /// round when a string is wanted); the first primitive either gives.
    pub(crate) fn ordinary_to_primitive(
        &mut self,
        v: Value,
        string_first: bool,
    ) -> Result<Value, Interrupt> {
        let (value_of, to_string) = (self.atoms.value_of, self.atoms.to_string);
        let order = if string_first {
            [to_string, value_of]
        } else {
            [value_of, to_string]
        };
        for method in order {
            let f = self.get_field(v, method)?;
            if self.is_callable(f) {
                let r = self.call_function(f, v, &[])?;
                if !matches!(r, Value::Obj(_)) {
                    return Ok(r);
                }
            }
        }
        Err(self.type_error("Cannot convert object to primitive value"))
    }

    /// `a + b` when not both numbers.
    pub fn add_slow(&mut self, a: Value, b: Value) -> Result<Value, Interrupt> {
        let a = self.to_primitive(a, false)?;
        let b = self.to_primitive(b, false)?;
        if !a.is_string() && !b.is_string() {
            return Ok(Value::Num(self.to_number(a)? + self.to_number(b)?));
        }
        let before = self.heap.charged;
        let mut tail = std::mem::take(&mut self.scratch);
        tail.clear();
        let r = if a.is_string() {
            self.write_string(b, &mut tail)
                .and_then(|_| Ok(self.heap.append(a, &tail)?))
        } else {
            self.write_string(a, &mut tail).and_then(|_| {
                tail.push_str(self.heap.str(b).unwrap());
                Ok(self.heap.alloc_str(&tail)?)
            })
        };
        self.scratch = tail;
        // A concatenation that copied a long string (not appended in
        // place) is paid for now; the rest waits for the next slice, as
        // settling after every concatenation costs the string loop more
        // than the check it saves.
        if self.heap.charged - before > 4096 {
            self.settle_work()?;
        }
        r
    }

    pub fn strict_equals(&self, a: Value, b: Value) -> bool {
        match (a, b) {
            (Value::Num(x), Value::Num(y)) => x == y,
            (Value::Atom(x), Value::Atom(y)) => x == y,
            (Value::Atom(_) | Value::Str(_), Value::Atom(_) | Value::Str(_)) => {
                self.heap.str(a) == self.heap.str(b)
            }
            (Value::Undefined, Value::Undefined) | (Value::Null, Value::Null) => true,
            (Value::Bool(x), Value::Bool(y)) => x == y,
            (Value::Obj(x), Value::Obj(y)) => x == y,
            (Value::Symbol(x), Value::Symbol(y)) => x == y,
            _ => false,
        }
    }

    /// SameValue (`Object.is`): like `===` but NaN is itself and +0 is not -0.
    pub fn same_value(&self, a: Value, b: Value) -> bool {
        match (a, b) {
            (Value::Num(x), Value::Num(y)) => {
                (x.is_nan() && y.is_nan())
                    || (x == y && x.is_sign_negative() == y.is_sign_negative())
            }
            _ => self.strict_equals(a, b),
        }
    }

    pub fn loose_equals(&mut self, a: Value, b: Value) -> Result<bool, Interrupt> {
        Ok(match (a, b) {
            (Value::Undefined | Value::Null, Value::Undefined | Value::Null) => true,
            (Value::Undefined | Value::Null, _) | (_, Value::Undefined | Value::Null) => false,
            (Value::Num(_), Value::Atom(_) | Value::Str(_))
            | (Value::Atom(_) | Value::Str(_), Value::Num(_)) => {
                self.to_number(a)? == self.to_number(b)?
            }
            (Value::Bool(_), _) => {
                let n = Value::Num(self.to_number(a)?);
                self.loose_equals(n, b)?
            }
            (_, Value::Bool(_)) => {
                let n = Value::Num(self.to_number(b)?);
                self.loose_equals(a, n)?
            }
            (Value::Obj(_), Value::Obj(_)) => self.strict_equals(a, b),
            (Value::Obj(_), _) => {
                let p = self.to_primitive(a, false)?;
                self.loose_equals(p, b)?
            }
            (_, Value::Obj(_)) => {
                let p = self.to_primitive(b, false)?;
                self.loose_equals(a, p)?
            }
            _ => self.strict_equals(a, b),
        })
    }

    /// `<`, `<=`, `>`, `>=` when not both numbers.
    pub fn compare_slow(&mut self, op: Op, a: Value, b: Value) -> Result<bool, Interrupt> {
        let a = self.to_primitive(a, true)?;
        let b = self.to_primitive(b, true)?;
        let ord = if a.is_string() && b.is_string() {
            Some(compare_strings(
                self.heap.str(a).unwrap(),
                self.heap.str(b).unwrap(),
            ))
        } else {
            let (x, y) = (self.to_number(a)?, self.to_number(b)?);
            x.partial_cmp(&y)
        };
        let Some(ord) = ord else { return Ok(false) };
        Ok(match op {
            Op::Lt => ord == Ordering::Less,
            Op::Le => ord != Ordering::Greater,
            Op::Gt => ord == Ordering::Greater,
            _ => ord != Ordering::Less,
        })
    }

    pub fn type_of(&self, v: Value) -> Atom {
        let i = match v {
            Value::Undefined | Value::Cell(_) => 0,
            Value::Null => 1,
            Value::Bool(_) => 2,
            Value::Num(_) => 3,
            Value::Atom(_) | Value::Str(_) => 4,
            Value::Symbol(_) => 6,
            Value::Obj(o) => match self.heap.obj(o).class {
                Class::Closure(_) | Class::Native(_) => 5,
                _ => 1,
            },
        };
        self.atoms.type_names[i]
    }
}

/// Orders strings by UTF-16 code units, as JavaScript does.
pub fn compare_strings(a: &str, b: &str) -> Ordering {
    if a.is_ascii() && b.is_ascii() {
        return a.cmp(b);
    }
    a.encode_utf16().cmp(b.encode_utf16())
}
