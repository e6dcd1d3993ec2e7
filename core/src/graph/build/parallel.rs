//! Summing the map's edges on several threads: the `VMConnection` rows are cut into ranges,
//! each range's rows are routed and summed per edge and per far end on its own thread (with
//! its own route cache), and the partial sums are merged in row order. Every sum merges as
//! adding the later range's rows one by one would: counts add, minima and maxima combine,
//! the latest-minute `LinksLive`, the latest malicious indicator and the latest DNS names go
//! to the later range on a tie, failed minutes are sorted later anyway.
//!
//! Rows without a `TimeGenerated` (counted only when the map has no window) make
//! `LinksLive` depend on their place among the timed rows: the few files that hold one are
//! summed serially.

use super::{Columns, EdgeSum, EndpointFacts, RoutedRow, add_row, for_each_routed_row_in};
use crate::graph::{EdgeMetrics, Inventory, MapRequest, NodeKey};
use crate::model::{TableKind, Timestamp};
use crate::store::Store;
use crate::threads::Threads;
use rustc_hash::FxHashMap;
use std::ops::Range;

pub(super) type Sums = FxHashMap<(NodeKey, NodeKey), EdgeSum>;
pub(super) type Facts = FxHashMap<NodeKey, EndpointFacts>;

/// Below this many rows per thread, sharing out costs more than it saves.
const MIN_ROWS_PER_PART: usize = 32 * 1024;

/// One range's sums.
struct Partial {
    sums: Sums,
    facts: Facts,
    /// A counted row had no time.
    untimed: bool,
}

/// The edge sums and far-end facts of the rows `request` counts, on `threads` threads.
pub(super) fn sum_edges(store: &Store, inventory: &Inventory, request: &MapRequest, threads: Threads) -> (Sums, Facts) {
    let rows = store.table(TableKind::VMConnection).len();
    let parts = threads.parts_for(rows, MIN_ROWS_PER_PART);
    sum_edges_in(store, inventory, request, threads, parts)
}

/// [`sum_edges`] with the rows cut into `parts` ranges (tests cut small tables too).
fn sum_edges_in(
    store: &Store,
    inventory: &Inventory,
    request: &MapRequest,
    threads: Threads,
    parts: usize,
) -> (Sums, Facts) {
    let rows = store.table(TableKind::VMConnection).len();
    if parts < 2 || threads.is_serial() {
        let whole = sum_rows(store, inventory, request, 0..rows);
        return (whole.sums, whole.facts);
    }
    let partials = threads.map_ranges(rows, parts, |range| sum_rows(store, inventory, request, range));
    if partials.iter().any(|p| p.untimed) {
        let whole = sum_rows(store, inventory, request, 0..rows);
        return (whole.sums, whole.facts);
    }
    let mut partials = partials.into_iter();
    let Some(first) = partials.next() else { return (Sums::default(), Facts::default()) };
    let (mut sums, mut facts) = (first.sums, first.facts);
    for later in partials {
        for (key, sum) in later.sums {
            match sums.entry(key) {
                std::collections::hash_map::Entry::Occupied(mut e) => e.get_mut().merge(sum),
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert(sum);
                }
            }
        }
        for (key, fact) in later.facts {
            match facts.entry(key) {
                std::collections::hash_map::Entry::Occupied(mut e) => e.get_mut().merge(fact),
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert(fact);
                }
            }
        }
    }
    (sums, facts)
}

/// Sums the rows of `rows`, one after the other.
fn sum_rows(store: &Store, inventory: &Inventory, request: &MapRequest, rows: Range<usize>) -> Partial {
    let cols = Columns::of(store.table(TableKind::VMConnection));
    let mut partial = Partial { sums: Sums::default(), facts: Facts::default(), untimed: false };
    for_each_routed_row_in(store, inventory, request, rows, |routed| {
        let RoutedRow { row, time, route, remote, outbound } = routed;
        partial.untimed |= time.is_none();
        add_row(partial.sums.entry((route.source, route.target)).or_default(), &cols, row, time, &route, store);
        // Facts about the far end: client addresses, DNS names, country, threat intelligence.
        let far = if outbound { route.target } else { route.source };
        let at = time.unwrap_or(Timestamp::MIN);
        if matches!(far, NodeKey::External { .. } | NodeKey::ClientGroup { .. }) {
            let fact = partial.facts.entry(far).or_default();
            fact.ips.insert(remote);
            let (canonical, questions) = (cols.dns_canonical.sym(row), cols.dns_questions.sym(row));
            if (!canonical.is_empty() || !questions.is_empty()) && fact.dns.is_none_or(|(t, _, _)| at >= t) {
                fact.dns = Some((at, canonical, questions));
            }
            let country = cols.country.sym(row);
            if !country.is_empty() {
                fact.country = Some(country);
            }
        }
        let malicious = cols.malicious_ip.sym(row);
        if !malicious.is_empty() {
            partial.facts.entry(far).or_default().malicious_ips.insert(store.str(malicious).to_string());
        }
    });
    partial
}

impl EdgeSum {
    /// Adds the sums of later rows (every row timed).
    fn merge(&mut self, later: EdgeSum) {
        let EdgeSum { metrics, live_time, failed_minutes, malicious_time, localhost } = later;
        let (m, n) = (&mut self.metrics, &metrics);
        let EdgeMetrics {
            bytes_sent,
            bytes_received,
            links_established,
            links_terminated,
            links_failed,
            links_live,
            responses,
            response_time_sum_ms,
            response_time_min_ms,
            response_time_max_ms,
            first_seen,
            last_seen,
            failed_minutes: _,
            rows,
            malicious: _,
        } = *n;
        m.bytes_sent = m.bytes_sent.saturating_add(bytes_sent);
        m.bytes_received = m.bytes_received.saturating_add(bytes_received);
        m.links_established = m.links_established.saturating_add(links_established);
        m.links_terminated = m.links_terminated.saturating_add(links_terminated);
        m.links_failed = m.links_failed.saturating_add(links_failed);
        m.responses = m.responses.saturating_add(responses);
        m.response_time_sum_ms = m.response_time_sum_ms.saturating_add(response_time_sum_ms);
        m.response_time_min_ms = combine(m.response_time_min_ms, response_time_min_ms, i64::min);
        m.response_time_max_ms = combine(m.response_time_max_ms, response_time_max_ms, i64::max);
        m.first_seen = combine(m.first_seen, first_seen, Timestamp::min);
        m.last_seen = combine(m.last_seen, last_seen, Timestamp::max);
        m.rows = m.rows.saturating_add(rows);
        // LinksLive: the latest minute's, summed when both ranges reach it.
        match (self.live_time, live_time) {
            (_, None) => {}
            (Some(mine), Some(theirs)) if mine > theirs => {}
            (Some(mine), Some(theirs)) if mine == theirs => m.links_live = m.links_live.saturating_add(links_live),
            (_, Some(theirs)) => {
                self.live_time = Some(theirs);
                m.links_live = links_live;
            }
        }
        self.failed_minutes.extend(failed_minutes);
        // The latest malicious row's indicator; the later row on a tie.
        if metrics.malicious.is_some() && (self.malicious_time.is_none() || malicious_time >= self.malicious_time) {
            self.malicious_time = malicious_time;
            self.metrics.malicious = metrics.malicious;
        }
        self.localhost |= localhost;
    }
}

impl EndpointFacts {
    /// Adds the facts of later rows.
    fn merge(&mut self, later: EndpointFacts) {
        self.ips.extend(later.ips);
        if let Some((at, canonical, questions)) = later.dns
            && self.dns.is_none_or(|(t, _, _)| at >= t)
        {
            self.dns = Some((at, canonical, questions));
        }
        if later.country.is_some() {
            self.country = later.country;
        }
        self.malicious_ips.extend(later.malicious_ips);
    }
}

fn combine<T: Copy>(a: Option<T>, b: Option<T>, pick: impl Fn(T, T) -> T) -> Option<T> {
    match (a, b) {
        (Some(a), Some(b)) => Some(pick(a, b)),
        (a, b) => a.or(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::MapRequest;
    use crate::graph::build::build_map_with;
    use crate::graph::tests::{estate_store, spec};
    use vmi_fixtures::Table;

    /// Every node and edge of a map, in the map's order, as text.
    fn describe(map: &crate::graph::DependencyMap) -> Vec<String> {
        let graph = &map.graph;
        let mut out: Vec<String> = graph.node_indices().map(|i| format!("{:?}", graph[i])).collect();
        out.extend(graph.edge_indices().map(|e| {
            let ends = graph.edge_endpoints(e).map(|(a, b)| (graph[a].key, graph[b].key));
            format!("{ends:?} {:?}", graph[e])
        }));
        out
    }

    #[test]
    fn the_map_is_the_same_on_any_number_of_threads() {
        let store = estate_store(spec(40, 3), &Table::ALL);
        let inventory = Inventory::new(&store);
        let rows = store.table(TableKind::VMConnection).len();
        assert!(rows > 1000, "a real estate ({rows} rows)");
        let window = {
            let serial = build_map_with(&store, &inventory, &MapRequest::default(), Threads::ONE);
            let (from, to) = serial.graph.edge_weights().fold((None, None), |(a, b), e| {
                (combine(a, e.metrics.first_seen, Timestamp::min), combine(b, e.metrics.last_seen, Timestamp::max))
            });
            let (from, to) = (from.map_or(0, |t| t.0), to.map_or(0, |t| t.0));
            MapRequest { from: Some(Timestamp(from + (to - from) / 3)), to: Some(Timestamp(to)), ..Default::default() }
        };
        for request in [MapRequest::default(), window] {
            let serial = describe(&build_map_with(&store, &inventory, &request, Threads::ONE));
            assert!(serial.len() > 50, "the map has nodes and edges");
            for (threads, parts) in [(2, 2), (2, 7), (8, 8), (8, 61)] {
                let (sums, facts) = sum_edges_in(&store, &inventory, &request, Threads::new(threads), parts);
                let (whole_sums, whole_facts) = sum_edges_in(&store, &inventory, &request, Threads::ONE, 1);
                assert_eq!(sums.len(), whole_sums.len());
                assert_eq!(facts.len(), whole_facts.len());
                for (key, sum) in &whole_sums {
                    let merged = sums
                        .get(key)
                        .map(|s| (&s.metrics, s.live_time, s.malicious_time, s.localhost, &s.failed_minutes));
                    let expected =
                        Some((&sum.metrics, sum.live_time, sum.malicious_time, sum.localhost, &sum.failed_minutes));
                    assert_eq!(merged, expected, "{threads} threads, {parts} parts: edge {key:?}");
                }
                for (key, fact) in &whole_facts {
                    let merged = facts.get(key).map(|f| (&f.ips, f.dns, f.country, &f.malicious_ips));
                    let expected = Some((&fact.ips, fact.dns, fact.country, &fact.malicious_ips));
                    assert_eq!(merged, expected, "{threads} threads, {parts} parts: facts of {key:?}");
                }
            }
            let parallel = describe(&build_map_with(&store, &inventory, &request, Threads::new(2)));
            assert_eq!(serial, parallel);
        }
    }
}
