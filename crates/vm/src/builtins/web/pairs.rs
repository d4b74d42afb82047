//! Name/value lists kept as strings in an object's `elems` after its
//! other slots, which `URLSearchParams` and `Headers` share: reading and
//! writing them, their `set` rule, and the array iterator their `keys`,
//! `values` and `entries` give.

use super::to_rust_string;
use crate::error::Interrupt;
use crate::state::Vm;
use crate::value::{ObjId, Value};

/// The pairs of `o` from slot `from`, as Rust text.
pub(super) fn read(vm: &Vm, o: ObjId, from: usize) -> Vec<(String, String)> {
    let text = |v: &Value| vm.heap.str(*v).unwrap_or("").to_string();
    vm.heap.obj(o).elems[from..]
        .chunks(2)
        .map(|p| (text(&p[0]), text(&p[1])))
        .collect()
}

/// Appends one pair to `o`.
pub(super) fn push(vm: &mut Vm, o: ObjId, name: &str, value: &str) -> Result<(), Interrupt> {
    let (n, v) = (vm.heap.alloc_str(name)?, vm.heap.alloc_str(value)?);
    vm.heap.charge(2 * crate::heap::SLOT_COST)?;
    vm.heap.obj_mut(o).elems.extend_from_slice(&[n, v]);
    Ok(())
}

/// Replaces the pairs of `o` from slot `from` with `list`.
pub(super) fn write(
    vm: &mut Vm,
    o: ObjId,
    from: usize,
    list: &[(String, String)],
) -> Result<(), Interrupt> {
    vm.heap.obj_mut(o).elems.truncate(from);
    for (n, v) in list {
        push(vm, o, n, v)?;
    }
    Ok(())
}

/// `set(name, value)`: the first pair named so takes the value and the
/// others named so go; with none, the pair is appended.
pub(super) fn set_first(list: &mut Vec<(String, String)>, name: String, value: String) {
    match list.iter().position(|(n, _)| *n == name) {
        Some(i) => {
            list[i].1 = value;
            let mut k = 0;
            list.retain(|(n, _)| {
                k += 1;
                k - 1 == i || *n != name
            });
        }
        None => list.push((name, value)),
    }
}

/// `keys`, `values` and `entries` on `proto`, `entries` also as
/// `[Symbol.iterator]`: the iteration a pair list's interface declares.
pub(super) fn install_iteration(
    vm: &mut Vm,
    proto: ObjId,
    keys: crate::state::NativeFn,
    values: crate::state::NativeFn,
    entries: crate::state::NativeFn,
) {
    crate::builtins::method(vm, proto, "keys", 0, keys);
    crate::builtins::method(vm, proto, "values", 0, values);
    let entries = crate::builtins::native(vm, "entries", 0, entries);
    crate::builtins::set(vm, proto, "entries", Value::Obj(entries));
    let iterator = vm.atoms.symbols.iterator;
    vm.define_with(proto, iterator, Value::Obj(entries), crate::attrs::HIDDEN)
        .expect("the realm is made within its budget");
}

/// An array iterator over `items` (`Array.prototype.values` of them).
pub(super) fn iterator(vm: &mut Vm, items: &[Value]) -> Result<Value, Interrupt> {
    let array = vm.new_array(items)?;
    let values = Value::Obj(vm.realm.array_values);
    vm.call_function(values, array, &[])
}

/// The pairs an init object gives (WebIDL's `sequence<sequence<…>>` or
/// `record<…>`): an iterable of `[name, value]` iterables, else the
/// object's own enumerable properties. `wrong` is the TypeError's text
/// for an item that is not a pair.
pub(super) fn from_init(
    vm: &mut Vm,
    init: Value,
    wrong: &str,
) -> Result<Vec<(String, String)>, Interrupt> {
    let Value::Obj(src) = init else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    let iterator = vm.atoms.symbols.iterator;
    if vm.get_field(init, iterator)?.is_nullish() {
        for key in vm.own_keys(src, false) {
            let value = vm.get_index(init, key)?;
            let name = to_rust_string(vm, key)?;
            out.push((name, to_rust_string(vm, value)?));
        }
        return Ok(out);
    }
    let Value::Obj(it) = vm.iter_values(init)? else {
        unreachable!("iter_values makes an iterator object")
    };
    while let Some(item) = vm.iter_next(it)? {
        let Value::Obj(_) = item else {
            return Err(vm.type_error(wrong));
        };
        let Value::Obj(inner) = vm.iter_values(item)? else {
            unreachable!("iter_values makes an iterator object")
        };
        let mut parts = Vec::new();
        while let Some(v) = vm.iter_next(inner)? {
            parts.push(to_rust_string(vm, v)?);
        }
        let [name, value] = <[String; 2]>::try_from(parts).map_err(|_| vm.type_error(wrong))?;
        out.push((name, value));
    }
    Ok(out)
}
