//! UTC instants as Log Analytics keeps them: 100-nanosecond ticks (7 fractional digits),
//! counted from the Unix epoch, and the date texts the exports write.

use std::fmt;

/// Ticks of 100 ns per second: Kusto datetimes carry 7 fractional digits.
pub const TICKS_PER_SEC: i64 = 10_000_000;
pub const TICKS_PER_MILLI: i64 = 10_000;
pub const TICKS_PER_MINUTE: i64 = 60 * TICKS_PER_SEC;
pub const TICKS_PER_HOUR: i64 = 60 * TICKS_PER_MINUTE;
pub const TICKS_PER_DAY: i64 = 24 * TICKS_PER_HOUR;

/// A UTC instant in 100 ns ticks since 1970-01-01T00:00:00Z.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub i64);

impl Timestamp {
    pub const MIN: Timestamp = Timestamp(i64::MIN + 1);
    pub const MAX: Timestamp = Timestamp(i64::MAX);

    pub fn from_unix_secs(secs: i64) -> Self {
        Timestamp(secs.saturating_mul(TICKS_PER_SEC))
    }

    pub fn unix_secs(self) -> i64 {
        self.0.div_euclid(TICKS_PER_SEC)
    }

    /// Milliseconds since the epoch: the precision every export shape shares
    /// (the portal CSV drops everything below the millisecond).
    pub fn unix_millis(self) -> i64 {
        self.0.div_euclid(TICKS_PER_MILLI)
    }

    /// Start of the bin of `bin_ticks` that holds this instant (bins aligned to the epoch).
    pub fn floor_to(self, bin_ticks: i64) -> Timestamp {
        Timestamp(self.0 - self.0.rem_euclid(bin_ticks.max(1)))
    }

    /// Hour of the day, 0-23, in UTC.
    pub fn hour_of_day(self) -> u32 {
        // rem_euclid keeps instants before 1970 in 0..24.
        (self.0.rem_euclid(TICKS_PER_DAY) / TICKS_PER_HOUR) as u32
    }

    /// Parses any date text the supported exports write; `None` when it is not a date.
    pub fn parse(text: &str) -> Option<Timestamp> {
        parse_timestamp(text)
    }
}

/// RFC 3339 in UTC, with the fraction only as long as it needs to be:
/// `2026-10-05T08:03:00Z`, `2023-02-20T11:04:02.6371632Z`.
impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let days = self.0.div_euclid(TICKS_PER_DAY);
        let ticks_of_day = self.0.rem_euclid(TICKS_PER_DAY);
        let (year, month, day) = civil_from_days(days);
        let secs_of_day = ticks_of_day / TICKS_PER_SEC;
        let fraction = ticks_of_day % TICKS_PER_SEC;
        write!(
            f,
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}",
            secs_of_day / 3600,
            secs_of_day / 60 % 60,
            secs_of_day % 60
        )?;
        if fraction != 0 {
            let digits = format!("{fraction:07}");
            write!(f, ".{}", digits.trim_end_matches('0'))?;
        }
        f.write_str("Z")
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day count since 1970-01-01.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

/// A tiny cursor over ASCII date text.
struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn eat(&mut self, byte: u8) -> bool {
        if self.peek() == Some(byte) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn skip_spaces(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.pos += 1;
        }
    }

    /// Up to `max` digits as a number and how many digits were read.
    fn number(&mut self, max: usize) -> Option<(i64, usize)> {
        let start = self.pos;
        let mut value: i64 = 0;
        while self.pos - start < max {
            match self.peek() {
                Some(d @ b'0'..=b'9') => {
                    value = value * 10 + i64::from(d - b'0');
                    self.pos += 1;
                }
                _ => break,
            }
        }
        let digits = self.pos - start;
        (digits > 0).then_some((value, digits))
    }

    fn at_end(&self) -> bool {
        self.pos >= self.bytes.len()
    }
}

/// Accepts ISO 8601 / RFC 3339 (`2023-02-20T11:04:02.6371632Z`, with `T` or a space, with an
/// offset or none meaning UTC), the portal's en-US text (`10/5/2026, 8:03:00.000 AM`), ja-JP
/// (`2020/10/16 0:00:01.403`), day-first locales (`16/10/2020 00:00:01`, `16.10.2020, 00:00:01`).
fn parse_timestamp(text: &str) -> Option<Timestamp> {
    let text = text.trim();
    let mut c = Cursor { bytes: text.as_bytes(), pos: 0 };
    let (first, first_digits) = c.number(4)?;
    let separator = c.peek()?;
    if !matches!(separator, b'-' | b'/' | b'.') {
        return None;
    }
    c.pos += 1;
    let (second, _) = c.number(2)?;
    if !c.eat(separator) {
        return None;
    }
    let (third, third_digits) = c.number(4)?;
    let (year, month, day) = if first_digits == 4 {
        (first, second, third)
    } else if third_digits == 4 {
        // Month-first or day-first: decided by the values, then by the clock style below.
        (third, first, second)
    } else {
        return None;
    };
    // Optional ',' then 'T' or spaces before the time of day.
    c.eat(b',');
    let has_time = if c.eat(b'T') || c.eat(b't') {
        true
    } else {
        c.skip_spaces();
        !c.at_end()
    };
    let (mut hour, mut minute, mut second_of_minute, mut fraction_ticks) = (0i64, 0i64, 0i64, 0i64);
    let mut meridiem: Option<bool> = None; // Some(true) = PM
    let mut offset_secs: i64 = 0;
    if has_time {
        hour = c.number(2)?.0;
        if !c.eat(b':') {
            return None;
        }
        minute = c.number(2)?.0;
        if c.eat(b':') {
            second_of_minute = c.number(2)?.0;
            if c.eat(b'.') || c.eat(b',') {
                let start = c.pos;
                let mut ticks = 0i64;
                while let Some(d @ b'0'..=b'9') = c.peek() {
                    if c.pos - start < 7 {
                        ticks = ticks * 10 + i64::from(d - b'0');
                    }
                    c.pos += 1;
                }
                let digits = (c.pos - start).min(7) as u32;
                if digits == 0 {
                    return None;
                }
                fraction_ticks = ticks * 10i64.pow(7 - digits);
            }
        }
        c.skip_spaces();
        let rest = &text[c.pos..];
        let upper = rest.get(..2).map(str::to_ascii_uppercase);
        if upper.as_deref() == Some("AM") || upper.as_deref() == Some("PM") {
            meridiem = Some(upper.as_deref() == Some("PM"));
            c.pos += 2;
            c.skip_spaces();
        }
        match c.peek() {
            None => {}
            Some(b'Z' | b'z') => c.pos += 1,
            Some(sign @ (b'+' | b'-')) => {
                c.pos += 1;
                let (oh, _) = c.number(2)?;
                c.eat(b':');
                let om = c.number(2).map_or(0, |(m, _)| m);
                // Real offsets run from -12:00 to +14:00, in whole or half hours and 45 minutes.
                if oh > 14 || om > 59 {
                    return None;
                }
                offset_secs = (oh * 3600 + om * 60) * if sign == b'-' { -1 } else { 1 };
            }
            Some(_) => return None,
        }
        if !c.at_end() {
            return None;
        }
    }
    let (month, day) =
        if first_digits == 4 { (month, day) } else { order_month_day(month, day, separator, meridiem.is_some())? };
    if let Some(pm) = meridiem {
        if !(1..=12).contains(&hour) {
            return None;
        }
        hour = match (pm, hour) {
            (false, 12) => 0,
            (true, 12) => 12,
            (true, h) => h + 12,
            (false, h) => h,
        };
    }
    let month = u32::try_from(month).ok()?;
    let day = u32::try_from(day).ok()?;
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    if hour > 23 || minute > 59 || second_of_minute > 60 {
        return None;
    }
    let days = days_from_civil(year, month, day);
    let secs = days * 86_400 + hour * 3600 + minute * 60 + second_of_minute - offset_secs;
    Some(Timestamp(secs * TICKS_PER_SEC + fraction_ticks))
}

/// `a/b/yyyy` is month-first in en-US (which writes AM/PM) and day-first in most other
/// locales; a component above 12 settles it either way. Dotted dates are always day-first.
fn order_month_day(a: i64, b: i64, separator: u8, twelve_hour_clock: bool) -> Option<(i64, i64)> {
    if separator == b'.' || a > 12 {
        Some((b, a))
    } else if b > 12 || twelve_hour_clock {
        Some((a, b))
    } else {
        Some((b, a))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> String {
        Timestamp::parse(text).map_or_else(|| "none".to_string(), |t| t.to_string())
    }

    #[test]
    fn parses_every_export_date_style() {
        assert_eq!(at("2023-02-20T11:04:02.6371632Z"), "2023-02-20T11:04:02.6371632Z");
        assert_eq!(at("2026-10-05T08:03:00Z"), "2026-10-05T08:03:00Z");
        assert_eq!(at("2026-10-05 08:03:00"), "2026-10-05T08:03:00Z");
        assert_eq!(at("2026-10-05T10:03:00+02:00"), "2026-10-05T08:03:00Z");
        assert_eq!(at("10/5/2026, 8:03:00.000 AM"), "2026-10-05T08:03:00Z");
        assert_eq!(at("7/18/2025, 12:26:46.737 PM"), "2025-07-18T12:26:46.737Z");
        assert_eq!(at("7/18/2025, 12:26:46.737 AM"), "2025-07-18T00:26:46.737Z");
        assert_eq!(at("2020/10/16 0:00:01.403"), "2020-10-16T00:00:01.403Z");
        assert_eq!(at("16/10/2020 00:00:01"), "2020-10-16T00:00:01Z");
        assert_eq!(at("16.10.2020, 00:00:01"), "2020-10-16T00:00:01Z");
        assert_eq!(at("2026-10-05"), "2026-10-05T00:00:00Z");
    }

    #[test]
    fn rejects_text_that_is_not_a_date() {
        for bad in ["", "abc", "2026-13-01", "2026-02-30T00:00:00Z", "1/2/3", "12:00", "2026-01-01Tx"] {
            assert_eq!(at(bad), "none", "{bad:?}");
        }
    }

    #[test]
    fn civil_round_trip() {
        for days in [-800_000, -1, 0, 1, 19_000, 20_731, 2_000_000] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(Timestamp::parse("2026-10-05T13:00:00Z").map(Timestamp::hour_of_day), Some(13));
    }
}
