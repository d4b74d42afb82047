//! `Map`, `Set`, `WeakMap` and `WeakSet`, their iterators
//! (%MapIteratorPrototype%, %SetIteratorPrototype%), and `forEach` as a
//! stepper (stepper.rs), so its callback may wait. The entries and their
//! index: collection.rs.
//!
//! Within a request nothing is collected while something can reach it, so
//! a `WeakMap` holds its keys as a `Map` would; it differs in refusing
//! keys that are not objects or symbols and in having no size or
//! iteration, as specified.

use super::iterator::iterator_prototype;
use super::{arg, callable, constructor, method, native, set, string_tag};
use crate::collection::CollectionKind;
use crate::error::Interrupt;
use crate::heap::{Class, IterKind};
use crate::state::{Args, NativeFn, Vm};
use crate::stepper::Stepper;
use crate::value::{ObjId, Value};

pub fn install(vm: &mut Vm) {
    let map_proto = collection_type(vm, CollectionKind::Map);
    let set_proto = collection_type(vm, CollectionKind::Set);
    let weak_map_proto = collection_type(vm, CollectionKind::WeakMap);
    let weak_set_proto = collection_type(vm, CollectionKind::WeakSet);

    method(vm, map_proto, "get", 1, |vm, this, a| {
        let (o, ix) = this_collection(vm, this, CollectionKind::Map, "get")?;
        Ok(get(vm, o, ix, arg(vm, a, 0)))
    });
    method(vm, map_proto, "set", 2, |vm, this, a| {
        let (o, ix) = this_collection(vm, this, CollectionKind::Map, "set")?;
        vm.collection_put(o, ix, arg(vm, a, 0), arg(vm, a, 1))?;
        Ok(this)
    });
    method(vm, weak_map_proto, "get", 1, |vm, this, a| {
        let (o, ix) = this_collection(vm, this, CollectionKind::WeakMap, "get")?;
        Ok(get(vm, o, ix, arg(vm, a, 0)))
    });
    method(vm, weak_map_proto, "set", 2, |vm, this, a| {
        let (o, ix) = this_collection(vm, this, CollectionKind::WeakMap, "set")?;
        let key = weak_key(vm, arg(vm, a, 0), CollectionKind::WeakMap)?;
        vm.collection_put(o, ix, key, arg(vm, a, 1))?;
        Ok(this)
    });
    method(vm, set_proto, "add", 1, |vm, this, a| {
        let (o, ix) = this_collection(vm, this, CollectionKind::Set, "add")?;
        vm.collection_put(o, ix, arg(vm, a, 0), Value::Undefined)?;
        Ok(this)
    });
    method(vm, weak_set_proto, "add", 1, |vm, this, a| {
        let (o, ix) = this_collection(vm, this, CollectionKind::WeakSet, "add")?;
        let key = weak_key(vm, arg(vm, a, 0), CollectionKind::WeakSet)?;
        vm.collection_put(o, ix, key, Value::Undefined)?;
        Ok(this)
    });

    let (mip, _) = iterator_prototype(vm, "Map Iterator", iterator_next);
    vm.realm.map_iterator_proto = mip;
    let (sip, _) = iterator_prototype(vm, "Set Iterator", iterator_next);
    vm.realm.set_iterator_proto = sip;
    let iterator = vm.atoms.symbols.iterator;
    let map_methods: [NativeFn; 3] = [
        iterator_method::<true, 0>,
        iterator_method::<true, 1>,
        iterator_method::<true, 2>,
    ];
    let set_methods: [NativeFn; 3] = [
        iterator_method::<false, 0>,
        iterator_method::<false, 1>,
        iterator_method::<false, 2>,
    ];
    let each = [for_each_step::<true>, for_each_step::<false>];
    for (proto, methods, for_each) in [
        (map_proto, map_methods, each[0]),
        (set_proto, set_methods, each[1]),
    ] {
        let [entries, values, keys] =
            [0, 1, 2].map(|i| native(vm, ITERATOR_METHODS[i].0, 0, methods[i]));
        set(vm, proto, "entries", Value::Obj(entries));
        set(vm, proto, "values", Value::Obj(values));
        // A set's keys are its values (the same function, as specified).
        let keys = if proto == map_proto { keys } else { values };
        set(vm, proto, "keys", Value::Obj(keys));
        let default = if proto == map_proto { entries } else { values };
        vm.define_own(proto, iterator, Value::Obj(default))
            .expect("the realm is made within its budget");
        let for_each = vm.stepper(Stepper {
            name: "forEach",
            length: 1,
            params: 2,
            slots: FOR_EACH_SLOTS,
            step: for_each,
        });
        set(vm, proto, "forEach", Value::Obj(for_each));
    }
}

/// The constructor and prototype of `kind` with the methods all four
/// share (`has`, `delete`; `clear` and `size` but for the weak ones).
fn collection_type(vm: &mut Vm, kind: CollectionKind) -> ObjId {
    let proto = vm
        .heap
        .alloc(Class::Object, Some(vm.realm.object_proto))
        .expect("the realm is made within its budget");
    let ctor = match kind {
        CollectionKind::Map => |vm: &mut Vm, this, a| construct(vm, this, a, CollectionKind::Map),
        CollectionKind::Set => |vm: &mut Vm, this, a| construct(vm, this, a, CollectionKind::Set),
        CollectionKind::WeakMap => {
            |vm: &mut Vm, this, a| construct(vm, this, a, CollectionKind::WeakMap)
        }
        CollectionKind::WeakSet => {
            |vm: &mut Vm, this, a| construct(vm, this, a, CollectionKind::WeakSet)
        }
    };
    let c = constructor(vm, kind.name(), 0, ctor, proto);
    string_tag(vm, proto, kind.name());
    if matches!(kind, CollectionKind::Map | CollectionKind::Set) {
        super::species_getter(vm, c);
    }
    if kind == CollectionKind::Map {
        vm.realm.map_proto = proto;
        method(vm, c, "groupBy", 2, |vm, _, a| group_by(vm, a, true));
    }
    macro_rules! shared {
        ($($kind:ident),*) => {
            match kind {$(
                CollectionKind::$kind => {
                    method(vm, proto, "has", 1, |vm, this, a| {
                        let (o, ix) = this_collection(vm, this, CollectionKind::$kind, "has")?;
                        Ok(Value::Bool(vm.collection_find(o, ix, arg(vm, a, 0)).is_some()))
                    });
                    method(vm, proto, "delete", 1, |vm, this, a| {
                        let (o, ix) = this_collection(vm, this, CollectionKind::$kind, "delete")?;
                        Ok(Value::Bool(vm.collection_delete(o, ix, arg(vm, a, 0))))
                    });
                    if matches!(kind, CollectionKind::Map | CollectionKind::Set) {
                        method(vm, proto, "clear", 0, |vm, this, _| {
                            let (o, ix) = this_collection(vm, this, CollectionKind::$kind, "clear")?;
                            vm.collection_clear(o, ix);
                            Ok(Value::Undefined)
                        });
                        let size = native(vm, "get size", 0, |vm, this, _| {
                            let (o, ix) = this_collection(vm, this, CollectionKind::$kind, "size")?;
                            Ok(Value::Num(vm.collection_size(o, ix) as f64))
                        });
                        let key = vm.heap.intern("size");
                        vm.define_accessor(proto, key, Value::Obj(size), false, crate::attrs::HIDDEN)
                            .expect("the realm is made within its budget");
                    }
                }
            )*}
        };
    }
    shared!(Map, Set, WeakMap, WeakSet);
    proto
}

/// `new Map(iterable)` and its kin: `this` (what `new` made, or a
/// subclass's object) becomes the collection; an iterable's entries (for
/// maps, `[key, value]` objects) are added.
fn construct(vm: &mut Vm, this: Value, a: Args, kind: CollectionKind) -> Result<Value, Interrupt> {
    let Value::Obj(o) = this else {
        return Err(vm.type_error(format!("Constructor {} requires 'new'", kind.name())));
    };
    if !vm.constructing || vm.heap.obj(o).class != Class::Object {
        return Err(vm.type_error(format!("Constructor {} requires 'new'", kind.name())));
    }
    vm.make_collection(o, kind);
    let items = arg(vm, a, 0);
    if items.is_nullish() {
        return Ok(this);
    }
    // As specified, each entry goes through `this.set` / `this.add`
    // (a subclass may override it), and the iterator is read one value at
    // a time and closed when adding fails. Natives call back without a
    // collection in between, so what is held here stays reachable.
    let adder_name = match kind {
        CollectionKind::Map | CollectionKind::WeakMap => "set",
        _ => "add",
    };
    let key = vm.heap.intern(adder_name);
    let adder = vm.get_field(this, key)?;
    if !vm.is_callable(adder) {
        let shown = crate::inspect::inspect_short(vm, adder);
        return Err(vm.type_error(format!(
            "{shown} is not a function ({}.prototype.{adder_name})",
            kind.name()
        )));
    }
    let Value::Obj(it) = vm.iter_values(items)? else {
        unreachable!("iter_values makes an iterator object")
    };
    while let Some(item) = vm.iter_next(it)? {
        let added = match kind {
            CollectionKind::Map | CollectionKind::WeakMap => {
                entry_of(vm, item).and_then(|(k, v)| vm.call_function(adder, this, &[k, v]))
            }
            _ => vm.call_function(adder, this, &[item]),
        };
        if let Err(e) = added {
            // The first error wins over one the close may raise.
            let _ = vm.iter_close(it);
            return Err(e);
        }
    }
    Ok(this)
}

/// A map entry's key and value (`item[0]`, `item[1]`) from an object.
fn entry_of(vm: &mut Vm, item: Value) -> Result<(Value, Value), Interrupt> {
    if !matches!(item, Value::Obj(_)) {
        let shown = crate::inspect::inspect_short(vm, item);
        return Err(vm.type_error(format!("Iterator value {shown} is not an entry object")));
    }
    let k = vm.get_index(item, Value::Num(0.0))?;
    let v = vm.get_index(item, Value::Num(1.0))?;
    Ok((k, v))
}

/// `Map.groupBy(items, f)` (`to_map`) or `Object.groupBy(items, f)`: the
/// items in arrays under the key `f(item, index)` gives, in the order the
/// keys first came. The callback runs nested (it cannot wait yet).
pub(crate) fn group_by(vm: &mut Vm, a: Args, to_map: bool) -> Result<Value, Interrupt> {
    let items = arg(vm, a, 0);
    if items.is_nullish() {
        let shown = crate::inspect::inspect_short(vm, items);
        return Err(vm.type_error(format!("{shown} is not iterable")));
    }
    let what = if to_map {
        "Map.groupBy"
    } else {
        "Object.groupBy"
    };
    let f = callable(vm, arg(vm, a, 1), what)?;
    let groups = if to_map {
        let m = vm.heap.alloc(Class::Object, Some(vm.realm.map_proto))?;
        vm.make_collection(m, CollectionKind::Map);
        m
    } else {
        vm.heap.alloc(Class::Object, None)?
    };
    let Value::Obj(it) = vm.iter_values(items)? else {
        unreachable!("iter_values makes an iterator object")
    };
    let mut k = 0usize;
    while let Some(item) = vm.iter_next(it)? {
        let key = match vm.call_function(f, Value::Undefined, &[item, Value::Num(k as f64)]) {
            Ok(key) => key,
            Err(e) => {
                let _ = vm.iter_close(it);
                return Err(e);
            }
        };
        k += 1;
        let group = if to_map {
            let Class::Collection { index, .. } = vm.heap.obj(groups).class else {
                unreachable!("made above")
            };
            match vm.collection_find(groups, index, key) {
                Some(e) => vm.heap.obj(groups).elems[e * 2 + 1],
                None => {
                    let g = vm.new_array(&[])?;
                    vm.collection_put(groups, index, key, g)?;
                    g
                }
            }
        } else {
            let key = vm.to_atom(key)?;
            match vm.get_own(groups, key) {
                Some(g) => g,
                None => {
                    let g = vm.new_array(&[])?;
                    vm.define_own(groups, key, g)?;
                    g
                }
            }
        };
        vm.heap.charge(crate::heap::SLOT_COST)?;
        vm.heap.obj_mut(group.as_obj().unwrap()).elems.push(item);
    }
    Ok(Value::Obj(groups))
}

/// A map's value for `key`, or undefined.
fn get(vm: &Vm, o: ObjId, index: u32, key: Value) -> Value {
    match vm.collection_find(o, index, key) {
        Some(e) => vm.heap.obj(o).elems[e * 2 + 1],
        None => Value::Undefined,
    }
}

/// A key a weak collection can hold: an object or a symbol not made by
/// `Symbol.for`.
fn weak_key(vm: &mut Vm, key: Value, kind: CollectionKind) -> Result<Value, Interrupt> {
    match key {
        Value::Obj(_) => Ok(key),
        Value::Symbol(s) if vm.heap.registry_key(s).is_none() => Ok(key),
        _ => {
            let shown = crate::inspect::inspect_short(vm, key);
            let what = if kind == CollectionKind::WeakMap {
                "weak map key"
            } else {
                "weak set value"
            };
            Err(vm.type_error(format!("Invalid value used as {what}: {shown}")))
        }
    }
}

/// `this` as a collection of `kind`, or the TypeError naming the method.
fn this_collection(
    vm: &mut Vm,
    this: Value,
    kind: CollectionKind,
    method: &str,
) -> Result<(ObjId, u32), Interrupt> {
    if let Some(found) = vm.collection_of(this, kind) {
        if matches!(method, "set" | "add" | "delete" | "clear") && vm.heap.is_state(found.0) {
            return Err(vm.state_error(&format!(
                "{method} on a {} a module's top level made",
                kind.name()
            )));
        }
        return Ok(found);
    }
    let shown = crate::inspect::inspect_short(vm, this);
    Err(vm.type_error(format!(
        "Method {}.prototype.{method} called on incompatible receiver {shown}",
        kind.name()
    )))
}

/// The iterator methods of maps and sets, by number.
const ITERATOR_METHODS: [(&str, IterKind); 3] = [
    ("entries", IterKind::Entries),
    ("values", IterKind::Values),
    ("keys", IterKind::Keys),
];

/// `entries`, `values` or `keys` (`ITERATOR_METHODS[WHAT]`) of a map
/// (`MAP`) or a set.
fn iterator_method<const MAP: bool, const WHAT: usize>(
    vm: &mut Vm,
    this: Value,
    _: Args,
) -> Result<Value, Interrupt> {
    let kind = if MAP {
        CollectionKind::Map
    } else {
        CollectionKind::Set
    };
    let (name, what) = ITERATOR_METHODS[WHAT];
    make_iterator(vm, this, kind, what, name)
}

fn make_iterator(
    vm: &mut Vm,
    this: Value,
    kind: CollectionKind,
    what: IterKind,
    method: &str,
) -> Result<Value, Interrupt> {
    this_collection(vm, this, kind, method)?;
    let proto = match kind {
        CollectionKind::Map => vm.realm.map_iterator_proto,
        _ => vm.realm.set_iterator_proto,
    };
    let it = vm
        .heap
        .alloc(Class::CollectionIter { pos: 0, kind: what }, Some(proto))?;
    vm.heap.obj_mut(it).elems.push(this);
    Ok(Value::Obj(it))
}

/// The entry at or after entry `pos` of `o` that is not a hole.
fn next_entry(vm: &Vm, o: ObjId, stride: usize, mut pos: usize) -> Option<usize> {
    let elems = &vm.heap.obj(o).elems;
    while pos * stride < elems.len() {
        if !vm.is_collection_hole(elems[pos * stride]) {
            return Some(pos);
        }
        pos += 1;
    }
    None
}

fn iterator_next(vm: &mut Vm, this: Value, _: Args) -> Result<Value, Interrupt> {
    vm.refuse_state(this, "step an iterator a module's top level made")?;
    let found = this.as_obj().and_then(|it| match vm.heap.obj(it).class {
        Class::CollectionIter { pos, kind } => Some((it, pos, kind)),
        _ => None,
    });
    let Some((it, pos, what)) = found else {
        return Err(
            vm.type_error("next method called on an object that is not a Map or Set Iterator")
        );
    };
    let Value::Obj(o) = vm.heap.obj(it).elems[0] else {
        return vm.iter_result(Value::Undefined, true);
    };
    let Class::Collection { kind, .. } = vm.heap.obj(o).class else {
        unreachable!("a collection iterator iterates a collection")
    };
    let stride = kind.stride();
    let Some(e) = next_entry(vm, o, stride, pos as usize) else {
        vm.heap.obj_mut(it).elems[0] = Value::Undefined;
        return vm.iter_result(Value::Undefined, true);
    };
    vm.heap.obj_mut(it).class = Class::CollectionIter {
        pos: e as u32 + 1,
        kind: what,
    };
    let key = vm.heap.obj(o).elems[e * stride];
    let value = vm.heap.obj(o).elems[e * stride + stride - 1];
    let v = match what {
        IterKind::Keys => key,
        IterKind::Values => value,
        IterKind::Entries => vm.new_array(&[key, value])?,
    };
    vm.iter_result(v, false)
}

// The slots of `forEach`: the callback, its `this`, the argument count
// (stepper.rs), and the next entry to visit.
const FOR_EACH_F: usize = 0;
const FOR_EACH_T: usize = 1;
const FOR_EACH_POS: usize = 3;
const FOR_EACH_SLOTS: u16 = 4;

/// One step of `forEach`: calls back with `(value, key, collection)` for
/// each entry, including those added meanwhile.
fn for_each_step<const MAP: bool>(vm: &mut Vm, base: usize) -> Result<Option<usize>, Interrupt> {
    let kind = if MAP {
        CollectionKind::Map
    } else {
        CollectionKind::Set
    };
    let this = vm.stack[base - 1];
    let pos = match vm.stack[base + FOR_EACH_POS] {
        Value::Num(n) => {
            // The last callback's result is ignored.
            vm.stack.truncate(base + FOR_EACH_SLOTS as usize);
            n as usize
        }
        _ => {
            this_collection(vm, this, kind, "forEach")?;
            callable(vm, vm.stack[base + FOR_EACH_F], "forEach")?;
            0
        }
    };
    let Value::Obj(o) = this else {
        unreachable!("checked at the first step")
    };
    let stride = kind.stride();
    let Some(e) = next_entry(vm, o, stride, pos) else {
        vm.stack.push(Value::Undefined);
        return Ok(None);
    };
    vm.stack[base + FOR_EACH_POS] = Value::Num((e + 1) as f64);
    let key = vm.heap.obj(o).elems[e * stride];
    let value = vm.heap.obj(o).elems[e * stride + stride - 1];
    let (f, t) = (vm.stack[base + FOR_EACH_F], vm.stack[base + FOR_EACH_T]);
    vm.stack.extend_from_slice(&[f, t, value, key, this]);
    Ok(Some(3))
}
