//! Property access: reading, writing, defining and deleting properties,
//! array elements and string indices, prototype chains, `in`, `instanceof`,
//! spreading and the iterators behind `for…of` / `for…in`.

use super::attrs::{self, Attrs};
use super::error::Interrupt;
use super::heap::{Class, ElemsLock, INDEX_AT, LENGTH_DROPPED, NAME_DROPPED, SLOT_COST};
use super::number::as_index;
use super::sparse_array::dense_gap_fits;
use super::state::Vm;
use super::value::{Atom, ObjId, Value};

/// A property key after conversion: an array index or a name.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Key {
    Index(usize),
    Name(Atom),
}

impl Vm {
    /// An own data property, ignoring the prototype chain, accessors and
    /// special properties.
    #[inline]
    pub fn get_own(&self, o: ObjId, a: Atom) -> Option<Value> {
        self.get_own_slot(o, a)
            .filter(|&(_, at)| at & attrs::ACCESSOR == 0)
            .map(|(v, _)| v)
    }

    /// An own property as stored: its value (an accessor's pair object for
    /// an accessor) and attributes.
    #[inline]
    pub fn get_own_slot(&self, o: ObjId, a: Atom) -> Option<(Value, Attrs)> {
        let obj = self.heap.obj(o);
        let i = if self.heap.is_permanent(o) {
            // Built-ins keep their properties sorted (see `Heap::seal`).
            self.heap.find_permanent(obj, a)
        } else {
            obj.find(a)
        }?;
        Some((obj.props[i].1, obj.attrs(i)))
    }

    /// Looks `a` up along the prototype chain starting at `start`.
    pub(crate) fn lookup_chain(&self, start: Option<ObjId>, a: Atom) -> Option<(Value, Attrs)> {
        let mut p = start;
        while let Some(id) = p {
            if self.heap.is_permanent(id) {
                return self.heap.lookup_permanent(id, a);
            }
            let o = self.heap.obj(id);
            if let Some(i) = o.find(a) {
                return Some((o.props[i].1, o.attrs(i)));
            }
            p = o.proto;
        }
        None
    }

    /// A property's value as read from `receiver`: an accessor's getter is
    /// called on it.
    #[inline]
    pub(crate) fn read_slot(
        &mut self,
        found: Option<(Value, Attrs)>,
        receiver: Value,
    ) -> Result<Value, Interrupt> {
        match found {
            None => Ok(Value::Undefined),
            Some((v, at)) if at & attrs::ACCESSOR == 0 => Ok(v),
            Some((pair, _)) => self.call_getter(pair, receiver),
        }
    }

    #[inline(never)]
    fn call_getter(&mut self, pair: Value, receiver: Value) -> Result<Value, Interrupt> {
        let getter = self.heap.obj(pair.as_obj().unwrap()).elems[0];
        if matches!(getter, Value::Undefined) {
            return Ok(Value::Undefined);
        }
        self.call_function(getter, receiver, &[])
    }

    /// Reads `v.a`. The common case, an own property of an object, is
    /// inlined into the dispatch loop; everything else goes out of line.
    #[inline]
    pub fn get_field(&mut self, v: Value, a: Atom) -> Result<Value, Interrupt> {
        if let Value::Obj(id) = v {
            let o = self.heap.obj(id);
            if !o.special {
                if let Some(&(_, v)) = o.props.iter().find(|(k, _)| *k == a) {
                    return Ok(v);
                }
            }
            // `items.length` in a loop head: not worth a call.
            if matches!(o.class, Class::Array) && a == self.atoms.length {
                return Ok(Value::Num(o.elems.len() as f64));
            }
        }
        self.get_field_slow(v, a)
    }

    #[inline(never)]
    /// Everything but an own property (which `get_field` has looked for).
    fn get_field_slow(&mut self, v: Value, a: Atom) -> Result<Value, Interrupt> {
        match v {
            Value::Obj(id) => {
                if self.heap.obj(id).special {
                    // A namespace object is special: its exports read live.
                    if self.heap.obj(id).class == Class::Namespace {
                        if let Some(read) = self.namespace_read(id, a) {
                            return read;
                        }
                    }
                    if let Some(found) = self.get_own_slot(id, a) {
                        return self.read_slot(Some(found), v);
                    }
                }
                let o = self.heap.obj(id);
                match o.class {
                    Class::Array if a == self.atoms.length => {
                        return Ok(Value::Num(o.elems.len() as f64));
                    }
                    Class::TypedArray(t) => {
                        // An index names an element or nothing; it is never
                        // looked up on the prototype.
                        if let Some(i) = canonical_index(self.heap.atom_str(a)) {
                            return Ok(self.typed_get(id, t, i).unwrap_or(Value::Undefined));
                        }
                    }
                    Class::Closure(_) | Class::Native(_) => {
                        let computed = self.computed_function_prop(id, a);
                        if computed == NAME_DROPPED {
                            let n = self.function_name(id);
                            return Ok(self.heap.alloc_str(&n)?);
                        }
                        if computed == LENGTH_DROPPED {
                            return Ok(Value::Num(self.function_length(id) as f64));
                        }
                        if a == self.atoms.prototype
                            && matches!(o.class, Class::Closure(fi) if self.funcs[fi as usize].constructible)
                        {
                            // Created on first use, so closures that are never
                            // constructors never pay for one.
                            let p = self
                                .heap
                                .alloc(Class::Object, Some(self.realm.object_proto))?;
                            self.define_with(
                                p,
                                self.atoms.constructor,
                                Value::Obj(id),
                                attrs::METHOD,
                            )?;
                            self.define_with(id, a, Value::Obj(p), attrs::HIDDEN | attrs::FIXED)?;
                            return Ok(Value::Obj(p));
                        }
                        if a == self.atoms.prototype
                            && matches!(o.class, Class::Closure(fi) if self.funcs[fi as usize].is_generator)
                        {
                            // A generator function's prototype: what its
                            // generator objects inherit, next() and all.
                            let Class::Closure(fi) = o.class else {
                                unreachable!()
                            };
                            let parent = if self.funcs[fi as usize].is_async {
                                self.realm.async_generator_proto
                            } else {
                                self.realm.generator_proto
                            };
                            let p = self.heap.alloc(Class::Object, Some(parent))?;
                            self.define_with(id, a, Value::Obj(p), attrs::HIDDEN | attrs::FIXED)?;
                            return Ok(Value::Obj(p));
                        }
                    }
                    _ => {}
                }
                // Own properties were searched (by `get_field`, or above).
                let found = self.lookup_chain(o.proto, a);
                if found.is_none() && super::class::is_private_key(self.heap.atom_str(a)) {
                    return Err(self.private_missing(a, "read"));
                }
                self.read_slot(found, v)
            }
            Value::Atom(_) | Value::Str(_) => {
                if a == self.atoms.length {
                    let s = self.heap.str(v).unwrap();
                    return Ok(Value::Num(utf16_len(s) as f64));
                }
                let found = self.lookup_chain(Some(self.realm.string_proto), a);
                self.read_slot(found, v)
            }
            Value::Num(_) => {
                let found = self.lookup_chain(Some(self.realm.number_proto), a);
                self.read_slot(found, v)
            }
            Value::Bool(_) => {
                let found = self.lookup_chain(Some(self.realm.boolean_proto), a);
                self.read_slot(found, v)
            }
            Value::Symbol(_) => {
                let found = self.lookup_chain(Some(self.realm.symbol_proto), a);
                self.read_slot(found, v)
            }
            Value::Undefined | Value::Null | Value::Cell(_) => {
                Err(self.nullish_error(v, self.heap.atom_str(a), false))
            }
        }
    }

    /// If `a` is the `name` or `length` function `id` has without storing
    /// it (not deleted, not redefined as an own property), its bit in
    /// `Obj::dropped`; else 0. Own properties must have been searched.
    pub(crate) fn computed_function_prop(&self, id: ObjId, a: Atom) -> u8 {
        let o = self.heap.obj(id);
        if !matches!(o.class, Class::Closure(_) | Class::Native(_)) {
            return 0;
        }
        let bit = if a == self.atoms.name {
            NAME_DROPPED
        } else if a == self.atoms.length {
            LENGTH_DROPPED
        } else {
            return 0;
        };
        if o.dropped & bit != 0 { 0 } else { bit }
    }

    /// Reading or writing a `#private` name the object does not have.
    fn private_missing(&self, a: Atom, verb: &str) -> Interrupt {
        let name = super::class::private_text(self.heap.atom_str(a));
        self.type_error(format!(
            "Cannot {verb} private member {name} from an object whose class did not declare it"
        ))
    }

    /// A key as a message shows it, without running script code: the
    /// TypeError for a null base comes before the key is converted.
    fn key_for_message(&mut self, k: Value) -> String {
        match k {
            Value::Obj(_) => "[object Object]".to_string(),
            Value::Symbol(a) => format!("Symbol({})", self.heap.atom_str(a)),
            _ => {
                let mut key = String::new();
                let _ = self.write_string(k, &mut key);
                key
            }
        }
    }

    /// `Cannot read properties of undefined (reading 'x')`, or its setting twin.
    fn nullish_error(&self, target: Value, key: &str, setting: bool) -> Interrupt {
        let what = if matches!(target, Value::Null) {
            "null"
        } else {
            "undefined"
        };
        let (verb, doing) = if setting {
            ("set", "setting")
        } else {
            ("read", "reading")
        };
        self.type_error(format!(
            "Cannot {verb} properties of {what} ({doing} '{key}')"
        ))
    }

    /// Converts a value to a property key.
    pub fn to_key(&mut self, k: Value) -> Result<Key, Interrupt> {
        match k {
            Value::Num(n) => match as_index(n) {
                Some(i) => Ok(Key::Index(i)),
                None => {
                    let mut s = std::mem::take(&mut self.scratch);
                    s.clear();
                    super::number::write_number(n, &mut s);
                    let a = self.heap.intern(&s);
                    self.scratch = s;
                    Ok(Key::Name(a))
                }
            },
            Value::Symbol(a) => Ok(Key::Name(a)),
            Value::Atom(a) => Ok(match canonical_index(self.heap.atom_str(a)) {
                Some(i) => Key::Index(i),
                None => Key::Name(a),
            }),
            Value::Obj(_) => {
                // ToPropertyKey: ToPrimitive with hint string, which may
                // give a symbol.
                let p = self.object_to_primitive_hint(k, "string")?;
                self.to_key(p)
            }
            _ => {
                let mut s = std::mem::take(&mut self.scratch);
                s.clear();
                let r = self.write_string(k, &mut s);
                let key = r.map(|_| match canonical_index(&s) {
                    Some(i) => Key::Index(i),
                    None => Key::Name(self.heap.intern(&s)),
                });
                self.scratch = s;
                key
            }
        }
    }

    /// A key as an atom (array indices become their decimal names).
    pub fn to_atom(&mut self, k: Value) -> Result<Atom, Interrupt> {
        let key = self.to_key(k)?;
        Ok(self.key_atom(key))
    }

    /// A converted key as an atom: an index's decimal name.
    pub fn key_atom(&mut self, key: Key) -> Atom {
        match key {
            Key::Name(a) => a,
            Key::Index(i) => self.index_atom(i),
        }
    }

    pub fn index_atom(&mut self, i: usize) -> Atom {
        let mut s = std::mem::take(&mut self.scratch);
        s.clear();
        super::number::write_number(i as f64, &mut s);
        let a = self.heap.intern(&s);
        self.scratch = s;
        a
    }

    pub fn get_index(&mut self, o: Value, k: Value) -> Result<Value, Interrupt> {
        if let (Value::Obj(id), Value::Num(n)) = (o, k) {
            let obj = self.heap.obj(id);
            if matches!(obj.class, Class::Array) {
                if let Some(i) = as_index(n)
                    && let Some(&v) = obj.elems.get(i)
                {
                    return Ok(v);
                }
            }
        }
        if o.is_nullish() {
            let key = self.key_for_message(k);
            return Err(self.nullish_error(o, &key, false));
        }
        match self.to_key(k)? {
            Key::Index(i) => match o {
                Value::Obj(id) if self.heap.obj(id).class == Class::Array => {
                    match self.heap.obj(id).elems.get(i) {
                        Some(&v) => Ok(v),
                        // Past the end: an element only a prototype may have.
                        None => self.index_from_chain(self.heap.obj(id).proto, o, i),
                    }
                }
                Value::Obj(id) if self.heap.obj(id).class == Class::SparseArray => {
                    self.sparse_access_cost()?;
                    self.index_from_chain(Some(id), o, i)
                }
                Value::Atom(_) | Value::Str(_) => self.string_at(o, i),
                Value::Obj(id) if let Class::TypedArray(t) = self.heap.obj(id).class => {
                    Ok(self.typed_get(id, t, i).unwrap_or(Value::Undefined))
                }
                _ => {
                    if let Some(c) = self.wrapped_char(o, i)? {
                        return Ok(c);
                    }
                    let a = self.index_atom(i);
                    self.get_field(o, a)
                }
            },
            Key::Name(a) => self.get_field(o, a),
        }
    }

    /// Element `i` read from `receiver`, looked for from `start` up the
    /// prototype chain (in a dense array's vector or among the properties).
    #[cold]
    fn index_from_chain(
        &mut self,
        start: Option<ObjId>,
        receiver: Value,
        i: usize,
    ) -> Result<Value, Interrupt> {
        let mut p = start;
        while let Some(id) = p {
            let obj = self.heap.obj(id);
            if obj.class == Class::Array
                && let Some(&v) = obj.elems.get(i)
            {
                return Ok(v);
            }
            if !obj.props.is_empty() {
                let a = self.index_atom(i);
                if let Some(found) = self.get_own_slot(id, a) {
                    return self.read_slot(Some(found), receiver);
                }
            }
            p = self.heap.obj(id).proto;
        }
        Ok(Value::Undefined)
    }

    /// `s[i]`: the UTF-16 unit at `i` as a one-character string, or undefined.
    pub fn string_at(&mut self, s: Value, i: usize) -> Result<Value, Interrupt> {
        let text = self.heap.str(s).unwrap();
        if text.is_ascii() {
            return match text.as_bytes().get(i) {
                Some(&b) => Ok(self.char_value(b as char)?),
                None => Ok(Value::Undefined),
            };
        }
        match utf16_char_at(text, i) {
            Some(c) => Ok(self.char_value(c)?),
            None => Ok(Value::Undefined),
        }
    }

    /// A one-character string; ASCII ones are atoms made at start-up.
    pub fn char_value(&mut self, c: char) -> Result<Value, super::heap::OutOfMemory> {
        if c.is_ascii() {
            return Ok(Value::Atom(self.ascii_atoms[c as usize]));
        }
        let mut b = [0u8; 4];
        self.heap.alloc_str(c.encode_utf8(&mut b))
    }

    /// Array elements of `id` may change (and be added, when `grow`).
    fn check_elements_writable(&mut self, id: ObjId, grow: bool) -> Result<(), Interrupt> {
        self.open_object(id)?;
        let o = self.heap.obj(id);
        if o.elems_lock == ElemsLock::Frozen || (grow && !o.extensible) {
            return Err(
                self.type_error("Cannot add or change an element of a frozen or sealed array")
            );
        }
        Ok(())
    }

    /// Defines or overwrites an own data property with the plain attributes
    /// (object literals, built-ins).
    #[inline(always)]
    pub fn define_own(&mut self, id: ObjId, a: Atom, v: Value) -> Result<(), Interrupt> {
        let o = self.heap.obj_mut(id);
        // Every property plain: the pair is all there is (object literals
        // build objects this way, in the dispatch loop).
        // (Not an indexed object: those are `special`, and the push stays
        // below the size that starts an index.)
        if o.attrs.is_empty() && !o.special && o.props.len() < INDEX_AT {
            if let Some(slot) = o.props.iter_mut().find(|(k, _)| *k == a) {
                slot.1 = v;
                return Ok(());
            }
            self.heap.charge(SLOT_COST)?;
            self.heap.obj_mut(id).props.push((a, v));
            return Ok(());
        }
        self.define_with(id, a, v, attrs::PLAIN)
    }

    /// Defines or overwrites own property `a` with value `v` and attributes
    /// `at` (for an accessor, `v` is its pair object), without checks.
    pub fn define_with(
        &mut self,
        id: ObjId,
        a: Atom,
        v: Value,
        at: Attrs,
    ) -> Result<(), Interrupt> {
        let o = self.heap.obj_mut(id);
        if let Some(i) = o.find(a) {
            o.props[i].1 = v;
            o.set_attrs(i, at);
            return Ok(());
        }
        self.heap.charge(self.heap.prop_cost(id))?;
        self.heap.obj_mut(id).push_prop(a, v, at);
        Ok(())
    }

    /// Defines an accessor half (`get x() {}` in a literal or class),
    /// keeping the other half if the property is already an accessor.
    pub fn define_accessor(
        &mut self,
        id: ObjId,
        a: Atom,
        f: Value,
        setter: bool,
        at: Attrs,
    ) -> Result<(), Interrupt> {
        let pair = match self.get_own_slot(id, a) {
            Some((Value::Obj(p), old)) if old & attrs::ACCESSOR != 0 => p,
            _ => {
                let p = self.heap.alloc(Class::Accessor, None)?;
                self.heap.obj_mut(p).elems.extend([Value::Undefined; 2]);
                p
            }
        };
        self.heap.obj_mut(pair).elems[setter as usize] = f;
        self.define_with(id, a, Value::Obj(pair), at | attrs::ACCESSOR)
    }

    #[inline]
    pub fn set_field(&mut self, o: Value, a: Atom, v: Value) -> Result<(), Interrupt> {
        if let Value::Obj(id) = o {
            if !self.heap.is_permanent(id) {
                let obj = self.heap.obj_mut(id);
                if !obj.special {
                    if let Some(slot) = obj.props.iter_mut().find(|(k, _)| *k == a) {
                        slot.1 = v;
                        return Ok(());
                    }
                }
            }
        }
        self.set_field_slow(o, a, v)
    }

    /// An assignment of `v` to `a` on `receiver` met the property `slot`
    /// (with attributes `at`) on the way: an accessor's setter is called
    /// on the receiver (true: done), a getter-only or read-only property
    /// is a `TypeError`; false for a writable data property.
    #[inline]
    pub(crate) fn assign_through(
        &mut self,
        slot: Value,
        at: Attrs,
        receiver: Value,
        a: Atom,
        v: Value,
    ) -> Result<bool, Interrupt> {
        if at & attrs::ACCESSOR != 0 {
            let setter = self.heap.obj(slot.as_obj().unwrap()).elems[1];
            if matches!(setter, Value::Undefined) {
                let shown = super::inspect::inspect_short(self, receiver);
                return Err(self.type_error(format!(
                    "Cannot set property {} of {shown} which has only a getter",
                    self.heap.atom_str(a),
                )));
            }
            self.call_function(setter, receiver, &[v])?;
            return Ok(true);
        }
        if at & attrs::READONLY != 0 {
            return Err(self.type_error(format!(
                "Cannot assign to read only property '{}' of object",
                self.heap.atom_str(a)
            )));
        }
        Ok(false)
    }

    /// Everything but overwriting a plain own property (`set_field` did).
    #[inline(never)]
    fn set_field_slow(&mut self, o: Value, a: Atom, v: Value) -> Result<(), Interrupt> {
        let (own, start) = match o {
            Value::Obj(id) => {
                self.open_object(id)?;
                if matches!(self.heap.obj(id).class, Class::Array | Class::SparseArray)
                    && a == self.atoms.length
                {
                    return self.array_set_length(id, Some(v), Default::default(), true);
                }
                (Some(id), Some(id))
            }
            Value::Undefined | Value::Null => {
                return Err(self.nullish_error(o, self.heap.atom_str(a), true));
            }
            Value::Atom(_) | Value::Str(_) => (None, Some(self.realm.string_proto)),
            Value::Num(_) => (None, Some(self.realm.number_proto)),
            Value::Bool(_) => (None, Some(self.realm.boolean_proto)),
            Value::Symbol(_) => (None, Some(self.realm.symbol_proto)),
            Value::Cell(_) => (None, None),
        };
        // A setter or a read-only property along the chain decides.
        let mut p = start;
        while let Some(id) = p {
            let obj = self.heap.obj(id);
            let proto = obj.proto;
            let found = if obj.special || Some(id) == own {
                self.get_own_slot(id, a)
            } else {
                None
            };
            if let Some((slot, at)) = found {
                if self.assign_through(slot, at, o, a, v)? {
                    return Ok(());
                }
                if Some(id) == own {
                    let o = self.heap.obj_mut(id);
                    let i = o.find(a).unwrap();
                    o.props[i].1 = v;
                    return Ok(());
                }
                break;
            }
            p = proto;
        }
        let Some(id) = own else {
            let shown = super::inspect::inspect_short(self, o);
            return Err(self.type_error(format!(
                "Cannot create property '{}' on {shown}",
                self.heap.atom_str(a)
            )));
        };
        if self.computed_function_prop(id, a) != 0 {
            let shown = super::inspect::inspect_short(self, o);
            return Err(self.type_error(format!(
                "Cannot assign to read only property '{}' of {shown}",
                self.heap.atom_str(a)
            )));
        }
        if super::class::is_private_key(self.heap.atom_str(a)) {
            return Err(self.private_missing(a, "write"));
        }
        if !self.heap.obj(id).extensible {
            return Err(self.type_error(format!(
                "Cannot add property {}, object is not extensible",
                self.heap.atom_str(a)
            )));
        }
        let index = if self.heap.obj(id).class == Class::SparseArray {
            canonical_index(self.heap.atom_str(a))
        } else {
            None
        };
        if let Some(i) = index {
            self.sparse_check_new_index(id, i)?;
        }
        self.heap.charge(self.heap.prop_cost(id))?;
        self.heap.obj_mut(id).push_prop(a, v, attrs::PLAIN);
        if let Some(i) = index {
            self.sparse_index_added(id, i);
        }
        Ok(())
    }

    pub fn set_index(&mut self, o: Value, k: Value, v: Value) -> Result<(), Interrupt> {
        if o.is_nullish() {
            let key = self.key_for_message(k);
            return Err(self.nullish_error(o, &key, true));
        }
        let key = self.to_key(k)?;
        if let Value::Obj(id) = o {
            match (self.heap.obj(id).class, key) {
                (Class::TypedArray(t), Key::Index(i)) => return self.typed_set(id, t, i, v),
                (Class::Array, Key::Index(i)) => {
                    let len = self.heap.obj(id).elems.len();
                    self.check_elements_writable(id, i >= len)?;
                    if i < len {
                        self.heap.obj_mut(id).elems[i] = v;
                        return Ok(());
                    }
                    if dense_gap_fits(len, i - len) {
                        self.heap.charge((i + 1 - len) * SLOT_COST)?;
                        let elems = &mut self.heap.obj_mut(id).elems;
                        elems.resize(i, Value::Undefined);
                        elems.push(v);
                        return Ok(());
                    }
                    self.make_sparse(id)?;
                    self.sparse_access_cost()?;
                }
                (Class::SparseArray, _) => self.sparse_access_cost()?,
                _ => {}
            }
        }
        let a = self.key_atom(key);
        self.set_field(o, a, v)
    }

    pub fn delete(&mut self, o: Value, a: Atom) -> Result<bool, Interrupt> {
        let Value::Obj(id) = o else { return Ok(true) };
        self.open_object(id)?;
        let obj = self.heap.obj(id);
        if let Some(i) = obj.find(a) {
            if obj.attrs(i) & attrs::FIXED != 0 {
                let shown = super::inspect::inspect_short(self, o);
                return Err(self.type_error(format!(
                    "Cannot delete property '{}' of {shown}",
                    self.heap.atom_str(a)
                )));
            }
            // The properties after it move down one place (and, past the
            // size that indexes them, are re-indexed): work to pay for.
            let moved = obj.props.len() - i;
            if moved > INDEX_AT {
                self.charge_work(moved as u64)?;
            }
            self.heap.obj_mut(id).remove_prop(i);
        } else if a == self.atoms.length && obj.class == Class::Array {
            return Err(self.type_error("Cannot delete property 'length' of [object Array]"));
        }
        // A function's `name` or `length`, computed or redefined, is gone.
        let bit = self.computed_function_prop(id, a);
        self.heap.obj_mut(id).dropped |= bit;
        Ok(true)
    }

    pub fn delete_index(&mut self, o: Value, k: Value) -> Result<bool, Interrupt> {
        let key = self.to_key(k)?;
        if let (Value::Obj(id), Key::Index(i)) = (o, key)
            && self.heap.obj(id).class == Class::Array
        {
            if i >= self.heap.obj(id).elems.len() {
                return Ok(true);
            }
            // The element leaves a hole: a dense vector has none.
            self.make_sparse(id)?;
        }
        let a = self.key_atom(key);
        self.delete(o, a)
    }

    /// Copies `src`'s own enumerable properties into `dst` (spread, assign, rest).
    pub fn copy_props(
        &mut self,
        dst: ObjId,
        src: Value,
        exclude: &[Atom],
    ) -> Result<(), Interrupt> {
        match src {
            Value::Obj(s) => {
                let n = self.heap.obj(s).elems.len();
                if matches!(self.heap.obj(s).class, Class::Array) {
                    for i in 0..n {
                        let v = self.heap.obj(s).elems[i];
                        let a = self.index_atom(i);
                        if !exclude.contains(&a) {
                            self.define_own(dst, a, v)?;
                        }
                    }
                }
                let mut i = 0;
                while i < self.heap.obj(s).props.len() {
                    let (k, v) = self.heap.obj(s).props[i];
                    let at = self.heap.obj(s).attrs(i);
                    i += 1;
                    if at & attrs::HIDDEN != 0 || exclude.contains(&k) {
                        continue;
                    }
                    let v = self.read_slot(Some((v, at)), src)?;
                    self.define_own(dst, k, v)?;
                }
                Ok(())
            }
            Value::Atom(_) | Value::Str(_) => {
                let chars: Vec<char> = self.heap.str(src).unwrap().chars().collect();
                for (i, c) in chars.into_iter().enumerate() {
                    let a = self.index_atom(i);
                    let v = self.char_value(c)?;
                    if !exclude.contains(&a) {
                        self.define_own(dst, a, v)?;
                    }
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// Appends the items of an iterable (array or string) to array `arr`.
    pub fn spread_into(&mut self, arr: ObjId, src: Value) -> Result<(), Interrupt> {
        match src {
            Value::Obj(s)
                if self.heap.obj(s).class == Class::Array && self.plain_array_iteration(s) =>
            {
                let n = self.heap.obj(s).elems.len();
                self.heap.charge(n * SLOT_COST)?;
                if s == arr {
                    let copy = self.heap.obj(s).elems.clone();
                    self.heap.obj_mut(arr).elems.extend(copy);
                } else {
                    for i in 0..n {
                        let v = self.heap.obj(s).elems[i];
                        self.heap.obj_mut(arr).elems.push(v);
                    }
                }
                Ok(())
            }
            Value::Atom(_) | Value::Str(_) if self.plain_string_iteration() => {
                let mut i = 0;
                loop {
                    let text = self.heap.str(src).unwrap();
                    let Some(c) = text[i..].chars().next() else {
                        break;
                    };
                    i += c.len_utf8();
                    let v = self.char_value(c)?;
                    self.heap.charge(SLOT_COST)?;
                    self.heap.obj_mut(arr).elems.push(v);
                }
                Ok(())
            }
            _ => self.append_values(arr, src, usize::MAX),
        }
    }

    /// `Op::ToArray`: the top of the stack as an array to destructure.
    #[inline(never)]
    pub(crate) fn to_array_top(&mut self, n: usize) -> Result<(), Interrupt> {
        let v = *self.stack.last().unwrap();
        if !matches!(v, Value::Obj(o) if self.heap.obj(o).class == Class::Array && self.plain_array_iteration(o))
        {
            let arr = self.take_values(v, n)?;
            *self.stack.last_mut().unwrap() = arr;
        }
        Ok(())
    }

    /// A new array of the first `n` values an iterable gives (all of them
    /// when it ends first): what array destructuring reads from.
    fn take_values(&mut self, v: Value, n: usize) -> Result<Value, Interrupt> {
        let out = self.new_array(&[])?;
        self.pinned.push(out);
        let r = self.append_values(out.as_obj().unwrap(), v, n);
        self.pinned.pop();
        r.map(|_| out)
    }

    /// Appends to `arr` (which the caller keeps reachable) up to `n` values
    /// of `src` through the iterator protocol.
    fn append_values(&mut self, arr: ObjId, src: Value, n: usize) -> Result<(), Interrupt> {
        let it = self.iter_values(src)?;
        self.pinned.push(it);
        let it = it.as_obj().unwrap();
        let mut r = Ok(());
        let mut ended = false;
        for _ in 0..n {
            match self.iter_next(it) {
                Ok(Some(x)) => {
                    if let Err(e) = self.heap.charge(SLOT_COST) {
                        r = Err(e.into());
                        break;
                    }
                    self.heap.obj_mut(arr).elems.push(x);
                }
                Ok(None) => {
                    ended = true;
                    break;
                }
                Err(e) => {
                    r = Err(e);
                    ended = true;
                    break;
                }
            }
        }
        // Destructuring took what it needed from an iterator that has
        // more: it is closed (`IteratorClose`).
        if !ended && r.is_ok() {
            r = self.iter_close(it);
        }
        self.pinned.pop();
        r
    }

    /// `IteratorClose`: calls a protocol iterator's `return()`, if it has
    /// one, whose result must be an object.
    pub(crate) fn iter_close(&mut self, it: ObjId) -> Result<(), Interrupt> {
        if self.heap.obj(it).class != Class::StepIter {
            return Ok(());
        }
        match self.heap.obj(it).elems[0] {
            iterator @ Value::Obj(_) => self.close_iterator(iterator),
            _ => Ok(()),
        }
    }

    /// IteratorClose of an iterator object: its `return()`, if it has one,
    /// which must give an object.
    pub(crate) fn close_iterator(&mut self, iterator: Value) -> Result<(), Interrupt> {
        let return_key = self.heap.intern("return");
        let method = self.get_field(iterator, return_key)?;
        if method.is_nullish() {
            return Ok(());
        }
        if !self.is_callable(method) {
            return Err(self.type_error("an iterator's return is not a function"));
        }
        match self.call_function(method, iterator, &[])? {
            Value::Obj(_) => Ok(()),
            _ => Err(self.type_error("an iterator's return() gave a result that is not an object")),
        }
    }

    pub fn iter_values(&mut self, v: Value) -> Result<Value, Interrupt> {
        let iterable = match v {
            Value::Obj(o) => {
                self.heap.obj(o).class == Class::Array && self.plain_array_iteration(o)
            }
            Value::Atom(_) | Value::Str(_) => self.plain_string_iteration(),
            _ => false,
        };
        if !iterable {
            // The iterator protocol: `v[Symbol.iterator]()` and its `next`.
            let it = self.get_iterator(v)?;
            let next_key = self.heap.intern("next");
            let next = self.get_field(it, next_key)?;
            let step = self.heap.alloc(Class::StepIter, None)?;
            self.heap.obj_mut(step).elems.extend([it, next]);
            return Ok(Value::Obj(step));
        }
        let it = self.heap.alloc(Class::ValueIter { pos: 0 }, None)?;
        self.heap.obj_mut(it).elems.push(v);
        Ok(Value::Obj(it))
    }

    /// GetIterator: `v[Symbol.iterator]()`, which must be an object.
    pub fn get_iterator(&mut self, v: Value) -> Result<Value, Interrupt> {
        let make = if v.is_nullish() {
            Value::Undefined
        } else {
            self.get_field(v, self.atoms.symbols.iterator)?
        };
        if !self.is_callable(make) {
            let shown = super::inspect::inspect_short(self, v);
            return Err(self.type_error(format!("{shown} is not iterable")));
        }
        let it = self.call_function(make, v, &[])?;
        if !matches!(it, Value::Obj(_)) {
            return Err(self.type_error("Result of the Symbol.iterator method is not an object"));
        }
        Ok(it)
    }

    pub fn iter_keys(&mut self, v: Value) -> Result<Value, Interrupt> {
        let it = self.heap.alloc(Class::KeyIter { pos: 0 }, None)?;
        match v {
            Value::Obj(o) => {
                // Own keys in the specification's order, then each
                // prototype's not already seen (shadowed keys, enumerable
                // or not, are not repeated).
                let mut seen: Vec<Value> = Vec::new();
                let mut p = Some(o);
                while let Some(id) = p {
                    // Built-ins have no enumerable property unless a script
                    // gave them one.
                    if self.heap.is_permanent(id) && !self.heap.obj(id).changed {
                        break;
                    }
                    let all = self.own_keys(id, true);
                    let enumerable = self.own_keys(id, false);
                    self.heap.charge(all.len() * SLOT_COST)?;
                    let is_seen = |seen: &[Value], k: Value| {
                        seen.iter()
                            .any(|s| matches!((s, k), (Value::Atom(x), Value::Atom(y)) if *x == y))
                    };
                    for k in enumerable {
                        if !is_seen(&seen, k) {
                            self.heap.obj_mut(it).elems.push(k);
                        }
                    }
                    for k in all {
                        if !is_seen(&seen, k) {
                            seen.push(k);
                        }
                    }
                    p = self.heap.obj(id).proto;
                }
            }
            Value::Atom(_) | Value::Str(_) => {
                let n = utf16_len(self.heap.str(v).unwrap());
                for i in 0..n {
                    let a = self.index_atom(i);
                    self.heap.obj_mut(it).elems.push(Value::Atom(a));
                }
            }
            _ => {}
        }
        Ok(Value::Obj(it))
    }

    pub fn iter_next(&mut self, it: ObjId) -> Result<Option<Value>, Interrupt> {
        match self.heap.obj(it).class {
            Class::ValueIter { pos } => {
                let target = self.heap.obj(it).elems[0];
                let next = match target {
                    Value::Obj(a) => {
                        let v = self.heap.obj(a).elems.get(pos as usize).copied();
                        v.map(|v| (v, pos + 1))
                    }
                    _ => {
                        let text = self.heap.str(target).unwrap();
                        match text[pos as usize..].chars().next() {
                            Some(c) => Some((self.char_value(c)?, pos + c.len_utf8() as u32)),
                            None => None,
                        }
                    }
                };
                Ok(next.map(|(v, p)| {
                    self.heap.obj_mut(it).class = Class::ValueIter { pos: p };
                    v
                }))
            }
            Class::StepIter => {
                let r = self.step_next(it);
                if r.is_err() {
                    // An iterator whose `next()` failed is not closed.
                    self.heap.obj_mut(it).elems[0] = Value::Undefined;
                }
                r
            }
            Class::KeyIter { pos } => {
                let v = self.heap.obj(it).elems.get(pos as usize).copied();
                if v.is_some() {
                    self.heap.obj_mut(it).class = Class::KeyIter { pos: pos + 1 };
                }
                Ok(v)
            }
            _ => unreachable!("IterNext on a non-iterator"),
        }
    }

    /// The next value of a protocol iterator (`Class::StepIter`).
    fn step_next(&mut self, it: ObjId) -> Result<Option<Value>, Interrupt> {
        let (iterator, next) = (self.heap.obj(it).elems[0], self.heap.obj(it).elems[1]);
        let r = self.call_function(next, iterator, &[])?;
        if !matches!(r, Value::Obj(_)) {
            let shown = super::inspect::inspect_short(self, r);
            return Err(self.type_error(format!("Iterator result {shown} is not an object")));
        }
        let done = self.heap.intern("done");
        let done = self.get_field(r, done)?;
        if self.truthy(done) {
            return Ok(None);
        }
        let value = self.heap.intern("value");
        Ok(Some(self.get_field(r, value)?))
    }

    pub fn has_property(&mut self, o: Value, k: Value) -> Result<bool, Interrupt> {
        let Value::Obj(id) = o else {
            let key = super::inspect::inspect_short(self, k);
            let shown = super::inspect::inspect_short(self, o);
            return Err(self.type_error(format!(
                "Cannot use 'in' operator to search for {key} in {shown}"
            )));
        };
        match self.to_key(k)? {
            Key::Index(i)
                if self.heap.obj(id).class == Class::Array && i < self.heap.obj(id).elems.len() =>
            {
                Ok(true)
            }
            Key::Index(i) if matches!(self.heap.obj(id).class, Class::TypedArray(_)) => {
                Ok(i < self.view_parts(id).2)
            }
            Key::Index(i)
                if self.heap.obj(id).proto.is_some()
                    || self.heap.obj(id).class != Class::Object =>
            {
                // Along the chain: an array's elements, a typed array's, a
                // string wrapper's characters are properties too.
                let mut at = Some(id);
                while let Some(c) = at {
                    if self.own_property(c, Key::Index(i))?.is_some() {
                        return Ok(true);
                    }
                    at = self.heap.obj(c).proto;
                }
                Ok(false)
            }
            key => {
                let a = self.key_atom(key);
                let obj = self.heap.obj(id);
                if a == self.atoms.length && obj.class == Class::Array {
                    return Ok(true);
                }
                Ok(self.lookup_chain(Some(id), a).is_some())
            }
        }
    }

    pub fn instance_of(&mut self, v: Value, c: Value) -> Result<bool, Interrupt> {
        if !matches!(c, Value::Obj(_)) {
            return Err(self.type_error("Right-hand side of 'instanceof' is not an object"));
        }
        let custom = self.get_field(c, self.atoms.symbols.has_instance)?;
        if !custom.is_nullish() {
            let r = self.call_function(custom, c, &[v])?;
            return Ok(self.truthy(r));
        }
        if !self.is_callable(c) {
            return Err(self.type_error("Right-hand side of 'instanceof' is not callable"));
        }
        if let Value::Obj(f) = c {
            if self.heap.obj(f).class == Class::Native(self.realm.bound_native) {
                // A bound function answers for its target.
                let target = self.heap.obj(f).elems[0];
                return self.instance_of(v, target);
            }
        }
        let Value::Obj(mut o) = v else {
            return Ok(false);
        };
        let Value::Obj(proto) = self.get_field(c, self.atoms.prototype)? else {
            return Ok(false);
        };
        while let Some(p) = self.heap.obj(o).proto {
            if p == proto {
                return Ok(true);
            }
            o = p;
        }
        Ok(false)
    }

    /// A new array holding `values`.
    pub fn new_array(&mut self, values: &[Value]) -> Result<Value, Interrupt> {
        let a = self
            .heap
            .alloc(Class::Array, Some(self.realm.array_proto))?;
        self.heap.charge(values.len() * SLOT_COST)?;
        self.heap.obj_mut(a).elems.extend_from_slice(values);
        Ok(Value::Obj(a))
    }

    /// A new empty plain object.
    pub fn new_object(&mut self) -> Result<ObjId, Interrupt> {
        Ok(self
            .heap
            .alloc(Class::Object, Some(self.realm.object_proto))?)
    }
}

/// `"12"` → 12; not `"012"`, `"-1"` or `"1.5"` (JS canonical array indices).
pub fn canonical_index(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    if b.is_empty()
        || b.len() > 10
        || !b.iter().all(u8::is_ascii_digit)
        || (b[0] == b'0' && b.len() > 1)
    {
        return None;
    }
    let n: u64 = s.parse().ok()?;
    if n < u32::MAX as u64 {
        Some(n as usize)
    } else {
        None
    }
}

/// A string's length in UTF-16 code units, as JavaScript counts it.
pub fn utf16_len(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        s.chars().map(char::len_utf16).sum()
    }
}

/// The character at UTF-16 index `i`; half of a surrogate pair reads as U+FFFD.
pub fn utf16_char_at(s: &str, i: usize) -> Option<char> {
    let mut at = 0;
    for c in s.chars() {
        let w = c.len_utf16();
        if i < at + w {
            return Some(if w == 2 { '\u{FFFD}' } else { c });
        }
        at += w;
    }
    None
}
