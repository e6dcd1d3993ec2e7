//! Trends computed on several threads equal the serial ones, for every kind of chart and
//! selection, however the rows are cut.

use super::*;
use crate::graph::{NodeKind, build_map};
use crate::ingest;
use vmi_fixtures::{EstateSpec, Shape, Table, generate, write_to_bytes};

/// A generated estate of `machines` over two hours, loaded from portal CSV files.
fn estate_store(machines: usize, seed: u64) -> Store {
    let estate = generate(EstateSpec { machines, hours: 2, seed, density: 0.05, ..EstateSpec::default() });
    let mut store = Store::default();
    for table in Table::ALL {
        let bytes = write_to_bytes(&estate, Shape::PortalCsv, table);
        let name = Shape::PortalCsv.file_name(Some(table));
        store.merge(ingest::load_bytes(&name, &bytes).unwrap_or_else(|e| panic!("{name}: {e}")).batch);
    }
    store
}

#[test]
fn trends_are_the_same_on_any_number_of_threads() {
    let store = estate_store(30, 11);
    let inventory = Inventory::new(&store);
    let map = build_map(&store, &inventory, &MapRequest::default());
    let graph = &map.graph;
    let mut selections = vec![Selection::Estate];
    for kind in [NodeKind::Machine, NodeKind::Process, NodeKind::External, NodeKind::ClientGroup] {
        if let Some(node) = graph.node_weights().find(|n| n.key.kind() == kind) {
            selections.push(Selection::Node(node.key));
        }
    }
    let edge = graph.edge_indices().max_by_key(|&e| graph[e].metrics.rows);
    if let Some((a, b)) = edge.and_then(|e| graph.edge_endpoints(e)) {
        selections.push(Selection::Edge { source: graph[a].key, target: graph[b].key });
    }
    assert!(selections.len() >= 5, "the estate has nodes of every kind: {selections:?}");
    for kind in TrendKind::ALL {
        for &selection in &selections {
            let request = TrendRequest { kind, selection, from: None, to: None, bin_ticks: None };
            let serial = compute_with(&store, &inventory, &request, Threads::ONE);
            for (threads, parts) in [(2, 2), (2, 9), (8, 33)] {
                let split = Split { threads: Threads::new(threads), parts, only: None };
                let parallel = compute_split(&store, &inventory, &request, split);
                // NaN (nothing to show) compares unequal to itself: compare the bits.
                let bits = |t: &Trend| -> Vec<(String, Vec<u64>)> {
                    t.series.iter().map(|s| (s.name.clone(), s.values.iter().map(|v| v.to_bits()).collect())).collect()
                };
                assert_eq!(bits(&serial), bits(&parallel), "{kind:?} of {selection:?}, {parts} parts");
                assert_eq!(serial.axis, parallel.axis);
            }
        }
    }
}

#[test]
fn each_machines_trend_from_its_listed_rows_is_its_trend() {
    let store = estate_store(12, 5);
    let inventory = Inventory::new(&store);
    let connections = store.table(TableKind::VMConnection);
    let mut machines: Vec<Sym> = (0..connections.len()).map(|r| connections.col(c::MACHINE).sym(r)).collect();
    machines.sort();
    machines.dedup();
    // And a machine with no connection row at all.
    machines.push(store.interner.lookup("").unwrap_or_default());
    assert!(machines.len() >= 6, "{} machines", machines.len());
    let (first, last) = time_extent(&store, TableKind::VMConnection).expect("timed rows");
    let middle = Timestamp((first.0 + last.0) / 2);
    let bits = |t: &Trend| -> Vec<(String, Vec<u64>)> {
        t.series.iter().map(|s| (s.name.clone(), s.values.iter().map(|v| v.to_bits()).collect())).collect()
    };
    for kind in TrendKind::ALL {
        for (from, to) in [(None, None), (Some(middle), None), (Some(first), Some(middle))] {
            let request = TrendRequest { kind, selection: Selection::Estate, from, to, bin_ticks: None };
            let each = compute_machines(&store, &inventory, &request, &machines);
            assert_eq!(each.len(), machines.len());
            for (&machine, trend) in machines.iter().zip(&each) {
                let alone =
                    TrendRequest { selection: Selection::Node(NodeKey::Machine { machine }), ..request.clone() };
                let expected = compute(&store, &inventory, &alone);
                assert_eq!(bits(trend), bits(&expected), "{kind:?} of {machine:?}, {from:?}..{to:?}");
                assert_eq!(trend.axis, expected.axis, "{kind:?} of {machine:?}");
                assert_eq!(trend.stacked, expected.stacked);
            }
        }
    }
}
