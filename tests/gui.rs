//! The real app driven headless with egui_kittest: load, drop, fail, click, search, window,
//! reports, exports; snapshots of the main screens (`UPDATE_SNAPSHOTS=1` refreshes them).

use crate::support::{fixture, temp_dir};
use egui::{Event, Modifiers, PointerButton, Pos2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use vmi_core::graph::{NodeKey, NodeKind};
use vmi_core::render::Theme;
use vmi_core::trends::TrendKind;
use vmi_map::command::{ExportExtent, MapExport};
use vmi_map::{Command, Selected, VmiApp};

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
fn harness_with(setup: impl FnOnce(&mut VmiApp) + 'static) -> Harness<'static, VmiApp> {
    let mut harness =
        Harness::builder().with_size([1400.0, 900.0]).with_theme(egui::Theme::Light).wgpu().build_eframe(|cc| {
            let mut app = VmiApp::empty(&cc.egui_ctx);
            app.always_sync_layout = true;
            app.apply(Command::SetTheme(Theme::Light));
            setup(&mut app);
            app
        });
    harness.run_steps(4);
    harness
}

fn load(app: &mut VmiApp, files: &[&str]) {
    app.apply(Command::OpenFiles(files.iter().map(|f| fixture(f)).collect()));
    app.finish_load_now();
}

fn estate_harness() -> Harness<'static, VmiApp> {
    harness_with(|app| load(app, ESTATE))
}

fn machine_key(app: &VmiApp, computer: &str) -> NodeKey {
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
    let app = harness.state();
    let machines = app.view.nodes.iter().filter(|n| n.kind == NodeKind::Machine).count();
    assert!(machines >= 3, "the sample's machines are on the map: {machines}");
    assert!(app.layout.positions.len() == app.view.nodes.len());
    harness.get_by_label_contains("machines,");
    harness.get_by_label("Bytes");
}

#[test]
fn a_dropped_file_is_loaded_and_its_machines_appear() {
    let mut harness = estate_harness();
    let before = harness.state().view.nodes.iter().filter(|n| n.kind == NodeKind::Machine).count();
    let dir = temp_dir("drop");
    let path = dir.join("VMComputer.csv");
    std::fs::write(&path, "Computer,Machine,\"TimeGenerated [UTC]\",Ipv4Addresses\nnewbox.contoso.com,m-new,\"10/5/2026, 9:00:00.000 AM\",\"[\"\"10.9.9.9\"\"]\"\n")
        .unwrap_or_else(|e| panic!("{e}"));
    drop_file(&mut harness, path);
    let app = harness.state();
    assert_eq!(app.view.nodes.iter().filter(|n| n.kind == NodeKind::Machine).count(), before + 1);
    machine_key(app, "newbox");
    assert_eq!(harness.query_all_by_label("VMComputer.csv").count(), 2, "both VMComputer.csv files are listed");
}

#[test]
fn a_bad_file_shows_an_error_and_keeps_the_map() {
    let mut harness = estate_harness();
    let edges = harness.state().view.edges.len();
    drop_file(&mut harness, fixture("bad/truncated.json"));
    harness.get_by_label("Could not load");
    harness.get_by_label_contains("truncated.json:1:");
    harness.get_by_label_contains("What was loaded before is still there");
    assert_eq!(harness.state().view.edges.len(), edges, "the previous map stays");
    harness.get_by_label("Dismiss").click();
    harness.run_steps(2);
    assert!(harness.query_by_label("Could not load").is_none());
}

#[test]
fn clicking_a_node_shows_its_details() {
    let mut harness = estate_harness();
    let key = machine_key(harness.state(), "web01");
    let pos = harness.state().screen_position(&key).unwrap_or_else(|| panic!("web01 drawn"));
    click_at(&mut harness, pos);
    assert_eq!(harness.state().selected, Some(Selected::Node(key)));
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
    let mut files = vmi_fixtures::write(&vmi_fixtures::generate(spec), vmi_fixtures::Shape::PortalCsv, &dir)
        .unwrap_or_else(|e| panic!("{e}"));
    // Connections alone: with no VMComputer records to say which machine holds an address,
    // remote ends stay endpoints and client groups, a map of several hundred nodes.
    files.retain(|f| f.ends_with("VMConnection.csv"));
    let mut harness = harness_with(move |app| {
        app.always_sync_layout = false;
        app.apply(Command::OpenFiles(files));
        app.finish_load_now();
    });
    assert!(
        harness.state().layout.worker.is_some(),
        "{} nodes go to the layout thread",
        harness.state().view.nodes.len()
    );
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while !harness.state().layout.settled && std::time::Instant::now() < deadline {
        harness.step();
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(harness.state().layout.settled, "the layout settles");
    harness.run_steps(3);
    // The machine on the canvas farthest from where every node starts (the origin).
    let app = harness.state();
    let from_origin = |key: &NodeKey| {
        let [x, y] = app.view_index_of(key).map_or([0.0, 0.0], |i| app.layout.positions[i]);
        x * x + y * y
    };
    let key = app
        .map
        .nodes_of_kind(NodeKind::Machine)
        .map(|(_, n)| n.key)
        .filter(|key| app.screen_position(key).is_some_and(|p| app.canvas_rect.shrink(20.0).contains(p)))
        .max_by(|a, b| from_origin(a).total_cmp(&from_origin(b)))
        .unwrap_or_else(|| panic!("a machine is drawn on the canvas"));
    assert!(from_origin(&key) > 100.0 * 100.0, "the layout spread the nodes");
    let pos = app.screen_position(&key).unwrap_or_else(|| panic!("drawn"));
    click_at(&mut harness, pos);
    assert_eq!(harness.state().selected, Some(Selected::Node(key)));
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
    let app = harness.state();
    assert_eq!(app.search.matches.len(), 1);
    let Some(Selected::Node(key)) = app.selected else { panic!("the match is selected") };
    assert_eq!(app.map.node(&key).map(|n| n.label.as_str()), Some("Orders API"));
    assert!(harness.query_all_by_label("Orders API").count() >= 1, "the detail panel names it");
}

#[test]
fn the_time_window_changes_the_edges() {
    let mut harness = estate_harness();
    let all = harness.state().view.edges.len();
    harness.get_by_label_contains(&format!("{all} edges on the map"));
    harness.state_mut().apply(Command::ExpandAll(true));
    let expanded = harness.state().view.edges.len();
    let from = vmi_core::model::Timestamp::parse("2026-10-05T08:07:00Z");
    harness.state_mut().apply(Command::SetWindow { from, to: None });
    harness.run_steps(2);
    let later = harness.state().view.edges.len();
    assert!(later < expanded, "{later} edges after 08:07, {expanded} in all");
    harness.get_by_label_contains(&format!("{later} edges on the map"));
    harness.get_by_label("All").click();
    harness.run_steps(2);
    assert_eq!(harness.state().view.edges.len(), expanded);
}

#[test]
fn reports_find_the_sql_process_and_select_it_on_the_map() {
    let mut harness = estate_harness();
    harness.get_by_label("Tools").click();
    harness.run_steps(2);
    harness.get_by_label("Reports…").click();
    harness.run_steps(2);
    assert!(harness.state().reports.open, "Tools > Reports… opens the Reports window");
    harness.run_steps(3);
    harness.state_mut().reports.id = "processes-cmdline".into();
    harness.run_steps(1);
    harness.get_by_label("Case-sensitive (contains_cs)");
    harness.state_mut().reports.params.text = "sql".into();
    harness.get_by_label("Run").click();
    harness.run_steps(2);
    harness.get_by_label("sqlservr").click();
    harness.run_steps(3);
    let app = harness.state();
    let Some(Selected::Node(key)) = app.selected else { panic!("the report row selects a node") };
    assert!(matches!(key, NodeKey::Process { .. }));
    assert_eq!(app.map.node(&key).map(|n| n.label.as_str()), Some("SQL Server Windows NT - 64 Bit"));
    assert!(
        app.view_index_of(&key).is_some_and(|i| app.node_key_of_view(i) == Some(key)),
        "its machine opened to show it"
    );
}

#[test]
fn every_export_command_writes_its_file() {
    let mut harness = estate_harness();
    let dir = temp_dir("gui-exports");
    let map_export = |name: &str, extent| MapExport {
        path: dir.join(name),
        width_px: 1200,
        extent,
        theme: Theme::Light,
        legend: true,
        title: true,
    };
    let commands = vec![
        Command::ExportMap(map_export("map.png", ExportExtent::WholeMap)),
        Command::ExportMap(map_export("view.png", ExportExtent::CurrentView)),
        Command::ExportMap(map_export("map.svg", ExportExtent::WholeMap)),
        Command::ExportMap(map_export("map.graphml", ExportExtent::WholeMap)),
        Command::ExportChart { kind: TrendKind::Bytes, path: dir.join("bytes.png") },
        Command::ExportChart { kind: TrendKind::Links, path: dir.join("links.svg") },
        Command::Screenshot(Some(dir.join("window.png"))),
    ];
    for command in commands {
        harness.state_mut().apply(command);
    }
    harness.run_steps(3);
    for name in ["map.png", "view.png", "map.svg", "map.graphml", "bytes.png", "links.svg", "window.png"] {
        let size = std::fs::metadata(dir.join(name)).map(|m| m.len()).unwrap_or(0);
        assert!(size > 100, "{name} was written ({size} bytes)");
    }
    let map_png = std::fs::read(dir.join("map.png")).unwrap_or_default();
    let width = png::Decoder::new(std::io::Cursor::new(&map_png)).read_info().map(|r| r.info().width).ok();
    assert_eq!(width, Some(1200));
    assert!(harness.query_all_by_label_contains("Saved ").count() >= 1, "a toast says where the files went");
}

#[test]
fn main_screens_look_right() {
    let mut harness = estate_harness();
    harness.state_mut().apply(Command::ExpandAll(true));
    harness.run_steps(3);
    harness.snapshot("main_light");
    harness.state_mut().apply(Command::SetTheme(Theme::Dark));
    let key = machine_key(harness.state(), "db01");
    harness.state_mut().apply(Command::Select(Some(Selected::Node(key))));
    harness.run_steps(3);
    harness.snapshot("main_dark_selected");
}
