//! The `JSON` object: `parse` and `stringify` over `vm::json`.

use super::{arg, method, plain, set};
use crate::error::Interrupt;
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
    vm.parse_json(&text)
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
