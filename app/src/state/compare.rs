//! Comparing two time windows and triaging failed connections in the app (issue 21), over
//! `vmi_core::compare`.
//!
//! Window B is always the map's window (choosing B sets the map's window); window A comes from
//! a preset or explicit times. While a comparison is on, the map is the union of both windows'
//! maps (`Diff.map`): the pipeline hands every map it builds to [`map_built`], which keeps it as
//! map B and returns the union to draw; turning the comparison off puts map B back without
//! building anything. The marks colour edges and nodes by change kind.
//!
//! Marks are shared with Move groups: whoever wrote them last owns them (`marks_version` right
//! after our last write tells). Starting a comparison takes them; another feature writing them
//! later takes them back, and the comparison stops colouring (the window offers to colour
//! again). Turning the comparison off clears the marks only when they are still ours.
//!
//! Triage follows the map's window: once asked for (the Failures window), it is recomputed with
//! every map, and the details of a selected edge show its verdicts.

use super::action::CompareAction;
use super::{AppState, Effect};
use vmi_core::compare::NodeRef;
use vmi_core::compare::{
    ChangeKind, Diff, EdgeDiff, Failure, FailurePattern, Fault, NodeDiff, Preset, Thresholds, Triage, Verdict, Window,
    diff_maps, triage, triage_with_map,
};
use vmi_core::graph::build::machine_label;
use vmi_core::graph::{DependencyMap, EdgeMetrics, NodeKey, build_map};
use vmi_core::model::Timestamp;
use vmi_core::render::scene::{Marks, Rgb};
use vmi_core::render::theme::format_bytes;

/// Edges and nodes only in window B.
pub const NEW_COLOR: Rgb = [0, 158, 115];
/// Edges and nodes only in window A.
pub const GONE_COLOR: Rgb = [148, 103, 189];
/// In both windows, and different beyond the thresholds.
pub const CHANGED_COLOR: Rgb = [230, 159, 0];

/// The colour of a change kind (`None`: unchanged, drawn faded).
pub fn kind_color(kind: ChangeKind) -> Option<Rgb> {
    match kind {
        ChangeKind::New => Some(NEW_COLOR),
        ChangeKind::Gone => Some(GONE_COLOR),
        ChangeKind::Changed => Some(CHANGED_COLOR),
        ChangeKind::Unchanged => None,
    }
}

/// Where window A comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WindowA {
    Preset(Preset),
    Explicit(Window),
}

/// A failure of the triage with its evidence in words (written once per triage).
#[derive(Clone, Debug)]
pub struct FailureRow {
    pub failure: Failure,
    /// "client → server:port".
    pub title: String,
    pub evidence: Vec<String>,
}

#[derive(Debug)]
pub struct CompareState {
    /// A comparison is shown on the map.
    pub on: bool,
    pub a_spec: WindowA,
    pub thresholds: Thresholds,
    /// The windows of the shown comparison.
    pub a: Option<Window>,
    pub b: Option<Window>,
    /// The comparison shown; its union map has moved to `AppState::map`.
    pub diff: Option<Diff>,
    /// The diff's changes by impact, as the list shows them.
    pub changes: Vec<ChangeRow>,
    /// The map of window B alone, put back when the comparison is turned off.
    map_b: Option<DependencyMap>,
    /// The map is coloured by change kind.
    pub colouring: bool,
    marks_written: Option<u64>,
    /// The triage of the map's window, once asked for.
    pub triage: Option<Vec<FailureRow>>,
    /// Why the last request was refused.
    pub message: Option<String>,
}

impl Default for CompareState {
    fn default() -> Self {
        CompareState {
            on: false,
            a_spec: WindowA::Preset(Preset::PreviousPeriod),
            thresholds: Thresholds::default(),
            a: None,
            b: None,
            diff: None,
            changes: Vec::new(),
            map_b: None,
            colouring: false,
            marks_written: None,
            triage: None,
            message: None,
        }
    }
}

impl CompareState {
    fn owns_marks(&self, marks_version: u64) -> bool {
        self.marks_written == Some(marks_version)
    }

    /// The failures of one edge of the map.
    pub fn failures_of<'a>(&'a self, source: &'a NodeKey, target: &'a NodeKey) -> impl Iterator<Item = &'a FailureRow> {
        self.triage
            .iter()
            .flatten()
            .filter(move |row| row.failure.source.key == *source && row.failure.target.key == *target)
    }
}

/// The map's window made closed: open sides end at the first and last records loaded.
pub fn map_window(state: &AppState) -> Option<Window> {
    let extent = state.data_extent;
    let from = state.request.from.or(extent.map(|e| e.0))?;
    // The last record is inside the window: it ends one minute after it.
    let to =
        state.request.to.or(extent.map(|e| Timestamp(e.1.0.saturating_add(vmi_core::model::time::TICKS_PER_MINUTE))))?;
    Some(Window { from, to })
}

pub(super) fn compare(state: &mut AppState, action: CompareAction, _effects: &mut Vec<Effect>) {
    match action {
        CompareAction::Start { a, b, min_ratio } => start(state, a, b, min_ratio),
        CompareAction::Stop => stop(state),
        CompareAction::SetColouring(on) => {
            if on {
                state.compare.colouring = true;
                state.compare.marks_written = None;
                write_marks(state);
            } else {
                clear_own_marks(state);
                state.compare.colouring = false;
            }
        }
        CompareAction::Triage => {
            compute_triage(state, None);
            state.invalidate_details();
        }
    }
}

fn start(state: &mut AppState, a: WindowA, b: Option<Window>, min_ratio: f64) {
    if !min_ratio.is_finite() || min_ratio < 1.0 {
        state.compare.message = Some(format!("The bytes ratio must be at least 1 (not {min_ratio})."));
        return;
    }
    if let Some(b) = b
        && b.to <= b.from
    {
        state.compare.message = Some("Window B must end after it starts.".into());
        return;
    }
    if let WindowA::Explicit(a) = a
        && a.to <= a.from
    {
        state.compare.message = Some("Window A must end after it starts.".into());
        return;
    }
    let compare = &mut state.compare;
    compare.message = None;
    compare.a_spec = a;
    compare.thresholds.bytes_ratio = min_ratio;
    compare.on = true;
    compare.colouring = true;
    compare.marks_written = None;
    let b_changed = b.is_some_and(|b| (Some(b.from), Some(b.to)) != (state.request.from, state.request.to));
    if let Some(b) = b.filter(|_| b_changed) {
        state.request.from = Some(b.from);
        state.request.to = Some(b.to);
        state.rebuild_map();
    } else {
        // The same window B: its map is already built (alone, or kept under a union).
        let map_b = state.compare.map_b.take().unwrap_or_else(|| std::mem::take(&mut state.map));
        state.set_map(map_b);
    }
}

fn stop(state: &mut AppState) {
    clear_own_marks(state);
    let compare = &mut state.compare;
    compare.on = false;
    compare.colouring = false;
    compare.diff = None;
    compare.changes.clear();
    compare.a = None;
    compare.b = None;
    if let Some(map_b) = compare.map_b.take() {
        state.set_map(map_b);
    }
}

fn clear_own_marks(state: &mut AppState) {
    if state.compare.owns_marks(state.marks_version) {
        state.marks = None;
        state.marks_version += 1;
    }
    state.compare.marks_written = None;
}

/// The pipeline built `map` for the map's window: triage follows it, and while comparing it
/// becomes map B and the union of both windows is returned to draw.
pub(super) fn map_built(state: &mut AppState, map: DependencyMap) -> DependencyMap {
    if state.compare.triage.is_some() {
        compute_triage(state, Some(&map));
    }
    if !state.compare.on {
        state.compare.map_b = None;
        return map;
    }
    let Some(b) = map_window(state) else {
        clear_own_marks(state);
        let compare = &mut state.compare;
        compare.message = Some("Nothing loaded to compare.".into());
        compare.on = false;
        compare.colouring = false;
        compare.diff = None;
        compare.changes.clear();
        compare.map_b = None;
        return map;
    };
    let a = match state.compare.a_spec {
        WindowA::Preset(preset) => preset.window_a(b),
        WindowA::Explicit(a) => a,
    };
    let map_a = build_map(&state.store, &state.inventory, &a.request(&state.request.focus));
    let mut diff = diff_maps(&state.store, &state.inventory, &map_a, &map, &state.compare.thresholds);
    // The union becomes the state's map (not copied: `diff.map` is left empty).
    let union = std::mem::take(&mut diff.map);
    let changes = change_rows(state, &diff);
    let compare = &mut state.compare;
    compare.changes = changes;
    compare.a = Some(a);
    compare.b = Some(b);
    compare.diff = Some(diff);
    compare.map_b = Some(map);
    union
}

/// The view was rebuilt: the marks follow its nodes while the comparison colours the map.
pub(super) fn view_changed(state: &mut AppState) {
    if !state.compare.on || !state.compare.colouring {
        return;
    }
    if state.compare.marks_written.is_none() || state.compare.owns_marks(state.marks_version) {
        write_marks(state);
    } else {
        // Another feature laid its colours over the map since: it has the map now.
        state.compare.colouring = false;
        state.compare.marks_written = None;
    }
}

fn write_marks(state: &mut AppState) {
    let Some(marks) = marks(state) else { return };
    state.marks = Some(marks);
    state.marks_version += 1;
    state.compare.marks_written = Some(state.marks_version);
}

/// The comparison's colours over the current view: new, gone and changed edges and nodes in
/// their colours, unchanged ones faded. A view edge merging several map edges (collapsed
/// machines) is new or gone when all of them are, unchanged when all are, else changed.
pub fn marks(state: &AppState) -> Option<Marks> {
    let diff = state.compare.diff.as_ref().filter(|_| state.compare.on)?;
    let graph = &state.map.graph;
    let mut marks = Marks { fade_unmarked: true, ..Marks::default() };
    for edge in &state.view.edges {
        let kinds: Vec<ChangeKind> = edge
            .map_edges
            .iter()
            .filter_map(|&e| graph.edge_endpoints(e))
            .filter_map(|(s, t)| diff.edge(&graph[s].key, &graph[t].key))
            .map(|e| e.kind)
            .collect();
        let Some(&first) = kinds.first() else { continue };
        let kind = if kinds.iter().all(|&k| k == first) { first } else { ChangeKind::Changed };
        let (Some(source), Some(target)) = (state.view.nodes.get(edge.source), state.view.nodes.get(edge.target))
        else {
            continue;
        };
        if let Some(color) = kind_color(kind) {
            marks.edges.insert((source.key, target.key), color);
        }
    }
    for node in &state.view.nodes {
        let Some(key) = node.map_node.and_then(|i| graph.node_weight(i)).map(|n| n.key) else { continue };
        if let Some(color) = diff.node(&key).and_then(|n| kind_color(n.kind)) {
            marks.nodes.insert(node.key, color);
        }
    }
    let counts = diff.edge_counts();
    for kind in ChangeKind::ALL {
        let n = counts.get(&kind).copied().unwrap_or(0);
        let edges = if n == 1 { "edge" } else { "edges" };
        let color = kind_color(kind).unwrap_or(vmi_core::render::scene::edge_color(state.theme));
        let faded = if kind == ChangeKind::Unchanged { ", faded" } else { "" };
        marks.legend.push((format!("{} ({n} {edges}{faded})", kind.label()), color));
    }
    Some(marks)
}

/// Triages the map's window (with `map`, the window's map, when it has no focus).
fn compute_triage(state: &mut AppState, map: Option<&DependencyMap>) {
    let own_map = if state.compare.on { state.compare.map_b.as_ref() } else { Some(&state.map) };
    let map = map.or(own_map).filter(|_| state.request.focus.is_empty());
    let result: Triage = match map {
        Some(map) => triage_with_map(&state.store, &state.inventory, map, &state.request),
        None => triage(&state.store, &state.inventory, &state.request),
    };
    let rows = result.failures.into_iter().map(|f| failure_row(state, f)).collect();
    state.compare.triage = Some(rows);
}

fn failure_row(state: &AppState, failure: Failure) -> FailureRow {
    let title = edge_title(state, &failure.source, &failure.target, Some(failure.port));
    FailureRow { evidence: evidence(&failure), title, failure }
}

/// A node as lists name it: a process or port with its machine ("web-01/nginx"), since many
/// machines run a process of the same name.
pub fn node_name(state: &AppState, node: &NodeRef) -> String {
    match (node.key, node.key.machine()) {
        (NodeKey::Machine { .. } | NodeKey::External { .. }, _) | (_, None) => node.label.clone(),
        (_, Some(machine)) => format!("{}/{}", machine_label(&state.store, &state.inventory, machine), node.label),
    }
}

/// "client → server:port" (the port left out when the server's name carries it).
pub fn edge_title(state: &AppState, source: &NodeRef, target: &NodeRef, port: Option<i64>) -> String {
    let port = port.filter(|_| target.port.is_none()).map(|p| format!(":{p}")).unwrap_or_default();
    format!("{} → {}{port}", node_name(state, source), node_name(state, target))
}

/// One row of the changes list, written when the comparison is computed.
#[derive(Clone, Debug)]
pub struct ChangeRow {
    pub source: NodeKey,
    pub target: NodeKey,
    pub kind: ChangeKind,
    pub text: String,
}

fn change_rows(state: &AppState, diff: &Diff) -> Vec<ChangeRow> {
    let bytes = |m: &Option<EdgeMetrics>| m.as_ref().map_or("—".to_string(), |m| format_bytes(m.total_bytes() as f64));
    diff.changes()
        .map(|edge| {
            let aspects: Vec<&str> = edge.aspects.iter().map(|a| a.label()).collect();
            let text = format!(
                "{}  {}{}  ({} → {})",
                edge_title(state, &edge.source, &edge.target, edge.port),
                edge.kind.label(),
                if aspects.is_empty() { String::new() } else { format!(": {}", aspects.join(", ")) },
                bytes(&edge.a),
                bytes(&edge.b),
            );
            ChangeRow { source: edge.source.key, target: edge.target.key, kind: edge.kind, text }
        })
        .collect()
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn minute_text(t: Timestamp) -> String {
    t.to_string()
}

/// How a failure's records explain it, one sentence a line.
pub fn evidence(f: &Failure) -> Vec<String> {
    let mut lines = Vec::new();
    lines.push(match &f.verdict {
        Verdict::NothingListening { machine, addresses, last_bound_before_window } => {
            let mut text = format!(
                "Nothing listening: no VMBoundPort record shows port {} bound on {machine} at {} or on every interface in the window",
                f.port,
                if addresses.is_empty() { "the address used".to_string() } else { addresses.join(", ") }
            );
            if let Some(t) = last_bound_before_window {
                text.push_str(&format!(" (last seen bound {})", minute_text(*t)));
            }
            text.push_str(": the service is down or the client is misconfigured.");
            text
        }
        Verdict::ListeningButFailing { listeners, failed_minutes_after_last_bound } => {
            let who: Vec<String> = listeners
                .iter()
                .map(|l| {
                    let on = if l.wildcard { "every interface".to_string() } else { l.ip.clone() };
                    format!(
                        "{} on {on} ({} from {} to {})",
                        l.process,
                        plural(l.records, "record", "records"),
                        minute_text(l.first_seen),
                        minute_text(l.last_seen)
                    )
                })
                .collect();
            let mut text = format!(
                "Listening but failing: {} listens on port {}: overload, a firewall or timeouts.",
                who.join("; "),
                f.port
            );
            if *failed_minutes_after_last_bound > 0 {
                text.push_str(&format!(
                    " {} failed after the last record showing the port bound.",
                    plural(*failed_minutes_after_last_bound, "minute", "minutes")
                ));
            }
            text
        }
        Verdict::DestinationNotMonitored { ip, dns_names } => {
            let names = if dns_names.is_empty() { "no DNS name".to_string() } else { dns_names.join(", ") };
            format!("Destination not monitored: {ip} ({names}); these records cannot tell why it fails.")
        }
        Verdict::MaliciousRemote { indicator } => format!(
            "Malicious remote: {} is flagged ({}, {}, confidence {}).",
            indicator.ip, indicator.threat_type, indicator.description, indicator.confidence
        ),
    });
    lines.push(format!(
        "{} failed links; first failed minute {}, last {}.",
        f.links_failed,
        minute_text(f.first_failed),
        minute_text(f.last_failed)
    ));
    lines.push(pattern_text(&f.pattern));
    if let Some(boot) = f.destination_reboot {
        lines.push(format!("The destination machine booted at {} (around the failures).", minute_text(boot)));
    }
    if let Some(silence) = &f.agent_silence {
        let since = silence.last_record_before.map(minute_text).unwrap_or_else(|| "the window's start".into());
        let until = silence.next_record_after.map(minute_text).unwrap_or_else(|| "the window's end".into());
        lines.push(format!(
            "The destination's agent wrote nothing for {} minutes (from {since} to {until}) during the failures.",
            silence.silent_minutes
        ));
    }
    let others = f.other_clients.len();
    let failing = f.other_clients.iter().filter(|c| c.links_failed > 0).count();
    lines.push(match f.fault {
        Fault::OnlyClient => "No other client used this port in the window.".to_string(),
        Fault::ServerSide => format!(
            "All {} of this port fail too: the server side is at fault.",
            plural(others, "other client", "other clients")
        ),
        Fault::ClientSide => format!(
            "None of the {} of this port fail: look at this client.",
            plural(others, "other client", "other clients")
        ),
        Fault::Partial => {
            format!("{failing} of the {} of this port fail too.", plural(others, "other client", "other clients"))
        }
    });
    lines
}

fn pattern_text(p: &FailurePattern) -> String {
    let share = p.failed_share * 100.0;
    let spread = if p.bursty {
        format!("in {} (longest {} minutes)", plural(p.runs, "burst", "bursts"), p.longest_run_minutes)
    } else if p.failed_minutes == p.active_minutes {
        "in every active minute".to_string()
    } else {
        format!("scattered over {}", plural(p.runs, "run", "runs"))
    };
    format!("Failed in {} of {} active minutes ({share:.0} %), {spread}.", p.failed_minutes, p.active_minutes)
}

/// One line of A and B side by side.
#[derive(Clone, Debug, PartialEq)]
pub struct SideBySide {
    pub name: &'static str,
    pub a: String,
    pub b: String,
    pub delta: String,
}

/// The comparison part of the details of an edge or node.
#[derive(Clone, Debug, PartialEq)]
pub struct ComparisonPart {
    pub kind: ChangeKind,
    /// The aspects that changed, in words.
    pub aspects: Vec<&'static str>,
    /// "A: from – to", "B: from – to".
    pub windows: (String, String),
    pub rows: Vec<SideBySide>,
}

fn window_text(w: Option<Window>) -> String {
    w.map(|w| format!("{} – {}", w.from, w.to)).unwrap_or_default()
}

fn int_row(name: &'static str, a: Option<i64>, b: Option<i64>, show: impl Fn(i64) -> String) -> SideBySide {
    let delta = match (a, b) {
        (Some(x), Some(y)) => {
            let d = y.saturating_sub(x);
            let sign = if d > 0 {
                "+"
            } else if d < 0 {
                "−"
            } else {
                ""
            };
            format!("{sign}{}", show(d.saturating_abs()))
        }
        _ => String::new(),
    };
    SideBySide {
        name,
        a: a.map(&show).unwrap_or_else(|| "—".into()),
        b: b.map(&show).unwrap_or_else(|| "—".into()),
        delta,
    }
}

fn bytes(v: i64) -> String {
    format_bytes(v as f64)
}

/// An edge's A and B metrics side by side, while a comparison is on.
pub fn edge_part(state: &AppState, source: &NodeKey, target: &NodeKey) -> Option<ComparisonPart> {
    let diff = state.compare.diff.as_ref().filter(|_| state.compare.on)?;
    let edge: &EdgeDiff = diff.edge(source, target)?;
    let (a, b) = (edge.a.as_ref(), edge.b.as_ref());
    let get = |m: Option<&EdgeMetrics>, f: fn(&EdgeMetrics) -> i64| m.map(f);
    let ms = |v: Option<f64>| v.map(|v| format!("{v:.1} ms")).unwrap_or_else(|| "—".into());
    let (ra, rb) = (a.and_then(EdgeMetrics::response_time_avg_ms), b.and_then(EdgeMetrics::response_time_avg_ms));
    let rdelta = match (ra, rb) {
        (Some(x), Some(y)) => format!("{:+.1} ms", y - x),
        _ => String::new(),
    };
    let mut rows = vec![
        int_row("Bytes (sent + received)", get(a, EdgeMetrics::total_bytes), get(b, EdgeMetrics::total_bytes), bytes),
        int_row("Bytes sent", get(a, |m| m.bytes_sent), get(b, |m| m.bytes_sent), bytes),
        int_row("Bytes received", get(a, |m| m.bytes_received), get(b, |m| m.bytes_received), bytes),
        int_row("Links established", get(a, |m| m.links_established), get(b, |m| m.links_established), |v| {
            v.to_string()
        }),
        int_row("Links failed", get(a, |m| m.links_failed), get(b, |m| m.links_failed), |v| v.to_string()),
        int_row("Failed minutes", get(a, |m| m.failed_minutes as i64), get(b, |m| m.failed_minutes as i64), |v| {
            v.to_string()
        }),
        SideBySide { name: "Response time avg", a: ms(ra), b: ms(rb), delta: rdelta },
        int_row("Records", get(a, |m| m.rows as i64), get(b, |m| m.rows as i64), |v| v.to_string()),
    ];
    if let Some(ratio) = edge.bytes_ratio {
        rows.push(SideBySide {
            name: "Bytes B / A",
            a: String::new(),
            b: String::new(),
            delta: format!("× {ratio:.2}"),
        });
    }
    Some(ComparisonPart {
        kind: edge.kind,
        aspects: edge.aspects.iter().map(|a| a.label()).collect(),
        windows: (window_text(state.compare.a), window_text(state.compare.b)),
        rows,
    })
}

/// A node's traffic in A and B side by side, while a comparison is on.
pub fn node_part(state: &AppState, key: &NodeKey) -> Option<ComparisonPart> {
    let diff = state.compare.diff.as_ref().filter(|_| state.compare.on)?;
    let node: &NodeDiff = diff.node(key)?;
    let (a, b) = (node.a, node.b);
    Some(ComparisonPart {
        kind: node.kind,
        aspects: Vec::new(),
        windows: (window_text(state.compare.a), window_text(state.compare.b)),
        rows: vec![
            int_row("Edges", a.map(|n| n.edges as i64), b.map(|n| n.edges as i64), |v| v.to_string()),
            int_row("Bytes", a.map(|n| n.bytes), b.map(|n| n.bytes), bytes),
            int_row("Links failed", a.map(|n| n.links_failed), b.map(|n| n.links_failed), |v| v.to_string()),
        ],
    })
}
