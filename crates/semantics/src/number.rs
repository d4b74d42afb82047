//! Number semantics that JavaScript defines and Rust does not: printing
//! (shortest round-trip digits with JS exponent rules, via `zmij_ecma`), parsing
//! strings, `%`, `**` and the 32-bit integer conversions.

/// `Number.prototype.toString()` for radix 10.
pub fn to_js_string(n: f64) -> String {
    let mut s = String::new();
    write_number(n, &mut s);
    s
}

/// Appends the JS string form of `n`. Integers take a fast path; the rest go
/// through `zmij_ecma`, which implements the ECMAScript algorithm (and took
/// less than half the time `ryu-js` did in a `JSON.stringify` profile of
/// `--bench json`; a test below holds it to `ryu-js`'s output).
pub fn write_number(n: f64, out: &mut String) {
    with_number(n, |s| out.push_str(s))
}

/// Calls `f` with the JS string form of `n`, formatted on the stack.
#[inline]
pub fn with_number<R>(n: f64, f: impl FnOnce(&str) -> R) -> R {
    if n.abs() < 1e15 && (n as i64) as f64 == n {
        return f(itoa::Buffer::new().format(n as i64));
    }
    let mut b = zmij_ecma::Buffer::new();
    f(b.format(n))
}

/// `ToNumber` of a string: whitespace-trimmed decimal, hex/octal/binary
/// literals, `Infinity`; anything else is NaN; the empty string is 0.
pub fn parse_js_number(s: &str) -> f64 {
    let t = s.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    if t.is_empty() {
        return 0.0;
    }
    let radix = |digits: &str, r: u32| -> f64 {
        if digits.is_empty() {
            return f64::NAN;
        }
        let mut v = 0f64;
        for c in digits.chars() {
            match c.to_digit(r) {
                Some(d) => v = v * r as f64 + d as f64,
                None => return f64::NAN,
            }
        }
        v
    };
    let lower = t.get(..2).map(|p| p.to_ascii_lowercase());
    match lower.as_deref() {
        Some("0x") => return radix(&t[2..], 16),
        Some("0o") => return radix(&t[2..], 8),
        Some("0b") => return radix(&t[2..], 2),
        _ => {}
    }
    let (sign, body) = match t.as_bytes()[0] {
        b'-' => (-1.0, &t[1..]),
        b'+' => (1.0, &t[1..]),
        _ => (1.0, t),
    };
    if body == "Infinity" {
        return sign * f64::INFINITY;
    }
    if !body
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'))
        || body.starts_with(['e', 'E'])
    {
        return f64::NAN;
    }
    body.parse::<f64>().map(|v| sign * v).unwrap_or(f64::NAN)
}

/// JS `%`: the remainder takes the dividend's sign (as Rust's `%` on f64
/// does). Integral operands take an integer path: f64 `%` is a libm `fmod`
/// call (docs/ARCHITECTURE.md, *Measured choices*).
#[inline]
pub fn js_rem(a: f64, b: f64) -> f64 {
    // `f64::fract` is a libm `trunc` call on baseline x86-64; the int
    // round trip is two instructions.
    if a.abs() < 9e15
        && b.abs() < 9e15
        && b != 0.0
        && (a as i64) as f64 == a
        && (b as i64) as f64 == b
    {
        let r = (a as i64 % b as i64) as f64;
        return if r == 0.0 && a.is_sign_negative() {
            -0.0
        } else {
            r
        };
    }
    a % b
}

/// JS `**`: like `powf`, except that `1 ** ±Infinity` and `x ** NaN` are NaN.
pub fn js_pow(a: f64, b: f64) -> f64 {
    if b.is_nan() || (a.abs() == 1.0 && b.is_infinite()) {
        return f64::NAN;
    }
    a.powf(b)
}

/// `ToInt32`.
pub fn to_int32(n: f64) -> i32 {
    if !n.is_finite() {
        return 0;
    }
    if n.abs() < 2147483648.0 {
        return n as i32;
    }
    (n.trunc().rem_euclid(4294967296.0) as u64) as u32 as i32
}

/// `ToUint32`.
pub fn to_uint32(n: f64) -> u32 {
    to_int32(n) as u32
}

/// An array index if `n` is a non-negative integer below 2^32 - 1.
pub fn as_index(n: f64) -> Option<usize> {
    if n >= 0.0 && n < 4294967295.0 && (n as u32) as f64 == n {
        Some(n as usize)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_like_javascript() {
        for (n, s) in [
            (0.0, "0"),
            (-0.0, "0"),
            (1.5, "1.5"),
            (-42.0, "-42"),
            (0.1 + 0.2, "0.30000000000000004"),
            (1e21, "1e+21"),
            (1e-7, "1e-7"),
            (123456789012345680000.0, "123456789012345680000"),
            (f64::NAN, "NaN"),
            (f64::NEG_INFINITY, "-Infinity"),
            (2f64.powi(53), "9007199254740992"),
        ] {
            assert_eq!(to_js_string(n), s);
        }
    }

    /// `zmij_ecma` against `ryu-js` (both implement ECMAScript's
    /// Number::toString): random bit patterns, and random short decimals like
    /// the prices and scores APIs carry.
    #[test]
    fn prints_what_ryu_js_prints() {
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for i in 0..400_000 {
            let n = if i % 2 == 0 {
                f64::from_bits(next())
            } else {
                let scale = 10f64.powi((next() % 12) as i32);
                (next() % 10_000_000) as f64 / scale * if i % 4 == 1 { -1.0 } else { 1.0 }
            };
            let mut expected = ryu_js::Buffer::new();
            assert_eq!(
                with_number(n, |s| s.to_string()),
                expected.format(n),
                "bits {:#x}",
                n.to_bits()
            );
        }
    }

    #[test]
    fn parses_like_javascript() {
        assert_eq!(parse_js_number("  42 "), 42.0);
        assert_eq!(parse_js_number(""), 0.0);
        assert_eq!(parse_js_number("0x1f"), 31.0);
        assert_eq!(parse_js_number("-Infinity"), f64::NEG_INFINITY);
        assert!(parse_js_number("12px").is_nan());
        assert!(parse_js_number("inf").is_nan());
        assert_eq!(parse_js_number("1e3"), 1000.0);
        assert_eq!(parse_js_number(".5"), 0.5);
    }

    #[test]
    fn remainder_matches_fmod() {
        for (a, b) in [
            (7.0, 3.0),
            (-7.0, 3.0),
            (7.0, -3.0),
            (-4.0, 2.0),
            (5.5, 2.0),
            (1e300, 7.0),
            (3.0, 0.0),
            (0.0, 5.0),
        ] {
            let (x, y) = (js_rem(a, b), a % b);
            assert!(x == y || (x.is_nan() && y.is_nan()), "{a} % {b}");
            assert_eq!(x.is_sign_negative(), y.is_sign_negative(), "{a} % {b}");
        }
    }

    #[test]
    fn int32_wraps() {
        assert_eq!(to_int32(4294967296.0 + 5.0), 5);
        assert_eq!(to_int32(2147483648.0), -2147483648);
        assert_eq!(to_int32(-1.5), -1);
    }
}
