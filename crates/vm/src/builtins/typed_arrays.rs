//! `ArrayBuffer`, the typed arrays (`Int8Array` … `Float64Array`) under
//! %TypedArray%, and `DataView` (ECMA-262 25.1–25.3, fixed-length buffers).
//! What they are made of: vm/typed_array.rs. The methods that call back
//! (`map`, `forEach`, `sort` with a comparator…) call as a nested run, so
//! their callbacks cannot wait (docs/LANGUAGE.md).

use super::iterator::make_array_iterator;
use super::{
    arg, getter, method, native, relative_index, set, set_constant, species_getter, string_tag,
};
use crate::error::{ErrorKind, Interrupt};
use crate::heap::{Class, IterKind};
use crate::state::{Args, NativeFn, Vm};
use crate::typed_array::{ElementType, to_index};
use crate::value::{ObjId, Value};

pub fn install(vm: &mut Vm) {
    install_array_buffer(vm);
    install_typed_array(vm);
    install_data_view(vm);
}

fn alloc_proto(vm: &mut Vm, parent: ObjId) -> ObjId {
    vm.heap
        .alloc(Class::Object, Some(parent))
        .expect("the realm is made within its budget")
}

fn range_error(message: impl Into<String>) -> Interrupt {
    Interrupt::error(ErrorKind::RangeError, message)
}

/// The object `new` made (with the prototype of the constructor `new`
/// was given), or a TypeError when called without `new`.
fn new_target_object(vm: &Vm, this: Value, name: &str) -> Result<ObjId, Interrupt> {
    match this {
        Value::Obj(o) if vm.constructing && vm.heap.obj(o).class == Class::Object => Ok(o),
        _ => Err(vm.type_error(format!("Constructor {name} requires 'new'"))),
    }
}

// ---- ArrayBuffer ----

fn install_array_buffer(vm: &mut Vm) {
    let proto = alloc_proto(vm, vm.realm.object_proto);
    vm.realm.array_buffer_proto = proto;
    let ctor = super::constructor(vm, "ArrayBuffer", 1, array_buffer_constructor, proto);
    vm.realm.array_buffer = ctor;
    species_getter(vm, ctor);
    method(vm, ctor, "isView", 1, |vm, _, a| {
        let v = arg(vm, a, 0);
        Ok(Value::Bool(
            matches!(v, Value::Obj(o) if matches!(vm.heap.obj(o).class, Class::TypedArray(_) | Class::DataView)),
        ))
    });
    getter(vm, proto, "get byteLength", |vm, this, _| {
        let b = this_buffer(vm, this, "byteLength")?;
        Ok(Value::Num(vm.buffer_len(b) as f64))
    });
    method(vm, proto, "slice", 2, array_buffer_slice);
    string_tag(vm, proto, "ArrayBuffer");
}

fn this_buffer(vm: &Vm, this: Value, name: &str) -> Result<ObjId, Interrupt> {
    match this {
        Value::Obj(o) if matches!(vm.heap.obj(o).class, Class::ArrayBuffer { .. }) => Ok(o),
        _ => Err(vm.type_error(format!(
            "ArrayBuffer.prototype.{name} called on an object that is not an ArrayBuffer"
        ))),
    }
}

fn array_buffer_constructor(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let o = new_target_object(vm, this, "ArrayBuffer")?;
    let len = to_index(vm, arg(vm, a, 0), "array buffer length")?;
    let proto = vm.heap.obj(o).proto.unwrap_or(vm.realm.array_buffer_proto);
    Ok(Value::Obj(vm.new_array_buffer(len, proto)?))
}

fn array_buffer_slice(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let b = this_buffer(vm, this, "slice")?;
    let len = vm.buffer_len(b);
    let first = relative_index(vm, arg(vm, a, 0), len, 0)?;
    let last = relative_index(vm, arg(vm, a, 1), len, len)?;
    let n = last.saturating_sub(first);
    let c = super::species_constructor(vm, b, vm.realm.array_buffer)?;
    let made = vm.construct(c, &[Value::Num(n as f64)])?;
    let Value::Obj(out) = made else {
        return Err(vm.type_error("the species constructor did not make an ArrayBuffer"));
    };
    let _ = this_buffer(vm, made, "slice")?;
    if out == b {
        return Err(vm.type_error("the species constructor returned the same ArrayBuffer"));
    }
    if vm.buffer_len(out) < n {
        return Err(vm.type_error("the species constructor made too small an ArrayBuffer"));
    }
    for k in 0..n {
        let byte = vm.read_byte(b, first + k);
        vm.write_byte(out, k, byte)?;
    }
    Ok(made)
}

// ---- %TypedArray% and the typed arrays ----

fn install_typed_array(vm: &mut Vm) {
    let proto = alloc_proto(vm, vm.realm.object_proto);
    vm.realm.typed_array_proto = proto;
    let base = native(vm, "TypedArray", 0, |vm, _, _| {
        Err(vm.type_error("Abstract class TypedArray not directly constructable"))
    });
    set_constant(vm, base, "prototype", Value::Obj(proto));
    set(vm, proto, "constructor", Value::Obj(base));
    vm.realm.typed_array = base;
    species_getter(vm, base);
    method(vm, base, "from", 1, typed_from);
    method(vm, base, "of", 0, typed_of);

    getter(vm, proto, "get buffer", |vm, this, _| {
        let (o, _, _) = this_typed(vm, this, "buffer")?;
        Ok(vm.heap.obj(o).elems[0])
    });
    getter(vm, proto, "get byteLength", |vm, this, _| {
        let (o, t, len) = this_typed(vm, this, "byteLength")?;
        let _ = o;
        Ok(Value::Num((len * t.size()) as f64))
    });
    getter(vm, proto, "get byteOffset", |vm, this, _| {
        let (o, _, _) = this_typed(vm, this, "byteOffset")?;
        Ok(Value::Num(vm.view_parts(o).1 as f64))
    });
    getter(vm, proto, "get length", |vm, this, _| {
        let (_, _, len) = this_typed(vm, this, "length")?;
        Ok(Value::Num(len as f64))
    });
    let tag = native(vm, "get [Symbol.toStringTag]", 0, |vm, this, _| {
        Ok(match vm.typed_array_of(this) {
            Some((_, t)) => Value::Atom(vm.heap.intern(t.name())),
            None => Value::Undefined,
        })
    });
    let key = vm.atoms.symbols.to_string_tag;
    vm.define_accessor(proto, key, Value::Obj(tag), false, crate::attrs::HIDDEN)
        .expect("the realm is made within its budget");

    let methods: [(&'static str, u8, NativeFn); 28] = [
        ("at", 1, ta_at),
        ("copyWithin", 2, ta_copy_within),
        ("entries", 0, |vm, this, _| {
            ta_iterator(vm, this, IterKind::Entries, "entries")
        }),
        ("keys", 0, |vm, this, _| {
            ta_iterator(vm, this, IterKind::Keys, "keys")
        }),
        ("every", 1, |vm, this, a| {
            ta_callback(vm, this, a, Walk::Every)
        }),
        ("some", 1, |vm, this, a| {
            ta_callback(vm, this, a, Walk::Some)
        }),
        ("find", 1, |vm, this, a| {
            ta_callback(vm, this, a, Walk::Find)
        }),
        ("findIndex", 1, |vm, this, a| {
            ta_callback(vm, this, a, Walk::FindIndex)
        }),
        ("findLast", 1, |vm, this, a| {
            ta_callback(vm, this, a, Walk::FindLast)
        }),
        ("findLastIndex", 1, |vm, this, a| {
            ta_callback(vm, this, a, Walk::FindLastIndex)
        }),
        ("forEach", 1, |vm, this, a| {
            ta_callback(vm, this, a, Walk::ForEach)
        }),
        ("map", 1, ta_map),
        ("filter", 1, ta_filter),
        ("reduce", 1, |vm, this, a| ta_reduce(vm, this, a, false)),
        ("reduceRight", 1, |vm, this, a| ta_reduce(vm, this, a, true)),
        ("fill", 1, ta_fill),
        ("includes", 1, |vm, this, a| {
            ta_search(vm, this, a, Search::Includes)
        }),
        ("indexOf", 1, |vm, this, a| {
            ta_search(vm, this, a, Search::IndexOf)
        }),
        ("lastIndexOf", 1, |vm, this, a| {
            ta_search(vm, this, a, Search::LastIndexOf)
        }),
        ("join", 1, ta_join),
        ("reverse", 0, ta_reverse),
        ("toReversed", 0, ta_to_reversed),
        ("set", 1, ta_set),
        ("slice", 2, ta_slice),
        ("subarray", 2, ta_subarray),
        ("sort", 1, ta_sort),
        ("toSorted", 1, ta_to_sorted),
        ("with", 2, ta_with),
    ];
    for (name, arity, f) in methods {
        method(vm, proto, name, arity, f);
    }
    method(vm, proto, "toLocaleString", 0, ta_join_plain);
    let values = native(vm, "values", 0, |vm, this, _| {
        ta_iterator(vm, this, IterKind::Values, "values")
    });
    set(vm, proto, "values", Value::Obj(values));
    let iterator = vm.atoms.symbols.iterator;
    vm.define_own(proto, iterator, Value::Obj(values))
        .expect("the realm is made within its budget");
    // The same function object as Array.prototype.toString.
    let array_to_string = vm.get_own(vm.realm.array_proto, vm.atoms.to_string);
    if let Some(f) = array_to_string {
        set(vm, proto, "toString", f);
    }

    let ctors: [NativeFn; 9] = [
        typed_constructor::<0>,
        typed_constructor::<1>,
        typed_constructor::<2>,
        typed_constructor::<3>,
        typed_constructor::<4>,
        typed_constructor::<5>,
        typed_constructor::<6>,
        typed_constructor::<7>,
        typed_constructor::<8>,
    ];
    for (k, t) in ElementType::ALL.into_iter().enumerate() {
        let p = alloc_proto(vm, proto);
        let c = super::constructor(vm, t.name(), 3, ctors[k], p);
        vm.heap.obj_mut(c).proto = Some(base);
        set_constant(vm, c, "BYTES_PER_ELEMENT", Value::Num(t.size() as f64));
        set_constant(vm, p, "BYTES_PER_ELEMENT", Value::Num(t.size() as f64));
        vm.realm.typed_array_ctors[k] = c;
        vm.realm.typed_array_protos[k] = p;
    }
}

fn kind_index(t: ElementType) -> usize {
    ElementType::ALL.iter().position(|&x| x == t).unwrap()
}

/// ValidateTypedArray: the typed array `this` is, its type and length.
fn this_typed(vm: &Vm, this: Value, name: &str) -> Result<(ObjId, ElementType, usize), Interrupt> {
    match vm.typed_array_of(this) {
        Some((o, t)) => Ok((o, t, vm.view_parts(o).2)),
        None => Err(vm.type_error(format!(
            "%TypedArray%.prototype.{name} called on an object that is not a typed array"
        ))),
    }
}

/// A new typed array of `t` and `len` elements on a new buffer.
fn allocate(vm: &mut Vm, t: ElementType, len: usize, proto: ObjId) -> Result<ObjId, Interrupt> {
    let bytes = len
        .checked_mul(t.size())
        .ok_or_else(|| range_error("Invalid typed array length"))?;
    let buf = vm.new_array_buffer(bytes, vm.realm.array_buffer_proto)?;
    let o = vm.heap.alloc(Class::Object, Some(proto))?;
    vm.init_typed_array(o, t, buf, 0, len)?;
    Ok(o)
}

fn typed_constructor<const K: usize>(
    vm: &mut Vm,
    this: Value,
    a: Args,
) -> Result<Value, Interrupt> {
    let t = ElementType::ALL[K];
    let o = new_target_object(vm, this, t.name())?;
    let first = arg(vm, a, 0);
    let Value::Obj(src) = first else {
        let len = to_index(vm, first, "typed array length")?;
        let bytes = len
            .checked_mul(t.size())
            .ok_or_else(|| range_error("Invalid typed array length"))?;
        let buf = vm.new_array_buffer(bytes, vm.realm.array_buffer_proto)?;
        vm.init_typed_array(o, t, buf, 0, len)?;
        return Ok(Value::Obj(o));
    };
    match vm.heap.obj(src).class {
        Class::ArrayBuffer { len: buf_len } => {
            let buf_len = buf_len as usize;
            let offset = to_index(vm, arg(vm, a, 1), "typed array offset")?;
            if offset % t.size() != 0 {
                return Err(range_error(format!(
                    "start offset of {} should be a multiple of {}",
                    t.name(),
                    t.size()
                )));
            }
            let length = arg(vm, a, 2);
            let len = if matches!(length, Value::Undefined) {
                if buf_len % t.size() != 0 {
                    return Err(range_error(format!(
                        "byte length of {} should be a multiple of {}",
                        t.name(),
                        t.size()
                    )));
                }
                if offset > buf_len {
                    return Err(range_error(format!(
                        "Start offset {offset} is outside the bounds of the buffer"
                    )));
                }
                (buf_len - offset) / t.size()
            } else {
                let n = to_index(vm, length, "typed array length")?;
                if offset + n * t.size() > buf_len {
                    return Err(range_error(format!("Invalid typed array length: {n}")));
                }
                n
            };
            vm.init_typed_array(o, t, src, offset, len)?;
        }
        Class::TypedArray(st) => {
            let (_, _, len) = this_typed(vm, first, "constructor")?;
            let bytes = len * t.size();
            let buf = vm.new_array_buffer(bytes, vm.realm.array_buffer_proto)?;
            vm.init_typed_array(o, t, buf, 0, len)?;
            for i in 0..len {
                let v = vm.typed_get(src, st, i).unwrap();
                if let Value::Num(n) = v {
                    vm.typed_put(o, t, i, n)?;
                }
            }
        }
        _ => {
            // An iterable (its iterator) or an array-like.
            let items = super::array::collect_from(vm, first)?;
            let values = vm.heap.obj(items).elems.clone();
            let buf = vm.new_array_buffer(values.len() * t.size(), vm.realm.array_buffer_proto)?;
            vm.init_typed_array(o, t, buf, 0, values.len())?;
            for (i, v) in values.into_iter().enumerate() {
                vm.typed_set(o, t, i, v)?;
            }
        }
    }
    Ok(Value::Obj(o))
}

/// TypedArrayCreate: `new c(...args)`, checked to be a typed array (long
/// enough when `args` is a length).
fn typed_create(vm: &mut Vm, c: Value, args: &[Value]) -> Result<(ObjId, ElementType), Interrupt> {
    let made = vm.construct(c, args)?;
    let Some((o, t)) = vm.typed_array_of(made) else {
        return Err(vm.type_error("the constructor did not make a typed array"));
    };
    if let [Value::Num(n)] = args
        && (vm.view_parts(o).2 as f64) < *n
    {
        return Err(vm.type_error("the constructor made too short a typed array"));
    }
    Ok((o, t))
}

/// TypedArraySpeciesCreate.
fn species_create(
    vm: &mut Vm,
    exemplar: ObjId,
    t: ElementType,
    args: &[Value],
) -> Result<(ObjId, ElementType), Interrupt> {
    let default = vm.realm.typed_array_ctors[kind_index(t)];
    let c = super::species_constructor(vm, exemplar, default)?;
    typed_create(vm, c, args)
}

fn typed_from(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    if !vm.is_constructor(this) {
        return Err(vm.type_error("%TypedArray%.from called on a non-constructor"));
    }
    let (source, mapper, this_arg) = (arg(vm, a, 0), arg(vm, a, 1), arg(vm, a, 2));
    if !matches!(mapper, Value::Undefined) && !vm.is_callable(mapper) {
        return Err(vm.type_error("%TypedArray%.from: the mapper is not a function"));
    }
    let items = super::array::collect_from(vm, source)?;
    let values = vm.heap.obj(items).elems.clone();
    let (o, t) = typed_create(vm, this, &[Value::Num(values.len() as f64)])?;
    for (i, v) in values.into_iter().enumerate() {
        let v = if matches!(mapper, Value::Undefined) {
            v
        } else {
            vm.call_function(mapper, this_arg, &[v, Value::Num(i as f64)])?
        };
        vm.typed_set(o, t, i, v)?;
    }
    Ok(Value::Obj(o))
}

fn typed_of(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    if !vm.is_constructor(this) {
        return Err(vm.type_error("%TypedArray%.of called on a non-constructor"));
    }
    let (o, t) = typed_create(vm, this, &[Value::Num(a.len as f64)])?;
    for i in 0..a.len {
        let v = arg(vm, a, i);
        vm.typed_set(o, t, i, v)?;
    }
    Ok(Value::Obj(o))
}

fn ta_iterator(vm: &mut Vm, this: Value, kind: IterKind, name: &str) -> Result<Value, Interrupt> {
    this_typed(vm, this, name)?;
    make_array_iterator(vm, this, kind)
}

fn ta_at(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let (o, t, len) = this_typed(vm, this, "at")?;
    let n = vm.to_number(arg(vm, a, 0))?;
    let n = if n.is_nan() { 0.0 } else { n.trunc() };
    let k = if n < 0.0 { len as f64 + n } else { n };
    if k < 0.0 || k >= len as f64 {
        return Ok(Value::Undefined);
    }
    Ok(vm.typed_get(o, t, k as usize).unwrap_or(Value::Undefined))
}

fn ta_copy_within(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let (o, t, len) = this_typed(vm, this, "copyWithin")?;
    let to = relative_index(vm, arg(vm, a, 0), len, 0)?;
    let from = relative_index(vm, arg(vm, a, 1), len, 0)?;
    let end = relative_index(vm, arg(vm, a, 2), len, len)?;
    let count = end.saturating_sub(from).min(len - to);
    let (buf, offset, _) = vm.view_parts(o);
    let size = t.size();
    let bytes: Vec<u8> = (0..count * size)
        .map(|k| vm.read_byte(buf, offset + from * size + k))
        .collect();
    for (k, b) in bytes.into_iter().enumerate() {
        vm.write_byte(buf, offset + to * size + k, b)?;
    }
    Ok(this)
}

#[derive(Clone, Copy, PartialEq)]
enum Walk {
    Every,
    Some,
    Find,
    FindIndex,
    FindLast,
    FindLastIndex,
    ForEach,
}

fn callback(vm: &mut Vm, a: Args, name: &str) -> Result<Value, Interrupt> {
    let f = arg(vm, a, 0);
    if vm.is_callable(f) {
        Ok(f)
    } else {
        let shown = crate::inspect::inspect_short(vm, f);
        Err(vm.type_error(format!(
            "{shown} is not a function (in %TypedArray%.prototype.{name})"
        )))
    }
}

fn ta_callback(vm: &mut Vm, this: Value, a: Args, walk: Walk) -> Result<Value, Interrupt> {
    let name = match walk {
        Walk::Every => "every",
        Walk::Some => "some",
        Walk::Find => "find",
        Walk::FindIndex => "findIndex",
        Walk::FindLast => "findLast",
        Walk::FindLastIndex => "findLastIndex",
        Walk::ForEach => "forEach",
    };
    let (o, t, len) = this_typed(vm, this, name)?;
    let f = callback(vm, a, name)?;
    let this_arg = arg(vm, a, 1);
    let backwards = matches!(walk, Walk::FindLast | Walk::FindLastIndex);
    for step in 0..len {
        let i = if backwards { len - 1 - step } else { step };
        let v = vm.typed_get(o, t, i).unwrap_or(Value::Undefined);
        let r = vm.call_function(f, this_arg, &[v, Value::Num(i as f64), this])?;
        let yes = vm.truthy(r);
        match walk {
            Walk::Every if !yes => return Ok(Value::Bool(false)),
            Walk::Some if yes => return Ok(Value::Bool(true)),
            Walk::Find | Walk::FindLast if yes => return Ok(v),
            Walk::FindIndex | Walk::FindLastIndex if yes => return Ok(Value::Num(i as f64)),
            _ => {}
        }
    }
    Ok(match walk {
        Walk::Every => Value::Bool(true),
        Walk::Some => Value::Bool(false),
        Walk::FindIndex | Walk::FindLastIndex => Value::Num(-1.0),
        _ => Value::Undefined,
    })
}

fn ta_map(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let (o, t, len) = this_typed(vm, this, "map")?;
    let f = callback(vm, a, "map")?;
    let this_arg = arg(vm, a, 1);
    let (out, ot) = species_create(vm, o, t, &[Value::Num(len as f64)])?;
    for i in 0..len {
        let v = vm.typed_get(o, t, i).unwrap_or(Value::Undefined);
        let r = vm.call_function(f, this_arg, &[v, Value::Num(i as f64), this])?;
        vm.typed_set(out, ot, i, r)?;
    }
    Ok(Value::Obj(out))
}

fn ta_filter(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let (o, t, len) = this_typed(vm, this, "filter")?;
    let f = callback(vm, a, "filter")?;
    let this_arg = arg(vm, a, 1);
    let mut kept = Vec::new();
    for i in 0..len {
        let v = vm.typed_get(o, t, i).unwrap_or(Value::Undefined);
        let r = vm.call_function(f, this_arg, &[v, Value::Num(i as f64), this])?;
        if vm.truthy(r) {
            kept.push(v);
        }
    }
    let (out, ot) = species_create(vm, o, t, &[Value::Num(kept.len() as f64)])?;
    for (i, v) in kept.into_iter().enumerate() {
        vm.typed_set(out, ot, i, v)?;
    }
    Ok(Value::Obj(out))
}

fn ta_reduce(vm: &mut Vm, this: Value, a: Args, right: bool) -> Result<Value, Interrupt> {
    let name = if right { "reduceRight" } else { "reduce" };
    let (o, t, len) = this_typed(vm, this, name)?;
    let f = callback(vm, a, name)?;
    let order: Vec<usize> = if right {
        (0..len).rev().collect()
    } else {
        (0..len).collect()
    };
    let mut it = order.into_iter();
    let mut acc = if a.len >= 2 {
        arg(vm, a, 1)
    } else {
        match it.next() {
            Some(i) => vm.typed_get(o, t, i).unwrap_or(Value::Undefined),
            None => return Err(vm.type_error("Reduce of empty array with no initial value")),
        }
    };
    for i in it {
        let v = vm.typed_get(o, t, i).unwrap_or(Value::Undefined);
        acc = vm.call_function(f, Value::Undefined, &[acc, v, Value::Num(i as f64), this])?;
    }
    Ok(acc)
}

fn ta_fill(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let (o, t, len) = this_typed(vm, this, "fill")?;
    let n = vm.to_number(arg(vm, a, 0))?;
    let start = relative_index(vm, arg(vm, a, 1), len, 0)?;
    let end = relative_index(vm, arg(vm, a, 2), len, len)?;
    vm.charge_work(end.saturating_sub(start) as u64)?;
    for i in start..end {
        vm.typed_put(o, t, i, n)?;
    }
    Ok(this)
}

#[derive(Clone, Copy, PartialEq)]
enum Search {
    Includes,
    IndexOf,
    LastIndexOf,
}

fn ta_search(vm: &mut Vm, this: Value, a: Args, how: Search) -> Result<Value, Interrupt> {
    let name = match how {
        Search::Includes => "includes",
        Search::IndexOf => "indexOf",
        Search::LastIndexOf => "lastIndexOf",
    };
    let (o, t, len) = this_typed(vm, this, name)?;
    let not_found = if how == Search::Includes {
        Value::Bool(false)
    } else {
        Value::Num(-1.0)
    };
    if len == 0 {
        return Ok(not_found);
    }
    let target = arg(vm, a, 0);
    vm.charge_work(len as u64)?;
    if how == Search::LastIndexOf {
        let from = if a.len >= 2 {
            let n = vm.to_number(arg(vm, a, 1))?;
            let n = if n.is_nan() { 0.0 } else { n.trunc() };
            if n < 0.0 {
                len as f64 + n
            } else {
                n.min(len as f64 - 1.0)
            }
        } else {
            len as f64 - 1.0
        };
        let Value::Num(x) = target else {
            return Ok(not_found);
        };
        let mut i = from;
        while i >= 0.0 {
            if let Some(Value::Num(v)) = vm.typed_get(o, t, i as usize)
                && v == x
            {
                return Ok(Value::Num(i));
            }
            i -= 1.0;
        }
        return Ok(not_found);
    }
    let start = relative_index(vm, arg(vm, a, 1), len, 0)?;
    let Value::Num(x) = target else {
        return Ok(not_found);
    };
    for i in start..len {
        if let Some(Value::Num(v)) = vm.typed_get(o, t, i)
            && (v == x || (how == Search::Includes && v.is_nan() && x.is_nan()))
        {
            return Ok(if how == Search::Includes {
                Value::Bool(true)
            } else {
                Value::Num(i as f64)
            });
        }
    }
    Ok(not_found)
}

fn join_with(vm: &mut Vm, this: Value, sep: Option<Value>, name: &str) -> Result<Value, Interrupt> {
    let (o, t, len) = this_typed(vm, this, name)?;
    let sep = match sep {
        None | Some(Value::Undefined) => ",".to_string(),
        Some(v) => {
            let s = vm.to_string_value(v)?;
            vm.heap.str(s).unwrap_or("").to_string()
        }
    };
    let mut out = String::new();
    for i in 0..len {
        if i > 0 {
            out.push_str(&sep);
        }
        if let Some(Value::Num(n)) = vm.typed_get(o, t, i) {
            crate::number::write_number(n, &mut out);
        }
    }
    Ok(vm.heap.alloc_str(&out)?)
}

fn ta_join(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let sep = arg(vm, a, 0);
    join_with(vm, this, Some(sep), "join")
}

fn ta_join_plain(vm: &mut Vm, this: Value, _: Args) -> Result<Value, Interrupt> {
    join_with(vm, this, None, "toLocaleString")
}

fn ta_reverse(vm: &mut Vm, this: Value, _: Args) -> Result<Value, Interrupt> {
    let (o, t, len) = this_typed(vm, this, "reverse")?;
    for i in 0..len / 2 {
        let (Some(Value::Num(x)), Some(Value::Num(y))) =
            (vm.typed_get(o, t, i), vm.typed_get(o, t, len - 1 - i))
        else {
            continue;
        };
        vm.typed_put(o, t, i, y)?;
        vm.typed_put(o, t, len - 1 - i, x)?;
    }
    Ok(this)
}

fn ta_to_reversed(vm: &mut Vm, this: Value, _: Args) -> Result<Value, Interrupt> {
    let (o, t, len) = this_typed(vm, this, "toReversed")?;
    let proto = vm.realm.typed_array_protos[kind_index(t)];
    let out = allocate(vm, t, len, proto)?;
    for i in 0..len {
        if let Some(Value::Num(n)) = vm.typed_get(o, t, len - 1 - i) {
            vm.typed_put(out, t, i, n)?;
        }
    }
    Ok(Value::Obj(out))
}

fn ta_with(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let (o, t, len) = this_typed(vm, this, "with")?;
    let n = vm.to_number(arg(vm, a, 0))?;
    let n = if n.is_nan() { 0.0 } else { n.trunc() };
    let k = if n < 0.0 { len as f64 + n } else { n };
    let v = vm.to_number(arg(vm, a, 1))?;
    if k < 0.0 || k >= vm.view_parts(o).2 as f64 {
        return Err(range_error("Invalid typed array index"));
    }
    let proto = vm.realm.typed_array_protos[kind_index(t)];
    let out = allocate(vm, t, len, proto)?;
    for i in 0..len {
        let x = if i == k as usize {
            v
        } else if let Some(Value::Num(x)) = vm.typed_get(o, t, i) {
            x
        } else {
            0.0
        };
        vm.typed_put(out, t, i, x)?;
    }
    Ok(Value::Obj(out))
}

fn ta_set(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let (o, t, len) = this_typed(vm, this, "set")?;
    let offset = vm.to_number(arg(vm, a, 1))?;
    let offset = if offset.is_nan() { 0.0 } else { offset.trunc() };
    if offset < 0.0 {
        return Err(range_error("offset is out of bounds"));
    }
    let source = arg(vm, a, 0);
    if let Some((s, st)) = vm.typed_array_of(source) {
        let n = vm.view_parts(s).2;
        if n as f64 + offset > len as f64 {
            return Err(range_error("offset is out of bounds"));
        }
        let values: Vec<f64> = (0..n)
            .map(|i| match vm.typed_get(s, st, i) {
                Some(Value::Num(x)) => x,
                _ => 0.0,
            })
            .collect();
        for (i, x) in values.into_iter().enumerate() {
            vm.typed_put(o, t, offset as usize + i, x)?;
        }
        return Ok(Value::Undefined);
    }
    let src = vm.to_object(source)?;
    let n = vm.get_field(Value::Obj(src), vm.atoms.length)?;
    let n = crate::regexp::to_length(vm.to_number(n)?);
    if n as f64 + offset > len as f64 {
        return Err(range_error("offset is out of bounds"));
    }
    for i in 0..n {
        let v = vm.get_index(Value::Obj(src), Value::Num(i as f64))?;
        vm.typed_set(o, t, offset as usize + i, v)?;
    }
    Ok(Value::Undefined)
}

fn ta_slice(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let (o, t, len) = this_typed(vm, this, "slice")?;
    let start = relative_index(vm, arg(vm, a, 0), len, 0)?;
    let end = relative_index(vm, arg(vm, a, 1), len, len)?;
    let n = end.saturating_sub(start);
    let (out, ot) = species_create(vm, o, t, &[Value::Num(n as f64)])?;
    let len_now = vm.view_parts(o).2;
    for k in 0..n {
        if start + k >= len_now {
            break;
        }
        if let Some(Value::Num(x)) = vm.typed_get(o, t, start + k) {
            if ot == t {
                // Same type: the bytes as they are (NaN payloads too).
                let (b, off, _) = vm.view_parts(o);
                let raw = vm.read_raw(b, off + (start + k) * t.size(), t.size(), false);
                let (ob, ooff, _) = vm.view_parts(out);
                vm.write_raw(ob, ooff + k * t.size(), t.size(), raw, false)?;
            } else {
                vm.typed_put(out, ot, k, x)?;
            }
        }
    }
    Ok(Value::Obj(out))
}

fn ta_subarray(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let (o, t, len) = this_typed(vm, this, "subarray")?;
    let (buf, offset, _) = vm.view_parts(o);
    let begin = relative_index(vm, arg(vm, a, 0), len, 0)?;
    let end = relative_index(vm, arg(vm, a, 1), len, len)?;
    let n = end.saturating_sub(begin);
    let default = vm.realm.typed_array_ctors[kind_index(t)];
    let c = super::species_constructor(vm, o, default)?;
    let (out, _) = typed_create(
        vm,
        c,
        &[
            Value::Obj(buf),
            Value::Num((offset + begin * t.size()) as f64),
            Value::Num(n as f64),
        ],
    )?;
    Ok(Value::Obj(out))
}

/// The elements as numbers, sorted: by the comparator, or numerically
/// with -0 before +0 and NaN last.
fn sorted_values(
    vm: &mut Vm,
    o: ObjId,
    t: ElementType,
    len: usize,
    cmp: Value,
) -> Result<Vec<f64>, Interrupt> {
    let mut values: Vec<f64> = (0..len)
        .map(|i| match vm.typed_get(o, t, i) {
            Some(Value::Num(x)) => x,
            _ => 0.0,
        })
        .collect();
    vm.charge_work(len as u64)?;
    if matches!(cmp, Value::Undefined) {
        values.sort_by(|a, b| match (a.is_nan(), b.is_nan()) {
            (true, true) => std::cmp::Ordering::Equal,
            (true, false) => std::cmp::Ordering::Greater,
            (false, true) => std::cmp::Ordering::Less,
            _ => a
                .partial_cmp(b)
                .unwrap()
                .then((b.is_sign_negative()).cmp(&a.is_sign_negative())),
        });
        return Ok(values);
    }
    // Merge sort calling the comparator (a stable sort, as specified).
    let mut items: Vec<f64> = values;
    let mut width = 1;
    let n = items.len();
    let mut scratch = items.clone();
    while width < n {
        let mut start = 0;
        while start < n {
            let mid = (start + width).min(n);
            let end = (start + 2 * width).min(n);
            let (mut i, mut j, mut k) = (start, mid, start);
            while i < mid && j < end {
                let r = vm.call_function(
                    cmp,
                    Value::Undefined,
                    &[Value::Num(items[j]), Value::Num(items[i])],
                )?;
                let r = vm.to_number(r)?;
                if r < 0.0 {
                    scratch[k] = items[j];
                    j += 1;
                } else {
                    scratch[k] = items[i];
                    i += 1;
                }
                k += 1;
            }
            scratch[k..k + mid - i].copy_from_slice(&items[i..mid]);
            k += mid - i;
            scratch[k..k + end - j].copy_from_slice(&items[j..end]);
            start = end;
        }
        std::mem::swap(&mut items, &mut scratch);
        width *= 2;
    }
    Ok(items)
}

fn comparator(vm: &mut Vm, a: Args) -> Result<Value, Interrupt> {
    let cmp = arg(vm, a, 0);
    if !matches!(cmp, Value::Undefined) && !vm.is_callable(cmp) {
        return Err(vm.type_error("The comparison function must be either a function or undefined"));
    }
    Ok(cmp)
}

fn ta_sort(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let cmp = comparator(vm, a)?;
    let (o, t, len) = this_typed(vm, this, "sort")?;
    let values = sorted_values(vm, o, t, len, cmp)?;
    let len_now = vm.view_parts(o).2;
    for (i, x) in values.into_iter().enumerate().take(len_now) {
        vm.typed_put(o, t, i, x)?;
    }
    Ok(this)
}

fn ta_to_sorted(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let cmp = comparator(vm, a)?;
    let (o, t, len) = this_typed(vm, this, "toSorted")?;
    let proto = vm.realm.typed_array_protos[kind_index(t)];
    let out = allocate(vm, t, len, proto)?;
    let values = sorted_values(vm, o, t, len, cmp)?;
    for (i, x) in values.into_iter().enumerate() {
        vm.typed_put(out, t, i, x)?;
    }
    Ok(Value::Obj(out))
}

// ---- DataView ----

fn install_data_view(vm: &mut Vm) {
    let proto = alloc_proto(vm, vm.realm.object_proto);
    super::constructor(vm, "DataView", 1, data_view_constructor, proto);
    getter(vm, proto, "get buffer", |vm, this, _| {
        let o = this_view(vm, this, "buffer")?;
        Ok(vm.heap.obj(o).elems[0])
    });
    getter(vm, proto, "get byteLength", |vm, this, _| {
        let o = this_view(vm, this, "byteLength")?;
        Ok(Value::Num(vm.view_parts(o).2 as f64))
    });
    getter(vm, proto, "get byteOffset", |vm, this, _| {
        let o = this_view(vm, this, "byteOffset")?;
        Ok(Value::Num(vm.view_parts(o).1 as f64))
    });
    string_tag(vm, proto, "DataView");
    let accessors: [(&'static str, &'static str, NativeFn, NativeFn); 8] = [
        ("getInt8", "setInt8", view_get::<0>, view_set::<0>),
        ("getUint8", "setUint8", view_get::<1>, view_set::<1>),
        ("getInt16", "setInt16", view_get::<3>, view_set::<3>),
        ("getUint16", "setUint16", view_get::<4>, view_set::<4>),
        ("getInt32", "setInt32", view_get::<5>, view_set::<5>),
        ("getUint32", "setUint32", view_get::<6>, view_set::<6>),
        ("getFloat32", "setFloat32", view_get::<7>, view_set::<7>),
        ("getFloat64", "setFloat64", view_get::<8>, view_set::<8>),
    ];
    for (get, put, g, s) in accessors {
        method(vm, proto, get, 1, g);
        method(vm, proto, put, 2, s);
    }
}

fn this_view(vm: &Vm, this: Value, name: &str) -> Result<ObjId, Interrupt> {
    match this {
        Value::Obj(o) if vm.heap.obj(o).class == Class::DataView => Ok(o),
        _ => Err(vm.type_error(format!(
            "DataView.prototype.{name} called on an object that is not a DataView"
        ))),
    }
}

fn data_view_constructor(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let o = new_target_object(vm, this, "DataView")?;
    let buf = match arg(vm, a, 0) {
        Value::Obj(b) if matches!(vm.heap.obj(b).class, Class::ArrayBuffer { .. }) => b,
        _ => {
            return Err(
                vm.type_error("First argument to DataView constructor must be an ArrayBuffer")
            );
        }
    };
    let offset = to_index(vm, arg(vm, a, 1), "DataView offset")?;
    let buf_len = vm.buffer_len(buf);
    if offset > buf_len {
        return Err(range_error(format!(
            "Start offset {offset} is outside the bounds of the buffer"
        )));
    }
    let length = arg(vm, a, 2);
    let len = if matches!(length, Value::Undefined) {
        buf_len - offset
    } else {
        let n = to_index(vm, length, "DataView length")?;
        if offset + n > buf_len {
            return Err(range_error(format!("Invalid DataView length {n}")));
        }
        n
    };
    vm.heap.charge(3 * crate::heap::SLOT_COST)?;
    let obj = vm.heap.obj_mut(o);
    obj.class = Class::DataView;
    obj.elems.clear();
    obj.elems.extend_from_slice(&[
        Value::Obj(buf),
        Value::Num(offset as f64),
        Value::Num(len as f64),
    ]);
    Ok(Value::Obj(o))
}

/// GetViewValue: the byte index checked against the view.
fn view_index(
    vm: &mut Vm,
    this: Value,
    a: Args,
    size: usize,
    name: &str,
) -> Result<(ObjId, usize), Interrupt> {
    let o = this_view(vm, this, name)?;
    let i = to_index(vm, arg(vm, a, 0), "offset")?;
    Ok((o, i + size))
}

fn view_get<const K: usize>(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let t = ElementType::ALL[K];
    let (o, end) = view_index(vm, this, a, t.size(), "get")?;
    let little = arg(vm, a, 1);
    let little = vm.truthy(little);
    let (buf, offset, len) = vm.view_parts(o);
    if end > len {
        return Err(range_error("Offset is outside the bounds of the DataView"));
    }
    let raw = vm.read_raw(buf, offset + end - t.size(), t.size(), !little);
    Ok(Value::Num(t.from_raw(raw)))
}

fn view_set<const K: usize>(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let t = ElementType::ALL[K];
    let (o, end) = view_index(vm, this, a, t.size(), "set")?;
    let n = vm.to_number(arg(vm, a, 1))?;
    let little = arg(vm, a, 2);
    let little = vm.truthy(little);
    let (buf, offset, len) = vm.view_parts(o);
    if end > len {
        return Err(range_error("Offset is outside the bounds of the DataView"));
    }
    vm.write_raw(buf, offset + end - t.size(), t.size(), t.to_raw(n), !little)?;
    Ok(Value::Undefined)
}
