//! Trend charts of window A and window B for one selection, binned alike so the app can
//! overlay them aligned on their starts: bin `i` of each is the `i`-th bin from its own
//! window's start.

use super::window::Window;
use crate::graph::Inventory;
use crate::store::Store;
use crate::trends::{self, Selection, Trend, TrendKind, TrendRequest, auto_bin};

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
