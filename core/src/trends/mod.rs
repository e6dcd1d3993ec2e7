//! Time-binned series for whatever is selected: the whole estate, a machine, a process, an
//! edge, an unowned port, an external endpoint or a client group, over a time window.
//!
//! Link counts are sums per bin (and, for live links, the latest minute's value), not the
//! `dcount` of the documentation's sample query, which counts distinct values rather than links.

pub mod bins;

pub use bins::{BIN_CHOICES, Bins, auto_bin, bin_label};

use crate::graph::{Inventory, MapRequest, NodeKey, for_each_routed_row};
use crate::model::schema::{bound_port, connection as c};
use crate::model::{TableKind, Timestamp};
use crate::store::{Store, Sym};
use rustc_hash::{FxHashMap, FxHashSet};

/// What a chart is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Selection {
    #[default]
    Estate,
    Node(NodeKey),
    Edge {
        source: NodeKey,
        target: NodeKey,
    },
}

/// The charts vmi-map draws.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TrendKind {
    Bytes,
    Links,
    Failures,
    FailuresByHour,
    ResponseTime,
    OpenPorts,
}

impl TrendKind {
    pub const ALL: [TrendKind; 6] = [
        TrendKind::Bytes,
        TrendKind::Links,
        TrendKind::Failures,
        TrendKind::FailuresByHour,
        TrendKind::ResponseTime,
        TrendKind::OpenPorts,
    ];

    /// The id used on the command line (`--chart bytes`).
    pub fn id(self) -> &'static str {
        match self {
            TrendKind::Bytes => "bytes",
            TrendKind::Links => "links",
            TrendKind::Failures => "failures",
            TrendKind::FailuresByHour => "failures-by-hour",
            TrendKind::ResponseTime => "response",
            TrendKind::OpenPorts => "open-ports",
        }
    }

    pub fn from_id(id: &str) -> Option<TrendKind> {
        TrendKind::ALL.into_iter().find(|k| k.id() == id)
    }

    pub fn title(self) -> &'static str {
        match self {
            TrendKind::Bytes => "Bytes sent and received",
            TrendKind::Links => "Link status",
            TrendKind::Failures => "Connection failures",
            TrendKind::FailuresByHour => "Connection failures by hour of day (UTC)",
            TrendKind::ResponseTime => "Response time",
            TrendKind::OpenPorts => "Open ports",
        }
    }

    /// A line drawn under the chart where it departs from the documentation's query, saying
    /// what it shows and why.
    pub fn subtitle(self) -> Option<&'static str> {
        match self {
            TrendKind::FailuresByHour => {
                Some("sum(LinksFailed): failed links (the documented query's count() counts records)")
            }
            _ => None,
        }
    }

    /// What the chart counts, for its help tooltip.
    pub fn help(self) -> &'static str {
        match self {
            TrendKind::Bytes => {
                "Sum of BytesSent and BytesReceived per bin. For the whole estate: the 10 computers with the most bytes, and the rest as \"other\"."
            }
            TrendKind::Links => {
                "LinksEstablished, LinksFailed and LinksTerminated are summed per bin; LinksLive is the value of the bin's latest minute (open links at its end). The documentation's sample uses dcount(), which counts distinct values, not links."
            }
            TrendKind::Failures => "Sum of LinksFailed per bin.",
            TrendKind::FailuresByHour => {
                "Sum of LinksFailed by hour of day (0-23, UTC) over the window. The documentation's sample counts rows with count(); this counts failed links."
            }
            TrendKind::ResponseTime => {
                "Average response time (sum of ResponseTimeSum / sum of Responses) and the largest ResponseTimeMax per bin, in milliseconds."
            }
            TrendKind::OpenPorts => {
                "Distinct ports with a VMBoundPort record per bin (ports bound only to 127.0.0.1 excluded)."
            }
        }
    }

    /// Unit of the values.
    pub fn unit(self) -> Unit {
        match self {
            TrendKind::Bytes => Unit::Bytes,
            TrendKind::ResponseTime => Unit::Milliseconds,
            _ => Unit::Count,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    Bytes,
    Milliseconds,
    Count,
}

/// What a chart shows: which series, over which window, at which bin size.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TrendRequest {
    pub kind: TrendKind,
    pub selection: Selection,
    pub from: Option<Timestamp>,
    pub to: Option<Timestamp>,
    /// `None`: chosen from the window ([`auto_bin`]).
    pub bin_ticks: Option<i64>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub name: String,
    /// One value per bin (or per hour of day); NaN where there is nothing to show.
    pub values: Vec<f64>,
}

/// The x axis of a trend.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Axis {
    Time(Bins),
    /// 24 categories, 0-23 UTC.
    HourOfDay,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Trend {
    pub kind: TrendKind,
    pub axis: Axis,
    pub series: Vec<Series>,
    /// Series add up (stacked areas) rather than overlap (lines).
    pub stacked: bool,
}

impl Trend {
    pub fn len(&self) -> usize {
        match self.axis {
            Axis::Time(bins) => bins.count,
            Axis::HourOfDay => 24,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.series.iter().all(|s| s.values.iter().all(|v| v.is_nan() || *v == 0.0))
    }

    pub fn series(&self, name: &str) -> Option<&[f64]> {
        self.series.iter().find(|s| s.name == name).map(|s| s.values.as_slice())
    }
}

/// A row of the selection: its time and whether its bytes must be swapped to the selection's
/// point of view (an inbound row feeding a client-side edge).
struct SelectedRow {
    row: usize,
    time: Timestamp,
    swap: bool,
}

/// The first and last `TimeGenerated` of a table (for an open window).
pub fn time_extent(store: &Store, kind: TableKind) -> Option<(Timestamp, Timestamp)> {
    let column = store.table(kind).col(0);
    (0..column.len())
        .filter_map(|row| column.time(row))
        .fold(None, |acc, t| Some(acc.map_or((t, t), |(a, b): (Timestamp, Timestamp)| (a.min(t), b.max(t)))))
}

fn window_bins(store: &Store, request: &TrendRequest, table: TableKind) -> Bins {
    let extent = time_extent(store, table);
    let from = request.from.or(extent.map(|e| e.0)).unwrap_or(Timestamp(0));
    // The last record's minute is inside the window.
    let to = request.to.or(extent.map(|e| Timestamp(e.1.0 + 1))).unwrap_or(Timestamp(from.0 + 1));
    Bins::cover(from, to.max(Timestamp(from.0 + 1)), request.bin_ticks)
}

fn for_each_selected_row(
    store: &Store,
    inventory: &Inventory,
    request: &TrendRequest,
    mut visit: impl FnMut(SelectedRow),
) {
    let window = MapRequest { from: request.from, to: request.to, ..Default::default() };
    let table = store.table(TableKind::VMConnection);
    let times = table.col(c::TIME_GENERATED);
    // Machines and processes: what they reported themselves, both directions.
    let raw = |machine: Option<Sym>, process: Option<Sym>, visit: &mut dyn FnMut(SelectedRow)| {
        for row in 0..table.len() {
            let Some(time) = times.time(row) else { continue };
            if !window.contains(Some(time))
                || machine.is_some_and(|m| table.col(c::MACHINE).sym(row) != m)
                || process.is_some_and(|p| table.col(c::PROCESS).sym(row) != p)
            {
                continue;
            }
            visit(SelectedRow { row, time, swap: false });
        }
    };
    match request.selection {
        Selection::Estate => raw(None, None, &mut visit),
        Selection::Node(NodeKey::Machine { machine }) => raw(Some(machine), None, &mut visit),
        Selection::Node(NodeKey::Process { machine, process }) => raw(Some(machine), Some(process), &mut visit),
        Selection::Node(key) => for_each_routed_row(store, inventory, &window, |r| {
            if let (true, Some(time)) = (r.route.source == key || r.route.target == key, r.time) {
                visit(SelectedRow { row: r.row, time, swap: r.route.server_side });
            }
        }),
        Selection::Edge { source, target } => for_each_routed_row(store, inventory, &window, |r| {
            if let (true, Some(time)) = (r.route.source == source && r.route.target == target, r.time) {
                visit(SelectedRow { row: r.row, time, swap: r.route.server_side });
            }
        }),
    }
}

/// Computes one trend.
pub fn compute(store: &Store, inventory: &Inventory, request: &TrendRequest) -> Trend {
    match request.kind {
        TrendKind::Bytes => bytes(store, inventory, request),
        TrendKind::Links => links(store, inventory, request),
        TrendKind::Failures => failures(store, inventory, request),
        TrendKind::FailuresByHour => failures_by_hour(store, inventory, request),
        TrendKind::ResponseTime => response_time(store, inventory, request),
        TrendKind::OpenPorts => open_ports(store, request),
    }
}

fn zeros(bins: &Bins) -> Vec<f64> {
    vec![0.0; bins.count]
}

fn metric(store: &Store, column: usize, row: usize) -> f64 {
    store.table(TableKind::VMConnection).col(column).int_or_zero(row) as f64
}

fn bytes(store: &Store, inventory: &Inventory, request: &TrendRequest) -> Trend {
    let bins = window_bins(store, request, TableKind::VMConnection);
    let (mut sent, mut received) = (zeros(&bins), zeros(&bins));
    let computers = store.table(TableKind::VMConnection).col(c::COMPUTER);
    let mut by_computer: FxHashMap<Sym, Vec<f64>> = FxHashMap::default();
    let estate = request.selection == Selection::Estate;
    for_each_selected_row(store, inventory, request, |r| {
        let Some(i) = bins.index(r.time) else { return };
        let (mut s, mut v) = (metric(store, c::BYTES_SENT, r.row), metric(store, c::BYTES_RECEIVED, r.row));
        if r.swap {
            std::mem::swap(&mut s, &mut v);
        }
        sent[i] += s;
        received[i] += v;
        if estate {
            by_computer.entry(computers.sym(r.row)).or_insert_with(|| zeros(&bins))[i] += s + v;
        }
    });
    if !estate {
        let series = vec![
            Series { name: "Bytes sent".into(), values: sent },
            Series { name: "Bytes received".into(), values: received },
        ];
        return Trend { kind: TrendKind::Bytes, axis: Axis::Time(bins), series, stacked: false };
    }
    // The ten busiest computers by name, the rest as "other", stacked.
    let mut ranked: Vec<(Sym, Vec<f64>)> = by_computer.into_iter().collect();
    ranked.sort_by(|a, b| {
        let total = |v: &[f64]| v.iter().sum::<f64>();
        total(&b.1).total_cmp(&total(&a.1)).then_with(|| store.str(a.0).cmp(store.str(b.0)))
    });
    let mut series: Vec<Series> = Vec::new();
    let mut other = zeros(&bins);
    for (rank, (computer, values)) in ranked.into_iter().enumerate() {
        if rank < 10 {
            let name = store.str(computer);
            let name = if name.is_empty() { "(no computer name)" } else { name.split('.').next().unwrap_or(name) };
            series.push(Series { name: name.to_string(), values });
        } else {
            other.iter_mut().zip(values).for_each(|(o, v)| *o += v);
        }
    }
    if other.iter().any(|&v| v > 0.0) {
        series.push(Series { name: "other".into(), values: other });
    }
    Trend { kind: TrendKind::Bytes, axis: Axis::Time(bins), series, stacked: true }
}

fn links(store: &Store, inventory: &Inventory, request: &TrendRequest) -> Trend {
    let bins = window_bins(store, request, TableKind::VMConnection);
    let (mut established, mut failed, mut terminated) = (zeros(&bins), zeros(&bins), zeros(&bins));
    // Live links: the latest minute of each bin, summed over the connections reporting it.
    let mut live: Vec<(Timestamp, f64)> = vec![(Timestamp::MIN, 0.0); bins.count];
    for_each_selected_row(store, inventory, request, |r| {
        let Some(i) = bins.index(r.time) else { return };
        established[i] += metric(store, c::LINKS_ESTABLISHED, r.row);
        failed[i] += metric(store, c::LINKS_FAILED, r.row);
        terminated[i] += metric(store, c::LINKS_TERMINATED, r.row);
        let value = metric(store, c::LINKS_LIVE, r.row);
        let slot = &mut live[i];
        if r.time > slot.0 {
            *slot = (r.time, value);
        } else if r.time == slot.0 {
            slot.1 += value;
        }
    });
    let series = vec![
        Series { name: "Established".into(), values: established },
        Series { name: "Live".into(), values: live.into_iter().map(|(_, v)| v).collect() },
        Series { name: "Failed".into(), values: failed },
        Series { name: "Terminated".into(), values: terminated },
    ];
    Trend { kind: TrendKind::Links, axis: Axis::Time(bins), series, stacked: false }
}

fn failures(store: &Store, inventory: &Inventory, request: &TrendRequest) -> Trend {
    let bins = window_bins(store, request, TableKind::VMConnection);
    let mut failed = zeros(&bins);
    for_each_selected_row(store, inventory, request, |r| {
        if let Some(i) = bins.index(r.time) {
            failed[i] += metric(store, c::LINKS_FAILED, r.row);
        }
    });
    Trend {
        kind: TrendKind::Failures,
        axis: Axis::Time(bins),
        series: vec![Series { name: "Failed links".into(), values: failed }],
        stacked: false,
    }
}

fn failures_by_hour(store: &Store, inventory: &Inventory, request: &TrendRequest) -> Trend {
    let mut hours = vec![0.0; 24];
    for_each_selected_row(store, inventory, request, |r| {
        hours[r.time.hour_of_day() as usize] += metric(store, c::LINKS_FAILED, r.row);
    });
    Trend {
        kind: TrendKind::FailuresByHour,
        axis: Axis::HourOfDay,
        series: vec![Series { name: "Failed links".into(), values: hours }],
        stacked: false,
    }
}

fn response_time(store: &Store, inventory: &Inventory, request: &TrendRequest) -> Trend {
    let bins = window_bins(store, request, TableKind::VMConnection);
    let (mut sum, mut responses, mut max) = (zeros(&bins), zeros(&bins), vec![f64::NAN; bins.count]);
    let max_col = store.table(TableKind::VMConnection).col(c::RESPONSE_TIME_MAX);
    for_each_selected_row(store, inventory, request, |r| {
        let Some(i) = bins.index(r.time) else { return };
        sum[i] += metric(store, c::RESPONSE_TIME_SUM, r.row);
        responses[i] += metric(store, c::RESPONSES, r.row);
        if let Some(m) = max_col.int(r.row) {
            max[i] = if max[i].is_nan() { m as f64 } else { max[i].max(m as f64) };
        }
    });
    let average = sum.iter().zip(&responses).map(|(s, n)| if *n > 0.0 { s / n } else { f64::NAN }).collect();
    let series = vec![Series { name: "Average".into(), values: average }, Series { name: "Max".into(), values: max }];
    Trend { kind: TrendKind::ResponseTime, axis: Axis::Time(bins), series, stacked: false }
}

fn open_ports(store: &Store, request: &TrendRequest) -> Trend {
    let bins = window_bins(store, request, TableKind::VMBoundPort);
    let table = store.table(TableKind::VMBoundPort);
    let loopback = store.interner.lookup("127.0.0.1");
    let (machine, process) = match request.selection {
        Selection::Node(NodeKey::Machine { machine }) => (Some(machine), None),
        Selection::Node(NodeKey::Process { machine, process }) => (Some(machine), Some(process)),
        Selection::Node(NodeKey::MachinePort { machine, .. } | NodeKey::ClientGroup { machine, .. }) => {
            (Some(machine), None)
        }
        _ => (None, None),
    };
    let window = MapRequest { from: request.from, to: request.to, ..Default::default() };
    let mut open: Vec<FxHashSet<(Sym, i64, Sym)>> = vec![FxHashSet::default(); bins.count];
    for row in 0..table.len() {
        let time = table.col(bound_port::TIME_GENERATED).time(row);
        let (Some(time), Some(port)) = (time, table.col(bound_port::PORT).int(row)) else { continue };
        let row_machine = table.col(bound_port::MACHINE).sym(row);
        if !window.contains(Some(time))
            || machine.is_some_and(|m| m != row_machine)
            || process.is_some_and(|p| p != table.col(bound_port::PROCESS).sym(row))
            || Some(table.col(bound_port::IP).sym(row)) == loopback
        {
            continue;
        }
        if let Some(i) = bins.index(time) {
            open[i].insert((row_machine, port, table.col(bound_port::PROTOCOL).sym(row)));
        }
    }
    let values = open.iter().map(|set| set.len() as f64).collect();
    Trend {
        kind: TrendKind::OpenPorts,
        axis: Axis::Time(bins),
        series: vec![Series { name: "Open ports".into(), values }],
        stacked: false,
    }
}
