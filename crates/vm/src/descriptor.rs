//! Property descriptors: `Object.defineProperty`'s rules for changing a
//! property (ValidateAndApplyPropertyDescriptor in the specification),
//! descriptor objects in and out, an object's own keys in the order the
//! specification gives them, and the integrity levels (`freeze`, `seal`).

use super::attrs::{self, Attrs};
use super::error::Interrupt;
use super::heap::{Class, ElemsLock};
use super::property::{Key, canonical_index};
use super::state::Vm;
use super::value::{Atom, ObjId, Value};

/// A descriptor as a script wrote it: each field may be absent.
#[derive(Clone, Copy, Default)]
pub struct Descriptor {
    pub value: Option<Value>,
    pub writable: Option<bool>,
    pub get: Option<Value>,
    pub set: Option<Value>,
    pub enumerable: Option<bool>,
    pub configurable: Option<bool>,
}

impl Descriptor {
    fn is_accessor(&self) -> bool {
        self.get.is_some() || self.set.is_some()
    }
    fn is_data(&self) -> bool {
        self.value.is_some() || self.writable.is_some()
    }
}

/// A property as it is: data or accessor, with its attributes.
#[derive(Clone, Copy)]
pub struct Current {
    pub value: Value,
    pub getter: Value,
    pub setter: Value,
    pub attrs: Attrs,
}

impl Vm {
    /// ToPropertyDescriptor: reads a descriptor object.
    pub fn to_descriptor(&mut self, v: Value) -> Result<Descriptor, Interrupt> {
        let Value::Obj(_) = v else {
            let shown = super::inspect::inspect_short(self, v);
            return Err(self.type_error(format!("Property description must be an object: {shown}")));
        };
        let mut d = Descriptor::default();
        let field = |vm: &mut Vm, name: &str| -> Result<Option<Value>, Interrupt> {
            let a = vm.heap.intern(name);
            if vm.has_property(v, Value::Atom(a))? {
                Ok(Some(vm.get_field(v, a)?))
            } else {
                Ok(None)
            }
        };
        d.enumerable = field(self, "enumerable")?.map(|x| self.truthy(x));
        d.configurable = field(self, "configurable")?.map(|x| self.truthy(x));
        d.value = field(self, "value")?;
        d.writable = field(self, "writable")?.map(|x| self.truthy(x));
        for (slot, name) in [(&mut d.get, "get"), (&mut d.set, "set")] {
            if let Some(f) = field(self, name)? {
                if !matches!(f, Value::Undefined) && !self.is_callable(f) {
                    let shown = super::inspect::inspect_short(self, f);
                    return Err(self.type_error(format!(
                        "{} must be a function: {shown}",
                        if name == "get" { "Getter" } else { "Setter" }
                    )));
                }
                *slot = Some(f);
            }
        }
        if d.is_accessor() && d.is_data() {
            return Err(self.type_error(
                "Invalid property descriptor. Cannot both specify accessors and a value or writable attribute",
            ));
        }
        Ok(d)
    }

    pub fn is_callable(&self, f: Value) -> bool {
        matches!(f, Value::Obj(id) if matches!(self.heap.obj(id).class, Class::Closure(_) | Class::Native(_)))
    }

    /// An own property of `o`, including the ones no slot holds: array
    /// elements and `length`, a function's `name` and `length`.
    pub fn own_property(&mut self, o: ObjId, key: Key) -> Result<Option<Current>, Interrupt> {
        let obj = self.heap.obj(o);
        let (class, lock) = (obj.class, obj.elems_lock);
        if class == Class::Namespace {
            // An export is the binding's value now (a ReferenceError while
            // it is uninitialised), writable and enumerable but not
            // configurable, as the specification describes it; writes are
            // refused by the object's own attributes.
            let a = self.key_atom(key);
            let stored = self.get_own_slot(o, a).map(|(_, at)| at);
            return match (self.namespace_read(o, a), stored) {
                (Some(read), Some(at)) => {
                    let at = if at & attrs::HIDDEN != 0 {
                        at
                    } else {
                        attrs::FIXED
                    };
                    Ok(Some(data(read?, at)))
                }
                _ => Ok(None),
            };
        }
        if class == Class::Array {
            if let Key::Index(i) = key {
                let Some(&v) = self.heap.obj(o).elems.get(i) else {
                    return Ok(None);
                };
                let mut at = attrs::PLAIN;
                if lock >= ElemsLock::Sealed {
                    at |= attrs::FIXED;
                }
                if lock == ElemsLock::Frozen {
                    at |= attrs::READONLY;
                }
                return Ok(Some(data(v, at)));
            }
        }
        if let (Class::TypedArray(t), Key::Index(i)) = (class, key) {
            // An integer-indexed exotic object: its elements are its own
            // writable, enumerable, configurable properties, nothing else
            // at an index.
            return Ok(self.typed_get(o, t, i).map(|v| data(v, attrs::PLAIN)));
        }
        if let (Class::Primitive, Key::Index(i)) = (class, key) {
            if let Some(c) = self.wrapped_char(Value::Obj(o), i)? {
                return Ok(Some(data(c, attrs::READONLY | attrs::FIXED)));
            }
        }
        let a = self.key_atom(key);
        if let Some((v, at)) = self.get_own_slot(o, a) {
            if at & attrs::ACCESSOR != 0 {
                let pair = &self.heap.obj(v.as_obj().unwrap()).elems;
                return Ok(Some(Current {
                    value: Value::Undefined,
                    getter: pair[0],
                    setter: pair[1],
                    attrs: at,
                }));
            }
            return Ok(Some(data(v, at)));
        }
        let fixed_length = if class == Class::Array && a == self.atoms.length {
            let at = attrs::HIDDEN | attrs::FIXED;
            let at = if lock == ElemsLock::Frozen {
                at | attrs::READONLY
            } else {
                at
            };
            Some((Value::Num(self.heap.obj(o).elems.len() as f64), at))
        } else if self.computed_function_prop(o, a) != 0 {
            Some((
                self.get_field(Value::Obj(o), a)?,
                attrs::HIDDEN | attrs::READONLY,
            ))
        } else if matches!(class, Class::Closure(fi) if self.funcs[fi as usize].constructible || self.funcs[fi as usize].is_generator)
            && a == self.atoms.prototype
        {
            // Made on first read (property.rs).
            let p = self.get_field(Value::Obj(o), a)?;
            return Ok(self.get_own_slot(o, a).map(|(_, at)| data(p, at)));
        } else {
            None
        };
        Ok(fixed_length.map(|(v, at)| data(v, at)))
    }

    /// `Object.defineProperty(o, key, desc)`; a TypeError when the
    /// specification's rules refuse the change.
    pub fn define_property(
        &mut self,
        o: ObjId,
        key: Key,
        mut d: Descriptor,
    ) -> Result<(), Interrupt> {
        self.open_object(o)?;
        let is_array = self.is_array(Value::Obj(o));
        let array_length = is_array && key == Key::Name(self.atoms.length);
        if array_length && let Some(v) = d.value {
            // ArraySetLength converts first: a RangeError comes before the
            // attributes are compared.
            d.value = Some(Value::Num(self.to_array_length(v)? as f64));
        }
        let current = self.own_property(o, key)?;
        let name = self.key_text(key);
        let refuse = |vm: &Vm| vm.type_error(format!("Cannot redefine property: {name}"));
        let Some(cur) = current else {
            if !self.heap.obj(o).extensible {
                return Err(self.type_error(format!(
                    "Cannot define property {name}, object is not extensible"
                )));
            }
            return self.write_property(o, key, d, None);
        };
        if cur.attrs & attrs::FIXED != 0 {
            let was_accessor = cur.attrs & attrs::ACCESSOR != 0;
            if d.configurable == Some(true)
                || d.enumerable
                    .is_some_and(|e| e != (cur.attrs & attrs::HIDDEN == 0))
                || (d.is_accessor() && !was_accessor)
                || (d.is_data() && was_accessor)
            {
                return Err(refuse(self));
            }
            if was_accessor {
                if d.get.is_some_and(|g| !self.same_value(g, cur.getter))
                    || d.set.is_some_and(|s| !self.same_value(s, cur.setter))
                {
                    return Err(refuse(self));
                }
            } else if cur.attrs & attrs::READONLY != 0 {
                if d.writable == Some(true)
                    || d.value.is_some_and(|v| !self.same_value(v, cur.value))
                {
                    return Err(refuse(self));
                }
            }
        }
        if array_length {
            if d.is_accessor() {
                return Err(refuse(self));
            }
            return self.array_set_length(o, d.value, d, false);
        }
        self.write_property(o, key, d, Some(cur))
    }

    /// Stores a validated change: fields `d` leaves out keep `cur`'s values
    /// (or the defaults, false and undefined, for a new property).
    fn write_property(
        &mut self,
        o: ObjId,
        key: Key,
        d: Descriptor,
        cur: Option<Current>,
    ) -> Result<(), Interrupt> {
        let had = cur.map_or(attrs::HIDDEN | attrs::READONLY | attrs::FIXED, |c| c.attrs);
        let flag = |set: Option<bool>, bit: Attrs, when_true: bool| -> Attrs {
            match set {
                Some(b) if b == when_true => 0,
                Some(_) => bit,
                None => had & bit,
            }
        };
        let mut at =
            flag(d.enumerable, attrs::HIDDEN, true) | flag(d.configurable, attrs::FIXED, true);
        let to_accessor =
            d.is_accessor() || (!d.is_data() && had & attrs::ACCESSOR != 0 && cur.is_some());
        if !to_accessor {
            let keep_writable = cur.is_some_and(|c| c.attrs & attrs::ACCESSOR == 0);
            at |= match d.writable {
                Some(true) => 0,
                Some(false) => attrs::READONLY,
                None if keep_writable => had & attrs::READONLY,
                None => attrs::READONLY,
            };
        }
        if self.heap.obj(o).class == Class::Array {
            if let Key::Index(i) = key {
                let lock = self.heap.obj(o).elems_lock;
                let plain = !to_accessor && at == attrs::PLAIN;
                let frozen_like = !to_accessor
                    && at == attrs::READONLY | attrs::FIXED
                    && lock == ElemsLock::Frozen;
                if plain || frozen_like {
                    let v = d.value.or(cur.map(|c| c.value)).unwrap_or(Value::Undefined);
                    let len = self.heap.obj(o).elems.len();
                    if i >= len {
                        return self.set_index(Value::Obj(o), Value::Num(i as f64), v);
                    }
                    self.heap.obj_mut(o).elems[i] = v;
                    return Ok(());
                }
                // An element with attributes of its own.
                self.make_sparse(o)?;
            }
        }
        let sparse_index = match key {
            Key::Index(i) if self.heap.obj(o).class == Class::SparseArray => Some(i),
            _ => None,
        };
        if let Some(i) = sparse_index
            && cur.is_none()
        {
            self.sparse_check_new_index(o, i)?;
        }
        let a = self.key_atom(key);
        self.write_slot(o, a, d, cur, at, to_accessor)?;
        if let Some(i) = sparse_index {
            self.sparse_index_added(o, i);
        }
        Ok(())
    }

    /// Stores property `a` as `write_property` decided: an accessor or a
    /// data property with attributes `at`.
    fn write_slot(
        &mut self,
        o: ObjId,
        a: Atom,
        d: Descriptor,
        cur: Option<Current>,
        at: Attrs,
        to_accessor: bool,
    ) -> Result<(), Interrupt> {
        if to_accessor {
            let keep = |f: Option<Value>, old: Value| f.unwrap_or(old);
            let (g, s) = match cur.filter(|c| c.attrs & attrs::ACCESSOR != 0) {
                Some(c) => (keep(d.get, c.getter), keep(d.set, c.setter)),
                None => (
                    d.get.unwrap_or(Value::Undefined),
                    d.set.unwrap_or(Value::Undefined),
                ),
            };
            self.define_accessor(o, a, g, false, at)?;
            return self.define_accessor(o, a, s, true, at);
        }
        let v = match (d.value, cur) {
            (Some(v), _) => v,
            (None, Some(c)) if c.attrs & attrs::ACCESSOR == 0 => c.value,
            _ => Value::Undefined,
        };
        self.define_with(o, a, v, at)
    }

    /// A descriptor object for `cur` (`Object.getOwnPropertyDescriptor`).
    pub fn from_descriptor(&mut self, cur: Current) -> Result<Value, Interrupt> {
        let d = self.new_object()?;
        let put = |vm: &mut Vm, name: &str, v: Value| -> Result<(), Interrupt> {
            let a = vm.heap.intern(name);
            vm.define_own(d, a, v)
        };
        if cur.attrs & attrs::ACCESSOR != 0 {
            put(self, "get", cur.getter)?;
            put(self, "set", cur.setter)?;
        } else {
            put(self, "value", cur.value)?;
            put(
                self,
                "writable",
                Value::Bool(cur.attrs & attrs::READONLY == 0),
            )?;
        }
        put(
            self,
            "enumerable",
            Value::Bool(cur.attrs & attrs::HIDDEN == 0),
        )?;
        put(
            self,
            "configurable",
            Value::Bool(cur.attrs & attrs::FIXED == 0),
        )?;
        Ok(Value::Obj(d))
    }

    /// OwnPropertyKeys without the symbols: array indices and
    /// integer-like names ascending, then the other names in the order they
    /// were added. With `hidden`, non-enumerable ones too.
    pub fn own_keys(&mut self, o: ObjId, hidden: bool) -> Vec<Value> {
        let obj = self.heap.obj(o);
        let mut indices: Vec<(usize, Atom)> = Vec::new();
        let mut names: Vec<Atom> = Vec::new();
        let elems = match obj.class {
            Class::Array => obj.elems.len(),
            Class::TypedArray(_) => self.view_parts(o).2,
            _ => 0,
        };
        for (i, &(k, _)) in obj.props.iter().enumerate() {
            if (!hidden && !obj.enumerable(i))
                || obj.attrs(i) & attrs::PRIVATE != 0
                || self.heap.is_symbol(k)
            {
                continue;
            }
            match canonical_index(self.heap.atom_str(k)) {
                Some(n) => indices.push((n, k)),
                None => names.push(k),
            }
        }
        indices.sort_by_key(|&(n, _)| n);
        let mut out = Vec::with_capacity(elems + indices.len() + names.len() + 1);
        for i in 0..elems {
            out.push(Value::Atom(self.index_atom(i)));
        }
        out.extend(indices.into_iter().map(|(_, k)| Value::Atom(k)));
        if hidden {
            let class = self.heap.obj(o).class;
            let mut virtual_names = Vec::new();
            if class == Class::Array {
                virtual_names.push(self.atoms.length);
            }
            for a in [self.atoms.length, self.atoms.name] {
                if self.computed_function_prop(o, a) != 0 {
                    virtual_names.push(a);
                }
            }
            for a in virtual_names {
                if !names.contains(&a) {
                    out.push(Value::Atom(a));
                }
            }
        }
        out.extend(names.into_iter().map(Value::Atom));
        out
    }

    /// The symbol-keyed own properties, in the order they were added.
    pub fn own_symbols(&self, o: ObjId, hidden: bool) -> Vec<Value> {
        let obj = self.heap.obj(o);
        (0..obj.props.len())
            .filter(|&i| {
                let at = obj.attrs(i);
                self.heap.is_symbol(obj.props[i].0)
                    && at & attrs::PRIVATE == 0
                    && (hidden || at & attrs::HIDDEN == 0)
            })
            .map(|i| Value::Symbol(obj.props[i].0))
            .collect()
    }

    /// `Object.freeze` (`frozen`) or `Object.seal`.
    pub fn set_integrity(&mut self, o: ObjId, frozen: bool) {
        let obj = self.heap.obj_mut(o);
        obj.extensible = false;
        obj.elems_lock = obj.elems_lock.max(if frozen {
            ElemsLock::Frozen
        } else {
            ElemsLock::Sealed
        });
        for i in 0..obj.props.len() {
            let at = obj.attrs(i);
            if at & attrs::PRIVATE != 0 {
                continue;
            }
            let lock = if frozen && at & attrs::ACCESSOR == 0 {
                attrs::FIXED | attrs::READONLY
            } else {
                attrs::FIXED
            };
            obj.set_attrs(i, at | lock);
        }
    }

    /// `Object.isFrozen` (`frozen`) or `Object.isSealed`.
    pub fn test_integrity(&self, o: ObjId, frozen: bool) -> bool {
        let obj = self.heap.obj(o);
        if obj.extensible {
            return false;
        }
        let want = if frozen {
            ElemsLock::Frozen
        } else {
            ElemsLock::Sealed
        };
        if !obj.elems.is_empty() && obj.class == Class::Array && obj.elems_lock < want {
            return false;
        }
        (0..obj.props.len()).all(|i| {
            let at = obj.attrs(i);
            at & attrs::PRIVATE != 0
                || at & attrs::FIXED != 0
                    && (!frozen || at & attrs::ACCESSOR != 0 || at & attrs::READONLY != 0)
        })
    }

    fn key_text(&self, key: Key) -> String {
        match key {
            Key::Index(i) => i.to_string(),
            Key::Name(a) => self.heap.atom_str(a).to_string(),
        }
    }
}

fn data(value: Value, attrs: Attrs) -> Current {
    Current {
        value,
        getter: Value::Undefined,
        setter: Value::Undefined,
        attrs,
    }
}
