//! The built-in objects every script sees: prototypes, constructors and the
//! global functions. The standard library proper grows here; each family has
//! its own file.

mod array;
mod array_callbacks;
mod array_generic;
pub(crate) mod collections;
pub(crate) mod date;
pub(crate) mod db;
mod function;
mod generator;
mod global;
pub(crate) mod http;
mod iterator;
mod json;
mod kitwork;
pub mod kv;
mod object;
mod promise;
pub(crate) mod regexp;
mod string;
mod string_patterns;
mod structured_clone;
mod symbol;
pub mod tasks;
mod typed_arrays;
mod uri;
pub mod web;

use super::error::{ErrorKind, Interrupt};
use super::heap::Class;
use super::state::{Args, Native, NativeFn, Vm};
use super::value::{ObjId, Value};

/// Argument `i`, or undefined when the call passed fewer.
#[inline]
pub fn arg(vm: &Vm, a: Args, i: usize) -> Value {
    if i < a.len {
        vm.stack[a.start + i]
    } else {
        Value::Undefined
    }
}

/// A new built-in function object.
pub fn native(vm: &mut Vm, name: &'static str, arity: u8, f: NativeFn) -> ObjId {
    let i = vm.natives.len() as u32;
    vm.natives.push(Native {
        name,
        f,
        arity,
        construct: false,
    });
    vm.heap
        .alloc(Class::Native(i), Some(vm.realm.function_proto))
        .expect("built-ins fit the budget")
}

/// Registers a native the realm makes functions of (`Vm::native_with`):
/// its index.
pub(crate) fn register(vm: &mut Vm, name: &'static str, arity: u8, f: NativeFn) -> u32 {
    let o = native(vm, name, arity, f);
    let Class::Native(ni) = vm.heap.obj(o).class else {
        unreachable!("native() makes a native")
    };
    ni
}

pub fn set(vm: &mut Vm, obj: ObjId, name: &str, v: Value) {
    let a = vm.heap.intern(name);
    vm.define_own(obj, a, v).expect("built-ins fit the budget");
}

pub fn method(vm: &mut Vm, obj: ObjId, name: &'static str, arity: u8, f: NativeFn) {
    let n = native(vm, name, arity, f);
    set(vm, obj, name, Value::Obj(n));
}

/// A constant of the realm (`Math.PI`, `NaN`, a constructor's
/// `prototype`): not writable, enumerable nor configurable.
pub(crate) fn set_constant(vm: &mut Vm, obj: ObjId, name: &str, v: Value) {
    let a = vm.heap.intern(name);
    let at = crate::attrs::HIDDEN | crate::attrs::READONLY | crate::attrs::FIXED;
    vm.define_with(obj, a, v, at)
        .expect("built-ins fit the budget");
}

/// A built-in property keyed by `key`: read-only and hidden (configurable).
pub(crate) fn set_fixed(vm: &mut Vm, obj: ObjId, key: crate::value::Atom, v: Value) {
    let at = crate::attrs::HIDDEN | crate::attrs::READONLY;
    vm.define_with(obj, key, v, at)
        .expect("built-ins fit the budget");
}

/// `obj[Symbol.toStringTag] = tag`, as `Object.prototype.toString` reads it.
pub(crate) fn string_tag(vm: &mut Vm, obj: ObjId, tag: &str) {
    let tag = vm.heap.intern(tag);
    let key = vm.atoms.symbols.to_string_tag;
    set_fixed(vm, obj, key, Value::Atom(tag));
}

fn wrapper(vm: &mut Vm, proto: ObjId, v: Value) -> ObjId {
    let o = vm
        .heap
        .alloc(Class::Primitive, Some(proto))
        .expect("built-ins fit the budget");
    vm.heap.obj_mut(o).elems.push(v);
    if v.is_string() {
        let at = crate::attrs::HIDDEN | crate::attrs::READONLY | crate::attrs::FIXED;
        vm.define_with(o, vm.atoms.length, Value::Num(0.0), at)
            .expect("built-ins fit the budget");
    }
    o
}

fn plain(vm: &mut Vm, proto: Option<ObjId>) -> ObjId {
    vm.heap
        .alloc(Class::Object, proto)
        .expect("built-ins fit the budget")
}

/// A constructor function with its `prototype`, registered as a global.
pub(crate) fn constructor(
    vm: &mut Vm,
    name: &'static str,
    arity: u8,
    f: NativeFn,
    proto: ObjId,
) -> ObjId {
    let c = native(vm, name, arity, f);
    set_constant(vm, c, "prototype", Value::Obj(proto));
    set(vm, proto, "constructor", Value::Obj(c));
    let g = vm.realm.global;
    set(vm, g, name, Value::Obj(c));
    c
}

/// Creates the realm. Runs once per VM, before `Heap::seal`.
pub fn install(vm: &mut Vm) {
    let object_proto = plain(vm, None);
    vm.realm.object_proto = object_proto;
    vm.realm.function_proto = plain(vm, Some(object_proto));
    vm.realm.array_proto = vm.heap.alloc(Class::Array, Some(object_proto)).unwrap();
    // String.prototype, Number.prototype and Boolean.prototype are
    // themselves wrappers of "", 0 and false, as specified.
    let empty = Value::Atom(vm.atoms.empty);
    vm.realm.string_proto = wrapper(vm, object_proto, empty);
    vm.realm.number_proto = wrapper(vm, object_proto, Value::Num(0.0));
    vm.realm.boolean_proto = wrapper(vm, object_proto, Value::Bool(false));
    vm.realm.symbol_proto = plain(vm, Some(object_proto));
    vm.realm.generator_proto = plain(vm, Some(object_proto));
    let error_proto = plain(vm, Some(object_proto));
    vm.realm.error_protos[0] = error_proto;
    for i in 1..ErrorKind::ALL.len() {
        vm.realm.error_protos[i] = plain(vm, Some(error_proto));
    }
    vm.realm.global = plain(vm, Some(object_proto));
    vm.ascii_atoms = (0u8..128)
        .map(|b| vm.heap.intern(&(b as char).to_string()))
        .collect();

    global::install(vm);
    function::install(vm);
    uri::install(vm);
    object::install(vm);
    symbol::install(vm);
    generator::install(vm);
    promise::install(vm);
    array::install(vm);
    array_callbacks::install(vm);
    collections::install(vm);
    regexp::install(vm);
    string::install(vm);
    string_patterns::install(vm);
    iterator::install(vm);
    typed_arrays::install(vm);
    json::install(vm);
    structured_clone::install(vm);
    date::install(vm);
    kitwork::install(vm);
    db::install(vm);
    http::install(vm);
    kv::install(vm);
    tasks::install(vm);
    web::install(vm);
}

/// `this` as an object, or a TypeError naming the method.
pub(crate) fn this_obj(vm: &Vm, this: Value, method: &str) -> Result<ObjId, Interrupt> {
    match this {
        Value::Obj(o) => Ok(o),
        _ => Err(vm.type_error(format!("{method} called on a non-object"))),
    }
}

/// A callback argument, or a TypeError.
pub fn callable(vm: &mut Vm, f: Value, what: &str) -> Result<Value, Interrupt> {
    match f {
        Value::Obj(o) if matches!(vm.heap.obj(o).class, Class::Closure(_) | Class::Native(_)) => {
            Ok(f)
        }
        _ => {
            let shown = super::inspect::inspect_short(vm, f);
            Err(vm.type_error(format!("{shown} is not a function (in {what})")))
        }
    }
}

/// `ToIntegerOrInfinity` clamped into `0..=len` with negative-from-end
/// semantics (slice, splice, at…).
pub(crate) fn relative_index(
    vm: &mut Vm,
    v: Value,
    len: usize,
    default: usize,
) -> Result<usize, Interrupt> {
    if matches!(v, Value::Undefined) {
        return Ok(default);
    }
    let n = vm.to_number(v)?;
    let n = if n.is_nan() { 0.0 } else { n.trunc() };
    Ok(if n < 0.0 {
        (len as f64 + n).max(0.0) as usize
    } else {
        n.min(len as f64) as usize
    })
}

/// SpeciesConstructor(o, default): `o.constructor[Symbol.species]`, or
/// `default` when either is undefined (or the species null).
pub(crate) fn species_constructor(
    vm: &mut Vm,
    o: ObjId,
    default: ObjId,
) -> Result<Value, Interrupt> {
    let c = vm.get_field(Value::Obj(o), vm.atoms.constructor)?;
    match c {
        Value::Undefined => return Ok(Value::Obj(default)),
        Value::Obj(_) => {}
        _ => return Err(vm.type_error("the object's constructor is not an object")),
    }
    let s = vm.get_field(c, vm.atoms.symbols.species)?;
    if s.is_nullish() {
        return Ok(Value::Obj(default));
    }
    if vm.is_constructor(s) {
        Ok(s)
    } else {
        Err(vm.type_error("the object's [Symbol.species] is not a constructor"))
    }
}

/// A built-in accessor named `get NAME` for property `NAME` of `obj`.
pub(crate) fn getter(vm: &mut Vm, obj: ObjId, name: &'static str, f: NativeFn) {
    let g = native(vm, name, 0, f);
    let key = vm.heap.intern(&name["get ".len()..]);
    vm.define_accessor(obj, key, Value::Obj(g), false, crate::attrs::HIDDEN)
        .expect("the realm is made within its budget");
}

/// `get C[Symbol.species]` on constructor `c`: the constructor itself.
pub(crate) fn species_getter(vm: &mut Vm, c: ObjId) {
    let species = native(vm, "get [Symbol.species]", 0, |_, this, _| Ok(this));
    let key = vm.atoms.symbols.species;
    vm.define_accessor(c, key, Value::Obj(species), false, crate::attrs::HIDDEN)
        .expect("the realm is made within its budget");
}
