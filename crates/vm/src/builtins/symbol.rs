//! `Symbol`: `Symbol()`, `Symbol.for` / `keyFor`, the well-known symbols
//! and `Symbol.prototype`.

use super::{arg, constructor, method, native, set_fixed, string_tag};
use crate::attrs;
use crate::error::Interrupt;
use crate::state::Vm;
use crate::value::Value;

pub fn install(vm: &mut Vm) {
    let proto = vm.realm.symbol_proto;
    let symbol = constructor(
        vm,
        "Symbol",
        0,
        |vm, _, a| {
            if vm.constructing {
                return Err(vm.type_error("Symbol is not a constructor"));
            }
            let description = match arg(vm, a, 0) {
                Value::Undefined => None,
                d => {
                    let mut s = String::new();
                    vm.write_string(d, &mut s)?;
                    Some(s)
                }
            };
            Ok(Value::Symbol(vm.heap.new_symbol(description.as_deref())))
        },
        proto,
    );
    for (name, a) in vm.atoms.symbols.all() {
        let key = vm.heap.intern(name);
        vm.define_with(
            symbol,
            key,
            Value::Symbol(a),
            attrs::HIDDEN | attrs::READONLY | attrs::FIXED,
        )
        .expect("the realm is made within its budget");
    }
    method(vm, symbol, "for", 1, |vm, _, a| {
        let mut key = String::new();
        vm.write_string(arg(vm, a, 0), &mut key)?;
        Ok(Value::Symbol(vm.heap.registered_symbol(&key)))
    });
    method(vm, symbol, "keyFor", 1, |vm, _, a| match arg(vm, a, 0) {
        Value::Symbol(s) => match vm.heap.registry_key(s) {
            Some(k) => Ok(vm.heap.alloc_str(&k.to_string())?),
            None => Ok(Value::Undefined),
        },
        v => {
            let shown = crate::inspect::inspect_short(vm, v);
            Err(vm.type_error(format!("{shown} is not a symbol")))
        }
    });
    method(vm, proto, "toString", 0, |vm, this, _| {
        let s = this_symbol(vm, this, "toString")?;
        let text = crate::inspect::symbol_text(vm, s);
        Ok(vm.heap.alloc_str(&text)?)
    });
    method(vm, proto, "valueOf", 0, |vm, this, _| {
        Ok(Value::Symbol(this_symbol(vm, this, "valueOf")?))
    });
    let to_primitive = native(vm, "[Symbol.toPrimitive]", 1, |vm, this, _| {
        Ok(Value::Symbol(this_symbol(
            vm,
            this,
            "[Symbol.toPrimitive]",
        )?))
    });
    let key = vm.atoms.symbols.to_primitive;
    set_fixed(vm, proto, key, Value::Obj(to_primitive));
    string_tag(vm, proto, "Symbol");
    let description = native(vm, "get description", 0, |vm, this, _| {
        let s = this_symbol(vm, this, "description")?;
        match vm.heap.symbol_description(s) {
            Some(d) => {
                let d = d.to_string();
                Ok(vm.heap.alloc_str(&d)?)
            }
            None => Ok(Value::Undefined),
        }
    });
    let key = vm.heap.intern("description");
    vm.define_accessor(proto, key, Value::Obj(description), false, attrs::HIDDEN)
        .expect("the realm is made within its budget");
}

fn this_symbol(vm: &Vm, this: Value, method: &str) -> Result<u32, Interrupt> {
    match vm.unwrap_primitive(this) {
        Value::Symbol(s) => Ok(s),
        _ => Err(vm.type_error(format!(
            "Symbol.prototype.{method} requires that 'this' be a Symbol"
        ))),
    }
}
