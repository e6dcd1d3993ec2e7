//! The dependency map: nodes (machines, processes, unowned machine ports, external
//! endpoints, client groups) and client-to-server edges with their metrics, built from the
//! store by the documented rules for a time window and an optional focus set.

pub mod build;
pub mod export;
pub mod grouping;
pub mod inventory;
#[cfg(test)]
pub(crate) mod tests;
pub mod view;

pub use build::{RoutedRow, build_map, for_each_routed_row};
pub use grouping::{ExternalGrouping, GroupBy, default_external_grouping, default_grouping};
pub use inventory::Inventory;

use crate::model::Timestamp;
use crate::store::Sym;
use petgraph::stable_graph::{NodeIndex, StableGraph};
use rustc_hash::FxHashMap;
use std::collections::BTreeSet;

/// Identity of a map node, stable for as long as the store lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NodeKey {
    Machine {
        machine: Sym,
    },
    Process {
        machine: Sym,
        process: Sym,
    },
    /// A port of a monitored machine that connections reach but no known process listens on.
    MachinePort {
        machine: Sym,
        port: i64,
    },
    /// An unmonitored remote address and port that monitored processes connect to.
    External {
        ip: Sym,
        port: i64,
    },
    /// The unmonitored clients of one server process on one port.
    ClientGroup {
        machine: Sym,
        process: Sym,
        port: i64,
    },
    /// Machines (or external endpoints) gathered under one key of the view's grouping; the id
    /// is the group's layout key ([`grouping::group_id`]). Groups exist in views, not in maps.
    Group {
        id: u64,
    },
}

impl NodeKey {
    pub fn kind(&self) -> NodeKind {
        match self {
            NodeKey::Machine { .. } => NodeKind::Machine,
            NodeKey::Process { .. } => NodeKind::Process,
            NodeKey::MachinePort { .. } => NodeKind::MachinePort,
            NodeKey::External { .. } => NodeKind::External,
            NodeKey::ClientGroup { .. } => NodeKind::ClientGroup,
            NodeKey::Group { .. } => NodeKind::Group,
        }
    }

    /// The monitored machine this node belongs to, if any.
    pub fn machine(&self) -> Option<Sym> {
        match *self {
            NodeKey::Machine { machine }
            | NodeKey::Process { machine, .. }
            | NodeKey::MachinePort { machine, .. }
            | NodeKey::ClientGroup { machine, .. } => Some(machine),
            NodeKey::External { .. } | NodeKey::Group { .. } => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NodeKind {
    Machine,
    Process,
    MachinePort,
    External,
    ClientGroup,
    /// A group of machines or external endpoints (see [`grouping`]).
    Group,
}

impl NodeKind {
    pub const ALL: [NodeKind; 6] = [
        NodeKind::Machine,
        NodeKind::Process,
        NodeKind::MachinePort,
        NodeKind::External,
        NodeKind::ClientGroup,
        NodeKind::Group,
    ];

    pub fn label(self) -> &'static str {
        match self {
            NodeKind::Machine => "Machine",
            NodeKind::Process => "Process",
            NodeKind::MachinePort => "Port (no known process)",
            NodeKind::External => "External endpoint",
            NodeKind::ClientGroup => "Client group",
            NodeKind::Group => "Group",
        }
    }
}

/// The threat-intelligence fields of a row whose remote address is known to be malicious.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MaliciousIndicator {
    pub ip: String,
    pub threat_type: String,
    pub description: String,
    pub tlp_level: String,
    pub confidence: String,
    pub severity: Option<i64>,
    pub first_reported: String,
    pub last_reported: String,
    pub is_active: String,
    pub report_link: String,
    pub additional_information: String,
}

#[derive(Clone, Debug)]
pub struct Node {
    pub key: NodeKey,
    /// What the map shows: computer name, process display name, `ip:port`, DNS name...
    pub label: String,
    /// Stable across loads and windows: seeds the layout's warm start and pins.
    pub layout_key: u64,
    /// The machine node this node sits in (processes, ports, client groups).
    pub parent: Option<NodeIndex>,
    /// Addresses: an external endpoint's one, a client group's clients (sorted).
    pub ips: Vec<Sym>,
    /// DNS names seen for an external endpoint.
    pub dns_names: Vec<String>,
    pub country: Option<Sym>,
    /// Remote addresses of this node that threat intelligence flags.
    pub malicious_ips: Vec<String>,
}

/// Metrics of one edge over the window, from the client's point of view.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EdgeMetrics {
    /// Bytes from client to server.
    pub bytes_sent: i64,
    /// Bytes from server to client.
    pub bytes_received: i64,
    pub links_established: i64,
    pub links_terminated: i64,
    pub links_failed: i64,
    /// Links open at the end of the edge's latest minute (sum over its logical connections).
    pub links_live: i64,
    pub responses: i64,
    pub response_time_sum_ms: i64,
    pub response_time_min_ms: Option<i64>,
    pub response_time_max_ms: Option<i64>,
    pub first_seen: Option<Timestamp>,
    pub last_seen: Option<Timestamp>,
    /// Minutes in which at least one link failed.
    pub failed_minutes: usize,
    /// `VMConnection` rows behind the edge.
    pub rows: usize,
    /// Set when any row had `MaliciousIp`: the latest such row's indicator.
    pub malicious: Option<MaliciousIndicator>,
}

impl EdgeMetrics {
    /// Average response time: sum of response times over the number of responses.
    pub fn response_time_avg_ms(&self) -> Option<f64> {
        (self.responses > 0).then(|| self.response_time_sum_ms as f64 / self.responses as f64)
    }

    pub fn total_bytes(&self) -> i64 {
        self.bytes_sent.saturating_add(self.bytes_received)
    }
}

#[derive(Clone, Debug)]
pub struct Edge {
    pub metrics: EdgeMetrics,
    /// Both ends on one machine over 127.* (hidden by the "hide localhost" filter).
    pub localhost: bool,
}

/// Which part of the records a map shows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct MapRequest {
    /// `[from, to)` on `TimeGenerated`; `None` leaves that side open.
    pub from: Option<Timestamp>,
    pub to: Option<Timestamp>,
    /// The group map: these machines (ids or computer names), their nodes and every node one
    /// edge away. Empty means the whole estate.
    pub focus: BTreeSet<String>,
}

impl MapRequest {
    pub fn contains(&self, time: Option<Timestamp>) -> bool {
        match time {
            Some(t) => self.from.is_none_or(|from| t >= from) && self.to.is_none_or(|to| t < to),
            None => self.from.is_none() && self.to.is_none(),
        }
    }
}

/// The map of one request.
#[derive(Clone, Debug, Default)]
pub struct DependencyMap {
    pub graph: StableGraph<Node, Edge>,
    pub index: FxHashMap<NodeKey, NodeIndex>,
    pub request: MapRequest,
}

impl DependencyMap {
    pub fn node(&self, key: &NodeKey) -> Option<&Node> {
        self.index.get(key).and_then(|&i| self.graph.node_weight(i))
    }

    pub fn edge_count(&self) -> usize {
        self.graph.edge_count()
    }

    pub fn nodes_of_kind(&self, kind: NodeKind) -> impl Iterator<Item = (NodeIndex, &Node)> {
        self.graph.node_indices().filter_map(move |i| {
            let node = &self.graph[i];
            (node.key.kind() == kind).then_some((i, node))
        })
    }
}
