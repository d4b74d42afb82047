//! Global functions and values: `console`, number parsing, `Math`,
//! `Number`, `Boolean` and the Error constructors.

use super::{arg, constructor, method, plain, set, set_constant};
use crate::error::{ErrorKind, Interrupt};
use crate::heap::Class;
use crate::inspect::inspect;
use crate::number::write_number;
use crate::state::{Args, Vm};
use crate::value::Value;

pub fn install(vm: &mut Vm) {
    let g = vm.realm.global;
    let console = plain(vm, Some(vm.realm.object_proto));
    for name in ["log", "info", "warn", "error", "debug"] {
        method(vm, console, name, 0, console_log);
    }
    set(vm, g, "console", Value::Obj(console));
    method(vm, g, "parseInt", 2, parse_int);
    method(vm, g, "parseFloat", 1, parse_float);
    method(vm, g, "isNaN", 1, |vm, _, a| {
        Ok(Value::Bool(vm.to_number(arg(vm, a, 0))?.is_nan()))
    });
    method(vm, g, "isFinite", 1, |vm, _, a| {
        Ok(Value::Bool(vm.to_number(arg(vm, a, 0))?.is_finite()))
    });
    set_constant(vm, g, "NaN", Value::Num(f64::NAN));
    set_constant(vm, g, "Infinity", Value::Num(f64::INFINITY));
    set_constant(vm, g, "undefined", Value::Undefined);
    set(vm, g, "globalThis", Value::Obj(g));
    // `self`, as in Workers and browsers: what libraries look for to find
    // the global object.
    set(vm, g, "self", Value::Obj(g));

    // Errors
    let ctors: [(
        &'static str,
        fn(&mut Vm, Value, Args) -> Result<Value, Interrupt>,
    ); 8] = [
        ("Error", error_ctor::<0>),
        ("TypeError", error_ctor::<1>),
        ("RangeError", error_ctor::<2>),
        ("ReferenceError", error_ctor::<3>),
        ("SyntaxError", error_ctor::<4>),
        ("URIError", error_ctor::<5>),
        ("EvalError", error_ctor::<6>),
        ("AggregateError", error_ctor::<7>),
    ];
    let mut error = None;
    for (i, (name, f)) in ctors.into_iter().enumerate() {
        let proto = vm.realm.error_protos[i];
        let arity = if i == 7 { 2 } else { 1 };
        let c = constructor(vm, name, arity, f, proto);
        // The native errors' constructors inherit from Error.
        match error {
            None => error = Some(c),
            Some(e) => vm.heap.obj_mut(c).proto = Some(e),
        }
        let n = vm.heap.intern(name);
        set(vm, proto, "name", Value::Atom(n));
        let empty = vm.atoms.empty;
        set(vm, proto, "message", Value::Atom(empty));
    }
    let ep = vm.realm.error_protos[0];
    method(vm, ep, "toString", 0, error_to_string);

    // Number and Boolean
    let np = vm.realm.number_proto;
    let number = constructor(
        vm,
        "Number",
        1,
        |vm, this, a| {
            let constructing = vm.constructing;
            let n = Value::Num(if a.len == 0 {
                0.0
            } else {
                vm.to_number(arg(vm, a, 0))?
            });
            if constructing {
                return vm.make_wrapper(this, n);
            }
            Ok(n)
        },
        np,
    );
    set_constant(
        vm,
        number,
        "MAX_SAFE_INTEGER",
        Value::Num(9007199254740991.0),
    );
    set_constant(
        vm,
        number,
        "MIN_SAFE_INTEGER",
        Value::Num(-9007199254740991.0),
    );
    set_constant(vm, number, "EPSILON", Value::Num(f64::EPSILON));
    set_constant(vm, number, "MAX_VALUE", Value::Num(f64::MAX));
    set_constant(vm, number, "MIN_VALUE", Value::Num(5e-324));
    set_constant(vm, number, "POSITIVE_INFINITY", Value::Num(f64::INFINITY));
    set_constant(
        vm,
        number,
        "NEGATIVE_INFINITY",
        Value::Num(f64::NEG_INFINITY),
    );
    set_constant(vm, number, "NaN", Value::Num(f64::NAN));
    method(vm, number, "isInteger", 1, |vm, _, a| {
        Ok(Value::Bool(
            matches!(arg(vm, a, 0), Value::Num(n) if n.is_finite() && n.fract() == 0.0),
        ))
    });
    method(vm, number, "isSafeInteger", 1, |vm, _, a| {
        Ok(Value::Bool(
            matches!(arg(vm, a, 0), Value::Num(n) if n.fract() == 0.0 && n.abs() <= 9007199254740991.0),
        ))
    });
    method(vm, number, "isFinite", 1, |vm, _, a| {
        Ok(Value::Bool(
            matches!(arg(vm, a, 0), Value::Num(n) if n.is_finite()),
        ))
    });
    method(vm, number, "isNaN", 1, |vm, _, a| {
        Ok(Value::Bool(
            matches!(arg(vm, a, 0), Value::Num(n) if n.is_nan()),
        ))
    });
    method(vm, number, "parseFloat", 1, parse_float);
    method(vm, number, "parseInt", 2, parse_int);
    method(vm, np, "toString", 1, number_to_string);
    // No Intl: the root locale's form is the plain one.
    method(vm, np, "toLocaleString", 0, number_to_string);
    method(vm, np, "toFixed", 1, to_fixed);
    method(vm, np, "toPrecision", 1, to_precision);
    method(vm, np, "toExponential", 1, to_exponential);
    let bp = vm.realm.boolean_proto;
    constructor(
        vm,
        "Boolean",
        1,
        |vm, this, a| {
            let b = Value::Bool(vm.truthy(arg(vm, a, 0)));
            if vm.constructing {
                return vm.make_wrapper(this, b);
            }
            Ok(b)
        },
        bp,
    );
    method(vm, bp, "toString", 0, |vm, this, _| {
        let b = this_boolean(vm, this, "toString")?;
        vm.to_string_value(b)
    });
    method(vm, bp, "valueOf", 0, |vm, this, _| {
        this_boolean(vm, this, "valueOf")
    });
    method(vm, np, "valueOf", 0, |vm, this, _| {
        Ok(Value::Num(this_number(vm, this)?))
    });

    // Math
    let math = plain(vm, Some(vm.realm.object_proto));
    set(vm, g, "Math", Value::Obj(math));
    for (name, v) in [
        ("PI", std::f64::consts::PI),
        ("E", std::f64::consts::E),
        ("LN2", std::f64::consts::LN_2),
        ("LN10", std::f64::consts::LN_10),
        ("LOG2E", std::f64::consts::LOG2_E),
        ("LOG10E", std::f64::consts::LOG10_E),
        ("SQRT2", std::f64::consts::SQRT_2),
        ("SQRT1_2", std::f64::consts::FRAC_1_SQRT_2),
    ] {
        set_constant(vm, math, name, Value::Num(v));
    }
    macro_rules! math1 {
        ($($name:literal => $f:expr),* $(,)?) => {$(
            method(vm, math, $name, 1, |vm, _, a| {
                let x = vm.to_number(arg(vm, a, 0))?;
                let f: fn(f64) -> f64 = $f;
                Ok(Value::Num(f(x)))
            });
        )*};
    }
    math1! {
        "abs" => f64::abs, "floor" => f64::floor, "ceil" => f64::ceil, "trunc" => f64::trunc,
        "sqrt" => f64::sqrt, "cbrt" => f64::cbrt, "exp" => f64::exp, "expm1" => f64::exp_m1,
        "log" => f64::ln, "log2" => f64::log2, "log10" => f64::log10, "log1p" => f64::ln_1p,
        "sin" => f64::sin, "cos" => f64::cos, "tan" => f64::tan, "asin" => f64::asin,
        "acos" => f64::acos, "atan" => f64::atan, "sinh" => f64::sinh, "cosh" => f64::cosh,
        "tanh" => f64::tanh, "asinh" => f64::asinh, "acosh" => f64::acosh, "atanh" => f64::atanh,
        "fround" => |x| x as f32 as f64,
        "sign" => |x| if x.is_nan() || x == 0.0 { x } else { x.signum() },
        "round" => |x| {
            if x.fract() == 0.0 || !x.is_finite() {
                return x;
            }
            // floor(x + 0.5) is wrong for 0.49999999999999994 (the sum rounds up).
            let f = x.floor();
            let r = if x - f >= 0.5 { f + 1.0 } else { f };
            if r == 0.0 && x < 0.0 { -0.0 } else { r }
        },
    }
    method(vm, math, "clz32", 1, |vm, _, a| {
        let x = crate::number::to_uint32(vm.to_number(arg(vm, a, 0))?);
        Ok(Value::Num(x.leading_zeros() as f64))
    });
    method(vm, math, "imul", 2, |vm, _, a| {
        let x = crate::number::to_int32(vm.to_number(arg(vm, a, 0))?);
        let y = crate::number::to_int32(vm.to_number(arg(vm, a, 1))?);
        Ok(Value::Num(x.wrapping_mul(y) as f64))
    });
    method(vm, math, "pow", 2, |vm, _, a| {
        let x = vm.to_number(arg(vm, a, 0))?;
        let y = vm.to_number(arg(vm, a, 1))?;
        Ok(Value::Num(crate::number::js_pow(x, y)))
    });
    method(vm, math, "atan2", 2, |vm, _, a| {
        let y = vm.to_number(arg(vm, a, 0))?;
        let x = vm.to_number(arg(vm, a, 1))?;
        Ok(Value::Num(y.atan2(x)))
    });
    method(vm, math, "max", 2, |vm, _, a| min_max(vm, a, true));
    method(vm, math, "min", 2, |vm, _, a| min_max(vm, a, false));
    method(vm, math, "hypot", 2, |vm, _, a| {
        let mut s = 0.0;
        for i in 0..a.len {
            let x = vm.to_number(arg(vm, a, i))?;
            s += x * x;
        }
        Ok(Value::Num(s.sqrt()))
    });
    method(vm, math, "random", 0, |vm, _, _| {
        // xorshift64*: fast and good enough for non-cryptographic use.
        let mut x = vm.rng;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        vm.rng = x;
        Ok(Value::Num(
            (x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64,
        ))
    });
}

pub(crate) fn console_log(vm: &mut Vm, _: Value, a: Args) -> Result<Value, Interrupt> {
    let mut line = String::new();
    for i in 0..a.len {
        if i > 0 {
            line.push(' ');
        }
        let v = arg(vm, a, i);
        line.push_str(&inspect(vm, v));
    }
    line.push('\n');
    vm.print(&line);
    Ok(Value::Undefined)
}

/// `Error(message, options)` and the native errors; `AggregateError`
/// takes its errors first.
fn error_ctor<const K: usize>(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let kind = ErrorKind::ALL[K];
    // What `new` made carries the prototype a subclass asked for.
    let proto = match this {
        Value::Obj(o) if vm.constructing && vm.heap.obj(o).class == Class::Object => {
            vm.heap.obj(o).proto
        }
        _ => None,
    };
    let first = if kind == ErrorKind::AggregateError {
        1
    } else {
        0
    };
    let msg = arg(vm, a, first);
    let text = if matches!(msg, Value::Undefined) {
        String::new()
    } else {
        let mut s = String::new();
        vm.write_string(msg, &mut s)?;
        s
    };
    let e = vm.make_error(kind, &text);
    if matches!(msg, Value::Undefined) {
        let m = vm.atoms.message;
        let o = e.as_obj().unwrap();
        let e = vm.heap.obj_mut(o);
        if let Some(i) = e.find(m) {
            e.remove_prop(i);
        }
    }
    let eo = e.as_obj().unwrap();
    if let Some(p) = proto {
        vm.heap.obj_mut(eo).proto = Some(p);
    }
    let hidden = crate::attrs::HIDDEN;
    if let opts @ Value::Obj(_) = arg(vm, a, first + 1) {
        let cause = vm.atoms.cause;
        if vm.has_property(opts, Value::Atom(cause))? {
            let c = vm.get_field(opts, cause)?;
            vm.define_with(eo, cause, c, hidden)?;
        }
    }
    if kind == ErrorKind::AggregateError {
        let errors = super::array::collect_from(vm, arg(vm, a, 0))?;
        let key = vm.heap.intern("errors");
        vm.define_with(eo, key, Value::Obj(errors), hidden)?;
    }
    Ok(e)
}

fn parse_float(vm: &mut Vm, _: Value, a: Args) -> Result<Value, Interrupt> {
    let s = vm.to_string_value(arg(vm, a, 0))?;
    let t = vm.heap.str(s).unwrap().trim_start();
    // The longest prefix that is a decimal literal.
    let b = t.as_bytes();
    let mut end = 0;
    let mut i = 0;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        i += 1;
    }
    if t[i..].starts_with("Infinity") {
        return Ok(Value::Num(if b.first() == Some(&b'-') {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        }));
    }
    let mut digits = false;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
        digits = true;
        end = i;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
            digits = true;
            end = i;
        }
    }
    if digits && i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        let mut j = i + 1;
        if j < b.len() && (b[j] == b'+' || b[j] == b'-') {
            j += 1;
        }
        if j < b.len() && b[j].is_ascii_digit() {
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
            end = j;
        }
    }
    if !digits {
        return Ok(Value::Num(f64::NAN));
    }
    Ok(Value::Num(t[..end].parse().unwrap_or(f64::NAN)))
}

fn parse_int(vm: &mut Vm, _: Value, a: Args) -> Result<Value, Interrupt> {
    let s = vm.to_string_value(arg(vm, a, 0))?;
    let radix = vm.to_number(arg(vm, a, 1))?;
    let t = vm.heap.str(s).unwrap().trim();
    let (neg, mut t) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let mut r = if radix.is_nan() || radix == 0.0 {
        10
    } else {
        radix as u32
    };
    if (r == 16 || radix.is_nan() || radix == 0.0) && (t.starts_with("0x") || t.starts_with("0X")) {
        t = &t[2..];
        r = 16;
    }
    if !(2..=36).contains(&r) {
        return Ok(Value::Num(f64::NAN));
    }
    let mut v = 0f64;
    let mut any = false;
    for c in t.chars() {
        match c.to_digit(r) {
            Some(d) => {
                v = v * r as f64 + d as f64;
                any = true;
            }
            None => break,
        }
    }
    Ok(Value::Num(if !any {
        f64::NAN
    } else if neg {
        -v
    } else {
        v
    }))
}

/// thisBooleanValue: a boolean or its wrapper's.
fn this_boolean(vm: &Vm, this: Value, method: &str) -> Result<Value, Interrupt> {
    match vm.unwrap_primitive(this) {
        b @ Value::Bool(_) => Ok(b),
        _ => Err(vm.type_error(format!(
            "Boolean.prototype.{method} requires that 'this' be a Boolean"
        ))),
    }
}

/// thisNumberValue: a number or its wrapper's.
fn this_number(vm: &Vm, this: Value) -> Result<f64, Interrupt> {
    match vm.unwrap_primitive(this) {
        Value::Num(n) => Ok(n),
        _ => Err(vm.type_error("Number.prototype method called on a non-number")),
    }
}

fn number_to_string(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let n = this_number(vm, this)?;
    let radix = match arg(vm, a, 0) {
        Value::Undefined => 10,
        r => vm.to_number(r)? as u32,
    };
    if !(2..=36).contains(&radix) {
        return Err(Interrupt::error(
            ErrorKind::RangeError,
            "toString() radix must be between 2 and 36",
        ));
    }
    let mut s = String::new();
    if radix == 10 || !n.is_finite() {
        write_number(n, &mut s);
    } else {
        if n < 0.0 {
            s.push('-');
        }
        let x = n.abs();
        let (mut int, mut frac) = (x.trunc(), x.fract());
        let mut digits = Vec::new();
        loop {
            digits.push(std::char::from_digit((int % radix as f64) as u32, radix).unwrap());
            int = (int / radix as f64).trunc();
            if int < 1.0 {
                break;
            }
        }
        s.extend(digits.iter().rev());
        if frac > 0.0 {
            s.push('.');
            for _ in 0..52 {
                frac *= radix as f64;
                s.push(std::char::from_digit(frac.trunc() as u32, radix).unwrap());
                frac = frac.fract();
                if frac == 0.0 {
                    break;
                }
            }
        }
    }
    Ok(vm.heap.alloc_str(&s)?)
}

fn to_fixed(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let n = this_number(vm, this)?;
    let d = vm.to_number(arg(vm, a, 0))?;
    let d = if d.is_nan() { 0.0 } else { d.trunc() };
    if !(0.0..=100.0).contains(&d) {
        return Err(Interrupt::error(
            ErrorKind::RangeError,
            "toFixed() digits argument must be between 0 and 100",
        ));
    }
    let s = if !n.is_finite() || n.abs() >= 1e21 {
        crate::number::to_js_string(n)
    } else {
        fixed(n, d as usize)
    };
    Ok(vm.heap.alloc_str(&s)?)
}

/// `x.toFixed(digits)`: like `{:.digits}`, but a tie rounds up as
/// JavaScript does (`(0.5).toFixed(0)` is "1"; Rust rounds ties to even).
fn fixed(x: f64, digits: usize) -> String {
    const EXTRA: usize = 30;
    let wide = format!("{:.*}", digits + EXTRA, x.abs());
    let (head, tail) = wide.split_at(wide.len() - EXTRA);
    let mut out: Vec<u8> = head.trim_end_matches('.').bytes().collect();
    if tail.as_bytes()[0] >= b'5' {
        let mut i = out.len();
        loop {
            if i == 0 {
                out.insert(0, b'1');
                break;
            }
            i -= 1;
            match out[i] {
                b'.' => continue,
                b'9' => out[i] = b'0',
                d => {
                    out[i] = d + 1;
                    break;
                }
            }
        }
    }
    let s = String::from_utf8(out).expect("digits are ASCII");
    if x < 0.0 && s.bytes().any(|b| (b'1'..=b'9').contains(&b)) {
        format!("-{s}")
    } else {
        s
    }
}

/// `x.toExponential(digits)`: one digit, the point, `digits` more (as many
/// as needed without them), `e`, the exponent with its sign.
fn to_exponential(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let n = this_number(vm, this)?;
    let digits = arg(vm, a, 0);
    let d = vm.to_number(digits)?;
    let d = if d.is_nan() { 0.0 } else { d.trunc() };
    if !n.is_finite() {
        return Ok(vm.heap.alloc_str(&crate::number::to_js_string(n))?);
    }
    if !(0.0..=100.0).contains(&d) {
        return Err(Interrupt::error(
            ErrorKind::RangeError,
            "toExponential() argument must be between 0 and 100",
        ));
    }
    let (mantissa, exp) = if matches!(digits, Value::Undefined) {
        // The shortest digits that read back as `n` (Rust's `{:e}`).
        let short = format!("{:e}", n.abs());
        let (m, e) = short.split_once('e').expect("`{:e}` writes an exponent");
        (m.to_string(), e.parse::<i32>().expect("a decimal exponent"))
    } else {
        exponential_digits(n.abs(), d as usize)
    };
    let sign = if n < 0.0 { "-" } else { "" };
    let exp_sign = if exp < 0 { "-" } else { "+" };
    let s = format!("{sign}{mantissa}e{exp_sign}{}", exp.abs());
    Ok(vm.heap.alloc_str(&s)?)
}

/// `x` (not negative) as `d.ddd` with `digits` decimals and its exponent,
/// a tie rounding up as JavaScript does (Rust's `{:.*e}` rounds it to even).
fn exponential_digits(x: f64, digits: usize) -> (String, i32) {
    if x == 0.0 {
        let zeros = "0".repeat(digits);
        return (
            if digits == 0 {
                "0".into()
            } else {
                format!("0.{zeros}")
            },
            0,
        );
    }
    const EXTRA: usize = 30;
    let wide = format!("{:.*e}", digits + EXTRA, x);
    let (m, e) = wide.split_once('e').expect("`{:e}` writes an exponent");
    let mut exp: i32 = e.parse().expect("a decimal exponent");
    let all: Vec<u8> = m.bytes().filter(|&b| b != b'.').collect();
    let (keep, rest) = all.split_at(1 + digits);
    let mut keep = keep.to_vec();
    if rest[0] >= b'5' {
        let mut i = keep.len();
        loop {
            if i == 0 {
                // 9.99… rounded up: 1.00…, one power of ten more.
                keep.insert(0, b'1');
                keep.pop();
                exp += 1;
                break;
            }
            i -= 1;
            if keep[i] == b'9' {
                keep[i] = b'0';
            } else {
                keep[i] += 1;
                break;
            }
        }
    }
    let text = String::from_utf8(keep).expect("digits are ASCII");
    let mantissa = if digits == 0 {
        text
    } else {
        format!("{}.{}", &text[..1], &text[1..])
    };
    (mantissa, exp)
}

fn to_precision(vm: &mut Vm, this: Value, a: Args) -> Result<Value, Interrupt> {
    let n = this_number(vm, this)?;
    if matches!(arg(vm, a, 0), Value::Undefined) || !n.is_finite() {
        return Ok(vm.heap.alloc_str(&crate::number::to_js_string(n))?);
    }
    let p = vm.to_number(arg(vm, a, 0))?.trunc();
    if !(1.0..=100.0).contains(&p) {
        return Err(Interrupt::error(
            ErrorKind::RangeError,
            "toPrecision() argument must be between 1 and 100",
        ));
    }
    let p = p as usize;
    let s = if n == 0.0 {
        if p > 1 {
            format!("0.{}", "0".repeat(p - 1))
        } else {
            "0".to_string()
        }
    } else {
        // p significant digits and the exponent after rounding them (a
        // tie up, as JavaScript rounds it).
        let (mantissa, e) = exponential_digits(n.abs(), p - 1);
        let sign = if n < 0.0 { "-" } else { "" };
        if e < -6 || e >= p as i32 {
            let exp_sign = if e < 0 { "-" } else { "+" };
            format!("{sign}{mantissa}e{exp_sign}{}", e.abs())
        } else {
            let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
            if e < 0 {
                format!("{sign}0.{}{digits}", "0".repeat((-e - 1) as usize))
            } else {
                let point = e as usize + 1;
                if point >= digits.len() {
                    format!("{sign}{digits}")
                } else {
                    format!("{sign}{}.{}", &digits[..point], &digits[point..])
                }
            }
        }
    };
    Ok(vm.heap.alloc_str(&s)?)
}

fn min_max(vm: &mut Vm, a: Args, max: bool) -> Result<Value, Interrupt> {
    let mut r = if max {
        f64::NEG_INFINITY
    } else {
        f64::INFINITY
    };
    // Every argument is converted, NaN or not.
    let mut nan = false;
    for i in 0..a.len {
        let x = vm.to_number(arg(vm, a, i))?;
        if x.is_nan() {
            nan = true;
            continue;
        }
        if (max && (x > r || (x == 0.0 && r == 0.0 && !x.is_sign_negative())))
            || (!max && (x < r || (x == 0.0 && r == 0.0 && x.is_sign_negative())))
        {
            r = x;
        }
    }
    Ok(Value::Num(if nan { f64::NAN } else { r }))
}

/// `Error.prototype.toString`: `name: message`, either part left out
/// when empty.
fn error_to_string(vm: &mut Vm, this: Value, _: Args) -> Result<Value, Interrupt> {
    if !matches!(this, Value::Obj(_)) {
        return Err(vm.type_error("Error.prototype.toString requires that 'this' be an Object"));
    }
    let mut out = String::new();
    let name = vm.get_field(this, vm.atoms.name)?;
    match name {
        Value::Undefined => out.push_str("Error"),
        n => vm.write_string(n, &mut out)?,
    }
    let mut message = String::new();
    match vm.get_field(this, vm.atoms.message)? {
        Value::Undefined => {}
        m => vm.write_string(m, &mut message)?,
    }
    if !out.is_empty() && !message.is_empty() {
        out.push_str(": ");
    }
    out.push_str(&message);
    Ok(vm.heap.alloc_str(&out)?)
}
