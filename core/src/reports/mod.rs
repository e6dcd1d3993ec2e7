//! The documentation's sample queries as reports, computed from the store with the same
//! semantics (latest record per `_ResourceId`, `contains` vs `contains_cs`, 127.0.0.1
//! excluded, remote machines and processes resolved). Where a documented query is wrong
//! about the schema, the report does what it means and says so in its note.

pub mod table;

pub use table::{ReportRow, ReportTable, RowTarget};

use crate::graph::build::focus_machines;
use crate::graph::{Inventory, MapRequest, NodeKey};
use crate::model::schema::{bound_port as bp, computer as vc, connection as c, process as vp};
use crate::model::time::TICKS_PER_DAY;
use crate::model::{TableKind, Timestamp};
use crate::store::{Cell, Store, Sym};
use std::collections::{BTreeMap, BTreeSet};

/// What a report needs from the user besides the loaded records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Needs {
    Nothing,
    /// `--text`
    Text,
    /// one `--machine`
    Machine,
    /// one or more `--machine`
    Machines,
    /// `--exe`
    Exe,
}

#[derive(Clone, Copy, Debug)]
pub struct ReportInfo {
    pub id: &'static str,
    /// The documentation's name for the question.
    pub title: &'static str,
    pub needs: Needs,
    /// Whether the time window applies (connection and port reports; inventory ones use the
    /// latest records whatever the window).
    pub windowed: bool,
}

pub const REPORTS: &[ReportInfo] = &[
    ReportInfo { id: "machines", title: "List all known machines", needs: Needs::Nothing, windowed: false },
    ReportInfo { id: "last-reboot", title: "When was the VM last rebooted", needs: Needs::Nothing, windowed: false },
    ReportInfo {
        id: "azure-images",
        title: "Summary of Azure VMs by image, location, and SKU",
        needs: Needs::Nothing,
        windowed: false,
    },
    ReportInfo {
        id: "memory",
        title: "Physical memory capacity of all managed computers",
        needs: Needs::Nothing,
        windowed: false,
    },
    ReportInfo {
        id: "machine-network",
        title: "Computer name, DNS, IP, and OS",
        needs: Needs::Nothing,
        windowed: false,
    },
    ReportInfo {
        id: "processes-cmdline",
        title: "Processes whose command line contains a text",
        needs: Needs::Text,
        windowed: false,
    },
    ReportInfo {
        id: "find-machine",
        title: "Find a machine (most recent record) by resource name",
        needs: Needs::Text,
        windowed: false,
    },
    ReportInfo {
        id: "find-ip",
        title: "Find a machine (most recent record) by IP address",
        needs: Needs::Text,
        windowed: false,
    },
    ReportInfo {
        id: "machine-processes",
        title: "All known processes on a machine",
        needs: Needs::Machine,
        windowed: false,
    },
    ReportInfo { id: "sql-computers", title: "Computers running SQL Server", needs: Needs::Nothing, windowed: false },
    ReportInfo {
        id: "product-versions",
        title: "Unique product versions of an executable",
        needs: Needs::Exe,
        windowed: false,
    },
    ReportInfo {
        id: "top-transmitters",
        title: "Which Azure VMs are transmitting the most bytes",
        needs: Needs::Nothing,
        windowed: true,
    },
    ReportInfo { id: "bound-ports", title: "Bound ports of a computer", needs: Needs::Machine, windowed: true },
    ReportInfo {
        id: "open-ports",
        title: "Number of open ports across machines",
        needs: Needs::Nothing,
        windowed: true,
    },
    ReportInfo {
        id: "process-ports",
        title: "Processes scored by the number of ports they have open",
        needs: Needs::Nothing,
        windowed: true,
    },
    ReportInfo {
        id: "port-behaviour",
        title: "Aggregate behavior for each port",
        needs: Needs::Nothing,
        windowed: true,
    },
    ReportInfo {
        id: "outbound-summary",
        title: "Outbound connections from a group of machines",
        needs: Needs::Machines,
        windowed: true,
    },
];

pub fn info(id: &str) -> Option<&'static ReportInfo> {
    REPORTS.iter().find(|r| r.id == id)
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct ReportParams {
    /// Machine ids or computer names.
    pub machines: Vec<String>,
    pub text: String,
    pub case_sensitive: bool,
    pub exe: String,
    pub from: Option<Timestamp>,
    pub to: Option<Timestamp>,
    /// "Now" for days since boot; `None` uses the clock.
    pub now: Option<Timestamp>,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ReportError(pub String);

/// Runs the report `id`.
pub fn run(store: &Store, inventory: &Inventory, id: &str, params: &ReportParams) -> Result<ReportTable, ReportError> {
    let Some(report) = info(id) else {
        let ids: Vec<&str> = REPORTS.iter().map(|r| r.id).collect();
        return Err(ReportError(format!("no report {id:?}; the reports are: {}", ids.join(", "))));
    };
    let q = Query { store, inventory, params };
    match report.needs {
        Needs::Text if params.text.is_empty() => return Err(ReportError(format!("report {id} needs --text"))),
        Needs::Exe if params.exe.is_empty() => return Err(ReportError(format!("report {id} needs --exe"))),
        Needs::Machine | Needs::Machines if params.machines.is_empty() => {
            return Err(ReportError(format!("report {id} needs --machine")));
        }
        _ => {}
    }
    Ok(match id {
        "machines" => q.machines(),
        "last-reboot" => q.last_reboot(),
        "azure-images" => q.azure_images(),
        "memory" => q.memory(),
        "machine-network" => q.machine_network(),
        "processes-cmdline" => q.processes_cmdline(),
        "find-machine" | "find-ip" => q.find_machine(),
        "machine-processes" => q.machine_processes()?,
        "sql-computers" => q.sql_computers(),
        "product-versions" => q.product_versions(),
        "top-transmitters" => q.top_transmitters(),
        "bound-ports" => q.bound_ports()?,
        "open-ports" => q.open_ports(),
        "process-ports" => q.process_ports(),
        "port-behaviour" => q.port_behaviour(),
        _ => q.outbound_summary()?,
    })
}

struct Query<'a> {
    store: &'a Store,
    inventory: &'a Inventory,
    params: &'a ReportParams,
}

fn time_text(time: Option<Timestamp>) -> String {
    time.map(|t| t.to_string()).unwrap_or_default()
}

fn int_text(value: Option<i64>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

/// KQL `contains` (any case) or `contains_cs`.
fn contains(haystack: &str, needle: &str, case_sensitive: bool) -> bool {
    if case_sensitive { haystack.contains(needle) } else { haystack.to_lowercase().contains(&needle.to_lowercase()) }
}

/// KQL `search "term"`: the term, in any case, not glued to letters or digits on either side
/// (so 10.0.0.1 does not find 10.0.0.10).
fn has_term(haystack: &str, term: &str) -> bool {
    let (haystack, term) = (haystack.to_lowercase(), term.to_lowercase());
    if term.is_empty() {
        return false;
    }
    let mut start = 0;
    while let Some(found) = haystack[start..].find(&term) {
        let at = start + found;
        let before = haystack[..at].chars().next_back();
        let after = haystack[at + term.len()..].chars().next();
        let glued = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
        if !glued(before) && !glued(after) {
            return true;
        }
        start = at + term.chars().next().map_or(1, char::len_utf8);
    }
    false
}

impl Query<'_> {
    fn text(&self, kind: TableKind, column: usize, row: usize) -> &str {
        self.store.text(kind, column, row)
    }

    fn table(&self, kind: TableKind) -> &crate::store::Table {
        self.store.table(kind)
    }

    /// Every string value of a row (schema and extra columns), for `search`.
    fn row_strings(&self, kind: TableKind, row: usize) -> impl Iterator<Item = &str> {
        let table = self.table(kind);
        table.columns.iter().chain(table.extras.iter().map(|(_, c)| c)).filter_map(move |column| {
            match column.get(row) {
                Cell::Str(s) => Some(self.store.str(s)),
                _ => None,
            }
        })
    }

    /// `summarize arg_max(TimeGenerated, *) by _ResourceId` over the rows `keep` accepts.
    /// Rows with no `_ResourceId` (exports of displayed columns) group by machine (and process).
    fn latest_by_resource(&self, kind: TableKind, keep: impl Fn(usize) -> bool) -> Vec<usize> {
        let table = self.table(kind);
        let (resource, machine, process) = match kind {
            TableKind::VMComputer => (vc::RESOURCE_ID, vc::MACHINE, None),
            TableKind::VMProcess => (vp::RESOURCE_ID, vp::MACHINE, Some(vp::PROCESS)),
            TableKind::VMConnection => (c::RESOURCE_ID, c::MACHINE, Some(c::PROCESS)),
            TableKind::VMBoundPort => (bp::RESOURCE_ID, bp::MACHINE, Some(bp::PROCESS)),
        };
        let mut latest: BTreeMap<(Sym, Sym, Sym), (Timestamp, usize)> = BTreeMap::new();
        for row in (0..table.len()).filter(|&r| keep(r)) {
            let id = table.col(resource).sym(row);
            let key = if id.is_empty() {
                (id, table.col(machine).sym(row), process.map_or(Sym::EMPTY, |p| table.col(p).sym(row)))
            } else {
                (id, Sym::EMPTY, Sym::EMPTY)
            };
            let time = table.col(0).time(row).unwrap_or(Timestamp::MIN);
            let entry = latest.entry(key).or_insert((time, row));
            if time >= entry.0 {
                *entry = (time, row);
            }
        }
        let mut rows: Vec<usize> = latest.into_values().map(|(_, row)| row).collect();
        let computer = if kind == TableKind::VMComputer { vc::COMPUTER } else { vp::COMPUTER };
        rows.sort_by(|&a, &b| {
            (self.text(kind, computer, a), self.text(kind, machine, a))
                .cmp(&(self.text(kind, computer, b), self.text(kind, machine, b)))
        });
        rows
    }

    fn machine_target(&self, kind: TableKind, column: usize, row: usize) -> Option<RowTarget> {
        let machine = self.text(kind, column, row);
        (!machine.is_empty()).then(|| RowTarget::Machine { machine: machine.to_string() })
    }

    fn computer_row(&self, row: usize, columns: &[usize]) -> Vec<String> {
        columns
            .iter()
            .map(|&column| match self.table(TableKind::VMComputer).col(column).get(row) {
                Cell::Null => String::new(),
                Cell::Str(s) => self.store.str(s).to_string(),
                Cell::Int(v) => v.to_string(),
                Cell::Real(v) => v.to_string(),
                Cell::Bool(b) => b.to_string(),
                Cell::Time(t) => t.to_string(),
            })
            .collect()
    }

    fn computer_report(&self, rows: &[usize], columns: &[usize]) -> ReportTable {
        let names: Vec<&str> = columns.iter().map(|&i| TableKind::VMComputer.columns()[i].name).collect();
        let mut table = ReportTable::new(&names);
        for &row in rows {
            table.push(self.computer_row(row, columns), self.machine_target(TableKind::VMComputer, vc::MACHINE, row));
        }
        table
    }

    fn machines(&self) -> ReportTable {
        let rows = self.latest_by_resource(TableKind::VMComputer, |_| true);
        let columns = [
            vc::COMPUTER,
            vc::MACHINE,
            vc::TIME_GENERATED,
            vc::OPERATING_SYSTEM_FAMILY,
            vc::OPERATING_SYSTEM_FULL_NAME,
            vc::IPV4_ADDRESSES,
            vc::AZURE_LOCATION,
            vc::AZURE_SIZE,
            vc::DEPENDENCY_AGENT_VERSION,
            vc::RESOURCE_ID,
        ];
        self.computer_report(&rows, &columns)
    }

    fn last_reboot(&self) -> ReportTable {
        let now = self.params.now.unwrap_or_else(now);
        let table = self.table(TableKind::VMComputer);
        // `summarize by Computer, DaysSinceBoot, BootTime`: distinct pairs over all records.
        let mut pairs: BTreeSet<(Option<Timestamp>, String, String)> = BTreeSet::new();
        for row in 0..table.len() {
            let boot = table.col(vc::BOOT_TIME).time(row);
            let machine = self.text(TableKind::VMComputer, vc::MACHINE, row).to_string();
            pairs.insert((boot, self.text(TableKind::VMComputer, vc::COMPUTER, row).to_string(), machine));
        }
        let mut report = ReportTable::new(&["Computer", "DaysSinceBoot", "BootTime"]);
        // `sort by BootTime asc`: nulls first, as KQL does.
        for (boot, computer, machine) in pairs {
            let days = boot.map(|b| format!("{:.2}", (now.0 - b.0) as f64 / TICKS_PER_DAY as f64)).unwrap_or_default();
            let target = (!machine.is_empty()).then_some(RowTarget::Machine { machine });
            report.push(vec![computer, days, time_text(boot)], target);
        }
        report
    }

    fn azure_images(&self) -> ReportTable {
        let table = self.table(TableKind::VMComputer);
        let mut distinct: BTreeMap<Vec<String>, String> = BTreeMap::new();
        for row in 0..table.len() {
            if self.text(TableKind::VMComputer, vc::AZURE_LOCATION, row).is_empty() {
                continue;
            }
            let cells = self
                .computer_row(row, &[vc::COMPUTER, vc::AZURE_IMAGE_OFFERING, vc::AZURE_LOCATION, vc::AZURE_IMAGE_SKU]);
            distinct.entry(cells).or_insert_with(|| self.text(TableKind::VMComputer, vc::MACHINE, row).to_string());
        }
        let mut report = ReportTable::new(&["Computer", "AzureImageOffering", "AzureLocation", "AzureImageSku"]);
        for (cells, machine) in distinct {
            report.push(cells, (!machine.is_empty()).then_some(RowTarget::Machine { machine }));
        }
        report
    }

    fn memory(&self) -> ReportTable {
        let rows = self.latest_by_resource(TableKind::VMComputer, |_| true);
        self.computer_report(&rows, &[vc::PHYSICAL_MEMORY_MB, vc::COMPUTER])
    }

    fn machine_network(&self) -> ReportTable {
        let rows = self.latest_by_resource(TableKind::VMComputer, |_| true);
        self.computer_report(&rows, &[vc::COMPUTER, vc::OPERATING_SYSTEM_FULL_NAME, vc::DNS_NAMES, vc::IPV4_ADDRESSES])
    }

    fn process_report(&self, rows: &[usize]) -> ReportTable {
        let columns = [
            vp::COMPUTER,
            vp::MACHINE,
            vp::PROCESS,
            vp::EXECUTABLE_NAME,
            vp::DISPLAY_NAME,
            vp::PRODUCT_VERSION,
            vp::COMMAND_LINE,
            vp::TIME_GENERATED,
        ];
        let names: Vec<&str> = columns.iter().map(|&i| TableKind::VMProcess.columns()[i].name).collect();
        let mut report = ReportTable::new(&names);
        for &row in rows {
            let cells = columns
                .iter()
                .map(|&column| match column {
                    vp::TIME_GENERATED => time_text(self.table(TableKind::VMProcess).col(column).time(row)),
                    _ => self.text(TableKind::VMProcess, column, row).to_string(),
                })
                .collect();
            let target = RowTarget::Process {
                machine: self.text(TableKind::VMProcess, vp::MACHINE, row).to_string(),
                process: self.text(TableKind::VMProcess, vp::PROCESS, row).to_string(),
            };
            report.push(cells, Some(target));
        }
        report
    }

    /// `VMProcess | where CommandLine contains[_cs] "text" | summarize arg_max(TimeGenerated, *) by _ResourceId`
    /// (the filter comes first: a process counts if any of its records matched).
    fn processes_cmdline(&self) -> ReportTable {
        let (text, cs) = (&self.params.text, self.params.case_sensitive);
        let rows = self.latest_by_resource(TableKind::VMProcess, |row| {
            contains(self.text(TableKind::VMProcess, vp::COMMAND_LINE, row), text, cs)
        });
        self.process_report(&rows)
    }

    /// `search in (VMComputer) "text" | summarize arg_max(TimeGenerated, *) by _ResourceId`
    fn find_machine(&self) -> ReportTable {
        let text = self.params.text.trim();
        let rows = self.latest_by_resource(TableKind::VMComputer, |row| {
            self.row_strings(TableKind::VMComputer, row).any(|value| has_term(value, text))
        });
        self.computer_report(
            &rows,
            &[
                vc::COMPUTER,
                vc::MACHINE,
                vc::TIME_GENERATED,
                vc::IPV4_ADDRESSES,
                vc::DNS_NAMES,
                vc::AZURE_RESOURCE_NAME,
                vc::RESOURCE_ID,
            ],
        )
    }

    fn machines_named(&self) -> Result<BTreeSet<String>, ReportError> {
        let wanted: BTreeSet<String> = self.params.machines.iter().cloned().collect();
        let found = focus_machines(self.store, self.inventory, &wanted);
        if found.is_empty() {
            return Err(ReportError(format!("no loaded machine is called {}", self.params.machines.join(" or "))));
        }
        Ok(found.into_iter().map(|m| self.store.str(m).to_string()).collect())
    }

    fn machine_processes(&self) -> Result<ReportTable, ReportError> {
        let machines = self.machines_named()?;
        let rows = self.latest_by_resource(TableKind::VMProcess, |row| {
            machines.contains(self.text(TableKind::VMProcess, vp::MACHINE, row))
        });
        Ok(self.process_report(&rows))
    }

    fn sql_computers(&self) -> ReportTable {
        let processes = self.table(TableKind::VMProcess);
        let with_sql: BTreeSet<&str> = (0..processes.len())
            .filter(|&row| self.row_strings(TableKind::VMProcess, row).any(|v| contains(v, "sql", false)))
            .map(|row| self.text(TableKind::VMProcess, vp::MACHINE, row))
            .collect();
        let computers = self.table(TableKind::VMComputer);
        let mut distinct: BTreeMap<String, String> = BTreeMap::new();
        for row in 0..computers.len() {
            let machine = self.text(TableKind::VMComputer, vc::MACHINE, row);
            let resource_name = self.text(TableKind::VMComputer, vc::AZURE_RESOURCE_NAME, row);
            if with_sql.contains(machine) || with_sql.contains(resource_name) {
                distinct
                    .entry(self.text(TableKind::VMComputer, vc::COMPUTER, row).to_string())
                    .or_insert_with(|| machine.to_string());
            }
        }
        let mut report = ReportTable::new(&["Computer"]);
        report.note = Some(
            "The documented query matches VMComputer.AzureResourceName against VMProcess.Machine (an m-… id); \
             this report matches VMComputer.Machine too, so computers are found."
                .into(),
        );
        for (computer, machine) in distinct {
            report.push(vec![computer], Some(RowTarget::Machine { machine }));
        }
        report
    }

    /// `VMProcess | where ExecutableName == "curl" | distinct ProductVersion` (`==` is case-sensitive).
    fn product_versions(&self) -> ReportTable {
        let table = self.table(TableKind::VMProcess);
        let versions: BTreeSet<&str> = (0..table.len())
            .filter(|&row| self.text(TableKind::VMProcess, vp::EXECUTABLE_NAME, row) == self.params.exe)
            .map(|row| self.text(TableKind::VMProcess, vp::PRODUCT_VERSION, row))
            .collect();
        let mut report = ReportTable::new(&["ProductVersion"]);
        for version in versions {
            report.push(vec![version.to_string()], None);
        }
        report
    }

    fn window(&self) -> MapRequest {
        MapRequest { from: self.params.from, to: self.params.to, ..Default::default() }
    }

    fn top_transmitters(&self) -> ReportTable {
        let window = self.window();
        let connections = self.table(TableKind::VMConnection);
        let mut bytes: BTreeMap<String, (i64, String)> = BTreeMap::new();
        for row in 0..connections.len() {
            if !window.contains(connections.col(c::TIME_GENERATED).time(row)) {
                continue;
            }
            let computer = self.text(TableKind::VMConnection, c::COMPUTER, row).to_string();
            let entry =
                bytes.entry(computer).or_insert((0, self.text(TableKind::VMConnection, c::MACHINE, row).to_string()));
            entry.0 += connections.col(c::BYTES_SENT).int_or_zero(row);
        }
        // The full outer join keeps computers that sent nothing; the size is the latest record's.
        let mut size_of: BTreeMap<String, String> = BTreeMap::new();
        for row in self.latest_by_resource(TableKind::VMComputer, |_| true) {
            let computer = self.text(TableKind::VMComputer, vc::COMPUTER, row).to_string();
            size_of.insert(computer.clone(), self.text(TableKind::VMComputer, vc::AZURE_SIZE, row).to_string());
            bytes.entry(computer).or_insert((0, self.text(TableKind::VMComputer, vc::MACHINE, row).to_string()));
        }
        let mut rows: Vec<(String, String, i64, String)> = bytes
            .into_iter()
            .map(|(computer, (sum, machine))| {
                (size_of.get(&computer).cloned().unwrap_or_default(), computer, sum, machine)
            })
            .collect();
        rows.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.1.cmp(&b.1)));
        let mut report = ReportTable::new(&["Computer", "AzureSize", "BytesSent"]);
        report.note = Some(
            "Shows the sum of BytesSent. The documented query counts rows (count(BytesSent)) and names the size column \
             AzureVMSize, which VMComputer calls AzureSize; its join also multiplies rows by the hourly inventory records."
                .into(),
        );
        for (size, computer, sum, machine) in rows {
            let target = (!machine.is_empty()).then_some(RowTarget::Machine { machine });
            report.push(vec![computer, size, sum.to_string()], target);
        }
        report
    }

    /// Rows of `VMBoundPort` in the window, without those on 127.0.0.1 when `skip_loopback`.
    fn port_rows(&self, skip_loopback: bool) -> Vec<usize> {
        let window = self.window();
        let table = self.table(TableKind::VMBoundPort);
        (0..table.len())
            .filter(|&row| window.contains(table.col(bp::TIME_GENERATED).time(row)))
            .filter(|&row| !skip_loopback || self.text(TableKind::VMBoundPort, bp::IP, row) != "127.0.0.1")
            .collect()
    }

    /// `VMBoundPort | where Computer == '…' | distinct Port, ProcessName` over the window.
    fn bound_ports(&self) -> Result<ReportTable, ReportError> {
        let machines = self.machines_named()?;
        let mut distinct: BTreeMap<(i64, String), String> = BTreeMap::new();
        for row in self.port_rows(false) {
            let machine = self.text(TableKind::VMBoundPort, bp::MACHINE, row);
            if !machines.contains(machine) {
                continue;
            }
            let port = self.table(TableKind::VMBoundPort).col(bp::PORT).int(row).unwrap_or(0);
            let name = self.text(TableKind::VMBoundPort, bp::PROCESS_NAME, row).to_string();
            distinct.entry((port, name)).or_insert_with(|| machine.to_string());
        }
        let mut report = ReportTable::new(&["Port", "ProcessName"]);
        for ((port, name), machine) in distinct {
            report.push(vec![port.to_string(), name], Some(RowTarget::Port { machine, port }));
        }
        Ok(report)
    }

    /// `… | where Ip != "127.0.0.1" | summarize by Computer, Machine, Port, Protocol | summarize OpenPorts=count() by Computer, Machine | order by OpenPorts desc`
    fn open_ports(&self) -> ReportTable {
        let mut ports: BTreeMap<(String, String), BTreeSet<(i64, String)>> = BTreeMap::new();
        for row in self.port_rows(true) {
            let key = (
                self.text(TableKind::VMBoundPort, bp::COMPUTER, row).to_string(),
                self.text(TableKind::VMBoundPort, bp::MACHINE, row).to_string(),
            );
            let port = self.table(TableKind::VMBoundPort).col(bp::PORT).int(row).unwrap_or(0);
            ports
                .entry(key)
                .or_default()
                .insert((port, self.text(TableKind::VMBoundPort, bp::PROTOCOL, row).to_string()));
        }
        let mut rows: Vec<((String, String), usize)> = ports.into_iter().map(|(k, set)| (k, set.len())).collect();
        rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let mut report = ReportTable::new(&["Computer", "Machine", "OpenPorts"]);
        for ((computer, machine), count) in rows {
            report.push(vec![computer, machine.clone(), count.to_string()], Some(RowTarget::Machine { machine }));
        }
        report
    }

    /// `… | where Ip != "127.0.0.1" | summarize by ProcessName, Port, Protocol | summarize OpenPorts=count() by ProcessName | order by OpenPorts desc`
    fn process_ports(&self) -> ReportTable {
        let mut ports: BTreeMap<String, BTreeSet<(i64, String)>> = BTreeMap::new();
        for row in self.port_rows(true) {
            let port = self.table(TableKind::VMBoundPort).col(bp::PORT).int(row).unwrap_or(0);
            ports
                .entry(self.text(TableKind::VMBoundPort, bp::PROCESS_NAME, row).to_string())
                .or_default()
                .insert((port, self.text(TableKind::VMBoundPort, bp::PROTOCOL, row).to_string()));
        }
        let mut rows: Vec<(String, usize)> = ports.into_iter().map(|(k, set)| (k, set.len())).collect();
        rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let mut report = ReportTable::new(&["ProcessName", "OpenPorts"]);
        for (name, count) in rows {
            report.push(vec![name, count.to_string()], None);
        }
        report
    }

    /// Sums per (Machine, Computer, ProcessName, Ip, Port, IsWildcardBind), the latest LinksLive,
    /// `order by Machine, Computer, Port, Ip, ProcessName` (KQL's `order by` is descending).
    fn port_behaviour(&self) -> ReportTable {
        #[derive(Default)]
        struct Sums {
            sent: i64,
            received: i64,
            established: i64,
            terminated: i64,
            live: (Option<Timestamp>, i64),
        }
        let table = self.table(TableKind::VMBoundPort);
        let mut groups: BTreeMap<(String, String, i64, String, String, String), Sums> = BTreeMap::new();
        for row in self.port_rows(true) {
            let text = |column| self.text(TableKind::VMBoundPort, column, row).to_string();
            let wildcard = table.col(bp::IS_WILDCARD_BIND).bool(row).map(|b| b.to_string()).unwrap_or_default();
            let port = table.col(bp::PORT).int(row).unwrap_or(0);
            let key = (text(bp::MACHINE), text(bp::COMPUTER), port, text(bp::IP), text(bp::PROCESS_NAME), wildcard);
            let sums = groups.entry(key).or_default();
            sums.sent += table.col(bp::BYTES_SENT).int_or_zero(row);
            sums.received += table.col(bp::BYTES_RECEIVED).int_or_zero(row);
            sums.established += table.col(bp::LINKS_ESTABLISHED).int_or_zero(row);
            sums.terminated += table.col(bp::LINKS_TERMINATED).int_or_zero(row);
            let time = table.col(bp::TIME_GENERATED).time(row);
            if sums.live.0.is_none() || time >= sums.live.0 {
                sums.live = (time, table.col(bp::LINKS_LIVE).int_or_zero(row));
            }
        }
        let mut report = ReportTable::new(&[
            "Machine",
            "Computer",
            "ProcessName",
            "Ip",
            "Port",
            "IsWildcardBind",
            "BytesSent",
            "BytesReceived",
            "LinksEstablished",
            "LinksTerminated",
            "LinksLive",
        ]);
        for ((machine, computer, port, ip, name, wildcard), s) in groups.into_iter().rev() {
            let cells = vec![
                machine.clone(),
                computer,
                name,
                ip,
                port.to_string(),
                wildcard,
                s.sent.to_string(),
                s.received.to_string(),
                s.established.to_string(),
                s.terminated.to_string(),
                s.live.1.to_string(),
            ];
            report.push(cells, Some(RowTarget::Port { machine, port }));
        }
        report
    }

    /// The documentation's long query: the latest record of every connection of the chosen
    /// machines, outbound ones and inbound ones from outside the group, with the remote
    /// machine and the remote process (by listening port, wildcard binds included) resolved.
    fn outbound_summary(&self) -> Result<ReportTable, ReportError> {
        let machines = self.machines_named()?;
        let window = self.window();
        let table = self.table(TableKind::VMConnection);
        let text = |column, row| self.text(TableKind::VMConnection, column, row);
        // arg_max(TimeGenerated, *) by ConnectionId (by the grouping attributes when absent).
        let mut latest: BTreeMap<Vec<String>, (Timestamp, usize)> = BTreeMap::new();
        for row in 0..table.len() {
            let time = table.col(c::TIME_GENERATED).time(row);
            if !machines.contains(text(c::MACHINE, row)) || !window.contains(time) {
                continue;
            }
            let id = text(c::CONNECTION_ID, row);
            let key: Vec<String> = if id.is_empty() {
                [c::MACHINE, c::PROCESS, c::DIRECTION, c::SOURCE_IP, c::DESTINATION_IP, c::PROTOCOL]
                    .iter()
                    .map(|&col| text(col, row).to_string())
                    .chain([int_text(table.col(c::DESTINATION_PORT).int(row))])
                    .collect()
            } else {
                vec![id.to_string()]
            };
            let time = time.unwrap_or(Timestamp::MIN);
            let entry = latest.entry(key).or_insert((time, row));
            if time >= entry.0 {
                *entry = (time, row);
            }
        }
        let columns = [
            "ConnectionId",
            "Direction",
            "Machine",
            "Process",
            "ProcessName",
            "SourceIp",
            "DestinationIp",
            "DestinationPort",
            "Protocol",
            "Remote",
        ];
        let mut report = ReportTable::new(&columns);
        let mut rows: Vec<usize> = latest.into_values().map(|(_, row)| row).collect();
        rows.sort_unstable();
        for row in rows {
            let outbound = text(c::DIRECTION, row).eq_ignore_ascii_case("outbound");
            let mut remote_ip = table.col(c::REMOTE_IP).sym(row);
            if remote_ip.is_empty() {
                remote_ip = table.col(if outbound { c::DESTINATION_IP } else { c::SOURCE_IP }).sym(row);
            }
            let time = table.col(c::TIME_GENERATED).time(row).unwrap_or(Timestamp::MIN);
            let own = table.col(c::MACHINE).sym(row);
            let remote_machine = if self.store.str(remote_ip).starts_with("127.") {
                Some(own)
            } else {
                self.inventory.machine_of_ip(remote_ip, time)
            };
            if !outbound && remote_machine.is_some_and(|m| machines.contains(self.store.str(m))) {
                continue;
            }
            let port = table.col(c::DESTINATION_PORT).int(row);
            let remote = match remote_machine {
                None => "{}".to_string(),
                Some(machine) => {
                    // RemotePort is 0 for inbound rows: no listening process to find.
                    let listener =
                        port.filter(|_| outbound).and_then(|p| self.inventory.server_process(machine, remote_ip, p));
                    let (process, name) = listener.map_or((String::new(), String::new()), |l| {
                        (self.store.str(l.process).to_string(), self.store.str(l.process_name).to_string())
                    });
                    serde_json::json!({"Machine": self.store.str(machine), "Process": process, "ProcessName": name})
                        .to_string()
                }
            };
            let mut cells: Vec<String> = [
                c::CONNECTION_ID,
                c::DIRECTION,
                c::MACHINE,
                c::PROCESS,
                c::PROCESS_NAME,
                c::SOURCE_IP,
                c::DESTINATION_IP,
            ]
            .iter()
            .map(|&col| text(col, row).to_string())
            .collect();
            cells.push(int_text(port));
            cells.push(text(c::PROTOCOL, row).to_string());
            cells.push(remote);
            let target = RowTarget::Process {
                machine: text(c::MACHINE, row).to_string(),
                process: text(c::PROCESS, row).to_string(),
            };
            report.push(cells, Some(target));
        }
        Ok(report)
    }
}

fn now() -> Timestamp {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64);
    Timestamp::from_unix_secs(secs)
}

/// The map node a report row stands for, if it is on the loaded records.
pub fn target_node(store: &Store, target: &RowTarget) -> Option<NodeKey> {
    let sym = |s: &str| store.interner.lookup(s);
    Some(match target {
        RowTarget::Machine { machine } => NodeKey::Machine { machine: sym(machine)? },
        RowTarget::Process { machine, process } => NodeKey::Process { machine: sym(machine)?, process: sym(process)? },
        RowTarget::Port { machine, .. } => NodeKey::Machine { machine: sym(machine)? },
    })
}
