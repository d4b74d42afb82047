//! Civil dates in ECMAScript's time model: time values (milliseconds since
//! the epoch, UTC), the proleptic Gregorian calendar, ISO-8601 printing and
//! parsing, and `Date.prototype.toString`'s long form.

pub const MS_PER_DAY: f64 = 86_400_000.0;
/// ECMAScript's time range: ±100,000,000 days around the epoch.
pub const TIME_MAX: f64 = 8.64e15;

/// Whole milliseconds since the Unix epoch (`Date.now()`).
pub fn now_ms() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as f64)
        .unwrap_or(0.0)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// (year, month 1-12, day 1-31) of a time value.
pub fn civil(t: f64) -> (i64, u32, u32) {
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

const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// The weekday, month name, day and year of `t`, the year as the
/// specification pads it (`-0001`, `0099`, `2024`).
fn parts(t: f64) -> (&'static str, &'static str, u32, String) {
    let (y, m, d) = civil(t);
    let wd = ((t / MS_PER_DAY).floor() + 4.0).rem_euclid(7.0) as usize;
    let year = if y < 0 {
        format!("-{:04}", -y)
    } else {
        format!("{y:04}")
    };
    (DAYS[wd], MONTHS[m as usize - 1], d, year)
}

/// `00:00:00`.
fn time_part(t: f64) -> String {
    let ms = t.rem_euclid(MS_PER_DAY) as i64;
    format!(
        "{:02}:{:02}:{:02}",
        ms / 3_600_000,
        ms / 60_000 % 60,
        ms / 1000 % 60
    )
}

/// `Mon Jan 01 2024` (`toDateString`).
pub fn date_string(t: f64) -> String {
    let (wd, mon, d, y) = parts(t);
    format!("{wd} {mon} {d:02} {y}")
}

/// `00:00:00 GMT+0000 (Coordinated Universal Time)` (`toTimeString`).
pub fn time_string(t: f64) -> String {
    format!("{} GMT+0000 (Coordinated Universal Time)", time_part(t))
}

/// `Mon, 01 Jan 2024 00:00:00 GMT` (`toUTCString`, RFC 7231's date).
pub fn utc_string(t: f64) -> String {
    let (wd, mon, d, y) = parts(t);
    format!("{wd}, {d:02} {mon} {y} {} GMT", time_part(t))
}

/// `Mon Jan 01 2024 00:00:00 GMT+0000 (Coordinated Universal Time)`.
pub fn long_form(t: f64) -> String {
    format!("{} {}", date_string(t), time_string(t))
}

/// `Date.parse` of any form: ISO-8601 first, then the forms `toString`
/// and `toUTCString` print and the HTTP dates of RFC 7231 (IMF-fixdate,
/// RFC 850, asctime).
pub fn parse(s: &str) -> Option<f64> {
    parse_iso(s).or_else(|| parse_text(s))
}

/// The textual forms: a weekday (ignored), a month name, the day, the
/// year, `hh:mm[:ss]`, and `GMT`/`UTC`/`Z` or an offset `±hhmm`; a
/// parenthesised comment is skipped. Two-digit years are RFC 850's
/// (below 50: 20xx).
fn parse_text(s: &str) -> Option<f64> {
    let s = match s.find('(') {
        Some(i) => &s[..i],
        None => s,
    };
    let (mut month, mut day, mut year, mut time, mut offset) = (None, None, None, None, 0i64);
    for word in s.split(|c: char| c.is_whitespace() || c == ',') {
        if word.is_empty() {
            continue;
        }
        // RFC 850: `06-Nov-94`.
        let pieces: Vec<&str> = if word.contains('-') && !word.starts_with('-') {
            word.split('-').collect()
        } else {
            vec![word]
        };
        for w in pieces {
            let lower = w.to_ascii_lowercase();
            if lower.len() >= 3
                && lower.chars().all(|c| c.is_ascii_alphabetic())
                && let Some(m) = MONTHS
                    .iter()
                    .position(|m| lower.starts_with(&m.to_ascii_lowercase()))
            {
                month = Some(m as u32 + 1);
                continue;
            }
            if DAYS
                .iter()
                .any(|d| lower.starts_with(&d.to_ascii_lowercase()))
            {
                continue;
            }
            let (zone, rest) =
                if let Some(r) = lower.strip_prefix("gmt").or(lower.strip_prefix("utc")) {
                    (true, r)
                } else {
                    (false, lower.as_str())
                };
            if zone && rest.is_empty() || lower == "z" {
                continue;
            }
            if let Some(sign) = rest.chars().next().filter(|c| *c == '+' || *c == '-')
                && (zone || time.is_some())
                && rest.len() == 5
            {
                let n: i64 = rest[1..].parse().ok()?;
                let minutes = n / 100 * 60 + n % 100;
                offset = if sign == '-' { -minutes } else { minutes };
                continue;
            }
            if w.contains(':') {
                let f: Vec<i64> = w
                    .split(':')
                    .map(|p| p.parse().ok())
                    .collect::<Option<_>>()?;
                let (h, mi, se) = match f[..] {
                    [h, m] => (h, m, 0),
                    [h, m, s] => (h, m, s),
                    _ => return None,
                };
                if h > 24 || mi > 59 || se > 59 {
                    return None;
                }
                time = Some((h * 60 + mi) * 60 + se);
                continue;
            }
            let n: i64 = w.parse().ok()?;
            // The first short number is the day, the other the year.
            if day.is_none() && w.len() <= 2 {
                day = Some(n as u32);
                continue;
            }
            if year.is_some() {
                return None;
            }
            year = Some(if w.len() <= 2 {
                if n < 50 { 2000 + n } else { 1900 + n }
            } else {
                n
            });
        }
    }
    let (month, day, year) = (month?, day.unwrap_or(1), year?);
    if !(1..=31).contains(&day) {
        return None;
    }
    let days = days_from_civil(year, month, day);
    let t = days as f64 * MS_PER_DAY + (time.unwrap_or(0) - offset * 60) as f64 * 1000.0;
    (t.abs() <= TIME_MAX).then_some(t)
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
