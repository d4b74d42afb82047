//! `crypto.subtle.sign` and `verify`: HMAC, ECDSA (P-256 / P-384,
//! signatures as `r || s`), Ed25519, RSASSA-PKCS1-v1_5 and RSA-PSS — the
//! algorithms of JWT's HS*, ES256/384, EdDSA, RS* and PS*. ring does the
//! mathematics; a signature that does not match is `false`, never an
//! exception.

use super::import::rsa_pair;
use super::key::{Algorithm, Curve, Hash, Key, Material, key_arg};
use super::{algorithm_name, buffer, bytes_arg, data_error, field, hash_field, not_supported};
use crate::builtins::arg;
use crate::error::Interrupt;
use crate::state::{Args, Vm};
use crate::value::Value;
use ring::signature as sig;

/// The algorithm argument of `sign` / `verify`, and the key checked to be
/// of it and to allow `usage`; the hash ECDSA signs with (its argument's
/// `hash`); RSA-PSS's `saltLength`, which ring takes only as the hash's
/// length.
fn prepare(vm: &mut Vm, a: Args, usage: &str) -> Result<(Key, Option<Hash>), Interrupt> {
    let params = arg(vm, a, 0);
    let name = algorithm_name(vm, params)?;
    let Some(algorithm) = Algorithm::parse(&name) else {
        return Err(not_supported(vm, &format!("The algorithm {name}")));
    };
    let key = key_arg(vm, arg(vm, a, 1), Some(algorithm), Some(usage))?;
    let hash = match algorithm {
        Algorithm::Ecdsa => Some(hash_field(vm, params, algorithm)?),
        _ => key.hash,
    };
    if algorithm == Algorithm::RsaPss {
        let salt = field(vm, params, "saltLength")?;
        let salt = vm.to_number(salt)?;
        let want = hash.expect("an RSA key has a hash").len();
        if salt != want as f64 {
            let message =
                format!("An RSA-PSS salt of {salt} bytes (only the hash's length, {want}, is)");
            return Err(not_supported(vm, &message));
        }
    }
    Ok((key, hash))
}

/// `sign(algorithm, key, data)`: the signature, an `ArrayBuffer`.
pub fn sign(vm: &mut Vm, a: Args) -> Result<Value, Interrupt> {
    let (key, hash) = prepare(vm, a, "sign")?;
    let data = bytes_arg(vm, arg(vm, a, 2), "The data")?;
    let rng = ring::rand::SystemRandom::new();
    let failed = |vm: &mut Vm, what: &str| {
        Interrupt::Throw(super::dom_exception(vm, "OperationError", what))
    };
    let signature = match (key.algorithm, &key.material) {
        (Algorithm::Hmac, Material::Secret(s)) => {
            let tag = ring::hmac::sign(&hmac_key(hash, s), &data);
            tag.as_ref().to_vec()
        }
        (Algorithm::Ecdsa, m) => {
            let c = key.curve.expect("ECDSA has a curve");
            let paired = match (c, hash) {
                (Curve::P256, Some(Hash::Sha256)) | (Curve::P384, Some(Hash::Sha384)) => true,
                _ => false,
            };
            if !paired {
                let message = format!(
                    "Signing with {} and {}",
                    c.name(),
                    hash.map_or("no hash", Hash::name)
                );
                return Err(not_supported(vm, &message));
            }
            let pair = match m {
                Material::Pkcs8(der) => sig::EcdsaKeyPair::from_pkcs8(c.signing(), der, &rng),
                Material::EcPrivate { d, point } => {
                    sig::EcdsaKeyPair::from_private_key_and_public_key(c.signing(), d, point, &rng)
                }
                _ => return Err(vm.type_error("not an ECDSA private key")),
            }
            .map_err(|e| data_error(vm, &format!("The ECDSA key is not valid: {e}")))?;
            pair.sign(&rng, &data)
                .map_err(|_| failed(vm, "ECDSA signing failed"))?
                .as_ref()
                .to_vec()
        }
        (Algorithm::Ed25519, m) => {
            let pair = match m {
                Material::Pkcs8(der) => sig::Ed25519KeyPair::from_pkcs8_maybe_unchecked(der),
                Material::EdPrivate { seed, public } => {
                    sig::Ed25519KeyPair::from_seed_and_public_key(seed, public)
                }
                _ => return Err(vm.type_error("not an Ed25519 private key")),
            }
            .map_err(|e| data_error(vm, &format!("The Ed25519 key is not valid: {e}")))?;
            pair.sign(&data).as_ref().to_vec()
        }
        (Algorithm::RsaPkcs1 | Algorithm::RsaPss, m) => {
            let pair = rsa_pair(vm, m)?;
            let h = hash.expect("an RSA key has a hash");
            let padding: &dyn sig::RsaEncoding = match (key.algorithm, h) {
                (Algorithm::RsaPkcs1, Hash::Sha256) => &sig::RSA_PKCS1_SHA256,
                (Algorithm::RsaPkcs1, Hash::Sha384) => &sig::RSA_PKCS1_SHA384,
                (Algorithm::RsaPkcs1, Hash::Sha512) => &sig::RSA_PKCS1_SHA512,
                (Algorithm::RsaPss, Hash::Sha256) => &sig::RSA_PSS_SHA256,
                (Algorithm::RsaPss, Hash::Sha384) => &sig::RSA_PSS_SHA384,
                (Algorithm::RsaPss, Hash::Sha512) => &sig::RSA_PSS_SHA512,
                _ => return Err(not_supported(vm, "Signing RSA with SHA-1")),
            };
            let mut out = vec![0u8; pair.public().modulus_len()];
            pair.sign(padding, &rng, &data, &mut out)
                .map_err(|_| failed(vm, "RSA signing failed"))?;
            out
        }
        (Algorithm::Hmac, _) => unreachable!("an HMAC key is a secret"),
    };
    buffer(vm, &signature)
}

fn hmac_key(hash: Option<Hash>, secret: &[u8]) -> ring::hmac::Key {
    let alg = match hash {
        Some(Hash::Sha1) => ring::hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY,
        Some(Hash::Sha384) => ring::hmac::HMAC_SHA384,
        Some(Hash::Sha512) => ring::hmac::HMAC_SHA512,
        _ => ring::hmac::HMAC_SHA256,
    };
    ring::hmac::Key::new(alg, secret)
}

/// `verify(algorithm, key, signature, data)`: whether the signature is
/// the key's over the data (an HMAC tag compared in constant time).
pub fn verify(vm: &mut Vm, a: Args) -> Result<Value, Interrupt> {
    let (key, hash) = prepare(vm, a, "verify")?;
    let signature = bytes_arg(vm, arg(vm, a, 2), "The signature")?;
    let data = bytes_arg(vm, arg(vm, a, 3), "The data")?;
    let public = |m: &Material| -> Vec<u8> {
        match m {
            Material::Public(p) => p.clone(),
            Material::EcPrivate { point, .. } => point.clone(),
            Material::EdPrivate { public, .. } => public.clone(),
            _ => Vec::new(),
        }
    };
    let ok = match key.algorithm {
        Algorithm::Hmac => {
            let Material::Secret(s) = &key.material else {
                unreachable!("an HMAC key is a secret")
            };
            ring::hmac::verify(&hmac_key(hash, s), &data, &signature).is_ok()
        }
        Algorithm::Ecdsa => {
            let c = key.curve.expect("ECDSA has a curve");
            let alg: &dyn sig::VerificationAlgorithm = match (c, hash) {
                (Curve::P256, Some(Hash::Sha256)) => &sig::ECDSA_P256_SHA256_FIXED,
                (Curve::P384, Some(Hash::Sha384)) => &sig::ECDSA_P384_SHA384_FIXED,
                _ => {
                    let message = format!(
                        "Verifying {} with {}",
                        c.name(),
                        hash.map_or("no hash", Hash::name)
                    );
                    return Err(not_supported(vm, &message));
                }
            };
            sig::UnparsedPublicKey::new(alg, public(&key.material))
                .verify(&data, &signature)
                .is_ok()
        }
        Algorithm::Ed25519 => sig::UnparsedPublicKey::new(&sig::ED25519, public(&key.material))
            .verify(&data, &signature)
            .is_ok(),
        Algorithm::RsaPkcs1 | Algorithm::RsaPss => {
            let h = hash.expect("an RSA key has a hash");
            let params: &sig::RsaParameters = match (key.algorithm, h) {
                (Algorithm::RsaPkcs1, Hash::Sha1) => {
                    &sig::RSA_PKCS1_2048_8192_SHA1_FOR_LEGACY_USE_ONLY
                }
                (Algorithm::RsaPkcs1, Hash::Sha256) => &sig::RSA_PKCS1_2048_8192_SHA256,
                (Algorithm::RsaPkcs1, Hash::Sha384) => &sig::RSA_PKCS1_2048_8192_SHA384,
                (Algorithm::RsaPkcs1, Hash::Sha512) => &sig::RSA_PKCS1_2048_8192_SHA512,
                (Algorithm::RsaPss, Hash::Sha256) => &sig::RSA_PSS_2048_8192_SHA256,
                (Algorithm::RsaPss, Hash::Sha384) => &sig::RSA_PSS_2048_8192_SHA384,
                (Algorithm::RsaPss, Hash::Sha512) => &sig::RSA_PSS_2048_8192_SHA512,
                _ => return Err(not_supported(vm, "RSA-PSS with SHA-1")),
            };
            let (n, e) = super::key::rsa_public_parts(vm, &key.material)?;
            sig::RsaPublicKeyComponents { n, e }
                .verify(params, &data, &signature)
                .is_ok()
        }
    };
    Ok(Value::Bool(ok))
}
