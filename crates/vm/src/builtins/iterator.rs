//! Array and string iterators: `values()`, `keys()`, `entries()` and
//! `[Symbol.iterator]()`, %ArrayIteratorPrototype% and
//! %StringIteratorPrototype% with their `next`. `for…of`, spread and
//! destructuring walk arrays and strings directly while these are the
//! realm's own (`Vm::plain_array_iteration`), which a script can observe
//! only by replacing them.

use super::{native, set, string_tag};
use crate::error::Interrupt;
use crate::heap::{Class, IterKind};
use crate::state::{Args, Vm};
use crate::value::{ObjId, Value};

/// The methods are set plainly: `Heap::seal` hides every built-in's
/// properties (`Obj::builtin`).
pub fn install(vm: &mut Vm) {
    let (aip, next) = iterator_prototype(vm, "Array Iterator", array_iterator_next);
    vm.realm.array_iterator_proto = aip;
    vm.realm.array_iterator_next = next;

    let ap = vm.realm.array_proto;
    let values = native(vm, "values", 0, |vm, this, _| {
        make_array_iterator(vm, this, IterKind::Values)
    });
    set(vm, ap, "values", Value::Obj(values));
    let key = vm.atoms.symbols.iterator;
    vm.define_own(ap, key, Value::Obj(values))
        .expect("the realm is made within its budget");
    vm.realm.array_values = values;
    let keys = native(vm, "keys", 0, |vm, this, _| {
        make_array_iterator(vm, this, IterKind::Keys)
    });
    set(vm, ap, "keys", Value::Obj(keys));
    let entries = native(vm, "entries", 0, |vm, this, _| {
        make_array_iterator(vm, this, IterKind::Entries)
    });
    set(vm, ap, "entries", Value::Obj(entries));

    let (sip, next) = iterator_prototype(vm, "String Iterator", string_iterator_next);
    vm.realm.string_iterator_proto = sip;
    vm.realm.string_iterator_next = next;
    let make = native(vm, "[Symbol.iterator]", 0, |vm, this, _| {
        if this.is_nullish() {
            return Err(
                vm.type_error("String.prototype[Symbol.iterator] called on null or undefined")
            );
        }
        let s = vm.to_string_value(this)?;
        let it = vm.heap.alloc(
            Class::StringIter { pos: 0 },
            Some(vm.realm.string_iterator_proto),
        )?;
        vm.heap.obj_mut(it).elems.push(s);
        Ok(Value::Obj(it))
    });
    let sp = vm.realm.string_proto;
    vm.define_own(sp, key, Value::Obj(make))
        .expect("the realm is made within its budget");
    vm.realm.string_iterator = make;
}

/// An iterator prototype under %IteratorPrototype%: its `next` and its
/// `Symbol.toStringTag`.
pub(super) fn iterator_prototype(
    vm: &mut Vm,
    tag: &str,
    next: crate::state::NativeFn,
) -> (ObjId, ObjId) {
    let proto = vm
        .heap
        .alloc(Class::Object, Some(vm.realm.iterator_proto))
        .expect("the realm is made within its budget");
    let next = native(vm, "next", 0, next);
    set(vm, proto, "next", Value::Obj(next));
    string_tag(vm, proto, tag);
    (proto, next)
}

/// `values()` / `keys()` / `entries()` on any object with a `length`.
pub(super) fn make_array_iterator(
    vm: &mut Vm,
    this: Value,
    kind: IterKind,
) -> Result<Value, Interrupt> {
    if this.is_nullish() {
        return Err(vm.type_error("Array.prototype iterator method called on null or undefined"));
    }
    let it = vm.heap.alloc(
        Class::ArrayIter { pos: 0, kind },
        Some(vm.realm.array_iterator_proto),
    )?;
    vm.heap.obj_mut(it).elems.push(this);
    Ok(Value::Obj(it))
}

/// %ArrayIteratorPrototype%.next: the length is read at every step, so an
/// array that grows while iterated gives its new elements.
fn array_iterator_next(vm: &mut Vm, this: Value, _: Args) -> Result<Value, Interrupt> {
    vm.refuse_state(this, "step an iterator a module's top level made")?;
    let found = this.as_obj().and_then(|it| match vm.heap.obj(it).class {
        Class::ArrayIter { pos, kind } => Some((it, pos, kind)),
        _ => None,
    });
    let Some((it, pos, kind)) = found else {
        return Err(vm.type_error("next method called on an object that is not an Array Iterator"));
    };
    let target = vm.heap.obj(it).elems[0];
    if matches!(target, Value::Undefined) {
        return vm.iter_result(Value::Undefined, true);
    }
    let len = match target {
        Value::Obj(a) if vm.heap.obj(a).class == Class::Array => vm.heap.obj(a).elems.len() as f64,
        _ => {
            let n = vm.get_field(target, vm.atoms.length)?;
            let n = vm.to_number(n)?;
            if n.is_nan() || n <= 0.0 {
                0.0
            } else {
                n.floor()
            }
        }
    };
    if pos as f64 >= len {
        vm.heap.obj_mut(it).elems[0] = Value::Undefined;
        return vm.iter_result(Value::Undefined, true);
    }
    vm.heap.obj_mut(it).class = Class::ArrayIter { pos: pos + 1, kind };
    let index = Value::Num(pos as f64);
    let v = match kind {
        IterKind::Keys => index,
        IterKind::Values => vm.get_index(target, index)?,
        IterKind::Entries => {
            let v = vm.get_index(target, index)?;
            vm.new_array(&[index, v])?
        }
    };
    vm.iter_result(v, false)
}

/// %StringIteratorPrototype%.next: one code point at a time.
fn string_iterator_next(vm: &mut Vm, this: Value, _: Args) -> Result<Value, Interrupt> {
    vm.refuse_state(this, "step an iterator a module's top level made")?;
    let found = this.as_obj().and_then(|it| match vm.heap.obj(it).class {
        Class::StringIter { pos } => Some((it, pos)),
        _ => None,
    });
    let Some((it, pos)) = found else {
        return Err(vm.type_error("next method called on an object that is not a String Iterator"));
    };
    let target = vm.heap.obj(it).elems[0];
    let c = vm
        .heap
        .str(target)
        .and_then(|s| s[pos as usize..].chars().next());
    let Some(c) = c else {
        vm.heap.obj_mut(it).elems[0] = Value::Undefined;
        return vm.iter_result(Value::Undefined, true);
    };
    vm.heap.obj_mut(it).class = Class::StringIter {
        pos: pos + c.len_utf8() as u32,
    };
    let v = vm.char_value(c)?;
    vm.iter_result(v, false)
}

impl Vm {
    /// Whether iterating array `o` with the protocol would do just what
    /// walking its elements does: it inherits the realm's
    /// `[Symbol.iterator]` (not shadowed, not replaced) and
    /// %ArrayIteratorPrototype%.next is the realm's own.
    pub(crate) fn plain_array_iteration(&self, o: ObjId) -> bool {
        let obj = self.heap.obj(o);
        if obj.proto != Some(self.realm.array_proto) {
            return false;
        }
        let key = self.atoms.symbols.iterator;
        if !obj.props.is_empty() && self.get_own_slot(o, key).is_some() {
            return false;
        }
        self.realm_iteration_intact(
            self.realm.array_proto,
            self.realm.array_values,
            self.realm.array_iterator_proto,
            self.realm.array_iterator_next,
        )
    }

    /// The same for strings: `String.prototype[Symbol.iterator]` and
    /// %StringIteratorPrototype%.next are the realm's own.
    pub(crate) fn plain_string_iteration(&self) -> bool {
        self.realm_iteration_intact(
            self.realm.string_proto,
            self.realm.string_iterator,
            self.realm.string_iterator_proto,
            self.realm.string_iterator_next,
        )
    }

    fn realm_iteration_intact(
        &self,
        proto: ObjId,
        make: ObjId,
        it_proto: ObjId,
        next: ObjId,
    ) -> bool {
        self.still_holds(proto, "", make) && self.still_holds(it_proto, "next", next)
    }

    /// Whether built-in `o`'s method `name` (`""`: `[Symbol.iterator]`) is
    /// still `f`. Unchanged built-ins (the common case) need no lookup.
    fn still_holds(&self, o: ObjId, name: &str, f: ObjId) -> bool {
        if !self.heap.obj(o).changed {
            return true;
        }
        let key = if name.is_empty() {
            Some(self.atoms.symbols.iterator)
        } else {
            self.heap.lookup_atom(name)
        };
        matches!(key.and_then(|k| self.get_own(o, k)), Some(Value::Obj(g)) if g == f)
    }
}
