//! Workspaces, notes, help and settings as the user meets them, driven with egui_kittest: a
//! reopened workspace (snapshot), a note typed in the details panel, F1, Help > About, the
//! Settings window and the question before unsaved work is lost.

use crate::gui::harness_with;
use crate::support::{fixture, send, temp_dir};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use std::path::{Path, PathBuf};
use vmi_core::graph::{NodeKey, NodeKind};
use vmi_core::model::Timestamp;
use vmi_core::render::Theme;
use vmi_map::VmiApp;
use vmi_map::state::{
    AppState, CameraAction, ExportAction, FileAction, MapAction, NotesAction, SaveTarget, Selected, UiAction,
    WorkspaceAction,
};

const ESTATE: &[&str] = crate::support::SMALL_ESTATE;

fn machine(state: &AppState, name: &str) -> NodeKey {
    state.map.nodes_of_kind(NodeKind::Machine).find(|(_, n)| n.label == name).map(|(_, n)| n.key).unwrap()
}

/// A workspace of the estate with web01 opened, db01 pinned aside with a note, an edge noted,
/// a window and a filter set, db01 selected; written headless at `path`.
fn write_workspace(path: &Path) {
    let mut state = AppState::default();
    send(&mut state, CameraAction::CanvasMoved([270.0, 30.0, 800.0, 600.0]));
    send(&mut state, FileAction::Open(ESTATE.iter().map(|f| fixture(f)).collect()));
    let from = Timestamp::parse("2026-10-05T08:00:00Z");
    send(&mut state, MapAction::SetWindow { from, to: None, brush: false });
    let mut options = state.options.clone();
    options.hide_localhost = true;
    send(&mut state, MapAction::SetViewOptions(options));
    let web = machine(&state, "web01");
    send(&mut state, MapAction::ToggleExpand(web));
    let db = machine(&state, "db01");
    let index = state.view_index_of(&db).unwrap();
    send(&mut state, MapAction::DragNode { index, delta: [60.0, 40.0] });
    send(&mut state, MapAction::DragEnd { index });
    send(&mut state, NotesAction::Set { target: Selected::Node(db), text: "owner: payments team".into() });
    send(&mut state, MapAction::Select(Some(Selected::Node(db))));
    send(&mut state, ExportAction::Save { target: SaveTarget::Workspace, path: path.to_path_buf() });
    assert!(state.errors.is_empty(), "{:?}", state.errors);
}

fn open_workspace(path: PathBuf) -> Harness<'static, VmiApp> {
    harness_with(move |app| {
        app.dispatch(FileAction::Open(vec![path]));
        app.finish_load_now();
    })
}

#[test]
fn a_reopened_workspace_shows_its_window_pins_note_and_selection() {
    let dir = temp_dir("reopened-ui");
    let path = dir.path().join("payments.vmimap");
    write_workspace(&path);
    let mut harness = open_workspace(path);
    harness.run_steps(3);
    let state = &harness.state().state;
    assert!(state.errors.is_empty(), "{:?}", state.errors);
    assert!(state.options.hide_localhost && !state.options.expanded.is_empty());
    assert_eq!(state.layout.pinned.len(), 1);
    harness.get_by_label_contains("Workspace payments.vmimap opened");
    let note = harness.get_by_role(egui::accesskit::Role::MultilineTextInput);
    assert_eq!(note.value().as_deref(), Some("owner: payments team"), "the note in the details panel");
    harness.snapshot("reopened_workspace");
}

#[test]
fn a_note_typed_in_the_details_is_kept_on_its_node() {
    let mut harness = harness_with(|app| {
        app.dispatch(FileAction::Open(ESTATE.iter().map(|f| fixture(f)).collect()));
        app.finish_load_now();
    });
    let db = machine(&harness.state().state, "db01");
    harness.state_mut().dispatch(MapAction::Select(Some(Selected::Node(db))));
    harness.run_steps(2);
    let note = harness.get_by_role(egui::accesskit::Role::MultilineTextInput);
    note.click();
    harness.run_steps(1);
    harness.get_by_role(egui::accesskit::Role::MultilineTextInput).type_text("decommission in Q3");
    harness.run_steps(1);
    // Tab moves on: the edit ends and the note is saved.
    harness.key_press(egui::Key::Tab);
    harness.run_steps(2);
    let state = &harness.state().state;
    assert_eq!(state.notes.notes.values().map(String::as_str).collect::<Vec<_>>(), vec!["decommission in Q3"]);
    assert_eq!(state.selected, Some(Selected::Node(db)), "the node stays selected");
    harness.get_by_label("Remove note").click();
    harness.run_steps(2);
    assert!(harness.state().state.notes.notes.is_empty());
}

#[test]
fn f1_lists_the_shortcuts_and_help_about_names_the_version_and_licences() {
    let mut harness = harness_with(|_| {});
    harness.key_press(egui::Key::F1);
    harness.run_steps(2);
    harness.get_by_label("Keyboard shortcuts");
    harness.get_by_label("Save the workspace");
    harness.get_by_label("Ctrl+S");
    harness.get_by_label("Help").click();
    harness.run_steps(2);
    harness.get_by_label("About vmi-map").click();
    harness.run_steps(2);
    assert!(harness.state().state.windows.about, "Help > About vmi-map opens the window");
    // A window's first frame only measures it.
    harness.run_steps(2);
    harness.get_by_label(&format!("vmi-map {}", env!("CARGO_PKG_VERSION")));
    harness.get_by_label_contains("Licence: MIT OR Apache-2.0");
    harness.get_by_label("xxhash-rust");
}

#[test]
fn every_key_the_app_answers_to_is_in_the_shortcuts_list() {
    let listed: Vec<&str> =
        vmi_map::ui::help::SHORTCUTS.iter().flat_map(|(_, rows)| rows.iter().map(|(keys, _)| *keys)).collect();
    let text = |key: &str| -> String {
        match key {
            "Plus" => "+".into(),
            "Minus" => "-".into(),
            "Equals" => "=".into(),
            other => other.to_string(),
        }
    };
    let ui = crate::support::repo_root().join("app/src/ui");
    let mut sources = Vec::new();
    let mut folders = vec![ui];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                sources.push(std::fs::read_to_string(path).unwrap());
            }
        }
    }
    let mut keys = Vec::new();
    for source in &sources {
        for line in source.lines().filter(|l| {
            l.contains("consume_key") || l.contains("consume_shortcut") || l.contains("KeyboardShortcut::new")
        }) {
            for part in line.split("Key::").skip(1) {
                let name: String = part.chars().take_while(char::is_ascii_alphanumeric).collect();
                keys.push(name);
            }
        }
    }
    assert!(keys.len() >= 10, "the shortcuts were found in the sources: {keys:?}");
    for key in keys {
        let key = text(&key);
        assert!(
            listed.iter().any(|keys| keys.split([' ', '+']).any(|k| k == key) || keys.contains(&key)),
            "{key} is handled but not in Help > Keyboard shortcuts"
        );
    }
}

#[test]
fn settings_change_theme_scale_and_times_and_are_remembered() {
    use vmi_map::state::settings::{ThemeChoice, TimeShown, remembered};
    let mut harness = harness_with(|app| app.dispatch(FileAction::LoadSample));
    harness.state_mut().finish_load_now();
    harness.state_mut().dispatch(UiAction::ShowWindow(vmi_map::state::Window::Settings, true));
    harness.run_steps(2);
    harness.get_by_label("Dark").click();
    harness.run_steps(2);
    harness.get_by_label("Local time").click();
    harness.run_steps(2);
    let state = &harness.state().state;
    assert_eq!(state.settings.settings.theme, ThemeChoice::Dark);
    assert_eq!(state.theme, Theme::Dark, "maps and charts drawn dark too");
    assert_eq!(harness.ctx.theme(), egui::Theme::Dark);
    assert_eq!(state.settings.settings.time_shown, TimeShown::Local);
    let kept = remembered(state);
    assert_eq!(kept.settings.theme, ThemeChoice::Dark);
    let json = serde_json::to_string(&kept).unwrap();
    assert!(json.contains("\"Dark\"") && json.contains("\"Local\""), "{json}");
    // The thread count is a setting too: loading uses it from then on, and it is remembered.
    harness.state_mut().dispatch(vmi_map::state::SettingsAction::SetThreads(1));
    assert_eq!(vmi_core::threads::Threads::current().get(), 1, "loading uses the setting");
    let json = serde_json::to_string(&remembered(&harness.state().state)).unwrap();
    assert!(json.contains("\"threads\":1"), "{json}");
    harness.state_mut().dispatch(vmi_map::state::SettingsAction::SetThreads(0));
    assert_eq!(vmi_core::threads::Threads::current().get(), vmi_core::threads::cores());
}

#[test]
fn quitting_with_an_unsaved_note_asks_and_cancel_keeps_the_app() {
    let mut harness = harness_with(|app| {
        app.dispatch(FileAction::Open(ESTATE.iter().map(|f| fixture(f)).collect()));
        app.finish_load_now();
    });
    let db = machine(&harness.state().state, "db01");
    harness.state_mut().dispatch(NotesAction::Set { target: Selected::Node(db), text: "keep".into() });
    harness.state_mut().dispatch(WorkspaceAction::CloseRequested);
    harness.run_steps(2);
    harness.get_by_label("Quit vmi-map?");
    harness.get_by_label("Quit without saving");
    harness.get_by_label("Cancel").click();
    harness.run_steps(2);
    assert_eq!(harness.state().state.workspace.prompt, None);
    assert!(!harness.state().state.workspace.quit_confirmed);
}
