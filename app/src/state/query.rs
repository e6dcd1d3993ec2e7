//! The query console's state: the query running on its job, the last answer, the history,
//! and the map nodes a result names ("show on map").

use super::{AppState, Effect};
use crate::state::action::QueryAction;
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use vmi_core::graph::NodeKey;
use vmi_core::kql::{QueryError, QueryOptions, QueryOutput, ResultTable};
use vmi_core::model::Timestamp;

/// Queries kept in the history, newest first.
const HISTORY: usize = 100;
/// Cells a query may hold at once before it stops with a clear error (about 2 GB at most).
pub const MAX_CELLS: usize = 100_000_000;

/// A query on its job.
#[derive(Debug)]
pub struct Running {
    pub id: u64,
    pub started: Instant,
    cancel: Arc<AtomicBool>,
    /// The query as written and where its parameters went, so an error in the query as run
    /// is shown under the text the user wrote.
    written: String,
    substituted: vmi_core::kql::params::Substituted,
}

/// The last query's answer.
#[derive(Debug)]
pub struct Answer {
    /// The query as the user wrote it (error spans point into it).
    pub text: String,
    pub result: Result<Arc<QueryOutput>, QueryError>,
    pub elapsed: Duration,
    /// Bumped per answer, so views of it (sorted orders, charts) know it changed.
    pub id: u64,
}

#[derive(Debug, Default)]
pub struct QueryState {
    pub running: Option<Running>,
    pub answer: Option<Answer>,
    /// Queries run, newest first, each once.
    pub history: Vec<String>,
    /// `now()` is the wall clock instead of the latest record loaded.
    pub wall_clock: bool,
    /// Nodes the last "show on map" found.
    pub highlighted: Vec<NodeKey>,
    next_id: u64,
}

impl QueryState {
    /// `now()` for queries: the latest `TimeGenerated` loaded (records are in the past), or
    /// the wall clock when the user chose it.
    pub fn now(&self, state: &AppState) -> Option<i64> {
        if self.wall_clock { Some(vmi_core::kql::wall_clock()) } else { state.latest_record }
    }
}

pub(super) fn query(state: &mut AppState, action: QueryAction, effects: &mut Vec<Effect>) {
    match action {
        QueryAction::Run { text, params } => run(state, text, &params, effects),
        QueryAction::Cancel => {
            if let Some(running) = &state.query.running {
                running.cancel.store(true, Ordering::Relaxed);
            }
        }
        QueryAction::Finished { id, result, elapsed } => {
            if let Some(running) = state.query.running.take_if(|r| r.id == id) {
                let result = result.map(Arc::new).map_err(|mut error| {
                    error.span = running.substituted.original_span(error.span);
                    error
                });
                state.query.answer = Some(Answer { text: running.written, result, elapsed, id });
            }
        }
        QueryAction::ShowOnMap => {
            let table = state.query.answer.as_ref().and_then(|a| a.result.as_ref().ok()).and_then(|o| o.tables.last());
            state.query.highlighted = table.map(|t| nodes_named_by(state, t, 0..t.rows())).unwrap_or_default();
        }
        QueryAction::ClearHighlight => state.query.highlighted.clear(),
        QueryAction::SetWallClock(on) => state.query.wall_clock = on,
    }
}

fn run(state: &mut AppState, text: String, params: &BTreeMap<String, String>, effects: &mut Vec<Effect>) {
    if let Some(running) = state.query.running.take() {
        running.cancel.store(true, Ordering::Relaxed);
    }
    let history = &mut state.query.history;
    history.retain(|q| q != &text);
    history.insert(0, text.clone());
    history.truncate(HISTORY);
    state.query.next_id += 1;
    let id = state.query.next_id;
    // `{TimeRange}` is the map's window (or everything loaded).
    let window = state
        .request
        .from
        .or(state.data_extent.map(|e| e.0))
        .zip(state.request.to.or(state.data_extent.map(|e| Timestamp(e.1.0 + 1))));
    let substituted = vmi_core::kql::params::substitute_mapped(&text, params, window.map(|(a, b)| (a.0, b.0)));
    let substituted = match substituted {
        Ok(substituted) => substituted,
        Err(error) => {
            state.query.answer = Some(Answer { text, result: Err(error), elapsed: Duration::ZERO, id });
            return;
        }
    };
    let cancel = Arc::new(AtomicBool::new(false));
    let options = QueryOptions { now: state.query.now(state), cancel: Some(cancel.clone()), max_cells: MAX_CELLS };
    let query = substituted.text.clone();
    state.query.running = Some(Running { id, started: Instant::now(), cancel, written: text, substituted });
    effects.push(Effect::RunQuery { id, store: state.store.clone(), text: query, options });
}

/// The map nodes some rows of a result name: machines (by id, resource name or computer
/// name), processes (with their machine), IP addresses and machines' ports.
pub fn nodes_named_by(state: &AppState, table: &ResultTable, rows: std::ops::Range<usize>) -> Vec<NodeKey> {
    let store = &state.store;
    let column = |names: &[&str]| {
        names.iter().find_map(|name| table.columns.iter().position(|c| c.name.eq_ignore_ascii_case(name)))
    };
    let machine_col = column(&["Machine", "AzureResourceName", "MonitoredMachine", "RemoteMachine"]);
    let computer_col = column(&["Computer"]);
    let process_col = column(&["Process"]);
    let port_col = column(&["Port", "DestinationPort", "RemotePort"]);
    let ip_cols: Vec<usize> = ["RemoteIp", "SourceIp", "DestinationIp", "Ip", "Ips", "IpAddress"]
        .iter()
        .filter_map(|name| column(&[name]))
        .collect();
    // Computer names (any case, with or without the domain) to machine ids.
    let mut by_computer: FxHashMap<String, vmi_core::store::Sym> = FxHashMap::default();
    for (&machine, &name) in &state.inventory.computer_names {
        let name = store.str(name).to_ascii_lowercase();
        by_computer.insert(name.split('.').next().unwrap_or(&name).to_string(), machine);
        by_computer.insert(name, machine);
    }
    // Addresses to the nodes holding them.
    let mut by_ip: FxHashMap<&str, Vec<NodeKey>> = FxHashMap::default();
    for index in state.map.graph.node_indices() {
        let node = &state.map.graph[index];
        for &ip in &node.ips {
            by_ip.entry(store.str(ip)).or_default().push(node.key);
        }
    }
    let mut found: FxHashSet<NodeKey> = FxHashSet::default();
    let on_map = |key: NodeKey| state.map.index.contains_key(&key).then_some(key);
    for row in rows {
        let text = |c: usize| table.display(row, c);
        let machine = machine_col
            .and_then(|c| store.interner.lookup(&text(c)))
            .or_else(|| computer_col.and_then(|c| by_computer.get(&text(c).to_ascii_lowercase()).copied()));
        if let Some(machine) = machine {
            found.extend(on_map(NodeKey::Machine { machine }));
            if let Some(process) = process_col.and_then(|c| store.interner.lookup(&text(c))) {
                found.extend(on_map(NodeKey::Process { machine, process }));
            }
            if let Some(port) = port_col.and_then(|c| text(c).parse::<i64>().ok()) {
                found.extend(on_map(NodeKey::MachinePort { machine, port }));
                for listener in state.inventory.listeners.get(&(machine, port)).into_iter().flatten() {
                    found.extend(on_map(NodeKey::Process { machine, process: listener.process }));
                }
            }
        }
        for &c in &ip_cols {
            for ip in vmi_core::graph::inventory::json_strings(&text(c)) {
                found.extend(by_ip.get(ip.as_str()).into_iter().flatten().copied());
            }
            found.extend(by_ip.get(text(c).as_str()).into_iter().flatten().copied());
        }
    }
    let mut keys: Vec<NodeKey> = found.into_iter().collect();
    keys.sort();
    keys
}

/// The last result as a file: JSON for `.json`, CSV otherwise.
pub(super) fn result_file(state: &AppState, path: &std::path::Path) -> Result<Vec<u8>, String> {
    let output = last_output(state)?;
    let table = output.tables.last().ok_or("the query returned no table")?;
    let json = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json"));
    let text = if json { vmi_core::kql::format::to_json(table) } else { vmi_core::kql::format::to_csv(table) };
    Ok(text.into_bytes())
}

/// The last result's chart as a picture: SVG for `.svg`, PNG otherwise.
pub(super) fn chart_file(state: &AppState, path: &std::path::Path) -> Result<Vec<u8>, String> {
    let output = last_output(state)?;
    let chart = chart_of(&output, state.theme, 1600, 800)?;
    vmi_core::render::query_chart::render_for_path(&chart, path).map_err(|e| format!("cannot draw the chart: {e}"))
}

fn last_output(state: &AppState) -> Result<Arc<QueryOutput>, String> {
    match state.query.answer.as_ref().map(|a| &a.result) {
        Some(Ok(output)) => Ok(output.clone()),
        _ => Err("no query result to save".to_string()),
    }
}

/// The chart a result's `render` asked for, at a size; `Err` says why there is none.
pub fn chart_of(
    output: &QueryOutput,
    theme: vmi_core::render::Theme,
    width: u32,
    height: u32,
) -> Result<vmi_core::render::query_chart::QueryChart, String> {
    let request = output.chart.as_ref().ok_or("the query has no chart (end it with `| render timechart`)")?;
    let table = output.tables.last().ok_or("the query returned no table")?;
    let mut chart = vmi_core::kql::chart::chart_from_result(table, request)?;
    chart.theme = theme;
    chart.width = width;
    chart.height = height;
    Ok(chart)
}
