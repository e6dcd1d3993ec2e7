//! Trend charts of window A and window B for one selection, binned alike so the app can
//! overlay them aligned on their starts: bin `i` of each is the `i`-th bin from its own
//! window's start.

use super::window::Window;
use crate::graph::Inventory;
use crate::store::Store;
use crate::trends::{self, Selection, Series, Trend, TrendKind, TrendRequest, auto_bin};

/// The two trends of a comparison.
#[derive(Clone, Debug, PartialEq)]
pub struct Overlay {
    pub a: Trend,
    pub b: Trend,
    /// The bin size both use.
    pub bin_ticks: i64,
}

/// Computes `kind` for `selection` over both windows with one bin size: `bin_ticks`, or the
/// default bin of the longer window. Bins follow the clock, so a window that does not start on
/// a bin boundary has a first bin that starts before it.
pub fn overlay(
    store: &Store,
    inventory: &Inventory,
    kind: TrendKind,
    selection: Selection,
    (a, b): (Window, Window),
    bin_ticks: Option<i64>,
) -> Overlay {
    let longer = if a.len_ticks() >= b.len_ticks() { a } else { b };
    let bin_ticks = bin_ticks.filter(|&t| t > 0).unwrap_or_else(|| auto_bin(longer.from, longer.to));
    let trend = |w: Window| {
        let request = TrendRequest { kind, selection, from: Some(w.from), to: Some(w.to), bin_ticks: Some(bin_ticks) };
        trends::compute(store, inventory, &request)
    };
    Overlay { a: trend(a), b: trend(b), bin_ticks }
}

impl Overlay {
    /// One chart of both windows, aligned on their starts: B's time axis, B's series as
    /// "B · name" and A's as "A · name" with A's i-th bin drawn at B's i-th bin. Lines, not
    /// stacked areas, so the two windows can be read against each other.
    pub fn merged(&self) -> Trend {
        let len = self.b.len();
        let aligned =
            |values: &[f64]| -> Vec<f64> { (0..len).map(|i| values.get(i).copied().unwrap_or(f64::NAN)).collect() };
        let named = |prefix: &str, trend: &Trend| -> Vec<Series> {
            trend
                .series
                .iter()
                .map(|s| Series { name: format!("{prefix} · {}", s.name), values: aligned(&s.values) })
                .collect()
        };
        let mut series = named("B", &self.b);
        series.extend(named("A", &self.a));
        Trend { kind: self.b.kind, axis: self.b.axis, series, stacked: false }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trends::{Axis, Bins};

    fn trend(values: &[f64], start: i64) -> Trend {
        let bins = Bins { start: crate::model::Timestamp(start), bin_ticks: 10, count: values.len() };
        Trend {
            kind: TrendKind::Bytes,
            axis: Axis::Time(bins),
            series: vec![Series { name: "Bytes sent".into(), values: values.to_vec() }],
            stacked: true,
        }
    }

    #[test]
    fn merged_overlays_a_on_b_aligned_on_the_start() {
        let overlay = Overlay { a: trend(&[1.0, 2.0, 3.0], 0), b: trend(&[4.0, 5.0], 1000), bin_ticks: 10 };
        let merged = overlay.merged();
        assert_eq!(merged.axis, overlay.b.axis, "B's time axis");
        assert!(!merged.stacked);
        let names: Vec<&str> = merged.series.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["B · Bytes sent", "A · Bytes sent"]);
        assert_eq!(merged.series[0].values, [4.0, 5.0]);
        assert_eq!(merged.series[1].values, [1.0, 2.0], "A's first bins at B's first bins, its tail cut");
        let shorter = Overlay { a: trend(&[1.0], 0), b: trend(&[4.0, 5.0], 1000), bin_ticks: 10 }.merged();
        assert!(shorter.series[1].values[1].is_nan(), "A shorter than B: nothing drawn past its end");
    }
}
