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

/// What [`summarize`] adds up over the connection rows in the window.
#[derive(Default)]
struct Totals {
    bytes_sent: i64,
    bytes_received: i64,
    range: Option<(Timestamp, Timestamp)>,
    malicious: BTreeSet<crate::store::Sym>,
}

pub fn summarize(store: &Store, inventory: &Inventory, map: &DependencyMap, request: &MapRequest) -> Summary {
    let records = TableKind::ALL.iter().map(|&k| (k.name().to_string(), store.table(k).len())).collect();
    let table = store.table(TableKind::VMConnection);
    let (time_col, sent_col, received_col, flagged_col) = (
        table.col(c::TIME_GENERATED),
        table.col(c::BYTES_SENT),
        table.col(c::BYTES_RECEIVED),
        table.col(c::MALICIOUS_IP),
    );
    // The rows are shared out over the process's threads; sums, time range and flagged
    // addresses merge alike in any order.
    let scan = |rows: std::ops::Range<usize>| {
        let mut part = Totals::default();
        for row in rows {
            let time = time_col.time(row);
            if !request.contains(time) {
                continue;
            }
            // Saturating, as the map's sums: a crafted export's huge counters cannot overflow.
            part.bytes_sent = part.bytes_sent.saturating_add(sent_col.int_or_zero(row));
            part.bytes_received = part.bytes_received.saturating_add(received_col.int_or_zero(row));
            if let Some(t) = time {
                part.range = Some(part.range.map_or((t, t), |(a, b)| (a.min(t), b.max(t))));
            }
            let flagged = flagged_col.sym(row);
            if !flagged.is_empty() {
                part.malicious.insert(flagged);
            }
        }
        part
    };
    let mut totals = Totals::default();
    for part in crate::threads::Threads::current().scan_rows(table.len(), 32 * 1024, scan) {
        totals.bytes_sent = totals.bytes_sent.saturating_add(part.bytes_sent);
        totals.bytes_received = totals.bytes_received.saturating_add(part.bytes_received);
        totals.range = match (totals.range, part.range) {
            (Some((a, b)), Some((c, d))) => Some((a.min(c), b.max(d))),
            (one, other) => one.or(other),
        };
        totals.malicious.extend(part.malicious);
    }
    let Totals { bytes_sent, bytes_received, range, malicious } = totals;
    let malicious: BTreeSet<String> = malicious.into_iter().map(|s| store.str(s).to_string()).collect();
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
