//! Comparing windows and triaging failures in the app: the state driven by actions on a
//! hand-built estate (a new and a gone dependency) and on the bundled sample (the planted
//! firewall incident), and the windows driven with egui_kittest (`UPDATE_SNAPSHOTS=1`
//! refreshes the snapshot).

use crate::support::send;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use std::sync::Arc;
use vmi_core::compare::{ChangeKind, Preset, Window as TimeWindow};
use vmi_core::graph::NodeKey;
use vmi_core::model::Timestamp;
use vmi_core::render::Theme;
use vmi_fixtures::{EstateSpec, Incident, IncidentKind, generate};
use vmi_map::VmiApp;
use vmi_map::state::compare::{GONE_COLOR, NEW_COLOR, WindowA};
use vmi_map::state::queries::Details;
use vmi_map::state::{
    Action, AppState, CameraAction, CompareAction, FileAction, MapAction, Selected, UiAction, Window,
};

const COMPUTERS: &str = "\
\"TimeGenerated [UTC]\",Computer,Machine,HostName,Ipv4Addresses,BootTime
\"2026-10-05T08:00:00Z\",web01.contoso.com,m-web,web01,\"[\"\"10.0.0.10\"\"]\",2026-10-01T00:00:00Z
\"2026-10-05T08:00:00Z\",app01.contoso.com,m-app,app01,\"[\"\"10.0.0.20\"\"]\",2026-10-01T00:00:00Z
\"2026-10-05T08:00:00Z\",db01.contoso.com,m-db,db01,\"[\"\"10.0.0.30\"\"]\",2026-10-01T00:00:00Z
";

const PROCESSES: &str = "\
\"TimeGenerated [UTC]\",Machine,Process,ExecutableName,DisplayName
\"2026-10-05T08:00:00Z\",m-web,p-nginx,nginx,nginx
\"2026-10-05T08:00:00Z\",m-app,p-java,java,Orders API
\"2026-10-05T08:00:00Z\",m-db,p-pg,postgres,postgres
";

/// The Orders API listens on 10.0.0.20:8443, postgres on 10.0.0.30:5432, seen in both windows.
const PORTS: &str = "\
\"TimeGenerated [UTC]\",Machine,Process,ProcessName,Ip,Port,Protocol,IsWildcardBind
\"2026-10-05T08:00:00Z\",m-app,p-java,java,10.0.0.20,8443,tcp,false
\"2026-10-05T08:00:00Z\",m-db,p-pg,postgres,10.0.0.30,5432,tcp,false
\"2026-10-05T08:10:00Z\",m-app,p-java,java,10.0.0.20,8443,tcp,false
\"2026-10-05T08:10:00Z\",m-db,p-pg,postgres,10.0.0.30,5432,tcp,false
";

const CONNECTION_HEADER: &str = "\"TimeGenerated [UTC]\",Machine,Process,ProcessName,Direction,SourceIp,DestinationIp,DestinationPort,RemoteIp,BytesSent,BytesReceived,LinksEstablished,LinksTerminated,LinksFailed,LinksLive,Responses,ResponseTimeSum,ResponseTimeMin,ResponseTimeMax\n";

/// An outbound row at 08:`minute` of (machine, process) at `local` to `remote:port`.
fn row(minute: u32, (machine, process): (&str, &str), local: &str, remote: &str, port: u16) -> String {
    format!(
        "\"2026-10-05T08:{minute:02}:00Z\",{machine},{process},{process},outbound,{local},{remote},{port},{remote},100,1000,1,1,0,0,1,10,10,10\n"
    )
}

const NGINX: (&str, &str) = ("m-web", "p-nginx");
const JAVA: (&str, &str) = ("m-app", "p-java");

/// nginx -> Orders API in both windows (08:00-08:10 and 08:10-08:20), Orders API -> postgres
/// only in A (gone in B), nginx -> postgres only in B (new in B).
fn estate_files() -> Vec<(String, String)> {
    let rows = [
        row(2, NGINX, "10.0.0.10", "10.0.0.20", 8443),
        row(12, NGINX, "10.0.0.10", "10.0.0.20", 8443),
        row(3, JAVA, "10.0.0.20", "10.0.0.30", 5432),
        row(13, NGINX, "10.0.0.10", "10.0.0.30", 5432),
    ];
    vec![
        ("VMComputer.csv".into(), COMPUTERS.into()),
        ("VMProcess.csv".into(), PROCESSES.into()),
        ("VMBoundPort.csv".into(), PORTS.into()),
        ("VMConnection.csv".into(), format!("{CONNECTION_HEADER}{}", rows.concat())),
    ]
}

fn open_bytes(files: Vec<(String, String)>) -> Vec<Action> {
    files
        .into_iter()
        .map(|(name, text)| FileAction::OpenBytes { name, bytes: Arc::new(text.into_bytes()) }.into())
        .collect()
}

fn t(text: &str) -> Timestamp {
    Timestamp::parse(text).unwrap()
}

fn window_b() -> TimeWindow {
    TimeWindow { from: t("2026-10-05T08:10:00Z"), to: t("2026-10-05T08:20:00Z") }
}

fn process(state: &AppState, machine: &str, process: &str) -> NodeKey {
    let lookup = |s: &str| state.store.interner.lookup(s).unwrap();
    NodeKey::Process { machine: lookup(machine), process: lookup(process) }
}

fn loaded(files: Vec<(String, String)>) -> AppState {
    let mut state = AppState::default();
    state.always_sync_layout = true;
    send(&mut state, CameraAction::CanvasMoved([0.0, 0.0, 1000.0, 700.0]));
    for action in open_bytes(files) {
        send(&mut state, action);
    }
    state
}

/// The view key of a map node drawn as itself.
fn view_key(state: &AppState, key: &NodeKey) -> u64 {
    state.view.nodes[state.view_index_of(key).unwrap()].key
}

#[test]
fn comparing_shows_the_union_marked_by_change_and_stopping_restores_the_map() {
    let mut state = loaded(estate_files());
    send(&mut state, MapAction::ExpandAll(true));
    let before_edges = state.map.edge_count();
    assert_eq!(state.map.edge_count(), 3, "the whole data: all three dependencies");
    send(
        &mut state,
        CompareAction::Start { a: WindowA::Preset(Preset::PreviousPeriod), b: Some(window_b()), min_ratio: 2.0 },
    );
    assert_eq!((state.request.from, state.request.to), (Some(window_b().from), Some(window_b().to)));
    let compare = &state.compare;
    assert!(compare.on);
    assert_eq!(compare.a, Some(TimeWindow { from: t("2026-10-05T08:00:00Z"), to: t("2026-10-05T08:10:00Z") }));
    let (nginx, java, pg) =
        (process(&state, "m-web", "p-nginx"), process(&state, "m-app", "p-java"), process(&state, "m-db", "p-pg"));
    let diff = compare.diff.as_ref().unwrap();
    assert_eq!(diff.edge(&java, &pg).unwrap().kind, ChangeKind::Gone);
    assert_eq!(diff.edge(&nginx, &pg).unwrap().kind, ChangeKind::New);
    assert_eq!(diff.edge(&nginx, &java).unwrap().kind, ChangeKind::Unchanged);
    // The map drawn is the union: the gone edge is on it though window B lacks it.
    assert_eq!(state.map.edge_count(), 3);
    assert!(state.map.node(&java).is_some() && state.map.node(&pg).is_some());
    let marks = state.marks.clone().expect("the comparison colours the map");
    let (n, j, p) = (view_key(&state, &nginx), view_key(&state, &java), view_key(&state, &pg));
    assert_eq!(marks.edges.get(&(n, p)), Some(&NEW_COLOR), "new in B");
    assert_eq!(marks.edges.get(&(j, p)), Some(&GONE_COLOR), "gone in B");
    assert_eq!(marks.edges.get(&(n, j)), None, "unchanged: faded");
    assert!(marks.fade_unmarked);
    let legend: Vec<&str> = marks.legend.iter().map(|(label, _)| label.as_str()).collect();
    assert_eq!(legend, ["New in B (1 edge)", "Gone in B (1 edge)", "Changed (0 edges)", "Unchanged (1 edge, faded)"]);
    // The changes list: the gone dependency before the new one (impact order).
    let changes: Vec<(ChangeKind, NodeKey, NodeKey)> =
        diff.changes().map(|e| (e.kind, e.source.key, e.target.key)).collect();
    assert_eq!(changes, vec![(ChangeKind::Gone, java, pg), (ChangeKind::New, nginx, pg)]);

    // The details of the gone edge show A and B side by side.
    send(&mut state, MapAction::Select(Some(Selected::Edge { source: java, target: pg })));
    let Details::Edge(edge) = &state.details else { panic!("edge details, got {:?}", state.details) };
    let part = edge.comparison.as_ref().expect("a comparison part while comparing");
    assert_eq!(part.kind, ChangeKind::Gone);
    let bytes = part.rows.iter().find(|r| r.name == "Bytes (sent + received)").unwrap();
    assert_eq!((bytes.a.as_str(), bytes.b.as_str()), ("1.07 KB", "—"), "{bytes:?}");

    // The gone edge's trend: window A's bytes drawn over B's, aligned on their starts.
    let trend = state.chart_trend(vmi_core::trends::TrendKind::Bytes);
    let total = |prefix: &str| -> f64 {
        trend
            .series
            .iter()
            .filter(|s| s.name.starts_with(prefix))
            .flat_map(|s| s.values.iter())
            .filter(|v| v.is_finite())
            .sum()
    };
    assert_eq!(total("A · "), 1100.0, "the gone dependency's bytes in window A: {:?}", trend.series);
    assert_eq!(total("B · "), 0.0, "and none in B");
    assert!(state.chart_title(vmi_core::trends::TrendKind::Bytes).ends_with("A from 2026-10-05 08:00 aligned on B"));

    // Turning it off: window B's map alone, no marks, no comparison in the details.
    send(&mut state, CompareAction::Stop);
    assert!(!state.compare.on && state.marks.is_none());
    assert_eq!(state.map.edge_count(), 2, "window B alone: the gone edge is off the map");
    assert!(state.map.edge_count() < before_edges);
    assert!(matches!(&state.details, Details::Missing), "the gone edge is not in window B");
    send(&mut state, MapAction::Select(Some(Selected::Edge { source: nginx, target: pg })));
    let Details::Edge(edge) = &state.details else { panic!("edge details") };
    assert!(edge.comparison.is_none());
}

#[test]
fn marks_belong_to_whoever_wrote_them_last_and_stopping_clears_only_the_comparisons() {
    let mut state = loaded(estate_files());
    let start =
        CompareAction::Start { a: WindowA::Preset(Preset::PreviousPeriod), b: Some(window_b()), min_ratio: 2.0 };
    send(&mut state, start.clone());
    assert!(state.compare.colouring);
    // Move groups colours the map: it takes the marks, and the comparison lets go of them at
    // the next view change.
    send(&mut state, UiAction::ShowWindow(Window::Groups, true));
    send(&mut state, vmi_map::state::GroupsAction::Compute(vmi_core::groups::GroupingOptions::default()));
    let groups_marks = state.marks.clone().expect("groups colour the map");
    assert!(groups_marks.legend.iter().all(|(label, _)| !label.starts_with("New in B")));
    send(&mut state, MapAction::ExpandAll(true));
    assert!(!state.compare.colouring, "the comparison gave the map up");
    assert!(state.groups.colouring, "the groups keep it");
    // Stopping the comparison leaves the groups' colours alone.
    send(&mut state, CompareAction::Stop);
    let marks = state.marks.clone().expect("the groups' colours stay");
    assert!(marks.legend.iter().any(|(label, _)| label.starts_with("Cut")), "{:?}", marks.legend);
    // Comparing again takes the map back; the groups stop colouring at the next view change.
    send(&mut state, start);
    assert!(state.marks.as_ref().unwrap().legend.iter().any(|(label, _)| label.starts_with("New in B")));
    send(&mut state, MapAction::ExpandAll(false));
    assert!(!state.groups.colouring && state.compare.colouring);
    assert!(state.marks.as_ref().unwrap().legend.iter().any(|(label, _)| label.starts_with("New in B")));
}

/// The bundled sample's estate, generated as `app/build.rs` does, for where its incident is.
fn sample_server() -> (String, String, i64) {
    let incidents = vec![Incident { kind: IncidentKind::FirewallDrop, minute: 240 }];
    let estate =
        generate(EstateSpec { machines: 30, hours: 6, seed: 1, density: 0.1, incidents, ..EstateSpec::default() });
    let planted = estate.planted.iter().find(|p| p.kind == IncidentKind::FirewallDrop).unwrap();
    (
        estate.machines[planted.server_machine].id.clone(),
        estate.processes[planted.server_process].id.clone(),
        i64::from(planted.port),
    )
}

fn sample_files() -> Vec<(String, String)> {
    vmi_map::sample::SAMPLE_FILES
        .iter()
        .map(|(name, bytes)| (name.to_string(), String::from_utf8(bytes.to_vec()).unwrap()))
        .collect()
}

#[test]
fn triage_of_the_sample_lists_the_planted_firewall_first_and_edges_show_their_verdicts() {
    let mut state = loaded(sample_files());
    assert!(state.compare.triage.is_none(), "triage waits until asked for");
    send(&mut state, UiAction::ShowWindow(Window::Failures, true));
    let rows = state.compare.triage.clone().expect("opening the Failures window triages");
    let (machine, process, port) = sample_server();
    let first = rows[0].failure.clone();
    assert_eq!(
        (first.target.machine.as_deref(), first.target.process.as_deref(), first.port),
        (Some(machine.as_str()), Some(process.as_str()), port),
        "{}",
        rows[0].title
    );
    assert_eq!(first.verdict.label(), "Listening but failing", "the firewall drops; the port stays bound");
    assert!(rows[0].evidence.iter().any(|l| l.contains("first failed minute 2")), "{:?}", rows[0].evidence);
    assert!(
        rows[0].evidence.iter().any(|l| l.contains("server side is at fault")),
        "every client of the dropped port fails: {:?}",
        rows[0].evidence
    );
    assert!(first.last_failed >= t("2026-10-05T04:00:00Z"), "the firewall drops from 04:00");
    // Its edge's details carry the verdict.
    let (source, target) = (first.source.key, first.target.key);
    send(&mut state, MapAction::Select(Some(Selected::Edge { source, target })));
    let Details::Edge(edge) = &state.details else { panic!("edge details") };
    assert!(!edge.failures.is_empty());
    assert_eq!(edge.failures[0].failure.verdict.label(), "Listening but failing");
    // A new map window triages again: before 04:00 nothing fails on that port.
    let before = Some(t(&first.first_failed.to_string()));
    send(&mut state, MapAction::SetWindow { from: None, to: before, brush: false });
    let rows = state.compare.triage.as_ref().unwrap();
    assert!(
        rows.iter().all(|r| r.failure.target.key != target || r.failure.port != port),
        "no failure of the planted port before it starts"
    );
}

/// The app in a 1400x900 window with these files loaded.
fn harness_with(files: Vec<(String, String)>) -> Harness<'static, VmiApp> {
    let mut harness =
        Harness::builder().with_size([1400.0, 900.0]).with_theme(egui::Theme::Light).wgpu().build_eframe(|cc| {
            let mut app = VmiApp::empty(&cc.egui_ctx);
            app.state.always_sync_layout = true;
            app.dispatch(UiAction::SetTheme(Theme::Light));
            for action in open_bytes(files) {
                app.dispatch(action);
                app.finish_load_now();
            }
            app
        });
    harness.run_steps(4);
    harness
}

#[test]
fn choosing_two_windows_marks_new_and_gone_edges_and_rows_select_them() {
    let mut harness = harness_with(estate_files());
    harness.state_mut().dispatch(MapAction::ExpandAll(true));
    harness.state_mut().dispatch(MapAction::SetWindow {
        from: Some(window_b().from),
        to: Some(window_b().to),
        brush: false,
    });
    harness.state_mut().dispatch(UiAction::ShowWindow(Window::Compare, true));
    harness.run_steps(3);
    // Window B's fields hold the map's window; A is the previous period by default.
    harness.get_by_label("Previous period of the same length");
    harness.get_by_label("Compare").click();
    harness.run_steps(3);
    let state = &harness.state().state;
    assert!(state.compare.on, "{:?}", state.compare.message);
    let (nginx, java, pg) =
        (process(state, "m-web", "p-nginx"), process(state, "m-app", "p-java"), process(state, "m-db", "p-pg"));
    let marks = state.marks.clone().unwrap();
    let (n, j, p) = (view_key(state, &nginx), view_key(state, &java), view_key(state, &pg));
    assert_eq!(marks.edges.get(&(n, p)), Some(&NEW_COLOR));
    assert_eq!(marks.edges.get(&(j, p)), Some(&GONE_COLOR));
    // The changes list, gone first; clicking the new one selects its edge.
    harness.get_by_label_contains("app01/Orders API → db01/postgres:5432  Gone in B");
    harness.get_by_label_contains("web01/nginx → db01/postgres:5432  New in B").click();
    harness.run_steps(3);
    let state = &harness.state().state;
    assert_eq!(state.selected, Some(Selected::Edge { source: nginx, target: pg }));
    harness.get_by_label("Comparison: New in B");
    harness.snapshot("compare_windows");
}

#[test]
fn the_failures_window_lists_the_planted_incident_first() {
    let mut harness = harness_with(sample_files());
    harness.state_mut().dispatch(UiAction::ShowWindow(Window::Failures, true));
    harness.run_steps(3);
    let (machine, process, port) = sample_server();
    let rows = harness.state().state.compare.triage.clone().unwrap();
    let first = &rows[0];
    assert_eq!(
        (first.failure.target.machine.as_deref(), first.failure.target.process.as_deref(), first.failure.port),
        (Some(machine.as_str()), Some(process.as_str()), port)
    );
    let text = format!("1. {}  Listening but failing", first.title);
    harness.get_by_label_contains(&text).click();
    harness.run_steps(3);
    let state = &harness.state().state;
    assert_eq!(
        state.selected,
        Some(Selected::Edge { source: first.failure.source.key, target: first.failure.target.key })
    );
    harness.get_by_label_contains("Listening but failing: ");
    harness.snapshot("failed_connections");
}
