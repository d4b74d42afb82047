//! The array methods on objects that are not dense arrays — array-likes
//! (`Array.prototype.push.call(arrayLike, x)`) and sparse arrays: the
//! specification's property-by-property algorithms over `length` and index
//! keys (HasProperty, Get, Set, DeletePropertyOrThrow), holes and all.
//! Dense arrays take the direct paths in array.rs.

use super::arg;
use crate::error::Interrupt;
use crate::sparse_array::PROPERTY_WORK;
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

/// Element `k` of `o` if it has one (HasProperty, then Get): one step of
/// the property-by-property algorithms, charged as one.
fn element(vm: &mut Vm, o: Value, k: f64) -> Result<Option<Value>, Interrupt> {
    vm.charge_work(PROPERTY_WORK)?;
    if vm.has_property(o, Value::Num(k))? {
        Ok(Some(vm.get_index(o, Value::Num(k))?))
    } else {
        Ok(None)
    }
}

/// The elements `o` has or lacks at `from..end`, in order.
fn elements(
    vm: &mut Vm,
    o: Value,
    from: f64,
    end: f64,
    out: &mut Vec<Option<Value>>,
) -> Result<(), Interrupt> {
    let mut k = from;
    while k < end {
        out.push(element(vm, o, k)?);
        k += 1.0;
    }
    Ok(())
}

/// Moves the element at `from` to `to`, or deletes `to` if there is none.
fn move_element(vm: &mut Vm, o: Value, from: f64, to: f64) -> Result<(), Interrupt> {
    match element(vm, o, from)? {
        Some(v) => vm.set_index(o, Value::Num(to), v),
        None => delete(vm, o, to),
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
        let upper = len - lower - 1.0;
        let (lo, up) = (Value::Num(lower), Value::Num(upper));
        match (element(vm, o, lower)?, element(vm, o, upper)?) {
            (Some(l), Some(u)) => {
                vm.set_index(o, lo, u)?;
                vm.set_index(o, up, l)?;
            }
            (None, Some(u)) => {
                vm.set_index(o, lo, u)?;
                delete(vm, o, upper)?;
            }
            (Some(l), None) => {
                delete(vm, o, lower)?;
                vm.set_index(o, up, l)?;
            }
            (None, None) => {}
        }
        lower += 1.0;
    }
    Ok(o)
}

/// `splice` on an array-like: the removed elements into a new array, the
/// rest moved up or down index by index, the new items written in.
pub(super) fn splice(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let (o, len) = target(vm, this, "splice")?;
    let start = relative(vm, arg(vm, a, 0), len, 0.0)?;
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
        if let Some(v) = element(vm, o, start + k)? {
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

/// A relative index argument (`start`, `end`, `fromIndex`) against `len`:
/// negative counts from the end; `default` when undefined.
fn relative(vm: &mut Vm, v: Value, len: f64, default: f64) -> Result<f64, Interrupt> {
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
}

/// The elements `this` has (HasProperty), in index order, with its
/// length: what `sort` orders.
pub(super) fn present_elements(
    vm: &mut Vm,
    this: Value,
    method: &str,
) -> Result<(Value, Vec<Value>, usize), Interrupt> {
    let (o, len) = target(vm, this, method)?;
    let mut slots = Vec::new();
    elements(vm, o, 0.0, len, &mut slots)?;
    Ok((o, slots.into_iter().flatten().collect(), len as usize))
}

/// Writes `items` to indices 0.. of `o` and deletes the rest up to `len`.
pub(super) fn write_back(
    vm: &mut Vm,
    o: Value,
    items: &[Value],
    len: usize,
) -> Result<(), Interrupt> {
    for (i, &v) in items.iter().enumerate() {
        vm.set_index(o, Value::Num(i as f64), v)?;
    }
    for i in items.len()..len {
        vm.charge_work(PROPERTY_WORK)?;
        delete(vm, o, i as f64)?;
    }
    Ok(())
}

/// `indexOf` (`last` false) or `lastIndexOf`: only the indices the object
/// has are compared.
pub(super) fn index_of(vm: &mut Vm, this: Value, a: Args, last: bool) -> Result<Value, Interrupt> {
    let name = if last { "lastIndexOf" } else { "indexOf" };
    let (o, len) = target(vm, this, name)?;
    let x = arg(vm, a, 0);
    if len == 0.0 {
        return Ok(Value::Num(-1.0));
    }
    let n = if last && a.len < 2 {
        len - 1.0
    } else {
        integer_or_infinity(vm, arg(vm, a, 1))?
    };
    let (mut k, step) = if last {
        if n == f64::NEG_INFINITY {
            return Ok(Value::Num(-1.0));
        }
        (if n >= 0.0 { n.min(len - 1.0) } else { len + n }, -1.0)
    } else {
        if n == f64::INFINITY {
            return Ok(Value::Num(-1.0));
        }
        (if n >= 0.0 { n } else { (len + n).max(0.0) }, 1.0)
    };
    while k >= 0.0 && k < len {
        if let Some(v) = element(vm, o, k)?
            && vm.strict_equals(v, x)
        {
            // `+ 0.0`: a `-0` start gives index +0.
            return Ok(Value::Num(k + 0.0));
        }
        k += step;
    }
    Ok(Value::Num(-1.0))
}

/// `includes`: every index up to the length, holes read as undefined.
pub(super) fn includes(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let (o, len) = target(vm, this, "includes")?;
    let x = arg(vm, a, 0);
    if len == 0.0 {
        return Ok(Value::Bool(false));
    }
    let n = integer_or_infinity(vm, arg(vm, a, 1))?;
    let mut k = if n >= 0.0 { n } else { (len + n).max(0.0) };
    while k < len {
        vm.charge_work(PROPERTY_WORK)?;
        let v = vm.get_index(o, Value::Num(k))?;
        let both_nan = matches!((v, x), (Value::Num(p), Value::Num(q)) if p.is_nan() && q.is_nan());
        if both_nan || vm.strict_equals(v, x) {
            return Ok(Value::Bool(true));
        }
        k += 1.0;
    }
    Ok(Value::Bool(false))
}

/// `fill` on an array-like or a sparse array.
pub(super) fn fill(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let (o, len) = target(vm, this, "fill")?;
    let v = arg(vm, a, 0);
    let mut k = relative(vm, arg(vm, a, 1), len, 0.0)?;
    let end = relative(vm, arg(vm, a, 2), len, len)?;
    while k < end {
        vm.charge_work(PROPERTY_WORK)?;
        vm.set_index(o, Value::Num(k), v)?;
        k += 1.0;
    }
    Ok(o)
}

/// `copyWithin` on an array-like or a sparse array: element by element,
/// backwards when the ranges overlap that way, holes copied as deletions.
pub(super) fn copy_within(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let (o, len) = target(vm, this, "copyWithin")?;
    let mut to = relative(vm, arg(vm, a, 0), len, 0.0)?;
    let mut from = relative(vm, arg(vm, a, 1), len, 0.0)?;
    let end = relative(vm, arg(vm, a, 2), len, len)?;
    let mut count = (end - from).min(len - to);
    let step = if from < to && to < from + count {
        from += count - 1.0;
        to += count - 1.0;
        -1.0
    } else {
        1.0
    };
    while count > 0.0 {
        move_element(vm, o, from, to)?;
        from += step;
        to += step;
        count -= 1.0;
    }
    Ok(o)
}

/// `slice` on an array-like or a sparse array: the indices it has, holes
/// kept as holes.
pub(super) fn slice(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let (o, len) = target(vm, this, "slice")?;
    let k = relative(vm, arg(vm, a, 0), len, 0.0)?;
    let end = relative(vm, arg(vm, a, 1), len, len)?;
    if end - k > u32::MAX as f64 {
        return Err(crate::error::Interrupt::error(
            crate::error::ErrorKind::RangeError,
            "Invalid array length",
        ));
    }
    let mut slots = Vec::new();
    elements(vm, o, k, end, &mut slots)?;
    vm.array_with_holes(&slots)
}

/// `at` on an array-like or a sparse array: one Get, no copy.
pub(super) fn at(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let (o, len) = target(vm, this, "at")?;
    let n = integer_or_infinity(vm, arg(vm, a, 0))?;
    let k = if n < 0.0 { len + n } else { n };
    if k < 0.0 || k >= len {
        return Ok(Value::Undefined);
    }
    vm.get_index(o, Value::Num(k))
}

/// ToIntegerOrInfinity of an optional argument (undefined is 0).
fn integer_or_infinity(vm: &mut Vm, v: Value) -> Result<f64, Interrupt> {
    let n = vm.to_number(v)?;
    Ok(if n.is_nan() { 0.0 } else { n.trunc() })
}

/// `concat`: `this` and each argument spread when IsConcatSpreadable
/// (`Symbol.isConcatSpreadable`, else IsArray), holes kept.
pub(super) fn concat(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    if this.is_nullish() {
        return Err(vm.type_error("Array.prototype.concat called on null or undefined"));
    }
    let o = Value::Obj(vm.to_object(this)?);
    let mut slots: Vec<Option<Value>> = Vec::new();
    for i in 0..=a.len {
        let e = if i == 0 { o } else { arg(vm, a, i - 1) };
        if !spreadable(vm, e)? {
            slots.push(Some(e));
            continue;
        }
        let Value::Obj(id) = e else { unreachable!() };
        if vm.heap.obj(id).class == crate::heap::Class::Array {
            let n = vm.heap.obj(id).elems.len();
            vm.charge_work(n as u64)?;
            slots.extend(vm.heap.obj(id).elems.iter().map(|&v| Some(v)));
            continue;
        }
        let len = vm.get_field(e, vm.atoms.length)?;
        let len = crate::regexp::to_length(vm.to_number(len)?) as f64;
        if slots.len() as f64 + len > LENGTH_MAX {
            return Err(vm.type_error("concat past the longest length an array may have"));
        }
        elements(vm, e, 0.0, len, &mut slots)?;
    }
    vm.heap.charge(slots.len() * crate::heap::SLOT_COST)?;
    vm.array_with_holes(&slots)
}

/// IsConcatSpreadable.
fn spreadable(vm: &mut Vm, v: Value) -> Result<bool, Interrupt> {
    if !matches!(v, Value::Obj(_)) {
        return Ok(false);
    }
    let s = vm.get_field(v, vm.atoms.symbols.is_concat_spreadable)?;
    if matches!(s, Value::Undefined) {
        return Ok(vm.is_array(v));
    }
    Ok(vm.truthy(s))
}
