//! `btoa` and `atob` (HTML's "forgiving-base64"): between a string of
//! code points up to U+00FF, one per byte, and its base64 text. The
//! codec is the `base64` crate's; a character outside the alphabet (or
//! past U+00FF for `btoa`) is an `InvalidCharacterError`.

use super::{dom_exception, to_rust_string};
use crate::builtins::{arg, method};
use crate::error::Interrupt;
use crate::state::{Args, Vm};
use crate::value::Value;
use base64::Engine;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

/// Standard alphabet; padding optional when decoding and leftover bits
/// ignored, as forgiving-base64 is.
const FORGIVING: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

pub fn install(vm: &mut Vm) {
    let g = vm.realm.global;
    method(vm, g, "btoa", 1, btoa);
    method(vm, g, "atob", 1, atob);
}

fn btoa(vm: &mut Vm, _: Value, a: Args) -> Result<Value, Interrupt> {
    let text = required_text(vm, a, "btoa")?;
    let mut bytes = Vec::with_capacity(text.len());
    for c in text.chars() {
        match u8::try_from(c as u32) {
            Ok(b) => bytes.push(b),
            Err(_) => return Err(invalid(vm, "Invalid character")),
        }
    }
    Ok(vm.heap.alloc_str(&FORGIVING.encode(bytes))?)
}

fn atob(vm: &mut Vm, _: Value, a: Args) -> Result<Value, Interrupt> {
    let text = required_text(vm, a, "atob")?;
    match forgiving_decode(&text) {
        Some(bytes) => {
            let latin1: String = bytes.iter().map(|&b| b as char).collect();
            Ok(vm.heap.alloc_str(&latin1)?)
        }
        None => Err(invalid(
            vm,
            "The string to be decoded is not correctly encoded.",
        )),
    }
}

/// Forgiving-base64 decode: ASCII whitespace is dropped, then the length
/// decides whether up to two `=` may end it; `None` where the text is
/// not base64.
pub(crate) fn forgiving_decode(text: &str) -> Option<Vec<u8>> {
    let mut data: Vec<u8> = text
        .bytes()
        .filter(|b| !matches!(b, b'\t' | b'\n' | b'\x0C' | b'\r' | b' '))
        .collect();
    if data.len() % 4 == 0 {
        for _ in 0..2 {
            if data.last() == Some(&b'=') {
                data.pop();
            }
        }
    }
    if data.len() % 4 == 1
        || data
            .iter()
            .any(|&b| !(b.is_ascii_alphanumeric() || b == b'+' || b == b'/'))
    {
        return None;
    }
    FORGIVING.decode(&data).ok()
}

/// The first argument as text; calling with none is a TypeError.
fn required_text(vm: &mut Vm, a: Args, name: &str) -> Result<String, Interrupt> {
    if a.len == 0 {
        return Err(vm.type_error(format!("{name} requires 1 argument")));
    }
    to_rust_string(vm, arg(vm, a, 0))
}

fn invalid(vm: &mut Vm, message: &str) -> Interrupt {
    Interrupt::Throw(dom_exception(vm, "InvalidCharacterError", message))
}
