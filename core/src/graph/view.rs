//! What the map shows: the map after the user's filters, with machines collapsed into one
//! node or expanded into their processes and ports (Service Map style). The canvas, the
//! layout and picture exports all draw this same view.

use super::{DependencyMap, EdgeMetrics, Inventory, NodeKey, NodeKind};
use crate::model::TableKind;
use crate::model::schema::{computer, process};
use crate::store::Store;
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
    /// Stable identity (the map node's layout key).
    pub key: u64,
    pub kind: NodeKind,
    pub label: String,
    /// The map node this view node stands for.
    pub map_node: NodeIndex,
    /// The machine this node sits inside (an expanded machine), as a view index.
    pub parent: Option<usize>,
    /// Processes and ports a collapsed machine holds, or an expanded one shows.
    pub children: usize,
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
    /// The map edges merged into this one (several when machines are collapsed).
    pub map_edges: Vec<EdgeIndex>,
}

#[derive(Clone, Debug, Default)]
pub struct MapView {
    pub nodes: Vec<ViewNode>,
    pub edges: Vec<ViewEdge>,
    /// The view node of each shown map node (the canvas looks these up every frame).
    pub by_map_node: FxHashMap<NodeIndex, usize>,
}

impl MapView {
    /// The view node showing a map node itself, if shown.
    pub fn index_of(&self, map_node: NodeIndex) -> Option<usize> {
        self.by_map_node.get(&map_node).copied()
    }
}

/// Sums of two edges' metrics (merging edges of a collapsed machine).
pub fn merge_metrics(into: &mut EdgeMetrics, other: &EdgeMetrics) {
    into.bytes_sent += other.bytes_sent;
    into.bytes_received += other.bytes_received;
    into.links_established += other.links_established;
    into.links_terminated += other.links_terminated;
    into.links_failed += other.links_failed;
    into.links_live += other.links_live;
    into.responses += other.responses;
    into.response_time_sum_ms += other.response_time_sum_ms;
    into.response_time_min_ms = min_some(into.response_time_min_ms, other.response_time_min_ms, i64::min);
    into.response_time_max_ms = min_some(into.response_time_max_ms, other.response_time_max_ms, i64::max);
    into.first_seen = min_some(into.first_seen, other.first_seen, std::cmp::min);
    into.last_seen = min_some(into.last_seen, other.last_seen, std::cmp::max);
    into.failed_minutes += other.failed_minutes;
    into.rows += other.rows;
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

/// Applies the options to the map.
pub fn build_view(store: &Store, inventory: &Inventory, map: &DependencyMap, options: &ViewOptions) -> MapView {
    let graph = &map.graph;
    // Machines the OS / location filters keep.
    let machine_kept = |index: NodeIndex| -> bool {
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
    let is_expanded = |machine: NodeIndex| options.expand_all || options.expanded.contains(&graph[machine].layout_key);
    // The view node that stands for a map node: a collapsed machine stands for its processes
    // and ports; client groups are remote clients and stay outside any machine.
    let owner = |index: NodeIndex| -> NodeIndex {
        let node = &graph[index];
        match (node.key.kind(), node.parent) {
            (NodeKind::Process | NodeKind::MachinePort, Some(machine)) if !is_expanded(machine) => machine,
            _ => index,
        }
    };

    let mut view = MapView::default();
    let mut view_index: FxHashMap<NodeIndex, usize> = FxHashMap::default();
    let mut edge_index: FxHashMap<(usize, usize), usize> = FxHashMap::default();
    let mut add_node = |view: &mut MapView, index: NodeIndex| -> usize {
        if let Some(&i) = view_index.get(&index) {
            return i;
        }
        let node = &graph[index];
        let kind = node.key.kind();
        let expanded = kind == NodeKind::Machine && is_expanded(index);
        let role = match kind {
            NodeKind::Process => process_role(store, inventory, &node.key, &node.label),
            _ => None,
        };
        view.nodes.push(ViewNode {
            key: node.layout_key,
            kind,
            label: node.label.clone(),
            map_node: index,
            parent: None,
            children: 0,
            expanded,
            malicious: !node.malicious_ips.is_empty(),
            role,
            radius: base_radius(kind),
        });
        view_index.insert(index, view.nodes.len() - 1);
        view.nodes.len() - 1
    };
    // Machines first (stable order), so children can point at them.
    if !edge_filtered {
        for index in graph.node_indices().filter(|&i| graph[i].key.kind() == NodeKind::Machine && node_kept(i)) {
            add_node(&mut view, index);
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
            // Traffic inside one collapsed machine is not drawn.
            continue;
        }
        let mut ends = [0usize; 2];
        for (end, (node, owner_node)) in ends.iter_mut().zip([(a, oa), (b, ob)]) {
            if let Some(machine) = graph[node].parent.filter(|_| graph[node].key.kind() != NodeKind::ClientGroup) {
                add_node(&mut view, machine);
            }
            *end = add_node(&mut view, owner_node);
        }
        let [va, vb] = ends;
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
    // Parents, child counts, roles and sizes.
    let machine_children: FxHashMap<NodeIndex, usize> = graph
        .node_indices()
        .filter(|&i| matches!(graph[i].key.kind(), NodeKind::Process | NodeKind::MachinePort))
        .filter_map(|i| graph[i].parent)
        .fold(FxHashMap::default(), |mut counts, machine| {
            *counts.entry(machine).or_insert(0) += 1;
            counts
        });
    for i in 0..view.nodes.len() {
        let map_node = view.nodes[i].map_node;
        let node = &graph[map_node];
        if matches!(node.key.kind(), NodeKind::Process | NodeKind::MachinePort) {
            view.nodes[i].parent = node.parent.and_then(|p| view_index.get(&p).copied());
        }
        if node.key.kind() == NodeKind::Machine {
            let children = machine_children.get(&map_node).copied().unwrap_or(0);
            view.nodes[i].children = children;
            view.nodes[i].radius = base_radius(NodeKind::Machine) + 3.0 * (children as f32).sqrt().min(6.0);
            // A machine's role is that of its busiest process with a known role.
            view.nodes[i].role = graph
                .node_indices()
                .filter(|&c| graph[c].parent == Some(map_node))
                .filter_map(|c| {
                    let role = process_role(store, inventory, &graph[c].key, &graph[c].label)?;
                    let bytes: i64 = graph
                        .edges(c)
                        .chain(graph.edges_directed(c, petgraph::Direction::Incoming))
                        .map(|e| e.weight().metrics.total_bytes())
                        .sum();
                    Some((bytes, std::cmp::Reverse(role)))
                })
                .max()
                .map(|(_, std::cmp::Reverse(role))| role);
        }
    }
    for edge in &view.edges {
        for end in [edge.source, edge.target] {
            // The flagged address is the far end: an external endpoint or a client group.
            let remote = matches!(view.nodes[end].kind, NodeKind::External | NodeKind::ClientGroup);
            view.nodes[end].malicious |= edge.metrics.malicious.is_some() && remote;
        }
    }
    view.by_map_node = view.nodes.iter().enumerate().map(|(i, n)| (n.map_node, i)).collect();
    view
}

/// Default node sizes, in map units.
pub fn base_radius(kind: NodeKind) -> f32 {
    match kind {
        NodeKind::Machine => 16.0,
        NodeKind::Process => 8.0,
        NodeKind::MachinePort => 6.0,
        NodeKind::External | NodeKind::ClientGroup => 9.0,
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

impl MapView {
    /// The layout's input: one node per view node (children point at their machine), one
    /// edge per view edge weighted by its bytes.
    pub fn layout_input(&self) -> crate::layout::LayoutInput {
        use crate::layout::{LayoutEdge, LayoutInput, LayoutNode};
        LayoutInput {
            nodes: self
                .nodes
                .iter()
                .map(|n| LayoutNode { key: n.key, radius: n.radius, parent: n.parent.map(|p| p as u32) })
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

    /// Positions laid out to convergence, deterministically (headless renders and tests).
    pub fn converged_positions(&self) -> Vec<[f32; 2]> {
        let empty = crate::layout::PositionMap::new();
        crate::layout::settle(self.layout_input(), &empty, &empty)
    }
}
