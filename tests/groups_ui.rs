//! Move groups in the app: the state driven by actions on a generated estate (compute, move,
//! lock, select, colours, exports, a new window), and the window and canvas menu driven with
//! egui_kittest (`UPDATE_SNAPSHOTS=1` refreshes the snapshot).

use crate::support::{send, temp_dir};
use egui::{Event, Modifiers, PointerButton, Pos2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use std::path::PathBuf;
use vmi_core::graph::NodeKey;
use vmi_core::groups::{GroupingOptions, MoveTarget, Plan, Weight};
use vmi_core::render::Theme;
use vmi_fixtures::{EstateSpec, Shape, generate};
use vmi_map::VmiApp;
use vmi_map::state::groups::{CUT_COLOR, EXCLUDED_COLOR, group_color};
use vmi_map::state::{
    AppState, CameraAction, Effect, ExportAction, FileAction, GroupsAction, MapAction, SaveTarget, Selected, UiAction,
    Window,
};

/// A generated estate of 20 machines over two hours, written as portal CSV.
fn estate_files() -> (tempfile::TempDir, Vec<PathBuf>) {
    let dir = temp_dir("groups-ui");
    let estate = generate(EstateSpec { machines: 20, hours: 2, seed: 3, ..EstateSpec::default() });
    let files = vmi_fixtures::write(&estate, Shape::PortalCsv, dir.path()).unwrap();
    (dir, files)
}

fn loaded_estate() -> (tempfile::TempDir, AppState) {
    let (dir, files) = estate_files();
    let mut state = AppState::default();
    state.always_sync_layout = true;
    send(&mut state, CameraAction::CanvasMoved([0.0, 0.0, 1000.0, 700.0]));
    send(&mut state, FileAction::Open(files));
    (dir, state)
}

/// The plan of the state (it must exist).
fn plan(state: &AppState) -> &Plan {
    state.groups.plan.as_ref().expect("a plan was computed")
}

/// The view node key of machine `m` of the plan's data.
fn machine_view_key(state: &AppState, m: usize) -> u64 {
    let sym = plan(state).data().machines[m].sym;
    let i = state.view_index_of(&NodeKey::Machine { machine: sym }).expect("the machine is on the map");
    state.view.nodes[i].key
}

/// A machine of an unlocked group with at least one dependency to a machine of its own group,
/// and another non-empty group to move it to.
fn movable(plan: &Plan) -> (usize, usize, usize) {
    let data = plan.data();
    for dep in &data.dependencies {
        let (Some(a), Some(b)) = (dep.from.machine, dep.to.machine) else { continue };
        let (Some(ga), Some(gb)) = (plan.group_of(a), plan.group_of(b)) else { continue };
        if ga != gb {
            continue;
        }
        if let Some(other) = plan.groups().iter().find(|g| g.index != ga && !g.machines.is_empty()) {
            return (a, ga, other.index);
        }
    }
    panic!("the estate has a group with internal traffic and a second group");
}

#[test]
fn moving_a_machine_updates_the_cut_as_the_core_computes_it_and_locks_refuse_moves() {
    let (_dir, mut state) = loaded_estate();
    send(&mut state, UiAction::ShowWindow(Window::Groups, true));
    let data = state.groups.data.clone().expect("opening the window collects the machines");
    assert_eq!(data.machines.len(), 20);
    assert!(!state.groups.shared.is_empty(), "shared services are offered before computing");
    assert!(state.groups.plan.is_none());

    let options = GroupingOptions { weight: Weight::Bytes, ..GroupingOptions::default() };
    send(&mut state, GroupsAction::Compute(options.clone()));
    let expected = Plan::new(data.clone(), options).unwrap();
    assert_eq!(plan(&state).groups(), expected.groups(), "the app's groups are the core's");
    assert!(state.groups.figures.totals.groups >= 2, "{:?}", state.groups.figures.totals);
    assert_eq!(state.groups.figures.totals, expected.totals());
    let marks = state.marks.clone().expect("computing colours the map");
    assert!(marks.legend.iter().any(|(label, _)| label.starts_with("G1 (") && label.contains("machines")));
    assert!(marks.legend.iter().any(|(_, rgb)| *rgb == CUT_COLOR));
    assert!(!marks.fade_unmarked);

    // Move a machine that has traffic inside its group: the figures are the core's after the
    // same move, and its node takes the new group's colour.
    let (machine, from, to) = movable(plan(&state));
    let mut core = plan(&state).clone();
    core.move_machine(machine, MoveTarget::Group(to)).unwrap();
    let before = state.groups.figures.totals;
    let sym = data.machines[machine].sym;
    let version = state.marks_version;
    send(&mut state, GroupsAction::Move { machine: sym, target: MoveTarget::Group(to) });
    assert_eq!(plan(&state).group_of(machine), Some(to));
    let figures = &state.groups.figures;
    assert_eq!(figures.totals, core.totals());
    assert_ne!(figures.totals.cut, before.cut, "its internal traffic is now cut");
    assert!(figures.totals.cut.bytes > before.cut.bytes);
    assert_eq!(figures.groups[from].cut, core.group(from).unwrap().cut);
    assert_eq!(figures.groups[to].internal, core.group(to).unwrap().internal);
    assert_eq!(figures.cuts[to], core.cut(to));
    assert!(state.marks_version > version, "the marks were redrawn");
    let key = machine_view_key(&state, machine);
    assert_eq!(state.marks.as_ref().unwrap().nodes.get(&key), Some(&group_color(to)));

    // A locked group keeps its machines and takes no new ones.
    send(&mut state, GroupsAction::SetLocked { group: to, locked: true });
    assert!(state.groups.figures.groups[to].locked);
    let effects = send(&mut state, GroupsAction::Move { machine: sym, target: MoveTarget::Excluded });
    assert_eq!(plan(&state).group_of(machine), Some(to), "a locked group's machine does not move");
    assert!(state.groups.message.as_deref().is_some_and(|m| m.contains("locked")), "{:?}", state.groups.message);
    assert!(effects.iter().any(|e| matches!(e, Effect::Toast(text) if text.contains("locked"))));
    let other = plan(&state).groups()[from].machines[0];
    let totals = state.groups.figures.totals;
    send(&mut state, GroupsAction::Move { machine: data.machines[other].sym, target: MoveTarget::Group(to) });
    assert_eq!(plan(&state).group_of(other), Some(from), "nor does a machine move into it");
    assert_eq!(state.groups.figures.totals, totals);
    send(&mut state, GroupsAction::SetLocked { group: to, locked: false });
    send(&mut state, GroupsAction::Move { machine: sym, target: MoveTarget::Excluded });
    assert_eq!(plan(&state).group_of(machine), None, "unlocked, it moves");
    let key = machine_view_key(&state, machine);
    assert_eq!(state.marks.as_ref().unwrap().nodes.get(&key), Some(&EXCLUDED_COLOR));
    assert!(state.marks.as_ref().unwrap().legend.iter().any(|(label, _)| label == "Excluded (1 machine)"));
}

#[test]
fn a_selected_group_comes_forward_and_colours_follow_the_window_and_records() {
    let (_dir, mut state) = loaded_estate();
    send(&mut state, GroupsAction::Compute(GroupingOptions::default()));
    let (machine, group, _) = movable(plan(&state));
    send(&mut state, GroupsAction::Select(Some(group)));
    let marks = state.marks.clone().unwrap();
    assert!(marks.fade_unmarked, "the other groups fade");
    let members = &state.groups.figures.groups[group].machines;
    for &m in members {
        assert_eq!(marks.nodes.get(&machine_view_key(&state, m)), Some(&group_color(group)));
    }
    assert!(
        marks.nodes.len() < state.view.nodes.len(),
        "machines of other groups with no dependency on it are not marked"
    );
    send(&mut state, GroupsAction::Select(None));
    assert!(!state.marks.as_ref().unwrap().fade_unmarked);

    // The colours come off, and back.
    send(&mut state, GroupsAction::SetColouring(false));
    assert!(state.marks.is_none());
    send(&mut state, GroupsAction::SetColouring(true));
    assert!(state.marks.is_some());
    // Selecting a group with the colours off puts them back, bringing it forward.
    send(&mut state, GroupsAction::SetColouring(false));
    send(&mut state, GroupsAction::Select(Some(group)));
    assert!(state.groups.colouring && state.marks.as_ref().is_some_and(|m| m.fade_unmarked));
    send(&mut state, GroupsAction::Select(None));

    // A new window: the plan is recomputed for it, hand edits are gone.
    let sym = plan(&state).data().machines[machine].sym;
    send(&mut state, GroupsAction::Move { machine: sym, target: MoveTarget::NewGroup });
    let (from, to) = state.data_extent.unwrap();
    let middle = vmi_core::model::Timestamp(from.0 + (to.0 - from.0) / 2);
    send(&mut state, MapAction::SetWindow { from: Some(middle), to: None, brush: false });
    let data = plan(&state).data();
    assert_eq!(data.request.from, Some(middle), "the plan is for the new window");
    assert!(state.groups.message.as_deref().is_some_and(|m| m.contains("reset")));
    assert!(state.marks.is_some());

    // Closing every file leaves no machine to group: no plan, no colours.
    send(&mut state, FileAction::Clear);
    assert!(state.groups.plan.is_none());
    assert!(state.groups.figures.groups.is_empty());
    assert!(state.marks.is_none());
}

#[test]
fn groups_and_firewall_rules_are_saved() {
    let (_dir, mut state) = loaded_estate();
    send(&mut state, GroupsAction::Compute(GroupingOptions::default()));
    let out = temp_dir("groups-ui-save");
    let csv = out.path().join("groups.csv");
    send(&mut state, ExportAction::Save { target: SaveTarget::MoveGroups, path: csv.clone() });
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.starts_with("group,machine,fqdn,ips,resource_group,os,size"), "{text}");
    assert_eq!(text.lines().count(), 21, "a row per machine");

    let group = state.groups.figures.groups.iter().find(|g| g.cut.dependencies > 0).unwrap().clone();
    let scope = vmi_core::groups::RuleScope::group(group.index);
    let target = SaveTarget::FirewallRules { scope, name: group.name.clone() };
    assert_eq!(target.file_stem(), format!("vmi-map-rules-{}", group.name.to_ascii_lowercase()));
    let rules_csv = out.path().join("rules.csv");
    send(&mut state, ExportAction::Save { target: target.clone(), path: rules_csv.clone() });
    let text = std::fs::read_to_string(&rules_csv).unwrap();
    assert_eq!(text.lines().count(), 1 + group.cut.dependencies, "a rule per cut dependency");
    let rules_json = out.path().join("rules.json");
    send(&mut state, ExportAction::Save { target, path: rules_json.clone() });
    let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&rules_json).unwrap()).unwrap();
    let rules = json["securityRules"].as_array().unwrap();
    assert!(!rules.is_empty());
    assert_eq!(rules[0]["properties"]["access"], "Allow");
    assert!(state.errors.is_empty(), "{:?}", state.errors);
}

// ---- the window and the canvas, driven as a user drives them ----

fn harness() -> (tempfile::TempDir, Harness<'static, VmiApp>) {
    let (dir, files) = estate_files();
    let mut harness =
        Harness::builder().with_size([1400.0, 900.0]).with_theme(egui::Theme::Light).wgpu().build_eframe(|cc| {
            let mut app = VmiApp::empty(&cc.egui_ctx);
            app.state.always_sync_layout = true;
            app.dispatch(UiAction::SetTheme(Theme::Light));
            app.dispatch(FileAction::Open(files));
            app.finish_load_now();
            app
        });
    harness.run_steps(4);
    (dir, harness)
}

fn right_click_at(harness: &mut Harness<'_, VmiApp>, pos: Pos2) {
    harness.hover_at(pos);
    for pressed in [true, false] {
        harness.event(Event::PointerButton {
            pos,
            button: PointerButton::Secondary,
            pressed,
            modifiers: Modifiers::NONE,
        });
    }
    harness.run_steps(3);
}

#[test]
fn the_move_groups_window_computes_groups_and_the_map_menu_moves_a_machine() {
    let (_dir, mut harness) = harness();
    harness.get_by_label("Tools").click();
    harness.run_steps(2);
    harness.get_by_label("Move groups…").click();
    harness.run_steps(3);
    assert!(harness.state().state.windows.groups, "Tools > Move groups… opens the window");
    harness.get_by_label_contains("20 machines and");
    harness.get_by_label("Compute").click();
    harness.run_steps(3);
    let app = &harness.state().state;
    let groups = app.groups.figures.totals.groups;
    assert!(groups >= 2, "{groups} groups");
    let legend: Vec<String> = app.scene().legend.iter().map(|(label, _)| label.clone()).collect();
    assert!(legend.iter().any(|l| l.starts_with("G1 (")), "the map's legend lists the groups: {legend:?}");
    harness.get_by_label("these move groups");
    harness.get_by_label("by resource group");
    harness.get_by_label_contains("Rule: starting with nothing moved");

    // Clicking a group's name brings it forward and opens its cut; clicking a cut dependency
    // selects its edge on the map.
    harness.query_all_by_label("G1").next().expect("the group is listed").click();
    harness.run_steps(3);
    let app = &harness.state().state;
    assert_eq!(app.groups.selected, Some(0));
    assert!(app.marks.as_ref().is_some_and(|m| m.fade_unmarked), "the other groups fade");
    let data = app.groups.data.clone().unwrap();
    let cut = app.groups.figures.cuts[0].clone();
    // The first cut dependency whose client is a process, as its row names it.
    let dep = cut.iter().map(|&d| &data.dependencies[d]).find(|d| d.from.process.is_some()).unwrap();
    let from = format!("{} / {}", dep.from.name, dep.from.process.as_deref().unwrap_or_default());
    harness.query_all_by_label(&from).next().expect("the cut is listed").click();
    harness.run_steps(3);
    let app = &harness.state().state;
    let Some(Selected::Edge { source, target }) = app.selected else {
        panic!("an edge is selected: {:?}", app.selected)
    };
    assert!(
        cut.iter().any(|&d| data.dependencies[d].from.key == source && data.dependencies[d].to.key == target),
        "the edge is one of the group's cut dependencies"
    );
    harness.snapshot("move_groups");

    // Right-click a machine on the map (the window closed, the plan stays): Move to group > New group.
    harness.state_mut().dispatch(UiAction::ShowWindow(Window::Groups, false));
    harness.run_steps(2);
    let app = &harness.state().state;
    let plan = app.groups.plan.as_ref().unwrap();
    let machine = plan.groups()[0].machines[0];
    let sym = plan.data().machines[machine].sym;
    let before = plan.group_count();
    let [x, y] = app.screen_position(&NodeKey::Machine { machine: sym }).unwrap();
    right_click_at(&mut harness, Pos2::new(x, y));
    harness.get_by_label("Move to group").click();
    harness.run_steps(3);
    harness.get_by_label("New group").click();
    harness.run_steps(3);
    let plan = harness.state().state.groups.plan.as_ref().unwrap();
    assert_eq!(plan.group_count(), before + 1, "a new group was made");
    assert_eq!(plan.group_of(machine), Some(before), "the machine is alone in it");
}
