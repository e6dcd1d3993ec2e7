//! Failed-connection triage: for every edge and destination port with failed links in the
//! window, a verdict computed from the records, with its evidence:
//! - **malicious remote**: the remote address is flagged by threat intelligence (the indicator);
//! - **destination not monitored**: an external or unmonitored endpoint (its DNS names): these
//!   records cannot tell why;
//! - **nothing listening**: the destination is a monitored machine and no `VMBoundPort` record
//!   in the window shows the port bound on the address the client used or on every interface;
//! - **listening but failing**: such a record exists: intermittent failures (overload,
//!   firewall, timeouts), with which process listens and when it was seen bound.
//!
//! Every failure also gets when its failures started and stopped, the share of its active
//! minutes that failed and whether failures come in bursts, a reboot of the destination or its
//! agent going silent around the failures, and the other clients of the same destination port
//! (all failing too points at the server side).
//!
//! One failure is one (client, server, destination port): an edge to a process listening on
//! several ports can fail on one port only, and the verdict is per port.

use super::describe::{NodeRef, indicator_json, opt_time_text, time_text};
use super::records::{self, BoundRecord};
use crate::graph::build::{focus_machines, process_label};
use crate::graph::{DependencyMap, Inventory, MaliciousIndicator, MapRequest, NodeKey, build_map, for_each_routed_row};
use crate::model::schema::connection as c;
use crate::model::time::TICKS_PER_MINUTE;
use crate::model::{TableKind, Timestamp};
use crate::store::{Store, Sym};
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// A boot this long before the first failed minute still counts as coinciding (clients retry
/// a service that is still starting).
pub const REBOOT_LEAD_MINUTES: i64 = 10;
/// The shortest stretch without records that counts as the agent going silent...
pub const SILENCE_MIN_MINUTES: i64 = 5;
/// ...and it must also be this many times the machine's usual gap between records.
pub const SILENCE_USUAL_GAP_FACTOR: i64 = 3;

/// The triage of one window.
#[derive(Clone, Debug, Serialize)]
pub struct Triage {
    #[serde(skip)]
    pub window: MapRequest,
    /// Failed (client, server, port)s by impact: failed links x affected clients.
    pub failures: Vec<Failure>,
}

impl Triage {
    /// The failures of one edge of the map (one per failing destination port).
    pub fn for_edge<'a>(&'a self, source: &'a NodeKey, target: &'a NodeKey) -> impl Iterator<Item = &'a Failure> {
        self.failures.iter().filter(move |f| f.source.key == *source && f.target.key == *target)
    }
}

/// One failing (client, server, destination port) with its verdict and evidence.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Failure {
    pub source: NodeRef,
    pub target: NodeRef,
    pub port: i64,
    pub verdict: Verdict,
    /// Sum of `LinksFailed` of this client to this server and port.
    pub links_failed: i64,
    pub pattern: FailurePattern,
    /// Start of the first and of the last minute with a failed link.
    #[serde(serialize_with = "time_text")]
    pub first_failed: Timestamp,
    #[serde(serialize_with = "time_text")]
    pub last_failed: Timestamp,
    /// A boot of the destination machine from [`REBOOT_LEAD_MINUTES`] before the first failed
    /// minute to the end of the last one.
    #[serde(serialize_with = "opt_time_text")]
    pub destination_reboot: Option<Timestamp>,
    /// The destination's agent wrote no record during the failures, for longer than usual.
    pub agent_silence: Option<Silence>,
    /// The other clients of the same destination (machine or external address) and port.
    pub other_clients: Vec<ClientStat>,
    pub fault: Fault,
    /// Clients of the destination port with failed links, this one included.
    pub affected_clients: usize,
    /// `links_failed` x `affected_clients`: the Failures list's order.
    pub impact: i64,
}

/// Why the connections fail, as far as the records tell.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Verdict {
    /// No record in the window shows the port bound where the client connected: the service is
    /// down or the client is misconfigured.
    NothingListening {
        /// The destination machine's name.
        machine: String,
        /// The addresses the client connected to.
        addresses: Vec<String>,
        /// The latest record that showed the port bound there before the window, if any.
        #[serde(serialize_with = "opt_time_text")]
        last_bound_before_window: Option<Timestamp>,
    },
    /// A process listens on the port: intermittent failures (overload, firewall, timeouts).
    ListeningButFailing {
        listeners: Vec<BoundListener>,
        /// Failed minutes after the last record showing the port bound (a service that stopped
        /// listening during the window shows them).
        failed_minutes_after_last_bound: usize,
    },
    /// An external or unmonitored endpoint: the records cannot tell why.
    DestinationNotMonitored { ip: String, dns_names: Vec<String> },
    /// The remote address is flagged by threat intelligence.
    MaliciousRemote {
        #[serde(serialize_with = "indicator_json")]
        indicator: MaliciousIndicator,
    },
}

impl Verdict {
    pub fn label(&self) -> &'static str {
        match self {
            Verdict::NothingListening { .. } => "Nothing listening",
            Verdict::ListeningButFailing { .. } => "Listening but failing",
            Verdict::DestinationNotMonitored { .. } => "Destination not monitored",
            Verdict::MaliciousRemote { .. } => "Malicious remote",
        }
    }
}

/// A process seen listening on the port in the window.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BoundListener {
    /// The process's name.
    pub process: String,
    /// The process id (`p-…`).
    pub process_id: String,
    /// The bound address (`0.0.0.0` for an idle wildcard bind).
    pub ip: String,
    /// Bound on every interface.
    pub wildcard: bool,
    #[serde(serialize_with = "time_text")]
    pub first_seen: Timestamp,
    #[serde(serialize_with = "time_text")]
    pub last_seen: Timestamp,
    pub records: usize,
}

/// How the failures spread over the minutes the client used the port.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct FailurePattern {
    /// Minutes with a row of this client to this server and port.
    pub active_minutes: usize,
    /// Those with at least one failed link.
    pub failed_minutes: usize,
    /// `failed_minutes / active_minutes`.
    pub failed_share: f64,
    /// Runs of failed minutes with no successful active minute between them.
    pub runs: usize,
    pub longest_run_minutes: usize,
    /// Failures cluster: at most half the runs failed minutes scattered at random among the
    /// active ones would make (a runs test), and neither one failed minute nor all of them.
    pub bursty: bool,
}

/// A stretch without any record of the destination machine around the failures.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Silence {
    #[serde(serialize_with = "opt_time_text")]
    pub last_record_before: Option<Timestamp>,
    #[serde(serialize_with = "opt_time_text")]
    pub next_record_after: Option<Timestamp>,
    pub silent_minutes: i64,
    /// The machine's median gap between minutes with records.
    pub usual_gap_minutes: Option<i64>,
}

/// Another client of the same destination port.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ClientStat {
    pub client: NodeRef,
    pub links_failed: i64,
    pub links_established: i64,
    pub failed_minutes: usize,
    pub rows: usize,
}

/// Where the other clients point.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Fault {
    /// No other client used the port in the window.
    OnlyClient,
    /// Every other client failed too: the server side is at fault.
    ServerSide,
    /// No other client failed: look at this client.
    ClientSide,
    /// Some other clients failed, some did not.
    Partial,
}

/// The destination of a connection: a port of a monitored machine or an external address.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Dest {
    Machine(Sym, i64),
    External(Sym, i64),
}

/// Rows of one (client, server, port) added up.
#[derive(Default)]
struct ItemSum {
    dest: Option<Dest>,
    links_failed: i64,
    active: BTreeSet<i64>,
    failed: BTreeSet<i64>,
    addresses: BTreeSet<Sym>,
}

#[derive(Default)]
struct ClientSum {
    links_failed: i64,
    links_established: i64,
    failed: BTreeSet<i64>,
    rows: usize,
}

/// Builds the window's map and triages its failed connections.
pub fn triage(store: &Store, inventory: &Inventory, window: &MapRequest) -> Triage {
    let unfocused = MapRequest { focus: Default::default(), ..window.clone() };
    let map = build_map(store, inventory, &unfocused);
    triage_with_map(store, inventory, &map, window)
}

/// Triages with `map`, the window's map without a focus (it gives labels, DNS names and
/// indicators). With a focus in `window`, only failures touching the focused machines are
/// listed; other clients are counted over the whole estate.
pub fn triage_with_map(store: &Store, inventory: &Inventory, map: &DependencyMap, window: &MapRequest) -> Triage {
    let (items, clients) = sum_rows(store, inventory, window);
    let focus = (!window.focus.is_empty()).then(|| focus_machines(store, inventory, &window.focus));
    let in_focus = |key: &NodeKey| focus.as_ref().is_none_or(|f| key.machine().is_some_and(|m| f.contains(&m)));
    let failing: Vec<(&(NodeKey, NodeKey, i64), &ItemSum)> =
        items.iter().filter(|((s, t, _), sum)| sum.links_failed > 0 && (in_focus(s) || in_focus(t))).collect();

    let mut ports_wanted: FxHashSet<(Sym, i64)> = FxHashSet::default();
    let mut machines_wanted: FxHashSet<Sym> = FxHashSet::default();
    for (_, sum) in &failing {
        if let Some(Dest::Machine(machine, port)) = sum.dest {
            ports_wanted.insert((machine, port));
            machines_wanted.insert(machine);
        }
    }
    let bound = records::bound_records(store, &ports_wanted);
    let boots = records::boot_times(store, &machines_wanted);
    let minutes = records::record_minutes(store, &machines_wanted);
    let context =
        Context { store, inventory, map, window, bound: &bound, boots: &boots, minutes: &minutes, clients: &clients };

    let mut failures: Vec<Failure> = failing.into_iter().filter_map(|(key, sum)| context.failure(*key, sum)).collect();
    failures.sort_by(|a, b| {
        b.impact
            .cmp(&a.impact)
            .then(b.links_failed.cmp(&a.links_failed))
            .then_with(|| (&a.source.label, &a.target.label, a.port).cmp(&(&b.source.label, &b.target.label, b.port)))
            .then_with(|| (a.source.key, a.target.key).cmp(&(b.source.key, b.target.key)))
    });
    Triage { window: window.clone(), failures }
}

type Items = BTreeMap<(NodeKey, NodeKey, i64), ItemSum>;
type Clients = FxHashMap<Dest, BTreeMap<NodeKey, ClientSum>>;

/// One pass over the window's routed rows: sums per (client, server, port) and per destination
/// port and client.
fn sum_rows(store: &Store, inventory: &Inventory, window: &MapRequest) -> (Items, Clients) {
    let table = store.table(TableKind::VMConnection);
    let (ports, failed_col, established_col, destination_ip) = (
        table.col(c::DESTINATION_PORT),
        table.col(c::LINKS_FAILED),
        table.col(c::LINKS_ESTABLISHED),
        table.col(c::DESTINATION_IP),
    );
    let mut items: Items = BTreeMap::new();
    let mut clients: Clients = FxHashMap::default();
    for_each_routed_row(store, inventory, window, |r| {
        let (Some(port), Some(time)) = (ports.int(r.row), r.time) else { return };
        let minute = time.floor_to(TICKS_PER_MINUTE).0;
        let (source, target) = (r.route.source, r.route.target);
        let dest = match target {
            NodeKey::External { ip, port } => Dest::External(ip, port),
            other => match other.machine() {
                Some(machine) => Dest::Machine(machine, port),
                None => return,
            },
        };
        // The address the client connected to: the remote end of an outbound row, the local
        // end of the server's inbound row.
        let address = if r.outbound { r.remote } else { destination_ip.sym(r.row) };
        let failed = failed_col.int_or_zero(r.row);
        let item = items.entry((source, target, port)).or_default();
        item.dest = Some(dest);
        item.links_failed = item.links_failed.saturating_add(failed);
        item.active.insert(minute);
        if !address.is_empty() {
            item.addresses.insert(address);
        }
        let client = clients.entry(dest).or_default().entry(source).or_default();
        client.links_failed = client.links_failed.saturating_add(failed);
        client.links_established = client.links_established.saturating_add(established_col.int_or_zero(r.row));
        client.rows += 1;
        if failed > 0 {
            item.failed.insert(minute);
            client.failed.insert(minute);
        }
    });
    (items, clients)
}

/// What every failure's evidence is read from.
struct Context<'a> {
    store: &'a Store,
    inventory: &'a Inventory,
    map: &'a DependencyMap,
    window: &'a MapRequest,
    bound: &'a FxHashMap<(Sym, i64), Vec<BoundRecord>>,
    boots: &'a FxHashMap<Sym, Vec<Timestamp>>,
    minutes: &'a FxHashMap<Sym, Vec<i64>>,
    clients: &'a Clients,
}

impl Context<'_> {
    fn failure(&self, (source, target, port): (NodeKey, NodeKey, i64), sum: &ItemSum) -> Option<Failure> {
        let dest = sum.dest?;
        let first = *sum.failed.first()?;
        let last = *sum.failed.last()?;
        let node = |key| NodeRef::of(self.store, self.map, key);
        let others: Vec<ClientStat> = self
            .clients
            .get(&dest)
            .into_iter()
            .flatten()
            .filter(|(client, _)| **client != source)
            .map(|(client, s)| ClientStat {
                client: node(*client),
                links_failed: s.links_failed,
                links_established: s.links_established,
                failed_minutes: s.failed.len(),
                rows: s.rows,
            })
            .collect();
        let others_failing = others.iter().filter(|o| o.links_failed > 0).count();
        let fault = match (others.len(), others_failing) {
            (0, _) => Fault::OnlyClient,
            (n, f) if f == n => Fault::ServerSide,
            (_, 0) => Fault::ClientSide,
            _ => Fault::Partial,
        };
        let affected_clients = others_failing + 1;
        let (machine, reboot, silence) = match dest {
            Dest::Machine(machine, _) => {
                (Some(machine), self.reboot(machine, first, last), self.silence(machine, first, last))
            }
            Dest::External(..) => (None, None, None),
        };
        Some(Failure {
            source: node(source),
            target: node(target),
            port,
            verdict: self.verdict(source, target, machine, port, sum),
            links_failed: sum.links_failed,
            pattern: pattern(&sum.active, &sum.failed),
            first_failed: Timestamp(first),
            last_failed: Timestamp(last),
            destination_reboot: reboot,
            agent_silence: silence,
            other_clients: others,
            fault,
            affected_clients,
            impact: sum.links_failed.saturating_mul(affected_clients as i64),
        })
    }

    fn verdict(&self, source: NodeKey, target: NodeKey, machine: Option<Sym>, port: i64, sum: &ItemSum) -> Verdict {
        let edge = self
            .map
            .index
            .get(&source)
            .zip(self.map.index.get(&target))
            .and_then(|(&s, &t)| self.map.graph.find_edge(s, t))
            .and_then(|e| self.map.graph.edge_weight(e));
        if let Some(indicator) = edge.and_then(|e| e.metrics.malicious.clone()) {
            return Verdict::MaliciousRemote { indicator };
        }
        let Some(machine) = machine else {
            let ip = match target {
                NodeKey::External { ip, .. } => self.store.str(ip).to_string(),
                _ => String::new(),
            };
            let dns_names = self.map.node(&target).map(|n| n.dns_names.clone()).unwrap_or_default();
            return Verdict::DestinationNotMonitored { ip, dns_names };
        };
        let records = self.bound.get(&(machine, port)).map_or(&[][..], Vec::as_slice);
        let from = self.window.from.unwrap_or(Timestamp::MIN);
        let in_window: Vec<BoundRecord> =
            records.iter().copied().filter(|r| self.window.contains(Some(r.time))).collect();
        let serving: Vec<&BoundRecord> = records::serving(self.store, &in_window, &sum.addresses).collect();
        if serving.is_empty() {
            let before: Vec<BoundRecord> = records.iter().copied().filter(|r| r.time < from).collect();
            let last_bound_before_window = records::serving(self.store, &before, &sum.addresses).map(|r| r.time).max();
            return Verdict::NothingListening {
                machine: self
                    .map
                    .node(&NodeKey::Machine { machine })
                    .map_or_else(|| self.store.str(machine).to_string(), |n| n.label.clone()),
                addresses: sum.addresses.iter().map(|&a| self.store.str(a).to_string()).collect(),
                last_bound_before_window,
            };
        }
        let mut listeners: BTreeMap<(Sym, Sym), BoundListener> = BTreeMap::new();
        for record in &serving {
            let process = NodeKey::Process { machine, process: record.process };
            let listener = listeners.entry((record.process, record.ip)).or_insert_with(|| BoundListener {
                process: process_label(self.store, self.inventory, machine, record.process),
                process_id: self.store.str(record.process).to_string(),
                ip: self.store.str(record.ip).to_string(),
                wildcard: false,
                first_seen: record.time,
                last_seen: record.time,
                records: 0,
            });
            if let Some(node) = self.map.node(&process) {
                listener.process.clone_from(&node.label);
            }
            listener.wildcard |= records::is_wildcard(self.store, record);
            listener.first_seen = listener.first_seen.min(record.time);
            listener.last_seen = listener.last_seen.max(record.time);
            listener.records += 1;
        }
        let last_bound = serving.iter().map(|r| r.time.floor_to(TICKS_PER_MINUTE).0).max().unwrap_or(i64::MIN);
        Verdict::ListeningButFailing {
            listeners: listeners.into_values().collect(),
            failed_minutes_after_last_bound: sum.failed.iter().filter(|&&m| m > last_bound).count(),
        }
    }

    fn reboot(&self, machine: Sym, first: i64, last: i64) -> Option<Timestamp> {
        let from = first.saturating_sub(REBOOT_LEAD_MINUTES * TICKS_PER_MINUTE);
        let to = last.saturating_add(TICKS_PER_MINUTE);
        self.boots.get(&machine)?.iter().copied().filter(|b| b.0 >= from && b.0 < to).max()
    }

    fn silence(&self, machine: Sym, first: i64, last: i64) -> Option<Silence> {
        let minutes = self.minutes.get(&machine).map_or(&[][..], Vec::as_slice);
        let end = last.saturating_add(TICKS_PER_MINUTE);
        if minutes.iter().any(|&m| m >= first && m < end) {
            return None;
        }
        let before = minutes.iter().copied().filter(|&m| m < first).max();
        let after = minutes.iter().copied().find(|&m| m >= end);
        // An open side of the silence ends at the window's edge (or the failures' own edge).
        let start =
            before.map(|m| m.saturating_add(TICKS_PER_MINUTE)).or(self.window.from.map(|t| t.0)).unwrap_or(first);
        let stop = after.or(self.window.to.map(|t| t.0)).unwrap_or(end);
        let silent_minutes = stop.saturating_sub(start) / TICKS_PER_MINUTE;
        let usual = records::usual_gap_minutes(minutes);
        let needed = SILENCE_MIN_MINUTES.max(usual.unwrap_or(0).saturating_mul(SILENCE_USUAL_GAP_FACTOR));
        (silent_minutes >= needed).then_some(Silence {
            last_record_before: before.map(Timestamp),
            next_record_after: after.map(Timestamp),
            silent_minutes,
            usual_gap_minutes: usual,
        })
    }
}

/// The share, runs and burstiness of failed minutes among active ones.
pub fn pattern(active: &BTreeSet<i64>, failed: &BTreeSet<i64>) -> FailurePattern {
    let (n, f) = (active.len(), failed.len());
    let (mut runs, mut longest, mut current) = (0usize, 0usize, 0usize);
    for minute in active {
        if failed.contains(minute) {
            if current == 0 {
                runs += 1;
            }
            current += 1;
            longest = longest.max(current);
        } else {
            current = 0;
        }
    }
    // Runs test: f failed minutes placed at random among n make f(n-f+1)/n runs on average.
    let n_times_expected = (f as u128) * ((n - f.min(n)) as u128 + 1);
    let bursty = f >= 2 && f < n && (runs as u128) * 2 * (n as u128) <= n_times_expected;
    FailurePattern {
        active_minutes: n,
        failed_minutes: f,
        failed_share: if n == 0 { 0.0 } else { f as f64 / n as f64 },
        runs,
        longest_run_minutes: longest,
        bursty,
    }
}
