//! `Array` and `Array.prototype`. Callbacks receive `(value, index, array)`.

use super::array_generic as generic;
use super::{arg, constructor, method, relative_index};
use crate::convert::compare_strings;
use crate::error::{ErrorKind, Interrupt};
use crate::heap::{Class, ElemsLock, SLOT_COST};
use crate::state::{Args, Vm};
use crate::value::{ObjId, Value};
use std::cmp::Ordering;

pub fn install(vm: &mut Vm) {
    let ap = vm.realm.array_proto;
    let array = constructor(
        vm,
        "Array",
        1,
        |vm, _, a| {
            if a.len == 1 {
                if let Value::Num(n) = arg(vm, a, 0) {
                    let Some(len) = crate::number::as_index(n) else {
                        return Err(Interrupt::error(
                            ErrorKind::RangeError,
                            "Invalid array length",
                        ));
                    };
                    vm.heap.charge(len * SLOT_COST)?;
                    let arr = vm.new_array(&[])?;
                    vm.heap
                        .obj_mut(arr.as_obj().unwrap())
                        .elems
                        .resize(len, Value::Undefined);
                    return Ok(arr);
                }
            }
            let items: Vec<Value> = (0..a.len).map(|i| arg(vm, a, i)).collect();
            vm.new_array(&items)
        },
        ap,
    );
    method(vm, array, "isArray", 1, |vm, _, a| {
        Ok(Value::Bool(vm.is_array(arg(vm, a, 0))))
    });
    method(vm, array, "of", 0, |vm, _, a| {
        let items: Vec<Value> = (0..a.len).map(|i| arg(vm, a, i)).collect();
        vm.new_array(&items)
    });
    // `from`: array_callbacks.rs.

    // Objects that are not arrays take the generic algorithms (array_generic.rs).
    method(vm, ap, "push", 1, |vm, this, a| {
        match open_array(vm, this) {
            Some(arr) => push_into(vm, arr, a),
            None => push_slow(vm, this, a),
        }
    });
    method(vm, ap, "pop", 0, |vm, this, _| {
        if !is_array(vm, this) {
            return generic::pop(vm, this);
        }
        let arr = resizable_array(vm, this, "pop")?;
        Ok(vm.heap.obj_mut(arr).elems.pop().unwrap_or(Value::Undefined))
    });
    method(vm, ap, "shift", 0, |vm, this, _| {
        if !is_array(vm, this) {
            return generic::shift(vm, this);
        }
        let arr = resizable_array(vm, this, "shift")?;
        // Every element moves down one: work in proportion to the length.
        vm.charge_work(vm.heap.obj(arr).elems.len() as u64)?;
        let e = &mut vm.heap.obj_mut(arr).elems;
        Ok(if e.is_empty() {
            Value::Undefined
        } else {
            e.remove(0)
        })
    });
    method(vm, ap, "unshift", 1, |vm, this, a| {
        if !is_array(vm, this) {
            return generic::unshift(vm, this, a);
        }
        let arr = resizable_array(vm, this, "unshift")?;
        vm.charge_work((vm.heap.obj(arr).elems.len() + a.len) as u64)?;
        vm.heap.charge(a.len * SLOT_COST)?;
        let items: Vec<Value> = (0..a.len).map(|i| arg(vm, a, i)).collect();
        let e = &mut vm.heap.obj_mut(arr).elems;
        e.splice(0..0, items);
        Ok(Value::Num(e.len() as f64))
    });
    method(vm, ap, "slice", 2, |vm, this, a| {
        if !is_array(vm, this) || !plain_args(vm, a) {
            return generic::slice(vm, this, a);
        }
        let arr = this_array(vm, this, "slice")?;
        let len = vm.heap.obj(arr).elems.len();
        let start = relative_index(vm, arg(vm, a, 0), len, 0)?;
        let end = relative_index(vm, arg(vm, a, 1), len, len)?;
        let items: Vec<Value> = if start < end {
            vm.heap.obj(arr).elems[start..end].to_vec()
        } else {
            Vec::new()
        };
        vm.new_array(&items)
    });
    method(vm, ap, "splice", 2, |vm, this, a| {
        if !is_array(vm, this) || !plain_args(vm, a) {
            return generic::splice(vm, this, a);
        }
        let arr = resizable_array(vm, this, "splice")?;
        let len = vm.heap.obj(arr).elems.len();
        let start = relative_index(vm, arg(vm, a, 0), len, 0)?;
        let count = if a.len < 2 {
            len - start
        } else {
            let n = vm.to_number(arg(vm, a, 1))?;
            (if n.is_nan() { 0.0 } else { n.trunc() }).clamp(0.0, (len - start) as f64) as usize
        };
        let items: Vec<Value> = (2..a.len).map(|i| arg(vm, a, i)).collect();
        vm.charge_work((len - start + items.len()) as u64)?;
        vm.heap.charge(items.len() * SLOT_COST)?;
        let removed: Vec<Value> = vm
            .heap
            .obj_mut(arr)
            .elems
            .splice(start..start + count, items)
            .collect();
        vm.new_array(&removed)
    });
    method(vm, ap, "concat", 1, |vm, this, a| {
        generic::concat(vm, this, a)
    });
    // Each element's own `toLocaleString`, joined with commas.
    method(vm, ap, "toLocaleString", 0, |vm, this, _| {
        if this.is_nullish() {
            return Err(vm.type_error("Array.prototype.toLocaleString called on null or undefined"));
        }
        let o = Value::Obj(vm.to_object(this)?);
        let len = vm.get_field(o, vm.atoms.length)?;
        let len = crate::regexp::to_length(vm.to_number(len)?);
        let key = vm.heap.intern("toLocaleString");
        let mut out = String::new();
        for i in 0..len {
            if i > 0 {
                out.push(',');
            }
            vm.charge_work(crate::sparse_array::PROPERTY_WORK)?;
            let v = vm.get_index(o, Value::Num(i as f64))?;
            if v.is_nullish() {
                continue;
            }
            let f = vm.get_field(v, key)?;
            if !vm.is_callable(f) {
                return Err(vm.type_error("toLocaleString is not a function"));
            }
            let r = vm.call_function(f, v, &[])?;
            vm.write_string(r, &mut out)?;
        }
        Ok(vm.heap.alloc_str(&out)?)
    });
    // `toString` calls `join` (an array's own, written out directly).
    method(vm, ap, "toString", 0, |vm, this, _| {
        if matches!(this, Value::Obj(o) if vm.heap.obj(o).class == Class::Array) {
            return vm.to_string_value(this);
        }
        let join = vm.heap.intern("join");
        let o = Value::Obj(vm.to_object(this)?);
        let f = vm.get_field(o, join)?;
        if vm.is_callable(f) {
            return vm.call_function(f, o, &[]);
        }
        let to_string = vm.get_field(Value::Obj(vm.realm.object_proto), vm.atoms.to_string)?;
        vm.call_function(to_string, o, &[])
    });
    method(vm, ap, "join", 1, |vm, this, a| {
        let arr = this_array(vm, this, "join")?;
        let len = vm.heap.obj(arr).elems.len();
        let sep = match arg(vm, a, 0) {
            Value::Undefined => ",".to_string(),
            v => {
                let mut s = String::new();
                vm.write_string(v, &mut s)?;
                s
            }
        };
        let mut out = String::new();
        for i in 0..len {
            if i > 0 {
                out.push_str(&sep);
            }
            // The separator's or an element's `toString` may have shortened the array.
            let e = element(vm, arr, i);
            if !e.is_nullish() {
                vm.write_string(e, &mut out)?;
            }
            if out.len() > vm.heap.limit {
                return Err(crate::heap::OutOfMemory.into());
            }
        }
        Ok(vm.heap.alloc_str(&out)?)
    });
    method(vm, ap, "reverse", 0, |vm, this, _| {
        if !is_array(vm, this) {
            return generic::reverse(vm, this);
        }
        let arr = own_array(vm, this, "reverse")?;
        if vm.heap.obj(arr).elems.len() > 1 {
            writable_array(vm, this, "reverse")?;
        }
        vm.charge_work(vm.heap.obj(arr).elems.len() as u64)?;
        vm.heap.obj_mut(arr).elems.reverse();
        Ok(this)
    });
    method(vm, ap, "indexOf", 1, |vm, this, a| {
        if !is_array(vm, this) || a.len > 1 || !plain_args(vm, a) {
            return generic::index_of(vm, this, a, false);
        }
        let arr = this_array(vm, this, "indexOf")?;
        let x = arg(vm, a, 0);
        let len = vm.heap.obj(arr).elems.len();
        let from = relative_index(vm, arg(vm, a, 1), len, 0)?;
        vm.charge_work(len.saturating_sub(from) as u64)?;
        let pos = (from..len).find(|&i| vm.strict_equals(vm.heap.obj(arr).elems[i], x));
        Ok(Value::Num(pos.map_or(-1.0, |p| p as f64)))
    });
    method(vm, ap, "lastIndexOf", 1, |vm, this, a| {
        if !is_array(vm, this) || a.len > 1 || !plain_args(vm, a) {
            return generic::index_of(vm, this, a, true);
        }
        let arr = this_array(vm, this, "lastIndexOf")?;
        let x = arg(vm, a, 0);
        let len = vm.heap.obj(arr).elems.len();
        vm.charge_work(len as u64)?;
        let pos = (0..len)
            .rev()
            .find(|&i| vm.strict_equals(vm.heap.obj(arr).elems[i], x));
        Ok(Value::Num(pos.map_or(-1.0, |p| p as f64)))
    });
    method(vm, ap, "includes", 1, |vm, this, a| {
        if !is_array(vm, this) || a.len > 1 || !plain_args(vm, a) {
            return generic::includes(vm, this, a);
        }
        let arr = this_array(vm, this, "includes")?;
        let x = arg(vm, a, 0);
        let nan = matches!(x, Value::Num(n) if n.is_nan());
        vm.charge_work(vm.heap.obj(arr).elems.len() as u64)?;
        let found =
            vm.heap.obj(arr).elems.iter().any(|&e| {
                vm.strict_equals(e, x) || (nan && matches!(e, Value::Num(n) if n.is_nan()))
            });
        Ok(Value::Bool(found))
    });
    method(vm, ap, "at", 1, |vm, this, a| {
        if !is_array(vm, this) {
            return generic::at(vm, this, a);
        }
        let arr = this_array(vm, this, "at")?;
        let len = vm.heap.obj(arr).elems.len() as f64;
        let n = vm.to_number(arg(vm, a, 0))?;
        let n = if n.is_nan() { 0.0 } else { n.trunc() };
        let i = if n < 0.0 { len + n } else { n };
        Ok(if i >= 0.0 && i < len {
            element(vm, arr, i as usize)
        } else {
            Value::Undefined
        })
    });
    method(vm, ap, "fill", 1, |vm, this, a| {
        if !is_array(vm, this) || !plain_args(vm, a) {
            return generic::fill(vm, this, a);
        }
        let arr = writable_array(vm, this, "fill")?;
        let len = vm.heap.obj(arr).elems.len();
        let v = arg(vm, a, 0);
        let start = relative_index(vm, arg(vm, a, 1), len, 0)?;
        let end = relative_index(vm, arg(vm, a, 2), len, len)?;
        vm.charge_work(end.saturating_sub(start) as u64)?;
        for i in start..end.max(start) {
            vm.heap.obj_mut(arr).elems[i] = v;
        }
        Ok(this)
    });
    method(vm, ap, "flat", 0, |vm, this, a| {
        let arr = this_array(vm, this, "flat")?;
        let depth = match arg(vm, a, 0) {
            Value::Undefined => 1.0,
            d => vm.to_number(d)?,
        };
        let out = vm.new_array(&[])?.as_obj().unwrap();
        flatten_into(vm, out, arr, if depth.is_nan() { 0.0 } else { depth })?;
        Ok(Value::Obj(out))
    });
    // `keys`, `values`, `entries` and `[Symbol.iterator]`: iterator.rs;
    // the methods that call back (`map`, `sort`…): array_callbacks.rs.
    method(vm, ap, "toReversed", 0, |vm, this, _| {
        let arr = this_array(vm, this, "toReversed")?;
        let mut items = vm.heap.obj(arr).elems.clone();
        items.reverse();
        vm.new_array(&items)
    });
    method(vm, ap, "copyWithin", 2, |vm, this, a| {
        if !is_array(vm, this) || !plain_args(vm, a) {
            return generic::copy_within(vm, this, a);
        }
        let arr = writable_array(vm, this, "copyWithin")?;
        let len = vm.heap.obj(arr).elems.len();
        let to = relative_index(vm, arg(vm, a, 0), len, 0)?;
        let from = relative_index(vm, arg(vm, a, 1), len, 0)?;
        let end = relative_index(vm, arg(vm, a, 2), len, len)?;
        let count = end.saturating_sub(from).min(len - to);
        vm.charge_work(count as u64)?;
        vm.heap
            .obj_mut(arr)
            .elems
            .copy_within(from..from + count, to);
        Ok(this)
    });
    method(vm, ap, "toSpliced", 2, |vm, this, a| {
        let arr = this_array(vm, this, "toSpliced")?;
        let len = vm.heap.obj(arr).elems.len();
        let start = relative_index(vm, arg(vm, a, 0), len, 0)?;
        let skip = match a.len {
            0 => 0,
            1 => len - start,
            _ => {
                let n = vm.to_number(arg(vm, a, 1))?;
                (if n.is_nan() { 0.0 } else { n.trunc() }).clamp(0.0, (len - start) as f64) as usize
            }
        };
        let inserted = a.len.saturating_sub(2);
        let mut items = Vec::with_capacity(len - skip + inserted);
        items.extend((0..start).map(|i| element(vm, arr, i)));
        items.extend((2..a.len).map(|i| arg(vm, a, i)));
        items.extend((start + skip..len).map(|i| element(vm, arr, i)));
        vm.new_array(&items)
    });
    method(vm, ap, "with", 2, |vm, this, a| {
        let arr = this_array(vm, this, "with")?;
        let len = vm.heap.obj(arr).elems.len() as f64;
        let n = vm.to_number(arg(vm, a, 0))?;
        let n = if n.is_nan() { 0.0 } else { n.trunc() };
        let i = if n < 0.0 { len + n } else { n };
        if i < 0.0 || i >= len {
            return Err(Interrupt::error(
                ErrorKind::RangeError,
                "Invalid index : ".to_string() + &crate::number::to_js_string(n),
            ));
        }
        let mut items: Vec<Value> = (0..len as usize).map(|k| element(vm, arr, k)).collect();
        items[i as usize] = arg(vm, a, 1);
        vm.new_array(&items)
    });
}

/// `this` as an array to read: an array itself, or a copy of an
/// array-like's elements (`Array.prototype.slice.call(arguments)`; a
/// string's characters; nothing of a number or a boolean).
pub(super) fn this_array(vm: &mut Vm, this: Value, method: &str) -> Result<ObjId, Interrupt> {
    match this {
        Value::Obj(o) if vm.heap.obj(o).class == Class::Array => Ok(o),
        Value::Undefined | Value::Null => Err(vm.type_error(format!(
            "Array.prototype.{method} called on null or undefined"
        ))),
        _ => {
            let n = vm.get_field(this, vm.atoms.length)?;
            let n = vm.to_number(n)?;
            let len = if n.is_nan() || n <= 0.0 {
                0
            } else {
                n.min(u32::MAX as f64) as usize
            };
            vm.heap.charge(len.saturating_mul(SLOT_COST))?;
            vm.charge_work(len as u64)?;
            let copy = vm.new_array(&[])?.as_obj().unwrap();
            for i in 0..len {
                let v = vm.get_index(this, Value::Num(i as f64))?;
                vm.heap.obj_mut(copy).elems.push(v);
            }
            Ok(copy)
        }
    }
}

#[inline(always)]
fn push_into(vm: &mut Vm, arr: ObjId, a: Args) -> Result<Value, Interrupt> {
    vm.heap.charge(a.len * SLOT_COST)?;
    for i in 0..a.len {
        let v = arg(vm, a, i);
        vm.heap.obj_mut(arr).elems.push(v);
    }
    Ok(Value::Num(vm.heap.obj(arr).elems.len() as f64))
}

/// `push` on an array-like, or on an array it may not grow.
#[cold]
fn push_slow(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    if !is_array(vm, this) {
        return generic::push(vm, this, a);
    }
    let arr = resizable_array(vm, this, "push")?;
    push_into(vm, arr, a)
}

/// Element `i` of dense array `arr`, undefined past its end (a
/// conversion's script code may have shortened it since its length was read).
#[inline]
fn element(vm: &Vm, arr: ObjId, i: usize) -> Value {
    vm.heap
        .obj(arr)
        .elems
        .get(i)
        .copied()
        .unwrap_or(Value::Undefined)
}

/// Whether no argument is an object: converting them runs no script code,
/// so an array's length read before stays true (the direct paths rely on
/// it; with an object argument the generic algorithms run instead).
fn plain_args(vm: &Vm, a: Args) -> bool {
    (0..a.len).all(|i| !matches!(arg(vm, a, i), Value::Obj(_)))
}

/// Whether `v` is an array (not an array-like).
#[inline]
fn is_array(vm: &Vm, v: Value) -> bool {
    matches!(v, Value::Obj(o) if vm.heap.obj(o).class == Class::Array)
}

/// `this` as an array to change in place (array-likes are not yet).
fn own_array(vm: &Vm, this: Value, method: &str) -> Result<ObjId, Interrupt> {
    match this {
        Value::Obj(o) if vm.heap.obj(o).class == Class::Array => Ok(o),
        _ => Err(vm.type_error(format!("Array.prototype.{method} called on a non-array"))),
    }
}

/// `this` as an array whose elements may change.
#[inline]
pub(super) fn writable_array(vm: &mut Vm, this: Value, method: &str) -> Result<ObjId, Interrupt> {
    if let Value::Obj(o) = this {
        let obj = vm.heap.obj(o);
        if obj.class == Class::Array
            && obj.elems_lock != ElemsLock::Frozen
            && !vm.heap.is_permanent(o)
        {
            return Ok(o);
        }
    }
    refuse_change(vm, this, method, false)
}

/// `this` as an array whose elements may also be added and removed.
#[inline]
fn resizable_array(vm: &mut Vm, this: Value, method: &str) -> Result<ObjId, Interrupt> {
    match open_array(vm, this) {
        Some(o) => Ok(o),
        None => refuse_change(vm, this, method, true),
    }
}

/// `this` if it is an array whose elements may be added and removed.
#[inline]
fn open_array(vm: &Vm, this: Value) -> Option<ObjId> {
    if let Value::Obj(o) = this {
        let obj = vm.heap.obj(o);
        if obj.class == Class::Array
            && obj.elems_lock == ElemsLock::Open
            && obj.extensible
            && !vm.heap.is_permanent(o)
        {
            return Some(o);
        }
    }
    None
}

/// Why `this` cannot be changed in place by `method` (resizing it, when
/// `resize`); or `Array.prototype` itself, which a run may change
/// (`Heap::open_builtin`).
#[cold]
fn refuse_change(vm: &mut Vm, this: Value, method: &str, resize: bool) -> Result<ObjId, Interrupt> {
    let arr = own_array(vm, this, method)?;
    let o = vm.heap.obj(arr);
    let allowed = if resize {
        o.elems_lock == ElemsLock::Open && o.extensible
    } else {
        o.elems_lock != ElemsLock::Frozen
    };
    if allowed && vm.heap.is_permanent(arr) {
        vm.open_object(arr)?;
        return Ok(arr);
    }
    let what = if o.elems_lock == ElemsLock::Frozen {
        "a frozen array"
    } else {
        "a sealed or non-extensible array"
    };
    Err(vm.type_error(format!("Array.prototype.{method} called on {what}")))
}

fn flatten_into(vm: &mut Vm, out: ObjId, arr: ObjId, depth: f64) -> Result<(), Interrupt> {
    for i in 0..vm.heap.obj(arr).elems.len() {
        let v = vm.heap.obj(arr).elems[i];
        match v {
            Value::Obj(inner)
                if depth >= 1.0 && vm.heap.obj(inner).class == Class::Array && inner != arr =>
            {
                semantics::stack::grow(|| flatten_into(vm, out, inner, depth - 1.0))?;
            }
            _ => {
                vm.heap.charge(SLOT_COST)?;
                vm.heap.obj_mut(out).elems.push(v);
            }
        }
    }
    Ok(())
}

/// `Array.from`'s items as a new array: an iterable's values (arrays,
/// strings, generators, any object with `[Symbol.iterator]`) or an
/// array-like object's elements (`{ length: n, 0: …, 1: … }`).
pub(super) fn collect_from(vm: &mut Vm, src: Value) -> Result<ObjId, Interrupt> {
    let out = vm.new_array(&[])?.as_obj().unwrap();
    match src {
        Value::Undefined | Value::Null => {
            let shown = crate::inspect::inspect_short(vm, src);
            return Err(vm.type_error(format!("{shown} is not iterable")));
        }
        Value::Atom(_) | Value::Str(_) => vm.spread_into(out, src)?,
        Value::Obj(o) if vm.heap.obj(o).class == Class::Array => vm.spread_into(out, src)?,
        Value::Obj(_) => {
            let iterator = vm.get_field(src, vm.atoms.symbols.iterator)?;
            if !iterator.is_nullish() {
                vm.spread_into(out, src)?;
                return Ok(out);
            }
            let len = vm.get_field(src, vm.atoms.length)?;
            let len = vm.to_number(len)?;
            let len = if len.is_nan() {
                0
            } else {
                len.clamp(0.0, (1u64 << 24) as f64) as usize
            };
            vm.heap.charge(len * SLOT_COST)?;
            vm.charge_work(len as u64)?;
            for i in 0..len {
                let v = vm.get_index(src, Value::Num(i as f64))?;
                vm.heap.obj_mut(out).elems.push(v);
            }
        }
        _ => {}
    }
    Ok(out)
}

/// What `sort` (`copy` false) or `toSorted` works on: the object to write
/// the result to (`this`, or a new array), the elements to order, how
/// many `undefined`s follow them (they go last, uncompared) and the
/// length (indices past the elements and the `undefined`s were holes, and
/// are deleted). The elements are a copy because a comparator may change
/// the array meanwhile.
pub(super) fn sort_items(
    vm: &mut Vm,
    this: Value,
    method: &str,
    copy: bool,
) -> Result<(Value, Vec<Value>, usize, usize), Interrupt> {
    if !copy && !is_array(vm, this) {
        let (o, present, len) = generic::present_elements(vm, this, method)?;
        let items: Vec<Value> = present
            .iter()
            .copied()
            .filter(|v| !matches!(v, Value::Undefined))
            .collect();
        return Ok((o, items.clone(), present.len() - items.len(), len));
    }
    let (target, arr) = if copy {
        let arr = this_array(vm, this, method)?;
        (vm.new_array(&[])?.as_obj().unwrap(), arr)
    } else {
        let arr = writable_array(vm, this, method)?;
        (arr, arr)
    };
    let all = &vm.heap.obj(arr).elems;
    let items: Vec<Value> = all
        .iter()
        .copied()
        .filter(|v| !matches!(v, Value::Undefined))
        .collect();
    let (len, undefineds) = (all.len(), all.len() - items.len());
    // n log n comparisons and moves (a comparator's calls are charged too).
    let n = items.len() as u64;
    vm.charge_work(2 * n * (u64::BITS - n.leading_zeros()) as u64)?;
    if copy {
        vm.heap.charge(len * SLOT_COST)?;
    }
    Ok((Value::Obj(target), items, undefineds, len))
}

/// The default order: by the elements' strings.
fn compare(vm: &mut Vm, x: Value, y: Value) -> Result<Ordering, Interrupt> {
    let (a, b) = (vm.to_string_value(x)?, vm.to_string_value(y)?);
    Ok(compare_strings(
        vm.heap.str(a).unwrap(),
        vm.heap.str(b).unwrap(),
    ))
}

/// Whether `cmp` is a comparator the compiler proved to be `(a, b) => a - b`
/// (`Some(true)`) or `b - a` (`Some(false)`). On arrays of numbers without
/// NaN they order exactly like a numeric sort, which then runs without
/// calling back into the script.
fn numeric_comparator(vm: &Vm, cmp: Value) -> Option<bool> {
    use lang::facts::Comparator;
    let Value::Obj(f) = cmp else { return None };
    let Class::Closure(fi) = vm.heap.obj(f).class else {
        return None;
    };
    match vm.funcs[fi as usize].facts.comparator? {
        Comparator::Ascending => Some(true),
        Comparator::Descending => Some(false),
    }
}

/// Sorts `items` (no `undefined` among them) when that needs no call of
/// the comparator: without one (the default order), or with one the
/// compiler proved numeric on numbers. False when the comparator must be
/// called (array_callbacks.rs does, one step per comparison).
pub(super) fn sort_without_calls(
    vm: &mut Vm,
    items: &mut Vec<Value>,
    cmp: Option<Value>,
) -> Result<bool, Interrupt> {
    let Some(cmp) = cmp else {
        default_sort(vm, items)?;
        return Ok(true);
    };
    let Some(ascending) = numeric_comparator(vm, cmp) else {
        return Ok(false);
    };
    let numbers: Option<Vec<f64>> = items
        .iter()
        .map(|v| match v {
            Value::Num(n) if !n.is_nan() => Some(*n),
            _ => None,
        })
        .collect();
    let Some(mut ns) = numbers else {
        return Ok(false);
    };
    // `sort_by` is stable, as the comparator's order requires.
    if ascending {
        ns.sort_by(|a, b| a.partial_cmp(b).unwrap());
    } else {
        ns.sort_by(|a, b| b.partial_cmp(a).unwrap());
    }
    for (slot, n) in items.iter_mut().zip(ns) {
        *slot = Value::Num(n);
    }
    Ok(true)
}

/// The default order, by the elements' strings (an object's `toString`
/// may be script code, called in a nested run).
fn default_sort(vm: &mut Vm, items: &mut Vec<Value>) -> Result<(), Interrupt> {
    if items.iter().all(|v| !matches!(v, Value::Obj(_))) {
        // Primitives: each one's string once, not two per comparison
        // (300,000 numbers: 5.7 million conversions). Their ToString has
        // no side effects, so this is the same order.
        let mut keyed = Vec::with_capacity(items.len());
        for &v in items.iter() {
            let mut key = String::new();
            vm.write_string(v, &mut key)?;
            keyed.push((key, v));
        }
        keyed.sort_by(|(a, _), (b, _)| compare_strings(a, b));
        for (slot, (_, v)) in items.iter_mut().zip(keyed) {
            *slot = v;
        }
        return Ok(());
    }
    // A stable bottom-up merge sort whose comparisons may fail.
    let n = items.len();
    let mut buf = items.clone();
    let mut width = 1;
    while width < n {
        let mut lo = 0;
        while lo < n {
            let mid = (lo + width).min(n);
            let hi = (lo + 2 * width).min(n);
            let (mut i, mut j, mut k) = (lo, mid, lo);
            while i < mid && j < hi {
                if compare(vm, items[j], items[i])? == Ordering::Less {
                    buf[k] = items[j];
                    j += 1;
                } else {
                    buf[k] = items[i];
                    i += 1;
                }
                k += 1;
            }
            buf[k..k + (mid - i)].copy_from_slice(&items[i..mid]);
            k += mid - i;
            buf[k..k + (hi - j)].copy_from_slice(&items[j..hi]);
            lo = hi;
        }
        std::mem::swap(items, &mut buf);
        width *= 2;
    }
    Ok(())
}
