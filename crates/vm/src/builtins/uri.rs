//! `encodeURIComponent`, `encodeURI`, `decodeURIComponent`, `decodeURI`
//! (ECMA-262 §19.2.6): UTF-8 percent-encoding with the specification's
//! unescaped and reserved sets, and `URIError` for malformed input.

use super::{arg, method};
use crate::error::{ErrorKind, Interrupt};
use crate::state::{Args, Vm};
use crate::value::Value;

/// Left as they are by both encoders (`uriUnescaped`).
const UNESCAPED_MARKS: &[u8] = b"-_.!~*'()";

/// Also left by `encodeURI`, and kept encoded by `decodeURI` (`uriReserved` and `#`).
const RESERVED: &[u8] = b";/?:@&=+$,#";

pub fn install(vm: &mut Vm) {
    let g = vm.realm.global;
    method(vm, g, "encodeURIComponent", 1, |vm, _, a| {
        encode(vm, a, b"")
    });
    method(vm, g, "encodeURI", 1, |vm, _, a| encode(vm, a, RESERVED));
    method(vm, g, "decodeURIComponent", 1, |vm, _, a| {
        decode(vm, a, b"")
    });
    method(vm, g, "decodeURI", 1, |vm, _, a| decode(vm, a, RESERVED));
}

fn encode(vm: &mut Vm, a: Args, also_unescaped: &[u8]) -> Result<Value, Interrupt> {
    let mut text = String::new();
    vm.write_string(arg(vm, a, 0), &mut text)?;
    let encoded = encode_str(&text, also_unescaped);
    Ok(vm.heap.alloc_str(&encoded)?)
}

/// Percent-encodes every UTF-8 byte of `text` outside the unescaped set.
pub fn encode_str(text: &str, also_unescaped: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(text.len());
    for &b in text.as_bytes() {
        if b.is_ascii_alphanumeric() || UNESCAPED_MARKS.contains(&b) || also_unescaped.contains(&b)
        {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 15) as usize] as char);
        }
    }
    out
}

fn decode(vm: &mut Vm, a: Args, kept: &[u8]) -> Result<Value, Interrupt> {
    let mut text = String::new();
    vm.write_string(arg(vm, a, 0), &mut text)?;
    match decode_str(&text, kept) {
        Ok(decoded) => Ok(vm.heap.alloc_str(&decoded)?),
        Err(why) => Err(Interrupt::error(ErrorKind::URIError, why.to_string())),
    }
}

/// Decodes `%XX` sequences as UTF-8; an escape that decodes to one of
/// `kept` (ASCII) stays as written.
pub fn decode_str(text: &str, kept: &[u8]) -> Result<String, &'static str> {
    let bytes = text.as_bytes();
    let hex = |i: usize| -> Result<u8, &'static str> {
        let pair = bytes.get(i + 1..i + 3).ok_or("URI malformed")?;
        let d = |c: u8| (c as char).to_digit(16).ok_or("URI malformed");
        Ok((d(pair[0])? * 16 + d(pair[1])?) as u8)
    };
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'%' {
            out.push(bytes[i]);
            i += 1;
            continue;
        }
        let first = hex(i)?;
        if first < 0x80 {
            if kept.contains(&first) {
                out.extend_from_slice(&bytes[i..i + 3]);
            } else {
                out.push(first);
            }
            i += 3;
            continue;
        }
        // A multi-byte sequence: every byte must be escaped and together
        // they must be one valid UTF-8 character (no surrogates, no
        // overlong forms: what `str::from_utf8` refuses).
        let len = match first {
            0xc2..=0xdf => 2,
            0xe0..=0xef => 3,
            0xf0..=0xf4 => 4,
            _ => return Err("URI malformed"),
        };
        let mut char_bytes = [first, 0, 0, 0];
        for (k, slot) in char_bytes.iter_mut().enumerate().take(len).skip(1) {
            let at = i + 3 * k;
            if bytes.get(at) != Some(&b'%') {
                return Err("URI malformed");
            }
            *slot = hex(at)?;
        }
        std::str::from_utf8(&char_bytes[..len]).map_err(|_| "URI malformed")?;
        out.extend_from_slice(&char_bytes[..len]);
        i += 3 * len;
    }
    String::from_utf8(out).map_err(|_| "URI malformed")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refusals() {
        let id = "../../admin?x=1&y=é #";
        let enc = encode_str(id, b"");
        assert_eq!(enc, "..%2F..%2Fadmin%3Fx%3D1%26y%3D%C3%A9%20%23");
        assert_eq!(decode_str(&enc, b"").unwrap(), id);
        assert_eq!(encode_str("/a b?c#d", RESERVED), "/a%20b?c#d");
        assert_eq!(decode_str("%2F%20%23", RESERVED).unwrap(), "%2F %23");
        for bad in [
            "%",
            "%2",
            "%zz",
            "%C3",
            "%C3%28",
            "%ED%A0%80",
            "%C0%AF",
            "%F8%80%80%80",
        ] {
            assert!(decode_str(bad, b"").is_err(), "{bad}");
        }
    }
}
