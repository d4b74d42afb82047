//! `crypto.subtle.importKey`, `exportKey` and `generateKey`: keys in the
//! formats JWT libraries and webhook checks hand over — `raw` (an HMAC
//! secret, a public EC point or Ed25519 key), `jwk`, `spki` (a public key,
//! what a PEM `PUBLIC KEY` holds) and `pkcs8` (a private key, what a PEM
//! `PRIVATE KEY` holds). ring reads PKCS#8 and checks every key it is
//! given; the `spki` crate reads SubjectPublicKeyInfo.

use super::key::{
    Algorithm, Curve, Hash, Key, KeyType, Material, key_arg, new_key, rsa_public_parts, usages_arg,
};
use super::{
    algorithm_name, buffer, bytes_arg, data_error, field, hash_field, not_supported, to_rust_string,
};
use crate::builtins::arg;
use crate::error::Interrupt;
use crate::state::{Args, Vm};
use crate::value::Value;
use base64::Engine as _;
use ring::signature::KeyPair as _;
use spki::ObjectIdentifier;
use spki::der::{Decode as _, Encode as _, Reader as _};

const EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const P384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
const ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");
const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");

/// JWK's base64url: written without padding, read with or without it.
const BASE64URL: base64::engine::GeneralPurpose = base64::engine::GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    base64::engine::GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
);

/// What an algorithm argument says about the key to make.
struct Params {
    algorithm: Algorithm,
    hash: Option<Hash>,
    curve: Option<Curve>,
}

fn params(vm: &mut Vm, v: Value) -> Result<Params, Interrupt> {
    let name = algorithm_name(vm, v)?;
    let Some(algorithm) = Algorithm::parse(&name) else {
        return Err(not_supported(vm, &format!("The algorithm {name}")));
    };
    let hash = if algorithm.has_hash() {
        Some(hash_field(vm, v, algorithm)?)
    } else {
        None
    };
    let curve = if algorithm == Algorithm::Ecdsa {
        let c = field(vm, v, "namedCurve")?;
        let c = to_rust_string(vm, c)?;
        match Curve::parse(&c) {
            Some(c) => Some(c),
            None => return Err(not_supported(vm, &format!("The curve {c}"))),
        }
    } else {
        None
    };
    Ok(Params {
        algorithm,
        hash,
        curve,
    })
}

/// `importKey(format, keyData, algorithm, extractable, usages)`.
pub fn import_key(vm: &mut Vm, a: Args) -> Result<Value, Interrupt> {
    let format = to_rust_string(vm, arg(vm, a, 0))?;
    let p = params(vm, arg(vm, a, 2))?;
    let data = arg(vm, a, 1);
    let extractable = {
        let v = arg(vm, a, 3);
        vm.truthy(v)
    };
    let (kind, material) = match format.as_str() {
        "raw" => {
            let bytes = bytes_arg(vm, data, "The key")?;
            raw(vm, &p, bytes)?
        }
        "jwk" => jwk(vm, &p, data, extractable)?,
        "spki" => {
            let bytes = bytes_arg(vm, data, "The key")?;
            (KeyType::Public, spki(vm, &p, &bytes)?)
        }
        "pkcs8" => {
            let bytes = bytes_arg(vm, data, "The key")?;
            check_pkcs8(vm, &p, &bytes)?;
            (KeyType::Private, Material::Pkcs8(bytes))
        }
        _ => return Err(not_supported(vm, &format!("The key format {format:?}"))),
    };
    let usages = usages_arg(vm, arg(vm, a, 4), p.algorithm, kind)?;
    let key = Key {
        algorithm: p.algorithm,
        hash: p.hash,
        curve: p.curve,
        kind,
        material,
        extractable,
    };
    new_key(vm, key, &usages)
}

fn raw(vm: &mut Vm, p: &Params, bytes: Vec<u8>) -> Result<(KeyType, Material), Interrupt> {
    match p.algorithm {
        Algorithm::Hmac if bytes.is_empty() => Err(data_error(vm, "An HMAC key may not be empty")),
        Algorithm::Hmac => Ok((KeyType::Secret, Material::Secret(bytes))),
        Algorithm::Ecdsa => {
            let c = p.curve.expect("ECDSA has a curve");
            check_point(vm, c, &bytes)?;
            Ok((KeyType::Public, Material::Public(bytes)))
        }
        Algorithm::Ed25519 if bytes.len() != 32 => {
            Err(data_error(vm, "An Ed25519 public key is 32 bytes"))
        }
        Algorithm::Ed25519 => Ok((KeyType::Public, Material::Public(bytes))),
        Algorithm::RsaPkcs1 | Algorithm::RsaPss => {
            Err(not_supported(vm, "The raw format for RSA keys"))
        }
    }
}

/// An uncompressed point (`04 || x || y`) of `curve`; ring checks that
/// it is on the curve when it verifies.
fn check_point(vm: &mut Vm, curve: Curve, bytes: &[u8]) -> Result<(), Interrupt> {
    if bytes.len() == 1 + 2 * curve.coordinate_len() && bytes[0] == 4 {
        Ok(())
    } else {
        Err(data_error(
            vm,
            &format!("A {} public key is an uncompressed point", curve.name()),
        ))
    }
}

/// A JWK member, base64url-decoded; `None` when the key has none.
fn jwk_bytes(vm: &mut Vm, jwk: Value, name: &str) -> Result<Option<Vec<u8>>, Interrupt> {
    match field(vm, jwk, name)? {
        Value::Undefined => Ok(None),
        v => {
            let s = to_rust_string(vm, v)?;
            match BASE64URL.decode(s.as_bytes()) {
                Ok(b) => Ok(Some(b)),
                Err(_) => Err(data_error(
                    vm,
                    &format!("The JWK's {name} is not base64url"),
                )),
            }
        }
    }
}

fn jwk_required(vm: &mut Vm, jwk: Value, name: &str) -> Result<Vec<u8>, Interrupt> {
    match jwk_bytes(vm, jwk, name)? {
        Some(b) => Ok(b),
        None => Err(data_error(vm, &format!("The JWK has no {name}"))),
    }
}

fn jwk_string(vm: &mut Vm, jwk: Value, name: &str) -> Result<Option<String>, Interrupt> {
    match field(vm, jwk, name)? {
        Value::Undefined => Ok(None),
        v => Ok(Some(to_rust_string(vm, v)?)),
    }
}

/// A JWK's key: `kty` must match the algorithm (`oct`, `EC`, `OKP`,
/// `RSA`), `crv` the curve; with `d` it is a private key.
fn jwk(
    vm: &mut Vm,
    p: &Params,
    jwk: Value,
    extractable: bool,
) -> Result<(KeyType, Material), Interrupt> {
    if !matches!(jwk, Value::Obj(_)) {
        return Err(vm.type_error("A JWK is an object"));
    }
    let kty = jwk_string(vm, jwk, "kty")?.unwrap_or_default();
    let want = match p.algorithm {
        Algorithm::Hmac => "oct",
        Algorithm::Ecdsa => "EC",
        Algorithm::Ed25519 => "OKP",
        Algorithm::RsaPkcs1 | Algorithm::RsaPss => "RSA",
    };
    if kty != want {
        let message = format!("A {} JWK has kty {want:?}, not {kty:?}", p.algorithm.name());
        return Err(data_error(vm, &message));
    }
    if extractable && matches!(field(vm, jwk, "ext")?, Value::Bool(false)) {
        return Err(data_error(
            vm,
            "The JWK is not extractable (ext: false), the key asked is",
        ));
    }
    let crv = jwk_string(vm, jwk, "crv")?;
    let d = jwk_bytes(vm, jwk, "d")?;
    match p.algorithm {
        Algorithm::Hmac => {
            let k = jwk_required(vm, jwk, "k")?;
            raw(vm, p, k)
        }
        Algorithm::Ecdsa => {
            let c = p.curve.expect("ECDSA has a curve");
            if crv.as_deref() != Some(c.name()) {
                let message = format!("The JWK's crv is {crv:?}, not {:?}", c.name());
                return Err(data_error(vm, &message));
            }
            let x = jwk_required(vm, jwk, "x")?;
            let y = jwk_required(vm, jwk, "y")?;
            let n = c.coordinate_len();
            if x.len() != n || y.len() != n {
                let message = format!("A {} JWK's x and y are {n} bytes each", c.name());
                return Err(data_error(vm, &message));
            }
            let point = [&[4u8][..], &x, &y].concat();
            match d {
                None => Ok((KeyType::Public, Material::Public(point))),
                Some(d) => {
                    ring::signature::EcdsaKeyPair::from_private_key_and_public_key(
                        c.signing(),
                        &d,
                        &point,
                        &ring::rand::SystemRandom::new(),
                    )
                    .map_err(|e| data_error(vm, &format!("The JWK's EC key is not valid: {e}")))?;
                    Ok((KeyType::Private, Material::EcPrivate { d, point }))
                }
            }
        }
        Algorithm::Ed25519 => {
            if crv.as_deref() != Some("Ed25519") {
                let message = format!("The JWK's crv is {crv:?}, not \"Ed25519\"");
                return Err(data_error(vm, &message));
            }
            let public = jwk_required(vm, jwk, "x")?;
            match d {
                None => raw(vm, p, public),
                Some(seed) => {
                    ring::signature::Ed25519KeyPair::from_seed_and_public_key(&seed, &public)
                        .map_err(|e| {
                            data_error(vm, &format!("The JWK's Ed25519 key is not valid: {e}"))
                        })?;
                    Ok((KeyType::Private, Material::EdPrivate { seed, public }))
                }
            }
        }
        Algorithm::RsaPkcs1 | Algorithm::RsaPss => {
            let n = jwk_required(vm, jwk, "n")?;
            let e = jwk_required(vm, jwk, "e")?;
            match d {
                None => Ok((KeyType::Public, Material::RsaPublic { n, e })),
                Some(d) => {
                    let mut parts = vec![n, e, d];
                    for name in ["p", "q", "dp", "dq", "qi"] {
                        parts.push(jwk_required(vm, jwk, name)?);
                    }
                    rsa_pair(vm, &Material::RsaPrivate(parts.clone()))?;
                    Ok((KeyType::Private, Material::RsaPrivate(parts)))
                }
            }
        }
    }
}

/// A SubjectPublicKeyInfo's key, checked to be one of `p`'s algorithm.
fn spki(vm: &mut Vm, p: &Params, der: &[u8]) -> Result<Material, Interrupt> {
    let info = match spki::SubjectPublicKeyInfoRef::try_from(der) {
        Ok(i) => i,
        Err(e) => return Err(data_error(vm, &format!("The key is not SPKI DER: {e}"))),
    };
    let key = info.subject_public_key.raw_bytes().to_vec();
    let oid = info.algorithm.oid;
    match p.algorithm {
        Algorithm::Ecdsa => {
            let c = p.curve.expect("ECDSA has a curve");
            let curve = info.algorithm.parameters_oid().ok();
            let want = match c {
                Curve::P256 => P256,
                Curve::P384 => P384,
            };
            if oid != EC_PUBLIC_KEY || curve != Some(want) {
                let message = format!("The key is not a {} public key", c.name());
                return Err(data_error(vm, &message));
            }
            check_point(vm, c, &key)?;
            Ok(Material::Public(key))
        }
        Algorithm::Ed25519 if oid == ED25519 && key.len() == 32 => Ok(Material::Public(key)),
        Algorithm::RsaPkcs1 | Algorithm::RsaPss if oid == RSA_ENCRYPTION => {
            // RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }
            let parts = spki::der::SliceReader::new(&key).and_then(|mut r| {
                r.sequence(|r| {
                    let n = spki::der::asn1::UintRef::decode(r)?;
                    let e = spki::der::asn1::UintRef::decode(r)?;
                    Ok((n.as_bytes().to_vec(), e.as_bytes().to_vec()))
                })
            });
            match parts {
                Ok((n, e)) => Ok(Material::RsaPublic { n, e }),
                Err(e) => Err(data_error(
                    vm,
                    &format!("The RSA public key is not valid: {e}"),
                )),
            }
        }
        a => {
            let message = format!("The key is not a {} public key", a.name());
            Err(data_error(vm, &message))
        }
    }
}

/// A PKCS#8 private key ring reads as one of `p`'s algorithm.
fn check_pkcs8(vm: &mut Vm, p: &Params, der: &[u8]) -> Result<(), Interrupt> {
    let ok = match p.algorithm {
        Algorithm::Hmac => return Err(not_supported(vm, "The pkcs8 format for HMAC keys")),
        Algorithm::Ecdsa => {
            let c = p.curve.expect("ECDSA has a curve");
            ring::signature::EcdsaKeyPair::from_pkcs8(
                c.signing(),
                der,
                &ring::rand::SystemRandom::new(),
            )
            .map(|_| ())
        }
        Algorithm::Ed25519 => {
            ring::signature::Ed25519KeyPair::from_pkcs8_maybe_unchecked(der).map(|_| ())
        }
        Algorithm::RsaPkcs1 | Algorithm::RsaPss => ring::rsa::KeyPair::from_pkcs8(der).map(|_| ()),
    };
    ok.map_err(|e| {
        let message = format!(
            "The key is not a {} PKCS#8 private key: {e}",
            p.algorithm.name()
        );
        data_error(vm, &message)
    })
}

/// ring's key pair of an RSA private key.
pub fn rsa_pair(vm: &mut Vm, m: &Material) -> Result<ring::rsa::KeyPair, Interrupt> {
    let pair = match m {
        Material::Pkcs8(der) => ring::rsa::KeyPair::from_pkcs8(der),
        Material::RsaPrivate(p) => {
            ring::rsa::KeyPair::from_components(&ring::rsa::KeyPairComponents {
                public_key: ring::rsa::PublicKeyComponents { n: &p[0], e: &p[1] },
                d: &p[2],
                p: &p[3],
                q: &p[4],
                dP: &p[5],
                dQ: &p[6],
                qInv: &p[7],
            })
        }
        _ => return Err(vm.type_error("not an RSA private key")),
    };
    pair.map_err(|e| data_error(vm, &format!("The RSA private key is not valid: {e}")))
}

/// `exportKey(format, key)`: `raw` of a secret or public EC / Ed25519
/// key, `jwk` of any key imported from its parts, `spki` of a public EC
/// or Ed25519 key, `pkcs8` of a private key imported or made as PKCS#8.
pub fn export_key(vm: &mut Vm, a: Args) -> Result<Value, Interrupt> {
    let format = to_rust_string(vm, arg(vm, a, 0))?;
    let key = key_arg(vm, arg(vm, a, 1), None, None)?;
    if !key.extractable {
        return Err(super::key::invalid_access(vm, "The key is not extractable"));
    }
    match (format.as_str(), &key.material) {
        ("raw", Material::Secret(b) | Material::Public(b)) => buffer(vm, b),
        ("pkcs8", Material::Pkcs8(b)) => buffer(vm, b),
        ("spki", Material::Public(b)) => {
            let (oid, params) = match key.curve {
                Some(Curve::P256) => (EC_PUBLIC_KEY, Some(P256)),
                Some(Curve::P384) => (EC_PUBLIC_KEY, Some(P384)),
                None => (ED25519, None),
            };
            let der = encode_spki(oid, params, b)
                .map_err(|e| data_error(vm, &format!("The key cannot be encoded: {e}")))?;
            buffer(vm, &der)
        }
        ("jwk", _) => export_jwk(vm, &key),
        _ => Err(not_supported(
            vm,
            &format!(
                "Exporting this {} {} key as {format:?}",
                key.algorithm.name(),
                key_type_name(key.kind)
            ),
        )),
    }
}

fn key_type_name(k: KeyType) -> &'static str {
    match k {
        KeyType::Secret => "secret",
        KeyType::Public => "public",
        KeyType::Private => "private",
    }
}

fn encode_spki(
    oid: ObjectIdentifier,
    params: Option<ObjectIdentifier>,
    key: &[u8],
) -> spki::der::Result<Vec<u8>> {
    let info = spki::SubjectPublicKeyInfoOwned {
        algorithm: spki::AlgorithmIdentifierOwned {
            oid,
            parameters: params.map(spki::der::Any::from),
        },
        subject_public_key: spki::der::asn1::BitString::from_bytes(key)?,
    };
    info.to_der()
}

/// A key as a JWK object.
fn export_jwk(vm: &mut Vm, key: &Key) -> Result<Value, Interrupt> {
    let mut members: Vec<(&str, String)> = Vec::new();
    let b64 = |b: &[u8]| BASE64URL.encode(b);
    let public = |m: &Material| match m {
        Material::Public(p) => Some(p.clone()),
        Material::EcPrivate { point, .. } => Some(point.clone()),
        Material::EdPrivate { public, .. } => Some(public.clone()),
        _ => None,
    };
    match (key.algorithm, &key.material) {
        (_, Material::Pkcs8(_)) => {
            return Err(not_supported(
                vm,
                "Exporting a key imported as PKCS#8 as a JWK",
            ));
        }
        (Algorithm::Hmac, Material::Secret(s)) => {
            let h = key.hash.expect("an HMAC key has a hash");
            members.push(("kty", "oct".into()));
            members.push(("k", b64(s)));
            members.push(("alg", format!("HS{}", h.jwk_suffix())));
        }
        (Algorithm::Ecdsa, m) => {
            let c = key.curve.expect("ECDSA has a curve");
            let n = c.coordinate_len();
            let p = public(m).expect("an ECDSA key has its point");
            members.push(("kty", "EC".into()));
            members.push(("crv", c.name().into()));
            members.push(("x", b64(&p[1..1 + n])));
            members.push(("y", b64(&p[1 + n..])));
            if let Material::EcPrivate { d, .. } = m {
                members.push(("d", b64(d)));
            }
        }
        (Algorithm::Ed25519, m) => {
            let p = public(m).expect("an Ed25519 key has its public key");
            members.push(("kty", "OKP".into()));
            members.push(("crv", "Ed25519".into()));
            members.push(("x", b64(&p)));
            if let Material::EdPrivate { seed, .. } = m {
                members.push(("d", b64(seed)));
            }
        }
        (_, m) => {
            let (n, e) = rsa_public_parts(vm, m)?;
            members.push(("kty", "RSA".into()));
            members.push(("n", b64(&n)));
            members.push(("e", b64(&e)));
            if let Material::RsaPrivate(p) = m {
                for (name, part) in ["d", "p", "q", "dp", "dq", "qi"].iter().zip(&p[2..]) {
                    members.push((name, b64(part)));
                }
            }
        }
    }
    let o = vm.new_object()?;
    for (name, value) in members {
        let k = vm.heap.intern(name);
        let v = vm.heap.alloc_str(&value)?;
        vm.define_own(o, k, v)?;
    }
    let k = vm.heap.intern("ext");
    vm.define_own(o, k, Value::Bool(true))?;
    Ok(Value::Obj(o))
}

/// `generateKey(algorithm, extractable, usages)`: an HMAC key of random
/// bytes (as many as the hash's block unless `length` says), or an ECDSA
/// or Ed25519 key pair (`{ publicKey, privateKey }`) ring makes. ring
/// makes no RSA keys.
pub fn generate_key(vm: &mut Vm, a: Args) -> Result<Value, Interrupt> {
    let algorithm = arg(vm, a, 0);
    let p = params(vm, algorithm)?;
    let extractable = {
        let v = arg(vm, a, 1);
        vm.truthy(v)
    };
    let usages = arg(vm, a, 2);
    let rng = ring::rand::SystemRandom::new();
    let failed = |vm: &mut Vm| {
        Interrupt::Throw(super::dom_exception(
            vm,
            "OperationError",
            "The key could not be made",
        ))
    };
    let (pkcs8, public) = match p.algorithm {
        Algorithm::Hmac => {
            let h = p.hash.expect("HMAC has a hash");
            let bits = match field(vm, algorithm, "length")? {
                Value::Undefined => match h {
                    Hash::Sha384 | Hash::Sha512 => 1024,
                    _ => 512,
                },
                v => vm.to_number(v)? as usize,
            };
            if bits == 0 || bits % 8 != 0 || bits > 8192 {
                return Err(not_supported(vm, &format!("An HMAC key of {bits} bits")));
            }
            let mut secret = vec![0u8; bits / 8];
            ring::rand::SecureRandom::fill(&rng, &mut secret).map_err(|_| failed(vm))?;
            let list = usages_arg(vm, usages, p.algorithm, KeyType::Secret)?;
            let key = Key {
                algorithm: p.algorithm,
                hash: p.hash,
                curve: None,
                kind: KeyType::Secret,
                material: Material::Secret(secret),
                extractable,
            };
            return new_key(vm, key, &list);
        }
        Algorithm::Ecdsa => {
            let c = p.curve.expect("ECDSA has a curve");
            let doc = ring::signature::EcdsaKeyPair::generate_pkcs8(c.signing(), &rng)
                .map_err(|_| failed(vm))?;
            let pair = ring::signature::EcdsaKeyPair::from_pkcs8(c.signing(), doc.as_ref(), &rng)
                .map_err(|_| failed(vm))?;
            (doc.as_ref().to_vec(), pair.public_key().as_ref().to_vec())
        }
        Algorithm::Ed25519 => {
            let doc =
                ring::signature::Ed25519KeyPair::generate_pkcs8(&rng).map_err(|_| failed(vm))?;
            let pair = ring::signature::Ed25519KeyPair::from_pkcs8(doc.as_ref())
                .map_err(|_| failed(vm))?;
            (doc.as_ref().to_vec(), pair.public_key().as_ref().to_vec())
        }
        Algorithm::RsaPkcs1 | Algorithm::RsaPss => {
            return Err(not_supported(vm, "Generating RSA keys"));
        }
    };
    // Each half takes the usages its type allows.
    let mut wanted = Vec::new();
    if let Value::Obj(_) = usages {
        let Value::Obj(it) = vm.iter_values(usages)? else {
            unreachable!("iter_values makes an iterator object")
        };
        while let Some(u) = vm.iter_next(it)? {
            wanted.push(to_rust_string(vm, u)?);
        }
    }
    if let Some(u) = wanted.iter().find(|u| *u != "sign" && *u != "verify") {
        let message = format!("A {} key cannot be used to {u}", p.algorithm.name());
        return Err(Interrupt::Throw(super::dom_exception(
            vm,
            "SyntaxError",
            &message,
        )));
    }
    let for_type =
        |t: KeyType| -> Vec<String> { wanted.iter().filter(|u| t.allows(u)).cloned().collect() };
    let (private_usages, public_usages) = (for_type(KeyType::Private), for_type(KeyType::Public));
    if private_usages.is_empty() {
        return Err(Interrupt::Throw(super::dom_exception(
            vm,
            "SyntaxError",
            "A key pair's private key needs the sign usage",
        )));
    }
    let private = new_key(
        vm,
        Key {
            algorithm: p.algorithm,
            hash: None,
            curve: p.curve,
            kind: KeyType::Private,
            material: Material::Pkcs8(pkcs8),
            extractable,
        },
        &private_usages,
    )?;
    let public = new_key(
        vm,
        Key {
            algorithm: p.algorithm,
            hash: None,
            curve: p.curve,
            kind: KeyType::Public,
            material: Material::Public(public),
            extractable: true,
        },
        &public_usages,
    )?;
    let pair = vm.new_object()?;
    let k = vm.heap.intern("publicKey");
    vm.define_own(pair, k, public)?;
    let k = vm.heap.intern("privateKey");
    vm.define_own(pair, k, private)?;
    Ok(Value::Obj(pair))
}
