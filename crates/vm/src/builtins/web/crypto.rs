//! `crypto` (the Web Cryptography API, as Workers have it) on `ring`, the
//! audited library rustls already brings: `getRandomValues`,
//! `randomUUID`, and `crypto.subtle`'s `digest` (SHA-1/256/384/512),
//! `importKey` of raw HMAC keys, `sign` and `verify` with them, and
//! Workers' `timingSafeEqual`. Every `subtle` method gives a promise; a
//! problem is its rejection (a `DOMException` or a `TypeError`).

use super::{dom_exception, new_proto, to_rust_string};
use crate::builtins::{arg, getter, method, string_tag};
use crate::error::Interrupt;
use crate::heap::{Class, WebKind};
use crate::promise::PromiseState;
use crate::state::{Args, Vm};
use crate::value::{ObjId, Value};

/// A CryptoKey's slots: its algorithm's name, its hash's name, its bytes
/// (an `ArrayBuffer`), whether it is extractable, its usages (an array).
const ALGORITHM: usize = 0;
const HASH: usize = 1;
const SECRET: usize = 2;
const EXTRACTABLE: usize = 3;
const USAGES: usize = 4;

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
        promised(vm, a, import_key)
    });
    method(vm, subtle, "sign", 3, |vm, _, a| promised(vm, a, sign));
    method(vm, subtle, "verify", 4, |vm, _, a| promised(vm, a, verify));
    method(vm, subtle, "timingSafeEqual", 2, timing_safe_equal);
    string_tag(vm, subtle, "SubtleCrypto");
    crate::builtins::set(vm, crypto, "subtle", Value::Obj(subtle));
    string_tag(vm, crypto, "Crypto");
    crate::builtins::set(vm, vm.realm.global, "crypto", Value::Obj(crypto));

    let key_proto = new_proto(vm, object_proto);
    getter(vm, key_proto, "get type", |vm, this, _| {
        this_key(vm, this)?;
        Ok(Value::Atom(vm.heap.intern("secret")))
    });
    getter(vm, key_proto, "get extractable", |vm, this, _| {
        let k = this_key(vm, this)?;
        Ok(vm.heap.obj(k).elems[EXTRACTABLE])
    });
    getter(vm, key_proto, "get usages", |vm, this, _| {
        let k = this_key(vm, this)?;
        Ok(vm.heap.obj(k).elems[USAGES])
    });
    getter(vm, key_proto, "get algorithm", key_algorithm);
    string_tag(vm, key_proto, "CryptoKey");
    vm.realm.crypto_key_proto = key_proto;
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
    let p = vm.new_promise(vm.realm.promise_proto)?;
    match vm.catching(r) {
        Ok(v) => vm.settle(p, PromiseState::Fulfilled, v)?,
        Err(Interrupt::Throw(e)) => vm.settle(p, PromiseState::Rejected, e)?,
        Err(e) => return Err(e),
    }
    Ok(Value::Obj(p))
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

/// SHA-1/256/384/512 by name, without case.
fn hash_of(
    vm: &mut Vm,
    name: &str,
) -> Result<(&'static ring::digest::Algorithm, &'static str), Interrupt> {
    Ok(match name.to_ascii_uppercase().as_str() {
        "SHA-1" => (&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, "SHA-1"),
        "SHA-256" => (&ring::digest::SHA256, "SHA-256"),
        "SHA-384" => (&ring::digest::SHA384, "SHA-384"),
        "SHA-512" => (&ring::digest::SHA512, "SHA-512"),
        _ => return Err(not_supported(vm, &format!("The hash {name}"))),
    })
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
    let (alg, _) = hash_of(vm, &name)?;
    let data = bytes_arg(vm, arg(vm, a, 1), "The data")?;
    let d = ring::digest::digest(alg, &data);
    buffer(vm, d.as_ref())
}

/// `importKey("raw", keyData, { name: "HMAC", hash }, extractable,
/// usages)`: other formats and algorithms are not supported yet.
fn import_key(vm: &mut Vm, a: Args) -> Result<Value, Interrupt> {
    let format = to_rust_string(vm, arg(vm, a, 0))?;
    let algorithm = arg(vm, a, 2);
    let name = algorithm_name(vm, algorithm)?;
    if !name.eq_ignore_ascii_case("HMAC") {
        return Err(not_supported(vm, &format!("The algorithm {name}")));
    }
    if format != "raw" {
        return Err(not_supported(
            vm,
            &format!("The key format {format:?} for HMAC"),
        ));
    }
    let hash = match algorithm {
        Value::Obj(_) => {
            let key = vm.heap.intern("hash");
            let h = vm.get_field(algorithm, key)?;
            algorithm_name(vm, h)?
        }
        _ => return Err(vm.type_error("HMAC needs { name: \"HMAC\", hash }")),
    };
    let (_, hash) = hash_of(vm, &hash)?;
    let secret = bytes_arg(vm, arg(vm, a, 1), "The key")?;
    if secret.is_empty() {
        return Err(Interrupt::Throw(dom_exception(
            vm,
            "DataError",
            "An HMAC key may not be empty",
        )));
    }
    let extractable = {
        let v = arg(vm, a, 3);
        vm.truthy(v)
    };
    let usages = arg(vm, a, 4);
    let mut list = Vec::new();
    if let Value::Obj(_) = usages {
        let Value::Obj(it) = vm.iter_values(usages)? else {
            unreachable!("iter_values makes an iterator object")
        };
        while let Some(u) = vm.iter_next(it)? {
            let u = to_rust_string(vm, u)?;
            if u != "sign" && u != "verify" {
                return Err(Interrupt::Throw(dom_exception(
                    vm,
                    "SyntaxError",
                    &format!("An HMAC key cannot be used to {u}"),
                )));
            }
            list.push(Value::Atom(vm.heap.intern(&u)));
        }
    }
    let usages = vm.new_array(&list)?;
    let k = vm.heap.alloc(
        Class::Web(WebKind::CryptoKey),
        Some(vm.realm.crypto_key_proto),
    )?;
    let bytes = buffer(vm, &secret)?;
    let (alg, hash) = (
        Value::Atom(vm.heap.intern("HMAC")),
        Value::Atom(vm.heap.intern(hash)),
    );
    vm.heap.obj_mut(k).elems = vec![alg, hash, bytes, Value::Bool(extractable), usages];
    Ok(Value::Obj(k))
}

fn this_key(vm: &Vm, this: Value) -> Result<ObjId, Interrupt> {
    match this {
        Value::Obj(o) if vm.heap.obj(o).class == Class::Web(WebKind::CryptoKey) => Ok(o),
        _ => Err(vm.type_error("Illegal invocation: not a CryptoKey")),
    }
}

/// `key.algorithm`: `{ name, hash: { name }, length }`.
fn key_algorithm(vm: &mut Vm, this: Value, _: Args) -> Result<Value, Interrupt> {
    let k = this_key(vm, this)?;
    let e = vm.heap.obj(k).elems.clone();
    let Value::Obj(b) = e[SECRET] else {
        unreachable!("a key keeps its bytes")
    };
    let bits = vm.buffer_len(b) * 8;
    let hash = vm.new_object()?;
    let name = vm.atoms.name;
    vm.define_own(hash, name, e[HASH])?;
    let o = vm.new_object()?;
    vm.define_own(o, name, e[ALGORITHM])?;
    let key = vm.heap.intern("hash");
    vm.define_own(o, key, Value::Obj(hash))?;
    let key = vm.heap.intern("length");
    vm.define_own(o, key, Value::Num(bits as f64))?;
    Ok(Value::Obj(o))
}

/// The HMAC key of `sign` / `verify`'s key argument, checked for `usage`.
fn hmac_key(vm: &mut Vm, a: Args, usage: &str) -> Result<ring::hmac::Key, Interrupt> {
    let name = algorithm_name(vm, arg(vm, a, 0))?;
    let k = match arg(vm, a, 1) {
        Value::Obj(k) if vm.heap.obj(k).class == Class::Web(WebKind::CryptoKey) => k,
        _ => return Err(vm.type_error("The key must be a CryptoKey")),
    };
    let e = vm.heap.obj(k).elems.clone();
    let alg = vm.heap.str(e[ALGORITHM]).unwrap_or("").to_string();
    if !name.eq_ignore_ascii_case(&alg) {
        let message = format!("The key is an {alg} key, not {name}");
        return Err(Interrupt::Throw(dom_exception(
            vm,
            "InvalidAccessError",
            &message,
        )));
    }
    let Value::Obj(usages) = e[USAGES] else {
        unreachable!("a key keeps its usages")
    };
    let allowed = vm
        .heap
        .obj(usages)
        .elems
        .iter()
        .any(|u| vm.heap.str(*u) == Some(usage));
    if !allowed {
        let message = format!("The key's usages do not include {usage}");
        return Err(Interrupt::Throw(dom_exception(
            vm,
            "InvalidAccessError",
            &message,
        )));
    }
    let hash = vm.heap.str(e[HASH]).unwrap_or("").to_string();
    let alg = match hash.as_str() {
        "SHA-1" => ring::hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY,
        "SHA-384" => ring::hmac::HMAC_SHA384,
        "SHA-512" => ring::hmac::HMAC_SHA512,
        _ => ring::hmac::HMAC_SHA256,
    };
    let secret = vm.buffer_source_bytes(e[SECRET]).unwrap_or_default();
    Ok(ring::hmac::Key::new(alg, &secret))
}

/// `sign("HMAC", key, data)`: the tag, an `ArrayBuffer`.
fn sign(vm: &mut Vm, a: Args) -> Result<Value, Interrupt> {
    let key = hmac_key(vm, a, "sign")?;
    let data = bytes_arg(vm, arg(vm, a, 2), "The data")?;
    let tag = ring::hmac::sign(&key, &data);
    buffer(vm, tag.as_ref())
}

/// `verify("HMAC", key, signature, data)`: whether the tag matches,
/// compared in constant time (ring's `verify`).
fn verify(vm: &mut Vm, a: Args) -> Result<Value, Interrupt> {
    let key = hmac_key(vm, a, "verify")?;
    let signature = bytes_arg(vm, arg(vm, a, 2), "The signature")?;
    let data = bytes_arg(vm, arg(vm, a, 3), "The data")?;
    Ok(Value::Bool(
        ring::hmac::verify(&key, &data, &signature).is_ok(),
    ))
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
