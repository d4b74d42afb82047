//! `Array` and `Array.prototype`. Callbacks receive `(value, index, array)`.

use super::{arg, callable, constructor, method, relative_index};
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
        Ok(Value::Bool(
            matches!(arg(vm, a, 0), Value::Obj(o) if vm.heap.obj(o).class == Class::Array),
        ))
    });
    method(vm, array, "of", 0, |vm, _, a| {
        let items: Vec<Value> = (0..a.len).map(|i| arg(vm, a, i)).collect();
        vm.new_array(&items)
    });
    method(vm, array, "from", 1, array_from);

    method(vm, ap, "push", 1, |vm, this, a| {
        let arr = resizable_array(vm, this, "push")?;
        vm.heap.charge(a.len * SLOT_COST)?;
        for i in 0..a.len {
            let v = arg(vm, a, i);
            vm.heap.obj_mut(arr).elems.push(v);
        }
        Ok(Value::Num(vm.heap.obj(arr).elems.len() as f64))
    });
    method(vm, ap, "pop", 0, |vm, this, _| {
        let arr = resizable_array(vm, this, "pop")?;
        Ok(vm.heap.obj_mut(arr).elems.pop().unwrap_or(Value::Undefined))
    });
    method(vm, ap, "shift", 0, |vm, this, _| {
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
        let arr = resizable_array(vm, this, "unshift")?;
        vm.charge_work((vm.heap.obj(arr).elems.len() + a.len) as u64)?;
        vm.heap.charge(a.len * SLOT_COST)?;
        let items: Vec<Value> = (0..a.len).map(|i| arg(vm, a, i)).collect();
        let e = &mut vm.heap.obj_mut(arr).elems;
        e.splice(0..0, items);
        Ok(Value::Num(e.len() as f64))
    });
    method(vm, ap, "slice", 2, |vm, this, a| {
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
        let arr = this_array(vm, this, "concat")?;
        let mut items = vm.heap.obj(arr).elems.clone();
        for i in 0..a.len {
            match arg(vm, a, i) {
                Value::Obj(o) if vm.heap.obj(o).class == Class::Array => {
                    items.extend_from_slice(&vm.heap.obj(o).elems)
                }
                v => items.push(v),
            }
        }
        vm.new_array(&items)
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
        let sep = match arg(vm, a, 0) {
            Value::Undefined => ",".to_string(),
            v => {
                let mut s = String::new();
                vm.write_string(v, &mut s)?;
                s
            }
        };
        let mut out = String::new();
        for i in 0..vm.heap.obj(arr).elems.len() {
            if i > 0 {
                out.push_str(&sep);
            }
            let e = vm.heap.obj(arr).elems[i];
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
        let arr = own_array(vm, this, "reverse")?;
        if vm.heap.obj(arr).elems.len() > 1 {
            writable_array(vm, this, "reverse")?;
        }
        vm.charge_work(vm.heap.obj(arr).elems.len() as u64)?;
        vm.heap.obj_mut(arr).elems.reverse();
        Ok(this)
    });
    method(vm, ap, "indexOf", 1, |vm, this, a| {
        let arr = this_array(vm, this, "indexOf")?;
        let x = arg(vm, a, 0);
        let len = vm.heap.obj(arr).elems.len();
        let from = relative_index(vm, arg(vm, a, 1), len, 0)?;
        vm.charge_work(len.saturating_sub(from) as u64)?;
        let pos = (from..len).find(|&i| vm.strict_equals(vm.heap.obj(arr).elems[i], x));
        Ok(Value::Num(pos.map_or(-1.0, |p| p as f64)))
    });
    method(vm, ap, "lastIndexOf", 1, |vm, this, a| {
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
        let arr = this_array(vm, this, "at")?;
        let len = vm.heap.obj(arr).elems.len() as f64;
        let n = vm.to_number(arg(vm, a, 0))?;
        let n = if n.is_nan() { 0.0 } else { n.trunc() };
        let i = if n < 0.0 { len + n } else { n };
        Ok(if i >= 0.0 && i < len {
            vm.heap.obj(arr).elems[i as usize]
        } else {
            Value::Undefined
        })
    });
    method(vm, ap, "fill", 1, |vm, this, a| {
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
    method(vm, ap, "forEach", 1, |vm, this, a| {
        iterate(vm, this, a, "forEach", |_, _, _| Ok(Step::Continue))?;
        Ok(Value::Undefined)
    });
    method(vm, ap, "map", 1, |vm, this, a| {
        let arr = this_array(vm, this, "map")?;
        let len = vm.heap.obj(arr).elems.len();
        let (out, pin) = pinned_array(vm)?;
        vm.heap.charge(len * SLOT_COST)?;
        vm.heap.obj_mut(out).elems.reserve(len);
        iterate(vm, this, a, "map", |vm, _, r| {
            vm.heap.obj_mut(out).elems.push(r);
            Ok(Step::Continue)
        })?;
        unpin(vm, pin);
        Ok(Value::Obj(out))
    });
    method(vm, ap, "filter", 1, |vm, this, a| {
        let (out, pin) = pinned_array(vm)?;
        iterate(vm, this, a, "filter", |vm, (v, _), r| {
            if vm.truthy(r) {
                vm.heap.charge(SLOT_COST)?;
                vm.heap.obj_mut(out).elems.push(v);
            }
            Ok(Step::Continue)
        })?;
        unpin(vm, pin);
        Ok(Value::Obj(out))
    });
    method(vm, ap, "find", 1, |vm, this, a| {
        let found = iterate(vm, this, a, "find", |vm, (v, _), r| {
            Ok(if vm.truthy(r) {
                Step::Stop(v)
            } else {
                Step::Continue
            })
        })?;
        Ok(found.unwrap_or(Value::Undefined))
    });
    method(vm, ap, "findIndex", 1, |vm, this, a| {
        let found = iterate(vm, this, a, "findIndex", |vm, (_, i), r| {
            Ok(if vm.truthy(r) {
                Step::Stop(Value::Num(i as f64))
            } else {
                Step::Continue
            })
        })?;
        Ok(found.unwrap_or(Value::Num(-1.0)))
    });
    method(vm, ap, "some", 1, |vm, this, a| {
        let found = iterate(vm, this, a, "some", |vm, _, r| {
            Ok(if vm.truthy(r) {
                Step::Stop(Value::Bool(true))
            } else {
                Step::Continue
            })
        })?;
        Ok(found.unwrap_or(Value::Bool(false)))
    });
    method(vm, ap, "every", 1, |vm, this, a| {
        let found = iterate(vm, this, a, "every", |vm, _, r| {
            Ok(if !vm.truthy(r) {
                Step::Stop(Value::Bool(false))
            } else {
                Step::Continue
            })
        })?;
        Ok(found.unwrap_or(Value::Bool(true)))
    });
    method(vm, ap, "reduce", 2, |vm, this, a| {
        let arr = this_array(vm, this, "reduce")?;
        let f = callable(vm, arg(vm, a, 0), "reduce")?;
        let mut i = 0;
        let mut acc = if a.len >= 2 {
            arg(vm, a, 1)
        } else {
            match vm.heap.obj(arr).elems.first() {
                Some(&v) => {
                    i = 1;
                    v
                }
                None => return Err(vm.type_error("Reduce of empty array with no initial value")),
            }
        };
        while i < vm.heap.obj(arr).elems.len() {
            let v = vm.heap.obj(arr).elems[i];
            // Rooted: `acc` is held only while the next call has it on the stack.
            acc = vm.call_function_rooted(
                f,
                Value::Undefined,
                &[acc, v, Value::Num(i as f64), this],
            )?;
            i += 1;
        }
        Ok(acc)
    });
    method(vm, ap, "reduceRight", 2, |vm, this, a| {
        let arr = this_array(vm, this, "reduceRight")?;
        let f = callable(vm, arg(vm, a, 0), "reduceRight")?;
        let mut i = vm.heap.obj(arr).elems.len();
        let mut acc = if a.len >= 2 {
            arg(vm, a, 1)
        } else if i == 0 {
            return Err(vm.type_error("Reduce of empty array with no initial value"));
        } else {
            i -= 1;
            vm.heap.obj(arr).elems[i]
        };
        while i > 0 {
            i -= 1;
            let Some(&v) = vm.heap.obj(arr).elems.get(i) else {
                continue;
            };
            acc = vm.call_function_rooted(
                f,
                Value::Undefined,
                &[acc, v, Value::Num(i as f64), this],
            )?;
        }
        Ok(acc)
    });
    method(vm, ap, "findLast", 1, |vm, this, a| {
        Ok(find_last(vm, this, a, "findLast")?.map_or(Value::Undefined, |(v, _)| v))
    });
    method(vm, ap, "findLastIndex", 1, |vm, this, a| {
        Ok(Value::Num(
            find_last(vm, this, a, "findLastIndex")?.map_or(-1.0, |(_, i)| i as f64),
        ))
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
    method(vm, ap, "flatMap", 1, |vm, this, a| {
        let (out, pin) = pinned_array(vm)?;
        iterate(vm, this, a, "flatMap", |vm, _, r| {
            match r {
                Value::Obj(o) if vm.heap.obj(o).class == Class::Array => vm.spread_into(out, r)?,
                _ => {
                    vm.heap.charge(SLOT_COST)?;
                    vm.heap.obj_mut(out).elems.push(r);
                }
            }
            Ok(Step::Continue)
        })?;
        unpin(vm, pin);
        Ok(Value::Obj(out))
    });
    // `keys`, `values`, `entries` and `[Symbol.iterator]`: iterator.rs.
    method(vm, ap, "toReversed", 0, |vm, this, _| {
        let arr = this_array(vm, this, "toReversed")?;
        let mut items = vm.heap.obj(arr).elems.clone();
        items.reverse();
        vm.new_array(&items)
    });
    method(vm, ap, "toSorted", 1, |vm, this, a| {
        let (_, items) = sorted_copy(vm, this, a, "toSorted")?;
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
        let mut items = vm.heap.obj(arr).elems.clone();
        items[i as usize] = arg(vm, a, 1);
        vm.new_array(&items)
    });
    method(vm, ap, "sort", 1, |vm, this, a| {
        writable_array(vm, this, "sort")?;
        let (arr, items) = sorted_copy(vm, this, a, "sort")?;
        vm.heap.obj_mut(arr).elems = items;
        Ok(this)
    });
}

/// `this`'s elements, sorted by the optional comparator in `a[0]`. The sort
/// works on a copy because the comparator may touch the array meanwhile.
fn sorted_copy(
    vm: &mut Vm,
    this: Value,
    a: Args,
    method: &str,
) -> Result<(ObjId, Vec<Value>), Interrupt> {
    let arr = this_array(vm, this, method)?;
    let cmp = match arg(vm, a, 0) {
        Value::Undefined => None,
        f => Some(callable(vm, f, method)?),
    };
    let mut items = vm.heap.obj(arr).elems.clone();
    // n log n comparisons and moves (a comparator's calls are charged too).
    let n = items.len() as u64;
    vm.charge_work(2 * n * (u64::BITS - n.leading_zeros()) as u64)?;
    merge_sort(vm, &mut items, cmp)?;
    Ok((arr, items))
}

/// `this` as an array to read: an array itself, or a copy of an
/// array-like object's elements (`Array.prototype.slice.call(arguments)`).
fn this_array(vm: &mut Vm, this: Value, method: &str) -> Result<ObjId, Interrupt> {
    match this {
        Value::Obj(o) if vm.heap.obj(o).class == Class::Array => Ok(o),
        Value::Obj(_) => {
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
        _ => Err(vm.type_error(format!("Array.prototype.{method} called on a non-array"))),
    }
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
fn writable_array(vm: &mut Vm, this: Value, method: &str) -> Result<ObjId, Interrupt> {
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
    if let Value::Obj(o) = this {
        let obj = vm.heap.obj(o);
        if obj.class == Class::Array
            && obj.elems_lock == ElemsLock::Open
            && obj.extensible
            && !vm.heap.is_permanent(o)
        {
            return Ok(o);
        }
    }
    refuse_change(vm, this, method, true)
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
        vm.heap.open_builtin(arr);
        return Ok(arr);
    }
    let what = if o.elems_lock == ElemsLock::Frozen {
        "a frozen array"
    } else {
        "a sealed or non-extensible array"
    };
    Err(vm.type_error(format!("Array.prototype.{method} called on {what}")))
}

enum Step {
    Continue,
    Stop(Value),
}

/// A new array the collector treats as a root until `unpin` (a native's
/// result while its callbacks run); also returns where it was pinned.
fn pinned_array(vm: &mut Vm) -> Result<(ObjId, usize), Interrupt> {
    let out = vm.new_array(&[])?;
    let at = vm.pinned.len();
    vm.pinned.push(out);
    Ok((out.as_obj().unwrap(), at))
}

/// Unpins what `pinned_array` pinned at `at`, and only that: a callback may
/// have pinned more since (a route handler registered inside `map`), which
/// must stay. After an error the pin stays until the run's reset.
fn unpin(vm: &mut Vm, at: usize) {
    vm.pinned.remove(at);
}

/// Calls `args[0]` for each element with `(value, index, array)` and `this`
/// = `args[1]`; `each` sees the element and the callback's result. What it
/// holds across a call is on the operand stack (the array is `this`), so
/// the callbacks may collect; `each` must pin what it keeps (`pinned_array`).
fn iterate(
    vm: &mut Vm,
    this: Value,
    a: Args,
    name: &str,
    mut each: impl FnMut(&mut Vm, (Value, usize), Value) -> Result<Step, Interrupt>,
) -> Result<Option<Value>, Interrupt> {
    let arr = this_array(vm, this, name)?;
    let f = callable(vm, arg(vm, a, 0), name)?;
    let this_arg = arg(vm, a, 1);
    let mut i = 0;
    while i < vm.heap.obj(arr).elems.len() {
        let v = vm.heap.obj(arr).elems[i];
        let r = vm.call_function_rooted(f, this_arg, &[v, Value::Num(i as f64), this])?;
        if let Step::Stop(x) = each(vm, (v, i), r)? {
            return Ok(Some(x));
        }
        i += 1;
    }
    Ok(None)
}

/// The last element (and its index) for which the callback is truthy.
fn find_last(
    vm: &mut Vm,
    this: Value,
    a: Args,
    name: &str,
) -> Result<Option<(Value, usize)>, Interrupt> {
    let arr = this_array(vm, this, name)?;
    let f = callable(vm, arg(vm, a, 0), name)?;
    let mut i = vm.heap.obj(arr).elems.len();
    while i > 0 {
        i -= 1;
        let v = vm
            .heap
            .obj(arr)
            .elems
            .get(i)
            .copied()
            .unwrap_or(Value::Undefined);
        let r = vm.call_function_rooted(f, arg(vm, a, 1), &[v, Value::Num(i as f64), this])?;
        if vm.truthy(r) {
            return Ok(Some((v, i)));
        }
    }
    Ok(None)
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

fn array_from(vm: &mut Vm, _: Value, a: Args) -> Result<Value, Interrupt> {
    let src = arg(vm, a, 0);
    let out = vm.new_array(&[])?.as_obj().unwrap();
    match src {
        Value::Obj(o) if vm.heap.obj(o).class == Class::Array => vm.spread_into(out, src)?,
        Value::Atom(_) | Value::Str(_) => vm.spread_into(out, src)?,
        Value::Obj(_) => {
            // An array-like: { length: n, 0: …, 1: … }.
            let len = vm.get_field(src, vm.atoms.length)?;
            let len = vm.to_number(len)?;
            let len = if len.is_nan() {
                0
            } else {
                len.clamp(0.0, (1u64 << 24) as f64) as usize
            };
            vm.heap.charge(len * SLOT_COST)?;
            for i in 0..len {
                let v = vm.get_index(src, Value::Num(i as f64))?;
                vm.heap.obj_mut(out).elems.push(v);
            }
        }
        _ => {}
    }
    if let f @ Value::Obj(_) = arg(vm, a, 1) {
        let f = callable(vm, f, "Array.from")?;
        for i in 0..vm.heap.obj(out).elems.len() {
            let v = vm.heap.obj(out).elems[i];
            let r = vm.call_function(f, Value::Undefined, &[v, Value::Num(i as f64)])?;
            vm.heap.obj_mut(out).elems[i] = r;
        }
    }
    Ok(Value::Obj(out))
}

fn compare(vm: &mut Vm, cmp: Option<Value>, x: Value, y: Value) -> Result<Ordering, Interrupt> {
    // undefined sorts last, whatever the comparator says.
    match (x, y) {
        (Value::Undefined, Value::Undefined) => return Ok(Ordering::Equal),
        (Value::Undefined, _) => return Ok(Ordering::Greater),
        (_, Value::Undefined) => return Ok(Ordering::Less),
        _ => {}
    }
    match cmp {
        Some(f) => {
            let r = vm.call_function(f, Value::Undefined, &[x, y])?;
            let n = vm.to_number(r)?;
            Ok(if n < 0.0 {
                Ordering::Less
            } else if n > 0.0 {
                Ordering::Greater
            } else {
                Ordering::Equal
            })
        }
        None => {
            let (a, b) = (vm.to_string_value(x)?, vm.to_string_value(y)?);
            Ok(compare_strings(
                vm.heap.str(a).unwrap(),
                vm.heap.str(b).unwrap(),
            ))
        }
    }
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

/// A stable merge sort whose comparisons may call the script (and fail).
fn merge_sort(vm: &mut Vm, items: &mut Vec<Value>, cmp: Option<Value>) -> Result<(), Interrupt> {
    if let Some(ascending) = cmp.and_then(|c| numeric_comparator(vm, c)) {
        let numbers: Option<Vec<f64>> = items
            .iter()
            .map(|v| match v {
                Value::Num(n) if !n.is_nan() => Some(*n),
                _ => None,
            })
            .collect();
        if let Some(mut ns) = numbers {
            // `sort_by` is stable, as the comparator's order requires.
            if ascending {
                ns.sort_by(|a, b| a.partial_cmp(b).unwrap());
            } else {
                ns.sort_by(|a, b| b.partial_cmp(a).unwrap());
            }
            for (slot, n) in items.iter_mut().zip(ns) {
                *slot = Value::Num(n);
            }
            return Ok(());
        }
    }
    if cmp.is_none()
        && items
            .iter()
            .all(|v| !matches!(v, Value::Obj(_) | Value::Undefined))
    {
        // The default order on primitives: each one's string once, not
        // two per comparison (300,000 numbers: 5.7 million conversions).
        // Their ToString has no side effects, so this is the same order.
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
                if compare(vm, cmp, items[j], items[i])? == Ordering::Less {
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
