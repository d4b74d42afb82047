//! `structuredClone(value)`: HTML's structured clone of data — primitives,
//! arrays (holes kept), plain objects, `Date`, `RegExp`, `Map`, `Set`,
//! `ArrayBuffer`, typed arrays, `DataView`, the primitive wrappers and
//! errors — deep, with shared references and cycles kept as they are.
//! Functions, symbols and objects with other internal state (promises,
//! weak collections, generators, iterators) cannot be cloned: a
//! `DataCloneError`.

use super::{arg, method};
use crate::collection::CollectionKind;
use crate::error::{ErrorKind, Interrupt};
use crate::heap::Class;
use crate::state::Vm;
use crate::value::{ObjId, Value};
use rustc_hash::FxHashMap;

pub fn install(vm: &mut Vm) {
    let g = vm.realm.global;
    method(vm, g, "structuredClone", 1, |vm, _, a| {
        let mut memo = FxHashMap::default();
        clone(vm, &mut memo, arg(vm, a, 0))
    });
}

/// The originals cloned so far and their clones.
type Memo = FxHashMap<ObjId, ObjId>;

fn clone(vm: &mut Vm, memo: &mut Memo, v: Value) -> Result<Value, Interrupt> {
    match v {
        Value::Obj(o) => match memo.get(&o) {
            Some(&done) => Ok(Value::Obj(done)),
            None => semantics::stack::grow(|| clone_object(vm, memo, o)).map(Value::Obj),
        },
        Value::Symbol(_) => Err(data_clone_error(vm, v)),
        _ => Ok(v),
    }
}

/// The clone of object `o` (not cloned yet).
fn clone_object(vm: &mut Vm, memo: &mut Memo, o: ObjId) -> Result<ObjId, Interrupt> {
    vm.charge_work(crate::sparse_array::PROPERTY_WORK)?;
    let v = Value::Obj(o);
    let class = vm.heap.obj(o).class;
    let out = match class {
        Class::Object | Class::Arguments => vm.new_object()?,
        Class::Array | Class::SparseArray => {
            // ArrayCreate(length), then the elements it has, one by one.
            let out = vm.new_array(&[])?.as_obj().unwrap();
            if class == Class::SparseArray {
                let len = vm.sparse_len(o);
                vm.make_sparse(out)?;
                vm.set_sparse_len(out, len);
            }
            memo.insert(o, out);
            copy_properties(vm, memo, o, out)?;
            return Ok(out);
        }
        Class::Date => {
            let t = vm.heap.obj(o).elems[0];
            let Value::Num(t) = t else {
                unreachable!("a Date holds a number")
            };
            super::date::new_date(vm, t)?.as_obj().unwrap()
        }
        Class::RegExp(i) => vm.new_regexp(i)?.as_obj().unwrap(),
        Class::Primitive => match vm.heap.obj(o).elems[0] {
            Value::Symbol(_) => return Err(data_clone_error(vm, v)),
            p => vm.to_object(p)?,
        },
        Class::ArrayBuffer { len } => {
            let proto = intrinsic_proto(vm, o);
            let out = vm.new_array_buffer(len as usize, proto)?;
            let words = vm.heap.obj(o).elems.clone();
            vm.heap.obj_mut(out).elems = words;
            out
        }
        Class::TypedArray(_) | Class::DataView => {
            let (buffer, offset, len) = vm.view_parts(o);
            let buffer = match clone(vm, memo, Value::Obj(buffer))? {
                Value::Obj(b) => b,
                _ => unreachable!("a buffer clones to a buffer"),
            };
            let proto = intrinsic_proto(vm, o);
            let out = vm.heap.alloc(Class::Object, Some(proto))?;
            match class {
                Class::TypedArray(t) => vm.init_typed_array(out, t, buffer, offset, len)?,
                _ => {
                    let obj = vm.heap.obj_mut(out);
                    obj.class = Class::DataView;
                    obj.elems = vec![
                        Value::Obj(buffer),
                        Value::Num(offset as f64),
                        Value::Num(len as f64),
                    ];
                }
            }
            out
        }
        Class::Collection { kind, .. } => {
            if !matches!(kind, CollectionKind::Map | CollectionKind::Set) {
                return Err(data_clone_error(vm, v));
            }
            let proto = intrinsic_proto(vm, o);
            let out = vm.heap.alloc(Class::Object, Some(proto))?;
            vm.make_collection(out, kind);
            memo.insert(o, out);
            let stride = kind.stride();
            let mut at = 0;
            // The length is read again each time: cloning an entry runs
            // getters, which may change the collection.
            while at + stride <= vm.heap.obj(o).elems.len() {
                let key = vm.heap.obj(o).elems[at];
                if !vm.is_collection_hole(key) {
                    let value = if stride == 2 {
                        vm.heap.obj(o).elems[at + 1]
                    } else {
                        key
                    };
                    let key = clone(vm, memo, key)?;
                    let value = clone(vm, memo, value)?;
                    let Class::Collection { index: into, .. } = vm.heap.obj(out).class else {
                        unreachable!("made a collection above")
                    };
                    vm.collection_put(out, into, key, value)?;
                }
                at += stride;
            }
            return Ok(out);
        }
        Class::Error => {
            return clone_error(vm, memo, o);
        }
        _ => return Err(data_clone_error(vm, v)),
    };
    memo.insert(o, out);
    if matches!(class, Class::Object | Class::Arguments) {
        copy_properties(vm, memo, o, out)?;
    }
    Ok(out)
}

/// The deep step: each own enumerable string-keyed property of `from`,
/// read (getters run) and cloned into `to`.
fn copy_properties(vm: &mut Vm, memo: &mut Memo, from: ObjId, to: ObjId) -> Result<(), Interrupt> {
    for key in vm.own_keys(from, false) {
        vm.charge_work(crate::sparse_array::PROPERTY_WORK)?;
        let value = vm.get_index(Value::Obj(from), key)?;
        let value = clone(vm, memo, value)?;
        vm.set_index(Value::Obj(to), key, value)?;
    }
    Ok(())
}

/// An error's clone: the same kind (by its `name`), its own `message`
/// and `cause`, its `stack`.
fn clone_error(vm: &mut Vm, memo: &mut Memo, o: ObjId) -> Result<ObjId, Interrupt> {
    let v = Value::Obj(o);
    let name = vm.get_field(v, vm.atoms.name)?;
    let mut text = String::new();
    vm.write_string(name, &mut text)?;
    let kind = ErrorKind::ALL
        .into_iter()
        .find(|k| k.name() == text && *k != ErrorKind::AggregateError)
        .unwrap_or(ErrorKind::Error);
    let message = match vm.get_own(o, vm.atoms.message) {
        Some(m) => {
            let mut s = String::new();
            vm.write_string(m, &mut s)?;
            s
        }
        None => String::new(),
    };
    let out = vm.make_error(kind, &message).as_obj().unwrap();
    memo.insert(o, out);
    if let Some(stack) = vm.get_own(o, vm.atoms.stack) {
        vm.define_with(out, vm.atoms.stack, stack, crate::attrs::METHOD)?;
    }
    let cause = vm.heap.intern("cause");
    if let Some(c) = vm.get_own(o, cause) {
        let c = clone(vm, memo, c)?;
        vm.define_with(out, cause, c, crate::attrs::METHOD)?;
    }
    Ok(out)
}

/// The built-in prototype an object of a built-in class inherits: its
/// own prototype, or the first built-in one above a subclass's.
fn intrinsic_proto(vm: &Vm, o: ObjId) -> ObjId {
    let mut p = vm.heap.obj(o).proto;
    while let Some(id) = p {
        if vm.heap.is_permanent(id) {
            return id;
        }
        p = vm.heap.obj(id).proto;
    }
    vm.realm.object_proto
}

/// `DataCloneError`: what HTML throws for a value it cannot clone.
fn data_clone_error(vm: &mut Vm, v: Value) -> Interrupt {
    let shown = crate::inspect::inspect_short(vm, v);
    let e = vm.make_error(ErrorKind::Error, &format!("{shown} could not be cloned."));
    let name = vm.heap.intern("DataCloneError");
    let o = e.as_obj().unwrap();
    if vm
        .define_with(o, vm.atoms.name, Value::Atom(name), crate::attrs::METHOD)
        .is_err()
    {
        return Interrupt::error(ErrorKind::Error, "value could not be cloned");
    }
    Interrupt::Throw(e)
}
