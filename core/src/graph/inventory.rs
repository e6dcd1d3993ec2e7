//! What the inventory tables say, computed once per store: the latest `VMComputer` record of
//! each machine and `VMProcess` record of each process, which machine held which IPv4 address
//! when, and which process listens on which port.

use crate::model::schema::{bound_port, computer, connection, process};
use crate::model::{TableKind, Timestamp};
use crate::store::{Store, Sym};
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::BTreeMap;

/// Below this many rows per thread, a scan is not shared out.
const MIN_ROWS_PER_PART: usize = 64 * 1024;

/// A period during which a machine's inventory listed an address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct IpHolding {
    machine: Sym,
    /// Time of the first record of the period that lists the address.
    from: Timestamp,
    /// Time of the machine's next record that no longer lists it (`Timestamp::MAX` if none).
    to: Timestamp,
}

/// One listening socket, from the latest `VMBoundPort` record of its (process, ip, port).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Listener {
    pub process: Sym,
    pub process_name: Sym,
    pub ip: Sym,
    /// Open on every interface: `IsWildcardBind` true, or bound to 0.0.0.0.
    pub wildcard: bool,
    pub latest: Timestamp,
}

#[derive(Debug, Default)]
pub struct Inventory {
    /// Latest `VMComputer` row per machine id.
    pub machine_rows: BTreeMap<Sym, usize>,
    /// Latest `VMProcess` row per (machine, process).
    pub process_rows: FxHashMap<(Sym, Sym), usize>,
    /// Every machine id seen in any table.
    pub machines: Vec<Sym>,
    /// Every (machine, process) seen in any table.
    pub processes: Vec<(Sym, Sym)>,
    ip_holdings: FxHashMap<Sym, Vec<IpHolding>>,
    /// Listening sockets per (machine, port).
    pub listeners: FxHashMap<(Sym, i64), Vec<Listener>>,
    /// The process's executable name as connection and port records give it, for processes
    /// with no `VMProcess` record.
    pub process_names: FxHashMap<(Sym, Sym), Sym>,
    /// A computer name for every machine id seen (latest `VMComputer`, else any table's `Computer`).
    pub computer_names: FxHashMap<Sym, Sym>,
    /// Addresses no `VMComputer` record lists, taken from the connection rows of the machine
    /// that used them (see [`Inventory::infer_addresses`]), per machine (sorted).
    inferred: FxHashMap<Sym, Vec<Sym>>,
    /// Store generation this was computed from.
    pub generation: u64,
}

/// What a range of rows of one table says of the ids it holds (see `collect_ids`).
#[derive(Default)]
struct Ids {
    /// Each machine once: connection rows interleave machines, so pushing each run of one
    /// would leave a million to sort.
    machines: FxHashSet<Sym>,
    computer_names: FxHashMap<Sym, Sym>,
    /// Each (machine, process) and the first process name given for it.
    processes: FxHashMap<(Sym, Sym), Sym>,
}

/// Records `key` with `name` unless it already has a name.
fn see(processes: &mut FxHashMap<(Sym, Sym), Sym>, key: (Sym, Sym), name: Sym) {
    let known = processes.entry(key).or_insert(name);
    if known.is_empty() {
        *known = name;
    }
}

impl Inventory {
    pub fn new(store: &Store) -> Self {
        let mut inventory = Inventory { generation: store.generation(), ..Default::default() };
        inventory.read_machines(store);
        inventory.infer_addresses(store);
        inventory.read_processes(store);
        inventory.read_ports(store);
        inventory.collect_ids(store);
        inventory
    }

    fn read_machines(&mut self, store: &Store) {
        let table = store.table(TableKind::VMComputer);
        let machine_col = table.col(computer::MACHINE);
        let time_col = table.col(computer::TIME_GENERATED);
        // Rows of each machine in time order: the latest wins, and each one's addresses hold
        // from its time until the machine's next record.
        let mut rows_by_machine: BTreeMap<Sym, Vec<(Timestamp, usize)>> = BTreeMap::new();
        for row in 0..table.len() {
            let machine = machine_col.sym(row);
            if machine.is_empty() {
                continue;
            }
            let time = time_col.time(row).unwrap_or(Timestamp::MIN);
            rows_by_machine.entry(machine).or_default().push((time, row));
        }
        for (machine, mut rows) in rows_by_machine {
            rows.sort();
            if let Some(&(_, latest)) = rows.last() {
                self.machine_rows.insert(machine, latest);
            }
            let mut open: BTreeMap<String, Timestamp> = BTreeMap::new();
            for &(time, row) in &rows {
                let listed = json_strings(store.text(TableKind::VMComputer, computer::IPV4_ADDRESSES, row));
                // Addresses no longer listed close their period at this record.
                let closed: Vec<String> = open.keys().filter(|ip| !listed.contains(ip)).cloned().collect();
                for ip in closed {
                    if let Some(from) = open.remove(&ip) {
                        self.hold(store, &ip, IpHolding { machine, from, to: time });
                    }
                }
                for ip in listed {
                    open.entry(ip).or_insert(time);
                }
            }
            for (ip, from) in open {
                self.hold(store, &ip, IpHolding { machine, from, to: Timestamp::MAX });
            }
        }
    }

    /// Estates exported without `VMComputer` still say who owns an address: an outbound row's
    /// `SourceIp` belongs to its `Machine`, and an inbound row's `DestinationIp` too. Addresses
    /// no inventory record lists are given to the machine of their latest such row, so the map
    /// links machines to each other as it would with the inventory.
    fn infer_addresses(&mut self, store: &Store) {
        let table = store.table(TableKind::VMConnection);
        let (time_col, direction_col, machine_col) =
            (table.col(connection::TIME_GENERATED), table.col(connection::DIRECTION), table.col(connection::MACHINE));
        let (source_col, destination_col) = (table.col(connection::SOURCE_IP), table.col(connection::DESTINATION_IP));
        let directions = |word: &str| -> Vec<Sym> {
            let title: String = word.chars().take(1).flat_map(char::to_uppercase).chain(word.chars().skip(1)).collect();
            [word.to_string(), word.to_ascii_uppercase(), title]
                .iter()
                .filter_map(|w| store.interner.lookup(w))
                .collect()
        };
        let (outbound, inbound) = (directions("outbound"), directions("inbound"));
        // Address -> (time, machine) of its latest row; the unusable addresses are memoised.
        // Ranges of rows are scanned on the process's threads and merged in row order (a
        // later row wins a tie, as in one pass).
        let holdings = &self.ip_holdings;
        let scan = |rows: std::ops::Range<usize>| {
            let mut latest: FxHashMap<Sym, (Timestamp, Sym)> = FxHashMap::default();
            let mut unusable: FxHashMap<Sym, bool> = FxHashMap::default();
            for row in rows {
                let direction = direction_col.sym(row);
                let local = if outbound.contains(&direction) {
                    source_col.sym(row)
                } else if inbound.contains(&direction) {
                    destination_col.sym(row)
                } else {
                    continue;
                };
                let machine = machine_col.sym(row);
                if local.is_empty() || machine.is_empty() {
                    continue;
                }
                let skip = *unusable.entry(local).or_insert_with(|| {
                    let text = store.str(local);
                    holdings.contains_key(&local)
                        || text.starts_with("127.")
                        || text == "0.0.0.0"
                        || text == "::1"
                        || text.parse::<std::net::IpAddr>().is_err()
                });
                if skip {
                    continue;
                }
                let time = time_col.time(row).unwrap_or(Timestamp::MIN);
                let entry = latest.entry(local).or_insert((time, machine));
                if time >= entry.0 {
                    *entry = (time, machine);
                }
            }
            latest
        };
        let threads = crate::threads::Threads::current();
        let mut parts = threads.scan_rows(table.len(), MIN_ROWS_PER_PART, scan).into_iter();
        let mut latest = parts.next().unwrap_or_default();
        for part in parts {
            for (ip, (time, machine)) in part {
                let entry = latest.entry(ip).or_insert((time, machine));
                if time >= entry.0 {
                    *entry = (time, machine);
                }
            }
        }
        let mut addresses: Vec<(Sym, Sym)> = latest.into_iter().map(|(ip, (_, machine))| (machine, ip)).collect();
        addresses.sort_unstable();
        for (machine, ip) in addresses {
            self.ip_holdings.entry(ip).or_default().push(IpHolding {
                machine,
                from: Timestamp::MIN,
                to: Timestamp::MAX,
            });
            self.inferred.entry(machine).or_default().push(ip);
        }
    }

    /// True for a machine with no `VMComputer` record whose addresses come from its
    /// connection rows ("inferred from connections" in its details).
    pub fn is_inferred(&self, machine: Sym) -> bool {
        self.inferred.contains_key(&machine) && !self.machine_rows.contains_key(&machine)
    }

    /// The addresses taken from a machine's connection rows because no inventory record lists
    /// them (all of them for a machine without a `VMComputer` record), sorted by symbol.
    pub fn inferred_addresses(&self, machine: Sym) -> &[Sym] {
        self.inferred.get(&machine).map_or(&[], Vec::as_slice)
    }

    /// Machines whose addresses come from connection rows only.
    pub fn inferred_machine_count(&self) -> usize {
        self.inferred.keys().filter(|m| !self.machine_rows.contains_key(m)).count()
    }

    fn hold(&mut self, store: &Store, ip: &str, holding: IpHolding) {
        if let Some(sym) = store.interner.lookup(ip) {
            self.ip_holdings.entry(sym).or_default().push(holding);
        }
    }

    fn read_processes(&mut self, store: &Store) {
        let table = store.table(TableKind::VMProcess);
        let (machine_col, process_col, time_col) =
            (table.col(process::MACHINE), table.col(process::PROCESS), table.col(process::TIME_GENERATED));
        let mut latest: FxHashMap<(Sym, Sym), (Timestamp, usize)> = FxHashMap::default();
        for row in 0..table.len() {
            let key = (machine_col.sym(row), process_col.sym(row));
            let time = time_col.time(row).unwrap_or(Timestamp::MIN);
            let entry = latest.entry(key).or_insert((time, row));
            if time >= entry.0 {
                *entry = (time, row);
            }
        }
        self.process_rows = latest.into_iter().map(|(key, (_, row))| (key, row)).collect();
    }

    fn read_ports(&mut self, store: &Store) {
        let table = store.table(TableKind::VMBoundPort);
        let col = |i| table.col(i);
        let zero_ip = store.interner.lookup("0.0.0.0");
        type Latest = FxHashMap<(Sym, i64, Sym, Sym), Listener>;
        // A bind's latest record wins, a later row a tie; records with a name name the process.
        let keep = |latest: &mut Latest, key, listener: Listener| {
            let entry = latest.entry(key).or_insert(listener);
            if listener.latest >= entry.latest {
                // A later record may say the bind became (or stopped being) a wildcard one.
                *entry = listener;
            }
        };
        // Ranges of rows are scanned on the process's threads and merged in row order, by the
        // same rule, so the result is one pass's.
        let scan = |rows: std::ops::Range<usize>| {
            let mut latest = Latest::default();
            let mut names: FxHashMap<(Sym, Sym), Sym> = FxHashMap::default();
            for row in rows {
                let (machine, process, ip) = (
                    col(bound_port::MACHINE).sym(row),
                    col(bound_port::PROCESS).sym(row),
                    col(bound_port::IP).sym(row),
                );
                let Some(port) = col(bound_port::PORT).int(row) else { continue };
                let time = col(bound_port::TIME_GENERATED).time(row).unwrap_or(Timestamp::MIN);
                let wildcard = col(bound_port::IS_WILDCARD_BIND).bool(row) == Some(true) || Some(ip) == zero_ip;
                let name = col(bound_port::PROCESS_NAME).sym(row);
                keep(
                    &mut latest,
                    (machine, port, process, ip),
                    Listener { process, process_name: name, ip, wildcard, latest: time },
                );
                if !name.is_empty() {
                    names.insert((machine, process), name);
                }
            }
            (latest, names)
        };
        let threads = crate::threads::Threads::current();
        let mut latest = Latest::default();
        for (part, names) in threads.scan_rows(table.len(), MIN_ROWS_PER_PART, scan) {
            for (key, listener) in part {
                keep(&mut latest, key, listener);
            }
            self.process_names.extend(names);
        }
        let mut listeners: FxHashMap<(Sym, i64), Vec<Listener>> = FxHashMap::default();
        for ((machine, port, _, _), listener) in latest {
            listeners.entry((machine, port)).or_default().push(listener);
        }
        for list in listeners.values_mut() {
            // A 0.0.0.0 record only marks an open port with no activity: it goes when the same
            // process has a specific-IP record for the port.
            let specific: Vec<Sym> = list.iter().filter(|l| Some(l.ip) != zero_ip).map(|l| l.process).collect();
            list.retain(|l| Some(l.ip) != zero_ip || !specific.contains(&l.process));
            // Latest first, then a stable order.
            list.sort_by(|a, b| b.latest.cmp(&a.latest).then(a.process.cmp(&b.process)).then(a.ip.cmp(&b.ip)));
        }
        self.listeners = listeners;
    }

    fn collect_ids(&mut self, store: &Store) {
        let mut machines: Vec<Sym> = Vec::new();
        let pairs = [
            (TableKind::VMComputer, computer::MACHINE, computer::COMPUTER, None),
            (TableKind::VMProcess, process::MACHINE, process::COMPUTER, Some(process::PROCESS)),
            (TableKind::VMConnection, connection::MACHINE, connection::COMPUTER, Some(connection::PROCESS)),
            (TableKind::VMBoundPort, bound_port::MACHINE, bound_port::COMPUTER, Some(bound_port::PROCESS)),
        ];
        for (machine, &row) in &self.machine_rows {
            let name = store.table(TableKind::VMComputer).col(computer::COMPUTER).sym(row);
            if !name.is_empty() {
                self.computer_names.insert(*machine, name);
            }
        }
        // Each (machine, process) once, with the first process name a connection row gives
        // it: a set, where pushing every row's pair and sorting them cost a sort of millions.
        // Ranges of rows are scanned on the process's threads and merged in row order.
        let mut seen: FxHashMap<(Sym, Sym), Sym> = FxHashMap::default();
        let threads = crate::threads::Threads::current();
        for (kind, machine_index, computer_index, process_index) in pairs {
            let table = store.table(kind);
            let machine_col = table.col(machine_index);
            let computer_col = table.col(computer_index);
            let process_col = process_index.map(|p| table.col(p));
            let names = (kind == TableKind::VMConnection).then(|| table.col(connection::PROCESS_NAME));
            let scan = |rows: std::ops::Range<usize>| {
                let mut ids = Ids::default();
                let mut previous = Sym::EMPTY;
                for row in rows {
                    let machine = machine_col.sym(row);
                    if machine.is_empty() {
                        continue;
                    }
                    // Rows of one machine come in runs: skip the repeats cheaply.
                    if machine != previous {
                        ids.machines.insert(machine);
                        let name = computer_col.sym(row);
                        if !name.is_empty() {
                            ids.computer_names.entry(machine).or_insert(name);
                        }
                        previous = machine;
                    }
                    let Some(process_col) = process_col else { continue };
                    let name = names.map_or(Sym::EMPTY, |c| c.sym(row));
                    see(&mut ids.processes, (machine, process_col.sym(row)), name);
                }
                ids
            };
            for part in threads.scan_rows(table.len(), MIN_ROWS_PER_PART, scan) {
                machines.extend(part.machines);
                for (machine, name) in part.computer_names {
                    self.computer_names.entry(machine).or_insert(name);
                }
                for (key, name) in part.processes {
                    see(&mut seen, key, name);
                }
            }
            machines.sort_unstable();
            machines.dedup();
        }
        for (&(machine, process), &name) in &seen {
            if !name.is_empty() {
                self.process_names.entry((machine, process)).or_insert(name);
            }
        }
        let mut processes: Vec<(Sym, Sym)> = seen.into_keys().filter(|(_, process)| !process.is_empty()).collect();
        processes.sort_unstable();
        self.machines = machines;
        self.processes = processes;
    }

    /// The monitored machine that held `ip` at `time`: the one whose latest inventory record at
    /// or before `time` lists it; failing that, the one that held it last before `time`, or
    /// first after it (as the documented query's `makeset` of all addresses would).
    pub fn machine_of_ip(&self, ip: Sym, time: Timestamp) -> Option<Sym> {
        let holdings = self.ip_holdings.get(&ip)?;
        if let [only] = holdings.as_slice() {
            return Some(only.machine);
        }
        let current = holdings.iter().filter(|h| h.from <= time && time < h.to).max_by_key(|h| h.from);
        let earlier = || holdings.iter().filter(|h| h.from <= time).max_by_key(|h| h.to);
        let later = || holdings.iter().min_by_key(|h| h.from);
        current.or_else(earlier).or_else(later).map(|h| h.machine)
    }

    /// True when every period of `ip` belongs to one machine, so its owner does not depend on time.
    pub fn ip_has_one_owner(&self, ip: Sym) -> bool {
        self.ip_holdings.get(&ip).is_none_or(|h| h.windows(2).all(|w| w[0].machine == w[1].machine))
    }

    /// The process serving `port` on `machine` for connections to `ip`: a listener bound to
    /// that very address, else one bound to every interface.
    pub fn server_process(&self, machine: Sym, ip: Sym, port: i64) -> Option<&Listener> {
        let listeners = self.listeners.get(&(machine, port))?;
        listeners.iter().find(|l| l.ip == ip).or_else(|| listeners.iter().find(|l| l.wildcard))
    }
}

/// The strings of a JSON array text (`["10.0.0.1","10.0.0.2"]`); a bare string counts as one.
pub fn json_strings(text: &str) -> Vec<String> {
    let text = text.trim();
    if text.is_empty() {
        return Vec::new();
    }
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(serde_json::Value::Array(items)) => items
            .into_iter()
            .filter_map(|item| match item {
                serde_json::Value::String(s) => Some(s),
                serde_json::Value::Null => None,
                other => Some(other.to_string()),
            })
            .collect(),
        // Doubly encoded: a JSON string holding the array text.
        Ok(serde_json::Value::String(s)) if s.trim_start().starts_with('[') => json_strings(&s),
        Ok(serde_json::Value::String(s)) => vec![s],
        _ => vec![text.to_string()],
    }
}

/// A JSON array text as one line for people: `a, b`.
pub fn json_list(text: &str) -> String {
    json_strings(text).join(", ")
}

#[cfg(test)]
mod tests {
    use super::json_strings;

    #[test]
    fn json_arrays_of_addresses() {
        assert_eq!(json_strings(r#"["10.0.0.1","10.0.0.2"]"#), vec!["10.0.0.1", "10.0.0.2"]);
        assert_eq!(json_strings("[]"), Vec::<String>::new());
        assert_eq!(json_strings("10.0.0.1"), vec!["10.0.0.1"]);
        assert_eq!(json_strings(r#""[\"a\"]""#), vec!["a"], "a JSON string holding an array");
    }
}
