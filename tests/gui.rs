//! The real app driven headless with egui_kittest: load, drop, fail, click, search, window,
//! queries, exports; snapshots of the main screens (`UPDATE_SNAPSHOTS=1` refreshes them).

use crate::support::{fixture, temp_dir};
use egui::{Event, Modifiers, PointerButton, Pos2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use vmi_core::graph::{NodeKey, NodeKind};
use vmi_core::render::Theme;
use vmi_core::trends::TrendKind;
use vmi_map::VmiApp;
use vmi_map::state::{
    AppState, ExportAction, ExportExtent, FileAction, MapAction, MapExport, SaveTarget, Selected, UiAction,
};

/// The fixtures that make a small estate (web01, app01, db01).
const ESTATE: &[&str] = &[
    "portal-csv/VMComputer.csv",
    "az-json/VMComputer-az.json",
    "portal-csv/VMProcess.csv",
    "json-array/union-records.json",
    "portal-csv/VMBoundPort.csv",
    "rest-json/VMConnection-rest.json",
    "jsonl/am-VMConnection/PT05M.json",
    "portal-csv/VMConnection-displayed-columns.csv",
];

/// The app in a 1400x900 window, laid out synchronously so every frame is settled.
pub(crate) fn harness_with(setup: impl FnOnce(&mut VmiApp) + 'static) -> Harness<'static, VmiApp> {
    let mut harness =
        Harness::builder().with_size([1400.0, 900.0]).with_theme(egui::Theme::Light).wgpu().build_eframe(|cc| {
            let mut app = VmiApp::empty(&cc.egui_ctx);
            app.state.always_sync_layout = true;
            app.dispatch(UiAction::SetTheme(Theme::Light));
            setup(&mut app);
            app
        });
    harness.run_steps(4);
    harness
}

fn load(app: &mut VmiApp, files: &[&str]) {
    app.dispatch(FileAction::Open(files.iter().map(|f| fixture(f)).collect()));
    app.finish_load_now();
}

fn estate_harness() -> Harness<'static, VmiApp> {
    harness_with(|app| load(app, ESTATE))
}

fn machine_key(app: &AppState, computer: &str) -> NodeKey {
    app.map
        .nodes_of_kind(NodeKind::Machine)
        .find(|(_, n)| n.label == computer)
        .map(|(_, n)| n.key)
        .unwrap_or_else(|| panic!("{computer} is on the map"))
}

fn click_at(harness: &mut Harness<'_, VmiApp>, pos: Pos2) {
    harness.hover_at(pos);
    harness.event(Event::PointerButton {
        pos,
        button: PointerButton::Primary,
        pressed: true,
        modifiers: Modifiers::NONE,
    });
    harness.event(Event::PointerButton {
        pos,
        button: PointerButton::Primary,
        pressed: false,
        modifiers: Modifiers::NONE,
    });
    harness.run_steps(3);
}

/// A dropped file as the window system hands it over.
#[derive(Debug)]
struct DroppedPath(PathBuf);

impl egui::DroppedFile for DroppedPath {
    fn path(&self) -> &Path {
        &self.0
    }

    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

fn drop_file(harness: &mut Harness<'_, VmiApp>, path: PathBuf) {
    harness.input_mut().dropped_files.push(Arc::new(DroppedPath(path)));
    harness.run_steps(2);
    harness.state_mut().finish_load_now();
    harness.run_steps(3);
}

#[test]
fn starts_with_the_bundled_sample_and_shows_its_machines() {
    let mut harness =
        Harness::builder().with_size([1400.0, 900.0]).wgpu().build_eframe(|cc| VmiApp::new(&cc.egui_ctx, Vec::new()));
    harness.run_steps(4);
    let app = &harness.state().state;
    let machines = app.view.nodes.iter().filter(|n| n.kind == NodeKind::Machine).count();
    assert!(machines >= 3, "the sample's machines are on the map: {machines}");
    assert!(app.layout.positions.len() == app.view.nodes.len());
    harness.get_by_label_contains("machines,");
    harness.get_by_label("Bytes");
}

#[test]
fn a_dropped_file_is_loaded_and_its_machines_appear() {
    let mut harness = estate_harness();
    let before = harness.state().state.view.nodes.iter().filter(|n| n.kind == NodeKind::Machine).count();
    let dir = temp_dir("drop");
    let path = dir.path().join("VMComputer.csv");
    std::fs::write(&path, "Computer,Machine,\"TimeGenerated [UTC]\",Ipv4Addresses\nnewbox.contoso.com,m-new,\"10/5/2026, 9:00:00.000 AM\",\"[\"\"10.9.9.9\"\"]\"\n")
        .unwrap_or_else(|e| panic!("{e}"));
    drop_file(&mut harness, path);
    let app = &harness.state().state;
    assert_eq!(app.view.nodes.iter().filter(|n| n.kind == NodeKind::Machine).count(), before + 1);
    machine_key(app, "newbox");
    assert_eq!(harness.query_all_by_label("VMComputer.csv").count(), 2, "both VMComputer.csv files are listed");
}

#[test]
fn a_bad_file_shows_an_error_and_keeps_the_map() {
    let mut harness = estate_harness();
    let edges = harness.state().state.view.edges.len();
    drop_file(&mut harness, fixture("bad/truncated.json"));
    harness.get_by_label("Could not load");
    harness.get_by_label_contains("truncated.json:1:");
    harness.get_by_label_contains("What was loaded before is still there");
    assert_eq!(harness.state().state.view.edges.len(), edges, "the previous map stays");
    harness.get_by_label("Dismiss").click();
    harness.run_steps(2);
    assert!(harness.query_by_label("Could not load").is_none());
}

#[test]
fn clicking_a_node_shows_its_details() {
    let mut harness = estate_harness();
    let key = machine_key(&harness.state().state, "web01");
    let [x, y] = harness.state().state.screen_position(&key).unwrap_or_else(|| panic!("web01 drawn"));
    click_at(&mut harness, Pos2::new(x, y));
    assert_eq!(harness.state().state.selected, Some(Selected::Node(key)));
    assert!(harness.query_all_by_label("web01.contoso.com").count() >= 1, "the computer name is shown");
    harness.get_by_label("Ubuntu 22.04.4 LTS (linux)");
    harness.get_by_label("10.0.0.11");
    harness.get_by_label("16384 MB");
    harness.get_by_label_contains("Bytes sent and received - machine web01");
}

/// A map too big to lay out in one frame is laid out on the layout thread: the canvas draws
/// each position it delivers, so when it settles a click on a node's place selects it.
#[test]
fn a_big_map_laid_out_in_the_background_is_drawn_where_its_nodes_are() {
    let spec = vmi_fixtures::EstateSpec { machines: 150, hours: 1, seed: 7, ..Default::default() };
    let dir = crate::support::temp_dir("background-layout");
    let files = vmi_fixtures::write(&vmi_fixtures::generate(spec), vmi_fixtures::Shape::PortalCsv, dir.path())
        .unwrap_or_else(|e| panic!("{e}"));
    // Every machine shown with its processes: a map of several hundred nodes, below the
    // size at which a big estate opens grouped.
    let mut harness = harness_with(move |app| {
        app.state.always_sync_layout = false;
        app.dispatch(FileAction::Open(files));
        app.finish_load_now();
        app.dispatch(MapAction::ExpandAll(true));
    });
    assert!(
        harness.state().state.layout.worker.is_some(),
        "{} nodes go to the layout thread",
        harness.state().state.view.nodes.len()
    );
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while !harness.state().state.layout.settled && std::time::Instant::now() < deadline {
        harness.step();
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(harness.state().state.layout.settled, "the layout settles");
    harness.run_steps(3);
    // The process (a leaf: machines are containers here) on the canvas farthest from where
    // every node starts (the origin).
    let app = &harness.state().state;
    let from_origin = |key: &NodeKey| {
        let [x, y] = app.view_index_of(key).map_or([0.0, 0.0], |i| app.layout.positions[i]);
        x * x + y * y
    };
    let key = app
        .map
        .nodes_of_kind(NodeKind::Process)
        .map(|(_, n)| n.key)
        .filter(|key| {
            let [left, top, width, height] = app.canvas.0;
            app.screen_position(key).is_some_and(|[x, y]| {
                x > left + 20.0 && x < left + width - 20.0 && y > top + 20.0 && y < top + height - 20.0
            })
        })
        .max_by(|a, b| from_origin(a).total_cmp(&from_origin(b)))
        .unwrap_or_else(|| panic!("a process is drawn on the canvas"));
    assert!(from_origin(&key) > 100.0 * 100.0, "the layout spread the nodes");
    let [x, y] = app.screen_position(&key).unwrap_or_else(|| panic!("drawn"));
    click_at(&mut harness, Pos2::new(x, y));
    assert_eq!(harness.state().state.selected, Some(Selected::Node(key)));
}

#[test]
fn search_finds_a_process_by_a_word_of_its_command_line() {
    let mut harness = estate_harness();
    harness.get_by_role(egui::Role::TextInput).click();
    harness.run_steps(1);
    harness.get_by_role(egui::Role::TextInput).type_text("orders.jar");
    harness.run_steps(2);
    harness.key_press(egui::Key::Enter);
    harness.run_steps(3);
    let app = &harness.state().state;
    assert_eq!(app.search.matches.len(), 1);
    let Some(Selected::Node(key)) = app.selected else { panic!("the match is selected") };
    assert_eq!(app.map.node(&key).map(|n| n.label.as_str()), Some("Orders API"));
    assert!(harness.query_all_by_label("Orders API").count() >= 1, "the detail panel names it");
}

#[test]
fn the_time_window_changes_the_edges() {
    let mut harness = estate_harness();
    let all = harness.state().state.view.edges.len();
    harness.get_by_label_contains(&format!("{all} edges on the map"));
    harness.state_mut().dispatch(MapAction::ExpandAll(true));
    let expanded = harness.state().state.view.edges.len();
    let from = vmi_core::model::Timestamp::parse("2026-10-05T08:07:00Z");
    harness.state_mut().dispatch(MapAction::SetWindow { from, to: None, brush: false });
    harness.run_steps(2);
    let later = harness.state().state.view.edges.len();
    assert!(later < expanded, "{later} edges after 08:07, {expanded} in all");
    harness.get_by_label_contains(&format!("{later} edges on the map"));
    harness.get_by_label("All").click();
    harness.run_steps(2);
    assert_eq!(harness.state().state.view.edges.len(), expanded);
}

/// Runs the query console's query and waits for the answer.
fn run_query(harness: &mut Harness<'_, VmiApp>, query: &str) {
    harness.state_mut().panels.query.text = query.to_string();
    harness.run_steps(1);
    harness.get_by_label("▶ Run").click();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    harness.run_steps(1);
    while harness.state().state.query.running.is_some() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(5));
        harness.step();
    }
    harness.run_steps(3);
}

#[test]
fn a_query_finds_the_sql_process_and_a_row_selects_it_on_the_map() {
    let mut harness = estate_harness();
    harness.get_by_label("Tools").click();
    harness.run_steps(2);
    harness.get_by_label("Query… (Ctrl+K)").click();
    harness.run_steps(2);
    assert!(harness.state().state.windows.query, "Tools > Query… opens the console");
    run_query(
        &mut harness,
        "VMProcess | where CommandLine contains_cs \"sql\" | summarize arg_max(TimeGenerated, *) by _ResourceId | project Machine, Process, ExecutableName",
    );
    harness.get_by_label_contains("1 rows, 3 columns");
    harness.get_by_label("sqlservr").click();
    harness.run_steps(3);
    let app = &harness.state().state;
    let Some(Selected::Node(key)) = app.selected else { panic!("the row selects a node") };
    assert!(matches!(key, NodeKey::Process { .. }));
    assert_eq!(app.map.node(&key).map(|n| n.label.as_str()), Some("SQL Server Windows NT - 64 Bit"));
    assert!(
        app.view_index_of(&key).is_some_and(|i| app.node_key_of_view(i) == Some(key)),
        "its machine opened to show it"
    );
}

#[test]
fn a_bad_query_shows_the_error_under_its_span_and_a_chart_query_draws() {
    let mut harness = estate_harness();
    harness.state_mut().dispatch(UiAction::ShowWindow(vmi_map::state::Window::Query, true));
    harness.run_steps(2);
    run_query(&mut harness, "VMConnection | summarize sum(BytesSentt) by Computer");
    harness.get_by_label_contains("1:30: unknown column or name `BytesSentt`; did you mean `BytesSent`?");
    run_query(
        &mut harness,
        "VMConnection | summarize sum(BytesSent) by bin(TimeGenerated, 1m), Computer | render timechart",
    );
    let answer = harness.state().state.query.answer.as_ref().map(|a| a.result.is_ok());
    assert_eq!(answer, Some(true));
    harness.get_by_label("Chart");
    harness.get_by_label("Show on map").click();
    harness.run_steps(2);
    let highlighted = &harness.state().state.query.highlighted;
    assert!(highlighted.len() >= 2, "the computers of the rows are highlighted: {highlighted:?}");
    harness.snapshot("query_chart");
}

#[test]
fn every_export_writes_a_file_that_holds_the_map() {
    let mut harness = estate_harness();
    let dir = temp_dir("gui-exports");
    let picture = |extent| {
        SaveTarget::MapPicture(MapExport { width_px: 1200, extent, theme: Theme::Light, legend: true, title: true })
    };
    let saves = [
        ("map.png", picture(ExportExtent::WholeMap)),
        ("view.png", picture(ExportExtent::CurrentView)),
        ("map.svg", picture(ExportExtent::WholeMap)),
        ("map.graphml", SaveTarget::Graph),
        ("bytes.png", SaveTarget::Chart(TrendKind::Bytes)),
        ("links.svg", SaveTarget::Chart(TrendKind::Links)),
    ];
    for (name, target) in saves {
        harness.state_mut().dispatch(ExportAction::Save { target, path: dir.path().join(name) });
    }
    harness.state_mut().dispatch(ExportAction::Screenshot(Some(dir.path().join("window.png"))));
    harness.run_steps(3);
    assert!(harness.state().state.errors.is_empty(), "{:?}", harness.state().state.errors);
    let png_width = |name: &str| {
        let bytes = std::fs::read(dir.path().join(name)).unwrap();
        png::Decoder::new(std::io::Cursor::new(bytes)).read_info().map(|r| r.info().width).unwrap()
    };
    assert_eq!(png_width("map.png"), 1200);
    assert_eq!(png_width("view.png"), 1200);
    assert_eq!(png_width("bytes.png"), 1600);
    assert!(png_width("window.png") >= 1400, "the screenshot is the whole window");
    // The SVG and GraphML parse and hold every machine of the map.
    let svg = std::fs::read_to_string(dir.path().join("map.svg")).unwrap();
    roxmltree::Document::parse(&svg).unwrap();
    let graphml = std::fs::read_to_string(dir.path().join("map.graphml")).unwrap();
    let graph = roxmltree::Document::parse(&graphml).unwrap();
    let nodes = graph.descendants().filter(|n| n.has_tag_name("node")).count();
    assert_eq!(nodes, harness.state().state.view.nodes.len(), "the GraphML has every node of the view");
    for machine in ["web01", "app01", "db01"] {
        assert!(svg.contains(machine) && graphml.contains(machine), "{machine} is in the SVG and GraphML");
    }
    let chart = std::fs::read_to_string(dir.path().join("links.svg")).unwrap();
    assert!(chart.contains("Link status - whole estate"), "the chart SVG carries its title");
    assert!(harness.query_all_by_label_contains("Saved ").count() >= 1, "a toast says where the files went");
}

#[test]
fn a_failed_save_says_could_not_save_and_changes_nothing() {
    let mut harness = estate_harness();
    let edges = harness.state().state.view.edges.len();
    let path = PathBuf::from("/nonexistent-folder/map.graphml");
    harness.state_mut().dispatch(ExportAction::Save { target: SaveTarget::Graph, path });
    harness.run_steps(2);
    harness.get_by_label("Could not save");
    harness.get_by_label_contains("/nonexistent-folder/map.graphml: cannot write");
    assert_eq!(harness.state().state.view.edges.len(), edges);
}

#[test]
fn main_screens_look_right() {
    let mut harness = estate_harness();
    harness.state_mut().dispatch(MapAction::ExpandAll(true));
    harness.run_steps(3);
    harness.snapshot("main_light");
    harness.state_mut().dispatch(UiAction::SetTheme(Theme::Dark));
    let key = machine_key(&harness.state().state, "db01");
    harness.state_mut().dispatch(MapAction::Select(Some(Selected::Node(key))));
    harness.run_steps(3);
    harness.snapshot("main_dark_selected");
}
