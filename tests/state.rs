//! The app state driven without egui: actions in, state out (as the app's `update` is the
//! only code that changes it, this is the whole behaviour behind the panels).

use crate::support::{fixture, send, temp_dir};
use vmi_core::graph::{NodeKey, NodeKind};
use vmi_map::state::queries::Details;
use vmi_map::state::{
    AppState, CameraAction, Effect, ErrorKind, ExportAction, FileAction, MapAction, SaveTarget, Selected, UiAction,
};

const ESTATE: &[&str] = crate::support::SMALL_ESTATE;

fn estate() -> AppState {
    let mut state = AppState::default();
    send(&mut state, CameraAction::CanvasMoved([0.0, 0.0, 1000.0, 700.0]));
    send(&mut state, FileAction::Open(ESTATE.iter().map(|f| fixture(f)).collect()));
    state
}

fn machine(state: &AppState, name: &str) -> NodeKey {
    state.map.nodes_of_kind(NodeKind::Machine).find(|(_, n)| n.label == name).map(|(_, n)| n.key).unwrap()
}

#[test]
fn loading_builds_the_map_once_and_fits_the_camera() {
    let state = estate();
    assert_eq!(state.store.files().len(), ESTATE.len());
    let (machines, nodes, edges) = state.counts();
    assert_eq!(machines, 3, "web01, app01 and db01");
    assert!(nodes >= machines && edges >= 2, "{nodes} nodes, {edges} edges");
    assert_eq!(state.layout.positions.len(), nodes);
    assert!(!state.fit_pending, "the camera was fitted once the canvas size was known");
    assert_eq!(state.map_version, 1, "five files, one map build");
}

#[test]
fn selecting_a_machine_computes_its_details_once() {
    let mut state = estate();
    let key = machine(&state, "web01");
    send(&mut state, MapAction::Select(Some(Selected::Node(key))));
    let Details::Node(details) = &state.details else { panic!("node details: {:?}", state.details) };
    let fact = |name: &str| details.facts.iter().find(|(n, _)| *n == name).map(|(_, v)| v.clone());
    assert_eq!(fact("Computer").as_deref(), Some("web01.contoso.com"));
    assert_eq!(fact("Memory").as_deref(), Some("16384 MB"));
    assert!(!details.connections.is_empty(), "web01's connections are listed");
    assert!(details.bytes_out > 0);
    send(&mut state, MapAction::Select(None));
    assert!(matches!(state.details, Details::Estate));
}

#[test]
fn search_then_next_reveals_the_match() {
    let mut state = estate();
    send(&mut state, MapAction::Search("sqlservr".into()));
    assert_eq!(state.search.matches.len(), 1);
    send(&mut state, MapAction::SearchNext);
    let Some(Selected::Node(key @ NodeKey::Process { .. })) = state.selected else { panic!("{:?}", state.selected) };
    let shown = state.view_index_of(&key).and_then(|i| state.node_key_of_view(i));
    assert_eq!(shown, Some(key), "its machine was opened to show it");
}

#[test]
fn escape_undoes_a_chart_brush_then_clears_the_selection() {
    let mut state = estate();
    let key = machine(&state, "db01");
    send(&mut state, MapAction::Select(Some(Selected::Node(key))));
    let from = vmi_core::model::Timestamp::parse("2026-10-05T08:04:00Z");
    send(&mut state, MapAction::SetWindow { from, to: None, brush: true });
    assert_eq!(state.request.from, from);
    send(&mut state, UiAction::Escape);
    assert_eq!(state.request.from, None, "the window before the brush is back");
    assert_eq!(state.selected, Some(Selected::Node(key)));
    send(&mut state, UiAction::Escape);
    assert_eq!(state.selected, None);
}

#[test]
fn errors_are_typed_by_what_failed_and_keep_what_was_loaded() {
    let mut state = estate();
    let edges = state.view.edges.len();
    send(&mut state, FileAction::Open(vec![fixture("bad/truncated.json")]));
    assert_eq!(state.errors.len(), 1);
    assert_eq!(state.errors[0].kind, ErrorKind::Load);
    assert_eq!(state.errors[0].title(), "Could not load");
    assert!(state.errors[0].message.contains("truncated.json:1:"), "{}", state.errors[0].message);
    assert_eq!(state.view.edges.len(), edges);
    let path = std::path::PathBuf::from("/nonexistent-folder/chart.png");
    send(&mut state, ExportAction::Save { target: SaveTarget::Chart(vmi_core::trends::TrendKind::Bytes), path });
    assert_eq!(state.errors[1].kind, ErrorKind::Write);
    assert_eq!(state.errors[1].title(), "Could not save");
    send(&mut state, UiAction::DismissError(0));
    assert_eq!(state.errors.len(), 1);
}

#[test]
fn a_save_dialog_proposes_the_format_asked_for() {
    let mut state = estate();
    let effects = send(
        &mut state,
        ExportAction::SaveDialog { target: SaveTarget::Chart(vmi_core::trends::TrendKind::Links), extension: "svg" },
    );
    let [Effect::SaveDialog { file_name, extension, target, .. }] = effects.as_slice() else { panic!("{effects:?}") };
    assert_eq!((file_name.as_str(), *extension), ("vmi-map-links.svg", "svg"));
    assert_eq!(*target, SaveTarget::Chart(vmi_core::trends::TrendKind::Links));
}

#[test]
fn dragging_a_node_moves_it_and_pins_it_where_dropped() {
    let mut state = estate();
    let key = machine(&state, "app01");
    let index = state.view_index_of(&key).unwrap();
    let before = state.layout.positions[index];
    send(&mut state, MapAction::DragNode { index, delta: [30.0, -10.0] });
    let after = state.layout.positions[index];
    assert_eq!([after[0] - before[0], after[1] - before[1]], [30.0, -10.0]);
    send(&mut state, MapAction::DragEnd { index });
    assert_eq!(state.layout.pinned.get(&state.view.nodes[index].key), Some(&after));
}

/// The app and `vmi-map render` lay out the same files the same way: one seed, one path.
#[test]
fn the_app_and_render_place_every_node_alike() {
    let state = estate();
    let dir = temp_dir("same-layout");
    let out = dir.path().join("map.json");
    let mut args = vec!["render".to_string(), "--graph".into(), out.display().to_string()];
    args.extend(ESTATE.iter().map(|f| fixture(f).display().to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = crate::cli::vmi_map(&args);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let graph: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let nodes = graph["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), state.view.nodes.len());
    for (node, (view_node, position)) in nodes.iter().zip(state.view.nodes.iter().zip(&state.layout.positions)) {
        assert_eq!(node["name"].as_str(), Some(view_node.label.as_str()));
        let (x, y) = (node["x"].as_f64().unwrap(), node["y"].as_f64().unwrap());
        assert!(
            (x - f64::from(position[0])).abs() < 0.01 && (y - f64::from(position[1])).abs() < 0.01,
            "{}: render ({x}, {y}), app {position:?}",
            view_node.label
        );
    }
}
