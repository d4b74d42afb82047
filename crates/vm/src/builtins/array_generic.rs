//! The array methods that change their array in place — `push`, `pop`,
//! `shift`, `unshift`, `reverse`, `splice` — on objects that are not arrays
//! (`Array.prototype.push.call(arrayLike, x)`): the specification's
//! property-by-property algorithms over `length` and index keys. Arrays
//! themselves take the direct paths in array.rs.

use super::arg;
use crate::error::Interrupt;
use crate::state::{Args, Vm};
use crate::value::Value;

/// 2^53 - 1: the longest length an array-like may have.
const LENGTH_MAX: f64 = 9_007_199_254_740_991.0;

/// `ToObject(this)` and its `length` (ToLength).
fn target(vm: &mut Vm, this: Value, method: &str) -> Result<(Value, f64), Interrupt> {
    if this.is_nullish() {
        return Err(vm.type_error(format!(
            "Array.prototype.{method} called on null or undefined"
        )));
    }
    let o = Value::Obj(vm.to_object(this)?);
    let len = vm.get_field(o, vm.atoms.length)?;
    let len = vm.to_number(len)?;
    let len = if len.is_nan() || len <= 0.0 {
        0.0
    } else {
        len.trunc().min(LENGTH_MAX)
    };
    Ok((o, len))
}

fn set_length(vm: &mut Vm, o: Value, n: f64) -> Result<(), Interrupt> {
    vm.set_field(o, vm.atoms.length, Value::Num(n))
}

/// DeletePropertyOrThrow of index `k`.
fn delete(vm: &mut Vm, o: Value, k: f64) -> Result<(), Interrupt> {
    if vm.delete_index(o, Value::Num(k))? {
        return Ok(());
    }
    let shown = crate::number::to_js_string(k);
    Err(vm.type_error(format!("Cannot delete property '{shown}'")))
}

/// Moves the element at `from` to `to`, or deletes `to` if there is none.
fn move_element(vm: &mut Vm, o: Value, from: f64, to: f64) -> Result<(), Interrupt> {
    vm.charge_work(1)?;
    if vm.has_property(o, Value::Num(from))? {
        let v = vm.get_index(o, Value::Num(from))?;
        vm.set_index(o, Value::Num(to), v)
    } else {
        delete(vm, o, to)
    }
}

pub(super) fn push(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let (o, len) = target(vm, this, "push")?;
    if len + a.len as f64 > LENGTH_MAX {
        return Err(vm.type_error("Pushing past the longest length an array-like may have"));
    }
    for i in 0..a.len {
        let v = arg(vm, a, i);
        vm.set_index(o, Value::Num(len + i as f64), v)?;
    }
    let n = len + a.len as f64;
    set_length(vm, o, n)?;
    Ok(Value::Num(n))
}

pub(super) fn pop(vm: &mut Vm, this: Value) -> Result<Value, Interrupt> {
    let (o, len) = target(vm, this, "pop")?;
    if len == 0.0 {
        set_length(vm, o, 0.0)?;
        return Ok(Value::Undefined);
    }
    let last = len - 1.0;
    let v = vm.get_index(o, Value::Num(last))?;
    delete(vm, o, last)?;
    set_length(vm, o, last)?;
    Ok(v)
}

pub(super) fn shift(vm: &mut Vm, this: Value) -> Result<Value, Interrupt> {
    let (o, len) = target(vm, this, "shift")?;
    if len == 0.0 {
        set_length(vm, o, 0.0)?;
        return Ok(Value::Undefined);
    }
    let first = vm.get_index(o, Value::Num(0.0))?;
    let mut k = 1.0;
    while k < len {
        move_element(vm, o, k, k - 1.0)?;
        k += 1.0;
    }
    delete(vm, o, len - 1.0)?;
    set_length(vm, o, len - 1.0)?;
    Ok(first)
}

pub(super) fn unshift(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let (o, len) = target(vm, this, "unshift")?;
    let n = a.len as f64;
    if a.len > 0 {
        if len + n > LENGTH_MAX {
            return Err(vm.type_error("Unshifting past the longest length an array-like may have"));
        }
        let mut k = len;
        while k > 0.0 {
            move_element(vm, o, k - 1.0, k + n - 1.0)?;
            k -= 1.0;
        }
        for j in 0..a.len {
            let v = arg(vm, a, j);
            vm.set_index(o, Value::Num(j as f64), v)?;
        }
    }
    set_length(vm, o, len + n)?;
    Ok(Value::Num(len + n))
}

pub(super) fn reverse(vm: &mut Vm, this: Value) -> Result<Value, Interrupt> {
    let (o, len) = target(vm, this, "reverse")?;
    let middle = (len / 2.0).floor();
    let mut lower = 0.0;
    while lower != middle {
        vm.charge_work(1)?;
        let upper = len - lower - 1.0;
        let (lo, up) = (Value::Num(lower), Value::Num(upper));
        let lower_exists = vm.has_property(o, lo)?;
        let lower_value = if lower_exists {
            vm.get_index(o, lo)?
        } else {
            Value::Undefined
        };
        let upper_exists = vm.has_property(o, up)?;
        let upper_value = if upper_exists {
            vm.get_index(o, up)?
        } else {
            Value::Undefined
        };
        match (lower_exists, upper_exists) {
            (true, true) => {
                vm.set_index(o, lo, upper_value)?;
                vm.set_index(o, up, lower_value)?;
            }
            (false, true) => {
                vm.set_index(o, lo, upper_value)?;
                delete(vm, o, upper)?;
            }
            (true, false) => {
                delete(vm, o, lower)?;
                vm.set_index(o, up, lower_value)?;
            }
            (false, false) => {}
        }
        lower += 1.0;
    }
    Ok(o)
}

/// `splice` on an array-like: the removed elements into a new array, the
/// rest moved up or down index by index, the new items written in.
pub(super) fn splice(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let (o, len) = target(vm, this, "splice")?;
    let rel = |vm: &mut Vm, v: Value, default: f64| -> Result<f64, Interrupt> {
        if matches!(v, Value::Undefined) {
            return Ok(default);
        }
        let n = vm.to_number(v)?;
        let n = if n.is_nan() { 0.0 } else { n.trunc() };
        Ok(if n < 0.0 {
            (len + n).max(0.0)
        } else {
            n.min(len)
        })
    };
    let start = rel(vm, arg(vm, a, 0), 0.0)?;
    let items: Vec<Value> = (2..a.len).map(|i| arg(vm, a, i)).collect();
    let count = match a.len {
        0 => 0.0,
        1 => len - start,
        _ => {
            let n = vm.to_number(arg(vm, a, 1))?;
            let n = if n.is_nan() { 0.0 } else { n.trunc() };
            n.clamp(0.0, len - start)
        }
    };
    let added = items.len() as f64;
    if len + added - count > LENGTH_MAX {
        return Err(vm.type_error("splice past the longest length an array-like may have"));
    }
    let removed = vm.new_array(&[])?;
    let mut k = 0.0;
    while k < count {
        vm.charge_work(1)?;
        if vm.has_property(o, Value::Num(start + k))? {
            let v = vm.get_index(o, Value::Num(start + k))?;
            vm.set_index(removed, Value::Num(k), v)?;
        }
        k += 1.0;
    }
    vm.set_field(removed, vm.atoms.length, Value::Num(count))?;
    if added < count {
        let mut k = start;
        while k < len - count {
            move_element(vm, o, k + count, k + added)?;
            k += 1.0;
        }
        let mut k = len;
        while k > len - count + added {
            delete(vm, o, k - 1.0)?;
            k -= 1.0;
        }
    } else if added > count {
        let mut k = len - count;
        while k > start {
            move_element(vm, o, k + count - 1.0, k + added - 1.0)?;
            k -= 1.0;
        }
    }
    for (j, v) in items.into_iter().enumerate() {
        vm.set_index(o, Value::Num(start + j as f64), v)?;
    }
    set_length(vm, o, len - count + added)?;
    Ok(removed)
}
