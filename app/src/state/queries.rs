//! The questions panels ask of the data, answered once per request (when the selection, the
//! map or the loaded records change), never per frame: the detail panel's facts and
//! connections, the values the filters offer, and the search index.

use super::{AppState, Selected};
use petgraph::Direction;
use petgraph::stable_graph::NodeIndex;
use petgraph::visit::EdgeRef;
use rustc_hash::FxHashMap;
use std::collections::BTreeSet;
use vmi_core::graph::build::{machine_label, process_label};
use vmi_core::graph::inventory::{json_list as list, json_strings};
use vmi_core::graph::{DependencyMap, EdgeMetrics, Inventory, NodeKey, NodeKind};
use vmi_core::model::schema::{computer as vc, process as vp};
use vmi_core::model::time::TICKS_PER_DAY;
use vmi_core::model::{TableKind, Timestamp};
use vmi_core::render::theme::format_bytes;
use vmi_core::store::{Cell, Store, Sym};

/// Name/value rows of a facts grid; empty values are not shown.
pub type Facts = Vec<(&'static str, String)>;

/// What the detail panel shows.
#[derive(Clone, Debug, Default)]
pub enum Details {
    #[default]
    Estate,
    /// The selection is not on the map in this window.
    Missing,
    Node(Box<NodeDetails>),
    Edge(Box<EdgeDetails>),
}

#[derive(Clone, Debug, Default)]
pub struct NodeDetails {
    pub key: Option<NodeKey>,
    pub label: String,
    pub kind: &'static str,
    /// A process's machine, as a link.
    pub machine: Option<(NodeKey, String)>,
    pub facts: Facts,
    /// Said when the inventory record is missing.
    pub note: Option<&'static str>,
    pub command_line: Option<String>,
    /// Columns outside the schema that the export carried.
    pub extras: Vec<(String, String)>,
    /// A machine's processes: label, key, whether on the map.
    pub processes: Option<Vec<(String, NodeKey, bool)>>,
    /// A group's machines: label, key, whether on the map.
    pub members: Option<Vec<(String, NodeKey, bool)>>,
    /// A machine's listening sockets.
    pub ports: Option<Vec<String>>,
    /// A process's listening sockets.
    pub listening_on: Option<String>,
    pub bytes_out: i64,
    pub bytes_in: i64,
    /// Its edges in the window, busiest first.
    pub connections: Vec<ConnectionRow>,
    /// Its traffic in window A and B, while a comparison is on.
    pub comparison: Option<super::compare::ComparisonPart>,
}

#[derive(Clone, Debug)]
pub struct ConnectionRow {
    pub outgoing: bool,
    pub other: NodeKey,
    pub label: String,
    pub bytes: i64,
    pub links_failed: i64,
}

#[derive(Clone, Debug)]
pub struct EdgeDetails {
    pub source: (NodeKey, String),
    pub target: (NodeKey, String),
    pub localhost: bool,
    pub metrics: Facts,
    pub malicious: Option<Facts>,
    /// Its metrics in window A and B, while a comparison is on.
    pub comparison: Option<super::compare::ComparisonPart>,
    /// Its failed destination ports with their verdicts, once the window is triaged.
    pub failures: Vec<super::compare::FailureRow>,
}

/// The rows of an edge's metrics (tooltips and the panel).
pub fn metric_rows(m: &EdgeMetrics) -> Facts {
    let time = |t: Option<Timestamp>| t.map(|t| t.to_string()).unwrap_or_default();
    vec![
        ("Bytes sent", format_bytes(m.bytes_sent as f64)),
        ("Bytes received", format_bytes(m.bytes_received as f64)),
        ("Links established", m.links_established.to_string()),
        ("Links terminated", m.links_terminated.to_string()),
        ("Links failed", m.links_failed.to_string()),
        ("Links live (latest)", m.links_live.to_string()),
        ("Failed minutes", m.failed_minutes.to_string()),
        ("Responses", m.responses.to_string()),
        ("Response time avg", m.response_time_avg_ms().map(|v| format!("{v:.1} ms")).unwrap_or_default()),
        ("Response time min", m.response_time_min_ms.map(|v| format!("{v} ms")).unwrap_or_default()),
        ("Response time max", m.response_time_max_ms.map(|v| format!("{v} ms")).unwrap_or_default()),
        ("First seen", time(m.first_seen)),
        ("Last seen", time(m.last_seen)),
        ("Records", m.rows.to_string()),
    ]
}

/// The estate's totals, for the panel when nothing is selected.
pub fn estate_rows(state: &AppState) -> Facts {
    let counts = state.store.record_counts();
    let (machines, nodes, edges) = state.counts();
    let mut rows: Facts = TableKind::ALL.iter().map(|k| (k.name(), counts[k.index()].to_string())).collect();
    rows.push(("Machines on the map", machines.to_string()));
    rows.push(("Nodes / edges", format!("{nodes} / {edges}")));
    if let Some((from, to)) = state.data_extent {
        rows.push(("Records from", from.to_string()));
        rows.push(("Records to", to.to_string()));
    }
    rows
}

impl AppState {
    /// Recomputes the details when the selection or the map changed since the last time.
    pub(super) fn refresh_details(&mut self) {
        let key = (self.selected, self.map_version, self.view_version);
        if key != self.details_for {
            self.details = details(self);
            self.details_for = key;
        }
    }

    /// The details depend on something besides the selection and map (a new triage): compute
    /// them again at the end of this update.
    pub(super) fn invalidate_details(&mut self) {
        self.details_for = (None, u64::MAX, u64::MAX);
    }
}

fn details(state: &AppState) -> Details {
    match state.selected {
        None => Details::Estate,
        Some(Selected::Node(key)) => node_details(state, key).map_or(Details::Missing, |d| Details::Node(Box::new(d))),
        Some(Selected::Edge { source, target }) => {
            edge_details(state, source, target).map_or(Details::Missing, |d| Details::Edge(Box::new(d)))
        }
    }
}

fn cell_text(store: &Store, cell: Cell) -> String {
    match cell {
        Cell::Null => String::new(),
        Cell::Str(s) => store.str(s).to_string(),
        Cell::Int(v) => v.to_string(),
        Cell::Real(v) => v.to_string(),
        Cell::Bool(b) => b.to_string(),
        Cell::Time(t) => t.to_string(),
    }
}

fn extras(store: &Store, kind: TableKind, row: usize) -> Vec<(String, String)> {
    store
        .table(kind)
        .extras
        .iter()
        .map(|(name, column)| (name.clone(), cell_text(store, column.get(row))))
        .filter(|(_, v)| !v.is_empty())
        .collect()
}

fn node_details(state: &AppState, key: NodeKey) -> Option<NodeDetails> {
    if let NodeKey::Group { id } = key {
        return super::grouping::group_details(state, id);
    }
    let node = state.map.node(&key)?;
    let mut details =
        NodeDetails { key: Some(key), label: node.label.clone(), kind: key.kind().label(), ..Default::default() };
    match key {
        NodeKey::Machine { machine } => machine_facts(state, machine, &mut details),
        NodeKey::Process { machine, process } => process_facts(state, machine, process, &mut details),
        // Groups are not map nodes: `map.node` above has no details for them.
        NodeKey::Group { .. } => {}
        NodeKey::External { port, .. } | NodeKey::ClientGroup { port, .. } | NodeKey::MachinePort { port, .. } => {
            let store = &state.store;
            let machine = key.machine().map(|m| machine_label(store, &state.inventory, m)).unwrap_or_default();
            let ips: Vec<&str> = node.ips.iter().map(|&ip| store.str(ip)).collect();
            details.facts = vec![
                ("Machine", machine),
                ("Port", port.to_string()),
                ("IP addresses", ips.join(", ")),
                ("DNS names", node.dns_names.join(", ")),
                ("Country", node.country.map(|c| store.str(c).to_string()).unwrap_or_default()),
                ("Malicious IPs", node.malicious_ips.join(", ")),
            ];
        }
    }
    connections(&state.map, key, &mut details);
    details.comparison = super::compare::node_part(state, &key);
    Some(details)
}

fn machine_facts(state: &AppState, machine: Sym, details: &mut NodeDetails) {
    let store = &state.store;
    // Its processes (all known) and listening ports, record or not.
    let mut processes: Vec<(String, NodeKey, bool)> = state
        .inventory
        .processes
        .iter()
        .filter(|(m, _)| *m == machine)
        .map(|&(m, p)| {
            let key = NodeKey::Process { machine: m, process: p };
            (process_label(store, &state.inventory, m, p), key, state.map.node(&key).is_some())
        })
        .collect();
    processes.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut ports: Vec<(i64, String)> = state
        .inventory
        .listeners
        .iter()
        .filter(|((m, _), _)| *m == machine)
        .flat_map(|((_, port), listeners)| listeners.iter().map(move |l| (*port, l)))
        .map(|(port, l)| {
            let ip = if l.wildcard { "*" } else { store.str(l.ip) };
            (port, format!("{ip}:{port} {}", store.str(l.process_name)))
        })
        .collect();
    ports.sort();
    ports.dedup();
    details.processes = Some(processes);
    details.ports = Some(ports.into_iter().map(|(_, text)| text).collect());
    let Some(&row) = state.inventory.machine_rows.get(&machine) else {
        details.facts = vec![("Machine", store.str(machine).to_string())];
        details.note = Some("No VMComputer record loaded for this machine.");
        if state.inventory.is_inferred(machine) {
            let ips: Vec<&str> = state.inventory.inferred_addresses(machine).iter().map(|&ip| store.str(ip)).collect();
            details.facts.push(("IPv4", ips.join(", ")));
            details.note = Some(
                "Inferred from connections: its addresses come from its connection records. Load VMComputer to add names, OS and more.",
            );
        }
        return;
    };
    let text = |c: usize| store.text(TableKind::VMComputer, c, row).to_string();
    let table = store.table(TableKind::VMComputer);
    let boot = table.col(vc::BOOT_TIME).time(row);
    let latest = table.col(vc::TIME_GENERATED).time(row);
    let days = match (boot, latest) {
        (Some(b), Some(l)) => format!("{:.1} days before the latest record", (l.0 - b.0) as f64 / TICKS_PER_DAY as f64),
        _ => String::new(),
    };
    let joined = |parts: &[usize]| parts.iter().map(|&c| text(c)).collect::<Vec<_>>().join(" ").trim().to_string();
    details.facts = vec![
        ("Computer", text(vc::COMPUTER)),
        ("Display name", text(vc::DISPLAY_NAME)),
        ("Full name", text(vc::FULL_DISPLAY_NAME)),
        ("Machine id", store.str(machine).to_string()),
        ("DNS names", list(&text(vc::DNS_NAMES))),
        ("IPv4", list(&text(vc::IPV4_ADDRESSES))),
        ("IPv6", list(&text(vc::IPV6_ADDRESSES))),
        ("MAC", list(&text(vc::MAC_ADDRESSES))),
        ("OS", format!("{} ({})", text(vc::OPERATING_SYSTEM_FULL_NAME), text(vc::OPERATING_SYSTEM_FAMILY))),
        (
            "CPUs",
            format!(
                "{} × {} MHz",
                table.col(vc::CPUS).int(row).unwrap_or(0),
                table.col(vc::CPU_SPEED).int(row).unwrap_or(0)
            ),
        ),
        ("Memory", table.col(vc::PHYSICAL_MEMORY_MB).int(row).map(|m| format!("{m} MB")).unwrap_or_default()),
        ("Boot time", boot.map(|b| b.to_string()).unwrap_or_default()),
        ("Up for", days),
        ("Agent version", text(vc::DEPENDENCY_AGENT_VERSION)),
        ("Hypervisor", joined(&[vc::HYPERVISOR_TYPE, vc::VIRTUALIZATION_STATE])),
        ("Azure location", text(vc::AZURE_LOCATION)),
        ("Azure size", text(vc::AZURE_SIZE)),
        ("Image", joined(&[vc::AZURE_IMAGE_PUBLISHER, vc::AZURE_IMAGE_OFFERING, vc::AZURE_IMAGE_SKU])),
        ("Resource group", text(vc::AZURE_RESOURCE_GROUP)),
        ("Subscription", text(vc::AZURE_SUBSCRIPTION_ID)),
        ("Scale set", text(vc::AZURE_VM_SCALE_SET_NAME)),
        ("Latest record", latest.map(|t| t.to_string()).unwrap_or_default()),
    ];
    details.extras = extras(store, TableKind::VMComputer, row);
}

fn process_facts(state: &AppState, machine: Sym, process: Sym, details: &mut NodeDetails) {
    let store = &state.store;
    details.machine = Some((NodeKey::Machine { machine }, machine_label(store, &state.inventory, machine)));
    let Some(&row) = state.inventory.process_rows.get(&(machine, process)) else {
        details.note = Some("No VMProcess record loaded for this process.");
        return;
    };
    let text = |c: usize| store.text(TableKind::VMProcess, c, row).to_string();
    let table = store.table(TableKind::VMProcess);
    details.facts = vec![
        ("Executable", text(vp::EXECUTABLE_NAME)),
        ("Display name", text(vp::DISPLAY_NAME)),
        ("Path", text(vp::EXECUTABLE_PATH)),
        ("Product", format!("{} {}", text(vp::PRODUCT_NAME), text(vp::PRODUCT_VERSION)).trim().to_string()),
        ("Company", text(vp::COMPANY_NAME)),
        ("File version", text(vp::FILE_VERSION)),
        ("Description", text(vp::DESCRIPTION)),
        ("User", format!("{}\\{}", text(vp::USER_DOMAIN), text(vp::USER_NAME)).trim_start_matches('\\').to_string()),
        ("Start time", table.col(vp::START_TIME).time(row).map(|t| t.to_string()).unwrap_or_default()),
        ("First PID", table.col(vp::FIRST_PID).int(row).map(|v| v.to_string()).unwrap_or_default()),
        ("Services", list(&text(vp::SERVICES))),
        ("Role", text(vp::ROLE)),
        ("Process id", store.str(process).to_string()),
    ];
    details.command_line = Some(text(vp::COMMAND_LINE)).filter(|c| !c.is_empty());
    details.extras = extras(store, TableKind::VMProcess, row);
    let ports: Vec<String> = state
        .inventory
        .listeners
        .iter()
        .filter(|((m, _), _)| *m == machine)
        .flat_map(|((_, port), listeners)| listeners.iter().filter(|l| l.process == process).map(move |l| (port, l)))
        .map(|(port, l)| format!("{}:{port}", if l.wildcard { "*" } else { store.str(l.ip) }))
        .collect();
    details.listening_on = Some(ports.join(", ")).filter(|p| !p.is_empty());
}

/// The node's edges in the window, busiest first; a machine's are its processes' and ports'.
fn connections(map: &DependencyMap, key: NodeKey, details: &mut NodeDetails) {
    let Some(&index) = map.index.get(&key) else { return };
    let graph = &map.graph;
    let members: Vec<NodeIndex> = std::iter::once(index)
        .chain(
            graph
                .node_indices()
                .filter(|&i| graph[i].parent == Some(index) && graph[i].key.kind() != NodeKind::ClientGroup),
        )
        .collect();
    let mut rows = Vec::new();
    for &member in &members {
        for (direction, outgoing) in [(Direction::Outgoing, true), (Direction::Incoming, false)] {
            for edge in graph.edges_directed(member, direction) {
                let other = &graph[if outgoing { edge.target() } else { edge.source() }];
                let m = &edge.weight().metrics;
                // What the client sent goes out of it and into the server.
                let (out, into) =
                    if outgoing { (m.bytes_sent, m.bytes_received) } else { (m.bytes_received, m.bytes_sent) };
                details.bytes_out += out;
                details.bytes_in += into;
                rows.push(ConnectionRow {
                    outgoing,
                    other: other.key,
                    label: other.label.clone(),
                    bytes: m.total_bytes(),
                    links_failed: m.links_failed,
                });
            }
        }
    }
    rows.sort_by(|a, b| b.bytes.cmp(&a.bytes).then_with(|| a.label.cmp(&b.label)));
    details.connections = rows;
}

fn edge_details(state: &AppState, source: NodeKey, target: NodeKey) -> Option<EdgeDetails> {
    let graph = &state.map.graph;
    let (a, b) = (*state.map.index.get(&source)?, *state.map.index.get(&target)?);
    let edge = &graph[graph.find_edge(a, b)?];
    let malicious = edge.metrics.malicious.as_ref().map(|indicator| {
        vec![
            ("IP", indicator.ip.clone()),
            ("Threat type", indicator.threat_type.clone()),
            ("Description", indicator.description.clone()),
            ("TLP level", indicator.tlp_level.clone()),
            ("Confidence", indicator.confidence.clone()),
            ("Severity", indicator.severity.map(|s| s.to_string()).unwrap_or_default()),
            ("First reported", indicator.first_reported.clone()),
            ("Last reported", indicator.last_reported.clone()),
            ("Active", indicator.is_active.clone()),
            ("Report", indicator.report_link.clone()),
            ("More", indicator.additional_information.clone()),
        ]
    });
    Some(EdgeDetails {
        source: (source, graph[a].label.clone()),
        target: (target, graph[b].label.clone()),
        localhost: edge.localhost,
        metrics: metric_rows(&edge.metrics),
        malicious,
        comparison: super::compare::edge_part(state, &source, &target),
        failures: state.compare.failures_of(&source, &target).cloned().collect(),
    })
}

/// The distinct values the filters offer, from the latest inventory records (lower-cased).
#[derive(Clone, Debug, Default)]
pub struct FilterValues {
    pub os_families: BTreeSet<String>,
    pub locations: BTreeSet<String>,
}

impl FilterValues {
    pub fn new(store: &Store, inventory: &Inventory) -> Self {
        let distinct = |column: usize| -> BTreeSet<String> {
            inventory
                .machine_rows
                .values()
                .map(|&row| store.text(TableKind::VMComputer, column, row).to_ascii_lowercase())
                .filter(|v| !v.is_empty())
                .collect()
        };
        FilterValues { os_families: distinct(vc::OPERATING_SYSTEM_FAMILY), locations: distinct(vc::AZURE_LOCATION) }
    }
}

/// Everything each map node can be found by (names, IPs, DNS names, process names, command
/// lines, ports), lower-cased, built once per map so a keystroke is one scan of short texts.
#[derive(Clone, Debug, Default)]
pub struct SearchIndex {
    entries: Vec<(NodeKey, String)>,
}

impl SearchIndex {
    pub fn new(store: &Store, inventory: &Inventory, map: &DependencyMap) -> Self {
        // The ports each process listens on, gathered once (not per process).
        let mut ports: FxHashMap<(Sym, Sym), Vec<i64>> = FxHashMap::default();
        for ((machine, port), listeners) in &inventory.listeners {
            for listener in listeners {
                ports.entry((*machine, listener.process)).or_default().push(*port);
            }
        }
        let entries = map
            .graph
            .node_indices()
            .map(|i| {
                let key = map.graph[i].key;
                (key, search_text(store, inventory, map, &key, &ports))
            })
            .collect();
        SearchIndex { entries }
    }

    /// The nodes the text finds, in the map's order. A text like `443` or `:443` finds the port.
    pub fn find(&self, text: &str) -> Vec<NodeKey> {
        let needle = text.trim().to_lowercase();
        if needle.is_empty() {
            return Vec::new();
        }
        let port_form = needle.chars().all(|c| c.is_ascii_digit()).then(|| format!(":{needle}"));
        self.entries
            .iter()
            .filter(|(_, haystack)| {
                haystack.contains(&needle) || port_form.as_ref().is_some_and(|p| haystack.lines().any(|l| l == p))
            })
            .map(|(key, _)| *key)
            .collect()
    }
}

fn search_text(
    store: &Store,
    inventory: &Inventory,
    map: &DependencyMap,
    key: &NodeKey,
    ports: &FxHashMap<(Sym, Sym), Vec<i64>>,
) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(node) = map.node(key) {
        parts.push(node.label.clone());
        parts.extend(node.ips.iter().map(|&ip| store.str(ip).to_string()));
        parts.extend(node.dns_names.iter().cloned());
    }
    match *key {
        NodeKey::Machine { machine } => {
            parts.push(store.str(machine).to_string());
            if let Some(&name) = inventory.computer_names.get(&machine) {
                parts.push(store.str(name).to_string());
            }
            if let Some(&row) = inventory.machine_rows.get(&machine) {
                for column in [vc::IPV4_ADDRESSES, vc::IPV6_ADDRESSES, vc::DNS_NAMES] {
                    parts.extend(json_strings(store.text(TableKind::VMComputer, column, row)));
                }
                parts.push(store.text(TableKind::VMComputer, vc::DISPLAY_NAME, row).to_string());
            }
        }
        NodeKey::Process { machine, process } => {
            if let Some(&row) = inventory.process_rows.get(&(machine, process)) {
                for column in [vp::EXECUTABLE_NAME, vp::COMMAND_LINE, vp::EXECUTABLE_PATH, vp::SERVICES] {
                    parts.push(store.text(TableKind::VMProcess, column, row).to_string());
                }
            }
            if let Some(&name) = inventory.process_names.get(&(machine, process)) {
                parts.push(store.str(name).to_string());
            }
            for port in ports.get(&(machine, process)).into_iter().flatten() {
                parts.push(format!(":{port}"));
            }
        }
        NodeKey::MachinePort { port, .. } | NodeKey::External { port, .. } | NodeKey::ClientGroup { port, .. } => {
            parts.push(format!(":{port}"));
        }
        NodeKey::Group { .. } => {}
    }
    parts.join("\n").to_lowercase()
}
