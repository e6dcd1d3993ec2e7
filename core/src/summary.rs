//! The headless summary of loaded records and their map (`vmi-map summary`).

use crate::graph::{DependencyMap, Inventory, MapRequest, NodeKind};
use crate::model::schema::connection as c;
use crate::model::{TableKind, Timestamp};
use crate::store::Store;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Records per table (after dropping exact duplicates).
    pub records: BTreeMap<String, usize>,
    /// Distinct `Machine` ids across all loaded tables.
    pub machines: usize,
    /// Distinct (`Machine`, `Process`) across all loaded tables.
    pub processes: usize,
    /// Edges of the map in the window.
    pub edges: usize,
    /// Distinct external (ip, port) nodes of the map.
    pub external_endpoints: usize,
    /// Edges with failed links in the window.
    pub failed_edges: usize,
    pub malicious_remote_ips: Vec<String>,
    /// Raw sums over the `VMConnection` rows in the window.
    pub bytes_sent: i64,
    pub bytes_received: i64,
    /// First and last `TimeGenerated` of those rows; `null` when there are none.
    pub time_range: Option<[String; 2]>,
}

pub fn summarize(store: &Store, inventory: &Inventory, map: &DependencyMap, request: &MapRequest) -> Summary {
    let records = TableKind::ALL.iter().map(|&k| (k.name().to_string(), store.table(k).len())).collect();
    let table = store.table(TableKind::VMConnection);
    let (mut bytes_sent, mut bytes_received) = (0i64, 0i64);
    let mut range: Option<(Timestamp, Timestamp)> = None;
    let mut malicious = BTreeSet::new();
    for row in 0..table.len() {
        let time = table.col(c::TIME_GENERATED).time(row);
        if !request.contains(time) {
            continue;
        }
        bytes_sent += table.col(c::BYTES_SENT).int_or_zero(row);
        bytes_received += table.col(c::BYTES_RECEIVED).int_or_zero(row);
        if let Some(t) = time {
            range = Some(range.map_or((t, t), |(a, b)| (a.min(t), b.max(t))));
        }
        let flagged = table.col(c::MALICIOUS_IP).sym(row);
        if !flagged.is_empty() {
            malicious.insert(store.str(flagged).to_string());
        }
    }
    Summary {
        records,
        machines: inventory.machines.len(),
        processes: inventory.processes.len(),
        edges: map.edge_count(),
        external_endpoints: map.nodes_of_kind(NodeKind::External).count(),
        failed_edges: map.graph.edge_weights().filter(|e| e.metrics.links_failed > 0).count(),
        malicious_remote_ips: malicious.into_iter().collect(),
        bytes_sent,
        bytes_received,
        time_range: range.map(|(a, b)| [a.to_string(), b.to_string()]),
    }
}
