//! Date and time functions: `now`/`ago`, `bin` (also of numbers), the calendar starts and
//! ends, parts, arithmetic by calendar unit, construction, Unix times and formatting.
//!
//! Instants are 100 ns ticks since the Unix epoch; the calendar is the proleptic Gregorian
//! one in UTC; weeks start on Sunday (as Kusto's `startofweek` and `dayofweek` count them)
//! except ISO 8601 week numbers.

use super::{FnCtx, NUMERIC, ScalarFn, datetime_arg, expect, long_arg, real_arg, ret_datetime, ret_int, ret_long};
use super::{ret_string, ret_timespan, text, timespan_arg};
use crate::kql::value::{Type, Value};
use crate::model::time::{
    TICKS_PER_DAY, TICKS_PER_HOUR, TICKS_PER_MILLI, TICKS_PER_MINUTE, TICKS_PER_SEC, civil_from_days, days_from_civil,
};

/// Years beyond any instant a long of ticks can hold (about ±29 000 years around 1970):
/// calendar arithmetic past them has no answer, and the day count must not overflow.
const YEAR_LIMIT: i64 = 1_000_000;

/// Days since 1970-01-01 of a date, `None` for a year past [`YEAR_LIMIT`].
fn checked_days(year: i64, month: u32, day: u32) -> Option<i64> {
    (year.abs() <= YEAR_LIMIT).then(|| days_from_civil(year, month, day))
}

pub(super) const FUNCTIONS: &[ScalarFn] = &[
    ScalarFn::new("now", 0, 1, ret_datetime, now),
    ScalarFn::new("ago", 1, 1, span_arg_datetime, ago),
    ScalarFn::new("bin", 2, 2, bin_type, |a, _| Ok(bin(&a[0], &a[1], None))),
    ScalarFn::new("floor", 2, 2, bin_type, |a, _| Ok(bin(&a[0], &a[1], None))),
    ScalarFn::new("bin_at", 3, 3, bin_type, |a, _| Ok(bin(&a[0], &a[1], Some(&a[2])))),
    ScalarFn::new("startofday", 1, 2, date_arg_datetime, |a, _| Ok(calendar(a, Unit::Day, false))),
    ScalarFn::new("startofweek", 1, 2, date_arg_datetime, |a, _| Ok(calendar(a, Unit::Week, false))),
    ScalarFn::new("startofmonth", 1, 2, date_arg_datetime, |a, _| Ok(calendar(a, Unit::Month, false))),
    ScalarFn::new("startofyear", 1, 2, date_arg_datetime, |a, _| Ok(calendar(a, Unit::Year, false))),
    ScalarFn::new("endofday", 1, 2, date_arg_datetime, |a, _| Ok(calendar(a, Unit::Day, true))),
    ScalarFn::new("endofweek", 1, 2, date_arg_datetime, |a, _| Ok(calendar(a, Unit::Week, true))),
    ScalarFn::new("endofmonth", 1, 2, date_arg_datetime, |a, _| Ok(calendar(a, Unit::Month, true))),
    ScalarFn::new("endofyear", 1, 2, date_arg_datetime, |a, _| Ok(calendar(a, Unit::Year, true))),
    ScalarFn::new("datetime_part", 2, 2, ret_int, datetime_part),
    ScalarFn::new("datepart", 2, 2, ret_int, datetime_part),
    ScalarFn::new("datetime_add", 3, 3, ret_datetime, datetime_add),
    ScalarFn::new("datetime_diff", 3, 3, ret_long, datetime_diff),
    ScalarFn::new("dayofweek", 1, 1, ret_timespan, |a, _| {
        Ok(field(&a[0], |p| Value::TimeSpan(p.weekday * TICKS_PER_DAY)))
    }),
    ScalarFn::new("dayofmonth", 1, 1, ret_int, |a, _| Ok(field(&a[0], |p| Value::Int(p.day)))),
    ScalarFn::new("dayofyear", 1, 1, ret_int, |a, _| Ok(field(&a[0], |p| Value::Int(p.day_of_year)))),
    ScalarFn::new("hourofday", 1, 1, ret_int, |a, _| Ok(field(&a[0], |p| Value::Int(p.hour)))),
    ScalarFn::new("getmonth", 1, 1, ret_int, |a, _| Ok(field(&a[0], |p| Value::Int(p.month)))),
    ScalarFn::new("monthofyear", 1, 1, ret_int, |a, _| Ok(field(&a[0], |p| Value::Int(p.month)))),
    ScalarFn::new("getyear", 1, 1, ret_int, |a, _| Ok(field(&a[0], |p| Value::Int(p.year)))),
    ScalarFn::new("weekofyear", 1, 1, ret_int, |a, _| Ok(field(&a[0], |p| Value::Int(p.iso_week())))),
    ScalarFn::new("week_of_year", 1, 1, ret_int, |a, _| Ok(field(&a[0], |p| Value::Int(p.iso_week())))),
    ScalarFn::new("make_datetime", 1, 7, ret_datetime, make_datetime),
    ScalarFn::new("make_timespan", 2, 4, ret_timespan, make_timespan),
    ScalarFn::new("unixtime_seconds_todatetime", 1, 1, ret_datetime, |a, _| Ok(unix(&a[0], TICKS_PER_SEC, 1))),
    ScalarFn::new("unixtime_milliseconds_todatetime", 1, 1, ret_datetime, |a, _| Ok(unix(&a[0], TICKS_PER_MILLI, 1))),
    ScalarFn::new("unixtime_microseconds_todatetime", 1, 1, ret_datetime, |a, _| Ok(unix(&a[0], 10, 1))),
    ScalarFn::new("unixtime_nanoseconds_todatetime", 1, 1, ret_datetime, |a, _| Ok(unix(&a[0], 1, 100))),
    ScalarFn::new("format_datetime", 2, 2, ret_string, format_datetime),
    ScalarFn::new("format_timespan", 2, 2, ret_string, format_timespan),
];

fn span_arg_datetime(types: &[Type]) -> Result<Type, String> {
    expect(types, 0, &[Type::TimeSpan])?;
    Ok(Type::DateTime)
}

fn date_arg_datetime(types: &[Type]) -> Result<Type, String> {
    expect(types, 0, &[Type::DateTime])?;
    expect(types, 1, NUMERIC)?;
    Ok(Type::DateTime)
}

/// `now([offset])`: the query's now, moved by the offset.
fn now(args: &[Value], ctx: &FnCtx) -> Result<Value, String> {
    Ok(match args.first() {
        None => Value::DateTime(ctx.now),
        Some(offset) => timespan_arg(offset).and_then(|o| ctx.now.checked_add(o)).map_or(Value::Null, Value::DateTime),
    })
}

/// `ago(span)`: now minus the span.
fn ago(args: &[Value], ctx: &FnCtx) -> Result<Value, String> {
    Ok(timespan_arg(&args[0]).and_then(|s| ctx.now.checked_sub(s)).map_or(Value::Null, Value::DateTime))
}

fn bin_type(types: &[Type]) -> Result<Type, String> {
    let (value, size) = (types[0], types[1]);
    match (value, size) {
        (Type::DateTime, Type::TimeSpan | Type::Dynamic) => Ok(Type::DateTime),
        (Type::TimeSpan, Type::TimeSpan | Type::Dynamic) => Ok(Type::TimeSpan),
        (Type::Real, s) if s.is_numeric() || s == Type::Dynamic => Ok(Type::Real),
        (Type::Int | Type::Long, Type::Real) => Ok(Type::Real),
        (Type::Int | Type::Long, s) if s.is_numeric() || s == Type::Dynamic => Ok(Type::Long),
        (Type::Dynamic, _) => Ok(Type::Dynamic),
        (v, s) => Err(format!("cannot bin a {} by a {}", v.name(), s.name())),
    }
}

/// `bin(value, size)` / `bin_at(value, size, fixed_point)`: the largest multiple of `size`
/// (counted from the fixed point, or from zero / the epoch) not above `value`. Null for a
/// null value or a size that is null, zero or negative.
pub fn bin(value: &Value, size: &Value, at: Option<&Value>) -> Value {
    let value = value.unwrap_dynamic_scalar();
    match value {
        Value::DateTime(t) | Value::TimeSpan(t) => {
            let Some(s) = timespan_arg(size).filter(|s| *s > 0) else { return Value::Null };
            let origin = match at {
                Some(a) => match (a, &value) {
                    (Value::DateTime(o), Value::DateTime(_)) | (Value::TimeSpan(o), Value::TimeSpan(_)) => *o,
                    _ => return Value::Null,
                },
                None => 0,
            };
            let Some(offset) = t.checked_sub(origin) else { return Value::Null };
            match offset.checked_sub(offset.rem_euclid(s)).and_then(|f| origin.checked_add(f)) {
                Some(x) if matches!(value, Value::DateTime(_)) => Value::DateTime(x),
                Some(x) => Value::TimeSpan(x),
                None => Value::Null,
            }
        }
        Value::Int(v) if matches!(size.unwrap_dynamic_scalar(), Value::Int(_)) => {
            let (Some(s), origin) = (long_arg(size).filter(|s| *s > 0), at.and_then(long_arg).unwrap_or(0)) else {
                return Value::Null;
            };
            let Some(offset) = v.checked_sub(origin) else { return Value::Null };
            offset.checked_sub(offset.rem_euclid(s)).and_then(|f| origin.checked_add(f)).map_or(Value::Null, Value::Int)
        }
        Value::Int(_) | Value::Real(_) => {
            let (Some(v), Some(s)) = (real_arg(&value), real_arg(size).filter(|s| *s > 0.0)) else {
                return Value::Null;
            };
            let origin = at.and_then(real_arg).unwrap_or(0.0);
            Value::Real(((v - origin) / s).floor() * s + origin)
        }
        _ => Value::Null,
    }
}

/// A calendar unit of the start/end functions.
#[derive(Clone, Copy)]
enum Unit {
    Day,
    Week,
    Month,
    Year,
}

/// `startof<unit>(date[, offset])` and `endof<unit>(...)`: the unit holding the date, moved
/// by `offset` units; the end is the last tick of that unit.
fn calendar(args: &[Value], unit: Unit, end: bool) -> Value {
    let Some(t) = datetime_arg(&args[0]) else { return Value::Null };
    let offset = match args.get(1) {
        Some(o) => match long_arg(o) {
            Some(o) => o,
            None => return Value::Null,
        },
        None => 0,
    };
    let start_of = |t: i64, move_by: i64| -> Option<i64> {
        let days = t.div_euclid(TICKS_PER_DAY);
        let start_days = match unit {
            Unit::Day => days.checked_add(move_by)?,
            // 1970-01-01 was a Thursday: days + 4 counts from a Sunday.
            Unit::Week => (days - (days + 4).rem_euclid(7)).checked_add(move_by.checked_mul(7)?)?,
            Unit::Month => {
                let (y, m, _) = civil_from_days(days);
                let months = (y.checked_mul(12)? + i64::from(m) - 1).checked_add(move_by)?;
                checked_days(months.div_euclid(12), months.rem_euclid(12) as u32 + 1, 1)?
            }
            Unit::Year => checked_days(civil_from_days(days).0.checked_add(move_by)?, 1, 1)?,
        };
        start_days.checked_mul(TICKS_PER_DAY)
    };
    let result = if end { start_of(t, offset.saturating_add(1)).map(|next| next - 1) } else { start_of(t, offset) };
    result.map_or(Value::Null, Value::DateTime)
}

/// The calendar fields of an instant.
pub(crate) struct Parts {
    pub year: i64,
    pub month: i64,
    pub day: i64,
    pub hour: i64,
    pub minute: i64,
    pub second: i64,
    /// Ticks within the second.
    pub fraction: i64,
    pub day_of_year: i64,
    /// 0 = Sunday.
    pub weekday: i64,
}

impl Parts {
    pub fn of(t: i64) -> Parts {
        let days = t.div_euclid(TICKS_PER_DAY);
        let in_day = t.rem_euclid(TICKS_PER_DAY);
        let (year, month, day) = civil_from_days(days);
        let secs = in_day / TICKS_PER_SEC;
        Parts {
            year,
            month: i64::from(month),
            day: i64::from(day),
            hour: secs / 3600,
            minute: secs / 60 % 60,
            second: secs % 60,
            fraction: in_day % TICKS_PER_SEC,
            day_of_year: days - days_from_civil(year, 1, 1) + 1,
            weekday: (days + 4).rem_euclid(7),
        }
    }

    /// The ISO 8601 week number (weeks start on Monday; week 1 holds the first Thursday).
    pub fn iso_week(&self) -> i64 {
        let iso_weekday = if self.weekday == 0 { 7 } else { self.weekday };
        let week = (self.day_of_year - iso_weekday + 10) / 7;
        if week < 1 {
            weeks_in_iso_year(self.year - 1)
        } else if week > weeks_in_iso_year(self.year) {
            1
        } else {
            week
        }
    }
}

/// 53 when the year starts on a Thursday, or is a leap year starting on a Wednesday.
fn weeks_in_iso_year(year: i64) -> i64 {
    let p = |y: i64| (y + y.div_euclid(4) - y.div_euclid(100) + y.div_euclid(400)).rem_euclid(7);
    if p(year) == 4 || p(year - 1) == 3 { 53 } else { 52 }
}

fn field(v: &Value, f: impl Fn(&Parts) -> Value) -> Value {
    datetime_arg(v).map_or(Value::Null, |t| f(&Parts::of(t)))
}

/// `datetime_part(part, date)`: Year, Quarter, Month, week_of_year (ISO 8601), Day,
/// DayOfYear, Hour, Minute, Second, Millisecond, Microsecond, Nanosecond (the last three
/// within the second).
fn datetime_part(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    let part = text(&args[0]).to_ascii_lowercase();
    let Some(t) = datetime_arg(&args[1]) else { return Ok(Value::Null) };
    let p = Parts::of(t);
    Ok(Value::Int(match part.as_str() {
        "year" => p.year,
        "quarter" => (p.month - 1) / 3 + 1,
        "month" => p.month,
        "week_of_year" | "weekofyear" | "week" => p.iso_week(),
        "day" => p.day,
        "dayofyear" => p.day_of_year,
        "hour" => p.hour,
        "minute" => p.minute,
        "second" => p.second,
        "millisecond" => p.fraction / TICKS_PER_MILLI,
        "microsecond" => p.fraction / 10,
        "nanosecond" => p.fraction * 100,
        other => return Err(format!("unknown datetime part {other:?}")),
    }))
}

/// A fixed-length period in ticks, or a calendar one in months.
enum Period {
    Ticks(i64),
    Months(i64),
    /// A tenth of a tick (nanoseconds): only whole multiples of 100 move an instant.
    Nanos,
}

fn period(name: &str) -> Result<Period, String> {
    Ok(match name.to_ascii_lowercase().as_str() {
        "year" => Period::Months(12),
        "quarter" => Period::Months(3),
        "month" => Period::Months(1),
        "week" => Period::Ticks(7 * TICKS_PER_DAY),
        "day" => Period::Ticks(TICKS_PER_DAY),
        "hour" => Period::Ticks(TICKS_PER_HOUR),
        "minute" => Period::Ticks(TICKS_PER_MINUTE),
        "second" => Period::Ticks(TICKS_PER_SEC),
        "millisecond" => Period::Ticks(TICKS_PER_MILLI),
        "microsecond" => Period::Ticks(10),
        "nanosecond" => Period::Nanos,
        other => return Err(format!("unknown period {other:?}")),
    })
}

/// Adds months, keeping the time of day and clamping the day to the month's length.
fn add_months(t: i64, months: i64) -> Option<i64> {
    let p = Parts::of(t);
    let total = (p.year.checked_mul(12)? + p.month - 1).checked_add(months)?;
    let (year, month) = (total.div_euclid(12), total.rem_euclid(12) as u32 + 1);
    let next_month_start = if month == 12 { checked_days(year + 1, 1, 1)? } else { checked_days(year, month + 1, 1)? };
    let month_len = next_month_start - checked_days(year, month, 1)?;
    let day = p.day.min(month_len) as u32;
    days_from_civil(year, month, day).checked_mul(TICKS_PER_DAY)?.checked_add(t.rem_euclid(TICKS_PER_DAY))
}

/// `datetime_add(period, amount, date)`.
fn datetime_add(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    let period = period(&text(&args[0]))?;
    let (Some(amount), Some(t)) = (long_arg(&args[1]), datetime_arg(&args[2])) else { return Ok(Value::Null) };
    let moved = match period {
        Period::Ticks(unit) => amount.checked_mul(unit).and_then(|d| t.checked_add(d)),
        Period::Months(unit) => amount.checked_mul(unit).and_then(|m| add_months(t, m)),
        Period::Nanos => t.checked_add(amount / 100),
    };
    Ok(moved.map_or(Value::Null, Value::DateTime))
}

/// `datetime_diff(period, date1, date2)`: how many period boundaries lie between date2 and
/// date1 (negative when date1 is earlier), counted on the calendar: years by year numbers,
/// weeks from Sundays, days from midnights, and so on.
fn datetime_diff(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    let name = text(&args[0]).to_ascii_lowercase();
    let period = period(&name)?;
    let (Some(a), Some(b)) = (datetime_arg(&args[1]), datetime_arg(&args[2])) else { return Ok(Value::Null) };
    Ok(Value::Int(match period {
        Period::Months(unit) => {
            let (pa, pb) = (Parts::of(a), Parts::of(b));
            let (ma, mb) = (pa.year * 12 + pa.month - 1, pb.year * 12 + pb.month - 1);
            ma.div_euclid(unit) - mb.div_euclid(unit)
        }
        // Weeks start on Sunday: shift so that a Sunday is a multiple of seven days.
        Period::Ticks(unit) if name == "week" => {
            let shift = 4 * TICKS_PER_DAY;
            a.saturating_add(shift).div_euclid(unit) - b.saturating_add(shift).div_euclid(unit)
        }
        Period::Ticks(unit) => a.div_euclid(unit) - b.div_euclid(unit),
        Period::Nanos => a.saturating_sub(b).saturating_mul(100),
    }))
}

/// `make_datetime(year, month, day[, hour, minute, second])`: null for a date that does not
/// exist. Seconds may carry a fraction.
fn make_datetime(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    let whole = |i: usize, default: i64| args.get(i).map_or(Some(default), long_arg);
    let (Some(year), Some(month), Some(day), Some(hour), Some(minute)) =
        (whole(0, 1), whole(1, 1), whole(2, 1), whole(3, 0), whole(4, 0))
    else {
        return Ok(Value::Null);
    };
    let second = args.get(5).map_or(Some(0.0), real_arg);
    let Some(second) = second.filter(|s| (0.0..60.0).contains(s)) else { return Ok(Value::Null) };
    if !(1..=9999).contains(&year)
        || !(1..=12).contains(&month)
        || !(0..24).contains(&hour)
        || !(0..60).contains(&minute)
    {
        return Ok(Value::Null);
    }
    let Ok(day32) = u32::try_from(day) else { return Ok(Value::Null) };
    let days = days_from_civil(year, month as u32, day32);
    if civil_from_days(days) != (year, month as u32, day32) {
        return Ok(Value::Null);
    }
    let ticks = days * TICKS_PER_DAY
        + hour * TICKS_PER_HOUR
        + minute * TICKS_PER_MINUTE
        + (second * TICKS_PER_SEC as f64).round() as i64;
    Ok(Value::DateTime(ticks))
}

/// `make_timespan(hour, minute)`, `(hour, minute, second)` or `(day, hour, minute, second)`;
/// seconds may carry a fraction.
fn make_timespan(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    let mut whole: Vec<i64> = Vec::with_capacity(3);
    let (last_whole, second) = match args.len() {
        2 => (2, None),
        n => (n - 1, Some(&args[n - 1])),
    };
    for a in &args[..last_whole] {
        match long_arg(a) {
            Some(v) => whole.push(v),
            None => return Ok(Value::Null),
        }
    }
    let (days, hours, minutes) = match whole.as_slice() {
        [h, m] => (0, *h, *m),
        [d, h, m] => (*d, *h, *m),
        _ => return Ok(Value::Null),
    };
    let second = match second {
        Some(s) => match real_arg(s) {
            Some(s) => s,
            None => return Ok(Value::Null),
        },
        None => 0.0,
    };
    let ticks = days
        .checked_mul(TICKS_PER_DAY)
        .and_then(|t| t.checked_add(hours.checked_mul(TICKS_PER_HOUR)?))
        .and_then(|t| t.checked_add(minutes.checked_mul(TICKS_PER_MINUTE)?))
        .and_then(|t| {
            let s = (second * TICKS_PER_SEC as f64).round();
            (s.abs() < 9e18).then(|| t.checked_add(s as i64)).flatten()
        });
    Ok(ticks.map_or(Value::Null, Value::TimeSpan))
}

/// `unixtime_<unit>_todatetime(n)`: `n * mul / div` ticks (exact for whole numbers, floored
/// for reals).
fn unix(v: &Value, mul: i64, div: i64) -> Value {
    match v.unwrap_dynamic_scalar() {
        Value::Int(n) => n.checked_mul(mul).map_or(Value::Null, |t| Value::DateTime(t.div_euclid(div))),
        Value::Real(n) => {
            let ticks = (n * mul as f64 / div as f64).floor();
            if ticks.is_finite() && ticks.abs() < 9.2e18 { Value::DateTime(ticks as i64) } else { Value::Null }
        }
        _ => Value::Null,
    }
}

/// Splits a format into runs of one repeated letter and literal text.
fn format_runs(format: &str) -> Vec<(char, usize)> {
    let mut runs: Vec<(char, usize)> = Vec::new();
    for c in format.chars() {
        match runs.last_mut() {
            Some((last, n)) if *last == c && c.is_ascii_alphabetic() => *n += 1,
            _ => runs.push((c, 1)),
        }
    }
    runs
}

/// The first `n` digits of a 7-digit tick fraction; with `trim`, trailing zeros dropped.
fn fraction_digits(fraction: i64, n: usize, trim: bool) -> String {
    let all = format!("{:07}", fraction.clamp(0, 9_999_999));
    let digits = &all[..n.min(7)];
    if trim { digits.trim_end_matches('0').to_string() } else { digits.to_string() }
}

/// Appends an `F` fraction: when it is empty, a `.` written just before it goes too (as .NET
/// does).
fn push_optional_fraction(out: &mut String, digits: &str) {
    if digits.is_empty() {
        if out.ends_with('.') {
            out.pop();
        }
    } else {
        out.push_str(digits);
    }
}

/// `format_datetime(date, format)`: d, dd, f..fffffff, F..FFFFFFF, h, hh, H, HH, m, mm, M,
/// MM, s, ss, y, yy, yyyy, tt; any other character is copied.
fn format_datetime(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    let Some(t) = datetime_arg(&args[0]) else { return Ok(Value::str("")) };
    let p = Parts::of(t);
    let format = text(&args[1]);
    let mut out = String::new();
    for (c, n) in format_runs(&format) {
        let hour12 = if p.hour % 12 == 0 { 12 } else { p.hour % 12 };
        match c {
            'd' => out.push_str(&pad(p.day, n.min(2))),
            'f' => out.push_str(&fraction_digits(p.fraction, n, false)),
            'F' => push_optional_fraction(&mut out, &fraction_digits(p.fraction, n, true)),
            'h' => out.push_str(&pad(hour12, n.min(2))),
            'H' => out.push_str(&pad(p.hour, n.min(2))),
            'm' => out.push_str(&pad(p.minute, n.min(2))),
            'M' => out.push_str(&pad(p.month, n.min(2))),
            's' => out.push_str(&pad(p.second, n.min(2))),
            'y' if n <= 2 => out.push_str(&pad(p.year.rem_euclid(100), n)),
            'y' => out.push_str(&pad(p.year, n)),
            't' => out.push_str(if p.hour < 12 { "AM" } else { "PM" }.get(..n.min(2)).unwrap_or("")),
            other => (0..n).for_each(|_| out.push(other)),
        }
    }
    Ok(Value::str(&out))
}

fn pad(v: i64, width: usize) -> String {
    format!("{v:0width$}")
}

/// `format_timespan(span, format)`: d..dddddddd (days), f..fffffff, F..FFFFFFF, h/hh and
/// H/HH (hours of the day), m, mm, s, ss; any other character is copied.
fn format_timespan(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    let Some(t) = timespan_arg(&args[0]) else { return Ok(Value::str("")) };
    let magnitude = t.unsigned_abs();
    let day = TICKS_PER_DAY as u64;
    let days = (magnitude / day) as i64;
    let in_day = (magnitude % day) as i64;
    let secs = in_day / TICKS_PER_SEC;
    let fraction = in_day % TICKS_PER_SEC;
    let format = text(&args[1]);
    let mut out = String::new();
    if t < 0 {
        out.push('-');
    }
    for (c, n) in format_runs(&format) {
        match c {
            'd' => out.push_str(&pad(days, n)),
            'f' => out.push_str(&fraction_digits(fraction, n, false)),
            'F' => push_optional_fraction(&mut out, &fraction_digits(fraction, n, true)),
            'h' | 'H' => out.push_str(&pad(secs / 3600, n.min(2))),
            'm' => out.push_str(&pad(secs / 60 % 60, n.min(2))),
            's' => out.push_str(&pad(secs % 60, n.min(2))),
            other => (0..n).for_each(|_| out.push(other)),
        }
    }
    Ok(Value::str(&out))
}

#[cfg(test)]
mod tests {
    use super::super::testing::{NOW, call, dt, s, show, ts, ty};
    use super::*;

    #[test]
    fn now_and_ago_measure_from_the_query_now() {
        assert!(matches!(call("now", &[]), Value::DateTime(t) if t == NOW));
        assert!(matches!(call("now", &[ts("-2d")]), Value::DateTime(t) if t == NOW - 2 * TICKS_PER_DAY));
        assert!(matches!(call("ago", &[ts("1h")]), Value::DateTime(t) if t == NOW - TICKS_PER_HOUR));
        assert_eq!(ty("ago", &[Type::TimeSpan]), Ok(Type::DateTime));
        assert!(ty("ago", &[Type::String]).is_err());
    }

    #[test]
    fn bin_from_the_documentation() {
        assert!(matches!(call("bin", &[Value::Real(4.5), Value::Int(1)]), Value::Real(r) if r == 4.0));
        assert_eq!(show("bin", &[ts("16d"), ts("7d")]), "14.00:00:00");
        assert_eq!(show("bin", &[dt("1970-05-11 13:45:07"), ts("1d")]), "1970-05-11T00:00:00Z");
        assert!(matches!(call("bin", &[Value::Int(-7), Value::Int(5)]), Value::Int(-10)));
        assert!(call("bin", &[Value::Int(7), Value::Int(0)]).is_null());
        assert!(call("bin", &[Value::Null, Value::Int(5)]).is_null());
        assert!(call("bin", &[dt("2020-01-01"), ts("-1h")]).is_null());
        assert_eq!(show("floor", &[dt("2017-05-15 10:20:00"), ts("1h")]), "2017-05-15T10:00:00Z");
        assert_eq!(ty("bin", &[Type::DateTime, Type::TimeSpan]), Ok(Type::DateTime));
        assert_eq!(ty("bin", &[Type::Int, Type::Long]), Ok(Type::Long));
        assert_eq!(ty("bin", &[Type::Long, Type::Real]), Ok(Type::Real));
        assert!(ty("bin", &[Type::String, Type::Long]).is_err());
        // bin_at(6.5, 2.5, 7) == 4.5; bin_at(datetime(2017-05-15 10:20), 1d, datetime(1970-01-01 12:00)) ==
        // 2017-05-14 12:00; bin_at(time(1h), 1d, 12h) == -12h.
        assert!(
            matches!(call("bin_at", &[Value::Real(6.5), Value::Real(2.5), Value::Int(7)]), Value::Real(r) if r == 4.5)
        );
        assert_eq!(
            show("bin_at", &[dt("2017-05-15 10:20:00"), ts("1d"), dt("1970-01-01 12:00:00")]),
            "2017-05-14T12:00:00Z"
        );
        assert_eq!(show("bin_at", &[ts("1h"), ts("1d"), ts("12h")]), "-12:00:00");
    }

    #[test]
    fn starts_and_ends_of_calendar_units() {
        let d = dt("2017-01-01 10:10:17");
        assert_eq!(show("startofday", std::slice::from_ref(&d)), "2017-01-01T00:00:00Z");
        assert_eq!(show("startofday", &[d.clone(), Value::Int(-1)]), "2016-12-31T00:00:00Z");
        assert_eq!(show("startofday", &[d.clone(), Value::Int(1)]), "2017-01-02T00:00:00Z");
        assert_eq!(show("startofweek", std::slice::from_ref(&d)), "2017-01-01T00:00:00Z");
        assert_eq!(show("startofweek", &[d.clone(), Value::Int(-1)]), "2016-12-25T00:00:00Z");
        assert_eq!(show("startofmonth", &[d.clone(), Value::Int(-1)]), "2016-12-01T00:00:00Z");
        assert_eq!(show("startofmonth", &[d.clone(), Value::Int(1)]), "2017-02-01T00:00:00Z");
        assert_eq!(show("startofyear", &[d.clone(), Value::Int(1)]), "2018-01-01T00:00:00Z");
        assert_eq!(show("endofday", std::slice::from_ref(&d)), "2017-01-01T23:59:59.9999999Z");
        assert_eq!(show("endofday", &[d.clone(), Value::Int(-1)]), "2016-12-31T23:59:59.9999999Z");
        assert_eq!(show("endofweek", std::slice::from_ref(&d)), "2017-01-07T23:59:59.9999999Z");
        assert_eq!(show("endofmonth", std::slice::from_ref(&d)), "2017-01-31T23:59:59.9999999Z");
        assert_eq!(show("endofmonth", &[dt("2016-02-10"), Value::Int(0)]), "2016-02-29T23:59:59.9999999Z");
        assert_eq!(show("endofyear", &[d]), "2017-12-31T23:59:59.9999999Z");
        assert!(call("startofday", &[Value::Null]).is_null());
        assert!(call("startofmonth", &[Value::DateTime(i64::MAX), Value::Int(i64::MAX)]).is_null());
        assert!(call("startofyear", &[Value::DateTime(0), Value::Int(i64::MAX / 2)]).is_null());
        assert!(call("endofmonth", &[Value::DateTime(i64::MIN), Value::Int(-(i64::MAX / 13))]).is_null());
        assert!(call("datetime_add", &[s("month"), Value::Int(i64::MAX / 20), Value::DateTime(0)]).is_null());
    }

    #[test]
    fn parts_from_the_documentation() {
        let d = dt("2017-01-01 10:10:17.1234567");
        let part = |p: &str| show("datetime_part", &[s(p), d.clone()]);
        assert_eq!(part("Year"), "2017");
        assert_eq!(part("Quarter"), "1");
        assert_eq!(part("Month"), "1");
        assert_eq!(part("week_of_year"), "52");
        assert_eq!(part("Day"), "1");
        assert_eq!(part("DayOfYear"), "1");
        assert_eq!(part("Hour"), "10");
        assert_eq!(part("Minute"), "10");
        assert_eq!(part("Second"), "17");
        assert_eq!(part("Millisecond"), "123");
        assert_eq!(part("Microsecond"), "123456");
        assert_eq!(part("Nanosecond"), "123456700");
        assert_eq!(show("dayofweek", &[dt("1947-11-30 10:00:05")]), "00:00:00");
        assert_eq!(show("dayofweek", &[dt("1970-05-11")]), "1.00:00:00");
        assert_eq!(show("dayofmonth", &[dt("2015-12-14")]), "14");
        assert_eq!(show("dayofyear", &[dt("2015-12-14")]), "348");
        assert_eq!(show("hourofday", &[dt("2015-12-14 18:54:00")]), "18");
        assert_eq!(show("getmonth", &[dt("2015-10-12")]), "10");
        assert_eq!(show("getyear", &[dt("2015-10-12")]), "2015");
        assert_eq!(show("weekofyear", &[dt("2020-12-31")]), "53");
        assert_eq!(show("weekofyear", &[dt("2020-06-15")]), "25");
        assert_eq!(show("weekofyear", &[dt("1970-01-01")]), "1");
        assert_eq!(show("weekofyear", &[dt("2020-01-01")]), "1");
        assert_eq!(ty("datetime_part", &[Type::String, Type::DateTime]), Ok(Type::Int));
    }

    #[test]
    fn add_and_diff_from_the_documentation() {
        let base = dt("2017-10-30 01:02:03.7654321");
        let add = |p: &str, n: i64| show("datetime_add", &[s(p), Value::Int(n), base.clone()]);
        assert_eq!(add("year", 1), "2018-10-30T01:02:03.7654321Z");
        assert_eq!(add("quarter", 1), "2018-01-30T01:02:03.7654321Z");
        assert_eq!(add("month", 1), "2017-11-30T01:02:03.7654321Z");
        assert_eq!(add("week", 1), "2017-11-06T01:02:03.7654321Z");
        assert_eq!(add("day", 1), "2017-10-31T01:02:03.7654321Z");
        assert_eq!(add("hour", 1), "2017-10-30T02:02:03.7654321Z");
        assert_eq!(add("minute", 1), "2017-10-30T01:03:03.7654321Z");
        assert_eq!(add("second", 1), "2017-10-30T01:02:04.7654321Z");
        assert_eq!(show("datetime_add", &[s("month"), Value::Int(1), dt("2017-01-31")]), "2017-02-28T00:00:00Z");
        let diff = |p: &str, a: &str, b: &str| show("datetime_diff", &[s(p), dt(a), dt(b)]);
        assert_eq!(diff("year", "2017-01-01", "2000-12-31"), "17");
        assert_eq!(diff("quarter", "2017-07-01", "2017-03-30"), "2");
        assert_eq!(diff("month", "2017-01-01", "2015-12-30"), "13");
        assert_eq!(diff("week", "2017-10-29 00:00", "2017-09-30 23:59"), "5");
        assert_eq!(diff("day", "2017-10-29 00:00", "2017-09-30 23:59"), "29");
        assert_eq!(diff("hour", "2017-10-31 01:00", "2017-10-30 23:59"), "2");
        assert_eq!(diff("minute", "2017-10-30 23:05:01", "2017-10-30 23:00:59"), "5");
        assert_eq!(diff("second", "2017-10-30 23:00:10.100", "2017-10-30 23:00:00.900"), "10");
        assert_eq!(diff("millisecond", "2017-10-30 23:00:00.200100", "2017-10-30 23:00:00.100900"), "100");
        assert_eq!(diff("microsecond", "2017-10-30 23:00:00.1009001", "2017-10-30 23:00:00.1008009"), "100");
        assert_eq!(diff("nanosecond", "2017-10-30 23:00:00.0000000", "2017-10-30 23:00:00.0000007"), "-700");
        assert!(super::super::scalar("datetime_diff").is_some_and(|f| {
            (f.eval)(&[s("fortnight"), dt("2017-01-01"), dt("2017-01-01")], &FnCtx { now: 0 }).is_err()
        }));
    }

    #[test]
    fn construction_and_unix_times() {
        assert_eq!(show("make_datetime", &[Value::Int(2017), Value::Int(10), Value::Int(1)]), "2017-10-01T00:00:00Z");
        assert_eq!(
            show(
                "make_datetime",
                &[Value::Int(2017), Value::Int(10), Value::Int(1), Value::Int(12), Value::Int(10), Value::Real(0.7)]
            ),
            "2017-10-01T12:10:00.7Z"
        );
        assert!(call("make_datetime", &[Value::Int(2017), Value::Int(2), Value::Int(30)]).is_null());
        assert_eq!(show("make_timespan", &[Value::Int(1), Value::Int(12)]), "01:12:00");
        assert_eq!(show("make_timespan", &[Value::Int(1), Value::Int(12), Value::Real(30.55)]), "01:12:30.5500000");
        assert_eq!(
            show("make_timespan", &[Value::Int(12), Value::Int(1), Value::Int(12), Value::Real(30.55)]),
            "12.01:12:30.5500000"
        );
        assert_eq!(show("unixtime_seconds_todatetime", &[Value::Int(1546300800)]), "2019-01-01T00:00:00Z");
        assert_eq!(show("unixtime_milliseconds_todatetime", &[Value::Int(1546300800123)]), "2019-01-01T00:00:00.123Z");
        assert_eq!(
            show("unixtime_microseconds_todatetime", &[Value::Int(1546300800123456)]),
            "2019-01-01T00:00:00.123456Z"
        );
        assert_eq!(
            show("unixtime_nanoseconds_todatetime", &[Value::Int(1546300800123456700)]),
            "2019-01-01T00:00:00.1234567Z"
        );
    }

    #[test]
    fn formats_from_the_documentation() {
        let d = dt("2015-12-14 02:03:04.12345");
        let f = |format: &str| show("format_datetime", &[d.clone(), s(format)]);
        assert_eq!(f("y-M-d h:m:s.fffffff"), "15-12-14 2:3:4.1234500");
        assert_eq!(f("yy-MM-dd [HH:mm:ss]"), "15-12-14 [02:03:04]");
        assert_eq!(f("yy-MM-dd [hh:mm:ss tt]"), "15-12-14 [02:03:04 AM]");
        assert_eq!(f("yyyy-MM-dd HH:mm:ss.FFF"), "2015-12-14 02:03:04.123");
        assert_eq!(
            show("format_datetime", &[dt("2015-12-14 14:03:04"), s("yyyy-MM-dd HH:mm:ss.FFF")]),
            "2015-12-14 14:03:04"
        );
        assert_eq!(show("format_datetime", &[dt("2009-06-15 13:45:30.617"), s("fff")]), "617");
        let t = ts("29.09:00:05.12345");
        assert_eq!(show("format_timespan", &[t.clone(), s("dd.hh:mm:ss:FF")]), "29.09:00:05:12");
        assert_eq!(show("format_timespan", &[t, s("ddd.h:mm:ss [fffffff]")]), "029.9:00:05 [1234500]");
    }
}
