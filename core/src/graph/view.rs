//! What the map shows: the map after the user's filters, with machines gathered into groups
//! (resource group, subnet...), groups collapsed into one node or expanded into their machines,
//! and machines collapsed into one node or expanded into their processes and ports (Service Map
//! style): group -> machine -> process. The canvas, the layout and picture exports all draw
//! this same view.

use super::grouping::{
    EXTERNAL_SCOPE, ExternalGrouping, GroupBy, MachineGroups, external_group_name, group_id, machine_scope,
};
use super::{DependencyMap, EdgeMetrics, Inventory, NodeKey, NodeKind};
use crate::model::TableKind;
use crate::model::schema::{computer, process};
use crate::store::{Store, Sym};
use petgraph::stable_graph::{EdgeIndex, NodeIndex};
use petgraph::visit::EdgeRef;
use rustc_hash::FxHashMap;
use std::collections::BTreeSet;

/// The user's choices about what to show.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct ViewOptions {
    /// Machines shown with their processes inside (by layout key); the rest are one node.
    pub expanded: BTreeSet<u64>,
    /// Show every machine expanded.
    pub expand_all: bool,
    pub hide_localhost: bool,
    pub hide_client_groups: bool,
    pub failed_only: bool,
    pub malicious_only: bool,
    /// Edges with fewer bytes (both directions) are hidden.
    pub min_bytes: i64,
    /// Machines of these OS families only (`windows`, `linux`); empty shows all.
    pub os_families: BTreeSet<String>,
    /// Machines in these Azure locations only; empty shows all.
    pub locations: BTreeSet<String>,
    /// Nodes the user hid (by layout key).
    pub hidden: BTreeSet<u64>,
    /// What machines are gathered by; each group is one node until expanded.
    pub group_by: GroupBy,
    /// Groups shown as their members inside a hull (by group layout key, the id of
    /// `NodeKey::Group`).
    pub expanded_groups: BTreeSet<u64>,
    /// How external endpoints and unmonitored client groups are gathered.
    pub group_externals: ExternalGrouping,
}

/// What a server does, guessed from process names and `VMProcess.Role`, for map glyphs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    Database,
    Directory,
    Web,
    Monitoring,
}

impl Role {
    pub fn label(self) -> &'static str {
        match self {
            Role::Database => "database server",
            Role::Directory => "directory server",
            Role::Web => "web server",
            Role::Monitoring => "monitoring",
        }
    }

    /// A one-letter glyph drawn inside the node.
    pub fn glyph(self) -> &'static str {
        match self {
            Role::Database => "D",
            Role::Directory => "A",
            Role::Web => "W",
            Role::Monitoring => "M",
        }
    }

    /// From an executable name or a `Role` value.
    pub fn guess(name: &str) -> Option<Role> {
        let name = name.to_ascii_lowercase();
        let any = |words: &[&str]| words.iter().any(|w| name.contains(w));
        if any(&["sql", "postgres", "mysql", "mariadb", "mongod", "oracle", "redis", "cassandra", "database", "db2"]) {
            Some(Role::Database)
        } else if any(&["lsass", "slapd", "ldap", "krb5kdc", "ntds", "dirsrv", "directory"]) {
            Some(Role::Directory)
        } else if any(&["nginx", "httpd", "apache", "w3wp", "iis", "tomcat", "haproxy", "envoy", "caddy", "webserver"])
        {
            Some(Role::Web)
        } else if any(&[
            "healthservice",
            "monitoringhost",
            "prometheus",
            "zabbix",
            "datadog",
            "telegraf",
            "grafana",
            "node_exporter",
            "nagios",
            "monitor",
        ]) {
            Some(Role::Monitoring)
        } else {
            None
        }
    }
}

#[derive(Clone, Debug)]
pub struct ViewNode {
    /// Stable identity: the map node's layout key, or the group's id.
    pub key: u64,
    /// What the node shows: a map node's key, or `NodeKey::Group`.
    pub node: NodeKey,
    pub kind: NodeKind,
    pub label: String,
    /// The map node this view node stands for; `None` for a group.
    pub map_node: Option<NodeIndex>,
    /// The machine this node sits inside (an expanded machine), as a view index.
    pub parent: Option<usize>,
    /// The expanded node drawn around this one (its hull), as a view index: the expanded
    /// machine of a process or port, the expanded group of a machine or endpoint.
    pub container: Option<usize>,
    /// Processes and ports a collapsed machine holds, or an expanded one shows; a group's members.
    pub children: usize,
    /// Machines (or endpoints) a group gathers; 0 for other nodes.
    pub members: usize,
    pub expanded: bool,
    pub malicious: bool,
    pub role: Option<Role>,
    /// Size on the map, in map units.
    pub radius: f32,
}

#[derive(Clone, Debug)]
pub struct ViewEdge {
    pub source: usize,
    pub target: usize,
    pub metrics: EdgeMetrics,
    pub localhost: bool,
    /// The map edges merged into this one (several when machines or groups are collapsed).
    pub map_edges: Vec<EdgeIndex>,
}

/// One group of the view: what it gathers and where it is drawn.
#[derive(Clone, Debug)]
pub struct ViewGroup {
    /// The id of its `NodeKey::Group`, also its layout key.
    pub id: u64,
    /// The key value: a resource group, `10.0.1.0/24`, `(unknown)`, a DNS domain, `Internet`.
    pub name: String,
    /// A group of external endpoints and client groups rather than machines.
    pub external: bool,
    pub expanded: bool,
    /// Its node in the view; `None` when no member is shown (filters, no edges).
    pub view_node: Option<usize>,
    /// Its machines (sorted), for a machine group: details and trends sum these.
    pub machines: Vec<Sym>,
    /// The map nodes of its members: machines, or external endpoints and client groups.
    pub map_nodes: Vec<NodeIndex>,
    /// The keys of those members (index aligned with `map_nodes`), which stay valid when the
    /// map is rebuilt for another window.
    pub member_keys: Vec<NodeKey>,
}

#[derive(Clone, Debug, Default)]
pub struct MapView {
    pub nodes: Vec<ViewNode>,
    pub edges: Vec<ViewEdge>,
    /// The view node showing each map node: itself, or the collapsed group it is in (the
    /// processes of a collapsed machine are found through their machine, see
    /// [`MapView::index_of_key`]). The canvas looks these up every frame.
    pub by_map_node: FxHashMap<NodeIndex, usize>,
    /// The groups of the current grouping (machine groups first, by name, then external ones).
    pub groups: Vec<ViewGroup>,
}

impl MapView {
    /// The view node showing a map node: itself or its collapsed group, if shown.
    pub fn index_of(&self, map_node: NodeIndex) -> Option<usize> {
        self.by_map_node.get(&map_node).copied()
    }

    /// The view node showing `key`: itself, the collapsed machine it is in, or the collapsed
    /// group holding it; a group key finds its group's node.
    pub fn index_of_key(&self, map: &DependencyMap, key: &NodeKey) -> Option<usize> {
        if let NodeKey::Group { id } = *key {
            return self.group(id).and_then(|g| g.view_node);
        }
        let index = *map.index.get(key)?;
        let parent = map.graph.node_weight(index)?.parent;
        self.index_of(index).or_else(|| parent.and_then(|p| self.index_of(p)))
    }

    /// The group with this id (`NodeKey::Group { id }`).
    pub fn group(&self, id: u64) -> Option<&ViewGroup> {
        self.groups.iter().find(|g| g.id == id)
    }
}

/// The machines a node stands for: a group's machines, a machine itself, nothing else.
/// Details and trend charts of a group sum over these.
pub fn group_members(view: &MapView, key: &NodeKey) -> Vec<Sym> {
    match *key {
        NodeKey::Group { id } => view.group(id).map(|g| g.machines.clone()).unwrap_or_default(),
        NodeKey::Machine { machine } => vec![machine],
        _ => Vec::new(),
    }
}

/// Sums of two edges' metrics (merging edges of a collapsed machine or group); counts
/// saturate instead of overflowing, the malicious mark of either is kept.
pub fn merge_metrics(into: &mut EdgeMetrics, other: &EdgeMetrics) {
    into.bytes_sent = into.bytes_sent.saturating_add(other.bytes_sent);
    into.bytes_received = into.bytes_received.saturating_add(other.bytes_received);
    into.links_established = into.links_established.saturating_add(other.links_established);
    into.links_terminated = into.links_terminated.saturating_add(other.links_terminated);
    into.links_failed = into.links_failed.saturating_add(other.links_failed);
    into.links_live = into.links_live.saturating_add(other.links_live);
    into.responses = into.responses.saturating_add(other.responses);
    into.response_time_sum_ms = into.response_time_sum_ms.saturating_add(other.response_time_sum_ms);
    into.response_time_min_ms = min_some(into.response_time_min_ms, other.response_time_min_ms, i64::min);
    into.response_time_max_ms = min_some(into.response_time_max_ms, other.response_time_max_ms, i64::max);
    into.first_seen = min_some(into.first_seen, other.first_seen, std::cmp::min);
    into.last_seen = min_some(into.last_seen, other.last_seen, std::cmp::max);
    into.failed_minutes = into.failed_minutes.saturating_add(other.failed_minutes);
    into.rows = into.rows.saturating_add(other.rows);
    if into.malicious.is_none() {
        into.malicious.clone_from(&other.malicious);
    }
}

fn min_some<T: Copy>(a: Option<T>, b: Option<T>, pick: fn(T, T) -> T) -> Option<T> {
    match (a, b) {
        (Some(x), Some(y)) => Some(pick(x, y)),
        (x, None) => x,
        (None, y) => y,
    }
}

/// The role of a process node: from `VMProcess.Role`, else its executable and label.
pub fn process_role(store: &Store, inventory: &Inventory, key: &NodeKey, label: &str) -> Option<Role> {
    let NodeKey::Process { machine, process: p } = *key else { return None };
    if let Some(&row) = inventory.process_rows.get(&(machine, p)) {
        for column in [process::ROLE, process::EXECUTABLE_NAME] {
            if let Some(role) = Role::guess(store.text(TableKind::VMProcess, column, row)) {
                return Some(role);
            }
        }
    }
    inventory.process_names.get(&(machine, p)).and_then(|&n| Role::guess(store.str(n))).or_else(|| Role::guess(label))
}

/// Something the view draws as one node: a map node, or a group (index into the groups).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Shown {
    Node(NodeIndex),
    Group(usize),
}

/// The groups of the map's kept machines and (when asked) external nodes, and each member
/// map node's group.
fn collect_groups(
    store: &Store,
    inventory: &Inventory,
    map: &DependencyMap,
    options: &ViewOptions,
    node_kept: &dyn Fn(NodeIndex) -> bool,
) -> (Vec<ViewGroup>, FxHashMap<NodeIndex, usize>) {
    let graph = &map.graph;
    let mut groups: Vec<ViewGroup> = Vec::new();
    let mut group_of: FxHashMap<NodeIndex, usize> = FxHashMap::default();
    let new_group = |scope: &str, name: &str, external: bool| {
        let id = group_id(scope, name);
        ViewGroup {
            id,
            name: name.to_string(),
            external,
            expanded: options.expanded_groups.contains(&id),
            view_node: None,
            machines: Vec::new(),
            map_nodes: Vec::new(),
            member_keys: Vec::new(),
        }
    };
    if options.group_by != GroupBy::None {
        let machines: Vec<(NodeIndex, Sym)> = graph
            .node_indices()
            .filter_map(|i| match graph[i].key {
                NodeKey::Machine { machine } if node_kept(i) => Some((i, machine)),
                _ => None,
            })
            .collect();
        let syms: Vec<Sym> = machines.iter().map(|&(_, m)| m).collect();
        let grouped = MachineGroups::new(store, inventory, &syms, options.group_by);
        let scope = machine_scope(options.group_by);
        groups.extend(grouped.names.iter().map(|name| new_group(&scope, name, false)));
        for (index, machine) in machines {
            if let Some(group) = grouped.of_machine.get(&machine).and_then(|&g| groups.get_mut(g).map(|x| (g, x))) {
                group.1.machines.push(machine);
                group.1.map_nodes.push(index);
                group.1.member_keys.push(graph[index].key);
                group_of.insert(index, group.0);
            }
        }
        for group in &mut groups {
            group.machines.sort_unstable();
        }
    }
    if options.group_externals != ExternalGrouping::None {
        let members: Vec<(NodeIndex, String)> = graph
            .node_indices()
            .filter(|&i| matches!(graph[i].key.kind(), NodeKind::External | NodeKind::ClientGroup) && node_kept(i))
            .filter_map(|i| external_group_name(&graph[i].dns_names, options.group_externals).map(|n| (i, n)))
            .collect();
        let mut names: Vec<&str> = members.iter().map(|(_, n)| n.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        let first = groups.len();
        groups.extend(names.iter().map(|name| new_group(EXTERNAL_SCOPE, name, true)));
        for (index, name) in &members {
            if let Ok(offset) = names.binary_search(&name.as_str()) {
                let g = first + offset;
                if let Some(group) = groups.get_mut(g) {
                    group.map_nodes.push(*index);
                    group.member_keys.push(graph[*index].key);
                    group_of.insert(*index, g);
                }
            }
        }
    }
    (groups, group_of)
}

/// A group node's size: grows with the square root of its members, like an area.
pub fn group_radius(members: usize, expanded: bool) -> f32 {
    if expanded {
        base_radius(NodeKind::Group)
    } else {
        base_radius(NodeKind::Group) + 5.0 * (members as f32).sqrt().min(14.0)
    }
}

/// Applies the options to the map.
pub fn build_view(store: &Store, inventory: &Inventory, map: &DependencyMap, options: &ViewOptions) -> MapView {
    let graph = &map.graph;
    // Machines the OS / location filters keep.
    let machine_filtered = !options.os_families.is_empty() || !options.locations.is_empty();
    let machine_kept = |index: NodeIndex| -> bool {
        if !machine_filtered {
            return true;
        }
        let Some(machine) = graph[index].key.machine() else { return true };
        let row = inventory.machine_rows.get(&machine).copied();
        let value =
            |column| row.map(|r| store.text(TableKind::VMComputer, column, r).to_ascii_lowercase()).unwrap_or_default();
        let allowed =
            |set: &BTreeSet<String>, v: String| set.is_empty() || set.iter().any(|s| s.eq_ignore_ascii_case(&v));
        allowed(&options.os_families, value(computer::OPERATING_SYSTEM_FAMILY))
            && allowed(&options.locations, value(computer::AZURE_LOCATION))
    };
    let node_kept = |index: NodeIndex| -> bool {
        let node = &graph[index];
        let machine_hidden = node.parent.is_some_and(|p| options.hidden.contains(&graph[p].layout_key));
        let hidden_group = options.hide_client_groups && node.key.kind() == NodeKind::ClientGroup;
        let hidden = options.hidden.contains(&node.layout_key) || machine_hidden || hidden_group;
        !hidden && machine_kept(index)
    };
    let edge_filtered = options.failed_only || options.malicious_only || options.min_bytes > 0;
    let edge_kept = |e: &super::Edge| {
        !(options.hide_localhost && e.localhost)
            && (!options.failed_only || e.metrics.links_failed > 0)
            && (!options.malicious_only || e.metrics.malicious.is_some())
            && e.metrics.total_bytes() >= options.min_bytes
    };
    let (mut groups, group_of) = collect_groups(store, inventory, map, options, &node_kept);
    // A group the user hid takes its members (and their processes) with it.
    let in_hidden_group =
        |index: NodeIndex| group_of.get(&index).is_some_and(|&g| options.hidden.contains(&groups[g].id));
    let node_kept = |index: NodeIndex| -> bool {
        let machine = graph[index].parent.filter(|_| graph[index].key.kind() != NodeKind::ClientGroup);
        node_kept(index) && !in_hidden_group(index) && !machine.is_some_and(in_hidden_group)
    };
    let is_expanded = |machine: NodeIndex| options.expand_all || options.expanded.contains(&graph[machine].layout_key);
    let collapsed_group = |index: NodeIndex| group_of.get(&index).copied().filter(|&g| !groups[g].expanded);
    // What stands for a map node: a collapsed group stands for its machines and endpoints, a
    // collapsed machine for its processes and ports; client groups are remote clients and
    // stay outside any machine.
    let owner = |index: NodeIndex| -> Shown {
        let node = &graph[index];
        match (node.key.kind(), node.parent) {
            (NodeKind::Process | NodeKind::MachinePort, Some(machine)) => match collapsed_group(machine) {
                Some(g) => Shown::Group(g),
                None if !is_expanded(machine) => Shown::Node(machine),
                None => Shown::Node(index),
            },
            _ => collapsed_group(index).map_or(Shown::Node(index), Shown::Group),
        }
    };
    // What is drawn around a shown node, outermost first: its expanded group, its machine.
    let enclosing = |shown: Shown| -> [Option<Shown>; 2] {
        let Shown::Node(index) = shown else { return [None, None] };
        let node = &graph[index];
        let machine = node.parent.filter(|_| matches!(node.key.kind(), NodeKind::Process | NodeKind::MachinePort));
        let group = group_of.get(&machine.unwrap_or(index)).map(|&g| Shown::Group(g));
        [group, machine.map(Shown::Node)]
    };

    let mut view = MapView::default();
    let mut shown_index: FxHashMap<Shown, usize> = FxHashMap::default();
    let mut shown_of: Vec<Shown> = Vec::new();
    let mut edge_index: FxHashMap<(usize, usize), usize> = FxHashMap::default();
    let mut add_one = |view: &mut MapView, shown: Shown| -> usize {
        if let Some(&i) = shown_index.get(&shown) {
            return i;
        }
        let node = match shown {
            Shown::Node(index) => {
                let node = &graph[index];
                let kind = node.key.kind();
                ViewNode {
                    key: node.layout_key,
                    node: node.key,
                    kind,
                    label: node.label.clone(),
                    map_node: Some(index),
                    parent: None,
                    container: None,
                    children: 0,
                    members: 0,
                    expanded: kind == NodeKind::Machine && is_expanded(index),
                    malicious: !node.malicious_ips.is_empty(),
                    role: match kind {
                        NodeKind::Process => process_role(store, inventory, &node.key, &node.label),
                        _ => None,
                    },
                    radius: base_radius(kind),
                }
            }
            Shown::Group(g) => {
                let group = &groups[g];
                let members = group.map_nodes.len();
                ViewNode {
                    key: group.id,
                    node: NodeKey::Group { id: group.id },
                    kind: NodeKind::Group,
                    label: group.name.clone(),
                    map_node: None,
                    parent: None,
                    container: None,
                    children: members,
                    members,
                    expanded: group.expanded,
                    malicious: group.map_nodes.iter().any(|&m| !graph[m].malicious_ips.is_empty()),
                    role: None,
                    radius: group_radius(members, group.expanded),
                }
            }
        };
        view.nodes.push(node);
        shown_of.push(shown);
        shown_index.insert(shown, view.nodes.len() - 1);
        view.nodes.len() - 1
    };
    let mut add_node = |view: &mut MapView, shown: Shown| -> usize {
        for outer in enclosing(shown).into_iter().flatten() {
            add_one(view, outer);
        }
        add_one(view, shown)
    };
    // Machines first (stable order), so children can point at them.
    if !edge_filtered {
        for index in graph.node_indices().filter(|&i| graph[i].key.kind() == NodeKind::Machine && node_kept(i)) {
            add_node(&mut view, owner(index));
        }
    }
    let mut edges: Vec<EdgeIndex> = graph.edge_indices().collect();
    edges.sort();
    for e in edges {
        let Some((a, b)) = graph.edge_endpoints(e) else { continue };
        let weight = &graph[e];
        if !edge_kept(weight) || !node_kept(a) || !node_kept(b) {
            continue;
        }
        let (oa, ob) = (owner(a), owner(b));
        if oa == ob {
            // Traffic inside one collapsed machine or group is not drawn.
            continue;
        }
        let (va, vb) = (add_node(&mut view, oa), add_node(&mut view, ob));
        match edge_index.get(&(va, vb)) {
            Some(&i) => {
                merge_metrics(&mut view.edges[i].metrics, &weight.metrics);
                view.edges[i].localhost &= weight.localhost;
                view.edges[i].map_edges.push(e);
            }
            None => {
                edge_index.insert((va, vb), view.edges.len());
                view.edges.push(ViewEdge {
                    source: va,
                    target: vb,
                    metrics: weight.metrics.clone(),
                    localhost: weight.localhost,
                    map_edges: vec![e],
                });
            }
        }
    }
    // Parents, containers, child counts, roles and sizes.
    let mut machine_children: FxHashMap<NodeIndex, Vec<NodeIndex>> = FxHashMap::default();
    for i in graph.node_indices() {
        if let (NodeKind::Process | NodeKind::MachinePort, Some(machine)) = (graph[i].key.kind(), graph[i].parent) {
            machine_children.entry(machine).or_default().push(i);
        }
    }
    for (i, &shown) in shown_of.iter().enumerate() {
        if let Shown::Group(g) = shown {
            groups[g].view_node = Some(i);
        }
        let Shown::Node(map_node) = shown else { continue };
        let outer = enclosing(shown);
        let container = outer[1].or(outer[0]).and_then(|s| shown_index.get(&s).copied());
        let view_node = &mut view.nodes[i];
        view_node.container = container;
        let node = &graph[map_node];
        if matches!(node.key.kind(), NodeKind::Process | NodeKind::MachinePort) {
            view_node.parent = node.parent.and_then(|p| shown_index.get(&Shown::Node(p)).copied());
        }
        if node.key.kind() == NodeKind::Machine {
            let children = machine_children.get(&map_node).map_or(&[][..], Vec::as_slice);
            view_node.children = children.len();
            view_node.radius = base_radius(NodeKind::Machine) + 3.0 * (children.len() as f32).sqrt().min(6.0);
            // A machine's role is that of its busiest process with a known role.
            view_node.role = children
                .iter()
                .filter_map(|&c| {
                    let role = process_role(store, inventory, &graph[c].key, &graph[c].label)?;
                    let bytes = graph
                        .edges(c)
                        .chain(graph.edges_directed(c, petgraph::Direction::Incoming))
                        .fold(0i64, |sum, e| sum.saturating_add(e.weight().metrics.total_bytes()));
                    Some((bytes, std::cmp::Reverse(role)))
                })
                .max()
                .map(|(_, std::cmp::Reverse(role))| role);
        }
    }
    for edge in &view.edges {
        for end in [edge.source, edge.target] {
            // The flagged address is the far end: an external endpoint, a client group, or a
            // group of those.
            let remote = match shown_of[end] {
                Shown::Group(g) => groups[g].external,
                Shown::Node(_) => matches!(view.nodes[end].kind, NodeKind::External | NodeKind::ClientGroup),
            };
            view.nodes[end].malicious |= edge.metrics.malicious.is_some() && remote;
        }
    }
    for (&shown, &i) in &shown_index {
        if let Shown::Node(map_node) = shown {
            view.by_map_node.insert(map_node, i);
        }
    }
    // Members of a collapsed group are found at the group's node.
    for group in groups.iter().filter(|g| !g.expanded) {
        if let Some(i) = group.view_node {
            for &member in &group.map_nodes {
                view.by_map_node.entry(member).or_insert(i);
            }
        }
    }
    view.groups = groups;
    view
}

/// Default node sizes, in map units.
pub fn base_radius(kind: NodeKind) -> f32 {
    match kind {
        NodeKind::Machine => 16.0,
        NodeKind::Process => 8.0,
        NodeKind::MachinePort => 6.0,
        NodeKind::External | NodeKind::ClientGroup => 9.0,
        NodeKind::Group => 18.0,
    }
}

/// The map edges touching a map node, for detail panels.
pub fn edges_of(map: &DependencyMap, node: NodeIndex) -> Vec<EdgeIndex> {
    let mut edges: Vec<EdgeIndex> = map
        .graph
        .edges_directed(node, petgraph::Direction::Outgoing)
        .chain(map.graph.edges_directed(node, petgraph::Direction::Incoming))
        .map(|e| e.id())
        .collect();
    edges.sort();
    edges.dedup();
    edges
}

/// Width of one label character and height of a label, in map units at zoom 1 (the canvas
/// draws labels 12 points high): the footprint a child's label needs inside its container.
pub const LABEL_CHAR_WIDTH: f32 = 6.5;
pub const LABEL_HEIGHT: f32 = 16.0;

/// Label characters counted at most (longer labels are ellipsized when drawn).
pub const LABEL_MAX_CHARS: usize = 24;

/// Half the spacing two siblings need so that their discs and the labels centred below them
/// cannot overlap at zoom 1 or closer: the label box (width `w`, from the disc's top to the
/// label's bottom `b`) of two siblings is disjoint when their centres are `hypot(w, b)` apart.
pub fn label_footprint(radius: f32, label: &str) -> f32 {
    let width = (label.chars().count().min(LABEL_MAX_CHARS) as f32) * LABEL_CHAR_WIDTH;
    let height = 2.0 * radius + 2.0 + LABEL_HEIGHT;
    (width / 2.0).hypot(height / 2.0).max(radius)
}

impl MapView {
    /// The layout's input: one node per view node (children point at their container: a
    /// process at its machine, a machine at its expanded group), one edge per view edge
    /// weighted by its bytes. Machines and endpoints inside an expanded group take their
    /// label's footprint, so the group is sized for its members' labels; processes keep their
    /// disc (long process names would make a one-process machine a huge ring).
    pub fn layout_input(&self) -> crate::layout::LayoutInput {
        use crate::layout::{LayoutEdge, LayoutInput, LayoutNode};
        LayoutInput {
            nodes: self
                .nodes
                .iter()
                .map(|n| {
                    let parent = n.container.map(|p| p as u32);
                    let in_group = parent.is_some() && n.kind != NodeKind::Process && n.kind != NodeKind::MachinePort;
                    let radius = if in_group { label_footprint(n.radius, &n.label) } else { n.radius };
                    LayoutNode { key: n.key, radius, parent }
                })
                .collect(),
            edges: self
                .edges
                .iter()
                .map(|e| LayoutEdge {
                    source: e.source as u32,
                    target: e.target as u32,
                    bytes: e.metrics.total_bytes() as f64,
                })
                .collect(),
        }
    }

    /// Where this view's nodes start when it replaces `old` (drawn at `old_positions`, index
    /// aligned with `old.nodes`), so the map the user knows stays put: a node on both keeps its
    /// position; a new group starts at the mean position of what drew its members (where its
    /// machines were); a new node starts where the node that stood for it was (a machine of a
    /// newly expanded group at the group, a process at its machine). Nodes with no such
    /// position are left to the layout, which puts them near their neighbours.
    pub fn warm_positions(&self, old: &MapView, old_positions: &[[f32; 2]]) -> crate::layout::PositionMap {
        let mut by_key: FxHashMap<NodeKey, [f32; 2]> = FxHashMap::default();
        let mut by_layout_key: FxHashMap<u64, [f32; 2]> = FxHashMap::default();
        for (node, &position) in old.nodes.iter().zip(old_positions) {
            if position.iter().all(|v| v.is_finite()) {
                by_key.insert(node.node, position);
                by_layout_key.insert(node.key, position);
            }
        }
        // Members of collapsed groups were drawn at their group.
        let mut in_group: FxHashMap<NodeKey, [f32; 2]> = FxHashMap::default();
        for group in old.groups.iter().filter(|g| !g.expanded) {
            let Some(position) = group.view_node.and_then(|i| old_positions.get(i)) else { continue };
            for key in &group.member_keys {
                in_group.insert(*key, *position);
            }
        }
        let drawn_at = |key: &NodeKey| -> Option<[f32; 2]> {
            let machine = key.machine().map(|machine| NodeKey::Machine { machine });
            by_key
                .get(key)
                .or_else(|| in_group.get(key))
                .or_else(|| machine.as_ref().and_then(|m| by_key.get(m).or_else(|| in_group.get(m))))
                .copied()
        };
        let mut warm = crate::layout::PositionMap::new();
        for node in &self.nodes {
            let position = by_layout_key.get(&node.key).copied().or_else(|| match node.node {
                NodeKey::Group { id } => {
                    let members = self.group(id).map_or(&[][..], |g| g.member_keys.as_slice());
                    let points: Vec<[f32; 2]> = members.iter().filter_map(drawn_at).collect();
                    (!points.is_empty()).then(|| {
                        let n = points.len() as f32;
                        let sum = points.iter().fold([0.0f32; 2], |acc, p| [acc[0] + p[0], acc[1] + p[1]]);
                        [sum[0] / n, sum[1] / n]
                    })
                }
                key => drawn_at(&key),
            });
            if let Some(position) = position {
                warm.insert(node.key, position);
            }
        }
        warm
    }

    /// Positions laid out to convergence, deterministically (headless renders and tests).
    pub fn converged_positions(&self) -> Vec<[f32; 2]> {
        let empty = crate::layout::PositionMap::new();
        crate::layout::settle(self.layout_input(), &empty, &empty)
    }
}
