//! What changed between window A and window B: both maps are built by the documented rules,
//! then every node and edge of their union is marked new in B, gone in B, changed or
//! unchanged, with A's and B's metrics side by side, and the changes are ranked by impact
//! (new failures first, then gone dependencies, then the biggest byte changes).

use super::describe::{NodeRef, opt_metrics};
use crate::graph::{
    DependencyMap, Edge, EdgeMetrics, Inventory, MapRequest, Node, NodeKey, build_map, for_each_routed_row,
};
use crate::model::TableKind;
use crate::model::schema::connection as c;
use crate::store::Store;
use petgraph::stable_graph::StableGraph;
use rustc_hash::FxHashMap;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// When an edge present in both windows counts as changed.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Thresholds {
    /// Total bytes (sent + received) grew or shrank by at least this factor.
    pub bytes_ratio: f64,
    /// `LinksEstablished` grew or shrank by at least this factor.
    pub links_ratio: f64,
    /// The average response time grew or shrank by at least this factor...
    pub response_ratio: f64,
    /// ...and by at least this many milliseconds (sub-millisecond jitter is not a change).
    pub response_min_delta_ms: f64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds { bytes_ratio: 2.0, links_ratio: 2.0, response_ratio: 1.5, response_min_delta_ms: 1.0 }
    }
}

/// How a node or edge differs between the windows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChangeKind {
    /// Only in window B.
    New,
    /// Only in window A.
    Gone,
    /// In both, and at least one [`Aspect`] differs beyond its threshold (for a node: one of
    /// its edges is not unchanged).
    Changed,
    Unchanged,
}

impl ChangeKind {
    pub const ALL: [ChangeKind; 4] = [ChangeKind::New, ChangeKind::Gone, ChangeKind::Changed, ChangeKind::Unchanged];

    pub fn label(self) -> &'static str {
        match self {
            ChangeKind::New => "New in B",
            ChangeKind::Gone => "Gone in B",
            ChangeKind::Changed => "Changed",
            ChangeKind::Unchanged => "Unchanged",
        }
    }
}

/// What changed on an edge. A new edge with failures in B has `FailuresAppeared`, a gone edge
/// that failed in A has `FailuresDisappeared`; their other metrics simply appear or vanish.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Aspect {
    /// No failed link in A, some in B.
    FailuresAppeared,
    /// Failed links in A, none in B.
    FailuresDisappeared,
    BytesUp,
    BytesDown,
    LinksUp,
    LinksDown,
    ResponseTimeUp,
    ResponseTimeDown,
}

impl Aspect {
    pub fn label(self) -> &'static str {
        match self {
            Aspect::FailuresAppeared => "failures appeared",
            Aspect::FailuresDisappeared => "failures disappeared",
            Aspect::BytesUp => "bytes up",
            Aspect::BytesDown => "bytes down",
            Aspect::LinksUp => "links up",
            Aspect::LinksDown => "links down",
            Aspect::ResponseTimeUp => "response time up",
            Aspect::ResponseTimeDown => "response time down",
        }
    }
}

/// One edge of the union of both maps.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EdgeDiff {
    pub kind: ChangeKind,
    pub aspects: Vec<Aspect>,
    pub source: NodeRef,
    pub target: NodeRef,
    /// The destination port when the edge's rows have exactly one (`null` otherwise).
    pub port: Option<i64>,
    /// Every `DestinationPort` of the edge's rows in either window, ascending.
    pub ports: Vec<i64>,
    /// Total bytes in B over total bytes in A, when both are above zero.
    pub bytes_ratio: Option<f64>,
    #[serde(serialize_with = "opt_metrics")]
    pub a: Option<EdgeMetrics>,
    #[serde(serialize_with = "opt_metrics")]
    pub b: Option<EdgeMetrics>,
    /// Both ends on one machine over 127.*.
    pub localhost: bool,
}

impl EdgeDiff {
    /// B's total bytes minus A's (an absent side counts as zero).
    pub fn bytes_delta(&self) -> i64 {
        let total = |m: &Option<EdgeMetrics>| m.as_ref().map_or(0, EdgeMetrics::total_bytes);
        total(&self.b).saturating_sub(total(&self.a))
    }
}

/// A node's traffic in one window: the edges touching it (for a machine, touching any of its
/// nodes) and their sums.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct NodeActivity {
    pub edges: usize,
    pub bytes: i64,
    pub links_failed: i64,
}

/// One node of the union of both maps.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NodeDiff {
    pub kind: ChangeKind,
    pub node: NodeRef,
    /// `None` when the node is not on that window's map.
    pub a: Option<NodeActivity>,
    pub b: Option<NodeActivity>,
}

/// The comparison of two windows.
#[derive(Clone, Debug)]
pub struct Diff {
    pub a: MapRequest,
    pub b: MapRequest,
    pub thresholds: Thresholds,
    /// Every edge of either map, in (source, target) key order.
    pub edges: Vec<EdgeDiff>,
    /// Every node of either map, in key order.
    pub nodes: Vec<NodeDiff>,
    /// Indices into `edges` of the edges that are not unchanged, by impact.
    pub changes: Vec<usize>,
    /// The union map to draw: B's node and edge data where present, else A's. Its request is B's.
    pub map: DependencyMap,
    edge_index: FxHashMap<(NodeKey, NodeKey), usize>,
    node_index: FxHashMap<NodeKey, usize>,
}

impl Diff {
    /// The changed, new and gone edges, by impact.
    pub fn changes(&self) -> impl Iterator<Item = &EdgeDiff> {
        self.changes.iter().filter_map(|&i| self.edges.get(i))
    }

    pub fn edge(&self, source: &NodeKey, target: &NodeKey) -> Option<&EdgeDiff> {
        self.edge_index.get(&(*source, *target)).and_then(|&i| self.edges.get(i))
    }

    pub fn node(&self, key: &NodeKey) -> Option<&NodeDiff> {
        self.node_index.get(key).and_then(|&i| self.nodes.get(i))
    }

    /// How many edges are of each kind (for the legend).
    pub fn edge_counts(&self) -> BTreeMap<ChangeKind, usize> {
        let mut counts = BTreeMap::new();
        for edge in &self.edges {
            *counts.entry(edge.kind).or_insert(0) += 1;
        }
        counts
    }
}

/// Builds the maps of windows `a` and `b` and compares them.
pub fn diff(store: &Store, inventory: &Inventory, a: &MapRequest, b: &MapRequest, thresholds: &Thresholds) -> Diff {
    let map_a = build_map(store, inventory, a);
    let map_b = build_map(store, inventory, b);
    diff_maps(store, inventory, &map_a, &map_b, thresholds)
}

/// Compares two maps already built (each map's request is its window).
pub fn diff_maps(
    store: &Store,
    inventory: &Inventory,
    map_a: &DependencyMap,
    map_b: &DependencyMap,
    thresholds: &Thresholds,
) -> Diff {
    let (edges_a, edges_b) = (edge_metrics(map_a), edge_metrics(map_b));
    let mut ports = edge_ports(store, inventory, &map_a.request);
    for (key, set) in edge_ports(store, inventory, &map_b.request) {
        ports.entry(key).or_default().extend(set);
    }
    let union = union_map(map_a, map_b);
    let keys: BTreeSet<(NodeKey, NodeKey)> = edges_a.keys().chain(edges_b.keys()).copied().collect();
    let mut edges = Vec::with_capacity(keys.len());
    for (source, target) in keys {
        let a = edges_a.get(&(source, target)).copied();
        let b = edges_b.get(&(source, target)).copied();
        let (kind, aspects) = classify(a.map(|e| &e.metrics), b.map(|e| &e.metrics), thresholds);
        let ports: Vec<i64> = ports.get(&(source, target)).map(|p| p.iter().copied().collect()).unwrap_or_default();
        let total = |e: Option<&Edge>| e.map_or(0, |e| e.metrics.total_bytes());
        let (total_a, total_b) = (total(a), total(b));
        edges.push(EdgeDiff {
            kind,
            aspects,
            source: NodeRef::of(store, &union, source),
            target: NodeRef::of(store, &union, target),
            port: if let [only] = ports.as_slice() { Some(*only) } else { None },
            ports,
            bytes_ratio: (total_a > 0 && total_b > 0).then(|| total_b as f64 / total_a as f64),
            a: a.map(|e| e.metrics.clone()),
            b: b.map(|e| e.metrics.clone()),
            localhost: a.or(b).is_some_and(|e| e.localhost),
        });
    }
    let nodes = node_diffs(store, &union, map_a, map_b, &edges);
    let mut changes: Vec<usize> = (0..edges.len()).filter(|&i| edges[i].kind != ChangeKind::Unchanged).collect();
    changes.sort_by(|&x, &y| {
        let (x, y) = (&edges[x], &edges[y]);
        impact_key(x)
            .cmp(&impact_key(y))
            .then_with(|| (&x.source.label, &x.target.label).cmp(&(&y.source.label, &y.target.label)))
    });
    let edge_index = edges.iter().enumerate().map(|(i, e)| ((e.source.key, e.target.key), i)).collect();
    let node_index = nodes.iter().enumerate().map(|(i, n)| (n.node.key, i)).collect();
    Diff {
        a: map_a.request.clone(),
        b: map_b.request.clone(),
        thresholds: *thresholds,
        edges,
        nodes,
        changes,
        map: union,
        edge_index,
        node_index,
    }
}

/// The order of the changes list: new failures (most failed links in B first), then gone
/// dependencies (most bytes in A first), then the rest by the size of the byte change.
fn impact_key(edge: &EdgeDiff) -> (u8, std::cmp::Reverse<i64>) {
    let failed_b = edge.b.as_ref().map_or(0, |m| m.links_failed);
    if edge.aspects.contains(&Aspect::FailuresAppeared) {
        (0, std::cmp::Reverse(failed_b))
    } else if edge.kind == ChangeKind::Gone {
        (1, std::cmp::Reverse(edge.a.as_ref().map_or(0, EdgeMetrics::total_bytes)))
    } else {
        (2, std::cmp::Reverse(edge.bytes_delta().saturating_abs()))
    }
}

/// The change kind and aspects of one edge.
pub fn classify(
    a: Option<&EdgeMetrics>,
    b: Option<&EdgeMetrics>,
    thresholds: &Thresholds,
) -> (ChangeKind, Vec<Aspect>) {
    match (a, b) {
        (None, None) => (ChangeKind::Unchanged, Vec::new()),
        (None, Some(b)) => {
            let aspects = if b.links_failed > 0 { vec![Aspect::FailuresAppeared] } else { Vec::new() };
            (ChangeKind::New, aspects)
        }
        (Some(a), None) => {
            let aspects = if a.links_failed > 0 { vec![Aspect::FailuresDisappeared] } else { Vec::new() };
            (ChangeKind::Gone, aspects)
        }
        (Some(a), Some(b)) => {
            let mut aspects = Vec::new();
            match (a.links_failed > 0, b.links_failed > 0) {
                (false, true) => aspects.push(Aspect::FailuresAppeared),
                (true, false) => aspects.push(Aspect::FailuresDisappeared),
                _ => {}
            }
            let bytes = ratio_change(a.total_bytes() as f64, b.total_bytes() as f64, thresholds.bytes_ratio);
            push_direction(&mut aspects, bytes, Aspect::BytesUp, Aspect::BytesDown);
            let links = ratio_change(a.links_established as f64, b.links_established as f64, thresholds.links_ratio);
            push_direction(&mut aspects, links, Aspect::LinksUp, Aspect::LinksDown);
            if let (Some(x), Some(y)) = (a.response_time_avg_ms(), b.response_time_avg_ms())
                && (y - x).abs() >= thresholds.response_min_delta_ms
            {
                let response = ratio_change(x, y, thresholds.response_ratio);
                push_direction(&mut aspects, response, Aspect::ResponseTimeUp, Aspect::ResponseTimeDown);
            }
            let kind = if aspects.is_empty() { ChangeKind::Unchanged } else { ChangeKind::Changed };
            (kind, aspects)
        }
    }
}

fn push_direction(aspects: &mut Vec<Aspect>, change: Option<bool>, up: Aspect, down: Aspect) {
    match change {
        Some(true) => aspects.push(up),
        Some(false) => aspects.push(down),
        None => {}
    }
}

/// `Some(true)` when `b` is at least `ratio` times `a`, `Some(false)` when `a` is at least
/// `ratio` times `b`; from zero to anything is a change whatever the ratio.
fn ratio_change(a: f64, b: f64, ratio: f64) -> Option<bool> {
    if a == b {
        return None;
    }
    if a <= 0.0 {
        return (b > 0.0).then_some(true);
    }
    if b <= 0.0 {
        return Some(false);
    }
    if b / a >= ratio {
        Some(true)
    } else if a / b >= ratio {
        Some(false)
    } else {
        None
    }
}

fn edge_metrics(map: &DependencyMap) -> FxHashMap<(NodeKey, NodeKey), &Edge> {
    map.graph
        .edge_indices()
        .filter_map(|e| {
            let (s, t) = map.graph.edge_endpoints(e)?;
            Some(((map.graph[s].key, map.graph[t].key), map.graph.edge_weight(e)?))
        })
        .collect()
}

/// The destination ports of each edge's rows in the window.
fn edge_ports(
    store: &Store,
    inventory: &Inventory,
    request: &MapRequest,
) -> FxHashMap<(NodeKey, NodeKey), BTreeSet<i64>> {
    let ports = store.table(TableKind::VMConnection).col(c::DESTINATION_PORT);
    let mut out: FxHashMap<(NodeKey, NodeKey), BTreeSet<i64>> = FxHashMap::default();
    for_each_routed_row(store, inventory, request, |r| {
        if let Some(port) = ports.int(r.row) {
            out.entry((r.route.source, r.route.target)).or_default().insert(port);
        }
    });
    out
}

/// The union of both maps: every node and edge of either, B's data first.
fn union_map(map_a: &DependencyMap, map_b: &DependencyMap) -> DependencyMap {
    let mut nodes: BTreeMap<NodeKey, &Node> = BTreeMap::new();
    for map in [map_a, map_b] {
        for node in map.graph.node_weights() {
            // B is inserted last: its labels (newer DNS names, client counts) win.
            nodes.insert(node.key, node);
        }
    }
    let mut graph: StableGraph<Node, Edge> = StableGraph::with_capacity(nodes.len(), 0);
    let mut index = FxHashMap::default();
    // Machines first, so every other node can point at its parent.
    let machines = nodes.iter().filter(|(k, _)| matches!(k, NodeKey::Machine { .. }));
    let others = nodes.iter().filter(|(k, _)| !matches!(k, NodeKey::Machine { .. }));
    for (key, node) in machines.chain(others) {
        let mut node = (*node).clone();
        node.parent = key
            .machine()
            .filter(|_| !matches!(key, NodeKey::Machine { .. }))
            .and_then(|machine| index.get(&NodeKey::Machine { machine }).copied());
        index.insert(*key, graph.add_node(node));
    }
    let mut edges: BTreeMap<(NodeKey, NodeKey), &Edge> = edge_metrics(map_a).into_iter().collect();
    edges.extend(edge_metrics(map_b));
    for ((source, target), edge) in edges {
        if let (Some(&s), Some(&t)) = (index.get(&source), index.get(&target)) {
            graph.add_edge(s, t, edge.clone());
        }
    }
    DependencyMap { graph, index, request: map_b.request.clone() }
}

fn node_diffs(
    store: &Store,
    union: &DependencyMap,
    map_a: &DependencyMap,
    map_b: &DependencyMap,
    edges: &[EdgeDiff],
) -> Vec<NodeDiff> {
    let mut activity: [FxHashMap<NodeKey, NodeActivity>; 2] = Default::default();
    let mut changed: BTreeSet<NodeKey> = BTreeSet::new();
    for edge in edges {
        let (s, t) = (edge.source.key, edge.target.key);
        let mut touched: Vec<NodeKey> = vec![s, t];
        touched.extend([s.machine(), t.machine()].into_iter().flatten().map(|machine| NodeKey::Machine { machine }));
        touched.sort_unstable();
        touched.dedup();
        for (side, metrics) in [&edge.a, &edge.b].into_iter().enumerate() {
            let Some(m) = metrics else { continue };
            for key in &touched {
                let entry = activity[side].entry(*key).or_default();
                entry.edges += 1;
                entry.bytes = entry.bytes.saturating_add(m.total_bytes());
                entry.links_failed = entry.links_failed.saturating_add(m.links_failed);
            }
        }
        if edge.kind != ChangeKind::Unchanged {
            changed.extend(touched);
        }
    }
    let mut keys: Vec<NodeKey> = union.graph.node_weights().map(|n| n.key).collect();
    keys.sort_unstable();
    keys.into_iter()
        .map(|key| {
            let (in_a, in_b) = (map_a.index.contains_key(&key), map_b.index.contains_key(&key));
            let side = |present: bool, i: usize| present.then(|| activity[i].get(&key).copied().unwrap_or_default());
            let kind = match (in_a, in_b) {
                (false, true) => ChangeKind::New,
                (true, false) => ChangeKind::Gone,
                _ if changed.contains(&key) => ChangeKind::Changed,
                _ => ChangeKind::Unchanged,
            };
            NodeDiff { kind, node: NodeRef::of(store, union, key), a: side(in_a, 0), b: side(in_b, 1) }
        })
        .collect()
}
