//! Time-binned series for whatever is selected: the whole estate, a machine, a process, an
//! edge, an unowned port, an external endpoint or a client group, over a time window.
//!
//! Link counts are sums per bin (and, for live links, the latest minute's value), not the
//! `dcount` of the documentation's sample query, which counts distinct values rather than links.

pub mod bins;
#[cfg(test)]
mod tests;

pub use bins::{BIN_CHOICES, Bins, auto_bin, bin_label};

use crate::graph::build::for_each_routed_row_in;
use crate::graph::{Inventory, MapRequest, NodeKey};
use crate::model::schema::{bound_port, connection as c};
use crate::model::{TableKind, Timestamp};
use crate::store::{Store, Sym};
use crate::threads::Threads;
use rustc_hash::{FxHashMap, FxHashSet};
use std::ops::Range;

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
    let (from, to) = resolved_window(store, request, table);
    Bins::cover(from, to, request.bin_ticks)
}

/// The request's window with its open ends closed at the table's first and last record
/// (the last record's minute inside it); a scan of the table's times only for an open end.
fn resolved_window(store: &Store, request: &TrendRequest, table: TableKind) -> (Timestamp, Timestamp) {
    let extent = match (request.from, request.to) {
        (Some(_), Some(_)) => None,
        _ => time_extent(store, table),
    };
    let from = request.from.or(extent.map(|e| e.0)).unwrap_or(Timestamp(0));
    let to = request.to.or(extent.map(|e| Timestamp(e.1.0 + 1))).unwrap_or(Timestamp(from.0 + 1));
    (from, to.max(Timestamp(from.0 + 1)))
}

/// How a trend's rows are shared out: `parts` ranges of rows on `threads` threads, or the
/// rows of one machine listed beforehand ([`compute_machines`]).
#[derive(Clone, Copy, Debug)]
struct Split<'a> {
    threads: Threads,
    parts: usize,
    only: Option<&'a [u32]>,
}

/// Rows per range below which sharing out costs more than it saves.
const MIN_ROWS_PER_PART: usize = 32 * 1024;

impl Split<'_> {
    fn of(store: &Store, threads: Threads) -> Split<'static> {
        let rows = store.table(TableKind::VMConnection).len();
        Split { threads, parts: threads.get().min(rows / MIN_ROWS_PER_PART).max(1), only: None }
    }
}

/// Folds the selection's rows into an accumulator: each range of rows into its own
/// (`init`, `visit`, on the split's threads), the ranges' accumulators merged in row order.
/// Sums of whole numbers (bytes, links) come out the same however the rows are cut.
fn fold_selected_rows<A: Send>(
    store: &Store,
    inventory: &Inventory,
    request: &TrendRequest,
    split: Split,
    init: impl Fn() -> A + Sync,
    visit: impl Fn(&mut A, SelectedRow) + Sync,
    merge: impl Fn(&mut A, A),
) -> A {
    if let Some(rows) = split.only {
        let mut acc = init();
        for_each_listed_row(store, request, rows, |r| visit(&mut acc, r));
        return acc;
    }
    let rows = store.table(TableKind::VMConnection).len();
    let fold_range = |range: Range<usize>| {
        let mut acc = init();
        for_each_selected_row(store, inventory, request, range, |r| visit(&mut acc, r));
        acc
    };
    if split.parts < 2 || split.threads.is_serial() {
        return fold_range(0..rows);
    }
    let mut partials = split.threads.map_ranges(rows, split.parts, fold_range).into_iter();
    let mut acc = partials.next().unwrap_or_else(&init);
    for later in partials {
        merge(&mut acc, later);
    }
    acc
}

/// Adds `later` into `sums`, bin by bin.
fn add_bins(sums: &mut [f64], later: &[f64]) {
    sums.iter_mut().zip(later).for_each(|(a, b)| *a += b);
}

/// The rows `rows` of a machine's own (see [`compute_machines`]) that fall in the window:
/// what [`for_each_selected_row`] visits for that machine, found with no scan of the rest.
fn for_each_listed_row(store: &Store, request: &TrendRequest, rows: &[u32], mut visit: impl FnMut(SelectedRow)) {
    let window = MapRequest { from: request.from, to: request.to, ..Default::default() };
    let times = store.table(TableKind::VMConnection).col(c::TIME_GENERATED);
    for &row in rows {
        let row = row as usize;
        if let Some(time) = times.time(row).filter(|&t| window.contains(Some(t))) {
            visit(SelectedRow { row, time, swap: false });
        }
    }
}

fn for_each_selected_row(
    store: &Store,
    inventory: &Inventory,
    request: &TrendRequest,
    rows: Range<usize>,
    mut visit: impl FnMut(SelectedRow),
) {
    let window = MapRequest { from: request.from, to: request.to, ..Default::default() };
    let table = store.table(TableKind::VMConnection);
    let times = table.col(c::TIME_GENERATED);
    // Machines and processes: what they reported themselves, both directions.
    let raw = |machine: Option<Sym>, process: Option<Sym>, visit: &mut dyn FnMut(SelectedRow)| {
        for row in rows.start..rows.end.min(table.len()) {
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
        Selection::Node(key) => for_each_routed_row_in(store, inventory, &window, rows.clone(), |r| {
            if let (true, Some(time)) = (r.route.source == key || r.route.target == key, r.time) {
                visit(SelectedRow { row: r.row, time, swap: r.route.server_side });
            }
        }),
        Selection::Edge { source, target } => for_each_routed_row_in(store, inventory, &window, rows.clone(), |r| {
            if let (true, Some(time)) = (r.route.source == source && r.route.target == target, r.time) {
                visit(SelectedRow { row: r.row, time, swap: r.route.server_side });
            }
        }),
    }
}

/// Computes one trend, on the process's threads ([`crate::threads`]).
pub fn compute(store: &Store, inventory: &Inventory, request: &TrendRequest) -> Trend {
    compute_with(store, inventory, request, Threads::current())
}

/// [`compute`] on `threads` threads: the same trend whatever their number.
pub fn compute_with(store: &Store, inventory: &Inventory, request: &TrendRequest, threads: Threads) -> Trend {
    compute_split(store, inventory, request, Split::of(store, threads))
}

/// The trend of each of `machines` (the request's selection aside): what [`compute`] gives
/// for each alone, from one pass that lists each machine's rows and then a pass over each
/// machine's rows only, where a trend per machine reads every row of the table (a group of
/// 150 machines of a million-row estate: half a second, against milliseconds).
pub fn compute_machines(store: &Store, inventory: &Inventory, request: &TrendRequest, machines: &[Sym]) -> Vec<Trend> {
    let each = |request: &TrendRequest, machine: Sym| TrendRequest {
        selection: Selection::Node(NodeKey::Machine { machine }),
        ..request.clone()
    };
    if request.kind == TrendKind::OpenPorts {
        // Listening ports come from the other table, a trend per machine.
        return machines.iter().map(|&m| compute(store, inventory, &each(request, m))).collect();
    }
    // Every machine's bins cover the same window: its open ends are closed once (the same
    // bins, with no scan of the table's times per machine).
    let (from, to) = resolved_window(store, request, TableKind::VMConnection);
    let request = TrendRequest { from: Some(from), to: Some(to), ..request.clone() };
    let index: FxHashMap<Sym, usize> = machines.iter().enumerate().map(|(i, &m)| (m, i)).collect();
    let mut rows_of: Vec<Vec<u32>> = vec![Vec::new(); machines.len()];
    let column = store.table(TableKind::VMConnection).col(c::MACHINE);
    for row in 0..column.len() {
        if let Some(&i) = index.get(&column.sym(row)) {
            rows_of[i].push(row as u32);
        }
    }
    let serial = Threads::new(1);
    machines
        .iter()
        .zip(&rows_of)
        .map(|(&machine, rows)| {
            let split = Split { threads: serial, parts: 1, only: Some(rows) };
            compute_split(store, inventory, &each(&request, machine), split)
        })
        .collect()
}

fn compute_split(store: &Store, inventory: &Inventory, request: &TrendRequest, split: Split) -> Trend {
    match request.kind {
        TrendKind::Bytes => bytes(store, inventory, request, split),
        TrendKind::Links => links(store, inventory, request, split),
        TrendKind::Failures => failures(store, inventory, request, split),
        TrendKind::FailuresByHour => failures_by_hour(store, inventory, request, split),
        TrendKind::ResponseTime => response_time(store, inventory, request, split),
        TrendKind::OpenPorts => open_ports(store, request),
    }
}

fn zeros(bins: &Bins) -> Vec<f64> {
    vec![0.0; bins.count]
}

fn metric(store: &Store, column: usize, row: usize) -> f64 {
    store.table(TableKind::VMConnection).col(column).int_or_zero(row) as f64
}

/// Bytes per bin, and per computer for the estate.
struct ByteSums {
    sent: Vec<f64>,
    received: Vec<f64>,
    by_computer: FxHashMap<Sym, Vec<f64>>,
}

fn bytes(store: &Store, inventory: &Inventory, request: &TrendRequest, split: Split) -> Trend {
    let bins = window_bins(store, request, TableKind::VMConnection);
    let computers = store.table(TableKind::VMConnection).col(c::COMPUTER);
    let estate = request.selection == Selection::Estate;
    let init = || ByteSums { sent: zeros(&bins), received: zeros(&bins), by_computer: FxHashMap::default() };
    let visit = |acc: &mut ByteSums, r: SelectedRow| {
        let Some(i) = bins.index(r.time) else { return };
        let (mut s, mut v) = (metric(store, c::BYTES_SENT, r.row), metric(store, c::BYTES_RECEIVED, r.row));
        if r.swap {
            std::mem::swap(&mut s, &mut v);
        }
        acc.sent[i] += s;
        acc.received[i] += v;
        if estate {
            acc.by_computer.entry(computers.sym(r.row)).or_insert_with(|| zeros(&bins))[i] += s + v;
        }
    };
    let merge = |acc: &mut ByteSums, later: ByteSums| {
        add_bins(&mut acc.sent, &later.sent);
        add_bins(&mut acc.received, &later.received);
        for (computer, values) in later.by_computer {
            add_bins(acc.by_computer.entry(computer).or_insert_with(|| zeros(&bins)), &values);
        }
    };
    let ByteSums { sent, received, by_computer } =
        fold_selected_rows(store, inventory, request, split, init, visit, merge);
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

/// Link counts per bin; live links as (the bin's latest minute, their sum at it).
struct LinkSums {
    established: Vec<f64>,
    failed: Vec<f64>,
    terminated: Vec<f64>,
    live: Vec<(Timestamp, f64)>,
}

/// Takes a later value of the live links of a bin: a later minute replaces, the same adds.
fn add_live(slot: &mut (Timestamp, f64), time: Timestamp, value: f64) {
    if time > slot.0 {
        *slot = (time, value);
    } else if time == slot.0 {
        slot.1 += value;
    }
}

fn links(store: &Store, inventory: &Inventory, request: &TrendRequest, split: Split) -> Trend {
    let bins = window_bins(store, request, TableKind::VMConnection);
    // Live links: the latest minute of each bin, summed over the connections reporting it.
    let init = || LinkSums {
        established: zeros(&bins),
        failed: zeros(&bins),
        terminated: zeros(&bins),
        live: vec![(Timestamp::MIN, 0.0); bins.count],
    };
    let visit = |acc: &mut LinkSums, r: SelectedRow| {
        let Some(i) = bins.index(r.time) else { return };
        acc.established[i] += metric(store, c::LINKS_ESTABLISHED, r.row);
        acc.failed[i] += metric(store, c::LINKS_FAILED, r.row);
        acc.terminated[i] += metric(store, c::LINKS_TERMINATED, r.row);
        add_live(&mut acc.live[i], r.time, metric(store, c::LINKS_LIVE, r.row));
    };
    let merge = |acc: &mut LinkSums, later: LinkSums| {
        add_bins(&mut acc.established, &later.established);
        add_bins(&mut acc.failed, &later.failed);
        add_bins(&mut acc.terminated, &later.terminated);
        for (slot, (time, value)) in acc.live.iter_mut().zip(later.live) {
            add_live(slot, time, value);
        }
    };
    let LinkSums { established, failed, terminated, live } =
        fold_selected_rows(store, inventory, request, split, init, visit, merge);
    let series = vec![
        Series { name: "Established".into(), values: established },
        Series { name: "Live".into(), values: live.into_iter().map(|(_, v)| v).collect() },
        Series { name: "Failed".into(), values: failed },
        Series { name: "Terminated".into(), values: terminated },
    ];
    Trend { kind: TrendKind::Links, axis: Axis::Time(bins), series, stacked: false }
}

fn failures(store: &Store, inventory: &Inventory, request: &TrendRequest, split: Split) -> Trend {
    let bins = window_bins(store, request, TableKind::VMConnection);
    let visit = |failed: &mut Vec<f64>, r: SelectedRow| {
        if let Some(i) = bins.index(r.time) {
            failed[i] += metric(store, c::LINKS_FAILED, r.row);
        }
    };
    let merge = |failed: &mut Vec<f64>, later: Vec<f64>| add_bins(failed, &later);
    let failed = fold_selected_rows(store, inventory, request, split, || zeros(&bins), visit, merge);
    Trend {
        kind: TrendKind::Failures,
        axis: Axis::Time(bins),
        series: vec![Series { name: "Failed links".into(), values: failed }],
        stacked: false,
    }
}

fn failures_by_hour(store: &Store, inventory: &Inventory, request: &TrendRequest, split: Split) -> Trend {
    let visit = |hours: &mut Vec<f64>, r: SelectedRow| {
        if let Some(hour) = hours.get_mut(r.time.hour_of_day() as usize) {
            *hour += metric(store, c::LINKS_FAILED, r.row);
        }
    };
    let merge = |hours: &mut Vec<f64>, later: Vec<f64>| add_bins(hours, &later);
    let hours = fold_selected_rows(store, inventory, request, split, || vec![0.0; 24], visit, merge);
    Trend {
        kind: TrendKind::FailuresByHour,
        axis: Axis::HourOfDay,
        series: vec![Series { name: "Failed links".into(), values: hours }],
        stacked: false,
    }
}

fn response_time(store: &Store, inventory: &Inventory, request: &TrendRequest, split: Split) -> Trend {
    let bins = window_bins(store, request, TableKind::VMConnection);
    let max_col = store.table(TableKind::VMConnection).col(c::RESPONSE_TIME_MAX);
    // The larger of two maxima, NaN standing for none.
    let larger = |a: f64, b: f64| {
        if a.is_nan() {
            b
        } else if b.is_nan() {
            a
        } else {
            a.max(b)
        }
    };
    type Sums = (Vec<f64>, Vec<f64>, Vec<f64>);
    let init = || (zeros(&bins), zeros(&bins), vec![f64::NAN; bins.count]);
    let visit = |(sum, responses, max): &mut Sums, r: SelectedRow| {
        let Some(i) = bins.index(r.time) else { return };
        sum[i] += metric(store, c::RESPONSE_TIME_SUM, r.row);
        responses[i] += metric(store, c::RESPONSES, r.row);
        if let Some(m) = max_col.int(r.row) {
            max[i] = larger(max[i], m as f64);
        }
    };
    let merge = |(sum, responses, max): &mut Sums, later: Sums| {
        add_bins(sum, &later.0);
        add_bins(responses, &later.1);
        max.iter_mut().zip(later.2).for_each(|(a, b)| *a = larger(*a, b));
    };
    let (sum, responses, max) = fold_selected_rows(store, inventory, request, split, init, visit, merge);
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
