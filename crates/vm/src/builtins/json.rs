//! The `JSON` object: `parse` and `stringify` over `vm::json`.

use super::{arg, method, plain, set};
use crate::descriptor::Descriptor;
use crate::error::{ErrorKind, Interrupt};
use crate::heap::Class;
use crate::json::Format;
use crate::state::{Args, Vm};
use crate::value::Value;

pub fn install(vm: &mut Vm) {
    let json = plain(vm, Some(vm.realm.object_proto));
    let g = vm.realm.global;
    set(vm, g, "JSON", Value::Obj(json));
    method(vm, json, "parse", 2, parse);
    method(vm, json, "stringify", 3, stringify);
}

fn parse(vm: &mut Vm, _: Value, a: Args) -> Result<Value, Interrupt> {
    let text = vm.to_string_value(arg(vm, a, 0))?;
    // The parser allocates into the heap, so it reads its own copy.
    let text = vm.heap.str(text).unwrap().to_string();
    let value = vm.parse_json(&text)?;
    let reviver = arg(vm, a, 1);
    if !vm.is_callable(reviver) {
        return Ok(value);
    }
    let root = vm.new_object()?;
    let empty = vm.heap.intern("");
    vm.define_own(root, empty, value)?;
    internalize(vm, Value::Obj(root), Value::Atom(empty), reviver)
}

/// InternalizeJSONProperty: `holder[name]` after the reviver has seen
/// what is inside it (children first), as the reviver returns it.
fn internalize(
    vm: &mut Vm,
    holder: Value,
    name: Value,
    reviver: Value,
) -> Result<Value, Interrupt> {
    let val = vm.get_index(holder, name)?;
    if let Value::Obj(o) = val {
        let keys: Vec<Value> = if vm.is_array(val) {
            let len = vm.get_field(val, vm.atoms.length)?;
            let len = crate::regexp::to_length(vm.to_number(len)?);
            vm.charge_work(len as u64)?;
            (0..len).map(|i| Value::Num(i as f64)).collect()
        } else {
            vm.own_keys(o, false)
        };
        for k in keys {
            let revived = semantics::stack::grow(|| internalize(vm, val, k, reviver))?;
            let key = vm.to_key(k)?;
            let done = if matches!(revived, Value::Undefined) {
                vm.delete_index(val, k).map(|_| ())
            } else {
                let plain = Descriptor {
                    value: Some(revived),
                    writable: Some(true),
                    enumerable: Some(true),
                    configurable: Some(true),
                    ..Descriptor::default()
                };
                vm.define_property(o, key, plain)
            };
            // The reviver may have frozen what it was given: the
            // specification ignores a refused change here.
            match done {
                Err(Interrupt::Error(e)) if e.0 == ErrorKind::TypeError => {}
                other => other?,
            }
        }
    }
    let name = match name {
        Value::Num(n) => vm.heap.alloc_str(&crate::number::to_js_string(n))?,
        n => n,
    };
    vm.call_function(reviver, holder, &[name, val])
}

fn stringify(vm: &mut Vm, _: Value, a: Args) -> Result<Value, Interrupt> {
    let (replacer, keys) = match arg(vm, a, 1) {
        Value::Obj(o) if matches!(vm.heap.obj(o).class, Class::Closure(_) | Class::Native(_)) => {
            (Some(Value::Obj(o)), None)
        }
        r @ Value::Obj(_) if vm.is_array(r) => {
            let mut keys = Vec::new();
            let len = vm.get_field(r, vm.atoms.length)?;
            let len = vm.to_number(len)? as usize;
            vm.charge_work(len as u64)?;
            for i in 0..len {
                let k = vm.get_index(r, Value::Num(i as f64))?;
                if matches!(k, Value::Num(_) | Value::Atom(_) | Value::Str(_)) {
                    keys.push(vm.to_atom(k)?);
                }
            }
            (None, Some(keys))
        }
        _ => (None, None),
    };
    let gap = match arg(vm, a, 2) {
        Value::Num(n) => " ".repeat(n.clamp(0.0, 10.0) as usize),
        s @ (Value::Atom(_) | Value::Str(_)) => vm.heap.str(s).unwrap().chars().take(10).collect(),
        _ => String::new(),
    };
    let format = Format {
        gap: &gap,
        replacer,
        keys,
    };
    let mut out = Vec::new();
    if !vm.write_json(arg(vm, a, 0), &format, &mut out)? {
        return Ok(Value::Undefined);
    }
    // SAFETY-free: the writer only appends UTF-8 (string contents and ASCII).
    let s = String::from_utf8(out).expect("the JSON writer writes UTF-8");
    Ok(vm.heap.alloc_str(&s)?)
}
