//! JSON string literals: the escape scan and the short-copy appends that the
//! response writer, `JSON.stringify` and the JSON log lines share.

/// Index of the first byte that needs escaping, if any. Eight bytes at a
/// time (SWAR) rather than byte by byte (docs/ARCHITECTURE.md, *Measured
/// choices*).
pub fn find_escape(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let has_zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
    let mut i = 0;
    while i + 8 <= bytes.len() {
        let x = u64::from_le_bytes(bytes[i..i + 8].try_into().unwrap());
        let control = x.wrapping_sub(ONES * 0x20) & !x & HIGH;
        if control | has_zero(x ^ (ONES * b'"' as u64)) | has_zero(x ^ (ONES * b'\\' as u64)) != 0 {
            break;
        }
        i += 8;
    }
    bytes[i..]
        .iter()
        .position(|&b| NEEDS_ESCAPE[b as usize])
        .map(|p| p + i)
}

/// Which bytes need escaping inside a JSON string (control characters, `"`, `\`).
const NEEDS_ESCAPE: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = true;
        i += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t
};

/// Copies `bytes` to `dst`. API data is short keys and values, too short
/// for a `memcpy` call to pay: up to 16 bytes are moved with two
/// overlapping loads and stores instead (docs/ARCHITECTURE.md, *Measured
/// choices*).
///
/// # Safety
/// `dst` must be valid for `bytes.len()` bytes of writes.
#[inline(always)]
unsafe fn copy_short(bytes: &[u8], dst: *mut u8) {
    let (n, src) = (bytes.len(), bytes.as_ptr());
    // SAFETY: every load stays inside `bytes` (the halves overlap when the
    // length is not a power of two) and every store inside `dst[..n]`.
    unsafe {
        if (8..=16).contains(&n) {
            let head = src.cast::<u64>().read_unaligned();
            let tail = src.add(n - 8).cast::<u64>().read_unaligned();
            dst.cast::<u64>().write_unaligned(head);
            dst.add(n - 8).cast::<u64>().write_unaligned(tail);
        } else if (4..8).contains(&n) {
            let head = src.cast::<u32>().read_unaligned();
            let tail = src.add(n - 4).cast::<u32>().read_unaligned();
            dst.cast::<u32>().write_unaligned(head);
            dst.add(n - 4).cast::<u32>().write_unaligned(tail);
        } else if n < 4 {
            for i in 0..n {
                dst.add(i).write(*src.add(i));
            }
        } else {
            std::ptr::copy_nonoverlapping(src, dst, n);
        }
    }
}

/// Appends `bytes` (see `copy_short`).
#[inline(always)]
pub fn append(out: &mut Vec<u8>, bytes: &[u8]) {
    out.reserve(bytes.len());
    // SAFETY: `reserve` made room for `bytes.len()` bytes past `len`.
    unsafe {
        copy_short(bytes, out.as_mut_ptr().add(out.len()));
        out.set_len(out.len() + bytes.len());
    }
}

/// Appends `"`, `bytes` and the first `after_len` bytes of `after` (`"` of
/// a string, `":` of a key) with one `reserve`.
#[inline(always)]
pub fn append_quoted(out: &mut Vec<u8>, bytes: &[u8], after: &[u8; 2], after_len: usize) {
    let n = bytes.len();
    out.reserve(n + 3);
    // SAFETY: `reserve` made room for `1 + n + 2` bytes past `len`;
    // `set_len` covers only the bytes written.
    unsafe {
        let dst = out.as_mut_ptr().add(out.len());
        dst.write(b'"');
        copy_short(bytes, dst.add(1));
        dst.add(1 + n).cast::<[u8; 2]>().write_unaligned(*after);
        out.set_len(out.len() + 1 + n + after_len);
    }
}

/// Appends `s` as a JSON string literal.
pub fn write_quoted(s: &str, out: &mut Vec<u8>) {
    let mut rest = s.as_bytes();
    let Some(mut i) = find_escape(rest) else {
        return append_quoted(out, rest, b"\"\0", 1);
    };
    out.push(b'"');
    loop {
        out.extend_from_slice(&rest[..i]);
        let b = rest[i];
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0c => out.extend_from_slice(b"\\f"),
            _ => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(&[
                    b'\\',
                    b'u',
                    b'0',
                    b'0',
                    HEX[(b >> 4) as usize],
                    HEX[(b & 15) as usize],
                ]);
            }
        }
        rest = &rest[i + 1..];
        match find_escape(rest) {
            Some(next) => i = next,
            None => break,
        }
    }
    out.extend_from_slice(rest);
    out.push(b'"');
}
