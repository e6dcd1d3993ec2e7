//! A map people can read at 1,000 machines (issue 20), in the app: a generated 1,000-machine
//! estate opens grouped and the user's grouping wins after; a group opens into its machines
//! inside its hull; placed labels never overlap; fit all, fit selection and the minimap move
//! the camera; a group's details and trend sum its machines; machines inferred from
//! connections are said in the status. State tests use no egui; the rest run the real app
//! with egui_kittest (`UPDATE_SNAPSHOTS=1` refreshes the snapshots).

use crate::support::send;
use egui::{Event, Modifiers, PointerButton, Pos2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use std::sync::{Arc, OnceLock};
use vmi_core::graph::{GroupBy, NodeKey, NodeKind};
use vmi_core::render::Theme;
use vmi_core::trends::TrendKind;
use vmi_fixtures::{Estate, EstateSpec, Shape, Table, generate, write_to_bytes};
use vmi_map::VmiApp;
use vmi_map::state::{
    AppState, CameraAction, ExportAction, ExportExtent, FileAction, MapAction, MapExport, SaveTarget, Selected,
    UiAction,
};

/// The generated 1,000-machine estate, one hour, sparse activity (kept once per test run).
fn big_estate() -> &'static Estate {
    static ESTATE: OnceLock<Estate> = OnceLock::new();
    ESTATE.get_or_init(|| {
        generate(EstateSpec { machines: 1000, hours: 1, seed: 20, density: 0.02, ..Default::default() })
    })
}

/// The estate's tables as portal CSV files held in memory.
fn open_actions(tables: &[Table]) -> Vec<FileAction> {
    let estate = big_estate();
    tables
        .iter()
        .map(|&table| FileAction::OpenBytes {
            name: format!("{table:?}.csv"),
            bytes: Arc::new(write_to_bytes(estate, Shape::PortalCsv, table)),
        })
        .collect()
}

/// The app state with the estate loaded (no egui), on a 1400x900 canvas.
fn loaded(tables: &[Table]) -> AppState {
    let mut state = AppState::default();
    state.always_sync_layout = true;
    send(&mut state, CameraAction::CanvasMoved([0.0, 0.0, 1400.0, 900.0]));
    for action in open_actions(tables) {
        send(&mut state, action);
    }
    state
}

/// A collapsed machine group with several machines, busiest (most members) first.
fn biggest_group(state: &AppState) -> (u64, usize) {
    let group = state
        .view
        .groups
        .iter()
        .filter(|g| !g.external && !g.expanded && g.view_node.is_some())
        .max_by_key(|g| (g.machines.len(), std::cmp::Reverse(g.id)))
        .expect("the estate has a machine group on the map");
    (group.id, group.view_node.unwrap_or(usize::MAX))
}

#[test]
fn a_1000_machine_estate_opens_grouped_and_the_users_choice_wins_after() {
    let mut state = loaded(&Table::ALL);
    assert_ne!(state.options.group_by, GroupBy::None, "a big estate opens grouped");
    let (machines, grouped_nodes, _) = state.counts();
    assert_eq!(machines, 1000, "every machine is counted, inside its group or not");
    assert!(!state.view.nodes.iter().any(|n| n.kind == NodeKind::Machine), "every machine is inside a group");
    assert!(state.view.nodes.iter().any(|n| n.kind == NodeKind::Group && n.members > 1));

    send(&mut state, MapAction::GroupBy(GroupBy::Subnet { prefix_len: 24 }));
    assert_eq!(state.options.group_by, GroupBy::Subnet { prefix_len: 24 });
    assert!(state.view.groups.iter().all(|g| g.external || g.name.ends_with("/24") || g.name == "(unknown)"));
    send(&mut state, MapAction::GroupBy(GroupBy::None));
    // Endpoints stay grouped by DNS domain (a big estate's default); machines are ungrouped.
    assert_eq!(state.options.group_externals, vmi_core::graph::ExternalGrouping::DomainSuffix);
    assert!(state.view.groups.iter().all(|g| g.external), "no machine group is left");
    let (_, nodes, _) = state.counts();
    assert!(grouped_nodes + 900 <= nodes, "grouped: {grouped_nodes} nodes, a thousand fewer than {nodes}");
    // Loading more records keeps the user's choice.
    for action in open_actions(&[Table::VMBoundPort]) {
        send(&mut state, action);
    }
    assert_eq!(state.options.group_by, GroupBy::None, "the user's choice wins over the default");
    // Closing everything and opening the estate again gives it its default again.
    send(&mut state, FileAction::Clear);
    for action in open_actions(&Table::ALL) {
        send(&mut state, action);
    }
    assert_ne!(state.options.group_by, GroupBy::None);
}

#[test]
fn a_groups_details_and_trend_are_the_sums_of_its_machines() {
    let mut state = loaded(&Table::ALL);
    let (id, _) = biggest_group(&state);
    let members = state.view.group(id).map(|g| g.machines.clone()).unwrap_or_default();
    send(&mut state, MapAction::Select(Some(Selected::Node(NodeKey::Group { id }))));
    let vmi_map::state::queries::Details::Node(details) = &state.details else {
        panic!("a group has details, not {:?}", state.details)
    };
    assert_eq!(details.members.as_ref().map(Vec::len), Some(members.len()), "its machines are listed");
    assert!(!details.connections.is_empty(), "its dependencies are listed");
    assert!(state.chart_title(TrendKind::Bytes).contains("group"), "{}", state.chart_title(TrendKind::Bytes));

    let total = |trend: &vmi_core::trends::Trend| -> f64 {
        trend.series.iter().flat_map(|s| s.values.iter()).filter(|v| !v.is_nan()).sum()
    };
    let group_total = total(&state.chart_trend(TrendKind::Bytes));
    let mut machines_total = 0.0;
    for &machine in &members {
        send(&mut state, MapAction::Select(Some(Selected::Node(NodeKey::Machine { machine }))));
        machines_total += total(&state.chart_trend(TrendKind::Bytes));
    }
    assert!(group_total > 0.0, "the group has traffic");
    assert!((group_total - machines_total).abs() <= 1e-6 * machines_total, "{group_total} vs {machines_total}");
}

/// A picture of the map draws an open group as the canvas does: its outline around its
/// machines, its name above it, and no disc of its own.
#[test]
fn an_exported_picture_draws_an_open_group_as_its_outline_and_name() {
    let mut state = loaded(&Table::ALL);
    let (id, _) = biggest_group(&state);
    send(&mut state, MapAction::ToggleExpand(NodeKey::Group { id }));
    let group = state.view_index_of(&NodeKey::Group { id }).expect("the open group is on the map");
    let name = state.view.nodes[group].label.clone();
    let dir = tempfile::tempdir().unwrap();
    let export =
        MapExport { width_px: 2400, extent: ExportExtent::WholeMap, theme: Theme::Light, legend: false, title: false };
    let svg_path = dir.path().join("map.svg");
    send(&mut state, ExportAction::Save { target: SaveTarget::MapPicture(export.clone()), path: svg_path.clone() });
    assert!(state.errors.is_empty(), "{:?}", state.errors);
    let svg = std::fs::read_to_string(&svg_path).unwrap();
    let document = roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("the SVG parses: {e}"));
    // The group's colour (#607080): its outline, filled faintly, and the closing stroke.
    let outlines =
        document.descendants().filter(|n| n.has_tag_name("polygon") && n.attribute("fill") == Some("#607080")).count();
    assert_eq!(outlines, state.scene().hulls.len(), "one outline per open group");
    assert!(outlines >= 1);
    let texts: Vec<&str> =
        document.descendants().filter(|n| n.has_tag_name("text")).filter_map(|n| n.text()).map(str::trim).collect();
    assert_eq!(texts.iter().filter(|t| **t == name).count(), 1, "the group is named once: {name}");
    // Discs of the group colour: the collapsed groups', not the open one's.
    let discs = document.descendants().filter(|n| n.has_tag_name("circle") && n.attribute("fill") == Some("#607080"));
    let scene = state.scene();
    let collapsed = (0..scene.nodes.len())
        .filter(|&i| scene.nodes[i].kind == NodeKind::Group && !scene.hulls.iter().any(|h| h.group == i))
        .count();
    assert_eq!(discs.count(), collapsed, "the open group has no disc");
    let png_path = dir.path().join("map.png");
    send(&mut state, ExportAction::Save { target: SaveTarget::MapPicture(export), path: png_path.clone() });
    assert!(png_path.is_file() && state.errors.is_empty(), "{:?}", state.errors);
}

#[test]
fn a_group_is_found_by_its_name_and_the_next_hit_selects_it() {
    let mut state = loaded(&Table::ALL);
    let (id, _) = biggest_group(&state);
    let name = state.view.group(id).expect("the group").name.clone();
    // Part of the name, in other case: "rg-app-prod-weu" is found by "APP-PROD-WEU".
    let text = name.get(3..).unwrap_or(&name).to_uppercase();
    send(&mut state, MapAction::Search(text.clone()));
    let key = NodeKey::Group { id };
    assert!(state.search.matches.contains(&key), "{text:?} finds group {name}: {:?}", state.search.matches);
    // No machine holds the group's name: the hits are groups.
    assert!(state.search.matches.iter().all(|k| matches!(k, NodeKey::Group { .. })), "{:?}", state.search.matches);
    for _ in 0..state.search.matches.len() {
        send(&mut state, MapAction::SearchNext);
        if state.selected == Some(Selected::Node(key)) {
            break;
        }
    }
    assert_eq!(state.selected, Some(Selected::Node(key)), "the next hit selects the group");
    // Grouped another way, the resource group is gone and so is the hit.
    send(&mut state, MapAction::GroupBy(GroupBy::Subnet { prefix_len: 24 }));
    assert!(!state.search.matches.contains(&key), "{:?}", state.search.matches);
    send(&mut state, MapAction::GroupBy(GroupBy::ResourceGroup));
    assert!(state.search.matches.iter().any(|k| matches!(k, NodeKey::Group { .. })), "found again once grouped by it");
}

#[test]
fn fit_selection_frames_the_selection_and_fit_all_the_whole_map() {
    let mut state = loaded(&Table::ALL);
    send(&mut state, CameraAction::FitView);
    let whole = state.camera;
    let (id, index) = biggest_group(&state);
    send(&mut state, MapAction::Select(Some(Selected::Node(NodeKey::Group { id }))));
    send(&mut state, CameraAction::FitSelection);
    let framed = state.camera;
    assert_ne!(framed, whole, "fit selection moves the camera");
    let frame = vmi_map::state::camera::selection_frame(&state);
    assert!(frame.contains(&index) && frame.len() > 1, "the group and its neighbours are framed: {frame:?}");
    for &i in &frame {
        let key = state.node_key_of_view(i).unwrap();
        let [x, y] = state.screen_position(&key).unwrap();
        assert!((0.0..=1400.0).contains(&x) && (0.0..=900.0).contains(&y), "{key:?} on screen at {x}, {y}");
    }
    send(&mut state, CameraAction::Pan([300.0, -120.0]));
    send(&mut state, CameraAction::FitView);
    assert_eq!(state.camera, whole, "fit all frames the whole map again");
}

#[test]
fn machines_known_only_from_connections_are_said_in_the_status_and_details() {
    let mut state = loaded(&[Table::VMConnection]);
    assert!(state.grouping.inferred_machines > 0, "machines are inferred from their connection rows");
    let machine = state
        .inventory
        .machines
        .iter()
        .copied()
        .find(|&m| state.inventory.is_inferred(m))
        .expect("an inferred machine");
    send(&mut state, MapAction::Reveal(NodeKey::Machine { machine }));
    let vmi_map::state::queries::Details::Node(details) = &state.details else { panic!("{:?}", state.details) };
    assert!(details.note.is_some_and(|n| n.contains("Inferred from connections")), "{:?}", details.note);
}

// The app, driven with egui_kittest.

/// The app showing the estate's tables (written as portal CSV in a temporary folder, opened
/// in one load as a user would).
fn harness(tables: &'static [Table]) -> (tempfile::TempDir, Harness<'static, VmiApp>) {
    let dir = crate::support::temp_dir("map-groups");
    let paths: Vec<std::path::PathBuf> = tables
        .iter()
        .map(|&table| {
            let path = dir.path().join(format!("{table:?}.csv"));
            std::fs::write(&path, write_to_bytes(big_estate(), Shape::PortalCsv, table)).unwrap();
            path
        })
        .collect();
    let mut harness = Harness::builder()
        .with_size([1400.0, 900.0])
        .with_step_dt(1.0 / 30.0)
        .with_theme(egui::Theme::Light)
        .wgpu()
        .build_eframe(|cc| {
            let mut app = VmiApp::empty(&cc.egui_ctx);
            app.state.always_sync_layout = true;
            app.dispatch(UiAction::SetTheme(Theme::Light));
            app.dispatch(FileAction::Open(paths));
            app.finish_load_now();
            app
        });
    harness.run_steps(4);
    (dir, harness)
}

fn double_click_at(harness: &mut Harness<'_, VmiApp>, pos: Pos2) {
    harness.hover_at(pos);
    harness.run_steps(1);
    // Two clicks in two frames, as a user's double-click arrives (the harness steps 1/30 s, well
    // inside egui's double-click delay).
    for _ in 0..2 {
        for pressed in [true, false] {
            harness.event(Event::PointerButton {
                pos,
                button: PointerButton::Primary,
                pressed,
                modifiers: Modifiers::NONE,
            });
        }
        harness.run_steps(1);
    }
    harness.run_steps(2);
}

/// No two label rectangles the canvas drew in its last frame intersect.
fn assert_labels_apart(harness: &Harness<'_, VmiApp>) -> usize {
    let rects = harness.state().panels.canvas.label_rects();
    for (k, a) in rects.iter().enumerate() {
        for b in &rects[k + 1..] {
            assert!(!a.intersects(*b), "labels overlap: {a:?} and {b:?}");
        }
    }
    rects.len()
}

#[test]
fn the_big_estate_opens_grouped_a_group_opens_into_its_hull_and_labels_never_overlap() {
    const TABLES: &[Table] = &Table::ALL;
    let (_dir, mut harness) = harness(TABLES);
    let state = &harness.state().state;
    assert_ne!(state.options.group_by, GroupBy::None);
    harness.get_by_label("Group machines by");
    let shown = assert_labels_apart(&harness);
    assert!(shown >= 5, "group names are shown: {shown} labels");
    harness.snapshot("map_groups_opened");

    // Double-click the biggest group: its machines appear inside its outline.
    let (id, _) = biggest_group(&harness.state().state);
    let [x, y] = harness.state().state.screen_position(&NodeKey::Group { id }).unwrap();
    double_click_at(&mut harness, Pos2::new(x, y));
    let state = &harness.state().state;
    assert!(state.options.expanded_groups.contains(&id), "the double-click opened the group");
    let group_index = state.view_index_of(&NodeKey::Group { id }).unwrap();
    let members: Vec<usize> =
        (0..state.view.nodes.len()).filter(|&i| state.view.nodes[i].container == Some(group_index)).collect();
    assert!(members.len() > 1, "its machines are on the map");
    let scene = state.scene();
    let hull = scene.hulls.iter().find(|h| h.group == group_index).expect("the open group has an outline");
    let inside = |p: [f32; 2]| {
        let n = hull.outline.len();
        (0..n).all(|k| {
            let (a, b) = (hull.outline[k], hull.outline[(k + 1) % n]);
            (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]) >= -1e-3
        })
    };
    for &m in &members {
        assert!(inside(scene.nodes[m].center), "machine {} inside the hull", scene.nodes[m].label);
    }
    assert_labels_apart(&harness);
    harness.snapshot("map_groups_one_open");
}

#[test]
fn fit_all_fit_selection_and_the_minimap_move_the_camera() {
    const TABLES: &[Table] = &Table::ALL;
    let (_dir, mut harness) = harness(TABLES);
    let whole = harness.state().state.camera;
    let (id, _) = biggest_group(&harness.state().state);
    harness.state_mut().dispatch(MapAction::Select(Some(Selected::Node(NodeKey::Group { id }))));
    harness.key_press_modifiers(Modifiers::SHIFT, egui::Key::F);
    harness.run_steps(2);
    let framed = harness.state().state.camera;
    assert_ne!(framed, whole, "Shift+F framed the selection");
    harness.key_press(egui::Key::F);
    harness.run_steps(2);
    assert_eq!(harness.state().state.camera, whole, "F framed the whole map again");

    // A click in the minimap's corner moves the view there.
    let canvas = harness.state().state.canvas.0;
    let corner = Pos2::new(canvas[0] + canvas[2] - 30.0, canvas[1] + 30.0);
    harness.hover_at(corner);
    for pressed in [true, false] {
        harness.event(Event::PointerButton {
            pos: corner,
            button: PointerButton::Primary,
            pressed,
            modifiers: Modifiers::NONE,
        });
    }
    harness.run_steps(2);
    let moved = harness.state().state.camera;
    assert_eq!(moved.zoom, whole.zoom, "the minimap keeps the zoom");
    assert!(moved.center[0] > whole.center[0] && moved.center[1] < whole.center[1], "{moved:?} vs {whole:?}");
}

/// Every node's position by its layout key.
fn positions(state: &AppState) -> std::collections::HashMap<u64, [f32; 2]> {
    state.view.nodes.iter().zip(&state.layout.positions).map(|(n, p)| (n.key, *p)).collect()
}

/// Mean displacement of the nodes on both maps, as a share of the first map's diameter.
fn moved(before: &std::collections::HashMap<u64, [f32; 2]>, after: &AppState) -> f32 {
    let (min, max) = before.values().fold(([f32::MAX; 2], [f32::MIN; 2]), |(lo, hi), p| {
        ([lo[0].min(p[0]), lo[1].min(p[1])], [hi[0].max(p[0]), hi[1].max(p[1])])
    });
    let diameter = (max[0] - min[0]).hypot(max[1] - min[1]).max(1.0);
    let after = positions(after);
    let shifts: Vec<f32> =
        before.iter().filter_map(|(k, p)| after.get(k).map(|q| (p[0] - q[0]).hypot(p[1] - q[1]))).collect();
    assert!(!shifts.is_empty(), "some nodes stay on the map");
    shifts.iter().sum::<f32>() / shifts.len() as f32 / diameter
}

#[test]
fn opening_and_closing_groups_and_machines_keeps_the_map_the_user_knows() {
    let mut state = loaded(&Table::ALL);
    let (group, _) = biggest_group(&state);
    let steps: Vec<(&str, MapAction)> = vec![
        ("open a group", MapAction::ToggleExpand(NodeKey::Group { id: group })),
        ("close it", MapAction::ToggleExpand(NodeKey::Group { id: group })),
        ("group by subnet", MapAction::GroupBy(GroupBy::Subnet { prefix_len: 24 })),
        ("group by resource group again", MapAction::GroupBy(GroupBy::ResourceGroup)),
    ];
    for (what, action) in steps {
        let before = positions(&state);
        send(&mut state, action);
        let share = moved(&before, &state);
        assert!(share < 0.05, "{what}: the nodes that stayed moved {:.1} % of the map's diameter", share * 100.0);
    }
    // A machine opened into its processes inside an open group: it grows, and only the
    // machines it would cover make way.
    send(&mut state, MapAction::ToggleExpand(NodeKey::Group { id: group }));
    let group_index = state.view_index_of(&NodeKey::Group { id: group }).unwrap();
    let inside = state.view.nodes.iter().find(|n| n.kind == NodeKind::Machine && n.container == Some(group_index));
    let machine = inside.map(|n| n.node).expect("the open group shows its machines");
    let before = positions(&state);
    send(&mut state, MapAction::ToggleExpand(machine));
    let share = moved(&before, &state);
    assert!(share < 0.05, "open a machine in an open group: the nodes that stayed moved {:.1} %", share * 100.0);
    // And on the map with no machine groups.
    send(&mut state, MapAction::GroupBy(GroupBy::None));
    let machine = state.view.nodes.iter().find(|n| n.kind == NodeKind::Machine).map(|n| n.node).unwrap();
    let before = positions(&state);
    send(&mut state, MapAction::ToggleExpand(machine));
    let share = moved(&before, &state);
    assert!(share < 0.05, "open a machine: the nodes that stayed moved {:.1} %", share * 100.0);
}
