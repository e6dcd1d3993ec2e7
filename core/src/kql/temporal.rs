//! Datetime and timespan texts as Kusto reads and writes them: timespan literals (`5m`,
//! `1.5h`, `2tick`), `time(...)` / `totimespan` text (`1.02:03:04.5`), `datetime(...)` /
//! `todatetime` text (ISO 8601 and the RFC 822 / RFC 850 forms), and the .NET `c` timespan
//! format Kusto prints (`1.02:03:04.5000000`, `-00:05:00`).
//!
//! All instants are 100 ns ticks since the Unix epoch (the store's [`Timestamp`]); spans are
//! ticks too.

use crate::model::time::{
    TICKS_PER_DAY, TICKS_PER_HOUR, TICKS_PER_MILLI, TICKS_PER_MINUTE, TICKS_PER_SEC, Timestamp, days_from_civil,
};

/// .NET ticks (counted from 0001-01-01) at the Unix epoch: `tolong(datetime)` counts from
/// 0001-01-01 as Kusto does, while values here count from 1970.
pub const DOTNET_EPOCH_TICKS: i64 = 621_355_968_000_000_000;

/// Ticks of one unit of a timespan literal's suffix, as the Kusto lexer accepts them.
fn unit_ticks(unit: &str) -> Option<i64> {
    Some(match unit.to_ascii_lowercase().as_str() {
        "d" | "day" | "days" => TICKS_PER_DAY,
        "h" | "hr" | "hrs" | "hour" | "hours" => TICKS_PER_HOUR,
        "m" | "min" | "minute" | "minutes" => TICKS_PER_MINUTE,
        "s" | "sec" | "second" | "seconds" => TICKS_PER_SEC,
        "ms" | "milli" | "millis" | "millisecond" | "milliseconds" => TICKS_PER_MILLI,
        "microsecond" | "microseconds" => 10,
        "tick" | "ticks" => 1,
        _ => return None,
    })
}

/// `number * unit` in ticks, rounded to the nearest tick; `None` on overflow.
fn scaled(number: &str, unit: i64) -> Option<i64> {
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    if let Ok(whole) = number.parse::<i64>() {
        return whole.checked_mul(unit);
    }
    let real: f64 = number.parse().ok()?;
    let ticks = (real * unit as f64).round();
    (ticks.is_finite() && ticks.abs() < 9.2e18).then_some(ticks as i64)
}

/// A timespan literal as written in a query: digits (with an optional fraction) and a unit,
/// e.g. `1d`, `5m`, `1hr`, `30s`, `100ms`, `1.5h`, `10microsecond`, `2tick`.
pub fn parse_timespan_literal(text: &str) -> Option<i64> {
    let text = text.trim();
    let split = text.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
    let (number, unit) = text.split_at(split);
    scaled(number, unit_ticks(unit.trim())?)
}

/// The text inside `time(...)`/`timespan(...)` or given to `totimespan`: a literal (`5m`),
/// `n unit` (`15 seconds`), a bare number of days (`2`), or the clock form
/// `[-][d.]hh:mm[:ss[.fffffff]]` (`0.12:34:56.7`, `00:05:00`).
pub fn parse_timespan(text: &str) -> Option<i64> {
    let text = text.trim();
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest.trim_start()),
        None => (false, text),
    };
    let ticks = if body.contains(':') {
        parse_clock_span(body)?
    } else if let Some(ticks) = parse_timespan_literal(body) {
        ticks
    } else if let Some((number, unit)) = body.split_once(char::is_whitespace) {
        scaled(number, unit_ticks(unit.trim())?)?
    } else {
        scaled(body, TICKS_PER_DAY)?
    };
    Some(if negative { -ticks } else { ticks })
}

/// `[d.]hh:mm[:ss[.fffffff]]`.
fn parse_clock_span(text: &str) -> Option<i64> {
    let mut parts = text.split(':');
    let first = parts.next()?;
    let minutes = parts.next()?;
    let seconds = parts.next();
    if parts.next().is_some() {
        return None;
    }
    let (days, hours) = match first.split_once('.') {
        Some((d, h)) => (digits(d)?, digits(h)?),
        None => (0, digits(first)?),
    };
    let minutes = digits(minutes)?;
    let (secs, fraction) = match seconds {
        None => (0, 0),
        Some(s) => match s.split_once('.') {
            Some((whole, frac)) => (digits(whole)?, fraction_ticks(frac)?),
            None => (digits(s)?, 0),
        },
    };
    if hours > 23 || minutes > 59 || secs > 59 {
        return None;
    }
    days.checked_mul(TICKS_PER_DAY)?
        .checked_add(hours * TICKS_PER_HOUR + minutes * TICKS_PER_MINUTE + secs * TICKS_PER_SEC + fraction)
}

fn digits(text: &str) -> Option<i64> {
    if text.is_empty() || text.len() > 12 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// Up to 7 fractional digits as ticks (further digits are dropped, as .NET does).
fn fraction_ticks(text: &str) -> Option<i64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let kept = &text[..text.len().min(7)];
    let value: i64 = kept.parse().ok()?;
    Some(value * 10i64.pow(7 - kept.len() as u32))
}

/// The .NET `c` format Kusto prints timespans in: `[-][d.]hh:mm:ss[.fffffff]`.
pub fn format_timespan(ticks: i64) -> String {
    let negative = ticks < 0;
    let magnitude = ticks.unsigned_abs();
    let per_day = TICKS_PER_DAY as u64;
    let days = magnitude / per_day;
    let rest = magnitude % per_day;
    let secs = rest / TICKS_PER_SEC as u64;
    let fraction = rest % TICKS_PER_SEC as u64;
    let mut out = String::with_capacity(20);
    if negative {
        out.push('-');
    }
    if days > 0 {
        out.push_str(&format!("{days}."));
    }
    out.push_str(&format!("{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60));
    if fraction > 0 {
        out.push_str(&format!(".{fraction:07}"));
    }
    out
}

/// ISO 8601 in UTC with the fraction only when it is not zero: `2020-10-05T08:03:00Z`,
/// `2023-02-20T11:04:02.6371632Z`.
pub fn format_datetime(ticks: i64) -> String {
    Timestamp(ticks).to_string()
}

/// ISO 8601 with all 7 fractional digits, as Kusto writes datetimes inside dynamic values
/// (`2020-01-01T00:00:00.0000000Z`).
pub fn format_datetime_full(ticks: i64) -> String {
    let short = Timestamp(ticks).to_string();
    let body = short.trim_end_matches('Z');
    match body.split_once('.') {
        Some((whole, fraction)) => format!("{whole}.{fraction:0<7}Z"),
        None => format!("{body}.0000000Z"),
    }
}

/// A datetime text as `datetime(...)` and `todatetime()` accept it: ISO 8601 (`2014-05-25T08:20:03.123456Z`,
/// `2014-11-08 15:55`, `2014-11-08`), the export date shapes [`Timestamp::parse`] reads, and
/// RFC 822 / RFC 850 (`Sat, 8 Nov 14 15:05:02 GMT`, `Saturday, 08-Nov-14 15:05:02 GMT`).
pub fn parse_datetime(text: &str) -> Option<i64> {
    let text = text.trim();
    if let Some(t) = Timestamp::parse(text) {
        return Some(t.0);
    }
    parse_rfc822(text)
}

fn month_number(name: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    let lower = name.to_ascii_lowercase();
    let prefix = lower.get(..3)?;
    let index = MONTHS.iter().position(|m| *m == prefix)?;
    Some(index as u32 + 1)
}

/// The offset of an RFC 822 zone in seconds east of UTC.
fn zone_offset_secs(zone: &str) -> Option<i64> {
    let upper = zone.to_ascii_uppercase();
    let hours = match upper.as_str() {
        "GMT" | "UT" | "UTC" | "Z" => 0,
        "EST" => -5,
        "EDT" => -4,
        "CST" => -6,
        "CDT" => -5,
        "MST" => -7,
        "MDT" => -6,
        "PST" => -8,
        "PDT" => -7,
        _ => {
            let (sign, digits) = match upper.as_bytes().first()? {
                b'+' => (1, &upper[1..]),
                b'-' => (-1, &upper[1..]),
                _ => return None,
            };
            let digits = digits.replace(':', "");
            if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let h: i64 = digits[..2].parse().ok()?;
            let m: i64 = digits[2..].parse().ok()?;
            return Some(sign * (h * 3600 + m * 60));
        }
    };
    Some(hours * 3600)
}

/// `[Weekday, ]d Mon yy[yy] HH:MM[:SS] [zone]` and `Weekday, dd-Mon-yy HH:MM:SS zone`.
fn parse_rfc822(text: &str) -> Option<i64> {
    let body = match text.split_once(',') {
        Some((weekday, rest)) if weekday.chars().all(|c| c.is_ascii_alphabetic()) => rest,
        Some(_) => return None,
        None => text,
    };
    let mut words: Vec<&str> = body.split_whitespace().collect();
    if words.first().is_some_and(|w| w.contains('-')) {
        // RFC 850 writes the date as one word: 08-Nov-14.
        let date: Vec<&str> = words[0].split('-').collect();
        if date.len() != 3 {
            return None;
        }
        let rest = words.split_off(1);
        words = date;
        words.extend(rest);
    }
    if words.len() != 4 && words.len() != 5 {
        return None;
    }
    let day: u32 = words[0].parse().ok()?;
    let month = month_number(words[1])?;
    let year_text = words[2];
    if year_text.len() > 4 {
        return None;
    }
    let mut year: i64 = year_text.parse().ok()?;
    if year_text.len() <= 2 {
        // .NET's two-digit year window: 00-29 -> 20xx, 30-99 -> 19xx.
        year += if year < 30 { 2000 } else { 1900 };
    }
    let mut clock = words[3].split(':');
    let hour: i64 = clock.next()?.parse().ok()?;
    let minute: i64 = clock.next()?.parse().ok()?;
    let second: i64 = match clock.next() {
        Some(s) => s.parse().ok()?,
        None => 0,
    };
    if clock.next().is_some() || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let offset = match words.get(4) {
        Some(zone) => zone_offset_secs(zone)?,
        None => 0,
    };
    if !(1..=12).contains(&month) || day == 0 || day > 31 {
        return None;
    }
    let days = days_from_civil(year, month, day);
    // Reject dates that overflow the month (31 Feb): they map to another civil date.
    if crate::model::time::civil_from_days(days) != (year, month, day) {
        return None;
    }
    let secs = days * 86_400 + hour * 3600 + minute * 60 + second - offset;
    secs.checked_mul(TICKS_PER_SEC)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timespan_literals_from_the_documentation_table() {
        assert_eq!(parse_timespan_literal("2d"), Some(2 * TICKS_PER_DAY));
        assert_eq!(parse_timespan_literal("1.5h"), Some(90 * TICKS_PER_MINUTE));
        assert_eq!(parse_timespan_literal("30m"), Some(30 * TICKS_PER_MINUTE));
        assert_eq!(parse_timespan_literal("10s"), Some(10 * TICKS_PER_SEC));
        assert_eq!(parse_timespan_literal("0.1s"), Some(TICKS_PER_SEC / 10));
        assert_eq!(parse_timespan_literal("100ms"), Some(100 * TICKS_PER_MILLI));
        assert_eq!(parse_timespan_literal("10microsecond"), Some(100));
        assert_eq!(parse_timespan_literal("1tick"), Some(1));
        assert_eq!(parse_timespan_literal("1hr"), Some(TICKS_PER_HOUR));
        assert_eq!(parse_timespan_literal("5w"), None);
        assert_eq!(parse_timespan_literal("h"), None);
        assert_eq!(parse_timespan_literal("99999999999999999999d"), None);
    }

    #[test]
    fn time_texts_from_the_documentation_table() {
        assert_eq!(parse_timespan("15 seconds"), Some(15 * TICKS_PER_SEC));
        assert_eq!(parse_timespan("2"), Some(2 * TICKS_PER_DAY));
        assert_eq!(
            parse_timespan("0.12:34:56.7"),
            Some(12 * TICKS_PER_HOUR + 34 * TICKS_PER_MINUTE + 56 * TICKS_PER_SEC + 7 * TICKS_PER_SEC / 10)
        );
        assert_eq!(parse_timespan("00:05:00"), Some(5 * TICKS_PER_MINUTE));
        assert_eq!(parse_timespan("-00:05"), Some(-5 * TICKS_PER_MINUTE));
        assert_eq!(parse_timespan("1d"), Some(TICKS_PER_DAY));
        assert_eq!(parse_timespan("00:61:00"), None);
        assert_eq!(parse_timespan("abc"), None);
    }

    #[test]
    fn timespans_print_in_the_dotnet_c_format() {
        assert_eq!(format_timespan(5 * TICKS_PER_MINUTE), "00:05:00");
        assert_eq!(
            format_timespan(
                TICKS_PER_DAY + 2 * TICKS_PER_HOUR + 3 * TICKS_PER_MINUTE + 4 * TICKS_PER_SEC + TICKS_PER_SEC / 2
            ),
            "1.02:03:04.5000000"
        );
        assert_eq!(format_timespan(-5 * TICKS_PER_MINUTE), "-00:05:00");
        assert_eq!(format_timespan(0), "00:00:00");
        assert_eq!(format_timespan(1), "00:00:00.0000001");
        assert!(format_timespan(i64::MIN).starts_with('-'));
    }

    #[test]
    fn datetimes_in_every_documented_format() {
        let at = |t: &str| parse_datetime(t).map(format_datetime);
        assert_eq!(at("2014-05-25T08:20:03.123456Z").as_deref(), Some("2014-05-25T08:20:03.123456Z"));
        assert_eq!(at("2014-05-25T08:20").as_deref(), Some("2014-05-25T08:20:00Z"));
        assert_eq!(at("2014-11-08 15:55:55").as_deref(), Some("2014-11-08T15:55:55Z"));
        assert_eq!(at("2015-12-31 23:59:59.9").as_deref(), Some("2015-12-31T23:59:59.9Z"));
        assert_eq!(at("2014-11-08").as_deref(), Some("2014-11-08T00:00:00Z"));
        assert_eq!(at("Sat, 8 Nov 14 15:05:02 GMT").as_deref(), Some("2014-11-08T15:05:02Z"));
        assert_eq!(at("Sat, 8 Nov 14 15:05").as_deref(), Some("2014-11-08T15:05:00Z"));
        assert_eq!(at("8 Nov 14 15:05:02 GMT").as_deref(), Some("2014-11-08T15:05:02Z"));
        assert_eq!(at("Saturday, 08-Nov-14 15:05:02 GMT").as_deref(), Some("2014-11-08T15:05:02Z"));
        assert_eq!(at("Sat, 8 Nov 14 10:05:02 EST").as_deref(), Some("2014-11-08T15:05:02Z"));
        assert_eq!(at("31 Feb 14 10:05"), None);
        assert_eq!(at("yesterday"), None);
    }

    #[test]
    fn dynamic_datetimes_carry_seven_digits() {
        assert_eq!(format_datetime_full(0), "1970-01-01T00:00:00.0000000Z");
        assert_eq!(format_datetime_full(15), "1970-01-01T00:00:00.0000015Z");
    }
}
