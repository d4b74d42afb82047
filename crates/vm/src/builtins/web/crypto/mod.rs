//! `crypto` (the Web Cryptography API, as Workers have it) on `ring`, the
//! audited library rustls already brings: `getRandomValues`,
//! `randomUUID`, and `crypto.subtle`'s `digest` (SHA-1/256/384/512),
//! `importKey` / `exportKey` / `generateKey` (key.rs, import.rs), `sign`
//! and `verify` (sign.rs), and Workers' `timingSafeEqual`. Every `subtle`
//! method gives a promise; a problem is its rejection (a `DOMException`
//! or a `TypeError`).

mod import;
mod key;
mod sign;

use super::{dom_exception, new_proto, to_rust_string};
use crate::builtins::{arg, constructor, method, string_tag};
use crate::error::Interrupt;
use crate::state::{Args, Vm};
use crate::value::Value;
use key::{Algorithm, Hash};

/// Most bytes `getRandomValues` fills at once, as the standard says.
const RANDOM_MAX: usize = 65_536;

pub fn install(vm: &mut Vm) {
    let object_proto = vm.realm.object_proto;
    let crypto = new_proto(vm, object_proto);
    method(vm, crypto, "getRandomValues", 1, get_random_values);
    method(vm, crypto, "randomUUID", 0, |vm, _, _| {
        Ok(vm.heap.alloc_str(&uuid::Uuid::new_v4().to_string())?)
    });
    let subtle = new_proto(vm, object_proto);
    method(vm, subtle, "digest", 2, |vm, _, a| promised(vm, a, digest));
    method(vm, subtle, "importKey", 5, |vm, _, a| {
        promised(vm, a, import::import_key)
    });
    method(vm, subtle, "exportKey", 2, |vm, _, a| {
        promised(vm, a, import::export_key)
    });
    method(vm, subtle, "generateKey", 3, |vm, _, a| {
        promised(vm, a, import::generate_key)
    });
    method(vm, subtle, "sign", 3, |vm, _, a| {
        promised(vm, a, sign::sign)
    });
    method(vm, subtle, "verify", 4, |vm, _, a| {
        promised(vm, a, sign::verify)
    });
    method(vm, subtle, "timingSafeEqual", 2, timing_safe_equal);
    string_tag(vm, subtle, "SubtleCrypto");
    crate::builtins::set(vm, crypto, "subtle", Value::Obj(subtle));
    string_tag(vm, crypto, "Crypto");
    crate::builtins::set(vm, vm.realm.global, "crypto", Value::Obj(crypto));

    let key_proto = new_proto(vm, object_proto);
    constructor(
        vm,
        "CryptoKey",
        0,
        |vm, _, _| Err(vm.type_error("Illegal constructor: a CryptoKey comes from crypto.subtle")),
        key_proto,
    );
    key::install(vm, key_proto);
}

/// `crypto.getRandomValues(typedArray)`: an integer typed array filled
/// with random bytes from the system's generator, and given back.
fn get_random_values(vm: &mut Vm, _: Value, a: Args) -> Result<Value, Interrupt> {
    use crate::typed_array::ElementType as T;
    let v = arg(vm, a, 0);
    let Some((o, t)) = vm.typed_array_of(v) else {
        return Err(vm.type_error("getRandomValues needs an integer typed array"));
    };
    if matches!(t, T::Float32 | T::Float64) {
        return Err(Interrupt::Throw(dom_exception(
            vm,
            "TypeMismatchError",
            "getRandomValues needs an integer typed array",
        )));
    }
    let (buf, offset, len) = vm.view_parts(o);
    let n = len * t.size();
    if n > RANDOM_MAX {
        let message =
            format!("{n} bytes asked, more than the {RANDOM_MAX} getRandomValues gives at once");
        return Err(Interrupt::Throw(dom_exception(
            vm,
            "QuotaExceededError",
            &message,
        )));
    }
    let mut bytes = vec![0u8; n];
    ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut bytes)
        .map_err(|_| vm.type_error("the system's random generator failed"))?;
    for (i, b) in bytes.into_iter().enumerate() {
        vm.write_byte(buf, offset + i, b)?;
    }
    Ok(v)
}

/// Runs `f` and gives a promise of its value, or of its exception.
fn promised(
    vm: &mut Vm,
    a: Args,
    f: fn(&mut Vm, Args) -> Result<Value, Interrupt>,
) -> Result<Value, Interrupt> {
    let r = f(vm, a);
    super::promise_of(vm, r)
}

/// An algorithm argument's name: a string, or an object's `name`.
fn algorithm_name(vm: &mut Vm, v: Value) -> Result<String, Interrupt> {
    match v {
        Value::Obj(_) => {
            let name = vm.atoms.name;
            let n = vm.get_field(v, name)?;
            to_rust_string(vm, n)
        }
        v => to_rust_string(vm, v),
    }
}

fn not_supported(vm: &mut Vm, what: &str) -> Interrupt {
    Interrupt::Throw(dom_exception(
        vm,
        "NotSupportedError",
        &format!("{what} is not supported"),
    ))
}

fn data_error(vm: &mut Vm, message: &str) -> Interrupt {
    Interrupt::Throw(dom_exception(vm, "DataError", message))
}

/// SHA-1/256/384/512 by name, without case.
fn hash_of(vm: &mut Vm, name: &str) -> Result<Hash, Interrupt> {
    match Hash::parse(name) {
        Some(h) => Ok(h),
        None => Err(not_supported(vm, &format!("The hash {name}"))),
    }
}

/// `o[name]`, or undefined when `o` is not an object.
fn field(vm: &mut Vm, o: Value, name: &str) -> Result<Value, Interrupt> {
    match o {
        Value::Obj(_) => {
            let key = vm.heap.intern(name);
            vm.get_field(o, key)
        }
        _ => Ok(Value::Undefined),
    }
}

/// An algorithm argument's `hash` (a name or `{ name }`), which
/// `algorithm` needs.
fn hash_field(vm: &mut Vm, params: Value, algorithm: Algorithm) -> Result<Hash, Interrupt> {
    match field(vm, params, "hash")? {
        Value::Undefined => Err(vm.type_error(format!(
            "{} needs {{ name: \"{}\", hash }}",
            algorithm.name(),
            algorithm.name()
        ))),
        h => {
            let name = algorithm_name(vm, h)?;
            hash_of(vm, &name)
        }
    }
}

fn bytes_arg(vm: &mut Vm, v: Value, what: &str) -> Result<Vec<u8>, Interrupt> {
    match vm.buffer_source_bytes(v) {
        Some(b) => Ok(b),
        None => Err(vm.type_error(format!(
            "{what} must be an ArrayBuffer, a typed array or a DataView"
        ))),
    }
}

/// A new `ArrayBuffer` of `bytes`.
fn buffer(vm: &mut Vm, bytes: &[u8]) -> Result<Value, Interrupt> {
    let view = vm.new_uint8_array(bytes)?;
    let Value::Obj(v) = view else {
        unreachable!("a view is an object")
    };
    Ok(Value::Obj(vm.view_parts(v).0))
}

/// `digest(algorithm, data)`.
fn digest(vm: &mut Vm, a: Args) -> Result<Value, Interrupt> {
    let name = algorithm_name(vm, arg(vm, a, 0))?;
    let hash = hash_of(vm, &name)?;
    let data = bytes_arg(vm, arg(vm, a, 1), "The data")?;
    let d = ring::digest::digest(hash.digest(), &data);
    buffer(vm, d.as_ref())
}

/// `crypto.subtle.timingSafeEqual(a, b)` (Workers'): whether two buffers
/// of the same length hold the same bytes, in time that does not depend
/// on where they differ.
fn timing_safe_equal(vm: &mut Vm, _: Value, a: Args) -> Result<Value, Interrupt> {
    let x = bytes_arg(vm, arg(vm, a, 0), "The first argument")?;
    let y = bytes_arg(vm, arg(vm, a, 1), "The second argument")?;
    if x.len() != y.len() {
        return Err(vm.type_error("timingSafeEqual needs two buffers of the same length"));
    }
    let diff = x.iter().zip(&y).fold(0u8, |d, (p, q)| d | (p ^ q));
    Ok(Value::Bool(diff == 0))
}
