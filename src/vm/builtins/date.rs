//! `Date` (always UTC: Kitwork has no local time zone), `Date.now()`, ISO-8601
//! parsing and printing, and the Kitwork `now()` with `.text()` / `.unix()`.

use super::{arg, constructor, method};
use crate::vm::error::{ErrorKind, Interrupt};
use crate::vm::heap::{Class, SLOT_COST};
use crate::vm::interp::{Args, Vm};
use crate::vm::value::Value;

const MS_PER_DAY: f64 = 86_400_000.0;
/// ECMAScript's time range: ±100,000,000 days around the epoch.
const TIME_MAX: f64 = 8.64e15;

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
            parse_iso(vm.heap.str(s).unwrap()).unwrap_or(f64::NAN),
        ))
    });
    method(vm, dp, "getTime", 0, |vm, this, _| {
        Ok(Value::Num(time_of(vm, this)?))
    });
    method(vm, dp, "valueOf", 0, |vm, this, _| {
        Ok(Value::Num(time_of(vm, this)?))
    });
    method(vm, dp, "toISOString", 0, to_iso);
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
    let shims: [crate::vm::interp::NativeFn; 8] = [
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
    let g = vm.realm.global;
    super::method(vm, g, "now", 0, |vm, _, _| new_date(vm, now_ms()));
}

/// Field `i` of a date: year, month (0-11), day, weekday, hours, minutes,
/// seconds, milliseconds.
fn field(vm: &mut Vm, this: Value, i: usize) -> Result<Value, Interrupt> {
    let t = time_of(vm, this)?;
    if !t.is_finite() {
        return Ok(Value::Num(f64::NAN));
    }
    let (y, m, d) = civil(t);
    Ok(Value::Num(match i {
        0 => y as f64,
        1 => m as f64 - 1.0,
        2 => d as f64,
        3 => ((t / MS_PER_DAY).floor() + 4.0).rem_euclid(7.0),
        4 => (t.rem_euclid(MS_PER_DAY) / 3_600_000.0).floor(),
        5 => (t.rem_euclid(3_600_000.0) / 60_000.0).floor(),
        6 => (t.rem_euclid(60_000.0) / 1000.0).floor(),
        _ => t.rem_euclid(1000.0),
    }))
}

/// Whole milliseconds since the Unix epoch (`Date.now()`).
pub fn now_ms() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as f64)
        .unwrap_or(0.0)
}

/// A new Date object for time value `t`.
pub fn new_date(vm: &mut Vm, t: f64) -> Result<Value, Interrupt> {
    let t = if t.is_finite() && t.abs() <= TIME_MAX {
        t.trunc() + 0.0
    } else {
        f64::NAN
    };
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
                parse_iso(vm.heap.str(v).unwrap()).unwrap_or(f64::NAN)
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
    if f.iter().any(|x| !x.is_finite()) {
        return Ok(f64::NAN);
    }
    let mut year = f[0].trunc();
    if (0.0..=99.0).contains(&year) {
        year += 1900.0;
    }
    let month = f[1].trunc();
    let (y, m) = (year + (month / 12.0).floor(), month.rem_euclid(12.0));
    let days = days_from_civil(y as i64, m as u32 + 1, 1) as f64 + f[2].trunc() - 1.0;
    Ok(days * MS_PER_DAY
        + f[3].trunc() * 3_600_000.0
        + f[4].trunc() * 60_000.0
        + f[5].trunc() * 1000.0
        + f[6].trunc())
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// (year, month 1-12, day 1-31) of a time value.
fn civil(t: f64) -> (i64, u32, u32) {
    let z = (t / MS_PER_DAY).floor() as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + (m <= 2) as i64, m, d)
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

/// `2024-01-31T12:00:00.000Z`.
pub fn iso_string(t: f64) -> String {
    let (y, m, d) = civil(t);
    let ms = t.rem_euclid(MS_PER_DAY) as i64;
    let year = if (0..=9999).contains(&y) {
        format!("{y:04}")
    } else if y < 0 {
        format!("-{:06}", -y)
    } else {
        format!("+{y:06}")
    };
    format!(
        "{year}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
        ms / 3_600_000,
        ms / 60_000 % 60,
        ms / 1000 % 60,
        ms % 1000
    )
}

/// `Mon Jan 01 2024 00:00:00 GMT+0000 (Coordinated Universal Time)`.
pub(crate) fn long_form(t: f64) -> String {
    const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (y, m, d) = civil(t);
    let wd = ((t / MS_PER_DAY).floor() + 4.0).rem_euclid(7.0) as usize;
    let ms = t.rem_euclid(MS_PER_DAY) as i64;
    format!(
        "{} {} {d:02} {y:04} {:02}:{:02}:{:02} GMT+0000 (Coordinated Universal Time)",
        DAYS[wd],
        MONTHS[m as usize - 1],
        ms / 3_600_000,
        ms / 60_000 % 60,
        ms / 1000 % 60
    )
}

/// ISO-8601 as `Date.parse` reads it: `YYYY`, `YYYY-MM`, `YYYY-MM-DD`, then
/// optionally `THH:MM`, `:SS`, `.sss` and `Z` or `±HH:MM`. No offset means UTC.
pub fn parse_iso(s: &str) -> Option<f64> {
    let s = s.trim();
    let b = s.as_bytes();
    let mut i = 0;
    let num = |i: &mut usize, n: usize| -> Option<i64> {
        let part = s.get(*i..*i + n)?;
        if !part.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        *i += n;
        part.parse().ok()
    };
    let year = match b.first()? {
        b'+' | b'-' => {
            let sign = if b[0] == b'-' { -1 } else { 1 };
            i = 1;
            sign * num(&mut i, 6)?
        }
        _ => num(&mut i, 4)?,
    };
    let (mut month, mut day) = (1, 1);
    if b.get(i) == Some(&b'-') {
        i += 1;
        month = num(&mut i, 2)?;
        if b.get(i) == Some(&b'-') {
            i += 1;
            day = num(&mut i, 2)?;
        }
    }
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let (mut h, mut mi, mut sec, mut ms, mut offset) = (0, 0, 0, 0, 0);
    if matches!(b.get(i), Some(b'T' | b't' | b' ')) {
        i += 1;
        h = num(&mut i, 2)?;
        if b.get(i) != Some(&b':') {
            return None;
        }
        i += 1;
        mi = num(&mut i, 2)?;
        if b.get(i) == Some(&b':') {
            i += 1;
            sec = num(&mut i, 2)?;
            if b.get(i) == Some(&b'.') {
                i += 1;
                let start = i;
                while b.get(i).is_some_and(u8::is_ascii_digit) {
                    i += 1;
                }
                let frac = &s[start..i];
                if frac.is_empty() {
                    return None;
                }
                ms = format!("{:0<3}", &frac[..frac.len().min(3)]).parse().ok()?;
            }
        }
        match b.get(i) {
            Some(b'Z' | b'z') => i += 1,
            Some(&c @ (b'+' | b'-')) => {
                i += 1;
                let oh = num(&mut i, 2)?;
                if b.get(i) == Some(&b':') {
                    i += 1;
                }
                let om = num(&mut i, 2)?;
                offset = (oh * 60 + om) * if c == b'-' { -1 } else { 1 };
            }
            _ => {}
        }
        if h > 24 || mi > 59 || sec > 59 {
            return None;
        }
    }
    if i != b.len() {
        return None;
    }
    let days = days_from_civil(year, month as u32, day as u32);
    let t = days as f64 * MS_PER_DAY
        + (h * 3_600_000 + mi * 60_000 + sec * 1000 + ms - offset * 60_000) as f64;
    if t.abs() > TIME_MAX { None } else { Some(t) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trips() {
        for t in [
            0.0,
            951_782_400_000.0,
            -62_135_596_800_000.0,
            1_709_208_000_000.0,
            253_402_300_799_999.0,
        ] {
            assert_eq!(parse_iso(&iso_string(t)), Some(t), "{}", iso_string(t));
        }
        assert_eq!(iso_string(0.0), "1970-01-01T00:00:00.000Z");
        assert_eq!(
            parse_iso("2024-02-29T12:30:00+02:00"),
            Some(1_709_202_600_000.0)
        );
        assert_eq!(parse_iso("2024-13-01"), None);
    }
}
