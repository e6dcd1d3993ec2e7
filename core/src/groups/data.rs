//! What grouping works on: the monitored machines of the store with their inventory facts, and
//! every dependency of a time window between them and the outside (routed by the map rules of
//! [`crate::graph::for_each_routed_row`]), one per (client, server, port, protocol).

use super::Weight;
use crate::graph::build::{machine_label, process_label};
use crate::graph::inventory::json_strings;
use crate::graph::{Inventory, MapRequest, NodeKey, RoutedRow, for_each_routed_row};
use crate::model::schema::{computer, connection as c};
use crate::model::{TableKind, Timestamp};
use crate::store::{Store, Sym};
use rustc_hash::FxHashMap;
use std::collections::BTreeSet;

/// A monitored machine as a migration plan lists it (the latest `VMComputer` record).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MachineFacts {
    /// `Machine` (`m-…`).
    pub id: String,
    /// Short name (host name), what the map shows.
    pub name: String,
    /// `Computer`: the fully qualified name when the agent knows it.
    pub fqdn: String,
    /// `Ipv4Addresses` of the latest record.
    pub ips: Vec<String>,
    /// `AzureResourceGroup`, else the resource group of `_ResourceId`.
    pub resource_group: String,
    /// `OperatingSystemFullName`, else `OperatingSystemFamily`.
    pub os: String,
    /// `AzureSize`.
    pub size: String,
    pub sym: Sym,
}

impl MachineFacts {
    /// The /24 network of the first IPv4 address (`10.1.2.0/24`), for the naive grouping.
    pub fn subnet24(&self) -> Option<String> {
        let ip: std::net::Ipv4Addr = self.ips.first()?.parse().ok()?;
        let [a, b, c, _] = ip.octets();
        Some(format!("{a}.{b}.{c}.0/24"))
    }
}

/// One end of a dependency.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    /// The map node of this end, to select the edge on the map.
    pub key: NodeKey,
    /// Index into [`DependencyData::machines`] for a monitored end.
    pub machine: Option<usize>,
    /// The machine's short name, an external endpoint's DNS name or address, or
    /// "unmonitored clients".
    pub name: String,
    /// The process's name; `None` for an external end or a port no known process listens on.
    pub process: Option<String>,
    /// Addresses this end used in the window's rows (sorted).
    pub ips: Vec<String>,
}

/// Client-to-server traffic over one port and protocol within the window.
#[derive(Clone, Debug, PartialEq)]
pub struct Dependency {
    pub from: Endpoint,
    pub to: Endpoint,
    pub port: i64,
    /// `Protocol` as the rows give it, lower case (`tcp`).
    pub protocol: String,
    /// Client to server.
    pub bytes_sent: i64,
    /// Server to client.
    pub bytes_received: i64,
    pub links_established: i64,
    pub links_failed: i64,
    pub first_seen: Option<Timestamp>,
    pub last_seen: Option<Timestamp>,
    /// `VMConnection` rows behind it.
    pub rows: usize,
}

impl Dependency {
    pub fn bytes(&self) -> i64 {
        self.bytes_sent.saturating_add(self.bytes_received)
    }

    /// The weight this dependency adds to the machine graph.
    pub fn weight(&self, weight: Weight) -> i64 {
        match weight {
            Weight::Bytes => self.bytes(),
            Weight::Links => self.links_established,
            Weight::Any => i64::from(self.rows > 0),
        }
    }
}

/// The machines and dependencies of one window: computed once, regrouped many times.
#[derive(Clone, Debug, Default)]
pub struct DependencyData {
    /// Sorted by name, then id.
    pub machines: Vec<MachineFacts>,
    /// Sorted by (from, to, port, protocol) names.
    pub dependencies: Vec<Dependency>,
    /// Per machine, the dependencies with an end on it.
    pub machine_dependencies: Vec<Vec<usize>>,
    pub request: MapRequest,
}

/// A machine that many others depend on: a candidate for exclusion (directory, monitoring).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SharedService {
    pub machine: usize,
    pub name: String,
    /// Distinct other machines with a dependency on it.
    pub in_degree: usize,
}

/// A dependency while rows are added up.
#[derive(Default)]
struct Sum {
    bytes_sent: i64,
    bytes_received: i64,
    links_established: i64,
    links_failed: i64,
    first_seen: Option<Timestamp>,
    last_seen: Option<Timestamp>,
    rows: usize,
    from_ips: BTreeSet<Sym>,
    to_ips: BTreeSet<Sym>,
    dns: Sym,
}

impl DependencyData {
    /// The machines of the store and the dependencies of `request`'s window (its focus set is
    /// ignored: a plan covers the estate). Loopback traffic and traffic between two processes
    /// of one machine cross no boundary and are left out.
    pub fn collect(store: &Store, inventory: &Inventory, request: &MapRequest) -> DependencyData {
        let request = MapRequest { focus: BTreeSet::new(), ..request.clone() };
        let machines = machine_facts(store, inventory);
        let index: FxHashMap<Sym, usize> = machines.iter().enumerate().map(|(i, m)| (m.sym, i)).collect();
        let table = store.table(TableKind::VMConnection);
        let col = |i| table.col(i);
        let (source_ip, destination_ip, protocol) = (col(c::SOURCE_IP), col(c::DESTINATION_IP), col(c::PROTOCOL));
        let (sent, received) = (col(c::BYTES_SENT), col(c::BYTES_RECEIVED));
        let (established, failed) = (col(c::LINKS_ESTABLISHED), col(c::LINKS_FAILED));
        let (dns_canonical, dns_questions) = (col(c::REMOTE_DNS_CANONICAL_NAMES), col(c::REMOTE_DNS_QUESTIONS));
        let destination_port = col(c::DESTINATION_PORT);
        let mut sums: FxHashMap<(NodeKey, NodeKey, i64, Sym), Sum> = FxHashMap::default();
        for_each_routed_row(store, inventory, &request, |routed: RoutedRow| {
            let RoutedRow { row, time, route, remote, outbound } = routed;
            let (from_machine, to_machine) = (end_machine(&route.source), end_machine(&route.target));
            if route.localhost || (from_machine.is_some() && from_machine == to_machine) {
                return;
            }
            let Some(port) = destination_port.int(row) else { return };
            let sum = sums.entry((route.source, route.target, port, protocol.sym(row))).or_default();
            let (s, r) = (sent.int_or_zero(row), received.int_or_zero(row));
            // An inbound row is written by the server: what it sent went to the client.
            let (client_sent, client_received) = if route.server_side { (r, s) } else { (s, r) };
            sum.bytes_sent = sum.bytes_sent.saturating_add(client_sent);
            sum.bytes_received = sum.bytes_received.saturating_add(client_received);
            sum.links_established = sum.links_established.saturating_add(established.int_or_zero(row));
            sum.links_failed = sum.links_failed.saturating_add(failed.int_or_zero(row));
            sum.rows += 1;
            if let Some(t) = time {
                sum.first_seen = Some(sum.first_seen.map_or(t, |v| v.min(t)));
                sum.last_seen = Some(sum.last_seen.map_or(t, |v| v.max(t)));
            }
            let (from_ip, to_ip) =
                if outbound { (source_ip.sym(row), remote) } else { (remote, destination_ip.sym(row)) };
            if !from_ip.is_empty() {
                sum.from_ips.insert(from_ip);
            }
            if !to_ip.is_empty() {
                sum.to_ips.insert(to_ip);
            }
            if sum.dns.is_empty() && matches!(route.target, NodeKey::External { .. }) {
                let canonical = dns_canonical.sym(row);
                sum.dns = if canonical.is_empty() { dns_questions.sym(row) } else { canonical };
            }
        });
        let mut dependencies: Vec<Dependency> = sums
            .into_iter()
            .map(|((source, target, port, protocol), sum)| {
                let ips = |set: &BTreeSet<Sym>| set.iter().map(|&ip| store.str(ip).to_string()).collect::<Vec<_>>();
                let from = endpoint(store, inventory, &index, &machines, source, ips(&sum.from_ips), Sym::EMPTY);
                let to = endpoint(store, inventory, &index, &machines, target, ips(&sum.to_ips), sum.dns);
                Dependency {
                    from,
                    to,
                    port,
                    protocol: store.str(protocol).to_ascii_lowercase(),
                    bytes_sent: sum.bytes_sent,
                    bytes_received: sum.bytes_received,
                    links_established: sum.links_established,
                    links_failed: sum.links_failed,
                    first_seen: sum.first_seen,
                    last_seen: sum.last_seen,
                    rows: sum.rows,
                }
            })
            .collect();
        // Names first for people; addresses and machine ids settle ties (two endpoints of one
        // DNS name), so the order never depends on hashing.
        let order = |d: &Dependency| {
            let id = |end: &Endpoint| end.machine.and_then(|m| machines.get(m)).map(|m| m.id.clone());
            (
                (d.from.name.clone(), d.from.process.clone(), d.to.name.clone(), d.to.process.clone()),
                (d.port, d.protocol.clone(), d.from.ips.clone(), d.to.ips.clone(), id(&d.from), id(&d.to)),
            )
        };
        dependencies.sort_by_cached_key(order);
        let mut machine_dependencies = vec![Vec::new(); machines.len()];
        for (i, dep) in dependencies.iter().enumerate() {
            for machine in [dep.from.machine, dep.to.machine].into_iter().flatten() {
                if let Some(list) = machine_dependencies.get_mut(machine) {
                    list.push(i);
                }
            }
        }
        DependencyData { machines, dependencies, machine_dependencies, request }
    }

    /// Machines ranked by how many other machines depend on them (highest first, then by name):
    /// directory and monitoring servers that everyone talks to come first, so a user can
    /// exclude them before grouping.
    pub fn shared_services(&self, limit: usize) -> Vec<SharedService> {
        let mut clients: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); self.machines.len()];
        for dep in &self.dependencies {
            if let (Some(from), Some(to)) = (dep.from.machine, dep.to.machine)
                && let Some(set) = clients.get_mut(to)
            {
                set.insert(from);
            }
        }
        let mut ranked: Vec<SharedService> = clients
            .iter()
            .enumerate()
            .filter(|(_, set)| !set.is_empty())
            .map(|(machine, set)| SharedService {
                machine,
                name: self.machines.get(machine).map(|m| m.name.clone()).unwrap_or_default(),
                in_degree: set.len(),
            })
            .collect();
        ranked.sort_by(|a, b| b.in_degree.cmp(&a.in_degree).then_with(|| a.name.cmp(&b.name)));
        ranked.truncate(limit);
        ranked
    }

    /// The machine a user names: its id, computer name, host name or computer name up to the
    /// first dot, in any case. `Err` lists what matched when the name is ambiguous.
    pub fn find_machine(&self, name: &str) -> Result<usize, super::GroupError> {
        let wanted = name.trim().to_ascii_lowercase();
        if let Some(i) = self.machines.iter().position(|m| m.id.to_ascii_lowercase() == wanted) {
            return Ok(i);
        }
        let matches: Vec<usize> = (0..self.machines.len())
            .filter(|&i| {
                let m = &self.machines[i];
                let fqdn = m.fqdn.to_ascii_lowercase();
                let short = fqdn.split('.').next().unwrap_or_default().to_string();
                m.name.to_ascii_lowercase() == wanted || fqdn == wanted || short == wanted
            })
            .collect();
        match matches.as_slice() {
            [one] => Ok(*one),
            [] => Err(super::GroupError::UnknownMachine { name: name.to_string() }),
            _ => Err(super::GroupError::AmbiguousMachine {
                name: name.to_string(),
                matches: matches.iter().filter_map(|&i| self.machines.get(i)).map(|m| m.id.clone()).collect(),
            }),
        }
    }
}

/// The monitored machine at one end of a route: a client group's machine is the server's, not
/// the (unmonitored) clients'.
fn end_machine(key: &NodeKey) -> Option<Sym> {
    match *key {
        NodeKey::Machine { machine } | NodeKey::Process { machine, .. } | NodeKey::MachinePort { machine, .. } => {
            Some(machine)
        }
        NodeKey::External { .. } | NodeKey::ClientGroup { .. } | NodeKey::Group { .. } => None,
    }
}

fn endpoint(
    store: &Store,
    inventory: &Inventory,
    index: &FxHashMap<Sym, usize>,
    machines: &[MachineFacts],
    key: NodeKey,
    row_ips: Vec<String>,
    dns: Sym,
) -> Endpoint {
    let machine = end_machine(&key).and_then(|m| index.get(&m).copied());
    let machine_name = |sym: Sym| match machine.and_then(|i| machines.get(i)) {
        Some(facts) => facts.name.clone(),
        None => machine_label(store, inventory, sym),
    };
    let (name, process) = match key {
        NodeKey::Machine { machine } => (machine_name(machine), None),
        NodeKey::Process { machine, process } => {
            (machine_name(machine), Some(process_label(store, inventory, machine, process)))
        }
        NodeKey::MachinePort { machine, .. } => (machine_name(machine), None),
        NodeKey::External { ip, .. } => {
            let names = json_strings(store.str(dns));
            (names.into_iter().next().unwrap_or_else(|| store.str(ip).to_string()), None)
        }
        NodeKey::ClientGroup { .. } => ("unmonitored clients".to_string(), None),
        NodeKey::Group { .. } => ("group".to_string(), None),
    };
    // A monitored end whose rows gave no address falls back on its inventory addresses.
    let ips = if row_ips.is_empty() {
        machine.and_then(|i| machines.get(i)).map(|m| m.ips.clone()).unwrap_or_default()
    } else {
        row_ips
    };
    Endpoint { key, machine, name, process, ips }
}

fn machine_facts(store: &Store, inventory: &Inventory) -> Vec<MachineFacts> {
    let text = |column: usize, row: Option<usize>| {
        row.map(|r| store.text(TableKind::VMComputer, column, r).to_string()).unwrap_or_default()
    };
    let mut machines: Vec<MachineFacts> = inventory
        .machines
        .iter()
        .map(|&sym| {
            let row = inventory.machine_rows.get(&sym).copied();
            let mut resource_group = text(computer::AZURE_RESOURCE_GROUP, row);
            if resource_group.is_empty() {
                resource_group = resource_group_of(&text(computer::RESOURCE_ID, row));
            }
            let mut os = text(computer::OPERATING_SYSTEM_FULL_NAME, row);
            if os.is_empty() {
                os = text(computer::OPERATING_SYSTEM_FAMILY, row);
            }
            MachineFacts {
                id: store.str(sym).to_string(),
                name: machine_label(store, inventory, sym),
                fqdn: inventory.computer_names.get(&sym).map(|&s| store.str(s).to_string()).unwrap_or_default(),
                ips: json_strings(&text(computer::IPV4_ADDRESSES, row)),
                resource_group,
                os,
                size: text(computer::AZURE_SIZE, row),
                sym,
            }
        })
        .collect();
    machines.sort_by(|a, b| (&a.name, &a.id).cmp(&(&b.name, &b.id)));
    machines
}

/// The resource group of an Azure resource id (`/subscriptions/…/resourceGroups/NAME/…`).
fn resource_group_of(resource_id: &str) -> String {
    let parts: Vec<&str> = resource_id.split('/').collect();
    parts.windows(2).find(|w| w[0].eq_ignore_ascii_case("resourcegroups")).map(|w| w[1].to_string()).unwrap_or_default()
}
