//! The two windows of a comparison: the presets that derive window A from window B (the
//! previous period of the same length, the same hours yesterday, the same hours a week ago)
//! and the `FROM..TO` text the command line takes.

use crate::graph::MapRequest;
use crate::model::Timestamp;
use crate::model::time::TICKS_PER_DAY;

/// A closed time window `[from, to)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Window {
    pub from: Timestamp,
    pub to: Timestamp,
}

impl Window {
    /// The window of a map request, when both of its sides are set.
    pub fn of(request: &MapRequest) -> Option<Window> {
        Some(Window { from: request.from?, to: request.to? })
    }

    /// Length in ticks (never negative).
    pub fn len_ticks(self) -> i64 {
        self.to.0.saturating_sub(self.from.0).max(0)
    }

    /// The same window moved by `ticks` (negative: earlier), saturating at the ends of time.
    pub fn shifted(self, ticks: i64) -> Window {
        Window { from: Timestamp(self.from.0.saturating_add(ticks)), to: Timestamp(self.to.0.saturating_add(ticks)) }
    }

    /// A map request over this window with `focus`.
    pub fn request(self, focus: &std::collections::BTreeSet<String>) -> MapRequest {
        MapRequest { from: Some(self.from), to: Some(self.to), focus: focus.clone() }
    }
}

/// The period of the same length that ends where `b` starts.
pub fn previous_period(b: Window) -> Window {
    b.shifted(-b.len_ticks())
}

/// The same hours one day earlier.
pub fn same_hour_yesterday(b: Window) -> Window {
    b.shifted(-TICKS_PER_DAY)
}

/// The same hours seven days earlier.
pub fn same_hour_last_week(b: Window) -> Window {
    b.shifted(-7 * TICKS_PER_DAY)
}

/// The ways window A can be derived from window B.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Preset {
    PreviousPeriod,
    SameHourYesterday,
    SameHourLastWeek,
}

impl Preset {
    pub const ALL: [Preset; 3] = [Preset::PreviousPeriod, Preset::SameHourYesterday, Preset::SameHourLastWeek];

    /// The id the command line takes in place of `--a FROM..TO`.
    pub fn id(self) -> &'static str {
        match self {
            Preset::PreviousPeriod => "previous",
            Preset::SameHourYesterday => "yesterday",
            Preset::SameHourLastWeek => "last-week",
        }
    }

    pub fn from_id(id: &str) -> Option<Preset> {
        Preset::ALL.into_iter().find(|p| p.id() == id.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            Preset::PreviousPeriod => "Previous period of the same length",
            Preset::SameHourYesterday => "Same hours yesterday",
            Preset::SameHourLastWeek => "Same hours last week",
        }
    }

    /// Window A for window B.
    pub fn window_a(self, b: Window) -> Window {
        match self {
            Preset::PreviousPeriod => previous_period(b),
            Preset::SameHourYesterday => same_hour_yesterday(b),
            Preset::SameHourLastWeek => same_hour_last_week(b),
        }
    }
}

/// Why a `FROM..TO` text is not a window.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RangeError {
    #[error("{0:?} is not a window: write FROM..TO (RFC 3339, either side may be left empty)")]
    NoSeparator(String),
    #[error("{0:?} is not a date and time (use RFC 3339, e.g. 2026-10-05T08:00:00Z)")]
    BadTime(String),
    #[error("the window {0:?} ends before it starts")]
    Reversed(String),
}

/// Parses `FROM..TO` into the two sides of a map request; an empty side is open.
pub fn parse_range(text: &str) -> Result<(Option<Timestamp>, Option<Timestamp>), RangeError> {
    let Some((from, to)) = text.split_once("..") else {
        return Err(RangeError::NoSeparator(text.to_string()));
    };
    let side = |part: &str| -> Result<Option<Timestamp>, RangeError> {
        let part = part.trim();
        if part.is_empty() {
            return Ok(None);
        }
        Timestamp::parse(part).map(Some).ok_or_else(|| RangeError::BadTime(part.to_string()))
    };
    let (from, to) = (side(from)?, side(to)?);
    if let (Some(a), Some(b)) = (from, to)
        && b < a
    {
        return Err(RangeError::Reversed(text.to_string()));
    }
    Ok((from, to))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(text: &str) -> Timestamp {
        Timestamp::parse(text).unwrap()
    }

    fn window(from: &str, to: &str) -> Window {
        Window { from: t(from), to: t(to) }
    }

    #[test]
    fn presets_move_window_b_back() {
        let b = window("2026-10-05T08:00:00Z", "2026-10-05T09:30:00Z");
        assert_eq!(previous_period(b), window("2026-10-05T06:30:00Z", "2026-10-05T08:00:00Z"));
        assert_eq!(same_hour_yesterday(b), window("2026-10-04T08:00:00Z", "2026-10-04T09:30:00Z"));
        assert_eq!(same_hour_last_week(b), window("2026-09-28T08:00:00Z", "2026-09-28T09:30:00Z"));
        for preset in Preset::ALL {
            assert_eq!(Preset::from_id(preset.id()), Some(preset));
            assert_eq!(preset.window_a(b).len_ticks(), b.len_ticks(), "{preset:?} keeps the length");
        }
        let end_of_time = Window { from: Timestamp::MIN, to: Timestamp(Timestamp::MIN.0 + 10) };
        assert_eq!(previous_period(end_of_time).from, Timestamp(i64::MIN), "saturates, never overflows");
    }

    #[test]
    fn ranges_parse_with_open_sides() {
        assert_eq!(
            parse_range("2026-10-05T08:00:00Z..2026-10-05T09:00:00Z"),
            Ok((Some(t("2026-10-05T08:00:00Z")), Some(t("2026-10-05T09:00:00Z"))))
        );
        assert_eq!(parse_range("..2026-10-05T09:00:00Z"), Ok((None, Some(t("2026-10-05T09:00:00Z")))));
        assert_eq!(parse_range(".."), Ok((None, None)));
        assert_eq!(parse_range("2026-10-05"), Err(RangeError::NoSeparator("2026-10-05".into())));
        assert_eq!(parse_range("x..2026-10-05T09:00:00Z"), Err(RangeError::BadTime("x".into())));
        assert!(matches!(parse_range("2026-10-05T09:00:00Z..2026-10-05T08:00:00Z"), Err(RangeError::Reversed(_))));
    }
}
