//! `Object` and `Object.prototype`.

use super::{arg, constructor, method, this_obj};
use crate::error::Interrupt;
use crate::heap::Class;
use crate::state::Vm;
use crate::value::{ObjId, Value};

pub fn install(vm: &mut Vm) {
    let op = vm.realm.object_proto;
    let object = constructor(
        vm,
        "Object",
        1,
        |vm, _, a| match arg(vm, a, 0) {
            v @ Value::Obj(_) => Ok(v),
            _ => Ok(Value::Obj(vm.new_object()?)),
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
        if vm.heap.is_permanent(target) || vm.heap.obj(target).frozen {
            return Err(vm.type_error("cannot assign to a frozen or built-in object"));
        }
        for i in 1..a.len {
            let src = arg(vm, a, i);
            vm.copy_props(target, src, &[])?;
        }
        Ok(Value::Obj(target))
    });
    method(vm, object, "freeze", 1, |vm, _, a| {
        if let Value::Obj(o) = arg(vm, a, 0) {
            if !vm.heap.is_permanent(o) {
                vm.heap.obj_mut(o).frozen = true;
            }
        }
        Ok(arg(vm, a, 0))
    });
    method(vm, object, "isFrozen", 1, |vm, _, a| {
        Ok(Value::Bool(match arg(vm, a, 0) {
            Value::Obj(o) => vm.heap.obj(o).frozen || vm.heap.is_permanent(o),
            _ => true,
        }))
    });
    method(vm, object, "create", 2, |vm, _, a| {
        let proto = match arg(vm, a, 0) {
            Value::Obj(p) => Some(p),
            Value::Null => None,
            _ => return Err(vm.type_error("Object prototype may only be an object or null")),
        };
        let o = vm.heap.alloc(Class::Object, proto)?;
        Ok(Value::Obj(o))
    });
    method(vm, object, "getPrototypeOf", 1, |vm, _, a| {
        let p = match arg(vm, a, 0) {
            Value::Obj(o) => vm.heap.obj(o).proto,
            Value::Atom(_) | Value::Str(_) => Some(vm.realm.string_proto),
            Value::Num(_) => Some(vm.realm.number_proto),
            _ => None,
        };
        Ok(p.map_or(Value::Null, Value::Obj))
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
    method(vm, op, "toString", 0, |vm, this, _| {
        let s = match this {
            Value::Obj(o) if vm.heap.obj(o).class == Class::Array => "[object Array]",
            Value::Obj(o)
                if matches!(vm.heap.obj(o).class, Class::Closure(_) | Class::Native(_)) =>
            {
                "[object Function]"
            }
            Value::Obj(o) if vm.heap.obj(o).class == Class::Error => "[object Error]",
            Value::Null => "[object Null]",
            Value::Undefined => "[object Undefined]",
            _ => "[object Object]",
        };
        Ok(vm.heap.alloc_str(s)?)
    });
}

fn has_own(vm: &mut Vm, o: Value, k: Value) -> Result<Value, Interrupt> {
    let Value::Obj(id) = o else {
        return Ok(Value::Bool(false));
    };
    Ok(Value::Bool(match vm.to_key(k)? {
        crate::property::Key::Index(i) if vm.heap.obj(id).class == Class::Array => {
            i < vm.heap.obj(id).elems.len()
        }
        crate::property::Key::Index(i) => {
            let a = vm.index_atom(i);
            vm.get_own(id, a).is_some()
        }
        crate::property::Key::Name(a) => {
            vm.get_own(id, a).is_some()
                || (a == vm.atoms.length && vm.heap.obj(id).class == Class::Array)
        }
    }))
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
            if vm.heap.obj(o).class == Class::Array {
                for i in 0..vm.heap.obj(o).elems.len() {
                    let a = vm.index_atom(i);
                    let e = vm.heap.obj(o).elems[i];
                    push(vm, out, Value::Atom(a), e)?;
                }
            }
            for i in vm.heap.enumerable_from(o)..vm.heap.obj(o).props.len() {
                let (k, e) = vm.heap.obj(o).props[i];
                push(vm, out, Value::Atom(k), e)?;
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
