//! `Object` and `Object.prototype`.

use super::{arg, constructor, method, this_obj};
use crate::attrs;
use crate::error::Interrupt;
use crate::heap::Class;
use crate::state::Vm;
use crate::value::{ObjId, Value};
use crate::wrapper::primitive_kind;

pub fn install(vm: &mut Vm) {
    let op = vm.realm.object_proto;
    let object = constructor(
        vm,
        "Object",
        1,
        |vm, _, a| match arg(vm, a, 0) {
            v @ Value::Obj(_) => Ok(v),
            Value::Undefined | Value::Null => Ok(Value::Obj(vm.new_object()?)),
            v => Ok(Value::Obj(vm.to_object(v)?)),
        },
        op,
    );
    method(vm, object, "keys", 1, |vm, _, a| {
        entries(vm, arg(vm, a, 0), Part::Keys)
    });
    method(vm, object, "values", 1, |vm, _, a| {
        entries(vm, arg(vm, a, 0), Part::Values)
    });
    method(vm, object, "entries", 1, |vm, _, a| {
        entries(vm, arg(vm, a, 0), Part::Entries)
    });
    method(vm, object, "assign", 2, |vm, _, a| {
        let target = this_obj(vm, arg(vm, a, 0), "Object.assign")?;
        for i in 1..a.len {
            let src = arg(vm, a, i);
            let keys = match src {
                Value::Obj(s) => vm.own_keys(s, false),
                _ => {
                    let tmp = vm.new_object()?;
                    vm.copy_props(tmp, src, &[])?;
                    vm.own_keys(tmp, false)
                }
            };
            for k in keys {
                let v = vm.get_index(src, k)?;
                vm.set_index(Value::Obj(target), k, v)?;
            }
        }
        Ok(Value::Obj(target))
    });
    method(vm, object, "freeze", 1, |vm, _, a| {
        integrity(vm, arg(vm, a, 0), true)
    });
    method(vm, object, "seal", 1, |vm, _, a| {
        integrity(vm, arg(vm, a, 0), false)
    });
    method(vm, object, "preventExtensions", 1, |vm, _, a| {
        if let Value::Obj(o) = arg(vm, a, 0) {
            vm.open_object(o)?;
            vm.heap.obj_mut(o).extensible = false;
        }
        Ok(arg(vm, a, 0))
    });
    method(vm, object, "isFrozen", 1, |vm, _, a| {
        Ok(Value::Bool(match arg(vm, a, 0) {
            Value::Obj(o) => vm.test_integrity(o, true),
            _ => true,
        }))
    });
    method(vm, object, "isSealed", 1, |vm, _, a| {
        Ok(Value::Bool(match arg(vm, a, 0) {
            Value::Obj(o) => vm.test_integrity(o, false),
            _ => true,
        }))
    });
    method(vm, object, "isExtensible", 1, |vm, _, a| {
        Ok(Value::Bool(match arg(vm, a, 0) {
            Value::Obj(o) => vm.heap.obj(o).extensible,
            _ => false,
        }))
    });
    method(vm, object, "is", 2, |vm, _, a| {
        Ok(Value::Bool(vm.same_value(arg(vm, a, 0), arg(vm, a, 1))))
    });
    method(vm, object, "create", 2, |vm, _, a| {
        let proto = match arg(vm, a, 0) {
            Value::Obj(p) => Some(p),
            Value::Null => None,
            _ => return Err(vm.type_error("Object prototype may only be an object or null")),
        };
        let o = vm.heap.alloc(Class::Object, proto)?;
        if !matches!(arg(vm, a, 1), Value::Undefined) {
            define_properties(vm, o, arg(vm, a, 1))?;
        }
        Ok(Value::Obj(o))
    });
    method(vm, object, "defineProperty", 3, |vm, _, a| {
        let Value::Obj(o) = arg(vm, a, 0) else {
            return Err(vm.type_error("Object.defineProperty called on non-object"));
        };
        let key = vm.to_key(arg(vm, a, 1))?;
        let d = vm.to_descriptor(arg(vm, a, 2))?;
        vm.define_property(o, key, d)?;
        Ok(Value::Obj(o))
    });
    method(vm, object, "defineProperties", 2, |vm, _, a| {
        let Value::Obj(o) = arg(vm, a, 0) else {
            return Err(vm.type_error("Object.defineProperties called on non-object"));
        };
        define_properties(vm, o, arg(vm, a, 1))?;
        Ok(Value::Obj(o))
    });
    method(vm, object, "getOwnPropertyDescriptor", 2, |vm, _, a| {
        let Some(o) = to_object(vm, arg(vm, a, 0))? else {
            return Ok(Value::Undefined);
        };
        let key = vm.to_key(arg(vm, a, 1))?;
        match vm.own_property(o, key)? {
            Some(cur) => vm.from_descriptor(cur),
            None => Ok(Value::Undefined),
        }
    });
    method(vm, object, "getOwnPropertyDescriptors", 1, |vm, _, a| {
        let out = vm.new_object()?;
        let Some(o) = to_object(vm, arg(vm, a, 0))? else {
            return Ok(Value::Obj(out));
        };
        let mut keys = vm.own_keys(o, true);
        keys.extend(vm.own_symbols(o, true));
        for k in keys {
            let key = vm.to_key(k)?;
            if let Some(cur) = vm.own_property(o, key)? {
                let d = vm.from_descriptor(cur)?;
                let name = vm.to_atom(k)?;
                vm.define_own(out, name, d)?;
            }
        }
        Ok(Value::Obj(out))
    });
    method(vm, object, "getOwnPropertyNames", 1, |vm, _, a| {
        let Some(o) = to_object(vm, arg(vm, a, 0))? else {
            return vm.new_array(&[]);
        };
        let keys = vm.own_keys(o, true);
        vm.new_array(&keys)
    });
    method(vm, object, "getOwnPropertySymbols", 1, |vm, _, a| {
        let Some(o) = to_object(vm, arg(vm, a, 0))? else {
            return vm.new_array(&[]);
        };
        let keys = vm.own_symbols(o, true);
        vm.new_array(&keys)
    });
    method(vm, object, "getPrototypeOf", 1, |vm, _, a| {
        let p = match arg(vm, a, 0) {
            Value::Obj(o) => vm.heap.obj(o).proto,
            Value::Atom(_) | Value::Str(_) => Some(vm.realm.string_proto),
            Value::Num(_) => Some(vm.realm.number_proto),
            Value::Bool(_) => Some(vm.realm.boolean_proto),
            Value::Symbol(_) => Some(vm.realm.symbol_proto),
            v => {
                to_object(vm, v)?;
                None
            }
        };
        Ok(p.map_or(Value::Null, Value::Obj))
    });
    // `Object.prototype.__proto__`: the prototype, read and set.
    let get_proto = super::native(vm, "get __proto__", 0, |vm, this, _| {
        let o = vm.to_object(this)?;
        Ok(vm.heap.obj(o).proto.map_or(Value::Null, Value::Obj))
    });
    let set_proto = super::native(vm, "set __proto__", 1, |vm, this, a| {
        if this.is_nullish() {
            return Err(vm.type_error("Object.prototype.__proto__ called on null or undefined"));
        }
        let proto = match arg(vm, a, 0) {
            Value::Obj(p) => Some(p),
            Value::Null => None,
            _ => return Ok(Value::Undefined),
        };
        if let Value::Obj(o) = this {
            set_prototype(vm, o, proto)?;
        }
        Ok(Value::Undefined)
    });
    let key = vm.heap.intern("__proto__");
    vm.define_accessor(op, key, Value::Obj(get_proto), false, attrs::HIDDEN)
        .expect("the realm is made within its budget");
    vm.define_accessor(op, key, Value::Obj(set_proto), true, attrs::HIDDEN)
        .expect("the realm is made within its budget");
    method(vm, object, "setPrototypeOf", 2, |vm, _, a| {
        let target = arg(vm, a, 0);
        if target.is_nullish() {
            return Err(vm.type_error("Object.setPrototypeOf called on null or undefined"));
        }
        let proto = match arg(vm, a, 1) {
            Value::Obj(p) => Some(p),
            Value::Null => None,
            _ => return Err(vm.type_error("Object prototype may only be an Object or null")),
        };
        if let Value::Obj(o) = target {
            set_prototype(vm, o, proto)?;
        }
        Ok(target)
    });
    method(vm, object, "groupBy", 2, |vm, _, a| {
        super::collections::group_by(vm, a, false)
    });
    method(vm, object, "fromEntries", 1, |vm, _, a| {
        let o = vm.new_object()?;
        let src = arg(vm, a, 0);
        let Value::Obj(list) = src else {
            return Err(vm.type_error("Object.fromEntries needs an array of [key, value] pairs"));
        };
        for i in 0..vm.heap.obj(list).elems.len() {
            let pair = vm.heap.obj(list).elems[i];
            let k = vm.get_index(pair, Value::Num(0.0))?;
            let v = vm.get_index(pair, Value::Num(1.0))?;
            let k = vm.to_atom(k)?;
            vm.define_own(o, k, v)?;
        }
        Ok(Value::Obj(o))
    });
    method(vm, object, "hasOwn", 2, |vm, _, a| {
        has_own(vm, arg(vm, a, 0), arg(vm, a, 1))
    });
    method(vm, op, "hasOwnProperty", 1, |vm, this, a| {
        has_own(vm, this, arg(vm, a, 0))
    });
    method(vm, op, "propertyIsEnumerable", 1, |vm, this, a| {
        let Some(o) = to_object(vm, this)? else {
            return Ok(Value::Bool(false));
        };
        let key = vm.to_key(arg(vm, a, 0))?;
        Ok(Value::Bool(
            vm.own_property(o, key)?
                .is_some_and(|c| c.attrs & attrs::HIDDEN == 0),
        ))
    });
    method(vm, op, "isPrototypeOf", 1, |vm, this, a| {
        let Value::Obj(mut v) = arg(vm, a, 0) else {
            return Ok(Value::Bool(false));
        };
        let Some(me) = to_object(vm, this)? else {
            return Ok(Value::Bool(false));
        };
        while let Some(p) = vm.heap.obj(v).proto {
            if p == me {
                return Ok(Value::Bool(true));
            }
            v = p;
        }
        Ok(Value::Bool(false))
    });
    method(vm, op, "valueOf", 0, |vm, this, _| {
        if this.is_nullish() {
            return Err(vm.type_error("Cannot convert undefined or null to object"));
        }
        Ok(this)
    });
    method(vm, op, "toLocaleString", 0, |vm, this, _| {
        if this.is_nullish() {
            return Err(
                vm.type_error("Object.prototype.toLocaleString called on null or undefined")
            );
        }
        let f = vm.get_field(this, vm.atoms.to_string)?;
        if !vm.is_callable(f) {
            return Err(vm.type_error("toString is not a function (in toLocaleString)"));
        }
        vm.call_function(f, this, &[])
    });
    method(vm, op, "toString", 0, |vm, this, _| {
        let builtin = match this {
            Value::Obj(o) => match vm.heap.obj(o).class {
                Class::Array | Class::SparseArray => "Array",
                Class::Closure(_) | Class::Native(_) => "Function",
                Class::Error => "Error",
                Class::Arguments => "Arguments",
                Class::Date => "Date",
                Class::RegExp(_) => "RegExp",
                Class::Primitive => builtin_tag(vm.heap.obj(o).elems[0]),
                _ => "Object",
            },
            Value::Null => "Null",
            Value::Undefined => "Undefined",
            v => builtin_tag(v),
        };
        let tag = if this.is_nullish() {
            Value::Undefined
        } else {
            vm.get_field(this, vm.atoms.symbols.to_string_tag)?
        };
        let text = match vm.heap.str(tag) {
            Some(t) => format!("[object {t}]"),
            None => format!("[object {builtin}]"),
        };
        Ok(vm.heap.alloc_str(&text)?)
    });
}

/// `Object.freeze` / `Object.seal`.
fn integrity(vm: &mut Vm, v: Value, frozen: bool) -> Result<Value, Interrupt> {
    if let Value::Obj(o) = v {
        vm.open_object(o)?;
        vm.set_integrity(o, frozen);
    }
    Ok(v)
}

/// `Object.defineProperties(o, props)`: every descriptor is read before
/// any is applied.
fn define_properties(vm: &mut Vm, o: ObjId, props: Value) -> Result<(), Interrupt> {
    let Some(src) = to_object(vm, props)? else {
        return Err(vm.type_error("Cannot convert undefined or null to object"));
    };
    let mut all = Vec::new();
    for k in vm.own_keys(src, false) {
        let d = vm.get_index(Value::Obj(src), k)?;
        let d = vm.to_descriptor(d)?;
        all.push((vm.to_key(k)?, d));
    }
    for (key, d) in all {
        vm.define_property(o, key, d)?;
    }
    Ok(())
}

/// `Object.setPrototypeOf`: refuses cycles and non-extensible objects.
fn set_prototype(vm: &mut Vm, o: ObjId, proto: Option<ObjId>) -> Result<(), Interrupt> {
    if vm.heap.obj(o).proto == proto {
        return Ok(());
    }
    if o == vm.realm.object_proto {
        return Err(vm.type_error(
            "Immutable prototype object 'Object.prototype' cannot have their prototype set",
        ));
    }
    vm.open_object(o)?;
    if !vm.heap.obj(o).extensible {
        return Err(vm.type_error("#<Object> is not extensible"));
    }
    let mut p = proto;
    while let Some(id) = p {
        if id == o {
            return Err(vm.type_error("Cyclic __proto__ value"));
        }
        p = vm.heap.obj(id).proto;
    }
    vm.heap.obj_mut(o).proto = proto;
    Ok(())
}

/// ToObject for reading: an object itself, None for other primitives
/// (whose own properties the callers treat as empty), a TypeError for
/// null and undefined.
/// `Object.prototype.toString`'s tag for a primitive or its wrapper
/// (a symbol has none of its own: `Symbol.prototype` gives one).
fn builtin_tag(v: Value) -> &'static str {
    match v {
        Value::Symbol(_) => "Object",
        v => primitive_kind(v),
    }
}

fn to_object(vm: &mut Vm, v: Value) -> Result<Option<ObjId>, Interrupt> {
    match v {
        Value::Obj(o) => Ok(Some(o)),
        Value::Undefined | Value::Null => {
            Err(vm.type_error("Cannot convert undefined or null to object"))
        }
        _ => Ok(None),
    }
}

fn has_own(vm: &mut Vm, o: Value, k: Value) -> Result<Value, Interrupt> {
    let key = vm.to_key(k)?;
    let Some(id) = to_object(vm, o)? else {
        return Ok(Value::Bool(false));
    };
    Ok(Value::Bool(
        vm.own_property(id, key)?
            .is_some_and(|c| c.attrs & attrs::PRIVATE == 0),
    ))
}

#[derive(Clone, Copy, PartialEq)]
enum Part {
    Keys,
    Values,
    Entries,
}

/// `Object.keys/values/entries`: own enumerable properties, array indices first.
fn entries(vm: &mut Vm, v: Value, part: Part) -> Result<Value, Interrupt> {
    let out = vm.new_array(&[])?.as_obj().unwrap();
    let push = |vm: &mut Vm, out: ObjId, k: Value, val: Value| -> Result<(), Interrupt> {
        let item = match part {
            Part::Keys => k,
            Part::Values => val,
            Part::Entries => vm.new_array(&[k, val])?,
        };
        vm.heap.charge(crate::heap::SLOT_COST)?;
        vm.heap.obj_mut(out).elems.push(item);
        Ok(())
    };
    match v {
        Value::Obj(o) => {
            for k in vm.own_keys(o, false) {
                let e = vm.get_index(v, k)?;
                push(vm, out, k, e)?;
            }
        }
        Value::Atom(_) | Value::Str(_) => {
            let chars: Vec<char> = vm.heap.str(v).unwrap().chars().collect();
            for (i, c) in chars.into_iter().enumerate() {
                let a = vm.index_atom(i);
                let e = vm.char_value(c)?;
                push(vm, out, Value::Atom(a), e)?;
            }
        }
        Value::Undefined | Value::Null => {
            return Err(vm.type_error("Cannot convert undefined or null to object"));
        }
        _ => {}
    }
    Ok(Value::Obj(out))
}
