//! Comparing two time windows and triaging failed connections (issue 21): "what is different
//! between before and after?" and "which failed connections matter, and why do they fail?".
//!
//! - [`diff`]: the union of window A's and window B's maps, each node and edge marked new,
//!   gone, changed or unchanged, A and B metrics side by side, changes ranked by impact;
//!   [`window`] presets derive A from B.
//! - [`triage`]: a verdict with evidence for every failing (client, server, port).
//! - [`overlay`]: the trend charts of both windows with one bin size, to draw over each other.
//!
//! Both follow the documented map rules through [`crate::graph::for_each_routed_row`], so what
//! they report is what the map shows.

pub mod describe;
pub mod diff;
pub mod overlay;
mod records;
pub mod triage;
pub mod window;

pub use describe::NodeRef;
pub use diff::{Aspect, ChangeKind, Diff, EdgeDiff, NodeActivity, NodeDiff, Thresholds, diff, diff_maps};
pub use overlay::{Overlay, overlay};
pub use triage::{
    BoundListener, ClientStat, Failure, FailurePattern, Fault, Silence, Triage, Verdict, triage, triage_with_map,
};
pub use window::{Preset, RangeError, Window, parse_range};

#[cfg(test)]
mod tests;
