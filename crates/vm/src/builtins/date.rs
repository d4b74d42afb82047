//! `Date` (always UTC: Kitwork has no local time zone), `Date.now()`, ISO-8601
//! parsing and printing, and the Kitwork `now()` with `.text()` / `.unix()`.

use super::{arg, constructor, method};
use crate::error::{ErrorKind, Interrupt};
use crate::heap::{Class, SLOT_COST};
use crate::state::{Args, Vm};
use crate::value::Value;
use semantics::date::{
    MS_PER_DAY, TIME_MAX, civil, days_from_civil, iso_string, long_form, now_ms, parse,
};

pub fn install(vm: &mut Vm) {
    let dp = vm
        .heap
        .alloc(Class::Object, Some(vm.realm.object_proto))
        .expect("built-ins fit the budget");
    vm.realm.date_proto = dp;
    let date = constructor(vm, "Date", 7, date_ctor, dp);
    method(vm, date, "now", 0, |_, _, _| Ok(Value::Num(now_ms())));
    method(vm, date, "UTC", 7, |vm, _, a| {
        Ok(Value::Num(from_fields(vm, a)?))
    });
    method(vm, date, "parse", 1, |vm, _, a| {
        let s = vm.to_string_value(arg(vm, a, 0))?;
        Ok(Value::Num(
            parse(vm.heap.str(s).unwrap()).unwrap_or(f64::NAN),
        ))
    });
    method(vm, dp, "getTime", 0, |vm, this, _| {
        Ok(Value::Num(time_of(vm, this)?))
    });
    method(vm, dp, "valueOf", 0, |vm, this, _| {
        Ok(Value::Num(time_of(vm, this)?))
    });
    // Kitwork runs in UTC: local time is UTC, offset 0.
    method(vm, dp, "getTimezoneOffset", 0, |vm, this, _| {
        let t = time_of(vm, this)?;
        Ok(Value::Num(if t.is_finite() { 0.0 } else { f64::NAN }))
    });
    method(vm, dp, "toISOString", 0, to_iso);
    let forms: [(&'static str, crate::state::NativeFn); 3] = [
        ("toUTCString", |vm, this, _| {
            text_form(vm, this, semantics::date::utc_string)
        }),
        ("toDateString", |vm, this, _| {
            text_form(vm, this, semantics::date::date_string)
        }),
        ("toTimeString", |vm, this, _| {
            text_form(vm, this, semantics::date::time_string)
        }),
    ];
    for (name, f) in forms {
        method(vm, dp, name, 0, f);
    }
    // Local time is UTC: the locale forms are the plain ones.
    method(vm, dp, "toLocaleString", 0, |vm, this, _| {
        text_form(vm, this, semantics::date::long_form)
    });
    method(vm, dp, "toLocaleDateString", 0, |vm, this, _| {
        text_form(vm, this, semantics::date::date_string)
    });
    method(vm, dp, "toLocaleTimeString", 0, |vm, this, _| {
        text_form(vm, this, semantics::date::time_string)
    });
    // `Date.prototype[Symbol.toPrimitive](hint)`: strings first but for
    // "number".
    let to_primitive = super::native(vm, "[Symbol.toPrimitive]", 1, |vm, this, a| {
        let Value::Obj(o) = this else {
            return Err(vm.type_error("Date.prototype[Symbol.toPrimitive] called on a non-object"));
        };
        let hint = arg(vm, a, 0);
        let hint = vm.heap.str(hint).unwrap_or("");
        let number = match hint {
            "number" => true,
            "string" | "default" => false,
            _ => return Err(vm.type_error("Invalid hint")),
        };
        vm.ordinary_to_primitive(Value::Obj(o), !number)
    });
    let key = vm.atoms.symbols.to_primitive;
    super::set_fixed(vm, dp, key, Value::Obj(to_primitive));
    method(vm, dp, "toJSON", 1, |vm, this, a| {
        if time_of(vm, this)?.is_finite() {
            to_iso(vm, this, a)
        } else {
            Ok(Value::Null)
        }
    });
    method(vm, dp, "text", 0, to_iso);
    method(vm, dp, "unix", 0, |vm, this, _| {
        Ok(Value::Num((time_of(vm, this)? / 1000.0).floor()))
    });
    method(vm, dp, "toString", 0, |vm, this, _| {
        let t = time_of(vm, this)?;
        let s = if t.is_finite() {
            long_form(t)
        } else {
            "Invalid Date".to_string()
        };
        Ok(vm.heap.alloc_str(&s)?)
    });
    let names = [
        ("getUTCFullYear", "getFullYear"),
        ("getUTCMonth", "getMonth"),
        ("getUTCDate", "getDate"),
        ("getUTCDay", "getDay"),
        ("getUTCHours", "getHours"),
        ("getUTCMinutes", "getMinutes"),
        ("getUTCSeconds", "getSeconds"),
        ("getUTCMilliseconds", "getMilliseconds"),
    ];
    // Natives are plain fn pointers, so each field gets its own shim.
    let shims: [crate::state::NativeFn; 8] = [
        |vm, this, _| field(vm, this, 0),
        |vm, this, _| field(vm, this, 1),
        |vm, this, _| field(vm, this, 2),
        |vm, this, _| field(vm, this, 3),
        |vm, this, _| field(vm, this, 4),
        |vm, this, _| field(vm, this, 5),
        |vm, this, _| field(vm, this, 6),
        |vm, this, _| field(vm, this, 7),
    ];
    for ((utc, local), f) in names.into_iter().zip(shims) {
        // Kitwork runs in UTC, so the local getters are the UTC ones.
        method(vm, dp, utc, 0, f);
        method(vm, dp, local, 0, f);
    }
    // The setters, by the first field each sets and how many it may.
    let setters: [(&str, &str, u8, crate::state::NativeFn); 7] = [
        ("setUTCFullYear", "setFullYear", 3, set_fields::<0, 3>),
        ("setUTCMonth", "setMonth", 2, set_fields::<1, 2>),
        ("setUTCDate", "setDate", 1, set_fields::<2, 1>),
        ("setUTCHours", "setHours", 4, set_fields::<3, 4>),
        ("setUTCMinutes", "setMinutes", 3, set_fields::<4, 3>),
        ("setUTCSeconds", "setSeconds", 2, set_fields::<5, 2>),
        (
            "setUTCMilliseconds",
            "setMilliseconds",
            1,
            set_fields::<6, 1>,
        ),
    ];
    for (utc, local, arity, f) in setters {
        method(vm, dp, utc, arity, f);
        method(vm, dp, local, arity, f);
    }
    method(vm, dp, "setTime", 1, |vm, this, a| {
        time_of(vm, this)?;
        let t = time_clip(vm.to_number(arg(vm, a, 0))?);
        store(vm, this, t)
    });
    let g = vm.realm.global;
    super::method(vm, g, "now", 0, |vm, _, _| new_date(vm, now_ms()));
}

/// `setFullYear` … `setMilliseconds`: fields `FIRST..FIRST + MAX` (year,
/// month, day, hours, minutes, seconds, milliseconds) from the arguments,
/// the others kept. A date with no time value stays without one, except
/// for `setFullYear`, which starts from +0.
fn set_fields<const FIRST: usize, const MAX: usize>(
    vm: &mut Vm,
    this: Value,
    a: Args,
) -> Result<Value, Interrupt> {
    let t = time_of(vm, this)?;
    // Called with none, the first field is NaN (ToNumber(undefined)).
    let n = a.len.clamp(1, MAX);
    let mut given = [f64::NAN; MAX];
    for (i, slot) in given.iter_mut().enumerate().take(n) {
        *slot = vm.to_number(arg(vm, a, i))?;
    }
    let t = if t.is_nan() && FIRST == 0 { 0.0 } else { t };
    if t.is_nan() {
        return Ok(Value::Num(f64::NAN));
    }
    let mut f = fields_of(t);
    f[FIRST..FIRST + n].copy_from_slice(&given[..n]);
    let t = time_clip(time_from(f));
    store(vm, this, t)
}

/// Sets a date's time value; returns it.
fn store(vm: &mut Vm, this: Value, t: f64) -> Result<Value, Interrupt> {
    if let Value::Obj(o) = this {
        if vm.heap.is_state(o) {
            return Err(vm.state_error("change a Date a module's top level made"));
        }
        vm.heap.obj_mut(o).elems[0] = Value::Num(t);
    }
    Ok(Value::Num(t))
}

/// TimeClip: whole milliseconds within ±8.64e15, or NaN.
fn time_clip(t: f64) -> f64 {
    if t.is_finite() && t.abs() <= TIME_MAX {
        t.trunc() + 0.0
    } else {
        f64::NAN
    }
}

/// Field `i` of a date: year, month (0-11), day, weekday, hours, minutes,
/// seconds, milliseconds.
fn field(vm: &mut Vm, this: Value, i: usize) -> Result<Value, Interrupt> {
    let t = time_of(vm, this)?;
    if !t.is_finite() {
        return Ok(Value::Num(f64::NAN));
    }
    Ok(Value::Num(match i {
        3 => ((t / MS_PER_DAY).floor() + 4.0).rem_euclid(7.0),
        0..3 => fields_of(t)[i],
        _ => fields_of(t)[i - 1],
    }))
}

/// Time value `t`'s year, month (0-11), day, hours, minutes, seconds and
/// milliseconds: what `Date.UTC` takes.
fn fields_of(t: f64) -> [f64; 7] {
    let (y, m, d) = civil(t);
    [
        y as f64,
        m as f64 - 1.0,
        d as f64,
        (t.rem_euclid(MS_PER_DAY) / 3_600_000.0).floor(),
        (t.rem_euclid(3_600_000.0) / 60_000.0).floor(),
        (t.rem_euclid(60_000.0) / 1000.0).floor(),
        t.rem_euclid(1000.0),
    ]
}

/// A new Date object for time value `t`.
pub fn new_date(vm: &mut Vm, t: f64) -> Result<Value, Interrupt> {
    let t = time_clip(t);
    let d = vm.heap.alloc(Class::Date, Some(vm.realm.date_proto))?;
    vm.heap.charge(SLOT_COST)?;
    vm.heap.obj_mut(d).elems.push(Value::Num(t));
    Ok(Value::Obj(d))
}

fn time_of(vm: &Vm, this: Value) -> Result<f64, Interrupt> {
    match this {
        Value::Obj(o) if vm.heap.obj(o).class == Class::Date => match vm.heap.obj(o).elems[0] {
            Value::Num(t) => Ok(t),
            _ => Ok(f64::NAN),
        },
        _ => Err(vm.type_error("this is not a Date object.")),
    }
}

fn date_ctor(vm: &mut Vm, _: Value, a: Args) -> Result<Value, Interrupt> {
    let t = match a.len {
        0 => now_ms(),
        1 => match arg(vm, a, 0) {
            Value::Num(n) => n,
            v @ (Value::Atom(_) | Value::Str(_)) => {
                parse(vm.heap.str(v).unwrap()).unwrap_or(f64::NAN)
            }
            v @ Value::Obj(o) if vm.heap.obj(o).class == Class::Date => time_of(vm, v)?,
            v => vm.to_number(v)?,
        },
        _ => from_fields(vm, a)?,
    };
    new_date(vm, t)
}

/// `Date.UTC(year, month, day?, h?, m?, s?, ms?)`.
fn from_fields(vm: &mut Vm, a: Args) -> Result<f64, Interrupt> {
    let mut f = [f64::NAN, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0];
    for (i, slot) in f.iter_mut().enumerate().take(a.len.min(7)) {
        *slot = vm.to_number(arg(vm, a, i))?;
    }
    if f[0].is_finite() && (0.0..=99.0).contains(&f[0].trunc()) {
        f[0] = f[0].trunc() + 1900.0;
    }
    Ok(time_from(f))
}

/// MakeDate(MakeDay(year, month, day), MakeTime(h, m, s, ms)), not clipped;
/// NaN when a field is not finite.
fn time_from(f: [f64; 7]) -> f64 {
    if f.iter().any(|x| !x.is_finite()) {
        return f64::NAN;
    }
    let year = f[0].trunc();
    let month = f[1].trunc();
    let (y, m) = (year + (month / 12.0).floor(), month.rem_euclid(12.0));
    if y.abs() > 400_000.0 {
        // Past any time value a Date can hold (and past i64 days).
        return f64::NAN;
    }
    let days = days_from_civil(y as i64, m as u32 + 1, 1) as f64 + f[2].trunc() - 1.0;
    days * MS_PER_DAY
        + f[3].trunc() * 3_600_000.0
        + f[4].trunc() * 60_000.0
        + f[5].trunc() * 1000.0
        + f[6].trunc()
}

fn to_iso(vm: &mut Vm, this: Value, _: Args) -> Result<Value, Interrupt> {
    let t = time_of(vm, this)?;
    if !t.is_finite() {
        return Err(Interrupt::error(
            ErrorKind::RangeError,
            "Invalid time value",
        ));
    }
    let s = iso_string(t);
    Ok(vm.heap.alloc_str(&s)?)
}

/// A textual form of `this`'s time, or "Invalid Date".
fn text_form(vm: &mut Vm, this: Value, form: fn(f64) -> String) -> Result<Value, Interrupt> {
    let t = time_of(vm, this)?;
    let s = if t.is_finite() {
        form(t)
    } else {
        "Invalid Date".to_string()
    };
    Ok(vm.heap.alloc_str(&s)?)
}
