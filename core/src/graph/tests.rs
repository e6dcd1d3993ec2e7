//! Behaviour tests of grouped views and inferred machines on generated estates (the rules of
//! the plain map are tested in the app's integration tests).

use super::grouping::{
    ExternalGrouping, GroupBy, UNKNOWN_GROUP, default_external_grouping, default_grouping, machine_group_name,
};
use super::view::{MapView, ViewOptions, build_view, group_members};
use super::{DependencyMap, Inventory, MapRequest, NodeKey, NodeKind, build_map};
use crate::ingest;
use crate::store::{Store, Sym};
use std::collections::{BTreeMap, BTreeSet};
use vmi_fixtures::{EstateSpec, Shape, Table, generate, write_to_bytes};

/// A generated estate loaded from portal CSV files of the given tables.
pub(crate) fn estate_store(spec: EstateSpec, tables: &[Table]) -> Store {
    let estate = generate(spec);
    let mut store = Store::default();
    for &table in tables {
        let bytes = write_to_bytes(&estate, Shape::PortalCsv, table);
        let name = Shape::PortalCsv.file_name(Some(table));
        let loaded = ingest::load_bytes(&name, &bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        store.merge(loaded.batch);
    }
    store
}

pub(crate) fn spec(machines: usize, seed: u64) -> EstateSpec {
    EstateSpec { machines, hours: 2, seed, density: 0.05, ..EstateSpec::default() }
}

struct Loaded {
    store: Store,
    inventory: Inventory,
    map: DependencyMap,
}

fn load(machines: usize, tables: &[Table]) -> Loaded {
    let store = estate_store(spec(machines, 5), tables);
    let inventory = Inventory::new(&store);
    let map = build_map(&store, &inventory, &MapRequest::default());
    Loaded { store, inventory, map }
}

/// The group name of the machine a view node belongs to (`None` for nodes of no machine).
fn group_name_of(loaded: &Loaded, key: &NodeKey, by: GroupBy) -> Option<String> {
    let machine = match *key {
        NodeKey::ClientGroup { .. } => return None,
        other => other.machine()?,
    };
    machine_group_name(&loaded.store, &loaded.inventory, machine, by)
}

#[test]
fn grouped_edges_sum_the_map_edges_between_their_groups() {
    let loaded = load(60, &Table::ALL);
    let by = GroupBy::ResourceGroup;
    let view =
        build_view(&loaded.store, &loaded.inventory, &loaded.map, &ViewOptions { group_by: by, ..Default::default() });
    let groups: Vec<&str> = view.groups.iter().map(|g| g.name.as_str()).collect();
    assert!(groups.len() > 1, "the estate has several resource groups: {groups:?}");
    // Every machine is in exactly one group, and no machine node is left on the map.
    let mut members: Vec<Sym> = view.groups.iter().flat_map(|g| g.machines.iter().copied()).collect();
    members.sort_unstable();
    let all: Vec<Sym> = loaded.map.nodes_of_kind(NodeKind::Machine).filter_map(|(_, n)| n.key.machine()).collect();
    assert_eq!(members.len(), all.len());
    assert!(view.nodes.iter().all(|n| n.kind != NodeKind::Machine && n.kind != NodeKind::Process));
    // Bytes between two groups (or a group and an endpoint) on the view equal those of the
    // map edges between their members, summed independently here.
    let end_name = |key: &NodeKey| match group_name_of(&loaded, key, by) {
        Some(group) => format!("group {group}"),
        None => format!("{key:?}"),
    };
    let mut expected: BTreeMap<(String, String), i64> = BTreeMap::new();
    for e in loaded.map.graph.edge_indices() {
        let Some((a, b)) = loaded.map.graph.edge_endpoints(e) else { continue };
        let (a, b) = (end_name(&loaded.map.graph[a].key), end_name(&loaded.map.graph[b].key));
        if a != b {
            *expected.entry((a, b)).or_default() += loaded.map.graph[e].metrics.total_bytes();
        }
    }
    let view_name = |i: usize| match view.nodes[i].node {
        NodeKey::Group { .. } => format!("group {}", view.nodes[i].label),
        key => format!("{key:?}"),
    };
    let got: BTreeMap<(String, String), i64> =
        view.edges.iter().map(|e| ((view_name(e.source), view_name(e.target)), e.metrics.total_bytes())).collect();
    assert_eq!(got, expected);
    // A group's size and members follow its machines.
    for group in &view.groups {
        let node = group.view_node.map(|i| &view.nodes[i]);
        assert_eq!(node.map(|n| n.members), Some(group.machines.len()), "group {}", group.name);
        assert_eq!(group_members(&view, &NodeKey::Group { id: group.id }), group.machines);
    }
}

#[test]
fn an_expanded_group_shows_its_machines_inside_and_finds_collapsed_ones() {
    let loaded = load(60, &Table::ALL);
    let by = GroupBy::Subnet { prefix_len: 24 };
    let options = ViewOptions { group_by: by, ..Default::default() };
    let collapsed = build_view(&loaded.store, &loaded.inventory, &loaded.map, &options);
    let Some(group) = collapsed.groups.iter().max_by_key(|g| g.machines.len()) else { panic!("no groups") };
    assert!(group.machines.len() > 1 && group.name != UNKNOWN_GROUP, "{:?}", group.name);
    // A machine inside a collapsed group is found at the group's node.
    let machine = NodeKey::Machine { machine: group.machines[0] };
    assert_eq!(collapsed.index_of_key(&loaded.map, &machine), group.view_node);
    let expanded = ViewOptions { expanded_groups: [group.id].into(), ..options.clone() };
    let view = build_view(&loaded.store, &loaded.inventory, &loaded.map, &expanded);
    let hull = view.group(group.id).and_then(|g| g.view_node).unwrap_or_else(|| panic!("group node"));
    assert!(view.nodes[hull].expanded);
    let inside: BTreeSet<Sym> = view
        .nodes
        .iter()
        .filter(|n| n.container == Some(hull))
        .filter_map(|n| match n.node {
            NodeKey::Machine { machine } => Some(machine),
            _ => None,
        })
        .collect();
    assert_eq!(inside, group.machines.iter().copied().collect(), "every machine of the group inside its hull");
    let shown = view.index_of_key(&loaded.map, &machine).unwrap_or_else(|| panic!("machine shown"));
    assert_eq!(view.nodes[shown].node, machine, "the machine is drawn as itself");
    // Expanding one of those machines puts its processes inside it.
    let key = view.nodes[shown].key;
    let deeper = ViewOptions { expanded: [key].into(), ..expanded };
    let view = build_view(&loaded.store, &loaded.inventory, &loaded.map, &deeper);
    let machine_node = view.index_of_key(&loaded.map, &machine).unwrap_or_else(|| panic!("machine shown"));
    assert_eq!(view.nodes[machine_node].container, view.group(group.id).and_then(|g| g.view_node));
    let processes: Vec<&str> = view
        .nodes
        .iter()
        .filter(|n| n.container == Some(machine_node))
        .map(|n| {
            assert_eq!(n.parent, Some(machine_node));
            n.label.as_str()
        })
        .collect();
    assert!(!processes.is_empty(), "the expanded machine shows its processes");
}

#[test]
fn big_estates_open_grouped_small_ones_do_not() {
    let small = load(30, &[Table::VMComputer, Table::VMConnection]);
    assert_eq!(default_grouping(&small.store, &small.inventory), GroupBy::None);
    assert_eq!(default_external_grouping(&small.inventory), ExternalGrouping::None);
    let big = load(200, &[Table::VMComputer, Table::VMConnection]);
    let by = default_grouping(&big.store, &big.inventory);
    assert_ne!(by, GroupBy::None);
    let names: BTreeSet<String> =
        big.inventory.machines.iter().filter_map(|&m| machine_group_name(&big.store, &big.inventory, m, by)).collect();
    assert!(names.len() > 1, "{by:?} splits the estate: {names:?}");
    // Few generated machines are in scale sets: one "(unknown)" group of most machines does
    // not count as a split, so the next key is taken.
    let lacking = big
        .inventory
        .machines
        .iter()
        .filter(|&&m| {
            machine_group_name(&big.store, &big.inventory, m, GroupBy::ScaleSet).as_deref() == Some(UNKNOWN_GROUP)
        })
        .count();
    assert!(lacking * 2 > big.inventory.machines.len(), "{lacking} machines without a scale set");
    assert_eq!(by, GroupBy::ResourceGroup);
    assert_eq!(default_external_grouping(&big.inventory), ExternalGrouping::DomainSuffix);
}

/// (client machine, server machine) of every edge between two monitored machines.
fn machine_pairs(map: &DependencyMap, store: &Store) -> BTreeSet<(String, String)> {
    let machine_of = |key: &NodeKey| match key {
        NodeKey::Machine { .. } | NodeKey::Process { .. } | NodeKey::MachinePort { .. } => key.machine(),
        _ => None,
    };
    map.graph
        .edge_indices()
        .filter_map(|e| map.graph.edge_endpoints(e))
        .filter_map(|(a, b)| {
            let (a, b) = (machine_of(&map.graph[a].key)?, machine_of(&map.graph[b].key)?);
            (a != b).then(|| (store.str(a).to_string(), store.str(b).to_string()))
        })
        .collect()
}

#[test]
fn connections_alone_link_machines_as_the_inventory_does() {
    let full = load(80, &Table::ALL);
    let bare = load(80, &[Table::VMConnection]);
    let with_inventory = machine_pairs(&full.map, &full.store);
    let inferred = machine_pairs(&bare.map, &bare.store);
    assert!(with_inventory.len() > 50, "the estate links machines: {}", with_inventory.len());
    assert_eq!(inferred, with_inventory);
    let machines = &bare.inventory.machines;
    assert!(machines.iter().any(|&m| bare.inventory.is_inferred(m)));
    assert!(full.inventory.machines.iter().all(|&m| !full.inventory.is_inferred(m)));
    assert!(bare.inventory.inferred_machine_count() > 0);
    // Fewer external endpoints without the inventory than before inference: the machines'
    // own addresses are no longer taken for unmonitored ones.
    let externals = |l: &Loaded| l.map.nodes_of_kind(NodeKind::External).count();
    assert_eq!(externals(&bare), externals(&full));
}

fn view_of(loaded: &Loaded, options: &ViewOptions) -> MapView {
    build_view(&loaded.store, &loaded.inventory, &loaded.map, options)
}

#[test]
fn external_endpoints_group_by_domain_or_as_one_internet_node() {
    use super::grouping::{ExternalGrouping, INTERNET_GROUP};
    let loaded = load(40, &Table::ALL);
    let plain = view_of(&loaded, &ViewOptions::default());
    let externals = plain.nodes.iter().filter(|n| matches!(n.kind, NodeKind::External | NodeKind::ClientGroup)).count();
    assert!(externals > 1);
    let internet = view_of(&loaded, &ViewOptions { group_externals: ExternalGrouping::Internet, ..Default::default() });
    let groups: Vec<&str> = internet.groups.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(groups, [INTERNET_GROUP]);
    assert!(internet.nodes.iter().all(|n| !matches!(n.kind, NodeKind::External | NodeKind::ClientGroup)));
    let members = internet.groups[0].map_nodes.len();
    assert_eq!(members, externals);
    let by_domain =
        view_of(&loaded, &ViewOptions { group_externals: ExternalGrouping::DomainSuffix, ..Default::default() });
    assert!(by_domain.groups.len() > 1, "{:?}", by_domain.groups.iter().map(|g| &g.name).collect::<Vec<_>>());
    assert!(by_domain.groups.iter().all(|g| g.external && g.machines.is_empty()));
}

/// Mean displacement of the nodes on both views, over the diameter of the old map.
fn displacement(old: &MapView, old_positions: &[[f32; 2]], new: &MapView, new_positions: &[[f32; 2]]) -> (f32, usize) {
    let before: BTreeMap<u64, [f32; 2]> = old.nodes.iter().map(|n| n.key).zip(old_positions.iter().copied()).collect();
    let moved: Vec<f32> = new
        .nodes
        .iter()
        .zip(new_positions)
        .filter_map(|(n, p)| before.get(&n.key).map(|b| (p[0] - b[0]).hypot(p[1] - b[1])))
        .collect();
    let (mut min, mut max) = ([f32::INFINITY; 2], [f32::NEG_INFINITY; 2]);
    for p in old_positions {
        for axis in 0..2 {
            min[axis] = min[axis].min(p[axis]);
            max[axis] = max[axis].max(p[axis]);
        }
    }
    let diameter = (max[0] - min[0]).hypot(max[1] - min[1]).max(1.0);
    let mean = moved.iter().sum::<f32>() / moved.len().max(1) as f32;
    (mean / diameter, moved.len())
}

/// Lays `new` out warm from `old` (and the pins), and checks the known map stayed put.
fn relayout(
    what: &str,
    (old, old_positions): (&MapView, &[[f32; 2]]),
    new: &MapView,
    pinned: &crate::layout::PositionMap,
) -> Vec<[f32; 2]> {
    let warm = new.warm_positions(old, old_positions);
    let positions = crate::layout::settle(new.layout_input(), &warm, pinned);
    let (moved, survivors) = displacement(old, old_positions, new, &positions);
    assert!(survivors > 0, "{what}: some nodes stay on the map");
    assert!(moved < 0.05, "{what}: surviving nodes moved {:.1}% of the map's diameter", moved * 100.0);
    let quality = crate::layout::quality(&new.layout_input(), &positions, 1);
    assert_eq!(quality.overlapping_pairs, 0, "{what}: nodes overlap after the change");
    for (node, p) in new.nodes.iter().zip(&positions) {
        if let Some(pin) = pinned.get(&node.key) {
            assert_eq!(p, pin, "{what}: the pinned node {} moved", node.label);
        }
    }
    positions
}

#[test]
fn expanding_collapsing_regrouping_and_a_new_window_keep_the_map_in_place() {
    let loaded = load(60, &Table::ALL);
    let plain = ViewOptions::default();
    let base = view_of(&loaded, &plain);
    let empty = crate::layout::PositionMap::new();
    let base_positions = crate::layout::settle(base.layout_input(), &empty, &empty);
    // The user pinned the busiest external endpoint.
    let pinned_node = base
        .nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| n.kind == NodeKind::External)
        .max_by_key(|(i, _)| base.edges.iter().filter(|e| e.source == *i || e.target == *i).count())
        .map(|(i, n)| (n.key, base_positions[i]));
    let pinned: crate::layout::PositionMap = pinned_node.into_iter().collect();
    assert_eq!(pinned.len(), 1);

    // Expand the machine with the most processes, then collapse it again.
    let Some(machine) = base.nodes.iter().filter(|n| n.kind == NodeKind::Machine).max_by_key(|n| n.children) else {
        panic!("machines on the map")
    };
    let expanded_options = ViewOptions { expanded: [machine.key].into(), ..plain.clone() };
    let expanded = view_of(&loaded, &expanded_options);
    let expanded_positions = relayout("expand", (&base, &base_positions), &expanded, &pinned);
    let collapsed = view_of(&loaded, &plain);
    relayout("collapse", (&expanded, &expanded_positions), &collapsed, &pinned);

    // Group by resource group, then expand the biggest group.
    let grouped_options = ViewOptions { group_by: GroupBy::ResourceGroup, ..plain.clone() };
    let grouped = view_of(&loaded, &grouped_options);
    let grouped_positions = relayout("group change", (&base, &base_positions), &grouped, &pinned);
    let Some(biggest) = grouped.groups.iter().max_by_key(|g| g.machines.len()) else { panic!("groups") };
    let open = ViewOptions { expanded_groups: [biggest.id].into(), ..grouped_options };
    let opened = view_of(&loaded, &open);
    relayout("expand a group", (&grouped, &grouped_positions), &opened, &pinned);

    // The second half of the window: a map of fewer rows, the same nodes where they were.
    let (first, last) = loaded
        .map
        .graph
        .edge_weights()
        .filter_map(|e| e.metrics.first_seen.zip(e.metrics.last_seen))
        .fold((i64::MAX, i64::MIN), |(lo, hi), (a, b)| (lo.min(a.0), hi.max(b.0)));
    assert!(first < last, "the estate spans time");
    let request =
        MapRequest { from: Some(crate::model::Timestamp(first + (last - first) / 2)), ..MapRequest::default() };
    let half_map = build_map(&loaded.store, &loaded.inventory, &request);
    let half = build_view(&loaded.store, &loaded.inventory, &half_map, &plain);
    assert_ne!(half.edges.len(), 0);
    relayout("window change", (&base, &base_positions), &half, &pinned);
}

#[test]
fn a_hidden_group_hides_its_machines_and_their_processes() {
    let loaded = load(40, &Table::ALL);
    let grouped = ViewOptions { group_by: GroupBy::Os, expand_all: true, ..Default::default() };
    let view = view_of(&loaded, &grouped);
    let Some(group) = view.groups.first() else { panic!("groups") };
    let hidden = view_of(&loaded, &ViewOptions { hidden: [group.id].into(), ..grouped });
    let gone: BTreeSet<Sym> = group.machines.iter().copied().collect();
    assert!(hidden.group(group.id).is_some_and(|g| g.view_node.is_none()), "the group is not drawn");
    for node in &hidden.nodes {
        assert!(!node.node.machine().is_some_and(|m| gone.contains(&m)) || node.kind == NodeKind::ClientGroup);
    }
    assert!(hidden.nodes.len() < view.nodes.len());
}
