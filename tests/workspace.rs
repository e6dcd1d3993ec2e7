//! Workspaces (`.vmimap`), notes and the unsaved-work question, driven through the app state
//! with no egui: save a piece of work, open it in a fresh app, and find the same view.

use crate::support::{fixture, send, temp_dir};
use std::path::{Path, PathBuf};
use vmi_core::graph::{NodeKey, NodeKind};
use vmi_core::model::Timestamp;
use vmi_map::state::notes::{node_key_text, selection_key};
use vmi_map::state::workspace::{Answer, Prompt, Workspace};
use vmi_map::state::{
    AppState, CameraAction, Effect, ErrorKind, ExportAction, FileAction, MapAction, NotesAction, SaveTarget, Selected,
    WorkspaceAction,
};

const ESTATE: &[&str] = crate::support::SMALL_ESTATE;

fn fresh() -> AppState {
    let mut state = AppState::default();
    send(&mut state, CameraAction::CanvasMoved([0.0, 0.0, 1000.0, 700.0]));
    state
}

fn open(paths: Vec<PathBuf>) -> AppState {
    let mut state = fresh();
    send(&mut state, FileAction::Open(paths));
    state
}

fn machine(state: &AppState, name: &str) -> NodeKey {
    state.map.nodes_of_kind(NodeKind::Machine).find(|(_, n)| n.label == name).map(|(_, n)| n.key).unwrap()
}

/// Copies the estate's files into `folder` (flat), returning their new paths.
fn copy_estate(folder: &Path) -> Vec<PathBuf> {
    std::fs::create_dir_all(folder).unwrap();
    ESTATE
        .iter()
        .map(|f| {
            let from = fixture(f);
            let to = folder.join(from.file_name().unwrap());
            std::fs::copy(&from, &to).unwrap();
            to
        })
        .collect()
}

fn save(state: &mut AppState, path: &Path) -> Vec<Effect> {
    let effects = send(state, ExportAction::Save { target: SaveTarget::Workspace, path: path.to_path_buf() });
    assert!(state.errors.is_empty(), "saved without errors: {:?}", state.errors);
    assert!(path.is_file(), "the workspace file was written");
    effects
}

/// Every view node's text key and position, sorted.
fn placed(state: &AppState) -> Vec<(String, [f32; 2])> {
    let mut placed: Vec<(String, [f32; 2])> = (0..state.view.nodes.len())
        .map(|i| (node_key_text(&state.store, &state.node_key_of_view(i).unwrap()), state.layout.positions[i]))
        .collect();
    placed.sort_by(|a, b| a.0.cmp(&b.0));
    placed
}

/// A piece of work: a window, filters, an opened machine, a pinned node, notes on a node and
/// an edge, a selection.
fn work_on(state: &mut AppState) {
    let from = Timestamp::parse("2026-10-05T08:00:00Z");
    let to = Timestamp::parse("2026-10-05T09:00:00Z");
    send(state, MapAction::SetWindow { from, to, brush: false });
    let mut options = state.options.clone();
    options.hide_localhost = true;
    options.min_bytes = 1;
    send(state, MapAction::SetViewOptions(options));
    let web = machine(state, "web01");
    send(state, MapAction::ToggleExpand(web));
    let db = machine(state, "db01");
    let index = state.view_index_of(&db).unwrap();
    send(state, MapAction::DragNode { index, delta: [40.0, 25.0] });
    send(state, MapAction::DragEnd { index });
    send(state, NotesAction::Set { target: Selected::Node(db), text: "owner: payments team".into() });
    let edge = state.view.edges.first().map(|e| (e.source, e.target)).unwrap();
    let (source, target) = (state.node_key_of_view(edge.0).unwrap(), state.node_key_of_view(edge.1).unwrap());
    send(state, NotesAction::Set { target: Selected::Edge { source, target }, text: "decommission in Q3".into() });
    send(state, MapAction::Select(Some(Selected::Node(db))));
}

#[test]
fn a_saved_workspace_opens_in_a_fresh_app_with_the_same_view() {
    let dir = temp_dir("workspace-round-trip");
    let files = copy_estate(&dir.path().join("exports"));
    let mut before = open(files);
    work_on(&mut before);
    let path = dir.path().join("payments.vmimap");
    save(&mut before, &path);

    let mut after = fresh();
    send(&mut after, FileAction::Open(vec![path.clone()]));
    assert_eq!(vmi_map::title::for_state(&after), "vmi-map — payments", "the window is titled with the workspace");
    assert!(after.errors.is_empty(), "{:?}", after.errors);
    assert_eq!(after.store.files().len(), ESTATE.len(), "every file loaded again");
    assert_eq!((after.request.from, after.request.to), (before.request.from, before.request.to), "the window");
    assert_eq!(after.options, before.options, "filters, opened machines, hidden nodes");
    assert_eq!(after.layout.pinned, before.layout.pinned, "pinned nodes where they were dropped");
    assert_eq!(after.notes.notes, before.notes.notes, "notes on the node and the edge");
    assert_eq!(after.notes.notes.len(), 2);
    let key = |s: &AppState| s.selected.map(|sel| selection_key(&s.store, &sel));
    assert_eq!(key(&after), key(&before), "the selection");
    assert_eq!(placed(&after), placed(&before), "every node exactly where it was");
    assert_eq!(after.camera, before.camera, "the same part of the map on screen");
    assert_eq!(after.workspace.path.as_deref(), Some(path.as_path()));
    assert!(!vmi_map::state::workspace::is_dirty(&after), "nothing to save right after opening");
}

#[test]
fn a_workspace_whose_files_moved_next_to_it_still_opens() {
    let dir = temp_dir("workspace-moved");
    let first = dir.path().join("first");
    let mut state = open(copy_estate(&first.join("deep/exports")));
    let path = first.join("work.vmimap");
    save(&mut state, &path);
    let written: Workspace = Workspace::read(&path).unwrap();
    assert_eq!(written.files[0].path.as_deref(), Some("deep/exports/VMComputer.csv"), "relative to the workspace");

    // Everything moves to a new folder, the files flat beside the workspace.
    let moved = dir.path().join("moved");
    copy_estate(&moved);
    std::fs::copy(&path, moved.join("work.vmimap")).unwrap();
    std::fs::remove_dir_all(&first).unwrap();

    let reopened = open(vec![moved.join("work.vmimap")]);
    assert!(reopened.errors.is_empty(), "found beside the workspace: {:?}", reopened.errors);
    assert_eq!(reopened.store.files().len(), ESTATE.len());
    assert_eq!(reopened.counts(), state.counts());
}

#[test]
fn a_changed_or_missing_file_is_named_and_the_rest_opens() {
    let dir = temp_dir("workspace-changed");
    let files = copy_estate(&dir.path().join("exports"));
    let mut state = open(files.clone());
    let path = dir.path().join("work.vmimap");
    save(&mut state, &path);

    // Same size, different content: only the hash tells.
    let computers = &files[0];
    let mut bytes = std::fs::read(computers).unwrap();
    let last = bytes.iter().rposition(|b| b.is_ascii_digit()).unwrap();
    bytes[last] = if bytes[last] == b'7' { b'8' } else { b'7' };
    std::fs::write(computers, &bytes).unwrap();
    std::fs::remove_file(&files[2]).unwrap();

    let reopened = open(vec![path]);
    let messages: Vec<&str> = reopened.errors.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(reopened.errors.iter().all(|e| e.kind == ErrorKind::Load));
    assert!(messages.iter().any(|m| m.contains("not found") && m.contains("VMBoundPort.csv")), "{messages:?}");
    assert!(messages.iter().any(|m| m.contains("changed") && m.contains("VMComputer.csv")), "{messages:?}");
    assert_eq!(reopened.store.files().len(), ESTATE.len() - 1, "the changed file loads as it is now, the rest too");
    assert!(reopened.counts().0 > 0, "the map is there");
}

/// A save records each file as it was loaded (hashed in the background once its load
/// finished), not as it is on disk by then: the workspace describes the records it was made
/// over, and the save reads no file again. A file changed since shows when the workspace
/// reopens: at once when its size differs, once it is hashed when only its content does.
#[test]
fn a_save_records_the_files_as_they_were_loaded() {
    let dir = temp_dir("workspace-as-loaded");
    let files = copy_estate(&dir.path().join("exports"));
    let as_loaded: Vec<String> =
        files.iter().map(|f| vmi_map::state::workspace::content_hash(f).unwrap().xxh3).collect();
    let mut state = open(files.clone());

    // Changed after the load, before the save: one in place (same size), one grown.
    let mut bytes = std::fs::read(&files[0]).unwrap();
    let last = bytes.iter().rposition(|b| b.is_ascii_digit()).unwrap();
    bytes[last] = if bytes[last] == b'7' { b'8' } else { b'7' };
    std::fs::write(&files[0], &bytes).unwrap();
    let mut grown = std::fs::read(&files[1]).unwrap();
    grown.extend_from_slice(b"\n");
    std::fs::write(&files[1], &grown).unwrap();

    let path = dir.path().join("work.vmimap");
    save(&mut state, &path);
    let saved = Workspace::read(&path).unwrap();
    let saved_hashes: Vec<String> = saved.files.iter().map(|f| f.xxh3.clone().unwrap()).collect();
    assert_eq!(saved_hashes, as_loaded, "the hashes of the files as loaded");

    let reopened = open(vec![path]);
    let messages: Vec<&str> = reopened.errors.iter().map(|e| e.message.as_str()).collect();
    let names = |i: usize| files[i].file_name().unwrap().to_string_lossy().into_owned();
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(messages.iter().all(|m| m.contains("changed since the workspace was saved")), "{messages:?}");
    assert!(messages.iter().any(|m| m.contains(&names(0))), "the file changed in place: {messages:?}");
    assert!(messages.iter().any(|m| m.contains(&names(1))), "the file that grew: {messages:?}");
    assert_eq!(reopened.store.files().len(), ESTATE.len(), "every file loads as it is now");
}

#[test]
fn a_workspace_from_a_newer_app_is_refused_with_a_clear_error() {
    let dir = temp_dir("workspace-future");
    let path = dir.path().join("future.vmimap");
    std::fs::write(&path, r#"{"format": "vmi-map workspace", "version": 99, "files": [], "hologram": true}"#).unwrap();
    let mut state = open(ESTATE.iter().map(|f| fixture(f)).collect());
    let counts = state.counts();
    send(&mut state, FileAction::Open(vec![path]));
    assert_eq!(state.errors.len(), 1);
    let message = &state.errors[0].message;
    assert!(message.starts_with("future.vmimap: "), "{message}");
    assert!(message.contains("newer vmi-map") && message.contains("99"), "{message}");
    assert!(message.contains("Update vmi-map"), "says what to do: {message}");
    assert_eq!(state.counts(), counts, "what was open stays open");
    assert_eq!(state.workspace.path, None);
}

#[test]
fn an_older_or_sparser_workspace_opens() {
    let dir = temp_dir("workspace-older");
    let files = copy_estate(dir.path());
    let entries: Vec<String> =
        files.iter().map(|f| format!(r#"{{"path": "{}"}}"#, f.file_name().unwrap().to_string_lossy())).collect();
    // Version 0 had neither hashes nor positions: what is absent defaults.
    let text = format!(
        r#"{{"format": "vmi-map workspace", "version": 0, "files": [{}], "notes": {{"machine/m-db01": "legacy note"}}}}"#,
        entries.join(",")
    );
    let path = dir.path().join("old.vmimap");
    std::fs::write(&path, text).unwrap();
    let state = open(vec![path]);
    assert!(state.errors.is_empty(), "{:?}", state.errors);
    assert_eq!(state.store.files().len(), ESTATE.len());
    assert_eq!(state.notes.notes.get("machine/m-db01").map(String::as_str), Some("legacy note"));
    assert!(state.layout.settled && state.view.nodes.len() == state.layout.positions.len(), "laid out afresh");
}

#[test]
fn not_a_workspace_is_said_so() {
    let dir = temp_dir("workspace-not");
    let path = dir.path().join("other.vmimap");
    std::fs::write(&path, r#"{"nodes": []}"#).unwrap();
    let mut state = fresh();
    send(&mut state, FileAction::Open(vec![path.clone()]));
    assert!(state.errors[0].message.contains("not a vmi-map workspace"), "{}", state.errors[0].message);
    std::fs::write(&path, "not json at all").unwrap();
    send(&mut state, FileAction::Open(vec![path]));
    assert!(state.errors[1].message.contains("not JSON"), "{}", state.errors[1].message);
}

#[test]
fn the_sample_estate_is_saved_by_name_not_by_path() {
    let dir = temp_dir("workspace-sample");
    let mut state = fresh();
    send(&mut state, FileAction::LoadSample);
    let path = dir.path().join("sample.vmimap");
    save(&mut state, &path);
    let written = Workspace::read(&path).unwrap();
    assert!(written.files.iter().all(|f| f.sample.is_some() && f.path.is_none()), "{:?}", written.files);
    let reopened = open(vec![path]);
    assert!(reopened.errors.is_empty(), "{:?}", reopened.errors);
    assert_eq!(reopened.counts(), state.counts());
}

#[test]
fn notes_are_found_by_search_and_exported_with_the_graph() {
    let mut state = open(ESTATE.iter().map(|f| fixture(f)).collect());
    let db = machine(&state, "db01");
    send(&mut state, NotesAction::Set { target: Selected::Node(db), text: "Owner: Payments team".into() });
    send(&mut state, MapAction::Search("payments".into()));
    assert_eq!(state.search.matches, vec![db], "the note's text finds its node");
    send(&mut state, MapAction::Select(Some(Selected::Node(db))));
    assert_eq!(state.notes.selected.as_ref().map(|(_, n)| n.as_str()), Some("Owner: Payments team"));

    let dir = temp_dir("notes-export");
    let json = dir.path().join("map.json");
    send(&mut state, ExportAction::Save { target: SaveTarget::Graph, path: json.clone() });
    let graph: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let noted: Vec<&serde_json::Value> =
        graph["nodes"].as_array().unwrap().iter().filter(|n| n.get("note").is_some()).collect();
    assert_eq!(noted.len(), 1);
    assert_eq!(noted[0]["name"], "db01");
    assert_eq!(noted[0]["note"], "Owner: Payments team");
    let graphml = dir.path().join("map.graphml");
    send(&mut state, ExportAction::Save { target: SaveTarget::Graph, path: graphml.clone() });
    let text = std::fs::read_to_string(&graphml).unwrap();
    let document = roxmltree::Document::parse(&text).unwrap();
    let notes: Vec<&str> =
        document.descendants().filter(|n| n.attribute("key") == Some("note")).filter_map(|n| n.text()).collect();
    assert_eq!(notes, vec!["Owner: Payments team"]);

    // An empty note removes it.
    send(&mut state, NotesAction::Set { target: Selected::Node(db), text: "  ".into() });
    assert!(state.notes.notes.is_empty());
}

#[test]
fn quitting_with_unsaved_notes_asks_first() {
    let dir = temp_dir("workspace-quit");
    let mut state = open(ESTATE.iter().map(|f| fixture(f)).collect());
    let effects = send(&mut state, WorkspaceAction::CloseRequested);
    assert!(effects.iter().any(|e| matches!(e, Effect::Quit)), "nothing to lose: quits at once");

    let mut state = open(ESTATE.iter().map(|f| fixture(f)).collect());
    let db = machine(&state, "db01");
    send(&mut state, NotesAction::Set { target: Selected::Node(db), text: "keep me".into() });
    let effects = send(&mut state, WorkspaceAction::CloseRequested);
    assert!(!effects.iter().any(|e| matches!(e, Effect::Quit)));
    assert_eq!(state.workspace.prompt, Some(Prompt::Quit));
    send(&mut state, WorkspaceAction::Answer(Answer::Cancel));
    assert_eq!(state.workspace.prompt, None);

    // "Save" with no workspace file yet asks where; saving there quits.
    send(&mut state, WorkspaceAction::CloseRequested);
    let effects = send(&mut state, WorkspaceAction::Answer(Answer::Save));
    let [Effect::SaveDialog { target: SaveTarget::Workspace, extension: "vmimap", .. }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    let path = dir.path().join("kept.vmimap");
    let effects = save(&mut state, &path);
    assert!(effects.iter().any(|e| matches!(e, Effect::Quit)), "saved, then quits: {effects:?}");
    assert!(!vmi_map::state::workspace::is_dirty(&state));
}

#[test]
fn opening_another_workspace_over_unsaved_pins_asks_first() {
    let dir = temp_dir("workspace-switch");
    let mut state = open(ESTATE.iter().map(|f| fixture(f)).collect());
    let other = dir.path().join("other.vmimap");
    save(&mut state, &other);
    let db = machine(&state, "db01");
    send(&mut state, MapAction::Pin(db));
    send(&mut state, FileAction::Open(vec![other.clone()]));
    assert_eq!(state.workspace.prompt, Some(Prompt::Open(other.clone())));
    assert!(!state.layout.pinned.is_empty(), "nothing replaced yet");
    send(&mut state, WorkspaceAction::Answer(Answer::Discard));
    assert_eq!(state.workspace.prompt, None);
    assert!(state.layout.pinned.is_empty(), "the other workspace, with no pins, is open");
}

#[test]
fn a_folder_loads_every_export_inside_it() {
    let dir = temp_dir("open-folder");
    copy_estate(&dir.path().join("estate/nested"));
    std::fs::write(dir.path().join("estate/readme.txt"), "not an export").unwrap();
    let state = open(vec![dir.path().join("estate")]);
    assert!(state.errors.is_empty(), "{:?}", state.errors);
    assert_eq!(state.store.files().len(), ESTATE.len(), "the five exports, not the readme");
    assert_eq!(state.counts().0, 3);
    assert_eq!(state.settings.recent_files.len(), ESTATE.len(), "remembered for File > Open recent");
}

#[test]
fn move_groups_come_back_with_moves_made_by_hand() {
    use vmi_core::groups::{GroupingOptions, MoveTarget};
    use vmi_map::state::GroupsAction;
    let dir = temp_dir("workspace-groups");
    let mut state = open(ESTATE.iter().map(|f| fixture(f)).collect());
    send(&mut state, GroupsAction::Compute(GroupingOptions::default()));
    let NodeKey::Machine { machine: db } = machine(&state, "db01") else { panic!("db01 is a machine") };
    send(&mut state, GroupsAction::Move { machine: db, target: MoveTarget::NewGroup });
    let groups = |s: &AppState| -> Vec<(String, Vec<String>)> {
        let plan = s.groups.plan.as_ref().unwrap();
        plan.groups()
            .into_iter()
            .filter(|g| !g.machines.is_empty())
            .map(|g| (g.name, g.machines.iter().map(|&m| plan.data().machines[m].id.clone()).collect()))
            .collect()
    };
    let path = dir.path().join("groups.vmimap");
    save(&mut state, &path);
    let reopened = open(vec![path]);
    assert_eq!(groups(&reopened), groups(&state));
    assert!(reopened.groups.colouring, "the map is coloured by group again");
}

#[test]
fn times_print_in_utc_or_with_the_local_offset() {
    use vmi_map::state::settings::TimeShown;
    let t = Timestamp::parse("2026-10-05T08:03:00Z").unwrap();
    assert_eq!(TimeShown::Utc.format(t), "2026-10-05 08:03:00 UTC");
    let local = TimeShown::Local.format(t);
    let (clock, offset) = local.rsplit_once(' ').unwrap();
    assert_eq!(clock.len(), "2026-10-05 08:03:00".len(), "{local}");
    assert!(offset.starts_with(['+', '-']) && offset.len() == 6 && offset.as_bytes()[3] == b':', "{local}");
}
