//! Move groups in the app: the migration plan of the map's window (`vmi_core::groups`), kept in
//! the state with the figures panels show (refreshed once per edit, never per frame), and the
//! colours it lays over the map: machines (and their processes) filled with their group's
//! colour, the edges between two groups in one cut colour.
//!
//! The plan follows the map's window: when the window or the loaded records change, the
//! machines and dependencies are collected again and the plan recomputed with its options
//! (manual moves and locks do not carry over, as machines and traffic differ).

use super::action::GroupsAction;
use super::{AppState, Effect};
use rustc_hash::FxHashMap;
use std::path::Path;
use std::sync::Arc;
use vmi_core::graph::NodeKey;
use vmi_core::groups::{
    DependencyData, GroupView, GroupingOptions, MoveStep, MoveTarget, NaiveGrouping, PartitionTotals, Plan, RuleScope,
    SharedService, nsg_security_rules, rules_csv,
};
use vmi_core::model::Timestamp;
use vmi_core::render::scene::{Marks, Rgb, kind_color};
use vmi_core::store::Sym;

/// Machines offered for exclusion as shared services, highest in-degree first.
pub const SHARED_SERVICES_LISTED: usize = 10;
/// Groups named one by one in the map's legend; the rest share one line.
pub const LEGEND_GROUPS: usize = 12;

/// Group fills, well apart from each other and from the colours that stay on the map
/// (external endpoints' orange, unmonitored clients' brown, the cut and failure strokes).
pub const GROUP_PALETTE: [Rgb; 10] = [
    [0, 114, 178],   // blue
    [0, 158, 115],   // green
    [230, 171, 2],   // mustard
    [117, 112, 179], // violet
    [86, 180, 233],  // sky
    [128, 128, 0],   // olive
    [0, 64, 110],    // navy
    [140, 200, 60],  // lime
    [190, 120, 190], // orchid
    [0, 120, 120],   // teal
];
/// Edges between machines of two groups: the dependencies a move breaks.
pub const CUT_COLOR: Rgb = [230, 0, 126];
/// Machines left out of every group.
pub const EXCLUDED_COLOR: Rgb = [175, 175, 175];

/// The colour of group `g` (colours repeat past the palette).
pub fn group_color(g: usize) -> Rgb {
    GROUP_PALETTE[g % GROUP_PALETTE.len()]
}

/// What the "Move groups" window shows of a plan, computed after each change of it.
#[derive(Clone, Debug, Default)]
pub struct Figures {
    /// Every group (empty ones too: a group keeps its index when emptied by moves).
    pub groups: Vec<GroupView>,
    /// The cut dependencies of each group (indices into the data's dependencies), by group index.
    pub cuts: Vec<Vec<usize>>,
    pub totals: PartitionTotals,
    /// The same machines grouped by resource group and by /24 subnet.
    pub naive: Vec<(NaiveGrouping, PartitionTotals)>,
    pub order: Vec<MoveStep>,
    /// Machines in no group (indices into the data's machines).
    pub excluded: Vec<usize>,
}

impl Figures {
    fn of(plan: &Plan) -> Figures {
        let groups = plan.groups();
        let cuts = groups.iter().map(|g| plan.cut(g.index)).collect();
        Figures {
            cuts,
            groups,
            totals: plan.totals(),
            naive: NaiveGrouping::ALL.iter().map(|&n| (n, plan.naive_totals(n))).collect(),
            order: plan.move_order(),
            excluded: plan.excluded(),
        }
    }
}

#[derive(Debug, Default)]
pub struct GroupsState {
    /// Machines and dependencies of the map's window, collected when the window opens, and
    /// again when the window or the records change.
    pub data: Option<Arc<DependencyData>>,
    /// The map window `data` is for.
    data_window: (Option<Timestamp>, Option<Timestamp>),
    /// The loaded records changed since `data` was collected.
    records_changed: bool,
    /// Machine index by machine id symbol, for map nodes.
    machine_by_sym: FxHashMap<Sym, usize>,
    /// Candidates for exclusion, with their in-degree.
    pub shared: Vec<SharedService>,
    pub plan: Option<Plan>,
    pub figures: Figures,
    /// The group the window shows and the map brings forward.
    pub selected: Option<usize>,
    /// The map is coloured by group.
    pub colouring: bool,
    /// Why the last computation or edit was refused, or what happened to the plan.
    pub message: Option<String>,
    /// Bumped on every change of the plan.
    pub version: u64,
    /// `marks_version` right after these groups last wrote the map's marks: another feature
    /// writing marks since then took the map over.
    marks_written: Option<u64>,
}

impl GroupsState {
    /// The machine (index into the data's machines) a map node belongs to: a machine, one of
    /// its processes or ports. Unmonitored clients and external endpoints have none.
    pub fn machine_of_key(&self, key: &NodeKey) -> Option<usize> {
        match *key {
            NodeKey::Machine { machine } | NodeKey::Process { machine, .. } | NodeKey::MachinePort { machine, .. } => {
                self.machine_by_sym.get(&machine).copied()
            }
            NodeKey::External { .. } | NodeKey::ClientGroup { .. } | NodeKey::Group { .. } => None,
        }
    }

    /// The group of a map node's machine: `Some(None)` for an excluded machine.
    pub fn group_of_key(&self, key: &NodeKey) -> Option<Option<usize>> {
        let plan = self.plan.as_ref()?;
        self.machine_of_key(key).map(|m| plan.group_of(m))
    }

    /// The machine's name, for lists.
    pub fn machine_name(&self, machine: usize) -> &str {
        self.data.as_ref().and_then(|d| d.machines.get(machine)).map_or("", |m| m.name.as_str())
    }

    /// The map is showing these groups' colours (not another feature's marks).
    fn owns_marks(&self, state_marks_version: u64) -> bool {
        self.colouring && self.marks_written == Some(state_marks_version)
    }
}

pub(super) fn groups(state: &mut AppState, action: GroupsAction, effects: &mut Vec<Effect>) {
    match action {
        GroupsAction::Compute(options) => compute(state, options),
        GroupsAction::Move { machine, target } => {
            let groups = &mut state.groups;
            let (Some(plan), Some(&m)) = (groups.plan.as_mut(), groups.machine_by_sym.get(&machine)) else {
                groups.message = Some("Compute groups first, then move machines between them.".into());
                return;
            };
            match plan.move_machine(m, target) {
                Ok(_) => {
                    groups.message = None;
                    plan_changed(state);
                }
                Err(error) => {
                    let text = format!("{} not moved: {error}", groups.machine_name(m));
                    effects.push(Effect::Toast(text.clone()));
                    groups.message = Some(text);
                }
            }
        }
        GroupsAction::SetLocked { group, locked } => {
            let groups = &mut state.groups;
            if let Some(plan) = groups.plan.as_mut() {
                match plan.set_locked(group, locked) {
                    Ok(()) => plan_changed(state),
                    Err(error) => groups.message = Some(error.to_string()),
                }
            }
        }
        GroupsAction::Select(group) => {
            let groups = &mut state.groups;
            groups.selected = group.filter(|&g| g < groups.figures.groups.len());
            // Bringing a group forward is about the map: it takes the groups' colours.
            if groups.selected.is_some() && !groups.owns_marks(state.marks_version) {
                groups.colouring = true;
                groups.marks_written = None;
            }
            refresh_marks(state);
        }
        GroupsAction::SetColouring(on) => {
            if on {
                state.groups.colouring = true;
                write_marks(state);
            } else {
                if state.groups.owns_marks(state.marks_version) {
                    state.marks = None;
                    state.marks_version += 1;
                }
                state.groups.colouring = false;
                state.groups.marks_written = None;
            }
        }
    }
}

/// The "Move groups" window opened: its machines and shared services are needed at once.
pub(super) fn window_opened(state: &mut AppState) {
    if state.groups.data.is_none() || data_stale(state) {
        collect(state);
    }
}

/// The window closed: without a plan, nothing needs the collected data any more.
pub(super) fn window_closed(state: &mut AppState) {
    if state.groups.plan.is_none() {
        state.groups.data = None;
        state.groups.shared.clear();
    }
}

/// The loaded records changed (called before the map is rebuilt).
pub(super) fn records_changed(state: &mut AppState) {
    state.groups.records_changed = true;
}

/// The map's window or the records changed: collect again and recompute the plan with its
/// options, if there is one.
pub(super) fn map_changed(state: &mut AppState) {
    if state.groups.data.is_none() || !data_stale(state) {
        state.groups.records_changed = false;
        return;
    }
    collect(state);
    let Some(options) = state.groups.plan.as_ref().map(|p| p.options().clone()) else { return };
    state.groups.plan = None;
    compute(state, options);
    if state.groups.plan.is_some() {
        state.groups.message =
            Some("Recomputed for the new window or records: moves and locks made by hand were reset.".into());
    } else {
        // The options no longer fit the records (an excluded machine is gone): no plan, no colours.
        plan_changed(state);
    }
}

/// The view was rebuilt (filters, expanded machines, new map): the marks follow its nodes.
pub(super) fn view_changed(state: &mut AppState) {
    refresh_marks(state);
}

fn data_stale(state: &AppState) -> bool {
    state.groups.records_changed || state.groups.data_window != (state.request.from, state.request.to)
}

/// Collects the machines and dependencies of the map's window.
fn collect(state: &mut AppState) {
    let data = DependencyData::collect(&state.store, &state.inventory, &state.request);
    let groups = &mut state.groups;
    groups.machine_by_sym = data.machines.iter().enumerate().map(|(i, m)| (m.sym, i)).collect();
    groups.shared = data.shared_services(SHARED_SERVICES_LISTED);
    groups.data = Some(Arc::new(data));
    groups.data_window = (state.request.from, state.request.to);
    groups.records_changed = false;
}

/// Groups the machines of the data (locked groups of a plan on the same data are kept).
fn compute(state: &mut AppState, options: GroupingOptions) {
    if state.groups.data.is_none() || data_stale(state) {
        collect(state);
    }
    let groups = &mut state.groups;
    let Some(data) = groups.data.clone() else { return };
    if data.machines.is_empty() {
        groups.plan = None;
        groups.message = Some("No monitored machines in the loaded records to group.".into());
        plan_changed(state);
        return;
    }
    let same_data = groups.plan.as_ref().is_some_and(|p| std::ptr::eq(p.data(), data.as_ref()));
    let result = match groups.plan.as_mut() {
        Some(plan) if same_data => plan.regroup(options).map(|()| None),
        _ => Plan::new(data, options).map(Some),
    };
    match result {
        Ok(new_plan) => {
            if let Some(plan) = new_plan {
                groups.plan = Some(plan);
            }
            groups.message = None;
            groups.selected = None;
            // Computing asks to see the groups: the map takes their colours.
            groups.colouring = true;
            groups.marks_written = None;
            plan_changed(state);
        }
        Err(error) => groups.message = Some(format!("Groups not computed: {error}")),
    }
}

/// The plan changed: its figures and the map's colours follow.
fn plan_changed(state: &mut AppState) {
    let groups = &mut state.groups;
    groups.version += 1;
    groups.figures = groups.plan.as_ref().map(Figures::of).unwrap_or_default();
    if groups.selected.is_some_and(|g| g >= groups.figures.groups.len()) {
        groups.selected = None;
    }
    refresh_marks(state);
}

/// Writes the marks again if the map shows the groups' colours.
fn refresh_marks(state: &mut AppState) {
    if state.groups.owns_marks(state.marks_version) {
        write_marks(state);
    } else if state.groups.colouring && state.groups.marks_written.is_none() {
        // Colouring was asked for before there was a plan to colour by.
        write_marks(state);
    } else if state.groups.colouring {
        // Another feature laid its colours over the map since: it has the map now.
        state.groups.colouring = false;
        state.groups.marks_written = None;
    }
}

/// Lays the groups' colours over the map, or takes them off when there is no plan any more.
fn write_marks(state: &mut AppState) {
    let marks = marks(state);
    if marks.is_none() && !state.groups.owns_marks(state.marks_version) {
        return;
    }
    state.marks = marks;
    state.marks_version += 1;
    state.groups.marks_written = Some(state.marks_version);
}

/// The groups' colours over the current view. With a group selected, only it, its cut edges
/// and the machines at their other ends are marked; the rest fades.
pub fn marks(state: &AppState) -> Option<Marks> {
    let groups = &state.groups;
    let plan = groups.plan.as_ref()?;
    let figures = &groups.figures;
    let selected = groups.selected;
    // The group of each view node: None for nodes of no machine, Some(None) when excluded.
    let of_node: Vec<Option<Option<usize>>> = state
        .view
        .nodes
        .iter()
        .map(|node| {
            let key = state.map.graph.node_weight(node.map_node?).map(|n| n.key)?;
            groups.machine_of_key(&key).map(|m| plan.group_of(m))
        })
        .collect();
    let mut marks = Marks { fade_unmarked: selected.is_some(), ..Marks::default() };
    let fill = |group: Option<usize>| group.map_or(EXCLUDED_COLOR, group_color);
    let mut neighbours = vec![false; of_node.len()];
    for edge in &state.view.edges {
        let (Some(&a), Some(&b)) = (of_node.get(edge.source), of_node.get(edge.target)) else { continue };
        let (Some(source), Some(target)) = (state.view.nodes.get(edge.source), state.view.nodes.get(edge.target))
        else {
            continue;
        };
        let color = match selected {
            None => match (a, b) {
                (Some(Some(x)), Some(Some(y))) if x != y => Some(CUT_COLOR),
                _ => None,
            },
            Some(g) => {
                let inside = |end: Option<Option<usize>>| end == Some(Some(g));
                if inside(a) && inside(b) {
                    Some(group_color(g))
                } else if inside(a) || inside(b) {
                    // Everything crossing its boundary (to another group, an excluded machine,
                    // an external address) needs a rule when it moves.
                    neighbours[edge.source] = true;
                    neighbours[edge.target] = true;
                    Some(CUT_COLOR)
                } else {
                    None
                }
            }
        };
        if let Some(color) = color {
            marks.edges.insert((source.key, target.key), color);
        }
    }
    for (i, node) in state.view.nodes.iter().enumerate() {
        let neighbour = neighbours.get(i).copied().unwrap_or(false);
        let fill = match (of_node.get(i).copied().flatten(), selected) {
            (Some(group), None) => fill(group),
            (Some(group), Some(g)) if group == Some(g) || neighbour => fill(group),
            // An external end of the selected group's cut keeps its own colour.
            (None, Some(_)) if neighbour => kind_color(node.kind),
            _ => continue,
        };
        marks.nodes.insert(node.key, fill);
    }
    let filled: Vec<&GroupView> = figures.groups.iter().filter(|g| !g.machines.is_empty()).collect();
    for group in filled.iter().take(LEGEND_GROUPS) {
        let machines = group.machines.len();
        let noun = if machines == 1 { "machine" } else { "machines" };
        let lock = if group.locked { ", locked" } else { "" };
        marks.legend.push((format!("{} ({machines} {noun}{lock})", group.name), group_color(group.index)));
    }
    if let Some(first_unlisted) = filled.get(LEGEND_GROUPS) {
        let more = filled.len() - LEGEND_GROUPS;
        marks.legend.push((format!("{more} more groups (colours repeat)"), group_color(first_unlisted.index)));
    }
    if !figures.excluded.is_empty() {
        let n = figures.excluded.len();
        marks.legend.push((format!("Excluded ({n} {})", if n == 1 { "machine" } else { "machines" }), EXCLUDED_COLOR));
    }
    let cut = match selected.and_then(|g| figures.groups.get(g)) {
        Some(group) => format!("Cut: crosses {}'s boundary", group.name),
        None => "Cut: between groups".to_string(),
    };
    marks.legend.push((cut, CUT_COLOR));
    Some(marks)
}

/// The groups as CSV (group, machine, FQDN, IPs, resource group, OS, size).
pub(super) fn groups_file(state: &AppState) -> Result<Vec<u8>, String> {
    let plan = state.groups.plan.as_ref().ok_or("no groups computed")?;
    Ok(plan.groups_csv().into_bytes())
}

/// The firewall rules of `scope`: CSV, or an NSG `securityRules` fragment for `.json`.
pub(super) fn rules_file(state: &AppState, scope: &RuleScope, name: &str, path: &Path) -> Result<Vec<u8>, String> {
    let plan = state.groups.plan.as_ref().ok_or("no groups computed")?;
    let rules = plan.firewall_rules(scope);
    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or_default().to_ascii_lowercase();
    match extension.as_str() {
        "csv" => Ok(rules_csv(&rules).into_bytes()),
        "json" => {
            let prefix: String =
                name.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
            let fragment = nsg_security_rules(&rules, &prefix).map_err(|e| e.to_string())?;
            serde_json::to_string_pretty(&fragment).map(String::into_bytes).map_err(|e| e.to_string())
        }
        _ => Err("use .csv or .json (an NSG securityRules fragment)".to_string()),
    }
}

/// Where a machine can be moved, as the canvas's menu and the window offer it.
pub fn move_targets(state: &AppState, machine: usize) -> Vec<(String, MoveTarget)> {
    let groups = &state.groups;
    let Some(plan) = groups.plan.as_ref() else { return Vec::new() };
    let current = plan.group_of(machine);
    let mut targets: Vec<(String, MoveTarget)> = groups
        .figures
        .groups
        .iter()
        .filter(|g| Some(g.index) != current && !g.locked && !g.machines.is_empty())
        .map(|g| (format!("{} ({} machines)", g.name, g.machines.len()), MoveTarget::Group(g.index)))
        .collect();
    targets.push(("New group".to_string(), MoveTarget::NewGroup));
    if current.is_some() {
        targets.push(("Exclude".to_string(), MoveTarget::Excluded));
    }
    targets
}
