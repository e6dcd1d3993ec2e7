//! Time bins: the bin size a window gets by default, and the bins themselves.

use crate::model::Timestamp;
use crate::model::time::{TICKS_PER_DAY, TICKS_PER_HOUR, TICKS_PER_MINUTE};

/// Bin sizes offered, smallest first: 1 minute (the records' own grain) up to 1 day.
pub const BIN_CHOICES: [i64; 9] = [
    TICKS_PER_MINUTE,
    5 * TICKS_PER_MINUTE,
    15 * TICKS_PER_MINUTE,
    30 * TICKS_PER_MINUTE,
    TICKS_PER_HOUR,
    3 * TICKS_PER_HOUR,
    6 * TICKS_PER_HOUR,
    12 * TICKS_PER_HOUR,
    TICKS_PER_DAY,
];

/// At most this many bins in a chart by default.
pub const MAX_AUTO_BINS: i64 = 500;

/// The smallest offered bin that splits `[from, to)` into at most [`MAX_AUTO_BINS`] bins.
pub fn auto_bin(from: Timestamp, to: Timestamp) -> i64 {
    let span = (to.0 - from.0).max(1);
    BIN_CHOICES
        .into_iter()
        .find(|&bin| (span as u64).div_ceil(bin as u64) <= MAX_AUTO_BINS as u64)
        .unwrap_or(TICKS_PER_DAY)
}

/// Human text for a bin size: `1 min`, `3 h`, `1 day`.
pub fn bin_label(bin_ticks: i64) -> String {
    if bin_ticks >= TICKS_PER_DAY && bin_ticks % TICKS_PER_DAY == 0 {
        let days = bin_ticks / TICKS_PER_DAY;
        format!("{days} day{}", if days == 1 { "" } else { "s" })
    } else if bin_ticks >= TICKS_PER_HOUR && bin_ticks % TICKS_PER_HOUR == 0 {
        format!("{} h", bin_ticks / TICKS_PER_HOUR)
    } else {
        format!("{} min", (bin_ticks / TICKS_PER_MINUTE).max(1))
    }
}

/// Equal bins covering a window, aligned to the bin size from the epoch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bins {
    pub start: Timestamp,
    pub bin_ticks: i64,
    pub count: usize,
}

impl Bins {
    /// Bins covering `[from, to)`; `bin_ticks` of `None` picks [`auto_bin`].
    pub fn cover(from: Timestamp, to: Timestamp, bin_ticks: Option<i64>) -> Bins {
        let bin_ticks = bin_ticks.filter(|&b| b > 0).unwrap_or_else(|| auto_bin(from, to));
        let start = from.floor_to(bin_ticks);
        let count = ((to.0 - start.0).max(1) as u64).div_ceil(bin_ticks as u64);
        // A user-chosen 1-minute bin over years must not allocate millions of bins.
        let count = count.min(100_000) as usize;
        Bins { start, bin_ticks, count }
    }

    /// The bin of an instant, if inside.
    pub fn index(&self, time: Timestamp) -> Option<usize> {
        if time < self.start {
            return None;
        }
        let i = ((time.0 - self.start.0) / self.bin_ticks) as usize;
        (i < self.count).then_some(i)
    }

    pub fn bin_start(&self, index: usize) -> Timestamp {
        Timestamp(self.start.0 + index as i64 * self.bin_ticks)
    }

    pub fn end(&self) -> Timestamp {
        self.bin_start(self.count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_bins_keep_charts_under_500_points() {
        let t0 = Timestamp::from_unix_secs(1_790_000_000);
        let hours = |h: i64| Timestamp(t0.0 + h * TICKS_PER_HOUR);
        assert_eq!(auto_bin(t0, hours(6)), TICKS_PER_MINUTE, "360 one-minute bins");
        assert_eq!(auto_bin(t0, hours(24)), 5 * TICKS_PER_MINUTE);
        assert_eq!(auto_bin(t0, hours(24 * 30)), 3 * TICKS_PER_HOUR);
        assert_eq!(auto_bin(t0, hours(24 * 3650)), TICKS_PER_DAY);
        assert_eq!(bin_label(3 * TICKS_PER_HOUR), "3 h");
        assert_eq!(bin_label(5 * TICKS_PER_MINUTE), "5 min");
    }

    #[test]
    fn bins_align_and_index() {
        let from = Timestamp::parse("2026-10-05T08:07:30Z").unwrap_or(Timestamp(0));
        let to = Timestamp::parse("2026-10-05T09:00:00Z").unwrap_or(Timestamp(0));
        let bins = Bins::cover(from, to, Some(15 * TICKS_PER_MINUTE));
        assert_eq!(bins.start.to_string(), "2026-10-05T08:00:00Z");
        assert_eq!(bins.count, 4);
        assert_eq!(bins.index(Timestamp::parse("2026-10-05T08:59:59Z").unwrap_or(Timestamp(0))), Some(3));
        assert_eq!(bins.index(Timestamp::parse("2026-10-05T09:00:00Z").unwrap_or(Timestamp(0))), None);
    }
}
