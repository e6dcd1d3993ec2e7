//! Machines grouped on the map (issue 20): the grouping a big estate opens with, the user's
//! choice (which wins after), expanding a group into its machines, a group's details (its
//! machines and dependencies) and trends (the sum of its machines), and how many machines
//! were inferred from connections alone.

use super::queries::{ConnectionRow, NodeDetails};
use super::{AppState, Selected};
use vmi_core::graph::{ExternalGrouping, GroupBy, NodeKey, NodeKind, default_external_grouping, default_grouping};
use vmi_core::render::theme::format_bytes;
use vmi_core::store::Sym;
use vmi_core::trends::{Selection, Trend, TrendKind, TrendRequest};

/// What the state keeps about grouping besides the view options.
#[derive(Clone, Debug, Default)]
pub struct GroupingState {
    /// The user picked a grouping (of machines or of endpoints): loads no longer choose one.
    pub chosen_by_user: bool,
    /// Machines known only from connection records (no `VMComputer` record loaded).
    pub inferred_machines: usize,
}

/// After the loaded records changed (before the map is rebuilt): count inferred machines and,
/// unless the user chose a grouping, open a big estate grouped.
pub(super) fn records_changed(state: &mut AppState) {
    if state.store.files().is_empty() {
        // Nothing loaded: the next estate gets its own default again.
        state.grouping.chosen_by_user = false;
    }
    state.grouping.inferred_machines =
        state.inventory.machines.iter().filter(|&&m| state.inventory.is_inferred(m)).count();
    if !state.grouping.chosen_by_user {
        let by = default_grouping(&state.store, &state.inventory);
        let externals = default_external_grouping(&state.inventory);
        if by != state.options.group_by || externals != state.options.group_externals {
            state.options.group_by = by;
            state.options.group_externals = externals;
            state.fit_pending = true;
        }
    }
}

/// The user chose what machines are grouped by.
pub(super) fn group_by(state: &mut AppState, by: GroupBy) {
    state.grouping.chosen_by_user = true;
    if by != state.options.group_by {
        state.options.group_by = by;
        state.fit_pending = true;
        state.rebuild_view();
    }
}

/// The user chose how external endpoints gather.
pub(super) fn group_externals(state: &mut AppState, by: ExternalGrouping) {
    state.grouping.chosen_by_user = true;
    if by != state.options.group_externals {
        state.options.group_externals = by;
        state.rebuild_view();
    }
}

/// Expands a collapsed group into its machines, or collapses an expanded one.
pub(super) fn toggle_group(state: &mut AppState, id: u64) {
    if !state.options.expanded_groups.remove(&id) {
        state.options.expanded_groups.insert(id);
    }
    state.rebuild_view();
}

/// Expands the collapsed group that holds `key` (a machine, or a process or port of one), so
/// revealing it shows it; true when a group was opened.
pub(super) fn open_group_of(state: &mut AppState, key: &NodeKey) -> bool {
    let Some(machine) = key.machine() else { return false };
    let shown = state.view.index_of_key(&state.map, &NodeKey::Machine { machine });
    let Some(group) = shown.and_then(|i| state.view.nodes.get(i)).filter(|n| n.kind == NodeKind::Group) else {
        return false;
    };
    state.options.expanded_groups.insert(group.key);
    state.rebuild_view();
    true
}

/// Adds the groups whose name (a resource group, a subnet, a DNS domain...) holds the search
/// text to its matches.
pub(super) fn add_search_matches(state: &mut AppState) {
    let needle = state.search.text.trim().to_lowercase();
    if needle.is_empty() {
        return;
    }
    for group in &state.view.groups {
        let key = NodeKey::Group { id: group.id };
        if group.name.to_lowercase().contains(&needle) && !state.search.matches.contains(&key) {
            state.search.matches.push(key);
        }
    }
}

/// The view node of a group, by its id (its layout key).
pub fn group_view_index(state: &AppState, id: u64) -> Option<usize> {
    state.view.group(id).and_then(|g| g.view_node)
}

/// The machines of the group with this id on the current view.
pub fn group_machines(state: &AppState, id: u64) -> Vec<Sym> {
    vmi_core::graph::view::group_members(&state.view, &NodeKey::Group { id })
}

/// A group's details: its machines (links that reveal them) and its dependencies on the map,
/// inbound and outbound, with bytes and failures summed over its machines.
pub(super) fn group_details(state: &AppState, id: u64) -> Option<NodeDetails> {
    let i = group_view_index(state, id)?;
    let node = state.view.nodes.get(i)?;
    let key = NodeKey::Group { id };
    let store = &state.store;
    let mut members: Vec<(String, NodeKey, bool)> = group_machines(state, id)
        .into_iter()
        .map(|machine| {
            let key = NodeKey::Machine { machine };
            let label = vmi_core::graph::build::machine_label(store, &state.inventory, machine);
            (label, key, state.map.node(&key).is_some())
        })
        .collect();
    members.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
    let inferred =
        members.iter().filter(|(_, key, _)| key.machine().is_some_and(|m| state.inventory.is_inferred(m))).count();
    let mut details =
        NodeDetails { key: Some(key), label: node.label.clone(), kind: NodeKind::Group.label(), ..Default::default() };
    // The group's own node (collapsed) or what it holds (expanded, however deep): its edges
    // to the rest of the map are its dependencies; edges inside it are not.
    let inside = held_by(state, i);
    for edge in state.view.edges.iter() {
        let held = |k: usize| inside.get(k).copied().unwrap_or(false);
        let (from, to) = (held(edge.source), held(edge.target));
        if from == to {
            continue;
        }
        let outgoing = from;
        let other = if outgoing { edge.target } else { edge.source };
        let (Some(other_key), Some(other_node)) = (state.node_key_of_view(other), state.view.nodes.get(other)) else {
            continue;
        };
        let bytes = edge.metrics.total_bytes();
        if outgoing {
            details.bytes_out = details.bytes_out.saturating_add(bytes);
        } else {
            details.bytes_in = details.bytes_in.saturating_add(bytes);
        }
        details.connections.push(ConnectionRow {
            outgoing,
            other: other_key,
            label: other_node.label.clone(),
            bytes,
            links_failed: edge.metrics.links_failed,
        });
    }
    details.connections.sort_by(|a, b| b.bytes.cmp(&a.bytes).then(a.label.cmp(&b.label)));
    let failed: i64 = details.connections.iter().map(|c| c.links_failed).fold(0, i64::saturating_add);
    details.facts = vec![
        ("Grouped by", state.options.group_by.label().to_string()),
        ("Machines", members.len().to_string()),
        ("Inferred from connections", if inferred > 0 { inferred.to_string() } else { String::new() }),
        ("Outbound", format_bytes(details.bytes_out as f64)),
        ("Inbound", format_bytes(details.bytes_in as f64)),
        ("Failed links", if failed > 0 { failed.to_string() } else { String::new() }),
    ];
    details.processes = None;
    details.members = Some(members);
    Some(details)
}

/// Per view node: whether it is group `g`'s node or sits inside it (nested containers
/// followed a few levels: group -> machine -> process).
fn held_by(state: &AppState, g: usize) -> Vec<bool> {
    state
        .view
        .nodes
        .iter()
        .enumerate()
        .map(|(j, _)| {
            let mut at = Some(j);
            for _ in 0..4 {
                match at {
                    Some(k) if k == g => return true,
                    Some(k) => at = state.view.nodes.get(k).and_then(|n| n.container.or(n.parent)),
                    None => return false,
                }
            }
            false
        })
        .collect()
}

/// The trend of a group: its machines' trends combined bin by bin, series by series. Counts
/// and bytes add up; a response-time maximum is the largest of its machines'; an average
/// cannot be pooled without each machine's response count, so the group shows the mean of its
/// machines' averages under its own name ("Machines' average").
pub(super) fn group_trend(state: &AppState, id: u64, request: &TrendRequest) -> Trend {
    let machines = group_machines(state, id);
    let trends = vmi_core::trends::compute_machines(&state.store, &state.inventory, request, &machines);
    match combine_trends(trends) {
        Some(trend) => trend,
        None => {
            // No machine: the shape of an empty selection's trend.
            let request = TrendRequest { selection: Selection::Node(NodeKey::Group { id }), ..request.clone() };
            vmi_core::trends::compute(&state.store, &state.inventory, &request)
        }
    }
}

/// How a series of machines' trends combines into the group's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Combine {
    Sum,
    Max,
    Mean,
}

fn combine_of(kind: TrendKind, series: &str) -> Combine {
    match (kind, series) {
        (TrendKind::ResponseTime, "Max") => Combine::Max,
        (TrendKind::ResponseTime, _) => Combine::Mean,
        _ => Combine::Sum,
    }
}

/// The name a combined series shows (a mean of averages is not the pooled average).
const MEAN_OF_AVERAGES: &str = "Machines' average";

/// Combines machines' trends (same kind and bins) into one; `None` for no trends.
fn combine_trends(trends: Vec<Trend>) -> Option<Trend> {
    let mut iter = trends.into_iter();
    let mut total = iter.next()?;
    let kind = total.kind;
    // Per series, per bin: how many machines had a value (for means).
    let mut counts: Vec<Vec<u32>> =
        total.series.iter().map(|s| s.values.iter().map(|v| u32::from(!v.is_nan())).collect()).collect();
    for trend in iter {
        for series in trend.series {
            let combine = combine_of(kind, &series.name);
            let Some(index) = total.series.iter().position(|s| s.name == series.name) else {
                counts.push(series.values.iter().map(|v| u32::from(!v.is_nan())).collect());
                total.series.push(series);
                continue;
            };
            let (sum, count) = (&mut total.series[index].values, &mut counts[index]);
            for ((a, n), b) in sum.iter_mut().zip(count.iter_mut()).zip(&series.values) {
                if b.is_nan() {
                    continue;
                }
                *n = n.saturating_add(1);
                *a = if a.is_nan() {
                    *b
                } else {
                    match combine {
                        Combine::Sum | Combine::Mean => *a + *b,
                        Combine::Max => a.max(*b),
                    }
                };
            }
        }
    }
    for (series, count) in total.series.iter_mut().zip(&counts) {
        if combine_of(kind, &series.name) == Combine::Mean {
            for (v, n) in series.values.iter_mut().zip(count) {
                if *n > 0 {
                    *v /= f64::from(*n);
                }
            }
            series.name = MEAN_OF_AVERAGES.to_string();
        }
    }
    Some(total)
}

/// Whether the selection is a group (its trend is summed in the app).
pub fn selected_group(state: &AppState) -> Option<u64> {
    match state.selected {
        Some(Selected::Node(NodeKey::Group { id })) => Some(id),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vmi_core::trends::{Axis, Series};

    fn trend(kind: TrendKind, series: &[(&str, &[f64])]) -> Trend {
        Trend {
            kind,
            axis: Axis::HourOfDay,
            series: series.iter().map(|(n, v)| Series { name: (*n).to_string(), values: v.to_vec() }).collect(),
            stacked: false,
        }
    }

    #[test]
    fn machines_bytes_add_up_bin_by_bin_and_series_by_name() {
        let a = trend(TrendKind::Bytes, &[("Bytes sent", &[1.0, f64::NAN, 3.0])]);
        let b = trend(TrendKind::Bytes, &[("Bytes sent", &[1.0, 2.0, f64::NAN]), ("Bytes received", &[5.0, 5.0, 5.0])]);
        let total = combine_trends(vec![a, b]).unwrap();
        assert_eq!(total.series("Bytes sent"), Some(&[2.0, 2.0, 3.0][..]));
        assert_eq!(total.series("Bytes received"), Some(&[5.0, 5.0, 5.0][..]));
        assert!(combine_trends(Vec::new()).is_none());
    }

    #[test]
    fn response_times_take_the_largest_maximum_and_the_mean_of_averages() {
        let a = trend(TrendKind::ResponseTime, &[("Average", &[10.0, f64::NAN]), ("Max", &[50.0, 7.0])]);
        let b = trend(TrendKind::ResponseTime, &[("Average", &[30.0, 4.0]), ("Max", &[40.0, f64::NAN])]);
        let total = combine_trends(vec![a, b]).unwrap();
        assert_eq!(total.series("Max"), Some(&[50.0, 7.0][..]));
        assert_eq!(total.series(MEAN_OF_AVERAGES), Some(&[20.0, 4.0][..]));
    }
}
