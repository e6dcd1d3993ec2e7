//! Building the map from `VMConnection` rows, following the documented rules (the seed's
//! "Summarize the outbound connections from a group of machines" query):
//! - outbound row at machine A, process P to `RemoteIp` R, `DestinationPort` d: the client is
//!   (A, P). R in 127.0.0.0/8 means A itself; otherwise R resolves to the monitored machine
//!   whose inventory held it at the time. On that machine the server is the process listening
//!   on d at R or on every interface; with none, the edge ends at the machine's port d. An
//!   unmonitored R is an external endpoint (R, d).
//! - inbound row from a monitored machine or 127.*: the other end of an outbound row already
//!   counted, skipped. From an unmonitored R: a client of the (machine, process, port d) group.

use super::inventory::{Inventory, json_strings};
use super::{DependencyMap, Edge, EdgeMetrics, MaliciousIndicator, MapRequest, Node, NodeKey};
use crate::model::schema::{computer, connection as c, process};
use crate::model::time::TICKS_PER_MINUTE;
use crate::model::{TableKind, Timestamp};
use crate::store::{Store, Sym, Table};
use crate::threads::Threads;
use petgraph::stable_graph::StableGraph;
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::BTreeSet;

mod parallel;

/// Where one row's traffic goes on the map.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Route {
    /// The client side.
    pub source: NodeKey,
    /// The server side.
    pub target: NodeKey,
    /// The row was written by the server (an inbound row): its BytesSent went to the client.
    pub server_side: bool,
    pub localhost: bool,
}

/// An edge while rows are added up.
#[derive(Default)]
struct EdgeSum {
    metrics: EdgeMetrics,
    live_time: Option<Timestamp>,
    failed_minutes: Vec<i64>,
    malicious_time: Option<Timestamp>,
    localhost: bool,
}

/// Per-endpoint facts gathered from rows.
#[derive(Default)]
struct EndpointFacts {
    ips: BTreeSet<Sym>,
    dns: Option<(Timestamp, Sym, Sym)>,
    country: Option<Sym>,
    malicious_ips: BTreeSet<String>,
}

/// The interned forms of the `Direction` values, whatever their case.
struct Directions {
    outbound: FxHashSet<Sym>,
    inbound: FxHashSet<Sym>,
}

impl Directions {
    fn new(store: &Store) -> Self {
        let find = |word: &str| -> FxHashSet<Sym> {
            let upper = word.to_ascii_uppercase();
            let title = format!("{}{}", &upper[..1], &word[1..]);
            [word.to_string(), upper, title].iter().filter_map(|w| store.interner.lookup(w)).collect()
        };
        Directions { outbound: find("outbound"), inbound: find("inbound") }
    }
}

/// One `VMConnection` row as the map counts it.
#[derive(Clone, Copy, Debug)]
pub struct RoutedRow {
    pub row: usize,
    pub time: Option<Timestamp>,
    pub route: Route,
    /// The far end's address.
    pub remote: Sym,
    pub outbound: bool,
}

/// Calls `visit` for every row of the window that the map rules count, with where it goes.
/// The one place the rules are applied: the map, trends and reports all go through it.
pub fn for_each_routed_row(store: &Store, inventory: &Inventory, request: &MapRequest, visit: impl FnMut(RoutedRow)) {
    let rows = 0..store.table(TableKind::VMConnection).len();
    for_each_routed_row_in(store, inventory, request, rows, visit);
}

/// [`for_each_routed_row`] over some of the rows (one thread's share of a map or a trend).
pub fn for_each_routed_row_in(
    store: &Store,
    inventory: &Inventory,
    request: &MapRequest,
    rows: std::ops::Range<usize>,
    mut visit: impl FnMut(RoutedRow),
) {
    let table = store.table(TableKind::VMConnection);
    let directions = Directions::new(store);
    // Rows of one logical connection resolve alike; addresses whose owner changed over time
    // are resolved per row instead.
    let mut routes: FxHashMap<(Sym, Sym, Sym, i64, bool), Option<Route>> = FxHashMap::default();
    let loopback = |ip: Sym| store.str(ip).starts_with("127.");
    let cols = Columns::of(table);
    for row in rows.start..rows.end.min(table.len()) {
        let time = cols.time.time(row);
        if !request.contains(time) {
            continue;
        }
        let direction = cols.direction.sym(row);
        let outbound = if directions.outbound.contains(&direction) {
            true
        } else if directions.inbound.contains(&direction) {
            false
        } else {
            continue;
        };
        let (machine, process_id) = (cols.machine.sym(row), cols.process.sym(row));
        let mut remote = cols.remote_ip.sym(row);
        if remote.is_empty() {
            // Exports of displayed columns may lack RemoteIp; it is the far end's address.
            remote = if outbound { cols.destination_ip.sym(row) } else { cols.source_ip.sym(row) };
        }
        let Some(port) = cols.port.int(row) else { continue };
        if machine.is_empty() || remote.is_empty() {
            continue;
        }
        let at = time.unwrap_or(Timestamp::MIN);
        let resolve = || route(inventory, (machine, process_id, remote, port), outbound, at, loopback(remote));
        let route = if inventory.ip_has_one_owner(remote) {
            *routes.entry((machine, process_id, remote, port, outbound)).or_insert_with(resolve)
        } else {
            resolve()
        };
        if let Some(route) = route {
            visit(RoutedRow { row, time, route, remote, outbound });
        }
    }
}

/// Builds the map of `request` from the store, on the process's threads ([`crate::threads`]).
pub fn build_map(store: &Store, inventory: &Inventory, request: &MapRequest) -> DependencyMap {
    build_map_with(store, inventory, request, Threads::current())
}

/// [`build_map`] on `threads` threads: the rows are shared out and their sums merged in row
/// order ([`parallel`]), so the map is the same whatever their number.
pub fn build_map_with(store: &Store, inventory: &Inventory, request: &MapRequest, threads: Threads) -> DependencyMap {
    let (mut sums, facts) = parallel::sum_edges(store, inventory, request, threads);
    if !request.focus.is_empty() {
        let focus = focus_machines(store, inventory, &request.focus);
        let touches = |key: &NodeKey| key.machine().is_some_and(|m| focus.contains(&m));
        sums.retain(|(source, target), _| touches(source) || touches(target));
        return assemble(store, inventory, request, sums, facts, Some(&focus));
    }
    assemble(store, inventory, request, sums, facts, None)
}

/// The columns `build_map` reads, looked up once.
struct Columns<'a> {
    time: &'a crate::store::Column,
    direction: &'a crate::store::Column,
    machine: &'a crate::store::Column,
    process: &'a crate::store::Column,
    remote_ip: &'a crate::store::Column,
    source_ip: &'a crate::store::Column,
    destination_ip: &'a crate::store::Column,
    port: &'a crate::store::Column,
    dns_canonical: &'a crate::store::Column,
    dns_questions: &'a crate::store::Column,
    country: &'a crate::store::Column,
    malicious_ip: &'a crate::store::Column,
    table: &'a Table,
}

impl<'a> Columns<'a> {
    fn of(table: &'a Table) -> Self {
        Columns {
            time: table.col(c::TIME_GENERATED),
            direction: table.col(c::DIRECTION),
            machine: table.col(c::MACHINE),
            process: table.col(c::PROCESS),
            remote_ip: table.col(c::REMOTE_IP),
            source_ip: table.col(c::SOURCE_IP),
            destination_ip: table.col(c::DESTINATION_IP),
            port: table.col(c::DESTINATION_PORT),
            dns_canonical: table.col(c::REMOTE_DNS_CANONICAL_NAMES),
            dns_questions: table.col(c::REMOTE_DNS_QUESTIONS),
            country: table.col(c::REMOTE_COUNTRY),
            malicious_ip: table.col(c::MALICIOUS_IP),
            table,
        }
    }

    fn metric(&self, column: usize, row: usize) -> i64 {
        self.table.col(column).int_or_zero(row)
    }
}

/// The map rules for one logical connection. `None` for a row the map does not count.
fn route(
    inventory: &Inventory,
    (machine, process_id, remote, port): (Sym, Sym, Sym, i64),
    outbound: bool,
    at: Timestamp,
    loopback: bool,
) -> Option<Route> {
    let local = NodeKey::Process { machine, process: process_id };
    if !outbound {
        if loopback || inventory.machine_of_ip(remote, at).is_some() {
            return None;
        }
        let group = NodeKey::ClientGroup { machine, process: process_id, port };
        return Some(Route { source: group, target: local, server_side: true, localhost: false });
    }
    let server_machine = if loopback { Some(machine) } else { inventory.machine_of_ip(remote, at) };
    let target = match server_machine {
        None => NodeKey::External { ip: remote, port },
        Some(server) => match inventory.server_process(server, remote, port) {
            Some(listener) => NodeKey::Process { machine: server, process: listener.process },
            None => NodeKey::MachinePort { machine: server, port },
        },
    };
    Some(Route { source: local, target, server_side: false, localhost: loopback })
}

fn add_row(sum: &mut EdgeSum, cols: &Columns<'_>, row: usize, time: Option<Timestamp>, route: &Route, store: &Store) {
    // Counters are non-negative (the loader skips negative ones); sums saturate rather
    // than wrap on values near i64::MAX.
    let m = &mut sum.metrics;
    let (sent, received) = (cols.metric(c::BYTES_SENT, row), cols.metric(c::BYTES_RECEIVED, row));
    let (client_sent, client_received) = if route.server_side { (received, sent) } else { (sent, received) };
    m.bytes_sent = m.bytes_sent.saturating_add(client_sent);
    m.bytes_received = m.bytes_received.saturating_add(client_received);
    m.links_established = m.links_established.saturating_add(cols.metric(c::LINKS_ESTABLISHED, row));
    m.links_terminated = m.links_terminated.saturating_add(cols.metric(c::LINKS_TERMINATED, row));
    let failed = cols.metric(c::LINKS_FAILED, row);
    m.links_failed = m.links_failed.saturating_add(failed);
    m.responses = m.responses.saturating_add(cols.metric(c::RESPONSES, row));
    m.response_time_sum_ms = m.response_time_sum_ms.saturating_add(cols.metric(c::RESPONSE_TIME_SUM, row));
    if let Some(min) = cols.table.col(c::RESPONSE_TIME_MIN).int(row) {
        m.response_time_min_ms = Some(m.response_time_min_ms.map_or(min, |v| v.min(min)));
    }
    if let Some(max) = cols.table.col(c::RESPONSE_TIME_MAX).int(row) {
        m.response_time_max_ms = Some(m.response_time_max_ms.map_or(max, |v| v.max(max)));
    }
    m.rows = m.rows.saturating_add(1);
    sum.localhost |= route.localhost;
    if let Some(t) = time {
        m.first_seen = Some(m.first_seen.map_or(t, |v| v.min(t)));
        m.last_seen = Some(m.last_seen.map_or(t, |v| v.max(t)));
        // LinksLive is a level, not a count: the edge's value is its latest minute's, summed
        // over the logical connections reporting that minute.
        let live = cols.metric(c::LINKS_LIVE, row);
        match sum.live_time {
            Some(latest) if t < latest => {}
            Some(latest) if t == latest => m.links_live = m.links_live.saturating_add(live),
            _ => {
                sum.live_time = Some(t);
                m.links_live = live;
            }
        }
        if failed > 0 {
            sum.failed_minutes.push(t.floor_to(TICKS_PER_MINUTE).0);
        }
    } else {
        m.links_live = m.links_live.saturating_add(cols.metric(c::LINKS_LIVE, row));
    }
    let malicious = cols.malicious_ip.sym(row);
    if !malicious.is_empty() && (sum.malicious_time.is_none() || time >= sum.malicious_time) {
        sum.malicious_time = time;
        m.malicious = Some(indicator(store, cols.table, row));
    }
}

fn indicator(store: &Store, table: &Table, row: usize) -> MaliciousIndicator {
    let text = |column: usize| store.str(table.col(column).sym(row)).to_string();
    MaliciousIndicator {
        ip: text(c::MALICIOUS_IP),
        threat_type: text(c::INDICATOR_THREAT_TYPE),
        description: text(c::DESCRIPTION),
        tlp_level: text(c::TLP_LEVEL),
        confidence: text(c::CONFIDENCE),
        severity: table.col(c::SEVERITY).int(row),
        first_reported: text(c::FIRST_REPORTED),
        last_reported: text(c::LAST_REPORTED),
        is_active: text(c::IS_ACTIVE),
        report_link: text(c::REPORT_REFERENCE_LINK),
        additional_information: text(c::ADDITIONAL_INFORMATION),
    }
}

/// The machines a focus set names, by machine id, computer name or host name (any case).
pub fn focus_machines(store: &Store, inventory: &Inventory, focus: &BTreeSet<String>) -> FxHashSet<Sym> {
    let wanted: FxHashSet<String> = focus.iter().map(|f| f.trim().to_ascii_lowercase()).collect();
    inventory
        .machines
        .iter()
        .copied()
        .filter(|&machine| {
            let id = store.str(machine).to_ascii_lowercase();
            let name =
                inventory.computer_names.get(&machine).map(|&s| store.str(s).to_ascii_lowercase()).unwrap_or_default();
            let short = name.split('.').next().unwrap_or_default().to_string();
            wanted.contains(&id) || wanted.contains(&name) || wanted.contains(&short)
        })
        .collect()
}

/// Turns the edge sums into the graph: nodes in a stable order, machines as parents.
fn assemble(
    store: &Store,
    inventory: &Inventory,
    request: &MapRequest,
    sums: FxHashMap<(NodeKey, NodeKey), EdgeSum>,
    mut facts: FxHashMap<NodeKey, EndpointFacts>,
    focus: Option<&FxHashSet<Sym>>,
) -> DependencyMap {
    let mut keys: BTreeSet<NodeKey> = BTreeSet::new();
    for (source, target) in sums.keys() {
        keys.insert(*source);
        keys.insert(*target);
    }
    match focus {
        // Every monitored machine is on the whole-estate map, even an idle one.
        None => keys.extend(inventory.machines.iter().map(|&machine| NodeKey::Machine { machine })),
        Some(focus) => keys.extend(focus.iter().map(|&machine| NodeKey::Machine { machine })),
    }
    let parents: Vec<NodeKey> =
        keys.iter().filter_map(|k| k.machine()).map(|machine| NodeKey::Machine { machine }).collect();
    keys.extend(parents);

    let mut graph: StableGraph<Node, Edge> = StableGraph::with_capacity(keys.len(), sums.len());
    let mut index = FxHashMap::default();
    // Machines first, so every other node can point at its parent.
    let (machines, others): (Vec<NodeKey>, Vec<NodeKey>) =
        keys.into_iter().partition(|k| matches!(k, NodeKey::Machine { .. }));
    for key in machines.into_iter().chain(others) {
        let fact = facts.remove(&key).unwrap_or_default();
        let parent = key.machine().filter(|_| !matches!(key, NodeKey::Machine { .. }));
        let node = Node {
            key,
            label: label(store, inventory, &key, &fact),
            layout_key: layout_key(store, &key),
            parent: parent.and_then(|machine| index.get(&NodeKey::Machine { machine }).copied()),
            ips: fact.ips.into_iter().collect(),
            dns_names: fact
                .dns
                .map(|(_, canonical, questions)| dns_names(store, canonical, questions))
                .unwrap_or_default(),
            country: fact.country,
            malicious_ips: fact.malicious_ips.into_iter().collect(),
        };
        let i = graph.add_node(node);
        index.insert(key, i);
    }
    let mut edges: Vec<((NodeKey, NodeKey), EdgeSum)> = sums.into_iter().collect();
    edges.sort_by_key(|e| e.0);
    for ((source, target), mut sum) in edges {
        sum.failed_minutes.sort_unstable();
        sum.failed_minutes.dedup();
        sum.metrics.failed_minutes = sum.failed_minutes.len();
        let edge = Edge { metrics: sum.metrics, localhost: sum.localhost };
        if let (Some(&a), Some(&b)) = (index.get(&source), index.get(&target)) {
            graph.add_edge(a, b, edge);
        }
    }
    DependencyMap { graph, index, request: request.clone() }
}

fn dns_names(store: &Store, canonical: Sym, questions: Sym) -> Vec<String> {
    let mut names = json_strings(store.str(canonical));
    for name in json_strings(store.str(questions)) {
        if !names.contains(&name) {
            names.push(name);
        }
    }
    names
}

/// What the map shows for a node.
fn label(store: &Store, inventory: &Inventory, key: &NodeKey, fact: &EndpointFacts) -> String {
    match *key {
        NodeKey::Machine { machine } => machine_label(store, inventory, machine),
        NodeKey::Process { machine, process: p } => process_label(store, inventory, machine, p),
        NodeKey::MachinePort { port, .. } => format!("port {port}"),
        NodeKey::External { ip, port } => {
            let name =
                fact.dns.map(|(_, canonical, questions)| dns_names(store, canonical, questions)).unwrap_or_default();
            match name.first() {
                Some(dns) => format!("{dns}:{port}"),
                None => format!("{}:{port}", store.str(ip)),
            }
        }
        NodeKey::ClientGroup { port, .. } => {
            let n = fact.ips.len();
            format!("{n} client{} :{port}", if n == 1 { "" } else { "s" })
        }
        // Groups are made by views, which name them; a map never holds one.
        NodeKey::Group { .. } => "group".to_string(),
    }
}

/// A machine's short name: its host name, else its computer name up to the first dot.
pub fn machine_label(store: &Store, inventory: &Inventory, machine: Sym) -> String {
    let host = inventory
        .machine_rows
        .get(&machine)
        .map(|&row| store.text(TableKind::VMComputer, computer::HOST_NAME, row))
        .filter(|h| !h.is_empty());
    let computer_name = inventory.computer_names.get(&machine).map(|&s| store.str(s)).filter(|s| !s.is_empty());
    match (host, computer_name) {
        (Some(host), _) => host.to_string(),
        (None, Some(name)) => name.split('.').next().unwrap_or(name).to_string(),
        (None, None) => store.str(machine).to_string(),
    }
}

/// A process's name: its display name, else executable name, else the name connections give.
pub fn process_label(store: &Store, inventory: &Inventory, machine: Sym, process_id: Sym) -> String {
    if let Some(&row) = inventory.process_rows.get(&(machine, process_id)) {
        for column in [process::DISPLAY_NAME, process::EXECUTABLE_NAME] {
            let text = store.text(TableKind::VMProcess, column, row);
            if !text.is_empty() {
                return text.to_string();
            }
        }
    }
    match inventory.process_names.get(&(machine, process_id)) {
        Some(&name) => store.str(name).to_string(),
        None if process_id.is_empty() => "(unknown process)".to_string(),
        None => store.str(process_id).to_string(),
    }
}

/// A hash of the node's identity in text, so the same node keeps its key when files are
/// closed and reloaded (symbols would change; texts do not).
fn layout_key(store: &Store, key: &NodeKey) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut state = rustc_hash::FxHasher::default();
    key.kind().hash(&mut state);
    match *key {
        NodeKey::Machine { machine } => store.str(machine).hash(&mut state),
        NodeKey::Process { machine, process } => (store.str(machine), store.str(process)).hash(&mut state),
        NodeKey::MachinePort { machine, port } => (store.str(machine), port).hash(&mut state),
        NodeKey::External { ip, port } => (store.str(ip), port).hash(&mut state),
        NodeKey::ClientGroup { machine, process, port } => {
            (store.str(machine), store.str(process), port).hash(&mut state)
        }
        NodeKey::Group { id } => id.hash(&mut state),
    }
    state.finish()
}
