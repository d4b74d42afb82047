//! `CryptoKey`: what a key is (its algorithm, hash, curve, type, usages)
//! and its key material, kept in the object's slots, with the getters a
//! script reads them by. The material is one `ArrayBuffer` holding a form
//! tag and its parts, read back into [`Material`] when the key is used.

use super::{dom_exception, not_supported, to_rust_string};
use crate::builtins::{getter, string_tag};
use crate::error::Interrupt;
use crate::heap::{Class, WebKind};
use crate::state::Vm;
use crate::value::{ObjId, Value};

/// A key's slots.
const ALGORITHM: usize = 0;
const HASH: usize = 1;
const CURVE: usize = 2;
const TYPE: usize = 3;
const MATERIAL: usize = 4;
const EXTRACTABLE: usize = 5;
const USAGES: usize = 6;

/// The signature algorithms `crypto.subtle` has.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Algorithm {
    Hmac,
    Ecdsa,
    Ed25519,
    RsaPkcs1,
    RsaPss,
}

impl Algorithm {
    /// By the name a script gives, without case (`NODE-ED25519` is the
    /// name Workers had for Ed25519 before it was standard).
    pub fn parse(name: &str) -> Option<Algorithm> {
        Some(match name.to_ascii_uppercase().as_str() {
            "HMAC" => Algorithm::Hmac,
            "ECDSA" => Algorithm::Ecdsa,
            "ED25519" | "NODE-ED25519" => Algorithm::Ed25519,
            "RSASSA-PKCS1-V1_5" => Algorithm::RsaPkcs1,
            "RSA-PSS" => Algorithm::RsaPss,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Hmac => "HMAC",
            Algorithm::Ecdsa => "ECDSA",
            Algorithm::Ed25519 => "Ed25519",
            Algorithm::RsaPkcs1 => "RSASSA-PKCS1-v1_5",
            Algorithm::RsaPss => "RSA-PSS",
        }
    }

    /// Whether a key of this algorithm is imported with a hash.
    pub fn has_hash(self) -> bool {
        matches!(
            self,
            Algorithm::Hmac | Algorithm::RsaPkcs1 | Algorithm::RsaPss
        )
    }

    pub fn is_rsa(self) -> bool {
        matches!(self, Algorithm::RsaPkcs1 | Algorithm::RsaPss)
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Hash {
    Sha1,
    Sha256,
    Sha384,
    Sha512,
}

impl Hash {
    pub fn parse(name: &str) -> Option<Hash> {
        Some(match name.to_ascii_uppercase().as_str() {
            "SHA-1" => Hash::Sha1,
            "SHA-256" => Hash::Sha256,
            "SHA-384" => Hash::Sha384,
            "SHA-512" => Hash::Sha512,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Hash::Sha1 => "SHA-1",
            Hash::Sha256 => "SHA-256",
            Hash::Sha384 => "SHA-384",
            Hash::Sha512 => "SHA-512",
        }
    }

    pub fn digest(self) -> &'static ring::digest::Algorithm {
        match self {
            Hash::Sha1 => &ring::digest::SHA1_FOR_LEGACY_USE_ONLY,
            Hash::Sha256 => &ring::digest::SHA256,
            Hash::Sha384 => &ring::digest::SHA384,
            Hash::Sha512 => &ring::digest::SHA512,
        }
    }

    /// Bytes in a digest: RSA-PSS's only salt length.
    pub fn len(self) -> usize {
        self.digest().output_len()
    }

    /// The JWK `alg` of an HMAC key of this hash (`HS256`…).
    pub fn jwk_suffix(self) -> &'static str {
        match self {
            Hash::Sha1 => "1",
            Hash::Sha256 => "256",
            Hash::Sha384 => "384",
            Hash::Sha512 => "512",
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Curve {
    P256,
    P384,
}

impl Curve {
    pub fn parse(name: &str) -> Option<Curve> {
        match name {
            "P-256" => Some(Curve::P256),
            "P-384" => Some(Curve::P384),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Curve::P256 => "P-256",
            Curve::P384 => "P-384",
        }
    }

    /// Bytes in one coordinate (and in the private scalar).
    pub fn coordinate_len(self) -> usize {
        match self {
            Curve::P256 => 32,
            Curve::P384 => 48,
        }
    }

    /// ring's signing algorithm for this curve: the hash the curve pairs
    /// with, signatures as `r || s` as the Web Cryptography API has them.
    pub fn signing(self) -> &'static ring::signature::EcdsaSigningAlgorithm {
        match self {
            Curve::P256 => &ring::signature::ECDSA_P256_SHA256_FIXED_SIGNING,
            Curve::P384 => &ring::signature::ECDSA_P384_SHA384_FIXED_SIGNING,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum KeyType {
    Secret,
    Public,
    Private,
}

impl KeyType {
    fn name(self) -> &'static str {
        match self {
            KeyType::Secret => "secret",
            KeyType::Public => "public",
            KeyType::Private => "private",
        }
    }

    fn parse(name: &str) -> KeyType {
        match name {
            "public" => KeyType::Public,
            "private" => KeyType::Private,
            _ => KeyType::Secret,
        }
    }

    /// The usages a key of this type may have.
    pub fn allows(self, usage: &str) -> bool {
        match self {
            KeyType::Secret => usage == "sign" || usage == "verify",
            KeyType::Public => usage == "verify",
            KeyType::Private => usage == "sign",
        }
    }
}

/// A key's material, in the form it was given or made in.
#[derive(Debug)]
pub enum Material {
    /// An HMAC secret.
    Secret(Vec<u8>),
    /// A public EC point (uncompressed) or Ed25519 key.
    Public(Vec<u8>),
    /// A private key as PKCS#8, which ring reads directly.
    Pkcs8(Vec<u8>),
    /// A private EC scalar and its public point.
    EcPrivate { d: Vec<u8>, point: Vec<u8> },
    /// An Ed25519 seed and its public key.
    EdPrivate { seed: Vec<u8>, public: Vec<u8> },
    /// An RSA public key's modulus and exponent (big-endian).
    RsaPublic { n: Vec<u8>, e: Vec<u8> },
    /// An RSA private key's parts: n, e, d, p, q, dp, dq, qi.
    RsaPrivate(Vec<Vec<u8>>),
}

impl Material {
    /// The form tag and the parts, as the key's buffer keeps them: each
    /// part after its length (4 bytes, little-endian).
    fn encode(&self) -> Vec<u8> {
        let (tag, parts): (u8, Vec<&[u8]>) = match self {
            Material::Secret(b) => (0, vec![b]),
            Material::Public(b) => (1, vec![b]),
            Material::Pkcs8(b) => (2, vec![b]),
            Material::EcPrivate { d, point } => (3, vec![d, point]),
            Material::EdPrivate { seed, public } => (4, vec![seed, public]),
            Material::RsaPublic { n, e } => (5, vec![n, e]),
            Material::RsaPrivate(parts) => (6, parts.iter().map(Vec::as_slice).collect()),
        };
        let mut out = vec![tag];
        for p in parts {
            out.extend_from_slice(&(p.len() as u32).to_le_bytes());
            out.extend_from_slice(p);
        }
        out
    }

    fn decode(bytes: &[u8]) -> Material {
        let mut parts = Vec::new();
        let mut rest = &bytes[1..];
        while rest.len() >= 4 {
            let n = u32::from_le_bytes(rest[..4].try_into().expect("four bytes")) as usize;
            parts.push(rest[4..4 + n].to_vec());
            rest = &rest[4 + n..];
        }
        let mut it = parts.into_iter();
        let mut next = || it.next().unwrap_or_default();
        match bytes[0] {
            0 => Material::Secret(next()),
            1 => Material::Public(next()),
            2 => Material::Pkcs8(next()),
            3 => Material::EcPrivate {
                d: next(),
                point: next(),
            },
            4 => Material::EdPrivate {
                seed: next(),
                public: next(),
            },
            5 => Material::RsaPublic {
                n: next(),
                e: next(),
            },
            _ => Material::RsaPrivate((0..8).map(|_| next()).collect()),
        }
    }
}

/// A key as Rust reads it.
pub struct Key {
    pub algorithm: Algorithm,
    pub hash: Option<Hash>,
    pub curve: Option<Curve>,
    pub kind: KeyType,
    pub material: Material,
    pub extractable: bool,
}

pub fn install(vm: &mut Vm, key_proto: ObjId) {
    getter(vm, key_proto, "get type", |vm, this, _| {
        let k = this_key(vm, this)?;
        Ok(vm.heap.obj(k).elems[TYPE])
    });
    getter(vm, key_proto, "get extractable", |vm, this, _| {
        let k = this_key(vm, this)?;
        Ok(vm.heap.obj(k).elems[EXTRACTABLE])
    });
    getter(vm, key_proto, "get usages", |vm, this, _| {
        let k = this_key(vm, this)?;
        Ok(vm.heap.obj(k).elems[USAGES])
    });
    getter(vm, key_proto, "get algorithm", |vm, this, _| {
        let k = this_key(vm, this)?;
        let key = read(vm, k);
        key_algorithm(vm, &key)
    });
    string_tag(vm, key_proto, "CryptoKey");
    vm.realm.crypto_key_proto = key_proto;
}

/// A new `CryptoKey` of `key`, for `usages`.
pub fn new_key(vm: &mut Vm, key: Key, usages: &[String]) -> Result<Value, Interrupt> {
    let list: Vec<Value> = usages
        .iter()
        .map(|u| Value::Atom(vm.heap.intern(u)))
        .collect();
    let usages = vm.new_array(&list)?;
    let material = super::buffer(vm, &key.material.encode())?;
    let atom = |vm: &mut Vm, s: Option<&str>| match s {
        Some(s) => Value::Atom(vm.heap.intern(s)),
        None => Value::Undefined,
    };
    let elems = vec![
        atom(vm, Some(key.algorithm.name())),
        atom(vm, key.hash.map(Hash::name)),
        atom(vm, key.curve.map(Curve::name)),
        atom(vm, Some(key.kind.name())),
        material,
        Value::Bool(key.extractable),
        usages,
    ];
    let k = vm.heap.alloc(
        Class::Web(WebKind::CryptoKey),
        Some(vm.realm.crypto_key_proto),
    )?;
    vm.heap.obj_mut(k).elems = elems;
    Ok(Value::Obj(k))
}

pub fn this_key(vm: &Vm, this: Value) -> Result<ObjId, Interrupt> {
    match this {
        Value::Obj(o) if vm.heap.obj(o).class == Class::Web(WebKind::CryptoKey) => Ok(o),
        _ => Err(vm.type_error("Illegal invocation: not a CryptoKey")),
    }
}

/// The key object `k` as Rust reads it.
pub fn read(vm: &Vm, k: ObjId) -> Key {
    let e = &vm.heap.obj(k).elems;
    let text = |v: Value| vm.heap.str(v).unwrap_or("").to_string();
    let Value::Obj(buf) = e[MATERIAL] else {
        unreachable!("a key keeps its material")
    };
    let bytes = vm
        .buffer_source_bytes(Value::Obj(buf))
        .expect("a key's material is an ArrayBuffer");
    Key {
        algorithm: Algorithm::parse(&text(e[ALGORITHM])).expect("a key's algorithm is known"),
        hash: Hash::parse(&text(e[HASH])),
        curve: Curve::parse(&text(e[CURVE])),
        kind: KeyType::parse(&text(e[TYPE])),
        material: Material::decode(&bytes),
        extractable: matches!(e[EXTRACTABLE], Value::Bool(true)),
    }
}

/// The key argument `v` of `sign` / `verify` / `exportKey`: a CryptoKey of
/// `algorithm` (when given) whose usages include `usage` (when given).
pub fn key_arg(
    vm: &mut Vm,
    v: Value,
    algorithm: Option<Algorithm>,
    usage: Option<&str>,
) -> Result<Key, Interrupt> {
    let k = match v {
        Value::Obj(k) if vm.heap.obj(k).class == Class::Web(WebKind::CryptoKey) => k,
        _ => return Err(vm.type_error("The key must be a CryptoKey")),
    };
    let key = read(vm, k);
    if let Some(a) = algorithm
        && a != key.algorithm
    {
        let message = format!(
            "The key is an {} key, not {}",
            key.algorithm.name(),
            a.name()
        );
        return Err(invalid_access(vm, &message));
    }
    if let Some(usage) = usage {
        let Value::Obj(usages) = vm.heap.obj(k).elems[USAGES] else {
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
            return Err(invalid_access(vm, &message));
        }
    }
    Ok(key)
}

pub fn invalid_access(vm: &mut Vm, message: &str) -> Interrupt {
    Interrupt::Throw(dom_exception(vm, "InvalidAccessError", message))
}

/// `key.algorithm`: `{ name }`, with `hash: { name }` and `length` for
/// HMAC, `namedCurve` for ECDSA, `hash`, `modulusLength` and
/// `publicExponent` for RSA.
fn key_algorithm(vm: &mut Vm, key: &Key) -> Result<Value, Interrupt> {
    let o = vm.new_object()?;
    let name = vm.atoms.name;
    let atom = Value::Atom(vm.heap.intern(key.algorithm.name()));
    vm.define_own(o, name, atom)?;
    if let Some(h) = key.hash {
        let hash = vm.new_object()?;
        let atom = Value::Atom(vm.heap.intern(h.name()));
        vm.define_own(hash, name, atom)?;
        let k = vm.heap.intern("hash");
        vm.define_own(o, k, Value::Obj(hash))?;
    }
    if let Some(c) = key.curve {
        let k = vm.heap.intern("namedCurve");
        let atom = Value::Atom(vm.heap.intern(c.name()));
        vm.define_own(o, k, atom)?;
    }
    if let Material::Secret(s) = &key.material {
        let k = vm.heap.intern("length");
        vm.define_own(o, k, Value::Num((s.len() * 8) as f64))?;
    }
    if key.algorithm.is_rsa() {
        let (n, e) = rsa_public_parts(vm, &key.material)?;
        let k = vm.heap.intern("modulusLength");
        let n: Vec<u8> = n.into_iter().skip_while(|b| *b == 0).collect();
        let bits = n
            .first()
            .map_or(0, |top| n.len() * 8 - top.leading_zeros() as usize);
        vm.define_own(o, k, Value::Num(bits as f64))?;
        let k = vm.heap.intern("publicExponent");
        let e = vm.new_uint8_array(&e)?;
        vm.define_own(o, k, e)?;
    }
    Ok(Value::Obj(o))
}

/// An RSA key's modulus and public exponent.
pub fn rsa_public_parts(vm: &mut Vm, m: &Material) -> Result<(Vec<u8>, Vec<u8>), Interrupt> {
    match m {
        Material::RsaPublic { n, e } => Ok((n.clone(), e.clone())),
        Material::RsaPrivate(parts) => Ok((parts[0].clone(), parts[1].clone())),
        Material::Pkcs8(der) => {
            let pair = ring::rsa::KeyPair::from_pkcs8(der)
                .map_err(|e| super::data_error(vm, &format!("The RSA key is not valid: {e}")))?;
            let c: ring::rsa::PublicKeyComponents<Vec<u8>> = pair.public().into();
            Ok((c.n, c.e))
        }
        _ => Err(not_supported(vm, "This key's form")),
    }
}

/// The usages argument `v`, each one a usage a key of `kind` may have.
pub fn usages_arg(
    vm: &mut Vm,
    v: Value,
    algorithm: Algorithm,
    kind: KeyType,
) -> Result<Vec<String>, Interrupt> {
    let mut list = Vec::new();
    if let Value::Obj(_) = v {
        let Value::Obj(it) = vm.iter_values(v)? else {
            unreachable!("iter_values makes an iterator object")
        };
        while let Some(u) = vm.iter_next(it)? {
            let u = to_rust_string(vm, u)?;
            if !kind.allows(&u) {
                let message = format!(
                    "A {} {} key cannot be used to {u}",
                    algorithm.name(),
                    kind.name()
                );
                return Err(Interrupt::Throw(dom_exception(vm, "SyntaxError", &message)));
            }
            if !list.contains(&u) {
                list.push(u);
            }
        }
    }
    if list.is_empty() && kind != KeyType::Public {
        let message = format!("A {} key needs at least one usage", kind.name());
        return Err(Interrupt::Throw(dom_exception(vm, "SyntaxError", &message)));
    }
    Ok(list)
}
